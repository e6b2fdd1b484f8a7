/* gather.c: Gather (1-22): out[i.., j.., k..] = data[i.., indices[j..], k..] along 'axis'.
 *
 * Indices are int32 or int64; negative ones count from the back of the axis (spelled out from
 * opset 11, and what every runtime does before). An index outside [-d, d-1] is an error, never a read
 * out of bounds: while planning, for indices the model holds, it is an invalid model; during a run
 * (eager infer included), for indices computed from the inputs, an invalid argument (onr_data_fault). Rows are copied by byte size, so every
 * dtype works. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct gather_params {
    int64_t axis;
} gather_params;

static onr_status gather_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    gather_params *p = params;
    static const char *const allowed[] = {"axis", NULL};
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    return st;
}

/* Checks every index against the axis size d. */
static onr_status check_indices(const onr_tensor *idx, int64_t d, onr_status code, onr_error *err)
{
    size_t n = onr_tensor_count(idx);
    for (size_t i = 0; i < n; i++) {
        int64_t v = onr_int_at(idx, i);
        if (v < -d || v >= d)
            return onr_bad_index(err, code, i, v, d);
    }
    return ONR_OK;
}

static onr_status gather_infer(onr_op_ctx *c, onr_error *err)
{
    const gather_params *p = c->params;
    const onr_tensor *x = c->in[0], *idx = c->in[1];
    int64_t axis;
    if (x->rank == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'data' must have rank >= 1");
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    if (idx->dtype != ONR_DTYPE_INT64 && idx->dtype != ONR_DTYPE_INT32)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'indices' must be int32 or int64, got %s",
                       onr_dtype_name(idx->dtype));
    int32_t r = x->rank - 1 + idx->rank;
    if (r > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "output rank %d is above the limit %d", (int)r, ONR_MAX_RANK);
    if (idx->data) {
        st = check_indices(idx, x->dims[axis], onr_data_fault(c, false), err);
        if (st != ONR_OK)
            return st;
    }
    /* Output shape: data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
    onr_tensor *o = c->out[0];
    int64_t dims[ONR_MAX_RANK];
    int32_t k = 0;
    for (int32_t i = 0; i < axis; i++)
        dims[k++] = x->dims[i];
    for (int32_t i = 0; i < idx->rank; i++)
        dims[k++] = idx->dims[i];
    for (int32_t i = (int32_t)axis + 1; i < x->rank; i++)
        dims[k++] = x->dims[i];
    size_t count;
    st = onr_shape_bytes(x->dtype, r, dims, &count, "output", err);
    if (st != ONR_OK)
        return st;
    o->dtype = x->dtype;
    o->rank = r;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        o->dims[i] = i < r ? dims[i] : 0;
    return ONR_OK;
}

typedef struct gather_job {
    char *dst;
    const char *src;
    const onr_tensor *idx;
    size_t n_idx, block, axis_dim;  /* block: bytes of one slice data[i.., j, :] */
} gather_job;

static void gather_rows(void *arg, size_t begin, size_t end)
{
    const gather_job *g = arg;
    /* Row r of the output is (outer i = r / n_idx, index j = r % n_idx). */
    for (size_t r = begin; r < end; r++) {
        size_t i = r / g->n_idx, j = r % g->n_idx;
        int64_t v = onr_int_at(g->idx, j);
        if (v < 0)
            v += (int64_t)g->axis_dim;
        memcpy(g->dst + r * g->block, g->src + (i * g->axis_dim + (size_t)v) * g->block, g->block);
    }
}

static onr_status gather_run(onr_op_ctx *c, onr_error *err)
{
    const gather_params *p = c->params;
    const onr_tensor *x = c->in[0], *idx = c->in[1];
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    onr_status st = check_indices(idx, x->dims[axis], onr_data_fault(c, true), err);
    if (st != ONR_OK)
        return st;
    size_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; i++)
        outer *= (size_t)x->dims[i];
    for (int32_t i = (int32_t)axis + 1; i < x->rank; i++)
        inner *= (size_t)x->dims[i];
    gather_job g = {.dst = c->out[0]->data, .src = x->data, .idx = idx, .n_idx = onr_tensor_count(idx),
                    .block = inner * onr_dtype_size(x->dtype), .axis_dim = (size_t)x->dims[axis]};
    size_t rows = outer * g.n_idx;
    if (rows == 0 || g.block == 0)
        return ONR_OK;
    onr_parallel_for(c->pool, rows, g.block >= 16384 ? 1 : 16384 / g.block, gather_rows, &g);
    return ONR_OK;
}

const onr_op_def onr_op_gather = {
    .domain = "", .op_type = "Gather", .since = 1, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(gather_params), .parse = gather_parse,
    .infer = gather_infer, .run = gather_run,
};
