/* submission: signed aggregate submissions for the Global Report, their import and merging. */
#include "stats/submission.h"
#include "stats/regions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "justice/stats.h"
#include "referral/legal.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define SIGNED_PREFIX SUBMISSION_FORMAT "\n"
#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)

/* The questionnaire's vocabulary, as in UNODC's data file. */
#define IND_VICTIMS "Detected trafficking victims"
#define IND_CONTACT "Persons brought into formal contact"
#define IND_PROSECUTED "Persons prosecuted"
#define IND_CONVICTED "Persons convicted"
#define DIM_FORM "by form of exploitation"
#define DIM_FORM_DETAIL "by detailed form of exploitation"
#define DIM_CITIZENSHIP "by citizenship"
#define DIM_REPATRIATION "by country of repatriation"
#define TOTAL "Total"
#define ADULT "18 years or over"
#define CHILD "0 to 17 years"
#define UNKNOWN "Unknown"

static const char *const indicators[] = {IND_VICTIMS, IND_CONTACT, IND_PROSECUTED, IND_CONVICTED};
static const char *const dimensions[] = {TOTAL, DIM_FORM, DIM_FORM_DETAIL, DIM_CITIZENSHIP, DIM_REPATRIATION};
static const char *const sexes[] = {TOTAL, "Female", "Male", "Other", UNKNOWN};
static const char *const ages[] = {TOTAL, ADULT, CHILD, UNKNOWN};

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* HTCDS gender -> the questionnaire's sex. */
const char *stats_sex_of_gender(const char *g)
{
    if (g == NULL) {
        return UNKNOWN;
    }
    if (strcmp(g, "Feminine") == 0 || strcmp(g, "TransgenderFeminine") == 0) {
        return "Female";
    }
    if (strcmp(g, "Masculine") == 0 || strcmp(g, "TransgenderMasculine") == 0) {
        return "Male";
    }
    return strcmp(g, "NonConforming") == 0 ? "Other" : UNKNOWN;
}

const char *stats_age_of_majority(const char *m)
{
    if (m != NULL && strcmp(m, "Adult") == 0) {
        return ADULT;
    }
    return m != NULL && strcmp(m, "Minor") == 0 ? CHILD : UNKNOWN;
}

/* The Global Report's three groups of forms, from an HTCDS exploitation type (victims) or a
 * justice form code (offences). */
const char *stats_form_group(const char *code)
{
    if (code == NULL || strcmp(code, "unknown") == 0 || code[0] == '\0') {
        return UNKNOWN;
    }
    if (strcmp(code, "SexualExploitation") == 0 || strcmp(code, "sexual_exploitation") == 0) {
        return "Sexual exploitation";
    }
    if (strcmp(code, "ForcedLabour") == 0 || strcmp(code, "ChildLabour") == 0 || strcmp(code, "Servitude") == 0 ||
        strcmp(code, "forced_labour") == 0 || strcmp(code, "domestic_servitude") == 0) {
        return "Forced labour";
    }
    return "Other forms of exploitation";
}

static int year_of(const char *s)
{
    int64_t y = 0;
    return s != NULL && util_parse_i64(&y, s) == STATUS_OK && y > 0 && y < 10000 ? (int)y : 0;
}

/* Cells are summed in a JSON object keyed "indicator|dimension|category|sex|age|year". */
static enum status cell_add(json_t *cells, const char *ind, const char *dim, const char *cat, const char *sex,
                            const char *age, int year, int64_t n)
{
    char key[512];
    int w = snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%d", ind, dim, cat, sex, age, year);
    if (w < 0 || (size_t)w >= sizeof key) {
        return err_set(STATUS_INVALID, "a category is too long");
    }
    json_t *v = json_object_get(cells, key);
    int64_t cur = v != NULL ? json_integer_value(v) : 0;
    if (json_object_set_new(cells, key, json_integer(cur + n)) != 0) {
        return err_set(STATUS_IO, "out of memory");
    }
    return STATUS_OK;
}

struct build {
    const struct auth_ctx *ctx;
    const char *country;
    int64_t from_ms, to_ms;
    int year_from, year_to;
    json_t *cells;
};

/* Victims by year and one or two more dimensions. The year is the case's year of registration
 * (year_registered, as `ctis stats victims`), so no date bound is passed: rows of other years
 * are left out by year_in. */
static enum status victims(struct build *b, const char *d2, const char *d3, struct case_stat_row **rows, size_t *n)
{
    const char *by[3] = {"year", d2, d3};
    return case_stats_victims(b->ctx, by, d3 != NULL ? 3 : 2, 0, 0, rows, n);
}

static int year_in(const struct build *b, const char *key)
{
    int y = year_of(key);
    return y >= b->year_from && y <= b->year_to ? y : 0;
}

static enum status build_victims(struct build *b)
{
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    /* Sex x age, with the margins. */
    enum status st = victims(b, "gender", "majority_status", &rows, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        int y = year_in(b, rows[i].keys[0]);
        const char *sex = stats_sex_of_gender(rows[i].keys[1]);
        const char *age = stats_age_of_majority(rows[i].keys[2]);
        const char *s2[] = {sex, sex, TOTAL, TOTAL};
        const char *a2[] = {age, TOTAL, age, TOTAL};
        for (size_t k = 0; st == STATUS_OK && y != 0 && k < 4; k++) {
            st = cell_add(b->cells, IND_VICTIMS, TOTAL, TOTAL, s2[k], a2[k], y, rows[i].count);
        }
    }
    case_stats_free(rows, n);
    rows = NULL;
    n = 0;
    /* Forms (a person with several forms counts in each), by sex and by age. */
    for (int pass = 0; st == STATUS_OK && pass < 2; pass++) {
        st = victims(b, "exploitation", pass == 0 ? "gender" : "majority_status", &rows, &n);
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            int y = year_in(b, rows[i].keys[0]);
            const char *group = stats_form_group(rows[i].keys[1]);
            const char *sex = pass == 0 ? stats_sex_of_gender(rows[i].keys[2]) : TOTAL;
            const char *age = pass == 1 ? stats_age_of_majority(rows[i].keys[2]) : TOTAL;
            if (y == 0) {
                continue;
            }
            st = cell_add(b->cells, IND_VICTIMS, DIM_FORM, group, sex, age, y, rows[i].count);
            if (st == STATUS_OK && pass == 0) {
                st = cell_add(b->cells, IND_VICTIMS, DIM_FORM, group, TOTAL, TOTAL, y, rows[i].count);
            }
            if (st == STATUS_OK && pass == 0) {
                const char *code = rows[i].keys[1];
                const char *label =
                    strcmp(code, "unknown") == 0 ? UNKNOWN : vocab_label("exploitation_type", code, "en");
                st = cell_add(b->cells, IND_VICTIMS, DIM_FORM_DETAIL, label != NULL ? label : code, TOTAL, TOTAL, y,
                              rows[i].count);
            }
        }
        case_stats_free(rows, n);
        rows = NULL;
        n = 0;
    }
    /* Citizenship: nationals of the reporting country, or the foreign country by name. */
    if (st == STATUS_OK) {
        st = victims(b, "citizenship", NULL, &rows, &n);
    }
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        int y = year_in(b, rows[i].keys[0]);
        const char *c = rows[i].keys[1];
        const char *cat = strcmp(c, "unknown") == 0                 ? UNKNOWN
                          : strcmp(c, b->country) == 0              ? "Nationals"
                          : vocab_label("country", c, "en") != NULL ? vocab_label("country", c, "en")
                                                                    : c;
        if (y != 0) {
            st = cell_add(b->cells, IND_VICTIMS, DIM_CITIZENSHIP, cat, TOTAL, TOTAL, y, rows[i].count);
        }
    }
    case_stats_free(rows, n);
    /* Nationals repatriated from abroad, by the country they were exploited in ("Abroad" when it
     * is not recorded): the questionnaire's victims by country of repatriation. */
    struct legal_repatriation_row *rep = NULL;
    size_t nrep = 0;
    if (st == STATUS_OK) {
        st = legal_stats_repatriations(b->ctx, &rep, &nrep);
    }
    for (size_t i = 0; st == STATUS_OK && i < nrep; i++) {
        if (strcmp(rep[i].citizenship, b->country) != 0 || strcmp(rep[i].exploited_in, b->country) == 0 ||
            rep[i].year < b->year_from || rep[i].year > b->year_to) {
            continue;
        }
        const char *c = rep[i].exploited_in;
        const char *name = c[0] != '\0' ? vocab_label("country", c, "en") : NULL;
        const char *cat = c[0] == '\0' ? "Abroad" : name != NULL ? name : c;
        st = cell_add(b->cells, IND_VICTIMS, DIM_REPATRIATION, cat, TOTAL, TOTAL, rep[i].year, rep[i].count);
    }
    free(rep);
    return st;
}

static const char *stage_indicator(const char *stage)
{
    if (strcmp(stage, "contact") == 0) {
        return IND_CONTACT;
    }
    if (strcmp(stage, "prosecuted") == 0) {
        return IND_PROSECUTED;
    }
    return strcmp(stage, "convicted") == 0 ? IND_CONVICTED : NULL;
}

static enum status build_offenders(struct build *b)
{
    static const char *const second[] = {"sex", "nationals", "exploitation"};
    enum status st = STATUS_OK;
    for (size_t d = 0; st == STATUS_OK && d < ARRAY_LEN(second); d++) {
        struct justice_stats_query q = {{"year", second[d], NULL}, 2, NULL, b->from_ms, b->to_ms};
        const char *names[JUSTICE_STATS_KEYS];
        size_t nn = 0;
        struct justice_stat_row *rows = NULL;
        size_t n = 0;
        st = justice_stats_offenders(b->ctx, &q, names, &nn, &rows, &n);
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            const char *ind = stage_indicator(rows[i].keys[0]);
            int y = year_of(rows[i].keys[1]);
            const char *v = rows[i].keys[2];
            if (y == 0 || ind == NULL) {
                continue;
            }
            if (d == 0) {
                const char *sex = strcmp(v, "female") == 0 ? "Female" : strcmp(v, "male") == 0 ? "Male" : UNKNOWN;
                st = cell_add(b->cells, ind, TOTAL, TOTAL, sex, TOTAL, y, rows[i].count);
                if (st == STATUS_OK) {
                    st = cell_add(b->cells, ind, TOTAL, TOTAL, TOTAL, TOTAL, y, rows[i].count);
                }
            } else if (d == 1 && strcmp(ind, IND_CONVICTED) == 0) {
                const char *cat = strcmp(v, "national") == 0  ? "Nationals"
                                  : strcmp(v, "foreign") == 0 ? "Foreigners"
                                                              : UNKNOWN;
                st = cell_add(b->cells, ind, DIM_CITIZENSHIP, cat, TOTAL, TOTAL, y, rows[i].count);
            } else if (d == 2 && strcmp(ind, IND_CONVICTED) == 0) {
                st = cell_add(b->cells, ind, DIM_FORM, stats_form_group(v), TOTAL, TOTAL, y, rows[i].count);
            }
        }
        justice_stats_free(rows, n);
    }
    return st;
}

/* "a|b|c|d|e|2024" -> a row object. */
static json_t *row_of_key(const char *key, int64_t value)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", key);
    char *part[6] = {0};
    char *p = buf;
    for (int i = 0; i < 6; i++) {
        part[i] = p;
        char *bar = i < 5 ? strchr(p, '|') : NULL;
        if (i < 5 && bar == NULL) {
            return NULL;
        }
        if (bar != NULL) {
            *bar = '\0';
            p = bar + 1;
        }
    }
    return json_pack("{sssssssssssIsI}", "indicator", part[0], "dimension", part[1], "category", part[2], "sex",
                     part[3], "age", part[4], "year", (json_int_t)atoi(part[5]), "value", (json_int_t)value);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum status rows_of_cells(json_t *cells, json_t **out)
{
    size_t n = json_object_size(cells);
    const char **keys = n > 0 ? calloc(n, sizeof *keys) : NULL;
    if (n > 0 && keys == NULL) {
        return err_set(STATUS_IO, "out of memory");
    }
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(cells, k, v)
    {
        keys[i++] = k;
    }
    if (n > 1) {
        qsort(keys, n, sizeof *keys, key_cmp);
    }
    json_t *arr = json_array();
    enum status st = arr != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
    for (i = 0; st == STATUS_OK && i < n; i++) {
        json_t *r = row_of_key(keys[i], json_integer_value(json_object_get(cells, keys[i])));
        if (r == NULL || json_array_append_new(arr, r) != 0) {
            st = err_set(STATUS_IO, "out of memory");
        }
    }
    free(keys);
    if (st != STATUS_OK) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

static enum status signed_message(const char *payload, size_t len, char **out, size_t *len_out)
{
    size_t pl = strlen(SIGNED_PREFIX);
    char *m = malloc(pl + len);
    if (m == NULL) {
        return err_set(STATUS_IO, "out of memory");
    }
    memcpy(m, SIGNED_PREFIX, pl);
    memcpy(m + pl, payload, len);
    *out = m;
    *len_out = pl + len;
    return STATUS_OK;
}

static enum status years_check(int year_from, int year_to)
{
    if (year_from < 1900 || year_to > 9999 || year_to < year_from || year_to - year_from >= SUBMISSION_YEARS_MAX) {
        return err_set_field(STATUS_INVALID, "year_from", "years: from <= to, at most %d years", SUBMISSION_YEARS_MAX);
    }
    return STATUS_OK;
}

/* The rows, without a permission check (the callers check theirs). */
static enum status figures_rows(const struct auth_ctx *ctx, const char *country, int year_from, int year_to,
                                json_t **rows_out)
{
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", year_from);
    snprintf(to, sizeof to, "%04d-12-31", year_to);
    struct build bb = {ctx, country, 0, 0, year_from, year_to, json_object()};
    if (bb.cells == NULL || util_time_parse(&bb.from_ms, from) != STATUS_OK ||
        util_time_parse_end(&bb.to_ms, to) != STATUS_OK) {
        json_decref(bb.cells);
        return err_set(STATUS_IO, "out of memory");
    }
    enum status st = build_victims(&bb);
    if (st == STATUS_OK) {
        st = build_offenders(&bb);
    }
    if (st == STATUS_OK) {
        st = rows_of_cells(bb.cells, rows_out);
    }
    json_decref(bb.cells);
    return st;
}

enum status stats_figures(const struct auth_ctx *ctx, const struct submission_build *b, json_t **rows_out)
{
    *rows_out = NULL;
    const char *country = NULL;
    if (b->country == NULL || vocab_parse("country", b->country, &country) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 country code");
    }
    enum status st = years_check(b->year_from, b->year_to);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "figures");
    }
    return st == STATUS_OK ? figures_rows(ctx, country, b->year_from, b->year_to, rows_out) : st;
}

enum status submission_build(const struct auth_ctx *ctx, const struct submission_build *b, char **out, size_t *len_out)
{
    *out = NULL;
    *len_out = 0;
    const char *country = NULL;
    if (b->country == NULL || vocab_parse("country", b->country, &country) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 country code");
    }
    enum status st = years_check(b->year_from, b->year_to);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, false, "build federated submission");
    }
    json_t *rows = NULL;
    if (st == STATUS_OK) {
        st = figures_rows(ctx, country, b->year_from, b->year_to, &rows);
    }
    if (st != STATUS_OK) {
        return st;
    }
    char created[32];
    util_time_iso(created, util_now_ms());
    json_t *doc =
        json_pack("{sssssisissssso}", "format", SUBMISSION_FORMAT, "country", country, "year_from", b->year_from,
                  "year_to", b->year_to, "created_at", created, "software", "ctis " CTIS_VERSION, "rows", rows);
    char *payload = doc != NULL ? json_dumps(doc, DUMP_FLAGS) : NULL;
    json_decref(doc);
    if (payload == NULL) {
        return err_set(STATUS_IO, "out of memory");
    }
    size_t plen = strlen(payload);
    char *msg = NULL;
    size_t mlen = 0;
    st = signed_message(payload, plen, &msg, &mlen);
    uint8_t sig[VAULT_SIG_BYTES], pk[VAULT_PUBKEY_BYTES];
    char sig_hex[2 * VAULT_SIG_BYTES + 1], pk_hex[2 * VAULT_PUBKEY_BYTES + 1];
    if (st == STATUS_OK) {
        vault_sign(ctx->vault, sig, msg, mlen);
        vault_public_key(ctx->vault, pk);
        util_hex_encode(sig_hex, sig, sizeof sig);
        util_hex_encode(pk_hex, pk, sizeof pk);
    }
    free(msg);
    size_t total = plen + 1 + strlen(SUBMISSION_SIG_PREFIX) + strlen(pk_hex) + 1 + strlen(sig_hex) + 2;
    char *file = st == STATUS_OK ? malloc(total) : NULL;
    if (st == STATUS_OK && file == NULL) {
        st = err_set(STATUS_IO, "out of memory");
    }
    if (st == STATUS_OK) {
        int w = snprintf(file, total, "%s\n%s%s %s\n", payload, SUBMISSION_SIG_PREFIX, pk_hex, sig_hex);
        ASSERT(w > 0 && (size_t)w == total - 1);
        *out = file;
        *len_out = total - 1;
        char detail[64];
        snprintf(detail, sizeof detail, "%s %d-%d", country, b->year_from, b->year_to);
        st = auth_audit(ctx, "stats.submission.build", "submission", 0, "ok", detail);
    }
    free(payload);
    if (st != STATUS_OK) {
        free(*out);
        *out = NULL;
        *len_out = 0;
    }
    return st;
}

/* Splits and checks the file's form; payload and the key and signature out. */
static enum status parse_file(const char *data, size_t len, size_t *payload_len, uint8_t pk[VAULT_PUBKEY_BYTES],
                              uint8_t sig[VAULT_SIG_BYTES])
{
    if (len == 0 || len > SUBMISSION_BYTES_MAX) {
        return err_set(STATUS_INVALID, "a submission is 1 byte to %d bytes", SUBMISSION_BYTES_MAX);
    }
    if (memchr(data, '\0', len) != NULL) {
        return err_set(STATUS_INVALID, "a submission is text: it holds a NUL byte");
    }
    const char *nl = memchr(data, '\n', len);
    if (nl == NULL || data[len - 1] != '\n') {
        return err_set(STATUS_INVALID, "a submission is two lines, each ending in a newline");
    }
    *payload_len = (size_t)(nl - data);
    const char *line2 = nl + 1;
    size_t l2 = len - *payload_len - 1;
    size_t pre = strlen(SUBMISSION_SIG_PREFIX);
    size_t want = pre + 2 * VAULT_PUBKEY_BYTES + 1 + 2 * VAULT_SIG_BYTES + 1;
    if (l2 != want || memcmp(line2, SUBMISSION_SIG_PREFIX, pre) != 0 || line2[pre + 2 * VAULT_PUBKEY_BYTES] != ' ') {
        return err_set(STATUS_INVALID, "line 2: \"%s<public key> <signature>\" expected", SUBMISSION_SIG_PREFIX);
    }
    char pk_hex[2 * VAULT_PUBKEY_BYTES + 1], sig_hex[2 * VAULT_SIG_BYTES + 1];
    memcpy(pk_hex, line2 + pre, 2 * VAULT_PUBKEY_BYTES);
    pk_hex[2 * VAULT_PUBKEY_BYTES] = '\0';
    memcpy(sig_hex, line2 + pre + 2 * VAULT_PUBKEY_BYTES + 1, 2 * VAULT_SIG_BYTES);
    sig_hex[2 * VAULT_SIG_BYTES] = '\0';
    /* Lower-case hex only, so that one key and signature have one spelling. */
    for (const char *c = line2 + pre; c < line2 + l2 - 1; c++) {
        if (*c != ' ' && !((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) {
            return err_set(STATUS_INVALID, "line 2: the key and signature are lower-case hexadecimal");
        }
    }
    if (util_hex_decode(pk, VAULT_PUBKEY_BYTES, pk_hex) != STATUS_OK ||
        util_hex_decode(sig, VAULT_SIG_BYTES, sig_hex) != STATUS_OK) {
        return err_set(STATUS_INVALID, "line 2: the key and signature are lower-case hexadecimal");
    }
    return STATUS_OK;
}

static enum status text_member(const json_t *o, const char *name, const char *const *list, size_t n, size_t max,
                               size_t line, const char **out)
{
    const char *s = json_string_value(json_object_get(o, name));
    if (s == NULL || s[0] == '\0' || strlen(s) > max || (list != NULL && !one_of(s, list, n))) {
        return err_set_field(STATUS_INVALID, name, "rows[%zu].%s: missing or not a known value", line, name);
    }
    *out = s;
    return STATUS_OK;
}

struct parsed {
    const char *country;
    int year_from, year_to;
    const char *created_at;
    json_t *rows;
};

static enum status check_payload(json_t *doc, struct parsed *p)
{
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (format == NULL || strcmp(format, SUBMISSION_FORMAT) != 0) {
        return err_set_field(STATUS_INVALID, "format", "format: %s expected", SUBMISSION_FORMAT);
    }
    static const char *const members[] = {"format",     "country",  "year_from", "year_to",
                                          "created_at", "software", "rows"};
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v)
    {
        if (!one_of(k, members, ARRAY_LEN(members))) {
            return err_set_field(STATUS_INVALID, k, "%s: not a member of a submission", k);
        }
    }
    p->country = json_string_value(json_object_get(doc, "country"));
    const char *iso = NULL;
    if (p->country == NULL || vocab_parse("country", p->country, &iso) != STATUS_OK || strcmp(iso, p->country) != 0) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166 alpha-3 code");
    }
    json_t *yf = json_object_get(doc, "year_from"), *yt = json_object_get(doc, "year_to");
    p->year_from = json_is_integer(yf) ? (int)json_integer_value(yf) : 0;
    p->year_to = json_is_integer(yt) ? (int)json_integer_value(yt) : 0;
    if (p->year_from < 1900 || p->year_to > 9999 || p->year_to < p->year_from ||
        p->year_to - p->year_from >= SUBMISSION_YEARS_MAX) {
        return err_set_field(STATUS_INVALID, "year_from", "year_from, year_to: a range of at most %d years",
                             SUBMISSION_YEARS_MAX);
    }
    p->created_at = json_string_value(json_object_get(doc, "created_at"));
    if (p->created_at == NULL || strlen(p->created_at) > 40) {
        return err_set_field(STATUS_INVALID, "created_at", "created_at: a time");
    }
    p->rows = json_object_get(doc, "rows");
    if (!json_is_array(p->rows) || json_array_size(p->rows) > SUBMISSION_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "rows", "rows: an array of at most %d figures", SUBMISSION_ROWS_MAX);
    }
    size_t i;
    json_array_foreach(p->rows, i, v)
    {
        const char *s;
        enum status st = text_member(v, "indicator", indicators, ARRAY_LEN(indicators), 100, i, &s);
        if (st == STATUS_OK) {
            st = text_member(v, "dimension", dimensions, ARRAY_LEN(dimensions), 100, i, &s);
        }
        if (st == STATUS_OK) {
            st = text_member(v, "category", NULL, 0, SUBMISSION_CATEGORY_BYTES_MAX, i, &s);
        }
        if (st == STATUS_OK && strchr(s, '|') != NULL) {
            st = err_set_field(STATUS_INVALID, "category", "rows[%zu].category: no '|'", i);
        }
        if (st == STATUS_OK) {
            st = text_member(v, "sex", sexes, ARRAY_LEN(sexes), 16, i, &s);
        }
        if (st == STATUS_OK) {
            st = text_member(v, "age", ages, ARRAY_LEN(ages), 32, i, &s);
        }
        json_t *y = json_object_get(v, "year"), *n = json_object_get(v, "value");
        if (st == STATUS_OK &&
            (!json_is_integer(y) || json_integer_value(y) < p->year_from || json_integer_value(y) > p->year_to)) {
            st = err_set_field(STATUS_INVALID, "year", "rows[%zu].year: within year_from..year_to", i);
        }
        if (st == STATUS_OK && (!json_is_integer(n) || json_integer_value(n) < 0)) {
            st = err_set_field(STATUS_INVALID, "value", "rows[%zu].value: a count", i);
        }
        if (st == STATUS_OK && json_object_size(v) != 7) {
            st = err_set_field(STATUS_INVALID, "rows",
                               "rows[%zu]: indicator, dimension, category, sex, age, year "
                               "and value, nothing else",
                               i);
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    return STATUS_OK;
}

static enum status trusted_signer(const struct auth_ctx *ctx, const uint8_t pk[VAULT_PUBKEY_BYTES], char **name_out)
{
    struct vault_peer *peers = NULL;
    size_t n = 0;
    enum status st = vault_peer_list(&peers, &n, ctx->store);
    *name_out = NULL;
    for (size_t i = 0; st == STATUS_OK && i < n && *name_out == NULL; i++) {
        if (vault_equal(peers[i].public_key, pk, VAULT_PUBKEY_BYTES)) {
            *name_out = strdup(peers[i].name);
            if (*name_out == NULL) {
                st = err_set(STATUS_IO, "out of memory");
            }
        }
    }
    vault_peers_free(peers, n);
    if (st == STATUS_OK && *name_out == NULL) {
        st = err_set(STATUS_DENIED, "the submission is signed by a key that is not in the register of trusted peers");
    }
    return st;
}

static enum status store_rows_of(const struct auth_ctx *ctx, int64_t id, const json_t *rows)
{
    size_t i;
    json_t *v;
    enum status st = STATUS_OK;
    json_array_foreach(rows, i, v)
    {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(json_string_value(json_object_get(v, "indicator"))),
                                sqlv_text(json_string_value(json_object_get(v, "dimension"))),
                                sqlv_text(json_string_value(json_object_get(v, "category"))),
                                sqlv_text(json_string_value(json_object_get(v, "sex"))),
                                sqlv_text(json_string_value(json_object_get(v, "age"))),
                                SQLV_I64(json_integer_value(json_object_get(v, "year"))),
                                SQLV_I64(json_integer_value(json_object_get(v, "value")))};
        st = store_exec(ctx->store, STMT_SUBMISSION_ROW_INSERT, a, ARRAY_LEN(a), NULL);
        if (st != STATUS_OK) {
            break;
        }
    }
    return st;
}

enum status submission_payload_parse(const char *line, size_t len, json_t **doc_out)
{
    *doc_out = NULL;
    json_error_t je;
    json_t *doc = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    enum status st = STATUS_OK;
    if (!json_is_object(doc)) {
        st = err_set(STATUS_INVALID, "line 1, column %d: %s", je.column, je.text);
    }
    if (st == STATUS_OK) {
        /* Only the canonical form is accepted: one set of figures, one spelling. */
        char *again = json_dumps(doc, DUMP_FLAGS);
        if (again == NULL || strlen(again) != len || memcmp(again, line, len) != 0) {
            st = err_set(STATUS_INVALID, "line 1 is not in canonical form (compact, sorted keys, ASCII)");
        }
        free(again);
    }
    struct parsed p = {0};
    if (st == STATUS_OK) {
        st = check_payload(doc, &p);
    }
    if (st != STATUS_OK) {
        json_decref(doc);
        return st;
    }
    *doc_out = doc;
    return STATUS_OK;
}

enum status submission_decode(const char *data, size_t len, uint8_t pk[VAULT_PUBKEY_BYTES], json_t **doc_out)
{
    *doc_out = NULL;
    size_t plen = 0;
    uint8_t sig[VAULT_SIG_BYTES];
    enum status st = parse_file(data, len, &plen, pk, sig);
    char *msg = NULL;
    size_t mlen = 0;
    if (st == STATUS_OK) {
        st = signed_message(data, plen, &msg, &mlen);
    }
    if (st == STATUS_OK && vault_verify(pk, sig, msg, mlen) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "the signature does not match the submission: it was changed or is not the "
                                     "signer's");
    }
    free(msg);
    return st == STATUS_OK ? submission_payload_parse(data, plen, doc_out) : st;
}

enum status submission_import(const struct auth_ctx *ctx, const char *data, size_t len, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, "import federated submission");
    if (st != STATUS_OK) {
        return st;
    }
    uint8_t pk[VAULT_PUBKEY_BYTES];
    json_t *doc = NULL;
    st = submission_decode(data, len, pk, &doc);
    char *signer = NULL;
    if (st == STATUS_OK) {
        st = trusted_signer(ctx, pk, &signer);
    }
    struct parsed p = {0};
    if (st == STATUS_OK) {
        st = check_payload(doc, &p); /* fills p from the checked document */
    }
    size_t plen = 0; /* line 1, as signed and checked */
    if (st == STATUS_OK) {
        plen = (size_t)((const char *)memchr(data, '\n', len) - data);
    }
    uint8_t digest[VAULT_SHA256_BYTES];
    char sha[2 * VAULT_SHA256_BYTES + 1];
    struct vault_sha256 h;
    vault_sha256_init(&h);
    vault_sha256_update(&h, data, len);
    vault_sha256_final(&h, digest);
    util_hex_encode(sha, digest, sizeof digest);
    bool replaced = false;
    int64_t id = 0;
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {sqlv_text(p.country), SQLV_I64(p.year_from), SQLV_I64(p.year_to)};
        st = store_exec(ctx->store, STMT_SUBMISSION_FIND, a, ARRAY_LEN(a), &r);
        if (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
            int64_t old = store_rows_i64(r, 0);
            const char *old_created = store_rows_text(r, 1);
            const char *old_sha = store_rows_text(r, 2);
            if (strcmp(old_sha, sha) == 0) {
                id = old;
                st = STATUS_DONE; /* already held: nothing to do */
            } else if (strcmp(p.created_at, old_created) <= 0) {
                st = err_set(STATUS_CONFLICT, "a newer submission of %s for %d-%d is already held", p.country,
                             p.year_from, p.year_to);
            } else {
                struct sql_value d[] = {SQLV_I64(old)};
                st = store_exec(ctx->store, STMT_SUBMISSION_DELETE_ROWS, d, 1, NULL);
                if (st == STATUS_OK) {
                    st = store_exec(ctx->store, STMT_SUBMISSION_DELETE, d, 1, NULL);
                }
                replaced = st == STATUS_OK;
                if (st == STATUS_OK) {
                    st = STATUS_NOT_FOUND; /* go on to insert */
                }
            }
        }
        store_rows_free(r);
        if (st == STATUS_DONE) {
            st = id != 0 ? STATUS_OK : STATUS_NOT_FOUND;
        }
        if (st == STATUS_NOT_FOUND) {
            st = STATUS_OK;
            char pk_hex[2 * VAULT_PUBKEY_BYTES + 1];
            util_hex_encode(pk_hex, pk, sizeof pk);
            id = vault_random_id();
            struct sql_value a2[] = {SQLV_I64(id),
                                     sqlv_text(p.country),
                                     SQLV_I64(p.year_from),
                                     SQLV_I64(p.year_to),
                                     sqlv_text(signer),
                                     sqlv_text(pk_hex),
                                     sqlv_text(p.created_at),
                                     sqlv_text(sha),
                                     SQLV_I64((int64_t)json_array_size(p.rows)),
                                     SQLV_I64(util_now_ms()),
                                     ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                     SQLV_TEXTN(data, plen)};
            st = store_exec(ctx->store, STMT_SUBMISSION_INSERT, a2, ARRAY_LEN(a2), NULL);
            if (st == STATUS_OK) {
                st = store_rows_of(ctx, id, p.rows);
            }
        }
    }
    if (st == STATUS_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s %d-%d from %s", p.country, p.year_from, p.year_to, signer);
        st = auth_audit(ctx, "stats.submission.import", "submission", id, "ok", detail);
    }
    if (st == STATUS_OK) {
        *out = json_pack("{sIsssisisssIsb}", "id", (json_int_t)id, "country", p.country, "year_from", p.year_from,
                         "year_to", p.year_to, "signer", signer, "rows", (json_int_t)json_array_size(p.rows),
                         "replaced", replaced);
        if (*out == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        }
    }
    json_decref(doc);
    free(signer);
    return st;
}

enum status submission_list(const struct auth_ctx *ctx, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "list federated submissions");
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_SUBMISSION_LIST, NULL, 0, &r);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        char at[32];
        util_time_iso(at, store_rows_i64(r, 8));
        json_t *o =
            json_pack("{sIsssIsIsssssIssss}", "id", (json_int_t)store_rows_i64(r, 0), "country", store_rows_text(r, 1),
                      "year_from", (json_int_t)store_rows_i64(r, 2), "year_to", (json_int_t)store_rows_i64(r, 3),
                      "signer", store_rows_text(r, 4), "created_at", store_rows_text(r, 5), "rows",
                      (json_int_t)store_rows_i64(r, 7), "sha256", store_rows_text(r, 6), "imported_at", at);
        if (o == NULL || json_array_append_new(arr, o) != 0) {
            st = err_set(STATUS_IO, "out of memory");
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

/* The area a submitting country's figures count in: the Global Report's analytical regions and
 * subregions (with this instance's overrides: stats/regions.h), the country, or the world. */
static const char *area_of(const struct stats_geo *g, const char *by, const char *iso3)
{
    if (strcmp(by, "world") == 0) {
        return "World";
    }
    if (strcmp(by, "country") == 0) {
        return iso3;
    }
    const char *region = NULL, *subregion = NULL;
    if (!stats_geo_region(g, iso3, &region, &subregion)) {
        return UNKNOWN;
    }
    const char *code = strcmp(by, "region") == 0 ? region : subregion;
    const char *name = code != NULL ? stats_region_name(code) : NULL;
    return name != NULL ? name : (code != NULL ? code : UNKNOWN);
}

enum status submission_merged(const struct auth_ctx *ctx, const struct submission_query *q, json_t **out)
{
    *out = NULL;
    static const char *const bys[] = {"world", "region", "subregion", "country"};
    const char *by = q->by != NULL && q->by[0] != '\0' ? q->by : "region";
    if (!one_of(by, bys, ARRAY_LEN(bys))) {
        return err_set_field(STATUS_INVALID, "by", "by: world, region, subregion or country");
    }
    const char *ind = q->indicator != NULL && q->indicator[0] != '\0' ? q->indicator : IND_VICTIMS;
    if (!one_of(ind, indicators, ARRAY_LEN(indicators))) {
        return err_set_field(STATUS_INVALID, "indicator", "indicator: %s, %s, %s or %s", IND_VICTIMS, IND_CONTACT,
                             IND_PROSECUTED, IND_CONVICTED);
    }
    const char *dim = q->dimension != NULL && q->dimension[0] != '\0' ? q->dimension : TOTAL;
    if (!one_of(dim, dimensions, ARRAY_LEN(dimensions))) {
        return err_set_field(STATUS_INVALID, "dimension", "dimension: Total, %s, %s, %s or %s", DIM_FORM,
                             DIM_FORM_DETAIL, DIM_CITIZENSHIP, DIM_REPATRIATION);
    }
    enum status st = auth_check(ctx, "stats.read", NULL, AUTH_FG_NONE, false, "merged federated figures");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text(ind), sqlv_text(dim), SQLV_I64(q->year_from), SQLV_I64(q->year_to),
                            SQLV_I64(strcmp(dim, TOTAL) == 0 ? 1 : 0)};
    struct stats_geo *geo = NULL;
    st = stats_geo_load(ctx, &geo);
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_SUBMISSION_MERGE_ROWS, a, ARRAY_LEN(a), &r);
    }
    /* Rows come newest submission first per country and year: a year that two submissions of
     * one country cover is taken from the newest only. */
    json_t *chosen = json_object(), *cells = json_object(), *seen = json_object();
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        const char *iso = store_rows_text(r, 1);
        int64_t year = store_rows_i64(r, 2);
        int64_t sid = store_rows_i64(r, 0);
        char cy[32];
        snprintf(cy, sizeof cy, "%s|%lld", iso, (long long)year);
        json_t *c = json_object_get(chosen, cy);
        if (c == NULL) {
            json_object_set_new(chosen, cy, json_integer(sid));
        } else if (json_integer_value(c) != sid) {
            continue;
        }
        char key[512], ck[560];
        snprintf(key, sizeof key, "%s|%lld|%s|%s|%s", area_of(geo, by, iso), (long long)year, store_rows_text(r, 3),
                 store_rows_text(r, 4), store_rows_text(r, 5));
        json_t *cell = json_object_get(cells, key);
        if (cell == NULL) {
            cell = json_pack("{sIsI}", "value", (json_int_t)0, "countries", (json_int_t)0);
            json_object_set_new(cells, key, cell);
        }
        json_object_set_new(cell, "value",
                            json_integer(json_integer_value(json_object_get(cell, "value")) + store_rows_i64(r, 6)));
        snprintf(ck, sizeof ck, "%s|%s", key, iso);
        if (json_object_get(seen, ck) == NULL) {
            json_object_set_new(seen, ck, json_true());
            json_object_set_new(cell, "countries",
                                json_integer(json_integer_value(json_object_get(cell, "countries")) + 1));
        }
    }
    store_rows_free(r);
    json_t *arr = NULL;
    if (st == STATUS_DONE) {
        st = STATUS_OK;
        size_t n = json_object_size(cells), i = 0;
        const char **keys = n > 0 ? calloc(n, sizeof *keys) : NULL;
        const char *k;
        json_t *v;
        json_object_foreach(cells, k, v)
        {
            if (keys != NULL) {
                keys[i++] = k;
            }
        }
        if (n > 0 && keys == NULL) {
            st = err_set(STATUS_IO, "out of memory");
        } else if (n > 1) {
            qsort(keys, n, sizeof *keys, key_cmp);
        }
        arr = json_array();
        for (i = 0; st == STATUS_OK && i < n; i++) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", keys[i]);
            char *f[5] = {buf, NULL, NULL, NULL, NULL};
            for (int j = 1; j < 5; j++) {
                char *bar = strchr(f[j - 1], '|');
                ASSERT(bar != NULL);
                *bar = '\0';
                f[j] = bar + 1;
            }
            json_t *cell = json_object_get(cells, keys[i]);
            json_array_append_new(arr, json_pack("{sssIsssssssOsO}", "area", f[0], "year", (json_int_t)atoll(f[1]),
                                                 "category", f[2], "sex", f[3], "age", f[4], "value",
                                                 json_object_get(cell, "value"), "countries",
                                                 json_object_get(cell, "countries")));
        }
        free(keys);
    }
    json_decref(chosen);
    json_decref(cells);
    json_decref(seen);
    stats_geo_free(geo);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "stats.federated", "submission", 0, "ok", by);
    }
    if (st != STATUS_OK) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}
