/* cli_justice: the justice commands (issue 5, part J1) as the local operator: investigations
 * (list, create, show, update). See docs/justice.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/investigation.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct justice_cli {
    int64_t id;
    int64_t version;
    struct investigation_input in;
    struct investigation_filter f;
    struct investigation v;
    struct investigation *list;
    size_t count;
};

static void justice_cli_free(struct justice_cli *o)
{
    investigation_clear(&o->v);
    investigations_free(o->list, o->count);
}

static enum status positive_id(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

static void inv_line(const struct investigation *v)
{
    printf("%-18lld %-24s %-10s %-24s %-3s\n", (long long)v->id, v->reference, v->opened[0] ? v->opened : "-",
           v->status, v->country[0] ? v->country : "-");
}

static void inv_print(const struct investigation *v)
{
    if (cli_json_out) {
        cli_print_json(investigation_to_json(v));
        return;
    }
    printf("investigation %lld (version %lld)\n", (long long)v->id, (long long)v->version);
    printf("reference: %s\ntitle: %s\nopened: %s\nstatus: %s\ncountry: %s\nagency: %lld\nowner: %lld\n", v->reference,
           v->title ? v->title : (v->title_withheld ? "(withheld)" : ""), v->opened, v->status, v->country,
           (long long)v->agency_id, (long long)v->owner_id);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct justice_cli *o = p;
    return investigation_list(ctx, &o->f, &o->list, &o->count);
}

static int cmd_investigation_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct justice_cli o;
    memset(&o, 0, sizeof o);
    o.f.status = cli_opt(cmd, args, "status");
    o.f.limit = PAGE_ROWS_DEFAULT;
    if (cli_opt(cmd, args, "limit") && util_parse_i64(&o.f.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "limit", "--limit: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_list, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, investigation_to_json(&o.list[i]));
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.count; i++) {
            inv_line(&o.list[i]);
        }
        printf("%zu investigation%s\n", o.count, o.count == 1 ? "" : "s");
    }
    justice_cli_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct justice_cli *o = p;
    enum status st = investigation_create(ctx, &o->in, &o->id);
    return st == STATUS_OK ? investigation_get(ctx, o->id, &o->v) : st;
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct justice_cli *o = p;
    return investigation_get(ctx, o->id, &o->v);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct justice_cli *o = p;
    enum status st = investigation_update(ctx, o->id, o->version, &o->in);
    return st == STATUS_OK ? investigation_get(ctx, o->id, &o->v) : st;
}

/* Reads the investigation options into o->in. */
static void inv_options(const struct command *cmd, struct args *args, struct justice_cli *o)
{
    o->in.reference = cli_opt(cmd, args, "reference");
    o->in.title = cli_opt(cmd, args, "title");
    o->in.opened = cli_opt(cmd, args, "opened");
    o->in.country = cli_opt(cmd, args, "country");
}

static int cmd_investigation_create(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct justice_cli o;
    memset(&o, 0, sizeof o);
    inv_options(cmd, args, &o);
    if (cli_opt(cmd, args, "agency") == NULL) {
        st = err_set_field(STATUS_INVALID, "agency", "--agency: required (the agency that holds it)");
    } else {
        st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.in.agency_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_create, &o);
    }
    if (st == STATUS_OK) {
        inv_print(&o.v);
    }
    justice_cli_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_investigation_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct justice_cli o;
    memset(&o, 0, sizeof o);
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_show, &o);
    }
    if (st == STATUS_OK) {
        inv_print(&o.v);
    }
    justice_cli_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_investigation_update(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct justice_cli o;
    memset(&o, 0, sizeof o);
    inv_options(cmd, args, &o);
    o.in.status = cli_opt(cmd, args, "status");
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_update, &o);
    }
    if (st == STATUS_OK) {
        inv_print(&o.v);
    }
    justice_cli_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command justice_commands[] = {
    {"investigation list",
     "",
     0,
     0,
     "Lists investigations (newest first; titles not shown).",
     {{"status", true, "open, referred_to_prosecution or closed"}, {"limit", true, "at most this many (default 50)"}},
     cmd_investigation_list},
    {"investigation create",
     "",
     0,
     0,
     "Opens an investigation for an agency (the reference is clear: never put a name in it).",
     {{"agency", true, "the agency that holds it (name or id)"},
      {"reference", true, "the file number (required)"},
      {"title", true, "a title (sealed; may name people)"},
      {"opened", true, "the date opened, YYYY-MM-DD (default today)"},
      {"country", true, "the country (ISO code or name)"}},
     cmd_investigation_create},
    {"investigation show",
     "INVESTIGATION_ID",
     1,
     1,
     "Shows an investigation with its title (audited).",
     {{0}},
     cmd_investigation_show},
    {"investigation update",
     "INVESTIGATION_ID",
     1,
     1,
     "Changes an investigation's reference, title, opened date, status or country.",
     {{"reference", true, "the file number"},
      {"title", true, "a title (sealed; \"\" clears)"},
      {"opened", true, "the date opened, YYYY-MM-DD"},
      {"status", true, "open, referred_to_prosecution or closed"},
      {"country", true, "the country (ISO code or name; \"\" clears)"}},
     cmd_investigation_update},
};

const struct cli_table cli_justice_table = {justice_commands, ARRAY_LEN(justice_commands)};
