/* sgemm.c: blocked float GEMM (and a plain double one) behind Conv, ConvTranspose, Gemm and MatMul.
 *
 * Scheme (GotoBLAS-like, portable C: only the micro-kernel uses GNU vector types, with a plain
 * fallback, so no intrinsics or per-CPU code):
 *   C is split into tiles of at most MC rows x nc columns, one tile per onr_parallel_for item, so
 *   threads never share a C element. Inside a tile, k is walked in blocks of KC; each block of op(A)
 *   is packed into MR-row micro-panels (contiguous, zero-padded), each NR-column strip of op(B) is
 *   packed into a KC x NR panel (zero-padded), and the MR x NR micro-kernel accumulates in registers.
 *   Sizes: MR x NR = 4 x 8 fills 8 of the 16 SSE registers; the A block (MC x KC, 32 KiB) and the B
 *   panel (KC x NR, 8 KiB) are the stack buffers and stay in L1/L2.
 *   Packing makes transposed and untransposed operands look the same to the micro-kernel.
 * m == 1 (a batch-1 Linear / MatMul) is a matrix-vector product: no packing, B streamed once.
 * When the build links a BLAS (sgemm_blas.c) it runs every float product with k >= 1 instead; this
 * kernel remains the portable path and is tested against the same references. */
#include "ops/sgemm.h"

#include <string.h>

#include "ops/sgemm_blas.h"

#define MR 4
#define NR 8
#define KC 256
#define MC 32

typedef struct job {
    bool ta, tb;
    size_t m, n, k;
    float alpha, beta;
    const float *bias;  /* m values added to the rows of C instead of beta * C, or NULL */
    const onr_clamp *clamp; /* applied to each element of C once it is final, or NULL */
    const float *a, *b;
    size_t lda, ldb, ldc;
    float *c;
    size_t nc;        /* tile width (multiple of NR) */
    size_t tiles_n;   /* tiles along n */
} job;

/* Pack rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into micro-panels: ap[panel][p][r]. */
static void pack_a(const job *J, size_t i0, size_t mc, size_t p0, size_t kc, float *ap)
{
    for (size_t ir = 0; ir < mc; ir += MR) {
        size_t mr = mc - ir < MR ? mc - ir : MR;
        float *dst = ap + ir * kc;
        if (!J->ta) {
            for (size_t r = 0; r < MR; r++) {
                if (r < mr) {
                    const float *src = J->a + (i0 + ir + r) * J->lda + p0;
                    for (size_t p = 0; p < kc; p++)
                        dst[p * MR + r] = src[p];
                } else {
                    for (size_t p = 0; p < kc; p++)
                        dst[p * MR + r] = 0.0f;
                }
            }
        } else {
            for (size_t p = 0; p < kc; p++) {
                const float *src = J->a + (p0 + p) * J->lda + i0 + ir;
                for (size_t r = 0; r < MR; r++)
                    dst[p * MR + r] = r < mr ? src[r] : 0.0f;
            }
        }
    }
}

/* Pack rows [p0, p0+kc) x cols [j0, j0+nr) of op(B) into bp[p][j] (NR wide, zero-padded). */
static void pack_b(const job *J, size_t p0, size_t kc, size_t j0, size_t nr, float *bp)
{
    if (!J->tb) {
        for (size_t p = 0; p < kc; p++) {
            const float *src = J->b + (p0 + p) * J->ldb + j0;
            float *dst = bp + p * NR;
            if (nr == NR) {
                memcpy(dst, src, NR * sizeof *dst);
            } else {
                for (size_t j = 0; j < NR; j++)
                    dst[j] = j < nr ? src[j] : 0.0f;
            }
        }
    } else {
        for (size_t j = 0; j < NR; j++) {
            if (j < nr) {
                const float *src = J->b + (j0 + j) * J->ldb + p0;
                for (size_t p = 0; p < kc; p++)
                    bp[p * NR + j] = src[p];
            } else {
                for (size_t p = 0; p < kc; p++)
                    bp[p * NR + j] = 0.0f;
            }
        }
    }
}

/* acc = sum_p ap[p][:] (outer) bp[p][:], accumulators held in registers. With GNU C vector types
 * (gcc, clang) the MR x NR tile is MR * NR/4 explicit 4-lane vectors: gcc 12 keeps a plain float tile
 * in memory and runs ~6x slower. Both forms compute each product and sum in the same order. */
#if defined(__GNUC__)
typedef float v4f __attribute__((vector_size(16)));
static void micro_kernel(size_t kc, const float *restrict ap, const float *restrict bp, float acc[MR][NR])
{
    v4f t[MR][NR / 4];
    for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < NR / 4; j++)
            t[r][j] = (v4f){0.0f, 0.0f, 0.0f, 0.0f};
    for (size_t p = 0; p < kc; p++) {
        v4f b[NR / 4];
        memcpy(b, bp + p * NR, sizeof b);
        const float *ak = ap + p * MR;
        for (size_t r = 0; r < MR; r++) {
            v4f av = {ak[r], ak[r], ak[r], ak[r]};
            for (size_t j = 0; j < NR / 4; j++)
                t[r][j] += av * b[j];
        }
    }
    memcpy(acc, t, sizeof t);
}
#else
static void micro_kernel(size_t kc, const float *restrict ap, const float *restrict bp, float acc[MR][NR])
{
    float t[MR][NR] = {{0.0f}};
    for (size_t p = 0; p < kc; p++)
        for (size_t r = 0; r < MR; r++)
            for (size_t j = 0; j < NR; j++)
                t[r][j] += ap[p * MR + r] * bp[p * NR + j];
    memcpy(acc, t, sizeof t);
}
#endif

/* C tile += / = alpha * acc. The first k block also brings in beta * C or the row bias. Locals keep
 * alpha/beta/bias in registers: C may alias nothing else, but the compiler cannot know J does not. */
static void store(const job *J, bool first, size_t i0, size_t mr, size_t j0, size_t nr, float acc[MR][NR])
{
    const float alpha = J->alpha, beta = J->beta;
    for (size_t r = 0; r < mr; r++) {
        float *restrict c = J->c + (i0 + r) * J->ldc + j0;
        const float *ar = acc[r];
        if (!first) {
            for (size_t j = 0; j < nr; j++)
                c[j] += alpha * ar[j];
        } else if (J->bias) {
            const float bv = J->bias[i0 + r];
            for (size_t j = 0; j < nr; j++)
                c[j] = alpha * ar[j] + bv;
        } else if (beta == 0.0f) {
            for (size_t j = 0; j < nr; j++)
                c[j] = alpha * ar[j];
        } else {
            for (size_t j = 0; j < nr; j++)
                c[j] = alpha * ar[j] + beta * c[j];
        }
    }
}

static void tile(const job *J, size_t t)
{
    float ap[MC * KC];
    float bp[KC * NR];
    float acc[MR][NR];
    size_t i0 = (t / J->tiles_n) * MC, n0 = (t % J->tiles_n) * J->nc;
    size_t mc = J->m - i0 < MC ? J->m - i0 : MC;
    size_t n1 = J->n - n0 < J->nc ? J->n : n0 + J->nc;
    for (size_t p0 = 0; p0 < J->k; p0 += KC) {
        size_t kc = J->k - p0 < KC ? J->k - p0 : KC;
        pack_a(J, i0, mc, p0, kc, ap);
        for (size_t j0 = n0; j0 < n1; j0 += NR) {
            size_t nr = n1 - j0 < NR ? n1 - j0 : NR;
            pack_b(J, p0, kc, j0, nr, bp);
            for (size_t ir = 0; ir < mc; ir += MR) {
                size_t mr = mc - ir < MR ? mc - ir : MR;
                micro_kernel(kc, ap + ir * kc, bp, acc);
                store(J, p0 == 0, i0 + ir, mr, j0, nr, acc);
            }
        }
    }
    for (size_t r = 0; r < mc; r++) /* the tile is final and still in cache */
        onr_clamp_apply(J->clamp, J->c + (i0 + r) * J->ldc + n0, n1 - n0);
}

static void tile_range(void *arg, size_t begin, size_t end)
{
    for (size_t t = begin; t < end; t++)
        tile(arg, t);
}

/* m == 1: c[j] = alpha * sum_p a[p] * op(B)[p][j] + (bias[0] or beta * c[j]) over columns [begin, end). */
static void gemv_range(void *arg, size_t begin, size_t end)
{
    const job *J = arg;
    float *c = J->c;
    /* op(A) is a row: with trans_a its elements are lda apart. */
    size_t as = J->ta ? J->lda : 1;
    if (J->tb) {
        /* Rows of the stored B are contiguous: one dot product per output, 8 partial sums so the
         * compiler vectorizes without reassociating a single accumulator. */
        for (size_t j = begin; j < end; j++) {
            const float *bj = J->b + j * J->ldb;
            float s8[8] = {0};
            size_t p = 0;
            if (as == 1)
                for (; p + 8 <= J->k; p += 8)
                    for (size_t q = 0; q < 8; q++)
                        s8[q] += J->a[p + q] * bj[p + q];
            float s = 0.0f;
            for (; p < J->k; p++)
                s += J->a[p * as] * bj[p];
            s += ((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7]));
            c[j] = J->bias ? J->alpha * s + J->bias[0]
                   : J->beta == 0.0f ? J->alpha * s : J->alpha * s + J->beta * c[j];
        }
    } else {
        /* Rows of B are contiguous along n: accumulate alpha * a[p] * B[p][:] into c. */
        for (size_t j = begin; j < end; j++)
            c[j] = J->bias ? J->bias[0] : J->beta == 0.0f ? 0.0f : J->beta * c[j];
        for (size_t p = 0; p < J->k; p++) {
            float s = J->alpha * J->a[p * as];
            const float *bp = J->b + p * J->ldb;
            for (size_t j = begin; j < end; j++)
                c[j] += s * bp[j];
        }
    }
    onr_clamp_apply(J->clamp, c + begin, end - begin);
}

/* k == 0: C = beta * C, or the row bias. */
static void scale_c(const job *J)
{
    for (size_t i = 0; i < J->m; i++)
        for (size_t j = 0; j < J->n; j++) {
            float *c = J->c + i * J->ldc + j;
            *c = J->bias ? J->bias[i] : J->beta == 0.0f ? 0.0f : J->beta * *c;
        }
    for (size_t i = 0; i < J->m; i++)
        onr_clamp_apply(J->clamp, J->c + i * J->ldc, J->n);
}

static void run(onr_gemm_impl impl, onr_threadpool *pool, job *J)
{
    if (J->m == 0 || J->n == 0)
        return;
    if (J->k == 0) {
        scale_c(J);
        return;
    }
    if (impl != ONR_GEMM_PORTABLE && onr_sgemm_blas(pool, J->ta, J->tb, J->m, J->n, J->k, J->alpha, J->a, J->lda,
                                                    J->b, J->ldb, J->beta, J->bias, J->clamp, J->c, J->ldc))
        return;
    size_t threads = (size_t)onr_threadpool_threads(pool);
    if (J->m == 1) {
        /* Split columns in chunks big enough to amortize the call (each costs k multiply-adds). */
        size_t grain = J->k >= 4096 ? 16 : 4096 / J->k * 16;
        onr_parallel_for(threads > 1 ? pool : NULL, J->n, grain, gemv_range, J);
        return;
    }
    size_t tiles_m = (J->m + MC - 1) / MC;
    /* Enough tiles for every thread to get several (load balance), never narrower than one strip. */
    size_t want = threads > 1 ? 4 * threads : 1;
    size_t tiles_n = want > tiles_m ? (want + tiles_m - 1) / tiles_m : 1;
    size_t nc = (J->n + tiles_n - 1) / tiles_n;
    nc = (nc + NR - 1) / NR * NR;
    J->nc = nc;
    J->tiles_n = (J->n + nc - 1) / nc;
    onr_parallel_for(threads > 1 ? pool : NULL, tiles_m * J->tiles_n, 1, tile_range, J);
}

void onr_sgemm_impl(onr_gemm_impl impl, onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n,
                    size_t k, float alpha, const float *a, size_t lda, const float *b, size_t ldb, float beta,
                    const float *bias, const onr_clamp *clamp, float *c, size_t ldc)
{
    job J = {.ta = trans_a, .tb = trans_b, .m = m, .n = n, .k = k, .alpha = bias ? 1.0f : alpha,
             .beta = bias ? 0.0f : beta, .bias = bias, .clamp = clamp && clamp->on ? clamp : NULL, .a = a, .b = b,
             .lda = lda, .ldb = ldb, .ldc = ldc, .c = c};
    run(impl, pool, &J);
}

void onr_sgemm(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha,
               const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
    onr_sgemm_impl(ONR_GEMM_AUTO, pool, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, NULL, NULL, c, ldc);
}

void onr_sgemm_bias(onr_threadpool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                    const float *a, size_t lda, const float *b, size_t ldb, const float *bias,
                    const onr_clamp *clamp, float *c, size_t ldc)
{
    /* bias NULL acts as 0: the plain product with beta 0. */
    onr_sgemm_impl(ONR_GEMM_AUTO, pool, trans_a, trans_b, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, bias, clamp, c, ldc);
}

const char *onr_gemm_backend(void)
{
    return onr_gemm_blas_name();
}

void onr_dgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
               size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    if (m && n && k && onr_dgemm_blas(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
        return;
    for (size_t i = 0; i < m; i++) {
        double *ci = c + i * ldc;
        for (size_t j = 0; j < n; j++)
            ci[j] = beta == 0.0 ? 0.0 : beta * ci[j];
        for (size_t p = 0; p < k; p++) {
            double s = alpha * (trans_a ? a[p * lda + i] : a[i * lda + p]);
            if (trans_b)
                for (size_t j = 0; j < n; j++)
                    ci[j] += s * b[j * ldb + p];
            else
                for (size_t j = 0; j < n; j++)
                    ci[j] += s * b[p * ldb + j];
        }
    }
}

/* Unsigned accumulation wraps instead of overflowing (signed overflow is undefined in C); the
 * result converted back to the signed type is the numpy value (two's complement, gcc/clang). */
#define IGEMM(NAME, T, U)                                                                              \
    static void NAME(bool ta, bool tb, size_t m, size_t n, size_t k, const T *a, size_t lda,          \
                     const T *b, size_t ldb, T *c, size_t ldc)                                         \
    {                                                                                                  \
        for (size_t i = 0; i < m; i++)                                                                 \
            for (size_t j = 0; j < n; j++) {                                                           \
                U s = 0;                                                                               \
                for (size_t p = 0; p < k; p++)                                                         \
                    s += (U)(ta ? a[p * lda + i] : a[i * lda + p]) * (U)(tb ? b[j * ldb + p] : b[p * ldb + j]); \
                c[i * ldc + j] = (T)s;                                                                 \
            }                                                                                          \
    }
IGEMM(igemm_i32, int32_t, uint32_t)
IGEMM(igemm_i64, int64_t, uint64_t)
IGEMM(igemm_u32, uint32_t, uint32_t)
IGEMM(igemm_u64, uint64_t, uint64_t)
#undef IGEMM

bool onr_igemm(onr_dtype t, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, const void *a, size_t lda,
               const void *b, size_t ldb, void *c, size_t ldc)
{
    switch (t) {
    case ONR_DTYPE_INT32:
        igemm_i32(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return true;
    case ONR_DTYPE_INT64:
        igemm_i64(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return true;
    case ONR_DTYPE_UINT32:
        igemm_u32(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return true;
    case ONR_DTYPE_UINT64:
        igemm_u64(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return true;
    default:
        return false;
    }
}
