/* op.h: the contract between the graph engine and op implementations.
 *
 * An op sees only its node description (at parse time) and its context (inputs, outputs, parsed
 * params); never the graph, session or protobuf. Errors from hooks need not name the node: the engine
 * prefixes "node 'NAME' (OpType-OPSET): ". Adding an op = one .c file defining an onr_op_def, one line
 * in ops.def, one line in src/ops/meson.build, and tests. */
#ifndef ONR_OPS_OP_H
#define ONR_OPS_OP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/clamp.h"
#include "onnxrun.h"

/* Values equal onnx.AttributeProto.AttributeType. */
typedef enum onr_attr_type {
    ONR_ATTR_UNDEFINED = 0,
    ONR_ATTR_FLOAT = 1,
    ONR_ATTR_INT = 2,
    ONR_ATTR_STRING = 3,
    ONR_ATTR_TENSOR = 4,
    ONR_ATTR_GRAPH = 5,
    ONR_ATTR_FLOATS = 6,
    ONR_ATTR_INTS = 7,
    ONR_ATTR_STRINGS = 8,
    ONR_ATTR_TENSORS = 9,
    ONR_ATTR_GRAPHS = 10,
    ONR_ATTR_SPARSE_TENSOR = 11,
    ONR_ATTR_SPARSE_TENSORS = 12,
    ONR_ATTR_TYPE_PROTO = 13,
    ONR_ATTR_TYPE_PROTOS = 14
} onr_attr_type;

/* One attribute as the loader converted it; owned by the model, so parsed params may point into it. */
typedef struct onr_attr {
    const char *name;
    onr_attr_type type;
    int64_t i;                  /* INT */
    float f;                    /* FLOAT */
    const char *s;              /* STRING, NUL-terminated (s_len excludes the NUL) */
    size_t s_len;
    size_t n;                   /* element count of INTS / FLOATS / STRINGS */
    const int64_t *ints;
    const float *floats;
    const char *const *strings;
    const onr_tensor *t;        /* TENSOR */
} onr_attr;

/* What `parse` sees of a node. */
typedef struct onr_node_desc {
    const char *name;
    const char *op_type;
    const char *domain;
    int64_t opset;              /* version of `domain` the model imports */
    const onr_attr *attrs;
    size_t n_attrs;
    size_t n_inputs;            /* as written, omitted ("") optional inputs included */
    size_t n_outputs;
} onr_node_desc;

/* The context of one node for `infer` and `run`.
 * infer: in[i]->dtype/rank/dims are known; in[i]->data is non-NULL only when the value is known at plan
 *        time (initializer or folded constant). infer fills out[i]->dtype/rank/dims and may ask for
 *        scratch memory. An op whose output shape depends on an input whose data is NULL fails with
 *        ONR_E_UNSUPPORTED naming that input.
 * run:   out[i]->data is allocated with exactly the inferred shape; scratch is scratch_bytes long. run
 *        does no validation infer already did and never allocates on the hot path.
 * when:  which of the two moments the hook runs in (see onr_call_time); ops read it through
 *        onr_data_fault() only. */

/* When a hook is called. The usual calls are the zero value, so a context built by hand (tests) means
 * them: infer while planning, run during onr_session_run. The engine marks the two others. */
typedef enum onr_call_time {
    ONR_CALL_USUAL = 0,
    ONR_CALL_FOLDING,   /* run while planning: the node is folded, its inputs came with the model */
    ONR_CALL_EAGER,     /* infer during onr_session_run: its inputs hold run-time data */
} onr_call_time;

typedef struct onr_op_ctx {
    const void *params;
    int64_t opset;
    size_t n_in;
    const onr_tensor *const *in;   /* in[i] == NULL: optional input omitted */
    size_t n_out;
    onr_tensor *const *out;        /* out[i] == NULL: optional output not requested */
    onr_threadpool *pool;
    void *scratch;
    size_t scratch_bytes;
    onr_call_time when;
    onr_clamp clamp;               /* ops with ONR_OP_FUSES_CLAMP: clamp output 0 as it is written */
} onr_op_ctx;

/* The status for a bad value found in an input's data (an index out of range...): a value known while
 * planning came with the model (ONR_E_INVALID_MODEL, reported at session creation); one seen during a
 * run was computed from the caller's inputs (ONR_E_INVALID_ARG). `in_run`: the caller is the run hook
 * (else infer). */
static inline onr_status onr_data_fault(const onr_op_ctx *c, bool in_run)
{
    bool planning = in_run ? c->when == ONR_CALL_FOLDING : c->when != ONR_CALL_EAGER;
    return planning ? ONR_E_INVALID_MODEL : ONR_E_INVALID_ARG;
}

#define ONR_VARIADIC INT_MAX

/* Returned by infer only (never by the library) when an output shape depends on the data of an input
 * that is not known at plan time (in[i]->data == NULL). The engine then infers, allocates and runs that
 * node, and everything downstream of it, at run time with the data present. Ops use onr_input_known()
 * (ops/shape_args.h) rather than returning it themselves. */
#define ONR_E_NEEDS_DATA ((onr_status)64)

enum {
    /* Output depends only on input shapes (Shape, Size): the planner folds it whenever shapes are known. */
    ONR_OP_SHAPE_ONLY = 1u << 0,
    /* Output 0 holds exactly input 0's bytes (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout):
     * the planner may point it at input 0's buffer, so run must skip its copy when out->data == in->data.
     * Safe because no op writes its inputs. */
    ONR_OP_ALIAS_INPUT0 = 1u << 1,
    /* run applies ctx.clamp (when on) to every float element of output 0 as it writes it. The planner
     * then fuses a following Relu or Clip (their as_clamp hook) into this node when that activation is
     * the only reader of output 0 and output 0 is not a graph output: the activation's pass over memory
     * disappears and its output shares this node's buffer. */
    ONR_OP_FUSES_CLAMP = 1u << 2,
};

typedef struct onr_op_def {
    const char *domain;         /* "" is ai.onnx */
    const char *op_type;
    int since, until;           /* opset range of `domain` this def implements, inclusive */
    int min_in, max_in, min_out, max_out;
    size_t params_size;         /* zeroed block handed to parse */
    onr_status (*parse)(const onr_node_desc *node, void *params, onr_error *err);   /* NULL: no attributes */
    void (*free_params)(void *params);                                               /* NULL: nothing owned */
    onr_status (*infer)(onr_op_ctx *ctx, onr_error *err);
    onr_status (*run)(onr_op_ctx *ctx, onr_error *err);
    unsigned flags;
    /* NULL, or for an activation that is a clamp of input 0 (Relu, Clip): after infer, true with the
     * clamp when output 0 is float and its bounds are known now; false leaves the node alone. */
    bool (*as_clamp)(const onr_op_ctx *ctx, onr_clamp *clamp);
} onr_op_def;

/* registry.c: look up the def for an op at the model's opset of its domain. On failure returns NULL and
 * sets err (ONR_E_UNSUPPORTED naming op, domain and opset). */
const onr_op_def *onr_op_find(const char *domain, const char *op_type, int64_t opset, onr_error *err);
/* Every registered def, for listing (`onnxrun ops`) and tests. */
size_t onr_op_count(void);
const onr_op_def *onr_op_at(size_t i);

#endif
