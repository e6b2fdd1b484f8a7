/* test_index_ops.c: Trilu, CumSum, GatherElements, GatherND, ScatterElements, Scatter, ScatterND,
 * DepthToSpace, SpaceToDepth, EyeLike, OneHot, NonZero, Compress, TopK, Einsum, ReverseSequence, Det.
 * Values are the ONNX operator docs examples (onnx/backend/test/case/node/<op>.py) where named "docs",
 * else worked by hand from the definitions in the op files' header comments. Run-time shaped ops
 * (NonZero, Compress, OneHot's depth, TopK's K) are also checked to ask for the data at plan time. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "op_table.h"

#define F ONR_DTYPE_FLOAT
#define F64 ONR_DTYPE_DOUBLE
#define I64 ONR_DTYPE_INT64
#define I32 ONR_DTYPE_INT32
#define B ONR_DTYPE_BOOL
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define IOTA12 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}

static const ot_case cases[] = {
    /* Trilu on a 3x4 iota: upper keeps j - i >= k, lower keeps j - i <= k. Values travel as double, so
     * the huge k is 2^62 (INT64_MAX has no double). */
    {"triu k 0", "Trilu", 14, {{0}}, 0, 1, {{F, 2, {3, 4}, IOTA12}}, 1,
     {{F, 2, {3, 4}, {0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11}}}, 0},
    {"triu k 1", "Trilu", 14, {{0}}, 0, 2, {{F, 2, {3, 4}, IOTA12}, {I64, 0, {0}, {1}}}, 1,
     {{F, 2, {3, 4}, {0, 1, 2, 3, 0, 0, 6, 7, 0, 0, 0, 11}}}, 0},
    {"tril k -1", "Trilu", 14, {A_INT("upper", 0)}, 1, 2, {{I32, 2, {3, 4}, IOTA12}, {I64, 1, {1}, {-1}}}, 1,
     {{I32, 2, {3, 4}, {0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0}}}, 0},
    {"tril k 0, batch of 2", "Trilu", 14, {A_INT("upper", 0)}, 1, 1, {{F, 3, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}}}, 1,
     {{F, 3, {2, 2, 2}, {1, 0, 3, 4, 5, 0, 7, 8}}}, 0},
    {"triu k past the end keeps nothing", "Trilu", 14, {{0}}, 0, 2, {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 0, {0}, {0x1p62}}},
     1, {{F, 2, {2, 2}, {0, 0, 0, 0}}}, 0},
    {"triu k before the start keeps all", "Trilu", 14, {{0}}, 0, 2,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 0, {0}, {INT64_MIN}}}, 1, {{F, 2, {2, 2}, {1, 2, 3, 4}}}, 0},
    /* CumSum docs */
    {"cumsum 1d", "CumSum", 14, {{0}}, 0, 2, {{F64, 1, {5}, {1, 2, 3, 4, 5}}, {I32, 0, {0}, {0}}}, 1,
     {{F64, 1, {5}, {1, 3, 6, 10, 15}}}, 0},
    {"cumsum exclusive", "CumSum", 14, {A_INT("exclusive", 1)}, 1, 2, {{F64, 1, {5}, {1, 2, 3, 4, 5}}, {I32, 0, {0}, {0}}},
     1, {{F64, 1, {5}, {0, 1, 3, 6, 10}}}, 0},
    {"cumsum reverse", "CumSum", 14, {A_INT("reverse", 1)}, 1, 2, {{F64, 1, {5}, {1, 2, 3, 4, 5}}, {I32, 0, {0}, {0}}}, 1,
     {{F64, 1, {5}, {15, 14, 12, 9, 5}}}, 0},
    {"cumsum exclusive reverse", "CumSum", 14, {A_INT("exclusive", 1), A_INT("reverse", 1)}, 2, 2,
     {{F64, 1, {5}, {1, 2, 3, 4, 5}}, {I32, 0, {0}, {0}}}, 1, {{F64, 1, {5}, {14, 12, 9, 5, 0}}}, 0},
    {"cumsum 2d axis 0", "CumSum", 11, {{0}}, 0, 2, {{F, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}, {I64, 0, {0}, {0}}}, 1,
     {{F, 2, {2, 3}, {1, 2, 3, 5, 7, 9}}}, 0},
    {"cumsum 2d negative axis, int64", "CumSum", 14, {{0}}, 0, 2,
     {{I64, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}, {I64, 1, {1}, {-1}}}, 1, {{I64, 2, {2, 3}, {1, 3, 6, 4, 9, 15}}}, 0},
    /* GatherElements docs */
    {"gather_elements axis 1", "GatherElements", 13, {A_INT("axis", 1)}, 1, 2,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 2, {2, 2}, {0, 0, 1, 0}}}, 1, {{F, 2, {2, 2}, {1, 1, 4, 3}}}, 0},
    {"gather_elements axis 0", "GatherElements", 13, {{0}}, 0, 2,
     {{F, 2, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}, {I32, 2, {2, 3}, {1, 2, 0, 2, 0, 0}}}, 1,
     {{F, 2, {2, 3}, {4, 8, 3, 7, 2, 3}}}, 0},
    {"gather_elements negative indices", "GatherElements", 11, {{0}}, 0, 2,
     {{F, 2, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}, {I64, 2, {2, 3}, {-1, -2, 0, -2, 0, 0}}}, 1,
     {{F, 2, {2, 3}, {7, 5, 3, 4, 2, 3}}}, 0},
    /* GatherND docs */
    {"gather_nd elements", "GatherND", 11, {{0}}, 0, 2, {{I32, 2, {2, 2}, {0, 1, 2, 3}}, {I64, 2, {2, 2}, {0, 0, 1, 1}}},
     1, {{I32, 1, {2}, {0, 3}}}, 0},
    {"gather_nd slices", "GatherND", 11, {{0}}, 0, 2, {{F, 2, {2, 2}, {0, 1, 2, 3}}, {I64, 2, {2, 1}, {1, 0}}}, 1,
     {{F, 2, {2, 2}, {2, 3, 0, 1}}}, 0},
    {"gather_nd batch_dims 1", "GatherND", 12, {A_INT("batch_dims", 1)}, 1, 2,
     {{F, 3, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}}, {I64, 2, {2, 1}, {1, 0}}}, 1, {{F, 2, {2, 2}, {2, 3, 4, 5}}}, 0},
    /* ScatterElements docs */
    {"scatter_elements axis 0", "ScatterElements", 11, {{0}}, 0, 3,
     {{F, 2, {3, 3}, {0}}, {I64, 2, {2, 3}, {1, 0, 2, 0, 2, 1}}, {F, 2, {2, 3}, {1.0, 1.1, 1.2, 2.0, 2.1, 2.2}}}, 1,
     {{F, 2, {3, 3}, {2.0, 1.1, 0.0, 1.0, 0.0, 2.2, 0.0, 2.1, 1.2}}}, 1e-6},
    {"scatter_elements axis 1", "ScatterElements", 13, {A_INT("axis", 1)}, 1, 3,
     {{F, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, 3}}, {F, 2, {1, 2}, {1.1, 2.1}}}, 1,
     {{F, 2, {1, 5}, {1, 1.1, 3, 2.1, 5}}}, 1e-6},
    {"scatter (opset 9) negative index", "Scatter", 9, {A_INT("axis", 1)}, 1, 3,
     {{F, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, -3}}, {F, 2, {1, 2}, {1.1, 2.1}}}, 1,
     {{F, 2, {1, 5}, {1, 1.1, 2.1, 4, 5}}}, 1e-6},
    {"scatter_elements add duplicates", "ScatterElements", 16, {A_INT("axis", 1), A_S("reduction", "add")}, 2, 3,
     {{F, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, 1}}, {F, 2, {1, 2}, {1.1, 2.1}}}, 1,
     {{F, 2, {1, 5}, {1, 5.2, 3, 4, 5}}}, 1e-6},
    {"scatter_elements mul, int32", "ScatterElements", 16, {A_INT("axis", 1), A_S("reduction", "mul")}, 2, 3,
     {{I32, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, 1}}, {I32, 2, {1, 2}, {3, 5}}}, 1,
     {{I32, 2, {1, 5}, {1, 30, 3, 4, 5}}}, 0},
    {"scatter_elements max", "ScatterElements", 18, {A_INT("axis", 1), A_S("reduction", "max")}, 2, 3,
     {{F, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, 1}}, {F, 2, {1, 2}, {1.1, 2.1}}}, 1,
     {{F, 2, {1, 5}, {1, 2.1, 3, 4, 5}}}, 1e-6},
    {"scatter_elements min", "ScatterElements", 18, {A_INT("axis", 1), A_S("reduction", "min")}, 2, 3,
     {{F, 2, {1, 5}, {1, 2, 3, 4, 5}}, {I64, 2, {1, 2}, {1, 1}}, {F, 2, {1, 2}, {1.1, 2.1}}}, 1,
     {{F, 2, {1, 5}, {1, 1.1, 3, 4, 5}}}, 1e-6},
    /* ScatterND docs example 1, then slices with add */
    {"scatter_nd elements", "ScatterND", 11, {{0}}, 0, 3,
     {{F, 1, {8}, {1, 2, 3, 4, 5, 6, 7, 8}}, {I64, 2, {4, 1}, {4, 3, 1, 7}}, {F, 1, {4}, {9, 10, 11, 12}}}, 1,
     {{F, 1, {8}, {1, 11, 3, 10, 9, 6, 7, 12}}}, 0},
    {"scatter_nd rows add", "ScatterND", 16, {A_S("reduction", "add")}, 1, 3,
     {{F, 2, {3, 2}, {1, 2, 3, 4, 5, 6}}, {I64, 2, {2, 1}, {2, 2}}, {F, 2, {2, 2}, {10, 20, 30, 40}}}, 1,
     {{F, 2, {3, 2}, {1, 2, 3, 4, 45, 66}}}, 0},
    /* DepthToSpace on (1, 8, 1, 1) = 0..7, blocksize 2: DCR out[c', i, j] = x[(i*2+j)*2 + c'],
     * CRD out[c', i, j] = x[c'*4 + i*2 + j] */
    {"depth_to_space DCR", "DepthToSpace", 13, {A_INT("blocksize", 2)}, 1, 1,
     {{F, 4, {1, 8, 1, 1}, {0, 1, 2, 3, 4, 5, 6, 7}}}, 1, {{F, 4, {1, 2, 2, 2}, {0, 2, 4, 6, 1, 3, 5, 7}}}, 0},
    {"depth_to_space CRD", "DepthToSpace", 11, {A_INT("blocksize", 2), A_S("mode", "CRD")}, 2, 1,
     {{F, 4, {1, 8, 1, 1}, {0, 1, 2, 3, 4, 5, 6, 7}}}, 1, {{F, 4, {1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}}}, 0},
    /* SpaceToDepth: out channel (i*2 + j)*C + c = x[c, i, j] */
    {"space_to_depth", "SpaceToDepth", 13, {A_INT("blocksize", 2)}, 1, 1,
     {{F, 4, {1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}}}, 1, {{F, 4, {1, 8, 1, 1}, {0, 4, 1, 5, 2, 6, 3, 7}}}, 0},
    /* EyeLike */
    {"eyelike k 1", "EyeLike", 9, {A_INT("k", 1)}, 1, 1, {{F, 2, {3, 4}, {0}}}, 1,
     {{F, 2, {3, 4}, {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}}}, 0},
    {"eyelike k -1, dtype int32", "EyeLike", 9, {A_INT("k", -1), A_INT("dtype", ONR_DTYPE_INT32)}, 2, 1,
     {{F, 2, {3, 3}, {0}}}, 1, {{I32, 2, {3, 3}, {0, 0, 0, 1, 0, 0, 0, 1, 0}}}, 0},
    {"eyelike k far out", "EyeLike", 9, {A_INT("k", INT64_MIN)}, 1, 1, {{F, 2, {2, 2}, {0}}}, 1,
     {{F, 2, {2, 2}, {0, 0, 0, 0}}}, 0},
    /* OneHot: -1 counts from the back, 5 is outside depth 4 (all off) */
    {"onehot axis -1", "OneHot", 11, {{0}}, 0, 3,
     {{I64, 1, {3}, {1, -1, 5}}, {F, 0, {0}, {4}}, {F, 1, {2}, {0, 1}}}, 1,
     {{F, 2, {3, 4}, {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}}}, 0},
    {"onehot axis 0, values 2/7", "OneHot", 11, {A_INT("axis", 0)}, 1, 3,
     {{F, 1, {2}, {0, 2}}, {I64, 1, {1}, {3}}, {I32, 1, {2}, {2, 7}}}, 1, {{I32, 2, {3, 2}, {7, 2, 2, 2, 2, 7}}}, 0},
    /* NonZero docs */
    {"nonzero", "NonZero", 13, {{0}}, 0, 1, {{B, 2, {2, 2}, {1, 0, 1, 1}}}, 1, {{I64, 2, {2, 3}, {0, 1, 1, 0, 0, 1}}}, 0},
    {"nonzero float", "NonZero", 9, {{0}}, 0, 1, {{F, 1, {4}, {0, -2, 0, 0.5}}}, 1, {{I64, 2, {1, 2}, {1, 3}}}, 0},
    /* Compress docs */
    {"compress axis 0", "Compress", 11, {A_INT("axis", 0)}, 1, 2, {{F, 2, {3, 2}, {1, 2, 3, 4, 5, 6}}, {B, 1, {3}, {0, 1, 1}}},
     1, {{F, 2, {2, 2}, {3, 4, 5, 6}}}, 0},
    {"compress axis 1", "Compress", 11, {A_INT("axis", 1)}, 1, 2, {{F, 2, {3, 2}, {1, 2, 3, 4, 5, 6}}, {B, 1, {2}, {0, 1}}},
     1, {{F, 2, {3, 1}, {2, 4, 6}}}, 0},
    {"compress flattened", "Compress", 9, {{0}}, 0, 2, {{F, 2, {3, 2}, {1, 2, 3, 4, 5, 6}}, {B, 1, {5}, {0, 1, 0, 0, 1}}}, 1,
     {{F, 1, {2}, {2, 5}}}, 0},
    {"compress negative axis, short condition", "Compress", 11, {A_INT("axis", -2)}, 1, 2,
     {{F, 2, {3, 2}, {1, 2, 3, 4, 5, 6}}, {B, 1, {2}, {0, 1}}}, 1, {{F, 2, {1, 2}, {3, 4}}}, 0},
    /* TopK docs */
    {"topk largest", "TopK", 11, {{0}}, 0, 2, {{F, 2, {3, 4}, IOTA12}, {I64, 1, {1}, {3}}}, 2,
     {{F, 2, {3, 3}, {3, 2, 1, 7, 6, 5, 11, 10, 9}}, {I64, 2, {3, 3}, {3, 2, 1, 3, 2, 1, 3, 2, 1}}}, 0},
    {"topk smallest", "TopK", 11, {A_INT("largest", 0)}, 1, 2,
     {{F, 2, {3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 9, 8}}, {I64, 1, {1}, {3}}}, 2,
     {{F, 2, {3, 3}, {0, 1, 2, 4, 5, 6, 8, 9, 10}}, {I64, 2, {3, 3}, {0, 1, 2, 0, 1, 2, 3, 2, 1}}}, 0},
    {"topk opset 1 attribute k, axis 0, ties", "TopK", 1, {A_INT("k", 2), A_INT("axis", 0)}, 2, 1,
     {{I32, 2, {4, 1}, {3, 1, 3, 2}}}, 2, {{I32, 2, {2, 1}, {3, 3}}, {I64, 2, {2, 1}, {0, 2}}}, 0},
    /* Einsum */
    {"einsum transpose", "Einsum", 12, {A_S("equation", "ij->ji")}, 1, 1, {{F64, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}}, 1,
     {{F64, 2, {3, 2}, {1, 4, 2, 5, 3, 6}}}, 0},
    {"einsum sum", "Einsum", 12, {A_S("equation", "ij->i")}, 1, 1, {{F64, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}}, 1,
     {{F64, 1, {2}, {6, 15}}}, 0},
    {"einsum inner product (implicit scalar)", "Einsum", 12, {A_S("equation", "i,i")}, 1, 2,
     {{F, 1, {3}, {1, 2, 3}}, {F, 1, {3}, {4, 5, 6}}}, 1, {{F, 0, {0}, {32}}}, 0},
    {"einsum trace", "Einsum", 12, {A_S("equation", "ii")}, 1, 1, {{F, 2, {2, 2}, {1, 2, 3, 4}}}, 1,
     {{F, 0, {0}, {5}}}, 0},
    {"einsum batch diagonal", "Einsum", 12, {A_S("equation", "...ii ->...i")}, 1, 1,
     {{F, 3, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}}}, 1, {{F, 2, {2, 2}, {1, 4, 5, 8}}}, 0},
    {"einsum batch matmul", "Einsum", 12, {A_S("equation", "bij, bjk -> bik")}, 1, 2,
     {{F, 3, {2, 1, 2}, {1, 2, 3, 4}}, {F, 3, {2, 2, 1}, {5, 6, 7, 8}}}, 1, {{F, 3, {2, 1, 1}, {17, 53}}}, 0},
    {"einsum implicit matmul", "Einsum", 12, {A_S("equation", "ij,jk")}, 1, 2,
     {{F, 2, {1, 2}, {1, 2}}, {F, 2, {2, 2}, {1, 2, 3, 4}}}, 1, {{F, 2, {1, 2}, {7, 10}}}, 0},
    /* ReverseSequence docs */
    {"reverse_sequence time-major", "ReverseSequence", 10, {A_INT("time_axis", 0), A_INT("batch_axis", 1)}, 2, 2,
     {{F, 2, {4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}, {I64, 1, {4}, {4, 3, 2, 1}}}, 1,
     {{F, 2, {4, 4}, {12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15}}}, 0},
    {"reverse_sequence batch-major", "ReverseSequence", 10, {A_INT("time_axis", 1), A_INT("batch_axis", 0)}, 2, 2,
     {{F, 2, {4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}, {I64, 1, {4}, {1, 2, 3, 4}}}, 1,
     {{F, 2, {4, 4}, {0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12}}}, 0},
    /* Det: -2, and 1(0-24) - 2(0-20) + 3(0-5) = 1 */
    {"det 2x2", "Det", 11, {{0}}, 0, 1, {{F, 2, {2, 2}, {1, 2, 3, 4}}}, 1, {{F, 0, {0}, {-2}}}, 1e-6},
    {"det batch of 3x3 (one singular)", "Det", 11, {{0}}, 0, 1,
     {{F64, 3, {2, 3, 3}, {1, 2, 3, 0, 1, 4, 5, 6, 0, 1, 2, 3, 2, 4, 6, 0, 0, 1}}}, 1, {{F64, 1, {2}, {1, 0}}}, 1e-12},
};

Test(index_ops, table)
{
    for (size_t i = 0; i < N_OF(cases); i++)
        ot_run(&cases[i]);
}

static const ot_case invalid_cases[] = {
    {"trilu rank 1", "Trilu", 14, {{0}}, 0, 1, {{F, 1, {3}, {1, 2, 3}}}, 1, {{0}}, 0},
    {"cumsum constant axis out of range", "CumSum", 14, {{0}}, 0, 2, {{F, 1, {2}, {1, 2}}, {I64, 0, {0}, {1}}}, 1,
     {{0}}, 0},
    {"gather_elements rank mismatch", "GatherElements", 13, {{0}}, 0, 2, {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 1, {2}, {0, 1}}},
     1, {{0}}, 0},
    {"gather_nd index tuple too long", "GatherND", 11, {{0}}, 0, 2, {{F, 1, {2}, {1, 2}}, {I64, 2, {1, 2}, {0, 0}}}, 1,
     {{0}}, 0},
    {"scatter_nd updates shape", "ScatterND", 11, {{0}}, 0, 3,
     {{F, 1, {4}, {1, 2, 3, 4}}, {I64, 2, {2, 1}, {0, 1}}, {F, 1, {3}, {1, 2, 3}}}, 1, {{0}}, 0},
    {"depth_to_space C not a multiple of 4", "DepthToSpace", 13, {A_INT("blocksize", 2)}, 1, 1,
     {{F, 4, {1, 2, 1, 1}, {0, 1}}}, 1, {{0}}, 0},
    {"topk k above the axis", "TopK", 11, {{0}}, 0, 2, {{F, 1, {3}, {1, 2, 3}}, {I64, 1, {1}, {4}}}, 2, {{0}}, 0},
    {"einsum wrong letter count", "Einsum", 12, {A_S("equation", "ijk->i")}, 1, 1, {{F, 2, {2, 2}, {1, 2, 3, 4}}}, 1,
     {{0}}, 0},
    {"einsum size clash", "Einsum", 12, {A_S("equation", "ij,ij->i")}, 1, 2,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {F, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}}, 1, {{0}}, 0},
    {"det not square", "Det", 11, {{0}}, 0, 1, {{F, 2, {2, 3}, {1, 2, 3, 4, 5, 6}}}, 1, {{0}}, 0},
    {"compress condition too long", "Compress", 11, {A_INT("axis", 0)}, 1, 2,
     {{F, 2, {2, 1}, {1, 2}}, {B, 1, {3}, {1, 1, 1}}}, 1, {{0}}, 0},
};

Test(index_ops, invalid_models_fail_at_infer)
{
    for (size_t i = 0; i < N_OF(invalid_cases); i++)
        ot_run_fail(&invalid_cases[i], ONR_E_INVALID_MODEL, "infer");
}

static const ot_case bad_index_cases[] = {
    {"gather_elements index 2 of 2", "GatherElements", 13, {{0}}, 0, 2,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 2, {1, 2}, {0, 2}}}, 1, {{0}}, 0},
    {"scatter_elements index -3 of 2", "ScatterElements", 13, {{0}}, 0, 3,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 2, {1, 1}, {-3}}, {F, 2, {1, 1}, {9}}}, 1, {{0}}, 0},
    {"gather_nd index 5 of 2", "GatherND", 11, {{0}}, 0, 2, {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 2, {1, 1}, {5}}}, 1,
     {{0}}, 0},
    {"scatter_nd index 4 of 4", "ScatterND", 11, {{0}}, 0, 3,
     {{F, 1, {4}, {1, 2, 3, 4}}, {I64, 2, {1, 1}, {4}}, {F, 1, {1}, {9}}}, 1, {{0}}, 0},
    {"reverse_sequence length 3 of 2", "ReverseSequence", 10, {{0}}, 0, 2,
     {{F, 2, {2, 2}, {1, 2, 3, 4}}, {I64, 1, {2}, {1, 3}}}, 1, {{0}}, 0},
};

Test(index_ops, out_of_range_indices_fail_the_run)
{
    for (size_t i = 0; i < N_OF(bad_index_cases); i++)
        ot_run_fail(&bad_index_cases[i], ONR_E_INVALID_ARG, "run");
}

/* Output shapes that depend on data: with the data hidden at plan time, infer asks for it. */
Test(index_ops, data_dependent_shapes_need_data)
{
    static const struct {
        const char *op;
        int64_t opset;
        unsigned hide;
    } c[] = {{"NonZero", 13, 1u << 0}, {"Compress", 11, 1u << 1}, {"OneHot", 11, 1u << 1}, {"TopK", 11, 1u << 1}};
    const float xv[4] = {1, 0, 2, 0};
    const uint8_t cond[2] = {1, 0};
    const int64_t k[1] = {2};
    const float vals[2] = {0, 1};
    onr_tensor x = sh_t(F, 1, D(4), xv), cd = sh_t(B, 1, D(2), cond), kt = sh_t(I64, 1, D(1), k),
               vt = sh_t(F, 1, D(2), vals);
    for (size_t i = 0; i < N_OF(c); i++) {
        const onr_tensor *in[3] = {&x, &kt, NULL};
        size_t n_in = 2, n_out = 1;
        if (i == 0)
            n_in = 1;
        if (i == 1)
            in[1] = &cd;
        if (i == 2) {
            in[2] = &vt;
            n_in = 3;
        }
        if (i == 3)
            n_out = 2;
        sh_run r;
        sh_exec(&r, c[i].op, c[i].opset, NULL, 0, in, n_in, n_out, c[i].hide);
        sh_expect_fail(&r, ONR_E_NEEDS_DATA, "infer", c[i].op);
        sh_free(&r);
    }
}
