/* tensor_pb.c: serialized onnx.TensorProto files (the ONNX backend tests' input_K.pb / output_K.pb) <->
 * owned tensors. Decoding and every count/length check live in graph/tensor_proto.c, shared with the
 * model loader; this file only unpacks/packs the protobuf bytes and handles files. */
#include <stdlib.h>

#include "core/error.h"
#include "core/file.h"
#include "graph/tensor_proto.h"
#include "io/tensor_file.h"

/* base_dir: folder for external data (NULL refuses it); what: names the source in messages. */
static onr_status parse_pb(const void *data, size_t size, const char *base_dir, const char *what, onr_tensor **out,
                           onr_error *err)
{
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!data && size)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: data is NULL", what);
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, size, data);
    if (!tp)
        return onr_err(err, ONR_E_PARSE, "%s: not a valid serialized TensorProto", what);
    onr_status st;
    /* A buffer has no folder to resolve external data against: refuse it before the converter sizes
     * (and allocates) the tensor from dims the bytes merely claim. */
    if (!base_dir && tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        st = onr_err(err, ONR_E_INVALID_ARG, "%s: uses external data, which an in-memory TensorProto cannot have",
                     what);
    else
        st = onr_tensor_from_proto(tp, base_dir, what, out, err);
    onnx__tensor_proto__free_unpacked(tp, NULL);
    return st;
}

onr_status onr_tensor_parse_pb(const void *data, size_t size, onr_tensor **out, onr_error *err)
{
    return parse_pb(data, size, NULL, "TensorProto buffer", out, err);
}

onr_status onr_tensor_load_pb(const char *path, onr_tensor **out, onr_error *err)
{
    void *data;
    size_t size;
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_load_pb: out is NULL");
    *out = NULL;
    onr_status st = onr_read_file(path, ONR_TENSOR_FILE_MAX_BYTES, &data, &size, err);
    if (st != ONR_OK)
        return st;
    /* External data of a tensor file resolves (confined) against the file's own folder, like a model's. */
    char *dir = onr_path_dirname(path);
    if (!dir)
        st = onr_err(err, ONR_E_NOMEM, "%s: out of memory", path);
    else
        st = parse_pb(data, size, dir, path, out, err);
    free(dir);
    free(data);
    return st;
}

onr_status onr_tensor_save_pb(const onr_tensor *t, const char *path, onr_error *err)
{
    size_t bytes;
    if (!path)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_save_pb: path is NULL");
    onr_status st = onr_tensor_check_writable(t, path, &bytes, err);
    if (st != ONR_OK)
        return st;
    Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
    int64_t dims[ONR_MAX_RANK];
    onr_tensor_to_proto(t, &tp, dims);
    size_t n = onnx__tensor_proto__get_packed_size(&tp);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return onr_err(err, ONR_E_NOMEM, "%s: cannot allocate %zu bytes", path, n);
    size_t packed = onnx__tensor_proto__pack(&tp, buf);
    if (packed != n)
        st = onr_err(err, ONR_E_INTERNAL, "%s: TensorProto packed to %zu bytes, expected %zu", path, packed, n);
    else
        st = onr_write_file2(path, buf, n, NULL, 0, err);
    free(buf);
    return st;
}
