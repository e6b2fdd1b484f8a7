/* run.c: `onnxrun run MODEL [-i NAME=FILE]... [-o DIR] [--threads N]`: bind tensor files to the graph
 * inputs, run once, and print the outputs or write them as DIR/<output name>.npy. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char RUN_USAGE[] = "usage: onnxrun run MODEL [-i NAME=FILE]... [-o DIR] [--threads N]\n";

typedef struct binding {
    const char *spec; /* the -i argument as given */
    const char *file;
    size_t input;     /* index into onr_model_input */
    onr_tensor *t;
} binding;

static void list_inputs(const onr_model *m)
{
    char buf[256];
    size_t n = onr_model_input_count(m);
    fprintf(stderr, "  the model's inputs:%s\n", n ? "" : " none");
    for (size_t k = 0; k < n; k++) {
        const onr_value_info *v = onr_model_input(m, k);
        fprintf(stderr, "    %s  %s\n", v->name, cli_value_info_str(v, buf, sizeof buf));
    }
}

static bool find_input(const onr_model *m, const char *name, size_t len, size_t *index)
{
    for (size_t k = 0; k < onr_model_input_count(m); k++) {
        const char *in = onr_model_input(m, k)->name;
        if (strlen(in) == len && strncmp(in, name, len) == 0) {
            *index = k;
            return true;
        }
    }
    return false;
}

/* NAME=FILE, split at the first '=' whose left side names an input (names may hold '=' too); a bare
 * FILE binds the model's only input. Returns an exit code. */
static int resolve(const onr_model *m, const char *model_path, binding *b)
{
    for (const char *eq = strchr(b->spec, '='); eq; eq = strchr(eq + 1, '=')) {
        if (find_input(m, b->spec, (size_t)(eq - b->spec), &b->input)) {
            b->file = eq + 1;
            return CLI_EXIT_OK;
        }
    }
    if (onr_model_input_count(m) == 1 && (!strchr(b->spec, '=') || cli_is_file(b->spec))) {
        b->input = 0;
        b->file = b->spec;
        return CLI_EXIT_OK;
    }
    if (strchr(b->spec, '='))
        cli_error(model_path, "-i %s: the model has no input named '%.*s'", b->spec,
                  (int)(strchr(b->spec, '=') - b->spec), b->spec);
    else
        cli_error(model_path, "-i %s: name the input (-i NAME=FILE): the model has %zu inputs", b->spec,
                  onr_model_input_count(m));
    list_inputs(m);
    return CLI_EXIT_RUN;
}

/* "<dir>/<name>.npy" with '/' (and '\\') in the name made '_' so every output stays inside dir. */
static char *output_path(const char *dir, const char *name, size_t index)
{
    char fallback[32];
    if (!name || !*name) {
        snprintf(fallback, sizeof fallback, "output_%zu", index);
        name = fallback;
    }
    size_t n = strlen(dir) + 1 + strlen(name) + 5;
    char *p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s/%s.npy", dir, name);
    for (char *c = p + strlen(dir) + 1; *c; c++)
        if (*c == '/' || *c == '\\')
            *c = '_';
    return p;
}

static int write_outputs(const onr_model *m, const onr_tensor *out, size_t n_out, const char *dir)
{
    int rc = cli_mkdirs(dir);
    if (rc) {
        cli_error(dir, "cannot create the output folder: %s", strerror(rc));
        return CLI_EXIT_FILE;
    }
    char **paths = calloc(n_out ? n_out : 1, sizeof *paths);
    if (!paths) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_FILE;
    }
    for (size_t k = 0; k < n_out && rc == CLI_EXIT_OK; k++) {
        if (!(paths[k] = output_path(dir, onr_model_output(m, k)->name, k))) {
            cli_error(NULL, "out of memory");
            rc = CLI_EXIT_FILE;
            break;
        }
        for (size_t j = 0; j < k; j++) /* sanitizing may map two names to one file: refuse, never overwrite */
            if (strcmp(paths[j], paths[k]) == 0) {
                cli_error(paths[k], "outputs '%s' and '%s' would both be written here", onr_model_output(m, j)->name,
                          onr_model_output(m, k)->name);
                rc = CLI_EXIT_FILE;
            }
    }
    for (size_t k = 0; k < n_out && rc == CLI_EXIT_OK; k++) {
        onr_error e = {0};
        char shape[160];
        if (onr_tensor_save_npy(&out[k], paths[k], &e) != ONR_OK) {
            cli_error_status(paths[k], &e);
            rc = CLI_EXIT_FILE;
            break;
        }
        printf("%s: %s %s -> %s\n", onr_model_output(m, k)->name, onr_dtype_name(out[k].dtype),
               cli_shape_str(out[k].rank, out[k].dims, shape, sizeof shape), paths[k]);
    }
    for (size_t k = 0; k < n_out; k++)
        free(paths[k]);
    free(paths);
    return rc;
}

int cli_run(int argc, char **argv)
{
    const char *model_path = NULL, *out_dir = NULL, *v;
    onr_options opt = {0};
    int rc = CLI_EXIT_OK, r;
    size_t n_bind = 0, n_in = 0, n_out = 0;
    binding *binds = calloc((size_t)argc, sizeof *binds);
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_tensor *in = NULL, *out = NULL;
    onr_error e = {0};
    if (!binds) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(RUN_USAGE, stdout);
            goto done;
        } else if ((r = cli_opt_value(argc, argv, &i, "-i", "--input", &v)) != 0) {
            if (r < 0)
                goto usage;
            binds[n_bind++].spec = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", "--output-dir", &v)) != 0) {
            if (r < 0)
                goto usage;
            out_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--threads", &v)) != 0) {
            long t;
            if (r < 0)
                goto usage;
            if (!cli_parse_int(v, 1, 1024, &t)) {
                cli_error(NULL, "--threads %s: want an integer in 1..1024", v);
                goto usage;
            }
            opt.threads = (int)t;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error(NULL, "run: unknown option '%s'", argv[i]);
            goto usage;
        } else if (!model_path) {
            model_path = argv[i];
        } else {
            cli_error(NULL, "run: one MODEL only ('%s' and '%s' given)", model_path, argv[i]);
            goto usage;
        }
    }
    if (!model_path) {
        cli_error(NULL, "run: MODEL is missing");
        goto usage;
    }

    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_MODEL;
        goto done;
    }
    n_in = onr_model_input_count(m);
    n_out = onr_model_output_count(m);
    for (size_t b = 0; b < n_bind; b++) {
        if ((rc = resolve(m, model_path, &binds[b])) != CLI_EXIT_OK)
            goto done;
        for (size_t c = 0; c < b; c++)
            if (binds[c].input == binds[b].input) {
                cli_error(model_path, "input '%s' is given twice (-i %s, -i %s)",
                          onr_model_input(m, binds[b].input)->name, binds[c].spec, binds[b].spec);
                rc = CLI_EXIT_USAGE;
                goto done;
            }
    }
    for (size_t k = 0; k < n_in; k++) {
        bool bound = false;
        for (size_t b = 0; b < n_bind; b++)
            bound = bound || binds[b].input == k;
        if (!bound) {
            char buf[256];
            const onr_value_info *vi = onr_model_input(m, k);
            cli_error(model_path, "input '%s' (%s) is not given: add -i %s=FILE", vi->name,
                      cli_value_info_str(vi, buf, sizeof buf), vi->name);
            rc = CLI_EXIT_RUN;
            goto done;
        }
    }

    in = calloc(n_bind ? n_bind : 1, sizeof *in);
    out = calloc(n_out ? n_out : 1, sizeof *out);
    if (!in || !out) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    for (size_t b = 0; b < n_bind; b++) {
        if (onr_tensor_load(binds[b].file, &binds[b].t, &e) != ONR_OK) {
            cli_error_status(binds[b].file, &e);
            rc = CLI_EXIT_FILE;
            goto done;
        }
        in[b] = *binds[b].t; /* a view renamed to the graph input it binds */
        in[b].name = onr_model_input(m, binds[b].input)->name;
    }

    if (onr_session_new(m, &opt, &s, &e) != ONR_OK ||
        onr_session_run(s, in, n_bind, NULL, out, n_out, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if (out_dir) {
        rc = write_outputs(m, out, n_out, out_dir);
    } else {
        for (size_t k = 0; k < n_out; k++)
            cli_print_tensor(stdout, onr_model_output(m, k)->name, &out[k]);
    }
    goto done;

usage:
    fputs(RUN_USAGE, stderr);
    rc = CLI_EXIT_USAGE;
done:
    for (size_t b = 0; b < n_bind; b++)
        onr_tensor_free(binds[b].t);
    free(binds);
    free(in);
    free(out);
    onr_session_free(s);
    onr_model_free(m);
    return rc;
}
