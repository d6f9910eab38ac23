/*
 * membomb.c: sb_map grows memory one page at a time, as a careless allocator would, until memory.grow refuses
 * (returns -1), then writes to the page it wanted as if it had got it. With the host's memory limit in force the
 * refusal comes at the limit and the write traps (out of bounds): the event is a plugin_error. If memory got past
 * 64 MiB the limit failed: it stops there (rather than taking the 4 GiB a wasm32 memory can reach) and returns
 * an event with event_id "bomb-succeeded".
 */

#include "fixture.h"

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    static const char bombed[] = "{\"events\":[{\"event_id\":\"bomb-succeeded\",\"content_type\":\"application/json\","
                                 "\"body\":\"{}\"}]}";
    const __SIZE_TYPE__ limit_pages = 64 * 16; /* 64 MiB */
    (void)ptr;
    (void)len;
    for (;;) {
        __SIZE_TYPE__ pages = __builtin_wasm_memory_size(0);
        if (pages > limit_pages) return result(bombed, sizeof bombed - 1);
        if (__builtin_wasm_memory_grow(0, 1) == (__SIZE_TYPE__)-1) {
            /* The careless part: use the page that was never granted. */
            volatile unsigned char *page = (volatile unsigned char *)(pages * 65536);
            page[0] = 1;
            return result(bombed, sizeof bombed - 1);
        }
    }
}
