/* cli_plan_partners: partnerships under the Plan (issue 9, part R): ctis plan partner
 * add|list|show, plan agreement add|list, plan ta add|status|deliver|list. src/plan/partners.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plan/partners.h"
#include "util/mem.h"
#include "util/util.h"

enum pop {
    P_PARTNER_ADD,
    P_PARTNERS,
    P_PARTNER_SHOW,
    P_AGREEMENT_ADD,
    P_AGREEMENTS,
    P_TA_ADD,
    P_TA_STATUS,
    P_TA_DELIVER,
    P_TA_LIST
};

struct pcli {
    enum pop op;
    int64_t id;
    const char *a, *b;
    json_t *in, *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct pcli *o = p;
    enum status st = STATUS_INVALID;
    int64_t sub = 0;
    switch (o->op) {
    case P_PARTNER_ADD: return plan_partner_add(ctx, o->in, &o->id, &o->out);
    case P_PARTNERS: return plan_partner_list(ctx, o->a, o->b, &o->out);
    case P_PARTNER_SHOW: return plan_partner_get(ctx, o->id, &o->out);
    case P_AGREEMENT_ADD:
        st = plan_agreement_add(ctx, o->in, &o->id);
        if (st == STATUS_OK) {
            o->out = json_pack("{sI}", "id", (json_int_t)o->id);
        }
        return st;
    case P_AGREEMENTS: return plan_agreement_list(ctx, o->id, &o->out);
    case P_TA_ADD: return plan_ta_add(ctx, o->in, &o->id, &o->out);
    case P_TA_STATUS: return plan_ta_status(ctx, o->id, o->in, 0, &o->out);
    case P_TA_DELIVER: return plan_ta_deliver(ctx, o->id, o->in, &sub, &o->out);
    case P_TA_LIST: return plan_ta_list(ctx, o->a, o->b, &o->out);
    }
    return st;
}

static const char *js(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL && s[0] ? s : "-";
}

static long long ji(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static enum status id_arg(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive id", name);
    }
    return STATUS_OK;
}

/* Sets member key of in from option opt when given: as text, as an id ('i') or as a comma list
 * of texts ('l') or ids ('n'). */
static enum status put_opt(const struct command *cmd, const struct args *a, json_t *in, const char *opt,
                           const char *key, char kind)
{
    const char *v = cli_opt(cmd, a, opt);
    if (v == NULL) {
        return STATUS_OK;
    }
    if (kind == 's') {
        json_object_set_new(in, key, json_string(v));
        return STATUS_OK;
    }
    if (kind == 'i') {
        int64_t id = 0;
        enum status st = id_arg(opt, v, &id);
        if (st == STATUS_OK) {
            json_object_set_new(in, key, json_integer(id));
        }
        return st;
    }
    json_t *arr = json_array();
    char *copy = xstrdup(v), *save = NULL;
    enum status st = STATUS_OK;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL && st == STATUS_OK; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        if (kind == 'n') {
            int64_t id = 0;
            st = id_arg(opt, tok, &id);
            json_array_append_new(arr, json_integer(id));
        } else {
            json_array_append_new(arr, json_string(tok));
        }
    }
    free(copy);
    json_object_set_new(in, key, arr);
    return st;
}

static void print_ta(const json_t *r)
{
    printf("%lld  %-9s requested %s  %s%s -> %s  %s\n", ji(r, "id"), js(r, "status"), js(r, "requested"),
           strcmp(js(r, "requester_state"), "-") ? js(r, "requester_state") : js(r, "requester_partner"), "",
           js(r, "provider"), js(r, "topic"));
}

static int run(struct pcli *o)
{
    enum status st = cli_run_op(op_run, o);
    json_decref(o->in);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(o->out);
        return CLI_EXIT_OK;
    }
    size_t i;
    json_t *v;
    switch (o->op) {
    case P_PARTNER_ADD:
    case P_PARTNER_SHOW: {
        printf("%lld  %s  (%s%s%s)\n", ji(o->out, "id"), js(o->out, "name"), js(o->out, "type"),
               strcmp(js(o->out, "country"), "-") ? ", " : "",
               strcmp(js(o->out, "country"), "-") ? js(o->out, "country") : "");
        json_t *c = json_object_get(o->out, "contact");
        if (json_is_object(c)) {
            printf("  contact: %s  %s  %s\n", js(c, "person"), js(c, "email"), js(c, "phone"));
        }
        if (ji(o->out, "agency_id") > 0) {
            printf("  agency: %s (%lld)\n", js(o->out, "agency"), ji(o->out, "agency_id"));
        }
        break;
    }
    case P_PARTNERS:
        json_array_foreach(json_object_get(o->out, "partners"), i, v)
        {
            printf("%lld  %-15s %-3s  %s\n", ji(v, "id"), js(v, "type"), js(v, "country"), js(v, "name"));
        }
        break;
    case P_AGREEMENT_ADD: printf("agreement %lld\n", ji(o->out, "id")); break;
    case P_AGREEMENTS:
        json_array_foreach(json_object_get(o->out, "agreements"), i, v)
        {
            printf("%lld  %-15s signed %s  end %s  %s\n", ji(v, "id"), js(v, "kind"), js(v, "signed"), js(v, "end"),
                   js(v, "title"));
            size_t j;
            json_t *p;
            json_array_foreach(json_object_get(v, "parties"), j, p)
            {
                printf("  party: %s\n", js(p, "name"));
            }
        }
        break;
    case P_TA_ADD:
    case P_TA_STATUS:
    case P_TA_DELIVER:
        print_ta(o->out);
        json_array_foreach(json_object_get(o->out, "deliveries"), i, v)
        {
            printf("  delivered %s  %s  %lld beneficiaries\n", js(v, "date"), js(v, "kind"), ji(v, "beneficiaries"));
        }
        break;
    case P_TA_LIST: {
        json_array_foreach(json_object_get(o->out, "requests"), i, v)
        {
            print_ta(v);
        }
        json_t *f = json_object_get(o->out, "figures"), *b = json_object_get(f, "by_status");
        json_t *m = json_object_get(f, "median_days_to_delivery");
        printf("requests %lld: requested %lld, accepted %lld, declined %lld, delivered %lld; median days to delivery ",
               ji(f, "total"), ji(b, "requested"), ji(b, "accepted"), ji(b, "declined"), ji(b, "delivered"));
        if (json_is_number(m)) {
            printf("%.1f\n", json_number_value(m));
        } else {
            printf("-\n");
        }
        break;
    }
    }
    json_decref(o->out);
    return CLI_EXIT_OK;
}

static int cmd_partner_add(const struct command *cmd, struct args *a)
{
    static const struct {
        const char *opt, *key;
        char kind;
    } m[] = {{"name", "name", 's'},
             {"type", "type", 's'},
             {"country", "country", 's'},
             {"areas", "areas", 'l'},
             {"agency-id", "agency_id", 'i'}};
    struct pcli o = {.op = P_PARTNER_ADD, .in = json_object()};
    enum status st = STATUS_OK;
    for (size_t i = 0; i < ARRAY_LEN(m) && st == STATUS_OK; i++) {
        st = put_opt(cmd, a, o.in, m[i].opt, m[i].key, m[i].kind);
    }
    json_t *c = json_object();
    for (size_t i = 0; st == STATUS_OK && i < 3; i++) {
        static const char *const ck[] = {"person", "email", "phone"};
        st = put_opt(cmd, a, c, ck[i], ck[i], 's');
    }
    if (json_object_size(c) > 0) {
        json_object_set(o.in, "contact", c);
    }
    json_decref(c);
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run(&o);
}

static int cmd_partner_list(const struct command *cmd, struct args *a)
{
    struct pcli o = {.op = P_PARTNERS, .a = cli_opt(cmd, a, "type"), .b = cli_opt(cmd, a, "country")};
    return run(&o);
}

static int cmd_partner_show(const struct command *cmd, struct args *a)
{
    (void)cmd;
    struct pcli o = {.op = P_PARTNER_SHOW};
    enum status st = id_arg("ID", a->pos[0], &o.id);
    return st != STATUS_OK ? cli_fail(st) : run(&o);
}

static int cmd_agreement_add(const struct command *cmd, struct args *a)
{
    static const struct {
        const char *opt, *key;
        char kind;
    } m[] = {{"title", "title", 's'}, {"kind", "kind", 's'},       {"signed", "signed", 's'},
             {"end", "end", 's'},     {"parties", "parties", 'n'}, {"paragraphs", "paragraphs", 'l'}};
    struct pcli o = {.op = P_AGREEMENT_ADD, .in = json_object()};
    enum status st = STATUS_OK;
    for (size_t i = 0; i < ARRAY_LEN(m) && st == STATUS_OK; i++) {
        st = put_opt(cmd, a, o.in, m[i].opt, m[i].key, m[i].kind);
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run(&o);
}

static int cmd_agreement_list(const struct command *cmd, struct args *a)
{
    struct pcli o = {.op = P_AGREEMENTS};
    const char *p = cli_opt(cmd, a, "partner");
    enum status st = p != NULL ? id_arg("partner", p, &o.id) : STATUS_OK;
    return st != STATUS_OK ? cli_fail(st) : run(&o);
}

static int cmd_ta_add(const struct command *cmd, struct args *a)
{
    static const struct {
        const char *opt, *key;
        char kind;
    } m[] = {{"state", "requester_state", 's'},        {"requester", "requester_partner_id", 'i'},
             {"provider", "provider_partner_id", 'i'}, {"topic", "topic", 's'},
             {"paragraphs", "paragraphs", 'l'},        {"requested", "requested", 's'}};
    struct pcli o = {.op = P_TA_ADD, .in = json_object()};
    enum status st = STATUS_OK;
    for (size_t i = 0; i < ARRAY_LEN(m) && st == STATUS_OK; i++) {
        st = put_opt(cmd, a, o.in, m[i].opt, m[i].key, m[i].kind);
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run(&o);
}

static int cmd_ta_status(const struct command *cmd, struct args *a)
{
    struct pcli o = {.op = P_TA_STATUS};
    enum status st = id_arg("ID", a->pos[0], &o.id);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    o.in = json_pack("{ss}", "status", a->pos[1]);
    put_opt(cmd, a, o.in, "date", "date", 's');
    return run(&o);
}

static int cmd_ta_deliver(const struct command *cmd, struct args *a)
{
    struct pcli o = {.op = P_TA_DELIVER, .in = json_object()};
    enum status st = id_arg("ID", a->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = put_opt(cmd, a, o.in, "date", "date", 's');
    }
    if (st == STATUS_OK) {
        st = put_opt(cmd, a, o.in, "kind", "kind", 's');
    }
    const char *b = cli_opt(cmd, a, "beneficiaries");
    int64_t n = 0;
    if (st == STATUS_OK && b != NULL) {
        st = util_parse_i64(&n, b) == STATUS_OK && n >= 0
                 ? STATUS_OK
                 : err_set_field(STATUS_INVALID, "beneficiaries", "beneficiaries: a number, 0 or more");
        json_object_set_new(o.in, "beneficiaries", json_integer(n));
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run(&o);
}

static int cmd_ta_list(const struct command *cmd, struct args *a)
{
    struct pcli o = {.op = P_TA_LIST, .a = cli_opt(cmd, a, "status"), .b = cli_opt(cmd, a, "state")};
    return run(&o);
}

static const struct command partner_commands[] = {
    {"plan partner add",
     "",
     0,
     0,
     "Adds a partner to the directory (Plan paras 50-61); the contact person, e-mail and phone are sealed.",
     {{"name", true, "the organisation's name (required)"},
      {"type", true,
       "government, ngo, international, private_sector, media, trade_union, employers, academia or other"},
      {"country", true, "ISO 3166-1 alpha-3"},
      {"areas", true, "Plan pillars, comma-separated (prevent,protect,prosecute,partner,general,follow_up)"},
      {"person", true, "the contact person (sealed)"},
      {"email", true, "the contact e-mail (sealed)"},
      {"phone", true, "the contact phone (sealed)"},
      {"agency-id", true, "the registry agency this partner is"}},
     cmd_partner_add},
    {"plan partner list",
     "",
     0,
     0,
     "Lists the partners (without contacts).",
     {{"type", true, "only this type"}, {"country", true, "only this country (alpha-3)"}},
     cmd_partner_list},
    {"plan partner show", "ID", 1, 1, "Shows a partner with its contact.", {{0}}, cmd_partner_show},
    {"plan agreement add",
     "",
     0,
     0,
     "Records a cooperation agreement between two or more partners.",
     {{"title", true, "the agreement's title (required)"},
      {"kind", true, "mou, agreement, protocol or joint_programme"},
      {"signed", true, "the signature date, YYYY-MM-DD"},
      {"end", true, "the end date, YYYY-MM-DD"},
      {"parties", true, "partner ids, comma-separated (at least 2)"},
      {"paragraphs", true, "the Plan paragraphs it serves, comma-separated (annex-50,annex-57)"}},
     cmd_agreement_add},
    {"plan agreement list",
     "",
     0,
     0,
     "Lists the cooperation agreements, newest first.",
     {{"partner", true, "only those of this partner (id)"}},
     cmd_agreement_list},
    {"plan ta add",
     "",
     0,
     0,
     "Records a technical-assistance request (Plan para 57) from a state or a partner to a provider partner.",
     {{"state", true, "the requesting state (alpha-3)"},
      {"requester", true, "or the requesting partner (id)"},
      {"provider", true, "the provider partner (id)"},
      {"topic", true, "what is asked for"},
      {"paragraphs", true, "the Plan paragraphs, comma-separated"},
      {"requested", true, "the request's date, YYYY-MM-DD"}},
     cmd_ta_add},
    {"plan ta status",
     "ID accepted|declined|delivered",
     2,
     2,
     "Moves a request: requested -> accepted or declined; accepted -> delivered (after a delivery).",
     {{"date", true, "the date of the move (default today)"}},
     cmd_ta_status},
    {"plan ta deliver",
     "ID",
     1,
     1,
     "Records a delivery on an accepted request.",
     {{"date", true, "YYYY-MM-DD"},
      {"kind", true, "training, legislative_advice, equipment, expert_mission or other"},
      {"beneficiaries", true, "how many people benefited"}},
     cmd_ta_deliver},
    {"plan ta list",
     "",
     0,
     0,
     "Lists the requests with the figures: counts by status and the median days from request to delivery.",
     {{"status", true, "requested, accepted, declined or delivered"}, {"state", true, "the requesting state"}},
     cmd_ta_list},
};

const struct cli_table cli_plan_partners_table = {partner_commands, ARRAY_LEN(partner_commands)};
