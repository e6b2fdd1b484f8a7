/* test_fusion.c: Relu and Clip fused into the Conv before them (op.h ONR_OP_FUSES_CLAMP, plan.c
 * fuse_clamp). Fusion must never change a bit: every case runs the same model fused and unfused
 * (keep_values turns fusion off, since it promises the unclamped intermediate) and compares, over
 * every Conv path (1x1 GEMM, im2col GEMM, depthwise, direct N-D) and 1 or 2 threads; hand-worked cases
 * pin the values themselves, NaN included; and the cases where fusing would be wrong (the Conv output
 * is a graph output, or has a second reader, or a bound is only known at run time) must stay unfused
 * and still give the unclamped values to whoever reads them. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_harness.h"
#include "graph/session.h"
#include "model_builder.h"
#include "onnxrun.h"
#include "session_helpers.h"

/* Runs m on x and copies output `which` (n floats) into got; reports how many nodes were fused. */
static int run(onr_model *m, const onr_options *opt, onr_tensor *x, size_t n_out, size_t which, float *got,
               size_t n)
{
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, opt, &s, &e), ONR_OK, "%s", e.message);
    onr_tensor out[4];
    cr_assert_eq(onr_session_run(s, x, 1, NULL, out, n_out, &e), ONR_OK, "%s", e.message);
    memcpy(got, out[which].data, n * sizeof *got);
    int fused = 0;
    for (size_t k = 0; k < s->m->n_nodes; k++)
        fused += s->pn[k].fused;
    onr_session_free(s);
    return fused;
}

static bool same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- hand-worked ------------------------------------------------------------------------------- */

/* X (1,1,3,3) = -4..4 with a NaN in the middle; W (2,1,1,1) = {1, -1}, B = {0.5, 0}: channel 0 is
 * x + 0.5, channel 1 is -x. */
static onr_model *conv1x1_then(const char *act, int opset, float lo, float hi, bool bounds_as_inputs)
{
    mb *b = mb_new(opset);
    const int64_t xd[] = {1, 1, 3, 3}, wd[] = {2, 1, 1, 1}, bd[] = {2};
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, xd);
    mb_init_f32(b, "w", 4, wd, (const float[]){1, -1});
    mb_init_f32(b, "b", 1, bd, (const float[]){0.5f, 0});
    mb_node(b, "Conv", "conv", "x,w,b", "c");
    if (bounds_as_inputs) {
        mb_init_f32(b, "lo", 0, NULL, &lo);
        mb_init_f32(b, "hi", 0, NULL, &hi);
        mb_node(b, act, "act", "c,lo,hi", "y");
    } else {
        Onnx__NodeProto *n = mb_node(b, act, "act", "c", "y");
        if (strcmp(act, "Clip") == 0) {
            mb_attr_float(b, n, "min", lo);
            mb_attr_float(b, n, "max", hi);
        }
    }
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    return load(b);
}

static void check_hand(onr_model *m, const float want[18])
{
    const int64_t xd[] = {1, 1, 3, 3};
    float x[9] = {-4, -3, -2, -1, NAN, 1, 2, 3, 4}, got[18];
    onr_tensor in = f32("x", 4, xd, x);
    onr_options opt = {0};
    cr_expect_eq(run(m, &opt, &in, 1, 0, got, 18), 1, "the activation is fused into the Conv");
    for (int i = 0; i < 18; i++)
        cr_expect(same_bits(got[i], want[i]) || (isnan(got[i]) && isnan(want[i])), "y[%d] = %g, want %g", i,
                  got[i], want[i]);
    onr_model_free(m);
}

Test(fusion, conv_relu_hand_worked)
{
    /* relu(x + 0.5) and relu(-x); NaN stays NaN; relu(-0.0) is -0.0 but no -0.0 arises here */
    const float want[18] = {0, 0, 0, 0, NAN, 1.5f, 2.5f, 3.5f, 4.5f, 4, 3, 2, 1, NAN, 0, 0, 0, 0};
    check_hand(conv1x1_then("Relu", 13, 0, 0, false), want);
}

Test(fusion, conv_clip6_attributes_hand_worked)
{
    /* Clip-6, min -1 max 2 (attributes) */
    const float want[18] = {-1, -1, -1, -0.5f, NAN, 1.5f, 2, 2, 2, 2, 2, 2, 1, NAN, -1, -1, -1, -1};
    check_hand(conv1x1_then("Clip", 6, -1, 2, false), want);
}

Test(fusion, conv_clip11_inputs_hand_worked)
{
    /* Clip-11 with initializer bounds 0 and 6 (MobileNet's ReLU6 as PyTorch exports it) */
    const float want[18] = {0, 0, 0, 0, NAN, 1.5f, 2.5f, 3.5f, 4.5f, 4, 3, 2, 1, NAN, 0, 0, 0, 0};
    check_hand(conv1x1_then("Clip", 13, 0, 6, true), want);
}

Test(fusion, clip_min_above_max_gives_max)
{
    /* Clip-13: min 3 > max 1: every value becomes 1 (numpy's clip), NaN stays NaN */
    const float want[18] = {1, 1, 1, 1, NAN, 1, 1, 1, 1, 1, 1, 1, 1, NAN, 1, 1, 1, 1};
    check_hand(conv1x1_then("Clip", 13, 3, 1, true), want);
}

/* ---- where fusing would be wrong ------------------------------------------------------------------- */

Test(fusion, conv_output_also_a_graph_output_stays_unclamped)
{
    mb *b = mb_new(13);
    const int64_t xd[] = {1, 1, 1, 4}, wd[] = {1, 1, 1, 1};
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, xd);
    mb_init_f32(b, "w", 4, wd, (const float[]){2});
    mb_node(b, "Conv", "conv", "x,w", "c");
    mb_node(b, "Relu", "relu", "c", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    mb_output(b, "c", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    float x[4] = {-1, 2, -3, 4}, y[4], c[4];
    onr_tensor in = f32("x", 4, xd, x);
    onr_options opt = {0};
    cr_expect_eq(run(m, &opt, &in, 2, 0, y, 4), 0, "not fused: c is a graph output");
    run(m, &opt, &in, 2, 1, c, 4);
    const float want_y[4] = {0, 4, 0, 8}, want_c[4] = {-2, 4, -6, 8};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(y[i], want_y[i], "y[%d] = %g", i, y[i]);
        cr_expect_eq(c[i], want_c[i], "c[%d] = %g", i, c[i]);
    }
    onr_model_free(m);
}

Test(fusion, second_reader_sees_the_unclamped_value)
{
    /* c = Conv(x) is read by Relu and by Neg: y = relu(c) + (-c) */
    mb *b = mb_new(13);
    const int64_t xd[] = {1, 1, 1, 4}, wd[] = {1, 1, 1, 1};
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, xd);
    mb_init_f32(b, "w", 4, wd, (const float[]){2});
    mb_node(b, "Conv", "conv", "x,w", "c");
    mb_node(b, "Relu", "relu", "c", "r");
    mb_node(b, "Neg", "neg", "c", "n");
    mb_node(b, "Add", "add", "r,n", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    float x[4] = {-1, 2, -3, 4}, y[4];
    onr_tensor in = f32("x", 4, xd, x);
    onr_options opt = {0};
    cr_expect_eq(run(m, &opt, &in, 1, 0, y, 4), 0, "not fused: c has two readers");
    const float want[4] = {2, 0, 6, 0};
    for (int i = 0; i < 4; i++)
        cr_expect_eq(y[i], want[i], "y[%d] = %g, want %g", i, y[i], want[i]);
    onr_model_free(m);
}

Test(fusion, bound_known_only_at_run_time_is_not_fused)
{
    mb *b = mb_new(13);
    const int64_t xd[] = {1, 1, 1, 4}, wd[] = {1, 1, 1, 1};
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, xd);
    mb_input(b, "hi", ONR_DTYPE_FLOAT, 0, NULL);
    mb_init_f32(b, "w", 4, wd, (const float[]){2});
    mb_node(b, "Conv", "conv", "x,w", "c");
    mb_node(b, "Clip", "clip", "c,,hi", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    float x[4] = {-1, 2, -3, 4}, hi = 5;
    onr_tensor in[2] = {f32("x", 4, xd, x), f32("hi", 0, NULL, &hi)}, out;
    onr_session *s;
    onr_error e = {0};
    onr_options opt = {0};
    cr_assert_eq(onr_session_new(m, &opt, &s, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(onr_session_run(s, in, 2, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    const float want[4] = {-2, 4, -6, 5};
    for (int i = 0; i < 4; i++)
        cr_expect_eq(((float *)out.data)[i], want[i], "y[%d] = %g", i, ((float *)out.data)[i]);
    for (size_t k = 0; k < s->m->n_nodes; k++)
        cr_expect_eq(s->pn[k].fused, 0, "node %zu fused", k);
    onr_session_free(s);
    onr_model_free(m);
}

/* ---- fused == unfused, bit for bit, on every Conv path --------------------------------------------- */

typedef struct conv_case {
    const char *what;
    int rank;                 /* of X */
    int64_t x[5], w[5];
    int64_t group, stride, pad;
} conv_case;

static void fused_equals_unfused(const conv_case *cc, const char *act, int threads)
{
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, cc->rank, cc->x);
    size_t nw = 1, nx = 1;
    for (int i = 0; i < cc->rank; i++) {
        nw *= (size_t)cc->w[i];
        nx *= (size_t)cc->x[i];
    }
    ch_rng g = {(uint64_t)(cc->x[1] * 131 + cc->w[0] * 7 + cc->rank)};
    float *w = ch_rand_f32(&g, nw), *bias = ch_rand_f32(&g, (size_t)cc->w[0]), *x = ch_rand_f32(&g, nx);
    mb_init_f32(b, "w", cc->rank, cc->w, w);
    mb_init_f32(b, "b", 1, (int64_t[]){cc->w[0]}, bias);
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv", "x,w,b", "c");
    mb_attr_int(b, n, "group", cc->group);
    int sp = cc->rank - 2;
    int64_t strides[3], pads[6];
    for (int i = 0; i < sp; i++)
        strides[i] = cc->stride;
    for (int i = 0; i < 2 * sp; i++)
        pads[i] = cc->pad;
    mb_attr_ints(b, n, "strides", (size_t)sp, strides);
    mb_attr_ints(b, n, "pads", (size_t)(2 * sp), pads);
    if (strcmp(act, "Relu") == 0) {
        mb_node(b, "Relu", "act", "c", "y");
    } else { /* a narrow clip, so both bounds bite on random data */
        mb_init_f32(b, "lo", 0, NULL, (const float[]){-0.25f});
        mb_init_f32(b, "hi", 0, NULL, (const float[]){0.3f});
        mb_node(b, "Clip", "act", "c,lo,hi", "y");
    }
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    x[nx / 2] = NAN;
    onr_tensor in = f32("x", cc->rank, cc->x, x);
    onr_session *s;
    onr_error e = {0};
    onr_options opt = {.threads = threads};
    cr_assert_eq(onr_session_new(m, &opt, &s, &e), ONR_OK, "%s", e.message);
    onr_tensor out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    size_t ny = onr_tensor_count(&out);
    float *fused = malloc(ny * sizeof *fused), *plain = malloc(ny * sizeof *plain);
    memcpy(fused, out.data, ny * sizeof *fused);
    cr_expect_eq(s->pn[1].fused, 1, "%s: %s fused", cc->what, act);
    onr_session_free(s);
    opt.keep_values = 1;
    cr_assert_eq(run(m, &opt, &in, 1, 0, plain, ny), 0, "keep_values turns fusion off");
    size_t bad = 0, clamped = 0;
    for (size_t i = 0; i < ny; i++) {
        if (!same_bits(fused[i], plain[i]) && !(isnan(fused[i]) && isnan(plain[i])) && bad++ < 3)
            cr_expect(0, "%s %s %dT: y[%zu] fused %a, unfused %a", cc->what, act, threads, i, fused[i], plain[i]);
        clamped += fused[i] == 0 || fused[i] == -0.25f || fused[i] == 0.3f;
    }
    cr_expect_eq(bad, 0, "%s %s %dT: %zu differ", cc->what, act, threads, bad);
    cr_expect_gt(clamped, ny / 8, "%s %s: the bounds bite (%zu of %zu)", cc->what, act, clamped, ny);
    free(fused);
    free(plain);
    free(w);
    free(bias);
    free(x);
    onr_model_free(m);
}

Test(fusion, fused_equals_unfused_on_every_conv_path)
{
    const conv_case cases[] = {
        {"1x1 GEMM", 4, {1, 24, 20, 21}, {40, 24, 1, 1}, 1, 1, 0},
        {"1x1 GEMM, big enough to split", 4, {1, 32, 56, 56}, {96, 32, 1, 1}, 1, 1, 0},
        {"3x3 im2col", 4, {2, 8, 17, 19}, {16, 8, 3, 3}, 1, 1, 1},
        {"3x3 im2col stride 2, groups", 4, {1, 16, 33, 31}, {32, 8, 3, 3}, 2, 2, 1},
        {"3x3 depthwise", 4, {1, 12, 29, 23}, {12, 1, 3, 3}, 12, 1, 1},
        {"3x3 depthwise stride 2", 4, {1, 12, 30, 30}, {12, 1, 3, 3}, 12, 2, 1},
        {"1-D direct depthwise", 3, {2, 6, 50}, {6, 1, 5}, 6, 1, 2},
        {"3-D im2col", 5, {1, 3, 6, 7, 8}, {4, 3, 3, 3, 3}, 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int t = 1; t <= 2; t++) {
            fused_equals_unfused(&cases[i], "Relu", t);
            fused_equals_unfused(&cases[i], "Clip", t);
        }
}
