/* elt_check.c: see elt_check.h. */
#include "elt_check.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "core/shape.h"

onr_tensor ec_make(onr_dtype dt, int32_t rank, const int64_t *dims, const double *v)
{
    onr_tensor t = sh_t(dt, rank, dims, NULL);
    size_t n = onr_tensor_count(&t), es = onr_dtype_size(dt);
    t.data = calloc(n ? n : 1, es);
    cr_assert(t.data);
    for (size_t i = 0; v && i < n; i++)
        onr_store_from_double(dt, t.data, i, v[i]);
    return t;
}

void ec_free(onr_tensor *t)
{
    free(t->data);
    t->data = NULL;
}

static bool close_enough(double y, double v, double tol, double rtol)
{
    if (isnan(v))
        return isnan(y);
    if (isinf(v))
        return y == v;
    return fabs(y - v) <= tol + rtol * fabs(v);
}

void ec_expect(const onr_tensor *t, onr_dtype dt, int32_t rank, const int64_t *dims, const double *v, double tol,
               const char *what)
{
    sh_expect_shape(t, rank, dims, what);
    cr_expect_eq(t->dtype, dt, "%s: dtype %s, expected %s", what, onr_dtype_name(t->dtype), onr_dtype_name(dt));
    if (!onr_shape_equal(t->rank, t->dims, rank, dims) || t->dtype != dt)
        return;
    double rtol = dt == ONR_DTYPE_FLOAT16 || dt == ONR_DTYPE_BFLOAT16 ? (dt == ONR_DTYPE_BFLOAT16 ? 8e-3 : 1e-3)
                                                                      : 1e-6;
    size_t n = onr_tensor_count(t);
    for (size_t i = 0; i < n; i++) {
        double y = onr_load_as_double(dt, t->data, i);
        if (!close_enough(y, v[i], tol, rtol)) {
            cr_expect_fail("%s: element %zu is %.9g, expected %.9g", what, i, y, v[i]);
            return;
        }
    }
}

void ec_expect_close(const onr_tensor *t, const onr_tensor *want, double tol, const char *what)
{
    size_t n = onr_tensor_count(want);
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = onr_load_as_double(want->dtype, want->data, i);
    ec_expect(t, want->dtype, want->rank, want->dims, v, tol, what);
    free(v);
}

size_t ec_bcast_index(int32_t rank, const int64_t *dims, int32_t out_rank, const int64_t *out_dims, size_t o)
{
    int64_t idx[ONR_MAX_RANK];
    for (int32_t i = out_rank - 1; i >= 0; i--) {
        idx[i] = (int64_t)(o % (size_t)out_dims[i]);
        o /= (size_t)out_dims[i];
    }
    size_t flat = 0;
    for (int32_t j = 0; j < rank; j++) {
        int32_t i = j + out_rank - rank;
        int64_t k = dims[j] == 1 ? 0 : idx[i];
        flat = flat * (size_t)dims[j] + (size_t)k;
    }
    return flat;
}

uint32_t ec_rand(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

double ec_uniform(uint32_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (ec_rand(s) / 4294967296.0);
}

onr_tensor ec_run_pooled(const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                         const onr_tensor *const *in, size_t n_in, onr_threadpool *pool)
{
    onr_error err = {0};
    const onr_op_def *def = onr_op_find("", op, opset, &err);
    cr_assert(def, "%s", err.message);
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = opset, .attrs = attrs,
                          .n_attrs = n_attrs, .n_inputs = n_in, .n_outputs = 1};
    void *params = calloc(1, def->params_size ? def->params_size : 1);
    cr_assert(!def->parse || def->parse(&node, params, &err) == ONR_OK, "%s: %s", op, err.message);
    onr_tensor out;
    memset(&out, 0, sizeof out);
    onr_tensor *ov[1] = {&out};
    onr_op_ctx ctx = {.params = params, .opset = opset, .n_in = n_in, .in = in, .n_out = 1, .out = ov,
                      .pool = pool};
    cr_assert_eq(def->infer(&ctx, &err), ONR_OK, "%s: %s", op, err.message);
    out.data = malloc(onr_tensor_bytes(&out) + 1);
    ctx.scratch = ctx.scratch_bytes ? malloc(ctx.scratch_bytes) : NULL;
    cr_assert_eq(def->run(&ctx, &err), ONR_OK, "%s: %s", op, err.message);
    free(ctx.scratch);
    free(params);
    return out;
}
