/* cli_plan_nap: `ctis plan nap add|list|show`, `plan action add|list`, `plan progress add`,
 * `plan matrix`, `plan campaign|training|idwork|supplychain add|list` and `plan prevention`
 * (issue 9, part N; src/plan/nap.h, prevent.h) as the local operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plan/nap.h"
#include "plan/prevent.h"
#include "util/mem.h"
#include "util/util.h"

enum nop {
    OP_NAP_ADD,
    OP_NAP_LIST,
    OP_NAP_SHOW,
    OP_ACTION_ADD,
    OP_ACTION_LIST,
    OP_PROGRESS_ADD,
    OP_PROGRESS_LIST,
    OP_MATRIX,
    OP_PREV_ADD,
    OP_PREV_LIST,
    OP_PREVENTION
};

struct nap_cli {
    enum nop op;
    int64_t id;
    int year;
    const char *kind, *country, *from, *to, *at;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct nap_cli *o = p;
    switch (o->op) {
    case OP_NAP_ADD: return plan_nap_add(ctx, o->in, &o->out);
    case OP_NAP_LIST: return plan_nap_list(ctx, o->country, &o->out);
    case OP_NAP_SHOW: return plan_nap_get(ctx, o->id, &o->out);
    case OP_ACTION_ADD: return plan_action_add(ctx, o->id, o->in, &o->out);
    case OP_ACTION_LIST: return plan_action_list(ctx, o->id, &o->out);
    case OP_PROGRESS_ADD: return plan_progress_add(ctx, o->id, o->in, &o->out);
    case OP_PROGRESS_LIST: return plan_progress_list(ctx, o->id, &o->out);
    case OP_MATRIX: return plan_nap_matrix(ctx, o->id, o->at, &o->out);
    case OP_PREV_ADD: return plan_prevention_add(ctx, o->kind, o->in, &o->out);
    case OP_PREV_LIST: return plan_prevention_list(ctx, o->kind, o->country, o->from, o->to, &o->out);
    case OP_PREVENTION: return plan_prevention_report(ctx, o->year, o->country, &o->out);
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

/* A comma-separated option as a JSON array of strings. */
static json_t *csv_array(const char *v)
{
    json_t *a = json_array();
    const char *f = v;
    while (f != NULL && *f != '\0') {
        const char *end = strchr(f, ',');
        size_t n = end != NULL ? (size_t)(end - f) : strlen(f);
        if (n > 0) {
            json_array_append_new(a, json_stringn(f, n));
        }
        f += n + (end != NULL ? 1 : 0);
    }
    return a;
}

/* Options to members: {option, key, kind}: 's' string, 'n' number, 'l' comma list, 'j' JSON. */
struct member {
    const char *opt, *key;
    char kind;
};

static enum status members(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    const char *fields = NULL;
    for (size_t i = 0; i < OPTS_MAX && cmd->opts[i].name != NULL; i++) {
        if (strcmp(cmd->opts[i].name, "fields") == 0) {
            fields = cli_opt(cmd, args, "fields");
        }
    }
    if (fields != NULL) {
        json_error_t e;
        json_t *f = json_loads(fields, 0, &e);
        if (!json_is_object(f)) {
            json_decref(f);
            return err_set_field(STATUS_INVALID, "fields", "--fields: a JSON object");
        }
        json_object_update(o, f);
        json_decref(f);
    }
    for (; m != NULL && m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        int64_t n = 0;
        if (v == NULL) {
            continue;
        }
        if (m->kind == 's') {
            json_object_set_new(o, m->key, json_string(v));
        } else if (m->kind == 'l') {
            json_object_set_new(o, m->key, csv_array(v));
        } else if (m->kind == 'j') {
            json_error_t e;
            json_t *j = json_loads(v, JSON_DECODE_ANY, &e);
            if (j == NULL) {
                return err_set_field(STATUS_INVALID, m->key, "--%s: JSON", m->opt);
            }
            json_object_set_new(o, m->key, j);
        } else if (number(m->opt, v, &n) == STATUS_OK) {
            json_object_set_new(o, m->key, json_integer(n));
        } else {
            return STATUS_INVALID;
        }
    }
    return STATUS_OK;
}

static const char *s(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

static void join_print(const json_t *arr)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        printf("%s%s", i > 0 ? "," : "", json_string_value(v) != NULL ? json_string_value(v) : "");
    }
}

static void print_naps(const json_t *arr)
{
    size_t i;
    const json_t *n;
    printf("id\tcountry\tfrom\tto\tstatus\ttitle\n");
    json_array_foreach(arr, i, n)
    {
        printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(n, "id")), s(n, "country"),
               s(n, "period_from"), s(n, "period_to"), s(n, "status"), s(n, "title"));
    }
}

static void print_actions(const json_t *arr)
{
    size_t i;
    const json_t *a;
    printf("id\tlatest_status\tparagraphs\ttitle\n");
    json_array_foreach(arr, i, a)
    {
        printf("%lld\t%s\t", (long long)json_integer_value(json_object_get(a, "id")), s(a, "latest_status"));
        join_print(json_object_get(a, "paragraphs"));
        printf("\t%s\n", s(a, "title"));
    }
}

static void print_matrix(const json_t *m)
{
    size_t i;
    const json_t *p, *st;
    printf("%s (%s) at %s\npillar\tactions", s(m, "title"), s(m, "country"), s(m, "at"));
    json_array_foreach(json_object_get(m, "statuses"), i, st)
    {
        printf("\t%s", json_string_value(st));
    }
    printf("\tindicators\tmet\tcompleted\n");
    json_array_foreach(json_object_get(m, "pillars"), i, p)
    {
        printf("%s\t%lld", s(p, "pillar"), (long long)json_integer_value(json_object_get(p, "actions")));
        size_t j;
        json_array_foreach(json_object_get(m, "statuses"), j, st)
        {
            printf("\t%lld", (long long)json_integer_value(
                                 json_object_get(json_object_get(p, "by_status"), json_string_value(st))));
        }
        printf("\t%lld\t%lld\t%.1f%%\n", (long long)json_integer_value(json_object_get(p, "indicators")),
               (long long)json_integer_value(json_object_get(p, "indicators_met")),
               100.0 * json_number_value(json_object_get(p, "share_completed")));
    }
    printf("gaps (%zu paragraphs without an action): ", json_array_size(json_object_get(m, "gaps")));
    join_print(json_object_get(m, "gaps"));
    printf("\n");
}

static void print_prevention(const json_t *r)
{
    size_t i;
    const json_t *c;
    printf("country\tcampaigns\tpeople_reached\ttrainings\tofficials_trained\tpeople_registered\tsupplychain_"
           "measures\tworkers_covered\tcompanies_covered\n");
    json_array_foreach(json_object_get(r, "countries"), i, c)
    {
        printf("%s\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", s(c, "country"),
               (long long)json_integer_value(json_object_get(c, "campaigns")),
               (long long)json_integer_value(json_object_get(c, "people_reached")),
               (long long)json_integer_value(json_object_get(c, "trainings")),
               (long long)json_integer_value(json_object_get(c, "officials_trained")),
               (long long)json_integer_value(json_object_get(c, "people_registered")),
               (long long)json_integer_value(json_object_get(c, "supplychain_measures")),
               (long long)json_integer_value(json_object_get(c, "workers_covered")),
               (long long)json_integer_value(json_object_get(c, "companies_covered")));
    }
}

static int nap_cmd(const struct command *cmd, struct args *args, enum nop op, const char *kind, const struct member *m)
{
    struct nap_cli o = {.op = op, .kind = kind, .in = json_object()};
    enum status st = STATUS_OK;
    if (op == OP_NAP_SHOW || op == OP_ACTION_ADD || op == OP_ACTION_LIST || op == OP_MATRIX) {
        st = number("NAP_ID", args->pos[0], &o.id);
    } else if (op == OP_PROGRESS_ADD || op == OP_PROGRESS_LIST) {
        st = number("ACTION_ID", args->pos[0], &o.id);
    }
    if (op == OP_NAP_LIST || op == OP_PREV_LIST || op == OP_PREVENTION) {
        o.country = cli_opt(cmd, args, "country");
    }
    if (op == OP_PREV_LIST) {
        o.from = cli_opt(cmd, args, "from");
        o.to = cli_opt(cmd, args, "to");
    }
    if (op == OP_MATRIX) {
        o.at = cli_opt(cmd, args, "at");
    }
    if (op == OP_PREVENTION) {
        int64_t y = 0;
        st = number("year", cli_opt(cmd, args, "year"), &y);
        o.year = y > 0 && y < 10000 ? (int)y : 0;
    }
    if (st == STATUS_OK && m != NULL) {
        st = members(cmd, args, m, o.in);
    }
    if (st == STATUS_OK) {
        st = cli_run_op(op_run, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out || op == OP_NAP_SHOW) {
            cli_print_json(o.out);
            o.out = NULL;
        } else if (op == OP_NAP_LIST) {
            print_naps(o.out);
        } else if (op == OP_ACTION_LIST) {
            print_actions(o.out);
        } else if (op == OP_MATRIX) {
            print_matrix(o.out);
        } else if (op == OP_PREVENTION) {
            print_prevention(o.out);
        } else if (op == OP_NAP_ADD || op == OP_ACTION_ADD || op == OP_PROGRESS_ADD || op == OP_PREV_ADD) {
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

static const struct member nap_members[] = {{"country", "country", 's'},
                                            {"title", "title", 's'},
                                            {"from", "period_from", 's'},
                                            {"to", "period_to", 's'},
                                            {"adopted-by", "adopted_by", 's'},
                                            {"status", "status", 's'},
                                            {0}};
static const struct member action_members[] = {{"title", "title", 's'},           {"paragraphs", "paragraphs", 'l'},
                                               {"bodies", "bodies", 'j'},         {"agencies", "agency_ids", 'j'},
                                               {"indicators", "indicators", 'j'}, {0}};
static const struct member progress_members[] = {{"from", "period_from", 's'},    {"to", "period_to", 's'},
                                                 {"status", "status", 's'},       {"values", "values", 'j'},
                                                 {"narrative", "narrative", 's'}, {0}};
static const struct member prev_members[] = {{"country", "country", 's'}, {"paragraphs", "paragraphs", 'l'}, {0}};

static int cmd_nap_add(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_NAP_ADD, NULL, nap_members);
}
static int cmd_nap_list(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_NAP_LIST, NULL, NULL);
}
static int cmd_nap_show(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_NAP_SHOW, NULL, NULL);
}
static int cmd_action_add(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_ACTION_ADD, NULL, action_members);
}
static int cmd_action_list(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_ACTION_LIST, NULL, NULL);
}
static int cmd_progress_add(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_PROGRESS_ADD, NULL, progress_members);
}
static int cmd_progress_list(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_PROGRESS_LIST, NULL, NULL);
}
static int cmd_matrix(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_MATRIX, NULL, NULL);
}
static int cmd_prevention(const struct command *cmd, struct args *args)
{
    return nap_cmd(cmd, args, OP_PREVENTION, NULL, NULL);
}
#define PREV_CMDS(kind)                                                                                                \
    static int cmd_##kind##_add(const struct command *cmd, struct args *args)                                          \
    {                                                                                                                  \
        return nap_cmd(cmd, args, OP_PREV_ADD, #kind, prev_members);                                                   \
    }                                                                                                                  \
    static int cmd_##kind##_list(const struct command *cmd, struct args *args)                                         \
    {                                                                                                                  \
        return nap_cmd(cmd, args, OP_PREV_LIST, #kind, NULL);                                                          \
    }
PREV_CMDS(campaign)
PREV_CMDS(training)
PREV_CMDS(idwork)
PREV_CMDS(supplychain)

#define PREV_LIST_OPTS                                                                                                 \
    {                                                                                                                  \
        {"country", true, "ISO 3166-1 alpha-3"}, {"from", true, "work that ends on or after this date, YYYY-MM-DD"},   \
        {                                                                                                              \
            "to", true, "work that starts on or before this date, YYYY-MM-DD"                                          \
        }                                                                                                              \
    }
#define PREV_ADD_OPTS                                                                                                  \
    {                                                                                                                  \
        {"fields", true, "the record as a JSON object (see docs/plan.md#prevention; required members per kind)"},      \
            {"country", true, "ISO 3166-1 alpha-3 (or in --fields)"},                                                  \
        {                                                                                                              \
            "paragraphs", true, "Plan paragraph ids, comma-separated (annex-12,annex-20)"                              \
        }                                                                                                              \
    }

static const struct command nap_commands[] = {
    {"plan nap add",
     "",
     0,
     0,
     "Adds a national action plan.",
     {{"country", true, "ISO 3166-1 alpha-3 (required)"},
      {"title", true, "the plan's title (required)"},
      {"from", true, "period start, YYYY-MM-DD (required)"},
      {"to", true, "period end, YYYY-MM-DD (required)"},
      {"adopted-by", true, "the adopting body"},
      {"status", true, "draft (default), adopted or ended"},
      {"fields", true, "members as a JSON object (options win)"}},
     cmd_nap_add},
    {"plan nap list",
     "",
     0,
     0,
     "Lists the national action plans.",
     {{"country", true, "one country's only"}},
     cmd_nap_list},
    {"plan nap show",
     "NAP_ID",
     1,
     1,
     "Shows a plan with its actions and their latest status (JSON).",
     {{0}},
     cmd_nap_show},
    {"plan action add",
     "NAP_ID",
     1,
     1,
     "Adds an action to a plan, mapped to the Plan of Action's paragraphs.",
     {{"title", true, "the action (required)"},
      {"paragraphs", true, "Plan paragraph ids, comma-separated (required): annex-12,annex-23"},
      {"bodies", true, "responsible bodies, a JSON array of names"},
      {"agencies", true, "responsible agencies, a JSON array of agency ids"},
      {"indicators", true,
       "a JSON array of {name, unit, baseline, target, direction (increase|decrease), target_date}"},
      {"fields", true, "members as a JSON object (options win)"}},
     cmd_action_add},
    {"plan action list", "NAP_ID", 1, 1, "Lists a plan's actions with their latest status.", {{0}}, cmd_action_list},
    {"plan progress add",
     "ACTION_ID",
     1,
     1,
     "Adds an action's progress report for a period.",
     {{"from", true, "period start, YYYY-MM-DD (required)"},
      {"to", true, "period end, YYYY-MM-DD (required)"},
      {"status", true, "not_started, on_track, delayed, completed or cancelled (required)"},
      {"values", true, "indicator values, a JSON array of {indicator (1..), value, measured_on}"},
      {"narrative", true, "the narrative (sealed)"},
      {"fields", true, "members as a JSON object (options win)"}},
     cmd_progress_add},
    {"plan progress list",
     "ACTION_ID",
     1,
     1,
     "Lists an action's progress reports, narratives included (JSON).",
     {{0}},
     cmd_progress_list},
    {"plan matrix",
     "NAP_ID",
     1,
     1,
     "The progress matrix of a plan by pillar, and the paragraphs without an action.",
     {{"at", true, "the date, YYYY-MM-DD (default today)"}},
     cmd_matrix},
    {"plan campaign add", "", 0, 0, "Records an awareness campaign.", PREV_ADD_OPTS, cmd_campaign_add},
    {"plan campaign list", "", 0, 0, "Lists awareness campaigns (JSON).", PREV_LIST_OPTS, cmd_campaign_list},
    {"plan training add", "", 0, 0, "Records a training of officials.", PREV_ADD_OPTS, cmd_training_add},
    {"plan training list", "", 0, 0, "Lists trainings of officials (JSON).", PREV_LIST_OPTS, cmd_training_list},
    {"plan idwork add", "", 0, 0, "Records identity-document or birth-registration work.", PREV_ADD_OPTS,
     cmd_idwork_add},
    {"plan idwork list", "", 0, 0, "Lists identity-document and birth-registration work (JSON).", PREV_LIST_OPTS,
     cmd_idwork_list},
    {"plan supplychain add", "", 0, 0, "Records a supply-chain measure against labour exploitation.", PREV_ADD_OPTS,
     cmd_supplychain_add},
    {"plan supplychain list", "", 0, 0, "Lists supply-chain measures (JSON).", PREV_LIST_OPTS, cmd_supplychain_list},
    {"plan prevention",
     "",
     0,
     0,
     "Prevention figures of a year per country: people reached, officials trained, registrations, supply-chain "
     "measures.",
     {{"year", true, "the calendar year (required)"}, {"country", true, "one country's only"}},
     cmd_prevention},
};

const struct cli_table cli_plan_nap_table = {nap_commands, ARRAY_LEN(nap_commands)};
