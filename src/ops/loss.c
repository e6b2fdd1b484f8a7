/* loss.c: NegativeLogLikelihoodLoss (12-22) and SoftmaxCrossEntropyLoss (12-22).
 *
 * NLL: input (N, C, d1..dk) of log-probabilities, target (N, d1..dk) int32/int64 class indices, optional
 * weight (C). loss[n, d] = -input[n, target[n, d], d] * w[target[n, d]], where w is weight (or 1) and 0
 * for targets equal to ignore_index (which may lie outside [0, C)). reduction: none (loss has target's
 * shape), sum, or mean (a scalar). mean divides by the sum of the per-element weights when weight or
 * ignore_index is given and by the element count otherwise, as the ONNX reference
 * (compute_negative_log_likelihood_loss) does; an all-ignored mean is 0/0 = NaN there too.
 * SCE: the same loss applied to log_prob = LogSoftmax(scores, axis 1), which is the optional second output.
 * A target outside [0, C) that is not ignore_index fails the run (ONR_E_INVALID_ARG).
 * These are evaluation/training-time ops, not hot paths: values go through double (onr_load_as_double)
 * so every float type shares one exact path. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"

enum { RED_NONE, RED_SUM, RED_MEAN };

typedef struct loss_params {
    int reduction;
    bool has_ignore;
    int64_t ignore_index;
} loss_params;

static onr_status loss_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"ignore_index", "reduction", NULL};
    loss_params *p = params;
    const char *r = "mean";
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "reduction", "mean", &r, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "ignore_index", 0, &p->ignore_index, err);
    if (st != ONR_OK)
        return st;
    /* ignore_index has no neutral default: only its presence turns the masking on */
    p->has_ignore = onr_attr_find(node, "ignore_index") != NULL;
    if (strcmp(r, "none") == 0)
        p->reduction = RED_NONE;
    else if (strcmp(r, "sum") == 0)
        p->reduction = RED_SUM;
    else if (strcmp(r, "mean") == 0)
        p->reduction = RED_MEAN;
    else
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'reduction' = '%s' must be none, sum or mean", r);
    return ONR_OK;
}

static bool is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

/* Shapes shared by both ops; `what` names input 0. Asks scratch for the log-probabilities as doubles. */
static onr_status loss_infer(onr_op_ctx *c, const char *what, onr_error *err)
{
    const loss_params *p = c->params;
    const onr_tensor *x = c->in[0], *t = c->in[1], *w = c->n_in > 2 ? c->in[2] : NULL;
    if (!is_float(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input '%s' type %s is not supported", what, onr_dtype_name(x->dtype));
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input '%s' must be (N, C, ...), got rank %d", what, (int)x->rank);
    if (t->dtype != ONR_DTYPE_INT32 && t->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "target must be int32 or int64, got %s", onr_dtype_name(t->dtype));
    bool ok = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
    for (int32_t a = 1; ok && a < t->rank; a++)
        ok = t->dims[a] == x->dims[a + 1];
    if (!ok) {
        char s1[128], s2[128];
        return onr_err(err, ONR_E_INVALID_MODEL, "target shape %s does not match %s's %s without axis 1",
                       onr_shape_str(t->rank, t->dims, s1, sizeof s1), what,
                       onr_shape_str(x->rank, x->dims, s2, sizeof s2));
    }
    if (w && (w->rank != 1 || w->dims[0] != x->dims[1] || w->dtype != x->dtype))
        return onr_err(err, ONR_E_INVALID_MODEL, "weight must be 1-D of C = %lld elements of %s's type",
                       (long long)x->dims[1], what);
    size_t bytes;
    if (!onr_mul_size(onr_tensor_count(x), sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "input '%s' is too large for the scratch buffer", what);
    c->scratch_bytes = bytes;
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    if (p->reduction == RED_NONE) {
        onr_tensor_copy_shape(o, t);
        o->dtype = x->dtype;
    } else {
        o->rank = 0;
        memset(o->dims, 0, sizeof o->dims);
    }
    if (c->n_out > 1 && c->out[1])
        onr_tensor_copy_shape(c->out[1], x);
    return ONR_OK;
}

/* lp: log-probabilities (N, C, D) as doubles; writes the loss output. */
static onr_status nll_core(onr_op_ctx *c, const double *lp, onr_error *err)
{
    const loss_params *p = c->params;
    const onr_tensor *x = c->in[0], *t = c->in[1], *w = c->n_in > 2 ? c->in[2] : NULL;
    onr_tensor *o = c->out[0];
    size_t n = (size_t)x->dims[0], cl = (size_t)x->dims[1], d = 1;
    for (int32_t a = 2; a < x->rank; a++)
        d *= (size_t)x->dims[a];
    double sum = 0.0, wsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++) {
            size_t at = i * d + k;
            int64_t tv;
            if (t->dtype == ONR_DTYPE_INT64) {
                memcpy(&tv, (const char *)t->data + at * sizeof tv, sizeof tv);
            } else {
                int32_t v32;
                memcpy(&v32, (const char *)t->data + at * sizeof v32, sizeof v32);
                tv = v32;
            }
            double l = 0.0, wt = 0.0;
            if (!(p->has_ignore && tv == p->ignore_index)) {
                if (tv < 0 || (uint64_t)tv >= cl)
                    return onr_err(err, ONR_E_INVALID_ARG, "target[%zu] = %lld is outside [0, %zu)", at,
                                   (long long)tv, cl);
                wt = w ? onr_load_as_double(w->dtype, w->data, (size_t)tv) : 1.0;
                l = -lp[(i * cl + (size_t)tv) * d + k] * wt;
            }
            if (p->reduction == RED_NONE)
                onr_store_from_double(o->dtype, o->data, at, l);
            sum += l;
            wsum += wt;
        }
    }
    if (p->reduction == RED_SUM)
        onr_store_from_double(o->dtype, o->data, 0, sum);
    else if (p->reduction == RED_MEAN)
        onr_store_from_double(o->dtype, o->data, 0, w || p->has_ignore ? sum / wsum : sum / (double)(n * d));
    return ONR_OK;
}

static onr_status nll_infer(onr_op_ctx *c, onr_error *err)
{
    return loss_infer(c, "input", err);
}

static onr_status nll_run(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    double *lp = c->scratch;
    size_t count = onr_tensor_count(x);
    for (size_t i = 0; i < count; i++)
        lp[i] = onr_load_as_double(x->dtype, x->data, i);
    return nll_core(c, lp, err);
}

const onr_op_def onr_op_nllloss = {
    .domain = "", .op_type = "NegativeLogLikelihoodLoss", .since = 12, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(loss_params), .parse = loss_parse,
    .infer = nll_infer, .run = nll_run,
};

static onr_status sce_infer(onr_op_ctx *c, onr_error *err)
{
    return loss_infer(c, "scores", err);
}

static onr_status sce_run(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    double *lp = c->scratch;
    size_t n = (size_t)x->dims[0], cl = (size_t)x->dims[1], d = 1;
    for (int32_t a = 2; a < x->rank; a++)
        d *= (size_t)x->dims[a];
    /* log_prob = x - max - log(sum(exp(x - max))) along axis 1, per (n, d) */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++) {
            size_t base = i * cl * d + k;
            double mx = -INFINITY, s = 0.0;
            for (size_t j = 0; j < cl; j++) {
                double v = onr_load_as_double(x->dtype, x->data, base + j * d);
                lp[base + j * d] = v;
                mx = v > mx ? v : mx;
            }
            for (size_t j = 0; j < cl; j++)
                s += exp(lp[base + j * d] - mx);
            double ls = log(s);
            for (size_t j = 0; j < cl; j++)
                lp[base + j * d] = lp[base + j * d] - mx - ls;
        }
    }
    if (c->n_out > 1 && c->out[1]) {
        size_t count = onr_tensor_count(x);
        for (size_t i = 0; i < count; i++)
            onr_store_from_double(x->dtype, c->out[1]->data, i, lp[i]);
    }
    return nll_core(c, lp, err);
}

const onr_op_def onr_op_sceloss = {
    .domain = "", .op_type = "SoftmaxCrossEntropyLoss", .since = 12, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 2,
    .params_size = sizeof(loss_params), .parse = loss_parse,
    .infer = sce_infer, .run = sce_run,
};
