/* file.h: reading a whole file with a size limit: the one place every reader (model, .pb, .npy) goes
 * through, so size checks and error messages are uniform. */
#ifndef ONR_CORE_FILE_H
#define ONR_CORE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "onnxrun.h"

/* Reads `path` into a malloc'd buffer (*data, free with free()). Files larger than max_bytes are refused
 * with ONR_E_NOMEM; missing/unreadable files give ONR_E_IO naming the path and the OS reason. */
onr_status onr_read_file(const char *path, uint64_t max_bytes, void **data, size_t *size, onr_error *err);

/* Folder part of a path ("." if none); malloc'd. */
char *onr_path_dirname(const char *path);

#endif
