/* shape_harness.c: see shape_harness.h. */
#include "shape_harness.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/shape.h"

static onr_status fail(sh_run *r, const char *stage, onr_status st)
{
    r->stage = stage;
    r->st = st;
    return st;
}

onr_status sh_exec_ex(sh_run *r, const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                      const onr_tensor *const *in, size_t n_in, size_t n_out, unsigned hide, unsigned skip_out)
{
    memset(r, 0, sizeof *r);
    r->n_out = n_out;
    cr_assert(n_out <= SH_MAX_OUT);
    const onr_op_def *def = onr_op_find("", op, opset, &r->err);
    if (!def)
        return fail(r, "find", r->err.code);
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = opset, .attrs = attrs,
                          .n_attrs = n_attrs, .n_inputs = n_in, .n_outputs = n_out};
    r->params = calloc(1, def->params_size ? def->params_size : 1);
    if (def->parse) {
        onr_status st = def->parse(&node, r->params, &r->err);
        if (st != ONR_OK)
            return fail(r, "parse", st);
    }
    /* infer sees the inputs with hidden data removed */
    onr_tensor views[16];
    const onr_tensor *iv[16];
    onr_tensor *ov[SH_MAX_OUT];
    cr_assert(n_in <= 16);
    for (size_t i = 0; i < n_in; i++) {
        iv[i] = NULL;
        if (!in[i])
            continue;
        views[i] = *in[i];
        if (hide & (1u << i))
            views[i].data = NULL;
        iv[i] = &views[i];
    }
    for (size_t i = 0; i < n_out; i++)
        ov[i] = (skip_out & (1u << i)) ? NULL : &r->out[i];
    onr_op_ctx ctx = {.params = r->params, .opset = opset, .n_in = n_in, .in = iv, .n_out = n_out, .out = ov};
    onr_status st = def->infer(&ctx, &r->err);
    if (st != ONR_OK)
        return fail(r, "infer", st);
    for (size_t i = 0; i < n_out; i++) {
        if (!ov[i])
            continue;
        size_t bytes;
        st = onr_shape_bytes(ov[i]->dtype, ov[i]->rank, ov[i]->dims, &bytes, "out", &r->err);
        cr_assert_eq(st, ONR_OK, "inferred output %zu is not allocatable: %s", i, r->err.message);
        /* poison so a kernel that leaves elements unwritten is caught */
        ov[i]->data = malloc(bytes ? bytes : 1);
        memset(ov[i]->data, 0xA5, bytes);
    }
    void *scratch = ctx.scratch_bytes ? malloc(ctx.scratch_bytes) : NULL;
    ctx.scratch = scratch;
    for (size_t i = 0; i < n_in; i++)
        if (in[i])
            views[i].data = in[i]->data;
    st = def->run(&ctx, &r->err);
    free(scratch);
    if (st != ONR_OK)
        return fail(r, "run", st);
    r->stage = "done";
    r->st = ONR_OK;
    return ONR_OK;
}

void sh_free(sh_run *r)
{
    for (size_t i = 0; i < r->n_out; i++) {
        free(r->out[i].data);
        r->out[i].data = NULL;
    }
    free(r->params);
    r->params = NULL;
}

void sh_expect_ok(const sh_run *r, const char *what)
{
    cr_expect_eq(r->st, ONR_OK, "%s: failed at %s with %s: %s", what, r->stage, onr_status_name(r->st),
                 r->err.message);
}

void sh_expect_fail(const sh_run *r, onr_status code, const char *stage, const char *what)
{
    cr_expect_eq(r->st, code, "%s: expected %s, got %s (%s)", what, onr_status_name(code), onr_status_name(r->st),
                 r->err.message);
    if (stage)
        cr_expect_str_eq(r->stage, stage, "%s: failed at %s, expected %s", what, r->stage, stage);
    if (code != ONR_OK)
        cr_expect(r->err.message[0] != '\0', "%s: error without a message", what);
}

void sh_expect_shape(const onr_tensor *t, int32_t rank, const int64_t *dims, const char *what)
{
    char a[128], b[128];
    cr_expect(onr_shape_equal(t->rank, t->dims, rank, dims), "%s: shape %s, expected %s", what,
              onr_shape_str(t->rank, t->dims, a, sizeof a), onr_shape_str(rank, dims, b, sizeof b));
}

void sh_expect_f32(const onr_tensor *t, int32_t rank, const int64_t *dims, const float *v, float tol,
                   const char *what)
{
    sh_expect_shape(t, rank, dims, what);
    cr_expect_eq(t->dtype, ONR_DTYPE_FLOAT, "%s: dtype %d", what, (int)t->dtype);
    if (!onr_shape_equal(t->rank, t->dims, rank, dims) || t->dtype != ONR_DTYPE_FLOAT)
        return;
    size_t n = onr_tensor_count(t);
    const float *y = t->data;
    for (size_t i = 0; i < n; i++)
        if (!(fabsf(y[i] - v[i]) <= tol + 1e-6f * fabsf(v[i]))) {
            cr_expect_fail("%s: element %zu is %.9g, expected %.9g", what, i, (double)y[i], (double)v[i]);
            return;
        }
}

void sh_expect_i64(const onr_tensor *t, int32_t rank, const int64_t *dims, const int64_t *v, const char *what)
{
    sh_expect_shape(t, rank, dims, what);
    cr_expect_eq(t->dtype, ONR_DTYPE_INT64, "%s: dtype %d", what, (int)t->dtype);
    if (!onr_shape_equal(t->rank, t->dims, rank, dims) || t->dtype != ONR_DTYPE_INT64)
        return;
    size_t n = onr_tensor_count(t);
    const int64_t *y = t->data;
    for (size_t i = 0; i < n; i++)
        if (y[i] != v[i]) {
            cr_expect_fail("%s: element %zu is %lld, expected %lld", what, i, (long long)y[i], (long long)v[i]);
            return;
        }
}

void sh_expect_same(const onr_tensor *t, const onr_tensor *want, const char *what)
{
    sh_expect_shape(t, want->rank, want->dims, what);
    cr_expect_eq(t->dtype, want->dtype, "%s: dtype %d, expected %d", what, (int)t->dtype, (int)want->dtype);
    if (!onr_shape_equal(t->rank, t->dims, want->rank, want->dims) || t->dtype != want->dtype)
        return;
    size_t n = onr_tensor_bytes(t);
    cr_expect(n == 0 || memcmp(t->data, want->data, n) == 0, "%s: data differs", what);
}
