/* api_int: what the files of the api module share: the request's operation context and the
 * response helpers of api.c. Nothing outside src/api includes it. */
#ifndef CTIS_API_INT_H
#define CTIS_API_INT_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "util/status.h"

struct auth_ctx;
struct store;

const struct auth_ctx *api__ctx(struct http_request *req);
struct store *api__store(struct http_request *req);
/* Sends body (stolen) with ok_status when st is STATUS_OK, else the JSON error for st. */
void api__respond(struct http_request *req, enum status st, unsigned ok_status, json_t *body);
/* The {id} of the route as a positive integer; STATUS_NOT_FOUND otherwise. */
enum status api__path_id(struct http_request *req, int64_t *out);
/* The {sub_id} of the route as a positive integer; STATUS_NOT_FOUND ("no such record") otherwise. */
enum status api__path_sub_id(struct http_request *req, int64_t *out);
/* The If-Match version; STATUS_PRECONDITION when absent, STATUS_INVALID when malformed. */
enum status api__if_match(struct http_request *req, int64_t *version_out);
json_t *api__items(json_t *array);
/* A query parameter holding a record id: absent or empty is 0; anything but a positive id is
 * STATUS_INVALID naming the parameter. */
enum status api__query_id(const struct http_request *req, const char *name, int64_t *out);
json_t *api__time(int64_t ms);

/* The case routes (api_cases.c). */
void api_case_fields(struct http_request *req, void *app);
void api_cases_list(struct http_request *req, void *app);
void api_cases_search(struct http_request *req, void *app);
void api_cases_create(struct http_request *req, void *app);
void api_case_get(struct http_request *req, void *app);
void api_case_patch(struct http_request *req, void *app);
void api_case_assign(struct http_request *req, void *app);
void api_case_close(struct http_request *req, void *app);
void api_case_reopen(struct http_request *req, void *app);
void api_case_restrict(struct http_request *req, void *app);
void api_case_merge(struct http_request *req, void *app);
void api_case_follow_up(struct http_request *req, void *app);
void api_case_grants(struct http_request *req, void *app);
void api_case_grant_add(struct http_request *req, void *app);
void api_case_grant_delete(struct http_request *req, void *app);
void api_case_history(struct http_request *req, void *app);
void api_case_duplicates(struct http_request *req, void *app);
void api_case_events(struct http_request *req, void *app);
void api_case_event_add(struct http_request *req, void *app);
void api_case_comments(struct http_request *req, void *app);
void api_case_comment_add(struct http_request *req, void *app);
void api_stats_victims(struct http_request *req, void *app);
/* Issue 6, item 5: federated reporting (api_federation.c). */
void api_stats_submission_build(struct http_request *req, void *app);
void api_stats_submission_import(struct http_request *req, void *app);
void api_stats_submissions(struct http_request *req, void *app);
void api_stats_federated(struct http_request *req, void *app);
void api_stats_figures(struct http_request *req, void *app);
void api_stats_report_pdf(struct http_request *req, void *app);
void api_stats_dashboard_publish(struct http_request *req, void *app);
void api_stats_dashboard_unpublish(struct http_request *req, void *app);
void api_public_dashboard(struct http_request *req, void *app);
void api_public_dashboard_image(struct http_request *req, void *app);
/* Issue 6, item 7: the questionnaire workbook (api_questionnaire.c). */
void api_stats_questionnaire(struct http_request *req, void *app);

/* The data-protection routes (api_protect.c). */
void api_case_consent_get(struct http_request *req, void *app);
void api_case_consent_put(struct http_request *req, void *app);
void api_case_consent_history(struct http_request *req, void *app);
void api_case_purge(struct http_request *req, void *app);
void api_case_subject_access(struct http_request *req, void *app);
void api_retention_get(struct http_request *req, void *app);
void api_retention_put(struct http_request *req, void *app);
void api_retention_purge(struct http_request *req, void *app);
/* A case's perpetrators, support plans and attachments (api_case_records.c). */
void api_case_perpetrators(struct http_request *req, void *app);
void api_case_perpetrator_add(struct http_request *req, void *app);
void api_case_perpetrator_patch(struct http_request *req, void *app);
void api_case_perpetrator_delete(struct http_request *req, void *app);
void api_case_support_plans(struct http_request *req, void *app);
void api_case_support_plan_add(struct http_request *req, void *app);
void api_case_support_plan_patch(struct http_request *req, void *app);
void api_case_attachments(struct http_request *req, void *app);
void api_case_attachment_add(struct http_request *req, void *app);
void api_case_attachment_get(struct http_request *req, void *app);
void api_case_attachment_delete(struct http_request *req, void *app);

/* Part R: providers, referrals and break-the-glass (api_referral.c). */
void api_providers_search(struct http_request *req, void *app);
void api_providers_create(struct http_request *req, void *app);
void api_provider_get(struct http_request *req, void *app);
void api_provider_patch(struct http_request *req, void *app);
void api_case_referrals(struct http_request *req, void *app);
void api_case_referral_add(struct http_request *req, void *app);
void api_referrals_list(struct http_request *req, void *app);
void api_referral_get(struct http_request *req, void *app);
void api_referral_accept(struct http_request *req, void *app);
void api_referral_reject(struct http_request *req, void *app);
void api_referral_complete(struct http_request *req, void *app);
void api_referral_revoke(struct http_request *req, void *app);
void api_case_break_glass(struct http_request *req, void *app);
/* The printable rights notice (api_notice.c; part D of issue 4). */
void api_case_rights_notice(struct http_request *req, void *app);
/* Assistance and legal status (part A, api_assist.c). */
void api_case_services(struct http_request *req, void *app);
void api_case_service_add(struct http_request *req, void *app);
void api_case_service_get(struct http_request *req, void *app);
void api_case_service_patch(struct http_request *req, void *app);
void api_case_service_delete(struct http_request *req, void *app);
void api_case_legal(struct http_request *req, void *app);
void api_case_non_punishment_put(struct http_request *req, void *app);
void api_case_permits(struct http_request *req, void *app);
void api_case_permit_add(struct http_request *req, void *app);
void api_case_permit_get(struct http_request *req, void *app);
void api_case_permit_patch(struct http_request *req, void *app);
void api_case_returns(struct http_request *req, void *app);
void api_case_return_add(struct http_request *req, void *app);
void api_case_return_get(struct http_request *req, void *app);
void api_case_return_patch(struct http_request *req, void *app);
void api_case_return_follow_ups(struct http_request *req, void *app);
void api_case_return_follow_up_add(struct http_request *req, void *app);
void api_case_claims(struct http_request *req, void *app);
void api_case_claim_add(struct http_request *req, void *app);
void api_case_claim_get(struct http_request *req, void *app);
void api_case_claim_patch(struct http_request *req, void *app);
/* The referral pathway, its settings and the child safeguards (api_pathway.c; issue 4 part P). */
void api_pathway_get(struct http_request *req, void *app);
void api_pathway_transition(struct http_request *req, void *app);
void api_pathway_not_victim(struct http_request *req, void *app);
void api_pathway_extend(struct http_request *req, void *app);
void api_pathway_no_removal(struct http_request *req, void *app);
void api_pathway_settings_get(struct http_request *req, void *app);
void api_pathway_settings_put(struct http_request *req, void *app);
void api_child_get(struct http_request *req, void *app);
void api_child_put(struct http_request *req, void *app);
void api_child_guardian_add(struct http_request *req, void *app);
void api_child_guardian_end(struct http_request *req, void *app);
void api_child_bid_add(struct http_request *req, void *app);
/* Screening (part S, api_screening.c). */
void api_indicator_sets_list(struct http_request *req, void *app);
void api_indicator_sets_import(struct http_request *req, void *app);
void api_indicator_set_get(struct http_request *req, void *app);
void api_screening_evaluate(struct http_request *req, void *app);
void api_case_screenings(struct http_request *req, void *app);
void api_case_screening_add(struct http_request *req, void *app);
void api_case_screening_get(struct http_request *req, void *app);
void api_case_screening_decide(struct http_request *req, void *app);
/* Part T: tasks and "my work" (api_tasks.c). */
void api_tasks_list(struct http_request *req, void *app);
void api_tasks_create(struct http_request *req, void *app);
void api_task_get(struct http_request *req, void *app);
void api_task_patch(struct http_request *req, void *app);
void api_task_complete(struct http_request *req, void *app);
void api_task_cancel(struct http_request *req, void *app);
void api_task_reopen(struct http_request *req, void *app);
void api_case_tasks(struct http_request *req, void *app);
void api_my_work(struct http_request *req, void *app);
/* Part T: public intake and triage (api_intake.c). */
void api_public_tip_form(struct http_request *req, void *app);
void api_public_tip_submit(struct http_request *req, void *app);
void api_intake_tips(struct http_request *req, void *app);
void api_intake_tip_record(struct http_request *req, void *app);
void api_intake_tip_get(struct http_request *req, void *app);
void api_intake_tip_triage(struct http_request *req, void *app);
void api_intake_tip_dismiss(struct http_request *req, void *app);
void api_intake_tip_convert(struct http_request *req, void *app);

/* Issue 5, part J6: international cooperation requests (api_coop.c). */
void api_coop_list(struct http_request *req, void *app);
void api_coop_create(struct http_request *req, void *app);
void api_coop_stats(struct http_request *req, void *app);
void api_coop_get(struct http_request *req, void *app);
void api_coop_patch(struct http_request *req, void *app);
void api_coop_status(struct http_request *req, void *app);
/* Issue 5 part J3: court decisions (api_caselaw.c). */
void api_court_decisions_search(struct http_request *req, void *app);
void api_court_decision_add(struct http_request *req, void *app);
void api_court_decision_get(struct http_request *req, void *app);
void api_court_decision_patch(struct http_request *req, void *app);
void api_court_decisions_export(struct http_request *req, void *app);
/* Issue 5, part J1: justice (api_justice.c). */
void api_investigations_list(struct http_request *req, void *app);
void api_investigations_create(struct http_request *req, void *app);
void api_investigation_get(struct http_request *req, void *app);
void api_investigation_patch(struct http_request *req, void *app);
void api_investigation_offences(struct http_request *req, void *app);
void api_investigation_offence_add(struct http_request *req, void *app);
void api_investigation_offence_patch(struct http_request *req, void *app);
void api_investigation_suspects(struct http_request *req, void *app);
void api_investigation_suspect_add(struct http_request *req, void *app);
void api_investigation_suspect_patch(struct http_request *req, void *app);
void api_investigation_charges(struct http_request *req, void *app);
void api_investigation_charge_add(struct http_request *req, void *app);
void api_investigation_charge_patch(struct http_request *req, void *app);
void api_stats_offenders(struct http_request *req, void *app);
void api_investigation_victims(struct http_request *req, void *app);
void api_investigation_victim_link(struct http_request *req, void *app);
void api_investigation_victim_identity(struct http_request *req, void *app);
void api_investigation_protection(struct http_request *req, void *app);
void api_investigation_protection_add(struct http_request *req, void *app);
void api_investigation_protection_patch(struct http_request *req, void *app);
/* Issue 5, part J5: assets (api_assets.c). */
void api_assets_list(struct http_request *req, void *app);
void api_asset_add(struct http_request *req, void *app);
void api_asset_get(struct http_request *req, void *app);
void api_asset_patch(struct http_request *req, void *app);
void api_asset_status(struct http_request *req, void *app);
void api_asset_allocations(struct http_request *req, void *app);
void api_asset_allocate(struct http_request *req, void *app);
void api_asset_totals(struct http_request *req, void *app);
void api_case_claim_allocations(struct http_request *req, void *app);

/* Issue 6, part S1: regions, population, settings and flows (api_geo.c). */
void api_stats_flows(struct http_request *req, void *app);
void api_stats_regions(struct http_request *req, void *app);
void api_stats_regions_put(struct http_request *req, void *app);
void api_stats_population(struct http_request *req, void *app);
void api_stats_population_import(struct http_request *req, void *app);
void api_stats_settings(struct http_request *req, void *app);
void api_stats_settings_put(struct http_request *req, void *app);
/* Issue 6 item 4, disclosure control (api_stats.c). */
struct stats_row;
/* Fills the exact rows of a statistics query inside the release's transaction: names (borrowed
 * from arg) and rows (the caller frees the array; its keys are borrowed from arg). */
typedef enum status (*api_stats_rows_fn)(const struct auth_ctx *ctx, void *arg, const char *const **names,
                                         size_t *nnames, struct stats_row **rows, size_t *nrows);
/* True when the request asks for a release (release=, epsilon= or threshold=). */
bool api_stats_release_wanted(const struct http_request *req);
/* Parses release=, epsilon=, threshold=, runs fn and stats_release for dataset in one transaction
 * and responds (JSON, or CSV with format=csv); takes inputs (the query as JSON). */
void api_stats_release(struct http_request *req, const char *dataset, json_t *inputs, api_stats_rows_fn fn, void *arg);
void api_stats_releases(struct http_request *req, void *app);
/* Issue 5, part J2: investigative entities (api_entities.c). */
void api_investigation_entities(struct http_request *req, void *app);
void api_investigation_entity_add(struct http_request *req, void *app);
void api_investigation_entity_get(struct http_request *req, void *app);
void api_investigation_entity_patch(struct http_request *req, void *app);
void api_investigation_entity_links(struct http_request *req, void *app);
void api_investigation_entity_link_add(struct http_request *req, void *app);
void api_investigation_transactions(struct http_request *req, void *app);
void api_investigation_transaction_add(struct http_request *req, void *app);
void api_entities_search(struct http_request *req, void *app);

/* Issue 6, item 6: UNODC's published national data (api_glotip.c). */
void api_stats_glotip(struct http_request *req, void *app);
void api_glotip_import(struct http_request *req, void *app);

/* Issue 6, item 7: the report's charts as images (api_charts.c). */
void api_stats_chart(struct http_request *req, void *app);

/* Issue 7, item 3: linkage runs and the review queue (api_link_review.c). */
void api_link_runs(struct http_request *req, void *app);
void api_link_run_create(struct http_request *req, void *app);
void api_link_run(struct http_request *req, void *app);
void api_link_run_pairs(struct http_request *req, void *app);
void api_link_pair_decide(struct http_request *req, void *app);
/* Issue 7, part G: the candidate networks of the entity graph (api_link.c). */
void api_link_networks(struct http_request *req, void *app);
void api_link_network(struct http_request *req, void *app);
void api_link_network_graphml(struct http_request *req, void *app);
void api_link_network_csv(struct http_request *req, void *app);

/* Issue 8, part A: the Trust Fund's board, calls, applications, reviews, decisions (api_fund_apps.c). */
void api_fund_board(struct http_request *req, void *app);
void api_fund_board_add(struct http_request *req, void *app);
void api_fund_board_end(struct http_request *req, void *app);
void api_fund_board_settings(struct http_request *req, void *app);
void api_fund_board_settings_set(struct http_request *req, void *app);
void api_fund_conflicts(struct http_request *req, void *app);
void api_fund_conflict_add(struct http_request *req, void *app);
void api_fund_calls(struct http_request *req, void *app);
void api_fund_call_add(struct http_request *req, void *app);
void api_fund_call_get(struct http_request *req, void *app);
void api_fund_call_open(struct http_request *req, void *app);
void api_fund_call_close(struct http_request *req, void *app);
void api_fund_org_get(struct http_request *req, void *app);
void api_fund_org_put(struct http_request *req, void *app);
void api_fund_applications(struct http_request *req, void *app);
void api_fund_application_add(struct http_request *req, void *app);
void api_fund_application_get(struct http_request *req, void *app);
void api_fund_application_put(struct http_request *req, void *app);
void api_fund_application_submit(struct http_request *req, void *app);
void api_fund_application_reviews(struct http_request *req, void *app);
void api_fund_application_review_add(struct http_request *req, void *app);
void api_fund_review_queue(struct http_request *req, void *app);
void api_fund_application_decision(struct http_request *req, void *app);
/* Issue 9, item 1: the Plan of Action as data (api_plan.c). */
void api_plan_paragraphs(struct http_request *req, void *app);
void api_plan_paragraph_get(struct http_request *req, void *app);
void api_plan_instruments(struct http_request *req, void *app);
/* Issue 9, part K: the best-practices knowledge base and the implementation report (api_plan_report.c). */
void api_plan_practices(struct http_request *req, void *app);
void api_plan_practice_add(struct http_request *req, void *app);
void api_plan_practice_get(struct http_request *req, void *app);
void api_plan_practice_put(struct http_request *req, void *app);
void api_plan_report(struct http_request *req, void *app);
void api_plan_report_pdf(struct http_request *req, void *app);
void api_plan_report_xlsx(struct http_request *req, void *app);
/* Issue 9, part R: the ratification register (api_plan_ratify.c). */
void api_plan_ratifications(struct http_request *req, void *app);
void api_plan_ratification_get(struct http_request *req, void *app);
void api_plan_ratification_put(struct http_request *req, void *app);
void api_plan_ratification_import(struct http_request *req, void *app);
void api_plan_coverage(struct http_request *req, void *app);
/* Issue 9, part R: partnerships (api_plan_partners.c). */
void api_plan_partners(struct http_request *req, void *app);
void api_plan_partner_add(struct http_request *req, void *app);
void api_plan_partner_get(struct http_request *req, void *app);
void api_plan_agreements(struct http_request *req, void *app);
void api_plan_agreement_add(struct http_request *req, void *app);
void api_plan_assistance(struct http_request *req, void *app);
void api_plan_assistance_add(struct http_request *req, void *app);
void api_plan_assistance_get(struct http_request *req, void *app);
void api_plan_assistance_status(struct http_request *req, void *app);
void api_plan_assistance_deliver(struct http_request *req, void *app);

/* Issue 9, part N: national action plans and prevention (api_plan_nap.c). */
void api_plan_naps(struct http_request *req, void *app);
void api_plan_nap_add(struct http_request *req, void *app);
void api_plan_nap_get(struct http_request *req, void *app);
void api_plan_nap_patch(struct http_request *req, void *app);
void api_plan_nap_actions(struct http_request *req, void *app);
void api_plan_nap_action_add(struct http_request *req, void *app);
void api_plan_action_progress(struct http_request *req, void *app);
void api_plan_action_progress_add(struct http_request *req, void *app);
void api_plan_nap_matrix(struct http_request *req, void *app);
void api_plan_campaigns(struct http_request *req, void *app);
void api_plan_campaign_add(struct http_request *req, void *app);
void api_plan_trainings(struct http_request *req, void *app);
void api_plan_training_add(struct http_request *req, void *app);
void api_plan_idwork(struct http_request *req, void *app);
void api_plan_idwork_add(struct http_request *req, void *app);
void api_plan_supplychain(struct http_request *req, void *app);
void api_plan_supplychain_add(struct http_request *req, void *app);
void api_plan_prevention(struct http_request *req, void *app);

/* Issue 8, part L: the Trust Fund's money (api_fund_ledger.c). */
void api_fund_donors(struct http_request *req, void *app);
void api_fund_donor_add(struct http_request *req, void *app);
void api_fund_donor_get(struct http_request *req, void *app);
void api_fund_pledges(struct http_request *req, void *app);
void api_fund_pledge_add(struct http_request *req, void *app);
void api_fund_pledge_get(struct http_request *req, void *app);
void api_fund_pledge_write_off(struct http_request *req, void *app);
void api_fund_receipts(struct http_request *req, void *app);
void api_fund_receipt_add(struct http_request *req, void *app);
void api_fund_receipt_get(struct http_request *req, void *app);
void api_fund_receipt_reverse(struct http_request *req, void *app);
void api_fund_rates(struct http_request *req, void *app);
void api_fund_rate_set(struct http_request *req, void *app);
void api_fund_rate_import(struct http_request *req, void *app);
void api_fund_ledger(struct http_request *req, void *app);
void api_fund_balances(struct http_request *req, void *app);
void api_fund_statement(struct http_request *req, void *app);
void api_fund_statement_csv(struct http_request *req, void *app);
void api_fund_statement_xlsx(struct http_request *req, void *app);
void api_fund_statement_pdf(struct http_request *req, void *app);
/* Issue 8, part G: the Trust Fund's grants, disbursements, grantee reports and results (api_fund_grants.c). */
void api_fund_grants_list(struct http_request *req, void *app);
void api_fund_grant_add(struct http_request *req, void *app);
void api_fund_grant_get(struct http_request *req, void *app);
void api_fund_grant_tranches(struct http_request *req, void *app);
void api_fund_grant_close(struct http_request *req, void *app);
void api_fund_disbursements_list(struct http_request *req, void *app);
void api_fund_disbursement_add(struct http_request *req, void *app);
void api_fund_disbursement_get(struct http_request *req, void *app);
void api_fund_disbursement_approval(struct http_request *req, void *app);
void api_fund_reports_list(struct http_request *req, void *app);
void api_fund_report_add(struct http_request *req, void *app);
void api_fund_report_get(struct http_request *req, void *app);
void api_fund_report_put(struct http_request *req, void *app);
void api_fund_report_submit(struct http_request *req, void *app);
void api_fund_report_decision(struct http_request *req, void *app);
void api_fund_results(struct http_request *req, void *app);

#endif
