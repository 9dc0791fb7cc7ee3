/* cli_assist: the commands of services delivered and of rights and legal status
 * (src/referral/assist.h, legal.h): ctis service add|list|update|cancel CASE_ID and ctis legal
 * show|non-punishment|add|list|update CASE_ID. Input is a JSON object (--fields: inline, @FILE
 * or - for standard input) with the members of the API; --json prints what the API answers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "referral/assist.h"
#include "referral/legal.h"
#include "util/mem.h"
#include "util/util.h"

struct assist_cli_op {
    int which; /* 's' service, 'l' legal */
    int verb;  /* 'a' add, 'l' list, 'u' update, 'c' cancel, 's' show, 'n' non-punishment */
    enum legal_kind kind;
    int64_t case_id, id, parent, version;
    json_t *in;
    json_t *out;
};

static enum status op_assist(const struct auth_ctx *ctx, void *p)
{
    struct assist_cli_op *o = p;
    if (o->which == 's') {
        switch (o->verb) {
        case 'a': return assist_service_add(ctx, o->case_id, o->in, &o->out);
        case 'u': return assist_service_update(ctx, o->case_id, o->id, o->version, o->in, &o->out);
        case 'c': return assist_service_cancel(ctx, o->case_id, o->id, &o->out);
        default: return assist_services(ctx, o->case_id, &o->out);
        }
    }
    switch (o->verb) {
    case 'a': return legal_add(ctx, o->kind, o->case_id, o->parent, o->in, &o->out);
    case 'u': return legal_update(ctx, o->kind, o->case_id, o->id, o->version, o->in, &o->out);
    case 'n': return legal_non_punishment_put(ctx, o->case_id, o->version, o->in, &o->out);
    case 'l': return legal_list(ctx, o->kind, o->case_id, o->parent, &o->out);
    default: return legal_all(ctx, o->case_id, &o->out);
    }
}

static enum status id_arg(const char *arg, const char *what, bool required, int64_t *out)
{
    *out = 0;
    if (arg == NULL) {
        return required ? err_set_field(STATUS_INVALID, what, "--%s is needed", what) : STATUS_OK;
    }
    if (util_parse_i64(out, arg) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, what, "%s: a positive number", what);
    }
    return STATUS_OK;
}

static enum status json_arg(const char *arg, json_t **out)
{
    json_error_t jerr;
    *out = NULL;
    if (arg == NULL) {
        return err_set_field(STATUS_INVALID, "fields", "--fields '{\"type\": \"shelter\", ...}' is needed");
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
        return err_set_field(STATUS_INVALID, "fields", "--fields: a JSON object (line %d: %s)", jerr.line, jerr.text);
    }
    return STATUS_OK;
}

static enum status kind_arg(const char *arg, enum legal_kind *out)
{
    static const struct {
        const char *name;
        enum legal_kind kind;
    } kinds[] = {{"permit", LEGAL_PERMIT},
                 {"return", LEGAL_RETURN},
                 {"follow-up", LEGAL_FOLLOW_UP},
                 {"compensation", LEGAL_CLAIM}};
    for (size_t i = 0; arg && i < ARRAY_LEN(kinds); i++) {
        if (strcmp(arg, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_INVALID, "kind", "--kind: permit, return, follow-up or compensation");
}

/* One line of a record: its id, version, status-like codes and dates. */
static void line_print(const json_t *r)
{
    static const char *const keys[] = {"type",           "kind",           "status",     "decision",
                                       "outcome",        "destination",    "risk_level", "provider",
                                       "authority",      "start_date",     "end_date",   "applied_date",
                                       "valid_until",    "follow_up_date", "currency",   "amount_claimed",
                                       "amount_awarded", "amount_paid",    NULL};
    printf("%lld  v%lld", (long long)json_integer_value(json_object_get(r, "id")),
           (long long)json_integer_value(json_object_get(r, "version")));
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(r, keys[i]);
        if (json_is_string(v)) {
            printf("  %s %s", keys[i], json_string_value(v));
        } else if (json_is_integer(v)) {
            printf("  %s %lld", keys[i], (long long)json_integer_value(v));
        }
    }
    if (json_array_size(json_object_get(r, "withheld")) > 0) {
        printf("  (some values withheld)");
    }
    printf("\n");
}

static void out_print(json_t *out)
{
    if (cli_json_out) {
        cli_print_json(json_incref(out));
        return;
    }
    if (json_is_array(out)) {
        size_t i;
        json_t *r;
        json_array_foreach(out, i, r)
        {
            line_print(r);
        }
        if (json_array_size(out) == 0) {
            printf("none\n");
        }
    } else if (json_is_object(out) && json_object_get(out, "residence_permits")) {
        static const char *const parts[] = {"residence_permits", "returns", "compensation"};
        json_t *np = json_object_get(out, "non_punishment");
        printf("non-punishment: %s\n",
               json_is_object(np)
                   ? (json_is_true(json_object_get(np, "applies")) ? "applies" : "recorded, does not apply")
                   : "not recorded");
        for (size_t p = 0; p < ARRAY_LEN(parts); p++) {
            json_t *arr = json_object_get(out, parts[p]);
            printf("%s: %zu\n", parts[p], json_array_size(arr));
            size_t i;
            json_t *r;
            json_array_foreach(arr, i, r)
            {
                printf("  ");
                line_print(r);
            }
        }
    } else if (json_is_object(out)) {
        line_print(out);
    } else {
        printf("none\n");
    }
}

static int run(const struct command *cmd, struct args *a, int which, int verb)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct assist_cli_op o;
    memset(&o, 0, sizeof o);
    o.which = which;
    o.verb = verb;
    st = id_arg(a->pos[0], "CASE_ID", true, &o.case_id);
    bool legal_kinded = which == 'l' && (verb == 'a' || verb == 'u' || verb == 'l');
    if (st == STATUS_OK && legal_kinded) {
        st = kind_arg(cli_opt(cmd, a, "kind"), &o.kind);
    }
    if (st == STATUS_OK && (verb == 'u' || verb == 'c')) {
        st = id_arg(cli_opt(cmd, a, "id"), "id", true, &o.id);
    }
    if (st == STATUS_OK && (verb == 'u' || verb == 'n')) {
        st = id_arg(cli_opt(cmd, a, "version"), "version", verb == 'u', &o.version);
    }
    if (st == STATUS_OK && legal_kinded && o.kind == LEGAL_FOLLOW_UP) {
        st = id_arg(cli_opt(cmd, a, "return"), "return", verb == 'a', &o.parent);
    }
    if (st == STATUS_OK && (verb == 'a' || verb == 'u' || verb == 'n')) {
        st = json_arg(cli_opt(cmd, a, "fields"), &o.in);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_assist, &o);
    }
    if (st == STATUS_OK) {
        out_print(o.out);
    }
    json_decref(o.in);
    json_decref(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_service_add(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 's', 'a');
}
static int cmd_service_list(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 's', 'l');
}
static int cmd_service_update(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 's', 'u');
}
static int cmd_service_cancel(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 's', 'c');
}
static int cmd_legal_show(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 'l', 's');
}
static int cmd_legal_np(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 'l', 'n');
}
static int cmd_legal_add(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 'l', 'a');
}
static int cmd_legal_list(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 'l', 'l');
}
static int cmd_legal_update(const struct command *cmd, struct args *a)
{
    return run(cmd, a, 'l', 'u');
}

#define FIELDS_OPT                                                                                                     \
    {                                                                                                                  \
        "fields", true, "JSON object of members (docs/assistance.md), @FILE or -"                                      \
    }
#define KIND_OPT                                                                                                       \
    {                                                                                                                  \
        "kind", true, "permit, return, follow-up or compensation"                                                      \
    }

static const struct command assist_commands[] = {
    {"service add",
     "CASE_ID",
     1,
     1,
     "Records a service delivered to the person of a case: type (shelter, medical, medical_infectious, "
     "psychological, legal_aid, interpretation, education, vocational_training, financial, family_tracing, other), "
     "provider or provider_id, support_plan_id, start and end dates, status, outcome and notes.",
     {FIELDS_OPT},
     cmd_service_add},
    {"service list",
     "CASE_ID",
     1,
     1,
     "Lists the services of a case (health services only with fg.health.read).",
     {{0}},
     cmd_service_list},
    {"service update",
     "CASE_ID",
     1,
     1,
     "Changes a service: the members given in --fields (null clears).",
     {{"id", true, "the service's id"}, {"version", true, "the version you read"}, FIELDS_OPT},
     cmd_service_update},
    {"service cancel",
     "CASE_ID",
     1,
     1,
     "Cancels a service (status cancelled; services are never deleted).",
     {{"id", true, "the service's id"}},
     cmd_service_cancel},
    {"legal show",
     "CASE_ID",
     1,
     1,
     "Shows a case's rights and legal status: non-punishment, residence permits, returns with follow-ups and "
     "compensation claims (needs fg.legal.read).",
     {{0}},
     cmd_legal_show},
    {"legal non-punishment",
     "CASE_ID",
     1,
     1,
     "Records the non-punishment decision: applies, reason, reason_note, decided_date, decided_by. Without "
     "--version creates it; with --version changes it.",
     {{"version", true, "the version you read (to change an existing record)"}, FIELDS_OPT},
     cmd_legal_np},
    {"legal add",
     "CASE_ID",
     1,
     1,
     "Adds a residence permit, a return plan, a reintegration follow-up (with --return) or a compensation claim.",
     {KIND_OPT, {"return", true, "the return's id (follow-ups)"}, FIELDS_OPT},
     cmd_legal_add},
    {"legal list",
     "CASE_ID",
     1,
     1,
     "Lists a case's records of one kind (follow-ups: of the return given, or all).",
     {KIND_OPT, {"return", true, "the return's id (follow-ups)"}},
     cmd_legal_list},
    {"legal update",
     "CASE_ID",
     1,
     1,
     "Changes a residence permit, return plan or compensation claim: the members given in --fields.",
     {KIND_OPT, {"id", true, "the record's id"}, {"version", true, "the version you read"}, FIELDS_OPT},
     cmd_legal_update},
};

const struct cli_table cli_assist_table = {assist_commands, ARRAY_LEN(assist_commands)};
