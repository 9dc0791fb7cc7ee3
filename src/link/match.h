/* link/match: comparing sets of encodings (issue 7 item 3, part M).
 *
 * - Kernels (kernels.c): popcount(A AND B) of one query against a run of candidates, in four
 *   variants chosen at run time: scalar POPCNT, AVX2 (Mula's nibble lookup), AVX-512 VPOPCNTDQ
 *   (8 candidates per iteration) and a portable C loop (non-x86 builds and old CPUs). The best
 *   the CPU supports is used unless the environment variable CTIS_LINK_KERNEL names one
 *   (portable|scalar|avx2|avx512). All give the same counts (tests/unit/test_match.c).
 * - Matching (match.c): Dice similarity 2|A^B|/(|A|+|B|), pairs at or above a threshold,
 *   popcount-bound pruning over candidates sorted by popcount, several queries per pass over a
 *   cache-sized run of candidates, pthreads; for large sets blocking by Hamming LSH over bits
 *   (docs/linkage.md); greedy 1-to-1 solving for two parties, union-find clusters for
 *   one (deduplication), greedy groups for several parties; the similarity histogram and a
 *   suggested threshold. */
#ifndef CTIS_LINK_MATCH_H
#define CTIS_LINK_MATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"

/* ---- kernels ---- */

enum link_kernel {
    LINK_KERNEL_AUTO = 0, /* the best available, or CTIS_LINK_KERNEL */
    LINK_KERNEL_PORTABLE, /* plain C */
    LINK_KERNEL_SCALAR,   /* POPCNT, 4 words per step */
    LINK_KERNEL_AVX2,     /* AVX2 nibble lookup (Mula) */
    LINK_KERNEL_AVX512,   /* AVX-512 VPOPCNTDQ, 8 candidates per iteration */
};

struct link_kernel_ops {
    enum link_kernel kind;
    const char *name; /* "portable", "scalar", "avx2", "avx512" */
    /* out[j] = popcount(q AND c_j) for j < n, c_j = cands + j * words. */
    void (*and_pop)(const uint64_t *q, const uint64_t *cands, size_t n, size_t words, uint32_t *out);
    /* out[j] = popcount(c_j): the roofline loop of the bench (same memory, no query). */
    void (*pop)(const uint64_t *cands, size_t n, size_t words, uint32_t *out);
    /* and_pop, then the indexes j whose count may reach the threshold: (counts[j] << 17) >=
     * t16 * (pa + cpop[j]) with t16 a threshold in 1/65536 rounded down (the caller checks the
     * exact Dice of the few that pass). Returns how many indexes it wrote to hits. */
    size_t (*scan)(const uint64_t *q, uint32_t pa, const uint64_t *cands, const uint32_t *cpop, size_t n, size_t words,
                   uint32_t t16, uint32_t *counts, uint32_t *hits);
};

/* True if the CPU (and this build) can run kernel k. */
bool link_kernel_available(enum link_kernel k);
/* The kernel: AUTO gives CTIS_LINK_KERNEL if set and available, else the best available. NULL
 * for a kernel this CPU cannot run. */
const struct link_kernel_ops *link_kernel_get(enum link_kernel k);
/* Parses "portable", "scalar", "avx2", "avx512" or "auto"; false for anything else. */
bool link_kernel_parse(const char *name, enum link_kernel *out);

/* The Dice coefficient of two encodings with popcounts pa, pb and popcount(A AND B) c; 0 when
 * both are empty. Every score of this module is computed by this expression. */
static inline double link_dice(uint32_t c, uint32_t pa, uint32_t pb)
{
    return pa + pb == 0 ? 0.0 : 2.0 * (double)c / (double)(pa + pb);
}

/* ---- matching ---- */

#define LINK_PAIRS_MAX (64u * 1024u * 1024u) /* pairs kept by one run (STATUS_TOO_LARGE beyond) */
#define LINK_PARTIES_MAX 64                  /* parties of one multi-party clustering */
/* blocking AUTO uses LSH when the exact loop would need this many comparisons or more (after the
 * popcount bound) and LSH's cost model says it takes less than half the time */
#define LINK_BLOCKING_AUTO_MIN 1e9

enum link_blocking {
    LINK_BLOCKING_AUTO = 0, /* LSH when it pays (LINK_BLOCKING_AUTO_MIN), else none */
    LINK_BLOCKING_NONE,     /* every pair the popcount bound allows: exact */
    LINK_BLOCKING_LSH,      /* Hamming LSH over bits: approximate (recall below 1) */
};

/* Progress: fraction done in [0, 1]. Called from the worker threads, one call at a time. */
typedef void (*link_progress_fn)(void *ctx, double fraction);

struct link_match_opts {
    double threshold; /* keep pairs with Dice >= threshold, in [0, 1] */
    bool all_pairs;   /* keep every pair at or above the threshold (no 1-to-1 solving) */
    unsigned threads; /* 0: the online CPUs */
    enum link_kernel kernel;
    enum link_blocking blocking;
    /* LSH: 0 for the defaults chosen from the threshold (docs/linkage.md) */
    unsigned lsh_bits;  /* bits per band (k) */
    unsigned lsh_bands; /* bands (L) */
    double lsh_miss;    /* the designed miss rate of a pair exactly at the threshold (0: 0.01) */
    uint64_t lsh_seed;  /* the bit positions of the bands (0: a fixed default) */
    link_progress_fn progress;
    void *progress_ctx;
    const atomic_bool *cancel; /* set to stop the run: it returns STATUS_BUSY "cancelled" */
};

/* What a run did (optional out-parameter of link_match_stats). */
struct link_match_info {
    const char *kernel;   /* the kernel's name */
    bool lsh;             /* blocking used */
    unsigned lsh_bits;    /* k */
    unsigned lsh_bands;   /* L */
    uint64_t comparisons; /* Dice computations (popcount(A AND B)) */
    uint64_t candidates;  /* pairs at or above the threshold before solving */
    double seconds;       /* wall time of the comparisons */
};

/* Two-party matching: the pairs (a index of set a, b index of set b, Dice score) with score >=
 * opts->threshold, solved greedily 1-to-1 (descending score; ties by a, then b) unless
 * opts->all_pairs. The pairs come sorted by descending score, then a, then b. *out (caller
 * frees; NULL when none) and *count_out. STATUS_INVALID for a bad threshold or sets of
 * different widths, STATUS_TOO_LARGE beyond LINK_PAIRS_MAX pairs, STATUS_BUSY when cancelled. */
enum status link_match(const struct link_clkset *a, const struct link_clkset *b, const struct link_match_opts *opts,
                       struct link_pair **out, size_t *count_out);
/* As link_match, and fills *info (may be NULL). */
enum status link_match_stats(const struct link_clkset *a, const struct link_clkset *b,
                             const struct link_match_opts *opts, struct link_pair **out, size_t *count_out,
                             struct link_match_info *info);

/* Deduplication within one set: every pair a < b with score >= threshold (all_pairs is
 * implied), sorted as link_match's, and cluster[i] (set->count entries, caller frees) the
 * cluster of record i by union-find over those pairs: clusters are numbered 0, 1, ... in the
 * order of their first record; a record without pairs is a cluster of its own. */
enum status link_dedup(const struct link_clkset *set, const struct link_match_opts *opts, struct link_pair **out,
                       size_t *count_out, uint32_t **cluster_out);

/* A record of a multi-party group. */
struct link_member {
    uint32_t group;  /* 0, 1, ... */
    uint32_t party;  /* index into sets[] */
    uint32_t record; /* index into sets[party] */
};

/* Several parties (anonlink's greedy multi-party solving): the pairs >= threshold between
 * every two parties, taken in descending score (ties by party, then record), join two groups
 * when no party has a record in both. Out: the members of the groups of two or more records,
 * sorted by group, then party; groups numbered in the order of their best pair. */
enum status link_cluster(const struct link_clkset *const *sets, size_t n, const struct link_match_opts *opts,
                         struct link_member **out, size_t *count_out, size_t *groups_out);

/* ---- the similarity histogram and threshold guidance ---- */

#define LINK_HIST_BINS 50                 /* 0.00-0.02, ..., 0.98-1.00 (1.00 counts in the last bin) */
#define LINK_HIST_SAMPLE_PAIRS 50000000.0 /* above this, a sample of the queries of set a */

struct link_histogram {
    uint64_t bins[LINK_HIST_BINS];
    uint64_t pairs;   /* pairs counted */
    size_t queries;   /* records of set a compared (all of them unless sampled) */
    bool sampled;     /* queries < a->count */
    double suggested; /* the valley between the non-match and match modes; -1 if none */
};

/* Dice of every pair (a, b) (or of a sample of a's records against all of b when a->count *
 * b->count > LINK_HIST_SAMPLE_PAIRS; the sample is fixed by opts->lsh_seed), binned, with the
 * suggested threshold. Uses opts->threads, kernel, progress and cancel. */
enum status link_histogram(const struct link_clkset *a, const struct link_clkset *b, const struct link_match_opts *opts,
                           struct link_histogram *h);
/* The suggested threshold of a histogram (sets h->suggested): the two most prominent modes of
 * the log counts, and the middle of the lowest run of bins between them. */
void link_histogram_suggest(struct link_histogram *h);

#endif
