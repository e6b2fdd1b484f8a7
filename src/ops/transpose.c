/* transpose.c: Transpose (1-22): out.dims[i] = in.dims[perm[i]]; 'perm' defaults to reversing the
 * axes and must be a permutation of [0, r). The output is the input viewed with permuted strides,
 * copied by onr_strided_copy (by element size, so every dtype works; axes that stay contiguous are
 * merged, so e.g. NCHW -> NHWC copies whole rows where it can). */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

typedef struct transpose_params {
    const int64_t *perm;
    size_t n_perm;
} transpose_params;

static onr_status transpose_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    transpose_params *p = params;
    static const char *const allowed[] = {"perm", NULL};
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "perm", &p->perm, &p->n_perm, err);
    return st;
}

static void get_perm(const transpose_params *p, int32_t rank, int64_t *perm)
{
    for (int32_t i = 0; i < rank; i++)
        perm[i] = p->perm ? p->perm[i] : rank - 1 - i;
}

static onr_status transpose_infer(onr_op_ctx *c, onr_error *err)
{
    const transpose_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t perm[ONR_MAX_RANK];
    if (p->perm) {
        if (p->n_perm != (size_t)x->rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'perm' has %zu values for an input of rank %d",
                           p->n_perm, (int)x->rank);
        bool seen[ONR_MAX_RANK] = {false};
        for (size_t i = 0; i < p->n_perm; i++) {
            if (p->perm[i] < 0 || p->perm[i] >= x->rank || seen[p->perm[i]])
                return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'perm' is not a permutation of 0..%d "
                               "(perm[%zu] = %lld)", (int)x->rank - 1, i, (long long)p->perm[i]);
            seen[p->perm[i]] = true;
        }
    }
    get_perm(p, x->rank, perm);
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = x->rank;
    memset(o->dims, 0, sizeof o->dims);
    for (int32_t i = 0; i < x->rank; i++)
        o->dims[i] = x->dims[perm[i]];
    return ONR_OK;
}

static onr_status transpose_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    int64_t perm[ONR_MAX_RANK], in_strides[ONR_MAX_RANK], strides[ONR_MAX_RANK];
    get_perm(c->params, x->rank, perm);
    onr_strides(x->rank, x->dims, in_strides);
    for (int32_t i = 0; i < x->rank; i++)
        strides[i] = in_strides[perm[i]];
    if (onr_tensor_count(x) == 0)
        return ONR_OK;
    onr_strided_copy(c->out[0]->data, x->data, onr_dtype_size(x->dtype), x->rank, c->out[0]->dims, strides,
                     c->pool);
    return ONR_OK;
}

const onr_op_def onr_op_transpose = {
    .domain = "", .op_type = "Transpose", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(transpose_params), .parse = transpose_parse,
    .infer = transpose_infer, .run = transpose_run,
};
