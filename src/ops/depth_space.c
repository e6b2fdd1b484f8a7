/* depth_space.c: DepthToSpace (1-22) and SpaceToDepth (1-22), rearrangements of a 4-D (N, C, H, W)
 * tensor by `blocksize` b, written as one strided copy (strided.h) of a 6-D view, per the reshape /
 * transpose / reshape definitions in ONNX Operators.md:
 *   DepthToSpace DCR (default): (N, b, b, C/b², H, W) -> transpose (0, 3, 4, 1, 5, 2) -> (N, C/b², H*b, W*b)
 *   DepthToSpace CRD (11+):     (N, C/b², b, b, H, W) -> transpose (0, 1, 4, 2, 5, 3)
 *   SpaceToDepth:               (N, C, H/b, b, W/b, b) -> transpose (0, 3, 5, 1, 2, 4) -> (N, C*b², H/b, W/b)
 * Elements move by byte size, so every dtype works. */
#include <string.h>

#include "core/shape.h"
#include "ops/attr.h"
#include "ops/op.h"
#include "ops/shape_args.h"
#include "ops/strided.h"

typedef struct ds_params {
    int64_t blocksize;
    bool to_space, crd;
} ds_params;

static onr_status ds_parse(const onr_node_desc *node, void *params, onr_error *err)
{
    static const char *const v1[] = {"blocksize", NULL};
    static const char *const v11[] = {"blocksize", "mode", NULL};
    ds_params *p = params;
    p->to_space = strcmp(node->op_type, "DepthToSpace") == 0;
    const char *mode = "DCR";
    onr_status st = onr_attr_allow(node, p->to_space && node->opset >= 11 ? v11 : v1, err);
    if (st == ONR_OK)
        st = onr_attr_require(node, "blocksize", err);
    if (st == ONR_OK)
        st = onr_attr_int(node, "blocksize", 1, &p->blocksize, err);
    if (st == ONR_OK)
        st = onr_attr_string(node, "mode", "DCR", &mode, err);
    if (st != ONR_OK)
        return st;
    if (p->blocksize < 1 || p->blocksize > (int64_t)1 << 30)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'blocksize' = %lld must be in [1, 2^30]",
                       (long long)p->blocksize);
    if (strcmp(mode, "CRD") == 0)
        p->crd = true;
    else if (strcmp(mode, "DCR") != 0)
        return onr_err(err, ONR_E_INVALID_MODEL, "attribute 'mode' = '%s' must be DCR or CRD", mode);
    return ONR_OK;
}

static onr_status ds_infer(onr_op_ctx *c, onr_error *err)
{
    const ds_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t b = p->blocksize;
    if (x->rank != 4)
        return onr_err(err, ONR_E_INVALID_MODEL, "input must be 4-D (N, C, H, W), got rank %d", (int)x->rank);
    onr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->rank = 4;
    o->dims[0] = x->dims[0];
    if (p->to_space) {
        if (x->dims[1] % (b * b) != 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "C = %lld is not a multiple of blocksize² = %lld",
                           (long long)x->dims[1], (long long)(b * b));
        if (x->dims[2] > INT64_MAX / b || x->dims[3] > INT64_MAX / b)
            return onr_err(err, ONR_E_INVALID_MODEL, "H or W times blocksize overflows");
        o->dims[1] = x->dims[1] / (b * b);
        o->dims[2] = x->dims[2] * b;
        o->dims[3] = x->dims[3] * b;
    } else {
        if (x->dims[2] % b != 0 || x->dims[3] % b != 0)
            return onr_err(err, ONR_E_INVALID_MODEL, "H = %lld and W = %lld must be multiples of blocksize %lld",
                           (long long)x->dims[2], (long long)x->dims[3], (long long)b);
        if (x->dims[1] > INT64_MAX / (b * b))
            return onr_err(err, ONR_E_INVALID_MODEL, "C times blocksize² overflows");
        o->dims[1] = x->dims[1] * b * b;
        o->dims[2] = x->dims[2] / b;
        o->dims[3] = x->dims[3] / b;
    }
    size_t bytes;
    return onr_shape_bytes(o->dtype, 4, o->dims, &bytes, "output", err);
}

static onr_status ds_run(onr_op_ctx *c, onr_error *err)
{
    (void)err;
    const ds_params *p = c->params;
    const onr_tensor *x = c->in[0];
    int64_t b = p->blocksize, n = x->dims[0], ch = x->dims[1], h = x->dims[2], w = x->dims[3];
    int64_t vd[6], perm[6], st[6], dims[6], strides[6];
    if (p->to_space && !p->crd) {
        int64_t v[6] = {n, b, b, ch / (b * b), h, w}, q[6] = {0, 3, 4, 1, 5, 2};
        memcpy(vd, v, sizeof v);
        memcpy(perm, q, sizeof q);
    } else if (p->to_space) {
        int64_t v[6] = {n, ch / (b * b), b, b, h, w}, q[6] = {0, 1, 4, 2, 5, 3};
        memcpy(vd, v, sizeof v);
        memcpy(perm, q, sizeof q);
    } else {
        int64_t v[6] = {n, ch, h / b, b, w / b, b}, q[6] = {0, 3, 5, 1, 2, 4};
        memcpy(vd, v, sizeof v);
        memcpy(perm, q, sizeof q);
    }
    onr_strides(6, vd, st);
    for (int i = 0; i < 6; i++) {
        dims[i] = vd[perm[i]];
        strides[i] = st[perm[i]];
    }
    onr_strided_copy(c->out[0]->data, x->data, onr_dtype_size(x->dtype), 6, dims, strides, c->pool);
    return ONR_OK;
}

const onr_op_def onr_op_depth_to_space = {
    .domain = "", .op_type = "DepthToSpace", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(ds_params), .parse = ds_parse,
    .infer = ds_infer, .run = ds_run,
};

const onr_op_def onr_op_space_to_depth = {
    .domain = "", .op_type = "SpaceToDepth", .since = 1, .until = 22,
    .min_in = 1, .max_in = 1, .min_out = 1, .max_out = 1,
    .params_size = sizeof(ds_params), .parse = ds_parse,
    .infer = ds_infer, .run = ds_run,
};
