/*
 * echo.c: a minimal valid Switchboard Wasm plugin, for module-swap and performance tests.
 *
 * sb_map reads the input's "body" field (the body as text; the host leaves it out when the body is not UTF-8),
 * takes the string at the body's top-level "cid" as the event id, and returns one event:
 *   event_id = the cid, content_type application/json, id_location payload, id_path cid,
 *   body     = the body as it arrived, or with -DVERSION=2 {"cid":"<cid>","v":2} (so a test can tell which
 *              module is running).
 * A body that is not a JSON object is bad_payload; no non-empty string at "cid" is no_event_id.
 */

#ifndef VERSION
#define VERSION 1
#endif

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ usize;

#define MAX_DEPTH 64

/* ---- Memory: sb_alloc hands out the input at the heap's start, the arena follows it. ---- */

extern u8 __heap_base;
static u32 input_end, top;

static u32 align8(u64 x) { return (u32)((x + 7) & ~(u64)7); }
static u64 memory_bytes(void) { return (u64)__builtin_wasm_memory_size(0) * 65536; }

static int reserve(u64 end) {
    u64 have = memory_bytes();
    if (end <= have) return 1;
    if (end > 0xFFFF0000ull) return 0;
    return __builtin_wasm_memory_grow(0, (usize)((end - have + 65535) / 65536)) != (usize)-1;
}

static u8 *alloc(u32 n) {
    u64 end = (u64)top + n + 1;
    if (!reserve(end)) return 0;
    u8 *p = (u8 *)(usize)top;
    top = align8(end);
    return p;
}

/* Always the heap's start; when memory cannot grow to fit the input there, the host finds it does not fit. */
__attribute__((export_name("sb_alloc")))
int sb_alloc(int len) {
    u32 base = align8((usize)&__heap_base);
    u64 end = (u64)base + (u32)len;
    if (!reserve(end)) end = memory_bytes();
    input_end = top = align8(end);
    return (int)base;
}

__attribute__((export_name("sb_init")))
int sb_init(int ptr, int len) {
    (void)ptr;
    (void)len;
    return 0;
}

/* ---- JSON: just enough to walk an object's members and decode strings, never reading past `end`. ---- */

typedef struct {
    const u8 *p, *end;
} Cur;

static void ws(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static int at(Cur *c, u8 ch) { return c->p < c->end && *c->p == ch; }

static int hexval(u8 ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') return (ch | 0x20) - 'a' + 10;
    return -1;
}

static int hex4(const u8 *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hexval(p[i]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Moves past the string at c (on its quote); its raw text between the quotes in *s, *n. */
static int string(Cur *c, const u8 **s, u32 *n) {
    const u8 *p = c->p + 1;
    while (p < c->end && *p != '"') {
        if (*p < 0x20) return 0;
        if (*p == '\\') {
            if (c->end - p < 2) return 0;
            if (p[1] == 'u') {
                if (c->end - p < 6 || hex4(p + 2) < 0) return 0;
                p += 6;
                continue;
            }
            const u8 e = p[1];
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return 0;
            p += 2;
            continue;
        }
        p++;
    }
    if (p >= c->end) return 0;
    *s = c->p + 1;
    *n = (u32)(p - *s);
    c->p = p + 1;
    return 1;
}

static u32 utf8(u8 *o, u32 cp) {
    if (cp < 0x80) return o[0] = (u8)cp, 1;
    if (cp < 0x800) return o[0] = (u8)(0xC0 | cp >> 6), o[1] = (u8)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000)
        return o[0] = (u8)(0xE0 | cp >> 12), o[1] = (u8)(0x80 | ((cp >> 6) & 63)), o[2] = (u8)(0x80 | (cp & 63)), 3;
    o[0] = (u8)(0xF0 | cp >> 18), o[1] = (u8)(0x80 | ((cp >> 12) & 63));
    o[2] = (u8)(0x80 | ((cp >> 6) & 63)), o[3] = (u8)(0x80 | (cp & 63));
    return 4;
}

/* Decodes raw string text (already checked by string()) into out, room for n bytes; returns the length. */
static u32 unescape(const u8 *s, u32 n, u8 *out) {
    u32 i = 0, o = 0;
    while (i < n) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        if (n - i < 2) break;
        u8 e = s[i + 1];
        i += 2;
        if (e != 'u') {
            out[o++] = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
            continue;
        }
        if (n - i < 4) break;
        int cp = hex4(s + i);
        if (cp < 0) break;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = (n - i >= 6 && s[i] == '\\' && s[i + 1] == 'u') ? hex4(s + i + 2) : -1;
            if (lo >= 0xDC00 && lo <= 0xDFFF)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), i += 6;
            else
                cp = 0xFFFD;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        o += utf8(out + o, (u32)cp);
    }
    return o;
}

static int skip(Cur *c, int depth);

/*
 * Moves past one member (object: pass key) or element (array: key = 0) at c. 1 with the key's raw text and the
 * value's first byte set, 0 at the closing bracket, -1 when malformed.
 */
static int next(Cur *c, u8 close, int *first, const u8 **key, u32 *key_len, const u8 **value, int depth) {
    ws(c);
    if (at(c, close)) return c->p++, 0;
    if (!*first) {
        if (!at(c, ',')) return -1;
        c->p++;
        ws(c);
    }
    *first = 0;
    if (key) {
        if (!at(c, '"') || !string(c, key, key_len)) return -1;
        ws(c);
        if (!at(c, ':')) return -1;
        c->p++;
    }
    ws(c);
    *value = c->p;
    return skip(c, depth + 1) ? 1 : -1;
}

static int word(Cur *c, const char *w, u32 n) {
    if ((usize)(c->end - c->p) < n) return 0;
    for (u32 i = 0; i < n; i++)
        if (c->p[i] != (u8)w[i]) return 0;
    c->p += n;
    return 1;
}

static int digits(Cur *c) {
    const u8 *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') c->p++;
    return c->p > start;
}

static int skip(Cur *c, int depth) {
    ws(c);
    if (c->p >= c->end) return 0;
    u8 ch = *c->p;
    if (ch == '{' || ch == '[') {
        const u8 *k, *v;
        u32 kn;
        int first = 1, r;
        if (depth >= MAX_DEPTH) return 0;
        c->p++;
        while ((r = next(c, ch == '{' ? '}' : ']', &first, ch == '{' ? &k : 0, &kn, &v, depth)) == 1) {
        }
        return r == 0;
    }
    if (ch == '"') {
        const u8 *s;
        u32 n;
        return string(c, &s, &n);
    }
    if (ch == 't') return word(c, "true", 4);
    if (ch == 'f') return word(c, "false", 5);
    if (ch == 'n') return word(c, "null", 4);
    /* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    if (at(c, '-')) c->p++;
    if (at(c, '0')) c->p++;
    else if (!digits(c)) return 0;
    if (at(c, '.') && (c->p++, !digits(c))) return 0;
    if (at(c, 'e') || at(c, 'E')) {
        c->p++;
        if (at(c, '+') || at(c, '-')) c->p++;
        if (!digits(c)) return 0;
    }
    return 1;
}

/* Finds the first top-level key `name` (compared as written: no escapes) in the object [p, end); *v on its value. */
static int find(const u8 *p, const u8 *end, const char *name, u32 name_len, Cur *v) {
    Cur c = {p, end};
    const u8 *k, *value;
    u32 kn;
    int first = 1;
    ws(&c);
    if (!at(&c, '{')) return 0;
    c.p++;
    while (next(&c, '}', &first, &k, &kn, &value, 0) == 1) {
        u32 i = 0;
        while (i < kn && i < name_len && k[i] == (u8)name[i]) i++;
        if (kn == name_len && i == kn) {
            v->p = value;
            v->end = c.p;
            return 1;
        }
    }
    return 0;
}

/* Whether [s, s+n) is well-formed UTF-8. */
static int valid_utf8(const u8 *s, u32 n) {
    u32 i = 0;
    while (i < n) {
        u8 b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        u32 len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        if (len == 0 || n - i < len) return 0;
        u8 lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80, hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (u32 j = 2; j < len; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return 0;
        i += len;
    }
    return 1;
}

/* ---- Output ---- */

typedef struct {
    u8 *base;
    u32 len;
    int ok;
} Buf;

static void put(Buf *b, const void *src, u32 n) {
    if (!b->ok || !reserve((u64)(usize)b->base + b->len + n)) {
        b->ok = 0;
        return;
    }
    __builtin_memcpy(b->base + b->len, src, n);
    b->len += n;
}

#define PUT(b, literal) put(b, literal, sizeof(literal) - 1)

/* s as a JSON string, quotes included (s is UTF-8). Reserves the worst case (every byte a \u escape) first. */
static void put_string(Buf *b, const u8 *s, u32 n) {
    static const char hex[] = "0123456789abcdef";
    if (!b->ok || !reserve((u64)(usize)b->base + b->len + (u64)n * 6 + 2)) {
        b->ok = 0;
        return;
    }
    u8 *o = b->base + b->len;
    *o++ = '"';
    for (u32 i = 0; i < n; i++) {
        u8 ch = s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            *o++ = ch;
            continue;
        }
        *o++ = '\\';
        if (ch == '"' || ch == '\\') {
            *o++ = ch;
        } else if (ch == '\n') {
            *o++ = 'n';
        } else {
            o[0] = 'u', o[1] = '0', o[2] = '0', o[3] = (u8)hex[ch >> 4], o[4] = (u8)hex[ch & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len = (u32)(o - b->base);
}

static long long result(const void *p, u32 n) { return (long long)(((u64)(usize)p << 32) | n); }

static const char NO_MEMORY[] = "{\"error\":{\"reason\":\"bad_payload\",\"message\":\"echo: out of memory\"}}";

#define ERROR(reason, message) result("{\"error\":{\"reason\":\"" reason "\",\"message\":\"" message "\"}}", \
                                      sizeof("{\"error\":{\"reason\":\"" reason "\",\"message\":\"" message "\"}}") - 1)

__attribute__((export_name("sb_map")))
long long sb_map(int ptr, int len) {
    const u8 *in = (const u8 *)(usize)(u32)ptr;
    u32 n = (len < 0 || (u64)(u32)ptr + (u32)len > memory_bytes()) ? 0 : (u32)len;
    Cur v;
    const u8 *raw;
    u32 raw_len;
    top = input_end;

    /* The body's text: the input's "body" string, decoded. */
    if (!find(in, in + n, "body", 4, &v) || !at(&v, '"') || !string(&v, &raw, &raw_len))
        return ERROR("bad_payload", "echo: no UTF-8 body");
    u8 *body = alloc(raw_len);
    if (!body) return result(NO_MEMORY, sizeof NO_MEMORY - 1);
    u32 body_len = unescape(raw, raw_len, body);
    if (!valid_utf8(body, body_len)) return ERROR("bad_payload", "echo: the body is not UTF-8");

    /* The whole body must be one JSON object; its "cid" the event id. */
    Cur all = {body, body + body_len};
    if (!at((ws(&all), &all), '{') || !skip(&all, 0) || (ws(&all), all.p != all.end))
        return ERROR("bad_payload", "echo: the body is not a JSON object");
    if (!find(body, body + body_len, "cid", 3, &v) || !at(&v, '"') || !string(&v, &raw, &raw_len))
        return ERROR("no_event_id", "no string at cid");
    u8 *id = alloc(raw_len);
    if (!id) return result(NO_MEMORY, sizeof NO_MEMORY - 1);
    u32 id_len = unescape(raw, raw_len, id);
    if (id_len == 0) return ERROR("no_event_id", "no string at cid");

#if VERSION == 2
    Buf inner = {(u8 *)(usize)top, 0, 1};
    PUT(&inner, "{\"cid\":");
    put_string(&inner, id, id_len);
    PUT(&inner, ",\"v\":2}");
    if (!inner.ok) return result(NO_MEMORY, sizeof NO_MEMORY - 1);
    top = align8((u64)(usize)inner.base + inner.len);
    const u8 *out_body = inner.base;
    u32 out_len = inner.len;
#else
    const u8 *out_body = body;
    u32 out_len = body_len;
#endif

    Buf b = {(u8 *)(usize)top, 0, 1};
    PUT(&b, "{\"events\":[{\"event_id\":");
    put_string(&b, id, id_len);
    PUT(&b, ",\"content_type\":\"application/json\",\"id_location\":\"payload\",\"id_path\":\"cid\",\"body\":");
    put_string(&b, out_body, out_len);
    PUT(&b, "}]}");
    if (!b.ok) return result(NO_MEMORY, sizeof NO_MEMORY - 1);
    return result(b.base, b.len);
}
