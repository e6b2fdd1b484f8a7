/* sgemm.h: the one dense matrix product of onnxrun. Conv (im2col), ConvTranspose (col2im), Gemm and
 * MatMul all reduce to it, so blocking, packing and threading of the product live only here.
 *
 * Row-major throughout: element (i, j) of a matrix with leading dimension ld is at [i * ld + j]. */
#ifndef ONR_OPS_SGEMM_H
#define ONR_OPS_SGEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/parallel.h"
#include "ops/clamp.h"
#include "onnxrun.h"

/* C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n.
 *   A is m x k (lda >= k), or with trans_a it is stored k x m (lda >= m);
 *   B is k x n (ldb >= n), or with trans_b it is stored n x k (ldb >= k);
 *   C is m x n (ldc >= n) and must not overlap A or B.
 * beta == 0 makes C write-only: its old contents are never read (they may be uninitialized or NaN),
 * as in BLAS. k == 0 gives C = beta * C. No allocation: packing buffers live on the stack (40 KiB).
 * `pool` splits the work over tiles of C; pass NULL when calling from inside an onr_parallel_for
 * worker (the caller already parallelizes). */
void onr_sgemm(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
               const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc);

/* C = clamp(op(A) * op(B) + bias[i]) along each row i (bias: m values; NULL acts as 0; clamp NULL or
 * off: none): the bias and fused activation of Conv layers applied while each part of C is still in
 * cache, so C is never read back from memory. */
void onr_sgemm_bias(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                    const float *a, size_t lda, const float *b, size_t ldb, const float *bias,
                    const onr_clamp *clamp, float *c, size_t ldc);

/* Which implementation runs the float product: AUTO is the BLAS when the build links one
 * (meson -Dblas, see sgemm_blas.c), else the portable blocked kernel; PORTABLE forces the latter,
 * BLAS asks for the former (falling back to PORTABLE without one). onr_sgemm and onr_sgemm_bias are
 * AUTO; the others exist so tests can hold both against the same references. bias != NULL means
 * onr_sgemm_bias (alpha and beta are then ignored); clamp applies to every result. */
typedef enum onr_gemm_impl { ONR_GEMM_AUTO, ONR_GEMM_PORTABLE, ONR_GEMM_BLAS } onr_gemm_impl;
void onr_sgemm_impl(onr_gemm_impl impl, onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n,
                    size_t k, float alpha, const float *a, size_t lda, const float *b, size_t ldb, float beta,
                    const float *bias, const onr_clamp *clamp, float *c, size_t ldc);

/* The BLAS this build uses for AUTO ("openblas"), or NULL for the portable kernel only. */
const char *onr_gemm_backend(void);

/* The same contract in double precision, single-threaded: the BLAS when linked, else plain loops
 * (double models are rare). */
void onr_dgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
               size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc);

/* Integer product C = op(A) * op(B) (same layout rules) for int32, int64, uint32 and uint64, all three
 * of type t. Arithmetic wraps modulo 2^bits like numpy's integer matmul; plain loops. Returns false
 * (and does nothing) for any other t. */
bool onr_igemm(onr_dtype t, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, const void *a, size_t lda,
               const void *b, size_t ldb, void *c, size_t ldc);

#endif
