/* shape_args.c: reading and validating the integer arguments of the shape ops (see shape_args.h). */
#include "ops/shape_args.h"

#include <string.h>

#include "core/error.h"

onr_status onr_axis_norm(int64_t axis, int64_t rank, const char *what, int64_t *out, onr_error *err)
{
    /* Every ONNX op that takes axes accepts [-r, r-1], negative counting from the back. */
    if (axis < -rank || axis >= rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s = %lld is outside [%lld, %lld] for rank %lld", what,
                       (long long)axis, (long long)-rank, (long long)(rank - 1), (long long)rank);
    *out = axis < 0 ? axis + rank : axis;
    return ONR_OK;
}

onr_status onr_axes_norm(const int64_t *axes, size_t n, int64_t rank, const char *what, int64_t *out,
                         onr_error *err)
{
    for (size_t i = 0; i < n; i++) {
        onr_status st = onr_axis_norm(axes[i], rank, what, &out[i], err);
        if (st != ONR_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i])
                return onr_err(err, ONR_E_INVALID_MODEL, "%s: axis %lld is repeated", what, (long long)out[i]);
    }
    return ONR_OK;
}

onr_status onr_input_known(const onr_tensor *t, const char *what, onr_error *err)
{
    if (!t->data && onr_tensor_count(t) != 0)
        return onr_err(err, ONR_E_NEEDS_DATA, "%s is only known at run time and sets the output shape", what);
    return ONR_OK;
}

onr_status onr_input_ints(const onr_tensor *t, const char *what, size_t max, int64_t *out, size_t *n,
                          onr_error *err)
{
    if (t->dtype != ONR_DTYPE_INT64 && t->dtype != ONR_DTYPE_INT32)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s must be int64 or int32, got %s", what,
                       onr_dtype_name(t->dtype));
    if (t->rank > 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s must be 1-D, got rank %d", what, (int)t->rank);
    size_t count = onr_tensor_count(t);
    if (count > max)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s has %zu values, at most %zu allowed here", what, count, max);
    onr_status st = onr_input_known(t, what, err);
    if (st != ONR_OK)
        return st;
    for (size_t i = 0; i < count; i++)
        out[i] = onr_int_at(t, i);
    *n = count;
    return ONR_OK;
}

int64_t onr_int_at(const onr_tensor *t, size_t i)
{
    if (t->dtype == ONR_DTYPE_INT64) {
        int64_t v;
        memcpy(&v, (const char *)t->data + i * sizeof v, sizeof v);
        return v;
    }
    int32_t v;
    memcpy(&v, (const char *)t->data + i * sizeof v, sizeof v);
    return v;
}

onr_status onr_bad_index(onr_error *err, onr_status code, size_t pos, int64_t v, int64_t d)
{
    return onr_err(err, code, "indices[%zu] = %lld is outside [%lld, %lld] (axis size %lld)", pos, (long long)v,
                   (long long)-d, (long long)(d - 1), (long long)d);
}

void onr_strides(int32_t rank, const int64_t *dims, int64_t *strides)
{
    int64_t s = 1;
    for (int32_t i = rank - 1; i >= 0; i--) {
        strides[i] = s;
        s *= dims[i];
    }
}
