/* loop.c: a Switchboard Wasm plugin whose sb_map never returns (the host's fuel limit has to stop it). */

/*
 * The input goes at the start of the heap; memory grows to fit it. If it cannot, the pointer is returned anyway:
 * the input does not fit in memory there, and the host fails the call instead of writing it.
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

__attribute__((export_name("sb_init")))
int sb_init(int ptr, int len) {
    (void)ptr;
    (void)len;
    return 0;
}

static volatile unsigned counter; /* volatile: the loop stays in the module as written */

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    (void)ptr;
    (void)len;
    for (;;) counter++;
}
