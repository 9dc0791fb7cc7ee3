/* assets: files embedded into the binary at build time by tools/embed.py: the web pages
 * (web/...), the message catalogues (i18n/...) and the migrations (migrations/<dialect>/...). */
#ifndef CTIS_UTIL_ASSETS_H
#define CTIS_UTIL_ASSETS_H

#include <stddef.h>

struct asset {
    const char *path; /* e.g. "web/index.html", "i18n/ar.json" */
    const char *content_type;
    const char *data; /* NUL-terminated copy of the file */
    size_t len;
    const char *etag; /* "\"<hash of the content>\"", for If-None-Match */
    const char *gzip; /* the file gzip-compressed (web text files), or NULL */
    size_t gzip_len;
};

extern const struct asset assets[];
extern const size_t assets_count;

/* The asset at path, or NULL. */
const struct asset *asset_find(const char *path);

#endif
