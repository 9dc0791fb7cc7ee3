/* assist: the services delivered to a person (Plan of Action paras 32, 36, 37; CoE art. 12):
 * shelter, medical care (general and HIV and other infectious diseases), psychological support,
 * legal aid, interpretation, education, vocational training, financial support, family tracing
 * and other services, each with its provider (free text or a provider-directory id), the support
 * plan it serves (the individual assistance plan, cases/records.h), dates, status, outcome and
 * sealed notes. Services are never deleted: cancelling sets status "cancelled".
 *
 * Field groups: a medical, medical_infectious or psychological service is health data as a whole
 * (its type alone tells a diagnosis): a reader without fg.health.read does not see the row at all
 * (lists omit it, reading it is "not found"), and writing one needs fg.health.write. The notes of
 * a shelter are `location`, of legal aid `legal`; other services' notes need only case access.
 * Notes a reader may not open are listed in "withheld".
 *
 * JSON: {"type":"shelter","provider":"..","provider_id":12,"support_plan_id":34,
 *  "start_date":"2026-05-01","end_date":"","status":"ongoing","outcome":"","notes":".."};
 * type is required on create, status defaults to "planned". Codes are those of the vocabularies
 * service_type, service_status and service_outcome (labels and aliases accepted). */
#ifndef CTIS_REFERRAL_ASSIST_H
#define CTIS_REFERRAL_ASSIST_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The case's services the principal may see: a JSON array (*out, caller frees). */
enum status assist_services(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
enum status assist_service_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, json_t **out);
/* Validates and adds; *out is the service as the principal now reads it (may be NULL). */
enum status assist_service_add(const struct auth_ctx *ctx, int64_t case_id, const json_t *in, json_t **out);
/* Changes the members given (null clears); STATUS_CONFLICT when version is stale. */
enum status assist_service_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t version,
                                  const json_t *in, json_t **out);
/* Sets status "cancelled" (any version). */
enum status assist_service_cancel(const struct auth_ctx *ctx, int64_t case_id, int64_t id, json_t **out);
/* The field group that hides a service of this type as a whole (AUTH_FG_HEALTH for medical,
 * medical_infectious and psychological; AUTH_FG_NONE otherwise) and the group of its notes. */
enum auth_field_group assist_service_row_group(const char *type);
enum auth_field_group assist_service_notes_group(const char *type);

/* Data protection (hooks; they run in the caller's transaction on a case already reached):
 * empties the sealed notes of the case's services; the services the principal may see. */
enum status assist_purge(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status assist_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out);

#endif
