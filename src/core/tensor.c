/* tensor.c: caller-owned tensors (onr_tensor_new / onr_tensor_free) and size queries. */
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"

size_t onr_tensor_count(const onr_tensor *t)
{
    size_t n = 1;
    if (!t)
        return 0;
    for (int32_t i = 0; i < t->rank && i < ONR_MAX_RANK; i++)
        n *= (size_t)(t->dims[i] > 0 ? t->dims[i] : 0);
    return n;
}

size_t onr_tensor_bytes(const onr_tensor *t)
{
    return t ? onr_tensor_count(t) * onr_dtype_size(t->dtype) : 0;
}

/* An owned tensor is one block: header, then the name, then 64-byte aligned data, so one free
 * releases all of it. */
onr_status onr_tensor_new(onr_dtype dtype, int32_t rank, const int64_t *dims, const char *name, onr_tensor **out,
                          onr_error *err)
{
    size_t bytes, total, name_len = name ? strlen(name) : 0;
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_new: out is NULL");
    *out = NULL;
    if (rank > 0 && !dims)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_new: dims is NULL for rank %d", (int)rank);
    onr_status st = onr_shape_bytes(dtype, rank, dims, &bytes, name ? name : "tensor", err);
    if (st != ONR_OK)
        return st;
    size_t head = (sizeof(onr_tensor) + name_len + 1 + 63) & ~(size_t)63;
    if (!onr_add_size(head, bytes, &total))
        return onr_err(err, ONR_E_NOMEM, "%s: tensor too large", name ? name : "tensor");
    unsigned char *block = onr_alloc_aligned(total);
    if (!block)
        return onr_err(err, ONR_E_NOMEM, "%s: cannot allocate %zu bytes", name ? name : "tensor", bytes);
    memset(block, 0, total);
    onr_tensor *t = (onr_tensor *)block;
    char *nm = (char *)(block + sizeof(onr_tensor));
    if (name_len)
        memcpy(nm, name, name_len);
    nm[name_len] = '\0';
    t->name = nm;
    t->dtype = dtype;
    t->rank = rank;
    for (int32_t i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->data = block + head;
    *out = t;
    return ONR_OK;
}

void onr_tensor_free(onr_tensor *t)
{
    onr_free_aligned(t);
}
