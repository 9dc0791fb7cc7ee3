/* graph: the entity graph and candidate trafficking networks (issue 7, item 5; part G).
 *
 * Nodes: investigations (labelled by their reference), victims and witnesses (only their
 * pseudonymous reference V-XXXXXXXX), suspects (S-<id> and their role, never a name),
 * investigative entities (one node per kind and blind index: the same phone in two
 * investigations is ONE node, which is how networks join across investigations) and places
 * (countries). Edges: membership in an investigation, entity links, a suspect's entities, money
 * transactions between accounts (count and totals per currency, never converted), places, and
 * optional matches from the linkage (pairs of node keys with a score).
 *
 * Networks: connected components (union-find, places left out: a country would join everything
 * in it), split by community detection (Leiden, so that every community is connected;
 * deterministic) when larger than a bound; ranked by size, victims,
 * countries spanned and transactions. Nothing here opens a sealed value. See docs/networks.md. */
#ifndef CTIS_LINK_GRAPH_H
#define CTIS_LINK_GRAPH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/buf.h"
#include "util/status.h"

#define LINK_GRAPH_KEY_BYTES 96
#define LINK_GRAPH_LABEL_BYTES 72
#define LINK_GRAPH_NODES_MAX (4u * 1024u * 1024u)
#define LINK_NETWORK_SPLIT_DEFAULT 40 /* components with more nodes are split into communities */
#define LINK_NETWORK_MIN_DEFAULT 3    /* smaller networks are not listed */
#define LINK_NETWORK_TOP 5            /* the most central nodes listed per network */

enum link_node_type { LINK_NODE_INVESTIGATION, LINK_NODE_VICTIM, LINK_NODE_SUSPECT, LINK_NODE_ENTITY, LINK_NODE_PLACE };
enum link_edge_type {
    LINK_EDGE_MEMBER,
    LINK_EDGE_LINK,
    LINK_EDGE_USES,
    LINK_EDGE_TRANSACTION,
    LINK_EDGE_MATCH,
    LINK_EDGE_PLACE
};

const char *link_node_type_name(enum link_node_type t); /* investigation, victim, suspect, entity, place */
const char *link_edge_type_name(enum link_edge_type t); /* member, link, uses, transaction, match, place */

struct link_node {
    enum link_node_type type;
    char kind[16]; /* entity: its kind (phone ...); victim: victim or witness; suspect: natural or legal */
    char key[LINK_GRAPH_KEY_BYTES];     /* unique, internal (never exported: an entity's holds its blind index) */
    char label[LINK_GRAPH_LABEL_BYTES]; /* pseudonymous */
    char role[48];                      /* a suspect's role code or "" */
    int64_t record_id;                  /* the row (an entity: the smallest of its rows) */
};

struct link_money {
    char currency[4];
    uint32_t count;
    int64_t total_minor; /* minor units of the currency */
};

struct link_edge {
    uint32_t a, b; /* a < b */
    enum link_edge_type type;
    char relation[32];
    uint32_t count; /* records merged into the edge (transactions for a transaction edge) */
    struct link_money *money;
    size_t nmoney;
    double score; /* a match's */
};

struct link_graph_map;
struct link_graph {
    struct link_node *nodes;
    size_t nnodes, ncap;
    struct link_edge *edges;
    size_t nedges, ecap;
    struct link_graph_map *map;
    bool finished;
};

/* A match from the linkage, between two nodes by key ("victim:<row id>", "suspect:<row id>");
 * a pair naming a node not in the graph is ignored. */
struct link_graph_match {
    const char *a;
    const char *b;
    double score;
};

/* Building by hand (the loader and the tests): a node is found by key or added. */
struct link_graph *link_graph_new(void);
void link_graph_free(struct link_graph *g);
enum status link_graph_node(struct link_graph *g, enum link_node_type type, const char *kind, const char *key,
                            const char *label, int64_t record_id, uint32_t *index_out);
/* -1 when absent. */
int64_t link_graph_find(const struct link_graph *g, const char *key);
void link_graph_edge(struct link_graph *g, uint32_t a, uint32_t b, enum link_edge_type type, const char *relation);
void link_graph_transaction(struct link_graph *g, uint32_t a, uint32_t b, const char *currency, int64_t amount_minor);
void link_graph_match_edge(struct link_graph *g, uint32_t a, uint32_t b, double score);
/* Merges parallel edges (same ends and type: counts and money added) and sorts them; after it
 * the graph is read-only. */
void link_graph_finish(struct link_graph *g);

/* The graph of what the caller reaches: needs link.run and justice.read (checked in that order,
 * before anything else); every investigation in the caller's justice.read scope. Opens no sealed
 * value; one audit entry "link.graph" with the counts. matches may be NULL. */
enum status link_graph_load(const struct auth_ctx *ctx, const struct link_graph_match *matches, size_t nmatches,
                            struct link_graph **out);

struct link_network {
    int id;          /* the rank, from 1 */
    int component;   /* the connected component it belongs to (from 1; communities of one share it) */
    uint32_t *nodes; /* graph node indices, ascending; places last */
    size_t nnodes;   /* including places */
    uint32_t *edges; /* graph edge indices inside the network, ascending */
    size_t nedges;
    size_t size; /* nodes without places */
    size_t investigations, victims, suspects, entities, countries;
    size_t transactions;
    struct link_money *money; /* per currency, by code */
    size_t nmoney;
    size_t external_edges; /* edges to other communities of the component */
    size_t bridges;
    double density;                          /* 2E / (N (N - 1)) over the nodes without places */
    uint32_t top[LINK_NETWORK_TOP];          /* the nodes of highest degree (ties: lower index) */
    double top_centrality[LINK_NETWORK_TOP]; /* degree / (N - 1) */
    size_t ntop;
    bool *bridge; /* per edge of edges[]: removing it disconnects the network */
};

struct link_network_options {
    size_t min_size;    /* 0: LINK_NETWORK_MIN_DEFAULT */
    size_t split_above; /* 0: LINK_NETWORK_SPLIT_DEFAULT */
    uint64_t seed;      /* community detection's order; 0: a fixed default */
};

/* The ranked networks of a finished graph. */
enum status link_networks_find(const struct link_graph *g, const struct link_network_options *o,
                               struct link_network **out, size_t *count_out);
void link_networks_free(struct link_network *list, size_t count);

/* Community detection on the subgraph induced by nodes[0..n) (non-place edges): Leiden for
 * modularity (local moves in a seeded order, a greedy refinement inside each community, then
 * aggregation of the refined communities, until no gain), every community then checked to be
 * connected (split into its connected parts if not: none expected). community_out[i] for nodes[i], numbered from 0 by
 * first appearance; returns the number of communities. *modularity_out (may be NULL): the partition's modularity. */
size_t link_communities(const struct link_graph *g, const uint32_t *nodes, size_t n, uint64_t seed,
                        uint32_t *community_out, double *modularity_out);

/* JSON: the summary (the ranked list's item) and the drawing (nodes and edges). */
json_t *link_network_summary_json(const struct link_graph *g, const struct link_network *n);
json_t *link_network_json(const struct link_graph *g, const struct link_network *n);
/* Exports: ids are "n<index>", labels pseudonymous, no value opened. CSV: one file, a header
 * record,id,type,kind,label,role,source,target,relation,count,money (record: node or edge). */
enum status link_network_graphml(const struct link_graph *g, const struct link_network *n, struct buf *out);
enum status link_network_csv(const struct link_graph *g, const struct link_network *n, struct buf *out);

#endif
