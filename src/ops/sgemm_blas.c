/* sgemm_blas.c: the optional BLAS backend of sgemm.h (meson -Dblas=auto|openblas|none; the build
 * defines ONR_HAVE_CBLAS when it links one). Without it every function here returns false and the
 * portable kernel of sgemm.c runs.
 *
 * Threads stay ours: the BLAS is the serial one (Debian libopenblas0-serial, built with its internal
 * locking so concurrent calls from several threads are safe), and a product big enough to be worth it
 * is cut into one tile of C per thread, each tile one BLAS call inside onr_parallel_for. No global
 * thread-count setting is ever touched, so sessions with different thread counts can run side by side.
 *
 * Semantics match the portable path exactly where sgemm.h promises something: beta == 0 never reads C
 * (C is zero-filled or bias-filled first, then BLAS runs with beta 0 or 1), the row bias is added once,
 * k == 0 never reaches here (sgemm.c handles it). Sizes beyond BLAS's int make us return false. */
#include "ops/sgemm_blas.h"

#include <limits.h>
#include <string.h>

#include "core/shape.h"

#ifdef ONR_HAVE_CBLAS
#include <cblas.h>

/* Below this many multiply-adds a product runs as one call: splitting costs a thread wake-up
 * (a few microseconds), and each tile re-packs the shared operand. */
#define SPLIT_MIN_MACS ((size_t)1 << 18)

typedef struct bjob {
    bool ta, tb;
    size_t m, n, k;
    float alpha, beta;
    const float *bias;
    const float *a, *b;
    size_t lda, ldb, ldc;
    float *c;
    bool split_n;   /* tiles are column ranges (else row ranges) */
    size_t step;    /* tile width along the split dimension */
} bjob;

static bool fits_int(size_t v)
{
    return v <= (size_t)INT_MAX;
}

/* Bring C's tile rows [i0, i1) x cols [j0, j1) to what BLAS then accumulates into: the row bias
 * (BLAS beta 1), zeros for beta == 0 when the call is a gemv (OpenBLAS's gemm never reads C for
 * beta == 0, but gemv's beta scaling multiplies, and 0 * NaN is NaN), or left alone. Returns the
 * beta to pass. */
static float prefill(const bjob *J, size_t i0, size_t i1, size_t j0, size_t j1, bool gemv)
{
    if (J->bias) {
        for (size_t i = i0; i < i1; i++) {
            float *c = J->c + i * J->ldc, v = J->bias[i];
            for (size_t j = j0; j < j1; j++)
                c[j] = v;
        }
        return 1.0f;
    }
    if (gemv && J->beta == 0.0f)
        for (size_t i = i0; i < i1; i++)
            memset(J->c + i * J->ldc + j0, 0, (j1 - j0) * sizeof(float));
    return J->beta;
}

static void tile(const bjob *J, size_t i0, size_t i1, size_t j0, size_t j1)
{
    size_t m = i1 - i0, n = j1 - j0;
    if (J->m == 1) {
        /* A row times op(B): a matrix-vector product over B's columns [j0, j1). */
        float beta = prefill(J, 0, 1, j0, j1, true);
        int incx = (int)(J->ta ? J->lda : 1);
        if (J->tb) /* B stored n x k: c[j] = B[j][:] . a */
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)J->k, J->alpha, J->b + j0 * J->ldb, (int)J->ldb,
                        J->a, incx, beta, J->c + j0, 1);
        else       /* B stored k x n: c = B^T a */
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)J->k, (int)n, J->alpha, J->b + j0, (int)J->ldb, J->a, incx,
                        beta, J->c + j0, 1);
        return;
    }
    float beta = prefill(J, i0, i1, j0, j1, false);
    const float *a = J->ta ? J->a + i0 : J->a + i0 * J->lda;
    const float *b = J->tb ? J->b + j0 * J->ldb : J->b + j0;
    cblas_sgemm(CblasRowMajor, J->ta ? CblasTrans : CblasNoTrans, J->tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)J->k, J->alpha, a, (int)J->lda, b, (int)J->ldb, beta, J->c + i0 * J->ldc + j0, (int)J->ldc);
}

static void tile_range(void *arg, size_t begin, size_t end)
{
    const bjob *J = arg;
    for (size_t t = begin; t < end; t++) {
        size_t total = J->split_n ? J->n : J->m;
        size_t lo = t * J->step, hi = lo + J->step < total ? lo + J->step : total;
        if (lo >= hi)
            continue;
        if (J->split_n)
            tile(J, 0, J->m, lo, hi);
        else
            tile(J, lo, hi, 0, J->n);
    }
}

bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias, float *c,
                    size_t ldc)
{
    if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) || !fits_int(ldc))
        return false;
    bjob J = {.ta = trans_a, .tb = trans_b, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta, .bias = bias,
              .a = a, .b = b, .lda = lda, .ldb = ldb, .ldc = ldc, .c = c, .split_n = true, .step = n};
    size_t threads = (size_t)onr_threadpool_threads(pool), macs;
    bool big = threads > 1 && (!onr_mul_size(m, n, &macs) || !onr_mul_size(macs, k, &macs) ||
                               macs >= SPLIT_MIN_MACS);
    size_t tiles = 1;
    if (big) {
        /* Split the longer side; column tiles are rounded to 16 floats (one AVX-512 register, the
         * BLAS's unroll along our n) so no tile ends in a ragged micro-panel but the last. */
        J.split_n = m == 1 || n >= m;
        size_t total = J.split_n ? n : m, unit = J.split_n ? 16 : 4;
        J.step = (total + threads - 1) / threads;
        J.step = (J.step + unit - 1) / unit * unit;
        tiles = (total + J.step - 1) / J.step;
    }
    if (tiles <= 1) {
        J.split_n = true;
        J.step = n;
        tile_range(&J, 0, 1);
    } else {
        onr_parallel_for(pool, tiles, 1, tile_range, &J);
    }
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
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m,
                (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
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
