/* pathway: the stages of the national referral mechanism (OSCE/ODIHR NRM; CoE Convention arts 10,
 * 13, 16) that a case goes through, from first contact to closure and follow-up. The transition
 * graph is a table (pathway.c, docs/pathway.md); anything else is refused with STATUS_CONFLICT
 * naming from and to. Every step records who, when and why (the reason is sealed: it may be
 * personal) and the non-personal facts of the step as JSON. A case with no pathway row is at
 * first_contact (version 0).
 *
 * Stage facts: reasonable_grounds sets the case's HTCDS trafficking status to
 * PossibleVictimOfTrafficking; reflection starts on the reasonable-grounds decision date and lasts
 * the country's days (pathway_settings, at least 30: CoE art. 13), with a no-removal flag, and
 * raises task reflection_ending (due end - lead days); identified needs the deciding organisation
 * (decision_org) and sets ActualVictimOfTrafficking; assistance needs a support plan that is not
 * cancelled; return needs voluntary = true and a risk assessment (level and date); the durable
 * solutions (residence, inclusion, return) of a child need a best-interests determination
 * (child.h); follow_up raises task follow_up_due. Each operation runs inside auth_run. */
#ifndef CTIS_REFERRAL_PATHWAY_H
#define CTIS_REFERRAL_PATHWAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

enum pathway_stage {
    PW_FIRST_CONTACT,
    PW_SCREENING,
    PW_REASONABLE_GROUNDS,
    PW_REFLECTION,
    PW_IDENTIFIED,
    PW_ASSISTANCE,
    PW_RESIDENCE,
    PW_INCLUSION,
    PW_RETURN,
    PW_PROCEEDINGS,
    PW_CLOSED,
    PW_FOLLOW_UP,
    PW__COUNT
};
const char *pathway_stage_name(enum pathway_stage s);
/* STATUS_INVALID naming field "to" when not a stage id. */
enum status pathway_stage_parse(const char *name, enum pathway_stage *out);
/* May a case move from `from` to `to` by a transition (the not-a-victim exit is separate)? */
bool pathway_transition_allowed(enum pathway_stage from, enum pathway_stage to);
/* The stages a case at `from` may move to; returns their count (out has PW__COUNT places). */
size_t pathway_next(enum pathway_stage from, enum pathway_stage out[PW__COUNT]);
/* Stages from which the not-a-victim exit is open (screening, reasonable_grounds, reflection). */
bool pathway_not_victim_allowed(enum pathway_stage from);

#define PATHWAY_REFLECTION_DAYS_DEFAULT 30
#define PATHWAY_REFLECTION_DAYS_MIN 30
#define PATHWAY_REFLECTION_DAYS_MAX 365
#define PATHWAY_LEAD_DAYS_DEFAULT 7
#define PATHWAY_LEAD_DAYS_MAX 60
#define PATHWAY_REASON_MAX 4000
#define PATHWAY_ORG_MAX 200

struct pathway_reflection {
    char start[11];
    char end[11];
    int days;
    int extensions;
    bool no_removal;
    bool active;
};
/* The case's reflection period (audited read through case_reach "case.read"); STATUS_NOT_FOUND when none. */
enum status pathway_reflection_get(const struct auth_ctx *ctx, int64_t case_id, struct pathway_reflection *out);

/* One step of the log. action: move, not_victim, extend, no_removal, presume_minor, age_assessment. */
struct pathway_log_entry {
    int64_t id;
    char action[24];
    char from[24];
    char to[24];
    int64_t at_ms;
    char actor[72];
    char *reason; /* sealed; NULL when absent */
    json_t *data; /* the non-personal facts */
};

struct pathway {
    int64_t case_id;
    enum pathway_stage stage;
    int64_t since_ms; /* 0 at first_contact without a row */
    int64_t version;  /* 0 without a row */
    int64_t screening_id;
    char rg_date[11]; /* reasonable-grounds decision date */
    struct pathway_reflection reflection;
    char identification[40]; /* HTCDS status decided: ActualVictimOfTrafficking, NotAVictimOfTrafficking */
    char decided_by[40];     /* decision_org code */
    char decided_date[11];
    char exit[16]; /* "" or not_victim */
    char referred_to[PATHWAY_ORG_MAX + 1];
    char referred_reason[40]; /* referral_reason code */
    struct pathway_log_entry *log;
    size_t log_count;
};
void pathway_free(struct pathway *p);
/* The case's pathway with its log (case.read). */
enum status pathway_get(const struct auth_ctx *ctx, int64_t case_id, struct pathway **out);
json_t *pathway_to_json(const struct pathway *p);

/* A transition. Only the facts of the target stage are read; NULL/0 is "not given". */
struct pathway_move {
    const char *to;
    const char *reason;        /* required */
    const char *decision_date; /* reasonable_grounds, identified: YYYY-MM-DD, default today */
    int64_t screening_id;      /* reasonable_grounds, optional */
    const char *decided_by;    /* identified: decision_org code, required */
    int no_removal;            /* reflection: -1 default (on), 0 off (needs no_removal_reason), 1 on */
    const char *no_removal_reason;
    bool voluntary;             /* return: must be true */
    const char *risk_level;     /* return: low, medium, high */
    const char *risk_date;      /* return: YYYY-MM-DD */
    const char *follow_up_date; /* follow_up: YYYY-MM-DD, required */
};
/* Parses a transition body; strings point into o. */
enum status pathway_move_from_json(struct pathway_move *m, const json_t *o);
/* Moves the case (case.write). STATUS_CONFLICT when expected_version is stale, when the graph has no
 * such edge (the message names from and to), or when a condition is unmet (support plan,
 * best-interests determination); STATUS_INVALID naming the missing fact. */
enum status pathway_move(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version,
                         const struct pathway_move *in);

struct pathway_not_victim {
    const char *decided_by;      /* decision_org code, required */
    const char *decision_date;   /* default today */
    const char *reason;          /* required, sealed */
    const char *referred_to;     /* organisation, required */
    const char *referral_reason; /* referral_reason code, required */
};
enum status pathway_not_victim_from_json(struct pathway_not_victim *n, const json_t *o);
/* Records the NotAVictimOfTrafficking decision and the referral elsewhere; the case goes to closed
 * with exit not_victim (case.write). */
enum status pathway_not_victim(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version,
                               const struct pathway_not_victim *in);
/* Extends the reflection period by days (1..365) with a reason; re-raises reflection_ending. */
enum status pathway_reflection_extend(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version, int days,
                                      const char *reason);
/* Records the no-removal flag on or off (off needs a reason) during reflection. */
enum status pathway_no_removal_set(const struct auth_ctx *ctx, int64_t case_id, int64_t expected_version, bool on,
                                   const char *reason);

/* Settings per country (ISO3, "" the default). Read and write need pathway.settings. */
struct pathway_setting {
    char country[4];
    int reflection_days;
    int task_lead_days;
    int64_t updated_at_ms;
    char actor[72];
};
enum status pathway_settings_list(const struct auth_ctx *ctx, struct pathway_setting **out, size_t *count_out);
/* Sets a country's days (reflection_days >= 30); remove = true deletes the country's row. */
enum status pathway_settings_put(const struct auth_ctx *ctx, const char *country, int reflection_days,
                                 int task_lead_days, bool remove);
/* The days in force for a country (its row, else "", else the defaults). No access check. */
enum status pathway__settings_for(const struct auth_ctx *ctx, const char *country, int *days_out, int *lead_out);

/* Writes a log entry (used by child.c too); data is stolen. No access check. */
enum status pathway__log(const struct auth_ctx *ctx, int64_t case_id, const char *action, const char *from,
                         const char *to, const char *reason, json_t *data);
/* The stage of a case (first_contact without a row); no access check. */
enum status pathway__stage(const struct auth_ctx *ctx, int64_t case_id, enum pathway_stage *out);

/* Subject-access hook: {"pathway": ...} with the log and its reasons, or NULL when the case never
 * moved. No access check (the export reached the case with case.sar). */
enum status pathway__sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
/* Purge hook: removes the sealed reasons of the case's log; *items_out the count. */
enum status pathway__purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);

enum status pathway__date_add(const char *date, int days, char out[11]);
enum status pathway__date_ms(const char *date, int64_t *out);
enum status pathway__date_check(const char *field, const char *date);

#endif
