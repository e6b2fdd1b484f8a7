/* global_pool.c: GlobalMaxPool, GlobalAveragePool (opset 1-22) and GlobalLpPool (1-22).
 *
 * Input (N, C, D1 .. Dn), n >= 1; output (N, C, 1, .., 1), same rank (ONNX-POOLING.md §7). Reduces
 * every spatial element of a plane: max (NaN propagates, as in pool.c), mean, or (sum |x|^p)^(1/p).
 * Sums are carried in double (ORT #12043: fp32 accumulation drifts on huge planes); the float fast
 * path sums blocks of 1024 elements in 8 float lanes (vectorisable) and adds the block sums in double.
 * Planes are spread over threads with onr_parallel_for. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/pool.h"
#include "ops/pool_simd.h"

typedef enum gpool_kind { GPOOL_MAX, GPOOL_AVG, GPOOL_LP } gpool_kind;

typedef struct gpool_params {
    gpool_kind kind;
    double p; /* GlobalLpPool */
} gpool_params;

typedef struct gpool_job {
    const gpool_params *prm;
    size_t plane; /* elements per (n, c) plane */
    const void *x;
    void *y;
} gpool_job;

static onr_status no_attrs(const onr_node_desc *node, onr_error *err)
{
    static const char *const none[] = {NULL};
    return onr_attr_allow(node, none, err);
}

static onr_status globalmax_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    ((gpool_params *)params)->kind = GPOOL_MAX;
    return no_attrs(node, err);
}

static onr_status globalavg_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    ((gpool_params *)params)->kind = GPOOL_AVG;
    return no_attrs(node, err);
}

static onr_status globallp_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"p", NULL};
    gpool_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    p->kind = GPOOL_LP;
    return st != ONR_OK ? st : onr_pool_parse_p(node, &p->p, err);
}

static onr_status gpool_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *x = c->in[0];
    onr_tensor *y = c->out[0];
    onr_status st = onr_pool_check_dtype(x->dtype, c->opset, false, "input X", err);
    if (st != ONR_OK)
        return st;
    if (x->rank < 3)
        return onr_err(err, ONR_E_INVALID_MODEL, "input X has rank %d; global pooling needs (N, C, D1, ...)",
                       (int)x->rank);
    for (int32_t i = 2; i < x->rank; i++)
        if (x->dims[i] <= 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "input X dim %d is %lld; global pooling needs >= 1", (int)i,
                           (long long)x->dims[i]);
    y->dtype = x->dtype;
    y->rank = x->rank;
    memset(y->dims, 0, sizeof y->dims);
    y->dims[0] = x->dims[0];
    y->dims[1] = x->dims[1];
    for (int32_t i = 2; i < x->rank; i++)
        y->dims[i] = 1;
    return ONR_OK;
}

/* ---------------------------------------------------------------------------------------------- */
/* generic kernels: one plane -> one value                                                         */


static inline double lp_term(double v, double p)
{
    return p == 2.0 ? v * v : p == 1.0 ? fabs(v) : pow(fabs(v), p);
}

static inline double lp_finish(double acc, double p)
{
    return p == 2.0 ? sqrt(acc) : p == 1.0 ? acc : pow(acc, 1.0 / p);
}

#define DEFINE_GLOBAL(SUFFIX, T, LOAD, STORE)                                                                \
    static void globalmax_##SUFFIX(void *arg, size_t p0, size_t p1)                                         \
    {                                                                                                        \
        const gpool_job *jb = arg;                                                                           \
        for (size_t pl = p0; pl < p1; pl++) {                                                                \
            const T *xp = (const T *)jb->x + pl * jb->plane;                                                 \
            float m = LOAD(xp[0]);                                                                           \
            for (size_t i = 1; i < jb->plane; i++) {                                                         \
                float v = LOAD(xp[i]);                                                                       \
                m = (v > m || isnan(v)) ? v : m;                                                             \
            }                                                                                                \
            STORE(((T *)jb->y)[pl], m);                                                                      \
        }                                                                                                    \
    }                                                                                                        \
    static void globalavg_##SUFFIX(void *arg, size_t p0, size_t p1)                                         \
    {                                                                                                        \
        const gpool_job *jb = arg;                                                                           \
        for (size_t pl = p0; pl < p1; pl++) {                                                                \
            const T *xp = (const T *)jb->x + pl * jb->plane;                                                 \
            double acc = 0.0;                                                                                \
            for (size_t i = 0; i < jb->plane; i++)                                                           \
                acc += (double)LOAD(xp[i]);                                                                  \
            STORE(((T *)jb->y)[pl], acc / (double)jb->plane);                                                \
        }                                                                                                    \
    }                                                                                                        \
    static void globallp_##SUFFIX(void *arg, size_t p0, size_t p1)                                          \
    {                                                                                                        \
        const gpool_job *jb = arg;                                                                           \
        const double p = jb->prm->p;                                                                         \
        for (size_t pl = p0; pl < p1; pl++) {                                                                \
            const T *xp = (const T *)jb->x + pl * jb->plane;                                                 \
            double acc = 0.0;                                                                                \
            for (size_t i = 0; i < jb->plane; i++)                                                           \
                acc += lp_term((double)LOAD(xp[i]), p);                                                      \
            STORE(((T *)jb->y)[pl], lp_finish(acc, p));                                                      \
        }                                                                                                    \
    }

#define LOAD_F32(v) (v)
#define LOAD_F16(v) onr_f16_to_f32(v)
#define LOAD_BF16(v) onr_bf16_to_f32(v)
#define STORE_F32(dst, v) ((dst) = (float)(v))
#define STORE_F16(dst, v) ((dst) = onr_f32_to_f16((float)(v)))
#define STORE_BF16(dst, v) ((dst) = onr_f32_to_bf16((float)(v)))

DEFINE_GLOBAL(f32, float, LOAD_F32, STORE_F32)
DEFINE_GLOBAL(f16, uint16_t, LOAD_F16, STORE_F16)
DEFINE_GLOBAL(bf16, uint16_t, LOAD_BF16, STORE_BF16)

/* double keeps its own precision for max (no narrowing to float). */
static void globalmax_f64(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++) {
        const double *xp = (const double *)jb->x + pl * jb->plane;
        double m = xp[0];
        for (size_t i = 1; i < jb->plane; i++)
            m = (xp[i] > m || isnan(xp[i])) ? xp[i] : m;
        ((double *)jb->y)[pl] = m;
    }
}

static void globalavg_f64(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++) {
        const double *xp = (const double *)jb->x + pl * jb->plane;
        double acc = 0.0;
        for (size_t i = 0; i < jb->plane; i++)
            acc += xp[i];
        ((double *)jb->y)[pl] = acc / (double)jb->plane;
    }
}

static void globallp_f64(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++) {
        const double *xp = (const double *)jb->x + pl * jb->plane;
        double acc = 0.0;
        for (size_t i = 0; i < jb->plane; i++)
            acc += lp_term(xp[i], jb->prm->p);
        ((double *)jb->y)[pl] = lp_finish(acc, jb->prm->p);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* fast float kernels                                                                              */

enum { LANES = 8, BLOCK = 1024 };

/* Sum (squares = false) or sum of squares of x[0..n): 8 float lanes per block, blocks added in double. */
static double sum_f32(const float *restrict x, size_t n, bool squares)
{
    double total = 0.0;
    size_t i = 0;
    while (i < n) {
        const size_t end = n - i > BLOCK ? i + BLOCK : n;
        float acc[LANES] = {0};
        if (squares) {
            for (; i + LANES <= end; i += LANES)
                for (int j = 0; j < LANES; j++)
                    acc[j] += x[i + j] * x[i + j];
            for (; i < end; i++)
                acc[0] += x[i] * x[i];
        } else {
            for (; i + LANES <= end; i += LANES)
                for (int j = 0; j < LANES; j++)
                    acc[j] += x[i + j];
            for (; i < end; i++)
                acc[0] += x[i];
        }
        for (int j = 0; j < LANES; j++)
            total += acc[j];
    }
    return total;
}

static void globalavg_fast_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++)
        ((float *)jb->y)[pl] = (float)(sum_f32((const float *)jb->x + pl * jb->plane, jb->plane, false) /
                                       (double)jb->plane);
}

static void globallp2_fast_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++)
        ((float *)jb->y)[pl] = (float)sqrt(sum_f32((const float *)jb->x + pl * jb->plane, jb->plane, true));
}

#define MAXF(m, v) (((v) > (m) || isnan(v)) ? (v) : (m))

static void globalmax_fast_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    for (size_t pl = p0; pl < p1; pl++) {
        const float *restrict x = (const float *)jb->x + pl * jb->plane;
        const size_t n = jb->plane;
        float m[LANES];
        size_t i = 0;
        for (int j = 0; j < LANES; j++)
            m[j] = x[0];
        for (; i + LANES <= n; i += LANES)
            for (int j = 0; j < LANES; j++)
                m[j] = MAXF(m[j], x[i + j]);
        for (; i < n; i++)
            m[0] = MAXF(m[0], x[i]);
        float r = m[0];
        for (int j = 1; j < LANES; j++)
            r = MAXF(r, m[j]);
        ((float *)jb->y)[pl] = r;
    }
}

/* The same through the vector kernels (pool_simd.c), when the CPU has them. */
static void globalmax_simd_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    onr_global_max_f32_simd(onr_pool_simd_level(), jb->x, jb->plane, jb->y, p0, p1);
}

static void globalavg_simd_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    onr_global_avg_f32_simd(onr_pool_simd_level(), jb->x, jb->plane, jb->y, p0, p1);
}

static void globallp2_simd_f32(void *arg, size_t p0, size_t p1)
{
    const gpool_job *jb = arg;
    onr_global_l2_f32_simd(onr_pool_simd_level(), jb->x, jb->plane, jb->y, p0, p1);
}

/* ---------------------------------------------------------------------------------------------- */

static onr_range_fn fast_kernel(const gpool_params *p, onr_dtype t, bool simd)
{
    if (t != ONR_DTYPE_FLOAT)
        return NULL;
    switch (p->kind) {
    case GPOOL_MAX: return simd ? globalmax_simd_f32 : globalmax_fast_f32;
    case GPOOL_AVG: return simd ? globalavg_simd_f32 : globalavg_fast_f32;
    case GPOOL_LP: return p->p == 2.0 ? (simd ? globallp2_simd_f32 : globallp2_fast_f32) : NULL;
    }
    return NULL;
}

bool onr_global_pool_fast_path_applies(const onr_op_ctx *c)
{
    return fast_kernel(c->params, c->in[0]->dtype, false) != NULL;
}

onr_status onr_global_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err)
{
    const gpool_params *p = c->params;
    const onr_tensor *x = c->in[0];
    gpool_job jb = {.prm = p, .plane = 1, .x = x->data, .y = c->out[0]->data};
    for (int32_t i = 2; i < x->rank; i++)
        jb.plane *= (size_t)x->dims[i]; /* fits: x exists */
    onr_range_fn fn = path == ONR_POOL_PATH_GENERIC
                          ? NULL
                          : fast_kernel(p, x->dtype, path == ONR_POOL_PATH_AUTO && onr_pool_simd_level() != ONR_SIMD_NONE);
    if (!fn) {
        static const struct {
            onr_dtype t;
            onr_range_fn fn[3]; /* max, avg, lp */
        } table[] = {
            {ONR_DTYPE_FLOAT, {globalmax_f32, globalavg_f32, globallp_f32}},
            {ONR_DTYPE_DOUBLE, {globalmax_f64, globalavg_f64, globallp_f64}},
            {ONR_DTYPE_FLOAT16, {globalmax_f16, globalavg_f16, globallp_f16}},
            {ONR_DTYPE_BFLOAT16, {globalmax_bf16, globalavg_bf16, globallp_bf16}},
        };
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (table[i].t == x->dtype)
                fn = table[i].fn[p->kind];
    }
    if (!fn)
        return onr_err(err, ONR_E_INTERNAL, "no global pool kernel for element type %s", onr_dtype_name(x->dtype));
    onr_parallel_for(c->pool, (size_t)x->dims[0] * (size_t)x->dims[1], onr_pool_grain(jb.plane + 1), fn, &jb);
    return ONR_OK;
}

static onr_status gpool_run(onr_op_ctx *c, onr_error *err)
{
    return onr_global_pool_run_path(c, ONR_POOL_PATH_AUTO, err);
}

const onr_op_def onr_op_globalmaxpool = {
    .domain = "", .op_type = "GlobalMaxPool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(gpool_params), .parse = globalmax_parse,
    .infer = gpool_infer, .run = gpool_run,
};

const onr_op_def onr_op_globalaveragepool = {
    .domain = "", .op_type = "GlobalAveragePool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(gpool_params), .parse = globalavg_parse,
    .infer = gpool_infer, .run = gpool_run,
};

const onr_op_def onr_op_globallppool = {
    .domain = "", .op_type = "GlobalLpPool", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(gpool_params), .parse = globallp_parse,
    .infer = gpool_infer, .run = gpool_run,
};
