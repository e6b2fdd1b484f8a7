/* parallel.c: a fixed thread pool for onr_parallel_for. The caller's thread works too, chunks are
 * claimed with an atomic counter (no per-chunk locking), and a job ends when every chunk is done. One job
 * runs at a time per pool: a session runs one node at a time. */
#include "core/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct onr_threadpool {
    int threads;                 /* workers + the caller */
    pthread_t *workers;
    int n_workers;
    pthread_mutex_t mu;
    pthread_cond_t wake;         /* a new job, or shutdown */
    pthread_cond_t idle;         /* a worker finished its share of the job */
    unsigned long generation;    /* bumped per job so workers see each job once */
    int shutdown;
    int busy;                    /* workers still inside the current job */
    /* The current job. */
    onr_range_fn fn;
    void *arg;
    size_t n, chunk, n_chunks;
    atomic_size_t next;
};

static void work(onr_threadpool *p)
{
    for (;;) {
        size_t c = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (c >= p->n_chunks)
            return;
        size_t b = c * p->chunk, e = b + p->chunk < p->n ? b + p->chunk : p->n;
        p->fn(p->arg, b, e);
    }
}

static void *worker_main(void *arg)
{
    onr_threadpool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->shutdown)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        work(p);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void onr_parallel_for(onr_threadpool *pool, size_t n, size_t grain, onr_range_fn fn, void *arg)
{
    if (n == 0)
        return;
    if (grain == 0)
        grain = 1;
    if (!pool || pool->n_workers == 0 || n <= grain) {
        fn(arg, 0, n);
        return;
    }
    /* A few chunks per thread balance uneven work without much claiming overhead. */
    size_t want = (size_t)pool->threads * 4;
    size_t chunk = (n + want - 1) / want;
    if (chunk < grain)
        chunk = grain;
    pthread_mutex_lock(&pool->mu);
    pool->fn = fn;
    pool->arg = arg;
    pool->n = n;
    pool->chunk = chunk;
    pool->n_chunks = (n + chunk - 1) / chunk;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    pool->busy = pool->n_workers;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    work(pool);
    pthread_mutex_lock(&pool->mu);
    while (pool->busy)
        pthread_cond_wait(&pool->idle, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
}

onr_threadpool *onr_threadpool_new(int threads)
{
    if (threads <= 1)
        return NULL;
    onr_threadpool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = threads;
    p->workers = calloc((size_t)threads, sizeof *p->workers);
    if (!p->workers || pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->workers);
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    atomic_init(&p->next, 0);
    for (int i = 0; i < threads - 1; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0)
            break;
        p->n_workers++;
    }
    return p;
}

void onr_threadpool_free(onr_threadpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->shutdown = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

int onr_threadpool_threads(const onr_threadpool *p)
{
    return p ? p->n_workers + 1 : 1;
}
