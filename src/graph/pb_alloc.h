/* pb_alloc.h: the protobuf-c allocator the model loader decodes with. protobuf-c copies every raw_data
 * and typed data array out of the file; this allocator puts each large block (tensor data) 64-byte
 * aligned behind room for an onr_tensor header, so the tensor can take the block over instead of a
 * second copy being made, and it releases the mapped file pages already decoded as it goes, so the file
 * does not stay resident beside the copies. */
#ifndef ONR_GRAPH_PB_ALLOC_H
#define ONR_GRAPH_PB_ALLOC_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "core/file.h"
#include "onnxrun.h"

/* Blocks this large or larger can be adopted; smaller tensors are copied (their copy is small). */
#define ONR_PB_BIG ((size_t)64 << 10)

typedef struct onr_pb_alloc {
    ProtobufCAllocator base; /* pass &base to unpack and free_unpacked */
    const onr_file_view *view; /* the bytes being decoded when they are a file view, else NULL */
    size_t since_drop;         /* bytes allocated since the view's pages were last released */
} onr_pb_alloc;

void onr_pb_alloc_init(onr_pb_alloc *a, const onr_file_view *view);

/* The tensor that `block` (a data field of a message decoded with an onr_pb_alloc) becomes without a
 * copy, when it is a large block of exactly `bytes` bytes; NULL otherwise. The tensor has rank 0, no
 * dtype and name "": the caller sets them, and must detach block from the message (field = NULL) before
 * the message is freed. onr_tensor_free releases it like any tensor. */
onr_tensor *onr_pb_alloc_adopt(void *block, size_t bytes);

/* Frees one field's block early (then set the field to NULL so free_unpacked skips it). */
void onr_pb_alloc_release(onr_pb_alloc *a, void *block);

#endif
