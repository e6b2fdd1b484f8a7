/* conv_gemm.c: Conv's float product with its own micro-kernels (contract in conv_gemm.h).
 *
 * Blocking. K is cut into KC-row blocks and the output positions into NC-column blocks; for each block
 * pair, the KC x NC part of B (im2col columns, written by the caller's fill straight into this thread's
 * scratch, or X itself for 1x1) is sized to stay in L2, and C's block is accumulated: bias at the first
 * K block, the clamp at the last. Row panels of MR rows of A stay in L1 while the kernel walks the
 * columns (conv_gemm_impl.h). B is never repacked and A is read where it is, so no data is copied
 * besides the im2col itself.
 *
 * Threads. Work items are (column block, row chunk) pairs claimed from an atomic counter; each thread
 * slot has its own B block in scratch. Rows are split only when there are too few column blocks to keep
 * every thread busy (small late layers: 7x7 outputs, 512 channels); an im2col block is then filled once
 * per row chunk. None of this changes a bit of the result (conv_gemm.h). */
#include "ops/conv_gemm.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -DONR_CONV_GEMM_NO_SIMD builds without the kernels (Conv then always takes the BLAS path). */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) &&                  \
    !defined(ONR_CONV_GEMM_NO_SIMD)
#define HAVE_X86_KERNELS 1
#endif

/* K rows per block: a row panel of A (12 x KC floats, 12 KiB) stays in L1 next to the B rows it meets. */
#define KC_MAX 256
/* Bytes of one B block (KC x NC floats): well inside a 1 MiB L2 next to the C block and the A panels
 * (resnet18: 128 KiB and 384 KiB measured the same within noise). */
#define B_BYTES ((size_t)192 << 10)
/* Column blocks are whole multiples of the widest tile (32 floats) except the last. */
#define NC_ALIGN 32
/* A thread's share is at least this many rows of A when rows are split (24 and 96 measured the same). */
#define MIN_ROW_CHUNK 48
/* Below this many multiply-adds a Conv runs on one thread (see onr_conv_gemm). */
#define SPLIT_MIN_MACS ((size_t)1 << 21)

typedef struct cg_blocks {
    size_t kc, nk;      /* K block rows, count */
    size_t nc, nn;      /* column block width, count */
    size_t mc, nm;      /* row chunk height, count */
    size_t ld;          /* leading dimension of a filled B block */
    size_t slot_bytes;  /* scratch per thread slot (0 when B is in memory) */
} cg_blocks;

static size_t ceil_div(size_t a, size_t b)
{
    return (a + b - 1) / b;
}

static size_t round_up(size_t a, size_t b)
{
    return ceil_div(a, b) * b;
}

static void plan_blocks(size_t threads, size_t count, size_t m, size_t n, size_t k, bool fill, cg_blocks *B)
{
    B->nk = ceil_div(k, KC_MAX);
    B->kc = ceil_div(k, B->nk);
    size_t nc_max = B_BYTES / (B->kc * sizeof(float));
    if (nc_max < NC_ALIGN)
        nc_max = NC_ALIGN;
    B->nn = ceil_div(n, nc_max);
    B->nc = B->nn == 1 ? n : round_up(ceil_div(n, B->nn), NC_ALIGN);
    B->nn = ceil_div(n, B->nc);
    B->nm = 1;
    /* Rows are split only to give every thread an item: measured on resnet18 at 2 threads, asking for 2
     * items per thread (finer balance, more im2col refills and A panels) was 4% slower, 4 per thread 20%. */
    if (threads > 1 && count * B->nn < threads) {
        size_t want = ceil_div(threads, count * B->nn), most = m / MIN_ROW_CHUNK;
        B->nm = want < most ? want : most > 1 ? most : 1;
    }
    B->mc = round_up(ceil_div(m, B->nm), 12);
    B->nm = ceil_div(m, B->mc);
    /* a row stride of a multiple of 4 KiB would put every row of a tile column in the same cache sets */
    B->ld = round_up(B->nc, 16);
    if (B->ld * sizeof(float) % 4096 == 0)
        B->ld += 16;
    B->slot_bytes = fill ? round_up(B->kc * B->ld * sizeof(float), 64) : 0;
}

size_t onr_conv_gemm_scratch(size_t threads, size_t count, size_t m, size_t n, size_t k, bool fill)
{
    cg_blocks B;
    plan_blocks(threads ? threads : 1, count, m, n, k, fill, &B);
    return fill ? B.slot_bytes * (threads ? threads : 1) + 64 : 0;
}

#ifdef HAVE_X86_KERNELS
#include <immintrin.h>

/* --- AVX2 + FMA: 8 lanes, 6 x 16 tiles (12 accumulators of 16 ymm) --------------------------------- */
#define NAME(x) x##_avx2
#define FN __attribute__((target("avx2,fma")))
#define FN_INLINE static inline __attribute__((target("avx2,fma"), always_inline))
#define VEC __m256
#define VW 8
#define MASK __m256i
#define MR 6
#define NV 2
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VLOAD_M(p, m) _mm256_maskload_ps(p, m)
#define VSTORE_M(p, m, v) _mm256_maskstore_ps(p, m, v)
#define VMASK_N(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VSET1(x) _mm256_set1_ps(x)
#define VZERO() _mm256_setzero_ps()
#define VADD(a, b) _mm256_add_ps(a, b)
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VMAX(a, b) _mm256_max_ps(a, b)
#define VMIN(a, b) _mm256_min_ps(a, b)
#include "ops/conv_gemm_impl.h"
#undef NAME
#undef FN
#undef FN_INLINE
#undef VEC
#undef VW
#undef MASK
#undef MR
#undef NV
#undef VLOAD
#undef VSTORE
#undef VLOAD_M
#undef VSTORE_M
#undef VMASK_N
#undef VSET1
#undef VZERO
#undef VADD
#undef VFMA
#undef VMAX
#undef VMIN

/* --- AVX-512F: 16 lanes, 12 x 32 tiles (24 accumulators of 32 zmm) --------------------------------- */
#define NAME(x) x##_avx512
#define FN __attribute__((target("avx512f")))
#define FN_INLINE static inline __attribute__((target("avx512f"), always_inline))
#define VEC __m512
#define VW 16
#define MASK __mmask16
#define MR 12
#define NV 2
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VLOAD_M(p, m) _mm512_maskz_loadu_ps(m, p)
#define VSTORE_M(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define VMASK_N(n) ((__mmask16)((1u << (n)) - 1u))
#define VSET1(x) _mm512_set1_ps(x)
#define VZERO() _mm512_setzero_ps()
#define VADD(a, b) _mm512_add_ps(a, b)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VMIN(a, b) _mm512_min_ps(a, b)
#include "ops/conv_gemm_impl.h"

static atomic_int detected = -1, cap = ONR_SIMD_AVX512;

onr_simd_level onr_conv_gemm_level(void)
{
    int lv = atomic_load_explicit(&detected, memory_order_relaxed);
    if (lv < 0) {
        const char *env = getenv("ONR_CONV_GEMM");
        if (env && strcmp(env, "blas") == 0)
            lv = ONR_SIMD_NONE;
        else if (__builtin_cpu_supports("avx512f"))
            lv = ONR_SIMD_AVX512;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            lv = ONR_SIMD_AVX2;
        else
            lv = ONR_SIMD_NONE;
        atomic_store_explicit(&detected, lv, memory_order_relaxed);
    }
    int c = atomic_load_explicit(&cap, memory_order_relaxed);
    return (onr_simd_level)(lv < c ? lv : c);
}

void onr_conv_gemm_cap(onr_simd_level lv)
{
    atomic_store_explicit(&cap, (int)lv, memory_order_relaxed);
}

typedef struct cg_job {
    const onr_cg_problem *p;
    onr_simd_level lv;
    cg_blocks B;
    char *scratch;
    atomic_size_t next;
} cg_job;

static void run_item(const cg_job *J, size_t item, float *buf)
{
    const onr_cg_problem *p = J->p;
    const cg_blocks *B = &J->B;
    size_t per = B->nn * B->nm, q = item / per, g = q % p->a_period;
    item %= per;
    size_t p0 = item / B->nm * B->nc, m0 = item % B->nm * B->mc;
    size_t n = p->n - p0 < B->nc ? p->n - p0 : B->nc, m = p->m - m0 < B->mc ? p->m - m0 : B->mc;
    const float *a = p->a + g * p->a_step + m0 * p->lda, *bias = p->bias ? p->bias + g * p->m + m0 : NULL;
    float *c = p->c + q * p->c_step + m0 * p->ldc + p0;
    const onr_clamp *cl = p->clamp && p->clamp->on ? p->clamp : NULL;
    for (size_t kb = 0; kb < B->nk; kb++) {
        size_t k0 = kb * B->kc, kc = p->k - k0 < B->kc ? p->k - k0 : B->kc;
        const float *b;
        size_t ldb;
        if (p->fill) {
            p->fill(p->fill_arg, q, k0, k0 + kc, p0, p0 + n, buf, B->ld);
            b = buf;
            ldb = B->ld;
        } else {
            b = p->b + q * p->b_step + k0 * p->ldb + p0;
            ldb = p->ldb;
        }
        int first = kb == 0, last = kb + 1 == B->nk;
        if (J->lv >= ONR_SIMD_AVX512)
            block_avx512(m, n, kc, a + k0, p->lda, b, ldb, c, p->ldc, bias, first, last, cl);
        else
            block_avx2(m, n, kc, a + k0, p->lda, b, ldb, c, p->ldc, bias, first, last, cl);
    }
}

static void worker(void *arg, size_t begin, size_t end)
{
    cg_job *J = arg;
    size_t total = J->B.nn * J->B.nm * J->p->count;
    for (size_t slot = begin; slot < end; slot++) {
        float *buf = J->B.slot_bytes ? (float *)(J->scratch + slot * J->B.slot_bytes) : NULL;
        for (;;) {
            size_t item = atomic_fetch_add_explicit(&J->next, 1, memory_order_relaxed);
            if (item >= total)
                break;
            run_item(J, item, buf);
        }
    }
}

void onr_conv_gemm(onr_simd_level lv, onr_threadpool *pool, const onr_cg_problem *p, void *scratch)
{
    size_t threads = (size_t)onr_threadpool_threads(pool);
    cg_job J = {.p = p, .lv = lv};
    plan_blocks(threads, p->count, p->m, p->n, p->k, p->fill != NULL, &J.B);
    J.scratch = scratch ? (char *)scratch + (64 - (uintptr_t)scratch % 64) % 64 : NULL;
    atomic_init(&J.next, 0);
    size_t total = J.B.nn * J.B.nm * p->count;
    /* A small product stays on the calling thread: split, its output ends up half in the other core's
     * cache, and the next op reading it there cost more than the split saved (MNIST's first Conv, 0.4M
     * multiply-adds: 8.9 us on 1 thread, 16 us on 2). */
    bool split = total > 1 && p->count * p->m * p->n * p->k >= SPLIT_MIN_MACS;
    onr_parallel_for(split ? pool : NULL, total < threads ? total : threads, 1, worker, &J);
}

#else /* no kernels in this build: onr_conv_gemm_level() says NONE, so onr_conv_gemm is never called */

onr_simd_level onr_conv_gemm_level(void)
{
    return ONR_SIMD_NONE;
}

void onr_conv_gemm_cap(onr_simd_level lv)
{
    (void)lv;
}

void onr_conv_gemm(onr_simd_level lv, onr_threadpool *pool, const onr_cg_problem *p, void *scratch)
{
    (void)lv, (void)pool, (void)p, (void)scratch;
}

#endif
