/* session_helpers.h: what the engine-level suites (test_engine.c, test_fusion.c) need around
 * model_builder: load a built model or fail the test, and wrap a float buffer as an input tensor. */
#ifndef ONR_TESTS_SESSION_HELPERS_H
#define ONR_TESTS_SESSION_HELPERS_H

#include <criterion/criterion.h>

#include "model_builder.h"
#include "onnxrun.h"

/* Loads the model b describes and frees b; fails the test when the load fails. */
static inline onr_model *load(mb *b)
{
    onr_model *m = NULL;
    onr_error e = {0};
    onr_status st = mb_load(b, NULL, &m, &e);
    cr_assert_eq(st, ONR_OK, "load: %s", e.message);
    mb_free(b);
    return m;
}

static inline onr_tensor f32(const char *name, int rank, const int64_t *dims, float *data)
{
    onr_tensor t = {.name = name, .dtype = ONR_DTYPE_FLOAT, .rank = rank, .data = data};
    for (int i = 0; i < rank; i++)
        t.dims[i] = dims[i];
    return t;
}

#endif
