/* file.h: reading or mapping a whole file with a size limit: the one place every reader (model, .pb,
 * .npy) goes through, so size checks and error messages are uniform. */
#ifndef ONR_CORE_FILE_H
#define ONR_CORE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "onnxrun.h"

/* Reads `path` into a malloc'd buffer (*data, free with free()). Files larger than max_bytes are refused
 * with ONR_E_NOMEM; missing/unreadable files give ONR_E_IO naming the path and the OS reason. */
onr_status onr_read_file(const char *path, uint64_t max_bytes, void **data, size_t *size, onr_error *err);

/* A whole file's bytes, read-only: a private read-only mapping when the OS gives one, else a heap copy
 * (what onr_read_file reads). Mapped pages are file pages: they leave the process (and its RSS) with
 * onr_file_view_drop and come back from the page cache when touched again, so a reader that copies
 * the bytes it needs does not keep the whole file resident beside its copies. */
typedef struct onr_file_view {
    const void *data;
    size_t size;
    void *map;   /* the mapping, NULL when `data` is a heap copy */
    size_t map_len;
} onr_file_view;

/* Same checks and messages as onr_read_file (regular file, max_bytes). */
onr_status onr_file_view_open(const char *path, uint64_t max_bytes, onr_file_view *v, onr_error *err);
/* Releases the resident pages of a mapped view (the bytes stay readable); no-op for a heap copy. */
void onr_file_view_drop(const onr_file_view *v);
void onr_file_view_close(onr_file_view *v);

/* Folder part of a path ("." if none); malloc'd. */
char *onr_path_dirname(const char *path);

#endif
