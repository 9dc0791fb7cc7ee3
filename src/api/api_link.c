/* api_link: the record linkage and network routes (issue 7). Part G: the candidate networks of
 * the entity graph (src/link/graph.c): the ranked list, one network's nodes and edges for
 * drawing, and its GraphML and CSV downloads. All need link.run and justice.read; the graph is
 * built per request from what the caller reaches (one audit entry "link.run" per request).
 * Network ids are ranks: stable while the data and min_size stay the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "link/graph.h"
#include "util/mem.h"
#include "util/util.h"

#define NETWORK_EXPORT_BYTES_MAX (64u * 1024u * 1024u)

struct net_args {
    const char *min_size_text;
    int64_t id; /* 0: the list */
    struct link_graph *g;
    struct link_network *nets;
    size_t count;
};

static enum status op_networks(const struct auth_ctx *ctx, void *p)
{
    struct net_args *a = p;
    enum status st = link_graph_load(ctx, NULL, 0, &a->g);
    if (st != STATUS_OK) {
        return st;
    }
    struct link_network_options o = {0};
    if (a->min_size_text != NULL && a->min_size_text[0] != '\0') {
        int64_t v = 0;
        if (util_parse_i64(&v, a->min_size_text) != STATUS_OK || v < 1 || v > 100000) {
            return err_set_field(STATUS_INVALID, "min_size", "min_size: a number from 1 to 100000");
        }
        o.min_size = (size_t)v;
    }
    st = link_networks_find(a->g, &o, &a->nets, &a->count);
    if (st == STATUS_OK && a->id != 0 && (size_t)a->id > a->count) {
        st = err_set(STATUS_NOT_FOUND, "no such network");
    }
    return st;
}

static void net_args_free(struct net_args *a)
{
    link_networks_free(a->nets, a->count);
    link_graph_free(a->g);
}

/* Runs the operation for the route; false (and responded) on an error. */
static bool net_run(struct http_request *req, struct net_args *a, bool one)
{
    a->min_size_text = http_request_query(req, "min_size");
    enum status st = one ? api__path_id(req, &a->id) : STATUS_OK;
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_networks, a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        net_args_free(a);
        return false;
    }
    return true;
}

void api_link_networks(struct http_request *req, void *app)
{
    (void)app;
    struct net_args a = {0};
    if (!net_run(req, &a, false)) {
        return;
    }
    json_t *arr = json_array();
    size_t nodes = 0;
    for (size_t i = 0; i < a.count; i++) {
        json_array_append_new(arr, link_network_summary_json(a.g, &a.nets[i]));
        nodes += a.nets[i].size;
    }
    json_t *o = api__items(arr);
    json_object_set_new(o, "graph_nodes", json_integer((json_int_t)a.g->nnodes));
    json_object_set_new(o, "graph_edges", json_integer((json_int_t)a.g->nedges));
    json_object_set_new(o, "nodes_in_networks", json_integer((json_int_t)nodes));
    api__respond(req, STATUS_OK, 200, o);
    net_args_free(&a);
}

void api_link_network(struct http_request *req, void *app)
{
    (void)app;
    struct net_args a = {0};
    if (!net_run(req, &a, true)) {
        return;
    }
    api__respond(req, STATUS_OK, 200, link_network_json(a.g, &a.nets[a.id - 1]));
    net_args_free(&a);
}

static void net_export(struct http_request *req, bool graphml)
{
    struct net_args a = {0};
    if (!net_run(req, &a, true)) {
        return;
    }
    struct buf b = BUF_INIT(NETWORK_EXPORT_BYTES_MAX);
    const struct link_network *n = &a.nets[a.id - 1];
    enum status st = graphml ? link_network_graphml(a.g, n, &b) : link_network_csv(a.g, n, &b);
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
    } else {
        char disp[96];
        snprintf(disp, sizeof disp, "attachment; filename=\"network-%d.%s\"", n->id, graphml ? "graphml" : "csv");
        http_response_header(req, "Content-Disposition", disp);
        http_respond_bytes(req, 200, graphml ? "application/graphml+xml; charset=utf-8" : "text/csv; charset=utf-8",
                           buf_str(&b), b.len, true);
    }
    buf_free(&b);
    net_args_free(&a);
}

void api_link_network_graphml(struct http_request *req, void *app)
{
    (void)app;
    net_export(req, true);
}

void api_link_network_csv(struct http_request *req, void *app)
{
    (void)app;
    net_export(req, false);
}
