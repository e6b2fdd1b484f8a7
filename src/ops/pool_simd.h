/* pool_simd.h: vector float kernels of the pool family's fast paths (2-D MaxPool / AveragePool with
 * dilation 1 and no Indices; GlobalMaxPool / GlobalAveragePool / GlobalLpPool p=2), for AVX2 and AVX-512,
 * chosen at run time by what the CPU has. pool.c and global_pool.c decide that a fast path applies (pure
 * geometry), then call these with onr_pool_simd_level() when it is not ONR_SIMD_NONE; otherwise their
 * portable C fast kernels run. Results follow the generic kernels' rules (ONNX-POOLING.md §3-§5, §7):
 *  - max: padding is never a candidate, any NaN tap makes the window NaN (PyTorch), ties are equal values;
 *  - average: float sum of the valid taps times 1 / divisor (valid taps, or the declared padded extent
 *    with count_include_pad, never the ceil-mode overhang); an empty window gives NaN (count_include_pad=0)
 *    or 0 (=1), like the generic path;
 *  - global sums: float lanes within blocks of at most 1024 elements, blocks added in double (ORT #12043).
 * Nothing here allocates; scratch rows live on the stack (about 40 KiB per call). */
#ifndef ONR_OPS_POOL_SIMD_H
#define ONR_OPS_POOL_SIMD_H

#include <stdbool.h>
#include <stddef.h>

#include "ops/pool_geometry.h"

typedef enum onr_simd_level {
    ONR_SIMD_NONE = 0, /* portable C only (not x86, or built with -DONR_POOL_NO_SIMD) */
    ONR_SIMD_AVX2,
    ONR_SIMD_AVX512    /* AVX512F */
} onr_simd_level;

/* The widest kernels this build has and this CPU (and OS) runs. Any level at or below it may be passed
 * to the functions below (tests run each one). */
onr_simd_level onr_pool_simd_level(void);

/* 2-D pooling of planes [p0, p1) of x (each g->ax[0].in x g->ax[1].in floats) into y (each
 * g->ax[0].out x g->ax[1].out). g: resolved geometry with n = 2 and dilation 1 on both axes. */
void onr_pool2d_f32_simd(onr_simd_level lv, const onr_pool_geom *g, bool is_max, bool count_include_pad,
                         const float *x, float *y, size_t p0, size_t p1);

/* Global pools of planes [p0, p1), each `plane` floats (>= 1), one float out per plane:
 * max, mean, or sqrt(sum of squares) (GlobalLpPool p = 2). */
void onr_global_max_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1);
void onr_global_avg_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1);
void onr_global_l2_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1);

#endif
