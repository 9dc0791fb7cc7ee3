/* cli_fund_board: `ctis fund board add|list|end|settings` and `fund conflict add|list` (issue 8,
 * part A; src/fund/board.h) as the local operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "fund/board.h"
#include "util/mem.h"
#include "util/util.h"

enum bop { OP_ADD, OP_LIST, OP_END, OP_SETTINGS, OP_CONFLICT_ADD, OP_CONFLICT_LIST };

struct board_cli {
    enum bop op;
    int64_t id;
    const char *date, *name;
    int64_t value;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct board_cli *o = p;
    switch (o->op) {
    case OP_ADD: return fund_trustee_add(ctx, o->in, &o->out);
    case OP_LIST: return fund_trustee_list(ctx, &o->out);
    case OP_END: return fund_trustee_end(ctx, o->id, o->date, &o->out);
    case OP_SETTINGS: {
        enum status st = o->name != NULL ? fund_app_setting_put(ctx, o->name, o->value) : STATUS_OK;
        return st == STATUS_OK ? fund_app_settings(ctx, &o->out) : st;
    }
    case OP_CONFLICT_ADD: return fund_conflict_add(ctx, o->in, &o->out);
    case OP_CONFLICT_LIST: return fund_conflict_list(ctx, o->id, &o->out);
    }
    return STATUS_INVALID;
}

static enum status number(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

/* Options to members: {option, key, is a number}. */
struct member {
    const char *opt, *key;
    bool num;
};

static enum status members(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    for (; m != NULL && m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        int64_t n = 0;
        if (v == NULL) {
            continue;
        }
        if (!m->num) {
            json_object_set_new(o, m->key, json_string(v));
        } else if (number(m->opt, v, &n) == STATUS_OK) {
            json_object_set_new(o, m->key, json_integer(n));
        } else {
            return STATUS_INVALID;
        }
    }
    return STATUS_OK;
}

static void print_trustees(const json_t *arr)
{
    size_t i;
    const json_t *t;
    printf("id\tname\tcountry\tgroup\tappointed_on\tterm_end\tstatus\tserving_now\n");
    json_array_foreach(arr, i, t)
    {
        printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(t, "id")),
               json_is_string(json_object_get(t, "name")) ? json_string_value(json_object_get(t, "name")) : "",
               json_string_value(json_object_get(t, "country")),
               json_string_value(json_object_get(t, "regional_group")),
               json_string_value(json_object_get(t, "appointed_on")), json_string_value(json_object_get(t, "term_end")),
               json_string_value(json_object_get(t, "status")),
               json_is_true(json_object_get(t, "serving_now")) ? "yes" : "no");
    }
}

static int board_cmd(const struct command *cmd, struct args *args, enum bop op, const struct member *m)
{
    struct board_cli o = {.op = op, .in = json_object()};
    enum status st = STATUS_OK;
    if (op == OP_END) {
        st = number("TRUSTEE_ID", args->pos[0], &o.id);
        o.date = cli_opt(cmd, args, "date");
    }
    if (op == OP_CONFLICT_LIST && cli_opt(cmd, args, "trustee") != NULL) {
        st = number("trustee", cli_opt(cmd, args, "trustee"), &o.id);
    }
    if (op == OP_SETTINGS && args->npos > 0) {
        o.name = args->pos[0];
        st = args->npos == 2 ? number("VALUE", args->pos[1], &o.value)
                             : err_set_field(STATUS_INVALID, "VALUE", "NAME VALUE: both or neither");
    }
    if (st == STATUS_OK && m != NULL) {
        st = members(cmd, args, m, o.in);
    }
    if (st == STATUS_OK) {
        st = cli_run_op(op_run, &o);
    }
    if (st == STATUS_OK) {
        if (op == OP_LIST && !cli_json_out) {
            print_trustees(o.out);
        } else if ((op == OP_ADD || op == OP_CONFLICT_ADD) && !cli_json_out) {
            printf("%lld\n", (long long)json_integer_value(json_object_get(o.out, "id")));
        } else {
            cli_print_json(o.out);
            o.out = NULL;
        }
    }
    json_decref(o.out);
    json_decref(o.in);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct member add_members[] = {{"name", "name", false},         {"country", "country", false},
                                            {"user", "user_id", true},       {"appointed", "appointed_on", false},
                                            {"term-end", "term_end", false}, {0}};
static const struct member conflict_members[] = {
    {"trustee", "trustee_id", true}, {"agency", "agency_id", true}, {"application", "application_id", true},
    {"date", "declared_on", false},  {"note", "note", false},       {0}};

static int cmd_add(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_ADD, add_members);
}
static int cmd_list(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_LIST, NULL);
}
static int cmd_end(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_END, NULL);
}
static int cmd_settings(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_SETTINGS, NULL);
}
static int cmd_conflict_add(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_CONFLICT_ADD, conflict_members);
}
static int cmd_conflict_list(const struct command *cmd, struct args *args)
{
    return board_cmd(cmd, args, OP_CONFLICT_LIST, NULL);
}

static const struct command board_commands[] = {
    {"fund board add",
     "",
     0,
     0,
     "Appoints a trustee: at most five serve on any date, by default one per UN regional group.",
     {{"name", true, "the trustee's name (sealed; required)"},
      {"country", true, "nationality, ISO 3166 alpha-3 of a UN member state (required)"},
      {"user", true, "the trustee's user account id (to review applications)"},
      {"appointed", true, "appointment date, YYYY-MM-DD (default today)"},
      {"term-end", true, "term end, YYYY-MM-DD (default three years on)"}},
     cmd_add},
    {"fund board list", "", 0, 0, "Lists the trustees with their regional groups.", {{0}}, cmd_list},
    {"fund board end",
     "TRUSTEE_ID",
     1,
     1,
     "Ends a trustee's term.",
     {{"date", true, "the last day, YYYY-MM-DD (default today)"}},
     cmd_end},
    {"fund board settings",
     "[NAME VALUE]",
     0,
     2,
     "Shows the settings, or sets one: max_per_group (trustees of a regional group, default 1) or min_reviews "
     "(reviews before a decision, default 2), 1..5.",
     {{0}},
     cmd_settings},
    {"fund conflict add",
     "",
     0,
     0,
     "Declares a trustee's conflict of interest on an organisation or an application.",
     {{"trustee", true, "the trustee's id (required)"},
      {"agency", true, "the organisation (agency id)"},
      {"application", true, "or the application's id"},
      {"date", true, "declared on, YYYY-MM-DD (default today)"},
      {"note", true, "a note (sealed)"}},
     cmd_conflict_add},
    {"fund conflict list",
     "",
     0,
     0,
     "Lists the declarations of conflicts of interest (JSON).",
     {{"trustee", true, "one trustee's only"}},
     cmd_conflict_list},
};

const struct cli_table cli_fund_board_table = {board_commands, ARRAY_LEN(board_commands)};
