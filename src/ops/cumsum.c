/* cumsum.c: CumSum (11-22): running sums of x along the axis given by input 'axis' (int32/int64 scalar,
 * negative counts from the back). exclusive = 1 leaves out the element itself (the first sum is 0),
 * reverse = 1 runs from the end of the axis (ONNX Operators.md examples). The axis is read at run time:
 * it does not change the shape. Sums are accumulated in the element type row by row, as numpy.cumsum
 * (the reference) does; half types go through float. */
#include <string.h>

#include "core/dtype.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct cumsum_params {
    int64_t exclusive, reverse;
} cumsum_params;

static onr_status cumsum_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"exclusive", "reverse", NULL};
    cumsum_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "exclusive", 0, &p->exclusive, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "reverse", 0, &p->reverse, err);
    return st;
}

static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
static inline uint16_t st_f16(float v) { return onr_f32_to_f16(v); }
static inline uint16_t st_bf16(float v) { return onr_f32_to_bf16(v); }
#define LD(p) (*(p))
#define ST(v) (v)

/* One (n, inner) block: rows walk in order `first, first + step, ...`; y[row] = y[prev] + x[row] (or
 * x[prev] when exclusive), inner columns at a time so the loops are contiguous. Unsigned wraparound is
 * defined; signed overflow is avoided by adding in the unsigned type of the same width. */
#define CUMSUM_KERNEL(sfx, T, A, LOAD, STORE)                                                               \
    static void cumsum_##sfx(const void *xv, void *yv, size_t n, size_t inner, bool excl, bool rev)         \
    {                                                                                                       \
        const T *x = xv;                                                                                    \
        T *y = yv;                                                                                          \
        for (size_t r = 0; r < n; r++) {                                                                    \
            size_t row = rev ? n - 1 - r : r, prev = rev ? row + 1 : row - 1;                               \
            T *yr = y + row * inner;                                                                        \
            const T *xr = x + row * inner;                                                                  \
            if (r == 0) {                                                                                   \
                for (size_t i = 0; i < inner; i++)                                                          \
                    yr[i] = excl ? STORE((A)0) : xr[i];                                                     \
                continue;                                                                                   \
            }                                                                                               \
            const T *yp = y + prev * inner, *xs = excl ? x + prev * inner : xr;                             \
            for (size_t i = 0; i < inner; i++)                                                              \
                yr[i] = STORE((A)(LOAD(&yp[i]) + LOAD(&xs[i])));                                            \
        }                                                                                                   \
    }
#define LDU32(p) ((uint32_t)*(p))
#define LDU64(p) ((uint64_t)*(p))
#define STI32(v) ((int32_t)(v))
#define STI64(v) ((int64_t)(v))
CUMSUM_KERNEL(f32, float, float, LD, ST)
CUMSUM_KERNEL(f64, double, double, LD, ST)
CUMSUM_KERNEL(f16, uint16_t, float, ld_f16, st_f16)
CUMSUM_KERNEL(bf16, uint16_t, float, ld_bf16, st_bf16)
CUMSUM_KERNEL(i32, int32_t, uint32_t, LDU32, STI32)
CUMSUM_KERNEL(i64, int64_t, uint64_t, LDU64, STI64)
CUMSUM_KERNEL(u32, uint32_t, uint32_t, LD, ST)
CUMSUM_KERNEL(u64, uint64_t, uint64_t, LD, ST)

typedef void (*cumsum_fn)(const void *x, void *y, size_t n, size_t inner, bool excl, bool rev);

static cumsum_fn kernel_for(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return cumsum_f32;
    case ONR_DTYPE_DOUBLE: return cumsum_f64;
    case ONR_DTYPE_FLOAT16: return cumsum_f16;
    case ONR_DTYPE_BFLOAT16: return cumsum_bf16;
    case ONR_DTYPE_INT32: return cumsum_i32;
    case ONR_DTYPE_INT64: return cumsum_i64;
    case ONR_DTYPE_UINT32: return cumsum_u32;
    case ONR_DTYPE_UINT64: return cumsum_u64;
    default: return NULL;
    }
}

static onr_status check_axis_input(const onr_tensor *a, onr_error *err)
{
    if (a->dtype != ONR_DTYPE_INT64 && a->dtype != ONR_DTYPE_INT32)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'axis' must be int32 or int64, got %s",
                       onr_dtype_name(a->dtype));
    if (a->rank > 1 || onr_tensor_count(a) != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'axis' must be a scalar");
    return ONR_OK;
}

static onr_status cumsum_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (!kernel_for(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'x' type %s is not supported", onr_dtype_name(x->dtype));
    if (x->rank == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'x' must have rank >= 1");
    onr_status st = check_axis_input(c->in[1], err);
    if (st != ONR_OK)
        return st;
    if (c->in[1]->data) { /* a constant axis is checked at load */
        int64_t v[1], axis;
        size_t n;
        st = onr_input_ints(c->in[1], "input 'axis'", 1, v, &n, err);
        if (st == ONR_OK)
            st = onr_axis_norm(v[0], x->rank, "input 'axis'", &axis, err);
        if (st != ONR_OK)
            return st;
    }
    onr_tensor_copy_shape(c->out[0], x);
    return ONR_OK;
}

static onr_status cumsum_run(onr_op_ctx *c, onr_error *err)
{
    const cumsum_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t v[1], axis;
    size_t n;
    onr_status st = onr_input_ints(c->in[1], "input 'axis'", 1, v, &n, err);
    if (st != ONR_OK)
        return st;
    /* an axis computed at run time is the caller's data, not a broken model */
    if (v[0] < -x->rank || v[0] >= x->rank)
        return onr_err(err, ONR_E_INVALID_ARG, "input 'axis' = %lld is outside [%d, %d]", (long long)v[0],
                       -(int)x->rank, (int)x->rank - 1);
    axis = v[0] < 0 ? v[0] + x->rank : v[0];
    size_t outer = 1, inner = 1, es = onr_dtype_size(x->dtype);
    for (int32_t i = 0; i < x->rank; i++) {
        if (i < axis)
            outer *= (size_t)x->dims[i];
        else if (i > axis)
            inner *= (size_t)x->dims[i];
    }
    size_t len = (size_t)x->dims[axis];
    if (outer == 0 || inner == 0 || len == 0)
        return ONR_OK;
    cumsum_fn fn = kernel_for(x->dtype);
    for (size_t o = 0; o < outer; o++)
        fn((const char *)x->data + o * len * inner * es, (char *)c->out[0]->data + o * len * inner * es, len, inner,
           p->exclusive != 0, p->reverse != 0);
    return ONR_OK;
}

const onr_op_def onr_op_cumsum = {
    .domain = "", .op_type = "CumSum", .since = 11, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(cumsum_params), .parse = cumsum_parse,
    .infer = cumsum_infer, .run = cumsum_run,
};
