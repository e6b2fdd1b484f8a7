/* pool_simd.c: AVX2 kernels of the float pooling fast paths (see pool_simd.h for the contract), compiled
 * with __attribute__((target("avx2"))) so the rest of the build stays baseline x86-64 (or any other
 * architecture, where only the stubs at the end are built and onr_pool_simd_avx2() says no).
 *
 * 2-D pooling is separable for both max and sum, so each output row is made in two vector passes over an
 * L1-resident scratch chunk (measured in BENCHMARKS.md against the direct per-window loop):
 *   vertical:   t[c] = op over the valid input rows of the window row, for the contiguous input columns
 *               that the interior output columns read (8 columns per instruction, any row count);
 *   horizontal: y[o] = op over t[o*s + j], j < k. Stride 1: k unaligned loads. Stride 2: the even and
 *               odd columns are split with in-lane shuffles (shuffle_ps 0x88 / 0xDD); taps combine in that
 *               shuffled lane order and one permute4x64 restores it at the end. Other strides: scalar.
 * Border columns (window clipped by the padding or the ceil-mode overhang) take the scalar path with the
 * spans from pool_geometry, so the vector loops have no per-element branches. The last vector of a row
 * overlaps the previous one instead of running a scalar tail: both passes are idempotent (no aliasing).
 *
 * NaN: MAXPS returns its second operand when either is NaN, so a NaN in the first operand would be lost.
 * nanmax(a, b) = max(a, b) | max(b, a): each max keeps a NaN from one side, and OR of a NaN with anything
 * is still a NaN (all-ones exponent, non-zero mantissa); for ordered inputs both maxes are equal (up to the
 * sign of zero, which compares equal). So any NaN tap gives NaN, as the generic kernel's PyTorch rule. */
#include "ops/pool_simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_KERNELS 1
#endif

#ifdef HAVE_AVX2_KERNELS
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define AVX2_INLINE static inline __attribute__((target("avx2"), always_inline))

bool onr_pool_simd_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

/* PyTorch-compatible scalar max (NaN wins), as in pool.c. */
#define MAXF(m, v) (((v) > (m) || isnan(v)) ? (v) : (m))

enum { TMP = 2048, TMP_PAD = 32 }; /* scratch floats per chunk; pad absorbs the stride-2 over-read */

AVX2_INLINE __m256 nanmax8(__m256 a, __m256 b)
{
    return _mm256_or_ps(_mm256_max_ps(a, b), _mm256_max_ps(b, a));
}

AVX2_INLINE __m256 op8(__m256 a, __m256 b, bool is_max)
{
    return is_max ? nanmax8(a, b) : _mm256_add_ps(a, b);
}

/* Output columns whose window lies wholly inside [0, in): [*lo, *hi) (same as pool.c). */
static void interior(const onr_pool_axis *ax, int64_t *lo, int64_t *hi)
{
    int64_t l = onr_ceildiv(ax->pad_begin, ax->stride);
    int64_t h = onr_floordiv(ax->in + ax->pad_begin - ax->kernel, ax->stride) + 1;
    if (l > ax->out)
        l = ax->out;
    if (h > ax->out)
        h = ax->out;
    if (h < l)
        h = l;
    *lo = l;
    *hi = h;
}

/* One output whose window is clipped: scalar over the valid taps; empty windows as pool.c. */
static float border(const float *xp, int64_t iw, const onr_pool_span *sh, const onr_pool_span *sw, bool is_max,
                    bool cip)
{
    if (sh->count == 0 || sw->count == 0)
        return is_max ? 0.0f : (cip ? 0.0f : NAN);
    const float *r = xp + sh->first * iw + sw->first;
    if (is_max) {
        float m = r[0];
        for (int64_t i = 0; i < sh->count; i++, r += iw)
            for (int64_t j = 0; j < sw->count; j++)
                m = MAXF(m, r[j]);
        return m;
    }
    float acc = 0.0f;
    for (int64_t i = 0; i < sh->count; i++, r += iw)
        for (int64_t j = 0; j < sw->count; j++)
            acc += r[j];
    return (float)(acc / (double)(cip ? sh->padded * sw->padded : sh->count * sw->count));
}

/* t[c] = op over rows i < nr of r[i*rs + c], c < n. Inlined with constant nr for the common 2 and 3. */
AVX2_INLINE void vertical(float *t, const float *r, int64_t rs, int64_t nr, int64_t n, bool is_max)
{
    if (n < 8) {
        for (int64_t c = 0; c < n; c++) {
            float m = r[c];
            for (int64_t i = 1; i < nr; i++)
                m = is_max ? MAXF(m, r[i * rs + c]) : m + r[i * rs + c];
            t[c] = m;
        }
        return;
    }
    for (int64_t c = 0;; c += 8) {
        if (c > n - 8)
            c = n - 8; /* last vector overlaps the previous one */
        __m256 m = _mm256_loadu_ps(r + c);
        for (int64_t i = 1; i < nr; i++)
            m = op8(m, _mm256_loadu_ps(r + i * rs + c), is_max);
        _mm256_storeu_ps(t + c, m);
        if (c == n - 8)
            break;
    }
}

/* y[o] = op over j < k of t[o*s + j], o < n, then (sum) times scale. t holds (n-1)*s + k values and
 * TMP_PAD readable floats after them. */
AVX2_INLINE void horizontal(float *y, const float *t, int64_t n, int64_t k, int64_t s, bool is_max, float scale)
{
    if (n < 8 || s > 2) {
        for (int64_t o = 0; o < n; o++) {
            const float *c = t + o * s;
            float m = c[0];
            for (int64_t j = 1; j < k; j++)
                m = is_max ? MAXF(m, c[j]) : m + c[j];
            y[o] = is_max ? m : m * scale;
        }
        return;
    }
    const __m256 vs = _mm256_set1_ps(scale);
    for (int64_t o = 0;; o += 8) {
        if (o > n - 8)
            o = n - 8;
        __m256 m;
        if (s == 1) {
            m = _mm256_loadu_ps(t + o);
            for (int64_t j = 1; j < k; j++)
                m = op8(m, _mm256_loadu_ps(t + o + j), is_max);
        } else {
            const float *c = t + 2 * o;
            __m256 a = _mm256_loadu_ps(c), b = _mm256_loadu_ps(c + 8);
            m = _mm256_shuffle_ps(a, b, 0x88); /* even columns, lanes [0 2 8 10 | 4 6 12 14] */
            if (k > 1)
                m = op8(m, _mm256_shuffle_ps(a, b, 0xDD), is_max); /* odd columns, same lane order */
            for (int64_t j = 2; j < k; j += 2) {
                a = _mm256_loadu_ps(c + j);
                b = _mm256_loadu_ps(c + j + 8);
                m = op8(m, _mm256_shuffle_ps(a, b, 0x88), is_max);
                if (j + 1 < k)
                    m = op8(m, _mm256_shuffle_ps(a, b, 0xDD), is_max);
            }
            m = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), 0xD8)); /* 64-bit pairs 0 2 1 3 */
        }
        _mm256_storeu_ps(y + o, is_max ? m : _mm256_mul_ps(m, vs));
        if (o == n - 8)
            break;
    }
}

/* The interior columns of one output row, chunked through the scratch row. Specialised by the compiler
 * for the (rows, kernel, stride) triples that the dispatch below passes as constants. */
AVX2_INLINE void interior_row(float *yr, const float *rows, float *tmp, int64_t iw, int64_t nr, int64_t lo,
                              int64_t hi, int64_t kw, int64_t sw, int64_t pw, int64_t ochunk, bool is_max,
                              float scale)
{
    for (int64_t o0 = lo; o0 < hi; o0 += ochunk) {
        const int64_t n = hi - o0 < ochunk ? hi - o0 : ochunk;
        const int64_t c0 = o0 * sw - pw, nc = (n - 1) * sw + kw;
        vertical(tmp, rows + c0, iw, nr, nc, is_max);
        horizontal(yr + o0, tmp, n, kw, sw, is_max, scale);
    }
}

AVX2 void onr_pool2d_f32_avx2(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                              size_t p1)
{
    const onr_pool_axis *ah = &g->ax[0], *aw = &g->ax[1];
    const int64_t iw = aw->in, oh_n = ah->out, ow_n = aw->out, kw = aw->kernel, sw = aw->stride,
                  pw = aw->pad_begin;
    const size_t in_plane = (size_t)(ah->in * iw), out_plane = (size_t)(oh_n * ow_n);
    /* outputs per chunk: their input columns (n-1)*s + k must fit in the scratch row */
    const int64_t ochunk = kw > TMP ? 0 : (TMP - kw) / sw + 1;
    float tmp[TMP + TMP_PAD] __attribute__((aligned(32)));
    int64_t lo, hi;
    interior(aw, &lo, &hi);
    if (ochunk == 0)
        hi = lo; /* a kernel wider than the scratch row: everything through the scalar border path */
    memset(tmp, 0, sizeof tmp); /* the over-read lanes are discarded, but keep them defined */
    for (size_t pl = p0; pl < p1; pl++) {
        const float *xp = x + pl * in_plane;
        float *yp = y + pl * out_plane;
        for (int64_t oh = 0; oh < oh_n; oh++) {
            const onr_pool_span sh = onr_pool_window(ah, oh);
            float *yr = yp + oh * ow_n;
            for (int64_t ow = 0; ow < lo; ow++) {
                const onr_pool_span sp = onr_pool_window(aw, ow);
                yr[ow] = border(xp, iw, &sh, &sp, is_max, cip);
            }
            for (int64_t ow = hi; ow < ow_n; ow++) {
                const onr_pool_span sp = onr_pool_window(aw, ow);
                yr[ow] = border(xp, iw, &sh, &sp, is_max, cip);
            }
            if (hi <= lo)
                continue;
            if (sh.count == 0) { /* a row of windows wholly in the padding */
                for (int64_t ow = lo; ow < hi; ow++)
                    yr[ow] = is_max ? 0.0f : (cip ? 0.0f : NAN);
                continue;
            }
            const float *rows = xp + sh.first * iw;
            const int64_t nr = sh.count;
            const float scale = is_max ? 1.0f : (float)(1.0 / (double)((cip ? sh.padded : sh.count) * kw));
            /* constant arguments let the compiler unroll the common shapes */
            if (is_max) {
                if (nr == 2 && kw == 2 && sw == 2)
                    interior_row(yr, rows, tmp, iw, 2, lo, hi, 2, 2, pw, ochunk, true, scale);
                else if (nr == 3 && kw == 3 && sw == 2)
                    interior_row(yr, rows, tmp, iw, 3, lo, hi, 3, 2, pw, ochunk, true, scale);
                else if (nr == 3 && kw == 3 && sw == 1)
                    interior_row(yr, rows, tmp, iw, 3, lo, hi, 3, 1, pw, ochunk, true, scale);
                else
                    interior_row(yr, rows, tmp, iw, nr, lo, hi, kw, sw, pw, ochunk, true, scale);
            } else {
                if (nr == 2 && kw == 2 && sw == 2)
                    interior_row(yr, rows, tmp, iw, 2, lo, hi, 2, 2, pw, ochunk, false, scale);
                else if (nr == 3 && kw == 3 && sw == 1)
                    interior_row(yr, rows, tmp, iw, 3, lo, hi, 3, 1, pw, ochunk, false, scale);
                else if (nr == 2 && kw == 3 && sw == 1)
                    interior_row(yr, rows, tmp, iw, 2, lo, hi, 3, 1, pw, ochunk, false, scale);
                else
                    interior_row(yr, rows, tmp, iw, nr, lo, hi, kw, sw, pw, ochunk, false, scale);
            }
        }
    }
}

/* --- global pools ------------------------------------------------------------------------------- */

/* maskload masks: mask_tab + 8 - r has its first r lanes set. */
static const int32_t mask_tab[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

AVX2_INLINE double hsum_double(__m256 v)
{
    __m256d d = _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(d), _mm256_extractf128_pd(d, 1));
    return _mm_cvtsd_f64(h) + _mm_cvtsd_f64(_mm_unpackhi_pd(h, h));
}

/* Sum (or sum of squares) of x[0..n): float lanes within blocks of 1024 elements, blocks in double. */
AVX2_INLINE double sum_f32(const float *x, size_t n, bool sq)
{
    double total = 0.0;
    for (size_t b = 0; b < n; b += 1024) {
        const size_t e = n - b > 1024 ? b + 1024 : n;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        size_t i = b;
        for (; i + 32 <= e; i += 32) {
            __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8), v2 = _mm256_loadu_ps(x + i + 16),
                   v3 = _mm256_loadu_ps(x + i + 24);
            a0 = _mm256_add_ps(a0, sq ? _mm256_mul_ps(v0, v0) : v0);
            a1 = _mm256_add_ps(a1, sq ? _mm256_mul_ps(v1, v1) : v1);
            a2 = _mm256_add_ps(a2, sq ? _mm256_mul_ps(v2, v2) : v2);
            a3 = _mm256_add_ps(a3, sq ? _mm256_mul_ps(v3, v3) : v3);
        }
        for (; i + 8 <= e; i += 8) {
            __m256 v = _mm256_loadu_ps(x + i);
            a1 = _mm256_add_ps(a1, sq ? _mm256_mul_ps(v, v) : v);
        }
        if (i < e) {
            __m256 v = _mm256_maskload_ps(x + i, _mm256_loadu_si256((const __m256i *)(mask_tab + 8 - (e - i))));
            a2 = _mm256_add_ps(a2, sq ? _mm256_mul_ps(v, v) : v);
        }
        total += hsum_double(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    }
    return total;
}

AVX2 void onr_global_avg_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t pl = p0; pl < p1; pl++)
        y[pl] = (float)(sum_f32(x + pl * plane, plane, false) / (double)plane);
}

AVX2 void onr_global_l2_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t pl = p0; pl < p1; pl++)
        y[pl] = (float)sqrt(sum_f32(x + pl * plane, plane, true));
}

AVX2 void onr_global_max_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t pl = p0; pl < p1; pl++) {
        const float *xp = x + pl * plane;
        float m;
        if (plane < 8) {
            m = xp[0];
            for (size_t i = 1; i < plane; i++)
                m = MAXF(m, xp[i]);
        } else {
            __m256 m0 = _mm256_loadu_ps(xp), m1 = m0, m2 = m0, m3 = m0;
            size_t i = 8;
            for (; i + 32 <= plane; i += 32) {
                m0 = nanmax8(m0, _mm256_loadu_ps(xp + i));
                m1 = nanmax8(m1, _mm256_loadu_ps(xp + i + 8));
                m2 = nanmax8(m2, _mm256_loadu_ps(xp + i + 16));
                m3 = nanmax8(m3, _mm256_loadu_ps(xp + i + 24));
            }
            for (; i + 8 <= plane; i += 8)
                m0 = nanmax8(m0, _mm256_loadu_ps(xp + i));
            if (i < plane) /* overlapping last vector: max is idempotent */
                m1 = nanmax8(m1, _mm256_loadu_ps(xp + plane - 8));
            m0 = nanmax8(nanmax8(m0, m1), nanmax8(m2, m3));
            float lanes[8];
            _mm256_storeu_ps(lanes, m0);
            m = lanes[0];
            for (int j = 1; j < 8; j++)
                m = MAXF(m, lanes[j]);
        }
        y[pl] = m;
    }
}

#else /* no AVX2 kernels in this build: never called, since onr_pool_simd_avx2() is false */

bool onr_pool_simd_avx2(void)
{
    return false;
}

void onr_pool2d_f32_avx2(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                         size_t p1)
{
    (void)g, (void)is_max, (void)cip, (void)x, (void)y, (void)p0, (void)p1;
}

void onr_global_max_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

void onr_global_avg_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

void onr_global_l2_f32_avx2(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    (void)x, (void)plane, (void)y, (void)p0, (void)p1;
}

#endif
