/* run.c: `onnxrun run MODEL [-i NAME=FILE]... [-o DIR]`: bind inputs (tensor files, images, or seeded
 * random data), run once, then print the outputs (aligned matrices when small), their top-K classes, or
 * write them as DIR/<output name>.npy (.pb with --format pb); --dump DIR writes every intermediate value
 * the same way. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char RUN_USAGE[] =
    "usage: onnxrun run MODEL [-i NAME=FILE]... [--random SEED] [-o DIR] [--format npy|pb] [--top K\n"
    "                   [--labels FILE]] [--dump DIR] [--threads N] [image options]\n";

static const char RUN_HELP[] =
    "\n"
    "Runs MODEL (.onnx) once. Every graph input needs -i (or --random SEED for all inputs not given).\n"
    "Without -o the outputs are printed: small tensors as aligned matrices, one per 2-D plane of the last\n"
    "two axes, larger ones as min/max/mean and the first values.\n"
    "\n"
    "options:\n"
    "  -o, --output-dir DIR    write every graph output as DIR/<output name>.npy (DIR is created; '/' in\n"
    "                          names becomes '_') and print `name: dtype [shape] -> path`\n"
    "  --format npy|pb         file format for -o and --dump (default npy; pb = ONNX TensorProto)\n"
    "  --top K                 for each float output, the K largest values per batch row: index, label,\n"
    "                          value; raw logits (not a probability row) also get their softmax\n"
    "  --labels FILE           class names for --top, one per line (line 1 = index 0)\n"
    "  --dump DIR              also write every intermediate value (every node output) into DIR\n"
    "  --threads N             worker threads (default 1)\n"
    "\n";

/* --- top-K ------------------------------------------------------------------------------------------- */

typedef struct labels {
    char **v;
    size_t n;
} labels;

static void labels_free(labels *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->v[k]);
    free(l->v);
}

static int labels_read(const char *file, labels *l)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        cli_error(file, "cannot open the labels file: %s", strerror(errno));
        return CLI_EXIT_FILE;
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    int rc = CLI_EXIT_OK;
    while (getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (l->n == alloc) {
            size_t na = alloc ? 2 * alloc : 64;
            char **v = realloc(l->v, na * sizeof *v);
            if (!v) {
                rc = CLI_EXIT_FILE;
                break;
            }
            l->v = v;
            alloc = na;
        }
        if (!(l->v[l->n] = strdup(line))) {
            rc = CLI_EXIT_FILE;
            break;
        }
        l->n++;
    }
    if (rc != CLI_EXIT_OK)
        cli_error(NULL, "out of memory");
    else if (ferror(f)) {
        cli_error(file, "read error");
        rc = CLI_EXIT_FILE;
    }
    free(line);
    fclose(f);
    return rc;
}

typedef struct scored {
    double v;
    size_t index;
} scored;

static int cmp_scored(const void *pa, const void *pb)
{
    const scored *a = pa, *b = pb;
    if (a->v != b->v) /* NaN sorts last */
        return isnan(a->v) ? 1 : isnan(b->v) ? -1 : a->v > b->v ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* A row is taken as probabilities when every value is in [0, 1] and they sum to 1 (within 1e-3, the
 * float32 error of a softmax over a few thousand classes). */
static bool is_probability_row(const scored *row, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(row[i].v >= 0 && row[i].v <= 1))
            return false;
        sum += row[i].v;
    }
    return fabs(sum - 1) <= 1e-3;
}

/* Top-K per batch row: rows are dims[0] (rank >= 2), classes the remaining elements. */
static int print_top(const char *name, const onr_tensor *t, size_t k, const labels *lab)
{
    size_t n = onr_tensor_count(t), rows = t->rank >= 2 && t->dims[0] > 0 ? (size_t)t->dims[0] : 1;
    size_t classes = rows ? n / rows : 0;
    char shape[160];
    if (!cli_dtype_is_float(t->dtype) || classes == 0) {
        fprintf(stderr, "onnxrun: --top: output '%s' (%s %s) is not a float score vector; printed in full\n", name,
                onr_dtype_name(t->dtype), cli_shape_str(t->rank, t->dims, shape, sizeof shape));
        cli_print_tensor(stdout, name, t);
        return CLI_EXIT_OK;
    }
    scored *row = malloc(classes * sizeof *row);
    if (!row) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }
    size_t shown = k < classes ? k : classes, iw = 5;
    for (size_t c = classes - 1; c >= 100000; c /= 10)
        iw++;
    for (size_t r = 0; r < rows; r++) {
        double mx = -INFINITY, z = 0;
        for (size_t i = 0; i < classes; i++) {
            row[i].v = cli_elem_double(t, r * classes + i);
            row[i].index = i;
            mx = row[i].v > mx ? row[i].v : mx;
        }
        bool probs = is_probability_row(row, classes);
        for (size_t i = 0; i < classes && !probs; i++) /* softmax, shifted by the max so exp cannot overflow */
            z += exp(row[i].v - mx);
        qsort(row, classes, sizeof *row, cmp_scored);
        if (rows > 1)
            printf("%s[%zu]", name, r);
        else
            printf("%s", name);
        printf(": top %zu of %zu, %s\n", shown, classes,
               probs ? "scores (a probability row)" : "raw logits (softmax beside)");
        printf("  rank  %*s  %10s%s%s\n", (int)iw, "index", probs ? "score" : "logit", probs ? "" : "     softmax",
               lab->n ? "  label" : "");
        for (size_t i = 0; i < shown; i++) {
            printf(probs ? "  %4zu  %*zu  %10.6f" : "  %4zu  %*zu  %10.6g", i + 1, (int)iw, row[i].index, row[i].v);
            if (!probs)
                printf("  %10.6f", exp(row[i].v - mx) / z);
            if (lab->n)
                printf("  %s", row[i].index < lab->n ? lab->v[row[i].index] : "(no label)");
            putchar('\n');
        }
    }
    free(row);
    if (lab->n && lab->n != classes)
        fprintf(stderr, "onnxrun: --labels: %zu labels for %zu classes of output '%s'\n", lab->n, classes, name);
    return CLI_EXIT_OK;
}

/* --- files ------------------------------------------------------------------------------------------- */

/* Writes tensors[k] (named names[k]) into dir as <name>.<ext>, printing `name: dtype shape -> path`.
 * Two names that map to one file are refused, never overwritten. Returns an exit code. */
static int write_all(const onr_tensor *ts, const char *const *names, size_t n, const char *dir, const char *ext)
{
    int rc = cli_mkdirs(dir);
    if (rc) {
        cli_error(dir, "cannot create the output folder: %s", strerror(rc));
        return CLI_EXIT_FILE;
    }
    char **paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_FILE;
    }
    for (size_t k = 0; k < n && rc == CLI_EXIT_OK; k++) {
        if (!(paths[k] = cli_value_path(dir, names[k], k, ext))) {
            cli_error(NULL, "out of memory");
            rc = CLI_EXIT_FILE;
            break;
        }
        for (size_t j = 0; j < k; j++)
            if (strcmp(paths[j], paths[k]) == 0) {
                cli_error(paths[k], "values '%s' and '%s' would both be written here", names[j], names[k]);
                rc = CLI_EXIT_FILE;
                break;
            }
    }
    for (size_t k = 0; k < n && rc == CLI_EXIT_OK; k++) {
        char shape[160];
        if ((rc = cli_save_tensor(&ts[k], paths[k], ext)) != CLI_EXIT_OK)
            break;
        printf("%s: %s %s -> %s\n", names[k], onr_dtype_name(ts[k].dtype),
               cli_shape_str(ts[k].rank, ts[k].dims, shape, sizeof shape), paths[k]);
    }
    for (size_t k = 0; k < n; k++)
        free(paths[k]);
    free(paths);
    return rc;
}

static int dump_values(const onr_session *s, const char *dir, const char *ext)
{
    const onr_tensor *vals = NULL;
    size_t n = onr_session_values(s, &vals);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_FILE;
    }
    for (size_t k = 0; k < n; k++)
        names[k] = vals[k].name;
    int rc = write_all(vals, names, n, dir, ext);
    free(names);
    return rc;
}

/* --- the command ------------------------------------------------------------------------------------- */

int cli_run(int argc, char **argv)
{
    const char *model_path = NULL, *out_dir = NULL, *dump_dir = NULL, *labels_file = NULL, *ext = "npy", *v;
    onr_options opt = {0};
    int rc = CLI_EXIT_OK, r;
    size_t n_out = 0, top = 0;
    cli_input_args ia;
    cli_inputs ins = {0};
    labels lab = {0};
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_tensor *out = NULL;
    const char **out_names = NULL;
    onr_error e = {0};
    if (!cli_input_args_init(&ia, argc)) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("%s%s%s", RUN_USAGE, RUN_HELP, CLI_INPUT_HELP);
            goto done;
        } else if ((r = cli_input_option(argc, argv, &i, &ia)) != 0) {
            if (r < 0)
                goto usage;
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", "--output-dir", &v)) != 0) {
            if (r < 0)
                goto usage;
            out_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--dump", &v)) != 0) {
            if (r < 0)
                goto usage;
            dump_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--format", &v)) != 0) {
            if (r < 0)
                goto usage;
            if (strcmp(v, "npy") != 0 && strcmp(v, "pb") != 0) {
                cli_error(NULL, "--format %s: want npy or pb", v);
                goto usage;
            }
            ext = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--top", &v)) != 0) {
            long k;
            if (r < 0)
                goto usage;
            if (!cli_parse_int(v, 1, 1000000, &k)) {
                cli_error(NULL, "--top %s: want an integer in 1..1000000", v);
                goto usage;
            }
            top = (size_t)k;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--labels", &v)) != 0) {
            if (r < 0)
                goto usage;
            labels_file = v;
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
    if (labels_file && !top) {
        cli_error(NULL, "run: --labels goes with --top K");
        goto usage;
    }

    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_MODEL;
        goto done;
    }
    if ((rc = cli_inputs_build(m, model_path, &ia, CLI_MISSING_ERROR, &ins)) != CLI_EXIT_OK)
        goto done;
    if (labels_file && (rc = labels_read(labels_file, &lab)) != CLI_EXIT_OK)
        goto done;
    n_out = onr_model_output_count(m);
    out = calloc(n_out ? n_out : 1, sizeof *out);
    out_names = calloc(n_out ? n_out : 1, sizeof *out_names);
    if (!out || !out_names) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    for (size_t k = 0; k < n_out; k++)
        out_names[k] = onr_model_output(m, k)->name;

    opt.keep_values = dump_dir != NULL; /* no buffer reuse, so every value is still there to dump */
    if (onr_session_new(m, &opt, &s, &e) != ONR_OK ||
        onr_session_run(s, ins.views, ins.n, NULL, out, n_out, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if (out_dir && (rc = write_all(out, out_names, n_out, out_dir, ext)) != CLI_EXIT_OK)
        goto done;
    if (dump_dir && (rc = dump_values(s, dump_dir, ext)) != CLI_EXIT_OK)
        goto done;
    for (size_t k = 0; k < n_out && rc == CLI_EXIT_OK; k++) {
        if (top)
            rc = print_top(out_names[k], &out[k], top, &lab);
        else if (!out_dir && !dump_dir)
            cli_print_tensor(stdout, out_names[k], &out[k]);
    }
    goto done;

usage:
    fputs(RUN_USAGE, stderr);
    fputs("(`onnxrun help run` for every option)\n", stderr);
    rc = CLI_EXIT_USAGE;
done:
    cli_inputs_free(&ins);
    cli_input_args_free(&ia);
    labels_free(&lab);
    free(out);
    free(out_names);
    onr_session_free(s);
    onr_model_free(m);
    return rc;
}
