/* range.c: Range (11-22): out[i] = start + i * delta for i in [0, n), n = max(ceil((limit - start) /
 * delta), 0). start, limit and delta are scalars of one type among float, double, int16, int32, int64;
 * the element count sets the output shape, so all three are read in infer (ONR_E_NEEDS_DATA until they
 * are known). delta = 0 is invalid. Integer counts are computed exactly (no trip through double). */
#include <math.h>
#include <string.h>

#include "core/shape.h"
#include "ops/op.h"
#include "ops/shape_args.h"

static int64_t load_int(const onr_tensor *t)
{
    switch (t->dtype) {
    case ONR_DTYPE_INT16: { int16_t v; memcpy(&v, t->data, sizeof v); return v; }
    case ONR_DTYPE_INT32: { int32_t v; memcpy(&v, t->data, sizeof v); return v; }
    default: { int64_t v; memcpy(&v, t->data, sizeof v); return v; }
    }
}

static double load_real(const onr_tensor *t)
{
    if (t->dtype == ONR_DTYPE_FLOAT) {
        float v;
        memcpy(&v, t->data, sizeof v);
        return v;
    }
    double v;
    memcpy(&v, t->data, sizeof v);
    return v;
}

static bool is_int(onr_dtype t)
{
    return t == ONR_DTYPE_INT16 || t == ONR_DTYPE_INT32 || t == ONR_DTYPE_INT64;
}

static onr_status range_count(onr_op_ctx *c, size_t *count, onr_error *err)
{
    static const char *const names[] = {"input 'start'", "input 'limit'", "input 'delta'"};
    onr_dtype t = c->in[0]->dtype;
    if (!is_int(t) && t != ONR_DTYPE_FLOAT && t != ONR_DTYPE_DOUBLE)
        return onr_err(err, ONR_E_UNSUPPORTED, "data type %s is not supported (float, double, int16, int32, int64)",
                       onr_dtype_name(t));
    for (int i = 0; i < 3; i++) {
        const onr_tensor *x = c->in[i];
        if (x->dtype != t)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s is %s, input 'start' is %s", names[i],
                           onr_dtype_name(x->dtype), onr_dtype_name(t));
        if (onr_tensor_count(x) != 1 || x->rank > 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s must be a scalar", names[i]);
        onr_status st = onr_input_known(x, names[i], err);
        if (st != ONR_OK)
            return st;
    }
    if (is_int(t)) {
        int64_t start = load_int(c->in[0]), limit = load_int(c->in[1]), delta = load_int(c->in[2]);
        if (delta == 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'delta' is 0");
        /* ceil((limit - start) / delta) in unsigned arithmetic: the difference may not fit int64. */
        uint64_t span, step;
        if (delta > 0 && limit > start) {
            span = (uint64_t)limit - (uint64_t)start;
            step = (uint64_t)delta;
        } else if (delta < 0 && limit < start) {
            span = (uint64_t)start - (uint64_t)limit;
            step = 0 - (uint64_t)delta;
        } else {
            *count = 0;
            return ONR_OK;
        }
        uint64_t n = (span - 1) / step + 1;
        if (n > SIZE_MAX / 8)
            return onr_err(err, ONR_E_NOMEM, "Range of %llu elements is too large", (unsigned long long)n);
        *count = (size_t)n;
        return ONR_OK;
    }
    double start = load_real(c->in[0]), limit = load_real(c->in[1]), delta = load_real(c->in[2]);
    if (delta == 0 || isnan(delta) || isnan(start) || isnan(limit) || isinf(start) || isinf(limit))
        return onr_err(err, ONR_E_INVALID_MODEL, "Range(%g, %g, %g) has no finite element count", start, limit, delta);
    double n = ceil((limit - start) / delta);
    if (n <= 0) {
        *count = 0;
        return ONR_OK;
    }
    if (n > (double)(SIZE_MAX / 8))
        return onr_err(err, ONR_E_NOMEM, "Range of %g elements is too large", n);
    *count = (size_t)n;
    return ONR_OK;
}

static onr_status range_infer(onr_op_ctx *c, onr_error *err)
{
    size_t n = 0;
    onr_status st = range_count(c, &n, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *o = c->out[0];
    o->dtype = c->in[0]->dtype;
    o->rank = 1;
    memset(o->dims, 0, sizeof o->dims);
    o->dims[0] = (int64_t)n;
    size_t bytes;
    return onr_shape_bytes(o->dtype, 1, o->dims, &bytes, "output", err);
}

#define RANGE_INT(T)                                                                                          \
    do {                                                                                                      \
        T *y = c->out[0]->data;                                                                               \
        int64_t s = load_int(c->in[0]), d = load_int(c->in[2]);                                               \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = (T)(int64_t)((uint64_t)s + (uint64_t)i * (uint64_t)d); /* wraps like int64, ends in range */ \
    } while (0)

static onr_status range_run(onr_op_ctx *c, onr_error *err)
{
    size_t n = (size_t)c->out[0]->dims[0];
    (void)err;
    switch (c->out[0]->dtype) {
    case ONR_DTYPE_INT16: RANGE_INT(int16_t); break;
    case ONR_DTYPE_INT32: RANGE_INT(int32_t); break;
    case ONR_DTYPE_INT64: RANGE_INT(int64_t); break;
    case ONR_DTYPE_FLOAT: {
        float *y = c->out[0]->data;
        double s = load_real(c->in[0]), d = load_real(c->in[2]);
        for (size_t i = 0; i < n; i++)
            y[i] = (float)(s + (double)i * d);
        break;
    }
    default: {
        double *y = c->out[0]->data;
        double s = load_real(c->in[0]), d = load_real(c->in[2]);
        for (size_t i = 0; i < n; i++)
            y[i] = s + (double)i * d;
    }
    }
    return ONR_OK;
}

const onr_op_def onr_op_range = {
    .domain = "", .op_type = "Range", .since = 11, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .infer = range_infer, .run = range_run,
};
