/* broadcast.c: numpy broadcast shapes and the collapsed strided iteration described in broadcast.h. */
#include "ops/broadcast.h"

#include "core/error.h"
#include "core/shape.h"

static onr_status mismatch(int32_t ra, const int64_t *a, int32_t rb, const int64_t *b, int axis, int64_t da,
                           int64_t db, onr_error *err)
{
    char sa[128], sb[128];
    return onr_err(err, ONR_E_INVALID_MODEL, "shapes %s and %s do not broadcast (axis %d: %lld vs %lld)",
                   onr_shape_str(ra, a, sa, sizeof sa), onr_shape_str(rb, b, sb, sizeof sb), axis, (long long)da,
                   (long long)db);
}

onr_status onr_broadcast_dims(int32_t ra, const int64_t *a, int32_t rb, const int64_t *b, int32_t *rank,
                              int64_t *dims, onr_error *err)
{
    int64_t tmp[ONR_MAX_RANK];
    int32_t r = ra > rb ? ra : rb;
    if (ra < 0 || rb < 0 || r > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "broadcast of rank %d and %d exceeds %d", (int)ra, (int)rb,
                       ONR_MAX_RANK);
    for (int32_t i = 1; i <= r; i++) { /* i-th axis from the right */
        int64_t da = i <= ra ? a[ra - i] : 1, db = i <= rb ? b[rb - i] : 1;
        if (da == db || db == 1)
            tmp[r - i] = da;
        else if (da == 1)
            tmp[r - i] = db;
        else
            return mismatch(ra, a, rb, b, -i, da, db, err);
    }
    for (int32_t i = 0; i < r; i++)
        dims[i] = tmp[i];
    *rank = r;
    return ONR_OK;
}

onr_status onr_broadcast_shape(size_t n, const onr_tensor *const *in, onr_tensor *out, onr_error *err)
{
    int32_t rank = 0;
    int64_t dims[ONR_MAX_RANK] = {0};
    for (size_t k = 0; k < n; k++) {
        if (!in[k])
            continue;
        onr_status st = onr_broadcast_dims(rank, dims, in[k]->rank, in[k]->dims, &rank, dims, err);
        if (st != ONR_OK)
            return onr_err_prefix(err, "input %zu", k);
    }
    out->rank = rank;
    for (int32_t i = 0; i < ONR_MAX_RANK; i++)
        out->dims[i] = i < rank ? dims[i] : 0;
    return ONR_OK;
}

onr_status onr_broadcast_unidir(const onr_tensor *from, const onr_tensor *to, const char *what, onr_error *err)
{
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    onr_status st = onr_broadcast_dims(to->rank, to->dims, from->rank, from->dims, &rank, dims, err);
    if (st != ONR_OK)
        return onr_err_prefix(err, "%s", what);
    if (!onr_shape_equal(rank, dims, to->rank, to->dims)) {
        char sf[128], st_[128];
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: shape %s cannot be broadcast to %s (unidirectional)", what,
                       onr_shape_str(from->rank, from->dims, sf, sizeof sf),
                       onr_shape_str(to->rank, to->dims, st_, sizeof st_));
    }
    return ONR_OK;
}

onr_status onr_bcast_init(onr_bcast *b, const onr_tensor *out, size_t n_in, const onr_tensor *const *in,
                          onr_error *err)
{
    int32_t r = out->rank;
    size_t full[ONR_BCAST_MAX_IN][ONR_MAX_RANK]; /* uncollapsed strides, 0 on repeated axes */
    if (n_in > ONR_BCAST_MAX_IN)
        return onr_err(err, ONR_E_INTERNAL, "broadcast of %zu inputs (at most %d)", n_in, ONR_BCAST_MAX_IN);
    if (r < 0 || r > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "output rank %d is outside 0..%d", (int)r, ONR_MAX_RANK);
    b->n_in = n_in;
    b->count = 1;
    for (int32_t i = 0; i < r; i++)
        b->count *= (size_t)out->dims[i]; /* out's count was overflow-checked when it was allocated */
    for (size_t k = 0; k < n_in; k++) {
        const onr_tensor *t = in[k];
        if (t->rank > r)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu has rank %d, above the output rank %d", k,
                           (int)t->rank, (int)r);
        size_t stride = 1;
        for (int32_t i = r - 1; i >= 0; i--) {
            int32_t j = i - (r - t->rank);
            int64_t d = j >= 0 ? t->dims[j] : 1;
            if (d != out->dims[i] && d != 1) {
                char si[128], so[128];
                return onr_err(err, ONR_E_INVALID_MODEL, "input %zu of shape %s does not broadcast to %s", k,
                               onr_shape_str(t->rank, t->dims, si, sizeof si),
                               onr_shape_str(r, out->dims, so, sizeof so));
            }
            full[k][i] = d == out->dims[i] ? stride : 0;
            stride *= (size_t)d;
        }
    }
    /* Collapse: drop size-1 axes (they never move), and merge axis i into the previous kept axis p when
     * every input steps over i exactly as one stride of p covers: stride[p] == stride[i] * dims[i]. */
    int32_t n = 0;
    for (int32_t i = 0; i < r; i++) {
        size_t d = (size_t)out->dims[i];
        if (d == 1)
            continue;
        int merge = n > 0;
        for (size_t k = 0; k < n_in && merge; k++)
            merge = b->strides[k][n - 1] == full[k][i] * d;
        if (merge) {
            b->dims[n - 1] *= d;
            for (size_t k = 0; k < n_in; k++)
                b->strides[k][n - 1] = full[k][i];
        } else {
            b->dims[n] = d;
            for (size_t k = 0; k < n_in; k++)
                b->strides[k][n] = full[k][i];
            n++;
        }
    }
    if (n == 0) { /* a single element */
        b->dims[0] = 1;
        for (size_t k = 0; k < n_in; k++)
            b->strides[k][0] = 0;
        n = 1;
    }
    b->rank = n;
    b->inner = b->dims[n - 1];
    for (size_t k = 0; k < n_in; k++)
        b->inner_stride[k] = b->strides[k][n - 1];
    return ONR_OK;
}

void onr_bcast_seek(const onr_bcast *b, onr_bcast_cursor *c, size_t index)
{
    for (size_t k = 0; k < b->n_in; k++)
        c->off[k] = 0;
    for (int32_t a = b->rank - 1; a >= 0; a--) {
        size_t d = b->dims[a];
        size_t i = d ? index % d : 0;
        index = d ? index / d : 0;
        c->idx[a] = i;
        for (size_t k = 0; k < b->n_in; k++)
            c->off[k] += i * b->strides[k][a];
    }
}

void onr_bcast_advance(const onr_bcast *b, onr_bcast_cursor *c, size_t len)
{
    int32_t last = b->rank - 1;
    c->idx[last] += len;
    for (size_t k = 0; k < b->n_in; k++)
        c->off[k] += len * b->inner_stride[k];
    if (c->idx[last] < b->inner)
        return;
    /* End of a run: rewind the inner axis and carry into the outer ones (odometer). */
    c->idx[last] = 0;
    for (size_t k = 0; k < b->n_in; k++)
        c->off[k] -= b->inner * b->inner_stride[k];
    for (int32_t a = last - 1; a >= 0; a--) {
        c->idx[a]++;
        for (size_t k = 0; k < b->n_in; k++)
            c->off[k] += b->strides[k][a];
        if (c->idx[a] < b->dims[a])
            return;
        c->idx[a] = 0;
        for (size_t k = 0; k < b->n_in; k++)
            c->off[k] -= b->dims[a] * b->strides[k][a];
    }
}
