/* maxunpool.c: MaxUnpool (opset 9-22): scatter X into a zero tensor at the flat positions given by
 * MaxPool's Indices.
 *
 * Semantics (ONNX-POOLING.md §8, the ONNX reference op_max_unpool.py):
 *  - inferred spatial size per axis (X_i - 1)*s_i - (pb_i + pe_i) + k_i, the transposed window
 *    arithmetic of pool_geometry (dilation 1, no output_padding); N and C as X;
 *  - out_flat[I_flat[j]] = X_flat[j] in C order, so with repeated indices the last write wins;
 *  - with the optional output_shape input the scatter still happens in the *inferred* shape's flat
 *    index space and that block sits at the origin of the larger output_shape tensor, the rest zero
 *    (test_maxunpool_export_with_output_shape). ORT instead scatters into output_shape's own index
 *    space; both agree when output_shape equals the inferred shape.
 *  - An index outside [0, prod(inferred shape)) fails the run with ONR_E_INVALID_ARG (the reference
 *    raises, ORT errors). output_shape smaller than the inferred shape on any axis is rejected. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/pool.h"
#include "ops/pool_geometry.h"

typedef struct unpool_params {
    onr_pool_attrs g;
} unpool_params;

static onr_status unpool_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"kernel_shape", "pads", "strides", NULL};
    unpool_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st != ONR_OK)
        return st;
    return onr_pool_parse(node, ONR_POOL_KERNEL_SHAPE | ONR_POOL_KERNEL_REQUIRED | ONR_POOL_STRIDES | ONR_POOL_PADS,
                          &p->g, err);
}

/* The inferred (scatter) shape into dims[0..rank). */
static onr_status inferred_shape(const onr_op_ctx *c, int64_t *dims, onr_error *err)
{
    const unpool_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_pool_geom g;
    if (x->rank < 3)
        return onr_err(err, ONR_E_INVALID_MODEL, "input X has rank %d; MaxUnpool needs (N, C, D1, ...)",
                       (int)x->rank);
    onr_status st = onr_pool_resolve_transpose(&p->g, x->rank - 2, x->dims + 2, NULL, NULL, NULL, &g, err);
    if (st != ONR_OK)
        return st;
    memset(dims, 0, ONR_MAX_RANK * sizeof *dims);
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (int32_t i = 0; i < g.n; i++)
        dims[i + 2] = g.ax[i].out;
    return ONR_OK;
}

static const onr_tensor *output_shape_input(const onr_op_ctx *c)
{
    return c->n_in > 2 ? c->in[2] : NULL;
}

static onr_status unpool_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0], *ind = c->in[1], *os = output_shape_input(c);
    onr_tensor *y = c->out[0];
    int64_t dims[ONR_MAX_RANK];
    size_t count;
    onr_status st = onr_pool_check_dtype(x->dtype, c->opset, false, "input X", err);
    if (st != ONR_OK)
        return st;
    if (ind->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input I has element type %s; must be int64",
                       onr_dtype_name(ind->dtype));
    if (!onr_shape_equal(x->rank, x->dims, ind->rank, ind->dims)) {
        char a[96], b[96];
        return onr_err(err, ONR_E_INVALID_MODEL, "input I has shape %s; must equal X's shape %s",
                       onr_shape_str(ind->rank, ind->dims, a, sizeof a), onr_shape_str(x->rank, x->dims, b, sizeof b));
    }
    if ((st = inferred_shape(c, dims, err)) != ONR_OK)
        return st;
    y->dtype = x->dtype;
    y->rank = x->rank;
    memcpy(y->dims, dims, sizeof y->dims);
    if (os) {
        if (os->dtype != ONR_DTYPE_INT64 || os->rank != 1 || os->dims[0] != x->rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "input output_shape must be a 1-D int64 tensor of %d values",
                           (int)x->rank);
        if (!os->data) /* a graph input: shape it at run time */
            return onr_err(err, ONR_E_NEEDS_DATA, "input output_shape is only known at run time");
        const int64_t *v = os->data;
        for (int32_t i = 0; i < x->rank; i++) {
            if (v[i] < dims[i])
                return onr_err(err, ONR_E_INVALID_MODEL,
                               "output_shape[%d] = %lld is smaller than the unpooled size %lld", (int)i,
                               (long long)v[i], (long long)dims[i]);
            y->dims[i] = v[i];
        }
    }
    return onr_shape_count(y->rank, y->dims, &count, "output Y", err);
}

static onr_status unpool_run(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    const int64_t *ind = c->in[1]->data;
    onr_tensor *y = c->out[0];
    int64_t dims[ONR_MAX_RANK];
    size_t n_x = onr_tensor_count(x), esz = onr_dtype_size(x->dtype), total = 1;
    onr_status st = inferred_shape(c, dims, err);
    if (st != ONR_OK)
        return st;
    for (int32_t i = 0; i < x->rank; i++)
        total *= (size_t)dims[i]; /* <= the output's element count, already checked */
    memset(y->data, 0, onr_tensor_bytes(y));
    const bool same = onr_shape_equal(y->rank, y->dims, x->rank, dims);
    const char *src = x->data;
    char *dst = y->data;
    for (size_t j = 0; j < n_x; j++) {
        const int64_t idx = ind[j];
        if (idx < 0 || (uint64_t)idx >= total)
            return onr_err(err, ONR_E_INVALID_ARG, "input I[%zu] = %lld is outside [0, %zu)", j, (long long)idx,
                           total);
        size_t at = (size_t)idx;
        if (!same) { /* re-express the inferred-shape flat index in output_shape's strides */
            size_t rest = at, stride = 1;
            at = 0;
            for (int32_t a = x->rank - 1; a >= 0; a--) {
                at += (rest % (size_t)dims[a]) * stride;
                rest /= (size_t)dims[a];
                stride *= (size_t)y->dims[a];
            }
        }
        memcpy(dst + at * esz, src + j * esz, esz);
    }
    return ONR_OK;
}

const onr_op_def onr_op_maxunpool = {
    .domain = "", .op_type = "MaxUnpool", .since = 9, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(unpool_params), .parse = unpool_parse,
    .infer = unpool_infer, .run = unpool_run,
};
