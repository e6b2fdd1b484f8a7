/* pad.c: Pad (1-22) in modes constant, reflect, edge and wrap (wrap is Pad-19's).
 *
 * Where the pads come from, by opset: 1: attribute 'paddings'; 2-10: attribute 'pads' and float
 * attribute 'value'; 11+: input 'pads' (int64, [x1_begin, x2_begin, ..., x1_end, x2_end, ...]) and
 * optional input 'constant_value' (a scalar of the data's type; default 0); 18+: optional input 'axes'
 * naming the axes the pads refer to (others get 0).
 *
 * Negative pads remove elements. They are applied first (cropping), then the positive pads are
 * filled from the cropped extent, so edge/reflect/wrap read only kept elements. Reflect mirrors
 * without repeating the edge (numpy 'reflect', also for pads longer than the axis, as numpy does);
 * wrap repeats the axis periodically. Rows along the last axis are built by one memcpy of the kept
 * part plus the padded ends, by element size, so every dtype works. */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP };

typedef struct pad_params {
    int mode;
    const int64_t *pads; /* opset < 11 */
    size_t n_pads;
    float value;         /* opset < 11 */
} pad_params;

static onr_status pad_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    pad_params *p = params;
    static const char *const v1[] = {"paddings", "mode", "value", NULL};
    static const char *const v2[] = {"pads", "mode", "value", NULL};
    static const char *const v11[] = {"mode", NULL};
    const char *pads_name = node->opset < 2 ? "paddings" : "pads";
    const char *mode;
    onr_status st = onr_attr_allow(node, node->opset < 2 ? v1 : node->opset < 11 ? v2 : v11, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "mode", "constant", &mode, err);
    if (st == ONR_OK && node->opset < 11)
        st = onr_attr_require(node, pads_name, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, pads_name, &p->pads, &p->n_pads, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "value", 0, &p->value, err);
    if (st != ONR_OK)
        return st;
    if (strcmp(mode, "constant") == 0)
        p->mode = PAD_CONSTANT;
    else if (strcmp(mode, "reflect") == 0)
        p->mode = PAD_REFLECT;
    else if (strcmp(mode, "edge") == 0)
        p->mode = PAD_EDGE;
    else if (strcmp(mode, "wrap") == 0)
        p->mode = PAD_WRAP;
    else
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'mode' = '%s' is not constant, reflect, edge or wrap",
                       mode);
    return ONR_OK;
}

/* Per axis: the kept extent [lo, lo + n) of the input and the positive pads around it. */
typedef struct pad_plan {
    int mode;
    int32_t rank;
    int64_t lo[ONR_MAX_RANK], n[ONR_MAX_RANK], before[ONR_MAX_RANK], out[ONR_MAX_RANK];
} pad_plan;

static onr_status plan_pad(onr_op_ctx *c, pad_plan *s, onr_error *err)
{
    const pad_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t pads[2 * ONR_MAX_RANK], axes[ONR_MAX_RANK], norm[ONR_MAX_RANK];
    size_t n_pads, n_axes = (size_t)x->rank;
    onr_status st;
    const char *what = c->opset < 11 ? "attribute 'pads'" : "input 'pads'";
    s->mode = p->mode;
    s->rank = x->rank;
    if (c->opset < 11) {
        if (p->n_pads > 2 * ONR_MAX_RANK)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s has %zu values", what, p->n_pads);
        n_pads = p->n_pads;
        if (n_pads)
            memcpy(pads, p->pads, n_pads * sizeof *pads);
    } else {
        if (c->n_in < 2 || !c->in[1])
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'pads' is required");
        st = onr_input_ints(c->in[1], what, 2 * ONR_MAX_RANK, pads, &n_pads, err);
        if (st != ONR_OK)
            return st;
    }
    if (c->opset >= 18 && c->n_in > 3 && c->in[3]) {
        st = onr_input_ints(c->in[3], "input 'axes'", ONR_MAX_RANK, axes, &n_axes, err);
        if (st == ONR_OK)
            st = onr_axes_norm(axes, n_axes, x->rank, "input 'axes'", norm, err);
        if (st != ONR_OK)
            return st;
    } else {
        for (int32_t a = 0; a < x->rank; a++)
            norm[a] = a;
    }
    if (n_pads != 2 * n_axes)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s has %zu values, expected %zu (2 per padded axis)", what,
                       n_pads, 2 * n_axes);
    int64_t b[ONR_MAX_RANK] = {0}, e[ONR_MAX_RANK] = {0};
    for (size_t i = 0; i < n_axes; i++) {
        b[norm[i]] = pads[i];
        e[norm[i]] = pads[i + n_axes];
    }
    for (int32_t a = 0; a < x->rank; a++) {
        int64_t d = x->dims[a];
        int64_t cut_b = b[a] < 0 ? -b[a] : 0, cut_e = e[a] < 0 ? -e[a] : 0;
        int64_t add_b = b[a] > 0 ? b[a] : 0, add_e = e[a] > 0 ? e[a] : 0;
        if (cut_b > d || cut_e > d - cut_b)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: axis %d of size %lld cannot lose %lld + %lld elements",
                           what, (int)a, (long long)d, (long long)cut_b, (long long)cut_e);
        s->lo[a] = cut_b;
        s->n[a] = d - cut_b - cut_e;
        s->before[a] = add_b;
        if (__builtin_add_overflow(s->n[a], add_b, &s->out[a]) ||
            __builtin_add_overflow(s->out[a], add_e, &s->out[a]))
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: output dim %d overflows", what, (int)a);
        if (s->mode != PAD_CONSTANT && s->n[a] == 0 && s->out[a] > 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: axis %d has no elements to pad from in this mode", what,
                           (int)a);
    }
    return ONR_OK;
}

/* Input index feeding output index o along axis a, or -1 for the constant. */
static int64_t map_index(const pad_plan *s, int a, int64_t o)
{
    int64_t x = o - s->before[a], n = s->n[a];
    if (x >= 0 && x < n)
        return s->lo[a] + x;
    switch (s->mode) {
    case PAD_EDGE:
        return s->lo[a] + (x < 0 ? 0 : n - 1);
    case PAD_REFLECT: {
        if (n == 1)
            return s->lo[a];
        int64_t period = 2 * (n - 1), m = x % period;
        if (m < 0)
            m += period;
        return s->lo[a] + (m < n ? m : period - m);
    }
    case PAD_WRAP: {
        int64_t m = x % n;
        return s->lo[a] + (m < 0 ? m + n : m);
    }
    default:
        return -1;
    }
}

static onr_status pad_infer(onr_op_ctx *c, onr_error *err)
{
    pad_plan s;
    onr_status st = plan_pad(c, &s, err);
    if (st != ONR_OK)
        return st;
    const onr_tensor *x = c->in[0];
    if (c->opset >= 11 && c->n_in > 2 && c->in[2]) {
        const onr_tensor *v = c->in[2];
        if (v->dtype != x->dtype)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'constant_value' is %s, the data %s",
                           onr_dtype_name(v->dtype), onr_dtype_name(x->dtype));
        if (onr_tensor_count(v) > 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'constant_value' must be a scalar");
    }
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = x->rank;
    memset(o->dims, 0, sizeof o->dims);
    memcpy(o->dims, s.out, (size_t)x->rank * sizeof *s.out);
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

typedef struct pad_job {
    const pad_plan *s;
    char *dst;
    const char *src;
    size_t es;
    const void *value;
    int64_t in_strides[ONR_MAX_RANK];
} pad_job;

static void pad_rows(void *arg, size_t begin, size_t end)
{
    const pad_job *j = arg;
    const pad_plan *s = j->s;
    int last = s->rank - 1;
    int64_t len = s->out[last], n = s->n[last], before = s->before[last];
    size_t es = j->es;
    for (size_t row = begin; row < end; row++) {
        char *y = j->dst + row * (size_t)len * es;
        /* Decode the row's outer index and map it to an input row (or the constant). */
        int64_t off = 0;
        bool constant = false;
        size_t r = row;
        for (int a = last - 1; a >= 0; a--) {
            int64_t o = (int64_t)(r % (size_t)s->out[a]);
            r /= (size_t)s->out[a];
            int64_t i = map_index(s, a, o);
            if (i < 0) {
                constant = true;
                break;
            }
            off += i * j->in_strides[a];
        }
        if (constant) {
            onr_fill_elems(y, j->value, es, (size_t)len);
            continue;
        }
        const char *x = j->src + (size_t)off * es;
        for (int64_t o = 0; o < before; o++) {
            int64_t i = map_index(s, last, o);
            memcpy(y + (size_t)o * es, i < 0 ? j->value : x + (size_t)i * es, es);
        }
        if (n)
            memcpy(y + (size_t)before * es, x + (size_t)s->lo[last] * es, (size_t)n * es);
        for (int64_t o = before + n; o < len; o++) {
            int64_t i = map_index(s, last, o);
            memcpy(y + (size_t)o * es, i < 0 ? j->value : x + (size_t)i * es, es);
        }
    }
}

static onr_status pad_run(onr_op_ctx *c, onr_error *err)
{
    const pad_params *p = c->params;
    const onr_tensor *x = c->in[0];
    onr_tensor *o = c->out[0];
    pad_plan s;
    onr_status st = plan_pad(c, &s, err);
    if (st != ONR_OK)
        return st;
    size_t es = onr_dtype_size(x->dtype), count = onr_tensor_count(o);
    if (count == 0)
        return ONR_OK;
    if (x->rank == 0) {
        memcpy(o->data, x->data, es);
        return ONR_OK;
    }
    /* The pad value as one element of the data's type (zero bytes are 0 / false for every dtype). */
    unsigned char value[16] = {0};
    if (c->opset < 11)
        onr_store_from_double(x->dtype, value, 0, p->value);
    else if (c->n_in > 2 && c->in[2] && onr_tensor_count(c->in[2]) == 1)
        memcpy(value, c->in[2]->data, es);
    if (onr_tensor_count(x) == 0) { /* only constant mode gets here (plan_pad): all padding */
        onr_fill_elems(o->data, value, es, count);
        return ONR_OK;
    }
    pad_job j = {.s = &s, .dst = o->data, .src = x->data, .es = es, .value = value};
    onr_strides(x->rank, x->dims, j.in_strides);
    size_t rows = count / (size_t)s.out[s.rank - 1];
    size_t row_bytes = (size_t)s.out[s.rank - 1] * es;
    onr_parallel_for(c->pool, rows, row_bytes >= 16384 ? 1 : 16384 / row_bytes, pad_rows, &j);
    return ONR_OK;
}

const onr_op_def onr_op_pad = {
    .domain = "", .op_type = "Pad", .since = 1, .until = 22,
    .min_in = 1, .max_in = 4, .min_out = 1, .max_out = 1,
    .params_size = sizeof(pad_params), .parse = pad_parse,
    .infer = pad_infer, .run = pad_run,
};
