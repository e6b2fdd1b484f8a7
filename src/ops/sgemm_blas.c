/* sgemm_blas.c: the optional BLAS backend of sgemm.h (meson -Dblas=auto|openblas|none; the build
 * defines ONR_HAVE_CBLAS when it links one). Without it every function here returns false and the
 * portable kernel of sgemm.c runs.
 *
 * Threads. The session's thread pool splits a product into slices of C (column blocks, or row blocks
 * when C is narrow), one BLAS call each, run side by side; the BLAS itself runs single-threaded so it
 * never competes with the pool. That needs a BLAS that may be called from several threads at once:
 * Debian's pthreads OpenBLAS (libopenblas0-pthread) is, and onnxrun sets it to 1 thread
 * (openblas_set_num_threads, once, process-wide: OPENBLAS_NUM_THREADS is then ignored). Debian's serial
 * OpenBLAS (libopenblas0-serial) is not: it is built without USE_LOCKING, its buffer management has no
 * lock, and two calls at once were measured to give wrong products (tests/unit/test_conv.c, 1 run in 4).
 * Which one is loaded is up to the system's alternatives, so it is asked at run time
 * (openblas_get_parallel: 0 serial, 1 pthreads, 2 OpenMP) and with any but pthreads every call holds
 * one process-wide mutex: still correct, the slices just take turns.
 *
 * Epilogue. The row bias is written into C first and the BLAS accumulates onto it (beta 1): OpenBLAS
 * would otherwise make a pass to zero C anyway. A fused clamp runs right after each slice's call,
 * while the slice is in cache; slices are sized for that.
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
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static bool blas_concurrent; /* calls may overlap: the loaded OpenBLAS is the pthreads build */

static void blas_init(void)
{
    int parallel = openblas_get_parallel();
    blas_concurrent = parallel == 1;
    if (parallel != 0)
        openblas_set_num_threads(1);
}

static void blas_lock(void)
{
    if (!blas_concurrent)
        pthread_mutex_lock(&blas_mu);
}

static void blas_unlock(void)
{
    if (!blas_concurrent)
        pthread_mutex_unlock(&blas_mu);
}

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

typedef struct blas_job {
    bool ta, tb;
    size_t m, n, k;
    float alpha, beta;
    const float *a, *b, *bias;
    size_t lda, ldb, ldc;
    float *c;
    const onr_clamp *clamp;
    bool by_cols;   /* slices are column blocks of C (else row blocks) */
    size_t step;    /* columns or rows per slice */
} blas_job;

/* One slice: prefill, one BLAS call, the clamp. */
static void slice(const blas_job *J, size_t s)
{
    size_t total = J->by_cols ? J->n : J->m, lo = s * J->step;
    size_t len = total - lo < J->step ? total - lo : J->step;
    size_t m = J->m, n = J->n;
    const float *a = J->a, *b = J->b, *bias = J->bias;
    float *c = J->c;
    if (J->by_cols) {
        n = len;
        b += J->tb ? lo * J->ldb : lo;
        c += lo;
    } else {
        m = len;
        a += J->ta ? lo : lo * J->lda;
        bias = bias ? bias + lo : NULL;
        c += lo * J->ldc;
    }
    float beta = prefill(bias, J->beta, c, m, n, J->ldc, m == 1);
    blas_lock();
    if (m == 1) {
        /* A row times op(B): a matrix-vector product over B's columns. */
        int incx = (int)(J->ta ? J->lda : 1);
        if (J->tb) /* B stored n x k: c[j] = B[j][:] . a */
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)J->k, J->alpha, b, (int)J->ldb, a, incx, beta, c, 1);
        else       /* B stored k x n: c = B^T a */
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)J->k, (int)n, J->alpha, b, (int)J->ldb, a, incx, beta, c, 1);
    } else {
        cblas_sgemm(CblasRowMajor, J->ta ? CblasTrans : CblasNoTrans, J->tb ? CblasTrans : CblasNoTrans, (int)m,
                    (int)n, (int)J->k, J->alpha, a, (int)J->lda, b, (int)J->ldb, beta, c, (int)J->ldc);
    }
    blas_unlock();
    for (size_t i = 0; i < m; i++)
        onr_clamp_apply(J->clamp, c + i * J->ldc, n);
}

static void slices(void *arg, size_t begin, size_t end)
{
    for (size_t s = begin; s < end; s++)
        slice(arg, s);
}

/* Below this many multiply-adds a product is one call: handing slices to threads costs a few us. */
#define SPLIT_MIN_MACS ((size_t)1 << 19)
/* Slices of C at most this big, so the bias prefill and the clamp find them in L2. */
#define SLICE_BYTES ((size_t)256 << 10)
/* Narrowest slices worth a call: OpenBLAS's micro-tiles are up to 16 x 32 (AVX-512). */
#define MIN_SLICE_COLS 64
#define MIN_SLICE_ROWS 16

/* How many slices, along which axis: one per thread for large products, more when C is bigger than
 * SLICE_BYTES, never narrower than the micro-tiles. The cut depends on the shapes and the threads only,
 * never on the bias or clamp: a slice's BLAS call may round differently from the whole product's, and
 * a fused activation must not change a bit of the result. */
static size_t plan_slices(blas_job *J, size_t threads)
{
    size_t parts = 1;
    if (threads > 1 && J->m * J->n * J->k >= SPLIT_MIN_MACS)
        parts = threads;
    size_t want = J->m * J->n * sizeof(float) / SLICE_BYTES;
    if (want > parts)
        parts = (want + parts - 1) / parts * parts; /* a multiple of the threads keeps them even */
    J->by_cols = true;
    if (parts > 1 && J->n / parts < MIN_SLICE_COLS) {
        if (J->m / parts >= MIN_SLICE_ROWS) {
            J->by_cols = false;
        } else {
            size_t fit = J->n / MIN_SLICE_COLS;
            parts = fit > 1 ? fit : 1;
        }
    }
    size_t total = J->by_cols ? J->n : J->m;
    J->step = (total + parts - 1) / parts;
    if (J->by_cols && parts > 1)
        J->step = (J->step + 15) / 16 * 16; /* whole cache lines and vectors per slice */
    return (total + J->step - 1) / J->step;
}

bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                    const onr_clamp *clamp, float *c, size_t ldc)
{
    if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) || !fits_int(ldc))
        return false;
    pthread_once(&blas_once, blas_init);
    blas_job J = {.ta = trans_a, .tb = trans_b, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta, .a = a,
                  .b = b, .bias = bias, .lda = lda, .ldb = ldb, .ldc = ldc, .c = c,
                  .clamp = clamp && clamp->on ? clamp : NULL};
    size_t threads = (size_t)onr_threadpool_threads(pool);
    size_t parts = plan_slices(&J, blas_concurrent ? threads : 1);
    onr_parallel_for(parts > 1 && threads > 1 ? pool : NULL, parts, 1, slices, &J);
    return true;
}

bool onr_dgemm_blas(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) || !fits_int(ldc))
        return false;
    pthread_once(&blas_once, blas_init);
    if (beta == 0.0) /* C write-only even if the BLAS would scale it: 0 * NaN is NaN */
        for (size_t i = 0; i < m; i++)
            memset(c + i * ldc, 0, n * sizeof *c);
    blas_lock();
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m,
                (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
    blas_unlock();
    return true;
}

const char *onr_gemm_blas_name(void)
{
    return "openblas";
}

bool onr_gemm_blas_concurrent(void)
{
    pthread_once(&blas_once, blas_init);
    return blas_concurrent;
}

#else /* no BLAS in this build */

bool onr_sgemm_blas(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                    const onr_clamp *clamp, float *c, size_t ldc)
{
    (void)pool, (void)trans_a, (void)trans_b, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda;
    (void)b, (void)ldb, (void)beta, (void)bias, (void)clamp, (void)c, (void)ldc;
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

bool onr_gemm_blas_concurrent(void)
{
    return false;
}

#endif
