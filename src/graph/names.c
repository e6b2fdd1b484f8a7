/* names.c: a small string hash map for graph construction. */
#include "graph/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

int onr_names_init(onr_names *n, size_t hint)
{
    size_t cap = 16;
    while (cap < hint * 2) {
        if (cap > SIZE_MAX / 4)
            return 0;
        cap *= 2;
    }
    n->keys = calloc(cap, sizeof *n->keys);
    n->ids = calloc(cap, sizeof *n->ids);
    n->cap = cap;
    n->count = 0;
    if (!n->keys || !n->ids) {
        onr_names_free(n);
        return 0;
    }
    return 1;
}

void onr_names_free(onr_names *n)
{
    free(n->keys);
    free(n->ids);
    n->keys = NULL;
    n->ids = NULL;
    n->cap = n->count = 0;
}

int onr_names_get(const onr_names *n, const char *key)
{
    if (!n->cap)
        return -1;
    for (size_t i = hash(key) & (n->cap - 1);; i = (i + 1) & (n->cap - 1)) {
        if (!n->keys[i])
            return -1;
        if (strcmp(n->keys[i], key) == 0)
            return n->ids[i];
    }
}

int onr_names_put(onr_names *n, const char *key, int id)
{
    if (!n->cap || n->count + 1 >= n->cap)
        return 0;
    for (size_t i = hash(key) & (n->cap - 1);; i = (i + 1) & (n->cap - 1)) {
        if (!n->keys[i]) {
            n->keys[i] = key;
            n->ids[i] = id;
            n->count++;
            return 1;
        }
        if (strcmp(n->keys[i], key) == 0)
            return 0;
    }
}
