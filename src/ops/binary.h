/* binary.h: the elementwise two-input kernels of binary.c, for ops built from them (variadic.c's Sum,
 * Mean, Min, Max fold their inputs pairwise). */
#ifndef ONR_OPS_BINARY_H
#define ONR_OPS_BINARY_H

#include <stdbool.h>

#include "core/parallel.h"
#include "onnxrun.h"

typedef enum onr_binop {
    ONR_BINOP_ADD,
    ONR_BINOP_SUB,
    ONR_BINOP_MUL,
    ONR_BINOP_DIV,
    ONR_BINOP_MIN, /* NaN-propagating, like numpy.minimum */
    ONR_BINOP_MAX, /* NaN-propagating, like numpy.maximum */
} onr_binop;

/* Whether `op` has a kernel for inputs of type t. */
bool onr_binop_supports(onr_binop op, onr_dtype t);

/* y = a op b with numpy broadcasting. a, b and y share one dtype; y's shape is the broadcast shape
 * and its data is allocated. y->data may equal a->data when a already has y's shape (accumulating). */
onr_status onr_binop_apply(onr_binop op, const onr_tensor *a, const onr_tensor *b, onr_tensor *y,
                           onr_threadpool *pool, onr_error *err);

#endif
