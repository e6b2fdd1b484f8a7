/* arena.c: chunked bump allocation. */
#include "graph/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct onr_arena_block {
    onr_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { BLOCK_BYTES = 64 * 1024 };

void *onr_arena_alloc(onr_arena *a, size_t bytes)
{
    if (bytes > SIZE_MAX - 32)
        return NULL;
    bytes = (bytes + 15) & ~(size_t)15;
    onr_arena_block *b = a->head;
    if (!b || b->cap - b->used < bytes) {
        size_t cap = bytes > BLOCK_BYTES ? bytes : BLOCK_BYTES;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += bytes;
    memset(p, 0, bytes);
    return p;
}

void *onr_arena_array(onr_arena *a, size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes))
        return NULL;
    return onr_arena_alloc(a, bytes ? bytes : 1);
}

char *onr_arena_strndup(onr_arena *a, const char *s, size_t n)
{
    char *d = onr_arena_alloc(a, n + 1);
    if (d && n)
        memcpy(d, s, n);
    return d;
}

char *onr_arena_strdup(onr_arena *a, const char *s)
{
    return onr_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

void onr_arena_free(onr_arena *a)
{
    onr_arena_block *b = a->head;
    while (b) {
        onr_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}
