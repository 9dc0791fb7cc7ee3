/* protect: the data-protection rights of the case registry. Retention periods per record type,
 * a purge that removes the personal data of records past their period (or of one case on
 * request, the right to be forgotten) and leaves an audit trace with ids and kinds of data only,
 * and the subject-access export of everything held about one person. Other modules join in
 * through hooks (protect_hooks.c): their record types are purged and exported by the same runs. */
#ifndef CTIS_CASES_PROTECT_H
#define CTIS_CASES_PROTECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/cases.h"

/* A module's part in purges and subject-access exports. purge removes the personal data of its
 * records of one case and sets *items_out to how many records it touched; sar sets *out to a JSON
 * object whose members join the export's "sections" (or NULL when it holds nothing). Both run in
 * the caller's transaction; the case was reached already (case.purge or case.sar). */
struct protect_hook {
    const char *record_type; /* its retention type, e.g. "attachments" */
    const char *description;
    enum status (*purge)(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
    enum status (*sar)(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
};
/* The built-in record types' purges (protect.c): a case's sealed fields, blind indexes, name index
 * and consent notes; its events' places and descriptions; its comments. */
enum status protect__purge_case_personal(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status protect__purge_events(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status protect__purge_comments(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
/* The hooks, built-in record types first (protect_hooks.c; the lead adds other modules' lines). */
extern const struct protect_hook protect_hooks[];
extern const size_t protect_hooks_count;

/* Retention periods: "Nd", "Nm" or "Ny" (days, calendar months, calendar years; 1..100 years),
 * counted from the case's closure; "never" removes the setting (nothing is purged). */
struct retention_setting {
    const char *record_type;
    const char *description;
    char period[16]; /* "" when not set */
    int64_t updated_at_ms;
    char actor[72];
};
/* Every known record type with its period (case.purge). *out has protect_hooks_count entries. */
enum status retention_list(const struct auth_ctx *ctx, struct retention_setting **out, size_t *count_out);
enum status retention_set(const struct auth_ctx *ctx, const char *record_type, const char *period);
/* Checks a period; STATUS_INVALID naming "period". */
enum status retention_period_check(const char *period);
/* The time `period` before `now_ms` (calendar arithmetic in UTC). */
int64_t retention_cutoff(const char *period, int64_t now_ms);

/* One purge of one record type of one case. */
struct purge_item {
    int64_t case_id;
    const char *record_type;
    int64_t items;
};
struct purge_report {
    struct purge_item *items;
    size_t count;
    int64_t cases; /* distinct cases touched */
};
void purge_report_clear(struct purge_report *r);
json_t *purge_report_json(const struct purge_report *r, bool dry_run);

/* The retention purge: every record type with a period, every closed case (within the
 * principal's scope, case.purge) closed longer ago than the period and not purged since. With
 * dry_run nothing changes and nothing is audited but the run itself. Runs in the caller's
 * transaction. */
enum status protect_purge_due(const struct auth_ctx *ctx, bool dry_run, struct purge_report *out);
/* The right to be forgotten: purges every record type of one closed case now (case.purge).
 * An active case is STATUS_CONFLICT ("close the case first"). */
enum status protect_purge_case(const struct auth_ctx *ctx, int64_t case_id, struct purge_report *out);

/* The subject-access export (case.sar and case.read, every field group the principal may read;
 * audited as case.sar "export"): {"case":{...},"consent":{...},"history":[...],"events":[...],
 * "comments":[...],"audit":[...],"purges":[...],"sections":{record_type: ...},"generated_at":..}. */
enum status protect_sar(const struct auth_ctx *ctx, int64_t case_id, json_t **out);

#endif
