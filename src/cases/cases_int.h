/* cases_int: what the files of the cases module share and nothing outside it includes. */
#ifndef CTIS_CASES_INT_H
#define CTIS_CASES_INT_H

#include "cases/cases.h"

/* Empties a value (wiping its text, which may be personal). */
void case__value_clear(struct case_value *v);
/* Checks an approximate date (YYYY, YYYY-MM, YYYY-MM-DD; a time part is dropped) into out. */
enum status case__date_check(const char *field, const char *text, char out[11]);

/* Data protection (consent.c, protect.c). Reaches a case as the operations do (out of scope reads
 * as absent), audited by auth_check with permission and detail, and returns its access record. */
enum status case__reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                        struct auth_record *rec_out);
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

#endif
