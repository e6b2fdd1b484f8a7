/* pool_simd.c: vector kernels of the float pooling fast paths (contract in pool_simd.h), for AVX2 and
 * AVX-512, chosen at run time by what the CPU has. The kernels are written once over the vector width in
 * pool_simd_impl.h and instantiated here per instruction set with __attribute__((target(...))), so the
 * rest of the build stays baseline x86-64; on other architectures (or with -DONR_POOL_NO_SIMD) only the
 * stubs at the end are built and onr_pool_simd_level() says ONR_SIMD_NONE.
 *
 * 2-D pooling is separable for both max and sum, so every output row is made by two vector passes
 * through an L1-resident scratch row:
 *   vertical:   t[c] = op over the valid input rows of the window row (VW columns per instruction);
 *   horizontal: y[o] = op over t[o*s + j], j < k. Stride 1: k unaligned loads. Stride 2: the even and
 *               odd columns are split (AVX2: shuffle_ps 0x88 / 0xDD within 128-bit halves, taps combined
 *               in that lane order, one permute4x64 at the end; AVX-512: permutex2var). Other strides:
 *               scalar.
 * On AVX-512, stride 2 with kernel width 2 or 3 skips the scratch row (stride-2 streaming mode), and the
 * same-size 3x3 stride-1 pool on rows of 17..64 keeps three input rows in registers (pool_simd_impl.h).
 * When a whole row fits the scratch (rows up to ~2000 wide), the vertical pass writes it between pad
 * columns (-inf for max, 0 for sums), so the horizontal pass covers every output column with no border
 * case; wider rows are cut into chunks of interior columns and the border columns go scalar. The last
 * vector of a pass overlaps the one before it instead of a scalar tail (the passes are idempotent).
 * BENCHMARKS.md has the measurements behind each of these choices.
 *
 * NaN: MAXPS returns its second operand when either is NaN, so a NaN in the first operand would be lost.
 * nanmax(a, b) = max(a, b) | max(b, a): each max keeps a NaN from one side, and OR of a NaN with anything
 * is still a NaN (all-ones exponent, non-zero mantissa); for ordered inputs both maxes are equal (up to the
 * sign of zero, which compares equal). So any NaN tap gives NaN, the generic kernel's PyTorch rule. */
#include "ops/pool_simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* -DONR_POOL_NO_SIMD builds without them (to measure or debug the portable fast path on x86). */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) &&                  \
    !defined(ONR_POOL_NO_SIMD)
#define HAVE_X86_KERNELS 1
#endif

#ifdef HAVE_X86_KERNELS
#include <immintrin.h>

onr_simd_level onr_pool_simd_level(void)
{
    /* libgcc / compiler-rt also check that the OS saves the wider registers (XCR0) */
    if (__builtin_cpu_supports("avx512f"))
        return ONR_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return ONR_SIMD_AVX2;
    return ONR_SIMD_NONE;
}

/* PyTorch-compatible scalar max (NaN wins), as in pool.c. */
#define MAXF(m, v) (((v) > (m) || isnan(v)) ? (v) : (m))

/* Scratch floats per block, and readable slack after it for the stride-2 over-read and pad spills. */
enum { TMP = 2048, TMP_PAD = 64 };
enum { MAX_BORDER = 64, GROUP_MAX = TMP / 8, MAX_ROWS = 1024 };
/* Rows at most this wide go column vector outer, rows inner (measured: 14-wide planes 15-20% faster;
 * from 28 wide on, streaming row by row wins, by 25% at 56 wide for k3s1). */
enum { NARROW_MAX = 16 };

/* One output row of a plane, the same for every plane of a call: computed once (onr_pool_window divides;
 * per row of a 28-wide plane that cost more than the row's vector work). */
typedef struct row_desc {
    int64_t off;   /* first valid input row * row length */
    int64_t count; /* valid input rows; 0: the whole output row is windows in the padding */
    float scale;   /* averages: 1 / (valid rows, or rows inside the declared padding with cip) */
} row_desc;

/* What every plane of one call shares. */
typedef struct plane_ctx {
    const onr_pool_geom *g;
    bool cip;
    int64_t ts;           /* scratch row stride */
    int64_t group;        /* output rows per scratch block */
    float *tmp;
    row_desc *rows;       /* all output rows (all_rows) or the current group's */
    bool all_rows;
    bool narrow;          /* rows short enough that the passes go column vector outer, rows inner */
    /* padded mode: the scratch holds whole rows */
    int64_t pl, pr;       /* pad columns left and right of the input in a scratch row */
    const float *colinv;  /* averages: 1 / (the column's valid or padded-extent taps) per output column */
    const int64_t *empty; /* output columns with no valid tap (a pad as wide as the kernel), n_empty */
    int64_t n_empty;
    /* chunk mode: rows wider than the scratch */
    int64_t lo, hi;       /* interior output columns */
    const onr_pool_span *bspan; /* spans of the border columns [0, lo) then [hi, out), or NULL: compute */
} plane_ctx;

/* Stride-2 streaming mode (AVX-512): one block of 16 output columns; c is its first input column (may be
 * negative: left padding), ma / mb the lanes of its two input vectors inside the row, mo its output
 * lanes. S2_MAXB bounds the blocks of a row, plus the one past the end that 3-wide windows peek into. */
enum { S2_MAXB = 72 };
/* Software prefetch distance of that mode, in bytes: with the hardware prefetchers alone it ran at about
 * half the bandwidth of one sequential stream on planes in L3 or DRAM. Measured 1-16 KiB, T0 to T2
 * hints: 8 KiB with T0 best (32x64x56x56 k2s2 1.3-1.4 -> 0.55-0.6 ms, 1x96x111x111 k3s2 -10%). */
enum { S2_PREFETCH = 8192 };
typedef struct s2_block {
    int64_t c;
    uint32_t ma, mb, mo;
} s2_block;

/* 3x3 stride-1 same-size mode (AVX-512): rows of at most S1K3_MAXB vectors, held in registers. */
enum { S1K3_MAXB = 4 };

/* Flat mode (same-size stride-1 planes of at most FLAT_MAX floats): see pool_simd_impl.h. */
enum { FLAT_MAX = 2048, FLAT_PAD = 32 };
typedef struct flat_ctx {
    int64_t H, W;          /* plane size */
    float *v;              /* vertical results, FLAT_PAD readable floats on both sides */
    const float *scale;    /* averages: 1 / (row divisor * column divisor) per element */
    const int32_t *colidx; /* column of each element */
} flat_ctx;

/* --- AVX2: 8 lanes ---------------------------------------------------------------------------------- */
#define NAME(x) x##_avx2
#define FN __attribute__((target("avx2")))
#define FN_INLINE static inline __attribute__((target("avx2"), always_inline))
#define VEC __m256
#define VW 8
#define VMASKS 0
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VSET1(x) _mm256_set1_ps(x)
#define VZERO() _mm256_setzero_ps()
#define VADD(a, b) _mm256_add_ps(a, b)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VMAX(a, b) _mm256_max_ps(a, b)
#define VOR(a, b) _mm256_or_ps(a, b)
#define VEVEN(a, b) _mm256_shuffle_ps(a, b, 0x88) /* lanes [0 2 8 10 | 4 6 12 14] of a:b */
#define VODD(a, b) _mm256_shuffle_ps(a, b, 0xDD)  /* lanes [1 3 9 11 | 5 7 13 15] */
#define VFIX(v) _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xD8)) /* 64-bit pairs 0 2 1 3 */
#define VTAIL_LOAD(p, n) _mm256_maskload_ps(p, tail_mask_avx2(n))
#define VECI __m256i
#define VMASK __m256
#define VLOADI(p) _mm256_loadu_si256((const __m256i *)(p))
#define VSET1I(x) _mm256_set1_epi32(x)
#define VGT_I(a, b) _mm256_castsi256_ps(_mm256_cmpgt_epi32(a, b))
#define VMASK_ADD(m, k, t) _mm256_add_ps(m, _mm256_and_ps(t, k))
#define VMASK_NANMAX(m, k, t, neg_inf) nanmax_avx2(m, _mm256_blendv_ps(neg_inf, t, k))

/* maskload masks: the first n lanes set (1 <= n < 8). */
static inline __attribute__((target("avx2"), always_inline)) __m256i tail_mask_avx2(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline __attribute__((target("avx2"), always_inline)) double vsum_double_avx2(__m256 v)
{
    __m256d d = _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(d), _mm256_extractf128_pd(d, 1));
    return _mm_cvtsd_f64(h) + _mm_cvtsd_f64(_mm_unpackhi_pd(h, h));
}
#define VSUM_DOUBLE(v) vsum_double_avx2(v)

/* NaN-propagating max of the 8 lanes, folded in registers (a scalar loop over stored lanes cost more than
 * the whole 7x7 plane it reduces). */
static inline __attribute__((target("avx2"), always_inline)) float vhmax_avx2(__m256 v)
{
    __m128 a = _mm256_castps256_ps128(v), b = _mm256_extractf128_ps(v, 1);
    a = _mm_or_ps(_mm_max_ps(a, b), _mm_max_ps(b, a));
    b = _mm_movehl_ps(a, a);
    a = _mm_or_ps(_mm_max_ps(a, b), _mm_max_ps(b, a));
    b = _mm_shuffle_ps(a, a, 1);
    a = _mm_or_ps(_mm_max_ps(a, b), _mm_max_ps(b, a));
    return _mm_cvtss_f32(a);
}
#define VHMAX(v) vhmax_avx2(v)

#include "ops/pool_simd_impl.h"

/* Global pools of small planes (8 <= plane <= GLOBAL_SMALL_MAX), 8 planes at a time: each plane reduces to
 * one 8-lane accumulator, then a pairwise tree (hadd for sums; even/odd shuffles + nanmax for max) turns the
 * 8 accumulators into one vector of 8 results, stored at once. Reducing each plane's lanes on its own cost
 * more than reading a 7x7 plane. Sums stay in float here: a plane this small is one block. */
enum { GKIND_MAX, GKIND_AVG, GKIND_L2 };

static inline __attribute__((target("avx2"), always_inline)) __m256 gacc_avx2(const float *xp, size_t n, int kind,
                                                                               __m256i tail)
{
    __m256 a = _mm256_loadu_ps(xp);
    if (kind == GKIND_L2)
        a = _mm256_mul_ps(a, a);
    size_t i = 8;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(xp + i);
        a = kind == GKIND_MAX ? nanmax_avx2(a, v) : _mm256_add_ps(a, kind == GKIND_L2 ? _mm256_mul_ps(v, v) : v);
    }
    if (i < n) {
        if (kind == GKIND_MAX) {
            a = nanmax_avx2(a, _mm256_loadu_ps(xp + n - 8)); /* overlapping: max is idempotent */
        } else {
            __m256 v = _mm256_maskload_ps(xp + i, tail);
            a = _mm256_add_ps(a, kind == GKIND_L2 ? _mm256_mul_ps(v, v) : v);
        }
    }
    return a;
}

/* Pairwise combine of a and b: [a0+a1, a2+a3, b0+b1, b2+b3 | a4+a5, a6+a7, b4+b5, b6+b7] (or max). */
static inline __attribute__((target("avx2"), always_inline)) __m256 gpair_avx2(__m256 a, __m256 b, int kind)
{
    if (kind != GKIND_MAX)
        return _mm256_hadd_ps(a, b);
    return nanmax_avx2(_mm256_shuffle_ps(a, b, 0x88), _mm256_shuffle_ps(a, b, 0xDD));
}

__attribute__((target("avx2"))) static void global_small_avx2(const float *x, size_t n, float *y, size_t p0,
                                                               size_t p1, int kind)
{
    const __m256i tail = tail_mask_avx2((int)(n % 8 ? n % 8 : 1));
    const __m256 inv = _mm256_set1_ps((float)(1.0 / (double)n));
    size_t p = p0;
    for (; p + 8 <= p1; p += 8) {
        const float *xp = x + p * n;
        __m256 a0 = gacc_avx2(xp, n, kind, tail), a1 = gacc_avx2(xp + n, n, kind, tail),
               a2 = gacc_avx2(xp + 2 * n, n, kind, tail), a3 = gacc_avx2(xp + 3 * n, n, kind, tail),
               a4 = gacc_avx2(xp + 4 * n, n, kind, tail), a5 = gacc_avx2(xp + 5 * n, n, kind, tail),
               a6 = gacc_avx2(xp + 6 * n, n, kind, tail), a7 = gacc_avx2(xp + 7 * n, n, kind, tail);
        __m256 q0 = gpair_avx2(gpair_avx2(a0, a1, kind), gpair_avx2(a2, a3, kind), kind); /* planes 0-3 | 0-3 */
        __m256 q1 = gpair_avx2(gpair_avx2(a4, a5, kind), gpair_avx2(a6, a7, kind), kind); /* planes 4-7 | 4-7 */
        __m256 lo = _mm256_permute2f128_ps(q0, q1, 0x20), hi = _mm256_permute2f128_ps(q0, q1, 0x31);
        __m256 r = kind == GKIND_MAX ? nanmax_avx2(lo, hi) : _mm256_add_ps(lo, hi);
        if (kind == GKIND_AVG)
            r = _mm256_mul_ps(r, inv);
        else if (kind == GKIND_L2)
            r = _mm256_sqrt_ps(r);
        _mm256_storeu_ps(y + p, r);
    }
    if (p < p1) { /* the last planes one by one */
        if (kind == GKIND_MAX)
            global_max_avx2(x, n, y, p, p1);
        else if (kind == GKIND_AVG)
            global_avg_avx2(x, n, y, p, p1);
        else
            global_l2_avx2(x, n, y, p, p1);
    }
}

#undef NAME
#undef FN
#undef FN_INLINE
#undef VEC
#undef VW
#undef VMASKS
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VZERO
#undef VADD
#undef VMUL
#undef VMAX
#undef VOR
#undef VEVEN
#undef VODD
#undef VFIX
#undef VTAIL_LOAD
#undef VSUM_DOUBLE
#undef VHMAX
#undef VECI
#undef VMASK
#undef VLOADI
#undef VSET1I
#undef VGT_I
#undef VMASK_ADD
#undef VMASK_NANMAX

/* --- AVX-512: 16 lanes (AVX512F only) ----------------------------------------------------------- */
#define NAME(x) x##_avx512
#define FN __attribute__((target("avx512f")))
#define FN_INLINE static inline __attribute__((target("avx512f"), always_inline))
#define VEC __m512
#define VW 16
#define VMASKS 1
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VSET1(x) _mm512_set1_ps(x)
#define VZERO() _mm512_setzero_ps()
#define VADD(a, b) _mm512_add_ps(a, b)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VOR(a, b) _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)))
#define VEVEN(a, b)                                                                                          \
    _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b)
#define VODD(a, b)                                                                                           \
    _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b)
#define VFIX(v) (v)
#define VMASK_N(n) ((__mmask16)((1u << (n)) - 1u))
#define VLOAD_N(p, n) _mm512_maskz_loadu_ps(VMASK_N(n), p)
#define VSTORE_N(p, v, n) _mm512_mask_storeu_ps(p, VMASK_N(n), v)
#define VTAIL_LOAD(p, n) VLOAD_N(p, n)
#define VECI __m512i
#define VMASK __mmask16
#define VLOADI(p) _mm512_loadu_si512((const void *)(p))
#define VSET1I(x) _mm512_set1_epi32(x)
#define VGT_I(a, b) _mm512_cmpgt_epi32_mask(a, b)
#define VMASK_ADD(m, k, t) _mm512_mask_add_ps(m, k, m, t)
#define VMASK_NANMAX(m, k, t, neg_inf) _mm512_mask_mov_ps(m, k, nanmax_avx512(m, t))
#define VLOAD_M(src, k, p) _mm512_mask_loadu_ps(src, (__mmask16)(k), p)
#define VSTORE_M(p, k, v) _mm512_mask_storeu_ps(p, (__mmask16)(k), v)
/* lanes [lo1 .. lo15, hi0] and [lo15, hi0 .. hi14] of the 32 floats lo:hi */
#define VALIGN1(hi, lo)                                                                                      \
    _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(hi), _mm512_castps_si512(lo), 1))
#define VALIGN15(hi, lo)                                                                                     \
    _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(hi), _mm512_castps_si512(lo), 15))

static inline __attribute__((target("avx512f"), always_inline)) double vsum_double_avx512(__m512 v)
{
    __m512d d = _mm512_add_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(v)),
                              _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
    return _mm512_reduce_add_pd(d);
}
#define VSUM_DOUBLE(v) vsum_double_avx512(v)

static inline __attribute__((target("avx512f"), always_inline)) float vhmax_avx512(__m512 v)
{
    __m256 a = _mm512_castps512_ps256(v), b = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    a = _mm256_or_ps(_mm256_max_ps(a, b), _mm256_max_ps(b, a));
    __m128 c = _mm256_castps256_ps128(a), d = _mm256_extractf128_ps(a, 1);
    c = _mm_or_ps(_mm_max_ps(c, d), _mm_max_ps(d, c));
    d = _mm_movehl_ps(c, c);
    c = _mm_or_ps(_mm_max_ps(c, d), _mm_max_ps(d, c));
    d = _mm_shuffle_ps(c, c, 1);
    c = _mm_or_ps(_mm_max_ps(c, d), _mm_max_ps(d, c));
    return _mm_cvtss_f32(c);
}
#define VHMAX(v) vhmax_avx512(v)

#include "ops/pool_simd_impl.h"

/* GlobalMaxPool of mid-size planes (GLOBAL_SMALL_MAX < plane < GLOBAL_AVX512_MIN, e.g. 14x14), 16 planes
 * per group. Each plane reduces to one vector in 4 chains (16-lane loads: a streaming pass over the same
 * bytes ran at 4.4 us with 16 lanes, 6.3 us with 8, on 512 planes of 196), then the group's 16 vectors
 * fold into one vector of 16 results with 15 pairwise even/odd combines, instead of a 16-to-1 horizontal
 * fold per plane (that fold is what made the 16-lane kernel lose to the 8-lane one on small planes). A
 * last group of fewer than 16 planes repeats its last plane in the unused lanes and stores only the used
 * ones. NaN: nanmax throughout, as everywhere in this file. */
static inline __attribute__((target("avx512f"), always_inline)) __m512 gmax_plane_avx512(const float *xp, size_t n)
{
    /* Loads aligned to 64 bytes: the first and last are masked to the plane, the lanes outside it read as
     * -inf, which nanmax ignores (the masked-off lanes are not read: no fault, whatever lies there). */
    const size_t off = (size_t)((uintptr_t)xp & 63u) / sizeof(float);
    const float *a = xp - off;
    const size_t total = off + n; /* >= 16 */
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    __m512 m0 = _mm512_mask_loadu_ps(ninf, (__mmask16)(0xFFFFu << off), a), m1 = ninf, m2 = ninf, m3 = ninf;
    size_t i = 16;
    for (; i + 64 <= total; i += 64) {
        m0 = nanmax_avx512(m0, _mm512_loadu_ps(a + i));
        m1 = nanmax_avx512(m1, _mm512_loadu_ps(a + i + 16));
        m2 = nanmax_avx512(m2, _mm512_loadu_ps(a + i + 32));
        m3 = nanmax_avx512(m3, _mm512_loadu_ps(a + i + 48));
    }
    for (; i + 16 <= total; i += 16)
        m1 = nanmax_avx512(m1, _mm512_loadu_ps(a + i));
    if (i < total)
        m2 = nanmax_avx512(m2, _mm512_mask_loadu_ps(ninf, (__mmask16)((1u << (total - i)) - 1u), a + i));
    return nanmax_avx512(nanmax_avx512(m0, m1), nanmax_avx512(m2, m3));
}

/* [a's 16 lanes | b's 16 lanes] -> 16 lanes: first half a's lanes folded in pairs, second half b's. */
static inline __attribute__((target("avx512f"), always_inline)) __m512 gmax_pair_avx512(__m512 a, __m512 b)
{
    return nanmax_avx512(VEVEN(a, b), VODD(a, b));
}

__attribute__((target("avx512f"))) static void global_max_grouped_avx512(const float *x, size_t n, float *y,
                                                                          size_t p0, size_t p1)
{
    for (size_t p = p0; p < p1; p += 16) {
        const size_t k = p1 - p < 16 ? p1 - p : 16;
        __m512 v[16];
        for (size_t j = 0; j < 16; j++)
            v[j] = j < k ? gmax_plane_avx512(x + (p + j) * n, n) : v[k - 1];
        for (size_t w = 16; w > 1; w /= 2) /* after each round, v[0..w/2) hold 32/w lanes per plane */
            for (size_t j = 0; j < w / 2; j++)
                v[j] = gmax_pair_avx512(v[2 * j], v[2 * j + 1]);
        _mm512_mask_storeu_ps(y + p, (__mmask16)((1u << k) - 1u), v[0]);
    }
}

/* --- dispatch --------------------------------------------------------------------------------------- */

/* Global pools take AVX-512 only for planes of at least this many floats: below it the reduction of the
 * 16 lanes costs more than the wider loads save (measured on 7x7 and 14x14 planes). */
enum { GLOBAL_AVX512_MIN = 256 };
/* ... and planes of 8 up to this many floats 8 at a time (global_small_avx2): beyond it one accumulator
 * per plane is a long dependency chain, and 4 accumulators per plane win (14x14: 5.7 us vs 8.2 us). */
enum { GLOBAL_SMALL_MAX = 64 };

void onr_pool2d_f32_simd(onr_simd_level lv, const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y,
                         size_t p0, size_t p1)
{
    if (lv >= ONR_SIMD_AVX512)
        pool2d_f32_avx512(g, is_max, cip, x, y, p0, p1);
    else
        pool2d_f32_avx2(g, is_max, cip, x, y, p0, p1);
}

void onr_global_max_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    if (lv >= ONR_SIMD_AVX512 && plane >= GLOBAL_AVX512_MIN)
        global_max_avx512(x, plane, y, p0, p1);
    else if (lv >= ONR_SIMD_AVX512 && plane > GLOBAL_SMALL_MAX)
        global_max_grouped_avx512(x, plane, y, p0, p1);
    else if (plane >= 8 && plane <= GLOBAL_SMALL_MAX)
        global_small_avx2(x, plane, y, p0, p1, GKIND_MAX);
    else
        global_max_avx2(x, plane, y, p0, p1);
}

void onr_global_avg_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    if (lv >= ONR_SIMD_AVX512 && plane >= GLOBAL_AVX512_MIN)
        global_avg_avx512(x, plane, y, p0, p1);
    else if (plane >= 8 && plane <= GLOBAL_SMALL_MAX)
        global_small_avx2(x, plane, y, p0, p1, GKIND_AVG);
    else
        global_avg_avx2(x, plane, y, p0, p1);
}

void onr_global_l2_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    if (lv >= ONR_SIMD_AVX512 && plane >= GLOBAL_AVX512_MIN)
        global_l2_avx512(x, plane, y, p0, p1);
    else if (plane >= 8 && plane <= GLOBAL_SMALL_MAX)
        global_small_avx2(x, plane, y, p0, p1, GKIND_L2);
    else
        global_l2_avx2(x, plane, y, p0, p1);
}

#else /* no vector kernels in this build: never called, since onr_pool_simd_level() is ONR_SIMD_NONE */

onr_simd_level onr_pool_simd_level(void)
{
    return ONR_SIMD_NONE;
}

void onr_pool2d_f32_simd(onr_simd_level lv, const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y,
                         size_t p0, size_t p1)
{
    (void)lv, (void)g, (void)is_max, (void)cip, (void)x, (void)y, (void)p0, (void)p1;
}

void onr_global_max_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)lv, (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

void onr_global_avg_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)lv, (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

void onr_global_l2_f32_simd(onr_simd_level lv, const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)lv, (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

#endif
