#ifndef LINLI_CPREFETCH_SHIM_H
#define LINLI_CPREFETCH_SHIM_H

/* A hint that `address` is about to be read and written: the cache line is fetched while other work goes on. The
   engine uses it for an event's per-device states, which sit at random places in tables of 100,000 and would
   otherwise stall the rule that touches them. Never faults, whatever the address. */
static inline void linli_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
