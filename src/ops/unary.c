/* unary.c: elementwise one-input ops: Relu, LeakyRelu, Elu, Selu, Sigmoid, HardSigmoid, HardSwish, Tanh,
 * Softplus, Erf, Sqrt, Exp, Log, Neg, Abs, Clip, Reciprocal, Floor, Ceil, Round, Sign, the trigonometric
 * and hyperbolic functions, Softsign, ThresholdedRelu, Celu, Mish, Shrink, Gelu; the predicates IsNaN,
 * IsInf, Not; and Dropout (inference: identity).
 *
 * Every op has a float and a double kernel written from one scalar formula; float16 and bfloat16 are
 * computed in float, a chunk at a time (ONNX leaves half-precision internals to the runtime). Float Exp,
 * Sigmoid, Tanh and Selu use the vectorizable exp of fastmath.h (within 2 ulp of expf). Integer
 * kernels exist where the spec allows integers: Relu (14+), Neg (6+), Abs (6+), Clip (12+), Sign. Integer
 * arithmetic wraps like two's complement (Neg/Abs of the minimum give the minimum, as numpy does). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/fastmath.h"
#include "ops/op.h"

/* Values a kernel reads: attributes, and for Clip its bounds (already resolved to double, or for
 * integer kernels pointers to the bound elements, NULL when absent). */
typedef struct uargs {
    double alpha, beta, gamma;
    double lo, hi;
    const void *lo_p, *hi_p;
} uargs;

typedef void (*f32_fn)(float *y, const float *x, size_t n, const uargs *a);
typedef void (*f64_fn)(double *y, const double *x, size_t n, const uargs *a);
typedef void (*int_fn)(void *y, const void *x, size_t n, const uargs *a);

enum { I8, I16, I32, I64, U8, U16, U32, U64, N_INT };

typedef struct unary_op {
    const char *name;
    f32_fn f32;
    f64_fn f64;
    int_fn ints[N_INT]; /* NULL where the op is not defined for that type */
    size_t grain;       /* elements per parallel task: cheap ops take bigger ranges */
    const char *attr[3]; /* float attributes read into alpha, beta, gamma (NULL: none) */
    float def[3];        /* their defaults */
} unary_op;

typedef struct unary_params {
    const unary_op *op;
    float alpha, beta, gamma;
    float min, max;    /* Clip < 11 attributes */
    bool bound_inputs; /* Clip >= 11: bounds are inputs 1 and 2 */
} unary_params;

/* ---- float / double kernels from one formula in v (the input) --------------------------------- */

#define FLOAT_KERNELS(name, E32, E64)                                                                         \
    static void name##_f32(float *y, const float *x, size_t n, const uargs *a)                               \
    {                                                                                                         \
        const float alpha = (float)a->alpha, beta = (float)a->beta, gamma = (float)a->gamma;                  \
        const float lo = (float)a->lo, hi = (float)a->hi;                                                     \
        (void)alpha, (void)beta, (void)gamma, (void)lo, (void)hi;                                             \
        for (size_t i = 0; i < n; i++) {                                                                      \
            const float v = x[i];                                                                             \
            y[i] = (E32);                                                                                     \
        }                                                                                                     \
    }                                                                                                         \
    static void name##_f64(double *y, const double *x, size_t n, const uargs *a)                             \
    {                                                                                                         \
        const double alpha = a->alpha, beta = a->beta, gamma = a->gamma, lo = a->lo, hi = a->hi;            \
        (void)alpha, (void)beta, (void)gamma, (void)lo, (void)hi;                                             \
        for (size_t i = 0; i < n; i++) {                                                                      \
            const double v = x[i];                                                                            \
            y[i] = (E64);                                                                                     \
        }                                                                                                     \
    }

/* Comparisons are written so NaN passes through (numpy semantics): v < 0 is false for NaN. Float
 * kernels select with onr_fsel where an arm computes, so the loops vectorize (fastmath.h). */
static inline float clamp01f(float t) /* np.clip(t, 0, 1), NaN stays NaN */
{
    return onr_fsel(t < 0, 0.0f, onr_fsel(t > 1, 1.0f, t));
}
static inline double clamp01(double t)
{
    return t < 0 ? 0.0 : t > 1 ? 1.0 : t;
}

FLOAT_KERNELS(relu, v < 0 ? 0.0f : v, v < 0 ? 0.0 : v)
FLOAT_KERNELS(leakyrelu, onr_fsel(v < 0, alpha * v, v), v < 0 ? alpha * v : v)
FLOAT_KERNELS(elu, v < 0 ? alpha * expm1f(v) : v, v < 0 ? alpha * expm1(v) : v)
FLOAT_KERNELS(selu, onr_fsel(v > 0, gamma * v, gamma * (alpha * onr_expf(v) - alpha)),
              v > 0 ? gamma * v : gamma * (alpha * exp(v) - alpha))
FLOAT_KERNELS(sigmoid, 1.0f / (1.0f + onr_expf(-v)), 1.0 / (1.0 + exp(-v)))
FLOAT_KERNELS(hardsigmoid, clamp01f(alpha * v + beta), clamp01(alpha * v + beta))
/* HardSwish-14: y = x * max(0, min(1, x/6 + 1/2)). */
FLOAT_KERNELS(hardswish, v * clamp01f(v / 6.0f + 0.5f), v * clamp01(v / 6.0 + 0.5))
FLOAT_KERNELS(tanh, onr_tanhf(v), tanh(v))
/* Softplus = log(exp(x) + 1), written to neither overflow for large x nor lose small values. */
FLOAT_KERNELS(softplus, v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v)), v > 0 ? v + log1p(exp(-v)) : log1p(exp(v)))
FLOAT_KERNELS(erf, erff(v), erf(v))
FLOAT_KERNELS(sqrt, sqrtf(v), sqrt(v))
FLOAT_KERNELS(exp, onr_expf(v), exp(v))
FLOAT_KERNELS(log, logf(v), log(v))
FLOAT_KERNELS(neg, -v, -v)
FLOAT_KERNELS(abs, fabsf(v), fabs(v))
/* Clip: min(max(x, lo), hi); with lo > hi every value becomes hi (Clip-13 spec). NaN passes. */
FLOAT_KERNELS(clip, v < lo ? (lo > hi ? hi : lo) : v > hi ? hi : v, v < lo ? (lo > hi ? hi : lo) : v > hi ? hi : v)

FLOAT_KERNELS(reciprocal, 1.0f / v, 1.0 / v)
FLOAT_KERNELS(floor, floorf(v), floor(v))
FLOAT_KERNELS(ceil, ceilf(v), ceil(v))
/* Round-11: half to even, which is rint under the default rounding mode. */
FLOAT_KERNELS(round, nearbyintf(v), nearbyint(v))
FLOAT_KERNELS(sign, onr_fsel(v > 0, 1.0f, onr_fsel(v < 0, -1.0f, v)), v > 0 ? 1.0 : v < 0 ? -1.0 : v)
FLOAT_KERNELS(sin, sinf(v), sin(v))
FLOAT_KERNELS(cos, cosf(v), cos(v))
FLOAT_KERNELS(tan, tanf(v), tan(v))
FLOAT_KERNELS(asin, asinf(v), asin(v))
FLOAT_KERNELS(acos, acosf(v), acos(v))
FLOAT_KERNELS(atan, atanf(v), atan(v))
FLOAT_KERNELS(sinh, sinhf(v), sinh(v))
FLOAT_KERNELS(cosh, coshf(v), cosh(v))
FLOAT_KERNELS(asinh, asinhf(v), asinh(v))
FLOAT_KERNELS(acosh, acoshf(v), acosh(v))
FLOAT_KERNELS(atanh, atanhf(v), atanh(v))
FLOAT_KERNELS(softsign, v / (1.0f + fabsf(v)), v / (1.0 + fabs(v)))
/* ThresholdedRelu-10: y = x > alpha ? x : 0 */
FLOAT_KERNELS(thresholdedrelu, onr_fsel(v > alpha, v, 0.0f), v > alpha ? v : 0.0)
/* Celu-12: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) */
FLOAT_KERNELS(celu, onr_fsel(v > 0, v, alpha * expm1f(v / alpha)), v > 0 ? v : alpha * expm1(v / alpha))
/* Mish-18: x * tanh(softplus(x)) */
FLOAT_KERNELS(mish, v * onr_tanhf(v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v))),
              v * tanh(v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))))
/* Shrink-9 (alpha = lambd, beta = bias): x < -lambd ? x + bias : x > lambd ? x - bias : 0 */
FLOAT_KERNELS(shrink, v < -alpha ? v + beta : v > alpha ? v - beta : 0.0f,
              v < -alpha ? v + beta : v > alpha ? v - beta : 0.0)
/* Gelu-20: x/2 * (1 + erf(x / sqrt 2)); approximate="tanh": x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
FLOAT_KERNELS(gelu, 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)), 0.5 * v * (1.0 + erf(v * 0.70710678118654752)))
FLOAT_KERNELS(gelu_tanh, 0.5f * v * (1.0f + onr_tanhf(0.79788456080286536f * (v + 0.044715f * v * v * v))),
              0.5 * v * (1.0 + tanh(0.79788456080286536 * (v + 0.044715 * v * v * v))))

/* ---- integer kernels ---------------------------------------------------------------------------- */

#define INT_TYPES(X)                                                                                          \
    X(i8, int8_t, uint8_t, INT8_MIN, INT8_MAX)                                                                \
    X(i16, int16_t, uint16_t, INT16_MIN, INT16_MAX)                                                           \
    X(i32, int32_t, uint32_t, INT32_MIN, INT32_MAX)                                                           \
    X(i64, int64_t, uint64_t, INT64_MIN, INT64_MAX)                                                           \
    X(u8, uint8_t, uint8_t, 0, UINT8_MAX)                                                                     \
    X(u16, uint16_t, uint16_t, 0, UINT16_MAX)                                                                 \
    X(u32, uint32_t, uint32_t, 0, UINT32_MAX)                                                                 \
    X(u64, uint64_t, uint64_t, 0, UINT64_MAX)

/* Negation through the unsigned type: wraps instead of overflowing (no UB for the minimum). */
#define SIGNED_KERNELS(sfx, T, UT, TMIN, TMAX)                                                                \
    static void relu_##sfx(void *yv, const void *xv, size_t n, const uargs *a)                               \
    {                                                                                                         \
        T *y = yv;                                                                                            \
        const T *x = xv;                                                                                      \
        (void)a;                                                                                              \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = x[i] > 0 ? x[i] : 0;                                                                       \
    }                                                                                                         \
    static void neg_##sfx(void *yv, const void *xv, size_t n, const uargs *a)                                \
    {                                                                                                         \
        T *y = yv;                                                                                            \
        const T *x = xv;                                                                                      \
        (void)a;                                                                                              \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = (T)(UT)(0u - (UT)x[i]);                                                                    \
    }
#define INT_KERNELS(sfx, T, UT, TMIN, TMAX)                                                                   \
    static void abs_##sfx(void *yv, const void *xv, size_t n, const uargs *a)                                \
    {                                                                                                         \
        T *y = yv;                                                                                            \
        const T *x = xv;                                                                                      \
        (void)a;                                                                                              \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = x[i] > 0 || x[i] == 0 ? x[i] : (T)(UT)(0u - (UT)x[i]);                                     \
    }                                                                                                         \
    static void sign_##sfx(void *yv, const void *xv, size_t n, const uargs *a)                               \
    {                                                                                                         \
        T *y = yv;                                                                                            \
        const T *x = xv;                                                                                      \
        (void)a;                                                                                              \
        for (size_t i = 0; i < n; i++) /* -1 of an unsigned type never happens: x < 0 is false */             \
            y[i] = x[i] > 0 ? (T)1 : x[i] == 0 ? (T)0 : (T)-1;                                               \
    }                                                                                                         \
    static void clip_##sfx(void *yv, const void *xv, size_t n, const uargs *a)                               \
    {                                                                                                         \
        T *y = yv;                                                                                            \
        const T *x = xv;                                                                                      \
        const T lo = a->lo_p ? *(const T *)a->lo_p : (T)(TMIN);                                               \
        const T hi = a->hi_p ? *(const T *)a->hi_p : (T)(TMAX);                                               \
        const T lo_ = lo > hi ? hi : lo;                                                                      \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = x[i] < lo_ ? lo_ : x[i] > hi ? hi : x[i];                                                  \
    }
INT_TYPES(INT_KERNELS)
SIGNED_KERNELS(i8, int8_t, uint8_t, INT8_MIN, INT8_MAX)
SIGNED_KERNELS(i16, int16_t, uint16_t, INT16_MIN, INT16_MAX)
SIGNED_KERNELS(i32, int32_t, uint32_t, INT32_MIN, INT32_MAX)
SIGNED_KERNELS(i64, int64_t, uint64_t, INT64_MIN, INT64_MAX)

#define SIGNED_SET(k) {k##_i8, k##_i16, k##_i32, k##_i64, NULL, NULL, NULL, NULL}
#define ALL_SET(k) {k##_i8, k##_i16, k##_i32, k##_i64, k##_u8, k##_u16, k##_u32, k##_u64}

#define SELU_ALPHA 1.67326319217681884765625f
#define SELU_GAMMA 1.05070102214813232421875f

/* Grain: elements per task. Branch/arith ops run ~1 ns per element, transcendental ones ~10. */
#define CHEAP 65536
#define COSTLY 8192

static const unary_op ops[] = {
    {"Relu", relu_f32, relu_f64, SIGNED_SET(relu), CHEAP, {0}, {0}},
    {"LeakyRelu", leakyrelu_f32, leakyrelu_f64, {0}, CHEAP, {"alpha"}, {0.01f}},
    {"Elu", elu_f32, elu_f64, {0}, COSTLY, {"alpha"}, {1.0f}},
    {"Selu", selu_f32, selu_f64, {0}, COSTLY, {"alpha", NULL, "gamma"}, {SELU_ALPHA, 0, SELU_GAMMA}},
    {"Sigmoid", sigmoid_f32, sigmoid_f64, {0}, COSTLY, {0}, {0}},
    {"HardSigmoid", hardsigmoid_f32, hardsigmoid_f64, {0}, CHEAP, {"alpha", "beta"}, {0.2f, 0.5f}},
    {"HardSwish", hardswish_f32, hardswish_f64, {0}, CHEAP, {0}, {0}},
    {"Tanh", tanh_f32, tanh_f64, {0}, COSTLY, {0}, {0}},
    {"Softplus", softplus_f32, softplus_f64, {0}, COSTLY, {0}, {0}},
    {"Erf", erf_f32, erf_f64, {0}, COSTLY, {0}, {0}},
    {"Sqrt", sqrt_f32, sqrt_f64, {0}, CHEAP, {0}, {0}},
    {"Exp", exp_f32, exp_f64, {0}, COSTLY, {0}, {0}},
    {"Log", log_f32, log_f64, {0}, COSTLY, {0}, {0}},
    {"Neg", neg_f32, neg_f64, SIGNED_SET(neg), CHEAP, {0}, {0}},
    {"Abs", abs_f32, abs_f64, ALL_SET(abs), CHEAP, {0}, {0}},
    {"Clip", clip_f32, clip_f64, ALL_SET(clip), CHEAP, {0}, {0}},
    {"Reciprocal", reciprocal_f32, reciprocal_f64, {0}, CHEAP, {0}, {0}},
    {"Floor", floor_f32, floor_f64, {0}, CHEAP, {0}, {0}},
    {"Ceil", ceil_f32, ceil_f64, {0}, CHEAP, {0}, {0}},
    {"Round", round_f32, round_f64, {0}, CHEAP, {0}, {0}},
    {"Sign", sign_f32, sign_f64, ALL_SET(sign), CHEAP, {0}, {0}},
    {"Sin", sin_f32, sin_f64, {0}, COSTLY, {0}, {0}},
    {"Cos", cos_f32, cos_f64, {0}, COSTLY, {0}, {0}},
    {"Tan", tan_f32, tan_f64, {0}, COSTLY, {0}, {0}},
    {"Asin", asin_f32, asin_f64, {0}, COSTLY, {0}, {0}},
    {"Acos", acos_f32, acos_f64, {0}, COSTLY, {0}, {0}},
    {"Atan", atan_f32, atan_f64, {0}, COSTLY, {0}, {0}},
    {"Sinh", sinh_f32, sinh_f64, {0}, COSTLY, {0}, {0}},
    {"Cosh", cosh_f32, cosh_f64, {0}, COSTLY, {0}, {0}},
    {"Asinh", asinh_f32, asinh_f64, {0}, COSTLY, {0}, {0}},
    {"Acosh", acosh_f32, acosh_f64, {0}, COSTLY, {0}, {0}},
    {"Atanh", atanh_f32, atanh_f64, {0}, COSTLY, {0}, {0}},
    {"Softsign", softsign_f32, softsign_f64, {0}, CHEAP, {0}, {0}},
    {"ThresholdedRelu", thresholdedrelu_f32, thresholdedrelu_f64, {0}, CHEAP, {"alpha"}, {1.0f}},
    {"Celu", celu_f32, celu_f64, {0}, COSTLY, {"alpha"}, {1.0f}},
    {"Mish", mish_f32, mish_f64, {0}, COSTLY, {0}, {0}},
    {"Shrink", shrink_f32, shrink_f64, {0}, CHEAP, {"lambd", "bias"}, {0.5f, 0.0f}},
    {"Gelu", gelu_f32, gelu_f64, {0}, COSTLY, {0}, {0}},
    {"Gelu:tanh", gelu_tanh_f32, gelu_tanh_f64, {0}, COSTLY, {0}, {0}}, /* Gelu with approximate="tanh" */
};

static int int_index(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_INT8: return I8;
    case ONR_DTYPE_INT16: return I16;
    case ONR_DTYPE_INT32: return I32;
    case ONR_DTYPE_INT64: return I64;
    case ONR_DTYPE_UINT8: return U8;
    case ONR_DTYPE_UINT16: return U16;
    case ONR_DTYPE_UINT32: return U32;
    case ONR_DTYPE_UINT64: return U64;
    default: return -1;
    }
}

static bool is_float(onr_dtype t)
{
    return onr_dtype_is_float(t);
}

/* ---- parse ---------------------------------------------------------------------------------------- */

static onr_status unary_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    unary_params *p = params;
    const char *name = node->op_type;
    bool gelu = strcmp(name, "Gelu") == 0, clip = strcmp(name, "Clip") == 0;
    const char *approx = "none";
    if (gelu) {
        const char *allowed[] = {"approximate", NULL};
        onr_status st = onr_attr_allow(node, allowed, err);
        if (st == ONR_OK)
            st = onr_attr_string(node, "approximate", "none", &approx, err);
        if (st != ONR_OK)
            return st;
        if (strcmp(approx, "tanh") == 0)
            name = "Gelu:tanh";
        else if (strcmp(approx, "none") != 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'approximate' = '%s' must be 'none' or 'tanh'",
                           approx);
    }
    const unary_op *op = NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].name, name) == 0)
            op = &ops[i];
    if (!op)
        return onr_err(err, ONR_E_INTERNAL, "unary op table has no %s", name);
    p->op = op;
    /* opset 1-5 carried the legacy `consumed_inputs` hint: accepted, ignored */
    const char *old = node->opset < 6 ? "consumed_inputs" : NULL;
    const char *allowed[5] = {0};
    int n = 0;
    if (clip && node->opset < 11) {
        allowed[n++] = "min";
        allowed[n++] = "max";
    }
    for (int k = 0; k < 3; k++)
        if (op->attr[k])
            allowed[n++] = op->attr[k];
    allowed[n++] = old;
    onr_status st = gelu ? ONR_OK : onr_attr_allow(node, allowed, err);
    float *slot[3] = {&p->alpha, &p->beta, &p->gamma};
    for (int k = 0; k < 3 && st == ONR_OK; k++)
        *slot[k] = op->def[k];
    for (int k = 0; k < 3 && st == ONR_OK; k++)
        if (op->attr[k])
            st = onr_attr_float(node, op->attr[k], op->def[k], slot[k], err);
    /* Clip < 11: absent bounds mean no bound (the spec's numeric_limits lowest/max). */
    if (st == ONR_OK)
        st = onr_attr_float(node, "min", -INFINITY, &p->min, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "max", INFINITY, &p->max, err);
    if (st != ONR_OK)
        return st;
    if (strcmp(name, "Celu") == 0 && p->alpha == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'alpha' of Celu must not be 0");
    p->bound_inputs = clip && node->opset >= 11;
    if (clip && node->opset < 11 && node->n_inputs > 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "Clip before opset 11 takes 1 input (bounds are attributes), got %zu",
                       node->n_inputs);
    return ONR_OK;
}

/* ---- infer ---------------------------------------------------------------------------------------- */

static onr_status check_bound(const onr_op_ctx *c, size_t i, const char *name, onr_error *err)
{
    const onr_tensor *b = c->n_in > i ? c->in[i] : NULL;
    if (!b)
        return ONR_OK;
    if (b->dtype != c->in[0]->dtype)
        return onr_err(err, ONR_E_INVALID_MODEL, "input '%s' has type %s, input has %s", name,
                       onr_dtype_name(b->dtype), onr_dtype_name(c->in[0]->dtype));
    if (onr_tensor_count(b) != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input '%s' must be a scalar, has %zu elements", name,
                       onr_tensor_count(b));
    return ONR_OK;
}

static onr_status unary_infer(onr_op_ctx *c, onr_error *err)
{
    const unary_params *p = c->params;
    onr_dtype t = c->in[0]->dtype;
    int ii = int_index(t);
    if (!is_float(t) && !(ii >= 0 && p->op->ints[ii]))
        return onr_err(err, ONR_E_UNSUPPORTED, "%s does not support input type %s", p->op->name, onr_dtype_name(t));
    onr_status st = check_bound(c, 1, "min", err);
    if (st == ONR_OK)
        st = check_bound(c, 2, "max", err);
    if (st != ONR_OK)
        return st;
    onr_tensor_copy_shape(c->out[0], c->in[0]);
    return ONR_OK;
}

/* ---- run ------------------------------------------------------------------------------------------ */

typedef struct unary_job {
    const unary_op *op;
    uargs a;
    onr_dtype t;
    const void *x;
    void *y;
} unary_job;

#define HALF_CHUNK 512

static void unary_range(void *arg, size_t begin, size_t end)
{
    const unary_job *j = arg;
    size_t n = end - begin;
    switch (j->t) {
    case ONR_DTYPE_FLOAT: j->op->f32((float *)j->y + begin, (const float *)j->x + begin, n, &j->a); return;
    case ONR_DTYPE_DOUBLE: j->op->f64((double *)j->y + begin, (const double *)j->x + begin, n, &j->a); return;
    case ONR_DTYPE_FLOAT16:
    case ONR_DTYPE_BFLOAT16: {
        const uint16_t *x = (const uint16_t *)j->x + begin;
        uint16_t *y = (uint16_t *)j->y + begin;
        bool h = j->t == ONR_DTYPE_FLOAT16;
        float buf[HALF_CHUNK];
        for (size_t s = 0; s < n; s += HALF_CHUNK) {
            size_t m = n - s < HALF_CHUNK ? n - s : HALF_CHUNK;
            for (size_t i = 0; i < m; i++)
                buf[i] = h ? onr_f16_to_f32(x[s + i]) : onr_bf16_to_f32(x[s + i]);
            j->op->f32(buf, buf, m, &j->a);
            for (size_t i = 0; i < m; i++)
                y[s + i] = h ? onr_f32_to_f16(buf[i]) : onr_f32_to_bf16(buf[i]);
        }
        return;
    }
    default: {
        size_t es = onr_dtype_size(j->t);
        j->op->ints[int_index(j->t)]((char *)j->y + begin * es, (const char *)j->x + begin * es, n, &j->a);
        return;
    }
    }
}

static onr_status unary_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const unary_params *p = c->params;
    unary_job j = {.op = p->op, .t = c->in[0]->dtype, .x = c->in[0]->data, .y = c->out[0]->data};
    j.a.alpha = p->alpha;
    j.a.beta = p->beta;
    j.a.gamma = p->gamma;
    j.a.lo = p->min;
    j.a.hi = p->max;
    if (p->bound_inputs) { /* Clip-11+: optional scalar inputs; an omitted bound is no bound */
        const onr_tensor *lo = c->n_in > 1 ? c->in[1] : NULL, *hi = c->n_in > 2 ? c->in[2] : NULL;
        j.a.lo_p = lo ? lo->data : NULL;
        j.a.hi_p = hi ? hi->data : NULL;
        j.a.lo = lo && is_float(j.t) ? onr_load_as_double(j.t, lo->data, 0) : -INFINITY;
        j.a.hi = hi && is_float(j.t) ? onr_load_as_double(j.t, hi->data, 0) : INFINITY;
    }
    onr_parallel_for(c->pool, onr_tensor_count(c->in[0]), p->op->grain, unary_range, &j);
    return ONR_OK;
}

/* ---- as a fusable clamp (op.h, ONR_OP_FUSES_CLAMP) -------------------------------------------------
 * Only float32: the fused kernels are float ones. Clip's bounds must be known at plan time (initializers
 * or folded constants, as exporters write them); they are read exactly as unary_run reads them. */

static bool relu_as_clamp(const onr_op_ctx *c, onr_clamp *clamp)
{
    if (c->out[0]->dtype != ONR_DTYPE_FLOAT)
        return false;
    *clamp = onr_clamp_make(0.0f, INFINITY);
    return true;
}

static bool clip_as_clamp(const onr_op_ctx *c, onr_clamp *clamp)
{
    const unary_params *p = c->params;
    if (c->out[0]->dtype != ONR_DTYPE_FLOAT)
        return false;
    float lo = p->min, hi = p->max;
    if (p->bound_inputs) {
        const onr_tensor *tlo = c->n_in > 1 ? c->in[1] : NULL, *thi = c->n_in > 2 ? c->in[2] : NULL;
        if ((tlo && !tlo->data) || (thi && !thi->data))
            return false;
        lo = tlo ? (float)onr_load_as_double(ONR_DTYPE_FLOAT, tlo->data, 0) : -INFINITY;
        hi = thi ? (float)onr_load_as_double(ONR_DTYPE_FLOAT, thi->data, 0) : INFINITY;
    }
    *clamp = onr_clamp_make(lo, hi);
    return true;
}

#define UNARY_DEF(sym, opname, from)                                                                          \
    const onr_op_def sym = {                                                                                  \
        .domain = "", .op_type = opname, .since = from, .until = 22,                                          \
        .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,                                                 \
        .params_size = sizeof(unary_params), .parse = unary_parse,                                            \
        .infer = unary_infer, .run = unary_run,                                                               \
    };

/* Relu: also a clamp the planner can fuse into the Conv before it. */
const onr_op_def onr_op_relu = {
    .domain = "", .op_type = "Relu", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(unary_params), .parse = unary_parse,
    .infer = unary_infer, .run = unary_run, .as_clamp = relu_as_clamp,
};
UNARY_DEF(onr_op_leakyrelu, "LeakyRelu", 1)
UNARY_DEF(onr_op_elu, "Elu", 1)
UNARY_DEF(onr_op_selu, "Selu", 1)
UNARY_DEF(onr_op_sigmoid, "Sigmoid", 1)
UNARY_DEF(onr_op_hardsigmoid, "HardSigmoid", 1)
UNARY_DEF(onr_op_hardswish, "HardSwish", 14)
UNARY_DEF(onr_op_tanh, "Tanh", 1)
UNARY_DEF(onr_op_softplus, "Softplus", 1)
UNARY_DEF(onr_op_erf, "Erf", 9)
UNARY_DEF(onr_op_sqrt, "Sqrt", 1)
UNARY_DEF(onr_op_exp, "Exp", 1)
UNARY_DEF(onr_op_log, "Log", 1)
UNARY_DEF(onr_op_neg, "Neg", 1)
UNARY_DEF(onr_op_abs, "Abs", 1)
UNARY_DEF(onr_op_reciprocal, "Reciprocal", 1)
UNARY_DEF(onr_op_floor, "Floor", 1)
UNARY_DEF(onr_op_ceil, "Ceil", 1)
UNARY_DEF(onr_op_round, "Round", 11)
UNARY_DEF(onr_op_sign, "Sign", 9)
UNARY_DEF(onr_op_sin, "Sin", 7)
UNARY_DEF(onr_op_cos, "Cos", 7)
UNARY_DEF(onr_op_tan, "Tan", 7)
UNARY_DEF(onr_op_asin, "Asin", 7)
UNARY_DEF(onr_op_acos, "Acos", 7)
UNARY_DEF(onr_op_atan, "Atan", 7)
UNARY_DEF(onr_op_sinh, "Sinh", 9)
UNARY_DEF(onr_op_cosh, "Cosh", 9)
UNARY_DEF(onr_op_asinh, "Asinh", 9)
UNARY_DEF(onr_op_acosh, "Acosh", 9)
UNARY_DEF(onr_op_atanh, "Atanh", 9)
UNARY_DEF(onr_op_softsign, "Softsign", 1)
UNARY_DEF(onr_op_thresholdedrelu, "ThresholdedRelu", 10)
UNARY_DEF(onr_op_celu, "Celu", 12)
UNARY_DEF(onr_op_mish, "Mish", 18)
UNARY_DEF(onr_op_shrink, "Shrink", 9)
UNARY_DEF(onr_op_gelu, "Gelu", 20)

/* Clip: bounds are attributes before opset 11, optional scalar inputs from 11. */
const onr_op_def onr_op_clip = {
    .domain = "", .op_type = "Clip", .since = 1, .until = 22,
    .min_in = 1, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(unary_params), .parse = unary_parse,
    .infer = unary_infer, .run = unary_run, .as_clamp = clip_as_clamp,
};

/* ---- Dropout ---------------------------------------------------------------------------------------
 * Inference is the identity (every opset; the spec: "If training_mode is false or not provided, the
 * output is the input"). Opset 1-6 `is_test` = 0 asked for training, which no exporter meant at
 * inference: it runs as the identity too. The optional mask is all ones: type T before 10, bool from
 * 10. Training mode (12+, input 2 true) is random unless the ratio is 0, which is the identity again;
 * a random dropout is refused. */

typedef struct dropout_params {
    float ratio;
} dropout_params;

static onr_status dropout_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    dropout_params *p = params;
    const char *v1[] = {"ratio", "is_test", "consumed_inputs", NULL};
    const char *v6[] = {"ratio", "is_test", NULL};
    const char *v7[] = {"ratio", NULL};
    const char *v12[] = {"seed", NULL};
    const char *const *allowed = node->opset < 6 ? v1 : node->opset < 7 ? v6 : node->opset < 12 ? v7 : v12;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "ratio", 0.5f, &p->ratio, err);
    if (st == ONR_OK && node->opset < 12 && node->n_inputs > 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "Dropout before opset 12 takes 1 input, got %zu", node->n_inputs);
    return st;
}

/* Training with a non-zero ratio is refused. Checked in infer when the inputs are constants (the usual
 * case: a load-time error), otherwise at run; the output shape never depends on them. */
static onr_status dropout_check_mode(const onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *ratio = c->n_in > 1 ? c->in[1] : NULL, *mode = c->n_in > 2 ? c->in[2] : NULL;
    if (!mode || !mode->data || onr_tensor_count(mode) == 0 || !((const uint8_t *)mode->data)[0])
        return ONR_OK;
    if (ratio && !ratio->data)
        return ONR_OK; /* infer with a run-time ratio: run checks again */
    double r = ratio ? onr_load_as_double(ratio->dtype, ratio->data, 0) : 0.5;
    if (r != 0)
        return onr_err(err, ONR_E_UNSUPPORTED,
                       "training_mode=true with ratio %g is random dropout; onnxrun runs inference only", r);
    return ONR_OK;
}

static onr_status dropout_infer(onr_op_ctx *c, onr_error *err)
{
    onr_dtype t = c->in[0]->dtype;
    if (!is_float(t))
        return onr_err(err, ONR_E_UNSUPPORTED, "Dropout does not support input type %s", onr_dtype_name(t));
    const onr_tensor *mode = c->n_in > 2 ? c->in[2] : NULL;
    if (mode && (mode->dtype != ONR_DTYPE_BOOL || onr_tensor_count(mode) != 1))
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'training_mode' must be a bool scalar");
    const onr_tensor *ratio = c->n_in > 1 ? c->in[1] : NULL;
    if (ratio && (!is_float(ratio->dtype) || onr_tensor_count(ratio) != 1))
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'ratio' must be a float scalar");
    onr_status st = dropout_check_mode(c, err);
    if (st != ONR_OK)
        return st;
    onr_tensor_copy_shape(c->out[0], c->in[0]);
    if (c->n_out > 1 && c->out[1]) {
        onr_tensor_copy_shape(c->out[1], c->in[0]);
        c->out[1]->dtype = c->opset >= 10 ? ONR_DTYPE_BOOL : t;
    }
    return ONR_OK;
}

static onr_status dropout_run(onr_op_ctx *c, onr_error *err)
{
    onr_status st = dropout_check_mode(c, err);
    if (st != ONR_OK)
        return st;
    if (c->out[0]->data != c->in[0]->data)
        memcpy(c->out[0]->data, c->in[0]->data, onr_tensor_bytes(c->in[0]));
    onr_tensor *mask = c->n_out > 1 ? c->out[1] : NULL;
    if (mask) {
        size_t n = onr_tensor_count(mask);
        if (mask->dtype == ONR_DTYPE_BOOL)
            memset(mask->data, 1, n);
        else
            for (size_t i = 0; i < n; i++)
                onr_store_from_double(mask->dtype, mask->data, i, 1.0);
    }
    return ONR_OK;
}

const onr_op_def onr_op_dropout = {
    .domain = "", .op_type = "Dropout", .since = 1, .until = 22,
    .min_in = 1, .max_in = 3, .min_out = 1, .max_out = 2,
    .params_size = sizeof(dropout_params), .parse = dropout_parse,
    .infer = dropout_infer, .run = dropout_run, .flags = ONR_OP_ALIAS_INPUT0,
};

/* ---- IsNaN, IsInf (float types -> bool), Not (bool -> bool) -------------------------------------- */

typedef struct pred_params {
    int kind; /* 0 IsNaN, 1 IsInf, 2 Not */
    int64_t neg, pos; /* IsInf detect_negative / detect_positive */
} pred_params;

static onr_status pred_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    pred_params *p = params;
    p->kind = strcmp(node->op_type, "IsNaN") == 0 ? 0 : strcmp(node->op_type, "IsInf") == 0 ? 1 : 2;
    const char *isinf_attrs[] = {"detect_negative", "detect_positive", NULL};
    const char *none[] = {NULL};
    onr_status st = onr_attr_allow(node, p->kind == 1 ? isinf_attrs : none, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "detect_negative", 1, &p->neg, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "detect_positive", 1, &p->pos, err);
    return st;
}

static onr_status pred_infer(onr_op_ctx *c, onr_error *err)
{
    const pred_params *p = c->params;
    onr_dtype t = c->in[0]->dtype;
    if (p->kind == 2 ? t != ONR_DTYPE_BOOL : !is_float(t))
        return onr_err(err, ONR_E_UNSUPPORTED, "input type %s is not supported", onr_dtype_name(t));
    onr_tensor_copy_shape(c->out[0], c->in[0]);
    c->out[0]->dtype = ONR_DTYPE_BOOL;
    return ONR_OK;
}

static onr_status pred_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const pred_params *p = c->params;
    const onr_tensor *x = c->in[0];
    uint8_t *y = c->out[0]->data;
    size_t n = onr_tensor_count(x);
    if (p->kind == 2) {
        const uint8_t *b = x->data;
        for (size_t i = 0; i < n; i++)
            y[i] = !b[i];
        return ONR_OK;
    }
    for (size_t i = 0; i < n; i++) {
        double v = onr_load_as_double(x->dtype, x->data, i); /* exact for every float type */
        y[i] = p->kind == 0 ? isnan(v) : (isinf(v) && ((v > 0 && p->pos) || (v < 0 && p->neg)));
    }
    return ONR_OK;
}

#define PRED_DEF(sym, opname, from)                                                                           \
    const onr_op_def sym = {                                                                                  \
        .domain = "", .op_type = opname, .since = from, .until = 22,                                          \
        .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,                                                 \
        .params_size = sizeof(pred_params), .parse = pred_parse,                                              \
        .infer = pred_infer, .run = pred_run,                                                                 \
    };
PRED_DEF(onr_op_isnan, "IsNaN", 9)
PRED_DEF(onr_op_isinf, "IsInf", 10)
PRED_DEF(onr_op_not, "Not", 1)
