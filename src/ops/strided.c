/* strided.c: the strided-view copy behind Transpose, Slice, Expand and Tile (see strided.h).
 *
 * The view is first simplified: size-1 axes are dropped and neighbours that are contiguous with each
 * other are merged, so a Slice of whole rows becomes a few memcpy calls and a Transpose that keeps the
 * last axis copies runs of it. The innermost axis is then copied by one of three row kernels (memcpy,
 * fill for stride 0, gather by element size) and rows are shared out over the thread pool. */
#include "ops/strided.h"

#include <string.h>

typedef struct view {
    char *dst;
    const char *src;
    size_t es;
    int rank;                            /* axes before the innermost */
    int64_t dims[ONR_STRIDED_MAX_RANK];  /* outer axes, then the inner axis at dims[rank] */
    int64_t strides[ONR_STRIDED_MAX_RANK];
} view;

void onr_fill_elems(void *dst, const void *value, size_t es, size_t n)
{
    char *d = dst;
    if (n == 0)
        return;
    /* One element, then doubling copies: log2(n) memcpy calls of growing size. */
    memcpy(d, value, es);
    size_t done = 1;
    while (done < n) {
        size_t k = done < n - done ? done : n - done;
        memcpy(d + done * es, d, k * es);
        done += k;
    }
}

#define GATHER_ROW(T)                                                                                         \
    do {                                                                                                      \
        T *o = (T *)(void *)dst;                                                                              \
        const T *s = (const T *)(const void *)src;                                                            \
        for (int64_t i = 0; i < n; i++)                                                                       \
            memcpy(&o[i], s + i * stride, sizeof(T));                                                         \
    } while (0)

static void copy_row(char *dst, const char *src, size_t es, int64_t n, int64_t stride)
{
    if (stride == 1) {
        memcpy(dst, src, (size_t)n * es);
        return;
    }
    if (stride == 0) {
        onr_fill_elems(dst, src, es, (size_t)n);
        return;
    }
    /* memcpy of a constant size compiles to one load/store; it also keeps unaligned views legal. */
    switch (es) {
    case 1: GATHER_ROW(uint8_t); break;
    case 2: GATHER_ROW(uint16_t); break;
    case 4: GATHER_ROW(uint32_t); break;
    case 8: GATHER_ROW(uint64_t); break;
    default:
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (size_t)i * es, src + i * stride * (int64_t)es, es);
    }
}

static void copy_rows(void *arg, size_t begin, size_t end)
{
    const view *v = arg;
    int64_t idx[ONR_STRIDED_MAX_RANK];
    int64_t n = v->dims[v->rank], stride = v->strides[v->rank];
    size_t row_bytes = (size_t)n * v->es;
    /* Decode the first row's multi-index, then step it like an odometer. */
    size_t r = begin;
    int64_t off = 0;
    for (int a = v->rank - 1; a >= 0; a--) {
        idx[a] = (int64_t)(r % (size_t)v->dims[a]);
        r /= (size_t)v->dims[a];
        off += idx[a] * v->strides[a];
    }
    for (size_t row = begin; row < end; row++) {
        copy_row(v->dst + row * row_bytes, v->src + off * (int64_t)v->es, v->es, n, stride);
        for (int a = v->rank - 1; a >= 0; a--) {
            off += v->strides[a];
            if (++idx[a] < v->dims[a])
                break;
            off -= idx[a] * v->strides[a];
            idx[a] = 0;
        }
    }
}

void onr_strided_copy(void *dst, const void *src, size_t es, int rank, const int64_t *dims, const int64_t *strides,
                      onr_threadpool *pool)
{
    int64_t d[ONR_STRIDED_MAX_RANK], s[ONR_STRIDED_MAX_RANK];
    int k = 0;
    /* Simplify right to left into d/s reversed (d[0] is the innermost). */
    for (int a = rank - 1; a >= 0; a--) {
        if (dims[a] == 0)
            return;
        if (dims[a] == 1)
            continue;
        if (k > 0 && strides[a] == s[k - 1] * d[k - 1]) {
            d[k - 1] *= dims[a];
            continue;
        }
        d[k] = dims[a];
        s[k] = strides[a];
        k++;
    }
    if (k == 0) {
        memcpy(dst, src, es);
        return;
    }
    view v = {.dst = dst, .src = src, .es = es, .rank = k - 1};
    for (int a = 0; a < k; a++) {
        v.dims[a] = d[k - 1 - a];
        v.strides[a] = s[k - 1 - a];
    }
    size_t rows = 1;
    for (int a = 0; a < v.rank; a++)
        rows *= (size_t)v.dims[a];
    /* About 16 KiB of output per task keeps the per-task overhead small. */
    size_t row_bytes = (size_t)v.dims[v.rank] * es;
    size_t grain = row_bytes >= 16384 ? 1 : 16384 / row_bytes;
    onr_parallel_for(pool, rows, grain, copy_rows, &v);
}
