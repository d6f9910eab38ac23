#ifndef SWITCHBOARD_CCURL_SHIM_H
#define SWITCHBOARD_CCURL_SHIM_H

#include <curl/curl.h>

/*
 * Typed wrappers over libcurl's variadic entry points.
 *
 * curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo take a C vararg,
 * which Swift cannot call. Each wrapper below fixes the argument type, so the
 * value crosses the vararg boundary with the type libcurl expects for that
 * option family (long, char *, void *, curl_off_t, function pointer).
 */

/* One-time library set-up; CURL_GLOBAL_ALL is a macro expression Swift does not import. */
static inline CURLcode switchboard_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/* Options of type long (CURLOPTTYPE_LONG). */
static inline CURLcode switchboard_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options of type curl_off_t (CURLOPTTYPE_OFF_T), e.g. CURLOPT_POSTFIELDSIZE_LARGE. */
static inline CURLcode switchboard_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options that take a zero-terminated string (libcurl copies it, except CURLOPT_POSTFIELDS). */
static inline CURLcode switchboard_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options that take an opaque pointer (CURLOPT_PRIVATE, CURLOPT_WRITEDATA, CURLOPT_POSTFIELDS, ...). */
static inline CURLcode switchboard_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options that take a header list (CURLOPT_HTTPHEADER). */
static inline CURLcode switchboard_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this callback type. */
static inline CURLcode switchboard_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/* Information of type long (CURLINFO_RESPONSE_CODE, CURLINFO_NUM_CONNECTS, ...). */
static inline CURLcode switchboard_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* Information of type char * (CURLINFO_EFFECTIVE_URL, ...); the string is owned by libcurl. */
static inline CURLcode switchboard_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLINFO_PRIVATE: the pointer stored with CURLOPT_PRIVATE. */
static inline CURLcode switchboard_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

/* Multi options of type long (CURLMOPT_MAX_TOTAL_CONNECTIONS, CURLMOPT_MAXCONNECTS, ...). */
static inline CURLMcode switchboard_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* The result code of a CURLMSG_DONE message, read out of its anonymous union. */
static inline CURLcode switchboard_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
