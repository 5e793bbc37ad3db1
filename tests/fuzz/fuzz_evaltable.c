/* libFuzzer target: the evaluation-table reader (OGR CSV + partymap's decoding) on
 * arbitrary bytes, through a file in memory (GDAL's /vsimem/ is not used, to read
 * the way users' files are read). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "data/vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/pm-fuzz-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    pm_source s;
    memset(&s, 0, sizeof s);
    s.path = path;
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer l;
    pm_vlayer_read(&s, PM_READ_TABLE, &d, &l);
    pm_vlayer_fini(&l);
    s.encoding = "GBK";
    pm_vlayer_read(&s, PM_READ_TABLE, &d, &l);
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
    unlink(path);
    return 0;
}
