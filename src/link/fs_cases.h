/* fs_cases: the Fellegi-Sunter model over the registry's cases and the justice suspects (issue 7
 * item 4, part F).
 *
 * A case is compared through what its blind indexes and codes hold, never a decrypted value:
 * its name words (the blind index of each word, a words field), its birth date (blind index,
 * exact), citizenship and gender (codes, exact, with term frequencies). The model is trained on
 * the cases the principal may read (case_profiles_readable, src/cases/dedup.h), blocking on a
 * shared name word and on the birth date. The registry has no index of the birth year alone, so
 * dates compare exact / else. */
#ifndef CTIS_LINK_FS_CASES_H
#define CTIS_LINK_FS_CASES_H

#include "auth/auth.h"
#include "cases/dedup.h"
#include "justice/proceedings.h"
#include "link/fs.h"

/* The records of the profiles (ids: the case ids in decimal). */
enum status link_fs_case_data(const struct case_profile *p, size_t count, struct fs_data **out);
/* Trains a model on the cases the principal may read (audited once as their listing, detail
 * "duplicate model"). Runs in the caller's transaction. STATUS_INVALID when too few cases share a
 * name word or a birth date to train on. */
enum status link_fs_case_model(const struct auth_ctx *ctx, struct fs_model **out);
/* A case scorer (for case_duplicates) holding a trained model: score = match probability. Free
 * with link_fs_case_scorer_free. */
enum status link_fs_case_scorer_new(const struct auth_ctx *ctx, struct case_scorer **out);
void link_fs_case_scorer_free(struct case_scorer *s);

/* Deduplicates every case the principal may read: needs link.run (checked before anything
 * else), trains the model, scores the candidate pairs and keeps those >= threshold, best first.
 * *data receives the records (ids: case ids) the pairs index, *model the trained model (NULL when
 * no two cases share a name word or a birth date: no pairs then). One audit
 * entry ("link.run", detail "dedup cases: N cases, P pairs, K kept": counts only). */
enum status link_fs_cases_dedup(const struct auth_ctx *ctx, double threshold,
                                void (*progress)(const char *, int64_t, void *), struct fs_data **data,
                                struct fs_model **model, struct link_pair **pairs, size_t *count);

/* Entity resolution over the justice suspects (the investigators'): the suspects of every
 * investigation the principal may read (justice.read in scope, field group legal), compared
 * through the name's blind index (exact, with term frequencies), kind, sex, the birth year (from
 * the age when recorded: exact / 1 apart / up to 3 / else) and citizenship; blocking on the name,
 * and on the birth year with the citizenship. Needs link.run (checked first); ids are suspect ids
 * (never names); one audit entry ("link.run", "dedup suspects: N suspects, P pairs, K kept"). *model
 * is NULL when no candidate pairs were found. */
enum status link_fs_suspects_dedup(const struct auth_ctx *ctx, double threshold,
                                   void (*progress)(const char *, int64_t, void *), struct fs_data **data,
                                   struct fs_model **model, struct link_pair **pairs, size_t *count);

#endif
