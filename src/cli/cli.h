/* cli.h: what the onnxrun subcommands share: exit codes, error reporting, option parsing, and reading,
 * formatting and printing tensor elements. The CLI sees only the public API (onnxrun.h): it links the
 * shared library, whose internals are hidden. */
#ifndef ONR_CLI_H
#define ONR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "onnxrun.h"

/* Exit codes, documented in `onnxrun --help`; scripts rely on them. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_TEST_FAILED = 1, /* `test`: at least one test failed (or passed unexpectedly) */
    CLI_EXIT_USAGE = 2,       /* bad command line */
    CLI_EXIT_MODEL = 3,       /* the model could not be loaded (I/O, parse, invalid, unsupported) */
    CLI_EXIT_RUN = 4,         /* the model could not be run (inputs, session, execution) */
    CLI_EXIT_FILE = 5         /* a tensor file or list could not be read, or an output not written */
};

/* Subcommands: argv[0] is the subcommand name. Each returns an exit code. */
int cli_run(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_test(int argc, char **argv);
int cli_bench(int argc, char **argv);

/* "onnxrun: <file>: <message>" on stderr (no "<file>: " when file is NULL). */
void cli_error(const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Reports a library error about `file`; a message that already starts with "<file>: " is not prefixed
 * twice. */
void cli_error_status(const char *file, const onr_error *err);
/* `msg` without a leading "<file>: " (the library names files itself; lines name them once). */
const char *cli_strip_prefix(const char *msg, const char *file);

/* Option `-s`/`--long` at argv[*i]: accepts "-s V", "--long V" and "--long=V". On a match sets *value,
 * advances *i past the value and returns 1; returns 0 if argv[*i] is another option; returns -1 (after
 * reporting) when the value is missing. `s` may be NULL. */
int cli_opt_value(int argc, char **argv, int *i, const char *s, const char *l, const char **value);
bool cli_parse_double(const char *s, double *out);
bool cli_parse_int(const char *s, long lo, long hi, long *out);

/* Shapes and declared types for display: "[1,3,224,224]", "float[N,3,?,?]". */
const char *cli_shape_str(int32_t rank, const int64_t *dims, char *buf, size_t size);
const char *cli_value_info_str(const onr_value_info *v, char *buf, size_t size);

/* Element access across dtypes (half types widened). Integers keep full 64-bit precision through the
 * i64/u64 forms; cli_elem_double is for floats and display. */
double cli_elem_double(const onr_tensor *t, size_t i);
bool cli_dtype_is_float(onr_dtype t);
bool cli_dtype_is_unsigned(onr_dtype t);
int64_t cli_elem_i64(const onr_tensor *t, size_t i);
uint64_t cli_elem_u64(const onr_tensor *t, size_t i);
/* One element as text: %g-style for floats (9 significant digits when `exact`), integers in full,
 * bool as true/false. */
void cli_format_elem(const onr_tensor *t, size_t i, bool exact, char *buf, size_t size);
/* Multi-index of flat element i: "[0,2,1]". */
const char *cli_index_str(const onr_tensor *t, size_t i, char *buf, size_t size);

/* Prints `name: dtype shape` then the values: small tensors as aligned matrices, one per 2-D plane of
 * the last two axes (headed "[i,j,:,:]"); large ones as min/max/mean and the first values. */
void cli_print_tensor(FILE *f, const char *name, const onr_tensor *t);

/* snprintf into a path buffer; false (buf holds "") when the result would not fit. */
bool cli_path(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Directory helpers. */
bool cli_is_dir(const char *path);
bool cli_is_file(const char *path);
/* mkdir -p; returns 0 or an errno value. */
int cli_mkdirs(const char *path);

#endif
