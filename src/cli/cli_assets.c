/* cli_assets: `ctis asset add|list|show|status|allocate|totals` (issue 5, part J5;
 * src/justice/assets.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/assets.h"
#include "util/mem.h"
#include "util/util.h"

static enum status positive_id(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

/* Options to JSON members: text, or ids (numbers). */
struct member {
    const char *opt, *key;
    bool id;
};

static enum status members_json(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    for (; m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        if (v == NULL) {
            continue;
        }
        if (!m->id) {
            json_object_set_new(o, m->key, json_string(v));
            continue;
        }
        int64_t n = 0;
        enum status st = positive_id(m->opt, v, &n);
        if (st != STATUS_OK) {
            return st;
        }
        json_object_set_new(o, m->key, json_integer(n));
    }
    return STATUS_OK;
}

enum asset_op { OP_ADD, OP_LIST, OP_SHOW, OP_STATUS, OP_ALLOCATE, OP_TOTALS };

struct asset_cli {
    enum asset_op op;
    int64_t inv_id, id, sub;
    json_t *in, *out;
    const char *from, *to;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct asset_cli *o = p;
    switch (o->op) {
    case OP_ADD: return asset_add(ctx, o->inv_id, o->in, &o->id);
    case OP_LIST: return asset_list(ctx, o->inv_id, &o->out);
    case OP_SHOW: return asset_get(ctx, o->inv_id, o->id, &o->out);
    case OP_STATUS: return asset_status_set(ctx, o->inv_id, o->id, 0, o->in);
    case OP_ALLOCATE: return asset_allocate(ctx, o->inv_id, o->id, o->in, &o->sub);
    case OP_TOTALS: return asset_totals(ctx, o->from, o->to, &o->out);
    }
    return STATUS_INVALID;
}

static const char *text_or(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : dflt;
}

static void print_list(json_t *arr)
{
    size_t i;
    json_t *e;
    printf("%-18s %-12s %-12s %-10s %-22s %-11s %s\n", "ID", "KIND", "TYPE", "CURRENCY", "AMOUNT", "STATUS",
           "ALLOCATED");
    json_array_foreach(arr, i, e)
    {
        printf("%-18lld %-12s %-12s %-10s %-22s %-11s %s\n", (long long)json_integer_value(json_object_get(e, "id")),
               text_or(e, "kind", "-"), text_or(e, "asset_type", "-"), text_or(e, "currency", "-"),
               text_or(e, "amount", "-"), text_or(e, "status", "-"), text_or(e, "allocated", "-"));
    }
}

static void print_totals(json_t *arr)
{
    size_t i;
    json_t *e;
    printf("currency,year,frozen,seized,confiscated,realised,allocated\n");
    json_array_foreach(arr, i, e)
    {
        const char *cur = text_or(e, "currency", "");
        printf("%s,%s", cur, text_or(e, "year", ""));
        static const char *const cols[] = {"frozen", "seized", "confiscated", "realised", "allocated"};
        for (size_t c = 0; c < 5; c++) {
            char buf[ASSET_AMOUNT_TEXT_BYTES];
            asset_amount_format(cur, json_integer_value(json_object_get(e, cols[c])), buf);
            printf(",%s", buf);
        }
        printf("\n");
    }
}

static int asset_cmd(const struct command *cmd, struct args *args, enum asset_op op, const struct member *members)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct asset_cli o = {.op = op, .in = json_object()};
    if (op != OP_TOTALS) {
        st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    }
    if (st == STATUS_OK && (op == OP_SHOW || op == OP_STATUS || op == OP_ALLOCATE)) {
        st = positive_id("ASSET_ID", args->pos[1], &o.id);
    }
    if (st == STATUS_OK && members != NULL) {
        st = members_json(cmd, args, members, o.in);
    }
    if (op == OP_TOTALS) {
        o.from = cli_opt(cmd, args, "from");
        o.to = cli_opt(cmd, args, "to");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_run, &o);
    }
    if (st == STATUS_OK) {
        if (op == OP_ADD || op == OP_ALLOCATE) {
            int64_t id = op == OP_ADD ? o.id : o.sub;
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)id));
            } else {
                printf("%lld\n", (long long)id);
            }
        } else if (op == OP_STATUS) {
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
            }
        } else if (cli_json_out || op == OP_SHOW) {
            cli_print_json(o.out);
            o.out = NULL;
        } else if (op == OP_LIST) {
            print_list(o.out);
        } else {
            print_totals(o.out);
        }
    }
    json_decref(o.out);
    json_decref(o.in);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct member add_members[] = {{"kind", "kind", false},
                                            {"type", "asset_type", false},
                                            {"description", "description", false},
                                            {"suspect", "suspect_id", true},
                                            {"entity", "entity_id", true},
                                            {"currency", "currency", false},
                                            {"amount", "amount", false},
                                            {"authority", "authority", false},
                                            {"date", "order_date", false},
                                            {"court-reference", "court_reference", false},
                                            {0}};
static const struct member status_members[] = {
    {"to", "status", false}, {"date", "date", false}, {"note", "note", false}, {"amount", "amount", false}, {0}};
static const struct member allocate_members[] = {
    {"claim", "claim_id", true}, {"amount", "amount", false}, {"date", "date", false}, {0}};

static int cmd_add(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_ADD, add_members);
}

static int cmd_list(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_LIST, NULL);
}

static int cmd_show(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_SHOW, NULL);
}

static int cmd_status(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_STATUS, status_members);
}

static int cmd_allocate(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_ALLOCATE, allocate_members);
}

static int cmd_totals(const struct command *cmd, struct args *args)
{
    return asset_cmd(cmd, args, OP_TOTALS, NULL);
}

static const struct command asset_commands[] = {
    {"asset add",
     "INVESTIGATION_ID",
     1,
     1,
     "Records a freezing, seizure or confiscation order against an investigation; prints its id.",
     {{"kind", true, "freezing, seizure or confiscation (required)"},
      {"type", true, "cash, bank_account, real_estate, vehicle, business, crypto, valuables or other (required)"},
      {"description", true, "what the asset is (sealed)"},
      {"suspect", true, "the suspect's id (whose asset; of the same investigation)"},
      {"entity", true, "an investigative entity's id"},
      {"currency", true, "ISO 4217 code (EUR, JPY, KWD ...)"},
      {"amount", true, "the amount in major units, exactly (12,345.67)"},
      {"authority", true, "the issuing authority"},
      {"date", true, "the order date, YYYY-MM-DD (default today)"},
      {"court-reference", true, "the court's reference"}},
     cmd_add},
    {"asset list", "INVESTIGATION_ID", 1, 1, "Lists an investigation's asset orders.", {{0}}, cmd_list},
    {"asset show",
     "INVESTIGATION_ID ASSET_ID",
     2,
     2,
     "Shows an asset order with its status history and allocations (JSON).",
     {{0}},
     cmd_show},
    {"asset status",
     "INVESTIGATION_ID ASSET_ID",
     2,
     2,
     "Moves an order: requested -> ordered | refused; ordered -> executed | lifted; executed -> lifted | "
     "confiscated; confiscated -> realised.",
     {{"to", true, "the new status (required)"},
      {"date", true, "the date, YYYY-MM-DD (default today)"},
      {"note", true, "a note (sealed)"},
      {"amount", true, "realised: the proceeds (required); confiscated: the amount confiscated"}},
     cmd_status},
    {"asset allocate",
     "INVESTIGATION_ID ASSET_ID",
     2,
     2,
     "Allocates part of a confiscated or realised order to a victim's compensation claim; prints its id.",
     {{"claim", true, "the compensation claim's id (required)"},
      {"amount", true, "the amount in major units (required; same currency as the order and the claim)"},
      {"date", true, "the date, YYYY-MM-DD (default today)"}},
     cmd_allocate},
    {"asset totals",
     "",
     0,
     0,
     "Totals per currency and year: frozen, seized, confiscated, realised and allocated (CSV, or --json in "
     "minor units).",
     {{"from", true, "order dates from this date"}, {"to", true, "order dates up to this date"}},
     cmd_totals},
};

const struct cli_table cli_assets_table = {asset_commands, ARRAY_LEN(asset_commands)};
