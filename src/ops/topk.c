/* topk.c: TopK (1-22): the k largest (largest = 1, default) or smallest elements along `axis` (default
 * -1), as Values (X's type) and Indices (int64), output shape X's with that axis k. k is attribute 'k'
 * before opset 10 and the 1-element int64 input K from 10 on; it sets the output shape, so an unknown K
 * shapes the node at run time (onr_input_known). Order (11+): sorted = 1 sorts the results; equal values
 * keep the lower index first, as the spec requires; sorted = 0 leaves the order free and gets the same
 * sorted order here. NaN sorts above every number (numpy's order), so it counts as the largest.
 * Keys compare as double: exact for every type but 64-bit integers above 2^53. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct topk_params {
    int64_t axis, k, largest;
} topk_params;

typedef struct key {
    double v;
    int64_t i;
} key;

static onr_status topk_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const v1[] = {"axis", "k", NULL};
    static const char *const v10[] = {"axis", NULL};
    static const char *const v11[] = {"axis", "largest", "sorted", NULL};
    topk_params *p = params;
    onr_status st = onr_attr_allow(node, node->opset < 10 ? v1 : node->opset < 11 ? v10 : v11, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", -1, &p->axis, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "largest", 1, &p->largest, err);
    if (st == ONR_OK && node->opset < 10) {
        st = onr_attr_require(node, "k", err);
        if (st == ONR_OK)
            st = onr_attr_int(node, "k", 0, &p->k, err);
        if (st == ONR_OK && p->k < 0)
            st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'k' must be >= 0, got %lld", (long long)p->k);
    }
    if (st == ONR_OK && node->opset >= 10 && node->n_inputs < 2)
        st = onr_err(err, ONR_E_INVALID_MODEL, "input 'K' is required from opset 10");
    return st;
}

static bool sortable(onr_dtype t)
{
    return t != ONR_DTYPE_BOOL && t != ONR_DTYPE_UNDEFINED && onr_dtype_known(t);
}

static onr_status topk_infer(onr_op_ctx *c, onr_error *err)
{
    const topk_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t axis, k = p->k;
    if (!sortable(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'X' type %s is not supported", onr_dtype_name(x->dtype));
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &axis, err);
    if (st != ONR_OK)
        return st;
    if (c->opset >= 10) {
        int64_t v[1];
        size_t n;
        st = onr_input_ints(c->in[1], "input 'K'", 1, v, &n, err);
        if (st != ONR_OK)
            return st;
        if (n != 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'K' must hold one value");
        k = v[0];
    }
    if (k < 0 || k > x->dims[axis])
        return onr_err(err, ONR_E_INVALID_MODEL, "k = %lld must be in [0, %lld] (axis %lld)", (long long)k,
                       (long long)x->dims[axis], (long long)axis);
    size_t bytes;
    if (!onr_mul_size((size_t)x->dims[axis], sizeof(key), &bytes))
        return onr_err(err, ONR_E_NOMEM, "axis size overflows the scratch size");
    c->scratch_bytes = bytes;
    for (size_t o = 0; o < 2; o++) {
        onr_tensor *y = c->out[o];
        if (!y)
            continue;
        y->dtype = o == 0 ? x->dtype : ONR_DTYPE_INT64;
        y->rank = x->rank;
        for (int32_t a = 0; a < ONR_MAX_RANK; a++)
            y->dims[a] = a == axis ? k : a < x->rank ? x->dims[a] : 0;
    }
    return ONR_OK;
}

/* Orders: the wanted element first; NaN above all numbers; ties by the lower index. */
static int cmp_largest(const void *pa, const void *pb)
{
    const key *a = pa, *b = pb;
    bool na = isnan(a->v), nb = isnan(b->v);
    if (na != nb)
        return na ? -1 : 1;
    if (!na && a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_smallest(const void *pa, const void *pb)
{
    const key *a = pa, *b = pb;
    bool na = isnan(a->v), nb = isnan(b->v);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static onr_status topk_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const topk_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_tensor *vals = c->out[0], *idxs = c->n_out > 1 ? c->out[1] : NULL;
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    size_t outer = 1, inner = 1, n = (size_t)x->dims[axis], es = onr_dtype_size(x->dtype);
    size_t k = (size_t)(vals ? vals->dims[axis] : idxs->dims[axis]);
    for (int32_t a = 0; a < x->rank; a++) {
        if (a < axis)
            outer *= (size_t)x->dims[a];
        else if (a > axis)
            inner *= (size_t)x->dims[a];
    }
    if (k == 0)
        return ONR_OK;
    key *keys = c->scratch;
    for (size_t o = 0; o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            for (size_t j = 0; j < n; j++)
                keys[j] = (key){onr_load_as_double(x->dtype, x->data, (o * n + j) * inner + in), (int64_t)j};
            qsort(keys, n, sizeof *keys, p->largest ? cmp_largest : cmp_smallest);
            for (size_t j = 0; j < k; j++) {
                size_t at = (o * k + j) * inner + in;
                if (vals)
                    memcpy((char *)vals->data + at * es,
                           (const char *)x->data + ((o * n + (size_t)keys[j].i) * inner + in) * es, es);
                if (idxs)
                    ((int64_t *)idxs->data)[at] = keys[j].i;
            }
        }
    }
    return ONR_OK;
}

const onr_op_def onr_op_topk = {
    .domain = "", .op_type = "TopK", .since = 1, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 2, .max_out = 2,
    .params_size = sizeof(topk_params), .parse = topk_parse,
    .infer = topk_infer, .run = topk_run,
};
