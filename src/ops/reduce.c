/* reduce.c: ReduceSum, ReduceMean, ReduceMax.
 *
 * Axes: an `axes` attribute before opset 13 (ReduceSum) / 18 (ReduceMean, ReduceMax), an optional int64
 * input from then on, which must be known when the session plans (a constant or initializer). No axes
 * means every axis, unless noop_with_empty_axes=1 (input form only), which makes the op the identity.
 * Negative axes count from the back; repeated axes are invalid. keepdims (default 1) keeps reduced
 * axes as 1. Reducing an empty set gives 0 (Sum), NaN (Mean: 0/0, 0 for integers) and -inf or the
 * type's minimum (Max), per the opset-18 spec text.
 *
 * Kernel: axes of size 1 are dropped and neighbours with the same role merged, giving groups
 * [K0, R1, K2, ...] (a leading kept group of 1 is added when needed). Threads split the leading kept
 * group, whose outputs are disjoint. Each step handles the innermost group as a contiguous run: a
 * reduced run folds into one accumulator; a kept run accumulates element by element into a row of
 * outputs (both vectorize). float16/bfloat16 accumulate in float in scratch memory; float
 * accumulates in float, double in double, integers wrap in their own type. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

enum { R_SUM, R_MEAN, R_MAX };

typedef struct reduce_params {
    int kind;
    bool axes_input; /* axes come from input 1 (ReduceSum 13+, others 18+) */
    int64_t keepdims, noop_empty;
    const int64_t *axes; /* attribute form; points into the model's attribute */
    size_t n_axes;
} reduce_params;

static onr_status reduce_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    reduce_params *p = params;
    const char *op = node->op_type;
    p->kind = strcmp(op, "ReduceSum") == 0 ? R_SUM : strcmp(op, "ReduceMean") == 0 ? R_MEAN : R_MAX;
    p->axes_input = node->opset >= (p->kind == R_SUM ? 13 : 18);
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
    if (!supported(x->dtype))
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
    int kind;
    int m;                        /* groups; groups[0] is kept */
    size_t g[ONR_MAX_RANK + 1];   /* group sizes */
    size_t istr[ONR_MAX_RANK + 1], ostr[ONR_MAX_RANK + 1]; /* element strides; ostr 0 on reduced groups */
    size_t middle;                /* product of groups 1 .. m-2 */
    size_t count;                 /* elements reduced into each output */
    bool inner_reduced;
    const void *x;
    void *y;
    void *acc;                    /* == y, or float scratch for halves */
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

static inline float ld_f32(const float *p) { return *p; }
static inline double ld_f64(const double *p) { return *p; }
static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }

#define FADD(a, v) ((a) + (v))
#define FMAX(a, v) (((v) > (a) || isnan(v)) ? (v) : (a))
#define FDIV(a, n) ((a) / (n))

/* T: stored type; A: accumulator type; LD: load a T as A; ADD/MAX: combine; MAXINIT; DIVN: mean. */
#define REDUCE_KERNEL(sfx, T, A, LD, ADD, MAX, MAXINIT, DIVN)                                                 \
    static void reduce_##sfx(const reduce_job *j, size_t b, size_t e)                                        \
    {                                                                                                         \
        const T *x = j->x;                                                                                    \
        A *acc = j->acc;                                                                                      \
        const bool mx = j->kind == R_MAX;                                                                     \
        const size_t ob = b * j->ostr[0], oe = e * j->ostr[0], L = j->g[j->m - 1];                            \
        for (size_t o = ob; o < oe; o++)                                                                      \
            acc[o] = mx ? (A)(MAXINIT) : (A)0;                                                                \
        for (size_t i0 = b; i0 < e && j->count; i0++)                                                         \
            for (size_t t = 0; t < j->middle; t++) {                                                          \
                size_t io, oo;                                                                                \
                middle_offsets(j, t, &io, &oo);                                                               \
                const T *xs = x + i0 * j->istr[0] + io;                                                       \
                A *as = acc + i0 * j->ostr[0] + oo;                                                           \
                if (j->inner_reduced && mx) {                                                                 \
                    A s = as[0];                                                                              \
                    for (size_t i = 0; i < L; i++)                                                            \
                        s = MAX(s, LD(&xs[i]));                                                               \
                    as[0] = s;                                                                                \
                } else if (j->inner_reduced) {                                                                \
                    A s[8] = {0}; /* independent partial sums: vectorizable, and less rounding drift */       \
                    size_t i = 0;                                                                             \
                    for (; i + 8 <= L; i += 8)                                                                \
                        for (int k = 0; k < 8; k++)                                                           \
                            s[k] = ADD(s[k], LD(&xs[i + k]));                                                 \
                    for (; i < L; i++)                                                                        \
                        s[0] = ADD(s[0], LD(&xs[i]));                                                         \
                    A tot = ADD(ADD(ADD(s[0], s[1]), ADD(s[2], s[3])), ADD(ADD(s[4], s[5]), ADD(s[6], s[7])));   \
                    as[0] = ADD(as[0], tot);                                                                  \
                } else if (mx) {                                                                              \
                    for (size_t i = 0; i < L; i++)                                                            \
                        as[i] = MAX(as[i], LD(&xs[i]));                                                       \
                } else {                                                                                      \
                    for (size_t i = 0; i < L; i++)                                                            \
                        as[i] = ADD(as[i], LD(&xs[i]));                                                       \
                }                                                                                             \
            }                                                                                                 \
        if (j->kind == R_MEAN)                                                                                \
            for (size_t o = ob; o < oe; o++)                                                                  \
                acc[o] = DIVN(acc[o], j->count);                                                              \
    }

REDUCE_KERNEL(f32, float, float, ld_f32, FADD, FMAX, -INFINITY, FDIV)
REDUCE_KERNEL(f64, double, double, ld_f64, FADD, FMAX, -INFINITY, FDIV)
REDUCE_KERNEL(f16, uint16_t, float, ld_f16, FADD, FMAX, -INFINITY, FDIV)
REDUCE_KERNEL(bf16, uint16_t, float, ld_bf16, FADD, FMAX, -INFINITY, FDIV)

/* Integers: sums wrap through the unsigned type; the mean truncates toward zero (C division). */
#define INT_REDUCE(sfx, T, UW, W, TMIN)                                                                       \
    static inline T ld_##sfx(const T *p) { return *p; }                                                       \
    static inline T add_##sfx(T a, T v) { return (T)((UW)a + (UW)v); }                                        \
    static inline T max_##sfx(T a, T v) { return v > a ? v : a; }                                             \
    static inline T divn_##sfx(T a, size_t n) { return n ? (T)((W)a / (W)n) : 0; }                            \
    REDUCE_KERNEL(sfx, T, T, ld_##sfx, add_##sfx, max_##sfx, TMIN, divn_##sfx)
INT_REDUCE(i8, int8_t, uint32_t, int64_t, INT8_MIN)
INT_REDUCE(i16, int16_t, uint32_t, int64_t, INT16_MIN)
INT_REDUCE(i32, int32_t, uint32_t, int64_t, INT32_MIN)
INT_REDUCE(i64, int64_t, uint64_t, int64_t, INT64_MIN)
INT_REDUCE(u8, uint8_t, uint32_t, uint64_t, 0)
INT_REDUCE(u16, uint16_t, uint32_t, uint64_t, 0)
INT_REDUCE(u32, uint32_t, uint32_t, uint64_t, 0)
INT_REDUCE(u64, uint64_t, uint64_t, uint64_t, 0)

typedef void (*reduce_fn)(const reduce_job *j, size_t b, size_t e);

static reduce_fn kernel_for(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return reduce_f32;
    case ONR_DTYPE_DOUBLE: return reduce_f64;
    case ONR_DTYPE_FLOAT16: return reduce_f16;
    case ONR_DTYPE_BFLOAT16: return reduce_bf16;
    case ONR_DTYPE_INT8: return reduce_i8;
    case ONR_DTYPE_INT16: return reduce_i16;
    case ONR_DTYPE_INT32: return reduce_i32;
    case ONR_DTYPE_INT64: return reduce_i64;
    case ONR_DTYPE_UINT8: return reduce_u8;
    case ONR_DTYPE_UINT16: return reduce_u16;
    case ONR_DTYPE_UINT32: return reduce_u32;
    case ONR_DTYPE_UINT64: return reduce_u64;
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
    reduce_job j = {.kind = p->kind, .x = x->data, .y = y->data, .acc = y->data};
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
    reduce_task t = {.fn = kernel_for(x->dtype), .j = &j};
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
