/* Cancellation flag set by SIGINT/SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include "core/cancel.h"

#include <signal.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t requested;
static volatile long long first_ms; /* when the first signal came; written before requested */

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* async-signal-safe */
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
    if (!requested) {
        first_ms = now_ms();
        requested = sig;
        return;
    }
    /* asked again: stop now, with the default action, unless it is the same request
     * delivered twice (timeout(1) signals the process and then its whole group) */
    if (now_ms() - first_ms < PM_CANCEL_REPEAT_MS) return;
    signal(sig, SIG_DFL);
    raise(sig);
}

void pm_cancel_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT); /* one handler at a time */
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int pm_cancelled(void)
{
    return requested;
}
