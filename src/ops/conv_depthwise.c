/* conv_depthwise.c: direct float Conv for 2-D convolutions whose groups see one input channel each
 * (depthwise: MobileNet's 3x3 stride-1/2 layers; any channel multiplier M/C, kernel, stride,
 * dilation and padding). A GEMM per channel would have K = kh*kw (9): all packing, no work.
 *
 * One output plane per parallel item; each output row is built in place: bias, then for every kernel
 * row whose input row exists, the taps of that row. For each tap the output columns whose input
 * column exists form one interval (ONNX-POOLING.md §3: the input index ow*stride - pad + kw*dilation
 * grows with ow); where all taps of a kernel row are valid at once (the interior) their products are
 * summed in registers first, so a 3-wide kernel row costs one pass over the output row instead of
 * three; the edges go tap by tap. Pads are never materialized. */
#include "ops/conv_depthwise.h"

typedef struct dw_job {
    const onr_pool_geom *g;
    size_t cout, mult;          /* output channels; outputs per input channel (M / C) */
    const float *x, *w, *bias;
    float *y;
} dw_job;

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

static void plane(const dw_job *J, size_t q)
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
    }
}

static void planes(void *arg, size_t begin, size_t end)
{
    for (size_t q = begin; q < end; q++)
        plane(arg, q);
}

void onr_conv_depthwise2d_f32(onr_threadpool *pool, const onr_pool_geom *g, size_t batch, size_t cin, size_t cout,
                              const float *x, const float *w, const float *bias, float *y)
{
    dw_job J = {.g = g, .cout = cout, .mult = cout / cin, .x = x, .w = w, .bias = bias, .y = y};
    onr_parallel_for(pool, batch * cout, 1, planes, &J);
}
