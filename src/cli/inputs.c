/* inputs.c: graph inputs from the command line, shared by run, info and viz: -i NAME=FILE bindings
 * (tensor files or images), --shape overrides, the image preprocessing options, and the fill for inputs
 * not given (--random SEED, zeros, or an error that says what to add). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The default max_tensor_bytes of onr_options (include/onnxrun.h): 4 GiB. */
#define CLI_MAX_GENERATED_BYTES ((uint64_t)4 << 30)

const char CLI_INPUT_HELP[] =
    "input options:\n"
    "  -i, --input NAME=FILE   bind graph input NAME to FILE: a numpy array (.npy), a TensorProto (.pb) or\n"
    "                          an image (.png .jpg .jpeg .bmp .gif .tga .pgm .ppm .pnm); a model with one\n"
    "                          input also takes `-i FILE`\n"
    "  --random SEED           inputs without -i get seeded random data: floats uniform in [-1, 1),\n"
    "                          integers 0, bool false; symbolic dims are 1 (or --shape)\n"
    "  --shape NAME=DIMS       the shape to use for input NAME where the model leaves dims symbolic, e.g.\n"
    "                          --shape image=1x3x224x224 (for --random, zeros and the image size)\n"
    "\n"
    "image options (an image is resized to the input's H x W, grayscale when C = 1, RGB when C = 3):\n"
    "  --layout nchw|nhwc      how the input holds the image (default nchw; nhwc for TensorFlow exports)\n"
    "  --scale S               multiply pixels (0..255) by S first (default 1/255, giving 0..1)\n"
    "  --mean M[,M,M]          then subtract the mean per channel (R,G,B; one value for all)\n"
    "  --std S[,S,S]           then divide by the standard deviation per channel\n"
    "                          ImageNet (torchvision): --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225\n"
    "                          uint8 inputs take the raw pixels\n";

bool cli_input_args_init(cli_input_args *a, int argc)
{
    memset(a, 0, sizeof *a);
    a->scale = 1.0 / 255.0;
    size_t n = argc > 0 ? (size_t)argc : 1;
    a->specs = calloc(n, sizeof *a->specs);
    a->shapes = calloc(n, sizeof *a->shapes);
    return a->specs && a->shapes;
}

void cli_input_args_free(cli_input_args *a)
{
    free(a->specs);
    free(a->shapes);
    a->specs = NULL;
    a->shapes = NULL;
}

/* "1x3x224x224" or "1,3,224,224"; "" is rank 0. */
static bool parse_dims(const char *s, cli_shape_arg *out)
{
    out->rank = 0;
    while (*s) {
        char *end;
        errno = 0;
        long long d = strtoll(s, &end, 10);
        if (end == s || errno || d < 0 || out->rank == ONR_MAX_RANK)
            return false;
        out->dims[out->rank++] = d;
        s = end;
        if (*s == 'x' || *s == 'X' || *s == ',') {
            s++;
            if (!*s)
                return false;
        } else if (*s) {
            return false;
        }
    }
    return true;
}

/* "a,b,c" into up to 4 numbers. */
static bool parse_list(const char *s, double *v, size_t *n)
{
    char buf[256];
    *n = 0;
    if (strlen(s) >= sizeof buf)
        return false;
    strcpy(buf, s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (*n == 4 || !cli_parse_double(tok, &v[*n]))
            return false;
        (*n)++;
    }
    return *n > 0;
}

int cli_input_option(int argc, char **argv, int *i, cli_input_args *a)
{
    const char *v;
    int r;
    if ((r = cli_opt_value(argc, argv, i, "-i", "--input", &v)) != 0) {
        if (r > 0)
            a->specs[a->n_specs++] = v;
        return r;
    }
    if ((r = cli_opt_value(argc, argv, i, NULL, "--shape", &v)) != 0) {
        if (r < 0)
            return r;
        const char *eq = strrchr(v, '=');
        cli_shape_arg *sh = &a->shapes[a->n_shapes];
        if (!eq || eq == v || !parse_dims(eq + 1, sh)) {
            cli_error(NULL, "--shape %s: want NAME=DIMS, e.g. image=1x3x224x224", v);
            return -1;
        }
        sh->name = v;
        sh->name_len = (size_t)(eq - v);
        a->n_shapes++;
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, NULL, "--layout", &v)) != 0) {
        if (r < 0)
            return r;
        if (strcmp(v, "nchw") != 0 && strcmp(v, "NCHW") != 0 && strcmp(v, "nhwc") != 0 && strcmp(v, "NHWC") != 0) {
            cli_error(NULL, "--layout %s: want nchw or nhwc", v);
            return -1;
        }
        a->nhwc = v[1] == 'h' || v[1] == 'H';
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, NULL, "--scale", &v)) != 0) {
        if (r < 0)
            return r;
        if (!cli_parse_double(v, &a->scale)) {
            cli_error(NULL, "--scale %s: want a number", v);
            return -1;
        }
        a->scale_set = true;
        return 1;
    }
    for (int which = 0; which < 2; which++) {
        const char *opt = which ? "--std" : "--mean";
        if ((r = cli_opt_value(argc, argv, i, NULL, opt, &v)) == 0)
            continue;
        if (r < 0)
            return r;
        size_t n;
        double *dst = which ? a->std : a->mean;
        if (!parse_list(v, dst, &n)) {
            cli_error(NULL, "%s %s: want 1 to 4 comma-separated numbers (R,G,B)", opt, v);
            return -1;
        }
        for (size_t k = 0; which && k < n; k++)
            if (!(dst[k] > 0)) {
                cli_error(NULL, "--std %s: every value must be > 0", v);
                return -1;
            }
        *(which ? &a->n_std : &a->n_mean) = n;
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, NULL, "--random", &v)) != 0) {
        if (r < 0)
            return r;
        char *end;
        errno = 0;
        unsigned long long seed = strtoull(v, &end, 10);
        if (!*v || *end || errno || *v == '-') {
            cli_error(NULL, "--random %s: want a non-negative integer seed", v);
            return -1;
        }
        a->random = true;
        a->seed = seed;
        return 1;
    }
    return 0;
}

/* --- binding -i to graph inputs ------------------------------------------------------------------------ */

static void list_inputs(const onr_model *m)
{
    char buf[256];
    size_t n = onr_model_input_count(m);
    fprintf(stderr, "  the model's inputs:%s\n", n ? "" : " none");
    for (size_t k = 0; k < n; k++) {
        const onr_value_info *v = onr_model_input(m, k);
        fprintf(stderr, "    %s  %s\n", v->name, cli_value_info_str(v, buf, sizeof buf));
    }
}

static bool find_input(const onr_model *m, const char *name, size_t len, size_t *index)
{
    for (size_t k = 0; k < onr_model_input_count(m); k++) {
        const char *in = onr_model_input(m, k)->name;
        if (strlen(in) == len && strncmp(in, name, len) == 0) {
            *index = k;
            return true;
        }
    }
    return false;
}

/* NAME=FILE, split at the first '=' whose left side names an input (names may hold '=' too); a bare
 * FILE binds the model's only input. Returns an exit code. */
static int resolve(const onr_model *m, const char *model_path, const char *spec, size_t *input, const char **file)
{
    for (const char *eq = strchr(spec, '='); eq; eq = strchr(eq + 1, '=')) {
        if (find_input(m, spec, (size_t)(eq - spec), input)) {
            *file = eq + 1;
            return CLI_EXIT_OK;
        }
    }
    if (onr_model_input_count(m) == 1 && (!strchr(spec, '=') || cli_is_file(spec))) {
        *input = 0;
        *file = spec;
        return CLI_EXIT_OK;
    }
    if (strchr(spec, '='))
        cli_error(model_path, "-i %s: the model has no input named '%.*s'", spec, (int)(strchr(spec, '=') - spec),
                  spec);
    else
        cli_error(model_path, "-i %s: name the input (-i NAME=FILE): the model has %zu inputs", spec,
                  onr_model_input_count(m));
    list_inputs(m);
    return CLI_EXIT_RUN;
}

/* --- generated inputs ------------------------------------------------------------------------------------ */

/* splitmix64: a tiny seeded generator, so the same seed gives the same inputs on every machine. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* float -> IEEE half / bfloat16, round to nearest even. Only values in [-1, 1) and 0..255/scale reach
 * these, so the overflow case saturates to infinity as IEEE rounding does. */
static uint16_t f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000u, mant = x & 0x7FFFFFu;
    int32_t exp = (int32_t)((x >> 23) & 0xFF) - 127 + 15;
    if (((x >> 23) & 0xFF) == 0xFF)
        return (uint16_t)(sign | 0x7C00u | (mant ? 0x200u : 0));
    if (exp >= 31)
        return (uint16_t)(sign | 0x7C00u);
    if (exp <= 0) {
        if (exp < -10)
            return (uint16_t)sign;
        mant |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t h = mant >> shift, rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1)))
            h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = sign | ((uint32_t)exp << 10) | (mant >> 13), rem = mant & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1)))
        h++; /* a carry into the exponent is the correct rounding */
    return (uint16_t)h;
}

static uint16_t f32_to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    if ((x & 0x7F800000u) == 0x7F800000u && (x & 0x7FFFFFu))
        return (uint16_t)((x >> 16) | 0x40u); /* keep NaN a NaN */
    x += 0x7FFFu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

void cli_store_float(onr_tensor *t, size_t i, double v)
{
    switch (t->dtype) {
    case ONR_DTYPE_FLOAT: ((float *)t->data)[i] = (float)v; break;
    case ONR_DTYPE_DOUBLE: ((double *)t->data)[i] = v; break;
    case ONR_DTYPE_FLOAT16: ((uint16_t *)t->data)[i] = f32_to_f16((float)v); break;
    case ONR_DTYPE_BFLOAT16: ((uint16_t *)t->data)[i] = f32_to_bf16((float)v); break;
    case ONR_DTYPE_UINT8: ((uint8_t *)t->data)[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); break;
    default: break;
    }
}

static const cli_shape_arg *find_shape(const cli_input_args *a, const char *name)
{
    for (size_t k = a->n_shapes; k-- > 0;) /* the last --shape for a name wins */
        if (strlen(name) == a->shapes[k].name_len && strncmp(name, a->shapes[k].name, a->shapes[k].name_len) == 0)
            return &a->shapes[k];
    return NULL;
}

/* The shape to generate for input v: --shape, else the declared dims with symbolic ones as 1 (or left
 * -1 when `keep_free`, for images). Returns false (reported) when the rank is unknown. */
static bool target_shape(const onr_value_info *v, const cli_input_args *a, const char *model_path, bool keep_free,
                         int32_t *rank, int64_t *dims)
{
    const cli_shape_arg *sh = find_shape(a, v->name);
    if (sh) {
        *rank = sh->rank;
        memcpy(dims, sh->dims, sizeof sh->dims);
        return true;
    }
    if (v->rank < 0) {
        cli_error(model_path, "input '%s' has no declared shape: give one with --shape %s=DIMS", v->name, v->name);
        return false;
    }
    *rank = v->rank;
    for (int32_t k = 0; k < v->rank; k++)
        dims[k] = v->dims[k] >= 0 ? v->dims[k] : keep_free ? -1 : 1;
    return true;
}

static int generate(const onr_value_info *v, const cli_input_args *a, const char *model_path, uint64_t *state,
                    onr_tensor **out)
{
    int32_t rank;
    int64_t dims[ONR_MAX_RANK] = {0};
    onr_error e = {0};
    if (!target_shape(v, a, model_path, false, &rank, dims))
        return CLI_EXIT_RUN;
    onr_dtype dt = v->dtype == ONR_DTYPE_UNDEFINED ? ONR_DTYPE_FLOAT : v->dtype;
    /* A model may declare any shape: refuse what the session would refuse anyway (its default
     * max_tensor_bytes) before asking the allocator for it. */
    uint64_t bytes = onr_dtype_size(dt);
    for (int32_t k = 0; k < rank; k++)
        if (__builtin_mul_overflow(bytes, (uint64_t)dims[k], &bytes))
            bytes = UINT64_MAX;
    if (bytes > CLI_MAX_GENERATED_BYTES) {
        cli_error(model_path, "input '%s': its declared shape needs %llu bytes, over the %llu-byte limit of a "
                  "session's tensors", v->name, (unsigned long long)bytes,
                  (unsigned long long)CLI_MAX_GENERATED_BYTES);
        return CLI_EXIT_RUN;
    }
    if (onr_tensor_new(dt, rank, dims, v->name, out, &e) != ONR_OK) {
        cli_error(model_path, "input '%s': %s", v->name, e.message);
        return CLI_EXIT_RUN;
    }
    if (a->random && cli_dtype_is_float(dt)) /* integers stay 0: a random index or shape could break a valid model */
        for (size_t i = 0, n = onr_tensor_count(*out); i < n; i++)
            cli_store_float(*out, i, (double)(next_u64(state) >> 40) / (double)(1u << 23) - 1.0);
    return CLI_EXIT_OK;
}

static int load_file(const onr_value_info *v, const cli_input_args *a, const char *model_path, const char *file,
                     onr_tensor **out)
{
    if (cli_is_image_path(file)) {
        int32_t rank;
        int64_t dims[ONR_MAX_RANK] = {0};
        if (!target_shape(v, a, model_path, true, &rank, dims))
            return CLI_EXIT_RUN;
        return cli_image_load(file, v->name, v->dtype, rank, dims, a, out);
    }
    onr_error e = {0};
    if (onr_tensor_load(file, out, &e) != ONR_OK) {
        cli_error_status(file, &e);
        return CLI_EXIT_FILE;
    }
    return CLI_EXIT_OK;
}

int cli_inputs_build(const onr_model *m, const char *model_path, const cli_input_args *a, cli_missing missing,
                     cli_inputs *out)
{
    size_t n = onr_model_input_count(m);
    memset(out, 0, sizeof *out);
    out->owned = calloc(n ? n : 1, sizeof *out->owned);
    out->views = calloc(n ? n : 1, sizeof *out->views);
    const char **files = calloc(n ? n : 1, sizeof *files);
    const char **by = calloc(n ? n : 1, sizeof *by);
    int rc = CLI_EXIT_OK;
    if (!out->owned || !out->views || !files || !by) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    out->n = n;
    for (size_t s = 0; s < a->n_specs && rc == CLI_EXIT_OK; s++) {
        size_t k = 0;
        const char *file = NULL;
        if ((rc = resolve(m, model_path, a->specs[s], &k, &file)) != CLI_EXIT_OK)
            break;
        if (by[k]) {
            cli_error(model_path, "input '%s' is given twice (-i %s, -i %s)", onr_model_input(m, k)->name, by[k],
                      a->specs[s]);
            rc = CLI_EXIT_USAGE;
        }
        by[k] = a->specs[s];
        files[k] = file;
    }
    for (size_t s = 0; s < a->n_shapes && rc == CLI_EXIT_OK; s++) {
        size_t k;
        const cli_shape_arg *sh = &a->shapes[s];
        if (!find_input(m, sh->name, sh->name_len, &k)) {
            cli_error(model_path, "--shape: the model has no input named '%.*s'", (int)sh->name_len, sh->name);
            list_inputs(m);
            rc = CLI_EXIT_RUN;
            break;
        }
        /* --shape fills in what the model leaves open; a fixed dim would only fail later, less clearly */
        const onr_value_info *v = onr_model_input(m, k);
        char buf[256];
        for (int32_t d = 0; v->rank >= 0 && d < (v->rank > sh->rank ? v->rank : sh->rank) && rc == CLI_EXIT_OK; d++)
            if (v->rank != sh->rank || (v->dims[d] >= 0 && v->dims[d] != sh->dims[d])) {
                cli_error(model_path, "--shape %s: input '%s' is declared %s%s", sh->name, v->name,
                          cli_value_info_str(v, buf, sizeof buf),
                          v->rank != sh->rank ? " (another rank)" : "; only symbolic dims can be set");
                rc = CLI_EXIT_RUN;
            }
    }
    /* Missing inputs are reported before any file is read: the cheap mistake first. */
    for (size_t k = 0; k < n && rc == CLI_EXIT_OK; k++) {
        if (!files[k] && !a->random && missing == CLI_MISSING_ERROR) {
            char buf[256];
            const onr_value_info *v = onr_model_input(m, k);
            cli_error(model_path, "input '%s' (%s) is not given: add -i %s=FILE (or --random SEED)", v->name,
                      cli_value_info_str(v, buf, sizeof buf), v->name);
            rc = CLI_EXIT_RUN;
        }
    }
    uint64_t state = a->seed;
    for (size_t k = 0; k < n && rc == CLI_EXIT_OK; k++) {
        const onr_value_info *v = onr_model_input(m, k);
        rc = files[k] ? load_file(v, a, model_path, files[k], &out->owned[k])
                      : generate(v, a, model_path, &state, &out->owned[k]);
        if (rc == CLI_EXIT_OK) {
            out->views[k] = *out->owned[k]; /* a view renamed to the graph input it binds */
            out->views[k].name = v->name;
        }
    }
done:
    free(files);
    free(by);
    return rc;
}

void cli_inputs_free(cli_inputs *in)
{
    for (size_t k = 0; in->owned && k < in->n; k++)
        onr_tensor_free(in->owned[k]);
    free(in->owned);
    free(in->views);
    memset(in, 0, sizeof *in);
}

const char *cli_inputs_str(const cli_inputs *in, char *buf, size_t size)
{
    size_t o = 0;
    if (size)
        buf[0] = '\0';
    for (size_t k = 0; k < in->n && o < size; k++) {
        char shape[160];
        int w = snprintf(buf + o, size - o, "%s%s%s", k ? ", " : "", in->views[k].name,
                         cli_shape_str(in->views[k].rank, in->views[k].dims, shape, sizeof shape));
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return buf;
}
