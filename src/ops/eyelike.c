/* eyelike.c: EyeLike (9-22): a 2-D tensor of the input's shape with ones on the diagonal shifted by k
 * (element (i, j) is 1 when j - i == k, k > 0 above the main diagonal) and zeros elsewhere. Its type is
 * attribute 'dtype' when present, else the input's. Only the input's shape is read. */
#include <string.h>

#include "core/dtype.h"
#include "ops/attr.h"
#include "ops/op.h"

typedef struct eyelike_params {
    int64_t dtype, k;
} eyelike_params;

static onr_status eyelike_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"dtype", "k", NULL};
    eyelike_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "dtype", 0, &p->dtype, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "k", 0, &p->k, err);
    if (st == ONR_OK && p->dtype != 0 && !onr_dtype_known((int)p->dtype))
        st = onr_err(err, ONR_E_UNSUPPORTED, "attribute 'dtype' = %lld is not a supported type", (long long)p->dtype);
    return st;
}

static onr_status eyelike_infer(onr_op_ctx *c, onr_error *err)
{
    const eyelike_params *p = c->params;
    const onr_tensor *x = c->in[0];
    if (x->rank != 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input must be 2-D, got rank %d", (int)x->rank);
    onr_tensor *o = c->out[0];
    o->dtype = p->dtype ? (onr_dtype)p->dtype : x->dtype;
    if (!onr_dtype_known(o->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(o->dtype));
    o->rank = 2;
    memset(o->dims, 0, sizeof o->dims);
    o->dims[0] = x->dims[0];
    o->dims[1] = x->dims[1];
    return ONR_OK;
}

static onr_status eyelike_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const eyelike_params *p = c->params;
    onr_tensor *o = c->out[0];
    int64_t rows = o->dims[0], cols = o->dims[1];
    size_t bytes = onr_tensor_bytes(o);
    if (bytes == 0)
        return ONR_OK;
    memset(o->data, 0, bytes); /* zero is all-zero bytes in every supported type */
    /* rows i with 0 <= i + k < cols; bounds taken before adding so extreme k cannot overflow */
    int64_t first = p->k < 0 ? (p->k < -rows ? rows : -p->k) : 0;
    int64_t last = p->k >= cols || p->k < -rows ? 0 : (cols - p->k < rows ? cols - p->k : rows);
    for (int64_t i = first; i < last; i++)
        onr_store_from_double(o->dtype, o->data, (size_t)(i * cols + i + p->k), 1.0);
    return ONR_OK;
}

const onr_op_def onr_op_eyelike = {
    .domain = "", .op_type = "EyeLike", .since = 9, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(eyelike_params), .parse = eyelike_parse,
    .infer = eyelike_infer, .run = eyelike_run,
};
