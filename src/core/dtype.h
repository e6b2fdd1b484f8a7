/* dtype.h: element types: sizes, names, and the half-precision conversions every op shares. */
#ifndef ONR_CORE_DTYPE_H
#define ONR_CORE_DTYPE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "onnxrun.h"

bool onr_dtype_known(int t);         /* one of the onr_dtype values onnxrun can hold */
bool onr_dtype_is_float(onr_dtype t); /* float, double, float16, bfloat16 */

/* IEEE binary16 <-> binary32. Conversions round to nearest even and keep NaN/Inf. */
float onr_f16_to_f32(uint16_t h);
uint16_t onr_f32_to_f16(float f);

/* bfloat16 is the top half of a binary32; narrowing rounds to nearest even and keeps NaN a NaN. */
static inline float onr_bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
uint16_t onr_f32_to_bf16(float f);

/* Element i of a tensor's data as double / stored from double (casts like C for integer types,
 * rounding to nearest for half types). Used by reference paths, comparisons and printing, never by
 * fast kernels. */
double onr_load_as_double(onr_dtype t, const void *data, size_t i);
void onr_store_from_double(onr_dtype t, void *data, size_t i, double v);

#endif
