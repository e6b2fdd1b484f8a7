/* split.c: Split (1-22): cuts the input along 'axis' into consecutive parts, one per output.
 *
 * The part lengths come from, by opset:
 *   1:      input 'split' (optional) or attribute 'split';   2-12: attribute 'split';
 *   13+:    input 'split' (optional);                        18+:  or attribute 'num_outputs'.
 * Without them the axis is cut into equal parts, one per output, and must divide evenly. With
 * num_outputs (18) every part is ceil(d / n) long and the last one takes what is left, which may be
 * shorter (or 0). Lengths must be >= 0 and sum to the axis size. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

typedef struct split_params {
    int64_t axis;
    const int64_t *split; /* attribute 'split' (opset < 13) */
    size_t n_split;
    int64_t num_outputs;  /* 0: not given */
} split_params;

static onr_status split_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    split_params *p = params;
    static const char *const v1[] = {"axis", "split", NULL};
    static const char *const v13[] = {"axis", NULL};
    static const char *const v18[] = {"axis", "num_outputs", NULL};
    onr_status st = onr_attr_allow(node, node->opset < 13 ? v1 : node->opset < 18 ? v13 : v18, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "split", &p->split, &p->n_split, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "num_outputs", 0, &p->num_outputs, err);
    if (st != ONR_OK)
        return st;
    if (onr_attr_find(node, "num_outputs")) {
        if (p->num_outputs < 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'num_outputs' = %lld must be >= 1",
                           (long long)p->num_outputs);
        if ((size_t)p->num_outputs != node->n_outputs)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'num_outputs' = %lld, but the node has %zu outputs",
                           (long long)p->num_outputs, node->n_outputs);
    }
    return ONR_OK;
}

/* Where the lengths come from, resolved once per call. */
typedef struct split_plan {
    int64_t axis, dim;
    const onr_tensor *input; /* explicit lengths from an input, or NULL */
    const int64_t *attr;     /* explicit lengths from the attribute, or NULL */
    int64_t chunk;           /* otherwise: every part is `chunk` long except the last, which takes the rest */
} split_plan;

static int64_t part_len(const split_plan *s, size_t j, size_t n_out)
{
    if (s->attr)
        return s->attr[j];
    if (s->input)
        return onr_int_at(s->input, j);
    return j + 1 < n_out ? s->chunk : s->dim - s->chunk * (int64_t)(n_out - 1);
}

static onr_status plan_split(onr_op_ctx *c, split_plan *s, onr_error *err)
{
    const split_params *p = c->params;
    const onr_tensor *x = c->in[0];
    memset(s, 0, sizeof *s);
    if (x->rank == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input must have rank >= 1");
    onr_status st = onr_axis_norm(p->axis, x->rank, "attribute 'axis'", &s->axis, err);
    if (st != ONR_OK)
        return st;
    s->dim = x->dims[s->axis];
    size_t n_out = c->n_out;
    const onr_tensor *in = c->n_in > 1 ? c->in[1] : NULL;
    if (in && onr_tensor_count(in) == 0)
        in = NULL; /* an empty 'split' input is the same as none */
    if (in) {
        if (in->dtype != ONR_DTYPE_INT64 && in->dtype != ONR_DTYPE_INT32)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'split' must be int64, got %s", onr_dtype_name(in->dtype));
        if (in->rank != 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'split' must be 1-D, got rank %d", (int)in->rank);
        st = onr_input_known(in, "input 'split'", err);
        if (st != ONR_OK)
            return st;
        if (p->num_outputs)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'split' and attribute 'num_outputs' are both given");
        if ((size_t)in->dims[0] != n_out)
            return onr_err(err, ONR_E_INVALID_MODEL, "input 'split' has %lld lengths for %zu outputs",
                           (long long)in->dims[0], n_out);
        s->input = in;
    } else if (p->split) {
        if (p->n_split != n_out)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'split' has %zu lengths for %zu outputs",
                           p->n_split, n_out);
        s->attr = p->split;
    } else if (p->num_outputs) {
        /* Split-18: ceil(d / n) per part, the last part takes the remainder. */
        int64_t n = p->num_outputs;
        s->chunk = s->dim / n + (s->dim % n != 0);
        if (s->dim - s->chunk * (n - 1) < 0)
            return onr_err(err, ONR_E_INVALID_MODEL,
                           "axis %lld of size %lld cannot be split into %lld parts of %lld (the last one would "
                           "be negative)",
                           (long long)s->axis, (long long)s->dim, (long long)n, (long long)s->chunk);
    } else {
        if (n_out == 0 || s->dim % (int64_t)n_out != 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "axis %lld of size %lld cannot be split into %zu equal parts",
                           (long long)s->axis, (long long)s->dim, n_out);
        s->chunk = s->dim / (int64_t)n_out;
    }
    if (s->input || s->attr) {
        int64_t sum = 0;
        for (size_t j = 0; j < n_out; j++) {
            int64_t len = part_len(s, j, n_out);
            if (len < 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "split[%zu] = %lld is negative", j, (long long)len);
            if (__builtin_add_overflow(sum, len, &sum))
                return onr_err(err, ONR_E_INVALID_MODEL, "split lengths overflow");
        }
        if (sum != s->dim)
            return onr_err(err, ONR_E_INVALID_MODEL, "split lengths sum to %lld, but axis %lld has size %lld",
                           (long long)sum, (long long)s->axis, (long long)s->dim);
    }
    return ONR_OK;
}

static onr_status split_infer(onr_op_ctx *c, onr_error *err)
{
    split_plan s;
    onr_status st = plan_split(c, &s, err);
    if (st != ONR_OK)
        return st;
    for (size_t j = 0; j < c->n_out; j++) {
        onr_tensor *o = c->out[j];
        if (!o)
            continue;
        o->dtype = c->in[0]->dtype;
        o->rank = c->in[0]->rank;
        memcpy(o->dims, c->in[0]->dims, sizeof o->dims);
        o->dims[s.axis] = part_len(&s, j, c->n_out);
    }
    return ONR_OK;
}

static onr_status split_run(onr_op_ctx *c, onr_error *err)
{
    split_plan s;
    onr_status st = plan_split(c, &s, err);
    if (st != ONR_OK)
        return st;
    const onr_tensor *x = c->in[0];
    size_t outer = 1, inner = onr_dtype_size(x->dtype);
    for (int64_t d = 0; d < s.axis; d++)
        outer *= (size_t)x->dims[d];
    for (int32_t d = (int32_t)s.axis + 1; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    size_t row = (size_t)s.dim * inner; /* bytes of one outer slice of the input */
    size_t begin = 0;
    for (size_t j = 0; j < c->n_out; j++) {
        size_t block = (size_t)part_len(&s, j, c->n_out) * inner;
        if (c->out[j] && block)
            for (size_t i = 0; i < outer; i++)
                memcpy((char *)c->out[j]->data + i * block, (const char *)x->data + i * row + begin, block);
        begin += block;
    }
    return ONR_OK;
}

const onr_op_def onr_op_split = {
    .domain = "", .op_type = "Split", .since = 1, .until = 22,
    .min_in = 1, .max_in = 2, .min_out = 1, .max_out = ONR_VARIADIC,
    .params_size = sizeof(split_params), .parse = split_parse,
    .infer = split_infer, .run = split_run,
};
