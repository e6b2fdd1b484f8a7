/* model.c: the read-only accessors of onr_model and its release. */
#include <stdlib.h>
#include <string.h>

#include "graph/model.h"

void onr_model_free(onr_model *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n_nodes; k++) {
        onr_node *n = &m->nodes[k];
        if (n->def && n->def->free_params && n->params)
            n->def->free_params(n->params);
    }
    for (size_t i = 0; i < m->n_values; i++)
        onr_tensor_free(m->values[i].init);
    for (size_t i = 0; i < m->n_attr_tensors; i++)
        onr_tensor_free(m->attr_tensors[i]);
    free(m->attr_tensors);
    free(m->base_dir);
    onr_arena_free(&m->arena);
    free(m);
}

size_t onr_model_input_count(const onr_model *m)
{
    return m ? m->n_inputs : 0;
}

const onr_value_info *onr_model_input(const onr_model *m, size_t i)
{
    return m && i < m->n_inputs ? &m->input_infos[i] : NULL;
}

size_t onr_model_output_count(const onr_model *m)
{
    return m ? m->n_outputs : 0;
}

const onr_value_info *onr_model_output(const onr_model *m, size_t i)
{
    return m && i < m->n_outputs ? &m->output_infos[i] : NULL;
}

size_t onr_model_node_count(const onr_model *m)
{
    return m ? m->n_nodes : 0;
}

const onr_node_info *onr_model_node(const onr_model *m, size_t i)
{
    return m && i < m->n_nodes ? &m->node_infos[i] : NULL;
}

size_t onr_model_opset_count(const onr_model *m)
{
    return m ? m->n_opsets : 0;
}

const onr_opset *onr_model_opset(const onr_model *m, size_t i)
{
    return m && i < m->n_opsets ? &m->opsets[i] : NULL;
}

const char *onr_model_producer(const onr_model *m)
{
    return m && m->producer ? m->producer : "";
}

int64_t onr_model_ir_version(const onr_model *m)
{
    return m ? m->ir_version : 0;
}

size_t onr_model_initializer_count(const onr_model *m)
{
    return m ? m->n_inits : 0;
}

const onr_tensor *onr_model_initializer_at(const onr_model *m, size_t i)
{
    return m && i < m->n_inits ? m->values[m->inits[i]].init : NULL;
}

const onr_tensor *onr_model_initializer(const onr_model *m, const char *name)
{
    if (!m || !name)
        return NULL;
    for (size_t i = 0; i < m->n_inits; i++)
        if (strcmp(m->values[m->inits[i]].name, name) == 0)
            return m->values[m->inits[i]].init;
    return NULL;
}
