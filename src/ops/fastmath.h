/* fastmath.h: branch-free float exp and tanh that compilers vectorize (libm's expf/tanhf are calls,
 * one element at a time). Used by the hot activation and softmax kernels.
 *
 * onr_expf: Cody-Waite range reduction x = n*ln2 + r, |r| <= ln2/2, then the Cephes expf minimax
 * polynomial for e^r, scaled by 2^n built in the exponent bits. Within 1 ulp of exp over the normal
 * range (tests/unit/test_elementwise.c sweeps it); results below FLT_MIN flush to 0, above FLT_MAX give
 * +inf, NaN stays NaN.
 * onr_tanhf: the Cephes tanhf odd polynomial for |x| < 0.625 (where 1 - 2/(e^2x + 1) would cancel),
 * that formula above; within 2 ulp.
 *
 * Selections go through onr_fsel (a bit mask), not `c ? a : b`: under GCC's default -ftrapping-math a
 * float ternary feeding arithmetic is not if-converted, which stops vectorization of the whole loop. */
#ifndef ONR_OPS_FASTMATH_H
#define ONR_OPS_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* c ? a : b for floats, branch-free. */
static inline float onr_fsel(int c, float a, float b)
{
    uint32_t ua, ub, m = 0u - (uint32_t)(c != 0);
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    uint32_t r = (ua & m) | (ub & ~m);
    float f;
    memcpy(&f, &r, sizeof f);
    return f;
}

static inline float onr_expf(float x)
{
    const float log2e = 1.44269504088896341f, ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer in the low bits */
    /* keep n in range (and NaN out of the integer conversion); the ends are fixed below */
    float xc = onr_fsel(x > 88.8f, 88.8f, x);
    xc = onr_fsel(xc < -87.4f, -87.4f, xc);
    xc = onr_fsel(x != x, 0.0f, xc);
    float n = (xc * log2e + magic) - magic;
    float r = xc - n * ln2_hi - n * ln2_lo;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    /* 2^n as two normal powers of two: n reaches 128 near the overflow threshold */
    int32_t ni = (int32_t)n, n1 = ni / 2, n2 = ni - n1;
    uint32_t b1 = (uint32_t)(n1 + 127) << 23, b2 = (uint32_t)(n2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    float y = p * s1 * s2;
    /* Ends: exp overflows above ~88.72 and falls below FLT_MIN under ~-87.34 (flushed to 0). */
    y = onr_fsel(x > 88.72283935546875f, INFINITY, y);
    y = onr_fsel(x < -87.33654022216797f, 0.0f, y);
    return onr_fsel(x != x, x, y);
}

static inline float onr_tanhf(float x)
{
    float ax = fabsf(x);
    /* |x| >= 0.625: 1 - 2 / (e^(2|x|) + 1), sign restored; e^(2|x|) = inf gives exactly 1. */
    float big = 1.0f - 2.0f / (onr_expf(2.0f * ax) + 1.0f);
    big = onr_fsel(x < 0, -big, big);
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = x + x * z * p;
    return onr_fsel(ax < 0.625f, small, big); /* NaN: ax < 0.625 is false, big is NaN */
}

#endif
