/* parallel.h: the one way ops split work across threads. A NULL pool (or 1 thread) runs inline. */
#ifndef ONR_CORE_PARALLEL_H
#define ONR_CORE_PARALLEL_H

#include <stddef.h>

typedef struct onr_threadpool onr_threadpool;

/* Calls fn(arg, begin, end) over disjoint ranges covering [0, n); ranges hold at least `grain` items
 * (except the last). Returns when every range is done. */
typedef void (*onr_range_fn)(void *arg, size_t begin, size_t end);
void onr_parallel_for(onr_threadpool *pool, size_t n, size_t grain, onr_range_fn fn, void *arg);

/* threads <= 1 gives NULL (inline execution), which is not an error. */
onr_threadpool *onr_threadpool_new(int threads);
void onr_threadpool_free(onr_threadpool *pool);
int onr_threadpool_threads(const onr_threadpool *pool);

#endif
