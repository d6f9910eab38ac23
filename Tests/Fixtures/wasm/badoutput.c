/* badoutput.c: sb_map returns text that is in memory but is not JSON. */

#include "fixture.h"

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    static const char text[] = "this is not json";
    (void)ptr;
    (void)len;
    return result(text, sizeof text - 1);
}
