/* batchnorm.c: BatchNormalization (opset 1-22).
 *
 * Inference (ONNX Operators.md BatchNormalization): Y = (X - mean) / sqrt(var + epsilon) * scale + B,
 * per channel (axis 1) of X (N, C, D1, ..., Dn), n >= 0. Folded per channel into Y = X * a + b with
 * a = scale / sqrt(var + epsilon), b = B - mean * a, computed in double.
 * Versions: 1 (consumed_inputs required, is_test, spatial), 6 (is_test, spatial), 7 (spatial),
 * 9 (no spatial: always per channel), 14 (training_mode), 15 (scale/B may differ in type from X and
 * mean/var, all float types). spatial = 0 (opset < 9) normalizes per (C, D1, ..., Dn) element: the
 * parameters then have X's shape without N.
 * Training mode is run for opset >= 14 (training_mode = 1): Y uses the batch mean and biased
 * variance; outputs 2 and 3 are running_mean = mean * momentum + batch_mean * (1 - momentum) and
 * likewise running_var (ONNX doc and reference op_batch_normalization.py). Before opset 14 a node
 * with more than one output is in training mode with loosely specified saved_* outputs: unsupported;
 * a single-output node is run in inference mode whatever is_test says (exporters of opset 6 set
 * is_test=1; is_test=0 with only Y requested has no other sensible reading).
 * X: float or double. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"

typedef struct bn_params {
    float epsilon, momentum;
    bool spatial;
    bool training;
} bn_params;

static onr_status bn_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const v1[] = {"consumed_inputs", "epsilon", "is_test", "momentum", "spatial", NULL};
    static const char *const v6[] = {"epsilon", "is_test", "momentum", "spatial", NULL};
    static const char *const v7[] = {"epsilon", "momentum", "spatial", NULL};
    static const char *const v9[] = {"epsilon", "momentum", NULL};
    static const char *const v14[] = {"epsilon", "momentum", "training_mode", NULL};
    bn_params *p = params;
    int64_t spatial = 1, training = 0;
    const char *const *allowed = node->opset < 6 ? v1 : node->opset < 7 ? v6 : node->opset < 9 ? v7
                               : node->opset < 14 ? v9 : v14;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK && node->opset < 6)
        st = onr_attr_require(node, "consumed_inputs", err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "epsilon", 1e-5f, &p->epsilon, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "momentum", 0.9f, &p->momentum, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "spatial", 1, &spatial, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "training_mode", 0, &training, err);
    if (st != ONR_OK)
        return st;
    if (spatial != 0 && spatial != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'spatial' must be 0 or 1, got %lld", (long long)spatial);
    if (training != 0 && training != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'training_mode' must be 0 or 1, got %lld",
                       (long long)training);
    if (!(p->epsilon >= 0.0f))
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'epsilon' must be >= 0, got %g", (double)p->epsilon);
    if (node->opset < 14 && node->n_outputs > 1)
        return onr_err(err, ONR_E_UNSUPPORTED, "training mode (%zu outputs) is only run from opset 14",
                       node->n_outputs);
    if (node->opset >= 14 && node->n_outputs > 3)
        return onr_err(err, ONR_E_INVALID_MODEL, "at most 3 outputs from opset 14, got %zu", node->n_outputs);
    if (node->opset >= 14 && !training && node->n_outputs > 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "outputs running_mean/running_var need training_mode=1");
    p->spatial = spatial;
    p->training = training;
    return ONR_OK;
}

static const char *const param_names[4] = {"scale", "B", "input_mean", "input_var"};

static bool is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

static onr_status bn_infer(onr_op_ctx *c, onr_error *err)
{
    const bn_params *p = c->params;
    const onr_tensor *x = c->in[0];
    char s1[128], s2[128], s3[128];
    if (x->dtype != ONR_DTYPE_FLOAT && x->dtype != ONR_DTYPE_DOUBLE)
        return onr_err(err, ONR_E_UNSUPPORTED, "input X of type %s is not supported (float, double)",
                       onr_dtype_name(x->dtype));
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input X must have rank >= 2 (N, C, ...), got shape %s",
                       onr_shape_str(x->rank, x->dims, s1, sizeof s1));
    for (int i = 1; i <= 4; i++) {
        const onr_tensor *t = c->in[i];
        /* Opset 15 lets scale/B (T1) and mean/var (T2) differ from X; before that all are T. */
        bool type_ok = c->opset >= 15 ? is_float(t->dtype) : t->dtype == x->dtype;
        if (!type_ok)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %s has type %s, X has %s", param_names[i - 1],
                           onr_dtype_name(t->dtype), onr_dtype_name(x->dtype));
        if (c->opset >= 15 && i == 4 && t->dtype != c->in[3]->dtype)
            return onr_err(err, ONR_E_INVALID_MODEL, "input_var has type %s but input_mean has %s",
                           onr_dtype_name(t->dtype), onr_dtype_name(c->in[3]->dtype));
        if (c->opset >= 15 && i == 2 && t->dtype != c->in[1]->dtype)
            return onr_err(err, ONR_E_INVALID_MODEL, "B has type %s but scale has %s", onr_dtype_name(t->dtype),
                           onr_dtype_name(c->in[1]->dtype));
        /* spatial = 1: shape (C); spatial = 0: X's shape without the batch axis. */
        bool ok = p->spatial ? t->rank == 1 && t->dims[0] == x->dims[1]
                             : onr_shape_equal(t->rank, t->dims, x->rank - 1, x->dims + 1);
        if (!ok) {
            int64_t want[ONR_MAX_RANK];
            memcpy(want, x->dims + 1, sizeof(int64_t) * (size_t)(x->rank - 1));
            return onr_err(err, ONR_E_INVALID_MODEL, "input %s has shape %s, expected %s (X %s, spatial=%d)",
                           param_names[i - 1], onr_shape_str(t->rank, t->dims, s1, sizeof s1),
                           onr_shape_str(p->spatial ? 1 : x->rank - 1, want, s2, sizeof s2),
                           onr_shape_str(x->rank, x->dims, s3, sizeof s3), (int)p->spatial);
        }
    }
    onr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->rank = x->rank;
    memcpy(y->dims, x->dims, sizeof y->dims);
    for (size_t i = 1; i < c->n_out && i < 3; i++) {
        if (!c->out[i])
            continue;
        c->out[i]->dtype = c->in[3]->dtype;
        c->out[i]->rank = 1;
        c->out[i]->dims[0] = x->dims[1];
    }
    size_t bytes;
    return onr_shape_bytes(y->dtype, y->rank, y->dims, &bytes, "output Y", err);
}

typedef struct bn_job {
    const onr_op_ctx *c;
    const bn_params *p;
    size_t n, ch, inner;           /* X viewed as (n, ch, inner); ch = C, or C*D1*..*Dn for spatial=0 */
    const double *mean, *var;      /* training: batch statistics per channel (scratch), else NULL */
} bn_job;

static void coeffs(const bn_job *J, size_t ch, double *a, double *b)
{
    const onr_tensor *const *in = J->c->in;
    double scale = onr_load_as_double(in[1]->dtype, in[1]->data, ch);
    double bias = onr_load_as_double(in[2]->dtype, in[2]->data, ch);
    double mean = J->mean ? J->mean[ch] : onr_load_as_double(in[3]->dtype, in[3]->data, ch);
    double var = J->var ? J->var[ch] : onr_load_as_double(in[4]->dtype, in[4]->data, ch);
    *a = scale / sqrt(var + (double)J->p->epsilon);
    *b = bias - mean * *a;
}

/* batchnorm_f32 / batchnorm_f64 over planes [begin, end) of (n, ch). */
static void batchnorm_f32(void *arg, size_t begin, size_t end)
{
    const bn_job *J = arg;
    const float *x = J->c->in[0]->data;
    float *y = J->c->out[0]->data;
    for (size_t q = begin; q < end; q++) {
        double a, b;
        coeffs(J, q % J->ch, &a, &b);
        float fa = (float)a, fb = (float)b;
        const float *xq = x + q * J->inner;
        float *yq = y + q * J->inner;
        for (size_t i = 0; i < J->inner; i++)
            yq[i] = xq[i] * fa + fb;
    }
}

static void batchnorm_f64(void *arg, size_t begin, size_t end)
{
    const bn_job *J = arg;
    const double *x = J->c->in[0]->data;
    double *y = J->c->out[0]->data;
    for (size_t q = begin; q < end; q++) {
        double a, b;
        coeffs(J, q % J->ch, &a, &b);
        const double *xq = x + q * J->inner;
        double *yq = y + q * J->inner;
        for (size_t i = 0; i < J->inner; i++)
            yq[i] = xq[i] * a + b;
    }
}

/* Training: mean and biased variance of each channel over (n, inner), two passes in double. */
static void batch_stats(void *arg, size_t begin, size_t end)
{
    bn_job *J = arg;
    const onr_tensor *x = J->c->in[0];
    double *mean = (double *)J->mean, *var = (double *)J->var;
    double cnt = (double)(J->n * J->inner);
    for (size_t ch = begin; ch < end; ch++) {
        double s = 0.0, ss = 0.0;
        for (size_t b = 0; b < J->n; b++) {
            size_t base = (b * J->ch + ch) * J->inner;
            for (size_t i = 0; i < J->inner; i++)
                s += onr_load_as_double(x->dtype, x->data, base + i);
        }
        double mu = cnt > 0 ? s / cnt : 0.0;
        for (size_t b = 0; b < J->n; b++) {
            size_t base = (b * J->ch + ch) * J->inner;
            for (size_t i = 0; i < J->inner; i++) {
                double d = onr_load_as_double(x->dtype, x->data, base + i) - mu;
                ss += d * d;
            }
        }
        mean[ch] = mu;
        var[ch] = cnt > 0 ? ss / cnt : 0.0;
    }
}

static void bn_setup(onr_op_ctx *c, bn_job *J)
{
    const onr_tensor *x = c->in[0];
    const bn_params *p = c->params;
    J->c = c;
    J->p = p;
    J->n = (size_t)x->dims[0];
    J->ch = (size_t)x->dims[1];
    J->inner = 1;
    for (int32_t i = 2; i < x->rank; i++) {
        if (p->spatial)
            J->inner *= (size_t)x->dims[i];
        else
            J->ch *= (size_t)x->dims[i];
    }
    J->mean = J->var = NULL;
}

static onr_status bn_infer_all(onr_op_ctx *c, onr_error *err)
{
    onr_status st = bn_infer(c, err);
    const bn_params *p = c->params;
    if (st != ONR_OK || !p->training)
        return st;
    /* Training keeps the batch mean and variance per channel (2 * C doubles) in scratch. */
    size_t bytes;
    if (!onr_mul_size((size_t)c->in[0]->dims[1], 2 * sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "scratch size overflows");
    c->scratch_bytes = bytes;
    return ONR_OK;
}

static onr_status bn_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    bn_job J;
    bn_setup(c, &J);
    const bn_params *p = c->params;
    if (p->training) {
        J.mean = c->scratch;
        J.var = (const double *)c->scratch + J.ch;
        onr_parallel_for(c->pool, J.ch, 1, batch_stats, &J);
        /* running = input * momentum + batch * (1 - momentum) */
        for (size_t o = 1; o < 3 && o < c->n_out; o++) {
            onr_tensor *r = c->out[o];
            if (!r)
                continue;
            const onr_tensor *in = c->in[o == 1 ? 3 : 4];
            const double *batch = o == 1 ? J.mean : J.var;
            for (size_t ch = 0; ch < J.ch; ch++) {
                double v = onr_load_as_double(in->dtype, in->data, ch) * (double)p->momentum +
                           batch[ch] * (1.0 - (double)p->momentum);
                onr_store_from_double(r->dtype, r->data, ch, v);
            }
        }
    }
    size_t planes = J.n * J.ch;
    if (planes == 0 || J.inner == 0) /* an empty batch or spatial axis: nothing to normalize */
        return ONR_OK;
    size_t grain = J.inner >= 4096 ? 1 : 4096 / J.inner;
    onr_parallel_for(c->pool, planes, grain, c->in[0]->dtype == ONR_DTYPE_FLOAT ? batchnorm_f32 : batchnorm_f64, &J);
    return ONR_OK;
}

const onr_op_def onr_op_batchnorm = {
    .domain = "", .op_type = "BatchNormalization", .since = 1, .until = 22,
    .min_in = 5, .max_in = 5, .min_out = 1, .max_out = 5,
    .params_size = sizeof(bn_params),
    .parse = bn_parse, .infer = bn_infer_all, .run = bn_run,
};
