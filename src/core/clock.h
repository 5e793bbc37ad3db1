/* Clock: seconds on a monotonic clock, for progress and timing messages only. */
#ifndef PM_CORE_CLOCK_H
#define PM_CORE_CLOCK_H

#include <time.h>

/* Seconds since an arbitrary point (CLOCK_MONOTONIC); never goes back.  Thread-safe.
 * Outputs never depend on it: it times what partymap reports, nothing it writes. */
static inline double pm_clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
