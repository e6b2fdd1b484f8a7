/* test_normalization.c: LayerNormalization, InstanceNormalization, MeanVarianceNormalization, LRN
 * (normalization.c) and NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss (loss.c). Expected values
 * are worked by hand from the ONNX definitions (mean, biased variance, the LRN channel window
 * [c - floor((size-1)/2), c + ceil((size-1)/2)], the NLL weighting and mean rules of the ONNX reference),
 * or computed with numpy where noted. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "op_table.h"

#define F ONR_DTYPE_FLOAT
#define F64 ONR_DTYPE_DOUBLE
#define F16 ONR_DTYPE_FLOAT16
#define I64 ONR_DTYPE_INT64
#define I32 ONR_DTYPE_INT32
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* inv = 1 / sqrt(1.25) for [1, 2, 3, 4]; 1 / sqrt(5) for [1, 3, 5, 7] */
#define INV4 0.894427190999916
#define INV5 0.447213595499958

static const ot_case cases[] = {
    /* LayerNormalization: mean 2.5, var 1.25 over the last axis */
    {"layernorm last axis with Mean/InvStdDev", "LayerNormalization", 17, {A_FLOAT("epsilon", 0)}, 1, 3,
     {{F, 2, {1, 4}, {1, 2, 3, 4}}, {F, 1, {4}, {1, 1, 1, 1}}, {F, 1, {4}, {0, 0, 0, 0}}}, 3,
     {{F, 2, {1, 4}, {-1.5 * INV4, -0.5 * INV4, 0.5 * INV4, 1.5 * INV4}}, {F, 2, {1, 1}, {2.5}},
      {F, 2, {1, 1}, {INV4}}},
     1e-6},
    /* axis 0 normalizes all four; Scale (1) and B (2) broadcast to the (2, 2) normalized shape */
    {"layernorm axis 0, broadcast scale and bias", "LayerNormalization", 17, {A_INT("axis", 0), A_FLOAT("epsilon", 0)},
     2, 3, {{F, 2, {2, 2}, {1, 3, 5, 7}}, {F, 1, {1}, {2}}, {F, 1, {2}, {1, -1}}}, 3,
     {{F, 2, {2, 2}, {-6 * INV5 + 1, -2 * INV5 - 1, 2 * INV5 + 1, 6 * INV5 - 1}}, {F, 2, {1, 1}, {4}},
      {F, 2, {1, 1}, {INV5}}},
     1e-6},
    /* per row of two, no bias, double: rows [0, 2] and [10, 20] both give [-1, 1] */
    {"layernorm rows, no bias, double", "LayerNormalization", 17, {A_FLOAT("epsilon", 0)}, 1, 2,
     {{F64, 2, {2, 2}, {0, 2, 10, 20}}, {F64, 1, {2}, {1, 3}}}, 3,
     {{F64, 2, {2, 2}, {-1, 3, -1, 3}}, {F, 2, {2, 1}, {1, 15}}, {F, 2, {2, 1}, {1, 0.2}}}, 1e-6},
    {"layernorm float16", "LayerNormalization", 17, {A_FLOAT("epsilon", 0)}, 1, 2,
     {{F16, 2, {2, 2}, {0, 2, 10, 20}}, {F16, 1, {2}, {1, 3}}}, 1, {{F16, 2, {2, 2}, {-1, 3, -1, 3}}}, 1e-3},
    /* InstanceNormalization: channel 0 [1, 3] -> +-1/sqrt(1 + 1e-5) * 2; channel 1 is constant -> B */
    {"instancenorm", "InstanceNormalization", 6, {{0}}, 0, 3,
     {{F, 3, {1, 2, 2}, {1, 3, 2, 2}}, {F, 1, {2}, {2, 1}}, {F, 1, {2}, {0, 5}}}, 1,
     {{F, 3, {1, 2, 2}, {-1.99999000007, 1.99999000007, 5, 5}}}, 1e-6},
    {"instancenorm epsilon, batch 2", "InstanceNormalization", 1, {A_FLOAT("epsilon", 3)}, 1, 3,
     {{F, 3, {2, 1, 2}, {1, 3, 0, 0}}, {F, 1, {1}, {2}}, {F, 1, {1}, {1}}}, 1,
     {{F, 3, {2, 1, 2}, {0, 2, 1, 1}}}, 1e-6}, /* var 1 + eps 3 -> inv 0.5 */
    /* MeanVarianceNormalization: default axes [0, 2, 3] group per channel: [0, 2] and [10, 30] */
    {"mvn default axes", "MeanVarianceNormalization", 13, {{0}}, 0, 1, {{F, 4, {1, 2, 1, 2}, {0, 2, 10, 30}}}, 1,
     {{F, 4, {1, 2, 1, 2}, {-1, 1, -1, 1}}}, 1e-6},
    /* axes [1, 3]: one group of all four (numpy: (x - m) / (std + 1e-9)) */
    {"mvn axes 1,3", "MeanVarianceNormalization", 13, {A_INTS("axes", 1, 3)}, 1, 1,
     {{F, 4, {1, 2, 1, 2}, {0, 2, 10, 30}}}, 1,
     {{F, 4, {1, 2, 1, 2}, {-0.88504448, -0.71646458, -0.04214498, 1.64365403}}}, 1e-6},
    /* LRN, alpha / size = 1, beta 1, bias 1: y = x / (1 + square_sum) */
    {"lrn size 2 (window c..c+1)", "LRN", 13,
     {A_INT("size", 2), A_FLOAT("alpha", 2), A_FLOAT("beta", 1), A_FLOAT("bias", 1)}, 4, 1,
     {{F, 4, {1, 3, 1, 1}, {1, 2, 3}}}, 1, {{F, 4, {1, 3, 1, 1}, {1.0 / 6, 2.0 / 14, 3.0 / 10}}}, 1e-6},
    {"lrn size 3 (window c-1..c+1)", "LRN", 1,
     {A_INT("size", 3), A_FLOAT("alpha", 3), A_FLOAT("beta", 1), A_FLOAT("bias", 1)}, 4, 1,
     {{F, 4, {1, 3, 1, 1}, {1, 2, 3}}}, 1, {{F, 4, {1, 3, 1, 1}, {1.0 / 6, 2.0 / 15, 3.0 / 14}}}, 1e-6},
    /* LRN defaults alpha 1e-4, beta 0.75, bias 1, size 1: y = x / (1 + 1e-4 x^2)^0.75 */
    {"lrn defaults", "LRN", 13, {A_INT("size", 1)}, 1, 1, {{F, 4, {1, 2, 1, 1}, {10, -20}}}, 1,
     {{F, 4, {1, 2, 1, 1}, {9.925650290240803, -19.420257818249404}}}, 1e-5}, /* numpy */
    /* NegativeLogLikelihoodLoss on input [[-1,-2,-3],[-4,-5,-6]], target [0, 2]: picks 1 and 6 */
    {"nll none", "NegativeLogLikelihoodLoss", 13, {A_S("reduction", "none")}, 1, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 2}}}, 1, {{F, 1, {2}, {1, 6}}}, 0},
    {"nll sum", "NegativeLogLikelihoodLoss", 13, {A_S("reduction", "sum")}, 1, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I32, 1, {2}, {0, 2}}}, 1, {{F, 0, {0}, {7}}}, 0},
    {"nll mean (default)", "NegativeLogLikelihoodLoss", 13, {{0}}, 0, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 2}}}, 1, {{F, 0, {0}, {3.5}}}, 0},
    /* weighted mean: (1*1 + 6*3) / (1 + 3) */
    {"nll weighted mean", "NegativeLogLikelihoodLoss", 13, {{0}}, 0, 3,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 2}}, {F, 1, {3}, {1, 2, 3}}}, 1,
     {{F, 0, {0}, {4.75}}}, 1e-6},
    /* ignore_index 2: the second element has weight 0, mean = 1 / 1 */
    {"nll ignore_index mean", "NegativeLogLikelihoodLoss", 13, {A_INT("ignore_index", 2)}, 1, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 2}}}, 1, {{F, 0, {0}, {1}}}, 0},
    /* ignore_index 0 (present, though it is the attribute's zero value) with reduction none */
    {"nll ignore_index 0 none", "NegativeLogLikelihoodLoss", 13,
     {A_INT("ignore_index", 0), A_S("reduction", "none")}, 2, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 2}}}, 1, {{F, 1, {2}, {0, 6}}}, 0},
    /* (N, C, d1) = (1, 2, 2): loss[0, d] = -input[0, target[0, d], d] */
    {"nll NCd1", "NegativeLogLikelihoodLoss", 13, {A_S("reduction", "none")}, 1, 2,
     {{F, 3, {1, 2, 2}, {-1, -2, -3, -4}}, {I64, 2, {1, 2}, {1, 0}}}, 1, {{F, 2, {1, 2}, {3, 2}}}, 0},
    /* SoftmaxCrossEntropyLoss: log_prob by numpy; mean of -lp[0, 2] and -lp[1, 0] */
    {"sce mean with log_prob", "SoftmaxCrossEntropyLoss", 13, {{0}}, 0, 2,
     {{F, 2, {2, 3}, {1, 2, 3, 1, 1, 1}}, {I64, 1, {2}, {2, 0}}}, 2,
     {{F, 0, {0}, {0.7531091265562448}},
      {F, 2, {2, 3}, {-2.40760596444438, -1.40760596444438, -0.40760596444438, -1.0986122886681096,
                      -1.0986122886681096, -1.0986122886681096}}},
     1e-6},
    /* weights [1, 1, 3]: (3 * 0.407606 + 1 * 1.098612) / (3 + 1) */
    {"sce weighted mean", "SoftmaxCrossEntropyLoss", 13, {{0}}, 0, 3,
     {{F64, 2, {2, 3}, {1, 2, 3, 1, 1, 1}}, {I64, 1, {2}, {2, 0}}, {F64, 1, {3}, {1, 1, 3}}}, 1,
     {{F64, 0, {0}, {0.5803575455003125}}}, 1e-9},
};

Test(normalization, table)
{
    for (size_t i = 0; i < N_OF(cases); i++)
        ot_run(&cases[i]);
}

static const ot_case fail_cases[] = {
    {"layernorm scale not broadcastable", "LayerNormalization", 17, {{0}}, 0, 2,
     {{F, 2, {1, 4}, {1, 2, 3, 4}}, {F, 1, {3}, {1, 1, 1}}}, 1, {{0}}, 0},
    {"layernorm axis out of range", "LayerNormalization", 17, {A_INT("axis", 2)}, 1, 2,
     {{F, 2, {1, 4}, {1, 2, 3, 4}}, {F, 1, {4}, {1, 1, 1, 1}}}, 1, {{0}}, 0},
    {"instancenorm scale of wrong length", "InstanceNormalization", 6, {{0}}, 0, 3,
     {{F, 3, {1, 2, 2}, {1, 3, 2, 2}}, {F, 1, {3}, {2, 1, 1}}, {F, 1, {2}, {0, 5}}}, 1, {{0}}, 0},
    {"lrn on rank 1", "LRN", 13, {A_INT("size", 1)}, 1, 1, {{F, 1, {3}, {1, 2, 3}}}, 1, {{0}}, 0},
    {"mvn repeated axis", "MeanVarianceNormalization", 13, {A_INTS("axes", 1, 1)}, 1, 1,
     {{F, 4, {1, 2, 1, 2}, {0, 2, 10, 30}}}, 1, {{0}}, 0},
    {"nll target shape mismatch", "NegativeLogLikelihoodLoss", 13, {{0}}, 0, 2,
     {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {3}, {0, 2, 1}}}, 1, {{0}}, 0},
};

Test(normalization, invalid_models_fail_at_infer)
{
    for (size_t i = 0; i < N_OF(fail_cases); i++)
        ot_run_fail(&fail_cases[i], ONR_E_INVALID_MODEL, "infer");
}

Test(normalization, parse_errors)
{
    const ot_case lrn_no_size = {"lrn without size", "LRN", 13, {{0}}, 0, 1, {{F, 4, {1, 1, 1, 1}, {1}}}, 1, {{0}}, 0};
    ot_run_fail(&lrn_no_size, ONR_E_INVALID_MODEL, "parse");
    const ot_case bad_red = {"nll reduction 'max'", "NegativeLogLikelihoodLoss", 13, {A_S("reduction", "max")}, 1,
                             2, {{F, 2, {1, 2}, {-1, -2}}, {I64, 1, {1}, {0}}}, 1, {{0}}, 0};
    ot_run_fail(&bad_red, ONR_E_INVALID_MODEL, "parse");
}

Test(normalization, loss_target_out_of_range_fails_the_run)
{
    /* a target outside [0, C) that is not ignore_index is caller data: invalid argument, no read */
    const ot_case c = {"nll target 3 of C = 3", "NegativeLogLikelihoodLoss", 13, {A_INT("ignore_index", -1)}, 1, 2,
                       {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {0, 3}}}, 1, {{0}}, 0};
    ot_run_fail(&c, ONR_E_INVALID_ARG, "run");
    /* the ignored target may be out of range: test sce_NCd1d2d3_sum_weight_high_ii */
    const ot_case ok = {"nll ignored target out of range", "NegativeLogLikelihoodLoss", 13,
                        {A_INT("ignore_index", 10), A_S("reduction", "sum")}, 2, 2,
                        {{F, 2, {2, 3}, {-1, -2, -3, -4, -5, -6}}, {I64, 1, {2}, {1, 10}}}, 1,
                        {{F, 0, {0}, {2}}}, 0};
    ot_run(&ok);
}

/* LayerNorm against a naive per-row reference over random shapes and axes, with threads. */
Test(normalization, layernorm_random_rows)
{
    uint32_t seed = 7;
    for (int iter = 0; iter < 20; iter++) {
        int64_t dims[4];
        int32_t rank = 1 + (int32_t)(ec_rand(&seed) % 4);
        size_t count = 1;
        for (int32_t a = 0; a < rank; a++) {
            dims[a] = 1 + ec_rand(&seed) % 5;
            count *= (size_t)dims[a];
        }
        int64_t axis = (int64_t)(ec_rand(&seed) % (uint32_t)rank);
        double *xv = malloc(count * sizeof *xv), *want = malloc(count * sizeof *want);
        for (size_t i = 0; i < count; i++)
            xv[i] = ec_uniform(&seed, -3, 3);
        size_t n = 1;
        for (int32_t a = (int32_t)axis; a < rank; a++)
            n *= (size_t)dims[a];
        double *sv = malloc(n * sizeof *sv);
        for (size_t j = 0; j < n; j++)
            sv[j] = ec_uniform(&seed, 0.5, 2);
        for (size_t r = 0; r < count / n; r++) {
            double m = 0, v = 0;
            for (size_t j = 0; j < n; j++)
                m += xv[r * n + j] / (double)n;
            for (size_t j = 0; j < n; j++)
                v += (xv[r * n + j] - m) * (xv[r * n + j] - m) / (double)n;
            for (size_t j = 0; j < n; j++)
                want[r * n + j] = (xv[r * n + j] - m) / sqrt(v + 1e-5) * sv[j];
        }
        onr_tensor x = ec_make(F, rank, dims, xv), s = ec_make(F, rank - (int32_t)axis, dims + axis, sv);
        onr_attr at = A_INT("axis", axis);
        onr_threadpool *pool = onr_threadpool_new(3);
        onr_tensor y = ec_run_pooled("LayerNormalization", 17, &at, 1, (const onr_tensor *[]){&x, &s}, 2, pool);
        onr_threadpool_free(pool);
        ec_expect(&y, F, rank, dims, want, 1e-4, "layernorm random");
        ec_free(&y);
        ec_free(&x);
        ec_free(&s);
        free(xv);
        free(want);
        free(sv);
    }
}
