/* report: the implementation report of the Plan of Action (see report.h). The figures come from
 * the modules' own statistics functions, called with the same period bounds as `ctis stats`
 * (util_time_parse for the start, util_time_parse_end for the end), so that they are the same. */
#include "plan/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "fund/reports.h"
#include "fund/statement.h"
#include "justice/coop.h"
#include "justice/stats.h"
#include "plan/nap.h"
#include "plan/partners.h"
#include "plan/practices.h"
#include "plan/prevent.h"
#include "plan/ratify.h"
#include "referral/refstats.h"
#include "util/mem.h"
#include "util/util.h"

void plan_report_row(json_t *rows, const char *key, const char *paragraphs, json_t *value, const char *unit)
{
    json_t *paras = json_array();
    const char *p = paragraphs;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ' ');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        json_array_append_new(paras, json_stringn(p, n));
        p += n + (end != NULL ? 1 : 0);
    }
    json_array_append_new(rows, json_pack("{ss so so ss}", "key", key, "paragraphs", paras, "value",
                                          value != NULL ? value : json_null(), "unit", unit));
}

/* The released table of one dimension (year) of `dataset`; *total the margin's total (a number or
 * a string such as "<5"), new reference. */
static enum status release_one(const struct auth_ctx *ctx, const struct plan_report_period *p, const char *dataset,
                               const char *stage, const struct stats_row *rows, size_t n, json_t **table,
                               json_t **total)
{
    const char *names[] = {"year"};
    json_t *inputs = json_pack("{s[s]ssss}", "by", "year", "from", p->from, "to", p->to);
    if (stage != NULL) {
        json_object_set_new(inputs, "stage", json_string(stage));
    }
    json_object_set_new(inputs, "report", json_string("plan"));
    json_t *out = NULL;
    enum status st = stats_release(ctx, dataset, p->release, inputs, names, 1, rows, n, &out);
    json_decref(inputs);
    if (st == STATUS_OK) {
        *total = json_incref(json_object_get(json_object_get(out, "margins"), "total"));
        *table = out;
    }
    return st;
}

/* Protect: victims identified among the cases opened in the period. */
static enum status fill_victims(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                json_t *stats)
{
    const char *by[] = {"year"};
    struct case_stat_row *r = NULL;
    size_t n = 0;
    enum status st = case_stats_victims(ctx, by, 1, p->from_ms, p->to_ms, &r, &n);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *total = NULL, *table = NULL;
    if (p->release != NULL) {
        struct stats_row *sr = xcalloc(n ? n : 1, sizeof *sr);
        for (size_t i = 0; i < n; i++) {
            sr[i].keys[0] = r[i].keys[0];
            sr[i].count = r[i].count;
        }
        st = release_one(ctx, p, "victims", NULL, sr, n, &table, &total);
        free(sr);
    } else {
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += r[i].count;
        }
        total = json_integer(sum);
        table = case_stats_json(by, 1, r, n);
    }
    case_stats_free(r, n);
    if (st == STATUS_OK) {
        json_object_set_new(stats, "victims_by_year", table);
        plan_report_row(rows, "victims_identified", "annex-17 annex-28 annex-32", total, "persons");
    }
    return st;
}

/* Protect: referrals between agencies made in the period (para 17: the national referral
 * mechanism) and services delivered to victims (paras 30-31, 33: shelter, medical, legal and
 * other assistance), from the referral module's own figures. */
static enum status fill_referrals(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                  json_t *stats)
{
    json_t *f = NULL;
    enum status st = referral_stats_period(ctx, p->from_ms, p->to_ms, &f);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *refs = json_object_get(f, "referrals"), *svc = json_object_get(f, "services");
    plan_report_row(rows, "referrals_made", "annex-17 annex-32", json_incref(json_object_get(refs, "made")),
                    "referrals");
    plan_report_row(rows, "referrals_accepted", "annex-17 annex-32",
                    json_integer(json_integer_value(json_object_get(refs, "accepted")) +
                                 json_integer_value(json_object_get(refs, "completed"))),
                    "referrals");
    plan_report_row(rows, "services_delivered", "annex-30 annex-31 annex-33",
                    json_incref(json_object_get(svc, "delivered")), "services");
    json_object_set(stats, "protection", f);
    json_decref(f);
    return STATUS_OK;
}

/* Protect: the Trust Fund's contributions and disbursements in the period (US cents). */
static enum status fill_fund(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                             json_t *stats)
{
    (void)stats;
    json_t *s = NULL;
    enum status st = fund_statement(ctx, p->from, p->to, &s);
    if (st == STATUS_OK) {
        plan_report_row(rows, "fund_contributions", "op-4 annex-38 annex-61",
                        json_incref(json_object_get(s, "contributions_cents")), "usd_cents");
        plan_report_row(rows, "fund_disbursements", "op-4 annex-38",
                        json_incref(json_object_get(s, "disbursements_cents")), "usd_cents");
    }
    json_decref(s);
    /* Victims reached by the grants: accepted grantee reports, counted in the year their period
     * ends (fund_results has years, not dates: the years the period touches). */
    json_t *res = NULL;
    if (st == STATUS_OK) {
        st = fund_results(ctx, "year", &res);
    }
    if (st == STATUS_OK) {
        int y0 = atoi(p->from), y1 = atoi(p->to);
        int64_t reached = 0;
        size_t i;
        json_t *r;
        json_array_foreach(res, i, r)
        {
            json_int_t y = json_integer_value(json_object_get(r, "year"));
            if (y >= y0 && y <= y1) {
                reached += json_integer_value(json_object_get(r, "victims"));
            }
        }
        plan_report_row(rows, "fund_victims_reached", "op-4 annex-38", json_integer(reached), "persons");
    }
    json_decref(res);
    return st;
}

/* Prosecute: persons at each stage of the offender funnel, and cooperation requests. */
static enum status fill_offenders(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                  json_t *stats)
{
    static const char *const stages[] = {"contact", "prosecuted", "convicted"};
    static const char *const keys[] = {"offenders_contact", "offenders_prosecuted", "offenders_convicted"};
    static const char *const paras[] = {"annex-43 annex-45 annex-49", "annex-43 annex-44 annex-45",
                                        "annex-44 annex-45"};
    json_t *all = json_array();
    enum status st = STATUS_OK;
    for (size_t k = 0; k < 3 && st == STATUS_OK; k++) {
        struct justice_stats_query q = {
            .by = {"year"}, .by_count = 1, .stage = stages[k], .from_ms = p->from_ms, .to_ms = p->to_ms};
        const char *names[JUSTICE_STATS_KEYS];
        size_t nn = 0, n = 0;
        struct justice_stat_row *r = NULL;
        st = justice_stats_offenders(ctx, &q, names, &nn, &r, &n);
        if (st != STATUS_OK) {
            break;
        }
        json_t *total = NULL, *table = NULL;
        if (p->release != NULL) {
            struct stats_row *sr = xcalloc(n ? n : 1, sizeof *sr);
            for (size_t i = 0; i < n; i++) {
                sr[i].keys[0] = r[i].keys[0];
                sr[i].count = r[i].count;
            }
            st = release_one(ctx, p, "offenders", stages[k], sr, n, &table, &total);
            free(sr);
        } else {
            int64_t sum = 0;
            for (size_t i = 0; i < n; i++) {
                sum += r[i].count;
            }
            total = json_integer(sum);
            table = justice_stats_json(names, nn, r, n);
        }
        justice_stats_free(r, n);
        if (st == STATUS_OK) {
            json_array_append_new(all, json_pack("{ssso}", "stage", stages[k], "rows", table));
            plan_report_row(rows, keys[k], paras[k], total, "persons");
        }
    }
    if (st == STATUS_OK) {
        json_object_set_new(stats, "offenders_by_year", all);
    } else {
        json_decref(all);
    }
    json_t *coop = NULL;
    if (st == STATUS_OK) {
        st = coop_stats(ctx, p->from_ms, p->to_ms, &coop);
    }
    if (st == STATUS_OK) {
        int64_t sent = 0, received = 0, completed = 0;
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(coop, "groups"), i, g)
        {
            int64_t c = json_integer_value(json_object_get(g, "count"));
            if (strcmp(json_string_value(json_object_get(g, "direction")), "outgoing") == 0) {
                sent += c;
            } else {
                received += c;
            }
            completed += json_integer_value(json_object_get(g, "completed"));
        }
        plan_report_row(rows, "coop_outgoing", "annex-51 annex-52", json_integer(sent), "requests");
        plan_report_row(rows, "coop_incoming", "annex-51 annex-52", json_integer(received), "requests");
        plan_report_row(rows, "coop_completed", "annex-52", json_integer(completed), "requests");
    }
    json_decref(coop);
    return st;
}

/* Know (follow-up): statistics releases recorded in the period. */
static enum status fill_releases(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                 json_t *stats)
{
    (void)stats;
    json_t *list = NULL;
    enum status st = stats_releases_list(ctx, NULL, 1000, &list);
    if (st == STATUS_OK) {
        int64_t n = 0;
        size_t i;
        json_t *r;
        json_array_foreach(list, i, r)
        {
            int64_t at = json_integer_value(json_object_get(r, "at_ms"));
            const char *inputs_report = json_string_value(json_object_get(json_object_get(r, "inputs"), "report"));
            /* the releases this report makes itself are not counted */
            if (at >= p->from_ms && at <= p->to_ms && (inputs_report == NULL || strcmp(inputs_report, "plan") != 0)) {
                n++;
            }
        }
        plan_report_row(rows, "stats_releases", "annex-16 annex-60 op-5", json_integer(n), "releases");
    }
    json_decref(list);
    return st;
}

/* Partner: best practices published with a year in the period. */
static enum status fill_practices(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                  json_t *stats)
{
    (void)stats;
    json_t *counts = NULL;
    int y0 = atoi(p->from), y1 = atoi(p->to);
    enum status st = practices_count(ctx, y0, y1, &counts);
    if (st == STATUS_OK) {
        plan_report_row(rows, "practices_published", "annex-18 annex-24 annex-51 annex-60",
                        json_incref(json_object_get(counts, "total")), "practices");
    }
    json_decref(counts);
    return st;
}

static bool in_period(const char *date, const struct plan_report_period *p)
{
    return date != NULL && strlen(date) == 10 && strcmp(date, p->from) >= 0 && strcmp(date, p->to) <= 0;
}

/* General (op. para 3, Annex para 4): ratifications, acceptances, approvals or accessions, and
 * signatures, dated in the period, from the ratification register (part R). */
static enum status fill_ratify(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                               json_t *stats)
{
    (void)stats;
    json_t *list = NULL;
    enum status st = plan_ratify_list(ctx, NULL, NULL, &list);
    if (st == STATUS_OK) {
        int64_t acts = 0, signatures = 0;
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(list, "ratifications"), i, r)
        {
            acts += in_period(json_string_value(json_object_get(r, "act_date")), p);
            signatures += in_period(json_string_value(json_object_get(r, "signature")), p);
        }
        plan_report_row(rows, "ratify_acts", "op-3 annex-4", json_integer(acts), "acts");
        plan_report_row(rows, "ratify_signatures", "op-3 annex-4", json_integer(signatures), "acts");
    }
    json_decref(list);
    return st;
}

/* Partner (Annex paras 51-57): cooperation agreements signed, technical-assistance requests made,
 * declined and delivered in the period (part R's partnerships). */
static enum status fill_partnerships(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                     json_t *stats)
{
    (void)stats;
    json_t *agreements = NULL, *ta = NULL;
    enum status st = plan_agreement_list(ctx, 0, &agreements);
    if (st == STATUS_OK) {
        st = plan_ta_list(ctx, NULL, NULL, &ta);
    }
    if (st == STATUS_OK) {
        int64_t signed_n = 0, requested = 0, delivered = 0, declined = 0;
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(agreements, "agreements"), i, r)
        {
            signed_n += in_period(json_string_value(json_object_get(r, "signed")), p);
        }
        json_array_foreach(json_object_get(ta, "requests"), i, r)
        {
            requested += in_period(json_string_value(json_object_get(r, "requested")), p);
            delivered += in_period(json_string_value(json_object_get(r, "delivered")), p);
            declined += in_period(json_string_value(json_object_get(r, "declined")), p);
        }
        plan_report_row(rows, "agreements_signed", "annex-51 annex-52 annex-53", json_integer(signed_n), "agreements");
        plan_report_row(rows, "ta_requested", "annex-55 annex-57", json_integer(requested), "requests");
        plan_report_row(rows, "ta_delivered", "annex-55 annex-57", json_integer(delivered), "requests");
        plan_report_row(rows, "ta_declined", "annex-57", json_integer(declined), "requests");
    }
    json_decref(agreements);
    json_decref(ta);
    return st;
}

/* Prevent (Annex paras 18-23): part N's campaigns, trainings of officials, identity-document work
 * and supply-chain measures whose dates overlap the period (plan_prevention_figures, no check of
 * its own: plan.read was checked by plan_report_build). */
static enum status fill_prevention(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                                   json_t *stats)
{
    json_t *f = NULL;
    enum status st = plan_prevention_figures(ctx, p->from, p->to, NULL, &f);
    if (st == STATUS_OK) {
        const json_t *t = json_object_get(f, "total");
        static const struct {
            const char *key, *paragraphs, *unit;
        } r[] = {
            {"campaigns", "annex-18", "campaigns"},
            {"people_reached", "annex-18", "persons"},
            {"trainings", "annex-23 annex-29", "trainings"},
            {"officials_trained", "annex-23 annex-29", "persons"},
            {"idwork_activities", "annex-20", "activities"},
            {"people_registered", "annex-20", "persons"},
            {"supplychain_measures", "annex-21 annex-22", "measures"},
            {"workers_covered", "annex-21 annex-22", "persons"},
        };
        for (size_t i = 0; i < ARRAY_LEN(r); i++) {
            char key[64];
            snprintf(key, sizeof key, "prevention_%s", r[i].key);
            plan_report_row(rows, key, r[i].paragraphs, json_integer(json_integer_value(json_object_get(t, r[i].key))),
                            r[i].unit);
        }
        json_object_set(stats, "prevention", f);
    }
    json_decref(f);
    return st;
}

/* Follow-up: part N's national action plans in force in the period, their actions, the progress
 * reports whose period ends in it and the Plan paragraphs their actions cover (plan_nap_figures,
 * no check of its own). */
static enum status fill_naps(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t *rows,
                             json_t *stats)
{
    json_t *f = NULL;
    enum status st = plan_nap_figures(ctx, p->from, p->to, &f);
    if (st == STATUS_OK) {
        int64_t completed = 0;
        size_t i;
        json_t *pl;
        json_array_foreach(json_object_get(f, "pillars"), i, pl)
        {
            completed += json_integer_value(json_object_get(pl, "completed"));
        }
        plan_report_row(rows, "naps_in_force", "annex-15 op-5",
                        json_integer(json_integer_value(json_object_get(f, "plans"))), "plans");
        plan_report_row(rows, "nap_actions", "op-5", json_integer(json_integer_value(json_object_get(f, "actions"))),
                        "actions");
        plan_report_row(rows, "nap_actions_completed", "op-5 op-6", json_integer(completed), "actions");
        plan_report_row(rows, "nap_reports", "op-5 op-6",
                        json_integer(json_integer_value(json_object_get(f, "reports"))), "reports");
        plan_report_row(rows, "nap_paragraphs_covered", "op-6",
                        json_integer(json_integer_value(json_object_get(f, "paragraphs_covered"))), "paragraphs");
        json_object_set(stats, "naps", f);
    }
    json_decref(f);
    return st;
}

/* The sections in the report's order (the pillars' order: general, prevent, protect, prosecute,
 * partner, follow_up); a new section is one line here and its i18n keys. */
const struct plan_report_section plan_report_sections[] = {
    {"ratify", "general", fill_ratify},                     /* part R's register */
    {"prevention", "prevent", fill_prevention},             /* part N's prevention */
    {"protect_victims", "protect", fill_victims},           /* cases */
    {"protect_referrals", "protect", fill_referrals},       /* referrals and services */
    {"protect_fund", "protect", fill_fund},                 /* the Trust Fund */
    {"prosecute", "prosecute", fill_offenders},             /* justice */
    {"partner_practices", "partner", fill_practices},       /* the knowledge base */
    {"partner_partnerships", "partner", fill_partnerships}, /* part R's partnerships */
    {"know", "follow_up", fill_releases},                   /* statistics */
    {"naps", "follow_up", fill_naps},                       /* part N's national action plans */
};
const size_t plan_report_sections_count = ARRAY_LEN(plan_report_sections);

static enum status period_check(const char *from, const char *to, const char *ffield, const char *tfield,
                                struct plan_report_period *p)
{
    if (from == NULL || from[0] == '\0' || strlen(from) != 10) {
        return err_set_field(STATUS_INVALID, ffield, "%s is required (YYYY-MM-DD)", ffield);
    }
    if (to == NULL || to[0] == '\0' || strlen(to) != 10) {
        return err_set_field(STATUS_INVALID, tfield, "%s is required (YYYY-MM-DD)", tfield);
    }
    p->from = from;
    p->to = to;
    enum status st = util_time_parse(&p->from_ms, from);
    if (st != STATUS_OK) {
        return err_set_field(STATUS_INVALID, ffield, "%s must be a date YYYY-MM-DD", ffield);
    }
    st = util_time_parse_end(&p->to_ms, to);
    if (st != STATUS_OK) {
        return err_set_field(STATUS_INVALID, tfield, "%s must be a date YYYY-MM-DD", tfield);
    }
    if (p->to_ms < p->from_ms) {
        return err_set_field(STATUS_INVALID, tfield, "%s must not be before %s", tfield, ffield);
    }
    return STATUS_OK;
}

static enum status period_build(const struct auth_ctx *ctx, const struct plan_report_period *p, json_t **out)
{
    json_t *o = json_pack("{ssss}", "from", p->from, "to", p->to), *sections = json_array(), *stats = json_object();
    enum status st = STATUS_OK;
    for (size_t i = 0; i < plan_report_sections_count && st == STATUS_OK; i++) {
        const struct plan_report_section *s = &plan_report_sections[i];
        json_t *rows = json_array();
        st = s->fill(ctx, p, rows, stats);
        json_array_append_new(sections, json_pack("{sssssO}", "code", s->code, "pillar", s->pillar, "rows", rows));
        json_decref(rows);
    }
    json_object_set_new(o, "sections", sections);
    json_object_set_new(o, "stats", stats);
    if (st == STATUS_OK) {
        *out = o;
    } else {
        json_decref(o);
    }
    return st;
}

static json_t *changes(const json_t *a, const json_t *b)
{
    json_t *out = json_array();
    size_t i, j;
    json_t *sa, *ra;
    json_array_foreach(json_object_get(a, "sections"), i, sa)
    {
        json_t *sb = json_array_get(json_object_get(b, "sections"), i);
        json_array_foreach(json_object_get(sa, "rows"), j, ra)
        {
            json_t *rb = json_array_get(json_object_get(sb, "rows"), j);
            json_t *va = json_object_get(ra, "value"), *vb = json_object_get(rb, "value");
            json_t *ch = json_is_integer(va) && json_is_integer(vb)
                             ? json_integer(json_integer_value(va) - json_integer_value(vb))
                             : json_null();
            json_array_append_new(
                out, json_pack("{ss ss sO sO so}", "section", json_string_value(json_object_get(sa, "code")), "key",
                               json_string_value(json_object_get(ra, "key")), "a", va != NULL ? va : json_null(), "b",
                               vb != NULL ? vb : json_null(), "change", ch));
        }
    }
    return out;
}

enum status plan_report_build(const struct auth_ctx *ctx, const struct plan_report_query *q, json_t **out)
{
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, "plan implementation report");
    struct plan_report_period a = {.release = q->release}, b = {.release = q->release};
    bool compare = q->compare_from != NULL || q->compare_to != NULL;
    if (st == STATUS_OK) {
        st = period_check(q->from, q->to, "from", "to", &a);
    }
    if (st == STATUS_OK && compare) {
        st = period_check(q->compare_from, q->compare_to, "compare", "compare", &b);
    }
    if (st == STATUS_OK && q->release != NULL) {
        st = stats_release_spec_check(q->release);
    }
    json_t *ra = NULL, *rb = NULL;
    if (st == STATUS_OK) {
        st = period_build(ctx, &a, &ra);
    }
    if (st == STATUS_OK && compare) {
        st = period_build(ctx, &b, &rb);
    }
    if (st == STATUS_OK) {
        json_object_set_new(ra, "release",
                            q->release != NULL
                                ? json_pack("{sssI}", "method", q->release->method, "threshold",
                                            (json_int_t)(q->release->threshold ? q->release->threshold : 5))
                                : json_null());
        if (compare) {
            json_object_set_new(ra, "changes", changes(ra, rb));
            json_object_set_new(ra, "compare", rb);
            rb = NULL;
        }
        *out = ra;
        ra = NULL;
    }
    json_decref(ra);
    json_decref(rb);
    return st;
}
