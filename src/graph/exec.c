/* exec.c: running one node outside the activation arena: check and allocate each requested output and
 * the node's scratch, then run it. Folding at plan time (plan.c) and eager nodes whose shapes depend on
 * run-time data (session.c) both go through here; they differ only in which per-value array keeps the
 * buffers, whether the bytes count against a plan-time budget, and the ctx.when the op sees. */
#include "core/shape.h"
#include "graph/session.h"

onr_status onr_node_exec(onr_session *s, size_t k, void **bufs, size_t *budget, onr_call_time when, onr_error *err)
{
    const onr_node *node = &s->m->nodes[k];
    onr_op_ctx *c = &s->pn[k].ctx;
    onr_status st = onr_plan_check_scratch(s, c->scratch_bytes, err);
    if (st != ONR_OK)
        return st;
    for (size_t o = 0; o < c->n_out; o++) {
        if (!c->out[o])
            continue;
        size_t bytes;
        if ((st = onr_plan_check_output(s, c->out[o], &bytes, err)) != ONR_OK)
            return st;
        if (budget) {
            uint64_t limit = onr_plan_activation_limit(s);
            if (!onr_add_size(*budget, bytes, budget) || *budget > limit)
                return onr_err(err, ONR_E_NOMEM,
                               "output '%s': constants folded at plan time exceed the activation limit of %llu bytes",
                               c->out[o]->name, (unsigned long long)limit);
        }
        int v = node->out[o];
        onr_session_dealloc(s, bufs[v]);
        if (!(bufs[v] = onr_session_alloc(s, bytes)))
            return onr_err(err, ONR_E_NOMEM, "output '%s': cannot allocate %zu bytes", c->out[o]->name, bytes);
        c->out[o]->data = bufs[v];
    }
    void *scratch = NULL;
    if (c->scratch_bytes && !(scratch = onr_session_alloc(s, c->scratch_bytes)))
        return onr_err(err, ONR_E_NOMEM, "cannot allocate %zu bytes of scratch", c->scratch_bytes);
    c->scratch = scratch;
    c->when = when;
    st = node->def->run(c, err);
    c->when = ONR_CALL_USUAL;
    c->scratch = NULL;
    onr_session_dealloc(s, scratch);
    return st;
}
