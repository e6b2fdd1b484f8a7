/* compute_harness.c: see compute_harness.h. */
#include "compute_harness.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/shape.h"

static onr_status fail(ch_run *r, const char *stage, onr_status st)
{
    r->stage = stage;
    r->st = st;
    return st;
}

onr_status ch_exec(ch_run *r, const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                   const onr_tensor *const *in, size_t n_in, size_t n_out, onr_threadpool *pool)
{
    memset(r, 0, sizeof *r);
    r->n_out = n_out;
    cr_assert(n_out <= CH_MAX_OUT && n_in <= 8);
    const onr_op_def *def = onr_op_find("", op, opset, &r->err);
    if (!def)
        return fail(r, "find", r->err.code);
    cr_assert((int)n_in >= def->min_in && (int)n_in <= def->max_in, "%s: %zu inputs outside the def's range", op,
              n_in);
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = opset, .attrs = attrs,
                          .n_attrs = n_attrs, .n_inputs = n_in, .n_outputs = n_out};
    void *params = calloc(1, def->params_size ? def->params_size : 1);
    onr_tensor *ov[CH_MAX_OUT];
    for (size_t i = 0; i < n_out; i++)
        ov[i] = &r->out[i];
    onr_op_ctx ctx = {.params = params, .opset = opset, .n_in = n_in, .in = in, .n_out = n_out, .out = ov,
                      .pool = pool};
    onr_status st = def->parse ? def->parse(&node, params, &r->err) : ONR_OK;
    if (st != ONR_OK) {
        free(params);
        return fail(r, "parse", st);
    }
    st = def->infer(&ctx, &r->err);
    if (st != ONR_OK) {
        free(params);
        return fail(r, "infer", st);
    }
    for (size_t i = 0; i < n_out; i++) {
        size_t bytes;
        st = onr_shape_bytes(ov[i]->dtype, ov[i]->rank, ov[i]->dims, &bytes, "out", &r->err);
        cr_assert_eq(st, ONR_OK, "inferred output %zu is not allocatable: %s", i, r->err.message);
        ov[i]->data = malloc(bytes ? bytes : 1);
        memset(ov[i]->data, 0xFF, bytes); /* NaN for float and double */
    }
    r->scratch_bytes = ctx.scratch_bytes;
    void *scratch = ctx.scratch_bytes ? malloc(ctx.scratch_bytes) : NULL;
    if (scratch)
        memset(scratch, 0xFF, ctx.scratch_bytes);
    ctx.scratch = scratch;
    st = def->run(&ctx, &r->err);
    free(scratch);
    if (def->free_params)
        def->free_params(params);
    free(params);
    if (st != ONR_OK)
        return fail(r, "run", st);
    r->stage = "done";
    r->st = ONR_OK;
    return ONR_OK;
}

void ch_free(ch_run *r)
{
    for (size_t i = 0; i < r->n_out; i++) {
        free(r->out[i].data);
        r->out[i].data = NULL;
    }
}

double ch_uniform(ch_rng *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return (double)(g->s >> 11) / (double)(1ull << 53) * 2.0 - 1.0;
}

int64_t ch_int(ch_rng *g, int64_t lo, int64_t hi)
{
    double u = (ch_uniform(g) + 1.0) / 2.0; /* [0, 1) */
    return lo + (int64_t)(u * (double)(hi - lo + 1));
}

float *ch_rand_f32(ch_rng *g, size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)ch_uniform(g);
    return v;
}

double *ch_rand_f64(ch_rng *g, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = ch_uniform(g);
    return v;
}

void ch_expect_close(const onr_tensor *t, int32_t rank, const int64_t *dims, const double *want, double rtol,
                     double atol, const char *what)
{
    char a[128], b[128];
    bool same = onr_shape_equal(t->rank, t->dims, rank, dims);
    cr_expect(same, "%s: shape %s, expected %s", what, onr_shape_str(t->rank, t->dims, a, sizeof a),
              onr_shape_str(rank, dims, b, sizeof b));
    cr_expect(t->dtype == ONR_DTYPE_FLOAT || t->dtype == ONR_DTYPE_DOUBLE, "%s: dtype %d", what, (int)t->dtype);
    if (!same)
        return;
    size_t n = onr_tensor_count(t), bad = 0;
    for (size_t i = 0; i < n; i++) {
        double got = t->dtype == ONR_DTYPE_FLOAT ? (double)((const float *)t->data)[i] : ((const double *)t->data)[i];
        if (!(fabs(got - want[i]) <= atol + rtol * fabs(want[i]))) {
            if (bad++ < 5)
                cr_expect(0, "%s: element %zu is %.9g, expected %.9g", what, i, got, want[i]);
        }
    }
    cr_expect_eq(bad, 0, "%s: %zu of %zu elements differ", what, bad, n);
}

void ch_expect_f32(const onr_tensor *t, int32_t rank, const int64_t *dims, const float *want, double tol,
                   const char *what)
{
    size_t n = 1;
    for (int32_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    double *w = malloc((n ? n : 1) * sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = want[i];
    ch_expect_close(t, rank, dims, w, 0.0, tol, what);
    free(w);
}

void ch_expect_fail(const ch_run *r, onr_status code, const char *stage, const char *what)
{
    cr_expect_eq(r->st, code, "%s: expected %s, got %s (%s)", what, onr_status_name(code), onr_status_name(r->st),
                 r->err.message);
    if (stage)
        cr_expect_str_eq(r->stage, stage, "%s: failed at %s, expected %s", what, r->stage, stage);
    cr_expect(r->err.message[0] != '\0', "%s: error without a message", what);
}
