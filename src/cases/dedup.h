/* dedup: likely duplicates of a case inside one database. Candidates are found through the blind
 * indexes (a shared name word, the same birth date) and scored by a scorer behind an interface,
 * so that the linkage part can plug in a probabilistic one. The simple scorer compares what the
 * indexes and coded fields hold, never a decrypted value: name words (Jaccard), birth date,
 * citizenship, gender. Only cases the principal may read are returned. */
#ifndef CTIS_CASES_DEDUP_H
#define CTIS_CASES_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define DEDUP_CANDIDATES_MAX 200   /* cases examined per name word or birth date */
#define DEDUP_SCORE_MIN 0.6        /* below this a candidate is not shown: without a shared name word at most 0.5 */
#define DEDUP_IMPORT_SCORE_MIN 0.8 /* on import only strong matches: the birth date and most name words */

/* What a scorer sees of a case: blind indexes and codes, no plain personal data. */
struct case_profile {
    int64_t id;
    uint8_t (*words)[32]; /* name word indexes */
    size_t words_count;
    uint8_t birth[32];
    bool has_birth;
    char citizenship[4];
    char gender[32];
};

struct case_scorer {
    const char *name;
    /* A score in [0, 1]; `why` receives a short explanation ("2/3 name words, birth date").
     * state is the scorer's own (NULL for the simple one; a trained model for the linkage part's
     * Fellegi-Sunter scorer, src/link/fs_cases.c). */
    double (*score)(const void *state, const struct case_profile *a, const struct case_profile *b, char *why,
                    size_t why_len);
    void *state;
};
extern const struct case_scorer case_scorer_simple;

struct case_duplicate {
    int64_t id;
    double score;
    char why[96];
};

/* Likely duplicates of case `id` (score >= DEDUP_SCORE_MIN), best first, at most `max`.
 * Runs in the caller's transaction; audited as a search ("case.read", detail "duplicates"). */
enum status case_duplicates(const struct auth_ctx *ctx, int64_t id, const struct case_scorer *scorer, size_t max,
                            struct case_duplicate **out, size_t *count_out);

/* As case_duplicates, for a case the principal has just created in the current transaction (its
 * creation is the audit entry; no further entry is written), for imports: only strong matches
 * (DEDUP_IMPORT_SCORE_MIN: the birth date and most name words), found through one selective
 * block (the same birth date and a shared name word) so that a file of many rows stays fast and
 * a list of common names does not flag every row. */
enum status case_duplicates_of_new(const struct auth_ctx *ctx, int64_t id, const struct case_scorer *scorer, size_t max,
                                   struct case_duplicate **out, size_t *count_out);

/* The profiles of every case (not merged into another) the principal may read with its identity
 * group, in id order, for training a scorer and deduplicating the whole registry (the linkage
 * part). Audited once as a list ("case.read", field group identity, `detail`), or, with detail
 * NULL, not at all unless denied (the caller writes its run's one entry). Runs in the
 * caller's transaction. STATUS_TOO_LARGE beyond DEDUP_PROFILES_MAX cases. */
#define DEDUP_PROFILES_MAX 2000000
enum status case_profiles_readable(const struct auth_ctx *ctx, const char *detail, struct case_profile **out,
                                   size_t *count_out);
void case_profiles_free(struct case_profile *p, size_t count);

#endif
