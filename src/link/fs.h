/* fs: probabilistic record linkage inside one data set (Fellegi-Sunter, issue 7 item 4).
 *
 * Records have named fields holding text (or nothing). Each field compares two records into one
 * of a few ordered levels (exact first, "else" last; a missing side is the null level, which
 * counts for neither). A pair's comparison vector γ holds one level per field. The model holds,
 * per field and level, m = P(level | match) and u = P(level | non-match), and λ, the share of
 * matches among the compared pairs; a pair's match weight is Σ log2(m/u) plus the term-frequency
 * adjustment on exact agreement, and its score is the match probability
 * 1 / (1 + 2^-(weight + log2(λ / (1 - λ)))), in [0, 1] (docs/linkage-fs.md).
 *
 * Training (fs_train) runs EM on the aggregated γ-patterns of the candidate pairs (one row per
 * distinct pattern with its count, as Splink does): each iteration costs the number of distinct
 * patterns, not of pairs; given the blocking rules, round robin (one EM per rule, leaving out the
 * rule's fields). u may instead come from random pairs (nearly all non-matches), and then
 * EM estimates only m and λ. Candidate pairs come from blocking rules: the union of equality
 * conditions on fields, de-duplicated across rules (fs_block_pairs).
 *
 * Field kinds and their levels:
 * - FS_KIND_STRING: exact / Jaro-Winkler >= 0.92 / >= 0.80 / else;
 * - FS_KIND_DATE:   exact / one of year, month, day off / else (values with 8 digits once the
 *                   other characters are dropped: YYYYMMDD or YYYY-MM-DD; others exact / else);
 * - FS_KIND_EXACT:  exact / else (codes, blind indexes);
 * - FS_KIND_WORDS:  words separated by spaces (name words or their blind indexes): all shared /
 *                   at least half of all words shared / some / none;
 * - FS_KIND_YEAR:   whole numbers (a birth year from an age): exact / 1 apart / up to 3 apart /
 *                   else (a value that is not a number: exact / else).
 * No field is ever decrypted here: for the registry the values are blind indexes and codes. */
#ifndef CTIS_LINK_FS_H
#define CTIS_LINK_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "link/link.h"
#include "util/status.h"

#define FS_FIELDS_MAX 16
#define FS_LEVELS_MAX 4
#define FS_FIELD_NAME_MAX 48
#define FS_RULES_MAX 16
#define FS_RULE_FIELDS_MAX 4
#define FS_BLOCK_GROUP_MAX 2000            /* a block larger than this (a very common value) is skipped */
#define FS_PAIRS_MAX (16u * 1024u * 1024u) /* candidate pairs of one run (about 0.4 GB at the peak) */
#define FS_EM_ITERATIONS 20
#define FS_EM_TOLERANCE 0.001
#define FS_U_PAIRS_DEFAULT 1000000 /* random pairs for u when asked */
#define FS_THRESHOLD_DEFAULT 0.9   /* match probability */
#define FS_M_ELSE_MAX 0.5          /* m of a field's last level (else): EM keeps it at most this */

enum fs_kind { FS_KIND_STRING, FS_KIND_DATE, FS_KIND_EXACT, FS_KIND_WORDS, FS_KIND_YEAR };

struct fs_field {
    char name[FS_FIELD_NAME_MAX];
    enum fs_kind kind;
    bool tf; /* term-frequency adjustment on exact agreement */
};

/* Records: values[i * nfields + f] is field f of record i (NULL when missing). ids as in a
 * matches CSV (no comma, quote or line break). */
struct fs_data {
    size_t count;
    size_t cap;
    size_t nfields;
    struct fs_field fields[FS_FIELDS_MAX];
    char **ids;
    char **values;
};

/* An empty set of records with these fields (STATUS_INVALID for none or more than
 * FS_FIELDS_MAX, or a repeated name). */
enum status fs_data_new(struct fs_data **out, const struct fs_field *fields, size_t nfields);
/* Adds a record (copies; an empty or blank value counts as missing). */
enum status fs_data_add(struct fs_data *d, const char *id, const char *const *values);
void fs_data_free(struct fs_data *d);
/* The index of field `name`, or -1. */
int fs_data_field(const struct fs_data *d, const char *name);
/* Parses a field list "a,b:date,c:exact,d:words,e:year" (kind after a colon; without one a field whose
 * name holds "date", "dob" or "birth" is a date, others strings; tf on strings and exact fields
 * unless `tf` is false). */
enum status fs_fields_parse(const char *spec, bool tf, struct fs_field *fields, size_t *nfields);
/* Reads a CSV file with a header row (comma-separated, spaces after a comma ignored, double
 * quotes allowed), keeping the id column and the given fields. */
enum status fs_data_read_csv(FILE *f, const char *id_column, const struct fs_field *fields, size_t nfields,
                             struct fs_data **out);

/* A blocking rule: records agreeing exactly on all these fields are compared (a words field:
 * sharing one word). */
struct fs_rule {
    size_t nfields;
    int field[FS_RULE_FIELDS_MAX];
};
/* Parses "surname,date_of_birth,given_name+postcode" against d's fields. */
enum status fs_rules_parse(const struct fs_data *d, const char *spec, struct fs_rule *rules, size_t *nrules);
/* The candidate pairs (a < b, sorted, each once though several rules find it; score 0).
 * STATUS_TOO_LARGE beyond FS_PAIRS_MAX. */
enum status fs_block_pairs(const struct fs_data *d, const struct fs_rule *rules, size_t nrules, struct link_pair **out,
                           size_t *count_out);

/* Term frequencies of one field: sorted values and their share of the non-missing values. */
struct fs_tf {
    size_t n;
    char **values;
    double *freq;
};

struct fs_model {
    size_t nfields;
    struct fs_field fields[FS_FIELDS_MAX];
    size_t levels[FS_FIELDS_MAX];
    double m[FS_FIELDS_MAX][FS_LEVELS_MAX];
    double u[FS_FIELDS_MAX][FS_LEVELS_MAX];
    double lambda;
    double lambda_max; /* min(0.5, 2 x records / pairs): EM keeps λ at most this */
    /* λ ended at lambda_max: EM found no clear match class (few true duplicates, or fields that
     * cannot tell them apart); the scores are then not to be trusted without review. */
    bool lambda_at_bound;
    int iterations;  /* EM iterations run */
    bool converged;  /* max |Δ| < FS_EM_TOLERANCE before FS_EM_ITERATIONS */
    size_t patterns; /* distinct γ-patterns */
    size_t pairs;    /* pairs trained on */
    bool u_random;   /* u from random pairs */
    struct fs_tf tf[FS_FIELDS_MAX];
    double tf_min; /* the smallest frequency used in the adjustment */
};

struct fs_train_opts {
    bool u_random;  /* u from random pairs, EM then estimates m and λ only */
    size_t u_pairs; /* random pairs (0: FS_U_PAIRS_DEFAULT) */
    uint64_t seed;  /* for the random pairs (0: a fixed default, runs repeat) */
    bool no_tf;     /* no term frequencies, whatever the fields say */
    /* The blocking rules that found the pairs: m is then learnt round robin, one EM per rule on
     * the pairs it finds without the rule's own fields (which agree there by construction), and
     * λ by a last EM over all pairs with m and u fixed. NULL: one EM over all pairs and fields. */
    const struct fs_rule *rules;
    size_t nrules;
};

/* The level names of a kind ("exact", "jw>=0.92", ...), `levels` of them. */
const char *fs_level_name(enum fs_kind kind, size_t level);
size_t fs_kind_levels(enum fs_kind kind);
const char *fs_kind_name(enum fs_kind kind);

/* Level of one field for two values (-1: one is missing). */
int fs_compare(enum fs_kind kind, const char *a, const char *b);
double fs_jaro_winkler(const char *a, const char *b);

/* Trains on the candidate pairs of d. */
enum status fs_train(const struct fs_data *d, const struct link_pair *pairs, size_t count,
                     const struct fs_train_opts *opts, struct fs_model **out);
void fs_model_free(struct fs_model *m);
/* The match weight (log2 Bayes factor, without the prior) of two records given as value arrays
 * in the model's field order; `why` (if not NULL) receives the agreeing fields. */
double fs_weight_values(const struct fs_model *m, const char *const *a, const char *const *b, char *why,
                        size_t why_len);
/* The match probability for a weight. */
double fs_probability(const struct fs_model *m, double weight);
/* Scores the pairs (score = match probability) and keeps those >= threshold, in place, best first
 * (ties by a, b). progress (may be NULL) is called every 65536 pairs. */
enum status fs_score_pairs(const struct fs_model *m, const struct fs_data *d, struct link_pair *pairs, size_t *count,
                           double threshold, void (*progress)(const char *, int64_t, void *), void *progress_ctx);
/* Writes pairs as the matches CSV (link_pairs_write_csv's format) with d's ids. */
enum status fs_pairs_write_csv(FILE *f, const struct fs_data *d, const struct link_pair *pairs, size_t count);

#endif
