/* cli_pathway: `ctis pathway ...` (a case's referral pathway and the settings per country) and
 * `ctis child ...` (a case's child safeguards), as the local operator. Changes apply to the
 * pathway's current version unless --version names the one the operator read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "referral/child.h"
#include "referral/pathway.h"
#include "util/mem.h"
#include "util/util.h"

struct pw_op {
    int64_t case_id;
    int64_t version; /* -1: the current one */
    struct pathway_move move;
    struct pathway_not_victim nv;
    struct child_flags flags;
    int days, lead;
    bool reset;
    const char *s1, *s2, *s3, *s4, *s5;
    const char *what; /* which operation */
    struct pathway *p;
    struct child_info *child;
    struct pathway_setting *settings;
    size_t count;
};

static enum status current_version(const struct auth_ctx *ctx, struct pw_op *o)
{
    if (o->version >= 0) {
        return STATUS_OK;
    }
    struct pathway *p = NULL;
    enum status st = pathway_get(ctx, o->case_id, &p);
    if (st == STATUS_OK) {
        o->version = p->version;
    }
    pathway_free(p);
    return st;
}

static enum status op_pathway(const struct auth_ctx *ctx, void *arg)
{
    struct pw_op *o = arg;
    enum status st = STATUS_OK;
    if (strcmp(o->what, "show") != 0) {
        st = current_version(ctx, o);
    }
    if (st == STATUS_OK && strcmp(o->what, "move") == 0) {
        st = pathway_move(ctx, o->case_id, o->version, &o->move);
    } else if (st == STATUS_OK && strcmp(o->what, "not-victim") == 0) {
        st = pathway_not_victim(ctx, o->case_id, o->version, &o->nv);
    } else if (st == STATUS_OK && strcmp(o->what, "extend") == 0) {
        st = pathway_reflection_extend(ctx, o->case_id, o->version, o->days, o->s1);
    }
    return st == STATUS_OK ? pathway_get(ctx, o->case_id, &o->p) : st;
}

static void pathway_print(const struct pathway *p)
{
    printf("case %lld: %s (version %lld)\n", (long long)p->case_id, pathway_stage_name(p->stage),
           (long long)p->version);
    enum pathway_stage next[PW__COUNT];
    size_t n = pathway_next(p->stage, next);
    printf("next:");
    for (size_t i = 0; i < n; i++) {
        printf(" %s", pathway_stage_name(next[i]));
    }
    printf("%s\n", pathway_not_victim_allowed(p->stage) ? " (or not-victim)" : "");
    if (p->reflection.start[0]) {
        printf("reflection: %s to %s (%d days, %d extensions, no removal: %s)%s\n", p->reflection.start,
               p->reflection.end, p->reflection.days, p->reflection.extensions, p->reflection.no_removal ? "yes" : "no",
               p->reflection.active ? " in force" : "");
    }
    if (p->identification[0]) {
        printf("decision: %s by %s on %s\n", p->identification, p->decided_by, p->decided_date);
    }
    if (p->exit[0]) {
        printf("exit: %s, referred to %s (%s)\n", p->exit, p->referred_to, p->referred_reason);
    }
    for (size_t i = 0; i < p->log_count; i++) {
        const struct pathway_log_entry *e = &p->log[i];
        char t[32];
        util_time_iso(t, e->at_ms);
        printf("  %s %-16s %-14s %s -> %s: %s\n", t, e->actor, e->action, e->from, e->to, e->reason ? e->reason : "");
    }
}

static enum status case_id_arg(const struct args *a, struct pw_op *o)
{
    memset(o, 0, sizeof *o);
    o->version = -1;
    o->move.no_removal = -1;
    if (util_parse_i64(&o->case_id, a->pos[0]) != STATUS_OK || o->case_id <= 0) {
        return err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    return STATUS_OK;
}

static enum status version_opt(const struct command *cmd, const struct args *a, struct pw_op *o)
{
    const char *v = cli_opt(cmd, a, "version");
    if (v != NULL && (util_parse_i64(&o->version, v) != STATUS_OK || o->version < 0)) {
        return err_set_field(STATUS_INVALID, "version", "--version: the pathway version read");
    }
    return STATUS_OK;
}

static int int_opt(const struct command *cmd, const struct args *a, const char *name, int *out)
{
    const char *v = cli_opt(cmd, a, name);
    int64_t n = 0;
    if (v == NULL) {
        return 0;
    }
    if (util_parse_i64(&n, v) != STATUS_OK || n < -100000 || n > 100000) {
        err_set_field(STATUS_INVALID, name, "--%s: a whole number", name);
        return -1;
    }
    *out = (int)n;
    return 1;
}

static int run_pathway(const struct command *cmd, struct args *a, const char *what)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct pw_op o;
    st = case_id_arg(a, &o);
    o.what = what;
    if (st == STATUS_OK && strcmp(what, "show") != 0) {
        st = version_opt(cmd, a, &o);
    }
    if (st == STATUS_OK && strcmp(what, "move") == 0) {
        o.move.to = a->pos[1];
        o.move.reason = cli_opt(cmd, a, "reason");
        o.move.decision_date = cli_opt(cmd, a, "decision-date");
        o.move.decided_by = cli_opt(cmd, a, "decided-by");
        o.move.risk_level = cli_opt(cmd, a, "risk-level");
        o.move.risk_date = cli_opt(cmd, a, "risk-date");
        o.move.follow_up_date = cli_opt(cmd, a, "follow-up-date");
        o.move.voluntary = cli_flag(cmd, a, "voluntary");
        if (cli_opt(cmd, a, "removal-allowed")) {
            o.move.no_removal = 0;
            o.move.no_removal_reason = cli_opt(cmd, a, "removal-allowed");
        }
        const char *sid = cli_opt(cmd, a, "screening-id");
        if (sid != NULL && util_parse_i64(&o.move.screening_id, sid) != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, "screening-id", "--screening-id: a number");
        }
    } else if (st == STATUS_OK && strcmp(what, "not-victim") == 0) {
        o.nv.decided_by = cli_opt(cmd, a, "decided-by");
        o.nv.decision_date = cli_opt(cmd, a, "decision-date");
        o.nv.reason = cli_opt(cmd, a, "reason");
        o.nv.referred_to = cli_opt(cmd, a, "referred-to");
        o.nv.referral_reason = cli_opt(cmd, a, "referral-reason");
    } else if (st == STATUS_OK && strcmp(what, "extend") == 0) {
        o.s1 = cli_opt(cmd, a, "reason");
        if (int_opt(cmd, a, "days", &o.days) < 0) {
            st = STATUS_INVALID;
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_pathway, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(pathway_to_json(o.p));
    } else if (st == STATUS_OK) {
        pathway_print(o.p);
    }
    pathway_free(o.p);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_pathway_show(const struct command *cmd, struct args *a)
{
    return run_pathway(cmd, a, "show");
}

static int cmd_pathway_move(const struct command *cmd, struct args *a)
{
    return run_pathway(cmd, a, "move");
}

static int cmd_pathway_not_victim(const struct command *cmd, struct args *a)
{
    return run_pathway(cmd, a, "not-victim");
}

static int cmd_pathway_extend(const struct command *cmd, struct args *a)
{
    return run_pathway(cmd, a, "extend");
}

static enum status op_settings(const struct auth_ctx *ctx, void *arg)
{
    struct pw_op *o = arg;
    enum status st = STATUS_OK;
    if (o->s1 != NULL) {
        st = pathway_settings_put(ctx, o->s1, o->days, o->lead, o->reset);
    }
    return st == STATUS_OK ? pathway_settings_list(ctx, &o->settings, &o->count) : st;
}

static int cmd_pathway_settings(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct pw_op o;
    memset(&o, 0, sizeof o);
    o.lead = PATHWAY_LEAD_DAYS_DEFAULT;
    o.s1 = cli_opt(cmd, a, "country");
    o.reset = cli_flag(cmd, a, "reset");
    if (o.s1 != NULL && strcmp(o.s1, "default") == 0) {
        o.s1 = "";
    }
    if (o.s1 != NULL && !o.reset && int_opt(cmd, a, "reflection-days", &o.days) <= 0) {
        st = err_set_field(STATUS_INVALID, "reflection-days", "--reflection-days: required with --country");
    }
    if (st == STATUS_OK && int_opt(cmd, a, "lead-days", &o.lead) < 0) {
        st = STATUS_INVALID;
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_settings, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, json_pack("{sssisi}", "country", o.settings[i].country, "reflection_days",
                                                 o.settings[i].reflection_days, "task_lead_days",
                                                 o.settings[i].task_lead_days));
        }
        cli_print_json(json_pack("{so}", "items", arr));
    } else if (st == STATUS_OK) {
        printf("defaults: %d reflection days, tasks %d days before the end\n", PATHWAY_REFLECTION_DAYS_DEFAULT,
               PATHWAY_LEAD_DAYS_DEFAULT);
        for (size_t i = 0; i < o.count; i++) {
            printf("  %-7s %3d days, lead %2d days\n", o.settings[i].country[0] ? o.settings[i].country : "default",
                   o.settings[i].reflection_days, o.settings[i].task_lead_days);
        }
    }
    free(o.settings);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* Children. */

static enum status op_child(const struct auth_ctx *ctx, void *arg)
{
    struct pw_op *o = arg;
    enum status st = STATUS_OK;
    if (strcmp(o->what, "flags") == 0) {
        st = child_flags_set(ctx, o->case_id, &o->flags);
    } else if (strcmp(o->what, "guardian") == 0) {
        st = child_guardian_add(ctx, o->case_id, o->s1, o->s2, o->s3, NULL);
    } else if (strcmp(o->what, "bid") == 0) {
        st = child_bid_add(ctx, o->case_id, o->s1, o->s2, o->s3, o->s4, o->s5, NULL);
    }
    return st == STATUS_OK ? child_get(ctx, o->case_id, &o->child) : st;
}

static void child_print(const struct child_info *c)
{
    printf("case %lld: %s%s\n", (long long)c->case_id, c->is_child ? "a child" : "not known to be a child",
           c->presumed_minor ? " (minority presumed)" : "");
    if (c->age_assessment[0]) {
        printf("age assessment: %s on %s\n", c->age_assessment, c->age_assessment_date);
    }
    printf("child-friendly interview: %s%s%s\n", c->child_friendly_interview ? "yes" : "no",
           c->interview_date[0] ? " on " : "", c->interview_date);
    for (size_t i = 0; i < c->guardians_count; i++) {
        const struct child_guardian *g = &c->guardians[i];
        printf("  guardian %lld: %s, %s, from %s%s%s\n", (long long)g->id,
               g->name ? g->name : (g->withheld ? "(withheld)" : "-"), g->organisation[0] ? g->organisation : "-",
               g->appointed, g->ended[0] ? " to " : "", g->ended);
    }
    if (c->bids_withheld) {
        printf("  best-interests records: withheld (legal group)\n");
    }
    for (size_t i = 0; i < c->bids_count; i++) {
        const struct child_bid *b = &c->bids[i];
        printf("  %s %s by %s: %s\n", b->date, b->kind, b->deciding_body[0] ? b->deciding_body : "-",
               b->solution[0] ? b->solution : "-");
    }
}

static int run_child(const struct command *cmd, struct args *a, const char *what)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct pw_op o;
    st = case_id_arg(a, &o);
    o.what = what;
    o.flags.presume_minor = -1;
    o.flags.child_friendly_interview = -1;
    if (strcmp(what, "flags") == 0) {
        if (cli_flag(cmd, a, "presume-minor")) {
            o.flags.presume_minor = 1;
        }
        o.flags.age_assessment = cli_opt(cmd, a, "age-assessment");
        o.flags.age_assessment_date = cli_opt(cmd, a, "date");
        o.flags.reason = cli_opt(cmd, a, "reason");
        if (cli_opt(cmd, a, "interview")) {
            const char *v = cli_opt(cmd, a, "interview");
            o.flags.child_friendly_interview = strcmp(v, "no") == 0 ? 0 : 1;
            o.flags.interview_date = strcmp(v, "yes") == 0 || strcmp(v, "no") == 0 ? NULL : v;
        }
    } else if (strcmp(what, "guardian") == 0) {
        o.s1 = cli_opt(cmd, a, "name");
        o.s2 = cli_opt(cmd, a, "organisation");
        o.s3 = cli_opt(cmd, a, "appointed");
    } else if (strcmp(what, "bid") == 0) {
        o.s1 = cli_opt(cmd, a, "kind");
        o.s2 = cli_opt(cmd, a, "date");
        o.s3 = cli_opt(cmd, a, "deciding-body");
        o.s4 = cli_opt(cmd, a, "solution");
        o.s5 = cli_opt(cmd, a, "note");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_child, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(child_info_to_json(o.child));
    } else if (st == STATUS_OK) {
        child_print(o.child);
    }
    child_info_free(o.child);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_child_show(const struct command *cmd, struct args *a)
{
    return run_child(cmd, a, "show");
}

static int cmd_child_set(const struct command *cmd, struct args *a)
{
    return run_child(cmd, a, "flags");
}

static int cmd_child_guardian(const struct command *cmd, struct args *a)
{
    return run_child(cmd, a, "guardian");
}

static int cmd_child_bid(const struct command *cmd, struct args *a)
{
    return run_child(cmd, a, "bid");
}

static const struct command pathway_commands[] = {
    {"pathway show",
     "CASE_ID",
     1,
     1,
     "Shows a case's stage in the referral pathway, the stages it may move to, the reflection period, the "
     "decisions and the log of every step.",
     {{0}},
     cmd_pathway_show},
    {"pathway move",
     "CASE_ID STAGE",
     2,
     2,
     "Moves a case to the next stage (first_contact, screening, reasonable_grounds, reflection, identified, "
     "assistance, residence, inclusion, return, proceedings, closed, follow_up) along the transition graph, with a "
     "reason and the facts the stage needs.",
     {{"reason", true, "why (required; sealed)"},
      {"decision-date", true, "reasonable_grounds, identified: YYYY-MM-DD (default today)"},
      {"screening-id", true, "reasonable_grounds: the screening that decided it"},
      {"decided-by", true, "identified: the deciding organisation (Police, NGO, CourtOrProsecution, ...)"},
      {"removal-allowed", true, "reflection: record the no-removal flag off, with this reason"},
      {"voluntary", false, "return: the return is voluntary (required)"},
      {"risk-level", true, "return: low, medium or high (required)"},
      {"risk-date", true, "return: the risk assessment's date (required)"},
      {"follow-up-date", true, "follow_up: when the follow-up is due (required)"},
      {"version", true, "the pathway version read (default: the current one)"}},
     cmd_pathway_move},
    {"pathway not-victim",
     "CASE_ID",
     1,
     1,
     "Records that the person is not a victim of trafficking (from screening, reasonable_grounds or reflection) and "
     "the referral elsewhere; the pathway closes with exit not_victim.",
     {{"decided-by", true, "the deciding organisation (required)"},
      {"decision-date", true, "YYYY-MM-DD (default today)"},
      {"reason", true, "why (required; sealed)"},
      {"referred-to", true, "the organisation the person is referred to (required)"},
      {"referral-reason", true, "AdditionalServicesRequired, MigrationOrChangeOfLocation or Other (required)"},
      {"version", true, "the pathway version read (default: the current one)"}},
     cmd_pathway_not_victim},
    {"pathway extend",
     "CASE_ID",
     1,
     1,
     "Extends a case's reflection period; the reminder task moves with the end.",
     {{"days", true, "days to add, 1 to 365 (required)"},
      {"reason", true, "why (required; sealed)"},
      {"version", true, "the pathway version read (default: the current one)"}},
     cmd_pathway_extend},
    {"pathway settings",
     "",
     0,
     0,
     "Shows or sets the reflection period (at least 30 days) and the task lead days per country.",
     {{"country", true, "ISO 3166 alpha-3, or default"},
      {"reflection-days", true, "days of the reflection period (30 to 365)"},
      {"lead-days", true, "days before the end the task is due (default 7)"},
      {"reset", false, "remove the country's setting"}},
     cmd_pathway_settings},
    {"child show",
     "CASE_ID",
     1,
     1,
     "Shows a case's child safeguards: presumption of minority, age assessment, interview flag, guardians and "
     "best-interests records.",
     {{0}},
     cmd_child_show},
    {"child set",
     "CASE_ID",
     1,
     1,
     "Records the presumption of minority (sets majority_status Minor), an age assessment (lifts the presumption "
     "when adult) or the child-friendly interview flag.",
     {{"presume-minor", false, "presume the person a minor (needs --reason)"},
      {"age-assessment", true, "minor or adult (needs --reason)"},
      {"date", true, "the age assessment's date (default today)"},
      {"interview", true, "yes, no or the interview's date YYYY-MM-DD"},
      {"reason", true, "why (sealed)"}},
     cmd_child_set},
    {"child guardian",
     "CASE_ID",
     1,
     1,
     "Records a guardian appointment for a child.",
     {{"name", true, "the guardian's name (sealed)"},
      {"organisation", true, "the guardian's organisation"},
      {"appointed", true, "YYYY-MM-DD (default today)"}},
     cmd_child_guardian},
    {"child bid",
     "CASE_ID",
     1,
     1,
     "Records a best-interests assessment or determination; a determination is required before a child's case "
     "enters return, residence or inclusion.",
     {{"kind", true, "assessment or determination (required)"},
      {"date", true, "YYYY-MM-DD (default today)"},
      {"deciding-body", true, "the body that decided (required for a determination)"},
      {"solution", true, "return, local_integration or third_country_resettlement"},
      {"note", true, "a note (sealed)"}},
     cmd_child_bid},
};

const struct cli_table cli_pathway_table = {pathway_commands, ARRAY_LEN(pathway_commands)};
