/* http/server: the libmicrohttpd server (the only file of ctis that includes microhttpd.h).
 * Each request goes through: limits on URL, query and headers (414, 400, 431); the static route
 * table ({name} segments; 405 with Allow; 404 JSON under /api; the fallback for pages); the
 * declared body size (413 at once, without reading the body); Content-Type for JSON routes (415);
 * the body, bounded by a struct buf, parsed by http_json_parse (400); then cfg.before, the
 * handler and, once the response is sent, cfg.after and one access-log line without personal
 * data. Every response carries the security headers. Shutdown quiesces the listener and lets
 * requests in flight finish before stopping the daemon. */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

#define TLS_FILE_BYTES_MAX (1024 * 1024) /* a PEM certificate chain or key */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define HSTS_VALUE "max-age=31536000"
#define STOP_POLL_MS 10           /* how often stop looks at requests in flight */
#define MHD_MESSAGE_BYTES_MAX 200 /* a libmicrohttpd message kept for errors */

struct header_pair {
    char *name;
    char *value;
};

struct route_param {
    const char *name; /* inside the route pattern, not NUL-terminated */
    size_t name_len;
    char *value;
};

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_config cfg;
    char *tls_cert;
    char *tls_key;
    size_t tls_key_len;
    uint16_t port;
    bool tls;
    atomic_bool stopping;
    atomic_uint inflight; /* requests from their first call to their completion */
};

struct http_request {
    struct http_server *srv;
    struct MHD_Connection *conn;
    enum http_method method; /* HTTP_METHOD__COUNT when not one of ours */
    char *path;              /* decoded, without the query string */
    const struct http_route *route;
    http_handler_fn handler; /* the route's handler or cfg.fallback */
    struct route_param params[HTTP_ROUTE_PARAMS_MAX];
    size_t params_count;
    struct buf body;
    json_t *json;
    void *ctx;
    struct header_pair *headers;
    size_t headers_count;
    int64_t start_us;
    unsigned status; /* 0 until a response is queued */
    size_t bytes;
    bool responded;
    bool body_too_large;
    bool dispatched; /* before/handler of a route ran: cfg.after is due */
    bool queue_failed;
    char client[INET6_ADDRSTRLEN];
};

static const char *const method_names[HTTP_METHOD__COUNT] = {
    [HTTP_GET] = "GET", [HTTP_HEAD] = "HEAD",   [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT", [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
};

const char *http_method_name(enum http_method m)
{
    ASSERT((unsigned)m < HTTP_METHOD__COUNT);
    return method_names[m];
}

static const struct header_pair security_headers[] = {
    {"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

/* The last libmicrohttpd message of this thread: MHD_start_daemon logs its reason here. */
static _Thread_local char mhd_message[MHD_MESSAGE_BYTES_MAX];

static int64_t monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    vsnprintf(mhd_message, sizeof mhd_message, fmt, ap);
    size_t n = strlen(mhd_message);
    while (n > 0 && (mhd_message[n - 1] == '\n' || mhd_message[n - 1] == '\r')) {
        mhd_message[--n] = '\0';
    }
    /* Debug only: libmicrohttpd's own wording is not vetted for personal data. */
    log_debug("http: libmicrohttpd: %s", mhd_message);
}

/* ---- routes ---------------------------------------------------------------------------- */

/* Matches path against pattern segment by segment; a {name} segment matches one non-empty
 * segment. When params is not NULL, records up to HTTP_ROUTE_PARAMS_MAX borrowed values. */
static bool route_match(const char *pattern, const char *path, struct route_param *params, const char **values,
                        size_t *value_lens, size_t *count_out)
{
    size_t count = 0;
    const char *p = pattern;
    const char *u = path;
    if (*p != '/' || *u != '/') {
        return false;
    }
    while (*p == '/' && *u == '/') {
        p++;
        u++;
        const char *pend = strchr(p, '/');
        const char *uend = strchr(u, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        size_t ulen = uend ? (size_t)(uend - u) : strlen(u);
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (ulen == 0 || count >= HTTP_ROUTE_PARAMS_MAX) {
                return false;
            }
            if (params != NULL) {
                params[count].name = p + 1;
                params[count].name_len = plen - 2;
                values[count] = u;
                value_lens[count] = ulen;
            }
            count++;
        } else if (plen != ulen || memcmp(p, u, plen) != 0) {
            return false;
        }
        p += plen;
        u += ulen;
    }
    if (*p != '\0' || *u != '\0') {
        return false;
    }
    if (count_out != NULL) {
        *count_out = count;
    }
    return true;
}

bool http_route_match(const char *pattern, const char *path)
{
    ASSERT(pattern != NULL && path != NULL);
    return route_match(pattern, path, NULL, NULL, NULL, NULL);
}

static enum http_method method_parse(const char *s)
{
    for (int m = 0; m < HTTP_METHOD__COUNT; m++) {
        if (strcmp(s, method_names[m]) == 0) {
            return (enum http_method)m;
        }
    }
    return HTTP_METHOD__COUNT;
}

static bool path_is_api(const char *path)
{
    return strncmp(path, "/api", 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

/* Finds the route for the request; *allow_out gets the methods of every route whose pattern
 * matches the path (a bit per enum http_method), for 405. */
static const struct http_route *route_find(const struct http_server *srv, const char *path, enum http_method method,
                                           unsigned *allow_out)
{
    const struct http_route *exact = NULL;
    const struct http_route *as_get = NULL;
    unsigned allow = 0;
    for (size_t i = 0; i < srv->cfg.routes_count; i++) {
        const struct http_route *r = &srv->cfg.routes[i];
        if (!http_route_match(r->pattern, path)) {
            continue;
        }
        allow |= 1u << r->method;
        if (r->method == HTTP_GET) {
            allow |= 1u << HTTP_HEAD;
        }
        if (exact == NULL && r->method == method) {
            exact = r;
        }
        if (as_get == NULL && method == HTTP_HEAD && r->method == HTTP_GET) {
            as_get = r;
        }
    }
    *allow_out = allow;
    return exact != NULL ? exact : as_get;
}

/* ---- responses ------------------------------------------------------------------------- */

static bool header_set_by_app(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->headers_count; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

static void header_add(struct MHD_Response *resp, const char *name, const char *value)
{
    if (MHD_add_response_header(resp, name, value) != MHD_YES) {
        log_warn("http: response header %s refused", name);
    }
}

/* Queues the one response of a request. data is copied, freed (with free) or kept as given. */
static void respond(struct http_request *req, unsigned status, const char *content_type, const void *data, size_t len,
                    enum MHD_ResponseMemoryMode mode)
{
    ASSERT(!req->responded);
    req->responded = true;
    req->status = status;
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, mode);
    if (resp == NULL) {
        if (mode == MHD_RESPMEM_MUST_FREE) {
            free((void *)data);
        }
        req->queue_failed = true;
        log_error("http: cannot create a response");
        return;
    }
    for (size_t i = 0; i < req->headers_count; i++) {
        header_add(resp, req->headers[i].name, req->headers[i].value);
    }
    if (content_type != NULL && !header_set_by_app(req, "Content-Type")) {
        header_add(resp, "Content-Type", content_type);
    }
    for (size_t i = 0; i < ARRAY_LEN(security_headers); i++) {
        if (!header_set_by_app(req, security_headers[i].name)) {
            header_add(resp, security_headers[i].name, security_headers[i].value);
        }
    }
    if (path_is_api(req->path) && !header_set_by_app(req, "Cache-Control")) {
        header_add(resp, "Cache-Control", "no-store");
    }
    if (req->srv->tls) {
        header_add(resp, "Strict-Transport-Security", HSTS_VALUE);
    }
    if (atomic_load(&req->srv->stopping)) {
        header_add(resp, "Connection", "close");
    }
    if (MHD_queue_response(req->conn, status, resp) != MHD_YES) {
        req->queue_failed = true;
        log_error("http: cannot queue a response");
    }
    MHD_destroy_response(resp);
    req->bytes = req->method == HTTP_HEAD ? 0 : len;
}

void http_response_header(struct http_request *req, const char *name, const char *value)
{
    ASSERT(req != NULL && name != NULL && value != NULL);
    ASSERT(!req->responded);
    req->headers = xrealloc(req->headers, (req->headers_count + 1) * sizeof *req->headers);
    req->headers[req->headers_count].name = xstrdup(name);
    req->headers[req->headers_count].value = xstrdup(value);
    req->headers_count++;
}

void http_response_etag(struct http_request *req, int64_t version)
{
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)version);
    http_response_header(req, "ETag", etag);
}

void http_respond_json(struct http_request *req, unsigned status, json_t *body)
{
    ASSERT(req != NULL);
    if (body == NULL) {
        respond(req, status, NULL, "", 0, MHD_RESPMEM_PERSISTENT);
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (text == NULL) {
        log_error("http: cannot serialise a JSON response");
        http_respond_error(req, 500, status_name(STATUS_IO), "internal error", NULL);
        return;
    }
    respond(req, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

/* A JSON string for text we wrote; falls back when it is not valid UTF-8. */
static json_t *json_text(const char *s)
{
    json_t *v = json_string(s);
    return v != NULL ? v : json_string("?");
}

void http_respond_error(struct http_request *req, unsigned http_status, const char *code, const char *message,
                        const char *field)
{
    ASSERT(req != NULL && code != NULL);
    json_t *err = json_object();
    json_object_set_new(err, "code", json_text(code));
    json_object_set_new(err, "message", json_text(message != NULL ? message : ""));
    if (field != NULL && field[0] != '\0') {
        json_object_set_new(err, "field", json_text(field));
    }
    json_t *body = json_object();
    json_object_set_new(body, "error", err);
    http_respond_json(req, http_status, body);
}

void http_respond_bytes(struct http_request *req, unsigned status, const char *content_type, const void *data,
                        size_t len, bool copy)
{
    ASSERT(req != NULL && (data != NULL || len == 0));
    respond(req, status, content_type, len > 0 ? data : "", len, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
}

/* ---- request accessors ----------------------------------------------------------------- */

enum http_method http_request_method(const struct http_request *req)
{
    return req->method;
}

const char *http_request_path(const struct http_request *req)
{
    return req->path;
}

const char *http_request_param(const struct http_request *req, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < req->params_count; i++) {
        if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0) {
            return req->params[i].value;
        }
    }
    return NULL;
}

const char *http_request_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_request_cookie(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_request_client(const struct http_request *req)
{
    return req->client;
}

bool http_request_tls(const struct http_request *req)
{
    return req->srv->tls;
}

json_t *http_request_json(const struct http_request *req)
{
    return req->json;
}

const char *http_request_body(const struct http_request *req, size_t *len_out)
{
    if (len_out != NULL) {
        *len_out = req->body.len;
    }
    return buf_str(&req->body);
}

bool http_request_if_match(const struct http_request *req, int64_t *out, bool *malformed_out)
{
    const char *v = http_request_header(req, "If-Match");
    *malformed_out = false;
    if (v == NULL) {
        return false;
    }
    return http_if_match_parse(v, out, malformed_out);
}

bool http_if_match_parse(const char *value, int64_t *out, bool *malformed_out)
{
    char digits[24];
    const char *s = value;
    size_t len;
    bool found = false;
    *malformed_out = false;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }
    if (len == 1 && s[0] == '*') {
        goto out; /* any version: no precondition on a record that exists */
    }
    if (len >= 2 && s[0] == 'W' && s[1] == '/') {
        s += 2;
        len -= 2;
        if (len < 2 || s[0] != '"') {
            goto malformed;
        }
    }
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof digits) {
        goto malformed;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            goto malformed;
        }
    }
    memcpy(digits, s, len);
    digits[len] = '\0';
    int64_t version;
    if (util_parse_i64(&version, digits) != STATUS_OK) {
        goto malformed;
    }
    *out = version;
    found = true;
    goto out;
malformed:
    *malformed_out = true;
out:
    return found;
}

void http_request_set_ctx(struct http_request *req, void *ctx)
{
    req->ctx = ctx;
}

void *http_request_ctx(const struct http_request *req)
{
    return req->ctx;
}

/* ---- the request cycle ------------------------------------------------------------------ */

struct value_tally {
    size_t count;
    size_t bytes;
};

static enum MHD_Result tally_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct value_tally *t = cls;
    (void)kind;
    t->count++;
    t->bytes += (key != NULL ? strlen(key) : 0) + (value != NULL ? strlen(value) : 0) + 4;
    return MHD_YES;
}

bool http_content_type_is_json(const char *ct)
{
    static const char json_type[] = "application/json";
    if (ct == NULL) {
        return false;
    }
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    size_t n = sizeof json_type - 1;
    if (strncasecmp(ct, json_type, n) != 0) {
        return false;
    }
    char c = ct[n];
    return c == '\0' || c == ';' || c == ' ' || c == '\t';
}

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *conn, const char *url,
                                        const char *method)
{
    struct http_request *req = xcalloc(1, sizeof *req);
    req->srv = srv;
    req->conn = conn;
    req->start_us = monotonic_us();
    req->method = method_parse(method);
    req->path = xstrdup(url != NULL ? url : "/");
    buf_init(&req->body, HTTP_BODY_BYTES_MAX);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
    if (sa != NULL && sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, req->client, sizeof req->client);
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, req->client,
                  sizeof req->client);
    }
    return req;
}

static void request_free(struct http_request *req)
{
    for (size_t i = 0; i < req->params_count; i++) {
        free(req->params[i].value);
    }
    for (size_t i = 0; i < req->headers_count; i++) {
        free(req->headers[i].name);
        free(req->headers[i].value);
    }
    free(req->headers);
    json_decref(req->json);
    buf_free(&req->body);
    free(req->path);
    free(req);
}

static void respond_405(struct http_request *req, unsigned allow)
{
    char text[64] = "";
    size_t len = 0;
    for (int m = 0; m < HTTP_METHOD__COUNT; m++) {
        if (allow & (1u << m)) {
            int n = snprintf(text + len, sizeof text - len, "%s%s", len > 0 ? ", " : "", method_names[m]);
            ASSERT(n > 0 && (size_t)n < sizeof text - len);
            len += (size_t)n;
        }
    }
    http_response_header(req, "Allow", text);
    http_respond_error(req, 405, "method_not_allowed", "method not allowed for this path", NULL);
}

/* The body limit of the request's route: uploads take files, every other route JSON. */
static size_t body_max(const struct http_request *req)
{
    if (req->route != NULL && (req->route->flags & HTTP_ROUTE_SMALL_BODY)) {
        return (size_t)HTTP_SMALL_BODY_BYTES_MAX;
    }
    return req->route != NULL && (req->route->flags & HTTP_ROUTE_UPLOAD) ? (size_t)HTTP_UPLOAD_BYTES_MAX
                                                                         : (size_t)HTTP_BODY_BYTES_MAX;
}

static void respond_413(struct http_request *req)
{
    char message[80];
    snprintf(message, sizeof message, "the body is larger than the limit of %zu bytes", body_max(req));
    http_respond_error(req, 413, status_name(STATUS_TOO_LARGE), message, NULL);
}

/* The first call, with the headers: everything that can be refused before reading a body. */
static void request_begin(struct http_request *req)
{
    struct http_server *srv = req->srv;
    struct value_tally query = {0, 0};
    struct value_tally headers = {0, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, tally_value, &query);
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, tally_value, &headers);

    if (strlen(req->path) + query.bytes > HTTP_URL_BYTES_MAX) {
        http_respond_error(req, 414, "too_large", "the URL is too long", NULL);
        return;
    }
    if (query.count > HTTP_QUERY_PARAMS_MAX) {
        http_respond_error(req, 400, status_name(STATUS_INVALID), "too many query parameters", NULL);
        return;
    }
    if (headers.bytes > HTTP_HEADER_BYTES_MAX) {
        http_respond_error(req, 431, "too_large", "the request headers are too large", NULL);
        return;
    }

    unsigned allow = 0;
    const struct http_route *route = route_find(srv, req->path, req->method, &allow);
    if (route == NULL) {
        if (allow != 0) {
            respond_405(req, allow);
        } else if (!path_is_api(req->path) && srv->cfg.fallback != NULL &&
                   (req->method == HTTP_GET || req->method == HTTP_HEAD)) {
            req->handler = srv->cfg.fallback;
        } else {
            http_respond_error(req, 404, status_name(STATUS_NOT_FOUND), "no such resource", NULL);
        }
        if (req->responded) {
            return;
        }
    } else {
        const char *values[HTTP_ROUTE_PARAMS_MAX];
        size_t lens[HTTP_ROUTE_PARAMS_MAX];
        bool ok = route_match(route->pattern, req->path, req->params, values, lens, &req->params_count);
        ASSERT(ok);
        for (size_t i = 0; i < req->params_count; i++) {
            req->params[i].value = xstrndup(values[i], lens[i]);
        }
        req->route = route;
        req->handler = route->handler;
        buf_init(&req->body, body_max(req)); /* nothing read yet */
    }

    const char *cl = http_request_header(req, "Content-Length");
    if (cl != NULL) {
        char *end = NULL;
        unsigned long long declared = strtoull(cl, &end, 10);
        if (end != cl && declared > body_max(req)) {
            respond_413(req);
            return;
        }
    }
    if (req->route != NULL && (req->route->flags & HTTP_ROUTE_JSON_BODY) &&
        !http_content_type_is_json(http_request_header(req, "Content-Type"))) {
        http_respond_error(req, 415, "unsupported_media_type", "the body must be sent as application/json", NULL);
        return;
    }
}

/* The last call, with the whole body: parse, before, handler. */
static void request_dispatch(struct http_request *req)
{
    struct http_server *srv = req->srv;
    if (req->body_too_large) {
        respond_413(req);
        return;
    }
    ASSERT(req->handler != NULL);
    err_clear();
    if (req->route != NULL) {
        req->dispatched = true;
        /* Who asks, and may they call this route at all, before anything of the body is read:
         * 401 and 403 come before a 400 about the input. */
        if (srv->cfg.before != NULL && !srv->cfg.before(req, req->route, srv->cfg.app)) {
            if (!req->responded) {
                log_error("http: before hook refused %s %s without a response", method_names[req->method],
                          req->route->pattern);
                http_respond_error(req, 500, status_name(STATUS_IO), "internal error", NULL);
            }
            return;
        }
        if (req->responded) {
            return;
        }
    }
    if (req->route != NULL && (req->route->flags & HTTP_ROUTE_JSON_BODY)) {
        enum status st = http_json_parse(&req->json, req->body.data, req->body.len);
        if (st != STATUS_OK) {
            http_respond_error(req, 400, status_name(st), err_last(), err_last_field());
            return;
        }
        err_clear();
    }
    req->handler(req, srv->cfg.app);
    if (!req->responded) {
        log_error("http: handler for %s %s sent no response", method_names[req->method],
                  req->route != NULL ? req->route->pattern : "(fallback)");
        http_respond_error(req, 500, status_name(STATUS_IO), "internal error", NULL);
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decodes a path or a query value in place, as MHD_http_unescape does, except that "%00"
 * stays as it is: a decoded NUL would cut the C string short, so "/js/app.js%00.png" would serve
 * /js/app.js and "?q=a%00b" would search for "a". Kept literally, such a path names no file and
 * such a value matches nothing. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r != '\0'; w++) {
        int hi = r[0] == '%' ? hex_value(r[1]) : -1;
        int lo = hi >= 0 ? hex_value(r[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *w = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    struct http_server *srv = cls;
    struct http_request *req = *req_cls;
    (void)version;
    if (req == NULL) {
        req = request_new(srv, conn, url, method);
        *req_cls = req;
        atomic_fetch_add(&srv->inflight, 1);
        request_begin(req);
        return req->queue_failed ? MHD_NO : MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!req->body_too_large && !req->responded &&
            buf_append(&req->body, upload_data, *upload_data_size) != STATUS_OK) {
            /* More than the limit without a Content-Length (chunked): a response cannot be
             * queued while the body is being read, so close the connection at once. */
            req->body_too_large = true;
            buf_free(&req->body);
            req->status = 413;
            return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!req->responded) {
        request_dispatch(req);
    }
    return req->queue_failed ? MHD_NO : MHD_YES;
}

/* Copies text into out (cap bytes), replacing bytes that could forge or split a log line. */
static void log_safe(char *out, size_t cap, const char *text)
{
    size_t i = 0;
    for (; text[i] != '\0' && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        out[i] = (c <= 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[i] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_request *req = *req_cls;
    (void)conn;
    (void)toe;
    if (req == NULL) {
        return;
    }
    *req_cls = NULL;
    if (req->dispatched && srv->cfg.after != NULL) {
        srv->cfg.after(req, srv->cfg.app);
    }
    if (srv->cfg.access_log) {
        char path[HTTP_URL_BYTES_MAX + 1];
        log_safe(path, sizeof path, req->path);
        int64_t us = monotonic_us() - req->start_us;
        log_info("http %s %s %u %zu %lld.%03lldms",
                 req->method < HTTP_METHOD__COUNT ? method_names[req->method] : "OTHER", path, req->status, req->bytes,
                 (long long)(us / 1000), (long long)(us % 1000));
    }
    request_free(req);
    atomic_fetch_sub(&srv->inflight, 1);
}

/* ---- the server ------------------------------------------------------------------------- */

static void server_free(struct http_server *srv)
{
    if (srv == NULL) {
        return;
    }
    free(srv->tls_cert);
    if (srv->tls_key != NULL) {
        explicit_bzero(srv->tls_key, srv->tls_key_len);
        free(srv->tls_key);
    }
    free(srv);
}

enum status http_server_start(struct http_server **out, const struct http_config *cfg)
{
    enum status st = STATUS_OK;
    struct http_server *srv = NULL;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *addr;
    /* poll(), not epoll: libmicrohttpd 0.9.75 with epoll and a thread pool can abort in
     * MHD_quiesce_daemon ("Failed to remove listen FD from epoll set") during shutdown; with at
     * most HTTP_CONNECTIONS_MAX connections poll costs nothing measurable. */
    unsigned flags = MHD_USE_POLL | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;

    ASSERT(out != NULL && cfg != NULL);
    *out = NULL;
    const char *bind_address = cfg->bind_address != NULL ? cfg->bind_address : "127.0.0.1";
    unsigned threads = cfg->threads != 0 ? cfg->threads : HTTP_THREADS_DEFAULT;
    if (threads > HTTP_THREADS_MAX) {
        st = err_set_field(STATUS_INVALID, "threads", "threads: at most %d", HTTP_THREADS_MAX);
        goto out;
    }
    if (cfg->routes_count > 0 && cfg->routes == NULL) {
        st = err_set(STATUS_INVALID, "routes: missing table");
        goto out;
    }
    for (size_t i = 0; i < cfg->routes_count; i++) {
        const struct http_route *r = &cfg->routes[i];
        if (r->pattern == NULL || r->pattern[0] != '/' || r->handler == NULL || r->method >= HTTP_METHOD__COUNT) {
            st = err_set(STATUS_INVALID, "route %zu: needs a method, a /pattern and a handler", i);
            goto out;
        }
        size_t params = 0;
        for (const char *p = strstr(r->pattern, "/{"); p != NULL; p = strstr(p + 1, "/{")) {
            params++;
        }
        if (params > HTTP_ROUTE_PARAMS_MAX) {
            st = err_set(STATUS_INVALID, "route %s: more than %d {name} segments", r->pattern, HTTP_ROUTE_PARAMS_MAX);
            goto out;
        }
    }
    if ((cfg->tls_cert_path == NULL) != (cfg->tls_key_path == NULL)) {
        st = err_set(STATUS_INVALID, "TLS needs both a certificate and a key");
        goto out;
    }

    srv = xcalloc(1, sizeof *srv);
    srv->cfg = *cfg;
    srv->cfg.bind_address = NULL; /* borrowed strings are not kept past start */
    srv->cfg.tls_cert_path = NULL;
    srv->cfg.tls_key_path = NULL;
    atomic_init(&srv->stopping, false);
    atomic_init(&srv->inflight, 0u);

    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, bind_address, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(cfg->port);
        addr = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, bind_address, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(cfg->port);
        addr = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        st = err_set_field(STATUS_INVALID, "bind_address", "bind_address: not an IPv4 or IPv6 address");
        goto out;
    }

    if (cfg->tls_cert_path != NULL) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            st = err_set(STATUS_INVALID, "this libmicrohttpd has no TLS support");
            goto out;
        }
        if (util_file_read(&srv->tls_cert, NULL, cfg->tls_cert_path, TLS_FILE_BYTES_MAX) != STATUS_OK) {
            st = err_set(STATUS_IO, "cannot read the TLS certificate: %s", err_last());
            goto out;
        }
        if (util_file_read(&srv->tls_key, &srv->tls_key_len, cfg->tls_key_path, TLS_FILE_BYTES_MAX) != STATUS_OK) {
            st = err_set(STATUS_IO, "cannot read the TLS key: %s", err_last());
            goto out;
        }
        srv->tls = true;
        flags |= MHD_USE_TLS;
    }

    struct MHD_OptionItem opts[16];
    size_t n = 0;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, (void *)addr};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, HTTP_CONNECTIONS_MAX, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, HTTP_CONNECTION_TIMEOUT_S, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)on_unescape, NULL};
    if (srv->tls) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES};
    }
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    ASSERT(n <= ARRAY_LEN(opts));

    /* The server threads inherit this mask: SIGTERM and SIGINT go to the caller's thread (see
     * http_server_wait_signal), SIGPIPE nowhere. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    mhd_message[0] = '\0';
    srv->daemon =
        MHD_start_daemon(flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (srv->daemon == NULL) {
        st = err_set(STATUS_UNAVAILABLE, "cannot serve on %s port %u: %s", bind_address, (unsigned)cfg->port,
                     mhd_message[0] != '\0' ? mhd_message : "failed");
        goto out;
    }
    srv->port = cfg->port;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (di != NULL && di->port != 0) {
        srv->port = di->port;
    }
    log_info("http: serving %s on %s port %u with %u threads", srv->tls ? "HTTPS" : "HTTP", bind_address,
             (unsigned)srv->port, threads);
    *out = srv;
    srv = NULL;
out:
    server_free(srv);
    return st;
}

uint16_t http_server_port(const struct http_server *srv)
{
    return srv->port;
}

bool http_server_tls(const struct http_server *srv)
{
    return srv->tls;
}

void http_server_wait_signal(void)
{
    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    while (sigwait(&set, &sig) != 0) {
        /* retry */
    }
    log_info("http: signal %d: stopping", sig);
}

void http_server_stop(struct http_server *srv)
{
    if (srv == NULL) {
        return;
    }
    atomic_store(&srv->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET) {
        close(fd);
    }
    /* Requests in flight finish (their responses carry Connection: close); idle keep-alive
     * connections are closed by MHD_stop_daemon. */
    int64_t deadline = monotonic_us() + (int64_t)HTTP_CONNECTION_TIMEOUT_S * 1000000;
    while (atomic_load(&srv->inflight) > 0 && monotonic_us() < deadline) {
        struct timespec ts = {0, STOP_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (atomic_load(&srv->inflight) > 0) {
        log_warn("http: stopping with %u requests unfinished", atomic_load(&srv->inflight));
    }
    MHD_stop_daemon(srv->daemon);
    log_info("http: stopped");
    server_free(srv);
}
