/* pool_geometry.h: the one place for sliding-window geometry. Every windowed op (MaxPool,
 * AveragePool, LpPool, MaxUnpool, Conv, ConvTranspose) parses kernel_shape / strides / dilations /
 * pads / auto_pad / ceil_mode here, resolves each spatial axis to exact integers here, and asks here
 * for the valid taps of an output position. Kernels never re-derive window arithmetic.
 *
 * Rules follow /work/shared/ONNX-POOLING.md (section numbers below refer to it):
 *  - out = floor((in + pb + pe - ek) / s) + 1, or ceil(...) + 1 with ceil_mode, exact integer
 *    floor/ceil also for negative numerators (kernel larger than the padded input), ek = (k-1)*d + 1
 *    (§2.1, bug list #10, #30);
 *  - ceil_mode: a last window that would start in the end padding (o*s - pb >= in) is dropped, for
 *    every opset (§2.1, test_maxpool_2d_ceil_output_size_reduce_by_one);
 *  - SAME_UPPER / SAME_LOWER: out = ceil(in / s) whatever ceil_mode says, total pad from the dilated
 *    kernel, odd pad at the end (UPPER) or the begin (LOWER) (§2.2);
 *  - VALID: explicit pads of 0, ceil_mode honoured (§2.3); pads together with auto_pad != NOTSET is
 *    rejected (§2.4); an output size <= 0 is rejected.
 *  - Taps of output o along an axis are t_j = o*s - pb + j*d, j = 0..k-1; a tap is valid iff
 *    0 <= t_j < in (§3). The padded extent used by count_include_pad is [-pb, in + pe) (§5).
 *
 * Usage:  parse (at load)  ->  onr_pool_attrs (in the op's params, immutable, shared by sessions)
 *         resolve (in infer and again in run; O(spatial rank))  ->  onr_pool_geom
 *         onr_pool_window(axis, o)  ->  the span of valid taps of output o on that axis.
 */
#ifndef ONR_OPS_POOL_GEOMETRY_H
#define ONR_OPS_POOL_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

/* Inputs are (N, C, D1 .. Dn): at most ONR_MAX_RANK - 2 spatial axes. */
#define ONR_POOL_MAX_SPATIAL (ONR_MAX_RANK - 2)

typedef enum onr_auto_pad {
    ONR_AUTO_PAD_NOTSET = 0,
    ONR_AUTO_PAD_SAME_UPPER,
    ONR_AUTO_PAD_SAME_LOWER,
    ONR_AUTO_PAD_VALID
} onr_auto_pad;

/* Which geometry attributes the op defines at the model's opset (bit set passed to parse). A present
 * attribute whose bit is clear is invalid ONNX for that opset and is rejected naming it
 * (e.g. dilations on AveragePool < 19, ceil_mode on MaxPool < 10, §9). */
enum {
    ONR_POOL_KERNEL_SHAPE = 1u << 0,    /* kernel_shape defined (optional unless KERNEL_REQUIRED) */
    ONR_POOL_KERNEL_REQUIRED = 1u << 1, /* pools: required; Conv: optional, taken from the weight */
    ONR_POOL_STRIDES = 1u << 2,
    ONR_POOL_PADS = 1u << 3,
    ONR_POOL_AUTO_PAD = 1u << 4,
    ONR_POOL_DILATIONS = 1u << 5,
    ONR_POOL_CEIL_MODE = 1u << 6,
};

/* The parsed geometry attributes of one node. Lengths are as written in the model (0 = absent, so the
 * default applies once the spatial rank is known); values are already checked (kernel, strides,
 * dilations > 0; pads >= 0; lengths mutually consistent). */
typedef struct onr_pool_attrs {
    int32_t n_kernel, n_strides, n_dilations, n_pads;
    int64_t kernel[ONR_POOL_MAX_SPATIAL];
    int64_t strides[ONR_POOL_MAX_SPATIAL];
    int64_t dilations[ONR_POOL_MAX_SPATIAL];
    int64_t pads[2 * ONR_POOL_MAX_SPATIAL]; /* [x1_begin, x2_begin, .., x1_end, x2_end, ..] (§1) */
    onr_auto_pad auto_pad;
    bool ceil_mode;
} onr_pool_attrs;

/* One resolved spatial axis; all exact integers. For forward ops (pools, Conv) output o reads taps
 * o*stride - pad_begin + j*dilation of the input. For transposed ops (ConvTranspose, MaxUnpool) input
 * position i contributes to output i*stride - pad_begin + j*dilation. */
typedef struct onr_pool_axis {
    int64_t in, out, kernel, stride, dilation, pad_begin, pad_end;
} onr_pool_axis;

typedef struct onr_pool_geom {
    int32_t n; /* spatial rank */
    onr_pool_axis ax[ONR_POOL_MAX_SPATIAL];
} onr_pool_geom;

/* The taps of one output position along one axis. Valid taps are input indices
 * first, first + dilation, ..., first + (count-1)*dilation, which are kernel taps j = tap0 ..
 * tap0 + count - 1 (Conv uses tap0 to index the weight). `padded` counts the taps inside the
 * declared padded extent [-pad_begin, in + pad_end): the count_include_pad divisor factor, which
 * excludes the ceil-mode overhang (§5, bug list #2). count may be 0 (window only in padding). */
typedef struct onr_pool_span {
    int64_t first;
    int64_t tap0;
    int64_t count;
    int64_t padded;
} onr_pool_span;

/* Exact floor / ceil of a / b for b > 0 and any sign of a (C division truncates toward zero). */
static inline int64_t onr_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}
static inline int64_t onr_ceildiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a > 0) ? q + 1 : q;
}

/* Parse and check the geometry attributes named by `allow` (ONR_POOL_* bits). Does not look at other
 * attributes: the op still calls onr_attr_allow with its full list. Errors: ONR_E_INVALID_MODEL naming
 * the attribute (wrong type, bad value, wrong length, not defined at this opset, pads with auto_pad). */
onr_status onr_pool_parse(const onr_node_desc *node, unsigned allow, onr_pool_attrs *a, onr_error *err);

/* Forward windows (pools, Conv). n = spatial rank, in = the n spatial input dims. kernel: the n kernel
 * sizes (Conv: from the weight; checked against kernel_shape when both are given), or NULL to use
 * kernel_shape. Fills g; fails naming the attribute or axis when a length does not match n, an input
 * dim is not positive, or the output size would be <= 0. */
onr_status onr_pool_resolve(const onr_pool_attrs *a, int32_t n, const int64_t *in, const int64_t *kernel,
                            onr_pool_geom *g, onr_error *err);

/* Transposed windows (ConvTranspose, MaxUnpool): out = s*(in-1) + output_padding + ek - pb - pe.
 * output_padding: n values or NULL (all 0). output_shape: n spatial output sizes or NULL. When
 * output_shape is given, or auto_pad is SAME_* (then out = in*s), the pads are generated from
 * total = s*(in-1) + output_padding + ek - out: SAME_UPPER puts total/2 at the begin and the rest at the
 * end, otherwise the larger half goes first (ONNX ConvTranspose doc and reference). */
onr_status onr_pool_resolve_transpose(const onr_pool_attrs *a, int32_t n, const int64_t *in,
                                      const int64_t *kernel, const int64_t *output_padding,
                                      const int64_t *output_shape, onr_pool_geom *g, onr_error *err);

/* The valid taps of forward output position o (0 <= o < ax->out). O(1), no allocation. */
static inline onr_pool_span onr_pool_window(const onr_pool_axis *ax, int64_t o)
{
    onr_pool_span sp;
    int64_t t0 = o * ax->stride - ax->pad_begin;
    int64_t d = ax->dilation;
    /* first j with t0 + j*d >= 0, first j with t0 + j*d >= in, first j with t0 + j*d >= in + pad_end */
    int64_t jlo = t0 >= 0 ? 0 : onr_ceildiv(-t0, d);
    int64_t jhi = onr_ceildiv(ax->in - t0, d);
    int64_t jpad = onr_ceildiv(ax->in + ax->pad_end - t0, d);
    if (jlo > ax->kernel)
        jlo = ax->kernel;
    if (jhi > ax->kernel)
        jhi = ax->kernel;
    if (jpad > ax->kernel)
        jpad = ax->kernel;
    sp.tap0 = jlo;
    sp.first = t0 + jlo * d;
    sp.count = jhi > jlo ? jhi - jlo : 0;
    sp.padded = jpad > 0 ? jpad : 0; /* t0 >= -pad_begin always, so the extent starts at j = 0 */
    return sp;
}

/* The dual of onr_pool_window: the forward output positions [lo, hi) at which kernel tap j (0 <= j <
 * ax->kernel) reads inside the input, i.e. 0 <= o*s - pb + j*d < in; lo == hi == 0 when there are none.
 * O(1), so per-tap tables cost O(kernel) whatever the output size (a model can declare a huge output
 * along one axis of an empty batch). ceil(x / s) is written (x - 1) / s + 1: s may be INT64_MAX. */
static inline void onr_pool_tap_positions(const onr_pool_axis *ax, int64_t j, int64_t *lo, int64_t *hi)
{
    const int64_t off = j * ax->dilation - ax->pad_begin; /* |off| < 2^63: ek and in + pb + pe fit */
    int64_t l = off >= 0 ? 0 : (-off - 1) / ax->stride + 1;
    int64_t h = ax->in - 1 - off >= 0 ? (ax->in - 1 - off) / ax->stride + 1 : 0;
    if (h > ax->out)
        h = ax->out;
    if (l >= h)
        l = h = 0;
    *lo = l;
    *hi = h;
}

/* Name of an auto_pad value ("NOTSET", ...), for messages. */
const char *onr_auto_pad_name(onr_auto_pad p);

#endif
