/* test_shape_ops.c: Reshape, Flatten, Squeeze, Unsqueeze, Constant, ConstantOfShape, Shape, Size.
 * Cases are the ONNX operator docs examples (onnx/backend/test/case/node/<op>.py: the shapes of the
 * test_<op>_* node tests) plus hand-worked error cases, one table per op. */
#include <criterion/criterion.h>

#include "core/shape.h"
#include "shape_harness.h"

static float iota_f[256];

static void fill_iota(void)
{
    for (int i = 0; i < 256; i++)
        iota_f[i] = (float)i;
}

/* --- Reshape ------------------------------------------------------------------------------------ */

typedef struct reshape_case {
    const char *name;
    int64_t opset;
    int32_t in_rank;
    int64_t in_dims[4];
    size_t n_shape;
    int64_t shape[6];
    int64_t allowzero; /* -1: attribute absent */
    onr_status code;
    int32_t out_rank;
    int64_t out_dims[6];
} reshape_case;

static const reshape_case reshape_cases[] = {
    /* ONNX reshape.py: data (2, 3, 4) */
    {"reordered_all_dims", 13, 3, {2, 3, 4}, 3, {4, 2, 3}, -1, ONR_OK, 3, {4, 2, 3}},
    {"reordered_last_dims", 13, 3, {2, 3, 4}, 3, {2, 4, 3}, -1, ONR_OK, 3, {2, 4, 3}},
    {"reduced_dims", 13, 3, {2, 3, 4}, 2, {2, 12}, -1, ONR_OK, 2, {2, 12}},
    {"extended_dims", 13, 3, {2, 3, 4}, 4, {2, 3, 2, 2}, -1, ONR_OK, 4, {2, 3, 2, 2}},
    {"one_dim", 13, 3, {2, 3, 4}, 1, {24}, -1, ONR_OK, 1, {24}},
    {"negative_dim", 13, 3, {2, 3, 4}, 3, {2, -1, 2}, -1, ONR_OK, 3, {2, 6, 2}},
    {"negative_extended_dims", 13, 3, {2, 3, 4}, 4, {-1, 2, 3, 4}, -1, ONR_OK, 4, {1, 2, 3, 4}},
    {"zero_dim", 13, 3, {2, 3, 4}, 4, {2, 0, 4, 1}, -1, ONR_OK, 4, {2, 3, 4, 1}},
    {"zero_and_negative_dim", 13, 3, {2, 3, 4}, 4, {2, 0, 1, -1}, -1, ONR_OK, 4, {2, 3, 1, 4}},
    {"allowzero_reordered", 14, 3, {0, 3, 4}, 3, {3, 4, 0}, 1, ONR_OK, 3, {3, 4, 0}},
    {"to_scalar", 13, 3, {1, 1, 1}, 0, {0}, -1, ONR_OK, 0, {0}},
    /* 0 without allowzero copies the dim: [0,3,4] -> shape [3,4,0] means (3,4,0) only by accident */
    {"zero_copies_not_allowzero", 14, 3, {0, 3, 4}, 3, {0, 3, 4}, 0, ONR_OK, 3, {0, 3, 4}},
    /* errors, hand-worked */
    {"two_minus_one", 13, 3, {2, 3, 4}, 2, {-1, -1}, -1, ONR_E_INVALID_MODEL, 0, {0}},
    {"minus_two", 13, 3, {2, 3, 4}, 2, {-2, 12}, -1, ONR_E_INVALID_MODEL, 0, {0}},
    {"zero_past_rank", 13, 2, {6, 4}, 3, {6, 4, 0}, -1, ONR_E_INVALID_MODEL, 0, {0}},
    {"count_mismatch", 13, 3, {2, 3, 4}, 2, {5, 5}, -1, ONR_E_INVALID_MODEL, 0, {0}},
    {"minus_one_not_divisible", 13, 3, {2, 3, 4}, 2, {5, -1}, -1, ONR_E_INVALID_MODEL, 0, {0}},
    {"allowzero_zero_and_minus_one", 14, 3, {0, 3, 4}, 2, {0, -1}, 1, ONR_E_INVALID_MODEL, 0, {0}},
    {"allowzero_before_14", 13, 3, {2, 3, 4}, 1, {24}, 1, ONR_E_INVALID_MODEL, 0, {0}},
};

Test(reshape, table)
{
    fill_iota();
    for (size_t k = 0; k < sizeof reshape_cases / sizeof reshape_cases[0]; k++) {
        const reshape_case *c = &reshape_cases[k];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, c->in_rank, c->in_dims, iota_f);
        onr_tensor s = sh_t(ONR_DTYPE_INT64, 1, D((int64_t)c->n_shape), c->shape);
        onr_attr az = A_INT("allowzero", c->allowzero);
        sh_run r;
        sh_exec(&r, "Reshape", c->opset, &az, c->allowzero >= 0, (const onr_tensor *[]){&x, &s}, 2, 1, 0);
        sh_expect_fail(&r, c->code, c->code == ONR_OK ? "done" : NULL, c->name);
        if (c->code == ONR_OK && r.st == ONR_OK) {
            sh_expect_f32(&r.out[0], c->out_rank, c->out_dims, iota_f, 0, c->name);
        }
        sh_free(&r);
    }
}

Test(reshape, shape_attribute_before_opset_5)
{
    fill_iota();
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), iota_f);
    onr_attr at[] = {A_INTS("shape", 3, -1)};
    sh_run r;
    sh_exec(&r, "Reshape", 1, at, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, "Reshape-1");
    sh_expect_f32(&r.out[0], 2, D(3, 2), iota_f, 0, "Reshape-1");
    sh_free(&r);
}

Test(reshape, shape_known_only_at_run_is_unsupported)
{
    fill_iota();
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), iota_f);
    onr_tensor s = I64V(6);
    sh_run r;
    sh_exec(&r, "Reshape", 13, NULL, 0, (const onr_tensor *[]){&x, &s}, 2, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "hidden shape");
    cr_expect(strstr(r.err.message, "'shape'") != NULL, "message names the input: %s", r.err.message);
    sh_free(&r);
}

Test(reshape, any_dtype_is_copied_bytewise)
{
    /* int64 and uint8 data go through the same copy */
    const int64_t v64[] = {INT64_MIN, -1, 0, 1, 2, INT64_MAX};
    const uint8_t v8[] = {0, 1, 2, 3, 254, 255};
    onr_tensor a = sh_t(ONR_DTYPE_INT64, 2, D(2, 3), v64), b = sh_t(ONR_DTYPE_UINT8, 2, D(3, 2), v8);
    onr_tensor s = I64V(6);
    sh_run r;
    sh_exec(&r, "Reshape", 13, NULL, 0, (const onr_tensor *[]){&a, &s}, 2, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(6), v64, "int64");
    sh_free(&r);
    sh_exec(&r, "Reshape", 13, NULL, 0, (const onr_tensor *[]){&b, &s}, 2, 1, 0);
    onr_tensor want = sh_t(ONR_DTYPE_UINT8, 1, D(6), v8);
    sh_expect_same(&r.out[0], &want, "uint8");
    sh_free(&r);
}

/* --- Flatten ------------------------------------------------------------------------------------ */

typedef struct flatten_case {
    const char *name;
    int64_t opset, axis; /* axis INT64_MIN: attribute absent */
    int32_t rank;
    int64_t dims[4];
    onr_status code;
    int64_t out[2];
} flatten_case;

static const flatten_case flatten_cases[] = {
    /* ONNX flatten.py: (2, 3, 4, 5), axis 0..4 and -1..-4; default axis on (5, 4, 3, 2) */
    {"axis0", 13, 0, 4, {2, 3, 4, 5}, ONR_OK, {1, 120}},
    {"axis1", 13, 1, 4, {2, 3, 4, 5}, ONR_OK, {2, 60}},
    {"axis2", 13, 2, 4, {2, 3, 4, 5}, ONR_OK, {6, 20}},
    {"axis3", 13, 3, 4, {2, 3, 4, 5}, ONR_OK, {24, 5}},
    {"axis4", 13, 4, 4, {2, 3, 4, 5}, ONR_OK, {120, 1}},
    {"negative_axis1", 13, -1, 4, {2, 3, 4, 5}, ONR_OK, {24, 5}},
    {"negative_axis2", 13, -2, 4, {2, 3, 4, 5}, ONR_OK, {6, 20}},
    {"negative_axis3", 13, -3, 4, {2, 3, 4, 5}, ONR_OK, {2, 60}},
    {"negative_axis4", 13, -4, 4, {2, 3, 4, 5}, ONR_OK, {1, 120}},
    {"default_axis", 13, INT64_MIN, 4, {5, 4, 3, 2}, ONR_OK, {5, 24}},
    {"opset1", 1, 2, 3, {2, 3, 4}, ONR_OK, {6, 4}},
    {"axis_past_rank", 13, 5, 4, {2, 3, 4, 5}, ONR_E_INVALID_MODEL, {0}},
    {"axis_before_minus_rank", 13, -5, 4, {2, 3, 4, 5}, ONR_E_INVALID_MODEL, {0}},
};

Test(flatten, table)
{
    fill_iota();
    for (size_t k = 0; k < sizeof flatten_cases / sizeof flatten_cases[0]; k++) {
        const flatten_case *c = &flatten_cases[k];
        static float big[120];
        for (int i = 0; i < 120; i++)
            big[i] = (float)i;
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, c->rank, c->dims, big);
        onr_attr at = A_INT("axis", c->axis);
        sh_run r;
        sh_exec(&r, "Flatten", c->opset, &at, c->axis != INT64_MIN, (const onr_tensor *[]){&x}, 1, 1, 0);
        sh_expect_fail(&r, c->code, NULL, c->name);
        if (c->code == ONR_OK && r.st == ONR_OK)
            sh_expect_f32(&r.out[0], 2, c->out, big, 0, c->name);
        sh_free(&r);
    }
}

/* --- Squeeze / Unsqueeze ------------------------------------------------------------------------ */

typedef struct axes_case {
    const char *name;
    const char *op;
    int64_t opset;
    int32_t rank;
    int64_t dims[6];
    int n_axes; /* -1: no axes */
    int64_t axes[4];
    onr_status code;
    int32_t out_rank;
    int64_t out[8];
} axes_case;

static const axes_case axes_cases[] = {
    /* ONNX squeeze.py / unsqueeze.py */
    {"squeeze", "Squeeze", 13, 4, {1, 3, 4, 5}, 1, {0}, ONR_OK, 3, {3, 4, 5}},
    {"squeeze_negative_axes", "Squeeze", 13, 4, {1, 3, 1, 5}, 1, {-2}, ONR_OK, 3, {1, 3, 5}},
    {"squeeze_all_ones", "Squeeze", 13, 4, {1, 3, 1, 5}, -1, {0}, ONR_OK, 2, {3, 5}},
    {"squeeze_attr_opset11", "Squeeze", 11, 4, {1, 3, 1, 5}, 2, {0, -2}, ONR_OK, 2, {3, 5}},
    {"squeeze_attr_opset1_none", "Squeeze", 1, 3, {1, 1, 1}, -1, {0}, ONR_OK, 0, {0}},
    {"squeeze_not_one", "Squeeze", 13, 4, {1, 3, 1, 5}, 1, {1}, ONR_E_INVALID_MODEL, 0, {0}},
    {"squeeze_out_of_range", "Squeeze", 13, 2, {1, 3}, 1, {2}, ONR_E_INVALID_MODEL, 0, {0}},
    {"squeeze_repeated", "Squeeze", 13, 2, {1, 1}, 2, {0, -2}, ONR_E_INVALID_MODEL, 0, {0}},
    {"unsqueeze_axis_0", "Unsqueeze", 13, 3, {3, 4, 5}, 1, {0}, ONR_OK, 4, {1, 3, 4, 5}},
    {"unsqueeze_axis_1", "Unsqueeze", 13, 3, {3, 4, 5}, 1, {1}, ONR_OK, 4, {3, 1, 4, 5}},
    {"unsqueeze_axis_2", "Unsqueeze", 13, 3, {3, 4, 5}, 1, {2}, ONR_OK, 4, {3, 4, 1, 5}},
    {"unsqueeze_axis_3", "Unsqueeze", 13, 3, {3, 4, 5}, 1, {3}, ONR_OK, 4, {3, 4, 5, 1}},
    {"unsqueeze_two_axes", "Unsqueeze", 13, 3, {3, 4, 5}, 2, {1, 4}, ONR_OK, 5, {3, 1, 4, 5, 1}},
    {"unsqueeze_three_axes", "Unsqueeze", 13, 3, {3, 4, 5}, 3, {2, 4, 5}, ONR_OK, 6, {3, 4, 1, 5, 1, 1}},
    {"unsqueeze_unsorted_axes", "Unsqueeze", 13, 3, {3, 4, 5}, 3, {5, 4, 2}, ONR_OK, 6, {3, 4, 1, 5, 1, 1}},
    {"unsqueeze_negative_axes", "Unsqueeze", 13, 4, {1, 3, 1, 5}, 1, {-2}, ONR_OK, 5, {1, 3, 1, 1, 5}},
    {"unsqueeze_attr_opset11", "Unsqueeze", 11, 1, {3}, 2, {0, -1}, ONR_OK, 3, {1, 3, 1}},
    {"unsqueeze_scalar", "Unsqueeze", 13, 0, {0}, 1, {0}, ONR_OK, 1, {1}},
    {"unsqueeze_repeated", "Unsqueeze", 13, 2, {3, 4}, 2, {1, 1}, ONR_E_INVALID_MODEL, 0, {0}},
    {"unsqueeze_out_of_range", "Unsqueeze", 13, 2, {3, 4}, 1, {3}, ONR_E_INVALID_MODEL, 0, {0}},
    {"unsqueeze_missing_axes", "Unsqueeze", 13, 2, {3, 4}, -1, {0}, ONR_E_INVALID_MODEL, 0, {0}},
    {"unsqueeze_rank_limit", "Unsqueeze", 13, 6, {1, 1, 1, 1, 1, 1}, 3, {0, 1, 2}, ONR_E_UNSUPPORTED, 0, {0}},
};

Test(squeeze_unsqueeze, table)
{
    fill_iota();
    for (size_t k = 0; k < sizeof axes_cases / sizeof axes_cases[0]; k++) {
        const axes_case *c = &axes_cases[k];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, c->rank, c->dims, iota_f);
        onr_tensor a = sh_t(ONR_DTYPE_INT64, 1, D(c->n_axes < 0 ? 0 : c->n_axes), c->axes);
        onr_attr at = {.name = "axes", .type = ONR_ATTR_INTS, .ints = c->axes, .n = (size_t)c->n_axes};
        bool attr_form = c->opset < 13, has = c->n_axes >= 0;
        sh_run r;
        sh_exec(&r, c->op, c->opset, &at, attr_form && has, (const onr_tensor *[]){&x, &a},
                !attr_form && has ? 2 : 1, 1, 0);
        sh_expect_fail(&r, c->code, NULL, c->name);
        if (c->code == ONR_OK && r.st == ONR_OK)
            sh_expect_f32(&r.out[0], c->out_rank, c->out, iota_f, 0, c->name);
        sh_free(&r);
    }
}

Test(squeeze_unsqueeze, axes_input_only_at_run_is_unsupported)
{
    fill_iota();
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(1, 3), iota_f);
    onr_tensor a = I64V(0);
    sh_run r;
    sh_exec(&r, "Unsqueeze", 13, NULL, 0, (const onr_tensor *[]){&x, &a}, 2, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "Unsqueeze hidden axes");
    sh_free(&r);
    sh_exec(&r, "Squeeze", 13, NULL, 0, (const onr_tensor *[]){&x, &a}, 2, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "Squeeze hidden axes");
    sh_free(&r);
}

Test(squeeze_unsqueeze, axes_attribute_at_opset_13_is_invalid)
{
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(1, 3), iota_f);
    onr_attr at = A_INTS("axes", 0);
    sh_run r;
    sh_exec(&r, "Squeeze", 13, &at, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "Squeeze-13 with axes attribute");
    sh_free(&r);
}

/* --- Constant ----------------------------------------------------------------------------------- */

Test(constant, value_tensor_is_copied)
{
    /* ONNX constant.py: a (5, 5) float tensor as 'value' */
    fill_iota();
    onr_tensor v = sh_t(ONR_DTYPE_FLOAT, 2, D(5, 5), iota_f);
    onr_attr at = A_TENSOR("value", &v);
    sh_run r;
    sh_exec(&r, "Constant", 13, &at, 1, NULL, 0, 1, 0);
    sh_expect_ok(&r, "value");
    sh_expect_f32(&r.out[0], 2, D(5, 5), iota_f, 0, "value");
    sh_free(&r);
    /* int64 and empty tensors as well */
    const int64_t iv[] = {7, -8};
    onr_tensor t2 = sh_t(ONR_DTYPE_INT64, 1, D(2), iv), t0 = sh_t(ONR_DTYPE_INT64, 1, D(0), NULL);
    at = A_TENSOR("value", &t2);
    sh_exec(&r, "Constant", 1, &at, 1, NULL, 0, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(2), iv, "int64 value at opset 1");
    sh_free(&r);
    at = A_TENSOR("value", &t0);
    sh_exec(&r, "Constant", 13, &at, 1, NULL, 0, 1, 0);
    sh_expect_ok(&r, "empty");
    sh_expect_shape(&r.out[0], 1, D(0), "empty");
    sh_free(&r);
}

Test(constant, shorthand_attributes_from_opset_12)
{
    sh_run r;
    onr_attr at = A_FLOAT("value_float", 2.5f);
    sh_exec(&r, "Constant", 12, &at, 1, NULL, 0, 1, 0);
    sh_expect_f32(&r.out[0], 0, NULL, (const float[]){2.5f}, 0, "value_float");
    sh_free(&r);
    at = A_FLOATS("value_floats", 1.0f, -2.0f, 3.5f);
    sh_exec(&r, "Constant", 13, &at, 1, NULL, 0, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(3), (const float[]){1.0f, -2.0f, 3.5f}, 0, "value_floats");
    sh_free(&r);
    at = A_INT("value_int", -42);
    sh_exec(&r, "Constant", 13, &at, 1, NULL, 0, 1, 0);
    sh_expect_i64(&r.out[0], 0, NULL, (const int64_t[]){-42}, "value_int");
    sh_free(&r);
    at = A_INTS("value_ints", 4, 5);
    sh_exec(&r, "Constant", 21, &at, 1, NULL, 0, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(2), (const int64_t[]){4, 5}, "value_ints");
    sh_free(&r);
}

Test(constant, invalid_and_unsupported_forms)
{
    sh_run r;
    onr_attr f = A_FLOAT("value_float", 1), i = A_INT("value_int", 1);
    sh_exec(&r, "Constant", 11, &f, 1, NULL, 0, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "value_float before opset 12");
    sh_free(&r);
    sh_exec(&r, "Constant", 13, (const onr_attr[]){f, i}, 2, NULL, 0, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "two value attributes");
    sh_free(&r);
    sh_exec(&r, "Constant", 13, NULL, 0, NULL, 0, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "no value attribute");
    sh_free(&r);
    onr_attr s = A_STR("value_string", "hi");
    sh_exec(&r, "Constant", 13, &s, 1, NULL, 0, 1, 0);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "parse", "value_string");
    sh_free(&r);
}

/* --- ConstantOfShape ---------------------------------------------------------------------------- */

Test(constant_of_shape, docs_examples)
{
    sh_run r;
    /* float_ones: shape [4, 3, 2], value float 1 */
    const float one = 1;
    onr_tensor v1 = sh_t(ONR_DTYPE_FLOAT, 1, D(1), &one);
    onr_attr at = A_TENSOR("value", &v1);
    onr_tensor s = I64V(4, 3, 2);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&s}, 1, 1, 0);
    float ones[24];
    for (int i = 0; i < 24; i++)
        ones[i] = 1;
    sh_expect_f32(&r.out[0], 3, D(4, 3, 2), ones, 0, "float_ones");
    sh_free(&r);
    /* int32 zeros: shape [10, 6], value int32 0 */
    const int32_t zero = 0;
    onr_tensor v2 = sh_t(ONR_DTYPE_INT32, 1, D(1), &zero);
    at = A_TENSOR("value", &v2);
    onr_tensor s2 = I64V(10, 6);
    sh_exec(&r, "ConstantOfShape", 20, &at, 1, (const onr_tensor *[]){&s2}, 1, 1, 0);
    sh_expect_ok(&r, "int_zeros");
    sh_expect_shape(&r.out[0], 2, D(10, 6), "int_zeros");
    cr_expect_eq(r.out[0].dtype, ONR_DTYPE_INT32);
    for (int i = 0; i < 60; i++)
        cr_expect_eq(((int32_t *)r.out[0].data)[i], 0);
    sh_free(&r);
    /* int_shape_zero: shape [0] gives an empty tensor */
    onr_tensor s3 = I64V(0);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&s3}, 1, 1, 0);
    sh_expect_ok(&r, "int_shape_zero");
    sh_expect_shape(&r.out[0], 1, D(0), "int_shape_zero");
    sh_free(&r);
}

Test(constant_of_shape, default_value_scalar_and_errors)
{
    sh_run r;
    onr_tensor s = I64V(3);
    sh_exec(&r, "ConstantOfShape", 9, NULL, 0, (const onr_tensor *[]){&s}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(3), (const float[]){0, 0, 0}, 0, "default float 0");
    sh_free(&r);
    /* an empty shape gives a scalar */
    const int64_t seven = 7;
    onr_tensor v = sh_t(ONR_DTYPE_INT64, 1, D(1), &seven), e = sh_t(ONR_DTYPE_INT64, 1, D(0), NULL);
    onr_attr at = A_TENSOR("value", &v);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&e}, 1, 1, 0);
    sh_expect_i64(&r.out[0], 0, NULL, &seven, "scalar");
    sh_free(&r);
    onr_tensor neg = I64V(2, -1);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&neg}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "negative dim");
    sh_free(&r);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&s}, 1, 1, 1u);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "shape only at run");
    sh_free(&r);
    onr_tensor two = sh_t(ONR_DTYPE_INT64, 1, D(2), (const int64_t[]){1, 2});
    at = A_TENSOR("value", &two);
    sh_exec(&r, "ConstantOfShape", 9, &at, 1, (const onr_tensor *[]){&s}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "two-element value");
    sh_free(&r);
}

/* --- Shape / Size ------------------------------------------------------------------------------- */

typedef struct shape_case {
    const char *name;
    int has_start, has_end;
    int64_t start, end;
    int n;
    int64_t want[3];
} shape_case;

static const shape_case shape_cases[] = {
    /* ONNX shape.py, x of shape (3, 4, 5), Shape-15 */
    {"shape", 0, 0, 0, 0, 3, {3, 4, 5}},
    {"start_1", 1, 0, 1, 0, 2, {4, 5}},
    {"end_1", 0, 1, 0, 1, 1, {3}},
    {"end_negative_1", 0, 1, 0, -1, 2, {3, 4}},
    {"start_negative_1", 1, 0, -1, 0, 1, {5}},
    {"start_1_end_negative_1", 1, 1, 1, -1, 1, {4}},
    {"start_1_end_2", 1, 1, 1, 2, 1, {4}},
    {"clip_start", 1, 0, -10, 0, 3, {3, 4, 5}},
    {"clip_end", 0, 1, 0, 10, 3, {3, 4, 5}},
    {"empty_range", 1, 1, 2, 1, 0, {0}},
};

Test(shape, table)
{
    float x[60] = {0};
    onr_tensor t = sh_t(ONR_DTYPE_FLOAT, 3, D(3, 4, 5), x);
    for (size_t k = 0; k < sizeof shape_cases / sizeof shape_cases[0]; k++) {
        const shape_case *c = &shape_cases[k];
        onr_attr at[2];
        size_t n = 0;
        if (c->has_start)
            at[n++] = A_INT("start", c->start);
        if (c->has_end)
            at[n++] = A_INT("end", c->end);
        sh_run r;
        sh_exec(&r, "Shape", 15, at, n, (const onr_tensor *[]){&t}, 1, 1, 0);
        sh_expect_ok(&r, c->name);
        sh_expect_i64(&r.out[0], 1, D(c->n), c->want, c->name);
        sh_free(&r);
    }
}

Test(shape, start_before_opset_15_is_invalid_and_flags_fold)
{
    float x[1] = {0};
    onr_tensor t = sh_t(ONR_DTYPE_FLOAT, 1, D(1), x);
    onr_attr at = A_INT("start", 1);
    sh_run r;
    sh_exec(&r, "Shape", 13, &at, 1, (const onr_tensor *[]){&t}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "Shape-13 start");
    sh_free(&r);
    onr_error err;
    cr_expect(onr_op_find("", "Shape", 13, &err)->flags & ONR_OP_SHAPE_ONLY);
    cr_expect(onr_op_find("", "Size", 13, &err)->flags & ONR_OP_SHAPE_ONLY);
}

Test(size, examples)
{
    /* ONNX size.py: (2, 3) -> 6, (3, 4, 5) -> 60; a scalar has 1 element, an empty tensor 0 */
    float x[60] = {0};
    struct { int32_t rank; int64_t dims[3]; int64_t want; } cases[] = {
        {2, {2, 3}, 6}, {3, {3, 4, 5}, 60}, {0, {0}, 1}, {2, {4, 0}, 0}};
    for (size_t k = 0; k < 4; k++) {
        onr_tensor t = sh_t(ONR_DTYPE_FLOAT, cases[k].rank, cases[k].dims, x);
        sh_run r;
        sh_exec(&r, "Size", 13, NULL, 0, (const onr_tensor *[]){&t}, 1, 1, 0);
        sh_expect_i64(&r.out[0], 0, NULL, &cases[k].want, "size");
        sh_free(&r);
    }
}
