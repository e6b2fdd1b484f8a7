/* test.c: `onnxrun test PATH...`: the ONNX backend-test runner.
 *
 * Layout (onnx/backend/test/data): DIR/model.onnx and DIR/test_data_set_N/{input_K.pb, output_K.pb}.
 * input_K binds to the K-th graph input that is not an initializer (onr_model_input(m, K)), output_K is
 * compared with the K-th graph output. Comparison follows numpy.testing.assert_allclose as the ONNX
 * backend runner uses it: |got - want| <= atol + rtol * |want|, NaN equal to NaN, infinities equal only
 * to themselves; integers and bool must be equal; dtype and shape must match.
 *
 * bfloat16 tensors stored as uint16 bit patterns (numpy has no bfloat16) are read as bfloat16 where
 * the graph declares bfloat16, see bf16_as_uint16.
 *
 * Outcome per test: PASS; SKIP when the model, an input or the run is ONR_E_UNSUPPORTED (valid ONNX that
 * onnxrun does not run); FAIL otherwise. A test named in the expected-failures list that fails prints
 * XFAIL and counts as skipped (the last line keeps its three counts); one that passes is a FAIL, so the
 * list can only shrink. The last line is exactly "N passed, N failed, N skipped". */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char TEST_USAGE[] =
    "usage: onnxrun test PATH... [--rtol R] [--atol A] [--expected-failures FILE] [--filter TEXT] [--threads N]\n";

static const char TEST_HELP[] =
    "\n"
    "Runs ONNX backend tests. PATH is a test folder (model.onnx, test_data_set_N/input_K.pb and\n"
    "output_K.pb) or a folder of test folders. input_K binds to the K-th graph input that is not an\n"
    "initializer; output_K is compared with the K-th graph output like numpy assert_allclose:\n"
    "|got - want| <= atol + rtol * |want|, exact for integers and bool, NaN equal to NaN; dtype and shape\n"
    "must match. Prints one line per test, PASS, FAIL (with the data set, output, count and first index\n"
    "that differ), SKIP (a model or type onnxrun does not run) or XFAIL, then exactly\n"
    "`N passed, N failed, N skipped`. Exit status 1 when a test failed. When stderr is a terminal a\n"
    "progress line shows the test being run and the counts so far: [12/345] test_name  (10 passed, ...).\n"
    "\n"
    "options:\n"
    "  --rtol R, --atol A           tolerances (default 1e-3 and 1e-7, the ONNX backend defaults)\n"
    "  --expected-failures FILE     known failures, one `test_name reason...` per line (# comments; the\n"
    "                               name may be `folder/test_name`): they print XFAIL and count as\n"
    "                               skipped; a listed test that passes is a failure, so the list only\n"
    "                               shrinks\n"
    "  --filter TEXT                only tests whose folder name contains TEXT\n"
    "  --threads N                  worker threads per session (default 1)\n";

typedef struct xfail {
    char *name;   /* "test_x" or "folder/test_x" */
    char *reason;
} xfail;

typedef struct test_opts {
    double rtol, atol;
    int threads;
    const char *filter;
    xfail *xf;
    size_t n_xf;
} test_opts;

typedef enum outcome { T_PASS, T_FAIL, T_SKIP } outcome;

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static bool strlist_push(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return false;
    l->n++;
    return true;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* --- comparison --------------------------------------------------------------------------------------- */

static bool same_shape(const onr_tensor *a, const onr_tensor *b)
{
    if (a->rank != b->rank)
        return false;
    for (int32_t k = 0; k < a->rank; k++)
        if (a->dims[k] != b->dims[k])
            return false;
    return true;
}

static bool close_enough(double g, double w, double rtol, double atol)
{
    if (isnan(g) || isnan(w))
        return isnan(g) && isnan(w);
    if (isinf(g) || isinf(w))
        return g == w;
    return fabs(g - w) <= atol + rtol * fabs(w);
}

/* numpy has no bfloat16, so the ONNX test data (onnx <= 1.13, backend/test/case/node/cast.py and
 * castlike.py) stores bfloat16 tensors as uint16 arrays of the bit patterns. A uint16 file where the
 * graph declares bfloat16 is read as those bits. */
static bool bf16_as_uint16(onr_dtype declared, onr_dtype file)
{
    return declared == ONR_DTYPE_BFLOAT16 && file == ONR_DTYPE_UINT16;
}

static bool compare(const onr_tensor *got, const onr_tensor *want_file, const test_opts *o, char *why, size_t size)
{
    char a[160], b[160];
    onr_tensor want_bits = *want_file;
    if (bf16_as_uint16(got->dtype, want_file->dtype))
        want_bits.dtype = ONR_DTYPE_BFLOAT16;
    const onr_tensor *want = &want_bits;
    if (got->dtype != want->dtype) {
        snprintf(why, size, "dtype %s, want %s", onr_dtype_name(got->dtype), onr_dtype_name(want->dtype));
        return false;
    }
    if (!same_shape(got, want)) {
        snprintf(why, size, "shape %s, want %s", cli_shape_str(got->rank, got->dims, a, sizeof a),
                 cli_shape_str(want->rank, want->dims, b, sizeof b));
        return false;
    }
    size_t n = onr_tensor_count(want), bad = 0, first = 0;
    double worst = 0;
    bool fl = cli_dtype_is_float(want->dtype), uns = cli_dtype_is_unsigned(want->dtype);
    for (size_t i = 0; i < n; i++) {
        bool ok;
        if (fl) {
            double g = cli_elem_double(got, i), w = cli_elem_double(want, i);
            ok = close_enough(g, w, o->rtol, o->atol);
            if (!ok && isfinite(g) && isfinite(w) && fabs(g - w) > worst)
                worst = fabs(g - w);
        } else {
            ok = uns ? cli_elem_u64(got, i) == cli_elem_u64(want, i) : cli_elem_i64(got, i) == cli_elem_i64(want, i);
        }
        if (!ok && bad++ == 0)
            first = i;
    }
    if (!bad)
        return true;
    char idx[160];
    cli_format_elem(got, first, true, a, sizeof a);
    cli_format_elem(want, first, true, b, sizeof b);
    int w = snprintf(why, size, "%zu of %zu values differ", bad, n);
    if (fl && w > 0 && (size_t)w < size)
        w += snprintf(why + w, size - (size_t)w, " (rtol=%g, atol=%g)", o->rtol, o->atol);
    if (w > 0 && (size_t)w < size)
        w += snprintf(why + w, size - (size_t)w, "; first at %s: got %s, want %s",
                      cli_index_str(want, first, idx, sizeof idx), a, b);
    if (fl && worst > 0 && w > 0 && (size_t)w < size)
        snprintf(why + w, size - (size_t)w, "; max abs diff %.3g", worst);
    return false;
}

/* --- one test ------------------------------------------------------------------------------------------ */

static int cmp_data_set(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    long na = strtol(a + strlen("test_data_set_"), NULL, 10), nb = strtol(b + strlen("test_data_set_"), NULL, 10);
    return na < nb ? -1 : na > nb ? 1 : strcmp(a, b);
}

/* test_data_set_* folders of dir, in numeric order. */
static bool data_sets(const char *dir, strlist *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *ent;
    bool ok = true;
    while (ok && (ent = readdir(d)) != NULL) {
        char path[4096];
        if (strncmp(ent->d_name, "test_data_set_", 14) != 0)
            continue;
        if (cli_path(path, sizeof path, "%s/%s", dir, ent->d_name) && cli_is_dir(path))
            ok = strlist_push(out, ent->d_name);
    }
    closedir(d);
    if (ok && out->n)
        qsort(out->v, out->n, sizeof *out->v, cmp_data_set);
    return ok;
}

/* Loads <set>/<prefix>_0.pb, _1.pb, ... until one is missing. Returns the outcome of a load error. */
static outcome load_files(const char *set, const char *prefix, onr_tensor ***ts, size_t *n, char *why, size_t size)
{
    *ts = NULL;
    *n = 0;
    for (size_t k = 0;; k++) {
        char path[4096];
        if (!cli_path(path, sizeof path, "%s/%s_%zu.pb", set, prefix, k) || !cli_is_file(path))
            return T_PASS;
        onr_tensor **v = realloc(*ts, (k + 1) * sizeof *v);
        if (!v) {
            snprintf(why, size, "out of memory");
            return T_FAIL;
        }
        *ts = v;
        onr_error e = {0};
        if (onr_tensor_load_pb(path, &v[k], &e) != ONR_OK) {
            snprintf(why, size, "%s", e.message);
            return e.code == ONR_E_UNSUPPORTED ? T_SKIP : T_FAIL;
        }
        *n = k + 1;
    }
}

static void free_tensors(onr_tensor **ts, size_t n)
{
    for (size_t k = 0; k < n; k++)
        onr_tensor_free(ts[k]);
    free(ts);
}

static outcome run_set(const onr_model *m, onr_session *s, const char *set, const char *set_name,
                       const test_opts *o, char *why, size_t size)
{
    onr_tensor **ins = NULL, **wants = NULL;
    size_t n_in = 0, n_want = 0, n_out = onr_model_output_count(m);
    onr_tensor *in = NULL, *out = NULL;
    char detail[400];
    outcome r = load_files(set, "input", &ins, &n_in, detail, sizeof detail);
    if (r == T_PASS)
        r = load_files(set, "output", &wants, &n_want, detail, sizeof detail);
    if (r != T_PASS) {
        snprintf(why, size, "%s: %s", set_name, detail);
        goto done;
    }
    r = T_FAIL;
    if (n_in > onr_model_input_count(m)) {
        snprintf(why, size, "%s: %zu input files, the model has %zu inputs", set_name, n_in,
                 onr_model_input_count(m));
        goto done;
    }
    if (n_want != n_out) {
        snprintf(why, size, "%s: %zu output files, the model has %zu outputs", set_name, n_want, n_out);
        goto done;
    }
    in = calloc(n_in ? n_in : 1, sizeof *in);
    out = calloc(n_out ? n_out : 1, sizeof *out);
    if (!in || !out) {
        snprintf(why, size, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n_in; k++) {
        in[k] = *ins[k];
        in[k].name = onr_model_input(m, k)->name;
        if (bf16_as_uint16(onr_model_input(m, k)->dtype, in[k].dtype))
            in[k].dtype = ONR_DTYPE_BFLOAT16;
    }
    onr_error e = {0};
    if (onr_session_run(s, in, n_in, NULL, out, n_out, &e) != ONR_OK) {
        snprintf(why, size, "%s: %s", set_name, e.message);
        r = e.code == ONR_E_UNSUPPORTED ? T_SKIP : T_FAIL;
        goto done;
    }
    for (size_t k = 0; k < n_out; k++) {
        if (!compare(&out[k], wants[k], o, detail, sizeof detail)) {
            snprintf(why, size, "%s: output %zu '%s': %s", set_name, k, onr_model_output(m, k)->name, detail);
            goto done;
        }
    }
    r = T_PASS;
done:
    free(in);
    free(out);
    free_tensors(ins, n_in);
    free_tensors(wants, n_want);
    return r;
}

static outcome run_test(const char *dir, const test_opts *o, char *why, size_t size)
{
    char path[4096];
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_error e = {0};
    strlist sets = {0};
    outcome r = T_FAIL;
    onr_options opt = {.threads = o->threads};
    if (!cli_path(path, sizeof path, "%s/model.onnx", dir)) {
        snprintf(why, size, "path too long");
        goto done;
    }
    if (onr_model_load_file(path, &m, &e) != ONR_OK || onr_session_new(m, &opt, &s, &e) != ONR_OK) {
        snprintf(why, size, "%s", cli_strip_prefix(e.message, path));
        r = e.code == ONR_E_UNSUPPORTED ? T_SKIP : T_FAIL;
        goto done;
    }
    if (!data_sets(dir, &sets)) {
        snprintf(why, size, "cannot list %s", dir);
        goto done;
    }
    if (!sets.n) {
        snprintf(why, size, "no test_data_set_N folder");
        goto done;
    }
    r = T_PASS;
    for (size_t k = 0; k < sets.n && r == T_PASS; k++) {
        if (!cli_path(path, sizeof path, "%s/%s", dir, sets.v[k])) {
            snprintf(why, size, "path too long");
            r = T_FAIL;
            break;
        }
        r = run_set(m, s, path, sets.v[k], o, why, size);
    }
done:
    strlist_free(&sets);
    onr_session_free(s);
    onr_model_free(m);
    return r;
}

/* --- test discovery and the expected-failures list ------------------------------------------------------ */

static bool is_test_dir(const char *dir)
{
    char path[4096];
    return cli_path(path, sizeof path, "%s/model.onnx", dir) && cli_is_file(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* PATH itself when it holds model.onnx, else its sub-folders that do (sorted). Returns an exit code. */
static int collect(const char *arg, strlist *tests)
{
    char path[4096];
    size_t n = strlen(arg);
    while (n > 1 && arg[n - 1] == '/')
        n--;
    if (!cli_path(path, sizeof path, "%.*s", (int)n, arg) || !cli_is_dir(path)) {
        cli_error(arg, "not a folder");
        return CLI_EXIT_USAGE;
    }
    if (is_test_dir(path))
        return strlist_push(tests, path) ? CLI_EXIT_OK : CLI_EXIT_RUN;
    DIR *d = opendir(path);
    if (!d) {
        cli_error(arg, "cannot list the folder");
        return CLI_EXIT_USAGE;
    }
    strlist found = {0};
    struct dirent *ent;
    bool ok = true;
    while (ok && (ent = readdir(d)) != NULL) {
        char sub[4096];
        if (ent->d_name[0] == '.')
            continue;
        if (cli_path(sub, sizeof sub, "%s/%s", path, ent->d_name) && is_test_dir(sub))
            ok = strlist_push(&found, sub);
    }
    closedir(d);
    if (ok && found.n)
        qsort(found.v, found.n, sizeof *found.v, cmp_str);
    for (size_t i = 0; ok && i < found.n; i++)
        ok = strlist_push(tests, found.v[i]);
    size_t count = found.n;
    strlist_free(&found);
    if (!ok) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }
    if (!count) {
        cli_error(arg, "no model.onnx here or in its sub-folders");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void free_xfails(xfail *xf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(xf[i].name);
        free(xf[i].reason);
    }
    free(xf);
}

/* "test_name  reason..." per line; blank lines and lines starting with '#' are ignored. */
static int read_xfails(const char *file, test_opts *o)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        cli_error(file, "cannot open the expected-failures list: %s", strerror(errno));
        return CLI_EXIT_FILE;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = CLI_EXIT_OK;
    while (getline(&line, &cap, f) >= 0) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, "\r\n")] = '\0';
        if (!*p || *p == '#')
            continue;
        size_t nl = strcspn(p, " \t");
        char *reason = p + nl;
        reason += strspn(reason, " \t");
        xfail *v = realloc(o->xf, (o->n_xf + 1) * sizeof *v);
        if (!v) {
            rc = CLI_EXIT_RUN;
            break;
        }
        o->xf = v;
        v[o->n_xf].name = strndup(p, nl);
        v[o->n_xf].reason = strdup(*reason ? reason : "listed as an expected failure");
        o->n_xf++;
        if (!v[o->n_xf - 1].name || !v[o->n_xf - 1].reason) {
            rc = CLI_EXIT_RUN;
            break;
        }
    }
    if (ferror(f)) {
        cli_error(file, "read error");
        rc = CLI_EXIT_FILE;
    }
    free(line);
    fclose(f);
    return rc;
}

/* The test's name: the last component of its folder. */
static const char *base_name(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    return slash ? slash + 1 : dir;
}

/* The entry for test folder `dir` (matched as "name" or "parent/name"), or NULL. */
static const xfail *find_xfail(const test_opts *o, const char *dir)
{
    const char *name = base_name(dir);
    const char *parent = dir;
    for (const char *p = dir; p < name - 1; p++)
        if (*p == '/')
            parent = p + 1;
    size_t plen = name > dir ? (size_t)(name - 1 - parent) : 0;
    for (size_t i = 0; i < o->n_xf; i++) {
        const char *x = o->xf[i].name;
        if (strcmp(x, name) == 0)
            return &o->xf[i];
        if (plen && strncmp(x, parent, plen) == 0 && x[plen] == '/' && strcmp(x + plen + 1, name) == 0)
            return &o->xf[i];
    }
    return NULL;
}

/* --- the command ---------------------------------------------------------------------------------------- */

/* --rtol / --atol: a finite number >= 0. Returns like cli_opt_value. */
static int opt_tolerance(int argc, char **argv, int *i, const char *l, double *dst)
{
    const char *v;
    double d;
    int r = cli_opt_value(argc, argv, i, NULL, l, &v);
    if (r <= 0)
        return r;
    if (!cli_parse_double(v, &d) || d < 0) {
        cli_error(NULL, "%s %s: want a non-negative number", l, v);
        return -1;
    }
    *dst = d;
    return 1;
}

int cli_test(int argc, char **argv)
{
    test_opts o = {.rtol = 1e-3, .atol = 1e-7};
    strlist tests = {0};
    const char *v, *xf_file = NULL;
    int rc = CLI_EXIT_OK, r;
    size_t n_paths = 0, passed = 0, failed = 0, skipped = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("%s%s", TEST_USAGE, TEST_HELP);
            goto done;
        } else if ((r = opt_tolerance(argc, argv, &i, "--rtol", &o.rtol)) != 0 ||
                   (r = opt_tolerance(argc, argv, &i, "--atol", &o.atol)) != 0) {
            if (r < 0)
                goto usage;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--expected-failures", &v)) != 0) {
            if (r < 0)
                goto usage;
            xf_file = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--filter", &v)) != 0) {
            if (r < 0)
                goto usage;
            o.filter = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--threads", &v)) != 0) {
            long t;
            if (r < 0)
                goto usage;
            if (!cli_parse_int(v, 1, 1024, &t)) {
                cli_error(NULL, "--threads %s: want an integer in 1..1024", v);
                goto usage;
            }
            o.threads = (int)t;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error(NULL, "test: unknown option '%s'", argv[i]);
            goto usage;
        } else {
            n_paths++;
            if ((rc = collect(argv[i], &tests)) != CLI_EXIT_OK)
                goto done;
        }
    }
    if (!n_paths) {
        cli_error(NULL, "test: PATH is missing");
        goto usage;
    }
    if (xf_file && (rc = read_xfails(xf_file, &o)) != CLI_EXIT_OK)
        goto done;

    /* Progress ("[12/345] test_name  (10 passed, 1 failed, 0 skipped)") only for a person watching:
     * stderr a terminal, more than one test. The line is erased before each result line, so stdout
     * stays exactly the documented lines. It counts the tests --filter keeps. */
    size_t n_run = 0, done_n = 0;
    for (size_t t = 0; t < tests.n; t++)
        n_run += !o.filter || strstr(base_name(tests.v[t]), o.filter);
    const cli_progress progress = cli_progress_init(n_run > 1);
    for (size_t t = 0; t < tests.n; t++) {
        const char *dir = tests.v[t];
        const char *name = base_name(dir);
        if (o.filter && !strstr(name, o.filter))
            continue;
        char why[768] = "";
        cli_progress_show(&progress, "[%zu/%zu] %s  (%zu passed, %zu failed, %zu skipped)", ++done_n, n_run,
                          name, passed, failed, skipped);
        outcome out = run_test(dir, &o, why, sizeof why);
        cli_progress_clear(&progress);
        const xfail *x = find_xfail(&o, dir);
        if (out == T_PASS && x) {
            printf("FAIL %s: unexpected pass: remove from the expected-failures list\n", name);
            failed++;
        } else if (out == T_PASS) {
            printf("PASS %s\n", name);
            passed++;
        } else if (out == T_FAIL && x) {
            printf("XFAIL %s: %s [expected failure: %s; counted as skipped]\n", name, why, x->reason);
            skipped++;
        } else if (out == T_FAIL) {
            printf("FAIL %s: %s\n", name, why);
            failed++;
        } else {
            printf("SKIP %s: %s\n", name, why);
            skipped++;
        }
        fflush(stdout); /* a crash in the next test still leaves this line */
    }
    printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    rc = failed ? CLI_EXIT_TEST_FAILED : CLI_EXIT_OK;
    goto done;

usage:
    fputs(TEST_USAGE, stderr);
    rc = CLI_EXIT_USAGE;
done:
    strlist_free(&tests);
    free_xfails(o.xf, o.n_xf);
    return rc;
}
