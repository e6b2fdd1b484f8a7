/* softmax.c: Softmax and LogSoftmax.
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
    bool log;
    int64_t axis;
} softmax_params;

#define BLOCK 64

static inline float ld_f32(const float *p) { return *p; }
static inline double ld_f64(const double *p) { return *p; }
static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
static inline float st_f32(float v) { return v; }
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

SOFTMAX_KERNEL(f32, float, float, onr_expf, logf, 1)
SOFTMAX_KERNEL(f64, double, double, exp, log, 1)
SOFTMAX_KERNEL(f16, uint16_t, float, onr_expf, logf, 0)
SOFTMAX_KERNEL(bf16, uint16_t, float, onr_expf, logf, 0)

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

static onr_status softmax_run(onr_op_ctx *c, onr_error *err)
{
    const softmax_params *p = c->params;
    size_t outer = 0, n = 0, inner = 0;
    onr_status st = geometry(c, &outer, &n, &inner, err);
    if (st != ONR_OK)
        return st;
    if (outer == 0 || n == 0 || inner == 0)
        return ONR_OK;
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
