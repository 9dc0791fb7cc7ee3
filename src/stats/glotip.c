/* glotip: import and queries of UNODC's published national data (see glotip.h). */
#include "stats/glotip.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/cases.h"
#include "cases/csv.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "xlsx/xlsx_read.h"

static const char *const state_names[] = {"ok", "suppressed", "suspect"};
static const char *const reason_names[] = {"",     "date_like", "questionnaire_code", "mis_encoded", "unparseable",
                                           "empty"};

const char *glotip_state_name(enum glotip_state s)
{
    return state_names[s];
}

const char *glotip_reason_name(enum glotip_reason r)
{
    return reason_names[r];
}

/* ---- values and categories ---------------------------------------------------------------- */

/* Copies text without surrounding white space (and non-breaking spaces) into out. */
static void trim_copy(char *out, size_t cap, const char *text)
{
    while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n' ||
           ((unsigned char)text[0] == 0xC2 && (unsigned char)text[1] == 0xA0)) {
        text += (unsigned char)text[0] == 0xC2 ? 2 : 1;
    }
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n' ||
                     (n >= 2 && (unsigned char)text[n - 2] == 0xC2 && (unsigned char)text[n - 1] == 0xA0))) {
        n -= (unsigned char)text[n - 1] == 0xA0 && n >= 2 && (unsigned char)text[n - 2] == 0xC2 ? 2 : 1;
    }
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, text, n);
    out[n] = '\0';
}

enum glotip_state glotip_value_parse(const char *text, int64_t *value, enum glotip_reason *reason)
{
    char t[64];
    *value = 0;
    *reason = GLOTIP_REASON_NONE;
    if (strlen(text) >= sizeof t) {
        *reason = GLOTIP_REASON_UNPARSEABLE;
        return GLOTIP_SUSPECT;
    }
    trim_copy(t, sizeof t, text);
    if (t[0] == '\0') {
        *reason = GLOTIP_REASON_EMPTY;
        return GLOTIP_SUSPECT;
    }
    if (strcmp(t, "<5") == 0 || strcmp(t, "< 5") == 0) {
        return GLOTIP_SUPPRESSED;
    }
    /* Digits, with thousands separators in groups of three, and an optional ".0..." fraction
     * (a number a spreadsheet wrote as a decimal). */
    char digits[32];
    size_t nd = 0, group = 0, p = 0;
    bool commas = false;
    for (; t[p] != '\0' && t[p] != '.'; p++) {
        if (t[p] >= '0' && t[p] <= '9') {
            if (nd + 1 >= sizeof digits) {
                *reason = GLOTIP_REASON_UNPARSEABLE;
                return GLOTIP_SUSPECT;
            }
            digits[nd++] = t[p];
            group++;
        } else if (t[p] == ',' && nd > 0 && (commas ? group == 3 : group <= 3)) {
            commas = true;
            group = 0;
        } else {
            *reason = GLOTIP_REASON_UNPARSEABLE;
            return GLOTIP_SUSPECT;
        }
    }
    if (nd == 0 || (commas && group != 3)) {
        *reason = GLOTIP_REASON_UNPARSEABLE;
        return GLOTIP_SUSPECT;
    }
    if (t[p] == '.') {
        for (p++; t[p] == '0'; p++) {
        }
        if (t[p] != '\0') {
            *reason = GLOTIP_REASON_UNPARSEABLE;
            return GLOTIP_SUSPECT;
        }
    }
    digits[nd] = '\0';
    if (nd > 15) {
        *reason = GLOTIP_REASON_UNPARSEABLE;
        return GLOTIP_SUSPECT;
    }
    int64_t v = strtoll(digits, NULL, 10);
    /* A date typed into a count cell: "6,112,019" (6/11/2019), "61,102,019": seven or more
     * digits ending in a plausible year. */
    if (nd >= 7) {
        int64_t year = v % 10000;
        if (year >= 1990 && year <= 2035) {
            *reason = GLOTIP_REASON_DATE_LIKE;
            return GLOTIP_SUSPECT;
        }
    }
    *value = v;
    return GLOTIP_OK;
}

bool glotip_questionnaire_code(const char *text)
{
    char t[FIELD_TEXT_BYTES_MAX];
    trim_copy(t, sizeof t, text);
    /* "Q6.1_10s_2019": Q, a question number (digits and dots), then an underscore. */
    if ((t[0] != 'Q' && t[0] != 'q') || !isdigit((unsigned char)t[1])) {
        return false;
    }
    size_t i = 1;
    while (isdigit((unsigned char)t[i]) || t[i] == '.') {
        i++;
    }
    return t[i] == '_' || t[i] == '\0';
}

bool glotip_mis_encoded(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    for (; *s; s++) {
        if (s[0] == 0xEF && s[1] == 0xBF && s[2] == 0xBD) {
            return true; /* U+FFFD, the replacement character */
        }
        /* "Ã" or "Â" followed by a character U+0080..U+00BF: UTF-8 read as Latin-1 ("paÃ­s"). */
        if (s[0] == 0xC3 && (s[1] == 0x83 || s[1] == 0x82) && s[2] == 0xC2 && s[3] >= 0x80 && s[3] <= 0xBF) {
            return true;
        }
    }
    return false;
}

static bool is_total(const char *s)
{
    return strcasecmp(s, "Total") == 0;
}

static bool citizenship_dimension(const char *dimension)
{
    return strcasestr(dimension, "citizenship") != NULL || strcasestr(dimension, "repatriation") != NULL;
}

/* Words UNODC's files use for the reporting country's own nationals. */
static const char *const own_nationals[] = {"nationals", "own nationals",           "own citizens",
                                            "citizens",  "national citizens",       "citizens of the country",
                                            "domestic",  "ciudadanos de su país",   "ciudadanos del país",
                                            "nationaux", "ressortissants nationaux"};

const char *glotip_category_iso3(const char *category, const char *row_iso3)
{
    char t[NAME_BYTES_MAX];
    trim_copy(t, sizeof t, category);
    if (t[0] == '\0' || is_total(t)) {
        return NULL;
    }
    const char *code = NULL;
    if (vocab_parse("country", t, &code) == STATUS_OK) {
        return code;
    }
    err_clear();
    char low[NAME_BYTES_MAX];
    size_t n = strlen(t);
    for (size_t i = 0; i <= n; i++) {
        low[i] = (char)tolower((unsigned char)t[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(own_nationals); i++) {
        if (strcmp(low, own_nationals[i]) == 0) {
            return row_iso3[0] && vocab_index("country", row_iso3) >= 0
                       ? vocab_code("country", (size_t)vocab_index("country", row_iso3))
                       : NULL;
        }
    }
    const char *iso = glotip_demonym_iso3(low);
    if (iso == NULL && n > 1 && low[n - 1] == 's') { /* plural: "Nigerians", "Filipinos" */
        low[n - 1] = '\0';
        iso = glotip_demonym_iso3(low);
        if (iso == NULL && n > 2 && low[n - 2] == 'e') { /* "Portuguese" has none, "Swisses" never; "-es" */
            low[n - 2] = '\0';
            iso = glotip_demonym_iso3(low);
        }
    }
    return iso;
}

/* ---- import ------------------------------------------------------------------------------- */

enum col {
    COL_ISO3,
    COL_COUNTRY,
    COL_REGION,
    COL_SUBREGION,
    COL_INDICATOR,
    COL_DIMENSION,
    COL_CATEGORY,
    COL_SEX,
    COL_AGE,
    COL_YEAR,
    COL_UNIT,
    COL_VALUE,
    COL_SOURCE,
    COL__COUNT
};
static const char *const col_names[] = {"Iso3_code",           "Country",  "Region", "Subregion", "Indicator",
                                        "Dimension",           "Category", "Sex",    "Age",       "Year",
                                        "Unit of measurement", "txtVALUE", "Source"};

struct run {
    const struct auth_ctx *ctx;
    const char *name;
    struct glotip_summary *sum;
    int stage; /* rows seen of the three metadata rows: 0 none, 1 "UNODC", 2 date, 3 header */
    size_t at[COL__COUNT];
    char **unmapped; /* one per unmapped row, counted at the end */
    size_t unmapped_n, unmapped_cap;
};

static int64_t excel_days_to_date(int64_t serial, char out[32])
{
    /* Excel's day 0 is 1899-12-30 (counting its 1900 leap-year bug). */
    int64_t ms = (serial - 25569) * 86400000LL;
    util_time_iso(out, ms);
    out[10] = '\0';
    return ms;
}

static enum status header_row(struct run *r, int64_t line, const char *const *cells, size_t n)
{
    for (size_t c = 0; c < COL__COUNT; c++) {
        r->at[c] = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            char t[NAME_BYTES_MAX];
            trim_copy(t, sizeof t, cells[i]);
            if (strcasecmp(t, col_names[c]) == 0) {
                r->at[c] = i;
                break;
            }
        }
        if (r->at[c] == SIZE_MAX) {
            return err_set_field(STATUS_INVALID, col_names[c], "%s: line %lld: the header has no column \"%s\"",
                                 r->name, (long long)line, col_names[c]);
        }
    }
    return STATUS_OK;
}

static enum status data_row(struct run *r, int64_t line, const char *const *cells, size_t n)
{
    bool blank = true;
    for (size_t i = 0; i < n && blank; i++) {
        blank = cells[i][0] == '\0';
    }
    if (blank) {
        return STATUS_OK;
    }
    if (r->sum->rows >= GLOTIP_ROWS_MAX) {
        return err_set(STATUS_TOO_LARGE, "%s: more than %d data rows", r->name, GLOTIP_ROWS_MAX);
    }
    char *v[COL__COUNT];
    for (size_t c = 0; c < COL__COUNT; c++) {
        const char *cell = r->at[c] < n ? cells[r->at[c]] : "";
        if (strlen(cell) > FIELD_TEXT_BYTES_MAX) {
            for (size_t k = 0; k < c; k++) {
                free(v[k]);
            }
            return err_set_field(STATUS_TOO_LARGE, col_names[c], "%s: line %lld, field %s: longer than %d bytes",
                                 r->name, (long long)line, col_names[c], FIELD_TEXT_BYTES_MAX);
        }
        v[c] = xmalloc(strlen(cell) + 1);
        trim_copy(v[c], strlen(cell) + 1, cell);
    }
    enum status st = STATUS_OK;
    int64_t year = 0;
    if (util_parse_i64(&year, v[COL_YEAR]) != STATUS_OK || year < 1900 || year > 2100) {
        /* "2019.0" from a spreadsheet's number */
        char *end = NULL;
        double d = strtod(v[COL_YEAR], &end);
        if (end != v[COL_YEAR] && *end == '\0' && d >= 1900 && d <= 2100 && d == (double)(int64_t)d) {
            year = (int64_t)d;
        } else {
            st = err_set_field(STATUS_INVALID, "Year", "%s: line %lld, field Year: not a year", r->name,
                               (long long)line);
        }
    }
    if (st == STATUS_OK && v[COL_INDICATOR][0] == '\0') {
        st = err_set_field(STATUS_INVALID, "Indicator", "%s: line %lld, field Indicator: empty", r->name,
                           (long long)line);
    }
    if (st == STATUS_OK && v[COL_ISO3][0] == '\0' && v[COL_COUNTRY][0] == '\0') {
        st = err_set_field(STATUS_INVALID, "Iso3_code", "%s: line %lld, field Iso3_code: no country", r->name,
                           (long long)line);
    }
    if (st == STATUS_OK) {
        int64_t value = 0;
        enum glotip_reason reason = GLOTIP_REASON_NONE;
        enum glotip_state state = glotip_value_parse(v[COL_VALUE], &value, &reason);
        if (reason == GLOTIP_REASON_NONE && glotip_questionnaire_code(v[COL_CATEGORY])) {
            reason = GLOTIP_REASON_QUESTIONNAIRE_CODE;
        }
        for (size_t c = 0; c < COL__COUNT && reason == GLOTIP_REASON_NONE; c++) {
            if (glotip_mis_encoded(v[c])) {
                reason = GLOTIP_REASON_MIS_ENCODED;
            }
        }
        if (reason != GLOTIP_REASON_NONE) {
            state = GLOTIP_SUSPECT;
        }
        const char *iso = NULL;
        if (citizenship_dimension(v[COL_DIMENSION]) && !is_total(v[COL_CATEGORY])) {
            iso = glotip_category_iso3(v[COL_CATEGORY], v[COL_ISO3]);
            if (iso != NULL) {
                r->sum->mapped++;
            } else {
                if (r->unmapped_n == r->unmapped_cap) {
                    r->unmapped_cap = r->unmapped_cap ? r->unmapped_cap * 2 : 64;
                    r->unmapped = xrealloc(r->unmapped, r->unmapped_cap * sizeof *r->unmapped);
                }
                r->unmapped[r->unmapped_n++] = xstrdup(v[COL_CATEGORY]);
            }
        }
        struct sql_value a[] = {SQLV_I64(r->sum->import_id),   SQLV_I64(line),
                                sqlv_text(v[COL_ISO3]),        sqlv_text(v[COL_COUNTRY]),
                                sqlv_text(v[COL_REGION]),      sqlv_text(v[COL_SUBREGION]),
                                sqlv_text(v[COL_INDICATOR]),   sqlv_text(v[COL_DIMENSION]),
                                sqlv_text(v[COL_CATEGORY]),    sqlv_text(v[COL_SEX]),
                                sqlv_text(v[COL_AGE]),         SQLV_I64(year),
                                sqlv_text(v[COL_UNIT]),        sqlv_text(v[COL_VALUE]),
                                sqlv_text(v[COL_SOURCE]),      state == GLOTIP_OK ? SQLV_I64(value) : SQLV_NULL,
                                sqlv_text(state_names[state]), sqlv_text(reason_names[reason]),
                                sqlv_text(iso ? iso : "")};
        st = store_exec(r->ctx->store, STMT_GLOTIP_ROW_INSERT, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK) {
            r->sum->rows++;
            r->sum->ok += state == GLOTIP_OK;
            r->sum->suppressed += state == GLOTIP_SUPPRESSED;
            r->sum->suspect += state == GLOTIP_SUSPECT;
            r->sum->by_reason[reason]++;
        }
    }
    for (size_t c = 0; c < COL__COUNT; c++) {
        free(v[c]);
    }
    return st;
}

static enum status on_row(void *arg, int64_t line, const char *const *cells, size_t n)
{
    struct run *r = arg;
    char t[32];
    if (line == 1) {
        trim_copy(t, sizeof t, n > 0 ? cells[0] : "");
        if (strcmp(t, "UNODC") != 0) {
            return err_set(STATUS_INVALID, "%s: line 1: \"UNODC\" expected (a GLOTIP data portal file)", r->name);
        }
        r->stage = 1;
        return STATUS_OK;
    }
    if (line == 2) {
        trim_copy(t, sizeof t, n > 0 ? cells[0] : "");
        int64_t serial = 0;
        if (util_parse_i64(&serial, t) == STATUS_OK && serial > 20000 && serial < 100000) {
            excel_days_to_date(serial, r->sum->source_date);
        } else {
            snprintf(r->sum->source_date, sizeof r->sum->source_date, "%s", t);
        }
        r->stage = 2;
        return STATUS_OK;
    }
    if (line == 3) {
        if (r->stage != 2) {
            return err_set(STATUS_INVALID, "%s: line %d: \"UNODC\" and the date expected above the header", r->name,
                           r->stage == 0 ? 1 : 2);
        }
        r->stage = 3;
        return header_row(r, line, cells, n);
    }
    if (r->stage != 3) {
        return err_set(STATUS_INVALID, "%s: line 3: the header row is missing", r->name);
    }
    return data_row(r, line, cells, n);
}

static enum status read_csv(struct run *r, const void *data, size_t len)
{
    FILE *in = fmemopen((void *)(len ? data : ""), len ? len : 1, "rb");
    if (in == NULL) {
        return err_set(STATUS_IO, "%s: cannot read", r->name);
    }
    if (len == 0) {
        fgetc(in); /* an empty file: nothing to read */
    }
    struct csv_reader *cr = csv_reader_new(in);
    enum status st;
    while ((st = csv_reader_next(cr)) == STATUS_OK) {
        size_t n = csv_reader_count(cr);
        const char **cells = xcalloc(n ? n : 1, sizeof *cells);
        for (size_t i = 0; i < n; i++) {
            cells[i] = csv_reader_field(cr, i);
        }
        st = on_row(r, csv_reader_line(cr), cells, n);
        free(cells);
        if (st != STATUS_OK) {
            break;
        }
    }
    if (st != STATUS_DONE && st != STATUS_OK) {
        if (strncmp(err_last(), r->name, strlen(r->name)) != 0) {
            char msg[ERR_MESSAGE_BYTES_MAX];
            snprintf(msg, sizeof msg, "%s", err_last());
            st = err_set_field(st, err_last_field(), "%s: %s", r->name, msg);
        }
    } else {
        st = STATUS_OK;
    }
    csv_reader_free(cr);
    fclose(in);
    return st;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int unmapped_cmp(const void *a, const void *b)
{
    const struct glotip_unmapped *x = a, *y = b;
    if (x->rows != y->rows) {
        return x->rows > y->rows ? -1 : 1;
    }
    return strcmp(x->category, y->category);
}

/* The unmapped categories, distinct, with their row counts. */
static void count_unmapped(struct run *r)
{
    struct glotip_summary *s = r->sum;
    if (r->unmapped_n == 0) {
        return;
    }
    qsort(r->unmapped, r->unmapped_n, sizeof *r->unmapped, str_cmp);
    s->unmapped = xcalloc(r->unmapped_n, sizeof *s->unmapped);
    for (size_t i = 0; i < r->unmapped_n; i++) {
        if (s->unmapped_count > 0 && strcmp(s->unmapped[s->unmapped_count - 1].category, r->unmapped[i]) == 0) {
            s->unmapped[s->unmapped_count - 1].rows++;
            free(r->unmapped[i]);
        } else {
            s->unmapped[s->unmapped_count++] = (struct glotip_unmapped){r->unmapped[i], 1};
        }
        r->unmapped[i] = NULL;
    }
    qsort(s->unmapped, s->unmapped_count, sizeof *s->unmapped, unmapped_cmp);
}

void glotip_summary_clear(struct glotip_summary *s)
{
    for (size_t i = 0; i < s->unmapped_count; i++) {
        free(s->unmapped[i].category);
    }
    free(s->unmapped);
    memset(s, 0, sizeof *s);
}

enum status glotip_import(const struct auth_ctx *ctx, const char *name, const void *data, size_t len,
                          struct glotip_summary *out)
{
    memset(out, 0, sizeof *out);
    enum status st = auth_check(ctx, "case.write", NULL, AUTH_FG_NONE, true, "glotip import");
    if (st != STATUS_OK) {
        return st;
    }
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    struct vault_sha256 h;
    vault_sha256_init(&h);
    vault_sha256_update(&h, data, len);
    uint8_t digest[VAULT_SHA256_BYTES];
    vault_sha256_final(&h, digest);
    util_hex_encode(out->sha256, digest, sizeof digest);
    struct sql_value sa[] = {sqlv_text(out->sha256)};
    struct store_rows *rows = NULL;
    st = store_exec_one(ctx->store, STMT_GLOTIP_IMPORT_BY_SHA, sa, 1, &rows);
    if (st == STATUS_OK) {
        int64_t prior = store_rows_i64(rows, 0);
        store_rows_free(rows);
        return err_set(STATUS_CONFLICT, "%s: this file was imported before (import %lld)", base, (long long)prior);
    }
    if (st != STATUS_NOT_FOUND) {
        return st;
    }
    out->import_id = vault_random_id();
    struct sql_value ia[] = {SQLV_I64(out->import_id),     sqlv_text(base),
                             sqlv_text(out->sha256),       sqlv_text(""),
                             SQLV_I64(util_now_ms()),      ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                             sqlv_text(ctx->who->username)};
    st = store_exec(ctx->store, STMT_GLOTIP_IMPORT_INSERT, ia, ARRAY_LEN(ia), NULL);
    struct run r = {.ctx = ctx, .name = base, .sum = out};
    if (st == STATUS_OK) {
        bool zip = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
        st = zip ? xlsx_read_mem(data, len, NULL, on_row, &r) : read_csv(&r, data, len);
        if (st == STATUS_OK && r.stage < 3) {
            st = err_set(STATUS_INVALID, "%s: no header row (row 3)", base);
        }
        if (st != STATUS_OK && zip && strncmp(err_last(), base, strlen(base)) != 0) {
            char msg[ERR_MESSAGE_BYTES_MAX];
            snprintf(msg, sizeof msg, "%s", err_last());
            st = err_set_field(st, err_last_field(), "%s: %s", base, msg);
        }
    }
    count_unmapped(&r);
    for (size_t i = 0; i < r.unmapped_n; i++) {
        free(r.unmapped[i]);
    }
    free(r.unmapped);
    if (st == STATUS_OK) {
        int64_t unmapped_rows = 0;
        for (size_t i = 0; i < out->unmapped_count; i++) {
            unmapped_rows += out->unmapped[i].rows;
        }
        struct sql_value ca[] = {SQLV_I64(out->import_id),
                                 sqlv_text(out->source_date),
                                 SQLV_I64(out->rows),
                                 SQLV_I64(out->ok),
                                 SQLV_I64(out->suppressed),
                                 SQLV_I64(out->suspect),
                                 SQLV_I64(out->by_reason[GLOTIP_REASON_DATE_LIKE]),
                                 SQLV_I64(out->by_reason[GLOTIP_REASON_QUESTIONNAIRE_CODE]),
                                 SQLV_I64(out->by_reason[GLOTIP_REASON_MIS_ENCODED]),
                                 SQLV_I64(out->by_reason[GLOTIP_REASON_UNPARSEABLE]),
                                 SQLV_I64(out->by_reason[GLOTIP_REASON_EMPTY]),
                                 SQLV_I64(out->mapped),
                                 SQLV_I64(unmapped_rows)};
        st = store_exec(ctx->store, STMT_GLOTIP_IMPORT_COUNTS, ca, ARRAY_LEN(ca), NULL);
    }
    if (st == STATUS_OK) {
        char detail[AUDIT_DETAIL_BYTES_MAX];
        snprintf(detail, sizeof detail, "file=%.64s sha256=%s rows=%lld ok=%lld suppressed=%lld suspect=%lld", base,
                 out->sha256, (long long)out->rows, (long long)out->ok, (long long)out->suppressed,
                 (long long)out->suspect);
        st = auth_audit(ctx, "stats.glotip_import", "glotip_import", out->import_id, "ok", detail);
    }
    if (st != STATUS_OK) {
        char sha[65];
        memcpy(sha, out->sha256, sizeof sha);
        glotip_summary_clear(out);
        memcpy(out->sha256, sha, sizeof sha);
    }
    return st;
}

json_t *glotip_summary_json(const struct glotip_summary *s)
{
    json_t *reasons = json_object();
    for (size_t i = 1; i < GLOTIP_REASON__COUNT; i++) {
        json_object_set_new(reasons, reason_names[i], json_integer(s->by_reason[i]));
    }
    json_t *unmapped = json_array();
    for (size_t i = 0; i < s->unmapped_count && i < GLOTIP_UNMAPPED_REPORTED_MAX; i++) {
        json_array_append_new(unmapped, json_pack("{sssI}", "category", s->unmapped[i].category, "rows",
                                                  (json_int_t)s->unmapped[i].rows));
    }
    return json_pack("{sIsssssssIsIsIsIsosIsosI}", "import_id", (json_int_t)s->import_id, "sha256", s->sha256,
                     "source_date", s->source_date, "source_date_note", "row 2 of the file", "rows",
                     (json_int_t)s->rows, "ok", (json_int_t)s->ok, "suppressed", (json_int_t)s->suppressed, "suspect",
                     (json_int_t)s->suspect, "suspect_by_reason", reasons, "mapped_categories", (json_int_t)s->mapped,
                     "unmapped_categories", unmapped, "unmapped_distinct", (json_int_t)s->unmapped_count);
}

/* ---- queries ------------------------------------------------------------------------------ */

/* Columns of GLOTIP_SCAN, in the order of `fields`. */
static const char *const fields[] = {"country", "iso3", "region", "subregion", "year", "sex", "age", "category"};
enum { S_COUNTRY, S_ISO3, S_REGION, S_SUBREGION, S_YEAR, S_SEX, S_AGE, S_CATEGORY, S_DIMENSION, S_VALUE, S_STATE };

static int field_index(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
        if (strcmp(fields[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool glotip_field_known(const char *name)
{
    return field_index(name) >= 0;
}

static bool grouped_by(const struct glotip_query *q, int f)
{
    for (size_t i = 0; i < q->by_count; i++) {
        if (field_index(q->by[i]) == f) {
            return true;
        }
    }
    return false;
}

static int row_cmp(const void *a, const void *b)
{
    const struct glotip_stat_row *x = a, *y = b;
    for (size_t i = 0; i < GLOTIP_BY_MAX && x->keys[i] != NULL; i++) {
        int c = strcmp(x->keys[i], y->keys[i]);
        if (c != 0) {
            return c;
        }
    }
    return 0;
}

void glotip_stats_free(struct glotip_stat_row *rows, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; k < GLOTIP_BY_MAX; k++) {
            free(rows[i].keys[k]);
        }
    }
    free(rows);
}

#define GLOTIP_GROUPS_MAX 100000

/* The instance's own detected victims beside the groups (iso3 and year only). */
static enum status compare_instance(const struct auth_ctx *ctx, const struct glotip_query *q,
                                    struct glotip_stat_row *rows, size_t n)
{
    const char *by[2];
    for (size_t i = 0; i < q->by_count; i++) {
        by[i] = strcmp(q->by[i], "iso3") == 0 ? "exploitation_country" : "year";
    }
    struct case_stat_row *cs = NULL;
    size_t cn = 0;
    enum status st = case_stats_victims(ctx, by, q->by_count, 0, 0, &cs, &cn);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        rows[i].has_instance = true;
        rows[i].instance = 0;
        for (size_t j = 0; j < cn; j++) {
            bool same = true;
            for (size_t k = 0; k < q->by_count && same; k++) {
                same = strcmp(rows[i].keys[k], cs[j].keys[k]) == 0;
            }
            if (same) {
                rows[i].instance += cs[j].count;
            }
        }
    }
    case_stats_free(cs, cn);
    return st;
}

enum status glotip_stats(const struct auth_ctx *ctx, const struct glotip_query *q, struct glotip_stat_row **out,
                         size_t *count_out, int64_t *import_id_out)
{
    *out = NULL;
    *count_out = 0;
    *import_id_out = 0;
    if (q->indicator == NULL || q->indicator[0] == '\0') {
        return err_set_field(STATUS_INVALID, "indicator",
                             "indicator: required (e.g. \"Detected trafficking victims\")");
    }
    if (q->by_count < 1 || q->by_count > GLOTIP_BY_MAX) {
        return err_set_field(STATUS_INVALID, "by",
                             "by: one to four of country, iso3, region, subregion, year, sex, age, category");
    }
    for (size_t i = 0; i < q->by_count; i++) {
        if (!glotip_field_known(q->by[i])) {
            return err_set_field(STATUS_INVALID, "by", "by: unknown field \"%.32s\"", q->by[i]);
        }
    }
    if (q->compare) {
        bool ok = strcasecmp(q->indicator, "Detected trafficking victims") == 0 && q->dimension == NULL;
        for (size_t i = 0; i < q->by_count && ok; i++) {
            ok = strcmp(q->by[i], "iso3") == 0 || strcmp(q->by[i], "year") == 0;
        }
        if (!ok) {
            return err_set_field(STATUS_INVALID, "compare",
                                 "compare: only for \"Detected trafficking victims\" by iso3 and/or year, without a "
                                 "dimension");
        }
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "glotip");
    if (st != STATUS_OK) {
        return st;
    }
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_GLOTIP_LATEST, NULL, 0, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no GLOTIP data imported (ctis import glotip FILE)");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t import_id = store_rows_i64(r, 0);
    store_rows_free(r);
    struct sql_value a[] = {SQLV_I64(import_id), sqlv_text(q->indicator), SQLV_I64(q->year_from ? q->year_from : 0),
                            SQLV_I64(q->year_to ? q->year_to : 9999)};
    st = store_exec(ctx->store, STMT_GLOTIP_SCAN, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    bool free_sex = grouped_by(q, S_SEX), free_age = grouped_by(q, S_AGE), by_cat = grouped_by(q, S_CATEGORY);
    struct glotip_stat_row *rows = NULL;
    uint64_t *hashes = NULL;
    size_t *index = NULL;
    size_t n = 0, cap = 0, index_cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        const char *dim = store_rows_text(r, S_DIMENSION), *cat = store_rows_text(r, S_CATEGORY);
        if (q->dimension != NULL ? strcasecmp(dim, q->dimension) != 0 : !is_total(dim)) {
            continue;
        }
        if (!by_cat && (q->dimension != NULL ? is_total(cat) : !is_total(cat))) {
            continue;
        }
        if ((!free_sex && !is_total(store_rows_text(r, S_SEX))) ||
            (!free_age && !is_total(store_rows_text(r, S_AGE)))) {
            continue;
        }
        struct glotip_stat_row key = {0};
        char year[24];
        for (size_t i = 0; i < q->by_count; i++) {
            int f = field_index(q->by[i]);
            if (f == S_YEAR) {
                snprintf(year, sizeof year, "%lld", (long long)store_rows_i64(r, S_YEAR));
                key.keys[i] = year;
            } else {
                key.keys[i] = (char *)store_rows_text(r, (size_t)f);
            }
        }
        /* The group, through an open-addressing index on the joined keys. */
        uint64_t hash = 1469598103934665603ULL;
        for (size_t i = 0; i < q->by_count; i++) {
            for (const unsigned char *c = (const unsigned char *)key.keys[i]; *c; c++) {
                hash = (hash ^ *c) * 1099511628211ULL;
            }
            hash = (hash ^ 0x1f) * 1099511628211ULL;
        }
        if ((n + 1) * 2 > index_cap) {
            size_t cap2 = index_cap ? index_cap * 2 : 256;
            size_t *idx2 = xmalloc(cap2 * sizeof *idx2);
            for (size_t j = 0; j < cap2; j++) {
                idx2[j] = SIZE_MAX;
            }
            for (size_t j = 0; j < n; j++) {
                size_t slot = (size_t)hashes[j] & (cap2 - 1);
                while (idx2[slot] != SIZE_MAX) {
                    slot = (slot + 1) & (cap2 - 1);
                }
                idx2[slot] = j;
            }
            free(index);
            index = idx2;
            index_cap = cap2;
        }
        size_t slot = (size_t)hash & (index_cap - 1);
        while (index[slot] != SIZE_MAX && (hashes[index[slot]] != hash || row_cmp(&rows[index[slot]], &key) != 0)) {
            slot = (slot + 1) & (index_cap - 1);
        }
        size_t g = index[slot];
        if (g == SIZE_MAX) {
            if (n == GLOTIP_GROUPS_MAX) {
                st = err_set(STATUS_TOO_LARGE, "more than %d groups", GLOTIP_GROUPS_MAX);
                break;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                rows = xrealloc(rows, cap * sizeof *rows);
                hashes = xrealloc(hashes, cap * sizeof *hashes);
            }
            memset(&rows[n], 0, sizeof rows[n]);
            for (size_t i = 0; i < q->by_count; i++) {
                rows[n].keys[i] = xstrdup(key.keys[i]);
            }
            hashes[n] = hash;
            index[slot] = n;
            g = n++;
        }
        const char *state = store_rows_text(r, S_STATE);
        if (strcmp(state, "ok") == 0) {
            rows[g].value += store_rows_i64(r, S_VALUE);
            rows[g].cells++;
        } else if (strcmp(state, "suppressed") == 0) {
            rows[g].suppressed++;
        } else {
            rows[g].suspect++;
        }
    }
    store_rows_free(r);
    free(hashes);
    free(index);
    if (st == STATUS_DONE) {
        st = STATUS_OK;
        if (n > 1) {
            qsort(rows, n, sizeof *rows, row_cmp);
        }
        if (q->compare) {
            st = compare_instance(ctx, q, rows, n);
        }
    }
    if (st != STATUS_OK) {
        glotip_stats_free(rows, n);
        return st;
    }
    *out = rows;
    *count_out = n;
    *import_id_out = import_id;
    return STATUS_OK;
}

char *glotip_stats_csv(const struct glotip_query *q, const struct glotip_stat_row *rows, size_t count)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ASSERT(f != NULL);
    for (size_t i = 0; i < q->by_count; i++) {
        csv_write_cell(f, q->by[i], i == 0);
    }
    csv_write_cell(f, "value", false);
    csv_write_cell(f, "cells", false);
    csv_write_cell(f, "suppressed", false);
    csv_write_cell(f, "suspect", false);
    if (q->compare) {
        csv_write_cell(f, "instance", false);
    }
    csv_write_end(f);
    for (size_t r = 0; r < count; r++) {
        char num[32];
        for (size_t i = 0; i < q->by_count; i++) {
            csv_write_cell(f, rows[r].keys[i], i == 0);
        }
        snprintf(num, sizeof num, "%lld", (long long)rows[r].value);
        csv_write_cell(f, rows[r].cells ? num : NULL, false);
        snprintf(num, sizeof num, "%lld", (long long)rows[r].cells);
        csv_write_cell(f, num, false);
        snprintf(num, sizeof num, "%lld", (long long)rows[r].suppressed);
        csv_write_cell(f, num, false);
        snprintf(num, sizeof num, "%lld", (long long)rows[r].suspect);
        csv_write_cell(f, num, false);
        if (q->compare) {
            snprintf(num, sizeof num, "%lld", (long long)rows[r].instance);
            csv_write_cell(f, num, false);
        }
        csv_write_end(f);
    }
    fclose(f);
    return text;
}

json_t *glotip_stats_json(const struct glotip_query *q, const struct glotip_stat_row *rows, size_t count,
                          int64_t import_id)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < count; r++) {
        json_t *keys = json_object();
        for (size_t i = 0; i < q->by_count; i++) {
            json_object_set_new(keys, q->by[i], json_string(rows[r].keys[i]));
        }
        json_t *o =
            json_pack("{sososIsIsI}", "keys", keys, "value", rows[r].cells ? json_integer(rows[r].value) : json_null(),
                      "cells", (json_int_t)rows[r].cells, "suppressed", (json_int_t)rows[r].suppressed, "suspect",
                      (json_int_t)rows[r].suspect);
        if (q->compare) {
            json_object_set_new(o, "instance", json_integer(rows[r].instance));
        }
        json_array_append_new(arr, o);
    }
    return json_pack("{sIsssoss}", "import_id", (json_int_t)import_id, "indicator", q->indicator, "rows", arr, "note",
                     "value sums the ok cells; suppressed (<5) and suspect cells are counted apart, never summed");
}
