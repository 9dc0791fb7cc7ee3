/* test_questionnaire: the xlsx writer (src/xlsx/xlsx_write) and the questionnaire workbook
 * (src/stats/questionnaire), each written and read back with src/xlsx/xlsx_read: values and
 * layout, "<5" cells and recorded releases with disclosure control, Arabic sheet names read right
 * to left, the writer's refusals, and who may build which. SQLite and PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "referral/legal.h"
#include "stats/questionnaire.h"
#include "stats/release.h"
#include "testdata.h"
#include "testlib.h"
#include "util/limits.h"
#include "xlsx/xlsx_read.h"
#include "xlsx/xlsx_write.h"

struct world {
    struct test_env t;
    int64_t analyst, coord, worker;
};

/* ---------- reading back ---------- */

/* A sheet as [[row_number, cell, cell, ...], ...]. */
static enum status on_row(void *ctx, int64_t row_number, const char *const *cells, size_t count)
{
    json_t *row = json_array();
    json_array_append_new(row, json_integer(row_number));
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(row, json_string(cells[i]));
    }
    json_array_append_new(ctx, row);
    return STATUS_OK;
}

static json_t *sheet_of(const char *data, size_t len, const char *name, bool *rtl)
{
    json_t *rows = json_array();
    struct xlsx_sheet_info info;
    assert_int_equal(xlsx_read_mem_info(data, len, name, on_row, rows, &info), STATUS_OK);
    if (rtl != NULL) {
        *rtl = info.right_to_left;
    }
    return rows;
}

/* Cell col (0 = column A) of sheet row number r; "" when absent. */
static const char *cell(const json_t *rows, int64_t r, size_t col)
{
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (json_integer_value(json_array_get(row, 0)) == r) {
            const json_t *c = json_array_get(row, col + 1);
            return c != NULL ? json_string_value(c) : "";
        }
    }
    return "";
}

/* The row number whose column col reads label, after row `after`; -1 when none. */
static int64_t find_row(const json_t *rows, size_t col, const char *label, int64_t after)
{
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t r = json_integer_value(json_array_get(row, 0));
        const json_t *c = json_array_get(row, col + 1);
        if (r > after && c != NULL && strcmp(json_string_value(c), label) == 0) {
            return r;
        }
    }
    return -1;
}

/* ---------- the writer ---------- */

static void test_write_roundtrip(void **state)
{
    (void)state;
    struct xlsx_book *b = NULL;
    assert_int_equal(xlsx_book_new(NULL, &b), STATUS_OK);
    struct xlsx_sheet *en = NULL, *ar = NULL;
    assert_int_equal(xlsx_sheet_add(b, "Figures", false, &en), STATUS_OK);
    /* 31 Arabic characters (62 bytes) is within Excel's limit, counted in characters. */
    const char *ar_name = "ااااااااااااااااااااااااااااااا";
    assert_int_equal(util_utf8_len(ar_name, strlen(ar_name)), XLSX_SHEET_NAME_CHARS_MAX);
    assert_int_equal(xlsx_sheet_add(b, ar_name, true, &ar), STATUS_OK);
    const char *head[] = {"Year", "Count", "Note"};
    assert_int_equal(xlsx_sheet_header(en, 0, head, 3), STATUS_OK);
    assert_int_equal(xlsx_sheet_text(en, 1, 0, "2024", false), STATUS_OK);
    assert_int_equal(xlsx_sheet_int(en, 1, 1, 42), STATUS_OK);
    assert_int_equal(xlsx_sheet_text(en, 1, 2, "<5 & \"quoted\"", true), STATUS_OK);
    assert_int_equal(xlsx_sheet_int(en, 3, 1, -7), STATUS_OK);
    assert_int_equal(xlsx_sheet_int(en, 4, 1, XLSX_WRITE_INT_MAX), STATUS_OK);
    assert_int_equal(xlsx_sheet_width(en, 0, 2, 12.5), STATUS_OK);
    assert_int_equal(xlsx_sheet_text(ar, 0, 0, "المجموع", true), STATUS_OK);
    assert_int_equal(xlsx_sheet_int(ar, 0, 1, 5), STATUS_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(xlsx_book_finish(b, STATUS_OK, &data, &len), STATUS_OK);
    assert_true(len > 0);

    bool rtl = true;
    json_t *rows = sheet_of(data, len, NULL, &rtl); /* the first sheet */
    assert_false(rtl);
    assert_string_equal(cell(rows, 1, 0), "Year");
    assert_string_equal(cell(rows, 1, 2), "Note");
    assert_string_equal(cell(rows, 2, 1), "42");
    assert_string_equal(cell(rows, 2, 2), "<5 & \"quoted\"");
    assert_int_equal(json_array_size(rows), 4); /* rows 1, 2, 4, 5: row 3 was never written */
    assert_string_equal(cell(rows, 4, 0), "");  /* a gap before the number */
    assert_string_equal(cell(rows, 4, 1), "-7");
    assert_string_equal(cell(rows, 5, 1), "9007199254740992");
    json_decref(rows);
    rows = sheet_of(data, len, ar_name, &rtl);
    assert_true(rtl);
    assert_string_equal(cell(rows, 1, 0), "المجموع");
    assert_string_equal(cell(rows, 1, 1), "5");
    json_decref(rows);
    free(data);

    /* To a file, read back with xlsx_read_file. */
    char path[] = "/tmp/ctis-xlsxw-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(xlsx_book_new(path, &b), STATUS_OK);
    assert_int_equal(xlsx_sheet_add(b, "One", false, &en), STATUS_OK);
    assert_int_equal(xlsx_sheet_int(en, 0, 0, 1), STATUS_OK);
    assert_int_equal(xlsx_book_finish(b, STATUS_OK, NULL, NULL), STATUS_OK);
    rows = json_array();
    assert_int_equal(xlsx_read_file(path, "One", on_row, rows), STATUS_OK);
    assert_string_equal(cell(rows, 1, 0), "1");
    json_decref(rows);
    unlink(path);
}

static void test_write_refusals(void **state)
{
    (void)state;
    static const char *const bad_names[] = {
        "", "a:b", "a/b", "[x]", "what?", "'quo'", "0123456789012345678901234567890X" /* 32 */};
    for (size_t i = 0; i < ARRAY_LEN(bad_names); i++) {
        struct xlsx_book *b = NULL;
        struct xlsx_sheet *s = NULL;
        assert_int_equal(xlsx_book_new(NULL, &b), STATUS_OK);
        assert_int_equal(xlsx_sheet_add(b, bad_names[i], false, &s), STATUS_INVALID);
        assert_string_equal(err_last_field(), "sheet");
        /* The book is spoiled: the same error again, and nothing comes out. */
        assert_int_equal(xlsx_sheet_add(b, "Fine", false, &s), STATUS_INVALID);
        char *data = (char *)"x";
        size_t len = 1;
        assert_int_equal(xlsx_book_finish(b, STATUS_OK, &data, &len), STATUS_INVALID);
        assert_null(data);
        assert_int_equal(len, 0);
    }
    struct xlsx_book *b = NULL;
    struct xlsx_sheet *s = NULL, *s2 = NULL;
    assert_int_equal(xlsx_book_new(NULL, &b), STATUS_OK);
    assert_int_equal(xlsx_sheet_add(b, "Data", false, &s), STATUS_OK);
    assert_int_equal(xlsx_sheet_add(b, "DATA", false, &s2), STATUS_INVALID); /* Excel ignores case */
    assert_int_equal(xlsx_book_finish(b, STATUS_OK, NULL, NULL), STATUS_INVALID);

    struct {
        int what;
        enum status st;
    } cases[] = {{0, STATUS_INVALID}, {1, STATUS_TOO_LARGE}, {2, STATUS_TOO_LARGE},
                 {3, STATUS_INVALID}, {4, STATUS_INVALID},   {5, STATUS_TOO_LARGE}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        assert_int_equal(xlsx_book_new(NULL, &b), STATUS_OK);
        assert_int_equal(xlsx_sheet_add(b, "S", false, &s), STATUS_OK);
        enum status st = STATUS_OK;
        char *big = NULL;
        switch (cases[i].what) {
        case 0: st = xlsx_sheet_int(s, 0, 0, XLSX_WRITE_INT_MAX + 1); break;
        case 1: st = xlsx_sheet_int(s, XLSX_ROWS_MAX, 0, 1); break;
        case 2: st = xlsx_sheet_text(s, 0, XLSX_COLUMNS_MAX, "x", false); break;
        case 3: st = xlsx_sheet_text(s, 0, 0, "\xff\xfe", false); break;
        case 4: st = xlsx_sheet_width(s, 0, 0, 0); break;
        default:
            big = calloc(XLSX_WRITE_TEXT_CHARS_MAX + 2, 1);
            memset(big, 'a', XLSX_WRITE_TEXT_CHARS_MAX + 1);
            st = xlsx_sheet_text(s, 0, 0, big, false);
            free(big);
        }
        assert_int_equal(st, cases[i].st);
        assert_int_equal(xlsx_book_finish(b, STATUS_OK, NULL, NULL), cases[i].st);
    }
    /* The caller's failure discards a good book; a file book's path is removed. */
    char path[] = "/tmp/ctis-xlsxw-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    assert_int_equal(xlsx_book_new(path, &b), STATUS_OK);
    assert_int_equal(xlsx_sheet_add(b, "S", false, &s), STATUS_OK);
    assert_int_equal(xlsx_book_finish(b, STATUS_DENIED, NULL, NULL), STATUS_DENIED);
    assert_int_equal(access(path, F_OK), -1);
    /* At most XLSX_WRITE_SHEETS_MAX sheets. */
    assert_int_equal(xlsx_book_new(NULL, &b), STATUS_OK);
    for (int i = 0; i < XLSX_WRITE_SHEETS_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "S%d", i);
        assert_int_equal(xlsx_sheet_add(b, name, false, &s), STATUS_OK);
    }
    assert_int_equal(xlsx_sheet_add(b, "one more", false, &s), STATUS_TOO_LARGE);
    assert_int_equal(xlsx_book_finish(b, STATUS_OK, NULL, NULL), STATUS_TOO_LARGE);
}

/* ---------- the questionnaire ---------- */

static int setup(void **state)
{
    assert_int_equal(i18n_init(), STATUS_OK);
    struct world *w = calloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    int64_t ag = test_agency(&w->t, "NAPTIP");
    w->analyst = test_user(&w->t, "analyst", ag, "analyst", "all");
    w->coord = test_user(&w->t, "coord", ag, "national_coordinator", "all");
    w->worker = test_user(&w->t, "worker", ag, "caseworker", "agency");
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    for (int i = 0; i < 7; i++) {
        test_case_add(&w->t, ag, "Feminine", "30", "SexualExploitation", "NGA", NULL, "2024"); /* women, nationals */
    }
    test_case_add(&w->t, ag, "Feminine", "16", "ForcedLabour", "BEN", NULL, "2024"); /* girls, Benin */
    test_case_add(&w->t, ag, "Feminine", "15", "ForcedLabour", "BEN", NULL, "2024");
    test_case_add(&w->t, ag, "Masculine", "40", "ForcedLabour", "NGA", NULL, "2024"); /* a man */
    test_convicted(&w->t, ag, NULL, NULL);
    test_repatriated(&w->t, ag, "2023", NULL); /* registered in 2023: a woman, a national, in 2023 */
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

static enum status build(struct world *w, int64_t user, const char *lang, const char *release, char **data, size_t *len,
                         json_t **releases)
{
    struct test_as as;
    test_as_user(&w->t, &as, user);
    struct questionnaire_spec q = {"NGA", 2023, 2024, lang, release, NULL};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    enum status st = stats_questionnaire(&as.ctx, &q, NULL, data, len, releases);
    if (st == STATUS_OK) {
        assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    } else {
        store_tx_rollback(w->t.store);
    }
    auth_principal_clear(&as.p);
    return st;
}

static void test_questionnaire_exact(void **state)
{
    struct world *w = *state;
    char *data = NULL;
    size_t len = 0;
    json_t *rel = NULL;
    assert_int_equal(build(w, w->analyst, "en", NULL, &data, &len, &rel), STATUS_OK);
    assert_int_equal(json_array_size(rel), 0);
    json_decref(rel);

    bool rtl = true;
    json_t *cover = sheet_of(data, len, NULL, &rtl); /* the cover comes first */
    assert_false(rtl);
    assert_string_equal(cell(cover, 1, 0), "Questionnaire for the Global Report on Trafficking in Persons");
    int64_t r = find_row(cover, 0, "Country", 0);
    assert_true(r > 0);
    assert_non_null(strstr(cell(cover, r, 1), "(NGA)"));
    assert_string_equal(cell(cover, find_row(cover, 0, "Years", 0), 1), "2023-2024");
    assert_non_null(strstr(cell(cover, find_row(cover, 0, "Method", 0), 1), "Exact"));
    json_decref(cover);

    json_t *v = sheet_of(data, len, "Victims by sex and age", &rtl);
    assert_string_equal(cell(v, 1, 0), "Sex and age");
    assert_string_equal(cell(v, 1, 1), "2023");
    assert_string_equal(cell(v, 1, 2), "2024");
    assert_string_equal(cell(v, 1, 3), "Total");
    static const struct {
        const char *label, *y2024;
    } want[] = {{"Women", "7"}, {"Men", "1"},     {"Girls", "2"}, {"Boys", "0"},
                {"Other", "0"}, {"Unknown", "0"}, {"Total", "10"}};
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        r = find_row(v, 0, want[i].label, 1);
        assert_int_equal(r, 2 + (int64_t)i);             /* the layout: one row per category, in order */
        bool woman = i == 0 || i == ARRAY_LEN(want) - 1; /* the repatriated woman, registered in 2023 */
        assert_string_equal(cell(v, r, 1), woman ? "1" : "0");
        assert_string_equal(cell(v, r, 2), want[i].y2024);
        char total[16];
        snprintf(total, sizeof total, "%d", atoi(want[i].y2024) + (woman ? 1 : 0));
        assert_string_equal(cell(v, r, 3), total);
    }
    json_decref(v);

    v = sheet_of(data, len, "Victims by citizenship", NULL);
    assert_string_equal(cell(v, find_row(v, 0, "Nationals", 1), 2), "8");
    assert_string_equal(cell(v, find_row(v, 0, "Benin", 1), 2), "2");
    assert_true(find_row(v, 0, "Benin", 1) < find_row(v, 0, "Unknown", 1));
    json_decref(v);
    /* Nationals brought home by country of exploitation (year of travel). */
    v = sheet_of(data, len, "Repatriated victims", NULL);
    assert_string_equal(cell(v, 1, 0), "Country of exploitation (nationals brought home)");
    assert_string_equal(cell(v, 2, 0), "United Kingdom");
    assert_string_equal(cell(v, 2, 1), "0");
    assert_string_equal(cell(v, 2, 2), "1");
    assert_string_equal(cell(v, 3, 0), "Abroad (country not recorded)");
    assert_string_equal(cell(v, 4, 0), "Total");
    assert_string_equal(cell(v, 4, 3), "1");
    json_decref(v);
    v = sheet_of(data, len, "Victims by form", NULL);
    assert_string_equal(cell(v, find_row(v, 0, "Sexual exploitation", 1), 2), "7");
    assert_string_equal(cell(v, find_row(v, 0, "Forced labour", 1), 2), "3");
    json_decref(v);

    json_t *o = sheet_of(data, len, "Offenders", NULL);
    assert_string_equal(cell(o, 1, 0), "Stage");
    assert_string_equal(cell(o, 1, 1), "Category");
    r = find_row(o, 0, "Persons convicted", 1);
    assert_true(r > 0);
    assert_string_equal(cell(o, r, 1), "Female");
    assert_string_equal(cell(o, r + 1, 1), "Male");
    assert_string_equal(cell(o, r + 1, 3), "1");
    assert_string_equal(cell(o, r + 3, 1), "Total");
    assert_string_equal(cell(o, r + 3, 3), "1");
    json_decref(o);
    o = sheet_of(data, len, "Persons convicted", NULL);
    r = find_row(o, 0, "By citizenship", 1);
    assert_string_equal(cell(o, r + 1, 1), "Foreigners");
    assert_string_equal(cell(o, r + 1, 3), "1");
    r = find_row(o, 0, "By form of exploitation", 1);
    assert_string_equal(cell(o, r + 1, 1), "Forced labour");
    assert_string_equal(cell(o, r + 1, 3), "1");
    json_decref(o);
    free(data);
}

/* No cell of any table shows a number from 1 to 4. */
static void no_small_cells(const json_t *rows)
{
    size_t i, j;
    const json_t *row, *c;
    json_array_foreach(rows, i, row)
    {
        json_array_foreach(row, j, c)
        {
            if (j > 0 && i > 0) {
                const char *s = json_string_value(c);
                assert_false(strlen(s) == 1 && s[0] >= '1' && s[0] <= '4');
            }
        }
    }
}

static void test_questionnaire_release_arabic(void **state)
{
    struct world *w = *state;
    char *data = NULL;
    size_t len = 0;
    json_t *rel = NULL;
    /* Releasing needs stats.publish: the analyst only reads. */
    assert_int_equal(build(w, w->analyst, "ar", "suppress", &data, &len, &rel), STATUS_DENIED);
    assert_null(data);
    assert_int_equal(build(w, w->coord, "ar", "suppress", &data, &len, &rel), STATUS_OK);
    assert_int_equal(json_array_size(rel), 9); /* one release per table */
    json_decref(rel);

    static const char *const keys[] = {"questionnaire.sheet.cover",       "questionnaire.sheet.offenders",
                                       "questionnaire.sheet.convicted",   "questionnaire.sheet.victims",
                                       "questionnaire.sheet.forms",       "questionnaire.sheet.citizenship",
                                       "questionnaire.sheet.repatriation"};
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        bool rtl = false;
        const char *name = i18n_get("ar", keys[k]);
        assert_string_not_equal(name, i18n_get("en", keys[k]));
        json_t *rows = sheet_of(data, len, name, &rtl);
        assert_true(rtl);
        if (k > 0) {
            no_small_cells(rows);
        }
        json_decref(rows);
    }
    json_t *v = sheet_of(data, len, i18n_get("ar", "questionnaire.sheet.victims"), NULL);
    int64_t r = find_row(v, 0, i18n_get("ar", "questionnaire.group.girls"), 1);
    assert_string_equal(cell(v, r, 2), "<5");
    /* Women (7) are published or hidden by secondary suppression ("x"), never altered. */
    r = find_row(v, 0, i18n_get("ar", "questionnaire.group.women"), 1);
    assert_true(strcmp(cell(v, r, 2), "7") == 0 || strcmp(cell(v, r, 2), "x") == 0);
    json_decref(v);
    json_t *cover = sheet_of(data, len, NULL, NULL);
    assert_string_equal(cell(cover, 1, 0), i18n_get("ar", "questionnaire.title"));
    json_decref(cover);
    free(data);

    /* The releases are recorded under the questionnaire's dataset. */
    json_t *list = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(stats_releases_list(&w->t.ctx, QUESTIONNAIRE_DATASET, 100, &list), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    assert_int_equal(json_array_size(list), 9);
    json_decref(list);
}

static void test_questionnaire_refusals(void **state)
{
    struct world *w = *state;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(build(w, w->worker, "en", NULL, &data, &len, NULL), STATUS_DENIED);
    assert_int_equal(build(w, w->analyst, "de", NULL, &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lang");
    assert_int_equal(build(w, w->coord, "en", "dp", &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "epsilon");
    assert_int_equal(build(w, w->coord, "en", "loud", &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "release");
    struct test_as as;
    test_as_user(&w->t, &as, w->analyst);
    struct questionnaire_spec q = {"XXX", 2024, 2024, "en", NULL, NULL};
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(stats_questionnaire(&as.ctx, &q, NULL, &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "country");
    q.country = "NGA";
    q.year_to = 2000;
    assert_int_equal(stats_questionnaire(&as.ctx, &q, NULL, &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "year_from");
    q.year_to = 2024;
    q.threshold = "7";
    assert_int_equal(stats_questionnaire(&as.ctx, &q, NULL, &data, &len, NULL), STATUS_INVALID);
    assert_string_equal(err_last_field(), "threshold");
    store_tx_rollback(w->t.store);
    auth_principal_clear(&as.p);
    assert_null(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_write_refusals),
        cmocka_unit_test_setup_teardown(test_questionnaire_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_questionnaire_release_arabic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_questionnaire_refusals, setup, teardown),
    };
    TEST_RUN_BOTH("questionnaire", tests, NULL, NULL);
}
