/* conv_depthwise_simd_impl.h: the depthwise vector kernels written once over a vector width, included by
 * conv_depthwise_simd.c once per instruction set (AVX2: 8 lanes; AVX-512: 16 lanes) with these macros:
 *   NAME(x)            x suffixed with the ISA
 *   FN / FN_INLINE     function attributes: target(...) [and always_inline]
 *   VEC, VW            vector type and lanes; VMASKS 1 when masked loads/stores are cheap (AVX-512)
 *   VLOAD VSTORE VSET1 VZERO VADD VMAX VMIN
 *   VFMA(a, b, c)      a*b + c
 *   VEVODD(a, b)       the even lanes of a, then the odd lanes of b, in some lane order that VFIX(v) puts
 *                      into natural order (AVX2 shuffles within 128-bit halves; one permute at the store)
 *   VEVEN(a, b) VODD(a, b)  the even / odd lanes of a then b, in that same lane order
 *   VMASKS only:       VMASK; VLANES(l, h) lanes [l, h) (any int64 l, h, clamped to the vector);
 *                      VMASK_S2(m) output lanes m in the lane order of VEVODD;
 *                      VLOAD_M(p, k) reads lanes k only (others 0, no fault); VSTORE_M(p, v, k);
 *                      VFMA_M(a, b, c, k) a*b + c in lanes k, c elsewhere
 * Scalar code is compiled for the ISA too: legacy-SSE code after dirty upper vector halves stalls (see
 * pool_simd_impl.h). Algorithms: conv_depthwise_simd.c. */

/* y = v < lo ? lo : (v > hi ? hi : v): MAXPS / MINPS return the second operand when either is NaN, so a
 * NaN v stays NaN (ONNX Relu / Clip on the unfused value), and v equal to a bound stays v (signed zero). */
FN_INLINE VEC NAME(clamp)(VEC v, VEC lo, VEC hi)
{
    return VMIN(hi, VMAX(lo, v));
}

FN_INLINE float NAME(clampf)(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Tap k of VW outputs from p = row + ow0*S - pad + k, all inside the row. Stride 2: the even lanes of one
 * load and the odd lanes of a second one VW-1 further, so the two loads end exactly at the last tap
 * (two loads side by side would read one float past it: the next row, or past the tensor). */
FN_INLINE VEC NAME(tap)(const float *p, const int S)
{
    if (S == 1)
        return VLOAD(p);
    return VEVODD(VLOAD(p), VLOAD(p + VW - 1));
}

/* tap() where the row holds one more float past the last tap: stride 2 from pairs of adjacent loads at
 * even offsets, even taps from the even lanes and odd taps from the odd lanes of the same pair (the
 * compiler loads each pair once), so a 3-wide kernel row is 4 loads instead of 6. */
FN_INLINE VEC NAME(tap_pairs)(const float *row, int64_t c, const int k)
{
    const float *p = row + c + (k & ~1);
    return k & 1 ? VODD(VLOAD(p), VLOAD(p + VW)) : VEVEN(VLOAD(p), VLOAD(p + VW));
}

#if VMASKS
/* The masks of one vector of columns ow0 .. ow0 + VW with taps in the padding: t[k] the lanes where tap k
 * is inside (onr_pool_tap_positions' interval), l0[k] / l1[k] the lanes of tap k's loads that are inside
 * the row (stride 2: its two loads), st the lanes before OW. The same for every row and plane of a call:
 * computed once per plane, not per vector (that cost as much as the vector's arithmetic). */
typedef struct NAME(edge) {
    VMASK t[ONR_DW_MAX_KW], l0[ONR_DW_MAX_KW], l1[ONR_DW_MAX_KW], st;
} NAME(edge);

FN_INLINE void NAME(edge_init)(const onr_dw_geom *G, int64_t ow0, NAME(edge) *e)
{
    for (int64_t k = 0; k < G->KW; k++) {
        const int64_t c0 = ow0 * G->stride - G->pad + k, c1 = c0 + VW - 1;
        const VMASK t = VLANES(G->lo[k] - ow0, G->hi[k] - ow0);
        e->t[k] = G->stride == 1 ? t : VMASK_S2(t);            /* in the lane order of the sums */
        e->l0[k] = G->stride == 1 ? t : VLANES(-c0, G->W - c0); /* stride 1: lane i reads column c0 + i */
        e->l1[k] = VLANES(-c1, G->W - c1);
    }
    e->st = VLANES(0, G->OW - ow0);
}

/* tap() where the row may end inside the vector: lanes outside it read nothing (they are 0). */
FN_INLINE VEC NAME(tap_m)(const float *p, const NAME(edge) *e, int k, const int S)
{
    if (S == 1)
        return VLOAD_M(p, e->l0[k]);
    return VEVODD(VLOAD_M(p, e->l0[k]), VLOAD_M(p + VW - 1, e->l1[k]));
}
#define DW_EDGE_ARG , const NAME(edge) *e
#define DW_EDGE_PASS(x) , x
#else
#define DW_EDGE_ARG
#define DW_EDGE_PASS(x)
#endif

/* The partial sums must stay in registers: GCC's size limit left the masked blocks' loops rolled, with the
 * sums on the stack (3x slower). */
#define DW_UNROLL _Pragma("GCC unroll 8")

/* VW outputs of output row y0 from kernel rows j < NR at input rows u[j], and with TWO of the next
 * output row y1 too, whose kernel row j is u[SH + j]: the rows the two share are loaded once. One
 * partial sum per output and kernel row (bias in the first), added at the end: a single chain of KH*KW
 * dependent FMAs per vector left the FMA units mostly idle. One store per output row.
 * MASKED (VMASKS only, e the column masks): some taps of these columns are in the padding; their lanes
 * are left out of the sums (as the generic kernel and the ONNX definition do), loads touch only the
 * row's floats, and only the columns before OW are stored. PAIRS: stride 2 with tap_pairs (the row goes
 * on past the last tap). wv[j*KW + k]: the weight of tap (j, k). */
FN_INLINE void NAME(block)(float *y0, float *y1, const float *const *u, const VEC *wv, const int NR, const int KW,
                           const int S, const int SH, const bool TWO, const bool MASKED, const bool PAIRS, int64_t c,
                           VEC vb, VEC lo, VEC hi DW_EDGE_ARG)
{
    VEC p0[ONR_DW_MAX_KH], p1[ONR_DW_MAX_KH];
    DW_UNROLL
    for (int j = 0; j < ONR_DW_MAX_KH; j++) /* all of them: NR may be 0 (every row in the padding) */
        p0[j] = p1[j] = j == 0 ? vb : VZERO();
    const int nu = TWO ? NR + SH : NR;
    (void)MASKED;
    DW_UNROLL
    for (int j = 0; j < nu; j++) {
        DW_UNROLL
        for (int k = 0; k < KW; k++) {
#if VMASKS
            if (MASKED) {
                VEC t = NAME(tap_m)(u[j] + c + k, e, k, S);
                if (j < NR)
                    p0[j] = VFMA_M(t, wv[j * KW + k], p0[j], e->t[k]);
                if (TWO && j >= SH)
                    p1[j - SH] = VFMA_M(t, wv[(j - SH) * KW + k], p1[j - SH], e->t[k]);
                continue;
            }
#endif
            VEC t = S == 2 && PAIRS ? NAME(tap_pairs)(u[j], c, k) : NAME(tap)(u[j] + c + k, S);
            if (j < NR)
                p0[j] = VFMA(t, wv[j * KW + k], p0[j]);
            if (TWO && j >= SH)
                p1[j - SH] = VFMA(t, wv[(j - SH) * KW + k], p1[j - SH]);
        }
    }
    VEC a0 = p0[0], a1 = p1[0];
    DW_UNROLL
    for (int j = 1; j < NR; j++) {
        a0 = VADD(a0, p0[j]);
        a1 = VADD(a1, p1[j]);
    }
    if (S == 2) {
        a0 = VFIX(a0);
        a1 = VFIX(a1);
    }
    a0 = NAME(clamp)(a0, lo, hi);
    a1 = NAME(clamp)(a1, lo, hi);
#if VMASKS
    if (MASKED) {
        VSTORE_M(y0, a0, e->st);
        if (TWO)
            VSTORE_M(y1, a1, e->st);
        return;
    }
#endif
    VSTORE(y0, a0);
    if (TWO)
        VSTORE(y1, a1);
}

#if !VMASKS
/* One output column, taps outside the input skipped. */
FN static float NAME(col)(const onr_dw_geom *G, const float *const *u, const float *w, int nr, int64_t ow, float bias)
{
    float acc = bias;
    const int64_t c = ow * G->stride - G->pad;
    for (int r = 0; r < nr; r++)
        for (int64_t k = 0; k < G->KW; k++)
            if (ow >= G->lo[k] && ow < G->hi[k])
                acc += w[r * G->KW + k] * u[r][c + k];
    return NAME(clampf)(acc, G->act_min, G->act_max);
}
#endif

#if VMASKS
/* Edge vectors of a row whose masks the plane computes once (a 3-wide kernel with pads 1 has 2). */
enum { DW_MAX_EDGES = 4 };
#define DW_EDGES_ARG , const NAME(edge) *e, int ne
#define DW_EDGES_PASS , e, ne
#else
#define DW_EDGES_ARG
#define DW_EDGES_PASS
#endif

/* Output row y0 (and y1 with TWO, see block) from its NR valid kernel rows: input rows u, weight rows w
 * (NR x KW floats). */
FN_INLINE void NAME(rows_t)(const onr_dw_geom *G, const float *const *u, const float *w, float bias, float *y0,
                            float *y1, const int NR, const int KW, const int S, const int SH,
                            const bool TWO DW_EDGES_ARG)
{
    VEC wv[ONR_DW_MAX_KH * ONR_DW_MAX_KW];
    for (int i = 0; i < NR * KW; i++)
        wv[i] = VSET1(w[i]);
    const VEC vb = VSET1(bias), lo = VSET1(G->act_min), hi = VSET1(G->act_max);
#if VMASKS
    /* vectors from column 0: a 56-wide row is 4 stores (edge, 2 inner, edge) rather than 6 from in_lo */
    int ie = 0;
    for (int64_t ow0 = 0; ow0 < G->OW; ow0 += VW) {
        /* a last partial vector whose taps are all inside: the full vector ending at OW instead (it
         * overlaps the one before; y never aliases x), as masked vectors cost about twice as much */
        if (ow0 + VW > G->OW && G->OW <= G->in_hi && G->OW - VW >= G->in_lo && G->OW >= VW)
            ow0 = G->OW - VW;
        const int64_t c = ow0 * S - G->pad;
        if (ow0 >= G->in_lo && ow0 + VW <= G->in_hi && c + KW + 2 * VW - 1 <= G->W) {
            NAME(block)(y0 + ow0, y1 + ow0, u, wv, NR, KW, S, SH, TWO, false, true, c, vb, lo, hi, NULL);
        } else if (ow0 >= G->in_lo && ow0 + VW <= G->in_hi) {
            NAME(block)(y0 + ow0, y1 + ow0, u, wv, NR, KW, S, SH, TWO, false, false, c, vb, lo, hi, NULL);
        } else {
            NAME(edge) tmp;
            if (ie >= ne)
                NAME(edge_init)(G, ow0, &tmp);
            NAME(block)(y0 + ow0, y1 + ow0, u, wv, NR, KW, S, SH, TWO, true, false, c, vb, lo, hi,
                        ie < ne ? &e[ie] : &tmp);
            ie++;
        }
    }
#else
    /* the interior in vectors, the last one overlapping the one before (y never aliases x), the rest scalar */
    int64_t a = G->in_lo, b = G->in_hi, ow0;
    if (b - a < VW)
        a = b = G->OW;
    for (int64_t ow = 0; ow < a; ow++) {
        y0[ow] = NAME(col)(G, u, w, NR, ow, bias);
        if (TWO)
            y1[ow] = NAME(col)(G, u + SH, w, NR, ow, bias);
    }
    for (ow0 = a; ow0 + VW <= b; ow0 += VW) {
        const int64_t c = ow0 * S - G->pad;
        if (c + KW + 2 * VW - 1 <= G->W)
            NAME(block)(y0 + ow0, y1 + ow0, u, wv, NR, KW, S, SH, TWO, false, true, c, vb, lo, hi);
        else
            NAME(block)(y0 + ow0, y1 + ow0, u, wv, NR, KW, S, SH, TWO, false, false, c, vb, lo, hi);
    }
    if (ow0 < b)
        NAME(block)(y0 + b - VW, y1 + b - VW, u, wv, NR, KW, S, SH, TWO, false, false, (b - VW) * S - G->pad, vb, lo,
                    hi);
    for (int64_t ow = b; ow < G->OW; ow++) {
        y0[ow] = NAME(col)(G, u, w, NR, ow, bias);
        if (TWO)
            y1[ow] = NAME(col)(G, u + SH, w, NR, ow, bias);
    }
#endif
}

/* Kernel width and strides as constants. two: output rows y0 and y0 + OW together from the KW + S input
 * rows u (square kernel, equal strides, row dilation 1, all rows inside); otherwise y0 alone from its nr
 * rows (the full height nr == KW also as a constant). */
FN static void NAME(rows)(const onr_dw_geom *G, const float *const *u, const float *w, int nr, bool two, float bias,
                          float *y0 DW_EDGES_ARG)
{
    float *y1 = y0 + G->OW;
#define DW_ROWS(KW_, S_)                                                                                     \
    do {                                                                                                     \
        if (two)                                                                                             \
            NAME(rows_t)(G, u, w, bias, y0, y1, KW_, KW_, S_, S_, true DW_EDGES_PASS);                       \
        else if (nr == KW_)                                                                                  \
            NAME(rows_t)(G, u, w, bias, y0, y1, KW_, KW_, S_, S_, false DW_EDGES_PASS);                      \
        else                                                                                                 \
            NAME(rows_t)(G, u, w, bias, y0, y1, nr, KW_, S_, S_, false DW_EDGES_PASS);                       \
    } while (0)
    if (G->KW == 3 && G->stride == 1)
        DW_ROWS(3, 1);
    else if (G->KW == 3)
        DW_ROWS(3, 2);
    else if (G->stride == 1)
        DW_ROWS(5, 1);
    else
        DW_ROWS(5, 2);
#undef DW_ROWS
}

FN static void NAME(plane)(const onr_dw_geom *G, const float *x, const float *w, float bias, float *y)
{
    const onr_pool_axis *ah = G->ah;
    const bool pairs = ah->kernel == G->KW && ah->stride == G->stride && ah->dilation == 1;
    const float *u[ONR_DW_MAX_KH + 2];
#if VMASKS
    NAME(edge) e[DW_MAX_EDGES];
    int ne = 0;
    for (int64_t ow0 = 0; ow0 < G->OW && ne < DW_MAX_EDGES; ow0 += VW)
        if (!(ow0 >= G->in_lo && ow0 + VW <= G->in_hi))
            NAME(edge_init)(G, ow0, &e[ne++]);
#endif
    for (int64_t oh = 0; oh < ah->out;) {
        onr_pool_span sp;
        if (oh >= G->row_lo && oh < G->row_hi) /* all rows inside: no division for the window */
            sp = (onr_pool_span){.first = oh * ah->stride - ah->pad_begin, .tap0 = 0, .count = ah->kernel};
        else if (oh < G->n_top)
            sp = G->top[oh];
        else if (oh >= G->bot_from)
            sp = G->bot[oh - G->bot_from];
        else
            sp = onr_pool_window(ah, oh);
        const bool two = pairs && oh >= G->row_lo && oh + 1 < G->row_hi;
        const int64_t nu = two ? sp.count + ah->stride : sp.count;
        for (int64_t i = 0; i < nu; i++)
            u[i] = x + (sp.first + i * ah->dilation) * G->W;
        NAME(rows)(G, u, w + sp.tap0 * G->KW, (int)sp.count, two, bias, y + oh * G->OW DW_EDGES_PASS);
        oh += two ? 2 : 1;
    }
}

#undef DW_UNROLL
#undef DW_EDGE_ARG
#undef DW_EDGE_PASS
#undef DW_EDGES_ARG
#undef DW_EDGES_PASS
