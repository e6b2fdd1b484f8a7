/* image.c: images in and out of the CLI, through Debian's libstb (stb_image, stb_image_resize,
 * stb_image_write; shared library libstb, pkg-config `stb`). In: decode, convert to the input's channel
 * count (stb's own luminance for C = 1), resize to the input's H x W, normalize, lay out as NCHW or NHWC.
 * Out: PNG files for `viz`. stb_image is not hardened against hostile files, which is acceptable for a
 * command-line tool the user points at their own pictures; the library itself never decodes images. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include "cli.h"

/* Largest image side we resize to or from: keeps every int that stb takes far from overflow. */
enum { IMAGE_MAX_SIDE = 32768 };

bool cli_is_image_path(const char *path)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".pgm", ".ppm", ".pnm"};
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return false;
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
        if (strcasecmp(dot, exts[k]) == 0)
            return true;
    return false;
}

static bool image_dtype(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16 ||
           t == ONR_DTYPE_UINT8;
}

int cli_image_load(const char *path, const char *input, onr_dtype dtype, int32_t rank, const int64_t *dims_in,
                   const cli_input_args *a, onr_tensor **out)
{
    int64_t dims[ONR_MAX_RANK] = {0};
    unsigned char *pix = NULL, *resized = NULL;
    int rc = CLI_EXIT_RUN;
    *out = NULL;
    if (dtype == ONR_DTYPE_UNDEFINED)
        dtype = ONR_DTYPE_FLOAT;
    if (rank != 3 && rank != 4) {
        cli_error(path, "input '%s' has rank %d: an image fills a rank-4 (N,C,H,W or N,H,W,C) or rank-3 input",
                  input, (int)rank);
        return CLI_EXIT_RUN;
    }
    if (!image_dtype(dtype)) {
        cli_error(path, "input '%s' is %s: an image fills float, double, float16, bfloat16 or uint8 inputs", input,
                  onr_dtype_name(dtype));
        return CLI_EXIT_RUN;
    }
    memcpy(dims, dims_in, (size_t)rank * sizeof *dims);
    int off = rank - 3; /* index of the first of C,H,W (NCHW) or H,W,C (NHWC) */
    int ic = a->nhwc ? off + 2 : off, ih = a->nhwc ? off : off + 1, iw = ih + 1;
    if (off && dims[0] < 0)
        dims[0] = 1;
    if (dims[ic] < 0)
        dims[ic] = 3;
    if (dims[ic] < 1 || dims[ic] > 4) {
        cli_error(path,
                  "input '%s' has %lld channels (dim %d, layout %s): an image gives 1 (gray), 3 (RGB) or 4 (RGBA)%s",
                  input, (long long)dims[ic], ic, a->nhwc ? "nhwc" : "nchw",
                  a->nhwc ? "" : "; for a channels-last model add --layout nhwc");
        return CLI_EXIT_RUN;
    }
    int c = (int)dims[ic];
    if (dtype == ONR_DTYPE_UINT8 && (a->scale_set || a->n_mean || a->n_std)) {
        cli_error(path, "input '%s' is uint8: it takes raw pixels, so --scale, --mean and --std do not apply", input);
        return CLI_EXIT_USAGE;
    }
    if ((a->n_mean > 1 && a->n_mean != (size_t)c) || (a->n_std > 1 && a->n_std != (size_t)c)) {
        cli_error(path, "input '%s' has %d channels: give --mean/--std one value or %d", input, c, c);
        return CLI_EXIT_USAGE;
    }
    if (!cli_is_file(path)) {
        cli_error(path, "cannot open: %s", strerror(errno ? errno : ENOENT));
        return CLI_EXIT_FILE;
    }
    int w = 0, h = 0, file_c = 0;
    pix = stbi_load(path, &w, &h, &file_c, c);
    if (!pix) {
        cli_error(path, "cannot decode the image: %s", stbi_failure_reason());
        return CLI_EXIT_FILE;
    }
    if (dims[ih] < 0)
        dims[ih] = h;
    if (dims[iw] < 0)
        dims[iw] = w;
    if (dims[ih] < 1 || dims[iw] < 1 || dims[ih] > IMAGE_MAX_SIDE || dims[iw] > IMAGE_MAX_SIDE || w > IMAGE_MAX_SIDE ||
        h > IMAGE_MAX_SIDE) {
        cli_error(path, "input '%s': cannot resize %dx%d to %lldx%lld (sides 1..%d)", input, w, h,
                  (long long)dims[iw], (long long)dims[ih], IMAGE_MAX_SIDE);
        goto done;
    }
    int W = (int)dims[iw], H = (int)dims[ih];
    const unsigned char *src = pix;
    if (W != w || H != h) {
        if (!(resized = malloc((size_t)W * (size_t)H * (size_t)c))) {
            cli_error(NULL, "out of memory");
            goto done;
        }
        /* stb's default filters: Mitchell when shrinking, Catmull-Rom when growing, on the 8-bit values. */
        if (!stbir_resize_uint8(pix, w, h, 0, resized, W, H, 0, c)) {
            cli_error(path, "cannot resize %dx%d to %dx%d", w, h, W, H);
            goto done;
        }
        src = resized;
    }
    onr_error e = {0};
    if (onr_tensor_new(dtype, rank, dims, input, out, &e) != ONR_OK) {
        cli_error(path, "input '%s': %s", input, e.message);
        goto done;
    }
    size_t n = off ? (size_t)dims[0] : 1, plane = (size_t)W * (size_t)H;
    for (size_t b = 0; b < n; b++)
        for (size_t y = 0; y < (size_t)H; y++)
            for (size_t x = 0; x < (size_t)W; x++)
                for (size_t k = 0; k < (size_t)c; k++) {
                    double p = src[(y * (size_t)W + x) * (size_t)c + k];
                    if (dtype != ONR_DTYPE_UINT8) {
                        double mean = a->n_mean ? a->mean[a->n_mean > 1 ? k : 0] : 0.0;
                        double std = a->n_std ? a->std[a->n_std > 1 ? k : 0] : 1.0;
                        p = (p * a->scale - mean) / std;
                    }
                    size_t at = a->nhwc ? ((b * (size_t)H + y) * (size_t)W + x) * (size_t)c + k
                                        : (b * (size_t)c + k) * plane + y * (size_t)W + x;
                    cli_store_float(*out, at, p);
                }
    rc = CLI_EXIT_OK;
done:
    if (rc != CLI_EXIT_OK) {
        onr_tensor_free(*out);
        *out = NULL;
    }
    free(resized);
    stbi_image_free(pix);
    return rc;
}

int cli_png_write(const char *path, int w, int h, int comp, const unsigned char *pixels)
{
    errno = 0;
    if (!stbi_write_png(path, w, h, comp, pixels, w * comp)) {
        cli_error(path, "cannot write the PNG: %s", errno ? strerror(errno) : "encoder failed");
        return CLI_EXIT_FILE;
    }
    return CLI_EXIT_OK;
}
