/* plan.c: shape inference, constant folding and the activation memory plan for one set of input
 * shapes. Folding runs a node at plan time when every input it reads is known (initializers, Constant,
 * and Shape-derived subgraphs such as PyTorch's Shape->Gather->Unsqueeze->Concat->Reshape), so those
 * never run per inference. Activations share one arena: each value gets an offset that no value alive
 * at the same time overlaps (greedy by size, as TFLite's planner does). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "graph/session.h"

#define ALIGN 64
#define DEFAULT_MAX_TENSOR_BYTES ((uint64_t)4 << 30)
#define DEFAULT_MAX_ACTIVATION_BYTES ((uint64_t)16 << 30)

typedef struct interval {
    size_t first, last;     /* node indices during which the block is live, inclusive */
    size_t bytes;           /* rounded up to ALIGN */
    size_t offset;
    int value;              /* value id, or -1 - node index for a node's scratch */
} interval;

void onr_plan_release_eager(onr_session *s)
{
    for (size_t v = 0; s->eager_bufs && v < s->m->n_values; v++) {
        onr_session_dealloc(s, s->eager_bufs[v]);
        s->eager_bufs[v] = NULL;
    }
}

void onr_plan_release(onr_session *s)
{
    onr_plan_release_eager(s);
    for (size_t v = 0; s->folded && v < s->m->n_values; v++) { /* NULL: session_new ran out of memory */
        onr_session_dealloc(s, s->folded[v]);
        s->folded[v] = NULL;
    }
    onr_session_dealloc(s, s->arena);
    s->arena = NULL;
    s->arena_bytes = 0;
    s->planned = 0;
}

static int by_size_desc(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Places every interval; returns the arena size, or SIZE_MAX on overflow/out of memory. Placed blocks
 * are kept sorted by offset, so each new block is one pass over them (skipping blocks not alive at the
 * same time) instead of a filter and a sort: 100k values alive together took 4 minutes the old way. */
static size_t place(interval *iv, size_t n)
{
    size_t total = 0, n_placed = 0;
    interval **placed = malloc((n + 1) * sizeof *placed);
    if (!placed)
        return SIZE_MAX;
    qsort(iv, n, sizeof *iv, by_size_desc);
    for (size_t i = 0; i < n; i++) {
        size_t off = 0;
        for (size_t j = 0; j < n_placed; j++) {
            const interval *p = placed[j];
            if (p->first > iv[i].last || iv[i].first > p->last)
                continue; /* not alive at the same time */
            if (p->offset >= off && p->offset - off >= iv[i].bytes)
                break; /* fits in the gap before p */
            size_t end = p->offset + p->bytes;
            if (end > off)
                off = end;
        }
        iv[i].offset = off;
        if (off > SIZE_MAX - iv[i].bytes) {
            free(placed);
            return SIZE_MAX;
        }
        if (off + iv[i].bytes > total)
            total = off + iv[i].bytes;
        size_t lo = 0, hi = n_placed; /* insert after the blocks at offsets <= off */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (placed[mid]->offset <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(placed + lo + 1, placed + lo, (n_placed - lo) * sizeof *placed);
        placed[lo] = &iv[i];
        n_placed++;
    }
    free(placed);
    return total;
}

static size_t round_up(size_t n)
{
    return n > SIZE_MAX - ALIGN ? SIZE_MAX : (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

uint64_t onr_plan_activation_limit(const onr_session *s)
{
    return s->opt.max_activation_bytes ? s->opt.max_activation_bytes : DEFAULT_MAX_ACTIVATION_BYTES;
}

onr_status onr_plan_check_output(const onr_session *s, const onr_tensor *t, size_t *bytes, onr_error *err)
{
    char what[160];
    snprintf(what, sizeof what, "output '%s'", t->name);
    if (!onr_dtype_known(t->dtype))
        return onr_err(err, ONR_E_INTERNAL, "%s: op did not set a data type", what);
    onr_status st = onr_shape_bytes(t->dtype, t->rank, t->dims, bytes, what, err);
    if (st != ONR_OK)
        return st;
    uint64_t limit = s->opt.max_tensor_bytes ? s->opt.max_tensor_bytes : DEFAULT_MAX_TENSOR_BYTES;
    if (*bytes > limit)
        return onr_err(err, ONR_E_NOMEM, "%s: %zu bytes exceed the tensor limit of %llu bytes", what, *bytes,
                       (unsigned long long)limit);
    return ONR_OK;
}

onr_status onr_plan_check_scratch(const onr_session *s, size_t bytes, onr_error *err)
{
    uint64_t limit = onr_plan_activation_limit(s);
    if (bytes > limit)
        return onr_err(err, ONR_E_NOMEM, "%zu bytes of scratch exceed the activation limit of %llu bytes", bytes,
                       (unsigned long long)limit);
    return ONR_OK;
}

/* Runs node k now and keeps its outputs as constants of this plan. Folded values count against
 * max_activation_bytes like planned activations (*folded_total accumulates), so a small model of
 * constants cannot make the planner allocate without bound. */
static onr_status fold(onr_session *s, size_t k, size_t *folded_total, onr_error *err)
{
    const onr_node *node = &s->m->nodes[k];
    onr_status st = onr_node_exec(s, k, s->folded, folded_total, ONR_CALL_FOLDING, err);
    if (st != ONR_OK)
        return onr_err_prefix(err, "%s", node->label);
    for (size_t o = 0; o < node->n_out; o++)
        if (s->pn[k].ctx.out[o])
            s->known[node->out[o]] = 1;
    s->pn[k].folded = 1;
    return ONR_OK;
}

/* Whether node k, just inferred and not folded, is an activation (Relu, Clip) to fuse into the node
 * that computes its input (op.h, ONR_OP_FUSES_CLAMP); if so, hands that node the clamp and marks k as
 * not run. Only when nothing else can see the unclamped value: k is its only reader, it is not a graph
 * output, and the caller did not ask to keep every value (onr_options.keep_values). */
static bool fuse_clamp(onr_session *s, size_t k, const unsigned *readers)
{
    const onr_node *node = &s->m->nodes[k];
    if (!node->def->as_clamp || s->opt.keep_values || node->n_in < 1 || node->in[0] < 0)
        return false;
    int v = node->in[0], q = s->m->values[v].producer;
    if (q < 0 || readers[v] != 1 || s->last_use[v] >= s->m->n_nodes)
        return false;
    onr_plan_node *pq = &s->pn[q];
    const onr_node *prod = &s->m->nodes[q];
    if (!(prod->def->flags & ONR_OP_FUSES_CLAMP) || pq->folded || pq->eager || pq->ctx.clamp.on ||
        prod->out[0] != v || s->vals[v].dtype != ONR_DTYPE_FLOAT)
        return false;
    onr_clamp clamp;
    if (!node->def->as_clamp(&s->pn[k].ctx, &clamp))
        return false;
    pq->ctx.clamp = clamp;
    s->pn[k].fused = 1;
    return true;
}

onr_status onr_plan_build(onr_session *s, onr_error *err)
{
    const onr_model *m = s->m;
    onr_status st = ONR_OK;
    interval *iv = NULL;
    size_t n_iv = 0, n_outputs_total = 0, folded_total = 0;
    onr_plan_release(s);

    for (size_t k = 0; k < m->n_nodes; k++)
        n_outputs_total += m->nodes[k].n_out;
    iv = calloc(n_outputs_total + m->n_nodes + 1, sizeof *iv);
    int *iv_of = malloc((m->n_values + 1) * sizeof *iv_of);          /* value -> its interval, -1 */
    int *alias_root = malloc((m->n_values + 1) * sizeof *alias_root); /* value -> value it aliases, -1 */
    unsigned *readers = calloc(m->n_values + 1, sizeof *readers);    /* value -> input slots reading it */
    if (!iv || !iv_of || !alias_root || !readers) {
        free(iv);
        free(iv_of);
        free(alias_root);
        free(readers);
        return onr_err(err, ONR_E_NOMEM, "out of memory while planning");
    }
    for (size_t k = 0; k < m->n_nodes; k++)
        for (size_t i = 0; i < m->nodes[k].n_in; i++)
            if (m->nodes[k].in[i] >= 0 && readers[m->nodes[k].in[i]] < UINT_MAX)
                readers[m->nodes[k].in[i]]++;

    /* Values as the plan starts: initializers known, model inputs shaped but not yet bound. */
    for (size_t v = 0; v < m->n_values; v++) {
        iv_of[v] = alias_root[v] = -1;
        const onr_value *val = &m->values[v];
        memset(&s->vals[v], 0, sizeof s->vals[v]);
        s->known[v] = 0;
        if (val->init) {
            s->vals[v] = *val->init;
            s->known[v] = 1;
        } else if (val->input_index >= 0) {
            s->vals[v] = s->in_shapes[val->input_index];
            s->vals[v].data = NULL;
        }
        s->vals[v].name = val->name;
        s->shape_known[v] = val->init || val->input_index >= 0;
    }

    size_t slot_in = 0, slot_out = 0;
    for (size_t k = 0; k < m->n_nodes; k++) {
        const onr_node *node = &m->nodes[k];
        onr_plan_node *p = &s->pn[k];
        onr_op_ctx *c = &p->ctx;
        memset(p, 0, sizeof *p);
        c->params = node->params;
        c->opset = node->desc.opset;
        c->pool = s->pool;
        c->n_in = node->n_in;
        c->in = s->in_ptrs + slot_in;
        c->n_out = node->n_out;
        c->out = s->out_ptrs + slot_out;
        int all_known = 1, shapes_known = 1;
        for (size_t i = 0; i < node->n_in; i++) {
            int v = node->in[i];
            s->in_ptrs[slot_in + i] = v >= 0 ? &s->vals[v] : NULL;
            if (v >= 0 && !s->known[v])
                all_known = 0;
            if (v >= 0 && !s->shape_known[v])
                shapes_known = 0;
        }
        for (size_t o = 0; o < node->n_out; o++) {
            int v = node->out[o];
            /* Optional outputs nobody reads are not computed (e.g. MaxPool's Indices, Dropout's mask). */
            int skip = v < 0 || ((int)o >= node->def->min_out && !s->needed[v] && !s->opt.keep_values);
            s->out_ptrs[slot_out + o] = skip ? NULL : &s->vals[v];
        }
        slot_in += node->n_in;
        slot_out += node->n_out;

        for (size_t o = 0; o < node->n_out; o++)
            if (c->out[o])
                c->out[o]->name = m->values[node->out[o]].name;
        st = shapes_known ? node->def->infer(c, err) : ONR_E_NEEDS_DATA;
        if (st == ONR_E_NEEDS_DATA) {
            /* Downstream of run-time data: this node is shaped and allocated when it runs. */
            p->eager = 1;
            c->scratch_bytes = 0;
            continue;
        }
        if (st != ONR_OK) {
            onr_err_prefix(err, "%s", node->label);
            goto fail;
        }
        for (size_t o = 0; o < node->n_out; o++)
            if (c->out[o])
                s->shape_known[node->out[o]] = 1;

        if (all_known || (node->def->flags & ONR_OP_SHAPE_ONLY)) {
            if ((st = fold(s, k, &folded_total, err)) != ONR_OK)
                goto fail;
            continue;
        }
        bool fused = fuse_clamp(s, k, readers);
        for (size_t o = 0; o < node->n_out; o++) {
            if (!c->out[o])
                continue;
            size_t bytes;
            if ((st = onr_plan_check_output(s, c->out[o], &bytes, err)) != ONR_OK) {
                onr_err_prefix(err, "%s", node->label);
                goto fail;
            }
            int v = node->out[o];
            size_t last = s->opt.keep_values ? m->n_nodes : s->last_use[v] > k ? s->last_use[v] : k;
            int v0 = node->n_in ? node->in[0] : -1;
            int root = v0 >= 0 && alias_root[v0] >= 0 ? alias_root[v0] : v0;
            if (o == 0 && ((node->def->flags & ONR_OP_ALIAS_INPUT0) || fused) && root >= 0 && iv_of[root] >= 0) {
                /* Share input 0's block, which now lives as long as either value is read (a fused
                 * activation's output is its input's buffer, clamped in place by the producer). */
                alias_root[v] = root;
                if (iv[iv_of[root]].last < last)
                    iv[iv_of[root]].last = last;
                continue;
            }
            interval *x = &iv[n_iv];
            iv_of[v] = (int)n_iv++;
            x->first = k;
            x->last = last;
            x->bytes = round_up(bytes);
            x->value = v;
        }
        if (c->scratch_bytes) {
            interval *x = &iv[n_iv++];
            x->first = x->last = k;
            x->bytes = round_up(c->scratch_bytes);
            x->value = -1 - (int)k;
        }
    }

    size_t total = place(iv, n_iv);
    uint64_t limit = onr_plan_activation_limit(s);
    if (total == SIZE_MAX || total > limit) {
        st = onr_err(err, ONR_E_NOMEM, "activations need %zu bytes, over the limit of %llu bytes", total,
                     (unsigned long long)limit);
        goto fail;
    }
    s->arena = onr_session_alloc(s, total ? total : ALIGN);
    if (!s->arena) {
        st = onr_err(err, ONR_E_NOMEM, "cannot allocate %zu bytes of activations", total);
        goto fail;
    }
    s->arena_bytes = total;
    for (size_t i = 0; i < n_iv; i++) {
        unsigned char *p = (unsigned char *)s->arena + iv[i].offset;
        if (iv[i].value >= 0)
            s->vals[iv[i].value].data = p;
        else
            s->pn[(size_t)(-1 - iv[i].value)].ctx.scratch = p;
    }
    for (size_t v = 0; v < m->n_values; v++)
        if (alias_root[v] >= 0)
            s->vals[v].data = s->vals[alias_root[v]].data;
    free(iv);
    free(iv_of);
    free(alias_root);
    free(readers);
    s->planned = 1;
    return ONR_OK;
fail:
    free(iv);
    free(iv_of);
    free(alias_root);
    free(readers);
    onr_plan_release(s);
    return st;
}
