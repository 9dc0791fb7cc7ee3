/* cases_int: what the files of the cases module share and nothing outside it includes. */
#ifndef CTIS_CASES_INT_H
#define CTIS_CASES_INT_H

#include "cases/cases.h"
#include "vault/vault.h"

/* Empties a value (wiping its text, which may be personal). */
void case__value_clear(struct case_value *v);
/* Checks an approximate date (YYYY, YYYY-MM, YYYY-MM-DD; a time part is dropped) into out. */
enum status case__date_check(const char *field, const char *text, char out[11]);

/* Reaches case id with permission as every case operation does (out of scope reads as absent,
 * STATUS_NOT_FOUND), writing the audit entry; gives its access record and current version. */
enum status case__reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                        struct auth_record *rec, int64_t *version_out);
/* The blind indexes of the normalised words of a name (split at spaces, '-' and '\''), in one
 * domain ("cases.name" for the victim's names). At most max words. */
enum status case__name_word_indexes(const struct auth_ctx *ctx, const char *domain, const char *text,
                                    uint8_t (*out)[VAULT_BIDX_BYTES], size_t max, size_t *count);

/* Several citizenships in one value (HTCDS prs_Citizenship is a multi-select: "NGA;GHA", or with
 * spaces from ODK after the caller turned them into ';'): the first into citizenship, the others
 * before any in other_citizenships. One code or a missing state sets citizenship alone. */
enum status case__citizenships_parse(struct case_record *r, const char *text);

/* Data protection (consent.c, protect.c). */
/* A case's access record and status, without access check or audit (the caller decides). */
enum status case__peek(const struct auth_ctx *ctx, int64_t id, struct auth_record *rec_out, char status_out[24]);
/* Adds a version entry (the case's version was already raised by the caller's statement). */
enum status case__version_write(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const char *action,
                                json_t *changes);
/* The consent flags of a case (no access check). */
enum status case__consent_flags(const struct auth_ctx *ctx, int64_t case_id, int64_t *flags_out);
/* STATUS_OK when the case's consent allows `use`, else STATUS_CONFLICT naming the consent item. */
enum status case__consent_require(const struct auth_ctx *ctx, int64_t case_id, enum case_use use);

/* The cases merged into case id (their ids, caller frees; no access check). */
enum status case__merged_from(const struct auth_ctx *ctx, int64_t id, int64_t **ids_out, size_t *count_out);

/* The case records' parts in purges and subject-access exports (records.c, protect_hooks.c). */
enum status case_records__purge_perpetrators(const struct auth_ctx *ctx, int64_t case_id, int64_t *items);
enum status case_records__purge_support_plans(const struct auth_ctx *ctx, int64_t case_id, int64_t *items);
enum status case_records__purge_attachments(const struct auth_ctx *ctx, int64_t case_id, int64_t *items);

#endif
