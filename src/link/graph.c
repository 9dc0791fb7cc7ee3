/* graph: the entity graph, its networks and their exports (see graph.h). */
#include "link/graph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "justice/entities.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"

#define UNSET UINT32_MAX

static const char *const node_types[] = {"investigation", "victim", "suspect", "entity", "place"};
static const char *const edge_types[] = {"member", "link", "uses", "transaction", "match", "place"};

const char *link_node_type_name(enum link_node_type t)
{
    return node_types[t];
}

const char *link_edge_type_name(enum link_edge_type t)
{
    return edge_types[t];
}

/* ---- Building ---- */

/* Open addressing from key to node index + 1 (0: empty). */
struct link_graph_map {
    uint32_t *slots;
    size_t cap;
};

static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    return h;
}

static void map_put(struct link_graph *g, uint32_t index)
{
    struct link_graph_map *m = g->map;
    size_t i = key_hash(g->nodes[index].key) & (m->cap - 1);
    while (m->slots[i] != 0) {
        i = (i + 1) & (m->cap - 1);
    }
    m->slots[i] = index + 1;
}

static void map_grow(struct link_graph *g)
{
    struct link_graph_map *m = g->map;
    free(m->slots);
    m->cap = m->cap ? m->cap * 2 : 64;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < g->nnodes; i++) {
        map_put(g, (uint32_t)i);
    }
}

struct link_graph *link_graph_new(void)
{
    struct link_graph *g = xcalloc(1, sizeof *g);
    g->map = xcalloc(1, sizeof *g->map);
    map_grow(g);
    return g;
}

void link_graph_free(struct link_graph *g)
{
    if (g == NULL) {
        return;
    }
    for (size_t i = 0; i < g->nedges; i++) {
        free(g->edges[i].money);
    }
    free(g->edges);
    free(g->nodes);
    if (g->map != NULL) {
        free(g->map->slots);
        free(g->map);
    }
    free(g);
}

int64_t link_graph_find(const struct link_graph *g, const char *key)
{
    const struct link_graph_map *m = g->map;
    size_t i = key_hash(key) & (m->cap - 1);
    while (m->slots[i] != 0) {
        if (strcmp(g->nodes[m->slots[i] - 1].key, key) == 0) {
            return m->slots[i] - 1;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

enum status link_graph_node(struct link_graph *g, enum link_node_type type, const char *kind, const char *key,
                            const char *label, int64_t record_id, uint32_t *index_out)
{
    int64_t found = link_graph_find(g, key);
    if (found >= 0) {
        struct link_node *n = &g->nodes[found];
        if (record_id > 0 && (n->record_id == 0 || record_id < n->record_id)) {
            n->record_id = record_id; /* an entity is named by its smallest row */
        }
        *index_out = (uint32_t)found;
        return STATUS_OK;
    }
    if (g->nnodes >= LINK_GRAPH_NODES_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %u nodes in the graph", LINK_GRAPH_NODES_MAX);
    }
    if (g->nnodes == g->ncap) {
        g->ncap = g->ncap ? g->ncap * 2 : 64;
        g->nodes = xrealloc(g->nodes, g->ncap * sizeof *g->nodes);
    }
    struct link_node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->type = type;
    snprintf(n->kind, sizeof n->kind, "%s", kind ? kind : "");
    snprintf(n->key, sizeof n->key, "%s", key);
    snprintf(n->label, sizeof n->label, "%s", label ? label : "");
    n->record_id = record_id;
    *index_out = (uint32_t)g->nnodes++;
    if (g->nnodes * 2 > g->map->cap) {
        map_grow(g);
    } else {
        map_put(g, *index_out);
    }
    return STATUS_OK;
}

static struct link_edge *edge_add(struct link_graph *g, uint32_t a, uint32_t b, enum link_edge_type type)
{
    if (g->nedges == g->ecap) {
        g->ecap = g->ecap ? g->ecap * 2 : 64;
        g->edges = xrealloc(g->edges, g->ecap * sizeof *g->edges);
    }
    struct link_edge *e = &g->edges[g->nedges++];
    memset(e, 0, sizeof *e);
    e->a = a < b ? a : b;
    e->b = a < b ? b : a;
    e->type = type;
    e->count = 1;
    return e;
}

void link_graph_edge(struct link_graph *g, uint32_t a, uint32_t b, enum link_edge_type type, const char *relation)
{
    if (a == b) {
        return;
    }
    struct link_edge *e = edge_add(g, a, b, type);
    snprintf(e->relation, sizeof e->relation, "%s", relation ? relation : "");
}

void link_graph_transaction(struct link_graph *g, uint32_t a, uint32_t b, const char *currency, int64_t amount_minor)
{
    if (a == b) {
        return;
    }
    struct link_edge *e = edge_add(g, a, b, LINK_EDGE_TRANSACTION);
    e->money = xcalloc(1, sizeof *e->money);
    e->nmoney = 1;
    snprintf(e->money[0].currency, sizeof e->money[0].currency, "%s", currency ? currency : "");
    e->money[0].count = 1;
    e->money[0].total_minor = amount_minor;
}

void link_graph_match_edge(struct link_graph *g, uint32_t a, uint32_t b, double score)
{
    if (a == b) {
        return;
    }
    edge_add(g, a, b, LINK_EDGE_MATCH)->score = score;
}

static int cmp_edge(const void *x, const void *y)
{
    const struct link_edge *p = x, *q = y;
    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    if (p->b != q->b) {
        return p->b < q->b ? -1 : 1;
    }
    return (int)p->type - (int)q->type;
}

static int cmp_money(const void *x, const void *y)
{
    return strcmp(((const struct link_money *)x)->currency, ((const struct link_money *)y)->currency);
}

/* Adds money (count and totals per currency) into *list. */
static void money_merge(struct link_money **list, size_t *n, const struct link_money *add, size_t nadd)
{
    for (size_t i = 0; i < nadd; i++) {
        size_t j = 0;
        while (j < *n && strcmp((*list)[j].currency, add[i].currency) != 0) {
            j++;
        }
        if (j == *n) {
            *list = xrealloc(*list, (*n + 1) * sizeof **list);
            (*list)[j] = add[i];
            (*n)++;
        } else {
            (*list)[j].count += add[i].count;
            (*list)[j].total_minor += add[i].total_minor;
        }
    }
    if (*n > 1) {
        qsort(*list, *n, sizeof **list, cmp_money);
    }
}

void link_graph_finish(struct link_graph *g)
{
    if (g->nedges > 1) {
        qsort(g->edges, g->nedges, sizeof *g->edges, cmp_edge);
    }
    size_t w = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        struct link_edge *e = &g->edges[i];
        if (w > 0 && cmp_edge(&g->edges[w - 1], e) == 0) {
            struct link_edge *k = &g->edges[w - 1];
            k->count += e->count;
            money_merge(&k->money, &k->nmoney, e->money, e->nmoney);
            if (e->score > k->score) {
                k->score = e->score;
            }
            free(e->money);
            continue;
        }
        g->edges[w++] = *e;
    }
    g->nedges = w;
    g->finished = true;
}

/* ---- Loading what the caller reaches ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static bool reached(const int64_t *ids, size_t n, int64_t id)
{
    return bsearch(&id, ids, n, sizeof *ids, cmp_i64) != NULL;
}

static enum status place_edge(struct link_graph *g, uint32_t from, const char *country)
{
    if (country == NULL || country[0] == '\0') {
        return STATUS_OK;
    }
    char key[LINK_GRAPH_KEY_BYTES];
    snprintf(key, sizeof key, "place:%s", country);
    uint32_t p;
    enum status st = link_graph_node(g, LINK_NODE_PLACE, "country", key, country, 0, &p);
    if (st == STATUS_OK) {
        link_graph_edge(g, from, p, LINK_EDGE_PLACE, "");
    }
    return st;
}

struct loader {
    const struct auth_ctx *ctx;
    struct link_graph *g;
    int64_t *invs; /* reached investigations, ascending */
    size_t ninvs;
    struct sql_value args[2];
};

static enum status load_investigations(struct loader *l)
{
    struct store_rows *r = NULL;
    enum status st = store_exec(l->ctx->store, STMT_LINK_GRAPH_INVESTIGATIONS, l->args, 2, &r);
    size_t cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t id = store_rows_i64(r, 0);
        struct auth_record rec = {"investigation", id, store_rows_i64(r, 1), store_rows_i64(r, 2),
                                  AUTH_SENSITIVITY_NORMAL};
        if (auth_decide(l->ctx, "justice.read", &rec, AUTH_FG_NONE, false) != STATUS_OK) {
            continue;
        }
        if (l->ninvs == cap) {
            cap = cap ? cap * 2 : 16;
            l->invs = xrealloc(l->invs, cap * sizeof *l->invs);
        }
        l->invs[l->ninvs++] = id;
        char key[LINK_GRAPH_KEY_BYTES];
        snprintf(key, sizeof key, "investigation:%lld", (long long)id);
        uint32_t n;
        st = link_graph_node(l->g, LINK_NODE_INVESTIGATION, "", key, store_rows_text(r, 3), id, &n);
        if (st == STATUS_OK) {
            st = place_edge(l->g, n, store_rows_text(r, 4));
        }
    }
    store_rows_free(r);
    if (st == STATUS_DONE && l->ninvs > 1) {
        qsort(l->invs, l->ninvs, sizeof *l->invs, cmp_i64);
    }
    return st == STATUS_DONE ? STATUS_OK : st;
}

static uint32_t inv_node(const struct loader *l, int64_t inv_id)
{
    char key[LINK_GRAPH_KEY_BYTES];
    snprintf(key, sizeof key, "investigation:%lld", (long long)inv_id);
    return (uint32_t)link_graph_find(l->g, key);
}

static enum status load_people(struct loader *l, bool suspects)
{
    struct store_rows *r = NULL;
    enum status st =
        store_exec(l->ctx->store, suspects ? STMT_LINK_GRAPH_SUSPECTS : STMT_LINK_GRAPH_VICTIMS, l->args, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t inv = store_rows_i64(r, 0), id = store_rows_i64(r, 1);
        if (!reached(l->invs, l->ninvs, inv)) {
            continue;
        }
        char key[LINK_GRAPH_KEY_BYTES], label[LINK_GRAPH_LABEL_BYTES];
        snprintf(key, sizeof key, "%s:%lld", suspects ? "suspect" : "victim", (long long)id);
        if (suspects) {
            snprintf(label, sizeof label, "S-%lld", (long long)id);
        } else {
            snprintf(label, sizeof label, "%s", store_rows_text(r, 2));
        }
        uint32_t n;
        st = link_graph_node(l->g, suspects ? LINK_NODE_SUSPECT : LINK_NODE_VICTIM, store_rows_text(r, 3), key, label,
                             id, &n);
        if (st != STATUS_OK) {
            break;
        }
        link_graph_edge(l->g, inv_node(l, inv), n, LINK_EDGE_MEMBER, "");
        if (suspects) {
            snprintf(l->g->nodes[n].role, sizeof l->g->nodes[n].role, "%s", store_rows_text(r, 2));
            st = place_edge(l->g, n, store_rows_text(r, 4));
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* Entity row id -> node, for the links and transactions (sorted by row id). */
struct ent_ref {
    int64_t id;
    uint32_t node;
};

static int cmp_ref(const void *a, const void *b)
{
    return cmp_i64(&((const struct ent_ref *)a)->id, &((const struct ent_ref *)b)->id);
}

static int64_t ref_node(const struct ent_ref *refs, size_t n, int64_t id)
{
    struct ent_ref k = {id, 0};
    const struct ent_ref *f = bsearch(&k, refs, n, sizeof *refs, cmp_ref);
    return f ? (int64_t)f->node : -1;
}

static enum status load_entities(struct loader *l, size_t *nentities, size_t *ntx)
{
    struct justice_entity_key *keys = NULL;
    struct justice_entity_link *links = NULL;
    size_t nk = 0, nl = 0;
    enum status st = justice_entity_graph(l->ctx, &keys, &nk, &links, &nl);
    if (st != STATUS_OK) {
        return st;
    }
    struct ent_ref *refs = xmalloc((nk ? nk : 1) * sizeof *refs);
    size_t nr = 0;
    for (size_t i = 0; i < nk && st == STATUS_OK; i++) {
        if (!reached(l->invs, l->ninvs, keys[i].investigation_id) || keys[i].bidx_hex[0] == '\0') {
            continue;
        }
        char key[LINK_GRAPH_KEY_BYTES];
        snprintf(key, sizeof key, "entity:%s:%s", keys[i].kind, keys[i].bidx_hex);
        uint32_t n;
        st = link_graph_node(l->g, LINK_NODE_ENTITY, keys[i].kind, key, "", keys[i].id, &n);
        if (st == STATUS_OK) {
            refs[nr++] = (struct ent_ref){keys[i].id, n};
            link_graph_edge(l->g, inv_node(l, keys[i].investigation_id), n, LINK_EDGE_MEMBER, "");
        }
    }
    qsort(refs, nr, sizeof *refs, cmp_ref);
    for (size_t i = 0; i < nl && st == STATUS_OK; i++) {
        int64_t a = ref_node(refs, nr, links[i].from_entity), b = ref_node(refs, nr, links[i].to_entity);
        if (a >= 0 && b >= 0) {
            link_graph_edge(l->g, (uint32_t)a, (uint32_t)b, LINK_EDGE_LINK, links[i].relation);
        }
    }
    /* A suspect's entities and the entities' countries. */
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(l->ctx->store, STMT_LINK_GRAPH_ENTITY_TIES, l->args, 2, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t n = ref_node(refs, nr, store_rows_i64(r, 1));
        if (n < 0 || !reached(l->invs, l->ninvs, store_rows_i64(r, 0))) {
            continue;
        }
        int64_t suspect = store_rows_i64(r, 2);
        if (suspect > 0) {
            char key[LINK_GRAPH_KEY_BYTES];
            snprintf(key, sizeof key, "suspect:%lld", (long long)suspect);
            int64_t s = link_graph_find(l->g, key);
            if (s >= 0) {
                link_graph_edge(l->g, (uint32_t)s, (uint32_t)n, LINK_EDGE_USES, "");
            }
        }
        st = place_edge(l->g, (uint32_t)n, store_rows_text(r, 3));
    }
    store_rows_free(r);
    r = NULL;
    if (st == STATUS_DONE) {
        st = store_exec(l->ctx->store, STMT_LINK_GRAPH_TRANSACTIONS, l->args, 2, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int64_t a = ref_node(refs, nr, store_rows_i64(r, 1)), b = ref_node(refs, nr, store_rows_i64(r, 2));
        if (a < 0 || b < 0 || !reached(l->invs, l->ninvs, store_rows_i64(r, 0))) {
            continue;
        }
        link_graph_transaction(l->g, (uint32_t)a, (uint32_t)b, store_rows_text(r, 4), store_rows_i64(r, 3));
        (*ntx)++;
    }
    store_rows_free(r);
    *nentities = nr;
    free(refs);
    free(keys);
    free(links);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static void entity_labels(struct link_graph *g)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        struct link_node *n = &g->nodes[i];
        if (n->type == LINK_NODE_ENTITY && strcmp(n->kind, "record") != 0) { /* a partner's record keeps its label */
            snprintf(n->label, sizeof n->label, "%s-%lld", n->kind, (long long)n->record_id);
        }
    }
}

/* The saved linkage runs' matches (issue 7, item 3): each matched record of a partner agency is a
 * node ("record", labelled <project>/<its id>, never resolved: it is the other agency's) tied by a
 * match edge to the victim whose case is this agency's side of the pair. Two victims of different
 * investigations matched to one partner record, or a partner record matched in several runs of a
 * project, join their networks. Only the runs of the caller's agency (scope all: every run), and
 * only victims already in the graph (their investigation in scope). */
static enum status load_run_matches(struct loader *l, size_t *count)
{
    struct store_rows *r = NULL;
    struct sql_value a[] = {l->args[0]};
    enum status st = store_exec(l->ctx->store, STMT_LINK_GRAPH_RUN_MATCHES, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        char vkey[LINK_GRAPH_KEY_BYTES], rkey[LINK_GRAPH_KEY_BYTES], label[LINK_GRAPH_LABEL_BYTES];
        snprintf(vkey, sizeof vkey, "victim:%lld", (long long)store_rows_i64(r, 4));
        int64_t v = link_graph_find(l->g, vkey);
        if (v < 0) {
            continue;
        }
        const char *project = store_rows_text(r, 2), *remote = store_rows_text(r, 3);
        snprintf(rkey, sizeof rkey, "record:%s:%s", project, remote);
        snprintf(label, sizeof label, "%s/%s", project, remote);
        uint32_t node = 0;
        st = link_graph_node(l->g, LINK_NODE_ENTITY, "record", rkey, label, store_rows_i64(r, 1), &node);
        if (st == STATUS_OK) {
            link_graph_match_edge(l->g, (uint32_t)v, node, store_rows_f64(r, 0));
            (*count)++;
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status link_graph_load(const struct auth_ctx *ctx, const struct link_graph_match *matches, size_t nmatches,
                            struct link_graph **out)
{
    *out = NULL;
    enum status st = auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, false);
    if (st == STATUS_DENIED) {
        return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "network graph");
    }
    if (st == STATUS_OK && auth_decide(ctx, "justice.read", NULL, AUTH_FG_NONE, false) != STATUS_OK) {
        return auth_check(ctx, "justice.read", NULL, AUTH_FG_NONE, false, "network graph");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct loader l = {.ctx = ctx, .g = link_graph_new()};
    int64_t agency, owner;
    auth_scope_filter(ctx->who, &agency, &owner);
    l.args[0] = SQLV_I64(agency);
    l.args[1] = SQLV_I64(owner);
    size_t nentities = 0, ntx = 0, nmatched = 0;
    st = load_investigations(&l);
    if (st == STATUS_OK) {
        st = load_people(&l, false);
    }
    if (st == STATUS_OK) {
        st = load_people(&l, true);
    }
    if (st == STATUS_OK) {
        st = load_entities(&l, &nentities, &ntx);
    }
    if (st == STATUS_OK) {
        st = load_run_matches(&l, &nmatched);
    }
    for (size_t i = 0; st == STATUS_OK && i < nmatches; i++) {
        int64_t a = link_graph_find(l.g, matches[i].a), b = link_graph_find(l.g, matches[i].b);
        if (a >= 0 && b >= 0) {
            link_graph_match_edge(l.g, (uint32_t)a, (uint32_t)b, matches[i].score);
            nmatched++;
        }
    }
    if (st == STATUS_OK) {
        entity_labels(l.g);
        link_graph_finish(l.g);
        char detail[160];
        snprintf(detail, sizeof detail,
                 "graph: %zu investigations, %zu nodes, %zu edges, %zu entities, %zu transactions, "
                 "%zu matches",
                 l.ninvs, l.g->nnodes, l.g->nedges, nentities, ntx, nmatched);
        st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, detail);
    }
    free(l.invs);
    if (st != STATUS_OK) {
        link_graph_free(l.g);
        return st;
    }
    *out = l.g;
    return STATUS_OK;
}

/* ---- Adjacency ---- */

struct adj {
    size_t *start; /* n + 1 */
    uint32_t *to;
    uint32_t *edge;
};

/* Non-place edges only (places: with_places). */
static void adj_build(const struct link_graph *g, bool with_places, struct adj *a)
{
    a->start = xcalloc(g->nnodes + 1, sizeof *a->start);
    for (size_t i = 0; i < g->nedges; i++) {
        const struct link_edge *e = &g->edges[i];
        if (e->type == LINK_EDGE_PLACE && !with_places) {
            continue;
        }
        a->start[e->a + 1]++;
        a->start[e->b + 1]++;
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        a->start[i + 1] += a->start[i];
    }
    size_t total = a->start[g->nnodes];
    a->to = xmalloc((total ? total : 1) * sizeof *a->to);
    a->edge = xmalloc((total ? total : 1) * sizeof *a->edge);
    size_t *fill = xmalloc((g->nnodes ? g->nnodes : 1) * sizeof *fill);
    memcpy(fill, a->start, g->nnodes * sizeof *fill);
    for (size_t i = 0; i < g->nedges; i++) {
        const struct link_edge *e = &g->edges[i];
        if (e->type == LINK_EDGE_PLACE && !with_places) {
            continue;
        }
        a->to[fill[e->a]] = e->b;
        a->edge[fill[e->a]++] = (uint32_t)i;
        a->to[fill[e->b]] = e->a;
        a->edge[fill[e->b]++] = (uint32_t)i;
    }
    free(fill);
}

static void adj_free(struct adj *a)
{
    free(a->start);
    free(a->to);
    free(a->edge);
}

/* ---- Union-find (union by size, path halving) ---- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void uf_union(uint32_t *parent, uint32_t *size, uint32_t a, uint32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) {
        return;
    }
    if (size[a] < size[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
}

/* ---- Community detection (Leiden, then a check that every community is connected) ---- */

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A weighted graph of one level (CSR, both directions; self loops once with their weight). */
struct wgraph {
    size_t n;
    size_t *start;
    uint32_t *to;
    double *w;
};

static void wgraph_free(struct wgraph *w)
{
    free(w->start);
    free(w->to);
    free(w->w);
}

/* Leiden (Traag, Waltman and van Eck 2019) for modularity, with a greedy refinement. Per level:
 * (1) local moves of nodes between communities from the partition given (comm), in a seeded
 * order, while modularity improves; (2) refinement: inside each community, singletons that are
 * well connected to it merge, greedily, into well-connected sub-communities; (3) the graph of the
 * refined communities, its nodes starting in their community of (1). The refined communities are
 * connected by construction, and so are the final ones (checked again by the caller). */

static void weighted_degrees(const struct wgraph *w, double *k, double *m2)
{
    *m2 = 0;
    for (size_t i = 0; i < w->n; i++) {
        k[i] = 0;
        for (size_t j = w->start[i]; j < w->start[i + 1]; j++) {
            k[i] += w->w[j];
        }
        *m2 += k[i];
    }
}

static void shuffled(uint32_t *order, size_t n, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint32_t)i;
    }
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates with the seed */
        size_t j = (size_t)(rng_next(seed) % i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* Local moves from the partition comm[] (ids < n); true when a node moved. */
static bool move_nodes(const struct wgraph *w, const double *k, double m2, uint32_t *comm, uint64_t *seed)
{
    size_t n = w->n;
    double *tot = xcalloc(n ? n : 1, sizeof *tot), *neighw = xcalloc(n ? n : 1, sizeof *neighw);
    uint32_t *touched = xmalloc((n ? n : 1) * sizeof *touched), *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        tot[comm[i]] += k[i];
    }
    shuffled(order, n, seed);
    bool any = false;
    for (int pass = 0; pass < 100 && m2 > 0; pass++) {
        bool moved = false;
        for (size_t oi = 0; oi < n; oi++) {
            uint32_t i = order[oi], ci = comm[i];
            size_t nt = 0;
            for (size_t j = w->start[i]; j < w->start[i + 1]; j++) {
                if (w->to[j] == i) {
                    continue;
                }
                uint32_t c = comm[w->to[j]];
                if (neighw[c] == 0) {
                    touched[nt++] = c;
                }
                neighw[c] += w->w[j];
            }
            tot[ci] -= k[i];
            uint32_t best = ci;
            double best_gain = neighw[ci] - tot[ci] * k[i] / m2;
            for (size_t t = 0; t < nt; t++) {
                uint32_t c = touched[t];
                double gain = neighw[c] - tot[c] * k[i] / m2;
                if (gain > best_gain + 1e-12) {
                    best = c;
                    best_gain = gain;
                }
            }
            tot[best] += k[i];
            comm[i] = best;
            for (size_t t = 0; t < nt; t++) {
                neighw[touched[t]] = 0;
            }
            neighw[ci] = 0;
            if (best != ci) {
                moved = true;
                any = true;
            }
        }
        if (!moved) {
            break;
        }
    }
    free(tot);
    free(neighw);
    free(touched);
    free(order);
    return any;
}

/* The refined partition ref[] (ids are node indices) of comm[]: a node still alone and well
 * connected to its community (E(v, C - v) >= k_v (K_C - k_v) / 2m) joins the well-connected
 * sub-community of C with the largest positive modularity gain. */
static void refine(const struct wgraph *w, const double *k, double m2, const uint32_t *comm, uint32_t *ref,
                   uint64_t *seed)
{
    size_t n = w->n;
    double *ctot = xcalloc(n ? n : 1, sizeof *ctot), *rtot = xmalloc((n ? n : 1) * sizeof *rtot);
    double *ext = xcalloc(n ? n : 1, sizeof *ext), *neighw = xcalloc(n ? n : 1, sizeof *neighw);
    bool *single = xmalloc((n ? n : 1) * sizeof *single);
    uint32_t *touched = xmalloc((n ? n : 1) * sizeof *touched), *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        ref[i] = (uint32_t)i;
        rtot[i] = k[i];
        single[i] = true;
        ctot[comm[i]] += k[i];
        for (size_t j = w->start[i]; j < w->start[i + 1]; j++) {
            if (w->to[j] != i && comm[w->to[j]] == comm[i]) {
                ext[i] += w->w[j];
            }
        }
    }
    shuffled(order, n, seed);
    for (size_t oi = 0; oi < n && m2 > 0; oi++) {
        uint32_t v = order[oi], c = comm[v];
        if (!single[v] || ext[v] < k[v] * (ctot[c] - k[v]) / m2) {
            continue;
        }
        size_t nt = 0;
        for (size_t j = w->start[v]; j < w->start[v + 1]; j++) {
            uint32_t u = w->to[j];
            if (u == v || comm[u] != c) {
                continue;
            }
            if (neighw[ref[u]] == 0) {
                touched[nt++] = ref[u];
            }
            neighw[ref[u]] += w->w[j];
        }
        uint32_t best = v;
        double best_gain = 1e-12;
        for (size_t t = 0; t < nt; t++) {
            uint32_t r = touched[t];
            if (ext[r] < rtot[r] * (ctot[c] - rtot[r]) / m2) {
                continue; /* not well connected to its community */
            }
            double gain = neighw[r] - k[v] * rtot[r] / m2;
            if (gain > best_gain) {
                best = r;
                best_gain = gain;
            }
        }
        if (best != v) {
            ext[best] += ext[v] - 2 * neighw[best];
            rtot[best] += k[v];
            ref[v] = best;
            single[v] = single[best] = false;
        }
        for (size_t t = 0; t < nt; t++) {
            neighw[touched[t]] = 0;
        }
    }
    free(ctot);
    free(rtot);
    free(ext);
    free(neighw);
    free(single);
    free(touched);
    free(order);
}

/* Renumbers comm[0..n) to 0..count-1 by first appearance; returns count. */
static size_t renumber(uint32_t *comm, size_t n, size_t range)
{
    uint32_t *map = xmalloc((range ? range : 1) * sizeof *map);
    for (size_t i = 0; i < range; i++) {
        map[i] = UNSET;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (map[comm[i]] == UNSET) {
            map[comm[i]] = (uint32_t)count++;
        }
        comm[i] = map[comm[i]];
    }
    free(map);
    return count;
}

/* The graph of communities: weights summed (internal ones as self loops). */
static void aggregate(const struct wgraph *w, const uint32_t *comm, size_t count, struct wgraph *out)
{
    /* Gather (c1, c2, weight) for every directed entry, then sort-merge per row. */
    size_t total = w->start[w->n];
    struct trip {
        uint32_t a, b;
        double w;
    } *t = xmalloc((total ? total : 1) * sizeof *t);
    for (size_t i = 0; i < w->n; i++) {
        for (size_t j = w->start[i]; j < w->start[i + 1]; j++) {
            t[j] = (struct trip){comm[i], comm[w->to[j]], w->w[j]};
        }
    }
    /* counting sort by a, then merge equal b within a row with a small scan table */
    out->n = count;
    out->start = xcalloc(count + 1, sizeof *out->start);
    uint32_t *seen = xmalloc((count ? count : 1) * sizeof *seen);
    size_t *slot = xmalloc((count ? count : 1) * sizeof *slot);
    for (size_t c = 0; c < count; c++) {
        seen[c] = UNSET;
    }
    size_t *rowcount = xcalloc(count + 1, sizeof *rowcount);
    for (size_t j = 0; j < total; j++) {
        rowcount[t[j].a + 1]++;
    }
    for (size_t c = 0; c < count; c++) {
        rowcount[c + 1] += rowcount[c];
    }
    uint32_t *byrow = xmalloc((total ? total : 1) * sizeof *byrow);
    size_t *fill = xmalloc((count ? count : 1) * sizeof *fill);
    memcpy(fill, rowcount, count * sizeof *fill);
    for (size_t j = 0; j < total; j++) {
        byrow[fill[t[j].a]++] = (uint32_t)j;
    }
    out->to = xmalloc((total ? total : 1) * sizeof *out->to);
    out->w = xmalloc((total ? total : 1) * sizeof *out->w);
    size_t n = 0;
    for (size_t c = 0; c < count; c++) {
        out->start[c] = n;
        for (size_t r = rowcount[c]; r < rowcount[c + 1]; r++) {
            const struct trip *p = &t[byrow[r]];
            if (seen[p->b] == c) {
                out->w[slot[p->b]] += p->w;
                continue;
            }
            seen[p->b] = (uint32_t)c;
            slot[p->b] = n;
            out->to[n] = p->b;
            out->w[n++] = p->w;
        }
    }
    out->start[count] = n;
    free(t);
    free(seen);
    free(slot);
    free(rowcount);
    free(byrow);
    free(fill);
}

/* link_communities with the graph's adjacency (non-place edges) and a scratch array of
 * g->nnodes entries, all UNSET on entry and on return. */
static size_t communities(const struct adj *ap, uint32_t *local, const uint32_t *nodes, size_t n, uint64_t seed,
                          uint32_t *community_out, double *modularity_out)
{
    if (n == 0) {
        if (modularity_out) {
            *modularity_out = 0;
        }
        return 0;
    }
    uint64_t rng = seed ? seed : 0x5EEDC715ull;
    for (size_t i = 0; i < n; i++) {
        local[nodes[i]] = (uint32_t)i;
    }
    const struct adj a = *ap;
    /* Level 0: the induced subgraph, weight 1 per edge. */
    struct wgraph w = {.n = n, .start = xcalloc(n + 1, sizeof(size_t))};
    for (size_t i = 0; i < n; i++) {
        for (size_t j = a.start[nodes[i]]; j < a.start[nodes[i] + 1]; j++) {
            if (local[a.to[j]] != UNSET) {
                w.start[i + 1]++;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        w.start[i + 1] += w.start[i];
    }
    w.to = xmalloc((w.start[n] ? w.start[n] : 1) * sizeof *w.to);
    w.w = xmalloc((w.start[n] ? w.start[n] : 1) * sizeof *w.w);
    for (size_t i = 0, p = 0; i < n; i++) {
        for (size_t j = a.start[nodes[i]]; j < a.start[nodes[i] + 1]; j++) {
            if (local[a.to[j]] != UNSET) {
                w.to[p] = local[a.to[j]];
                w.w[p++] = 1.0;
            }
        }
    }
    uint32_t *member = community_out; /* original node -> node of the current level */
    for (size_t i = 0; i < n; i++) {
        member[i] = (uint32_t)i;
    }
    struct wgraph level = w;
    bool own = false; /* level is an aggregate to free */
    uint32_t *comm = xmalloc(n * sizeof *comm), *ref = xmalloc(n * sizeof *ref), *first = xmalloc(n * sizeof *first);
    double *k = xmalloc(n * sizeof *k), lm2 = 0;
    for (size_t i = 0; i < n; i++) {
        comm[i] = (uint32_t)i;
    }
    for (int depth = 0; depth < 32; depth++) {
        weighted_degrees(&level, k, &lm2);
        move_nodes(&level, k, lm2, comm, &rng);
        size_t count = renumber(comm, level.n, level.n);
        if (count == level.n) {
            break; /* every node alone: done */
        }
        refine(&level, k, lm2, comm, ref, &rng);
        size_t rcount = renumber(ref, level.n, level.n);
        if (rcount == level.n) {
            break; /* nothing merged: aggregating would change nothing */
        }
        for (size_t i = 0; i < n; i++) {
            member[i] = ref[member[i]];
        }
        /* The aggregate's nodes start in the community of (1) their members were in. */
        for (size_t r = 0; r < rcount; r++) {
            first[r] = UNSET;
        }
        for (size_t i = 0; i < level.n; i++) {
            if (first[ref[i]] == UNSET) {
                first[ref[i]] = comm[i];
            }
        }
        struct wgraph next;
        aggregate(&level, ref, rcount, &next);
        if (own) {
            wgraph_free(&level);
        }
        level = next;
        own = true;
        memcpy(comm, first, rcount * sizeof *comm);
    }
    for (size_t i = 0; i < n; i++) {
        member[i] = comm[member[i]];
    }
    free(ref);
    free(first);
    free(k);
    if (own) {
        wgraph_free(&level);
    }
    /* Refinement: every community split into its connected parts (BFS inside the community). */
    uint32_t *part = comm; /* reuse: part per node */
    for (size_t i = 0; i < n; i++) {
        part[i] = UNSET;
    }
    uint32_t *queue = xmalloc(n * sizeof *queue);
    size_t parts = 0;
    for (size_t s = 0; s < n; s++) {
        if (part[s] != UNSET) {
            continue;
        }
        size_t head = 0, tail = 0;
        queue[tail++] = (uint32_t)s;
        part[s] = (uint32_t)parts;
        while (head < tail) {
            uint32_t u = queue[head++];
            for (size_t j = w.start[u]; j < w.start[u + 1]; j++) {
                uint32_t v = w.to[j];
                if (part[v] == UNSET && member[v] == member[u]) {
                    part[v] = (uint32_t)parts;
                    queue[tail++] = v;
                }
            }
        }
        parts++;
    }
    memcpy(community_out, part, n * sizeof *part);
    if (modularity_out) {
        double m2 = (double)w.start[n], q = 0;
        double *in = xcalloc(parts, sizeof *in), *tot = xcalloc(parts, sizeof *tot);
        for (size_t i = 0; i < n; i++) {
            tot[community_out[i]] += (double)(w.start[i + 1] - w.start[i]);
            for (size_t j = w.start[i]; j < w.start[i + 1]; j++) {
                if (community_out[w.to[j]] == community_out[i]) {
                    in[community_out[i]] += 1.0;
                }
            }
        }
        for (size_t c = 0; m2 > 0 && c < parts; c++) {
            q += in[c] / m2 - (tot[c] / m2) * (tot[c] / m2);
        }
        *modularity_out = q;
        free(in);
        free(tot);
    }
    free(queue);
    free(comm);
    wgraph_free(&w);
    for (size_t i = 0; i < n; i++) {
        local[nodes[i]] = UNSET;
    }
    return parts;
}

size_t link_communities(const struct link_graph *g, const uint32_t *nodes, size_t n, uint64_t seed,
                        uint32_t *community_out, double *modularity_out)
{
    struct adj a;
    adj_build(g, false, &a);
    uint32_t *local = xmalloc((g->nnodes ? g->nnodes : 1) * sizeof *local);
    for (size_t i = 0; i < g->nnodes; i++) {
        local[i] = UNSET;
    }
    size_t parts = communities(&a, local, nodes, n, seed, community_out, modularity_out);
    free(local);
    adj_free(&a);
    return parts;
}

/* ---- Networks ---- */

void link_networks_free(struct link_network *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].nodes);
        free(list[i].edges);
        free(list[i].money);
        free(list[i].bridge);
    }
    free(list);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Bridges among the non-place edges of network n (iterative DFS, low links). */
/* disc and low: g->nnodes entries, all 0 on entry and on return. */
static void find_bridges(const struct adj *a, const uint32_t *net_of, uint32_t id, struct link_network *n,
                         uint32_t *disc, uint32_t *low)
{
    n->bridge = xcalloc(n->nedges ? n->nedges : 1, sizeof *n->bridge);
    size_t N = n->size;
    if (N < 2) {
        return;
    }
    struct frame {
        uint32_t node, parent_edge;
        size_t next;
    } *stack = xmalloc(N * sizeof *stack);
    uint32_t timer = 0;
    for (size_t s = 0; s < N; s++) {
        uint32_t root = n->nodes[s];
        if (disc[root] != 0) {
            continue;
        }
        size_t sp = 0;
        stack[sp++] = (struct frame){root, UNSET, a->start[root]};
        disc[root] = low[root] = ++timer;
        while (sp > 0) {
            struct frame *f = &stack[sp - 1];
            if (f->next < a->start[f->node + 1]) {
                size_t j = f->next++;
                uint32_t v = a->to[j], e = a->edge[j];
                if (e == f->parent_edge || net_of[v] != id) {
                    continue;
                }
                if (disc[v] == 0) {
                    disc[v] = low[v] = ++timer;
                    stack[sp++] = (struct frame){v, e, a->start[v]};
                } else if (disc[v] < low[f->node]) {
                    low[f->node] = disc[v];
                }
                continue;
            }
            uint32_t u = f->node, pe = f->parent_edge;
            sp--;
            if (sp > 0) {
                uint32_t p = stack[sp - 1].node;
                if (low[u] < low[p]) {
                    low[p] = low[u];
                }
                if (low[u] > disc[p]) {
                    uint32_t *hit = bsearch(&pe, n->edges, n->nedges, sizeof *n->edges, cmp_u32);
                    if (hit != NULL) {
                        n->bridge[hit - n->edges] = true;
                        n->bridges++;
                    }
                }
            }
        }
    }
    free(stack);
    for (size_t s = 0; s < N; s++) {
        disc[n->nodes[s]] = low[n->nodes[s]] = 0;
    }
}

static int cmp_network(const void *x, const void *y)
{
    const struct link_network *p = x, *q = y;
#define DESC(f)                                                                                                        \
    if (p->f != q->f) {                                                                                                \
        return p->f > q->f ? -1 : 1;                                                                                   \
    }
    DESC(size)
    DESC(victims)
    DESC(countries)
    DESC(transactions)
    DESC(investigations)
#undef DESC
    return p->nodes[0] < q->nodes[0] ? -1 : p->nodes[0] > q->nodes[0];
}

enum status link_networks_find(const struct link_graph *g, const struct link_network_options *o,
                               struct link_network **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    size_t min_size = o && o->min_size ? o->min_size : LINK_NETWORK_MIN_DEFAULT;
    size_t split = o && o->split_above ? o->split_above : LINK_NETWORK_SPLIT_DEFAULT;
    uint64_t seed = o ? o->seed : 0;
    size_t N = g->nnodes;
    if (N == 0) {
        return STATUS_OK;
    }
    uint32_t *parent = xmalloc(N * sizeof *parent), *usize = xmalloc(N * sizeof *usize);
    for (size_t i = 0; i < N; i++) {
        parent[i] = (uint32_t)i;
        usize[i] = 1;
    }
    for (size_t i = 0; i < g->nedges; i++) {
        if (g->edges[i].type != LINK_EDGE_PLACE) {
            uf_union(parent, usize, g->edges[i].a, g->edges[i].b);
        }
    }
    /* Components numbered by their lowest node; members listed in node order. */
    uint32_t *comp = xmalloc(N * sizeof *comp), *root_comp = xmalloc(N * sizeof *root_comp);
    size_t ncomp = 0;
    for (size_t i = 0; i < N; i++) {
        root_comp[i] = UNSET;
    }
    for (size_t i = 0; i < N; i++) {
        if (g->nodes[i].type == LINK_NODE_PLACE) {
            comp[i] = UNSET;
            continue;
        }
        uint32_t r = uf_find(parent, (uint32_t)i);
        if (root_comp[r] == UNSET) {
            root_comp[r] = (uint32_t)ncomp++;
        }
        comp[i] = root_comp[r];
    }
    size_t *cstart = xcalloc(ncomp + 1, sizeof *cstart);
    for (size_t i = 0; i < N; i++) {
        if (comp[i] != UNSET) {
            cstart[comp[i] + 1]++;
        }
    }
    for (size_t c = 0; c < ncomp; c++) {
        cstart[c + 1] += cstart[c];
    }
    uint32_t *members = xmalloc((cstart[ncomp] ? cstart[ncomp] : 1) * sizeof *members);
    size_t *fill = xmalloc((ncomp ? ncomp : 1) * sizeof *fill);
    memcpy(fill, cstart, ncomp * sizeof *fill);
    for (size_t i = 0; i < N; i++) {
        if (comp[i] != UNSET) {
            members[fill[comp[i]]++] = (uint32_t)i;
        }
    }
    /* Networks: a component, or its communities when it is larger than split. */
    uint32_t *net_of = xmalloc(N * sizeof *net_of);
    for (size_t i = 0; i < N; i++) {
        net_of[i] = UNSET;
    }
    struct link_network *nets = NULL;
    size_t nn = 0, cap = 0;
    struct adj a;
    adj_build(g, false, &a);
    uint32_t *scratch = xmalloc(N * sizeof *scratch);
    for (size_t i = 0; i < N; i++) {
        scratch[i] = UNSET;
    }
    for (size_t c = 0; c < ncomp; c++) {
        size_t size = cstart[c + 1] - cstart[c];
        if (size < min_size) {
            continue;
        }
        const uint32_t *m = members + cstart[c];
        uint32_t *cm = xcalloc(size, sizeof *cm);
        size_t parts = size > split ? communities(&a, scratch, m, size, seed, cm, NULL) : 1;
        size_t *psize = xcalloc(parts, sizeof *psize);
        for (size_t i = 0; i < size; i++) {
            psize[cm[i]]++;
        }
        uint32_t *pnet = xmalloc(parts * sizeof *pnet);
        for (size_t p = 0; p < parts; p++) {
            pnet[p] = UNSET;
            if (psize[p] < min_size) {
                continue;
            }
            if (nn == cap) {
                cap = cap ? cap * 2 : 16;
                nets = xrealloc(nets, cap * sizeof *nets);
            }
            memset(&nets[nn], 0, sizeof nets[nn]);
            nets[nn].component = (int)c + 1;
            nets[nn].size = psize[p];
            nets[nn].nodes = xmalloc(psize[p] * sizeof(uint32_t));
            pnet[p] = (uint32_t)nn++;
        }
        for (size_t i = 0; i < size; i++) {
            uint32_t k = pnet[cm[i]];
            if (k != UNSET) {
                nets[k].nodes[nets[k].nnodes++] = m[i];
                net_of[m[i]] = k;
            }
        }
        free(cm);
        free(psize);
        free(pnet);
    }
    /* Edges, places, counts. */
    for (size_t i = 0; i < g->nedges; i++) {
        const struct link_edge *e = &g->edges[i];
        bool pa = g->nodes[e->a].type == LINK_NODE_PLACE, pb = g->nodes[e->b].type == LINK_NODE_PLACE;
        uint32_t na = net_of[e->a], nb = net_of[e->b];
        if (pa || pb) {
            uint32_t k = pa ? nb : na, place = pa ? e->a : e->b;
            if (k == UNSET || (pa && pb)) {
                continue;
            }
            struct link_network *n = &nets[k];
            n->edges = xrealloc(n->edges, (n->nedges + 1) * sizeof *n->edges);
            n->edges[n->nedges++] = (uint32_t)i;
            bool have = false;
            for (size_t j = n->size; j < n->nnodes; j++) {
                have = have || n->nodes[j] == place;
            }
            if (!have) {
                n->nodes = xrealloc(n->nodes, (n->nnodes + 1) * sizeof *n->nodes);
                n->nodes[n->nnodes++] = place;
                n->countries++;
            }
            continue;
        }
        if (na == UNSET || nb == UNSET) {
            continue;
        }
        if (na != nb) {
            nets[na].external_edges++;
            nets[nb].external_edges++;
            continue;
        }
        struct link_network *n = &nets[na];
        n->edges = xrealloc(n->edges, (n->nedges + 1) * sizeof *n->edges);
        n->edges[n->nedges++] = (uint32_t)i;
        if (e->type == LINK_EDGE_TRANSACTION) {
            n->transactions += e->count;
            money_merge(&n->money, &n->nmoney, e->money, e->nmoney);
        }
    }
    free(scratch);
    uint32_t *deg = xcalloc(N, sizeof *deg), *disc = xcalloc(N, sizeof *disc), *low = xcalloc(N, sizeof *low);
    for (size_t k = 0; k < nn; k++) {
        struct link_network *n = &nets[k];
        size_t internal = 0;
        for (size_t j = 0; j < n->nedges; j++) {
            const struct link_edge *e = &g->edges[n->edges[j]];
            if (e->type != LINK_EDGE_PLACE) {
                internal++;
                deg[e->a]++;
                deg[e->b]++;
            }
        }
        for (size_t j = 0; j < n->size; j++) {
            const struct link_node *nd = &g->nodes[n->nodes[j]];
            n->investigations += nd->type == LINK_NODE_INVESTIGATION;
            n->victims += nd->type == LINK_NODE_VICTIM && strcmp(nd->kind, "witness") != 0;
            n->suspects += nd->type == LINK_NODE_SUSPECT;
            n->entities += nd->type == LINK_NODE_ENTITY;
        }
        n->density = n->size > 1 ? 2.0 * (double)internal / ((double)n->size * (double)(n->size - 1)) : 0;
        for (size_t j = 0; j < n->size; j++) { /* the top nodes by degree (ties: lower index) */
            uint32_t v = n->nodes[j];
            size_t pos = n->ntop;
            while (pos > 0 && deg[n->top[pos - 1]] < deg[v]) {
                pos--;
            }
            if (pos >= LINK_NETWORK_TOP) {
                continue;
            }
            size_t last = n->ntop < LINK_NETWORK_TOP ? n->ntop : LINK_NETWORK_TOP - 1;
            memmove(&n->top[pos + 1], &n->top[pos], (last - pos) * sizeof *n->top);
            n->top[pos] = v;
            if (n->ntop < LINK_NETWORK_TOP) {
                n->ntop++;
            }
        }
        for (size_t j = 0; j < n->ntop; j++) {
            n->top_centrality[j] = n->size > 1 ? (double)deg[n->top[j]] / (double)(n->size - 1) : 0;
        }
        find_bridges(&a, net_of, (uint32_t)k, n, disc, low);
        for (size_t j = 0; j < n->nedges; j++) {
            const struct link_edge *e = &g->edges[n->edges[j]];
            deg[e->a] = deg[e->b] = 0;
        }
    }
    if (nn > 1) {
        qsort(nets, nn, sizeof *nets, cmp_network);
    }
    for (size_t k = 0; k < nn; k++) {
        nets[k].id = (int)k + 1;
    }
    free(deg);
    free(disc);
    free(low);
    adj_free(&a);
    free(net_of);
    free(members);
    free(fill);
    free(cstart);
    free(comp);
    free(root_comp);
    free(parent);
    free(usize);
    *out = nets;
    *count_out = nn;
    return STATUS_OK;
}

/* ---- JSON and exports ---- */

static json_t *money_json(const struct link_money *m, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_pack("{sssIsI}", "currency", m[i].currency, "count", (json_int_t)m[i].count,
                                             "total_minor", (json_int_t)m[i].total_minor));
    }
    return arr;
}

static void node_id(char out[16], uint32_t i)
{
    snprintf(out, 16, "n%u", i);
}

static json_t *node_json(const struct link_graph *g, uint32_t i)
{
    const struct link_node *n = &g->nodes[i];
    char id[16];
    node_id(id, i);
    json_t *o =
        json_pack("{ssssssss}", "id", id, "type", link_node_type_name(n->type), "kind", n->kind, "label", n->label);
    if (n->role[0] != '\0') {
        json_object_set_new(o, "role", json_string(n->role));
    }
    if (n->type != LINK_NODE_PLACE) {
        json_object_set_new(o, "record_id", json_integer((json_int_t)n->record_id));
    }
    return o;
}

json_t *link_network_summary_json(const struct link_graph *g, const struct link_network *n)
{
    json_t *top = json_array();
    for (size_t i = 0; i < n->ntop; i++) {
        json_t *t = node_json(g, n->top[i]);
        json_object_set_new(t, "degree_centrality", json_real(round(n->top_centrality[i] * 10000) / 10000));
        json_array_append_new(top, t);
    }
    json_t *countries = json_array();
    for (size_t i = n->size; i < n->nnodes; i++) {
        json_array_append_new(countries, json_string(g->nodes[n->nodes[i]].label));
    }
    size_t internal = 0;
    for (size_t j = 0; j < n->nedges; j++) {
        internal += g->edges[n->edges[j]].type != LINK_EDGE_PLACE;
    }
    return json_pack("{sisisIsIsIsIsIsIsIsosIsIsosIsIsfso}", "id", n->id, "component", n->component, "nodes",
                     (json_int_t)n->size, "edges", (json_int_t)internal, "investigations",
                     (json_int_t)n->investigations, "victims", (json_int_t)n->victims, "suspects",
                     (json_int_t)n->suspects, "entities", (json_int_t)n->entities, "countries",
                     (json_int_t)n->countries, "country_codes", countries, "transactions", (json_int_t)n->transactions,
                     "external_edges", (json_int_t)n->external_edges, "money", money_json(n->money, n->nmoney),
                     "bridges", (json_int_t)n->bridges, "place_edges", (json_int_t)(n->nedges - internal), "density",
                     round(n->density * 10000) / 10000, "top", top);
}

static json_t *edge_json(const struct link_graph *g, const struct link_network *n, size_t j)
{
    const struct link_edge *e = &g->edges[n->edges[j]];
    char a[16], b[16];
    node_id(a, e->a);
    node_id(b, e->b);
    json_t *o = json_pack("{sssssssIsb}", "source", a, "target", b, "type", link_edge_type_name(e->type), "count",
                          (json_int_t)e->count, "bridge", n->bridge[j]);
    if (e->relation[0] != '\0') {
        json_object_set_new(o, "relation", json_string(e->relation));
    }
    if (e->nmoney > 0) {
        json_object_set_new(o, "money", money_json(e->money, e->nmoney));
    }
    if (e->type == LINK_EDGE_MATCH) {
        json_object_set_new(o, "score", json_real(round(e->score * 10000) / 10000));
    }
    return o;
}

json_t *link_network_json(const struct link_graph *g, const struct link_network *n)
{
    json_t *o = link_network_summary_json(g, n);
    json_t *nodes = json_array(), *edges = json_array();
    for (size_t i = 0; i < n->nnodes; i++) {
        json_array_append_new(nodes, node_json(g, n->nodes[i]));
    }
    for (size_t j = 0; j < n->nedges; j++) {
        json_array_append_new(edges, edge_json(g, n, j));
    }
    json_object_set_new(o, "node_list", nodes);
    json_object_set_new(o, "edge_list", edges);
    return o;
}

/* "EUR 12 1234; USD 1 500": currency, count and total in minor units per currency. */
static void money_text(const struct link_money *m, size_t n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        int w = snprintf(out + len, size - len, "%s%s %u %lld", i ? "; " : "", m[i].currency, m[i].count,
                         (long long)m[i].total_minor);
        if (w < 0) {
            break;
        }
        len += (size_t)w;
    }
}

static enum status xml_text(struct buf *b, const char *s)
{
    enum status st = STATUS_OK;
    for (; *s && st == STATUS_OK; s++) {
        switch (*s) {
        case '&': st = buf_puts(b, "&amp;"); break;
        case '<': st = buf_puts(b, "&lt;"); break;
        case '>': st = buf_puts(b, "&gt;"); break;
        case '"': st = buf_puts(b, "&quot;"); break;
        case '\'': st = buf_puts(b, "&apos;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') {
                break; /* not allowed in XML 1.0 */
            }
            st = buf_append(b, s, 1);
        }
    }
    return st;
}

static enum status xml_data(struct buf *b, const char *key, const char *value)
{
    enum status st = buf_printf(b, "      <data key=\"%s\">", key);
    if (st == STATUS_OK) {
        st = xml_text(b, value);
    }
    return st == STATUS_OK ? buf_puts(b, "</data>\n") : st;
}

enum status link_network_graphml(const struct link_graph *g, const struct link_network *n, struct buf *out)
{
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
                               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                               "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                               "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
                               "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
                               "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
                               "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                               "  <key id=\"role\" for=\"node\" attr.name=\"role\" attr.type=\"string\"/>\n"
                               "  <key id=\"etype\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
                               "  <key id=\"relation\" for=\"edge\" attr.name=\"relation\" attr.type=\"string\"/>\n"
                               "  <key id=\"count\" for=\"edge\" attr.name=\"count\" attr.type=\"int\"/>\n"
                               "  <key id=\"money\" for=\"edge\" attr.name=\"money\" attr.type=\"string\"/>\n"
                               "  <key id=\"score\" for=\"edge\" attr.name=\"score\" attr.type=\"double\"/>\n"
                               "  <key id=\"bridge\" for=\"edge\" attr.name=\"bridge\" attr.type=\"boolean\"/>\n";
    enum status st = buf_puts(out, head);
    if (st == STATUS_OK) {
        st = buf_printf(out, "  <graph id=\"network-%d\" edgedefault=\"undirected\">\n", n->id);
    }
    for (size_t i = 0; i < n->nnodes && st == STATUS_OK; i++) {
        const struct link_node *nd = &g->nodes[n->nodes[i]];
        st = buf_printf(out, "    <node id=\"n%u\">\n", n->nodes[i]);
        if (st == STATUS_OK) {
            st = xml_data(out, "type", link_node_type_name(nd->type));
        }
        if (st == STATUS_OK && nd->kind[0]) {
            st = xml_data(out, "kind", nd->kind);
        }
        if (st == STATUS_OK) {
            st = xml_data(out, "label", nd->label);
        }
        if (st == STATUS_OK && nd->role[0]) {
            st = xml_data(out, "role", nd->role);
        }
        if (st == STATUS_OK) {
            st = buf_puts(out, "    </node>\n");
        }
    }
    for (size_t j = 0; j < n->nedges && st == STATUS_OK; j++) {
        const struct link_edge *e = &g->edges[n->edges[j]];
        char num[32], money[512];
        st = buf_printf(out, "    <edge id=\"e%zu\" source=\"n%u\" target=\"n%u\">\n", j, e->a, e->b);
        if (st == STATUS_OK) {
            st = xml_data(out, "etype", link_edge_type_name(e->type));
        }
        if (st == STATUS_OK && e->relation[0]) {
            st = xml_data(out, "relation", e->relation);
        }
        snprintf(num, sizeof num, "%u", e->count);
        if (st == STATUS_OK) {
            st = xml_data(out, "count", num);
        }
        if (st == STATUS_OK && e->nmoney) {
            money_text(e->money, e->nmoney, money, sizeof money);
            st = xml_data(out, "money", money);
        }
        if (st == STATUS_OK && e->type == LINK_EDGE_MATCH) {
            snprintf(num, sizeof num, "%.4f", e->score);
            st = xml_data(out, "score", num);
        }
        if (st == STATUS_OK) {
            st = xml_data(out, "bridge", n->bridge[j] ? "true" : "false");
        }
        if (st == STATUS_OK) {
            st = buf_puts(out, "    </edge>\n");
        }
    }
    if (st == STATUS_OK) {
        st = buf_puts(out, "  </graph>\n</graphml>\n");
    }
    return st;
}

/* A CSV field, quoted when it holds a comma, quote or line break; a leading =, +, - or @ is
 * prefixed with ' (no formula in a spreadsheet). */
static enum status csv_field(struct buf *b, const char *s, bool last)
{
    enum status st = STATUS_OK;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) {
        st = buf_puts(b, "\"");
    }
    if (st == STATUS_OK && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
        st = buf_puts(b, "'");
    }
    for (; *s && st == STATUS_OK; s++) {
        st = *s == '"' ? buf_puts(b, "\"\"") : buf_append(b, s, 1);
    }
    if (st == STATUS_OK && quote) {
        st = buf_puts(b, "\"");
    }
    return st == STATUS_OK ? buf_puts(b, last ? "\n" : ",") : st;
}

enum status link_network_csv(const struct link_graph *g, const struct link_network *n, struct buf *out)
{
    enum status st = buf_puts(out, "record,id,type,kind,label,role,source,target,relation,count,money\n");
    for (size_t i = 0; i < n->nnodes && st == STATUS_OK; i++) {
        const struct link_node *nd = &g->nodes[n->nodes[i]];
        char id[16];
        node_id(id, n->nodes[i]);
        const char *f[] = {"node", id, link_node_type_name(nd->type), nd->kind, nd->label, nd->role, "", "", "",
                           "",     ""};
        for (size_t k = 0; k < ARRAY_LEN(f) && st == STATUS_OK; k++) {
            st = csv_field(out, f[k], k + 1 == ARRAY_LEN(f));
        }
    }
    for (size_t j = 0; j < n->nedges && st == STATUS_OK; j++) {
        const struct link_edge *e = &g->edges[n->edges[j]];
        char id[24], a[16], b[16], count[16], money[512];
        snprintf(id, sizeof id, "e%zu", j);
        node_id(a, e->a);
        node_id(b, e->b);
        snprintf(count, sizeof count, "%u", e->count);
        money_text(e->money, e->nmoney, money, sizeof money);
        const char *f[] = {"edge", id, link_edge_type_name(e->type), "", "", "", a, b, e->relation, count, money};
        for (size_t k = 0; k < ARRAY_LEN(f) && st == STATUS_OK; k++) {
            st = csv_field(out, f[k], k + 1 == ARRAY_LEN(f));
        }
    }
    return st;
}
