/* release: statistics released for outside use go through disclosure control (sdc.h) and are
 * recorded (issue 6 item 4; docs/stats.md, "Disclosure control"). A release takes the exact rows
 * of a query (`ctis stats victims`, `ctis stats offenders`), lays them out as a full table over
 * the categories present (one-way with its total, two-way with row, column and grand totals,
 * three or more dimensions as cells without margins), applies one method (suppress, round, dp),
 * and records in stats_releases the dataset, method, parameters, inputs (the query), who, when
 * and the SHA-256 of the released output. Differentially private releases spend the dataset's
 * privacy budget (stats_budgets) and are refused once their epsilon would exceed it.
 * Releasing and setting budgets need stats.publish; listing releases and budgets needs stats.read. */
#ifndef CTIS_STATS_RELEASE_H
#define CTIS_STATS_RELEASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define STATS_RELEASE_KEYS 4
#define STATS_DATASET_MAX 64
#define STATS_EPSILON_MAX 100.0

/* One row of exact counts; keys borrowed. */
struct stats_row {
    const char *keys[STATS_RELEASE_KEYS];
    int64_t count;
};

struct stats_release_spec {
    const char *method; /* "suppress", "round" or "dp" */
    int64_t threshold;  /* 0: 5. suppress: cells 1..threshold-1 hidden, protection width = threshold;
                         * round: the base and the threshold; dp: noisy cells under it shown as "<threshold" */
    double epsilon;     /* dp only: > 0 and <= STATS_EPSILON_MAX */
};

/* A decimal number for epsilon ("0.5", "1"); STATUS_INVALID naming field "epsilon" otherwise. */
enum status stats_epsilon_parse(const char *text, double *out);
/* The spec from the text of release, epsilon and threshold (each may be NULL; release NULL:
 * *wanted false and nothing else checked), as given to the CLI (--release) and the API (release=). */
enum status stats_release_spec_parse(const char *release, const char *epsilon, const char *threshold,
                                     struct stats_release_spec *spec, bool *wanted);
/* Checks the spec alone (method, threshold 2..1000, epsilon for dp only); names the field. */
enum status stats_release_spec_check(const struct stats_release_spec *spec);

/* Releases rows[0..nrows) (column names names[0..nnames), 1..STATS_RELEASE_KEYS) of `dataset`;
 * inputs (borrowed) is the query as JSON. *out: {"names", "rows": [{"keys", "count"}], "margins"
 * (one- and two-way), "audit" (suppress), "release": {"id", "dataset", "method", "parameters",
 * "inputs", "at_ms", "sha256"}}, where a count is a number or a string ("<5", "x"). Run inside
 * auth_run: the budget is spent and the release recorded in the caller's transaction. */
enum status stats_release(const struct auth_ctx *ctx, const char *dataset, const struct stats_release_spec *spec,
                          json_t *inputs, const char *const *names, size_t nnames, const struct stats_row *rows,
                          size_t nrows, json_t **out);
/* The released table as CSV: the names and "count", then the cells, then (one- and two-way)
 * the margins with "total" for the summed dimension. */
char *stats_release_csv(const json_t *release);

/* The most recent releases first (dataset NULL or "": all), at most limit (1..1000). */
enum status stats_releases_list(const struct auth_ctx *ctx, const char *dataset, int64_t limit, json_t **out);
/* Sets a dataset's total budget (keeps what was spent). */
enum status stats_budget_set(const struct auth_ctx *ctx, const char *dataset, double total_epsilon);
/* [{"dataset", "total_epsilon", "spent", "remaining", "updated_at_ms", "actor"}]. */
enum status stats_budget_list(const struct auth_ctx *ctx, json_t **out);

#endif
