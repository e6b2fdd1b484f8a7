/* shape_args.h: the small integer arguments that steer the shape ops (axes, target shapes, starts/ends,
 * pads, repeats): reading them from inputs whose values must be known before the output shape is, and
 * validating axes. Shared by reshape.c, slice.c, pad.c, expand.c, resize.c and friends so every op
 * reports a bad axis or a run-time-only shape input the same way. */
#ifndef ONR_OPS_SHAPE_ARGS_H
#define ONR_OPS_SHAPE_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "ops/op.h"

/* Normalizes `axis` from [-rank, rank-1] to [0, rank-1]; outside fails with ONR_E_INVALID_MODEL naming
 * `what` (e.g. "attribute 'axis'"). */
onr_status onr_axis_norm(int64_t axis, int64_t rank, const char *what, int64_t *out, onr_error *err);

/* Normalizes n axes like onr_axis_norm into out[]; a repeated axis is invalid as well. */
onr_status onr_axes_norm(const int64_t *axes, size_t n, int64_t rank, const char *what, int64_t *out,
                         onr_error *err);

/* Reads the values of an int32/int64 scalar or 1-D input into out[0..*n), at most `max` of them. The
 * values decide an output shape, so when the data is not known yet (in[i]->data NULL at plan time) this
 * returns ONR_E_NEEDS_DATA naming `what`, and the engine infers the node again at run time with the data.
 * Wrong dtype, rank or too many values: ONR_E_INVALID_MODEL. */
onr_status onr_input_ints(const onr_tensor *t, const char *what, size_t max, int64_t *out, size_t *n,
                          onr_error *err);

/* The same check alone: ONR_E_NEEDS_DATA naming `what` when t->data is NULL (and t is not empty). */
onr_status onr_input_known(const onr_tensor *t, const char *what, onr_error *err);

/* Element i of an int32 or int64 tensor (indices, lengths, sizes), widened; any other dtype reads as
 * int32, so callers check the dtype first (infer does). */
int64_t onr_int_at(const onr_tensor *t, size_t i);

/* The one message for an index outside its axis: "indices[pos] = v is outside [-d, d-1] (axis size d)",
 * with `code` from onr_data_fault (the model's or the caller's fault). */
onr_status onr_bad_index(onr_error *err, onr_status code, size_t pos, int64_t v, int64_t d);

/* Row-major element strides of a shape (strides[rank-1] = 1). */
void onr_strides(int32_t rank, const int64_t *dims, int64_t *strides);

#endif
