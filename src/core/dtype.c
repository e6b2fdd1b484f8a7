/* dtype.c: dtype table and half-precision conversions. */
#include "core/dtype.h"

#include <math.h>

bool onr_dtype_known(int t)
{
    return onr_dtype_size((onr_dtype)t) != 0;
}

bool onr_dtype_is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

size_t onr_dtype_size(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return 4;
    case ONR_DTYPE_UINT8: return 1;
    case ONR_DTYPE_INT8: return 1;
    case ONR_DTYPE_UINT16: return 2;
    case ONR_DTYPE_INT16: return 2;
    case ONR_DTYPE_INT32: return 4;
    case ONR_DTYPE_INT64: return 8;
    case ONR_DTYPE_BOOL: return 1;
    case ONR_DTYPE_FLOAT16: return 2;
    case ONR_DTYPE_DOUBLE: return 8;
    case ONR_DTYPE_UINT32: return 4;
    case ONR_DTYPE_UINT64: return 8;
    case ONR_DTYPE_BFLOAT16: return 2;
    case ONR_DTYPE_UNDEFINED: return 0;
    }
    return 0;
}

const char *onr_dtype_name(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return "float";
    case ONR_DTYPE_UINT8: return "uint8";
    case ONR_DTYPE_INT8: return "int8";
    case ONR_DTYPE_UINT16: return "uint16";
    case ONR_DTYPE_INT16: return "int16";
    case ONR_DTYPE_INT32: return "int32";
    case ONR_DTYPE_INT64: return "int64";
    case ONR_DTYPE_BOOL: return "bool";
    case ONR_DTYPE_FLOAT16: return "float16";
    case ONR_DTYPE_DOUBLE: return "double";
    case ONR_DTYPE_UINT32: return "uint32";
    case ONR_DTYPE_UINT64: return "uint64";
    case ONR_DTYPE_BFLOAT16: return "bfloat16";
    case ONR_DTYPE_UNDEFINED: break;
    }
    return "undefined";
}

float onr_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t u;
    if (exp == 0) {
        if (man == 0) {
            u = sign;
        } else { /* subnormal: renormalize */
            exp = 127 - 15 + 1;
            while (!(man & 0x400u)) {
                man <<= 1;
                exp--;
            }
            man &= 0x3ffu;
            u = sign | (exp << 23) | (man << 13);
        }
    } else if (exp == 0x1f) {
        u = sign | 0x7f800000u | (man << 13);
    } else {
        u = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t onr_f32_to_f16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t exp = (u >> 23) & 0xffu;
    uint32_t man = u & 0x7fffffu;
    if (exp == 0xff) /* Inf or NaN (keep a quiet NaN bit) */
        return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0));
    int32_t e = (int32_t)exp - 127 + 15;
    if (e >= 0x1f)
        return (uint16_t)(sign | 0x7c00u);
    if (e <= 0) { /* subnormal or zero in half */
        if (e < -10)
            return sign;
        man |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1);
        uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u)))
            half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = ((uint32_t)e << 10) | (man >> 13);
    uint32_t rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u)))
        half++; /* may carry into the exponent, which is still correct rounding (up to Inf) */
    return (uint16_t)(sign | half);
}

uint16_t onr_f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

double onr_load_as_double(onr_dtype t, const void *data, size_t i)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: return ((const float *)data)[i];
    case ONR_DTYPE_UINT8: return ((const uint8_t *)data)[i];
    case ONR_DTYPE_INT8: return ((const int8_t *)data)[i];
    case ONR_DTYPE_UINT16: return ((const uint16_t *)data)[i];
    case ONR_DTYPE_INT16: return ((const int16_t *)data)[i];
    case ONR_DTYPE_INT32: return ((const int32_t *)data)[i];
    case ONR_DTYPE_INT64: return (double)((const int64_t *)data)[i];
    case ONR_DTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
    case ONR_DTYPE_FLOAT16: return onr_f16_to_f32(((const uint16_t *)data)[i]);
    case ONR_DTYPE_DOUBLE: return ((const double *)data)[i];
    case ONR_DTYPE_UINT32: return ((const uint32_t *)data)[i];
    case ONR_DTYPE_UINT64: return (double)((const uint64_t *)data)[i];
    case ONR_DTYPE_BFLOAT16: return onr_bf16_to_f32(((const uint16_t *)data)[i]);
    case ONR_DTYPE_UNDEFINED: break;
    }
    return NAN;
}

/* Saturating float -> integer conversion: C leaves out-of-range casts undefined. */
static double clampd(double v, double lo, double hi)
{
    if (isnan(v))
        return 0;
    return v < lo ? lo : v > hi ? hi : v;
}

void onr_store_from_double(onr_dtype t, void *data, size_t i, double v)
{
    switch (t) {
    case ONR_DTYPE_FLOAT: ((float *)data)[i] = (float)v; break;
    case ONR_DTYPE_UINT8: ((uint8_t *)data)[i] = (uint8_t)clampd(v, 0, 255); break;
    case ONR_DTYPE_INT8: ((int8_t *)data)[i] = (int8_t)clampd(v, -128, 127); break;
    case ONR_DTYPE_UINT16: ((uint16_t *)data)[i] = (uint16_t)clampd(v, 0, 65535); break;
    case ONR_DTYPE_INT16: ((int16_t *)data)[i] = (int16_t)clampd(v, -32768, 32767); break;
    case ONR_DTYPE_INT32: ((int32_t *)data)[i] = (int32_t)clampd(v, -2147483648.0, 2147483647.0); break;
    case ONR_DTYPE_INT64:
        ((int64_t *)data)[i] = (int64_t)clampd(v, -9223372036854775808.0, 9223372036854774784.0);
        break;
    case ONR_DTYPE_BOOL: ((uint8_t *)data)[i] = v != 0; break;
    case ONR_DTYPE_FLOAT16: ((uint16_t *)data)[i] = onr_f32_to_f16((float)v); break;
    case ONR_DTYPE_DOUBLE: ((double *)data)[i] = v; break;
    case ONR_DTYPE_UINT32: ((uint32_t *)data)[i] = (uint32_t)clampd(v, 0, 4294967295.0); break;
    case ONR_DTYPE_UINT64: ((uint64_t *)data)[i] = (uint64_t)clampd(v, 0, 18446744073709549568.0); break;
    case ONR_DTYPE_BFLOAT16: ((uint16_t *)data)[i] = onr_f32_to_bf16((float)v); break;
    case ONR_DTYPE_UNDEFINED: break;
    }
}
