/* link: privacy-preserving record linkage and network detection (issue 7, Plan para 49).
 *
 * This header holds the types the parts of the module share:
 * - a set of encodings (CLKs: Bloom filters of person records, docs/linkage.md), as the encoder
 *   (clk.c) produces them, the exchange file (clkfile.c) carries them and the matcher (match.c)
 *   compares them;
 * - a scored pair, as the matcher and the Fellegi-Sunter scorer (fs.c) produce them and the
 *   matches CSV (`a_id,b_id,score`) and the network graph (graph.c) read them.
 * The parts have their own headers (clk.h, match.h, fs.h, graph.h). */
#ifndef CTIS_LINK_LINK_H
#define CTIS_LINK_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

#define LINK_BITS_DEFAULT 1024 /* bits per encoding unless the schema says otherwise */
#define LINK_BITS_MAX 8192     /* the largest encoding a schema may ask for (before folding) */
#define LINK_ID_BYTES_MAX 128  /* a record id in an encoded file or a matches CSV */
#define LINK_RECORDS_MAX (16u * 1024u * 1024u) /* records in one encoded file */

/* A set of encodings of one party. bits is count x words 64-bit words, 64-byte aligned, bit i of
 * an encoding is word i/64, bit i%64 (the file format fixes the byte order, clkfile.c). pop[i] is
 * the popcount of encoding i. ids[i] is the record id as given (NUL-terminated, at most
 * LINK_ID_BYTES_MAX - 1 bytes). */
struct link_clkset {
    size_t count;
    size_t words; /* bits / 64 */
    uint64_t *bits;
    uint32_t *pop;
    char **ids;
};

/* A set for `count` encodings of `bits` bits (a multiple of 64, at most LINK_BITS_MAX), zeroed,
 * ids NULL. STATUS_INVALID for a bad size, STATUS_TOO_LARGE beyond LINK_RECORDS_MAX. */
enum status link_clkset_new(struct link_clkset **out, size_t count, size_t bits);
void link_clkset_free(struct link_clkset *set);
/* Encoding i of the set. */
static inline uint64_t *link_clkset_row(const struct link_clkset *set, size_t i)
{
    return set->bits + i * set->words;
}
/* Recomputes pop[] from bits. */
void link_clkset_popcounts(struct link_clkset *set);
/* Sets ids[i] to a copy of id (STATUS_INVALID if empty, too long or holding a comma, quote or
 * line break: ids go into CSV files unquoted). */
enum status link_clkset_id_set(struct link_clkset *set, size_t i, const char *id);

/* A scored pair: a and b index the two sets (or the same set for deduplication, a < b). */
struct link_pair {
    uint32_t a;
    uint32_t b;
    double score;
};

/* Writes the matches CSV: the header `a_id,b_id,score`, then one line per pair with the ids as
 * given and the score to 4 decimals ("%.4f"), in the order given. STATUS_IO on a write error. */
enum status link_pairs_write_csv(FILE *f, const struct link_clkset *a, const struct link_clkset *b,
                                 const struct link_pair *pairs, size_t count);

#endif
