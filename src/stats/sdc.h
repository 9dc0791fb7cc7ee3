/* sdc: statistical disclosure control over tables of counts (issue 6 item 4). Pure functions:
 * no store, no auth. A table is a list of cells (counts) and of margin groups, each saying that
 * one cell (a total) is the sum of other cells; one-way and two-way tables with their margins
 * are built by sdc_table_one_way and sdc_table_two_way, n-way ones with sdc_table_new and
 * sdc_table_group.
 *
 * Methods (docs/stats.md, "Disclosure control"):
 * - small-cell suppression: cells 1..threshold-1 are primary suppressed (shown as "<5"); zero
 *   cells are published as 0 (a zero is not a count of persons; it is never chosen as a
 *   complement while another cell will do). Secondary suppression then hides complementary
 *   cells until the linear-programming audit (sdc_audit, GLPK) finds no suppressed cell whose
 *   interval is narrower than the protection width;
 * - k-threshold rounding: every cell and margin is rounded to the nearest multiple of the base,
 *   halves upwards (7 -> 5, 8 -> 10 with base 5); cells 1..threshold-1 are shown as "<k";
 * - differential privacy: two-sided geometric noise with a declared epsilon per release
 *   (sensitivity 1), noisy counts clamped at 0, margins recomputed from the noisy cells. */
#ifndef CTIS_STATS_SDC_H
#define CTIS_STATS_SDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define SDC_THRESHOLD_DEFAULT 5
#define SDC_BASE_DEFAULT 5
#define SDC_CELLS_MAX 5000 /* cells of one released table (the audit solves two LPs per suppressed cell) */

enum sdc_state {
    SDC_PUBLISHED = 0,
    SDC_PRIMARY = 1,   /* a small count: shown as "<threshold" */
    SDC_SECONDARY = 2, /* hidden to protect a primary cell: shown as "x" */
};

/* cells[total] = sum of cells[members[0..count)]. */
struct sdc_group {
    size_t total;
    size_t *members;
    size_t count;
};

struct sdc_table {
    size_t ncells;
    int64_t *value;
    enum sdc_state *state;
    bool *margin; /* a total of a group, not an interior cell */
    struct sdc_group *groups;
    size_t ngroups;
    size_t rows, cols; /* sdc_table_two_way: interior cells row-major, then the row totals, the column
                        * totals and the grand total; sdc_table_one_way: rows = n, cols = 1, then the total */
};

/* Every cell 0, published, interior; no groups. */
struct sdc_table *sdc_table_new(size_t ncells);
/* Adds a group; the indices must be below ncells (else STATUS_INVALID). */
enum status sdc_table_group(struct sdc_table *t, size_t total, const size_t *members, size_t count);
/* cells[0..n) and their total at index n. */
struct sdc_table *sdc_table_one_way(const int64_t *cells, size_t n);
/* cells[r * cols + c]; row totals at rows*cols + r, column totals at rows*cols + rows + c, the
 * grand total last (the sum of the row totals and of the column totals). */
struct sdc_table *sdc_table_two_way(const int64_t *cells, size_t rows, size_t cols);
void sdc_table_free(struct sdc_table *t);

/* The audit's result: for each cell (suppressed ones only; published ones have min = max =
 * value) the interval an attacker can compute from the published cells, the margins and
 * non-negativity; max is INFINITY when unbounded. */
struct sdc_interval {
    double min, max;
    bool exposed; /* suppressed, and max - min < the protection width */
};
struct sdc_audit {
    struct sdc_interval *cells; /* ncells */
    size_t ncells;
    size_t suppressed;
    size_t exposed;
};

/* Solves min and max of every suppressed cell (sdc_audit.c, GLPK). */
enum status sdc_audit(const struct sdc_table *t, double width, struct sdc_audit *out);
void sdc_audit_free(struct sdc_audit *a);

/* Primary suppression: marks cells (margins included) with 1 <= value < threshold; returns how many. */
size_t sdc_primary(struct sdc_table *t, int64_t threshold);
/* Primary, then secondary suppression until the audit with this width passes; *audit_out
 * holds the final audit (the caller frees it). The heuristic: first every group with exactly
 * one suppressed cell gets its best published cell suppressed, until none is left; then, while
 * the audit finds an exposed cell, the best published cell of the groups it belongs to
 * (anywhere in the table when those groups have none) is suppressed. "Best": positive before
 * zero, then the fewest groups with nothing suppressed yet (each would need a complement of its
 * own), then interior before margin, then the smallest value, then the lowest index. */
enum status sdc_suppress(struct sdc_table *t, int64_t threshold, double width, struct sdc_audit *audit_out);

/* The nearest multiple of base, halves upwards; negative values are not counts (returned as is). */
int64_t sdc_round(int64_t value, int64_t base);
/* Rounds every cell; cells 1..threshold-1 become SDC_PRIMARY (value kept, shown as "<threshold"). */
void sdc_round_table(struct sdc_table *t, int64_t base, int64_t threshold);

/* Uniform 64-bit random numbers: NULL means vault_random (production); tests pass a seeded one. */
typedef uint64_t (*sdc_rand_fn)(void *arg);
/* A draw of the two-sided geometric distribution P(z) ~ exp(-epsilon |z|) (the difference of
 * two geometric variables with success probability 1 - exp(-epsilon)). */
int64_t sdc_geometric(double epsilon, sdc_rand_fn rnd, void *arg);
/* Adds noise to every interior cell, clamps at 0, recomputes the margins from the noisy cells
 * (groups in order), and marks cells 1..threshold-1 SDC_PRIMARY. epsilon > 0. */
void sdc_dp_table(struct sdc_table *t, double epsilon, int64_t threshold, sdc_rand_fn rnd, void *arg);
/* The ledger's rule: a release of epsilon fits when spent + epsilon <= total (within 1e-9). */
bool sdc_budget_allows(double total, double spent, double epsilon);

/* A cell as released: "<threshold" for primary, "x" for secondary, else the number. */
void sdc_cell_text(const struct sdc_table *t, size_t cell, int64_t threshold, char out[32]);

#endif
