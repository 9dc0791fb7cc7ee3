/* web: maps a request path to an embedded asset and sends it without copying. */
#include "web/web.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/assets.h"
#include "util/limits.h"

#define WEB_INDEX "web/index.html"
#define WEB_I18N_PREFIX "/i18n/"

/* True when path is "/" followed by safe segments: letters, digits, '.', '_', '-', separated
 * by single '/', with no ".." anywhere and no segment starting with '.'. */
static bool web_path_safe(const char *path)
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

/* The asset for a request path, or NULL. */
static const struct asset *web_asset_for(const char *path)
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
    http_respond_bytes(req, 200, a->content_type, a->data, a->len, false);
}
