/* im2col.h: walking the (position, kernel tap) pairs of a convolution, shared by Conv (im2col and
 * direct per-tap accumulation) and ConvTranspose (col2im).
 *
 * The window arithmetic is pool_geometry's: the tables are built from onr_pool_window. For one axis
 * and one kernel tap j, the positions o whose tap j lands inside the other grid form one interval
 * [lo[j], hi[j]) (the tap index o*stride - pad_begin + j*dilation grows with o, ONNX-POOLING.md §3),
 * and src[j] is the other-grid index at o = lo[j]; it then advances by `stride` per position.
 *   Conv:          iterate output positions, the other grid is the input (forward windows);
 *   ConvTranspose: iterate input positions, the other grid is the output: input i, tap j scatters to
 *                  i*stride - pad_begin + j*dilation, i.e. the forward window of an axis whose "input"
 *                  is the ConvTranspose output, so the same tables serve with in/out swapped. */
#ifndef ONR_OPS_IM2COL_H
#define ONR_OPS_IM2COL_H

#include <stddef.h>
#include <stdint.h>

#include "ops/pool_geometry.h"

typedef struct onr_taps {
    int32_t n;                                  /* spatial rank */
    int64_t pos[ONR_POOL_MAX_SPATIAL];          /* iterated grid (Conv: output, ConvTranspose: input) */
    int64_t other[ONR_POOL_MAX_SPATIAL];        /* the other grid's dims */
    int64_t kernel[ONR_POOL_MAX_SPATIAL];
    int64_t stride[ONR_POOL_MAX_SPATIAL];
    int64_t other_stride[ONR_POOL_MAX_SPATIAL]; /* row-major element strides of the other grid */
    const int64_t *lo[ONR_POOL_MAX_SPATIAL], *hi[ONR_POOL_MAX_SPATIAL], *src[ONR_POOL_MAX_SPATIAL];
    size_t pos_count, other_count, kernel_count; /* products of pos, other, kernel */
} onr_taps;

/* int64 entries the tables of g need (3 per kernel tap per axis). */
size_t onr_taps_table_len(const onr_pool_geom *g);

/* Fill t and its tables (onr_taps_table_len(g) entries at `table`, which must outlive t).
 * transposed = false: iterate g's outputs (Conv); true: iterate g's inputs (ConvTranspose). */
void onr_taps_init(onr_taps *t, const onr_pool_geom *g, bool transposed, int64_t *table);

/* One run of consecutive positions: positions pos .. pos+len-1 (relative to p0 of the walk) map to
 * other-grid elements other, other+step, ...; other == -1 marks a run whose tap falls outside the
 * other grid (padding; step is then 0). */
typedef void (*onr_seg_fn)(void *arg, size_t pos, int64_t other, size_t len, int64_t step);

/* Calls fn for every run of positions p0 <= p < p1 (row-major flat index over t->pos) for the kernel
 * tap whose per-axis indices are j[0..n-1]. Runs cover [p0, p1) exactly once, in order. */
void onr_taps_walk(const onr_taps *t, const int64_t *j, size_t p0, size_t p1, onr_seg_fn fn, void *arg);

/* Per-axis kernel indices of flat tap index `tap` (row-major over t->kernel). */
void onr_taps_decode(const onr_taps *t, size_t tap, int64_t *j);

#endif
