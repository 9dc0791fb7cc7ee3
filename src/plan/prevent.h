/* prevent: prevention work under the Plan of Action, paragraphs 12 to 24 (issue 9, item 4;
 * part N). Four kinds of record, one table (plan_prevention):
 *
 * - "campaign", an awareness campaign: title, country, audiences (general_public,
 *   children_youth, migrants, workers, employers, officials, tourists, other), channels (tv,
 *   radio, print, online, social_media, outdoor, events, schools, other), languages (ISO 639
 *   codes of the registry's language vocabulary), period_from..period_to, reach (people reached)
 *   and reach_kind (estimated, measured);
 * - "training", a training of officials (paras 23, 29): date, country, audience (police, border,
 *   labour_inspectors, prosecutors, judges, social_workers, health, consular, other),
 *   participants by sex (women, men, other; at least one), topics (identification,
 *   victim_rights, investigation, child_protection, labour_exploitation, data_protection,
 *   other), the organiser (organiser_agency_id of the registry or organiser_partner_id of the
 *   partner directory), hours;
 * - "idwork", identity documents and birth registration (para 20): activity, country,
 *   period_from..period_to, people (registered or documented);
 * - "supplychain", a measure against labour exploitation in supply chains (paras 21-22): company
 *   (a company or a sector), measure (due_diligence_law, code_of_conduct, audit, remediation,
 *   procurement_rule, other), country, date, coverage and coverage_kind (workers, companies).
 *
 * Every kind takes optional "paragraphs" (Plan paragraph ids, checked) and a "note", sealed (it
 * may name people: trainees, contact persons). Countries are ISO 3166-1 alpha-3 codes of the
 * registry's vocabulary.
 *
 * The figures per country over a period count the work whose dates overlap it, whole:
 * people reached by campaigns (estimated and measured apart), officials trained by audience and
 * sex, people registered or documented, supply-chain measures by measure with the workers and
 * companies covered.
 *
 * Reading needs plan.read, writing plan.write (before the input is checked); one audit entry per
 * call. */
#ifndef CTIS_PLAN_PREVENT_H
#define CTIS_PLAN_PREVENT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The code lists. */
extern const char *const plan_prevent_kinds[]; /* campaign, training, idwork, supplychain */
extern const char *const plan_campaign_audiences[];
extern const char *const plan_campaign_channels[];
extern const char *const plan_training_audiences[];
extern const char *const plan_training_topics[];
extern const char *const plan_supplychain_measures[];

/* Records one piece of work of kind (see above). Needs plan.write. *out the record. */
enum status plan_prevention_add(const struct auth_ctx *ctx, const char *kind, const json_t *in, json_t **out);
/* The records of kind, newest first; country NULL/"" all; from/to NULL/"": open (work
 * overlapping the range). Needs plan.read. A JSON array. */
enum status plan_prevention_list(const struct auth_ctx *ctx, const char *kind, const char *country, const char *from,
                                 const char *to, json_t **out);
/* The figures of a calendar year (1900..2200), per country (country NULL/"": all). Needs
 * plan.read. */
enum status plan_prevention_report(const struct auth_ctx *ctx, int year, const char *country, json_t **out);

/* For the implementation report (part K), WITHOUT a permission check or an audit entry (call it
 * inside an operation that has checked plan.read): the figures of [from, to] (country NULL/"":
 * all): {"from","to","countries":[{"country", FIGURES}],"total":{FIGURES}} with FIGURES
 * {"campaigns","people_reached","people_reached_estimated","people_reached_measured",
 * "trainings","officials_trained","officials_by_audience":{audience:{"women","men","other",
 * "total"}},"idwork_activities","people_registered","supplychain_measures","measures_by_kind":
 * {measure:N},"workers_covered","companies_covered"}. */
enum status plan_prevention_figures(const struct auth_ctx *ctx, const char *from, const char *to, const char *country,
                                    json_t **out);

#endif
