/* Cancellation flag set by SIGINT/SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include "core/cancel.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested;

static void on_signal(int sig)
{
    if (requested) { /* asked twice: stop now, with the default action */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    requested = sig;
}

void pm_cancel_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int pm_cancelled(void)
{
    return requested;
}
