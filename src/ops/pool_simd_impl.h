/* pool_simd_impl.h: the vector pooling kernels written once over a vector width, included by pool_simd.c
 * once per instruction set (AVX2: 8 lanes; AVX-512: 16 lanes) with these macros defined:
 *   NAME(x)            x suffixed with the ISA (pool2d_f32 -> pool2d_f32_avx2)
 *   FN / FN_INLINE     function attributes: target(...) [and always_inline]
 *   VEC, VW            vector type and lanes; VMASKS 1 when masked loads/stores are cheap (AVX-512)
 *   VLOAD VSTORE VSET1 VZERO VADD VMUL VMAX VOR
 *   VEVEN(a,b) VODD(a,b) the even / odd lanes of the 2*VW floats a:b, in some lane order that VFIX(v)
 *                      turns into natural order (AVX2 shuffles within 128-bit halves, then one permute)
 *   VLOAD_N(p,n) VSTORE_N(p,v,n)  the first n < VW lanes only (VMASKS), never touching memory past them
 *   VTAIL_LOAD(p,n)    the first n lanes, zeros elsewhere (global sums)
 *   VSUM_DOUBLE(v)     the lanes summed in double; VHMAX(v) their NaN-propagating max
 *   VECI VLOADI VSET1I  int32 lanes; VMASK VGT_I(a,b) lanes where a > b (signed)
 *   VMASK_ADD(m,k,t)   m + t where k, m elsewhere; VMASK_NANMAX(m,k,t,neg_inf) likewise with nanmax
 * Every function is compiled for the ISA, scalar ones too: legacy-SSE code run while the upper vector
 * halves are dirty stalls on every instruction (measured: border columns 12x slower). See pool_simd.c for
 * the algorithms; this file is the code. */

FN_INLINE VEC NAME(nanmax)(VEC a, VEC b)
{
    return VOR(VMAX(a, b), VMAX(b, a));
}

FN_INLINE VEC NAME(op)(VEC a, VEC b, bool is_max)
{
    return is_max ? NAME(nanmax)(a, b) : VADD(a, b);
}

/* Output columns whose window lies wholly inside [0, in): [*lo, *hi) (same as pool.c). */
FN static void NAME(interior)(const onr_pool_axis *ax, int64_t *lo, int64_t *hi)
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
FN static float NAME(border)(const float *xp, int64_t iw, const onr_pool_span *sh, const onr_pool_span *sw,
                             bool is_max, bool cip)
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

/* t[c] = op over rows i < nr of r[i*rs + c], c < n. The last full vector overlaps the one before instead
 * of a scalar tail (the pass is idempotent: t never aliases r); rows narrower than a vector are masked
 * (AVX-512) or scalar. */
FN_INLINE void NAME(vertical)(float *t, const float *r, int64_t rs, int64_t nr, int64_t n, bool is_max)
{
    if (n < VW) {
#if VMASKS
        VEC m = VLOAD_N(r, n);
        for (int64_t i = 1; i < nr; i++)
            m = NAME(op)(m, VLOAD_N(r + i * rs, n), is_max);
        VSTORE_N(t, m, n);
#else
        for (int64_t c = 0; c < n; c++) {
            float m = r[c];
            for (int64_t i = 1; i < nr; i++)
                m = is_max ? MAXF(m, r[i * rs + c]) : m + r[i * rs + c];
            t[c] = m;
        }
#endif
        return;
    }
    for (int64_t c = 0;; c += VW) {
        if (c > n - VW)
            c = n - VW;
        VEC m = VLOAD(r + c);
        for (int64_t i = 1; i < nr; i++)
            m = NAME(op)(m, VLOAD(r + i * rs + c), is_max);
        VSTORE(t + c, m);
        if (c == n - VW)
            break;
    }
}

FN_INLINE void NAME(vertical_any)(float *t, const float *r, int64_t rs, int64_t nr, int64_t n, bool is_max)
{
    if (nr == 2)
        NAME(vertical)(t, r, rs, 2, n, is_max);
    else if (nr == 3)
        NAME(vertical)(t, r, rs, 3, n, is_max);
    else
        NAME(vertical)(t, r, rs, nr, n, is_max);
}

/* One vector of outputs o .. o+VW-1: op over j < k of t[o*s + j]. Stride 2 splits even and odd columns
 * (VEVEN / VODD), combines the taps in that lane order and fixes the order once at the end. */
FN_INLINE VEC NAME(hvec)(const float *t, int64_t o, int64_t k, int64_t s, bool is_max)
{
    VEC m;
    if (s == 1) {
        m = VLOAD(t + o);
        for (int64_t j = 1; j < k; j++)
            m = NAME(op)(m, VLOAD(t + o + j), is_max);
        return m;
    }
    const float *c = t + 2 * o;
    VEC a = VLOAD(c), b = VLOAD(c + VW);
    m = VEVEN(a, b);
    if (k > 1)
        m = NAME(op)(m, VODD(a, b), is_max);
    for (int64_t j = 2; j < k; j += 2) {
        a = VLOAD(c + j);
        b = VLOAD(c + j + VW);
        m = NAME(op)(m, VEVEN(a, b), is_max);
        if (j + 1 < k)
            m = NAME(op)(m, VODD(a, b), is_max);
    }
    return VFIX(m);
}

/* y[o] = op over j < k of t[o*s + j], o < n; a sum is then scaled by colinv[o] (when not NULL) and by
 * scale. t is scratch: (n-1)*s + k values and TMP_PAD readable floats after them. */
FN_INLINE void NAME(horizontal)(float *y, const float *t, int64_t n, int64_t k, int64_t s, bool is_max, float scale,
                                const float *colinv)
{
    const VEC vs = VSET1(scale);
    if (s > 2 || (n < VW && !VMASKS)) {
        for (int64_t o = 0; o < n; o++) {
            const float *c = t + o * s;
            float m = c[0];
            for (int64_t j = 1; j < k; j++)
                m = is_max ? MAXF(m, c[j]) : m + c[j];
            y[o] = is_max ? m : (colinv ? m * colinv[o] : m) * scale;
        }
        return;
    }
#if VMASKS
    if (n < VW) { /* the loads stay inside the scratch; only the store is masked */
        VEC m = NAME(hvec)(t, 0, k, s, is_max);
        if (!is_max)
            m = VMUL(colinv ? VMUL(m, VLOAD_N(colinv, n)) : m, vs);
        VSTORE_N(y, m, n);
        return;
    }
#endif
    for (int64_t o = 0;; o += VW) {
        if (o > n - VW)
            o = n - VW;
        VEC m = NAME(hvec)(t, o, k, s, is_max);
        if (!is_max)
            m = VMUL(colinv ? VMUL(m, VLOAD(colinv + o)) : m, vs);
        VSTORE(y + o, m);
        if (o == n - VW)
            break;
    }
}

FN_INLINE row_desc NAME(make_row)(const onr_pool_geom *g, int64_t oh, bool cip)
{
    const onr_pool_span sh = onr_pool_window(&g->ax[0], oh);
    row_desc r = {sh.count > 0 ? sh.first * g->ax[1].in : 0, sh.count, 0.0f}; /* empty: `first` may be anywhere */
    if (sh.count > 0)
        r.scale = (float)(1.0 / (double)(cip ? sh.padded : sh.count));
    return r;
}

/* Vertical passes of a group of output rows, column vector outer and rows inner: per row only a few
 * pointer steps remain (row-at-a-time passes spent more on per-row setup than on a 28-wide row's vectors).
 * kh is the kernel height as a constant for the common shapes; border rows with fewer valid rows take
 * the loop. Writes only the input columns [pl, pl + iw) of each scratch row. */
FN_INLINE void NAME(vertical_group)(const plane_ctx *c, const row_desc *rows, int64_t nrows, const float *xp,
                                    bool is_max, int64_t kh)
{
    const int64_t iw = c->g->ax[1].in, ts = c->ts;
    float *t0 = c->tmp + c->pl;
    if (iw < VW) {
        for (int64_t i = 0; i < nrows; i++)
            if (rows[i].count > 0)
                NAME(vertical_any)(t0 + i * ts, xp + rows[i].off, iw, rows[i].count, iw, is_max);
        return;
    }
    for (int64_t cb = 0;; cb += VW) {
        if (cb > iw - VW)
            cb = iw - VW; /* the last vector overlaps the one before */
        for (int64_t i = 0; i < nrows; i++) {
            const int64_t n = rows[i].count;
            const float *r = xp + rows[i].off + cb;
            if (n == 0)
                continue;
            VEC m = VLOAD(r);
            if (n == kh)
                for (int64_t j = 1; j < kh; j++)
                    m = NAME(op)(m, VLOAD(r + j * iw), is_max);
            else
                for (int64_t j = 1; j < n; j++)
                    m = NAME(op)(m, VLOAD(r + j * iw), is_max);
            VSTORE(t0 + i * ts + cb, m);
        }
        if (cb == iw - VW)
            break;
    }
}

/* Horizontal passes of a group, column vector outer and rows inner, likewise; averages scaled by the
 * column's and the row's factors. Rows narrower than a vector, or strides above 2, go row by row. */
FN_INLINE void NAME(horizontal_group)(const plane_ctx *c, const row_desc *rows, int64_t nrows, float *yp,
                                      bool is_max, int64_t kw, int64_t sw)
{
    const int64_t ow_n = c->g->ax[1].out, ts = c->ts;
    if (sw > 2 || ow_n < VW) {
        for (int64_t i = 0; i < nrows; i++)
            if (rows[i].count > 0)
                NAME(horizontal)(yp + i * ow_n, c->tmp + i * ts, ow_n, kw, sw, is_max, rows[i].scale, c->colinv);
        return;
    }
    for (int64_t o = 0;; o += VW) {
        if (o > ow_n - VW)
            o = ow_n - VW;
        const VEC ci = c->colinv ? VLOAD(c->colinv + o) : VZERO();
        for (int64_t i = 0; i < nrows; i++) {
            if (rows[i].count == 0)
                continue;
            VEC m = NAME(hvec)(c->tmp + i * ts, o, kw, sw, is_max);
            if (!is_max)
                m = VMUL(c->colinv ? VMUL(m, ci) : m, VSET1(rows[i].scale));
            VSTORE(yp + i * ow_n + o, m);
        }
        if (o == ow_n - VW)
            break;
    }
}

/* Padded mode, one plane; kh, kw and sw are compile-time constants for the common shapes. A group of
 * output rows first gets its vertical passes into the scratch block, then its horizontal passes: the
 * horizontal loads read scratch written a whole group earlier, never a store still in flight (right after
 * the store, an unaligned load that straddles two stores cannot be forwarded and waits for both to reach
 * L1). The pad columns of the scratch were set once per call. */
FN_INLINE void NAME(plane_padded)(const plane_ctx *c, const float *xp, float *yp, bool is_max, int64_t kh,
                                  int64_t kw, int64_t sw)
{
    const int64_t oh_n = c->g->ax[0].out, ow_n = c->g->ax[1].out;
    const float emptyv = is_max ? 0.0f : (c->cip ? 0.0f : NAN);
    for (int64_t oh0 = 0; oh0 < oh_n; oh0 += c->group) {
        const int64_t n = oh_n - oh0 < c->group ? oh_n - oh0 : c->group;
        const row_desc *rows = c->rows;
        if (!c->all_rows)
            for (int64_t i = 0; i < n; i++)
                c->rows[i] = NAME(make_row)(c->g, oh0 + i, c->cip);
        else
            rows += oh0;
        if (c->narrow) {
            NAME(vertical_group)(c, rows, n, xp, is_max, kh);
            NAME(horizontal_group)(c, rows, n, yp + oh0 * ow_n, is_max, kw, sw);
        } else { /* wide rows: row by row, streaming through each row (column-outer loses the prefetcher) */
            const int64_t iw = c->g->ax[1].in;
            for (int64_t i = 0; i < n; i++)
                if (rows[i].count > 0)
                    NAME(vertical_any)(c->tmp + i * c->ts + c->pl, xp + rows[i].off, iw, rows[i].count, iw, is_max);
            for (int64_t i = 0; i < n; i++)
                if (rows[i].count > 0)
                    NAME(horizontal)(yp + (oh0 + i) * ow_n, c->tmp + i * c->ts, ow_n, kw, sw, is_max, rows[i].scale,
                                     c->colinv);
        }
        for (int64_t i = 0; i < n; i++) {
            float *yr = yp + (oh0 + i) * ow_n;
            if (rows[i].count == 0) /* a row of windows wholly in the padding */
                for (int64_t ow = 0; ow < ow_n; ow++)
                    yr[ow] = emptyv;
            else
                for (int64_t e = 0; e < c->n_empty; e++)
                    yr[c->empty[e]] = emptyv;
        }
    }
}

FN_INLINE void NAME(planes_padded)(const plane_ctx *c, const float *x, float *y, size_t p0, size_t p1,
                                   size_t in_plane, size_t out_plane, bool is_max, int64_t kh, int64_t kw,
                                   int64_t sw)
{
    for (size_t p = p0; p < p1; p++)
        NAME(plane_padded)(c, x + p * in_plane, y + p * out_plane, is_max, kh, kw, sw);
}

FN_INLINE onr_pool_span NAME(col_span)(const plane_ctx *c, int64_t ow)
{
    if (!c->bspan)
        return onr_pool_window(&c->g->ax[1], ow);
    return c->bspan[ow < c->lo ? ow : c->lo + (ow - c->hi)];
}

/* Chunk mode, one plane: one output row at a time; interior columns in vector chunks, borders scalar. */
FN_INLINE void NAME(plane_chunks)(const plane_ctx *c, const float *xp, float *yp, bool is_max)
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
            const onr_pool_span sp = NAME(col_span)(c, ow);
            yr[ow] = NAME(border)(xp, iw, &sh, &sp, is_max, cip);
        }
        for (int64_t ow = hi; ow < ow_n; ow++) {
            const onr_pool_span sp = NAME(col_span)(c, ow);
            yr[ow] = NAME(border)(xp, iw, &sh, &sp, is_max, cip);
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
            NAME(vertical_any)(c->tmp, rows + (o0 - lo) * sw, iw, sh.count, (n - 1) * sw + kw, is_max);
            NAME(horizontal)(yr + o0, c->tmp, n, kw, sw, is_max, sc, NULL);
        }
    }
}

/* Flat mode: stride 1 on both axes, output the size of the input (pads summing to kernel - 1 per axis),
 * plane small enough for the scratch. Then input, vertical result and output share one flat index
 * j = r*W + c, and both passes run over the whole plane without a per-row step:
 *   vertical:   v[j] = op over the valid rows i of x[j + i*W]: one flat loop for all rows whose window is
 *               whole, one short loop per border row;
 *   horizontal: y[j] = op over d in [-pL, pR] of v[j + d], where the taps that would wrap into the
 *               neighbouring row are masked off by comparing the column index colidx[j] (-inf for max,
 *               dropped from sums); averages then multiply by scale[j] = 1 / (row divisor * column
 *               divisor), computed once per call.
 * Used by k3s1p1 (GoogLeNet / Inception pools) and k5s1p2 (YOLO's SPPF) on their small maps, where
 * row-at-a-time passes spent most of their time on per-row steps. */
FN_INLINE void NAME(plane_flat)(const flat_ctx *f, const float *xp, float *yp, bool is_max, int64_t kh, int64_t kw,
                                int64_t pt, int64_t pL)
{
    const int64_t H = f->H, W = f->W, pb = kh - 1 - pt, pR = kw - 1 - pL, n = H * W;
    float *v = f->v;
    /* vertical: whole windows in one flat run, border rows one by one */
    const int64_t r0 = pt, r1 = H - pb > pt ? H - pb : pt;
    if (r1 > r0)
        NAME(vertical)(v + r0 * W, xp, W, kh, (r1 - r0) * W, is_max);
    for (int64_t r = 0; r < H; r++) {
        if (r == r0 && r1 > r0)
            r = r1;
        if (r >= H)
            break;
        const int64_t first = r - pt > 0 ? r - pt : 0, last = r + pb < H - 1 ? r + pb : H - 1;
        NAME(vertical)(v + r * W, xp + first * W, W, last - first + 1, W, is_max);
    }
    /* horizontal: taps masked at the row ends */
    const VEC neg_inf = VSET1(-INFINITY);
    (void)neg_inf;
    for (int64_t j = 0;; j += VW) {
        if (j > n - VW)
            j = n - VW;
        VEC m = VLOAD(v + j);
        const VECI ci = VLOADI(f->colidx + j);
        for (int64_t d = -pL; d <= pR; d++) {
            if (d == 0)
                continue;
            const VMASK k = d < 0 ? VGT_I(ci, VSET1I((int32_t)(-d - 1))) : VGT_I(VSET1I((int32_t)(W - d)), ci);
            const VEC t = VLOAD(v + j + d);
            m = is_max ? VMASK_NANMAX(m, k, t, neg_inf) : VMASK_ADD(m, k, t);
        }
        if (!is_max)
            m = VMUL(m, VLOAD(f->scale + j));
        VSTORE(yp + j, m);
        if (j == n - VW)
            break;
    }
}

FN_INLINE void NAME(planes_flat)(const flat_ctx *f, const float *x, float *y, size_t p0, size_t p1, size_t plane,
                                 bool is_max, int64_t kh, int64_t kw, int64_t pt, int64_t pL)
{
    for (size_t p = p0; p < p1; p++)
        NAME(plane_flat)(f, x + p * plane, y + p * plane, is_max, kh, kw, pt, pL);
}

/* Sets up flat mode for g when it applies; returns false otherwise. */
FN static bool NAME(pool2d_flat)(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                                 size_t p1)
{
    const onr_pool_axis *ah = &g->ax[0], *aw = &g->ax[1];
    const int64_t H = ah->in, W = aw->in, n = H * W;
    if (ah->stride != 1 || aw->stride != 1 || ah->out != H || aw->out != W || n > FLAT_MAX || n < VW ||
        ah->pad_begin >= ah->kernel || aw->pad_begin >= aw->kernel || aw->kernel > FLAT_PAD)
        return false; /* kernel <= FLAT_PAD: the horizontal taps v[j - pL .. j + pR] stay in v's padding */
    float v[FLAT_MAX + 2 * FLAT_PAD], scale[FLAT_MAX + FLAT_PAD];
    int32_t colidx[FLAT_MAX + FLAT_PAD];
    memset(v, 0, sizeof v); /* the masked taps before the first and after the last row read here */
    flat_ctx f = {.H = H, .W = W, .v = v + FLAT_PAD, .scale = scale,
                  .colidx = colidx};
    for (int64_t j = 0, c = 0; j < n; j++, c = c + 1 == W ? 0 : c + 1)
        colidx[j] = (int32_t)c;
    if (!is_max) { /* H + W window computations (they divide), then one product per element */
        double rd[FLAT_MAX], cd[FLAT_MAX];
        for (int64_t r = 0; r < H; r++) {
            const onr_pool_span sp = onr_pool_window(ah, r);
            rd[r] = (double)(cip ? sp.padded : sp.count);
        }
        for (int64_t c = 0; c < W; c++) {
            const onr_pool_span sp = onr_pool_window(aw, c);
            cd[c] = (double)(cip ? sp.padded : sp.count);
        }
        for (int64_t r = 0; r < H; r++)
            for (int64_t c = 0; c < W; c++)
                scale[r * W + c] = (float)(1.0 / (rd[r] * cd[c]));
    }
    const int64_t kh = ah->kernel, kw = aw->kernel, pt = ah->pad_begin, pL = aw->pad_begin;
    const size_t plane = (size_t)n;
    /* constants for the centred 3x3 and 5x5, so the taps unroll */
#define FLAT(MAX, K, P) NAME(planes_flat)(&f, x, y, p0, p1, plane, MAX, K, K, P, P)
    if (kh == 3 && kw == 3 && pt == 1 && pL == 1) {
        if (is_max)
            FLAT(true, 3, 1);
        else
            FLAT(false, 3, 1);
    } else if (kh == 5 && kw == 5 && pt == 2 && pL == 2) {
        if (is_max)
            FLAT(true, 5, 2);
        else
            FLAT(false, 5, 2);
    } else {
        NAME(planes_flat)(&f, x, y, p0, p1, plane, is_max, kh, kw, pt, pL);
    }
#undef FLAT
    return true;
}

#if VMASKS
/* Stride-2 streaming mode, kernel width 2 or 3, left pad 0 or 1: every output row reads its input rows
 * straight from the plane, 32 columns per block, and writes its outputs once; no scratch row (that copy
 * and its reload were a third of the padded mode's memory operations). The vertical op runs on the two
 * input vectors of a block, VEVEN / VODD split the result into even and odd columns, and the third tap
 * is a neighbouring block's lanes moved by one (VALIGN1 / VALIGN15, see s2_row), so every input vector is
 * loaded once per window row it belongs to. Columns outside the row (left pad, right pad, ceil-mode
 * overhang) are masked loads that read as the pad value (-inf for max, 0 for sums), so border windows
 * need no scalar code. Taps are combined in the padded mode's order (rows top down, then columns left to
 * right), so sums round the same. Used only when no output column's window is empty. The rows a few
 * output rows ahead are prefetched (S2_PREFETCH, pool_simd.c). Max keeps nanmax: a plain MAXPS pass with
 * a NaN check and redo measured no faster, the check costing what nanmax saves. */
FN_INLINE VEC NAME(s2_ld)(const float *p, uint32_t m, VEC padv, bool full)
{
    return full ? VLOAD(p) : VLOAD_M(padv, m, p);
}

/* Vertical op over nr rows of the 2*VW columns at p (only the first VW when `half`), split even / odd. */
FN_INLINE void NAME(s2_cols)(const float *p, int64_t iw, int64_t nr, uint32_t ma, uint32_t mb, bool full, bool half,
                             VEC padv, bool is_max, VEC *e, VEC *o)
{
    VEC a = NAME(s2_ld)(p, ma, padv, full), b = half ? padv : NAME(s2_ld)(p + VW, mb, padv, full);
    for (int64_t i = 1; i < nr; i++) {
        const VEC ai = NAME(s2_ld)(p + i * iw, ma, padv, full);
        const VEC bi = half ? padv : NAME(s2_ld)(p + i * iw + VW, mb, padv, full);
        a = NAME(op)(a, ai, is_max);
        if (!half)
            b = NAME(op)(b, bi, is_max);
    }
    *e = VEVEN(a, b);
    *o = VODD(a, b);
}

FN_INLINE void NAME(s2_eo)(const float *r, int64_t iw, int64_t nr, const s2_block *bk, VEC padv, bool is_max,
                           VEC *e, VEC *o)
{
    const float *p = r + bk->c;
    if (bk->mb == 0 && bk->ma == 0) { /* the block past the end that a 3-wide window peeks into */
        *e = *o = padv;
    } else if (bk->mb == 0) {
        NAME(s2_cols)(p, iw, nr, bk->ma, 0, false, true, padv, is_max, e, o);
    } else if ((bk->ma & bk->mb) == 0xFFFFu) { /* interior blocks: plain loads */
        NAME(s2_cols)(p, iw, nr, 0xFFFFu, 0xFFFFu, true, false, padv, is_max, e, o);
    } else {
        NAME(s2_cols)(p, iw, nr, bk->ma, bk->mb, false, false, padv, is_max, e, o);
    }
}

/* One output row. pw = 0: window o starts at even column 2o, so its taps are the block's even lanes, odd
 * lanes, then (kw = 3) the next block's even lanes moved down one. pw = 1: it starts at 2o - 1, so the taps
 * are the previous block's odd lanes moved up one, then even, then odd; blocks then start on column
 * 32b, aligned with the row. */
FN_INLINE void NAME(s2_row)(const s2_block *bk, int64_t nb, const float *r, int64_t iw, int64_t nr, float *yr,
                            const float *colinv, float scale, bool is_max, int64_t kw, int64_t pw)
{
    const VEC padv = VSET1(is_max ? -INFINITY : 0.0f), vs = VSET1(scale);
    VEC e = padv, o = padv, oprev = padv;
    if (kw == 3 && pw == 0)
        NAME(s2_eo)(r, iw, nr, &bk[0], padv, is_max, &e, &o);
    for (int64_t b = 0; b < nb; b++) {
        VEC m;
        if (pw == 1) {
            NAME(s2_eo)(r, iw, nr, &bk[b], padv, is_max, &e, &o);
            m = NAME(op)(VALIGN15(o, oprev), e, is_max);
            if (kw == 3)
                m = NAME(op)(m, o, is_max);
            oprev = o;
        } else if (kw == 3) {
            VEC en, on;
            NAME(s2_eo)(r, iw, nr, &bk[b + 1], padv, is_max, &en, &on);
            m = NAME(op)(NAME(op)(e, o, is_max), VALIGN1(en, e), is_max);
            e = en;
            o = on;
        } else {
            NAME(s2_eo)(r, iw, nr, &bk[b], padv, is_max, &e, &o);
            m = NAME(op)(e, o, is_max);
        }
        if (!is_max)
            m = VMUL(VMUL(m, VLOAD_M(VZERO(), bk[b].mo, colinv + b * VW)), vs);
        if (bk[b].mo == 0xFFFFu)
            VSTORE(yr + b * VW, m);
        else
            VSTORE_M(yr + b * VW, bk[b].mo, m);
    }
}

FN_INLINE void NAME(planes_s2)(const plane_ctx *c, const s2_block *bk, int64_t nb, const float *x, float *y,
                               size_t p0, size_t p1, bool is_max, int64_t kh, int64_t kw, int64_t pw)
{
    const onr_pool_geom *g = c->g;
    const int64_t iw = g->ax[1].in, oh_n = g->ax[0].out, ow_n = g->ax[1].out;
    const size_t in_plane = (size_t)(g->ax[0].in * iw), out_plane = (size_t)(oh_n * ow_n);
    const float emptyv = is_max ? 0.0f : (c->cip ? 0.0f : NAN);
    const int64_t sh = g->ax[0].stride;
    for (size_t p = p0; p < p1; p++) {
        const float *xp = x + p * in_plane;
        float *yp = y + p * out_plane;
        for (int64_t oh = 0; oh < oh_n; oh++) {
            const row_desc rd = c->all_rows ? c->rows[oh] : NAME(make_row)(g, oh, c->cip);
            float *yr = yp + oh * ow_n;
            { /* the rows this row's successors start on, S2_PREFETCH bytes ahead (see pool_simd.c).
               * Unsigned and at most 4 rows: a hint never faults, but hostile strides and kernels must not
               * overflow a signed product or make the loop long (fuzz_run). */
                const uintptr_t rows = (uintptr_t)(sh < 4 ? sh : 4);
                const uintptr_t a = (uintptr_t)(xp + rd.off) + (uintptr_t)kh * (uintptr_t)iw * sizeof(float) +
                                    S2_PREFETCH;
                const uintptr_t e = a + rows * (uintptr_t)iw * sizeof(float);
                for (uintptr_t q = a; q < e; q += 64)
                    __builtin_prefetch((const void *)q, 0, 3);
            }
            if (rd.count == 0) { /* a row of windows wholly in the padding */
                for (int64_t ow = 0; ow < ow_n; ow++)
                    yr[ow] = emptyv;
            } else if (rd.count == kh && nb == 1) { /* constants here: the taps and blocks unroll */
                NAME(s2_row)(bk, 1, xp + rd.off, iw, kh, yr, c->colinv, rd.scale, is_max, kw, pw);
            } else if (rd.count == kh && nb == 2) {
                NAME(s2_row)(bk, 2, xp + rd.off, iw, kh, yr, c->colinv, rd.scale, is_max, kw, pw);
            } else if (rd.count == kh) {
                NAME(s2_row)(bk, nb, xp + rd.off, iw, kh, yr, c->colinv, rd.scale, is_max, kw, pw);
            } else {
                NAME(s2_row)(bk, nb, xp + rd.off, iw, rd.count, yr, c->colinv, rd.scale, is_max, kw, pw);
            }
        }
    }
}

/* Sets up stride-2 streaming for c's geometry when it applies (see above); returns false otherwise. */
FN static bool NAME(pool2d_s2)(const plane_ctx *c, bool is_max, const float *x, float *y, size_t p0, size_t p1)
{
    const onr_pool_axis *aw = &c->g->ax[1];
    const int64_t iw = aw->in, ow_n = aw->out, kw = aw->kernel, pw = aw->pad_begin, kh = c->g->ax[0].kernel;
    if (aw->stride != 2 || (kw != 2 && kw != 3) || c->n_empty != 0 || iw <= NARROW_MAX ||
        ow_n > VW * (S2_MAXB - 1) || pw > 1)
        return false;
    const int64_t nb = (ow_n + VW - 1) / VW;
    s2_block bk[S2_MAXB];
    for (int64_t b = 0; b <= nb; b++) {
        const int64_t c0 = 2 * VW * b - (pw == 1 ? 0 : pw);
        uint32_t m[2];
        for (int h = 0; h < 2; h++) { /* lanes l with 0 <= c0 + h*VW + l < iw */
            const int64_t s = c0 + h * VW, lo = s < 0 ? -s : 0, hi = iw - s;
            m[h] = hi <= lo ? 0u : ((hi >= VW ? 0xFFFFu : (1u << hi) - 1u) & ~((1u << lo) - 1u));
        }
        const int64_t n = ow_n - b * VW;
        bk[b] = (s2_block){c0, m[0], m[1], n >= VW ? 0xFFFFu : n > 0 ? (1u << n) - 1u : 0u};
    }
#define S2(MAX, KH, KW, PW) NAME(planes_s2)(c, bk, nb, x, y, p0, p1, MAX, KH, KW, PW)
#define S2_PW(MAX, KH, KW)                                                                                   \
    do {                                                                                                     \
        if (pw == 0)                                                                                         \
            S2(MAX, KH, KW, 0);                                                                              \
        else                                                                                                 \
            S2(MAX, KH, KW, 1);                                                                              \
    } while (0)
    if (is_max) {
        if (kh == 2 && kw == 2)
            S2_PW(true, 2, 2);
        else if (kh == 3 && kw == 3)
            S2_PW(true, 3, 3);
        else if (kw == 2)
            S2_PW(true, kh, 2);
        else
            S2_PW(true, kh, 3);
    } else {
        if (kh == 2 && kw == 2)
            S2_PW(false, 2, 2);
        else if (kh == 3 && kw == 3)
            S2_PW(false, 3, 3);
        else if (kw == 2)
            S2_PW(false, kh, 2);
        else
            S2_PW(false, kh, 3);
    }
#undef S2_PW
#undef S2
    return true;
}

/* 3x3 stride-1 same-size mode (pads 1 on every side), rows of NARROW_MAX+1 .. S1K3_MAXB*VW columns: the
 * plane is walked row by row with three input rows held in registers, so each input vector is loaded
 * once; the horizontal neighbours come from VALIGN1 / VALIGN15 across the row's vectors instead of
 * reloading a stored vertical result at +-1 (the flat mode's 3 loads, plus the column index and scale
 * loads, per output vector). Taps are combined in the flat mode's order and border taps are masked off
 * the same way, so results match it bit for bit. */
FN_INLINE void NAME(s1k3_load)(VEC *v, const float *r, int64_t nb, uint32_t mlast, VEC padv)
{
    for (int64_t b = 0; b + 1 < nb; b++)
        v[b] = VLOAD(r + b * VW);
    v[nb - 1] = VLOAD_M(padv, mlast, r + (nb - 1) * VW);
}

FN_INLINE void NAME(plane_s1k3)(const float *xp, float *yp, int64_t H, int64_t W, const float *scale, bool is_max,
                                int64_t nb)
{
    const VEC padv = VSET1(is_max ? -INFINITY : 0.0f);
    const int64_t tail = W - (nb - 1) * VW, rtail = W - 1 - (nb - 1) * VW; /* 1..VW, -1..VW-1 */
    const uint32_t mlast = tail >= VW ? 0xFFFFu : (1u << tail) - 1u;
    VEC x0[S1K3_MAXB], x1[S1K3_MAXB], x2[S1K3_MAXB], v[S1K3_MAXB];
    for (int64_t b = 0; b < nb; b++)
        x0[b] = x2[b] = padv; /* H = 1 never reads them; the compiler cannot tell */
    NAME(s1k3_load)(x1, xp, nb, mlast, padv);
    if (H > 1)
        NAME(s1k3_load)(x2, xp + W, nb, mlast, padv);
    for (int64_t r = 0; r < H; r++) {
        for (int64_t b = 0; b < nb; b++) {
            if (r == 0)
                v[b] = H > 1 ? NAME(op)(x1[b], x2[b], is_max) : x1[b];
            else if (r == H - 1)
                v[b] = NAME(op)(x0[b], x1[b], is_max);
            else
                v[b] = NAME(op)(NAME(op)(x0[b], x1[b], is_max), x2[b], is_max);
        }
        const float *sc = scale + (r == 0 ? 0 : r == H - 1 ? 2 : 1) * S1K3_MAXB * VW;
        float *yr = yp + r * W;
        for (int64_t b = 0; b < nb; b++) {
            const VEC left = VALIGN15(v[b], b > 0 ? v[b - 1] : padv);
            const VEC right = VALIGN1(b + 1 < nb ? v[b + 1] : padv, v[b]);
            const uint32_t lk = b == 0 ? 0xFFFEu : 0xFFFFu;
            const uint32_t rk = b + 1 < nb ? 0xFFFFu : rtail > 0 ? (1u << rtail) - 1u : 0u;
            VEC m;
            if (is_max) {
                m = VMASK_NANMAX(v[b], (VMASK)lk, left, padv);
                m = VMASK_NANMAX(m, (VMASK)rk, right, padv);
            } else {
                m = VMASK_ADD(v[b], (VMASK)lk, left);
                m = VMASK_ADD(m, (VMASK)rk, right);
                m = VMUL(m, VLOAD(sc + b * VW));
            }
            if (b + 1 < nb)
                VSTORE(yr + b * VW, m);
            else
                VSTORE_M(yr + b * VW, mlast, m);
        }
        if (r + 1 < H) {
            for (int64_t b = 0; b < nb; b++) {
                x0[b] = x1[b];
                x1[b] = x2[b];
            }
            if (r + 2 < H)
                NAME(s1k3_load)(x2, xp + (r + 2) * W, nb, mlast, padv);
        }
    }
}

FN_INLINE void NAME(planes_s1k3)(const float *x, float *y, size_t p0, size_t p1, int64_t H, int64_t W,
                                 const float *scale, bool is_max, int64_t nb)
{
    const size_t plane = (size_t)(H * W);
    for (size_t p = p0; p < p1; p++)
        NAME(plane_s1k3)(x + p * plane, y + p * plane, H, W, scale, is_max, nb);
}

/* Sets up the 3x3 stride-1 mode when it applies; returns false otherwise. */
FN static bool NAME(pool2d_s1k3)(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                                 size_t p1)
{
    const onr_pool_axis *ah = &g->ax[0], *aw = &g->ax[1];
    const int64_t H = ah->in, W = aw->in;
    for (int a = 0; a < 2; a++)
        if (g->ax[a].stride != 1 || g->ax[a].kernel != 3 || g->ax[a].pad_begin != 1 || g->ax[a].out != g->ax[a].in)
            return false;
    if (W <= NARROW_MAX || W > S1K3_MAXB * VW)
        return false;
    /* averages: 1 / (row divisor * column divisor), the flat mode's rounding, for the first row, the
     * rows between and the last row (the only three row divisors a 3x3 same-size pool has) */
    float scale[3 * S1K3_MAXB * VW];
    if (!is_max) {
        const int64_t rows[3] = {0, H > 2 ? 1 : 0, H - 1};
        for (int k = 0; k < 3; k++) {
            const onr_pool_span sr = onr_pool_window(ah, rows[k]);
            const double rd = (double)(cip ? sr.padded : sr.count);
            for (int64_t col = 0; col < S1K3_MAXB * VW; col++) {
                const onr_pool_span sc = onr_pool_window(aw, col < W ? col : W - 1);
                scale[k * S1K3_MAXB * VW + col] = (float)(1.0 / (rd * (double)(cip ? sc.padded : sc.count)));
            }
        }
    }
    const int64_t nb = (W + VW - 1) / VW;
#define S1K3(MAX, NB) NAME(planes_s1k3)(x, y, p0, p1, H, W, scale, MAX, NB)
    switch (nb * 2 + (is_max ? 1 : 0)) { /* nb >= 2: W > NARROW_MAX */
    case 4: S1K3(false, 2); break;
    case 5: S1K3(true, 2); break;
    case 6: S1K3(false, 3); break;
    case 7: S1K3(true, 3); break;
    case 8: S1K3(false, 4); break;
    default: S1K3(true, 4); break;
    }
#undef S1K3
    return true;
}
#endif

FN static void NAME(pool2d_f32)(const onr_pool_geom *g, bool is_max, bool cip, const float *x, float *y, size_t p0,
                                size_t p1)
{
    const onr_pool_axis *aw = &g->ax[1];
    const int64_t iw = aw->in, oh_n = g->ax[0].out, ow_n = aw->out, kw = aw->kernel, sw = aw->stride,
                  pw = aw->pad_begin;
    const size_t in_plane = (size_t)(g->ax[0].in * iw), out_plane = (size_t)(oh_n * ow_n);
#if VMASKS
    if (NAME(pool2d_s1k3)(g, is_max, cip, x, y, p0, p1))
        return;
#endif
    if (NAME(pool2d_flat)(g, is_max, cip, x, y, p0, p1))
        return;
    float tmp[TMP + TMP_PAD] __attribute__((aligned(64)));
    float colinv[TMP + TMP_PAD];
    int64_t empty[TMP];
    onr_pool_span bspan[2 * MAX_BORDER];
    row_desc rows[MAX_ROWS];
    plane_ctx c = {.g = g, .cip = cip, .tmp = tmp, .rows = rows};
    memset(tmp, 0, sizeof tmp); /* over-read lanes are discarded, but keep them defined */

    /* scratch row: pl pad columns, the iw input columns, then pad up to the last window's end */
    /* columns -pw .. span-pw-1 are read; pads and strides come from the model and may be near INT64_MAX,
     * so the row is sized only once each part is known to fit the scratch */
    int64_t span;
    c.ts = TMP + 1; /* "does not fit" unless shown otherwise */
    if (!__builtin_mul_overflow(ow_n - 1, sw, &span) && !__builtin_add_overflow(span, kw, &span) && pw <= TMP &&
        iw <= TMP) {
        c.pl = pw;
        c.pr = span - pw - iw > 0 ? span - pw - iw : 0;
        if (c.pr <= TMP)
            c.ts = (c.pl + iw + c.pr + 7) & ~(int64_t)7;
    }
    if (c.ts <= TMP) {
        c.group = TMP / c.ts < GROUP_MAX ? TMP / c.ts : GROUP_MAX;
        c.all_rows = oh_n <= MAX_ROWS;
        for (int64_t oh = 0; c.all_rows && oh < oh_n; oh++)
            rows[oh] = NAME(make_row)(g, oh, cip);
        for (int64_t ow = 0; ow < ow_n; ow++) {
            const onr_pool_span sp = onr_pool_window(aw, ow);
            if (sp.count == 0)
                empty[c.n_empty++] = ow;
            colinv[ow] = (float)(1.0 / (double)(cip ? sp.padded : sp.count)); /* inf when empty: fixed up */
        }
        c.colinv = is_max ? NULL : colinv;
        c.empty = empty;
        c.narrow = iw <= NARROW_MAX;
#if VMASKS
        if (NAME(pool2d_s2)(&c, is_max, x, y, p0, p1))
            return;
#endif
        /* pad columns of every scratch row, once: the passes never write them */
        const float padv = is_max ? -INFINITY : 0.0f;
        for (int64_t i = 0; i < c.group; i++) {
            for (int64_t j = 0; j < c.pl; j++)
                tmp[i * c.ts + j] = padv;
            for (int64_t j = c.pl + iw; j < c.ts; j++)
                tmp[i * c.ts + j] = padv;
        }
        /* constant (kernel, stride) for the shapes networks use, so the compiler unrolls the taps */
        const int64_t kh = g->ax[0].kernel;
#define PLANES(MAX, KH, KW, SW) NAME(planes_padded)(&c, x, y, p0, p1, in_plane, out_plane, MAX, KH, KW, SW)
        if (is_max) {
            if (kh == 2 && kw == 2 && sw == 2)
                PLANES(true, 2, 2, 2);
            else if (kh == 3 && kw == 3 && sw == 2)
                PLANES(true, 3, 3, 2);
            else if (kh == 3 && kw == 3 && sw == 1)
                PLANES(true, 3, 3, 1);
            else
                PLANES(true, kh, kw, sw);
        } else {
            if (kh == 2 && kw == 2 && sw == 2)
                PLANES(false, 2, 2, 2);
            else if (kh == 3 && kw == 3 && sw == 2)
                PLANES(false, 3, 3, 2);
            else if (kh == 3 && kw == 3 && sw == 1)
                PLANES(false, 3, 3, 1);
            else
                PLANES(false, kh, kw, sw);
        }
#undef PLANES
        return;
    }
    NAME(interior)(aw, &c.lo, &c.hi);
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
            NAME(plane_chunks)(&c, x + p * in_plane, y + p * out_plane, true);
        else
            NAME(plane_chunks)(&c, x + p * in_plane, y + p * out_plane, false);
    }
}

/* --- global pools --------------------------------------------------------------------------------- */

/* Sum (or sum of squares) of x[0..n): float lanes within blocks of 1024 elements, blocks in double. */
FN_INLINE double NAME(sum)(const float *x, size_t n, bool sq)
{
    double total = 0.0;
    for (size_t b = 0; b < n; b += 1024) {
        const size_t e = n - b > 1024 ? b + 1024 : n;
        VEC a0 = VZERO(), a1 = a0, a2 = a0, a3 = a0;
        size_t i = b;
        for (; i + 4 * VW <= e; i += 4 * VW) {
            VEC v0 = VLOAD(x + i), v1 = VLOAD(x + i + VW), v2 = VLOAD(x + i + 2 * VW), v3 = VLOAD(x + i + 3 * VW);
            a0 = VADD(a0, sq ? VMUL(v0, v0) : v0);
            a1 = VADD(a1, sq ? VMUL(v1, v1) : v1);
            a2 = VADD(a2, sq ? VMUL(v2, v2) : v2);
            a3 = VADD(a3, sq ? VMUL(v3, v3) : v3);
        }
        for (; i + VW <= e; i += VW) {
            VEC v = VLOAD(x + i);
            a1 = VADD(a1, sq ? VMUL(v, v) : v);
        }
        if (i < e) {
            VEC v = VTAIL_LOAD(x + i, (int)(e - i));
            a2 = VADD(a2, sq ? VMUL(v, v) : v);
        }
        total += VSUM_DOUBLE(VADD(VADD(a0, a1), VADD(a2, a3)));
    }
    return total;
}

FN static void NAME(global_avg)(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t p = p0; p < p1; p++)
        y[p] = (float)(NAME(sum)(x + p * plane, plane, false) / (double)plane);
}

FN static void NAME(global_l2)(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t p = p0; p < p1; p++)
        y[p] = (float)sqrt(NAME(sum)(x + p * plane, plane, true));
}

FN static void NAME(global_max)(const float *x, size_t plane, float *y, size_t p0, size_t p1)
{
    for (size_t p = p0; p < p1; p++) {
        const float *xp = x + p * plane;
        float m;
        if (plane < VW) {
            m = xp[0];
            for (size_t i = 1; i < plane; i++)
                m = MAXF(m, xp[i]);
        } else {
            VEC m0 = VLOAD(xp), m1 = m0, m2 = m0, m3 = m0;
            size_t i = VW;
            for (; i + 4 * VW <= plane; i += 4 * VW) {
                m0 = NAME(nanmax)(m0, VLOAD(xp + i));
                m1 = NAME(nanmax)(m1, VLOAD(xp + i + VW));
                m2 = NAME(nanmax)(m2, VLOAD(xp + i + 2 * VW));
                m3 = NAME(nanmax)(m3, VLOAD(xp + i + 3 * VW));
            }
            for (; i + VW <= plane; i += VW)
                m0 = NAME(nanmax)(m0, VLOAD(xp + i));
            if (i < plane) /* overlapping last vector: max is idempotent */
                m1 = NAME(nanmax)(m1, VLOAD(xp + plane - VW));
            m = VHMAX(NAME(nanmax)(NAME(nanmax)(m0, m1), NAME(nanmax)(m2, m3)));
        }
        y[p] = m;
    }
}
