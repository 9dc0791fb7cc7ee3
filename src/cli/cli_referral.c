/* cli_referral: `ctis provider add|list|update` and `ctis referral make|list|show|accept|reject|
 * complete|revoke`, as the local operator (src/referral/referral.h). Break-the-glass has no
 * command: the operator reaches every case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "referral/referral.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

/* A positive id from text; STATUS_INVALID naming field otherwise. */
static enum status id_parse(const char *field, const char *text, int64_t *out)
{
    char *end = NULL;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (text == NULL || end == text || *end != '\0' || v <= 0) {
        return err_set_field(STATUS_INVALID, field, "%s: a positive id", field);
    }
    *out = v;
    return STATUS_OK;
}

static enum status num_opt(const char *field, const char *text, int64_t *out)
{
    if (text == NULL) {
        return STATUS_OK;
    }
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || v < 0) {
        return err_set_field(STATUS_INVALID, field, "%s: a whole number, 0 or more", field);
    }
    *out = v;
    return STATUS_OK;
}

struct rop {
    int64_t id, version, owner;
    struct provider_input pin;
    struct provider_filter pf;
    struct provider *p;
    struct provider **ps;
    struct referral_input rin;
    struct referral *r;
    struct referral **rs;
    size_t n;
    const char *box, *state, *code, *note;
    bool keep;
    int what;
};

static void rop_free(struct rop *o)
{
    provider_free(o->p);
    provider_list_free(o->ps, o->ps ? o->n : 0);
    referral_free(o->r);
    referral_list_free(o->rs, o->rs ? o->n : 0);
}

static int finish(struct env *e, enum status st, json_t *out, const char *text)
{
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(out);
        } else {
            json_decref(out);
            printf("%s\n", text);
        }
    } else {
        json_decref(out);
    }
    cli_env_close(e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* Providers. */

static enum status provider_opts(const struct command *cmd, struct args *a, struct env *e, struct provider_input *in)
{
    memset(in, 0, sizeof *in);
    in->agency_id = -1;
    in->places_total = -1;
    in->places_free = -1;
    in->active = -1;
    in->name = cli_opt(cmd, a, "name");
    in->services = cli_opt(cmd, a, "services");
    in->languages = cli_opt(cmd, a, "languages");
    in->areas = cli_opt(cmd, a, "areas");
    in->contact = cli_opt(cmd, a, "contact");
    enum status st = num_opt("places-total", cli_opt(cmd, a, "places-total"), &in->places_total);
    if (st == STATUS_OK) {
        st = num_opt("places-free", cli_opt(cmd, a, "places-free"), &in->places_free);
    }
    const char *agency = cli_opt(cmd, a, "agency");
    if (st == STATUS_OK && agency != NULL) {
        st = agency[0] ? cli_agency_lookup(e, agency, &in->agency_id) : STATUS_OK;
        if (!agency[0]) {
            in->agency_id = 0;
        }
    }
    if (cli_flag(cmd, a, "inactive")) {
        in->active = 0;
    } else if (cli_flag(cmd, a, "active")) {
        in->active = 1;
    }
    return st;
}

static enum status op_provider_add(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    return provider_create(c, &o->pin, &o->p);
}

static int cmd_provider_add(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {0};
    st = provider_opts(cmd, a, &e, &o.pin);
    o.pin.name = a->pos[0];
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_provider_add, &o);
    }
    char text[128] = "";
    if (st == STATUS_OK) {
        snprintf(text, sizeof text, "created provider %lld", (long long)o.p->id);
    }
    int rc = finish(&e, st, st == STATUS_OK ? provider_to_json(o.p) : NULL, text);
    rop_free(&o);
    return rc;
}

static enum status op_provider_update(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    struct provider *cur = NULL;
    enum status st = provider_get(c, o->id, &cur);
    if (st == STATUS_OK) {
        st = provider_update(c, o->id, cur->version, &o->pin, &o->p);
    }
    provider_free(cur);
    return st;
}

static int cmd_provider_update(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {0};
    st = id_parse("id", a->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = provider_opts(cmd, a, &e, &o.pin);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_provider_update, &o);
    }
    char text[128] = "";
    if (st == STATUS_OK) {
        snprintf(text, sizeof text, "updated provider %lld (version %lld)", (long long)o.p->id,
                 (long long)o.p->version);
    }
    int rc = finish(&e, st, st == STATUS_OK ? provider_to_json(o.p) : NULL, text);
    rop_free(&o);
    return rc;
}

static enum status op_provider_list(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    return provider_search(c, &o->pf, &o->ps, &o->n);
}

static int cmd_provider_list(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {0};
    o.pf.service = cli_opt(cmd, a, "service");
    o.pf.language = cli_opt(cmd, a, "language");
    o.pf.area = cli_opt(cmd, a, "area");
    o.pf.with_capacity = cli_flag(cmd, a, "with-capacity");
    o.pf.include_inactive = cli_flag(cmd, a, "all");
    o.pf.limit = PAGE_ROWS_MAX;
    st = auth_run(&e.ctx, op_provider_list, &o);
    json_t *arr = json_array();
    if (st == STATUS_OK && !cli_json_out) {
        printf("%-18s %-32s %-6s %s\n", "ID", "NAME", "FREE", "SERVICES");
    }
    for (size_t i = 0; st == STATUS_OK && i < o.n; i++) {
        json_array_append_new(arr, provider_to_json(o.ps[i]));
        if (!cli_json_out) {
            printf("%-18lld %-32s %-6lld %s\n", (long long)o.ps[i]->id, o.ps[i]->name, (long long)o.ps[i]->places_free,
                   o.ps[i]->services);
        }
    }
    if (!cli_json_out && st == STATUS_OK) {
        json_decref(arr);
        cli_env_close(&e);
        rop_free(&o);
        return CLI_EXIT_OK;
    }
    int rc = finish(&e, st, arr, "");
    rop_free(&o);
    return rc;
}

/* Referrals. */

static enum status op_referral_make(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    return referral_create(c, o->id, &o->rin, &o->r);
}

static int cmd_referral_make(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {0};
    st = id_parse("case", a->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = id_parse("provider", cli_opt(cmd, a, "provider"), &o.rin.provider_id);
    }
    o.rin.kind = cli_opt(cmd, a, "kind");
    o.rin.services = cli_opt(cmd, a, "services");
    o.rin.groups = cli_opt(cmd, a, "groups");
    o.rin.reason = cli_opt(cmd, a, "reason");
    o.rin.urgency = cli_opt(cmd, a, "urgency");
    o.rin.override_reason = cli_opt(cmd, a, "override-reason");
    o.rin.basis = o.rin.override_reason ? "child_emergency_override" : "consent";
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_referral_make, &o);
    }
    char text[128] = "";
    if (st == STATUS_OK) {
        snprintf(text, sizeof text, "referral %lld: %s", (long long)o.r->id, o.r->state);
    }
    int rc = finish(&e, st, st == STATUS_OK ? referral_to_json(o.r) : NULL, text);
    rop_free(&o);
    return rc;
}

static enum status op_referral_list(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    if (o->id > 0) {
        return referral_list_case(c, o->id, &o->rs, &o->n);
    }
    return referral_list_box(c, o->box, o->state, PAGE_ROWS_MAX, 0, &o->rs, &o->n);
}

static int cmd_referral_list(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {0};
    const char *case_id = cli_opt(cmd, a, "case");
    if (case_id != NULL) {
        st = id_parse("case", case_id, &o.id);
    }
    o.box = cli_opt(cmd, a, "box");
    o.state = cli_opt(cmd, a, "state");
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_referral_list, &o);
    }
    json_t *arr = json_array();
    if (st == STATUS_OK && !cli_json_out) {
        printf("%-18s %-18s %-10s %-10s %s\n", "ID", "CASE", "KIND", "STATE", "PROVIDER");
    }
    for (size_t i = 0; st == STATUS_OK && i < o.n; i++) {
        json_array_append_new(arr, referral_to_json(o.rs[i]));
        if (!cli_json_out) {
            printf("%-18lld %-18lld %-10s %-10s %lld\n", (long long)o.rs[i]->id, (long long)o.rs[i]->case_id,
                   o.rs[i]->kind, o.rs[i]->state, (long long)o.rs[i]->provider_id);
        }
    }
    if (!cli_json_out && st == STATUS_OK) {
        json_decref(arr);
        cli_env_close(&e);
        rop_free(&o);
        return CLI_EXIT_OK;
    }
    int rc = finish(&e, st, arr, "");
    rop_free(&o);
    return rc;
}

enum { DO_SHOW, DO_ACCEPT, DO_REJECT, DO_COMPLETE, DO_REVOKE };

static enum status op_referral_do(const struct auth_ctx *c, void *p)
{
    struct rop *o = p;
    enum status st = STATUS_OK;
    switch (o->what) {
    case DO_ACCEPT: st = referral_accept(c, o->id, -1, o->owner); break;
    case DO_REJECT: st = referral_reject(c, o->id, -1, o->code, o->note); break;
    case DO_COMPLETE: st = referral_complete(c, o->id, -1, o->keep); break;
    case DO_REVOKE: st = referral_revoke(c, o->id, -1); break;
    default: break;
    }
    return st == STATUS_OK ? referral_get(c, o->id, &o->r) : st;
}

static int referral_do(const struct command *cmd, struct args *a, int what)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rop o = {.what = what};
    st = id_parse("id", a->pos[0], &o.id);
    const char *owner = what == DO_ACCEPT ? cli_opt(cmd, a, "owner") : NULL;
    if (st == STATUS_OK && owner != NULL) {
        st = cli_user_lookup(&e, owner, &o.owner);
    }
    if (what == DO_REJECT) {
        o.code = cli_opt(cmd, a, "code");
        o.note = cli_opt(cmd, a, "note");
    }
    o.keep = what == DO_COMPLETE && cli_flag(cmd, a, "keep-access");
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_referral_do, &o);
    }
    char text[128] = "";
    if (st == STATUS_OK) {
        snprintf(text, sizeof text, "referral %lld: %s (%s, case %lld)", (long long)o.r->id, o.r->state, o.r->kind,
                 (long long)o.r->case_id);
    }
    int rc = finish(&e, st, st == STATUS_OK ? referral_to_json(o.r) : NULL, text);
    rop_free(&o);
    return rc;
}

static int cmd_referral_show(const struct command *cmd, struct args *a)
{
    return referral_do(cmd, a, DO_SHOW);
}
static int cmd_referral_accept(const struct command *cmd, struct args *a)
{
    return referral_do(cmd, a, DO_ACCEPT);
}
static int cmd_referral_reject(const struct command *cmd, struct args *a)
{
    return referral_do(cmd, a, DO_REJECT);
}
static int cmd_referral_complete(const struct command *cmd, struct args *a)
{
    return referral_do(cmd, a, DO_COMPLETE);
}
static int cmd_referral_revoke(const struct command *cmd, struct args *a)
{
    return referral_do(cmd, a, DO_REVOKE);
}

#define PROVIDER_OPTS                                                                                                  \
    {"name", true, "the organisation's name"},                                                                         \
        {"agency", true, "the ctis agency that receives its referrals (name or id; \"\" for none)"},                   \
        {"services", true, "service codes, comma-separated (shelter, medical, legal_aid ...)"},                        \
        {"languages", true, "ISO 639 codes, comma-separated"},                                                         \
        {"areas", true, "ISO 3166 alpha-3 countries and area codes, comma-separated"},                                 \
        {"places-total", true, "places in total"}, {"places-free", true, "places free now"},                           \
        {"contact", true, "the organisation's public contact"}, {"active", false, "mark active"},                      \
    {                                                                                                                  \
        "inactive", false, "mark inactive"                                                                             \
    }

static const struct command referral_commands[] = {
    {"provider add",
     "NAME",
     1,
     1,
     "Adds a service provider to the referral directory.",
     {PROVIDER_OPTS},
     cmd_provider_add},
    {"provider list",
     "",
     0,
     0,
     "Searches the provider directory.",
     {{"service", true, "a service code"},
      {"language", true, "an ISO 639 code"},
      {"area", true, "a country or area code"},
      {"with-capacity", false, "only providers with places free"},
      {"all", false, "inactive providers too"}},
     cmd_provider_list},
    {"provider update", "ID", 1, 1, "Changes a provider (the options given).", {PROVIDER_OPTS}, cmd_provider_update},
    {"referral make",
     "CASE_ID",
     1,
     1,
     "Refers a case to a provider, sharing the field groups given (needs the consent to share).",
     {{"provider", true, "the provider id"},
      {"services", true, "service codes, comma-separated"},
      {"groups", true, "field groups shared, comma-separated (identity, contact, narrative, legal, health, location)"},
      {"kind", true, "referral (default) or transfer"},
      {"urgency", true, "normal (default) or urgent"},
      {"reason", true, "why (sealed)"},
      {"override-reason", true, "a child's emergency without consent: the reason (audited)"}},
     cmd_referral_make},
    {"referral list",
     "",
     0,
     0,
     "Lists referrals: of a case, or sent or received.",
     {{"case", true, "a case id"}, {"box", true, "sent (default) or received"}, {"state", true, "a state"}},
     cmd_referral_list},
    {"referral show", "ID", 1, 1, "Shows a referral.", {{0}}, cmd_referral_show},
    {"referral accept",
     "ID",
     1,
     1,
     "Accepts a referral for the receiving agency (a transfer hands the case over).",
     {{"owner", true, "the receiving user named (username; required for a transfer)"}},
     cmd_referral_accept},
    {"referral reject",
     "ID",
     1,
     1,
     "Rejects a referral.",
     {{"code", true, "no_capacity, not_eligible, service_unavailable, out_of_area, no_consent or other"},
      {"note", true, "a note (sealed)"}},
     cmd_referral_reject},
    {"referral complete",
     "ID",
     1,
     1,
     "Marks an accepted referral completed (the share ends).",
     {{"keep-access", false, "keep the share on (the sender)"}},
     cmd_referral_complete},
    {"referral revoke", "ID", 1, 1, "Withdraws a referral; the share ends at once.", {{0}}, cmd_referral_revoke},
};

const struct cli_table cli_referral_table = {referral_commands, ARRAY_LEN(referral_commands)};
