/* test_data_movement.c: Gather, Concat, Split, Slice, Transpose, Expand, Tile, Range.
 * Fixed cases are the ONNX operator docs examples (onnx/backend/test/case/node/<op>.py) or hand-worked;
 * random sweeps check Transpose, Slice, Tile and Expand over ranks, shapes and element sizes against the
 * naive index-by-index references at the bottom of this file. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/shape.h"
#include "shape_harness.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static float iota_f[1200];

static void fill_iota(void)
{
    for (int i = 0; i < 1200; i++)
        iota_f[i] = (float)i;
}

/* --- Gather ------------------------------------------------------------------------------------- */

Test(gather, docs_examples)
{
    sh_run r;
    /* Gather docs example 1: axis 0, indices (2, 2) */
    const float d1[] = {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f};
    onr_tensor x1 = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 2), d1);
    onr_tensor i1 = sh_t(ONR_DTYPE_INT64, 2, D(2, 2), (const int64_t[]){0, 1, 1, 2});
    sh_exec(&r, "Gather", 13, NULL, 0, (const onr_tensor *[]){&x1, &i1}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 3, D(2, 2, 2), (const float[]){1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f}, 0,
                  "example 1");
    sh_free(&r);
    /* Gather docs example 2: axis 1, indices (1, 2) int32 */
    const float d2[] = {1.0f, 1.2f, 1.9f, 2.3f, 3.4f, 3.9f, 4.5f, 5.7f, 5.9f};
    onr_tensor x2 = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 3), d2);
    onr_tensor i2 = sh_t(ONR_DTYPE_INT32, 2, D(1, 2), (const int32_t[]){0, 2});
    onr_attr ax = A_INT("axis", 1);
    sh_exec(&r, "Gather", 1, &ax, 1, (const onr_tensor *[]){&x2, &i2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 3, D(3, 1, 2), (const float[]){1.0f, 1.9f, 2.3f, 3.9f, 4.5f, 5.9f}, 0, "example 2");
    sh_free(&r);
    /* test_gather_negative_indices: arange(10), indices [0, -9, -10] */
    fill_iota();
    onr_tensor x3 = sh_t(ONR_DTYPE_FLOAT, 1, D(10), iota_f);
    onr_tensor i3 = I64V(0, -9, -10);
    sh_exec(&r, "Gather", 13, NULL, 0, (const onr_tensor *[]){&x3, &i3}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(3), (const float[]){0, 1, 0}, 0, "negative indices");
    sh_free(&r);
}

Test(gather, scalar_index_negative_axis_and_bounds)
{
    sh_run r;
    fill_iota();
    /* (2, 3, 4) gathered at index 2 along axis -1: x[:, :, 2] = 4k + 2 */
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 3, D(2, 3, 4), iota_f);
    onr_tensor s = sh_t(ONR_DTYPE_INT64, 0, NULL, (const int64_t[]){2});
    onr_attr ax = A_INT("axis", -1);
    sh_exec(&r, "Gather", 13, &ax, 1, (const onr_tensor *[]){&x, &s}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(2, 3), (const float[]){2, 6, 10, 14, 18, 22}, 0, "scalar index");
    sh_free(&r);
    onr_tensor bad = I64V(0, 4);
    sh_exec(&r, "Gather", 13, &ax, 1, (const onr_tensor *[]){&x, &bad}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "constant index 4 of 4");
    cr_expect(strstr(r.err.message, "indices[1]") != NULL, "%s", r.err.message);
    sh_free(&r);
    onr_tensor bad2 = I64V(-5);
    sh_exec(&r, "Gather", 13, &ax, 1, (const onr_tensor *[]){&x, &bad2}, 2, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_INVALID_ARG, "run", "run-time index -5 of 4");
    sh_free(&r);
    onr_attr ax3 = A_INT("axis", 3);
    sh_exec(&r, "Gather", 13, &ax3, 1, (const onr_tensor *[]){&x, &s}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "axis 3 of rank 3");
    sh_free(&r);
    onr_tensor fidx = F32V(0);
    sh_exec(&r, "Gather", 13, NULL, 0, (const onr_tensor *[]){&x, &fidx}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "float indices");
    sh_free(&r);
}

/* --- Concat ------------------------------------------------------------------------------------- */

Test(concat, docs_examples)
{
    sh_run r;
    onr_tensor a1 = F32V(1, 2), b1 = F32V(3, 4);
    onr_attr ax0 = A_INT("axis", 0), ax1 = A_INT("axis", 1), axm1 = A_INT("axis", -1);
    sh_exec(&r, "Concat", 13, &ax0, 1, (const onr_tensor *[]){&a1, &b1}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(4), (const float[]){1, 2, 3, 4}, 0, "1d_axis_0");
    sh_free(&r);
    onr_tensor a2 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), (const float[]){1, 2, 3, 4});
    onr_tensor b2 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), (const float[]){5, 6, 7, 8});
    sh_exec(&r, "Concat", 13, &ax0, 1, (const onr_tensor *[]){&a2, &b2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(4, 2), (const float[]){1, 2, 3, 4, 5, 6, 7, 8}, 0, "2d_axis_0");
    sh_free(&r);
    sh_exec(&r, "Concat", 13, &ax1, 1, (const onr_tensor *[]){&a2, &b2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(2, 4), (const float[]){1, 2, 5, 6, 3, 4, 7, 8}, 0, "2d_axis_1");
    sh_free(&r);
    sh_exec(&r, "Concat", 13, &axm1, 1, (const onr_tensor *[]){&a2, &b2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(2, 4), (const float[]){1, 2, 5, 6, 3, 4, 7, 8}, 0, "2d_axis_negative_1");
    sh_free(&r);
    /* three inputs of different lengths along axis 1, one of them empty */
    onr_tensor c3 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 1), (const float[]){9, 10});
    onr_tensor e3 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 0), NULL);
    sh_exec(&r, "Concat", 13, &ax1, 1, (const onr_tensor *[]){&a2, &e3, &c3}, 3, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(2, 3), (const float[]){1, 2, 9, 3, 4, 10}, 0, "with empty input");
    sh_free(&r);
    /* opset 1: axis defaults to 1 */
    sh_exec(&r, "Concat", 1, NULL, 0, (const onr_tensor *[]){&a2, &b2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(2, 4), (const float[]){1, 2, 5, 6, 3, 4, 7, 8}, 0, "opset 1 default axis");
    sh_free(&r);
}

Test(concat, errors)
{
    sh_run r;
    onr_attr ax0 = A_INT("axis", 0), ax2 = A_INT("axis", 2);
    onr_tensor a = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), iota_f), b = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), iota_f);
    onr_tensor i = sh_t(ONR_DTYPE_INT64, 2, D(2, 2), (const int64_t[]){1, 2, 3, 4});
    sh_exec(&r, "Concat", 13, &ax0, 1, (const onr_tensor *[]){&a, &b}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "other dims differ");
    sh_free(&r);
    sh_exec(&r, "Concat", 13, &ax0, 1, (const onr_tensor *[]){&a, &i}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "dtypes differ");
    sh_free(&r);
    sh_exec(&r, "Concat", 13, &ax2, 1, (const onr_tensor *[]){&a, &a}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "axis out of range");
    sh_free(&r);
    sh_exec(&r, "Concat", 4, NULL, 0, (const onr_tensor *[]){&a, &a}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "axis required from opset 4");
    sh_free(&r);
}

/* --- Split -------------------------------------------------------------------------------------- */

typedef struct split_case {
    const char *name;
    int64_t opset;
    int32_t rank;
    int64_t dims[2];
    int64_t axis;
    int split_form; /* 0 none, 1 attribute, 2 input, 3 num_outputs */
    int n_split;
    int64_t split[4];
    int n_out;
    onr_status code;
    float want[4][8];
    int64_t want_len[4]; /* length along the axis of each output */
} split_case;

static const split_case split_cases[] = {
    /* ONNX split.py; input 1..6 (1-D) or [[1..6], [7..12]] (2-D, split on axis 1) */
    {"equal_parts_1d", 13, 1, {6}, 0, 0, 0, {0}, 3, ONR_OK, {{1, 2}, {3, 4}, {5, 6}}, {2, 2, 2}},
    {"variable_parts_1d", 13, 1, {6}, 0, 2, 2, {2, 4}, 2, ONR_OK, {{1, 2}, {3, 4, 5, 6}}, {2, 4}},
    {"equal_parts_2d", 13, 2, {2, 6}, 1, 0, 0, {0}, 2, ONR_OK, {{1, 2, 3, 7, 8, 9}, {4, 5, 6, 10, 11, 12}},
     {3, 3}},
    {"variable_parts_2d", 13, 2, {2, 6}, 1, 2, 2, {2, 4}, 2, ONR_OK, {{1, 2, 7, 8}, {3, 4, 5, 6, 9, 10, 11, 12}},
     {2, 4}},
    {"variable_parts_attr_opset11", 11, 1, {6}, -1, 1, 2, {2, 4}, 2, ONR_OK, {{1, 2}, {3, 4, 5, 6}}, {2, 4}},
    {"opset1_split_input", 1, 1, {6}, 0, 2, 3, {1, 0, 5}, 3, ONR_OK, {{1}, {0}, {2, 3, 4, 5, 6}}, {1, 0, 5}},
    {"1d_uneven_num_outputs_18", 18, 1, {6}, 0, 3, 1, {4}, 4, ONR_OK, {{1, 2}, {3, 4}, {5, 6}, {0}},
     {2, 2, 2, 0}},
    {"1d_uneven_num_outputs_18_b", 18, 1, {5}, 0, 3, 1, {3}, 3, ONR_OK, {{1, 2}, {3, 4}, {5}}, {2, 2, 1}},
    {"2d_uneven_num_outputs_18", 18, 2, {2, 5}, 1, 3, 1, {2}, 2, ONR_OK, {{1, 2, 3, 6, 7, 8}, {4, 5, 9, 10}},
     {3, 2}},
    {"sum_mismatch", 13, 1, {6}, 0, 2, 2, {2, 3}, 2, ONR_E_INVALID_MODEL, {{0}}, {0}},
    {"negative_part", 13, 1, {6}, 0, 2, 2, {-1, 7}, 2, ONR_E_INVALID_MODEL, {{0}}, {0}},
    {"not_divisible", 13, 1, {5}, 0, 0, 0, {0}, 2, ONR_E_INVALID_MODEL, {{0}}, {0}},
    {"count_mismatch", 13, 1, {6}, 0, 2, 3, {2, 2, 2}, 2, ONR_E_INVALID_MODEL, {{0}}, {0}},
    {"split_attr_at_13", 13, 1, {6}, 0, 1, 2, {2, 4}, 2, ONR_E_INVALID_MODEL, {{0}}, {0}},
};

Test(split, table)
{
    const float in[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const float in5[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    for (size_t k = 0; k < N_OF(split_cases); k++) {
        const split_case *c = &split_cases[k];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, c->rank, c->dims, c->dims[c->rank - 1] == 5 ? in5 : in);
        onr_tensor s = sh_t(ONR_DTYPE_INT64, 1, D(c->n_split), c->split);
        onr_attr at[2];
        size_t n = 0;
        at[n++] = A_INT("axis", c->axis);
        if (c->split_form == 1)
            at[n++] = (onr_attr){.name = "split", .type = ONR_ATTR_INTS, .ints = c->split, .n = (size_t)c->n_split};
        if (c->split_form == 3)
            at[n++] = A_INT("num_outputs", c->split[0]);
        sh_run r;
        sh_exec(&r, "Split", c->opset, at, n, (const onr_tensor *[]){&x, &s}, c->split_form == 2 ? 2 : 1,
                (size_t)c->n_out, 0);
        sh_expect_fail(&r, c->code, NULL, c->name);
        if (c->code == ONR_OK && r.st == ONR_OK)
            for (int j = 0; j < c->n_out; j++) {
                int64_t dims[2] = {c->dims[0], c->dims[1]};
                dims[c->axis < 0 ? c->axis + c->rank : c->axis] = c->want_len[j];
                sh_expect_f32(&r.out[j], c->rank, dims, c->want[j], 0, c->name);
            }
        sh_free(&r);
    }
}

Test(split, zero_size_splits_and_skipped_output)
{
    /* test_split_zero_size_splits: an empty input split [0, 0, 0] */
    sh_run r;
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 1, D(0), NULL), s = I64V(0, 0, 0);
    sh_exec(&r, "Split", 13, NULL, 0, (const onr_tensor *[]){&x, &s}, 2, 3, 0);
    sh_expect_ok(&r, "zero_size_splits");
    for (int j = 0; j < 3; j++)
        sh_expect_shape(&r.out[j], 1, D(0), "zero_size_splits");
    sh_free(&r);
    /* an output nobody reads is skipped, the others still land at the right offsets */
    onr_tensor y = F32V(1, 2, 3, 4, 5, 6);
    sh_exec_ex(&r, "Split", 13, NULL, 0, (const onr_tensor *[]){&y}, 1, 3, 0, 1u << 1);
    sh_expect_f32(&r.out[0], 1, D(2), (const float[]){1, 2}, 0, "first");
    sh_expect_f32(&r.out[2], 1, D(2), (const float[]){5, 6}, 0, "third");
    sh_free(&r);
}

/* --- Slice -------------------------------------------------------------------------------------- */

/* x of shape (20, 10, 5) holding x[i, j, k] = 50 i + 5 j + k (test_slice_* data shape). The expected
 * index lists per axis were worked out by hand from numpy slicing (x[a:b:c]). */
typedef struct slice_case {
    const char *name;
    int n;                 /* values in starts/ends */
    int64_t starts[3], ends[3], axes[3], steps[3];
    int has_axes, has_steps;
    int len[3];
    int64_t idx[3][20];    /* kept indices per axis */
} slice_case;

#define ALL20 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
#define ALL10 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
#define ALL5 {0, 1, 2, 3, 4}

static const slice_case slice_cases[] = {
    /* x[0:3, 0:10] */
    {"slice", 2, {0, 0}, {3, 10}, {0, 1}, {1, 1}, 1, 1, {3, 10, 5}, {{0, 1, 2}, ALL10, ALL5}},
    /* x[:, 0:-1] */
    {"slice_neg", 1, {0}, {-1}, {1}, {1}, 1, 1, {20, 9, 5}, {ALL20, {0, 1, 2, 3, 4, 5, 6, 7, 8}, ALL5}},
    /* x[:, 1000:1000] */
    {"slice_start_out_of_bounds", 1, {1000}, {1000}, {1}, {1}, 1, 1, {20, 0, 5}, {ALL20, {0}, ALL5}},
    /* x[:, 1:1000] */
    {"slice_end_out_of_bounds", 1, {1}, {1000}, {1}, {1}, 1, 1, {20, 9, 5},
     {ALL20, {1, 2, 3, 4, 5, 6, 7, 8, 9}, ALL5}},
    /* x[:, :, 3:4], axes and steps defaulted */
    {"slice_default_axes", 3, {0, 0, 3}, {20, 10, 4}, {0}, {0}, 0, 0, {20, 10, 1}, {ALL20, ALL10, {3}}},
    {"slice_default_steps", 3, {0, 0, 3}, {20, 10, 4}, {0, 1, 2}, {0}, 1, 0, {20, 10, 1}, {ALL20, ALL10, {3}}},
    {"slice_negative_axes", 3, {0, 0, 3}, {20, 10, 4}, {0, -2, -1}, {0}, 1, 0, {20, 10, 1}, {ALL20, ALL10, {3}}},
    /* x[20:0:-1, 10:0:-3, 4:1:-2] */
    {"slice_neg_steps", 3, {20, 10, 4}, {0, 0, 1}, {0, 1, 2}, {-1, -3, -2}, 1, 1, {19, 3, 2},
     {{19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, {9, 6, 3}, {4, 2}}},
    /* x[::-1] with INT64 extremes, and x[:, 1::INT64_MAX] */
    {"reverse_int64_extremes", 1, {-1}, {INT64_MIN}, {0}, {-1}, 1, 1, {20, 10, 5},
     {{19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, ALL10, ALL5}},
    {"huge_step", 1, {1}, {INT64_MAX}, {1}, {INT64_MAX}, 1, 1, {20, 1, 5}, {ALL20, {1}, ALL5}},
    /* x[:, :, -100:-2:2] */
    {"negative_start_clamped", 1, {-100}, {-2}, {2}, {2}, 1, 1, {20, 10, 2}, {ALL20, ALL10, {0, 2}}},
};

Test(slice, table)
{
    fill_iota();
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 3, D(20, 10, 5), iota_f);
    for (size_t k = 0; k < N_OF(slice_cases); k++) {
        const slice_case *c = &slice_cases[k];
        onr_tensor st = sh_t(ONR_DTYPE_INT64, 1, D(c->n), c->starts), en = sh_t(ONR_DTYPE_INT64, 1, D(c->n), c->ends);
        onr_tensor ax = sh_t(ONR_DTYPE_INT64, 1, D(c->n), c->axes), sp = sh_t(ONR_DTYPE_INT64, 1, D(c->n), c->steps);
        const onr_tensor *in[5] = {&x, &st, &en, c->has_axes ? &ax : NULL, c->has_steps ? &sp : NULL};
        sh_run r;
        sh_exec(&r, "Slice", 13, NULL, 0, in, c->has_steps ? 5 : c->has_axes ? 4 : 3, 1, 0);
        sh_expect_ok(&r, c->name);
        static float want[1000];
        size_t n = 0;
        for (int i = 0; i < c->len[0]; i++)
            for (int j = 0; j < c->len[1]; j++)
                for (int l = 0; l < c->len[2]; l++)
                    want[n++] = (float)(50 * c->idx[0][i] + 5 * c->idx[1][j] + c->idx[2][l]);
        if (r.st == ONR_OK)
            sh_expect_f32(&r.out[0], 3, D(c->len[0], c->len[1], c->len[2]), want, 0, c->name);
        sh_free(&r);
    }
}

Test(slice, attributes_before_opset_10_int32_inputs_and_errors)
{
    fill_iota();
    sh_run r;
    /* Slice-1 docs: data [[1,2,3,4],[5,6,7,8]], axes [0,1], starts [1,0], ends [2,3] -> [[5,6,7]] */
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 4), (const float[]){1, 2, 3, 4, 5, 6, 7, 8});
    onr_attr at[] = {A_INTS("axes", 0, 1), A_INTS("starts", 1, 0), A_INTS("ends", 2, 3)};
    sh_exec(&r, "Slice", 1, at, 3, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(1, 3), (const float[]){5, 6, 7}, 0, "Slice-1 example 1");
    sh_free(&r);
    /* Slice-10 docs example 2 with int32 inputs: starts [0,1], ends [-1,1000] -> [[2,3,4]] */
    onr_tensor s32 = sh_t(ONR_DTYPE_INT32, 1, D(2), (const int32_t[]){0, 1});
    onr_tensor e32 = sh_t(ONR_DTYPE_INT32, 1, D(2), (const int32_t[]){-1, 1000});
    sh_exec(&r, "Slice", 10, NULL, 0, (const onr_tensor *[]){&x, &s32, &e32}, 3, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(1, 3), (const float[]){2, 3, 4}, 0, "Slice-10 int32");
    sh_free(&r);
    onr_tensor s0 = I64V(0), e0 = I64V(2), a0 = I64V(0), z = I64V(0), rep = I64V(0, 0), s2 = I64V(0, 0),
               e2 = I64V(1, 1);
    sh_exec(&r, "Slice", 13, NULL, 0, (const onr_tensor *[]){&x, &s0, &e0, &a0, &z}, 5, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "step 0");
    sh_free(&r);
    sh_exec(&r, "Slice", 13, NULL, 0, (const onr_tensor *[]){&x, &s2, &e2, &rep}, 4, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "repeated axis");
    sh_free(&r);
    sh_exec(&r, "Slice", 13, NULL, 0, (const onr_tensor *[]){&x, &s0, &e2}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "starts/ends lengths differ");
    sh_free(&r);
    sh_exec(&r, "Slice", 13, NULL, 0, (const onr_tensor *[]){&x, &s0, &e0}, 3, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "starts known only at run");
    cr_expect(strstr(r.err.message, "'starts'") != NULL, "%s", r.err.message);
    sh_free(&r);
}

/* --- Transpose ---------------------------------------------------------------------------------- */

Test(transpose, docs_default_and_errors)
{
    fill_iota();
    sh_run r;
    /* default perm reverses: (2, 3) -> (3, 2) */
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), iota_f);
    sh_exec(&r, "Transpose", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(3, 2), (const float[]){0, 3, 1, 4, 2, 5}, 0, "default");
    sh_free(&r);
    onr_attr bad1 = A_INTS("perm", 0, 0), bad2 = A_INTS("perm", 0), bad3 = A_INTS("perm", 0, 2);
    const onr_attr *bads[] = {&bad1, &bad2, &bad3};
    for (int k = 0; k < 3; k++) {
        sh_exec(&r, "Transpose", 13, bads[k], 1, (const onr_tensor *[]){&x}, 1, 1, 0);
        sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "bad perm");
        sh_free(&r);
    }
}

/* --- Expand / Tile ------------------------------------------------------------------------------ */

Test(expand, docs_examples_and_errors)
{
    sh_run r;
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 1), (const float[]){1, 2, 3});
    /* test_expand_dim_changed: (3, 1) to [2, 1, 6] -> (2, 3, 6) */
    onr_tensor s1 = I64V(2, 1, 6);
    sh_exec(&r, "Expand", 13, NULL, 0, (const onr_tensor *[]){&x, &s1}, 2, 1, 0);
    float want[36];
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 6; j++)
                want[b * 18 + i * 6 + j] = (float)(i + 1);
    sh_expect_f32(&r.out[0], 3, D(2, 3, 6), want, 0, "dim_changed");
    sh_free(&r);
    /* test_expand_dim_unchanged: (3, 1) to [3, 4] */
    onr_tensor s2 = I64V(3, 4);
    sh_exec(&r, "Expand", 8, NULL, 0, (const onr_tensor *[]){&x, &s2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(3, 4), (const float[]){1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, 0, "dim_unchanged");
    sh_free(&r);
    /* a shape smaller than the input keeps the input's dims (bidirectional) */
    onr_tensor s3 = I64V(1);
    sh_exec(&r, "Expand", 13, NULL, 0, (const onr_tensor *[]){&x, &s3}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(3, 1), (const float[]){1, 2, 3}, 0, "smaller shape");
    sh_free(&r);
    onr_tensor s4 = I64V(2, 2);
    sh_exec(&r, "Expand", 13, NULL, 0, (const onr_tensor *[]){&x, &s4}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "3 vs 2");
    sh_free(&r);
    sh_exec(&r, "Expand", 13, NULL, 0, (const onr_tensor *[]){&x, &s2}, 2, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "shape only at run");
    sh_free(&r);
}

Test(tile, docs_examples_and_errors)
{
    sh_run r;
    /* test_tile_precomputed: [[0, 1], [2, 3]] repeats [2, 2] */
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), (const float[]){0, 1, 2, 3});
    onr_tensor rep = I64V(2, 2);
    sh_exec(&r, "Tile", 13, NULL, 0, (const onr_tensor *[]){&x, &rep}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(4, 4), (const float[]){0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3}, 0,
                  "precomputed");
    sh_free(&r);
    onr_tensor rep0 = I64V(0, 3);
    sh_exec(&r, "Tile", 6, NULL, 0, (const onr_tensor *[]){&x, &rep0}, 2, 1, 0);
    sh_expect_ok(&r, "zero repeat");
    sh_expect_shape(&r.out[0], 2, D(0, 6), "zero repeat");
    sh_free(&r);
    onr_tensor neg = I64V(1, -1), short_ = I64V(2);
    sh_exec(&r, "Tile", 13, NULL, 0, (const onr_tensor *[]){&x, &neg}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "negative repeat");
    sh_free(&r);
    sh_exec(&r, "Tile", 13, NULL, 0, (const onr_tensor *[]){&x, &short_}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "repeats length != rank");
    sh_free(&r);
}

/* --- Range -------------------------------------------------------------------------------------- */

Test(range, docs_examples_and_edges)
{
    sh_run r;
    /* test_range_float_type_positive_delta: (1, 5, 2) -> [1, 3] */
    onr_tensor a = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){1}),
               b = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){5}),
               c = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){2});
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&a, &b, &c}, 3, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(2), (const float[]){1, 3}, 0, "float positive delta");
    sh_free(&r);
    /* test_range_int32_type_negative_delta: (10, 6, -3) -> [10, 7] */
    onr_tensor i0 = sh_t(ONR_DTYPE_INT32, 0, NULL, (const int32_t[]){10}),
               i1 = sh_t(ONR_DTYPE_INT32, 0, NULL, (const int32_t[]){6}),
               i2 = sh_t(ONR_DTYPE_INT32, 0, NULL, (const int32_t[]){-3});
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&i0, &i1, &i2}, 3, 1, 0);
    sh_expect_ok(&r, "int32 negative delta");
    sh_expect_shape(&r.out[0], 1, D(2), "int32 negative delta");
    if (r.st == ONR_OK) {
        cr_expect_eq(((int32_t *)r.out[0].data)[0], 10);
        cr_expect_eq(((int32_t *)r.out[0].data)[1], 7);
    }
    sh_free(&r);
    /* ceil((1 - 0) / 0.3) = 4 elements; an empty range; int64 extremes without overflow */
    onr_tensor z = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){0}),
               one = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){1}),
               d3 = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){0.3f});
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&z, &one, &d3}, 3, 1, 0);
    sh_expect_f32(&r.out[0], 1, D(4), (const float[]){0, 0.3f, 0.6f, 0.9f}, 1e-6f, "fractional delta");
    sh_free(&r);
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&one, &z, &d3}, 3, 1, 0);
    sh_expect_ok(&r, "empty");
    sh_expect_shape(&r.out[0], 1, D(0), "empty");
    sh_free(&r);
    onr_tensor l0 = sh_t(ONR_DTYPE_INT64, 0, NULL, (const int64_t[]){INT64_MIN + 1}),
               l1 = sh_t(ONR_DTYPE_INT64, 0, NULL, (const int64_t[]){INT64_MAX}),
               l2 = sh_t(ONR_DTYPE_INT64, 0, NULL, (const int64_t[]){INT64_MAX});
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&l0, &l1, &l2}, 3, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(2), (const int64_t[]){INT64_MIN + 1, 0}, "int64 extremes");
    sh_free(&r);
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&a, &b, &z}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "delta 0");
    sh_free(&r);
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&a, &b, &c}, 3, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "limit only at run");
    sh_free(&r);
    sh_exec(&r, "Range", 11, NULL, 0, (const onr_tensor *[]){&a, &i1, &c}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "mixed types");
    sh_free(&r);
}

/* --- random sweeps against naive references ----------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static const onr_dtype sweep_types[] = {ONR_DTYPE_UINT8, ONR_DTYPE_FLOAT16, ONR_DTYPE_FLOAT, ONR_DTYPE_INT64};

/* Row-major flat index of multi-index idx in dims. */
static size_t flat(int32_t rank, const int64_t *dims, const int64_t *idx)
{
    size_t f = 0;
    for (int32_t a = 0; a < rank; a++)
        f = f * (size_t)dims[a] + (size_t)idx[a];
    return f;
}

/* Steps idx through dims in row-major order; false after the last. */
static bool next_index(int32_t rank, const int64_t *dims, int64_t *idx)
{
    for (int32_t a = rank - 1; a >= 0; a--) {
        if (++idx[a] < dims[a])
            return true;
        idx[a] = 0;
    }
    return false;
}

static void random_tensor(onr_tensor *t, onr_dtype dt, int32_t rank, const int64_t *dims)
{
    *t = sh_t(dt, rank, dims, NULL);
    size_t bytes = onr_tensor_bytes(t);
    unsigned char *p = malloc(bytes ? bytes : 1);
    for (size_t i = 0; i < bytes; i++)
        p[i] = (unsigned char)rnd(256);
    t->data = p;
}

Test(sweep, transpose_against_reference)
{
    for (int iter = 0; iter < 300; iter++) {
        int32_t rank = 1 + (int32_t)rnd(5);
        int64_t dims[8], perm[8], out_dims[8], idx[8] = {0};
        for (int32_t a = 0; a < rank; a++) {
            dims[a] = 1 + rnd(4);
            perm[a] = a;
        }
        for (int32_t a = rank - 1; a > 0; a--) { /* Fisher-Yates */
            int32_t b = (int32_t)rnd((uint32_t)a + 1);
            int64_t t = perm[a];
            perm[a] = perm[b];
            perm[b] = t;
        }
        onr_dtype dt = sweep_types[rnd(4)];
        onr_tensor x;
        random_tensor(&x, dt, rank, dims);
        onr_attr at = {.name = "perm", .type = ONR_ATTR_INTS, .ints = perm, .n = (size_t)rank};
        sh_run r;
        sh_exec(&r, "Transpose", 13, &at, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
        sh_expect_ok(&r, "transpose sweep");
        for (int32_t a = 0; a < rank; a++)
            out_dims[a] = dims[perm[a]];
        size_t es = onr_dtype_size(dt);
        bool same = r.st == ONR_OK;
        do {
            int64_t src[8];
            for (int32_t a = 0; a < rank; a++)
                src[perm[a]] = idx[a]; /* out[i] = in[j] with j[perm[a]] = i[a] */
            same = same && memcmp((char *)r.out[0].data + flat(rank, out_dims, idx) * es,
                                  (char *)x.data + flat(rank, dims, src) * es, es) == 0;
        } while (same && next_index(rank, out_dims, idx));
        cr_expect(same, "transpose sweep %d (rank %d, dtype %d) differs from the reference", iter, (int)rank, (int)dt);
        sh_free(&r);
        free(x.data);
    }
}

/* Numpy slicing, element by element: the indices a[start:end:step] visits on an axis of size d. */
static int64_t slice_ref(int64_t d, int64_t start, int64_t end, int64_t step, int64_t *out)
{
    int64_t n = 0;
    if (start < 0)
        start += d;
    if (end < 0)
        end += d;
    if (step > 0) {
        if (start < 0)
            start = 0;
        if (end > d)
            end = d;
        for (int64_t v = start; v < end; v += step)
            out[n++] = v;
    } else {
        if (start > d - 1)
            start = d - 1;
        if (end < -1)
            end = -1;
        for (int64_t v = start; v > end; v += step)
            out[n++] = v;
    }
    return n;
}

Test(sweep, slice_against_reference)
{
    for (int iter = 0; iter < 400; iter++) {
        int32_t rank = 1 + (int32_t)rnd(4);
        int64_t dims[8], starts[8], ends[8], axes[8], steps[8], lists[8][16], len[8], idx[8] = {0};
        for (int32_t a = 0; a < rank; a++)
            dims[a] = rnd(6); /* 0 included */
        for (int32_t a = 0; a < rank; a++) {
            starts[a] = (int64_t)rnd(17) - 8;
            ends[a] = (int64_t)rnd(17) - 8;
            steps[a] = rnd(2) ? 1 + rnd(3) : -1 - (int64_t)rnd(3);
            axes[a] = rnd(2) ? a : a - rank; /* negative axes too */
        }
        onr_dtype dt = sweep_types[rnd(4)];
        onr_tensor x, ts = sh_t(ONR_DTYPE_INT64, 1, D(rank), starts), te = sh_t(ONR_DTYPE_INT64, 1, D(rank), ends),
                      ta = sh_t(ONR_DTYPE_INT64, 1, D(rank), axes), tp = sh_t(ONR_DTYPE_INT64, 1, D(rank), steps);
        random_tensor(&x, dt, rank, dims);
        sh_run r;
        sh_exec(&r, "Slice", 13, NULL, 0, (const onr_tensor *[]){&x, &ts, &te, &ta, &tp}, 5, 1, 0);
        sh_expect_ok(&r, "slice sweep");
        size_t count = 1;
        for (int32_t a = 0; a < rank; a++) {
            len[a] = slice_ref(dims[a], starts[a], ends[a], steps[a], lists[a]);
            count *= (size_t)len[a];
        }
        sh_expect_shape(&r.out[0], rank, len, "slice sweep");
        size_t es = onr_dtype_size(dt);
        bool same = r.st == ONR_OK && onr_shape_equal(rank, len, r.out[0].rank, r.out[0].dims);
        if (same && count)
            do {
                int64_t src[8];
                for (int32_t a = 0; a < rank; a++)
                    src[a] = lists[a][idx[a]];
                same = memcmp((char *)r.out[0].data + flat(rank, len, idx) * es,
                              (char *)x.data + flat(rank, dims, src) * es, es) == 0;
            } while (same && next_index(rank, len, idx));
        cr_expect(same, "slice sweep %d differs from the reference", iter);
        sh_free(&r);
        free(x.data);
    }
}

Test(sweep, tile_and_expand_against_reference)
{
    for (int iter = 0; iter < 300; iter++) {
        int32_t rank = 1 + (int32_t)rnd(4);
        int64_t dims[8], rep[8], out[8], idx[8] = {0};
        for (int32_t a = 0; a < rank; a++) {
            dims[a] = 1 + rnd(3);
            rep[a] = rnd(4);
            out[a] = dims[a] * rep[a];
        }
        onr_dtype dt = sweep_types[rnd(4)];
        size_t es = onr_dtype_size(dt);
        onr_tensor x, tr = sh_t(ONR_DTYPE_INT64, 1, D(rank), rep);
        random_tensor(&x, dt, rank, dims);
        sh_run r;
        sh_exec(&r, "Tile", 13, NULL, 0, (const onr_tensor *[]){&x, &tr}, 2, 1, 0);
        sh_expect_ok(&r, "tile sweep");
        bool same = r.st == ONR_OK && onr_shape_equal(rank, out, r.out[0].rank, r.out[0].dims);
        if (same && onr_tensor_count(&r.out[0]))
            do {
                int64_t src[8];
                for (int32_t a = 0; a < rank; a++)
                    src[a] = idx[a] % dims[a];
                same = memcmp((char *)r.out[0].data + flat(rank, out, idx) * es,
                              (char *)x.data + flat(rank, dims, src) * es, es) == 0;
            } while (same && next_index(rank, out, idx));
        cr_expect(same, "tile sweep %d differs from the reference", iter);
        sh_free(&r);
        free(x.data);

        /* Expand: input dims of 1 stretched, target maybe of higher rank */
        int32_t extra = (int32_t)rnd(3), orank = rank + extra;
        int64_t in_dims[8], shape[8], odims[8], oidx[8] = {0};
        for (int32_t a = 0; a < orank; a++)
            odims[a] = 1 + rnd(3);
        for (int32_t a = 0; a < rank; a++)
            in_dims[a] = rnd(2) ? 1 : odims[extra + a];
        for (int32_t a = 0; a < orank; a++) /* the target may say 1 where the input is larger */
            shape[a] = a >= extra && in_dims[a - extra] > 1 && rnd(2) ? 1 : odims[a];
        random_tensor(&x, dt, rank, in_dims);
        onr_tensor ts = sh_t(ONR_DTYPE_INT64, 1, D(orank), shape);
        sh_exec(&r, "Expand", 13, NULL, 0, (const onr_tensor *[]){&x, &ts}, 2, 1, 0);
        sh_expect_ok(&r, "expand sweep");
        for (int32_t a = 0; a < rank; a++) /* where the input is 1, the output is the target's dim */
            if (in_dims[a] == 1)
                odims[extra + a] = shape[extra + a];
        same = r.st == ONR_OK && onr_shape_equal(orank, odims, r.out[0].rank, r.out[0].dims);
        if (same)
            do {
                int64_t src[8];
                for (int32_t a = 0; a < rank; a++)
                    src[a] = in_dims[a] == 1 ? 0 : oidx[extra + a];
                same = memcmp((char *)r.out[0].data + flat(orank, odims, oidx) * es,
                              (char *)x.data + flat(rank, in_dims, src) * es, es) == 0;
            } while (same && next_index(orank, odims, oidx));
        cr_expect(same, "expand sweep %d differs from the reference", iter);
        sh_free(&r);
        free(x.data);
    }
}
