/* broadcast.h: ONNX multidirectional (numpy) broadcasting, the one place every op gets it from.
 *
 * Shapes: shapes are right-aligned; each aligned pair of dims must be equal or one of them 1, and the
 * result takes the other (numpy rules; a 0 pairs with 0 or 1 and gives 0). ONNX docs/Broadcasting.md.
 *
 * Iteration: onr_bcast describes how N inputs map onto the output in row-major output order, after
 * collapsing (dropping size-1 output axes, merging neighbouring axes that every input walks
 * contiguously or not at all). Output elements come as runs along the innermost collapsed axis; in a
 * run each input advances by inner_stride[k], which is 1 (walks its data) or 0 (repeats one value), so
 * kernels are tight, vectorizable loops. Same-shape inputs collapse to a single run of every element;
 * (N,C,H,W) + (1,C,1,1) becomes runs of H*W with the per-channel operand repeated.
 *
 *     onr_bcast b;                                  // at run: out shape from infer, inputs as given
 *     onr_bcast_init(&b, out, 2, (const onr_tensor *[]){a, c}, err);
 *     onr_bcast_cursor cur;
 *     onr_bcast_seek(&b, &cur, begin);              // any element index: runs split cleanly for threads
 *     for (size_t i = begin; i < end;) {
 *         size_t len = onr_bcast_run(&b, &cur, end - i);
 *         kernel(y + i, a + cur.off[0], b.inner_stride[0], c + cur.off[1], b.inner_stride[1], len);
 *         onr_bcast_advance(&b, &cur, len);
 *         i += len;
 *     }
 */
#ifndef ONR_OPS_BROADCAST_H
#define ONR_OPS_BROADCAST_H

#include <stddef.h>
#include <stdint.h>

#include "onnxrun.h"

#define ONR_BCAST_MAX_IN 4

/* Broadcast shape of two shapes into (*rank, dims). dims may alias a or b. Fails with
 * ONR_E_INVALID_MODEL naming both shapes and the first mismatching (right-aligned) axis. */
onr_status onr_broadcast_dims(int32_t ra, const int64_t *a, int32_t rb, const int64_t *b, int32_t *rank,
                              int64_t *dims, onr_error *err);

/* Broadcast shape of n tensors (NULL entries skipped) into out->rank/dims; out->dtype untouched. The
 * error names the input index that does not fit. */
onr_status onr_broadcast_shape(size_t n, const onr_tensor *const *in, onr_tensor *out, onr_error *err);

/* Unidirectional broadcasting (ONNX: B broadcasts to A's shape, A is never stretched), e.g. PRelu's
 * slope. Fails naming `what` when `from` cannot be stretched to `to`'s shape. */
onr_status onr_broadcast_unidir(const onr_tensor *from, const onr_tensor *to, const char *what, onr_error *err);

typedef struct onr_bcast {
    size_t n_in;
    int32_t rank;                                  /* collapsed rank, >= 1 */
    size_t dims[ONR_MAX_RANK];                     /* collapsed output dims */
    size_t strides[ONR_BCAST_MAX_IN][ONR_MAX_RANK]; /* element strides per input; 0 = repeated */
    size_t inner;                                  /* dims[rank - 1]: length of a full run */
    size_t inner_stride[ONR_BCAST_MAX_IN];         /* strides[k][rank - 1]: 0 or 1 */
    size_t count;                                  /* output elements */
} onr_bcast;

typedef struct onr_bcast_cursor {
    size_t idx[ONR_MAX_RANK]; /* position along each collapsed axis */
    size_t off[ONR_BCAST_MAX_IN]; /* element offset of each input at the cursor */
} onr_bcast_cursor;

/* Plans iteration of `out`'s shape over n_in (<= ONR_BCAST_MAX_IN) inputs, each of which must
 * broadcast to it (checked; ONR_E_INVALID_MODEL naming the input otherwise). Only ranks/dims are read. */
onr_status onr_bcast_init(onr_bcast *b, const onr_tensor *out, size_t n_in, const onr_tensor *const *in,
                          onr_error *err);

/* Places the cursor at output element `index` (< count). */
void onr_bcast_seek(const onr_bcast *b, onr_bcast_cursor *c, size_t index);

/* Length of the run starting at the cursor, capped at `limit`. */
static inline size_t onr_bcast_run(const onr_bcast *b, const onr_bcast_cursor *c, size_t limit)
{
    size_t left = b->inner - c->idx[b->rank - 1];
    return left < limit ? left : limit;
}

/* Moves the cursor `len` elements forward; len must not exceed the current run. */
void onr_bcast_advance(const onr_bcast *b, onr_bcast_cursor *c, size_t len);

#endif
