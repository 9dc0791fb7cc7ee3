/* review: linkage runs and the review queue (issue 7 item 3).
 *
 * A run is the outcome of matching two parties' encoded files (`ctis link match --save`, or
 * POST /api/v1/link/runs): its project, the two signers, the thresholds, and the pairs it kept.
 * Pairs at or above the threshold are matches; pairs in the uncertain band [review_from,
 * threshold) wait in the review queue for a person to decide. The ids are as the files give
 * them: for a file this instance encoded from its own database they are opaque per-project
 * tokens (link_tokens), which this agency alone can resolve to its case; the other party's ids
 * stay opaque. So each agency opens only its own side: the review item names the local case
 * (for the case page, which shows what the reviewer's field groups allow) and the remote id.
 *
 * Runs belong to the agency of the user who saved them; link.run is needed to save, list,
 * review and decide, and users see the runs of their agency (scope all: every run). Every call
 * is audited without ids or scores in the detail beyond counts. */
#ifndef CTIS_LINK_REVIEW_H
#define CTIS_LINK_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "link/link.h"
#include "util/limits.h"
#include "util/status.h"

#define LINK_RUN_PAIRS_MAX 1000000 /* pairs kept by one saved run */
#define LINK_PROJECT_BYTES_MAX 64

struct link_run {
    int64_t id;
    char project[LINK_PROJECT_BYTES_MAX + 1];
    char a_signer[NAME_BYTES_MAX + 1];
    char b_signer[NAME_BYTES_MAX + 1];
    char local_side[8]; /* "a", "b" or "none" */
    double threshold;
    double review_from;
    int64_t a_count;
    int64_t b_count;
    int64_t matches;
    int64_t review;  /* pairs in the uncertain band */
    int64_t decided; /* of those, decided */
    int64_t agency_id;
    int64_t created_by;
    int64_t created_at_ms;
};

/* What a run is saved with: the pairs are `band` pairs over the two sets (scores >= review_from);
 * those >= threshold are stored as matches, the rest as review items. */
struct link_run_new {
    const char *project;
    const char *a_signer;
    const char *b_signer;
    const char *local_side; /* "a", "b" or "none" */
    double threshold;
    double review_from;
    const struct link_clkset *a;
    const struct link_clkset *b;
    const struct link_pair *pairs;
    size_t count;
    int64_t agency_id; /* the local operator (CLI) names the agency the run belongs to; users: their own */
};
enum status link_run_save(const struct auth_ctx *ctx, const struct link_run_new *in, int64_t *id_out);
enum status link_runs(const struct auth_ctx *ctx, struct link_run **out, size_t *count_out);
enum status link_run_get(const struct auth_ctx *ctx, int64_t id, struct link_run *out);

struct link_run_pair {
    int64_t id;
    int64_t run_id;
    char a_id[LINK_ID_BYTES_MAX];
    char b_id[LINK_ID_BYTES_MAX];
    double score;
    char band[8];      /* "match" or "review" */
    char decision[12]; /* "", "match" or "nonmatch" */
    int64_t decided_by;
    int64_t decided_at_ms;
    int64_t version;
    int64_t local_case_id; /* the local side's case when this instance resolves it, else 0 */
};
/* The pairs of a run; band NULL for all, "match" or "review"; undecided_only for the queue. */
enum status link_run_pairs(const struct auth_ctx *ctx, int64_t run_id, const char *band, bool undecided_only,
                           struct link_run_pair **out, size_t *count_out);
/* Decides a review item ("match" or "nonmatch"); version as read (409 when stale). */
enum status link_pair_decide(const struct auth_ctx *ctx, int64_t pair_id, const char *decision, int64_t version);

/* Matches two signed encoded files held in memory (an upload) and saves the run: link.run first,
 * then each file checked as link_clkfile_check does (signature by this instance or a trusted
 * peer; the two of one project and one schema), link_match at review_from solved 1-to-1 (the
 * pairs at or above threshold are the matches, the rest the review band), link_run_save. The
 * run belongs to the caller's agency. For small exchanges (the request body's limit); larger
 * files go through `ctis link match --save`. The saved run comes back in *out. */
struct link_run_upload {
    const uint8_t *a;
    size_t a_len;
    const uint8_t *b;
    size_t b_len;
    double threshold;
    double review_from; /* 0: the threshold (no review band) */
};
enum status link_run_match(const struct auth_ctx *ctx, const struct link_run_upload *in, struct link_run *out);

json_t *link_run_to_json(const struct link_run *r);
json_t *link_run_pair_to_json(const struct link_run_pair *p);

#endif
