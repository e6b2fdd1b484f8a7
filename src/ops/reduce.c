/* reduce.c: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum,
 * ReduceLogSumExp, ReduceSumSquare.
 *
 * Axes: an `axes` attribute before opset 13 (ReduceSum) / 18 (the others), an optional int64 input from
 * then on, which sets the output shape (ONR_E_NEEDS_DATA until known). No axes means every axis,
 * unless noop_with_empty_axes=1 (input form only), which makes the op the identity. Negative axes count
 * from the back; repeated axes are invalid. keepdims (default 1) keeps reduced axes as 1. Reducing an
 * empty set gives the identity of the fold, as the opset-18 spec text and numpy do: 0 (Sum, L1, L2,
 * SumSquare), 1 (Prod), -inf / +inf or the integer type's limits (Max / Min), NaN (Mean: 0/0; 0 for
 * integers), log(0) = -inf (LogSum, LogSumExp).
 *
 * Every op is fold(pre(x)) then post: pre in {x, |x|, x^2, exp x}, fold in {+, *, max, min}, post in
 * {-, /count, sqrt, log}. LogSumExp is computed as written in the spec (no max shift), like the ONNX
 * reference.
 *
 * Kernel: axes of size 1 are dropped and neighbours with the same role merged, giving groups
 * [K0, R1, K2, ...] (a leading kept group of 1 is added when needed). Threads split the leading kept
 * group, whose outputs are disjoint. Each step handles the innermost group as a contiguous run: a
 * reduced run folds into one accumulator (8 partial lanes for + and *); a kept run folds element by
 * element into a row of outputs (both vectorize). float16/bfloat16 accumulate in float in scratch
 * memory; float accumulates in float, double in double, integers wrap in their own type. Max/Min keep
 * NaN (numpy.maximum.reduce). */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

enum { F_ADD, F_MUL, F_MAX, F_MIN };     /* fold */
enum { P_NONE, P_ABS, P_SQ, P_EXP, N_PRE }; /* per-element transform before the fold */
enum { Q_NONE, Q_MEAN, Q_SQRT, Q_LOG };   /* per-output transform after it */

typedef struct reduce_kind {
    const char *name;
    int fold, pre, post;
    bool ints;       /* defined for integer types */
    int input_from;  /* opset from which axes is an input */
} reduce_kind;

static const reduce_kind kinds[] = {
    {"ReduceSum", F_ADD, P_NONE, Q_NONE, true, 13},
    {"ReduceMean", F_ADD, P_NONE, Q_MEAN, true, 18},
    {"ReduceMax", F_MAX, P_NONE, Q_NONE, true, 18},
    {"ReduceMin", F_MIN, P_NONE, Q_NONE, true, 18},
    {"ReduceProd", F_MUL, P_NONE, Q_NONE, true, 18},
    {"ReduceL1", F_ADD, P_ABS, Q_NONE, true, 18},
    {"ReduceL2", F_ADD, P_SQ, Q_SQRT, false, 18},
    {"ReduceLogSum", F_ADD, P_NONE, Q_LOG, false, 18},
    {"ReduceLogSumExp", F_ADD, P_EXP, Q_LOG, false, 18},
    {"ReduceSumSquare", F_ADD, P_SQ, Q_NONE, true, 18},
};

typedef struct reduce_params {
    const reduce_kind *kind;
    bool axes_input; /* axes come from input 1 (ReduceSum 13+, others 18+) */
    int64_t keepdims, noop_empty;
    const int64_t *axes; /* attribute form; points into the model's attribute */
    size_t n_axes;
} reduce_params;

static onr_status reduce_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    reduce_params *p = params;
    const char *op = node->op_type;
    p->kind = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, op) == 0)
            p->kind = &kinds[i];
    if (!p->kind)
        return onr_err(err, ONR_E_INTERNAL, "reduce table has no %s", op);
    p->axes_input = node->opset >= p->kind->input_from;
    const char *attr_form[] = {"axes", "keepdims", NULL};
    const char *input_form[] = {"keepdims", "noop_with_empty_axes", NULL};
    onr_status st = onr_attr_allow(node, p->axes_input ? input_form : attr_form, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "keepdims", 1, &p->keepdims, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "noop_with_empty_axes", 0, &p->noop_empty, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "axes", &p->axes, &p->n_axes, err);
    if (st == ONR_OK && !p->axes_input && node->n_inputs > 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s at opset %lld takes 1 input (axes is an attribute), got %zu",
                       op, (long long)node->opset, node->n_inputs);
    return st;
}

/* Which axes reduce; *noop when the op is the identity (empty axes with noop_with_empty_axes). The axes
 * input decides the output shape: onr_input_ints reports ONR_E_NEEDS_DATA while it is unknown. */
static onr_status resolve_axes(const onr_op_ctx *c, bool *red, bool *noop, onr_error *err)
{
    const reduce_params *p = c->params;
    int32_t r = c->in[0]->rank;
    const onr_tensor *at = p->axes_input && c->n_in > 1 ? c->in[1] : NULL;
    int64_t vals[ONR_MAX_RANK], norm[ONR_MAX_RANK];
    const int64_t *axes = p->axes;
    size_t n = p->axes_input ? 0 : p->n_axes;
    if (at) {
        onr_status st = onr_input_ints(at, "input 'axes'", ONR_MAX_RANK, vals, &n, err);
        if (st != ONR_OK)
            return st;
        axes = vals;
    }
    if (n > ONR_MAX_RANK)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axes' has %zu values for rank %d", n, (int)r);
    onr_status st = onr_axes_norm(axes, n, r, at ? "input 'axes'" : "attribute 'axes'", norm, err);
    if (st != ONR_OK)
        return st;
    /* No axes: all of them, or none with noop_with_empty_axes. */
    *noop = n == 0 && p->noop_empty != 0;
    for (int32_t i = 0; i < r; i++)
        red[i] = n == 0 && !*noop;
    for (size_t k = 0; k < n; k++)
        red[norm[k]] = true;
    return ONR_OK;
}

static bool is_half(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

static bool supported(onr_dtype t)
{
    return onr_dtype_is_float(t) || t == ONR_DTYPE_INT8 || t == ONR_DTYPE_INT16 || t == ONR_DTYPE_INT32 ||
           t == ONR_DTYPE_INT64 || t == ONR_DTYPE_UINT8 || t == ONR_DTYPE_UINT16 || t == ONR_DTYPE_UINT32 ||
           t == ONR_DTYPE_UINT64;
}

static onr_status reduce_infer(onr_op_ctx *c, onr_error *err)
{
    const reduce_params *p = c->params;
    const onr_tensor *x = c->in[0];
    bool red[ONR_MAX_RANK], noop;
    if (!supported(x->dtype) || (!p->kind->ints && !onr_dtype_is_float(x->dtype)))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(x->dtype));
    onr_status st = resolve_axes(c, red, &noop, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->rank = 0;
    for (int32_t i = 0; i < ONR_MAX_RANK; i++)
        y->dims[i] = 0;
    for (int32_t i = 0; i < x->rank; i++) {
        if (!red[i])
            y->dims[y->rank++] = x->dims[i];
        else if (p->keepdims)
            y->dims[y->rank++] = 1;
    }
    c->scratch_bytes = 0;
    if (is_half(x->dtype) && !noop) { /* float accumulators, one per output */
        size_t n;
        st = onr_shape_count(y->rank, y->dims, &n, "output", err);
        if (st == ONR_OK && !onr_mul_size(n, sizeof(float), &c->scratch_bytes))
            return onr_err(err, ONR_E_NOMEM, "scratch size overflows");
    }
    return st;
}

/* ---- kernels -------------------------------------------------------------------------------------- */

typedef struct reduce_job {
    int fold, post;
    int m;                        /* groups; groups[0] is kept */
    size_t g[ONR_MAX_RANK + 1];   /* group sizes */
    size_t istr[ONR_MAX_RANK + 1], ostr[ONR_MAX_RANK + 1]; /* element strides; ostr 0 on reduced groups */
    size_t middle;                /* product of groups 1 .. m-2 */
    size_t count;                 /* elements reduced into each output */
    bool inner_reduced;
    const void *x;
    void *acc;                    /* the output, or float scratch for halves */
} reduce_job;

/* Offsets of middle position t (groups 1 .. m-2). */
static void middle_offsets(const reduce_job *j, size_t t, size_t *io, size_t *oo)
{
    size_t i = 0, o = 0;
    for (int k = j->m - 2; k >= 1; k--) {
        size_t d = t % j->g[k];
        t /= j->g[k];
        i += d * j->istr[k];
        o += d * j->ostr[k];
    }
    *io = i;
    *oo = o;
}

/* Float folds keep NaN: v > a is false for NaN, so NaN is tested on its own. */
#define FADD(a, v) ((a) + (v))
#define FMUL(a, v) ((a) * (v))
#define FMAX(a, v) (((v) > (a) || (v) != (v)) ? (v) : (a))
#define FMIN(a, v) (((v) < (a) || (v) != (v)) ? (v) : (a))

/* One kernel per stored type T, accumulator type A and load-with-transform LD. POST(a, n) finishes an
 * output (post-transform kinds are float-only). The partial-lane loops fold 8 independent lanes. */
#define REDUCE_KERNEL(name, T, A, LD, ADD, MUL, MAX, MIN, MAXID, MINID, POST)                                \
    static void name(const reduce_job *j, size_t b, size_t e)                                                \
    {                                                                                                         \
        const T *x = j->x;                                                                                    \
        A *acc = j->acc;                                                                                      \
        const int f = j->fold;                                                                                \
        const A id = f == F_MAX ? (A)(MAXID) : f == F_MIN ? (A)(MINID) : f == F_MUL ? (A)1 : (A)0;            \
        const size_t ob = b * j->ostr[0], oe = e * j->ostr[0], L = j->g[j->m - 1];                            \
        for (size_t o = ob; o < oe; o++)                                                                      \
            acc[o] = id;                                                                                      \
        for (size_t i0 = b; i0 < e && j->count; i0++)                                                         \
            for (size_t t = 0; t < j->middle; t++) {                                                          \
                size_t io, oo;                                                                                \
                middle_offsets(j, t, &io, &oo);                                                               \
                const T *xs = x + i0 * j->istr[0] + io;                                                       \
                A *as = acc + i0 * j->ostr[0] + oo;                                                           \
                if (j->inner_reduced && (f == F_MAX || f == F_MIN)) {                                         \
                    A s = as[0];                                                                              \
                    if (f == F_MAX)                                                                           \
                        for (size_t i = 0; i < L; i++)                                                        \
                            s = MAX(s, LD(&xs[i]));                                                           \
                    else                                                                                      \
                        for (size_t i = 0; i < L; i++)                                                        \
                            s = MIN(s, LD(&xs[i]));                                                           \
                    as[0] = s;                                                                                \
                } else if (j->inner_reduced) {                                                                \
                    A s[8] = {id, id, id, id, id, id, id, id};                                                \
                    size_t i = 0;                                                                             \
                    if (f == F_ADD) {                                                                         \
                        for (; i + 8 <= L; i += 8)                                                            \
                            for (int k = 0; k < 8; k++)                                                       \
                                s[k] = ADD(s[k], LD(&xs[i + k]));                                             \
                        for (; i < L; i++)                                                                    \
                            s[0] = ADD(s[0], LD(&xs[i]));                                                     \
                        as[0] = ADD(as[0], ADD(ADD(ADD(s[0], s[1]), ADD(s[2], s[3])),                         \
                                               ADD(ADD(s[4], s[5]), ADD(s[6], s[7]))));                       \
                    } else {                                                                                  \
                        for (; i + 8 <= L; i += 8)                                                            \
                            for (int k = 0; k < 8; k++)                                                       \
                                s[k] = MUL(s[k], LD(&xs[i + k]));                                             \
                        for (; i < L; i++)                                                                    \
                            s[0] = MUL(s[0], LD(&xs[i]));                                                     \
                        as[0] = MUL(as[0], MUL(MUL(MUL(s[0], s[1]), MUL(s[2], s[3])),                         \
                                               MUL(MUL(s[4], s[5]), MUL(s[6], s[7]))));                       \
                    }                                                                                         \
                } else {                                                                                      \
                    switch (f) {                                                                              \
                    case F_ADD:                                                                               \
                        for (size_t i = 0; i < L; i++)                                                        \
                            as[i] = ADD(as[i], LD(&xs[i]));                                                   \
                        break;                                                                                \
                    case F_MUL:                                                                               \
                        for (size_t i = 0; i < L; i++)                                                        \
                            as[i] = MUL(as[i], LD(&xs[i]));                                                   \
                        break;                                                                                \
                    case F_MAX:                                                                               \
                        for (size_t i = 0; i < L; i++)                                                        \
                            as[i] = MAX(as[i], LD(&xs[i]));                                                   \
                        break;                                                                                \
                    default:                                                                                  \
                        for (size_t i = 0; i < L; i++)                                                        \
                            as[i] = MIN(as[i], LD(&xs[i]));                                                   \
                        break;                                                                                \
                    }                                                                                         \
                }                                                                                             \
            }                                                                                                 \
        if (j->post != Q_NONE)                                                                                \
            for (size_t o = ob; o < oe; o++)                                                                  \
                acc[o] = POST(j->post, acc[o], j->count);                                                     \
    }

/* float-family loads with each transform */
#define LD32(p) (*(p))
#define LD16(p) onr_f16_to_f32(*(p))
#define LDB16(p) onr_bf16_to_f32(*(p))
#define FLOAT_FAMILY(sfx, T, A, BASE, EXPF, SQRTF, LOGF)                                                      \
    static inline A post_##sfx(int q, A a, size_t n)                                                          \
    {                                                                                                         \
        return q == Q_MEAN ? a / (A)n : q == Q_SQRT ? SQRTF(a) : q == Q_LOG ? LOGF(a) : a;                    \
    }                                                                                                         \
    static inline A ldn_##sfx(const T *p) { return (A)BASE(p); }                                              \
    static inline A lda_##sfx(const T *p) { return (A)fabs((double)BASE(p)) ; }                               \
    static inline A lds_##sfx(const T *p) { A v = (A)BASE(p); return v * v; }                                 \
    static inline A lde_##sfx(const T *p) { return EXPF((A)BASE(p)); }                                        \
    REDUCE_KERNEL(reduce_##sfx##_n, T, A, ldn_##sfx, FADD, FMUL, FMAX, FMIN, -INFINITY, INFINITY, post_##sfx) \
    REDUCE_KERNEL(reduce_##sfx##_a, T, A, lda_##sfx, FADD, FMUL, FMAX, FMIN, -INFINITY, INFINITY, post_##sfx) \
    REDUCE_KERNEL(reduce_##sfx##_s, T, A, lds_##sfx, FADD, FMUL, FMAX, FMIN, -INFINITY, INFINITY, post_##sfx) \
    REDUCE_KERNEL(reduce_##sfx##_e, T, A, lde_##sfx, FADD, FMUL, FMAX, FMIN, -INFINITY, INFINITY, post_##sfx)
FLOAT_FAMILY(f32, float, float, LD32, expf, sqrtf, logf)
FLOAT_FAMILY(f64, double, double, LD32, exp, sqrt, log)
FLOAT_FAMILY(f16, uint16_t, float, LD16, expf, sqrtf, logf)
FLOAT_FAMILY(bf16, uint16_t, float, LDB16, expf, sqrtf, logf)

/* Integers: folds wrap through the unsigned type UW; the mean truncates toward zero (C division);
 * |x| of the minimum wraps to itself. Post transforms other than the mean are float-only. */
#define INT_FAMILY(sfx, T, UW, W, TMIN, TMAX)                                                                 \
    static inline T add_##sfx(T a, T v) { return (T)((UW)a + (UW)v); }                                        \
    static inline T mul_##sfx(T a, T v) { return (T)((UW)a * (UW)v); }                                        \
    static inline T max_##sfx(T a, T v) { return v > a ? v : a; }                                             \
    static inline T min_##sfx(T a, T v) { return v < a ? v : a; }                                             \
    static inline T post_##sfx(int q, T a, size_t n) { return q == Q_MEAN && n ? (T)((W)a / (W)n) : a; }       \
    static inline T ldn_##sfx(const T *p) { return *p; }                                                      \
    static inline T lda_##sfx(const T *p) { return *p > 0 || *p == 0 ? *p : (T)(0u - (UW)*p); }               \
    static inline T lds_##sfx(const T *p) { return mul_##sfx(*p, *p); }                                       \
    REDUCE_KERNEL(reduce_##sfx##_n, T, T, ldn_##sfx, add_##sfx, mul_##sfx, max_##sfx, min_##sfx, TMIN, TMAX,  \
                  post_##sfx)                                                                                 \
    REDUCE_KERNEL(reduce_##sfx##_a, T, T, lda_##sfx, add_##sfx, mul_##sfx, max_##sfx, min_##sfx, TMIN, TMAX,  \
                  post_##sfx)                                                                                 \
    REDUCE_KERNEL(reduce_##sfx##_s, T, T, lds_##sfx, add_##sfx, mul_##sfx, max_##sfx, min_##sfx, TMIN, TMAX,  \
                  post_##sfx)
INT_FAMILY(i8, int8_t, uint32_t, int64_t, INT8_MIN, INT8_MAX)
INT_FAMILY(i16, int16_t, uint32_t, int64_t, INT16_MIN, INT16_MAX)
INT_FAMILY(i32, int32_t, uint32_t, int64_t, INT32_MIN, INT32_MAX)
INT_FAMILY(i64, int64_t, uint64_t, int64_t, INT64_MIN, INT64_MAX)
INT_FAMILY(u8, uint8_t, uint32_t, uint64_t, 0, UINT8_MAX)
INT_FAMILY(u16, uint16_t, uint32_t, uint64_t, 0, UINT16_MAX)
INT_FAMILY(u32, uint32_t, uint32_t, uint64_t, 0, UINT32_MAX)
INT_FAMILY(u64, uint64_t, uint64_t, uint64_t, 0, UINT64_MAX)

typedef void (*reduce_fn)(const reduce_job *j, size_t b, size_t e);

#define FSET(sfx) {reduce_##sfx##_n, reduce_##sfx##_a, reduce_##sfx##_s, reduce_##sfx##_e}
#define ISET(sfx) {reduce_##sfx##_n, reduce_##sfx##_a, reduce_##sfx##_s, NULL}

static reduce_fn kernel_for(onr_dtype t, int pre)
{
    static const reduce_fn f32[N_PRE] = FSET(f32), f64[N_PRE] = FSET(f64), f16[N_PRE] = FSET(f16),
                           bf16[N_PRE] = FSET(bf16), i8[N_PRE] = ISET(i8), i16[N_PRE] = ISET(i16),
                           i32[N_PRE] = ISET(i32), i64[N_PRE] = ISET(i64), u8[N_PRE] = ISET(u8),
                           u16[N_PRE] = ISET(u16), u32[N_PRE] = ISET(u32), u64[N_PRE] = ISET(u64);
    switch (t) {
    case ONR_DTYPE_FLOAT: return f32[pre];
    case ONR_DTYPE_DOUBLE: return f64[pre];
    case ONR_DTYPE_FLOAT16: return f16[pre];
    case ONR_DTYPE_BFLOAT16: return bf16[pre];
    case ONR_DTYPE_INT8: return i8[pre];
    case ONR_DTYPE_INT16: return i16[pre];
    case ONR_DTYPE_INT32: return i32[pre];
    case ONR_DTYPE_INT64: return i64[pre];
    case ONR_DTYPE_UINT8: return u8[pre];
    case ONR_DTYPE_UINT16: return u16[pre];
    case ONR_DTYPE_UINT32: return u32[pre];
    case ONR_DTYPE_UINT64: return u64[pre];
    default: return NULL;
    }
}

typedef struct reduce_task {
    reduce_fn fn;
    const reduce_job *j;
} reduce_task;

static void reduce_range(void *arg, size_t begin, size_t end)
{
    const reduce_task *t = arg;
    t->fn(t->j, begin, end);
}

/* Groups of the input: size-1 axes dropped, same-role neighbours merged, a leading kept group. */
static void plan(reduce_job *j, const onr_tensor *x, const bool *red)
{
    bool role[ONR_MAX_RANK + 1];
    j->m = 1;
    j->g[0] = 1;
    role[0] = false;
    j->count = 1;
    for (int32_t i = 0; i < x->rank; i++) {
        size_t d = (size_t)x->dims[i];
        if (red[i])
            j->count *= d;
        if (d == 1)
            continue;
        if (role[j->m - 1] == red[i]) {
            j->g[j->m - 1] *= d;
        } else {
            role[j->m] = red[i];
            j->g[j->m++] = d;
        }
    }
    if (j->m == 1) { /* nothing reduces: a reduced group of 1 keeps the kernel shape uniform */
        role[1] = true;
        j->g[j->m++] = 1;
    }
    size_t is = 1, os = 1;
    for (int k = j->m - 1; k >= 0; k--) {
        j->istr[k] = is;
        is *= j->g[k];
        j->ostr[k] = role[k] ? 0 : os;
        if (!role[k])
            os *= j->g[k];
    }
    j->middle = 1;
    for (int k = 1; k < j->m - 1; k++)
        j->middle *= j->g[k];
    j->inner_reduced = role[j->m - 1];
}

static onr_status reduce_run(onr_op_ctx *c, onr_error *err)
{
    const reduce_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_tensor *y = c->out[0];
    bool red[ONR_MAX_RANK], noop;
    onr_status st = resolve_axes(c, red, &noop, err);
    if (st != ONR_OK)
        return st;
    if (noop) {
        memcpy(y->data, x->data, onr_tensor_bytes(x));
        return ONR_OK;
    }
    size_t n_out = onr_tensor_count(y);
    if (n_out == 0)
        return ONR_OK;
    reduce_job j = {.fold = p->kind->fold, .post = p->kind->post, .x = x->data, .acc = y->data};
    if (onr_tensor_count(x) == 0) { /* an empty set per output: one group of outputs, nothing to fold */
        j.m = 2;
        j.g[0] = n_out;
        j.g[1] = 0;
        j.ostr[0] = 1;
        j.middle = 1;
        j.count = 0;
    } else {
        plan(&j, x, red);
    }
    if (is_half(x->dtype)) {
        if (!c->scratch || c->scratch_bytes < n_out * sizeof(float))
            return onr_err(err, ONR_E_INTERNAL, "reduce needs %zu bytes of scratch, has %zu",
                           n_out * sizeof(float), c->scratch ? c->scratch_bytes : 0);
        j.acc = c->scratch;
    }
    reduce_task t = {.fn = kernel_for(x->dtype, p->kind->pre), .j = &j};
    /* Per leading index: ostr[0] outputs from ostr[0] * count inputs; aim for ~32K inputs per range. */
    size_t per = j.ostr[0] * (j.count ? j.count : 1);
    onr_parallel_for(c->pool, j.g[0], per >= 32768 ? 1 : 32768 / per, reduce_range, &t);
    if (is_half(x->dtype)) {
        const float *a = j.acc;
        uint16_t *h = y->data;
        for (size_t o = 0; o < n_out; o++)
            h[o] = x->dtype == ONR_DTYPE_FLOAT16 ? onr_f32_to_f16(a[o]) : onr_f32_to_bf16(a[o]);
    }
    return ONR_OK;
}

#define REDUCE_DEF(sym, opname)                                                                               \
    const onr_op_def sym = {                                                                                  \
        .domain = "", .op_type = opname, .since = 1, .until = 22,                                             \
        .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,                                                 \
        .params_size = sizeof(reduce_params), .parse = reduce_parse,                                          \
        .infer = reduce_infer, .run = reduce_run,                                                             \
    };

REDUCE_DEF(onr_op_reduce_sum, "ReduceSum")
REDUCE_DEF(onr_op_reduce_mean, "ReduceMean")
REDUCE_DEF(onr_op_reduce_max, "ReduceMax")
REDUCE_DEF(onr_op_reduce_min, "ReduceMin")
REDUCE_DEF(onr_op_reduce_prod, "ReduceProd")
REDUCE_DEF(onr_op_reduce_l1, "ReduceL1")
REDUCE_DEF(onr_op_reduce_l2, "ReduceL2")
REDUCE_DEF(onr_op_reduce_log_sum, "ReduceLogSum")
REDUCE_DEF(onr_op_reduce_log_sum_exp, "ReduceLogSumExp")
REDUCE_DEF(onr_op_reduce_sum_square, "ReduceSumSquare")
