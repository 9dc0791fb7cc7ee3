/* dedup: candidates through the blind indexes, scored without decrypting anything. */
#include "cases/dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/mem.h"

struct cand {
    struct case_profile p;
    struct auth_record rec;
};

static void profile_free(struct case_profile *p)
{
    free(p->words);
    p->words = NULL;
    p->words_count = 0;
}

/* Fills the coded part of a profile from a CASE_PROFILE / CASE_CANDIDATES_* row. */
static void profile_row(struct store_rows *r, struct case_profile *p, struct auth_record *rec)
{
    memset(p, 0, sizeof *p);
    p->id = store_rows_i64(r, 0);
    size_t len = 0;
    const uint8_t *b = store_rows_blob(r, 4, &len);
    if (b != NULL && len == sizeof p->birth) {
        memcpy(p->birth, b, len);
        p->has_birth = true;
    }
    snprintf(p->citizenship, sizeof p->citizenship, "%s", store_rows_text(r, 5));
    snprintf(p->gender, sizeof p->gender, "%s", store_rows_text(r, 6));
    *rec = (struct auth_record){.type = "case",
                                .id = p->id,
                                .agency_id = store_rows_i64(r, 1),
                                .owner_id = store_rows_is_null(r, 2) ? 0 : store_rows_i64(r, 2),
                                .sensitivity =
                                    store_rows_i64(r, 3) ? AUTH_SENSITIVITY_RESTRICTED : AUTH_SENSITIVITY_NORMAL};
}

/* The coded profile of case id, and its access record. */
static enum status profile_load(struct store *s, int64_t id, struct case_profile *p, struct auth_record *rec)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_CASE_PROFILE, a, 1, &r);
    if (st == STATUS_OK) {
        profile_row(r, p, rec);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such case") : st;
}

static enum status profile_words(struct store *s, struct case_profile *p)
{
    struct sql_value a[] = {SQLV_I64(p->id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(s, STMT_CASE_NAME_WORDS, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8;
    p->words = xcalloc(cap, sizeof *p->words);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        size_t len = 0;
        const uint8_t *b = store_rows_blob(r, 0, &len);
        if (len != sizeof p->words[0]) {
            continue;
        }
        if (p->words_count == cap) {
            cap *= 2;
            p->words = xrealloc(p->words, cap * sizeof *p->words);
        }
        memcpy(p->words[p->words_count++], b, len);
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static double simple_score(const void *state, const struct case_profile *a, const struct case_profile *b, char *why,
                           size_t why_len)
{
    (void)state;
    size_t shared = 0;
    for (size_t i = 0; i < a->words_count; i++) {
        for (size_t k = 0; k < b->words_count; k++) {
            if (memcmp(a->words[i], b->words[k], sizeof a->words[i]) == 0) {
                shared++;
                break;
            }
        }
    }
    size_t all = a->words_count + b->words_count - shared;
    double names = all ? (double)shared / (double)all : 0.0;
    bool both_born = a->has_birth && b->has_birth;
    bool birth = both_born && memcmp(a->birth, b->birth, sizeof a->birth) == 0;
    bool cit = a->citizenship[0] && strcmp(a->citizenship, b->citizenship) == 0;
    bool gender = a->gender[0] && strcmp(a->gender, b->gender) == 0;
    /* Two different birth dates speak against the match (less than a shared one speaks for it:
     * an approximate date, "1990", differs from "1990-04-02"). */
    double score = 0.5 * names + (birth ? 0.3 : both_born ? -0.2 : 0.0) + (cit ? 0.1 : 0.0) + (gender ? 0.1 : 0.0);
    snprintf(why, why_len, "%zu/%zu name words%s%s%s", shared, all,
             birth       ? ", birth date"
             : both_born ? ", another birth date"
                         : "",
             cit ? ", citizenship" : "", gender ? ", gender" : "");
    return score < 0.0 ? 0.0 : score;
}

const struct case_scorer case_scorer_simple = {"simple", simple_score, NULL};

static int dup_cmp(const void *pa, const void *pb)
{
    const struct case_duplicate *a = pa, *b = pb;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : (a->id > b->id) - (a->id < b->id);
}

/* Adds the candidate rows of one statement, skipping ids already there. min_shared > 0: the
 * statement's ?4, the name words a candidate must share. */
static enum status gather(struct store *s, enum stmt stmt, const uint8_t key[32], int64_t self, int64_t min_shared,
                          struct cand **c, size_t *n, size_t *cap)
{
    struct sql_value a[] = {SQLV_BLOB(key, 32), SQLV_I64(self), SQLV_I64(DEDUP_CANDIDATES_MAX), SQLV_I64(min_shared)};
    struct store_rows *r = NULL;
    enum status st = store_exec(s, stmt, a, min_shared > 0 ? 4 : 3, &r);
    if (st != STATUS_OK) {
        return st;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        int64_t id = store_rows_i64(r, 0);
        bool seen = false;
        for (size_t i = 0; i < *n && !seen; i++) {
            seen = (*c)[i].p.id == id;
        }
        if (seen) {
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *c = xrealloc(*c, *cap * sizeof **c);
        }
        profile_row(r, &(*c)[*n].p, &(*c)[*n].rec);
        (*n)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

/* The name key of case id (all its name words), if it has names. */
static enum status name_key(struct store *s, int64_t id, uint8_t key[32], bool *has)
{
    *has = false;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_CASE_NAME_KEY_GET, a, 1, &r);
    if (st == STATUS_OK) {
        size_t len = 0;
        const uint8_t *b = store_rows_blob(r, 0, &len);
        if (b != NULL && len == 32) {
            memcpy(key, b, 32);
            *has = true;
        }
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? STATUS_OK : st;
}

/* Scores the candidates of case id, keeping those of at least min: with `wide`, every case
 * sharing a name word or the birth date (at most DEDUP_CANDIDATES_MAX of each) and the same full
 * name; otherwise only the cases with the same birth date and a shared name word (without the
 * birth date no candidate reaches DEDUP_IMPORT_SCORE_MIN). */
static enum status find(const struct auth_ctx *ctx, int64_t id, bool wide, double min, const struct case_scorer *scorer,
                        size_t max, struct case_duplicate **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct case_profile self;
    struct auth_record self_rec;
    enum status st = profile_load(ctx->store, id, &self, &self_rec);
    if (st != STATUS_OK) {
        return st;
    }
    if (wide) {
        /* On demand: reading a case's duplicates is reading the case. */
        st = auth_check(ctx, "case.read", &self_rec, AUTH_FG_NONE, false, "duplicates");
        if (st == STATUS_DENIED && auth_has(ctx->who, "case.read")) {
            return err_set(STATUS_NOT_FOUND, "no such case");
        }
        if (st != STATUS_OK) {
            return st;
        }
        /* Duplicates are found by names and birth dates: nothing to show without identity (a
         * share that left it out, for one). */
        bool allowed[AUTH_FG__COUNT];
        auth_groups_allowed(ctx, &self_rec, false, allowed);
        if (!allowed[AUTH_FG_IDENTITY]) {
            profile_free(&self);
            *out = xcalloc(1, sizeof **out);
            return STATUS_OK;
        }
    }
    struct cand *c = NULL;
    size_t n = 0, cap = 0;
    uint8_t key[32];
    bool has_key = false;
    st = profile_words(ctx->store, &self);
    if (wide && st == STATUS_OK && self.words_count > 0) {
        st = name_key(ctx->store, id, key, &has_key);
    }
    if (st == STATUS_OK && has_key) {
        st = gather(ctx->store, STMT_CASE_CANDIDATES_BY_NAME_KEY, key, id, 0, &c, &n, &cap);
    }
    if (st == STATUS_OK && self.has_birth && self.words_count > 0) {
        /* A candidate whose words are all shared scores 0.5 * shared / words + 0.5 at best: on
         * import (0.8) it must share 60 % of this case's words; on demand, one. */
        int64_t min_shared = wide ? 1 : (int64_t)((self.words_count * 3 + 4) / 5);
        st = gather(ctx->store, STMT_CASE_CANDIDATES_BY_BIRTH_AND_WORD, self.birth, id, min_shared > 0 ? min_shared : 1,
                    &c, &n, &cap);
    }
    for (size_t i = 0; wide && st == STATUS_OK && i < self.words_count; i++) {
        st = gather(ctx->store, STMT_CASE_CANDIDATES_BY_WORD, self.words[i], id, 0, &c, &n, &cap);
    }
    if (wide && st == STATUS_OK && self.has_birth) {
        st = gather(ctx->store, STMT_CASE_CANDIDATES_BY_BIRTH, self.birth, id, 0, &c, &n, &cap);
    }
    struct case_duplicate *d = xcalloc(n + 1, sizeof *d);
    size_t nd = 0;
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        /* Only cases the principal could open themselves. */
        if (auth_decide(ctx, "case.read", &c[i].rec, AUTH_FG_NONE, false) != STATUS_OK) {
            continue;
        }
        bool cand_allowed[AUTH_FG__COUNT];
        auth_groups_allowed(ctx, &c[i].rec, false, cand_allowed);
        if (!cand_allowed[AUTH_FG_IDENTITY]) {
            continue;
        }
        st = profile_words(ctx->store, &c[i].p);
        if (st != STATUS_OK) {
            break;
        }
        char why[96];
        double score = scorer->score(scorer->state, &self, &c[i].p, why, sizeof why);
        if (score >= min) {
            d[nd].id = c[i].p.id;
            d[nd].score = score;
            snprintf(d[nd].why, sizeof d[nd].why, "%s", why);
            nd++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        profile_free(&c[i].p);
    }
    free(c);
    profile_free(&self);
    if (st != STATUS_OK) {
        free(d);
        return st;
    }
    qsort(d, nd, sizeof *d, dup_cmp);
    *out = d;
    *count_out = nd < max ? nd : max;
    return STATUS_OK;
}

enum status case_duplicates(const struct auth_ctx *ctx, int64_t id, const struct case_scorer *scorer, size_t max,
                            struct case_duplicate **out, size_t *count_out)
{
    return find(ctx, id, true, DEDUP_SCORE_MIN, scorer, max, out, count_out);
}

enum status case_duplicates_of_new(const struct auth_ctx *ctx, int64_t id, const struct case_scorer *scorer, size_t max,
                                   struct case_duplicate **out, size_t *count_out)
{
    return find(ctx, id, false, DEDUP_IMPORT_SCORE_MIN, scorer, max, out, count_out);
}

void case_profiles_free(struct case_profile *p, size_t count)
{
    for (size_t i = 0; p != NULL && i < count; i++) {
        profile_free(&p[i]);
    }
    free(p);
}

static int profile_id_cmp(const void *key, const void *elem)
{
    int64_t id = *(const int64_t *)key, other = ((const struct case_profile *)elem)->id;
    return (id > other) - (id < other);
}

enum status case_profiles_readable(const struct auth_ctx *ctx, const char *detail, struct case_profile **out,
                                   size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    /* Without a detail the caller writes the run's one audit entry: only a denial is audited. */
    enum status st = detail != NULL ? auth_check(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false, detail)
                                    : auth_decide(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false);
    if (st == STATUS_DENIED && detail == NULL) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false, "duplicates");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_CASE_PROFILES_ALL, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct case_profile *p = NULL;
    size_t n = 0, cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct case_profile prof;
        struct auth_record rec;
        profile_row(r, &prof, &rec);
        if (auth_decide(ctx, "case.read", &rec, AUTH_FG_NONE, false) != STATUS_OK) {
            continue;
        }
        bool allowed[AUTH_FG__COUNT];
        auth_groups_allowed(ctx, &rec, false, allowed);
        if (!allowed[AUTH_FG_IDENTITY]) {
            continue;
        }
        if (n == DEDUP_PROFILES_MAX) {
            st = err_set(STATUS_TOO_LARGE, "more than %d cases", DEDUP_PROFILES_MAX);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            p = xrealloc(p, cap * sizeof *p);
        }
        p[n++] = prof;
    }
    store_rows_free(r);
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_CASE_NAME_WORDS_ALL, NULL, 0, &r);
        if (st == STATUS_OK) {
            while ((st = store_rows_next(r)) == STATUS_OK) {
                int64_t id = store_rows_i64(r, 0);
                size_t len = 0;
                const uint8_t *b = store_rows_blob(r, 1, &len);
                struct case_profile *c = bsearch(&id, p, n, sizeof *p, profile_id_cmp);
                if (c == NULL || b == NULL || len != sizeof c->words[0]) {
                    continue;
                }
                if ((c->words_count & (c->words_count + 1)) == 0 || c->words == NULL) {
                    /* grow at 0, 1, 3, 7 ... (capacity 1, 2, 4, 8 ...) */
                    c->words = xrealloc(c->words, (c->words_count * 2 + 2) * sizeof *c->words);
                }
                memcpy(c->words[c->words_count++], b, len);
            }
            store_rows_free(r);
        }
    }
    if (st != STATUS_DONE) {
        case_profiles_free(p, n);
        return st;
    }
    *out = p;
    *count_out = n;
    return STATUS_OK;
}
