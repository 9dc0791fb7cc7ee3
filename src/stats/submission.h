/* submission: federated reporting for the Global Report (issue 6, item 5; Plan of Action para 60).
 *
 * A national instance builds an aggregate submission from its own case and justice data, in the
 * row structure of UNODC's questionnaire data (Indicator, Dimension, Category, Sex, Age, Year,
 * value: the vocabulary of the GLOTIP data file), and signs it with the instance's Ed25519 key
 * (vault). A regional or global instance imports many: each signature is checked against its
 * register of trusted peer keys (vault_peer_*), and the figures are merged into regional and
 * global ones. No case record leaves its country: only counts.
 *
 * The file is text, exactly two lines:
 *   line 1: the payload, compact JSON with sorted keys (its canonical form);
 *   line 2: "ctis-signature/1 ed25519 " + the signer's public key (64 hex) + " " + the signature
 *           (128 hex) over "ctis-submission/1\n" + line 1;
 * each ending in "\n" and nothing else. Any other byte anywhere, a payload that is not in its
 * canonical form, an unknown key or a bad signature is refused: a submission changed by one
 * byte never imports.
 *
 * Building needs stats.publish (the figures are exact: the questionnaire asks for them);
 * importing needs stats.publish; reading submissions and merged figures needs stats.read. */
#ifndef CTIS_STATS_SUBMISSION_H
#define CTIS_STATS_SUBMISSION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define SUBMISSION_FORMAT "ctis-submission/1"
#define SUBMISSION_SIG_PREFIX "ctis-signature/1 ed25519 "

/* The questionnaire's categories from the registry's codes (one place for every statistic
 * that speaks the Global Report's language): HTCDS gender -> "Female", "Male", "Other" or
 * "Unknown"; majority status -> "18 years or over", "0 to 17 years" or "Unknown"; an HTCDS
 * exploitation type or a justice form code -> "Sexual exploitation", "Forced labour", "Other
 * forms of exploitation" or "Unknown". Static strings. */
const char *stats_sex_of_gender(const char *gender);
const char *stats_age_of_majority(const char *majority);
const char *stats_form_group(const char *code);

struct submission_build {
    const char *country; /* ISO 3166 alpha-3 (or as vocab_parse reads a country): whose figures */
    int year_from;       /* inclusive */
    int year_to;         /* inclusive; at most SUBMISSION_YEARS_MAX years */
};

/* The instance's own figures in the questionnaire's rows (the same rows a submission carries):
 * an array of {"indicator","dimension","category","sex","age","year","value"}, sorted. b->country
 * is the reporting country (it decides who counts as a national). Exact counts: needs
 * stats.read; anything published goes through disclosure control (stats/release.h). */
enum status stats_figures(const struct auth_ctx *ctx, const struct submission_build *b, json_t **rows_out);

/* Builds and signs the submission; *out is the file's text (malloc'd, NUL-terminated), *len_out
 * its length. Audited ("stats.submission.build"). */
enum status submission_build(const struct auth_ctx *ctx, const struct submission_build *b, char **out, size_t *len_out);

/* Checks and imports one submission file's bytes. *out: {"id","country","year_from",
 * "year_to","signer","rows","replaced"} (replaced: an earlier submission of the same country
 * and years was superseded). STATUS_INVALID for a malformed or altered file, STATUS_DENIED for an
 * untrusted key, STATUS_CONFLICT for one older than the one already held. Audited. */
enum status submission_import(const struct auth_ctx *ctx, const char *data, size_t len, json_t **out);

/* The pure parts of an import, for tests and the fuzzer: submission_decode checks a file's
 * form, its signature by the key it names (pk out; whether that key is trusted is the caller's
 * question) and its payload; submission_payload_parse checks line 1 alone (canonical form and
 * members). *doc_out is the payload, the caller's to free. */
enum status submission_decode(const char *data, size_t len, uint8_t pk[32], json_t **doc_out);
enum status submission_payload_parse(const char *line, size_t len, json_t **doc_out);

/* The submissions held: an array of {"id","country","year_from","year_to","signer",
 * "created_at","imported_at","rows","sha256"}. */
enum status submission_list(const struct auth_ctx *ctx, json_t **out);

struct submission_query {
    const char *by;         /* "world", "region", "subregion" or "country" (NULL: region) */
    const char *indicator;  /* NULL: "Detected trafficking victims" */
    const char *dimension;  /* NULL: "Total" (and then Category, Sex and Age "Total" too) */
    int year_from, year_to; /* 0: open */
};
/* Merged figures: an array of {"area","year","category","sex","age","value","countries"}
 * ordered by area and year; with the default dimension only all-Total rows are summed. */
enum status submission_merged(const struct auth_ctx *ctx, const struct submission_query *q, json_t **out);

#endif
