/* model_builder.h: build small ONNX models in C with the protobuf-c API, for tests that need models
 * no exporter would write (hostile, broken, truncated). Every allocation belongs to the builder and is
 * released by mb_free, so a test can poke any field of the message (negative dims, lying raw_data,
 * external data, ...) before packing it.
 *
 *   mb *b = mb_new(13);
 *   mb_input(b, "x", ONR_DTYPE_FLOAT, 4, (int64_t[]){1, 1, 4, 4});
 *   Onnx__NodeProto *n = mb_node(b, "MaxPool", "pool", "x", "y");
 *   mb_attr_ints(b, n, "kernel_shape", 2, (int64_t[]){2, 2});
 *   mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
 *   onr_status st = mb_load(b, &model, &err);
 *   mb_free(b);
 */
#ifndef ONR_TESTS_MODEL_BUILDER_H
#define ONR_TESTS_MODEL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"
#include "onnxrun.h"

typedef struct mb mb;

/* A model with ir_version 8, an ai.onnx opset_import of `opset` (none when opset <= 0) and an empty
 * graph named "g". */
mb *mb_new(int64_t opset);
void mb_free(mb *b);
Onnx__ModelProto *mb_model(mb *b);
Onnx__GraphProto *mb_graph(mb *b);

/* Zeroed memory / string copies owned by the builder. */
void *mb_alloc(mb *b, size_t bytes);
char *mb_strdup(mb *b, const char *s);

/* Adds an opset_import entry. */
void mb_opset(mb *b, const char *domain, int64_t version);

/* Adds a node in the default domain. `ins` / `outs` are comma-separated names; an empty entry ("x,,b")
 * is an omitted optional input. `name` may be NULL. */
Onnx__NodeProto *mb_node(mb *b, const char *op, const char *name, const char *ins, const char *outs);
void mb_node_domain(mb *b, Onnx__NodeProto *n, const char *domain);

/* Attributes, typed as ONNX writes them (type field set). */
Onnx__AttributeProto *mb_attr_int(mb *b, Onnx__NodeProto *n, const char *name, int64_t v);
Onnx__AttributeProto *mb_attr_float(mb *b, Onnx__NodeProto *n, const char *name, float v);
Onnx__AttributeProto *mb_attr_string(mb *b, Onnx__NodeProto *n, const char *name, const char *v);
Onnx__AttributeProto *mb_attr_ints(mb *b, Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v);
Onnx__AttributeProto *mb_attr_floats(mb *b, Onnx__NodeProto *n, const char *name, size_t count, const float *v);
Onnx__AttributeProto *mb_attr_tensor(mb *b, Onnx__NodeProto *n, const char *name, Onnx__TensorProto *t);

/* Graph inputs / outputs / value_info. rank < 0: no shape at all; dims[i] < 0: a symbolic dim named
 * "d<i>". dtype 0 leaves elem_type unset. */
Onnx__ValueInfoProto *mb_input(mb *b, const char *name, int dtype, int rank, const int64_t *dims);
Onnx__ValueInfoProto *mb_output(mb *b, const char *name, int dtype, int rank, const int64_t *dims);
Onnx__ValueInfoProto *mb_value_info(mb *b, const char *name, int dtype, int rank, const int64_t *dims);

/* A TensorProto (not attached to the graph). raw may be NULL: then no raw_data is set. */
Onnx__TensorProto *mb_tensor(mb *b, const char *name, int dtype, int rank, const int64_t *dims, const void *raw,
                             size_t raw_len);
/* The same, attached as a graph initializer. */
Onnx__TensorProto *mb_init(mb *b, const char *name, int dtype, int rank, const int64_t *dims, const void *raw,
                           size_t raw_len);
/* A float initializer from values (raw_data of count * 4 bytes). */
Onnx__TensorProto *mb_init_f32(mb *b, const char *name, int rank, const int64_t *dims, const float *v);
/* Marks t as external data at `location`; offset / length are the strings written (NULL: absent). */
void mb_external(mb *b, Onnx__TensorProto *t, const char *location, const char *offset, const char *length);

/* Serialized bytes (malloc'd, free with free()). */
uint8_t *mb_pack(mb *b, size_t *len);
/* Packs and loads with onr_model_load_buffer (base_dir may be NULL). */
onr_status mb_load(mb *b, const char *base_dir, onr_model **out, onr_error *err);
/* Packs into a file; returns 0 on success. */
int mb_write(mb *b, const char *path);

#endif
