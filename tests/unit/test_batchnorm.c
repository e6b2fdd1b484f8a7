/* test_batchnorm.c: BatchNormalization.
 *  - the ONNX doc example (Operators.md BatchNormalization, batchnormalization.py "example"), float
 *    and double, every opset family (6, 7, 9, 14, 15);
 *  - spatial = 0 (opset < 9) and training mode (opset 15) worked by hand;
 *  - random planes against the formula, with a thread pool;
 *  - errors naming the input or attribute at fault. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compute_harness.h"

Test(batchnorm, onnx_doc_example)
{
    /* x = [[[[-1,0,1]],[[2,3,4]]]], s = [1,1.5], bias = [0,1], mean = [0,3], var = [1,1.5], eps 1e-5:
     * y = [[[[-0.999995, 0, 0.999995]], [[-0.22474074, 1, 2.2247407]]]] */
    float x[6] = {-1, 0, 1, 2, 3, 4}, s[2] = {1, 1.5f}, b[2] = {0, 1}, mean[2] = {0, 3}, var[2] = {1, 1.5f};
    const float want[6] = {-0.999995f, 0, 0.999995f, -0.22474074f, 1, 2.2247407f};
    const int64_t opsets[] = {6, 7, 9, 14, 15, 22};
    onr_tensor X = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 2, 1, 3), x), S = sh_t(ONR_DTYPE_FLOAT, 1, D(2), s);
    onr_tensor B = sh_t(ONR_DTYPE_FLOAT, 1, D(2), b), M = sh_t(ONR_DTYPE_FLOAT, 1, D(2), mean);
    onr_tensor V = sh_t(ONR_DTYPE_FLOAT, 1, D(2), var);
    for (size_t i = 0; i < sizeof opsets / sizeof opsets[0]; i++) {
        onr_attr is_test[] = {A_INT("is_test", 1)};
        ch_run r;
        ch_exec(&r, "BatchNormalization", opsets[i], is_test, opsets[i] < 7 ? 1 : 0,
                (const onr_tensor *[]){&X, &S, &B, &M, &V}, 5, 1, NULL);
        cr_expect_eq(r.st, ONR_OK, "opset %lld: %s", (long long)opsets[i], r.err.message);
        if (r.st == ONR_OK)
            ch_expect_f32(&r.out[0], 4, D(1, 2, 1, 3), want, 1e-6, "doc example");
        ch_free(&r);
    }
    double xd[6], sd[2], bd[2], md[2], vd[2];
    for (int i = 0; i < 6; i++)
        xd[i] = x[i];
    for (int i = 0; i < 2; i++) {
        sd[i] = s[i];
        bd[i] = b[i];
        md[i] = mean[i];
        vd[i] = var[i];
    }
    onr_tensor Xd = sh_t(ONR_DTYPE_DOUBLE, 4, D(1, 2, 1, 3), xd), Sd = sh_t(ONR_DTYPE_DOUBLE, 1, D(2), sd);
    onr_tensor Bd = sh_t(ONR_DTYPE_DOUBLE, 1, D(2), bd), Md = sh_t(ONR_DTYPE_DOUBLE, 1, D(2), md);
    onr_tensor Vd = sh_t(ONR_DTYPE_DOUBLE, 1, D(2), vd);
    ch_run r;
    ch_exec(&r, "BatchNormalization", 15, NULL, 0, (const onr_tensor *[]){&Xd, &Sd, &Bd, &Md, &Vd}, 5, 1, NULL);
    double wantd[6];
    for (int i = 0; i < 6; i++)
        wantd[i] = want[i];
    ch_expect_close(&r.out[0], 4, D(1, 2, 1, 3), wantd, 1e-7, 1e-7, "double");
    ch_free(&r);
    /* opset 15: X float with double scale/B (T1) and float mean/var (T2) */
    ch_exec(&r, "BatchNormalization", 15, NULL, 0, (const onr_tensor *[]){&X, &Sd, &Bd, &M, &V}, 5, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "mixed types: %s", r.err.message);
    if (r.st == ONR_OK)
        ch_expect_f32(&r.out[0], 4, D(1, 2, 1, 3), want, 1e-6, "mixed types");
    ch_free(&r);
}

Test(batchnorm, spatial_0)
{
    /* opset 7, spatial = 0: one set of statistics per (C, D) element; epsilon 0.
     * x[0] = [[1,2],[3,4]], x[1] = [[5,6],[7,8]]; mean [[1,2],[3,4]], var [[1,4],[1,4]],
     * scale [[1,1],[2,2]], B [[0,0],[0,10]]:  y[0] = [[0,0],[0,10]], y[1] = [[4,2],[8,14]] */
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, s[4] = {1, 1, 2, 2}, b[4] = {0, 0, 0, 10}, m[4] = {1, 2, 3, 4},
          v[4] = {1, 4, 1, 4};
    onr_tensor X = sh_t(ONR_DTYPE_FLOAT, 3, D(2, 2, 2), x);
    onr_tensor S = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), s), B = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), b);
    onr_tensor M = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), m), V = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 2), v);
    onr_attr at[] = {A_INT("spatial", 0), A_FLOAT("epsilon", 0)};
    ch_run r;
    ch_exec(&r, "BatchNormalization", 7, at, 2, (const onr_tensor *[]){&X, &S, &B, &M, &V}, 5, 1, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    if (r.st == ONR_OK)
        ch_expect_f32(&r.out[0], 3, D(2, 2, 2), (float[]){0, 0, 0, 10, 4, 2, 8, 14}, 1e-6, "spatial=0");
    ch_free(&r);
}

Test(batchnorm, training_mode)
{
    /* One channel holding 1, 3, 5, 7: batch mean 4, biased variance 5; epsilon 0, momentum 0.9:
     * y = (x - 4) / sqrt(5); running_mean = 0 * 0.9 + 4 * 0.1; running_var = 1 * 0.9 + 5 * 0.1 */
    float x[4] = {1, 3, 5, 7}, s[1] = {1}, b[1] = {0}, m[1] = {0}, v[1] = {1};
    onr_tensor X = sh_t(ONR_DTYPE_FLOAT, 3, D(2, 1, 2), x), S = sh_t(ONR_DTYPE_FLOAT, 1, D(1), s);
    onr_tensor B = sh_t(ONR_DTYPE_FLOAT, 1, D(1), b), M = sh_t(ONR_DTYPE_FLOAT, 1, D(1), m);
    onr_tensor V = sh_t(ONR_DTYPE_FLOAT, 1, D(1), v);
    onr_attr at[] = {A_INT("training_mode", 1), A_FLOAT("epsilon", 0)};
    ch_run r;
    ch_exec(&r, "BatchNormalization", 15, at, 2, (const onr_tensor *[]){&X, &S, &B, &M, &V}, 5, 3, NULL);
    cr_expect_eq(r.st, ONR_OK, "%s", r.err.message);
    if (r.st == ONR_OK) {
        float q = 1.0f / sqrtf(5.0f);
        ch_expect_f32(&r.out[0], 3, D(2, 1, 2), (float[]){-3 * q, -q, q, 3 * q}, 1e-6, "Y");
        ch_expect_f32(&r.out[1], 1, D(1), (float[]){0.4f}, 1e-6, "running_mean");
        ch_expect_f32(&r.out[2], 1, D(1), (float[]){1.4f}, 1e-6, "running_var");
    }
    ch_free(&r);
}

Test(batchnorm, random_planes)
{
    ch_rng g = {31337};
    onr_threadpool *pool = onr_threadpool_new(3);
    const int64_t n = 3, c = 5, h = 7, w = 9;
    size_t count = (size_t)(n * c * h * w);
    float *x = ch_rand_f32(&g, count), *s = ch_rand_f32(&g, 5), *b = ch_rand_f32(&g, 5), *m = ch_rand_f32(&g, 5);
    float *v = ch_rand_f32(&g, 5);
    for (int i = 0; i < 5; i++)
        v[i] = fabsf(v[i]) + 0.1f;
    double *want = malloc(count * sizeof *want);
    for (size_t i = 0; i < count; i++) {
        size_t ch = (i / (size_t)(h * w)) % (size_t)c;
        want[i] = ((double)x[i] - m[ch]) / sqrt((double)v[ch] + 1e-3) * s[ch] + b[ch];
    }
    onr_tensor X = sh_t(ONR_DTYPE_FLOAT, 4, D(n, c, h, w), x), S = sh_t(ONR_DTYPE_FLOAT, 1, D(c), s);
    onr_tensor B = sh_t(ONR_DTYPE_FLOAT, 1, D(c), b), M = sh_t(ONR_DTYPE_FLOAT, 1, D(c), m);
    onr_tensor V = sh_t(ONR_DTYPE_FLOAT, 1, D(c), v);
    onr_attr at[] = {A_FLOAT("epsilon", 1e-3f)};
    ch_run r;
    ch_exec(&r, "BatchNormalization", 14, at, 1, (const onr_tensor *[]){&X, &S, &B, &M, &V}, 5, 1, pool);
    ch_expect_close(&r.out[0], 4, D(n, c, h, w), want, 1e-5, 1e-5, "random");
    ch_free(&r);
    free(x);
    free(s);
    free(b);
    free(m);
    free(v);
    free(want);
    onr_threadpool_free(pool);
}

Test(batchnorm, rejects_bad_models)
{
    float d[32] = {0};
    double dd[4] = {0};
    uint16_t h[32] = {0};
    onr_tensor X = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 2, 2, 2), d), P = sh_t(ONR_DTYPE_FLOAT, 1, D(2), d);
    onr_tensor P3 = sh_t(ONR_DTYPE_FLOAT, 1, D(3), d), Pd = sh_t(ONR_DTYPE_DOUBLE, 1, D(2), dd);
    onr_tensor Xh = sh_t(ONR_DTYPE_FLOAT16, 4, D(1, 2, 2, 2), h), X1 = sh_t(ONR_DTYPE_FLOAT, 1, D(2), d);
    const struct {
        const char *name;
        int64_t opset;
        onr_attr attrs[1];
        size_t n_attrs;
        const onr_tensor *in[5];
        size_t n_out;
        onr_status code;
        const char *stage, *needle;
    } cases[] = {
        {"mean length", 15, {A_INT("training_mode", 0)}, 1, {&X, &P, &P, &P3, &P}, 1, ONR_E_INVALID_MODEL, "infer",
         "input_mean"},
        {"spatial removed at 9", 9, {A_INT("spatial", 1)}, 1, {&X, &P, &P, &P, &P}, 1, ONR_E_INVALID_MODEL, "parse",
         "spatial"},
        {"training_mode before 14", 9, {A_INT("training_mode", 1)}, 1, {&X, &P, &P, &P, &P}, 1, ONR_E_INVALID_MODEL,
         "parse", "training_mode"},
        {"old training outputs", 9, {A_FLOAT("epsilon", 1e-5f)}, 1, {&X, &P, &P, &P, &P}, 5, ONR_E_UNSUPPORTED,
         "parse", "training"},
        {"running outputs need training_mode", 15, {A_INT("training_mode", 0)}, 1, {&X, &P, &P, &P, &P}, 3,
         ONR_E_INVALID_MODEL, "parse", "training_mode"},
        {"types must match before 15", 14, {A_FLOAT("epsilon", 1e-5f)}, 1, {&X, &Pd, &Pd, &P, &P}, 1,
         ONR_E_INVALID_MODEL, "infer", "scale"},
        {"float16 X not run", 15, {A_FLOAT("epsilon", 1e-5f)}, 1, {&Xh, &P, &P, &P, &P}, 1, ONR_E_UNSUPPORTED, "infer",
         "float16"},
        {"X rank 1", 15, {A_FLOAT("epsilon", 1e-5f)}, 1, {&X1, &P, &P, &P, &P}, 1, ONR_E_INVALID_MODEL, "infer", "X"},
        {"consumed_inputs required at 1", 1, {A_FLOAT("epsilon", 1e-5f)}, 1, {&X, &P, &P, &P, &P}, 1,
         ONR_E_INVALID_MODEL, "parse", "consumed_inputs"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ch_run r;
        ch_exec(&r, "BatchNormalization", cases[i].opset, cases[i].attrs, cases[i].n_attrs, cases[i].in, 5,
                cases[i].n_out, NULL);
        ch_expect_fail(&r, cases[i].code, cases[i].stage, cases[i].name);
        cr_expect(strstr(r.err.message, cases[i].needle), "%s: message '%s' does not name '%s'", cases[i].name,
                  r.err.message, cases[i].needle);
        ch_free(&r);
    }
}
