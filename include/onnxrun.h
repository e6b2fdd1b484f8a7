/* onnxrun.h: the public API of libonnxrun, an ONNX model runner for the CPU.
 *
 * Conventions that hold for every function below:
 *  - Fallible calls return an onr_status and, when `err` is not NULL, fill it with a message that names
 *    the node, op, attribute, tensor or file at fault. The library never prints, aborts or exits.
 *  - Every *_free accepts NULL.
 *  - A model is immutable after load and may be shared by many sessions on many threads. A session runs
 *    one call at a time (callers serialize onr_session_run on one session) and owns its activation memory.
 *  - Tensors handed out by a session are views valid until the next run on that session or its free.
 */
#ifndef ONNXRUN_H
#define ONNXRUN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONR_VERSION_STRING "0.1.0"

#if defined(_WIN32)
#define ONR_API
#else
#define ONR_API __attribute__((visibility("default")))
#endif
#define ONR_MAX_RANK 8

typedef enum onr_status {
    ONR_OK = 0,
    ONR_E_IO,            /* a file could not be opened, read or written */
    ONR_E_PARSE,         /* bytes are not a valid protobuf / .npy */
    ONR_E_INVALID_MODEL, /* well-formed bytes, broken ONNX (bad attribute, dangling name, cycle...) */
    ONR_E_UNSUPPORTED,   /* valid ONNX that onnxrun does not run (op, opset, dtype) */
    ONR_E_INVALID_ARG,   /* the caller passed something wrong (input name, shape, dtype, NULL) */
    ONR_E_NOMEM,         /* allocation failed or a configured limit was exceeded */
    ONR_E_INTERNAL       /* a bug in onnxrun */
} onr_status;

typedef struct onr_error {
    onr_status code;
    char message[256];
} onr_error;

/* Numeric values equal onnx.TensorProto.DataType. */
typedef enum onr_dtype {
    ONR_DTYPE_UNDEFINED = 0,
    ONR_DTYPE_FLOAT = 1,
    ONR_DTYPE_UINT8 = 2,
    ONR_DTYPE_INT8 = 3,
    ONR_DTYPE_UINT16 = 4,
    ONR_DTYPE_INT16 = 5,
    ONR_DTYPE_INT32 = 6,
    ONR_DTYPE_INT64 = 7,
    ONR_DTYPE_BOOL = 9,
    ONR_DTYPE_FLOAT16 = 10,
    ONR_DTYPE_DOUBLE = 11,
    ONR_DTYPE_UINT32 = 12,
    ONR_DTYPE_UINT64 = 13,
    ONR_DTYPE_BFLOAT16 = 16
} onr_dtype;

/* A tensor view: the library never frees `data` of a tensor the caller passes in. */
typedef struct onr_tensor {
    const char *name;
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    void *data;
} onr_tensor;

/* Declared type of a graph input or output. dims[i] == -1 marks a symbolic or unknown dimension,
 * whose name (if any) is dim_params[i]; rank == -1 means the rank itself is unknown. */
typedef struct onr_value_info {
    const char *name;
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    const char *dim_params[ONR_MAX_RANK];
} onr_value_info;

/* One node of the graph in execution (topological) order. */
typedef struct onr_node_info {
    const char *name;
    const char *op_type;
    const char *domain;      /* "" for the default ONNX domain */
    int64_t opset;           /* opset version of `domain` the model imports */
    size_t n_inputs, n_outputs;
    const char *const *inputs;  /* "" marks an omitted optional input */
    const char *const *outputs;
} onr_node_info;

typedef struct onr_opset {
    const char *domain;
    int64_t version;
} onr_opset;

typedef struct onr_model onr_model;
typedef struct onr_session onr_session;

/* Custom allocator for a session's activation memory (arena, folded constants, run-time shaped values).
 * alloc must return memory aligned to `align` (a power of two, 64) or NULL; free accepts NULL. Called from
 * the thread that calls onr_session_new / onr_session_run. */
typedef struct onr_allocator {
    void *(*alloc)(void *ctx, size_t size, size_t align);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} onr_allocator;

typedef struct onr_options {
    int threads;                     /* 0 = default (1) */
    uint64_t max_tensor_bytes;       /* 0 = default (4 GiB) */
    uint64_t max_activation_bytes;   /* 0 = default (16 GiB) */
    int profile;                     /* non-zero: record time per node, see onr_session_profile */
    int keep_values;                 /* non-zero: no buffer reuse, so every intermediate value stays
                                        readable after a run (onr_session_values, `--dump`) */
    const onr_allocator *allocator;  /* NULL: the C library's aligned allocation; must outlive the session */
} onr_options;

/* --- status ------------------------------------------------------------------------------------ */
ONR_API const char *onr_status_name(onr_status s);   /* "ONR_E_IO", ...; never NULL */
ONR_API const char *onr_version(void);
ONR_API const char *onr_dtype_name(onr_dtype t);     /* "float", "uint8", ...; "undefined" if unknown */
ONR_API size_t onr_dtype_size(onr_dtype t);          /* bytes per element; 0 if unknown */

/* --- model ------------------------------------------------------------------------------------- */
/* Load an ONNX model. External data is resolved relative to the folder of `path`. */
ONR_API onr_status onr_model_load_file(const char *path, onr_model **out, onr_error *err);
/* Load from memory. `base_dir` (may be NULL) is the folder used to resolve external data; without it
 * models that use external data are refused. The buffer may be freed once the call returns. */
ONR_API onr_status onr_model_load_buffer(const void *data, size_t size, const char *base_dir, onr_model **out,
                                 onr_error *err);
ONR_API void onr_model_free(onr_model *m);

ONR_API size_t onr_model_input_count(const onr_model *m);   /* graph inputs that are not initializers */
ONR_API const onr_value_info *onr_model_input(const onr_model *m, size_t i);   /* NULL if out of range */
ONR_API size_t onr_model_output_count(const onr_model *m);
ONR_API const onr_value_info *onr_model_output(const onr_model *m, size_t i);
ONR_API size_t onr_model_node_count(const onr_model *m);
ONR_API const onr_node_info *onr_model_node(const onr_model *m, size_t i);
ONR_API size_t onr_model_opset_count(const onr_model *m);
ONR_API const onr_opset *onr_model_opset(const onr_model *m, size_t i);
ONR_API const char *onr_model_producer(const onr_model *m);   /* "name version", "" if absent */
ONR_API int64_t onr_model_ir_version(const onr_model *m);
/* Initializer (weight) lookup: returns a view owned by the model, or NULL. */
ONR_API const onr_tensor *onr_model_initializer(const onr_model *m, const char *name);
ONR_API size_t onr_model_initializer_count(const onr_model *m);
ONR_API const onr_tensor *onr_model_initializer_at(const onr_model *m, size_t i);

/* --- session ----------------------------------------------------------------------------------- */
/* `opt` may be NULL for defaults. */
ONR_API onr_status onr_session_new(const onr_model *m, const onr_options *opt, onr_session **out, onr_error *err);
ONR_API void onr_session_free(onr_session *s);

/* Run the model. `in` holds n_in tensors matched by name to graph inputs (every graph input must be
 * given). `out_names` lists the wanted outputs (NULL = all graph outputs in order, then n_out must equal
 * onr_model_output_count). Each out[i] is filled with a view valid until the next run or the free.
 * Input shapes may change between runs: the session re-plans when they do. */
ONR_API onr_status onr_session_run(onr_session *s, const onr_tensor *in, size_t n_in, const char *const *out_names,
                           onr_tensor *out, size_t n_out, onr_error *err);

/* Every value the last run computed (graph inputs excluded), in execution order; views valid like run
 * outputs. Used by `--dump`. Returns the count; `*values` points at session-owned storage. */
ONR_API size_t onr_session_values(const onr_session *s, const onr_tensor **values);

/* Per-node time of the last run in nanoseconds (requires options.profile); indexes match
 * onr_model_node. Returns node count, or 0 when profiling is off. */
ONR_API size_t onr_session_profile(const onr_session *s, const uint64_t **ns_per_node);

/* --- owned tensors and tensor files ------------------------------------------------------------ */
/* Tensors returned by these are owned by the caller and released with onr_tensor_free, which frees
 * the name and data as well. */
ONR_API onr_status onr_tensor_new(onr_dtype dtype, int32_t rank, const int64_t *dims, const char *name,
                          onr_tensor **out, onr_error *err);   /* zero-filled */
ONR_API void onr_tensor_free(onr_tensor *t);
ONR_API size_t onr_tensor_count(const onr_tensor *t);   /* product of dims; 1 for rank 0 */
ONR_API size_t onr_tensor_bytes(const onr_tensor *t);

ONR_API onr_status onr_tensor_load_npy(const char *path, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_load_pb(const char *path, onr_tensor **out, onr_error *err);    /* TensorProto */
/* Picks the reader by extension: .npy or .pb */
ONR_API onr_status onr_tensor_load(const char *path, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_parse_npy(const void *data, size_t size, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_parse_pb(const void *data, size_t size, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_save_npy(const onr_tensor *t, const char *path, onr_error *err);
ONR_API onr_status onr_tensor_save_pb(const onr_tensor *t, const char *path, onr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONNXRUN_H */
