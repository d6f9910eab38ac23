/* trap.c: sb_map executes `unreachable`, a trap. */

#include "fixture.h"

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    __builtin_trap();
}
