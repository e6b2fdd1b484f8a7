/* gemm.c: Gemm (opset 1-22): Y = alpha * op(A) * op(B) + beta * C.
 *
 * ONNX rules (Operators.md Gemm, Changelog Gemm-1/6/7/9/11/13):
 *  - A and B are 2-D; op(A) = A^T when transA != 0 (M x K), op(B) = B^T when transB != 0 (K x N).
 *  - C broadcasts unidirectionally to (M, N) (rank <= 2, each dim 1 or equal). Opset < 7 instead has
 *    a `broadcast` attribute: 0 requires C to be exactly (M, N). C is required before opset 11 and
 *    optional from 11 (absent = 0).
 *  - Types: float/double (+ int32/int64/uint32/uint64 from opset 9). f16/bf16 are not run yet.
 * The product goes through the shared blocked GEMM (sgemm.h); C is broadcast into Y first so the GEMM
 * adds alpha * A * B on top of beta * Y. */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/sgemm.h"

typedef struct gemm_params {
    float alpha, beta;
    bool trans_a, trans_b;
    bool broadcast; /* opset < 7 only */
} gemm_params;

static onr_status gemm_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed_old[] = {"alpha", "beta", "broadcast", "transA", "transB", NULL};
    static const char *const allowed[] = {"alpha", "beta", "transA", "transB", NULL};
    gemm_params *p = params;
    int64_t ta = 0, tb = 0, bc = 0;
    onr_status st = onr_attr_allow(node, node->opset < 7 ? allowed_old : allowed, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "alpha", 1.0f, &p->alpha, err);
    if (st == ONR_OK)
        st = onr_attr_float(node, "beta", 1.0f, &p->beta, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "transA", 0, &ta, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "transB", 0, &tb, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "broadcast", 0, &bc, err);
    if (st != ONR_OK)
        return st;
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1) || (bc != 0 && bc != 1))
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' must be 0 or 1, got %lld",
                       ta != 0 && ta != 1 ? "transA" : tb != 0 && tb != 1 ? "transB" : "broadcast",
                       (long long)(ta != 0 && ta != 1 ? ta : tb != 0 && tb != 1 ? tb : bc));
    p->trans_a = ta;
    p->trans_b = tb;
    p->broadcast = bc;
    return ONR_OK;
}

static bool dtype_ok(onr_dtype t, int64_t opset)
{
    if (t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE)
        return true;
    return opset >= 9 && (t == ONR_DTYPE_INT32 || t == ONR_DTYPE_INT64 || t == ONR_DTYPE_UINT32 ||
                          t == ONR_DTYPE_UINT64);
}

static onr_status gemm_infer(onr_op_ctx *c, onr_error *err)
{
    const gemm_params *p = c->params;
    const onr_tensor *a = c->in[0], *b = c->in[1];
    const onr_tensor *cc = c->n_in > 2 ? c->in[2] : NULL;
    char s1[96], s2[96];
    if (a->rank != 2 || b->rank != 2)
        return onr_err(err, ONR_E_INVALID_MODEL, "input %s must be 2-D, got shape %s", a->rank != 2 ? "A" : "B",
                       a->rank != 2 ? onr_shape_str(a->rank, a->dims, s1, sizeof s1)
                                    : onr_shape_str(b->rank, b->dims, s1, sizeof s1));
    if (b->dtype != a->dtype || (cc && cc->dtype != a->dtype))
        return onr_err(err, ONR_E_INVALID_MODEL, "input %s has type %s but A has %s", b->dtype != a->dtype ? "B" : "C",
                       onr_dtype_name(b->dtype != a->dtype ? b->dtype : cc->dtype), onr_dtype_name(a->dtype));
    if (!dtype_ok(a->dtype, c->opset))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported at opset %lld", onr_dtype_name(a->dtype),
                       (long long)c->opset);
    int64_t m = p->trans_a ? a->dims[1] : a->dims[0], ka = p->trans_a ? a->dims[0] : a->dims[1];
    int64_t kb = p->trans_b ? b->dims[1] : b->dims[0], n = p->trans_b ? b->dims[0] : b->dims[1];
    if (ka != kb)
        return onr_err(err, ONR_E_INVALID_MODEL, "inner dimensions differ: op(A) is %lldx%lld, op(B) is %lldx%lld "
                       "(A %s transA=%d, B %s transB=%d)", (long long)m, (long long)ka, (long long)kb, (long long)n,
                       onr_shape_str(a->rank, a->dims, s1, sizeof s1), (int)p->trans_a,
                       onr_shape_str(b->rank, b->dims, s2, sizeof s2), (int)p->trans_b);
    if (!cc && c->opset < 11)
        return onr_err(err, ONR_E_INVALID_MODEL, "input C is required before opset 11");
    if (cc) {
        /* Unidirectional broadcast of C to (M, N): align trailing dims, each 1 or equal. Before opset 7
         * that needs broadcast=1; without it C must already be (M, N). */
        int64_t want[2] = {m, n};
        bool ok = cc->rank <= 2;
        for (int32_t i = 0; ok && i < cc->rank; i++) {
            int64_t d = cc->dims[cc->rank - 1 - i], w = want[1 - i];
            ok = d == w || d == 1;
        }
        if (ok && c->opset < 7 && !p->broadcast)
            ok = cc->rank == 2 && cc->dims[0] == m && cc->dims[1] == n;
        if (!ok)
            return onr_err(err, ONR_E_INVALID_MODEL, "input C of shape %s does not broadcast to (M, N) = %s%s",
                           onr_shape_str(cc->rank, cc->dims, s1, sizeof s1), onr_shape_str(2, want, s2, sizeof s2),
                           c->opset < 7 && !p->broadcast ? " (broadcast=0 requires exactly (M, N))" : "");
    }
    onr_tensor *y = c->out[0];
    y->dtype = a->dtype;
    y->rank = 2;
    y->dims[0] = m;
    y->dims[1] = n;
    size_t bytes;
    return onr_shape_bytes(y->dtype, y->rank, y->dims, &bytes, "output Y", err);
}

/* Y = broadcast(C) elementwise, with C's row/column strides 0 along broadcast axes. Every Gemm type
 * is 4 or 8 bytes wide, so elements move as same-size integers (bit-exact, NaN payloads kept). */
#define FILL_C(T)                                                                                      \
    for (size_t i = 0; i < m; i++)                                                                     \
        for (size_t j = 0; j < n; j++)                                                                 \
            ((T *)y)[i * n + j] = ((const T *)cc->data)[i * rs + j * cs];
static void fill_c(const onr_tensor *cc, size_t m, size_t n, void *y)
{
    size_t cs = cc->rank >= 1 && cc->dims[cc->rank - 1] != 1 ? 1 : 0;
    size_t rs = cc->rank == 2 && cc->dims[0] != 1 ? (size_t)cc->dims[1] : 0;
    if (onr_dtype_size(cc->dtype) == 4) {
        FILL_C(uint32_t)
    } else {
        FILL_C(uint64_t)
    }
}
#undef FILL_C

static void int_alpha_beta(onr_dtype t, const gemm_params *p, const onr_tensor *cc, size_t m, size_t n,
                           void *y)
{
    /* Y holds A*B. alpha = beta = 1 (the only values integer models use) adds exactly, wrapping like
     * numpy; other values follow numpy's float promotion: compute in double, cast back. */
    size_t cs = cc && cc->rank >= 1 && cc->dims[cc->rank - 1] != 1 ? 1 : 0;
    size_t rs = cc && cc->rank == 2 && cc->dims[0] != 1 ? (size_t)cc->dims[1] : 0;
    bool exact = p->alpha == 1.0f && (!cc || p->beta == 1.0f);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            size_t yi = i * n + j, ci = i * rs + j * cs;
            if (exact && !cc)
                continue;
            if (exact && t == ONR_DTYPE_INT32)
                ((int32_t *)y)[yi] = (int32_t)((uint32_t)((int32_t *)y)[yi] + (uint32_t)((const int32_t *)cc->data)[ci]);
            else if (exact && t == ONR_DTYPE_UINT32)
                ((uint32_t *)y)[yi] += ((const uint32_t *)cc->data)[ci];
            else if (exact && t == ONR_DTYPE_INT64)
                ((int64_t *)y)[yi] = (int64_t)((uint64_t)((int64_t *)y)[yi] + (uint64_t)((const int64_t *)cc->data)[ci]);
            else if (exact && t == ONR_DTYPE_UINT64)
                ((uint64_t *)y)[yi] += ((const uint64_t *)cc->data)[ci];
            else {
                double v = p->alpha * onr_load_as_double(t, y, yi);
                if (cc)
                    v += p->beta * onr_load_as_double(t, cc->data, ci);
                onr_store_from_double(t, y, yi, v);
            }
        }
}

static onr_status gemm_run(onr_op_ctx *c, onr_error *err)
{
    const gemm_params *p = c->params;
    const onr_tensor *a = c->in[0], *b = c->in[1];
    const onr_tensor *cc = c->n_in > 2 ? c->in[2] : NULL;
    onr_tensor *y = c->out[0];
    size_t m = (size_t)y->dims[0], n = (size_t)y->dims[1];
    size_t k = (size_t)(p->trans_a ? a->dims[0] : a->dims[1]);
    size_t lda = (size_t)a->dims[1], ldb = (size_t)b->dims[1];
    if (m == 0 || n == 0)
        return ONR_OK;
    bool use_c = cc && p->beta != 0.0f;
    switch (a->dtype) {
    case ONR_DTYPE_FLOAT:
        if (use_c)
            fill_c(cc, m, n, y->data);
        onr_sgemm(c->pool, p->trans_a, p->trans_b, m, n, k, p->alpha, a->data, lda, b->data, ldb,
                  use_c ? p->beta : 0.0f, y->data, n);
        return ONR_OK;
    case ONR_DTYPE_DOUBLE:
        if (use_c)
            fill_c(cc, m, n, y->data);
        onr_dgemm(p->trans_a, p->trans_b, m, n, k, p->alpha, a->data, lda, b->data, ldb, use_c ? p->beta : 0.0,
                  y->data, n);
        return ONR_OK;
    default:
        if (!onr_igemm(a->dtype, p->trans_a, p->trans_b, m, n, k, a->data, lda, b->data, ldb, y->data, n))
            return onr_err(err, ONR_E_INTERNAL, "no kernel for type %s", onr_dtype_name(a->dtype));
        int_alpha_beta(a->dtype, p, use_c ? cc : NULL, m, n, y->data);
        return ONR_OK;
    }
}

const onr_op_def onr_op_gemm = {
    .domain = "", .op_type = "Gemm", .since = 1, .until = 22,
    .min_in = 2, .max_in = 3, .min_out = 1, .max_out = 1,
    .params_size = sizeof(gemm_params),
    .parse = gemm_parse, .infer = gemm_infer, .run = gemm_run,
};
