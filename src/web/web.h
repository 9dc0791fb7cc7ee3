/* web: serves the embedded web pages (web/...) and message catalogues (i18n/...) for GET and
 * HEAD requests outside /api/. The pages are static files: all data comes from the JSON API. */
#ifndef CTIS_WEB_WEB_H
#define CTIS_WEB_WEB_H

#include <stdbool.h>

#include "http/http.h"

/* The http fallback handler: "/" is web/index.html, "/i18n/<file>" an embedded catalogue,
 * any other path web/<path>. Paths with "..", "//", or characters outside [A-Za-z0-9._/-]
 * are refused as not found, so only embedded web and i18n files can ever be served.
 * Responses carry Cache-Control: no-cache so updates reach field offices at once. */
void web_serve(struct http_request *req, void *app);

/* The request-header and path parsing of web_serve (exposed for tests and fuzzing). */
struct asset;
/* True when path is "/" followed by safe segments (see web_serve). */
bool web_path_safe(const char *path);
/* The embedded asset for a request path, or NULL. */
const struct asset *web_asset_for(const char *path);
/* Whether an If-None-Match list ("*", or tags separated by commas, maybe weak W/) names etag. */
bool web_etag_matches(const char *list, const char *etag);
/* Whether an Accept-Encoding header takes gzip (named, or "*", without q=0). */
bool web_accepts_gzip(const char *header);

#endif
