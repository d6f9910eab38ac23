/*
 * acme.c: a Switchboard `plugin: wasm` module for (fictional) Acme CRM webhooks. An example to copy.
 *
 *   sb_init    reads the integration's `config` ({"secret":"...","field":"ticket.conv"}) and keeps copies.
 *   sb_verify  checks the X-Acme-Signature header: "sha256=" + hex of HMAC-SHA256(secret, raw body).
 *   sb_map     takes the event id from the body at the dotted path `field` and posts a smaller body:
 *                {"cid":"<id>","type":"<the body's type>","ticket":<the body's ticket value>}
 *              A body whose top-level "type" is "ping" produces no event.
 *
 * Build (no libc, no WASI; see README.md next to this file):
 *   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--stack-first -o acme.wasm acme.c
 *
 * The ABI is described in Plugins/Wasm/README.md of the Switchboard repository. In short: before each call the
 * host asks sb_alloc for space, writes the call's input (JSON) there, then calls sb_init, sb_verify or sb_map
 * with its pointer and length. sb_map returns (pointer << 32 | length) of its output JSON, which has to stay
 * valid until the next call into the module.
 *
 * All input comes from outside. Every read below is checked against the length it was given, nothing recurses,
 * and a failed memory.grow is handled, so no input, however malformed, makes the module trap.
 *
 * Every Wasm instruction costs fuel (the host's `fuel` option, 50,000,000 per call by default), so the loops
 * that touch every byte are written to be cheap: strings are scanned 8 bytes at a time where they are plain
 * ASCII, and copies use memory.copy.
 */

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef long long i64;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ usize; /* 32 bits on wasm32: pointers and sizes */

/* ---- Imports from the host (module "switchboard") ---------------------------------------------------- */

/* Writes HMAC(alg, key, msg) to out (room for 64 bytes) and returns its length; alg 2 is SHA-256. */
__attribute__((import_module("switchboard"), import_name("hmac")))
extern i32 host_hmac(i32 alg, const u8 *key, i32 key_len, const u8 *msg, i32 msg_len, u8 *out);

/* Writes a line to Switchboard's log. Levels: 0 debug, 1 info, 2 warning, 3 error. */
__attribute__((import_module("switchboard"), import_name("log")))
extern void host_log(i32 level, const char *text, i32 len);

/* ---- Small helpers (there is no libc) ---------------------------------------------------------------- */

/* A run of bytes: a JSON value's text, a decoded string, the body. */
typedef struct {
    const u8 *p;
    u32 n;
} Span;

/* A string literal as a Span: its length is known when compiling (there is no strlen). */
#define TEXT(literal) ((Span){(const u8 *)(literal), sizeof(literal) - 1})

static const Span NOTHING = {0, 0};

/* memory.copy, one instruction whatever the length (clang's default wasm32 target has bulk memory). */
static void copy_bytes(u8 *dst, const u8 *src, u32 n) { __builtin_memcpy(dst, src, n); }

static int bytes_equal(const u8 *a, const u8 *b, u32 n) {
    for (u32 i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static int span_is(Span s, Span text) { return s.n == text.n && bytes_equal(s.p, text.p, text.n); }

static void log_text(i32 level, Span text) { host_log(level, (const char *)text.p, (i32)text.n); }

/*
 * Eight bytes at a time. load8 reads 8 bytes at p (the caller checked they are there; Wasm is little-endian,
 * so the byte at p is the lowest). The masks set the top bit of each byte that matches; a byte above a match
 * may be marked too (a borrow), but the lowest marked byte always is a match, and that is the one used.
 */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static u64 load8(const u8 *p) {
    u64 x;
    __builtin_memcpy(&x, p, 8);
    return x;
}

static u64 zero_bytes(u64 x) { return (x - ONES) & ~x & HIGHS; }
static u64 bytes_of(u64 x, u8 b) { return zero_bytes(x ^ (ONES * b)); }
static u64 bytes_below(u64 x, u8 n) { return (x - ONES * n) & ~x & HIGHS; } /* n <= 128 */
static u32 first_marked(u64 mask) { return (u32)__builtin_ctzll(mask) / 8; }

/* Bytes that end a run of plain string text: '"', '\\', controls, and everything from 0x80 (UTF-8). */
static u64 string_specials(u64 x) { return bytes_of(x, '"') | bytes_of(x, '\\') | bytes_below(x, 0x20) | (x & HIGHS); }

/* Bytes that JSON string escaping changes: '"', '\\' and controls. */
static u64 escape_specials(u64 x) { return bytes_of(x, '"') | bytes_of(x, '\\') | bytes_below(x, 0x20); }

/* ---- Memory --------------------------------------------------------------------------------------------
 *
 * Linear memory above __heap_base (defined by the linker: the end of the stack and static data) holds two
 * regions, one after the other:
 *
 *   [heap start, input_end)   the current call's input, handed out by sb_alloc
 *   [input_end, arena_top)    an arena for what the call computes: decoded strings, then the output
 *
 * The host calls sb_alloc exactly once before every sb_init / sb_verify / sb_map, and the previous call's
 * output is no longer needed by then, so sb_alloc starts both regions afresh. Each sb_* call empties the arena
 * when it starts. Memory grows (memory.grow) when a region needs more; when the host's memory limit stops it,
 * allocation fails, `out_of_memory` is set, and the call returns an error instead of trapping.
 */

#define PAGE 65536u

extern u8 __heap_base;

static u32 input_end;     /* 0 until the first sb_alloc */
static u32 arena_top;     /* the arena's next free byte */
static int out_of_memory; /* set when an allocation failed during this call */

static u32 align8(u64 x) { return (u32)((x + 7) & ~(u64)7); }

static u32 heap_start(void) { return align8((usize)&__heap_base); }

static u64 memory_bytes(void) { return (u64)__builtin_wasm_memory_size(0) * PAGE; }

/* Makes linear memory at least `end` bytes long; 0 when it cannot grow that far. */
static int reserve(u64 end) {
    u64 have = memory_bytes();
    if (end <= have) return 1;
    if (end > 0xFFFF0000ull) return 0;
    u64 pages = (end - have + PAGE - 1) / PAGE;
    return __builtin_wasm_memory_grow(0, (usize)pages) != (usize)-1;
}

/* n bytes from the arena (at least one byte is reserved, so even an empty allocation is a valid address). */
static u8 *alloc(u32 n) {
    u64 end = (u64)arena_top + (n ? n : 1);
    if (!reserve(end)) {
        out_of_memory = 1;
        return 0;
    }
    u8 *p = (u8 *)(usize)arena_top;
    arena_top = align8(end);
    return p;
}

/* Starts an sb_* call: empties the arena and returns the input. An input outside memory reads as empty. */
static Span begin_call(i32 ptr, i32 len) {
    Span in = {(const u8 *)(usize)(u32)ptr, (u32)len};
    u64 end = (u64)(u32)ptr + (u32)len;
    if (len < 0 || end > memory_bytes()) in.n = 0;
    if (input_end < heap_start()) input_end = heap_start();
    arena_top = input_end;
    /* An input the host placed somewhere else above the heap must not be overwritten by the arena. */
    if (in.n > 0 && (u32)ptr >= heap_start() && end > arena_top) arena_top = align8(end);
    out_of_memory = 0;
    return in;
}

/*
 * Space for the input of the next call: always the start of the heap. When memory cannot grow to hold the
 * input there, the pointer is returned all the same: the input then does not fit in memory, and the host fails
 * the call (plugin_error, cause memory) instead of writing it. (Returning 0 would not do: address 0 is memory
 * too, the bottom of the stack, and an input small enough would be written there.)
 */
__attribute__((export_name("sb_alloc")))
i32 sb_alloc(i32 len) {
    u32 base = heap_start();
    u64 end = (u64)base + (u32)len;
    if (!reserve(end)) end = memory_bytes();
    input_end = arena_top = align8(end);
    return (i32)base;
}

/* ---- Output buffer -------------------------------------------------------------------------------------
 *
 * A Buf grows at the top of the arena, so nothing else may be allocated between buf_begin and buf_end.
 * `cap` is how far it may grow before memory has to grow. Writes after a failed growth are dropped and `ok`
 * stays 0.
 */

typedef struct {
    u8 *base;
    u32 len;
    u32 cap;
    int ok;
} Buf;

static void buf_begin(Buf *b) {
    b->base = (u8 *)(usize)arena_top;
    b->len = 0;
    b->cap = (u32)(memory_bytes() - arena_top);
    b->ok = 1;
}

/* Room for n more bytes; 0 (and ok = 0) when memory cannot grow that far. */
static int room(Buf *b, u32 n) {
    if (b->ok && b->cap - b->len >= n) return 1;
    if (!b->ok || !reserve((u64)(usize)b->base + b->len + n)) {
        b->ok = 0;
        out_of_memory = 1;
        return 0;
    }
    b->cap = (u32)(memory_bytes() - (usize)b->base);
    return 1;
}

static void put(Buf *b, const void *src, u32 n) {
    if (n == 0 || !room(b, n)) return;
    copy_bytes(b->base + b->len, (const u8 *)src, n);
    b->len += n;
}

static void put_span(Buf *b, Span s) { put(b, s.p, s.n); }

/* Ends the buffer (its bytes stay in the arena) and returns them. */
static Span buf_end(Buf *b) {
    arena_top = align8((u64)(usize)b->base + b->len);
    Span s = {b->base, b->len};
    return s;
}

/*
 * Writes s with JSON string escapes (no quotes). s must be UTF-8, which passes through as it is. Works in
 * chunks of up to 1 KiB: room for the chunk's worst case (every byte a 6-byte \u escape), then a loop that
 * copies up to eight bytes at once, as far as the next byte that needs an escape.
 */
static void put_escaped(Buf *b, Span s) {
    static const char hex[] = "0123456789abcdef";
    const u8 *p = s.p, *end = s.p + s.n;
    while (p < end) {
        u32 chunk = end - p < 1024 ? (u32)(end - p) : 1024;
        if (!room(b, chunk * 6)) return;
        const u8 *stop = p + chunk;
        u8 *o = b->base + b->len;
        while (p < stop) {
            if (stop - p >= 8) {
                /* Eight bytes are copied (there is room); only those before the first special one count. */
                u64 x = load8(p), marks = escape_specials(x);
                u32 plain = marks ? first_marked(marks) : 8;
                __builtin_memcpy(o, &x, 8);
                p += plain;
                o += plain;
                if (plain == 8) continue;
            }
            u8 ch = *p++;
            if (ch >= 0x20 && ch != '"' && ch != '\\') {
                *o++ = ch;
                continue;
            }
            *o++ = '\\';
            switch (ch) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '\n': *o++ = 'n'; break;
            case '\r': *o++ = 'r'; break;
            case '\t': *o++ = 't'; break;
            default:
                o[0] = 'u', o[1] = '0', o[2] = '0', o[3] = (u8)hex[ch >> 4], o[4] = (u8)hex[ch & 15];
                o += 5;
            }
        }
        b->len = (u32)(o - b->base);
    }
}

/* Writes s as a JSON string, quotes included. */
static void put_string(Buf *b, Span s) {
    put(b, "\"", 1);
    put_escaped(b, s);
    put(b, "\"", 1);
}

/* sb_map's result: the pointer in the high 32 bits, the length in the low 32. */
static i64 result(const u8 *p, u32 n) { return (i64)(((u64)(usize)p << 32) | n); }

/* ---- A small JSON scanner ------------------------------------------------------------------------------
 *
 * Enough JSON for a plugin: it checks that text is well-formed JSON (RFC 8259, UTF-8 inside strings), walks
 * the members of an object or the elements of an array, and decodes strings. It builds no tree: a value is
 * the Span of its text, scanned again when it is looked into. Nesting deeper than MAX_DEPTH is refused
 * (Switchboard's own JSON bodies have the same limit).
 */

#define MAX_DEPTH 64

/* A position in JSON text. */
typedef struct {
    const u8 *p;
    const u8 *end;
} Cur;

/* A JSON string's text between its quotes; `esc` when it contains a backslash escape. */
typedef struct {
    const u8 *p;
    u32 n;
    int esc;
} Str;

/* A value found in an object or array: its text, and when it is a string, the string. */
typedef struct {
    Span text;
    int is_string;
    Str str;
} Value;

static const Value NO_VALUE = {{0, 0}, 0, {0, 0, 0}};

static Cur cursor(Span s) {
    Cur c = {s.p, s.p + s.n};
    return c;
}

static void skip_ws(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static int at(const Cur *c, u8 ch) { return c->p < c->end && *c->p == ch; }

static i32 hex_digit(u8 ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* The four hex digits at p (the caller checked there are four bytes), -1 if they are not hex. */
static i32 hex4(const u8 *p) {
    i32 v = 0;
    for (int i = 0; i < 4; i++) {
        i32 d = hex_digit(p[i]);
        if (d < 0) return -1;
        v = (v << 4) | d;
    }
    return v;
}

/* The length of the well-formed UTF-8 sequence starting with the byte >= 0x80 at p; 0 if there is none. */
static u32 utf8_sequence(const u8 *p, const u8 *end) {
    u8 lead = p[0], lo = 0x80, hi = 0xBF;
    u32 n;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        if (lead == 0xE0) lo = 0xA0; /* no overlong forms */
        if (lead == 0xED) hi = 0x9F; /* no surrogates */
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        if (lead == 0xF0) lo = 0x90; /* no overlong forms */
        if (lead == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if ((usize)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
    for (u32 i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* Scans the string at c (on its opening quote) and moves past it. 0 if it is not a well-formed string. */
static int scan_string(Cur *c, Str *out) {
    const u8 *start = c->p + 1, *p = start, *end = c->end;
    int esc = 0;
    while (p < end) {
        if (end - p >= 8) { /* eight plain ASCII bytes at once */
            u64 marks = string_specials(load8(p));
            if (marks == 0) {
                p += 8;
                continue;
            }
            p += first_marked(marks);
        }
        u8 ch = *p;
        if (ch == '"') {
            out->p = start;
            out->n = (u32)(p - start);
            out->esc = esc;
            c->p = p + 1;
            return 1;
        }
        if (ch == '\\') {
            esc = 1;
            if (end - p < 2) return 0;
            u8 e = p[1];
            if (e == 'u') {
                if (end - p < 6 || hex4(p + 2) < 0) return 0;
                p += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
                       e == 't') {
                p += 2;
            } else {
                return 0;
            }
        } else if (ch < 0x20) {
            return 0; /* control characters must be escaped */
        } else if (ch < 0x80) {
            p++;
        } else {
            u32 n = utf8_sequence(p, end);
            if (n == 0) return 0;
            p += n;
        }
    }
    return 0; /* no closing quote */
}

/* Writes the UTF-8 form of code point cp to o; returns its length. */
static u32 put_utf8(u8 *o, u32 cp) {
    if (cp < 0x80) {
        o[0] = (u8)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (u8)(0xC0 | (cp >> 6));
        o[1] = (u8)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (u8)(0xE0 | (cp >> 12));
        o[1] = (u8)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (u8)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (u8)(0xF0 | (cp >> 18));
    o[1] = (u8)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (u8)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (u8)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Decodes a scanned string's escapes into out (room for s.n bytes: decoding never makes text longer) and
 * returns the decoded length. A \u escape of a lone surrogate becomes U+FFFD, so the result is always UTF-8.
 */
static u32 unescape(Str s, u8 *out) {
    const u8 *p = s.p, *end = s.p + s.n;
    u8 *o = out;
    while (p < end) {
        if (end - p >= 8) {
            /* Eight bytes are copied (out is never ahead of p, so there is room); those before a backslash count. */
            u64 x = load8(p), marks = bytes_of(x, '\\');
            u32 plain = marks ? first_marked(marks) : 8;
            __builtin_memcpy(o, &x, 8);
            p += plain;
            o += plain;
            if (plain == 8) continue;
        } else if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        if (end - p < 2) break;
        u8 e = p[1];
        p += 2;
        switch (e) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            if (end - p < 4) return (u32)(o - out);
            i32 cp = hex4(p);
            if (cp < 0) return (u32)(o - out);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* A high surrogate: a low one has to follow as another \u escape. */
                i32 low = (end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4(p + 2) : -1;
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            o += put_utf8(o, (u32)cp);
            break;
        }
        default: *o++ = e; /* \" \\ \/ */
        }
    }
    return (u32)(o - out);
}

/* A string's decoded bytes: its own text when it has no escapes, else a decoded copy in the arena. */
static int decode(Str s, Span *out) {
    if (!s.esc) {
        out->p = s.p;
        out->n = s.n;
        return 1;
    }
    u8 *buf = alloc(s.n);
    if (!buf) return 0;
    out->p = buf;
    out->n = unescape(s, buf);
    return 1;
}

/* Whether a scanned string, decoded, is exactly `text`. */
static int str_is(Str s, Span text) {
    if (!s.esc) return s.n == text.n && bytes_equal(s.p, text.p, text.n);
    u32 mark = arena_top; /* the decoded copy is only needed here */
    Span d;
    int same = decode(s, &d) && span_is(d, text);
    arena_top = mark;
    return same;
}

static int literal(Cur *c, Span word) {
    if ((usize)(c->end - c->p) < word.n || !bytes_equal(c->p, word.p, word.n)) return 0;
    c->p += word.n;
    return 1;
}

static int digits(Cur *c) {
    const u8 *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') c->p++;
    return c->p > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(Cur *c) {
    if (at(c, '-')) c->p++;
    if (at(c, '0'))
        c->p++;
    else if (!digits(c))
        return 0;
    if (at(c, '.')) {
        c->p++;
        if (!digits(c)) return 0;
    }
    if (at(c, 'e') || at(c, 'E')) {
        c->p++;
        if (at(c, '+') || at(c, '-')) c->p++;
        if (!digits(c)) return 0;
    }
    return 1;
}

/* A string, number, true, false or null at c (after whitespace). */
static int scan_scalar(Cur *c) {
    Str s;
    u8 ch = *c->p;
    if (ch == '"') return scan_string(c, &s);
    if (ch == 't') return literal(c, TEXT("true"));
    if (ch == 'f') return literal(c, TEXT("false"));
    if (ch == 'n') return literal(c, TEXT("null"));
    return scan_number(c);
}

/* An object member's key and colon at c (after whitespace). */
static int scan_key(Cur *c, Str *key) {
    skip_ws(c);
    if (!at(c, '"') || !scan_string(c, key)) return 0;
    skip_ws(c);
    if (!at(c, ':')) return 0;
    c->p++;
    return 1;
}

/*
 * Checks the value at c (after optional whitespace) and moves past it. 0 if it is malformed or nests more
 * than `limit` (at most MAX_DEPTH) objects and arrays. A loop with its own small stack of open brackets, not
 * recursion: however deep the input, the call stack stays the same.
 */
static int skip_value(Cur *c, u32 limit) {
    u8 closers[MAX_DEPTH]; /* the bracket that closes each open object or array */
    u32 depth = 0;
    Str key;
    for (;;) {
        /* A value: a scalar, or the start of an object or array. */
        skip_ws(c);
        if (c->p >= c->end) return 0;
        u8 ch = *c->p;
        if (ch == '{' || ch == '[') {
            if (depth >= limit) return 0;
            closers[depth++] = ch == '{' ? '}' : ']';
            c->p++;
            skip_ws(c);
            if (!at(c, closers[depth - 1])) { /* not empty: its first item comes next */
                if (ch == '{' && !scan_key(c, &key)) return 0;
                continue;
            }
            c->p++;
            depth--;
        } else if (!scan_scalar(c)) {
            return 0;
        }
        /* After a value: close whatever ends here; then the next item, or the end of the outermost value. */
        for (;;) {
            if (depth == 0) return 1;
            skip_ws(c);
            if (at(c, closers[depth - 1])) {
                c->p++;
                depth--;
                continue;
            }
            if (!at(c, ',')) return 0;
            c->p++;
            if (closers[depth - 1] == '}' && !scan_key(c, &key)) return 0;
            break;
        }
    }
}

/* Walks the members of an object or the elements of an array: iter_open, then iter_next until it is not 1. */
typedef struct {
    Cur c;
    u8 close;  /* '}' or ']' */
    int state; /* 0 before the first item, 1 after an item, 2 done, 3 malformed */
} Iter;

/* Starts walking the object ('{') or array ('[') at the start of v. 0 if v is not one. */
static int iter_open(Iter *it, Span v, u8 open) {
    it->c = cursor(v);
    skip_ws(&it->c);
    if (!at(&it->c, open)) return 0;
    it->c.p++;
    it->close = open == '{' ? '}' : ']';
    it->state = 0;
    return 1;
}

/*
 * The next member (objects: key and value) or element (arrays: value; pass key = 0). Returns 1 with them set,
 * 0 when the closing bracket was reached, -1 when the text is malformed. Values are checked as they are
 * skipped, so walking an object to its end checks the whole of it.
 */
static int iter_next(Iter *it, Str *key, Value *value) {
    Cur *c = &it->c;
    if (it->state >= 2) return it->state == 2 ? 0 : -1;
    int first = it->state == 0;
    it->state = 3; /* until this item turns out well-formed */
    skip_ws(c);
    if (at(c, it->close)) {
        c->p++;
        it->state = 2;
        return 0;
    }
    if (!first) {
        if (!at(c, ',')) return -1;
        c->p++;
    }
    if (key && !scan_key(c, key)) return -1;
    skip_ws(c);
    const u8 *start = c->p;
    value->is_string = at(c, '"');
    /* The object or array walked is one level: its values may nest MAX_DEPTH - 1 more. */
    if (value->is_string ? !scan_string(c, &value->str) : !skip_value(c, MAX_DEPTH - 1)) return -1;
    value->text.p = start;
    value->text.n = (u32)(c->p - start);
    it->state = 1;
    return 1;
}

/* Whether only whitespace is left after the cursor. */
static int only_ws_left(Cur c) {
    skip_ws(&c);
    return c.p == c.end;
}

/*
 * The value at a dotted path below v: each segment is an object key, or an array index when it is a number
 * ("items.0.id"). The first match of a key wins. 0 when there is nothing at the path.
 */
static int lookup(Value v, Span path, Value *out) {
    u32 i = 0;
    while (i < path.n) {
        u32 j = i;
        while (j < path.n && path.p[j] != '.') j++;
        Span segment = {path.p + i, j - i};
        Iter it;
        Str key;
        Value item;
        int found = 0;
        if (iter_open(&it, v.text, '{')) {
            while (!found && iter_next(&it, &key, &item) == 1) found = str_is(key, segment);
        } else if (iter_open(&it, v.text, '[')) {
            u32 index = 0, k;
            if (segment.n == 0 || segment.n > 9) return 0;
            for (k = 0; k < segment.n; k++) {
                if (segment.p[k] < '0' || segment.p[k] > '9') return 0;
                index = index * 10 + (segment.p[k] - '0');
            }
            for (k = 0; !found && iter_next(&it, 0, &item) == 1; k++) found = k == index;
        }
        if (!found) return 0;
        v = item;
        i = j + 1;
    }
    *out = v;
    return 1;
}

/* ---- Base64 (RFC 4648, standard alphabet; trailing '=' optional) ------------------------------------- */

static signed char b64_table[256];
static int b64_ready;

static void b64_init(void) {
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 256; i++) b64_table[i] = -1;
    for (int i = 0; i < 64; i++) b64_table[(u8)alphabet[i]] = (signed char)i;
    b64_ready = 1;
}

/* Decodes base64 text into out (room for text.n / 4 * 3 + 2 bytes). 0 if it is not base64. */
static int b64_decode(Span text, u8 *out, u32 *out_len) {
    const u8 *s = text.p;
    u32 n = text.n, o = 0;
    if (!b64_ready) b64_init();
    if (n > 0 && s[n - 1] == '=') n--;
    if (n > 0 && s[n - 1] == '=') n--;
    if (n % 4 == 1) return 0;
    const u8 *end = s + n;
    for (; end - s >= 4; s += 4) {
        i32 a = b64_table[s[0]], b = b64_table[s[1]], c = b64_table[s[2]], d = b64_table[s[3]];
        if ((a | b | c | d) < 0) return 0;
        u32 v = ((u32)a << 18) | ((u32)b << 12) | ((u32)c << 6) | (u32)d;
        out[o] = (u8)(v >> 16);
        out[o + 1] = (u8)(v >> 8);
        out[o + 2] = (u8)v;
        o += 3;
    }
    if (end - s >= 2) { /* 2 or 3 characters left: 1 or 2 bytes */
        i32 a = b64_table[s[0]], b = b64_table[s[1]], c = end - s == 3 ? b64_table[s[2]] : 0;
        if ((a | b | c) < 0) return 0;
        u32 v = ((u32)a << 18) | ((u32)b << 12) | ((u32)c << 6);
        out[o++] = (u8)(v >> 16);
        if (end - s == 3) out[o++] = (u8)(v >> 8);
    }
    *out_len = o;
    return 1;
}

/* The bytes of a base64 JSON string (the input's body_base64), decoded into the arena. */
static int decode_base64(Str s, Span *out) {
    Span text;
    if (!decode(s, &text)) return 0;
    u8 *buf = alloc(text.n / 4 * 3 + 2);
    if (!buf) return 0;
    out->p = buf;
    return b64_decode(text, buf, &out->n);
}

/* ---- The call's input ----------------------------------------------------------------------------------
 *
 * {"route":...,"source":"webhook","method":...,"url":...,"headers":[["name","value"],...],"query":[...],
 *  "body":"...","body_base64":"..."}. This plugin needs two headers and the body's bytes. "body" holds them
 * as text whenever they are UTF-8 (as JSON always is), and decoding it costs less than base64, so
 * body_base64 (always there) is read only when "body" is not.
 */

typedef struct {
    Str body;        /* "body" */
    int has_body;
    Str body_base64; /* "body_base64" */
    int has_body_base64;
    Str signature;   /* header x-acme-signature */
    int has_signature;
    Str delivery;    /* header x-acme-delivery */
    int has_delivery;
} Request;

static int read_headers(Span list, Request *rq) {
    Iter it;
    Value pair;
    int r;
    if (!iter_open(&it, list, '[')) return 0;
    while ((r = iter_next(&it, 0, &pair)) == 1) {
        Iter p;
        Value name, value;
        if (!iter_open(&p, pair.text, '[') || iter_next(&p, 0, &name) != 1 || iter_next(&p, 0, &value) != 1 ||
            !name.is_string || !value.is_string)
            return 0;
        /* Names arrive in lower case; the first of repeated headers wins. */
        if (!rq->has_signature && str_is(name.str, TEXT("x-acme-signature"))) {
            rq->signature = value.str;
            rq->has_signature = 1;
        } else if (!rq->has_delivery && str_is(name.str, TEXT("x-acme-delivery"))) {
            rq->delivery = value.str;
            rq->has_delivery = 1;
        }
    }
    return r == 0;
}

/*
 * Reads the input's headers and body fields. It stops at "body": the ABI fixes the order of the fields, so the
 * headers have been read by then, and body_base64, which comes last, is only read when "body" is missing.
 */
static int read_request(Span in, Request *rq) {
    Iter it;
    Str key;
    Value value;
    int r = 0;
    rq->has_body = rq->has_body_base64 = rq->has_signature = rq->has_delivery = 0;
    if (!iter_open(&it, in, '{')) return 0;
    while (!rq->has_body && (r = iter_next(&it, &key, &value)) == 1) {
        if (str_is(key, TEXT("headers"))) {
            if (!read_headers(value.text, rq)) return 0;
        } else if (str_is(key, TEXT("body"))) {
            if (!value.is_string) return 0;
            rq->body = value.str;
            rq->has_body = 1;
        } else if (str_is(key, TEXT("body_base64"))) {
            if (!value.is_string) return 0;
            rq->body_base64 = value.str;
            rq->has_body_base64 = 1;
        }
    }
    return rq->has_body || r == 0;
}

/* The body's exact bytes: "body" decoded, or else body_base64 decoded. 0 if they cannot be had. */
static int request_body(const Request *rq, Span *body) {
    if (rq->has_body) return decode(rq->body, body);
    if (rq->has_body_base64) return decode_base64(rq->body_base64, body);
    *body = NOTHING;
    return 1;
}

/* ---- Configuration (sb_init) ---------------------------------------------------------------------------- */

#define MAX_SECRET 1024
#define MAX_FIELD 256
#define DEFAULT_FIELD "ticket.conv"

static u8 secret[MAX_SECRET];
static u32 secret_len; /* 0 until sb_init accepted a config: sb_verify then rejects everything */
static u8 field[MAX_FIELD] = DEFAULT_FIELD;
static u32 field_len = sizeof DEFAULT_FIELD - 1;

/* Copies the string value v (1 to max bytes once decoded) into dst. */
static int config_string(Value v, u8 *dst, u32 max, u32 *len) {
    Span d;
    if (!v.is_string || !decode(v.str, &d) || d.n == 0 || d.n > max) return 0;
    copy_bytes(dst, d.p, d.n);
    *len = d.n;
    return 1;
}

/* A dotted path: non-empty segments separated by single dots. */
static int valid_path(const u8 *p, u32 n) {
    if (n == 0 || p[0] == '.' || p[n - 1] == '.') return 0;
    for (u32 i = 1; i < n; i++)
        if (p[i] == '.' && p[i - 1] == '.') return 0;
    return 1;
}

static i32 refuse(Span why) {
    secret_len = 0;
    log_text(3, why);
    return 1;
}

/* Called once per instance with the integration's `config` as JSON. Non-zero refuses the configuration. */
__attribute__((export_name("sb_init")))
i32 sb_init(i32 ptr, i32 len) {
    Span in = begin_call(ptr, len);
    Iter it;
    Str key;
    Value value;
    int r;
    secret_len = 0;
    field_len = sizeof DEFAULT_FIELD - 1;
    copy_bytes(field, (const u8 *)DEFAULT_FIELD, field_len);
    if (!iter_open(&it, in, '{')) return refuse(TEXT("acme plugin: config is not a JSON object"));
    while ((r = iter_next(&it, &key, &value)) == 1) {
        if (str_is(key, TEXT("secret"))) {
            if (!config_string(value, secret, MAX_SECRET, &secret_len))
                return refuse(TEXT("acme plugin: config.secret must be a string of 1 to 1024 bytes"));
        } else if (str_is(key, TEXT("field"))) {
            if (!config_string(value, field, MAX_FIELD, &field_len) || !valid_path(field, field_len))
                return refuse(TEXT("acme plugin: config.field must be a dotted path such as ticket.conv"));
        }
    }
    if (r < 0 || !only_ws_left(it.c)) return refuse(TEXT("acme plugin: config is not valid JSON"));
    if (secret_len == 0) return refuse(TEXT("acme plugin: config.secret is required"));
    log_text(1, TEXT("acme plugin ready"));
    return 0;
}

/* ---- Verification (sb_verify) -------------------------------------------------------------------------- */

/* "sha256=" followed by 64 hex digits (either case) → the 32 bytes. */
static int parse_signature(Span v, u8 digest[32]) {
    Span prefix = TEXT("sha256=");
    if (v.n != prefix.n + 64 || !bytes_equal(v.p, prefix.p, prefix.n)) return 0;
    for (u32 i = 0; i < 32; i++) {
        i32 hi = hex_digit(v.p[prefix.n + 2 * i]), lo = hex_digit(v.p[prefix.n + 2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        digest[i] = (u8)((hi << 4) | lo);
    }
    return 1;
}

/* 1 accepts the webhook request, 0 rejects it (401). */
__attribute__((export_name("sb_verify")))
i32 sb_verify(i32 ptr, i32 len) {
    Span in = begin_call(ptr, len);
    Request rq;
    Span signature, body;
    u8 given[32], mac[64];
    if (secret_len == 0) return 0;
    if (!read_request(in, &rq) || !rq.has_signature || !(rq.has_body || rq.has_body_base64)) return 0;
    if (!decode(rq.signature, &signature) || !parse_signature(signature, given)) return 0;
    if (!request_body(&rq, &body)) return 0; /* the signature covers these exact bytes */
    if (host_hmac(2, secret, (i32)secret_len, body.p, (i32)body.n, mac) != 32) return 0;
    /* Constant time: look at every byte whatever the first difference. */
    u8 diff = 0;
    for (u32 i = 0; i < 32; i++) diff |= (u8)(mac[i] ^ given[i]);
    return diff == 0;
}

/* ---- Mapping (sb_map) ------------------------------------------------------------------------------------ */

static const char OUT_OF_MEMORY[] =
    "{\"error\":{\"reason\":\"bad_payload\",\"message\":\"acme plugin: out of memory for this event\"}}";

static const char NO_EVENTS[] = "{\"events\":[]}";

static i64 no_memory(void) { return result((const u8 *)OUT_OF_MEMORY, sizeof OUT_OF_MEMORY - 1); }

/* {"error":{"reason":"<reason>","message":"<message><detail>"}} */
static i64 fail(Span reason, Span message, Span detail) {
    Buf b;
    if (out_of_memory) return no_memory();
    buf_begin(&b);
    put_span(&b, TEXT("{\"error\":{\"reason\":\""));
    put_span(&b, reason);
    put_span(&b, TEXT("\",\"message\":\""));
    put_escaped(&b, message);
    put_escaped(&b, detail);
    put_span(&b, TEXT("\"}}"));
    if (!b.ok) return no_memory();
    Span out = buf_end(&b);
    return result(out.p, out.n);
}

#define BAD_PAYLOAD(message) fail(TEXT("bad_payload"), TEXT(message), NOTHING)

/* The input's event (JSON) → {"events":[...]} or {"error":{...}}. */
__attribute__((export_name("sb_map")))
i64 sb_map(i32 ptr, i32 len) {
    Span in = begin_call(ptr, len);
    Request rq;
    Span body = NOTHING;
    if (!read_request(in, &rq)) return BAD_PAYLOAD("acme plugin: the input is not the JSON the ABI describes");
    /* Without "body" the bytes are not UTF-8: they are decoded anyway, and the scanner below refuses them. */
    if (!request_body(&rq, &body))
        return out_of_memory ? no_memory() : BAD_PAYLOAD("acme plugin: body_base64 is not base64");

    /*
     * One pass over the body's top-level members checks the whole body and finds "type", "ticket" and the
     * member named by the first segment of `field`; only that member is looked into further.
     */
    Span path = {field, field_len}, first_segment = {field, 0};
    while (first_segment.n < field_len && field[first_segment.n] != '.') first_segment.n++;
    Value type_value = NO_VALUE, ticket_value = NO_VALUE, first_value = NO_VALUE;
    int has_type = 0, has_ticket = 0, has_first = 0, r;
    Iter it;
    Str key;
    Value value;
    if (!iter_open(&it, body, '{')) return BAD_PAYLOAD("acme plugin: the body is not a JSON object");
    while ((r = iter_next(&it, &key, &value)) == 1) {
        if (!has_type && str_is(key, TEXT("type"))) has_type = 1, type_value = value;
        if (!has_ticket && str_is(key, TEXT("ticket"))) has_ticket = 1, ticket_value = value;
        if (!has_first && str_is(key, first_segment)) has_first = 1, first_value = value;
    }
    if (r < 0 || !only_ws_left(it.c)) return BAD_PAYLOAD("acme plugin: the body is not valid JSON");

    /* "type": a string, or empty. A ping is acknowledged and produces nothing. */
    Span type = TEXT("");
    if (has_type && type_value.is_string && !decode(type_value.str, &type)) return no_memory();
    if (span_is(type, TEXT("ping"))) return result((const u8 *)NO_EVENTS, sizeof NO_EVENTS - 1);

    /* The event id: a non-empty string at `field`. */
    Value id_value = first_value;
    Span id = NOTHING;
    if (has_first && first_segment.n < field_len) { /* the rest of the path, below the first segment */
        Span rest = {field + first_segment.n + 1, field_len - first_segment.n - 1};
        has_first = lookup(first_value, rest, &id_value);
    }
    if (has_first && id_value.is_string && !decode(id_value.str, &id)) return no_memory();
    if (id.n == 0) return fail(TEXT("no_event_id"), TEXT("no string at "), path);

    /* The delivery id, when Acme sent one: the destination drops repeated deliveries of the same event. */
    Span delivery = NOTHING;
    if (rq.has_delivery && !decode(rq.delivery, &delivery)) return no_memory();

    /* The new body: {"cid":"<id>","type":"<type>","ticket":<the ticket's JSON text, or null>} */
    Buf b;
    buf_begin(&b);
    put_span(&b, TEXT("{\"cid\":"));
    put_string(&b, id);
    put_span(&b, TEXT(",\"type\":"));
    put_string(&b, type);
    put_span(&b, TEXT(",\"ticket\":"));
    put_span(&b, has_ticket ? ticket_value.text : TEXT("null"));
    put_span(&b, TEXT("}"));
    if (!b.ok) return no_memory();
    Span inner = buf_end(&b);

    /* The output: one event, carrying the new body as a JSON string. */
    buf_begin(&b);
    put_span(&b, TEXT("{\"events\":[{\"event_id\":"));
    put_string(&b, id);
    put_span(&b, TEXT(",\"content_type\":\"application/json\",\"id_location\":\"payload\",\"id_path\":\"cid\""));
    if (delivery.n > 0) {
        put_span(&b, TEXT(",\"delivery_id\":"));
        put_string(&b, delivery);
    }
    put_span(&b, TEXT(",\"body\":"));
    put_string(&b, inner);
    put_span(&b, TEXT("}]}"));
    if (!b.ok) return no_memory();
    Span out = buf_end(&b);
    return result(out.p, out.n);
}
