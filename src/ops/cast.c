/* cast.c: Cast (opset 1+) and CastLike (15+) between every numeric type onnxrun holds: float, double,
 * float16, bfloat16, int8..int64, uint8..uint64, bool.
 *
 * Rules (ONNX Cast doc, numpy where the doc is silent):
 *  - to bool: value != 0 (NaN is true, as numpy's astype(bool));
 *  - from bool: 0 or 1;
 *  - float -> integer: truncate toward zero; out-of-range values saturate to the type's limits and NaN
 *    becomes 0 (the spec leaves these undefined; C makes them UB, so they are pinned down here);
 *  - integer -> integer: two's complement wrap (numpy astype);
 *  - to float16/bfloat16: round to nearest even, overflow to +-inf, NaN stays NaN.
 * String and float8/int4 types are refused as unsupported. The `saturate` attribute (19+) only concerns
 * float8 types and is accepted and ignored. */
#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/op.h"

/* ---- element conversions -------------------------------------------------------------------------- */

static inline float ld_f32(const float *p) { return *p; }
static inline double ld_f64(const double *p) { return *p; }
static inline float ld_f16(const uint16_t *p) { return onr_f16_to_f32(*p); }
static inline float ld_bf16(const uint16_t *p) { return onr_bf16_to_f32(*p); }
static inline int8_t ld_i8(const int8_t *p) { return *p; }
static inline int16_t ld_i16(const int16_t *p) { return *p; }
static inline int32_t ld_i32(const int32_t *p) { return *p; }
static inline int64_t ld_i64(const int64_t *p) { return *p; }
static inline uint8_t ld_u8(const uint8_t *p) { return *p; }
static inline uint16_t ld_u16(const uint16_t *p) { return *p; }
static inline uint32_t ld_u32(const uint32_t *p) { return *p; }
static inline uint64_t ld_u64(const uint64_t *p) { return *p; }
static inline uint8_t ld_b8(const uint8_t *p) { return *p != 0; }

/* Saturating double -> integer; the bounds are the nearest doubles at or inside the range. */
#define SAT(sfx, T, LO, HI)                                                                                   \
    static inline T sat_##sfx(double v)                                                                       \
    {                                                                                                         \
        if (isnan(v))                                                                                         \
            return 0;                                                                                         \
        if (v <= (double)(LO))                                                                                \
            return (T)(LO);                                                                                   \
        if (v >= (HI))                                                                                        \
            return (T)(HI##_T);                                                                               \
        return (T)v;                                                                                          \
    }
/* HI is the first double past the maximum (a power of two), so v < HI converts exactly. */
#define I8_HI 128.0
#define I8_HI_T INT8_MAX
#define I16_HI 32768.0
#define I16_HI_T INT16_MAX
#define I32_HI 2147483648.0
#define I32_HI_T INT32_MAX
#define I64_HI 9223372036854775808.0
#define I64_HI_T INT64_MAX
#define U8_HI 256.0
#define U8_HI_T UINT8_MAX
#define U16_HI 65536.0
#define U16_HI_T UINT16_MAX
#define U32_HI 4294967296.0
#define U32_HI_T UINT32_MAX
#define U64_HI 18446744073709551616.0
#define U64_HI_T UINT64_MAX
SAT(i8, int8_t, INT8_MIN, I8_HI)
SAT(i16, int16_t, INT16_MIN, I16_HI)
SAT(i32, int32_t, INT32_MIN, I32_HI)
SAT(i64, int64_t, INT64_MIN, I64_HI)
SAT(u8, uint8_t, 0, U8_HI)
SAT(u16, uint16_t, 0, U16_HI)
SAT(u32, uint32_t, 0, U32_HI)
SAT(u64, uint64_t, 0, U64_HI)

/* Store a loaded value v into type D. _Generic picks the rule by the source's loaded type. */
#define TO_INT(sfx, T, v) _Generic((v), float: sat_##sfx((double)(v)), double: sat_##sfx((double)(v)), default: (T)(v))
#define st_f32(v) ((float)(v))
#define st_f64(v) ((double)(v))
#define st_f16(v) onr_f32_to_f16((float)(v))
#define st_bf16(v) onr_f32_to_bf16((float)(v))
#define st_i8(v) TO_INT(i8, int8_t, v)
#define st_i16(v) TO_INT(i16, int16_t, v)
#define st_i32(v) TO_INT(i32, int32_t, v)
#define st_i64(v) TO_INT(i64, int64_t, v)
#define st_u8(v) TO_INT(u8, uint8_t, v)
#define st_u16(v) TO_INT(u16, uint16_t, v)
#define st_u32(v) TO_INT(u32, uint32_t, v)
#define st_u64(v) TO_INT(u64, uint64_t, v)
#define st_b8(v) ((uint8_t)((v) != 0))

/* Two copies of the type list: a macro cannot expand itself, and kernels are the cross product. */
#define SRC_TYPES(X, ...)                                                                                     \
    X(f32, float, __VA_ARGS__) X(f64, double, __VA_ARGS__) X(f16, uint16_t, __VA_ARGS__)                       \
    X(bf16, uint16_t, __VA_ARGS__) X(i8, int8_t, __VA_ARGS__) X(i16, int16_t, __VA_ARGS__)                     \
    X(i32, int32_t, __VA_ARGS__) X(i64, int64_t, __VA_ARGS__) X(u8, uint8_t, __VA_ARGS__)                      \
    X(u16, uint16_t, __VA_ARGS__) X(u32, uint32_t, __VA_ARGS__) X(u64, uint64_t, __VA_ARGS__)                  \
    X(b8, uint8_t, __VA_ARGS__)
#define DST_TYPES(X, ...)                                                                                     \
    X(f32, float, __VA_ARGS__) X(f64, double, __VA_ARGS__) X(f16, uint16_t, __VA_ARGS__)                       \
    X(bf16, uint16_t, __VA_ARGS__) X(i8, int8_t, __VA_ARGS__) X(i16, int16_t, __VA_ARGS__)                     \
    X(i32, int32_t, __VA_ARGS__) X(i64, int64_t, __VA_ARGS__) X(u8, uint8_t, __VA_ARGS__)                      \
    X(u16, uint16_t, __VA_ARGS__) X(u32, uint32_t, __VA_ARGS__) X(u64, uint64_t, __VA_ARGS__)                  \
    X(b8, uint8_t, __VA_ARGS__)

typedef void (*cast_fn)(const void *x, void *y, size_t n);

#define CAST_ONE(d, DT, s, ST)                                                                                \
    static void cast_##s##_##d(const void *xv, void *yv, size_t n)                                           \
    {                                                                                                         \
        const ST *x = xv;                                                                                     \
        DT *y = yv;                                                                                           \
        for (size_t i = 0; i < n; i++)                                                                        \
            y[i] = st_##d(ld_##s(&x[i]));                                                                     \
    }
#define CAST_ROW(s, ST, unused) DST_TYPES(CAST_ONE, s, ST)
SRC_TYPES(CAST_ROW, 0)

#define TABLE_ONE(d, DT, s) cast_##s##_##d,
#define TABLE_ROW(s, ST, unused) {DST_TYPES(TABLE_ONE, s)},
enum { N_TYPES = 13 };
static const cast_fn table[N_TYPES][N_TYPES] = {SRC_TYPES(TABLE_ROW, 0)};

static int type_index(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return 0;
    case ONR_DTYPE_DOUBLE: return 1;
    case ONR_DTYPE_FLOAT16: return 2;
    case ONR_DTYPE_BFLOAT16: return 3;
    case ONR_DTYPE_INT8: return 4;
    case ONR_DTYPE_INT16: return 5;
    case ONR_DTYPE_INT32: return 6;
    case ONR_DTYPE_INT64: return 7;
    case ONR_DTYPE_UINT8: return 8;
    case ONR_DTYPE_UINT16: return 9;
    case ONR_DTYPE_UINT32: return 10;
    case ONR_DTYPE_UINT64: return 11;
    case ONR_DTYPE_BOOL: return 12;
    default: return -1;
    }
}

/* TensorProto.DataType names, for Cast-1's string form of `to` ("FLOAT", ...). */
static int dtype_by_name(const char *s)
{
    static const struct { const char *name; int t; } names[] = {
        {"FLOAT", 1}, {"UINT8", 2}, {"INT8", 3}, {"UINT16", 4}, {"INT16", 5}, {"INT32", 6}, {"INT64", 7},
        {"STRING", 8}, {"BOOL", 9}, {"FLOAT16", 10}, {"DOUBLE", 11}, {"UINT32", 12}, {"UINT64", 13},
        {"COMPLEX64", 14}, {"COMPLEX128", 15}, {"BFLOAT16", 16},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].t;
    return -1;
}

/* ---- ops ------------------------------------------------------------------------------------------ */

typedef struct cast_params {
    bool like;   /* CastLike: the target is input 1's type */
    int64_t to;  /* Cast: TensorProto.DataType */
} cast_params;

static onr_status cast_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    cast_params *p = params;
    p->like = strcmp(node->op_type, "CastLike") == 0;
    const char *cast_attrs[] = {"to", "saturate", NULL};
    const char *like_attrs[] = {"saturate", NULL};
    onr_status st = onr_attr_allow(node, p->like ? like_attrs : cast_attrs, err);
    if (st != ONR_OK || p->like)
        return st;
    const onr_attr *to = onr_attr_find(node, "to");
    if (!to)
        return onr_err(err, ONR_E_INVALID_MODEL, "required attribute 'to' is missing");
    if (to->type == ONR_ATTR_STRING) { /* Cast-1 */
        int t = dtype_by_name(to->s);
        if (t < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'to' = '%s' is not a data type", to->s);
        p->to = t;
    } else {
        st = onr_attr_int(node, "to", 0, &p->to, err);
        if (st != ONR_OK)
            return st;
    }
    if (p->to < 0 || p->to > 64 || type_index((onr_dtype)p->to) < 0)
        return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'to' = %lld: cast to this data type is not supported",
                       (long long)p->to);
    return ONR_OK;
}

static onr_status cast_infer(onr_op_ctx *c, onr_error *err)
{
    const cast_params *p = c->params;
    onr_dtype to = p->like ? c->in[1]->dtype : (onr_dtype)p->to;
    if (type_index(c->in[0]->dtype) < 0)
        return onr_err(err, ONR_E_UNSUPPORTED, "cast from type %s is not supported", onr_dtype_name(c->in[0]->dtype));
    if (type_index(to) < 0)
        return onr_err(err, ONR_E_UNSUPPORTED, "cast to type %s is not supported", onr_dtype_name(to));
    onr_tensor_copy_shape(c->out[0], c->in[0]);
    c->out[0]->dtype = to;
    return ONR_OK;
}

typedef struct cast_job {
    cast_fn fn;
    const char *x;
    char *y;
    size_t xs, ys;
} cast_job;

static void cast_range(void *arg, size_t begin, size_t end)
{
    const cast_job *j = arg;
    j->fn(j->x + begin * j->xs, j->y + begin * j->ys, end - begin);
}

static onr_status cast_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const onr_tensor *x = c->in[0];
    onr_tensor *y = c->out[0];
    if (x->dtype == y->dtype) {
        if (x->data != y->data)
            memcpy(y->data, x->data, onr_tensor_bytes(x));
        return ONR_OK;
    }
    cast_job j = {.fn = table[type_index(x->dtype)][type_index(y->dtype)], .x = x->data, .y = y->data,
                  .xs = onr_dtype_size(x->dtype), .ys = onr_dtype_size(y->dtype)};
    onr_parallel_for(c->pool, onr_tensor_count(x), 65536, cast_range, &j);
    return ONR_OK;
}

const onr_op_def onr_op_cast = {
    .domain = "", .op_type = "Cast", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(cast_params), .parse = cast_parse,
    .infer = cast_infer, .run = cast_run,
};

const onr_op_def onr_op_castlike = {
    .domain = "", .op_type = "CastLike", .since = 15, .until = 22,
    .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,
    .params_size = sizeof(cast_params), .parse = cast_parse,
    .infer = cast_infer, .run = cast_run,
};
