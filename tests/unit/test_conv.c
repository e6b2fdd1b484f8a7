/* test_conv.c: Conv and ConvTranspose.
 *  - hand-worked examples: the pooling tutorial's 8x8 vertical-line image, the ONNX node tests'
 *    examples (Operators.md Conv / ConvTranspose, values of test_basic_conv_*, test_conv_with_*,
 *    test_convtranspose*), small grouped / depthwise / dilated / SAME / VALID cases worked by hand;
 *  - random shapes against the naive reference in conv_reference.c (independent geometry), covering
 *    every kernel path (im2col + GEMM incl. multi-block, 1x1, direct/depthwise, double) on 1-3 spatial
 *    axes, with and without a thread pool;
 *  - validation errors naming what is wrong. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_harness.h"
#include "conv_reference.h"
#include "ops/conv_depthwise.h"
#include "ops/conv_gemm.h"

/* ---- hand-worked Conv -------------------------------------------------------------------------- */

static float *ramp(size_t n, float start)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = start + (float)i;
    return v;
}

Test(conv, vertical_line_detector)
{
    /* Tutorial: 8x8 image with a two-pixel vertical line (columns 3 and 4), 3x3 vertical-line
     * detector [[0,1,0],[0,1,0],[0,1,0]], no padding: every row of the 6x6 map is [0,0,3,3,0,0]. */
    float img[64] = {0};
    for (int r = 0; r < 8; r++)
        img[r * 8 + 3] = img[r * 8 + 4] = 1.0f;
    float det[9] = {0, 1, 0, 0, 1, 0, 0, 1, 0};
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 8, 8), img), w = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 3, 3), det);
    float want[36];
    for (int r = 0; r < 6; r++)
        memcpy(want + r * 6, (float[]){0, 0, 3, 3, 0, 0}, sizeof(float) * 6);
    ch_run r;
    ch_exec(&r, "Conv", 13, NULL, 0, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_f32(&r.out[0], 4, D(1, 1, 6, 6), want, 0, "vertical line");
    ch_free(&r);
}

/* x = 0..H*W-1 as (1,1,H,W), W = ones(3x3): the ONNX Conv doc examples. */
typedef struct onnx_case {
    const char *name;
    int64_t h, w;
    onr_attr attrs[3];
    size_t n_attrs;
    int64_t oh, ow;
    float want[25];
} onnx_case;

Test(conv, onnx_doc_examples)
{
    const onnx_case cases[] = {
        {"test_basic_conv_with_padding", 5, 5, {A_INTS("kernel_shape", 3, 3), A_INTS("pads", 1, 1, 1, 1)}, 2, 5, 5,
         {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123,
          84}},
        {"test_basic_conv_without_padding", 5, 5, {A_INTS("kernel_shape", 3, 3), A_INTS("pads", 0, 0, 0, 0)}, 2, 3,
         3, {54, 63, 72, 99, 108, 117, 144, 153, 162}},
        {"test_conv_with_strides_padding", 7, 5, {A_INTS("pads", 1, 1, 1, 1), A_INTS("strides", 2, 2)}, 2, 4, 3,
         {12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124}},
        {"test_conv_with_strides_no_padding", 7, 5, {A_INTS("strides", 2, 2)}, 1, 3, 2, {54, 72, 144, 162, 234, 252}},
        {"test_conv_with_strides_and_asymmetric_padding", 7, 5, {A_INTS("pads", 1, 0, 1, 0), A_INTS("strides", 2, 2)},
         2, 4, 2, {21, 33, 99, 117, 189, 207, 171, 183}},
        {"test_conv_with_autopad_same (SAME_LOWER)", 5, 5, {A_STR("auto_pad", "SAME_LOWER"), A_INTS("strides", 2, 2)},
         2, 3, 3, {12, 27, 24, 63, 108, 81, 72, 117, 84}},
    };
    float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const onnx_case *c = &cases[i];
        float *xv = ramp((size_t)(c->h * c->w), 0);
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, c->h, c->w), xv);
        onr_tensor w = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 3, 3), ones);
        ch_run r;
        ch_exec(&r, "Conv", 11, c->attrs, c->n_attrs, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
        cr_expect_eq(r.st, ONR_OK, "%s: %s", c->name, r.err.message);
        if (r.st == ONR_OK)
            ch_expect_f32(&r.out[0], 4, D(1, 1, c->oh, c->ow), c->want, 0, c->name);
        ch_free(&r);
        free(xv);
    }
}

/* 1-D cases worked by hand: x (1, C, L), W (M, C/group, k), optional bias. */
typedef struct small_case {
    const char *name;
    int64_t c, l, m, cg, k;
    float x[16], w[16], b[4];
    bool has_b;
    onr_attr attrs[3];
    size_t n_attrs;
    int64_t ol;
    float want[16];
} small_case;

Test(conv, hand_worked_1d)
{
    const small_case cases[] = {
        /* group=2: out0 = c0 + c1 = [5,7,9] + 1; out1 = c2 - c3 = [-3,-3,-3] + 2 */
        {"grouped, bias", 4, 3, 2, 2, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {1, 1, 1, -1}, {1, 2}, true,
         {A_INT("group", 2)}, 1, 3, {6, 8, 10, -1, -1, -1}},
        /* depthwise with multiplier 2: w0 sums pairs of c0, w1 differences, w2 averages c1, w3 doubles c1 */
        {"depthwise multiplier 2", 2, 4, 4, 1, 2, {1, 2, 3, 4, 10, 20, 30, 40}, {1, 1, 1, -1, 0.5f, 0.5f, 2, 0}, {0},
         false, {A_INT("group", 2)}, 1, 3, {3, 5, 7, -1, -1, -1, 15, 25, 35, 20, 40, 60}},
        /* dilation 2: y[i] = x[i] + x[i+2] + x[i+4] */
        {"dilated", 1, 7, 1, 1, 3, {1, 2, 3, 4, 5, 6, 7}, {1, 1, 1}, {0}, false, {A_INTS("dilations", 2)}, 1, 3,
         {9, 12, 15}},
        /* SAME_UPPER, even kernel: total pad 1 goes to the end: y[i] = x[i] + 10 x[i+1] */
        {"SAME_UPPER even kernel", 1, 4, 1, 1, 2, {1, 2, 3, 4}, {1, 10}, {0}, false, {A_STR("auto_pad", "SAME_UPPER")},
         1, 4, {21, 32, 43, 4}},
        /* SAME_LOWER: the pad goes to the begin: y[i] = x[i-1] + 10 x[i] */
        {"SAME_LOWER even kernel", 1, 4, 1, 1, 2, {1, 2, 3, 4}, {1, 10}, {0}, false, {A_STR("auto_pad", "SAME_LOWER")},
         1, 4, {10, 21, 32, 43}},
        /* SAME with stride 2 and dilation 2 (dilated kernel 3): out = ceil(5/2) = 3, total = 2*2+3-5 = 2,
         * pads 1+1: windows x[-1]+x[1], x[1]+x[3], x[3]+x[5] */
        {"SAME_UPPER stride 2 dilation 2", 1, 5, 1, 1, 2, {1, 2, 3, 4, 5}, {1, 1}, {0}, false,
         {A_STR("auto_pad", "SAME_UPPER"), A_INTS("strides", 2), A_INTS("dilations", 2)}, 3, 3, {2, 6, 4}},
        /* VALID, stride 2: out = floor((5-3)/2)+1 = 2 */
        {"VALID stride 2", 1, 5, 1, 1, 3, {1, 2, 3, 4, 5}, {1, 1, 1}, {0}, false,
         {A_STR("auto_pad", "VALID"), A_INTS("strides", 2)}, 2, 2, {6, 12}},
        /* asymmetric pads 2+0, kernel 3: y = [x-2+x-1+x0, ...] */
        {"asymmetric pads", 1, 4, 1, 1, 3, {1, 2, 3, 4}, {1, 2, 3}, {0}, false, {A_INTS("pads", 2, 0)}, 1, 4,
         {3, 8, 14, 20}},
        /* kernel larger than the input, padded: k=5 on L=2, pads 2+2: out 2 */
        {"kernel larger than input", 1, 2, 1, 1, 5, {1, 2}, {1, 2, 3, 4, 5}, {0}, false, {A_INTS("pads", 2, 2)}, 1, 2,
         {3 + 8, 2 + 6}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const small_case *c = &cases[i];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 3, D(1, c->c, c->l), c->x);
        onr_tensor w = sh_t(ONR_DTYPE_FLOAT, 3, D(c->m, c->cg, c->k), c->w);
        onr_tensor b = sh_t(ONR_DTYPE_FLOAT, 1, D(c->m), c->b);
        for (int threads = 1; threads <= 3; threads += 2) {
            onr_threadpool *pool = onr_threadpool_new(threads);
            ch_run r;
            ch_exec(&r, "Conv", 22, c->attrs, c->n_attrs, (const onr_tensor *[]){&x, &w, &b}, c->has_b ? 3 : 2, 1,
                    pool);
            cr_expect_eq(r.st, ONR_OK, "%s: %s", c->name, r.err.message);
            if (r.st == ONR_OK)
                ch_expect_f32(&r.out[0], 3, D(1, c->m, c->ol), c->want, 1e-6, c->name);
            ch_free(&r);
            onr_threadpool_free(pool);
        }
    }
}

Test(conv, three_d_and_double)
{
    /* (1,1,2,2,2) = 1..8 with a 2x2x2 kernel of ones: the sum 36; double adds bias 0.5 */
    float xf[8], wf[8];
    double xd[8], wd[8], bd[1] = {0.5};
    for (int i = 0; i < 8; i++) {
        xf[i] = (float)(i + 1);
        xd[i] = i + 1;
        wf[i] = 1.0f;
        wd[i] = 1.0;
    }
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 5, D(1, 1, 2, 2, 2), xf), w = sh_t(ONR_DTYPE_FLOAT, 5, D(1, 1, 2, 2, 2), wf);
    ch_run r;
    ch_exec(&r, "Conv", 1, NULL, 0, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_f32(&r.out[0], 5, D(1, 1, 1, 1, 1), (float[]){36}, 0, "3-D float");
    ch_free(&r);
    onr_tensor xdt = sh_t(ONR_DTYPE_DOUBLE, 5, D(1, 1, 2, 2, 2), xd), wdt = sh_t(ONR_DTYPE_DOUBLE, 5, D(1, 1, 2, 2, 2), wd);
    onr_tensor bdt = sh_t(ONR_DTYPE_DOUBLE, 1, D(1), bd);
    ch_exec(&r, "Conv", 11, NULL, 0, (const onr_tensor *[]){&xdt, &wdt, &bdt}, 3, 1, NULL);
    ch_expect_close(&r.out[0], 5, D(1, 1, 1, 1, 1), (double[]){36.5}, 0, 0, "3-D double");
    ch_free(&r);
}

/* ---- random shapes against the naive reference -------------------------------------------------- */

typedef struct rand_conv {
    int n;                 /* spatial rank */
    int64_t batch, group, cin_g, cout_g;
    int64_t in[3], k[3], s[3], d[3], pb[3], pe[3];
    int auto_pad;          /* 0 explicit pads, 1 SAME_UPPER, 2 SAME_LOWER, 3 VALID */
    bool bias, kernel_attr;
} rand_conv;

static const char *const auto_pad_names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};

static void describe(const rand_conv *c, char *buf, size_t size)
{
    int u = snprintf(buf, size, "rank %d N%lld g%lld cin_g%lld cout_g%lld %s%s in", c->n, (long long)c->batch,
                     (long long)c->group, (long long)c->cin_g, (long long)c->cout_g, auto_pad_names[c->auto_pad],
                     c->bias ? " bias" : "");
    for (int i = 0; i < c->n && u > 0 && (size_t)u < size; i++)
        u += snprintf(buf + u, size - (size_t)u, " [%lld k%lld s%lld d%lld p%lld+%lld]", (long long)c->in[i],
                      (long long)c->k[i], (long long)c->s[i], (long long)c->d[i], (long long)c->pb[i],
                      (long long)c->pe[i]);
}

/* Runs one random Conv in `dt` and compares with the reference; returns false when the geometry has
 * no output (the case is then skipped by the caller). */
static bool check_conv(const rand_conv *c, onr_dtype dt, onr_threadpool *pool, ch_rng *g)
{
    ref_geom rg = {.n = c->n, .group = c->group};
    int64_t xdims[5] = {c->batch, c->group * c->cin_g}, wdims[5] = {c->group * c->cout_g, c->cin_g};
    for (int i = 0; i < c->n; i++) {
        rg.k[i] = c->k[i];
        rg.s[i] = c->s[i];
        rg.d[i] = c->d[i];
        if (c->auto_pad == 1 || c->auto_pad == 2)
            ref_same_pads(c->in[i], c->k[i], c->s[i], c->d[i], c->auto_pad == 1, &rg.pb[i], &rg.pe[i]);
        else if (c->auto_pad == 3)
            rg.pb[i] = rg.pe[i] = 0;
        else {
            rg.pb[i] = c->pb[i];
            rg.pe[i] = c->pe[i];
        }
        if (ref_conv_out(c->in[i], c->k[i], c->s[i], c->d[i], rg.pb[i], rg.pe[i]) <= 0)
            return false;
        xdims[2 + i] = c->in[i];
        wdims[2 + i] = c->k[i];
    }
    int rank = c->n + 2;
    size_t nx = 1, nw = 1, nb = (size_t)wdims[0];
    for (int i = 0; i < rank; i++) {
        nx *= (size_t)xdims[i];
        nw *= (size_t)wdims[i];
    }
    double *x = ch_rand_f64(g, nx), *w = ch_rand_f64(g, nw), *b = ch_rand_f64(g, nb);
    int64_t ydims[5];
    size_t ny = (size_t)wdims[0] * (size_t)c->batch;
    for (int i = 0; i < c->n; i++)
        ny *= (size_t)ref_conv_out(c->in[i], c->k[i], c->s[i], c->d[i], rg.pb[i], rg.pe[i]);
    double *want = malloc(ny * sizeof *want);
    ref_conv(x, xdims, w, wdims[0], c->bias ? b : NULL, &rg, want, ydims);

    void *xv = x, *wv = w, *bv = b;
    float *xf = NULL, *wf = NULL, *bf = NULL;
    if (dt == ONR_DTYPE_FLOAT) {
        xf = malloc(nx * sizeof *xf);
        wf = malloc(nw * sizeof *wf);
        bf = malloc(nb * sizeof *bf);
        for (size_t i = 0; i < nx; i++)
            xf[i] = (float)x[i];
        for (size_t i = 0; i < nw; i++)
            wf[i] = (float)w[i];
        for (size_t i = 0; i < nb; i++)
            bf[i] = (float)b[i];
        xv = xf;
        wv = wf;
        bv = bf;
    }
    onr_tensor xt = sh_t(dt, rank, xdims, xv), wt = sh_t(dt, rank, wdims, wv), bt = sh_t(dt, 1, wdims, bv);
    onr_attr attrs[6];
    size_t na = 0;
    attrs[na++] = (onr_attr){.name = "group", .type = ONR_ATTR_INT, .i = c->group};
    attrs[na++] = (onr_attr){.name = "strides", .type = ONR_ATTR_INTS, .ints = c->s, .n = (size_t)c->n};
    attrs[na++] = (onr_attr){.name = "dilations", .type = ONR_ATTR_INTS, .ints = c->d, .n = (size_t)c->n};
    int64_t pads[6];
    if (c->auto_pad == 0) {
        for (int i = 0; i < c->n; i++) {
            pads[i] = c->pb[i];
            pads[c->n + i] = c->pe[i];
        }
        attrs[na++] = (onr_attr){.name = "pads", .type = ONR_ATTR_INTS, .ints = pads, .n = 2 * (size_t)c->n};
    } else {
        attrs[na++] = A_STR("auto_pad", auto_pad_names[c->auto_pad]);
    }
    if (c->kernel_attr)
        attrs[na++] = (onr_attr){.name = "kernel_shape", .type = ONR_ATTR_INTS, .ints = c->k, .n = (size_t)c->n};
    char what[256];
    describe(c, what, sizeof what);
    ch_run r;
    ch_exec(&r, "Conv", 11, attrs, na, (const onr_tensor *[]){&xt, &wt, &bt}, c->bias ? 3 : 2, 1, pool);
    cr_expect_eq(r.st, ONR_OK, "%s: %s at %s", what, r.err.message, r.stage);
    if (r.st == ONR_OK) {
        /* float: products of values in [-1,1) summed over cin_g*k taps */
        double tol = dt == ONR_DTYPE_FLOAT ? 1e-5 : 1e-12;
        ch_expect_close(&r.out[0], rank, ydims, want, tol, tol, what);
    }
    ch_free(&r);
    free(x);
    free(w);
    free(b);
    free(xf);
    free(wf);
    free(bf);
    free(want);
    return true;
}

static rand_conv random_case(ch_rng *g)
{
    rand_conv c;
    memset(&c, 0, sizeof c);
    c.n = (int)ch_int(g, 1, 3);
    c.batch = ch_int(g, 1, 2);
    int shape = (int)ch_int(g, 0, 3);
    c.group = shape == 0 ? 1 : ch_int(g, 2, 4);
    c.cin_g = shape == 3 ? 1 : ch_int(g, 1, 5);               /* 3: depthwise-like */
    c.cout_g = shape == 3 ? ch_int(g, 1, 3) : ch_int(g, 1, 9); /* >= 8 takes im2col even with cin_g = 1 */
    for (int i = 0; i < c.n; i++) {
        c.in[i] = ch_int(g, 1, c.n == 3 ? 6 : c.n == 2 ? 10 : 20);
        c.k[i] = ch_int(g, 1, 4);
        c.s[i] = ch_int(g, 1, 3);
        c.d[i] = ch_int(g, 1, 3);
        c.pb[i] = ch_int(g, 0, 3);
        c.pe[i] = ch_int(g, 0, 3);
    }
    c.auto_pad = ch_int(g, 0, 5) > 3 ? 0 : (int)ch_int(g, 0, 3);
    c.bias = ch_int(g, 0, 1);
    c.kernel_attr = ch_int(g, 0, 1);
    return c;
}

Test(conv, random_vs_reference)
{
    ch_rng g = {0x9E3779B97F4A7C15ull};
    onr_threadpool *pool = onr_threadpool_new(3);
    int run = 0;
    for (int i = 0; i < 400; i++) {
        rand_conv c = random_case(&g);
        onr_dtype dt = i % 5 == 4 ? ONR_DTYPE_DOUBLE : ONR_DTYPE_FLOAT;
        run += check_conv(&c, dt, i % 2 ? pool : NULL, &g);
    }
    cr_expect_gt(run, 250, "only %d of 400 random cases had an output", run);
    onr_threadpool_free(pool);
}

Test(conv, paths_vs_reference)
{
    /* Fixed cases that pin each kernel path on shapes big enough to matter. */
    const rand_conv cases[] = {
        /* 1x1, stride 1, no pads: GEMM straight on X (groups 1 and 2) */
        {2, 2, 1, 16, 24, {7, 9}, {1, 1}, {1, 1}, {1, 1}, {0}, {0}, 0, true, false},
        {2, 1, 2, 8, 12, {5, 6}, {1, 1}, {1, 1}, {2, 2}, {0}, {0}, 0, false, true},
        /* 1x1 with stride 2 / padding: im2col */
        {2, 1, 1, 8, 16, {9, 9}, {1, 1}, {2, 2}, {1, 1}, {0}, {0}, 0, true, false},
        {2, 1, 1, 8, 16, {6, 6}, {1, 1}, {1, 1}, {1, 1}, {1, 0}, {0, 1}, 0, true, false},
        /* im2col in several column blocks: kdim = 64*9 = 576 floats per position, 48*48 positions > 4 MiB */
        {2, 1, 1, 64, 8, {50, 50}, {3, 3}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0, true, false},
        /* same with SAME_UPPER and 2 threads-worth of output channels */
        {2, 1, 1, 48, 20, {47, 45}, {3, 3}, {1, 1}, {1, 1}, {0}, {0}, 1, true, false},
        /* depthwise 3x3 stride 2 SAME_LOWER, multiplier 2 (direct path) */
        {2, 2, 16, 1, 2, {15, 16}, {3, 3}, {2, 2}, {1, 1}, {0}, {0}, 2, true, false},
        /* 2-D depthwise (conv_depthwise.c): MobileNet's 3x3 pad 1 at strides 1 and 2 (interior taps
         * fused in one pass, edges tap by tap), asymmetric pads, dilation 2 with a 5x5 kernel, a
         * kernel row wider than the kernel's tap table (70 > 64) and a 1-wide image */
        {2, 1, 32, 1, 1, {28, 28}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 0, true, false},
        {2, 2, 24, 1, 1, {17, 18}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, 0, true, false},
        {2, 1, 8, 1, 3, {13, 21}, {3, 3}, {1, 3}, {1, 1}, {0, 2}, {2, 0}, 0, false, false},
        {2, 1, 6, 1, 1, {19, 23}, {5, 5}, {1, 1}, {2, 2}, {4, 4}, {4, 4}, 0, true, false},
        {2, 1, 4, 1, 1, {3, 90}, {1, 70}, {1, 2}, {1, 1}, {0, 3}, {1, 5}, 0, true, false},
        {2, 1, 5, 1, 2, {9, 1}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 0, true, false},
        /* ... widths around the vector kernels' 8 and 16 lanes, through the op (conv.c's call) */
        {2, 2, 6, 1, 1, {9, 15}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 0, true, false},
        {2, 1, 4, 1, 2, {8, 33}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, 0, true, false},
        {2, 1, 3, 1, 1, {6, 113}, {3, 3}, {2, 2}, {1, 1}, {0, 0}, {1, 1}, 1, true, false},
        {2, 1, 4, 1, 1, {11, 17}, {5, 5}, {2, 2}, {1, 1}, {2, 2}, {2, 2}, 0, true, false},
        /* cin_g = 1 with many outputs per group: im2col */
        {2, 1, 1, 1, 32, {12, 11}, {5, 5}, {1, 2}, {1, 1}, {2, 2}, {2, 2}, 0, true, false},
        /* 3-D dilated strided grouped */
        {3, 2, 2, 3, 4, {6, 7, 5}, {2, 3, 2}, {2, 1, 2}, {2, 1, 1}, {1, 0, 1}, {0, 2, 1}, 0, true, true},
        /* 1-D long signal, wide kernel */
        {1, 1, 1, 3, 5, {3000}, {31}, {3}, {2}, {15}, {15}, 0, true, false},
    };
    ch_rng g = {12345};
    for (int threads = 1; threads <= 4; threads += 3) {
        onr_threadpool *pool = onr_threadpool_new(threads);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            cr_expect(check_conv(&cases[i], ONR_DTYPE_FLOAT, pool, &g), "case %zu has no output", i);
            if (i % 3 == 0)
                check_conv(&cases[i], ONR_DTYPE_DOUBLE, pool, &g);
        }
        onr_threadpool_free(pool);
    }
}

/* ---- the 2-D depthwise kernel at every vector level --------------------------------------------- */

typedef struct dw_case {
    const char *name;
    int64_t batch, c, mult, h, w, kh, kw, sh, sw, dh;
    int64_t pads[4]; /* top, left, bottom, right */
    int act;         /* 0 none, 1 Relu (0, +inf), 2 Clip (-0.3, 0.4) */
    bool nan;        /* some inputs NaN */
} dw_case;

static const float DW_ACT[3][2] = {{-INFINITY, INFINITY}, {0.0f, INFINITY}, {-0.3f, 0.4f}};

/* The ONNX Relu / Clip of an unfused value: NaN stays NaN. */
static double dw_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Runs onr_conv_depthwise2d_f32_level at level lv on c against ref_conv + the clamp; returns the number
 * of mismatches (NaN must meet NaN, everything else within 1e-5 relative + absolute). */
static size_t dw_check(const dw_case *c, onr_simd_level lv, onr_threadpool *pool, ch_rng *g)
{
    const int64_t m = c->c * c->mult;
    ref_geom rg = {.n = 2, .k = {c->kh, c->kw}, .s = {c->sh, c->sw}, .d = {c->dh, 1},
                   .pb = {c->pads[0], c->pads[1]}, .pe = {c->pads[2], c->pads[3]}, .group = c->c};
    int64_t oh = ref_conv_out(c->h, c->kh, c->sh, c->dh, c->pads[0], c->pads[2]);
    int64_t ow = ref_conv_out(c->w, c->kw, c->sw, 1, c->pads[1], c->pads[3]);
    cr_assert(oh > 0 && ow > 0, "%s: empty output", c->name);
    onr_pool_geom geo = {.n = 2};
    geo.ax[0] = (onr_pool_axis){c->h, oh, c->kh, c->sh, c->dh, c->pads[0], c->pads[2]};
    geo.ax[1] = (onr_pool_axis){c->w, ow, c->kw, c->sw, 1, c->pads[1], c->pads[3]};
    size_t nx = (size_t)(c->batch * c->c * c->h * c->w), nw = (size_t)(m * c->kh * c->kw);
    size_t ny = (size_t)(c->batch * m * oh * ow);
    double *x = ch_rand_f64(g, nx), *w = ch_rand_f64(g, nw), *b = ch_rand_f64(g, (size_t)m);
    if (c->nan)
        for (size_t i = 3; i < nx; i += 37)
            x[i] = NAN;
    double *want = malloc(ny * sizeof *want);
    int64_t xdims[4] = {c->batch, c->c, c->h, c->w}, ydims[4];
    ref_conv(x, xdims, w, m, b, &rg, want, ydims);
    float *xf = malloc(nx * sizeof *xf), *wf = malloc(nw * sizeof *wf), *bf = malloc((size_t)m * sizeof *bf);
    float *y = malloc(ny * sizeof *y);
    for (size_t i = 0; i < nx; i++)
        xf[i] = (float)x[i];
    for (size_t i = 0; i < nw; i++)
        wf[i] = (float)w[i];
    for (int64_t i = 0; i < m; i++)
        bf[i] = (float)b[i];
    for (size_t i = 0; i < ny; i++)
        y[i] = 12345.0f; /* every element must be written */
    const float lo = DW_ACT[c->act][0], hi = DW_ACT[c->act][1];
    onr_conv_depthwise2d_f32_level(lv, pool, &geo, (size_t)c->batch, (size_t)c->c, (size_t)m, xf, wf, bf, lo, hi, y);
    size_t bad = 0, nans = 0;
    for (size_t i = 0; i < ny; i++) {
        double e = dw_clamp(want[i], lo, hi), got = y[i];
        nans += isnan(e);
        bool ok = isnan(e) ? isnan(got) : fabs(got - e) <= 1e-5 * (1.0 + fabs(e));
        if (!ok && bad++ < 3)
            cr_expect(0, "%s (level %d): element %zu of %zu is %.9g, expected %.9g", c->name, (int)lv, i, ny, got, e);
    }
    if (c->nan)
        cr_expect(nans > 0 && nans < ny, "%s: %zu of %zu outputs NaN", c->name, nans, ny);
    free(x);
    free(w);
    free(b);
    free(want);
    free(xf);
    free(wf);
    free(bf);
    free(y);
    return bad;
}

Test(conv, depthwise_kernel_every_level)
{
    /* The vector kernels take 3- and 5-wide kernels at column stride 1 and 2: widths around the 8 and 16
     * lanes (last vector partial, edge vectors on both sides, a row narrower than one vector), pads 0 and
     * 1, asymmetric pads, pads wider than a vector (more edge vectors than the plane caches masks for) and
     * as wide as the kernel (rows and columns whose window is all padding), multiplier 2, batch 2,
     * row dilation, short kernels (1x3, 2x5), and the fused clamp with NaN inputs. Every level the CPU
     * runs, plus the portable kernel (level NONE) on the same data. */
    const dw_case cases[] = {
        {"3x3 s1 p1 56x56", 1, 5, 1, 56, 56, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s1 p1 w7", 1, 3, 1, 9, 7, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s1 p1 w15", 1, 3, 1, 8, 15, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 1, false},
        {"3x3 s1 p1 w17", 2, 3, 1, 7, 17, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s1 p1 w33", 1, 4, 1, 6, 33, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 2, false},
        {"3x3 s1 p1 w113", 1, 2, 1, 5, 113, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s1 p0 w17", 1, 3, 1, 6, 17, 3, 3, 1, 1, 1, {0, 0, 0, 0}, 0, false},
        {"3x3 s1 p0 w66 (no edge vector)", 1, 2, 1, 5, 66, 3, 3, 1, 1, 1, {0, 0, 0, 0}, 0, false},
        {"3x3 s2 p1 112x112", 1, 3, 1, 112, 112, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 p1 w7", 1, 3, 1, 7, 7, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 p1 w15", 2, 2, 1, 9, 15, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 1, false},
        {"3x3 s2 p1 w17", 1, 3, 1, 10, 17, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 p1 w33", 1, 3, 1, 11, 33, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 2, false},
        {"3x3 s2 p1 w113", 1, 2, 1, 7, 113, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 p0 w33", 1, 3, 1, 9, 33, 3, 3, 2, 2, 1, {0, 0, 0, 0}, 0, false},
        {"3x3 s2 p0 w66", 1, 2, 1, 8, 66, 3, 3, 2, 2, 1, {0, 0, 0, 0}, 0, false},
        {"3x3 s2 TF-style pads 0/1", 1, 3, 1, 14, 14, 3, 3, 2, 2, 1, {0, 0, 1, 1}, 0, false},
        {"3x3 s1 asymmetric pads", 1, 3, 1, 13, 35, 3, 3, 1, 1, 1, {2, 0, 0, 1}, 0, false},
        {"3x3 s2 asymmetric pads", 1, 3, 1, 13, 35, 3, 3, 2, 2, 1, {0, 2, 1, 0}, 0, false},
        {"3x3 s1 pads 3 (all-padding rows and columns)", 1, 2, 1, 5, 6, 3, 3, 1, 1, 1, {3, 3, 3, 3}, 0, false},
        {"3x3 s2 pads 2", 1, 2, 1, 9, 19, 3, 3, 2, 2, 1, {2, 2, 2, 2}, 2, false},
        {"3x3 s1 pads 70 (many edge vectors)", 1, 1, 1, 3, 20, 3, 3, 1, 1, 1, {0, 70, 0, 70}, 0, false},
        {"3x3 s2 pads 40", 1, 1, 1, 3, 20, 3, 3, 2, 2, 1, {1, 40, 1, 41}, 0, false},
        {"3x3 s1 w1", 1, 2, 1, 4, 1, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 h1 w2", 1, 2, 1, 1, 2, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s1 multiplier 2 batch 2", 2, 3, 2, 11, 21, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 multiplier 2 batch 2", 2, 3, 2, 12, 37, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 1, false},
        {"3x3 s1 row stride 2", 1, 2, 1, 12, 30, 3, 3, 2, 1, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 s2 row stride 1", 1, 2, 1, 12, 30, 3, 3, 1, 2, 1, {1, 1, 1, 1}, 0, false},
        {"3x3 row dilation 2", 1, 2, 1, 12, 30, 3, 3, 1, 1, 2, {2, 1, 2, 1}, 0, false},
        {"1x3 s1", 1, 2, 1, 6, 29, 1, 3, 1, 1, 1, {0, 1, 0, 1}, 0, false},
        {"2x5 s2", 1, 2, 1, 7, 29, 2, 5, 1, 2, 1, {1, 2, 0, 2}, 0, false},
        {"5x5 s1 p2 14x14", 1, 4, 1, 14, 14, 5, 5, 1, 1, 1, {2, 2, 2, 2}, 0, false},
        {"5x5 s1 p2 w9", 1, 2, 1, 9, 9, 5, 5, 1, 1, 1, {2, 2, 2, 2}, 2, false},
        {"5x5 s2 p2 w31", 2, 2, 1, 15, 31, 5, 5, 2, 2, 1, {2, 2, 2, 2}, 0, false},
        {"5x5 s2 p2 112x112", 1, 2, 1, 112, 112, 5, 5, 2, 2, 1, {2, 2, 2, 2}, 0, false},
        {"5x5 s1 p0 w40", 1, 2, 1, 9, 40, 5, 5, 1, 1, 1, {0, 0, 0, 0}, 0, false},
        {"Relu with NaN inputs s1", 1, 3, 1, 10, 33, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 1, true},
        {"Clip with NaN inputs s2", 1, 3, 1, 10, 35, 3, 3, 2, 2, 1, {1, 1, 1, 1}, 2, true},
        {"Clip with NaN inputs 5x5 s2", 1, 2, 1, 10, 19, 5, 5, 2, 2, 1, {2, 2, 2, 2}, 2, true},
        {"no clamp, NaN inputs", 1, 2, 1, 9, 17, 3, 3, 1, 1, 1, {1, 1, 1, 1}, 0, true},
        /* generic-only shapes, for the clamp there: stride 3, column dilation via a 7-wide kernel */
        {"7x7 s3 Clip (portable kernel)", 1, 2, 1, 20, 23, 7, 7, 3, 3, 1, {3, 3, 3, 3}, 2, true},
    };
    ch_rng g = {0xD3A7ull};
    onr_threadpool *pool = onr_threadpool_new(3);
    onr_simd_level top = onr_pool_simd_level();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int lv = ONR_SIMD_NONE; lv <= (int)top; lv++) {
            ch_rng gi = g; /* the same data at every level */
            cr_expect_eq(dw_check(&cases[i], (onr_simd_level)lv, lv == (int)top ? pool : NULL, &gi), 0,
                         "%s at level %d", cases[i].name, lv);
            if (lv == (int)top)
                g = gi;
        }
    onr_threadpool_free(pool);
}

Test(conv, depthwise_clamp_exact)
{
    /* Hand-worked: x (1x8) with a NaN at 6, kernel [0 1 0] pads 1 (identity, but 0 * NaN is NaN, so the
     * NaN's neighbours are NaN too), bias 0.5: y = [-1.5 1.5 3.5 -6.5 0.75 NaN NaN NaN]. Relu, Clip(-1, 2)
     * and Clip(-1.5, 3.5) (bounds equal to values) of that; NaN stays NaN (ONNX Relu / Clip). */
    float x[8] = {-2.0f, 1.0f, 3.0f, -7.0f, 0.25f, 9.0f, NAN, 4.0f}, w[3] = {0, 1, 0}, b[1] = {0.5f};
    onr_pool_geom geo = {.n = 2};
    geo.ax[0] = (onr_pool_axis){1, 1, 1, 1, 1, 0, 0};
    geo.ax[1] = (onr_pool_axis){8, 8, 3, 1, 1, 1, 1};
    const float acts[3][2] = {{0.0f, INFINITY}, {-1.0f, 2.0f}, {-1.5f, 3.5f}};
    const float want[3][8] = {{0.0f, 1.5f, 3.5f, 0.0f, 0.75f, NAN, NAN, NAN},
                              {-1.0f, 1.5f, 2.0f, -1.0f, 0.75f, NAN, NAN, NAN},
                              {-1.5f, 1.5f, 3.5f, -1.5f, 0.75f, NAN, NAN, NAN}};
    for (int lv = ONR_SIMD_NONE; lv <= (int)onr_pool_simd_level(); lv++)
        for (int a = 0; a < 3; a++) {
            float y[8];
            onr_conv_depthwise2d_f32_level((onr_simd_level)lv, NULL, &geo, 1, 1, 1, x, w, b, acts[a][0], acts[a][1], y);
            for (int i = 0; i < 8; i++)
                cr_expect(isnan(want[a][i]) ? isnan(y[i]) : y[i] == want[a][i], "level %d act %d: y[%d] = %g, want %g",
                          lv, a, i, y[i], want[a][i]);
        }
}

Test(conv, im2col_blocks_are_bounded)
{
    /* The scratch for a large conv stays a few MiB (blocks of output positions), not the full
     * kdim x positions matrix (576 * 200*200 floats = 92 MB). */
    float *xv = calloc(1 * 64 * 202 * 202, sizeof(float)), *wv = calloc(8 * 64 * 9, sizeof(float));
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 64, 202, 202), xv), w = sh_t(ONR_DTYPE_FLOAT, 4, D(8, 64, 3, 3), wv);
    ch_run r;
    ch_exec(&r, "Conv", 11, NULL, 0, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    cr_expect_leq(r.scratch_bytes, (size_t)5 << 20, "scratch %zu bytes", r.scratch_bytes);
    /* conv_gemm.c keeps its blocks L2-sized (a few hundred KiB); the BLAS path wants MiB blocks */
    size_t least = onr_conv_gemm_level() != ONR_SIMD_NONE ? (size_t)64 << 10 : (size_t)1 << 20;
    cr_expect_gt(r.scratch_bytes, least, "scratch %zu bytes", r.scratch_bytes);
    ch_free(&r);
    free(xv);
    free(wv);
}

/* ---- conv_gemm: the im2col / 1x1 micro-kernels (conv_gemm.c) --------------------------------------- */

/* Conv through parse -> infer -> run like ch_exec, with the fused clamp in the context (the planner's
 * ONR_OP_FUSES_CLAMP hand-off). Output and scratch start as NaN bytes. y->data is malloc'd. */
static onr_status cg_exec(onr_tensor *y, const onr_attr *attrs, size_t na, const onr_tensor *const *in, size_t n_in,
                          onr_threadpool *pool, onr_clamp clamp)
{
    onr_error err = {0};
    const onr_op_def *def = onr_op_find("", "Conv", 11, &err);
    cr_assert(def != NULL);
    onr_node_desc node = {.name = "n", .op_type = "Conv", .domain = "", .opset = 11, .attrs = attrs, .n_attrs = na,
                          .n_inputs = n_in, .n_outputs = 1};
    void *params = calloc(1, def->params_size);
    onr_tensor *ov[1] = {y};
    memset(y, 0, sizeof *y);
    onr_op_ctx ctx = {.params = params, .opset = 11, .n_in = n_in, .in = in, .n_out = 1, .out = ov, .pool = pool,
                      .clamp = clamp};
    onr_status st = def->parse(&node, params, &err);
    if (st == ONR_OK)
        st = def->infer(&ctx, &err);
    if (st == ONR_OK) {
        size_t bytes = onr_tensor_count(y) * sizeof(float);
        y->data = malloc(bytes ? bytes : 1);
        memset(y->data, 0xFF, bytes);
        void *scratch = malloc(ctx.scratch_bytes ? ctx.scratch_bytes : 1);
        memset(scratch, 0xFF, ctx.scratch_bytes);
        ctx.scratch = scratch;
        st = def->run(&ctx, &err);
        free(scratch);
    }
    cr_expect_eq(st, ONR_OK, "Conv: %s", err.message);
    free(params);
    return st;
}

typedef struct cg_case {
    int64_t batch, group, m, cin_g, kh, kw, s, pad_h, pad_w, oh, ow;
    bool bias;
} cg_case;

static bool same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Runs one shape at every kernel level the CPU has (ONR_SIMD_NONE: the BLAS path) and 1, 2 and 3
 * threads: all against the double reference; the kernels' results bit for bit equal to each other
 * (one fma chain per element, conv_gemm.h); a Relu and a Clip fused in (with NaNs in X) equal to the
 * clamp of the unfused result, bit for bit. */
static void cg_check(const cg_case *c, ch_rng *g)
{
    int64_t in_h = (c->oh - 1) * c->s + c->kh - 2 * c->pad_h, in_w = (c->ow - 1) * c->s + c->kw - 2 * c->pad_w;
    int64_t cin = c->group * c->cin_g, cout = c->group * c->m;
    int64_t xdims[4] = {c->batch, cin, in_h, in_w}, wdims[4] = {cout, c->cin_g, c->kh, c->kw};
    size_t nx = (size_t)(c->batch * cin * in_h * in_w), nw = (size_t)(cout * c->cin_g * c->kh * c->kw);
    size_t ny = (size_t)(c->batch * cout * c->oh * c->ow);
    char what[200];
    snprintf(what, sizeof what, "N%lld g%lld M%lld K%lld (cin_g %lld, %lldx%lld s%lld p%lld,%lld) out %lldx%lld%s",
             (long long)c->batch, (long long)c->group, (long long)c->m, (long long)(c->cin_g * c->kh * c->kw),
             (long long)c->cin_g, (long long)c->kh, (long long)c->kw, (long long)c->s, (long long)c->pad_h,
             (long long)c->pad_w, (long long)c->oh, (long long)c->ow, c->bias ? " bias" : "");
    cr_assert(in_h >= 1 && in_w >= 1, "%s: bad case", what);
    double *x = ch_rand_f64(g, nx), *w = ch_rand_f64(g, nw), *b = ch_rand_f64(g, (size_t)cout);
    double *want = malloc(ny * sizeof *want);
    ref_geom rg = {.n = 2, .group = c->group, .k = {c->kh, c->kw}, .s = {c->s, c->s}, .d = {1, 1},
                   .pb = {c->pad_h, c->pad_w}, .pe = {c->pad_h, c->pad_w}};
    int64_t ydims[5];
    ref_conv(x, xdims, w, cout, c->bias ? b : NULL, &rg, want, ydims);
    cr_assert(ydims[2] == c->oh && ydims[3] == c->ow, "%s: reference output %lldx%lld", what, (long long)ydims[2],
              (long long)ydims[3]);
    float *xf = malloc(nx * sizeof *xf), *xn = malloc(nx * sizeof *xn), *wf = malloc(nw * sizeof *wf);
    float *bf = malloc((size_t)cout * sizeof *bf);
    for (size_t i = 0; i < nx; i++)
        xf[i] = xn[i] = (float)x[i];
    for (size_t i = 0; i < nx; i += 97) /* NaN inputs for the clamp runs */
        xn[i] = NAN;
    for (size_t i = 0; i < nw; i++)
        wf[i] = (float)w[i];
    for (int64_t i = 0; i < cout; i++)
        bf[i] = (float)b[i];
    onr_attr attrs[3] = {A_INTS("strides", c->s, c->s), A_INTS("pads", c->pad_h, c->pad_w, c->pad_h, c->pad_w),
                         A_INT("group", c->group)};
    onr_tensor xt = sh_t(ONR_DTYPE_FLOAT, 4, xdims, xf), xnt = sh_t(ONR_DTYPE_FLOAT, 4, xdims, xn);
    onr_tensor wt = sh_t(ONR_DTYPE_FLOAT, 4, wdims, wf), bt = sh_t(ONR_DTYPE_FLOAT, 1, wdims, bf);
    const onr_tensor *in[3] = {&xt, &wt, &bt}, *in_nan[3] = {&xnt, &wt, &bt};
    size_t n_in = c->bias ? 3 : 2;
    double tol = 1e-5 + 5e-7 * (double)(c->cin_g * c->kh * c->kw);
    onr_threadpool *pools[3] = {NULL, onr_threadpool_new(2), onr_threadpool_new(3)};
    onr_simd_level top = onr_conv_gemm_level();
    float *first = NULL; /* the first kernel result: every other level and thread count must equal it */
    for (int lv = ONR_SIMD_NONE; lv <= (int)top; lv++) {
        if (lv == ONR_SIMD_AVX2 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
            continue;
        onr_conv_gemm_cap((onr_simd_level)lv);
        for (int t = 0; t < 3; t++) {
            if (lv == ONR_SIMD_NONE && t > 1)
                continue;
            onr_tensor y;
            if (cg_exec(&y, attrs, 3, in, n_in, pools[t], (onr_clamp){0}) != ONR_OK)
                continue;
            char at[260];
            snprintf(at, sizeof at, "%s, level %d, %d thread(s)", what, lv, t + 1);
            ch_expect_close(&y, 4, ydims, want, tol, tol, at);
            if (lv != ONR_SIMD_NONE && !first) {
                first = y.data;
                continue;
            }
            if (lv != ONR_SIMD_NONE) {
                size_t diff = 0;
                for (size_t i = 0; i < ny; i++)
                    diff += !same_bits(((float *)y.data)[i], first[i]);
                cr_expect_eq(diff, 0, "%s: %zu elements differ from the first kernel run", at, diff);
            }
            free(y.data);
        }
    }
    /* the fused clamp, NaNs in X: clamp(unclamped) bit for bit, NaN where the reference is NaN */
    if (top != ONR_SIMD_NONE) {
        onr_conv_gemm_cap(top);
        onr_tensor plain;
        if (cg_exec(&plain, attrs, 3, in_nan, n_in, pools[1], (onr_clamp){0}) == ONR_OK) {
            const onr_clamp acts[2] = {onr_clamp_make(0.0f, INFINITY), onr_clamp_make(-0.3f, 0.4f)};
            for (int a = 0; a < 2; a++) {
                onr_tensor y;
                if (cg_exec(&y, attrs, 3, in_nan, n_in, pools[a + 1], acts[a]) != ONR_OK)
                    continue;
                size_t diff = 0, nans = 0;
                for (size_t i = 0; i < ny; i++) {
                    float u = ((float *)plain.data)[i], v = ((float *)y.data)[i];
                    diff += !same_bits(v, onr_clamp_f32(u, acts[a].lo, acts[a].hi));
                    nans += isnan(v);
                }
                cr_expect_eq(diff, 0, "%s, clamp %d: %zu elements are not the clamped unfused value", what, a, diff);
                cr_expect_gt(nans, 0, "%s, clamp %d: the NaN inputs left no NaN output", what, a);
                free(y.data);
            }
            free(plain.data);
        }
    }
    onr_conv_gemm_cap(ONR_SIMD_AVX512);
    free(first);
    for (int t = 1; t < 3; t++)
        onr_threadpool_free(pools[t]);
    free(x);
    free(w);
    free(b);
    free(want);
    free(xf);
    free(xn);
    free(wf);
    free(bf);
}

Test(conv, gemm_kernel_edges)
{
    /* Tile edges of the micro-kernels (AVX-512 12 x 32, AVX2 6 x 16): output channels M around the tile
     * rows, output positions N around the vector and tile widths (masked last vectors, one-vector tiles)
     * up to several column blocks, K around the 256-row K blocks (bias at the first, clamp at the
     * last). Every M x N pair once, K cycling through its list; each as a 1x1 convolution (B is X
     * itself) and through im2col (3x3 pad 1, 1x3, or 1x1 stride 2), strides 1 and 2, bias or not, some
     * grouped and with batch 2. */
    static const int64_t ms[] = {1, 11, 12, 13, 25, 64}, ks[] = {1, 3, 9, 27, 255, 256, 257, 600};
    static const int64_t outs[][2] = {{1, 1}, {3, 5}, {4, 4}, {1, 17}, {1, 31}, {3, 11}, {10, 10}, {56, 56}};
    ch_rng g = {0xC0FFEEull};
    int i = 0;
    for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
        for (size_t ni = 0; ni < sizeof outs / sizeof outs[0]; ni++, i++) {
            int64_t m = ms[mi], k = ks[(mi * 3 + ni) % 8], oh = outs[ni][0], ow = outs[ni][1];
            bool small = m * k * oh * ow < ((int64_t)1 << 22);
            int64_t batch = small && i % 3 == 0 ? 2 : 1, group = small && i % 5 == 1 ? 2 : 1;
            cg_case one = {batch, group, m, k, 1, 1, 1, 0, 0, oh, ow, i % 2 == 0};
            cg_check(&one, &g);
            int64_t s = 1 + (int64_t)((mi + ni) % 2);
            cg_case col = k % 9 == 0   ? (cg_case){batch, group, m, k / 9, 3, 3, s, 1, 1, oh, ow, i % 2 == 1}
                          : k % 3 == 0 ? (cg_case){batch, group, m, k / 3, 1, 3, s, 0, 1, oh, ow, i % 2 == 1}
                                       : (cg_case){batch, group, m, k, 1, 1, 2, 0, 0, oh, ow, i % 2 == 1};
            cg_check(&col, &g);
        }
}

/* ---- validation ------------------------------------------------------------------------------- */

Test(conv, rejects_bad_models)
{
    float d[200] = {0};
    uint16_t h[200] = {0};
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 4, 4, 4), d);
    onr_tensor w = sh_t(ONR_DTYPE_FLOAT, 4, D(2, 4, 3, 3), d);
    onr_tensor w2 = sh_t(ONR_DTYPE_FLOAT, 4, D(2, 2, 3, 3), d);
    onr_tensor w3 = sh_t(ONR_DTYPE_FLOAT, 3, D(2, 4, 3), d);
    onr_tensor b3 = sh_t(ONR_DTYPE_FLOAT, 1, D(3), d);
    onr_tensor xh = sh_t(ONR_DTYPE_FLOAT16, 4, D(1, 4, 4, 4), h), wh = sh_t(ONR_DTYPE_FLOAT16, 4, D(2, 4, 3, 3), h);
    onr_tensor wd = sh_t(ONR_DTYPE_DOUBLE, 4, D(2, 4, 3, 3), d);
    onr_tensor x2 = sh_t(ONR_DTYPE_FLOAT, 2, D(4, 4), d);
    onr_tensor w5 = sh_t(ONR_DTYPE_FLOAT, 4, D(2, 4, 5, 5), d);
    const struct {
        const char *name;
        onr_attr attrs[2];
        size_t n_attrs;
        const onr_tensor *in[3];
        size_t n_in;
        onr_status code;
        const char *stage, *needle;
    } cases[] = {
        {"group does not divide C", {A_INT("group", 3)}, 1, {&x, &w}, 2, ONR_E_INVALID_MODEL, "infer", "group"},
        {"W channels per group", {A_INT("group", 1)}, 1, {&x, &w2}, 2, ONR_E_INVALID_MODEL, "infer", "per group"},
        {"W rank", {A_INT("group", 1)}, 1, {&x, &w3}, 2, ONR_E_INVALID_MODEL, "infer", "rank"},
        {"bias length", {A_INT("group", 1)}, 1, {&x, &w, &b3}, 3, ONR_E_INVALID_MODEL, "infer", "B"},
        {"kernel_shape vs W", {A_INTS("kernel_shape", 2, 2)}, 1, {&x, &w}, 2, ONR_E_INVALID_MODEL, "infer",
         "kernel_shape"},
        {"strides length", {A_INTS("strides", 1, 1, 1)}, 1, {&x, &w}, 2, ONR_E_INVALID_MODEL, "infer", "strides"},
        {"pads with auto_pad", {A_INTS("pads", 1, 1, 1, 1), A_STR("auto_pad", "SAME_UPPER")}, 2, {&x, &w}, 2,
         ONR_E_INVALID_MODEL, "parse", "auto_pad"},
        {"group 0", {A_INT("group", 0)}, 1, {&x, &w}, 2, ONR_E_INVALID_MODEL, "parse", "group"},
        {"unknown attribute", {A_INT("ceil_mode", 1)}, 1, {&x, &w}, 2, ONR_E_INVALID_MODEL, "parse", "ceil_mode"},
        {"float16 not run", {A_INT("group", 1)}, 1, {&xh, &wh}, 2, ONR_E_UNSUPPORTED, "infer", "float16"},
        {"W type differs", {A_INT("group", 1)}, 1, {&x, &wd}, 2, ONR_E_INVALID_MODEL, "infer", "W"},
        {"X rank 2", {A_INT("group", 1)}, 1, {&x2, &w}, 2, ONR_E_INVALID_MODEL, "infer", "X"},
        {"kernel larger than input", {A_INTS("pads", 0, 0, 0, 0)}, 1, {&x, &w5},
         2, ONR_E_INVALID_MODEL, "infer", "output size"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ch_run r;
        ch_exec(&r, "Conv", 11, cases[i].attrs, cases[i].n_attrs, cases[i].in, cases[i].n_in, 1, NULL);
        ch_expect_fail(&r, cases[i].code, cases[i].stage, cases[i].name);
        cr_expect(strstr(r.err.message, cases[i].needle), "%s: message '%s' does not name '%s'", cases[i].name,
                  r.err.message, cases[i].needle);
        ch_free(&r);
    }
}

/* ---- ConvTranspose ------------------------------------------------------------------------------ */

Test(conv_transpose, onnx_doc_examples)
{
    float x9[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, ones[18];
    for (int i = 0; i < 18; i++)
        ones[i] = 1;
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 3, 3), x9), w = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 2, 3, 3), ones);
    const float full5[25] = {0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8};
    const float tall[80] = {0, 0, 1, 1, 3, 2, 2, 0, 0, 0, 1, 1, 3, 2, 2, 0, 0, 0, 1, 1, 3, 2, 2, 0,
                            3, 3, 7, 4, 9, 5, 5, 0, 3, 3, 7, 4, 9, 5, 5, 0, 3, 3, 7, 4, 9, 5, 5, 0,
                            6, 6, 13, 7, 15, 8, 8, 0, 6, 6, 13, 7, 15, 8, 8, 0, 6, 6, 13, 7, 15, 8, 8, 0,
                            0, 0, 0, 0, 0, 0, 0, 0};
    const float pads7x3[21] = {1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15};
    const float same6[36] = {0, 0, 1, 1, 3, 2, 0, 0, 1, 1, 3, 2, 3, 3, 8, 5, 12, 7,
                             3, 3, 7, 4, 9, 5, 9, 9, 20, 11, 24, 13, 6, 6, 13, 7, 15, 8};
    const struct {
        const char *name;
        onr_attr attrs[4];
        size_t n_attrs;
        int64_t oh, ow;
        const float *want;
    } cases[] = {
        {"test_convtranspose", {A_INT("group", 1)}, 1, 5, 5, full5},
        {"test_convtranspose_pad (output_padding)", {A_INTS("strides", 3, 2), A_INTS("output_padding", 1, 1)}, 2, 10,
         8, tall},
        {"test_convtranspose_output_shape", {A_INTS("strides", 3, 2), A_INTS("output_shape", 10, 8)}, 2, 10, 8, tall},
        {"output_shape with N and C", {A_INTS("strides", 3, 2), A_INTS("output_shape", 1, 2, 10, 8)}, 2, 10, 8, tall},
        {"test_convtranspose_kernel_shape",
         {A_INTS("strides", 3, 2), A_INTS("output_shape", 10, 8), A_INTS("kernel_shape", 3, 3),
          A_INTS("output_padding", 1, 1)},
         4, 10, 8, tall},
        {"test_convtranspose_pads", {A_INTS("strides", 3, 2), A_INTS("pads", 1, 2, 1, 2)}, 2, 7, 3, pads7x3},
        {"test_convtranspose_autopad_same", {A_INTS("strides", 2, 2), A_STR("auto_pad", "SAME_UPPER")}, 2, 6, 6, same6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int threads = 1; threads <= 2; threads++) {
            onr_threadpool *pool = onr_threadpool_new(threads);
            ch_run r;
            ch_exec(&r, "ConvTranspose", 11, cases[i].attrs, cases[i].n_attrs, (const onr_tensor *[]){&x, &w}, 2, 1,
                    pool);
            cr_expect_eq(r.st, ONR_OK, "%s: %s", cases[i].name, r.err.message);
            if (r.st == ONR_OK) {
                size_t plane = (size_t)(cases[i].oh * cases[i].ow);
                float *want = malloc(2 * plane * sizeof *want);
                memcpy(want, cases[i].want, plane * sizeof *want);
                memcpy(want + plane, cases[i].want, plane * sizeof *want); /* both output channels: W is ones */
                ch_expect_f32(&r.out[0], 4, D(1, 2, cases[i].oh, cases[i].ow), want, 0, cases[i].name);
                free(want);
            }
            ch_free(&r);
            onr_threadpool_free(pool);
        }
    }
}

Test(conv_transpose, dilations_and_1d)
{
    /* test_convtranspose_dilations */
    float xv[9] = {3, 8, 1, 9, 5, 7, 3, 2, 6}, wv[4] = {7, 2, 1, 9};
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 3, 3), xv), w = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 2, 2), wv);
    onr_attr at[] = {A_INTS("dilations", 2, 2)};
    ch_run r;
    ch_exec(&r, "ConvTranspose", 11, at, 1, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_f32(&r.out[0], 4, D(1, 1, 5, 5),
                  (float[]){21, 56, 13, 16, 2, 63, 35, 67, 10, 14, 24, 22, 76, 76, 21, 9, 5, 88, 45, 63, 3, 2, 33, 18,
                            54},
                  0, "test_convtranspose_dilations");
    ch_free(&r);
    /* test_convtranspose_1d, plus a bias per output channel */
    float x3[3] = {0, 1, 2}, w6[6] = {1, 1, 1, 1, 1, 1}, b2[2] = {10, 20};
    onr_tensor x1 = sh_t(ONR_DTYPE_FLOAT, 3, D(1, 1, 3), x3), w1 = sh_t(ONR_DTYPE_FLOAT, 3, D(1, 2, 3), w6);
    onr_tensor b1 = sh_t(ONR_DTYPE_FLOAT, 1, D(2), b2);
    ch_exec(&r, "ConvTranspose", 1, NULL, 0, (const onr_tensor *[]){&x1, &w1, &b1}, 3, 1, NULL);
    ch_expect_f32(&r.out[0], 3, D(1, 2, 5), (float[]){10, 11, 13, 13, 12, 20, 21, 23, 23, 22}, 0, "1-D with bias");
    ch_free(&r);
}

typedef struct rand_convt {
    int n;
    int64_t batch, group, cin_g, cout_g;
    int64_t in[3], k[3], s[3], d[3], pb[3], pe[3], op[3];
    bool bias;
} rand_convt;

static void check_convt(const rand_convt *c, onr_dtype dt, onr_threadpool *pool, ch_rng *g)
{
    ref_geom rg = {.n = c->n, .group = c->group};
    int64_t xdims[5] = {c->batch, c->group * c->cin_g}, wdims[5] = {c->group * c->cin_g, c->cout_g};
    int64_t out[3], ydims[5] = {c->batch, c->group * c->cout_g};
    size_t nx = (size_t)(xdims[0] * xdims[1]), nw = (size_t)(wdims[0] * wdims[1]), nb = (size_t)ydims[1];
    size_t ny = (size_t)(ydims[0] * ydims[1]);
    for (int i = 0; i < c->n; i++) {
        rg.k[i] = c->k[i];
        rg.s[i] = c->s[i];
        rg.d[i] = c->d[i];
        rg.pb[i] = c->pb[i];
        rg.pe[i] = c->pe[i];
        /* ONNX: out = s*(in-1) + output_padding + (k-1)*d + 1 - pb - pe */
        out[i] = c->s[i] * (c->in[i] - 1) + c->op[i] + (c->k[i] - 1) * c->d[i] + 1 - c->pb[i] - c->pe[i];
        cr_assert_gt(out[i], 0);
        xdims[2 + i] = c->in[i];
        wdims[2 + i] = c->k[i];
        ydims[2 + i] = out[i];
        nx *= (size_t)c->in[i];
        nw *= (size_t)c->k[i];
        ny *= (size_t)out[i];
    }
    double *x = ch_rand_f64(g, nx), *w = ch_rand_f64(g, nw), *b = ch_rand_f64(g, nb);
    double *want = malloc(ny * sizeof *want);
    ref_conv_transpose(x, xdims, w, c->cout_g, c->bias ? b : NULL, &rg, out, want);
    void *xv = x, *wv = w, *bv = b;
    float *xf = NULL, *wf = NULL, *bf = NULL;
    if (dt == ONR_DTYPE_FLOAT) {
        xf = malloc(nx * sizeof *xf);
        wf = malloc(nw * sizeof *wf);
        bf = malloc(nb * sizeof *bf);
        for (size_t i = 0; i < nx; i++)
            xf[i] = (float)x[i];
        for (size_t i = 0; i < nw; i++)
            wf[i] = (float)w[i];
        for (size_t i = 0; i < nb; i++)
            bf[i] = (float)b[i];
        xv = xf;
        wv = wf;
        bv = bf;
    }
    int rank = c->n + 2;
    onr_tensor xt = sh_t(dt, rank, xdims, xv), wt = sh_t(dt, rank, wdims, wv), bt = sh_t(dt, 1, D((int64_t)nb), bv);
    int64_t pads[6];
    for (int i = 0; i < c->n; i++) {
        pads[i] = c->pb[i];
        pads[c->n + i] = c->pe[i];
    }
    onr_attr attrs[] = {
        A_INT("group", c->group),
        {.name = "strides", .type = ONR_ATTR_INTS, .ints = c->s, .n = (size_t)c->n},
        {.name = "dilations", .type = ONR_ATTR_INTS, .ints = c->d, .n = (size_t)c->n},
        {.name = "pads", .type = ONR_ATTR_INTS, .ints = pads, .n = 2 * (size_t)c->n},
        {.name = "output_padding", .type = ONR_ATTR_INTS, .ints = c->op, .n = (size_t)c->n},
    };
    char what[256];
    int u = snprintf(what, sizeof what, "ConvTranspose %s rank %d N%lld g%lld cin_g%lld cout_g%lld%s",
                     dt == ONR_DTYPE_FLOAT ? "float" : "double", c->n, (long long)c->batch, (long long)c->group,
                     (long long)c->cin_g, (long long)c->cout_g, c->bias ? " bias" : "");
    for (int i = 0; i < c->n && u > 0 && (size_t)u < sizeof what; i++)
        u += snprintf(what + u, sizeof what - (size_t)u, " [%lld k%lld s%lld d%lld p%lld+%lld op%lld]",
                      (long long)c->in[i], (long long)c->k[i], (long long)c->s[i], (long long)c->d[i],
                      (long long)c->pb[i], (long long)c->pe[i], (long long)c->op[i]);
    ch_run r;
    ch_exec(&r, "ConvTranspose", 11, attrs, 5, (const onr_tensor *[]){&xt, &wt, &bt}, c->bias ? 3 : 2, 1, pool);
    cr_expect_eq(r.st, ONR_OK, "%s: %s", what, r.err.message);
    if (r.st == ONR_OK) {
        double tol = dt == ONR_DTYPE_FLOAT ? 1e-5 : 1e-12;
        ch_expect_close(&r.out[0], rank, ydims, want, tol, tol, what);
    }
    ch_free(&r);
    free(x);
    free(w);
    free(b);
    free(xf);
    free(wf);
    free(bf);
    free(want);
}

Test(conv_transpose, random_vs_reference)
{
    ch_rng g = {0xC0FFEEull};
    onr_threadpool *pool = onr_threadpool_new(3);
    int run = 0;
    for (int i = 0; i < 300; i++) {
        rand_convt c;
        memset(&c, 0, sizeof c);
        c.n = (int)ch_int(&g, 1, 3);
        c.batch = ch_int(&g, 1, 2);
        c.group = ch_int(&g, 0, 2) == 0 ? 1 : ch_int(&g, 2, 3);
        c.cin_g = ch_int(&g, 1, 4);
        c.cout_g = ch_int(&g, 1, 4);
        bool ok = true;
        for (int a = 0; a < c.n; a++) {
            c.in[a] = ch_int(&g, 1, c.n == 3 ? 4 : 7);
            c.k[a] = ch_int(&g, 1, 4);
            c.s[a] = ch_int(&g, 1, 3);
            c.d[a] = ch_int(&g, 1, 2);
            c.pb[a] = ch_int(&g, 0, 2);
            c.pe[a] = ch_int(&g, 0, 2);
            c.op[a] = ch_int(&g, 0, c.s[a] - 1); /* output_padding < stride, as PyTorch exports */
            ok = ok && c.s[a] * (c.in[a] - 1) + c.op[a] + (c.k[a] - 1) * c.d[a] + 1 - c.pb[a] - c.pe[a] > 0;
        }
        c.bias = ch_int(&g, 0, 1);
        if (!ok)
            continue;
        check_convt(&c, i % 4 == 3 ? ONR_DTYPE_DOUBLE : ONR_DTYPE_FLOAT, i % 2 ? pool : NULL, &g);
        run++;
    }
    cr_expect_gt(run, 200, "only %d random cases ran", run);
    /* Several GEMM blocks of input positions: rows = 16 * 9 = 144 floats per position, 100*100 > 4 MiB / 576 B */
    rand_convt big = {2, 1, 1, 8, 16, {100, 100}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true};
    check_convt(&big, ONR_DTYPE_FLOAT, pool, &g);
    check_convt(&big, ONR_DTYPE_FLOAT, NULL, &g);
    onr_threadpool_free(pool);
}

Test(conv_transpose, rejects_bad_models)
{
    float d[64] = {0};
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 4, 2, 2), d);
    onr_tensor w_bad = sh_t(ONR_DTYPE_FLOAT, 4, D(3, 2, 2, 2), d);
    onr_tensor w = sh_t(ONR_DTYPE_FLOAT, 4, D(4, 2, 2, 2), d);
    ch_run r;
    ch_exec(&r, "ConvTranspose", 11, NULL, 0, (const onr_tensor *[]){&x, &w_bad}, 2, 1, NULL);
    ch_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "W's first dim must be C");
    ch_free(&r);
    onr_attr op[] = {A_INTS("output_padding", 1, 1, 1)};
    ch_exec(&r, "ConvTranspose", 11, op, 1, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "output_padding length");
    cr_expect(strstr(r.err.message, "output_padding"), "%s", r.err.message);
    ch_free(&r);
    onr_attr grp[] = {A_INT("group", 3)};
    ch_exec(&r, "ConvTranspose", 11, grp, 1, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "group does not divide C");
    ch_free(&r);
    onr_attr pads[] = {A_INTS("pads", 3, 3, 3, 3)};
    ch_exec(&r, "ConvTranspose", 11, pads, 1, (const onr_tensor *[]){&x, &w}, 2, 1, NULL);
    ch_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "pads remove the whole output");
    ch_free(&r);
}
