/* test_engine.c: the graph engine's promises, checked through the public API (and the session's arena
 * size, read from the internal struct): re-planning when input shapes change, buffer reuse by liveness,
 * aliasing of reshape-like outputs, folding of PyTorch's shape subgraph, run-time shaping of nodes whose
 * output shape depends on data, keep_values, nodes given out of order, and the allocator hook. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/session.h"
#include "model_builder.h"
#include "onnxrun.h"
#include "session_helpers.h"

/* x -> Relu -> Neg -> Neg ... : y = (-1)^(n-1) relu(x), so a wrong buffer shows as a wrong sign. */
static onr_model *chain(int n_nodes, int rank, const int64_t *dims)
{
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, rank, dims);
    char in[16] = "x", out[16];
    for (int i = 0; i < n_nodes; i++) {
        snprintf(out, sizeof out, i == n_nodes - 1 ? "y" : "v%d", i);
        mb_node(b, i ? "Neg" : "Relu", NULL, in, out);
        memcpy(in, out, sizeof in);
    }
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    return load(b);
}

Test(engine, buffers_are_reused_by_liveness)
{
    const int64_t dims[] = {1, 1, 64, 64}; /* 16 KiB per value */
    onr_model *m = chain(10, 4, dims);
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    /* planned at creation (fixed input shape): at most two 16 KiB values are ever alive at once */
    cr_assert(s->planned);
    cr_assert_leq(s->arena_bytes, 2 * 16384u, "arena %zu bytes for 9 intermediates of 16 KiB", s->arena_bytes);
    float *x = malloc(4096 * sizeof *x);
    for (int i = 0; i < 4096; i++)
        x[i] = (float)(i % 7) - 3.0f;
    onr_tensor in = f32("x", 4, dims, x), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    /* Relu then 9 Neg: -relu(x) */
    const float *y = out.data;
    for (int i = 0; i < 4096; i++)
        cr_assert_float_eq(y[i], x[i] > 0 ? -x[i] : -0.0f, 0, "y[%d]", i);
    free(x);
    onr_session_free(s);
    onr_model_free(m);
}

Test(engine, replans_when_input_shape_changes)
{
    const int64_t sym[] = {-1, 3}; /* symbolic batch */
    onr_model *m = chain(3, 2, sym);
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    cr_assert(!s->planned, "a symbolic input cannot be planned before the first run");
    float x1[3] = {1, -2, 3}, x2[6] = {-1, 2, -3, 4, -5, 6};
    onr_tensor in = f32("x", 2, (int64_t[]){1, 3}, x1), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(out.dims[0], 1);
    const float want1[] = {1, 0, 3};
    for (int i = 0; i < 3; i++)
        cr_assert_float_eq(((float *)out.data)[i], want1[i], 0);
    in = f32("x", 2, (int64_t[]){2, 3}, x2);
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(out.rank, 2);
    cr_assert_eq(out.dims[0], 2);
    const float want2[] = {0, 2, 0, 4, 0, 6};
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(((float *)out.data)[i], want2[i], 0);
    /* a fixed dim that does not match is refused naming the input and the expected shape */
    in = f32("x", 2, (int64_t[]){2, 4}, x2);
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_E_INVALID_ARG);
    cr_assert_not_null(strstr(e.message, "input 'x'"), "%s", e.message);
    cr_assert_not_null(strstr(e.message, "[-1,3]"), "%s", e.message);
    onr_session_free(s);
    onr_model_free(m);
}

Test(engine, reshape_aliases_its_input)
{
    /* x -> Relu -> Reshape(const shape) -> Neg: Reshape's output shares Relu's block */
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, 2, (int64_t[]){64, 64});
    mb_init(b, "shape", ONR_DTYPE_INT64, 1, (int64_t[]){1}, (int64_t[]){4096}, 8);
    mb_node(b, "Relu", NULL, "x", "r");
    mb_node(b, "Reshape", NULL, "r,shape", "flat");
    mb_node(b, "Neg", NULL, "flat", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    cr_assert_leq(s->arena_bytes, 2 * 16384u, "arena %zu: the reshape must not take a block of its own",
                  s->arena_bytes);
    float *x = malloc(4096 * sizeof *x);
    for (int i = 0; i < 4096; i++)
        x[i] = (float)i - 2048.0f;
    onr_tensor in = f32("x", 2, (int64_t[]){64, 64}, x), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(out.rank, 1);
    cr_assert_eq(out.dims[0], 4096);
    for (int i = 0; i < 4096; i++)
        cr_assert_float_eq(((float *)out.data)[i], x[i] > 0 ? -x[i] : -0.0f, 0);
    free(x);
    onr_session_free(s);
    onr_model_free(m);
}

Test(engine, folds_pytorch_view_subgraph)
{
    /* x.view(x.size(0), -1) as the PyTorch exporter writes it, nodes deliberately listed backwards:
     * Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape. */
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, (int64_t[]){2, 3, 2, 2});
    mb_init(b, "zero", ONR_DTYPE_INT64, 0, NULL, (int64_t[]){0}, 8);
    mb_init(b, "axes", ONR_DTYPE_INT64, 1, (int64_t[]){1}, (int64_t[]){0}, 8);
    mb_init(b, "minus1", ONR_DTYPE_INT64, 1, (int64_t[]){1}, (int64_t[]){-1}, 8);
    mb_node(b, "Reshape", NULL, "x,target", "y");
    Onnx__NodeProto *cat = mb_node(b, "Concat", NULL, "n1,minus1", "target");
    mb_attr_int(b, cat, "axis", 0);
    mb_node(b, "Unsqueeze", NULL, "n,axes", "n1");
    Onnx__NodeProto *g = mb_node(b, "Gather", NULL, "shp,zero", "n");
    mb_attr_int(b, g, "axis", 0);
    mb_node(b, "Shape", NULL, "x", "shp");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    /* topological order: Shape first, Reshape last */
    cr_assert_str_eq(onr_model_node(m, 0)->op_type, "Shape");
    cr_assert_str_eq(onr_model_node(m, 4)->op_type, "Reshape");
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    for (int k = 0; k < 4; k++)
        cr_assert(s->pn[k].folded, "node %d (%s) must be folded at plan time", k, onr_model_node(m, k)->op_type);
    cr_assert(!s->pn[4].folded);
    float x[24];
    for (int i = 0; i < 24; i++)
        x[i] = (float)i;
    onr_tensor in = f32("x", 4, (int64_t[]){2, 3, 2, 2}, x), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(out.rank, 2);
    cr_assert_eq(out.dims[0], 2);
    cr_assert_eq(out.dims[1], 12);
    for (int i = 0; i < 24; i++)
        cr_assert_float_eq(((float *)out.data)[i], x[i], 0);
    onr_session_free(s);
    onr_model_free(m);
}

Test(engine, shapes_from_runtime_data)
{
    /* Reshape's target shape is a graph input: the node is shaped at run time, every run. */
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, 2, (int64_t[]){4, 6});
    mb_input(b, "shape", ONR_DTYPE_INT64, 1, (int64_t[]){2});
    mb_node(b, "Reshape", NULL, "x,shape", "r");
    mb_node(b, "Relu", NULL, "r", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    float x[24];
    for (int i = 0; i < 24; i++)
        x[i] = (float)(i - 12);
    const int64_t shapes[][2] = {{8, 3}, {2, 12}, {-1, 4}};
    const int64_t want_rows[] = {8, 2, 6};
    for (int r = 0; r < 3; r++) {
        onr_tensor in[2] = {f32("x", 2, (int64_t[]){4, 6}, x),
                            {.name = "shape", .dtype = ONR_DTYPE_INT64, .rank = 1, .dims = {2},
                             .data = (void *)shapes[r]}};
        onr_tensor out;
        cr_assert_eq(onr_session_run(s, in, 2, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
        cr_assert_eq(out.dims[0], want_rows[r], "run %d", r);
        cr_assert_eq(out.dims[0] * out.dims[1], 24);
        for (int i = 0; i < 24; i++)
            cr_assert_float_eq(((float *)out.data)[i], x[i] > 0 ? x[i] : 0, 0);
    }
    onr_session_free(s);
    onr_model_free(m);
}

Test(engine, keep_values_keeps_every_intermediate)
{
    const int64_t dims[] = {1, 8};
    onr_model *m = chain(4, 2, dims);
    onr_options opt = {.keep_values = 1};
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, &opt, &s, &e), ONR_OK, "%s", e.message);
    float x[8] = {-4, -3, -2, -1, 1, 2, 3, 4};
    onr_tensor in = f32("x", 2, dims, x), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    const onr_tensor *vals;
    size_t n = onr_session_values(s, &vals);
    cr_assert_eq(n, 4);
    /* v0 = relu(x), v1 = -v0, v2 = -v1, y = -v2: with buffer reuse v0 and v2 would share a block */
    for (int i = 0; i < 8; i++) {
        float r = x[i] > 0 ? x[i] : 0;
        cr_assert_float_eq(((float *)vals[0].data)[i], r, 0);
        cr_assert_float_eq(((float *)vals[1].data)[i], -r, 0);
        cr_assert_float_eq(((float *)vals[2].data)[i], r, 0);
        cr_assert_float_eq(((float *)vals[3].data)[i], -r, 0);
    }
    cr_assert_str_eq(vals[0].name, "v0");
    cr_assert_str_eq(vals[3].name, "y");
    onr_session_free(s);
    onr_model_free(m);
}

typedef struct {
    int allocs, frees;
} counting;

static void *count_alloc(void *ctx, size_t size, size_t align)
{
    void *p = NULL;
    ((counting *)ctx)->allocs++;
    return posix_memalign(&p, align, size) == 0 ? p : NULL;
}

static void count_free(void *ctx, void *p)
{
    ((counting *)ctx)->frees++;
    free(p);
}

Test(engine, allocator_hook_owns_activation_memory)
{
    const int64_t dims[] = {2, 2};
    onr_model *m = chain(3, 2, dims);
    counting c = {0};
    onr_allocator a = {.alloc = count_alloc, .free = count_free, .ctx = &c};
    onr_options opt = {.allocator = &a};
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, &opt, &s, &e), ONR_OK, "%s", e.message);
    float x[4] = {1, -1, 2, -2};
    onr_tensor in = f32("x", 2, dims, x), out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_float_eq(((float *)out.data)[2], 2, 0);
    cr_assert_gt(c.allocs, 0);
    onr_session_free(s);
    cr_assert_eq(c.allocs, c.frees, "every block allocated through the hook is freed through it");
    onr_allocator half = {.alloc = count_alloc};
    opt.allocator = &half;
    cr_assert_eq(onr_session_new(m, &opt, &s, &e), ONR_E_INVALID_ARG);
    onr_model_free(m);
}

Test(engine, graph_input_and_initializer_as_outputs)
{
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, 1, (int64_t[]){2});
    mb_init_f32(b, "w", 1, (int64_t[]){2}, (float[]){5, 6});
    mb_node(b, "Relu", NULL, "x", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    mb_output(b, "x", ONR_DTYPE_FLOAT, -1, NULL);
    mb_output(b, "w", ONR_DTYPE_FLOAT, -1, NULL);
    onr_model *m = load(b);
    onr_session *s;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    float x[2] = {-1, 1};
    onr_tensor in = f32("x", 1, (int64_t[]){2}, x), out[3];
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, out, 3, &e), ONR_OK, "%s", e.message);
    cr_assert_float_eq(((float *)out[0].data)[0], 0, 0);
    cr_assert_float_eq(((float *)out[1].data)[0], -1, 0);
    cr_assert_float_eq(((float *)out[2].data)[1], 6, 0);
    const char *names[] = {"w"};
    cr_assert_eq(onr_session_run(s, &in, 1, names, out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_str_eq(out[0].name, "w");
    names[0] = "nope";
    cr_assert_eq(onr_session_run(s, &in, 1, names, out, 1, &e), ONR_E_INVALID_ARG);
    cr_assert_not_null(strstr(e.message, "'nope'"), "%s", e.message);
    onr_session_free(s);
    onr_model_free(m);
}
