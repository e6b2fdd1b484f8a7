/* conv_reference.c: see conv_reference.h. Deliberately the slowest obvious loops: every output element
 * visits every kernel tap and tests the input index. */
#include "conv_reference.h"

int64_t ref_conv_out(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe)
{
    int64_t num = in + pb + pe - ((k - 1) * d + 1);
    int64_t q = num >= 0 ? num / s : -((-num + s - 1) / s);
    return q + 1;
}

void ref_same_pads(int64_t in, int64_t k, int64_t s, int64_t d, int upper, int64_t *pb, int64_t *pe)
{
    int64_t out = (in + s - 1) / s;
    int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
    if (total < 0)
        total = 0;
    *pb = upper ? total / 2 : total - total / 2;
    *pe = total - *pb;
}

static int64_t prod(const int64_t *v, int n)
{
    int64_t p = 1;
    for (int i = 0; i < n; i++)
        p *= v[i];
    return p;
}

/* coords of flat index f over dims (row-major) */
static void unflat(int64_t f, const int64_t *dims, int n, int64_t *c)
{
    for (int i = n - 1; i >= 0; i--) {
        c[i] = f % dims[i];
        f /= dims[i];
    }
}

void ref_conv(const double *x, const int64_t *xdims, const double *w, int64_t m, const double *b, const ref_geom *g,
              double *y, int64_t *ydims)
{
    int n = g->n;
    int64_t N = xdims[0], C = xdims[1], cg = C / g->group, mg = m / g->group;
    int64_t out[REF_MAX_SP], oc[REF_MAX_SP], kc[REF_MAX_SP];
    for (int i = 0; i < n; i++)
        out[i] = ref_conv_out(xdims[2 + i], g->k[i], g->s[i], g->d[i], g->pb[i], g->pe[i]);
    ydims[0] = N;
    ydims[1] = m;
    for (int i = 0; i < n; i++)
        ydims[2 + i] = out[i];
    int64_t osz = prod(out, n), ksz = prod(g->k, n), isz = prod(xdims + 2, n);
    for (int64_t bn = 0; bn < N; bn++)
        for (int64_t mo = 0; mo < m; mo++) {
            int64_t grp = mo / mg;
            for (int64_t o = 0; o < osz; o++) {
                unflat(o, out, n, oc);
                double acc = b ? b[mo] : 0.0;
                for (int64_t ci = 0; ci < cg; ci++)
                    for (int64_t t = 0; t < ksz; t++) {
                        unflat(t, g->k, n, kc);
                        int64_t idx = 0;
                        int inside = 1;
                        for (int i = 0; i < n && inside; i++) {
                            int64_t p = oc[i] * g->s[i] - g->pb[i] + kc[i] * g->d[i];
                            inside = p >= 0 && p < xdims[2 + i];
                            idx = idx * xdims[2 + i] + p;
                        }
                        if (!inside)
                            continue;
                        int64_t c = grp * cg + ci;
                        acc += x[(bn * C + c) * isz + idx] * w[(mo * cg + ci) * ksz + t];
                    }
                y[(bn * m + mo) * osz + o] = acc;
            }
        }
}

void ref_conv_transpose(const double *x, const int64_t *xdims, const double *w, int64_t m_per_group, const double *b,
                        const ref_geom *g, const int64_t *out, double *y)
{
    int n = g->n;
    int64_t N = xdims[0], C = xdims[1], cg = C / g->group, M = m_per_group * g->group;
    int64_t ic[REF_MAX_SP], kc[REF_MAX_SP];
    int64_t osz = prod(out, n), ksz = prod(g->k, n), isz = prod(xdims + 2, n);
    for (int64_t bn = 0; bn < N; bn++)
        for (int64_t mo = 0; mo < M; mo++)
            for (int64_t o = 0; o < osz; o++)
                y[(bn * M + mo) * osz + o] = b ? b[mo] : 0.0;
    for (int64_t bn = 0; bn < N; bn++)
        for (int64_t c = 0; c < C; c++) {
            int64_t grp = c / cg;
            for (int64_t i = 0; i < isz; i++) {
                unflat(i, xdims + 2, n, ic);
                for (int64_t mg = 0; mg < m_per_group; mg++)
                    for (int64_t t = 0; t < ksz; t++) {
                        unflat(t, g->k, n, kc);
                        int64_t idx = 0;
                        int inside = 1;
                        for (int a = 0; a < n && inside; a++) {
                            int64_t p = ic[a] * g->s[a] - g->pb[a] + kc[a] * g->d[a];
                            inside = p >= 0 && p < out[a];
                            idx = idx * out[a] + p;
                        }
                        if (!inside)
                            continue;
                        int64_t mo = grp * m_per_group + mg;
                        y[(bn * M + mo) * osz + idx] +=
                            x[(bn * C + c) * isz + i] * w[(c * m_per_group + mg) * ksz + t];
                    }
            }
        }
}
