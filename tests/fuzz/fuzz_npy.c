/* fuzz_npy.c: libFuzzer target for .npy parsing (onr_tensor_parse_npy): header dict, dtype, shape,
 * byte order, fortran order and payload length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnxrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onr_tensor *t = NULL;
    onr_error err;
    onr_status st = onr_tensor_parse_npy(data, size, &t, &err);
    if (st != ONR_OK) {
        if (t || !err.message[0] || err.code != st)
            abort();
        return 0;
    }
    /* A parsed tensor's payload is exactly what followed the header, so it can never exceed the input. */
    size_t bytes = onr_tensor_bytes(t);
    if (bytes > size)
        abort();
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < bytes; i += 64)
        sink ^= ((const uint8_t *)t->data)[i];
    if (bytes)
        sink ^= ((const uint8_t *)t->data)[bytes - 1];
    (void)sink;
    onr_tensor_free(t);
    return 0;
}
