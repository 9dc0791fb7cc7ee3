/* cli_intake: the intake commands (part T) as the local operator: list, show, triage, dismiss
 * and convert tips, and the settings (receiving agency, helpline number). Sealed values are
 * printed only by `intake show`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "referral/intake.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct intake_cli {
    int64_t id;
    int64_t case_id;
    const char *state;
    const char *reason;
    int64_t limit;
    struct intake_tip tip;
    struct intake_tip *list;
    size_t count;
    struct intake_settings settings;
};

static enum status tip_id(const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, "TIP_ID", "TIP_ID: a positive number");
    }
    return STATUS_OK;
}

static void tip_line(const struct intake_tip *t)
{
    char when[32];
    util_time_iso(when, t->received_at_ms);
    when[16] = '\0';
    printf("%-18lld %-12s %s  %-14s %-10s %-8s %-3s %s%s\n", (long long)t->id, t->reference, when, t->channel, t->state,
           t->exploitation, t->country[0] ? t->country : "-", t->immediate_danger ? "DANGER " : "",
           t->case_id ? "converted" : "");
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    return intake_tip_list(ctx, o->state, o->limit, 0, &o->list, &o->count);
}

static int cmd_intake_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct intake_cli o;
    memset(&o, 0, sizeof o);
    o.state = cli_opt(cmd, args, "state");
    o.limit = PAGE_ROWS_DEFAULT;
    if (cli_opt(cmd, args, "limit") && util_parse_i64(&o.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "limit", "--limit: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_list, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, intake_tip_to_json(&o.list[i]));
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.count; i++) {
            tip_line(&o.list[i]);
        }
        printf("%zu tip%s\n", o.count, o.count == 1 ? "" : "s");
    }
    intake_tips_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    return intake_tip_get(ctx, o->id, &o->tip);
}

static enum status op_triage(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    enum status st = intake_tip_triage(ctx, o->id);
    return st == STATUS_OK ? intake_tip_get(ctx, o->id, &o->tip) : st;
}

static enum status op_dismiss(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    enum status st = intake_tip_dismiss(ctx, o->id, o->reason);
    return st == STATUS_OK ? intake_tip_get(ctx, o->id, &o->tip) : st;
}

static enum status op_convert(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    enum status st = intake_tip_convert(ctx, o->id, &o->case_id);
    return st == STATUS_OK ? intake_tip_get(ctx, o->id, &o->tip) : st;
}

/* Runs fn on TIP_ID and prints the tip (show: with its sealed values). */
static int tip_cmd(struct args *args, const char *reason, auth_op_fn fn, bool full)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct intake_cli o;
    memset(&o, 0, sizeof o);
    o.reason = reason;
    st = tip_id(args->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, fn, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *j = intake_tip_to_json(&o.tip);
        if (!full) {
            json_object_del(j, "contact");
            json_object_del(j, "account");
            json_object_del(j, "location");
        }
        cli_print_json(j);
    } else if (st == STATUS_OK) {
        tip_line(&o.tip);
        if (o.case_id) {
            printf("case %lld\n", (long long)o.case_id);
        }
        if (full) {
            printf("contact:  %s\nlocation: %s\naccount:\n%s\n", o.tip.contact ? o.tip.contact : "-",
                   o.tip.location ? o.tip.location : "-", o.tip.account ? o.tip.account : "-");
        }
    }
    intake_tip_clear(&o.tip);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_intake_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return tip_cmd(args, NULL, op_show, true);
}

static int cmd_intake_triage(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return tip_cmd(args, NULL, op_triage, false);
}

static int cmd_intake_dismiss(const struct command *cmd, struct args *args)
{
    if (cli_opt(cmd, args, "reason") == NULL) {
        fprintf(stderr, "ctis intake dismiss: --reason is required\n");
        return CLI_EXIT_USAGE;
    }
    return tip_cmd(args, cli_opt(cmd, args, "reason"), op_dismiss, false);
}

static int cmd_intake_convert(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return tip_cmd(args, NULL, op_convert, false);
}

static enum status op_settings_get(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    return intake_settings_get(ctx, &o->settings);
}

static enum status op_settings_set(const struct auth_ctx *ctx, void *p)
{
    struct intake_cli *o = p;
    return intake_settings_set(ctx, &o->settings);
}

static int cmd_intake_settings(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct intake_cli o;
    memset(&o, 0, sizeof o);
    st = auth_run(&e.ctx, op_settings_get, &o);
    bool change = false;
    if (st == STATUS_OK && cli_opt(cmd, args, "agency")) {
        change = true;
        st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.settings.agency_id);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "helpline")) {
        change = true;
        if (strlen(cli_opt(cmd, args, "helpline")) >= sizeof o.settings.helpline) {
            st = err_set_field(STATUS_INVALID, "helpline", "--helpline: too long");
        } else {
            snprintf(o.settings.helpline, sizeof o.settings.helpline, "%s", cli_opt(cmd, args, "helpline"));
        }
    }
    if (st == STATUS_OK && change) {
        st = auth_run(&e.ctx, op_settings_set, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(
            json_pack("{sIss}", "agency_id", (json_int_t)o.settings.agency_id, "helpline", o.settings.helpline));
    } else if (st == STATUS_OK) {
        printf("receiving agency: %s\nhelpline: %s\n", o.settings.agency_id ? "" : "the first agency (default)",
               o.settings.helpline);
        if (o.settings.agency_id) {
            printf("receiving agency id: %lld\n", (long long)o.settings.agency_id);
        }
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command intake_commands[] = {
    {"intake list",
     "",
     0,
     0,
     "Lists tips from the public form and the helpline (newest first; no sealed values).",
     {{"state", true, "new, triaged, converted or dismissed"}, {"limit", true, "at most this many (default 50)"}},
     cmd_intake_list},
    {"intake show",
     "TIP_ID",
     1,
     1,
     "Shows a tip with the tipster's contact, the account and the location (audited).",
     {{0}},
     cmd_intake_show},
    {"intake triage", "TIP_ID", 1, 1, "Marks a new tip triaged.", {{0}}, cmd_intake_triage},
    {"intake dismiss",
     "TIP_ID",
     1,
     1,
     "Dismisses a tip with a reason code.",
     {{"reason", true, "spam, duplicate, not_trafficking, insufficient_information, referred_elsewhere or other"}},
     cmd_intake_dismiss},
    {"intake convert",
     "TIP_ID",
     1,
     1,
     "Creates a case from a tip (stage first contact: the account becomes the narrative) and links them.",
     {{0}},
     cmd_intake_convert},
    {"intake settings",
     "",
     0,
     0,
     "Shows or sets the agency that receives public tips and the helpline number on the public page.",
     {{"agency", true, "the receiving agency (name or id)"}, {"helpline", true, "the helpline's telephone number"}},
     cmd_intake_settings},
};

const struct cli_table cli_intake_table = {intake_commands, ARRAY_LEN(intake_commands)};
