/* conv_depthwise_simd.h: vector planes of the 2-D depthwise Conv (conv_depthwise.c decides when they
 * apply and lays out the geometry; conv_depthwise_simd.c has the kernels). Kernels KW = 3 or 5 wide with
 * dilation 1 and column stride 1 or 2, any KH <= ONR_DW_MAX_KH, row stride, row dilation and padding. */
#ifndef ONR_OPS_CONV_DEPTHWISE_SIMD_H
#define ONR_OPS_CONV_DEPTHWISE_SIMD_H

#include <stdint.h>

#include "ops/pool_geometry.h"
#include "ops/pool_simd.h"

enum { ONR_DW_MAX_KH = 5, ONR_DW_MAX_KW = 5, ONR_DW_EDGE_ROWS = 4 };

/* What every plane of one call shares; all from pool_geometry (the one place for window arithmetic). */
typedef struct onr_dw_geom {
    const onr_pool_axis *ah;          /* rows: any stride, dilation, padding */
    int64_t row_lo, row_hi;           /* output rows all KH of whose taps are inside the input */
    /* onr_pool_window of the first and last output rows (rows [0, n_top) and [bot_from, out)): the
     * divisions cost as much as a 7x7 plane's arithmetic when done per plane */
    onr_pool_span top[ONR_DW_EDGE_ROWS], bot[ONR_DW_EDGE_ROWS];
    int64_t n_top, bot_from;
    int64_t W, OW, KW, stride, pad;   /* columns: W input wide, OW output wide, pad = pad_begin */
    int64_t lo[ONR_DW_MAX_KW], hi[ONR_DW_MAX_KW]; /* output columns where tap k is inside */
    int64_t in_lo, in_hi;             /* output columns where every tap is (may be empty) */
    float act_min, act_max;           /* clamp of each stored value */
} onr_dw_geom;

/* One output plane y (ah->out x OW) of input plane x (ah->in x W), kernel w (KH x KW), bias, clamped.
 * lv is ONR_SIMD_AVX2 or ONR_SIMD_AVX512 and at most onr_pool_simd_level(). */
void onr_dw_plane_f32_simd(onr_simd_level lv, const onr_dw_geom *G, const float *x, const float *w, float bias,
                           float *y);

#endif
