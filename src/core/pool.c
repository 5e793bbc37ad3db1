/* Thread pool: workers pull item indices from an atomic counter. */
#include "core/pool.h"

#include "core/cancel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    pm_pool_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
    atomic_int stop;
    pthread_mutex_t lock;
    pm_status first;
    size_t first_item;
} loop;

typedef struct {
    loop *l;
    size_t worker;
} worker_arg;

static void *work(void *arg)
{
    worker_arg *w = arg;
    loop *l = w->l;
    while (!atomic_load(&l->stop)) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n) break;
        pm_status st = pm_cancelled() ? PM_ECANCEL : l->fn(l->ctx, w->worker, i);
        if (st) {
            pthread_mutex_lock(&l->lock);
            if (!l->first || i < l->first_item) { l->first = st; l->first_item = i; }
            pthread_mutex_unlock(&l->lock);
            atomic_store(&l->stop, 1);
        }
    }
    return NULL;
}

pm_status pm_pool_run(size_t jobs, size_t n, pm_pool_fn fn, void *ctx)
{
    if (jobs < 1) jobs = 1;
    if (jobs > n) jobs = n ? n : 1;
    loop l = { .fn = fn, .ctx = ctx, .n = n, .first = PM_OK };
    atomic_init(&l.next, 0);
    atomic_init(&l.stop, 0);
    pthread_mutex_init(&l.lock, NULL);
    pthread_t *th = calloc(jobs, sizeof *th);
    worker_arg *args = calloc(jobs, sizeof *args);
    pm_status st = PM_OK;
    size_t started = 0;
    if (!th || !args) { st = PM_ENOMEM; goto done; }
    for (size_t w = 1; w < jobs; w++) {
        args[w] = (worker_arg){ &l, w };
        if (pthread_create(&th[w], NULL, work, &args[w]) != 0) break;
        started = w;
    }
    args[0] = (worker_arg){ &l, 0 };
    work(&args[0]);
    for (size_t w = 1; w <= started; w++) pthread_join(th[w], NULL);
    st = l.first;
done:
    pthread_mutex_destroy(&l.lock);
    free(th);
    free(args);
    return st;
}

size_t pm_pool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}
