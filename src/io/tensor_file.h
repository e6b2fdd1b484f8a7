/* tensor_file.h: what the three tensor-file modules (npy.c, tensor_pb.c, tensor_file.c) share: the size
 * limit on tensor files, the one "write a whole file" helper, and the checks a tensor must pass before
 * it is written. Reading a whole file is core/file.h's onr_read_file (shared with the model loader). */
#ifndef ONR_IO_TENSOR_FILE_H
#define ONR_IO_TENSOR_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "onnxrun.h"

/* Largest tensor file we read: the default onr_options.max_tensor_bytes (4 GiB) plus room for a header.
 * A file beyond this is refused before anything is allocated (ONR_E_NOMEM). */
#define ONR_TENSOR_FILE_MAX_BYTES ((uint64_t)4 * 1024 * 1024 * 1024 + 1024 * 1024)

/* Writes head (n_head bytes) then body (n_body bytes) to path, replacing it. On any failure the partial
 * file is removed and ONR_E_IO names the path and the OS reason. Either part may be empty. */
onr_status onr_write_file2(const char *path, const void *head, size_t n_head, const void *body, size_t n_body,
                           onr_error *err);

/* A tensor a writer can serialize: not NULL, known dtype, rank 0..ONR_MAX_RANK, dims >= 0, byte size
 * free of overflow, data present when there are bytes. Sets *bytes. `who` prefixes messages. */
onr_status onr_tensor_check_writable(const onr_tensor *t, const char *who, size_t *bytes, onr_error *err);

#endif
