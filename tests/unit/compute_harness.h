/* compute_harness.h: drives the compute ops (Conv, ConvTranspose, Gemm, MatMul, BatchNormalization)
 * through onr_op_find -> parse -> infer -> run like the engine does, with an optional thread pool so
 * the parallel splits are exercised, plus random data and closeness checks. Attribute and tensor
 * builders (A_INT, A_INTS, D(), sh_t...) come from shape_harness.h.
 *
 * Outputs and scratch are filled with NaN bytes before run: a kernel that leaves an element unwritten,
 * or reads scratch or a beta = 0 output before writing it, shows up as NaN in the comparison. */
#ifndef ONR_TESTS_COMPUTE_HARNESS_H
#define ONR_TESTS_COMPUTE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/parallel.h"
#include "ops/op.h"
#include "shape_harness.h"

#define CH_MAX_OUT 5

typedef struct ch_run {
    onr_status st;      /* of the first stage that failed, ONR_OK when all ran */
    const char *stage;  /* "find", "parse", "infer", "run" or "done" */
    onr_error err;
    size_t n_out;
    onr_tensor out[CH_MAX_OUT]; /* data malloc'd by ch_exec, freed by ch_free */
    size_t scratch_bytes;       /* what infer asked for */
} ch_run;

/* in[i] may be NULL (omitted optional input). Every output is requested. */
onr_status ch_exec(ch_run *r, const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                   const onr_tensor *const *in, size_t n_in, size_t n_out, onr_threadpool *pool);
void ch_free(ch_run *r);

/* Deterministic pseudo-random numbers (xorshift), uniform in [-1, 1). */
typedef struct ch_rng {
    uint64_t s;
} ch_rng;
double ch_uniform(ch_rng *g);
/* An integer in [lo, hi]. */
int64_t ch_int(ch_rng *g, int64_t lo, int64_t hi);
/* malloc'd array of n random floats / doubles in [-1, 1). */
float *ch_rand_f32(ch_rng *g, size_t n);
double *ch_rand_f64(ch_rng *g, size_t n);

/* Expect |got - want| <= atol + rtol * |want| elementwise (like numpy assert_allclose), shape and
 * dtype equal. want is double; t holds float or double. Reports the first mismatches. */
void ch_expect_close(const onr_tensor *t, int32_t rank, const int64_t *dims, const double *want, double rtol,
                     double atol, const char *what);
/* The same for a float list (hand-worked values). */
void ch_expect_f32(const onr_tensor *t, int32_t rank, const int64_t *dims, const float *want, double tol,
                   const char *what);
void ch_expect_fail(const ch_run *r, onr_status code, const char *stage, const char *what);

#endif
