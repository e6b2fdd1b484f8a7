/* embed.c: a complete libonnxrun program: load a model, run it on one .npy file per input, print each
 * output's shape and first values; errors carry the library's message. Build and run it with
 *   cc embed.c $(pkg-config --cflags --libs onnxrun) -o embed && ./embed model.onnx input.npy */
#include <onnxrun.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    onr_error err = {0};
    onr_model *model = NULL;
    onr_session *session = NULL;
    onr_tensor **files = calloc((size_t)argc, sizeof *files), *in = calloc((size_t)argc, sizeof *in), *out = NULL;
    int ok = argc >= 2 && files && in && onr_model_load_file(argv[1], &model, &err) == ONR_OK;
    size_t n_in = ok ? onr_model_input_count(model) : 0, n_out = ok ? onr_model_output_count(model) : 0;
    for (size_t i = 0; ok && i < n_in; i++) {   /* inspect each input, then bind the next .npy file to it */
        const onr_value_info *v = onr_model_input(model, i);
        printf("input %s: %s, rank %d\n", v->name, onr_dtype_name(v->dtype), (int)v->rank);
        ok = (int)i + 2 < argc && onr_tensor_load_npy(argv[i + 2], &files[i], &err) == ONR_OK;
        if (ok)
            in[i] = *files[i], in[i].name = v->name;   /* a view of the file's data, named after the input */
    }
    ok = ok && (out = calloc(n_out, sizeof *out)) && onr_session_new(model, NULL, &session, &err) == ONR_OK &&
         onr_session_run(session, in, n_in, NULL, out, n_out, &err) == ONR_OK;
    for (size_t o = 0; ok && o < n_out; o++) {   /* outputs are views into the session: read, never free */
        printf("output %s: %s [", out[o].name, onr_dtype_name(out[o].dtype));
        for (int d = 0; d < out[o].rank; d++)
            printf("%s%lld", d ? "," : "", (long long)out[o].dims[d]);
        printf("]");
        for (size_t k = 0; k < onr_tensor_count(&out[o]) && k < 9 && out[o].dtype == ONR_DTYPE_FLOAT; k++)
            printf(" %g", ((const float *)out[o].data)[k]);
        printf("\n");
    }
    if (!ok)
        fprintf(stderr, "embed: %s\n", argc < 2 ? "usage: embed MODEL.onnx INPUT.npy..."
                                       : err.message[0] ? err.message : "an input file is missing (or out of memory)");
    for (int i = 0; files && i < argc; i++)
        onr_tensor_free(files[i]);
    free(files), free(in), free(out);
    onr_session_free(session);   /* a session before the model it runs */
    onr_model_free(model);
    return !ok;
}
