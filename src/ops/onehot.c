/* onehot.c: OneHot (9-22): out has indices' rank + 1, with a new axis of size depth inserted at `axis`
 * (default -1: last); out[.., j, ..] = values[1] (on) where j == indices[..], else values[0] (off).
 * indices and depth may be any numeric type (floats are truncated toward zero, as the reference's casts
 * do); negative indices count from the back of the new axis (11+; onnx tests onehot_negative_indices);
 * an index outside [-depth, depth-1] gives a row of all off values, as the spec says. depth decides the
 * output shape, so it must be known at plan time or the node is shaped at run time. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

typedef struct onehot_params {
    int64_t axis;
} onehot_params;

static onr_status onehot_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"axis", NULL};
    onehot_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", -1, &p->axis, err);
    return st;
}

static bool numeric(onr_dtype t)
{
    return t != ONR_DTYPE_BOOL && onr_dtype_known(t) && t != ONR_DTYPE_UNDEFINED;
}

static onr_status onehot_infer(onr_op_ctx *c, onr_error *err)
{
    const onehot_params *p = c->params;
    const onr_tensor *idx = c->in[0], *depth = c->in[1], *values = c->in[2];
    if (!numeric(idx->dtype) || !numeric(depth->dtype))
        return onr_err(err, ONR_E_INVALID_MODEL, "inputs 'indices' and 'depth' must be numeric");
    if (depth->rank > 1 || onr_tensor_count(depth) != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'depth' must hold one value");
    if (values->rank != 1 || values->dims[0] != 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'values' must be [off_value, on_value]");
    if (idx->rank + 1 > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "output rank %d is above the limit %d", (int)idx->rank + 1,
                       ONR_MAX_RANK);
    int64_t axis;
    onr_status st = onr_axis_norm(p->axis, idx->rank + 1, "attribute 'axis'", &axis, err);
    if (st == ONR_OK)
        st = onr_input_known(depth, "input 'depth'", err);
    if (st != ONR_OK)
        return st;
    double dv = onr_load_as_double(depth->dtype, depth->data, 0);
    if (!(dv >= 1.0 && dv < 9.2e18))
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'depth' = %g must be >= 1", dv);
    onr_tensor *o = c->out[0];
    o->dtype = values->dtype;
    o->rank = idx->rank + 1;
    for (int32_t a = 0, s = 0; a < ONR_MAX_RANK; a++)
        o->dims[a] = a >= o->rank ? 0 : a == axis ? (int64_t)dv : idx->dims[s++];
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

static onr_status onehot_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onehot_params *p = c->params;
    const onr_tensor *idx = c->in[0], *values = c->in[2];
    onr_tensor *o = c->out[0];
    int64_t axis = p->axis < 0 ? p->axis + o->rank : p->axis;
    int64_t depth = o->dims[axis];
    size_t es = onr_dtype_size(o->dtype), inner = 1, n = onr_tensor_count(idx);
    for (int32_t a = (int32_t)axis + 1; a < o->rank; a++)
        inner *= (size_t)o->dims[a];
    size_t total = onr_tensor_count(o);
    if (total == 0)
        return ONR_OK;
    const char *off = values->data, *on = off + es;
    onr_fill_elems(o->data, off, es, total);
    /* index element e = (outer, in) lands at out[(outer * depth + v) * inner + in] */
    for (size_t e = 0; e < n; e++) {
        double dv = trunc(onr_load_as_double(idx->dtype, idx->data, e));
        if (dv < -(double)depth || dv >= (double)depth)
            continue;
        int64_t v = (int64_t)dv;
        if (v < 0)
            v += depth;
        size_t outer = e / inner, in = e % inner;
        memcpy((char *)o->data + ((outer * (size_t)depth + (size_t)v) * inner + in) * es, on, es);
    }
    return ONR_OK;
}

const onr_op_def onr_op_onehot = {
    .domain = "", .op_type = "OneHot", .since = 9, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(onehot_params), .parse = onehot_parse,
    .infer = onehot_infer, .run = onehot_run,
};
