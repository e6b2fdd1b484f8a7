/* session.c: sessions: bind and check inputs, (re)plan when input shapes change, run the nodes, hand
 * out outputs as views. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "graph/session.h"

void *onr_session_alloc(const onr_session *s, size_t bytes)
{
    const onr_allocator *a = s->opt.allocator;
    if (a && a->alloc)
        return a->alloc(a->ctx, bytes ? bytes : 1, 64);
    return onr_alloc_aligned(bytes);
}

void onr_session_dealloc(const onr_session *s, void *p)
{
    const onr_allocator *a = s->opt.allocator;
    if (!p)
        return;
    if (a && a->alloc)
        a->free(a->ctx, p);
    else
        onr_free_aligned(p);
}

void onr_session_free(onr_session *s)
{
    if (!s)
        return;
    onr_plan_release(s);
    onr_threadpool_free(s->pool);
    free(s->folded);
    free(s->last_use);
    free(s->needed);
    free(s->in_shapes);
    free(s->vals);
    free(s->known);
    free(s->shape_known);
    free(s->eager_bufs);
    free(s->pn);
    free(s->in_ptrs);
    free(s->out_ptrs);
    free(s->dump);
    free(s->profile_ns);
    free(s);
}

onr_status onr_session_new(const onr_model *m, const onr_options *opt, onr_session **out, onr_error *err)
{
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_new: out is NULL");
    *out = NULL;
    if (!m)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_new: model is NULL");
    onr_session *s = calloc(1, sizeof *s);
    if (!s)
        return onr_err(err, ONR_E_NOMEM, "out of memory");
    s->m = m;
    if (opt)
        s->opt = *opt;
    if (s->opt.allocator && (!s->opt.allocator->alloc || !s->opt.allocator->free)) {
        free(s);
        return onr_err(err, ONR_E_INVALID_ARG, "allocator: both alloc and free must be set");
    }
    if (s->opt.threads < 0) {
        int threads = s->opt.threads;
        free(s);
        return onr_err(err, ONR_E_INVALID_ARG, "threads must be >= 0, got %d", threads);
    }
    size_t slots_in = 0, slots_out = 0;
    for (size_t k = 0; k < m->n_nodes; k++) {
        slots_in += m->nodes[k].n_in;
        slots_out += m->nodes[k].n_out;
    }
    s->last_use = calloc(m->n_values + 1, sizeof *s->last_use);
    s->needed = calloc(m->n_values + 1, 1);
    s->in_shapes = calloc(m->n_inputs + 1, sizeof *s->in_shapes);
    s->vals = calloc(m->n_values + 1, sizeof *s->vals);
    s->known = calloc(m->n_values + 1, 1);
    s->shape_known = calloc(m->n_values + 1, 1);
    s->eager_bufs = calloc(m->n_values + 1, sizeof *s->eager_bufs);
    s->folded = calloc(m->n_values + 1, sizeof *s->folded);
    s->pn = calloc(m->n_nodes + 1, sizeof *s->pn);
    s->in_ptrs = calloc(slots_in + 1, sizeof *s->in_ptrs);
    s->out_ptrs = calloc(slots_out + 1, sizeof *s->out_ptrs);
    s->dump = calloc(m->n_values + 1, sizeof *s->dump);
    if (s->opt.profile)
        s->profile_ns = calloc(m->n_nodes + 1, sizeof *s->profile_ns);
    if (s->opt.threads > 1)
        s->pool = onr_threadpool_new(s->opt.threads);
    if (!s->last_use || !s->needed || !s->in_shapes || !s->vals || !s->known || !s->shape_known || !s->eager_bufs || !s->folded || !s->pn || !s->in_ptrs ||
        !s->out_ptrs || !s->dump || (s->opt.profile && !s->profile_ns) || (s->opt.threads > 1 && !s->pool)) {
        onr_session_free(s);
        return onr_err(err, ONR_E_NOMEM, "out of memory creating a session");
    }
    for (size_t k = 0; k < m->n_nodes; k++)
        for (size_t i = 0; i < m->nodes[k].n_in; i++) {
            int v = m->nodes[k].in[i];
            if (v >= 0) {
                s->last_use[v] = k;
                s->needed[v] = 1;
            }
        }
    for (size_t i = 0; i < m->n_outputs; i++) {
        s->last_use[m->outputs[i]] = m->n_nodes;
        s->needed[m->outputs[i]] = 1;
    }
    /* Plan now when every input shape is fixed, so shape errors surface at creation, not first run. */
    int fixed = 1;
    for (size_t i = 0; i < m->n_inputs && fixed; i++) {
        const onr_value_info *d = &m->input_infos[i];
        if (d->rank < 0 || !onr_dtype_known(d->dtype))
            fixed = 0;
        for (int32_t j = 0; fixed && j < d->rank; j++)
            fixed = d->dims[j] >= 0;
        if (fixed) {
            s->in_shapes[i].dtype = d->dtype;
            s->in_shapes[i].rank = d->rank;
            memcpy(s->in_shapes[i].dims, d->dims, sizeof d->dims);
        }
    }
    if (fixed) {
        onr_status st = onr_plan_build(s, err);
        if (st != ONR_OK) {
            onr_session_free(s);
            return st;
        }
    }
    *out = s;
    return ONR_OK;
}

static onr_status check_input(const onr_value_info *d, const onr_tensor *t, onr_error *err)
{
    char want[128], got[128];
    if (d->dtype != ONR_DTYPE_UNDEFINED && t->dtype != d->dtype)
        return onr_err(err, ONR_E_INVALID_ARG, "input '%s': expected %s, got %s", d->name, onr_dtype_name(d->dtype),
                       onr_dtype_name(t->dtype));
    if (!onr_dtype_known(t->dtype))
        return onr_err(err, ONR_E_INVALID_ARG, "input '%s': unknown data type %d", d->name, (int)t->dtype);
    if (t->rank < 0 || t->rank > ONR_MAX_RANK)
        return onr_err(err, ONR_E_INVALID_ARG, "input '%s': rank %d is outside 0..%d", d->name, (int)t->rank,
                       ONR_MAX_RANK);
    int ok = d->rank < 0 || d->rank == t->rank;
    for (int32_t i = 0; ok && d->rank >= 0 && i < d->rank; i++)
        ok = d->dims[i] < 0 || d->dims[i] == t->dims[i];
    if (!ok) {
        onr_shape_str(d->rank, d->dims, want, sizeof want);
        onr_shape_str(t->rank, t->dims, got, sizeof got);
        return onr_err(err, ONR_E_INVALID_ARG, "input '%s': expected shape %s (-1 = any), got %s", d->name, want, got);
    }
    size_t bytes;
    char what[160];
    snprintf(what, sizeof what, "input '%s'", d->name);
    /* Keep shape_bytes' message (it names the negative dim or the overflow); the caller is at fault. */
    if (onr_shape_bytes(t->dtype, t->rank, t->dims, &bytes, what, err) != ONR_OK) {
        if (err)
            err->code = ONR_E_INVALID_ARG;
        return ONR_E_INVALID_ARG;
    }
    if (bytes && !t->data)
        return onr_err(err, ONR_E_INVALID_ARG, "input '%s': data is NULL", d->name);
    return ONR_OK;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A node whose output shapes depend on run-time data: infer now that every input holds data, then
 * allocate its outputs and scratch for this run only. */
static onr_status run_eager(onr_session *s, size_t k, onr_error *err)
{
    onr_op_ctx *c = &s->pn[k].ctx;
    c->scratch_bytes = 0;
    c->when = ONR_CALL_EAGER;
    onr_status st = s->m->nodes[k].def->infer(c, err);
    c->when = ONR_CALL_USUAL;
    if (st == ONR_E_NEEDS_DATA)
        return onr_err(err, ONR_E_INTERNAL, "input data still missing at run time");
    if (st != ONR_OK)
        return st;
    return onr_node_exec(s, k, s->eager_bufs, NULL, ONR_CALL_USUAL, err);
}

onr_status onr_session_run(onr_session *s, const onr_tensor *in, size_t n_in, const char *const *out_names,
                           onr_tensor *out, size_t n_out, onr_error *err)
{
    if (!s)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_run: session is NULL");
    const onr_model *m = s->m;
    if (n_in && !in)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_run: inputs are NULL");
    if (n_out && !out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_run: outputs are NULL");
    if (!out_names && n_out != m->n_outputs)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_session_run: the model has %zu outputs, %zu requested",
                       m->n_outputs, n_out);

    /* Match given tensors to model inputs by name. */
    const onr_tensor **bound = calloc(m->n_inputs + 1, sizeof *bound);
    if (!bound)
        return onr_err(err, ONR_E_NOMEM, "out of memory");
    onr_status st = ONR_OK;
    for (size_t j = 0; j < n_in && st == ONR_OK; j++) {
        const char *name = in[j].name ? in[j].name : "";
        size_t i = 0;
        while (i < m->n_inputs && strcmp(m->input_infos[i].name, name) != 0)
            i++;
        if (i == m->n_inputs)
            st = onr_err(err, ONR_E_INVALID_ARG, "input '%s' is not an input of the model (it has %zu: first '%s')", name,
                         m->n_inputs, m->n_inputs ? m->input_infos[0].name : "");
        else if (bound[i])
            st = onr_err(err, ONR_E_INVALID_ARG, "input '%s' is given twice", name);
        else if ((st = check_input(&m->input_infos[i], &in[j], err)) == ONR_OK)
            bound[i] = &in[j];
    }
    for (size_t i = 0; i < m->n_inputs && st == ONR_OK; i++)
        if (!bound[i])
            st = onr_err(err, ONR_E_INVALID_ARG, "input '%s' is missing", m->input_infos[i].name);

    /* Re-plan only when a shape or type differs from the plan's. */
    int same = s->planned;
    for (size_t i = 0; i < m->n_inputs && st == ONR_OK && same; i++)
        same = bound[i]->dtype == s->in_shapes[i].dtype &&
               onr_shape_equal(bound[i]->rank, bound[i]->dims, s->in_shapes[i].rank, s->in_shapes[i].dims);
    if (st == ONR_OK && !same) {
        for (size_t i = 0; i < m->n_inputs; i++) {
            memset(&s->in_shapes[i], 0, sizeof s->in_shapes[i]);
            s->in_shapes[i].dtype = bound[i]->dtype;
            s->in_shapes[i].rank = bound[i]->rank;
            memcpy(s->in_shapes[i].dims, bound[i]->dims, (size_t)bound[i]->rank * sizeof(int64_t));
        }
        st = onr_plan_build(s, err);
    }
    if (st == ONR_OK)
        for (size_t i = 0; i < m->n_inputs; i++)
            s->vals[m->inputs[i]].data = bound[i]->data;
    free(bound);
    if (st != ONR_OK)
        return st;

    onr_plan_release_eager(s); /* the previous run's eager outputs are no longer promised to anyone */
    for (size_t k = 0; k < m->n_nodes; k++) {
        onr_plan_node *p = &s->pn[k];
        if (p->folded || p->fused)
            continue;
        uint64_t t0 = s->profile_ns ? now_ns() : 0;
        st = p->eager ? run_eager(s, k, err) : m->nodes[k].def->run(&p->ctx, err);
        if (st != ONR_OK)
            return onr_err_prefix(err, "%s", m->nodes[k].label);
        if (s->profile_ns)
            s->profile_ns[k] = now_ns() - t0;
        if (!s->opt.keep_values)
            for (size_t i = 0; i < m->nodes[k].n_in; i++) {
                int v = m->nodes[k].in[i];
                if (v >= 0 && s->eager_bufs[v] && s->last_use[v] == k) {
                    onr_session_dealloc(s, s->eager_bufs[v]);
                    s->eager_bufs[v] = NULL;
                    s->vals[v].data = NULL;
                }
            }
    }

    for (size_t j = 0; j < n_out; j++) {
        int v = -1;
        if (!out_names) {
            v = m->outputs[j];
        } else {
            for (size_t i = 0; i < m->n_outputs && v < 0; i++)
                if (out_names[j] && strcmp(m->values[m->outputs[i]].name, out_names[j]) == 0)
                    v = m->outputs[i];
            if (v < 0)
                return onr_err(err, ONR_E_INVALID_ARG, "output '%s' is not an output of the model",
                               out_names[j] ? out_names[j] : "(null)");
        }
        out[j] = s->vals[v];
        out[j].name = m->values[v].name;
    }
    return ONR_OK;
}

size_t onr_session_values(const onr_session *s, const onr_tensor **values)
{
    if (!s || !values)
        return 0;
    onr_session *w = (onr_session *)s; /* the dump array is a cache the const view may refresh */
    size_t n = 0;
    if (s->planned)
        for (size_t k = 0; k < s->m->n_nodes; k++)
            for (size_t o = 0; o < s->pn[k].ctx.n_out; o++)
                if (s->pn[k].ctx.out[o])
                    w->dump[n++] = *s->pn[k].ctx.out[o];
    w->n_dump = n;
    *values = w->dump;
    return n;
}

size_t onr_session_profile(const onr_session *s, const uint64_t **ns_per_node)
{
    if (!s || !s->profile_ns || !ns_per_node)
        return 0;
    *ns_per_node = s->profile_ns;
    return s->m->n_nodes;
}
