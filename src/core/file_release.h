/* file_release.h: releases a mapped file view's pages from a thread of its own, every millisecond,
 * while a decoder reads the view. Releasing between the decoder's allocations (graph/pb_alloc.c) cannot
 * reach inside one long copy: protobuf-c copies vgg11's 411 MB fc6 weight (81% of the file) in one
 * memcpy, and without this thread its source pages and its copy are resident together (peak 1.63x the
 * file instead of ~1.1x). Releasing is always safe for a private read-only mapping: a page the decoder
 * touches again refaults from the page cache with the same bytes. */
#ifndef ONR_CORE_FILE_RELEASE_H
#define ONR_CORE_FILE_RELEASE_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/file.h"

/* Views smaller than this are left to the decoder's own releases: a thread is not worth it. */
#define ONR_FILE_RELEASE_MIN ((size_t)32 << 20)

typedef struct onr_file_releaser {
    const onr_file_view *view;
    pthread_t thread;
    atomic_int stop;
    int running;
} onr_file_releaser;

/* Best effort: for a mapped view of ONR_FILE_RELEASE_MIN bytes or more starts the thread; when the
 * thread cannot be created nothing happens (the load only uses more memory). */
void onr_file_releaser_start(onr_file_releaser *r, const onr_file_view *v);
/* Stops and joins the thread (no-op if it never started). */
void onr_file_releaser_stop(onr_file_releaser *r);

#endif
