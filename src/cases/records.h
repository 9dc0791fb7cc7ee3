/* records: the records a case holds besides its fields: perpetrators (HTCDS per_), support plans
 * (HTCDS spl_) and encrypted attachments (scanned documents, signed consent forms). Each
 * operation reaches the case first (case.read / case.write, out of scope reads as absent), then
 * checks the field group of every personal value it opens or writes. Personal values are sealed
 * by the vault with AD (table, column, row id); records are never deleted, only marked; every
 * change is written to the case's history (case_versions, names only for sealed values). */
#ifndef CTIS_CASES_RECORDS_H
#define CTIS_CASES_RECORDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Bits of `withheld`: a sealed value the reader may not open (its field group). */
#define CASE_REC_WITHHELD_NAME 0x1u
#define CASE_REC_WITHHELD_ROLE_DETAILS 0x2u
#define CASE_REC_WITHHELD_NOTES 0x4u
#define CASE_REC_WITHHELD_OBJECTIVES 0x1u
#define CASE_REC_WITHHELD_ACTION_PLAN 0x2u
#define CASE_REC_WITHHELD_FILE_NAME 0x1u

/* A perpetrator (HTCDS per_). Codes are "" when not given; age -1 when not given. */
struct case_perpetrator {
    int64_t id;
    int64_t case_id;
    uint64_t roles;      /* bitset over the perp_role vocabulary (HTCDS per_RoleInProcess) */
    char *role_details;  /* sealed, narrative group (per_RoleDetails) */
    char gender[32];     /* gender vocabulary */
    char age_band[16];   /* perp_age_band vocabulary */
    int age;             /* an estimated age, 0..130, or -1 */
    char citizenship[4]; /* ISO 3166 alpha-3 */
    char relation[32];   /* relationship vocabulary: the victim's relation to this person */
    char *name;          /* sealed, identity group; word blind indexes */
    char *notes;         /* sealed, narrative group */
    bool deleted;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
    unsigned withheld; /* CASE_REC_WITHHELD_* */
};

/* A support plan (HTCDS spl_). */
struct case_support_plan {
    int64_t id;
    int64_t case_id;
    char type[40];        /* support_type vocabulary (spl_Type) */
    char *objectives;     /* sealed, narrative group (spl_Objectives) */
    char *action_plan;    /* sealed, narrative group (spl_ActionPlan) */
    char planned_end[11]; /* approximate date or "" (spl_PlannedEndDate) */
    char actual_end[11];  /* approximate date or "" (spl_ActualEndDate) */
    char status[16];      /* support_status vocabulary: Planned, InProgress, Completed, Cancelled */
    char *provider;       /* who gives the support: an organisation, not a person; plain text */
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
    unsigned withheld;
};

/* An attachment's metadata. */
struct case_attachment {
    int64_t id;
    int64_t case_id;
    char kind[24];       /* consent_form, identity_document, medical, legal, other */
    char *file_name;     /* sealed in the kind's group; NULL when withheld */
    char media_type[32]; /* from the content's magic bytes */
    int64_t size;
    char sha256[65]; /* hex SHA-256 of the plain content */
    int64_t created_at_ms;
    char *author;
    bool deleted;
    bool purged; /* content and name removed by case_records_purge */
    unsigned withheld;
};

/* Perpetrators. Input JSON (create: all optional; update: the keys given change, null clears):
 * {"roles":["Exploiter"],"role_details":"..","gender":"Masculine","age_band":"30--38","age":35,
 *  "citizenship":"NGA","relation":"Acquainted","name":"..","notes":".."}. Codes are parsed by
 * their vocabularies (labels and aliases accepted). */
enum status case_perpetrator_from_json(struct case_perpetrator *p, const json_t *o, bool partial, uint32_t *mask_out);
/* Its JSON, with "withheld" naming the sealed values the reader may not see. */
json_t *case_perpetrator_to_json(const struct case_perpetrator *p);
enum status case_perpetrator_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_perpetrator *in,
                                 int64_t *id_out);
/* Lists the case's perpetrators (with_deleted: also those marked deleted). */
enum status case_perpetrators(const struct auth_ctx *ctx, int64_t case_id, bool with_deleted,
                              struct case_perpetrator **out, size_t *count_out);
/* Changes the members whose bit is in mask (from case_perpetrator_from_json). STATUS_CONFLICT
 * when expected_version is stale; STATUS_NOT_FOUND for a perpetrator of another case. */
enum status case_perpetrator_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                                    const struct case_perpetrator *in, uint32_t mask);
/* Marks it deleted (it stays, readable with with_deleted, in the history and the SAR). */
enum status case_perpetrator_delete(const struct auth_ctx *ctx, int64_t case_id, int64_t id);
void case_perpetrators_free(struct case_perpetrator *p, size_t count);
void case_perpetrator_clear(struct case_perpetrator *p);

/* Support plans. JSON: {"type":"Health","objectives":"..","action_plan":"..","planned_end_date":
 * "2026-12","actual_end_date":"","status":"Planned","provider":".."}; type is required on create,
 * status defaults to Planned. */
enum status case_support_plan_from_json(struct case_support_plan *p, const json_t *o, bool partial, uint32_t *mask_out);
json_t *case_support_plan_to_json(const struct case_support_plan *p);
enum status case_support_plan_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_support_plan *in,
                                  int64_t *id_out);
enum status case_support_plans(const struct auth_ctx *ctx, int64_t case_id, struct case_support_plan **out,
                               size_t *count_out);
enum status case_support_plan_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                                     const struct case_support_plan *in, uint32_t mask);
void case_support_plans_free(struct case_support_plan *p, size_t count);
void case_support_plan_clear(struct case_support_plan *p);

/* Attachments. The kind's field group (consent_form and identity_document: identity; medical:
 * health; legal: legal; other: narrative) must be writable to upload and readable to see the
 * file name and download. The content is at most CASE_ATTACHMENT_BYTES_MAX bytes of PDF, JPEG,
 * PNG, TIFF, WebP or UTF-8 plain text, told by its bytes (declared_type, when given, must agree). */
enum auth_field_group case_attachment_group(const char *kind); /* AUTH_FG_NONE for an unknown kind */
/* The media type of content by its magic bytes, or NULL when not allowed. */
const char *case_attachment_sniff(const void *data, size_t len);
enum status case_attachment_add(const struct auth_ctx *ctx, int64_t case_id, const char *kind, const char *file_name,
                                const char *declared_type, const void *data, size_t len, int64_t *id_out);
enum status case_attachments(const struct auth_ctx *ctx, int64_t case_id, bool with_deleted,
                             struct case_attachment **out, size_t *count_out);
/* Reads the content (audited): opens every chunk and checks its SHA-256 (STATUS_CRYPTO on a
 * mismatch). *data_out is freed by the caller with case_attachment_data_free. */
enum status case_attachment_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, struct case_attachment *meta,
                                uint8_t **data_out, size_t *len_out);
void case_attachment_data_free(uint8_t *data, size_t len);
enum status case_attachment_delete(const struct auth_ctx *ctx, int64_t case_id, int64_t id);
void case_attachments_free(struct case_attachment *a, size_t count);
void case_attachment_clear(struct case_attachment *a);
json_t *case_attachment_to_json(const struct case_attachment *a);

/* Data protection. Everything these tables hold about the case, decrypted where the principal
 * may read (withheld otherwise), attachments with their content as base64url
 * ("content_base64url"): {"perpetrators":[..],"support_plans":[..],"attachments":[..]}. Needs
 * case.read; audited like the reads it makes. */
enum status case_records_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
/* Removes the personal data these tables hold for the case: sealed columns set to NULL, name
 * indexes and attachment content deleted; codes, dates, types and statuses stay. Needs
 * case.write and the write permission of every field group concerned; writes one audit entry
 * per record type purged (counts only). */
enum status case_records_purge(const struct auth_ctx *ctx, int64_t case_id);

#endif
