/* elt_check.h: helpers for the elementwise / softmax / reduce / cast suites, on top of shape_harness:
 * tensors of any dtype built from double values, value checks for any dtype, and the naive broadcast
 * index arithmetic the references use (written out per element, independent of src/ops/broadcast.c). */
#ifndef ONR_TESTS_ELT_CHECK_H
#define ONR_TESTS_ELT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "shape_harness.h"

#define DV(...) ((const double[]){__VA_ARGS__})

/* A tensor of dtype dt whose elements are v[i] stored like a C cast (onr_store_from_double). Data is
 * malloc'd; release with ec_free. v may be NULL (zero-filled). */
onr_tensor ec_make(onr_dtype dt, int32_t rank, const int64_t *dims, const double *v);
void ec_free(onr_tensor *t);

/* Expect dtype, shape and values: |y - v| <= tol + rtol * |v| with rtol 1e-6 (1e-3 for half types);
 * NaN matches NaN, inf matches the same inf. */
void ec_expect(const onr_tensor *t, onr_dtype dt, int32_t rank, const int64_t *dims, const double *v, double tol,
               const char *what);
/* Same against another tensor's values (any dtypes), shape included. */
void ec_expect_close(const onr_tensor *t, const onr_tensor *want, double tol, const char *what);

/* Flat index into a tensor of shape (rank, dims) broadcast to (out_rank, out_dims) for the output
 * element `o` (row-major), by the numpy rule: right-align, a dim of 1 repeats. */
size_t ec_bcast_index(int32_t rank, const int64_t *dims, int32_t out_rank, const int64_t *out_dims, size_t o);

/* Runs one op like sh_exec but with a thread pool (NULL: inline) and returns output 0 (malloc'd data,
 * release with ec_free); fails the test on any error. */
onr_tensor ec_run_pooled(const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                         const onr_tensor *const *in, size_t n_in, onr_threadpool *pool);

/* Deterministic pseudo-random numbers (xorshift) for shape sweeps. */
uint32_t ec_rand(uint32_t *state);
double ec_uniform(uint32_t *state, double lo, double hi);

#endif
