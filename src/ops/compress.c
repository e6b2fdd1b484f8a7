/* compress.c: Compress (9-22): the slices of input along `axis` whose entry in the 1-D bool condition
 * is true (numpy.compress); without axis, the elements of the flattened input. condition may be
 * shorter than the axis (missing entries count as false); a longer one is refused, as numpy refuses
 * it. The output length depends on the condition's data (onr_input_known: run-time shaping when it is
 * not a constant). Elements move by byte size, so every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct compress_params {
    bool has_axis;
    int64_t axis;
} compress_params;

static onr_status compress_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"axis", NULL};
    compress_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    p->has_axis = onr_attr_find(node, "axis") != NULL;
    return st;
}

/* The input as (outer, len, inner) around the compressed axis. */
static void geometry(const compress_params *p, const onr_tensor *x, size_t *outer, size_t *len, size_t *inner)
{
    *outer = 1;
    *inner = 1;
    if (!p->has_axis) {
        *len = onr_tensor_count(x);
        return;
    }
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    *len = (size_t)x->dims[axis];
    for (int32_t a = 0; a < x->rank; a++) {
        if (a < axis)
            *outer *= (size_t)x->dims[a];
        else if (a > axis)
            *inner *= (size_t)x->dims[a];
    }
}

static onr_status compress_infer(onr_op_ctx *c, onr_error *err)
{
    const compress_params *p = c->params;
    const onr_tensor *x = c->in[0], *cond = c->in[1];
    int64_t axis = 0;
    if (cond->dtype != ONR_DTYPE_BOOL || cond->rank != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'condition' must be a 1-D bool tensor");
    if (p->has_axis) {
        onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
        if (st != ONR_OK)
            return st;
    }
    size_t outer, len, inner;
    geometry(p, x, &outer, &len, &inner);
    if ((size_t)cond->dims[0] > len)
        return onr_err(err, ONR_E_INVALID_MODEL, "condition has %lld entries, more than the %zu selectable",
                       (long long)cond->dims[0], len);
    onr_status st = onr_input_known(cond, "input 'condition'", err);
    if (st != ONR_OK)
        return st;
    int64_t kept = 0;
    for (int64_t i = 0; i < cond->dims[0]; i++)
        kept += ((const uint8_t *)cond->data)[i] != 0;
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    memset(o->dims, 0, sizeof o->dims);
    if (!p->has_axis) {
        o->rank = 1;
        o->dims[0] = kept;
    } else {
        o->rank = x->rank;
        for (int32_t a = 0; a < x->rank; a++)
            o->dims[a] = a == axis ? kept : x->dims[a];
    }
    return ONR_OK;
}

static onr_status compress_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const compress_params *p = c->params;
    const onr_tensor *x = c->in[0], *cond = c->in[1];
    size_t outer, len, inner, es = onr_dtype_size(x->dtype);
    geometry(p, x, &outer, &len, &inner);
    const uint8_t *m = cond->data;
    const char *src = x->data;
    char *dst = c->out[0]->data;
    size_t block = inner * es;
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < (size_t)cond->dims[0]; i++)
            if (m[i]) {
                memcpy(dst, src + (o * len + i) * block, block);
                dst += block;
            }
    return ONR_OK;
}

const onr_op_def onr_op_compress = {
    .domain = "", .op_type = "Compress", .since = 9, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(compress_params), .parse = compress_parse,
    .infer = compress_infer, .run = compress_run,
};
