/* web: maps a request path to an embedded asset and sends it without copying: with its entity tag
 * (a browser that has the file gets 304 and no body) and gzip-compressed when the browser takes
 * it, so that a field office on a slow link loads the pages once and small. */
#include "web/web.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/assets.h"
#include "util/limits.h"

#define WEB_INDEX "web/index.html"
#define WEB_I18N_PREFIX "/i18n/"

/* True when path is "/" followed by safe segments: letters, digits, '.', '_', '-', separated
 * by single '/', with no ".." anywhere and no segment starting with '.'. */
bool web_path_safe(const char *path)
{
    size_t len = strlen(path);

    if (len == 0 || len >= HTTP_URL_BYTES_MAX || path[0] != '/') {
        return false;
    }
    if (strstr(path, "..") != NULL || strstr(path, "//") != NULL) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = path[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-' || c == '/';
        if (!ok) {
            return false;
        }
        if (c == '.' && path[i - 1] == '/') {
            return false; /* hidden files and "/." segments */
        }
    }
    return true;
}

/* Whether an If-None-Match list ("*", or tags separated by commas, maybe weak W/) names etag. */
bool web_etag_matches(const char *list, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = list;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        if (*p == '*') {
            return true;
        }
        if (strncmp(p, "W/", 2) == 0) {
            p += 2;
        }
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ')) {
            return true;
        }
        while (*p != '\0' && *p != ',') {
            p++;
        }
    }
    return false;
}

/* Whether an Accept-Encoding header takes gzip (named, or "*", without q=0). */
bool web_accepts_gzip(const char *header)
{
    if (header == NULL) {
        return false;
    }
    const char *p = header;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        const char *name = p;
        while (*p != '\0' && *p != ',' && *p != ';' && *p != ' ') {
            p++;
        }
        size_t n = (size_t)(p - name);
        bool match = (n == 4 && strncasecmp(name, "gzip", 4) == 0) || (n == 1 && *name == '*');
        bool zero = false;
        while (*p != '\0' && *p != ',') { /* parameters: q=0 refuses it */
            if (*p == 'q' && p[1] == '=') {
                const char *q = p + 2;
                zero = q[0] == '0' && (q[1] == '\0' || q[1] == ',' || q[1] == ' ' ||
                                       (q[1] == '.' && strspn(q + 2, "0") == strcspn(q + 2, ", ")));
            }
            p++;
        }
        if (match && !zero) {
            return true;
        }
    }
    return false;
}

/* The asset for a request path, or NULL. */
const struct asset *web_asset_for(const char *path)
{
    char name[HTTP_URL_BYTES_MAX + 8];
    int n;

    if (strcmp(path, "/") == 0) {
        return asset_find(WEB_INDEX);
    }
    if (!web_path_safe(path)) {
        return NULL;
    }
    if (strncmp(path, WEB_I18N_PREFIX, strlen(WEB_I18N_PREFIX)) == 0) {
        const char *file = path + strlen(WEB_I18N_PREFIX);
        if (file[0] == '\0' || strchr(file, '/') != NULL) {
            return NULL;
        }
        n = snprintf(name, sizeof name, "i18n/%s", file);
    } else {
        n = snprintf(name, sizeof name, "web%s", path);
    }
    if (n < 0 || (size_t)n >= sizeof name) {
        return NULL;
    }
    return asset_find(name);
}

void web_serve(struct http_request *req, void *app)
{
    enum http_method method = http_request_method(req);
    const char *path = http_request_path(req);
    const struct asset *a;

    if (method != HTTP_GET && method != HTTP_HEAD) {
        http_response_header(req, "Allow", "GET, HEAD");
        http_respond_error(req, 405, "method_not_allowed", "only GET and HEAD serve pages", NULL);
        return;
    }
    a = path != NULL ? web_asset_for(path) : NULL;
    if (a == NULL) {
        http_respond_error(req, 404, "not_found", "no such page", NULL);
        return;
    }
    http_response_header(req, "Cache-Control", "no-cache");
    http_response_header(req, "ETag", a->etag);
    if (a->gzip != NULL) {
        http_response_header(req, "Vary", "Accept-Encoding");
    }
    const char *inm = http_request_header(req, "If-None-Match");
    if (inm != NULL && web_etag_matches(inm, a->etag)) {
        http_respond_bytes(req, 304, a->content_type, "", 0, false);
        return;
    }
    if (a->gzip != NULL && web_accepts_gzip(http_request_header(req, "Accept-Encoding"))) {
        http_response_header(req, "Content-Encoding", "gzip");
        http_respond_bytes(req, 200, a->content_type, a->gzip, a->gzip_len, false);
        return;
    }
    http_respond_bytes(req, 200, a->content_type, a->data, a->len, false);
}
