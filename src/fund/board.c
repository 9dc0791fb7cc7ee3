/* board: trustees, the board's composition rules and conflicts of interest (see board.h). */
#include "fund/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/apps_int.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* The five UN regional groups of the General Assembly and their member states (ISO 3166-1
 * alpha-3), as the groups stand for elections: Türkiye and Israel sit with the Western European
 * and others group, the United States is counted with it; Kiribati, once outside every group, is
 * counted with Asia-Pacific. A country that is not listed (an observer state, a territory) has no
 * group and cannot be the nationality of a trustee. */
static const char *const g_african[] = {"DZA", "AGO", "BEN", "BWA", "BFA", "BDI", "CPV", "CMR", "CAF", "TCD", "COM",
                                        "COG", "COD", "CIV", "DJI", "EGY", "GNQ", "ERI", "SWZ", "ETH", "GAB", "GMB",
                                        "GHA", "GIN", "GNB", "KEN", "LSO", "LBR", "LBY", "MDG", "MWI", "MLI", "MRT",
                                        "MUS", "MAR", "MOZ", "NAM", "NER", "NGA", "RWA", "STP", "SEN", "SYC", "SLE",
                                        "SOM", "ZAF", "SSD", "SDN", "TGO", "TUN", "UGA", "TZA", "ZMB", "ZWE", NULL};
static const char *const g_asia_pacific[] = {
    "AFG", "BHR", "BGD", "BTN", "BRN", "KHM", "CHN", "CYP", "PRK", "FJI", "IND", "IDN", "IRN", "IRQ",
    "JPN", "JOR", "KAZ", "KIR", "KWT", "KGZ", "LAO", "LBN", "MYS", "MDV", "MHL", "FSM", "MNG", "MMR",
    "NRU", "NPL", "OMN", "PAK", "PLW", "PNG", "PHL", "QAT", "KOR", "WSM", "SAU", "SGP", "SLB", "LKA",
    "SYR", "TJK", "THA", "TLS", "TON", "TKM", "TUV", "ARE", "UZB", "VUT", "VNM", "YEM", NULL};
static const char *const g_eastern_european[] = {"ALB", "ARM", "AZE", "BLR", "BIH", "BGR", "HRV", "CZE",
                                                 "EST", "GEO", "HUN", "LVA", "LTU", "MNE", "POL", "MDA",
                                                 "ROU", "RUS", "SRB", "SVK", "SVN", "MKD", "UKR", NULL};
static const char *const g_latin_american_caribbean[] = {"ATG", "ARG", "BHS", "BRB", "BLZ", "BOL", "BRA", "CHL", "COL",
                                                         "CRI", "CUB", "DMA", "DOM", "ECU", "SLV", "GRD", "GTM", "GUY",
                                                         "HTI", "HND", "JAM", "MEX", "NIC", "PAN", "PRY", "PER", "KNA",
                                                         "LCA", "VCT", "SUR", "TTO", "URY", "VEN", NULL};
static const char *const g_western_european_others[] = {
    "AND", "AUS", "AUT", "BEL", "CAN", "DNK", "FIN", "FRA", "DEU", "GRC", "ISL", "IRL", "ISR", "ITA", "LIE",
    "LUX", "MLT", "MCO", "NLD", "NZL", "NOR", "PRT", "SMR", "ESP", "SWE", "CHE", "TUR", "GBR", "USA", NULL};

static const struct {
    const char *code;
    const char *const *members;
} groups[] = {
    {"african", g_african},
    {"asia_pacific", g_asia_pacific},
    {"eastern_european", g_eastern_european},
    {"latin_american_caribbean", g_latin_american_caribbean},
    {"western_european_others", g_western_european_others},
};

const char *fund_un_group(const char *iso3)
{
    for (size_t g = 0; iso3 != NULL && g < ARRAY_LEN(groups); g++) {
        if (util_in_list(iso3, groups[g].members)) {
            return groups[g].code;
        }
    }
    return NULL;
}

/* A trustee's row as JSON (FUND_TRUSTEE_COLS). */
static enum status trustee_json(const struct auth_ctx *ctx, struct store_rows *rs, const char *today, json_t **out)
{
    int64_t id = store_rows_i64(rs, 0);
    json_t *name = NULL;
    enum status st = vault_unseal_column_json(ctx->vault, rs, 1, "fund_trustees", "name_enc", id, &name);
    if (st != STATUS_OK) {
        return st;
    }
    const char *from = store_rows_text(rs, 5), *term_end = store_rows_text(rs, 6), *ended = store_rows_text(rs, 7);
    const char *end = ended[0] != '\0' ? ended : term_end;
    bool now = strcmp(from, today) <= 0 && strcmp(today, end) < 0;
    *out =
        json_pack("{sI so ss ss sI ss ss ss ss sb sI}", "id", (json_int_t)id, "name", name, "country",
                  store_rows_text(rs, 2), "regional_group", store_rows_text(rs, 3), "user_id",
                  (json_int_t)store_rows_i64(rs, 4), "appointed_on", from, "term_end", term_end, "ended_on", ended,
                  "status", store_rows_text(rs, 8), "serving_now", now, "version", (json_int_t)store_rows_i64(rs, 11));
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

static enum status trustee_load(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *rs = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_TRUSTEE_GET, k, 1, &rs);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such trustee");
    }
    char today[11];
    util_today(today);
    if (st == STATUS_OK) {
        st = trustee_json(ctx, rs, today, out);
    }
    store_rows_free(rs);
    return st;
}

/* The board's rules over [from, to): among the others' terms, how many serve (and how many of
 * group) on each date that a term starts within the new one. */
struct term {
    char from[11], to[11], group[32];
};

static enum status board_check(const struct auth_ctx *ctx, const char *from, const char *to, const char *group)
{
    int64_t per_group = 1;
    enum status st = fa_setting(ctx, "max_per_group", &per_group);
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_FUND_TRUSTEE_LIST, NULL, 0, &rs);
    }
    struct term *terms = NULL;
    size_t n = 0, cap = 0;
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        const char *ended = store_rows_text(rs, 7);
        const char *end = ended[0] != '\0' ? ended : store_rows_text(rs, 6);
        if (strcmp(end, from) <= 0 || strcmp(store_rows_text(rs, 5), to) >= 0) {
            continue; /* no overlap */
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct term *t = realloc(terms, cap * sizeof *t);
            if (t == NULL) {
                st = err_set(STATUS_IO, "out of memory");
                break;
            }
            terms = t;
        }
        snprintf(terms[n].from, sizeof terms[n].from, "%s", store_rows_text(rs, 5));
        snprintf(terms[n].to, sizeof terms[n].to, "%s", end);
        snprintf(terms[n].group, sizeof terms[n].group, "%s", store_rows_text(rs, 3));
        n++;
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    /* The count only rises where a term starts: check the new term's start and every other start
     * inside it. */
    for (size_t c = 0; st == STATUS_OK && c <= n; c++) {
        const char *d = c == n ? from : terms[c].from;
        if (strcmp(d, from) < 0 || strcmp(d, to) >= 0) {
            continue;
        }
        int64_t all = 0, same = 0;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(terms[i].from, d) <= 0 && strcmp(d, terms[i].to) < 0) {
                all++;
                same += strcmp(terms[i].group, group) == 0;
            }
        }
        if (all >= FUND_BOARD_SIZE) {
            st = err_set_field(STATUS_CONFLICT, "appointed_on",
                               "the board has %d serving trustees on %s: at most %d serve at any date", FUND_BOARD_SIZE,
                               d, FUND_BOARD_SIZE);
        } else if (same >= per_group) {
            st = err_set_field(STATUS_CONFLICT, "country",
                               "%lld trustee(s) of the %s regional group serve on %s: at most %lld per regional "
                               "group (setting max_per_group)",
                               (long long)same, group, d, (long long)per_group);
        }
    }
    free(terms);
    return st;
}

enum status fund_trustee_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "appoint trustee");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a trustee must be a JSON object");
    }
    const char *name, *country, *from, *to;
    int64_t user_id = 0;
    char today[11], term_end[11];
    util_today(today);
    st = util_json_text(in, "name", FUND_TEXT_MAX, true, &name);
    if (st == STATUS_OK) {
        st = util_json_text(in, "country", 3, true, &country);
    }
    const char *group = st == STATUS_OK ? fund_un_group(country) : NULL;
    if (st == STATUS_OK && group == NULL) {
        st = err_set_field(STATUS_INVALID, "country",
                           "country must be the ISO 3166 alpha-3 code of a member state of a UN regional group");
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "user_id", 0, INT64_MAX, 0, &user_id);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "appointed_on", 10, false, &from);
    }
    if (st == STATUS_OK && from[0] == '\0') {
        from = today;
    }
    if (st == STATUS_OK && !util_date_valid(from)) {
        st = err_set_field(STATUS_INVALID, "appointed_on", "appointed_on must be a date YYYY-MM-DD");
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "term_end", 10, false, &to);
    }
    if (st == STATUS_OK && to[0] == '\0') {
        fa_add_months(from, 12 * FUND_TERM_YEARS, term_end);
        to = term_end;
    }
    if (st == STATUS_OK && (!util_date_valid(to) || strcmp(to, from) <= 0)) {
        st = err_set_field(STATUS_INVALID, "term_end", "term_end must be a date YYYY-MM-DD after appointed_on");
    }
    if (st == STATUS_OK && user_id > 0) {
        struct sql_value k[] = {SQLV_I64(user_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_FUND_USER_AGENCY, k, 1, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "user_id", "no such user");
        }
    }
    if (st == STATUS_OK) {
        st = board_check(ctx, from, to, group);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value v[8];
    st = vault_seal_text(ctx->vault, "fund_trustees", "name_enc", id, name, &sealed, &v[1]);
    if (st == STATUS_OK) {
        v[0] = SQLV_I64(id);
        v[2] = sqlv_text(country);
        v[3] = sqlv_text(group);
        v[4] = user_id > 0 ? SQLV_I64(user_id) : SQLV_NULL;
        v[5] = sqlv_text(from);
        v[6] = sqlv_text(to);
        v[7] = SQLV_I64(util_now_ms());
        st = store_exec(ctx->store, STMT_FUND_TRUSTEE_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(sealed);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.trustee.add", "fund_trustee", id, "ok", group);
    }
    if (st == STATUS_OK && out != NULL) {
        st = trustee_load(ctx, id, out);
    }
    return st;
}

enum status fund_trustee_list(const struct auth_ctx *ctx, json_t **out)
{
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list trustees");
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_FUND_TRUSTEE_LIST, NULL, 0, &rs);
    }
    char today[11];
    util_today(today);
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        json_t *t = NULL;
        st = trustee_json(ctx, rs, today, &t);
        if (st == STATUS_OK) {
            json_array_append_new(arr, t);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status fund_trustee_end(const struct auth_ctx *ctx, int64_t id, const char *date, json_t **out)
{
    char detail[64];
    snprintf(detail, sizeof detail, "end trustee %lld", (long long)id);
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, detail);
    if (st != STATUS_OK) {
        return st;
    }
    char today[11];
    util_today(today);
    const char *d = date != NULL && date[0] != '\0' ? date : today;
    if (!util_date_valid(d)) {
        return err_set_field(STATUS_INVALID, "date", "date must be YYYY-MM-DD");
    }
    json_t *cur = NULL;
    st = trustee_load(ctx, id, &cur);
    if (st == STATUS_OK && strcmp(json_string_value(json_object_get(cur, "status")), "serving") != 0) {
        st = err_set(STATUS_CONFLICT, "the trustee's term has already ended");
    }
    if (st == STATUS_OK && strcmp(d, json_string_value(json_object_get(cur, "appointed_on"))) < 0) {
        st = err_set_field(STATUS_INVALID, "date", "the term cannot end before the appointment");
    }
    if (st == STATUS_OK && strcmp(d, json_string_value(json_object_get(cur, "term_end"))) > 0) {
        d = json_string_value(json_object_get(cur, "term_end"));
    }
    if (st == STATUS_OK) {
        struct sql_value v[] = {SQLV_I64(id), sqlv_text(d), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_TRUSTEE_END, v, ARRAY_LEN(v), NULL);
    }
    json_decref(cur);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.trustee.end", "fund_trustee", id, "ok", "");
    }
    if (st == STATUS_OK && out != NULL) {
        st = trustee_load(ctx, id, out);
    }
    return st;
}

static enum status exists(const struct auth_ctx *ctx, enum stmt s, int64_t id, const char *field, const char *what)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, s, k, 1, &r);
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set_field(STATUS_INVALID, field, "no such %s", what) : st;
}

enum status fund_conflict_add(const struct auth_ctx *ctx, const json_t *in, json_t **out)
{
    int64_t trustee_id = 0, agency_id = 0, app_id = 0;
    bool manager = auth_has(ctx->who, "fund.write");
    enum status st = auth_check(ctx, manager ? "fund.write" : "fund.approve", NULL, AUTH_FG_NONE, true,
                                "declare conflict of interest");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a declaration must be a JSON object");
    }
    const char *date, *note;
    char today[11];
    util_today(today);
    st = util_json_int(in, "trustee_id", 1, INT64_MAX, 0, &trustee_id);
    if (st == STATUS_OK) {
        st = util_json_int(in, "agency_id", 1, INT64_MAX, 0, &agency_id);
    }
    if (st == STATUS_OK) {
        st = util_json_int(in, "application_id", 1, INT64_MAX, 0, &app_id);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "declared_on", 10, false, &date);
    }
    if (st == STATUS_OK) {
        st = util_json_text(in, "note", FUND_NOTE_MAX, false, &note);
    }
    if (st == STATUS_OK && date[0] == '\0') {
        date = today;
    }
    if (st == STATUS_OK && !util_date_valid(date)) {
        st = err_set_field(STATUS_INVALID, "declared_on", "declared_on must be a date YYYY-MM-DD");
    }
    if (st == STATUS_OK && (agency_id == 0) == (app_id == 0)) {
        st = err_set_field(STATUS_INVALID, "agency_id", "a conflict is declared on an agency_id or an application_id");
    }
    if (st == STATUS_OK && !manager) {
        int64_t own = 0;
        st = fa_trustee_of_user(ctx, ctx->who->user_id, today, &own);
        if (st == STATUS_OK && trustee_id == 0) {
            trustee_id = own;
        }
        if (st == STATUS_OK && (own == 0 || own != trustee_id)) {
            st = err_set_field(STATUS_INVALID, "trustee_id", "a trustee declares conflicts for themself only");
        }
    }
    if (st == STATUS_OK && trustee_id == 0) {
        st = err_set_field(STATUS_INVALID, "trustee_id", "trustee_id is required");
    }
    if (st == STATUS_OK) {
        st = exists(ctx, STMT_FUND_TRUSTEE_GET, trustee_id, "trustee_id", "trustee");
    }
    if (st == STATUS_OK && agency_id > 0) {
        st = exists(ctx, STMT_AGENCY_GET, agency_id, "agency_id", "agency");
    }
    if (st == STATUS_OK && app_id > 0) {
        st = exists(ctx, STMT_FUND_APP_GET, app_id, "application_id", "application");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *sealed = NULL;
    struct sql_value v[8];
    st = vault_seal_text(ctx->vault, "fund_conflicts", "note_enc", id, note, &sealed, &v[5]);
    if (st == STATUS_OK) {
        v[0] = SQLV_I64(id);
        v[1] = SQLV_I64(trustee_id);
        v[2] = agency_id > 0 ? SQLV_I64(agency_id) : SQLV_NULL;
        v[3] = app_id > 0 ? SQLV_I64(app_id) : SQLV_NULL;
        v[4] = sqlv_text(date);
        v[6] = ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL;
        v[7] = SQLV_I64(util_now_ms());
        st = store_exec(ctx->store, STMT_FUND_CONFLICT_INSERT, v, ARRAY_LEN(v), NULL);
    }
    free(sealed);
    if (st == STATUS_OK) {
        char detail[64];
        snprintf(detail, sizeof detail, "trustee %lld", (long long)trustee_id);
        st = auth_audit(ctx, "fund.conflict.add", "fund_conflict", id, "ok", detail);
    }
    if (st == STATUS_OK && out != NULL) {
        *out = json_pack("{sIsIsIsIss}", "id", (json_int_t)id, "trustee_id", (json_int_t)trustee_id, "agency_id",
                         (json_int_t)agency_id, "application_id", (json_int_t)app_id, "declared_on", date);
    }
    return st;
}

enum status fund_conflict_list(const struct auth_ctx *ctx, int64_t trustee_id, json_t **out)
{
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list conflicts of interest");
    struct store_rows *rs = NULL;
    if (st == STATUS_OK) {
        struct sql_value k[] = {SQLV_I64(trustee_id)};
        st = store_exec(ctx->store, STMT_FUND_CONFLICT_LIST, k, 1, &rs);
    }
    json_t *arr = json_array();
    while (st == STATUS_OK && (st = store_rows_next(rs)) == STATUS_OK) {
        int64_t id = store_rows_i64(rs, 0);
        json_t *note = NULL;
        st = vault_unseal_column_json(ctx->vault, rs, 5, "fund_conflicts", "note_enc", id, &note);
        if (st == STATUS_OK) {
            json_array_append_new(arr, json_pack("{sI sI sI sI ss so}", "id", (json_int_t)id, "trustee_id",
                                                 (json_int_t)store_rows_i64(rs, 1), "agency_id",
                                                 (json_int_t)store_rows_i64(rs, 2), "application_id",
                                                 (json_int_t)store_rows_i64(rs, 3), "declared_on",
                                                 store_rows_text(rs, 4), "note", note));
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    store_rows_free(rs);
    if (st == STATUS_OK) {
        *out = arr;
    } else {
        json_decref(arr);
    }
    return st;
}

enum status fund_app_settings(const struct auth_ctx *ctx, json_t **out)
{
    int64_t g = 0, r = 0;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "read fund settings");
    if (st == STATUS_OK) {
        st = fa_setting(ctx, "max_per_group", &g);
    }
    if (st == STATUS_OK) {
        st = fa_setting(ctx, "min_reviews", &r);
    }
    if (st == STATUS_OK) {
        *out = json_pack("{sIsI}", "max_per_group", (json_int_t)g, "min_reviews", (json_int_t)r);
    }
    return st;
}

enum status fund_app_setting_put(const struct auth_ctx *ctx, const char *name, int64_t value)
{
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "change fund settings");
    if (st != STATUS_OK) {
        return st;
    }
    if (name == NULL || (strcmp(name, "max_per_group") != 0 && strcmp(name, "min_reviews") != 0)) {
        return err_set_field(STATUS_INVALID, "name", "the setting is max_per_group or min_reviews");
    }
    if (value < 1 || value > FUND_BOARD_SIZE) {
        return err_set_field(STATUS_INVALID, "value", "%s must be from 1 to %d", name, FUND_BOARD_SIZE);
    }
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)value);
    struct sql_value v[] = {sqlv_text(name), sqlv_text(text)};
    st = store_exec(ctx->store, STMT_FUND_APP_SETTING_PUT, v, 2, NULL);
    return st == STATUS_OK ? auth_audit(ctx, "fund.setting", "fund_setting", 0, "ok", name) : st;
}
