/* conv_depthwise_simd.c: vector kernels of the 2-D depthwise Conv (contract in conv_depthwise_simd.h), for
 * AVX2 and AVX-512, chosen at run time by what the CPU has (onr_pool_simd_level). Written once over the
 * vector width in conv_depthwise_simd_impl.h and instantiated here per instruction set with
 * __attribute__((target(...))), so the rest of the build stays baseline x86-64, as pool_simd.c does.
 *
 * Each output row is computed once: all valid kernel rows and columns are summed in registers (bias
 * first, then the taps in row-major order, fused multiply-add on AVX-512) and each output vector is
 * clamped and stored once; a plane's input rows stay in L1 for the next output row. Stride 2 takes the
 * even and odd columns apart with one two-source permute per tap (AVX-512 permutex2var; AVX2 shuffle_ps
 * within 128-bit halves, the lanes put back in order by one permute4x64 before the store).
 * Columns with taps in the padding: AVX-512 masks the taps (skipped lanes, loads only inside the row),
 * so narrow planes (7x7, 14x14) are vector code too; AVX2 does them scalar. */
#include "ops/conv_depthwise_simd.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) &&                  \
    !defined(ONR_POOL_NO_SIMD)
#include <immintrin.h>

/* --- AVX2: 8 lanes (no FMA: onr_pool_simd_level() promises AVX2 only) -------------------------------- */
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
#define VMAX(a, b) _mm256_max_ps(a, b)
#define VMIN(a, b) _mm256_min_ps(a, b)
#define VFMA(a, b, c) _mm256_add_ps(_mm256_mul_ps(a, b), c)
#define VEVODD(a, b) _mm256_shuffle_ps(a, b, 0xD8) /* a0 a2 b1 b3 | a4 a6 b5 b7: taps 0 1 4 5 | 2 3 6 7 */
#define VEVEN(a, b) _mm256_shuffle_ps(a, b, 0x88)  /* a0 a2 b0 b2 | a4 a6 b4 b6: the same order */
#define VODD(a, b) _mm256_shuffle_ps(a, b, 0xDD)
#define VFIX(v) _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xD8)) /* 64-bit pairs 0 2 1 3 */

#include "ops/conv_depthwise_simd_impl.h"

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
#undef VMAX
#undef VMIN
#undef VFMA
#undef VEVODD
#undef VEVEN
#undef VODD
#undef VFIX

/* --- AVX-512: 16 lanes (AVX512F only) --------------------------------------------------------------- */
/* Lanes [l, h) of a 16-lane vector, l and h clamped to [0, 16]. */
static inline __attribute__((target("avx512f"), always_inline)) __mmask16 lanes_avx512(int64_t l, int64_t h)
{
    l = l < 0 ? 0 : l > 16 ? 16 : l;
    h = h < 0 ? 0 : h > 16 ? 16 : h;
    return (__mmask16)(((1u << h) - 1u) & ~((1u << l) - 1u));
}

/* Mask m of outputs in the lane order of VEVODD sums (see VFIX). */
static inline __attribute__((target("avx512f"), always_inline)) __mmask16 mask_s2_avx512(__mmask16 m)
{
    static const unsigned char ord[16] = {0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15};
    unsigned r = 0;
    for (unsigned l = 0; l < 16; l++)
        r |= ((m >> ord[l]) & 1u) << l;
    return (__mmask16)r;
}

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
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VMIN(a, b) _mm512_min_ps(a, b)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
/* In-lane shuffles as on AVX2 (vshufps: one cycle; permutex2var per tap made stride 2 slower than AVX2),
 * one cross-lane permute per output vector: lane l holds output ord[l], ord = 0 1 8 9 | 2 3 10 11 | ... */
#define VEVODD(a, b) _mm512_shuffle_ps(a, b, 0xD8)
#define VEVEN(a, b) _mm512_shuffle_ps(a, b, 0x88)
#define VODD(a, b) _mm512_shuffle_ps(a, b, 0xDD)
#define VFIX(v) _mm512_permutexvar_ps(_mm512_setr_epi32(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15), v)
#define VMASK_S2(m) mask_s2_avx512(m)
#define VMASK __mmask16
#define VLANES(l, h) lanes_avx512(l, h)
#define VLOAD_M(p, k) _mm512_maskz_loadu_ps(k, p)
#define VSTORE_M(p, v, k) _mm512_mask_storeu_ps(p, k, v)
#define VFMA_M(a, b, c, k) _mm512_mask3_fmadd_ps(a, b, c, k)

#include "ops/conv_depthwise_simd_impl.h"

void onr_dw_plane_f32_simd(onr_simd_level lv, const onr_dw_geom *G, const float *x, const float *w, float bias,
                           float *y)
{
    if (lv >= ONR_SIMD_AVX512)
        plane_avx512(G, x, w, bias, y);
    else
        plane_avx2(G, x, w, bias, y);
}

#else /* never called: onr_pool_simd_level() is ONR_SIMD_NONE in this build */

void onr_dw_plane_f32_simd(onr_simd_level lv, const onr_dw_geom *G, const float *x, const float *w, float bias,
                           float *y)
{
    (void)lv, (void)G, (void)x, (void)w, (void)bias, (void)y;
}

#endif
