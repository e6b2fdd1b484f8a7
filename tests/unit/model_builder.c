/* model_builder.c: see model_builder.h. Allocations are tracked in a list and freed together, so the
 * messages are never released with protobuf-c's free_unpacked (they were not unpacked). */
#include "model_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mb {
    void **allocs;
    size_t n_allocs, cap_allocs;
    Onnx__ModelProto *model;
    Onnx__GraphProto *graph;
};

static void oom(void)
{
    fputs("model_builder: out of memory\n", stderr);
    abort(); /* test helper: failing loudly is right here */
}

void *mb_alloc(mb *b, size_t bytes)
{
    if (b->n_allocs == b->cap_allocs) {
        size_t cap = b->cap_allocs ? 2 * b->cap_allocs : 64;
        void **a = realloc(b->allocs, cap * sizeof *a);
        if (!a)
            oom();
        b->allocs = a;
        b->cap_allocs = cap;
    }
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p)
        oom();
    b->allocs[b->n_allocs++] = p;
    return p;
}

char *mb_strdup(mb *b, const char *s)
{
    size_t n = strlen(s);
    char *d = mb_alloc(b, n + 1);
    memcpy(d, s, n);
    return d;
}

/* Appends item to a repeated pointer field (copy-on-grow; old arrays stay tracked until mb_free). */
static void push(mb *b, void ***arr, size_t *n, void *item)
{
    void **a = mb_alloc(b, (*n + 1) * sizeof *a);
    if (*n)
        memcpy(a, *arr, *n * sizeof *a);
    a[(*n)++] = item;
    *arr = a;
}
#define PUSH(b, field, nfield, item) push((b), (void ***)&(field), &(nfield), (item))

mb *mb_new(int64_t opset)
{
    mb *b = calloc(1, sizeof *b);
    if (!b)
        oom();
    b->model = mb_alloc(b, sizeof *b->model);
    onnx__model_proto__init(b->model);
    b->model->has_ir_version = 1;
    b->model->ir_version = 8;
    b->model->producer_name = mb_strdup(b, "model_builder");
    b->graph = mb_alloc(b, sizeof *b->graph);
    onnx__graph_proto__init(b->graph);
    b->graph->name = mb_strdup(b, "g");
    b->model->graph = b->graph;
    if (opset > 0)
        mb_opset(b, "", opset);
    return b;
}

void mb_free(mb *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_allocs; i++)
        free(b->allocs[i]);
    free(b->allocs);
    free(b);
}

Onnx__ModelProto *mb_model(mb *b)
{
    return b->model;
}

Onnx__GraphProto *mb_graph(mb *b)
{
    return b->graph;
}

void mb_opset(mb *b, const char *domain, int64_t version)
{
    Onnx__OperatorSetIdProto *o = mb_alloc(b, sizeof *o);
    onnx__operator_set_id_proto__init(o);
    o->domain = mb_strdup(b, domain);
    o->has_version = 1;
    o->version = version;
    PUSH(b, b->model->opset_import, b->model->n_opset_import, o);
}

/* Splits "a,,b" into {"a", "", "b"}; "" gives no names. */
static void split(mb *b, const char *list, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!list || !*list)
        return;
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char *s = mb_alloc(b, len + 1);
        memcpy(s, p, len);
        PUSH(b, *out, *n, s);
        if (!c)
            break;
        p = c + 1;
    }
}

Onnx__NodeProto *mb_node(mb *b, const char *op, const char *name, const char *ins, const char *outs)
{
    Onnx__NodeProto *n = mb_alloc(b, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = mb_strdup(b, op);
    n->name = name ? mb_strdup(b, name) : NULL;
    n->domain = mb_strdup(b, "");
    split(b, ins, &n->input, &n->n_input);
    split(b, outs, &n->output, &n->n_output);
    PUSH(b, b->graph->node, b->graph->n_node, n);
    return n;
}

void mb_node_domain(mb *b, Onnx__NodeProto *n, const char *domain)
{
    n->domain = mb_strdup(b, domain);
}

static Onnx__AttributeProto *attr(mb *b, Onnx__NodeProto *n, const char *name, Onnx__AttributeProto__AttributeType t)
{
    Onnx__AttributeProto *a = mb_alloc(b, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = mb_strdup(b, name);
    a->has_type = 1;
    a->type = t;
    PUSH(b, n->attribute, n->n_attribute, a);
    return a;
}

Onnx__AttributeProto *mb_attr_int(mb *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
    return a;
}

Onnx__AttributeProto *mb_attr_float(mb *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
    return a;
}

Onnx__AttributeProto *mb_attr_string(mb *b, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)mb_strdup(b, v);
    return a;
}

Onnx__AttributeProto *mb_attr_ints(mb *b, Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = count;
    a->ints = mb_alloc(b, count * sizeof *a->ints);
    if (count)
        memcpy(a->ints, v, count * sizeof *a->ints);
    return a;
}

Onnx__AttributeProto *mb_attr_floats(mb *b, Onnx__NodeProto *n, const char *name, size_t count, const float *v)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->n_floats = count;
    a->floats = mb_alloc(b, count * sizeof *a->floats);
    if (count)
        memcpy(a->floats, v, count * sizeof *a->floats);
    return a;
}

Onnx__AttributeProto *mb_attr_tensor(mb *b, Onnx__NodeProto *n, const char *name, Onnx__TensorProto *t)
{
    Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = t;
    return a;
}

static Onnx__ValueInfoProto *value_info(mb *b, const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = mb_alloc(b, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = mb_strdup(b, name);
    Onnx__TypeProto *tp = mb_alloc(b, sizeof *tp);
    onnx__type_proto__init(tp);
    Onnx__TypeProto__Tensor *tt = mb_alloc(b, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    if (dtype) {
        tt->has_elem_type = 1;
        tt->elem_type = dtype;
    }
    if (rank >= 0) {
        Onnx__TensorShapeProto *sh = mb_alloc(b, sizeof *sh);
        onnx__tensor_shape_proto__init(sh);
        for (int i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension *d = mb_alloc(b, sizeof *d);
            onnx__tensor_shape_proto__dimension__init(d);
            if (dims[i] >= 0) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                d->dim_value = dims[i];
            } else {
                char p[16];
                snprintf(p, sizeof p, "d%d", i);
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                d->dim_param = mb_strdup(b, p);
            }
            PUSH(b, sh->dim, sh->n_dim, d);
        }
        tt->shape = sh;
    }
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->type = tp;
    return vi;
}

Onnx__ValueInfoProto *mb_input(mb *b, const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = value_info(b, name, dtype, rank, dims);
    PUSH(b, b->graph->input, b->graph->n_input, vi);
    return vi;
}

Onnx__ValueInfoProto *mb_output(mb *b, const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = value_info(b, name, dtype, rank, dims);
    PUSH(b, b->graph->output, b->graph->n_output, vi);
    return vi;
}

Onnx__ValueInfoProto *mb_value_info(mb *b, const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = value_info(b, name, dtype, rank, dims);
    PUSH(b, b->graph->value_info, b->graph->n_value_info, vi);
    return vi;
}

Onnx__TensorProto *mb_tensor(mb *b, const char *name, int dtype, int rank, const int64_t *dims, const void *raw,
                             size_t raw_len)
{
    Onnx__TensorProto *t = mb_alloc(b, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = mb_strdup(b, name);
    if (dtype) {
        t->has_data_type = 1;
        t->data_type = dtype;
    }
    t->n_dims = rank > 0 ? (size_t)rank : 0;
    t->dims = mb_alloc(b, (t->n_dims + 1) * sizeof *t->dims);
    if (t->n_dims)
        memcpy(t->dims, dims, t->n_dims * sizeof *t->dims);
    if (raw) {
        t->has_raw_data = 1;
        t->raw_data.len = raw_len;
        t->raw_data.data = mb_alloc(b, raw_len);
        if (raw_len)
            memcpy(t->raw_data.data, raw, raw_len);
    }
    return t;
}

Onnx__TensorProto *mb_init(mb *b, const char *name, int dtype, int rank, const int64_t *dims, const void *raw,
                           size_t raw_len)
{
    Onnx__TensorProto *t = mb_tensor(b, name, dtype, rank, dims, raw, raw_len);
    PUSH(b, b->graph->initializer, b->graph->n_initializer, t);
    return t;
}

Onnx__TensorProto *mb_init_f32(mb *b, const char *name, int rank, const int64_t *dims, const float *v)
{
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    return mb_init(b, name, ONR_DTYPE_FLOAT, rank, dims, v, count * sizeof(float));
}

static Onnx__StringStringEntryProto *entry(mb *b, const char *k, const char *v)
{
    Onnx__StringStringEntryProto *e = mb_alloc(b, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = mb_strdup(b, k);
    e->value = mb_strdup(b, v);
    return e;
}

void mb_external(mb *b, Onnx__TensorProto *t, const char *location, const char *offset, const char *length)
{
    t->has_raw_data = 0;
    t->raw_data.len = 0;
    t->raw_data.data = NULL;
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (location)
        PUSH(b, t->external_data, t->n_external_data, entry(b, "location", location));
    if (offset)
        PUSH(b, t->external_data, t->n_external_data, entry(b, "offset", offset));
    if (length)
        PUSH(b, t->external_data, t->n_external_data, entry(b, "length", length));
}

uint8_t *mb_pack(mb *b, size_t *len)
{
    size_t n = onnx__model_proto__get_packed_size(b->model);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        oom();
    *len = onnx__model_proto__pack(b->model, buf);
    return buf;
}

onr_status mb_load(mb *b, const char *base_dir, onr_model **out, onr_error *err)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    onr_status st = onr_model_load_buffer(buf, len, base_dir, out, err);
    free(buf);
    return st;
}

int mb_write(mb *b, const char *path)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    FILE *f = fopen(path, "wb");
    int rc = -1;
    if (f) {
        rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
        if (fclose(f) != 0)
            rc = -1;
    }
    free(buf);
    return rc;
}
