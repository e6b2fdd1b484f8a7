/* shape.h: overflow-checked size arithmetic and shape helpers. Every allocation sized by model or
 * input data goes through these first. */
#ifndef ONR_CORE_SHAPE_H
#define ONR_CORE_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxrun.h"

static inline bool onr_mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool onr_add_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* Element count of a shape. Fails (naming `what`) on a negative dim, rank outside [0, ONR_MAX_RANK],
 * or a product that overflows, counting the product of the non-zero dims too, so a zero-size shape
 * such as [0, 2^62, 2^62] is refused before a kernel computes its plane sizes. */
onr_status onr_shape_count(int32_t rank, const int64_t *dims, size_t *count, const char *what, onr_error *err);
/* count * dtype size, checked likewise. */
onr_status onr_shape_bytes(onr_dtype dtype, int32_t rank, const int64_t *dims, size_t *bytes, const char *what,
                           onr_error *err);

bool onr_shape_equal(int32_t ra, const int64_t *a, int32_t rb, const int64_t *b);
/* "[1,3,224,224]" into buf; returns buf. */
const char *onr_shape_str(int32_t rank, const int64_t *dims, char *buf, size_t size);

/* 64-byte aligned allocation (SIMD loads, cache lines). onr_free_aligned(NULL) is a no-op. */
void *onr_alloc_aligned(size_t bytes);
void onr_free_aligned(void *p);

#endif
