/* pool.h: internal entry points of the pool family (pool.c, global_pool.c) beyond their onr_op_defs:
 * running a node with the path forced, so tests can check every fast path against the generic one. */
#ifndef ONR_OPS_POOL_H
#define ONR_OPS_POOL_H

#include <stdbool.h>

#include "ops/op.h"

typedef enum onr_pool_path {
    ONR_POOL_PATH_AUTO = 0, /* what the op's run hook does: the fast path when one applies */
    ONR_POOL_PATH_GENERIC,  /* the plain N-D path every fast path must agree with */
    ONR_POOL_PATH_PORTABLE  /* the fast path without SIMD kernels (pool_simd.c): what a CPU without AVX2 runs */
} onr_pool_path;

/* Element types of the pool family (§0 of ONNX-POOLING.md): float16, float, double at every opset,
 * bfloat16 from opset 22, int8/uint8 only where int8_ok (MaxPool >= 12). Anything else is invalid
 * ONNX for that op and opset (ONR_E_INVALID_MODEL naming `what`). */
onr_status onr_pool_check_dtype(onr_dtype t, int64_t opset, bool int8_ok, const char *what, onr_error *err);

/* The p attribute of LpPool / GlobalLpPool: FLOAT (default 2.0, > 0) at version 1, INT (default 2,
 * >= 1) from version 2 (§0). */
onr_status onr_pool_parse_p(const onr_node_desc *node, double *p, onr_error *err);

/* Planes per onr_parallel_for chunk for planes of `elems` input + output elements: chunks of at least
 * ONR_POOL_PAR_MIN elements, so a job too small to repay waking a worker runs on the caller's thread. */
#define ONR_POOL_PAR_MIN ((size_t)1 << 18)
size_t onr_pool_grain(size_t elems);

/* MaxPool / AveragePool / LpPool: ctx as for the op's run hook (infer already succeeded). */
onr_status onr_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err);
/* True when ONR_POOL_PATH_AUTO would take a specialised kernel for this ctx. */
bool onr_pool_fast_path_applies(const onr_op_ctx *c);

/* GlobalMaxPool / GlobalAveragePool / GlobalLpPool, likewise. */
onr_status onr_global_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err);
bool onr_global_pool_fast_path_applies(const onr_op_ctx *c);

#endif
