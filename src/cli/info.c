/* info.c: `onnxrun info MODEL`: what a model declares (inputs, outputs, opsets, producer, weights) and
 * its nodes in execution order as a table: index, name, op, inputs -> outputs. */
#include <string.h>

#include "cli.h"

static const char INFO_USAGE[] = "usage: onnxrun info MODEL\n";

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

static void op_label(const onr_node_info *nd, char *buf, size_t size)
{
    if (nd->domain && nd->domain[0])
        snprintf(buf, size, "%s:%s", nd->domain, nd->op_type);
    else
        snprintf(buf, size, "%s", nd->op_type);
}

static void print_names(const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        printf("%s%s", k ? ", " : "", names[k][0] ? names[k] : "(none)");
}

static void print_nodes(const onr_model *m)
{
    size_t n = onr_model_node_count(m), wname = 4, wop = 2, widx = 1;
    char op[128];
    for (size_t k = n; k >= 10; k /= 10)
        widx++;
    for (size_t k = 0; k < n; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        size_t l = nd->name && nd->name[0] ? strlen(nd->name) : 1;
        wname = l > wname ? l : wname;
        op_label(nd, op, sizeof op);
        wop = strlen(op) > wop ? strlen(op) : wop;
    }
    printf("nodes (%zu):\n", n);
    if (!n)
        return;
    printf("  %*s  %-*s  %-*s  %s\n", (int)widx, "#", (int)wname, "name", (int)wop, "op", "inputs -> outputs");
    for (size_t k = 0; k < n; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        op_label(nd, op, sizeof op);
        printf("  %*zu  %-*s  %-*s  ", (int)widx, k, (int)wname, nd->name && nd->name[0] ? nd->name : "-", (int)wop,
               op);
        print_names(nd->inputs, nd->n_inputs);
        fputs(" -> ", stdout);
        print_names(nd->outputs, nd->n_outputs);
        fputc('\n', stdout);
    }
}

int cli_info(int argc, char **argv)
{
    const char *model_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(INFO_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        if ((argv[i][0] == '-' && argv[i][1]) || model_path) {
            cli_error(NULL, "info: unexpected argument '%s'", argv[i]);
            fputs(INFO_USAGE, stderr);
            return CLI_EXIT_USAGE;
        }
        model_path = argv[i];
    }
    if (!model_path) {
        cli_error(NULL, "info: MODEL is missing");
        fputs(INFO_USAGE, stderr);
        return CLI_EXIT_USAGE;
    }

    onr_model *m = NULL;
    onr_error e = {0};
    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        return CLI_EXIT_MODEL;
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

    size_t n_init = onr_model_initializer_count(m), bytes = 0;
    for (size_t k = 0; k < n_init; k++)
        bytes += onr_tensor_bytes(onr_model_initializer_at(m, k));
    printf("initializers: %zu (%zu bytes)\n", n_init, bytes);
    print_nodes(m);
    onr_model_free(m);
    return CLI_EXIT_OK;
}
