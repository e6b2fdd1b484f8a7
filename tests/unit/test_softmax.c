/* test_softmax.c: Softmax / LogSoftmax, both axis semantics (opset < 13: coerce to 2-D at axis; 13+:
 * one axis), against the ONNX docs examples, hand-worked values and a naive double-precision reference
 * for strided axes wider than the kernel's column block. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "elt_check.h"

#define F ONR_DTYPE_FLOAT

Test(softmax, doc_examples)
{
    onr_tensor x = ec_make(F, 2, D(1, 3), DV(-1, 0, 1));
    sh_run r;
    sh_exec(&r, "Softmax", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, "softmax doc");
    ec_expect(&r.out[0], F, 2, D(1, 3), DV(0.09003058, 0.24472848, 0.66524094), 1e-7, "softmax doc");
    sh_free(&r);
    sh_exec(&r, "LogSoftmax", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 2, D(1, 3), DV(-2.40760596, -1.40760596, -0.40760596), 1e-6, "logsoftmax doc");
    sh_free(&r);
    /* test_softmax_large_number: subtracting the max keeps exp finite */
    onr_tensor big = ec_make(F, 2, D(2, 4), DV(0, 1, 2, 3, 10000, 10001, 10002, 10003));
    double row[] = {0.0320586, 0.08714432, 0.23688284, 0.64391428};
    double both[8];
    for (int i = 0; i < 8; i++)
        both[i] = row[i % 4];
    sh_exec(&r, "Softmax", 11, NULL, 0, (const onr_tensor *[]){&big}, 1, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 4), both, 1e-7, "softmax large numbers");
    sh_free(&r);
    for (int i = 0; i < 8; i++)
        both[i] = log(row[i % 4]);
    sh_exec(&r, "LogSoftmax", 13, NULL, 0, (const onr_tensor *[]){&big}, 1, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 4), both, 1e-5, "logsoftmax large numbers");
    sh_free(&r);
    ec_free(&x);
    ec_free(&big);
}

/* The same node means different things before and after opset 13 (hand-worked):
 * x = [[[1, 2], [3, 4]]], axis = 1.
 *   opset 11: rows of prod(dims[1:]) = 4: softmax([1, 2, 3, 4]);
 *   opset 13: along axis 1 only: softmax([1, 3]) and softmax([2, 4]). */
Test(softmax, axis_semantics_by_opset)
{
    onr_tensor x = ec_make(F, 3, D(1, 2, 2), DV(1, 2, 3, 4));
    onr_attr ax[] = {A_INT("axis", 1)};
    sh_run r;
    sh_exec(&r, "Softmax", 11, ax, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0.0320586, 0.08714432, 0.23688284, 0.64391428), 1e-7, "opset 11");
    sh_free(&r);
    sh_exec(&r, "Softmax", 13, ax, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0.11920292, 0.11920292, 0.88079708, 0.88079708), 1e-7, "opset 13");
    sh_free(&r);
    /* defaults: axis 1 before 13 (here the whole row), -1 from 13 */
    sh_exec(&r, "Softmax", 1, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0.0320586, 0.08714432, 0.23688284, 0.64391428), 1e-7, "default 1");
    sh_free(&r);
    sh_exec(&r, "Softmax", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0.26894142, 0.73105858, 0.26894142, 0.73105858), 1e-7, "default -1");
    sh_free(&r);
    onr_attr neg[] = {A_INT("axis", -3)};
    sh_exec(&r, "LogSoftmax", 11, neg, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(log(0.0320586), log(0.08714432), log(0.23688284), log(0.64391428)),
              1e-5, "opset 11 axis -3 = 0: all");
    sh_free(&r);
    onr_attr bad[] = {A_INT("axis", 3)};
    sh_exec(&r, "Softmax", 13, bad, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "axis 3 of rank 3");
    cr_expect(strstr(r.err.message, "axis") != NULL, "%s", r.err.message);
    sh_free(&r);
    onr_tensor xi = ec_make(ONR_DTYPE_INT32, 1, D(2), DV(1, 2));
    sh_exec(&r, "Softmax", 13, NULL, 0, (const onr_tensor *[]){&xi}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "int32 softmax");
    sh_free(&r);
    ec_free(&x);
    ec_free(&xi);
}

/* Naive reference in double over (outer, n, inner). */
static void ref_softmax(const double *x, double *y, size_t outer, size_t n, size_t inner, bool log_)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            double mx = -INFINITY, s = 0;
            for (size_t k = 0; k < n; k++)
                mx = fmax(mx, x[(o * n + k) * inner + i]);
            for (size_t k = 0; k < n; k++)
                s += exp(x[(o * n + k) * inner + i] - mx);
            for (size_t k = 0; k < n; k++) {
                double v = x[(o * n + k) * inner + i] - mx;
                y[(o * n + k) * inner + i] = log_ ? v - log(s) : exp(v) / s;
            }
        }
}

Test(softmax, strided_sweep)
{
    static const struct { int32_t rank; int64_t dims[4]; int64_t axis; } shapes[] = {
        {3, {2, 3, 70}, 1}, {3, {1, 5, 130}, 1}, {2, {3, 200}, 0}, {4, {2, 3, 4, 65}, 2}, {2, {4, 1000}, 1},
        {3, {2, 1, 5}, 1},
    };
    static const onr_dtype types[] = {ONR_DTYPE_FLOAT, ONR_DTYPE_DOUBLE, ONR_DTYPE_FLOAT16, ONR_DTYPE_BFLOAT16};
    uint32_t rng = 99;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t t = 0; t < 4; t++)
            for (int lg = 0; lg < 2; lg++) {
                onr_dtype dt = types[t];
                int32_t r = shapes[s].rank;
                const int64_t *dims = shapes[s].dims;
                size_t outer = 1, n = (size_t)dims[shapes[s].axis], inner = 1;
                for (int32_t i = 0; i < r; i++) {
                    if (i < shapes[s].axis)
                        outer *= (size_t)dims[i];
                    if (i > shapes[s].axis)
                        inner *= (size_t)dims[i];
                }
                size_t total = outer * n * inner;
                double *xv = malloc(total * sizeof *xv), *yv = malloc(total * sizeof *yv);
                onr_tensor x = ec_make(dt, r, dims, NULL);
                for (size_t i = 0; i < total; i++) {
                    onr_store_from_double(dt, x.data, i, ec_uniform(&rng, -8, 8));
                    xv[i] = onr_load_as_double(dt, x.data, i); /* reference sees the rounded input */
                }
                ref_softmax(xv, yv, outer, n, inner, lg);
                onr_attr ax[] = {A_INT("axis", shapes[s].axis)};
                sh_run res;
                sh_exec(&res, lg ? "LogSoftmax" : "Softmax", 13, ax, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
                char what[80];
                snprintf(what, sizeof what, "shape %zu %s %s", s, onr_dtype_name(dt), lg ? "log" : "");
                sh_expect_ok(&res, what);
                double tol = dt == ONR_DTYPE_FLOAT16 ? 2e-3 : dt == ONR_DTYPE_BFLOAT16 ? 3e-2 : 1e-5;
                if (lg && dt == ONR_DTYPE_BFLOAT16)
                    tol = 0.2; /* log values up to ~20 with 8 mantissa bits */
                if (lg && dt == ONR_DTYPE_FLOAT16)
                    tol = 2e-2;
                if (res.st == ONR_OK)
                    ec_expect(&res.out[0], dt, r, dims, yv, tol, what);
                sh_free(&res);
                ec_free(&x);
                free(xv);
                free(yv);
            }
}

/* Hardmax docs example, plus ties (first wins) and the opset-13 single-axis form. */
Test(softmax, hardmax)
{
    onr_tensor x = ec_make(F, 2, D(4, 4), DV(3, 0, 1, 2, 2, 5, 1, 0, 0, 1, 3, 2, 0, 1, 2, 3));
    sh_run r;
    sh_exec(&r, "Hardmax", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], F, 2, D(4, 4), DV(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1), 0, "hardmax doc");
    sh_free(&r);
    onr_tensor ties = ec_make(F, 2, D(2, 3), DV(1, 1, 1, 0, 2, 2));
    sh_exec(&r, "Hardmax", 13, NULL, 0, (const onr_tensor *[]){&ties}, 1, 1, 0);
    ec_expect(&r.out[0], F, 2, D(2, 3), DV(1, 0, 0, 0, 1, 0), 0, "hardmax ties");
    sh_free(&r);
    /* x = [[[1, 2], [3, 0]]], axis 1: opset 11 one row of 4 (max 3 at [1,0]); opset 13 per column */
    onr_tensor c = ec_make(F, 3, D(1, 2, 2), DV(1, 2, 3, 0));
    onr_attr ax1[] = {A_INT("axis", 1)};
    sh_exec(&r, "Hardmax", 11, ax1, 1, (const onr_tensor *[]){&c}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0, 0, 1, 0), 0, "hardmax-11 coerced");
    sh_free(&r);
    sh_exec(&r, "Hardmax", 13, ax1, 1, (const onr_tensor *[]){&c}, 1, 1, 0);
    ec_expect(&r.out[0], F, 3, D(1, 2, 2), DV(0, 1, 1, 0), 0, "hardmax-13 axis 1");
    sh_free(&r);
    ec_free(&x);
    ec_free(&ties);
    ec_free(&c);
}
