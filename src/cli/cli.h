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
int cli_viz(int argc, char **argv);

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
/* Stores v into element i of a float (float, double, float16, bfloat16; rounded to nearest even) or uint8
 * (rounded, clamped to 0..255) tensor; other dtypes are left alone. */
void cli_store_float(onr_tensor *t, size_t i, double v);
/* One element as text: %g-style for floats (9 significant digits when `exact`), integers in full,
 * bool as true/false. */
void cli_format_elem(const onr_tensor *t, size_t i, bool exact, char *buf, size_t size);
/* Multi-index of flat element i: "[0,2,1]". */
const char *cli_index_str(const onr_tensor *t, size_t i, char *buf, size_t size);

/* Prints `name: dtype shape` then the values: small tensors as aligned matrices, one per 2-D plane of
 * the last two axes (headed "[i,j,:,:]"); large ones as min/max/mean and the first values. */
void cli_print_tensor(FILE *f, const char *name, const onr_tensor *t);

/* Thousands-grouped integer for tables: "34,826". */
const char *cli_group(uint64_t v, char *buf, size_t size);
/* `s` as a JSON string literal (quotes included, control characters escaped). */
void cli_json_str(FILE *f, const char *s);
/* `name` made one file name: '/', '\\' and control bytes become '_' (so a value name can never leave
 * the folder; other bytes are kept, as `run -o` documents); an empty name becomes `fallback`. */
void cli_file_stem(const char *name, const char *fallback, char *buf, size_t size);
/* Malloc'd "<dir>/<stem of name>.<ext>" (stem as cli_file_stem, fallback "value_<index>"); NULL when out
 * of memory. */
char *cli_value_path(const char *dir, const char *name, size_t index, const char *ext);
/* Saves t as .npy or .pb by `ext` ("npy" or "pb"); reports errors itself. Returns an exit code. */
int cli_save_tensor(const onr_tensor *t, const char *path, const char *ext);

/* --- graph inputs from the command line (inputs.c) ---------------------------------------------------- */

/* Help text for the options cli_input_option parses, for the subcommands' --help. */
extern const char CLI_INPUT_HELP[];

typedef struct cli_shape_arg {
    const char *name;
    size_t name_len;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
} cli_shape_arg;

/* What -i, --shape, --random and the image options asked for. */
typedef struct cli_input_args {
    const char **specs;   /* -i values as given, n_specs of them */
    size_t n_specs;
    cli_shape_arg *shapes; /* --shape NAME=DIMS */
    size_t n_shapes;
    bool nhwc;            /* --layout nhwc: images fill (N,H,W,C) inputs */
    size_t n_mean, n_std; /* 0, 1 (every channel) or one per channel */
    double mean[4], std[4];
    double scale;         /* pixel * scale before mean/std; default 1/255 */
    bool scale_set;
    bool random;          /* --random SEED: inputs without -i are seeded random data */
    uint64_t seed;
} cli_input_args;

/* Sizes the arrays for up to argc options. Returns false when out of memory. */
bool cli_input_args_init(cli_input_args *a, int argc);
void cli_input_args_free(cli_input_args *a);
/* Parses one of the input options at argv[*i]: 1 consumed (advances *i past its value), 0 not an input
 * option, -1 bad value (reported; the caller prints its usage and exits CLI_EXIT_USAGE). */
int cli_input_option(int argc, char **argv, int *i, cli_input_args *a);

/* What to do with a graph input that has no -i and no --random. */
typedef enum cli_missing { CLI_MISSING_ERROR, CLI_MISSING_ZEROS } cli_missing;

/* One tensor per graph input, in onr_model_input order: views[k] is named after input k and points into
 * owned[k]. */
typedef struct cli_inputs {
    size_t n;
    onr_tensor **owned;
    onr_tensor *views;
} cli_inputs;

/* Binds every -i to a graph input and reads its file (.npy, .pb, or an image: .png .jpg .jpeg .bmp .gif
 * .tga .pgm .ppm .pnm, resized and normalized for the input), then fills the others (--random, zeros or
 * an error). Errors are reported; returns an exit code. Free with cli_inputs_free even on failure. */
int cli_inputs_build(const onr_model *m, const char *model_path, const cli_input_args *a, cli_missing missing,
                     cli_inputs *out);
void cli_inputs_free(cli_inputs *in);
/* "name[1,1,8,8], mask[1,8]": the shapes actually bound, for reports. */
const char *cli_inputs_str(const cli_inputs *in, char *buf, size_t size);

/* --- images (image.c) ----------------------------------------------------------------------------------- */

bool cli_is_image_path(const char *path);
/* Reads an image into a new tensor of `dtype` and shape `dims` (rank 3 or 4, layout per a->nhwc) for
 * graph input `input`. A -1 in dims is free: H and W take the image's size, N is 1, C is 3. A batch of N
 * gets N copies. Reports errors itself, naming the file and the input. Returns an exit code. */
int cli_image_load(const char *path, const char *input, onr_dtype dtype, int32_t rank, const int64_t *dims,
                   const cli_input_args *a, onr_tensor **out);
/* Writes 8-bit RGB (comp 3) or gray (comp 1) pixels as a PNG. Reports errors; returns an exit code. */
int cli_png_write(const char *path, int w, int h, int comp, const unsigned char *pixels);

/* --- progress (progress.c) ---------------------------------------------------------------------------- */

/* A one-line status on stderr for long commands, redrawn in place and cut to the terminal's width; only
 * when `wanted` and stderr is a terminal (otherwise every call does nothing). Clear it before printing
 * a result line so stdout stays exactly the documented lines. */
typedef struct cli_progress {
    bool on;
    int cols;
} cli_progress;
cli_progress cli_progress_init(bool wanted);
void cli_progress_show(const cli_progress *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void cli_progress_clear(const cli_progress *p);

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
