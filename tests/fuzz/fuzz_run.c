/* fuzz_run.c: libFuzzer target for load + plan + run. The input is a model; when it loads, a session
 * is created with small limits (so a hostile shape is refused by the planner, not by the host running
 * out of memory or time), every graph input is bound to a tensor of its declared shape filled with
 * seeded values (symbolic dims become 2, then 3 for a second run that re-plans), and the model runs.
 * Every failure must come back as a status with a message; nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_mutator.h"
#include "onnxrun.h"

/* Small enough that a per-element loop over any tensor the planner admits stays fast. */
#define MAX_TENSOR_BYTES (16u << 10)
#define MAX_ACTIVATION_BYTES (1u << 20)
#define MAX_INPUT_ELEMS 4096

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Half the time small values (valid shapes, indices and axes get through to kernels), otherwise any
 * bits (NaN, Inf, huge indices). */
static void fill(onr_tensor *t, uint64_t seed, int raw)
{
    size_t n = onr_tensor_count(t), es = onr_dtype_size(t->dtype);
    uint8_t *p = t->data;
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++, p += es) {
        uint64_t r = next(&s);
        if (raw) {
            for (size_t b = 0; b < es; b++)
                p[b] = (uint8_t)(next(&s) >> (b % 3));
            continue;
        }
        int64_t v = (int64_t)(r % 17) - 4; /* -4 .. 12 */
        switch (t->dtype) {
        case ONR_DTYPE_FLOAT: { float f = (float)v * 0.5f; memcpy(p, &f, 4); break; }
        case ONR_DTYPE_DOUBLE: { double d = (double)v * 0.5; memcpy(p, &d, 8); break; }
        case ONR_DTYPE_FLOAT16: { uint16_t h = (uint16_t)(0x3c00 + (r % 64)); memcpy(p, &h, 2); break; }
        case ONR_DTYPE_BFLOAT16: { uint16_t h = (uint16_t)(0x3f80 + (r % 64)); memcpy(p, &h, 2); break; }
        case ONR_DTYPE_BOOL: *p = (uint8_t)(r & 1); break;
        default: memcpy(p, &v, es); break; /* little-endian: the low bytes of v */
        }
    }
}

static int run_once(onr_session *s, const onr_model *m, int64_t sym, uint64_t seed, int raw)
{
    size_t n_in = onr_model_input_count(m), n_out = onr_model_output_count(m);
    onr_tensor **owned = calloc(n_in + 1, sizeof *owned);
    onr_tensor *in = calloc(n_in + 1, sizeof *in);
    onr_tensor *out = calloc(n_out + 1, sizeof *out);
    int symbolic = 0;
    onr_error err;
    if (!owned || !in || !out)
        goto done;
    for (size_t i = 0; i < n_in; i++) {
        const onr_value_info *d = onr_model_input(m, i);
        int64_t dims[ONR_MAX_RANK];
        int32_t rank = d->rank < 0 ? 1 : d->rank;
        onr_dtype dt = d->dtype == ONR_DTYPE_UNDEFINED ? ONR_DTYPE_FLOAT : d->dtype;
        size_t count = 1;
        for (int32_t k = 0; k < rank; k++) {
            dims[k] = d->rank < 0 || d->dims[k] < 0 ? sym : d->dims[k];
            symbolic |= d->rank < 0 || d->dims[k] < 0;
            if (dims[k] > MAX_INPUT_ELEMS || (count *= (size_t)dims[k]) > MAX_INPUT_ELEMS)
                goto done; /* too large to bind: the session alone was the test */
        }
        if (onr_tensor_new(dt, rank, dims, d->name, &owned[i], &err) != ONR_OK)
            goto done;
        fill(owned[i], seed + i, raw);
        in[i] = *owned[i];
    }
    onr_status st = onr_session_run(s, in, n_in, NULL, out, n_out, &err);
    if (st != ONR_OK && (!err.message[0] || err.code != st))
        abort();
    if (st == ONR_OK) {
        volatile uint8_t sink = 0;
        for (size_t j = 0; j < n_out; j++) {
            size_t bytes = onr_tensor_bytes(&out[j]);
            if (bytes)
                sink ^= ((const uint8_t *)out[j].data)[0] ^ ((const uint8_t *)out[j].data)[bytes - 1];
        }
        (void)sink;
    }
done:
    for (size_t i = 0; owned && i < n_in; i++)
        onr_tensor_free(owned[i]);
    free(owned);
    free(in);
    free(out);
    return symbolic;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onr_model *m = NULL;
    onr_session *s = NULL;
    onr_error err;
    if (onr_model_load_buffer(data, size, NULL, &m, &err) != ONR_OK)
        return 0;
    onr_options opt = {0};
    opt.threads = 1;
    opt.max_tensor_bytes = MAX_TENSOR_BYTES;
    opt.max_activation_bytes = MAX_ACTIVATION_BYTES;
    uint64_t seed = 1469598103934665603ull;
    for (size_t i = 0; i < size; i += 97)
        seed = (seed ^ data[i]) * 1099511628211ull;
    onr_status st = onr_session_new(m, &opt, &s, &err);
    if (st != ONR_OK) {
        if (s || !err.message[0] || err.code != st)
            abort();
    } else {
        int raw = (int)(seed & 1);
        if (run_once(s, m, 2, seed, raw))
            run_once(s, m, 3, seed + 7, raw);
    }
    onr_session_free(s);
    onr_model_free(m);
    return 0;
}
