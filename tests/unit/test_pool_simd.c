/* test_pool_simd.c: the vectorised pool kernels (src/ops/pool_simd.c) on the shapes they are built for.
 *
 * Every case runs the op three ways through onr_pool_run_path / onr_global_pool_run_path: AUTO (the widest
 * vector kernels the CPU has), PORTABLE (the C fast kernels) and GENERIC (the plain N-D kernel), plus the
 * vector kernels directly at every level the CPU runs (AVX2 and AVX-512 on an AVX-512 machine), and checks
 * each against the naive reference in pool_reference.c (written from ONNX-POOLING.md, double
 * arithmetic). The shapes are the ones real networks and tests/bench use (ResNet stem k3s2p1 on 112x112,
 * k2s2, ceil_mode on odd sizes, k3s1p1 average without padding counted) plus widths around the 8-lane
 * vector (1..40: the overlapping last vector, masked or scalar short rows), same-size stride-1 planes (the
 * flat mode, symmetric and asymmetric pads) and rows wider than the kernel's scratch chunk (5000), so the
 * padded, flat, chunked and scalar-border code all run. Max inputs carry NaN and infinities: any NaN tap must give
 * NaN (PyTorch rule, ONNX-POOLING.md bug #17), which the or-of-two-max trick in pool_simd.c must keep
 * whichever operand the NaN is in. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "ops/op.h"
#include "ops/pool.h"
#include "ops/pool_simd.h"
#include "pool_reference.h"

#define INTS_ATTR(nm, arr, cnt) ((onr_attr){.name = nm, .type = ONR_ATTR_INTS, .n = (cnt), .ints = (arr)})
#define INT_ATTR(nm, v) ((onr_attr){.name = nm, .type = ONR_ATTR_INT, .i = (v)})

static const onr_pool_path PATHS[] = {ONR_POOL_PATH_AUTO, ONR_POOL_PATH_PORTABLE, ONR_POOL_PATH_GENERIC};
static const char *const PATH_NAMES[] = {"auto", "portable", "generic"};

/* Parses, infers and runs one float node on `path`; y->data is allocated (caller frees). */
static onr_status run_node(const char *op, const onr_attr *attrs, size_t n_attrs, const onr_tensor *x, onr_tensor *y,
                           onr_pool_path path, onr_error *err)
{
    const onr_op_def *def = onr_op_find("", op, 19, err);
    cr_assert(def, "%s-19 registered", op);
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = 19, .attrs = attrs, .n_attrs = n_attrs,
                          .n_inputs = 1, .n_outputs = 1};
    void *params = calloc(1, def->params_size ? def->params_size : 1);
    const onr_tensor *inp[1] = {x};
    onr_tensor *outp[1] = {y};
    memset(y, 0, sizeof *y);
    onr_op_ctx ctx = {.params = params, .opset = 19, .n_in = 1, .in = inp, .n_out = 1, .out = outp};
    onr_status st = def->parse(&node, params, err);
    if (st == ONR_OK)
        st = def->infer(&ctx, err);
    if (st == ONR_OK) {
        size_t n = 1;
        for (int32_t i = 0; i < y->rank; i++)
            n *= (size_t)y->dims[i];
        y->data = calloc(n, sizeof(float));
        st = strncmp(op, "Global", 6) == 0 ? onr_global_pool_run_path(&ctx, path, err)
                                           : onr_pool_run_path(&ctx, path, err);
    }
    free(params);
    return st;
}

static bool close_to(double got, double want, double tol)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (isinf(want))
        return got == want;
    return fabs(got - want) <= tol * (1.0 + fabs(want));
}

/* Seeded input: quarter-integers in [-16, 16) (float sums of them are exact), with NaN / +-inf sprinkled
 * in when `specials` is set. */
static float *make_input(size_t n, unsigned seed, bool specials)
{
    float *x = malloc(n * sizeof *x);
    srand(seed);
    for (size_t i = 0; i < n; i++) {
        x[i] = (float)(rand() % 128 - 64) / 4.0f;
        if (specials) {
            int r = rand() % 97;
            x[i] = r == 0 ? NAN : r == 1 ? INFINITY : r == 2 ? -INFINITY : x[i];
        }
    }
    return x;
}

typedef struct case2d {
    const char *name;
    int kind; /* REF_MAX / REF_AVG */
    int64_t N, C, H, W, kh, kw, sh, sw;
    int64_t pads[4]; /* h_begin, w_begin, h_end, w_end */
    int ceil_mode, cip;
} case2d;

static const case2d CASES[] = {
    {"resnet stem max k3s2p1", REF_MAX, 1, 3, 112, 112, 3, 3, 2, 2, {1, 1, 1, 1}, 0, 0},
    {"max k2s2", REF_MAX, 2, 3, 56, 56, 2, 2, 2, 2, {0, 0, 0, 0}, 0, 0},
    {"max k3s2 ceil odd", REF_MAX, 1, 2, 111, 111, 3, 3, 2, 2, {0, 0, 0, 0}, 1, 0},
    {"max k3s2 ceil even (overhang column)", REF_MAX, 1, 2, 56, 56, 3, 3, 2, 2, {0, 0, 0, 0}, 1, 0},
    {"max k3s1p1", REF_MAX, 1, 3, 28, 28, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"max k5s1p2", REF_MAX, 1, 2, 19, 37, 5, 5, 1, 1, {2, 2, 2, 2}, 0, 0},
    {"max k4s2 (even k, stride 2)", REF_MAX, 1, 2, 20, 41, 4, 4, 2, 2, {1, 1, 2, 2}, 0, 0},
    {"max k7s3p3 (stride 3: scalar horizontal)", REF_MAX, 1, 2, 30, 45, 7, 7, 3, 3, {3, 3, 3, 3}, 0, 0},
    {"max k1s2", REF_MAX, 1, 2, 9, 33, 1, 1, 2, 2, {0, 0, 0, 0}, 0, 0},
    {"max k3x2 s1x2 asymmetric", REF_MAX, 1, 2, 17, 40, 3, 2, 1, 2, {1, 0, 1, 0}, 0, 0},
    {"max wider than the scratch row, k3s1", REF_MAX, 1, 1, 3, 5000, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"max wider than the scratch row, k2s2", REF_MAX, 1, 1, 4, 4203, 2, 2, 2, 2, {0, 0, 0, 0}, 1, 0},
    {"max k4s1 pads 1/2 (same size, asymmetric)", REF_MAX, 1, 2, 20, 20, 4, 4, 1, 1, {1, 1, 2, 2}, 0, 0},
    {"avg k4s1 pads 2/1 (same size, asymmetric) cip", REF_AVG, 1, 2, 20, 21, 4, 4, 1, 1, {2, 2, 1, 1}, 0, 1},
    {"avg k2s1 pads 0/1 (same size)", REF_AVG, 1, 3, 9, 13, 2, 2, 1, 1, {0, 0, 1, 1}, 0, 0},
    {"max k5s1p2 (YOLO SPPF) on 20x20", REF_MAX, 1, 3, 20, 20, 5, 5, 1, 1, {2, 2, 2, 2}, 0, 0},
    {"max k3s1p1 on 7x7 (flat, plane of 49)", REF_MAX, 1, 3, 7, 7, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"max k3s1p1 on 3x3 (plane smaller than a vector)", REF_MAX, 1, 3, 3, 3, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"avg k3s1p1 count_include_pad=0", REF_AVG, 1, 4, 28, 28, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"avg k3s1p1 count_include_pad=1", REF_AVG, 1, 4, 28, 28, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 1},
    {"avg k2s2", REF_AVG, 1, 4, 28, 28, 2, 2, 2, 2, {0, 0, 0, 0}, 0, 0},
    {"avg k3s2p1 ceil cip", REF_AVG, 1, 3, 55, 55, 3, 3, 2, 2, {1, 1, 1, 1}, 1, 1},
    {"avg k3s2 ceil (overhang excluded from the divisor)", REF_AVG, 1, 2, 56, 56, 3, 3, 2, 2, {0, 0, 0, 0}, 1, 1},
    {"avg k5s1p2", REF_AVG, 1, 2, 19, 37, 5, 5, 1, 1, {2, 2, 2, 2}, 0, 1},
    {"avg k7s3p3", REF_AVG, 1, 2, 30, 45, 7, 7, 3, 3, {3, 3, 3, 3}, 0, 0},
    {"avg wider than the scratch row, k3s1", REF_AVG, 1, 1, 3, 5000, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
    {"avg inception k3s1p1 cip=0 on 35x35", REF_AVG, 1, 3, 35, 35, 3, 3, 1, 1, {1, 1, 1, 1}, 0, 0},
};

static const char *const LEVEL_NAMES[] = {"none", "avx2 kernels", "avx512 kernels"};

static void expect_plane_values(const case2d *c, const char *how, bool specials, const float *got, const double *want,
                                size_t ny, const int64_t *out, double tol)
{
    for (size_t i = 0; i < ny; i++)
        cr_assert(close_to(got[i], want[i], tol),
                  "%s (%s%s): y[%zu] (plane %zu, row %zu, col %zu) = %.9g, reference %.9g", c->name, how,
                  specials ? ", NaN/inf input" : "", i, i / (size_t)(out[0] * out[1]),
                  i % (size_t)(out[0] * out[1]) / (size_t)out[1], i % (size_t)out[1], (double)got[i], want[i]);
}

static void check_case(const case2d *c, bool specials, unsigned seed)
{
    const int64_t xd[4] = {c->N, c->C, c->H, c->W}, ks[2] = {c->kh, c->kw}, ss[2] = {c->sh, c->sw};
    const size_t nx = (size_t)(c->N * c->C * c->H * c->W);
    float *xf = make_input(nx, seed, specials);
    double *xd64 = malloc(nx * sizeof *xd64);
    for (size_t i = 0; i < nx; i++)
        xd64[i] = xf[i];
    onr_tensor x = {.name = "x", .dtype = ONR_DTYPE_FLOAT, .rank = 4, .data = xf};
    memcpy(x.dims, xd, sizeof xd);
    onr_attr attrs[5];
    size_t na = 0;
    attrs[na++] = INTS_ATTR("kernel_shape", ks, 2);
    attrs[na++] = INTS_ATTR("strides", ss, 2);
    attrs[na++] = INTS_ATTR("pads", c->pads, 4);
    attrs[na++] = INT_ATTR("ceil_mode", c->ceil_mode);
    if (c->kind == REF_AVG)
        attrs[na++] = INT_ATTR("count_include_pad", c->cip);

    ref_pool_cfg rc = {.kind = c->kind, .n = 2, .N = c->N, .C = c->C, .in = {c->H, c->W}, .kernel = {c->kh, c->kw},
                       .strides = {c->sh, c->sw}, .dilations = {1, 1},
                       .pads = {c->pads[0], c->pads[1], c->pads[2], c->pads[3]}, .ceil_mode = c->ceil_mode,
                       .count_include_pad = c->cip};
    int64_t out[REF_MAX_SPATIAL], pb[REF_MAX_SPATIAL], pe[REF_MAX_SPATIAL];
    cr_assert(ref_pool_shape(&rc, out, pb, pe), "%s: valid geometry", c->name);
    const size_t ny = (size_t)(c->N * c->C * out[0] * out[1]);
    double *want = malloc(ny * sizeof *want);
    ref_pool(&rc, xd64, want, NULL);

    const char *op = c->kind == REF_MAX ? "MaxPool" : "AveragePool";
    const double tol = c->kind == REF_MAX ? 0.0 : 1e-6;
    for (size_t p = 0; p < sizeof PATHS / sizeof PATHS[0]; p++) {
        onr_tensor y;
        onr_error err = {0};
        cr_assert_eq(run_node(op, attrs, na, &x, &y, PATHS[p], &err), ONR_OK, "%s: %s", c->name, err.message);
        cr_assert_eq(y.dims[2], out[0], "%s: output height", c->name);
        cr_assert_eq(y.dims[3], out[1], "%s: output width", c->name);
        expect_plane_values(c, PATH_NAMES[p], specials, y.data, want, ny, out, tol);
        free(y.data);
    }
    /* the vector kernels at every level this CPU runs, on the geometry pool_geometry resolves */
    onr_pool_attrs pa = {.n_kernel = 2, .n_strides = 2, .n_pads = 4, .kernel = {c->kh, c->kw},
                         .strides = {c->sh, c->sw}, .pads = {c->pads[0], c->pads[1], c->pads[2], c->pads[3]},
                         .ceil_mode = c->ceil_mode};
    onr_pool_geom g;
    onr_error err = {0};
    cr_assert_eq(onr_pool_resolve(&pa, 2, xd + 2, NULL, &g, &err), ONR_OK, "%s", err.message);
    float *yv = malloc(ny * sizeof *yv);
    for (int lv = ONR_SIMD_AVX2; lv <= (int)onr_pool_simd_level(); lv++) {
        for (size_t i = 0; i < ny; i++)
            yv[i] = 12345.0f; /* every output must be written */
        /* two ranges, as onr_parallel_for would split the planes */
        const size_t planes = (size_t)(c->N * c->C), mid = planes / 2;
        onr_pool2d_f32_simd((onr_simd_level)lv, &g, c->kind == REF_MAX, c->cip != 0, xf, yv, 0, mid);
        onr_pool2d_f32_simd((onr_simd_level)lv, &g, c->kind == REF_MAX, c->cip != 0, xf, yv, mid, planes);
        expect_plane_values(c, LEVEL_NAMES[lv], specials, yv, want, ny, out, tol);
    }
    free(yv);
    free(want);
    free(xd64);
    free(xf);
}

Test(pool_simd, vector_kernels_are_used_where_the_cpu_has_them)
{
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && !defined(ONR_POOL_NO_SIMD)
    onr_simd_level want = __builtin_cpu_supports("avx512f") ? ONR_SIMD_AVX512
                          : __builtin_cpu_supports("avx2")  ? ONR_SIMD_AVX2
                                                            : ONR_SIMD_NONE;
    cr_expect_eq(onr_pool_simd_level(), want,
                 "pool_simd must report the widest vector kernels the CPU has, or they never run");
#else
    cr_expect_eq(onr_pool_simd_level(), ONR_SIMD_NONE, "no vector kernels in this build");
#endif
}

Test(pool_simd, pool2d_all_paths_match_reference)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        check_case(&CASES[i], false, 100 + (unsigned)i);
}

Test(pool_simd, pool2d_nan_and_inf_propagate_on_every_path)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        check_case(&CASES[i], true, 200 + (unsigned)i);
}

/* Widths 1..40 around the 8-lane vector and its overlapping last store, for the common kernels. */
Test(pool_simd, pool2d_every_width_near_the_vector_length)
{
    static const struct {
        int kind;
        int64_t k, s, pad;
        int ceil_mode, cip;
    } ks[] = {{REF_MAX, 2, 2, 0, 1, 0}, {REF_MAX, 3, 2, 1, 0, 0}, {REF_MAX, 3, 1, 1, 0, 0},
              {REF_AVG, 2, 2, 0, 0, 0}, {REF_AVG, 3, 1, 1, 0, 0}, {REF_AVG, 3, 2, 1, 1, 1}};
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++)
        for (int64_t w = 1; w <= 40; w++) {
            if (w + 2 * ks[k].pad < ks[k].k)
                continue;
            case2d c = {"width sweep", ks[k].kind, 1, 2, 5, w, ks[k].k, ks[k].k, ks[k].s, ks[k].s,
                        {ks[k].pad, ks[k].pad, ks[k].pad, ks[k].pad}, ks[k].ceil_mode, ks[k].cip};
            check_case(&c, ks[k].kind == REF_MAX && w % 3 == 0, 300 + (unsigned)(k * 64 + (size_t)w));
        }
}

/* Global pools: plane sizes around the vector length, the 1024-element block and the bench shapes. */
Test(pool_simd, global_all_paths_match_reference)
{
    static const int64_t planes[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 49, 63, 196, 1023, 1024, 1025, 3001};
    static const char *const ops[] = {"GlobalMaxPool", "GlobalAveragePool", "GlobalLpPool"};
    for (size_t pi = 0; pi < sizeof planes / sizeof planes[0]; pi++)
        for (int kind = REF_MAX; kind <= REF_LP; kind++)
            for (int specials = 0; specials < (kind == REF_MAX ? 2 : 1); specials++) {
                const int64_t side = planes[pi];
                const int64_t xd[4] = {2, 5, 1, side};
                const size_t nx = (size_t)(10 * side);
                float *xf = make_input(nx, 400 + (unsigned)(pi * 8 + (size_t)kind * 2 + (size_t)specials), specials);
                if (specials && side > 3) { /* a NaN in the last lane of the overlapping tail vector */
                    xf[nx - 1] = NAN;
                    xf[(size_t)side - 1] = -INFINITY;
                }
                double *xd64 = malloc(nx * sizeof *xd64), want[10];
                for (size_t i = 0; i < nx; i++)
                    xd64[i] = xf[i];
                ref_global_pool(kind, 2.0, 10, side, xd64, want);
                onr_tensor x = {.name = "x", .dtype = ONR_DTYPE_FLOAT, .rank = 4, .data = xf};
                memcpy(x.dims, xd, sizeof xd);
                onr_attr p2[] = {INT_ATTR("p", 2)};
                for (size_t p = 0; p < sizeof PATHS / sizeof PATHS[0]; p++) {
                    onr_tensor y;
                    onr_error err = {0};
                    cr_assert_eq(run_node(ops[kind], p2, kind == REF_LP ? 1 : 0, &x, &y, PATHS[p], &err), ONR_OK,
                                 "%s: %s", ops[kind], err.message);
                    for (int i = 0; i < 10; i++)
                        cr_assert(close_to(((float *)y.data)[i], want[i], kind == REF_MAX ? 0.0 : 1e-6),
                                  "%s plane %lld (%s%s): y[%d] = %.9g, reference %.9g", ops[kind], (long long)side,
                                  PATH_NAMES[p], specials ? ", NaN/inf" : "", i, (double)((float *)y.data)[i],
                                  want[i]);
                    free(y.data);
                }
                for (int lv = ONR_SIMD_AVX2; lv <= (int)onr_pool_simd_level(); lv++) {
                    float yv[10];
                    if (kind == REF_MAX)
                        onr_global_max_f32_simd((onr_simd_level)lv, xf, (size_t)side, yv, 0, 10);
                    else if (kind == REF_AVG)
                        onr_global_avg_f32_simd((onr_simd_level)lv, xf, (size_t)side, yv, 0, 10);
                    else
                        onr_global_l2_f32_simd((onr_simd_level)lv, xf, (size_t)side, yv, 0, 10);
                    for (int i = 0; i < 10; i++)
                        cr_assert(close_to(yv[i], want[i], kind == REF_MAX ? 0.0 : 1e-6),
                                  "%s plane %lld (%s%s): y[%d] = %.9g, reference %.9g", ops[kind], (long long)side,
                                  LEVEL_NAMES[lv], specials ? ", NaN/inf" : "", i, (double)yv[i], want[i]);
                }
                free(xd64);
                free(xf);
            }
}

/* The stride-2 streaming mode (AVX-512): widths around its 32-column blocks and the rows' ends (odd, even,
 * one block and a lane, 111 and 113 like the ceil-mode stems), left pads of 0 and 1 (the two tap layouts),
 * a left pad of 2 (not taken: padded mode), ceil-mode overhang, kernels of 2 and 3 with the other axis'
 * kernel different, batch and channels > 1; max with NaN / infinities, averages with and without the pads
 * counted. Each against the reference and, in check_case, the generic and portable paths. */
Test(pool_simd, pool2d_stride2_streaming_widths)
{
    static const int64_t widths[] = {17, 31, 32, 33, 47, 55, 56, 57, 63, 64, 65, 111, 113, 224};
    static const struct {
        int kind;
        int64_t kh, kw, pb, pe;
        int ceil_mode, cip;
    } ks[] = {
        {REF_MAX, 2, 2, 0, 0, 0, 0}, {REF_MAX, 2, 2, 0, 0, 1, 0}, {REF_MAX, 3, 3, 1, 1, 0, 0},
        {REF_MAX, 3, 3, 0, 0, 1, 0}, {REF_MAX, 3, 3, 1, 0, 1, 0}, {REF_MAX, 2, 3, 0, 1, 0, 0},
        {REF_MAX, 3, 2, 1, 0, 0, 0}, {REF_MAX, 3, 3, 2, 2, 0, 0}, {REF_MAX, 2, 2, 1, 1, 0, 0},
        {REF_AVG, 2, 2, 0, 0, 0, 0}, {REF_AVG, 2, 2, 0, 0, 1, 1}, {REF_AVG, 3, 3, 1, 1, 0, 0},
        {REF_AVG, 3, 3, 1, 1, 1, 1}, {REF_AVG, 3, 3, 0, 0, 1, 0}, {REF_AVG, 2, 3, 1, 0, 0, 1},
        {REF_AVG, 2, 2, 1, 1, 1, 0},
    };
    unsigned seed = 700;
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++)
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
            const int64_t w = widths[wi], h = 7 + (int64_t)(wi % 3);
            case2d c = {"stride-2 streaming", ks[k].kind, 2, 3, h, w, ks[k].kh, ks[k].kw, 2, 2,
                        {ks[k].pb, ks[k].pb, ks[k].pe, ks[k].pe}, ks[k].ceil_mode, ks[k].cip};
            check_case(&c, false, seed++);
            if (ks[k].kind == REF_MAX)
                check_case(&c, true, seed++);
        }
}

/* The 3x3 stride-1 same-size mode (AVX-512): rows of 17..64 columns (1 to 4 vectors, full and partial
 * last vectors), heights 1, 2, 3 and more, max with NaN / infinities, averages with and without the pads
 * counted; 65 columns and 16 columns are the neighbours that take the padded and flat modes. */
Test(pool_simd, pool2d_k3s1p1_rows_in_registers)
{
    static const int64_t widths[] = {16, 17, 28, 31, 32, 33, 47, 48, 49, 63, 64, 65};
    static const int64_t heights[] = {1, 2, 3, 6, 28};
    unsigned seed = 900;
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
        for (size_t hi = 0; hi < sizeof heights / sizeof heights[0]; hi++)
            for (int kind = REF_MAX; kind <= REF_AVG; kind++)
                for (int cip = 0; cip <= (kind == REF_AVG); cip++) {
                    case2d c = {"k3s1p1 rows in registers", kind, 2, 2, heights[hi], widths[wi], 3, 3, 1, 1,
                                {1, 1, 1, 1}, 0, cip};
                    check_case(&c, false, seed++);
                    if (kind == REF_MAX)
                        check_case(&c, true, seed++);
                }
}

/* One NaN (or -inf) at every column of one row in turn, so it lands in every lane of every block, in the
 * first and last vectors and in the lane a 3-wide window borrows from the next block. */
Test(pool_simd, pool2d_one_nan_in_every_lane)
{
    static const struct {
        int64_t k, s, pad, w;
    } ks[] = {{2, 2, 0, 57}, {3, 2, 1, 57}, {3, 2, 0, 65}, {3, 1, 1, 40}};
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++)
        for (int v = 0; v < 2; v++)
            for (int64_t col = 0; col < ks[k].w; col++) {
                const int64_t H = 5, W = ks[k].w;
                const int64_t xd[4] = {1, 1, H, W}, kk[2] = {ks[k].k, ks[k].k}, ss[2] = {ks[k].s, ks[k].s},
                              pads[4] = {ks[k].pad, ks[k].pad, ks[k].pad, ks[k].pad};
                float *xf = make_input((size_t)(H * W), 1000 + (unsigned)col, false);
                xf[2 * W + col] = v == 0 ? NAN : -INFINITY;
                double *xd64 = malloc((size_t)(H * W) * sizeof *xd64);
                for (int64_t i = 0; i < H * W; i++)
                    xd64[i] = xf[i];
                ref_pool_cfg rc = {.kind = REF_MAX, .n = 2, .N = 1, .C = 1, .in = {H, W}, .kernel = {kk[0], kk[1]},
                                   .strides = {ss[0], ss[1]}, .dilations = {1, 1},
                                   .pads = {pads[0], pads[1], pads[2], pads[3]}};
                int64_t out[REF_MAX_SPATIAL], pb[REF_MAX_SPATIAL], pe[REF_MAX_SPATIAL];
                cr_assert(ref_pool_shape(&rc, out, pb, pe));
                const size_t ny = (size_t)(out[0] * out[1]);
                double *want = malloc(ny * sizeof *want);
                ref_pool(&rc, xd64, want, NULL);
                onr_pool_attrs pa = {.n_kernel = 2, .n_strides = 2, .n_pads = 4, .kernel = {kk[0], kk[1]},
                                     .strides = {ss[0], ss[1]}, .pads = {pads[0], pads[1], pads[2], pads[3]}};
                onr_pool_geom g;
                onr_error err = {0};
                cr_assert_eq(onr_pool_resolve(&pa, 2, xd + 2, NULL, &g, &err), ONR_OK, "%s", err.message);
                float *yv = malloc(ny * sizeof *yv);
                for (int lv = ONR_SIMD_AVX2; lv <= (int)onr_pool_simd_level(); lv++) {
                    onr_pool2d_f32_simd((onr_simd_level)lv, &g, true, false, xf, yv, 0, 1);
                    for (size_t i = 0; i < ny; i++)
                        cr_assert(close_to(yv[i], want[i], 0.0),
                                  "k%lld s%lld pad %lld width %lld, %s at column %lld (%s): y[%zu] = %g, reference %g",
                                  (long long)kk[0], (long long)ss[0], (long long)pads[0], (long long)W,
                                  v == 0 ? "NaN" : "-inf", (long long)col, LEVEL_NAMES[lv], i, (double)yv[i], want[i]);
                }
                free(yv);
                free(want);
                free(xd64);
                free(xf);
            }
}
