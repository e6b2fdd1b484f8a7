/* graph.c: topological order of the nodes (Kahn's algorithm, keeping file order among ready nodes so
 * already-sorted models keep their order), and cycle detection. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "graph/model.h"

onr_status onr_graph_sort(onr_model *m, onr_error *err)
{
    size_t n = m->n_nodes;
    if (n == 0)
        return ONR_OK;
    size_t *pending = calloc(n, sizeof *pending);  /* inputs of node k not yet produced */
    size_t *order = malloc(n * sizeof *order);
    size_t *heap = malloc(n * sizeof *heap);        /* min-heap of ready node indices */
    int *new_index = malloc(n * sizeof *new_index);
    onr_node *sorted = malloc(n * sizeof *sorted);
    size_t *first = NULL, *consumer = NULL;
    onr_status st = ONR_OK;
    if (!pending || !order || !heap || !new_index || !sorted) {
        st = onr_err(err, ONR_E_NOMEM, "out of memory while sorting the graph");
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < m->nodes[k].n_in; i++) {
            int v = m->nodes[k].in[i];
            if (v >= 0 && m->values[v].producer >= 0)
                pending[k]++;
        }
    /* first[v]..first[v+1]: positions in `consumer` of the nodes reading value v (once per use). */
    first = calloc(m->n_values + 2, sizeof *first);
    size_t uses = 0;
    for (size_t k = 0; k < n; k++)
        uses += m->nodes[k].n_in;
    consumer = malloc((uses + 1) * sizeof *consumer);
    if (!first || !consumer) {
        st = onr_err(err, ONR_E_NOMEM, "out of memory while sorting the graph");
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < m->nodes[k].n_in; i++)
            if (m->nodes[k].in[i] >= 0)
                first[m->nodes[k].in[i] + 2]++;
    for (size_t v = 0; v < m->n_values; v++)
        first[v + 2] += first[v + 1];
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < m->nodes[k].n_in; i++)
            if (m->nodes[k].in[i] >= 0)
                consumer[first[m->nodes[k].in[i] + 1]++] = k;
    size_t hn = 0, done_count = 0;
#define HEAP_PUSH(x)                                                                                              \
    do {                                                                                                          \
        size_t c_ = hn++;                                                                                         \
        heap[c_] = (x);                                                                                           \
        while (c_ && heap[(c_ - 1) / 2] > heap[c_]) {                                                             \
            size_t t_ = heap[c_];                                                                                 \
            heap[c_] = heap[(c_ - 1) / 2];                                                                        \
            heap[(c_ - 1) / 2] = t_;                                                                              \
            c_ = (c_ - 1) / 2;                                                                                    \
        }                                                                                                         \
    } while (0)
    for (size_t k = 0; k < n; k++)
        if (!pending[k])
            HEAP_PUSH(k);
    while (hn) {
        size_t k = heap[0];
        heap[0] = heap[--hn];
        for (size_t c = 0;;) { /* sift down */
            size_t l = 2 * c + 1, r = l + 1, s = c;
            if (l < hn && heap[l] < heap[s])
                s = l;
            if (r < hn && heap[r] < heap[s])
                s = r;
            if (s == c)
                break;
            size_t t = heap[c];
            heap[c] = heap[s];
            heap[s] = t;
            c = s;
        }
        order[done_count++] = k;
        /* Release the consumers of k's outputs (CSR lists: linear in graph size). */
        for (size_t o = 0; o < m->nodes[k].n_out; o++) {
            int v = m->nodes[k].out[o];
            if (v < 0)
                continue;
            for (size_t c = first[v]; c < first[v + 1]; c++)
                if (--pending[consumer[c]] == 0)
                    HEAP_PUSH(consumer[c]);
        }
    }
#undef HEAP_PUSH
    if (done_count != n) {
        for (size_t k = 0; k < n; k++)
            if (pending[k]) {
                st = onr_err(err, ONR_E_INVALID_MODEL, "%s: the graph has a cycle through this node",
                             m->nodes[k].label);
                break;
            }
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i] = m->nodes[order[i]];
        new_index[order[i]] = (int)i;
    }
    memcpy(m->nodes, sorted, n * sizeof *sorted);
    for (size_t i = 0; i < m->n_values; i++)
        if (m->values[i].producer >= 0)
            m->values[i].producer = new_index[m->values[i].producer];
done:
    free(pending);
    free(order);
    free(heap);
    free(new_index);
    free(sorted);
    free(first);
    free(consumer);
    return st;
}
