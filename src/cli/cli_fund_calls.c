/* cli_fund_calls: `ctis fund call add|open|close|list|show`, `fund org show|set`,
 * `fund application save|submit|list|show`, `fund review add|list` and `fund decide` (issue 8,
 * part A; src/fund/calls.h, src/fund/applications.h) as the local operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "fund/applications.h"
#include "fund/calls.h"
#include "util/mem.h"
#include "util/util.h"

enum cop {
    OP_CALL_ADD,
    OP_CALL_OPEN,
    OP_CALL_CLOSE,
    OP_CALL_LIST,
    OP_CALL_SHOW,
    OP_ORG_SHOW,
    OP_ORG_SET,
    OP_APP_SAVE,
    OP_APP_SUBMIT,
    OP_APP_LIST,
    OP_APP_SHOW,
    OP_REVIEW_ADD,
    OP_REVIEW_LIST,
    OP_DECIDE
};

struct calls_cli {
    enum cop op;
    int64_t id, version, call_id;
    const char *status;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct calls_cli *o = p;
    switch (o->op) {
    case OP_CALL_ADD: return fund_call_add(ctx, o->in, &o->out);
    case OP_CALL_OPEN: return fund_call_open(ctx, o->id, &o->out);
    case OP_CALL_CLOSE: return fund_call_close(ctx, o->id, &o->out);
    case OP_CALL_LIST: return fund_call_list(ctx, &o->out);
    case OP_CALL_SHOW: return fund_call_get(ctx, o->id, &o->out);
    case OP_ORG_SHOW: return fund_org_get(ctx, o->id, &o->out);
    case OP_ORG_SET: {
        /* the operator edits the version in effect */
        json_t *cur = NULL;
        enum status st = fund_org_get(ctx, o->id, &cur);
        int64_t v = st == STATUS_OK ? json_integer_value(json_object_get(cur, "version")) : 0;
        if (st == STATUS_OK) {
            const char *key;
            json_t *val;
            json_object_foreach(o->in, key, val)
            {
                json_object_set(cur, key, val);
            }
            st = fund_org_set(ctx, o->id, v, cur, &o->out);
        }
        json_decref(cur);
        return st;
    }
    case OP_APP_SAVE: {
        int64_t v = 0;
        enum status st = STATUS_OK;
        json_t *cur = NULL;
        if (o->id > 0) {
            /* the members given change, the others stay as saved */
            st = fund_application_get(ctx, o->id, &cur);
            v = st == STATUS_OK ? json_integer_value(json_object_get(cur, "version")) : 0;
            const char *key;
            json_t *val;
            json_object_foreach(o->in, key, val)
            {
                if (st == STATUS_OK) {
                    json_object_set(cur, key, val);
                }
            }
        }
        if (st == STATUS_OK) {
            st = fund_application_save(ctx, o->id, v, cur != NULL ? cur : o->in, &o->out);
        }
        json_decref(cur);
        return st;
    }
    case OP_APP_SUBMIT: return fund_application_submit(ctx, o->id, 0, &o->out);
    case OP_APP_LIST: return fund_application_list(ctx, o->call_id, o->status, &o->out);
    case OP_APP_SHOW: return fund_application_get(ctx, o->id, &o->out);
    case OP_REVIEW_ADD: return fund_review_add(ctx, o->id, o->in, &o->out);
    case OP_REVIEW_LIST: return fund_review_list(ctx, o->id, &o->out);
    case OP_DECIDE: return fund_decide(ctx, o->id, o->in, &o->out);
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

/* --input: inline JSON, @FILE or - (standard input): the members given by options are added. */
static enum status input_read(const char *arg, json_t **out)
{
    json_error_t jerr;
    memset(&jerr, 0, sizeof jerr);
    if (arg == NULL) {
        *out = json_object();
        return STATUS_OK;
    }
    if (strcmp(arg, "-") == 0) {
        *out = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
    } else if (arg[0] == '@') {
        *out = json_load_file(arg + 1, JSON_REJECT_DUPLICATES, &jerr);
    } else {
        *out = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
    }
    if (*out == NULL || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set_field(STATUS_INVALID, "input", "--input: a JSON object (line %d: %s)", jerr.line, jerr.text);
    }
    return STATUS_OK;
}

/* Option kinds: text, a positive number, a 1..5 score or a count, yes/no, a comma list, and the
 * compact forms of budget lines ("shelter:12,000:rent;medical:5,000"), beneficiaries
 * ("women:30,girls:10") and tranches ("2026-01-15:20,000;2026-06-15:10,000"). */
enum mkind { M_TEXT, M_NUM, M_BOOL, M_LIST, M_BUDGET, M_PEOPLE, M_TRANCHES };
struct member {
    const char *opt, *key;
    enum mkind kind;
};

static json_t *split(const char *text, const char *seps)
{
    json_t *arr = json_array();
    char *copy = xstrdup(text), *save = NULL;
    for (char *tok = strtok_r(copy, seps, &save); tok != NULL; tok = strtok_r(NULL, seps, &save)) {
        json_array_append_new(arr, json_string(tok));
    }
    free(copy);
    return arr;
}

static enum status compact(const char *opt, const char *text, enum mkind kind, json_t **out)
{
    json_t *parts = split(text, kind == M_PEOPLE ? ", " : ";");
    json_t *res = kind == M_PEOPLE ? json_object() : json_array();
    enum status st = STATUS_OK;
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p)
    {
        char *tok = xstrdup(json_string_value(p));
        char *a = strchr(tok, ':');
        char *b = a != NULL ? strchr(a + 1, ':') : NULL;
        int64_t n = 0;
        if (a == NULL) {
            st = err_set_field(STATUS_INVALID, opt, "--%s: see --help for the form", opt);
        } else {
            *a = '\0';
            if (b != NULL && kind == M_BUDGET) {
                *b = '\0';
            }
            if (kind == M_PEOPLE) {
                st = util_parse_i64(&n, a + 1) == STATUS_OK && n >= 0
                         ? STATUS_OK
                         : err_set_field(STATUS_INVALID, opt, "--%s: GROUP:COUNT,...", opt);
                json_object_set_new(res, tok, json_integer(n));
            } else if (kind == M_BUDGET) {
                json_array_append_new(res, json_pack("{ssssss}", "category", tok, "amount", a + 1, "description",
                                                     b != NULL ? b + 1 : ""));
            } else {
                json_array_append_new(res, json_pack("{ssss}", "due_date", tok, "amount", a + 1));
            }
        }
        free(tok);
        if (st != STATUS_OK) {
            break;
        }
    }
    json_decref(parts);
    if (st == STATUS_OK) {
        *out = res;
    } else {
        json_decref(res);
    }
    return st;
}

static enum status members(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    enum status st = STATUS_OK;
    for (; st == STATUS_OK && m != NULL && m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        int64_t n = 0;
        json_t *j = NULL;
        if (v == NULL) {
            continue;
        }
        switch (m->kind) {
        case M_TEXT: j = json_string(v); break;
        case M_NUM:
            st = util_parse_i64(&n, v) == STATUS_OK && n >= 0
                     ? STATUS_OK
                     : err_set_field(STATUS_INVALID, m->opt, "--%s: a whole number", m->opt);
            j = json_integer(n);
            break;
        case M_BOOL: j = json_boolean(strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0); break;
        case M_LIST: j = split(v, ", "); break;
        default: st = compact(m->opt, v, m->kind, &j); break;
        }
        if (st == STATUS_OK) {
            json_object_set_new(o, m->key, j);
        } else {
            json_decref(j);
        }
    }
    return st;
}

static void print_calls(const json_t *arr)
{
    size_t i;
    const json_t *c;
    printf("id\tstatus\tprogramme\topens_on\tcloses_on\tceiling\ttitle\n");
    json_array_foreach(arr, i, c)
    {
        printf("%lld\t%s\t%s\t%s\t%s\t%s-%s\t%s\n", (long long)json_integer_value(json_object_get(c, "id")),
               json_string_value(json_object_get(c, "status")), json_string_value(json_object_get(c, "programme")),
               json_string_value(json_object_get(c, "opens_on")), json_string_value(json_object_get(c, "closes_on")),
               json_string_value(json_object_get(c, "ceiling_min")),
               json_string_value(json_object_get(c, "ceiling_max")), json_string_value(json_object_get(c, "title")));
    }
}

static void print_apps(const json_t *arr)
{
    size_t i;
    const json_t *a;
    printf("id\tcall\tstatus\torganisation\ttotal\treviews\taverage\ttitle\n");
    json_array_foreach(arr, i, a)
    {
        const json_t *avg = json_object_get(a, "average_score");
        printf("%lld\t%lld\t%s\t%s\t%s\t%lld\t%s\t%s\n", (long long)json_integer_value(json_object_get(a, "id")),
               (long long)json_integer_value(json_object_get(a, "call_id")),
               json_string_value(json_object_get(a, "status")), json_string_value(json_object_get(a, "agency_name")),
               json_string_value(json_object_get(a, "total")),
               (long long)json_integer_value(json_object_get(a, "reviews_count")),
               json_is_string(avg) ? json_string_value(avg) : "-", json_string_value(json_object_get(a, "title")));
    }
}

static int calls_cmd(const struct command *cmd, struct args *args, enum cop op, const struct member *m)
{
    struct calls_cli o = {.op = op};
    enum status st = input_read(op == OP_APP_SAVE ? cli_opt(cmd, args, "input") : NULL, &o.in);
    bool takes_id = op != OP_CALL_ADD && op != OP_CALL_LIST && op != OP_APP_LIST;
    if (st == STATUS_OK && takes_id && args->npos > 0) {
        st = number("ID", args->pos[0], &o.id);
    }
    if (st == STATUS_OK && op == OP_APP_LIST) {
        o.status = cli_opt(cmd, args, "status");
        if (cli_opt(cmd, args, "call") != NULL) {
            st = number("call", cli_opt(cmd, args, "call"), &o.call_id);
        }
    }
    if (st == STATUS_OK && m != NULL) {
        st = members(cmd, args, m, o.in);
    }
    if (st == STATUS_OK) {
        st = cli_run_op(op_run, &o);
    }
    if (st == STATUS_OK) {
        if (!cli_json_out && op == OP_CALL_LIST) {
            print_calls(o.out);
        } else if (!cli_json_out && op == OP_APP_LIST) {
            print_apps(o.out);
        } else if (!cli_json_out &&
                   (op == OP_CALL_ADD || op == OP_APP_SAVE || op == OP_REVIEW_ADD || op == OP_DECIDE)) {
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

static const struct member call_members[] = {{"title", "title", M_TEXT},
                                             {"programme", "programme", M_TEXT},
                                             {"window", "window_months", M_NUM},
                                             {"opens", "opens_on", M_TEXT},
                                             {"closes", "closes_on", M_TEXT},
                                             {"min", "ceiling_min", M_TEXT},
                                             {"max", "ceiling_max", M_TEXT},
                                             {"forms", "priority_forms", M_LIST},
                                             {"countries", "priority_countries", M_LIST},
                                             {"agency", "agency_id", M_NUM},
                                             {0}};
static const struct member org_members[] = {{"country", "registration_country", M_TEXT},
                                            {"registered", "registered_on", M_TEXT},
                                            {"non-profit", "non_profit", M_BOOL},
                                            {"assistance-since", "assistance_since", M_TEXT},
                                            {"psea", "psea", M_BOOL},
                                            {"psea-policy", "psea_policy", M_TEXT},
                                            {"own-account", "own_account", M_BOOL},
                                            {"account", "account_number", M_TEXT},
                                            {0}};
static const struct member app_members[] = {
    {"call", "call_id", M_NUM},     {"agency", "agency_id", M_NUM},
    {"title", "title", M_TEXT},     {"summary", "summary", M_TEXT},
    {"country", "country", M_TEXT}, {"months", "duration_months", M_NUM},
    {"forms", "forms", M_LIST},     {"beneficiaries", "beneficiaries", M_PEOPLE},
    {"budget", "budget", M_BUDGET}, {0}};
static const struct member review_members[] = {{"trustee", "trustee_id", M_NUM},
                                               {"relevance", "relevance", M_NUM},
                                               {"capacity", "capacity", M_NUM},
                                               {"budget", "budget", M_NUM},
                                               {"reach", "reach", M_NUM},
                                               {"comment", "comment", M_TEXT},
                                               {0}};
static const struct member decide_members[] = {{"outcome", "outcome", M_TEXT},       {"amount", "amount", M_TEXT},
                                               {"start", "start_date", M_TEXT},      {"end", "end_date", M_TEXT},
                                               {"tranches", "tranches", M_TRANCHES}, {"country", "country", M_TEXT},
                                               {"reason", "reason", M_TEXT},         {0}};

#define CMD(fn, op, m)                                                                                                 \
    static int fn(const struct command *cmd, struct args *args)                                                        \
    {                                                                                                                  \
        return calls_cmd(cmd, args, op, m);                                                                            \
    }
CMD(cmd_call_add, OP_CALL_ADD, call_members)
CMD(cmd_call_open, OP_CALL_OPEN, NULL)
CMD(cmd_call_close, OP_CALL_CLOSE, NULL)
CMD(cmd_call_list, OP_CALL_LIST, NULL)
CMD(cmd_call_show, OP_CALL_SHOW, NULL)
CMD(cmd_org_show, OP_ORG_SHOW, NULL)
CMD(cmd_org_set, OP_ORG_SET, org_members)
CMD(cmd_app_save, OP_APP_SAVE, app_members)
CMD(cmd_app_submit, OP_APP_SUBMIT, NULL)
CMD(cmd_app_list, OP_APP_LIST, NULL)
CMD(cmd_app_show, OP_APP_SHOW, NULL)
CMD(cmd_review_add, OP_REVIEW_ADD, review_members)
CMD(cmd_review_list, OP_REVIEW_LIST, NULL)
CMD(cmd_decide, OP_DECIDE, decide_members)
#undef CMD

static const struct command calls_commands[] = {
    {"fund call add",
     "",
     0,
     0,
     "Adds a draft call for proposals.",
     {{"title", true, "the title (required)"},
      {"programme", true, "immediate (within 9 months) or medium_term (up to 24) (required)"},
      {"window", true, "the window in months (default the programme's)"},
      {"opens", true, "opening date, YYYY-MM-DD (required)"},
      {"closes", true, "closing date, YYYY-MM-DD (required)"},
      {"min", true, "the ceiling's minimum in US dollars (20,000) (required)"},
      {"max", true, "the ceiling's maximum in US dollars (60,000) (required)"},
      {"forms", true, "priority forms of exploitation, comma-separated"},
      {"countries", true, "priority countries (ISO alpha-3), comma-separated"},
      {"agency", true, "the fund managers' agency (its tasks)"}},
     cmd_call_add},
    {"fund call open", "ID", 1, 1, "Opens a draft call (raises fund_call_closing).", {{0}}, cmd_call_open},
    {"fund call close",
     "ID",
     1,
     1,
     "Closes an open call (raises fund_review_due for the trustees).",
     {{0}},
     cmd_call_close},
    {"fund call list", "", 0, 0, "Lists the calls.", {{0}}, cmd_call_list},
    {"fund call show", "ID", 1, 1, "Shows a call (JSON).", {{0}}, cmd_call_show},
    {"fund org show", "AGENCY_ID", 1, 1, "Shows an organisation's fund profile (JSON).", {{0}}, cmd_org_show},
    {"fund org set",
     "AGENCY_ID",
     1,
     1,
     "Changes the members given of an organisation's fund profile.",
     {{"country", true, "registration country, ISO alpha-3"},
      {"registered", true, "registration date, YYYY-MM-DD"},
      {"non-profit", true, "yes or no"},
      {"assistance-since", true, "direct assistance since, YYYY-MM-DD"},
      {"psea", true, "PSEA measures: yes or no"},
      {"psea-policy", true, "the PSEA policy's title"},
      {"own-account", true, "a bank account in its own name: yes or no"},
      {"account", true, "the account number (sealed)"}},
     cmd_org_set},
    {"fund application save",
     "[ID]",
     0,
     1,
     "Saves a draft application (a new one without ID); prints its id.",
     {{"input", true, "the application as JSON: inline, @FILE or -"},
      {"call", true, "the call's id (a new application)"},
      {"agency", true, "the applying organisation (agency id; a new application)"},
      {"title", true, "the project's title"},
      {"summary", true, "a summary (sealed)"},
      {"country", true, "the project's country, ISO alpha-3"},
      {"months", true, "duration in months"},
      {"forms", true, "forms of exploitation, comma-separated"},
      {"beneficiaries", true, "planned: women:30,men:0,girls:10,boys:0"},
      {"budget", true, "lines CATEGORY:AMOUNT[:DESCRIPTION] separated by ';' (shelter:12,000:rent;medical:5,000)"}},
     cmd_app_save},
    {"fund application submit", "ID", 1, 1, "Submits a draft (its eligibility checked).", {{0}}, cmd_app_submit},
    {"fund application list",
     "",
     0,
     0,
     "Lists applications.",
     {{"call", true, "one call's"}, {"status", true, "draft, submitted, awarded or rejected"}},
     cmd_app_list},
    {"fund application show",
     "ID",
     1,
     1,
     "Shows an application with its budget, eligibility and reviews (JSON).",
     {{0}},
     cmd_app_show},
    {"fund review add",
     "APPLICATION_ID",
     1,
     1,
     "Records a trustee's review (scores 1..5).",
     {{"trustee", true, "the reviewing trustee's id (required)"},
      {"relevance", true, "1..5"},
      {"capacity", true, "1..5"},
      {"budget", true, "1..5"},
      {"reach", true, "1..5"},
      {"comment", true, "a comment (sealed)"}},
     cmd_review_add},
    {"fund review list", "APPLICATION_ID", 1, 1, "Lists an application's reviews (JSON).", {{0}}, cmd_review_list},
    {"fund decide",
     "APPLICATION_ID",
     1,
     1,
     "Awards (creating the grant agreement) or rejects a submitted application.",
     {{"outcome", true, "award or reject (required)"},
      {"amount", true, "award: US dollars"},
      {"start", true, "award: start date, YYYY-MM-DD"},
      {"end", true, "award: end date, YYYY-MM-DD"},
      {"tranches", true, "award: DATE:AMOUNT;DATE:AMOUNT ..."},
      {"country", true, "award: the project's country (default the application's)"},
      {"reason", true, "reject: the reason (sealed)"}},
     cmd_decide},
};

const struct cli_table cli_fund_calls_table = {calls_commands, ARRAY_LEN(calls_commands)};
