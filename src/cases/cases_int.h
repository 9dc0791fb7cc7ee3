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

#endif
