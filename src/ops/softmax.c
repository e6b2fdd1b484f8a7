/* softmax.c: Softmax, LogSoftmax and Hardmax.
 *
 * Opset 1-12: the input is coerced to 2-D at `axis` (default 1): rows are the product of dims before
 * axis, each row of prod(dims[axis:]) elements is normalized as one vector. Opset 13+: normalization
 * runs along the single axis `axis` (default -1). Both reduce to (outer, n, inner): n values at stride
 * `inner`; the old form is inner = 1.
 *
 * y = exp(x - max) / sum(exp(x - max)), log form y = x - max - log(sum): subtracting the max keeps exp
 * from overflowing (test_softmax_large_number). Columns of a strided axis are processed BLOCK at a
 * time, so each pass over the n rows is a contiguous, vectorizable loop (exp from fastmath.h).
 * float16/bfloat16 compute in float. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/fastmath.h"
#include "ops/op.h"

typedef struct softmax_params {
    bool log, hard;
    int64_t axis;
} softmax_params;

#define BLOCK 64

static inline double ld_f64(const double *p) { return *p; }
static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
static inline double st_f64(double v) { return v; }
static inline uint16_t st_f16(float v) { return onr_f32_to_f16(v); }
static inline uint16_t st_bf16(float v) { return onr_f32_to_bf16(v); }

/* One block: x and y point at (o, 0, first column); m <= BLOCK columns; rows are `inner` apart.
 * KEEP: the output type holds exp values exactly enough to rescale in place (float, double); halves
 * recompute exp in the last pass instead of rounding twice. */
#define SOFTMAX_KERNEL(sfx, T, A, EXP, LOG, KEEP)                                                             \
    static void softmax_##sfx(const void *xv, void *yv, size_t n, size_t inner, size_t m, bool log_)         \
    {                                                                                                         \
        const T *x = xv;                                                                                      \
        T *y = yv;                                                                                            \
        A mx[BLOCK], sum[BLOCK];                                                                              \
        for (size_t j = 0; j < m; j++)                                                                        \
            mx[j] = ld_##sfx(&x[j]);                                                                          \
        for (size_t r = 1; r < n; r++)                                                                        \
            for (size_t j = 0; j < m; j++) {                                                                  \
                A v = ld_##sfx(&x[r * inner + j]);                                                            \
                mx[j] = (v > mx[j] || isnan(v)) ? v : mx[j];                                                  \
            }                                                                                                 \
        for (size_t j = 0; j < m; j++)                                                                        \
            sum[j] = 0;                                                                                       \
        for (size_t r = 0; r < n; r++)                                                                        \
            for (size_t j = 0; j < m; j++) {                                                                  \
                A e = EXP(ld_##sfx(&x[r * inner + j]) - mx[j]);                                               \
                sum[j] += e;                                                                                  \
                if (KEEP && !log_)                                                                            \
                    y[r * inner + j] = st_##sfx(e);                                                           \
            }                                                                                                 \
        if (log_) {                                                                                           \
            /* (x - max) first: it is exact where x is large, then subtract the small log(sum) */       \
            for (size_t j = 0; j < m; j++)                                                                    \
                sum[j] = LOG(sum[j]);                                                                         \
            for (size_t r = 0; r < n; r++)                                                                    \
                for (size_t j = 0; j < m; j++)                                                                \
                    y[r * inner + j] = st_##sfx((ld_##sfx(&x[r * inner + j]) - mx[j]) - sum[j]);              \
            return;                                                                                           \
        }                                                                                                     \
        for (size_t j = 0; j < m; j++)                                                                        \
            sum[j] = 1 / sum[j];                                                                              \
        for (size_t r = 0; r < n; r++)                                                                        \
            for (size_t j = 0; j < m; j++) {                                                                  \
                size_t i = r * inner + j;                                                                     \
                if (KEEP)                                                                                     \
                    y[i] = st_##sfx(ld_##sfx(&y[i]) * sum[j]);                                                \
                else                                                                                          \
                    y[i] = st_##sfx(EXP(ld_##sfx(&x[i]) - mx[j]) * sum[j]);                                   \
            }                                                                                                 \
    }

SOFTMAX_KERNEL(f64, double, double, exp, log, 1)
SOFTMAX_KERNEL(f16, uint16_t, float, onr_expf, logf, 0)
SOFTMAX_KERNEL(bf16, uint16_t, float, onr_expf, logf, 0)

/* float: the hot path, written out so every loop vectorizes. Maxima go through onr_fsel and keep NaN
 * (v > m is false for NaN, v != v catches it); sums use 8 partial lanes, the order numpy's pairwise
 * summation does not promise either, well within float rounding of the exact sum. */
static inline float lane_max(float m, float v)
{
    return onr_fsel(v > m || v != v, v, m);
}

/* One contiguous row of n values (inner == 1). */
static void row_f32(const float *x, float *y, size_t n, bool log_)
{
    float m8[8], s8[8] = {0};
    size_t i = 0;
    for (int k = 0; k < 8; k++)
        m8[k] = x[0];
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            m8[k] = lane_max(m8[k], x[i + k]);
    for (; i < n; i++)
        m8[0] = lane_max(m8[0], x[i]);
    float mx = m8[0];
    for (int k = 1; k < 8; k++)
        mx = lane_max(mx, m8[k]);
    if (log_) { /* y = (x - max) - log(sum): x is read again, so exp values are not stored */
        for (i = 0; i + 8 <= n; i += 8)
            for (int k = 0; k < 8; k++)
                s8[k] += onr_expf(x[i + k] - mx);
        for (; i < n; i++)
            s8[0] += onr_expf(x[i] - mx);
    } else {
        for (i = 0; i < n; i++)
            y[i] = onr_expf(x[i] - mx);
        for (i = 0; i + 8 <= n; i += 8)
            for (int k = 0; k < 8; k++)
                s8[k] += y[i + k];
        for (; i < n; i++)
            s8[0] += y[i];
    }
    float sum = ((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7]));
    if (log_) {
        float ls = logf(sum);
        for (i = 0; i < n; i++)
            y[i] = (x[i] - mx) - ls;
    } else {
        float inv = 1.0f / sum;
        for (i = 0; i < n; i++)
            y[i] *= inv;
    }
}

/* A block of m <= BLOCK columns of a strided axis: rows of the block are `inner` apart. */
static void softmax_f32(const void *xv, void *yv, size_t n, size_t inner, size_t m, bool log_)
{
    const float *x = xv;
    float *y = yv;
    if (inner == 1) {
        row_f32(x, y, n, log_);
        return;
    }
    float mx[BLOCK], sum[BLOCK];
    for (size_t j = 0; j < m; j++) {
        mx[j] = x[j];
        sum[j] = 0;
    }
    for (size_t r = 1; r < n; r++) {
        const float *xr = x + r * inner;
        for (size_t j = 0; j < m; j++)
            mx[j] = lane_max(mx[j], xr[j]);
    }
    for (size_t r = 0; r < n; r++) {
        const float *xr = x + r * inner;
        float *yr = y + r * inner;
        if (log_) {
            for (size_t j = 0; j < m; j++)
                sum[j] += onr_expf(xr[j] - mx[j]);
        } else {
            for (size_t j = 0; j < m; j++) {
                float e = onr_expf(xr[j] - mx[j]);
                yr[j] = e;
                sum[j] += e;
            }
        }
    }
    for (size_t j = 0; j < m; j++)
        sum[j] = log_ ? logf(sum[j]) : 1.0f / sum[j];
    for (size_t r = 0; r < n; r++) {
        const float *xr = x + r * inner;
        float *yr = y + r * inner;
        if (log_)
            for (size_t j = 0; j < m; j++)
                yr[j] = (xr[j] - mx[j]) - sum[j];
        else
            for (size_t j = 0; j < m; j++)
                yr[j] *= sum[j];
    }
}

typedef void (*softmax_fn)(const void *x, void *y, size_t n, size_t inner, size_t m, bool log_);

static softmax_fn kernel_for(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return softmax_f32;
    case ONR_DTYPE_DOUBLE: return softmax_f64;
    case ONR_DTYPE_FLOAT16: return softmax_f16;
    case ONR_DTYPE_BFLOAT16: return softmax_bf16;
    default: return NULL;
    }
}

static onr_status softmax_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    softmax_params *p = params;
    p->log = strcmp(node->op_type, "LogSoftmax") == 0;
    p->hard = strcmp(node->op_type, "Hardmax") == 0;
    const char *allowed[] = {"axis", NULL};
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", node->opset < 13 ? 1 : -1, &p->axis, err);
    return st;
}

/* (outer, n, inner) of the input for this opset's semantics. */
static onr_status geometry(const onr_op_ctx *c, size_t *outer, size_t *n, size_t *inner, onr_error *err)
{
    const softmax_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t r = x->rank, axis = p->axis < 0 ? p->axis + r : p->axis;
    if (axis < 0 || axis >= r)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axis' = %lld is outside [%lld, %lld] for rank %lld",
                       (long long)p->axis, (long long)-r, (long long)r - 1, (long long)r);
    size_t o = 1, m = 1, in = 1;
    for (int64_t i = 0; i < r; i++) {
        size_t d = (size_t)x->dims[i];
        if (i < axis)
            o *= d;
        else if (i == axis || c->opset < 13) /* opset < 13: everything from axis on is one row */
            m *= d;
        else
            in *= d;
    }
    *outer = o;
    *n = m;
    *inner = in;
    return ONR_OK;
}

static onr_status softmax_infer(onr_op_ctx *c, onr_error *err)
{
    size_t outer = 0, n = 0, inner = 0;
    if (!kernel_for(c->in[0]->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(c->in[0]->dtype));
    onr_status st = geometry(c, &outer, &n, &inner, err);
    if (st != ONR_OK)
        return st;
    onr_tensor_copy_shape(c->out[0], c->in[0]);
    return ONR_OK;
}

typedef struct softmax_job {
    softmax_fn fn;
    bool log;
    const char *x;
    char *y;
    size_t es, n, inner, blocks;
} softmax_job;

/* Task i is block (i % blocks) of outer row (i / blocks). */
static void softmax_range(void *arg, size_t begin, size_t end)
{
    const softmax_job *j = arg;
    for (size_t i = begin; i < end; i++) {
        size_t o = i / j->blocks, col = (i % j->blocks) * BLOCK;
        size_t m = j->inner - col < BLOCK ? j->inner - col : BLOCK;
        size_t off = (o * j->n * j->inner + col) * j->es;
        j->fn(j->x + off, j->y + off, j->n, j->inner, m, j->log);
    }
}

/* Hardmax: 1 at the first maximum along the axis (numpy.argmax: a NaN counts as the maximum), 0
 * elsewhere. Rare, so one generic loop through double. */
static void hardmax(const onr_tensor *x, onr_tensor *y, size_t outer, size_t n, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            size_t base = o * n * inner + i, best = 0;
            double bv = onr_load_as_double(x->dtype, x->data, base);
            for (size_t r = 1; r < n && !isnan(bv); r++) {
                double v = onr_load_as_double(x->dtype, x->data, base + r * inner);
                if (v > bv || isnan(v)) {
                    bv = v;
                    best = r;
                }
            }
            for (size_t r = 0; r < n; r++)
                onr_store_from_double(y->dtype, y->data, base + r * inner, r == best);
        }
}

static onr_status softmax_run(onr_op_ctx *c, onr_error *err)
{
    const softmax_params *p = c->params;
    size_t outer = 0, n = 0, inner = 0;
    onr_status st = geometry(c, &outer, &n, &inner, err);
    if (st != ONR_OK)
        return st;
    if (outer == 0 || n == 0 || inner == 0)
        return ONR_OK;
    if (p->hard) {
        hardmax(c->in[0], c->out[0], outer, n, inner);
        return ONR_OK;
    }
    softmax_job j = {.fn = kernel_for(c->in[0]->dtype), .log = p->log, .x = c->in[0]->data, .y = c->out[0]->data,
                     .es = onr_dtype_size(c->in[0]->dtype), .n = n, .inner = inner,
                     .blocks = (inner + BLOCK - 1) / BLOCK};
    /* A task is n * min(inner, BLOCK) elements; aim for ~16K elements per thread range. */
    size_t per = n * (inner < BLOCK ? inner : BLOCK);
    size_t grain = per >= 16384 ? 1 : 16384 / per;
    onr_parallel_for(c->pool, outer * j.blocks, grain, softmax_range, &j);
    return ONR_OK;
}

const onr_op_def onr_op_softmax = {
    .domain = "", .op_type = "Softmax", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(softmax_params), .parse = softmax_parse,
    .infer = softmax_infer, .run = softmax_run,
};

const onr_op_def onr_op_logsoftmax = {
    .domain = "", .op_type = "LogSoftmax", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(softmax_params), .parse = softmax_parse,
    .infer = softmax_infer, .run = softmax_run,
};

const onr_op_def onr_op_hardmax = {
    .domain = "", .op_type = "Hardmax", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(softmax_params), .parse = softmax_parse,
    .infer = softmax_infer, .run = softmax_run,
};
