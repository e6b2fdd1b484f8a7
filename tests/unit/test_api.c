/* test_api.c: the contract of the public API (include/onnxrun.h) as an embedder sees it:
 *  - every onr_status an embedder can meet is reachable, and err->code equals the returned status;
 *  - messages name the culprit (file, input, node, op, attribute, value);
 *  - every *_free accepts NULL, getters accept NULL/out-of-range and never crash, err may be NULL;
 *  - a failed call leaves *out NULL.
 * Models are built in C with tests/unit/model_builder (no exporter writes broken models). Values of the
 * one happy-path run are worked by hand: MaxPool 2x2 stride 2 over 0..15 in a 4x4 plane gives the
 * maximum of each quadrant, 5 7 13 15. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_builder.h"
#include "onnxrun.h"

#define TENSOR_STRING 8 /* onnx.TensorProto.STRING: valid ONNX, not an onnxrun dtype */

/* x (1,1,4,4) float -> MaxPool k2 s2 -> y (1,1,2,2) */
static mb *maxpool_model(void)
{
    mb *b = mb_new(13);
    mb_input(b, "x", ONR_DTYPE_FLOAT, 4, (int64_t[]){1, 1, -1, -1});
    Onnx__NodeProto *n = mb_node(b, "MaxPool", "pool1", "x", "y");
    mb_attr_ints(b, n, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_attr_ints(b, n, "strides", 2, (int64_t[]){2, 2});
    mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
    return b;
}

static onr_model *load_maxpool(void)
{
    mb *b = maxpool_model();
    onr_model *m = NULL;
    onr_error e = {0};
    cr_assert_eq(mb_load(b, NULL, &m, &e), ONR_OK, "%s", e.message);
    mb_free(b);
    return m;
}

static void assert_err(onr_status got, const onr_error *e, onr_status want, const char *const *names, size_t n_names,
                       const char *what)
{
    cr_assert_eq(got, want, "%s: got %s, want %s (%s)", what, onr_status_name(got), onr_status_name(want), e->message);
    cr_assert_eq(e->code, want, "%s: err->code differs from the returned status", what);
    for (size_t i = 0; i < n_names; i++)
        cr_assert_not_null(strstr(e->message, names[i]), "%s: message \"%s\" does not name \"%s\"", what, e->message,
                           names[i]);
}
#define NAMES(...) (const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

/* --- happy path ---------------------------------------------------------------------------------------- */

Test(api, maxpool_runs_and_replans)
{
    onr_model *m = load_maxpool();
    onr_session *s = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);

    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)i;
    onr_tensor in = {.name = "x", .dtype = ONR_DTYPE_FLOAT, .rank = 4, .dims = {1, 1, 4, 4}, .data = x};
    onr_tensor out;
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_str_eq(out.name, "y");
    cr_assert_eq(out.rank, 4);
    cr_assert_eq(out.dims[2], 2);
    cr_assert_eq(out.dims[3], 2);
    const float want[4] = {5, 7, 13, 15};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(((float *)out.data)[i], want[i], "y[%d]", i);

    /* A new spatial size re-plans: 2x6 -> 1x3 windows, maxima 7 9 11 (x[i] = i, rows 0..5 and 6..11). */
    in.dims[2] = 2;
    in.dims[3] = 6;
    const char *names[] = {"y"};
    cr_assert_eq(onr_session_run(s, &in, 1, names, &out, 1, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(out.dims[2], 1);
    cr_assert_eq(out.dims[3], 3);
    const float want2[3] = {7, 9, 11};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(((float *)out.data)[i], want2[i], "replanned y[%d]", i);
    onr_session_free(s);
    onr_model_free(m);
}

Test(api, model_introspection)
{
    onr_model *m = load_maxpool();
    cr_assert_eq(onr_model_input_count(m), 1);
    const onr_value_info *x = onr_model_input(m, 0);
    cr_assert_str_eq(x->name, "x");
    cr_assert_eq(x->dtype, ONR_DTYPE_FLOAT);
    cr_assert_eq(x->rank, 4);
    cr_assert_eq(x->dims[1], 1);
    cr_assert_eq(x->dims[2], -1); /* symbolic */
    cr_assert_null(onr_model_input(m, 1));
    cr_assert_eq(onr_model_output_count(m), 1);
    cr_assert_str_eq(onr_model_output(m, 0)->name, "y");
    cr_assert_null(onr_model_output(m, 1));
    cr_assert_eq(onr_model_node_count(m), 1);
    const onr_node_info *n = onr_model_node(m, 0);
    cr_assert_str_eq(n->name, "pool1");
    cr_assert_str_eq(n->op_type, "MaxPool");
    cr_assert_str_eq(n->domain, "");
    cr_assert_eq(n->opset, 13);
    cr_assert_eq(n->n_inputs, 1);
    cr_assert_str_eq(n->inputs[0], "x");
    cr_assert_str_eq(n->outputs[0], "y");
    cr_assert_null(onr_model_node(m, 1));
    cr_assert_geq(onr_model_opset_count(m), 1);
    cr_assert_null(onr_model_opset(m, onr_model_opset_count(m)));
    cr_assert_eq(onr_model_ir_version(m), 8);
    cr_assert_not_null(onr_model_producer(m));
    cr_assert_eq(onr_model_initializer_count(m), 0);
    cr_assert_null(onr_model_initializer(m, "x"));
    cr_assert_null(onr_model_initializer_at(m, 0));
    onr_model_free(m);
}

/* --- every status reachable, messages name the culprit ------------------------------------------------ */

Test(api, io_error_names_the_file)
{
    onr_model *m = (onr_model *)&m;
    onr_error e = {0};
    onr_status st = onr_model_load_file("/nonexistent/dir/model.onnx", &m, &e);
    assert_err(st, &e, ONR_E_IO, NAMES("/nonexistent/dir/model.onnx"), "missing model file");
    cr_assert_null(m);
    onr_tensor *t = (onr_tensor *)&t;
    st = onr_tensor_load("/nonexistent/x.npy", &t, &e);
    assert_err(st, &e, ONR_E_IO, NAMES("/nonexistent/x.npy"), "missing tensor file");
    cr_assert_null(t);
}

Test(api, parse_errors)
{
    onr_model *m = (onr_model *)&m;
    onr_error e = {0};
    const unsigned char junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_err(onr_model_load_buffer(junk, sizeof junk, NULL, &m, &e), &e, ONR_E_PARSE, NULL, 0, "junk bytes");
    cr_assert_null(m);
    assert_err(onr_model_load_buffer(junk, 0, NULL, &m, &e), &e, ONR_E_PARSE, NULL, 0, "empty buffer");
    cr_assert_null(m);

    /* Truncations of a real model fail cleanly: a prefix cut inside a field is a parse error; a prefix
     * that ends on a field boundary may decode and is then judged by validation (the last 6 bytes are
     * the opset_import, so the 133-byte prefix is a model without one). No crash, no leak either way. */
    mb *b = maxpool_model();
    size_t len;
    uint8_t *bytes = mb_pack(b, &len);
    for (size_t n = 0; n < len; n++) {
        onr_status st = onr_model_load_buffer(bytes, n, NULL, &m, &e);
        if (st == ONR_OK) {
            cr_assert_eq(n, len - 6, "prefix of %zu/%zu bytes accepted", n, len);
            onr_model_free(m);
            continue;
        }
        cr_assert_null(m);
        cr_assert_eq(e.code, st);
        cr_assert_neq(e.message[0], '\0');
    }
    free(bytes);
    mb_free(b);
}

typedef void (*breaker)(mb *b);

static void dangling_input(mb *b)
{
    Onnx__NodeProto *n = mb_node(b, "MaxPool", "r", "nowhere", "z");
    mb_attr_ints(b, n, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_output(b, "z", ONR_DTYPE_FLOAT, -1, NULL);
}
static void output_not_produced(mb *b)
{
    mb_output(b, "ghost", ONR_DTYPE_FLOAT, -1, NULL);
}
static void bad_attribute(mb *b)
{
    Onnx__NodeProto *n = mb_node(b, "MaxPool", "pool2", "x", "z");
    mb_attr_ints(b, n, "kernel_shape", 2, (int64_t[]){2, 0});
    mb_output(b, "z", ONR_DTYPE_FLOAT, -1, NULL);
}
static void unknown_op(mb *b)
{
    mb_node(b, "FrobnicateX", "frob", "x", "z");
    mb_output(b, "z", ONR_DTYPE_FLOAT, -1, NULL);
}
static void string_input(mb *b)
{
    mb_input(b, "words", TENSOR_STRING, 1, (int64_t[]){3});
}
static void undeclared_domain(mb *b)
{
    Onnx__NodeProto *n = mb_node(b, "MaxPool", "r", "x", "z");
    mb_attr_ints(b, n, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_node_domain(b, n, "com.example");
    mb_output(b, "z", ONR_DTYPE_FLOAT, -1, NULL);
}

static const struct {
    const char *what;
    breaker brk;
    onr_status want;
    const char *names[2];
} broken[] = {
    {"dangling input", dangling_input, ONR_E_INVALID_MODEL, {"nowhere", NULL}},
    {"output not produced", output_not_produced, ONR_E_INVALID_MODEL, {"ghost", NULL}},
    {"kernel_shape 0", bad_attribute, ONR_E_INVALID_MODEL, {"pool2", "kernel_shape"}},
    {"undeclared domain", undeclared_domain, ONR_E_INVALID_MODEL, {"com.example", NULL}},
    {"unknown op", unknown_op, ONR_E_UNSUPPORTED, {"FrobnicateX", NULL}},
    {"string input", string_input, ONR_E_UNSUPPORTED, {"words", NULL}},
};

Test(api, invalid_and_unsupported_models_name_the_culprit)
{
    for (size_t c = 0; c < sizeof broken / sizeof broken[0]; c++) {
        mb *b = maxpool_model();
        broken[c].brk(b);
        onr_model *m = (onr_model *)&m;
        onr_session *s = NULL;
        onr_error e = {0};
        onr_status st = mb_load(b, NULL, &m, &e);
        if (st == ONR_OK) { /* some defects may only show when the session plans */
            st = onr_session_new(m, NULL, &s, &e);
            onr_session_free(s);
            onr_model_free(m);
            m = NULL;
        }
        cr_assert_null(m, "%s", broken[c].what);
        size_t n = broken[c].names[1] ? 2 : 1;
        assert_err(st, &e, broken[c].want, broken[c].names, n, broken[c].what);
        mb_free(b);
    }
}

Test(api, invalid_arguments_name_the_input)
{
    onr_model *m = load_maxpool();
    onr_session *s = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_session_new(m, NULL, &s, &e), ONR_OK, "%s", e.message);
    float x[16] = {0};
    int32_t xi[16] = {0};
    onr_tensor out;
    onr_tensor in = {.name = "x", .dtype = ONR_DTYPE_FLOAT, .rank = 4, .dims = {1, 1, 4, 4}, .data = x};

    onr_tensor t = in;
    t.name = "nope";
    assert_err(onr_session_run(s, &t, 1, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("nope"), "unknown input");
    t = in;
    t.dtype = ONR_DTYPE_INT32;
    t.data = xi;
    assert_err(onr_session_run(s, &t, 1, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("'x'", "int32"),
               "wrong dtype");
    t = in;
    t.dims[1] = 3; /* declared 1 */
    assert_err(onr_session_run(s, &t, 1, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("'x'", "shape"),
               "wrong shape");
    t = in;
    t.data = NULL;
    assert_err(onr_session_run(s, &t, 1, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("'x'", "NULL"),
               "NULL data");
    assert_err(onr_session_run(s, NULL, 0, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("'x'", "missing"),
               "missing input");
    const onr_tensor twice[2] = {in, in};
    assert_err(onr_session_run(s, twice, 2, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("'x'", "twice"),
               "input given twice");
    const char *bad_out[] = {"zzz"};
    assert_err(onr_session_run(s, &in, 1, bad_out, &out, 1, &e), &e, ONR_E_INVALID_ARG, NAMES("zzz"),
               "unknown output");
    assert_err(onr_session_run(s, &in, 1, NULL, &out, 2, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "too many outputs");
    assert_err(onr_session_run(NULL, &in, 1, NULL, &out, 1, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "NULL session");

    /* the session still works after every refusal */
    cr_assert_eq(onr_session_run(s, &in, 1, NULL, &out, 1, &e), ONR_OK, "%s", e.message);
    onr_session_free(s);

    onr_model *m2 = (onr_model *)&m2;
    assert_err(onr_model_load_file(NULL, &m2, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "NULL path");
    cr_assert_null(m2);
    assert_err(onr_model_load_buffer("x", 1, NULL, NULL, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "NULL out");
    assert_err(onr_model_load_buffer(NULL, 4, NULL, &m2, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "NULL data");
    cr_assert_null(m2);
    onr_session *s2 = (onr_session *)&s2;
    assert_err(onr_session_new(NULL, NULL, &s2, &e), &e, ONR_E_INVALID_ARG, NULL, 0, "NULL model");
    cr_assert_null(s2);
    onr_model_free(m);
}

Test(api, limits_give_nomem)
{
    onr_model *m = load_maxpool();
    onr_session *s = NULL;
    onr_error e = {0};
    /* y is (1,1,2,2) float = 16 bytes: a 15-byte tensor limit refuses it at plan time. */
    onr_options opt = {.max_tensor_bytes = 15};
    float x[16] = {0};
    onr_tensor in = {.name = "x", .dtype = ONR_DTYPE_FLOAT, .rank = 4, .dims = {1, 1, 4, 4}, .data = x};
    onr_tensor out;
    onr_status st = onr_session_new(m, &opt, &s, &e);
    if (st == ONR_OK)
        st = onr_session_run(s, &in, 1, NULL, &out, 1, &e);
    assert_err(st, &e, ONR_E_NOMEM, NAMES("limit"), "tensor limit");
    onr_session_free(s);
    s = NULL;

    /* an element count that overflows size_t */
    onr_tensor *t = (onr_tensor *)&t;
    int64_t huge[3] = {INT64_C(1) << 40, INT64_C(1) << 40, INT64_C(1) << 40};
    assert_err(onr_tensor_new(ONR_DTYPE_FLOAT, 3, huge, "big", &t, &e), &e, ONR_E_NOMEM, NAMES("big"),
               "overflowing tensor");
    cr_assert_null(t);
    onr_model_free(m);
}

Test(api, status_names)
{
    const onr_status all[] = {ONR_OK,          ONR_E_IO,          ONR_E_PARSE, ONR_E_INVALID_MODEL, ONR_E_UNSUPPORTED,
                              ONR_E_INVALID_ARG, ONR_E_NOMEM, ONR_E_INTERNAL};
    const char *want[] = {"ONR_OK",          "ONR_E_IO",          "ONR_E_PARSE", "ONR_E_INVALID_MODEL", "ONR_E_UNSUPPORTED",
                          "ONR_E_INVALID_ARG", "ONR_E_NOMEM", "ONR_E_INTERNAL"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cr_assert_str_eq(onr_status_name(all[i]), want[i]);
    cr_assert_not_null(onr_status_name((onr_status)99));
    cr_assert_str_eq(onr_version(), ONR_VERSION_STRING);
}

Test(api, dtype_table)
{
    const struct {
        onr_dtype t;
        const char *name;
        size_t size;
    } table[] = {{ONR_DTYPE_FLOAT, "float", 4},   {ONR_DTYPE_UINT8, "uint8", 1},     {ONR_DTYPE_INT8, "int8", 1},
                 {ONR_DTYPE_UINT16, "uint16", 2}, {ONR_DTYPE_INT16, "int16", 2},     {ONR_DTYPE_INT32, "int32", 4},
                 {ONR_DTYPE_INT64, "int64", 8},   {ONR_DTYPE_BOOL, "bool", 1},       {ONR_DTYPE_FLOAT16, "float16", 2},
                 {ONR_DTYPE_DOUBLE, "double", 8}, {ONR_DTYPE_UINT32, "uint32", 4},   {ONR_DTYPE_UINT64, "uint64", 8},
                 {ONR_DTYPE_BFLOAT16, "bfloat16", 2}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        cr_assert_str_eq(onr_dtype_name(table[i].t), table[i].name);
        cr_assert_eq(onr_dtype_size(table[i].t), table[i].size, "%s", table[i].name);
    }
    cr_assert_str_eq(onr_dtype_name(ONR_DTYPE_UNDEFINED), "undefined");
    cr_assert_str_eq(onr_dtype_name((onr_dtype)TENSOR_STRING), "undefined");
    cr_assert_eq(onr_dtype_size((onr_dtype)TENSOR_STRING), 0);
}

/* --- NULL safety ------------------------------------------------------------------------------------------ */

Test(api, free_null_and_null_getters)
{
    onr_model_free(NULL);
    onr_session_free(NULL);
    onr_tensor_free(NULL);
    cr_assert_eq(onr_model_input_count(NULL), 0);
    cr_assert_null(onr_model_input(NULL, 0));
    cr_assert_eq(onr_model_output_count(NULL), 0);
    cr_assert_null(onr_model_output(NULL, 0));
    cr_assert_eq(onr_model_node_count(NULL), 0);
    cr_assert_null(onr_model_node(NULL, 0));
    cr_assert_eq(onr_model_opset_count(NULL), 0);
    cr_assert_null(onr_model_opset(NULL, 0));
    cr_assert_not_null(onr_model_producer(NULL));
    cr_assert_eq(onr_model_initializer_count(NULL), 0);
    cr_assert_null(onr_model_initializer(NULL, "w"));
    cr_assert_null(onr_model_initializer_at(NULL, 0));
    const onr_tensor *vals = NULL;
    const uint64_t *prof = NULL;
    cr_assert_eq(onr_session_values(NULL, &vals), 0);
    cr_assert_eq(onr_session_profile(NULL, &prof), 0);
    cr_assert_eq(onr_tensor_count(NULL), 0);
    cr_assert_eq(onr_tensor_bytes(NULL), 0);
}

/* err == NULL is allowed everywhere: failures still return their status. */
Test(api, null_err_is_allowed)
{
    onr_model *m = NULL;
    onr_tensor *t = NULL;
    cr_assert_eq(onr_model_load_file("/nonexistent/model.onnx", &m, NULL), ONR_E_IO);
    cr_assert_eq(onr_model_load_buffer("\xff", 1, NULL, &m, NULL), ONR_E_PARSE);
    cr_assert_eq(onr_tensor_parse_npy("x", 1, &t, NULL), ONR_E_PARSE);
    cr_assert_eq(onr_tensor_load("/nonexistent/x.npy", &t, NULL), ONR_E_IO);
    cr_assert_eq(onr_tensor_save_npy(NULL, "/tmp/x.npy", NULL), ONR_E_INVALID_ARG);
    cr_assert_eq(onr_session_new(NULL, NULL, NULL, NULL), ONR_E_INVALID_ARG);
    cr_assert_eq(onr_session_run(NULL, NULL, 0, NULL, NULL, 0, NULL), ONR_E_INVALID_ARG);
    m = load_maxpool();
    onr_session *s = NULL;
    cr_assert_eq(onr_session_new(m, NULL, &s, NULL), ONR_OK);
    onr_tensor out;
    cr_assert_eq(onr_session_run(s, NULL, 0, NULL, &out, 1, NULL), ONR_E_INVALID_ARG);
    onr_session_free(s);
    onr_model_free(m);
}

/* The model file path: load_file resolves like load_buffer and names the file in parse errors. */
Test(api, load_file_round_trip)
{
    char dir[] = "/tmp/onr_api_XXXXXX", path[64], junk[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/m.onnx", dir);
    snprintf(junk, sizeof junk, "%s/junk.onnx", dir);
    mb *b = maxpool_model();
    cr_assert_eq(mb_write(b, path), 0);
    mb_free(b);
    FILE *f = fopen(junk, "wb");
    cr_assert_not_null(f);
    fputs("not a model", f);
    fclose(f);

    onr_model *m = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_model_load_file(path, &m, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(onr_model_node_count(m), 1);
    onr_model_free(m);
    m = (onr_model *)&m;
    onr_status st = onr_model_load_file(junk, &m, &e);
    cr_assert_neq(st, ONR_OK);
    cr_assert_null(m);
    cr_assert_not_null(strstr(e.message, "junk.onnx"), "%s", e.message);
    unlink(path);
    unlink(junk);
    rmdir(dir);
}
