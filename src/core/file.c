/* file.c: whole-file reads with limits, and path helpers. */
#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

onr_status onr_read_file(const char *path, uint64_t max_bytes, void **data, size_t *size, onr_error *err)
{
    *data = NULL;
    *size = 0;
    if (!path)
        return onr_err(err, ONR_E_INVALID_ARG, "path is NULL");
    /* stat first: fopen of a FIFO (a model or tensor path that is a named pipe) would block forever. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return onr_err(err, ONR_E_IO, "%s: not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return onr_err(err, ONR_E_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return onr_err(err, ONR_E_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max_bytes || (uint64_t)st.st_size > SIZE_MAX - 1) {
        fclose(f);
        return onr_err(err, ONR_E_NOMEM, "%s: file of %lld bytes exceeds the limit of %llu bytes", path,
                       (long long)st.st_size, (unsigned long long)max_bytes);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n + 1); /* +1: never malloc(0), and room for a terminator */
    if (!buf) {
        fclose(f);
        return onr_err(err, ONR_E_NOMEM, "%s: cannot allocate %zu bytes", path, n);
    }
    size_t got = n ? fread(buf, 1, n, f) : 0;
    int failed = got != n || ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return onr_err(err, ONR_E_IO, "%s: read error (got %zu of %zu bytes)", path, got, n);
    }
    buf[n] = 0;
    *data = buf;
    *size = n;
    return ONR_OK;
}

char *onr_path_dirname(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}
