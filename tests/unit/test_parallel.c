/* test_parallel.c: onr_parallel_for covers [0, n) exactly once, whatever the thread count and grain. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/parallel.h"

typedef struct {
    atomic_int *hits;
    atomic_int calls;
    size_t grain, n;
    atomic_int short_ranges;
} job;

static void mark(void *arg, size_t b, size_t e)
{
    job *j = arg;
    atomic_fetch_add(&j->calls, 1);
    if (e - b < j->grain && e != j->n)
        atomic_fetch_add(&j->short_ranges, 1);
    for (size_t i = b; i < e; i++)
        atomic_fetch_add(&j->hits[i], 1);
}

Test(parallel, covers_every_index_once)
{
    static const int threads[] = {0, 1, 2, 3, 8};
    static const size_t sizes[] = {1, 2, 7, 64, 1000, 4097};
    static const size_t grains[] = {1, 3, 100};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        onr_threadpool *pool = onr_threadpool_new(threads[t]);
        cr_assert(threads[t] <= 1 ? pool == NULL : pool != NULL);
        cr_assert_eq(onr_threadpool_threads(pool), threads[t] <= 1 ? 1 : threads[t]);
        for (int rep = 0; rep < 20; rep++) /* repeated jobs on one pool: no lost wake-ups */
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
                for (size_t g = 0; g < sizeof grains / sizeof *grains; g++) {
                    job j = {.grain = grains[g], .n = sizes[s]};
                    j.hits = calloc(sizes[s], sizeof *j.hits);
                    onr_parallel_for(pool, sizes[s], grains[g], mark, &j);
                    for (size_t i = 0; i < sizes[s]; i++)
                        cr_assert_eq(atomic_load(&j.hits[i]), 1, "threads %d n %zu grain %zu index %zu hit %d times",
                                     threads[t], sizes[s], grains[g], i, atomic_load(&j.hits[i]));
                    cr_assert_eq(atomic_load(&j.short_ranges), 0, "a range shorter than the grain");
                    free(j.hits);
                }
        onr_threadpool_free(pool);
    }
}

Test(parallel, empty_range_calls_nothing)
{
    onr_threadpool *pool = onr_threadpool_new(2);
    job j = {.grain = 1};
    onr_parallel_for(pool, 0, 1, mark, &j);
    cr_assert_eq(atomic_load(&j.calls), 0);
    onr_threadpool_free(pool);
}
