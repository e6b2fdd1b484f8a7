/* test_pool_geometry.c: src/ops/pool_geometry (output sizes, pads, window spans, transposed sizes)
 * and the attribute rules of the pool ops' parse hooks. Each case names the ONNX-POOLING.md rule or
 * ONNX test that pins it; expected values are worked by hand from the spec formulas or quoted from
 * the ONNX tests. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/attr.h"
#include "ops/op.h"
#include "ops/pool_geometry.h"

/* ---------------------------------------------------------------------------------------------- */
/* exact floor / ceil                                                                              */

Test(pool_geometry, exact_floor_ceil_match_math_for_negative_numerators)
{
    /* §2.1 "Integer arithmetic" and bug list #30: C truncation is wrong for a < 0. */
    static const int64_t as[] = {-1273, -1280, -1281, -7, -1, 0, 1, 7, 1273, 1280, 1281};
    static const int64_t bs[] = {1, 2, 3, 1280};
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
        for (size_t j = 0; j < sizeof bs / sizeof bs[0]; j++) {
            double q = (double)as[i] / (double)bs[j];
            cr_expect_eq(onr_floordiv(as[i], bs[j]), (int64_t)floor(q), "floor(%lld/%lld)", (long long)as[i],
                         (long long)bs[j]);
            cr_expect_eq(onr_ceildiv(as[i], bs[j]), (int64_t)ceil(q), "ceil(%lld/%lld)", (long long)as[i],
                         (long long)bs[j]);
        }
}

/* ---------------------------------------------------------------------------------------------- */
/* forward output size and pads, one spatial axis per case                                         */

typedef struct shape_case {
    const char *rule;
    int64_t in, k, s, d, pb, pe;
    onr_auto_pad ap;
    bool ceil;
    bool ok;
    int64_t out, want_pb, want_pe;
} shape_case;

static const shape_case shape_cases[] = {
    {"§2.1 floor: test_maxpool_1d_default in=32 k=2", 32, 2, 1, 1, 0, 0, ONR_AUTO_PAD_NOTSET, false, true, 31, 0, 0},
    {"§2.1 test_maxpool_2d_ceil: 4, k3, s2, ceil", 4, 3, 2, 1, 0, 0, ONR_AUTO_PAD_NOTSET, true, true, 2, 0, 0},
    {"§2.1 same without ceil: 4, k3, s2", 4, 3, 2, 1, 0, 0, ONR_AUTO_PAD_NOTSET, false, true, 1, 0, 0},
    {"§2.1 drop rule: test_maxpool_2d_ceil_output_size_reduce_by_one in=2 k=1 s=2", 2, 1, 2, 1, 0, 0,
     ONR_AUTO_PAD_NOTSET, true, true, 1, 0, 0},
    {"§2.1 drop rule with pads: test_averagepool_2d_ceil_last_window_starts_on_pad", 2, 3, 3, 1, 1, 1,
     ONR_AUTO_PAD_NOTSET, true, true, 1, 1, 1},
    {"bug #9 (ORT #25848): 5, k2, s2, pads 1, ceil -> 3 after the drop", 5, 2, 2, 1, 1, 1, ONR_AUTO_PAD_NOTSET, true,
     true, 3, 1, 1},
    {"bug #2 example [1..5] k2 s2 ceil -> 3 windows", 5, 2, 2, 1, 0, 0, ONR_AUTO_PAD_NOTSET, true, true, 3, 0, 0},
    {"bug #25: 1..10, k3, s3, ceil -> 4 (overhang only at the end)", 10, 3, 3, 1, 0, 0, ONR_AUTO_PAD_NOTSET, true,
     true, 4, 0, 0},
    {"bug #10 EfficientNet: k=1280 on 7, s=1280, ceil -> 1", 7, 1280, 1280, 1, 0, 0, ONR_AUTO_PAD_NOTSET, true, true,
     1, 0, 0},
    {"bug #10 / #30: k=1280 on 7, s=1280, floor: exact floor gives 0 -> reject", 7, 1280, 1280, 1, 0, 0,
     ONR_AUTO_PAD_NOTSET, false, false, 0, 0, 0},
    {"§2.1 kernel larger than input, floor -> reject", 2, 3, 1, 1, 0, 0, ONR_AUTO_PAD_NOTSET, false, false, 0, 0, 0},
    {"§2.1 ek from dilation: test_maxpool_2d_dilations 4, k2, d2", 4, 2, 1, 2, 0, 0, ONR_AUTO_PAD_NOTSET, false, true,
     2, 0, 0},
    {"bug #8: 9, k2, d2, pads 1/1", 9, 2, 1, 2, 1, 1, ONR_AUTO_PAD_NOTSET, false, true, 9, 1, 1},
    {"§1 pads [begin..., end...] asymmetric: 5, k3, pads 0/2", 5, 3, 1, 1, 0, 2, ONR_AUTO_PAD_NOTSET, false, true, 5,
     0, 2},
    {"§2.2 SAME_UPPER 32, k2, s1: odd pad at end (test_maxpool_2d_same_upper)", 32, 2, 1, 1, 0, 0,
     ONR_AUTO_PAD_SAME_UPPER, false, true, 32, 0, 1},
    {"§2.2 SAME_LOWER 32, k2, s1: odd pad at begin (test_maxpool_2d_same_lower)", 32, 2, 1, 1, 0, 0,
     ONR_AUTO_PAD_SAME_LOWER, false, true, 32, 1, 0},
    {"§2.2 SAME_UPPER 5, k3, s2 (test_maxpool_2d_precomputed_same_upper)", 5, 3, 2, 1, 0, 0, ONR_AUTO_PAD_SAME_UPPER,
     false, true, 3, 1, 1},
    {"§2.2 / bug #26 SAME_LOWER 5, k3, s2 -> 3 (not the reference's 2)", 5, 3, 2, 1, 0, 0, ONR_AUTO_PAD_SAME_LOWER,
     false, true, 3, 1, 1},
    {"§2.2 SAME_LOWER 6, k2, s2: total 0", 6, 2, 2, 1, 0, 0, ONR_AUTO_PAD_SAME_LOWER, false, true, 3, 0, 0},
    {"§2.2 / bug #27 SAME_UPPER uses the dilated kernel: 6, k2, d3 -> total 3", 6, 2, 1, 3, 0, 0,
     ONR_AUTO_PAD_SAME_UPPER, false, true, 6, 1, 2},
    {"§2.2 SAME_LOWER dilated: 6, k2, d3 -> total 3, larger half first", 6, 2, 1, 3, 0, 0, ONR_AUTO_PAD_SAME_LOWER,
     false, true, 6, 2, 1},
    {"§2.2 SAME ignores ceil_mode: 5, k2, s2, ceil -> ceil(5/2)=3", 5, 2, 2, 1, 0, 0, ONR_AUTO_PAD_SAME_UPPER, true,
     true, 3, 0, 1},
    {"§2.2 SAME total pad clamped at 0: 8, k1, s3", 8, 1, 3, 1, 0, 0, ONR_AUTO_PAD_SAME_UPPER, false, true, 3, 0, 0},
    {"§2.3 VALID, floor: 5, k2, s2 -> 2", 5, 2, 2, 1, 0, 0, ONR_AUTO_PAD_VALID, false, true, 2, 0, 0},
    {"§2.3 VALID honours ceil_mode like SI/ORT: 5, k2, s2, ceil -> 3", 5, 2, 2, 1, 0, 0, ONR_AUTO_PAD_VALID, true,
     true, 3, 0, 0},
    {"§2.3 VALID with kernel larger than input -> reject", 3, 4, 1, 1, 0, 0, ONR_AUTO_PAD_VALID, false, false, 0, 0,
     0},
    {"input size 0 -> reject", 0, 1, 1, 1, 0, 0, ONR_AUTO_PAD_NOTSET, false, false, 0, 0, 0},
};

static onr_pool_attrs attrs_1d(const shape_case *c)
{
    onr_pool_attrs a;
    memset(&a, 0, sizeof a);
    a.n_kernel = a.n_strides = a.n_dilations = 1;
    a.kernel[0] = c->k;
    a.strides[0] = c->s;
    a.dilations[0] = c->d;
    if (c->pb || c->pe) {
        a.n_pads = 2;
        a.pads[0] = c->pb;
        a.pads[1] = c->pe;
    }
    a.auto_pad = c->ap;
    a.ceil_mode = c->ceil;
    return a;
}

Test(pool_geometry, output_size_and_pads_per_rule)
{
    for (size_t i = 0; i < sizeof shape_cases / sizeof shape_cases[0]; i++) {
        const shape_case *c = &shape_cases[i];
        onr_pool_attrs a = attrs_1d(c);
        onr_pool_geom g;
        onr_error err = {0};
        onr_status st = onr_pool_resolve(&a, 1, &c->in, NULL, &g, &err);
        if (!c->ok) {
            cr_expect_eq(st, ONR_E_INVALID_MODEL, "%s: expected rejection", c->rule);
            cr_expect(strstr(err.message, "spatial axis 0") != NULL, "%s: message names the axis: %s", c->rule,
                      err.message);
            continue;
        }
        cr_expect_eq(st, ONR_OK, "%s: %s", c->rule, err.message);
        cr_expect_eq(g.ax[0].out, c->out, "%s: out %lld, want %lld", c->rule, (long long)g.ax[0].out,
                     (long long)c->out);
        cr_expect_eq(g.ax[0].pad_begin, c->want_pb, "%s: pad_begin %lld", c->rule, (long long)g.ax[0].pad_begin);
        cr_expect_eq(g.ax[0].pad_end, c->want_pe, "%s: pad_end %lld", c->rule, (long long)g.ax[0].pad_end);
    }
}

Test(pool_geometry, multi_axis_resolution_keeps_axes_apart)
{
    /* §1: pads are [x1_begin, x2_begin, x1_end, x2_end] (bug #19: not interleaved). */
    onr_pool_attrs a;
    memset(&a, 0, sizeof a);
    a.n_kernel = a.n_strides = 2;
    a.n_pads = 4;
    a.kernel[0] = 3, a.kernel[1] = 2;
    a.strides[0] = 1, a.strides[1] = 2;
    a.pads[0] = 1, a.pads[1] = 0, a.pads[2] = 2, a.pads[3] = 1;
    const int64_t in[2] = {6, 7};
    onr_pool_geom g;
    cr_assert_eq(onr_pool_resolve(&a, 2, in, NULL, &g, NULL), ONR_OK);
    cr_expect_eq(g.n, 2);
    /* axis 0: 6 + 1 + 2 - 3 = 6 -> 7;  axis 1: floor((7 + 0 + 1 - 2) / 2) + 1 = 4 */
    cr_expect_eq(g.ax[0].out, 7);
    cr_expect_eq(g.ax[0].pad_begin, 1);
    cr_expect_eq(g.ax[0].pad_end, 2);
    cr_expect_eq(g.ax[1].out, 4);
    cr_expect_eq(g.ax[1].pad_begin, 0);
    cr_expect_eq(g.ax[1].pad_end, 1);
}

Test(pool_geometry, attribute_lengths_must_match_the_input_rank)
{
    onr_pool_attrs a;
    memset(&a, 0, sizeof a);
    a.n_kernel = 2;
    a.kernel[0] = a.kernel[1] = 2;
    const int64_t in[3] = {4, 4, 4};
    onr_pool_geom g;
    onr_error err = {0};
    cr_expect_eq(onr_pool_resolve(&a, 3, in, NULL, &g, &err), ONR_E_INVALID_MODEL);
    cr_expect(strstr(err.message, "kernel_shape") != NULL, "%s", err.message);
    /* Conv-style kernel from the weight must agree with kernel_shape when both are given. */
    const int64_t wk[2] = {2, 3};
    cr_expect_eq(onr_pool_resolve(&a, 2, in, wk, &g, &err), ONR_E_INVALID_MODEL);
    cr_expect(strstr(err.message, "kernel_shape[1]") != NULL, "%s", err.message);
    /* ...and is enough on its own (Conv without kernel_shape). */
    a.n_kernel = 0;
    cr_expect_eq(onr_pool_resolve(&a, 2, in, wk, &g, &err), ONR_OK, "%s", err.message);
    cr_expect_eq(g.ax[1].out, 2);
}

/* ---------------------------------------------------------------------------------------------- */
/* window spans                                                                                    */

typedef struct span_case {
    const char *rule;
    int64_t in, k, s, d, pb, pe;
    bool ceil;
    int64_t o;
    int64_t first, tap0, count, padded;
} span_case;

static const span_case span_cases[] = {
    {"bug #2 [1..5] k2 s2 ceil: last window has 1 valid tap, padded extent counts 1", 5, 2, 2, 1, 0, 0, true, 2, 4,
     0, 1, 1},
    {"bug #2 (pytorch #183528) 4, k3, s2, p1, ceil: last window 1 valid, 2 in extent", 4, 3, 2, 1, 1, 1, true, 2, 3,
     0, 1, 2},
    {"bug #2 (pytorch #183528) first window starts in the begin pad", 4, 3, 2, 1, 1, 1, true, 0, 0, 1, 2, 3},
    {"bug #8: 9, k2, d2, pads 1: window 0 keeps tap 1 only (no clamping of the start)", 9, 2, 1, 2, 1, 1, false, 0,
     1, 1, 1, 2},
    {"bug #10 EfficientNet: one window covering all 7 inputs", 7, 1280, 1280, 1, 0, 0, true, 0, 0, 0, 7, 7},
    {"§5 test_averagepool_2d_ceil_last_window_starts_on_pad: divisor factor 3", 2, 3, 3, 1, 1, 1, true, 0, 0, 1, 2,
     3},
    {"§4 window only in the begin padding (pb >= ek): no valid tap", 3, 2, 1, 1, 3, 0, false, 0, 0, 2, 0, 2},
    {"§4 dilation skipping the whole input", 1, 2, 1, 3, 2, 2, false, 0, 1, 1, 0, 2},
    {"§3 interior window", 10, 3, 2, 1, 1, 1, false, 2, 3, 0, 3, 3},
    {"§5 count_include_pad with dilation: only sampled taps in [-pb, in+pe) count", 5, 3, 1, 2, 2, 2, false, 0, 0, 1,
     2, 3},
};

Test(pool_geometry, window_spans_per_rule)
{
    for (size_t i = 0; i < sizeof span_cases / sizeof span_cases[0]; i++) {
        const span_case *c = &span_cases[i];
        shape_case sc = {c->rule, c->in, c->k, c->s, c->d, c->pb, c->pe, ONR_AUTO_PAD_NOTSET, c->ceil, true, 0, 0, 0};
        onr_pool_attrs a = attrs_1d(&sc);
        onr_pool_geom g;
        cr_assert_eq(onr_pool_resolve(&a, 1, &c->in, NULL, &g, NULL), ONR_OK, "%s", c->rule);
        cr_assert(c->o < g.ax[0].out, "%s: o=%lld out of %lld", c->rule, (long long)c->o, (long long)g.ax[0].out);
        onr_pool_span sp = onr_pool_window(&g.ax[0], c->o);
        cr_expect_eq(sp.count, c->count, "%s: count %lld", c->rule, (long long)sp.count);
        cr_expect_eq(sp.padded, c->padded, "%s: padded %lld", c->rule, (long long)sp.padded);
        if (c->count) {
            cr_expect_eq(sp.first, c->first, "%s: first %lld", c->rule, (long long)sp.first);
            cr_expect_eq(sp.tap0, c->tap0, "%s: tap0 %lld", c->rule, (long long)sp.tap0);
        }
    }
}

/* The span of every window equals a brute-force walk over its taps (§3, §5 definitions). */
Test(pool_geometry, window_spans_match_brute_force_taps)
{
    srand(1234);
    for (int iter = 0; iter < 20000; iter++) {
        int64_t in = 1 + rand() % 9, k = 1 + rand() % 5, s = 1 + rand() % 4, d = 1 + rand() % 3;
        int64_t pb = rand() % 5, pe = rand() % 5;
        bool ceil_mode = rand() % 2;
        shape_case sc = {"random", in, k, s, d, pb, pe, ONR_AUTO_PAD_NOTSET, ceil_mode, true, 0, 0, 0};
        onr_pool_attrs a = attrs_1d(&sc);
        onr_pool_geom g;
        if (onr_pool_resolve(&a, 1, &in, NULL, &g, NULL) != ONR_OK)
            continue;
        for (int64_t o = 0; o < g.ax[0].out; o++) {
            int64_t count = 0, padded = 0, first = -1, tap0 = -1, last = -1;
            for (int64_t j = 0; j < k; j++) {
                int64_t t = o * s - pb + j * d;
                if (t >= -pb && t < in + pe)
                    padded++;
                if (t >= 0 && t < in) {
                    if (first < 0)
                        first = t, tap0 = j;
                    cr_assert(last < 0 || last == j - 1, "valid taps are contiguous in j");
                    last = j;
                    count++;
                }
            }
            onr_pool_span sp = onr_pool_window(&g.ax[0], o);
            cr_assert_eq(sp.count, count, "in=%lld k=%lld s=%lld d=%lld pads=%lld/%lld o=%lld", (long long)in,
                         (long long)k, (long long)s, (long long)d, (long long)pb, (long long)pe, (long long)o);
            cr_assert_eq(sp.padded, padded, "padded: in=%lld k=%lld s=%lld d=%lld pads=%lld/%lld o=%lld",
                         (long long)in, (long long)k, (long long)s, (long long)d, (long long)pb, (long long)pe,
                         (long long)o);
            if (count) {
                cr_assert_eq(sp.first, first);
                cr_assert_eq(sp.tap0, tap0);
            }
        }
        /* The drop rule (§2.1): with ceil_mode the last window never starts in the end padding, unless the
         * end padding alone holds whole windows (pe >= ek, which floor mode produces as well). */
        if (ceil_mode && pe < (k - 1) * d + 1)
            cr_assert((g.ax[0].out - 1) * s - pb < in, "last window starts at %lld >= in %lld",
                      (long long)((g.ax[0].out - 1) * s - pb), (long long)in);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* transposed sizes (ConvTranspose, MaxUnpool)                                                     */

typedef struct tcase {
    const char *rule;
    int64_t in, k, s, d, pb, pe, op, out_shape; /* out_shape 0 = not given */
    onr_auto_pad ap;
    int64_t out, want_pb, want_pe;
} tcase;

static const tcase tcases[] = {
    {"test_convtranspose: 3, k3", 3, 3, 1, 1, 0, 0, 0, 0, ONR_AUTO_PAD_NOTSET, 5, 0, 0},
    {"test_convtranspose_pads H: 3, k3, s3, pads 1/1", 3, 3, 3, 1, 1, 1, 0, 0, ONR_AUTO_PAD_NOTSET, 7, 1, 1},
    {"test_convtranspose_pads W: 3, k3, s2, pads 2/2", 3, 3, 2, 1, 2, 2, 0, 0, ONR_AUTO_PAD_NOTSET, 3, 2, 2},
    {"test_convtranspose_pad H: output_padding 1, s3", 3, 3, 3, 1, 0, 0, 1, 0, ONR_AUTO_PAD_NOTSET, 10, 0, 0},
    {"test_convtranspose_dilations: 3, k2, d2", 3, 2, 1, 2, 0, 0, 0, 0, ONR_AUTO_PAD_NOTSET, 5, 0, 0},
    {"test_convtranspose_autopad_same: SAME_UPPER s2 -> out 6, total 1 at the end", 3, 3, 2, 1, 0, 0, 0, 0,
     ONR_AUTO_PAD_SAME_UPPER, 6, 0, 1},
    {"ConvTranspose SAME_LOWER: total 1 at the begin", 3, 3, 2, 1, 0, 0, 0, 0, ONR_AUTO_PAD_SAME_LOWER, 6, 1, 0},
    {"test_convtranspose_output_shape H: 10 > full 9 -> extra output at the end", 3, 3, 3, 1, 0, 0, 0, 10,
     ONR_AUTO_PAD_NOTSET, 10, 0, -1},
    {"test_convtranspose_kernel_shape H: output_padding 1 + output_shape 10 -> total 0", 3, 3, 3, 1, 0, 0, 1, 10,
     ONR_AUTO_PAD_NOTSET, 10, 0, 0},
    {"§8 MaxUnpool inferred size: (2-1)*2 + 2 = 4", 2, 2, 2, 1, 0, 0, 0, 0, ONR_AUTO_PAD_NOTSET, 4, 0, 0},
    {"§8 MaxUnpool with pads: (3-1)*2 - 2 + 3 = 5", 3, 3, 2, 1, 1, 1, 0, 0, ONR_AUTO_PAD_NOTSET, 5, 1, 1},
};

Test(pool_geometry, transposed_sizes_and_generated_pads)
{
    for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
        const tcase *c = &tcases[i];
        shape_case sc = {c->rule, c->in, c->k, c->s, c->d, c->pb, c->pe, c->ap, false, true, 0, 0, 0};
        onr_pool_attrs a = attrs_1d(&sc);
        onr_pool_geom g;
        onr_error err = {0};
        cr_assert_eq(onr_pool_resolve_transpose(&a, 1, &c->in, NULL, c->op ? &c->op : NULL,
                                                c->out_shape ? &c->out_shape : NULL, &g, &err),
                     ONR_OK, "%s: %s", c->rule, err.message);
        cr_expect_eq(g.ax[0].out, c->out, "%s: out %lld", c->rule, (long long)g.ax[0].out);
        cr_expect_eq(g.ax[0].pad_begin, c->want_pb, "%s: pb %lld", c->rule, (long long)g.ax[0].pad_begin);
        cr_expect_eq(g.ax[0].pad_end, c->want_pe, "%s: pe %lld", c->rule, (long long)g.ax[0].pad_end);
    }
    /* pads that consume the whole output are rejected */
    tcase bad = {"bad", 2, 2, 1, 1, 2, 2, 0, 0, ONR_AUTO_PAD_NOTSET, 0, 0, 0};
    shape_case sc = {bad.rule, bad.in, bad.k, bad.s, bad.d, bad.pb, bad.pe, bad.ap, false, true, 0, 0, 0};
    onr_pool_attrs a = attrs_1d(&sc);
    onr_pool_geom g;
    cr_expect_eq(onr_pool_resolve_transpose(&a, 1, &bad.in, NULL, NULL, NULL, &g, NULL), ONR_E_INVALID_MODEL);
}

/* ---------------------------------------------------------------------------------------------- */
/* attribute validity per op and opset, through the registered parse hooks (§0, §1, §9)            */

#define MAX_ATTRS 4

typedef struct parse_case {
    const char *rule;
    const char *op;
    int64_t opset;
    size_t n_outputs;
    onr_attr attrs[MAX_ATTRS];
    onr_status want;
    const char *msg; /* substring the error must contain */
} parse_case;

static const int64_t k2[] = {2, 2}, k0[] = {2, 0}, d2[] = {2, 2}, p1[] = {1, 1, 1, 1}, pzero[] = {0, 0, 0, 0}, pneg[] = {0, 0, -1, 0},
                     p3[] = {1, 1, 1}, s3[] = {1, 1, 1}, s0[] = {0, 1};
#define KS {.name = "kernel_shape", .type = ONR_ATTR_INTS, .n = 2, .ints = k2}
#define INTS(nm, arr) {.name = nm, .type = ONR_ATTR_INTS, .n = sizeof arr / sizeof arr[0], .ints = arr}
#define INT(nm, v) {.name = nm, .type = ONR_ATTR_INT, .i = v}
#define STR(nm, v) {.name = nm, .type = ONR_ATTR_STRING, .s = v, .s_len = sizeof v - 1}
#define FLT(nm, v) {.name = nm, .type = ONR_ATTR_FLOAT, .f = v}

static const parse_case parse_cases[] = {
    {"§0 AveragePool dilations from 19: 18 rejects", "AveragePool", 18, 1, {KS, INTS("dilations", d2)},
     ONR_E_INVALID_MODEL, "dilations"},
    {"§0 AveragePool dilations from 19: 19 accepts", "AveragePool", 19, 1, {KS, INTS("dilations", d2)}, ONR_OK, NULL},
    {"§0 LpPool dilations from 18: 17 rejects", "LpPool", 17, 1, {KS, INTS("dilations", d2)}, ONR_E_INVALID_MODEL,
     "dilations"},
    {"§0 LpPool dilations from 18: 18 accepts", "LpPool", 18, 1, {KS, INTS("dilations", d2)}, ONR_OK, NULL},
    {"§0 MaxPool dilations from 10: 9 rejects", "MaxPool", 9, 1, {KS, INTS("dilations", d2)}, ONR_E_INVALID_MODEL,
     "dilations"},
    {"§0 MaxPool dilations from 10: 10 accepts", "MaxPool", 10, 1, {KS, INTS("dilations", d2)}, ONR_OK, NULL},
    {"§0 MaxPool ceil_mode from 10: 9 rejects", "MaxPool", 9, 1, {KS, INT("ceil_mode", 1)}, ONR_E_INVALID_MODEL,
     "ceil_mode"},
    {"§0 AveragePool ceil_mode from 10: 9 rejects", "AveragePool", 9, 1, {KS, INT("ceil_mode", 1)},
     ONR_E_INVALID_MODEL, "ceil_mode"},
    {"§0 AveragePool ceil_mode from 10: 10 accepts", "AveragePool", 10, 1, {KS, INT("ceil_mode", 1)}, ONR_OK, NULL},
    {"§0 LpPool ceil_mode from 18: 17 rejects", "LpPool", 17, 1, {KS, INT("ceil_mode", 1)}, ONR_E_INVALID_MODEL,
     "ceil_mode"},
    {"§0 AveragePool count_include_pad from 7: 6 rejects", "AveragePool", 6, 1, {KS, INT("count_include_pad", 1)},
     ONR_E_INVALID_MODEL, "count_include_pad"},
    {"§0 AveragePool count_include_pad from 7: 7 accepts", "AveragePool", 7, 1, {KS, INT("count_include_pad", 1)},
     ONR_OK, NULL},
    {"§0 MaxPool storage_order from 8: 7 rejects", "MaxPool", 7, 1, {KS, INT("storage_order", 1)},
     ONR_E_INVALID_MODEL, "storage_order"},
    {"§0 MaxPool storage_order from 8: 8 accepts", "MaxPool", 8, 2, {KS, INT("storage_order", 1)}, ONR_OK, NULL},
    {"§0 MaxPool Indices output from 8: 7 rejects", "MaxPool", 7, 2, {KS}, ONR_E_INVALID_MODEL, "Indices"},
    {"§4.1 storage_order must be 0 or 1", "MaxPool", 12, 1, {KS, INT("storage_order", 2)}, ONR_E_INVALID_MODEL,
     "storage_order"},
    {"§1 ceil_mode must be 0 or 1", "MaxPool", 12, 1, {KS, INT("ceil_mode", 3)}, ONR_E_INVALID_MODEL, "ceil_mode"},
    {"§2.4 pads with auto_pad SAME_UPPER rejected", "MaxPool", 12, 1, {KS, INTS("pads", p1), STR("auto_pad", "SAME_UPPER")},
     ONR_E_INVALID_MODEL, "auto_pad"},
    {"§2.4 pads with auto_pad VALID rejected", "AveragePool", 11, 1, {KS, INTS("pads", p1), STR("auto_pad", "VALID")},
     ONR_E_INVALID_MODEL, "auto_pad"},
    {"§2.4 all-zero pads with auto_pad VALID accepted (converters write them)", "MaxPool", 12, 1,
     {KS, INTS("pads", pzero), STR("auto_pad", "VALID")}, ONR_OK, NULL},
    {"§2.4 pads with auto_pad NOTSET accepted", "AveragePool", 11, 1, {KS, INTS("pads", p1), STR("auto_pad", "NOTSET")},
     ONR_OK, NULL},
    {"§1 auto_pad must be one of four strings", "MaxPool", 12, 1, {KS, STR("auto_pad", "SAME")}, ONR_E_INVALID_MODEL,
     "auto_pad"},
    {"§9 kernel_shape required", "MaxPool", 12, 1, {INT("ceil_mode", 0)}, ONR_E_INVALID_MODEL, "kernel_shape"},
    {"§9 kernel_shape > 0", "AveragePool", 11, 1, {INTS("kernel_shape", k0)}, ONR_E_INVALID_MODEL, "kernel_shape"},
    {"§9 strides > 0", "AveragePool", 11, 1, {KS, INTS("strides", s0)}, ONR_E_INVALID_MODEL, "strides"},
    {"§9 pads >= 0", "AveragePool", 11, 1, {KS, INTS("pads", pneg)}, ONR_E_INVALID_MODEL, "pads"},
    {"§9 pads size 2n", "AveragePool", 11, 1, {KS, INTS("pads", p3)}, ONR_E_INVALID_MODEL, "pads"},
    {"§9 strides size n", "MaxPool", 12, 1, {KS, INTS("strides", s3)}, ONR_E_INVALID_MODEL, "strides"},
    {"§9 kernel_shape must be INTS", "MaxPool", 12, 1, {INT("kernel_shape", 2)}, ONR_E_INVALID_MODEL, "kernel_shape"},
    {"§0 LpPool-1 p is FLOAT", "LpPool", 1, 1, {KS, FLT("p", 3.0f)}, ONR_OK, NULL},
    {"§0 LpPool-1 p INT rejected", "LpPool", 1, 1, {KS, INT("p", 3)}, ONR_E_INVALID_MODEL, "'p'"},
    {"§0 LpPool-2 p is INT", "LpPool", 2, 1, {KS, INT("p", 3)}, ONR_OK, NULL},
    {"§0 LpPool-2 p FLOAT rejected", "LpPool", 2, 1, {KS, FLT("p", 3.0f)}, ONR_E_INVALID_MODEL, "'p'"},
    {"§0 GlobalLpPool-1 p is FLOAT", "GlobalLpPool", 1, 1, {FLT("p", 3.0f)}, ONR_OK, NULL},
    {"§0 GlobalLpPool-2 p FLOAT rejected", "GlobalLpPool", 2, 1, {FLT("p", 3.0f)}, ONR_E_INVALID_MODEL, "'p'"},
    {"§0 GlobalLpPool-2 p INT", "GlobalLpPool", 2, 1, {INT("p", 4)}, ONR_OK, NULL},
    {"§7 GlobalMaxPool has no kernel_shape", "GlobalMaxPool", 1, 1, {KS}, ONR_E_INVALID_MODEL, "kernel_shape"},
    {"§8 MaxUnpool has no auto_pad", "MaxUnpool", 11, 1, {KS, STR("auto_pad", "VALID")}, ONR_E_INVALID_MODEL,
     "auto_pad"},
    {"§8 MaxUnpool has no dilations", "MaxUnpool", 22, 1, {KS, INTS("dilations", d2)}, ONR_E_INVALID_MODEL,
     "dilations"},
    {"§8 MaxUnpool needs kernel_shape", "MaxUnpool", 11, 1, {INTS("pads", p1)}, ONR_E_INVALID_MODEL, "kernel_shape"},
};

static size_t count_attrs(const onr_attr *a)
{
    size_t n = 0;
    while (n < MAX_ATTRS && a[n].name)
        n++;
    return n;
}

Test(pool_geometry, attribute_validity_per_op_and_opset)
{
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const parse_case *c = &parse_cases[i];
        onr_error err = {0};
        const onr_op_def *def = onr_op_find("", c->op, c->opset, &err);
        cr_assert_not_null(def, "%s: %s", c->rule, err.message);
        onr_node_desc node = {.name = "n", .op_type = c->op, .domain = "", .opset = c->opset, .attrs = c->attrs,
                              .n_attrs = count_attrs(c->attrs), .n_inputs = 1, .n_outputs = c->n_outputs};
        void *params = calloc(1, def->params_size ? def->params_size : 1);
        onr_status st = def->parse(&node, params, &err);
        cr_expect_eq(st, c->want, "%s: status %s (%s)", c->rule, onr_status_name(st), err.message);
        if (c->msg && st != ONR_OK)
            cr_expect(strstr(err.message, c->msg) != NULL, "%s: message '%s' should name %s", c->rule, err.message,
                      c->msg);
        if (def->free_params)
            def->free_params(params);
        free(params);
    }
}

Test(pool_geometry, pool_ops_registered_for_opsets_up_to_22)
{
    static const struct {
        const char *op;
        int since;
    } ops[] = {{"MaxPool", 1},       {"AveragePool", 1},  {"LpPool", 1},    {"GlobalMaxPool", 1},
               {"GlobalAveragePool", 1}, {"GlobalLpPool", 1}, {"MaxUnpool", 9}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        onr_error err = {0};
        cr_expect_not_null(onr_op_find("", ops[i].op, ops[i].since, &err), "%s-%d", ops[i].op, ops[i].since);
        cr_expect_not_null(onr_op_find("", ops[i].op, 22, &err), "%s-22", ops[i].op);
        cr_expect_null(onr_op_find("", ops[i].op, 23, &err), "%s-23 is newer than we know", ops[i].op);
        cr_expect_eq(err.code, ONR_E_UNSUPPORTED);
    }
    onr_error err = {0};
    cr_expect_null(onr_op_find("", "MaxUnpool", 8, &err), "MaxUnpool starts at 9");
}
