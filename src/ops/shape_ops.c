/* shape_ops.c: Shape (1-22; 'start'/'end' from 15) and Size (1-22). Their outputs depend only on the
 * input's shape, so both carry ONR_OP_SHAPE_ONLY and the planner folds them into constants once
 * shapes are known, which lets shape-computing subgraphs (Shape -> Gather -> Concat -> Reshape) be
 * planned ahead of the run. */
#include <string.h>

#include "ops/attr.h"
#include "ops/op.h"

typedef struct shape_params {
    int64_t start, end;
    bool has_end;
} shape_params;

static onr_status shape_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    shape_params *p = params;
    static const char *const v1[] = {NULL};
    static const char *const v15[] = {"start", "end", NULL};
    onr_status st = onr_attr_allow(node, node->opset < 15 ? v1 : v15, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "start", 0, &p->start, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "end", 0, &p->end, err);
    p->has_end = onr_attr_find(node, "end") != NULL;
    return st;
}

/* Shape-15: negative start/end count from the back; both are then clamped to [0, r], and an empty range
 * gives an empty output. */
static void shape_range(const shape_params *p, int32_t rank, int64_t *start, int64_t *end)
{
    int64_t s = p->start, e = p->has_end ? p->end : rank;
    if (s < 0)
        s += rank;
    if (e < 0)
        e += rank;
    s = s < 0 ? 0 : s > rank ? rank : s;
    e = e < 0 ? 0 : e > rank ? rank : e;
    *start = s;
    *end = e < s ? s : e;
}

static onr_status shape_infer(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    int64_t s, e;
    shape_range(c->params, c->in[0]->rank, &s, &e);
    onr_tensor *o = c->out[0];
    o->dtype = ONR_DTYPE_INT64;
    o->rank = 1;
    memset(o->dims, 0, sizeof o->dims);
    o->dims[0] = e - s;
    return ONR_OK;
}

static onr_status shape_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    int64_t s, e;
    shape_range(c->params, c->in[0]->rank, &s, &e);
    memcpy(c->out[0]->data, c->in[0]->dims + s, (size_t)(e - s) * sizeof(int64_t));
    return ONR_OK;
}

const onr_op_def onr_op_shape = {
    .domain = "", .op_type = "Shape", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(shape_params), .parse = shape_parse,
    .infer = shape_infer, .run = shape_run, .flags = ONR_OP_SHAPE_ONLY,
};

static onr_status size_infer(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    onr_tensor *o = c->out[0];
    o->dtype = ONR_DTYPE_INT64;
    o->rank = 0;
    memset(o->dims, 0, sizeof o->dims);
    return ONR_OK;
}

static onr_status size_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    int64_t n = (int64_t)onr_tensor_count(c->in[0]);
    memcpy(c->out[0]->data, &n, sizeof n);
    return ONR_OK;
}

const onr_op_def onr_op_size = {
    .domain = "", .op_type = "Size", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .infer = size_infer, .run = size_run, .flags = ONR_OP_SHAPE_ONLY,
};
