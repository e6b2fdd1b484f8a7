/* fuzz_tensor_pb.c: libFuzzer target for serialized TensorProto parsing (onr_tensor_parse_pb), the
 * reader behind the backend tests' input_K.pb / output_K.pb. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnxrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onr_tensor *t = NULL;
    onr_error err;
    onr_status st = onr_tensor_parse_pb(data, size, &t, &err);
    if (st != ONR_OK) {
        if (t || !err.message[0] || err.code != st)
            abort();
        return 0;
    }
    /* The whole payload must be readable (ASan flags a short allocation). */
    size_t bytes = onr_tensor_bytes(t);
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < bytes; i += 64)
        sink ^= ((const uint8_t *)t->data)[i];
    if (bytes)
        sink ^= ((const uint8_t *)t->data)[bytes - 1];
    (void)sink;
    onr_tensor_free(t);
    return 0;
}
