/* cli_util.c: helpers shared by the subcommands: error lines, option values, shape/type strings,
 * element access and printing of tensors, directories. Public API only, so the half-precision
 * widening the library keeps internally is repeated here in its simplest form. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- errors and options ----------------------------------------------------------------------------- */

void cli_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("onnxrun: ", stderr);
    if (file)
        fprintf(stderr, "%s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *cli_strip_prefix(const char *msg, const char *file)
{
    size_t n = file ? strlen(file) : 0;
    if (n && strncmp(msg, file, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

void cli_error_status(const char *file, const onr_error *err)
{
    const char *msg = err->message[0] ? err->message : onr_status_name(err->code);
    cli_error(file, "%s", cli_strip_prefix(msg, file));
}

int cli_opt_value(int argc, char **argv, int *i, const char *s, const char *l, const char **value)
{
    const char *a = argv[*i];
    if ((s && strcmp(a, s) == 0) || (l && strcmp(a, l) == 0)) {
        if (*i + 1 >= argc) {
            cli_error(NULL, "option %s needs a value", a);
            return -1;
        }
        *i += 1;
        *value = argv[*i];
        return 1;
    }
    size_t ll = l ? strlen(l) : 0;
    if (l && strncmp(a, l, ll) == 0 && a[ll] == '=') {
        *value = a + ll + 1;
        return 1;
    }
    return 0;
}

bool cli_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool cli_parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* --- shapes and types --------------------------------------------------------------------------------- */

const char *cli_shape_str(int32_t rank, const int64_t *dims, char *buf, size_t size)
{
    size_t n = 0;
    n += (size_t)snprintf(buf, size, "[");
    for (int32_t k = 0; k < rank && n < size; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s%lld", k ? "," : "", (long long)dims[k]);
    if (n < size)
        snprintf(buf + n, size - n, "]");
    return buf;
}

const char *cli_value_info_str(const onr_value_info *v, char *buf, size_t size)
{
    const char *dt = v->dtype == ONR_DTYPE_UNDEFINED ? "?" : onr_dtype_name(v->dtype);
    if (v->rank < 0) {
        snprintf(buf, size, "%s[...]", dt);
        return buf;
    }
    size_t n = (size_t)snprintf(buf, size, "%s[", dt);
    for (int32_t k = 0; k < v->rank && k < ONR_MAX_RANK && n < size; k++) {
        const char *sep = k ? "," : "";
        if (v->dims[k] >= 0)
            n += (size_t)snprintf(buf + n, size - n, "%s%lld", sep, (long long)v->dims[k]);
        else if (v->dim_params[k] && v->dim_params[k][0])
            n += (size_t)snprintf(buf + n, size - n, "%s%s", sep, v->dim_params[k]);
        else
            n += (size_t)snprintf(buf + n, size - n, "%s?", sep);
    }
    if (n < size)
        snprintf(buf + n, size - n, "]");
    return buf;
}

/* --- elements ----------------------------------------------------------------------------------------- */

static double half_to_double(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0)
        v = ldexp((double)m, -24); /* zero or subnormal */
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexp((double)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

static double bf16_to_double(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

bool cli_dtype_is_float(onr_dtype t)
{
    return t == ONR_DTYPE_FLOAT || t == ONR_DTYPE_DOUBLE || t == ONR_DTYPE_FLOAT16 || t == ONR_DTYPE_BFLOAT16;
}

bool cli_dtype_is_unsigned(onr_dtype t)
{
    return t == ONR_DTYPE_UINT8 || t == ONR_DTYPE_UINT16 || t == ONR_DTYPE_UINT32 || t == ONR_DTYPE_UINT64 ||
           t == ONR_DTYPE_BOOL;
}

int64_t cli_elem_i64(const onr_tensor *t, size_t i)
{
    const void *d = t->data;
    switch (t->dtype) {
    case ONR_DTYPE_INT8: return ((const int8_t *)d)[i];
    case ONR_DTYPE_INT16: return ((const int16_t *)d)[i];
    case ONR_DTYPE_INT32: return ((const int32_t *)d)[i];
    case ONR_DTYPE_INT64: return ((const int64_t *)d)[i];
    default: return (int64_t)cli_elem_u64(t, i);
    }
}

uint64_t cli_elem_u64(const onr_tensor *t, size_t i)
{
    const void *d = t->data;
    switch (t->dtype) {
    case ONR_DTYPE_BOOL: return ((const uint8_t *)d)[i] != 0;
    case ONR_DTYPE_UINT8: return ((const uint8_t *)d)[i];
    case ONR_DTYPE_UINT16: return ((const uint16_t *)d)[i];
    case ONR_DTYPE_UINT32: return ((const uint32_t *)d)[i];
    case ONR_DTYPE_UINT64: return ((const uint64_t *)d)[i];
    case ONR_DTYPE_INT8: case ONR_DTYPE_INT16: case ONR_DTYPE_INT32: case ONR_DTYPE_INT64:
        return (uint64_t)cli_elem_i64(t, i);
    default: return 0;
    }
}

double cli_elem_double(const onr_tensor *t, size_t i)
{
    const void *d = t->data;
    switch (t->dtype) {
    case ONR_DTYPE_FLOAT: return ((const float *)d)[i];
    case ONR_DTYPE_DOUBLE: return ((const double *)d)[i];
    case ONR_DTYPE_FLOAT16: return half_to_double(((const uint16_t *)d)[i]);
    case ONR_DTYPE_BFLOAT16: return bf16_to_double(((const uint16_t *)d)[i]);
    default:
        return cli_dtype_is_unsigned(t->dtype) ? (double)cli_elem_u64(t, i) : (double)cli_elem_i64(t, i);
    }
}

void cli_format_elem(const onr_tensor *t, size_t i, bool exact, char *buf, size_t size)
{
    if (t->dtype == ONR_DTYPE_BOOL)
        snprintf(buf, size, "%s", cli_elem_u64(t, i) ? "true" : "false");
    else if (cli_dtype_is_float(t->dtype))
        snprintf(buf, size, "%.*g", !exact ? 6 : t->dtype == ONR_DTYPE_DOUBLE ? 17 : 9, cli_elem_double(t, i));
    else if (cli_dtype_is_unsigned(t->dtype))
        snprintf(buf, size, "%llu", (unsigned long long)cli_elem_u64(t, i));
    else
        snprintf(buf, size, "%lld", (long long)cli_elem_i64(t, i));
}

const char *cli_index_str(const onr_tensor *t, size_t i, char *buf, size_t size)
{
    int64_t idx[ONR_MAX_RANK] = {0};
    for (int32_t k = t->rank - 1; k >= 0; k--) {
        size_t d = t->dims[k] > 0 ? (size_t)t->dims[k] : 1;
        idx[k] = (int64_t)(i % d);
        i /= d;
    }
    return cli_shape_str(t->rank, idx, buf, size);
}

/* --- printing ----------------------------------------------------------------------------------------- */

enum { PRINT_MAX_ELEMS = 1024, PRINT_MAX_COLS = 32, SUMMARY_FIRST = 10 };

static void print_matrices(FILE *f, const onr_tensor *t, size_t n)
{
    size_t cols = t->rank >= 1 ? (size_t)t->dims[t->rank - 1] : 1;
    size_t rows = t->rank >= 2 ? (size_t)t->dims[t->rank - 2] : 1;
    size_t plane = rows * cols, width = 1;
    char buf[64];
    for (size_t i = 0; i < n; i++) { /* one width for the whole tensor keeps planes comparable */
        cli_format_elem(t, i, false, buf, sizeof buf);
        size_t w = strlen(buf);
        width = w > width ? w : width;
    }
    for (size_t p = 0; p < n / plane; p++) {
        if (t->rank > 2) {
            int64_t lead[ONR_MAX_RANK];
            size_t q = p;
            for (int32_t k = t->rank - 3; k >= 0; k--) {
                lead[k] = (int64_t)(q % (size_t)t->dims[k]);
                q /= (size_t)t->dims[k];
            }
            fputs("  [", f);
            for (int32_t k = 0; k < t->rank - 2; k++)
                fprintf(f, "%lld,", (long long)lead[k]);
            fputs(":,:]\n", f);
        }
        for (size_t r = 0; r < rows; r++) {
            fputs("   ", f);
            for (size_t c = 0; c < cols; c++) {
                cli_format_elem(t, p * plane + r * cols + c, false, buf, sizeof buf);
                fprintf(f, " %*s", (int)width, buf);
            }
            fputc('\n', f);
        }
    }
}

static void print_summary(FILE *f, const onr_tensor *t, size_t n)
{
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t nans = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        double v = cli_elem_double(t, i);
        if (isnan(v)) {
            nans++;
            continue;
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
    }
    if (nans == n)
        fprintf(f, "    all %zu values are NaN\n", n);
    else
        fprintf(f, "    min %.6g  max %.6g  mean %.6g", lo, hi, sum / (double)(n - nans));
    if (nans && nans < n)
        fprintf(f, "  (%zu NaN)", nans);
    if (nans < n)
        fputc('\n', f);
    fputs("    first:", f);
    for (size_t i = 0; i < n && i < SUMMARY_FIRST; i++) {
        cli_format_elem(t, i, false, buf, sizeof buf);
        fprintf(f, " %s", buf);
    }
    fprintf(f, "%s\n", n > SUMMARY_FIRST ? " ..." : "");
}

void cli_print_tensor(FILE *f, const char *name, const onr_tensor *t)
{
    char shape[160];
    size_t n = onr_tensor_count(t);
    fprintf(f, "%s: %s %s\n", name, onr_dtype_name(t->dtype), cli_shape_str(t->rank, t->dims, shape, sizeof shape));
    if (n == 0)
        fputs("    (empty)\n", f);
    else if (n <= PRINT_MAX_ELEMS && (t->rank == 0 || (size_t)t->dims[t->rank - 1] <= PRINT_MAX_COLS))
        print_matrices(f, t, n);
    else
        print_summary(f, t, n);
}

/* --- files -------------------------------------------------------------------------------------------- */

bool cli_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        return false;
    }
    return true;
}

bool cli_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cli_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cli_mkdirs(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return ENOMEM;
    memcpy(p, path, n + 1);
    int rc = 0;
    for (size_t i = 1; i <= n && !rc; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = errno;
        else if (!cli_is_dir(p))
            rc = ENOTDIR;
        p[i] = c;
    }
    free(p);
    return rc;
}

/* --- names, numbers, JSON, saving ---------------------------------------------------------------------- */

const char *cli_group(uint64_t v, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int k = 0; k < n && o + 1 < size; k++) {
        if (k && (n - k) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[k];
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
    return buf;
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f); /* UTF-8 passes through: JSON text is UTF-8 */
    }
    fputc('"', f);
}

void cli_file_stem(const char *name, const char *fallback, char *buf, size_t size)
{
    if (!size)
        return;
    if (!name || !*name)
        name = fallback;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 1 < size; p++)
        buf[o++] = *p == '/' || *p == '\\' || *p < 0x20 ? '_' : (char)*p;
    buf[o] = '\0';
}

char *cli_value_path(const char *dir, const char *name, size_t index, const char *ext)
{
    char fallback[40], stem[256];
    snprintf(fallback, sizeof fallback, "value_%zu", index);
    cli_file_stem(name, fallback, stem, sizeof stem);
    size_t n = strlen(dir) + strlen(stem) + strlen(ext) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.%s", dir, stem, ext);
    return p;
}

int cli_save_tensor(const onr_tensor *t, const char *path, const char *ext)
{
    onr_error e = {0};
    onr_status st = strcmp(ext, "pb") == 0 ? onr_tensor_save_pb(t, path, &e) : onr_tensor_save_npy(t, path, &e);
    if (st != ONR_OK) {
        cli_error_status(path, &e);
        return CLI_EXIT_FILE;
    }
    return CLI_EXIT_OK;
}
