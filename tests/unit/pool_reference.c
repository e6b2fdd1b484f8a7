/* pool_reference.c: the naive pooling reference (see pool_reference.h). Formulas cite the sections
 * of ONNX-POOLING.md. Deliberately shares no code with src/ops. */
#include "pool_reference.h"

#include <math.h>
#include <string.h>

int ref_pool_shape(const ref_pool_cfg *c, int64_t *out, int64_t *pb, int64_t *pe)
{
    for (int i = 0; i < c->n; i++) {
        double in = (double)c->in[i], s = (double)c->strides[i];
        double ek = (double)((c->kernel[i] - 1) * c->dilations[i] + 1);
        double o;
        if (c->auto_pad == REF_SAME_UPPER || c->auto_pad == REF_SAME_LOWER) {
            /* §2.2 */
            o = ceil(in / s);
            double tot = (o - 1) * s + ek - in;
            if (tot < 0)
                tot = 0;
            if (c->auto_pad == REF_SAME_UPPER) {
                pb[i] = (int64_t)floor(tot / 2);
                pe[i] = (int64_t)tot - pb[i];
            } else {
                pe[i] = (int64_t)floor(tot / 2);
                pb[i] = (int64_t)tot - pe[i];
            }
        } else {
            /* §2.1 / §2.3 */
            pb[i] = c->auto_pad == REF_VALID ? 0 : c->pads[i];
            pe[i] = c->auto_pad == REF_VALID ? 0 : c->pads[i + c->n];
            double num = in + (double)pb[i] + (double)pe[i] - ek;
            o = c->ceil_mode ? ceil(num / s) + 1 : floor(num / s) + 1;
            if (c->ceil_mode && (o - 1) * s >= in + (double)pb[i])
                o -= 1;
        }
        if (o <= 0)
            return 0;
        out[i] = (int64_t)o;
    }
    return 1;
}

static int64_t prod(int n, const int64_t *d)
{
    int64_t p = 1;
    for (int i = 0; i < n; i++)
        p *= d[i];
    return p;
}

/* Multi-index `idx` of flat position f in row-major dims d. */
static void unflatten(int n, const int64_t *d, int64_t f, int64_t *idx)
{
    for (int i = n - 1; i >= 0; i--) {
        idx[i] = f % d[i];
        f /= d[i];
    }
}

void ref_pool(const ref_pool_cfg *c, const double *x, double *y, int64_t *ind)
{
    int64_t out[REF_MAX_SPATIAL], pb[REF_MAX_SPATIAL], pe[REF_MAX_SPATIAL];
    if (!ref_pool_shape(c, out, pb, pe))
        return;
    const int n = c->n;
    const int64_t in_plane = prod(n, c->in), out_plane = prod(n, out), taps = prod(n, c->kernel);
    for (int64_t plane = 0; plane < c->N * c->C; plane++) {
        for (int64_t f = 0; f < out_plane; f++) {
            int64_t o[REF_MAX_SPATIAL], j[REF_MAX_SPATIAL], t[REF_MAX_SPATIAL];
            unflatten(n, out, f, o);
            double m = 0, sum = 0;
            int64_t best = -1, valid = 0, extent = 0;
            for (int64_t tf = 0; tf < taps; tf++) { /* every tap, row-major window order (§3, §4) */
                unflatten(n, c->kernel, tf, j);
                int ok = 1, inside_extent = 1;
                for (int a = 0; a < n; a++) {
                    t[a] = o[a] * c->strides[a] - pb[a] + j[a] * c->dilations[a];
                    if (t[a] < 0 || t[a] >= c->in[a])
                        ok = 0;
                    if (t[a] < -pb[a] || t[a] >= c->in[a] + pe[a])
                        inside_extent = 0;
                }
                extent += inside_extent;
                if (!ok)
                    continue;
                int64_t off = 0;
                for (int a = 0; a < n; a++)
                    off = off * c->in[a] + t[a];
                double v = x[plane * in_plane + off];
                valid++;
                if (c->kind == REF_MAX) {
                    if (best < 0 || v > m || isnan(v)) { /* PyTorch NaN rule, first max wins */
                        m = v;
                        if (c->storage_order) { /* §4.1 column-major spatial */
                            int64_t cm = 0, mul = 1;
                            for (int a = 0; a < n; a++) {
                                cm += t[a] * mul;
                                mul *= c->in[a];
                            }
                            best = cm;
                        } else {
                            best = off;
                        }
                    }
                } else if (c->kind == REF_AVG) {
                    sum += v;
                } else {
                    sum += pow(fabs(v), c->p);
                }
            }
            double r;
            if (c->kind == REF_MAX)
                r = best < 0 ? 0.0 : m;
            else if (c->kind == REF_AVG)
                r = sum / (double)(c->count_include_pad ? extent : valid); /* §5 */
            else
                r = pow(sum, 1.0 / c->p); /* §6 */
            y[plane * out_plane + f] = r;
            if (ind)
                ind[plane * out_plane + f] = best < 0 ? -1 : plane * in_plane + best;
        }
    }
}

void ref_global_pool(int kind, double p, int64_t planes, int64_t plane, const double *x, double *y)
{
    for (int64_t q = 0; q < planes; q++) {
        const double *xp = x + q * plane;
        double acc = kind == REF_MAX ? xp[0] : 0.0;
        for (int64_t i = 0; i < plane; i++) {
            if (kind == REF_MAX)
                acc = (xp[i] > acc || isnan(xp[i])) ? xp[i] : acc;
            else if (kind == REF_AVG)
                acc += xp[i];
            else
                acc += pow(fabs(xp[i]), p);
        }
        y[q] = kind == REF_MAX ? acc : kind == REF_AVG ? acc / (double)plane : pow(acc, 1.0 / p);
    }
}

int ref_maxunpool(int r, const int64_t *inferred, const int64_t *out_dims, int64_t nx, const double *x,
                  const int64_t *ind, double *y)
{
    int64_t total = prod(r, inferred), idx[8];
    memset(y, 0, (size_t)prod(r, out_dims) * sizeof *y);
    for (int64_t i = 0; i < nx; i++) {
        if (ind[i] < 0 || ind[i] >= total)
            return 0;
        unflatten(r, inferred, ind[i], idx);
        int64_t off = 0;
        for (int a = 0; a < r; a++)
            off = off * out_dims[a] + idx[a];
        y[off] = x[i];
    }
    return 1;
}
