/* onnxrun.h: the public API of libonnxrun, an ONNX model runner for the CPU.
 *
 * Typical use (examples/embed.c is a complete program):
 *     onr_model_load_file -> onr_model_input* (inspect) -> onr_session_new -> onr_session_run (repeat)
 *     -> read the output views -> onr_session_free -> onr_model_free
 * Link with `pkg-config --cflags --libs onnxrun`.
 *
 * Conventions that hold for every function below (each function's comment adds only what differs):
 *
 * Errors. Fallible calls return an onr_status; on anything but ONR_OK, and when `err` is not NULL,
 *   err->code is set to the same status and err->message to one line that names the node, op,
 *   attribute, tensor or file at fault (`node 'pool1' (MaxPool): pads[1]=3 must be < kernel_shape[1]=3`).
 *   `err` is owned by the caller and may be NULL. On failure, *out parameters are set to NULL and nothing
 *   needs freeing. The library never prints, aborts or exits, and never calls exit handlers.
 *
 * Ownership. The caller owns what it allocates and frees what a *_new / *_load function returns, with
 *   the matching *_free; every *_free accepts NULL. Everything else the library hands out (value infos,
 *   node infos, names, initializers, output tensors) is a view: a pointer into the model or the session,
 *   never to be freed or written through by the caller.
 *
 * Lifetimes.
 *   - Model views (onr_model_input, onr_model_node, onr_model_initializer, their strings, ...) are valid
 *     until onr_model_free of that model.
 *   - A session keeps a pointer to its model: free every session of a model before the model.
 *   - Session views (the outputs of onr_session_run, onr_session_values, onr_session_profile) are valid
 *     until the next onr_session_run on that session or its onr_session_free, whichever comes first.
 *     Copy what must live longer.
 *   - Input tensors passed to onr_session_run are read during the call only; the caller keeps ownership
 *     and may free or reuse them when it returns.
 *
 * Thread safety. The library has no global mutable state, so calls on different objects may run
 *   concurrently from any threads. (Two notes on builds with OpenBLAS: onnxrun splits matrix products
 *   over its own threads, so on first use it sets OpenBLAS to one thread, process-wide
 *   (openblas_set_num_threads(1)); and when the OpenBLAS loaded is Debian's serial build, which is not
 *   safe to call from two threads at once, matrix products of all sessions in the process take turns
 *   behind one lock. Results are unaffected.)
 *   - A model is immutable after load: its accessors may be called from many threads at once, and one
 *     model may back many sessions on many threads.
 *   - A session is not thread-safe: calls on one session (run, values, profile, free) must not overlap;
 *     use one session per thread to run one model in parallel. With options.threads > 1 a session runs
 *     its kernels on its own worker threads, which it starts in onr_session_new and joins in
 *     onr_session_free.
 *   - Owned tensors (onr_tensor_new, onr_tensor_load*) are plain memory: share them read-only or guard
 *     them yourself.
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

/* Filled by fallible calls on failure; owned by the caller (a stack variable is typical). message is
 * always NUL-terminated and may be cut to fit. */
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

/* A tensor view: dtype, shape and a pointer to dense row-major data (the last axis varies fastest),
 * onr_tensor_count(t) * onr_dtype_size(dtype) bytes. bool is one byte per element (0 or 1); float16 and
 * bfloat16 are their 16-bit patterns. The library never frees `data` of a tensor the caller passes in,
 * and never keeps a pointer to it after the call returns. */
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

/* Opaque handles: a loaded model (immutable) and a session (the memory and plan to run it). */
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

/* Session options. Zero-initialize (`onr_options opt = {0};`) and set what you need: every zero field
 * means its default, so fields added in later versions keep their default for existing callers. The
 * options are copied by onr_session_new; only `allocator` is kept as a pointer.
 *   threads               worker threads for kernels (0 or 1: run on the calling thread only).
 *   max_tensor_bytes      largest single value the session may create; past it, onr_session_new or
 *                         onr_session_run fails with ONR_E_NOMEM instead of allocating (guards against
 *                         hostile models declaring huge shapes).
 *   max_activation_bytes  largest total of activation memory per plan, same rule.
 *   profile               record the time of every node in each run (onr_session_profile); costs two
 *                         clock reads per node.
 *   keep_values           give every intermediate value its own buffer, so all of them are still
 *                         readable after a run (onr_session_values; the CLI's `--dump`, `info`, `viz`).
 *                         Memory becomes the sum of all values instead of the peak of live ones.
 *   allocator             hook for the session's activation memory (the arena, folded constants and
 *                         run-time shaped values; not the small bookkeeping arrays, which use malloc).
 *                         NULL: the C library's aligned allocation. Both alloc and free must be set,
 *                         else onr_session_new fails with ONR_E_INVALID_ARG. The struct and its ctx
 *                         must outlive the session; calls come only from the thread inside
 *                         onr_session_new / onr_session_run / onr_session_free of that session. */
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
/* These four never fail and return static data (never freed, valid for the life of the program);
 * callable from any thread. */
ONR_API const char *onr_status_name(onr_status s);   /* "ONR_E_IO", ...; never NULL */
ONR_API const char *onr_version(void);               /* "0.1.0": the library's, maybe newer than ONR_VERSION_STRING */
ONR_API const char *onr_dtype_name(onr_dtype t);     /* "float", "uint8", ...; "undefined" if unknown */
ONR_API size_t onr_dtype_size(onr_dtype t);          /* bytes per element; 0 if unknown */

/* --- model ------------------------------------------------------------------------------------- */
/* Load an ONNX model (at most 2 GiB) and validate it: names resolve, the graph is acyclic, attributes and
 * shapes are well-formed, and every op is one onnxrun runs (else ONR_E_UNSUPPORTED naming op, domain
 * and opset), so a loaded model never fails mid-run for want of an op. External data is resolved
 * relative to the folder of `path` and must stay inside it. On success *out is a new model the caller
 * frees with onr_model_free; the file is not needed afterwards. */
ONR_API onr_status onr_model_load_file(const char *path, onr_model **out, onr_error *err);
/* Load from memory. `base_dir` (may be NULL) is the folder used to resolve external data; without it
 * models that use external data are refused. The buffer may be freed once the call returns. */
ONR_API onr_status onr_model_load_buffer(const void *data, size_t size, const char *base_dir, onr_model **out,
                                 onr_error *err);
/* Frees the model and every view it handed out. Free its sessions first. NULL-safe. */
ONR_API void onr_model_free(onr_model *m);

/* Accessors: read-only, never fail, safe to call from many threads at once. Pointers (and the strings
 * inside the structs) are views owned by the model, valid until onr_model_free. An index out of range,
 * or m == NULL, gives NULL (or 0 for counts, "" for the producer). */
ONR_API size_t onr_model_input_count(const onr_model *m);   /* graph inputs that are not initializers */
ONR_API const onr_value_info *onr_model_input(const onr_model *m, size_t i);   /* NULL if out of range */
ONR_API size_t onr_model_output_count(const onr_model *m);
ONR_API const onr_value_info *onr_model_output(const onr_model *m, size_t i);
ONR_API size_t onr_model_node_count(const onr_model *m);
ONR_API const onr_node_info *onr_model_node(const onr_model *m, size_t i);   /* i-th in execution order */
ONR_API size_t onr_model_opset_count(const onr_model *m);
ONR_API const onr_opset *onr_model_opset(const onr_model *m, size_t i);
ONR_API const char *onr_model_producer(const onr_model *m);   /* "name version", "" if absent */
ONR_API int64_t onr_model_ir_version(const onr_model *m);
/* Initializer (weight) lookup: returns a view owned by the model, or NULL. The data must not be
 * written: sessions read it without copying. Lookup by name is a linear scan. */
ONR_API const onr_tensor *onr_model_initializer(const onr_model *m, const char *name);
ONR_API size_t onr_model_initializer_count(const onr_model *m);
ONR_API const onr_tensor *onr_model_initializer_at(const onr_model *m, size_t i);

/* --- session ----------------------------------------------------------------------------------- */
/* Create a session for model `m`. `opt` may be NULL for defaults; it is copied (see onr_options for
 * the allocator, which is not). When every input shape is declared fixed the memory plan is made here,
 * so shape errors surface now rather than at the first run. On success *out is a new session, freed
 * with onr_session_free before its model. Sessions of one model are independent: run them on different
 * threads at will. */
ONR_API onr_status onr_session_new(const onr_model *m, const onr_options *opt, onr_session **out, onr_error *err);
/* Frees the session, its activation memory (through the allocator hook, if any) and its worker threads;
 * every view it handed out becomes invalid. NULL-safe. Not concurrent with other calls on the session. */
ONR_API void onr_session_free(onr_session *s);

/* Run the model. `in` holds n_in tensors matched by name to graph inputs (every graph input must be
 * given). `out_names` lists the wanted outputs (NULL = all graph outputs in order, then n_out must equal
 * onr_model_output_count). Each out[i] is filled with a view valid until the next run or the free.
 * Input shapes may change between runs: the session re-plans when they do.
 * Inputs: dtype and rank must match the declaration, and every fixed dim too (symbolic dims take any
 * size); the data is only read, during this call. Outputs: `out` is a caller array of n_out onr_tensor
 * structs; the library writes the structs, whose name and data point into session memory: read or copy
 * them, never free them. On failure the outputs are unspecified and the session may run again.
 * One run at a time per session. */
ONR_API onr_status onr_session_run(onr_session *s, const onr_tensor *in, size_t n_in, const char *const *out_names,
                           onr_tensor *out, size_t n_out, onr_error *err);

/* Every value the last run computed (graph inputs excluded), in execution order; views valid like run
 * outputs. Used by `--dump`. Returns the count; `*values` points at session-owned storage.
 * Without options.keep_values, values whose buffers were reused later in the run hold other data, some
 * have data == NULL and unused optional outputs are missing: set keep_values when you mean to read them.
 * 0 before the first run. Refreshes
 * a cache inside the session, so it counts as a call on the session for thread safety. */
ONR_API size_t onr_session_values(const onr_session *s, const onr_tensor **values);

/* Per-node time of the last run in nanoseconds (requires options.profile); indexes match
 * onr_model_node. Returns node count, or 0 when profiling is off. Nodes that were folded into constants
 * at plan time report 0. The array is session-owned, valid like run outputs. */
ONR_API size_t onr_session_profile(const onr_session *s, const uint64_t **ns_per_node);

/* --- owned tensors and tensor files ------------------------------------------------------------ */
/* Tensors returned by these are owned by the caller and released with onr_tensor_free, which frees
 * the name and data as well. Each is a single allocation: header, a copy of the name ("" when none)
 * and 64-byte aligned data, which the caller may write. The loaders take untrusted files: they check
 * the header, the dims and that the byte count matches before allocating, and refuse files over 4 GiB.
 * No global state: safe on any thread. */
ONR_API onr_status onr_tensor_new(onr_dtype dtype, int32_t rank, const int64_t *dims, const char *name,
                          onr_tensor **out, onr_error *err);   /* zero-filled */
ONR_API void onr_tensor_free(onr_tensor *t);   /* only for tensors these functions returned; NULL-safe */
ONR_API size_t onr_tensor_count(const onr_tensor *t);   /* product of dims; 1 for rank 0 */
ONR_API size_t onr_tensor_bytes(const onr_tensor *t);   /* count * dtype size; 0 for NULL */

/* .npy: numpy's format (versions 1.0-3.0, C or Fortran order, read as row-major; name "").
 * .pb: a serialized onnx.TensorProto (name kept; external data is resolved next to the file). */
ONR_API onr_status onr_tensor_load_npy(const char *path, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_load_pb(const char *path, onr_tensor **out, onr_error *err);    /* TensorProto */
/* Picks the reader by extension: .npy or .pb */
ONR_API onr_status onr_tensor_load(const char *path, onr_tensor **out, onr_error *err);
/* The same from memory; the buffer may be freed once the call returns. */
ONR_API onr_status onr_tensor_parse_npy(const void *data, size_t size, onr_tensor **out, onr_error *err);
ONR_API onr_status onr_tensor_parse_pb(const void *data, size_t size, onr_tensor **out, onr_error *err);
/* Write any tensor, owned or a view (a session output, an initializer), replacing `path`; on failure
 * no partial file is left behind. The tensor is only read. */
ONR_API onr_status onr_tensor_save_npy(const onr_tensor *t, const char *path, onr_error *err);
ONR_API onr_status onr_tensor_save_pb(const onr_tensor *t, const char *path, onr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONNXRUN_H */
