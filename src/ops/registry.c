/* registry.c: the one table of ops, built from ops.def, and lookup by (domain, op_type, opset). */
#include <string.h>

#include "ops/op.h"

#define ONR_OP(sym) extern const onr_op_def sym;
#include "ops/ops.def"
#undef ONR_OP

static const onr_op_def *const table[] = {
#define ONR_OP(sym) &sym,
#include "ops/ops.def"
#undef ONR_OP
};

static int same_domain(const char *a, const char *b)
{
    /* "" and "ai.onnx" name the same default domain. */
    if (!a || !*a || strcmp(a, "ai.onnx") == 0)
        a = "";
    if (!b || !*b || strcmp(b, "ai.onnx") == 0)
        b = "";
    return strcmp(a, b) == 0;
}

const onr_op_def *onr_op_find(const char *domain, const char *op_type, int64_t opset, onr_error *err)
{
    int known = 0, newest = 0, oldest = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const onr_op_def *d = table[i];
        if (!same_domain(d->domain, domain) || strcmp(d->op_type, op_type) != 0)
            continue;
        if (opset >= d->since && opset <= d->until)
            return d;
        if (!known || d->until > newest)
            newest = d->until;
        if (!known || d->since < oldest)
            oldest = d->since;
        known = 1;
    }
    const char *dom = domain && *domain ? domain : "ai.onnx";
    if (!known)
        return onr_err(err, ONR_E_UNSUPPORTED, "op %s (domain '%s', opset %lld) is not supported", op_type, dom,
                       (long long)opset),
               NULL;
    if (opset > newest)
        return onr_err(err, ONR_E_UNSUPPORTED,
                       "op %s (domain '%s') at opset %lld is newer than onnxrun knows (up to %d)", op_type, dom,
                       (long long)opset, newest),
               NULL;
    return onr_err(err, ONR_E_UNSUPPORTED, "op %s (domain '%s') is not supported at opset %lld (supported from %d)",
                   op_type, dom, (long long)opset, oldest),
           NULL;
}

size_t onr_op_count(void)
{
    return sizeof table / sizeof table[0];
}

const onr_op_def *onr_op_at(size_t i)
{
    return i < onr_op_count() ? table[i] : NULL;
}
