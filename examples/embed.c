/* embed.c: the whole of embedding libonnxrun: load a model, list its inputs, run it on one .npy file per
 * input (in order), print every output's shape and first values, and report errors with their message.
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
    int rc = 1;
    if (argc < 2 || !files || !in || onr_model_load_file(argv[1], &model, &err) != ONR_OK)
        goto done;
    size_t n_in = onr_model_input_count(model), n_out = onr_model_output_count(model);
    for (size_t i = 0; i < n_in; i++) {           /* inspect: name and declared type of each input */
        const onr_value_info *v = onr_model_input(model, i);
        printf("input %s: %s, rank %d\n", v->name, onr_dtype_name(v->dtype), (int)v->rank);
        if ((int)i + 2 >= argc || onr_tensor_load_npy(argv[i + 2], &files[i], &err) != ONR_OK)
            goto done;
        in[i] = *files[i];                        /* a view of the loaded data, renamed to the input */
        in[i].name = v->name;
    }
    if (!(out = calloc(n_out, sizeof *out)) || onr_session_new(model, NULL, &session, &err) != ONR_OK ||
        onr_session_run(session, in, n_in, NULL, out, n_out, &err) != ONR_OK)
        goto done;
    for (size_t o = 0; o < n_out; o++) {          /* outputs are views owned by the session */
        printf("output %s: %s [", out[o].name, onr_dtype_name(out[o].dtype));
        for (int d = 0; d < out[o].rank; d++)
            printf("%s%lld", d ? "," : "", (long long)out[o].dims[d]);
        printf("]");
        for (size_t k = 0; k < onr_tensor_count(&out[o]) && k < 9 && out[o].dtype == ONR_DTYPE_FLOAT; k++)
            printf(" %g", ((const float *)out[o].data)[k]);
        printf("\n");
    }
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "embed: %s\n", argc < 2 ? "usage: embed MODEL.onnx INPUT.npy..." :
                                       err.message[0] ? err.message : "missing input file or out of memory");
    for (int i = 0; i < argc && files; i++)
        onr_tensor_free(files[i]);
    free(files), free(in), free(out);
    onr_session_free(session);                    /* before the model it was made from */
    onr_model_free(model);
    return rc;
}
