#ifndef LINLI_CZLIB_SHIM_H
#define LINLI_CZLIB_SHIM_H

/* zlib (Debian zlib1g-dev), found through pkg-config "zlib": the inbox journal's record checksums use its
   crc32, which processes several bytes a step where a byte-at-a-time table does one. */
#include <zlib.h>

#endif
