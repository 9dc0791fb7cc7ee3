/* test_http: the http module. Unit tests for route matching, the JSON depth check, parse limits,
 * field getters, If-Match parsing and status mapping; then an in-process server on 127.0.0.1
 * (port 0) with a small route table, driven by a plain-socket client: security headers, JSON
 * errors (400, 404, 405, 413, 414, 415, 431), refusal of a 100 MB declared body and of deep
 * nesting, TLS with a certificate made at test time, the access log, and graceful stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/status.h"

/* ---- a tiny HTTP/1.1 client over a socket ---------------------------------------------- */

#define REPLY_BYTES_MAX (256 * 1024)
#define CLIENT_TIMEOUT_S 10

struct reply {
    int status; /* 0 when no HTTP response came back */
    char *raw;  /* everything read, NUL-terminated */
    size_t raw_len;
    const char *body; /* inside raw */
    size_t head_len;
};

static void reply_free(struct reply *r)
{
    free(r->raw);
    memset(r, 0, sizeof *r);
}

static int client_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct timeval tv = {CLIENT_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends raw bytes (stopping quietly if the server closes) and reads until the server closes. */
static void client_exchange(int fd, const char *raw, size_t len, struct reply *r)
{
    memset(r, 0, sizeof *r);
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, raw + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        off += (size_t)n;
    }
    r->raw = xmalloc(REPLY_BYTES_MAX + 1);
    for (;;) {
        if (r->raw_len == REPLY_BYTES_MAX) {
            break;
        }
        ssize_t n = recv(fd, r->raw + r->raw_len, REPLY_BYTES_MAX - r->raw_len, 0);
        if (n <= 0) {
            break;
        }
        r->raw_len += (size_t)n;
    }
    r->raw[r->raw_len] = '\0';
    close(fd);
    const char *end = strstr(r->raw, "\r\n\r\n");
    if (strncmp(r->raw, "HTTP/1.", 7) == 0 && end != NULL) {
        r->status = atoi(r->raw + 9);
        r->head_len = (size_t)(end - r->raw) + 2;
        r->body = end + 4;
    } else {
        r->body = r->raw + r->raw_len;
    }
}

/* One request: method, target, extra header lines ("Name: v\r\n"...) and a body. */
static void request(uint16_t port, const char *method, const char *target, const char *headers, const char *body,
                    size_t body_len, struct reply *r)
{
    struct buf b = BUF_INIT(8 * 1024 * 1024);
    assert_int_equal(buf_printf(&b, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n", method, target),
                     STATUS_OK);
    if (body != NULL) {
        assert_int_equal(buf_printf(&b, "Content-Length: %zu\r\n", body_len), STATUS_OK);
    }
    assert_int_equal(buf_printf(&b, "%s\r\n", headers != NULL ? headers : ""), STATUS_OK);
    if (body != NULL) {
        assert_int_equal(buf_append(&b, body, body_len), STATUS_OK);
    }
    int fd = client_connect(port);
    assert_true(fd >= 0);
    client_exchange(fd, b.data, b.len, r);
    buf_free(&b);
}

/* The value of a response header (case-insensitive name), copied into out; NULL when absent. */
static const char *reply_header(const struct reply *r, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    const char *line = strstr(r->raw, "\r\n");
    while (line != NULL && (size_t)(line - r->raw) < r->head_len) {
        line += 2;
        if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ') {
                v++;
            }
            const char *e = strstr(v, "\r\n");
            size_t len = e != NULL ? (size_t)(e - v) : strlen(v);
            if (len >= cap) {
                len = cap - 1;
            }
            memcpy(out, v, len);
            out[len] = '\0';
            return out;
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

/* The "code" of a JSON error body, copied into out. */
static const char *reply_error_code(const struct reply *r, char *out, size_t cap)
{
    json_error_t jerr;
    json_t *root = json_loads(r->body, 0, &jerr);
    assert_non_null(root);
    const char *code = json_string_value(json_object_get(json_object_get(root, "error"), "code"));
    assert_non_null(code);
    snprintf(out, cap, "%s", code);
    json_decref(root);
    return out;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- unit tests ------------------------------------------------------------------------ */

static void test_route_match(void **state)
{
    (void)state;
    assert_true(http_route_match("/api/v1/users", "/api/v1/users"));
    assert_false(http_route_match("/api/v1/users", "/api/v1/users/"));
    assert_false(http_route_match("/api/v1/users", "/api/v1/user"));
    assert_false(http_route_match("/api/v1/users", "/api/v1/usersx"));
    assert_false(http_route_match("/api/v1/users", "/api/v1"));
    assert_true(http_route_match("/api/v1/users/{id}", "/api/v1/users/42"));
    assert_false(http_route_match("/api/v1/users/{id}", "/api/v1/users/"));
    assert_false(http_route_match("/api/v1/users/{id}", "/api/v1/users"));
    assert_false(http_route_match("/api/v1/users/{id}", "/api/v1/users/4/2"));
    assert_true(http_route_match("/api/v1/users/{id}/roles/{role}", "/api/v1/users/7/roles/a"));
    assert_false(http_route_match("/api/v1/users/{id}/roles/{role}", "/api/v1/users/7/roles"));
    assert_true(http_route_match("/", "/"));
    assert_false(http_route_match("/", "/x"));
    assert_false(http_route_match("/api", "api"));
}

static void test_depth_check(void **state)
{
    (void)state;
    const char *ok = "{\"a\":[1,{\"b\":[[]]}],\"s\":\"[[[[\\\"{{{{\"}";
    assert_int_equal(http_json_depth_check(ok, strlen(ok), 5), STATUS_OK);
    assert_int_equal(http_json_depth_check(ok, strlen(ok), 4), STATUS_TOO_LARGE);
    assert_int_equal(http_json_depth_check("{}", 2, 1), STATUS_OK);
    assert_int_equal(http_json_depth_check("[[]]", 4, 1), STATUS_TOO_LARGE);
    assert_int_equal(http_json_depth_check("{\"a\":1", 6, 16), STATUS_INVALID);
    assert_int_equal(http_json_depth_check("{}}", 3, 16), STATUS_INVALID);
    assert_int_equal(http_json_depth_check("[}", 2, 16), STATUS_INVALID);
    assert_int_equal(http_json_depth_check("{\"a", 3, 16), STATUS_INVALID);
    assert_int_equal(http_json_depth_check("{\"\\\\\":1}", 8, 16), STATUS_OK);
    assert_int_equal(http_json_depth_check("", 0, 16), STATUS_OK);

    /* 10,000 levels are refused after JSON_DEPTH_MAX + 1 bytes, without recursion. */
    size_t n = 10000;
    char *deep = xmalloc(2 * n);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    assert_int_equal(http_json_depth_check(deep, 2 * n, JSON_DEPTH_MAX), STATUS_TOO_LARGE);
    assert_int_equal(http_json_depth_check(deep, 2 * n, 2 * n), STATUS_OK);
    free(deep);
}

static void test_parse_limits(void **state)
{
    (void)state;
    json_t *v = NULL;
    const char *ok = "{\"name\":\"Ana\",\"n\":3,\"tags\":[\"a\",\"b\"],\"text\":\"l1\\nl2\"}";
    assert_int_equal(http_json_parse(&v, ok, strlen(ok)), STATUS_OK);
    assert_non_null(v);
    json_decref(v);

    v = NULL;
    assert_int_equal(http_json_parse(&v, "", 0), STATUS_INVALID);
    assert_null(v);
    assert_int_equal(http_json_parse(&v, "[1]", 3), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "object"));
    assert_int_equal(http_json_parse(&v, "{\"a\":tru}", 9), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "body is not valid JSON at line 1, column"));
    /* jansson's " near '<input>'" is cut: no body content in messages. */
    const char *secret = "{\"a\":\"x\" \"SECRET\"}";
    assert_int_equal(http_json_parse(&v, secret, strlen(secret)), STATUS_INVALID);
    assert_null(strstr(err_last(), "SECRET"));
    assert_int_equal(http_json_parse(&v, "{\"a\":1,\"a\":2}", 13), STATUS_INVALID);
    assert_int_equal(http_json_parse(&v, "{\"a\":1} x", 9), STATUS_INVALID);
    assert_int_equal(http_json_parse(&v, "{\"a\":\"\xff\"}", 9), STATUS_INVALID);
    assert_int_equal(http_json_parse(&v, "{\"a\":\"\\u0000\"}", 14), STATUS_INVALID);
    assert_int_equal(http_json_parse(&v, "{\"a\":\"\\u0001\"}", 14), STATUS_INVALID);
    assert_string_equal(err_last_field(), "a");
    const char *nested = "{\"a\":[{\"b\":\"\\u0007\"}]}";
    assert_int_equal(http_json_parse(&v, nested, strlen(nested)), STATUS_INVALID);
    assert_string_equal(err_last_field(), "a/0/b");

    /* Depth: JSON_DEPTH_MAX levels pass, one more is refused before parsing. */
    struct buf b = BUF_INIT(HTTP_BODY_BYTES_MAX * 2);
    for (int i = 0; i < JSON_DEPTH_MAX; i++) {
        buf_puts(&b, i == 0 ? "{\"a\":" : "[");
    }
    buf_puts(&b, "1");
    for (int i = JSON_DEPTH_MAX - 1; i >= 0; i--) {
        buf_puts(&b, i == 0 ? "}" : "]");
    }
    assert_int_equal(http_json_parse(&v, b.data, b.len), STATUS_OK);
    json_decref(v);
    buf_reset(&b);
    for (int i = 0; i <= JSON_DEPTH_MAX; i++) {
        buf_puts(&b, i == 0 ? "{\"a\":" : "[");
    }
    assert_int_equal(http_json_parse(&v, b.data, b.len), STATUS_TOO_LARGE);

    /* A string of JSON_STRING_BYTES_MAX passes; one byte more is refused, naming the field. */
    buf_reset(&b);
    buf_puts(&b, "{\"long\":\"");
    for (int i = 0; i < JSON_STRING_BYTES_MAX; i++) {
        buf_puts(&b, "x");
    }
    buf_puts(&b, "\"}");
    assert_int_equal(http_json_parse(&v, b.data, b.len), STATUS_OK);
    json_decref(v);
    buf_reset(&b);
    buf_puts(&b, "{\"long\":\"");
    for (int i = 0; i <= JSON_STRING_BYTES_MAX; i++) {
        buf_puts(&b, "x");
    }
    buf_puts(&b, "\"}");
    assert_int_equal(http_json_parse(&v, b.data, b.len), STATUS_TOO_LARGE);
    assert_string_equal(err_last_field(), "long");

    /* Keys per object. */
    buf_reset(&b);
    buf_puts(&b, "{\"o\":{");
    for (int i = 0; i <= JSON_KEYS_MAX; i++) {
        buf_printf(&b, "%s\"k%d\":%d", i > 0 ? "," : "", i, i);
    }
    buf_puts(&b, "}}");
    assert_int_equal(http_json_parse(&v, b.data, b.len), STATUS_TOO_LARGE);
    assert_string_equal(err_last_field(), "o");

    /* The whole body. */
    char *big = xmalloc(HTTP_BODY_BYTES_MAX + 1);
    memset(big, ' ', HTTP_BODY_BYTES_MAX + 1);
    assert_int_equal(http_json_parse(&v, big, HTTP_BODY_BYTES_MAX + 1), STATUS_TOO_LARGE);
    free(big);
    buf_free(&b);
}

static void test_getters(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:s, s:I, s:b, s:f, s:n, s:s#}", "name", "Ana", "n", (json_int_t)42, "flag", 1, "real",
                            1.5, "nil", "ctl", "a\x01", (size_t)2);
    assert_non_null(obj);
    const char *s = NULL;
    int64_t i = 0;
    bool b = false;

    assert_int_equal(http_json_string(obj, "name", true, NAME_BYTES_MAX, &s), STATUS_OK);
    assert_string_equal(s, "Ana");
    assert_int_equal(http_json_string(obj, "name", true, 2, &s), STATUS_INVALID);
    assert_string_equal(err_last(), "name: at most 2 bytes");
    assert_string_equal(err_last_field(), "name");
    assert_int_equal(http_json_string(obj, "missing", true, 10, &s), STATUS_INVALID);
    assert_string_equal(err_last_field(), "missing");
    s = "untouched";
    assert_int_equal(http_json_string(obj, "missing", false, 10, &s), STATUS_OK);
    assert_string_equal(s, "untouched");
    assert_int_equal(http_json_string(obj, "nil", false, 10, &s), STATUS_OK);
    assert_string_equal(s, "untouched");
    assert_int_equal(http_json_string(obj, "n", true, 10, &s), STATUS_INVALID);
    assert_string_equal(err_last_field(), "n");
    assert_int_equal(http_json_string(obj, "ctl", true, 10, &s), STATUS_INVALID);

    assert_int_equal(http_json_int(obj, "n", true, &i), STATUS_OK);
    assert_int_equal(i, 42);
    assert_int_equal(http_json_int(obj, "real", true, &i), STATUS_INVALID);
    assert_string_equal(err_last_field(), "real");
    assert_int_equal(http_json_int(obj, "name", true, &i), STATUS_INVALID);
    i = 7;
    assert_int_equal(http_json_int(obj, "missing", false, &i), STATUS_OK);
    assert_int_equal(i, 7);

    assert_int_equal(http_json_bool(obj, "flag", true, &b), STATUS_OK);
    assert_true(b);
    assert_int_equal(http_json_bool(obj, "n", true, &b), STATUS_INVALID);
    assert_int_equal(http_json_bool(obj, "missing", true, &b), STATUS_INVALID);
    json_decref(obj);
}

static void test_if_match_parse(void **state)
{
    (void)state;
    int64_t v = -1;
    bool bad = true;
    assert_true(http_if_match_parse("3", &v, &bad));
    assert_int_equal(v, 3);
    assert_false(bad);
    assert_true(http_if_match_parse("\"12\"", &v, &bad));
    assert_int_equal(v, 12);
    assert_true(http_if_match_parse("W/\"5\"", &v, &bad));
    assert_int_equal(v, 5);
    assert_true(http_if_match_parse("  9 ", &v, &bad));
    assert_int_equal(v, 9);
    assert_false(http_if_match_parse("*", &v, &bad));
    assert_false(bad);
    const char *malformed[] = {
        "", "abc", "\"3", "3\"", "-1", "+1", "1.5", "\"\"", "W/3", "99999999999999999999", "\"1\", \"2\"", "W/\"x\""};
    for (size_t k = 0; k < ARRAY_LEN(malformed); k++) {
        bad = false;
        assert_false(http_if_match_parse(malformed[k], &v, &bad));
        assert_true(bad);
    }
}

static void test_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(http_status_for(STATUS_OK), 200);
    assert_int_equal(http_status_for(STATUS_INVALID), 400);
    assert_int_equal(http_status_for(STATUS_UNAUTHENTICATED), 401);
    assert_int_equal(http_status_for(STATUS_DENIED), 403);
    assert_int_equal(http_status_for(STATUS_NOT_FOUND), 404);
    assert_int_equal(http_status_for(STATUS_CONFLICT), 409);
    assert_int_equal(http_status_for(STATUS_PRECONDITION), 412);
    assert_int_equal(http_status_for(STATUS_TOO_LARGE), 413);
    assert_int_equal(http_status_for(STATUS_THROTTLED), 429);
    assert_int_equal(http_status_for(STATUS_IO), 500);
    assert_int_equal(http_status_for(STATUS_CRYPTO), 500);
    assert_int_equal(http_status_for(STATUS_BUSY), 503);
    assert_int_equal(http_status_for(STATUS_UNAVAILABLE), 503);
    assert_int_equal(http_status_for((enum status) - 99), 500);
}

/* ---- the in-process server ------------------------------------------------------------- */

struct app {
    atomic_int before_calls;
    atomic_int after_calls;
    atomic_bool slow_entered;
};

static struct app test_app;

static void h_ping(struct http_request *req, void *app)
{
    (void)app;
    http_respond_json(req, 200, json_pack("{s:b}", "ok", 1));
}

static void h_echo(struct http_request *req, void *app)
{
    (void)app;
    json_t *body = http_request_json(req);
    assert_non_null(body);
    json_incref(body);
    http_respond_json(req, 200, body);
}

static void h_item(struct http_request *req, void *app)
{
    (void)app;
    int64_t version = 0;
    bool malformed = false;
    bool present = http_request_if_match(req, &version, &malformed);
    if (malformed) {
        http_respond_status(req, err_set_field(STATUS_INVALID, "If-Match", "If-Match: not a version"));
        return;
    }
    json_t *out = json_pack("{s:s}", "id", http_request_param(req, "id"));
    if (present) {
        json_object_set_new(out, "if_match", json_integer(version));
    }
    const char *q = http_request_query(req, "q");
    if (q != NULL) {
        json_object_set_new(out, "q", json_string(q));
    }
    const char *c = http_request_cookie(req, "ctis_session");
    if (c != NULL) {
        json_object_set_new(out, "cookie", json_string(c));
    }
    json_object_set_new(out, "client", json_string(http_request_client(req)));
    http_response_etag(req, 4);
    http_respond_json(req, 200, out);
}

static void h_item_delete(struct http_request *req, void *app)
{
    (void)app;
    http_respond_json(req, 204, NULL);
}

static void h_page(struct http_request *req, void *app)
{
    (void)app;
    int64_t limit, offset;
    enum status st = http_request_page(req, &limit, &offset);
    if (st != STATUS_OK) {
        http_respond_status(req, st);
        return;
    }
    http_respond_json(req, 200, json_pack("{s:I,s:I}", "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

static void h_slow(struct http_request *req, void *app)
{
    struct app *a = app;
    atomic_store(&a->slow_entered, true);
    sleep_ms(400);
    http_respond_json(req, 200, json_pack("{s:s}", "slow", "done"));
}

static void h_silent(struct http_request *req, void *app)
{
    (void)req;
    (void)app;
}

static void h_fail(struct http_request *req, void *app)
{
    (void)app;
    http_respond_status(req, err_set(STATUS_IO, "cannot open /secret/path"));
}

static void h_fallback(struct http_request *req, void *app)
{
    (void)app;
    static const char page[] = "<!doctype html><p>page</p>";
    http_respond_bytes(req, 200, "text/html; charset=utf-8", page, sizeof page - 1, false);
}

static bool before_hook(struct http_request *req, const struct http_route *route, void *app)
{
    struct app *a = app;
    atomic_fetch_add(&a->before_calls, 1);
    if (!(route->flags & HTTP_ROUTE_PUBLIC) && http_request_header(req, "X-Deny") != NULL) {
        http_respond_status(req, err_set(STATUS_UNAUTHENTICATED, "sign in first"));
        return false;
    }
    return true;
}

static void after_hook(struct http_request *req, void *app)
{
    struct app *a = app;
    (void)req;
    atomic_fetch_add(&a->after_calls, 1);
}

static const struct http_route test_routes[] = {
    {HTTP_GET, "/api/v1/ping", h_ping, HTTP_ROUTE_PUBLIC, NULL, NULL},
    {HTTP_POST, "/api/v1/echo", h_echo, HTTP_ROUTE_JSON_BODY, "echo", NULL},
    {HTTP_GET, "/api/v1/items/{id}", h_item, 0, "items.read", NULL},
    {HTTP_DELETE, "/api/v1/items/{id}", h_item_delete, 0, "items.delete", NULL},
    {HTTP_GET, "/api/v1/page", h_page, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/slow", h_slow, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/silent", h_silent, 0, NULL, NULL},
    {HTTP_GET, "/api/v1/fail", h_fail, 0, NULL, NULL},
};

static struct http_config test_config(void)
{
    struct http_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.bind_address = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 2;
    cfg.routes = test_routes;
    cfg.routes_count = ARRAY_LEN(test_routes);
    cfg.fallback = h_fallback;
    cfg.before = before_hook;
    cfg.after = after_hook;
    cfg.app = &test_app;
    cfg.access_log = true;
    return cfg;
}

static int server_setup(void **state)
{
    struct http_config cfg = test_config();
    struct http_server *srv = NULL;
    if (http_server_start(&srv, &cfg) != STATUS_OK) {
        fprintf(stderr, "cannot start: %s\n", err_last());
        return -1;
    }
    *state = srv;
    return 0;
}

static int server_teardown(void **state)
{
    http_server_stop(*state);
    return 0;
}

static uint16_t port_of(void **state)
{
    return http_server_port(*state);
}

static void test_server_port_and_headers(void **state)
{
    uint16_t port = port_of(state);
    assert_true(port != 0);
    assert_false(http_server_tls(*state));
    struct reply r;
    char v[512];
    request(port, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"ok\":true}");
    assert_string_equal(reply_header(&r, "Content-Type", v, sizeof v), "application/json");
    assert_string_equal(reply_header(&r, "Content-Security-Policy", v, sizeof v),
                        "default-src 'self'; script-src 'self'; style-src 'self'; "
                        "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                        "object-src 'none'; base-uri 'none'; form-action 'self'; "
                        "frame-ancestors 'none'");
    assert_string_equal(reply_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(reply_header(&r, "X-Frame-Options", v, sizeof v), "DENY");
    assert_string_equal(reply_header(&r, "Referrer-Policy", v, sizeof v), "no-referrer");
    assert_string_equal(reply_header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_string_equal(reply_header(&r, "Cross-Origin-Opener-Policy", v, sizeof v), "same-origin");
    assert_string_equal(reply_header(&r, "Permissions-Policy", v, sizeof v),
                        "camera=(), microphone=(), geolocation=()");
    assert_null(reply_header(&r, "Strict-Transport-Security", v, sizeof v));
    reply_free(&r);

    /* HEAD: the GET route, headers only. */
    request(port, "HEAD", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "");
    assert_non_null(reply_header(&r, "X-Frame-Options", v, sizeof v));
    reply_free(&r);

    /* The fallback serves pages outside /api with the same headers, but may be cached. */
    request(port, "GET", "/index.html", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "<!doctype html><p>page</p>");
    assert_string_equal(reply_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_non_null(reply_header(&r, "Content-Security-Policy", v, sizeof v));
    assert_null(reply_header(&r, "Cache-Control", v, sizeof v));
    reply_free(&r);
}

static void test_server_params_query_cookie(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char v[64];
    request(port, "GET", "/api/v1/items/abc-7?q=hello%20world", "Cookie: ctis_session=s1\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    json_t *root = json_loads(r.body, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "id")), "abc-7");
    assert_string_equal(json_string_value(json_object_get(root, "q")), "hello world");
    assert_string_equal(json_string_value(json_object_get(root, "cookie")), "s1");
    assert_string_equal(json_string_value(json_object_get(root, "client")), "127.0.0.1");
    assert_null(json_object_get(root, "if_match"));
    assert_string_equal(reply_header(&r, "ETag", v, sizeof v), "\"4\"");
    json_decref(root);
    reply_free(&r);

    /* Pages. */
    request(port, "GET", "/api/v1/page", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"limit\":50,\"offset\":0}");
    reply_free(&r);
    request(port, "GET", "/api/v1/page?limit=500&offset=1000", NULL, NULL, 0, &r);
    assert_string_equal(r.body, "{\"limit\":500,\"offset\":1000}");
    reply_free(&r);
    request(port, "GET", "/api/v1/page?limit=501", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "\"field\":\"limit\""));
    reply_free(&r);
    request(port, "GET", "/api/v1/page?limit=0", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(port, "GET", "/api/v1/page?offset=-1", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "\"field\":\"offset\""));
    reply_free(&r);
    request(port, "GET", "/api/v1/page?limit=ten", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

static void test_server_if_match(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char code[32];
    const char *forms[] = {"If-Match: 3\r\n", "If-Match: \"3\"\r\n", "If-Match: W/\"3\"\r\n"};
    for (size_t i = 0; i < ARRAY_LEN(forms); i++) {
        request(port, "GET", "/api/v1/items/1", forms[i], NULL, 0, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"if_match\":3"));
        reply_free(&r);
    }
    request(port, "GET", "/api/v1/items/1", "If-Match: \"three\"\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "invalid");
    assert_non_null(strstr(r.body, "\"field\":\"If-Match\""));
    reply_free(&r);
}

static void test_server_json_errors(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char code[32];
    const char *ct = "Content-Type: application/json\r\n";

    const char *good = "{\"name\":\"Ana\",\"list\":[1,2]}";
    request(port, "POST", "/api/v1/echo", "Content-Type: application/json; charset=utf-8\r\n", good, strlen(good), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, good);
    reply_free(&r);

    /* Malformed JSON: 400 naming the position. */
    request(port, "POST", "/api/v1/echo", ct, "{\"a\":", 5, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "invalid");
    assert_non_null(strstr(r.body, "line 1"));
    reply_free(&r);
    request(port, "POST", "/api/v1/echo", ct, "{\"a\" 1}", 7, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "column"));
    reply_free(&r);

    /* Invalid UTF-8. */
    request(port, "POST", "/api/v1/echo", ct, "{\"a\":\"\xc3\x28\"}", 10, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "invalid");
    reply_free(&r);

    /* Not an object; empty. */
    request(port, "POST", "/api/v1/echo", ct, "[]", 2, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(port, "POST", "/api/v1/echo", ct, "", 0, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);

    /* A string over the limit names its field. */
    struct buf b = BUF_INIT(HTTP_BODY_BYTES_MAX);
    buf_puts(&b, "{\"narrative\":\"");
    for (int i = 0; i <= JSON_STRING_BYTES_MAX; i++) {
        buf_puts(&b, "y");
    }
    buf_puts(&b, "\"}");
    request(port, "POST", "/api/v1/echo", ct, b.data, b.len, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "\"field\":\"narrative\""));
    reply_free(&r);
    buf_free(&b);

    /* Wrong or missing content type: 415. */
    request(port, "POST", "/api/v1/echo", "Content-Type: text/plain\r\n", good, strlen(good), &r);
    assert_int_equal(r.status, 415);
    assert_non_null(strstr(r.body, "\"error\""));
    reply_free(&r);
    request(port, "POST", "/api/v1/echo", NULL, good, strlen(good), &r);
    assert_int_equal(r.status, 415);
    reply_free(&r);
    request(port, "POST", "/api/v1/echo", "Content-Type: application/jsonx\r\n", good, strlen(good), &r);
    assert_int_equal(r.status, 415);
    reply_free(&r);
}

static void test_server_deep_json(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char code[32];
    size_t n = 10000;
    char *deep = xmalloc(n);
    memset(deep, '[', n);
    int64_t t0 = now_ms();
    request(port, "POST", "/api/v1/echo", "Content-Type: application/json\r\n", deep, n, &r);
    int64_t took = now_ms() - t0;
    free(deep);
    assert_int_equal(r.status, 400);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "too_large");
    assert_true(took < 2000);
    reply_free(&r);
}

static void test_server_body_too_large(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char code[32];

    /* 100 MB declared, a few bytes sent: 413 at once, the rest unread. */
    const char *head = "POST /api/v1/echo HTTP/1.1\r\nHost: localhost\r\n"
                       "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"
                       "{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    int fd = client_connect(port);
    assert_true(fd >= 0);
    int64_t t0 = now_ms();
    client_exchange(fd, head, strlen(head), &r);
    assert_true(now_ms() - t0 < 2000);
    assert_int_equal(r.status, 413);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "too_large");
    reply_free(&r);

    /* Just over the limit, declared: 413 too (on a route without a JSON body as well). */
    size_t over = HTTP_BODY_BYTES_MAX + 1;
    char *big = xmalloc(over);
    memset(big, ' ', over);
    request(port, "POST", "/api/v1/echo", "Content-Type: application/json\r\n", big, over, &r);
    assert_int_equal(r.status, 413);
    reply_free(&r);
    free(big);

    /* The server still answers. */
    request(port, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_server_chunked_too_large(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    /* No Content-Length: chunks past the limit close the connection at once. */
    struct buf b = BUF_INIT(4 * HTTP_BODY_BYTES_MAX);
    buf_puts(&b, "POST /api/v1/echo HTTP/1.1\r\nHost: localhost\r\n"
                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    char chunk[16384];
    memset(chunk, ' ', sizeof chunk);
    for (size_t sent = 0; sent <= 2 * (size_t)HTTP_BODY_BYTES_MAX; sent += sizeof chunk) {
        buf_printf(&b, "%zx\r\n", sizeof chunk);
        buf_append(&b, chunk, sizeof chunk);
        buf_puts(&b, "\r\n");
    }
    buf_puts(&b, "0\r\n\r\n");
    int fd = client_connect(port);
    assert_true(fd >= 0);
    client_exchange(fd, b.data, b.len, &r);
    assert_true(r.status == 0 || r.status == 413);
    reply_free(&r);
    buf_free(&b);

    /* A small chunked body is accepted. */
    const char *small = "POST /api/v1/echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
    fd = client_connect(port);
    assert_true(fd >= 0);
    client_exchange(fd, small, strlen(small), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"a\":1}");
    reply_free(&r);

    request(port, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_server_routing_errors(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char v[128];
    char code[32];

    request(port, "GET", "/api/v1/nothing", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "not_found");
    assert_string_equal(reply_header(&r, "Content-Type", v, sizeof v), "application/json");
    assert_non_null(reply_header(&r, "Content-Security-Policy", v, sizeof v));
    reply_free(&r);
    request(port, "GET", "/api", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    /* Outside /api, only GET and HEAD reach the fallback. */
    request(port, "POST", "/index.html", "Content-Type: application/json\r\n", "{}", 2, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);

    request(port, "POST", "/api/v1/items/9", "Content-Type: application/json\r\n", "{}", 2, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(reply_header(&r, "Allow", v, sizeof v), "GET, HEAD, DELETE");
    assert_string_equal(reply_error_code(&r, code, sizeof code), "method_not_allowed");
    reply_free(&r);
    request(port, "OPTIONS", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(reply_header(&r, "Allow", v, sizeof v), "GET, HEAD");
    reply_free(&r);

    request(port, "DELETE", "/api/v1/items/9", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 204);
    reply_free(&r);

    /* URL and header limits. */
    char *target = xmalloc(HTTP_URL_BYTES_MAX + 64);
    snprintf(target, HTTP_URL_BYTES_MAX + 64, "/api/v1/items/1?q=");
    size_t len = strlen(target);
    memset(target + len, 'a', HTTP_URL_BYTES_MAX);
    target[len + HTTP_URL_BYTES_MAX] = '\0';
    request(port, "GET", target, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 414);
    reply_free(&r);
    free(target);

    char *hdr = xmalloc(HTTP_HEADER_BYTES_MAX + 64);
    snprintf(hdr, HTTP_HEADER_BYTES_MAX + 64, "X-Big: ");
    len = strlen(hdr);
    memset(hdr + len, 'h', HTTP_HEADER_BYTES_MAX);
    memcpy(hdr + len + HTTP_HEADER_BYTES_MAX, "\r\n", 3);
    request(port, "GET", "/api/v1/ping", hdr, NULL, 0, &r);
    assert_int_equal(r.status, 431);
    reply_free(&r);
    free(hdr);

    struct buf q = BUF_INIT(4096);
    buf_puts(&q, "/api/v1/page?");
    for (int i = 0; i <= HTTP_QUERY_PARAMS_MAX; i++) {
        buf_printf(&q, "%sp%d=1", i > 0 ? "&" : "", i);
    }
    request(port, "GET", q.data, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    buf_free(&q);
}

static void test_server_hooks(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char code[32];

    int before0 = atomic_load(&test_app.before_calls);
    request(port, "GET", "/api/v1/items/1", "X-Deny: 1\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "unauthenticated");
    reply_free(&r);
    assert_int_equal(atomic_load(&test_app.before_calls), before0 + 1);

    /* A handler that does not respond: 500. */
    request(port, "GET", "/api/v1/silent", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(reply_error_code(&r, code, sizeof code), "internal");
    reply_free(&r);

    /* Internal detail stays out of the response. */
    request(port, "GET", "/api/v1/fail", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 500);
    assert_null(strstr(r.body, "secret"));
    reply_free(&r);

    /* after runs once per dispatched request, once the response is sent. */
    int after0 = atomic_load(&test_app.after_calls);
    before0 = atomic_load(&test_app.before_calls);
    request(port, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    reply_free(&r);
    request(port, "GET", "/api/v1/nothing", NULL, NULL, 0, &r);
    reply_free(&r);
    for (int i = 0; i < 100 && atomic_load(&test_app.after_calls) < after0 + 1; i++) {
        sleep_ms(10);
    }
    sleep_ms(50);
    assert_int_equal(atomic_load(&test_app.after_calls), after0 + 1);
    assert_int_equal(atomic_load(&test_app.before_calls), before0 + 1);
}

static void test_server_keep_alive(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    /* Two requests on one connection. */
    const char *two = "GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\n\r\n"
                      "GET /api/v1/items/2 HTTP/1.1\r\nHost: localhost\r\n"
                      "Connection: close\r\n\r\n";
    int fd = client_connect(port);
    assert_true(fd >= 0);
    client_exchange(fd, two, strlen(two), &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "HTTP/1.1 200"));
    assert_non_null(strstr(r.body, "\"id\":\"2\""));
    reply_free(&r);
}

static void test_server_access_log(void **state)
{
    uint16_t port = port_of(state);
    struct reply r;
    char path[] = "/tmp/ctis_http_log_XXXXXX";
    int logfd = mkstemp(path);
    assert_true(logfd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(logfd, 2);
    log_level_set(LOG_INFO);

    request(port, "GET", "/api/v1/items/77?q=PERSONAL", "Cookie: ctis_session=COOKIE\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(port, "POST", "/api/v1/echo", "Content-Type: application/json\r\n", "{\"name\":\"BODYDATA\"}", 19, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    char text[4096] = "";
    for (int i = 0; i < 100; i++) {
        ssize_t n = pread(logfd, text, sizeof text - 1, 0);
        text[n > 0 ? n : 0] = '\0';
        if (strstr(text, "POST /api/v1/echo") != NULL) {
            break;
        }
        sleep_ms(10);
    }
    log_level_set(LOG_WARN);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(logfd);
    unlink(path);

    assert_non_null(strstr(text, "http GET /api/v1/items/77 200 "));
    assert_non_null(strstr(text, "http POST /api/v1/echo 200 19 "));
    assert_non_null(strstr(text, "ms"));
    assert_null(strstr(text, "PERSONAL"));
    assert_null(strstr(text, "COOKIE"));
    assert_null(strstr(text, "BODYDATA"));
    assert_null(strstr(text, "127.0.0.1"));
}

/* ---- start, TLS and stop --------------------------------------------------------------- */

static void test_server_bad_config(void **state)
{
    (void)state;
    struct http_server *srv = NULL;
    struct http_config cfg = test_config();
    cfg.bind_address = "not-an-address";
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_INVALID);
    assert_null(srv);

    cfg = test_config();
    cfg.threads = HTTP_THREADS_MAX + 1;
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_INVALID);

    cfg = test_config();
    cfg.tls_cert_path = "/nonexistent/cert.pem";
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_INVALID);
    cfg.tls_key_path = "/nonexistent/key.pem";
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_IO);
    assert_null(srv);

    /* A port in use. */
    struct http_server *first = NULL;
    cfg = test_config();
    assert_int_equal(http_server_start(&first, &cfg), STATUS_OK);
    cfg.port = http_server_port(first);
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_UNAVAILABLE);
    assert_null(srv);
    http_server_stop(first);
}

struct tls_dir {
    char dir[64];
    char cert[128];
    char key[128];
};

static bool tls_make(struct tls_dir *t)
{
    if (system("command -v openssl >/dev/null 2>&1") != 0) {
        return false;
    }
    snprintf(t->dir, sizeof t->dir, "/tmp/ctis_http_tls_XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        return false;
    }
    snprintf(t->cert, sizeof t->cert, "%s/cert.pem", t->dir);
    snprintf(t->key, sizeof t->key, "%s/key.pem", t->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
             "-subj /CN=localhost -keyout %s -out %s >/dev/null 2>&1",
             t->key, t->cert);
    return system(cmd) == 0;
}

static void tls_remove(struct tls_dir *t)
{
    unlink(t->cert);
    unlink(t->key);
    rmdir(t->dir);
}

static void test_server_tls(void **state)
{
    (void)state;
    struct tls_dir t;
    if (!tls_make(&t)) {
        printf("[ SKIPPED  ] test_server_tls: openssl is not available to make a certificate\n");
        skip();
    }
    struct http_config cfg = test_config();
    cfg.tls_cert_path = t.cert;
    cfg.tls_key_path = t.key;
    struct http_server *srv = NULL;
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_OK);
    assert_true(http_server_tls(srv));
    uint16_t port = http_server_port(srv);

    /* Plain HTTP to the TLS port gets no HTTP response. */
    struct reply r;
    request(port, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 0);
    reply_free(&r);

    /* Over TLS (openssl s_client): the response carries HSTS. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "printf 'GET /api/v1/ping HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close"
             "\\r\\n\\r\\n' | timeout 10 openssl s_client -connect 127.0.0.1:%u -quiet -ign_eof "
             "2>/dev/null",
             (unsigned)port);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    assert_non_null(strstr(out, "HTTP/1.1 200"));
    assert_non_null(strstr(out, "Strict-Transport-Security: max-age="));
    assert_non_null(strstr(out, "{\"ok\":true}"));

    http_server_stop(srv);
    tls_remove(&t);

    /* A key that is not a key: the server does not start. */
    assert_true(tls_make(&t));
    cfg.tls_key_path = t.cert;
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_UNAVAILABLE);
    tls_remove(&t);
}

struct slow_call {
    uint16_t port;
    struct reply reply;
};

static void *slow_client(void *arg)
{
    struct slow_call *c = arg;
    request(c->port, "GET", "/api/v1/slow", NULL, NULL, 0, &c->reply);
    return NULL;
}

static void test_server_graceful_stop(void **state)
{
    (void)state;
    struct http_config cfg = test_config();
    struct http_server *srv = NULL;
    assert_int_equal(http_server_start(&srv, &cfg), STATUS_OK);
    struct slow_call call;
    memset(&call, 0, sizeof call);
    call.port = http_server_port(srv);
    atomic_store(&test_app.slow_entered, false);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, slow_client, &call), 0);
    for (int i = 0; i < 500 && !atomic_load(&test_app.slow_entered); i++) {
        sleep_ms(2);
    }
    assert_true(atomic_load(&test_app.slow_entered));
    int64_t t0 = now_ms();
    http_server_stop(srv);
    assert_true(now_ms() - t0 < 5000);
    pthread_join(th, NULL);
    assert_int_equal(call.reply.status, 200);
    assert_string_equal(call.reply.body, "{\"slow\":\"done\"}");
    reply_free(&call.reply);

    /* Nothing listens any more. */
    int fd = client_connect(call.port);
    if (fd >= 0) {
        close(fd);
    }
    assert_true(fd < 0);
}

int main(void)
{
    log_level_set(LOG_WARN);
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_route_match),    cmocka_unit_test(test_depth_check),
        cmocka_unit_test(test_parse_limits),   cmocka_unit_test(test_getters),
        cmocka_unit_test(test_if_match_parse), cmocka_unit_test(test_status_mapping),
    };
    const struct CMUnitTest server[] = {
        cmocka_unit_test(test_server_port_and_headers),
        cmocka_unit_test(test_server_params_query_cookie),
        cmocka_unit_test(test_server_if_match),
        cmocka_unit_test(test_server_json_errors),
        cmocka_unit_test(test_server_deep_json),
        cmocka_unit_test(test_server_body_too_large),
        cmocka_unit_test(test_server_chunked_too_large),
        cmocka_unit_test(test_server_routing_errors),
        cmocka_unit_test(test_server_hooks),
        cmocka_unit_test(test_server_keep_alive),
        cmocka_unit_test(test_server_access_log),
    };
    const struct CMUnitTest lifecycle[] = {
        cmocka_unit_test(test_server_bad_config),
        cmocka_unit_test(test_server_tls),
        cmocka_unit_test(test_server_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("http_unit", unit, NULL, NULL);
    failed += cmocka_run_group_tests_name("http_server", server, server_setup, server_teardown);
    failed += cmocka_run_group_tests_name("http_lifecycle", lifecycle, NULL, NULL);
    return failed;
}
