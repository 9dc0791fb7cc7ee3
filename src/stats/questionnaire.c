/* questionnaire: the UNODC questionnaire's tables as an .xlsx workbook (questionnaire.h). */
#include "stats/questionnaire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "stats/release.h"
#include "stats/submission.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "xlsx/xlsx_write.h"

/* The questionnaire's vocabulary, as stats_figures writes it (UNODC's data file). */
#define IND_VICTIMS "Detected trafficking victims"
#define DIM_FORM "by form of exploitation"
#define DIM_CITIZENSHIP "by citizenship"
#define DIM_REPATRIATION "by country of repatriation"
#define TOTAL "Total"
#define ADULT "18 years or over"
#define CHILD "0 to 17 years"
#define UNKNOWN "Unknown"
#define REST NULL /* a category that is the total less the others */

#define CATS_MAX 8
#define YEARS_MAX SUBMISSION_YEARS_MAX

/* One category (a row): its label key and the figure it reads. */
struct cat {
    const char *id;  /* stable key of the row in a release */
    const char *key; /* i18n key of its label */
    const char *dim, *cat, *sex, *age;
};

/* One block of rows in a sheet. */
struct block {
    const char *id;        /* release inputs "table" */
    const char *key;       /* i18n label of the block (first column in two-label sheets) */
    const char *indicator; /* the figures' indicator */
    struct cat cats[CATS_MAX];
    size_t ncats;
    /* Countries found in the figures (NULL: none): the categories of this dimension other than
     * the fixed ones, by name, after the fixed categories; then the row `tail` (its id is the
     * figures' category, e.g. "Unknown"). */
    const char *countries;
    struct cat tail;
};

#define Q "questionnaire."
#define SEX_CATS(ind)                                                                                                  \
    {{"Female", Q "sex.female", TOTAL, TOTAL, "Female", TOTAL},                                                        \
     {"Male", Q "sex.male", TOTAL, TOTAL, "Male", TOTAL},                                                              \
     {"Unknown", Q "sex.unknown", REST, TOTAL, TOTAL, TOTAL}},                                                         \
        3, NULL,                                                                                                       \
    {                                                                                                                  \
        0                                                                                                              \
    }

static const struct block offenders[] = {
    {"offenders.contact", Q "stage.contact", "Persons brought into formal contact", SEX_CATS(0)},
    {"offenders.prosecuted", Q "stage.prosecuted", "Persons prosecuted", SEX_CATS(0)},
    {"offenders.convicted", Q "stage.convicted", "Persons convicted", SEX_CATS(0)},
};

#define FORM_CATS                                                                                                      \
    {{"Sexual exploitation", Q "form.sexual", DIM_FORM, "Sexual exploitation", TOTAL, TOTAL},                          \
     {"Forced labour", Q "form.labour", DIM_FORM, "Forced labour", TOTAL, TOTAL},                                      \
     {"Other forms of exploitation", Q "form.other", DIM_FORM, "Other forms of exploitation", TOTAL, TOTAL},           \
     {"Unknown", Q "unknown", DIM_FORM, UNKNOWN, TOTAL, TOTAL}},                                                       \
        4, NULL,                                                                                                       \
    {                                                                                                                  \
        0                                                                                                              \
    }

static const struct block convicted[] = {
    {"convicted.citizenship",
     Q "by_citizenship",
     "Persons convicted",
     {{"Nationals", Q "nationals", DIM_CITIZENSHIP, "Nationals", TOTAL, TOTAL},
      {"Foreigners", Q "foreigners", DIM_CITIZENSHIP, "Foreigners", TOTAL, TOTAL},
      {"Unknown", Q "unknown", DIM_CITIZENSHIP, UNKNOWN, TOTAL, TOTAL}},
     3,
     NULL,
     {0}},
    {"convicted.form", Q "by_form", "Persons convicted", FORM_CATS},
};

static const struct block victims[] = {
    {"victims.sex_age",
     Q "sheet.victims",
     IND_VICTIMS,
     {{"Women", Q "group.women", TOTAL, TOTAL, "Female", ADULT},
      {"Men", Q "group.men", TOTAL, TOTAL, "Male", ADULT},
      {"Girls", Q "group.girls", TOTAL, TOTAL, "Female", CHILD},
      {"Boys", Q "group.boys", TOTAL, TOTAL, "Male", CHILD},
      {"Other", Q "group.other", TOTAL, TOTAL, "Other", TOTAL},
      {"Unknown", Q "unknown", REST, TOTAL, TOTAL, TOTAL}},
     6,
     NULL,
     {0}},
};

static const struct block forms[] = {{"victims.form", Q "by_form", IND_VICTIMS, FORM_CATS}};

static const struct block citizens[] = {
    {"victims.citizenship",
     Q "by_citizenship",
     IND_VICTIMS,
     {{"Nationals", Q "nationals", DIM_CITIZENSHIP, "Nationals", TOTAL, TOTAL}},
     1,
     DIM_CITIZENSHIP,
     {UNKNOWN, Q "unknown", DIM_CITIZENSHIP, UNKNOWN, TOTAL, TOTAL}},
};

/* Nationals brought home, by the country they were exploited in ("Abroad": not recorded). */
static const struct block repatriated[] = {
    {"victims.repatriation",
     Q "sheet.repatriation",
     IND_VICTIMS,
     {{0}},
     0,
     DIM_REPATRIATION,
     {"Abroad", Q "abroad", DIM_REPATRIATION, "Abroad", TOTAL, TOTAL}},
};

struct sheet_def {
    const char *key; /* i18n key of the sheet's name */
    const char *first_col;
    const struct block *blocks;
    size_t nblocks;
    bool two_labels; /* a column naming the block before the category */
};

static const struct sheet_def sheets[] = {
    {Q "sheet.offenders", Q "col.stage", offenders, ARRAY_LEN(offenders), true},
    {Q "sheet.convicted", Q "col.dimension", convicted, ARRAY_LEN(convicted), true},
    {Q "sheet.victims", Q "col.group", victims, ARRAY_LEN(victims), false},
    {Q "sheet.forms", Q "col.form", forms, ARRAY_LEN(forms), false},
    {Q "sheet.citizenship", Q "col.citizenship", citizens, ARRAY_LEN(citizens), false},
    {Q "sheet.repatriation", Q "col.exploited_in", repatriated, ARRAY_LEN(repatriated), false},
};

struct qbuild {
    const struct auth_ctx *ctx;
    const struct questionnaire_spec *q;
    const char *lang;
    const char *country; /* ISO code */
    bool release;
    struct stats_release_spec spec;
    json_t *figures;  /* "ind|dim|cat|sex|age|year" -> value */
    json_t *releases; /* [{"id","table","sha256"}] */
    struct xlsx_book *book;
};

static const char *L(const struct qbuild *b, const char *key)
{
    return i18n_get(b->lang, key);
}

static int64_t figure(const struct qbuild *b, const char *ind, const char *dim, const char *cat, const char *sex,
                      const char *age, int year)
{
    char key[512];
    snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%d", ind, dim, cat, sex, age, year);
    return json_integer_value(json_object_get(b->figures, key));
}

static enum status figures_index(struct qbuild *b, const json_t *rows)
{
    b->figures = json_object();
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r)
    {
        char key[512];
        snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%d", json_string_value(json_object_get(r, "indicator")),
                 json_string_value(json_object_get(r, "dimension")), json_string_value(json_object_get(r, "category")),
                 json_string_value(json_object_get(r, "sex")), json_string_value(json_object_get(r, "age")),
                 (int)json_integer_value(json_object_get(r, "year")));
        if (json_object_set_new(b->figures, key, json_integer(json_integer_value(json_object_get(r, "value")))) != 0) {
            return err_set(STATUS_IO, "out of memory");
        }
    }
    return STATUS_OK;
}

/* A table's rows: ids, labels and exact counts [row][year]. */
struct table {
    size_t nrows, nyears;
    char **ids;
    char **labels;
    int64_t *counts; /* nrows * nyears */
};

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        free(t->ids[i]);
        free(t->labels[i]);
    }
    free(t->ids);
    free(t->labels);
    free(t->counts);
}

static void table_add(struct table *t, const char *id, const char *label)
{
    t->ids = xrealloc(t->ids, (t->nrows + 1) * sizeof *t->ids);
    t->labels = xrealloc(t->labels, (t->nrows + 1) * sizeof *t->labels);
    t->counts = xrealloc(t->counts, (t->nrows + 1) * t->nyears * sizeof *t->counts);
    memset(t->counts + t->nrows * t->nyears, 0, t->nyears * sizeof *t->counts);
    t->ids[t->nrows] = xstrdup(id);
    t->labels[t->nrows] = xstrdup(label);
    t->nrows++;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The countries of dimension bl->countries in the figures (other than the block's fixed
 * categories and its tail), sorted by their English name. */
static void countries_of(struct qbuild *b, const struct block *bl, struct table *t)
{
    json_t *seen = json_object();
    const char *k;
    json_t *v;
    char prefix[128];
    int pl = snprintf(prefix, sizeof prefix, "%s|%s|", bl->indicator, bl->countries);
    json_object_foreach(b->figures, k, v)
    {
        if (strncmp(k, prefix, (size_t)pl) != 0) {
            continue;
        }
        const char *cat = k + pl, *bar = strchr(cat, '|');
        char name[256];
        snprintf(name, sizeof name, "%.*s", bar != NULL ? (int)(bar - cat) : 0, cat);
        bool fixed = name[0] == '\0' || strcmp(name, bl->tail.cat) == 0;
        for (size_t c = 0; !fixed && c < bl->ncats; c++) {
            fixed = strcmp(name, bl->cats[c].cat) == 0;
        }
        if (!fixed) {
            json_object_set_new(seen, name, json_true());
        }
    }
    size_t n = json_object_size(seen), i = 0;
    const char **names = xcalloc(n ? n : 1, sizeof *names);
    json_object_foreach(seen, k, v)
    {
        names[i++] = k;
    }
    qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n; i++) {
        const char *code = NULL;
        const char *label = vocab_parse("country", names[i], &code) == STATUS_OK && code != NULL
                                ? vocab_label("country", code, b->lang)
                                : NULL;
        table_add(t, names[i], label != NULL ? label : names[i]);
        for (size_t y = 0; y < t->nyears; y++) {
            t->counts[(t->nrows - 1) * t->nyears + y] =
                figure(b, bl->indicator, bl->countries, names[i], TOTAL, TOTAL, b->q->year_from + (int)y);
        }
    }
    free(names);
    json_decref(seen);
}

static void table_of_block(struct qbuild *b, const struct block *bl, struct table *t)
{
    t->nyears = (size_t)(b->q->year_to - b->q->year_from + 1);
    for (size_t c = 0; c < bl->ncats; c++) {
        const struct cat *ct = &bl->cats[c];
        table_add(t, ct->id, L(b, ct->key));
        for (size_t y = 0; y < t->nyears; y++) {
            int year = b->q->year_from + (int)y;
            int64_t v = 0;
            if (ct->dim != REST) {
                v = figure(b, bl->indicator, ct->dim, ct->cat, ct->sex, ct->age, year);
            } else {
                v = figure(b, bl->indicator, TOTAL, TOTAL, TOTAL, TOTAL, year);
                for (size_t o = 0; o < bl->ncats; o++) {
                    if (o != c && bl->cats[o].dim != REST) {
                        const struct cat *oc = &bl->cats[o];
                        v -= figure(b, bl->indicator, oc->dim, oc->cat, oc->sex, oc->age, year);
                    }
                }
                v = v < 0 ? 0 : v;
            }
            t->counts[(t->nrows - 1) * t->nyears + y] = v;
        }
    }
    if (bl->countries != NULL) {
        countries_of(b, bl, t);
        table_add(t, bl->tail.id, L(b, bl->tail.key));
        for (size_t y = 0; y < t->nyears; y++) {
            t->counts[(t->nrows - 1) * t->nyears + y] =
                figure(b, bl->indicator, bl->tail.dim, bl->tail.cat, TOTAL, TOTAL, b->q->year_from + (int)y);
        }
    }
}

/* A cell of a release: a number, or a text such as "<5". */
static enum status put_count(struct xlsx_sheet *s, uint32_t row, uint32_t col, const json_t *c)
{
    if (json_is_integer(c)) {
        return xlsx_sheet_int(s, row, col, json_integer_value(c));
    }
    return xlsx_sheet_text(s, row, col, json_is_string(c) ? json_string_value(c) : "x", false);
}

/* Writes one block from row *row on; with a release, through stats_release. */
static enum status write_block(struct qbuild *b, struct xlsx_sheet *s, const struct sheet_def *sd,
                               const struct block *bl, uint32_t *row)
{
    struct table t = {0};
    table_of_block(b, bl, &t);
    uint32_t c0 = sd->two_labels ? 2 : 1;
    enum status st = STATUS_OK;
    json_t *rel = NULL;
    if (b->release) {
        struct stats_row *rows = xcalloc(t.nrows * t.nyears, sizeof *rows);
        char(*years)[8] = xcalloc(t.nyears, sizeof *years);
        for (size_t y = 0; y < t.nyears; y++) {
            snprintf(years[y], sizeof years[y], "%d", b->q->year_from + (int)y);
        }
        for (size_t r = 0; r < t.nrows; r++) {
            for (size_t y = 0; y < t.nyears; y++) {
                struct stats_row *sr = &rows[r * t.nyears + y];
                sr->keys[0] = t.ids[r];
                sr->keys[1] = years[y];
                sr->count = t.counts[r * t.nyears + y];
            }
        }
        static const char *const names[] = {"category", "year"};
        json_t *inputs = json_pack("{sssisiss}", "country", b->country, "year_from", b->q->year_from, "year_to",
                                   b->q->year_to, "table", bl->id);
        st = stats_release(b->ctx, QUESTIONNAIRE_DATASET, &b->spec, inputs, names, 2, rows, t.nrows * t.nyears, &rel);
        json_decref(inputs);
        free(rows);
        free(years);
        if (st == STATUS_OK) {
            const json_t *r = json_object_get(rel, "release");
            json_array_append_new(b->releases, json_pack("{sOsssO}", "id", json_object_get(r, "id"), "table", bl->id,
                                                         "sha256", json_object_get(r, "sha256")));
        }
    }
    const json_t *cells = rel ? json_object_get(rel, "rows") : NULL;
    const json_t *margins = rel ? json_object_get(rel, "margins") : NULL;
    for (size_t r = 0; st == STATUS_OK && r <= t.nrows; r++) {
        bool total_row = r == t.nrows;
        uint32_t at = *row + (uint32_t)r;
        if (sd->two_labels && r == 0) {
            st = xlsx_sheet_text(s, at, 0, L(b, bl->key), true);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(s, at, c0 - 1, total_row ? L(b, Q "total") : t.labels[r], total_row);
        }
        int64_t sum = 0;
        for (size_t y = 0; st == STATUS_OK && y <= t.nyears; y++) {
            bool total_col = y == t.nyears;
            uint32_t col = c0 + (uint32_t)y;
            if (rel != NULL) {
                const json_t *c =
                    total_row && total_col ? json_object_get(margins, "total")
                    : total_row ? json_object_get(json_array_get(json_object_get(margins, "columns"), y), "count")
                    : total_col ? json_object_get(json_array_get(json_object_get(margins, "rows"), r), "count")
                                : json_object_get(json_array_get(cells, r * t.nyears + y), "count");
                st = put_count(s, at, col, c);
            } else {
                int64_t v = 0;
                if (total_row && total_col) {
                    for (size_t i = 0; i < t.nrows * t.nyears; i++) {
                        v += t.counts[i];
                    }
                } else if (total_row) {
                    for (size_t i = 0; i < t.nrows; i++) {
                        v += t.counts[i * t.nyears + y];
                    }
                } else {
                    v = total_col ? sum : t.counts[r * t.nyears + y];
                }
                sum += total_col ? 0 : v;
                st = xlsx_sheet_int(s, at, col, v);
            }
        }
    }
    *row += (uint32_t)t.nrows + 2; /* the total row and a blank one */
    json_decref(rel);
    table_free(&t);
    return st;
}

static enum status write_sheet(struct qbuild *b, const struct sheet_def *sd, bool rtl)
{
    struct xlsx_sheet *s = NULL;
    enum status st = xlsx_sheet_add(b->book, L(b, sd->key), rtl, &s);
    size_t ny = (size_t)(b->q->year_to - b->q->year_from + 1);
    uint32_t c0 = sd->two_labels ? 2 : 1;
    char years[YEARS_MAX][8];
    const char *head[2 + YEARS_MAX + 1];
    size_t nh = 0;
    head[nh++] = L(b, sd->first_col);
    if (sd->two_labels) {
        head[nh++] = L(b, Q "col.category");
    }
    for (size_t y = 0; y < ny; y++) {
        snprintf(years[y], sizeof years[y], "%d", b->q->year_from + (int)y);
        head[nh++] = years[y];
    }
    head[nh++] = L(b, Q "total");
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(s, 0, head, nh);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(s, 0, c0 - 1, 30);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(s, c0, c0 + (uint32_t)ny, 10);
    }
    uint32_t row = 1;
    for (size_t i = 0; st == STATUS_OK && i < sd->nblocks; i++) {
        st = write_block(b, s, sd, &sd->blocks[i], &row);
    }
    return st;
}

static enum status write_cover(struct qbuild *b, struct xlsx_sheet *s)
{
    const char *cname = vocab_label("country", b->country, b->lang);
    char country[256], years[32], when[32], produced[64];
    snprintf(country, sizeof country, "%s (%s)", cname != NULL ? cname : b->country, b->country);
    snprintf(years, sizeof years, "%d-%d", b->q->year_from, b->q->year_to);
    util_time_iso(when, util_now_ms());
    snprintf(produced, sizeof produced, "ctis %s", CTIS_VERSION);
    char *method = NULL;
    if (b->release) {
        char thr[24];
        snprintf(thr, sizeof thr, "%lld", (long long)(b->spec.threshold ? b->spec.threshold : 5));
        method = i18n_format(b->lang, strcmp(b->spec.method, "round") == 0 ? Q "method.round" : Q "method.suppress",
                             "threshold", thr, NULL);
    } else {
        method = xstrdup(L(b, Q "method.exact"));
    }
    const char *labels[] = {L(b, Q "country"), L(b, Q "years"), L(b, Q "produced_by"), L(b, Q "produced_at"),
                            L(b, Q "method")};
    const char *values[] = {country, years, produced, when, method};
    enum status st = xlsx_sheet_text(s, 0, 0, L(b, Q "title"), true);
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(labels); i++) {
        st = xlsx_sheet_text(s, 2 + (uint32_t)i, 0, labels[i], true);
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(s, 2 + (uint32_t)i, 1, values[i], false);
        }
    }
    free(method);
    uint32_t row = 2 + (uint32_t)ARRAY_LEN(labels);
    if (st == STATUS_OK && b->release) {
        st = xlsx_sheet_text(s, row, 0, L(b, Q "releases"), true);
        size_t i;
        const json_t *r;
        json_array_foreach(b->releases, i, r)
        {
            char line[128];
            snprintf(line, sizeof line, "%s: %lld", json_string_value(json_object_get(r, "table")),
                     (long long)json_integer_value(json_object_get(r, "id")));
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(s, row++, 1, line, false);
            }
        }
        if (json_array_size(b->releases) == 0) {
            row++;
        }
    }
    static const char *const notes[] = {Q "note.definition", Q "note.forms", Q "note.years"};
    row++;
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(notes); i++) {
        st = xlsx_sheet_text(s, row++, 0, L(b, notes[i]), false);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(s, 0, 0, 32);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(s, 1, 1, 70);
    }
    return st;
}

enum status stats_questionnaire(const struct auth_ctx *ctx, const struct questionnaire_spec *q, const char *path,
                                char **data, size_t *len, json_t **releases)
{
    if (data != NULL) {
        *data = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (releases != NULL) {
        *releases = NULL;
    }
    struct qbuild b = {.ctx = ctx, .q = q, .lang = q->lang != NULL ? q->lang : "en"};
    enum status st = STATUS_OK;
    if (!i18n_lang_valid(b.lang)) {
        st = err_set_field(STATUS_INVALID, "lang", "lang: one of ar, en, es, fr, ru, zh");
    }
    if (st == STATUS_OK && (q->country == NULL || vocab_parse("country", q->country, &b.country) != STATUS_OK)) {
        st = err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 country code");
    }
    if (st == STATUS_OK && q->release != NULL) {
        bool wanted = false;
        st = stats_release_spec_parse(q->release, NULL, q->threshold, &b.spec, &wanted);
        if (st == STATUS_OK && strcmp(b.spec.method, "dp") == 0) {
            st = err_set_field(STATUS_INVALID, "release", "release: suppress or round for the questionnaire");
        }
        b.release = wanted;
    } else if (st == STATUS_OK && q->threshold != NULL) {
        st = err_set_field(STATUS_INVALID, "threshold", "threshold: only with a release");
    }
    if (st == STATUS_OK && b.release) {
        st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, "questionnaire workbook");
    }
    json_t *rows = NULL;
    if (st == STATUS_OK) {
        struct submission_build sb = {q->country, q->year_from, q->year_to};
        st = stats_figures(ctx, &sb, &rows);
    }
    if (st == STATUS_OK) {
        st = figures_index(&b, rows);
    }
    json_decref(rows);
    b.releases = json_array();
    if (st == STATUS_OK) {
        st = xlsx_book_new(path, &b.book);
    }
    bool rtl = i18n_is_rtl(b.lang);
    struct xlsx_sheet *cover = NULL;
    if (st == STATUS_OK) {
        st = xlsx_sheet_add(b.book, L(&b, Q "sheet.cover"), rtl, &cover);
    }
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(sheets); i++) {
        st = write_sheet(&b, &sheets[i], rtl);
    }
    if (st == STATUS_OK) {
        st = write_cover(&b, cover);
    }
    st = xlsx_book_finish(b.book, st, data, len);
    json_decref(b.figures);
    if (st == STATUS_OK && releases != NULL) {
        *releases = b.releases;
    } else {
        json_decref(b.releases);
    }
    return st;
}
