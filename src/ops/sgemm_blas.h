/* sgemm_blas.h: the optional BLAS backend behind sgemm.h (see sgemm_blas.c). Only sgemm.c and the
 * tests call these; ops call onr_sgemm / onr_sgemm_bias / onr_dgemm. */
#ifndef ONR_OPS_SGEMM_BLAS_H
#define ONR_OPS_SGEMM_BLAS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/parallel.h"
#include "ops/clamp.h"

/* onr_sgemm's contract plus an optional row bias (bias != NULL: C = op(A) op(B) + bias[i], alpha 1,
 * beta 0) and clamp, for k >= 1, m >= 1, n >= 1, split over `pool` when the BLAS allows concurrent
 * calls. Returns false and does nothing when the build has no BLAS or a size exceeds the BLAS's int. */
bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                    const onr_clamp *clamp, float *c, size_t ldc);

/* onr_dgemm's contract, single call; false as above. */
bool onr_dgemm_blas(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc);

/* "openblas" when the build links a BLAS, else NULL. */
const char *onr_gemm_blas_name(void);

/* Whether the loaded BLAS takes calls from several threads at once (the pthreads OpenBLAS); when not,
 * its calls take turns behind one mutex. */
bool onr_gemm_blas_concurrent(void);

#endif
