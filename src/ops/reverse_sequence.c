/* reverse_sequence.c: ReverseSequence (10-22): for each batch entry b, reverses the first
 * sequence_lens[b] elements along time_axis and keeps the rest in place. batch_axis (default 1) and
 * time_axis (default 0) are 0 and 1 in either order; the input has rank >= 2. A length outside
 * [0, time size] fails the run (ONR_E_INVALID_ARG). Elements move by byte size: every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct revseq_params {
    int64_t batch_axis, time_axis;
} revseq_params;

static onr_status revseq_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"batch_axis", "time_axis", NULL};
    revseq_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "batch_axis", 1, &p->batch_axis, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "time_axis", 0, &p->time_axis, err);
    if (st == ONR_OK && !((p->batch_axis == 0 && p->time_axis == 1) || (p->batch_axis == 1 && p->time_axis == 0)))
        st = onr_err(err, ONR_E_INVALID_MODEL, "attributes 'batch_axis' = %lld and 'time_axis' = %lld must be 0 and 1",
                     (long long)p->batch_axis, (long long)p->time_axis);
    return st;
}

static onr_status revseq_infer(onr_op_ctx *c, onr_error *err)
{
    const revseq_params *p = c->params;
    const onr_tensor *x = c->in[0], *lens = c->in[1];
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input must have rank >= 2, got %d", (int)x->rank);
    if ((lens->dtype != ONR_DTYPE_INT64 && lens->dtype != ONR_DTYPE_INT32) || lens->rank != 1 ||
        lens->dims[0] != x->dims[p->batch_axis])
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'sequence_lens' must be 1-D int of batch size %lld",
                       (long long)x->dims[p->batch_axis]);
    onr_tensor_copy_shape(c->out[0], x);
    return ONR_OK;
}

static onr_status revseq_run(onr_op_ctx *c, onr_error *err)
{
    const revseq_params *p = c->params;
    const onr_tensor *x = c->in[0], *lens = c->in[1];
    size_t es = onr_dtype_size(x->dtype), inner = es;
    for (int32_t a = 2; a < x->rank; a++)
        inner *= (size_t)x->dims[a];
    size_t nb = (size_t)x->dims[p->batch_axis], nt = (size_t)x->dims[p->time_axis];
    /* element (t, b) block starts at (time-major ? t * nb + b : b * nt + t) * inner bytes */
    bool time_major = p->time_axis == 0;
    const char *src = x->data;
    char *dst = c->out[0]->data;
    for (size_t b = 0; b < nb; b++) {
        int64_t len;
        if (lens->dtype == ONR_DTYPE_INT64) {
            memcpy(&len, (const char *)lens->data + b * sizeof len, sizeof len);
        } else {
            int32_t v;
            memcpy(&v, (const char *)lens->data + b * sizeof v, sizeof v);
            len = v;
        }
        if (len < 0 || (uint64_t)len > nt)
            return onr_err(err, ONR_E_INVALID_ARG, "sequence_lens[%zu] = %lld is outside [0, %zu]", b,
                           (long long)len, nt);
        for (size_t t = 0; t < nt; t++) {
            size_t from = t < (size_t)len ? (size_t)len - 1 - t : t;
            size_t d = time_major ? t * nb + b : b * nt + t, s = time_major ? from * nb + b : b * nt + from;
            memcpy(dst + d * inner, src + s * inner, inner);
        }
    }
    return ONR_OK;
}

const onr_op_def onr_op_reverse_sequence = {
    .domain = "", .op_type = "ReverseSequence", .since = 10, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(revseq_params), .parse = revseq_parse,
    .infer = revseq_infer, .run = revseq_run,
};
