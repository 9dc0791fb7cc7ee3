/* coop: international cooperation requests between central authorities: mutual legal assistance
 * (UNTOC art. 18), extradition (art. 16), transfer of proceedings, joint investigations. Each
 * request has a direction (incoming or outgoing), parties (ISO 3166 alpha-3 states and authority
 * names), a legal basis, references, dates (sent or received, acknowledged, deadline, completed),
 * measures requested, a status with a full history, and documents (titles sealed). The person
 * sought (extradition) is sealed and read only with the legal field group (proceedings).
 *
 * Access: justice.read / justice.write on the record (type "coop_request", the request's agency
 * and owner), audited by auth_check; out of reach reads as absent. A deadline raises a task
 * (kind "coop_deadline", key "coop_deadline:<id>") due COOP_DEADLINE_NOTICE_DAYS before it,
 * resolved when the request is executed, partially executed, refused or withdrawn. A request past
 * its deadline and not finished is "overdue" in every output. */
#ifndef CTIS_JUSTICE_COOP_H
#define CTIS_JUSTICE_COOP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define TASK_KIND_COOP_DEADLINE "coop_deadline"

bool coop_direction_known(const char *code); /* incoming, outgoing */
bool coop_kind_known(const char *code);      /* mla, extradition, transfer_of_proceedings, joint_investigation, other */
bool coop_basis_known(const char *code);
/* untoc_16, untoc_18, bilateral_treaty (needs treaty_name), multilateral_other, reciprocity, domestic_law */
bool coop_measure_known(const char *code);
/* evidence_taking, documents, search_seizure, asset_tracing, asset_freezing, witness_hearing,
 * service_of_documents, arrest, surrender, other */
bool coop_status_known(const char *code);
/* draft, sent, received, acknowledged, in_progress, additional_info_requested, executed,
 * partially_executed, refused, withdrawn */
bool coop_refusal_known(const char *code);
/* dual_criminality, political_offence, nationality, death_penalty, human_rights, ne_bis_in_idem,
 * insufficient_information, sovereignty_security, statute_of_limitations, other */
/* May a request go from `from` to `to`? */
bool coop_transition_allowed(const char *from, const char *to);

/* A new request from JSON: {"direction","kind","requesting_state","requesting_authority",
 * "requested_state","requested_authority","legal_basis","treaty_name","our_reference",
 * "their_reference","sent_at"|"received_at","acknowledged_at","deadline","measures":[codes],
 * "person_sought","documents":[{"title","date"}],"investigation_id","owner_id"} (and "agency_id" from
 * the operator, who holds no agency). Dates are
 * YYYY-MM-DD or ISO 8601. Outgoing requests start as draft (sent when sent_at is given), incoming
 * ones as received. Needs justice.write. */
enum status coop_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
/* The request as JSON (with "overdue", "history" and "documents"); person_sought only with the
 * legal field group, else "person_sought_withheld": true. */
enum status coop_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
struct coop_filter {
    const char *direction, *kind, *status; /* NULL or "": any */
    bool overdue;                          /* only overdue requests */
    int64_t investigation_id;              /* 0: any; else those linked to that investigation */
    int64_t limit, offset;
};
enum status coop_list(const struct auth_ctx *ctx, const struct coop_filter *f, json_t **out);
/* Changes the fields given (not direction or status), if the request still has `version`. New
 * documents in "documents" are added. */
enum status coop_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in);
/* A status transition {"status","reason" (refused: a refusal code),"at" (optional date)};
 * version 0: any. Illegal transitions are refused (STATUS_CONFLICT). */
enum status coop_status_set(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in);
/* Response-time figures per direction and kind for requests sent or received in [from, to]
 * (0: open): count, completed, median_days, p90_days (null when none completed), overdue. */
enum status coop_stats(const struct auth_ctx *ctx, int64_t from_ms, int64_t to_ms, json_t **out);

#endif
