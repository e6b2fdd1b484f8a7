/* arena.h: bump allocator for a model's metadata (names, attributes, node tables), freed at once. */
#ifndef ONR_GRAPH_ARENA_H
#define ONR_GRAPH_ARENA_H

#include <stddef.h>

typedef struct onr_arena_block onr_arena_block;
typedef struct onr_arena {
    onr_arena_block *head;
} onr_arena;

/* Zeroed, 16-byte aligned; NULL on overflow or out of memory. */
void *onr_arena_alloc(onr_arena *a, size_t bytes);
/* n * size, overflow-checked. */
void *onr_arena_array(onr_arena *a, size_t n, size_t size);
char *onr_arena_strdup(onr_arena *a, const char *s);
char *onr_arena_strndup(onr_arena *a, const char *s, size_t n);
void onr_arena_free(onr_arena *a);

#endif
