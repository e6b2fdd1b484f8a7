/* parallel.c: a fixed thread pool for onr_parallel_for. The caller's thread works too, chunks are
 * claimed with an atomic counter (no per-chunk locking), and a job ends when every chunk is done. One job
 * runs at a time per pool: a session runs one node at a time.
 *
 * Hand-offs spin before they sleep. A model runs its nodes back to back, one job each, many of them a few
 * microseconds long; waking a sleeping worker through a condition variable costs more than that, and the
 * caller then waits for that worker even when it did every chunk itself (measured: 2 threads made the MNIST
 * CNN 1.7x slower than 1). So a worker polls for the next job for a while (SPIN_ROUNDS pauses, well under a
 * millisecond) before it sleeps on `wake`, and the caller polls `busy` the same way before it sleeps on
 * `idle`. Between runs the workers go back to sleep, so an idle session costs no CPU. */
#include "core/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

/* Pauses a waiter polls before it sleeps; every YIELD_EVERY it yields the CPU, so that oversubscribed
 * pools (more threads than cores) still let the thread with the work run. */
enum { SPIN_ROUNDS = 1 << 15, YIELD_EVERY = 1 << 10 };

struct onr_threadpool {
    int threads;                 /* workers + the caller */
    pthread_t *workers;
    int n_workers;
    pthread_mutex_t mu;
    pthread_cond_t wake;         /* a new job, or shutdown */
    pthread_cond_t idle;         /* a worker finished its share of the job */
    atomic_ulong generation;     /* bumped per job (under mu, after the job's fields) */
    atomic_int shutdown;
    atomic_int busy;             /* workers still inside the current job */
    /* The current job: written by the caller before it bumps `generation`. */
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

static bool job_or_shutdown(onr_threadpool *p, unsigned long seen)
{
    return atomic_load_explicit(&p->generation, memory_order_acquire) != seen ||
           atomic_load_explicit(&p->shutdown, memory_order_acquire);
}

static void *worker_main(void *arg)
{
    onr_threadpool *p = arg;
    unsigned long seen = 0;
    for (;;) {
        for (int i = 1; i <= SPIN_ROUNDS && !job_or_shutdown(p, seen); i++) {
            CPU_RELAX();
            if (i % YIELD_EVERY == 0)
                sched_yield();
        }
        if (!job_or_shutdown(p, seen)) {
            pthread_mutex_lock(&p->mu);
            while (!job_or_shutdown(p, seen))
                pthread_cond_wait(&p->wake, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load_explicit(&p->shutdown, memory_order_acquire))
            return NULL;
        seen = atomic_load_explicit(&p->generation, memory_order_acquire);
        work(p);
        if (atomic_fetch_sub_explicit(&p->busy, 1, memory_order_acq_rel) == 1) {
            /* the caller may be asleep on `idle`: it checks `busy` under mu before it waits */
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->idle);
            pthread_mutex_unlock(&p->mu);
        }
    }
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
    pool->fn = fn;
    pool->arg = arg;
    pool->n = n;
    pool->chunk = chunk;
    pool->n_chunks = (n + chunk - 1) / chunk;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->busy, pool->n_workers, memory_order_relaxed);
    /* Under mu, so that a worker between its last check and pthread_cond_wait cannot miss the job. */
    pthread_mutex_lock(&pool->mu);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    work(pool);
    for (int i = 1; i <= SPIN_ROUNDS && atomic_load_explicit(&pool->busy, memory_order_acquire); i++) {
        CPU_RELAX();
        if (i % YIELD_EVERY == 0)
            sched_yield();
    }
    if (atomic_load_explicit(&pool->busy, memory_order_acquire)) {
        pthread_mutex_lock(&pool->mu);
        while (atomic_load_explicit(&pool->busy, memory_order_acquire))
            pthread_cond_wait(&pool->idle, &pool->mu);
        pthread_mutex_unlock(&pool->mu);
    }
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
    atomic_init(&p->generation, 0);
    atomic_init(&p->shutdown, 0);
    atomic_init(&p->busy, 0);
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
    atomic_store_explicit(&p->shutdown, 1, memory_order_release);
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
