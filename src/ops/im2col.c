/* im2col.c: per-tap position intervals from pool_geometry, and the run walker Conv and
 * ConvTranspose build im2col, col2im and direct accumulation on. See im2col.h. */
#include "ops/im2col.h"

size_t onr_taps_table_len(const onr_pool_geom *g)
{
    size_t len = 0;
    for (int32_t a = 0; a < g->n; a++)
        len += 3 * (size_t)g->ax[a].kernel;
    return len;
}

/* lo/hi/src of every tap of one axis: the positions where tap j reads inside, and the input index it
 * reads at the first of them. A tap that never lands inside gets lo = hi = 0. */
static void axis_tables(const onr_pool_axis *ax, int64_t *lo, int64_t *hi, int64_t *src)
{
    for (int64_t j = 0; j < ax->kernel; j++) {
        onr_pool_tap_positions(ax, j, &lo[j], &hi[j]);
        src[j] = lo[j] < hi[j] ? lo[j] * ax->stride - ax->pad_begin + j * ax->dilation : 0;
    }
}

void onr_taps_init(onr_taps *t, const onr_pool_geom *g, bool transposed, int64_t *table)
{
    t->n = g->n;
    t->pos_count = t->other_count = t->kernel_count = 1;
    for (int32_t a = 0; a < g->n; a++) {
        onr_pool_axis ax = g->ax[a];
        if (transposed) {
            /* Input i of a transposed axis writes output i*s - pb + j*d: the forward window of
             * position i over an "input" that is the transposed output. */
            int64_t in = ax.in;
            ax.in = ax.out;
            ax.out = in;
        }
        t->pos[a] = ax.out;
        t->other[a] = ax.in;
        t->kernel[a] = ax.kernel;
        t->stride[a] = ax.stride;
        t->pos_count *= (size_t)ax.out;
        t->other_count *= (size_t)ax.in;
        t->kernel_count *= (size_t)ax.kernel;
        int64_t *lo = table, *hi = table + ax.kernel, *src = table + 2 * ax.kernel;
        table += 3 * ax.kernel;
        axis_tables(&ax, lo, hi, src);
        t->lo[a] = lo;
        t->hi[a] = hi;
        t->src[a] = src;
    }
    int64_t s = 1;
    for (int32_t a = g->n - 1; a >= 0; a--) {
        t->other_stride[a] = s;
        s *= t->other[a];
    }
}

void onr_taps_decode(const onr_taps *t, size_t tap, int64_t *j)
{
    for (int32_t a = t->n - 1; a >= 0; a--) {
        j[a] = (int64_t)(tap % (size_t)t->kernel[a]);
        tap /= (size_t)t->kernel[a];
    }
}

void onr_taps_walk(const onr_taps *t, const int64_t *j, size_t p0, size_t p1, onr_seg_fn fn, void *arg)
{
    if (p0 >= p1)
        return;
    const int32_t last = t->n - 1;
    const size_t len_line = (size_t)t->pos[last];
    const int64_t lo_l = t->lo[last][j[last]], hi_l = t->hi[last][j[last]];
    const int64_t src_l = t->src[last][j[last]], st_l = t->stride[last];
    /* Outer coordinates of the first line (all axes but the last). */
    int64_t o[ONR_POOL_MAX_SPATIAL];
    size_t line = p0 / len_line, rem = line;
    for (int32_t a = last - 1; a >= 0; a--) {
        o[a] = (int64_t)(rem % (size_t)t->pos[a]);
        rem /= (size_t)t->pos[a];
    }
    for (size_t base = line * len_line; base < p1; base += len_line) {
        int64_t e0 = (int64_t)(p0 > base ? p0 - base : 0);
        int64_t e1 = (int64_t)(p1 - base < len_line ? p1 - base : len_line);
        size_t rel = base + (size_t)e0 - p0;
        /* Outer axes: the line is either inside for this tap or entirely padding. */
        int64_t off = 0;
        bool inside = true;
        for (int32_t a = 0; a < last && inside; a++) {
            int64_t ja = j[a];
            if (o[a] < t->lo[a][ja] || o[a] >= t->hi[a][ja])
                inside = false;
            else
                off += (t->src[a][ja] + (o[a] - t->lo[a][ja]) * t->stride[a]) * t->other_stride[a];
        }
        int64_t v0 = e0 > lo_l ? e0 : lo_l, v1 = e1 < hi_l ? e1 : hi_l;
        if (!inside || v1 <= v0) {
            fn(arg, rel, -1, (size_t)(e1 - e0), 0);
        } else {
            if (v0 > e0)
                fn(arg, rel, -1, (size_t)(v0 - e0), 0);
            fn(arg, rel + (size_t)(v0 - e0), off + src_l + (v0 - lo_l) * st_l, (size_t)(v1 - v0), st_l);
            if (e1 > v1)
                fn(arg, rel + (size_t)(v1 - e0), -1, (size_t)(e1 - v1), 0);
        }
        for (int32_t a = last - 1; a >= 0; a--) {
            if (++o[a] < t->pos[a])
                break;
            o[a] = 0;
        }
    }
}
