/* libFuzzer target: the project-file parser must reject anything without crashing. */
#include <stddef.h>
#include <stdint.h>

#include "data/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    if (pm_config_parse("fuzz.json", "/nonexistent", (const char *)data, size, &d, &c) == PM_OK)
        pm_config_free(c);
    pm_diag_fini(&d);
    return 0;
}
