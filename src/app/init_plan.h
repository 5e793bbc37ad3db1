/* partymap init's guesses: which file is which source, the field mapping and the CRS
 * advice, as a commented config (JSON text) and plain-text notes for the user. */
#ifndef PM_APP_INIT_PLAN_H
#define PM_APP_INIT_PLAN_H

#include <stddef.h>
#include "core/status.h"
#include "data/probe.h"

typedef struct {
    char *config;      /* the config as JSON text, with "_comment" and "_todo" notes (owned) */
    char **found;      /* one line per probe: what it was taken for (owned, nprobes entries) */
    size_t nfound;
    char **todo;       /* what the user must still set or confirm, one sentence each (owned) */
    size_t ntodo;
    char **maps;       /* map ids the config names: their style files go beside it (owned) */
    size_t nmaps;
} pm_init_plan;

/* Guesses a config for the n probed files.  config_dir is the folder the config is
 * written to (file paths are made relative to it); dir is the folder that was read
 * (its base name is the fallback area name).  Returns PM_OK or PM_ENOMEM; out is
 * initialised by the call and owned by the caller (pm_init_plan_fini). */
pm_status pm_init_guess(const pm_probe *probes, size_t n, const char *config_dir,
                        const char *dir, pm_init_plan *out);
void pm_init_plan_fini(pm_init_plan *p);

#endif
