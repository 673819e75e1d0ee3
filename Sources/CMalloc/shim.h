#ifndef LINLI_CMALLOC_SHIM_H
#define LINLI_CMALLOC_SHIM_H

/* glibc's malloc tuning (mallopt), which Swift's Glibc module does not export: the daemon fixes the mapping
   threshold (LinliDaemon's AllocatorSettings). */
#include <malloc.h>

#endif
