/* loop.c: a Switchboard Wasm plugin whose sb_map never returns (the host's fuel limit has to stop it). */

#include "fixture.h"

static volatile unsigned counter; /* volatile: the loop stays in the module as written */

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    for (;;) counter++;
}
