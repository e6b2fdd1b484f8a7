/* info.c: `onnxrun info MODEL [--json]`: what a model declares (producer, IR version, opsets, inputs,
 * outputs) and a Keras `model.summary()`-style table of its nodes in execution order: name (op), output
 * shape, parameter count, MACs, and the values each node reads and writes.
 *
 * Parameters of a node = elements of its initializer inputs, int64 ones (shapes, axes) left out, so the
 * totals match what Keras and PyTorch report for the model the file came from.
 *
 * Output shapes are not guessed: the model runs once (options.keep_values) on zeros of the declared input
 * shapes (symbolic dims = 1, or --shape / -i / --random), and every value's shape is read back with
 * onr_session_values. MACs (multiply-adds) are
 * counted for the ops that dominate compute, from those shapes:
 *   Conv, ConvInteger   count(Y) * prod(W.dims[1:])   (each output element: C/group * kernel taps)
 *   ConvTranspose       count(X) * prod(W.dims[1:])   (each input element scatters into M/group * kernel)
 *   Gemm                count(Y) * K, K = count(A) / M (M = Y.dims[0]; so transA needs no attribute)
 *   MatMul(Integer)     count(Y) * K, K = last dim of A
 * Other ops show "-" and add nothing. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char INFO_USAGE[] =
    "usage: onnxrun info MODEL [--json] [--no-run] [-i NAME=FILE]... [--shape NAME=DIMS]... [--random SEED]\n";

static const char INFO_HELP[] =
    "\n"
    "Prints the producer, IR version, opsets, inputs and outputs of MODEL, then one row per node in\n"
    "execution order, like Keras' model.summary(): name (op), output shape, parameter count (elements of\n"
    "the node's initializer inputs, int64 shapes and axes left out), MACs (multiply-adds, counted for\n"
    "Conv, ConvTranspose, Gemm and MatMul) and the values it reads and writes; then the totals. Output\n"
    "shapes come from one run on zeros of the declared input shapes (symbolic dims = 1): give --shape\n"
    "NAME=DIMS (e.g. image=1x3x224x224), -i NAME=FILE or --random SEED to run on something else.\n"
    "\n"
    "options:\n"
    "  --json      one JSON object instead of the table (same facts; sizes as plain integers)\n"
    "  --no-run    do not run the model: no output shapes and no MACs\n"
    "\n";

typedef struct shape {
    bool known;
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
} shape;

typedef struct row {
    uint64_t params;
    uint64_t macs;
    bool macs_counted; /* the op is one MACs are counted for, and the shapes were there */
} row;

typedef struct info {
    const onr_model *m;
    const onr_tensor *vals; /* after a run, else NULL */
    size_t n_vals;
    const cli_inputs *ins;
    bool ran;
    char run_error[300];
    char run_inputs[512];
    row *rows;
    uint64_t params, macs, weight_bytes;
} info;

static shape shape_of(const info *I, const char *name)
{
    shape s = {0};
    const onr_tensor *t = NULL;
    for (size_t k = 0; k < I->n_vals && !t; k++)
        if (I->vals[k].name && strcmp(I->vals[k].name, name) == 0)
            t = &I->vals[k];
    for (size_t k = 0; I->ran && k < I->ins->n && !t; k++)
        if (strcmp(I->ins->views[k].name, name) == 0)
            t = &I->ins->views[k];
    if (!t)
        t = onr_model_initializer(I->m, name);
    if (t) {
        s.known = true;
        s.dtype = t->dtype;
        s.rank = t->rank;
        memcpy(s.dims, t->dims, sizeof s.dims);
    }
    return s;
}

static uint64_t count_of(const shape *s, int32_t from)
{
    uint64_t n = 1;
    for (int32_t k = from; k < s->rank; k++)
        n *= (uint64_t)s->dims[k];
    return n;
}

/* A weight, as Keras counts them. int64 initializers are shapes, axes and indices (ONNX types those
 * inputs int64), not learned values; int32 stays in, being the bias type of quantized convolutions. */
static bool is_param(const onr_tensor *w)
{
    return w && w->dtype != ONR_DTYPE_INT64;
}

static void count_node(info *I, size_t k)
{
    const onr_node_info *nd = onr_model_node(I->m, k);
    row *r = &I->rows[k];
    for (size_t i = 0; i < nd->n_inputs; i++) {
        const onr_tensor *w = nd->inputs[i][0] ? onr_model_initializer(I->m, nd->inputs[i]) : NULL;
        if (is_param(w))
            r->params += onr_tensor_count(w);
    }
    if (!I->ran || (nd->domain && nd->domain[0]) || nd->n_outputs < 1 || nd->n_inputs < 2)
        return;
    const char *op = nd->op_type;
    shape a = shape_of(I, nd->inputs[0]), b = shape_of(I, nd->inputs[1]), y = shape_of(I, nd->outputs[0]);
    if (!a.known || !b.known || !y.known)
        return;
    if (strcmp(op, "Conv") == 0 || strcmp(op, "ConvInteger") == 0) {
        r->macs = count_of(&y, 0) * count_of(&b, 1);
    } else if (strcmp(op, "ConvTranspose") == 0) {
        r->macs = count_of(&a, 0) * count_of(&b, 1);
    } else if (strcmp(op, "Gemm") == 0) {
        if (y.rank != 2 || y.dims[0] <= 0)
            return;
        r->macs = count_of(&y, 0) * (count_of(&a, 0) / (uint64_t)y.dims[0]);
    } else if (strcmp(op, "MatMul") == 0 || strcmp(op, "MatMulInteger") == 0) {
        if (a.rank < 1)
            return;
        r->macs = count_of(&y, 0) * (uint64_t)a.dims[a.rank - 1];
    } else {
        return;
    }
    r->macs_counted = true;
}

/* --- running once for the shapes ------------------------------------------------------------------------ */

static int infer(info *I, const char *model_path, const cli_input_args *ia, cli_inputs *ins, onr_session **s)
{
    onr_error e = {0};
    onr_options opt = {.keep_values = 1}; /* keep every intermediate value: its shape is what we print */
    int rc = cli_inputs_build(I->m, model_path, ia, CLI_MISSING_ZEROS, ins);
    if (rc != CLI_EXIT_OK) {
        if (ia->n_specs || ia->n_shapes) /* what the user asked for is wrong: an error, not a missing detail */
            return rc;
        snprintf(I->run_error, sizeof I->run_error, "inputs could not be made (see above)");
        return CLI_EXIT_OK;
    }
    size_t n_out = onr_model_output_count(I->m);
    onr_tensor *out = calloc(n_out ? n_out : 1, sizeof *out);
    if (!out) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }
    if (onr_session_new(I->m, &opt, s, &e) != ONR_OK ||
        onr_session_run(*s, ins->views, ins->n, NULL, out, n_out, &e) != ONR_OK) {
        snprintf(I->run_error, sizeof I->run_error, "%s", cli_strip_prefix(e.message, model_path));
        cli_error(model_path, "output shapes unknown: the run on %s failed: %s (give real inputs: -i NAME=FILE)",
                  ia->random ? "random inputs" : ia->n_specs ? "the given inputs" : "zeros", I->run_error);
    } else {
        I->ran = true;
        I->n_vals = onr_session_values(*s, &I->vals);
    }
    free(out);
    cli_inputs_str(ins, I->run_inputs, sizeof I->run_inputs);
    return CLI_EXIT_OK;
}

/* --- the table ------------------------------------------------------------------------------------------ */

static void print_values(const char *title, size_t n, const onr_value_info *(*get)(const onr_model *, size_t),
                         const onr_model *m)
{
    char buf[256];
    size_t w = 0;
    printf("%s (%zu):\n", title, n);
    for (size_t k = 0; k < n; k++) {
        size_t l = strlen(get(m, k)->name);
        w = l > w ? l : w;
    }
    for (size_t k = 0; k < n; k++) {
        const onr_value_info *v = get(m, k);
        printf("  %-*s  %s\n", (int)w, v->name, cli_value_info_str(v, buf, sizeof buf));
    }
}

static void node_label(const onr_node_info *nd, size_t k, char *buf, size_t size)
{
    char name[160];
    if (nd->name && nd->name[0])
        snprintf(name, sizeof name, "%s", nd->name);
    else
        snprintf(name, sizeof name, "#%zu", k);
    if (nd->domain && nd->domain[0])
        snprintf(buf, size, "%s (%s:%s)", name, nd->domain, nd->op_type);
    else
        snprintf(buf, size, "%s (%s)", name, nd->op_type);
}

static void shape_cell(const info *I, const char *value, char *buf, size_t size)
{
    char dims[200];
    shape s = value[0] ? shape_of(I, value) : (shape){0};
    if (!I->ran || !s.known)
        snprintf(buf, size, "?");
    else if (s.dtype == ONR_DTYPE_FLOAT)
        snprintf(buf, size, "%s", cli_shape_str(s.rank, s.dims, dims, sizeof dims));
    else
        snprintf(buf, size, "%s%s", onr_dtype_name(s.dtype), cli_shape_str(s.rank, s.dims, dims, sizeof dims));
}

static void macs_cell(const info *I, const row *r, char *buf, size_t size)
{
    if (r->macs_counted)
        cli_group(r->macs, buf, size);
    else
        snprintf(buf, size, "%s", "-");
    (void)I;
}

/* "a, b -> y": the values a node reads (weights left out), as Keras' "Connected to" does, then the
 * values it writes, whose names are the files of `run --dump` and the names `viz --nodes` takes. */
static void flow_cell(const info *I, const onr_node_info *nd, char *buf, size_t size)
{
    size_t o = 0, n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nd->n_inputs && o < size; i++) {
        if (!nd->inputs[i][0] || onr_model_initializer(I->m, nd->inputs[i]))
            continue;
        int w = snprintf(buf + o, size - o, "%s%s", n++ ? ", " : "", nd->inputs[i]);
        o += w > 0 ? (size_t)w : 0;
    }
    n = 0;
    for (size_t i = 0; i < nd->n_outputs && o < size; i++) {
        if (!nd->outputs[i][0])
            continue;
        int w = snprintf(buf + o, size - o, "%s%s", n++ ? ", " : " -> ", nd->outputs[i]);
        o += w > 0 ? (size_t)w : 0;
    }
}

/* " (136.0 KiB)", " (4.9 M)"; "" below the first step, where the exact number says it all. */
static void human(double v, const char *const *units, double step, char *buf, size_t size)
{
    int u = 0;
    while (v >= step && units[u + 1]) {
        v /= step;
        u++;
    }
    if (u)
        snprintf(buf, size, " (%.1f %s)", v, units[u]);
    else if (size)
        buf[0] = '\0';
}

static void print_rule(char c, size_t n)
{
    for (size_t k = 0; k < n; k++)
        putchar(c);
    putchar('\n');
}

enum { CELL = 512 };

static void print_table(const info *I)
{
    const onr_model *m = I->m;
    size_t n = onr_model_node_count(m);
    size_t w0 = strlen("Node (op)"), w1 = strlen("Output shape"), w2 = strlen("Param #"), w3 = strlen("MACs");
    char c0[CELL], c1[CELL], c2[64], c3[64], c4[CELL];
    for (size_t k = 0; k < n; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        node_label(nd, k, c0, sizeof c0);
        cli_group(I->rows[k].params, c2, sizeof c2);
        macs_cell(I, &I->rows[k], c3, sizeof c3);
        w0 = strlen(c0) > w0 ? strlen(c0) : w0;
        w2 = strlen(c2) > w2 ? strlen(c2) : w2;
        w3 = strlen(c3) > w3 ? strlen(c3) : w3;
        for (size_t o = 0; o < nd->n_outputs; o++) {
            shape_cell(I, nd->outputs[o], c1, sizeof c1);
            w1 = strlen(c1) > w1 ? strlen(c1) : w1;
        }
    }
    size_t width = 1 + w0 + 2 + w1 + 2 + w2 + 2 + w3 + 2 + strlen("Inputs -> outputs");
    print_rule('_', width);
    printf(" %-*s  %-*s  %*s  %*s  %s\n", (int)w0, "Node (op)", (int)w1, "Output shape", (int)w2, "Param #", (int)w3,
           "MACs", "Inputs -> outputs");
    print_rule('=', width);
    for (size_t k = 0; k < n; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        node_label(nd, k, c0, sizeof c0);
        shape_cell(I, nd->n_outputs ? nd->outputs[0] : "", c1, sizeof c1);
        cli_group(I->rows[k].params, c2, sizeof c2);
        macs_cell(I, &I->rows[k], c3, sizeof c3);
        flow_cell(I, nd, c4, sizeof c4);
        printf(" %-*s  %-*s  %*s  %*s  %s\n", (int)w0, c0, (int)w1, c1, (int)w2, c2, (int)w3, c3, c4);
        for (size_t o = 1; o < nd->n_outputs; o++) { /* more outputs: one line each, under the first */
            if (!nd->outputs[o][0])
                continue;
            shape_cell(I, nd->outputs[o], c1, sizeof c1);
            printf(" %-*s  %-*s\n", (int)w0, "", (int)w1, c1);
        }
    }
    print_rule('=', width);

    static const char *const bytes_u[] = {"B", "KiB", "MiB", "GiB", "TiB", NULL};
    static const char *const count_u[] = {"", "K", "M", "G", "T", NULL};
    char g[64], h[64];
    printf("Total params: %s\n", cli_group(I->params, g, sizeof g));
    human((double)I->weight_bytes, bytes_u, 1024, h, sizeof h);
    printf("Weights: %zu initializers, %s bytes%s\n", onr_model_initializer_count(m),
           cli_group(I->weight_bytes, g, sizeof g), h);
    if (I->ran) {
        human((double)I->macs, count_u, 1000, h, sizeof h);
        printf("MACs per inference: %s%s for %s\n", cli_group(I->macs, g, sizeof g), h, I->run_inputs);
    } else {
        printf("MACs per inference: ? (%s)\n", I->run_error[0] ? "the model did not run" : "--no-run");
    }
    print_rule('_', width);
}

/* --- JSON ------------------------------------------------------------------------------------------------- */

static void json_value_info(const onr_value_info *v)
{
    printf("{\"name\": ");
    cli_json_str(stdout, v->name);
    printf(", \"dtype\": ");
    cli_json_str(stdout, onr_dtype_name(v->dtype));
    printf(", \"shape\": ");
    if (v->rank < 0) {
        printf("null}");
        return;
    }
    printf("[");
    for (int32_t k = 0; k < v->rank; k++) {
        printf("%s", k ? ", " : "");
        if (v->dims[k] >= 0)
            printf("%lld", (long long)v->dims[k]);
        else if (v->dim_params[k] && v->dim_params[k][0])
            cli_json_str(stdout, v->dim_params[k]);
        else
            printf("null");
    }
    printf("]}");
}

static void json_names(const char *const *names, size_t n)
{
    printf("[");
    for (size_t k = 0; k < n; k++) {
        printf("%s", k ? ", " : "");
        cli_json_str(stdout, names[k]);
    }
    printf("]");
}

static void print_json(const info *I, const char *model_path)
{
    const onr_model *m = I->m;
    printf("{\"model\": ");
    cli_json_str(stdout, model_path);
    printf(", \"ir_version\": %lld, \"producer\": ", (long long)onr_model_ir_version(m));
    cli_json_str(stdout, onr_model_producer(m));
    printf(", \"opsets\": [");
    for (size_t k = 0; k < onr_model_opset_count(m); k++) {
        const onr_opset *o = onr_model_opset(m, k);
        printf("%s{\"domain\": ", k ? ", " : "");
        cli_json_str(stdout, o->domain && o->domain[0] ? o->domain : "ai.onnx");
        printf(", \"version\": %lld}", (long long)o->version);
    }
    printf("],\n \"inputs\": [");
    for (size_t k = 0; k < onr_model_input_count(m); k++) {
        printf("%s", k ? ", " : "");
        json_value_info(onr_model_input(m, k));
    }
    printf("],\n \"outputs\": [");
    for (size_t k = 0; k < onr_model_output_count(m); k++) {
        printf("%s", k ? ", " : "");
        json_value_info(onr_model_output(m, k));
    }
    printf("],\n \"shapes_inferred\": %s, \"shape_error\": ", I->ran ? "true" : "false");
    if (I->run_error[0])
        cli_json_str(stdout, I->run_error);
    else
        printf("null");
    printf(",\n \"nodes\": [");
    for (size_t k = 0; k < onr_model_node_count(m); k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        printf("%s\n  {\"index\": %zu, \"name\": ", k ? "," : "", k);
        cli_json_str(stdout, nd->name ? nd->name : "");
        printf(", \"op\": ");
        cli_json_str(stdout, nd->op_type);
        printf(", \"domain\": ");
        cli_json_str(stdout, nd->domain ? nd->domain : "");
        printf(", \"inputs\": ");
        json_names(nd->inputs, nd->n_inputs);
        printf(", \"outputs\": [");
        for (size_t o = 0; o < nd->n_outputs; o++) {
            shape s = I->ran && nd->outputs[o][0] ? shape_of(I, nd->outputs[o]) : (shape){0};
            printf("%s{\"name\": ", o ? ", " : "");
            cli_json_str(stdout, nd->outputs[o]);
            if (s.known) {
                printf(", \"dtype\": ");
                cli_json_str(stdout, onr_dtype_name(s.dtype));
                printf(", \"shape\": [");
                for (int32_t d = 0; d < s.rank; d++)
                    printf("%s%lld", d ? ", " : "", (long long)s.dims[d]);
                printf("]}");
            } else {
                printf(", \"dtype\": null, \"shape\": null}");
            }
        }
        printf("], \"params\": %llu, \"macs\": ", (unsigned long long)I->rows[k].params);
        if (I->rows[k].macs_counted)
            printf("%llu}", (unsigned long long)I->rows[k].macs);
        else
            printf("null}");
    }
    printf("\n ],\n \"totals\": {\"nodes\": %zu, \"params\": %llu, \"initializers\": %zu, \"weight_bytes\": %llu, "
           "\"macs\": ",
           onr_model_node_count(m), (unsigned long long)I->params, onr_model_initializer_count(m),
           (unsigned long long)I->weight_bytes);
    if (I->ran)
        printf("%llu}", (unsigned long long)I->macs);
    else
        printf("null}");
    printf(",\n \"inferred_with\": ");
    cli_json_str(stdout, I->ran ? I->run_inputs : "");
    printf("}\n");
}

/* --- the command ------------------------------------------------------------------------------------------ */

int cli_info(int argc, char **argv)
{
    const char *model_path = NULL;
    bool json = false, no_run = false;
    int rc = CLI_EXIT_OK, r;
    cli_input_args ia;
    cli_inputs ins = {0};
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_error e = {0};
    info I = {0};
    if (!cli_input_args_init(&ia, argc)) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("%s%s%s", INFO_USAGE, INFO_HELP, CLI_INPUT_HELP);
            goto done;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--no-run") == 0) {
            no_run = true;
        } else if ((r = cli_input_option(argc, argv, &i, &ia)) != 0) {
            if (r < 0)
                goto usage;
        } else if ((argv[i][0] == '-' && argv[i][1]) || model_path) {
            cli_error(NULL, "info: unexpected argument '%s'", argv[i]);
            goto usage;
        } else {
            model_path = argv[i];
        }
    }
    if (!model_path) {
        cli_error(NULL, "info: MODEL is missing");
        goto usage;
    }

    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_MODEL;
        goto done;
    }
    I.m = m;
    I.ins = &ins;
    size_t n_nodes = onr_model_node_count(m);
    if (!(I.rows = calloc(n_nodes ? n_nodes : 1, sizeof *I.rows))) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if (!no_run && (rc = infer(&I, model_path, &ia, &ins, &s)) != CLI_EXIT_OK)
        goto done;
    for (size_t k = 0; k < n_nodes; k++) {
        count_node(&I, k);
        I.macs += I.rows[k].macs;
    }
    for (size_t k = 0; k < onr_model_initializer_count(m); k++) { /* each weight once, even when shared */
        const onr_tensor *w = onr_model_initializer_at(m, k);
        I.params += is_param(w) ? onr_tensor_count(w) : 0;
        I.weight_bytes += onr_tensor_bytes(w);
    }

    if (json) {
        print_json(&I, model_path);
        goto done;
    }
    const char *producer = onr_model_producer(m);
    printf("model: %s\n", model_path);
    printf("ir_version: %lld\n", (long long)onr_model_ir_version(m));
    printf("producer: %s\n", producer[0] ? producer : "(not set)");
    printf("opsets:");
    for (size_t k = 0; k < onr_model_opset_count(m); k++) {
        const onr_opset *o = onr_model_opset(m, k);
        printf("%s %s %lld", k ? "," : "", o->domain && o->domain[0] ? o->domain : "ai.onnx", (long long)o->version);
    }
    printf("\n");
    print_values("inputs", onr_model_input_count(m), onr_model_input, m);
    print_values("outputs", onr_model_output_count(m), onr_model_output, m);
    printf("nodes (%zu):\n", n_nodes);
    print_table(&I);
    goto done;

usage:
    fputs(INFO_USAGE, stderr);
    fputs("(`onnxrun help info` for every option)\n", stderr);
    rc = CLI_EXIT_USAGE;
done:
    free(I.rows);
    onr_session_free(s);
    cli_inputs_free(&ins);
    cli_input_args_free(&ia);
    onr_model_free(m);
    return rc;
}
