/* libFuzzer target: the style parser must reject anything without crashing. */
#include <stddef.h>
#include <stdint.h>

#include "style/style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_style *s = NULL;
    if (pm_style_parse("fuzz.json", (const char *)data, size, &d, &s) == PM_OK) pm_style_free(s);
    pm_diag_fini(&d);
    return 0;
}
