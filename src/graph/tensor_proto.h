/* tensor_proto.h: the one conversion between onnx.TensorProto and onr_tensor, used by the model loader
 * (initializers, Constant attributes) and the .pb reader/writer. Only this file and the loader see
 * protobuf-c types. */
#ifndef ONR_GRAPH_TENSOR_PROTO_H
#define ONR_GRAPH_TENSOR_PROTO_H

#include "onnx.pb-c.h"
#include "onnxrun.h"

/* Converts a TensorProto into a new owned tensor (free with onr_tensor_free). Data may come from
 * raw_data or any typed field (float_data, int32_data incl. packed 8/16-bit and float16/bfloat16,
 * int64_data, double_data, uint64_data) or, when data_location is EXTERNAL, from a file inside
 * `base_dir` (NULL base_dir refuses external data). Every count and length is checked. `what` names the
 * tensor in messages (e.g. "initializer 'conv1.weight'"). */
onr_status onr_tensor_from_proto(const Onnx__TensorProto *tp, const char *base_dir, const char *what,
                                 onr_tensor **out, onr_error *err);

/* Fills *tp (initialised by the caller with ONNX__TENSOR_PROTO__INIT) to describe t with raw_data
 * pointing at t->data (no copy) and dims at `dims_storage` (rank entries). */
void onr_tensor_to_proto(const onr_tensor *t, Onnx__TensorProto *tp, int64_t *dims_storage);

#endif
