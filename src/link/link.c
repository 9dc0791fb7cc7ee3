/* link: the shared set of encodings and the matches CSV. */
#include "link/link.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum status link_clkset_new(struct link_clkset **out, size_t count, size_t bits)
{
    *out = NULL;
    if (bits == 0 || bits % 64 != 0 || bits > LINK_BITS_MAX) {
        return err_set(STATUS_INVALID, "an encoding has a multiple of 64 bits, at most %d", LINK_BITS_MAX);
    }
    if (count > LINK_RECORDS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %u records in one set", LINK_RECORDS_MAX);
    }
    struct link_clkset *set = xcalloc(1, sizeof *set);
    set->count = count;
    set->words = bits / 64;
    size_t bytes = count * set->words * sizeof(uint64_t);
    bytes = (bytes + 63) / 64 * 64;
    set->bits = aligned_alloc(64, bytes == 0 ? 64 : bytes);
    if (set->bits == NULL) {
        free(set);
        return err_set(STATUS_TOO_LARGE, "no memory for %zu encodings", count);
    }
    memset(set->bits, 0, bytes == 0 ? 64 : bytes);
    set->pop = xcalloc(count == 0 ? 1 : count, sizeof *set->pop);
    set->ids = xcalloc(count == 0 ? 1 : count, sizeof *set->ids);
    *out = set;
    return STATUS_OK;
}

void link_clkset_free(struct link_clkset *set)
{
    if (set == NULL) {
        return;
    }
    for (size_t i = 0; i < set->count; i++) {
        free(set->ids[i]);
    }
    free(set->ids);
    free(set->pop);
    free(set->bits);
    free(set);
}

void link_clkset_popcounts(struct link_clkset *set)
{
    for (size_t i = 0; i < set->count; i++) {
        const uint64_t *row = link_clkset_row(set, i);
        uint32_t p = 0;
        for (size_t w = 0; w < set->words; w++) {
            p += (uint32_t)__builtin_popcountll(row[w]);
        }
        set->pop[i] = p;
    }
}

enum status link_clkset_id_set(struct link_clkset *set, size_t i, const char *id)
{
    size_t len = strlen(id);
    if (len == 0 || len >= LINK_ID_BYTES_MAX) {
        return err_set(STATUS_INVALID, "a record id has 1 to %d bytes", LINK_ID_BYTES_MAX - 1);
    }
    if (strpbrk(id, ",\"\r\n") != NULL) {
        return err_set(STATUS_INVALID, "a record id holds no comma, quote or line break");
    }
    free(set->ids[i]);
    set->ids[i] = xstrdup(id);
    return STATUS_OK;
}

enum status link_pairs_write_csv(FILE *f, const struct link_clkset *a, const struct link_clkset *b,
                                 const struct link_pair *pairs, size_t count)
{
    if (fputs("a_id,b_id,score\n", f) == EOF) {
        return err_set(STATUS_IO, "cannot write the matches");
    }
    for (size_t i = 0; i < count; i++) {
        const char *ai = a->ids[pairs[i].a] != NULL ? a->ids[pairs[i].a] : "";
        const char *bi = b->ids[pairs[i].b] != NULL ? b->ids[pairs[i].b] : "";
        if (fprintf(f, "%s,%s,%.4f\n", ai, bi, pairs[i].score) < 0) {
            return err_set(STATUS_IO, "cannot write the matches");
        }
    }
    return fflush(f) == 0 ? STATUS_OK : err_set(STATUS_IO, "cannot write the matches");
}
