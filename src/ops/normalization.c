/* normalization.c: the statistics-normalizing ops other than BatchNormalization (batchnorm.c):
 *   LayerNormalization (17-22)   Y = (X - mean) / sqrt(var + epsilon) * Scale + B over X.shape[axis:],
 *                                optional outputs Mean and InvStdDev of shape X.shape[:axis] + [1]*.
 *   InstanceNormalization (1-22) the same per (n, c) over the spatial axes, Scale and B per channel.
 *   MeanVarianceNormalization (9-22) Y = (X - mean) / (sqrt(var) + 1e-9) over `axes` (default [0,2,3]),
 *                                exactly the ONNX function body (Sqrt then Add epsilon 1e-9).
 *   LRN (1-22)                   Y = X / (bias + alpha / size * square_sum)^beta, square_sum over the
 *                                channel window [c - floor((size-1)/2), c + ceil((size-1)/2)].
 * Variances are biased (divide by the count), as in the ONNX reference implementations. Statistics
 * are accumulated in double whatever the element type (float, double, float16, bfloat16), two-pass
 * (mean, then the mean of squared deviations) so large offsets do not cancel. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/broadcast.h"
#include "ops/op.h"
#include "ops/shape_args.h"

static inline double ld_f32(const float *p) { return *p; }
static inline double ld_f64(const double *p) { return *p; }
static inline double ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline double ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
static inline float st_f32(double v) { return (float)v; }
static inline double st_f64(double v) { return v; }
static inline uint16_t st_f16(double v) { return onr_f32_to_f16((float)v); }
static inline uint16_t st_bf16(double v) { return onr_f32_to_bf16((float)v); }

static bool is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

/* One row of n elements: y[j] = (x[j] - mean) * inv * s[j * ss] + b[j * bs] (b may be NULL). Returns
 * mean and inv = 1 / sqrt(var + eps) for the optional outputs. */
#define ROWNORM_KERNEL(sfx, T)                                                                              \
    static void rownorm_##sfx(const void *xv, void *yv, size_t n, double eps, const double *s, size_t ss,   \
                              const double *b, size_t bs, double *mean_out, double *inv_out)                \
    {                                                                                                       \
        const T *x = xv;                                                                                    \
        T *y = yv;                                                                                          \
        double sum = 0.0, var = 0.0;                                                                        \
        for (size_t j = 0; j < n; j++)                                                                      \
            sum += ld_##sfx(&x[j]);                                                                         \
        double mean = sum / (double)n;                                                                      \
        for (size_t j = 0; j < n; j++) {                                                                    \
            double d = ld_##sfx(&x[j]) - mean;                                                              \
            var += d * d;                                                                                   \
        }                                                                                                   \
        double inv = 1.0 / sqrt(var / (double)n + eps);                                                     \
        for (size_t j = 0; j < n; j++)                                                                      \
            y[j] = st_##sfx((ld_##sfx(&x[j]) - mean) * inv * s[j * ss] + (b ? b[j * bs] : 0.0));            \
        *mean_out = mean;                                                                                   \
        *inv_out = inv;                                                                                     \
    }
ROWNORM_KERNEL(f32, float)
ROWNORM_KERNEL(f64, double)
ROWNORM_KERNEL(f16, uint16_t)
ROWNORM_KERNEL(bf16, uint16_t)

typedef void (*rownorm_fn)(const void *x, void *y, size_t n, double eps, const double *s, size_t ss,
                           const double *b, size_t bs, double *mean, double *inv);

static rownorm_fn rownorm_for(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return rownorm_f32;
    case ONR_DTYPE_DOUBLE: return rownorm_f64;
    case ONR_DTYPE_FLOAT16: return rownorm_f16;
    case ONR_DTYPE_BFLOAT16: return rownorm_bf16;
    default: return NULL;
    }
}

static void set_shape(onr_tensor *o, onr_dtype dt, int32_t rank, const int64_t *dims)
{
    o->dtype = dt;
    o->rank = rank;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        o->dims[i] = i < rank ? dims[i] : 0;
}

/* --- LayerNormalization -------------------------------------------------------------------------- */

typedef struct ln_params {
    int64_t axis, stash_type;
    float epsilon;
} ln_params;

static onr_status ln_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"axis", "epsilon", "stash_type", NULL};
    ln_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", -1, &p->axis, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "epsilon", 1e-5f, &p->epsilon, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "stash_type", 1, &p->stash_type, err);
    if (st != ONR_OK)
        return st;
    /* stash_type is the element type of Mean and InvStdDev (type constraint U: float or bfloat16); the
     * statistics themselves are computed in double here either way. */
    if (p->stash_type != ONR_DTYPE_FLOAT && p->stash_type != ONR_DTYPE_BFLOAT16)
        return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'stash_type' = %lld: only 1 (float) and 16 (bfloat16)",
                       (long long)p->stash_type);
    if (!(p->epsilon >= 0.0f))
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'epsilon' must be >= 0, got %g", (double)p->epsilon);
    return ONR_OK;
}

/* The normalized shape X.shape[axis:] as a tensor (for the unidirectional broadcast checks). */
static onr_tensor tail_shape(const onr_tensor *x, int64_t axis)
{
    onr_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = x->dtype;
    t.rank = x->rank - (int32_t)axis;
    for (int32_t i = 0; i < t.rank; i++)
        t.dims[i] = x->dims[axis + i];
    return t;
}

static onr_status ln_infer(onr_op_ctx *c, onr_error *err)
{
    const ln_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t axis;
    if (!rownorm_for(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'X' type %s is not supported", onr_dtype_name(x->dtype));
    if (x->rank == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'X' must have rank >= 1");
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    onr_tensor tail = tail_shape(x, axis);
    static const char *const names[3] = {NULL, "input 'Scale'", "input 'B'"};
    for (size_t i = 1; i < c->n_in && i < 3; i++) {
        if (!c->in[i])
            continue;
        if (!is_float(c->in[i]->dtype))
            return onr_err(err, ONR_E_INVALID_MODEL, "%s must be a float type, got %s", names[i],
                           onr_dtype_name(c->in[i]->dtype));
        st = onr_broadcast_unidir(c->in[i], &tail, names[i], err);
        if (st != ONR_OK)
            return st;
    }
    if (!c->in[1])
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'Scale' is required");
    size_t n = onr_tensor_count(&tail), bytes;
    if (!onr_mul_size(n, 2 * sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "normalized size %zu overflows the scratch size", n);
    c->scratch_bytes = bytes;
    set_shape(c->out[0], x->dtype, x->rank, x->dims);
    int64_t sdims[ONR_MAX_RANK];
    for (int32_t i = 0; i < x->rank; i++)
        sdims[i] = i < axis ? x->dims[i] : 1;
    for (size_t k = 1; k < c->n_out && k < 3; k++)
        if (c->out[k])
            set_shape(c->out[k], (onr_dtype)p->stash_type, x->rank, sdims);
    return ONR_OK;
}

/* Expands a parameter tensor broadcast (right-aligned, numpy rule) to `tail` into n doubles. */
static void expand_param(const onr_tensor *t, const onr_tensor *tail, double *dst)
{
    size_t n = onr_tensor_count(tail);
    int32_t off = tail->rank - t->rank;
    for (size_t j = 0; j < n; j++) {
        size_t rem = j, src = 0, stride = 1;
        for (int32_t a = tail->rank - 1; a >= 0; a--) {
            size_t idx = rem % (size_t)tail->dims[a];
            rem /= (size_t)tail->dims[a];
            int32_t ta = a - off;
            if (ta < 0)
                continue;
            if (t->dims[ta] != 1)
                src += idx * stride;
            stride *= (size_t)t->dims[ta];
        }
        dst[j] = onr_load_as_double(t->dtype, t->data, src);
    }
}

typedef struct rows_job {
    rownorm_fn fn;
    const char *x;
    char *y;
    size_t es, n, stat_es;
    double eps;
    const double *s, *b; /* per element (step 1) for LayerNorm, per channel for InstanceNorm */
    size_t channels;     /* 0: LayerNorm (s, b span the row); else InstanceNorm: row r uses channel r % C */
    onr_dtype stat_dt;
    void *mean, *inv;    /* optional outputs, one value per row */
} rows_job;

static void norm_rows(void *arg, size_t begin, size_t end)
{
    const rows_job *j = arg;
    for (size_t r = begin; r < end; r++) {
        double mean, inv;
        if (j->channels) {
            size_t ch = r % j->channels;
            j->fn(j->x + r * j->n * j->es, j->y + r * j->n * j->es, j->n, j->eps, &j->s[ch], 0,
                  j->b ? &j->b[ch] : NULL, 0, &mean, &inv);
        } else {
            j->fn(j->x + r * j->n * j->es, j->y + r * j->n * j->es, j->n, j->eps, j->s, 1, j->b, 1, &mean, &inv);
        }
        if (j->mean)
            onr_store_from_double(j->stat_dt, j->mean, r, mean);
        if (j->inv)
            onr_store_from_double(j->stat_dt, j->inv, r, inv);
    }
}

static onr_status ln_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const ln_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    onr_tensor tail = tail_shape(x, axis);
    size_t n = onr_tensor_count(&tail), rows = 1;
    for (int64_t i = 0; i < axis; i++)
        rows *= (size_t)x->dims[i];
    if (n == 0 || rows == 0)
        return ONR_OK;
    double *s = c->scratch, *b = NULL;
    expand_param(c->in[1], &tail, s);
    if (c->n_in > 2 && c->in[2]) {
        b = s + n;
        expand_param(c->in[2], &tail, b);
    }
    rows_job j = {.fn = rownorm_for(x->dtype), .x = x->data, .y = c->out[0]->data, .es = onr_dtype_size(x->dtype),
                  .n = n, .eps = p->epsilon, .s = s, .b = b, .stat_dt = (onr_dtype)p->stash_type,
                  .mean = c->n_out > 1 && c->out[1] ? c->out[1]->data : NULL,
                  .inv = c->n_out > 2 && c->out[2] ? c->out[2]->data : NULL};
    onr_parallel_for(c->pool, rows, n >= 16384 ? 1 : 16384 / n, norm_rows, &j);
    return ONR_OK;
}

const onr_op_def onr_op_layernorm = {
    .domain = "", .op_type = "LayerNormalization", .since = 17, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 3,
    .params_size = sizeof(ln_params), .parse = ln_parse,
    .infer = ln_infer, .run = ln_run,
};

/* --- InstanceNormalization ----------------------------------------------------------------------- */

typedef struct in_params {
    float epsilon;
} in_params;

static onr_status in_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    /* opset 1 also had the legacy (ignored) consumed_inputs */
    static const char *const v1[] = {"consumed_inputs", "epsilon", NULL};
    static const char *const v6[] = {"epsilon", NULL};
    in_params *p = params;
    onr_status st = onr_attr_allow(node, node->opset < 6 ? v1 : v6, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "epsilon", 1e-5f, &p->epsilon, err);
    if (st == ONR_OK && !(p->epsilon >= 0.0f))
        st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'epsilon' must be >= 0, got %g", (double)p->epsilon);
    return st;
}

static onr_status in_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (!rownorm_for(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'input' type %s is not supported", onr_dtype_name(x->dtype));
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'input' must be (N, C, ...), got rank %d", (int)x->rank);
    static const char *const names[3] = {NULL, "input 'scale'", "input 'B'"};
    for (size_t i = 1; i < 3; i++) {
        const onr_tensor *t = c->in[i];
        if (!t)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s is required", names[i]);
        if (!is_float(t->dtype))
            return onr_err(err, ONR_E_INVALID_MODEL, "%s must be a float type, got %s", names[i],
                           onr_dtype_name(t->dtype));
        if (t->rank != 1 || t->dims[0] != x->dims[1])
            return onr_err(err, ONR_E_INVALID_MODEL, "%s must be 1-D of C = %lld elements", names[i],
                           (long long)x->dims[1]);
    }
    size_t bytes;
    if (!onr_mul_size((size_t)x->dims[1], 2 * sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "channel count overflows the scratch size");
    c->scratch_bytes = bytes;
    set_shape(c->out[0], x->dtype, x->rank, x->dims);
    return ONR_OK;
}

static onr_status in_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const in_params *p = c->params;
    const onr_tensor *x = c->in[0];
    size_t ch = (size_t)x->dims[1], n = 1, rows = (size_t)x->dims[0] * ch;
    for (int32_t i = 2; i < x->rank; i++)
        n *= (size_t)x->dims[i];
    if (n == 0 || rows == 0)
        return ONR_OK;
    double *s = c->scratch, *b = s + ch;
    for (size_t k = 0; k < ch; k++) {
        s[k] = onr_load_as_double(c->in[1]->dtype, c->in[1]->data, k);
        b[k] = onr_load_as_double(c->in[2]->dtype, c->in[2]->data, k);
    }
    rows_job j = {.fn = rownorm_for(x->dtype), .x = x->data, .y = c->out[0]->data, .es = onr_dtype_size(x->dtype),
                  .n = n, .eps = p->epsilon, .s = s, .b = b, .channels = ch};
    onr_parallel_for(c->pool, rows, n >= 16384 ? 1 : 16384 / n, norm_rows, &j);
    return ONR_OK;
}

const onr_op_def onr_op_instancenorm = {
    .domain = "", .op_type = "InstanceNormalization", .since = 1, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(in_params), .parse = in_parse,
    .infer = in_infer, .run = in_run,
};

/* --- MeanVarianceNormalization ------------------------------------------------------------------- */

typedef struct mvn_params {
    int64_t axes[ONR_MAX_RANK];
    size_t n_axes;
} mvn_params;

static onr_status mvn_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"axes", NULL};
    mvn_params *p = params;
    const int64_t *axes;
    size_t n;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "axes", &axes, &n, err);
    if (st != ONR_OK)
        return st;
    if (!axes) { /* default [0, 2, 3]: per channel of an NCHW tensor */
        static const int64_t def[] = {0, 2, 3};
        axes = def;
        n = 3;
    }
    if (n > ONR_MAX_RANK)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axes' has %zu entries (rank limit %d)", n,
                       ONR_MAX_RANK);
    memcpy(p->axes, axes, n * sizeof *axes);
    p->n_axes = n;
    return ONR_OK;
}

/* reduced[a] is set for the normalized axes. */
static onr_status mvn_axes(const mvn_params *p, const onr_tensor *x, bool *reduced, onr_error *err)
{
    int64_t ax[ONR_MAX_RANK];
    onr_status st = onr_axes_norm(p->axes, p->n_axes, x->rank, "attribute 'axes'", ax, err);
    if (st != ONR_OK)
        return st;
    for (int32_t a = 0; a < ONR_MAX_RANK; a++)
        reduced[a] = false;
    for (size_t i = 0; i < p->n_axes; i++)
        reduced[ax[i]] = true;
    return ONR_OK;
}

static onr_status mvn_infer(onr_op_ctx *c, onr_error *err)
{
    const mvn_params *p = c->params;
    const onr_tensor *x = c->in[0];
    bool reduced[ONR_MAX_RANK];
    if (!is_float(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'X' type %s is not supported", onr_dtype_name(x->dtype));
    onr_status st = mvn_axes(p, x, reduced, err);
    if (st != ONR_OK)
        return st;
    size_t groups = 1, bytes;
    for (int32_t a = 0; a < x->rank; a++)
        if (!reduced[a])
            groups *= (size_t)x->dims[a]; /* <= element count, checked when X was shaped */
    if (!onr_mul_size(groups, 2 * sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "group count overflows the scratch size");
    c->scratch_bytes = bytes;
    set_shape(c->out[0], x->dtype, x->rank, x->dims);
    return ONR_OK;
}

/* Group of each element in row-major order: the index over the kept axes, stepped incrementally. */
typedef struct group_walk {
    int32_t rank;
    size_t idx[ONR_MAX_RANK], dims[ONR_MAX_RANK], gstride[ONR_MAX_RANK];
    size_t g;
} group_walk;

static void walk_init(group_walk *w, const onr_tensor *x, const bool *reduced)
{
    size_t s = 1;
    w->rank = x->rank;
    w->g = 0;
    for (int32_t a = x->rank - 1; a >= 0; a--) {
        w->idx[a] = 0;
        w->dims[a] = (size_t)x->dims[a];
        w->gstride[a] = reduced[a] ? 0 : s;
        if (!reduced[a])
            s *= w->dims[a];
    }
}

static void walk_next(group_walk *w)
{
    for (int32_t a = w->rank - 1; a >= 0; a--) {
        w->g += w->gstride[a];
        if (++w->idx[a] < w->dims[a])
            return;
        w->g -= w->gstride[a] * w->dims[a];
        w->idx[a] = 0;
    }
}

static onr_status mvn_run(onr_op_ctx *c, onr_error *err)
{
    const mvn_params *p = c->params;
    const onr_tensor *x = c->in[0];
    bool reduced[ONR_MAX_RANK];
    onr_status st = mvn_axes(p, x, reduced, err);
    if (st != ONR_OK)
        return st;
    size_t count = onr_tensor_count(x), groups = 1;
    for (int32_t a = 0; a < x->rank; a++)
        if (!reduced[a])
            groups *= (size_t)x->dims[a];
    if (count == 0)
        return ONR_OK;
    size_t per = count / groups;
    double *mean = c->scratch, *var = mean + groups;
    for (size_t g = 0; g < groups; g++)
        mean[g] = var[g] = 0.0;
    group_walk w;
    walk_init(&w, x, reduced);
    for (size_t i = 0; i < count; i++, walk_next(&w))
        mean[w.g] += onr_load_as_double(x->dtype, x->data, i);
    for (size_t g = 0; g < groups; g++)
        mean[g] /= (double)per;
    walk_init(&w, x, reduced);
    for (size_t i = 0; i < count; i++, walk_next(&w)) {
        double d = onr_load_as_double(x->dtype, x->data, i) - mean[w.g];
        var[w.g] += d * d;
    }
    /* the ONNX function body: (X - mean) / (Sqrt(var) + 1e-9) */
    for (size_t g = 0; g < groups; g++)
        var[g] = sqrt(var[g] / (double)per) + 1e-9;
    walk_init(&w, x, reduced);
    for (size_t i = 0; i < count; i++, walk_next(&w))
        onr_store_from_double(x->dtype, c->out[0]->data, i,
                              (onr_load_as_double(x->dtype, x->data, i) - mean[w.g]) / var[w.g]);
    return ONR_OK;
}

const onr_op_def onr_op_mvn = {
    .domain = "", .op_type = "MeanVarianceNormalization", .since = 9, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(mvn_params), .parse = mvn_parse,
    .infer = mvn_infer, .run = mvn_run,
};

/* --- LRN ----------------------------------------------------------------------------------------- */

typedef struct lrn_params {
    float alpha, beta, bias;
    int64_t size;
} lrn_params;

static onr_status lrn_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"alpha", "beta", "bias", "size", NULL};
    lrn_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_require(node, "size", err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "size", 1, &p->size, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "alpha", 1e-4f, &p->alpha, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "beta", 0.75f, &p->beta, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "bias", 1.0f, &p->bias, err);
    if (st == ONR_OK && p->size < 1)
        st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'size' must be >= 1, got %lld", (long long)p->size);
    return st;
}

static onr_status lrn_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (!is_float(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'X' type %s is not supported", onr_dtype_name(x->dtype));
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'X' must be (N, C, ...), got rank %d", (int)x->rank);
    set_shape(c->out[0], x->dtype, x->rank, x->dims);
    return ONR_OK;
}

typedef struct lrn_job {
    const lrn_params *p;
    onr_dtype dt;
    const void *x;
    void *y;
    size_t ch, inner;
} lrn_job;

/* Items are (n, c) planes. */
static void lrn_planes(void *arg, size_t begin, size_t end)
{
    const lrn_job *j = arg;
    int64_t lo_off = (j->p->size - 1) / 2, hi_off = j->p->size - 1 - lo_off; /* floor and ceil of (size-1)/2 */
    double scale = (double)j->p->alpha / (double)j->p->size;
    for (size_t r = begin; r < end; r++) {
        size_t n = r / j->ch, c = r % j->ch;
        size_t lo = (int64_t)c - lo_off < 0 ? 0 : c - (size_t)lo_off;
        size_t hi = c + (size_t)hi_off >= j->ch ? j->ch - 1 : c + (size_t)hi_off;
        for (size_t i = 0; i < j->inner; i++) {
            double ss = 0.0;
            for (size_t k = lo; k <= hi; k++) {
                double v = onr_load_as_double(j->dt, j->x, (n * j->ch + k) * j->inner + i);
                ss += v * v;
            }
            size_t at = r * j->inner + i;
            double v = onr_load_as_double(j->dt, j->x, at);
            onr_store_from_double(j->dt, j->y, at, v / pow((double)j->p->bias + scale * ss, (double)j->p->beta));
        }
    }
}

static onr_status lrn_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    lrn_job j = {.p = c->params, .dt = x->dtype, .x = x->data, .y = c->out[0]->data, .ch = (size_t)x->dims[1],
                 .inner = 1};
    for (int32_t i = 2; i < x->rank; i++)
        j.inner *= (size_t)x->dims[i];
    size_t planes = (size_t)x->dims[0] * j.ch;
    if (planes == 0 || j.inner == 0)
        return ONR_OK;
    onr_parallel_for(c->pool, planes, j.inner >= 4096 ? 1 : 4096 / j.inner, lrn_planes, &j);
    return ONR_OK;
}

const onr_op_def onr_op_lrn = {
    .domain = "", .op_type = "LRN", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(lrn_params), .parse = lrn_parse,
    .infer = lrn_infer, .run = lrn_run,
};
