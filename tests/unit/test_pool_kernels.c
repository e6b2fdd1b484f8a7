/* test_pool_kernels.c: the pool ops (MaxPool, AveragePool, LpPool, Global*Pool, MaxUnpool) driven
 * through onr_op_find + parse / infer / run with a hand-built onr_op_ctx.
 *  - hand-worked examples and ONNX test values, each naming its ONNX-POOLING.md rule or ONNX test;
 *  - randomized sweeps (op x dtype x rank 1-3 x kernel x stride x dilation x pads x ceil_mode x
 *    count_include_pad x auto_pad) against the naive reference in pool_reference.c;
 *  - every fast path against the generic path. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "ops/op.h"
#include "ops/pool.h"
#include "pool_reference.h"

/* ---------------------------------------------------------------------------------------------- */
/* harness                                                                                         */

enum { PATH_HOOK, PATH_GENERIC, PATH_AUTO };

typedef struct tensor_spec {
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
} tensor_spec;

static size_t count_of(int32_t rank, const int64_t *dims)
{
    size_t n = 1;
    for (int32_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    return n;
}

static onr_tensor make_tensor(onr_dtype t, int32_t rank, const int64_t *dims, const double *vals)
{
    onr_tensor x;
    memset(&x, 0, sizeof x);
    x.dtype = t;
    x.rank = rank;
    if (rank > 0)
        memcpy(x.dims, dims, (size_t)rank * sizeof *dims);
    size_t n = count_of(rank, dims);
    x.data = calloc(n ? n : 1, onr_dtype_size(t));
    for (size_t i = 0; vals && i < n; i++)
        onr_store_from_double(t, x.data, i, vals[i]);
    return x;
}

static double *to_doubles(const onr_tensor *t)
{
    size_t n = count_of(t->rank, t->dims);
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = onr_load_as_double(t->dtype, t->data, i);
    return v;
}

/* Parses, infers, allocates outputs (out[i].data, caller frees) and runs one node. n_out_req outputs
 * are requested (MaxPool: 2 = with Indices). Returns the first failing status. */
static onr_status run_node(const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs, onr_tensor *in,
                           size_t n_in, onr_tensor *out, size_t n_out, int path, onr_error *err)
{
    onr_status st;
    const onr_op_def *def = onr_op_find("", op, opset, err);
    if (!def)
        return err->code;
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = opset, .attrs = attrs,
                          .n_attrs = n_attrs, .n_inputs = n_in, .n_outputs = n_out};
    void *params = calloc(1, def->params_size ? def->params_size : 1);
    const onr_tensor *inp[3] = {NULL, NULL, NULL};
    onr_tensor *outp[2] = {NULL, NULL};
    for (size_t i = 0; i < n_in; i++)
        inp[i] = &in[i];
    for (size_t i = 0; i < n_out; i++) {
        memset(&out[i], 0, sizeof out[i]);
        outp[i] = &out[i];
    }
    onr_op_ctx ctx = {.params = params, .opset = opset, .n_in = n_in, .in = inp, .n_out = n_out, .out = outp};
    if (def->parse && (st = def->parse(&node, params, err)) != ONR_OK)
        goto done;
    if ((st = def->infer(&ctx, err)) != ONR_OK)
        goto done;
    for (size_t i = 0; i < n_out; i++)
        out[i].data = calloc(count_of(out[i].rank, out[i].dims) + 1, onr_dtype_size(out[i].dtype));
    bool global = strncmp(op, "Global", 6) == 0;
    if (path == PATH_HOOK)
        st = def->run(&ctx, err);
    else if (global)
        st = onr_global_pool_run_path(&ctx, path == PATH_GENERIC ? ONR_POOL_PATH_GENERIC : ONR_POOL_PATH_AUTO, err);
    else
        st = onr_pool_run_path(&ctx, path == PATH_GENERIC ? ONR_POOL_PATH_GENERIC : ONR_POOL_PATH_AUTO, err);
done:
    if (def->free_params)
        def->free_params(params);
    free(params);
    return st;
}

/* True when the AUTO path of this node takes a fast kernel. */
static bool fast_applies(const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs, onr_tensor *in,
                         size_t n_out)
{
    const onr_op_def *def = onr_op_find("", op, opset, NULL);
    onr_node_desc node = {.name = "n", .op_type = op, .domain = "", .opset = opset, .attrs = attrs,
                          .n_attrs = n_attrs, .n_inputs = 1, .n_outputs = n_out};
    void *params = calloc(1, def->params_size);
    onr_tensor out[2], *outp[2] = {&out[0], &out[1]};
    const onr_tensor *inp[1] = {in};
    memset(out, 0, sizeof out);
    onr_op_ctx ctx = {.params = params, .opset = opset, .n_in = 1, .in = inp, .n_out = n_out, .out = outp};
    bool r = false;
    if (def->parse(&node, params, NULL) == ONR_OK && def->infer(&ctx, NULL) == ONR_OK) {
        for (size_t i = 0; i < n_out; i++)
            out[i].data = calloc(count_of(out[i].rank, out[i].dims) + 1, onr_dtype_size(out[i].dtype));
        r = strncmp(op, "Global", 6) == 0 ? onr_global_pool_fast_path_applies(&ctx) : onr_pool_fast_path_applies(&ctx);
        for (size_t i = 0; i < n_out; i++)
            free(out[i].data);
    }
    free(params);
    return r;
}

static bool same_value(double got, double want, double tol)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= tol * (1.0 + fabs(want));
}

/* Relative tolerance of one rounding to dtype (the kernels round once; half types maybe twice). */
static double tol_of(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_DOUBLE: return 1e-12;
    case ONR_DTYPE_FLOAT: return 2e-6;
    case ONR_DTYPE_FLOAT16: return 2e-3;
    case ONR_DTYPE_BFLOAT16: return 1.6e-2;
    default: return 0;
    }
}

#define INTS_ATTR(nm, arr, cnt) ((onr_attr){.name = nm, .type = ONR_ATTR_INTS, .n = (cnt), .ints = (arr)})
#define INT_ATTR(nm, v) ((onr_attr){.name = nm, .type = ONR_ATTR_INT, .i = (v)})
#define STR_ATTR(nm, v) ((onr_attr){.name = nm, .type = ONR_ATTR_STRING, .s = (v), .s_len = strlen(v)})
#define FLT_ATTR(nm, v) ((onr_attr){.name = nm, .type = ONR_ATTR_FLOAT, .f = (v)})

/* ---------------------------------------------------------------------------------------------- */
/* hand-worked examples and ONNX test values                                                       */

#define MAXA 6

typedef struct example {
    const char *rule;
    const char *op;
    int64_t opset;
    onr_dtype dtype;
    int32_t rank;
    int64_t xdims[5];
    const double *x;       /* NULL: 1, 2, 3, ... */
    int64_t ydims[5];
    const double *y;
    const int64_t *ind;    /* expected Indices (MaxPool), or NULL */
    double tol;            /* absolute */
    /* attributes */
    int64_t k[3], s[3], d[3], pads[6];
    int n_sp;              /* spatial rank of k/s/d (0: no such attribute) */
    bool has_s, has_d, has_pads;
    const char *auto_pad;
    int ceil_mode, cip, storage_order;
    double p;              /* LpPool / GlobalLpPool, 0 = default */
} example;

static const double y_argmax_strides[] = {7, 9, 17, 19};
static const int64_t i_argmax_strides[] = {6, 16, 8, 18};
static const double y_pads_k5[] = {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25, 25, 25,
                                   23, 24, 25, 25, 25, 23, 24, 25, 25, 25};
static const int64_t i_pads_k5[] = {12, 13, 14, 14, 14, 17, 18, 19, 19, 19, 22, 23, 24, 24, 24,
                                    22, 23, 24, 24, 24, 22, 23, 24, 24, 24};
static const double y_max_same_upper[] = {7, 9, 10, 17, 19, 20, 22, 24, 25};
static const double y_avg_same_upper[] = {4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22};
static const double y_avg_pads[] = {7,  7.5,  8,  8.5,  9,  9.5, 10, 10.5, 11, 11.5, 12, 12.5, 13,
                                    13.5, 14, 14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19};
static const double y_avg_pads_cip[] = {2.52, 3.6,  4.8,  4.08,  3.24, 4.56, 6.4, 8.4,  7.04,
                                        5.52, 7.2,  10.0, 13.0,  10.8, 8.4,  6.96, 9.6, 12.4,
                                        10.24, 7.92, 6.12, 8.4,  10.8, 8.88, 6.84};
static const double y_max_4x4_hi[] = {11, 12, 15, 16};
static const double y_avg_ceil[] = {6, 7.5, 12, 13.5};
static const double y_cip_ceil_1d[] = {1.5, 3.5, 5.0};
static const double y_torch_183528[] = {14.0 / 9, 30.0 / 9, 2.0, 57.0 / 9, 11, 6, 4.5, 7.5, 4};
static const double y_effnet[] = {25};
static const double x_bug8[] = {1, 9, 2, 8, 3, 7, 4, 6, 5};
static const double y_bug8[] = {9, 2, 9, 3, 8, 4, 7, 5, 6};
static const int64_t i_bug8[] = {1, 2, 1, 4, 3, 6, 5, 8, 7};
static const double y_bug25[] = {2, 5, 8, 10};
static const double x_nan[] = {1, NAN, 3, 2};
static const double y_nan[] = {NAN, NAN, 3};
static const int64_t i_nan[] = {1, 1, 2};
static const double x_nan_first[] = {NAN, 5, 4, 4};
static const double y_nan_first[] = {NAN, 5, 4};
static const int64_t i_nan_first[] = {0, 1, 2};
static const double x_i8[] = {-5, -3, -7};
static const double y_i8[] = {-3, -3, -3};
static const int64_t i_i8[] = {1, 1, 1};
static const double x_u8_ties[] = {200, 7, 200, 255, 255, 0};
static const double y_u8_ties[] = {200, 255};
static const int64_t i_u8_ties[] = {0, 3};
/* The pooling tutorials' 8x8 image of a vertical line (columns 3 and 4 set). */
static const double x_vline[64] = {0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0,
                                   0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0,
                                   0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
static const double y_vline_max[16] = {0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0};
static const double y_vline_avg[16] = {0, .5, .5, 0, 0, .5, .5, 0, 0, .5, .5, 0, 0, .5, .5, 0};
/* ...and its 6x6 feature map after the 3x3 vertical-line detector: rows [0,0,3,3,0,0]. */
static const double x_vfeat[36] = {0, 0, 3, 3, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 3, 3, 0, 0,
                                   0, 0, 3, 3, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 3, 3, 0, 0};
static const double y_vfeat_pool[9] = {0, 3, 0, 0, 3, 0, 0, 3, 0};
static const double y_3[] = {3}, y_1[] = {1}, y_5[] = {5}, y_9[] = {9}, y_7[] = {7};
static const double x_lp[] = {3, 4, 0, 12};
static const double y_lp2[] = {5, 12};
static const double y_lp1[] = {7, 12};
static const double x_34[] = {3, 4};
static const double y_lp_pads[] = {3, 5, 4};
static const double y_lp3_v1[] = {4.497941445275415}; /* (27 + 64)^(1/3) */
static const double x_g3d[] = {1, 5, 2, 7, 0, 3};
static const double y_g3d_max[] = {5, 7};
static const double y_g3d_avg[] = {8.0 / 3, 10.0 / 3};

static const example examples[] = {
    {"§4.1 storage_order=1 (test_maxpool_with_argmax_2d_precomputed_strides)", "MaxPool", 12, ONR_DTYPE_FLOAT, 4,
     {1, 1, 5, 5}, NULL, {1, 1, 2, 2}, y_argmax_strides, i_argmax_strides, 0, {2, 2}, {2, 2}, {0}, {0}, 2, true,
     false, false, NULL, 0, 0, 1, 0},
    {"§4.1 Indices with pads (test_maxpool_with_argmax_2d_precomputed_pads)", "MaxPool", 12, ONR_DTYPE_FLOAT, 4,
     {1, 1, 5, 5}, NULL, {1, 1, 5, 5}, y_pads_k5, i_pads_k5, 0, {5, 5}, {0}, {0}, {2, 2, 2, 2}, 2, false, false, true,
     NULL, 0, 0, 0, 0},
    {"§4 / bug #7 uint8 with pads (test_maxpool_2d_uint8)", "MaxPool", 12, ONR_DTYPE_UINT8, 4, {1, 1, 5, 5}, NULL,
     {1, 1, 5, 5}, y_pads_k5, NULL, 0, {5, 5}, {0}, {0}, {2, 2, 2, 2}, 2, false, false, true, NULL, 0, 0, 0, 0},
    {"§2.2 test_maxpool_2d_precomputed_same_upper", "MaxPool", 12, ONR_DTYPE_FLOAT, 4, {1, 1, 5, 5}, NULL,
     {1, 1, 3, 3}, y_max_same_upper, NULL, 0, {3, 3}, {2, 2}, {0}, {0}, 2, true, false, false, "SAME_UPPER", 0, 0, 0,
     0},
    {"§2.2 test_averagepool_2d_precomputed_same_upper", "AveragePool", 11, ONR_DTYPE_FLOAT, 4, {1, 1, 5, 5}, NULL,
     {1, 1, 3, 3}, y_avg_same_upper, NULL, 1e-6, {3, 3}, {2, 2}, {0}, {0}, 2, true, false, false, "SAME_UPPER", 0, 0,
     0, 0},
    {"§5 test_averagepool_2d_precomputed_pads", "AveragePool", 11, ONR_DTYPE_FLOAT, 4, {1, 1, 5, 5}, NULL,
     {1, 1, 5, 5}, y_avg_pads, NULL, 1e-5, {5, 5}, {0}, {0}, {2, 2, 2, 2}, 2, false, false, true, NULL, 0, 0, 0, 0},
    {"§5 test_averagepool_2d_precomputed_pads_count_include_pad", "AveragePool", 11, ONR_DTYPE_FLOAT, 4,
     {1, 1, 5, 5}, NULL, {1, 1, 5, 5}, y_avg_pads_cip, NULL, 1e-5, {5, 5}, {0}, {0}, {2, 2, 2, 2}, 2, false, false,
     true, NULL, 0, 1, 0, 0},
    {"§5 count_include_pad in double (test_averagepool_2d_precomputed_pads_count_include_pad)", "AveragePool", 19,
     ONR_DTYPE_DOUBLE, 4, {1, 1, 5, 5}, NULL, {1, 1, 5, 5}, y_avg_pads_cip, NULL, 1e-12, {5, 5}, {0}, {0},
     {2, 2, 2, 2}, 2, false, false, true, NULL, 0, 1, 0, 0},
    {"§3 test_maxpool_2d_dilations", "MaxPool", 12, ONR_DTYPE_FLOAT, 4, {1, 1, 4, 4}, NULL, {1, 1, 2, 2},
     y_max_4x4_hi, NULL, 0, {2, 2}, {1, 1}, {2, 2}, {0}, 2, true, true, false, NULL, 0, 0, 0, 0},
    {"§2.1 test_maxpool_2d_ceil", "MaxPool", 12, ONR_DTYPE_FLOAT, 4, {1, 1, 4, 4}, NULL, {1, 1, 2, 2}, y_max_4x4_hi,
     NULL, 0, {3, 3}, {2, 2}, {0}, {0}, 2, true, false, false, NULL, 1, 0, 0, 0},
    {"§2.1 test_averagepool_2d_ceil", "AveragePool", 11, ONR_DTYPE_FLOAT, 4, {1, 1, 4, 4}, NULL, {1, 1, 2, 2},
     y_avg_ceil, NULL, 1e-6, {3, 3}, {2, 2}, {0}, {0}, 2, true, false, false, NULL, 1, 0, 0, 0},
    {"bug #2 padded-extent divisor: [1..5] k2 s2 ceil cip -> [1.5, 3.5, 5.0]", "AveragePool", 19, ONR_DTYPE_FLOAT, 3,
     {1, 1, 5}, NULL, {1, 1, 3}, y_cip_ceil_1d, NULL, 1e-6, {2}, {2}, {0}, {0}, 1, true, false, false, NULL, 1, 1, 0,
     0},
    {"bug #2 pytorch #183528: avg_pool2d(k3,s2,p1,ceil,cip) on 4x4 -> [1.56, 3.33, 2.0, ...]", "AveragePool", 19,
     ONR_DTYPE_FLOAT, 4, {1, 1, 4, 4}, NULL, {1, 1, 3, 3}, y_torch_183528, NULL, 1e-5, {3, 3}, {2, 2}, {0},
     {1, 1, 1, 1}, 2, true, false, true, NULL, 1, 1, 0, 0},
    {"bug #10 EfficientNet: AvgPool k1280 s1280 ceil on 7x7 = mean", "AveragePool", 19, ONR_DTYPE_FLOAT, 4,
     {1, 1, 7, 7}, NULL, {1, 1, 1, 1}, y_effnet, NULL, 1e-5, {1280, 1280}, {1280, 1280}, {0}, {0}, 2, true, false,
     false, NULL, 1, 0, 0, 0},
    {"bug #10 EfficientNet with count_include_pad (no declared pads: divisor 49)", "AveragePool", 19, ONR_DTYPE_FLOAT,
     4, {1, 1, 7, 7}, NULL, {1, 1, 1, 1}, y_effnet, NULL, 1e-5, {1280, 1280}, {1280, 1280}, {0}, {0}, 2, true, false,
     false, NULL, 1, 1, 0, 0},
    {"bug #8 (ORT #29637): dilation 2 with begin pad, values and indices", "MaxPool", 12, ONR_DTYPE_FLOAT, 3,
     {1, 1, 9}, x_bug8, {1, 1, 9}, y_bug8, i_bug8, 0, {2}, {0}, {2}, {1, 1}, 1, false, true, true, NULL, 0, 0, 0, 0},
    {"bug #25: AveragePool 1..10 k3 s3 ceil -> [2,5,8,10]", "AveragePool", 19, ONR_DTYPE_FLOAT, 3, {1, 1, 10}, NULL,
     {1, 1, 4}, y_bug25, NULL, 1e-6, {3}, {3}, {0}, {0}, 1, true, false, false, NULL, 1, 0, 0, 0},
    {"bug #17 NaN propagates like PyTorch", "MaxPool", 12, ONR_DTYPE_FLOAT, 3, {1, 1, 4}, x_nan, {1, 1, 3}, y_nan,
     i_nan, 0, {2}, {0}, {0}, {0}, 1, false, false, false, NULL, 0, 0, 0, 0},
    {"bug #17 NaN as first tap", "MaxPool", 22, ONR_DTYPE_DOUBLE, 3, {1, 1, 4}, x_nan_first, {1, 1, 3},
     y_nan_first, i_nan_first, 0, {2}, {0}, {0}, {0}, 1, false, false, false, NULL, 0, 0, 0, 0},
    {"bug #7 int8: padding is never a candidate (not 0)", "MaxPool", 12, ONR_DTYPE_INT8, 3, {1, 1, 3}, x_i8,
     {1, 1, 3}, y_i8, i_i8, 0, {3}, {0}, {0}, {1, 1}, 1, false, false, true, NULL, 0, 0, 0, 0},
    {"§4 ties: first maximum in window order wins (uint8)", "MaxPool", 12, ONR_DTYPE_UINT8, 3, {1, 1, 6}, x_u8_ties,
     {1, 1, 2}, y_u8_ties, i_u8_ties, 0, {3}, {3}, {0}, {0}, 1, true, false, false, NULL, 0, 0, 0, 0},
    {"tutorial 8x8 vertical line, MaxPool 2x2/2", "MaxPool", 12, ONR_DTYPE_FLOAT, 4, {1, 1, 8, 8}, x_vline,
     {1, 1, 4, 4}, y_vline_max, NULL, 0, {2, 2}, {2, 2}, {0}, {0}, 2, true, false, false, NULL, 0, 0, 0, 0},
    {"tutorial 8x8 vertical line, AveragePool 2x2/2", "AveragePool", 11, ONR_DTYPE_FLOAT, 4, {1, 1, 8, 8}, x_vline,
     {1, 1, 4, 4}, y_vline_avg, NULL, 1e-7, {2, 2}, {2, 2}, {0}, {0}, 2, true, false, false, NULL, 0, 0, 0, 0},
    {"tutorial 6x6 feature map, MaxPool 2x2/2 -> rows [0,3,0]", "MaxPool", 12, ONR_DTYPE_FLOAT, 4, {1, 1, 6, 6},
     x_vfeat, {1, 1, 3, 3}, y_vfeat_pool, NULL, 0, {2, 2}, {2, 2}, {0}, {0}, 2, true, false, false, NULL, 0, 0, 0, 0},
    {"tutorial 6x6 feature map, AveragePool 2x2/2 -> rows [0,3,0]", "AveragePool", 11, ONR_DTYPE_FLOAT, 4,
     {1, 1, 6, 6}, x_vfeat, {1, 1, 3, 3}, y_vfeat_pool, NULL, 1e-7, {2, 2}, {2, 2}, {0}, {0}, 2, true, false, false,
     NULL, 0, 0, 0, 0},
    {"tutorial 6x6 feature map, GlobalMaxPool -> 3", "GlobalMaxPool", 1, ONR_DTYPE_FLOAT, 4, {1, 1, 6, 6}, x_vfeat,
     {1, 1, 1, 1}, y_3, NULL, 0, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"tutorial 6x6 feature map, GlobalAveragePool -> 1", "GlobalAveragePool", 1, ONR_DTYPE_FLOAT, 4, {1, 1, 6, 6},
     x_vfeat, {1, 1, 1, 1}, y_1, NULL, 1e-7, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 test_globalmaxpool_precomputed", "GlobalMaxPool", 1, ONR_DTYPE_FLOAT, 4, {1, 1, 3, 3}, NULL, {1, 1, 1, 1},
     y_9, NULL, 0, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 test_globalaveragepool_precomputed", "GlobalAveragePool", 1, ONR_DTYPE_FLOAT, 4, {1, 1, 3, 3}, NULL,
     {1, 1, 1, 1}, y_5, NULL, 1e-7, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 / bug #14 GlobalMaxPool on 3-D input reduces axis 2 only", "GlobalMaxPool", 22, ONR_DTYPE_FLOAT, 3,
     {1, 2, 3}, x_g3d, {1, 2, 1}, y_g3d_max, NULL, 0, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 GlobalAveragePool on 3-D float16 input", "GlobalAveragePool", 22, ONR_DTYPE_FLOAT16, 3, {1, 2, 3}, x_g3d,
     {1, 2, 1}, y_g3d_avg, NULL, 2e-3, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 GlobalLpPool p=2 on [3,4]", "GlobalLpPool", 2, ONR_DTYPE_FLOAT, 3, {1, 1, 2}, x_34, {1, 1, 1}, y_5, NULL,
     1e-6, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 0},
    {"§7 GlobalLpPool p=1 on [3,4]", "GlobalLpPool", 2, ONR_DTYPE_FLOAT, 3, {1, 1, 2}, x_34, {1, 1, 1}, y_7, NULL,
     1e-6, {0}, {0}, {0}, {0}, 0, false, false, false, NULL, 0, 0, 0, 1},
    {"§6 LpPool p=2 k2 s2 on [3,4,0,12]", "LpPool", 11, ONR_DTYPE_FLOAT, 3, {1, 1, 4}, x_lp, {1, 1, 2}, y_lp2, NULL,
     1e-6, {2}, {2}, {0}, {0}, 1, true, false, false, NULL, 0, 0, 0, 0},
    {"§6 LpPool p=1 k2 s2 on [3,4,0,12]", "LpPool", 18, ONR_DTYPE_DOUBLE, 3, {1, 1, 4}, x_lp, {1, 1, 2}, y_lp1, NULL,
     1e-12, {2}, {2}, {0}, {0}, 1, true, false, false, NULL, 0, 0, 0, 1},
    {"§6 LpPool padding contributes 0: [3,4] k2 pads 1/1 -> [3,5,4]", "LpPool", 18, ONR_DTYPE_FLOAT, 3, {1, 1, 2},
     x_34, {1, 1, 3}, y_lp_pads, NULL, 1e-6, {2}, {0}, {0}, {1, 1}, 1, false, false, true, NULL, 0, 0, 0, 0},
    {"§0 LpPool-1 p FLOAT 3.0", "LpPool", 1, ONR_DTYPE_FLOAT, 3, {1, 1, 2}, x_34, {1, 1, 1}, y_lp3_v1, NULL, 1e-5,
     {2}, {0}, {0}, {0}, 1, false, false, false, NULL, 0, 0, 0, 3},
};

static void check_example(const example *e)
{
    const size_t nx = count_of(e->rank, e->xdims), ny = count_of(e->rank, e->ydims);
    double *xv = malloc(nx * sizeof *xv);
    for (size_t i = 0; i < nx; i++)
        xv[i] = e->x ? e->x[i] : (double)(i + 1);
    onr_tensor x = make_tensor(e->dtype, e->rank, e->xdims, xv);
    onr_attr attrs[MAXA];
    size_t na = 0;
    if (e->n_sp) {
        attrs[na++] = INTS_ATTR("kernel_shape", e->k, (size_t)e->n_sp);
        if (e->has_s)
            attrs[na++] = INTS_ATTR("strides", e->s, (size_t)e->n_sp);
        if (e->has_d)
            attrs[na++] = INTS_ATTR("dilations", e->d, (size_t)e->n_sp);
        if (e->has_pads)
            attrs[na++] = INTS_ATTR("pads", e->pads, 2 * (size_t)e->n_sp);
    }
    if (e->auto_pad)
        attrs[na++] = STR_ATTR("auto_pad", e->auto_pad);
    if (e->ceil_mode)
        attrs[na++] = INT_ATTR("ceil_mode", 1);
    if (e->cip)
        attrs[na++] = INT_ATTR("count_include_pad", 1);
    if (e->storage_order)
        attrs[na++] = INT_ATTR("storage_order", 1);
    if (e->p != 0)
        attrs[na++] = e->opset < 2 ? FLT_ATTR("p", (float)e->p) : INT_ATTR("p", (int64_t)e->p);
    cr_assert(na <= MAXA);
    const int paths[] = {PATH_HOOK, PATH_GENERIC};
    for (size_t pi = 0; pi < 2; pi++) {
        onr_tensor out[2];
        onr_error err = {0};
        size_t n_out = e->ind ? 2 : 1;
        onr_status st = run_node(e->op, e->opset, attrs, na, &x, 1, out, n_out, paths[pi], &err);
        cr_assert_eq(st, ONR_OK, "%s: %s", e->rule, err.message);
        cr_assert_eq(out[0].dtype, e->dtype, "%s", e->rule);
        cr_assert_eq(out[0].rank, e->rank, "%s", e->rule);
        for (int32_t i = 0; i < e->rank; i++)
            cr_assert_eq(out[0].dims[i], e->ydims[i], "%s: dim %d is %lld, want %lld", e->rule, (int)i,
                         (long long)out[0].dims[i], (long long)e->ydims[i]);
        for (size_t i = 0; i < ny; i++) {
            double got = onr_load_as_double(e->dtype, out[0].data, i);
            cr_expect(same_value(got, e->y[i], e->tol) || (!isnan(e->y[i]) && fabs(got - e->y[i]) <= e->tol),
                      "%s (path %d): y[%zu] = %.9g, want %.9g", e->rule, paths[pi], i, got, e->y[i]);
            if (e->ind)
                cr_expect_eq(((int64_t *)out[1].data)[i], e->ind[i], "%s: I[%zu] = %lld, want %lld", e->rule, i,
                             (long long)((int64_t *)out[1].data)[i], (long long)e->ind[i]);
        }
        for (size_t i = 0; i < n_out; i++)
            free(out[i].data);
    }
    free(x.data);
    free(xv);
}

Test(pool_kernels, hand_worked_examples_and_onnx_test_values)
{
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++)
        check_example(&examples[i]);
}

/* ---------------------------------------------------------------------------------------------- */
/* MaxUnpool                                                                                       */

Test(pool_kernels, maxunpool_reference_semantics)
{
    /* §8 example = test_maxunpool_export_with_output_shape / _without_output_shape. */
    static const int64_t xd[] = {1, 1, 2, 2}, k[] = {2, 2}, os_dims[] = {4};
    static const double xv[] = {5, 6, 7, 8};
    static const int64_t iv[] = {5, 7, 13, 15}, osv[] = {1, 1, 5, 5};
    onr_attr attrs[] = {INTS_ATTR("kernel_shape", k, 2), INTS_ATTR("strides", k, 2)};
    onr_tensor in[3];
    in[0] = make_tensor(ONR_DTYPE_FLOAT, 4, xd, xv);
    in[1] = make_tensor(ONR_DTYPE_INT64, 4, xd, NULL);
    memcpy(in[1].data, iv, sizeof iv);
    in[2] = make_tensor(ONR_DTYPE_INT64, 1, os_dims, NULL);
    memcpy(in[2].data, osv, sizeof osv);
    for (int with_shape = 0; with_shape < 2; with_shape++) {
        onr_tensor out;
        onr_error err = {0};
        cr_assert_eq(run_node("MaxUnpool", 11, attrs, 2, in, with_shape ? 3 : 2, &out, 1, PATH_HOOK, &err), ONR_OK,
                     "%s", err.message);
        const int64_t side = with_shape ? 5 : 4;
        cr_assert_eq(out.rank, 4);
        cr_assert_eq(out.dims[2], side);
        cr_assert_eq(out.dims[3], side);
        const float *y = out.data;
        for (int64_t h = 0; h < side; h++)
            for (int64_t w = 0; w < side; w++) {
                float want = 0;
                if (h == 1 && w == 1) want = 5;
                if (h == 1 && w == 3) want = 6;
                if (h == 3 && w == 1) want = 7;
                if (h == 3 && w == 3) want = 8;
                cr_expect_eq(y[h * side + w], want, "output_shape=%d: y[%lld][%lld] = %g, want %g", with_shape,
                             (long long)h, (long long)w, (double)y[h * side + w], (double)want);
            }
        free(out.data);
    }
    /* §8: an index outside the inferred shape fails the run naming I. */
    ((int64_t *)in[1].data)[2] = 16;
    onr_tensor out;
    onr_error err = {0};
    cr_expect_eq(run_node("MaxUnpool", 11, attrs, 2, in, 2, &out, 1, PATH_HOOK, &err), ONR_E_INVALID_ARG);
    cr_expect(strstr(err.message, "I[2]") != NULL, "%s", err.message);
    free(out.data);
    ((int64_t *)in[1].data)[2] = -1;
    cr_expect_eq(run_node("MaxUnpool", 11, attrs, 2, in, 2, &out, 1, PATH_HOOK, &err), ONR_E_INVALID_ARG);
    free(out.data);
    /* output_shape smaller than the unpooled size is rejected at infer. */
    ((int64_t *)in[2].data)[3] = 3;
    cr_expect_eq(run_node("MaxUnpool", 11, attrs, 2, in, 3, &out, 1, PATH_HOOK, &err), ONR_E_INVALID_MODEL);
    for (int i = 0; i < 3; i++)
        free(in[i].data);
}

/* MaxPool(Indices) then MaxUnpool, random shapes, against ref_maxunpool; last write wins on repeats. */
Test(pool_kernels, maxunpool_after_maxpool_random)
{
    srand(77);
    for (int iter = 0; iter < 300; iter++) {
        int n = 1 + rand() % 3;
        int64_t xd[5] = {1 + rand() % 2, 1 + rand() % 3}, k[3], s[3], pads[6] = {0};
        for (int a = 0; a < n; a++) { /* input = exactly the unpooled size, so Indices address both alike */
            k[a] = 1 + rand() % 3;
            s[a] = 1 + rand() % 3;
            xd[2 + a] = (rand() % 3) * s[a] + k[a];
        }
        const onr_dtype types[] = {ONR_DTYPE_FLOAT, ONR_DTYPE_DOUBLE, ONR_DTYPE_FLOAT16, ONR_DTYPE_BFLOAT16};
        onr_dtype t = types[rand() % 4];
        size_t nx = count_of(2 + n, xd);
        double *xv = malloc(nx * sizeof *xv);
        for (size_t i = 0; i < nx; i++)
            xv[i] = (double)(rand() % 64 - 32) / 4;
        onr_tensor x = make_tensor(t, 2 + n, xd, xv);
        onr_attr attrs[] = {INTS_ATTR("kernel_shape", k, (size_t)n), INTS_ATTR("strides", s, (size_t)n)};
        onr_tensor pooled[2];
        onr_error err = {0};
        cr_assert_eq(run_node("MaxPool", 22, attrs, 2, &x, 1, pooled, 2, PATH_HOOK, &err), ONR_OK, "%s", err.message);
        onr_tensor in[2] = {pooled[0], pooled[1]}, out;
        cr_assert_eq(run_node("MaxUnpool", 22, attrs, 2, in, 2, &out, 1, PATH_HOOK, &err), ONR_OK, "%s", err.message);
        int64_t inferred[5] = {xd[0], xd[1]};
        for (int a = 0; a < n; a++)
            inferred[2 + a] = (pooled[0].dims[2 + a] - 1) * s[a] - pads[a] - pads[a + n] + k[a];
        for (int a = 0; a < 2 + n; a++)
            cr_assert_eq(out.dims[a], inferred[a], "dim %d", a);
        double *pv = to_doubles(&pooled[0]);
        double *want = malloc(count_of(2 + n, inferred) * sizeof *want);
        cr_assert(ref_maxunpool(2 + n, inferred, inferred, (int64_t)count_of(2 + n, pooled[0].dims), pv,
                                pooled[1].data, want));
        for (size_t i = 0; i < count_of(2 + n, inferred); i++)
            cr_assert_eq(onr_load_as_double(t, out.data, i), want[i], "iter %d: y[%zu]", iter, i);
        free(want), free(pv), free(out.data), free(pooled[0].data), free(pooled[1].data), free(x.data), free(xv);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* element types and ranks per opset                                                               */

Test(pool_kernels, element_types_per_opset)
{
    static const struct {
        const char *rule, *op;
        int64_t opset;
        onr_dtype t;
        int32_t rank;
        onr_status want;
    } cases[] = {
        {"§0 int8 MaxPool from 12: 11 rejects", "MaxPool", 11, ONR_DTYPE_INT8, 4, ONR_E_INVALID_MODEL},
        {"§0 int8 MaxPool from 12", "MaxPool", 12, ONR_DTYPE_INT8, 4, ONR_OK},
        {"§0 uint8 MaxPool from 12", "MaxPool", 22, ONR_DTYPE_UINT8, 4, ONR_OK},
        {"§0 AveragePool has no int8", "AveragePool", 22, ONR_DTYPE_INT8, 4, ONR_E_INVALID_MODEL},
        {"§0 LpPool has no uint8", "LpPool", 22, ONR_DTYPE_UINT8, 4, ONR_E_INVALID_MODEL},
        {"§0 bfloat16 from 22: AveragePool-21 rejects", "AveragePool", 21, ONR_DTYPE_BFLOAT16, 4, ONR_E_INVALID_MODEL},
        {"§0 bfloat16 from 22: AveragePool-22", "AveragePool", 22, ONR_DTYPE_BFLOAT16, 4, ONR_OK},
        {"§0 bfloat16 from 22: MaxPool-12 rejects", "MaxPool", 12, ONR_DTYPE_BFLOAT16, 4, ONR_E_INVALID_MODEL},
        {"§0 bfloat16 from 22: GlobalMaxPool-1 rejects", "GlobalMaxPool", 1, ONR_DTYPE_BFLOAT16, 4,
         ONR_E_INVALID_MODEL},
        {"§0 GlobalAveragePool has no int8", "GlobalAveragePool", 22, ONR_DTYPE_INT8, 4, ONR_E_INVALID_MODEL},
        {"§0 no int32 anywhere", "MaxPool", 22, ONR_DTYPE_INT32, 4, ONR_E_INVALID_MODEL},
        {"§0 float16 at opset 1", "GlobalAveragePool", 1, ONR_DTYPE_FLOAT16, 4, ONR_OK},
        {"§9 input rank < 3 rejected", "MaxPool", 12, ONR_DTYPE_FLOAT, 2, ONR_E_INVALID_MODEL},
        {"§7 global input rank < 3 rejected", "GlobalAveragePool", 12, ONR_DTYPE_FLOAT, 2, ONR_E_INVALID_MODEL},
        {"§9 kernel_shape length != spatial rank", "AveragePool", 11, ONR_DTYPE_FLOAT, 5, ONR_E_INVALID_MODEL},
    };
    static const int64_t k[] = {1, 1};
    static const int64_t dims[] = {1, 2, 3, 3, 3};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        onr_attr attrs[] = {INTS_ATTR("kernel_shape", k, 2)}; /* rank-5 case: 2 values for 3 axes */
        bool global = strncmp(cases[i].op, "Global", 6) == 0;
        onr_tensor x = make_tensor(cases[i].t, cases[i].rank, dims, NULL);
        onr_tensor out[1];
        onr_error err = {0};
        onr_status st = run_node(cases[i].op, cases[i].opset, attrs, global ? 0 : 1, &x, 1, out, 1, PATH_HOOK, &err);
        cr_expect_eq(st, cases[i].want, "%s: %s (%s)", cases[i].rule, onr_status_name(st), err.message);
        free(out[0].data);
        free(x.data);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* randomized sweep against the naive reference                                                    */

typedef struct rand_case {
    ref_pool_cfg cfg;
    onr_dtype t;
    bool with_indices;
    bool nan;
} rand_case;

static void random_cfg(ref_pool_cfg *c, int kind, int max_rank)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->n = 1 + rand() % max_rank;
    c->N = 1 + rand() % 2;
    c->C = 1 + rand() % 3;
    for (int a = 0; a < c->n; a++) {
        c->in[a] = 1 + rand() % (c->n == 3 ? 6 : 9);
        c->kernel[a] = 1 + rand() % (c->n == 3 ? 3 : 4);
        c->strides[a] = 1 + rand() % 3;
        c->dilations[a] = 1 + rand() % 2;
    }
    int r = rand() % 10;
    c->auto_pad = r < 7 ? REF_NOTSET : r == 7 ? REF_SAME_UPPER : r == 8 ? REF_SAME_LOWER : REF_VALID;
    if (c->auto_pad == REF_NOTSET && rand() % 4)
        for (int a = 0; a < 2 * c->n; a++)
            c->pads[a] = rand() % 3;
    c->ceil_mode = rand() % 2;
    c->count_include_pad = kind == REF_AVG ? rand() % 2 : 0;
    c->storage_order = kind == REF_MAX ? rand() % 2 : 0;
    c->p = kind == REF_LP ? 1 + rand() % 3 : 0;
}

static size_t cfg_attrs(const ref_pool_cfg *c, onr_attr *attrs, int64_t *k, int64_t *s, int64_t *d, int64_t *pads)
{
    static const char *const ap[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
    size_t na = 0;
    for (int a = 0; a < c->n; a++) {
        k[a] = c->kernel[a], s[a] = c->strides[a], d[a] = c->dilations[a];
        pads[a] = c->pads[a], pads[a + c->n] = c->pads[a + c->n];
    }
    attrs[na++] = INTS_ATTR("kernel_shape", k, (size_t)c->n);
    attrs[na++] = INTS_ATTR("strides", s, (size_t)c->n);
    attrs[na++] = INTS_ATTR("dilations", d, (size_t)c->n);
    if (c->auto_pad == REF_NOTSET)
        attrs[na++] = INTS_ATTR("pads", pads, 2 * (size_t)c->n);
    else
        attrs[na++] = STR_ATTR("auto_pad", ap[c->auto_pad]);
    attrs[na++] = INT_ATTR("ceil_mode", c->ceil_mode);
    if (c->kind == REF_AVG)
        attrs[na++] = INT_ATTR("count_include_pad", c->count_include_pad);
    if (c->kind == REF_MAX)
        attrs[na++] = INT_ATTR("storage_order", c->storage_order);
    if (c->kind == REF_LP)
        attrs[na++] = INT_ATTR("p", (int64_t)c->p);
    return na;
}

static const char *kind_op(int kind)
{
    return kind == REF_MAX ? "MaxPool" : kind == REF_AVG ? "AveragePool" : "LpPool";
}

/* Runs one random case on `path`, checks it against the reference; returns false when the geometry
 * was invalid (and checks that the op rejected it). */
static bool check_random(const rand_case *rc, int path, int iter)
{
    const ref_pool_cfg *c = &rc->cfg;
    int64_t xd[ONR_MAX_RANK] = {c->N, c->C}, yd[ONR_MAX_RANK] = {c->N, c->C}, out[REF_MAX_SPATIAL], pb[REF_MAX_SPATIAL],
            pe[REF_MAX_SPATIAL];
    for (int a = 0; a < c->n; a++)
        xd[2 + a] = c->in[a];
    const size_t nx = count_of(2 + c->n, xd);
    double *xv = malloc(nx * sizeof *xv);
    for (size_t i = 0; i < nx; i++) {
        /* quarter-integers: sums are exact in every type's compute precision, ties are common */
        int lim = rc->t == ONR_DTYPE_UINT8 ? 256 : rc->t == ONR_DTYPE_INT8 ? 256 : 64;
        xv[i] = rc->t == ONR_DTYPE_UINT8 ? rand() % lim
                : rc->t == ONR_DTYPE_INT8 ? rand() % lim - 128
                                          : (double)(rand() % lim - lim / 2) / 4;
        if (rc->nan && rand() % 17 == 0)
            xv[i] = NAN;
    }
    onr_tensor x = make_tensor(rc->t, 2 + c->n, xd, xv);
    double *xr = to_doubles(&x); /* what the op actually sees after rounding to the type */
    onr_attr attrs[8];
    int64_t k[REF_MAX_SPATIAL], s[REF_MAX_SPATIAL], d[REF_MAX_SPATIAL], pads[2 * REF_MAX_SPATIAL];
    size_t na = cfg_attrs(c, attrs, k, s, d, pads);
    onr_tensor y[2];
    onr_error err = {0};
    size_t n_out = rc->with_indices ? 2 : 1;
    onr_status st = run_node(kind_op(c->kind), 22, attrs, na, &x, 1, y, n_out, path, &err);
    bool valid = ref_pool_shape(c, out, pb, pe);
    if (!valid) {
        cr_assert_eq(st, ONR_E_INVALID_MODEL, "iter %d: reference says output <= 0, op says %s", iter,
                     onr_status_name(st));
    } else {
        cr_assert_eq(st, ONR_OK, "iter %d %s: %s", iter, kind_op(c->kind), err.message);
        for (int a = 0; a < c->n; a++) {
            yd[2 + a] = out[a];
            cr_assert_eq(y[0].dims[2 + a], out[a], "iter %d: axis %d out %lld, want %lld", iter, a,
                         (long long)y[0].dims[2 + a], (long long)out[a]);
        }
        const size_t ny = count_of(2 + c->n, yd);
        double *want = malloc(ny * sizeof *want);
        int64_t *wind = malloc(ny * sizeof *wind);
        ref_pool(c, xr, want, wind);
        const double tol = c->kind == REF_MAX ? 0 : tol_of(rc->t);
        for (size_t i = 0; i < ny; i++) {
            double got = onr_load_as_double(rc->t, y[0].data, i);
            /* the expected value rounded to the output type, as the op must store it */
            double w = want[i];
            if (!isnan(w)) {
                onr_tensor tmp = make_tensor(rc->t, 0, NULL, &w);
                w = onr_load_as_double(rc->t, tmp.data, 0);
                free(tmp.data);
            }
            cr_assert(same_value(got, w, tol),
                      "iter %d path %d %s %s n=%d: y[%zu] = %.9g, want %.9g (in %lld k %lld s %lld d %lld pads "
                      "%lld/%lld auto_pad %d ceil %d cip %d p %g)",
                      iter, path, kind_op(c->kind), onr_dtype_name(rc->t), c->n, i, got, w, (long long)c->in[0],
                      (long long)c->kernel[0], (long long)c->strides[0], (long long)c->dilations[0],
                      (long long)c->pads[0], (long long)c->pads[c->n], c->auto_pad, c->ceil_mode,
                      c->count_include_pad, c->p);
            if (rc->with_indices)
                cr_assert_eq(((int64_t *)y[1].data)[i], wind[i], "iter %d: I[%zu] = %lld, want %lld (so %d)", iter,
                             i, (long long)((int64_t *)y[1].data)[i], (long long)wind[i], c->storage_order);
        }
        free(want);
        free(wind);
    }
    for (size_t i = 0; i < n_out; i++)
        free(y[i].data);
    free(x.data);
    free(xv);
    free(xr);
    return valid;
}

static void sweep(int kind, onr_dtype t, unsigned seed, int iters)
{
    srand(seed);
    int valid = 0;
    for (int iter = 0; iter < iters; iter++) {
        rand_case rc;
        random_cfg(&rc.cfg, kind, 3);
        rc.t = t;
        rc.with_indices = kind == REF_MAX && rand() % 2;
        rc.nan = kind == REF_MAX && onr_dtype_is_float(t) && rand() % 4 == 0;
        valid += check_random(&rc, rand() % 2 ? PATH_HOOK : PATH_GENERIC, iter);
    }
    /* the sweep must mostly exercise real outputs, not rejections */
    cr_assert_gt(valid, iters / 2, "only %d of %d random cases were valid", valid, iters);
}

Test(pool_kernels, random_maxpool_f32) { sweep(REF_MAX, ONR_DTYPE_FLOAT, 1, 1500); }
Test(pool_kernels, random_maxpool_f64) { sweep(REF_MAX, ONR_DTYPE_DOUBLE, 2, 600); }
Test(pool_kernels, random_maxpool_f16) { sweep(REF_MAX, ONR_DTYPE_FLOAT16, 3, 600); }
Test(pool_kernels, random_maxpool_bf16) { sweep(REF_MAX, ONR_DTYPE_BFLOAT16, 4, 600); }
Test(pool_kernels, random_maxpool_i8) { sweep(REF_MAX, ONR_DTYPE_INT8, 5, 600); }
Test(pool_kernels, random_maxpool_u8) { sweep(REF_MAX, ONR_DTYPE_UINT8, 6, 600); }
Test(pool_kernels, random_avgpool_f32) { sweep(REF_AVG, ONR_DTYPE_FLOAT, 7, 1500); }
Test(pool_kernels, random_avgpool_f64) { sweep(REF_AVG, ONR_DTYPE_DOUBLE, 8, 600); }
Test(pool_kernels, random_avgpool_f16) { sweep(REF_AVG, ONR_DTYPE_FLOAT16, 9, 600); }
Test(pool_kernels, random_avgpool_bf16) { sweep(REF_AVG, ONR_DTYPE_BFLOAT16, 10, 600); }
Test(pool_kernels, random_lppool_f32) { sweep(REF_LP, ONR_DTYPE_FLOAT, 11, 1000); }
Test(pool_kernels, random_lppool_f64) { sweep(REF_LP, ONR_DTYPE_DOUBLE, 12, 600); }
Test(pool_kernels, random_lppool_f16) { sweep(REF_LP, ONR_DTYPE_FLOAT16, 13, 600); }
Test(pool_kernels, random_lppool_bf16) { sweep(REF_LP, ONR_DTYPE_BFLOAT16, 14, 600); }

/* Rank 4 and 5 spatial axes (beyond the ONNX tests) on the generic path. */
Test(pool_kernels, random_high_rank)
{
    srand(99);
    for (int iter = 0; iter < 200; iter++) {
        rand_case rc;
        int kind = rand() % 3;
        random_cfg(&rc.cfg, kind, 3);
        rc.cfg.n = 4 + rand() % 2;
        for (int a = 0; a < rc.cfg.n; a++) {
            rc.cfg.in[a] = 1 + rand() % 4;
            rc.cfg.kernel[a] = 1 + rand() % 2;
            rc.cfg.strides[a] = 1 + rand() % 2;
            rc.cfg.dilations[a] = 1 + rand() % 2;
            rc.cfg.pads[a] = rc.cfg.pads[a + rc.cfg.n] = rc.cfg.auto_pad == REF_NOTSET ? rand() % 2 : 0;
        }
        rc.cfg.N = rc.cfg.C = 1;
        rc.t = ONR_DTYPE_FLOAT;
        rc.with_indices = kind == REF_MAX;
        rc.nan = false;
        check_random(&rc, PATH_HOOK, iter);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* fast paths against the generic path                                                             */

/* Runs one float 2-D case through AUTO (asserting the fast path applies) and GENERIC; compares. */
static void fast_vs_generic(int kind, int64_t N, int64_t C, int64_t H, int64_t W, int64_t k, int64_t s, int64_t pad,
                            const char *auto_pad, int ceil_mode, int cip, bool nan, const char *what)
{
    const int64_t xd[4] = {N, C, H, W}, ks[2] = {k, k}, ss[2] = {s, s}, pads[4] = {pad, pad, pad, pad};
    const size_t nx = count_of(4, xd);
    double *xv = malloc(nx * sizeof *xv);
    for (size_t i = 0; i < nx; i++)
        xv[i] = nan && rand() % 23 == 0 ? NAN : (double)rand() / RAND_MAX * 20.0 - 10.0;
    onr_tensor x = make_tensor(ONR_DTYPE_FLOAT, 4, xd, xv);
    onr_attr attrs[6];
    size_t na = 0;
    attrs[na++] = INTS_ATTR("kernel_shape", ks, 2);
    attrs[na++] = INTS_ATTR("strides", ss, 2);
    if (auto_pad)
        attrs[na++] = STR_ATTR("auto_pad", auto_pad);
    else
        attrs[na++] = INTS_ATTR("pads", pads, 4);
    attrs[na++] = INT_ATTR("ceil_mode", ceil_mode);
    if (kind == REF_AVG)
        attrs[na++] = INT_ATTR("count_include_pad", cip);
    const char *op = kind_op(kind);
    onr_tensor a, g;
    onr_error err = {0};
    onr_status st = run_node(op, 19, attrs, na, &x, 1, &a, 1, PATH_AUTO, &err);
    if (st != ONR_OK) { /* geometry invalid for this random draw */
        free(a.data), free(x.data), free(xv);
        return;
    }
    cr_assert(fast_applies(op, 19, attrs, na, &x, 1), "%s: fast path should apply", what);
    cr_assert_eq(run_node(op, 19, attrs, na, &x, 1, &g, 1, PATH_GENERIC, &err), ONR_OK, "%s", err.message);
    const size_t ny = count_of(4, a.dims);
    for (size_t i = 0; i < ny; i++) {
        float fa = ((float *)a.data)[i], fg = ((float *)g.data)[i];
        if (kind == REF_MAX)
            cr_assert((isnan(fa) && isnan(fg)) || fa == fg, "%s: y[%zu] fast %.9g generic %.9g", what, i, (double)fa,
                      (double)fg);
        else
            cr_assert(same_value(fa, fg, 2e-6), "%s: y[%zu] fast %.9g generic %.9g", what, i, (double)fa,
                      (double)fg);
    }
    free(a.data), free(g.data), free(x.data), free(xv);
}

Test(pool_kernels, fast_2d_common_cases_match_generic)
{
    srand(5);
    static const struct {
        int64_t k, s, pad;
        const char *name;
    } common[] = {{2, 2, 0, "k2s2"}, {3, 2, 1, "k3s2p1"}, {3, 1, 1, "k3s1p1"}, {3, 2, 0, "k3s2"}, {5, 1, 2, "k5s1p2"},
                  {7, 3, 3, "k7s3p3"}};
    static const int64_t sizes[][2] = {{32, 32}, {7, 9}, {1, 1}, {2, 3}, {56, 57}, {13, 4}};
    for (size_t ci = 0; ci < sizeof common / sizeof common[0]; ci++)
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
            for (int kind = REF_MAX; kind <= REF_AVG; kind++)
                for (int ceil_mode = 0; ceil_mode < 2; ceil_mode++)
                    for (int cip = 0; cip < 2; cip++)
                        fast_vs_generic(kind, 2, 3, sizes[si][0], sizes[si][1], common[ci].k, common[ci].s,
                                        common[ci].pad, NULL, ceil_mode, cip, kind == REF_MAX, common[ci].name);
    fast_vs_generic(REF_MAX, 1, 4, 17, 17, 3, 2, 0, "SAME_UPPER", 0, 0, true, "SAME_UPPER k3s2");
    fast_vs_generic(REF_AVG, 1, 4, 17, 17, 2, 1, 0, "SAME_LOWER", 0, 1, false, "SAME_LOWER k2s1 cip");
}

Test(pool_kernels, fast_2d_random_match_generic)
{
    srand(6);
    for (int iter = 0; iter < 800; iter++) {
        int kind = rand() % 2 ? REF_MAX : REF_AVG;
        int64_t k = 1 + rand() % 5, s = 1 + rand() % 3, pad = rand() % 4;
        fast_vs_generic(kind, 1 + rand() % 2, 1 + rand() % 3, 1 + rand() % 20, 1 + rand() % 20, k, s, pad, NULL,
                        rand() % 2, rand() % 2, rand() % 3 == 0, "random 2-D");
    }
}

/* The fast path must not apply where it cannot be used (Indices, dilation, LpPool, non-float). */
Test(pool_kernels, fast_2d_not_taken_outside_its_domain)
{
    static const int64_t xd[4] = {1, 1, 4, 4}, k[2] = {2, 2}, d[2] = {2, 2};
    onr_tensor x = make_tensor(ONR_DTYPE_FLOAT, 4, xd, NULL);
    onr_tensor xh = make_tensor(ONR_DTYPE_FLOAT16, 4, xd, NULL);
    onr_attr plain[] = {INTS_ATTR("kernel_shape", k, 2)};
    onr_attr dil[] = {INTS_ATTR("kernel_shape", k, 2), INTS_ATTR("dilations", d, 2)};
    cr_expect(fast_applies("MaxPool", 12, plain, 1, &x, 1));
    cr_expect(!fast_applies("MaxPool", 12, plain, 1, &x, 2), "Indices requested");
    cr_expect(!fast_applies("MaxPool", 12, dil, 2, &x, 1), "dilation");
    cr_expect(!fast_applies("LpPool", 18, plain, 1, &x, 1), "LpPool");
    cr_expect(!fast_applies("AveragePool", 22, plain, 1, &xh, 1), "float16");
    free(x.data), free(xh.data);
}

/* Global pools: random ranks 3-5 against the reference, and float fast kernels against generic. */
Test(pool_kernels, global_pools_random)
{
    srand(8);
    static const char *const ops[] = {"GlobalMaxPool", "GlobalAveragePool", "GlobalLpPool"};
    static const onr_dtype types[] = {ONR_DTYPE_FLOAT, ONR_DTYPE_DOUBLE, ONR_DTYPE_FLOAT16, ONR_DTYPE_BFLOAT16};
    for (int iter = 0; iter < 600; iter++) {
        int kind = rand() % 3;
        onr_dtype t = types[rand() % 4];
        int32_t rank = 3 + rand() % 3;
        int64_t xd[5];
        xd[0] = 1 + rand() % 2, xd[1] = 1 + rand() % 3;
        for (int32_t a = 2; a < rank; a++)
            xd[a] = 1 + rand() % (rank == 5 ? 5 : 12);
        int64_t p = 1 + rand() % 3;
        onr_attr attrs[] = {INT_ATTR("p", p)};
        size_t na = kind == REF_LP ? 1 : 0;
        size_t nx = count_of(rank, xd), planes = (size_t)(xd[0] * xd[1]);
        double *xv = malloc(nx * sizeof *xv);
        for (size_t i = 0; i < nx; i++)
            xv[i] = (double)(rand() % 64 - 32) / 4;
        onr_tensor x = make_tensor(t, rank, xd, xv);
        double *xr = to_doubles(&x), *want = malloc(planes * sizeof *want);
        ref_global_pool(kind, (double)p, (int64_t)planes, (int64_t)(nx / planes), xr, want);
        for (int path = PATH_HOOK; path <= PATH_GENERIC; path++) {
            onr_tensor y;
            onr_error err = {0};
            cr_assert_eq(run_node(ops[kind], 22, attrs, na, &x, 1, &y, 1, path, &err), ONR_OK, "%s", err.message);
            cr_assert_eq(y.rank, rank);
            for (int32_t a = 2; a < rank; a++)
                cr_assert_eq(y.dims[a], 1, "§7: spatial dims become 1");
            for (size_t i = 0; i < planes; i++) {
                double got = onr_load_as_double(t, y.data, i);
                cr_assert(same_value(got, want[i], kind == REF_MAX ? 0 : tol_of(t) * 2),
                          "iter %d %s %s rank %d: y[%zu] = %.9g want %.9g", iter, ops[kind], onr_dtype_name(t),
                          (int)rank, i, got, want[i]);
            }
            free(y.data);
        }
        free(x.data), free(xv), free(xr), free(want);
    }
}

Test(pool_kernels, global_fast_paths_match_generic_on_large_planes)
{
    srand(9);
    static const char *const ops[] = {"GlobalMaxPool", "GlobalAveragePool", "GlobalLpPool"};
    const int64_t xd[4] = {2, 3, 317, 331}; /* 104927 elements per plane, not a multiple of 8 */
    const size_t nx = count_of(4, xd);
    double *xv = malloc(nx * sizeof *xv);
    for (size_t i = 0; i < nx; i++)
        xv[i] = (double)rand() / RAND_MAX * 2.0 + 1000.0; /* large mean: fp32 naive sums drift (ORT #12043) */
    xv[12345] = 5000.0;
    onr_tensor x = make_tensor(ONR_DTYPE_FLOAT, 4, xd, xv);
    double *xr = to_doubles(&x), want[6];
    for (int kind = 0; kind < 3; kind++) {
        onr_attr attrs[] = {INT_ATTR("p", 2)};
        size_t na = kind == REF_LP ? 1 : 0;
        cr_assert(fast_applies(ops[kind], 22, attrs, na, &x, 1), "%s fast path applies", ops[kind]);
        ref_global_pool(kind, 2.0, 6, (int64_t)(nx / 6), xr, want);
        onr_tensor fa, ge;
        onr_error err = {0};
        cr_assert_eq(run_node(ops[kind], 22, attrs, na, &x, 1, &fa, 1, PATH_AUTO, &err), ONR_OK);
        cr_assert_eq(run_node(ops[kind], 22, attrs, na, &x, 1, &ge, 1, PATH_GENERIC, &err), ONR_OK);
        for (int i = 0; i < 6; i++) {
            double f = ((float *)fa.data)[i], g = ((float *)ge.data)[i];
            cr_assert(same_value(f, want[i], 1e-6), "%s fast plane %d: %.9g want %.9g", ops[kind], i, f, want[i]);
            cr_assert(same_value(g, want[i], 1e-6), "%s generic plane %d: %.9g want %.9g", ops[kind], i, g, want[i]);
        }
        free(fa.data), free(ge.data);
    }
    /* GlobalLpPool p=3 has no fast kernel */
    onr_attr p3[] = {INT_ATTR("p", 3)};
    cr_expect(!fast_applies("GlobalLpPool", 22, p3, 1, &x, 1));
    free(x.data), free(xv), free(xr);
}
