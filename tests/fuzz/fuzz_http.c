/* fuzz_http: libFuzzer harness for what ctis itself parses of an HTTP request (issue 10, part F):
 * the path against every route of the API (http_route_match), the static file path
 * (web_path_safe, web_asset_for), If-Match (http_if_match_parse), If-None-Match
 * (web_etag_matches), Accept-Encoding (web_accepts_gzip), Content-Type
 * (http_content_type_is_json), the page parameters (util_parse_i64) and the percent-decoding
 * libmicrohttpd applies to paths and query strings (MHD_http_unescape). The input is split at
 * its first NUL into a path and a header value. Checked: no crash or sanitizer report, an exact
 * route matches only its own path, a served file is an embedded web or i18n asset reached by a
 * path without "..", a version parsed from If-Match prints back the same, and the header
 * readers keep their documented answers for known values. */
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "http/http.h"
#include "util/assets.h"
#include "util/mem.h"
#include "util/util.h"
#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *path)
{
    bool braces = strchr(path, '{') != NULL;
    for (size_t i = 0; i < api_routes_count; i++) {
        const char *pattern = api_routes[i].pattern;
        bool m = http_route_match(pattern, path);
        if (m) {
            ASSERT(path[0] == '/');
        }
        if (strchr(pattern, '{') == NULL) {
            ASSERT(m == (strcmp(pattern, path) == 0));
        }
    }
    if (!braces) {
        ASSERT(http_route_match(path, path) == (path[0] == '/'));
    }

    bool safe = web_path_safe(path);
    ASSERT(!safe ||
           (path[0] == '/' && strstr(path, "..") == NULL && strstr(path, "//") == NULL && strstr(path, "/.") == NULL));
    const struct asset *a = web_asset_for(path);
    if (a != NULL) {
        ASSERT(strcmp(path, "/") == 0 || safe);
        ASSERT(strncmp(a->path, "web/", 4) == 0 || strncmp(a->path, "i18n/", 5) == 0);
        ASSERT(strstr(a->path, "..") == NULL);
    }

    char *copy = xstrdup(path);
    size_t n = MHD_http_unescape(copy);
    ASSERT(n <= strlen(path) && strlen(copy) <= n);
    free(copy);
}

static void check_header(const char *value)
{
    int64_t version = -1;
    bool malformed = true;
    bool found = http_if_match_parse(value, &version, &malformed);
    ASSERT(!(found && malformed));
    if (found) {
        ASSERT(version >= 0);
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)version);
        int64_t again = -1;
        ASSERT(http_if_match_parse(text, &again, &malformed) && again == version && !malformed);
    }

    if (http_content_type_is_json(value)) {
        const char *s = value + strspn(value, " \t");
        ASSERT(strncasecmp(s, "application/json", 16) == 0);
    }

    static const char etag[] = "\"0123abcd\"";
    (void)web_etag_matches(value, etag);
    (void)web_accepts_gzip(value);

    int64_t i = 0;
    if (util_parse_i64(&i, value) == STATUS_OK) {
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)i);
        int64_t again = 0;
        ASSERT(util_parse_i64(&again, text) == STATUS_OK && again == i);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        /* The documented answers, once. */
        ASSERT(web_accepts_gzip("gzip, deflate, br"));
        ASSERT(!web_accepts_gzip("gzip;q=0"));
        ASSERT(web_etag_matches("W/\"0123abcd\"", "\"0123abcd\""));
        ASSERT(http_content_type_is_json("Application/JSON; charset=utf-8"));
        ready = true;
    }
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *path = text;
    const char *header = text + strlen(text) < text + size ? text + strlen(text) + 1 : "";
    check_path(path);
    check_header(header);
    check_header(path);
    free(text);
    return 0;
}
