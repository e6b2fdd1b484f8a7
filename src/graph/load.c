/* load.c: ModelProto -> onr_model. The only place (with tensor_proto.c) that sees protobuf-c types:
 * everything the engine keeps is converted into the project's own structures here, validated, and the
 * protobuf is freed before returning. Memory: the file is mapped, not read (core/file.h), protobuf-c
 * decodes with graph/pb_alloc.h's allocator, which releases the file pages already decoded, and large
 * tensors keep the block protobuf-c decoded them into, so the peak stays near one copy of the weights. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/file.h"
#include "core/file_release.h"
#include "core/shape.h"
#include "graph/model.h"
#include "graph/names.h"
#include "graph/pb_alloc.h"
#include "graph/tensor_proto.h"
#include "onnx.pb-c.h"

/* protobuf's own hard limit for one message. */
#define MAX_MODEL_BYTES ((uint64_t)2 << 30)

typedef struct loader {
    onr_model *m;
    Onnx__ModelProto *mp;
    onr_pb_alloc *alloc; /* mp was decoded with it: tensors take their data from mp */
    onr_names names;
    onr_error *err;
} loader;

static int is_default_domain(const char *d)
{
    return !d || !*d || strcmp(d, "ai.onnx") == 0;
}

static int64_t opset_of(const onr_model *m, const char *domain)
{
    for (size_t i = 0; i < m->n_opsets; i++) {
        const char *d = m->opsets[i].domain;
        if ((is_default_domain(d) && is_default_domain(domain)) || (domain && strcmp(d, domain) == 0))
            return m->opsets[i].version;
    }
    return -1;
}

static onr_status nomem(onr_error *err, const char *what)
{
    return onr_err(err, ONR_E_NOMEM, "out of memory while loading %s", what);
}

static onr_status load_opsets(loader *L)
{
    onr_model *m = L->m;
    const Onnx__ModelProto *mp = L->mp;
    m->opsets = onr_arena_array(&m->arena, mp->n_opset_import + 1, sizeof *m->opsets);
    if (!m->opsets)
        return nomem(L->err, "opsets");
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        const char *d = o->domain ? o->domain : "";
        if (!o->has_version || o->version < 1)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "opset_import for domain '%s' has no valid version", d);
        if (opset_of(m, d) >= 0)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "opset_import lists domain '%s' twice", d);
        m->opsets[m->n_opsets].domain = onr_arena_strdup(&m->arena, is_default_domain(d) ? "" : d);
        m->opsets[m->n_opsets].version = o->version;
        m->n_opsets++;
    }
    /* IR version < 3 models predate opset_import: they mean ai.onnx opset 1. From IR 3 on it is required. */
    if (mp->n_opset_import == 0 && mp->has_ir_version && mp->ir_version >= 3)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "the model has no opset_import (required from IR version 3)");
    if (opset_of(m, "") < 0 && mp->n_opset_import == 0) {
        m->opsets[m->n_opsets].domain = "";
        m->opsets[m->n_opsets].version = 1;
        m->n_opsets++;
    }
    return ONR_OK;
}

static onr_status convert_type(loader *L, const Onnx__ValueInfoProto *vi, onr_value_info *out, const char *role)
{
    out->name = onr_arena_strdup(&L->m->arena, vi->name);
    out->rank = -1;
    out->dtype = ONR_DTYPE_UNDEFINED;
    const Onnx__TypeProto *tp = vi->type;
    if (!tp)
        return ONR_OK; /* untyped graph inputs/outputs exist in old models */
    if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return onr_err(L->err, ONR_E_UNSUPPORTED, "%s '%s': only tensor types are supported", role, vi->name);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (tt->has_elem_type && tt->elem_type != 0) {
        if (!onr_dtype_known(tt->elem_type))
            return onr_err(L->err, ONR_E_UNSUPPORTED, "%s '%s': data type %d is not supported", role, vi->name,
                           (int)tt->elem_type);
        out->dtype = (onr_dtype)tt->elem_type;
    }
    if (tt->shape) {
        if (tt->shape->n_dim > ONR_MAX_RANK)
            return onr_err(L->err, ONR_E_UNSUPPORTED, "%s '%s': rank %zu exceeds the maximum %d", role, vi->name,
                           tt->shape->n_dim, ONR_MAX_RANK);
        out->rank = (int32_t)tt->shape->n_dim;
        for (size_t i = 0; i < tt->shape->n_dim; i++) {
            const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
            out->dims[i] = -1;
            if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
                if (d->dim_value < 0)
                    return onr_err(L->err, ONR_E_INVALID_MODEL, "%s '%s': dim %zu is negative (%lld)", role,
                                   vi->name, i, (long long)d->dim_value);
                out->dims[i] = d->dim_value;
            } else if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM) {
                out->dim_params[i] = onr_arena_strdup(&L->m->arena, d->dim_param);
            }
        }
        /* A fully known shape whose element count overflows can never be bound: broken, not big. */
        int all_known = 1;
        size_t count;
        for (int32_t i = 0; i < out->rank; i++)
            all_known &= out->dims[i] >= 0;
        if (all_known && onr_shape_count(out->rank, out->dims, &count, role, NULL) != ONR_OK) {
            char shape[160];
            onr_shape_str(out->rank, out->dims, shape, sizeof shape);
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s '%s': shape %s has more elements than memory can address",
                           role, vi->name, shape);
        }
    }
    return ONR_OK;
}

static int add_value(loader *L, const char *name)
{
    onr_model *m = L->m;
    int id = (int)m->n_values;
    onr_value *v = &m->values[id];
    v->name = onr_arena_strdup(&m->arena, name);
    if (!v->name || !onr_names_put(&L->names, v->name, id))
        return -1;
    v->producer = -1;
    v->input_index = -1;
    v->decl.rank = -1;
    v->decl.name = v->name;
    m->n_values++;
    return id;
}

static onr_status load_initializers(loader *L, Onnx__GraphProto *g)
{
    onr_model *m = L->m;
    if (g->n_sparse_initializer)
        return onr_err(L->err, ONR_E_UNSUPPORTED, "sparse initializers are not supported");
    m->inits = onr_arena_array(&m->arena, g->n_initializer + 1, sizeof *m->inits);
    if (!m->inits)
        return nomem(L->err, "initializers");
    for (size_t i = 0; i < g->n_initializer; i++) {
        Onnx__TensorProto *tp = g->initializer[i];
        char what[160];
        if (!tp->name || !*tp->name)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "initializer #%zu has no name", i);
        snprintf(what, sizeof what, "initializer '%s'", tp->name);
        if (onr_names_get(&L->names, tp->name) >= 0)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s is defined twice", what);
        int id = add_value(L, tp->name);
        if (id < 0)
            return nomem(L->err, what);
        /* Takes the decoded data out of tp (adopted or copied and freed), so a large model is never
         * held twice. */
        onr_status st = onr_tensor_take_proto(tp, L->alloc, m->base_dir, what, &m->values[id].init, L->err);
        if (st != ONR_OK)
            return st;
        m->values[id].init->name = m->values[id].name;
        m->inits[m->n_inits++] = id;
    }
    return ONR_OK;
}

static onr_status load_inputs(loader *L, const Onnx__GraphProto *g)
{
    onr_model *m = L->m;
    m->inputs = onr_arena_array(&m->arena, g->n_input + 1, sizeof *m->inputs);
    m->input_infos = onr_arena_array(&m->arena, g->n_input + 1, sizeof *m->input_infos);
    if (!m->inputs || !m->input_infos)
        return nomem(L->err, "graph inputs");
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        if (!vi->name || !*vi->name)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "graph input #%zu has no name", i);
        int id = onr_names_get(&L->names, vi->name);
        onr_value_info info;
        memset(&info, 0, sizeof info);
        onr_status st = convert_type(L, vi, &info, "graph input");
        if (st != ONR_OK)
            return st;
        if (id >= 0) {
            onr_value *v = &m->values[id];
            if (!v->init || v->has_decl)
                return onr_err(L->err, ONR_E_INVALID_MODEL, "graph input '%s' is listed twice", vi->name);
            /* An input with an initializer is a weight with a default, not a model input. */
            v->decl = info;
            v->has_decl = 1;
            continue;
        }
        id = add_value(L, vi->name);
        if (id < 0)
            return nomem(L->err, "graph inputs");
        onr_value *v = &m->values[id];
        v->decl = info;
        v->decl.name = v->name;
        v->has_decl = 1;
        v->input_index = (int)m->n_inputs;
        m->input_infos[m->n_inputs] = v->decl;
        m->inputs[m->n_inputs++] = id;
    }
    return ONR_OK;
}

static onr_attr_type infer_attr_type(const Onnx__AttributeProto *a)
{
    /* Old models omit `type`; the field that is set tells it. */
    if (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
        return (onr_attr_type)a->type;
    if (a->has_f) return ONR_ATTR_FLOAT;
    if (a->has_i) return ONR_ATTR_INT;
    if (a->has_s) return ONR_ATTR_STRING;
    if (a->t) return ONR_ATTR_TENSOR;
    if (a->g) return ONR_ATTR_GRAPH;
    if (a->n_floats) return ONR_ATTR_FLOATS;
    if (a->n_ints) return ONR_ATTR_INTS;
    if (a->n_strings) return ONR_ATTR_STRINGS;
    if (a->n_tensors) return ONR_ATTR_TENSORS;
    if (a->n_graphs) return ONR_ATTR_GRAPHS;
    return ONR_ATTR_UNDEFINED;
}

static onr_status convert_attr(loader *L, const Onnx__AttributeProto *a, onr_attr *out, const char *label)
{
    onr_arena *ar = &L->m->arena;
    if (!a->name || !*a->name)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: attribute without a name", label);
    if (a->ref_attr_name && *a->ref_attr_name)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: attribute '%s' refers to a function attribute outside a function",
                       label, a->name);
    out->name = onr_arena_strdup(ar, a->name);
    out->type = infer_attr_type(a);
    switch (out->type) {
    case ONR_ATTR_FLOAT: out->f = a->f; break;
    case ONR_ATTR_INT: out->i = a->i; break;
    case ONR_ATTR_STRING:
        out->s = onr_arena_strndup(ar, (const char *)a->s.data, a->s.len);
        out->s_len = a->s.len;
        if (!out->s)
            return nomem(L->err, label);
        break;
    case ONR_ATTR_FLOATS:
        out->n = a->n_floats;
        out->floats = onr_arena_array(ar, a->n_floats, sizeof(float));
        if (!out->floats)
            return nomem(L->err, label);
        if (a->n_floats)
            memcpy((float *)out->floats, a->floats, a->n_floats * sizeof(float));
        break;
    case ONR_ATTR_INTS:
        out->n = a->n_ints;
        out->ints = onr_arena_array(ar, a->n_ints, sizeof(int64_t));
        if (!out->ints)
            return nomem(L->err, label);
        if (a->n_ints)
            memcpy((int64_t *)out->ints, a->ints, a->n_ints * sizeof(int64_t));
        break;
    case ONR_ATTR_STRINGS: {
        char **s = onr_arena_array(ar, a->n_strings, sizeof(char *));
        if (!s)
            return nomem(L->err, label);
        for (size_t i = 0; i < a->n_strings; i++)
            if (!(s[i] = onr_arena_strndup(ar, (const char *)a->strings[i].data, a->strings[i].len)))
                return nomem(L->err, label);
        out->n = a->n_strings;
        out->strings = (const char *const *)s;
        break;
    }
    case ONR_ATTR_TENSOR: {
        char what[200];
        onr_tensor *t;
        snprintf(what, sizeof what, "%s: attribute '%s'", label, a->name);
        onr_model *m = L->m;
        if (!a->t)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s has no tensor", what);
        onr_status st = onr_tensor_take_proto(a->t, L->alloc, m->base_dir, what, &t, L->err);
        if (st != ONR_OK)
            return st;
        m->attr_tensors[m->n_attr_tensors++] = t;
        if (a->t->name && *a->t->name && !(t->name = onr_arena_strdup(&m->arena, a->t->name)))
            return nomem(L->err, what);
        out->t = t;
        break;
    }
    case ONR_ATTR_UNDEFINED:
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: attribute '%s' has no type and no value", label, a->name);
    default:
        break; /* graphs, sparse tensors, type protos: kept by type only; no supported op reads them */
    }
    return ONR_OK;
}

static size_t effective_count(char **names, size_t n)
{
    /* Trailing "" entries are omitted optional inputs/outputs. */
    while (n > 0 && (!names[n - 1] || !*names[n - 1]))
        n--;
    return n;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Attribute names must be unique. Sorted, not compared pairwise: a 1.6 MB model with 100k attributes on
 * one node kept the pairwise check busy for two minutes. */
static onr_status duplicate_attr(const onr_attr *attrs, size_t n, const char *label, onr_error *err)
{
    if (n < 2)
        return ONR_OK;
    const char **names = malloc(n * sizeof *names);
    if (!names)
        return nomem(err, label);
    for (size_t i = 0; i < n; i++)
        names[i] = attrs[i].name;
    qsort(names, n, sizeof *names, by_name);
    onr_status st = ONR_OK;
    for (size_t i = 1; i < n && st == ONR_OK; i++)
        if (strcmp(names[i - 1], names[i]) == 0)
            st = onr_err(err, ONR_E_INVALID_MODEL, "%s: attribute '%s' appears twice", label, names[i]);
    free(names);
    return st;
}

static onr_status load_node(loader *L, Onnx__NodeProto *np, size_t idx)
{
    onr_model *m = L->m;
    onr_arena *ar = &m->arena;
    onr_node *n = &m->nodes[idx];
    const char *op = np->op_type ? np->op_type : "";
    const char *domain = np->domain ? np->domain : "";
    int64_t opset = opset_of(m, domain);
    /* "node 'name' (Op-13)", or "(Op)" when the node's domain has no opset to name */
    int k = np->name && *np->name ? snprintf(n->label, sizeof n->label, "node '%s' (%s", np->name, op)
                                  : snprintf(n->label, sizeof n->label, "node #%zu (%s", idx, op);
    if (k >= 0 && (size_t)k < sizeof n->label) {
        if (opset >= 0)
            snprintf(n->label + k, sizeof n->label - (size_t)k, "-%lld)", (long long)opset);
        else
            snprintf(n->label + k, sizeof n->label - (size_t)k, ")");
    }
    if (!*op)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: op_type is empty", n->label);
    if (opset < 0)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: domain '%s' is not in the model's opset_import", n->label,
                       domain);
    n->def = onr_op_find(domain, op, opset, L->err);
    if (!n->def)
        return onr_err_prefix(L->err, "%s", n->label);

    n->desc.name = onr_arena_strdup(ar, np->name);
    n->desc.op_type = onr_arena_strdup(ar, op);
    n->desc.domain = onr_arena_strdup(ar, is_default_domain(domain) ? "" : domain);
    n->desc.opset = opset;
    n->desc.n_inputs = np->n_input;
    n->desc.n_outputs = np->n_output;

    size_t n_in = effective_count(np->input, np->n_input), n_out = effective_count(np->output, np->n_output);
    if ((int64_t)n_in < n->def->min_in || (int64_t)n_in > n->def->max_in)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: has %zu inputs, the op takes %d to %d", n->label, n_in,
                       n->def->min_in, n->def->max_in);
    if ((int64_t)n_out < n->def->min_out || (int64_t)n_out > n->def->max_out)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: has %zu outputs, the op gives %d to %d", n->label, n_out,
                       n->def->min_out, n->def->max_out);
    for (size_t i = 0; i < (size_t)n->def->min_in; i++)
        if (!np->input[i] || !*np->input[i])
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: required input %zu is empty", n->label, i);

    n->n_in = n_in;
    n->n_out = n_out;
    n->in = onr_arena_array(ar, n_in + 1, sizeof(int));
    n->out = onr_arena_array(ar, n_out + 1, sizeof(int));
    onr_attr *attrs = onr_arena_array(ar, np->n_attribute + 1, sizeof(onr_attr));
    if (!n->in || !n->out || !attrs || !n->desc.name || !n->desc.op_type)
        return nomem(L->err, n->label);

    for (size_t i = 0; i < np->n_attribute; i++) {
        onr_status st = convert_attr(L, np->attribute[i], &attrs[i], n->label);
        if (st != ONR_OK)
            return st;
    }
    onr_status dup = duplicate_attr(attrs, np->n_attribute, n->label, L->err);
    if (dup != ONR_OK)
        return dup;
    n->desc.attrs = attrs;
    n->desc.n_attrs = np->n_attribute;

    for (size_t i = 0; i < n_out; i++) {
        const char *name = np->output[i];
        if (!name || !*name) {
            n->out[i] = -1;
            continue;
        }
        if (onr_names_get(&L->names, name) >= 0)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: output '%s' is already defined elsewhere", n->label, name);
        int id = add_value(L, name);
        if (id < 0)
            return nomem(L->err, n->label);
        m->values[id].producer = (int)idx;
        n->out[i] = id;
    }
    return ONR_OK;
}

static onr_status resolve_inputs_and_parse(loader *L, Onnx__GraphProto *g)
{
    onr_model *m = L->m;
    for (size_t k = 0; k < m->n_nodes; k++) {
        onr_node *n = &m->nodes[k];
        Onnx__NodeProto *np = g->node[k];
        for (size_t i = 0; i < n->n_in; i++) {
            const char *name = np->input[i];
            if (!name || !*name) {
                n->in[i] = -1;
                continue;
            }
            int id = onr_names_get(&L->names, name);
            if (id < 0)
                return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: input '%s' is not defined by any node, input or initializer",
                               n->label, name);
            n->in[i] = id;
        }
        /* An op without a parse hook has no attributes in ONNX; the checker rejects unknown ones. */
        if (!n->def->parse && n->desc.n_attrs)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "%s: attribute '%s' is not defined for %s", n->label,
                           n->desc.attrs[0].name, n->desc.op_type);
        if (n->def->params_size) {
            n->params = onr_arena_alloc(&m->arena, n->def->params_size);
            if (!n->params)
                return nomem(L->err, n->label);
        }
        if (n->def->parse) {
            onr_status st = n->def->parse(&n->desc, n->params, L->err);
            if (st != ONR_OK) {
                /* Parse may have allocated before failing; free_params must cope with partial params. */
                if (n->def->free_params)
                    n->def->free_params(n->params);
                n->def = NULL; /* so model_free does not free twice */
                return onr_err_prefix(L->err, "%s", n->label);
            }
        }
    }
    return ONR_OK;
}

static onr_status load_outputs(loader *L, const Onnx__GraphProto *g)
{
    onr_model *m = L->m;
    m->outputs = onr_arena_array(&m->arena, g->n_output + 1, sizeof(int));
    m->output_infos = onr_arena_array(&m->arena, g->n_output + 1, sizeof(onr_value_info));
    unsigned char *listed = onr_arena_alloc(&m->arena, m->n_values + 1); /* zeroed */
    if (!m->outputs || !m->output_infos || !listed)
        return nomem(L->err, "graph outputs");
    if (g->n_output == 0)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "the graph has no outputs");
    for (size_t i = 0; i < g->n_output; i++) {
        const Onnx__ValueInfoProto *vi = g->output[i];
        const char *name = vi->name ? vi->name : "";
        int id = onr_names_get(&L->names, name);
        if (id < 0)
            return onr_err(L->err, ONR_E_INVALID_MODEL, "graph output '%s' is not produced by any node", name);
        if (listed[id]) /* a marker per value, not a pairwise scan: 100k outputs are linear */
            return onr_err(L->err, ONR_E_INVALID_MODEL, "graph output '%s' is listed twice", name);
        listed[id] = 1;
        onr_value_info info;
        memset(&info, 0, sizeof info);
        onr_status st = convert_type(L, vi, &info, "graph output");
        if (st != ONR_OK)
            return st;
        info.name = m->values[id].name;
        m->output_infos[i] = info;
        m->outputs[i] = id;
        m->n_outputs++;
    }
    return ONR_OK;
}

static onr_status build_node_infos(loader *L)
{
    onr_model *m = L->m;
    m->node_infos = onr_arena_array(&m->arena, m->n_nodes + 1, sizeof *m->node_infos);
    if (!m->node_infos)
        return nomem(L->err, "node table");
    for (size_t k = 0; k < m->n_nodes; k++) {
        const onr_node *n = &m->nodes[k];
        onr_node_info *ni = &m->node_infos[k];
        const char **ins = onr_arena_array(&m->arena, n->n_in + 1, sizeof(char *));
        const char **outs = onr_arena_array(&m->arena, n->n_out + 1, sizeof(char *));
        if (!ins || !outs)
            return nomem(L->err, "node table");
        for (size_t i = 0; i < n->n_in; i++)
            ins[i] = n->in[i] >= 0 ? m->values[n->in[i]].name : "";
        for (size_t i = 0; i < n->n_out; i++)
            outs[i] = n->out[i] >= 0 ? m->values[n->out[i]].name : "";
        ni->name = n->desc.name;
        ni->op_type = n->desc.op_type;
        ni->domain = n->desc.domain;
        ni->opset = n->desc.opset;
        ni->n_inputs = n->n_in;
        ni->n_outputs = n->n_out;
        ni->inputs = ins;
        ni->outputs = outs;
    }
    return ONR_OK;
}

static onr_status build(loader *L)
{
    onr_model *m = L->m;
    Onnx__ModelProto *mp = L->mp;
    onr_status st;
    m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
    {
        char prod[256];
        snprintf(prod, sizeof prod, "%s%s%s", mp->producer_name ? mp->producer_name : "",
                 mp->producer_version && *mp->producer_version ? " " : "",
                 mp->producer_version ? mp->producer_version : "");
        m->producer = onr_arena_strdup(&m->arena, prod);
    }
    if ((st = load_opsets(L)) != ONR_OK)
        return st;
    Onnx__GraphProto *g = mp->graph;
    if (!g)
        return onr_err(L->err, ONR_E_INVALID_MODEL, "the model has no graph");

    size_t n_names = g->n_initializer + g->n_input, n_attr_tensors = 0;
    for (size_t k = 0; k < g->n_node; k++) {
        if (!onr_add_size(n_names, g->node[k]->n_output, &n_names))
            return nomem(L->err, "graph");
        for (size_t i = 0; i < g->node[k]->n_attribute; i++)
            n_attr_tensors += g->node[k]->attribute[i]->t != NULL;
    }
    if (!onr_names_init(&L->names, n_names))
        return nomem(L->err, "name table");
    m->values = onr_arena_array(&m->arena, n_names + 1, sizeof *m->values);
    m->nodes = onr_arena_array(&m->arena, g->n_node + 1, sizeof *m->nodes);
    m->attr_tensors = calloc(n_attr_tensors + 1, sizeof *m->attr_tensors);
    if (!m->values || !m->nodes || !m->attr_tensors)
        return nomem(L->err, "graph");

    if ((st = load_initializers(L, g)) != ONR_OK || (st = load_inputs(L, g)) != ONR_OK)
        return st;
    for (size_t k = 0; k < g->n_node; k++) {
        m->n_nodes = k + 1; /* counted before load so a failed node's partial state is freed */
        if ((st = load_node(L, g->node[k], k)) != ONR_OK)
            return st;
    }
    if ((st = resolve_inputs_and_parse(L, g)) != ONR_OK)
        return st;
    if ((st = onr_graph_sort(m, L->err)) != ONR_OK)
        return st;
    if ((st = load_outputs(L, g)) != ONR_OK)
        return st;
    return build_node_infos(L);
}

/* `view` is where data lives when it is a model file (its pages are released while decoding), or NULL. */
static onr_status load_message(const void *data, size_t size, const onr_file_view *view, const char *base_dir,
                               const char *what, onr_model **out, onr_error *err)
{
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_model_load: out is NULL");
    *out = NULL;
    if (!data && size)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_model_load_buffer: data is NULL");
    if (size == 0)
        return onr_err(err, ONR_E_PARSE, "%s: empty file, not an ONNX model", what);
    onr_pb_alloc alloc;
    onr_pb_alloc_init(&alloc, view);
    onr_file_releaser releaser;
    onr_file_releaser_start(&releaser, view);
    Onnx__ModelProto *mp = onnx__model_proto__unpack(&alloc.base, size, data);
    onr_file_releaser_stop(&releaser);
    onr_file_view_drop(view); /* decoded: the file's bytes are not read again */
    if (!mp)
        return onr_err(err, ONR_E_PARSE, "%s: not an ONNX model (protobuf decoding failed)", what);
    onr_model *m = calloc(1, sizeof *m);
    if (!m) {
        onnx__model_proto__free_unpacked(mp, &alloc.base);
        return onr_err(err, ONR_E_NOMEM, "out of memory");
    }
    onr_status st = ONR_OK;
    if (base_dir && !(m->base_dir = strdup(base_dir)))
        st = onr_err(err, ONR_E_NOMEM, "out of memory");
    loader L = {.m = m, .mp = mp, .alloc = &alloc, .err = err};
    if (st == ONR_OK)
        st = build(&L);
    onr_names_free(&L.names);
    onnx__model_proto__free_unpacked(mp, &alloc.base);
    if (st != ONR_OK) {
        onr_model_free(m);
        return st;
    }
    *out = m;
    return ONR_OK;
}

onr_status onr_model_load_buffer(const void *data, size_t size, const char *base_dir, onr_model **out,
                                 onr_error *err)
{
    return load_message(data, size, NULL, base_dir, "buffer", out, err);
}

onr_status onr_model_load_file(const char *path, onr_model **out, onr_error *err)
{
    onr_file_view view;
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_model_load_file: out is NULL");
    *out = NULL;
    onr_status st = onr_file_view_open(path, MAX_MODEL_BYTES, &view, err);
    if (st != ONR_OK)
        return st;
    char *dir = onr_path_dirname(path);
    if (!dir) {
        onr_file_view_close(&view);
        return onr_err(err, ONR_E_NOMEM, "out of memory");
    }
    st = load_message(view.data, view.size, &view, dir, path, out, err);
    free(dir);
    onr_file_view_close(&view);
    return st;
}
