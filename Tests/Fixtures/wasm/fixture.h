/*
 * fixture.h: what the test modules share, so each file holds only the behaviour it tests.
 *
 * sb_alloc hands out the start of the heap, growing memory to fit the input. If memory cannot grow, the pointer is
 * returned anyway: the input does not fit there, and the host fails the call instead of writing it.
 * sb_init accepts any configuration, unless the module defines FIXTURE_OWN_INIT and writes its own.
 * result() packs sb_map's answer: the pointer in the high 32 bits, the length in the low 32.
 */
extern unsigned char __heap_base;

__attribute__((export_name("sb_alloc")))
int sb_alloc(int len) {
    unsigned base = ((unsigned)(__SIZE_TYPE__)&__heap_base + 7) & ~7u;
    unsigned long long end = (unsigned long long)base + (unsigned)len;
    unsigned long long have = (unsigned long long)__builtin_wasm_memory_size(0) * 65536;
    if (end > have) __builtin_wasm_memory_grow(0, (__SIZE_TYPE__)((end - have + 65535) / 65536));
    return (int)base;
}

#ifndef FIXTURE_OWN_INIT
__attribute__((export_name("sb_init")))
int sb_init(int ptr, int len) {
    (void)ptr;
    (void)len;
    return 0;
}
#endif

static inline long long result(const char *p, unsigned n) {
    return (long long)(((unsigned long long)(__SIZE_TYPE__)p << 32) | n);
}
