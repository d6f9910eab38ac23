/* refuse.c: sb_init returns 7, refusing any configuration (loading and `validate` must fail). */

#define FIXTURE_OWN_INIT
#include "fixture.h"

__attribute__((export_name("sb_init")))
int sb_init(int ptr, int len) {
    (void)ptr;
    (void)len;
    return 7;
}

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    static const char nothing[] = "{\"events\":[]}";
    (void)ptr;
    (void)len;
    return result(nothing, sizeof nothing - 1);
}
