/* bench.c: `onnxrun bench MODEL [-i NAME=FILE]... [--threads N] [--seconds S] [--warmup N] [--runs N]
 * [--no-profile] [--json]`: time repeated runs of one model and say where the time goes.
 *
 * Method: load (timed), create a session, run `warmup` untimed runs, then timed runs until `seconds` have
 * passed and at least MIN_RUNS were made (or exactly --runs N). Each run is timed alone with
 * CLOCK_MONOTONIC around onr_session_run, so the statistics are per run: median, min, p90 (the
 * nearest-rank percentile), mean, max. A second session with options.profile then runs a few more times
 * and its per-node times (onr_session_profile) are summed per op type and per node; the timed session
 * itself runs with profiling off, so the latency numbers carry no timer overhead per node.
 *
 * Inputs come from the options every subcommand shares (inputs.c: -i files and images, --shape); those
 * not given are seeded random data (--random SEED, default seed 0, so every invocation sees the same
 * values): floats uniform in [-1, 1), integers 0, bool false, symbolic dims 1 unless --shape says.
 *
 * Output: a human report on stdout, or with --json exactly one JSON object (tests/bench relies on
 * `median_us`, `min_us`, `p90_us`, `runs`, `threads`). Progress goes to stderr, only when it is a TTY.
 * Public API only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char BENCH_USAGE[] =
    "usage: onnxrun bench MODEL [-i NAME=FILE]... [--threads N] [--seconds S] [--warmup N] [--runs N]\n"
    "                     [--no-profile] [--json] [input options]\n"
    "  Times repeated runs: --warmup N untimed runs (default 5), then timed runs for S seconds (default 3,\n"
    "  at least 5 runs) or exactly --runs N. Prints median, min, p90 latency and, from a profiled session,\n"
    "  the time per op type and the top nodes. Inputs without -i are seeded random data (--random SEED,\n"
    "  default 0; symbolic dims 1 unless --shape). --json prints one JSON object (median_us, min_us,\n"
    "  p90_us, runs, threads, load_us, peak_rss_kib, and the profile).\n";

enum { MIN_RUNS = 5, PROFILE_RUNS_MAX = 200, TOP_NODES = 10 };
static const double PROFILE_SECONDS = 1.0;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- statistics -------------------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stats {
    double median, min, p90, mean, max; /* seconds */
} stats;

static stats summarize(double *t, size_t n)
{
    stats s = {0};
    if (n == 0)
        return s;
    qsort(t, n, sizeof *t, cmp_double);
    s.min = t[0];
    s.max = t[n - 1];
    s.median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    size_t r = (size_t)ceil(0.9 * (double)n); /* nearest rank */
    s.p90 = t[r ? r - 1 : 0];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += t[i];
    s.mean = sum / (double)n;
    return s;
}

/* --- profile ----------------------------------------------------------------------------------------- */

typedef struct op_total {
    const char *op_type;
    size_t nodes;
    double ns; /* summed over the profiled runs */
} op_total;

typedef struct node_total {
    size_t node;
    double ns;
} node_total;

static int cmp_op(const void *a, const void *b)
{
    double x = ((const op_total *)a)->ns, y = ((const op_total *)b)->ns;
    return (x < y) - (x > y);
}

static int cmp_node(const void *a, const void *b)
{
    double x = ((const node_total *)a)->ns, y = ((const node_total *)b)->ns;
    return (x < y) - (x > y);
}

typedef struct profile {
    size_t runs;
    double total_ns; /* sum of all node times over the runs */
    op_total *ops;
    size_t n_ops;
    node_total *nodes; /* sorted, slowest first */
    size_t n_nodes;
} profile;

static void profile_free(profile *p)
{
    free(p->ops);
    free(p->nodes);
}

/* Runs a profiled session for about PROFILE_SECONDS (at least one run) and sums the node times. */
static int run_profile(const onr_model *m, const onr_options *base, const onr_tensor *in, size_t n_in,
                       onr_tensor *out, size_t n_out, const char *model_path, profile *p)
{
    onr_options opt = *base;
    onr_session *s = NULL;
    onr_error e = {0};
    int rc = CLI_EXIT_OK;
    size_t n = onr_model_node_count(m);
    memset(p, 0, sizeof *p);
    opt.profile = 1;
    p->nodes = calloc(n ? n : 1, sizeof *p->nodes);
    p->ops = calloc(n ? n : 1, sizeof *p->ops);
    if (!p->nodes || !p->ops) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if (onr_session_new(m, &opt, &s, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_RUN;
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        p->nodes[k].node = k;
    p->n_nodes = n;
    double t0 = now_s();
    do {
        const uint64_t *ns = NULL;
        if (onr_session_run(s, in, n_in, NULL, out, n_out, &e) != ONR_OK) {
            cli_error_status(model_path, &e);
            rc = CLI_EXIT_RUN;
            goto done;
        }
        size_t got = onr_session_profile(s, &ns);
        for (size_t k = 0; k < got && k < n; k++)
            p->nodes[k].ns += (double)ns[k];
        p->runs++;
    } while (now_s() - t0 < PROFILE_SECONDS && p->runs < PROFILE_RUNS_MAX);
    for (size_t k = 0; k < n; k++) {
        const char *op = onr_model_node(m, k)->op_type;
        size_t j = 0;
        while (j < p->n_ops && strcmp(p->ops[j].op_type, op) != 0)
            j++;
        if (j == p->n_ops)
            p->ops[p->n_ops++].op_type = op;
        p->ops[j].nodes++;
        p->ops[j].ns += p->nodes[k].ns;
        p->total_ns += p->nodes[k].ns;
    }
    qsort(p->ops, p->n_ops, sizeof *p->ops, cmp_op);
    qsort(p->nodes, p->n_nodes, sizeof *p->nodes, cmp_node);
done:
    onr_session_free(s);
    return rc;
}

/* --- output ------------------------------------------------------------------------------------------ */

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static double pct(double part, double whole)
{
    return whole > 0.0 ? 100.0 * part / whole : 0.0;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1; /* Linux: KiB */
}

typedef struct report {
    const char *model_path;
    int threads, warmup;
    size_t runs;
    stats st;
    double load_s, session_s, first_run_s;
    const profile *prof; /* NULL: --no-profile */
} report;

static void print_json(const onr_model *m, const report *r)
{
    printf("{\"model\": ");
    json_str(r->model_path);
    printf(", \"threads\": %d, \"warmup\": %d, \"runs\": %zu", r->threads, r->warmup, r->runs);
    printf(", \"median_us\": %.3f, \"min_us\": %.3f, \"p90_us\": %.3f, \"mean_us\": %.3f, \"max_us\": %.3f",
           r->st.median * 1e6, r->st.min * 1e6, r->st.p90 * 1e6, r->st.mean * 1e6, r->st.max * 1e6);
    printf(", \"load_us\": %.1f, \"session_us\": %.1f, \"first_run_us\": %.1f, \"peak_rss_kib\": %ld",
           r->load_s * 1e6, r->session_s * 1e6, r->first_run_s * 1e6, peak_rss_kib());
    if (r->prof) {
        const profile *p = r->prof;
        const double runs = p->runs ? (double)p->runs : 1.0;
        printf(", \"profile_runs\": %zu, \"ops\": [", p->runs);
        for (size_t j = 0; j < p->n_ops; j++) {
            printf("%s{\"op_type\": ", j ? ", " : "");
            json_str(p->ops[j].op_type);
            printf(", \"nodes\": %zu, \"us\": %.3f, \"pct\": %.2f}", p->ops[j].nodes, p->ops[j].ns / runs * 1e-3,
                   pct(p->ops[j].ns, p->total_ns));
        }
        printf("], \"top_nodes\": [");
        for (size_t j = 0; j < p->n_nodes && j < TOP_NODES; j++) {
            const onr_node_info *ni = onr_model_node(m, p->nodes[j].node);
            printf("%s{\"name\": ", j ? ", " : "");
            json_str(ni->name);
            printf(", \"op_type\": ");
            json_str(ni->op_type);
            printf(", \"us\": %.3f, \"pct\": %.2f}", p->nodes[j].ns / runs * 1e-3, pct(p->nodes[j].ns, p->total_ns));
        }
        printf("]");
    }
    printf("}\n");
}

/* Times in the most readable unit. */
static const char *fmt_time(double s, char *buf, size_t size)
{
    if (s >= 1.0)
        snprintf(buf, size, "%.3f s", s);
    else if (s >= 1e-3)
        snprintf(buf, size, "%.3f ms", s * 1e3);
    else
        snprintf(buf, size, "%.1f us", s * 1e6);
    return buf;
}

static void print_human(const onr_model *m, const report *r)
{
    char a[32], b[32], c[32], d[32];
    printf("model:    %s\n", r->model_path);
    printf("threads:  %d\n", r->threads);
    printf("load:     %s   session: %s   first run: %s   peak RSS: %.1f MiB\n", fmt_time(r->load_s, a, sizeof a),
           fmt_time(r->session_s, b, sizeof b), fmt_time(r->first_run_s, c, sizeof c),
           (double)peak_rss_kib() / 1024.0);
    printf("runs:     %zu timed after %d warm-up\n", r->runs, r->warmup);
    printf("latency:  median %s   min %s   p90 %s   mean %s\n", fmt_time(r->st.median, a, sizeof a),
           fmt_time(r->st.min, b, sizeof b), fmt_time(r->st.p90, c, sizeof c), fmt_time(r->st.mean, d, sizeof d));
    if (!r->prof)
        return;
    const profile *p = r->prof;
    const double runs = p->runs ? (double)p->runs : 1.0;
    printf("\nper op type (mean over %zu profiled runs; node times sum to %s per run):\n", p->runs,
           fmt_time(p->total_ns / runs * 1e-9, a, sizeof a));
    printf("  %-24s %6s %12s %7s\n", "op type", "nodes", "time/run", "%");
    for (size_t j = 0; j < p->n_ops; j++)
        printf("  %-24s %6zu %12s %6.1f%%\n", p->ops[j].op_type, p->ops[j].nodes,
               fmt_time(p->ops[j].ns / runs * 1e-9, a, sizeof a), pct(p->ops[j].ns, p->total_ns));
    printf("\ntop nodes:\n");
    printf("  %-32s %-20s %12s %7s\n", "node", "op type", "time/run", "%");
    for (size_t j = 0; j < p->n_nodes && j < TOP_NODES; j++) {
        const onr_node_info *ni = onr_model_node(m, p->nodes[j].node);
        char name[40];
        snprintf(name, sizeof name, "%s", ni->name && ni->name[0] ? ni->name : "(unnamed)");
        printf("  %-32s %-20s %12s %6.1f%%\n", name, ni->op_type,
               fmt_time(p->nodes[j].ns / runs * 1e-9, a, sizeof a), pct(p->nodes[j].ns, p->total_ns));
    }
}

/* --- command ----------------------------------------------------------------------------------------- */

int cli_bench(int argc, char **argv)
{
    const char *model_path = NULL, *v;
    cli_input_args ia;
    cli_inputs inputs = {0};
    size_t n_in = 0, n_out = 0, runs = 0, cap = 0;
    long fixed_runs = 0, warmup = 5, t;
    double seconds = 3.0;
    bool json = false, want_profile = true;
    onr_options opt = {0};
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_tensor *in = NULL, *out = NULL;
    double *times = NULL;
    profile prof = {0};
    onr_error e = {0};
    int rc = CLI_EXIT_OK, r;
    const bool tty = isatty(STDERR_FILENO);
    if (!cli_input_args_init(&ia, argc)) {
        cli_input_args_free(&ia);
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }
    ia.random = true; /* a benchmark needs no meaningful values: inputs not given are seeded random */
    ia.seed = 0;
    opt.threads = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(BENCH_USAGE, stdout);
            fputs(CLI_INPUT_HELP, stdout);
            goto done;
        } else if ((r = cli_input_option(argc, argv, &i, &ia)) != 0) {
            if (r < 0)
                goto usage;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--threads", &v)) != 0) {
            if (r < 0 || !cli_parse_int(v, 1, 1024, &t)) {
                if (r > 0)
                    cli_error(NULL, "--threads %s: want an integer in 1..1024", v);
                goto usage;
            }
            opt.threads = (int)t;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--seconds", &v)) != 0) {
            if (r < 0 || !cli_parse_double(v, &seconds) || seconds < 0.0 || seconds > 86400.0) {
                if (r > 0)
                    cli_error(NULL, "--seconds %s: want a number in 0..86400", v);
                goto usage;
            }
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--warmup", &v)) != 0) {
            if (r < 0 || !cli_parse_int(v, 0, 1000000, &warmup)) {
                if (r > 0)
                    cli_error(NULL, "--warmup %s: want an integer in 0..1000000", v);
                goto usage;
            }
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--runs", &v)) != 0) {
            if (r < 0 || !cli_parse_int(v, 1, 100000000, &fixed_runs)) {
                if (r > 0)
                    cli_error(NULL, "--runs %s: want an integer in 1..100000000", v);
                goto usage;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--no-profile") == 0) {
            want_profile = false;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error(NULL, "bench: unknown option '%s'", argv[i]);
            goto usage;
        } else if (!model_path) {
            model_path = argv[i];
        } else {
            cli_error(NULL, "bench: one MODEL only ('%s' and '%s' given)", model_path, argv[i]);
            goto usage;
        }
    }
    if (!model_path) {
        cli_error(NULL, "bench: MODEL is missing");
        goto usage;
    }

    report rep = {.model_path = model_path, .threads = opt.threads, .warmup = (int)warmup};
    double t0 = now_s();
    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_MODEL;
        goto done;
    }
    rep.load_s = now_s() - t0;

    n_out = onr_model_output_count(m);
    out = calloc(n_out ? n_out : 1, sizeof *out);
    if (!out) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if ((rc = cli_inputs_build(m, model_path, &ia, CLI_MISSING_ERROR, &inputs)) != CLI_EXIT_OK)
        goto done;
    in = inputs.views;
    n_in = inputs.n;

    t0 = now_s();
    if (onr_session_new(m, &opt, &s, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_RUN;
        goto done;
    }
    rep.session_s = now_s() - t0;

    /* The first run plans activations for the input shapes; reported on its own, then warm-up. */
    for (long w = 0; w <= warmup; w++) {
        t0 = now_s();
        if (onr_session_run(s, in, n_in, NULL, out, n_out, &e) != ONR_OK) {
            cli_error_status(model_path, &e);
            rc = CLI_EXIT_RUN;
            goto done;
        }
        if (w == 0)
            rep.first_run_s = now_s() - t0;
    }

    const double start = now_s();
    double last_note = start;
    for (;;) {
        if (fixed_runs ? runs >= (size_t)fixed_runs : runs >= MIN_RUNS && now_s() - start >= seconds)
            break;
        if (runs == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            double *nt = realloc(times, ncap * sizeof *nt);
            if (!nt) {
                cli_error(NULL, "out of memory");
                rc = CLI_EXIT_RUN;
                goto done;
            }
            times = nt;
            cap = ncap;
        }
        t0 = now_s();
        onr_status st = onr_session_run(s, in, n_in, NULL, out, n_out, &e);
        const double t1 = now_s();
        if (st != ONR_OK) {
            cli_error_status(model_path, &e);
            rc = CLI_EXIT_RUN;
            goto done;
        }
        times[runs++] = t1 - t0;
        if (tty && t1 - last_note >= 0.25) {
            fprintf(stderr, "\r%zu runs, %.1f s ", runs, t1 - start);
            last_note = t1;
        }
    }
    if (tty)
        fprintf(stderr, "\r%*s\r", 40, "");
    rep.runs = runs;
    rep.st = summarize(times, runs);

    if (want_profile) {
        onr_session_free(s); /* one session's activations at a time */
        s = NULL;
        if ((rc = run_profile(m, &opt, in, n_in, out, n_out, model_path, &prof)) != CLI_EXIT_OK)
            goto done;
        rep.prof = &prof;
    }
    if (json)
        print_json(m, &rep);
    else
        print_human(m, &rep);
    goto done;

usage:
    fputs(BENCH_USAGE, stderr);
    fputs(CLI_INPUT_HELP, stderr);
    rc = CLI_EXIT_USAGE;
done:
    profile_free(&prof);
    free(times);
    onr_session_free(s);
    cli_inputs_free(&inputs);
    free(out);
    onr_model_free(m);
    cli_input_args_free(&ia);
    return rc;
}
