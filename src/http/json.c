/* http/json: request bodies as JSON within the limits of limits.h (size, nesting depth, UTF-8,
 * string length, keys per object), typed field getters for handlers, the mapping from enum
 * status to HTTP codes, JSON error responses and page parameters. Nothing here touches the
 * network; server.c owns libmicrohttpd. */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

/* Nesting levels whose bracket kind is remembered (a bit each); deeper levels are only counted. */
#define DEPTH_KIND_BITS 4096

enum status http_json_depth_check(const char *text, size_t len, size_t max)
{
    /* One bit per level: 1 for '{', 0 for '['. */
    unsigned char kinds[DEPTH_KIND_BITS / 8] = {0};
    size_t depth = 0;
    bool in_string = false;
    bool escaped = false;

    ASSERT(text != NULL || len == 0);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (depth >= max) {
                return err_set(STATUS_TOO_LARGE, "body nests deeper than %zu levels", max);
            }
            if (depth < DEPTH_KIND_BITS) {
                unsigned char bit = (unsigned char)(1u << (depth % 8));
                if (c == '{') {
                    kinds[depth / 8] |= bit;
                } else {
                    kinds[depth / 8] &= (unsigned char)~bit;
                }
            }
            depth++;
        } else if (c == ']' || c == '}') {
            if (depth == 0) {
                return err_set(STATUS_INVALID, "body is not valid JSON: unbalanced '%c' at byte %zu", c, i + 1);
            }
            depth--;
            if (depth < DEPTH_KIND_BITS) {
                bool object = (kinds[depth / 8] >> (depth % 8)) & 1u;
                if (object != (c == '}')) {
                    return err_set(STATUS_INVALID, "body is not valid JSON: mismatched '%c' at byte %zu", c, i + 1);
                }
            }
        }
    }
    if (in_string) {
        return err_set(STATUS_INVALID, "body is not valid JSON: unterminated string");
    }
    if (depth != 0) {
        return err_set(STATUS_INVALID, "body is not valid JSON: %zu unclosed brackets", depth);
    }
    return STATUS_OK;
}

/* Appends one path segment ("name" or "3") to a field path, "/" separated, truncating quietly:
 * the path only names the field in an error. */
static void path_push(char *path, size_t cap, size_t *len, const char *seg)
{
    int n = snprintf(path + *len, cap - *len, "%s%s", *len > 0 ? "/" : "", seg);
    if (n < 0) {
        return;
    }
    *len = (size_t)n >= cap - *len ? cap - 1 : *len + (size_t)n;
}

/* A decoded string is acceptable text: short enough and valid UTF-8 without control characters
 * other than tab, CR and LF (escapes such as \u0001 decode into such characters). */
static enum status check_text(const char *s, size_t len, const char *path, const char *what)
{
    const char *field = path[0] != '\0' ? path : "(root)";
    if (len > JSON_STRING_BYTES_MAX) {
        return err_set_field(STATUS_TOO_LARGE, path, "%s: %s longer than %d bytes", field, what, JSON_STRING_BYTES_MAX);
    }
    if (!util_utf8_valid(s, len)) {
        return err_set_field(STATUS_INVALID, path, "%s: %s holds a control character", field, what);
    }
    return STATUS_OK;
}

/* Walks a parsed value whose depth is already bounded by http_json_depth_check (so the
 * recursion is at most JSON_DEPTH_MAX deep). path is the field path of v, cap bytes. */
static enum status json_walk(const json_t *v, char *path, size_t cap, size_t len, unsigned depth)
{
    enum status st = STATUS_OK;
    ASSERT(depth <= JSON_DEPTH_MAX);
    if (json_is_string(v)) {
        st = check_text(json_string_value(v), json_string_length(v), path, "string");
    } else if (json_is_object(v)) {
        if (json_object_size(v) > JSON_KEYS_MAX) {
            st = err_set_field(STATUS_TOO_LARGE, path, "%s: more than %d keys in one object",
                               path[0] != '\0' ? path : "(root)", JSON_KEYS_MAX);
            goto out;
        }
        const char *key;
        const json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            size_t keylen = strlen(key);
            size_t sub = len;
            path_push(path, cap, &sub, key);
            st = check_text(key, keylen, path, "key");
            if (st == STATUS_OK) {
                st = json_walk(child, path, cap, sub, depth + 1);
            }
            path[len] = '\0';
            if (st != STATUS_OK) {
                goto out;
            }
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            char idx[24];
            size_t sub = len;
            snprintf(idx, sizeof idx, "%zu", i);
            path_push(path, cap, &sub, idx);
            st = json_walk(json_array_get(v, i), path, cap, sub, depth + 1);
            path[len] = '\0';
            if (st != STATUS_OK) {
                goto out;
            }
        }
    }
out:
    return st;
}

enum status http_json_parse(json_t **out, const char *text, size_t len)
{
    enum status st = STATUS_OK;
    json_t *root = NULL;
    json_error_t jerr;
    char path[ERR_FIELD_BYTES_MAX];

    ASSERT(out != NULL);
    *out = NULL;
    if (len > HTTP_BODY_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "body is larger than %d bytes", HTTP_BODY_BYTES_MAX);
        goto out;
    }
    if (text == NULL || len == 0) {
        st = err_set(STATUS_INVALID, "body is empty; a JSON object is required");
        goto out;
    }
    /* Cheap refusal of deep nesting before jansson builds (and recurses over) a tree. Text
     * that is merely unbalanced goes on to jansson, which names the line and column. */
    st = http_json_depth_check(text, len, JSON_DEPTH_MAX);
    if (st == STATUS_TOO_LARGE) {
        goto out;
    }
    st = STATUS_OK;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        /* jansson appends " near '<input>'": cut it so no body content reaches the message. */
        char *near = strstr(jerr.text, " near ");
        if (near != NULL) {
            *near = '\0';
        }
        st = err_set(STATUS_INVALID, "body is not valid JSON at line %d, column %d: %s", jerr.line, jerr.column,
                     jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        st = err_set(STATUS_INVALID, "body must be a JSON object");
        goto out;
    }
    path[0] = '\0';
    st = json_walk(root, path, sizeof path, 0, 0);
    if (st != STATUS_OK) {
        goto out;
    }
    *out = root;
    root = NULL;
out:
    json_decref(root);
    return st;
}

/* The value of key, or NULL when it is absent or JSON null; reports a missing required field. */
static enum status field_get(const json_t **v_out, const json_t *obj, const char *key, bool required)
{
    ASSERT(key != NULL);
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (v != NULL && json_is_null(v)) {
        v = NULL;
    }
    *v_out = v;
    if (v == NULL && required) {
        return err_set_field(STATUS_INVALID, key, "%s: required", key);
    }
    return STATUS_OK;
}

enum status http_json_string(const json_t *obj, const char *key, bool required, size_t max_bytes, const char **out)
{
    const json_t *v;
    enum status st = field_get(&v, obj, key, required);
    if (st != STATUS_OK || v == NULL) {
        goto out;
    }
    if (!json_is_string(v)) {
        st = err_set_field(STATUS_INVALID, key, "%s: must be a string", key);
        goto out;
    }
    size_t len = json_string_length(v);
    if (len > max_bytes) {
        st = err_set_field(STATUS_INVALID, key, "%s: at most %zu bytes", key, max_bytes);
        goto out;
    }
    if (!util_utf8_valid(json_string_value(v), len)) {
        st = err_set_field(STATUS_INVALID, key, "%s: must be UTF-8 text without control characters", key);
        goto out;
    }
    *out = json_string_value(v);
out:
    return st;
}

enum status http_json_int(const json_t *obj, const char *key, bool required, int64_t *out)
{
    const json_t *v;
    enum status st = field_get(&v, obj, key, required);
    if (st != STATUS_OK || v == NULL) {
        goto out;
    }
    if (!json_is_integer(v)) {
        st = err_set_field(STATUS_INVALID, key, "%s: must be a whole number", key);
        goto out;
    }
    *out = (int64_t)json_integer_value(v);
out:
    return st;
}

enum status http_json_bool(const json_t *obj, const char *key, bool required, bool *out)
{
    const json_t *v;
    enum status st = field_get(&v, obj, key, required);
    if (st != STATUS_OK || v == NULL) {
        goto out;
    }
    if (!json_is_boolean(v)) {
        st = err_set_field(STATUS_INVALID, key, "%s: must be true or false", key);
        goto out;
    }
    *out = json_is_true(v);
out:
    return st;
}

unsigned http_status_for(enum status st)
{
    switch (st) {
    case STATUS_OK: return 200;
    case STATUS_DONE: return 200;
    case STATUS_INVALID: return 400;
    case STATUS_UNAUTHENTICATED: return 401;
    case STATUS_DENIED: return 403;
    case STATUS_NOT_FOUND: return 404;
    case STATUS_CONFLICT: return 409;
    case STATUS_PRECONDITION: return 412;
    case STATUS_TOO_LARGE: return 413;
    case STATUS_THROTTLED: return 429;
    case STATUS_CRYPTO: return 500;
    case STATUS_IO: return 500;
    case STATUS_BUSY: return 503;
    case STATUS_UNAVAILABLE: return 503;
    }
    return 500;
}

/* A message for a status when err_last() holds none. */
static const char *status_message(enum status st)
{
    switch (st) {
    case STATUS_OK: return "ok";
    case STATUS_DONE: return "done";
    case STATUS_INVALID: return "invalid request";
    case STATUS_NOT_FOUND: return "not found";
    case STATUS_CONFLICT: return "conflict";
    case STATUS_DENIED: return "not allowed";
    case STATUS_BUSY: return "busy; try again";
    case STATUS_TOO_LARGE: return "too large";
    case STATUS_UNAVAILABLE: return "service unavailable";
    case STATUS_CRYPTO: return "internal error";
    case STATUS_IO: return "internal error";
    case STATUS_UNAUTHENTICATED: return "authentication required";
    case STATUS_PRECONDITION: return "the record changed since it was read";
    case STATUS_THROTTLED: return "too many attempts; try later";
    }
    return "error";
}

void http_respond_status(struct http_request *req, enum status st)
{
    unsigned code = http_status_for(st);
    const char *message = err_last();
    const char *field = err_last_field();
    if (code >= 500 && st != STATUS_BUSY && st != STATUS_UNAVAILABLE) {
        /* Internal detail (paths, library messages) stays in the log, not in the response. */
        log_error("http: %s: %s", status_name(st), message);
        message = status_message(st);
        field = NULL;
    } else if (message[0] == '\0') {
        message = status_message(st);
    }
    http_respond_error(req, code, status_name(st), message, field);
}

enum status http_request_page(const struct http_request *req, int64_t *limit_out, int64_t *offset_out)
{
    enum status st = STATUS_OK;
    int64_t limit = PAGE_ROWS_DEFAULT;
    int64_t offset = 0;
    const char *s = http_request_query(req, "limit");
    if (s != NULL && (util_parse_i64(&limit, s) != STATUS_OK || limit < 1 || limit > PAGE_ROWS_MAX)) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: a whole number from 1 to %d", PAGE_ROWS_MAX);
        goto out;
    }
    s = http_request_query(req, "offset");
    if (s != NULL && (util_parse_i64(&offset, s) != STATUS_OK || offset < 0)) {
        st = err_set_field(STATUS_INVALID, "offset", "offset: a whole number of 0 or more");
        goto out;
    }
    *limit_out = limit;
    *offset_out = offset;
out:
    return st;
}
