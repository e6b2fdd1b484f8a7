/* tensor_file.c: onr_tensor_load (reader chosen by extension), and the helpers the .npy and .pb modules
 * share: writing a whole file and validating a tensor before it is written. */
#include "io/tensor_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/file.h"
#include "core/shape.h"

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

onr_status onr_tensor_load(const char *path, onr_tensor **out, onr_error *err)
{
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_load: out is NULL");
    *out = NULL;
    if (!path)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_load: path is NULL");
    if (has_ext(path, ".npy"))
        return onr_tensor_load_npy(path, out, err);
    if (has_ext(path, ".pb"))
        return onr_tensor_load_pb(path, out, err);
    return onr_err(err, ONR_E_INVALID_ARG,
                   "%s: unknown tensor file extension (want .npy for numpy or .pb for a TensorProto)", path);
}

onr_status onr_write_file2(const char *path, const void *head, size_t n_head, const void *body, size_t n_body,
                           onr_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return onr_err(err, ONR_E_IO, "%s: cannot create: %s", path, strerror(errno));
    int e = 0;
    if (n_head && fwrite(head, 1, n_head, f) != n_head)
        e = errno ? errno : EIO;
    if (!e && n_body && fwrite(body, 1, n_body, f) != n_body)
        e = errno ? errno : EIO;
    /* fclose flushes: a full disk may only show here. */
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (e) {
        remove(path);
        return onr_err(err, ONR_E_IO, "%s: write failed: %s", path, strerror(e));
    }
    return ONR_OK;
}

onr_status onr_tensor_check_writable(const onr_tensor *t, const char *who, size_t *bytes, onr_error *err)
{
    *bytes = 0;
    if (!t)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: tensor is NULL", who);
    if (!onr_dtype_known((int)t->dtype))
        return onr_err(err, ONR_E_INVALID_ARG, "%s: tensor has unknown dtype %d", who, (int)t->dtype);
    if (t->rank < 0 || t->rank > ONR_MAX_RANK)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: tensor rank %d is outside 0..%d", who, (int)t->rank,
                       ONR_MAX_RANK);
    for (int32_t k = 0; k < t->rank; k++)
        if (t->dims[k] < 0)
            return onr_err(err, ONR_E_INVALID_ARG, "%s: tensor dim %d is negative (%lld)", who, (int)k,
                           (long long)t->dims[k]);
    onr_status st = onr_shape_bytes(t->dtype, t->rank, t->dims, bytes, who, err);
    if (st != ONR_OK)
        return st;
    if (*bytes && !t->data)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: tensor data is NULL for %zu bytes", who, *bytes);
    return ONR_OK;
}
