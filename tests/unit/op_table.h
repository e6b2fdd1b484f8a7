/* op_table.h: table-driven op cases for the op-coverage suites (test_normalization.c,
 * test_index_ops.c): each case names the op, opset, attributes, inputs and expected outputs as double
 * lists of any dtype, runs through shape_harness's sh_exec (find -> parse -> infer -> run, outputs
 * poisoned before run) and compares every output with ec_expect. */
#ifndef ONR_TESTS_OP_TABLE_H
#define ONR_TESTS_OP_TABLE_H

#include <stdbool.h>

#include "elt_check.h"

#define OT_MAX_IO 4
#define OT_MAX_VALS 96

typedef struct ot_tensor {
    onr_dtype dt; /* 0: omitted (optional input) */
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
    double v[OT_MAX_VALS];
} ot_tensor;

typedef struct ot_case {
    const char *what;
    const char *op;
    int64_t opset;
    onr_attr attrs[4];
    size_t n_attrs;
    size_t n_in;
    ot_tensor in[OT_MAX_IO];
    size_t n_out;
    ot_tensor out[OT_MAX_IO];
    double tol;
} ot_case;

/* A string attribute usable in static tables (length from the literal). */
#define A_S(nm, lit) {.name = (nm), .type = ONR_ATTR_STRING, .s = (lit), .s_len = sizeof(lit) - 1}

/* Runs one case and checks every output. */
void ot_run(const ot_case *c);

/* Runs a case expecting failure with `code` at `stage`. */
void ot_run_fail(const ot_case *c, onr_status code, const char *stage);

#endif
