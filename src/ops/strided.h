/* strided.h: copying a strided view of a tensor into a contiguous buffer, by element size, so it
 * serves every dtype. The one data-movement kernel behind Transpose, Slice, Expand and Tile: each op
 * describes its output as (dims, strides into the input) and calls it. */
#ifndef ONR_OPS_STRIDED_H
#define ONR_OPS_STRIDED_H

#include <stddef.h>
#include <stdint.h>

#include "core/parallel.h"
#include "onnxrun.h"

/* Tile views an input of rank r as rank 2r (repeat, dim) pairs. */
#define ONR_STRIDED_MAX_RANK (2 * ONR_MAX_RANK)

/* dst[i_0, ..., i_{rank-1}] (row-major, contiguous) = src[sum_j i_j * strides[j]] for every index in
 * dims; strides are in elements and may be 0 (broadcast) or negative (reversed slice); `src` points at
 * the element of index (0, ..., 0). es is the element size in bytes. Zero-sized dims copy nothing. */
void onr_strided_copy(void *dst, const void *src, size_t es, int rank, const int64_t *dims, const int64_t *strides,
                      onr_threadpool *pool);

/* Fills n elements of es bytes at dst with copies of the element at `value`. */
void onr_fill_elems(void *dst, const void *value, size_t es, size_t n);

#endif
