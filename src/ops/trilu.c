/* trilu.c: Trilu (14-22): keeps the upper (upper = 1, default) or lower triangle of every matrix in the
 * last two axes of X and zeroes the rest. The optional input k (int64 scalar, default 0) moves the
 * diagonal: upper keeps element (i, j) when j - i >= k, lower when j - i <= k (ONNX Operators.md; the
 * tests triu_out_pos / tril_out_neg move it past the matrix, keeping all or nothing). Elements are copied
 * by byte size, so every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct trilu_params {
    int64_t upper;
} trilu_params;

static onr_status trilu_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"upper", NULL};
    trilu_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "upper", 1, &p->upper, err);
    if (st == ONR_OK && p->upper != 0 && p->upper != 1)
        st = onr_err(err, ONR_E_INVALID_MODEL, "attribute 'upper' must be 0 or 1, got %lld", (long long)p->upper);
    return st;
}

static onr_status check_k(const onr_tensor *k, onr_error *err)
{
    if (k->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'k' must be int64, got %s", onr_dtype_name(k->dtype));
    if (onr_tensor_count(k) != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'k' must hold one value, got %zu", onr_tensor_count(k));
    return ONR_OK;
}

static onr_status trilu_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    if (x->rank < 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'input' must have rank >= 2, got %d", (int)x->rank);
    if (c->n_in > 1 && c->in[1]) {
        onr_status st = check_k(c->in[1], err);
        if (st != ONR_OK)
            return st;
    }
    onr_tensor_copy_shape(c->out[0], x);
    return ONR_OK;
}

static onr_status trilu_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const trilu_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t k = 0;
    if (c->n_in > 1 && c->in[1])
        memcpy(&k, c->in[1]->data, sizeof k);
    size_t es = onr_dtype_size(x->dtype);
    int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    size_t mats = 1;
    for (int32_t i = 0; i < x->rank - 2; i++)
        mats *= (size_t)x->dims[i];
    if (mats == 0 || rows == 0 || cols == 0)
        return ONR_OK;
    const char *src = x->data;
    char *dst = c->out[0]->data;
    size_t row_bytes = (size_t)cols * es;
    for (size_t m = 0; m < mats; m++) {
        for (int64_t i = 0; i < rows; i++) {
            const char *s = src + ((size_t)m * (size_t)rows + (size_t)i) * row_bytes;
            char *d = dst + ((size_t)m * (size_t)rows + (size_t)i) * row_bytes;
            /* kept columns: upper j >= i + k, lower j <= i + k; clamp the bound into [0, cols] without
             * overflowing for extreme k */
            int64_t bound;
            if (p->upper)
                bound = k > cols ? cols : k < -rows ? 0 : i + k < 0 ? 0 : i + k > cols ? cols : i + k;
            else
                bound = k > cols ? cols : k < -rows ? 0 : i + k + 1 < 0 ? 0 : i + k + 1 > cols ? cols : i + k + 1;
            /* upper: zero [0, bound), copy [bound, cols); lower: copy [0, bound), zero [bound, cols) */
            size_t b = (size_t)bound * es;
            if (p->upper) {
                memset(d, 0, b);
                memcpy(d + b, s + b, row_bytes - b);
            } else {
                memcpy(d, s, b);
                memset(d + b, 0, row_bytes - b);
            }
        }
    }
    return ONR_OK;
}

const onr_op_def onr_op_trilu = {
    .domain = "", .op_type = "Trilu", .since = 14, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(trilu_params), .parse = trilu_parse,
    .infer = trilu_infer, .run = trilu_run,
};
