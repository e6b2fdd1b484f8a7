/* attr.c: attribute lookup and type checks shared by every op's parse hook. */
#include "ops/attr.h"

#include <string.h>

static const char *type_name(onr_attr_type t)
{
    static const char *const names[] = {"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS",
                                        "INTS", "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSOR",
                                        "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "UNKNOWN";
}

const onr_attr *onr_attr_find(const onr_node_desc *node, const char *name)
{
    for (size_t i = 0; i < node->n_attrs; i++)
        if (strcmp(node->attrs[i].name, name) == 0)
            return &node->attrs[i];
    return NULL;
}

static onr_status typed(const onr_node_desc *node, const char *name, onr_attr_type want, const onr_attr **out,
                        onr_error *err)
{
    const onr_attr *a = onr_attr_find(node, name);
    *out = a;
    if (a && a->type != want)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' must be %s, got %s", name, type_name(want),
                       type_name(a->type));
    return ONR_OK;
}

onr_status onr_attr_int(const onr_node_desc *node, const char *name, int64_t def, int64_t *out, onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_INT, &a, err);
    if (st == ONR_OK)
        *out = a ? a->i : def;
    return st;
}

onr_status onr_attr_float(const onr_node_desc *node, const char *name, float def, float *out, onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_FLOAT, &a, err);
    if (st == ONR_OK)
        *out = a ? a->f : def;
    return st;
}

onr_status onr_attr_string(const onr_node_desc *node, const char *name, const char *def, const char **out,
                           onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_STRING, &a, err);
    if (st == ONR_OK)
        *out = a ? a->s : def;
    return st;
}

onr_status onr_attr_ints(const onr_node_desc *node, const char *name, const int64_t **vals, size_t *n,
                         onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_INTS, &a, err);
    *vals = st == ONR_OK && a ? a->ints : NULL;
    *n = st == ONR_OK && a ? a->n : 0;
    return st;
}

onr_status onr_attr_floats(const onr_node_desc *node, const char *name, const float **vals, size_t *n,
                           onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_FLOATS, &a, err);
    *vals = st == ONR_OK && a ? a->floats : NULL;
    *n = st == ONR_OK && a ? a->n : 0;
    return st;
}

onr_status onr_attr_strings(const onr_node_desc *node, const char *name, const char *const **vals, size_t *n,
                            onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_STRINGS, &a, err);
    *vals = st == ONR_OK && a ? a->strings : NULL;
    *n = st == ONR_OK && a ? a->n : 0;
    return st;
}

onr_status onr_attr_tensor(const onr_node_desc *node, const char *name, const onr_tensor **out, onr_error *err)
{
    const onr_attr *a;
    onr_status st = typed(node, name, ONR_ATTR_TENSOR, &a, err);
    *out = st == ONR_OK && a ? a->t : NULL;
    return st;
}

onr_status onr_attr_require(const onr_node_desc *node, const char *name, onr_error *err)
{
    if (!onr_attr_find(node, name))
        return onr_err(err, ONR_E_INVALID_MODEL, "required attribute '%s' is missing", name);
    return ONR_OK;
}

onr_status onr_attr_allow(const onr_node_desc *node, const char *const *allowed, onr_error *err)
{
    for (size_t i = 0; i < node->n_attrs; i++) {
        size_t j = 0;
        while (allowed[j] && strcmp(allowed[j], node->attrs[i].name) != 0)
            j++;
        if (!allowed[j])
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute '%s' is not defined for %s at opset %lld",
                           node->attrs[i].name, node->op_type, (long long)node->opset);
    }
    return ONR_OK;
}
