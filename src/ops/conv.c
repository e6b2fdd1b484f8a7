/* conv.c: Conv (opset 1-22), any spatial rank (1-D, 2-D, 3-D, ...).
 *
 * ONNX rules (Operators.md Conv; Conv-1/11/22 differ only in documented defaults and types):
 *  - X (N, C, D1..Dn), W (M, C/group, k1..kn), optional B (M); Y (N, M, O1..On).
 *  - kernel_shape is optional (taken from W; checked against W when given); strides, dilations,
 *    pads, auto_pad (SAME_UPPER / SAME_LOWER / VALID): window geometry, output size and auto pads
 *    all come from pool_geometry (the one place for them); Conv has no ceil_mode.
 *  - group: C and M are split in `group` equal parts, output part g sees input part g only.
 *  - Types: float (fast paths) and double (direct path). f16/bf16 are not run yet.
 *
 * Float paths, chosen per call from the shapes:
 *  - 1x1 kernel, stride 1, no padding: Y_g = W_g (M/g x C/g) * X_g (C/g x D): one GEMM, no copy;
 *  - depthwise-like (C/group == 1 and few outputs per group): 2-D goes to conv_depthwise.c (row
 *    kernel, interior taps summed in registers); other ranks and double: direct per-tap accumulation
 *    y += w[tap] * shifted x, one output plane per parallel item;
 *  - otherwise im2col + GEMM: columns of (C/g * k1*..*kn) x P for a block of P output positions
 *    (bounded so the scratch stays a few MiB), then Y_g[:, block] = W_g * col.
 * The GEMM paths add the bias in the GEMM's store (onr_sgemm_bias): Y is written once. On x86 with
 * AVX2+FMA or AVX-512 they run conv_gemm.c's kernels instead of the BLAS: im2col blocks L2-sized
 * (KC rows x NC positions, filled per thread) and read in place by the kernel, X read in place for 1x1,
 * batch items and groups in one parallel job (conv_gemm.h). A Relu or Clip
 * after the Conv is fused by the planner (ONR_OP_FUSES_CLAMP): every float path clamps Y while it is
 * still in cache, so the activation costs no pass over memory. */
#include <math.h>
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/conv_depthwise.h"
#include "ops/conv_gemm.h"
#include "ops/im2col.h"
#include "ops/op.h"
#include "ops/pool_geometry.h"
#include "ops/sgemm.h"

typedef struct conv_params {
    onr_pool_attrs geo;
    int64_t group;
} conv_params;

static onr_status conv_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL};
    conv_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_pool_parse(node, ONR_POOL_KERNEL_SHAPE | ONR_POOL_STRIDES | ONR_POOL_PADS | ONR_POOL_AUTO_PAD |
                                      ONR_POOL_DILATIONS, &p->geo, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "group", 1, &p->group, err);
    if (st == ONR_OK && p->group < 1)
        st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'group' = %lld must be >= 1", (long long)p->group);
    return st;
}

typedef enum conv_path { PATH_IM2COL, PATH_1X1, PATH_DIRECT, PATH_DEPTHWISE } conv_path;

/* Everything run needs, recomputed identically by infer and run from shapes alone. */
typedef struct conv_plan {
    onr_pool_geom g;
    size_t batch, cin, cout, group, cin_g, cout_g;
    size_t in_sp, out_sp, ksize, kdim;  /* spatial element counts; kdim = cin_g * ksize (GEMM K) */
    conv_path path;
    onr_simd_level cg;                  /* im2col and 1x1 products: conv_gemm.c at this level, NONE: sgemm.h */
    size_t chunk;                       /* output positions per im2col block */
    size_t table_bytes;                 /* tap tables at the start of scratch (64-byte rounded) */
    size_t scratch;
} conv_plan;

/* im2col blocks hold at most COL_BYTES (large enough for efficient GEMMs: 227 positions even for
 * 512 channels x 3x3, small enough to stay near the caches) unless one row is so long (a huge kernel)
 * that even COL_MIN_POSITIONS positions need more. */
#define COL_BYTES ((size_t)4 << 20)
#define COL_MIN_POSITIONS 8

static onr_status make_plan(const onr_op_ctx *c, conv_plan *P, onr_error *err)
{
    const conv_params *p = c->params;
    const onr_tensor *x = c->in[0], *w = c->in[1];
    const onr_tensor *b = c->n_in > 2 ? c->in[2] : NULL;
    char s1[128], s2[128];
    if (x->dtype != ONR_DTYPE_FLOAT && x->dtype != ONR_DTYPE_DOUBLE)
        return onr_err(err, ONR_E_UNSUPPORTED, "input X of type %s is not supported (float, double)",
                       onr_dtype_name(x->dtype));
    if (w->dtype != x->dtype || (b && b->dtype != x->dtype))
        return onr_err(err, ONR_E_INVALID_MODEL, "input %s has type %s but X has %s", w->dtype != x->dtype ? "W" : "B",
                       onr_dtype_name(w->dtype != x->dtype ? w->dtype : b->dtype), onr_dtype_name(x->dtype));
    if (x->rank < 3)
        return onr_err(err, ONR_E_INVALID_MODEL, "input X must be (N, C, D1, ...), got shape %s",
                       onr_shape_str(x->rank, x->dims, s1, sizeof s1));
    if (w->rank != x->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "input W of shape %s must have the rank of X %s",
                       onr_shape_str(w->rank, w->dims, s1, sizeof s1), onr_shape_str(x->rank, x->dims, s2, sizeof s2));
    P->group = (size_t)p->group;
    P->batch = (size_t)x->dims[0];
    P->cin = (size_t)x->dims[1];
    P->cout = (size_t)w->dims[0];
    if (P->cin % P->group || P->cout % P->group)
        return onr_err(err, ONR_E_INVALID_MODEL, "group = %zu must divide the input channels (%zu) and W's output "
                       "channels (%zu)", P->group, P->cin, P->cout);
    P->cin_g = P->cin / P->group;
    P->cout_g = P->cout / P->group;
    if ((size_t)w->dims[1] != P->cin_g)
        return onr_err(err, ONR_E_INVALID_MODEL, "W has %lld input channels per group; X has %zu channels in %zu "
                       "groups (W %s)", (long long)w->dims[1], P->cin, P->group,
                       onr_shape_str(w->rank, w->dims, s1, sizeof s1));
    if (b && (b->rank != 1 || (size_t)b->dims[0] != P->cout))
        return onr_err(err, ONR_E_INVALID_MODEL, "input B of shape %s must be (%zu)",
                       onr_shape_str(b->rank, b->dims, s1, sizeof s1), P->cout);
    int32_t n = x->rank - 2;
    onr_status st = onr_pool_resolve(&p->geo, n, x->dims + 2, w->dims + 2, &P->g, err);
    if (st != ONR_OK)
        return st;
    /* Element counts are products of dims of allocated tensors (X, W) or of a resolved output whose
     * size infer checks before anything runs; only their products with each other need checks. */
    P->in_sp = P->out_sp = P->ksize = 1;
    bool unit = true;
    for (int32_t a = 0; a < n; a++) {
        const onr_pool_axis *ax = &P->g.ax[a];
        P->in_sp *= (size_t)ax->in;
        if (!onr_mul_size(P->out_sp, (size_t)ax->out, &P->out_sp))
            return onr_err(err, ONR_E_NOMEM, "output size overflows");
        P->ksize *= (size_t)ax->kernel;
        unit = unit && ax->kernel == 1 && ax->stride == 1 && ax->pad_begin == 0 && ax->pad_end == 0;
    }
    P->kdim = P->cin_g * P->ksize;
    size_t es = onr_dtype_size(x->dtype), table = onr_taps_table_len(&P->g) * sizeof(int64_t);
    P->table_bytes = (table + 63) & ~(size_t)63;
    P->chunk = 0;
    if (x->dtype == ONR_DTYPE_FLOAT && n == 2 && P->cin_g == 1 && P->cout_g < 8 && P->kdim > 0)
        P->path = PATH_DEPTHWISE;
    else if (x->dtype != ONR_DTYPE_FLOAT || (P->cin_g == 1 && P->cout_g < 8) || P->kdim == 0)
        P->path = PATH_DIRECT;
    else if (unit)
        P->path = PATH_1X1;
    else
        P->path = PATH_IM2COL;
    P->scratch = P->table_bytes;
    P->cg = P->path == PATH_IM2COL || P->path == PATH_1X1 ? onr_conv_gemm_level() : ONR_SIMD_NONE;
    if (P->cg != ONR_SIMD_NONE) {
        /* conv_gemm's blocks are its own; the pool is the same at infer and run (plan.c) */
        size_t threads = (size_t)onr_threadpool_threads(c->pool);
        size_t bytes = onr_conv_gemm_scratch(threads, P->batch * P->group, P->cout_g, P->out_sp, P->kdim,
                                             P->path == PATH_IM2COL);
        if (!onr_add_size(P->scratch, bytes, &P->scratch))
            return onr_err(err, ONR_E_NOMEM, "im2col scratch size overflows");
    } else if (P->path == PATH_IM2COL) {
        size_t row_bytes, col;
        if (!onr_mul_size(P->kdim, es, &row_bytes))
            return onr_err(err, ONR_E_NOMEM, "im2col row size overflows");
        P->chunk = COL_BYTES / row_bytes;
        if (P->chunk < COL_MIN_POSITIONS)
            P->chunk = COL_MIN_POSITIONS;
        if (P->chunk > P->out_sp)
            P->chunk = P->out_sp;
        if (!onr_mul_size(row_bytes, P->chunk, &col) || !onr_add_size(P->scratch, col, &P->scratch))
            return onr_err(err, ONR_E_NOMEM, "im2col scratch size overflows");
    }
    return ONR_OK;
}

static onr_status conv_infer(onr_op_ctx *c, onr_error *err)
{
    conv_plan P;
    onr_status st = make_plan(c, &P, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *y = c->out[0];
    y->dtype = c->in[0]->dtype;
    y->rank = c->in[0]->rank;
    y->dims[0] = (int64_t)P.batch;
    y->dims[1] = (int64_t)P.cout;
    for (int32_t a = 0; a < P.g.n; a++)
        y->dims[2 + a] = P.g.ax[a].out;
    size_t bytes;
    if ((st = onr_shape_bytes(y->dtype, y->rank, y->dims, &bytes, "output Y", err)) != ONR_OK)
        return st;
    c->scratch_bytes = P.scratch;
    return ONR_OK;
}

/* ---- shared state of one run ---------------------------------------------------------------- */

typedef struct conv_job {
    const conv_plan *P;
    const onr_taps *taps;
    const void *x, *w, *bias;   /* X (N, C, D..), W (M, C/g, k..), B (M) or NULL */
    const onr_clamp *clamp;     /* fused activation (float paths) */
    void *y;                    /* (N, M, O..) */
    /* im2col block */
    const float *xg;            /* (C/g, D..) of the current batch item and group */
    float *col;                 /* (kdim, p1 - p0) */
    size_t p0, p1;
} conv_job;

/* ---- im2col ------------------------------------------------------------------------------------ */

typedef struct seg_copy {
    const float *x;   /* one input channel plane */
    float *row;       /* one col row */
} seg_copy;

static void im2col_seg(void *arg, size_t pos, int64_t other, size_t len, int64_t step)
{
    const seg_copy *s = arg;
    float *dst = s->row + pos;
    if (other < 0) {
        memset(dst, 0, len * sizeof *dst);
        return;
    }
    const float *src = s->x + other;
    if (step == 1) {
        memcpy(dst, src, len * sizeof *dst);
    } else {
        for (size_t t = 0; t < len; t++)
            dst[t] = src[(int64_t)t * step];
    }
}

/* One col row of a 2-D conv (the common case, without the generic walker's per-run calls): output
 * row by output row, the columns where tap (jh, jw) lands inside X are copied, the rest zeroed. The
 * tap tables give, per axis and tap, the interval [lo, hi) of valid outputs and the input index src
 * at lo (im2col.h). */
/* Copies and zero runs of im2col rows are short (an output row, often 7..56 floats, or the 1-2 padding
 * columns at its ends): constant-size memcpy compiles to a few vector moves, where a library call per
 * run cost more than the run (and compilers turn plain loops back into such calls). The last 8-float
 * chunk overlaps the one before it; under 8, the binary digits of n pick 4-, 2- and 1-float moves. */
static void copy_f32(float *d, const float *s, int64_t n)
{
    if (n >= 8) {
        for (int64_t i = 0; i + 8 < n; i += 8)
            memcpy(d + i, s + i, 8 * sizeof *d);
        memcpy(d + n - 8, s + n - 8, 8 * sizeof *d);
        return;
    }
    if (n & 4) {
        memcpy(d, s, 4 * sizeof *d);
        d += 4;
        s += 4;
    }
    if (n & 2) {
        memcpy(d, s, 2 * sizeof *d);
        d += 2;
        s += 2;
    }
    if (n & 1)
        *d = *s;
}

static void zero_f32(float *d, int64_t n)
{
    static const float zeros[8];
    if (n >= 8) {
        for (int64_t i = 0; i + 8 < n; i += 8)
            memcpy(d + i, zeros, sizeof zeros);
        memcpy(d + n - 8, zeros, sizeof zeros);
    } else if (n > 0) {
        copy_f32(d, zeros, n);
    }
}

static void im2col_row_2d(const onr_taps *t, const float *x, size_t jh, size_t jw, size_t p0, size_t p1, float *dst)
{
    const int64_t OW = t->pos[1], W = t->other[1], sh = t->stride[0], sw = t->stride[1];
    const int64_t lo_h = t->lo[0][jh], hi_h = t->hi[0][jh], src_h = t->src[0][jh];
    const int64_t lo_w = t->lo[1][jw], hi_w = t->hi[1][jw], src_w = t->src[1][jw];
    /* conv_gemm fills short blocks (a few output rows) per call: one division per call, not per row */
    int64_t oh = (int64_t)(p0 / (size_t)OW), a = (int64_t)(p0 % (size_t)OW), left = (int64_t)(p1 - p0);
    float *d = dst;
    for (; left > 0; oh++, a = 0) {
        int64_t b = a + left < OW ? a + left : OW;
        int64_t va = a > lo_w ? a : lo_w, vb = b < hi_w ? b : hi_w;
        if (oh < lo_h || oh >= hi_h || va >= vb) {
            zero_f32(d, b - a);
        } else {
            zero_f32(d, va - a);
            const float *xs = x + (src_h + (oh - lo_h) * sh) * W + src_w + (va - lo_w) * sw;
            float *dv = d + (va - a);
            int64_t n = vb - va;
            if (sw == 1)
                copy_f32(dv, xs, n);
            else if (sw == 2) /* a constant stride the compiler vectorizes (stride-2 stems and downsamplers) */
                for (int64_t i = 0; i < n; i++)
                    dv[i] = xs[2 * i];
            else
                for (int64_t i = 0; i < n; i++)
                    dv[i] = xs[i * sw];
            zero_f32(d + (vb - a), b - vb);
        }
        d += b - a;
        left -= b - a;
    }
}

/* Columns [p0, p1) of im2col row r = (input channel, kernel tap), as W's rows are laid out, into dst. */
static void im2col_row(const conv_plan *P, const onr_taps *t, const float *xg, size_t r, size_t p0, size_t p1,
                       float *dst)
{
    size_t ic = r / P->ksize;
    if (t->n == 2) {
        size_t tap = r % P->ksize, kw = (size_t)t->kernel[1];
        im2col_row_2d(t, xg + ic * P->in_sp, tap / kw, tap % kw, p0, p1, dst);
        return;
    }
    int64_t j[ONR_POOL_MAX_SPATIAL];
    onr_taps_decode(t, r % P->ksize, j);
    seg_copy s = {xg + ic * P->in_sp, dst};
    onr_taps_walk(t, j, p0, p1, im2col_seg, &s);
}

/* Rows [begin, end) of the column block. */
static void im2col_rows(void *arg, size_t begin, size_t end)
{
    const conv_job *J = arg;
    size_t width = J->p1 - J->p0;
    for (size_t r = begin; r < end; r++)
        im2col_row(J->P, J->taps, J->xg, r, J->p0, J->p1, J->col + r * width);
}

/* conv_gemm's B blocks: rows [k0, k1) x positions [p0, p1) of product q = (batch item, group), with
 * leading dimension ld. Reads only the job, which stays put while conv_gemm runs, so threads may fill
 * blocks side by side. */
static void im2col_fill(void *arg, size_t q, size_t k0, size_t k1, size_t p0, size_t p1, float *dst, size_t ld)
{
    const conv_job *J = arg;
    const conv_plan *P = J->P;
    const onr_taps *t = J->taps;
    const float *xg = (const float *)J->x + q * P->cin_g * P->in_sp;
    if (t->n != 2) {
        for (size_t r = k0; r < k1; r++)
            im2col_row(P, t, xg, r, p0, p1, dst + (r - k0) * ld);
        return;
    }
    /* (channel, tap row, tap column) of row k0, then stepped: the fill runs per small block */
    size_t kh = (size_t)t->kernel[0], kw = (size_t)t->kernel[1], tap = k0 % P->ksize;
    size_t ic = k0 / P->ksize, jh = tap / kw, jw = tap % kw;
    for (size_t r = k0; r < k1; r++) {
        im2col_row_2d(t, xg + ic * P->in_sp, jh, jw, p0, p1, dst + (r - k0) * ld);
        if (++jw == kw) {
            jw = 0;
            if (++jh == kh) {
                jh = 0;
                ic++;
            }
        }
    }
}

static void conv_im2col_f32(onr_op_ctx *c, conv_job *J, float *col)
{
    const conv_plan *P = J->P;
    const float *x = J->x, *w = J->w;
    float *y = J->y;
    if (P->cg != ONR_SIMD_NONE) {
        /* product q = b * group + g: X and Y advance by one group's channels per q, W and B repeat */
        onr_cg_problem pr = {.m = P->cout_g, .n = P->out_sp, .k = P->kdim, .count = P->batch * P->group,
                             .a_period = P->group, .a = w, .lda = P->kdim, .a_step = P->cout_g * P->kdim,
                             .fill = im2col_fill, .fill_arg = J, .bias = J->bias, .clamp = &c->clamp, .c = y,
                             .ldc = P->out_sp, .c_step = P->cout_g * P->out_sp};
        onr_conv_gemm(P->cg, c->pool, &pr, col);
        return;
    }
    J->col = col;
    size_t grain = P->chunk >= 1024 ? 1 : 1024 / P->chunk;
    for (size_t b = 0; b < P->batch; b++)
        for (size_t g = 0; g < P->group; g++) {
            J->xg = x + (b * P->cin + g * P->cin_g) * P->in_sp;
            const float *wg = w + g * P->cout_g * P->kdim;
            const float *bg = J->bias ? (const float *)J->bias + g * P->cout_g : NULL;
            float *yg = y + (b * P->cout + g * P->cout_g) * P->out_sp;
            for (size_t p0 = 0; p0 < P->out_sp; p0 += P->chunk) {
                J->p0 = p0;
                J->p1 = p0 + P->chunk < P->out_sp ? p0 + P->chunk : P->out_sp;
                onr_parallel_for(c->pool, P->kdim, grain, im2col_rows, J);
                onr_sgemm_bias(c->pool, false, false, P->cout_g, J->p1 - p0, P->kdim, wg, P->kdim, col, J->p1 - p0,
                               bg, &c->clamp, yg + p0, P->out_sp);
            }
        }
}

static void conv_1x1_f32(onr_op_ctx *c, conv_job *J)
{
    const conv_plan *P = J->P;
    const float *x = J->x, *w = J->w;
    float *y = J->y;
    const float *bias = J->bias;
    if (P->cg != ONR_SIMD_NONE) {
        onr_cg_problem pr = {.m = P->cout_g, .n = P->out_sp, .k = P->cin_g, .count = P->batch * P->group,
                             .a_period = P->group, .a = w, .lda = P->kdim, .a_step = P->cout_g * P->kdim, .b = x,
                             .ldb = P->in_sp, .b_step = P->cin_g * P->in_sp, .bias = bias, .clamp = &c->clamp,
                             .c = y, .ldc = P->out_sp, .c_step = P->cout_g * P->out_sp};
        onr_conv_gemm(P->cg, c->pool, &pr, NULL);
        return;
    }
    for (size_t b = 0; b < P->batch; b++)
        for (size_t g = 0; g < P->group; g++)
            onr_sgemm_bias(c->pool, false, false, P->cout_g, P->out_sp, P->cin_g, w + g * P->cout_g * P->kdim,
                           P->kdim, x + (b * P->cin + g * P->cin_g) * P->in_sp, P->in_sp,
                           bias ? bias + g * P->cout_g : NULL, &c->clamp,
                           y + (b * P->cout + g * P->cout_g) * P->out_sp, P->out_sp);
}

/* ---- direct: y_plane += w[tap] * shifted x_plane, for every tap -------------------------------- */

typedef struct seg_acc_f32 {
    const float *x;
    float *y;
    float w;
} seg_acc_f32;

static void acc_seg_f32(void *arg, size_t pos, int64_t other, size_t len, int64_t step)
{
    const seg_acc_f32 *s = arg;
    if (other < 0)
        return;
    float *dst = s->y + pos;
    const float *src = s->x + other;
    if (step == 1) {
        for (size_t t = 0; t < len; t++)
            dst[t] += s->w * src[t];
    } else {
        for (size_t t = 0; t < len; t++)
            dst[t] += s->w * src[(int64_t)t * step];
    }
}

typedef struct seg_acc_f64 {
    const double *x;
    double *y;
    double w;
} seg_acc_f64;

static void acc_seg_f64(void *arg, size_t pos, int64_t other, size_t len, int64_t step)
{
    const seg_acc_f64 *s = arg;
    if (other < 0)
        return;
    for (size_t t = 0; t < len; t++)
        s->y[pos + t] += s->w * s->x[other + (int64_t)t * step];
}

/* Output planes [begin, end) of (N, M): each sums its group's C/g input planes over all taps. */
static void conv_direct_f32(void *arg, size_t begin, size_t end)
{
    const conv_job *J = arg;
    const conv_plan *P = J->P;
    const float *x = J->x, *w = J->w, *bias = J->bias;
    float *y = J->y;
    int64_t j[ONR_POOL_MAX_SPATIAL];
    for (size_t q = begin; q < end; q++) {
        size_t b = q / P->cout, oc = q % P->cout, g = oc / P->cout_g;
        float *yq = y + q * P->out_sp;
        float v = bias ? bias[oc] : 0.0f;
        for (size_t i = 0; i < P->out_sp; i++)
            yq[i] = v;
        for (size_t ic = 0; ic < P->cin_g; ic++) {
            const float *xp = x + (b * P->cin + g * P->cin_g + ic) * P->in_sp;
            const float *wp = w + (oc * P->cin_g + ic) * P->ksize;
            for (size_t t = 0; t < P->ksize; t++) {
                onr_taps_decode(J->taps, t, j);
                seg_acc_f32 s = {xp, yq, wp[t]};
                onr_taps_walk(J->taps, j, 0, P->out_sp, acc_seg_f32, &s);
            }
        }
        onr_clamp_apply(J->clamp, yq, P->out_sp);
    }
}

static void conv_direct_f64(void *arg, size_t begin, size_t end)
{
    const conv_job *J = arg;
    const conv_plan *P = J->P;
    const double *x = J->x, *w = J->w, *bias = J->bias;
    double *y = J->y;
    int64_t j[ONR_POOL_MAX_SPATIAL];
    for (size_t q = begin; q < end; q++) {
        size_t b = q / P->cout, oc = q % P->cout, g = oc / P->cout_g;
        double *yq = y + q * P->out_sp;
        double v = bias ? bias[oc] : 0.0;
        for (size_t i = 0; i < P->out_sp; i++)
            yq[i] = v;
        for (size_t ic = 0; ic < P->cin_g; ic++) {
            const double *xp = x + (b * P->cin + g * P->cin_g + ic) * P->in_sp;
            const double *wp = w + (oc * P->cin_g + ic) * P->ksize;
            for (size_t t = 0; t < P->ksize; t++) {
                onr_taps_decode(J->taps, t, j);
                seg_acc_f64 s = {xp, yq, wp[t]};
                onr_taps_walk(J->taps, j, 0, P->out_sp, acc_seg_f64, &s);
            }
        }
    }
}

static onr_status conv_run(onr_op_ctx *c, onr_error *err)
{
    conv_plan P;
    onr_status st = make_plan(c, &P, err);
    if (st != ONR_OK)
        return st;
    if (c->scratch_bytes < P.scratch)
        return onr_err(err, ONR_E_INTERNAL, "scratch of %zu bytes, %zu needed", c->scratch_bytes, P.scratch);
    onr_taps taps;
    onr_taps_init(&taps, &P.g, false, c->scratch);
    conv_job J = {.P = &P, .taps = &taps, .x = c->in[0]->data, .w = c->in[1]->data,
                  .bias = c->n_in > 2 && c->in[2] ? c->in[2]->data : NULL, .clamp = &c->clamp,
                  .y = c->out[0]->data};
    size_t planes = P.batch * P.cout;
    if (planes == 0)
        return ONR_OK;
    if (P.path == PATH_DIRECT) {
        onr_parallel_for(c->pool, planes, 1, c->in[0]->dtype == ONR_DTYPE_FLOAT ? conv_direct_f32 : conv_direct_f64,
                         &J);
        return ONR_OK;
    }
    if (P.path == PATH_DEPTHWISE) {
        float lo = c->clamp.on ? c->clamp.lo : -INFINITY, hi = c->clamp.on ? c->clamp.hi : INFINITY;
        onr_conv_depthwise2d_f32(c->pool, &P.g, P.batch, P.cin, P.cout, J.x, J.w, J.bias, lo, hi, J.y);
        return ONR_OK;
    }
    if (P.path == PATH_1X1)
        conv_1x1_f32(c, &J);
    else
        conv_im2col_f32(c, &J, (float *)((char *)c->scratch + P.table_bytes));
    return ONR_OK;
}

const onr_op_def onr_op_conv = {
    .domain = "", .op_type = "Conv", .since = 1, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(conv_params),
    .parse = conv_parse, .infer = conv_infer, .run = conv_run,
    .flags = ONR_OP_FUSES_CLAMP,
};
