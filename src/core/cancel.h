/* Cancellation: SIGINT and SIGTERM ask a run to stop cleanly. */
#ifndef PM_CORE_CANCEL_H
#define PM_CORE_CANCEL_H

/* Installs handlers for SIGINT and SIGTERM that only record the request (the one
 * piece of process-wide state partymap keeps, as a signal handler must).  Work
 * loops poll pm_cancelled() and unwind through their normal failure paths, which
 * remove temporaries; a second signal terminates at once.  Call once from main. */
void pm_cancel_install(void);

/* The signal that asked to stop (SIGINT or SIGTERM), or 0. Async-signal-safe. */
int pm_cancelled(void);

#endif
