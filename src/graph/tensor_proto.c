/* tensor_proto.c: onnx.TensorProto <-> onr_tensor, including external data. The model loader and the
 * .pb reader both come through here, so every size/count check is made once. */
#include "graph/tensor_proto.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "graph/pb_alloc.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "onnxrun reads raw_data as little-endian and needs a little-endian host"
#endif

/* ONNX keeps every 8/16-bit type and float16/bfloat16 one element per int32_data entry. */
static int stored_in_int32_data(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_INT32: case ONR_DTYPE_INT16: case ONR_DTYPE_INT8: case ONR_DTYPE_UINT16:
    case ONR_DTYPE_UINT8: case ONR_DTYPE_BOOL: case ONR_DTYPE_FLOAT16: case ONR_DTYPE_BFLOAT16:
        return 1;
    default:
        return 0;
    }
}

static const char *external_value(const Onnx__TensorProto *tp, const char *key)
{
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (e && e->key && e->value && strcmp(e->key, key) == 0)
            return e->value;
    }
    return NULL;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return 0;
    *out = v;
    return 1;
}

/* Opens the external data of tp and checks it holds `bytes` bytes at its offset, before anything is
 * allocated: a tiny model must not make us allocate gigabytes for a file that is not there. The
 * location must be a relative path that stays inside base_dir after resolving symlinks: a model must
 * not read arbitrary files of the host. On success *fp is positioned at the data. */
static onr_status open_external(const Onnx__TensorProto *tp, const char *base_dir, const char *what, size_t bytes,
                                FILE **fp, onr_error *err)
{
    *fp = NULL;
    const char *loc = external_value(tp, "location");
    uint64_t offset = 0, length = bytes;
    if (!base_dir)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: uses external data but the model has no folder", what);
    if (!loc || !*loc)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data without a 'location'", what);
    if (loc[0] == '/')
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data location '%s' is an absolute path", what, loc);
    for (const char *p = loc; *p;) { /* reject any ".." path component */
        const char *q = strchr(p, '/');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data location '%s' leaves the model folder",
                           what, loc);
        p += n + (q ? 1 : 0);
    }
    const char *off_s = external_value(tp, "offset"), *len_s = external_value(tp, "length");
    if ((off_s && !parse_u64(off_s, &offset)) || (len_s && !parse_u64(len_s, &length)))
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data offset/length is not a number", what);
    if (length != bytes)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data length %llu != %zu bytes the shape needs", what,
                       (unsigned long long)length, bytes);

    char path[PATH_MAX], real_base[PATH_MAX], real_path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", base_dir, loc) >= sizeof path)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data path too long", what);
    if (!realpath(base_dir, real_base))
        return onr_err(err, ONR_E_IO, "%s: model folder '%s': %s", what, base_dir, strerror(errno));
    if (!realpath(path, real_path))
        return onr_err(err, ONR_E_IO, "%s: external data '%s': %s", what, path, strerror(errno));
    size_t nb = strlen(real_base);
    if (strncmp(real_path, real_base, nb) != 0 || (real_path[nb] != '/' && strcmp(real_base, "/") != 0))
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: external data '%s' resolves outside the model folder", what,
                       loc);

    /* stat before fopen: opening a FIFO the model names would block the loader forever. */
    struct stat st;
    if (stat(real_path, &st) != 0 || !S_ISREG(st.st_mode))
        return onr_err(err, ONR_E_IO, "%s: external data '%s' is not a regular file", what, path);
    FILE *f = fopen(real_path, "rb");
    if (!f)
        return onr_err(err, ONR_E_IO, "%s: external data '%s': %s", what, path, strerror(errno));
    onr_status rc = ONR_OK;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        rc = onr_err(err, ONR_E_IO, "%s: external data '%s' is not a regular file", what, path);
    else if (offset > (uint64_t)st.st_size || bytes > (uint64_t)st.st_size - offset)
        rc = onr_err(err, ONR_E_INVALID_MODEL, "%s: external data '%s' offset %llu + %zu bytes exceeds its size %lld",
                     what, loc, (unsigned long long)offset, bytes, (long long)st.st_size);
    else if (offset > (uint64_t)LONG_MAX || fseek(f, (long)offset, SEEK_SET) != 0)
        rc = onr_err(err, ONR_E_IO, "%s: cannot read external data '%s'", what, path);
    if (rc != ONR_OK)
        fclose(f);
    else
        *fp = f;
    return rc;
}

static onr_status count_mismatch(onr_error *err, const char *what, const char *field, size_t got, size_t want)
{
    return onr_err(err, ONR_E_INVALID_MODEL, "%s: %s holds %zu elements, shape needs %zu", what, field, got, want);
}

/* What a TensorProto holds, checked against its dims before anything is allocated, so a lying header
 * cannot make us allocate. */
typedef struct proto_shape {
    onr_dtype dtype;
    size_t count, bytes;
    int external; /* data_location EXTERNAL */
    int raw;      /* data in raw_data (else in the typed field of dtype) */
} proto_shape;

static onr_status check_proto(const Onnx__TensorProto *tp, const char *what, proto_shape *ps, onr_error *err)
{
    if (tp->n_dims > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: rank %zu exceeds the maximum %d", what, tp->n_dims, ONR_MAX_RANK);
    int dt = tp->has_data_type ? tp->data_type : 0;
    if (dt == 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: data_type is not set", what);
    if (!onr_dtype_known(dt))
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: data type %d is not supported", what, dt);
    if (tp->segment)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: segmented tensors are not supported", what);
    onr_dtype dtype = (onr_dtype)dt;
    size_t count, bytes;
    onr_status st = onr_shape_bytes(dtype, (int32_t)tp->n_dims, tp->dims, &bytes, what, err);
    if (st == ONR_E_NOMEM) /* dims whose product overflows: no data can match them, the tensor is broken */
        return onr_err(err, ONR_E_INVALID_MODEL, "%s: dims multiply to more bytes than memory can address (overflow)",
                       what);
    if (st != ONR_OK)
        return st;
    onr_shape_count((int32_t)tp->n_dims, tp->dims, &count, what, err);
    ps->dtype = dtype;
    ps->count = count;
    ps->bytes = bytes;
    ps->external = tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    ps->raw = !ps->external && tp->has_raw_data && (tp->raw_data.len > 0 || count == 0);
    if (ps->external)
        return ONR_OK;
    if (ps->raw) {
        if (tp->raw_data.len != bytes)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: raw_data has %zu bytes, shape needs %zu", what,
                           tp->raw_data.len, bytes);
    } else if (dtype == ONR_DTYPE_FLOAT) {
        if (tp->n_float_data != count)
            return count_mismatch(err, what, "float_data", tp->n_float_data, count);
    } else if (stored_in_int32_data(dtype)) {
        if (tp->n_int32_data != count)
            return count_mismatch(err, what, "int32_data", tp->n_int32_data, count);
    } else if (dtype == ONR_DTYPE_INT64) {
        if (tp->n_int64_data != count)
            return count_mismatch(err, what, "int64_data", tp->n_int64_data, count);
    } else if (dtype == ONR_DTYPE_DOUBLE) {
        if (tp->n_double_data != count)
            return count_mismatch(err, what, "double_data", tp->n_double_data, count);
    } else if (dtype == ONR_DTYPE_UINT32 || dtype == ONR_DTYPE_UINT64) {
        if (tp->n_uint64_data != count)
            return count_mismatch(err, what, "uint64_data", tp->n_uint64_data, count);
    }
    return ONR_OK;
}

/* Copies the checked data of tp into t->data (t allocated for ps). */
static onr_status fill(const Onnx__TensorProto *tp, const proto_shape *ps, FILE *ext, const char *what,
                       onr_tensor *t, onr_error *err)
{
    onr_dtype dtype = ps->dtype;
    size_t count = ps->count, bytes = ps->bytes;
    if (ps->external) {
        if (bytes && fread(t->data, 1, bytes, ext) != bytes)
            return onr_err(err, ONR_E_IO, "%s: cannot read external data '%s'", what, external_value(tp, "location"));
    } else if (ps->raw) {
        if (bytes)
            memcpy(t->data, tp->raw_data.data, bytes);
    } else if (dtype == ONR_DTYPE_FLOAT) {
        if (count)
            memcpy(t->data, tp->float_data, bytes);
    } else if (stored_in_int32_data(dtype)) {
        for (size_t i = 0; i < count; i++) {
            int32_t v = tp->int32_data[i];
            switch (dtype) {
            case ONR_DTYPE_INT32: ((int32_t *)t->data)[i] = v; break;
            case ONR_DTYPE_INT16: ((int16_t *)t->data)[i] = (int16_t)v; break;
            case ONR_DTYPE_INT8: ((int8_t *)t->data)[i] = (int8_t)v; break;
            case ONR_DTYPE_BOOL: ((uint8_t *)t->data)[i] = v != 0; break;
            case ONR_DTYPE_UINT8: ((uint8_t *)t->data)[i] = (uint8_t)v; break;
            default: ((uint16_t *)t->data)[i] = (uint16_t)v; break; /* uint16, float16, bfloat16 bits */
            }
        }
    } else if (dtype == ONR_DTYPE_INT64) {
        if (count)
            memcpy(t->data, tp->int64_data, bytes);
    } else if (dtype == ONR_DTYPE_DOUBLE) {
        if (count)
            memcpy(t->data, tp->double_data, bytes);
    } else if (dtype == ONR_DTYPE_UINT32) {
        for (size_t i = 0; i < count; i++)
            ((uint32_t *)t->data)[i] = (uint32_t)tp->uint64_data[i];
    } else if (dtype == ONR_DTYPE_UINT64) {
        if (count)
            memcpy(t->data, tp->uint64_data, bytes);
    }
    return ONR_OK;
}

static onr_status convert(const Onnx__TensorProto *tp, const proto_shape *ps, const char *base_dir, const char *what,
                          onr_tensor **out, onr_error *err)
{
    FILE *ext = NULL;
    onr_status st;
    if (ps->external && (st = open_external(tp, base_dir, what, ps->bytes, &ext, err)) != ONR_OK)
        return st;
    onr_tensor *t = NULL;
    st = onr_tensor_new(ps->dtype, (int32_t)tp->n_dims, tp->dims, tp->name, &t, err);
    if (st == ONR_OK)
        st = fill(tp, ps, ext, what, t, err);
    if (ext)
        fclose(ext);
    if (st != ONR_OK) {
        onr_tensor_free(t);
        return st;
    }
    *out = t;
    return ONR_OK;
}

onr_status onr_tensor_from_proto(const Onnx__TensorProto *tp, const char *base_dir, const char *what,
                                 onr_tensor **out, onr_error *err)
{
    *out = NULL;
    proto_shape ps = {.count = 0};
    if (!what)
        what = "tensor";
    onr_status st = check_proto(tp, what, &ps, err);
    return st != ONR_OK ? st : convert(tp, &ps, base_dir, what, out, err);
}

/* The block the data of tp is stored in element for element as the tensor stores it (raw_data, or a
 * typed field of the same element size), detached from tp when `detach`; NULL if none. */
static void *as_is_block(Onnx__TensorProto *tp, const proto_shape *ps, int detach)
{
    void *b = NULL;
    if (ps->raw) {
        b = tp->raw_data.data;
        if (detach) {
            tp->raw_data.data = NULL;
            tp->raw_data.len = 0;
        }
    } else if (ps->dtype == ONR_DTYPE_FLOAT) {
        b = tp->float_data;
        if (detach) {
            tp->float_data = NULL;
            tp->n_float_data = 0;
        }
    } else if (ps->dtype == ONR_DTYPE_INT32) {
        b = tp->int32_data;
        if (detach) {
            tp->int32_data = NULL;
            tp->n_int32_data = 0;
        }
    } else if (ps->dtype == ONR_DTYPE_INT64) {
        b = tp->int64_data;
        if (detach) {
            tp->int64_data = NULL;
            tp->n_int64_data = 0;
        }
    } else if (ps->dtype == ONR_DTYPE_DOUBLE) {
        b = tp->double_data;
        if (detach) {
            tp->double_data = NULL;
            tp->n_double_data = 0;
        }
    } else if (ps->dtype == ONR_DTYPE_UINT64) {
        b = tp->uint64_data;
        if (detach) {
            tp->uint64_data = NULL;
            tp->n_uint64_data = 0;
        }
    }
    return b;
}

/* Frees whichever data field tp still holds (the one the data came from). */
static void release_data(Onnx__TensorProto *tp, onr_pb_alloc *alloc)
{
    void *b;
#define RELEASE(field, n)                   \
    b = tp->field;                         \
    tp->field = NULL;                      \
    tp->n = 0;                             \
    onr_pb_alloc_release(alloc, b)
    RELEASE(raw_data.data, raw_data.len);
    RELEASE(float_data, n_float_data);
    RELEASE(int32_data, n_int32_data);
    RELEASE(int64_data, n_int64_data);
    RELEASE(double_data, n_double_data);
    RELEASE(uint64_data, n_uint64_data);
#undef RELEASE
}

onr_status onr_tensor_take_proto(Onnx__TensorProto *tp, onr_pb_alloc *alloc, const char *base_dir,
                                 const char *what, onr_tensor **out, onr_error *err)
{
    *out = NULL;
    proto_shape ps = {.count = 0};
    if (!what)
        what = "tensor";
    onr_status st = check_proto(tp, what, &ps, err);
    if (st != ONR_OK)
        return st;
    onr_tensor *t = ps.external ? NULL : onr_pb_alloc_adopt(as_is_block(tp, &ps, 0), ps.bytes);
    if (t) {
        as_is_block(tp, &ps, 1);
        t->dtype = ps.dtype;
        t->rank = (int32_t)tp->n_dims;
        for (size_t i = 0; i < tp->n_dims; i++)
            t->dims[i] = tp->dims[i];
        *out = t;
        return ONR_OK;
    }
    st = convert(tp, &ps, base_dir, what, out, err);
    if (st == ONR_OK)
        release_data(tp, alloc); /* converted: the decoded copy is not needed any more */
    return st;
}

void onr_tensor_to_proto(const onr_tensor *t, Onnx__TensorProto *tp, int64_t *dims_storage)
{
    for (int32_t i = 0; i < t->rank; i++)
        dims_storage[i] = t->dims[i];
    tp->n_dims = (size_t)t->rank;
    tp->dims = dims_storage;
    tp->has_data_type = 1;
    tp->data_type = (int32_t)t->dtype;
    tp->name = (char *)(t->name ? t->name : "");
    tp->has_raw_data = 1;
    tp->raw_data.len = onr_tensor_bytes(t);
    tp->raw_data.data = (uint8_t *)t->data;
}
