/* libFuzzer target: the PMTiles and MBTiles readers that merge uses, on arbitrary
 * bytes, each input given to both (each must refuse the other's format).  The input
 * lives in a memfd, read through /proc/self/fd (SQLite needs a path).  Seeds: the
 * hostile packages of gen_packages.py, which `make fuzz` writes into the corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tiles/sink.h"

static pm_status count(void *ctx, int z, uint32_t x, uint32_t y, const unsigned char *d, size_t len)
{
    (void)z; (void)x; (void)y;
    /* touch the bytes, so a read past a tile's end shows */
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++) sum += d[i];
    *(unsigned *)ctx += sum | 1;
    return PM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("package", MFD_CLOEXEC);
    if (fd < 0) return 0;
    for (size_t done = 0; done < size;) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) { close(fd); return 0; }
        done += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    pm_readlimits lim = { 100000 }; /* every tile is given: keep an input fast */
    for (size_t i = 0; i < pm_sink_nformats; i++) {
        const pm_sinkformat *f = &pm_sink_formats[i];
        if (!f->read) continue;
        pm_sinkinfo info;
        char *err = NULL;
        unsigned sum = 0;
        f->read(path, &lim, &info, count, &sum, &err);
        pm_sink_info_fini(&info);
        free(err);
    }
    close(fd);
    return 0;
}
