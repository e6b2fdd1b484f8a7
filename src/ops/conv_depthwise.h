/* conv_depthwise.h: the direct 2-D depthwise Conv kernel (see conv_depthwise.c). */
#ifndef ONR_OPS_CONV_DEPTHWISE_H
#define ONR_OPS_CONV_DEPTHWISE_H

#include <stddef.h>

#include "core/parallel.h"
#include "ops/pool_geometry.h"
#include "ops/pool_simd.h"

/* Y (N, M, OH, OW) = Conv(X (N, C, H, W), W (M, 1, KH, KW), B (M) or NULL) with group = C, for a
 * resolved 2-D geometry g (g->n == 2); M must be a multiple of C (output m reads input m / (M/C)).
 * Each output value v is stored as v < act_min ? act_min : (v > act_max ? act_max : v), which keeps a
 * NaN: a fused Relu is act_min = 0, act_max = +INFINITY, Clip its bounds; no activation is -INFINITY,
 * +INFINITY. One output plane per onr_parallel_for item. Y must not overlap X. */
void onr_conv_depthwise2d_f32(onr_threadpool *pool, const onr_pool_geom *g, size_t batch, size_t cin, size_t cout,
                              const float *x, const float *w, const float *bias, float act_min, float act_max,
                              float *y);

/* The same with the vector kernels of level lv at most (ONR_SIMD_NONE: the portable kernel only); lv
 * must not exceed onr_pool_simd_level(). For tests, which run every level the CPU has. */
void onr_conv_depthwise2d_f32_level(onr_simd_level lv, onr_threadpool *pool, const onr_pool_geom *g, size_t batch,
                                    size_t cin, size_t cout, const float *x, const float *w, const float *bias,
                                    float act_min, float act_max, float *y);

#endif
