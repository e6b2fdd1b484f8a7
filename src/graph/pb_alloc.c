/* pb_alloc.c: protobuf-c allocator with adoptable large blocks (see pb_alloc.h).
 *
 * Every block has a 16-byte tag just before the pointer protobuf-c gets, so the free hook tells the two
 * kinds apart. A small block is malloc(tag + size). A large block is onr_alloc_aligned(RESERVE + size):
 * the onr_tensor header of an adopting tensor goes at its start and the data stays where protobuf-c put
 * it, 64-byte aligned like onr_tensor_new's data, and onr_tensor_free (onr_free_aligned of the header)
 * releases it in one free, as core/tensor.c's one-block tensors are released. */
#include "graph/pb_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/shape.h"

typedef struct tag {
    uint64_t kind;
    uint64_t size;
} tag;

#define SMALL UINT64_C(0x6f6e722d736d616c)
#define LARGE UINT64_C(0x6f6e722d6c617267)
/* Header + "" name + tag, rounded to the 64 bytes the data is aligned to. */
#define RESERVE ((sizeof(onr_tensor) + 1 + sizeof(tag) + 63) & ~(size_t)63)
/* Past this many bytes decoded since the last release the file pages are released again, so many
 * small tensors do not pile up file pages either. */
#define DROP_EVERY ((size_t)16 << 20)

_Static_assert(sizeof(tag) == 16, "the tag keeps malloc's 16-byte alignment");

static tag *tag_of(void *p)
{
    return (tag *)((unsigned char *)p - sizeof(tag));
}

static void *alloc(void *data, size_t size)
{
    onr_pb_alloc *a = data;
    unsigned char *base, *p;
    if (size >= ONR_PB_BIG || (a->since_drop += size) >= DROP_EVERY) {
        /* Every block protobuf-c allocated before this one has been filled from the file already
         * (bytes fields are copied right after their allocation), so the pages read so far are not
         * needed any more; the ones still to be read refault from the page cache. */
        onr_file_view_drop(a->view);
        a->since_drop = 0;
    }
    if (size >= ONR_PB_BIG) {
        if (size > SIZE_MAX - RESERVE || !(base = onr_alloc_aligned(RESERVE + size)))
            return NULL;
        p = base + RESERVE;
        tag_of(p)->kind = LARGE;
    } else {
        if (!(base = malloc(sizeof(tag) + size)))
            return NULL;
        p = base + sizeof(tag);
        tag_of(p)->kind = SMALL;
    }
    tag_of(p)->size = size;
    return p;
}

static void release(void *data, void *p)
{
    (void)data;
    if (!p)
        return;
    if (tag_of(p)->kind == LARGE)
        onr_free_aligned((unsigned char *)p - RESERVE);
    else
        free(tag_of(p));
}

void onr_pb_alloc_init(onr_pb_alloc *a, const onr_file_view *view)
{
    memset(a, 0, sizeof *a);
    a->base.alloc = alloc;
    a->base.free = release;
    a->base.allocator_data = a;
    a->view = view;
}

onr_tensor *onr_pb_alloc_adopt(void *block, size_t bytes)
{
    if (!block || tag_of(block)->kind != LARGE || tag_of(block)->size != bytes)
        return NULL;
    unsigned char *base = (unsigned char *)block - RESERVE;
    onr_tensor *t = (onr_tensor *)base;
    memset(t, 0, sizeof *t);
    char *name = (char *)(base + sizeof *t);
    name[0] = '\0';
    t->name = name;
    t->data = block;
    return t;
}

void onr_pb_alloc_release(onr_pb_alloc *a, void *block)
{
    release(a, block);
}
