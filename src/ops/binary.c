/* binary.c: elementwise two- and three-input ops with numpy broadcasting: Add, Sub, Mul, Div, Pow,
 * PRelu, Mod, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, And, Or, Xor, BitShift, Where.
 *
 * Kernels take one broadcast run: y[0..n) from a and b, each advancing by a stride of 1 or 0
 * (broadcast.h), one loop per stride pattern so the compiler vectorizes each. float16/bfloat16 run the
 * float kernel on chunks converted to float. Integer arithmetic wraps (two's complement, like numpy);
 * integer Div truncates toward zero (C, onnxruntime) and gives 0 for a zero divisor instead of trapping.
 * Before opset 7, Add/Sub/Mul/Div/Pow/Equal/Less/Greater broadcast only B onto A, and only with
 * broadcast=1 (optionally at `axis`); that legacy form is mapped onto numpy broadcasting of a reshaped
 * B (see legacy_b). */
#include "ops/binary.h"

#include <math.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "ops/attr.h"
#include "ops/broadcast.h"
#include "ops/fastmath.h"
#include "ops/op.h"

typedef void (*bin_fn)(void *y, const void *a, size_t sa, const void *b, size_t sb, size_t n);

enum { T_F32, T_F64, T_I8, T_I16, T_I32, T_I64, T_U8, T_U16, T_U32, T_U64, T_BOOL, N_T };

static int type_index(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT:
    case ONR_DTYPE_FLOAT16:
    case ONR_DTYPE_BFLOAT16: return T_F32; /* halves compute in float */
    case ONR_DTYPE_DOUBLE: return T_F64;
    case ONR_DTYPE_INT8: return T_I8;
    case ONR_DTYPE_INT16: return T_I16;
    case ONR_DTYPE_INT32: return T_I32;
    case ONR_DTYPE_INT64: return T_I64;
    case ONR_DTYPE_UINT8: return T_U8;
    case ONR_DTYPE_UINT16: return T_U16;
    case ONR_DTYPE_UINT32: return T_U32;
    case ONR_DTYPE_UINT64: return T_U64;
    case ONR_DTYPE_BOOL: return T_BOOL;
    default: return -1;
    }
}

/* ---- kernels ---------------------------------------------------------------------------------------- */

/* One kernel from a formula in p (from a) and q (from b). */
#define BIN_KERNEL(name, TA, TY, E)                                                                           \
    static void name(void *yv, const void *av, size_t sa, const void *bv, size_t sb, size_t n)               \
    {                                                                                                         \
        TY *y = yv;                                                                                           \
        const TA *a = av, *b = bv;                                                                            \
        if (sa && sb) {                                                                                       \
            for (size_t i = 0; i < n; i++) {                                                                  \
                const TA p = a[i], q = b[i];                                                                  \
                y[i] = (TY)(E);                                                                               \
            }                                                                                                 \
        } else if (sa) {                                                                                      \
            const TA q = b[0];                                                                                \
            for (size_t i = 0; i < n; i++) {                                                                  \
                const TA p = a[i];                                                                            \
                y[i] = (TY)(E);                                                                               \
            }                                                                                                 \
        } else if (sb) {                                                                                      \
            const TA p = a[0];                                                                                \
            for (size_t i = 0; i < n; i++) {                                                                  \
                const TA q = b[i];                                                                            \
                y[i] = (TY)(E);                                                                               \
            }                                                                                                 \
        } else {                                                                                              \
            const TA p = a[0], q = b[0];                                                                      \
            const TY v = (TY)(E);                                                                             \
            for (size_t i = 0; i < n; i++)                                                                    \
                y[i] = v;                                                                                     \
        }                                                                                                     \
    }

#define FLOAT_KERNELS(sfx, T)                                                                                 \
    BIN_KERNEL(add_##sfx, T, T, p + q)                                                                        \
    BIN_KERNEL(sub_##sfx, T, T, p - q)                                                                        \
    BIN_KERNEL(mul_##sfx, T, T, p * q)                                                                        \
    BIN_KERNEL(div_##sfx, T, T, p / q)                                                                        \
    BIN_KERNEL(min_##sfx, T, T, (p < q || isnan(p)) ? p : q)                                                 \
    BIN_KERNEL(max_##sfx, T, T, (p > q || isnan(p)) ? p : q)                                                 \
    BIN_KERNEL(prelu_##sfx, T, T, SEL(p < 0, p * q, p))                                                       \
    BIN_KERNEL(eq_##sfx, T, uint8_t, p == q)                                                                  \
    BIN_KERNEL(lt_##sfx, T, uint8_t, p < q)                                                                   \
    BIN_KERNEL(gt_##sfx, T, uint8_t, p > q)                                                                   \
    BIN_KERNEL(le_##sfx, T, uint8_t, p <= q)                                                                  \
    BIN_KERNEL(ge_##sfx, T, uint8_t, p >= q)
/* float selects go through onr_fsel so the loop vectorizes (fastmath.h) */
#define SEL onr_fsel
FLOAT_KERNELS(f32, float)
#undef SEL
#define SEL(c, a, b) ((c) ? (a) : (b))
FLOAT_KERNELS(f64, double)
#undef SEL
BIN_KERNEL(pow_f32, float, float, powf(p, q))
BIN_KERNEL(pow_f64, double, double, pow(p, q))

/* Integer arithmetic goes through an unsigned type at least as wide as int (UW), so it wraps instead
 * of overflowing and small types never promote to a signed int that could overflow. */
#define INT_TYPES(X)                                                                                          \
    X(i8, int8_t, uint32_t, 1)                                                                                \
    X(i16, int16_t, uint32_t, 1)                                                                              \
    X(i32, int32_t, uint32_t, 1)                                                                              \
    X(i64, int64_t, uint64_t, 1)                                                                              \
    X(u8, uint8_t, uint32_t, 0)                                                                               \
    X(u16, uint16_t, uint32_t, 0)                                                                             \
    X(u32, uint32_t, uint32_t, 0)                                                                             \
    X(u64, uint64_t, uint64_t, 0)

#define INT_KERNELS(sfx, T, UW, SIGNED)                                                                       \
    static inline T idiv_##sfx(T p, T q)                                                                      \
    {                                                                                                         \
        if (q == 0)                                                                                           \
            return 0;                                                                                         \
        if (SIGNED && q == (T)-1) /* MIN / -1 overflows: wrap like the other ops */                           \
            return (T)(0u - (UW)p);                                                                           \
        return (T)(p / q);                                                                                    \
    }                                                                                                         \
    BIN_KERNEL(add_##sfx, T, T, (UW)p + (UW)q)                                                                \
    BIN_KERNEL(sub_##sfx, T, T, (UW)p - (UW)q)                                                                \
    BIN_KERNEL(mul_##sfx, T, T, (UW)p * (UW)q)                                                                \
    BIN_KERNEL(div_##sfx, T, T, idiv_##sfx(p, q))                                                             \
    BIN_KERNEL(min_##sfx, T, T, p < q ? p : q)                                                                \
    BIN_KERNEL(max_##sfx, T, T, p > q ? p : q)                                                                \
    BIN_KERNEL(prelu_##sfx, T, T, (p > 0 || p == 0) ? p : (T)((UW)p * (UW)q))                               \
    BIN_KERNEL(eq_##sfx, T, uint8_t, p == q)                                                                  \
    BIN_KERNEL(lt_##sfx, T, uint8_t, p < q)                                                                   \
    BIN_KERNEL(gt_##sfx, T, uint8_t, p > q)                                                                   \
    BIN_KERNEL(le_##sfx, T, uint8_t, p <= q)                                                                  \
    BIN_KERNEL(ge_##sfx, T, uint8_t, p >= q)
INT_TYPES(INT_KERNELS)
/* bool (one byte, 0 or 1) is defined only for Equal. */
BIN_KERNEL(eq_bool, uint8_t, uint8_t, (p != 0) == (q != 0))

/* Mod-10/13: fmod=1 is C fmod (sign of the dividend); fmod=0 (integers only) is Python's %, the sign of
 * the divisor. A zero divisor gives 0 for integers (C would trap), NaN for floats (fmod). */
BIN_KERNEL(fmod_f32, float, float, fmodf(p, q))
BIN_KERNEL(fmod_f64, double, double, fmod(p, q))
#define MOD_KERNELS(sfx, T, UW, SIGNED)                                                                       \
    static inline T cmod_##sfx(T p, T q) /* truncated remainder; MIN % -1 is 0, not a trap */               \
    {                                                                                                         \
        return q == 0 || (SIGNED && q == (T)-1) ? (T)0 : (T)(p % q);                                          \
    }                                                                                                         \
    static inline T pymod_##sfx(T p, T q)                                                                     \
    {                                                                                                         \
        T r = cmod_##sfx(p, q);                                                                               \
        bool rn = r != 0 && !(r > 0), qn = q != 0 && !(q > 0); /* < 0, silent for unsigned types */         \
        return (r != 0 && rn != qn) ? (T)((UW)r + (UW)q) : r;                                                 \
    }                                                                                                         \
    BIN_KERNEL(fmod_##sfx, T, T, cmod_##sfx(p, q))                                                            \
    BIN_KERNEL(mod_##sfx, T, T, pymod_##sfx(p, q))
INT_TYPES(MOD_KERNELS)
BIN_KERNEL(and_bool, uint8_t, uint8_t, (p != 0) & (q != 0))
BIN_KERNEL(or_bool, uint8_t, uint8_t, (p != 0) | (q != 0))
BIN_KERNEL(xor_bool, uint8_t, uint8_t, (p != 0) ^ (q != 0))
/* BitShift-11 (unsigned types): a shift by the width or more gives 0 (C leaves it undefined). */
#define SHIFT_KERNELS(sfx, T, BITS)                                                                           \
    BIN_KERNEL(shl_##sfx, T, T, q >= (BITS) ? 0 : (UINT64_C(1) * p) << q)                                     \
    BIN_KERNEL(shr_##sfx, T, T, q >= (BITS) ? 0 : p >> q)
SHIFT_KERNELS(u8, uint8_t, 8)
SHIFT_KERNELS(u16, uint16_t, 16)
SHIFT_KERNELS(u32, uint32_t, 32)
SHIFT_KERNELS(u64, uint64_t, 64)

#define ALL_SET(k) {k##_f32, k##_f64, k##_i8, k##_i16, k##_i32, k##_i64, k##_u8, k##_u16, k##_u32, k##_u64, NULL}

typedef struct bin_op {
    const char *name;
    bin_fn k[N_T];
    bool out_bool;
    size_t grain;
} bin_op;

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MIN, OP_MAX, OP_POW, OP_PRELU, OP_EQ, OP_LT, OP_GT, OP_LE, OP_GE,
       OP_FMOD, OP_MOD, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR };

#define CHEAP 65536
/* Table order follows the enum above; onr_binop values index its first entries. */
static const bin_op ops[] = {
    [OP_ADD] = {"Add", ALL_SET(add), false, CHEAP},
    [OP_SUB] = {"Sub", ALL_SET(sub), false, CHEAP},
    [OP_MUL] = {"Mul", ALL_SET(mul), false, CHEAP},
    [OP_DIV] = {"Div", ALL_SET(div), false, CHEAP},
    [OP_MIN] = {"Min", ALL_SET(min), false, CHEAP},
    [OP_MAX] = {"Max", ALL_SET(max), false, CHEAP},
    /* Pow's same-type float kernels; every other type pair goes through pow_generic. */
    [OP_POW] = {"Pow", {pow_f32, pow_f64}, false, 8192},
    [OP_PRELU] = {"PRelu", ALL_SET(prelu), false, CHEAP},
    [OP_EQ] = {"Equal",
               {eq_f32, eq_f64, eq_i8, eq_i16, eq_i32, eq_i64, eq_u8, eq_u16, eq_u32, eq_u64, eq_bool}, true, CHEAP},
    [OP_LT] = {"Less", ALL_SET(lt), true, CHEAP},
    [OP_GT] = {"Greater", ALL_SET(gt), true, CHEAP},
    [OP_LE] = {"LessOrEqual", ALL_SET(le), true, CHEAP},
    [OP_GE] = {"GreaterOrEqual", ALL_SET(ge), true, CHEAP},
    /* Mod picks OP_FMOD (fmod=1) or OP_MOD (fmod=0) in parse; the names are those of the table. */
    [OP_FMOD] = {"Mod", ALL_SET(fmod), false, 8192},
    [OP_MOD] = {"Mod:python",
                {NULL, NULL, mod_i8, mod_i16, mod_i32, mod_i64, mod_u8, mod_u16, mod_u32, mod_u64, NULL}, false, CHEAP},
    [OP_AND] = {"And", {[T_BOOL] = and_bool}, false, CHEAP},
    [OP_OR] = {"Or", {[T_BOOL] = or_bool}, false, CHEAP},
    [OP_XOR] = {"Xor", {[T_BOOL] = xor_bool}, false, CHEAP},
    [OP_SHL] = {"BitShift", {[T_U8] = shl_u8, [T_U16] = shl_u16, [T_U32] = shl_u32, [T_U64] = shl_u64}, false, CHEAP},
    [OP_SHR] = {"BitShift:right", {[T_U8] = shr_u8, [T_U16] = shr_u16, [T_U32] = shr_u32, [T_U64] = shr_u64}, false,
                CHEAP},
};

_Static_assert((int)ONR_BINOP_ADD == OP_ADD && (int)ONR_BINOP_MAX == OP_MAX, "onr_binop indexes ops[]");

/* ---- the broadcast driver ------------------------------------------------------------------------ */

typedef struct bin_job {
    onr_bcast bc;
    bin_fn fn;
    onr_dtype t; /* input dtype */
    bool out_bool;
    const char *a, *b;
    char *y;
    size_t es, ys; /* input and output element sizes */
} bin_job;

#define HALF_CHUNK 256

static void to_float(onr_dtype t, const uint16_t *x, float *f, size_t n)
{
    if (t == ONR_DTYPE_FLOAT16)
        for (size_t i = 0; i < n; i++)
            f[i] = onr_f16_to_f32(x[i]);
    else
        for (size_t i = 0; i < n; i++)
            f[i] = onr_bf16_to_f32(x[i]);
}

static void from_float(onr_dtype t, const float *f, uint16_t *x, size_t n)
{
    if (t == ONR_DTYPE_FLOAT16)
        for (size_t i = 0; i < n; i++)
            x[i] = onr_f32_to_f16(f[i]);
    else
        for (size_t i = 0; i < n; i++)
            x[i] = onr_f32_to_bf16(f[i]);
}

/* A run of float16/bfloat16 through the float kernel, HALF_CHUNK elements at a time. */
static void half_run(const bin_job *j, char *y, const uint16_t *a, size_t sa, const uint16_t *b, size_t sb,
                     size_t n)
{
    float fa[HALF_CHUNK], fb[HALF_CHUNK], fy[HALF_CHUNK];
    if (!sa)
        to_float(j->t, a, fa, 1);
    if (!sb)
        to_float(j->t, b, fb, 1);
    for (size_t s = 0; s < n; s += HALF_CHUNK) {
        size_t m = n - s < HALF_CHUNK ? n - s : HALF_CHUNK;
        if (sa)
            to_float(j->t, a + s, fa, m);
        if (sb)
            to_float(j->t, b + s, fb, m);
        if (j->out_bool) {
            j->fn(y + s, fa, sa, fb, sb, m);
        } else {
            j->fn(fy, fa, sa, fb, sb, m);
            from_float(j->t, fy, (uint16_t *)y + s, m);
        }
    }
}

static void bin_range(void *arg, size_t begin, size_t end)
{
    const bin_job *j = arg;
    bool half = j->t == ONR_DTYPE_FLOAT16 || j->t == ONR_DTYPE_BFLOAT16;
    size_t sa = j->bc.inner_stride[0], sb = j->bc.inner_stride[1];
    onr_bcast_cursor cur;
    onr_bcast_seek(&j->bc, &cur, begin);
    for (size_t i = begin; i < end;) {
        size_t len = onr_bcast_run(&j->bc, &cur, end - i);
        const char *pa = j->a + cur.off[0] * j->es, *pb = j->b + cur.off[1] * j->es;
        char *py = j->y + i * j->ys;
        if (half)
            half_run(j, py, (const uint16_t *)pa, sa, (const uint16_t *)pb, sb, len);
        else
            j->fn(py, pa, sa, pb, sb, len);
        onr_bcast_advance(&j->bc, &cur, len);
        i += len;
    }
}

static bin_fn kernel_for(int op, onr_dtype t)
{
    int ti = type_index(t);
    return ti < 0 ? NULL : ops[op].k[ti];
}

static onr_status apply(int op, const onr_tensor *a, const onr_tensor *b, onr_tensor *y, onr_threadpool *pool,
                        onr_error *err)
{
    bin_job j = {.fn = kernel_for(op, a->dtype), .t = a->dtype, .out_bool = ops[op].out_bool,
                 .a = a->data, .b = b->data, .y = y->data,
                 .es = onr_dtype_size(a->dtype), .ys = onr_dtype_size(y->dtype)};
    if (!j.fn)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s does not support type %s", ops[op].name,
                       onr_dtype_name(a->dtype));
    onr_status st = onr_bcast_init(&j.bc, y, 2, (const onr_tensor *[]){a, b}, err);
    if (st != ONR_OK)
        return st;
    onr_parallel_for(pool, j.bc.count, ops[op].grain, bin_range, &j);
    return ONR_OK;
}

bool onr_binop_supports(onr_binop op, onr_dtype t)
{
    return kernel_for((int)op, t) != NULL;
}

onr_status onr_binop_apply(onr_binop op, const onr_tensor *a, const onr_tensor *b, onr_tensor *y,
                           onr_threadpool *pool, onr_error *err)
{
    return apply((int)op, a, b, y, pool, err);
}

/* Pow with any base/exponent type pair (Pow-12+: T for the base and result, T1 for the exponent): one
 * element at a time through double. */
typedef struct pow_job {
    onr_bcast bc;
    const onr_tensor *a, *b;
    onr_tensor *y;
} pow_job;

static void pow_generic_range(void *arg, size_t begin, size_t end)
{
    const pow_job *j = arg;
    onr_bcast_cursor cur;
    onr_bcast_seek(&j->bc, &cur, begin);
    for (size_t i = begin; i < end;) {
        size_t len = onr_bcast_run(&j->bc, &cur, end - i);
        for (size_t k = 0; k < len; k++) {
            double p = onr_load_as_double(j->a->dtype, j->a->data, cur.off[0] + k * j->bc.inner_stride[0]);
            double q = onr_load_as_double(j->b->dtype, j->b->data, cur.off[1] + k * j->bc.inner_stride[1]);
            onr_store_from_double(j->y->dtype, j->y->data, i + k, pow(p, q));
        }
        onr_bcast_advance(&j->bc, &cur, len);
        i += len;
    }
}

/* ---- ONNX ops ------------------------------------------------------------------------------------- */

typedef struct binary_params {
    int op;
    bool legacy;     /* opset < 7 form of Add & co: broadcast/axis attributes */
    int64_t broadcast, axis;
    bool has_axis;
} binary_params;

static int op_by_name(const char *name)
{
    for (int i = 0; i < (int)(sizeof ops / sizeof ops[0]); i++)
        if (strcmp(ops[i].name, name) == 0)
            return i;
    return -1;
}

static onr_status binary_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    binary_params *p = params;
    p->op = op_by_name(node->op_type);
    if (p->op < 0)
        return onr_err(err, ONR_E_INTERNAL, "binary op table has no %s", node->op_type);
    if (p->op == OP_PRELU) {
        const char *allowed[] = {node->opset < 6 ? "consumed_inputs" : NULL, NULL};
        p->legacy = node->opset < 7;
        return onr_attr_allow(node, allowed, err);
    }
    if (p->op == OP_FMOD) { /* Mod */
        const char *allowed[] = {"fmod", NULL};
        int64_t fm;
        onr_status st = onr_attr_allow(node, allowed, err);
        if (st == ONR_OK)
            st = onr_attr_int(node, "fmod", 0, &fm, err);
        if (st == ONR_OK && fm != 0 && fm != 1)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'fmod' = %lld must be 0 or 1", (long long)fm);
        p->op = fm ? OP_FMOD : OP_MOD;
        return st;
    }
    if (p->op == OP_SHL) { /* BitShift */
        const char *allowed[] = {"direction", NULL};
        const char *dir = NULL;
        onr_status st = onr_attr_allow(node, allowed, err);
        if (st == ONR_OK)
            st = onr_attr_require(node, "direction", err);
        if (st == ONR_OK)
            st = onr_attr_string(node, "direction", "", &dir, err);
        if (st != ONR_OK)
            return st;
        if (strcmp(dir, "RIGHT") != 0 && strcmp(dir, "LEFT") != 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'direction' = '%s' must be LEFT or RIGHT", dir);
        p->op = strcmp(dir, "RIGHT") == 0 ? OP_SHR : OP_SHL;
        return ONR_OK;
    }
    p->legacy = node->opset < 7;
    const char *legacy[] = {"broadcast", "axis", "consumed_inputs", NULL};
    const char *none[] = {NULL};
    onr_status st = onr_attr_allow(node, p->legacy ? legacy : none, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "broadcast", 0, &p->broadcast, err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "axis", 0, &p->axis, err);
    p->has_axis = onr_attr_find(node, "axis") != NULL;
    return st;
}

/* Legacy (opset < 7) broadcasting: B's dims line up with A's starting at `axis` (default: B's dims
 * are A's trailing dims), which numpy broadcasting expresses as B reshaped with trailing ones. Without
 * broadcast=1 the shapes must be equal. Add-6: "the second tensor can either be of element size 1 ...
 * or having its shape as a contiguous subset of the first tensor's shape". */
static onr_status legacy_b(const binary_params *p, const onr_tensor *a, const onr_tensor *b, onr_tensor *bv,
                           onr_error *err)
{
    char sa[128], sb[128];
    *bv = *b;
    if (!p->broadcast) {
        if (!onr_shape_equal(a->rank, a->dims, b->rank, b->dims))
            return onr_err(err, ONR_E_INVALID_MODEL, "shapes %s and %s differ and broadcast=0 (opset < 7)",
                           onr_shape_str(a->rank, a->dims, sa, sizeof sa),
                           onr_shape_str(b->rank, b->dims, sb, sizeof sb));
        return ONR_OK;
    }
    if (p->has_axis) {
        int64_t axis = p->axis < 0 ? p->axis + a->rank : p->axis;
        if (axis < 0 || axis + b->rank > a->rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "axis %lld does not place B %s inside A %s",
                           (long long)p->axis, onr_shape_str(b->rank, b->dims, sb, sizeof sb),
                           onr_shape_str(a->rank, a->dims, sa, sizeof sa));
        bv->rank = (int32_t)(a->rank - axis);
        for (int32_t i = b->rank; i < bv->rank; i++)
            bv->dims[i] = 1;
    }
    return onr_broadcast_unidir(bv, a, "input B", err);
}

static onr_status binary_shapes(const onr_op_ctx *c, onr_tensor *bv, onr_tensor *out, onr_error *err)
{
    const binary_params *p = c->params;
    const onr_tensor *a = c->in[0], *b = c->in[1];
    if (p->op == OP_PRELU) {
        *bv = *b;
        onr_tensor_copy_shape(out, a);
        /* PRelu-1/6 (Caffe2 semantics, test_PReLU_*_multiparam): a 1-D slope of C values applies per
         * channel, axis 1; as numpy broadcasting that is the slope shaped (C, 1, ..., 1). */
        if (p->legacy && b->rank == 1 && a->rank >= 2 && b->dims[0] == a->dims[1] && b->dims[0] != 1) {
            bv->rank = a->rank - 1;
            for (int32_t i = 1; i < bv->rank; i++)
                bv->dims[i] = 1;
        }
        return onr_broadcast_unidir(bv, a, "input 'slope'", err);
    }
    if (p->legacy) {
        onr_tensor_copy_shape(out, a);
        return legacy_b(p, a, b, bv, err);
    }
    *bv = *b;
    return onr_broadcast_shape(2, (const onr_tensor *[]){a, b}, out, err);
}

static onr_status binary_infer(onr_op_ctx *c, onr_error *err)
{
    const binary_params *p = c->params;
    const onr_tensor *a = c->in[0], *b = c->in[1];
    onr_tensor bv;
    if (p->op == OP_POW) {
        /* Pow-12+: base T in {int32, int64, float types}, exponent any numeric type. */
        if (type_index(a->dtype) < 0 || a->dtype == ONR_DTYPE_BOOL || type_index(b->dtype) < 0 ||
            b->dtype == ONR_DTYPE_BOOL)
            return onr_err(err, ONR_E_UNSUPPORTED, "Pow does not support types %s ^ %s", onr_dtype_name(a->dtype),
                           onr_dtype_name(b->dtype));
    } else {
        if (a->dtype != b->dtype)
            return onr_err(err, ONR_E_INVALID_MODEL, "inputs have different types (%s and %s)",
                           onr_dtype_name(a->dtype), onr_dtype_name(b->dtype));
        if (!kernel_for(p->op, a->dtype))
            return onr_err(err, p->op == OP_MOD && onr_dtype_is_float(a->dtype) ? ONR_E_INVALID_MODEL
                                                                                 : ONR_E_UNSUPPORTED,
                           "%s does not support type %s%s", ops[p->op].name, onr_dtype_name(a->dtype),
                           p->op == OP_MOD ? " (float Mod needs fmod=1)" : "");
    }
    onr_status st = binary_shapes(c, &bv, c->out[0], err);
    if (st != ONR_OK)
        return st;
    c->out[0]->dtype = ops[p->op].out_bool ? ONR_DTYPE_BOOL : a->dtype;
    return ONR_OK;
}

static onr_status binary_run(onr_op_ctx *c, onr_error *err)
{
    const binary_params *p = c->params;
    const onr_tensor *a = c->in[0];
    onr_tensor bv, shape;
    onr_status st = binary_shapes(c, &bv, &shape, err);
    if (st != ONR_OK)
        return st;
    if (p->op == OP_POW && (a->dtype != bv.dtype || !kernel_for(OP_POW, a->dtype))) {
        pow_job j = {.a = a, .b = &bv, .y = c->out[0]};
        st = onr_bcast_init(&j.bc, c->out[0], 2, (const onr_tensor *[]){a, &bv}, err);
        if (st == ONR_OK)
            onr_parallel_for(c->pool, j.bc.count, 4096, pow_generic_range, &j);
        return st;
    }
    return apply(p->op, a, &bv, c->out[0], c->pool, err);
}

#define BINARY_DEF(sym, opname, from)                                                                         \
    const onr_op_def sym = {                                                                                  \
        .domain = "", .op_type = opname, .since = from, .until = 22,                                          \
        .min_in = 2, .max_in = 2, .min_out = 1, .max_out = 1,                                                 \
        .params_size = sizeof(binary_params), .parse = binary_parse,                                          \
        .infer = binary_infer, .run = binary_run,                                                             \
    };

BINARY_DEF(onr_op_add, "Add", 1)
BINARY_DEF(onr_op_sub, "Sub", 1)
BINARY_DEF(onr_op_mul, "Mul", 1)
BINARY_DEF(onr_op_div, "Div", 1)
BINARY_DEF(onr_op_pow, "Pow", 1)
BINARY_DEF(onr_op_prelu, "PRelu", 1)
BINARY_DEF(onr_op_equal, "Equal", 1)
BINARY_DEF(onr_op_less, "Less", 1)
BINARY_DEF(onr_op_greater, "Greater", 1)
BINARY_DEF(onr_op_less_or_equal, "LessOrEqual", 12)
BINARY_DEF(onr_op_greater_or_equal, "GreaterOrEqual", 12)
BINARY_DEF(onr_op_mod, "Mod", 10)
BINARY_DEF(onr_op_and, "And", 1)
BINARY_DEF(onr_op_or, "Or", 1)
BINARY_DEF(onr_op_xor, "Xor", 1)
BINARY_DEF(onr_op_bitshift, "BitShift", 11)

/* ---- Where(condition, X, Y): X where condition else Y, all three broadcast (Where-9/16). ---------- */

typedef struct where_job {
    onr_bcast bc;
    const uint8_t *cond;
    const char *x, *z;
    char *y;
    size_t es;
} where_job;

#define WHERE_LOOP(T)                                                                                         \
    do {                                                                                                      \
        T *y = (T *)(j->y + i * j->es);                                                                       \
        const T *x = (const T *)(j->x + cur.off[1] * j->es), *z = (const T *)(j->z + cur.off[2] * j->es);     \
        for (size_t k = 0; k < len; k++)                                                                      \
            y[k] = c[k * sc] ? x[k * sx] : z[k * sz];                                                         \
    } while (0)

static void where_range(void *arg, size_t begin, size_t end)
{
    const where_job *j = arg;
    size_t sc = j->bc.inner_stride[0], sx = j->bc.inner_stride[1], sz = j->bc.inner_stride[2];
    onr_bcast_cursor cur;
    onr_bcast_seek(&j->bc, &cur, begin);
    for (size_t i = begin; i < end;) {
        size_t len = onr_bcast_run(&j->bc, &cur, end - i);
        const uint8_t *c = j->cond + cur.off[0];
        switch (j->es) {
        case 1: WHERE_LOOP(uint8_t); break;
        case 2: WHERE_LOOP(uint16_t); break;
        case 4: WHERE_LOOP(uint32_t); break;
        default: WHERE_LOOP(uint64_t); break;
        }
        onr_bcast_advance(&j->bc, &cur, len);
        i += len;
    }
}

static onr_status where_infer(onr_op_ctx *c, onr_error *err)
{
    const onr_tensor *cond = c->in[0], *x = c->in[1], *z = c->in[2];
    if (cond->dtype != ONR_DTYPE_BOOL)
        return onr_err(err, ONR_E_INVALID_MODEL, "input 'condition' must be bool, got %s",
                       onr_dtype_name(cond->dtype));
    if (x->dtype != z->dtype)
        return onr_err(err, ONR_E_INVALID_MODEL, "inputs X and Y have different types (%s and %s)",
                       onr_dtype_name(x->dtype), onr_dtype_name(z->dtype));
    size_t es = onr_dtype_size(x->dtype);
    if (es != 1 && es != 2 && es != 4 && es != 8)
        return onr_err(err, ONR_E_UNSUPPORTED, "Where does not support type %s", onr_dtype_name(x->dtype));
    onr_status st = onr_broadcast_shape(3, c->in, c->out[0], err);
    c->out[0]->dtype = x->dtype;
    return st;
}

static onr_status where_run(onr_op_ctx *c, onr_error *err)
{
    where_job j = {.cond = c->in[0]->data, .x = c->in[1]->data, .z = c->in[2]->data, .y = c->out[0]->data,
                   .es = onr_dtype_size(c->in[1]->dtype)};
    onr_status st = onr_bcast_init(&j.bc, c->out[0], 3, c->in, err);
    if (st == ONR_OK)
        onr_parallel_for(c->pool, j.bc.count, CHEAP, where_range, &j);
    return st;
}

const onr_op_def onr_op_where = {
    .domain = "", .op_type = "Where", .since = 9, .until = 22,
    .min_in = 3, .max_in = 3, .min_out = 1, .max_out = 1,
    .infer = where_infer, .run = where_run,
};
