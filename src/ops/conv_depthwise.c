/* conv_depthwise.c: direct float Conv for 2-D convolutions whose groups see one input channel each
 * (depthwise: MobileNet's 3x3 stride-1/2 layers; any channel multiplier M/C, kernel, stride,
 * dilation and padding). A GEMM per channel would have K = kh*kw (9): all packing, no work.
 *
 * One output plane per parallel item. Kernels 3 or 5 wide with column stride 1 or 2 and column
 * dilation 1 (MobileNet, MnasNet, EfficientNet) go to the vector kernels of conv_depthwise_simd.c when
 * the CPU has AVX2 or AVX-512: each output row computed once, all taps summed in registers. Everything
 * else (and builds or CPUs without them) takes the portable row kernel below: each output row is built
 * in place: bias, then for every kernel row whose input row exists, the taps of that row. For each tap
 * the output columns whose input column exists form one interval (ONNX-POOLING.md §3: the input index
 * ow*stride - pad + kw*dilation grows with ow); where all taps of a kernel row are valid at once (the
 * interior) their products are summed in registers first, so a 3-wide kernel row costs one pass over
 * the output row instead of three; the edges go tap by tap. Pads are never materialized.
 *
 * The optional clamp (fused Relu / Clip) is applied to each value as it is stored, with comparisons
 * that keep a NaN (what Relu / Clip give on the unfused value). */
#include "ops/conv_depthwise.h"

#include <math.h>

#include "ops/conv_depthwise_simd.h"

typedef struct dw_job {
    const onr_pool_geom *g;
    size_t cout, mult;          /* output channels; outputs per input channel (M / C) */
    const float *x, *w, *bias;
    float act_min, act_max;
    bool clamp;                 /* act_min / act_max bound anything */
    onr_simd_level lv;          /* vector kernels for this geometry, or ONR_SIMD_NONE */
    onr_dw_geom G;              /* their geometry (lv != ONR_SIMD_NONE) */
    float *y;
} dw_job;

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* yr[ow] += w0*xr[ow*S + o] + w1*xr[ow*S + o + d] + w2*xr[ow*S + o + 2d] over [lo, hi): the common
 * 3-wide row with a compile-time stride so the loop vectorizes. */
static inline void row3(float *restrict yr, const float *restrict xr, const float *wr, int64_t o, int64_t d,
                        int64_t lo, int64_t hi, int64_t S)
{
    const float w0 = wr[0], w1 = wr[1], w2 = wr[2];
    const float *x0 = xr + o, *x1 = xr + o + d, *x2 = xr + o + 2 * d;
    for (int64_t ow = lo; ow < hi; ow++)
        yr[ow] += w0 * x0[ow * S] + w1 * x1[ow * S] + w2 * x2[ow * S];
}

static void plane_generic(const dw_job *J, size_t q)
{
    const onr_pool_axis *ah = &J->g->ax[0], *aw = &J->g->ax[1];
    const int64_t H = ah->in, W = aw->in, OH = ah->out, OW = aw->out, KH = ah->kernel, KW = aw->kernel;
    const int64_t sh = ah->stride, sw = aw->stride, dh = ah->dilation, dw = aw->dilation;
    size_t oc = q % J->cout, b = q / J->cout, ic = oc / J->mult, cin = J->cout / J->mult;
    const float *xp = J->x + (b * cin + ic) * (size_t)(H * W);
    const float *wq = J->w + oc * (size_t)(KH * KW);
    float *yq = J->y + q * (size_t)(OH * OW);
    const float bv = J->bias ? J->bias[oc] : 0.0f;
    /* Per-tap column intervals and their intersection (the interior), the same for every row. */
    int64_t lo[64], hi[64], in_lo = 0, in_hi = OW;
    bool table = KW <= 64;
    if (table)
        for (int64_t kw = 0; kw < KW; kw++) {
            onr_pool_tap_positions(aw, kw, &lo[kw], &hi[kw]);
            in_lo = lo[kw] > in_lo ? lo[kw] : in_lo;
            in_hi = hi[kw] < in_hi ? hi[kw] : in_hi;
        }
    bool fused3 = table && KW == 3 && in_lo < in_hi;
    for (int64_t oh = 0; oh < OH; oh++) {
        float *yr = yq + oh * OW;
        for (int64_t ow = 0; ow < OW; ow++)
            yr[ow] = bv;
        for (int64_t kh = 0; kh < KH; kh++) {
            int64_t ih = oh * sh - ah->pad_begin + kh * dh;
            if (ih < 0 || ih >= H)
                continue;
            const float *xr = xp + ih * W, *wr = wq + kh * KW;
            for (int64_t kw = 0; kw < KW; kw++) {
                int64_t off = kw * dw - aw->pad_begin, l, h;
                if (table) {
                    l = lo[kw];
                    h = hi[kw];
                } else {
                    onr_pool_tap_positions(aw, kw, &l, &h);
                }
                const float wv = wr[kw];
                if (fused3) { /* interior done below in one pass; only the edges here */
                    for (int64_t ow = l; ow < in_lo && ow < h; ow++)
                        yr[ow] += wv * xr[ow * sw + off];
                    for (int64_t ow = in_hi > l ? in_hi : l; ow < h; ow++)
                        yr[ow] += wv * xr[ow * sw + off];
                } else if (sw == 1) {
                    for (int64_t ow = l; ow < h; ow++)
                        yr[ow] += wv * xr[ow + off];
                } else {
                    for (int64_t ow = l; ow < h; ow++)
                        yr[ow] += wv * xr[ow * sw + off];
                }
            }
            if (fused3) {
                int64_t o = -aw->pad_begin;
                if (sw == 1)
                    row3(yr, xr, wr, o, dw, in_lo, in_hi, 1);
                else if (sw == 2)
                    row3(yr, xr, wr, o, dw, in_lo, in_hi, 2);
                else
                    row3(yr, xr, wr, o, dw, in_lo, in_hi, sw);
            }
        }
        if (J->clamp)
            for (int64_t ow = 0; ow < OW; ow++)
                yr[ow] = clampf(yr[ow], J->act_min, J->act_max);
    }
}

static void plane(const dw_job *J, size_t q)
{
    if (J->lv == ONR_SIMD_NONE) {
        plane_generic(J, q);
        return;
    }
    const onr_pool_geom *g = J->g;
    size_t oc = q % J->cout, b = q / J->cout, ic = oc / J->mult, cin = J->cout / J->mult;
    size_t in_plane = (size_t)(g->ax[0].in * g->ax[1].in), out_plane = (size_t)(g->ax[0].out * g->ax[1].out);
    size_t ksize = (size_t)(g->ax[0].kernel * g->ax[1].kernel);
    onr_dw_plane_f32_simd(J->lv, &J->G, J->x + (b * cin + ic) * in_plane, J->w + oc * ksize,
                          J->bias ? J->bias[oc] : 0.0f, J->y + q * out_plane);
}

static void planes(void *arg, size_t begin, size_t end)
{
    for (size_t q = begin; q < end; q++)
        plane(arg, q);
}

/* The vector kernels' shapes: see conv_depthwise_simd.h. */
static bool simd_fits(const onr_pool_geom *g)
{
    const onr_pool_axis *ah = &g->ax[0], *aw = &g->ax[1];
    return (aw->kernel == 3 || aw->kernel == 5) && aw->dilation == 1 && (aw->stride == 1 || aw->stride == 2) &&
           ah->kernel <= ONR_DW_MAX_KH;
}

/* Output positions [*lo, *hi) at which all n taps of axis ax are inside (empty: *lo == *hi); each tap's
 * own interval to lo_k / hi_k when given. */
static void all_taps_inside(const onr_pool_axis *ax, int64_t *lo_k, int64_t *hi_k, int64_t *lo, int64_t *hi)
{
    int64_t l = 0, h = ax->out;
    for (int64_t k = 0; k < ax->kernel; k++) {
        int64_t a, b;
        onr_pool_tap_positions(ax, k, &a, &b);
        if (lo_k) {
            lo_k[k] = a;
            hi_k[k] = b;
        }
        l = a > l ? a : l;
        h = b < h ? b : h;
    }
    *lo = l;
    *hi = h > l ? h : l;
}

static void dw_geom_init(onr_dw_geom *G, const onr_pool_geom *g, float act_min, float act_max)
{
    const onr_pool_axis *ah = &g->ax[0], *aw = &g->ax[1];
    *G = (onr_dw_geom){.ah = ah, .W = aw->in, .OW = aw->out, .KW = aw->kernel, .stride = aw->stride,
                       .pad = aw->pad_begin, .act_min = act_min, .act_max = act_max};
    all_taps_inside(ah, NULL, NULL, &G->row_lo, &G->row_hi);
    G->n_top = ah->out < ONR_DW_EDGE_ROWS ? ah->out : ONR_DW_EDGE_ROWS;
    G->bot_from = ah->out - ONR_DW_EDGE_ROWS > G->n_top ? ah->out - ONR_DW_EDGE_ROWS : G->n_top;
    for (int64_t i = 0; i < G->n_top; i++)
        G->top[i] = onr_pool_window(ah, i);
    for (int64_t i = G->bot_from; i < ah->out; i++)
        G->bot[i - G->bot_from] = onr_pool_window(ah, i);
    all_taps_inside(aw, G->lo, G->hi, &G->in_lo, &G->in_hi);
}

void onr_conv_depthwise2d_f32_level(onr_simd_level lv, onr_threadpool *pool, const onr_pool_geom *g, size_t batch,
                                    size_t cin, size_t cout, const float *x, const float *w, const float *bias,
                                    float act_min, float act_max, float *y)
{
    dw_job J = {.g = g, .cout = cout, .mult = cout / cin, .x = x, .w = w, .bias = bias, .act_min = act_min,
                .act_max = act_max, .clamp = !(act_min == -INFINITY && act_max == INFINITY),
                .lv = simd_fits(g) ? lv : ONR_SIMD_NONE, .y = y};
    if (J.lv != ONR_SIMD_NONE)
        dw_geom_init(&J.G, g, act_min, act_max);
    onr_parallel_for(pool, batch * cout, 1, planes, &J);
}

void onr_conv_depthwise2d_f32(onr_threadpool *pool, const onr_pool_geom *g, size_t batch, size_t cin, size_t cout,
                              const float *x, const float *w, const float *bias, float act_min, float act_max,
                              float *y)
{
    onr_conv_depthwise2d_f32_level(onr_pool_simd_level(), pool, g, batch, cin, cout, x, w, bias, act_min, act_max,
                                   y);
}
