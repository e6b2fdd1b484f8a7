/* bwprobe.c: the memory floor of a benchmark case, measured rather than assumed.
 *
 *   bwprobe [--threads N] [--seconds S] BYTES_IN BYTES_OUT   -> {"floor_us": ..., ...}
 *   bwprobe [--threads N] --dram                             -> read / write / copy GB/s over 1 GiB buffers
 *
 * A pooling op must read its whole input once and write its whole output once; nothing can beat the time
 * of just that traffic. The probe times exactly that: one pass = read BYTES_IN (summed, so the loads
 * cannot be dropped) then write BYTES_OUT, over buffers of the case's own sizes, repeated like the
 * benchmark repeats the op, so the buffers sit in the same level of the cache hierarchy as the op's tensors
 * do (a 0.8 MB case lives in L2, a 25 MB one does not). floor_us is the median pass time; read_gbs and
 * write_gbs the bandwidths of the two halves. With --threads N the passes are split over N threads (the
 * caller and N-1 workers, with barriers), as a parallel op would split them.
 *
 * Built by run_bench.sh with `cc -O3 -march=native -pthread` on the machine it measures; not part of the
 * meson build (a benchmark, not a test). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sum of x[0..n) in 16 independent lanes so the loop runs at load throughput, not add latency. */
static float read_pass(const float *restrict x, size_t n)
{
    float acc[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++)
            acc[j] += x[i + j];
    for (; i < n; i++)
        acc[0] += x[i];
    float s = 0.0f;
    for (int j = 0; j < 16; j++)
        s += acc[j];
    return s;
}

static void write_pass(float *restrict y, size_t n, float v)
{
    for (size_t i = 0; i < n; i++)
        y[i] = v;
}

static volatile float sink;

/* Worker threads for --threads N: each pass, thread t reads its 1/N of the input then writes its 1/N of the
 * output; two barriers per pass (start, end) like a parallel-for. pthreads rather than OpenMP: libgomp's
 * barrier took tens of ms per pass on this busy 2-core machine. */
typedef struct probe {
    int nt;
    const float *x;
    float *y;
    size_t nx, ny;
    pthread_barrier_t start, mid, end;
    volatile int stop;
    float v;
    float partial[64];
} probe;

typedef struct worker_arg {
    probe *p;
    int t;
} worker_arg;

static void share(probe *p, int t, int write)
{
    size_t n = write ? p->ny : p->nx;
    size_t b = n * (size_t)t / (size_t)p->nt, e = n * (size_t)(t + 1) / (size_t)p->nt;
    if (write)
        write_pass(p->y + b, e - b, p->v);
    else
        p->partial[t] = read_pass(p->x + b, e - b);
}

static void *worker(void *arg)
{
    worker_arg *w = arg;
    probe *p = w->p;
    for (;;) {
        pthread_barrier_wait(&p->start);
        if (p->stop)
            return NULL;
        share(p, w->t, 0);
        pthread_barrier_wait(&p->mid);
        share(p, w->t, 1);
        pthread_barrier_wait(&p->end);
    }
}

/* Median seconds of: read only, write only, read+write, over passes repeated for `seconds`. */
static void measure(probe *p, double seconds, double *t_read, double *t_write, double *t_both)
{
    enum { MAX_REPS = 20000, MIN_REPS = 5 };
    double *tr = malloc(MAX_REPS * sizeof *tr), *tw = malloc(MAX_REPS * sizeof *tw),
           *tb = malloc(MAX_REPS * sizeof *tb);
    if (!tr || !tw || !tb) {
        fprintf(stderr, "bwprobe: out of memory\n");
        exit(1);
    }
    size_t reps = 0;
    double start = now_s();
    p->v = 1.0f;
    while (reps < MAX_REPS && (reps < MIN_REPS || now_s() - start < seconds)) {
        double t0 = now_s();
        if (p->nt > 1)
            pthread_barrier_wait(&p->start);
        share(p, 0, 0);
        if (p->nt > 1)
            pthread_barrier_wait(&p->mid);
        double t1 = now_s();
        share(p, 0, 1);
        if (p->nt > 1)
            pthread_barrier_wait(&p->end);
        double t2 = now_s();
        float s = 0.0f;
        for (int t = 0; t < p->nt; t++)
            s += p->partial[t];
        p->v = s * 1e-30f + 1.0f;
        sink = p->v;
        tr[reps] = t1 - t0;
        tw[reps] = t2 - t1;
        tb[reps] = t2 - t0;
        reps++;
    }
    qsort(tr, reps, sizeof *tr, cmp_double);
    qsort(tw, reps, sizeof *tw, cmp_double);
    qsort(tb, reps, sizeof *tb, cmp_double);
    *t_read = tr[reps / 2];
    *t_write = tw[reps / 2];
    *t_both = tb[reps / 2];
    free(tr);
    free(tw);
    free(tb);
}

static float *alloc_floats(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)) != 0) {
        fprintf(stderr, "bwprobe: out of memory\n");
        exit(1);
    }
    float *f = p;
    for (size_t i = 0; i < n; i++) /* touch every page; values small and finite */
        f[i] = (float)(i & 1023) * (1.0f / 1024.0f);
    return f;
}

int main(int argc, char **argv)
{
    int threads = 1, dram = 0;
    double seconds = 0.5;
    size_t bytes[2], nb = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--dram") == 0)
            dram = 1;
        else if (nb < 2)
            bytes[nb++] = strtoull(argv[i], NULL, 10);
        else
            nb = 3;
    }
    if (threads < 1 || (!dram && nb != 2)) {
        fprintf(stderr, "usage: bwprobe [--threads N] [--seconds S] BYTES_IN BYTES_OUT | bwprobe [--threads N] --dram\n");
        return 2;
    }
    if (threads > 64)
        threads = 64;
    if (dram) {
        bytes[0] = bytes[1] = (size_t)1 << 30;
        if (seconds < 2.0)
            seconds = 2.0;
    }
    size_t nx = bytes[0] / sizeof(float), ny = bytes[1] / sizeof(float);
    probe p = {.nt = threads, .x = alloc_floats(nx), .y = alloc_floats(ny), .nx = nx, .ny = ny};
    pthread_t tid[64];
    worker_arg wa[64];
    pthread_barrier_init(&p.start, NULL, (unsigned)threads);
    pthread_barrier_init(&p.mid, NULL, (unsigned)threads);
    pthread_barrier_init(&p.end, NULL, (unsigned)threads);
    for (int t = 1; t < threads; t++) {
        wa[t] = (worker_arg){&p, t};
        pthread_create(&tid[t], NULL, worker, &wa[t]);
    }
    double tr, tw, tb;
    measure(&p, seconds, &tr, &tw, &tb);
    p.stop = 1;
    if (threads > 1)
        pthread_barrier_wait(&p.start);
    for (int t = 1; t < threads; t++)
        pthread_join(tid[t], NULL);
    const double in_b = (double)nx * sizeof(float), out_b = (double)ny * sizeof(float);
    if (dram)
        printf("{\"threads\": %d, \"buffer_bytes\": %.0f, \"read_gbs\": %.2f, \"write_gbs\": %.2f, "
               "\"read_write_gbs\": %.2f}\n",
               threads, in_b, in_b / tr * 1e-9, out_b / tw * 1e-9, (in_b + out_b) / tb * 1e-9);
    else
        printf("{\"threads\": %d, \"bytes_in\": %.0f, \"bytes_out\": %.0f, \"floor_us\": %.3f, \"read_us\": %.3f, "
               "\"write_us\": %.3f, \"read_gbs\": %.2f, \"write_gbs\": %.2f}\n",
               threads, in_b, out_b, tb * 1e6, tr * 1e6, tw * 1e6, tr > 0 ? in_b / tr * 1e-9 : 0.0,
               tw > 0 ? out_b / tw * 1e-9 : 0.0);
    free((void *)p.x);
    free(p.y);
    return 0;
}
