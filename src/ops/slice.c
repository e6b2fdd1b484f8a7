/* slice.c: Slice (1-22). Opsets 1-9 take 'starts', 'ends' and optional 'axes' as attributes; from 10
 * they are inputs (starts, ends, axes?, steps?), int32 or int64, and 'steps' may be negative.
 *
 * Per sliced axis of size d, with step s (ONNX Slice-13 rules):
 *   start < 0: start += d;   end < 0: end += d
 *   s > 0: start, end clamped to [0, d];   s < 0: start clamped to [-1, d-1], end to [-1, d-1]
 *   length = max(0, ceil((end - start) / s))
 * so INT64_MAX / INT64_MIN ends ("to the end") work. For s < 0 the spec text clamps start to [0, d-1];
 * we clamp to -1 (nothing selected) like numpy, which the ONNX reference implementation and the
 * backend test data use (onnx/onnx#4115 discusses the mismatch). The result is a strided view copied with
 * onr_strided_copy, which makes every dtype and negative steps the same code. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

typedef struct slice_params {
    const int64_t *starts, *ends, *axes; /* opset < 10 */
    size_t n_starts, n_ends, n_axes;
} slice_params;

static onr_status slice_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    slice_params *p = params;
    static const char *const v1[] = {"starts", "ends", "axes", NULL};
    static const char *const v10[] = {NULL};
    onr_status st = onr_attr_allow(node, node->opset < 10 ? v1 : v10, err);
    if (st != ONR_OK || node->opset >= 10)
        return st;
    st = onr_attr_require(node, "starts", err);
    if (st == ONR_OK)
        st = onr_attr_require(node, "ends", err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "starts", &p->starts, &p->n_starts, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "ends", &p->ends, &p->n_ends, err);
    if (st == ONR_OK)
        st = onr_attr_ints(node, "axes", &p->axes, &p->n_axes, err);
    return st;
}

/* The resolved slice: per input axis, first index, step and output length. */
typedef struct slice_plan {
    int64_t start[ONR_MAX_RANK], step[ONR_MAX_RANK], len[ONR_MAX_RANK];
} slice_plan;

static onr_status read_arg(onr_op_ctx *c, size_t i, const char *what, int64_t *v, size_t *n, bool *given,
                           onr_error *err)
{
    *given = c->n_in > i && c->in[i];
    *n = 0;
    if (!*given)
        return ONR_OK;
    return onr_input_ints(c->in[i], what, ONR_MAX_RANK, v, n, err);
}

static onr_status plan_slice(onr_op_ctx *c, slice_plan *s, onr_error *err)
{
    const slice_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t starts[ONR_MAX_RANK], ends[ONR_MAX_RANK], axes[ONR_MAX_RANK], steps[ONR_MAX_RANK];
    size_t n_starts, n_ends, n_axes, n_steps;
    bool has_axes, has_steps = false, given;
    onr_status st;
    if (c->opset < 10) {
        if (p->n_starts > ONR_MAX_RANK || p->n_ends > ONR_MAX_RANK || p->n_axes > ONR_MAX_RANK)
            return onr_err(err, ONR_E_INVALID_MODEL, "attributes 'starts'/'ends'/'axes' have more than %d values",
                           ONR_MAX_RANK);
        n_starts = p->n_starts, n_ends = p->n_ends, n_axes = p->n_axes;
        if (n_starts)
            memcpy(starts, p->starts, n_starts * sizeof *starts);
        if (n_ends)
            memcpy(ends, p->ends, n_ends * sizeof *ends);
        if (p->axes && n_axes)
            memcpy(axes, p->axes, n_axes * sizeof *axes);
        has_axes = p->axes != NULL;
        n_steps = 0;
    } else {
        if (c->n_in < 3 || !c->in[1] || !c->in[2])
            return onr_err(err, ONR_E_INVALID_MODEL, "inputs 'starts' and 'ends' are required");
        st = read_arg(c, 1, "input 'starts'", starts, &n_starts, &given, err);
        if (st == ONR_OK)
            st = read_arg(c, 2, "input 'ends'", ends, &n_ends, &given, err);
        if (st == ONR_OK)
            st = read_arg(c, 3, "input 'axes'", axes, &n_axes, &has_axes, err);
        if (st == ONR_OK)
            st = read_arg(c, 4, "input 'steps'", steps, &n_steps, &has_steps, err);
        if (st != ONR_OK)
            return st;
    }
    if (n_starts != n_ends)
        return onr_err(err, ONR_E_INVALID_MODEL, "'starts' has %zu values, 'ends' %zu", n_starts, n_ends);
    if (has_axes && n_axes != n_starts)
        return onr_err(err, ONR_E_INVALID_MODEL, "'axes' has %zu values, 'starts' %zu", n_axes, n_starts);
    if (has_steps && n_steps != n_starts)
        return onr_err(err, ONR_E_INVALID_MODEL, "'steps' has %zu values, 'starts' %zu", n_steps, n_starts);
    if (!has_axes) {
        if (n_starts > (size_t)x->rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "'starts' has %zu values for an input of rank %d", n_starts,
                           (int)x->rank);
        for (size_t i = 0; i < n_starts; i++)
            axes[i] = (int64_t)i;
    }
    int64_t norm[ONR_MAX_RANK];
    st = onr_axes_norm(axes, n_starts, x->rank, "'axes'", norm, err);
    if (st != ONR_OK)
        return st;
    for (int32_t a = 0; a < x->rank; a++) {
        s->start[a] = 0;
        s->step[a] = 1;
        s->len[a] = x->dims[a];
    }
    for (size_t i = 0; i < n_starts; i++) {
        int64_t a = norm[i], d = x->dims[a];
        int64_t b = starts[i], e = ends[i], k = has_steps ? steps[i] : 1;
        if (k == 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "steps[%zu] is 0", i);
        if (b < 0)
            b += d;
        if (e < 0)
            e += d;
        int64_t len;
        if (k > 0) {
            b = b < 0 ? 0 : b > d ? d : b;
            e = e < 0 ? 0 : e > d ? d : e;
            /* ceil((e - b) / k) without overflow for huge k */
            len = e > b ? (e - b - 1) / k + 1 : 0;
        } else {
            /* numpy: a start still negative selects nothing (x[-8:-8:-1] of 3 elements is empty). */
            b = b < 0 ? -1 : b > d - 1 ? d - 1 : b;
            e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
            len = b > e ? (int64_t)((uint64_t)(b - e - 1) / (0 - (uint64_t)k)) + 1 : 0;
        }
        s->start[a] = len ? b : 0;
        s->step[a] = len > 1 ? k : 1; /* a huge step over one element must not overflow strides */
        s->len[a] = len;
    }
    return ONR_OK;
}

static onr_status slice_infer(onr_op_ctx *c, onr_error *err)
{
    slice_plan s;
    onr_status st = plan_slice(c, &s, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *o = c->out[0];
    o->dtype = c->in[0]->dtype;
    o->rank = c->in[0]->rank;
    memset(o->dims, 0, sizeof o->dims);
    memcpy(o->dims, s.len, (size_t)o->rank * sizeof *s.len);
    return ONR_OK;
}

static onr_status slice_run(onr_op_ctx *c, onr_error *err)
{
    slice_plan s;
    onr_status st = plan_slice(c, &s, err);
    if (st != ONR_OK)
        return st;
    const onr_tensor *x = c->in[0];
    if (onr_tensor_count(c->out[0]) == 0)
        return ONR_OK;
    int64_t in_strides[ONR_MAX_RANK], strides[ONR_MAX_RANK], off = 0;
    onr_strides(x->rank, x->dims, in_strides);
    for (int32_t a = 0; a < x->rank; a++) {
        off += s.start[a] * in_strides[a];
        strides[a] = s.step[a] * in_strides[a];
    }
    size_t es = onr_dtype_size(x->dtype);
    onr_strided_copy(c->out[0]->data, (const char *)x->data + off * (int64_t)es, es, x->rank, s.len, strides,
                     c->pool);
    return ONR_OK;
}

const onr_op_def onr_op_slice = {
    .domain = "", .op_type = "Slice", .since = 1, .until = 22,
    .min_in = 1, .max_in = 5, .min_out = 1, .max_out = 1,
    .params_size = sizeof(slice_params), .parse = slice_parse,
    .infer = slice_infer, .run = slice_run,
};
