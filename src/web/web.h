/* web: serves the embedded web pages (web/...) and message catalogues (i18n/...) for GET and
 * HEAD requests outside /api/. The pages are static files: all data comes from the JSON API. */
#ifndef CTIS_WEB_WEB_H
#define CTIS_WEB_WEB_H

#include "http/http.h"

/* The http fallback handler: "/" is web/index.html, "/i18n/<file>" an embedded catalogue,
 * any other path web/<path>. Paths with "..", "//", or characters outside [A-Za-z0-9._/-]
 * are refused as not found, so only embedded web and i18n files can ever be served.
 * Responses carry Cache-Control: no-cache so updates reach field offices at once. */
void web_serve(struct http_request *req, void *app);

#endif
