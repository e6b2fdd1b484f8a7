/* resize.c: Resize (10-22) and its older form Upsample (7-9).
 *
 * Versions and what they add (ONNX operator changelog):
 *   Upsample-7  'scales' attribute, mode nearest|linear, scales >= 1.   Upsample-9: 'scales' input.
 *   Resize-10   input 'scales', mode nearest|linear; like Upsample, downscaling allowed.
 *   Resize-11   inputs roi, scales, sizes; coordinate_transformation_mode, cubic mode (cubic_coeff_a,
 *               exclude_outside), nearest_mode, extrapolation_value (tf_crop_and_resize).
 *   Resize-13   roi and scales optional.   Resize-18: antialias, axes, keep_aspect_ratio_policy.
 *   Resize-19   coordinate_transformation_mode half_pixel_symmetric.
 * Upsample and Resize-10 map coordinates 'asymmetric' and pick the nearest pixel by flooring when
 * upscaling and ceiling when downscaling (onnxruntime's reading of those versions, which the old
 * ONNX Resize-10 tests pin: 4 -> 2 at scale 0.6 picks pixels 0 and 2).
 *
 * Every axis is resampled independently: for each output index o, the original coordinate x comes from
 * the coordinate transformation (with the float "output length" scale * in, as the ONNX reference
 * does), then
 *   nearest:        one tap, x rounded by nearest_mode, clamped to [0, in-1];
 *   linear / cubic: taps i with |i - x| < support / s, weight kernel((i - x) * s), where s = 1, or
 *                   min(scale, 1) with antialias (the filter is stretched when downscaling); indices
 *                   outside the input are clamped (edge padding). exclude_outside drops them and, like
 *                   antialias, renormalizes the weights to sum 1.
 * tf_crop_and_resize outputs extrapolation_value where x falls outside [0, in-1] on any axis.
 * The N-D output is the tensor product of the per-axis taps. Tap tables are built per run in the
 * scratch memory infer asks for. Nearest copies by element size (every dtype); linear and cubic
 * compute in double and store in the input's type (integers truncate, as the reference's astype). */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

enum { M_NEAREST, M_LINEAR, M_CUBIC };
enum { C_HALF_PIXEL, C_ASYMMETRIC, C_ALIGN_CORNERS, C_PYTORCH_HALF_PIXEL, C_TF_HALF_PIXEL_FOR_NN,
       C_TF_CROP_AND_RESIZE, C_HALF_PIXEL_SYMMETRIC };
enum { N_ROUND_PREFER_FLOOR, N_ROUND_PREFER_CEIL, N_FLOOR, N_CEIL, N_SIMPLE };
enum { K_STRETCH, K_NOT_LARGER, K_NOT_SMALLER };

typedef struct resize_params {
    bool upsample; /* Upsample-7/9 or Resize-10: the asymmetric / "simple nearest" era */
    int mode, coord, nearest, keep;
    float cubic_a, extrapolation;
    int64_t exclude_outside, antialias;
    const int64_t *axes; /* Resize-18 */
    size_t n_axes;
    const float *scales; /* Upsample-7 attribute */
    size_t n_scales;
} resize_params;

static int lookup(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static onr_status parse_common(const onr_node_desc *node, resize_params *p, bool is_resize, onr_error *err)
{
    static const char *const modes[] = {"nearest", "linear", "cubic", NULL};
    static const char *const coords[] = {"half_pixel",          "asymmetric",          "align_corners",
                                         "pytorch_half_pixel",  "tf_half_pixel_for_nn", "tf_crop_and_resize",
                                         "half_pixel_symmetric", NULL};
    static const char *const nearests[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", NULL};
    static const char *const keeps[] = {"stretch", "not_larger", "not_smaller", NULL};
    static const char *const up7[] = {"mode", "scales", NULL};
    static const char *const up9[] = {"mode", NULL};
    static const char *const r11[] = {"mode", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                                      "extrapolation_value", "nearest_mode", NULL};
    static const char *const r18[] = {"mode", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                                      "extrapolation_value", "nearest_mode", "antialias", "axes",
                                      "keep_aspect_ratio_policy", NULL};
    const char *const *allowed = !is_resize ? (node->opset < 9 ? up7 : up9)
                                 : node->opset < 11 ? up9 : node->opset < 18 ? r11 : r18;
    const char *mode, *coord, *nearest, *keep;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "mode", "nearest", &mode, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "coordinate_transformation_mode", "half_pixel", &coord, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "nearest_mode", "round_prefer_floor", &nearest, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "keep_aspect_ratio_policy", "stretch", &keep, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "cubic_coeff_a", -0.75f, &p->cubic_a, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "extrapolation_value", 0.0f, &p->extrapolation, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "exclude_outside", 0, &p->exclude_outside, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "antialias", 0, &p->antialias, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "axes", &p->axes, &p->n_axes, err);
    if (st == ONR_OK && !is_resize && node->opset < 9)
        st = onr_attr_require(node, "scales", err);
    if (st == ONR_OK)
        st = onr_attr_floats(node, "scales", &p->scales, &p->n_scales, err);
    if (st != ONR_OK)
        return st;
    p->mode = lookup(mode, modes);
    /* Before Resize-11 there is no cubic mode. */
    if (p->mode < 0 || (p->mode == M_CUBIC && p->upsample))
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'mode' = '%s' is not one of nearest, linear%s", mode,
                       p->upsample ? "" : ", cubic");
    p->coord = lookup(coord, coords);
    if (p->coord < 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'coordinate_transformation_mode' = '%s' is unknown",
                       coord);
    p->nearest = lookup(nearest, nearests);
    if (p->nearest < 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'nearest_mode' = '%s' is unknown", nearest);
    p->keep = lookup(keep, keeps);
    if (p->keep < 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'keep_aspect_ratio_policy' = '%s' is unknown", keep);
    if (p->exclude_outside != 0 && p->exclude_outside != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'exclude_outside' must be 0 or 1");
    if (p->antialias != 0 && p->antialias != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'antialias' must be 0 or 1");
    if (p->upsample) {
        p->coord = C_ASYMMETRIC;
        p->nearest = N_SIMPLE;
    }
    return ONR_OK;
}

static onr_status resize_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    resize_params *p = params;
    p->upsample = node->opset < 11;
    return parse_common(node, p, true, err);
}

static onr_status upsample_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    resize_params *p = params;
    p->upsample = true;
    onr_status st = parse_common(node, p, false, err);
    for (size_t i = 0; st == ONR_OK && i < p->n_scales; i++)
        if (!(p->scales[i] >= 1))
            return onr_err(err, ONR_E_INVALID_MODEL, "scales[%zu] = %g must be >= 1 for Upsample", i,
                           (double)p->scales[i]);
    return st;
}

/* --- geometry ----------------------------------------------------------------------------------- */

typedef struct axis_geom {
    int64_t in, out;
    double scale;      /* as ONNX defines it: given, or out/in from 'sizes' */
    double out_f;      /* scale * in, the "output length" of the reference's coordinate formulas */
    double roi0, roi1; /* tf_crop_and_resize */
    int taps;          /* most taps any output index of this axis needs */
    bool identity;     /* every output index reads input index o: nothing to compute */
} axis_geom;

typedef struct resize_plan {
    int32_t rank;
    axis_geom ax[ONR_MAX_RANK];
} resize_plan;

static bool given(const onr_op_ctx *c, size_t i)
{
    return c->n_in > i && c->in[i] && onr_tensor_count(c->in[i]) > 0;
}

static onr_status read_reals(const onr_tensor *t, const char *what, size_t max, double *out, size_t *n,
                             onr_error *err)
{
    if (!onr_dtype_is_float(t->dtype))
        return onr_err(err, ONR_E_INVALID_MODEL, "%s must be a float tensor, got %s", what,
                       onr_dtype_name(t->dtype));
    if (t->rank != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s must be 1-D, got rank %d", what, (int)t->rank);
    size_t count = onr_tensor_count(t);
    if (count > max)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s has %zu values, at most %zu allowed", what, count, max);
    onr_status st = onr_input_known(t, what, err);
    if (st != ONR_OK)
        return st;
    for (size_t i = 0; i < count; i++)
        out[i] = onr_load_as_double(t->dtype, t->data, i);
    *n = count;
    return ONR_OK;
}

/* Taps an interpolating mode may need on an axis: integers within support / s of x. */
static int max_taps(const resize_params *p, double scale)
{
    if (p->mode == M_NEAREST)
        return 1;
    double support = p->mode == M_LINEAR ? 1.0 : 2.0;
    double s = p->antialias && scale < 1 ? scale : 1.0;
    return (int)floor(2 * support / s) + 2;
}

static onr_status plan_resize(onr_op_ctx *c, resize_plan *g, onr_error *err)
{
    const resize_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int32_t r = x->rank;
    int64_t axes[ONR_MAX_RANK], sizes[ONR_MAX_RANK];
    double scales[ONR_MAX_RANK], roi[2 * ONR_MAX_RANK];
    size_t n_axes = (size_t)r, n_scales = 0, n_sizes = 0, n_roi = 0;
    onr_status st;
    if (r < 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'X' must have rank >= 1");
    g->rank = r;
    if (p->axes) {
        if (p->n_axes > (size_t)r)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'axes' has %zu values for rank %d", p->n_axes,
                           (int)r);
        n_axes = p->n_axes;
        st = onr_axes_norm(p->axes, n_axes, r, "attribute 'axes'", axes, err);
        if (st != ONR_OK)
            return st;
    } else {
        for (int32_t a = 0; a < r; a++)
            axes[a] = a;
    }
    /* Where scales / sizes / roi live depends on the version. */
    if (c->opset < 9) { /* Upsample-7: attribute */
        if (p->n_scales > ONR_MAX_RANK)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'scales' has %zu values", p->n_scales);
        n_scales = p->n_scales;
        for (size_t i = 0; i < n_scales; i++)
            scales[i] = p->scales[i];
    } else if (c->opset < 11) { /* Upsample-9, Resize-10: input 1 */
        if (!given(c, 1))
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'scales' is required");
        st = read_reals(c->in[1], "input 'scales'", ONR_MAX_RANK, scales, &n_scales, err);
        if (st != ONR_OK)
            return st;
    } else {
        if (given(c, 2)) {
            st = read_reals(c->in[2], "input 'scales'", ONR_MAX_RANK, scales, &n_scales, err);
            if (st != ONR_OK)
                return st;
        }
        if (given(c, 3)) {
            if (n_scales)
                return onr_err(err, ONR_E_INVALID_MODEL, "inputs 'scales' and 'sizes' are both given");
            if (c->in[3]->dtype != ONR_DTYPE_INT64)
                return onr_err(err, ONR_E_INVALID_MODEL, "input 'sizes' must be int64, got %s",
                               onr_dtype_name(c->in[3]->dtype));
            st = onr_input_ints(c->in[3], "input 'sizes'", ONR_MAX_RANK, sizes, &n_sizes, err);
            if (st != ONR_OK)
                return st;
        }
        if (!n_scales && !n_sizes)
            return onr_err(err, ONR_E_INVALID_MODEL, "one of inputs 'scales' and 'sizes' must be given");
        if (p->coord == C_TF_CROP_AND_RESIZE && given(c, 1)) {
            st = read_reals(c->in[1], "input 'roi'", 2 * ONR_MAX_RANK, roi, &n_roi, err);
            if (st != ONR_OK)
                return st;
            if (n_roi != 2 * n_axes)
                return onr_err(err, ONR_E_INVALID_MODEL, "input 'roi' has %zu values, expected %zu", n_roi,
                               2 * n_axes);
        }
    }
    size_t n_given = n_scales ? n_scales : n_sizes;
    if (n_given != n_axes)
        return onr_err(err, ONR_E_INVALID_MODEL, "input '%s' has %zu values for %zu axes",
                       n_scales ? "scales" : "sizes", n_given, n_axes);
    for (int32_t a = 0; a < r; a++) {
        axis_geom *ax = &g->ax[a];
        ax->in = ax->out = x->dims[a];
        ax->scale = 1;
        ax->roi0 = 0;
        ax->roi1 = 1;
    }
    if (n_roi)
        for (size_t i = 0; i < n_axes; i++) {
            g->ax[axes[i]].roi0 = roi[i];
            g->ax[axes[i]].roi1 = roi[n_axes + i];
        }
    if (n_sizes) {
        /* keep_aspect_ratio_policy (18): one scale for all listed axes, the smallest (not_larger) or
         * largest (not_smaller) of sizes/in, and sizes rounded half up from it. */
        double keep = p->keep == K_NOT_LARGER ? INFINITY : 0;
        for (size_t i = 0; i < n_axes; i++) {
            axis_geom *ax = &g->ax[axes[i]];
            if (sizes[i] < 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "sizes[%zu] = %lld is negative", i, (long long)sizes[i]);
            if (ax->in == 0 && sizes[i] != 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "axis %lld is empty and cannot be resized to %lld",
                               (long long)axes[i], (long long)sizes[i]);
            ax->out = sizes[i];
            ax->scale = ax->in ? (double)sizes[i] / (double)ax->in : 1;
            keep = p->keep == K_NOT_LARGER ? fmin(keep, ax->scale) : fmax(keep, ax->scale);
        }
        if (p->keep != K_STRETCH)
            for (size_t i = 0; i < n_axes; i++) {
                axis_geom *ax = &g->ax[axes[i]];
                ax->scale = keep;
                ax->out = (int64_t)(keep * (double)ax->in + 0.5);
            }
    } else {
        for (size_t i = 0; i < n_axes; i++) {
            axis_geom *ax = &g->ax[axes[i]];
            if (!(scales[i] > 0) || isinf(scales[i]))
                return onr_err(err, ONR_E_INVALID_MODEL, "scales[%zu] = %g must be positive", i, scales[i]);
            if (p->upsample && !p->scales && c->opset < 10 && scales[i] < 1)
                return onr_err(err, ONR_E_INVALID_MODEL, "scales[%zu] = %g must be >= 1 for Upsample", i,
                               scales[i]);
            ax->scale = scales[i];
            /* Output length floor(in * scale), with the roi's share for tf_crop_and_resize (Resize-13+). */
            double len = (double)ax->in * scales[i];
            if (p->coord == C_TF_CROP_AND_RESIZE)
                len *= ax->roi1 - ax->roi0;
            if (!(len < 9.2e18))
                return onr_err(err, ONR_E_INVALID_MODEL, "scales[%zu] = %g gives an output too large", i, scales[i]);
            ax->out = len > 0 ? (int64_t)floor(len) : 0;
        }
    }
    for (int32_t a = 0; a < r; a++) {
        axis_geom *ax = &g->ax[a];
        ax->out_f = ax->scale * (double)ax->in;
        ax->taps = max_taps(p, ax->scale);
        /* An axis left alone is an identity in every mode except tf_crop_and_resize (which samples
         * the roi) and the tf/ceil nearest variants (which shift by half a pixel). */
        ax->identity = ax->out == ax->in && ax->scale == 1 && p->coord != C_TF_CROP_AND_RESIZE &&
                       p->coord != C_TF_HALF_PIXEL_FOR_NN;
    }
    return ONR_OK;
}

/* Original coordinate of output index o on an axis (ONNX Resize coordinate_transformation_mode). */
static double original_coord(const resize_params *p, const axis_geom *g, int64_t o)
{
    double x = (double)o, in = (double)g->in;
    switch (p->coord) {
    case C_ASYMMETRIC:
        return x / g->scale;
    case C_ALIGN_CORNERS:
        return g->out_f == 1 ? 0 : x * (in - 1) / (g->out_f - 1);
    case C_PYTORCH_HALF_PIXEL:
        return g->out > 1 ? (x + 0.5) / g->scale - 0.5 : 0;
    case C_TF_HALF_PIXEL_FOR_NN:
        return (x + 0.5) / g->scale;
    case C_TF_CROP_AND_RESIZE:
        if (g->out > 1)
            return g->roi0 * (in - 1) + x * (g->roi1 - g->roi0) * (in - 1) / (double)(g->out - 1);
        return 0.5 * (g->roi0 + g->roi1) * (in - 1);
    case C_HALF_PIXEL_SYMMETRIC: {
        double adjustment = (double)g->out / g->out_f;
        double offset = in / 2 * (1 - adjustment);
        return offset + (x + 0.5) / g->scale - 0.5;
    }
    default: /* half_pixel */
        return (x + 0.5) / g->scale - 0.5;
    }
}

static bool outside(const resize_params *p, const axis_geom *g, double x)
{
    return p->coord == C_TF_CROP_AND_RESIZE && (x < 0 || x > (double)(g->in - 1));
}

static int64_t clampi(int64_t i, int64_t n)
{
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

static int64_t nearest_index(const resize_params *p, const axis_geom *g, double x)
{
    double i;
    switch (p->nearest) {
    case N_ROUND_PREFER_CEIL: i = floor(x + 0.5); break;
    case N_FLOOR: i = floor(x); break;
    case N_CEIL: i = ceil(x); break;
    case N_SIMPLE: i = g->scale < 1 ? ceil(x) : floor(x); break;
    default: i = ceil(x - 0.5); break; /* round_prefer_floor: .5 goes down */
    }
    if (i < 0)
        return 0;
    if (i > (double)(g->in - 1))
        return g->in - 1;
    return (int64_t)i;
}

static double kernel(const resize_params *p, double u)
{
    u = fabs(u);
    if (p->mode == M_LINEAR)
        return u < 1 ? 1 - u : 0;
    /* Keys cubic convolution with parameter A (cubic_coeff_a). */
    double A = p->cubic_a;
    if (u <= 1)
        return ((A + 2) * u - (A + 3)) * u * u + 1;
    if (u < 2)
        return ((A * u - 5 * A) * u + 8 * A) * u - 4 * A;
    return 0;
}

/* --- tap tables --------------------------------------------------------------------------------- */

typedef struct tap {
    int64_t off; /* element offset along the axis: index * stride */
    double w;
} tap;

typedef struct tap_head {
    int32_t n;       /* taps used */
    int32_t outside; /* tf_crop_and_resize: extrapolate */
} tap_head;

/* Interpolating taps of output index o: writes up to ax->taps entries. */
static tap_head interp_taps(const resize_params *p, const axis_geom *ax, int64_t o, int64_t stride, tap *t)
{
    tap_head h = {0, 0};
    if (ax->identity) {
        t[0].off = o * stride;
        t[0].w = 1;
        h.n = 1;
        return h;
    }
    double x = original_coord(p, ax, o);
    if (outside(p, ax, x)) {
        h.outside = 1;
        return h;
    }
    double support = p->mode == M_LINEAR ? 1.0 : 2.0;
    double s = p->antialias && ax->scale < 1 ? ax->scale : 1.0;
    double reach = support / s, sum = 0;
    int64_t lo = (int64_t)ceil(x - reach), hi = (int64_t)floor(x + reach);
    for (int64_t i = lo; i <= hi && h.n < ax->taps; i++) {
        double w = kernel(p, ((double)i - x) * s);
        if (w == 0)
            continue;
        bool in = i >= 0 && i < ax->in;
        if (p->exclude_outside && !in)
            continue;
        t[h.n].off = clampi(i, ax->in) * stride;
        t[h.n].w = w;
        sum += w;
        h.n++;
    }
    if ((p->antialias || p->exclude_outside) && sum != 0)
        for (int32_t k = 0; k < h.n; k++)
            t[k].w /= sum;
    return h;
}

/* Scratch layout, axis after axis. Nearest: one int64 per output index (element offset, -1 outside).
 * Interpolating: per output index a tap_head, then ax->taps taps. Then the outer-axes combination
 * buffer (see interp_rows). */
static size_t entry_bytes(const resize_params *p, const axis_geom *ax)
{
    return p->mode == M_NEAREST ? sizeof(int64_t) : sizeof(tap_head) + (size_t)ax->taps * sizeof(tap);
}

static onr_status scratch_size(const resize_params *p, const resize_plan *g, size_t *bytes, size_t *combos,
                               onr_error *err)
{
    size_t total = 0, comb = 1;
    for (int32_t a = 0; a < g->rank; a++) {
        size_t b;
        if (!onr_mul_size((size_t)g->ax[a].out, entry_bytes(p, &g->ax[a]), &b) || !onr_add_size(total, b, &total))
            return onr_err(err, ONR_E_NOMEM, "resize tables overflow");
        if (a < g->rank - 1 && !onr_mul_size(comb, (size_t)g->ax[a].taps, &comb))
            return onr_err(err, ONR_E_NOMEM, "resize tables overflow");
    }
    if (p->mode != M_NEAREST) {
        size_t b;
        if (!onr_mul_size(comb, sizeof(tap), &b) || !onr_add_size(total, b, &total))
            return onr_err(err, ONR_E_NOMEM, "resize tables overflow");
    }
    *bytes = total;
    *combos = comb;
    return ONR_OK;
}

static onr_status resize_infer(onr_op_ctx *c, onr_error *err)
{
    const resize_params *p = c->params;
    resize_plan g;
    onr_status st = plan_resize(c, &g, err);
    if (st != ONR_OK)
        return st;
    const onr_tensor *x = c->in[0];
    if (p->mode != M_NEAREST && (x->dtype == ONR_DTYPE_BOOL || !onr_dtype_size(x->dtype)))
        return onr_err(err, ONR_E_UNSUPPORTED, "mode linear/cubic on %s data is not supported",
                       onr_dtype_name(x->dtype));
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = x->rank;
    memset(o->dims, 0, sizeof o->dims);
    for (int32_t a = 0; a < g.rank; a++)
        o->dims[a] = g.ax[a].out;
    size_t bytes, combos;
    st = onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
    if (st == ONR_OK)
        st = scratch_size(p, &g, &c->scratch_bytes, &combos, err);
    return st;
}

/* --- kernels ------------------------------------------------------------------------------------ */

typedef struct resize_job {
    const resize_params *p;
    const resize_plan *g;
    const onr_tensor *x;
    onr_tensor *y;
    size_t es;
    unsigned char extrap[16]; /* extrapolation_value in the data's type */
    const unsigned char *table[ONR_MAX_RANK];
    tap *comb;                /* room for the outer-axes combinations */
} resize_job;

static void copy_elem(char *dst, const char *src, size_t es)
{
    switch (es) {
    case 1: *dst = *src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, es);
    }
}

static void nearest_rows(void *arg, size_t begin, size_t end)
{
    const resize_job *j = arg;
    const resize_plan *g = j->g;
    int last = g->rank - 1;
    size_t len = (size_t)g->ax[last].out, es = j->es;
    const int64_t *inner = (const int64_t *)(const void *)j->table[last];
    const char *src = j->x->data;
    for (size_t row = begin; row < end; row++) {
        char *y = (char *)j->y->data + row * len * es;
        int64_t off = 0;
        size_t r = row;
        for (int a = last - 1; a >= 0 && off >= 0; a--) {
            size_t o = r % (size_t)g->ax[a].out;
            r /= (size_t)g->ax[a].out;
            int64_t t = ((const int64_t *)(const void *)j->table[a])[o];
            off = t < 0 ? -1 : off + t;
        }
        if (off < 0) {
            onr_fill_elems(y, j->extrap, es, len);
            continue;
        }
        for (size_t o = 0; o < len; o++) {
            int64_t t = inner[o];
            copy_elem(y + o * es, t < 0 ? (const char *)j->extrap : src + (size_t)(off + t) * es, es);
        }
    }
}

static const tap_head *head_at(const resize_job *j, int a, size_t o)
{
    return (const tap_head *)(const void *)(j->table[a] + o * entry_bytes(j->p, &j->g->ax[a]));
}

static double load(const onr_tensor *x, int64_t i)
{
    if (x->dtype == ONR_DTYPE_FLOAT)
        return ((const float *)x->data)[i];
    if (x->dtype == ONR_DTYPE_DOUBLE)
        return ((const double *)x->data)[i];
    return onr_load_as_double(x->dtype, x->data, (size_t)i);
}

static void store(onr_tensor *y, size_t i, double v)
{
    if (y->dtype == ONR_DTYPE_FLOAT)
        ((float *)y->data)[i] = (float)v;
    else if (y->dtype == ONR_DTYPE_DOUBLE)
        ((double *)y->data)[i] = v;
    else
        onr_store_from_double(y->dtype, y->data, i, v);
}

/* Rows along the last axis, serially: for a row, the outer axes' taps are multiplied out into
 * j->comb (offset, weight) once, then each output element sums comb x its own last-axis taps. */
static void interp_rows(const resize_job *j, size_t begin, size_t end)
{
    const resize_plan *g = j->g;
    int last = g->rank - 1;
    size_t len = (size_t)g->ax[last].out;
    tap *comb = j->comb;
    for (size_t row = begin; row < end; row++) {
        size_t base = row * len, r = row, n_comb = 1;
        bool out = false;
        comb[0].off = 0;
        comb[0].w = 1;
        for (int a = last - 1; a >= 0 && !out; a--) {
            size_t o = r % (size_t)g->ax[a].out;
            r /= (size_t)g->ax[a].out;
            const tap_head *h = head_at(j, a, o);
            const tap *t = (const tap *)(h + 1);
            if (h->outside) {
                out = true;
                break;
            }
            /* comb <- comb x t, written back to front so entries are not overwritten before use. */
            for (size_t c = n_comb; c-- > 0;)
                for (int32_t k = h->n; k-- > 0;) {
                    tap v = {comb[c].off + t[k].off, comb[c].w * t[k].w};
                    comb[c * (size_t)h->n + (size_t)k] = v;
                }
            n_comb *= (size_t)h->n;
        }
        for (size_t o = 0; o < len; o++) {
            const tap_head *h = head_at(j, last, o);
            const tap *t = (const tap *)(h + 1);
            if (out || h->outside) {
                store(j->y, base + o, j->p->extrapolation);
                continue;
            }
            double acc = 0;
            for (size_t c = 0; c < n_comb; c++) {
                double part = 0;
                for (int32_t k = 0; k < h->n; k++)
                    part += t[k].w * load(j->x, comb[c].off + t[k].off);
                acc += comb[c].w * part;
            }
            store(j->y, base + o, acc);
        }
    }
}

static onr_status resize_run(onr_op_ctx *c, onr_error *err)
{
    const resize_params *p = c->params;
    resize_plan g;
    onr_status st = plan_resize(c, &g, err);
    if (st != ONR_OK)
        return st;
    size_t need, combos;
    st = scratch_size(p, &g, &need, &combos, err);
    if (st != ONR_OK)
        return st;
    if (c->scratch_bytes < need || (need && !c->scratch))
        return onr_err(err, ONR_E_INTERNAL, "resize needs %zu bytes of scratch, got %zu", need, c->scratch_bytes);
    size_t count = onr_tensor_count(c->out[0]);
    if (count == 0)
        return ONR_OK;
    resize_job j = {.p = p, .g = &g, .x = c->in[0], .y = c->out[0], .es = onr_dtype_size(c->in[0]->dtype)};
    onr_store_from_double(j.x->dtype, j.extrap, 0, p->extrapolation);
    /* Build the per-axis tables. */
    int64_t strides[ONR_MAX_RANK];
    onr_strides(j.x->rank, j.x->dims, strides);
    unsigned char *at = c->scratch;
    for (int32_t a = 0; a < g.rank; a++) {
        const axis_geom *ax = &g.ax[a];
        size_t eb = entry_bytes(p, ax);
        j.table[a] = at;
        for (int64_t o = 0; o < ax->out; o++, at += eb) {
            if (p->mode == M_NEAREST) {
                int64_t v;
                if (ax->identity) {
                    v = o * strides[a];
                } else {
                    double x = original_coord(p, ax, o);
                    v = outside(p, ax, x) ? -1 : nearest_index(p, ax, x) * strides[a];
                }
                memcpy(at, &v, sizeof v);
            } else {
                tap_head *h = (tap_head *)(void *)at;
                *h = interp_taps(p, ax, o, strides[a], (tap *)(h + 1));
            }
        }
    }
    size_t rows = count / (size_t)g.ax[g.rank - 1].out;
    if (p->mode == M_NEAREST) {
        size_t row_bytes = (size_t)g.ax[g.rank - 1].out * j.es;
        onr_parallel_for(c->pool, rows, row_bytes >= 16384 ? 1 : 16384 / row_bytes, nearest_rows, &j);
    } else {
        j.comb = (tap *)(void *)at;
        interp_rows(&j, 0, rows);
    }
    return ONR_OK;
}

const onr_op_def onr_op_resize = {
    .domain = "", .op_type = "Resize", .since = 10, .until = 22,
    .min_in = 1, .max_in = 4, .min_out = 1, .max_out = 1,
    .params_size = sizeof(resize_params), .parse = resize_parse,
    .infer = resize_infer, .run = resize_run,
};

const onr_op_def onr_op_upsample = {
    .domain = "", .op_type = "Upsample", .since = 7, .until = 9,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(resize_params), .parse = upsample_parse,
    .infer = resize_infer, .run = resize_run,
};
