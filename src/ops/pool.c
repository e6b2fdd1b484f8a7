/* pool.c: MaxPool (opset 1-22, optional Indices), AveragePool (1-22) and LpPool (1-22).
 *
 * Semantics: /work/shared/ONNX-POOLING.md §1-§6. Window geometry comes only from pool_geometry; the
 * kernels here walk the valid taps it reports.
 *  - MaxPool: padding is never a candidate; the first maximum in row-major window order wins (strict
 *    `>`), its flat index goes to Indices (§4.1). NaN propagates like PyTorch: a tap replaces the
 *    running maximum when `v > m || isnan(v)`, so any NaN in the window gives NaN (and Indices points
 *    at the last NaN). A window with no valid tap gives 0 and Indices -1 (the ONNX reference).
 *  - AveragePool: sum of valid taps / (valid taps, or taps inside the declared padded extent when
 *    count_include_pad=1; the ceil-mode overhang never counts, §5). Empty window with
 *    count_include_pad=0: 0/0 = NaN like the reference.
 *  - LpPool: (sum over valid taps of |x|^p)^(1/p); padding contributes 0 (§6).
 * Half types are widened to float (max, exact) or summed in double and rounded once at the store.
 *
 * Paths: a generic N-D kernel per (op, dtype) over (N*C) planes, and fast 2-D float kernels for
 * MaxPool/AveragePool with dilation 1 and no Indices (branch-free interior columns, specialised
 * kw = 2 and 3). The choice is a pure function of the resolved geometry, made at the start of run. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/pool.h"
#include "ops/pool_geometry.h"
#include "ops/pool_simd.h"

typedef enum pool_kind { POOL_MAX, POOL_AVG, POOL_LP } pool_kind;

typedef struct pool_params {
    pool_kind kind;
    onr_pool_attrs g;
    bool count_include_pad; /* AveragePool >= 7 */
    bool col_major;         /* MaxPool storage_order = 1 (>= 8) */
    double p;               /* LpPool exponent: FLOAT in LpPool-1, INT from 2 */
} pool_params;

/* One node's run: the resolved geometry and raw pointers, shared read-only by all plane ranges. */
typedef struct pool_job {
    const pool_params *prm;
    onr_pool_geom g;
    int64_t in_stride[ONR_POOL_MAX_SPATIAL]; /* row-major element strides of the input plane */
    int64_t in_plane, out_plane;             /* elements per (n, c) plane */
    const void *x;
    void *y;
    int64_t *ind; /* MaxPool Indices or NULL */
} pool_job;

onr_status onr_pool_check_dtype(onr_dtype t, int64_t opset, bool int8_ok, const char *what, onr_error *err)
{
    switch (t) {
    case ONR_DTYPE_FLOAT:
    case ONR_DTYPE_DOUBLE:
    case ONR_DTYPE_FLOAT16:
        return ONR_OK;
    case ONR_DTYPE_BFLOAT16:
        if (opset >= 22)
            return ONR_OK;
        return onr_err(err, ONR_E_INVALID_MODEL, "%s is bfloat16, which this op accepts only from opset 22 (model: %lld)",
                       what, (long long)opset);
    case ONR_DTYPE_INT8:
    case ONR_DTYPE_UINT8:
        if (int8_ok)
            return ONR_OK;
        break;
    default:
        break;
    }
    return onr_err(err, ONR_E_INVALID_MODEL, "%s has element type %s, which this op does not accept at opset %lld",
                   what, onr_dtype_name(t), (long long)opset);
}

/* ---------------------------------------------------------------------------------------------- */
/* parse                                                                                           */

#define POOL_BASE (ONR_POOL_KERNEL_SHAPE | ONR_POOL_KERNEL_REQUIRED | ONR_POOL_STRIDES | ONR_POOL_PADS | ONR_POOL_AUTO_PAD)

static onr_status maxpool_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const a1[] = {"auto_pad", "kernel_shape", "pads", "strides", NULL};
    static const char *const a8[] = {"auto_pad", "kernel_shape", "pads", "strides", "storage_order", NULL};
    static const char *const a10[] = {"auto_pad",      "kernel_shape", "pads",      "strides",
                                      "storage_order", "ceil_mode",    "dilations", NULL};
    pool_params *p = params;
    int64_t v = node->opset, so;
    onr_status st;
    p->kind = POOL_MAX;
    /* dilations and ceil_mode exist from MaxPool-10, storage_order and Indices from 8 (§0, §9). */
    if ((st = onr_pool_parse(node, POOL_BASE | (v >= 10 ? ONR_POOL_DILATIONS | ONR_POOL_CEIL_MODE : 0u), &p->g,
                             err)) != ONR_OK ||
        (st = onr_attr_allow(node, v >= 10 ? a10 : v >= 8 ? a8 : a1, err)) != ONR_OK ||
        (st = onr_attr_int(node, "storage_order", 0, &so, err)) != ONR_OK)
        return st;
    if (so != 0 && so != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'storage_order' = %lld must be 0 or 1", (long long)so);
    p->col_major = so == 1;
    if (node->n_outputs > 1 && v < 8)
        return onr_err(err, ONR_E_INVALID_MODEL, "output 'Indices' is not defined for MaxPool at opset %lld",
                       (long long)v);
    return ONR_OK;
}

static onr_status averagepool_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const a1[] = {"auto_pad", "kernel_shape", "pads", "strides", NULL};
    static const char *const a7[] = {"auto_pad", "kernel_shape", "pads", "strides", "count_include_pad", NULL};
    static const char *const a10[] = {"auto_pad",          "kernel_shape", "pads", "strides",
                                      "count_include_pad", "ceil_mode",    NULL};
    static const char *const a19[] = {"auto_pad",          "kernel_shape", "pads",      "strides",
                                      "count_include_pad", "ceil_mode",    "dilations", NULL};
    pool_params *p = params;
    int64_t v = node->opset, cip;
    onr_status st;
    p->kind = POOL_AVG;
    /* count_include_pad from 7, ceil_mode from 10, dilations from 19 (§0, §5). */
    unsigned allow = POOL_BASE | (v >= 10 ? ONR_POOL_CEIL_MODE : 0u) | (v >= 19 ? ONR_POOL_DILATIONS : 0u);
    if ((st = onr_pool_parse(node, allow, &p->g, err)) != ONR_OK ||
        (st = onr_attr_allow(node, v >= 19 ? a19 : v >= 10 ? a10 : v >= 7 ? a7 : a1, err)) != ONR_OK ||
        (st = onr_attr_int(node, "count_include_pad", 0, &cip, err)) != ONR_OK)
        return st;
    if (cip != 0 && cip != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'count_include_pad' = %lld must be 0 or 1",
                       (long long)cip);
    p->count_include_pad = cip == 1;
    return ONR_OK;
}

onr_status onr_pool_parse_p(const onr_node_desc *node, double *p, onr_error *err)
{
    onr_status st;
    if (node->opset < 2) {
        float f;
        if ((st = onr_attr_float(node, "p", 2.0f, &f, err)) != ONR_OK)
            return st;
        if (!(f > 0.0f) || isinf(f))
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'p' = %g must be a positive finite number", (double)f);
        *p = f;
    } else {
        int64_t i;
        if ((st = onr_attr_int(node, "p", 2, &i, err)) != ONR_OK)
            return st;
        if (i < 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'p' = %lld must be >= 1", (long long)i);
        *p = (double)i;
    }
    return ONR_OK;
}

static onr_status lppool_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const a1[] = {"auto_pad", "kernel_shape", "pads", "strides", "p", NULL};
    static const char *const a18[] = {"auto_pad", "kernel_shape", "pads", "strides", "p", "ceil_mode", "dilations",
                                      NULL};
    pool_params *p = params;
    onr_status st;
    p->kind = POOL_LP;
    /* ceil_mode and dilations from LpPool-18 (§0, §6). */
    unsigned allow = POOL_BASE | (node->opset >= 18 ? ONR_POOL_CEIL_MODE | ONR_POOL_DILATIONS : 0u);
    if ((st = onr_pool_parse(node, allow, &p->g, err)) != ONR_OK ||
        (st = onr_attr_allow(node, node->opset >= 18 ? a18 : a1, err)) != ONR_OK)
        return st;
    return onr_pool_parse_p(node, &p->p, err);
}

/* ---------------------------------------------------------------------------------------------- */
/* infer                                                                                           */

static onr_status resolve(const pool_params *p, const onr_tensor *x, onr_pool_geom *g, onr_error *err)
{
    if (x->rank < 3)
        return onr_err(err, ONR_E_INVALID_MODEL, "input X has rank %d; pooling needs (N, C, D1, ...)", (int)x->rank);
    return onr_pool_resolve(&p->g, x->rank - 2, x->dims + 2, NULL, g, err);
}

static onr_status pool_infer(onr_op_ctx *c, onr_error *err)
{
    const pool_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_pool_geom g;
    onr_status st;
    size_t count;
    if ((st = onr_pool_check_dtype(x->dtype, c->opset, p->kind == POOL_MAX && c->opset >= 12, "input X", err)) !=
            ONR_OK ||
        (st = resolve(p, x, &g, err)) != ONR_OK)
        return st;
    onr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->rank = x->rank;
    memset(y->dims, 0, sizeof y->dims);
    y->dims[0] = x->dims[0];
    y->dims[1] = x->dims[1];
    for (int32_t i = 0; i < g.n; i++)
        y->dims[i + 2] = g.ax[i].out;
    if ((st = onr_shape_count(y->rank, y->dims, &count, "output Y", err)) != ONR_OK)
        return st;
    if (c->n_out > 1 && c->out[1]) {
        onr_tensor *ind = c->out[1];
        ind->dtype = ONR_DTYPE_INT64;
        ind->rank = y->rank;
        memcpy(ind->dims, y->dims, sizeof ind->dims);
    }
    return ONR_OK;
}

/* ---------------------------------------------------------------------------------------------- */
/* generic N-D kernels                                                                             */

/* Runs BODY with `off` bound to the plane offset of every valid tap of the window described by the
 * spans sp[0..n-1], in row-major window order (last axis innermost). Nothing runs if an axis has no
 * valid tap. */
#define WINDOW_FOR_EACH(jb, sp, off, BODY)                                                                   \
    do {                                                                                                     \
        const int32_t n_ = (jb)->g.n;                                                                        \
        bool empty_ = false;                                                                                 \
        int64_t row_ = 0, t_[ONR_POOL_MAX_SPATIAL] = {0};                                                    \
        for (int32_t a_ = 0; a_ < n_; a_++)                                                                  \
            empty_ |= (sp)[a_].count == 0;                                                                   \
        /* only a window with taps has a `first` inside the input (an empty one may point anywhere) */       \
        for (int32_t a_ = 0; a_ < n_ && !empty_; a_++)                                                       \
            row_ += (sp)[a_].first * (jb)->in_stride[a_];                                                    \
        const int64_t inner_n_ = (sp)[n_ - 1].count, inner_d_ = (jb)->g.ax[n_ - 1].dilation;                 \
        while (!empty_) {                                                                                    \
            for (int64_t j_ = 0; j_ < inner_n_; j_++) {                                                      \
                const int64_t off = row_ + j_ * inner_d_;                                                    \
                BODY                                                                                         \
            }                                                                                                \
            int32_t a_ = n_ - 2;                                                                             \
            for (; a_ >= 0; a_--) {                                                                          \
                if ((sp)[a_].count > 1) { /* else the dilation may be huge: the step is never taken */       \
                    const int64_t step_ = (jb)->g.ax[a_].dilation * (jb)->in_stride[a_];                     \
                    if (++t_[a_] < (sp)[a_].count) {                                                         \
                        row_ += step_;                                                                       \
                        break;                                                                               \
                    }                                                                                        \
                    row_ -= ((sp)[a_].count - 1) * step_;                                                    \
                }                                                                                            \
                t_[a_] = 0;                                                                                  \
            }                                                                                                \
            if (a_ < 0)                                                                                      \
                break;                                                                                       \
        }                                                                                                    \
    } while (0)

/* Moves the output odometer o[] to the next row-major position and refreshes the spans that changed. */
static inline void next_output(const onr_pool_geom *g, int64_t *o, onr_pool_span *sp)
{
    for (int32_t a = g->n - 1; a >= 0; a--) {
        if (++o[a] < g->ax[a].out) {
            sp[a] = onr_pool_window(&g->ax[a], o[a]);
            return;
        }
        o[a] = 0;
        sp[a] = onr_pool_window(&g->ax[a], 0);
    }
}

static inline void first_output(const onr_pool_geom *g, int64_t *o, onr_pool_span *sp)
{
    for (int32_t a = 0; a < g->n; a++) {
        o[a] = 0;
        sp[a] = onr_pool_window(&g->ax[a], 0);
    }
}

/* Flat Indices value of a plane offset (row-major in the unpadded input) per storage_order (§4.1):
 * batch and channel always row-major, spatial axes column-major when storage_order = 1. */
static int64_t index_of(const pool_job *jb, size_t plane, int64_t off)
{
    int64_t idx = off;
    if (jb->prm->col_major) {
        int64_t mul = 1;
        idx = 0;
        for (int32_t a = 0; a < jb->g.n; a++) {
            int64_t h = (off / jb->in_stride[a]) % jb->g.ax[a].in;
            idx += h * mul;
            mul *= jb->g.ax[a].in;
        }
    }
    return (int64_t)plane * jb->in_plane + idx;
}

static inline float load_f16(const uint16_t *p, int64_t i) { return onr_f16_to_f32(p[i]); }
static inline float load_bf16(const uint16_t *p, int64_t i) { return onr_bf16_to_f32(p[i]); }
static inline void store_f16(uint16_t *p, int64_t i, double v) { p[i] = onr_f32_to_f16((float)v); }
static inline void store_bf16(uint16_t *p, int64_t i, double v) { p[i] = onr_f32_to_bf16((float)v); }
#define LOAD_PLAIN(p, i) ((p)[i])
#define ISNAN_FLOAT(v) isnan(v)
#define ISNAN_NEVER(v) 0

/* MaxPool, generic: T storage type, CT compare type, LOAD(ptr, i) -> CT, STORE(ptr, i, CT). */
#define DEFINE_MAXPOOL(NAME, T, CT, LOAD, STORE, ISNAN)                                                      \
    static void NAME(void *arg, size_t p0, size_t p1)                                                        \
    {                                                                                                        \
        const pool_job *jb = arg;                                                                            \
        for (size_t pl = p0; pl < p1; pl++) {                                                                \
            const T *xp = (const T *)jb->x + pl * (size_t)jb->in_plane;                                      \
            T *yp = (T *)jb->y + pl * (size_t)jb->out_plane;                                                 \
            int64_t *ip = jb->ind ? jb->ind + pl * (size_t)jb->out_plane : NULL;                             \
            int64_t o[ONR_POOL_MAX_SPATIAL];                                                                 \
            onr_pool_span sp[ONR_POOL_MAX_SPATIAL];                                                          \
            first_output(&jb->g, o, sp);                                                                     \
            for (int64_t oi = 0; oi < jb->out_plane; oi++) {                                                 \
                CT m = 0;                                                                                    \
                int64_t best = -1;                                                                           \
                WINDOW_FOR_EACH(jb, sp, off, {                                                               \
                    CT v = LOAD(xp, off);                                                                    \
                    if (best < 0 || v > m || ISNAN(v)) {                                                     \
                        m = v;                                                                               \
                        best = off;                                                                          \
                    }                                                                                        \
                });                                                                                          \
                STORE(yp, oi, m);                                                                            \
                if (ip)                                                                                      \
                    ip[oi] = best < 0 ? -1 : index_of(jb, pl, best);                                         \
                next_output(&jb->g, o, sp);                                                                  \
            }                                                                                                \
        }                                                                                                    \
    }

#define STORE_F32(p, i, v) ((p)[i] = (float)(v))
#define STORE_F64(p, i, v) ((p)[i] = (double)(v))
#define STORE_I8(p, i, v) ((p)[i] = (int8_t)(v))
#define STORE_U8(p, i, v) ((p)[i] = (uint8_t)(v))

DEFINE_MAXPOOL(maxpool_f32, float, float, LOAD_PLAIN, STORE_F32, ISNAN_FLOAT)
DEFINE_MAXPOOL(maxpool_f64, double, double, LOAD_PLAIN, STORE_F64, ISNAN_FLOAT)
DEFINE_MAXPOOL(maxpool_f16, uint16_t, float, load_f16, store_f16, ISNAN_FLOAT)
DEFINE_MAXPOOL(maxpool_bf16, uint16_t, float, load_bf16, store_bf16, ISNAN_FLOAT)
DEFINE_MAXPOOL(maxpool_i8, int8_t, int, LOAD_PLAIN, STORE_I8, ISNAN_NEVER)
DEFINE_MAXPOOL(maxpool_u8, uint8_t, int, LOAD_PLAIN, STORE_U8, ISNAN_NEVER)

/* AveragePool and LpPool, generic: sums in double, one rounding at the store. */
#define DEFINE_SUMPOOL(NAME, T, LOAD, STORE, TERM, FINISH)                                                  \
    static void NAME(void *arg, size_t p0, size_t p1)                                                        \
    {                                                                                                        \
        const pool_job *jb = arg;                                                                            \
        const pool_params *prm = jb->prm;                                                                    \
        const double pexp = prm->p;                                                                          \
        (void)pexp;                                                                                          \
        for (size_t pl = p0; pl < p1; pl++) {                                                                \
            const T *xp = (const T *)jb->x + pl * (size_t)jb->in_plane;                                      \
            T *yp = (T *)jb->y + pl * (size_t)jb->out_plane;                                                 \
            int64_t o[ONR_POOL_MAX_SPATIAL];                                                                 \
            onr_pool_span sp[ONR_POOL_MAX_SPATIAL];                                                          \
            first_output(&jb->g, o, sp);                                                                     \
            for (int64_t oi = 0; oi < jb->out_plane; oi++) {                                                 \
                double acc = 0.0;                                                                            \
                WINDOW_FOR_EACH(jb, sp, off, {                                                               \
                    double v = (double)LOAD(xp, off);                                                        \
                    acc += TERM(v);                                                                          \
                });                                                                                          \
                STORE(yp, oi, FINISH(acc));                                                                  \
                next_output(&jb->g, o, sp);                                                                  \
            }                                                                                                \
        }                                                                                                    \
    }

/* Average divisor of the current window (§5): product of per-axis valid or padded-extent counts. */
#define AVG_TERM(v) (v)
#define AVG_FINISH(acc) ((acc) / avg_divisor(prm, &jb->g, sp))
#define LP_TERM(v) (pexp == 2.0 ? (v) * (v) : pexp == 1.0 ? fabs(v) : pow(fabs(v), pexp))
#define LP_FINISH(acc) (pexp == 2.0 ? sqrt(acc) : pexp == 1.0 ? (acc) : pow((acc), 1.0 / pexp))

static inline double avg_divisor(const pool_params *prm, const onr_pool_geom *g, const onr_pool_span *sp)
{
    double d = 1.0;
    for (int32_t a = 0; a < g->n; a++)
        d *= (double)(prm->count_include_pad ? sp[a].padded : sp[a].count);
    return d;
}

DEFINE_SUMPOOL(avgpool_f32, float, LOAD_PLAIN, STORE_F32, AVG_TERM, AVG_FINISH)
DEFINE_SUMPOOL(avgpool_f64, double, LOAD_PLAIN, STORE_F64, AVG_TERM, AVG_FINISH)
DEFINE_SUMPOOL(avgpool_f16, uint16_t, load_f16, store_f16, AVG_TERM, AVG_FINISH)
DEFINE_SUMPOOL(avgpool_bf16, uint16_t, load_bf16, store_bf16, AVG_TERM, AVG_FINISH)
DEFINE_SUMPOOL(lppool_f32, float, LOAD_PLAIN, STORE_F32, LP_TERM, LP_FINISH)
DEFINE_SUMPOOL(lppool_f64, double, LOAD_PLAIN, STORE_F64, LP_TERM, LP_FINISH)
DEFINE_SUMPOOL(lppool_f16, uint16_t, load_f16, store_f16, LP_TERM, LP_FINISH)
DEFINE_SUMPOOL(lppool_bf16, uint16_t, load_bf16, store_bf16, LP_TERM, LP_FINISH)

/* ---------------------------------------------------------------------------------------------- */
/* fast 2-D float paths (dilation 1, no Indices)                                                   */

/* PyTorch-compatible max: NaN wins, ties keep the earlier tap. */
#define MAXF(m, v) (((v) > (m) || isnan(v)) ? (v) : (m))

/* Output columns whose window lies wholly inside [0, in): [*lo, *hi). */
static void interior(const onr_pool_axis *ax, int64_t *lo, int64_t *hi)
{
    int64_t l = onr_ceildiv(ax->pad_begin, ax->stride);
    int64_t h = onr_floordiv(ax->in + ax->pad_begin - ax->kernel, ax->stride) + 1;
    if (l > ax->out)
        l = ax->out;
    if (h > ax->out)
        h = ax->out;
    if (h < l)
        h = l;
    *lo = l;
    *hi = h;
}

/* Row max of the interior columns [lo, hi) of one input row xr into yr: set (first) or combine. */
static void maxrow_f32(float *restrict yr, const float *restrict xr, int64_t lo, int64_t hi, int64_t k, int64_t s,
                       int64_t pb, bool first)
{
    const float *c = xr + lo * s - pb;
    if (k == 2) {
        for (int64_t ow = lo; ow < hi; ow++, c += s) {
            float m = MAXF(c[0], c[1]);
            yr[ow] = first ? m : MAXF(yr[ow], m);
        }
    } else if (k == 3) {
        for (int64_t ow = lo; ow < hi; ow++, c += s) {
            float m = MAXF(c[0], c[1]);
            m = MAXF(m, c[2]);
            yr[ow] = first ? m : MAXF(yr[ow], m);
        }
    } else {
        for (int64_t ow = lo; ow < hi; ow++, c += s) {
            float m = c[0];
            for (int64_t j = 1; j < k; j++)
                m = MAXF(m, c[j]);
            yr[ow] = first ? m : MAXF(yr[ow], m);
        }
    }
}

static void sumrow_f32(float *restrict yr, const float *restrict xr, int64_t lo, int64_t hi, int64_t k, int64_t s,
                       int64_t pb, bool first)
{
    const float *c = xr + lo * s - pb;
    if (k == 2) {
        for (int64_t ow = lo; ow < hi; ow++, c += s)
            yr[ow] = (first ? 0.0f : yr[ow]) + (c[0] + c[1]);
    } else if (k == 3) {
        for (int64_t ow = lo; ow < hi; ow++, c += s)
            yr[ow] = (first ? 0.0f : yr[ow]) + (c[0] + c[1] + c[2]);
    } else {
        for (int64_t ow = lo; ow < hi; ow++, c += s) {
            float acc = 0.0f;
            for (int64_t j = 0; j < k; j++)
                acc += c[j];
            yr[ow] = (first ? 0.0f : yr[ow]) + acc;
        }
    }
}

/* One output column on the border (window partly outside the input), all valid rows. */
static float border_f32(const pool_job *jb, const float *xp, const onr_pool_span *sh, const onr_pool_span *sw,
                        bool is_max)
{
    const int64_t iw = jb->g.ax[1].in;
    if (sh->count == 0 || sw->count == 0)
        return is_max ? 0.0f : NAN; /* empty window; with count_include_pad=1 the caller uses 0 / divisor */
    if (is_max) {
        float m = xp[sh->first * iw + sw->first];
        for (int64_t r = 0; r < sh->count; r++)
            for (int64_t j = 0; j < sw->count; j++)
                m = MAXF(m, xp[(sh->first + r) * iw + sw->first + j]);
        return m;
    }
    float acc = 0.0f;
    for (int64_t r = 0; r < sh->count; r++)
        for (int64_t j = 0; j < sw->count; j++)
            acc += xp[(sh->first + r) * iw + sw->first + j];
    return acc;
}

static void pool2d_f32(const pool_job *jb, size_t p0, size_t p1, bool is_max)
{
    const onr_pool_axis *ah = &jb->g.ax[0], *aw = &jb->g.ax[1];
    const int64_t iw = aw->in, ow_n = aw->out, kw = aw->kernel, sw = aw->stride, pw = aw->pad_begin;
    const bool cip = jb->prm->count_include_pad;
    int64_t lo, hi;
    interior(aw, &lo, &hi);
    for (size_t pl = p0; pl < p1; pl++) {
        const float *xp = (const float *)jb->x + pl * (size_t)jb->in_plane;
        float *yp = (float *)jb->y + pl * (size_t)jb->out_plane;
        for (int64_t oh = 0; oh < ah->out; oh++) {
            const onr_pool_span sh = onr_pool_window(ah, oh);
            float *yr = yp + oh * ow_n;
            /* borders: few columns, window clipped by the padding */
            for (int64_t ow = 0; ow < ow_n; ow = ow + 1 == lo ? hi : ow + 1) {
                if (ow == lo && lo < hi)
                    ow = hi; /* lo == 0: no left border */
                if (ow >= ow_n)
                    break;
                const onr_pool_span sp = onr_pool_window(aw, ow);
                float v = border_f32(jb, xp, &sh, &sp, is_max);
                if (!is_max) {
                    double div = (double)(cip ? sh.padded * sp.padded : sh.count * sp.count);
                    v = (sh.count == 0 || sp.count == 0) ? (cip ? 0.0f : NAN) : (float)(v / div);
                }
                yr[ow] = v;
            }
            if (hi <= lo)
                continue;
            if (sh.count == 0) { /* whole row of empty windows (only from begin pads >= kernel) */
                for (int64_t ow = lo; ow < hi; ow++)
                    yr[ow] = is_max ? 0.0f : (cip ? 0.0f : NAN);
                continue;
            }
            /* interior: branch-free over kw taps, rows combined into the output row */
            for (int64_t r = 0; r < sh.count; r++) {
                const float *xr = xp + (sh.first + r) * iw;
                if (is_max)
                    maxrow_f32(yr, xr, lo, hi, kw, sw, pw, r == 0);
                else
                    sumrow_f32(yr, xr, lo, hi, kw, sw, pw, r == 0);
            }
            if (!is_max) {
                const float inv = (float)(1.0 / (double)((cip ? sh.padded : sh.count) * kw));
                for (int64_t ow = lo; ow < hi; ow++)
                    yr[ow] *= inv;
            }
        }
    }
}

static void maxpool2d_f32(void *arg, size_t p0, size_t p1)
{
    pool2d_f32(arg, p0, p1, true);
}

static void avgpool2d_f32(void *arg, size_t p0, size_t p1)
{
    pool2d_f32(arg, p0, p1, false);
}

/* The same planes through the vector kernels (pool_simd.c), when the CPU has them. */
static void maxpool2d_f32_simd(void *arg, size_t p0, size_t p1)
{
    const pool_job *jb = arg;
    onr_pool2d_f32_simd(onr_pool_simd_level(), &jb->g, true, false, jb->x, jb->y, p0, p1);
}

static void avgpool2d_f32_simd(void *arg, size_t p0, size_t p1)
{
    const pool_job *jb = arg;
    onr_pool2d_f32_simd(onr_pool_simd_level(), &jb->g, false, jb->prm->count_include_pad, jb->x, jb->y, p0, p1);
}

/* ---------------------------------------------------------------------------------------------- */
/* run                                                                                             */

static bool fast_applies(const pool_job *jb, onr_dtype t)
{
    if (t != ONR_DTYPE_FLOAT || jb->g.n != 2 || jb->ind || jb->prm->kind == POOL_LP)
        return false;
    return jb->g.ax[0].dilation == 1 && jb->g.ax[1].dilation == 1;
}

static onr_status make_job(const onr_op_ctx *c, pool_job *jb, onr_error *err)
{
    const pool_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_status st = resolve(p, x, &jb->g, err);
    if (st != ONR_OK)
        return st;
    jb->prm = p;
    jb->x = x->data;
    jb->y = c->out[0]->data;
    jb->ind = c->n_out > 1 && c->out[1] ? c->out[1]->data : NULL;
    jb->in_plane = 1;
    jb->out_plane = 1;
    for (int32_t a = jb->g.n - 1; a >= 0; a--) {
        jb->in_stride[a] = jb->in_plane;
        /* x and y exist, but with N or C = 0 their spatial dims can still be anything: check. */
        if (__builtin_mul_overflow(jb->in_plane, jb->g.ax[a].in, &jb->in_plane) ||
            __builtin_mul_overflow(jb->out_plane, jb->g.ax[a].out, &jb->out_plane))
            return onr_err(err, ONR_E_INVALID_ARG, "spatial size of input 'X' overflows");
    }
    return ONR_OK;
}

bool onr_pool_fast_path_applies(const onr_op_ctx *c)
{
    pool_job jb;
    return make_job(c, &jb, NULL) == ONR_OK && fast_applies(&jb, c->in[0]->dtype);
}

onr_status onr_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err)
{
    pool_job jb;
    onr_status st = make_job(c, &jb, err);
    if (st != ONR_OK)
        return st;
    const onr_dtype t = c->in[0]->dtype;
    const size_t planes = (size_t)c->in[0]->dims[0] * (size_t)c->in[0]->dims[1];
    onr_range_fn fn = NULL;
    if (path != ONR_POOL_PATH_GENERIC && fast_applies(&jb, t)) {
        const bool simd = path == ONR_POOL_PATH_AUTO && onr_pool_simd_level() != ONR_SIMD_NONE;
        if (jb.prm->kind == POOL_MAX)
            fn = simd ? maxpool2d_f32_simd : maxpool2d_f32;
        else
            fn = simd ? avgpool2d_f32_simd : avgpool2d_f32;
    } else {
        static const struct {
            onr_dtype t;
            onr_range_fn fn[3]; /* max, avg, lp */
        } table[] = {
            {ONR_DTYPE_FLOAT, {maxpool_f32, avgpool_f32, lppool_f32}},
            {ONR_DTYPE_DOUBLE, {maxpool_f64, avgpool_f64, lppool_f64}},
            {ONR_DTYPE_FLOAT16, {maxpool_f16, avgpool_f16, lppool_f16}},
            {ONR_DTYPE_BFLOAT16, {maxpool_bf16, avgpool_bf16, lppool_bf16}},
            {ONR_DTYPE_INT8, {maxpool_i8, NULL, NULL}},
            {ONR_DTYPE_UINT8, {maxpool_u8, NULL, NULL}},
        };
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (table[i].t == t)
                fn = table[i].fn[jb.prm->kind];
    }
    if (!fn)
        return onr_err(err, ONR_E_INTERNAL, "no pool kernel for element type %s", onr_dtype_name(t));
    onr_parallel_for(c->pool, planes, onr_pool_grain((size_t)(jb.in_plane + jb.out_plane)), fn, &jb);
    return ONR_OK;
}

/* 256 Ki elements is 20-80 us of fast-path work; waking a worker and joining it costs 5-50 us on a busy
 * 2-core machine (tests/bench: with 128 Ki, 1x64x56x56 k2s2 and 1x256x28x28 k3s1 ran slower on 2 threads
 * than on 1). */
size_t onr_pool_grain(size_t elems)
{
    return elems >= ONR_POOL_PAR_MIN ? 1 : elems ? ONR_POOL_PAR_MIN / elems : ONR_POOL_PAR_MIN;
}

static onr_status pool_run(onr_op_ctx *c, onr_error *err)
{
    return onr_pool_run_path(c, ONR_POOL_PATH_AUTO, err);
}

const onr_op_def onr_op_maxpool = {
    .domain = "", .op_type = "MaxPool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 2,
    .params_size = sizeof(pool_params), .parse = maxpool_parse,
    .infer = pool_infer, .run = pool_run,
};

const onr_op_def onr_op_averagepool = {
    .domain = "", .op_type = "AveragePool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(pool_params), .parse = averagepool_parse,
    .infer = pool_infer, .run = pool_run,
};

const onr_op_def onr_op_lppool = {
    .domain = "", .op_type = "LpPool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(pool_params), .parse = lppool_parse,
    .infer = pool_infer, .run = pool_run,
};
