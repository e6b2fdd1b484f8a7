/* argmax.c: ArgMax and ArgMin (opset 1+): int64 index of the largest / smallest element along `axis`
 * (default 0), keepdims (default 1) keeping that axis as 1. Ties give the first index, or the last with
 * select_last_index=1 (12+). NaN counts as the extreme, first NaN winning, as numpy.argmax does.
 *
 * The input is (outer, n, inner) around the axis; columns of a strided axis go BLOCK at a time so each
 * row of the scan is a contiguous loop, as in softmax.c. */
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct argmax_params {
    bool min;
    int64_t axis, keepdims, last;
} argmax_params;

#define BLOCK 64

static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
#define LD(p) (*(p))

/* `better(v, b)`: v replaces the best b. For max: v > b, or v >= b with select_last; NaN beats all and a
 * first NaN is never replaced. Written with IS_NAN so integer kernels compile it away. */
#define ARG_KERNEL(sfx, T, A, LOAD, IS_NAN)                                                                   \
    static void arg_##sfx(const void *xv, int64_t *y, size_t n, size_t inner, size_t m, bool min_, bool last) \
    {                                                                                                         \
        const T *x = xv;                                                                                      \
        A best[BLOCK];                                                                                        \
        int64_t idx[BLOCK];                                                                                   \
        for (size_t j = 0; j < m; j++) {                                                                      \
            best[j] = LOAD(&x[j]);                                                                            \
            idx[j] = 0;                                                                                       \
        }                                                                                                     \
        for (size_t r = 1; r < n; r++) {                                                                      \
            const T *xr = x + r * inner;                                                                      \
            for (size_t j = 0; j < m; j++) {                                                                  \
                A v = LOAD(&xr[j]), b = best[j];                                                              \
                bool take = !IS_NAN(b) && (IS_NAN(v) || (min_ ? (last ? v <= b : v < b)                       \
                                                               : (last ? v >= b : v > b)));                   \
                best[j] = take ? v : b;                                                                       \
                idx[j] = take ? (int64_t)r : idx[j];                                                          \
            }                                                                                                 \
        }                                                                                                     \
        for (size_t j = 0; j < m; j++)                                                                        \
            y[j] = idx[j];                                                                                    \
    }

#define FNAN(v) ((v) != (v))
#define NONAN(v) ((void)(v), 0)
ARG_KERNEL(f32, float, float, LD, FNAN)
ARG_KERNEL(f64, double, double, LD, FNAN)
ARG_KERNEL(f16, uint16_t, float, ld_f16, FNAN)
ARG_KERNEL(bf16, uint16_t, float, ld_bf16, FNAN)
ARG_KERNEL(i8, int8_t, int8_t, LD, NONAN)
ARG_KERNEL(i16, int16_t, int16_t, LD, NONAN)
ARG_KERNEL(i32, int32_t, int32_t, LD, NONAN)
ARG_KERNEL(i64, int64_t, int64_t, LD, NONAN)
ARG_KERNEL(u8, uint8_t, uint8_t, LD, NONAN)
ARG_KERNEL(u16, uint16_t, uint16_t, LD, NONAN)
ARG_KERNEL(u32, uint32_t, uint32_t, LD, NONAN)
ARG_KERNEL(u64, uint64_t, uint64_t, LD, NONAN)

typedef void (*arg_fn)(const void *x, int64_t *y, size_t n, size_t inner, size_t m, bool min_, bool last);

static arg_fn kernel_for(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return arg_f32;
    case ONR_DTYPE_DOUBLE: return arg_f64;
    case ONR_DTYPE_FLOAT16: return arg_f16;
    case ONR_DTYPE_BFLOAT16: return arg_bf16;
    case ONR_DTYPE_INT8: return arg_i8;
    case ONR_DTYPE_INT16: return arg_i16;
    case ONR_DTYPE_INT32: return arg_i32;
    case ONR_DTYPE_INT64: return arg_i64;
    case ONR_DTYPE_UINT8: return arg_u8;
    case ONR_DTYPE_UINT16: return arg_u16;
    case ONR_DTYPE_UINT32: return arg_u32;
    case ONR_DTYPE_UINT64: return arg_u64;
    default: return NULL;
    }
}

static onr_status argmax_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    argmax_params *p = params;
    p->min = strcmp(node->op_type, "ArgMin") == 0;
    const char *v1[] = {"axis", "keepdims", NULL};
    const char *v12[] = {"axis", "keepdims", "select_last_index", NULL};
    onr_status st = onr_attr_allow(node, node->opset < 12 ? v1 : v12, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "keepdims", 1, &p->keepdims, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "select_last_index", 0, &p->last, err);
    return st;
}

static onr_status argmax_infer(onr_op_ctx *c, onr_error *err)
{
    const argmax_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t axis;
    if (!kernel_for(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(x->dtype));
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    if (x->dims[axis] == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "axis %lld has no elements to choose from", (long long)p->axis);
    onr_tensor *y = c->out[0];
    y->dtype = ONR_DTYPE_INT64;
    y->rank = 0;
    for (int32_t i = 0; i < ONR_MAX_RANK; i++)
        y->dims[i] = 0;
    for (int32_t i = 0; i < x->rank; i++)
        if (i != axis || p->keepdims)
            y->dims[y->rank++] = i == axis ? 1 : x->dims[i];
    return ONR_OK;
}

typedef struct arg_job {
    arg_fn fn;
    bool min, last;
    const char *x;
    int64_t *y;
    size_t es, n, inner, blocks;
} arg_job;

static void arg_range(void *arg, size_t begin, size_t end)
{
    const arg_job *j = arg;
    for (size_t i = begin; i < end; i++) {
        size_t o = i / j->blocks, col = (i % j->blocks) * BLOCK;
        size_t m = j->inner - col < BLOCK ? j->inner - col : BLOCK;
        j->fn(j->x + (o * j->n * j->inner + col) * j->es, j->y + o * j->inner + col, j->n, j->inner, m, j->min,
              j->last);
    }
}

static onr_status argmax_run(onr_op_ctx *c, onr_error *err)
{
    const argmax_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t axis;
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    size_t outer = 1, inner = 1;
    for (int32_t i = 0; i < x->rank; i++) {
        if (i < axis)
            outer *= (size_t)x->dims[i];
        else if (i > axis)
            inner *= (size_t)x->dims[i];
    }
    if (outer == 0 || inner == 0)
        return ONR_OK;
    arg_job j = {.fn = kernel_for(x->dtype), .min = p->min, .last = p->last != 0, .x = x->data,
                 .y = c->out[0]->data, .es = onr_dtype_size(x->dtype), .n = (size_t)x->dims[axis],
                 .inner = inner, .blocks = (inner + BLOCK - 1) / BLOCK};
    size_t per = j.n * (inner < BLOCK ? inner : BLOCK);
    onr_parallel_for(c->pool, outer * j.blocks, per >= 16384 ? 1 : 16384 / per, arg_range, &j);
    return ONR_OK;
}

const onr_op_def onr_op_argmax = {
    .domain = "", .op_type = "ArgMax", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(argmax_params), .parse = argmax_parse,
    .infer = argmax_infer, .run = argmax_run,
};

const onr_op_def onr_op_argmin = {
    .domain = "", .op_type = "ArgMin", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(argmax_params), .parse = argmax_parse,
    .infer = argmax_infer, .run = argmax_run,
};
