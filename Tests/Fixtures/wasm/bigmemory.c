/*
 * bigmemory.c: a 20 MiB static array makes the module's initial memory about 21 MiB, above the default
 * 16 MiB limit: loading (and `validate`) has to fail. Otherwise valid.
 */

#include "fixture.h"

static unsigned char big[20 << 20];

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    static const char nothing[] = "{\"events\":[]}";
    volatile unsigned char *touch = big; /* a volatile store keeps the array */
    (void)ptr;
    touch[(unsigned)len % sizeof big] = 1;
    return result(nothing, sizeof nothing - 1);
}
