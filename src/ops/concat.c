/* concat.c: Concat (1-22): joins its inputs along 'axis'. The axis defaulted to 1 at opset 1 and is
 * required from 4; negative values count from the back (spelled out from 11). Inputs must agree in
 * dtype, rank and every dim but the axis; zero-sized inputs are allowed and contribute nothing. The
 * copy is one memcpy per (outer index, input) block, so every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct concat_params {
    int64_t axis;
} concat_params;

static onr_status concat_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    concat_params *p = params;
    static const char *const allowed[] = {"axis", NULL};
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK && node->opset >= 4)
        st = onr_attr_require(node, "axis", err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 1, &p->axis, err);
    return st;
}

static onr_status concat_infer(onr_op_ctx *c, onr_error *err)
{
    const concat_params *p = c->params;
    const onr_tensor *x0 = c->in[0];
    int64_t axis;
    if (!x0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 0 is missing");
    if (x0->rank == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "inputs must have rank >= 1 (input 0 is a scalar)");
    onr_status st = onr_axis_norm(p->axis, x0->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    int64_t sum = 0;
    for (size_t i = 0; i < c->n_in; i++) {
        const onr_tensor *x = c->in[i];
        if (!x)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu is missing", i);
        if (x->dtype != x0->dtype)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu is %s, input 0 is %s", i, onr_dtype_name(x->dtype),
                           onr_dtype_name(x0->dtype));
        if (x->rank != x0->rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu has rank %d, input 0 has rank %d", i, (int)x->rank,
                           (int)x0->rank);
        for (int32_t d = 0; d < x0->rank; d++)
            if (d != axis && x->dims[d] != x0->dims[d]) {
                char a[128], b[128];
                return onr_err(err, ONR_E_INVALID_MODEL,
                               "input %zu has shape %s, input 0 %s: they may differ only on axis %lld", i,
                               onr_shape_str(x->rank, x->dims, a, sizeof a),
                               onr_shape_str(x0->rank, x0->dims, b, sizeof b), (long long)axis);
            }
        if (__builtin_add_overflow(sum, x->dims[axis], &sum))
            return onr_err(err, ONR_E_INVALID_MODEL, "output dim %lld overflows", (long long)axis);
    }
    onr_tensor *o = c->out[0];
    o->dtype = x0->dtype;
    o->rank = x0->rank;
    memcpy(o->dims, x0->dims, sizeof o->dims);
    o->dims[axis] = sum;
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

static onr_status concat_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const concat_params *p = c->params;
    const onr_tensor *o = c->out[0];
    int64_t axis = p->axis < 0 ? p->axis + o->rank : p->axis;
    size_t outer = 1, inner = onr_dtype_size(o->dtype);
    for (int64_t d = 0; d < axis; d++)
        outer *= (size_t)o->dims[d];
    for (int32_t d = (int32_t)axis + 1; d < o->rank; d++)
        inner *= (size_t)o->dims[d];
    /* out[i, :, ...] is the inputs' i-th blocks one after the other. */
    char *dst = o->data;
    for (size_t i = 0; i < outer; i++)
        for (size_t k = 0; k < c->n_in; k++) {
            size_t block = (size_t)c->in[k]->dims[axis] * inner;
            if (block) {
                memcpy(dst, (const char *)c->in[k]->data + i * block, block);
                dst += block;
            }
        }
    return ONR_OK;
}

const onr_op_def onr_op_concat = {
    .domain = "", .op_type = "Concat", .since = 1, .until = 22,
    .min_in = 1, .max_in = ONR_VARIADIC, .min_out = 1, .max_out = 1,
    .params_size = sizeof(concat_params), .parse = concat_parse,
    .infer = concat_infer, .run = concat_run,
};
