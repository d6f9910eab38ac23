/* clock.c: sb_map returns one event whose event_id is switchboard.now_ms() in decimal, and logs a line. */

#include "fixture.h"

__attribute__((import_module("switchboard"), import_name("now_ms"))) long long now_ms(void);
__attribute__((import_module("switchboard"), import_name("log"))) void sb_log(int level, const char *ptr, int len);

static char out[160];

static int append(int at, const char *text) {
    while (*text) out[at++] = *text++;
    return at;
}

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    char digits[24];
    int count = 0;
    unsigned long long now = (unsigned long long)now_ms();
    do {
        digits[count++] = (char)('0' + now % 10);
        now /= 10;
    } while (now && count < 24);
    int at = append(0, "{\"events\":[{\"event_id\":\"");
    while (count) out[at++] = digits[--count];
    at = append(at, "\",\"content_type\":\"text/plain\",\"body\":\"tick\"}]}");
    sb_log(1, "clock read", 10);
    return (long long)(((unsigned long long)(__SIZE_TYPE__)out << 32) | (unsigned)at);
}
