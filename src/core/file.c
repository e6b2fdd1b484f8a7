/* file.c: whole-file reads and read-only mappings with limits, and path helpers. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

/* Opens a regular file no larger than max_bytes; *size is its size. */
static onr_status open_checked(const char *path, uint64_t max_bytes, int *fd, size_t *size, onr_error *err)
{
    *fd = -1;
    *size = 0;
    if (!path)
        return onr_err(err, ONR_E_INVALID_ARG, "path is NULL");
    /* stat first: opening a FIFO (a model or tensor path that is a named pipe) would block forever. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return onr_err(err, ONR_E_IO, "%s: not a regular file", path);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return onr_err(err, ONR_E_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f);
        return onr_err(err, ONR_E_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max_bytes || (uint64_t)st.st_size > SIZE_MAX - 1) {
        close(f);
        return onr_err(err, ONR_E_NOMEM, "%s: file of %lld bytes exceeds the limit of %llu bytes", path,
                       (long long)st.st_size, (unsigned long long)max_bytes);
    }
    *fd = f;
    *size = (size_t)st.st_size;
    return ONR_OK;
}

static onr_status read_all(int fd, const char *path, size_t n, void **data, onr_error *err)
{
    unsigned char *buf = malloc(n + 1); /* +1: never malloc(0), and room for a terminator */
    if (!buf)
        return onr_err(err, ONR_E_NOMEM, "%s: cannot allocate %zu bytes", path, n);
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != n) {
        free(buf);
        return onr_err(err, ONR_E_IO, "%s: read error (got %zu of %zu bytes)", path, got, n);
    }
    buf[n] = 0;
    *data = buf;
    return ONR_OK;
}

onr_status onr_read_file(const char *path, uint64_t max_bytes, void **data, size_t *size, onr_error *err)
{
    int fd;
    size_t n;
    *data = NULL;
    *size = 0;
    onr_status st = open_checked(path, max_bytes, &fd, &n, err);
    if (st != ONR_OK)
        return st;
    st = read_all(fd, path, n, data, err);
    close(fd);
    if (st == ONR_OK)
        *size = n;
    return st;
}

onr_status onr_file_view_open(const char *path, uint64_t max_bytes, onr_file_view *v, onr_error *err)
{
    int fd;
    size_t n;
    memset(v, 0, sizeof *v);
    onr_status st = open_checked(path, max_bytes, &fd, &n, err);
    if (st != ONR_OK)
        return st;
    /* mmap refuses length 0; a file system without mmap support lands in the read path too. */
    void *p = n ? mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    if (p != MAP_FAILED) {
        madvise(p, n, MADV_SEQUENTIAL); /* a hint only: read-ahead, decoding reads front to back */
        v->data = v->map = p;
        v->size = v->map_len = n;
        close(fd);
        return ONR_OK;
    }
    void *data;
    st = read_all(fd, path, n, &data, err);
    close(fd);
    if (st == ONR_OK) {
        v->data = data;
        v->size = n;
    }
    return st;
}

void onr_file_view_drop(const onr_file_view *v)
{
    /* For a private mapping never written to, MADV_DONTNEED unmaps the pages and a later touch refaults
     * them from the file (madvise(2)): the bytes do not change. */
    if (v && v->map)
        madvise(v->map, v->map_len, MADV_DONTNEED);
}

void onr_file_view_close(onr_file_view *v)
{
    if (!v)
        return;
    if (v->map)
        munmap(v->map, v->map_len);
    else
        free((void *)v->data);
    memset(v, 0, sizeof *v);
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
