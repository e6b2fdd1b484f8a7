/* test_cast.c: Cast / CastLike between numeric types: half-precision bit patterns (IEEE 754 binary16,
 * bfloat16 = top half of binary32, both round to nearest even), float -> integer truncation with the
 * saturation onnxrun pins down, integer wrap (numpy astype), bool rules, and the attribute forms. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "elt_check.h"

static onr_status cast(const onr_tensor *x, int64_t to, sh_run *r)
{
    onr_attr a[] = {A_INT("to", to)};
    return sh_exec(r, "Cast", 13, a, 1, (const onr_tensor *[]){x}, 1, 1, 0);
}

static void expect_bits16(const onr_tensor *t, onr_dtype dt, size_t n, const uint16_t *bits, const char *what)
{
    cr_expect_eq(t->dtype, dt, "%s: dtype", what);
    cr_expect_eq(onr_tensor_count(t), n, "%s: count", what);
    const uint16_t *y = t->data;
    for (size_t i = 0; i < n; i++) {
        bool nan_want = (bits[i] & 0x7fffu) > (dt == ONR_DTYPE_FLOAT16 ? 0x7c00u : 0x7f80u);
        bool nan_got = (y[i] & 0x7fffu) > (dt == ONR_DTYPE_FLOAT16 ? 0x7c00u : 0x7f80u);
        if (nan_want)
            cr_expect(nan_got, "%s: element %zu is 0x%04x, expected a NaN", what, i, y[i]);
        else
            cr_expect_eq(y[i], bits[i], "%s: element %zu is 0x%04x, expected 0x%04x", what, i, y[i], bits[i]);
    }
}

Test(cast, float_to_float16)
{
    /* 65520 is the midpoint of 65504 (max half) and 65536: ties to even rounds to inf. 2^-24 is the
     * smallest half subnormal; 2^-26 rounds to zero. */
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(9),
                           DV(1.0, 65504, 65520, 1e6, -0.0, NAN, 5.9604644775390625e-8, 1.4901161193847656e-8, -2.5));
    sh_run r;
    cast(&x, ONR_DTYPE_FLOAT16, &r);
    sh_expect_ok(&r, "f32->f16");
    expect_bits16(&r.out[0], ONR_DTYPE_FLOAT16, 9,
                  (const uint16_t[]){0x3c00, 0x7bff, 0x7c00, 0x7c00, 0x8000, 0x7e00, 0x0001, 0x0000, 0xc100},
                  "f32->f16");
    sh_free(&r);
    ec_free(&x);
}

Test(cast, float16_and_bfloat16_to_float)
{
    onr_tensor h = sh_t(ONR_DTYPE_FLOAT16, 1, D(5), (const uint16_t[]){0x3c00, 0x7bff, 0x0001, 0xfc00, 0x3555});
    sh_run r;
    cast(&h, ONR_DTYPE_FLOAT, &r);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(5), DV(1, 65504, 5.9604644775390625e-8, -INFINITY, 0.333251953125),
              0, "f16->f32");
    sh_free(&r);
    cast(&h, ONR_DTYPE_DOUBLE, &r);
    ec_expect(&r.out[0], ONR_DTYPE_DOUBLE, 1, D(5), DV(1, 65504, 5.9604644775390625e-8, -INFINITY, 0.333251953125),
              0, "f16->f64");
    sh_free(&r);
    onr_tensor b = sh_t(ONR_DTYPE_BFLOAT16, 1, D(3), (const uint16_t[]){0x3f80, 0xc000, 0x7f80});
    cast(&b, ONR_DTYPE_FLOAT, &r);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(3), DV(1, -2, INFINITY), 0, "bf16->f32");
    sh_free(&r);
    cast(&h, ONR_DTYPE_INT32, &r);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(5), DV(1, 65504, 0, -2147483648.0, 0), 0, "f16->i32");
    sh_free(&r);
}

Test(cast, float_to_bfloat16_rounds_to_even)
{
    /* 1 + 2^-8 lies halfway between bf16 1.0 (0x3f80) and 0x3f81: even is 0x3f80; 1 + 3*2^-8 lies
     * between 0x3f81 and 0x3f82: even is 0x3f82; 1 + 2^-8 + 2^-20 is above the midpoint. */
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(5), DV(1.0, 1.00390625, 1.01171875, 1.0039072036743164, NAN));
    sh_run r;
    cast(&x, ONR_DTYPE_BFLOAT16, &r);
    expect_bits16(&r.out[0], ONR_DTYPE_BFLOAT16, 5, (const uint16_t[]){0x3f80, 0x3f80, 0x3f82, 0x3f81, 0x7fc0},
                  "f32->bf16");
    sh_free(&r);
    ec_free(&x);
    onr_tensor d = ec_make(ONR_DTYPE_DOUBLE, 1, D(1), DV(1.0 / 3));
    cast(&d, ONR_DTYPE_FLOAT16, &r);
    expect_bits16(&r.out[0], ONR_DTYPE_FLOAT16, 1, (const uint16_t[]){0x3555}, "f64->f16");
    sh_free(&r);
    ec_free(&d);
}

Test(cast, float_to_integer)
{
    /* 2147483520 is the largest float below 2^31; 2^31 itself is the first out of range */
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(7), DV(1.9, -1.9, NAN, 3e9, -3e9, 2147483520, 2147483648.0));
    sh_run r;
    cast(&x, ONR_DTYPE_INT32, &r);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(7), DV(1, -1, 0, 2147483647, -2147483648.0, 2147483520, 2147483647),
              0, "f32->i32 truncates, saturates, NaN->0");
    sh_free(&r);
    cast(&x, ONR_DTYPE_UINT8, &r);
    ec_expect(&r.out[0], ONR_DTYPE_UINT8, 1, D(7), DV(1, 0, 0, 255, 0, 255, 255), 0, "f32->u8");
    sh_free(&r);
    ec_free(&x);
    onr_tensor d = ec_make(ONR_DTYPE_DOUBLE, 1, D(3), DV(9.3e18, -9.3e18, -9007199254740993.0));
    cast(&d, ONR_DTYPE_INT64, &r);
    sh_expect_i64(&r.out[0], 1, D(3), (const int64_t[]){INT64_MAX, INT64_MIN, -9007199254740992}, "f64->i64");
    sh_free(&r);
    cast(&d, ONR_DTYPE_UINT64, &r);
    ec_expect(&r.out[0], ONR_DTYPE_UINT64, 1, D(3), DV(9.3e18, 0, 0), 0, "f64->u64");
    sh_free(&r);
    ec_free(&d);
}

Test(cast, integer_conversions)
{
    onr_tensor x = sh_t(ONR_DTYPE_INT64, 1, D(4),
                        (const int64_t[]){4294967301LL, -1, 9007199254740993LL, INT64_MIN});
    sh_run r;
    cast(&x, ONR_DTYPE_INT32, &r);
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(4), DV(5, -1, 1, 0), 0, "i64->i32 wraps");
    sh_free(&r);
    cast(&x, ONR_DTYPE_UINT8, &r);
    ec_expect(&r.out[0], ONR_DTYPE_UINT8, 1, D(4), DV(5, 255, 1, 0), 0, "i64->u8 wraps");
    sh_free(&r);
    /* 2^53 + 1 is not a double: rounds to even, 2^53; the float cast rounds once, from the integer */
    cast(&x, ONR_DTYPE_DOUBLE, &r);
    ec_expect(&r.out[0], ONR_DTYPE_DOUBLE, 1, D(4), DV(4294967301.0, -1, 9007199254740992.0, -9223372036854775808.0),
              0, "i64->f64");
    sh_free(&r);
    cast(&x, ONR_DTYPE_FLOAT, &r);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(4), DV(4294967296.0, -1, 9007199254740992.0, -9223372036854775808.0),
              0, "i64->f32");
    sh_free(&r);
    onr_tensor u = sh_t(ONR_DTYPE_UINT64, 1, D(1), (const uint64_t[]){UINT64_MAX});
    cast(&u, ONR_DTYPE_FLOAT, &r);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(1), DV(18446744073709551616.0), 0, "u64 max -> f32");
    sh_free(&r);
    cast(&u, ONR_DTYPE_INT64, &r);
    sh_expect_i64(&r.out[0], 1, D(1), (const int64_t[]){-1}, "u64 max -> i64 wraps");
    sh_free(&r);
    onr_tensor i8 = sh_t(ONR_DTYPE_INT8, 1, D(2), (const int8_t[]){-128, 127});
    cast(&i8, ONR_DTYPE_UINT16, &r);
    ec_expect(&r.out[0], ONR_DTYPE_UINT16, 1, D(2), DV(65408, 127), 0, "i8->u16 sign-extends then wraps");
    sh_free(&r);
}

Test(cast, bool_rules)
{
    /* numpy: astype(bool) is value != 0, NaN is true */
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(4), DV(0, -0.0, 2.5, NAN));
    sh_run r;
    cast(&x, ONR_DTYPE_BOOL, &r);
    ec_expect(&r.out[0], ONR_DTYPE_BOOL, 1, D(4), DV(0, 0, 1, 1), 0, "f32->bool");
    sh_free(&r);
    onr_tensor b = sh_t(ONR_DTYPE_BOOL, 1, D(2), (const uint8_t[]){0, 1});
    cast(&b, ONR_DTYPE_FLOAT16, &r);
    expect_bits16(&r.out[0], ONR_DTYPE_FLOAT16, 2, (const uint16_t[]){0, 0x3c00}, "bool->f16");
    sh_free(&r);
    cast(&b, ONR_DTYPE_INT64, &r);
    sh_expect_i64(&r.out[0], 1, D(2), (const int64_t[]){0, 1}, "bool->i64");
    sh_free(&r);
    onr_tensor i = sh_t(ONR_DTYPE_INT32, 1, D(3), (const int32_t[]){0, -7, 256});
    cast(&i, ONR_DTYPE_BOOL, &r);
    ec_expect(&r.out[0], ONR_DTYPE_BOOL, 1, D(3), DV(0, 1, 1), 0, "i32->bool (256 is not 0)");
    sh_free(&r);
    ec_free(&x);
}

Test(cast, attribute_forms_and_castlike)
{
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D(2), DV(1.5, -2));
    sh_run r;
    onr_attr s[] = {A_STR("to", "INT32")};
    sh_exec(&r, "Cast", 1, s, 1, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, "Cast-1 string to");
    ec_expect(&r.out[0], ONR_DTYPE_INT32, 1, D(2), DV(1, -2), 0, "Cast-1 string to");
    sh_free(&r);
    onr_tensor like = ec_make(ONR_DTYPE_DOUBLE, 0, NULL, DV(0));
    sh_exec(&r, "CastLike", 15, NULL, 0, (const onr_tensor *[]){&x, &like}, 2, 1, 0);
    ec_expect(&r.out[0], ONR_DTYPE_DOUBLE, 1, D(2), DV(1.5, -2), 0, "CastLike");
    sh_free(&r);
    cast(&x, ONR_DTYPE_FLOAT, &r);
    ec_expect(&r.out[0], ONR_DTYPE_FLOAT, 1, D(2), DV(1.5, -2), 0, "same type");
    sh_free(&r);
    cast(&x, 8, &r);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "parse", "to STRING");
    cr_expect(strstr(r.err.message, "to") != NULL, "%s", r.err.message);
    sh_free(&r);
    cast(&x, 99, &r);
    sh_expect_fail(&r, ONR_E_UNSUPPORTED, "parse", "to 99");
    sh_free(&r);
    sh_exec(&r, "Cast", 13, NULL, 0, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_fail(&r, ONR_E_INVALID_MODEL, "parse", "missing to");
    sh_free(&r);
    onr_attr sat[] = {A_INT("to", ONR_DTYPE_FLOAT16), A_INT("saturate", 1)};
    sh_exec(&r, "Cast", 19, sat, 2, (const onr_tensor *[]){&x}, 1, 1, 0);
    sh_expect_ok(&r, "Cast-19 saturate is accepted");
    sh_free(&r);
    ec_free(&x);
    ec_free(&like);
}

/* Across parallel ranges the result equals the scalar conversion everywhere. */
Test(cast, long_tensor)
{
    size_t n = 200001;
    onr_tensor x = ec_make(ONR_DTYPE_FLOAT, 1, D((int64_t)n), NULL);
    for (size_t i = 0; i < n; i++)
        ((float *)x.data)[i] = (float)i * 0.37f - 30000.0f;
    sh_run r;
    cast(&x, ONR_DTYPE_FLOAT16, &r);
    sh_expect_ok(&r, "long");
    const uint16_t *h = r.out[0].data;
    for (size_t i = 0; i < n; i++)
        if (h[i] != onr_f32_to_f16(((float *)x.data)[i])) {
            cr_expect_fail("element %zu differs", i);
            break;
        }
    sh_free(&r);
    ec_free(&x);
}
