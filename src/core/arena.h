/* Arena: a bump allocator for short-lived geometry and label work, reset per page or metatile. */
#ifndef PM_CORE_ARENA_H
#define PM_CORE_ARENA_H

#include <stddef.h>

/* Owned by one thread at a time.  Blocks are kept across resets, so steady-state
 * rendering allocates nothing. */
typedef struct pm_arena_block pm_arena_block;
typedef struct {
    pm_arena_block *head; /* current block (most recent) */
    size_t block_size;    /* default size of new blocks */
} pm_arena;

void pm_arena_init(pm_arena *a, size_t block_size);
/* Frees every block. Accepts a zeroed arena. */
void pm_arena_fini(pm_arena *a);
/* Returns 16-byte-aligned memory owned by the arena, valid until the next reset or
 * fini; NULL when n is absurd or allocation fails. */
void *pm_arena_alloc(pm_arena *a, size_t n);
/* Like pm_arena_alloc for count elements of size, checking the multiplication. */
void *pm_arena_array(pm_arena *a, size_t count, size_t size);
/* Forgets all allocations but keeps the largest block for reuse. */
void pm_arena_reset(pm_arena *a);

#endif
