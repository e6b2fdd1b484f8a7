/* shape.c: checked shape arithmetic, shape printing, aligned allocation. */
#include "core/shape.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/dtype.h"
#include "core/error.h"

/* Element count, and in *nonzero the product of the non-zero dims. The latter must not overflow either:
 * kernels compute strides and plane sizes from sub-products of the dims, and a zero elsewhere (e.g. an
 * empty batch) must not let [0, 2^62, 2^62] through to them (found by fuzz_run: MaxPool plane size). */
static onr_status count_dims(int32_t rank, const int64_t *dims, size_t *count, size_t *nonzero, const char *what,
                             onr_error *err)
{
    if (rank < 0 || rank > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: rank %d is outside 0..%d", what, (int)rank, ONR_MAX_RANK);
    size_t n = 1, nz = 1;
    for (int32_t i = 0; i < rank; i++) {
        if (dims[i] < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "%s: dim %d is negative (%lld)", what, (int)i,
                           (long long)dims[i]);
        if ((uint64_t)dims[i] > SIZE_MAX || !onr_mul_size(nz, dims[i] ? (size_t)dims[i] : 1, &nz))
            return onr_err(err, ONR_E_NOMEM, "%s: element count overflows", what);
        n *= (size_t)dims[i]; /* n <= nz: cannot overflow */
    }
    *count = n;
    *nonzero = nz;
    return ONR_OK;
}

onr_status onr_shape_count(int32_t rank, const int64_t *dims, size_t *count, const char *what, onr_error *err)
{
    size_t nz;
    return count_dims(rank, dims, count, &nz, what, err);
}

onr_status onr_shape_bytes(onr_dtype dtype, int32_t rank, const int64_t *dims, size_t *bytes, const char *what,
                           onr_error *err)
{
    size_t n = 0, nz = 0, es = onr_dtype_size(dtype), nz_bytes;
    if (es == 0)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: unsupported data type %d", what, (int)dtype);
    onr_status st = count_dims(rank, dims, &n, &nz, what, err);
    if (st != ONR_OK)
        return st;
    if (!onr_mul_size(nz, es, &nz_bytes)) /* n <= nz: also covers n * es */
        return onr_err(err, ONR_E_NOMEM, "%s: byte size overflows", what);
    *bytes = n * es;
    return ONR_OK;
}

bool onr_shape_equal(int32_t ra, const int64_t *a, int32_t rb, const int64_t *b)
{
    if (ra != rb)
        return false;
    for (int32_t i = 0; i < ra; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

const char *onr_shape_str(int32_t rank, const int64_t *dims, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    used += (size_t)snprintf(buf, size, "[");
    for (int32_t i = 0; i < rank && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, i ? ",%lld" : "%lld", (long long)dims[i]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
    return buf;
}

void *onr_alloc_aligned(size_t bytes)
{
    void *p = NULL;
    if (bytes == 0)
        bytes = 1;
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
}

void onr_free_aligned(void *p)
{
    free(p);
}
