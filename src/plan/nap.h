/* nap: national action plans against trafficking in persons mapped to the Plan of Action's
 * paragraphs (issue 9, item 3; part N).
 *
 * A plan: a country (ISO 3166-1 alpha-3 of the registry's vocabulary), a title, a period
 * (period_from..period_to), the adopting body, a status (draft, adopted, ended) and a version
 * (If-Match). Its actions: a title, the Plan paragraphs the action implements (one or more ids of
 * src/plan/text.h: "annex-12"; an unknown id is refused naming the field "paragraphs"), the
 * responsible bodies (names; optionally agency ids of the registry and partner ids of the partner
 * directory), and indicators (name, unit, baseline, target, direction "increase" (met when the
 * value is at least the target, the default) or "decrease" (at most), target date), numbered
 * 1.. in the order given. Progress reports per action and period (period_from..period_to within
 * the plan's period; one per action and period): a status (not_started, on_track, delayed,
 * completed, cancelled), indicator values ({"indicator": n, "value": x, "measured_on": date}) and
 * a narrative, sealed.
 *
 * The progress matrix of a plan at a date: each action's latest status (the report with the
 * latest period end on or before the date; "no_report" without one), each indicator's latest
 * value measured on or before the date and whether it meets its target; per Plan pillar (an
 * action counts once in every pillar its paragraphs belong to): actions by status, indicators and
 * indicators met, the share of actions completed; per Plan paragraph the number of actions, and
 * the gaps (paragraphs without an action).
 *
 * Reading needs plan.read, writing plan.write (checked before the input is validated); one audit
 * entry per call (auth_check). Plan records are national, not case data. */
#ifndef CTIS_PLAN_NAP_H
#define CTIS_PLAN_NAP_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The codes. */
extern const char *const plan_nap_statuses[];      /* draft, adopted, ended */
extern const char *const plan_progress_statuses[]; /* not_started ... cancelled */

/* {"country","title","period_from","period_to","adopted_by","status"} (status default draft).
 * Needs plan.write. *out the plan. */
enum status plan_nap_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
/* Changes the members given; version must be the stored one (STATUS_CONFLICT otherwise). */
enum status plan_nap_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out);
/* The plans (country NULL or "": all), newest period first. Needs plan.read. A JSON array. */
enum status plan_nap_list(const struct auth_ctx *ctx, const char *country, json_t **out);
/* A plan with its actions (each with "latest_status" and "latest_period_to"). Needs plan.read. */
enum status plan_nap_get(const struct auth_ctx *ctx, int64_t id, json_t **out);

/* {"title","paragraphs":[ids],"bodies":[names],"agency_ids":[..],"partner_ids":[..],
 * "indicators":[{"name","unit","baseline","target","direction","target_date"}]} to plan nap_id.
 * Needs plan.write. */
enum status plan_action_add(const struct auth_ctx *ctx, int64_t nap_id, const json_t *in, json_t **out);
/* The actions of a plan with their latest status. Needs plan.read. A JSON array. */
enum status plan_action_list(const struct auth_ctx *ctx, int64_t nap_id, json_t **out);

/* {"period_from","period_to","status","values":[{"indicator","value","measured_on"}],"narrative"}
 * for action action_id. Needs plan.write. */
enum status plan_progress_add(const struct auth_ctx *ctx, int64_t action_id, const json_t *in, json_t **out);
/* The reports of an action, oldest period first, narratives unsealed. Needs plan.read. */
enum status plan_progress_list(const struct auth_ctx *ctx, int64_t action_id, json_t **out);

/* The progress matrix of plan nap_id at date at (NULL or "": today). Needs plan.read. */
enum status plan_nap_matrix(const struct auth_ctx *ctx, int64_t nap_id, const char *at, json_t **out);

/* For the implementation report (part K), WITHOUT a permission check or an audit entry: call it
 * inside an operation that has checked plan.read. The plans in force in [from, to] and what their
 * actions reported: {"from","to","plans":N,"countries":[..],"actions":N,"reports":N,
 * "reports_by_status":{status:N},"pillars":[{"pillar","actions","completed","indicators",
 * "indicators_met"}],"paragraphs_covered":N,"gaps":[ids]} where a pillar's figures are those of
 * the plans' matrices at date to, summed. */
enum status plan_nap_figures(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out);

#endif
