/* attr.h: typed, validated attribute access for parse hooks. Each getter fails with
 * ONR_E_INVALID_MODEL naming the attribute when it has the wrong type; absent attributes give the
 * default. */
#ifndef ONR_OPS_ATTR_H
#define ONR_OPS_ATTR_H

#include "ops/op.h"

const onr_attr *onr_attr_find(const onr_node_desc *node, const char *name);

onr_status onr_attr_int(const onr_node_desc *node, const char *name, int64_t def, int64_t *out, onr_error *err);
onr_status onr_attr_float(const onr_node_desc *node, const char *name, float def, float *out, onr_error *err);
onr_status onr_attr_string(const onr_node_desc *node, const char *name, const char *def, const char **out,
                           onr_error *err);
/* Absent: *vals = NULL, *n = 0. */
onr_status onr_attr_ints(const onr_node_desc *node, const char *name, const int64_t **vals, size_t *n,
                         onr_error *err);
onr_status onr_attr_floats(const onr_node_desc *node, const char *name, const float **vals, size_t *n,
                           onr_error *err);
onr_status onr_attr_strings(const onr_node_desc *node, const char *name, const char *const **vals, size_t *n,
                            onr_error *err);
/* Absent: *out = NULL. */
onr_status onr_attr_tensor(const onr_node_desc *node, const char *name, const onr_tensor **out, onr_error *err);

/* Fails if a required attribute is absent. */
onr_status onr_attr_require(const onr_node_desc *node, const char *name, onr_error *err);
/* Fails naming the first attribute of the node that is not in the NULL-terminated `allowed` list
 * (an attribute that does not exist at the model's opset is invalid ONNX). */
onr_status onr_attr_allow(const onr_node_desc *node, const char *const *allowed, onr_error *err);

#endif
