/* pool_geometry.c: parsing and resolution of window geometry for every windowed op (see
 * pool_geometry.h and /work/shared/ONNX-POOLING.md §1-§3, §8, §9). All arithmetic is exact int64 with
 * overflow checks: attribute values come from an untrusted model. */
#include "ops/pool_geometry.h"

#include <string.h>

#include "ops/attr.h"

const char *onr_auto_pad_name(onr_auto_pad p)
{
    switch (p) {
    case ONR_AUTO_PAD_NOTSET: return "NOTSET";
    case ONR_AUTO_PAD_SAME_UPPER: return "SAME_UPPER";
    case ONR_AUTO_PAD_SAME_LOWER: return "SAME_LOWER";
    case ONR_AUTO_PAD_VALID: return "VALID";
    }
    return "?";
}

/* Reads an INTS attribute of at most `max` values, each >= `min`, into dst; *n = 0 if absent. */
static onr_status read_ints(const onr_node_desc *node, const char *name, int max, int64_t min, int64_t *dst,
                            int32_t *n, onr_error *err)
{
    const int64_t *v;
    size_t cnt;
    onr_status st = onr_attr_ints(node, name, &v, &cnt, err);
    if (st != ONR_OK)
        return st;
    if (cnt > (size_t)max)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' has %zu values; at most %d are supported", name,
                       cnt, max);
    for (size_t i = 0; i < cnt; i++) {
        if (v[i] < min)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s'[%zu] = %lld must be >= %lld", name, i,
                           (long long)v[i], (long long)min);
        dst[i] = v[i];
    }
    *n = (int32_t)cnt;
    return ONR_OK;
}

static onr_status reject_undefined(const onr_node_desc *node, unsigned allow, onr_error *err)
{
    static const struct {
        const char *name;
        unsigned bit;
    } attrs[] = {
        {"kernel_shape", ONR_POOL_KERNEL_SHAPE}, {"strides", ONR_POOL_STRIDES},     {"pads", ONR_POOL_PADS},
        {"auto_pad", ONR_POOL_AUTO_PAD},         {"dilations", ONR_POOL_DILATIONS}, {"ceil_mode", ONR_POOL_CEIL_MODE},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (!(allow & attrs[i].bit) && onr_attr_find(node, attrs[i].name))
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' is not defined for %s at opset %lld",
                           attrs[i].name, node->op_type, (long long)node->opset);
    return ONR_OK;
}

onr_status onr_pool_parse(const onr_node_desc *node, unsigned allow, onr_pool_attrs *a, onr_error *err)
{
    onr_status st;
    memset(a, 0, sizeof *a);
    if ((st = reject_undefined(node, allow, err)) != ONR_OK)
        return st;
    if ((allow & ONR_POOL_KERNEL_REQUIRED) && (st = onr_attr_require(node, "kernel_shape", err)) != ONR_OK)
        return st;
    if ((st = read_ints(node, "kernel_shape", ONR_POOL_MAX_SPATIAL, 1, a->kernel, &a->n_kernel, err)) != ONR_OK ||
        (st = read_ints(node, "strides", ONR_POOL_MAX_SPATIAL, 1, a->strides, &a->n_strides, err)) != ONR_OK ||
        (st = read_ints(node, "dilations", ONR_POOL_MAX_SPATIAL, 1, a->dilations, &a->n_dilations, err)) != ONR_OK ||
        (st = read_ints(node, "pads", 2 * ONR_POOL_MAX_SPATIAL, 0, a->pads, &a->n_pads, err)) != ONR_OK)
        return st;
    if ((allow & ONR_POOL_KERNEL_REQUIRED) && a->n_kernel == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'kernel_shape' must not be empty");
    if (a->n_pads % 2)
        return onr_err(err, ONR_E_INVALID_MODEL,
                       "attribute 'pads' has %d values; it needs 2 per spatial axis ([begins..., ends...])",
                       (int)a->n_pads);

    /* Every given list must agree on the spatial rank (§9: size != n is invalid). */
    int32_t n = a->n_kernel;
    const char *n_from = "kernel_shape";
    const struct {
        const char *name;
        int32_t len;
    } lens[] = {{"strides", a->n_strides}, {"dilations", a->n_dilations}, {"pads", a->n_pads / 2}};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        if (lens[i].len == 0)
            continue;
        if (n == 0) {
            n = lens[i].len;
            n_from = lens[i].name;
        } else if (lens[i].len != n) {
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' implies %d spatial axes but '%s' implies %d",
                           lens[i].name, (int)lens[i].len, n_from, (int)n);
        }
    }

    const char *ap;
    if ((st = onr_attr_string(node, "auto_pad", "NOTSET", &ap, err)) != ONR_OK)
        return st;
    if (strcmp(ap, "NOTSET") == 0)
        a->auto_pad = ONR_AUTO_PAD_NOTSET;
    else if (strcmp(ap, "SAME_UPPER") == 0)
        a->auto_pad = ONR_AUTO_PAD_SAME_UPPER;
    else if (strcmp(ap, "SAME_LOWER") == 0)
        a->auto_pad = ONR_AUTO_PAD_SAME_LOWER;
    else if (strcmp(ap, "VALID") == 0)
        a->auto_pad = ONR_AUTO_PAD_VALID;
    else
        return onr_err(err, ONR_E_INVALID_MODEL,
                       "attribute 'auto_pad' is '%s'; must be NOTSET, SAME_UPPER, SAME_LOWER or VALID", ap);
    /* §2.4: "cannot be used simultaneously"; SI and ORT disagree on which wins, so refuse. All-zero pads
     * beside auto_pad (some converters write them) say nothing either way: accept and drop them. */
    if (a->auto_pad != ONR_AUTO_PAD_NOTSET && a->n_pads) {
        for (int32_t i = 0; i < a->n_pads; i++)
            if (a->pads[i] != 0)
                return onr_err(err, ONR_E_INVALID_MODEL,
                               "attributes 'pads' and 'auto_pad' = %s cannot be used together", ap);
        a->n_pads = 0;
    }

    int64_t ceil_mode;
    if ((st = onr_attr_int(node, "ceil_mode", 0, &ceil_mode, err)) != ONR_OK)
        return st;
    if (ceil_mode != 0 && ceil_mode != 1)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'ceil_mode' = %lld must be 0 or 1", (long long)ceil_mode);
    a->ceil_mode = ceil_mode == 1;
    return ONR_OK;
}

/* Fills the per-axis attributes common to forward and transposed resolution: kernel, stride,
 * dilation and explicit pads; returns the dilated kernel extent in *ek. */
static onr_status axis_attrs(const onr_pool_attrs *a, int32_t n, int32_t i, const int64_t *in, const int64_t *kernel,
                             onr_pool_axis *ax, int64_t *ek, onr_error *err)
{
    if (a->n_kernel && kernel && a->kernel[i] != kernel[i])
        return onr_err(err, ONR_E_INVALID_MODEL, "kernel_shape[%d] = %lld does not match the weight's %lld", (int)i,
                       (long long)a->kernel[i], (long long)kernel[i]);
    ax->in = in[i];
    ax->kernel = kernel ? kernel[i] : a->kernel[i];
    ax->stride = a->n_strides ? a->strides[i] : 1;
    ax->dilation = a->n_dilations ? a->dilations[i] : 1;
    ax->pad_begin = a->n_pads ? a->pads[i] : 0;
    ax->pad_end = a->n_pads ? a->pads[i + n] : 0;
    if (ax->kernel <= 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "kernel size along spatial axis %d is %lld; must be > 0", (int)i,
                       (long long)ax->kernel);
    if (ax->in < 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "input size along spatial axis %d is %lld", (int)i,
                       (long long)ax->in);
    if (__builtin_mul_overflow(ax->kernel - 1, ax->dilation, ek) || __builtin_add_overflow(*ek, 1, ek))
        return onr_err(err, ONR_E_INVALID_MODEL, "kernel %lld with dilation %lld overflows along spatial axis %d",
                       (long long)ax->kernel, (long long)ax->dilation, (int)i);
    return ONR_OK;
}

static onr_status check_lengths(const onr_pool_attrs *a, int32_t n, const int64_t *kernel, onr_error *err)
{
    if (n < 1 || n > ONR_POOL_MAX_SPATIAL)
        return onr_err(err, ONR_E_INVALID_MODEL, "input has %d spatial axes; 1 to %d are supported", (int)n,
                       ONR_POOL_MAX_SPATIAL);
    if (!kernel && a->n_kernel == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'kernel_shape' is missing");
    const struct {
        const char *name;
        int32_t len, want;
    } lens[] = {{"kernel_shape", a->n_kernel, n}, {"strides", a->n_strides, n},
                {"dilations", a->n_dilations, n}, {"pads", a->n_pads, 2 * n}};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        if (lens[i].len && lens[i].len != lens[i].want)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' has %d values; input has %d spatial axes",
                           lens[i].name, (int)lens[i].len, (int)n);
    return ONR_OK;
}

onr_status onr_pool_resolve(const onr_pool_attrs *a, int32_t n, const int64_t *in, const int64_t *kernel,
                            onr_pool_geom *g, onr_error *err)
{
    onr_status st = check_lengths(a, n, kernel, err);
    if (st != ONR_OK)
        return st;
    memset(g, 0, sizeof *g);
    g->n = n;
    for (int32_t i = 0; i < n; i++) {
        onr_pool_axis *ax = &g->ax[i];
        int64_t ek = 0, num, out;
        if ((st = axis_attrs(a, n, i, in, kernel, ax, &ek, err)) != ONR_OK)
            return st;
        if (ax->in == 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "input size along spatial axis %d is 0; windows need >= 1",
                           (int)i);
        if (a->auto_pad == ONR_AUTO_PAD_SAME_UPPER || a->auto_pad == ONR_AUTO_PAD_SAME_LOWER) {
            /* §2.2: out = ceil(in/s) regardless of ceil_mode; total pad from the dilated kernel. */
            int64_t total;
            out = onr_ceildiv(ax->in, ax->stride);
            if (__builtin_mul_overflow(out - 1, ax->stride, &total) || __builtin_add_overflow(total, ek, &total))
                return onr_err(err, ONR_E_INVALID_MODEL, "SAME padding overflows along spatial axis %d", (int)i);
            total -= ax->in;
            if (total < 0)
                total = 0;
            if (a->auto_pad == ONR_AUTO_PAD_SAME_UPPER) {
                ax->pad_begin = total / 2;
                ax->pad_end = total - total / 2;
            } else {
                ax->pad_end = total / 2;
                ax->pad_begin = total - total / 2;
            }
        } else {
            if (a->auto_pad == ONR_AUTO_PAD_VALID) /* §2.3: pads 0, ceil_mode honoured */
                ax->pad_begin = ax->pad_end = 0;
            if (__builtin_add_overflow(ax->in, ax->pad_begin, &num) || __builtin_add_overflow(num, ax->pad_end, &num))
                return onr_err(err, ONR_E_INVALID_MODEL, "padded size overflows along spatial axis %d", (int)i);
            num -= ek; /* both >= 1 and < 2^63: no overflow */
            /* §2.1: exact floor/ceil, negative numerators included (kernel > padded input). */
            out = (a->ceil_mode ? onr_ceildiv(num, ax->stride) : onr_floordiv(num, ax->stride)) + 1;
            /* Drop a last window that would start in the end padding (onnx PR #5741), every opset. */
            if (a->ceil_mode && out >= 1 && (out - 1) >= onr_ceildiv(ax->in + ax->pad_begin, ax->stride))
                out--;
        }
        if (out <= 0)
            return onr_err(err, ONR_E_INVALID_MODEL,
                           "output size along spatial axis %d would be %lld (input %lld, kernel %lld, dilation %lld, "
                           "stride %lld, pads %lld+%lld)",
                           (int)i, (long long)out, (long long)ax->in, (long long)ax->kernel, (long long)ax->dilation,
                           (long long)ax->stride, (long long)ax->pad_begin, (long long)ax->pad_end);
        ax->out = out;
    }
    return ONR_OK;
}

/* ConvTranspose pad split of a generated total (doc of ConvTranspose-11+; test_convtranspose_autopad_same
 * has total 1 and pad_begin 0 for SAME_UPPER). A negative total (output_shape larger than the full
 * result, test_convtranspose_output_shape) pads nothing at the begin: the extra outputs are at the end. */
static void split_transpose(onr_auto_pad p, int64_t total, onr_pool_axis *ax)
{
    if (total < 0) {
        ax->pad_begin = 0;
        ax->pad_end = total;
    } else if (p == ONR_AUTO_PAD_SAME_UPPER) {
        ax->pad_begin = total / 2;
        ax->pad_end = total - total / 2;
    } else {
        ax->pad_end = total / 2;
        ax->pad_begin = total - total / 2;
    }
}

onr_status onr_pool_resolve_transpose(const onr_pool_attrs *a, int32_t n, const int64_t *in,
                                      const int64_t *kernel, const int64_t *output_padding,
                                      const int64_t *output_shape, onr_pool_geom *g, onr_error *err)
{
    onr_status st = check_lengths(a, n, kernel, err);
    if (st != ONR_OK)
        return st;
    memset(g, 0, sizeof *g);
    g->n = n;
    for (int32_t i = 0; i < n; i++) {
        onr_pool_axis *ax = &g->ax[i];
        int64_t ek = 0, full, op = output_padding ? output_padding[i] : 0;
        if ((st = axis_attrs(a, n, i, in, kernel, ax, &ek, err)) != ONR_OK)
            return st;
        if (op < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "output_padding[%d] = %lld must be >= 0", (int)i,
                           (long long)op);
        /* full = s*(in-1) + output_padding + ek: the output size with no padding at all. */
        if (ax->in == 0 || __builtin_mul_overflow(ax->stride, ax->in - 1, &full) ||
            __builtin_add_overflow(full, op, &full) || __builtin_add_overflow(full, ek, &full))
            return onr_err(err, ONR_E_INVALID_MODEL, "input size %lld along spatial axis %d gives no valid output",
                           (long long)ax->in, (int)i);
        if (output_shape) {
            if (output_shape[i] <= 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "output_shape[%d] = %lld must be > 0", (int)i,
                               (long long)output_shape[i]);
            ax->out = output_shape[i];
            split_transpose(a->auto_pad, full - ax->out, ax);
        } else if (a->auto_pad == ONR_AUTO_PAD_SAME_UPPER || a->auto_pad == ONR_AUTO_PAD_SAME_LOWER) {
            if (__builtin_mul_overflow(ax->in, ax->stride, &ax->out))
                return onr_err(err, ONR_E_INVALID_MODEL, "output size overflows along spatial axis %d", (int)i);
            split_transpose(a->auto_pad, full - ax->out, ax);
        } else {
            if (a->auto_pad == ONR_AUTO_PAD_VALID)
                ax->pad_begin = ax->pad_end = 0;
            if (__builtin_sub_overflow(full, ax->pad_begin, &ax->out) ||
                __builtin_sub_overflow(ax->out, ax->pad_end, &ax->out) || ax->out <= 0)
                return onr_err(err, ONR_E_INVALID_MODEL,
                               "output size along spatial axis %d would be %lld (input %lld, kernel %lld, stride "
                               "%lld, pads %lld+%lld)",
                               (int)i, (long long)ax->out, (long long)ax->in, (long long)ax->kernel,
                               (long long)ax->stride, (long long)ax->pad_begin, (long long)ax->pad_end);
        }
    }
    return ONR_OK;
}
