/* det.c: Det (11-22): the determinant of every square matrix in the last two axes of X (*, M, M), output
 * shape (*). LU decomposition with partial pivoting in double, one matrix at a time in scratch (M*M
 * doubles); the determinant is the product of the pivots, negated per row swap. Float types. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/op.h"

static bool is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

static onr_status det_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (!is_float(x->dtype))
        return onr_err(err, ONR_E_UNSUPPORTED, "input type %s is not supported", onr_dtype_name(x->dtype));
    if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
        return onr_err(err, ONR_E_INVALID_MODEL, "input must be (*, M, M) square matrices");
    size_t m = (size_t)x->dims[x->rank - 1], mm, bytes;
    if (!onr_mul_size(m, m, &mm) || !onr_mul_size(mm, sizeof(double), &bytes))
        return onr_err(err, ONR_E_NOMEM, "matrix size overflows the scratch size");
    c->scratch_bytes = bytes;
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = x->rank - 2;
    for (int32_t a = 0; a < ONR_MAX_RANK; a++)
        o->dims[a] = a < o->rank ? x->dims[a] : 0;
    return ONR_OK;
}

static double det_lu(double *a, size_t m)
{
    double det = 1.0;
    for (size_t k = 0; k < m; k++) {
        size_t piv = k;
        for (size_t i = k + 1; i < m; i++)
            if (fabs(a[i * m + k]) > fabs(a[piv * m + k]))
                piv = i;
        if (a[piv * m + k] == 0.0)
            return 0.0;
        if (piv != k) {
            for (size_t j = 0; j < m; j++) {
                double t = a[k * m + j];
                a[k * m + j] = a[piv * m + j];
                a[piv * m + j] = t;
            }
            det = -det;
        }
        double p = a[k * m + k];
        det *= p;
        for (size_t i = k + 1; i < m; i++) {
            double f = a[i * m + k] / p;
            for (size_t j = k + 1; j < m; j++)
                a[i * m + j] -= f * a[k * m + j];
        }
    }
    return det;
}

static onr_status det_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    size_t m = (size_t)x->dims[x->rank - 1], n = onr_tensor_count(c->out[0]);
    double *a = c->scratch;
    for (size_t b = 0; b < n; b++) {
        for (size_t i = 0; i < m * m; i++)
            a[i] = onr_load_as_double(x->dtype, x->data, b * m * m + i);
        onr_store_from_double(x->dtype, c->out[0]->data, b, det_lu(a, m)); /* M = 0: the empty product, 1 */
    }
    return ONR_OK;
}

const onr_op_def onr_op_det = {
    .domain = "", .op_type = "Det", .since = 11, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .infer = det_infer, .run = det_run,
};
