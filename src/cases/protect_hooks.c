/* protect_hooks: the record types that retention purges and subject-access exports cover. Each
 * module that holds personal data about a case's person adds one line here (its retention type,
 * a description of the data removed, its purge function and its subject-access section). The
 * description goes into the audit and the purge log: name kinds of data, never data. */
#include "cases/protect.h"

#include "cases/cases_int.h"
#include "cases/records.h"
#include "referral/assist.h"
#include "referral/legal.h"
#include "referral/child.h"
#include "referral/pathway.h"
#include "referral/referral.h"
#include "referral/screening.h"
#include "referral/intake.h"
#include "tasks/tasks.h"

#include "util/mem.h"

const struct protect_hook protect_hooks[] = {
    {"case-personal",
     "names, birth date, identity number, contacts, narrative, closure reason, referral details, "
     "blind indexes, name key, consent notes",
     protect__purge_case_personal, NULL},
    {"events", "event places and descriptions", protect__purge_events, NULL},
    {"comments", "comments", protect__purge_comments, NULL},
    {"perpetrators", "perpetrator names, role details and notes", case_records__purge_perpetrators,
     case_records_sar_json},
    {"support-plans", "support plan objectives and action plans", case_records__purge_support_plans, NULL},
    {"attachments", "attachment file names and contents", case_records__purge_attachments, NULL},
    /* Assistance and legal status (src/referral/assist.c, legal.c). */
    {"services", "service notes", assist_purge, assist_sar_json},
    {"legal-status", "non-punishment reason notes, return risk summaries and reintegration follow-up notes",
     legal_purge, legal_sar_json},
    {"tasks", "task titles", task_purge_case_titles, NULL}, /* part T: the sealed titles of the case's tasks */
    {"intake", "tip contacts, accounts and locations", intake_purge_case, NULL}, /* part T: tips converted into it */
    /* Other modules (referrals, ...): add their lines here. */
    /* Pathway and child safeguards (issue 4, part P). */
    {"pathway-log", "reasons given for pathway steps", pathway__purge, pathway__sar},
    {"child-safeguards", "guardian names and best-interests notes", child__purge, child__sar},
    /* Referrals and break-the-glass (issue 4, part R). */
    {"referrals", "referral reasons, rejection notes, override and break-the-glass reasons", referral_purge_case,
     referral_sar_json},
    /* Screening (issue 4, part S). */
    {"screenings", "screening answers (evidence notes) and decision reasons", screening_purge_case, screening_sar_case},
};
const size_t protect_hooks_count = ARRAY_LEN(protect_hooks);
