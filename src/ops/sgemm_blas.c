/* sgemm_blas.c: the optional BLAS backend of sgemm.h (meson -Dblas=auto|openblas|none; the build
 * defines ONR_HAVE_CBLAS when it links one). Without it every function here returns false and the
 * portable kernel of sgemm.c runs.
 *
 * The BLAS is Debian's serial OpenBLAS, which is not built with USE_LOCKING: its buffer management has no
 * lock (the library calls no pthread function at all), and two calls at once from two threads were
 * measured to give wrong products (tests/unit/test_conv.c, 1 run in 4, with the Haswell kernels). So every
 * call here holds one process-wide mutex: sessions on several threads stay correct, and their products
 * take turns. A product is one call on the calling thread; the session's thread pool still runs the
 * other work of the op (im2col, bias, the other ops). No global BLAS setting is touched.
 *
 * Semantics match the portable path exactly where sgemm.h promises something: beta == 0 never reads C
 * (C is zero-filled or bias-filled first, then BLAS runs with beta 0 or 1), the row bias is added once,
 * k == 0 never reaches here (sgemm.c handles it). Sizes beyond BLAS's int make us return false. */
#include "ops/sgemm_blas.h"

#include <limits.h>
#include <string.h>

#ifdef ONR_HAVE_CBLAS
#include <cblas.h>
#include <pthread.h>

static pthread_mutex_t blas_mu = PTHREAD_MUTEX_INITIALIZER;

static bool fits_int(size_t v)
{
    return v <= (size_t)INT_MAX;
}

/* Bring C to what BLAS then accumulates into: the row bias (BLAS beta 1), zeros for beta == 0 when the
 * call is a gemv (OpenBLAS's gemm never reads C for beta == 0, but gemv's beta scaling multiplies, and
 * 0 * NaN is NaN), or left alone. Returns the beta to pass. */
static float prefill(const float *bias, float beta, float *c, size_t m, size_t n, size_t ldc, bool gemv)
{
    if (bias) {
        for (size_t i = 0; i < m; i++) {
            float *ci = c + i * ldc, v = bias[i];
            for (size_t j = 0; j < n; j++)
                ci[j] = v;
        }
        return 1.0f;
    }
    if (gemv && beta == 0.0f)
        for (size_t i = 0; i < m; i++)
            memset(c + i * ldc, 0, n * sizeof(float));
    return beta;
}

bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias, float *c,
                    size_t ldc)
{
    (void)pool; /* one call on this thread: see the top of the file */
    if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) || !fits_int(ldc))
        return false;
    if (m == 1) {
        /* A row times op(B): a matrix-vector product over B's columns. */
        float b0 = prefill(bias, beta, c, 1, n, ldc, true);
        int incx = (int)(trans_a ? lda : 1);
        pthread_mutex_lock(&blas_mu);
        if (trans_b) /* B stored n x k: c[j] = B[j][:] . a */
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)k, alpha, b, (int)ldb, a, incx, b0, c, 1);
        else         /* B stored k x n: c = B^T a */
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)k, (int)n, alpha, b, (int)ldb, a, incx, b0, c, 1);
        pthread_mutex_unlock(&blas_mu);
        return true;
    }
    float b0 = prefill(bias, beta, c, m, n, ldc, false);
    pthread_mutex_lock(&blas_mu);
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m,
                (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, b0, c, (int)ldc);
    pthread_mutex_unlock(&blas_mu);
    return true;
}

bool onr_dgemm_blas(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) || !fits_int(ldc))
        return false;
    if (beta == 0.0) /* C write-only even if the BLAS would scale it: 0 * NaN is NaN */
        for (size_t i = 0; i < m; i++)
            memset(c + i * ldc, 0, n * sizeof *c);
    pthread_mutex_lock(&blas_mu);
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m,
                (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    pthread_mutex_unlock(&blas_mu);
    return true;
}

const char *onr_gemm_blas_name(void)
{
    return "openblas";
}

#else /* no BLAS in this build */

bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias, float *c,
                    size_t ldc)
{
    (void)pool, (void)trans_a, (void)trans_b, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda;
    (void)b, (void)ldb, (void)beta, (void)bias, (void)c, (void)ldc;
    return false;
}

bool onr_dgemm_blas(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    (void)trans_a, (void)trans_b, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda;
    (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return false;
}

const char *onr_gemm_blas_name(void)
{
    return NULL;
}

#endif
