/* api: the JSON API under /api/v1/ (and /healthz): the route table, authentication of each
 * request (session cookie with CSRF header, or bearer API token), and handlers that turn JSON
 * into calls of the domain functions and their results back into JSON. No rule lives here that
 * the CLI would need: handlers only translate. */
#ifndef CTIS_API_API_H
#define CTIS_API_API_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

struct store_pool;
struct vault;

struct api_app {
    struct store_pool *pool;
    struct vault *vault;
    bool tls; /* cookies get Secure */
};

extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* The http hooks: authenticate before the handler, release the connection after. */
bool api_before(struct http_request *req, const struct http_route *route, void *app);
void api_after(struct http_request *req, void *app);

#endif
