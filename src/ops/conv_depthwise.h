/* conv_depthwise.h: the direct 2-D depthwise Conv kernel (see conv_depthwise.c). */
#ifndef ONR_OPS_CONV_DEPTHWISE_H
#define ONR_OPS_CONV_DEPTHWISE_H

#include <stddef.h>

#include "core/parallel.h"
#include "ops/pool_geometry.h"

/* Y (N, M, OH, OW) = Conv(X (N, C, H, W), W (M, 1, KH, KW), B (M) or NULL) with group = C, for a
 * resolved 2-D geometry g (g->n == 2); M must be a multiple of C (output m reads input m / (M/C)).
 * One output plane per onr_parallel_for item. */
void onr_conv_depthwise2d_f32(onr_threadpool *pool, const onr_pool_geom *g, size_t batch, size_t cin, size_t cout,
                              const float *x, const float *w, const float *bias, float *y);

#endif
