/* Cancellation: SIGINT and SIGTERM ask a run to stop cleanly. */
#ifndef PM_CORE_CANCEL_H
#define PM_CORE_CANCEL_H

/* Installs handlers for SIGINT and SIGTERM that only record the request (the one
 * piece of process-wide state partymap keeps, as a signal handler must).  Work
 * loops poll pm_cancelled() and unwind through their normal failure paths, which
 * remove temporaries; a second signal terminates at once, unless it comes within
 * PM_CANCEL_REPEAT_MS of the first (one request delivered twice: timeout(1) signals
 * the process, then its process group).  Call once from main. */
void pm_cancel_install(void);

#define PM_CANCEL_REPEAT_MS 250

/* The signal that asked to stop (SIGINT or SIGTERM), or 0. Async-signal-safe. */
int pm_cancelled(void);

#endif
