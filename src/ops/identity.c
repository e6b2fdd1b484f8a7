/* identity.c: Identity (opset 1-22): output = input. */
#include <string.h>

#include "core/shape.h"
#include "ops/op.h"

static onr_status identity_infer(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    c->out[0]->dtype = c->in[0]->dtype;
    c->out[0]->rank = c->in[0]->rank;
    memcpy(c->out[0]->dims, c->in[0]->dims, sizeof c->in[0]->dims);
    return ONR_OK;
}

static onr_status identity_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    if (c->out[0]->data != c->in[0]->data)
        memcpy(c->out[0]->data, c->in[0]->data, onr_tensor_bytes(c->in[0]));
    return ONR_OK;
}

const onr_op_def onr_op_identity = {
    .domain = "", .op_type = "Identity", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .infer = identity_infer, .run = identity_run, .flags = ONR_OP_ALIAS_INPUT0,
};
