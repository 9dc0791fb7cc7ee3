/* partners: partnerships under the Plan of Action (issue 9, item 5; Plan paras 50-61), without
 * the knowledge base (part K).
 *
 * - The partner directory: an organisation's name, type (government, ngo, international,
 *   private_sector, media, trade_union, employers, academia, other), country (ISO 3166-1
 *   alpha-3, optional), areas of work (Plan pillar codes), a contact (person, e-mail, phone:
 *   sealed, shown only on one partner), an optional link to a registry agency.
 * - Cooperation agreements between two or more partners: title, kind (mou, agreement, protocol,
 *   joint_programme), signed and end dates, the Plan paragraphs it serves (the Plan's ids).
 * - Technical-assistance requests (para 57): a requesting state or partner, a provider partner,
 *   a topic, the Plan paragraphs, the requested date; status requested -> accepted | declined,
 *   accepted -> delivered (after at least one delivery), each with its date; deliveries (date,
 *   kind: training, legislative_advice, equipment, expert_mission, other; beneficiaries).
 *   Figures: requests by status and the median days from request to delivery.
 *
 * Reading needs plan.read, writing plan.write, checked before the input (403 before 400); one
 * audit entry per call. Dates YYYY-MM-DD, none in the future. Inputs are JSON objects; unknown
 * members are refused. National records: no purge hooks; the contact is sealed through the
 * vault (plan_partners.contact_enc, re-sealed on key rotation). */
#ifndef CTIS_PLAN_PARTNERS_H
#define CTIS_PLAN_PARTNERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define PLAN_PARTNER_NAME_BYTES_MAX 200
#define PLAN_PARTNER_CONTACT_BYTES_MAX 200 /* each of person, email, phone */
#define PLAN_TITLE_BYTES_MAX 300           /* an agreement's title, a request's topic */
#define PLAN_PARTIES_MAX 50
#define PLAN_PARAGRAPHS_MAX 68
#define PLAN_BENEFICIARIES_MAX 10000000

/* {"name", "type", "country", "areas": [pillar], "contact": {"person", "email", "phone"},
 * "agency_id"}: name and type required. *out (when out is not NULL): the partner as
 * plan_partner_get gives it, read in the same call (one audit entry). */
enum status plan_partner_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out, json_t **out);
/* One partner with its contact unsealed: {id, name, type, country, areas, agency_id, agency,
 * contact: {person, email, phone} | null, created_at_ms}. */
enum status plan_partner_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* {"partners": [...]} without contacts ("has_contact" instead); type, country NULL or "": all. */
enum status plan_partner_list(const struct auth_ctx *ctx, const char *type, const char *country, json_t **out);

/* {"title", "kind", "signed", "end", "parties": [partner id, at least 2], "paragraphs": [Plan id]}. */
enum status plan_agreement_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out);
/* {"agreements": [{id, title, kind, signed, end, paragraphs, parties: [{id, name}]}]}, of one
 * partner when partner_id > 0. */
enum status plan_agreement_list(const struct auth_ctx *ctx, int64_t partner_id, json_t **out);

/* {"requester_state" | "requester_partner_id" (one of them), "provider_partner_id", "topic",
 * "paragraphs": [Plan id], "requested": date}. The writes below set *out (when out is not NULL)
 * to the request as plan_ta_get gives it, read in the same call (one audit entry). */
enum status plan_ta_add(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out, json_t **out);
/* {"status": "accepted" | "declined" | "delivered", "date"} (date default today). version: the
 * version read (0: no check; STATUS_PRECONDITION when stale). STATUS_CONFLICT (field "status")
 * for a move the flow does not allow or "delivered" without a delivery. */
enum status plan_ta_status(const struct auth_ctx *ctx, int64_t id, const json_t *in, int64_t version, json_t **out);
/* {"date", "kind", "beneficiaries"} on an accepted (or delivered) request. */
enum status plan_ta_deliver(const struct auth_ctx *ctx, int64_t id, const json_t *in, int64_t *delivery_id_out,
                            json_t **out);
/* One request with its deliveries. */
enum status plan_ta_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* {"requests": [...], "figures": {"by_status": {requested, accepted, declined, delivered},
 * "total", "median_days_to_delivery": number | null}}; status, state NULL or "": all (the
 * figures cover every request). */
enum status plan_ta_list(const struct auth_ctx *ctx, const char *status, const char *state, json_t **out);

#endif
