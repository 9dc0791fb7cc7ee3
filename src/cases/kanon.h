/* kanon: k-anonymity by local generalisation and suppression, on a compact table of codes.
 *
 * A table holds one row per record and one column per quasi-identifier (QI), as 32-bit codes of
 * the original values (KANON_MISSING for a missing cell). Each QI has a hierarchy: the value
 * (level 0), `levels` generalised forms (level 1..levels, e.g. age band -> majority status,
 * country -> region) and suppression (level levels + 1: the cell is released missing). A row's
 * released values are its codes taken at its own levels (local recoding: rows of one value may
 * be released at different levels). An equivalence class is the set of released rows with the
 * same released values; missing is a value like any other.
 *
 * kanon_run raises levels until every class holds at least k rows (the greedy below), and drops
 * the rows of the last class that cannot reach k (every QI already missing). Levels only rise, so
 * it ends. Each round looks at the rows of classes smaller than k (the "small" rows):
 *   1. for each QI, it works out which small rows would land in a class of at least k if every
 *      small row took one more level on that QI; the QI that rescues most rows wins (a rescue by a
 *      generalisation counts twice one by suppression, so generalising is preferred), and only the
 *      rows it rescues move. Rows of classes of k or more never move;
 *   2. when no single step rescues anyone, every small row takes one more level on one QI (as
 *      Datafly does): a QI whose next level is a generalisation first, then the one with the most
 *      distinct values among the small rows;
 *   3. when no small row can move any more, they all share the all-missing class, which is
 *      smaller than k: they are dropped (the last resort; fewer than k rows).
 * The result is checked by counting (kanon_verify), and kanon_run asserts it.
 *
 * Memory: 4 bytes per cell for the codes, 1 per cell for the levels, 1 per row; the classes are
 * in a hash table of at most one entry per row. The table is the caller's: anything else a
 * release writes per row (non-identifying attributes) lives beside it, indexed by row. */
#ifndef CTIS_CASES_KANON_H
#define CTIS_CASES_KANON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define KANON_MISSING UINT32_MAX
#define KANON_QI_MAX 8     /* quasi-identifiers in one table */
#define KANON_LEVELS_MAX 6 /* generalisation levels of one hierarchy, before suppression */

/* One quasi-identifier's generalisation hierarchy. */
struct kanon_hierarchy {
    const char *name;                          /* in the report, e.g. "citizenship" */
    unsigned levels;                           /* generalised levels (0: value, then suppressed) */
    const char *level_names[KANON_LEVELS_MAX]; /* level 1..levels: [0] names level 1 */
    /* The code at `level` (1..levels) of the level-0 code `code` (never KANON_MISSING); may
     * return KANON_MISSING when that level has no value for it. NULL when levels is 0. */
    uint32_t (*generalise)(uint32_t code, unsigned level, const void *arg);
    const void *arg;
};

struct kanon_table {
    size_t qis;
    size_t rows;
    size_t cap;
    uint32_t *code;   /* rows x qis: level-0 codes */
    uint8_t *level;   /* rows x qis: 0 the value, 1..levels generalised, levels + 1 suppressed */
    uint8_t *dropped; /* rows: 1 when the row is not released */
};

struct kanon_qi_report {
    const char *name;
    const char *level_names[KANON_LEVELS_MAX];
    unsigned levels;
    /* Cells of released rows: */
    size_t kept;                          /* released as they were */
    size_t generalised[KANON_LEVELS_MAX]; /* [l - 1]: released at level l */
    size_t suppressed;                    /* had a value, released missing */
    size_t missing;                       /* missing in the input */
    size_t dropped;                       /* cells with a value in dropped rows */
};

struct kanon_report {
    size_t k;
    size_t rows_excluded; /* left out by the caller before anonymisation (set by the caller) */
    size_t rows_in;       /* rows of the table */
    size_t rows_written;
    size_t rows_dropped;
    size_t classes;   /* equivalence classes released */
    size_t min_class; /* the smallest: the k reached (0 when nothing is released) */
    size_t rounds;    /* rounds of the greedy */
    size_t qis;
    struct kanon_qi_report qi[KANON_QI_MAX];
};

void kanon_table_init(struct kanon_table *t, size_t qis);
/* Appends a row of level-0 codes (qis of them). STATUS_TOO_LARGE past KANON_ROWS_MAX rows. */
enum status kanon_table_add(struct kanon_table *t, const uint32_t *codes);
void kanon_table_free(struct kanon_table *t);

/* The released code of a cell (KANON_MISSING when missing or suppressed). */
uint32_t kanon_value(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t row, size_t qi);

/* Makes the table k-anonymous (see above); fills rep (may be NULL). h has t->qis hierarchies.
 * STATUS_INVALID for k = 0 or k > KANON_K_MAX, or a hierarchy with more than KANON_LEVELS_MAX
 * levels. Starts from the original values (levels and drops set before are reset). */
enum status kanon_run(struct kanon_table *t, const struct kanon_hierarchy *h, size_t k, struct kanon_report *rep);

/* Counts the classes of the released rows: STATUS_INVALID ("a group of N records is smaller than
 * k") when one holds fewer than k rows. classes_out and min_class_out may be NULL. */
enum status kanon_verify(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t k, size_t *classes_out,
                         size_t *min_class_out);

/* The report in plain words (several lines, caller frees) and as JSON (caller decrefs):
 * {"k":10,"records_read":..,"records_excluded":..,"records_written":..,"records_dropped":..,
 *  "classes":..,"min_class":..,"quasi_identifiers":[{"name":..,"kept":..,"generalised":
 *  {"<level name>":n},"suppressed":..,"missing":..,"dropped":..}]}. Counts only. */
char *kanon_report_text(const struct kanon_report *rep);
json_t *kanon_report_json(const struct kanon_report *rep);

#endif
