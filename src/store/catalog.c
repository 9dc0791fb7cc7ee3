/* catalog: the statement table built from catalog.def, and the registries of sealed columns
 * and tables. Nothing here runs SQL. */
#include "store/store_catalog.h"

#include "case_sql.h" /* generated from src/cases/fields.def */

#include "util/mem.h"

#define SAME NULL
const struct stmt_def store_catalog[STMT__COUNT] = {
#define STMT(name, sqlite_sql, pg_sql) [STMT_##name] = {#name, sqlite_sql, pg_sql},
#include "store/catalog.def"
#undef STMT
};
#undef SAME

const struct store_sealed_column store_sealed_columns[] = {
    {"users", "display_name_enc", STMT_SEALED_SCAN_USERS_DISPLAY_NAME, STMT_SEALED_SET_USERS_DISPLAY_NAME},
    {"users", "email_enc", STMT_SEALED_SCAN_USERS_EMAIL, STMT_SEALED_SET_USERS_EMAIL},
    {"users", "totp_secret_enc", STMT_SEALED_SCAN_USERS_TOTP, STMT_SEALED_SET_USERS_TOTP},
#define SEALED(tname, col, TAG) {#tname, #col, STMT_SEALED_SCAN_##TAG, STMT_SEALED_SET_##TAG},
    SEALED(cases, given_name_enc, CASES_GIVEN_NAME) SEALED(cases, middle_name_enc, CASES_MIDDLE_NAME)
        SEALED(cases, family_name_enc, CASES_FAMILY_NAME) SEALED(cases, birth_date_enc, CASES_BIRTH_DATE)
            SEALED(cases, identity_number_enc, CASES_IDENTITY_NUMBER) SEALED(cases, phone_enc, CASES_PHONE)
                SEALED(cases, email_enc, CASES_EMAIL) SEALED(cases, address_enc, CASES_ADDRESS)
                    SEALED(cases, narrative_enc, CASES_NARRATIVE)
                        SEALED(cases, closure_reason_enc, CASES_CLOSURE_REASON)
                            SEALED(case_events, place_enc, CASE_EVENTS_PLACE)
                                SEALED(case_events, description_enc, CASE_EVENTS_DESCRIPTION)
                                    SEALED(case_comments, body_enc, CASE_COMMENTS_BODY)
                                        SEALED(case_consent, note_enc, CASE_CONSENT_NOTE)
    /* Case records (migration 0003). */
    SEALED(cases, incoming_referral_details_enc, CASES_INCOMING_REFERRAL_DETAILS)
        SEALED(cases, outgoing_referral_details_enc, CASES_OUTGOING_REFERRAL_DETAILS)
            SEALED(case_perpetrators, name_enc, CASE_PERPETRATORS_NAME)
                SEALED(case_perpetrators, role_details_enc, CASE_PERPETRATORS_ROLE_DETAILS)
                    SEALED(case_perpetrators, notes_enc, CASE_PERPETRATORS_NOTES)
                        SEALED(case_support_plans, objectives_enc, CASE_SUPPORT_PLANS_OBJECTIVES)
                            SEALED(case_support_plans, action_plan_enc, CASE_SUPPORT_PLANS_ACTION_PLAN)
                                SEALED(case_attachments, file_name_enc, CASE_ATTACHMENTS_FILE_NAME)
                                    SEALED(case_attachment_chunks, content_enc, CASE_ATTACHMENT_CHUNKS_CONTENT)
    /* Assistance and legal status (part A). */
    SEALED(case_services, notes_enc, CASE_SERVICES_NOTES)
        SEALED(case_non_punishment, reason_note_enc, CASE_NON_PUNISHMENT_REASON_NOTE)
            SEALED(case_returns, risk_summary_enc, CASE_RETURNS_RISK_SUMMARY)
                SEALED(case_return_follow_ups, notes_enc, CASE_RETURN_FOLLOW_UPS_NOTES)
    /* Part R: referral and access (migration referral). */
    SEALED(record_access, reason_enc, RECORD_ACCESS_REASON) SEALED(referrals, reason_enc, REFERRALS_REASON)
        SEALED(referrals, reject_note_enc, REFERRALS_REJECT_NOTE)
            SEALED(referrals, override_reason_enc, REFERRALS_OVERRIDE_REASON)
    /* Pathway and children's safeguards (migration pathway). */
    SEALED(case_stage_log, reason_enc, CASE_STAGE_LOG_REASON) SEALED(case_guardians, name_enc, CASE_GUARDIANS_NAME)
        SEALED(case_bids, note_enc, CASE_BIDS_NOTE)
    /* Screening (part S). */
    SEALED(case_screenings, answers_enc, CASE_SCREENINGS_ANSWERS)
        SEALED(case_screenings, decision_reason_enc, CASE_SCREENINGS_DECISION_REASON)
    /* Part T, tasks. */
    SEALED(tasks, title_enc, TASKS_TITLE)
    /* Part T, intake. */
    SEALED(intake_tips, contact_enc, INTAKE_TIPS_CONTACT) SEALED(intake_tips, account_enc, INTAKE_TIPS_ACCOUNT)
        SEALED(intake_tips, location_enc, INTAKE_TIPS_LOCATION)
    /* Issue 5, part J6: cooperation requests. */
    SEALED(coop_requests, person_sought_enc, COOP_REQUESTS_PERSON_SOUGHT)
        SEALED(coop_documents, title_enc, COOP_DOCUMENTS_TITLE)
    /* Issue 5, part J1: justice. */
    SEALED(investigations, title_enc, INVESTIGATIONS_TITLE)
        SEALED(investigation_suspects, name_enc, INVESTIGATION_SUSPECTS_NAME)
    /* Issue 5, part J5: assets. */
    SEALED(asset_orders, description_enc, ASSET_ORDERS_DESCRIPTION)
        SEALED(asset_status_log, note_enc, ASSET_STATUS_LOG_NOTE)
    /* Issue 5, part J2: investigative entities. */
    SEALED(investigation_entities, value_enc, INVESTIGATION_ENTITIES_VALUE)
        SEALED(investigation_entities, note_enc, INVESTIGATION_ENTITIES_NOTE)
            SEALED(investigation_entities, retract_reason_enc, INVESTIGATION_ENTITIES_RETRACT_REASON)
                SEALED(investigation_transactions, reference_enc, INVESTIGATION_TRANSACTIONS_REFERENCE)
    /* Issue 8, part A: board, conflicts, organisations, applications, reviews, decisions. */
    SEALED(fund_trustees, name_enc, FUND_TRUSTEES_NAME) SEALED(fund_conflicts, note_enc, FUND_CONFLICTS_NOTE)
        SEALED(fund_orgs, account_enc, FUND_ORGS_ACCOUNT)
            SEALED(fund_applications, summary_enc, FUND_APPLICATIONS_SUMMARY)
                SEALED(fund_reviews, comment_enc, FUND_REVIEWS_COMMENT)
                    SEALED(fund_decisions, reason_enc, FUND_DECISIONS_REASON)
    /* Issue 8, part L: Trust Fund donors. */
    SEALED(fund_donors, name_enc, FUND_DONORS_NAME) SEALED(fund_donors, contact_enc, FUND_DONORS_CONTACT)
    /* Issue 8, part G: grants, disbursements and grantee reports. */
    SEALED(fund_grants, close_reason_enc, FUND_GRANTS_CLOSE_REASON)
        SEALED(fund_disbursements, reason_enc, FUND_DISBURSEMENTS_REASON)
            SEALED(fund_reports, narrative_enc, FUND_REPORTS_NARRATIVE)
                SEALED(fund_reports, reason_enc, FUND_REPORTS_REASON)
    /* Issue 9, part R: partners' contacts. */
    SEALED(plan_partners, contact_enc, PLAN_PARTNERS_CONTACT)
    /* Issue 9, part N: national action plans and prevention. */
    SEALED(plan_nap_progress, narrative_enc, PLAN_NAP_PROGRESS_NARRATIVE)
        SEALED(plan_prevention, note_enc, PLAN_PREVENTION_NOTE)
#undef SEALED
};
const size_t store_sealed_columns_count = ARRAY_LEN(store_sealed_columns);

const struct store_table store_tables[] = {
    {"schema_migrations", "version"},
    {"agencies", "id"},
    {"roles", "id"},
    {"role_permissions", "role_id, permission"},
    {"role_assignable", "role_id, assignable_role_id"},
    {"users", "id"},
    {"record_grants", "record_type, record_id, user_id"},
    {"sessions", "id"},
    {"api_tokens", "id"},
    {"login_throttle", "key_hash"},
    {"audit_log", "seq"},
    {"audit_head", "id"},
    {"vault_keys", "id"},
    {"vault_meta", "name"},
    {"trusted_peers", "id"},
    {"vocab_extensions", "vocab, code"},
    {"cases", "id"},
    {"case_name_index", "bidx, case_id"},
    {"case_name_keys", "case_id"},
    {"case_versions", "id"},
    {"case_events", "id"},
    {"case_comments", "id"},
    {"case_perpetrators", "id"},
    {"case_perpetrator_name_index", "bidx, perpetrator_id"},
    {"case_support_plans", "id"},
    {"case_attachments", "id"},
    {"case_attachment_chunks", "id"},
    {"case_consent", "id"},
    {"retention_settings", "record_type"},
    {"purge_log", "id"},
    /* Tasks (0006). */
    {"tasks", "id"},
    /* Assistance and legal status (part A). */
    {"case_services", "id"},
    {"case_non_punishment", "id"},
    {"case_residence_permits", "id"},
    {"case_returns", "id"},
    {"case_return_follow_ups", "id"},
    {"case_compensation_claims", "id"},
    /* Part R: referral and access (migration referral). */
    {"record_access", "id"},
    {"service_providers", "id"},
    {"referrals", "id"},
    /* Pathway and children's safeguards (migration pathway). */
    {"case_pathway", "case_id"},
    {"case_stage_log", "id"},
    {"pathway_settings", "country"},
    {"case_child", "case_id"},
    {"case_guardians", "id"},
    {"case_bids", "id"},
    /* Screening (part S). */
    {"indicator_sets", "id"},
    {"indicator_items", "set_id, position"},
    {"case_screenings", "id"},
    /* Part T: task reminders (tasks_mail). */
    {"task_reminder_settings", "id"},
    {"task_reminder_log", "user_id"},
    /* Part T: public intake. */
    {"intake_tips", "id"},
    {"intake_settings", "id"},
    {"intake_throttle", "key_hash"},
    /* Issue 5, part J6: cooperation requests. */
    {"coop_requests", "id"},
    {"coop_status_log", "id"},
    {"coop_documents", "id"},
    /* Issue 5 part J3: court decisions (caselaw); the FTS5 index follows by trigger. */
    {"court_decisions", "id"},
    /* Issue 5, part J1: justice. */
    {"investigations", "id"},
    {"investigation_offences", "id"},
    {"investigation_suspects", "id"},
    {"investigation_charges", "id"},
    {"investigation_victims", "id"},
    {"investigation_protection", "id"},
    /* Issue 6, item 5: federated submissions. */
    {"stats_submissions", "id"},
    {"stats_submission_rows", "submission_id, indicator, dimension, category, sex, age, year"},
    /* Issue 6, part S1: geo reference data. */
    {"stats_region_overrides", "country"},
    {"stats_population", "country, year"},
    {"stats_settings", "name"},
    /* Issue 6 item 4: disclosure control (releases and privacy budgets). */
    {"stats_releases", "id"},
    {"stats_budgets", "dataset"},
    /* Issue 5, part J5: assets. */
    {"asset_orders", "id"},
    {"asset_status_log", "id"},
    {"asset_allocations", "id"},
    /* Issue 5, part J2: investigative entities. */
    {"investigation_entities", "id"},
    {"investigation_entity_links", "id"},
    {"investigation_transactions", "id"},
    /* Issue 6, item 6: UNODC's published national data (glotip). */
    {"glotip_imports", "id"},
    {"glotip_rows", "import_id, line"},
    /* Issue 6, item 4: the public dashboard. */
    {"stats_publications", "id"},
    /* Issue 7: record linkage tokens (part E), saved runs and the review queue (item 3). */
    {"link_tokens", "project, token"},
    {"link_runs", "id"},
    {"link_run_pairs", "id"},
    /* Issue 8, part A: board, calls, applications, reviews, decisions. */
    {"fund_trustees", "id"},
    {"fund_app_settings", "name"},
    {"fund_calls", "id"},
    {"fund_orgs", "id"},
    {"fund_applications", "id"},
    {"fund_budget_lines", "id"},
    {"fund_conflicts", "id"},
    {"fund_reviews", "id"},
    {"fund_decisions", "id"},
    /* Issue 8, part L: the Trust Fund's ledger. */
    {"fund_entries", "id"},
    {"fund_entry_lines", "entry_id, line_no"},
    {"fund_rates", "currency, rate_date"},
    {"fund_donors", "id"},
    {"fund_pledges", "id"},
    {"fund_receipt_counters", "year"},
    {"fund_receipts", "id"},
    /* Issue 8, part G: grants, tranches, disbursements and grantee reports. */
    {"fund_grants", "id"},
    {"fund_tranches", "id"},
    {"fund_disbursements", "id"},
    {"fund_reports", "id"},
    {"fund_report_beneficiaries", "report_id, sex, age, form"},
    {"fund_report_services", "report_id, service"},
    /* Issue 9, part K: the best-practices knowledge base; the FTS5 index follows by statement. */
    {"plan_practices", "id"},
    {"plan_practice_texts", "id"},
    /* Issue 9, part R: the ratification register. */
    {"plan_ratifications", "state, instrument"},
    {"plan_ratification_history", "id"},
    {"plan_partners", "id"},
    {"plan_agreements", "id"},
    {"plan_agreement_parties", "agreement_id, partner_id"},
    {"plan_ta_requests", "id"},
    {"plan_ta_deliveries", "id"},
    /* Issue 9, part N: national action plans and prevention. */
    {"plan_naps", "id"},
    {"plan_nap_actions", "id"},
    {"plan_nap_progress", "id"},
    {"plan_prevention", "id"},
};
const size_t store_tables_count = ARRAY_LEN(store_tables);

const enum stmt store_rebuilds[] = {
    STMT_CASELAW_FTS_REBUILD,  /* issue 5 part J3: court decisions */
    STMT_PRACTICE_FTS_REBUILD, /* issue 9 part K: best practices */
};
const size_t store_rebuilds_count = ARRAY_LEN(store_rebuilds);
