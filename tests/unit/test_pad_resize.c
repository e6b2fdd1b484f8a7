/* test_pad_resize.c: Pad, Resize and Upsample.
 * Pad cases are the ONNX Pad operator docs examples (constant / reflect / edge / wrap) and hand-worked
 * numpy np.pad results. Resize expectations were computed with the ONNX reference interpolation
 * (onnx/backend/test/case/node/resize.py interpolate_nd, onnx 1.12; the antialias coefficient
 * functions from onnx/reference/ops/op_resize.py) on the inputs of the test_resize_* node tests, and
 * match the values the ONNX operator docs print for them. */
#include <criterion/criterion.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "shape_harness.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- Pad ---------------------------------------------------------------------------------------- */

static const float pad_doc_in[] = {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f}; /* (3, 2), Pad docs */

typedef struct pad_case {
    const char *name;
    int64_t opset;
    const char *mode;
    int32_t rank;
    int64_t dims[2];
    const float *in;
    int n_pads;
    int64_t pads[4];
    int n_axes; /* 0: no axes input */
    int64_t axes[2];
    float value;
    onr_status code;
    int64_t out[2];
    float want[40];
} pad_case;

static const float row5[] = {1, 2, 3, 4, 5};
static const float row3[] = {1, 2, 3};

static const pad_case pad_cases[] = {
    {"docs_constant", 11, "constant", 2, {3, 2}, pad_doc_in, 4, {0, 2, 0, 0}, 0, {0}, 0, ONR_OK, {3, 4},
     {0, 0, 1.0f, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f}},
    {"docs_reflect", 11, "reflect", 2, {3, 2}, pad_doc_in, 4, {0, 2, 0, 0}, 0, {0}, 0, ONR_OK, {3, 4},
     {1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f}},
    {"docs_edge", 11, "edge", 2, {3, 2}, pad_doc_in, 4, {0, 2, 0, 0}, 0, {0}, 0, ONR_OK, {3, 4},
     {1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f}},
    {"docs_wrap", 19, "wrap", 2, {3, 2}, pad_doc_in, 4, {2, 1, 1, 1}, 0, {0}, 0, ONR_OK, {6, 4},
     {3.4f, 2.3f, 3.4f, 2.3f, 5.7f, 4.5f, 5.7f, 4.5f, 1.2f, 1.0f, 1.2f, 1.0f,
      3.4f, 2.3f, 3.4f, 2.3f, 5.7f, 4.5f, 5.7f, 4.5f, 1.2f, 1.0f, 1.2f, 1.0f}},
    {"constant_value_both_axes", 11, "constant", 2, {3, 2}, pad_doc_in, 4, {1, 0, 0, 1}, 0, {0}, 9, ONR_OK, {4, 3},
     {9, 9, 9, 1.0f, 1.2f, 9, 2.3f, 3.4f, 9, 4.5f, 5.7f, 9}},
    {"axes_input_18", 18, "constant", 2, {3, 2}, pad_doc_in, 2, {1, 2}, 1, {-1}, 7, ONR_OK, {3, 5},
     {7, 1.0f, 1.2f, 7, 7, 7, 2.3f, 3.4f, 7, 7, 7, 4.5f, 5.7f, 7, 7}},
    /* np.pad(x[1:], (0, 2)) */
    {"negative_begin_crops", 11, "constant", 1, {5}, row5, 2, {-1, 2}, 0, {0}, 0, ONR_OK, {6}, {2, 3, 4, 5, 0, 0}},
    /* x[2:] padded by edge at the end */
    {"negative_begin_edge", 11, "edge", 1, {5}, row5, 2, {-2, 1}, 0, {0}, 0, ONR_OK, {4}, {3, 4, 5, 5}},
    /* np.pad([1,2,3], (4, 0), 'reflect') = [1 2 3 2 1 2 3] */
    {"reflect_longer_than_axis", 11, "reflect", 1, {3}, row3, 2, {4, 0}, 0, {0}, 0, ONR_OK, {7}, {1, 2, 3, 2, 1, 2, 3}},
    /* np.pad([1,2,3], (5, 2), 'wrap') = [2 3 1 2 3 1 2 3 1 2] */
    {"wrap_longer_than_axis", 19, "wrap", 1, {3}, row3, 2, {5, 2}, 0, {0}, 0, ONR_OK, {10},
     {2, 3, 1, 2, 3, 1, 2, 3, 1, 2}},
    {"pads_wrong_length", 11, "constant", 2, {3, 2}, pad_doc_in, 2, {1, 1}, 0, {0}, 0, ONR_E_INVALID_MODEL, {0}, {0}},
    {"crop_too_much", 11, "constant", 1, {3}, row3, 2, {-2, -2}, 0, {0}, 0, ONR_E_INVALID_MODEL, {0}, {0}},
    {"edge_of_nothing", 11, "edge", 1, {3}, row3, 2, {-3, 1}, 0, {0}, 0, ONR_E_INVALID_MODEL, {0}, {0}},
};

Test(pad, table)
{
    for (size_t k = 0; k < N_OF(pad_cases); k++) {
        const pad_case *c = &pad_cases[k];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, c->rank, c->dims, c->in);
        onr_tensor pads = sh_t(ONR_DTYPE_INT64, 1, D(c->n_pads), c->pads);
        onr_tensor val = sh_t(ONR_DTYPE_FLOAT, 0, NULL, &c->value);
        onr_tensor axes = sh_t(ONR_DTYPE_INT64, 1, D(c->n_axes), c->axes);
        onr_attr mode = A_STR("mode", c->mode);
        sh_run r;
        sh_exec(&r, "Pad", c->opset, &mode, 1, (const onr_tensor *[]){&x, &pads, &val, &axes}, c->n_axes ? 4 : 3, 1,
                0);
        sh_expect_fail(&r, c->code, NULL, c->name);
        if (c->code == ONR_OK && r.st == ONR_OK)
            sh_expect_f32(&r.out[0], c->rank, c->out, c->want, 0, c->name);
        sh_free(&r);
    }
}

Test(pad, attribute_forms_dtypes_and_run_time_pads)
{
    sh_run r;
    /* Pad-2: 'pads' and 'value' attributes; Pad-1 spelled it 'paddings' */
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 2), pad_doc_in);
    onr_attr a2[] = {A_INTS("pads", 0, 1, 0, 0), A_FLOAT("value", -1)};
    sh_exec(&r, "Pad", 2, a2, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(3, 3), (const float[]){-1, 1.0f, 1.2f, -1, 2.3f, 3.4f, -1, 4.5f, 5.7f}, 0, "Pad-2");
    sh_free(&r);
    onr_attr a1[] = {A_INTS("paddings", 1, 0, 0, 0)};
    sh_exec(&r, "Pad", 1, a1, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 2, D(4, 2), (const float[]){0, 0, 1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f}, 0, "Pad-1");
    sh_free(&r);
    /* test_edge_pad / test_reflect_pad use int32 data; bytes are moved, so any dtype works */
    const int32_t xi[] = {1, 2, 3, 4};
    onr_tensor ti = sh_t(ONR_DTYPE_INT32, 2, D(2, 2), xi), pi = I64V(1, 1, 1, 1);
    onr_attr edge = A_STR("mode", "edge");
    sh_exec(&r, "Pad", 13, &edge, 1, (const onr_tensor *[]){&ti, &pi}, 2, 1, 0);
    sh_expect_ok(&r, "int32 edge");
    const int32_t want_i[] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    onr_tensor wi = sh_t(ONR_DTYPE_INT32, 2, D(4, 4), want_i);
    sh_expect_same(&r.out[0], &wi, "int32 edge");
    sh_free(&r);
    /* an int64 constant_value */
    const int64_t xl[] = {5, 6};
    const int64_t cv = -3;
    onr_tensor tl = sh_t(ONR_DTYPE_INT64, 1, D(2), xl), pl = I64V(1, 0), vl = sh_t(ONR_DTYPE_INT64, 0, NULL, &cv);
    sh_exec(&r, "Pad", 11, NULL, 0, (const onr_tensor *[]){&tl, &pl, &vl}, 3, 1, 0);
    sh_expect_i64(&r.out[0], 1, D(3), (const int64_t[]){-3, 5, 6}, "int64 constant_value");
    sh_free(&r);
    /* the value may be known only at run; the pads may not */
    sh_exec(&r, "Pad", 11, NULL, 0, (const onr_tensor *[]){&tl, &pl, &vl}, 3, 1, 1u << 2);
    sh_expect_i64(&r.out[0], 1, D(3), (const int64_t[]){-3, 5, 6}, "run-time constant_value");
    sh_free(&r);
    sh_exec(&r, "Pad", 11, NULL, 0, (const onr_tensor *[]){&tl, &pl, &vl}, 3, 1, 1u << 1);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "run-time pads");
    cr_expect(strstr(r.err.message, "'pads'") != NULL, "%s", r.err.message);
    sh_free(&r);
    onr_tensor vf = sh_t(ONR_DTYPE_FLOAT, 0, NULL, (const float[]){1});
    sh_exec(&r, "Pad", 11, NULL, 0, (const onr_tensor *[]){&tl, &pl, &vf}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "constant_value of another dtype");
    sh_free(&r);
    onr_attr bad = A_STR("mode", "mirror");
    sh_exec(&r, "Pad", 11, &bad, 1, (const onr_tensor *[]){&tl, &pl}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "unknown mode");
    sh_free(&r);
}

/* --- Resize ------------------------------------------------------------------------------------- */

static const float in22[] = {1, 2, 3, 4};
static const float in24[] = {1, 2, 3, 4, 5, 6, 7, 8};
static const float in44[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

typedef struct resize_case {
    const char *name;
    int64_t opset;
    const char *mode, *coord, *nearest; /* NULL: attribute absent */
    float cubic_a;                      /* 0: absent */
    int exclude_outside, antialias;
    const char *keep;
    int in_h, in_w;
    int n_scales;                       /* 0: sizes given */
    float scales[4];
    int n_sizes;
    int64_t sizes[4];
    int n_axes;
    int64_t axes[2];
    int n_roi;
    float roi[8];
    float extrapolation;
    int out_h, out_w;
    float want[64];
} resize_case;

static const resize_case resize_cases[] = {
    {"upsample_scales_nearest", 13, "nearest", NULL, NULL, 0, 0, 0, NULL, 2, 2, 4, {1, 1, 2, 3}, 0, {0}, 0, {0}, 0,
     {0}, 0, 2 * 2, 6, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}},
    {"downsample_scales_nearest", 13, "nearest", NULL, NULL, 0, 0, 0, NULL, 2, 4, 4, {1, 1, 0.6f, 0.6f}, 0, {0}, 0,
     {0}, 0, {0}, 0, 1, 2, {1, 3}},
    {"upsample_sizes_nearest", 13, "nearest", NULL, NULL, 0, 0, 0, NULL, 2, 2, 0, {0}, 4, {1, 1, 7, 8}, 0, {0}, 0,
     {0}, 0, 7, 8,
     {1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2,
      3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4}},
    {"downsample_sizes_nearest", 13, "nearest", NULL, NULL, 0, 0, 0, NULL, 2, 4, 0, {0}, 4, {1, 1, 1, 3}, 0, {0}, 0,
     {0}, 0, 1, 3, {1, 2, 4}},
    {"upsample_scales_linear", 13, "linear", NULL, NULL, 0, 0, 0, NULL, 2, 2, 4, {1, 1, 2, 2}, 0, {0}, 0, {0}, 0,
     {0}, 0, 4, 4, {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4}},
    {"upsample_scales_linear_align_corners", 13, "linear", "align_corners", NULL, 0, 0, 0, NULL, 2, 2, 4,
     {1, 1, 2, 2}, 0, {0}, 0, {0}, 0, {0}, 0, 4, 4,
     {1, 1.33333337f, 1.66666663f, 2, 1.66666663f, 2, 2.33333325f, 2.66666675f, 2.33333325f, 2.66666675f, 3,
      3.33333325f, 3, 3.33333325f, 3.66666675f, 4}},
    {"downsample_scales_linear", 13, "linear", NULL, NULL, 0, 0, 0, NULL, 2, 4, 4, {1, 1, 0.6f, 0.6f}, 0, {0}, 0,
     {0}, 0, {0}, 0, 1, 2, {2.66666651f, 4.33333302f}},
    {"downsample_scales_linear_align_corners", 13, "linear", "align_corners", NULL, 0, 0, 0, NULL, 2, 4, 4,
     {1, 1, 0.6f, 0.6f}, 0, {0}, 0, {0}, 0, {0}, 0, 1, 2, {1, 3.14285707f}},
    {"upsample_scales_cubic", 13, "cubic", NULL, NULL, 0, 0, 0, NULL, 4, 4, 4, {1, 1, 2, 2}, 0, {0}, 0, {0}, 0, {0},
     0, 8, 8,
     {0.47265625f, 0.76953125f, 1.24609375f, 1.875f, 2.28125f, 2.91015625f, 3.38671875f, 3.68359375f,
      1.66015625f, 1.95703125f, 2.43359375f, 3.0625f, 3.46875f, 4.09765625f, 4.57421875f, 4.87109375f,
      3.56640625f, 3.86328125f, 4.33984375f, 4.96875f, 5.375f, 6.00390625f, 6.48046875f, 6.77734375f,
      6.08203125f, 6.37890625f, 6.85546875f, 7.484375f, 7.890625f, 8.51953125f, 8.99609375f, 9.29296875f,
      7.70703125f, 8.00390625f, 8.48046875f, 9.109375f, 9.515625f, 10.1445312f, 10.6210938f, 10.9179688f,
      10.2226562f, 10.5195312f, 10.9960938f, 11.625f, 12.03125f, 12.6601562f, 13.1367188f, 13.4335938f,
      12.1289062f, 12.4257812f, 12.9023438f, 13.53125f, 13.9375f, 14.5664062f, 15.0429688f, 15.3398438f,
      13.3164062f, 13.6132812f, 14.0898438f, 14.71875f, 15.125f, 15.7539062f, 16.2304688f, 16.5273438f}},
    {"upsample_scales_cubic_A_n0p5_exclude_outside", 13, "cubic", NULL, NULL, -0.5f, 1, 0, NULL, 4, 4, 4,
     {1, 1, 2, 2}, 0, {0}, 0, {0}, 0, {0}, 0, 8, 8,
     {0.558823526f, 0.814942062f, 1.35698247f, 1.89705884f, 2.39705873f, 2.93713522f, 3.47917557f, 3.7352941f,
      1.58329761f, 1.83941603f, 2.38145661f, 2.92153287f, 3.42153287f, 3.96160913f, 4.50364971f, 4.75976801f,
      3.75145936f, 4.0075779f, 4.54961824f, 5.0896945f, 5.5896945f, 6.12977076f, 6.67181158f, 6.92792988f,
      5.91176462f, 6.1678834f, 6.70992374f, 7.25f, 7.75f, 8.29007626f, 8.83211708f, 9.0882349f,
      7.91176462f, 8.16788292f, 8.70992374f, 9.25f, 9.75f, 10.2900763f, 10.8321171f, 11.0882349f,
      10.0720701f, 10.3281889f, 10.8702288f, 11.410305f, 11.910305f, 12.4503813f, 12.9924221f, 13.2485409f,
      12.2402315f, 12.4963503f, 13.0383911f, 13.5784674f, 14.0784674f, 14.6185436f, 15.1605835f, 15.4167023f,
      13.2647057f, 13.5208244f, 14.0628653f, 14.6029415f, 15.1029415f, 15.6430178f, 16.1850586f, 16.4411774f}},
    {"upsample_scales_cubic_asymmetric", 13, "cubic", "asymmetric", NULL, 0, 0, 0, NULL, 4, 4, 4, {1, 1, 2, 2}, 0,
     {0}, 0, {0}, 0, {0}, 0, 8, 8,
     {1, 1.40625f, 2, 2.5f, 3, 3.59375f, 4, 4.09375f, 2.625f, 3.03125f, 3.625f, 4.125f, 4.625f, 5.21875f, 5.625f,
      5.71875f, 5, 5.40625f, 6, 6.5f, 7, 7.59375f, 8, 8.09375f, 7, 7.40625f, 8, 8.5f, 9, 9.59375f, 10, 10.09375f,
      9, 9.40625f, 10, 10.5f, 11, 11.59375f, 12, 12.09375f, 11.375f, 11.78125f, 12.375f, 12.875f, 13.375f,
      13.96875f, 14.375f, 14.46875f, 13, 13.40625f, 14, 14.5f, 15, 15.59375f, 16, 16.09375f, 13.375f, 13.78125f,
      14.375f, 14.875f, 15.375f, 15.96875f, 16.375f, 16.46875f}},
    {"downsample_scales_cubic", 13, "cubic", NULL, NULL, 0, 0, 0, NULL, 4, 4, 4, {1, 1, 0.8f, 0.8f}, 0, {0}, 0,
     {0}, 0, {0}, 0, 3, 3,
     {1.47119141f, 2.78125f, 4.08251953f, 6.71142578f, 8.02148438f, 9.32275391f, 11.9165039f, 13.2265625f,
      14.527832f}},
    {"downsample_sizes_cubic", 13, "cubic", NULL, NULL, 0, 0, 0, NULL, 4, 4, 0, {0}, 4, {1, 1, 3, 3}, 0, {0}, 0,
     {0}, 0, 3, 3,
     {1.63078701f, 3.00462961f, 4.37847233f, 7.12615728f, 8.5f, 9.87384224f, 12.6215277f, 13.9953699f,
      15.3692131f}},
    {"tf_crop_and_resize", 13, "linear", "tf_crop_and_resize", NULL, 0, 0, 0, NULL, 4, 4, 0, {0}, 4, {1, 1, 3, 3},
     0, {0}, 8, {0, 0, 0.4f, 0.6f, 1, 1, 0.6f, 0.8f}, 0, 3, 3,
     {7.60000038f, 7.9000001f, 8.19999981f, 8.80000019f, 9.10000038f, 9.40000057f, 10, 10.3000002f, 10.6000004f}},
    {"tf_crop_and_resize_extrapolation_value", 13, "linear", "tf_crop_and_resize", NULL, 0, 0, 0, NULL, 4, 4, 0,
     {0}, 4, {1, 1, 3, 3}, 0, {0}, 8, {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f}, 10, 3, 3,
     {7.60000038f, 10, 10, 12.4000006f, 10, 10, 10, 10, 10}},
    {"downsample_sizes_linear_pytorch_half_pixel", 13, "linear", "pytorch_half_pixel", NULL, 0, 0, 0, NULL, 4, 4,
     0, {0}, 4, {1, 1, 3, 1}, 0, {0}, 0, {0}, 0, 3, 1, {1.66666663f, 7, 12.333333f}},
    {"upsample_sizes_nearest_floor_align_corners", 13, "nearest", "align_corners", "floor", 0, 0, 0, NULL, 4, 4, 0,
     {0}, 4, {1, 1, 8, 8}, 0, {0}, 0, {0}, 0, 8, 8,
     {1, 1, 1, 2, 2, 3, 3, 4, 1, 1, 1, 2, 2, 3, 3, 4, 1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 6, 7, 7, 8,
      5, 5, 5, 6, 6, 7, 7, 8, 9, 9, 9, 10, 10, 11, 11, 12, 9, 9, 9, 10, 10, 11, 11, 12,
      13, 13, 13, 14, 14, 15, 15, 16}},
    {"upsample_sizes_nearest_round_prefer_ceil_asymmetric", 13, "nearest", "asymmetric", "round_prefer_ceil", 0, 0,
     0, NULL, 4, 4, 0, {0}, 4, {1, 1, 8, 8}, 0, {0}, 0, {0}, 0, 8, 8,
     {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8, 5, 6, 6, 7, 7, 8, 8, 8, 9, 10, 10, 11, 11, 12, 12, 12,
      9, 10, 10, 11, 11, 12, 12, 12, 13, 14, 14, 15, 15, 16, 16, 16, 13, 14, 14, 15, 15, 16, 16, 16,
      13, 14, 14, 15, 15, 16, 16, 16}},
    {"upsample_sizes_nearest_ceil_half_pixel", 13, "nearest", "half_pixel", "ceil", 0, 0, 0, NULL, 4, 4, 0, {0}, 4,
     {1, 1, 8, 8}, 0, {0}, 0, {0}, 0, 8, 8,
     {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8, 5, 6, 6, 7, 7, 8, 8, 8, 9, 10, 10, 11, 11, 12, 12, 12,
      9, 10, 10, 11, 11, 12, 12, 12, 13, 14, 14, 15, 15, 16, 16, 16, 13, 14, 14, 15, 15, 16, 16, 16,
      13, 14, 14, 15, 15, 16, 16, 16}},
    /* test data of test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn */
    {"downsample_sizes_nearest_tf_half_pixel_for_nn", 13, "nearest", "tf_half_pixel_for_nn", NULL, 0, 0, 0, NULL,
     4, 4, 0, {0}, 4, {1, 1, 3, 2}, 0, {0}, 0, {0}, 0, 3, 2, {6, 8, 10, 12, 14, 16}},
    /* Resize-19 docs, resize_downsample_scales_linear_half_pixel_symmetric: [1, 2, 3, 4] x 0.6 */
    {"downsample_scales_linear_half_pixel_symmetric", 19, "linear", "half_pixel_symmetric", NULL, 0, 0, 0, NULL, 1,
     4, 4, {1, 1, 1, 0.6f}, 0, {0}, 0, {0}, 0, {0}, 0, 1, 2, {1.66666663f, 3.33333325f}},
    /* Resize-18: axes, keep_aspect_ratio_policy, antialias */
    {"upsample_sizes_nearest_axes_2_3", 18, "nearest", NULL, NULL, 0, 0, 0, NULL, 2, 2, 0, {0}, 2, {7, 8}, 2,
     {2, 3}, 0, {0}, 0, 7, 8,
     {1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2,
      3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4}},
    {"upsample_sizes_nearest_not_larger", 18, "nearest", NULL, NULL, 0, 0, 0, "not_larger", 2, 2, 0, {0}, 2, {7, 8},
     2, {2, 3}, 0, {0}, 0, 7, 7,
     {1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
      3, 3, 3, 3, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4}},
    {"upsample_sizes_nearest_not_smaller", 18, "nearest", NULL, NULL, 0, 0, 0, "not_smaller", 2, 2, 0, {0}, 2,
     {7, 8}, 2, {-2, -1}, 0, {0}, 0, 8, 8,
     {1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2,
      3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4}},
    {"downsample_scales_linear_antialias", 18, "linear", NULL, NULL, 0, 0, 1, NULL, 4, 4, 4, {1, 1, 0.6f, 0.6f}, 0,
     {0}, 0, {0}, 0, {0}, 0, 2, 2, {2.875f, 4.5f, 9.375f, 11}},
    {"downsample_scales_cubic_antialias", 18, "cubic", NULL, NULL, 0, 0, 1, NULL, 4, 4, 4, {1, 1, 0.6f, 0.6f}, 0,
     {0}, 0, {0}, 0, {0}, 0, 2, 2, {2.51807213f, 4.28588629f, 9.58932877f, 11.3571424f}},
    {"downsample_sizes_linear_antialias", 18, "linear", NULL, NULL, 0, 0, 1, NULL, 4, 4, 0, {0}, 4, {1, 1, 3, 3}, 0,
     {0}, 0, {0}, 0, 3, 3,
     {2.36363626f, 3.590909f, 4.81818199f, 7.27272749f, 8.5f, 9.72727299f, 12.181818f, 13.409091f, 14.636364f}},
    {"downsample_sizes_cubic_antialias", 18, "cubic", NULL, NULL, 0, 0, 1, NULL, 4, 4, 0, {0}, 4, {1, 1, 3, 3}, 0,
     {0}, 0, {0}, 0, 3, 3,
     {1.77500916f, 3.12000728f, 4.4650054f, 7.15500164f, 8.5f, 9.84499836f, 12.5349941f, 13.8799925f,
      15.2249908f}},
};

static const float *resize_input(int h, int w)
{
    return h == 2 && w == 2 ? in22 : h == 2 ? in24 : in44;
}

Test(resize, table)
{
    for (size_t k = 0; k < N_OF(resize_cases); k++) {
        const resize_case *c = &resize_cases[k];
        onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, c->in_h, c->in_w), resize_input(c->in_h, c->in_w));
        onr_tensor roi = sh_t(ONR_DTYPE_FLOAT, 1, D(c->n_roi), c->roi);
        onr_tensor scales = sh_t(ONR_DTYPE_FLOAT, 1, D(c->n_scales), c->scales);
        onr_tensor sizes = sh_t(ONR_DTYPE_INT64, 1, D(c->n_sizes), c->sizes);
        onr_attr at[10];
        size_t n = 0;
        at[n++] = A_STR("mode", c->mode);
        if (c->coord)
            at[n++] = A_STR("coordinate_transformation_mode", c->coord);
        if (c->nearest)
            at[n++] = A_STR("nearest_mode", c->nearest);
        if (c->cubic_a != 0)
            at[n++] = A_FLOAT("cubic_coeff_a", c->cubic_a);
        if (c->exclude_outside)
            at[n++] = A_INT("exclude_outside", 1);
        if (c->antialias)
            at[n++] = A_INT("antialias", 1);
        if (c->keep)
            at[n++] = A_STR("keep_aspect_ratio_policy", c->keep);
        if (c->extrapolation != 0)
            at[n++] = A_FLOAT("extrapolation_value", c->extrapolation);
        if (c->n_axes)
            at[n++] = (onr_attr){.name = "axes", .type = ONR_ATTR_INTS, .ints = c->axes, .n = (size_t)c->n_axes};
        const onr_tensor *in[4] = {&x, c->n_roi ? &roi : NULL, c->n_scales ? &scales : NULL,
                                   c->n_sizes ? &sizes : NULL};
        sh_run r;
        sh_exec(&r, "Resize", c->opset, at, n, in, c->n_sizes ? 4 : 3, 1, 0);
        sh_expect_ok(&r, c->name);
        if (r.st == ONR_OK)
            sh_expect_f32(&r.out[0], 4, D(1, 1, c->out_h, c->out_w), c->want, 2e-5f, c->name);
        sh_free(&r);
    }
}

Test(resize, older_forms_upsample_and_resize10)
{
    sh_run r;
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 2, 2), in22);
    const float up_nearest[] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
    /* test_upsample_nearest (Upsample-9): scales [1, 1, 2, 3] */
    onr_tensor sc = F32V(1, 1, 2, 3);
    onr_attr nearest = A_STR("mode", "nearest");
    sh_exec(&r, "Upsample", 9, &nearest, 1, (const onr_tensor *[]){&x, &sc}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 4, D(1, 1, 4, 6), up_nearest, 0, "Upsample-9 nearest");
    sh_free(&r);
    /* Upsample-7: the same with scales as an attribute */
    onr_attr a7[] = {nearest, A_FLOATS("scales", 1, 1, 2, 3)};
    sh_exec(&r, "Upsample", 7, a7, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_f32(&r.out[0], 4, D(1, 1, 4, 6), up_nearest, 0, "Upsample-7 nearest");
    sh_free(&r);
    /* Upsample / Resize-10 linear map coordinates asymmetrically: x_in = x_out / 2, worked by hand */
    onr_tensor s2 = F32V(1, 1, 2, 2);
    onr_attr linear = A_STR("mode", "linear");
    const float up_linear[] = {1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4};
    sh_exec(&r, "Upsample", 9, &linear, 1, (const onr_tensor *[]){&x, &s2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 4, D(1, 1, 4, 4), up_linear, 0, "Upsample-9 linear");
    sh_free(&r);
    sh_exec(&r, "Resize", 10, &linear, 1, (const onr_tensor *[]){&x, &s2}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 4, D(1, 1, 4, 4), up_linear, 0, "Resize-10 linear");
    sh_free(&r);
    /* Resize-10 nearest downsampling (old test_resize_downsample_nearest): [[1,2,3,4],[5,6,7,8]] x 0.6
     * -> [[1, 3]]: asymmetric x = 1 / 0.6 = 1.67, rounded up when downscaling */
    onr_tensor x24 = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 2, 4), in24);
    onr_tensor s06 = F32V(1, 1, 0.6f, 0.6f);
    sh_exec(&r, "Resize", 10, &nearest, 1, (const onr_tensor *[]){&x24, &s06}, 2, 1, 0);
    sh_expect_f32(&r.out[0], 4, D(1, 1, 1, 2), (const float[]){1, 3}, 0, "Resize-10 nearest down");
    sh_free(&r);
    /* Upsample refuses scales below 1; Resize-10 has no cubic mode */
    onr_tensor shrink = F32V(1, 1, 0.5f, 1);
    sh_exec(&r, "Upsample", 9, &nearest, 1, (const onr_tensor *[]){&x, &shrink}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "Upsample scale < 1");
    sh_free(&r);
    onr_attr cubic = A_STR("mode", "cubic");
    sh_exec(&r, "Resize", 10, &cubic, 1, (const onr_tensor *[]){&x, &s2}, 2, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "Resize-10 cubic");
    sh_free(&r);
}

Test(resize, dtypes_and_errors)
{
    sh_run r;
    /* nearest moves bytes: int64 data */
    const int64_t xi[] = {10, 20, 30, 40};
    onr_tensor x = sh_t(ONR_DTYPE_INT64, 4, D(1, 1, 2, 2), xi), sz = I64V(1, 1, 4, 4);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&x, NULL, NULL, &sz}, 4, 1, 0);
    sh_expect_i64(&r.out[0], 4, D(1, 1, 4, 4),
                  (const int64_t[]){10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40}, "int64 nearest");
    sh_free(&r);
    /* linear on float16 goes through the generic path: same values as upsample_scales_linear */
    uint16_t h[4], want_h[16];
    const float want[] = {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4};
    for (int i = 0; i < 4; i++)
        h[i] = onr_f32_to_f16(in22[i]);
    for (int i = 0; i < 16; i++)
        want_h[i] = onr_f32_to_f16(want[i]);
    onr_tensor xh = sh_t(ONR_DTYPE_FLOAT16, 4, D(1, 1, 2, 2), h), s2 = F32V(1, 1, 2, 2);
    onr_attr linear = A_STR("mode", "linear");
    sh_exec(&r, "Resize", 19, &linear, 1, (const onr_tensor *[]){&xh, NULL, &s2}, 3, 1, 0);
    onr_tensor wh = sh_t(ONR_DTYPE_FLOAT16, 4, D(1, 1, 4, 4), want_h);
    sh_expect_same(&r.out[0], &wh, "float16 linear");
    sh_free(&r);
    /* errors: both scales and sizes, wrong count, run-time scales, unknown modes */
    onr_tensor xf = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 1, 2, 2), in22), s3 = F32V(1, 2, 2);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&xf, NULL, &s2, &sz}, 4, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "scales and sizes");
    sh_free(&r);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&xf, NULL, &s3}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "3 scales for rank 4");
    sh_free(&r);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&xf, NULL, &s2}, 3, 1, 1u << 2);
    sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", "run-time scales");
    cr_expect(strstr(r.err.message, "'scales'") != NULL, "%s", r.err.message);
    sh_free(&r);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&xf}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "neither scales nor sizes");
    sh_free(&r);
    onr_attr bad[] = {A_STR("mode", "bilinear"), A_STR("coordinate_transformation_mode", "centre"),
                      A_STR("nearest_mode", "up"), A_INT("antialias", 1)};
    for (int k = 0; k < 4; k++) {
        sh_exec(&r, "Resize", k == 3 ? 13 : 19, &bad[k], 1, (const onr_tensor *[]){&xf, NULL, &s2}, 3, 1, 0);
        sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", bad[k].name);
        sh_free(&r);
    }
    onr_tensor zero = F32V(1, 1, 0, 2);
    sh_exec(&r, "Resize", 13, NULL, 0, (const onr_tensor *[]){&xf, NULL, &zero}, 3, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", "zero scale");
    sh_free(&r);
}
