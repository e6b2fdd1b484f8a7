/* test_hostile_models.c: hostile and broken models never crash the runner or its host. Each case builds
 * a model with model_builder (or damages a real one), pushes it through load -> session -> run, and
 * checks that the first failure has the right onr_status and a message naming the culprit (a substring
 * of the message). Cases that must succeed (ONR_OK) pin the edge where valid ONNX ends.
 *
 * Rules come from the ONNX spec (IR.md: names are SSA, the graph is acyclic, raw_data holds exactly the
 * elements, external data paths are relative to the model folder), the pooling rules of
 * /work/shared/ONNX-POOLING.md §9 (mandated errors) and DESIGN.md (unsupported vs invalid, limits).
 * Under -Db_sanitize=address every case is also a leak check of the error paths. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_builder.h"
#include "onnxrun.h"
#include "ops/op.h"

#define F ONR_DTYPE_FLOAT
#define BIG ((int64_t)1 << 40)

/* --- the pipeline ------------------------------------------------------------------------------------ */

enum { AT_LOAD = 1, AT_SESSION, AT_RUN };
static const char *const phase_name[] = {"", "load", "session_new", "run"};

typedef struct outcome {
    onr_status st;
    int phase; /* where it failed; 0 when everything succeeded */
    onr_error err;
} outcome;

/* Binds a zero-filled tensor of every input's declared shape (symbolic dims: 1) and runs. */
static onr_status run_declared(onr_session *s, const onr_model *m, onr_error *err)
{
    size_t n_in = onr_model_input_count(m), n_out = onr_model_output_count(m);
    onr_tensor *owned[16] = {0}, in[16], out[16];
    onr_status st = ONR_OK;
    cr_assert(n_in <= 16 && n_out <= 16);
    for (size_t i = 0; i < n_in && st == ONR_OK; i++) {
        const onr_value_info *d = onr_model_input(m, i);
        int64_t dims[ONR_MAX_RANK];
        for (int32_t k = 0; k < d->rank; k++)
            dims[k] = d->dims[k] < 0 ? 1 : d->dims[k];
        st = onr_tensor_new(d->dtype ? d->dtype : F, d->rank < 0 ? 0 : d->rank, dims, d->name, &owned[i], err);
        if (st == ONR_OK)
            in[i] = *owned[i];
    }
    if (st == ONR_OK)
        st = onr_session_run(s, in, n_in, NULL, out, n_out, err);
    for (size_t i = 0; i < n_in; i++)
        onr_tensor_free(owned[i]);
    return st;
}

static outcome pipeline(mb *b, const char *base_dir, const onr_options *opt)
{
    outcome o = {0};
    onr_model *m = NULL;
    onr_session *s = NULL;
    memset(&o.err, 0, sizeof o.err);
    o.st = mb_load(b, base_dir, &m, &o.err);
    if (o.st != ONR_OK) {
        cr_expect_null(m, "a failed load must leave *out NULL");
        o.phase = AT_LOAD;
        return o;
    }
    o.st = onr_session_new(m, opt, &s, &o.err);
    if (o.st != ONR_OK) {
        cr_expect_null(s, "a failed session_new must leave *out NULL");
        o.phase = AT_SESSION;
    } else {
        o.st = run_declared(s, m, &o.err);
        o.phase = o.st != ONR_OK ? AT_RUN : 0;
    }
    onr_session_free(s);
    onr_model_free(m);
    return o;
}

/* With ONR_HOSTILE_DUMP=DIR in the environment, a case that must fail under the default options is also
 * written to DIR/<rule>.onnx (rule with every non-alphanumeric byte as '_'), so that
 * tests/cli/check_hostile_cli.sh can check that `onnxrun run` answers each one with an exit status and one
 * line on stderr: the CLI path a user takes, on the very models this table checks through the API. */
static void dump_case(mb *b, const char *rule, onr_status want, const onr_options *opt)
{
    const char *dir = getenv("ONR_HOSTILE_DUMP");
    if (!dir || !*dir || want == ONR_OK || (opt && (opt->max_tensor_bytes || opt->max_activation_bytes)))
        return;
    char name[200], path[PATH_MAX];
    size_t k = 0;
    for (const char *r = rule; *r && k + 1 < sizeof name; r++)
        name[k++] = (char)((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') || (*r >= '0' && *r <= '9') ? *r
                                                                                                              : '_');
    name[k] = '\0';
    snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
    cr_assert_eq(mb_write(b, path), 0, "cannot write %s", path);
}

static void expect_outcome(const char *rule, outcome o, onr_status want, int want_phase, const char *msg,
                           const char *msg2)
{
    cr_log_info("%s -> %s at %s: %s", rule, onr_status_name(o.st), phase_name[o.phase], o.st ? o.err.message : "");
    if (want == ONR_OK) {
        cr_expect_eq(o.st, ONR_OK, "%s: expected success, got %s at %s: %s", rule, onr_status_name(o.st),
                     phase_name[o.phase], o.err.message);
        return;
    }
    cr_expect_eq(o.st, want, "%s: expected %s, got %s at %s: %s", rule, onr_status_name(want),
                 onr_status_name(o.st), phase_name[o.phase], o.st ? o.err.message : "(succeeded)");
    if (o.st == ONR_OK)
        return;
    cr_expect_eq(o.err.code, o.st, "%s: err.code %d != returned status %d", rule, o.err.code, o.st);
    if (want_phase)
        cr_expect_eq(o.phase, want_phase, "%s: failed at %s, expected at %s (%s)", rule, phase_name[o.phase],
                     phase_name[want_phase], o.err.message);
    if (msg)
        cr_expect(strstr(o.err.message, msg) != NULL, "%s: message \"%s\" does not mention \"%s\"", rule,
                  o.err.message, msg);
    if (msg2)
        cr_expect(strstr(o.err.message, msg2) != NULL, "%s: message \"%s\" does not mention \"%s\"", rule,
                  o.err.message, msg2);
}

/* Skips a case whose op is not registered yet (ops land independently); the skip is visible in the
 * report, so a missing op cannot pass silently for long. */
static void need_op(const char *op, int64_t opset)
{
    onr_error err;
    if (!onr_op_find("", op, opset, &err))
        cr_skip_test("op %s-%lld is not registered yet", op, (long long)opset);
}

/* --- windowed ops: MaxPool / AveragePool / Conv attributes ------------------------------------------ */

typedef struct attr_spec {
    const char *name;
    char kind; /* 'L' INTS, 'I' INT, 'S' STRING, 'F' FLOAT, 'V' FLOATS */
    int n;
    int64_t v[8];
    const char *s;
} attr_spec;

#define NVALS(...) ((int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)))
#define INTS(nm, ...) {nm, 'L', NVALS(__VA_ARGS__), {__VA_ARGS__}, NULL}
#define INT(nm, x) {nm, 'I', 1, {x}, NULL}
#define STR(nm, x) {nm, 'S', 0, {0}, x}
#define FLT(nm) {nm, 'F', 0, {0}, NULL}
#define FLTS(nm) {nm, 'V', 0, {0}, NULL}

typedef struct win_case {
    const char *rule;
    const char *op;
    int opset;
    int64_t x[4];    /* input (N, C, H, W) */
    int64_t w[4];    /* Conv weight (M, C/group, kH, kW); w[0] == 0: no weight */
    attr_spec attrs[5];
    onr_status want;
    int phase;
    const char *msg, *msg2;
} win_case;

#define K22 INTS("kernel_shape", 2, 2)
#define X44 {1, 1, 4, 4}
#define NOW {0, 0, 0, 0}
#define W22 {1, 1, 2, 2}

static const win_case win_cases[] = {
    /* §9: strides size n, every stride > 0 */
    {"MaxPool stride 0", "MaxPool", 12, X44, NOW, {K22, INTS("strides", 0, 1)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "strides", "node 'pool'"},
    {"MaxPool negative stride", "MaxPool", 12, X44, NOW, {K22, INTS("strides", 1, -3)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "strides", NULL},
    {"MaxPool stride INT64_MAX is valid: one window per axis", "MaxPool", 12, X44, NOW,
     {K22, INTS("strides", INT64_MAX, INT64_MAX)}, ONR_OK, 0, NULL, NULL},
    {"AveragePool stride 0", "AveragePool", 11, X44, NOW, {K22, INTS("strides", 1, 0)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "strides", NULL},
    {"MaxPool strides of the wrong length", "MaxPool", 12, X44, NOW, {K22, INTS("strides", 1, 1, 1)},
     ONR_E_INVALID_MODEL, AT_LOAD, "strides", NULL},
    /* §9: kernel_shape present, size n, every value > 0 */
    {"MaxPool kernel 0", "MaxPool", 12, X44, NOW, {INTS("kernel_shape", 0, 2)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "kernel_shape", NULL},
    {"MaxPool negative kernel", "MaxPool", 12, X44, NOW, {INTS("kernel_shape", 2, -2)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_shape", NULL},
    {"AveragePool kernel 0", "AveragePool", 11, X44, NOW, {INTS("kernel_shape", 0, 0)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_shape", NULL},
    {"MaxPool kernel INT64_MAX is larger than the padded input", "MaxPool", 12, X44, NOW,
     {INTS("kernel_shape", INT64_MAX, 2)}, ONR_E_INVALID_MODEL, AT_SESSION, "kernel 9223372036854775807", NULL},
    {"MaxPool kernel 5 on a 4x4 input", "MaxPool", 12, X44, NOW, {INTS("kernel_shape", 5, 5)},
     ONR_E_INVALID_MODEL, AT_SESSION, "kernel 5", "node 'pool'"},
    {"AveragePool kernel 5 on a 4x4 input", "AveragePool", 11, X44, NOW, {INTS("kernel_shape", 5, 1)},
     ONR_E_INVALID_MODEL, AT_SESSION, "kernel 5", NULL},
    {"MaxPool kernel 5 fits a 4x4 input padded by 1: valid", "MaxPool", 12, X44, NOW,
     {INTS("kernel_shape", 5, 5), INTS("pads", 1, 1, 0, 0)}, ONR_OK, 0, NULL, NULL},
    /* fuzz_run: SAME_UPPER with a kernel far wider than the row read 64 bytes outside a stack buffer in
     * the AVX-512 flat path (pool_simd_impl.h plane_flat); valid ONNX: out = ceil(in / s) */
    {"MaxPool SAME_UPPER kernel 65535 wide on a 4x4 input: valid", "MaxPool", 12, {1, 3, 4, 4}, NOW,
     {INTS("kernel_shape", 2, 65535), STR("auto_pad", "SAME_UPPER")}, ONR_OK, 0, NULL, NULL},
    /* fuzz_run: the same path with a kernel 2^31-1 wide read v[j - 2^30] (SEGV) and would have looped 2^31
     * taps per vector; flat mode now takes kernels up to its 32-float padding only */
    {"MaxPool SAME_LOWER kernel 2^31-1 wide on a 32x2 input: valid", "MaxPool", 12, {1, 3, 32, 2}, NOW,
     {INTS("kernel_shape", 10, 2147483647), STR("auto_pad", "SAME_LOWER")}, ONR_OK, 0, NULL, NULL},
    {"MaxPool kernel_shape missing", "MaxPool", 12, X44, NOW, {INTS("strides", 1, 1)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_shape", NULL},
    {"AveragePool kernel_shape missing", "AveragePool", 11, X44, NOW, {{0}}, ONR_E_INVALID_MODEL, AT_LOAD,
     "kernel_shape", NULL},
    {"MaxPool kernel_shape empty", "MaxPool", 12, X44, NOW, {{"kernel_shape", 'L', 0, {0}, NULL}},
     ONR_E_INVALID_MODEL, AT_LOAD, "kernel_shape", NULL},
    {"MaxPool 3-D kernel on a 2-D input", "MaxPool", 12, X44, NOW, {INTS("kernel_shape", 2, 2, 2)},
     ONR_E_INVALID_MODEL, AT_SESSION, "kernel_shape", NULL},
    /* §9: pads size 2n, every pad >= 0 (pad >= kernel is allowed by ONNX) */
    {"MaxPool negative pad", "MaxPool", 12, X44, NOW, {K22, INTS("pads", 0, -1, 0, 0)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "pads", NULL},
    {"AveragePool negative pad", "AveragePool", 11, X44, NOW, {K22, INTS("pads", 0, 0, 0, -7)},
     ONR_E_INVALID_MODEL, AT_LOAD, "pads", NULL},
    {"MaxPool odd pads count", "MaxPool", 12, X44, NOW, {K22, INTS("pads", 1, 1, 1)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "pads", NULL},
    {"MaxPool pads INT64_MAX overflow the padded size", "MaxPool", 12, X44, NOW,
     {K22, INTS("pads", INT64_MAX, 0, INT64_MAX, 0)}, ONR_E_INVALID_MODEL, AT_SESSION, "overflows", NULL},
    {"MaxPool pads 2^40 give an output over the tensor limit", "MaxPool", 12, X44, NOW,
     {K22, INTS("pads", BIG, 0, 0, 0)}, ONR_E_NOMEM, AT_SESSION, "tensor limit", "'y'"},
    /* fuzz_run: an empty batch made [0, 3, 2^62+2, 69] pass the size check; the plane size overflowed */
    {"MaxPool pads 2^62 on an empty batch", "MaxPool", 12, {0, 3, 2, 28}, NOW,
     {INTS("kernel_shape", 3, 3), INTS("pads", 2, 41, (int64_t)1 << 62, 2)}, ONR_E_NOMEM, AT_SESSION, "overflows",
     "node 'pool'"},
    {"MaxPool pads with auto_pad", "MaxPool", 12, X44, NOW,
     {K22, INTS("pads", 1, 1, 1, 1), STR("auto_pad", "SAME_UPPER")}, ONR_E_INVALID_MODEL, AT_LOAD, "auto_pad",
     NULL},
    /* §9: dilations size n, every dilation > 0 */
    {"MaxPool dilation 0", "MaxPool", 12, X44, NOW, {K22, INTS("dilations", 0, 1)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "dilations", NULL},
    {"MaxPool negative dilation", "MaxPool", 12, X44, NOW, {K22, INTS("dilations", 1, -1)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "dilations", NULL},
    {"MaxPool dilation INT64_MAX overflows the dilated kernel", "MaxPool", 12, X44, NOW,
     {K22, INTS("dilations", INT64_MAX, 1)}, ONR_E_INVALID_MODEL, AT_SESSION, "dilation", NULL},
    {"MaxPool dilation 2^40 makes the window larger than the input", "MaxPool", 12, X44, NOW,
     {K22, INTS("dilations", BIG, 1)}, ONR_E_INVALID_MODEL, AT_SESSION, "dilation 1099511627776", NULL},
    {"AveragePool-11 has no dilations", "AveragePool", 11, X44, NOW, {K22, INTS("dilations", 1, 1)},
     ONR_E_INVALID_MODEL, AT_LOAD, "dilations", NULL},
    /* attribute types: the checker rejects a value of the wrong AttributeType */
    {"MaxPool kernel_shape as INT", "MaxPool", 12, X44, NOW, {INT("kernel_shape", 2)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_shape", NULL},
    {"MaxPool strides as FLOATS", "MaxPool", 12, X44, NOW, {K22, FLTS("strides")}, ONR_E_INVALID_MODEL, AT_LOAD,
     "strides", NULL},
    {"MaxPool auto_pad as INT", "MaxPool", 12, X44, NOW, {K22, INT("auto_pad", 1)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "auto_pad", NULL},
    {"MaxPool ceil_mode as FLOAT", "MaxPool", 12, X44, NOW, {K22, FLT("ceil_mode")}, ONR_E_INVALID_MODEL,
     AT_LOAD, "ceil_mode", NULL},
    {"AveragePool count_include_pad as STRING", "AveragePool", 11, X44, NOW,
     {K22, STR("count_include_pad", "yes")}, ONR_E_INVALID_MODEL, AT_LOAD, "count_include_pad", NULL},
    /* auto_pad is one of four strings */
    {"MaxPool auto_pad SAME", "MaxPool", 12, X44, NOW, {K22, STR("auto_pad", "SAME")}, ONR_E_INVALID_MODEL,
     AT_LOAD, "auto_pad", "SAME"},
    {"AveragePool auto_pad empty", "AveragePool", 11, X44, NOW, {K22, STR("auto_pad", "")}, ONR_E_INVALID_MODEL,
     AT_LOAD, "auto_pad", NULL},
    {"MaxPool ceil_mode 2", "MaxPool", 12, X44, NOW, {K22, INT("ceil_mode", 2)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "ceil_mode", NULL},
    {"MaxPool storage_order 5", "MaxPool", 12, X44, NOW, {K22, INT("storage_order", 5)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "storage_order", NULL},
    {"MaxPool unknown attribute", "MaxPool", 12, X44, NOW, {K22, INT("kernel_size", 2)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_size", NULL},
    /* §9: input rank >= 3 */
    {"MaxPool on a rank-2 input", "MaxPool", 12, {4, 4, -9, -9}, NOW, {K22}, ONR_E_INVALID_MODEL, AT_SESSION,
     NULL, NULL},
    /* Conv: the same geometry plus the weight */
    {"Conv stride 0", "Conv", 11, X44, W22, {INTS("strides", 0, 1)}, ONR_E_INVALID_MODEL, AT_LOAD, "strides",
     "node 'pool'"},
    {"Conv negative pad", "Conv", 11, X44, W22, {INTS("pads", -1, 0, 0, 0)}, ONR_E_INVALID_MODEL, AT_LOAD, "pads",
     NULL},
    {"Conv dilation 0", "Conv", 11, X44, W22, {INTS("dilations", 1, 0)}, ONR_E_INVALID_MODEL, AT_LOAD,
     "dilations", NULL},
    {"Conv dilation 2^40", "Conv", 11, X44, W22, {INTS("dilations", BIG, 1)}, ONR_E_INVALID_MODEL, AT_SESSION,
     "dilation", NULL},
    {"Conv kernel 0 in kernel_shape", "Conv", 11, X44, W22, {INTS("kernel_shape", 0, 2)}, ONR_E_INVALID_MODEL,
     AT_LOAD, "kernel_shape", NULL},
    {"Conv kernel_shape disagrees with the weight", "Conv", 11, X44, W22, {INTS("kernel_shape", 3, 3)},
     ONR_E_INVALID_MODEL, AT_SESSION, "kernel_shape", NULL},
    {"Conv weight 5x5 on a 4x4 input", "Conv", 11, X44, {1, 1, 5, 5}, {{0}}, ONR_E_INVALID_MODEL, AT_SESSION,
     "kernel 5", NULL},
    {"Conv pads 2^40 give an output over the tensor limit", "Conv", 11, X44, W22, {INTS("pads", BIG, 0, 0, 0)},
     ONR_E_NOMEM, AT_SESSION, "tensor limit", NULL},
    {"Conv group 0", "Conv", 11, X44, W22, {INT("group", 0)}, ONR_E_INVALID_MODEL, AT_LOAD, "group", NULL},
    {"Conv group -1", "Conv", 11, X44, W22, {INT("group", -1)}, ONR_E_INVALID_MODEL, AT_LOAD, "group", NULL},
    {"Conv group does not divide the channels", "Conv", 11, {1, 3, 4, 4}, {2, 1, 2, 2}, {INT("group", 2)},
     ONR_E_INVALID_MODEL, AT_SESSION, "group", NULL},
    {"Conv weight channels disagree with the input", "Conv", 11, {1, 3, 4, 4}, {1, 2, 2, 2}, {{0}},
     ONR_E_INVALID_MODEL, AT_SESSION, "channel", NULL},
    {"Conv auto_pad SAME", "Conv", 11, X44, W22, {STR("auto_pad", "SAME")}, ONR_E_INVALID_MODEL, AT_LOAD,
     "auto_pad", NULL},
    {"Conv strides as INT", "Conv", 11, X44, W22, {INT("strides", 1)}, ONR_E_INVALID_MODEL, AT_LOAD, "strides",
     NULL},
};

static void build_window(mb *b, const win_case *c)
{
    int rank = 0;
    while (rank < 4 && c->x[rank] >= 0)
        rank++;
    mb_opset(b, "", c->opset);
    mb_input(b, "x", F, rank, c->x);
    Onnx__NodeProto *n = mb_node(b, c->op, "pool", c->w[0] ? "x,w" : "x", "y");
    if (c->w[0]) {
        float wv[64] = {0};
        cr_assert(c->w[0] * c->w[1] * c->w[2] * c->w[3] <= 64);
        mb_init_f32(b, "w", 4, c->w, wv);
    }
    for (size_t i = 0; i < sizeof c->attrs / sizeof c->attrs[0] && c->attrs[i].name; i++) {
        const attr_spec *a = &c->attrs[i];
        switch (a->kind) {
        case 'L': mb_attr_ints(b, n, a->name, (size_t)a->n, a->v); break;
        case 'I': mb_attr_int(b, n, a->name, a->v[0]); break;
        case 'S': mb_attr_string(b, n, a->name, a->s); break;
        case 'F': mb_attr_float(b, n, a->name, 1.0f); break;
        case 'V': mb_attr_floats(b, n, a->name, 2, (const float[]){1.0f, 1.0f}); break;
        default: cr_assert_fail("bad attr kind");
        }
    }
    mb_output(b, "y", F, -1, NULL);
}

ParameterizedTestParameters(hostile, window_attrs)
{
    static size_t idx[sizeof win_cases / sizeof win_cases[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *i, hostile, window_attrs)
{
    const win_case *c = &win_cases[*i];
    need_op(c->op, c->opset);
    mb *b = mb_new(0);
    build_window(b, c);
    dump_case(b, c->rule, c->want, NULL);
    outcome o = pipeline(b, NULL, NULL);
    expect_outcome(c->rule, o, c->want, c->phase, c->msg, c->msg2);
    mb_free(b);
}

/* --- graph structure, opsets, tensors ----------------------------------------------------------------- */

typedef struct graph_case {
    const char *rule;
    void (*build)(mb *b);
    onr_status want;
    int phase;
    const char *msg, *msg2;
    uint64_t max_tensor_bytes, max_activation_bytes;
} graph_case;

static const int64_t d13[] = {1, 3};

/* x (1,3) -> Identity -> y: the smallest valid model, damaged by each case. */
static Onnx__NodeProto *identity_model(mb *b, int64_t opset)
{
    mb_opset(b, "", opset);
    mb_input(b, "x", F, 2, d13);
    Onnx__NodeProto *n = mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, 2, d13);
    return n;
}

static void g_valid(mb *b) { identity_model(b, 13); }
static void g_unknown_op(mb *b)
{
    identity_model(b, 13)->op_type = mb_strdup(b, "NoSuchOp");
}
static void g_unknown_domain(mb *b)
{
    Onnx__NodeProto *n = identity_model(b, 13);
    mb_opset(b, "com.example.secret", 1);
    mb_node_domain(b, n, "com.example.secret");
}
static void g_domain_not_imported(mb *b)
{
    mb_node_domain(b, identity_model(b, 13), "com.example.secret");
}
static void g_future_opset(mb *b) { identity_model(b, 999); }
static void g_opset_zero(mb *b) { identity_model(b, 0); }
static void g_opset_twice(mb *b) { identity_model(b, 13); mb_opset(b, "ai.onnx", 12); }
static void g_empty_op_type(mb *b) { identity_model(b, 13)->op_type = mb_strdup(b, ""); }
static void g_undefined_input(mb *b)
{
    identity_model(b, 13);
    mb_node(b, "Identity", "second", "nowhere", "z");
}
static void g_cycle(mb *b)
{
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 2, d13);
    mb_node(b, "Identity", "a", "b_out", "a_out");
    mb_node(b, "Identity", "b", "a_out", "b_out");
    mb_output(b, "b_out", F, 2, d13);
}
static void g_self_loop(mb *b)
{
    mb_opset(b, "", 13);
    mb_node(b, "Identity", "selfish", "loop", "loop");
    mb_output(b, "loop", F, 2, d13);
}
static void g_duplicate_graph_output(mb *b)
{
    identity_model(b, 13);
    mb_output(b, "y", F, 2, d13);
}
static void g_duplicate_node_output(mb *b)
{
    identity_model(b, 13);
    mb_node(b, "Identity", "again", "x", "y");
}
static void g_output_shadows_input(mb *b)
{
    identity_model(b, 13);
    mb_node(b, "Identity", "shadow", "y", "x");
}
static void g_output_shadows_initializer(mb *b)
{
    identity_model(b, 13);
    float v[3] = {1, 2, 3};
    mb_init_f32(b, "w", 2, d13, v);
    mb_node(b, "Identity", "shadow", "x", "w");
}
static void g_output_not_produced(mb *b)
{
    identity_model(b, 13);
    mb_output(b, "ghost", F, 2, d13);
}
static void g_no_outputs(mb *b)
{
    identity_model(b, 13);
    mb_graph(b)->n_output = 0;
}
static void g_no_graph(mb *b)
{
    identity_model(b, 13);
    mb_model(b)->graph = NULL;
}
static void g_input_twice(mb *b)
{
    identity_model(b, 13);
    mb_input(b, "x", F, 2, d13);
}
static void g_input_without_name(mb *b)
{
    identity_model(b, 13);
    mb_input(b, "", F, 2, d13);
}
static void g_too_many_inputs(mb *b)
{
    identity_model(b, 13);
    mb_node(b, "Identity", "two", "x,x", "z");
}
static void g_required_input_empty(mb *b)
{
    mb_opset(b, "", 13);
    mb_node(b, "Identity", "blank", "", "y");
    mb_output(b, "y", F, 2, d13);
}
static void g_negative_input_dim(mb *b)
{
    Onnx__ValueInfoProto *vi;
    identity_model(b, 13);
    vi = mb_graph(b)->input[0];
    vi->type->tensor_type->shape->dim[1]->dim_value = -5;
}
static void g_input_rank_9(mb *b)
{
    static const int64_t d9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 9, d9);
    mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, -1, NULL);
}
static void g_input_string_dtype(mb *b)
{
    mb_opset(b, "", 13);
    mb_input(b, "x", 8 /* STRING */, 2, d13);
    mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, -1, NULL);
}
static void g_huge_input(mb *b)
{
    static const int64_t d[2] = {(int64_t)1 << 20, (int64_t)1 << 20};
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 2, d);
    mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, -1, NULL);
}
static void g_input_dims_overflow(mb *b)
{
    static const int64_t d[3] = {BIG, BIG, BIG};
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 3, d);
    mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, -1, NULL);
}
static void g_activation_limit(mb *b)
{
    static const int64_t d[2] = {1000, 1000}; /* 4 MB per value, limit set to 1 MB below */
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 2, d);
    mb_node(b, "Identity", "a", "x", "t");
    mb_node(b, "Identity", "b", "t", "y");
    mb_output(b, "y", F, -1, NULL);
}

/* Plan-time folding: constants and the scratch of folded nodes count against max_activation_bytes. */
static void g_folded_conv_scratch(mb *b)
{
    static float x[8 * 40 * 40], w[8 * 32 * 32];
    need_op("Conv", 11);
    mb_opset(b, "", 11);
    mb_init_f32(b, "x", 4, (const int64_t[]){1, 8, 40, 40}, x);
    mb_init_f32(b, "w", 4, (const int64_t[]){1, 8, 32, 32}, w);
    mb_node(b, "Conv", "conv", "x,w", "y"); /* y is 9x9; an im2col row is 8192 taps = 32 KiB */
    mb_output(b, "y", F, -1, NULL);
}
static void g_folded_chain(mb *b)
{
    static float w[256 * 256];
    need_op("Add", 13);
    mb_opset(b, "", 13);
    mb_init_f32(b, "w", 2, (const int64_t[]){256, 256}, w);
    mb_node(b, "Add", "a1", "w,w", "t1"); /* each folded value is 256 KiB; the fifth passes 1 MiB */
    mb_node(b, "Add", "a2", "t1,t1", "t2");
    mb_node(b, "Add", "a3", "t2,t2", "t3");
    mb_node(b, "Add", "a4", "t3,t3", "t4");
    mb_node(b, "Add", "a5", "t4,t4", "y");
    mb_output(b, "y", F, -1, NULL);
}

/* Initializers (weights): the data must be exactly what the dims say. */
static void weight_model(mb *b)
{
    mb_opset(b, "", 13);
    mb_node(b, "Identity", "id", "w", "y");
    mb_output(b, "y", F, -1, NULL);
}
static void g_init_negative_dim(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 2, (const int64_t[]){-2, 2}, "\0\0\0\0", 4);
}
static void g_init_dims_overflow(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 3, (const int64_t[]){(int64_t)1 << 32, (int64_t)1 << 32, 16}, "\0\0\0\0", 4);
}
static void g_init_huge_dims_short_data(mb *b)
{
    weight_model(b); /* 4 TiB declared, 4 bytes given: refused before any allocation */
    mb_init(b, "w", F, 2, (const int64_t[]){BIG, 1}, "\0\0\0\0", 4);
}
static void g_init_raw_short(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 1, (const int64_t[]){3}, "\0\0\0\0\0\0\0\0", 8);
}
static void g_init_raw_long(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 1, (const int64_t[]){1}, "\0\0\0\0\0\0\0\0", 8);
}
static void g_init_float_data_count(mb *b)
{
    weight_model(b);
    Onnx__TensorProto *t = mb_init(b, "w", F, 1, (const int64_t[]){4}, NULL, 0);
    t->n_float_data = 3;
    t->float_data = mb_alloc(b, 3 * sizeof(float));
}
static void g_init_int64_data_count(mb *b)
{
    weight_model(b);
    Onnx__TensorProto *t = mb_init(b, "w", ONR_DTYPE_INT64, 2, (const int64_t[]){2, 2}, NULL, 0);
    t->n_int64_data = 5;
    t->int64_data = mb_alloc(b, 5 * sizeof(int64_t));
}
static void g_init_int32_data_count(mb *b)
{
    weight_model(b);
    Onnx__TensorProto *t = mb_init(b, "w", ONR_DTYPE_UINT8, 1, (const int64_t[]){2}, NULL, 0);
    t->n_int32_data = 1;
    t->int32_data = mb_alloc(b, sizeof(int32_t));
}
static void g_init_no_data(mb *b)
{
    weight_model(b);
    mb_init(b, "w", ONR_DTYPE_DOUBLE, 1, (const int64_t[]){2}, NULL, 0);
}
static void g_init_unknown_dtype(mb *b)
{
    weight_model(b);
    mb_init(b, "w", 99, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
}
static void g_init_string_dtype(mb *b)
{
    weight_model(b);
    mb_init(b, "w", 8, 1, (const int64_t[]){1}, NULL, 0);
}
static void g_init_no_dtype(mb *b)
{
    weight_model(b);
    mb_init(b, "w", 0, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
}
static void g_init_rank_9(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 9, (const int64_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1}, "\0\0\0\0", 4);
}
static void g_init_without_name(mb *b)
{
    weight_model(b);
    mb_init(b, "", F, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
}
static void g_init_twice(mb *b)
{
    weight_model(b);
    mb_init(b, "w", F, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
    mb_init(b, "w", F, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
}
static void g_init_external_without_folder(mb *b)
{
    weight_model(b);
    Onnx__TensorProto *t = mb_init(b, "w", F, 1, (const int64_t[]){1 << 28}, NULL, 0);
    mb_external(b, t, "w.bin", NULL, NULL);
}
static void g_init_segment(mb *b)
{
    weight_model(b);
    Onnx__TensorProto *t = mb_init(b, "w", F, 1, (const int64_t[]){1}, "\0\0\0\0", 4);
    t->segment = mb_alloc(b, sizeof *t->segment);
    onnx__tensor_proto__segment__init(t->segment);
}
static void g_sparse_initializer(mb *b)
{
    identity_model(b, 13);
    Onnx__GraphProto *g = mb_graph(b);
    Onnx__SparseTensorProto *sp = mb_alloc(b, sizeof *sp);
    onnx__sparse_tensor_proto__init(sp);
    g->sparse_initializer = mb_alloc(b, sizeof *g->sparse_initializer);
    g->sparse_initializer[0] = sp;
    g->n_sparse_initializer = 1;
}

/* Attributes the loader checks for every op. */
static void g_attr_without_name(mb *b) { mb_attr_int(b, identity_model(b, 13), "", 1); }
static void g_attr_twice(mb *b)
{
    Onnx__NodeProto *n = identity_model(b, 13);
    mb_attr_int(b, n, "alpha", 1);
    mb_attr_int(b, n, "alpha", 2);
}
static void g_attr_untyped_empty(mb *b)
{
    Onnx__AttributeProto *a = mb_attr_int(b, identity_model(b, 13), "hollow", 1);
    a->has_type = 0;
    a->has_i = 0;
}
static void g_attr_tensor_raw_short(mb *b)
{
    Onnx__TensorProto *t = mb_tensor(b, "", F, 1, (const int64_t[]){4}, "\0\0\0\0", 4);
    mb_attr_tensor(b, identity_model(b, 13), "value", t);
}
static void g_attr_ref_outside_function(mb *b)
{
    Onnx__AttributeProto *a = mb_attr_int(b, identity_model(b, 13), "alpha", 1);
    a->ref_attr_name = mb_strdup(b, "outer");
}
static void g_attr_graph_type(mb *b)
{
    mb_opset(b, "", 13);
    mb_input(b, "x", F, 2, d13);
    Onnx__NodeProto *n = mb_node(b, "Identity", "id", "x", "y");
    Onnx__AttributeProto *a = mb_attr_int(b, n, "body", 0);
    a->has_i = 0;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    a->g = mb_alloc(b, sizeof *a->g);
    onnx__graph_proto__init(a->g);
    mb_output(b, "y", F, 2, d13);
}
static void g_value_info_not_tensor(mb *b)
{
    identity_model(b, 13);
    Onnx__ValueInfoProto *vi = mb_input(b, "seq", F, 1, d13);
    vi->type->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
    vi->type->sequence_type = mb_alloc(b, sizeof *vi->type->sequence_type);
    onnx__type_proto__sequence__init(vi->type->sequence_type);
}

static const graph_case graph_cases[] = {
    {"control: a valid Identity model runs", g_valid, ONR_OK, 0, NULL, NULL, 0, 0},
    {"unknown op", g_unknown_op, ONR_E_UNSUPPORTED, AT_LOAD, "NoSuchOp", "node 'id'", 0, 0},
    {"unknown domain", g_unknown_domain, ONR_E_UNSUPPORTED, AT_LOAD, "com.example.secret", NULL, 0, 0},
    {"domain not in opset_import", g_domain_not_imported, ONR_E_INVALID_MODEL, AT_LOAD, "com.example.secret",
     "opset_import", 0, 0},
    {"future opset", g_future_opset, ONR_E_UNSUPPORTED, AT_LOAD, "999", "Identity", 0, 0},
    {"opset version 0", g_opset_zero, ONR_E_INVALID_MODEL, AT_LOAD, "opset_import", NULL, 0, 0},
    {"opset_import lists ai.onnx twice", g_opset_twice, ONR_E_INVALID_MODEL, AT_LOAD, "twice", NULL, 0, 0},
    {"empty op_type", g_empty_op_type, ONR_E_INVALID_MODEL, AT_LOAD, "op_type", NULL, 0, 0},
    {"undefined input", g_undefined_input, ONR_E_INVALID_MODEL, AT_LOAD, "'nowhere'", "node 'second'", 0, 0},
    {"two-node cycle", g_cycle, ONR_E_INVALID_MODEL, AT_LOAD, "cycle", NULL, 0, 0},
    {"a node reading its own output", g_self_loop, ONR_E_INVALID_MODEL, AT_LOAD, "cycle", "selfish", 0, 0},
    {"graph output listed twice", g_duplicate_graph_output, ONR_E_INVALID_MODEL, AT_LOAD, "'y'", "twice", 0, 0},
    {"two nodes write one value (SSA)", g_duplicate_node_output, ONR_E_INVALID_MODEL, AT_LOAD, "'y'",
     "node 'again'", 0, 0},
    {"a node output shadows a graph input", g_output_shadows_input, ONR_E_INVALID_MODEL, AT_LOAD, "'x'",
     "node 'shadow'", 0, 0},
    {"a node output shadows an initializer", g_output_shadows_initializer, ONR_E_INVALID_MODEL, AT_LOAD, "'w'",
     "node 'shadow'", 0, 0},
    {"graph output nobody produces", g_output_not_produced, ONR_E_INVALID_MODEL, AT_LOAD, "'ghost'", NULL, 0, 0},
    {"graph without outputs", g_no_outputs, ONR_E_INVALID_MODEL, AT_LOAD, "no outputs", NULL, 0, 0},
    {"model without graph", g_no_graph, ONR_E_INVALID_MODEL, AT_LOAD, "no graph", NULL, 0, 0},
    {"graph input listed twice", g_input_twice, ONR_E_INVALID_MODEL, AT_LOAD, "'x'", "twice", 0, 0},
    {"graph input without a name", g_input_without_name, ONR_E_INVALID_MODEL, AT_LOAD, "no name", NULL, 0, 0},
    {"Identity with two inputs", g_too_many_inputs, ONR_E_INVALID_MODEL, AT_LOAD, "2 inputs", "node 'two'", 0,
     0},
    {"required input left empty", g_required_input_empty, ONR_E_INVALID_MODEL, AT_LOAD, "input", "node 'blank'",
     0, 0},
    {"negative input dim", g_negative_input_dim, ONR_E_INVALID_MODEL, AT_LOAD, "'x'", "negative", 0, 0},
    {"input rank 9", g_input_rank_9, ONR_E_UNSUPPORTED, AT_LOAD, "'x'", "rank 9", 0, 0},
    {"input of string type", g_input_string_dtype, ONR_E_UNSUPPORTED, AT_LOAD, "'x'", "8", 0, 0},
    {"input type is a sequence", g_value_info_not_tensor, ONR_E_UNSUPPORTED, AT_LOAD, "'seq'", "tensor", 0, 0},
    {"huge declared input shape (4 TiB)", g_huge_input, ONR_E_NOMEM, AT_SESSION, "tensor limit", "node 'id'", 0,
     0},
    {"input dims whose product overflows", g_input_dims_overflow, ONR_E_INVALID_MODEL, AT_LOAD, "'x'",
     "[1099511627776,1099511627776,1099511627776]", 0, 0},
    {"activations over max_activation_bytes", g_activation_limit, ONR_E_NOMEM, AT_SESSION, "limit", NULL, 0,
     1 << 20},
    {"a value over max_tensor_bytes", g_activation_limit, ONR_E_NOMEM, AT_SESSION, "tensor limit", "'t'",
     1 << 20, 0},
    {"folded Conv whose scratch exceeds max_activation_bytes", g_folded_conv_scratch, ONR_E_NOMEM, AT_SESSION,
     "node 'conv'", "scratch", 0, 65536},
    {"constants folded past max_activation_bytes", g_folded_chain, ONR_E_NOMEM, AT_SESSION, "node 'a5'",
     "activation limit", 0, 1 << 20},
    {"initializer with a negative dim", g_init_negative_dim, ONR_E_INVALID_MODEL, AT_LOAD, "initializer 'w'",
     "negative", 0, 0},
    {"initializer dims whose product overflows size_t", g_init_dims_overflow, ONR_E_INVALID_MODEL, AT_LOAD,
     "initializer 'w'", "overflow", 0, 0},
    {"initializer of 4 TiB holding 4 bytes", g_init_huge_dims_short_data, ONR_E_INVALID_MODEL, AT_LOAD,
     "initializer 'w'", "raw_data", 0, 0},
    {"raw_data too short", g_init_raw_short, ONR_E_INVALID_MODEL, AT_LOAD, "initializer 'w'",
     "raw_data has 8 bytes, shape needs 12", 0, 0},
    {"raw_data too long", g_init_raw_long, ONR_E_INVALID_MODEL, AT_LOAD, "initializer 'w'",
     "raw_data has 8 bytes, shape needs 4", 0, 0},
    {"float_data count differs from the dims", g_init_float_data_count, ONR_E_INVALID_MODEL, AT_LOAD,
     "initializer 'w'", "float_data holds 3", 0, 0},
    {"int64_data count differs from the dims", g_init_int64_data_count, ONR_E_INVALID_MODEL, AT_LOAD,
     "initializer 'w'", "int64_data holds 5", 0, 0},
    {"int32_data count of a uint8 tensor", g_init_int32_data_count, ONR_E_INVALID_MODEL, AT_LOAD,
     "initializer 'w'", "int32_data holds 1", 0, 0},
    {"initializer without any data", g_init_no_data, ONR_E_INVALID_MODEL, AT_LOAD, "initializer 'w'",
     "double_data holds 0", 0, 0},
    {"unknown data type 99", g_init_unknown_dtype, ONR_E_UNSUPPORTED, AT_LOAD, "initializer 'w'", "99", 0, 0},
    {"string initializer", g_init_string_dtype, ONR_E_UNSUPPORTED, AT_LOAD, "initializer 'w'", "8", 0, 0},
    {"initializer without data_type", g_init_no_dtype, ONR_E_INVALID_MODEL, AT_LOAD, "initializer 'w'",
     "data_type", 0, 0},
    {"initializer of rank 9", g_init_rank_9, ONR_E_UNSUPPORTED, AT_LOAD, "initializer 'w'", "rank 9", 0, 0},
    {"initializer without a name", g_init_without_name, ONR_E_INVALID_MODEL, AT_LOAD, "initializer", "no name",
     0, 0},
    {"initializer defined twice", g_init_twice, ONR_E_INVALID_MODEL, AT_LOAD, "'w'", "twice", 0, 0},
    {"external data of a buffer without a folder", g_init_external_without_folder, ONR_E_INVALID_ARG, AT_LOAD,
     "initializer 'w'", "folder", 0, 0},
    {"segmented initializer", g_init_segment, ONR_E_UNSUPPORTED, AT_LOAD, "initializer 'w'", "segment", 0, 0},
    {"sparse initializer", g_sparse_initializer, ONR_E_UNSUPPORTED, AT_LOAD, "sparse", NULL, 0, 0},
    {"attribute without a name", g_attr_without_name, ONR_E_INVALID_MODEL, AT_LOAD, "node 'id'", "name", 0, 0},
    {"attribute given twice", g_attr_twice, ONR_E_INVALID_MODEL, AT_LOAD, "'alpha'", "twice", 0, 0},
    {"attribute without type or value", g_attr_untyped_empty, ONR_E_INVALID_MODEL, AT_LOAD, "'hollow'", NULL, 0,
     0},
    {"tensor attribute with short raw_data", g_attr_tensor_raw_short, ONR_E_INVALID_MODEL, AT_LOAD,
     "attribute 'value'", "raw_data", 0, 0},
    {"attribute reference outside a function", g_attr_ref_outside_function, ONR_E_INVALID_MODEL, AT_LOAD,
     "'alpha'", "function", 0, 0},
    {"graph attribute on an op without one", g_attr_graph_type, ONR_E_INVALID_MODEL, AT_LOAD, "'body'", NULL, 0,
     0},
};

ParameterizedTestParameters(hostile, graph)
{
    static size_t idx[sizeof graph_cases / sizeof graph_cases[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *i, hostile, graph)
{
    const graph_case *c = &graph_cases[*i];
    onr_options opt = {0};
    opt.max_tensor_bytes = c->max_tensor_bytes;
    opt.max_activation_bytes = c->max_activation_bytes;
    mb *b = mb_new(0);
    c->build(b);
    dump_case(b, c->rule, c->want, &opt);
    outcome o = pipeline(b, NULL, &opt);
    expect_outcome(c->rule, o, c->want, c->phase, c->msg, c->msg2);
    mb_free(b);
}

/* --- run-time inputs: the error names the input and what was expected -------------------------------- */

typedef struct run_case {
    const char *rule;
    const char *name;       /* NULL: the tensor's name is left NULL */
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    int n_in;               /* 0, 1 or 2 copies of the tensor */
    int null_data;
    onr_status want;
    const char *msg, *msg2;
} run_case;

static const run_case run_cases[] = {
    {"control: the declared shape runs", "x", F, 2, {1, 3}, 1, 0, ONR_OK, NULL, NULL},
    {"unknown input name", "z", F, 2, {1, 3}, 1, 0, ONR_E_INVALID_ARG, "'z'", "'x'"},
    {"input without a name", NULL, F, 2, {1, 3}, 1, 0, ONR_E_INVALID_ARG, "''", NULL},
    {"wrong dtype", "x", ONR_DTYPE_INT64, 2, {1, 3}, 1, 0, ONR_E_INVALID_ARG, "'x'", "float"},
    {"unknown dtype", "x", (onr_dtype)77, 2, {1, 3}, 1, 0, ONR_E_INVALID_ARG, "'x'", NULL},
    {"wrong rank", "x", F, 1, {3}, 1, 0, ONR_E_INVALID_ARG, "'x'", "[-1,3]"},
    {"wrong dim", "x", F, 2, {1, 4}, 1, 0, ONR_E_INVALID_ARG, "'x'", "[-1,3]"},
    {"negative rank", "x", F, -1, {0}, 1, 0, ONR_E_INVALID_ARG, "'x'", "rank"},
    {"rank 9", "x", F, 9, {1, 3}, 1, 0, ONR_E_INVALID_ARG, "'x'", "rank 9"},
    {"negative dim on the symbolic axis", "x", F, 2, {-2, 3}, 1, 0, ONR_E_INVALID_ARG, "'x'", "negative"},
    {"dims whose product overflows", "x", F, 2, {INT64_MAX, 3}, 1, 0, ONR_E_INVALID_ARG, "'x'", "overflow"},
    {"huge symbolic dim: the planner refuses, data never read", "x", F, 2, {BIG, 3}, 1, 0, ONR_E_NOMEM,
     "tensor limit", NULL},
    {"missing input", "x", F, 2, {1, 3}, 0, 0, ONR_E_INVALID_ARG, "'x'", "missing"},
    {"input given twice", "x", F, 2, {1, 3}, 2, 0, ONR_E_INVALID_ARG, "'x'", "twice"},
    {"NULL data", "x", F, 2, {1, 3}, 1, 1, ONR_E_INVALID_ARG, "'x'", "NULL"},
};

ParameterizedTestParameters(hostile, run_inputs)
{
    static size_t idx[sizeof run_cases / sizeof run_cases[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *i, hostile, run_inputs)
{
    const run_case *c = &run_cases[*i];
    static float data[64];
    mb *b = mb_new(13);
    mb_input(b, "x", F, 2, (const int64_t[]){-1, 3});
    mb_node(b, "Identity", "id", "x", "y");
    mb_output(b, "y", F, -1, NULL);
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_error err = {0};
    cr_assert_eq(mb_load(b, NULL, &m, &err), ONR_OK, "%s", err.message);
    cr_assert_eq(onr_session_new(m, NULL, &s, &err), ONR_OK, "%s", err.message);
    onr_tensor in[2], out[1];
    memset(in, 0, sizeof in);
    in[0].name = c->name;
    in[0].dtype = c->dtype;
    in[0].rank = c->rank;
    memcpy(in[0].dims, c->dims, sizeof in[0].dims);
    in[0].data = c->null_data ? NULL : data; /* every accepted shape here has at most 3 elements */
    in[1] = in[0];
    outcome o = {0};
    o.st = onr_session_run(s, in, (size_t)c->n_in, NULL, out, 1, &o.err);
    o.err.code = o.st ? o.err.code : ONR_OK;
    o.phase = o.st ? AT_RUN : 0;
    expect_outcome(c->rule, o, c->want, AT_RUN, c->msg, c->msg2);
    if (o.st == ONR_OK) {
        cr_expect_eq(out[0].rank, 2);
        cr_expect_eq(out[0].dims[1], 3);
    }
    /* The session stays usable after a refused run. */
    onr_tensor good = {.name = "x", .dtype = F, .rank = 2, .dims = {1, 3}, .data = data};
    cr_expect_eq(onr_session_run(s, &good, 1, NULL, out, 1, &err), ONR_OK, "%s: run after failure: %s", c->rule,
                 err.message);
    onr_session_free(s);
    onr_model_free(m);
    mb_free(b);
}

Test(hostile, wrong_outputs_requested)
{
    float data[3] = {1, 2, 3};
    mb *b = mb_new(0);
    identity_model(b, 13);
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_error err = {0};
    cr_assert_eq(mb_load(b, NULL, &m, &err), ONR_OK, "%s", err.message);
    cr_assert_eq(onr_session_new(m, NULL, &s, &err), ONR_OK, "%s", err.message);
    onr_tensor x = {.name = "x", .dtype = F, .rank = 2, .dims = {1, 3}, .data = data}, out[2];
    const char *names[1] = {"q"};
    cr_expect_eq(onr_session_run(s, &x, 1, names, out, 1, &err), ONR_E_INVALID_ARG);
    cr_expect(strstr(err.message, "'q'"), "%s", err.message);
    cr_expect_eq(onr_session_run(s, &x, 1, NULL, out, 2, &err), ONR_E_INVALID_ARG);
    cr_expect(strstr(err.message, "2 requested"), "%s", err.message);
    const char *y[1] = {"y"};
    cr_expect_eq(onr_session_run(s, &x, 1, y, out, 1, &err), ONR_OK, "%s", err.message);
    cr_expect_float_eq(((float *)out[0].data)[2], 3.0f, 0);
    onr_session_free(s);
    onr_model_free(m);
    mb_free(b);
}

/* --- files: empty, garbage, truncated, corrupted --------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/onnxrun-hostile-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void rm_rf_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static void path_in(char *buf, size_t size, const char *dir, const char *name)
{
    cr_assert_lt((size_t)snprintf(buf, size, "%s/%s", dir, name), size);
}

Test(hostile_files, empty_garbage_missing, .init = make_tmpdir, .fini = rm_rf_tmpdir, .timeout = 20)
{
    char p[256];
    onr_model *m = (onr_model *)&p; /* must be reset to NULL on failure */
    onr_error err;

    path_in(p, sizeof p, tmpdir, "empty.onnx");
    write_bytes(p, "", 0);
    cr_expect_eq(onr_model_load_file(p, &m, &err), ONR_E_PARSE);
    cr_expect_null(m);
    cr_expect(strstr(err.message, "empty.onnx") && strstr(err.message, "empty"), "%s", err.message);

    path_in(p, sizeof p, tmpdir, "garbage.onnx");
    static const char garbage[] = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01 this is not a protobuf";
    write_bytes(p, garbage, sizeof garbage - 1);
    cr_expect_eq(onr_model_load_file(p, &m, &err), ONR_E_PARSE);
    cr_expect(strstr(err.message, "garbage.onnx"), "%s", err.message);

    /* A .npy file handed to the model loader. */
    path_in(p, sizeof p, tmpdir, "array.onnx");
    static const char npy[] = "\x93NUMPY\x01\x00\x3c\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
    write_bytes(p, npy, sizeof npy - 1);
    cr_expect_neq(onr_model_load_file(p, &m, &err), ONR_OK);
    cr_expect_null(m);

    path_in(p, sizeof p, tmpdir, "missing.onnx");
    cr_expect_eq(onr_model_load_file(p, &m, &err), ONR_E_IO);
    cr_expect(strstr(err.message, "missing.onnx"), "%s", err.message);

    cr_expect_eq(onr_model_load_file(tmpdir, &m, &err), ONR_E_IO, "a folder is not a model: %s", err.message);
    path_in(p, sizeof p, tmpdir, "pipe.onnx"); /* must not block waiting for a writer */
    cr_assert_eq(mkfifo(p, 0600), 0, "mkfifo: %s", strerror(errno));
    cr_expect_eq(onr_model_load_file(p, &m, &err), ONR_E_IO);
    cr_expect(strstr(err.message, "not a regular file"), "%s", err.message);
    cr_expect_eq(onr_model_load_file("/dev/zero", &m, &err), ONR_E_IO, "%s", err.message);
    cr_expect_eq(onr_model_load_buffer(NULL, 0, NULL, &m, &err), ONR_E_PARSE);
    cr_expect_eq(onr_model_load_buffer(NULL, 10, NULL, &m, &err), ONR_E_INVALID_ARG);
    cr_expect_eq(onr_model_load_buffer("x", 1, NULL, NULL, &err), ONR_E_INVALID_ARG);
    cr_expect_eq(onr_model_load_file(NULL, &m, &err), ONR_E_INVALID_ARG);
}

/* Every prefix of a valid model loads or fails cleanly (PARSE for cut protobuf, INVALID_MODEL /
 * UNSUPPORTED when the cut falls between fields); every single-bit flip does too. A crash or leak
 * anywhere fails the test (ASan builds). */
static void damage_everywhere(const uint8_t *bytes, size_t n, const char *what)
{
    size_t ok = 0, failed = 0;
    uint8_t *copy = malloc(n);
    cr_assert_not_null(copy);
    for (size_t len = 0; len <= n; len++) {
        uint8_t *prefix = malloc(len ? len : 1); /* exact size, so ASan sees any overread */
        cr_assert_not_null(prefix);
        memcpy(prefix, bytes, len);
        onr_model *m = NULL;
        onr_error err = {0};
        onr_status st = onr_model_load_buffer(prefix, len, NULL, &m, &err);
        if (st == ONR_OK) {
            ok++;
            onr_model_free(m);
        } else {
            failed++;
            cr_expect_null(m);
            cr_expect(st == ONR_E_PARSE || st == ONR_E_INVALID_MODEL || st == ONR_E_UNSUPPORTED,
                      "%s: prefix of %zu bytes gave %s: %s", what, len, onr_status_name(st), err.message);
            cr_expect_neq(err.message[0], '\0', "%s: prefix of %zu bytes: empty message", what, len);
        }
        free(prefix);
    }
    cr_expect_geq(ok, 1, "%s: the whole model must load", what);
    cr_expect_geq(failed, n / 2, "%s: most prefixes are broken protobuf", what);
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, bytes, n);
            copy[i] ^= (uint8_t)(1u << bit);
            onr_model *m = NULL;
            onr_error err = {0};
            onr_status st = onr_model_load_buffer(copy, n, NULL, &m, &err);
            if (st == ONR_OK)
                onr_model_free(m);
            else
                cr_expect(err.message[0] && !m, "%s: flip of byte %zu bit %d: %s", what, i, bit,
                          onr_status_name(st));
        }
    free(copy);
}

Test(hostile_files, truncated_and_flipped_builder_model)
{
    mb *b = mb_new(13);
    mb_input(b, "x", F, 2, (const int64_t[]){-1, 3});
    float w[3] = {1, 2, 3};
    mb_init_f32(b, "w", 2, d13, w);
    mb_node(b, "Identity", "id", "x", "t");
    mb_node(b, "Identity", "id2", "w", "u");
    mb_output(b, "t", F, 2, (const int64_t[]){-1, 3});
    mb_output(b, "u", F, 2, d13);
    size_t len;
    uint8_t *bytes = mb_pack(b, &len);
    damage_everywhere(bytes, len, "builder model");
    free(bytes);
    mb_free(b);
}

/* The source tree: $ONR_SOURCE_ROOT, else two folders above this file as the compiler named it (meson
 * compiles "../tests/unit/x.c" relative to the build root, where `meson test` runs). */
static const char *source_root(void)
{
    static char root[PATH_MAX];
    const char *env = getenv("ONR_SOURCE_ROOT");
    if (env && *env)
        return env;
    snprintf(root, sizeof root, "%s", __FILE__);
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(root, '/');
        if (!slash)
            return ".";
        *slash = '\0';
    }
    return root[0] ? root : "/";
}

Test(hostile_files, truncated_and_flipped_tutorial_model)
{
    static const char *const models[] = {"models/tutorial/vertical_line/model.onnx",
                                         "models/tutorial/pool_padding/model.onnx"};
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        char path[PATH_MAX];
        path_in(path, sizeof path, source_root(), models[k]);
        FILE *f = fopen(path, "rb");
        if (!f && errno == ENOENT)
            cr_skip_test("%s not found: run from the build root (meson test) or set ONR_SOURCE_ROOT", path);
        cr_assert_not_null(f, "%s: %s", path, strerror(errno));
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        cr_assert_gt(n, 0);
        onr_model *m = NULL;
        onr_error err;
        if (onr_model_load_buffer(buf, n, NULL, &m, &err) != ONR_OK)
            cr_skip_test("%s does not load yet (%s): its ops have not landed", models[k], err.message);
        onr_model_free(m);
        damage_everywhere(buf, n, models[k]);
    }
}

/* --- external data: confined to the model folder -------------------------------------------------- */

/* A model in `dir` whose initializer w (4 floats) comes from external data. */
static outcome load_external(const char *location, const char *offset, const char *length, int64_t count)
{
    mb *b = mb_new(13);
    mb_node(b, "Identity", "id", "w", "y");
    mb_output(b, "y", F, -1, NULL);
    Onnx__TensorProto *t = mb_init(b, "w", F, 1, (const int64_t[]){count}, NULL, 0);
    mb_external(b, t, location, offset, length);
    char p[256];
    path_in(p, sizeof p, tmpdir, "model.onnx");
    cr_assert_eq(mb_write(b, p), 0);
    mb_free(b);
    outcome o = {0};
    onr_model *m = NULL;
    o.st = onr_model_load_file(p, &m, &o.err);
    o.phase = o.st ? AT_LOAD : 0;
    if (o.st == ONR_OK) {
        const onr_tensor *w = onr_model_initializer(m, "w");
        cr_assert_not_null(w);
        /* w.bin holds floats 0, 1, 2, ...; offset 8 starts at 2.0 */
        float first = ((const float *)w->data)[0];
        cr_expect_float_eq(first, offset ? (float)atoi(offset) / 4 : 0.0f, 0, "first weight %g", first);
    } else {
        cr_expect_null(m);
    }
    onr_model_free(m);
    return o;
}

static void make_external_dir(void)
{
    make_tmpdir();
    char p[256], q[256];
    float v[16];
    for (int i = 0; i < 16; i++)
        v[i] = (float)i;
    path_in(p, sizeof p, tmpdir, "w.bin");
    write_bytes(p, v, sizeof v);
    /* outside.bin sits next to the model folder; links inside point at it */
    snprintf(q, sizeof q, "%s-outside.bin", tmpdir);
    write_bytes(q, v, sizeof v);
    path_in(p, sizeof p, tmpdir, "escape.bin");
    cr_assert_eq(symlink(q, p), 0, "symlink: %s", strerror(errno));
    path_in(p, sizeof p, tmpdir, "parent");
    cr_assert_eq(symlink("..", p), 0);
    path_in(p, sizeof p, tmpdir, "inside.bin");
    cr_assert_eq(symlink("w.bin", p), 0);
    path_in(p, sizeof p, tmpdir, "sub");
    cr_assert_eq(mkdir(p, 0700), 0);
    path_in(p, sizeof p, tmpdir, "fifo");
    cr_assert_eq(mkfifo(p, 0600), 0, "mkfifo: %s", strerror(errno));
}

static void rm_external_dir(void)
{
    char q[256];
    snprintf(q, sizeof q, "%s-outside.bin", tmpdir);
    unlink(q);
    rm_rf_tmpdir();
}

typedef struct ext_case {
    const char *rule;
    const char *location, *offset, *length;
    int64_t count;
    onr_status want;
    const char *msg;
} ext_case;

static const ext_case ext_cases[] = {
    {"control: w.bin", "w.bin", NULL, NULL, 4, ONR_OK, NULL},
    {"control: offset and length", "w.bin", "8", "16", 4, ONR_OK, NULL},
    {"control: a symlink that stays inside", "inside.bin", NULL, NULL, 4, ONR_OK, NULL},
    {"control: ./w.bin", "./w.bin", NULL, NULL, 4, ONR_OK, NULL},
    {"../ path traversal", "../w.bin", NULL, NULL, 4, ONR_E_INVALID_MODEL, "leaves the model folder"},
    {"traversal in the middle", "sub/../../x.bin", NULL, NULL, 4, ONR_E_INVALID_MODEL, "leaves the model folder"},
    {"absolute path", "/etc/passwd", NULL, NULL, 4, ONR_E_INVALID_MODEL, "absolute"},
    {"symlink to a file outside", "escape.bin", NULL, NULL, 4, ONR_E_INVALID_MODEL, "outside the model folder"},
    {"symlinked folder outside", "parent/@OUTSIDE@", NULL, NULL, 4, ONR_E_INVALID_MODEL, "outside the model folder"},
    {"symlinked folder to a missing file", "parent/etc/passwd", NULL, NULL, 4, ONR_E_IO, "parent/etc/passwd"},
    {"offset beyond the file", "w.bin", "4096", NULL, 4, ONR_E_INVALID_MODEL, "exceeds its size"},
    {"offset + length beyond the file", "w.bin", "60", "16", 4, ONR_E_INVALID_MODEL, "exceeds its size"},
    {"length differs from the dims", "w.bin", NULL, "12", 4, ONR_E_INVALID_MODEL, "length 12"},
    {"offset not a number", "w.bin", "8abc", NULL, 4, ONR_E_INVALID_MODEL, "not a number"},
    {"negative offset", "w.bin", "-8", NULL, 4, ONR_E_INVALID_MODEL, "not a number"},
    {"offset past 2^64", "w.bin", "99999999999999999999999", NULL, 4, ONR_E_INVALID_MODEL, "not a number"},
    {"missing file", "nothere.bin", NULL, NULL, 4, ONR_E_IO, "nothere.bin"},
    {"no location", NULL, NULL, NULL, 4, ONR_E_INVALID_MODEL, "location"},
    {"empty location", "", NULL, NULL, 4, ONR_E_INVALID_MODEL, "location"},
    {"a folder", "sub", NULL, NULL, 4, ONR_E_IO, "not a regular file"},
    {"a FIFO (must not block)", "fifo", NULL, NULL, 4, ONR_E_IO, "not a regular file"},
    {"1 GiB declared over a 64-byte file: refused before allocating", "w.bin", NULL, NULL, (int64_t)1 << 28,
     ONR_E_INVALID_MODEL, "exceeds its size"},
};

ParameterizedTestParameters(hostile_files, external_data)
{
    static size_t idx[sizeof ext_cases / sizeof ext_cases[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *i, hostile_files, external_data, .init = make_external_dir, .fini = rm_external_dir,
                  .timeout = 20)
{
    const ext_case *c = &ext_cases[*i];
    char loc[256];
    /* @OUTSIDE@: the file beside the model folder, reached through the "parent" symlink */
    if (c->location && strcmp(c->location, "parent/@OUTSIDE@") == 0)
        snprintf(loc, sizeof loc, "parent/%s-outside.bin", strrchr(tmpdir, '/') + 1);
    else
        snprintf(loc, sizeof loc, "%s", c->location ? c->location : "");
    outcome o = load_external(c->location ? loc : NULL, c->offset, c->length, c->count);
    expect_outcome(c->rule, o, c->want, AT_LOAD, c->msg, c->want ? "initializer 'w'" : NULL);
}

/* --- size attacks: no quadratic work on counts a small model controls ------------------------------ */

/* 100k attributes on one node (1.6 MB): the pairwise duplicate check took two minutes. */
Test(hostile_scale, many_attributes, .timeout = 30)
{
    enum { N = 100000 };
    mb *b = mb_new(0);
    Onnx__NodeProto *n = identity_model(b, 13);
    n->attribute = mb_alloc(b, N * sizeof *n->attribute);
    for (size_t i = 0; i < N; i++) {
        Onnx__AttributeProto *a = mb_alloc(b, sizeof *a);
        onnx__attribute_proto__init(a);
        char name[16];
        snprintf(name, sizeof name, "a%zu", i);
        a->name = mb_strdup(b, name);
        a->has_type = 1;
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
        a->has_i = 1;
        a->i = (int64_t)i;
        n->attribute[i] = a;
    }
    n->n_attribute = N;
    outcome o = pipeline(b, NULL, NULL);
    expect_outcome("100k attributes", o, ONR_E_INVALID_MODEL, AT_LOAD, "is not defined for Identity", NULL);
    n->attribute[N - 1]->name = mb_strdup(b, "a7"); /* and a duplicate among them */
    o = pipeline(b, NULL, NULL);
    expect_outcome("100k attributes, one twice", o, ONR_E_INVALID_MODEL, AT_LOAD, "'a7' appears twice", NULL);
    mb_free(b);
}

/* 100k graph outputs (4 MB): the pairwise "listed twice" scan is gone; loading is linear. */
Test(hostile_scale, many_outputs, .timeout = 30)
{
    enum { N = 100000 };
    mb *b = mb_new(0);
    identity_model(b, 13);
    Onnx__GraphProto *g = mb_graph(b);
    Onnx__NodeProto **nodes = mb_alloc(b, N * sizeof *nodes);
    Onnx__ValueInfoProto **outs = mb_alloc(b, N * sizeof *outs);
    nodes[0] = g->node[0];
    outs[0] = g->output[0];
    for (size_t i = 1; i < N; i++) {
        char name[16];
        snprintf(name, sizeof name, "y%zu", i);
        Onnx__NodeProto *n = mb_alloc(b, sizeof *n);
        onnx__node_proto__init(n);
        n->op_type = g->node[0]->op_type;
        n->domain = g->node[0]->domain;
        n->n_input = 1;
        n->input = g->node[0]->input;
        n->n_output = 1;
        n->output = mb_alloc(b, sizeof *n->output);
        n->output[0] = mb_strdup(b, name);
        nodes[i] = n;
        Onnx__ValueInfoProto *vi = mb_alloc(b, sizeof *vi);
        onnx__value_info_proto__init(vi);
        vi->name = n->output[0];
        vi->type = g->output[0]->type;
        outs[i] = vi;
    }
    g->node = nodes;
    g->n_node = N;
    g->output = outs;
    g->n_output = N;
    onr_model *m = NULL;
    onr_error err;
    cr_expect_eq(mb_load(b, NULL, &m, &err), ONR_OK, "%s", err.message);
    cr_expect_eq(onr_model_output_count(m), N);
    onr_model_free(m);
    outs[N - 1] = outs[N / 2]; /* one output listed twice */
    cr_expect_eq(mb_load(b, NULL, &m, &err), ONR_E_INVALID_MODEL);
    cr_expect(strstr(err.message, "listed twice"), "%s", err.message);
    mb_free(b);
}

/* Every prefix of a tensor file parses or fails cleanly; only the whole file (and, for a .pb, cuts
 * between fields) parse. */
Test(hostile_files, truncated_tensor_files)
{
    static const char *const files[] = {"models/tutorial/vertical_line/input.npy",
                                        "models/tutorial/vertical_line/test_data_set_0/input_0.pb"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[PATH_MAX];
        path_in(path, sizeof path, source_root(), files[k]);
        FILE *f = fopen(path, "rb");
        if (!f && errno == ENOENT)
            cr_skip_test("%s not found: run from the build root (meson test) or set ONR_SOURCE_ROOT", path);
        cr_assert_not_null(f, "%s: %s", path, strerror(errno));
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        int npy = strstr(files[k], ".npy") != NULL;
        for (size_t len = 0; len <= n; len++) {
            uint8_t *prefix = malloc(len ? len : 1);
            cr_assert_not_null(prefix);
            memcpy(prefix, buf, len);
            onr_tensor *t = NULL;
            onr_error err = {0};
            onr_status st = npy ? onr_tensor_parse_npy(prefix, len, &t, &err) : onr_tensor_parse_pb(prefix, len, &t, &err);
            if (npy && len < n)
                cr_expect_eq(st, ONR_E_PARSE, "%s: prefix of %zu bytes gave %s: %s", files[k], len,
                             onr_status_name(st), err.message);
            if (len == n)
                cr_expect_eq(st, ONR_OK, "%s: whole file: %s", files[k], err.message);
            if (st == ONR_OK)
                onr_tensor_free(t);
            else
                cr_expect(!t && err.message[0], "%s: prefix of %zu bytes: %s", files[k], len, onr_status_name(st));
            free(prefix);
        }
    }
}
