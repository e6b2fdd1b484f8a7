/* main.c: the onnxrun command: argv -> subcommand, --help, --version, and the exit-code contract. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: onnxrun <command> [options]\n"
    "\n"
    "commands:\n"
    "  run MODEL [-i NAME=FILE]... [-o DIR] [--threads N]\n"
    "      Run MODEL (.onnx). Each -i binds a graph input to a tensor file: a TensorProto (.pb) or a\n"
    "      numpy array (.npy); a model with one input also takes `-i FILE`. With -o, every graph\n"
    "      output is written as DIR/<output name>.npy (DIR is created; '/' in names becomes '_');\n"
    "      without it outputs are printed.\n"
    "  info MODEL\n"
    "      Inputs and outputs with types and shapes, opsets, producer, and the nodes in execution order.\n"
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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(USAGE, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("onnxrun %s\n", onr_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0)
        return cli_info(argc - 1, argv + 1);
    if (strcmp(cmd, "test") == 0)
        return cli_test(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cli_bench(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s' (try `onnxrun --help`)", cmd);
    return CLI_EXIT_USAGE;
}
