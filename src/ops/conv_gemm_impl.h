/* conv_gemm_impl.h: the micro-kernel of conv_gemm.c, written once over the vector width and included
 * once per instruction set (as pool_simd_impl.h). The includer defines:
 *   NAME(x), FN, FN_INLINE      names and target attributes of this instruction set
 *   VEC, VW, MASK               vector type, floats per vector, tail mask type
 *   MR, NV                      tile rows and vectors per tile row (accumulators MR * NV)
 *   VLOAD, VSTORE, VLOAD_M, VSTORE_M, VMASK_N(n), VSET1, VZERO, VADD, VFMA, VMAX, VMIN
 *
 * A tile is mr x (nv * VW) elements of C (the last vector possibly partial: `tail`), all accumulated in
 * registers over kc steps: per step nv vectors of one B row and mr broadcasts of one A column. A is
 * read in place (row i at a + i * lda), B too (row k at b + k * ldb); a partial vector is loaded and
 * stored under a mask, so nothing past the tile's columns is touched. */

/* One tile with compile-time shape (mr, nv, tail): everything the compiler needs to keep the
 * accumulators in registers. */
FN_INLINE void NAME(tile)(const int mr, const int nv, const int tail, size_t kc, const float *a, size_t lda,
                          const float *b, size_t ldb, float *c, size_t ldc, size_t cols, const float *bias,
                          int first, int last, const onr_clamp *cl)
{
    VEC acc[MR][NV];
    const MASK tm = VMASK_N((int)(cols - (size_t)(nv - 1) * VW));
    /* The first K block's chain starts at the bias; later blocks sum from zero and are added to C: chains
     * of at most KC products round less than one chain over all of K (4608 for 512 channels x 3x3). */
#pragma GCC unroll 16
    for (int i = 0; i < mr; i++) {
        VEC v = first && bias ? VSET1(bias[i]) : VZERO();
#pragma GCC unroll 4
        for (int j = 0; j < nv; j++)
            acc[i][j] = v;
    }
    for (size_t k = 0; k < kc; k++) {
        const float *bk = b + k * ldb;
        VEC bv[NV];
#pragma GCC unroll 4
        for (int j = 0; j < nv; j++)
            bv[j] = tail && j == nv - 1 ? VLOAD_M(bk + j * VW, tm) : VLOAD(bk + j * VW);
#pragma GCC unroll 16
        for (int i = 0; i < mr; i++) {
            VEC av = VSET1(a[(size_t)i * lda + k]);
#pragma GCC unroll 4
            for (int j = 0; j < nv; j++)
                acc[i][j] = VFMA(av, bv[j], acc[i][j]);
        }
    }
    if (!first) {
#pragma GCC unroll 16
        for (int i = 0; i < mr; i++)
#pragma GCC unroll 4
            for (int j = 0; j < nv; j++)
                acc[i][j] = VADD(tail && j == nv - 1 ? VLOAD_M(c + i * ldc + j * VW, tm) : VLOAD(c + i * ldc + j * VW),
                                 acc[i][j]);
    }
    if (last && cl) {
        /* MAX/MIN return their second operand when either is NaN: a NaN sum passes, as onr_clamp_f32 */
        const VEC lo = VSET1(cl->lo), hi = VSET1(cl->hi);
#pragma GCC unroll 16
        for (int i = 0; i < mr; i++)
#pragma GCC unroll 4
            for (int j = 0; j < nv; j++)
                acc[i][j] = VMIN(hi, VMAX(lo, acc[i][j]));
    }
#pragma GCC unroll 16
    for (int i = 0; i < mr; i++)
#pragma GCC unroll 4
        for (int j = 0; j < nv; j++) {
            if (tail && j == nv - 1)
                VSTORE_M(c + i * ldc + j * VW, tm, acc[i][j]);
            else
                VSTORE(c + i * ldc + j * VW, acc[i][j]);
        }
}

/* The tile shapes as functions, [mr - 1][nv - 1][tail], so one indirect call picks a tile's shape. */
typedef void (*NAME(tile_fn))(size_t kc, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                              size_t ldc, size_t cols, const float *bias, int first, int last, const onr_clamp *cl);

#define TILE_DEF(mr, nv, tail)                                                                                  \
    FN static void NAME(tile_##mr##_##nv##_##tail)(size_t kc, const float *a, size_t lda, const float *b,       \
                                                    size_t ldb, float *c, size_t ldc, size_t cols,              \
                                                    const float *bias, int first, int last, const onr_clamp *cl) \
    {                                                                                                           \
        NAME(tile)(mr, nv, tail, kc, a, lda, b, ldb, c, ldc, cols, bias, first, last, cl);                      \
    }
#define TILE_DEFS(mr) TILE_DEF(mr, 1, 0) TILE_DEF(mr, 1, 1) TILE_DEF(mr, 2, 0) TILE_DEF(mr, 2, 1)
#define TILE_ROW(mr)                                                                                            \
    {{NAME(tile_##mr##_1_0), NAME(tile_##mr##_1_1)}, {NAME(tile_##mr##_2_0), NAME(tile_##mr##_2_1)}}

TILE_DEFS(1)
TILE_DEFS(2)
TILE_DEFS(3)
TILE_DEFS(4)
TILE_DEFS(5)
TILE_DEFS(6)
#if MR > 6
TILE_DEFS(7)
TILE_DEFS(8)
TILE_DEFS(9)
TILE_DEFS(10)
TILE_DEFS(11)
TILE_DEFS(12)
#endif

static const NAME(tile_fn) NAME(tiles)[MR][2][2] = {
    TILE_ROW(1), TILE_ROW(2), TILE_ROW(3), TILE_ROW(4), TILE_ROW(5), TILE_ROW(6),
#if MR > 6
    TILE_ROW(7), TILE_ROW(8), TILE_ROW(9), TILE_ROW(10), TILE_ROW(11), TILE_ROW(12),
#endif
};

#undef TILE_DEF
#undef TILE_DEFS
#undef TILE_ROW

/* C[0..m) x [0..n) (+)= A (m x kc) * B (kc x n): row panels of MR outer, so a panel of A (MR x kc,
 * L1-sized) serves every column tile while the B block comes from L2. */
FN static void NAME(block)(size_t m, size_t n, size_t kc, const float *a, size_t lda, const float *b, size_t ldb,
                           float *c, size_t ldc, const float *bias, int first, int last, const onr_clamp *cl)
{
    for (size_t i0 = 0; i0 < m; i0 += MR) {
        size_t mr = m - i0 < MR ? m - i0 : MR;
        const NAME(tile_fn)(*row)[2] = NAME(tiles)[mr - 1];
        for (size_t j0 = 0; j0 < n; j0 += NV * VW) {
            size_t cols = n - j0 < NV * VW ? n - j0 : NV * VW;
            size_t nv = (cols + VW - 1) / VW;
            row[nv - 1][cols % VW != 0](kc, a + i0 * lda, lda, b + j0, ldb, c + i0 * ldc + j0, ldc, cols,
                                        bias ? bias + i0 : NULL, first, last, cl);
        }
    }
}
