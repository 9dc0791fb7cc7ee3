/* cli_link_graph: the candidate networks of the entity graph (issue 7, part G) as the local
 * operator: `link networks` (the ranked list) and `link export` (one network as GraphML or CSV).
 * See docs/networks.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "link/graph.h"
#include "util/mem.h"
#include "util/util.h"

struct net_cli {
    struct link_network_options o;
    struct link_graph *g;
    struct link_network *nets;
    size_t count;
};

static enum status op_networks(const struct auth_ctx *ctx, void *p)
{
    struct net_cli *n = p;
    cli_progress("building the entity graph", 0, NULL);
    enum status st = link_graph_load(ctx, NULL, 0, &n->g);
    if (st == STATUS_OK) {
        cli_progress("finding networks", (int64_t)n->g->nnodes, NULL);
        st = link_networks_find(n->g, &n->o, &n->nets, &n->count);
    }
    cli_progress_end();
    return st;
}

static void net_cli_free(struct net_cli *n)
{
    link_networks_free(n->nets, n->count);
    link_graph_free(n->g);
}

static enum status min_size_opt(const struct command *cmd, struct args *a, struct net_cli *n)
{
    const char *v = cli_opt(cmd, a, "min-size");
    int64_t m = 0;
    if (v == NULL) {
        return STATUS_OK;
    }
    if (util_parse_i64(&m, v) != STATUS_OK || m < 1 || m > 100000) {
        return err_set_field(STATUS_INVALID, "min-size", "--min-size: a number from 1 to 100000");
    }
    n->o.min_size = (size_t)m;
    return STATUS_OK;
}

static enum status run(struct net_cli *n)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return st;
    }
    st = auth_run(&e.ctx, op_networks, n);
    cli_env_close(&e);
    return st;
}

/* Totals per currency in minor units, never converted: "NGN 57500000 (2), USD 250000 (1)". */
static void money_print(const struct link_network *n)
{
    for (size_t i = 0; i < n->nmoney; i++) {
        printf("%s%s %lld (%u)", i ? ", " : "", n->money[i].currency, (long long)n->money[i].total_minor,
               n->money[i].count);
    }
}

static int cmd_networks(const struct command *cmd, struct args *a)
{
    struct net_cli n = {0};
    enum status st = min_size_opt(cmd, a, &n);
    if (st == STATUS_OK) {
        st = run(&n);
    }
    if (st != STATUS_OK) {
        net_cli_free(&n);
        return cli_fail(st);
    }
    if (cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n.count; i++) {
            json_array_append_new(arr, link_network_summary_json(n.g, &n.nets[i]));
        }
        cli_print_json(json_pack("{so}", "items", arr));
    } else {
        printf("%-4s %6s %6s %5s %7s %8s %9s %6s %7s  %s\n", "id", "nodes", "edges", "invs", "victims", "suspects",
               "countries", "txs", "density", "money: currency, total in minor units (transactions)");
        for (size_t i = 0; i < n.count; i++) {
            const struct link_network *k = &n.nets[i];
            size_t internal = 0;
            for (size_t j = 0; j < k->nedges; j++) {
                internal += n.g->edges[k->edges[j]].type != LINK_EDGE_PLACE;
            }
            printf("%-4d %6zu %6zu %5zu %7zu %8zu %9zu %6zu %7.3f  ", k->id, k->size, internal, k->investigations,
                   k->victims, k->suspects, k->countries, k->transactions, k->density);
            money_print(k);
            printf("\n");
        }
        if (n.count == 0) {
            printf("no network of at least %zu nodes\n", n.o.min_size ? n.o.min_size : LINK_NETWORK_MIN_DEFAULT);
        }
    }
    net_cli_free(&n);
    return 0;
}

static int cmd_export(const struct command *cmd, struct args *a)
{
    struct net_cli n = {0};
    const char *id_text = cli_opt(cmd, a, "network"), *format = cli_opt(cmd, a, "format"),
               *out = cli_opt(cmd, a, "out");
    int64_t id = 0;
    enum status st = min_size_opt(cmd, a, &n);
    if (st == STATUS_OK && (id_text == NULL || util_parse_i64(&id, id_text) != STATUS_OK || id < 1)) {
        st = err_set_field(STATUS_INVALID, "network", "--network: a network id from `ctis link networks`");
    }
    bool graphml = format != NULL && strcmp(format, "graphml") == 0;
    if (st == STATUS_OK && !graphml && (format == NULL || strcmp(format, "csv") != 0)) {
        st = err_set_field(STATUS_INVALID, "format", "--format: graphml or csv");
    }
    if (st == STATUS_OK && (out == NULL || out[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "out", "--out: the file to write");
    }
    if (st == STATUS_OK) {
        st = run(&n);
    }
    if (st == STATUS_OK && (size_t)id > n.count) {
        st = err_set_field(STATUS_NOT_FOUND, "network", "no network %lld (there are %zu)", (long long)id, n.count);
    }
    struct buf b = BUF_INIT(SIZE_MAX / 2);
    if (st == STATUS_OK) {
        st = graphml ? link_network_graphml(n.g, &n.nets[id - 1], &b) : link_network_csv(n.g, &n.nets[id - 1], &b);
    }
    if (st == STATUS_OK) {
        FILE *f = fopen(out, "wb");
        if (f == NULL) {
            st = err_set_field(STATUS_IO, "out", "cannot write %s: %s", out, strerror(errno));
        } else {
            size_t w = fwrite(buf_str(&b), 1, b.len, f);
            if (fclose(f) != 0 || w != b.len) {
                st = err_set_field(STATUS_IO, "out", "cannot write %s", out);
            }
        }
    }
    buf_free(&b);
    if (st == STATUS_OK) {
        const struct link_network *k = &n.nets[id - 1];
        if (cli_json_out) {
            cli_print_json(json_pack("{sisssssIsI}", "network", k->id, "format", graphml ? "graphml" : "csv", "out",
                                     out, "nodes", (json_int_t)k->nnodes, "edges", (json_int_t)k->nedges));
        } else {
            printf("network %d: %zu nodes, %zu edges written to %s\n", k->id, k->nnodes, k->nedges, out);
        }
    }
    net_cli_free(&n);
    return st == STATUS_OK ? 0 : cli_fail(st);
}

static const struct command link_graph_commands[] = {
    {"link networks",
     "",
     0,
     0,
     "Lists the candidate networks of the entity graph (every investigation in scope), ranked by size, victims, "
     "countries and transactions; no names.",
     {{"min-size", true, "leave out networks of fewer nodes (default 3; places not counted)"}},
     cmd_networks},
    {"link export",
     "",
     0,
     0,
     "Writes one network (its id from `link networks`, with the same --min-size) as GraphML or CSV.",
     {{"network", true, "the network's id (required)"},
      {"format", true, "graphml or csv (required)"},
      {"out", true, "the file to write (required)"},
      {"min-size", true, "as given to `link networks`"}},
     cmd_export},
};

const struct cli_table cli_link_graph_table = {link_graph_commands, ARRAY_LEN(link_graph_commands)};
