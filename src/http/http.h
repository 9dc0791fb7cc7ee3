/* http: the HTTP server (libmicrohttpd; the only module that includes microhttpd.h), a static
 * route table, request bodies parsed as JSON within the limits of limits.h, JSON errors, security
 * headers on every response, optional TLS, an access log without personal data and graceful
 * shutdown. It knows nothing of users or records: the api module supplies routes (/healthz among
 * them) and a `before` hook that authenticates. */
#ifndef CTIS_HTTP_HTTP_H
#define CTIS_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_METHOD__COUNT };

struct http_request;
struct http_route;

typedef void (*http_handler_fn)(struct http_request *req, void *app);
/* Runs after routing and reading the body, before the JSON body is parsed and before the handler
 * of a route (not before cfg.fallback); returns false when it has already responded (401, 403),
 * and the body is then not parsed and the handler is skipped. */
typedef bool (*http_before_fn)(struct http_request *req, const struct http_route *route, void *app);
/* Runs after the response is sent (to release per-request resources such as a connection), for
 * every request whose route reached `before` (a bad JSON body included; not for refusals such as
 * 404, 405, 413 or 415, nor for cfg.fallback). */
typedef void (*http_after_fn)(struct http_request *req, void *app);

/* Route flags. */
#define HTTP_ROUTE_PUBLIC 0x1u      /* no session needed (login, healthz) */
#define HTTP_ROUTE_JSON_BODY 0x2u   /* a JSON object body is required */
#define HTTP_ROUTE_NO_CSRF 0x4u     /* state-changing but exempt from CSRF (login) */
#define HTTP_ROUTE_UPLOAD 0x8u      /* a raw body (a file) of up to HTTP_UPLOAD_BYTES_MAX bytes */
#define HTTP_ROUTE_SMALL_BODY 0x10u /* a body of at most HTTP_SMALL_BODY_BYTES_MAX bytes (public forms) */

struct http_route {
    enum http_method method;
    const char *pattern; /* "/api/v1/users/{id}": {name} matches one non-empty segment */
    http_handler_fn handler;
    unsigned flags;
    /* The permission the route requires (NULL: any signed-in principal, or public). The before
     * hook (api_before) refuses with 403 a principal that holds neither it nor `alternative`,
     * before the handler runs; the handler's domain function checks it again on the record. */
    const char *permission;
    const char *alternative; /* a second permission that also admits (NULL: none) */
};

struct http_config {
    const char *bind_address;  /* "127.0.0.1" by default */
    uint16_t port;             /* 0 picks a free port (see http_server_port) */
    unsigned threads;          /* HTTP_THREADS_DEFAULT when 0 */
    const char *tls_cert_path; /* both set: HTTPS */
    const char *tls_key_path;
    const struct http_route *routes;
    size_t routes_count;
    /* Handles GET/HEAD requests no route matched outside /api/ (the web pages); NULL: 404. */
    http_handler_fn fallback;
    http_before_fn before;
    http_after_fn after;
    void *app;
    bool access_log;
};

struct http_server;

/* Starts serving in background threads. Errors: STATUS_UNAVAILABLE (cannot bind), STATUS_IO
 * (TLS files unreadable), STATUS_INVALID (bad configuration). */
enum status http_server_start(struct http_server **out, const struct http_config *cfg);
uint16_t http_server_port(const struct http_server *srv);
bool http_server_tls(const struct http_server *srv);
/* Blocks until SIGTERM or SIGINT, then returns (the caller stops the server). */
void http_server_wait_signal(void);
/* Stops accepting, lets requests in flight finish, frees the server. */
void http_server_stop(struct http_server *srv);

/* Request accessors. Strings are borrowed for the life of the request. */
enum http_method http_request_method(const struct http_request *req);
/* "GET", "HEAD", "POST", ... */
const char *http_method_name(enum http_method m);
const char *http_request_path(const struct http_request *req);
/* A {name} segment of the matched route, or NULL. */
const char *http_request_param(const struct http_request *req, const char *name);
/* A query-string argument, or NULL. */
const char *http_request_query(const struct http_request *req, const char *name);
const char *http_request_header(const struct http_request *req, const char *name);
const char *http_request_cookie(const struct http_request *req, const char *name);
/* The client's address as text (for the audit; never written to the access log). */
const char *http_request_client(const struct http_request *req);
bool http_request_tls(const struct http_request *req);
/* The parsed JSON body (an object) for HTTP_ROUTE_JSON_BODY routes, borrowed; else NULL. */
json_t *http_request_json(const struct http_request *req);
/* The raw body, NUL-terminated (len 0 when none). */
const char *http_request_body(const struct http_request *req, size_t *len_out);
/* If-Match as a version number: true and *out set when the header is present and well formed
 * ("3", "\"3\"" or W/"3"); a malformed header is reported as STATUS_INVALID by the caller. */
bool http_request_if_match(const struct http_request *req, int64_t *out, bool *malformed_out);
/* The same for a header value (exposed for tests). "*" is treated as no header. */
bool http_if_match_parse(const char *value, int64_t *out, bool *malformed_out);
/* Page parameters ?limit=&offset= checked against PAGE_ROWS_MAX. */
enum status http_request_page(const struct http_request *req, int64_t *limit_out, int64_t *offset_out);
/* Per-request slot for the application (e.g. the authenticated principal). */
void http_request_set_ctx(struct http_request *req, void *ctx);
void *http_request_ctx(const struct http_request *req);

/* Responses: exactly one respond call per request. */
void http_response_header(struct http_request *req, const char *name, const char *value);
/* Sets ETag to "<version>". */
void http_response_etag(struct http_request *req, int64_t version);
/* Sends body (reference stolen, may be NULL for no body) as application/json. */
void http_respond_json(struct http_request *req, unsigned status, json_t *body);
/* Sends {"error":{"code","message","field"}} for a status, using err_last()/err_last_field(). */
void http_respond_status(struct http_request *req, enum status st);
void http_respond_error(struct http_request *req, unsigned http_status, const char *code, const char *message,
                        const char *field);
/* Sends bytes; when copy is false the data must outlive the request (static assets). */
void http_respond_bytes(struct http_request *req, unsigned status, const char *content_type, const void *data,
                        size_t len, bool copy);
/* True when path matches a route pattern: exact segments, and {name} segments that match one
 * non-empty segment (exposed for tests). */
bool http_route_match(const char *pattern, const char *path);
/* True when a Content-Type header names application/json (any case, parameters allowed; exposed
 * for tests). */
bool http_content_type_is_json(const char *ct);

/* The HTTP status for an enum status (400, 404, 409, 403, 503, 413, 500, 401, 412, 429). */
unsigned http_status_for(enum status st);

/* JSON helpers shared by handlers and tests. */
/* Checks nesting depth (<= max) without building a tree; STATUS_TOO_LARGE when deeper,
 * STATUS_INVALID when the text is not balanced. Iterative. */
enum status http_json_depth_check(const char *text, size_t len, size_t max);
/* Parses a body into a JSON object within all limits (size, depth, UTF-8, string length, keys).
 * *out is owned by the caller. Errors name the field or byte position. */
enum status http_json_parse(json_t **out, const char *text, size_t len);

/* Field getters for handler input: each names the field in its error. A missing optional field
 * leaves *out untouched and returns STATUS_OK; a wrong type is STATUS_INVALID. */
enum status http_json_string(const json_t *obj, const char *key, bool required, size_t max_bytes, const char **out);
enum status http_json_int(const json_t *obj, const char *key, bool required, int64_t *out);
enum status http_json_bool(const json_t *obj, const char *key, bool required, bool *out);

#endif
