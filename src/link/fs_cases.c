/* fs_cases: the Fellegi-Sunter scorer over the registry's cases (blind indexes and codes only). */
#include "link/fs_cases.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum { F_NAMES, F_BIRTH, F_CITIZENSHIP, F_GENDER, F__COUNT };

static const struct fs_field case_fields[F__COUNT] = {
    {"names", FS_KIND_WORDS, false},
    {"birth_date", FS_KIND_EXACT, false},
    {"citizenship", FS_KIND_EXACT, true},
    {"gender", FS_KIND_EXACT, true},
};

static void hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The field values of one profile (names and birth in the caller's buffers). */
static void profile_values(const struct case_profile *p, char **names, char birth[65], const char *v[F__COUNT])
{
    *names = xmalloc(p->words_count * 65 + 1);
    (*names)[0] = '\0';
    for (size_t w = 0; w < p->words_count; w++) {
        hex(*names + w * 65, p->words[w], 32);
        (*names)[w * 65 + 64] = w + 1 < p->words_count ? ' ' : '\0';
    }
    if (p->has_birth) {
        hex(birth, p->birth, 32);
    }
    v[F_NAMES] = p->words_count ? *names : NULL;
    v[F_BIRTH] = p->has_birth ? birth : NULL;
    v[F_CITIZENSHIP] = p->citizenship[0] ? p->citizenship : NULL;
    v[F_GENDER] = p->gender[0] ? p->gender : NULL;
}

enum status link_fs_case_data(const struct case_profile *p, size_t count, struct fs_data **out)
{
    struct fs_data *d = NULL;
    enum status st = fs_data_new(&d, case_fields, F__COUNT);
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        char *names = NULL, birth[65], id[24];
        const char *v[F__COUNT];
        profile_values(&p[i], &names, birth, v);
        snprintf(id, sizeof id, "%" PRId64, p[i].id);
        st = fs_data_add(d, id, v);
        free(names);
    }
    if (st != STATUS_OK) {
        fs_data_free(d);
        d = NULL;
    }
    *out = d;
    return st;
}

/* Trains on d: candidates share a name word or the birth date; u from random pairs (EM would
 * take u of the blocked fields from pairs chosen for agreeing on them), m round robin over the
 * two rules. */
static enum status train(const struct fs_data *d, struct fs_model **model, struct link_pair **pairs, size_t *count)
{
    struct fs_rule rules[2] = {{1, {F_NAMES}}, {1, {F_BIRTH}}};
    enum status st = fs_block_pairs(d, rules, 2, pairs, count);
    if (st == STATUS_OK) {
        st = fs_train(d, *pairs, *count, &(struct fs_train_opts){.u_random = true, .rules = rules, .nrules = 2}, model);
    }
    if (st != STATUS_OK) {
        free(*pairs);
        *pairs = NULL;
        *count = 0;
    }
    return st;
}

enum status link_fs_case_model(const struct auth_ctx *ctx, struct fs_model **out)
{
    *out = NULL;
    struct case_profile *p = NULL;
    size_t n = 0;
    enum status st = case_profiles_readable(ctx, "duplicate model", &p, &n);
    struct fs_data *d = NULL;
    if (st == STATUS_OK) {
        st = link_fs_case_data(p, n, &d);
    }
    struct link_pair *pairs = NULL;
    size_t np = 0;
    if (st == STATUS_OK) {
        st = train(d, out, &pairs, &np);
    }
    free(pairs);
    fs_data_free(d);
    case_profiles_free(p, n);
    return st;
}

static double fs_case_score(const void *state, const struct case_profile *a, const struct case_profile *b, char *why,
                            size_t why_len)
{
    const struct fs_model *m = state;
    char *na = NULL, *nb = NULL, ba[65], bb[65];
    const char *va[F__COUNT], *vb[F__COUNT];
    profile_values(a, &na, ba, va);
    profile_values(b, &nb, bb, vb);
    char agree[80];
    double w = fs_weight_values(m, va, vb, agree, sizeof agree);
    double p = fs_probability(m, w);
    snprintf(why, why_len, "weight %.1f%s%s", w, agree[0] ? ": " : "", agree);
    free(na);
    free(nb);
    return p;
}

enum status link_fs_case_scorer_new(const struct auth_ctx *ctx, struct case_scorer **out)
{
    *out = NULL;
    struct fs_model *m = NULL;
    enum status st = link_fs_case_model(ctx, &m);
    if (st != STATUS_OK) {
        return st;
    }
    struct case_scorer *s = xcalloc(1, sizeof *s);
    s->name = "fs";
    s->score = fs_case_score;
    s->state = m;
    *out = s;
    return STATUS_OK;
}

void link_fs_case_scorer_free(struct case_scorer *s)
{
    if (s != NULL) {
        fs_model_free(s->state);
        free(s);
    }
}

/* The part of a deduplication run the registry and the suspects share, once the records are in
 * *data (st is the status so far): candidate pairs by the rules, the model trained on them (none
 * when there are no candidates), the pairs scored and kept at threshold, one audit entry with the
 * counts (record_type, "dedup <what>: N <what>, N pairs, N kept"); on failure everything out freed. */
static enum status dedup_finish(const struct auth_ctx *ctx, enum status st, const struct fs_rule *rules, size_t nrules,
                                double threshold, void (*progress)(const char *, int64_t, void *), const char *what,
                                const char *record_type, struct fs_data **data, struct fs_model **model,
                                struct link_pair **pairs, size_t *count)
{
    size_t candidates = 0;
    if (st == STATUS_OK) {
        st = fs_block_pairs(*data, rules, nrules, pairs, count);
        candidates = *count;
    }
    /* No candidates: nothing to train on or to write (the model stays NULL). */
    if (st == STATUS_OK && candidates > 0) {
        st = fs_train(*data, *pairs, *count,
                      &(struct fs_train_opts){.u_random = true, .rules = rules, .nrules = nrules}, model);
        if (st == STATUS_OK) {
            st = fs_score_pairs(*model, *data, *pairs, count, threshold, progress, NULL);
        }
    }
    if (st == STATUS_OK) {
        char detail[128];
        snprintf(detail, sizeof detail, "dedup %s: %zu %s, %zu pairs, %zu kept", what, (*data)->count, what, candidates,
                 *count);
        st = auth_audit(ctx, "link.run", record_type, 0, "ok", detail);
    }
    if (st != STATUS_OK) {
        fs_data_free(*data);
        fs_model_free(*model);
        free(*pairs);
        *data = NULL;
        *model = NULL;
        *pairs = NULL;
        *count = 0;
    }
    return st;
}

enum status link_fs_cases_dedup(const struct auth_ctx *ctx, double threshold,
                                void (*progress)(const char *, int64_t, void *), struct fs_data **data,
                                struct fs_model **model, struct link_pair **pairs, size_t *count)
{
    *data = NULL;
    *model = NULL;
    *pairs = NULL;
    *count = 0;
    /* One audit entry for the run, with its counts, at the end; a denial is audited at once. */
    enum status st = auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, false);
    if (st == STATUS_DENIED) {
        st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "dedup cases");
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
        return err_set_field(STATUS_INVALID, "threshold", "a match probability from 0 to 1");
    }
    struct case_profile *p = NULL;
    size_t n = 0;
    st = case_profiles_readable(ctx, NULL, &p, &n);
    if (st == STATUS_OK) {
        st = link_fs_case_data(p, n, data);
    }
    case_profiles_free(p, n);
    struct fs_rule rules[2] = {{1, {F_NAMES}}, {1, {F_BIRTH}}};
    return dedup_finish(ctx, st, rules, 2, threshold, progress, "cases", "case", data, model, pairs, count);
}

/* ---- the justice suspects ---- */

enum { S_NAME, S_KIND, S_SEX, S_BIRTH_YEAR, S_CITIZENSHIP, S__COUNT };

static const struct fs_field suspect_fields[S__COUNT] = {
    {"name", FS_KIND_EXACT, true},       {"kind", FS_KIND_EXACT, false},       {"sex", FS_KIND_EXACT, true},
    {"birth_year", FS_KIND_YEAR, false}, {"citizenship", FS_KIND_EXACT, true},
};

static enum status suspect_data(const struct justice_suspect_profile *p, size_t count, struct fs_data **out)
{
    struct fs_data *d = NULL;
    enum status st = fs_data_new(&d, suspect_fields, S__COUNT);
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        char name[65], year[16], id[24];
        const char *v[S__COUNT] = {NULL};
        if (p[i].has_name) {
            hex(name, p[i].name_bidx, sizeof p[i].name_bidx);
            v[S_NAME] = name;
        }
        v[S_KIND] = p[i].kind[0] ? p[i].kind : NULL;
        v[S_SEX] = p[i].sex[0] && strcmp(p[i].sex, "unknown") != 0 ? p[i].sex : NULL;
        if (p[i].birth_year > 0) {
            snprintf(year, sizeof year, "%d", p[i].birth_year);
            v[S_BIRTH_YEAR] = year;
        }
        v[S_CITIZENSHIP] = p[i].citizenship[0] ? p[i].citizenship : NULL;
        snprintf(id, sizeof id, "%" PRId64, p[i].id);
        st = fs_data_add(d, id, v);
    }
    if (st != STATUS_OK) {
        fs_data_free(d);
        d = NULL;
    }
    *out = d;
    return st;
}

enum status link_fs_suspects_dedup(const struct auth_ctx *ctx, double threshold,
                                   void (*progress)(const char *, int64_t, void *), struct fs_data **data,
                                   struct fs_model **model, struct link_pair **pairs, size_t *count)
{
    *data = NULL;
    *model = NULL;
    *pairs = NULL;
    *count = 0;
    enum status st = auth_decide(ctx, "link.run", NULL, AUTH_FG_NONE, false);
    if (st == STATUS_DENIED) {
        st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "dedup suspects");
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
        return err_set_field(STATUS_INVALID, "threshold", "a match probability from 0 to 1");
    }
    struct justice_suspect_profile *p = NULL;
    size_t n = 0;
    st = justice_suspect_profiles(ctx, NULL, &p, &n);
    if (st == STATUS_OK) {
        st = suspect_data(p, n, data);
    }
    free(p);
    struct fs_rule rules[2] = {{1, {S_NAME}}, {2, {S_BIRTH_YEAR, S_CITIZENSHIP}}};
    return dedup_finish(ctx, st, rules, 2, threshold, progress, "suspects", "investigation", data, model, pairs, count);
}
