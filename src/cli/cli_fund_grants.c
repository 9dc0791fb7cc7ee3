/* cli_fund_grants: `ctis fund grant add|list|show|close`, `fund disburse record|approve|reject|list`,
 * `fund report save|submit|accept|return|list|show` and `fund results` (issue 8, part G;
 * src/fund/grants.h, src/fund/reports.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "fund/grants.h"
#include "fund/reports.h"
#include "util/mem.h"
#include "util/util.h"

enum fop {
    OP_GRANT_ADD,
    OP_GRANT_LIST,
    OP_GRANT_SHOW,
    OP_GRANT_CLOSE,
    OP_DISB_RECORD,
    OP_DISB_DECIDE,
    OP_DISB_LIST,
    OP_REPORT_SAVE,
    OP_REPORT_SUBMIT,
    OP_REPORT_DECIDE,
    OP_REPORT_LIST,
    OP_REPORT_SHOW,
    OP_RESULTS
};

struct fund_cli {
    enum fop op;
    int64_t id, grant_id;
    const char *status, *by;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct fund_cli *o = p;
    switch (o->op) {
    case OP_GRANT_ADD: return fund_grant_add(ctx, o->in, &o->id);
    case OP_GRANT_LIST: return fund_grant_list(ctx, o->status, &o->out);
    case OP_GRANT_SHOW: return fund_grant_get(ctx, o->id, &o->out);
    case OP_GRANT_CLOSE: return fund_grant_close(ctx, o->id, o->in);
    case OP_DISB_RECORD: return fund_disbursement_record(ctx, o->in, &o->id);
    case OP_DISB_DECIDE: return fund_disbursement_decide(ctx, o->id, o->in);
    case OP_DISB_LIST: return fund_disbursement_list(ctx, o->grant_id, o->status, &o->out);
    case OP_REPORT_SAVE: return fund_report_save(ctx, o->id, 0, o->in, &o->id);
    case OP_REPORT_SUBMIT: return fund_report_submit(ctx, o->id, 0);
    case OP_REPORT_DECIDE: return fund_report_decide(ctx, o->id, o->in);
    case OP_REPORT_LIST: return fund_report_list(ctx, o->grant_id, o->status, &o->out);
    case OP_REPORT_SHOW: return fund_report_get(ctx, o->id, &o->out);
    case OP_RESULTS: return fund_results(ctx, o->by, &o->out);
    }
    return STATUS_INVALID;
}

static enum status positive_id(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

/* Options to JSON members: text, ids, or counts. */
enum mkind { M_TEXT, M_ID };
struct member {
    const char *opt, *key;
    enum mkind kind;
};

static enum status members_json(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    for (; m != NULL && m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        if (v == NULL) {
            continue;
        }
        if (m->kind == M_TEXT) {
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

/* "2026-01-15:30,000.00;2026-09-01:20,000.00" (';' or ' ' between tranches) into the tranches. */
static enum status tranches_json(const char *text, json_t *o)
{
    json_t *arr = json_array();
    char *copy = xstrdup(text), *save = NULL;
    enum status st = STATUS_OK;
    for (char *tok = strtok_r(copy, "; ", &save); tok != NULL; tok = strtok_r(NULL, "; ", &save)) {
        char *colon = strchr(tok, ':');
        if (colon == NULL) {
            st = err_set_field(STATUS_INVALID, "tranches", "tranches: DATE:AMOUNT;DATE:AMOUNT ...");
            break;
        }
        *colon = '\0';
        json_array_append_new(arr, json_pack("{ssss}", "due_date", tok, "amount", colon + 1));
    }
    free(copy);
    json_object_set_new(o, "tranches", arr);
    return st;
}

/* "female:adult:SexualExploitation:12,male:child:ForcedLabour:3" or "shelter:10,legal_aid:4". */
static enum status counts_json(const char *text, bool ben, json_t *o)
{
    const char *field = ben ? "beneficiaries" : "services";
    json_t *arr = json_array();
    char *copy = xstrdup(text), *save = NULL;
    enum status st = STATUS_OK;
    for (char *tok = strtok_r(copy, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
        char *parts[4] = {NULL};
        int n = 0;
        for (char *p = tok; n < 4; n++) {
            parts[n] = p;
            char *c = strchr(p, ':');
            if (c == NULL) {
                n++;
                break;
            }
            *c = '\0';
            p = c + 1;
        }
        int64_t count = 0;
        if (n != (ben ? 4 : 2) || util_parse_i64(&count, parts[n - 1]) != STATUS_OK || count < 0) {
            st = err_set_field(STATUS_INVALID, field,
                               ben ? "beneficiaries: SEX:AGE:FORM:COUNT,..." : "services: SERVICE:COUNT,...");
            break;
        }
        json_array_append_new(arr, ben ? json_pack("{sssssssI}", "sex", parts[0], "age", parts[1], "form", parts[2],
                                                   "count", (json_int_t)count)
                                       : json_pack("{sssI}", "service", parts[0], "count", (json_int_t)count));
    }
    free(copy);
    json_object_set_new(o, field, arr);
    return st;
}

static const char *text_or(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : dflt;
}

static long long num(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void print_grants(json_t *arr)
{
    size_t i;
    json_t *e;
    printf("%-18s %-15s %-8s %-12s %-11s %-11s %14s %14s %s\n", "ID", "NUMBER", "COUNTRY", "PROGRAMME", "START", "END",
           "AMOUNT", "PAID", "STATUS");
    json_array_foreach(arr, i, e)
    {
        printf("%-18lld %-15s %-8s %-12s %-11s %-11s %14s %14s %s\n", num(e, "id"), text_or(e, "number", "-"),
               text_or(e, "country", "-"), text_or(e, "programme", "-"), text_or(e, "start_date", "-"),
               text_or(e, "end_date", "-"), text_or(e, "amount", "-"), text_or(e, "paid", "-"),
               text_or(e, "status", "-"));
    }
}

static void print_disbursements(json_t *arr)
{
    size_t i;
    json_t *e;
    printf("%-18s %-15s %-7s %14s %-11s %-20s %-9s %s\n", "ID", "GRANT", "TRANCHE", "AMOUNT", "DATE", "BANK REFERENCE",
           "STATUS", "RECORDED BY");
    json_array_foreach(arr, i, e)
    {
        printf("%-18lld %-15s %-7lld %14s %-11s %-20s %-9s %lld\n", num(e, "id"), text_or(e, "grant_number", "-"),
               num(e, "tranche_seq"), text_or(e, "amount", "-"), text_or(e, "date", "-"),
               text_or(e, "bank_reference", "-"), text_or(e, "status", "-"), num(e, "recorded_by"));
    }
}

static void print_reports(json_t *arr)
{
    size_t i;
    json_t *e;
    printf("%-18s %-15s %-7s %-11s %-11s %-8s %s\n", "ID", "GRANT", "TRANCHE", "FROM", "TO", "COUNTRY", "STATUS");
    json_array_foreach(arr, i, e)
    {
        printf("%-18lld %-15s %-7lld %-11s %-11s %-8s %s\n", num(e, "id"), text_or(e, "grant_number", "-"),
               num(e, "tranche_seq"), text_or(e, "period_from", "-"), text_or(e, "period_to", "-"),
               text_or(e, "country", "-"), text_or(e, "status", "-"));
    }
}

/* The results as CSV (csv) or an aligned table: the dimensions asked for, then victims. */
static void print_results(json_t *arr, const char *by, bool csv)
{
    static const char *const dims[] = {"country", "year", "sex", "age", "form"};
    const char *spec = by != NULL && by[0] ? by : "country,year";
    bool want[5] = {false};
    for (size_t d = 0; d < 5; d++) {
        size_t len = strlen(dims[d]);
        for (const char *p = spec; *p != '\0';) {
            size_t n = strcspn(p, ",");
            want[d] = want[d] || (n == len && strncmp(p, dims[d], n) == 0);
            p += n + (p[n] == ',');
        }
    }
    for (size_t d = 0; d < 5; d++) {
        if (want[d]) {
            printf(csv ? "%s," : "%-20s ", dims[d]);
        }
    }
    printf("victims\n");
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        for (size_t d = 0; d < 5; d++) {
            if (!want[d]) {
                continue;
            }
            json_t *v = json_object_get(e, dims[d]);
            char buf[64];
            if (json_is_integer(v)) {
                snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            } else {
                snprintf(buf, sizeof buf, "%s", json_string_value(v) ? json_string_value(v) : "");
            }
            printf(csv ? "%s," : "%-20s ", buf);
        }
        printf("%lld\n", num(e, "victims"));
    }
}

struct spec {
    enum fop op;
    bool id_arg;          /* the first positional is the record's id */
    bool id_optional;     /* fund report save: none for a new draft */
    const char *decision; /* OP_*_DECIDE: the decision member */
    const struct member *members;
};

static int fund_cmd(const struct command *cmd, struct args *args, const struct spec *sp)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct fund_cli o = {.op = sp->op, .in = json_object()};
    if (sp->id_arg && (!sp->id_optional || args->npos > 0)) {
        st = positive_id("ID", args->pos[0], &o.id);
    }
    if (st == STATUS_OK) {
        st = members_json(cmd, args, sp->members, o.in);
    }
    if (sp->decision != NULL) {
        json_object_set_new(o.in, "decision", json_string(sp->decision));
    }
    if (st == STATUS_OK && sp->op == OP_GRANT_ADD) {
        const char *agency = cli_opt(cmd, args, "agency"), *tr = cli_opt(cmd, args, "tranches");
        int64_t aid = 0;
        if (agency == NULL) {
            st = err_set_field(STATUS_INVALID, "agency", "--agency: the grantee organisation (name or id)");
        } else {
            st = cli_agency_lookup(&e, agency, &aid);
        }
        if (st == STATUS_OK) {
            json_object_set_new(o.in, "agency_id", json_integer(aid));
            st = tranches_json(tr ? tr : "", o.in);
        }
    }
    if (st == STATUS_OK && sp->op == OP_REPORT_SAVE) {
        const char *b = cli_opt(cmd, args, "beneficiaries"), *s = cli_opt(cmd, args, "services");
        if (b != NULL) {
            st = counts_json(b, true, o.in);
        }
        if (st == STATUS_OK && s != NULL) {
            st = counts_json(s, false, o.in);
        }
    }
    if (st == STATUS_OK && (sp->op == OP_GRANT_LIST || sp->op == OP_DISB_LIST || sp->op == OP_REPORT_LIST)) {
        o.status = cli_opt(cmd, args, "status");
        if (sp->op != OP_GRANT_LIST && cli_opt(cmd, args, "grant") != NULL) {
            st = positive_id("grant", cli_opt(cmd, args, "grant"), &o.grant_id);
        }
    }
    if (sp->op == OP_RESULTS) {
        o.by = cli_opt(cmd, args, "by");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_run, &o);
    }
    if (st == STATUS_OK) {
        switch (sp->op) {
        case OP_GRANT_ADD:
        case OP_DISB_RECORD:
        case OP_REPORT_SAVE:
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
            } else {
                printf("%lld\n", (long long)o.id);
            }
            break;
        case OP_GRANT_CLOSE:
        case OP_DISB_DECIDE:
        case OP_REPORT_SUBMIT:
        case OP_REPORT_DECIDE:
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
            }
            break;
        case OP_GRANT_SHOW:
        case OP_REPORT_SHOW:
            cli_print_json(o.out);
            o.out = NULL;
            break;
        default:
            if (cli_json_out) {
                cli_print_json(o.out);
                o.out = NULL;
            } else if (sp->op == OP_GRANT_LIST) {
                print_grants(o.out);
            } else if (sp->op == OP_DISB_LIST) {
                print_disbursements(o.out);
            } else if (sp->op == OP_REPORT_LIST) {
                print_reports(o.out);
            } else {
                print_results(o.out, o.by, cli_flag(cmd, args, "csv"));
            }
        }
    }
    json_decref(o.out);
    json_decref(o.in);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct member grant_add_m[] = {{"country", "country", M_TEXT},  {"programme", "programme", M_TEXT},
                                            {"start", "start_date", M_TEXT}, {"end", "end_date", M_TEXT},
                                            {"amount", "amount", M_TEXT},    {"application", "application_id", M_ID},
                                            {"call", "call_id", M_ID},       {0}};
static const struct member close_m[] = {
    {"reason", "reason", M_TEXT}, {"status", "status", M_TEXT}, {"date", "date", M_TEXT}, {0}};
static const struct member disb_m[] = {{"tranche", "tranche_id", M_ID},
                                       {"amount", "amount", M_TEXT},
                                       {"date", "date", M_TEXT},
                                       {"bank-reference", "bank_reference", M_TEXT},
                                       {0}};
static const struct member reason_m[] = {{"reason", "reason", M_TEXT}, {0}};
static const struct member report_m[] = {{"grant", "grant_id", M_ID},
                                         {"tranche", "tranche_id", M_ID},
                                         {"from", "period_from", M_TEXT},
                                         {"to", "period_to", M_TEXT},
                                         {"country", "country", M_TEXT},
                                         {"narrative", "narrative", M_TEXT},
                                         {0}};

#define CMD(fn, ...)                                                                                                   \
    static int fn(const struct command *cmd, struct args *args)                                                        \
    {                                                                                                                  \
        static const struct spec sp = {__VA_ARGS__};                                                                   \
        return fund_cmd(cmd, args, &sp);                                                                               \
    }
CMD(cmd_grant_add, OP_GRANT_ADD, false, false, NULL, grant_add_m)
CMD(cmd_grant_list, OP_GRANT_LIST, false, false, NULL, NULL)
CMD(cmd_grant_show, OP_GRANT_SHOW, true, false, NULL, NULL)
CMD(cmd_grant_close, OP_GRANT_CLOSE, true, false, NULL, close_m)
CMD(cmd_disb_record, OP_DISB_RECORD, false, false, NULL, disb_m)
CMD(cmd_disb_approve, OP_DISB_DECIDE, true, false, "approve", NULL)
CMD(cmd_disb_reject, OP_DISB_DECIDE, true, false, "reject", reason_m)
CMD(cmd_disb_list, OP_DISB_LIST, false, false, NULL, NULL)
CMD(cmd_report_save, OP_REPORT_SAVE, true, true, NULL, report_m)
CMD(cmd_report_submit, OP_REPORT_SUBMIT, true, false, NULL, NULL)
CMD(cmd_report_accept, OP_REPORT_DECIDE, true, false, "accept", NULL)
CMD(cmd_report_return, OP_REPORT_DECIDE, true, false, "return", reason_m)
CMD(cmd_report_list, OP_REPORT_LIST, false, false, NULL, NULL)
CMD(cmd_report_show, OP_REPORT_SHOW, true, false, NULL, NULL)
CMD(cmd_results, OP_RESULTS, false, false, NULL, NULL)

static const struct command fund_grant_commands[] = {
    {"fund grant add",
     "",
     0,
     0,
     "Records a grant agreement (UNVTF-YYYY-NNN) with its tranches; releases the first; prints its id.",
     {{"agency", true, "the grantee organisation: an agency's name or id (required)"},
      {"country", true, "where the project runs, ISO alpha-3 (required)"},
      {"programme", true, "immediate, medium_term or other (required)"},
      {"start", true, "the start date, YYYY-MM-DD (required)"},
      {"end", true, "the end date, YYYY-MM-DD (required)"},
      {"amount", true, "the grant in US dollars, exactly (default: the sum of the tranches)"},
      {"tranches", true, "DATE:AMOUNT;DATE:AMOUNT ... the tranches' due dates and amounts in US dollars (required)"},
      {"application", true, "the application's id (when decided in ctis)"},
      {"call", true, "the call's id"}},
     cmd_grant_add},
    {"fund grant list",
     "",
     0,
     0,
     "Lists the grants (a grantee: their organisation's).",
     {{"status", true, "active, closed or cancelled"}},
     cmd_grant_list},
    {"fund grant show", "ID", 1, 1, "Shows a grant with its tranches (JSON).", {{0}}, cmd_grant_show},
    {"fund grant close",
     "ID",
     1,
     1,
     "Closes (or cancels) a grant: unpaid tranches are cancelled and the unpaid remainder goes back to the fund.",
     {{"reason", true, "why (required, sealed)"},
      {"status", true, "closed (default) or cancelled"},
      {"date", true, "YYYY-MM-DD (default today)"}},
     cmd_grant_close},
    {"fund disburse record",
     "",
     0,
     0,
     "Records a disbursement against a released tranche; another fund manager approves it; prints its id.",
     {{"tranche", true, "the tranche's id (required)"},
      {"amount", true, "US dollars, at most the tranche's unpaid rest (required)"},
      {"date", true, "the payment date, YYYY-MM-DD (default today)"},
      {"bank-reference", true, "the bank transfer's reference (required)"}},
     cmd_disb_record},
    {"fund disburse approve",
     "ID",
     1,
     1,
     "Approves a disbursement recorded by another user (fund.certify); posts it to the ledger.",
     {{0}},
     cmd_disb_approve},
    {"fund disburse reject",
     "ID",
     1,
     1,
     "Rejects a disbursement recorded by another user (fund.certify).",
     {{"reason", true, "why (required, sealed)"}},
     cmd_disb_reject},
    {"fund disburse list",
     "",
     0,
     0,
     "Lists disbursements, newest first.",
     {{"grant", true, "of this grant (id)"}, {"status", true, "pending, approved or rejected"}},
     cmd_disb_list},
    {"fund report save",
     "[ID]",
     0,
     1,
     "Saves a grantee report's draft (new without ID); prints its id.",
     {{"grant", true, "the grant's id (required for a new report)"},
      {"tranche", true, "the tranche reported on (default: the latest released)"},
      {"from", true, "the period's first day, YYYY-MM-DD"},
      {"to", true, "the period's last day, YYYY-MM-DD"},
      {"country", true, "ISO alpha-3 (default: the grant's)"},
      {"narrative", true, "the narrative (sealed)"},
      {"beneficiaries", true,
       "SEX:AGE:FORM:COUNT,... (female|male|other|unknown, adult|child, a form of exploitation)"},
      {"services", true, "SERVICE:COUNT,... (shelter, medical, psychological, legal_aid ...)"}},
     cmd_report_save},
    {"fund report submit", "ID", 1, 1, "Submits a report to the fund.", {{0}}, cmd_report_submit},
    {"fund report accept",
     "ID",
     1,
     1,
     "Accepts a submitted report (fund.write); releases the grant's next tranche.",
     {{0}},
     cmd_report_accept},
    {"fund report return",
     "ID",
     1,
     1,
     "Returns a submitted report to the grantee.",
     {{"reason", true, "what to correct (required, sealed)"}},
     cmd_report_return},
    {"fund report list",
     "",
     0,
     0,
     "Lists grantee reports.",
     {{"grant", true, "of this grant (id)"}, {"status", true, "draft, submitted, accepted or returned"}},
     cmd_report_list},
    {"fund report show",
     "ID",
     1,
     1,
     "Shows a report with its beneficiaries and services (JSON).",
     {{0}},
     cmd_report_show},
    {"fund results",
     "",
     0,
     0,
     "The fund's results from accepted reports: victims reached (a report counts in the year its period ends).",
     {{"by", true, "dimensions among country, year, sex, age, form (default country,year)"},
      {"csv", false, "CSV instead of a table"}},
     cmd_results},
};

const struct cli_table cli_fund_grants_table = {fund_grant_commands, ARRAY_LEN(fund_grant_commands)};
