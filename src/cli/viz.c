/* viz.c: `onnxrun viz MODEL [-i ...] [--nodes NAME,...] -o DIR`: pictures of feature maps. Runs the model
 * once with every intermediate value kept, then writes, for each chosen node, each input and output
 * that is a feature map (N, C, spatial...) as a PNG grid: one tile per channel of batch item 0,
 * normalized per tile, enlarged with nearest neighbour so small maps stay visible, tiles separated by a
 * 1-pixel line. Default nodes: every pooling node, so the map before and after pooling sit side by side.
 * Files: DIR/<node>_<in|out>_<value>.png. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char VIZ_USAGE[] =
    "usage: onnxrun viz MODEL [-i NAME=FILE]... [--random SEED] [--nodes NAME,... | --all] -o DIR\n"
    "                   [--zoom N] [--gray] [--threads N] [image options]\n";

static const char VIZ_HELP[] =
    "\n"
    "Runs MODEL once and draws feature maps as PNG files DIR/<node>_<in|out>_<value>.png: one tile per\n"
    "channel (batch item 0), each tile normalized to its own min..max (a constant tile shows 0 black and\n"
    "any other value bright), enlarged with nearest neighbour, tiles 1 px apart, NaN in magenta. Rank-3\n"
    "maps (N,C,L) draw as one row per channel, rank 5 and up stack the leading spatial axes.\n"
    "\n"
    "options:\n"
    "  -o, --output-dir DIR    where the PNG files go (created)\n"
    "  --nodes NAME,...        the nodes to draw (node names, or the name of a node's output); default:\n"
    "                          the input and output of every pooling node (MaxPool, AveragePool, LpPool,\n"
    "                          GlobalMaxPool, GlobalAveragePool, GlobalLpPool)\n"
    "  --all                   every node\n"
    "  --zoom N                pixels per element (default: enlarge each map to about 128 px, at least 1)\n"
    "  --gray                  grayscale instead of the viridis colour map\n"
    "  --threads N             worker threads (default 1)\n"
    "\n";

enum { TARGET_PX = 128, MAX_ZOOM = 128 };

/* matplotlib's viridis (CC0) at 0, 0.1, ..., 1; linear in between. */
static const unsigned char VIRIDIS[11][3] = {
    {68, 1, 84},    {72, 36, 117},  {65, 68, 135},  {53, 95, 141},   {42, 120, 142},  {33, 145, 140},
    {34, 168, 132}, {68, 191, 112}, {122, 209, 81}, {189, 223, 38},  {253, 231, 37},
};

typedef struct viz_opts {
    int zoom;   /* 0 = automatic */
    bool gray;
} viz_opts;

static void colour(double t, bool gray, unsigned char *px)
{
    if (isnan(t)) {
        px[0] = 255, px[1] = 0, px[2] = 255;
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    if (gray) {
        px[0] = px[1] = px[2] = (unsigned char)lround(t * 255);
        return;
    }
    double x = t * 10;
    int i = (int)x;
    if (i > 9)
        i = 9;
    double f = x - i;
    for (int c = 0; c < 3; c++)
        px[c] = (unsigned char)lround(VIRIDIS[i][c] + f * (VIRIDIS[i + 1][c] - VIRIDIS[i][c]));
}

/* Is this an op whose input and output a reader wants to compare? */
static bool is_pool(const char *op)
{
    static const char *const pools[] = {"MaxPool",       "AveragePool",       "LpPool",
                                        "GlobalMaxPool", "GlobalAveragePool", "GlobalLpPool"};
    for (size_t k = 0; k < sizeof pools / sizeof pools[0]; k++)
        if (strcmp(op, pools[k]) == 0)
            return true;
    return false;
}

/* The tensor holding value `name` after the run: a node output, or a graph input. */
static const onr_tensor *find_value(const onr_tensor *vals, size_t n_vals, const cli_inputs *ins, const char *name)
{
    for (size_t k = 0; k < n_vals; k++)
        if (vals[k].name && strcmp(vals[k].name, name) == 0)
            return &vals[k];
    for (size_t k = 0; k < ins->n; k++)
        if (strcmp(ins->views[k].name, name) == 0)
            return &ins->views[k];
    return NULL;
}

/* Draws t (rank >= 3, batch item 0) into path, setting *written; a tensor that is no feature map is
 * reported and skipped. Returns an exit code. */
static int draw(const onr_tensor *t, const char *path, const viz_opts *o, const char *what, bool *written)
{
    *written = false;
    char shape[160];
    cli_shape_str(t->rank, t->dims, shape, sizeof shape);
    for (int32_t k = 0; k < t->rank; k++)
        if (t->dims[k] == 0) {
            printf("skip %s: %s %s is empty\n", what, onr_dtype_name(t->dtype), shape);
            return CLI_EXIT_OK;
        }
    if (t->rank < 3 || t->dtype == ONR_DTYPE_BOOL) {
        printf("skip %s: %s %s is not a feature map (N,C,spatial...)\n", what, onr_dtype_name(t->dtype), shape);
        return CLI_EXIT_OK;
    }
    size_t c = (size_t)t->dims[1], w = (size_t)t->dims[t->rank - 1], h = 1;
    for (int32_t k = 2; k < t->rank - 1; k++)
        h *= (size_t)t->dims[k];
    size_t tile = h * w, big = h > w ? h : w;
    size_t zoom = o->zoom ? (size_t)o->zoom : big >= TARGET_PX ? 1 : TARGET_PX / big;
    size_t cols = 1; /* a near-square grid; a wider one that C fills exactly (32 -> 8x4) beats empty cells */
    while (cols * cols < c)
        cols++;
    for (size_t k = cols; k <= 2 * cols && k <= c; k++)
        if (c % k == 0) {
            cols = k;
            break;
        }
    size_t rows = (c + cols - 1) / cols;
    size_t W = cols * w * zoom + (cols - 1), H = rows * h * zoom + (rows - 1);
    if (W > 1u << 15 || H > 1u << 15) {
        printf("skip %s: %s %s would be a %zux%zu picture (lower --zoom)\n", what, onr_dtype_name(t->dtype), shape, W,
               H);
        return CLI_EXIT_OK;
    }
    unsigned char *img = malloc(W * H * 3), sep[3];
    if (!img) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_RUN;
    }
    if (o->gray)
        sep[0] = 40, sep[1] = 90, sep[2] = 200; /* blue lines: no gray level can be mistaken for them */
    else
        sep[0] = sep[1] = sep[2] = 255;
    for (size_t i = 0; i < W * H; i++)
        memcpy(img + 3 * i, sep, 3);
    for (size_t ch = 0; ch < c; ch++) {
        size_t base = ch * tile; /* batch item 0, channel ch */
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < tile; i++) {
            double v = cli_elem_double(t, base + i);
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
        if (!(hi > lo)) { /* constant (or nothing finite): widen to include 0, so 0 is black, others bright */
            double v = isfinite(lo) ? lo : 0;
            lo = v < 0 ? v : 0;
            hi = v > 0 ? v : 0;
        }
        size_t x0 = (ch % cols) * (w * zoom + 1), y0 = (ch / cols) * (h * zoom + 1);
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                double v = cli_elem_double(t, base + y * w + x), f;
                if (isnan(v))
                    f = NAN;
                else if (hi > lo)
                    f = v >= hi ? 1 : v <= lo ? 0 : (v - lo) / (hi - lo);
                else
                    f = 0;
                unsigned char px[3];
                colour(f, o->gray, px);
                for (size_t dy = 0; dy < zoom; dy++)
                    for (size_t dx = 0; dx < zoom; dx++)
                        memcpy(img + 3 * ((y0 + y * zoom + dy) * W + x0 + x * zoom + dx), px, 3);
            }
    }
    int rc = cli_png_write(path, (int)W, (int)H, 3, img);
    free(img);
    *written = rc == CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK)
        printf("%s: %s %s %s, %zu tile%s of %zux%zu, zoom %zu -> %zux%zu px\n", path, what, onr_dtype_name(t->dtype),
               shape, c, c == 1 ? "" : "s", h, w, zoom, W, H);
    return rc;
}

/* Is node k chosen by --nodes (a comma list of node names or output names)? */
static bool chosen(const onr_node_info *nd, const char *list)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len && nd->name && strlen(nd->name) == len && strncmp(nd->name, p, len) == 0)
            return true;
        for (size_t o = 0; len && o < nd->n_outputs; o++)
            if (strlen(nd->outputs[o]) == len && strncmp(nd->outputs[o], p, len) == 0)
                return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* Every entry of --nodes must name something, or the user gets fewer pictures than asked for silently. */
static bool check_names(const onr_model *m, const char *list, const char *model_path)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ","), found = 0;
        for (size_t k = 0; k < onr_model_node_count(m) && len && !found; k++) {
            const onr_node_info *nd = onr_model_node(m, k);
            char one[1024];
            snprintf(one, sizeof one, "%.*s", (int)len, p);
            found = chosen(nd, one);
        }
        if (len && !found) {
            cli_error(model_path, "--nodes: no node and no node output is named '%.*s' (see `onnxrun info`)",
                      (int)len, p);
            return false;
        }
        p += len + (p[len] == ',');
    }
    return true;
}

static int draw_node(const onr_model *m, size_t k, const onr_tensor *vals, size_t n_vals, const cli_inputs *ins,
                     const char *dir, const viz_opts *o, size_t *n_files)
{
    const onr_node_info *nd = onr_model_node(m, k);
    char node_stem[256], fallback[160];
    snprintf(fallback, sizeof fallback, "%s_%zu", nd->op_type, k);
    cli_file_stem(nd->name, fallback, node_stem, sizeof node_stem);
    for (int side = 0; side < 2; side++) {
        size_t n = side ? nd->n_outputs : nd->n_inputs;
        const char *const *names = side ? nd->outputs : nd->inputs;
        for (size_t i = 0; i < n; i++) {
            if (!names[i][0] || onr_model_initializer(m, names[i]))
                continue; /* omitted optional input, or a weight: not a feature map */
            const onr_tensor *t = find_value(vals, n_vals, ins, names[i]);
            char what[512], stem[256], path[4096];
            snprintf(what, sizeof what, "%s (%s) %s %s", nd->name && nd->name[0] ? nd->name : fallback, nd->op_type,
                     side ? "output" : "input", names[i]);
            if (!t || !t->data) {
                printf("skip %s: not computed\n", what);
                continue;
            }
            cli_file_stem(names[i], "value", stem, sizeof stem);
            if (!cli_path(path, sizeof path, "%s/%s_%s_%s.png", dir, node_stem, side ? "out" : "in", stem)) {
                cli_error(dir, "path too long for %s", what);
                return CLI_EXIT_FILE;
            }
            bool written;
            int rc = draw(t, path, o, what, &written);
            if (rc != CLI_EXIT_OK)
                return rc;
            *n_files += written;
        }
    }
    return CLI_EXIT_OK;
}

int cli_viz(int argc, char **argv)
{
    const char *model_path = NULL, *out_dir = NULL, *nodes = NULL, *v;
    bool all = false;
    viz_opts vo = {0};
    onr_options opt = {.keep_values = 1}; /* every intermediate value stays readable after the run */
    int rc = CLI_EXIT_OK, r;
    cli_input_args ia;
    cli_inputs ins = {0};
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_tensor *out = NULL;
    onr_error e = {0};
    if (!cli_input_args_init(&ia, argc)) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("%s%s%s", VIZ_USAGE, VIZ_HELP, CLI_INPUT_HELP);
            goto done;
        } else if ((r = cli_input_option(argc, argv, &i, &ia)) != 0) {
            if (r < 0)
                goto usage;
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", "--output-dir", &v)) != 0) {
            if (r < 0)
                goto usage;
            out_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--nodes", &v)) != 0) {
            if (r < 0)
                goto usage;
            nodes = v;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--zoom", &v)) != 0) {
            long z;
            if (r < 0)
                goto usage;
            if (!cli_parse_int(v, 1, MAX_ZOOM, &z)) {
                cli_error(NULL, "--zoom %s: want an integer in 1..%d", v, MAX_ZOOM);
                goto usage;
            }
            vo.zoom = (int)z;
        } else if ((r = cli_opt_value(argc, argv, &i, NULL, "--threads", &v)) != 0) {
            long t;
            if (r < 0)
                goto usage;
            if (!cli_parse_int(v, 1, 1024, &t)) {
                cli_error(NULL, "--threads %s: want an integer in 1..1024", v);
                goto usage;
            }
            opt.threads = (int)t;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if (strcmp(argv[i], "--gray") == 0 || strcmp(argv[i], "--grey") == 0) {
            vo.gray = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error(NULL, "viz: unknown option '%s'", argv[i]);
            goto usage;
        } else if (!model_path) {
            model_path = argv[i];
        } else {
            cli_error(NULL, "viz: one MODEL only ('%s' and '%s' given)", model_path, argv[i]);
            goto usage;
        }
    }
    if (!model_path || !out_dir) {
        cli_error(NULL, "viz: %s is missing", model_path ? "-o DIR" : "MODEL");
        goto usage;
    }
    if (nodes && all) {
        cli_error(NULL, "viz: --nodes and --all exclude each other");
        goto usage;
    }

    if (onr_model_load_file(model_path, &m, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_MODEL;
        goto done;
    }
    size_t n_nodes = onr_model_node_count(m), n_chosen = 0;
    if (nodes && !check_names(m, nodes, model_path)) {
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    for (size_t k = 0; k < n_nodes; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        n_chosen += all || (nodes ? chosen(nd, nodes) : is_pool(nd->op_type));
    }
    if (!n_chosen) {
        cli_error(model_path, "no pooling node to draw: choose nodes with --nodes NAME,... or --all");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_inputs_build(m, model_path, &ia, CLI_MISSING_ERROR, &ins)) != CLI_EXIT_OK)
        goto done;
    size_t n_out = onr_model_output_count(m);
    if (!(out = calloc(n_out ? n_out : 1, sizeof *out))) {
        cli_error(NULL, "out of memory");
        rc = CLI_EXIT_RUN;
        goto done;
    }
    if (onr_session_new(m, &opt, &s, &e) != ONR_OK ||
        onr_session_run(s, ins.views, ins.n, NULL, out, n_out, &e) != ONR_OK) {
        cli_error_status(model_path, &e);
        rc = CLI_EXIT_RUN;
        goto done;
    }
    int err = cli_mkdirs(out_dir);
    if (err) {
        cli_error(out_dir, "cannot create the output folder: %s", strerror(err));
        rc = CLI_EXIT_FILE;
        goto done;
    }
    const onr_tensor *vals = NULL;
    size_t n_vals = onr_session_values(s, &vals), n_files = 0;
    for (size_t k = 0; k < n_nodes && rc == CLI_EXIT_OK; k++) {
        const onr_node_info *nd = onr_model_node(m, k);
        if (all || (nodes ? chosen(nd, nodes) : is_pool(nd->op_type)))
            rc = draw_node(m, k, vals, n_vals, &ins, out_dir, &vo, &n_files);
    }
    if (rc == CLI_EXIT_OK)
        printf("%zu picture%s of %zu node%s in %s\n", n_files, n_files == 1 ? "" : "s", n_chosen,
               n_chosen == 1 ? "" : "s", out_dir);
    goto done;

usage:
    fputs(VIZ_USAGE, stderr);
    fputs("(`onnxrun help viz` for every option)\n", stderr);
    rc = CLI_EXIT_USAGE;
done:
    cli_inputs_free(&ins);
    cli_input_args_free(&ia);
    free(out);
    onr_session_free(s);
    onr_model_free(m);
    return rc;
}
