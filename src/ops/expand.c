/* expand.c: Expand (8-22) and Tile (6-22), the two ops that repeat data.
 *
 * Expand broadcasts the input against the shape held by its 'shape' input (multidirectionally, as
 * numpy: the output may be larger than 'shape' where the input is), using broadcast.h. Tile repeats
 * the input repeats[i] times along each axis i; it views the input as rank 2r (repeat, dim) pairs
 * with stride 0 on the repeat axes and copies that view. Tile-1 (tiles/axis inputs) predates every
 * exporter in use and is not implemented. Both copy by element size, so every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "ops/broadcast.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

static onr_status expand_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0], *s = c->in[1];
    int64_t shape[ONR_MAX_RANK];
    size_t n;
    if (s->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'shape' must be int64, got %s", onr_dtype_name(s->dtype));
    if (s->rank != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'shape' must be 1-D, got rank %d", (int)s->rank);
    if (s->dims[0] > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "input 'shape' asks for rank %lld, above the limit %d",
                       (long long)s->dims[0], ONR_MAX_RANK);
    onr_status st = onr_input_ints(s, "input 'shape'", ONR_MAX_RANK, shape, &n, err);
    if (st != ONR_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        if (shape[i] < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "shape[%zu] = %lld is negative", i, (long long)shape[i]);
    onr_tensor *o = c->out[0];
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    st = onr_broadcast_dims(x->rank, x->dims, (int32_t)n, shape, &rank, dims, err);
    if (st != ONR_OK)
        return st;
    size_t bytes;
    st = onr_shape_bytes(x->dtype, rank, dims, &bytes, "output", err);
    if (st != ONR_OK)
        return st;
    o->dtype = x->dtype;
    o->rank = rank;
    memset(o->dims, 0, sizeof o->dims);
    memcpy(o->dims, dims, (size_t)rank * sizeof *dims);
    return ONR_OK;
}

static onr_status expand_run(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    onr_tensor *o = c->out[0];
    onr_bcast b;
    if (onr_tensor_count(o) == 0)
        return ONR_OK;
    onr_status st = onr_bcast_init(&b, o, 1, (const onr_tensor *const[]){x}, err);
    if (st != ONR_OK)
        return st;
    size_t es = onr_dtype_size(x->dtype);
    char *y = o->data;
    const char *src = x->data;
    onr_bcast_cursor cur;
    onr_bcast_seek(&b, &cur, 0);
    /* Each run either walks the input (copy) or repeats one element (fill). */
    for (size_t i = 0; i < b.count;) {
        size_t len = onr_bcast_run(&b, &cur, b.count - i);
        if (b.inner_stride[0])
            memcpy(y + i * es, src + cur.off[0] * es, len * es);
        else
            onr_fill_elems(y + i * es, src + cur.off[0] * es, es, len);
        onr_bcast_advance(&b, &cur, len);
        i += len;
    }
    return ONR_OK;
}

const onr_op_def onr_op_expand = {
    .domain = "", .op_type = "Expand", .since = 8, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .infer = expand_infer, .run = expand_run,
};

/* --- Tile --------------------------------------------------------------------------------------- */

static onr_status tile_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0], *r = c->in[1];
    int64_t rep[ONR_MAX_RANK];
    size_t n;
    if (r->dtype != ONR_DTYPE_INT64)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'repeats' must be int64, got %s", onr_dtype_name(r->dtype));
    if (r->rank != 1 || r->dims[0] != x->rank)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'repeats' must be 1-D with %d values (the input's rank)",
                       (int)x->rank);
    onr_status st = onr_input_ints(r, "input 'repeats'", ONR_MAX_RANK, rep, &n, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = x->rank;
    memset(o->dims, 0, sizeof o->dims);
    for (int32_t i = 0; i < x->rank; i++) {
        if (rep[i] < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "repeats[%d] = %lld is negative", (int)i, (long long)rep[i]);
        if (__builtin_mul_overflow(x->dims[i], rep[i], &o->dims[i]))
            return onr_err(err, ONR_E_INVALID_MODEL, "output dim %d overflows", (int)i);
    }
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

static onr_status tile_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    onr_tensor *o = c->out[0];
    int64_t in_strides[ONR_MAX_RANK], dims[ONR_STRIDED_MAX_RANK], strides[ONR_STRIDED_MAX_RANK];
    if (onr_tensor_count(o) == 0)
        return ONR_OK;
    onr_strides(x->rank, x->dims, in_strides);
    /* out[(r0, i0), (r1, i1), ...] = in[i0, i1, ...]: repeat axes have stride 0. */
    for (int32_t i = 0; i < x->rank; i++) {
        dims[2 * i] = x->dims[i] ? o->dims[i] / x->dims[i] : 0;
        strides[2 * i] = 0;
        dims[2 * i + 1] = x->dims[i];
        strides[2 * i + 1] = in_strides[i];
    }
    onr_strided_copy(o->data, x->data, onr_dtype_size(x->dtype), 2 * x->rank, dims, strides, c->pool);
    return ONR_OK;
}

const onr_op_def onr_op_tile = {
    .domain = "", .op_type = "Tile", .since = 6, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .infer = tile_infer, .run = tile_run,
};
