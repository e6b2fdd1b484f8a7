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

/* -DONR_POOL_NO_SIMD builds without them (to measure or debug the portable fast path on x86). */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && !defined(ONR_POOL_NO_SIMD)
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

/* Output columns whose window lies wholly inside [0, in): [*lo, *hi) (same as pool.c). Every function
 * here is compiled for AVX2, even scalar ones: legacy-SSE code called while the upper halves of the ymm
 * registers are dirty stalls on every instruction (measured: 12x slower border columns). */
AVX2 static void interior(const onr_pool_axis *ax, int64_t *lo, int64_t *hi)
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
AVX2 static float border(const float *xp, int64_t iw, const onr_pool_span *sh, const onr_pool_span *sw, bool is_max,
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

/* y[o] = op over j < k of t[o*s + j], o < n; a sum is then scaled by colinv[o] (when not NULL) and by
 * scale. t holds (n-1)*s + k values and TMP_PAD readable floats after them. */
AVX2_INLINE void horizontal(float *y, const float *t, int64_t n, int64_t k, int64_t s, bool is_max, float scale,
                            const float *colinv)
{
    if (n < 8 || s > 2) {
        for (int64_t o = 0; o < n; o++) {
            const float *c = t + o * s;
            float m = c[0];
            for (int64_t j = 1; j < k; j++)
                m = is_max ? MAXF(m, c[j]) : m + c[j];
            y[o] = is_max ? m : (colinv ? m * colinv[o] : m) * scale;
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
        if (!is_max) {
            if (colinv)
                m = _mm256_mul_ps(m, _mm256_loadu_ps(colinv + o));
            m = _mm256_mul_ps(m, vs);
        }
        _mm256_storeu_ps(y + o, m);
        if (o == n - 8)
            break;
    }
}

/* Vertical pass with the row count as a compile-time constant for the common 2 and 3. */
AVX2_INLINE void vertical_any(float *t, const float *r, int64_t rs, int64_t nr, int64_t n, bool is_max)
{
    if (nr == 2)
        vertical(t, r, rs, 2, n, is_max);
    else if (nr == 3)
        vertical(t, r, rs, 3, n, is_max);
    else
        vertical(t, r, rs, nr, n, is_max);
}

/* What every plane of one call shares. Two ways to make a plane:
 *  - padded rows (the scratch holds a whole row): each output row's vertical pass covers the full input
 *    width and lands between pad columns (-inf for max: never a candidate; 0 for sums: adds nothing),
 *    so the horizontal pass runs over every output column with no border case at all; an average then
 *    scales column o by colinv[o] = 1 / (its valid or padded-extent tap count) and the row by its own
 *    factor. Columns whose window has no valid tap (possible only when a pad reaches a whole kernel)
 *    are set afterwards as the generic kernel sets them.
 *  - chunks (rows wider than the scratch): the interior columns in vector chunks, the few border
 *    columns with the scalar `border`.
 * Spans of rows and border columns are computed once per call, not per plane: onr_pool_window divides,
 * and per row that cost more than the vector work of a 28-wide row. */
typedef struct row_desc {
    int64_t off;   /* first valid input row * row length */
    int64_t count; /* valid input rows; 0: the whole output row is windows in the padding */
    float scale;   /* averages: 1 / (valid rows, or rows inside the declared padding with cip) */
} row_desc;

enum { MAX_BORDER = 64, GROUP_MAX = TMP / 8, MAX_ROWS = 1024 };

typedef struct plane_ctx {
    const onr_pool_geom *g;
    bool cip;
    int64_t ts;            /* scratch row stride */
    int64_t group;         /* output rows per scratch block */
    float *tmp;
    row_desc *rows;        /* all output rows (all_rows) or the current group's */
    bool all_rows;
    /* padded mode */
    int64_t pl, pr;        /* pad columns left of and right of the input in a scratch row */
    const float *colinv;   /* averages: per output column */
    const int64_t *empty;  /* output columns with no valid tap, n_empty of them */
    int64_t n_empty;
    /* chunk mode */
    int64_t lo, hi;        /* interior output columns */
    const onr_pool_span *bspan; /* spans of the border columns [0, lo) then [hi, out), or NULL: compute */
} plane_ctx;

AVX2_INLINE row_desc make_row(const onr_pool_geom *g, int64_t oh, bool cip)
{
    const onr_pool_span sh = onr_pool_window(&g->ax[0], oh);
    row_desc r = {sh.first * g->ax[1].in, sh.count, 0.0f};
    if (sh.count > 0)
        r.scale = (float)(1.0 / (double)(cip ? sh.padded : sh.count));
    return r;
}

AVX2_INLINE onr_pool_span col_span(const plane_ctx *c, int64_t ow)
{
    if (!c->bspan)
        return onr_pool_window(&c->g->ax[1], ow);
    return c->bspan[ow < c->lo ? ow : c->lo + (ow - c->hi)];
}

/* Padded mode, one plane; kw and sw are compile-time constants for the common shapes. A group of output
 * rows first gets its vertical passes into the scratch block, then its horizontal passes: the horizontal
 * loads read scratch written a whole group earlier, never a store still in flight (right after the
 * store, an unaligned load that straddles two stores cannot be forwarded and waits for both to reach
 * L1). */
AVX2_INLINE void plane_padded(const plane_ctx *c, const float *xp, float *yp, bool is_max, int64_t kw, int64_t sw)
{
    const onr_pool_axis *aw = &c->g->ax[1];
    const int64_t iw = aw->in, oh_n = c->g->ax[0].out, ow_n = aw->out, pl = c->pl, pr = c->pr, ts = c->ts;
    const bool cip = c->cip;
    const float emptyv = is_max ? 0.0f : (cip ? 0.0f : NAN);
    const __m256 padv = _mm256_set1_ps(is_max ? -INFINITY : 0.0f);
    for (int64_t oh0 = 0; oh0 < oh_n; oh0 += c->group) {
        const int64_t oh1 = oh_n - oh0 < c->group ? oh_n : oh0 + c->group;
        const row_desc *rows = c->rows;
        if (!c->all_rows)
            for (int64_t oh = oh0; oh < oh1; oh++)
                c->rows[oh - oh0] = make_row(c->g, oh, cip);
        else
            rows += oh0;
        for (int64_t i = 0; i < oh1 - oh0; i++) {
            if (rows[i].count == 0)
                continue;
            float *t = c->tmp + i * ts;
            /* left pad first (the vertical pass then overwrites t[pl..8)); the right pad after it, spilling
             * into the next scratch row, which its own pass rewrites later, or into TMP_PAD */
            for (int64_t j = 0; j < pl; j += 8)
                _mm256_storeu_ps(t + j, padv);
            vertical_any(t + pl, xp + rows[i].off, iw, rows[i].count, iw, is_max);
            for (int64_t j = 0; j < pr; j += 8)
                _mm256_storeu_ps(t + pl + iw + j, padv);
        }
        for (int64_t i = 0; i < oh1 - oh0; i++) {
            float *yr = yp + (oh0 + i) * ow_n;
            if (rows[i].count == 0) { /* a row of windows wholly in the padding */
                for (int64_t ow = 0; ow < ow_n; ow++)
                    yr[ow] = emptyv;
                continue;
            }
            horizontal(yr, c->tmp + i * ts, ow_n, kw, sw, is_max, rows[i].scale, c->colinv);
            for (int64_t e = 0; e < c->n_empty; e++)
                yr[c->empty[e]] = emptyv;
        }
    }
}

AVX2_INLINE void planes_padded(const plane_ctx *c, const float *x, float *y, size_t p0, size_t p1, size_t in_plane,
                               size_t out_plane, bool is_max, int64_t kw, int64_t sw)
{
    for (size_t p = p0; p < p1; p++)
        plane_padded(c, x + p * in_plane, y + p * out_plane, is_max, kw, sw);
}

/* Chunk mode, one plane: one output row at a time; interior columns in vector chunks, borders scalar. */
AVX2_INLINE void plane_chunks(const plane_ctx *c, const float *xp, float *yp, bool is_max)
{
    const onr_pool_axis *ah = &c->g->ax[0], *aw = &c->g->ax[1];
    const int64_t iw = aw->in, oh_n = ah->out, ow_n = aw->out, kw = aw->kernel, sw = aw->stride,
                  pw = aw->pad_begin, lo = c->lo, hi = c->hi;
    const bool cip = c->cip;
    const int64_t ochunk = (TMP - kw) / sw + 1;
    for (int64_t oh = 0; oh < oh_n; oh++) {
        const onr_pool_span sh = onr_pool_window(ah, oh);
        float *yr = yp + oh * ow_n;
        for (int64_t ow = 0; ow < lo; ow++) {
            const onr_pool_span sp = col_span(c, ow);
            yr[ow] = border(xp, iw, &sh, &sp, is_max, cip);
        }
        for (int64_t ow = hi; ow < ow_n; ow++) {
            const onr_pool_span sp = col_span(c, ow);
            yr[ow] = border(xp, iw, &sh, &sp, is_max, cip);
        }
        if (hi <= lo)
            continue;
        if (sh.count == 0) {
            for (int64_t ow = lo; ow < hi; ow++)
                yr[ow] = is_max ? 0.0f : (cip ? 0.0f : NAN);
            continue;
        }
        const float *rows = xp + sh.first * iw + (lo * sw - pw);
        const float sc = is_max ? 1.0f : (float)(1.0 / (double)((cip ? sh.padded : sh.count) * kw));
        for (int64_t o0 = lo; o0 < hi; o0 += ochunk) {
            const int64_t n = hi - o0 < ochunk ? hi - o0 : ochunk;
            vertical_any(c->tmp, rows + (o0 - lo) * sw, iw, sh.count, (n - 1) * sw + kw, is_max);
            horizontal(yr + o0, c->tmp, n, kw, sw, is_max, sc, NULL);
        }
    }
}

AVX2 void onr_pool2d_f32_avx2(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                              size_t p1)
{
    const onr_pool_axis *aw = &g->ax[1];
    const int64_t iw = aw->in, oh_n = g->ax[0].out, ow_n = aw->out, kw = aw->kernel, sw = aw->stride,
                  pw = aw->pad_begin;
    const size_t in_plane = (size_t)(g->ax[0].in * iw), out_plane = (size_t)(oh_n * ow_n);
    float tmp[TMP + TMP_PAD] __attribute__((aligned(32)));
    float colinv[TMP];
    int64_t empty[TMP];
    onr_pool_span bspan[2 * MAX_BORDER];
    row_desc rows[MAX_ROWS];
    plane_ctx c = {.g = g, .cip = cip, .tmp = tmp, .rows = rows};
    memset(tmp, 0, sizeof tmp); /* over-read lanes are discarded, but keep them defined */

    /* scratch row: pl pad columns, the iw input columns, then pad up to the last window's end */
    const int64_t span = (ow_n - 1) * sw + kw; /* columns -pw .. span-pw-1 are read */
    c.pl = pw;
    c.pr = span - pw - iw > 0 ? span - pw - iw : 0;
    c.ts = (c.pl + iw + c.pr + 7) & ~(int64_t)7;
    if (c.ts <= TMP) {
        c.group = TMP / c.ts < GROUP_MAX ? TMP / c.ts : GROUP_MAX;
        c.all_rows = oh_n <= MAX_ROWS;
        for (int64_t oh = 0; c.all_rows && oh < oh_n; oh++)
            rows[oh] = make_row(g, oh, cip);
        for (int64_t ow = 0; ow < ow_n; ow++) {
            const onr_pool_span sp = onr_pool_window(aw, ow);
            if (sp.count == 0)
                empty[c.n_empty++] = ow;
            colinv[ow] = (float)(1.0 / (double)(cip ? sp.padded : sp.count)); /* inf when empty: fixed up */
        }
        c.colinv = is_max ? NULL : colinv;
        c.empty = empty;
        /* constant (kernel, stride) for the shapes networks use, so the compiler unrolls the taps */
        if (is_max) {
            if (kw == 2 && sw == 2)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, true, 2, 2);
            else if (kw == 3 && sw == 2)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, true, 3, 2);
            else if (kw == 3 && sw == 1)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, true, 3, 1);
            else
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, true, kw, sw);
        } else {
            if (kw == 2 && sw == 2)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, false, 2, 2);
            else if (kw == 3 && sw == 2)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, false, 3, 2);
            else if (kw == 3 && sw == 1)
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, false, 3, 1);
            else
                planes_padded(&c, x, y, p0, p1, in_plane, out_plane, false, kw, sw);
        }
        return;
    }
    interior(aw, &c.lo, &c.hi);
    if (kw > TMP)
        c.hi = c.lo; /* a kernel wider than the scratch row: everything through the scalar border path */
    if (c.lo <= MAX_BORDER && ow_n - c.hi <= MAX_BORDER) {
        for (int64_t ow = 0; ow < c.lo; ow++)
            bspan[ow] = onr_pool_window(aw, ow);
        for (int64_t ow = c.hi; ow < ow_n; ow++)
            bspan[c.lo + ow - c.hi] = onr_pool_window(aw, ow);
        c.bspan = bspan;
    }
    for (size_t p = p0; p < p1; p++) {
        if (is_max)
            plane_chunks(&c, x + p * in_plane, y + p * out_plane, true);
        else
            plane_chunks(&c, x + p * in_plane, y + p * out_plane, false);
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
