/* cli_justice: the justice commands (issue 5, part J1) as the local operator: investigations
 * (list, create, show, update). See docs/justice.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "justice/stats.h"
#include "stats/release.h"
#include "justice/victims.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

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

/* Offences, suspects and charges: options become the JSON members the domain reads. */
enum member_type { M_TEXT, M_BOOL, M_INT, M_LIST };
struct member {
    const char *opt; /* the option */
    const char *key; /* the JSON member */
    enum member_type type;
};

static const struct member offence_members[] = {{"article-code", "article_code", M_TEXT},
                                                {"article-text", "article_text", M_TEXT},
                                                {"form", "form", M_TEXT},
                                                {"modality", "modality", M_TEXT},
                                                {"organised-group", "organised_group", M_BOOL},
                                                {"official-involved", "official_involved", M_BOOL},
                                                {"linked", "linked_crimes", M_LIST},
                                                {0}};
static const struct member suspect_members[] = {{"kind", "kind", M_TEXT},
                                                {"name", "name", M_TEXT},
                                                {"role", "role", M_TEXT},
                                                {"sex", "sex", M_TEXT},
                                                {"age", "age", M_INT},
                                                {"age-band", "age_band", M_TEXT},
                                                {"citizenship", "citizenship", M_TEXT},
                                                {0}};
static const struct member charge_members[] = {{"suspect", "suspect_id", M_INT},
                                               {"offence", "offence_id", M_INT},
                                               {"contacted", "contacted", M_TEXT},
                                               {"prosecuted", "prosecuted", M_TEXT},
                                               {"outcome", "outcome", M_TEXT},
                                               {"decided", "decided", M_TEXT},
                                               {0}};

static const struct member protection_members[] = {{"type", "type", M_TEXT},
                                                   {"victim", "victim_id", M_INT},
                                                   {"start", "start_date", M_TEXT},
                                                   {"end", "end_date", M_TEXT},
                                                   {0}};

static enum status members_json(const struct command *cmd, struct args *args, const struct member *m, json_t **out)
{
    json_t *o = json_object();
    enum status st = STATUS_OK;
    for (; st == STATUS_OK && m->opt != NULL; m++) {
        const char *v = cli_opt(cmd, args, m->opt);
        if (v == NULL) {
            continue;
        }
        int64_t n = 0;
        switch (m->type) {
        case M_TEXT: json_object_set_new(o, m->key, json_string(v)); break;
        case M_BOOL:
            if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
                st = err_set_field(STATUS_INVALID, m->opt, "--%s: yes or no", m->opt);
            } else {
                json_object_set_new(o, m->key, json_boolean(strcmp(v, "yes") == 0));
            }
            break;
        case M_INT:
            if (util_parse_i64(&n, v) != STATUS_OK) {
                st = err_set_field(STATUS_INVALID, m->opt, "--%s: a number", m->opt);
            } else {
                json_object_set_new(o, m->key, json_integer(n));
            }
            break;
        case M_LIST: {
            json_t *arr = json_array();
            char buf[256];
            snprintf(buf, sizeof buf, "%s", v);
            char *save = NULL;
            for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
                json_array_append_new(arr, json_string(t));
            }
            json_object_set_new(o, m->key, arr);
            break;
        }
        }
    }
    if (st != STATUS_OK) {
        json_decref(o);
        o = NULL;
    }
    *out = o;
    return st;
}

struct part_cli {
    char kind; /* 'o', 's', 'c' */
    bool change;
    int64_t inv_id, id, version;
    json_t *in;
};

static enum status op_part(const struct auth_ctx *ctx, void *p)
{
    struct part_cli *o = p;
    if (o->kind == 'p') {
        return o->change ? justice_protection_update(ctx, o->inv_id, o->id, o->version, o->in)
                         : justice_protection_add(ctx, o->inv_id, o->in, &o->id);
    }
    if (o->change) {
        return o->kind == 'o'   ? justice_offence_update(ctx, o->inv_id, o->id, o->version, o->in)
               : o->kind == 's' ? justice_suspect_update(ctx, o->inv_id, o->id, o->version, o->in)
                                : justice_charge_update(ctx, o->inv_id, o->id, o->version, o->in);
    }
    return o->kind == 'o'   ? justice_offence_add(ctx, o->inv_id, o->in, &o->id)
           : o->kind == 's' ? justice_suspect_add(ctx, o->inv_id, o->in, &o->id)
                            : justice_charge_add(ctx, o->inv_id, o->in, &o->id);
}

/* "... add INVESTIGATION_ID" and "... update INVESTIGATION_ID ID". Prints the id. */
static int part_cmd(const struct command *cmd, struct args *args, char kind, const struct member *members)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct part_cli o = {.kind = kind, .change = args->npos == 2};
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    if (st == STATUS_OK && o.change) {
        st = positive_id("ID", args->pos[1], &o.id);
    }
    if (st == STATUS_OK) {
        st = members_json(cmd, args, members, &o.in);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_part, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
    } else if (st == STATUS_OK) {
        printf("%lld\n", (long long)o.id);
    }
    json_decref(o.in);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_offence(const struct command *cmd, struct args *args)
{
    return part_cmd(cmd, args, 'o', offence_members);
}

static int cmd_suspect(const struct command *cmd, struct args *args)
{
    return part_cmd(cmd, args, 's', suspect_members);
}

static int cmd_charge(const struct command *cmd, struct args *args)
{
    return part_cmd(cmd, args, 'c', charge_members);
}

static int cmd_protection(const struct command *cmd, struct args *args)
{
    return part_cmd(cmd, args, 'p', protection_members);
}

/* Victims by reference: link a case; show one's identity (the operator; audited). */
struct victim_cli {
    int64_t inv_id, case_id, id, got_case;
    const char *role;
    char *name;
    struct justice_victim *list;
    size_t count;
};

static enum status op_victim_link(const struct auth_ctx *ctx, void *p)
{
    struct victim_cli *o = p;
    enum status st = justice_victim_link(ctx, o->inv_id, o->case_id, o->role, &o->id);
    return st == STATUS_OK ? justice_victims(ctx, o->inv_id, &o->list, &o->count) : st;
}

static int cmd_victim_link(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct victim_cli o;
    memset(&o, 0, sizeof o);
    o.role = cli_opt(cmd, args, "role");
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    if (st == STATUS_OK) {
        st = positive_id("CASE_ID", args->pos[1], &o.case_id);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_victim_link, &o);
    }
    for (size_t i = 0; st == STATUS_OK && i < o.count; i++) {
        if (o.list[i].id != o.id) {
            continue;
        }
        if (cli_json_out) {
            cli_print_json(justice_victim_to_json(&o.list[i]));
        } else {
            printf("%lld %s\n", (long long)o.id, o.list[i].reference);
        }
    }
    free(o.list);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_victim_identity(const struct auth_ctx *ctx, void *p)
{
    struct victim_cli *o = p;
    return justice_victim_identity(ctx, o->inv_id, o->id, &o->got_case, &o->name);
}

static int cmd_victim_identity(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct victim_cli o;
    memset(&o, 0, sizeof o);
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    if (st == STATUS_OK) {
        st = positive_id("VICTIM_ID", args->pos[1], &o.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_victim_identity, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(json_pack("{sssI}", "name", o.name, "case_id", (json_int_t)o.got_case));
    } else if (st == STATUS_OK) {
        printf("%s\ncase %lld\n", o.name, (long long)o.got_case);
    }
    if (o.name != NULL) {
        vault_plain_free(o.name, strlen(o.name));
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* Shows the proceedings: offences, suspects (names when readable) and charges. */
struct proceedings_cli {
    int64_t inv_id;
    struct justice_offence *offences;
    size_t n_off;
    struct justice_suspect *suspects;
    size_t n_sus;
    struct justice_charge *charges;
    size_t n_chg;
    struct justice_victim *victims;
    size_t n_vic;
    struct justice_protection *prot;
    size_t n_prot;
};

static enum status op_proceedings(const struct auth_ctx *ctx, void *p)
{
    struct proceedings_cli *o = p;
    enum status st = justice_offences(ctx, o->inv_id, &o->offences, &o->n_off);
    if (st == STATUS_OK) {
        st = justice_suspects(ctx, o->inv_id, &o->suspects, &o->n_sus);
    }
    if (st == STATUS_OK) {
        st = justice_charges(ctx, o->inv_id, &o->charges, &o->n_chg);
    }
    if (st == STATUS_OK) {
        st = justice_victims(ctx, o->inv_id, &o->victims, &o->n_vic);
    }
    if (st == STATUS_OK) {
        st = justice_protections(ctx, o->inv_id, &o->prot, &o->n_prot);
    }
    return st;
}

static int cmd_proceedings(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct proceedings_cli o;
    memset(&o, 0, sizeof o);
    st = positive_id("INVESTIGATION_ID", args->pos[0], &o.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_proceedings, &o);
    }
    if (st == STATUS_OK) {
        json_t *off = json_array(), *sus = json_array(), *chg = json_array(), *vic = json_array(), *pro = json_array();
        for (size_t i = 0; i < o.n_vic; i++) {
            json_array_append_new(vic, justice_victim_to_json(&o.victims[i]));
        }
        for (size_t i = 0; i < o.n_prot; i++) {
            json_array_append_new(pro, justice_protection_to_json(&o.prot[i]));
        }
        for (size_t i = 0; i < o.n_off; i++) {
            json_array_append_new(off, justice_offence_to_json(&o.offences[i]));
        }
        for (size_t i = 0; i < o.n_sus; i++) {
            json_array_append_new(sus, justice_suspect_to_json(&o.suspects[i]));
        }
        for (size_t i = 0; i < o.n_chg; i++) {
            json_array_append_new(chg, justice_charge_to_json(&o.charges[i]));
        }
        if (cli_json_out) {
            cli_print_json(json_pack("{sososososo}", "offences", off, "suspects", sus, "charges", chg, "victims", vic,
                                     "protection", pro));
        } else {
            for (size_t i = 0; i < o.n_off; i++) {
                const struct justice_offence *f = &o.offences[i];
                printf("offence %lld  %s  %s  %s%s%s%s%s\n", (long long)f->id, f->article_code, f->form, f->modality,
                       f->organised_group ? "  organised group" : "", f->official_involved ? "  official" : "",
                       f->linked_crimes[0] ? "  linked: " : "", f->linked_crimes);
            }
            for (size_t i = 0; i < o.n_sus; i++) {
                const struct justice_suspect *u = &o.suspects[i];
                printf("suspect %lld  %s  %s  %s  %s  %s\n", (long long)u->id, u->kind,
                       u->name ? u->name : (u->name_withheld ? "(withheld)" : "-"), u->sex[0] ? u->sex : "-",
                       u->citizenship[0] ? u->citizenship : "-", u->role[0] ? u->role : "-");
            }
            for (size_t i = 0; i < o.n_chg; i++) {
                const struct justice_charge *c = &o.charges[i];
                printf("charge %lld  suspect %lld  offence %lld  contact %s  prosecuted %s  %s %s\n", (long long)c->id,
                       (long long)c->suspect_id, (long long)c->offence_id, c->contacted,
                       c->prosecuted[0] ? c->prosecuted : "-", c->outcome[0] ? c->outcome : "pending", c->decided);
            }
            for (size_t i = 0; i < o.n_vic; i++) {
                printf("victim %lld  %s  %s\n", (long long)o.victims[i].id, o.victims[i].reference, o.victims[i].role);
            }
            for (size_t i = 0; i < o.n_prot; i++) {
                const struct justice_protection *m = &o.prot[i];
                printf("protection %lld  %s  %s to %s\n", (long long)m->id, m->type,
                       m->start_date[0] ? m->start_date : "-", m->end_date[0] ? m->end_date : "-");
            }
            json_decref(off);
            json_decref(sus);
            json_decref(chg);
            json_decref(vic);
            json_decref(pro);
        }
    }
    justice_offences_free(o.offences, o.n_off);
    justice_suspects_free(o.suspects, o.n_sus);
    justice_charges_free(o.charges, o.n_chg);
    free(o.victims);
    free(o.prot);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* ctis stats offenders. */
struct offender_stats_cli {
    struct justice_stats_query q;
    const char *names[JUSTICE_STATS_KEYS];
    size_t names_count;
    struct justice_stat_row *rows;
    size_t count;
};

static enum status op_offender_stats(const struct auth_ctx *ctx, void *p)
{
    struct offender_stats_cli *o = p;
    return justice_stats_offenders(ctx, &o->q, o->names, &o->names_count, &o->rows, &o->count);
}

/* --release (issue 6 item 4): the exact rows go through disclosure control (src/stats/release.h). */
struct offender_release {
    struct offender_stats_cli *o;
    struct stats_release_spec spec;
    json_t *inputs;
    json_t *out;
};

static enum status op_offender_release(const struct auth_ctx *ctx, void *p)
{
    struct offender_release *v = p;
    justice_stats_free(v->o->rows, v->o->count);
    v->o->rows = NULL;
    v->o->count = 0;
    json_decref(v->out);
    v->out = NULL;
    enum status st = op_offender_stats(ctx, v->o);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_row *rows = xcalloc(v->o->count ? v->o->count : 1, sizeof *rows);
    for (size_t i = 0; i < v->o->count; i++) {
        for (size_t d = 0; d < v->o->names_count && d < STATS_RELEASE_KEYS; d++) {
            rows[i].keys[d] = v->o->rows[i].keys[d];
        }
        rows[i].count = v->o->rows[i].count;
    }
    st = stats_release(ctx, "offenders", &v->spec, v->inputs, v->o->names, v->o->names_count, rows, v->o->count,
                       &v->out);
    free(rows);
    return st;
}

static int cmd_stats_offenders(const struct command *cmd, struct args *args)
{
    struct offender_release rel = {0};
    bool release = false;
    enum status st = cli_stats_release_spec(cmd, args, &rel.spec, &release);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct offender_stats_cli o;
    memset(&o, 0, sizeof o);
    char by[128];
    snprintf(by, sizeof by, "%s", cli_opt(cmd, args, "by") ? cli_opt(cmd, args, "by") : "sex");
    char *save = NULL;
    for (char *t = strtok_r(by, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (o.q.by_count == 3) {
            st = err_set_field(STATUS_INVALID, "by", "--by: at most three dimensions");
            break;
        }
        o.q.by[o.q.by_count++] = t;
    }
    o.q.stage = cli_opt(cmd, args, "stage");
    if (st == STATUS_OK && cli_opt(cmd, args, "from")) {
        st = util_time_parse(&o.q.from_ms, cli_opt(cmd, args, "from"));
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "to")) {
        st = util_time_parse_end(&o.q.to_ms, cli_opt(cmd, args, "to"));
    }
    if (st == STATUS_OK && release) {
        rel.o = &o;
        st = cli_stats_release_run(&e, op_offender_release, &rel, &rel.inputs, &rel.out, o.q.by, o.q.by_count,
                                   o.q.stage ? o.q.stage : "", cli_opt(cmd, args, "from"), cli_opt(cmd, args, "to"));
    } else if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_offender_stats, &o);
    }
    if (st == STATUS_OK && !release) {
        if (cli_json_out) {
            cli_print_json(justice_stats_json(o.names, o.names_count, o.rows, o.count));
        } else {
            char *csv = justice_stats_csv(o.names, o.names_count, o.rows, o.count);
            fputs(csv, stdout);
            free(csv);
        }
    }
    justice_stats_free(o.rows, o.count);
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
    {"investigation proceedings",
     "INVESTIGATION_ID",
     1,
     1,
     "Shows an investigation's offences, suspects (names audited), charges with the funnel, victims by "
     "reference and protection measures.",
     {{0}},
     cmd_proceedings},
    {"investigation offence",
     "INVESTIGATION_ID [OFFENCE_ID]",
     1,
     2,
     "Adds an offence, or changes one (with OFFENCE_ID); prints its id.",
     {{"article-code", true, "the national criminal-code article (required to add)"},
      {"article-text", true, "the article's text"},
      {"form", true,
       "sexual_exploitation, forced_labour, slavery, servitude, organ_removal, forced_criminality, forced_begging, "
       "forced_marriage or other (required to add)"},
      {"modality", true, "commission (default), attempt, participation or organising"},
      {"organised-group", true, "yes or no: an organised criminal group was involved"},
      {"official-involved", true, "yes or no: a public official was involved (corruption)"},
      {"linked", true,
       "linked crimes, comma-separated: money_laundering, migrant_smuggling, document_fraud, corruption, other"}},
     cmd_offence},
    {"investigation suspect",
     "INVESTIGATION_ID [SUSPECT_ID]",
     1,
     2,
     "Adds a suspect (natural or legal person), or changes one (with SUSPECT_ID); prints its id.",
     {{"kind", true, "natural or legal (required to add)"},
      {"name", true, "the name (sealed)"},
      {"role", true, "the HTCDS perpetrator role (vocab perp_role)"},
      {"sex", true, "female, male or unknown"},
      {"age", true, "age in years"},
      {"age-band", true, "0--29, 30--38, 39--47 or 48+"},
      {"citizenship", true, "the country of citizenship"}},
     cmd_suspect},
    {"investigation charge",
     "INVESTIGATION_ID [CHARGE_ID]",
     1,
     2,
     "Charges a suspect with an offence, or moves a charge along the funnel (with CHARGE_ID); prints its id.",
     {{"suspect", true, "the suspect's id (to add)"},
      {"offence", true, "the offence's id (to add)"},
      {"contacted", true, "date of formal contact, YYYY-MM-DD (required)"},
      {"prosecuted", true, "date prosecuted"},
      {"outcome", true, "convicted or acquitted"},
      {"decided", true, "date of the decision"}},
     cmd_charge},
    {"investigation victim",
     "INVESTIGATION_ID CASE_ID",
     2,
     2,
     "Links a case to an investigation as a victim or witness by pseudonymous reference; prints the reference.",
     {{"role", true, "victim (default) or witness"}},
     cmd_victim_link},
    {"investigation victim-identity",
     "INVESTIGATION_ID VICTIM_ID",
     2,
     2,
     "Shows the name and case behind a victim reference (audited on the investigation and the case).",
     {{0}},
     cmd_victim_identity},
    {"investigation protection",
     "INVESTIGATION_ID [MEASURE_ID]",
     1,
     2,
     "Records a protection measure, or changes one (with MEASURE_ID); prints its id.",
     {{"type", true, "identity_protection, screen, video_link, relocation, police_protection or other"},
      {"victim", true, "the victim reference's id (to add; default: the whole proceeding)"},
      {"start", true, "start date, YYYY-MM-DD"},
      {"end", true, "end date, YYYY-MM-DD"}},
     cmd_protection},
    {"stats offenders",
     "",
     0,
     0,
     "Counts offenders (persons) at each stage of the funnel by up to three dimensions (CSV, or --json).",
     {{"by", true, "sex, age_group, citizenship, nationals, exploitation, year, legal_person (comma-separated)"},
      {"stage", true, "contact, prosecuted or convicted (default: every stage, as a first column)"},
      {"from", true, "stage dates from this date"},
      {"to", true, "stage dates up to this date"},
      {"csv", false, "CSV output (the default)"},
      {"release", true, "publish through disclosure control: suppress, round or dp (needs stats.publish)"},
      {"epsilon", true, "with --release dp: the epsilon this release spends from the budget of \"offenders\""},
      {"threshold", true, "with --release: the threshold (default 5): suppress hides 1..N-1, round to multiples of N"}},
     cmd_stats_offenders},
};

const struct cli_table cli_justice_table = {justice_commands, ARRAY_LEN(justice_commands)};
