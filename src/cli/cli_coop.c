/* cli_coop: international cooperation requests (issue 5, part J6) as the local operator: add,
 * list, show, status transitions and response-time figures. See src/justice/coop.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/coop.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct coop_cli {
    int64_t id, from, to;
    json_t *in;
    struct coop_filter f;
    json_t *out;
};

static enum status req_id(const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, "REQUEST_ID", "REQUEST_ID: a positive number");
    }
    return STATUS_OK;
}

static const char *jtext(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && s[0] ? s : "-";
}

static void line(const json_t *o)
{
    const char *opened = json_string_value(json_object_get(o, "sent_at"));
    if (opened == NULL) {
        opened = json_string_value(json_object_get(o, "received_at"));
    }
    char d1[11] = "-", d2[11] = "-";
    if (opened) {
        snprintf(d1, sizeof d1, "%.10s", opened);
    }
    if (json_string_value(json_object_get(o, "deadline"))) {
        snprintf(d2, sizeof d2, "%.10s", json_string_value(json_object_get(o, "deadline")));
    }
    printf("%-18lld %-9s %-12s %s->%s %-26s %-10s %-10s %s\n", (long long)json_integer_value(json_object_get(o, "id")),
           jtext(o, "direction"), jtext(o, "kind"), jtext(o, "requesting_state"), jtext(o, "requested_state"),
           jtext(o, "status"), d1, d2, json_is_true(json_object_get(o, "overdue")) ? "OVERDUE" : "");
}

static int run(auth_op_fn fn, struct coop_cli *o, bool list)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        json_decref(o->in);
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, fn, o);
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(o->out);
        o->out = NULL;
    } else if (st == STATUS_OK && list) {
        size_t i;
        const json_t *v;
        json_array_foreach(o->out, i, v)
        {
            line(v);
        }
        printf("%zu request%s\n", json_array_size(o->out), json_array_size(o->out) == 1 ? "" : "s");
    } else if (st == STATUS_OK) {
        char *s = json_dumps(o->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
    }
    json_decref(o->out);
    json_decref(o->in);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct coop_cli *o = p;
    enum status st = coop_add(ctx, o->in, &o->id);
    return st == STATUS_OK ? coop_get(ctx, o->id, &o->out) : st;
}

static int cmd_coop_add(const struct command *cmd, struct args *args)
{
    struct coop_cli o = {0};
    o.in = json_object();
    static const char *const map[][2] = {
        {"direction", "direction"},
        {"kind", "kind"},
        {"requesting-state", "requesting_state"},
        {"requesting-authority", "requesting_authority"},
        {"requested-state", "requested_state"},
        {"requested-authority", "requested_authority"},
        {"basis", "legal_basis"},
        {"treaty", "treaty_name"},
        {"our-ref", "our_reference"},
        {"their-ref", "their_reference"},
        {"deadline", "deadline"},
        {"person", "person_sought"},
    };
    for (size_t i = 0; i < ARRAY_LEN(map); i++) {
        const char *v = cli_opt(cmd, args, map[i][0]);
        if (v != NULL) {
            json_object_set_new(o.in, map[i][1], json_string(v));
        }
    }
    const char *date = cli_opt(cmd, args, "date");
    if (date != NULL) {
        const char *dir = cli_opt(cmd, args, "direction");
        json_object_set_new(o.in, dir && strcmp(dir, "incoming") == 0 ? "received_at" : "sent_at", json_string(date));
    }
    const char *m = cli_opt(cmd, args, "measures");
    if (m != NULL) {
        json_t *arr = json_array();
        char buf[256];
        snprintf(buf, sizeof buf, "%s", m);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
            json_array_append_new(arr, json_string(t));
        }
        json_object_set_new(o.in, "measures", arr);
    }
    const char *agency = cli_opt(cmd, args, "agency");
    if (agency != NULL) {
        struct env e;
        int64_t id = 0;
        enum status st = cli_env_open(&e, false);
        if (st == STATUS_OK) {
            st = cli_agency_lookup(&e, agency, &id);
            cli_env_close(&e);
        }
        if (st != STATUS_OK) {
            json_decref(o.in);
            return cli_fail(st);
        }
        json_object_set_new(o.in, "agency_id", json_integer(id));
    }
    return run(op_add, &o, false);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct coop_cli *o = p;
    return coop_list(ctx, &o->f, &o->out);
}

static int cmd_coop_list(const struct command *cmd, struct args *args)
{
    struct coop_cli o = {0};
    o.f.direction = cli_opt(cmd, args, "direction");
    o.f.kind = cli_opt(cmd, args, "kind");
    o.f.status = cli_opt(cmd, args, "status");
    o.f.overdue = cli_flag(cmd, args, "overdue");
    const char *inv = cli_opt(cmd, args, "investigation");
    if (inv != NULL && (util_parse_i64(&o.f.investigation_id, inv) != STATUS_OK || o.f.investigation_id <= 0)) {
        return cli_fail(err_set_field(STATUS_INVALID, "investigation_id", "--investigation: an investigation id"));
    }
    o.f.limit = PAGE_ROWS_DEFAULT;
    if (cli_opt(cmd, args, "limit") && util_parse_i64(&o.f.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "limit", "--limit: a number"));
    }
    return run(op_list, &o, true);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct coop_cli *o = p;
    return coop_get(ctx, o->id, &o->out);
}

static int cmd_coop_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct coop_cli o = {0};
    enum status st = req_id(args->pos[0], &o.id);
    return st == STATUS_OK ? run(op_show, &o, false) : cli_fail(st);
}

static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct coop_cli *o = p;
    enum status st = coop_status_set(ctx, o->id, 0, o->in);
    return st == STATUS_OK ? coop_get(ctx, o->id, &o->out) : st;
}

static int cmd_coop_status(const struct command *cmd, struct args *args)
{
    struct coop_cli o = {0};
    enum status st = req_id(args->pos[0], &o.id);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    o.in = json_pack("{ss}", "status", args->pos[1]);
    if (cli_opt(cmd, args, "reason")) {
        json_object_set_new(o.in, "reason", json_string(cli_opt(cmd, args, "reason")));
    }
    if (cli_opt(cmd, args, "at")) {
        json_object_set_new(o.in, "at", json_string(cli_opt(cmd, args, "at")));
    }
    return run(op_status, &o, false);
}

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct coop_cli *o = p;
    return coop_stats(ctx, o->from, o->to, &o->out);
}

static int cmd_coop_stats(const struct command *cmd, struct args *args)
{
    struct coop_cli o = {0};
    const char *from = cli_opt(cmd, args, "from"), *to = cli_opt(cmd, args, "to");
    if (from != NULL && util_time_parse(&o.from, from) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "from", "--from: a date (YYYY-MM-DD)"));
    }
    if (to != NULL && util_time_parse_end(&o.to, to) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "to", "--to: a date (YYYY-MM-DD)"));
    }
    if (cli_json_out) {
        return run(op_stats, &o, false);
    }
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_stats, &o);
    if (st == STATUS_OK) {
        printf("%-9s %-24s %6s %9s %11s %8s %7s\n", "direction", "kind", "count", "completed", "median_days",
               "p90_days", "overdue");
        size_t i;
        const json_t *g;
        json_array_foreach(json_object_get(o.out, "groups"), i, g)
        {
            const json_t *med = json_object_get(g, "median_days"), *p90 = json_object_get(g, "p90_days");
            char m[16] = "-", n[16] = "-";
            if (json_is_number(med)) {
                snprintf(m, sizeof m, "%.1f", json_number_value(med));
                snprintf(n, sizeof n, "%.1f", json_number_value(p90));
            }
            printf("%-9s %-24s %6lld %9lld %11s %8s %7lld\n", jtext(g, "direction"), jtext(g, "kind"),
                   (long long)json_integer_value(json_object_get(g, "count")),
                   (long long)json_integer_value(json_object_get(g, "completed")), m, n,
                   (long long)json_integer_value(json_object_get(g, "overdue")));
        }
    }
    json_decref(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command coop_commands[] = {
    {"coop add",
     "",
     0,
     0,
     "Adds an international cooperation request (mutual legal assistance, extradition, ...).",
     {{"direction", true, "incoming or outgoing"},
      {"kind", true, "mla, extradition, transfer_of_proceedings, joint_investigation or other"},
      {"requesting-state", true, "ISO 3166 alpha-3 code of the requesting state"},
      {"requesting-authority", true, "the requesting central authority"},
      {"requested-state", true, "ISO 3166 alpha-3 code of the requested state"},
      {"requested-authority", true, "the requested central authority"},
      {"basis", true, "untoc_16, untoc_18, bilateral_treaty, multilateral_other, reciprocity or domestic_law"},
      {"treaty", true, "the bilateral treaty's name (with --basis bilateral_treaty)"},
      {"our-ref", true, "our reference"},
      {"their-ref", true, "their reference"},
      {"date", true, "sent (outgoing) or received (incoming) on, YYYY-MM-DD"},
      {"deadline", true, "the deadline, YYYY-MM-DD"},
      {"measures", true, "measures requested, comma-separated codes"},
      {"person", true, "the person sought (extradition; sealed)"},
      {"agency", true, "the agency that holds the request (name or id; required)"}},
     cmd_coop_add},
    {"coop list",
     "",
     0,
     0,
     "Lists cooperation requests (newest first); overdue ones are marked.",
     {{"direction", true, "incoming or outgoing"},
      {"kind", true, "a request kind"},
      {"status", true, "a status"},
      {"overdue", false, "only requests past their deadline and not finished"},
      {"investigation", true, "only those linked to this investigation id"},
      {"limit", true, "at most this many (default 50)"}},
     cmd_coop_list},
    {"coop show", "REQUEST_ID", 1, 1, "Shows a request with its status history and documents.", {{0}}, cmd_coop_show},
    {"coop status",
     "REQUEST_ID STATUS",
     2,
     2,
     "Moves a request to a new status (sent, acknowledged, in_progress, additional_info_requested, executed, "
     "partially_executed, refused, withdrawn).",
     {{"reason", true, "with refused: the refusal code"}, {"at", true, "when it happened (default now)"}},
     cmd_coop_status},
    {"coop stats",
     "",
     0,
     0,
     "Response times per direction and kind: count, completed, median and 90th percentile days, overdue.",
     {{"from", true, "sent or received on or after, YYYY-MM-DD"}, {"to", true, "sent or received on or before"}},
     cmd_coop_stats},
};

const struct cli_table cli_coop_table = {coop_commands, ARRAY_LEN(coop_commands)};
