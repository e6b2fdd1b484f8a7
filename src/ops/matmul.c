/* matmul.c: MatMul (opset 1-22), numpy.matmul semantics (Operators.md MatMul):
 *  - a 1-D A is promoted to (1, K) and a 1-D B to (K, 1); the promoted axis is removed from Y;
 *  - leading (batch) dims broadcast numpy-style (aligned right, each pair equal or one of them 1);
 *  - types: float/double (opset 1), + int32/int64/uint32/uint64 (opset 9). f16/bf16 not run yet.
 * Every batch is one call of the shared GEMM (sgemm.h). When B has a single matrix, A's batch dims
 * fold into M (a (batch, seq, K) x (K, N) Linear is one GEMM). */
#include <string.h>

#include "core/shape.h"
#include "ops/op.h"
#include "ops/sgemm.h"

/* Resolved view of one MatMul: matrix sizes and per-batch-axis element strides (0 = broadcast). */
typedef struct mm_shape {
    size_t m, n, k;
    int32_t nb;                       /* batch rank of Y */
    int64_t bdims[ONR_MAX_RANK];      /* Y batch dims */
    size_t sa[ONR_MAX_RANK], sb[ONR_MAX_RANK];
    size_t batches;
    bool b_single;                    /* B holds one matrix: fold A's batch into M */
} mm_shape;

static onr_status resolve(const onr_tensor *a, const onr_tensor *b, mm_shape *s, onr_tensor *y, onr_error *err)
{
    char s1[128], s2[128];
    if (a->rank < 1 || b->rank < 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "input %s must have rank >= 1, got a scalar", a->rank < 1 ? "A" : "B");
    /* Promote 1-D operands (numpy.matmul). */
    int64_t am = a->rank >= 2 ? a->dims[a->rank - 2] : 1, ak = a->dims[a->rank - 1];
    int64_t bk = b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0], bn = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
    if (ak != bk)
        return onr_err(err, ONR_E_INVALID_MODEL, "inner dimensions differ: A %s, B %s",
                       onr_shape_str(a->rank, a->dims, s1, sizeof s1), onr_shape_str(b->rank, b->dims, s2, sizeof s2));
    int32_t ra = a->rank >= 2 ? a->rank - 2 : 0, rb = b->rank >= 2 ? b->rank - 2 : 0;
    s->nb = ra > rb ? ra : rb;
    s->m = (size_t)am;
    s->n = (size_t)bn;
    s->k = (size_t)ak;
    /* Element strides of each batch axis of A and B, right-aligned against Y's batch axes. */
    size_t stride_a = s->m * s->k, stride_b = s->k * s->n, batches = 1, b_count = 1;
    for (int32_t i = s->nb - 1; i >= 0; i--) {
        int32_t ia = i - (s->nb - ra), ib = i - (s->nb - rb);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "batch dims do not broadcast: A %s, B %s (axis %d: %lld vs %lld)",
                           onr_shape_str(a->rank, a->dims, s1, sizeof s1),
                           onr_shape_str(b->rank, b->dims, s2, sizeof s2), (int)i, (long long)da, (long long)db);
        s->bdims[i] = da == 1 ? db : da;
        s->sa[i] = da == 1 ? 0 : stride_a;
        s->sb[i] = db == 1 ? 0 : stride_b;
        stride_a *= (size_t)da;
        stride_b *= (size_t)db;
        batches *= (size_t)s->bdims[i];
        b_count *= (size_t)db;
    }
    s->batches = batches;
    s->b_single = b_count == 1;
    if (y) {
        int32_t r = 0;
        for (int32_t i = 0; i < s->nb; i++)
            y->dims[r++] = s->bdims[i];
        if (a->rank >= 2)
            y->dims[r++] = am;
        if (b->rank >= 2)
            y->dims[r++] = bn;
        y->rank = r;
        y->dtype = a->dtype;
    }
    return ONR_OK;
}

static onr_status matmul_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *a = c->in[0], *b = c->in[1];
    onr_dtype t = a->dtype;
    if (b->dtype != t)
        return onr_err(err, ONR_E_INVALID_MODEL, "input B has type %s but A has %s", onr_dtype_name(b->dtype),
                       onr_dtype_name(t));
    bool ok = t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE ||
              (c->opset >= 9 && (t == ONR_DTYPE_INT32 || t == ONR_DTYPE_INT64 || t == ONR_DTYPE_UINT32 ||
                                 t == ONR_DTYPE_UINT64));
    if (!ok)
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported at opset %lld", onr_dtype_name(t),
                       (long long)c->opset);
    mm_shape s;
    onr_status st = resolve(a, b, &s, c->out[0], err);
    size_t bytes;
    if (st == ONR_OK)
        st = onr_shape_bytes(t, c->out[0]->rank, c->out[0]->dims, &bytes, "output Y", err);
    return st;
}

typedef struct mm_job {
    const mm_shape *s;
    onr_dtype t;
    const char *a, *b;
    char *y;
    size_t es;
    onr_threadpool *pool;  /* for the per-matrix GEMM; NULL when batches run in parallel */
} mm_job;

static void one(const mm_job *J, size_t m, const char *a, const char *b, char *y)
{
    const mm_shape *s = J->s;
    switch (J->t) {
    case ONR_DTYPE_FLOAT:
        onr_sgemm(J->pool, false, false, m, s->n, s->k, 1.0f, (const float *)a, s->k, (const float *)b, s->n, 0.0f,
                  (float *)y, s->n);
        break;
    case ONR_DTYPE_DOUBLE:
        onr_dgemm(false, false, m, s->n, s->k, 1.0, (const double *)a, s->k, (const double *)b, s->n, 0.0,
                  (double *)y, s->n);
        break;
    default:
        onr_igemm(J->t, false, false, m, s->n, s->k, a, s->k, b, s->n, y, s->n);
        break;
    }
}

static void batch_range(void *arg, size_t begin, size_t end)
{
    const mm_job *J = arg;
    const mm_shape *s = J->s;
    for (size_t bi = begin; bi < end; bi++) {
        /* Decompose the flat batch index over Y's batch dims into A and B offsets. */
        size_t rem = bi, oa = 0, ob = 0;
        for (int32_t i = s->nb - 1; i >= 0; i--) {
            size_t d = (size_t)s->bdims[i], x = rem % d;
            rem /= d;
            oa += x * s->sa[i];
            ob += x * s->sb[i];
        }
        one(J, s->m, J->a + oa * J->es, J->b + ob * J->es, J->y + bi * s->m * s->n * J->es);
    }
}

static onr_status matmul_run(onr_op_ctx *c, onr_error *err)
{
    mm_shape s;
    onr_status st = resolve(c->in[0], c->in[1], &s, NULL, err);
    if (st != ONR_OK)
        return st;
    mm_job J = {.s = &s, .t = c->in[0]->dtype, .a = c->in[0]->data, .b = c->in[1]->data, .y = c->out[0]->data,
                .es = onr_dtype_size(c->in[0]->dtype), .pool = c->pool};
    if (s.batches == 0 || s.m == 0 || s.n == 0)
        return ONR_OK;
    if (s.b_single) {
        /* Every A matrix meets the same B: A's batch is contiguous rows, Y likewise (Y's batch dims are
         * A's, padded with 1s), so the whole op is one (batches*M) x K by K x N product. */
        one(&J, s.batches * s.m, J.a, J.b, J.y);
        return ONR_OK;
    }
    /* Many small products: one per parallel item; few large ones: parallelize inside the GEMM. */
    size_t threads = (size_t)onr_threadpool_threads(c->pool);
    if (threads > 1 && s.batches >= threads) {
        J.pool = NULL;
        onr_parallel_for(c->pool, s.batches, 1, batch_range, &J);
    } else {
        batch_range(&J, 0, s.batches);
    }
    return ONR_OK;
}

const onr_op_def onr_op_matmul = {
    .domain = "", .op_type = "MatMul", .since = 1, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .infer = matmul_infer, .run = matmul_run,
};
