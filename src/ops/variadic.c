/* variadic.c: Sum, Mean, Min, Max over N >= 1 inputs with numpy broadcasting (opset 8+; before 8 the
 * inputs had to share one shape, which is a special case). The output is folded pairwise:
 * y = in0 op in1, then y = y op in_k; Mean divides the sum by N last. One input is a copy. */
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/binary.h"
#include "ops/broadcast.h"
#include "ops/op.h"

typedef struct variadic_params {
    onr_binop op;
    bool mean;
} variadic_params;

static onr_status variadic_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    variadic_params *p = params;
    const char *name = node->op_type;
    p->mean = strcmp(name, "Mean") == 0;
    p->op = strcmp(name, "Min") == 0 ? ONR_BINOP_MIN : strcmp(name, "Max") == 0 ? ONR_BINOP_MAX : ONR_BINOP_ADD;
    const char *allowed[] = {node->opset < 6 ? "consumed_inputs" : NULL, NULL};
    return onr_attr_allow(node, allowed, err);
}

static onr_status variadic_infer(onr_op_ctx *c, onr_error *err)
{
    const variadic_params *p = c->params;
    onr_dtype t = c->in[0]->dtype;
    for (size_t k = 0; k < c->n_in; k++) {
        if (!c->in[k])
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu is empty; every input is required", k);
        if (c->in[k]->dtype != t)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu has type %s, input 0 has %s", k,
                           onr_dtype_name(c->in[k]->dtype), onr_dtype_name(t));
    }
    /* Sum and Mean are defined for float types only; Min/Max also for integers (12+). */
    if (!onr_binop_supports(p->op, t) || t == ONR_DTYPE_BOOL || (p->op == ONR_BINOP_ADD && !onr_dtype_is_float(t)))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(t));
    onr_status st = onr_broadcast_shape(c->n_in, c->in, c->out[0], err);
    c->out[0]->dtype = t;
    return st;
}

static onr_status variadic_run(onr_op_ctx *c, onr_error *err)
{
    const variadic_params *p = c->params;
    onr_tensor *y = c->out[0];
    onr_status st = ONR_OK;
    if (c->n_in == 1) {
        memcpy(y->data, c->in[0]->data, onr_tensor_bytes(y));
        return ONR_OK;
    }
    st = onr_binop_apply(p->op, c->in[0], c->in[1], y, c->pool, err);
    for (size_t k = 2; k < c->n_in && st == ONR_OK; k++)
        st = onr_binop_apply(p->op, y, c->in[k], y, c->pool, err);
    if (st == ONR_OK && p->mean) {
        /* Divide by N (exact in every float type for any realistic N) rather than multiply by 1/N. */
        union { double d; float f; uint16_t h; } nbuf;
        onr_tensor n = {.dtype = y->dtype, .rank = 0, .data = &nbuf};
        onr_store_from_double(y->dtype, &nbuf, 0, (double)c->n_in);
        st = onr_binop_apply(ONR_BINOP_DIV, y, &n, y, c->pool, err);
    }
    return st;
}

#define VARIADIC_DEF(sym, opname)                                                                             \
    const onr_op_def sym = {                                                                                  \
        .domain = "", .op_type = opname, .since = 1, .until = 22,                                             \
        .min_in = 1, .max_in = ONR_VARIADIC, .min_out = 1, .max_out = 1,                                      \
        .params_size = sizeof(variadic_params), .parse = variadic_parse,                                      \
        .infer = variadic_infer, .run = variadic_run,                                                         \
    };

VARIADIC_DEF(onr_op_sum, "Sum")
VARIADIC_DEF(onr_op_mean, "Mean")
VARIADIC_DEF(onr_op_min, "Min")
VARIADIC_DEF(onr_op_max, "Max")
