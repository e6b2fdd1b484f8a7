/* test_elementwise.c: unary activations/math, Clip, Dropout, binary arithmetic and comparisons, PRelu,
 * Where, and variadic Sum/Mean/Min/Max, driven through onr_op_find -> parse -> infer -> run.
 * Expected values are the ONNX operator docs' examples (numpy-computed there) or worked by hand; the
 * broadcast sweeps use the naive numpy index rule of elt_check.c as reference. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "elt_check.h"

/* ---- unary ---------------------------------------------------------------------------------------- */

typedef struct unary_case {
    const char *what;
    const char *op;
    int64_t opset;
    onr_attr attrs[3];
    size_t n_attrs;
    onr_dtype dt;
    size_t n;
    double x[8];
    double y[8];
    double tol;
} unary_case;

#define SELU_A 1.67326319217681884765625
#define SELU_G 1.05070102214813232421875

static const unary_case unary_cases[] = {
    /* ONNX docs examples, x = [-1, 0, 1] unless noted */
    {"relu doc", "Relu", 14, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {0, 0, 1}, 0},
    {"relu opset 1 consumed_inputs ignored", "Relu", 1, {A_INTS("consumed_inputs", 0)}, 1, ONR_DTYPE_FLOAT, 2,
     {-3, 3}, {0, 3}, 0},
    {"relu int32 (14+)", "Relu", 14, {{0}}, 0, ONR_DTYPE_INT32, 3, {-5, 0, 7}, {0, 0, 7}, 0},
    {"relu int8", "Relu", 14, {{0}}, 0, ONR_DTYPE_INT8, 2, {-128, 127}, {0, 127}, 0},
    {"relu double", "Relu", 13, {{0}}, 0, ONR_DTYPE_DOUBLE, 2, {-1e300, 1e300}, {0, 1e300}, 0},
    {"relu float16", "Relu", 13, {{0}}, 0, ONR_DTYPE_FLOAT16, 3, {-2.5, 0, 2.5}, {0, 0, 2.5}, 0},
    {"leakyrelu doc alpha=0.1", "LeakyRelu", 16, {A_FLOAT("alpha", 0.1f)}, 1, ONR_DTYPE_FLOAT, 3, {-1, 0, 1},
     {-0.1, 0, 1}, 1e-7},
    {"leakyrelu default alpha 0.01", "LeakyRelu", 6, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {-2, 3}, {-0.02, 3}, 1e-8},
    {"elu doc alpha=2", "Elu", 6, {A_FLOAT("alpha", 2)}, 1, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-1.2642411, 0, 1},
     1e-6},
    {"elu default", "Elu", 6, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-0.63212056, 0, 1}, 1e-6},
    {"selu doc alpha=2 gamma=3", "Selu", 6, {A_FLOAT("alpha", 2), A_FLOAT("gamma", 3)}, 2, ONR_DTYPE_FLOAT, 3,
     {-1, 0, 1}, {-3.79272318, 0, 3}, 1e-5},
    {"selu default", "Selu", 6, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1},
     {SELU_G * (SELU_A * 0.36787944117144233 - SELU_A), 0, SELU_G}, 1e-6},
    {"sigmoid doc", "Sigmoid", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {0.26894142, 0.5, 0.73105858}, 1e-7},
    {"sigmoid saturates without NaN", "Sigmoid", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {-1000, 1000}, {0, 1}, 0},
    {"sigmoid double", "Sigmoid", 13, {{0}}, 0, ONR_DTYPE_DOUBLE, 1, {1}, {0.7310585786300049}, 1e-15},
    {"sigmoid bfloat16", "Sigmoid", 13, {{0}}, 0, ONR_DTYPE_BFLOAT16, 2, {0, 1}, {0.5, 0.73105858}, 0},
    {"hardsigmoid doc alpha=0.5 beta=0.6", "HardSigmoid", 6, {A_FLOAT("alpha", 0.5f), A_FLOAT("beta", 0.6f)}, 2,
     ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {0.1, 0.6, 1}, 1e-7},
    {"hardsigmoid default 0.2/0.5", "HardSigmoid", 6, {{0}}, 0, ONR_DTYPE_FLOAT, 4, {-5, -1, 0, 3},
     {0, 0.3, 0.5, 1}, 1e-7},
    /* HardSwish: x * max(0, min(1, x/6 + 0.5)), worked by hand */
    {"hardswish", "HardSwish", 14, {{0}}, 0, ONR_DTYPE_FLOAT, 7, {-4, -3, -1, 0, 1, 3, 4},
     {0, 0, -1.0 / 3, 0, 2.0 / 3, 3, 4}, 1e-7},
    {"tanh doc", "Tanh", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-0.76159416, 0, 0.76159416}, 1e-7},
    {"softplus doc", "Softplus", 1, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {0.31326166, 0.69314718, 1.31326163},
     1e-7},
    {"softplus large/small", "Softplus", 1, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {100, -100}, {100, 3.7200760e-44}, 1e-7},
    {"erf", "Erf", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-0.84270079, 0, 0.84270079}, 1e-7},
    {"sqrt doc", "Sqrt", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {1, 4, 9}, {1, 2, 3}, 0},
    {"sqrt negative is NaN", "Sqrt", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 1, {-1}, {NAN}, 0},
    {"exp doc", "Exp", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {0.36787945, 1, 2.71828175}, 1e-7},
    {"log doc", "Log", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {1, 10}, {0, 2.30258512}, 1e-7},
    {"log 0 is -inf", "Log", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 1, {0}, {-INFINITY}, 0},
    {"neg doc", "Neg", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {-4, 2}, {4, -2}, 0},
    {"neg int8 wraps at the minimum", "Neg", 13, {{0}}, 0, ONR_DTYPE_INT8, 3, {-128, -5, 127}, {-128, 5, -127}, 0},
    {"neg int64", "Neg", 13, {{0}}, 0, ONR_DTYPE_INT64, 2, {-9e15, 42}, {9e15, -42}, 0},
    {"abs", "Abs", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1.5, 0, 2}, {1.5, 0, 2}, 0},
    {"abs int16", "Abs", 13, {{0}}, 0, ONR_DTYPE_INT16, 3, {-32768, -7, 7}, {-32768, 7, 7}, 0},
    {"abs uint8 is identity", "Abs", 13, {{0}}, 0, ONR_DTYPE_UINT8, 2, {0, 255}, {0, 255}, 0},
    /* Clip < 11: attributes */
    {"clip-6 doc min=-1 max=1", "Clip", 6, {A_FLOAT("min", -1), A_FLOAT("max", 1)}, 2, ONR_DTYPE_FLOAT, 3,
     {-2, 0, 2}, {-1, 0, 1}, 0},
    {"clip-6 only max", "Clip", 6, {A_FLOAT("max", 0)}, 1, ONR_DTYPE_FLOAT, 3, {-1e30, 0.5, 2}, {-1e30, 0, 0}, 0},
    {"clip-6 no bounds", "Clip", 6, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {-INFINITY, 3e38}, {-INFINITY, 3e38}, 0},
    {"reciprocal", "Reciprocal", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-4, 2, 0}, {-0.25, 0.5, INFINITY}, 0},
    {"floor", "Floor", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 4, {-1.5, 1.2, 2, -0.0}, {-2, 1, 2, -0.0}, 0},
    {"ceil", "Ceil", 13, {{0}}, 0, ONR_DTYPE_DOUBLE, 3, {-1.5, 1.2, 2}, {-1, 2, 2}, 0},
    /* Round doc example (half to even) */
    {"round doc", "Round", 11, {{0}}, 0, ONR_DTYPE_FLOAT, 8, {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.7, -1.1},
     {0, 2, 2, -0.0, -2, -2, 3, -1}, 0},
    {"sign", "Sign", 13, {{0}}, 0, ONR_DTYPE_FLOAT, 4, {-2, 0, 3, NAN}, {-1, 0, 1, NAN}, 0},
    {"sign int64", "Sign", 13, {{0}}, 0, ONR_DTYPE_INT64, 3, {-5, 0, 9e15}, {-1, 0, 1}, 0},
    {"sign int8", "Sign", 9, {{0}}, 0, ONR_DTYPE_INT8, 3, {-128, 0, 1}, {-1, 0, 1}, 0},
    {"sign uint16", "Sign", 13, {{0}}, 0, ONR_DTYPE_UINT16, 2, {0, 65535}, {0, 1}, 0},
    {"sin", "Sin", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0, 1.5707963267948966}, {0, 1}, 1e-7},
    {"cos", "Cos", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0, 3.141592653589793}, {1, -1}, 1e-7},
    {"tan", "Tan", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0, 0.785398163}, {0, 1}, 1e-6},
    {"asin", "Asin", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {1, 2}, {1.5707963267948966, NAN}, 1e-7},
    {"acos", "Acos", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {1, -1}, {0, 3.141592653589793}, 1e-6},
    {"atan", "Atan", 7, {{0}}, 0, ONR_DTYPE_FLOAT, 1, {1}, {0.7853981633974483}, 1e-7},
    {"sinh", "Sinh", 9, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0, 1}, {0, 1.1752011936438014}, 1e-6},
    {"cosh", "Cosh", 9, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0, 1}, {1, 1.5430806348152437}, 1e-6},
    {"asinh", "Asinh", 9, {{0}}, 0, ONR_DTYPE_FLOAT, 1, {1}, {0.881373587019543}, 1e-7},
    {"acosh", "Acosh", 9, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {1, 0}, {0, NAN}, 1e-7},
    {"atanh", "Atanh", 9, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {0.5, 1}, {0.5493061443340548, INFINITY}, 1e-7},
    {"softsign doc", "Softsign", 1, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-0.5, 0, 0.5}, 0},
    {"thresholdedrelu doc alpha=2", "ThresholdedRelu", 10, {A_FLOAT("alpha", 2)}, 1, ONR_DTYPE_FLOAT, 5,
     {-1.5, 0, 1.2, 2, 2.2}, {0, 0, 0, 0, 2.2}, 1e-7},
    {"thresholdedrelu default alpha=1", "ThresholdedRelu", 10, {{0}}, 0, ONR_DTYPE_FLOAT, 2, {1, 1.5}, {0, 1.5}, 0},
    {"celu alpha=2", "Celu", 12, {A_FLOAT("alpha", 2)}, 1, ONR_DTYPE_FLOAT, 3, {-1, 0, 1}, {-0.78693868, 0, 1},
     1e-6},
    {"mish", "Mish", 18, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {1, 0, -1}, {0.86509839, 0, -0.30340146}, 1e-6},
    {"shrink hard doc", "Shrink", 9, {A_FLOAT("lambd", 1.5f)}, 1, ONR_DTYPE_FLOAT, 5, {-2, -1, 0, 1, 2},
     {-2, 0, 0, 0, 2}, 0},
    {"shrink soft doc", "Shrink", 9, {A_FLOAT("lambd", 1.5f), A_FLOAT("bias", 1.5f)}, 2, ONR_DTYPE_FLOAT, 5,
     {-2, -1, 0, 1, 2}, {-0.5, 0, 0, 0, 0.5}, 0},
    {"gelu", "Gelu", 20, {{0}}, 0, ONR_DTYPE_FLOAT, 3, {1, 0, -1}, {0.84134475, 0, -0.15865525}, 1e-6},
    {"gelu tanh", "Gelu", 20, {{.name = "approximate", .type = ONR_ATTR_STRING, .s = "tanh", .s_len = 4}}, 1, ONR_DTYPE_FLOAT, 3, {1, 0, -1},
     {0.84119199, 0, -0.15880801}, 1e-6},
};

static void run_unary(const unary_case *c)
{
    int64_t dims[1] = {(int64_t)c->n};
    onr_tensor x = ec_make(c->dt, 1, dims, c->x);
    sh_run r;
    sh_exec(&r, c->op, c->opset, c->attrs, c->n_attrs, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, c->what);
    if (r.st == ONR_OK)
        ec_expect(&r.out[0], c->dt, 1, dims, c->y, c->tol, c->what);
    sh_free(&r);
    ec_free(&x);
}

Test(unary, table)
{
    for (size_t i = 0; i < sizeof unary_cases / sizeof unary_cases[0]; i++)
        run_unary(&unary_cases[i]);
}

/* NaN passes through every float activation that is not defined to swallow it. */
Test(unary, nan_propagates)
{
    static const char *const ops[] = {"Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softplus",
                                      "Sqrt", "Exp", "Log", "Neg", "Abs", "Erf", "HardSwish"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        unary_case c = {.what = ops[i], .op = ops[i], .opset = 14, .dt = ONR_DTYPE_FLOAT, .n = 1, .x = {NAN},
                        .y = {NAN}};
        run_unary(&c);
    }
}

/* Half-precision inputs longer than one conversion chunk, against the float kernel's own result. */
Test(unary, float16_long_matches_float)
{
    size_t n = 3000;
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = onr_f16_to_f32(onr_f32_to_f16((float)((double)i / 300.0 - 5.0)));
    int64_t dims[1] = {(int64_t)n};
    static const char *const ops[] = {"Sigmoid", "Tanh", "Exp", "Elu", "HardSigmoid"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        onr_tensor xf = ec_make(ONR_DTYPE_FLOAT, 1, dims, v), xh = ec_make(ONR_DTYPE_FLOAT16, 1, dims, v);
        sh_run rf, rh;
        sh_exec(&rf, ops[k], 13, NULL, 0, (const onr_tensor *[]){&xf}, 1, 1, 0);
        sh_exec(&rh, ops[k], 13, NULL, 0, (const onr_tensor *[]){&xh}, 1, 1, 0);
        sh_expect_ok(&rf, ops[k]);
        sh_expect_ok(&rh, ops[k]);
        if (rf.st == ONR_OK && rh.st == ONR_OK) {
            /* the half result is the float result rounded to half */
            onr_tensor want = ec_make(ONR_DTYPE_FLOAT16, 1, dims, NULL);
            for (size_t i = 0; i < n; i++)
                ((uint16_t *)want.data)[i] = onr_f32_to_f16(((float *)rf.out[0].data)[i]);
            sh_expect_same(&rh.out[0], &want, ops[k]);
            ec_free(&want);
        }
        sh_free(&rf);
        sh_free(&rh);
        ec_free(&xf);
        ec_free(&xh);
    }
    free(v);
}

/* Clip >= 11: optional scalar inputs (ONNX test_clip_* cases). */
Test(unary, clip_inputs)
{
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(5), DV(-6, -1, 0, 5, 6));
    onr_tensor lo = ec_make(ONR_DTYPE_FLOAT, 0, NULL, DV(-5)), hi = ec_make(ONR_DTYPE_FLOAT, 0, NULL, DV(5));
    onr_tensor hi_low = ec_make(ONR_DTYPE_FLOAT, 0, NULL, DV(-10));
    sh_run r;
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x, &lo, &hi}, 3, 1, 0);
    sh_expect_ok(&r, "clip both");
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-5, -1, 0, 5, 5), 0, "clip both");
    sh_free(&r);
    sh_exec(&r, "Clip", 11, NULL, 0, (const onr_tensor *[]){&x, NULL, &hi}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-6, -1, 0, 5, 5), 0, "clip default min (omitted input)");
    sh_free(&r);
    sh_exec(&r, "Clip", 12, NULL, 0, (const onr_tensor *[]){&x, &lo}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-5, -1, 0, 5, 6), 0, "clip default max");
    sh_free(&r);
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-6, -1, 0, 5, 6), 0, "clip no bounds");
    sh_free(&r);
    /* Clip-13: "When 'min' is greater than 'max', the clip operator sets all the 'input' values to
     * the value of 'max'." */
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x, &lo, &hi_low}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-10, -10, -10, -10, -10), 0, "min > max gives max");
    sh_free(&r);
    /* bounds hidden at plan time are read at run */
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x, &lo, &hi}, 3, 1, 0x6);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(-5, -1, 0, 5, 5), 0, "runtime bounds");
    sh_free(&r);
    onr_tensor vec = ec_make(ONR_DTYPE_FLOAT, 1, D(2), DV(0, 1));
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x, &vec}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "non-scalar min");
    sh_free(&r);
    onr_tensor lo_d = ec_make(ONR_DTYPE_DOUBLE, 0, NULL, DV(0));
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&x, &lo_d}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "min of another type");
    sh_free(&r);
    sh_exec(&r, "Clip", 6, NULL, 0, (const onr_tensor *[]){&x, &lo}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "Clip-6 has no bound inputs");
    sh_free(&r);
    ec_free(&x);
    ec_free(&lo);
    ec_free(&hi);
    ec_free(&hi_low);
    ec_free(&vec);
    ec_free(&lo_d);
}

/* test_clip_default_int8_*: integer Clip (12+) with omitted bounds uses the type's range. */
Test(unary, clip_int)
{
    onr_tensor x = ec_make(ONR_DTYPE_INT8, 1, D(4), DV(-128, -3, 3, 127));
    onr_tensor lo = ec_make(ONR_DTYPE_INT8, 0, NULL, DV(-2)), hi = ec_make(ONR_DTYPE_INT8, 0, NULL, DV(2));
    sh_run r;
    sh_exec(&r, "Clip", 12, NULL, 0, (const onr_tensor *[]){&x, &lo, &hi}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT8, 1, D(4), DV(-2, -2, 2, 2), 0, "int8 both");
    sh_free(&r);
    sh_exec(&r, "Clip", 12, NULL, 0, (const onr_tensor *[]){&x, NULL, &hi}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT8, 1, D(4), DV(-128, -3, 2, 2), 0, "int8 max only");
    sh_free(&r);
    onr_tensor u = ec_make(ONR_DTYPE_UINT64, 1, D(2), DV(1, 1e19)), ulo = ec_make(ONR_DTYPE_UINT64, 0, NULL, DV(5));
    sh_exec(&r, "Clip", 13, NULL, 0, (const onr_tensor *[]){&u, &ulo}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_UINT64, 1, D(2), DV(5, 1e19), 0, "uint64 min");
    sh_free(&r);
    ec_free(&x);
    ec_free(&lo);
    ec_free(&hi);
    ec_free(&u);
    ec_free(&ulo);
}

Test(unary, errors)
{
    onr_tensor u8 = ec_make(ONR_DTYPE_UINT8, 1, D(2), DV(1, 2)), f = ec_make(ONR_DTYPE_FLOAT, 1, D(1), DV(1));
    onr_tensor i32 = ec_make(ONR_DTYPE_INT32, 1, D(1), DV(1));
    sh_run r;
    sh_exec(&r, "Relu", 14, NULL, 0, (const onr_tensor *[]){&u8}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "Relu on uint8");
    cr_expect(strstr(r.err.message, "uint8") != NULL, "message names the type: %s", r.err.message);
    sh_free(&r);
    sh_exec(&r, "Sigmoid", 13, NULL, 0, (const onr_tensor *[]){&i32}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "Sigmoid on int32");
    sh_free(&r);
    onr_attr bad[] = {A_FLOAT("beta", 1)};
    sh_exec(&r, "LeakyRelu", 16, bad, 1, (const onr_tensor *[]){&f}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "unknown attribute");
    cr_expect(strstr(r.err.message, "beta") != NULL, "%s", r.err.message);
    sh_free(&r);
    onr_attr wrong[] = {A_INT("alpha", 1)};
    sh_exec(&r, "Elu", 6, wrong, 1, (const onr_tensor *[]){&f}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "alpha of type INT");
    sh_free(&r);
    onr_attr consumed[] = {A_INTS("consumed_inputs", 0)};
    sh_exec(&r, "Relu", 6, consumed, 1, (const onr_tensor *[]){&f}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "consumed_inputs is gone at opset 6");
    sh_free(&r);
    sh_exec(&r, "HardSwish", 13, NULL, 0, (const onr_tensor *[]){&f}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "find", "HardSwish before 14");
    sh_free(&r);
    ec_free(&u8);
    ec_free(&f);
    ec_free(&i32);
}

/* Dropout at inference: identity; mask all true (bool from 10, T before). */
Test(unary, dropout)
{
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 2, D(2, 2), DV(1, -2, 3, -4));
    onr_tensor ratio = ec_make(ONR_DTYPE_FLOAT, 0, NULL, DV(0.75)), ratio0 = ec_make(ONR_DTYPE_FLOAT, 0, NULL, DV(0));
    onr_tensor train = ec_make(ONR_DTYPE_BOOL, 0, NULL, DV(1)), infer_ = ec_make(ONR_DTYPE_BOOL, 0, NULL, DV(0));
    sh_run r;
    sh_exec(&r, "Dropout", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 2, 0);
    sh_expect_ok(&r, "dropout-13 default");
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 2, D(2, 2), DV(1, -2, 3, -4), 0, "dropout y");
    ec_expect(&r.out[1], ONR_DTYPE_BOOL, 2, D(2, 2), DV(1, 1, 1, 1), 0, "dropout mask");
    sh_free(&r);
    sh_exec(&r, "Dropout", 12, NULL, 0, (const onr_tensor *[]){&x, &ratio, &infer_}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 2, D(2, 2), DV(1, -2, 3, -4), 0, "training_mode false");
    sh_free(&r);
    /* test_training_dropout_zero_ratio: training with ratio 0 keeps everything */
    sh_exec(&r, "Dropout", 13, NULL, 0, (const onr_tensor *[]){&x, &ratio0, &train}, 3, 2, 0);
    sh_expect_ok(&r, "training ratio 0");
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 2, D(2, 2), DV(1, -2, 3, -4), 0, "training ratio 0");
    ec_expect(&r.out[1], ONR_DTYPE_BOOL, 2, D(2, 2), DV(1, 1, 1, 1), 0, "training ratio 0 mask");
    sh_free(&r);
    sh_exec(&r, "Dropout", 13, NULL, 0, (const onr_tensor *[]){&x, &ratio, &train}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "random training dropout");
    sh_free(&r);
    sh_exec(&r, "Dropout", 13, NULL, 0, (const onr_tensor *[]){&x, &ratio, &train}, 3, 1, 0x4);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "run", "random training dropout found at run");
    sh_free(&r);
    onr_attr old[] = {A_FLOAT("ratio", 0.2f), A_INT("is_test", 1)};
    sh_exec(&r, "Dropout", 6, old, 2, (const onr_tensor *[]){&x}, 1, 2, 0);
    sh_expect_ok(&r, "dropout-6");
    ec_expect(&r.out[1], ONR_DTYPE_FLOAT, 2, D(2, 2), DV(1, 1, 1, 1), 0, "dropout-6 mask is T");
    sh_free(&r);
    sh_exec(&r, "Dropout", 10, old, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "is_test is gone at 7");
    sh_free(&r);
    ec_free(&x);
    ec_free(&ratio);
    ec_free(&ratio0);
    ec_free(&train);
    ec_free(&infer_);
}

/* ---- binary --------------------------------------------------------------------------------------- */

typedef struct bin_case {
    const char *what;
    const char *op;
    int64_t opset;
    onr_dtype dt, bdt, ydt;
    int32_t ra;
    int64_t a_dims[4];
    int32_t rb;
    int64_t b_dims[4];
    double a[12], b[12];
    int32_t ry;
    int64_t y_dims[4];
    double y[12];
    double tol;
} bin_case;

#define F ONR_DTYPE_FLOAT
#define B8 ONR_DTYPE_BOOL

static const bin_case bin_cases[] = {
    {"add doc", "Add", 14, F, F, F, 1, {3}, 1, {3}, {1, 2, 3}, {4, 5, 6}, 1, {3}, {5, 7, 9}, 0},
    {"add row broadcast", "Add", 14, F, F, F, 2, {2, 3}, 1, {3}, {1, 2, 3, 4, 5, 6}, {10, 20, 30}, 2, {2, 3},
     {11, 22, 33, 14, 25, 36}, 0},
    {"add outer (3,1)+(1,2)", "Add", 14, F, F, F, 2, {3, 1}, 2, {1, 2}, {1, 2, 3}, {10, 20}, 2, {3, 2},
     {11, 21, 12, 22, 13, 23}, 0},
    {"add scalar left", "Add", 7, F, F, F, 0, {0}, 2, {2, 2}, {1}, {1, 2, 3, 4}, 2, {2, 2}, {2, 3, 4, 5}, 0},
    {"add uint8 wraps", "Add", 14, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, 1, {2}, 1, {2}, {250, 1},
     {10, 2}, 1, {2}, {4, 3}, 0},
    {"add int32 wraps", "Add", 14, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {1}, 1, {1},
     {2147483647}, {1}, 1, {1}, {-2147483648.0}, 0},
    {"add int64", "Add", 13, ONR_DTYPE_INT64, ONR_DTYPE_INT64, ONR_DTYPE_INT64, 1, {2}, 0, {0}, {-5, 7}, {3}, 1, {2},
     {-2, 10}, 0},
    {"add float16", "Add", 13, ONR_DTYPE_FLOAT16, ONR_DTYPE_FLOAT16, ONR_DTYPE_FLOAT16, 1, {2}, 1, {2}, {1.5, 2048},
     {0.25, 1}, 1, {2}, {1.75, 2048}, 0}, /* 2049 is not a half: ties to even gives 2048 */
    {"add double", "Add", 13, ONR_DTYPE_DOUBLE, ONR_DTYPE_DOUBLE, ONR_DTYPE_DOUBLE, 1, {1}, 1, {1}, {0.1}, {0.2}, 1,
     {1}, {0.30000000000000004}, 0},
    {"add bfloat16", "Add", 13, ONR_DTYPE_BFLOAT16, ONR_DTYPE_BFLOAT16, ONR_DTYPE_BFLOAT16, 1, {1}, 1, {1}, {1},
     {2}, 1, {1}, {3}, 0},
    {"sub doc", "Sub", 14, F, F, F, 1, {3}, 1, {3}, {1, 2, 3}, {3, 2, 1}, 1, {3}, {-2, 0, 2}, 0},
    {"sub uint8 wraps", "Sub", 14, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, 1, {1}, 1, {1}, {1}, {2}, 1,
     {1}, {255}, 0},
    {"sub scalar right", "Sub", 14, ONR_DTYPE_INT64, ONR_DTYPE_INT64, ONR_DTYPE_INT64, 1, {3}, 0, {0}, {5, 6, 7},
     {1}, 1, {3}, {4, 5, 6}, 0},
    {"mul doc", "Mul", 14, F, F, F, 1, {3}, 1, {3}, {1, 2, 3}, {4, 5, 6}, 1, {3}, {4, 10, 18}, 0},
    {"mul uint16 no int overflow", "Mul", 14, ONR_DTYPE_UINT16, ONR_DTYPE_UINT16, ONR_DTYPE_UINT16, 1, {1}, 1, {1},
     {65535}, {65535}, 1, {1}, {1}, 0},
    {"mul int16 wraps", "Mul", 14, ONR_DTYPE_INT16, ONR_DTYPE_INT16, ONR_DTYPE_INT16, 1, {1}, 1, {1}, {300}, {300},
     1, {1}, {24464}, 0},
    {"div doc", "Div", 14, F, F, F, 1, {2}, 1, {2}, {3, 4}, {1, 2}, 1, {2}, {3, 2}, 0},
    {"div by zero float", "Div", 14, F, F, F, 1, {3}, 1, {3}, {1, -1, 0}, {0, 0, 0}, 1, {3},
     {INFINITY, -INFINITY, NAN}, 0},
    {"div int truncates", "Div", 14, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {4}, 1, {4},
     {7, -7, 7, -7}, {2, 2, -2, -2}, 1, {4}, {3, -3, -3, 3}, 0},
    {"div int by zero is 0, MIN/-1 wraps", "Div", 14, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {2}, 1,
     {2}, {5, -2147483648.0}, {0, -1}, 1, {2}, {0, -2147483648.0}, 0},
    {"div uint8", "Div", 14, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, 1, {2}, 1, {2}, {255, 7}, {255, 2},
     1, {2}, {1, 3}, 0},
    {"pow doc", "Pow", 15, F, F, F, 1, {3}, 1, {3}, {1, 2, 3}, {4, 5, 6}, 1, {3}, {1, 32, 729}, 0},
    {"pow bcast scalar", "Pow", 15, F, F, F, 1, {3}, 0, {0}, {1, 2, 3}, {2}, 1, {3}, {1, 4, 9}, 0},
    {"pow float ^ int64 (12+)", "Pow", 15, F, ONR_DTYPE_INT64, F, 1, {3}, 1, {3}, {1, 2, 3}, {4, 5, 6}, 1, {3},
     {1, 32, 729}, 0},
    {"pow int64 ^ float", "Pow", 15, ONR_DTYPE_INT64, F, ONR_DTYPE_INT64, 1, {3}, 1, {3}, {1, 2, 3}, {4, 5, 6}, 1,
     {3}, {1, 32, 729}, 0},
    {"pow int32 ^ int32", "Pow", 15, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {2}, 1, {2}, {-2, 3},
     {3, 2}, 1, {2}, {-8, 9}, 0},
    {"pow float16", "Pow", 15, ONR_DTYPE_FLOAT16, ONR_DTYPE_FLOAT16, ONR_DTYPE_FLOAT16, 1, {2}, 1, {2}, {2, 9},
     {10, 0.5}, 1, {2}, {1024, 3}, 0},
    {"equal doc-like", "Equal", 13, F, F, B8, 1, {3}, 1, {3}, {1, 2, 3}, {1, 0, 3}, 1, {3}, {1, 0, 1}, 0},
    {"equal NaN is false", "Equal", 13, F, F, B8, 1, {1}, 1, {1}, {NAN}, {NAN}, 1, {1}, {0}, 0},
    {"equal bool", "Equal", 11, B8, B8, B8, 1, {4}, 1, {4}, {0, 0, 1, 1}, {0, 1, 0, 1}, 1, {4}, {1, 0, 0, 1}, 0},
    {"equal int64 bcast", "Equal", 13, ONR_DTYPE_INT64, ONR_DTYPE_INT64, B8, 2, {2, 2}, 1, {2}, {1, 2, 3, 2},
     {3, 2}, 2, {2, 2}, {0, 1, 1, 1}, 0},
    {"less", "Less", 13, F, F, B8, 1, {3}, 1, {3}, {1, 2, 3}, {2, 2, 2}, 1, {3}, {1, 0, 0}, 0},
    {"less uint64 large", "Less", 13, ONR_DTYPE_UINT64, ONR_DTYPE_UINT64, B8, 1, {1}, 1, {1}, {1e19}, {1}, 1, {1},
     {0}, 0},
    {"greater", "Greater", 13, F, F, B8, 1, {3}, 1, {3}, {1, 2, 3}, {2, 2, 2}, 1, {3}, {0, 0, 1}, 0},
    {"greater int32 bcast", "Greater", 9, ONR_DTYPE_INT32, ONR_DTYPE_INT32, B8, 2, {2, 1}, 1, {3}, {0, 5},
     {-1, 0, 6}, 2, {2, 3}, {1, 0, 0, 1, 1, 0}, 0},
    {"less_or_equal", "LessOrEqual", 16, F, F, B8, 1, {3}, 1, {3}, {1, 2, 3}, {2, 2, 2}, 1, {3}, {1, 1, 0}, 0},
    {"greater_or_equal", "GreaterOrEqual", 16, F, F, B8, 1, {3}, 1, {3}, {1, 2, 3}, {2, 2, 2}, 1, {3}, {0, 1, 1}, 0},
    /* PRelu-7+: slope broadcasts unidirectionally to X (test_prelu_broadcast: slope (5,) on (3,4,5)) */
    {"prelu example", "PRelu", 16, F, F, F, 1, {4}, 1, {4}, {-2, -1, 0, 3}, {0.5, 2, 3, 4}, 1, {4}, {-1, -2, 0, 3},
     0},
    {"prelu per-channel slope", "PRelu", 9, F, F, F, 3, {1, 2, 2}, 2, {2, 1}, {-1, 1, -1, 1}, {0.1, 0.2}, 3,
     {1, 2, 2}, {-0.1, 1, -0.2, 1}, 1e-7},
    {"prelu-6 slope [C] is per channel (axis 1)", "PRelu", 6, F, F, F, 3, {1, 2, 3}, 1, {2}, {-1, -2, 3, -1, -2, 3},
     {0.5, 2}, 3, {1, 2, 3}, {-0.5, -1, 3, -2, -4, 3}, 0},
    {"prelu-7 slope [C] is numpy (last axis)", "PRelu", 7, F, F, F, 3, {1, 2, 2}, 1, {2}, {-1, -2, -1, -2},
     {0.5, 2}, 3, {1, 2, 2}, {-0.5, -4, -0.5, -4}, 0},
    {"prelu int32", "PRelu", 16, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {2}, 0, {0}, {-3, 3}, {2}, 1,
     {2}, {-6, 3}, 0},
    /* Mod docs examples: fmod=0 is numpy.mod (sign of the divisor), fmod=1 numpy.fmod */
    {"mod int mixed signs", "Mod", 13, ONR_DTYPE_INT32, ONR_DTYPE_INT32, ONR_DTYPE_INT32, 1, {6}, 1, {6},
     {-4, 7, 5, 4, -7, 8}, {2, -3, 8, -2, 3, 5}, 1, {6}, {0, -2, 5, 0, 2, 3}, 0},
    {"mod int by zero", "Mod", 13, ONR_DTYPE_INT64, ONR_DTYPE_INT64, ONR_DTYPE_INT64, 1, {2}, 1, {2}, {5, -9e15},
     {0, -1}, 1, {2}, {0, 0}, 0},
    {"mod uint8", "Mod", 13, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, ONR_DTYPE_UINT8, 1, {2}, 0, {0}, {200, 7}, {6}, 1,
     {2}, {2, 1}, 0},
    {"and", "And", 7, B8, B8, B8, 1, {4}, 1, {4}, {0, 0, 1, 1}, {0, 1, 0, 1}, 1, {4}, {0, 0, 0, 1}, 0},
    {"or bcast", "Or", 7, B8, B8, B8, 2, {2, 2}, 1, {2}, {0, 0, 1, 1}, {0, 1}, 2, {2, 2}, {0, 1, 1, 1}, 0},
    {"xor", "Xor", 7, B8, B8, B8, 1, {4}, 1, {4}, {0, 0, 1, 1}, {0, 1, 0, 1}, 1, {4}, {0, 1, 1, 0}, 0},
    /* legacy (opset < 7) broadcast: B aligned at `axis`, or trailing when axis is absent */
    {"add-6 broadcast axis=0", "Add", 6, F, F, F, 2, {2, 3}, 1, {2}, {1, 2, 3, 4, 5, 6}, {10, 20}, 2, {2, 3},
     {11, 12, 13, 24, 25, 26}, 0},
    {"add-6 broadcast trailing", "Add", 6, F, F, F, 2, {2, 3}, 1, {3}, {1, 2, 3, 4, 5, 6}, {10, 20, 30}, 2, {2, 3},
     {11, 22, 33, 14, 25, 36}, 0},
    {"add-1 equal shapes", "Add", 1, F, F, F, 1, {2}, 1, {2}, {1, 2}, {3, 4}, 1, {2}, {4, 6}, 0},
};

static void run_bin(const bin_case *c)
{
    onr_tensor a = ec_make(c->dt, c->ra, c->a_dims, c->a), b = ec_make(c->bdt, c->rb, c->b_dims, c->b);
    onr_attr attrs[2];
    size_t n_attrs = 0;
    if (strstr(c->what, "-6 broadcast"))
        attrs[n_attrs++] = A_INT("broadcast", 1);
    if (strstr(c->what, "axis=0"))
        attrs[n_attrs++] = A_INT("axis", 0);
    sh_run r;
    sh_exec(&r, c->op, c->opset, attrs, n_attrs, (const onr_tensor *[]){&a, &b}, 2, 1, 0);
    sh_expect_ok(&r, c->what);
    if (r.st == ONR_OK)
        ec_expect(&r.out[0], c->ydt, c->ry, c->y_dims, c->y, c->tol, c->what);
    sh_free(&r);
    ec_free(&a);
    ec_free(&b);
}

Test(binary, table)
{
    for (size_t i = 0; i < sizeof bin_cases / sizeof bin_cases[0]; i++)
        run_bin(&bin_cases[i]);
}

/* Random shapes and broadcast patterns for every arithmetic op and several dtypes, against a naive
 * per-element reference using the numpy index rule. Sizes reach past the kernels' chunking. */
static double ref_op(const char *op, double p, double q)
{
    if (!strcmp(op, "Add"))
        return p + q;
    if (!strcmp(op, "Sub"))
        return p - q;
    if (!strcmp(op, "Mul"))
        return p * q;
    if (!strcmp(op, "Div"))
        return p / q;
    if (!strcmp(op, "Less"))
        return p < q;
    if (!strcmp(op, "Greater"))
        return p > q;
    return p == q;
}

Test(binary, random_broadcast_sweep)
{
    static const char *const ops[] = {"Add", "Sub", "Mul", "Div", "Less", "Greater", "Equal"};
    static const onr_dtype types[] = {ONR_DTYPE_FLOAT, ONR_DTYPE_DOUBLE, ONR_DTYPE_FLOAT16, ONR_DTYPE_INT64};
    uint32_t rng = 777;
    for (int iter = 0; iter < 300; iter++) {
        const char *op = ops[iter % 7];
        onr_dtype dt = types[(iter / 7) % 4];
        int32_t r = 1 + (int32_t)(ec_rand(&rng) % 4);
        int64_t out_dims[4], ad[4], bd[4];
        for (int32_t i = 0; i < r; i++)
            out_dims[i] = 1 + ec_rand(&rng) % (i == r - 1 ? 300 : 5);
        int32_t ra = (int32_t)(ec_rand(&rng) % (uint32_t)(r + 1)), rb = r;
        for (int32_t j = 0; j < ra; j++)
            ad[j] = ec_rand(&rng) % 3 == 0 ? 1 : out_dims[j + r - ra];
        for (int32_t j = 0; j < rb; j++)
            bd[j] = ec_rand(&rng) % 3 == 0 ? 1 : out_dims[j];
        for (int32_t i = 0; i < r; i++) { /* where both inputs hold 1 (or a lacks the axis) y has 1 */
            int64_t da = i >= r - ra ? ad[i - (r - ra)] : 1;
            out_dims[i] = da > bd[i] ? da : bd[i];
        }
        onr_tensor a = ec_make(dt, ra, ad, NULL), b = ec_make(dt, rb, bd, NULL);
        size_t na = onr_tensor_count(&a), nb = onr_tensor_count(&b);
        for (size_t i = 0; i < na; i++)
            onr_store_from_double(dt, a.data, i, (double)(int)(ec_rand(&rng) % 19) - 9);
        for (size_t i = 0; i < nb; i++) /* nonzero divisors, exact in every type */
            onr_store_from_double(dt, b.data, i, (double)(1 + (int)(ec_rand(&rng) % 8)) * (ec_rand(&rng) % 2 ? 1 : -1));
        sh_run res;
        sh_exec(&res, op, 14, NULL, 0, (const onr_tensor *[]){&a, &b}, 2, 1, 0);
        sh_expect_ok(&res, op);
        if (res.st != ONR_OK) {
            ec_free(&a);
            ec_free(&b);
            sh_free(&res);
            continue;
        }
        onr_tensor *y = &res.out[0];
        int32_t ry = y->rank;
        size_t ny = onr_tensor_count(y);
        double *want = malloc((ny ? ny : 1) * sizeof *want);
        for (size_t o = 0; o < ny; o++) {
            double p = onr_load_as_double(dt, a.data, ec_bcast_index(ra, ad, ry, y->dims, o));
            double q = onr_load_as_double(dt, b.data, ec_bcast_index(rb, bd, ry, y->dims, o));
            double v = ref_op(op, p, q);
            if (!strcmp(op, "Div") && dt == ONR_DTYPE_INT64)
                v = trunc(v);
            want[o] = v;
        }
        bool cmp = !strcmp(op, "Less") || !strcmp(op, "Greater") || !strcmp(op, "Equal");
        char what[64];
        snprintf(what, sizeof what, "sweep %d %s %s", iter, op, onr_dtype_name(dt));
        ec_expect(y, cmp ? ONR_DTYPE_BOOL : dt, r, out_dims, want, dt == ONR_DTYPE_FLOAT16 ? 1e-3 : 1e-6, what);
        free(want);
        sh_free(&res);
        ec_free(&a);
        ec_free(&b);
    }
}

Test(binary, errors)
{
    onr_tensor a = ec_make(F, 2, D(2, 3), NULL), b = ec_make(F, 1, D(4), NULL), i = ec_make(ONR_DTYPE_INT32, 1, D(3), NULL);
    onr_tensor s = ec_make(ONR_DTYPE_FLOAT, 1, D(2), NULL), u8 = ec_make(ONR_DTYPE_UINT8, 1, D(1), NULL);
    sh_run r;
    sh_exec(&r, "Add", 14, NULL, 0, (const onr_tensor *[]){&a, &b}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "(2,3)+(4)");
    cr_expect(strstr(r.err.message, "[2,3]") && strstr(r.err.message, "[4]"), "shapes named: %s", r.err.message);
    sh_free(&r);
    sh_exec(&r, "Mul", 14, NULL, 0, (const onr_tensor *[]){&a, &i}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "float * int32");
    sh_free(&r);
    sh_exec(&r, "PRelu", 16, NULL, 0, (const onr_tensor *[]){&i, &a}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "slope bigger than X");
    sh_free(&r);
    sh_exec(&r, "PRelu", 16, NULL, 0, (const onr_tensor *[]){&a, &s}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "slope (2) on (2,3)");
    cr_expect(strstr(r.err.message, "slope") != NULL, "%s", r.err.message);
    sh_free(&r);
    sh_exec(&r, "Pow", 15, NULL, 0, (const onr_tensor *[]){&u8, &u8}, 2, 1, 0);
    sh_expect_ok(&r, "Pow uint8 runs through the generic path");
    sh_free(&r);
    /* legacy: broadcast=0 with different shapes, axis that does not fit */
    sh_exec(&r, "Add", 6, NULL, 0, (const onr_tensor *[]){&a, &s}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "Add-6 without broadcast");
    sh_free(&r);
    onr_attr ax[] = {A_INT("broadcast", 1), A_INT("axis", 1)};
    sh_exec(&r, "Add", 6, ax, 2, (const onr_tensor *[]){&a, &s}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "Add-6 B (2) at axis 1 of (2,3)");
    sh_free(&r);
    sh_exec(&r, "Add", 7, ax, 2, (const onr_tensor *[]){&a, &s}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "broadcast attribute gone at 7");
    sh_free(&r);
    ec_free(&a);
    ec_free(&b);
    ec_free(&i);
    ec_free(&s);
    ec_free(&u8);
}

/* ---- Where ---------------------------------------------------------------------------------------- */

Test(binary, where)
{
    /* ONNX Where doc example */
    onr_tensor c = ec_make(B8, 2, D(2, 2), DV(1, 0, 1, 1));
    onr_tensor x = ec_make(F, 2, D(2, 2), DV(1, 2, 3, 4)), y = ec_make(F, 2, D(2, 2), DV(9, 8, 7, 6));
    sh_run r;
    sh_exec(&r, "Where", 16, NULL, 0, (const onr_tensor *[]){&c, &x, &y}, 3, 1, 0);
    sh_expect_ok(&r, "where doc");
    ec_expect(&r.out[0], F, 2, D(2, 2), DV(1, 8, 3, 4), 0, "where doc");
    sh_free(&r);
    /* three-way broadcast: cond (2,1), x scalar, y (1,3) */
    onr_tensor c2 = ec_make(B8, 2, D(2, 1), DV(1, 0));
    onr_tensor xs = ec_make(ONR_DTYPE_INT64, 0, NULL, DV(-1)), y3 = ec_make(ONR_DTYPE_INT64, 2, D(1, 3), DV(7, 8, 9));
    sh_exec(&r, "Where", 9, NULL, 0, (const onr_tensor *[]){&c2, &xs, &y3}, 3, 1, 0);
    sh_expect_ok(&r, "where bcast");
    ec_expect(&r.out[0], ONR_DTYPE_INT64, 2, D(2, 3), DV(-1, -1, -1, 7, 8, 9), 0, "where bcast");
    sh_free(&r);
    /* 1- and 2-byte element types */
    onr_tensor xb = ec_make(B8, 1, D(2), DV(1, 1)), yb = ec_make(B8, 1, D(2), DV(0, 0));
    onr_tensor c1 = ec_make(B8, 1, D(2), DV(0, 1));
    sh_exec(&r, "Where", 16, NULL, 0, (const onr_tensor *[]){&c1, &xb, &yb}, 3, 1, 0);
    ec_expect(&r.out[0], B8, 1, D(2), DV(0, 1), 0, "where bool");
    sh_free(&r);
    onr_tensor xh = ec_make(ONR_DTYPE_FLOAT16, 1, D(2), DV(1.5, 2.5)), yh = ec_make(ONR_DTYPE_FLOAT16, 0, NULL, DV(-1));
    sh_exec(&r, "Where", 16, NULL, 0, (const onr_tensor *[]){&c1, &xh, &yh}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT16, 1, D(2), DV(-1, 2.5), 0, "where float16");
    sh_free(&r);
    sh_exec(&r, "Where", 16, NULL, 0, (const onr_tensor *[]){&x, &x, &y}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "float condition");
    sh_free(&r);
    onr_tensor *all[] = {&c, &x, &y, &c2, &xs, &y3, &xb, &yb, &c1, &xh, &yh};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ec_free(all[i]);
}

/* ---- variadic ------------------------------------------------------------------------------------- */

/* ONNX docs examples: data_0 = [3, 2, 1], data_1 = [1, 4, 4], data_2 = [2, 5, 3]. */
Test(variadic, doc_examples)
{
    onr_tensor d0 = ec_make(F, 1, D(3), DV(3, 2, 1)), d1 = ec_make(F, 1, D(3), DV(1, 4, 4));
    onr_tensor d2 = ec_make(F, 1, D(3), DV(2, 5, 3));
    const onr_tensor *in[] = {&d0, &d1, &d2};
    struct { const char *op; double all[3], two[3]; } cases[] = {
        {"Sum", {6, 11, 8}, {4, 6, 5}},
        {"Mean", {2, 11.0 / 3, 8.0 / 3}, {2, 3, 2.5}},
        {"Max", {3, 5, 4}, {3, 4, 4}},
        {"Min", {1, 2, 1}, {1, 2, 1}},
    };
    for (size_t i = 0; i < 4; i++) {
        sh_run r;
        sh_exec(&r, cases[i].op, 13, NULL, 0, in, 3, 1, 0);
        sh_expect_ok(&r, cases[i].op);
        ec_expect(&r.out[0], F, 1, D(3), cases[i].all, 1e-6, cases[i].op);
        sh_free(&r);
        sh_exec(&r, cases[i].op, 8, NULL, 0, in, 2, 1, 0);
        ec_expect(&r.out[0], F, 1, D(3), cases[i].two, 1e-6, cases[i].op);
        sh_free(&r);
        sh_exec(&r, cases[i].op, 13, NULL, 0, in, 1, 1, 0);
        ec_expect(&r.out[0], F, 1, D(3), DV(3, 2, 1), 0, "one input is a copy");
        sh_free(&r);
    }
    ec_free(&d0);
    ec_free(&d1);
    ec_free(&d2);
}

Test(variadic, broadcast_types_nan)
{
    /* (3,1), (1,2), (2,): the first pair does not span the output alone */
    onr_tensor a = ec_make(F, 2, D(3, 1), DV(1, 2, 3)), b = ec_make(F, 2, D(1, 2), DV(10, 20));
    onr_tensor c = ec_make(F, 1, D(2), DV(100, 200));
    sh_run r;
    sh_exec(&r, "Sum", 13, NULL, 0, (const onr_tensor *[]){&a, &b, &c}, 3, 1, 0);
    ec_expect(&r.out[0], F, 2, D(3, 2), DV(111, 221, 112, 222, 113, 223), 0, "sum bcast");
    sh_free(&r);
    sh_exec(&r, "Max", 13, NULL, 0, (const onr_tensor *[]){&c, &a}, 2, 1, 0);
    ec_expect(&r.out[0], F, 2, D(3, 2), DV(100, 200, 100, 200, 100, 200), 0, "max bcast from a small first input");
    sh_free(&r);
    onr_tensor i1 = ec_make(ONR_DTYPE_INT32, 1, D(3), DV(-5, 0, 5)), i2 = ec_make(ONR_DTYPE_INT32, 0, NULL, DV(1));
    sh_exec(&r, "Max", 12, NULL, 0, (const onr_tensor *[]){&i1, &i2}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(3), DV(1, 1, 5), 0, "max int32");
    sh_free(&r);
    sh_exec(&r, "Min", 12, NULL, 0, (const onr_tensor *[]){&i1, &i2}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(3), DV(-5, 0, 1), 0, "min int32");
    sh_free(&r);
    sh_exec(&r, "Sum", 13, NULL, 0, (const onr_tensor *[]){&i1, &i2}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "Sum of int32 is not in the spec");
    sh_free(&r);
    /* numpy.maximum/minimum propagate NaN from either side */
    onr_tensor n1 = ec_make(F, 1, D(2), DV(NAN, 1)), n2 = ec_make(F, 1, D(2), DV(1, NAN));
    sh_exec(&r, "Max", 13, NULL, 0, (const onr_tensor *[]){&n1, &n2}, 2, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV(NAN, NAN), 0, "max NaN");
    sh_free(&r);
    sh_exec(&r, "Min", 13, NULL, 0, (const onr_tensor *[]){&n1, &n2}, 2, 1, 0);
    ec_expect(&r.out[0], F, 1, D(2), DV(NAN, NAN), 0, "min NaN");
    sh_free(&r);
    onr_tensor h1 = ec_make(ONR_DTYPE_FLOAT16, 1, D(2), DV(1, 2)), h2 = ec_make(ONR_DTYPE_FLOAT16, 1, D(2), DV(2, 2));
    sh_exec(&r, "Mean", 13, NULL, 0, (const onr_tensor *[]){&h1, &h2, &h2}, 3, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT16, 1, D(2), DV(5.0 / 3, 2), 0, "mean float16");
    sh_free(&r);
    sh_exec(&r, "Sum", 13, NULL, 0, (const onr_tensor *[]){&a, &i1}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "mixed types");
    sh_free(&r);
    onr_tensor *all[] = {&a, &b, &c, &i1, &i2, &n1, &n2, &h1, &h2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ec_free(all[i]);
}

/* ---- fastmath: the vectorizable exp/tanh against double-precision libm ----------------------------- */

#include "ops/fastmath.h"

/* Error in units of the float spacing at the true value. */
static double ulp_err(float got, double want)
{
    if (want == 0)
        return got == 0 ? 0 : INFINITY;
    int e;
    frexp(want, &e);
    double ulp = ldexp(1.0, e - 24);
    if (fabs(want) < 1.1754943508222875e-38)
        ulp = ldexp(1.0, -149);
    return fabs((double)got - want) / ulp;
}

Test(fastmath, expf_within_2_ulp)
{
    double worst = 0, at = 0;
    for (int i = 0; i <= 2000000; i++) {
        float x = (float)(-87.3 + (88.7 + 87.3) * i / 2000000.0);
        double e = ulp_err(onr_expf(x), exp((double)x));
        if (e > worst) {
            worst = e;
            at = x;
        }
    }
    cr_expect(worst <= 2.0, "onr_expf: %.2f ulp at x = %.9g", worst, at);
    cr_expect_eq(onr_expf(0.0f), 1.0f);
    cr_expect(isinf(onr_expf(89.0f)) && onr_expf(89.0f) > 0);
    cr_expect(isinf(onr_expf(INFINITY)));
    cr_expect_eq(onr_expf(-INFINITY), 0.0f);
    cr_expect_eq(onr_expf(-100.0f), 0.0f);
    cr_expect(isnan(onr_expf(NAN)));
    cr_expect(onr_expf(88.7f) < INFINITY, "largest finite inputs stay finite");
}

Test(fastmath, tanhf_close)
{
    double worst = 0, at = 0;
    for (int i = 0; i <= 2000000; i++) {
        float x = (float)(-10.0 + 20.0 * i / 2000000.0);
        double e = ulp_err(onr_tanhf(x), tanh((double)x));
        if (e > worst) {
            worst = e;
            at = x;
        }
    }
    cr_expect(worst <= 4.0, "onr_tanhf: %.2f ulp at x = %.9g", worst, at);
    cr_expect_eq(onr_tanhf(1e-20f), 1e-20f, "tiny x: tanh(x) = x");
    cr_expect_eq(onr_tanhf(100.0f), 1.0f);
    cr_expect_eq(onr_tanhf(-INFINITY), -1.0f);
    cr_expect(isnan(onr_tanhf(NAN)));
}

/* ---- threads: every family splits its work across a pool; results must equal the inline run --------- */

#include "core/parallel.h"

Test(threads, pooled_equals_inline)
{
    onr_threadpool *pool = onr_threadpool_new(3);
    uint32_t rng = 5;
    onr_tensor big = ec_make(ONR_DTYPE_FLOAT, 4, D(3, 7, 61, 127), NULL);
    onr_tensor chan = ec_make(ONR_DTYPE_FLOAT, 4, D(1, 7, 1, 1), NULL);
    onr_tensor row = ec_make(ONR_DTYPE_FLOAT, 4, D(3, 1, 61, 1), NULL);
    onr_tensor hbig = ec_make(ONR_DTYPE_FLOAT16, 4, D(3, 7, 61, 127), NULL);
    onr_tensor cond = ec_make(ONR_DTYPE_BOOL, 2, D(61, 127), NULL);
    size_t n = onr_tensor_count(&big);
    for (size_t i = 0; i < n; i++) {
        double v = ec_uniform(&rng, -4, 4);
        onr_store_from_double(ONR_DTYPE_FLOAT, big.data, i, v);
        onr_store_from_double(ONR_DTYPE_FLOAT16, hbig.data, i, v);
    }
    for (size_t i = 0; i < 7; i++)
        onr_store_from_double(ONR_DTYPE_FLOAT, chan.data, i, ec_uniform(&rng, -1, 1));
    for (size_t i = 0; i < 183; i++)
        onr_store_from_double(ONR_DTYPE_FLOAT, row.data, i, ec_uniform(&rng, 1, 2));
    for (size_t i = 0; i < 61 * 127; i++)
        ((uint8_t *)cond.data)[i] = ec_rand(&rng) & 1;
    onr_attr ax1[] = {A_INT("axis", 1)};
    onr_attr axes_hw[] = {A_INTS("axes", 2, 3), A_INT("keepdims", 0)};
    onr_attr axes_c[] = {A_INTS("axes", 1)};
    onr_attr to16[] = {A_INT("to", ONR_DTYPE_FLOAT16)};
    struct { const char *op; int64_t opset; const onr_attr *attrs; size_t na; const onr_tensor *in[3]; size_t n_in; } cases[] = {
        {"Add", 14, NULL, 0, {&big, &big}, 2},
        {"Mul", 14, NULL, 0, {&big, &chan}, 2},
        {"Div", 14, NULL, 0, {&row, &big}, 2},
        {"Add", 14, NULL, 0, {&hbig, &hbig}, 2},
        {"Greater", 14, NULL, 0, {&big, &chan}, 2},
        {"Where", 16, NULL, 0, {&cond, &big, &chan}, 3},
        {"Max", 13, NULL, 0, {&chan, &big, &row}, 3},
        {"Sigmoid", 13, NULL, 0, {&big}, 1},
        {"Tanh", 13, NULL, 0, {&hbig}, 1},
        {"Softmax", 13, NULL, 0, {&big}, 1},
        {"Softmax", 13, ax1, 1, {&big}, 1},
        {"LogSoftmax", 11, ax1, 1, {&hbig}, 1},
        {"ReduceMean", 13, axes_hw, 2, {&big}, 1},
        {"ReduceSum", 11, axes_c, 1, {&big}, 1},
        {"ReduceMax", 13, axes_hw, 2, {&hbig}, 1},
        {"Cast", 13, to16, 1, {&big}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        onr_tensor a = ec_run_pooled(cases[i].op, cases[i].opset, cases[i].attrs, cases[i].na, cases[i].in,
                                     cases[i].n_in, NULL);
        onr_tensor b = ec_run_pooled(cases[i].op, cases[i].opset, cases[i].attrs, cases[i].na, cases[i].in,
                                     cases[i].n_in, pool);
        char what[64];
        snprintf(what, sizeof what, "case %zu %s", i, cases[i].op);
        sh_expect_same(&b, &a, what);
        ec_free(&a);
        ec_free(&b);
    }
    onr_threadpool_free(pool);
    ec_free(&big);
    ec_free(&chan);
    ec_free(&row);
    ec_free(&hbig);
    ec_free(&cond);
}

/* ---- Mod attribute forms, BitShift, predicates --------------------------------------------------- */

Test(binary, mod_fmod_and_bitshift)
{
    onr_tensor xi = ec_make(ONR_DTYPE_INT32, 1, D(6), DV(-4, 7, 5, 4, -7, 8));
    onr_tensor yi = ec_make(ONR_DTYPE_INT32, 1, D(6), DV(2, -3, 8, -2, 3, 5));
    onr_tensor xf = ec_make(F, 1, D(6), DV(-4.3, 7.2, 5.0, 4.3, -7.2, 8.0));
    onr_tensor yf = ec_make(F, 1, D(6), DV(2.1, -3.4, 8.0, -2.1, 3.4, 5.0));
    onr_attr fmod1[] = {A_INT("fmod", 1)};
    sh_run r;
    sh_exec(&r, "Mod", 13, fmod1, 1, (const onr_tensor *[]){&xi, &yi}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(6), DV(0, 1, 5, 0, -1, 3), 0, "int fmod=1 (C %)");
    sh_free(&r);
    sh_exec(&r, "Mod", 13, fmod1, 1, (const onr_tensor *[]){&xf, &yf}, 2, 1, 0);
    ec_expect(&r.out[0], F, 1, D(6), DV(-0.10000038, 0.39999962, 5, 0.10000038, -0.39999962, 3), 1e-6,
              "float fmod doc");
    sh_free(&r);
    sh_exec(&r, "Mod", 13, NULL, 0, (const onr_tensor *[]){&xf, &yf}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "float Mod without fmod=1");
    sh_free(&r);
    onr_attr fmod2[] = {A_INT("fmod", 2)};
    sh_exec(&r, "Mod", 13, fmod2, 1, (const onr_tensor *[]){&xi, &yi}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "fmod=2");
    sh_free(&r);
    /* BitShift docs examples (uint8 and uint32), plus shifts past the width */
    onr_tensor x8 = ec_make(ONR_DTYPE_UINT8, 1, D(4), DV(16, 4, 1, 255)), s8 = ec_make(ONR_DTYPE_UINT8, 1, D(4), DV(1, 2, 3, 8));
    onr_attr right[] = {A_STR("direction", "RIGHT")}, left[] = {A_STR("direction", "LEFT")};
    sh_exec(&r, "BitShift", 11, right, 1, (const onr_tensor *[]){&x8, &s8}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_UINT8, 1, D(4), DV(8, 1, 0, 0), 0, "shift right");
    sh_free(&r);
    sh_exec(&r, "BitShift", 11, left, 1, (const onr_tensor *[]){&x8, &s8}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_UINT8, 1, D(4), DV(32, 16, 8, 0), 0, "shift left (uint8 wraps)");
    sh_free(&r);
    onr_tensor x32 = ec_make(ONR_DTYPE_UINT32, 1, D(2), DV(1, 3)), s32 = ec_make(ONR_DTYPE_UINT32, 1, D(2), DV(31, 40));
    sh_exec(&r, "BitShift", 11, left, 1, (const onr_tensor *[]){&x32, &s32}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_UINT32, 1, D(2), DV(2147483648.0, 0), 0, "shift u32");
    sh_free(&r);
    onr_attr bad[] = {A_STR("direction", "UP")};
    sh_exec(&r, "BitShift", 11, bad, 1, (const onr_tensor *[]){&x8, &s8}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "direction UP");
    sh_free(&r);
    sh_exec(&r, "BitShift", 11, NULL, 0, (const onr_tensor *[]){&x8, &s8}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "direction missing");
    sh_free(&r);
    sh_exec(&r, "BitShift", 11, right, 1, (const onr_tensor *[]){&xi, &yi}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "signed shift");
    sh_free(&r);
    onr_tensor *all[] = {&xi, &yi, &xf, &yf, &x8, &s8, &x32, &s32};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ec_free(all[i]);
}

Test(unary, predicates)
{
    onr_tensor x = ec_make(F, 1, D(4), DV(-INFINITY, INFINITY, NAN, 1));
    onr_tensor h = ec_make(ONR_DTYPE_FLOAT16, 1, D(4), DV(-INFINITY, INFINITY, NAN, 1));
    onr_tensor b = ec_make(B8, 1, D(2), DV(0, 1));
    sh_run r;
    sh_exec(&r, "IsNaN", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], B8, 1, D(4), DV(0, 0, 1, 0), 0, "isnan");
    sh_free(&r);
    sh_exec(&r, "IsInf", 10, NULL, 0, (const onr_tensor *[]){&h}, 1, 1, 0);
    ec_expect(&r.out[0], B8, 1, D(4), DV(1, 1, 0, 0), 0, "isinf float16");
    sh_free(&r);
    onr_attr pos_only[] = {A_INT("detect_negative", 0)};
    sh_exec(&r, "IsInf", 10, pos_only, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    ec_expect(&r.out[0], B8, 1, D(4), DV(0, 1, 0, 0), 0, "isinf positive only");
    sh_free(&r);
    sh_exec(&r, "Not", 1, NULL, 0, (const onr_tensor *[]){&b}, 1, 1, 0);
    ec_expect(&r.out[0], B8, 1, D(2), DV(1, 0), 0, "not");
    sh_free(&r);
    sh_exec(&r, "Not", 1, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "Not of float");
    sh_free(&r);
    ec_free(&x);
    ec_free(&h);
    ec_free(&b);
}
