/* constant.c: Constant (1-22) and ConstantOfShape (9-22).
 *
 * Constant's value comes from exactly one attribute: 'value' (a tensor; every opset), 'sparse_value'
 * (11+), or from 12 on the shorthands 'value_float' / 'value_int' (scalars), 'value_floats' /
 * 'value_ints' (1-D) and 'value_string(s)'. Strings and sparse tensors are not onnxrun dtypes, so they
 * are refused as unsupported at load. ConstantOfShape fills a shape given by its input with the
 * one-element tensor 'value' (default float 0). */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

/* --- Constant ----------------------------------------------------------------------------------- */

typedef struct constant_params {
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    const void *data;   /* into the model's attribute storage; NULL: the scalar below */
    union {
        float f;
        int64_t i;
    } scalar;
} constant_params;

static onr_status constant_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    constant_params *p = params;
    static const char *const v1[] = {"value", NULL};
    static const char *const v11[] = {"value", "sparse_value", NULL};
    static const char *const v12[] = {"value",        "sparse_value", "value_float",   "value_floats",
                                      "value_int",    "value_ints",   "value_string",  "value_strings",
                                      NULL};
    onr_status st = onr_attr_allow(node, node->opset < 11 ? v1 : node->opset < 12 ? v11 : v12, err);
    if (st != ONR_OK)
        return st;
    /* The spec demands exactly one of them. */
    if (node->n_attrs != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "exactly one value attribute must be set, got %zu",
                       node->n_attrs);
    const onr_attr *a = &node->attrs[0];
    const char *name = a->name;
    if (strcmp(name, "sparse_value") == 0 || strcmp(name, "value_string") == 0 ||
        strcmp(name, "value_strings") == 0)
        return onr_err(err, ONR_E_UNSUPPORTED, "attribute '%s' (string or sparse constants) is not supported",
                       name);
    if (strcmp(name, "value") == 0) {
        const onr_tensor *t;
        st = onr_attr_tensor(node, "value", &t, err);
        if (st != ONR_OK)
            return st;
        if (!t || onr_dtype_size(t->dtype) == 0)
            return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'value': data type %d is not supported",
                           t ? (int)t->dtype : 0);
        size_t bytes;
        st = onr_shape_bytes(t->dtype, t->rank, t->dims, &bytes, "attribute 'value'", err);
        if (st != ONR_OK)
            return st;
        if (bytes && !t->data)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'value' has no data");
        p->dtype = t->dtype;
        p->rank = t->rank;
        memcpy(p->dims, t->dims, sizeof p->dims);
        p->data = t->data;
        return ONR_OK;
    }
    if (strcmp(name, "value_float") == 0) {
        p->dtype = ONR_DTYPE_FLOAT;
        return onr_attr_float(node, name, 0, &p->scalar.f, err);
    }
    if (strcmp(name, "value_int") == 0) {
        p->dtype = ONR_DTYPE_INT64;
        return onr_attr_int(node, name, 0, &p->scalar.i, err);
    }
    size_t n = 0;
    if (strcmp(name, "value_floats") == 0) {
        const float *v;
        p->dtype = ONR_DTYPE_FLOAT;
        st = onr_attr_floats(node, name, &v, &n, err);
        p->data = v;
    } else {
        const int64_t *v;
        p->dtype = ONR_DTYPE_INT64;
        st = onr_attr_ints(node, name, &v, &n, err);
        p->data = v;
    }
    p->rank = 1;
    p->dims[0] = (int64_t)n;
    if (st == ONR_OK && n && !p->data)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' has no data", name);
    return st;
}

static onr_status constant_infer(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const constant_params *p = c->params;
    onr_tensor *o = c->out[0];
    o->dtype = p->dtype;
    o->rank = p->rank;
    memcpy(o->dims, p->dims, sizeof o->dims);
    return ONR_OK;
}

static onr_status constant_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const constant_params *p = c->params;
    size_t bytes = onr_tensor_bytes(c->out[0]);
    if (bytes)
        memcpy(c->out[0]->data, p->data ? p->data : (const void *)&p->scalar, bytes);
    return ONR_OK;
}

const onr_op_def onr_op_constant = {
    .domain = "", .op_type = "Constant", .since = 1, .until = 22,
    .min_in = 0, .max_in = 0, .min_out = 1, .max_out = 1,
    .params_size = sizeof(constant_params), .parse = constant_parse,
    .infer = constant_infer, .run = constant_run,
};

/* --- ConstantOfShape ---------------------------------------------------------------------------- */

typedef struct cos_params {
    onr_dtype dtype;
    unsigned char value[16]; /* one element, at most 8 bytes today */
} cos_params;

static onr_status cos_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    cos_params *p = params;
    static const char *const allowed[] = {"value", NULL};
    const onr_tensor *t;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_tensor(node, "value", &t, err);
    if (st != ONR_OK)
        return st;
    if (!t) { /* default: float 0 */
        p->dtype = ONR_DTYPE_FLOAT;
        return ONR_OK;
    }
    size_t es = onr_dtype_size(t->dtype);
    if (es == 0 || es > sizeof p->value)
        return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'value': data type %d is not supported", (int)t->dtype);
    size_t n;
    st = onr_shape_count(t->rank, t->dims, &n, "attribute 'value'", err);
    if (st != ONR_OK)
        return st;
    if (n != 1 || !t->data)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'value' must hold exactly one element, has %zu", n);
    p->dtype = t->dtype;
    memcpy(p->value, t->data, es);
    return ONR_OK;
}

static onr_status cos_infer(onr_op_ctx *c, onr_error *err)
{
    const cos_params *p = c->params;
    int64_t dims[ONR_MAX_RANK];
    size_t n, count;
    if (c->in[0]->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'input' must be int64, got %s",
                       onr_dtype_name(c->in[0]->dtype));
    if (c->in[0]->rank != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'input' must be 1-D, got rank %d", (int)c->in[0]->rank);
    if (c->in[0]->dims[0] > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'input' asks for rank %lld, above the limit %d",
                       (long long)c->in[0]->dims[0], ONR_MAX_RANK);
    onr_status st = onr_input_ints(c->in[0], "input 'input'", ONR_MAX_RANK, dims, &n, err);
    if (st != ONR_OK)
        return st;
    /* An empty shape gives a scalar; every dim must be >= 0 (0 gives an empty tensor). */
    st = onr_shape_count((int32_t)n, dims, &count, "input 'input'", err);
    if (st != ONR_OK)
        return st;
    onr_tensor *o = c->out[0];
    o->dtype = p->dtype;
    o->rank = (int32_t)n;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        o->dims[i] = i < (int)n ? dims[i] : 0;
    return ONR_OK;
}

static onr_status cos_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const cos_params *p = c->params;
    onr_fill_elems(c->out[0]->data, p->value, onr_dtype_size(p->dtype), onr_tensor_count(c->out[0]));
    return ONR_OK;
}

const onr_op_def onr_op_constant_of_shape = {
    .domain = "", .op_type = "ConstantOfShape", .since = 9, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(cos_params), .parse = cos_parse,
    .infer = cos_infer, .run = cos_run,
};
