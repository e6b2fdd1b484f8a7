/* model_mutator.h: a structure-aware libFuzzer mutator for ONNX models, included by the model targets
 * (fuzz_load.c, fuzz_run.c) when built for libFuzzer (ONR_LIBFUZZER). Byte-level mutations of a
 * protobuf mostly break the encoding and stop at the decoder; this one decodes the model, changes one
 * thing the engine has to validate (an attribute value, a dim, an int64 shape/index initializer
 * element, a dtype, an opset, which value a node reads) to an "interesting" value (0, -1, 1, huge,
 * INT64_MIN/MAX, NaN...), and encodes it again, so inputs reach op parse/infer/run. One in four
 * mutations stays byte-level (LLVMFuzzerMutate) to keep testing the decoder and the loader's checks.
 *
 * Edits are made in place on the unpacked message (values and pointer swaps only, never allocation),
 * so protobuf-c's free_unpacked still owns and frees everything. */
#ifndef ONR_FUZZ_MODEL_MUTATOR_H
#define ONR_FUZZ_MODEL_MUTATOR_H

#ifdef ONR_LIBFUZZER

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint32_t mm_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

static size_t mm_pick(uint64_t *s, size_t n)
{
    return n ? mm_next(s) % n : 0;
}

static int64_t mm_int(uint64_t *s)
{
    static const int64_t interesting[] = {0, 1, 2, 3, 4, 5, 7, 8, 16, -1, -2, -3, -8, 255, 256, 65535,
                                          (int64_t)1 << 31, ((int64_t)1 << 31) - 1, (int64_t)1 << 32,
                                          (int64_t)1 << 40, (int64_t)1 << 62, INT64_MAX, INT64_MIN,
                                          INT64_MAX - 1, INT64_MIN + 1, -((int64_t)1 << 31)};
    uint32_t r = mm_next(s);
    if (r % 4 == 0)
        return (int64_t)(mm_next(s) % 33) - 16;
    return interesting[r / 4 % (sizeof interesting / sizeof interesting[0])];
}

static float mm_float(uint64_t *s)
{
    static const float interesting[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 1e-30f, 1e30f, 3.4e38f, -3.4e38f};
    uint32_t r = mm_next(s);
    if (r % 5 == 0)
        return NAN;
    if (r % 5 == 1)
        return (r & 8) ? INFINITY : -INFINITY;
    return interesting[r / 5 % (sizeof interesting / sizeof interesting[0])];
}

static int32_t mm_dtype(uint64_t *s)
{
    static const int32_t types[] = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 0, 8, 14, 99};
    return types[mm_pick(s, sizeof types / sizeof types[0])];
}

static Onnx__NodeProto *mm_node(Onnx__GraphProto *g, uint64_t *s)
{
    return g->n_node ? g->node[mm_pick(s, g->n_node)] : NULL;
}

/* Every place a value name is read or written, to swap names between. */
static char **mm_name_slot(Onnx__GraphProto *g, uint64_t *s)
{
    Onnx__NodeProto *n = mm_node(g, s);
    if (!n)
        return NULL;
    if ((mm_next(s) & 1) && n->n_input)
        return &n->input[mm_pick(s, n->n_input)];
    if (n->n_output)
        return &n->output[mm_pick(s, n->n_output)];
    return NULL;
}

static Onnx__TensorShapeProto__Dimension *mm_dim(Onnx__GraphProto *g, uint64_t *s)
{
    size_t n = g->n_input + g->n_output + g->n_value_info;
    if (!n)
        return NULL;
    size_t k = mm_pick(s, n);
    Onnx__ValueInfoProto *vi = k < g->n_input                ? g->input[k]
                               : k < g->n_input + g->n_output ? g->output[k - g->n_input]
                                                              : g->value_info[k - g->n_input - g->n_output];
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !vi->type->tensor_type)
        return NULL;
    Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
    if (mm_next(s) % 4 == 0) { /* change the element type instead */
        tt->has_elem_type = 1;
        tt->elem_type = mm_dtype(s);
        return NULL;
    }
    if (!tt->shape || !tt->shape->n_dim)
        return NULL;
    return tt->shape->dim[mm_pick(s, tt->shape->n_dim)];
}

static void mm_mutate_model(Onnx__ModelProto *mp, uint64_t *s)
{
    Onnx__GraphProto *g = mp->graph;
    if (!g)
        return;
    switch (mm_next(s) % 10) {
    case 0:
    case 1:
    case 2: { /* an attribute value (the most common way a hostile model attacks an op) */
        Onnx__NodeProto *n = mm_node(g, s);
        if (!n || !n->n_attribute)
            return;
        Onnx__AttributeProto *a = n->attribute[mm_pick(s, n->n_attribute)];
        if (a->n_ints)
            a->ints[mm_pick(s, a->n_ints)] = mm_int(s);
        else if (a->has_i)
            a->i = mm_int(s);
        else if (a->n_floats)
            a->floats[mm_pick(s, a->n_floats)] = mm_float(s);
        else if (a->has_f)
            a->f = mm_float(s);
        else if (a->has_s && a->s.len)
            a->s.data[mm_pick(s, a->s.len)] = (uint8_t)"ASUPERLOWNOTVALID_x\0"[mm_pick(s, 20)];
        if (mm_next(s) % 8 == 0 && a->has_type) /* and sometimes lie about its type */
            a->type = (Onnx__AttributeProto__AttributeType)(mm_next(s) % 15);
        if (mm_next(s) % 16 == 0 && n->n_attribute > 1) { /* or drop the attribute (kernel_shape...) */
            size_t k = mm_pick(s, n->n_attribute);
            Onnx__AttributeProto *t = n->attribute[k];
            n->attribute[k] = n->attribute[n->n_attribute - 1];
            n->attribute[n->n_attribute - 1] = t;
            onnx__attribute_proto__free_unpacked(t, NULL);
            n->n_attribute--;
        }
        return;
    }
    case 3:
    case 4: { /* an element of an integer initializer: shapes, axes, indices, pads, starts/ends */
        if (!g->n_initializer)
            return;
        Onnx__TensorProto *t = g->initializer[mm_pick(s, g->n_initializer)];
        if (t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 && t->has_raw_data && t->raw_data.len >= 8) {
            int64_t v = mm_int(s);
            memcpy(t->raw_data.data + 8 * mm_pick(s, t->raw_data.len / 8), &v, 8);
        } else if (t->n_int64_data) {
            t->int64_data[mm_pick(s, t->n_int64_data)] = mm_int(s);
        } else if (t->n_int32_data) {
            t->int32_data[mm_pick(s, t->n_int32_data)] = (int32_t)mm_int(s);
        } else if (t->n_float_data) {
            t->float_data[mm_pick(s, t->n_float_data)] = mm_float(s);
        } else if (t->has_raw_data && t->raw_data.len >= 4 && t->data_type == 1) {
            float f = mm_float(s);
            memcpy(t->raw_data.data + 4 * mm_pick(s, t->raw_data.len / 4), &f, 4);
        } else if (t->n_dims) {
            t->dims[mm_pick(s, t->n_dims)] = mm_int(s);
        }
        return;
    }
    case 5: { /* a declared dim or dtype of a graph input/output/value_info */
        Onnx__TensorShapeProto__Dimension *d = mm_dim(g, s);
        if (!d || d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
            return;
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = (mm_next(s) & 3) ? (int64_t)(mm_next(s) % 9) : mm_int(s);
        return;
    }
    case 6: { /* rewire: two value names trade places (cycles, undefined inputs, dtype clashes) */
        char **a = mm_name_slot(g, s), **b = mm_name_slot(g, s);
        if (a && b) {
            char *t = *a;
            *a = *b;
            *b = t;
        }
        return;
    }
    case 7: { /* two nodes trade op types (attributes then meet the wrong op) */
        Onnx__NodeProto *a = mm_node(g, s), *b = mm_node(g, s);
        if (a && b) {
            char *t = a->op_type;
            a->op_type = b->op_type;
            b->op_type = t;
        }
        return;
    }
    case 8: { /* opset version, or an initializer's dtype */
        if ((mm_next(s) & 1) && mp->n_opset_import) {
            static const int64_t v[] = {1, 6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 19, 21, 22, 23, 99, 0, -1};
            mp->opset_import[mm_pick(s, mp->n_opset_import)]->version = v[mm_pick(s, sizeof v / sizeof v[0])];
        } else if (g->n_initializer) {
            g->initializer[mm_pick(s, g->n_initializer)]->data_type = mm_dtype(s);
        }
        return;
    }
    default: { /* drop a node's trailing input (optional inputs, wrong arity) */
        Onnx__NodeProto *n = mm_node(g, s);
        if (n && n->n_input) {
            if (mm_next(s) & 1) {
                n->input[n->n_input - 1][0] = '\0'; /* "" = omitted optional input */
            } else {
                /* strings of an unpacked message are malloc'd by protobuf-c's default allocator */
                free(n->input[n->n_input - 1]);
                n->n_input--;
            }
        }
        return;
    }
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    if (mm_next(&s) % 4 == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, size, data);
    if (!mp)
        return LLVMFuzzerMutate(data, size, max_size);
    int rounds = 1 + (int)(mm_next(&s) % 3);
    for (int r = 0; r < rounds; r++)
        mm_mutate_model(mp, &s);
    size_t n = onnx__model_proto__get_packed_size(mp);
    if (n <= max_size)
        n = onnx__model_proto__pack(mp, data);
    else
        n = LLVMFuzzerMutate(data, size, max_size);
    onnx__model_proto__free_unpacked(mp, NULL);
    return n;
}

#endif /* ONR_LIBFUZZER */
#endif
