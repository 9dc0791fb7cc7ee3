/* test_glotip: UNODC's published national data (issue 6, item 6) and the .xlsx reader under it.
 * The fixture is built here from the layout of the data portal file (row 1 "UNODC", row 2 a
 * date, row 3 the header, then the figures) with every quirk the real file has, once as .xlsx
 * written by libxlsxwriter (shared strings, and inline strings in constant-memory mode) and
 * once as CSV with the same rows.
 * Done when (issue 6): "Per-year totals of imported UNODC data equal a plain sum of its numeric
 * all-Total cells, and suppressed and suspect cells are counted and reported apart." */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "cases/csv.h"
#include "cases/vocab.h"
#include "stats/glotip.h"
#include "testlib.h"
#include "xlsx/xlsx_read.h"

/* ---- the fixture -------------------------------------------------------------------------- */

enum expect { E_OK, E_SUPP, E_SUSP };

struct frow {
    const char *f[13]; /* in the header's order */
    char year[8];
    char value[32];
    enum expect e;
    int64_t v;
};

static const char *const header[13] = {"Iso3_code",           "Country",  "Region", "Subregion", "Indicator",
                                       "Dimension",           "Category", "Sex",    "Age",       "Year",
                                       "Unit of measurement", "txtVALUE", "Source"};

static const char *const places[][4] = {{"ROU", "Romania", "Europe", "Eastern Europe"},
                                        {"NGA", "Nigeria", "Africa", "Sub-Saharan Africa"},
                                        {"ESP", "Spain", "Europe", "Southern Europe"},
                                        {"VNM", "Viet Nam", "Asia", "South-eastern Asia"},
                                        {"BRA", "Brazil", "Americas", "Latin America and the Caribbean"}};
static const char *const victims = "Detected trafficking victims";

struct fixture {
    struct frow *rows;
    size_t n, cap;
};

static struct frow *add(struct fixture *fx, const char *const place[4], const char *indicator, const char *dim,
                        const char *cat, const char *sex, const char *age, int year, const char *value, enum expect e,
                        int64_t v)
{
    if (fx->n == fx->cap) {
        fx->cap = fx->cap ? fx->cap * 2 : 256;
        fx->rows = xrealloc(fx->rows, fx->cap * sizeof *fx->rows);
    }
    struct frow *r = &fx->rows[fx->n++];
    memset(r, 0, sizeof *r);
    const char *f[13] = {place[0], place[1], place[2], place[3], indicator, dim,     cat,
                         sex,      age,      NULL,     "Counts", NULL,      "GLOTIP"};
    memcpy(r->f, f, sizeof f);
    snprintf(r->year, sizeof r->year, "%d", year);
    snprintf(r->value, sizeof r->value, "%s", value);
    r->f[9] = r->year;
    r->f[11] = r->value;
    r->e = e;
    r->v = v;
    return r;
}

/* A count as the file writes it: thousands separators from 1,000. */
static void count_text(char out[32], int64_t v)
{
    if (v >= 1000) {
        snprintf(out, 32, "%lld,%03lld", (long long)(v / 1000), (long long)(v % 1000));
    } else {
        snprintf(out, 32, "%lld", (long long)v);
    }
}

static void fixture_build(struct fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    uint32_t seed = 12345;
    static const char *const indicators[] = {"Detected trafficking victims", "Persons convicted"};
    static const char *const cits[] = {"Romanian", "Nigerians", "Viet Nam", "Filipinos", "Other Europe"};
    for (size_t p = 0; p < ARRAY_LEN(places); p++) {
        for (int year = 2018; year <= 2021; year++) {
            for (size_t ind = 0; ind < ARRAY_LEN(indicators); ind++) {
                seed = seed * 1103515245u + 12345u;
                int64_t v = (seed >> 8) % 3000;
                char text[32];
                count_text(text, v);
                if ((seed >> 4) % 7 == 0) {
                    add(fx, places[p], indicators[ind], "Total", "Total", "Total", "Total", year, "<5", E_SUPP, 0);
                } else {
                    add(fx, places[p], indicators[ind], "Total", "Total", "Total", "Total", year, text, E_OK, v);
                }
                /* Disaggregated rows: never in the all-Total sums. */
                add(fx, places[p], indicators[ind], "Total", "Total", "Female", "Total", year, "40", E_OK, 40);
                add(fx, places[p], indicators[ind], "Total", "Total", "Male", "0 to 17 years", year, "<5", E_SUPP, 0);
                if (ind == 0) {
                    for (size_t c = 0; c < ARRAY_LEN(cits); c++) {
                        add(fx, places[p], victims, "by citizenship", cits[c], "Total", "Total", year, "12", E_OK, 12);
                    }
                }
            }
        }
    }
    /* The quirks, in all-Total rows (counted apart) and elsewhere. */
    static const char *const ivory[4] = {"CIV", "C\xEF\xBF\xBDte d'Ivoire", "Africa", "Sub-Saharan Africa"};
    add(fx, places[1], victims, "Total", "Total", "Total", "Total", 2019, "6,112,019", E_SUSP, 0);
    add(fx, places[0], victims, "Total", "Total", "Total", "Total", 2020, "61,102,019", E_SUSP, 0);
    add(fx, places[2], victims, "Total", "Total", "Total", "Total", 2021, "n/a", E_SUSP, 0);
    add(fx, ivory, victims, "Total", "Total", "Total", "Total", 2019, "25", E_SUSP, 0);
    add(fx, places[3], victims, "Total", "Total", "Total", "Total", 2022, "1,192", E_OK, 1192);
    add(fx, places[2], victims, "by citizenship", "Q6.1_10s_2019", "Total", "Total", 2019, "3", E_SUSP, 0);
    add(fx, places[2], victims, "by citizenship", "Ciudadanos de su pa\xEF\xBF\xBDs", "Total", "Total", 2019, "8",
        E_SUSP, 0);
    add(fx, places[2], victims, "by citizenship", "Nationals", "Total", "Total", 2020, "<5", E_SUPP, 0);
}

static char *fixture_csv(const struct fixture *fx, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    const char *meta1[1] = {"UNODC"}, *meta2[1] = {"14/04/2025"};
    csv_write_row(f, meta1, 1);
    csv_write_row(f, meta2, 1);
    csv_write_row(f, header, 13);
    for (size_t i = 0; i < fx->n; i++) {
        csv_write_row(f, fx->rows[i].f, 13);
    }
    fclose(f);
    return text;
}

/* The fixture as .xlsx: values that are plain numbers as number cells, the rest as text. */
static char *fixture_xlsx(const struct fixture *fx, const char *dir, bool constant_memory, size_t *len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/glotip%d.xlsx", dir, constant_memory);
    lxw_workbook_options o = {.constant_memory = constant_memory, .tmpdir = (char *)dir};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "data_glotip");
    worksheet_write_string(ws, 0, 0, "UNODC", NULL);
    worksheet_write_number(ws, 1, 0, 45761, NULL); /* 2025-04-14 as an Excel date */
    for (lxw_col_t c = 0; c < 13; c++) {
        worksheet_write_string(ws, 2, c, header[c], NULL);
    }
    for (size_t i = 0; i < fx->n; i++) {
        for (lxw_col_t c = 0; c < 13; c++) {
            const char *v = fx->rows[i].f[c];
            char *end = NULL;
            double d = strtod(v, &end);
            if ((c == 9 || c == 11) && end != v && *end == '\0') {
                worksheet_write_number(ws, (lxw_row_t)(i + 3), c, d, NULL);
            } else {
                worksheet_write_string(ws, (lxw_row_t)(i + 3), c, v, NULL);
            }
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *data = NULL;
    assert_int_equal(util_file_read(&data, len, path, FILE_BYTES_MAX), STATUS_OK);
    return data;
}

/* ---- the world ---------------------------------------------------------------------------- */

struct world {
    struct test_env t;
    struct fixture fx;
    int64_t worker, analyst;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    int64_t agency = test_agency(&w->t, "Statistics Office");
    w->worker = test_user(&w->t, "worker", agency, "caseworker", "agency");
    w->analyst = test_user(&w->t, "analyst", agency, "analyst", "all");
    fixture_build(&w->fx);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    free(w->fx.rows);
    test_env_close(&w->t);
    free(w);
    return 0;
}

struct imp {
    const char *name;
    const char *data;
    size_t len;
    struct glotip_summary sum;
};

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct imp *o = p;
    return glotip_import(ctx, o->name, o->data, o->len, &o->sum);
}

static enum status import_as(const struct auth_ctx *ctx, const char *name, const char *data, size_t len,
                             struct glotip_summary *sum)
{
    struct imp o = {.name = name, .data = data, .len = len};
    enum status st = auth_run(ctx, op_import, &o);
    if (sum != NULL) {
        *sum = o.sum;
    } else {
        glotip_summary_clear(&o.sum);
    }
    return st;
}

struct q {
    struct glotip_query q;
    struct glotip_stat_row *rows;
    size_t n;
    int64_t import_id;
};

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct q *o = p;
    return glotip_stats(ctx, &o->q, &o->rows, &o->n, &o->import_id);
}

/* Per year, from the fixture alone: the plain sum of the all-Total numeric cells. */
static void check_per_year(struct world *w, const struct auth_ctx *ctx)
{
    struct q o = {.q = {.indicator = victims, .by = {"year"}, .by_count = 1}};
    assert_int_equal(auth_run(ctx, op_stats, &o), STATUS_OK);
    int64_t total = 0, supp_total = 0, susp_total = 0;
    for (int year = 2018; year <= 2022; year++) {
        int64_t sum = 0, cells = 0, supp = 0, susp = 0;
        for (size_t i = 0; i < w->fx.n; i++) {
            const struct frow *r = &w->fx.rows[i];
            if (atoi(r->year) != year || strcmp(r->f[4], victims) != 0 || strcmp(r->f[5], "Total") != 0 ||
                strcmp(r->f[6], "Total") != 0 || strcmp(r->f[7], "Total") != 0 || strcmp(r->f[8], "Total") != 0) {
                continue;
            }
            sum += r->e == E_OK ? r->v : 0;
            cells += r->e == E_OK;
            supp += r->e == E_SUPP;
            susp += r->e == E_SUSP;
        }
        char key[8];
        snprintf(key, sizeof key, "%d", year);
        bool found = false;
        for (size_t g = 0; g < o.n; g++) {
            if (strcmp(o.rows[g].keys[0], key) == 0) {
                found = true;
                assert_int_equal(o.rows[g].value, sum);
                assert_int_equal(o.rows[g].cells, cells);
                assert_int_equal(o.rows[g].suppressed, supp);
                assert_int_equal(o.rows[g].suspect, susp);
            }
        }
        assert_true(found);
        total += sum;
        supp_total += supp;
        susp_total += susp;
    }
    assert_int_equal(o.n, 5);
    assert_true(total > 0 && supp_total > 0 && susp_total == 4);
    /* Never a suppressed cell read as 0 or 5: the CSV shows them in their own column. */
    char *csv = glotip_stats_csv(&o.q, o.rows, o.n);
    assert_non_null(strstr(csv, "year,value,cells,suppressed,suspect\r\n"));
    free(csv);
    glotip_stats_free(o.rows, o.n);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_glotip__values_and_categories(void **state)
{
    (void)state;
    int64_t v;
    enum glotip_reason why;
    assert_int_equal(glotip_value_parse("1,192", &v, &why), GLOTIP_OK);
    assert_int_equal(v, 1192);
    assert_int_equal(glotip_value_parse(" 25 ", &v, &why), GLOTIP_OK);
    assert_int_equal(v, 25);
    assert_int_equal(glotip_value_parse("12.0", &v, &why), GLOTIP_OK);
    assert_int_equal(v, 12);
    assert_int_equal(glotip_value_parse("1,234,567", &v, &why), GLOTIP_OK); /* no year at the end */
    assert_int_equal(v, 1234567);
    assert_int_equal(glotip_value_parse("<5", &v, &why), GLOTIP_SUPPRESSED);
    assert_int_equal(v, 0);
    assert_int_equal(glotip_value_parse("6,112,019", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(why, GLOTIP_REASON_DATE_LIKE);
    assert_int_equal(glotip_value_parse("61,102,019", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(why, GLOTIP_REASON_DATE_LIKE);
    assert_int_equal(glotip_value_parse("1,19", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(why, GLOTIP_REASON_UNPARSEABLE);
    assert_int_equal(glotip_value_parse("12.5", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(glotip_value_parse("n/a", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(glotip_value_parse("", &v, &why), GLOTIP_SUSPECT);
    assert_int_equal(why, GLOTIP_REASON_EMPTY);
    assert_true(glotip_questionnaire_code("Q6.1_10s_2019"));
    assert_false(glotip_questionnaire_code("Qatar"));
    assert_true(glotip_mis_encoded("Ciudadanos de su pa\xEF\xBF\xBDs"));
    assert_true(glotip_mis_encoded("pa\xC3\x83\xC2\xADs"));
    assert_false(glotip_mis_encoded("pa\xC3\xADs"));
    assert_string_equal(glotip_category_iso3("Romanian", "ESP"), "ROU");
    assert_string_equal(glotip_category_iso3("Nigerians", "ESP"), "NGA");
    assert_string_equal(glotip_category_iso3("Filipinos", "ESP"), "PHL");
    assert_string_equal(glotip_category_iso3("Viet Nam", "ESP"), "VNM");
    assert_string_equal(glotip_category_iso3("Nationals", "ESP"), "ESP");
    assert_null(glotip_category_iso3("Other Europe", "ESP"));
    assert_null(glotip_category_iso3("Total", "ESP"));
}

static void test_glotip__csv_and_xlsx_per_year(void **state)
{
    struct world *w = *state;
    struct test_as worker, analyst;
    test_as_user(&w->t, &worker, w->worker);
    test_as_user(&w->t, &analyst, w->analyst);
    size_t csv_len = 0, x_len = 0, xi_len = 0;
    char *csv = fixture_csv(&w->fx, &csv_len);
    char *x = fixture_xlsx(&w->fx, w->t.dir, false, &x_len);
    char *xi = fixture_xlsx(&w->fx, w->t.dir, true, &xi_len);

    /* Nothing imported yet; an analyst (stats.read, no case.write) cannot import. */
    struct q none = {.q = {.indicator = victims, .by = {"year"}, .by_count = 1}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &none), STATUS_NOT_FOUND);
    assert_int_equal(import_as(&analyst.ctx, "data_glotip.csv", csv, csv_len, NULL), STATUS_DENIED);

    struct glotip_summary s1, s2, s3;
    assert_int_equal(import_as(&worker.ctx, "/tmp/x/data_glotip.csv", csv, csv_len, &s1), STATUS_OK);
    assert_int_equal((size_t)s1.rows, w->fx.n);
    int64_t ok = 0, supp = 0, susp = 0;
    for (size_t i = 0; i < w->fx.n; i++) {
        ok += w->fx.rows[i].e == E_OK;
        supp += w->fx.rows[i].e == E_SUPP;
        susp += w->fx.rows[i].e == E_SUSP;
    }
    assert_int_equal(s1.ok, ok);
    assert_int_equal(s1.suppressed, supp);
    assert_int_equal(s1.suspect, susp);
    assert_int_equal(s1.by_reason[GLOTIP_REASON_DATE_LIKE], 2);
    assert_int_equal(s1.by_reason[GLOTIP_REASON_QUESTIONNAIRE_CODE], 1);
    assert_int_equal(s1.by_reason[GLOTIP_REASON_MIS_ENCODED], 2);
    assert_int_equal(s1.by_reason[GLOTIP_REASON_UNPARSEABLE], 1);
    assert_string_equal(s1.source_date, "14/04/2025");
    /* Unmapped: "Other Europe" (one per place and year), the questionnaire code, the mis-encoded. */
    assert_int_equal(s1.unmapped_count, 3);
    assert_string_equal(s1.unmapped[0].category, "Other Europe");
    assert_int_equal(s1.unmapped[0].rows, 20);
    assert_int_equal(s1.mapped, 4 * 20 + 1);
    check_per_year(w, &analyst.ctx);
    /* The same file again is refused; a caseworker has no stats.read. */
    assert_int_equal(import_as(&worker.ctx, "again.csv", csv, csv_len, NULL), STATUS_CONFLICT);
    struct q denied = {.q = {.indicator = victims, .by = {"year"}, .by_count = 1}};
    assert_int_equal(auth_run(&worker.ctx, op_stats, &denied), STATUS_DENIED);

    /* The same rows as .xlsx (shared strings, numbers), then inline strings: same figures. */
    assert_int_equal(import_as(&worker.ctx, "data_glotip.xlsx", x, x_len, &s2), STATUS_OK);
    assert_int_equal(s2.rows, s1.rows);
    assert_int_equal(s2.ok, s1.ok);
    assert_int_equal(s2.suppressed, s1.suppressed);
    assert_int_equal(s2.suspect, s1.suspect);
    assert_string_equal(s2.source_date, "2025-04-14");
    check_per_year(w, &analyst.ctx);
    assert_int_equal(import_as(&worker.ctx, "inline.xlsx", xi, xi_len, &s3), STATUS_OK);
    assert_int_equal(s3.rows, s1.rows);
    assert_int_equal(s3.suspect, s1.suspect);
    check_per_year(w, &analyst.ctx);

    /* By country and sex: sex is free, dimension, category and age stay Total. */
    struct q bs = {
        .q = {.indicator = victims, .by = {"iso3", "sex"}, .by_count = 2, .year_from = 2019, .year_to = 2019}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &bs), STATUS_OK);
    bool female = false;
    for (size_t g = 0; g < bs.n; g++) {
        if (strcmp(bs.rows[g].keys[0], "ROU") == 0 && strcmp(bs.rows[g].keys[1], "Female") == 0) {
            female = true;
            assert_int_equal(bs.rows[g].value, 40);
        }
        assert_string_not_equal(bs.rows[g].keys[1], "Male"); /* Male rows are 0 to 17 years, not Total */
    }
    assert_true(female);
    glotip_stats_free(bs.rows, bs.n);
    /* A dimension: Category free. */
    struct q bd = {
        .q = {.indicator = victims, .by = {"category"}, .by_count = 1, .dimension = "by citizenship", .year_to = 2018}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &bd), STATUS_OK);
    assert_int_equal(bd.n, 5);
    for (size_t g = 0; g < bd.n; g++) {
        assert_int_equal(bd.rows[g].value, 12 * 5);
    }
    glotip_stats_free(bd.rows, bd.n);
    /* compare: the instance's own figure (no cases here: 0) beside it; only where it applies. */
    struct q cmp = {.q = {.indicator = victims, .by = {"iso3", "year"}, .by_count = 2, .compare = true}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &cmp), STATUS_OK);
    assert_true(cmp.n > 0 && cmp.rows[0].has_instance);
    json_t *j = glotip_stats_json(&cmp.q, cmp.rows, cmp.n, cmp.import_id);
    assert_non_null(json_object_get(json_array_get(json_object_get(j, "rows"), 0), "instance"));
    json_decref(j);
    glotip_stats_free(cmp.rows, cmp.n);
    struct q bad = {.q = {.indicator = victims, .by = {"sex"}, .by_count = 1, .compare = true}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &bad), STATUS_INVALID);
    struct q badby = {.q = {.indicator = victims, .by = {"colour"}, .by_count = 1}};
    assert_int_equal(auth_run(&analyst.ctx, op_stats, &badby), STATUS_INVALID);
    glotip_summary_clear(&s1);
    glotip_summary_clear(&s2);
    glotip_summary_clear(&s3);
    free(csv);
    free(x);
    free(xi);
    auth_principal_clear(&worker.p);
    auth_principal_clear(&analyst.p);
}

static void test_glotip__broken_files(void **state)
{
    struct world *w = *state;
    struct test_as worker;
    test_as_user(&w->t, &worker, w->worker);
    /* A missing column is named. */
    const char *no_sex = "UNODC\n2025\nIso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Age,Year,"
                         "Unit of measurement,txtVALUE,Source\n";
    assert_int_equal(import_as(&worker.ctx, "a.csv", no_sex, strlen(no_sex), NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "\"Sex\""));
    assert_string_equal(err_last_field(), "Sex");
    /* A row that cannot be stored: file, line and field; nothing of the file is kept. */
    const char *bad_year = "UNODC\n2025\nIso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,"
                           "Year,Unit of measurement,txtVALUE,Source\n"
                           "ROU,Romania,Europe,Eastern Europe,Detected trafficking victims,Total,Total,Total,Total,"
                           "2019,Counts,5,GLOTIP\n"
                           "ROU,Romania,Europe,Eastern Europe,Detected trafficking victims,Total,Total,Total,Total,"
                           "20x9,Counts,5,GLOTIP\n";
    assert_int_equal(import_as(&worker.ctx, "b.csv", bad_year, strlen(bad_year), NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "b.csv: line 5, field Year"));
    struct test_as op = {.ctx = w->t.ctx};
    struct q none = {.q = {.indicator = victims, .by = {"year"}, .by_count = 1}};
    assert_int_equal(auth_run(&op.ctx, op_stats, &none), STATUS_NOT_FOUND);
    /* Not the GLOTIP layout. */
    const char *other = "Iso3_code,Country\nROU,Romania\n";
    assert_int_equal(import_as(&worker.ctx, "c.csv", other, strlen(other), NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "line 1"));
    /* A truncated .xlsx. */
    size_t len = 0;
    char *x = fixture_xlsx(&w->fx, w->t.dir, false, &len);
    assert_int_equal(import_as(&worker.ctx, "t.xlsx", x, len / 2, NULL), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "t.xlsx: xlsx:"));
    free(x);
    auth_principal_clear(&worker.p);
}

/* ---- the .xlsx reader on odd files -------------------------------------------------------- */

struct collect {
    char text[4096];
    int64_t rows;
    size_t max_count;
};

static enum status collect_row(void *ctx, int64_t row, const char *const *cells, size_t count)
{
    struct collect *c = ctx;
    size_t n = strlen(c->text);
    n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%lld:", (long long)row);
    for (size_t i = 0; i < count && n < sizeof c->text; i++) {
        n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%s|", cells[i]);
    }
    if (n < sizeof c->text) {
        snprintf(c->text + n, sizeof c->text - n, "\n");
    }
    c->rows++;
    if (count > c->max_count) {
        c->max_count = count;
    }
    return STATUS_OK;
}

static char *write_book(const char *dir, const char *name, bool constant_memory, void (*fill)(lxw_workbook *),
                        size_t *len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    lxw_workbook_options o = {.constant_memory = constant_memory, .tmpdir = (char *)dir};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    fill(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *data = NULL;
    assert_int_equal(util_file_read(&data, len, path, FILE_BYTES_MAX), STATUS_OK);
    return data;
}

static void fill_gaps(lxw_workbook *wb)
{
    lxw_worksheet *first = workbook_add_worksheet(wb, "first");
    worksheet_write_string(first, 0, 0, "a1", NULL);
    worksheet_write_string(first, 0, 3, "d1", NULL); /* B1 and C1 absent */
    worksheet_write_number(first, 3, 1, 1.5, NULL);  /* rows 2 and 3 absent */
    worksheet_write_boolean(first, 3, 2, 1, NULL);
    worksheet_write_string(first, 4, 0, "caf\xC3\xA9 & <x>", NULL);
    lxw_worksheet *second = workbook_add_worksheet(wb, "second");
    worksheet_write_string(second, 0, 0, "other sheet", NULL);
}

static void fill_wide(lxw_workbook *wb)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, XLSX_COLUMNS_MAX, "too far", NULL);
}

static void test_glotip__xlsx_reader(void **state)
{
    struct world *w = *state;
    size_t len = 0;
    /* Shared strings, gaps in columns and rows, numbers, booleans, escaped text; a named sheet. */
    for (int cm = 0; cm <= 1; cm++) {
        char *x = write_book(w->t.dir, cm ? "gaps_inline.xlsx" : "gaps.xlsx", cm, fill_gaps, &len);
        struct collect c = {.rows = 0};
        assert_int_equal(xlsx_read_mem(x, len, NULL, collect_row, &c), STATUS_OK);
        assert_string_equal(c.text, "1:a1|||d1|\n4:|1.5|TRUE|\n5:caf\xC3\xA9 & <x>|\n");
        struct collect c2 = {.rows = 0};
        assert_int_equal(xlsx_read_mem(x, len, "second", collect_row, &c2), STATUS_OK);
        assert_string_equal(c2.text, "1:other sheet|\n");
        assert_int_equal(xlsx_read_mem(x, len, "third", collect_row, &c2), STATUS_NOT_FOUND);
        /* Truncated anywhere past the start: refused, never a crash. */
        for (size_t cut = 1; cut < len; cut += len / 17 + 1) {
            struct collect c3 = {.rows = 0};
            assert_int_not_equal(xlsx_read_mem(x, cut, NULL, collect_row, &c3), STATUS_OK);
        }
        free(x);
    }
    /* A cell past the column limit. */
    char *wide = write_book(w->t.dir, "wide.xlsx", false, fill_wide, &len);
    struct collect c = {.rows = 0};
    assert_int_equal(xlsx_read_mem(wide, len, NULL, collect_row, &c), STATUS_TOO_LARGE);
    free(wide);
    /* Not a zip at all; an empty file. */
    assert_int_equal(xlsx_read_mem("hello", 5, NULL, collect_row, &c), STATUS_INVALID);
    assert_int_equal(xlsx_read_mem("", 0, NULL, collect_row, &c), STATUS_INVALID);
    assert_int_equal(xlsx_column_index("A1"), 0);
    assert_int_equal(xlsx_column_index("AB12"), 27);
    assert_int_equal(xlsx_column_index("12"), -1);
}

/* A zip bomb: a stored part whose headers declare 4 GiB. */
static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

static void test_glotip__xlsx_bomb(void **state)
{
    (void)state;
    static const char name[] = "xl/workbook.xml";
    const size_t nl = sizeof name - 1, data_len = 16;
    uint8_t z[512];
    memset(z, 0, sizeof z);
    size_t o = 0;
    put32(z + o, 0x04034b50); /* local header */
    put16(z + o + 4, 20);
    put32(z + o + 18, (uint32_t)data_len); /* compressed */
    put32(z + o + 22, 0xFFFFFFF0u);        /* uncompressed: 4 GiB */
    put16(z + o + 26, (unsigned)nl);
    memcpy(z + o + 30, name, nl);
    o += 30 + nl + data_len;
    size_t cd = o;
    put32(z + o, 0x02014b50); /* central directory */
    put16(z + o + 4, 20);
    put16(z + o + 6, 20);
    put32(z + o + 20, (uint32_t)data_len);
    put32(z + o + 24, 0xFFFFFFF0u);
    put16(z + o + 28, (unsigned)nl);
    memcpy(z + o + 46, name, nl);
    o += 46 + nl;
    size_t cd_len = o - cd;
    put32(z + o, 0x06054b50); /* end of central directory */
    put16(z + o + 8, 1);
    put16(z + o + 10, 1);
    put32(z + o + 12, (uint32_t)cd_len);
    put32(z + o + 16, (uint32_t)cd);
    o += 22;
    struct collect c = {.rows = 0};
    enum status st = xlsx_read_mem(z, o, NULL, collect_row, &c);
    assert_int_equal(st, STATUS_TOO_LARGE);
    assert_non_null(strstr(err_last(), "inflates to more than"));
    assert_int_equal(c.rows, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glotip__values_and_categories),
        cmocka_unit_test_setup_teardown(test_glotip__csv_and_xlsx_per_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glotip__broken_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glotip__xlsx_reader, setup, teardown),
        cmocka_unit_test(test_glotip__xlsx_bomb),
    };
    TEST_RUN_BOTH("glotip", tests, NULL, NULL);
}
