/*
 * hmacloop.c: sb_map hashes its whole memory with switchboard.hmac, over and over. The loop itself costs a few
 * instructions a turn; the host charges each hmac call one unit of fuel per byte hashed, so the call runs out of
 * fuel quickly instead of keeping a host thread busy for minutes.
 */

#include "fixture.h"

__attribute__((import_module("switchboard"), import_name("hmac")))
int hmac(int alg, int key_ptr, int key_len, int msg_ptr, int msg_len, int out_ptr);

static unsigned char digest[64];

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    int size = (int)(__builtin_wasm_memory_size(0) * 65536);
    for (;;) {
        hmac(2, 0, 32, 0, size, (int)(__SIZE_TYPE__)digest);
    }
}
