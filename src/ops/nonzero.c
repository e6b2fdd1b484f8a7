/* nonzero.c: NonZero (9-22): the indices of the non-zero elements of X as an int64 (rank, nnz) tensor,
 * in row-major order, one row per axis (numpy.nonzero stacked; NaN counts as non-zero, as there). nnz
 * depends on the data, so infer asks for it (onr_input_known) and the engine shapes the node at run time
 * when X is not a constant. */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/op.h"
#include "ops/shape_args.h"

static onr_status nonzero_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (!onr_dtype_known(x->dtype) || x->dtype == ONR_DTYPE_UNDEFINED)
        return onr_err(err, ONR_E_UNSUPPORTED, "input type %s is not supported", onr_dtype_name(x->dtype));
    onr_status st = onr_input_known(x, "input 'X'", err);
    if (st != ONR_OK)
        return st;
    size_t n = onr_tensor_count(x), nnz = 0;
    for (size_t i = 0; i < n; i++)
        nnz += onr_load_as_double(x->dtype, x->data, i) != 0.0;
    onr_tensor *o = c->out[0];
    o->dtype = ONR_DTYPE_INT64;
    o->rank = 2;
    memset(o->dims, 0, sizeof o->dims);
    o->dims[0] = x->rank;
    o->dims[1] = (int64_t)nnz;
    return ONR_OK;
}

static onr_status nonzero_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    int64_t *y = c->out[0]->data;
    size_t n = onr_tensor_count(x), nnz = (size_t)c->out[0]->dims[1], k = 0;
    int64_t idx[ONR_MAX_RANK] = {0};
    for (size_t i = 0; i < n && k < nnz; i++) {
        if (onr_load_as_double(x->dtype, x->data, i) != 0.0) {
            for (int32_t a = 0; a < x->rank; a++)
                y[(size_t)a * nnz + k] = idx[a];
            k++;
        }
        for (int32_t a = x->rank - 1; a >= 0; a--) { /* next row-major multi-index */
            if (++idx[a] < x->dims[a])
                break;
            idx[a] = 0;
        }
    }
    return ONR_OK;
}

const onr_op_def onr_op_nonzero = {
    .domain = "", .op_type = "NonZero", .since = 9, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .infer = nonzero_infer, .run = nonzero_run,
};
