/* main.c: the onnxrun command: argv -> subcommand, --help, --version, and the exit-code contract. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: onnxrun <command> [options]\n"
    "\n"
    "commands:\n"
    "  run MODEL [-i NAME=FILE]... [--random SEED] [-o DIR] [--format npy|pb] [--top K [--labels FILE]]\n"
    "        [--dump DIR] [--threads N] [--layout nchw|nhwc] [--mean M,M,M] [--std S,S,S] [--scale S]\n"
    "      Run MODEL (.onnx). Each -i binds a graph input to a file: a TensorProto (.pb), a numpy array\n"
    "      (.npy) or an image (.png .jpg .bmp ..., resized and normalized for the input); a model with one\n"
    "      input also takes `-i FILE`; --random SEED fills the inputs not given. With -o, every graph\n"
    "      output is written as DIR/<output name>.npy (.pb with --format pb; DIR is created; '/' in names\n"
    "      becomes '_'); without it outputs are printed (small ones as matrices). --top K prints the K\n"
    "      best classes per row; --dump DIR writes every intermediate value.\n"
    "  info MODEL [--json] [--shape NAME=DIMS]... [--no-run]\n"
    "      Producer, opsets, inputs, outputs, then a model.summary()-style table: node (op), output shape,\n"
    "      parameters, MACs, inputs -> outputs; then the totals. --json prints one JSON object.\n"
    "  viz MODEL [-i NAME=FILE]... [--nodes NAME,... | --all] -o DIR [--zoom N] [--gray]\n"
    "      Feature maps as PNG grids (one tile per channel): DIR/<node>_<in|out>_<value>.png. By default\n"
    "      the input and output of every pooling node, to see what pooling does.\n"
    "  test PATH... [--rtol R] [--atol A] [--expected-failures FILE] [--filter TEXT] [--threads N]\n"
    "      Run ONNX backend tests: PATH is a test folder (model.onnx, test_data_set_N/input_K.pb and\n"
    "      output_K.pb) or a folder of test folders. Prints PASS/FAIL/SKIP/XFAIL per test and ends with\n"
    "      `N passed, N failed, N skipped`. Outputs compare like numpy assert_allclose:\n"
    "      |got - want| <= atol + rtol * |want| (default rtol 1e-3, atol 1e-7), exact for integers and\n"
    "      bool, NaN equal to NaN. Tests the model cannot run (unsupported op or type) are skipped.\n"
    "      FILE lists known failures, one `test_name reason...` per line (# starts a comment): they\n"
    "      print XFAIL and count as skipped; one that passes is a failure, so the list only shrinks.\n"
    "  bench MODEL [-i NAME=FILE]... [--threads N] [--seconds S] [--warmup N] [--runs N] [--no-profile]\n"
    "        [--json]\n"
    "      Time repeated runs (default: 5 warm-up, then 3 s): median, min, p90 latency, then the time per\n"
    "      op type and the slowest nodes. Inputs without -i are seeded random data (symbolic dims = 1).\n"
    "      --json prints one JSON object (median_us, min_us, p90_us, runs, threads, ...).\n"
    "\n"
    "options:\n"
    "  -h, --help     this text          -V, --version   print the version\n"
    "  onnxrun help COMMAND, onnxrun COMMAND --help: every option of COMMAND; man onnxrun: the manual\n"
    "\n"
    "exit status:\n"
    "  0  success\n"
    "  1  test: some test failed or passed unexpectedly\n"
    "  2  usage error\n"
    "  3  the model could not be loaded (unreadable, malformed, invalid or unsupported)\n"
    "  4  the model could not be run (inputs missing or mismatched, execution error)\n"
    "  5  a tensor file or list could not be read, or an output could not be written\n"
    "\n"
    "Errors go to stderr as `onnxrun: <file>: <message>`.\n";

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command;

static const command COMMANDS[] = {
    {"run", cli_run}, {"info", cli_info}, {"viz", cli_viz}, {"test", cli_test}, {"bench", cli_bench},
};

static const command *find_command(const char *name)
{
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++)
        if (strcmp(COMMANDS[k].name, name) == 0)
            return &COMMANDS[k];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc > 2) { /* `onnxrun help run` == `onnxrun run --help` */
        const command *c = find_command(argv[2]);
        if (!c) {
            cli_error(NULL, "help: unknown command '%s' (try `onnxrun --help`)", argv[2]);
            return CLI_EXIT_USAGE;
        }
        char help_opt[] = "--help";
        char *help_argv[] = {argv[2], help_opt, NULL};
        return c->fn(2, help_argv);
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(USAGE, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("onnxrun %s\n", onr_version());
        return CLI_EXIT_OK;
    }
    const command *c = find_command(cmd);
    if (c)
        return c->fn(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s' (try `onnxrun --help`)", cmd);
    return CLI_EXIT_USAGE;
}
