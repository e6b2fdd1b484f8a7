/* conv_reference.h: naive direct Conv and ConvTranspose in double, written straight from the ONNX
 * operator text with no code shared with src/ (its own output-size and auto-pad arithmetic), to
 * check the im2col / GEMM / col2im / direct paths on random shapes. */
#ifndef ONR_TESTS_CONV_REFERENCE_H
#define ONR_TESTS_CONV_REFERENCE_H

#include <stdint.h>

#define REF_MAX_SP 6

typedef struct ref_geom {
    int n;                               /* spatial rank */
    int64_t k[REF_MAX_SP], s[REF_MAX_SP], d[REF_MAX_SP];
    int64_t pb[REF_MAX_SP], pe[REF_MAX_SP];
    int64_t group;
} ref_geom;

/* Conv output spatial size per ONNX: floor((in + pb + pe - ((k-1)*d+1)) / s) + 1. */
int64_t ref_conv_out(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe);
/* auto_pad SAME_UPPER (upper = 1) / SAME_LOWER: out = ceil(in/s), total = max(0, (out-1)*s + ek - in),
 * the odd unit at the end (UPPER) or the begin (LOWER). */
void ref_same_pads(int64_t in, int64_t k, int64_t s, int64_t d, int upper, int64_t *pb, int64_t *pe);

/* x (N, C, D..), w (M, C/group, k..), b (M) or NULL; y (N, M, O..) with O from ref_conv_out. */
void ref_conv(const double *x, const int64_t *xdims, const double *w, int64_t m, const double *b, const ref_geom *g,
              double *y, int64_t *ydims);

/* ConvTranspose: x (N, C, D..), w (C, M/group, k..), b (M) or NULL; y (N, M, O..) for the given
 * output sizes `out` (input i, tap j adds into output i*s - pb + j*d when inside). */
void ref_conv_transpose(const double *x, const int64_t *xdims, const double *w, int64_t m_per_group, const double *b,
                        const ref_geom *g, const int64_t *out, double *y);

#endif
