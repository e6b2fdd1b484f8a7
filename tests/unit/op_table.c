/* op_table.c: see op_table.h. */
#include "op_table.h"

#include <criterion/criterion.h>
#include <stdio.h>

static void build(const ot_case *c, onr_tensor *t, const onr_tensor **in)
{
    cr_assert(c->n_in <= OT_MAX_IO && c->n_out <= OT_MAX_IO);
    for (size_t i = 0; i < c->n_in; i++) {
        in[i] = NULL;
        if (c->in[i].dt == 0)
            continue;
        t[i] = ec_make(c->in[i].dt, c->in[i].rank, c->in[i].dims, c->in[i].v);
        in[i] = &t[i];
    }
}

static void release(const ot_case *c, onr_tensor *t)
{
    for (size_t i = 0; i < c->n_in; i++)
        if (c->in[i].dt != 0)
            ec_free(&t[i]);
}

void ot_run(const ot_case *c)
{
    onr_tensor t[OT_MAX_IO];
    const onr_tensor *in[OT_MAX_IO];
    build(c, t, in);
    sh_run r;
    sh_exec(&r, c->op, c->opset, c->attrs, c->n_attrs, in, c->n_in, c->n_out, 0);
    sh_expect_ok(&r, c->what);
    if (r.st == ONR_OK)
        for (size_t o = 0; o < c->n_out; o++) {
            char what[160];
            snprintf(what, sizeof what, "%s, output %zu", c->what, o);
            ec_expect(&r.out[o], c->out[o].dt, c->out[o].rank, c->out[o].dims, c->out[o].v, c->tol, what);
        }
    sh_free(&r);
    release(c, t);
}

void ot_run_fail(const ot_case *c, onr_status code, const char *stage)
{
    onr_tensor t[OT_MAX_IO];
    const onr_tensor *in[OT_MAX_IO];
    build(c, t, in);
    sh_run r;
    sh_exec(&r, c->op, c->opset, c->attrs, c->n_attrs, in, c->n_in, c->n_out, 0);
    sh_expect_fail(&r, code, stage, c->what);
    sh_free(&r);
    release(c, t);
}
