/* test_gemm.c: the shared GEMM (sgemm.h) and the Gemm and MatMul ops.
 *  - onr_sgemm against a naive double-precision product over a sweep of shapes (edges of the 4x8
 *    micro-tile, several k blocks, m == 1 vector path), every transA/transB, alpha/beta, padded
 *    leading dimensions, beta = 0 over NaN (C must not be read), with and without a thread pool;
 *  - Gemm: hand-worked 2x2 products, every C broadcast (scalar, (N), (1,N), (M,1), (M,N)), the opset
 *    rules (C required before 11, `broadcast` before 7), integer and double types;
 *  - MatMul: numpy.matmul semantics (1-D promotion, batch broadcasting) against a naive loop;
 *  - errors naming the input and dims at fault. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_harness.h"
#include "ops/sgemm.h"

/* ---- onr_sgemm ---------------------------------------------------------------------------------- */

static void naive(bool ta, bool tb, size_t m, size_t n, size_t k, double alpha, const float *a, size_t lda,
                  const float *b, size_t ldb, double beta, const float *c0, size_t ldc, double *out)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t p = 0; p < k; p++)
                s += (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (double)(tb ? b[j * ldb + p] : b[p * ldb + j]);
            out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * (double)c0[i * ldc + j]);
        }
}

Test(sgemm, sweep_vs_naive)
{
    const size_t ms[] = {1, 2, 3, 4, 5, 8, 31, 33, 70}, ns[] = {1, 7, 8, 9, 17, 64, 130}, ks[] = {0, 1, 3, 255, 256, 300};
    const float ab[][2] = {{1, 0}, {1, 1}, {0.5f, -2}, {-1.5f, 0}};
    ch_rng g = {7};
    onr_threadpool *pool = onr_threadpool_new(3);
    int count = 0;
    for (size_t im = 0; im < sizeof ms / sizeof *ms; im++)
        for (size_t in = 0; in < sizeof ns / sizeof *ns; in++)
            for (size_t ik = 0; ik < sizeof ks / sizeof *ks; ik++) {
                size_t m = ms[im], n = ns[in], k = ks[ik];
                int v = count++;
                bool ta = v & 1, tb = v & 2;
                float alpha = ab[v % 4][0], beta = ab[(v / 4) % 4][1];
                size_t pad = (size_t)(v % 3); /* leading dimensions wider than the matrix */
                size_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                size_t arows = ta ? k : m, brows = tb ? n : k;
                float *a = ch_rand_f32(&g, arows * lda + 1), *b = ch_rand_f32(&g, brows * ldb + 1);
                float *c = ch_rand_f32(&g, m * ldc), *c0 = malloc(m * ldc * sizeof *c0);
                if (beta == 0)
                    for (size_t i = 0; i < m * ldc; i++)
                        c[i] = NAN; /* beta = 0: C is write-only */
                memcpy(c0, c, m * ldc * sizeof *c0);
                double *want = malloc((m * n + 1) * sizeof *want);
                naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc, want);
                onr_sgemm(v % 2 ? pool : NULL, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                size_t bad = 0;
                for (size_t i = 0; i < m; i++) {
                    for (size_t j = 0; j < n; j++) {
                        double got = c[i * ldc + j], w = want[i * n + j];
                        if (!(fabs(got - w) <= 1e-5 * (1 + fabs(w)) * (1 + sqrt((double)k))) && bad++ < 3)
                            cr_expect(0, "m%zu n%zu k%zu ta%d tb%d alpha %g beta %g: C[%zu][%zu] = %g, want %g", m, n,
                                      k, ta, tb, alpha, beta, i, j, got, w);
                    }
                    for (size_t j = n; j < ldc; j++) /* padding columns untouched */
                        if (!(c[i * ldc + j] == c0[i * ldc + j] || (isnan(c[i * ldc + j]) && isnan(c0[i * ldc + j]))))
                            cr_expect(0, "m%zu n%zu k%zu: padding C[%zu][%zu] was written", m, n, k, i, j);
                }
                cr_expect_eq(bad, 0, "m%zu n%zu k%zu ta%d tb%d: %zu wrong", m, n, k, ta, tb, bad);
                free(a);
                free(b);
                free(c);
                free(c0);
                free(want);
            }
    onr_threadpool_free(pool);
}

Test(sgemm, row_bias)
{
    /* onr_sgemm_bias: C = op(A) op(B) + bias[i] per row, C write-only (NaN before), every path:
     * m == 1 (vector), k == 0 (bias only), several k blocks, transposes. */
    const size_t shapes[][3] = {{1, 19, 5}, {1, 7, 0}, {6, 5, 0}, {9, 33, 300}, {40, 17, 3}, {5, 100, 256}};
    ch_rng g = {4242};
    onr_threadpool *pool = onr_threadpool_new(2);
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t m = shapes[t][0], n = shapes[t][1], k = shapes[t][2];
        bool ta = t & 1, tb = t & 2;
        float *a = ch_rand_f32(&g, m * k + 1), *b = ch_rand_f32(&g, k * n + 1), *bias = ch_rand_f32(&g, m);
        float *c = malloc(m * n * sizeof *c);
        for (size_t i = 0; i < m * n; i++)
            c[i] = NAN;
        double *want = malloc(m * n * sizeof *want);
        naive(ta, tb, m, n, k, 1.0, a, ta ? m : k, b, tb ? k : n, 0.0, NULL, 0, want);
        for (size_t i = 0; i < m * n; i++)
            want[i] += bias[i / n];
        onr_sgemm_bias(t % 2 ? pool : NULL, ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, bias, NULL, c, n);
        for (size_t i = 0; i < m * n; i++)
            if (!(fabs(c[i] - want[i]) <= 1e-4))
                cr_expect(0, "m%zu n%zu k%zu: C[%zu] = %g, want %g", m, n, k, i, c[i], want[i]);
        free(a);
        free(b);
        free(bias);
        free(c);
        free(want);
    }
    onr_threadpool_free(pool);
}

Test(sgemm, bias_and_clamp_on_every_path)
{
    /* C = clamp(A B + bias) on both implementations, alone and with 2 threads, over shapes that the BLAS
     * path cuts into column slices (wide C), row slices (narrow C, many rows), cache-sized slices (big
     * C) or leaves whole (small): every element must see its row's bias once and the clamp once, and a
     * NaN in A must reach its row of C (the clamp lets NaN through, like Clip). */
    const size_t shapes[][3] = {{3, 10, 4}, {64, 3136, 24}, {512, 49, 300}, {96, 1000, 64}, {1, 1000, 1280}};
    const onr_gemm_impl impls[] = {ONR_GEMM_PORTABLE, ONR_GEMM_BLAS};
    const onr_clamp clamp = onr_clamp_make(-0.5f, 0.25f);
    ch_rng g = {99};
    onr_threadpool *pool = onr_threadpool_new(2);
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t m = shapes[t][0], n = shapes[t][1], k = shapes[t][2];
        float *a = ch_rand_f32(&g, m * k), *b = ch_rand_f32(&g, k * n), *bias = ch_rand_f32(&g, m);
        a[(m - 1) * k] = NAN; /* the last row of C is all NaN */
        double *want = malloc(m * n * sizeof *want);
        naive(false, false, m, n, k, 1.0, a, k, b, n, 0.0, NULL, 0, want);
        float *c = malloc(m * n * sizeof *c);
        for (size_t ii = 0; ii < 2; ii++)
            for (int th = 0; th < 2; th++) {
                for (size_t i = 0; i < m * n; i++)
                    c[i] = NAN;
                onr_sgemm_impl(impls[ii], th ? pool : NULL, false, false, m, n, k, 1.0f, a, k, b, n, 0.0f, bias,
                               &clamp, c, n);
                size_t bad = 0;
                for (size_t i = 0; i < m * n; i++) {
                    double w = want[i] + bias[i / n];
                    w = w < -0.5 ? -0.5 : w > 0.25 ? 0.25 : w;
                    bool ok = i / n == m - 1 ? isnan(c[i]) : fabs(c[i] - w) <= 1e-4;
                    if (!ok && bad++ < 3)
                        cr_expect(0, "m%zu n%zu k%zu impl %zu threads %d: C[%zu] = %g, want %g", m, n, k, ii, th + 1,
                                  i, c[i], i / n == m - 1 ? NAN : w);
                }
                cr_expect_eq(bad, 0, "m%zu n%zu k%zu impl %zu threads %d: %zu wrong", m, n, k, ii, th + 1, bad);
            }
        free(a);
        free(b);
        free(bias);
        free(want);
        free(c);
    }
    onr_threadpool_free(pool);
}

Test(sgemm, double_and_integer)
{
    /* [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]] (and transposes) */
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4];
    onr_dgemm(false, false, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    cr_expect(c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50, "dgemm %g %g %g %g", c[0], c[1], c[2], c[3]);
    onr_dgemm(true, true, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2); /* A^T B^T = (BA)^T: [[23,31],[34,46]] */
    cr_expect(c[0] == 23 && c[1] == 31 && c[2] == 34 && c[3] == 46, "dgemm^T %g %g %g %g", c[0], c[1], c[2], c[3]);
    /* int32 wraps like numpy: 65536 * 65536 = 2^32 = 0 (mod 2^32), plus 3 */
    int32_t ia[2] = {65536, 1}, ib[2] = {65536, 3}, ic[1];
    cr_expect(onr_igemm(ONR_DTYPE_INT32, false, false, 1, 1, 2, ia, 2, ib, 1, ic, 1));
    cr_expect_eq(ic[0], 3);
    int64_t la[4] = {1, 2, 3, 4}, lb[4] = {5, 6, 7, 8}, lc[4];
    cr_expect(onr_igemm(ONR_DTYPE_INT64, false, true, 2, 2, 2, la, 2, lb, 2, lc, 2)); /* A B^T = [[17,23],[39,53]] */
    cr_expect(lc[0] == 17 && lc[1] == 23 && lc[2] == 39 && lc[3] == 53);
    cr_expect(!onr_igemm(ONR_DTYPE_INT8, false, false, 1, 1, 1, la, 1, lb, 1, lc, 1), "int8 is not an igemm type");
}

/* ---- Gemm ---------------------------------------------------------------------------------------- */

Test(gemm, hand_worked)
{
    float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    float c_scalar[1] = {10}, c_row[2] = {10, 20}, c_col[2] = {100, 200}, c_full[4] = {1, 2, 3, 4};
    onr_tensor A = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), a), B = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), b);
    onr_tensor C0 = sh_t(ONR_DTYPE_FLOAT, 0, D(0), c_scalar), C1 = sh_t(ONR_DTYPE_FLOAT, 1, D(2), c_row);
    onr_tensor C1N = sh_t(ONR_DTYPE_FLOAT, 2, D(1, 2), c_row), CM1 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 1), c_col);
    onr_tensor CMN = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), c_full), C11 = sh_t(ONR_DTYPE_FLOAT, 1, D(1), c_scalar);
    const struct {
        const char *name;
        onr_attr attrs[4];
        size_t n_attrs;
        const onr_tensor *c;
        int64_t opset;
        float want[4];
    } cases[] = {
        /* A B = [[19,22],[43,50]] */
        {"no C (opset 11)", {A_INT("transA", 0)}, 1, NULL, 11, {19, 22, 43, 50}},
        {"scalar C", {A_INT("transA", 0)}, 1, &C0, 13, {29, 32, 53, 60}},
        {"one-element C (1)", {A_INT("transA", 0)}, 1, &C11, 13, {29, 32, 53, 60}},
        {"row C (N)", {A_INT("transA", 0)}, 1, &C1, 13, {29, 42, 53, 70}},
        {"row C (1,N)", {A_INT("transA", 0)}, 1, &C1N, 9, {29, 42, 53, 70}},
        {"column C (M,1)", {A_INT("transA", 0)}, 1, &CM1, 7, {119, 122, 243, 250}},
        {"full C, alpha 0.5, beta 2", {A_FLOAT("alpha", 0.5f), A_FLOAT("beta", 2.0f)}, 2, &CMN, 13,
         {11.5f, 15, 27.5f, 33}},
        /* A^T B = [[26,30],[38,44]]; A B^T = [[17,23],[39,53]]; A^T B^T = [[23,31],[34,46]] */
        {"transA", {A_INT("transA", 1)}, 1, NULL, 13, {26, 30, 38, 44}},
        {"transB", {A_INT("transB", 1)}, 1, NULL, 13, {17, 23, 39, 53}},
        {"transA transB beta 0 ignores C", {A_INT("transA", 1), A_INT("transB", 1), A_FLOAT("beta", 0)}, 3, &CMN, 13,
         {23, 31, 34, 46}},
        {"opset 6 broadcast=1 row C", {A_INT("broadcast", 1)}, 1, &C1, 6, {29, 42, 53, 70}},
        {"opset 6 broadcast=0 full C", {A_INT("broadcast", 0)}, 1, &CMN, 6, {20, 24, 46, 54}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ch_run r;
        ch_exec(&r, "Gemm", cases[i].opset, cases[i].attrs, cases[i].n_attrs,
                (const onr_tensor *[]){&A, &B, cases[i].c}, cases[i].c ? 3 : 2, 1, NULL);
        cr_expect_eq(r.st, ONR_OK, "%s: %s", cases[i].name, r.err.message);
        if (r.st == ONR_OK)
            ch_expect_f32(&r.out[0], 2, D(2, 2), cases[i].want, 1e-6, cases[i].name);
        ch_free(&r);
    }
}

Test(gemm, linear_layer_shapes)
{
    /* Batch-1 and batch-5 Linear (transB = 1, bias (N)) against the naive product, with a pool. */
    ch_rng g = {99};
    onr_threadpool *pool = onr_threadpool_new(2);
    const size_t ms[] = {1, 5}, k = 300, n = 37;
    for (size_t t = 0; t < 2; t++) {
        size_t m = ms[t];
        float *a = ch_rand_f32(&g, m * k), *w = ch_rand_f32(&g, n * k), *bias = ch_rand_f32(&g, n);
        double *want = malloc(m * n * sizeof *want);
        naive(false, true, m, n, k, 1.0, a, k, w, k, 0.0, NULL, 0, want);
        for (size_t i = 0; i < m * n; i++)
            want[i] += bias[i % n];
        onr_tensor A = sh_t(ONR_DTYPE_FLOAT, 2, D((int64_t)m, (int64_t)k), a);
        onr_tensor W = sh_t(ONR_DTYPE_FLOAT, 2, D((int64_t)n, (int64_t)k), w);
        onr_tensor Bv = sh_t(ONR_DTYPE_FLOAT, 1, D((int64_t)n), bias);
        onr_attr at[] = {A_INT("transB", 1)};
        ch_run r;
        ch_exec(&r, "Gemm", 13, at, 1, (const onr_tensor *[]){&A, &W, &Bv}, 3, 1, pool);
        ch_expect_close(&r.out[0], 2, D((int64_t)m, (int64_t)n), want, 1e-5, 1e-5, "Linear");
        ch_free(&r);
        free(a);
        free(w);
        free(bias);
        free(want);
    }
    onr_threadpool_free(pool);
}

Test(gemm, integer_and_double)
{
    int64_t a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[2] = {1000000000000LL, -1};
    onr_tensor A = sh_t(ONR_DTYPE_INT64, 2, D(2, 2), a), B = sh_t(ONR_DTYPE_INT64, 2, D(2, 2), b);
    onr_tensor C = sh_t(ONR_DTYPE_INT64, 1, D(2), c);
    ch_run r;
    ch_exec(&r, "Gemm", 13, NULL, 0, (const onr_tensor *[]){&A, &B, &C}, 3, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    if (r.st == ONR_OK) {
        const int64_t *y = r.out[0].data; /* exact in int64: beyond float precision */
        cr_expect(y[0] == 1000000000019LL && y[1] == 21 && y[2] == 1000000000043LL && y[3] == 49, "%lld %lld %lld %lld",
                  (long long)y[0], (long long)y[1], (long long)y[2], (long long)y[3]);
    }
    ch_free(&r);
    int32_t ia[4] = {1, 2, 3, 4}, ib[4] = {5, 6, 7, 8};
    onr_tensor IA = sh_t(ONR_DTYPE_INT32, 2, D(2, 2), ia), IB = sh_t(ONR_DTYPE_INT32, 2, D(2, 2), ib);
    onr_attr half[] = {A_FLOAT("alpha", 0.5f)};
    ch_exec(&r, "Gemm", 11, half, 1, (const onr_tensor *[]){&IA, &IB}, 2, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    if (r.st == ONR_OK) {
        const int32_t *y = r.out[0].data; /* 0.5 * [[19,22],[43,50]], truncated like numpy astype */
        cr_expect(y[0] == 9 && y[1] == 11 && y[2] == 21 && y[3] == 25, "%d %d %d %d", y[0], y[1], y[2], y[3]);
    }
    ch_free(&r);
    ch_exec(&r, "Gemm", 7, NULL, 0, (const onr_tensor *[]){&IA, &IB, &IA}, 3, 1, NULL);
    ch_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "int32 Gemm before opset 9");
    ch_free(&r);
    double da[2] = {0.5, 0.25}, db[2] = {4, 8};
    onr_tensor DA = sh_t(ONR_DTYPE_DOUBLE, 2, D(1, 2), da), DB = sh_t(ONR_DTYPE_DOUBLE, 2, D(2, 1), db);
    ch_exec(&r, "Gemm", 13, NULL, 0, (const onr_tensor *[]){&DA, &DB}, 2, 1, NULL);
    ch_expect_close(&r.out[0], 2, D(1, 1), (double[]){4.0}, 0, 0, "double");
    ch_free(&r);
}

Test(gemm, rejects_bad_models)
{
    float d[64] = {0};
    onr_tensor A23 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), d), B34 = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 4), d);
    onr_tensor B24 = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 4), d), A3 = sh_t(ONR_DTYPE_FLOAT, 3, D(1, 2, 3), d);
    onr_tensor C3 = sh_t(ONR_DTYPE_FLOAT, 1, D(3), d), C4 = sh_t(ONR_DTYPE_FLOAT, 1, D(4), d);
    onr_tensor C324 = sh_t(ONR_DTYPE_FLOAT, 3, D(1, 2, 4), d), Bd = sh_t(ONR_DTYPE_DOUBLE, 2, D(3, 4), d);
    const struct {
        const char *name;
        onr_attr attrs[1];
        size_t n_attrs;
        const onr_tensor *in[3];
        size_t n_in;
        int64_t opset;
        onr_status code;
        const char *stage, *needle;
    } cases[] = {
        {"inner dims", {A_INT("transA", 0)}, 1, {&A23, &B24}, 2, 13, ONR_E_INVALID_MODEL, "infer", "inner"},
        {"A rank 3", {A_INT("transA", 0)}, 1, {&A3, &B34}, 2, 13, ONR_E_INVALID_MODEL, "infer", "A"},
        {"C not broadcastable", {A_INT("transA", 0)}, 1, {&A23, &B34, &C3}, 3, 13, ONR_E_INVALID_MODEL, "infer", "C"},
        {"C rank 3", {A_INT("transA", 0)}, 1, {&A23, &B34, &C324}, 3, 13, ONR_E_INVALID_MODEL, "infer", "C"},
        {"C required before 11", {A_INT("transA", 0)}, 1, {&A23, &B34}, 2, 9, ONR_E_INVALID_MODEL, "infer", "C"},
        {"broadcast=0 needs (M,N) C", {A_INT("broadcast", 0)}, 1, {&A23, &B34, &C4}, 3, 6, ONR_E_INVALID_MODEL,
         "infer", "broadcast"},
        {"broadcast removed at 7", {A_INT("broadcast", 1)}, 1, {&A23, &B34, &C4}, 3, 7, ONR_E_INVALID_MODEL, "parse",
         "broadcast"},
        {"transA = 2", {A_INT("transA", 2)}, 1, {&A23, &B34}, 2, 13, ONR_E_INVALID_MODEL, "parse", "transA"},
        {"B type", {A_INT("transA", 0)}, 1, {&A23, &Bd}, 2, 13, ONR_E_INVALID_MODEL, "infer", "B"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ch_run r;
        ch_exec(&r, "Gemm", cases[i].opset, cases[i].attrs, cases[i].n_attrs, cases[i].in, cases[i].n_in, 1, NULL);
        ch_expect_fail(&r, cases[i].code, cases[i].stage, cases[i].name);
        cr_expect(strstr(r.err.message, cases[i].needle), "%s: message '%s' does not name '%s'", cases[i].name,
                  r.err.message, cases[i].needle);
        ch_free(&r);
    }
}

/* ---- MatMul -------------------------------------------------------------------------------------- */

/* numpy.matmul by definition: promote 1-D, broadcast batch dims, loop. Returns Y's rank. */
static int32_t naive_matmul(const float *a, int32_t ra, const int64_t *da, const float *b, int32_t rb,
                            const int64_t *db, double *y, int64_t *dy)
{
    int64_t A[8], B[8];
    int32_t pa = ra, pb = rb;
    memcpy(A, da, sizeof(int64_t) * (size_t)ra);
    memcpy(B, db, sizeof(int64_t) * (size_t)rb);
    if (ra == 1) {
        A[1] = A[0];
        A[0] = 1;
        pa = 2;
    }
    if (rb == 1) {
        B[1] = 1;
        pb = 2;
    }
    int64_t m = A[pa - 2], k = A[pa - 1], n = B[pb - 1];
    int32_t nb = (pa > pb ? pa : pb) - 2;
    int64_t bd[8], total = 1;
    for (int32_t i = 0; i < nb; i++) {
        int32_t ia = i - (nb - (pa - 2)), ib = i - (nb - (pb - 2));
        int64_t x = ia >= 0 ? A[ia] : 1, z = ib >= 0 ? B[ib] : 1;
        bd[i] = x > z ? x : z;
        total *= bd[i];
    }
    for (int64_t t = 0; t < total; t++) {
        int64_t rem = t, oa = 0, ob = 0, sa = m * k, sb = k * n;
        for (int32_t i = nb - 1; i >= 0; i--) {
            int64_t c = rem % bd[i];
            rem /= bd[i];
            int32_t ia = i - (nb - (pa - 2)), ib = i - (nb - (pb - 2));
            if (ia >= 0) {
                oa += (A[ia] == 1 ? 0 : c) * sa;
                sa *= A[ia];
            }
            if (ib >= 0) {
                ob += (B[ib] == 1 ? 0 : c) * sb;
                sb *= B[ib];
            }
        }
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                double s = 0;
                for (int64_t p = 0; p < k; p++)
                    s += (double)a[oa + i * k + p] * (double)b[ob + p * n + j];
                y[(t * m + i) * n + j] = s;
            }
    }
    int32_t r = 0;
    for (int32_t i = 0; i < nb; i++)
        dy[r++] = bd[i];
    if (ra != 1)
        dy[r++] = m;
    if (rb != 1)
        dy[r++] = n;
    return r;
}

Test(matmul, numpy_semantics)
{
    const struct {
        int32_t ra, rb;
        int64_t da[4], db[4];
    } cases[] = {
        {1, 1, {5}, {5}},                        /* dot product: scalar */
        {1, 2, {3}, {3, 4}},                     /* (3) x (3,4) -> (4) */
        {2, 1, {4, 3}, {3}},                     /* (4,3) x (3) -> (4) */
        {1, 3, {3}, {2, 3, 4}},                  /* (3) x (2,3,4) -> (2,4) */
        {3, 1, {2, 4, 3}, {3}},                  /* -> (2,4) */
        {2, 2, {33, 17}, {17, 9}},
        {3, 3, {2, 3, 4}, {2, 4, 3}},            /* test_matmul_3d shape */
        {4, 3, {2, 1, 3, 4}, {5, 4, 2}},         /* batch broadcast (2,1)x(5) -> (2,5) */
        {3, 4, {3, 5, 6}, {1, 1, 6, 2}},         /* B single matrix with extra 1 dims: A's batch folds */
        {3, 2, {4, 1, 300}, {300, 70}},          /* Linear on (batch, seq, K) */
        {2, 3, {6, 8}, {5, 8, 3}},               /* A broadcast over B's batch */
        {4, 4, {1, 2, 3, 4}, {1, 2, 4, 3}},      /* test_matmul_4d shape */
        {3, 3, {2, 0, 4}, {2, 4, 3}},            /* empty M */
        {2, 2, {3, 0}, {0, 2}},                  /* K = 0: zeros */
    };
    ch_rng g = {2024};
    onr_threadpool *pool = onr_threadpool_new(3);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t na = 1, nb = 1;
        for (int32_t d = 0; d < cases[i].ra; d++)
            na *= (size_t)cases[i].da[d];
        for (int32_t d = 0; d < cases[i].rb; d++)
            nb *= (size_t)cases[i].db[d];
        float *a = ch_rand_f32(&g, na), *b = ch_rand_f32(&g, nb);
        double *want = malloc(4096 * sizeof *want);
        int64_t dy[8];
        int32_t ry = naive_matmul(a, cases[i].ra, cases[i].da, b, cases[i].rb, cases[i].db, want, dy);
        onr_tensor A = sh_t(ONR_DTYPE_FLOAT, cases[i].ra, cases[i].da, a);
        onr_tensor B = sh_t(ONR_DTYPE_FLOAT, cases[i].rb, cases[i].db, b);
        for (int p = 0; p < 2; p++) {
            ch_run r;
            ch_exec(&r, "MatMul", 13, NULL, 0, (const onr_tensor *[]){&A, &B}, 2, 1, p ? pool : NULL);
            char what[64];
            snprintf(what, sizeof what, "MatMul case %zu%s", i, p ? " (pool)" : "");
            cr_expect_eq(r.st, ONR_OK, "%s: %s", what, r.err.message);
            if (r.st == ONR_OK)
                ch_expect_close(&r.out[0], ry, dy, want, 1e-5, 1e-5, what);
            ch_free(&r);
        }
        free(a);
        free(b);
        free(want);
    }
    onr_threadpool_free(pool);
}

Test(matmul, integer_types)
{
    /* int64 batched: [[1,2],[3,4]] x [[5,6],[7,8]] and its negation; int32 wraps */
    int64_t a[8] = {1, 2, 3, 4, -1, -2, -3, -4}, b[4] = {5, 6, 7, 8};
    onr_tensor A = sh_t(ONR_DTYPE_INT64, 3, D(2, 2, 2), a), B = sh_t(ONR_DTYPE_INT64, 2, D(2, 2), b);
    ch_run r;
    ch_exec(&r, "MatMul", 13, NULL, 0, (const onr_tensor *[]){&A, &B}, 2, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    if (r.st == ONR_OK) {
        const int64_t *y = r.out[0].data, want[8] = {19, 22, 43, 50, -19, -22, -43, -50};
        for (int i = 0; i < 8; i++)
            cr_expect_eq(y[i], want[i], "element %d: %lld", i, (long long)y[i]);
    }
    ch_free(&r);
    ch_exec(&r, "MatMul", 1, NULL, 0, (const onr_tensor *[]){&A, &B}, 2, 1, NULL);
    ch_expect_fail(&r, ONR_E_UNSUPPORTED, "infer", "int64 MatMul at opset 1");
    ch_free(&r);
}

Test(matmul, rejects_bad_models)
{
    float d[64] = {0};
    onr_tensor A234 = sh_t(ONR_DTYPE_FLOAT, 3, D(2, 3, 4), d), B354 = sh_t(ONR_DTYPE_FLOAT, 3, D(3, 4, 5), d);
    onr_tensor B35 = sh_t(ONR_DTYPE_FLOAT, 2, D(3, 5), d), S = sh_t(ONR_DTYPE_FLOAT, 0, D(0), d);
    const struct {
        const char *name;
        const onr_tensor *a, *b;
        const char *needle;
    } cases[] = {
        {"batch dims", &A234, &B354, "broadcast"},
        {"inner dims", &A234, &B35, "inner"},
        {"scalar operand", &S, &B35, "scalar"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ch_run r;
        ch_exec(&r, "MatMul", 13, NULL, 0, (const onr_tensor *[]){cases[i].a, cases[i].b}, 2, 1, NULL);
        ch_expect_fail(&r, ONR_E_INVALID_MODEL, "infer", cases[i].name);
        cr_expect(strstr(r.err.message, cases[i].needle), "%s: '%s'", cases[i].name, r.err.message);
        ch_free(&r);
    }
}
