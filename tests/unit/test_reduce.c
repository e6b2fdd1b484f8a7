/* test_reduce.c: ReduceSum / ReduceMean / ReduceMax: the ONNX docs examples, the axes attribute vs axes
 * input by opset, noop_with_empty_axes, empty sets, errors, and a sweep of every axis subset of random
 * rank-1..4 shapes against a naive reference (double accumulation, numpy semantics). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "elt_check.h"

#define F ONR_DTYPE_FLOAT

/* ReduceMean / ReduceMax docs data, shape (3, 2, 2) */
#define MEAN_DATA DV(5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2)
/* ReduceSum docs data, shape (3, 2, 2) */
#define SUM_DATA DV(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)

typedef struct doc_case {
    const char *what;
    const char *op;
    int64_t opset;
    bool sum_data;
    int axes_form; /* 0: none, 1: attribute, 2: input */
    int64_t axes[3];
    size_t n_axes;
    int64_t keepdims; /* -1: attribute absent (default 1) */
    int64_t noop;     /* -1: absent */
    int32_t ry;
    int64_t y_dims[3];
    double y[12];
} doc_case;

static const doc_case doc_cases[] = {
    {"mean doc keepdims", "ReduceMean", 13, false, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {12.5, 1.5, 35, 1.5, 57.5, 1.5}},
    {"mean doc do_not_keepdims", "ReduceMean", 13, false, 1, {1}, 1, 0, -1, 2, {3, 2},
     {12.5, 1.5, 35, 1.5, 57.5, 1.5}},
    {"mean doc default axes", "ReduceMean", 13, false, 0, {0}, 0, 1, -1, 3, {1, 1, 1}, {18.25}},
    {"mean doc negative axes", "ReduceMean", 13, false, 1, {-2}, 1, 1, -1, 3, {3, 1, 2},
     {12.5, 1.5, 35, 1.5, 57.5, 1.5}},
    {"mean opset 18 axes input", "ReduceMean", 18, false, 2, {1}, 1, 1, -1, 3, {3, 1, 2},
     {12.5, 1.5, 35, 1.5, 57.5, 1.5}},
    {"mean opset 18 no axes", "ReduceMean", 18, false, 0, {0}, 0, 0, -1, 0, {0}, {18.25}},
    {"mean opset 18 noop", "ReduceMean", 18, false, 0, {0}, 0, 1, 1, 3, {3, 2, 2},
     {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2}},
    {"sum doc keepdims", "ReduceSum", 13, true, 2, {1}, 1, 1, -1, 3, {3, 1, 2}, {4, 6, 12, 14, 20, 22}},
    {"sum doc do_not_keepdims", "ReduceSum", 13, true, 2, {1}, 1, 0, -1, 2, {3, 2}, {4, 6, 12, 14, 20, 22}},
    {"sum doc default axes", "ReduceSum", 13, true, 0, {0}, 0, 1, -1, 3, {1, 1, 1}, {78}},
    {"sum doc empty axes input noop", "ReduceSum", 13, true, 2, {0}, 0, 1, 1, 3, {3, 2, 2},
     {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
    {"sum doc empty axes input reduces all", "ReduceSum", 13, true, 2, {0}, 0, 0, 0, 0, {0}, {78}},
    {"sum opset 11 attribute", "ReduceSum", 11, true, 1, {0, 2}, 2, 0, -1, 1, {2}, {1 + 2 + 5 + 6 + 9 + 10,
                                                                                  3 + 4 + 7 + 8 + 11 + 12}},
    {"sum opset 1 attribute", "ReduceSum", 1, true, 1, {2}, 1, 1, -1, 3, {3, 2, 1}, {3, 7, 11, 15, 19, 23}},
    {"max doc keepdims", "ReduceMax", 13, false, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {20, 2, 40, 2, 60, 2}},
    {"max doc default axes", "ReduceMax", 13, false, 0, {0}, 0, 1, -1, 3, {1, 1, 1}, {60}},
    {"max opset 18 axes input", "ReduceMax", 18, false, 2, {-1}, 1, 0, -1, 2, {3, 2}, {5, 20, 30, 40, 55, 60}},
    {"max opset 20", "ReduceMax", 20, false, 2, {0, 1, 2}, 3, 1, -1, 3, {1, 1, 1}, {60}},
    /* the other reductions on the ReduceSum data, axes [1], worked by hand */
    {"min", "ReduceMin", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {1, 2, 5, 6, 9, 10}},
    {"min opset 18 input", "ReduceMin", 18, true, 2, {-2}, 1, 0, -1, 2, {3, 2}, {1, 2, 5, 6, 9, 10}},
    {"prod", "ReduceProd", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {3, 8, 35, 48, 99, 120}},
    {"l1", "ReduceL1", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {4, 6, 12, 14, 20, 22}},
    {"l2", "ReduceL2", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2},
     {3.16227766, 4.47213595, 8.60232527, 10, 14.2126704, 15.6204994}},
    {"log_sum", "ReduceLogSum", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2},
     {1.38629436, 1.79175947, 2.48490665, 2.63905733, 2.99573227, 3.09104245}},
    {"log_sum_exp", "ReduceLogSumExp", 18, true, 2, {1}, 1, 1, -1, 3, {3, 1, 2},
     {3.12692801, 4.12692801, 7.12692801, 8.12692801, 11.12692801, 12.12692801}},
    {"sum_square", "ReduceSumSquare", 13, true, 1, {1}, 1, 1, -1, 3, {3, 1, 2}, {10, 20, 74, 100, 202, 244}},
};

Test(reduce, doc_examples)
{
    for (size_t i = 0; i < sizeof doc_cases / sizeof doc_cases[0]; i++) {
        const doc_case *c = &doc_cases[i];
        onr_tensor x = ec_make(F, 3, D(3, 2, 2), c->sum_data ? SUM_DATA : MEAN_DATA);
        int64_t nax = (int64_t)c->n_axes;
        onr_tensor axes = sh_t(ONR_DTYPE_INT64, 1, &nax, c->axes);
        onr_attr attrs[3];
        size_t na = 0;
        if (c->axes_form == 1)
            attrs[na++] = (onr_attr){.name = "axes", .type = ONR_ATTR_INTS, .ints = c->axes, .n = c->n_axes};
        if (c->keepdims >= 0)
            attrs[na++] = A_INT("keepdims", c->keepdims);
        if (c->noop >= 0)
            attrs[na++] = A_INT("noop_with_empty_axes", c->noop);
        sh_run r;
        sh_exec(&r, c->op, c->opset, attrs, na, (const onr_tensor *[]){&x, &axes}, c->axes_form == 2 ? 2 : 1, 1, 0);
        sh_expect_ok(&r, c->what);
        if (r.st == ONR_OK)
            ec_expect(&r.out[0], F, c->ry, c->y_dims, c->y, 1e-6, c->what);
        sh_free(&r);
        ec_free(&x);
    }
}

Test(reduce, errors)
{
    onr_tensor x = ec_make(F, 2, D(2, 3), NULL);
    onr_tensor ax = I64V(1), dup = I64V(1, -1), far = I64V(2);
    onr_attr axes_attr[] = {A_INTS("axes", 1)};
    sh_run r;
    sh_exec(&r, "ReduceSum", 13, axes_attr, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "ReduceSum-13 has no axes attribute");
    sh_free(&r);
    sh_exec(&r, "ReduceMean", 13, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "ReduceMean-13 has no axes input");
    sh_free(&r);
    onr_attr noop[] = {A_INT("noop_with_empty_axes", 1)};
    sh_exec(&r, "ReduceMax", 13, noop, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "noop_with_empty_axes before 18");
    sh_free(&r);
    sh_exec(&r, "ReduceSum", 13, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0x2);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "axes unknown at plan time");
    cr_expect(strstr(r.err.message, "axes") != NULL, "%s", r.err.message);
    sh_free(&r);
    sh_exec(&r, "ReduceSum", 13, NULL, 0, (const onr_tensor *[]){&x, &dup}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "axes 1 and -1 repeat");
    sh_free(&r);
    sh_exec(&r, "ReduceMax", 18, NULL, 0, (const onr_tensor *[]){&x, &far}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "axis 2 of rank 2");
    sh_free(&r);
    onr_tensor b = ec_make(ONR_DTYPE_BOOL, 1, D(2), NULL);
    sh_exec(&r, "ReduceSum", 13, NULL, 0, (const onr_tensor *[]){&b}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "bool sum");
    sh_free(&r);
    ec_free(&x);
    ec_free(&b);
}

/* Reductions over an empty set (opset-18 spec text): Sum 0, Max -inf (integer: the minimum), Mean
 * 0/0 = NaN. */
Test(reduce, empty_sets)
{
    onr_tensor x = ec_make(F, 2, D(2, 0), NULL), xi = ec_make(ONR_DTYPE_INT32, 2, D(2, 0), NULL);
    onr_tensor ax = I64V(1);
    sh_run r;
    sh_exec(&r, "ReduceSum", 13, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(0, 0), 0, "sum empty");
    sh_free(&r);
    sh_exec(&r, "ReduceMax", 18, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(-INFINITY, -INFINITY), 0, "max empty");
    sh_free(&r);
    sh_exec(&r, "ReduceMax", 18, NULL, 0, (const onr_tensor *[]){&xi, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 2, D(2, 1), DV(-2147483648.0, -2147483648.0), 0, "max int empty");
    sh_free(&r);
    sh_exec(&r, "ReduceMin", 18, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(INFINITY, INFINITY), 0, "min empty");
    sh_free(&r);
    sh_exec(&r, "ReduceMin", 18, NULL, 0, (const onr_tensor *[]){&xi, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 2, D(2, 1), DV(2147483647, 2147483647), 0, "min int empty");
    sh_free(&r);
    sh_exec(&r, "ReduceProd", 18, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(1, 1), 0, "prod empty");
    sh_free(&r);
    sh_exec(&r, "ReduceLogSum", 18, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(-INFINITY, -INFINITY), 0, "log_sum empty");
    sh_free(&r);
    sh_exec(&r, "ReduceL2", 18, NULL, 0, (const onr_tensor *[]){&x, &ax}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 1), DV(0, 0), 0, "l2 empty");
    sh_free(&r);
    sh_exec(&r, "ReduceL2", 18, NULL, 0, (const onr_tensor *[]){&xi, &ax}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "integer L2");
    sh_free(&r);
    onr_attr keep0[] = {A_INT("keepdims", 0), A_INTS("axes", 1)};
    sh_exec(&r, "ReduceMean", 13, keep0, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV(NAN, NAN), 0, "mean empty");
    sh_free(&r);
    /* reducing the other axis leaves an empty output */
    onr_attr ax0[] = {A_INTS("axes", 0)};
    sh_exec(&r, "ReduceMean", 13, ax0, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, "empty output");
    sh_expect_shape(&r.out[0], 2, D(1, 0), "empty output");
    sh_free(&r);
    ec_free(&x);
    ec_free(&xi);
}

/* Naive reference: each input element goes to the output index with its reduced axes zeroed. */
static void ref_reduce(const char *op, const onr_tensor *x, const bool *red, double *y, size_t ny, bool is_int)
{
    size_t n = onr_tensor_count(x), count = 1;
    for (int32_t i = 0; i < x->rank; i++)
        if (red[i])
            count *= (size_t)x->dims[i];
    bool mx = !strcmp(op, "ReduceMax"), mn = !strcmp(op, "ReduceMin"), prod = !strcmp(op, "ReduceProd");
    bool l1 = !strcmp(op, "ReduceL1"), sq = !strcmp(op, "ReduceSumSquare");
    for (size_t o = 0; o < ny; o++)
        y[o] = mx ? -INFINITY : mn ? INFINITY : prod ? 1 : 0;
    for (size_t e = 0; e < n; e++) {
        size_t rem = e, o = 0, ostride = 1;
        for (int32_t i = x->rank - 1; i >= 0; i--) {
            size_t d = (size_t)x->dims[i], k = rem % d;
            rem /= d;
            if (!red[i]) {
                o += k * ostride;
                ostride *= d;
            }
        }
        double v = onr_load_as_double(x->dtype, x->data, e);
        v = l1 ? fabs(v) : sq ? v * v : v;
        y[o] = mx ? fmax(y[o], v) : mn ? fmin(y[o], v) : prod ? y[o] * v : y[o] + v;
    }
    if (!strcmp(op, "ReduceMean"))
        for (size_t o = 0; o < ny; o++)
            y[o] = is_int ? trunc(y[o] / (double)count) : y[o] / (double)count;
}

Test(reduce, axis_subset_sweep)
{
    static const char *const ops[] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                                      "ReduceL1", "ReduceSumSquare"};
    static const onr_dtype types[] = {ONR_DTYPE_FLOAT, ONR_DTYPE_DOUBLE, ONR_DTYPE_FLOAT16, ONR_DTYPE_INT64,
                                      ONR_DTYPE_INT32, ONR_DTYPE_UINT8};
    uint32_t rng = 4242;
    for (int iter = 0; iter < 60; iter++) {
        int32_t r = 1 + (int32_t)(ec_rand(&rng) % 4);
        int64_t dims[4];
        for (int32_t i = 0; i < r; i++)
            dims[i] = ec_rand(&rng) % 4 == 0 ? 1 : 2 + ec_rand(&rng) % (i == r - 1 ? 40 : 5);
        onr_dtype dt = types[iter % 6];
        bool is_int = !onr_dtype_is_float(dt);
        onr_tensor x = ec_make(dt, r, dims, NULL);
        size_t n = onr_tensor_count(&x);
        for (size_t i = 0; i < n; i++)
            onr_store_from_double(dt, x.data, i, (double)(ec_rand(&rng) % 9) + (is_int ? 0 : ec_uniform(&rng, 0, 1)));
        /* ReduceProd folds thousands of values: +-1 keeps every type exact and finite */
        onr_tensor xp = ec_make(dt, r, dims, NULL);
        for (size_t i = 0; i < n; i++)
            onr_store_from_double(dt, xp.data, i, ec_rand(&rng) % 2 ? 1 : -1);
        for (unsigned mask = 0; mask < (1u << r); mask++)
            for (size_t k = 0; k < 7; k++)
                for (int keep = 0; keep < 2; keep++) {
                    if (dt == ONR_DTYPE_UINT8 && k != 2 && k != 3)
                        continue; /* uint8 is a ReduceMax / ReduceMin type only */
                    if (k == 6 && dt == ONR_DTYPE_FLOAT16)
                        continue; /* sums of squares pass half's 65504 */
                    const onr_tensor *in = k == 4 ? &xp : &x;
                    bool red[4];
                    int64_t axes[4], ydims[4];
                    size_t na = 0;
                    int32_t ry = 0;
                    for (int32_t i = 0; i < r; i++) {
                        red[i] = (mask >> i) & 1u;
                        if (red[i])
                            axes[na++] = ec_rand(&rng) % 2 ? i : i - r; /* negative spelling too */
                        if (!red[i])
                            ydims[ry++] = dims[i];
                        else if (keep)
                            ydims[ry++] = 1;
                    }
                    if (mask == 0) { /* no axes: all reduce */
                        for (int32_t i = 0; i < r; i++)
                            red[i] = true;
                        ry = 0;
                        for (int32_t i = 0; keep && i < r; i++)
                            ydims[ry++] = 1;
                    }
                    int64_t nax = (int64_t)na;
                    onr_tensor at = sh_t(ONR_DTYPE_INT64, 1, &nax, axes);
                    onr_attr attrs[] = {A_INT("keepdims", keep)};
                    sh_run res;
                    sh_exec(&res, ops[k], 18, attrs, 1, (const onr_tensor *[]){in, &at}, 2, 1, 0);
                    char what[96];
                    snprintf(what, sizeof what, "iter %d %s %s mask %u keep %d", iter, ops[k], onr_dtype_name(dt),
                             mask, keep);
                    sh_expect_ok(&res, what);
                    if (res.st == ONR_OK) {
                        size_t ny = onr_tensor_count(&res.out[0]);
                        double *want = malloc((ny ? ny : 1) * sizeof *want);
                        ref_reduce(ops[k], in, red, want, ny, is_int);
                        ec_expect(&res.out[0], dt, ry, ydims, want, dt == ONR_DTYPE_FLOAT16 ? 0.05 : 1e-4, what);
                        free(want);
                    }
                    sh_free(&res);
                }
        ec_free(&x);
        ec_free(&xp);
    }
}

/* Long contiguous runs exercise the 8-way partial sums and their tail. */
Test(reduce, long_rows)
{
    size_t n = 100003;
    onr_tensor x = ec_make(F, 2, D(2, (int64_t)n), NULL);
    for (size_t i = 0; i < 2 * n; i++)
        ((float *)x.data)[i] = i < n ? 1.0f : 0.5f;
    onr_attr attrs[] = {A_INTS("axes", -1), A_INT("keepdims", 0)};
    sh_run r;
    sh_exec(&r, "ReduceSum", 11, attrs, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV((double)n, (double)n / 2), 0, "long sum");
    sh_free(&r);
    sh_exec(&r, "ReduceMean", 13, attrs, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV(1, 0.5), 1e-7, "long mean");
    sh_free(&r);
    ((float *)x.data)[n + 77777] = 3;
    sh_exec(&r, "ReduceMax", 13, attrs, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV(1, 3), 0, "long max");
    sh_free(&r);
    ec_free(&x);
}

/* ---- ArgMax / ArgMin ---------------------------------------------------------------------------- */

/* ONNX docs examples: data [[2, 1], [3, 10]] (and [[2, 2], [3, 10]] for select_last_index). */
Test(argmax, doc_examples)
{
    onr_tensor x = ec_make(F, 2, D(2, 2), DV(2, 1, 3, 10)), tie = ec_make(F, 2, D(2, 2), DV(2, 2, 3, 10));
    onr_attr ax1[] = {A_INT("axis", 1)}, ax1k0[] = {A_INT("axis", 1), A_INT("keepdims", 0)};
    onr_attr last[] = {A_INT("axis", 1), A_INT("select_last_index", 1)};
    sh_run r;
    sh_exec(&r, "ArgMax", 13, ax1, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 2, D(2, 1), (const int64_t[]){0, 1}, "argmax axis 1 keepdims");
    sh_free(&r);
    sh_exec(&r, "ArgMax", 11, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 2, D(1, 2), (const int64_t[]){1, 1}, "argmax default axis 0");
    sh_free(&r);
    sh_exec(&r, "ArgMin", 13, ax1k0, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(2), (const int64_t[]){1, 0}, "argmin no keepdims");
    sh_free(&r);
    sh_exec(&r, "ArgMax", 12, ax1, 1, (const onr_tensor *[]){&tie}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 2, D(2, 1), (const int64_t[]){0, 1}, "ties: first");
    sh_free(&r);
    sh_exec(&r, "ArgMax", 12, last, 2, (const onr_tensor *[]){&tie}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 2, D(2, 1), (const int64_t[]){1, 1}, "ties: select_last_index");
    sh_free(&r);
    sh_exec(&r, "ArgMin", 13, last, 2, (const onr_tensor *[]){&tie}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 2, D(2, 1), (const int64_t[]){1, 0}, "argmin ties last");
    sh_free(&r);
    sh_exec(&r, "ArgMax", 11, last, 2, (const onr_tensor *[]){&tie}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "select_last_index before 12");
    sh_free(&r);
    /* numpy.argmax/argmin: the first NaN wins */
    onr_tensor n = ec_make(F, 1, D(4), DV(1, NAN, 3, NAN));
    sh_exec(&r, "ArgMax", 13, NULL, 0, (const onr_tensor *[]){&n}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(1), (const int64_t[]){1}, "argmax NaN");
    sh_free(&r);
    sh_exec(&r, "ArgMin", 13, NULL, 0, (const onr_tensor *[]){&n}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(1), (const int64_t[]){1}, "argmin NaN");
    sh_free(&r);
    onr_tensor big = sh_t(ONR_DTYPE_INT64, 1, D(3), (const int64_t[]){INT64_MAX - 1, INT64_MAX, INT64_MAX - 2});
    sh_exec(&r, "ArgMax", 13, NULL, 0, (const onr_tensor *[]){&big}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(1), (const int64_t[]){1}, "int64 compared exactly");
    sh_free(&r);
    onr_tensor empty = ec_make(F, 2, D(2, 0), NULL);
    sh_exec(&r, "ArgMax", 13, ax1, 1, (const onr_tensor *[]){&empty}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "argmax over an empty axis");
    sh_free(&r);
    ec_free(&x);
    ec_free(&tie);
    ec_free(&n);
    ec_free(&empty);
}

/* Strided axes wider than a column block, against a naive scan. */
Test(argmax, strided_sweep)
{
    static const struct { int32_t rank; int64_t dims[3]; int64_t axis; } shapes[] = {
        {3, {2, 5, 70}, 1}, {2, {130, 3}, 0}, {3, {3, 4, 200}, 2}, {1, {1}, 0},
    };
    uint32_t rng = 31;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int mn = 0; mn < 2; mn++) {
            const int64_t *dims = shapes[s].dims;
            int32_t r = shapes[s].rank;
            onr_tensor x = ec_make(ONR_DTYPE_INT32, r, dims, NULL);
            size_t total = onr_tensor_count(&x), outer = 1, inner = 1, n = (size_t)dims[shapes[s].axis];
            for (size_t i = 0; i < total; i++)
                ((int32_t *)x.data)[i] = (int32_t)(ec_rand(&rng) % 7); /* many ties */
            for (int32_t i = 0; i < r; i++) {
                if (i < shapes[s].axis)
                    outer *= (size_t)dims[i];
                if (i > shapes[s].axis)
                    inner *= (size_t)dims[i];
            }
            int64_t *want = malloc(outer * inner * sizeof *want);
            for (size_t o = 0; o < outer; o++)
                for (size_t i = 0; i < inner; i++) {
                    const int32_t *v = (const int32_t *)x.data + o * n * inner + i;
                    size_t best = 0;
                    for (size_t k = 1; k < n; k++)
                        if (mn ? v[k * inner] < v[best * inner] : v[k * inner] > v[best * inner])
                            best = k;
                    want[o * inner + i] = (int64_t)best;
                }
            onr_attr attrs[] = {A_INT("axis", shapes[s].axis), A_INT("keepdims", 0)};
            sh_run res;
            sh_exec(&res, mn ? "ArgMin" : "ArgMax", 13, attrs, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
            sh_expect_ok(&res, "argmax sweep");
            if (res.st == ONR_OK) {
                int64_t ydims[3];
                int32_t ry = 0;
                for (int32_t i = 0; i < r; i++)
                    if (i != shapes[s].axis)
                        ydims[ry++] = dims[i];
                sh_expect_i64(&res.out[0], ry, ydims, want, "argmax sweep");
            }
            sh_free(&res);
            free(want);
            ec_free(&x);
        }
}
