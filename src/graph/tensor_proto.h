/* tensor_proto.h: the one conversion between onnx.TensorProto and onr_tensor, used by the model loader
 * (initializers, Constant attributes) and the .pb reader/writer. Only this file and the loader see
 * protobuf-c types. */
#ifndef ONR_GRAPH_TENSOR_PROTO_H
#define ONR_GRAPH_TENSOR_PROTO_H

#include "onnx.pb-c.h"
#include "onnxrun.h"

struct onr_pb_alloc;

/* Converts a TensorProto into a new owned tensor (free with onr_tensor_free). Data may come from
 * raw_data or any typed field (float_data, int32_data incl. packed 8/16-bit and float16/bfloat16,
 * int64_data, double_data, uint64_data) or, when data_location is EXTERNAL, from a file inside
 * `base_dir` (NULL base_dir refuses external data). Every count and length is checked. `what` names the
 * tensor in messages (e.g. "initializer 'conv1.weight'"). */
onr_status onr_tensor_from_proto(const Onnx__TensorProto *tp, const char *base_dir, const char *what,
                                 onr_tensor **out, onr_error *err);

/* The same for a message decoded with `alloc` (graph/pb_alloc.h), taking its data: a data block of
 * ONR_PB_BIG bytes or more stored as the tensor stores it (raw_data, or float_data / int32_data /
 * int64_data / double_data / uint64_data of that very type) becomes the tensor's data without a copy;
 * any other data is copied and its field freed at once. On success tp's data fields are left empty, so
 * the decoded model never holds a tensor's bytes beside the tensor. An adopted tensor's name is "":
 * the caller names it. The checks are onr_tensor_from_proto's. */
onr_status onr_tensor_take_proto(Onnx__TensorProto *tp, struct onr_pb_alloc *alloc, const char *base_dir,
                                 const char *what, onr_tensor **out, onr_error *err);

/* Fills *tp (initialised by the caller with ONNX__TENSOR_PROTO__INIT) to describe t with raw_data
 * pointing at t->data (no copy) and dims at `dims_storage` (rank entries). */
void onr_tensor_to_proto(const onr_tensor *t, Onnx__TensorProto *tp, int64_t *dims_storage);

#endif
