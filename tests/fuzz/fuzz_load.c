/* fuzz_load.c: libFuzzer target for the model loader. The input is the bytes of a model file; loading
 * must either succeed or fail with a status and a message, never crash, hang or leak. External data
 * resolves against a scratch folder holding one 256-byte file "w.bin" (so offset/length/location
 * handling is reached), with a symlink "up" to the folder's parent to tempt path escapes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_mutator.h"
#include "onnxrun.h"

static char ext_dir[64];

static void cleanup(void)
{
    char p[96];
    snprintf(p, sizeof p, "%s/w.bin", ext_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/up", ext_dir);
    unlink(p);
    rmdir(ext_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    strcpy(ext_dir, "/tmp/onnxrun-fuzz-XXXXXX");
    if (!mkdtemp(ext_dir)) {
        ext_dir[0] = '\0';
        return 0;
    }
    char p[96];
    snprintf(p, sizeof p, "%s/w.bin", ext_dir);
    FILE *f = fopen(p, "wb");
    if (f) {
        for (int i = 0; i < 256; i++)
            fputc(i, f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/up", ext_dir);
    if (symlink("..", p) != 0) {
        /* not fatal: the symlink only widens what the fuzzer can try */
    }
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onr_model *m = NULL;
    onr_error err;
    onr_status st = onr_model_load_buffer(data, size, ext_dir[0] ? ext_dir : NULL, &m, &err);
    if (st != ONR_OK) {
        if (m || !memchr(err.message, '\0', sizeof err.message) || !err.message[0] || err.code != st)
            abort(); /* a failure must leave no model and say why */
        return 0;
    }
    /* Touch everything the accessors hand out, so a dangling pointer shows under ASan. */
    size_t acc = 0;
    for (size_t i = 0; i < onr_model_input_count(m); i++)
        acc += strlen(onr_model_input(m, i)->name);
    for (size_t i = 0; i < onr_model_output_count(m); i++)
        acc += strlen(onr_model_output(m, i)->name);
    for (size_t i = 0; i < onr_model_node_count(m); i++) {
        const onr_node_info *n = onr_model_node(m, i);
        acc += strlen(n->op_type) + strlen(n->domain) + (n->name ? strlen(n->name) : 0);
        for (size_t j = 0; j < n->n_inputs; j++)
            acc += strlen(n->inputs[j]);
        for (size_t j = 0; j < n->n_outputs; j++)
            acc += strlen(n->outputs[j]);
    }
    for (size_t i = 0; i < onr_model_initializer_count(m); i++) {
        const onr_tensor *t = onr_model_initializer_at(m, i);
        size_t bytes = onr_tensor_bytes(t);
        if (bytes)
            acc += ((const uint8_t *)t->data)[bytes - 1];
    }
    acc += strlen(onr_model_producer(m));
    if (acc == (size_t)-1)
        abort(); /* keeps acc alive */
    onr_model_free(m);
    return 0;
}
