/* child: the safeguards for children in the referral pathway (CoE Convention art. 10; OSCE NRM
 * child guide; EU Directive 2011/36 arts 13-16): presumption of minority when the age is
 * uncertain (it sets the case's majority_status to Minor, so every part sees a child from the
 * case fields; a later age assessment can lift it), guardians (the name sealed, identity group),
 * a child-friendly interview flag, and best-interests assessments and determinations (legal
 * group; the note sealed). A child's case (majority_status Minor, age under 18, or presumed minor)
 * cannot enter a durable solution (residence, inclusion, return) without a recorded
 * determination; return needs one that recommends return (pathway.c enforces it through
 * child__solution_check). Operations run inside auth_run. */
#ifndef CTIS_REFERRAL_CHILD_H
#define CTIS_REFERRAL_CHILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

struct child_guardian {
    int64_t id;
    char *name; /* sealed, identity group; NULL when withheld or absent */
    bool withheld;
    char organisation[201];
    char appointed[11];
    char ended[11]; /* "" while appointed */
    int64_t created_at_ms;
    int64_t version;
};

struct child_bid {
    int64_t id;
    char kind[16];           /* assessment, determination */
    char date[11];           /* the decision date */
    char deciding_body[201]; /* an organisation or panel, not a person */
    char solution[32];       /* "", return, local_integration, third_country_resettlement */
    char *note;              /* sealed, legal group */
    bool withheld;
    int64_t created_at_ms;
    char actor[72];
};

struct child_info {
    int64_t case_id;
    bool is_child; /* majority Minor, age < 18 or presumed */
    bool presumed_minor;
    char majority_status[16];
    int64_t age;            /* -1 when not known */
    char age_assessment[8]; /* "", minor, adult */
    char age_assessment_date[11];
    bool child_friendly_interview;
    char interview_date[11];
    int64_t version; /* of the flags, 0 when none recorded */
    struct child_guardian *guardians;
    size_t guardians_count;
    struct child_bid *bids;
    size_t bids_count;
    bool bids_withheld; /* the principal may not read the legal group */
};
void child_info_free(struct child_info *c);
/* The child safeguards of a case (case.read; guardians need identity read for names, BIDs legal
 * read: without them the lists are left empty and marked withheld in JSON). */
enum status child_get(const struct auth_ctx *ctx, int64_t case_id, struct child_info **out);
json_t *child_info_to_json(const struct child_info *c);

/* The flags (PUT /child). Members not given (-1 / NULL) stay. */
struct child_flags {
    int presume_minor;               /* 1: presume (needs reason) */
    const char *age_assessment;      /* minor | adult (needs reason; adult lifts the presumption) */
    const char *age_assessment_date; /* default today */
    int child_friendly_interview;    /* 0/1 */
    const char *interview_date;
    const char *reason;
};
enum status child_flags_from_json(struct child_flags *f, const json_t *o);
/* case.write; a presumption or assessment changes the case's majority_status and is logged. */
enum status child_flags_set(const struct auth_ctx *ctx, int64_t case_id, const struct child_flags *f);

/* Guardians (case.write, identity write for the name). */
enum status child_guardian_add(const struct auth_ctx *ctx, int64_t case_id, const char *name, const char *organisation,
                               const char *appointed, int64_t *id_out);
enum status child_guardian_end(const struct auth_ctx *ctx, int64_t case_id, int64_t id, const char *ended);

/* Best-interests assessments and determinations (case.write, legal write). Recording a
 * determination resolves task determination_pending. */
enum status child_bid_add(const struct auth_ctx *ctx, int64_t case_id, const char *kind, const char *date,
                          const char *deciding_body, const char *solution, const char *note, int64_t *id_out);
enum status child_bid_recorded(const struct auth_ctx *ctx, int64_t case_id, const char *solution /* NULL: any */,
                               bool *out);

/* For pathway.c (no access check; the caller reached the case): is the case a child's? */
enum status child__is_child(const struct auth_ctx *ctx, int64_t case_id, bool *out);
/* STATUS_CONFLICT with a clear message when a child's case may not enter `stage` (residence,
 * inclusion, return) for want of a determination (return: one recommending return). */
enum status child__solution_check(const struct auth_ctx *ctx, int64_t case_id, const char *stage);
/* Raised by pathway.c when a child's case reaches identified without a determination. */
enum status child__determination_task(const struct auth_ctx *ctx, int64_t case_id, int64_t agency_id, int64_t owner_id);
/* Subject-access hook: {"child_safeguards": ...} with guardian names and notes, or NULL when none.
 * No access check (the export reached the case with case.sar). */
enum status child__sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
/* Purge hook: guardian names and BID notes of the case. */
enum status child__purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);

#endif
