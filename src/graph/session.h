/* session.h: what onr_session is inside: the plan for the current input shapes and its memory. */
#ifndef ONR_GRAPH_SESSION_H
#define ONR_GRAPH_SESSION_H

#include "graph/model.h"

typedef struct onr_plan_node {
    onr_op_ctx ctx;
    int folded;             /* computed at plan time: its outputs are constants of this plan */
    int eager;              /* output shapes depend on run-time data: inferred and allocated per run */
    int fused;              /* an activation its input's producer applies (ONR_OP_FUSES_CLAMP): not run */
    size_t scratch_offset;  /* into the activation arena */
} onr_plan_node;

struct onr_session {
    const onr_model *m;
    onr_options opt;
    onr_threadpool *pool;
    size_t *last_use;           /* per value: last node index reading it; n_nodes for graph outputs */
    unsigned char *needed;      /* per value: read by a node or a graph output */

    /* The plan, valid while `planned` and the bound input shapes equal in_shapes. */
    int planned;
    onr_tensor *in_shapes;      /* per model input: dtype, rank, dims the plan was made for */
    onr_tensor *vals;           /* per value: shape and data pointer */
    unsigned char *known;       /* per value: data known at plan time (initializer or folded) */
    unsigned char *shape_known; /* per value: shape known at plan time (not downstream of an eager node) */
    void **eager_bufs;          /* per value: buffer of an eager node's output, owned, NULL otherwise */
    onr_plan_node *pn;          /* per node */
    const onr_tensor **in_ptrs; /* storage behind every ctx.in */
    onr_tensor **out_ptrs;      /* storage behind every ctx.out */
    void *arena;                /* activations and scratch */
    size_t arena_bytes;
    void **folded;              /* per value: buffer of a folded node's output, owned, NULL otherwise */
    onr_tensor *dump;           /* onr_session_values storage */
    size_t n_dump;
    uint64_t *profile_ns;
};

/* plan.c: (re)plans for the input shapes in s->in_shapes. On failure the session is left unplanned. */
onr_status onr_plan_build(onr_session *s, onr_error *err);
void onr_plan_release(onr_session *s);
/* Checks an output an op's infer produced (type set, size computable, within limits): bytes out. The
 * caller prefixes the node (so do the two below and onr_node_exec). */
onr_status onr_plan_check_output(const onr_session *s, const onr_tensor *t, size_t *bytes, onr_error *err);
/* Fails (ONR_E_NOMEM) when a node asks for more scratch than max_activation_bytes (folded and eager nodes;
 * planned scratch is counted in the arena). */
onr_status onr_plan_check_scratch(const onr_session *s, size_t bytes, onr_error *err);
/* max_activation_bytes, or its default when 0. */
uint64_t onr_plan_activation_limit(const onr_session *s);
/* exec.c: runs node k (already inferred) outside the arena: checks and allocates each requested output
 * into bufs[value] (freeing what was there) and its scratch, then runs it with ctx.when = `when`. With
 * `budget`, the output bytes accumulate there and must stay within onr_plan_activation_limit (plan-time
 * constants). */
onr_status onr_node_exec(onr_session *s, size_t k, void **bufs, size_t *budget, onr_call_time when, onr_error *err);
/* Frees the buffers of all eager values. */
void onr_plan_release_eager(onr_session *s);

/* Session memory goes through the embedder's allocator when one is set. */
void *onr_session_alloc(const onr_session *s, size_t bytes);
void onr_session_dealloc(const onr_session *s, void *p);

#endif
