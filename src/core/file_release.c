/* file_release.c: the page-releasing thread of a file view (see file_release.h). */
#include "core/file_release.h"

#include <string.h>
#include <time.h>

static void *release_loop(void *arg)
{
    onr_file_releaser *r = arg;
    const struct timespec period = {0, 1000000}; /* 1 ms: ~5 MB of memcpy at memory speed */
    while (!atomic_load_explicit(&r->stop, memory_order_acquire)) {
        onr_file_view_drop(r->view);
        nanosleep(&period, NULL);
    }
    return NULL;
}

void onr_file_releaser_start(onr_file_releaser *r, const onr_file_view *v)
{
    memset(r, 0, sizeof *r);
    atomic_init(&r->stop, 0);
    r->view = v;
    if (!v || !v->map || v->map_len < ONR_FILE_RELEASE_MIN)
        return;
    r->running = pthread_create(&r->thread, NULL, release_loop, r) == 0;
}

void onr_file_releaser_stop(onr_file_releaser *r)
{
    if (!r->running)
        return;
    atomic_store_explicit(&r->stop, 1, memory_order_release);
    pthread_join(r->thread, NULL);
    r->running = 0;
}
