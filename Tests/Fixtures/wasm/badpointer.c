/* badpointer.c: sb_map returns pointer 0xFFFFFF00 and length 4096, far outside the module's memory. */

#include "fixture.h"

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    return (long long)((0xFFFFFF00ull << 32) | 4096u);
}
