/* names.h: name -> value id lookup used while building the graph (open addressing, FNV-1a). */
#ifndef ONR_GRAPH_NAMES_H
#define ONR_GRAPH_NAMES_H

#include <stddef.h>

typedef struct onr_names {
    const char **keys;
    int *ids;
    size_t cap;     /* power of two */
    size_t count;
} onr_names;

/* capacity_hint: the most names that will be inserted. Returns 0 on out of memory/overflow. */
int onr_names_init(onr_names *n, size_t capacity_hint);
void onr_names_free(onr_names *n);
/* -1 if absent. */
int onr_names_get(const onr_names *n, const char *key);
/* key must outlive the map. Returns 0 if already present or the map is full. */
int onr_names_put(onr_names *n, const char *key, int id);

#endif
