/* Arena allocator: chained blocks, bump pointer, reset keeps one block. */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>

struct pm_arena_block {
    pm_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define ARENA_MAX ((size_t)1 << 40)

void pm_arena_init(pm_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
}

void pm_arena_fini(pm_arena *a)
{
    pm_arena_block *b = a->head;
    while (b) {
        pm_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

void *pm_arena_alloc(pm_arena *a, size_t n)
{
    if (n > ARENA_MAX) return NULL;
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    pm_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t sz = a->block_size > n ? a->block_size : n;
        b = malloc(sizeof *b + sz);
        if (!b) return NULL;
        b->size = sz;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *pm_arena_array(pm_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    return pm_arena_alloc(a, count * size);
}

void pm_arena_reset(pm_arena *a)
{
    pm_arena_block *keep = NULL, *b = a->head;
    while (b) {
        pm_arena_block *n = b->next;
        if (!keep || b->size > keep->size) {
            free(keep);
            keep = b;
        } else {
            free(b);
        }
        b = n;
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
}
