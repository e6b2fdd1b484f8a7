/* pool.h: internal entry points of the pool family (pool.c, global_pool.c) beyond their onr_op_defs:
 * running a node with the path forced, so tests can check every fast path against the generic one. */
#ifndef ONR_OPS_POOL_H
#define ONR_OPS_POOL_H

#include <stdbool.h>

#include "ops/op.h"

typedef enum onr_pool_path {
    ONR_POOL_PATH_AUTO = 0, /* what the op's run hook does: the fast path when one applies */
    ONR_POOL_PATH_GENERIC   /* the plain N-D path every fast path must agree with */
} onr_pool_path;

/* MaxPool / AveragePool / LpPool: ctx as for the op's run hook (infer already succeeded). */
onr_status onr_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err);
/* True when ONR_POOL_PATH_AUTO would take a specialised kernel for this ctx. */
bool onr_pool_fast_path_applies(const onr_op_ctx *c);

/* GlobalMaxPool / GlobalAveragePool / GlobalLpPool, likewise. */
onr_status onr_global_pool_run_path(onr_op_ctx *c, onr_pool_path path, onr_error *err);
bool onr_global_pool_fast_path_applies(const onr_op_ctx *c);

#endif
