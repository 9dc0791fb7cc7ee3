/* cli_entities: the investigative entities commands (issue 5, part J2) as the local operator:
 * entity add|update|list|show|link|find and transaction add|list. See docs/entities.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/entities.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

static enum status positive_id(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

/* Options that become JSON members: text, or (is_int) a number. */
struct member {
    const char *opt;
    const char *key;
    bool is_int;
};

static const struct member entity_members[] = {{"kind", "kind", false},
                                               {"value", "value", false},
                                               {"note", "note", false},
                                               {"country", "country", false},
                                               {"first-seen", "first_seen", false},
                                               {"last-seen", "last_seen", false},
                                               {"suspect", "suspect_id", true},
                                               {"registration", "registration", false},
                                               {"bank-code", "bank_code", false},
                                               {"currency", "currency", false},
                                               {"make-model", "make_model", false},
                                               {"platform", "platform", false},
                                               {0}};
static const struct member link_members[] = {
    {"from", "from_entity", true}, {"to", "to_entity", true}, {"relation", "relation", false}, {0}};
static const struct member tx_members[] = {{"from", "from_entity", true},   {"to", "to_entity", true},
                                           {"date", "date", false},         {"amount-minor", "amount_minor", true},
                                           {"currency", "currency", false}, {"reference", "reference", false},
                                           {"channel", "channel", false},   {0}};

static enum status members_json(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    for (; m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        if (v == NULL) {
            continue;
        }
        int64_t n = 0;
        if (!m->is_int) {
            json_object_set_new(o, m->key, json_string(v));
        } else if (util_parse_i64(&n, v) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, m->opt, "--%s: a number", m->opt);
        } else {
            json_object_set_new(o, m->key, json_integer(n));
        }
    }
    return STATUS_OK;
}

struct ent_cli {
    char what; /* 'a' add, 'u' update, 'l' link, 't' transaction, 'L' list, 's' show, 'f' find, 'T' tx list */
    int64_t inv_id, id, version;
    json_t *in;
    const char *kind, *value;
    struct justice_entity one;
    struct justice_entity *entities;
    struct justice_entity_link *links;
    struct justice_transaction *txs;
    struct justice_entity_hit *hits;
    size_t count, nlinks;
};

static void ent_cli_free(struct ent_cli *o)
{
    json_decref(o->in);
    justice_entity_clear(&o->one);
    justice_entities_free(o->entities, o->what == 'L' ? o->count : 0);
    free(o->links);
    justice_transactions_free(o->txs, o->what == 'T' ? o->count : 0);
    free(o->hits);
}

static enum status op_ent(const struct auth_ctx *ctx, void *p)
{
    struct ent_cli *o = p;
    enum status st;
    switch (o->what) {
    case 'a': return justice_entity_add(ctx, o->inv_id, o->in, &o->id);
    case 'u': return justice_entity_update(ctx, o->inv_id, o->id, o->version, o->in);
    case 'l': return justice_entity_link_add(ctx, o->inv_id, o->in, &o->id);
    case 't': return justice_transaction_add(ctx, o->inv_id, o->in, &o->id);
    case 's': return justice_entity_get(ctx, o->inv_id, o->id, &o->one);
    case 'f': return justice_entity_search(ctx, o->kind, o->value, &o->hits, &o->count);
    case 'T': return justice_transactions(ctx, o->inv_id, &o->txs, &o->count);
    default:
        st = justice_entities(ctx, o->inv_id, &o->entities, &o->count);
        return st == STATUS_OK ? justice_entity_links(ctx, o->inv_id, &o->links, &o->nlinks) : st;
    }
}

/* Opens the environment, runs o and prints what came back. */
static int run(struct ent_cli *o)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        ent_cli_free(o);
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_ent, o);
    if (st == STATUS_OK) {
        switch (o->what) {
        case 'a':
        case 'u':
        case 'l':
        case 't':
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)o->id));
            } else {
                printf("%lld\n", (long long)o->id);
            }
            break;
        case 's':
            if (cli_json_out) {
                cli_print_json(justice_entity_to_json(&o->one));
            } else {
                json_t *j = justice_entity_to_json(&o->one);
                const char *k;
                json_t *v;
                json_object_foreach(j, k, v)
                {
                    char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
                    printf("%s: %s\n", k, json_is_string(v) ? json_string_value(v) : t);
                    free(t);
                }
                json_decref(j);
            }
            break;
        case 'f':
            if (cli_json_out) {
                json_t *arr = json_array();
                for (size_t i = 0; i < o->count; i++) {
                    json_array_append_new(arr, justice_entity_hit_to_json(&o->hits[i]));
                }
                cli_print_json(arr);
            } else {
                for (size_t i = 0; i < o->count; i++) {
                    printf("%-18lld %-24s %-18lld %s%s\n", (long long)o->hits[i].investigation_id, o->hits[i].reference,
                           (long long)o->hits[i].entity_id, o->hits[i].kind,
                           o->hits[i].retracted ? " (retracted)" : "");
                }
            }
            break;
        case 'T':
            if (cli_json_out) {
                json_t *arr = json_array();
                for (size_t i = 0; i < o->count; i++) {
                    json_array_append_new(arr, justice_transaction_to_json(&o->txs[i]));
                }
                cli_print_json(arr);
            } else {
                for (size_t i = 0; i < o->count; i++) {
                    const struct justice_transaction *t = &o->txs[i];
                    printf("%-18lld %s %lld -> %lld %lld %s %s\n", (long long)t->id, t->date, (long long)t->from_entity,
                           (long long)t->to_entity, (long long)t->amount_minor, t->currency, t->channel);
                }
            }
            break;
        default:
            if (cli_json_out) {
                json_t *es = json_array(), *ls = json_array();
                for (size_t i = 0; i < o->count; i++) {
                    json_array_append_new(es, justice_entity_to_json(&o->entities[i]));
                }
                for (size_t i = 0; i < o->nlinks; i++) {
                    json_array_append_new(ls, justice_entity_link_to_json(&o->links[i]));
                }
                cli_print_json(json_pack("{soso}", "entities", es, "links", ls));
            } else {
                for (size_t i = 0; i < o->count; i++) {
                    const struct justice_entity *x = &o->entities[i];
                    printf("%-18lld %-14s %s%s\n", (long long)x->id, x->kind, x->value ? x->value : "(withheld)",
                           x->retracted ? " (retracted)" : "");
                }
                for (size_t i = 0; i < o->nlinks; i++) {
                    printf("link %lld: %lld %s %lld\n", (long long)o->links[i].id, (long long)o->links[i].from_entity,
                           o->links[i].relation, (long long)o->links[i].to_entity);
                }
            }
            break;
        }
    }
    ent_cli_free(o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* A command on INVESTIGATION_ID [ID] with members from options. */
static int with_members(const struct command *cmd, struct args *args, char what, const struct member *m)
{
    struct ent_cli o = {.what = what, .in = json_object()};
    enum status st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    if (st == STATUS_OK && args->npos > 1) {
        st = positive_id("ENTITY_ID", args->pos[1], &o.id);
    }
    if (st == STATUS_OK && m != NULL) {
        st = members_json(cmd, args, m, o.in);
    }
    if (st == STATUS_OK && what == 'u') {
        const char *reason = cli_opt(cmd, args, "retract");
        if (reason != NULL) {
            json_object_set_new(o.in, "retracted", json_true());
            json_object_set_new(o.in, "retract_reason", json_string(reason));
        }
    }
    if (st != STATUS_OK) {
        ent_cli_free(&o);
        return cli_fail(st);
    }
    return run(&o);
}

static int cmd_entity_add(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 'a', entity_members);
}

static int cmd_entity_update(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 'u', entity_members + 1); /* all but --kind */
}

static int cmd_entity_list(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 'L', NULL);
}

static int cmd_entity_show(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 's', NULL);
}

static int cmd_entity_link(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 'l', link_members);
}

static int cmd_transaction_add(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 't', tx_members);
}

static int cmd_transaction_list(const struct command *cmd, struct args *args)
{
    return with_members(cmd, args, 'T', NULL);
}

static int cmd_entity_find(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct ent_cli o = {.what = 'f', .kind = args->pos[0], .value = args->pos[1]};
    return run(&o);
}

#define ENTITY_OPTS                                                                                                    \
    {"value", true, "the identifying value (sealed)"}, {"note", true, "a note (sealed)"},                              \
        {"country", true, "the country (ISO code or name)"}, {"first-seen", true, "first seen, YYYY-MM-DD"},           \
        {"last-seen", true, "last seen, YYYY-MM-DD"}, {"suspect", true, "the suspect who uses or owns it (id)"},       \
        {"registration", true, "company: the registration number"},                                                    \
        {"bank-code", true, "bank_account: the BIC or bank code"},                                                     \
        {"currency", true, "bank_account: the account's currency (ISO 4217)"},                                         \
        {"make-model", true, "vehicle: make and model"},                                                               \
    {                                                                                                                  \
        "platform", true,                                                                                              \
            "online_profile, online_ad: facebook, instagram, telegram, whatsapp, vk, tiktok, classifieds, website, "   \
            "other"                                                                                                    \
    }

static const struct command entity_commands[] = {
    {"entity add",
     "INVESTIGATION_ID",
     1,
     1,
     "Adds an investigative entity to an investigation; prints its id.",
     {{"kind", true,
       "company, phone, email, address, bank_account, vehicle, online_ad, online_profile or other (required)"},
      ENTITY_OPTS},
     cmd_entity_add},
    {"entity update",
     "INVESTIGATION_ID ENTITY_ID",
     2,
     2,
     "Changes an entity, or retracts it with a reason (final; entities are never deleted).",
     {ENTITY_OPTS, {"retract", true, "retract the entity, with this reason (sealed)"}},
     cmd_entity_update},
    {"entity list",
     "INVESTIGATION_ID",
     1,
     1,
     "Lists an investigation's entities (values audited) and the links between them.",
     {{0}},
     cmd_entity_list},
    {"entity show", "INVESTIGATION_ID ENTITY_ID", 2, 2, "Shows one entity (audited).", {{0}}, cmd_entity_show},
    {"entity link",
     "INVESTIGATION_ID",
     1,
     1,
     "Links two entities of an investigation; prints the link's id.",
     {{"from", true, "the first entity's id"},
      {"to", true, "the second entity's id"},
      {"relation", true,
       "owns, uses, controls, advertised_in, registered_at, located_at, pays_through, same_as or other"}},
     cmd_entity_link},
    {"entity find",
     "KIND VALUE",
     2,
     2,
     "Finds the entities of this kind with this value (normalised) in every investigation in scope (audited).",
     {{0}},
     cmd_entity_find},
    {"transaction add",
     "INVESTIGATION_ID",
     1,
     1,
     "Records a money transaction between two bank_account entities; prints its id.",
     {{"from", true, "the paying account's entity id"},
      {"to", true, "the receiving account's entity id"},
      {"date", true, "the date, YYYY-MM-DD"},
      {"amount-minor", true, "the amount in minor units (cents)"},
      {"currency", true, "ISO 4217 code"},
      {"reference", true, "the payment reference (sealed)"},
      {"channel", true, "bank_transfer (default), cash, money_transfer_service, crypto or other"}},
     cmd_transaction_add},
    {"transaction list",
     "INVESTIGATION_ID",
     1,
     1,
     "Lists an investigation's money transactions.",
     {{0}},
     cmd_transaction_list},
};

const struct cli_table cli_entities_table = {entity_commands, ARRAY_LEN(entity_commands)};
