/* pool_reference.h: a naive pooling reference for tests, written from the formulas of
 * /work/shared/ONNX-POOLING.md without using src/ops/pool_geometry (floating-point floor/ceil, every
 * kernel tap visited and tested, double arithmetic throughout). Slow on purpose. */
#ifndef POOL_REFERENCE_H
#define POOL_REFERENCE_H

#include <stdint.h>

#define REF_MAX_SPATIAL 6

enum { REF_MAX, REF_AVG, REF_LP };
enum { REF_NOTSET, REF_SAME_UPPER, REF_SAME_LOWER, REF_VALID };

typedef struct ref_pool_cfg {
    int kind;          /* REF_MAX / REF_AVG / REF_LP */
    int n;             /* spatial rank */
    int64_t N, C;
    int64_t in[REF_MAX_SPATIAL];
    int64_t kernel[REF_MAX_SPATIAL], strides[REF_MAX_SPATIAL], dilations[REF_MAX_SPATIAL];
    int64_t pads[2 * REF_MAX_SPATIAL]; /* [begins..., ends...] */
    int auto_pad;      /* REF_NOTSET ... */
    int ceil_mode, count_include_pad, storage_order;
    double p;          /* LpPool */
} ref_pool_cfg;

/* Output spatial sizes and the effective pads (auto_pad resolved). Returns 0 when some output size
 * is <= 0 (the model is invalid), 1 otherwise. */
int ref_pool_shape(const ref_pool_cfg *c, int64_t *out, int64_t *pb, int64_t *pe);

/* y (and ind when not NULL, MaxPool only) receive N*C*prod(out) values. x holds N*C*prod(in).
 * Empty windows: max 0 / index -1, average 0/0 (NaN) or 0 / divisor, Lp 0. */
void ref_pool(const ref_pool_cfg *c, const double *x, double *y, int64_t *ind);

/* Global pools over planes of `plane` elements. */
void ref_global_pool(int kind, double p, int64_t planes, int64_t plane, const double *x, double *y);

/* MaxUnpool per the ONNX reference: scatter into the inferred shape (rank r, dims `inferred`), then
 * place that block at the origin of `out_dims`. y holds prod(out_dims) values. Returns 0 on an index
 * out of range. */
int ref_maxunpool(int r, const int64_t *inferred, const int64_t *out_dims, int64_t nx, const double *x,
                  const int64_t *ind, double *y);

#endif
