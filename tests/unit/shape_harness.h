/* shape_harness.h: drives one op through onr_op_find -> parse -> infer -> run the way the engine does,
 * for the shape-op suites (test_shape_ops.c, test_data_movement.c, test_pad_resize.c), plus small
 * builders for tensors and attributes and value checks.
 *
 *   onr_attr at[] = {A_INT("axis", 1)};
 *   sh_run r;
 *   sh_exec(&r, "Concat", 13, at, 1, (const onr_tensor *[]){&a, &b}, 2, 1, 0);
 *   sh_expect_f32(&r.out[0], 2, D(2, 4), (float[]){...}, 0, "case name");
 *   sh_free(&r);
 */
#ifndef ONR_TESTS_SHAPE_HARNESS_H
#define ONR_TESTS_SHAPE_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ops/op.h"

#define SH_MAX_OUT 8

typedef struct sh_run {
    onr_status st;   /* of the first stage that failed, ONR_OK when all ran */
    const char *stage; /* "find", "parse", "infer", "run" or "done" */
    onr_error err;
    size_t n_out;
    onr_tensor out[SH_MAX_OUT]; /* data malloc'd by sh_exec, freed by sh_free */
    void *params;
} sh_run;

/* Runs the op. in[i] may be NULL (an omitted optional input). Bit i of `hide` hides in[i]'s data from
 * infer (a value only known at run time). Scratch is allocated as infer asks. Outputs whose bit is
 * set in `skip_out` are not requested (NULL), like an omitted optional output. */
onr_status sh_exec_ex(sh_run *r, const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                      const onr_tensor *const *in, size_t n_in, size_t n_out, unsigned hide, unsigned skip_out);
static inline onr_status sh_exec(sh_run *r, const char *op, int64_t opset, const onr_attr *attrs, size_t n_attrs,
                                 const onr_tensor *const *in, size_t n_in, size_t n_out, unsigned hide)
{
    return sh_exec_ex(r, op, opset, attrs, n_attrs, in, n_in, n_out, hide, 0);
}
void sh_free(sh_run *r);

/* A tensor view over caller data. */
static inline onr_tensor sh_t(onr_dtype dt, int32_t rank, const int64_t *dims, const void *data)
{
    onr_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = dt;
    t.rank = rank;
    for (int32_t i = 0; i < rank; i++)
        t.dims[i] = dims[i];
    t.data = (void *)data;
    return t;
}

#define D(...) ((const int64_t[]){__VA_ARGS__})
#define NARGS_I64(...) (sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define NARGS_F32(...) (sizeof((const float[]){__VA_ARGS__}) / sizeof(float))
/* 1-D int64 tensor of the listed values. */
#define I64V(...) sh_t(ONR_DTYPE_INT64, 1, D((int64_t)NARGS_I64(__VA_ARGS__)), (const int64_t[]){__VA_ARGS__})
#define F32V(...) sh_t(ONR_DTYPE_FLOAT, 1, D((int64_t)NARGS_F32(__VA_ARGS__)), (const float[]){__VA_ARGS__})

#define A_INT(nm, v) ((onr_attr){.name = (nm), .type = ONR_ATTR_INT, .i = (v)})
#define A_FLOAT(nm, v) ((onr_attr){.name = (nm), .type = ONR_ATTR_FLOAT, .f = (v)})
#define A_STR(nm, v) ((onr_attr){.name = (nm), .type = ONR_ATTR_STRING, .s = (v), .s_len = strlen(v)})
#define A_INTS(nm, ...)                                                                                     \
    ((onr_attr){.name = (nm), .type = ONR_ATTR_INTS, .ints = (const int64_t[]){__VA_ARGS__},               \
                .n = NARGS_I64(__VA_ARGS__)})
#define A_FLOATS(nm, ...)                                                                                   \
    ((onr_attr){.name = (nm), .type = ONR_ATTR_FLOATS, .floats = (const float[]){__VA_ARGS__},             \
                .n = NARGS_F32(__VA_ARGS__)})
#define A_TENSOR(nm, tp) ((onr_attr){.name = (nm), .type = ONR_ATTR_TENSOR, .t = (tp)})

/* Checks (criterion expectations, `what` names the case in failure messages). */
void sh_expect_ok(const sh_run *r, const char *what);
void sh_expect_fail(const sh_run *r, onr_status code, const char *stage, const char *what);
void sh_expect_shape(const onr_tensor *t, int32_t rank, const int64_t *dims, const char *what);
void sh_expect_f32(const onr_tensor *t, int32_t rank, const int64_t *dims, const float *v, float tol,
                   const char *what);
void sh_expect_i64(const onr_tensor *t, int32_t rank, const int64_t *dims, const int64_t *v, const char *what);
/* Same dtype, shape and bytes as `want`. */
void sh_expect_same(const onr_tensor *t, const onr_tensor *want, const char *what);

#endif
