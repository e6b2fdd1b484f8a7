/* parallel.c: thread pool. Until the performance work lands this runs every range inline; the
 * interface is what ops program against. */
#include "core/parallel.h"

void onr_parallel_for(onr_threadpool *pool, size_t n, size_t grain, onr_range_fn fn, void *arg)
{
    (void)pool;
    (void)grain;
    if (n)
        fn(arg, 0, n);
}

onr_threadpool *onr_threadpool_new(int threads)
{
    (void)threads;
    return NULL;
}

void onr_threadpool_free(onr_threadpool *pool)
{
    (void)pool;
}

int onr_threadpool_threads(const onr_threadpool *pool)
{
    (void)pool;
    return 1;
}
