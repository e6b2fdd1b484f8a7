/* einsum.c: Einsum (12-22), numpy.einsum semantics for any equation of up to 8 operands:
 *   terms of letters (a-z, A-Z) and at most one "..." per operand, comma-separated, then optionally
 *   "->" and the output term. Spaces are ignored. Without "->" the output is the ellipsis dims followed
 *   by the letters that occur exactly once, in alphabetical order (upper case first, as numpy orders
 *   them). A letter repeated within one operand takes its diagonal; letters missing from the output are
 *   summed over. Ellipsis dims are right-aligned across operands and broadcast (numpy rules).
 * The kernel is the direct definition: for every output element, sum over every combination of the
 * summed letters of the product of the operands. It serves every equation (transpose, diagonal, trace,
 * batch matmul, contractions) at O(product of all label sizes); hot matmul-shaped models use MatMul.
 * Values accumulate in double: exact for floats, and for integers up to 2^53. */
#include <string.h>

#include "core/dtype.h"
#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"

#define MAX_OPS 8
#define N_LETTERS 52
#define MAX_LABELS (N_LETTERS + ONR_MAX_RANK) /* letters, then the ellipsis dims */

typedef struct einsum_params {
    const char *equation;
} einsum_params;

typedef struct plan {
    size_t n_in;
    int32_t rank[MAX_OPS];
    int lab[MAX_OPS][ONR_MAX_RANK]; /* label of each axis of each operand */
    int32_t out_rank;
    int out_lab[ONR_MAX_RANK];
    int64_t size[MAX_LABELS];       /* -1: label unused */
    int order[MAX_LABELS];          /* output labels, then summed labels */
    int n_order;
} plan;

static int letter(char ch)
{
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A'; /* upper case sorts first, as in numpy's implicit output */
    return -1;
}

static onr_status einsum_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const allowed[] = {"equation", NULL};
    einsum_params *p = params;
    onr_status st = onr_attr_allow(node, allowed, err);
    if (st == ONR_OK)
        st = onr_attr_require(node, "equation", err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "equation", "", &p->equation, err);
    return st;
}

/* Reads one term into labels (ellipsis dims expanded for an operand of `rank`, or with rank < 0 for the
 * output, where e_rank ellipsis dims are used). Advances *s past the term. */
static onr_status read_term(const char **s, int32_t rank, int32_t e_rank, int *labs, int32_t *n, int32_t *ell_at,
                            onr_error *err)
{
    int tmp[64];
    int32_t k = 0, letters = 0;
    *ell_at = -1;
    const char *q = *s;
    for (; *q && *q != ',' && *q != '-'; q++) {
        if (*q == ' ')
            continue;
        if (*q == '.') {
            if (q[1] != '.' || q[2] != '.' || *ell_at >= 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': malformed or repeated '...'");
            *ell_at = k;
            q += 2;
            continue;
        }
        int l = letter(*q);
        if (l < 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': unexpected character '%c'", *q);
        if (k >= 64)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': term too long");
        tmp[k++] = l;
        letters++;
    }
    *s = q;
    int32_t ell = 0;
    if (rank >= 0) {
        if (*ell_at < 0 ? letters != rank : letters > rank)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': a term has %d letters for rank %d",
                           (int)letters, (int)rank);
        ell = *ell_at < 0 ? 0 : rank - letters;
    } else {
        ell = *ell_at < 0 ? 0 : e_rank;
    }
    if (letters + ell > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "attribute 'equation': a term has rank above %d", ONR_MAX_RANK);
    int32_t m = 0;
    for (int32_t i = 0; i <= letters; i++) {
        if (i == *ell_at)
            for (int32_t e = 0; e < ell; e++) /* right-aligned: the last ellipsis dim is label N+e_rank-1 */
                labs[m++] = N_LETTERS + (rank >= 0 ? e_rank - ell : 0) + e;
        if (i < letters)
            labs[m++] = tmp[i];
    }
    *n = m;
    return ONR_OK;
}

static onr_status make_plan(const einsum_params *p, const onr_op_ctx *c, plan *pl, onr_error *err)
{
    memset(pl, 0, sizeof *pl);
    if (c->n_in > MAX_OPS)
        return onr_err(err, ONR_E_UNSUPPORTED, "%zu operands (at most %d)", c->n_in, MAX_OPS);
    pl->n_in = c->n_in;
    for (int l = 0; l < MAX_LABELS; l++)
        pl->size[l] = -1;
    /* the ellipsis rank is the largest of the operands': count letters per term first */
    int32_t e_rank = 0;
    {
        const char *s = p->equation;
        for (size_t i = 0; i < c->n_in; i++) {
            int32_t letters = 0;
            bool ell = false;
            for (; *s && *s != ',' && *s != '-'; s++) {
                if (letter(*s) >= 0)
                    letters++;
                else if (*s == '.')
                    ell = true;
            }
            if (ell && c->in[i]->rank - letters > e_rank)
                e_rank = c->in[i]->rank - letters;
            if (*s == ',')
                s++;
        }
    }
    if (e_rank > ONR_MAX_RANK)
        return onr_err(err, ONR_E_UNSUPPORTED, "ellipsis covers more than %d dims", ONR_MAX_RANK);
    const char *s = p->equation;
    int count[MAX_LABELS] = {0};
    for (size_t i = 0; i < c->n_in; i++) {
        const onr_tensor *t = c->in[i];
        int32_t n, ell_at;
        onr_status st = read_term(&s, t->rank, e_rank, pl->lab[i], &n, &ell_at, err);
        if (st != ONR_OK)
            return st;
        pl->rank[i] = n;
        for (int32_t a = 0; a < n; a++) {
            int l = pl->lab[i][a];
            int64_t d = t->dims[a];
            count[l]++;
            if (pl->size[l] < 0 || (l >= N_LETTERS && pl->size[l] == 1))
                pl->size[l] = d;
            else if (d != pl->size[l] && !(l >= N_LETTERS && d == 1))
                return onr_err(err, ONR_E_INVALID_MODEL, "equation label of operand %zu axis %d has size %lld, "
                               "elsewhere %lld", i, (int)a, (long long)d, (long long)pl->size[l]);
        }
        if (i + 1 < c->n_in) {
            if (*s != ',')
                return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation' has fewer terms than the %zu inputs",
                               c->n_in);
            s++;
        }
    }
    while (*s == ' ')
        s++;
    if (*s == ',')
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation' has more terms than the %zu inputs", c->n_in);
    if (*s == '-') {
        if (s[1] != '>')
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': expected '->'");
        s += 2;
        int32_t ell_at;
        onr_status st = read_term(&s, -1, e_rank, pl->out_lab, &pl->out_rank, &ell_at, err);
        if (st != ONR_OK)
            return st;
        if (*s)
            return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': trailing text after the output");
        for (int32_t a = 0; a < pl->out_rank; a++) {
            int l = pl->out_lab[a];
            if (pl->size[l] < 0)
                return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': output label not in any input");
            for (int32_t b = 0; b < a; b++)
                if (pl->out_lab[b] == l)
                    return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'equation': output label repeated");
        }
    } else {
        for (int32_t e = 0; e < e_rank; e++)
            pl->out_lab[pl->out_rank++] = N_LETTERS + e;
        for (int l = 0; l < N_LETTERS; l++)
            if (count[l] == 1) {
                if (pl->out_rank >= ONR_MAX_RANK)
                    return onr_err(err, ONR_E_UNSUPPORTED, "output rank above %d", ONR_MAX_RANK);
                pl->out_lab[pl->out_rank++] = l;
            }
    }
    bool in_out[MAX_LABELS] = {false};
    for (int32_t a = 0; a < pl->out_rank; a++) {
        pl->order[pl->n_order++] = pl->out_lab[a];
        in_out[pl->out_lab[a]] = true;
    }
    for (int l = 0; l < MAX_LABELS; l++)
        if (pl->size[l] >= 0 && !in_out[l])
            pl->order[pl->n_order++] = l;
    return ONR_OK;
}

static onr_status einsum_infer(onr_op_ctx *c, onr_error *err)
{
    plan pl;
    onr_dtype dt = c->in[0]->dtype;
    if (dt == ONR_DTYPE_BOOL || !onr_dtype_known(dt))
        return onr_err(err, ONR_E_UNSUPPORTED, "type %s is not supported", onr_dtype_name(dt));
    for (size_t i = 1; i < c->n_in; i++)
        if (c->in[i]->dtype != dt)
            return onr_err(err, ONR_E_INVALID_MODEL, "input %zu type %s differs from input 0's %s", i,
                           onr_dtype_name(c->in[i]->dtype), onr_dtype_name(dt));
    onr_status st = make_plan(c->params, c, &pl, err);
    if (st != ONR_OK)
        return st;
    /* the iteration space (every label) must be countable too */
    size_t space = 1;
    for (int k = 0; k < pl.n_order; k++)
        if (!onr_mul_size(space, (size_t)pl.size[pl.order[k]], &space))
            return onr_err(err, ONR_E_NOMEM, "the einsum iteration space overflows");
    onr_tensor *o = c->out[0];
    o->dtype = dt;
    o->rank = pl.out_rank;
    for (int32_t a = 0; a < ONR_MAX_RANK; a++)
        o->dims[a] = a < pl.out_rank ? pl.size[pl.out_lab[a]] : 0;
    size_t bytes;
    return onr_shape_bytes(o->dtype, o->rank, o->dims, &bytes, "output", err);
}

static onr_status einsum_run(onr_op_ctx *c, onr_error *err)
{
    plan pl;
    onr_status st = make_plan(c->params, c, &pl, err);
    if (st != ONR_OK)
        return st;
    /* stride of each label in each operand (summed over repeated axes: the diagonal; 0 where broadcast) */
    size_t lstride[MAX_OPS][MAX_LABELS];
    memset(lstride, 0, sizeof lstride);
    for (size_t i = 0; i < pl.n_in; i++) {
        int64_t s = 1;
        for (int32_t a = pl.rank[i] - 1; a >= 0; a--) {
            if (c->in[i]->dims[a] != 1)
                lstride[i][pl.lab[i][a]] += (size_t)s;
            s *= c->in[i]->dims[a];
        }
    }
    onr_tensor *o = c->out[0];
    size_t n_out = onr_tensor_count(o), inner = 1;
    for (int k = pl.out_rank; k < pl.n_order; k++)
        inner *= (size_t)pl.size[pl.order[k]];
    if (n_out == 0)
        return ONR_OK;
    size_t idx[MAX_LABELS] = {0}; /* position along each label of `order` */
    size_t off[MAX_OPS] = {0};
    for (size_t e = 0; e < n_out; e++) {
        double acc = 0.0;
        for (size_t s = 0; s < inner; s++) {
            double prod = 1.0;
            for (size_t i = 0; i < pl.n_in; i++)
                prod *= onr_load_as_double(c->in[i]->dtype, c->in[i]->data, off[i]);
            acc += prod;
            /* next combination, last label fastest; output labels roll over into the next element */
            for (int k = pl.n_order - 1; k >= 0; k--) {
                int l = pl.order[k];
                for (size_t i = 0; i < pl.n_in; i++)
                    off[i] += lstride[i][l];
                if (++idx[k] < (size_t)pl.size[l])
                    break;
                for (size_t i = 0; i < pl.n_in; i++)
                    off[i] -= lstride[i][l] * (size_t)pl.size[l];
                idx[k] = 0;
            }
        }
        onr_store_from_double(o->dtype, o->data, e, acc);
    }
    return ONR_OK;
}

const onr_op_def onr_op_einsum = {
    .domain = "", .op_type = "Einsum", .since = 12, .until = 22,
    .min_in = 1, .max_in = ONR_VARIADIC, .min_out = 1, .max_out = 1,
    .params_size = sizeof(einsum_params), .parse = einsum_parse,
    .infer = einsum_infer, .run = einsum_run,
};
