/* scatter_gather.c: the index-driven element movers beside Gather (gather.c):
 *   GatherElements (11-22)  out[i..] = data[i.. with i[axis] replaced by indices[i..]], out.shape = indices.shape
 *   GatherND (11-22)        slices of data picked by the last axis of indices, after batch_dims (12+)
 *                           leading axes shared by data and indices.
 *   ScatterElements (11-22), Scatter (9-10, its former name)
 *                           out = data, then out[.. indices[i..] ..] (reduction)= updates[i..]
 *   ScatterND (11-22)       out = data, then the slices data[indices[j, :]] (reduction)= updates[j, ...]
 * reduction (ScatterElements/ScatterND 16+: none, add, mul; 18+: max, min) combines with the value
 * already in the output, in index order. Indices are int32 or int64; negative ones count from the back
 * of their axis. An index out of range fails the run naming its position (ONR_E_INVALID_ARG, or
 * ONR_E_INVALID_MODEL when folded at plan time: onr_data_fault), never reads or writes out of bounds. Elements move by byte size, so every dtype works; reductions are typed
 * (all numeric types, and bool for none). */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"

enum { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN };

typedef struct sg_params {
    int64_t axis, batch_dims;
    int reduction;
} sg_params;

/* Resolves a possibly negative index against an axis of size d; false when outside [-d, d-1]. */
static bool resolve(int64_t v, int64_t d, size_t *out)
{
    if (v < -d || v >= d)
        return false;
    *out = (size_t)(v < 0 ? v + d : v);
    return true;
}

static onr_status check_index_type(const onr_tensor *idx, onr_error *err)
{
    if (idx->dtype != ONR_DTYPE_INT64 && idx->dtype != ONR_DTYPE_INT32)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'indices' must be int32 or int64, got %s",
                       onr_dtype_name(idx->dtype));
    return ONR_OK;
}

static onr_status sg_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    sg_params *p = params;
    bool scatter = strncmp(node->op_type, "Scatter", 7) == 0;
    bool nd = strcmp(node->op_type, "GatherND") == 0 || strcmp(node->op_type, "ScatterND") == 0;
    static const char *const axis_only[] = {"axis", NULL};
    static const char *const axis_red[] = {"axis", "reduction", NULL};
    static const char *const none[] = {NULL};
    static const char *const red[] = {"reduction", NULL};
    static const char *const batch[] = {"batch_dims", NULL};
    const char *const *allowed = !nd ? (scatter && node->opset >= 16 ? axis_red : axis_only)
                               : scatter ? (node->opset >= 16 ? red : none)
                               : (node->opset >= 12 ? batch : none);
    const char *r = "none";
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "batch_dims", 0, &p->batch_dims, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "reduction", "none", &r, err);
    if (st != ONR_OK)
        return st;
    if (p->batch_dims < 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'batch_dims' must be >= 0, got %lld",
                       (long long)p->batch_dims);
    if (strcmp(r, "none") == 0)
        p->reduction = RED_NONE;
    else if (strcmp(r, "add") == 0)
        p->reduction = RED_ADD;
    else if (strcmp(r, "mul") == 0)
        p->reduction = RED_MUL;
    else if (strcmp(r, "max") == 0 && node->opset >= 18)
        p->reduction = RED_MAX;
    else if (strcmp(r, "min") == 0 && node->opset >= 18)
        p->reduction = RED_MIN;
    else
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'reduction' = '%s' is not valid at opset %lld", r,
                       (long long)node->opset);
    return ONR_OK;
}

/* --- typed reduction of one element: dst = dst (op) src ---------------------------------------- */

#define COMBINE_INT(T, U)                                                                                   \
    {                                                                                                       \
        T a, b;                                                                                             \
        memcpy(&a, dst, sizeof a);                                                                          \
        memcpy(&b, src, sizeof b);                                                                          \
        /* add/mul wrap in an unsigned type at least as wide as int: defined for signed types too */                   \
        T r = red == RED_ADD ? (T)((U)a + (U)b) : red == RED_MUL ? (T)((U)a * (U)b)                         \
            : red == RED_MAX ? (a > b ? a : b) : (a < b ? a : b);                                           \
        memcpy(dst, &r, sizeof r);                                                                          \
        return;                                                                                             \
    }

static double comb_f(int red, double a, double b)
{
    switch (red) {
    case RED_ADD: return a + b;
    case RED_MUL: return a * b;
    case RED_MAX: return a > b || a != a ? a : b;
    default: return a < b || a != a ? a : b;
    }
}

static void combine(onr_dtype dt, int red, void *dst, const void *src)
{
    switch (dt) {
    case ONR_DTYPE_INT8: COMBINE_INT(int8_t, uint32_t)
    case ONR_DTYPE_INT16: COMBINE_INT(int16_t, uint32_t)
    case ONR_DTYPE_INT32: COMBINE_INT(int32_t, uint32_t)
    case ONR_DTYPE_INT64: COMBINE_INT(int64_t, uint64_t)
    case ONR_DTYPE_UINT8: COMBINE_INT(uint8_t, uint32_t)
    case ONR_DTYPE_UINT16: COMBINE_INT(uint16_t, uint32_t)
    case ONR_DTYPE_UINT32: COMBINE_INT(uint32_t, uint32_t)
    case ONR_DTYPE_UINT64: COMBINE_INT(uint64_t, uint64_t)
    case ONR_DTYPE_BOOL: {
        uint8_t a = *(uint8_t *)dst, b = *(const uint8_t *)src;
        *(uint8_t *)dst = red == RED_ADD || red == RED_MAX ? (a | b) : (a & b);
        return;
    }
    default: /* float types */
        onr_store_from_double(dt, dst, 0, comb_f(red, onr_load_as_double(dt, dst, 0), onr_load_as_double(dt, src, 0)));
        return;
    }
}

static void put(onr_dtype dt, size_t es, int red, char *dst, const char *src, size_t n)
{
    if (red == RED_NONE) {
        memcpy(dst, src, n * es);
        return;
    }
    for (size_t i = 0; i < n; i++)
        combine(dt, red, dst + i * es, src + i * es);
}

/* --- GatherElements / ScatterElements ----------------------------------------------------------- */

/* Walks the elements of `indices` (row-major) keeping the matching offset into data with the axis
 * coordinate left out. */
typedef struct elem_walk {
    int32_t rank;
    size_t idx[ONR_MAX_RANK], dims[ONR_MAX_RANK], dstride[ONR_MAX_RANK];
    size_t off;
} elem_walk;

static void elem_init(elem_walk *w, const onr_tensor *idx, const onr_tensor *data, int64_t axis)
{
    int64_t st[ONR_MAX_RANK];
    onr_strides(data->rank, data->dims, st);
    w->rank = idx->rank;
    w->off = 0;
    for (int32_t a = 0; a < idx->rank; a++) {
        w->idx[a] = 0;
        w->dims[a] = (size_t)idx->dims[a];
        w->dstride[a] = a == axis ? 0 : (size_t)st[a];
    }
}

static void elem_next(elem_walk *w)
{
    for (int32_t a = w->rank - 1; a >= 0; a--) {
        w->off += w->dstride[a];
        if (++w->idx[a] < w->dims[a])
            return;
        w->off -= w->dstride[a] * w->dims[a];
        w->idx[a] = 0;
    }
}

/* indices (and updates) have data's rank and no dim larger than data's, except along the axis. */
static onr_status elements_check(const onr_tensor *data, const onr_tensor *idx, const sg_params *p, int64_t *axis,
                                 onr_error *err)
{
    onr_status st = check_index_type(idx, err);
    if (st == ONR_OK && data->rank == 0)
        st = onr_err(err, ONR_E_INVALID_MODEL, "input 'data' must have rank >= 1");
    if (st == ONR_OK)
        st = onr_axis_norm(p->axis, data->rank, "attribute 'axis'", axis, err);
    if (st != ONR_OK)
        return st;
    if (idx->rank != data->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'indices' must have data's rank %d, got %d", (int)data->rank,
                       (int)idx->rank);
    for (int32_t a = 0; a < data->rank; a++)
        if (a != *axis && idx->dims[a] > data->dims[a])
            return onr_err(err, ONR_E_INVALID_MODEL, "indices dim %d = %lld exceeds data's %lld", (int)a,
                           (long long)idx->dims[a], (long long)data->dims[a]);
    return ONR_OK;
}

static onr_status gather_elements_infer(onr_op_ctx *c, onr_error *err)
{
    int64_t axis;
    onr_status st = elements_check(c->in[0], c->in[1], c->params, &axis, err);
    if (st != ONR_OK)
        return st;
    c->out[0]->dtype = c->in[0]->dtype;
    c->out[0]->rank = c->in[1]->rank;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        c->out[0]->dims[i] = i < c->in[1]->rank ? c->in[1]->dims[i] : 0;
    return ONR_OK;
}

static onr_status gather_elements_run(onr_op_ctx *c, onr_error *err)
{
    const sg_params *p = c->params;
    const onr_tensor *data = c->in[0], *idx = c->in[1];
    int64_t axis = p->axis < 0 ? p->axis + data->rank : p->axis;
    int64_t st[ONR_MAX_RANK];
    onr_strides(data->rank, data->dims, st);
    size_t n = onr_tensor_count(idx), es = onr_dtype_size(data->dtype), at;
    const char *src = data->data;
    char *dst = c->out[0]->data;
    elem_walk w;
    elem_init(&w, idx, data, axis);
    for (size_t i = 0; i < n; i++, elem_next(&w)) {
        int64_t v = onr_int_at(idx, i);
        if (!resolve(v, data->dims[axis], &at))
            return onr_bad_index(err, onr_data_fault(c, true), i, v, data->dims[axis]);
        memcpy(dst + i * es, src + (w.off + at * (size_t)st[axis]) * es, es);
    }
    return ONR_OK;
}

const onr_op_def onr_op_gather_elements = {
    .domain = "", .op_type = "GatherElements", .since = 11, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(sg_params), .parse = sg_parse,
    .infer = gather_elements_infer, .run = gather_elements_run,
};

static onr_status scatter_elements_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *data = c->in[0], *idx = c->in[1], *upd = c->in[2];
    int64_t axis;
    onr_status st = elements_check(data, idx, c->params, &axis, err);
    if (st != ONR_OK)
        return st;
    if (upd->dtype != data->dtype)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'updates' type %s differs from data's %s",
                       onr_dtype_name(upd->dtype), onr_dtype_name(data->dtype));
    if (!onr_shape_equal(upd->rank, upd->dims, idx->rank, idx->dims))
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'updates' must have the shape of 'indices'");
    onr_tensor_copy_shape(c->out[0], data);
    return ONR_OK;
}

static onr_status scatter_elements_run(onr_op_ctx *c, onr_error *err)
{
    const sg_params *p = c->params;
    const onr_tensor *data = c->in[0], *idx = c->in[1], *upd = c->in[2];
    int64_t axis = p->axis < 0 ? p->axis + data->rank : p->axis;
    int64_t st[ONR_MAX_RANK];
    onr_strides(data->rank, data->dims, st);
    size_t n = onr_tensor_count(idx), es = onr_dtype_size(data->dtype), at;
    char *dst = c->out[0]->data;
    const char *u = upd->data;
    if (onr_tensor_bytes(data) != 0)
        memcpy(dst, data->data, onr_tensor_bytes(data));
    elem_walk w;
    elem_init(&w, idx, data, axis);
    for (size_t i = 0; i < n; i++, elem_next(&w)) {
        int64_t v = onr_int_at(idx, i);
        if (!resolve(v, data->dims[axis], &at))
            return onr_bad_index(err, onr_data_fault(c, true), i, v, data->dims[axis]);
        put(data->dtype, es, p->reduction, dst + (w.off + at * (size_t)st[axis]) * es, u + i * es, 1);
    }
    return ONR_OK;
}

const onr_op_def onr_op_scatter_elements = {
    .domain = "", .op_type = "ScatterElements", .since = 11, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(sg_params), .parse = sg_parse,
    .infer = scatter_elements_infer, .run = scatter_elements_run,
};

const onr_op_def onr_op_scatter = {
    .domain = "", .op_type = "Scatter", .since = 9, .until = 10,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(sg_params), .parse = sg_parse,
    .infer = scatter_elements_infer, .run = scatter_elements_run,
};

/* --- GatherND / ScatterND -------------------------------------------------------------------------- */

/* Offset (in elements of data) of the slice named by the k index values at `pos` of indices, within
 * the batch's block of data starting at axis b; fails naming the position. */
static onr_status nd_offset(const onr_op_ctx *c, const onr_tensor *data, const onr_tensor *idx, size_t pos, size_t k,
                            int64_t b, const int64_t *st, size_t *off, onr_error *err)
{
    size_t o = 0, at;
    for (size_t j = 0; j < k; j++) {
        int64_t v = onr_int_at(idx, pos + j), d = data->dims[b + (int64_t)j];
        if (!resolve(v, d, &at))
            return onr_bad_index(err, onr_data_fault(c, true), pos + j, v, d);
        o += at * (size_t)st[b + (int64_t)j];
    }
    *off = o;
    return ONR_OK;
}

static onr_status gather_nd_infer(onr_op_ctx *c, onr_error *err)
{
    const sg_params *p = c->params;
    const onr_tensor *data = c->in[0], *idx = c->in[1];
    onr_status st = check_index_type(idx, err);
    if (st != ONR_OK)
        return st;
    int64_t b = p->batch_dims;
    if (data->rank < 1 || idx->rank < 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "inputs 'data' and 'indices' must have rank >= 1");
    if (b >= idx->rank || b >= data->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'batch_dims' = %lld must be below both ranks",
                       (long long)b);
    int64_t k = idx->dims[idx->rank - 1];
    if (k < 1 || b + k > data->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "indices.shape[-1] = %lld must be in [1, %lld]", (long long)k,
                       (long long)(data->rank - b));
    for (int64_t a = 0; a < b; a++)
        if (idx->dims[a] != data->dims[a])
            return onr_err(err, ONR_E_INVALID_MODEL, "batch dim %lld differs: indices %lld, data %lld", (long long)a,
                           (long long)idx->dims[a], (long long)data->dims[a]);
    /* out.shape = indices.shape[:-1] + data.shape[b + k:] */
    int32_t r = idx->rank - 1 + data->rank - (int32_t)(b + k);
    if (r > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "output rank %d is above the limit %d", (int)r, ONR_MAX_RANK);
    onr_tensor *o = c->out[0];
    o->dtype = data->dtype;
    o->rank = r;
    int32_t n = 0;
    for (int32_t a = 0; a < idx->rank - 1; a++)
        o->dims[n++] = idx->dims[a];
    for (int32_t a = (int32_t)(b + k); a < data->rank; a++)
        o->dims[n++] = data->dims[a];
    for (int32_t a = n; a < ONR_MAX_RANK; a++)
        o->dims[a] = 0;
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

/* The common geometry of GatherND and ScatterND: `batches` blocks of data of `batch_elems` elements, each
 * with `tuples` index tuples of k values selecting slices of `slice` elements. */
typedef struct nd_geom {
    int64_t b;
    size_t k, batches, tuples, slice, batch_elems;
    int64_t st[ONR_MAX_RANK];
} nd_geom;

static void nd_geom_init(nd_geom *g, const onr_tensor *data, const onr_tensor *idx, int64_t b)
{
    g->b = b;
    g->k = (size_t)idx->dims[idx->rank - 1];
    g->batches = 1;
    g->tuples = 1;
    g->slice = 1;
    for (int64_t a = 0; a < b; a++)
        g->batches *= (size_t)idx->dims[a];
    for (int32_t a = (int32_t)b; a < idx->rank - 1; a++)
        g->tuples *= (size_t)idx->dims[a];
    for (int32_t a = (int32_t)b + (int32_t)g->k; a < data->rank; a++)
        g->slice *= (size_t)data->dims[a];
    onr_strides(data->rank, data->dims, g->st);
    g->batch_elems = b > 0 ? (size_t)g->st[b - 1] : onr_tensor_count(data);
}

static onr_status gather_nd_run(onr_op_ctx *c, onr_error *err)
{
    const sg_params *p = c->params;
    const onr_tensor *data = c->in[0], *idx = c->in[1];
    nd_geom g;
    nd_geom_init(&g, data, idx, p->batch_dims);
    size_t es = onr_dtype_size(data->dtype);
    const char *src = data->data;
    char *dst = c->out[0]->data;
    for (size_t bi = 0; bi < g.batches; bi++) {
        for (size_t t = 0; t < g.tuples; t++) {
            size_t tuple = bi * g.tuples + t, off = 0;
            onr_status st = nd_offset(c, data, idx, tuple * g.k, g.k, g.b, g.st, &off, err);
            if (st != ONR_OK)
                return st;
            if (g.slice)
                memcpy(dst + tuple * g.slice * es, src + (bi * g.batch_elems + off) * es, g.slice * es);
        }
    }
    return ONR_OK;
}

const onr_op_def onr_op_gather_nd = {
    .domain = "", .op_type = "GatherND", .since = 11, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(sg_params), .parse = sg_parse,
    .infer = gather_nd_infer, .run = gather_nd_run,
};

static onr_status scatter_nd_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *data = c->in[0], *idx = c->in[1], *upd = c->in[2];
    onr_status st = check_index_type(idx, err);
    if (st != ONR_OK)
        return st;
    if (data->rank < 1 || idx->rank < 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "inputs 'data' and 'indices' must have rank >= 1");
    int64_t k = idx->dims[idx->rank - 1];
    if (k < 1 || k > data->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "indices.shape[-1] = %lld must be in [1, %d]", (long long)k,
                       (int)data->rank);
    if (upd->dtype != data->dtype)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'updates' type %s differs from data's %s",
                       onr_dtype_name(upd->dtype), onr_dtype_name(data->dtype));
    /* updates.shape = indices.shape[:-1] + data.shape[k:] */
    int64_t want[2 * ONR_MAX_RANK];
    int32_t n = 0;
    for (int32_t a = 0; a < idx->rank - 1; a++)
        want[n++] = idx->dims[a];
    for (int32_t a = (int32_t)k; a < data->rank; a++)
        want[n++] = data->dims[a];
    if (!onr_shape_equal(upd->rank, upd->dims, n, want)) {
        char s1[128], s2[128];
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'updates' has shape %s, expected %s",
                       onr_shape_str(upd->rank, upd->dims, s1, sizeof s1),
                       n <= ONR_MAX_RANK ? onr_shape_str(n, want, s2, sizeof s2) : "(rank too high)");
    }
    onr_tensor_copy_shape(c->out[0], data);
    return ONR_OK;
}

static onr_status scatter_nd_run(onr_op_ctx *c, onr_error *err)
{
    const sg_params *p = c->params;
    const onr_tensor *data = c->in[0], *idx = c->in[1], *upd = c->in[2];
    nd_geom g;
    nd_geom_init(&g, data, idx, 0);
    size_t es = onr_dtype_size(data->dtype);
    char *dst = c->out[0]->data;
    const char *u = upd->data;
    if (onr_tensor_bytes(data) != 0)
        memcpy(dst, data->data, onr_tensor_bytes(data));
    for (size_t t = 0; t < g.tuples; t++) {
        size_t off = 0;
        onr_status st = nd_offset(c, data, idx, t * g.k, g.k, 0, g.st, &off, err);
        if (st != ONR_OK)
            return st;
        if (g.slice)
            put(data->dtype, es, p->reduction, dst + off * es, u + t * g.slice * es, g.slice);
    }
    return ONR_OK;
}

const onr_op_def onr_op_scatter_nd = {
    .domain = "", .op_type = "ScatterND", .since = 11, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(sg_params), .parse = sg_parse,
    .infer = scatter_nd_infer, .run = scatter_nd_run,
};
