/* Thread pool: a parallel loop over work items with a fixed number of worker threads. */
#ifndef PM_CORE_POOL_H
#define PM_CORE_POOL_H

#include <stddef.h>
#include "core/status.h"

/* Called once per item on some worker; worker is 0..jobs-1 and identifies the
 * per-worker state (text engine, surfaces) the callback may use without locking.
 * Returning non-OK stops the loop: workers take no new items. */
typedef pm_status (*pm_pool_fn)(void *ctx, size_t worker, size_t item);

/* Runs fn for items 0..n-1 on `jobs` threads (the calling thread is one of them;
 * jobs 1 runs inline).  Items are handed out in increasing order; after SIGINT or
 * SIGTERM (core/cancel.h) no new item starts and the call returns PM_ECANCEL.  Returns the
 * first non-OK status by item order among the failures seen, or PM_OK.  The pool
 * keeps no state between calls. */
pm_status pm_pool_run(size_t jobs, size_t n, pm_pool_fn fn, void *ctx);

/* The number of online processors (at least 1). */
size_t pm_pool_cores(void);

#endif
