/* reshape.c: the ops that change a shape but not the bytes: Reshape (1-22), Flatten (1-22),
 * Squeeze (1-22), Unsqueeze (1-22). Each infers the new shape; run is one copy of the data.
 *
 * Where the shape comes from, by opset (ONNX operator changelog):
 *   Reshape    1-4: attribute 'shape'; 5+: input 'shape'; 14+: attribute 'allowzero'.
 *   Squeeze    1-12: attribute 'axes' (optional: all size-1 axes); 13+: optional input 'axes'.
 *   Unsqueeze  1-12: attribute 'axes' (required); 13+: input 'axes' (required).
 *   Flatten    attribute 'axis' in [0, r]; opset 11 added negative values.
 * Negative axes (added at opset 11) are accepted at every opset, as onnxruntime does: they are
 * unambiguous and older exporters never write them. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

/* The data is copied unchanged: a reshape never reorders elements. The engine may alias output and
 * input, so skip the copy then. */
static onr_status copy_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    if (c->out[0]->data != c->in[0]->data)
        memcpy(c->out[0]->data, c->in[0]->data, onr_tensor_bytes(c->in[0]));
    return ONR_OK;
}

static onr_status set_out(onr_op_ctx *c, int32_t rank, const int64_t *dims, onr_error *err)
{
    size_t n_in, n_out;
    onr_status st = onr_shape_count(rank, dims, &n_out, "output", err);
    if (st != ONR_OK)
        return st;
    st = onr_shape_count(c->in[0]->rank, c->in[0]->dims, &n_in, "input 'data'", err);
    if (st != ONR_OK)
        return st;
    if (n_in != n_out) {
        char a[128], b[128];
        return onr_err(err, ONR_E_INVALID_MODEL, "cannot reshape %s (%zu elements) to %s (%zu elements)",
                       onr_shape_str(c->in[0]->rank, c->in[0]->dims, a, sizeof a), n_in,
                       onr_shape_str(rank, dims, b, sizeof b), n_out);
    }
    onr_tensor *o = c->out[0];
    o->dtype = c->in[0]->dtype;
    o->rank = rank;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        o->dims[i] = i < rank ? dims[i] : 0;
    return ONR_OK;
}

/* --- Reshape ------------------------------------------------------------------------------------ */

typedef struct reshape_params {
    int64_t allowzero;
    const int64_t *shape; /* opset < 5: the 'shape' attribute */
    size_t n_shape;
} reshape_params;

static onr_status reshape_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    reshape_params *p = params;
    static const char *const v1[] = {"shape", "consumed_inputs", NULL};
    static const char *const v5[] = {NULL};
    static const char *const v14[] = {"allowzero", NULL};
    onr_status st = onr_attr_allow(node, node->opset < 5 ? v1 : node->opset < 14 ? v5 : v14, err);
    if (st == ONR_OK && node->opset < 5)
        st = onr_attr_require(node, "shape", err);
    if (st == ONR_OK && node->opset < 5)
        st = onr_attr_ints(node, "shape", &p->shape, &p->n_shape, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "allowzero", 0, &p->allowzero, err);
    if (st == ONR_OK && p->allowzero != 0 && p->allowzero != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'allowzero' must be 0 or 1, got %lld",
                       (long long)p->allowzero);
    return st;
}

static onr_status reshape_infer(onr_op_ctx *c, onr_error *err)
{
    const reshape_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t shape[ONR_MAX_RANK + 1];
    size_t n = 0;
    onr_status st;
    if (c->opset < 5) {
        if (p->n_shape > ONR_MAX_RANK)
            return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'shape' has rank %zu, above the limit %d",
                           p->n_shape, ONR_MAX_RANK);
        n = p->n_shape;
        if (n)
            memcpy(shape, p->shape, n * sizeof *shape);
    } else {
        if (c->n_in < 2 || !c->in[1])
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'shape' is required");
        if (c->in[1]->dtype != ONR_DTYPE_INT64)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'shape' must be int64, got %s",
                           onr_dtype_name(c->in[1]->dtype));
        st = onr_input_ints(c->in[1], "input 'shape'", ONR_MAX_RANK, shape, &n, err);
        if (st != ONR_OK)
            return st;
    }
    /* ONNX Reshape: 0 copies the input dim at the same index (unless allowzero=1, where 0 is a real
     * zero), -1 is inferred from the remaining element count, at most once. */
    int infer_at = -1;
    size_t known = 1, total;
    st = onr_shape_count(x->rank, x->dims, &total, "input 'data'", err);
    if (st != ONR_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == -1) {
            if (infer_at >= 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "shape[%zu] and shape[%d] are both -1", i, infer_at);
            infer_at = (int)i;
            continue;
        }
        if (shape[i] < -1)
            return onr_err(err, ONR_E_INVALID_MODEL, "shape[%zu] = %lld is invalid (only -1 may be negative)", i,
                           (long long)shape[i]);
        if (shape[i] == 0 && !p->allowzero) {
            if ((int32_t)i >= x->rank)
                return onr_err(err, ONR_E_INVALID_MODEL,
                               "shape[%zu] = 0 copies input dim %zu, but the input has rank %d", i, i, (int)x->rank);
            shape[i] = x->dims[i];
        }
        if ((uint64_t)shape[i] > SIZE_MAX || !onr_mul_size(known, (size_t)shape[i], &known))
            return onr_err(err, ONR_E_INVALID_MODEL, "shape: element count overflows");
    }
    if (infer_at >= 0) {
        /* allowzero=1 with both 0 and -1 is invalid per the spec: the -1 cannot be determined. */
        if (known == 0) {
            char a[128];
            return onr_err(err, ONR_E_INVALID_MODEL, "shape[%d] = -1 cannot be inferred: the other dims of "
                           "the target have 0 elements (input %s)", infer_at,
                           onr_shape_str(x->rank, x->dims, a, sizeof a));
        }
        if (total % known != 0) {
            char a[128];
            return onr_err(err, ONR_E_INVALID_MODEL,
                           "shape[%d] = -1: input %s has %zu elements, not a multiple of the other dims' %zu",
                           infer_at, onr_shape_str(x->rank, x->dims, a, sizeof a), total, known);
        }
        shape[infer_at] = (int64_t)(total / known);
    }
    return set_out(c, (int32_t)n, shape, err);
}

const onr_op_def onr_op_reshape = {
    .domain = "", .op_type = "Reshape", .since = 1, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(reshape_params), .parse = reshape_parse,
    .infer = reshape_infer, .run = copy_run, .flags = ONR_OP_ALIAS_INPUT0,
};

/* --- Flatten ------------------------------------------------------------------------------------ */

typedef struct flatten_params {
    int64_t axis;
} flatten_params;

static onr_status flatten_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    flatten_params *p = params;
    static const char *const allowed[] = {"axis", NULL};
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 1, &p->axis, err);
    return st;
}

static onr_status flatten_infer(onr_op_ctx *c, onr_error *err)
{
    const flatten_params *p = c->params;
    const onr_tensor *x = c->in[0];
    /* Flatten's axis may equal the rank (output (N, 1)): the valid range is [-r, r]. */
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    if (axis < 0 || axis > x->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axis' = %lld is outside [%d, %d]", (long long)p->axis,
                       -(int)x->rank, (int)x->rank);
    onr_status st;
    size_t outer, inner;
    st = onr_shape_count((int32_t)axis, x->dims, &outer, "input", err);
    if (st == ONR_OK)
        st = onr_shape_count(x->rank - (int32_t)axis, x->dims + axis, &inner, "input", err);
    if (st != ONR_OK)
        return st;
    int64_t dims[2] = {(int64_t)outer, (int64_t)inner};
    return set_out(c, 2, dims, err);
}

const onr_op_def onr_op_flatten = {
    .domain = "", .op_type = "Flatten", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(flatten_params), .parse = flatten_parse,
    .infer = flatten_infer, .run = copy_run, .flags = ONR_OP_ALIAS_INPUT0,
};

/* --- Squeeze / Unsqueeze ------------------------------------------------------------------------ */

typedef struct axes_params {
    const int64_t *axes; /* opset < 13: the 'axes' attribute */
    size_t n_axes;
} axes_params;

static onr_status axes_parse(const onr_node_desc *node, void *params, bool required, onr_error *err)
{
    axes_params *p = params;
    static const char *const v1[] = {"axes", NULL};
    static const char *const v13[] = {NULL};
    onr_status st = onr_attr_allow(node, node->opset < 13 ? v1 : v13, err);
    if (st == ONR_OK && node->opset < 13 && required)
        st = onr_attr_require(node, "axes", err);
    if (st == ONR_OK && node->opset < 13)
        st = onr_attr_ints(node, "axes", &p->axes, &p->n_axes, err);
    return st;
}

static onr_status squeeze_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    return axes_parse(node, params, false, err);
}

static onr_status unsqueeze_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    return axes_parse(node, params, true, err);
}

/* The axes from the attribute (opset < 13) or the input (13+); *present is false when neither is given. */
static onr_status get_axes(onr_op_ctx *c, int64_t *axes, size_t *n, bool *present, onr_error *err)
{
    const axes_params *p = c->params;
    if (c->opset < 13) {
        if (p->n_axes > ONR_MAX_RANK * 2)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axes' has %zu values", p->n_axes);
        if (p->n_axes)
            memcpy(axes, p->axes, p->n_axes * sizeof *axes);
        *n = p->n_axes;
        *present = p->axes != NULL;
        return ONR_OK;
    }
    *present = c->n_in > 1 && c->in[1];
    *n = 0;
    if (!*present)
        return ONR_OK;
    if (c->in[1]->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'axes' must be int64, got %s",
                       onr_dtype_name(c->in[1]->dtype));
    return onr_input_ints(c->in[1], "input 'axes'", ONR_MAX_RANK * 2, axes, n, err);
}

static onr_status squeeze_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    int64_t axes[ONR_MAX_RANK * 2], norm[ONR_MAX_RANK * 2], dims[ONR_MAX_RANK];
    size_t n;
    bool present = false;
    onr_status st = get_axes(c, axes, &n, &present, err);
    if (st != ONR_OK)
        return st;
    bool drop[ONR_MAX_RANK] = {false};
    if (present && n > 0) {
        st = onr_axes_norm(axes, n, x->rank, present && c->opset >= 13 ? "input 'axes'" : "attribute 'axes'",
                           norm, err);
        if (st != ONR_OK)
            return st;
        for (size_t i = 0; i < n; i++) {
            if (x->dims[norm[i]] != 1)
                return onr_err(err, ONR_E_INVALID_MODEL, "cannot squeeze axis %lld: its size is %lld, not 1",
                               (long long)axes[i], (long long)x->dims[norm[i]]);
            drop[norm[i]] = true;
        }
    } else {
        /* No axes (or an empty list, which onnxruntime treats the same): drop every size-1 axis. */
        for (int32_t i = 0; i < x->rank; i++)
            drop[i] = x->dims[i] == 1;
    }
    int32_t r = 0;
    for (int32_t i = 0; i < x->rank; i++)
        if (!drop[i])
            dims[r++] = x->dims[i];
    return set_out(c, r, dims, err);
}

static onr_status unsqueeze_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    int64_t axes[ONR_MAX_RANK * 2], norm[ONR_MAX_RANK * 2], dims[ONR_MAX_RANK];
    size_t n;
    bool present = false;
    onr_status st = get_axes(c, axes, &n, &present, err);
    if (st != ONR_OK)
        return st;
    const char *what = c->opset >= 13 ? "input 'axes'" : "attribute 'axes'";
    if (!present)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s is required", what);
    int64_t r = (int64_t)x->rank + (int64_t)n;
    if (r > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "output rank %lld is above the limit %d", (long long)r, ONR_MAX_RANK);
    /* Axes index the output, whose rank is r + len(axes). */
    st = onr_axes_norm(axes, n, r, what, norm, err);
    if (st != ONR_OK)
        return st;
    bool ins[ONR_MAX_RANK] = {false};
    for (size_t i = 0; i < n; i++)
        ins[norm[i]] = true;
    for (int64_t i = 0, j = 0; i < r; i++)
        dims[i] = ins[i] ? 1 : x->dims[j++];
    return set_out(c, (int32_t)r, dims, err);
}

const onr_op_def onr_op_squeeze = {
    .domain = "", .op_type = "Squeeze", .since = 1, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(axes_params), .parse = squeeze_parse,
    .infer = squeeze_infer, .run = copy_run, .flags = ONR_OP_ALIAS_INPUT0,
};

const onr_op_def onr_op_unsqueeze = {
    .domain = "", .op_type = "Unsqueeze", .since = 1, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(axes_params), .parse = unsqueeze_parse,
    .infer = unsqueeze_infer, .run = copy_run, .flags = ONR_OP_ALIAS_INPUT0,
};
