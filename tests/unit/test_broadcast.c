/* test_broadcast.c: numpy broadcast shapes (ONNX docs/Broadcasting.md examples) and the collapsed
 * iteration of src/ops/broadcast.c, checked element by element against naive index arithmetic. */
#include <criterion/criterion.h>

#include "core/shape.h"
#include "elt_check.h"
#include "ops/broadcast.h"

typedef struct shape_case {
    const char *name;
    int32_t ra;
    int64_t a[ONR_MAX_RANK];
    int32_t rb;
    int64_t b[ONR_MAX_RANK];
    int ok;
    int32_t rr;
    int64_t r[ONR_MAX_RANK];
} shape_case;

/* The first five are the multidirectional examples of ONNX Broadcasting.md. */
static const shape_case shape_cases[] = {
    {"doc: (2,3,4,5) + scalar", 4, {2, 3, 4, 5}, 0, {0}, 1, 4, {2, 3, 4, 5}},
    {"doc: (2,3,4,5) + (5,)", 4, {2, 3, 4, 5}, 1, {5}, 1, 4, {2, 3, 4, 5}},
    {"doc: (4,5) + (2,3,4,5)", 2, {4, 5}, 4, {2, 3, 4, 5}, 1, 4, {2, 3, 4, 5}},
    {"doc: (1,4,5) + (2,3,1,1)", 3, {1, 4, 5}, 4, {2, 3, 1, 1}, 1, 4, {2, 3, 4, 5}},
    {"doc: (3,4,5) + (2,1,1,1)", 3, {3, 4, 5}, 4, {2, 1, 1, 1}, 1, 4, {2, 3, 4, 5}},
    {"(3,1) + (1,2)", 2, {3, 1}, 2, {1, 2}, 1, 2, {3, 2}},
    {"zero with one: (0,3) + (1,3)", 2, {0, 3}, 2, {1, 3}, 1, 2, {0, 3}},
    {"zero with missing: (0,) + ()", 1, {0}, 0, {0}, 1, 1, {0}},
    {"scalar + scalar", 0, {0}, 0, {0}, 1, 0, {0}},
    {"mismatch (2,3) + (4,)", 2, {2, 3}, 1, {4}, 0, 0, {0}},
    {"mismatch (2,3) + (3,3)", 2, {2, 3}, 2, {3, 3}, 0, 0, {0}},
    {"zero vs two (0,) + (2,)", 1, {0}, 1, {2}, 0, 0, {0}},
};

Test(broadcast, shapes)
{
    for (size_t i = 0; i < sizeof shape_cases / sizeof shape_cases[0]; i++) {
        const shape_case *c = &shape_cases[i];
        int32_t rank = -1;
        int64_t dims[ONR_MAX_RANK] = {0};
        onr_error err = {0};
        onr_status st = onr_broadcast_dims(c->ra, c->a, c->rb, c->b, &rank, dims, &err);
        if (!c->ok) {
            cr_expect_eq(st, ONR_E_INVALID_MODEL, "%s: expected a broadcast error", c->name);
            cr_expect(strstr(err.message, "broadcast") != NULL, "%s: message '%s'", c->name, err.message);
            continue;
        }
        cr_expect_eq(st, ONR_OK, "%s: %s", c->name, err.message);
        char got[128];
        cr_expect(onr_shape_equal(rank, dims, c->rr, c->r), "%s: got %s", c->name,
                  onr_shape_str(rank, dims, got, sizeof got));
        /* symmetric */
        st = onr_broadcast_dims(c->rb, c->b, c->ra, c->a, &rank, dims, &err);
        cr_expect_eq(st, ONR_OK, "%s (swapped): %s", c->name, err.message);
        cr_expect(onr_shape_equal(rank, dims, c->rr, c->r), "%s (swapped)", c->name);
    }
}

Test(broadcast, shape_of_three_names_input)
{
    onr_tensor a = sh_t(ONR_DTYPE_FLOAT, 2, D(2, 3), NULL), b = sh_t(ONR_DTYPE_FLOAT, 1, D(3), NULL);
    onr_tensor c = sh_t(ONR_DTYPE_FLOAT, 1, D(4), NULL), out;
    onr_error err = {0};
    cr_expect_eq(onr_broadcast_shape(3, (const onr_tensor *[]){&a, NULL, &b}, &out, &err), ONR_OK);
    sh_expect_shape(&out, 2, D(2, 3), "a,-,b");
    cr_expect_eq(onr_broadcast_shape(3, (const onr_tensor *[]){&a, &b, &c}, &out, &err), ONR_E_INVALID_MODEL);
    cr_expect(strncmp(err.message, "input 2", 7) == 0, "message names the input: %s", err.message);
}

Test(broadcast, unidirectional)
{
    onr_tensor x = sh_t(ONR_DTYPE_FLOAT, 4, D(2, 3, 4, 5), NULL);
    onr_tensor ok1 = sh_t(ONR_DTYPE_FLOAT, 3, D(3, 1, 1), NULL), ok2 = sh_t(ONR_DTYPE_FLOAT, 0, NULL, NULL);
    onr_tensor bad = sh_t(ONR_DTYPE_FLOAT, 5, D(1, 2, 3, 4, 5), NULL); /* would stretch x's rank */
    onr_tensor bad2 = sh_t(ONR_DTYPE_FLOAT, 1, D(4), NULL);
    onr_error err = {0};
    cr_expect_eq(onr_broadcast_unidir(&ok1, &x, "slope", &err), ONR_OK);
    cr_expect_eq(onr_broadcast_unidir(&ok2, &x, "slope", &err), ONR_OK);
    cr_expect_eq(onr_broadcast_unidir(&bad, &x, "slope", &err), ONR_E_INVALID_MODEL);
    cr_expect(strstr(err.message, "slope") != NULL, "%s", err.message);
    cr_expect_eq(onr_broadcast_unidir(&bad2, &x, "slope", &err), ONR_E_INVALID_MODEL);
}

/* Collapsing: what the kernels see for the common cases. */
Test(broadcast, collapse)
{
    onr_error err = {0};
    onr_bcast b;
    onr_tensor y = sh_t(ONR_DTYPE_FLOAT, 4, D(2, 3, 4, 5), NULL);
    onr_tensor same = y, chan = sh_t(ONR_DTYPE_FLOAT, 4, D(1, 3, 1, 1), NULL);
    onr_tensor scalar = sh_t(ONR_DTYPE_FLOAT, 0, NULL, NULL), row = sh_t(ONR_DTYPE_FLOAT, 1, D(5), NULL);

    cr_assert_eq(onr_bcast_init(&b, &y, 2, (const onr_tensor *[]){&same, &same}, &err), ONR_OK);
    cr_expect_eq(b.rank, 1, "same shapes: one run");
    cr_expect_eq(b.inner, 120);
    cr_expect(b.inner_stride[0] == 1 && b.inner_stride[1] == 1);

    cr_assert_eq(onr_bcast_init(&b, &y, 2, (const onr_tensor *[]){&same, &chan}, &err), ONR_OK);
    cr_expect_eq(b.rank, 3, "per channel: (N, C, HW)");
    cr_expect(b.dims[0] == 2 && b.dims[1] == 3 && b.dims[2] == 20);
    cr_expect(b.inner_stride[0] == 1 && b.inner_stride[1] == 0);
    cr_expect(b.strides[1][0] == 0 && b.strides[1][1] == 1);

    cr_assert_eq(onr_bcast_init(&b, &y, 2, (const onr_tensor *[]){&scalar, &row}, &err), ONR_OK);
    cr_expect_eq(b.rank, 2, "row: (24, 5)");
    cr_expect(b.dims[0] == 24 && b.inner == 5 && b.strides[0][0] == 0 && b.inner_stride[1] == 1);
    cr_expect_eq(b.count, 120);

    onr_tensor one = sh_t(ONR_DTYPE_FLOAT, 2, D(1, 1), NULL);
    cr_assert_eq(onr_bcast_init(&b, &one, 1, (const onr_tensor *[]){&scalar}, &err), ONR_OK);
    cr_expect(b.rank == 1 && b.inner == 1 && b.count == 1 && b.inner_stride[0] == 0);

    cr_expect_eq(onr_bcast_init(&b, &row, 1, (const onr_tensor *[]){&y}, &err), ONR_E_INVALID_MODEL,
                 "an input larger than the output is refused");
}

/* Random shapes and split points: every output element must map to the input element the numpy rule
 * picks, whichever chunk boundaries a thread split would use. */
Test(broadcast, iteration_matches_numpy_rule)
{
    uint32_t rng = 12345;
    for (int iter = 0; iter < 400; iter++) {
        int32_t r = (int32_t)(ec_rand(&rng) % 6);
        onr_tensor out = sh_t(ONR_DTYPE_FLOAT, 0, NULL, NULL), in[3];
        out.rank = r;
        for (int32_t i = 0; i < r; i++)
            out.dims[i] = 1 + ec_rand(&rng) % 4;
        size_t n_in = 1 + ec_rand(&rng) % 3;
        for (size_t k = 0; k < n_in; k++) {
            int32_t rk = r ? (int32_t)(ec_rand(&rng) % (uint32_t)(r + 1)) : 0;
            in[k] = sh_t(ONR_DTYPE_FLOAT, 0, NULL, NULL);
            in[k].rank = rk;
            for (int32_t j = 0; j < rk; j++)
                in[k].dims[j] = ec_rand(&rng) % 3 == 0 ? 1 : out.dims[j + r - rk];
        }
        onr_bcast b;
        onr_error err = {0};
        const onr_tensor *ins[3] = {&in[0], &in[1], &in[2]};
        cr_assert_eq(onr_bcast_init(&b, &out, n_in, ins, &err), ONR_OK, "%s", err.message);
        size_t total = onr_tensor_count(&out);
        cr_assert_eq(b.count, total);
        /* walk in up to three chunks */
        size_t cut1 = total ? ec_rand(&rng) % (total + 1) : 0, cut2 = total ? ec_rand(&rng) % (total + 1) : 0;
        if (cut1 > cut2) {
            size_t t = cut1;
            cut1 = cut2;
            cut2 = t;
        }
        size_t bounds[4] = {0, cut1, cut2, total};
        for (int ch = 0; ch < 3; ch++) {
            if (bounds[ch] == bounds[ch + 1])
                continue;
            onr_bcast_cursor cur;
            onr_bcast_seek(&b, &cur, bounds[ch]);
            for (size_t i = bounds[ch]; i < bounds[ch + 1];) {
                size_t len = onr_bcast_run(&b, &cur, bounds[ch + 1] - i);
                cr_assert(len > 0);
                for (size_t e = 0; e < len; e++)
                    for (size_t k = 0; k < n_in; k++) {
                        size_t want = ec_bcast_index(in[k].rank, in[k].dims, r, out.dims, i + e);
                        size_t got = cur.off[k] + e * b.inner_stride[k];
                        cr_assert_eq(got, want, "iter %d: element %zu input %zu: offset %zu, numpy %zu", iter,
                                     i + e, k, got, want);
                    }
                onr_bcast_advance(&b, &cur, len);
                i += len;
            }
        }
    }
}
