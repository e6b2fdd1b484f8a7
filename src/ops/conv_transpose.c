/* conv_transpose.c: ConvTranspose (opset 1-22), any spatial rank.
 *
 * ONNX rules (Operators.md ConvTranspose; versions 1/11/22 differ in documented defaults and types):
 *  - X (N, C, D1..Dn), W (C, M/group, k1..kn), optional B (M); Y (N, M, O1..On).
 *  - Input position i, tap j of an axis adds into output i*stride - pad_begin + j*dilation.
 *  - Output size s*(D-1) + output_padding + (k-1)*d + 1 - pad_begin - pad_end, unless output_shape
 *    (n spatial values, or n+2 with N and C first, as ORT accepts) or auto_pad SAME_* (out = D*s)
 *    fixes it and the pads are generated; all of that is pool_geometry's resolve_transpose.
 *  - Types: float (GEMM + col2im) and double (direct scatter). f16/bf16 are not run yet.
 *
 * Float: per batch item and group, col = W_g^T (M/g*k1..kn x C/g) * X_g (C/g x block of input
 * positions) by the shared GEMM, then col2im scatter-adds every col row into its output plane (one
 * output channel per parallel item, so no two threads write the same element). */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/im2col.h"
#include "ops/op.h"
#include "ops/pool_geometry.h"
#include "ops/sgemm.h"

typedef struct convt_params {
    onr_pool_attrs geo;
    int64_t group;
    int32_t n_output_padding, n_output_shape;
    int64_t output_padding[ONR_POOL_MAX_SPATIAL];
    int64_t output_shape[ONR_POOL_MAX_SPATIAL + 2];
} convt_params;

static onr_status read_list(const onr_node_desc *node, const char *name, int32_t max, int64_t min, int64_t *dst,
                            int32_t *n, onr_error *err)
{
    const int64_t *v;
    size_t cnt;
    onr_status st = onr_attr_ints(node, name, &v, &cnt, err);
    if (st != ONR_OK)
        return st;
    if (cnt > (size_t)max)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' has %zu values; at most %d are supported", name, cnt,
                       (int)max);
    for (size_t i = 0; i < cnt; i++) {
        if (v[i] < min)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s'[%zu] = %lld must be >= %lld", name, i,
                           (long long)v[i], (long long)min);
        dst[i] = v[i];
    }
    *n = (int32_t)cnt;
    return ONR_OK;
}

static onr_status convt_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                                          "output_shape", "pads", "strides", NULL};
    convt_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_pool_parse(node, ONR_POOL_KERNEL_SHAPE | ONR_POOL_STRIDES | ONR_POOL_PADS | ONR_POOL_AUTO_PAD |
                                      ONR_POOL_DILATIONS, &p->geo, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "group", 1, &p->group, err);
    if (st == ONR_OK && p->group < 1)
        st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'group' = %lld must be >= 1", (long long)p->group);
    if (st == ONR_OK)
        st = read_list(node, "output_padding", ONR_POOL_MAX_SPATIAL, 0, p->output_padding, &p->n_output_padding, err);
    if (st == ONR_OK)
        st = read_list(node, "output_shape", ONR_POOL_MAX_SPATIAL + 2, 1, p->output_shape, &p->n_output_shape, err);
    return st;
}

typedef struct convt_plan {
    onr_pool_geom g;
    size_t batch, cin, cout, group, cin_g, cout_g;
    size_t in_sp, out_sp, ksize, rows;  /* rows = cout_g * ksize: col rows per group */
    size_t chunk;                       /* input positions per GEMM block (float) */
    size_t table_bytes, scratch;
} convt_plan;

/* col blocks are bounded like Conv's im2col blocks (conv.c). */
#define COL_BYTES ((size_t)4 << 20)
#define COL_MIN_POSITIONS 8

static onr_status make_plan(const onr_op_ctx *c, convt_plan *P, onr_error *err)
{
    const convt_params *p = c->params;
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
    if (w->rank != x->rank || w->dims[0] != x->dims[1])
        return onr_err(err, ONR_E_INVALID_MODEL, "input W of shape %s must be (C, M/group, k1, ...) with X %s",
                       onr_shape_str(w->rank, w->dims, s1, sizeof s1), onr_shape_str(x->rank, x->dims, s2, sizeof s2));
    int32_t n = x->rank - 2;
    P->group = (size_t)p->group;
    P->batch = (size_t)x->dims[0];
    P->cin = (size_t)x->dims[1];
    P->cout_g = (size_t)w->dims[1];
    if (P->cin % P->group)
        return onr_err(err, ONR_E_INVALID_MODEL, "group = %zu must divide the input channels (%zu)", P->group, P->cin);
    if (!onr_mul_size(P->cout_g, P->group, &P->cout))
        return onr_err(err, ONR_E_INVALID_MODEL, "output channel count overflows");
    P->cin_g = P->cin / P->group;
    if (b && (b->rank != 1 || (size_t)b->dims[0] != P->cout))
        return onr_err(err, ONR_E_INVALID_MODEL, "input B of shape %s must be (%zu)",
                       onr_shape_str(b->rank, b->dims, s1, sizeof s1), P->cout);
    if (p->n_output_padding && p->n_output_padding != n)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'output_padding' has %d values; input has %d spatial axes",
                       (int)p->n_output_padding, (int)n);
    if (p->n_output_shape && p->n_output_shape != n && p->n_output_shape != n + 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'output_shape' has %d values; input has %d spatial axes",
                       (int)p->n_output_shape, (int)n);
    const int64_t *os = p->n_output_shape ? p->output_shape + (p->n_output_shape - n) : NULL;
    onr_status st = onr_pool_resolve_transpose(&p->geo, n, x->dims + 2, w->dims + 2,
                                               p->n_output_padding ? p->output_padding : NULL, os, &P->g, err);
    if (st != ONR_OK)
        return st;
    P->in_sp = P->out_sp = P->ksize = 1;
    for (int32_t a = 0; a < n; a++) {
        P->in_sp *= (size_t)P->g.ax[a].in;
        P->ksize *= (size_t)P->g.ax[a].kernel;
        if (!onr_mul_size(P->out_sp, (size_t)P->g.ax[a].out, &P->out_sp))
            return onr_err(err, ONR_E_NOMEM, "output size overflows");
    }
    P->rows = P->cout_g * P->ksize; /* W's per-channel block: bounded by W's element count */
    size_t table = onr_taps_table_len(&P->g) * sizeof(int64_t);
    P->table_bytes = (table + 63) & ~(size_t)63;
    P->scratch = P->table_bytes;
    P->chunk = 0;
    if (x->dtype == ONR_DTYPE_FLOAT && P->rows > 0) {
        size_t row_bytes = P->rows * sizeof(float), col;
        P->chunk = COL_BYTES / row_bytes;
        if (P->chunk < COL_MIN_POSITIONS)
            P->chunk = COL_MIN_POSITIONS;
        if (P->chunk > P->in_sp)
            P->chunk = P->in_sp;
        if (!onr_mul_size(row_bytes, P->chunk, &col) || !onr_add_size(P->scratch, col, &P->scratch))
            return onr_err(err, ONR_E_NOMEM, "col2im scratch size overflows");
    }
    return ONR_OK;
}

static onr_status convt_infer(onr_op_ctx *c, onr_error *err)
{
    convt_plan P;
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

typedef struct convt_job {
    const convt_plan *P;
    const onr_taps *taps;
    const void *x, *w, *bias;
    void *y;
    /* float: current batch item, group and block of input positions */
    const float *col;           /* (rows, p1 - p0) */
    float *yg;                  /* (M/g, O..) */
    size_t p0, p1;
} convt_job;

static void fill_bias_f32(void *arg, size_t begin, size_t end)
{
    const convt_job *J = arg;
    const float *b = J->bias;
    for (size_t q = begin; q < end; q++) {
        float v = b ? b[q % J->P->cout] : 0.0f;
        float *yq = (float *)J->y + q * J->P->out_sp;
        for (size_t i = 0; i < J->P->out_sp; i++)
            yq[i] = v;
    }
}

typedef struct seg_scatter {
    const float *row;  /* one col row, indexed by input position - p0 */
    float *y;          /* one output plane */
} seg_scatter;

static void col2im_seg(void *arg, size_t pos, int64_t other, size_t len, int64_t step)
{
    const seg_scatter *s = arg;
    if (other < 0)
        return;
    float *dst = s->y + other;
    const float *src = s->row + pos;
    for (size_t t = 0; t < len; t++)
        dst[(int64_t)t * step] += src[t];
}

/* Output channels [begin, end) of the current group: add their col rows into their planes. */
static void col2im_channels(void *arg, size_t begin, size_t end)
{
    const convt_job *J = arg;
    const convt_plan *P = J->P;
    size_t width = J->p1 - J->p0;
    int64_t j[ONR_POOL_MAX_SPATIAL];
    for (size_t oc = begin; oc < end; oc++)
        for (size_t t = 0; t < P->ksize; t++) {
            onr_taps_decode(J->taps, t, j);
            seg_scatter s = {J->col + (oc * P->ksize + t) * width, J->yg + oc * P->out_sp};
            onr_taps_walk(J->taps, j, J->p0, J->p1, col2im_seg, &s);
        }
}

static void convt_f32(onr_op_ctx *c, convt_job *J, float *col)
{
    const convt_plan *P = J->P;
    const float *x = J->x, *w = J->w;
    J->col = col;
    for (size_t b = 0; b < P->batch; b++)
        for (size_t g = 0; g < P->group; g++) {
            const float *xg = x + (b * P->cin + g * P->cin_g) * P->in_sp;
            const float *wg = w + g * P->cin_g * P->rows;  /* (C/g, rows) */
            J->yg = (float *)J->y + (b * P->cout + g * P->cout_g) * P->out_sp;
            for (size_t p0 = 0; p0 < P->in_sp; p0 += P->chunk) {
                J->p0 = p0;
                J->p1 = p0 + P->chunk < P->in_sp ? p0 + P->chunk : P->in_sp;
                onr_sgemm(c->pool, true, false, P->rows, J->p1 - p0, P->cin_g, 1.0f, wg, P->rows, xg + p0, P->in_sp,
                          0.0f, col, J->p1 - p0);
                onr_parallel_for(c->pool, P->cout_g, 1, col2im_channels, J);
            }
        }
}

typedef struct seg_scatter_f64 {
    const double *x;
    double *y;
    double w;
} seg_scatter_f64;

static void scatter_seg_f64(void *arg, size_t pos, int64_t other, size_t len, int64_t step)
{
    const seg_scatter_f64 *s = arg;
    if (other < 0)
        return;
    for (size_t t = 0; t < len; t++)
        s->y[other + (int64_t)t * step] += s->w * s->x[pos + t];
}

/* Output planes [begin, end) of (N, M), double: scatter every input plane of the group, every tap. */
static void convt_direct_f64(void *arg, size_t begin, size_t end)
{
    const convt_job *J = arg;
    const convt_plan *P = J->P;
    const double *x = J->x, *w = J->w, *bias = J->bias;
    int64_t j[ONR_POOL_MAX_SPATIAL];
    for (size_t q = begin; q < end; q++) {
        size_t b = q / P->cout, oc = q % P->cout, g = oc / P->cout_g, ocg = oc % P->cout_g;
        double *yq = (double *)J->y + q * P->out_sp;
        for (size_t i = 0; i < P->out_sp; i++)
            yq[i] = bias ? bias[oc] : 0.0;
        for (size_t ic = g * P->cin_g; ic < (g + 1) * P->cin_g; ic++) {
            const double *xp = x + (b * P->cin + ic) * P->in_sp;
            const double *wp = w + (ic * P->cout_g + ocg) * P->ksize;
            for (size_t t = 0; t < P->ksize; t++) {
                onr_taps_decode(J->taps, t, j);
                seg_scatter_f64 s = {xp, yq, wp[t]};
                onr_taps_walk(J->taps, j, 0, P->in_sp, scatter_seg_f64, &s);
            }
        }
    }
}

static onr_status convt_run(onr_op_ctx *c, onr_error *err)
{
    convt_plan P;
    onr_status st = make_plan(c, &P, err);
    if (st != ONR_OK)
        return st;
    if (c->scratch_bytes < P.scratch)
        return onr_err(err, ONR_E_INTERNAL, "scratch of %zu bytes, %zu needed", c->scratch_bytes, P.scratch);
    onr_taps taps;
    onr_taps_init(&taps, &P.g, true, c->scratch);
    convt_job J = {.P = &P, .taps = &taps, .x = c->in[0]->data, .w = c->in[1]->data,
                   .bias = c->n_in > 2 && c->in[2] ? c->in[2]->data : NULL, .y = c->out[0]->data};
    size_t planes = P.batch * P.cout;
    if (planes == 0)
        return ONR_OK;
    if (c->in[0]->dtype == ONR_DTYPE_DOUBLE) {
        onr_parallel_for(c->pool, planes, 1, convt_direct_f64, &J);
        return ONR_OK;
    }
    onr_parallel_for(c->pool, planes, 1, fill_bias_f32, &J);
    if (P.rows > 0 && P.in_sp > 0 && P.cin_g > 0)
        convt_f32(c, &J, (float *)((char *)c->scratch + P.table_bytes));
    return ONR_OK;
}

const onr_op_def onr_op_conv_transpose = {
    .domain = "", .op_type = "ConvTranspose", .since = 1, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(convt_params),
    .parse = convt_parse, .infer = convt_infer, .run = convt_run,
};
