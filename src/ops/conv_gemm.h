/* conv_gemm.h: the float product of Conv's im2col and 1x1 paths, C = clamp(A * B + bias), with its own
 * AVX-512 / AVX2+FMA micro-kernels (conv_gemm.c) instead of the BLAS of sgemm.h.
 *
 * Why Conv has its own: through the BLAS, the im2col columns were written to a block of a few MiB and
 * then copied again by the BLAS into its packed layout, and the weights were re-packed on every call.
 * Here the columns are written in blocks small enough for L2 (KC rows x NC positions) and the kernel
 * reads them where they are (no packing of B); 1x1 convolutions read X itself. The weights (A) are
 * read in place too: each A element is broadcast, so rows of A need no layout of their own.
 *
 * Results. K is cut into blocks of at most 256 rows, a function of K alone. Every element of C is
 * s = bias (or 0) then s = fma(a, b, s) over the first block's k in increasing order; each later block
 * sums s' = fma chain from 0 and adds it, s = s + s'; then the clamp. The same bits whatever the column
 * and row blocking, the vector width (AVX2 or AVX-512), the thread count or the element's place in a
 * tile: a fused activation never changes a bit (test_fusion.c), and 1, 2 or 3 threads agree exactly.
 * (Per-block sums, rather than one chain over all of K, keep the rounding of long K, e.g. 4608 for
 * 512 channels x 3x3, near the BLAS's.) The BLAS path rounds differently, within float tolerance.
 *
 * ONR_CONV_GEMM=blas in the environment (read once per process) makes onr_conv_gemm_level() report
 * ONR_SIMD_NONE, so Conv takes the BLAS path: a switch for A/B measurements and bisecting, not an
 * interface. */
#ifndef ONR_OPS_CONV_GEMM_H
#define ONR_OPS_CONV_GEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/parallel.h"
#include "ops/clamp.h"
#include "ops/pool_simd.h"

/* The widest kernels this build has and this CPU runs (AVX2 needs FMA too), or ONR_SIMD_NONE: the
 * caller then uses sgemm.h. */
onr_simd_level onr_conv_gemm_level(void);

/* Tests: from now on onr_conv_gemm_level() reports at most lv (ONR_SIMD_NONE: Conv takes the BLAS
 * path), so one process can hold every level against the same reference. Not for concurrent use with
 * running sessions: a Conv planned at one level must run at it. */
void onr_conv_gemm_cap(onr_simd_level lv);

/* Writes rows [k0, k1) x columns [p0, p1) of product q's B into dst (row r - k0 at dst + (r - k0) * ld). */
typedef void (*onr_cg_fill_fn)(void *arg, size_t q, size_t k0, size_t k1, size_t p0, size_t p1, float *dst,
                               size_t ld);

/* `count` products of one shape (Conv's batch items x groups), product q:
 *   A_q = a + (q % a_period) * a_step: m x k, row-major, lda >= k (the group's weights);
 *   B_q = b + q * b_step: k x n, ldb >= n; or, with b NULL, given by blocks through fill;
 *   C_q = c + q * c_step: m x n, ldc >= n, written once per element (never read before it is written);
 *   bias_q = bias + (q % a_period) * m: m values, or bias NULL; clamp: NULL or off for none.
 * m, n, k, count, a_period >= 1. */
typedef struct onr_cg_problem {
    size_t m, n, k, count, a_period;
    const float *a;
    size_t lda, a_step;
    const float *b;
    size_t ldb, b_step;
    onr_cg_fill_fn fill;
    void *fill_arg;
    const float *bias;
    const onr_clamp *clamp;
    float *c;
    size_t ldc, c_step;
} onr_cg_problem;

/* Scratch bytes onr_conv_gemm needs for a product of this shape run on `threads` threads (0 when B is
 * given in memory). Sizes are from shapes only, so infer and run agree. */
size_t onr_conv_gemm_scratch(size_t threads, size_t count, size_t m, size_t n, size_t k, bool fill);

/* Runs p with kernels lv (<= onr_conv_gemm_level(), not NONE), split over pool's threads; scratch holds
 * onr_conv_gemm_scratch(onr_threadpool_threads(pool), ...) bytes, 64-byte aligned. fill may be called
 * from several threads at once, for disjoint blocks. */
void onr_conv_gemm(onr_simd_level lv, onr_threadpool *pool, const onr_cg_problem *p, void *scratch);

#endif
