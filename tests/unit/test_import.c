/* test_import: the CSV reader and writer (edge cases, formula guards), the CTDC
 * Victim-Perpetrator import checked against counts computed here with plain string handling, a
 * generated htcds-csv file with one bad row (all-or-nothing, then skipping bad rows with a
 * rejects file), the htcds-json round trip (export, import into an empty database, export again:
 * the same bytes), and the permission checks of import and export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/csv.h"
#include "cases/export.h"
#include "cases/generate.h"
#include "cases/import.h"
#include "cases/vocab.h"
#include "testlib.h"
#include "util/buf.h"

#define CTDC_FILE "ctdc/CTDC_VPsynthetic_condensed.csv"

struct world {
    struct test_env t;
    int64_t agency;
};

static int64_t make_agency(struct test_env *t, const char *name)
{
    return test_agency(t, name);
}

static void world_open(struct world *w)
{
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency = make_agency(&w->t, "Import Test Agency");
}

static int world_setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    world_open(w);
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

static int64_t case_count(struct test_env *t)
{
    struct store_rows *r = NULL;
    assert_int_equal(store_exec_one(t->store, STMT_CASE_COUNT, NULL, 0, &r), STATUS_OK);
    int64_t n = store_rows_i64(r, 0);
    store_rows_free(r);
    return n;
}

/* ---- (d) the CSV reader and writer -------------------------------------------------------- */

static FILE *mem_file(const char *data, size_t len)
{
    FILE *f = fmemopen((void *)data, len, "rb");
    assert_non_null(f);
    return f;
}

static void expect_record(struct csv_reader *r, int64_t line, size_t count, ...)
{
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_int_equal(csv_reader_line(r), line);
    assert_int_equal(csv_reader_count(r), count);
    va_list ap;
    va_start(ap, count);
    for (size_t i = 0; i < count; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(csv_reader_field(r, i), want);
        assert_int_equal(csv_reader_field_len(r, i), strlen(want));
    }
    va_end(ap);
}

static void expect_error(struct csv_reader *r, enum status st, const char *line_text)
{
    assert_int_equal(csv_reader_next(r), st);
    if (strstr(err_last(), line_text) == NULL) {
        fail_msg("error \"%s\" does not name \"%s\"", err_last(), line_text);
    }
}

static void test_csv__reader_edges(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF"
                               "a,b,c\r\n"
                               "1,\"x,y\",\"he said \"\"hi\"\"\"\r\n"
                               "\"multi\nline\",,\"\"\n"
                               "\n"
                               "\"cr\r\nlf\",\xF0\x9F\x98\x80,\xD9\x85\r"
                               "last,no,newline";
    FILE *f = mem_file(text, sizeof text - 1);
    struct csv_reader *r = csv_reader_new(f);
    expect_record(r, 1, 3, "a", "b", "c");
    expect_record(r, 2, 3, "1", "x,y", "he said \"hi\"");
    int64_t offset = csv_reader_offset(r), line = csv_reader_next_line(r);
    expect_record(r, 3, 3, "multi\nline", "", "");
    assert_false(csv_reader_blank(r));
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_true(csv_reader_blank(r));
    assert_int_equal(csv_reader_line(r), 5);
    expect_record(r, 6, 3, "cr\r\nlf", "\xF0\x9F\x98\x80", "\xD9\x85");
    expect_record(r, 8, 3, "last", "no", "newline");
    assert_int_equal(csv_reader_next(r), STATUS_DONE);
    assert_int_equal(csv_reader_next(r), STATUS_DONE);
    /* Back to a place it gave. */
    assert_int_equal(csv_reader_seek(r, offset, line), STATUS_OK);
    expect_record(r, 3, 3, "multi\nline", "", "");
    /* A quoted empty cell alone is not a blank line. */
    csv_reader_free(r);
    fclose(f);

    static const char quoted_empty[] = "\"\"\n";
    f = mem_file(quoted_empty, sizeof quoted_empty - 1);
    r = csv_reader_new(f);
    expect_record(r, 1, 1, "");
    assert_false(csv_reader_blank(r));
    csv_reader_free(r);
    fclose(f);
}

static void test_csv__reader_errors(void **state)
{
    (void)state;
    /* Each error names its line, and the reader goes on with the next record. */
    static const char text[] = "ok,1\n"
                               "bad\xFF,2\n"
                               "overlong \xC0\xAF\n"
                               "surrogate \xED\xA0\x80\n"
                               "cut \xE2\x82\n"
                               "stray\"quote\n"
                               "\"closed\"then text\n"
                               "fine,3\n"
                               "\"open\n"
                               "never closed\n";
    FILE *f = mem_file(text, sizeof text - 1);
    struct csv_reader *r = csv_reader_new(f);
    expect_record(r, 1, 2, "ok", "1");
    expect_error(r, STATUS_INVALID, "line 2");
    assert_non_null(strstr(err_last(), "UTF-8"));
    expect_error(r, STATUS_INVALID, "line 3");
    expect_error(r, STATUS_INVALID, "line 4");
    expect_error(r, STATUS_INVALID, "line 5");
    expect_error(r, STATUS_INVALID, "line 6");
    expect_error(r, STATUS_INVALID, "line 7");
    expect_record(r, 8, 2, "fine", "3");
    expect_error(r, STATUS_INVALID, "line 9");
    assert_non_null(strstr(err_last(), "never closed"));
    assert_int_equal(csv_reader_next(r), STATUS_DONE);
    csv_reader_free(r);
    fclose(f);

    /* A NUL byte. */
    static const char nul[] = "a\0b,c\nd\n";
    f = mem_file(nul, sizeof nul - 1);
    r = csv_reader_new(f);
    expect_error(r, STATUS_INVALID, "line 1");
    expect_record(r, 2, 1, "d");
    csv_reader_free(r);
    fclose(f);

    /* The limits: a cell too long, too many cells; memory stays bounded and reading goes on. */
    size_t big = CSV_FIELD_BYTES_MAX + 10;
    size_t many = CSV_FIELDS_MAX + 1;
    size_t len = big + 1 + many + 1 + 8;
    char *data = xmalloc(len + 1);
    memset(data, 'x', big);
    data[big] = '\n';
    memset(data + big + 1, ',', many);
    data[big + 1 + many] = '\n';
    memcpy(data + big + 1 + many + 1, "after,1\n", 8);
    f = mem_file(data, len);
    r = csv_reader_new(f);
    expect_error(r, STATUS_TOO_LARGE, "line 1");
    expect_error(r, STATUS_TOO_LARGE, "line 2");
    expect_record(r, 3, 2, "after", "1");
    csv_reader_free(r);
    fclose(f);
    free(data);
}

static void test_csv__writer_guards_formulas(void **state)
{
    (void)state;
    const char *cells[] = {"=1+1",        "+33 1 23", "-5",    "@SUM(A1)", "\tx",
                           "'=already",   "''+two",   "plain", "a,b",      "say \"x\"",
                           "line\nbreak", " spaced ", "it's",  "",         "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF"};
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    assert_int_equal(csv_write_row(mem, cells, ARRAY_LEN(cells)), STATUS_OK);
    fclose(mem);
    assert_non_null(strstr(out, "'=1+1,'+33 1 23,'-5,'@SUM(A1),'\tx,''=already,'''+two,plain,\"a,b\","));
    assert_non_null(strstr(out, "\"say \"\"x\"\"\",\"line\nbreak\",\" spaced \",it's,,"));
    assert_int_equal(out[out_len - 2], '\r');
    /* Read back and unguarded, every cell is what was written. */
    FILE *f = mem_file(out, out_len);
    struct csv_reader *r = csv_reader_new(f);
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_int_equal(csv_reader_count(r), ARRAY_LEN(cells));
    for (size_t i = 0; i < ARRAY_LEN(cells); i++) {
        assert_string_equal(csv_cell_unguard(csv_reader_field(r, i)), cells[i]);
    }
    csv_reader_free(r);
    fclose(f);
    free(out);
    assert_string_equal(csv_cell_unguard("'plain"), "'plain");
}

/* ---- (a) the CTDC Victim-Perpetrator file ------------------------------------------------- */

static bool ctdc_path(char *out, size_t size)
{
    return test_shared_data_path(CTDC_FILE, out, size);
}

/* Counts computed from the file with plain string handling, not with the importer. */
struct ctdc_counts {
    int64_t rows, female, male, gender_blank, adult, minor, majority_blank, forced_labour, sexual, neither;
};

static void ctdc_count(const char *path, struct ctdc_counts *c)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    bool header = true;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header) {
            assert_non_null(strstr(line, "yearRegister,gender,majorityStatus,isForcedLabour,isSexualExploit"));
            header = false;
            continue;
        }
        if (line[0] == '\0') {
            continue;
        }
        assert_null(strchr(line, '"')); /* the split below needs a file without quotes */
        char *cell[16] = {NULL};
        size_t n = 0;
        char *p = line;
        while (n < 16) {
            cell[n++] = p;
            char *comma = strchr(p, ',');
            if (comma == NULL) {
                break;
            }
            *comma = '\0';
            p = comma + 1;
        }
        assert_int_equal(n, 16);
        c->rows++;
        c->female += strcmp(cell[1], "Female") == 0;
        c->male += strcmp(cell[1], "Male") == 0;
        c->gender_blank += cell[1][0] == '\0';
        c->adult += strcmp(cell[2], "Adult") == 0;
        c->minor += strcmp(cell[2], "Minor") == 0;
        c->majority_blank += cell[2][0] == '\0';
        c->forced_labour += strcmp(cell[3], "1") == 0;
        c->sexual += strcmp(cell[4], "1") == 0;
        c->neither += strcmp(cell[3], "1") != 0 && strcmp(cell[4], "1") != 0;
    }
    fclose(f);
}

static int64_t stat_of(struct test_env *t, const char *dimension, const char *key)
{
    const char *by[] = {dimension};
    struct case_stat_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(store_tx_begin(t->store, STORE_TX_WRITE), STATUS_OK);
    assert_int_equal(case_stats_victims(&t->ctx, by, 1, 0, 0, &rows, &n), STATUS_OK);
    assert_int_equal(store_tx_commit(t->store), STATUS_OK);
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].keys[0], key) == 0) {
            count = rows[i].count;
        }
    }
    case_stats_free(rows, n);
    return count;
}

static void progress_count(int64_t rows, int64_t bytes, int64_t total, void *arg)
{
    int64_t *calls = arg;
    assert_true(bytes <= total);
    assert_true(rows >= 0);
    (*calls)++;
}

static void test_import__ctdc_vp(void **state)
{
    struct world *w = *state;
    char path[1024];
    if (!ctdc_path(path, sizeof path)) {
        printf("skipping: ../shared/data not present\n");
        skip();
    }
    struct ctdc_counts want;
    ctdc_count(path, &want);
    /* The figures of the reference notes (domain.md 2.4), as a check on the counting itself. */
    assert_int_equal(want.rows, 21195);
    assert_int_equal(want.female, 9589);
    assert_int_equal(want.male, 7995);
    assert_int_equal(want.gender_blank, 3611);

    int64_t calls = 0;
    struct case_import_options opt = {.agency_id = w->agency, .progress = progress_count, .progress_arg = &calls};
    struct case_import_summary s;
    enum status st = case_import(&w->t.ctx, "ctdc-vp", path, &opt, &s);
    if (st != STATUS_OK) {
        fail_msg("import: %s (%s)", err_last(), err_last_field());
    }
    assert_int_equal(s.read, want.rows);
    assert_int_equal(s.imported, want.rows);
    assert_int_equal(s.already_imported, 0);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(strlen(s.sha256), 64);
    assert_true(calls > 0);
    assert_int_equal(case_count(&w->t), want.rows);

    assert_int_equal(stat_of(&w->t, "gender", "Feminine"), 9589);
    assert_int_equal(stat_of(&w->t, "gender", "Masculine"), 7995);
    assert_int_equal(stat_of(&w->t, "gender", "unknown"), 3611);
    assert_int_equal(stat_of(&w->t, "majority_status", "Adult"), want.adult);
    assert_int_equal(stat_of(&w->t, "majority_status", "Minor"), want.minor);
    assert_int_equal(stat_of(&w->t, "majority_status", "unknown"), want.majority_blank);
    assert_int_equal(stat_of(&w->t, "exploitation", "ForcedLabour"), want.forced_labour);
    assert_int_equal(stat_of(&w->t, "exploitation", "SexualExploitation"), want.sexual);
    assert_int_equal(stat_of(&w->t, "exploitation", "unknown"), want.neither);
    /* yearRegister bands are kept as their first year. */
    assert_int_equal(stat_of(&w->t, "year", "2005"), 2531);
    assert_int_equal(stat_of(&w->t, "year", "2021"), 4335);

    /* Again: nothing new. */
    st = case_import(&w->t.ctx, "ctdc-vp", path, &opt, &s);
    assert_int_equal(st, STATUS_OK);
    assert_int_equal(s.imported, 0);
    assert_int_equal(s.already_imported, want.rows);
    assert_int_equal(case_count(&w->t), want.rows);
}

/* ---- (b) a generated htcds-csv file with one bad row -------------------------------------- */

#define GEN_ROWS 10000
#define GEN_BAD_LINE 5001 /* the header is line 1 */

static void write_generated(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    csv_write_cell(f, "opened_at", true);
    for (int k = 0; k < CASE_F__COUNT; k++) {
        /* HTCDS names where there is one, to read both kinds of header. */
        csv_write_cell(f, case_fields[k].htcds[0] ? case_fields[k].htcds : case_fields[k].name, false);
    }
    csv_write_end(f);
    struct case_record r;
    case_record_init(&r);
    for (int i = 0; i < GEN_ROWS; i++) {
        case_generate_row(&r, 1000 + (uint64_t)i);
        char opened[32];
        util_time_iso(opened, r.opened_at_ms);
        csv_write_cell(f, opened, true);
        for (int k = 0; k < CASE_F__COUNT; k++) {
            char *text = case_value_format(&r, (enum case_field_id)k);
            if (k == CASE_F_gender && i + 2 == GEN_BAD_LINE) {
                csv_write_cell(f, "Centaur", false);
            } else {
                csv_write_cell(f, text, false);
            }
            free(text);
        }
        csv_write_end(f);
    }
    case_record_clear(&r);
    assert_int_equal(fclose(f), 0);
}

static void test_import__bad_row(void **state)
{
    struct world *w = *state;
    char path[700], rejects[720];
    snprintf(path, sizeof path, "%s/generated.csv", w->t.dir);
    snprintf(rejects, sizeof rejects, "%s/generated.csv.rejects.csv", w->t.dir);
    write_generated(path);

    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_INVALID);
    if (strstr(err_last(), "generated.csv") == NULL || strstr(err_last(), "line 5001") == NULL ||
        strstr(err_last(), "gender") == NULL) {
        fail_msg("the error should name the file, the line and the field: %s", err_last());
    }
    assert_null(strstr(err_last(), "Centaur")); /* never a value */
    assert_string_equal(err_last_field(), "gender");
    assert_int_equal(case_count(&w->t), 0);
    assert_int_equal(s.imported, 0);
    assert_false(util_file_exists(rejects));

    opt.skip_bad = true;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.read, GEN_ROWS);
    assert_int_equal(s.imported, GEN_ROWS - 1);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(case_count(&w->t), GEN_ROWS - 1);

    /* The rejects file: a header, then the bad line with its field, reason and cells. */
    FILE *f = fopen(rejects, "rb");
    assert_non_null(f);
    struct stat sb;
    assert_int_equal(fstat(fileno(f), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    struct csv_reader *r = csv_reader_new(f);
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 0), "line");
    assert_string_equal(csv_reader_field(r, 1), "field");
    assert_string_equal(csv_reader_field(r, 2), "reason");
    assert_string_equal(csv_reader_field(r, 3), "opened_at");
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 0), "5001");
    assert_string_equal(csv_reader_field(r, 1), "gender");
    assert_int_equal(csv_reader_count(r), 3 + 1 + CASE_F__COUNT);
    assert_string_equal(csv_reader_field(r, 3 + 1 + CASE_F_gender), "Centaur");
    assert_int_equal(csv_reader_next(r), STATUS_DONE);
    csv_reader_free(r);
    fclose(f);

    /* Again, with smaller batches: nothing new, the same reject. */
    opt.batch_rows = 777;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 0);
    assert_int_equal(s.already_imported, GEN_ROWS - 1);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(case_count(&w->t), GEN_ROWS - 1);
}

static void test_import__header_errors(void **state)
{
    struct world *w = *state;
    char path[700];
    snprintf(path, sizeof path, "%s/typo.csv", w->t.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("prs_Gender,vic_TypeOfExploitaton\r\nFemale,ForcedLabour\r\n", f);
    fclose(f);
    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "vic_TypeOfExploitaton"));
    opt.ignore_unknown_columns = true;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 1);

    /* A CTDC file without one of its columns. */
    snprintf(path, sizeof path, "%s/ctdc.csv", w->t.dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("yearRegister,gender\n2019,Female\n", f);
    fclose(f);
    assert_int_equal(case_import(&w->t.ctx, "ctdc-vp", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "missing"));

    assert_int_equal(case_import(&w->t.ctx, "no-such-format", path, &opt, &s), STATUS_INVALID);
    snprintf(path, sizeof path, "%s/absent.csv", w->t.dir);
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_NOT_FOUND);
    /* The operator must say which agency holds the cases. */
    opt.agency_id = 0;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_INVALID);
}

/* ---- (c) the htcds-json round trip -------------------------------------------------------- */

static char *export_to_string(struct test_env *t, const char *format, bool personal, int64_t *count)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    struct case_export_options opt = {.with_personal = personal};
    enum status st = case_export(&t->ctx, format, mem, &opt, count);
    fclose(mem);
    if (st != STATUS_OK) {
        fail_msg("export: %s", err_last());
    }
    return out;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Likely duplicates of imported rows: earlier rows of the file and cases already held, strong
 * matches only (the birth date and most name words); listed by line and case id. */
static void test_import__duplicates(void **state)
{
    struct world *w = *state;
    char path[700], dups[720];
    snprintf(path, sizeof path, "%s/people.csv", w->t.dir);
    snprintf(dups, sizeof dups, "%s/people.csv.duplicates.csv", w->t.dir);
    write_file(path, "given_name,middle_name,family_name,birth_date,gender,citizenship\n"
                     "Amina,,Diallo,1990-04-02,Feminine,SEN\n"      /* line 2 */
                     "Amina,,Diallo,1990-04-02,Feminine,SEN\n"      /* 3: the same as 2 */
                     "DIALLO,,Amina,1990-04-02,Feminine,SEN\n"      /* 4: the same words and date: 2 and 3 */
                     "Amina,,Diallo,,Feminine,SEN\n"                /* 5: no birth date: not strong enough */
                     "Amina,,Diallo,1991-01-01,Feminine,SEN\n"      /* 6: another birth date: not shown */
                     "John,,Smith,1985-01-01,Masculine,GBR\n"       /* 7 */
                     "John,,Smyth,1985-01-01,Masculine,GBR\n"       /* 8: one word of three: not shown */
                     "John,Paul,Smith,1985-01-01,Masculine,GBR\n"); /* 9: two of three and the date: 7 */
    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 8);
    assert_int_equal(s.possible_duplicates, 3);
    FILE *f = fopen(dups, "rb");
    assert_non_null(f);
    struct stat sb;
    assert_int_equal(fstat(fileno(f), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    struct csv_reader *r = csv_reader_new(f);
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 0), "line");
    assert_string_equal(csv_reader_field(r, 2), "duplicate_of");
    int lines[10] = {0};
    size_t rows = 0;
    while (csv_reader_next(r) == STATUS_OK) {
        int64_t line = 0;
        assert_int_equal(util_parse_i64(&line, csv_reader_field(r, 0)), STATUS_OK);
        assert_true(line >= 2 && line <= 9);
        lines[line]++;
        assert_null(strstr(csv_reader_field(r, 4), "Amina")); /* ids and scores, never a name */
        rows++;
    }
    csv_reader_free(r);
    fclose(f);
    assert_int_equal(lines[3], 1);
    assert_int_equal(lines[4], 2);
    assert_int_equal(lines[9], 1);
    assert_int_equal(rows, 4);

    /* The same rows from another file without the check: imported, nothing listed, no file. */
    char copy[700], copy_dups[720];
    snprintf(copy, sizeof copy, "%s/people-again.csv", w->t.dir);
    snprintf(copy_dups, sizeof copy_dups, "%s/people-again.csv.duplicates.csv", w->t.dir);
    char *text = NULL;
    size_t tlen = 0;
    assert_int_equal(util_file_read(&text, &tlen, path, FILE_BYTES_MAX), STATUS_OK);
    FILE *cf = fopen(copy, "w");
    assert_non_null(cf);
    fprintf(cf, "%s\n", text); /* one more (blank) line: another file, so the rows are new */
    assert_int_equal(fclose(cf), 0);
    free(text);
    struct case_import_options quick = {.agency_id = w->agency, .no_duplicates = true};
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", copy, &quick, &s), STATUS_OK);
    assert_int_equal(s.imported, 8);
    assert_int_equal(s.possible_duplicates, 0);
    assert_false(util_file_exists(copy_dups));

    /* Importing it again adds nothing and finds nothing new: no file is left. */
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 0);
    assert_int_equal(s.possible_duplicates, 0);
    assert_false(util_file_exists(dups));

    /* A second file, a bad row: nothing imported, no duplicates file; with --skip-bad, the good
     * row is listed against the case already held. */
    snprintf(path, sizeof path, "%s/more.csv", w->t.dir);
    snprintf(dups, sizeof dups, "%s/more.csv.duplicates.csv", w->t.dir);
    write_file(path, "given_name,family_name,birth_date,gender\n"
                     "Amina,Diallo,1990-04-02,Feminine\n"
                     "Bad,Row,,Centaur\n");
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_INVALID);
    assert_false(util_file_exists(dups));
    opt.skip_bad = true;
    assert_int_equal(case_import(&w->t.ctx, "htcds-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 1);
    assert_int_equal(s.possible_duplicates, 1);
    assert_true(util_file_exists(dups));
}

#define TRIP_CASES 60

static void fill_world(struct world *w)
{
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    for (int i = 0; i < TRIP_CASES; i++) {
        struct case_record r;
        case_record_init(&r);
        case_generate_row(&r, 77 + (uint64_t)i);
        r.agency_id = w->agency;
        r.opened_at_ms = INT64_C(1600000000123) + (int64_t)i * 60007; /* distinct: the export order */
        if (i == 0) {
            /* Text that needs quoting, escaping and the formula guard. */
            assert_int_equal(case_value_parse(&r, CASE_F_narrative, "She said \"go\",\nthen =left"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_referring_organisation, "=HYPERLINK(\"x\")"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_gender, "not applicable"), STATUS_OK);
        }
        if (i == 2) {
            /* The HTCDS v2 fields of migration 0003, further citizenships among them. */
            assert_int_equal(case_value_parse(&r, CASE_F_other_citizenships, "GHA;TGO"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_incoming_referral_reason, "Other"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_incoming_referral_details, "Via the hotline; \"urgent\""),
                             STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_referred_organisation, "Shelter East"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_outgoing_referral_date, "2024-02"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_outgoing_referral_reason, "AdditionalServicesRequired"),
                             STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_outgoing_referral_details, "Needs legal aid"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_secondary_language, "fr"), STATUS_OK);
            assert_int_equal(case_value_parse(&r, CASE_F_age_basis, "AgeAssessment"), STATUS_OK);
        }
        struct case_record *made = NULL;
        assert_int_equal(case_create(&w->t.ctx, &r, &made), STATUS_OK);
        if (i == 1) {
            assert_int_equal(case_close(&w->t.ctx, made->id, made->version, "Closed", NULL), STATUS_OK);
        }
        case_record_free(made);
        case_record_clear(&r);
    }
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
}

static void test_export__json_round_trip(void **state)
{
    struct world *w = *state;
    fill_world(w);
    int64_t count = 0;
    char *first = export_to_string(&w->t, "htcds-json", true, &count);
    assert_int_equal(count, TRIP_CASES);
    assert_non_null(strstr(first, "\"other_citizenships\":[\"GHA\",\"TGO\"]"));
    assert_non_null(strstr(first, "\"secondary_language\":\"fra\""));
    assert_non_null(strstr(first, "\"given_name\":"));
    assert_non_null(strstr(first, "\"status\":\"Closed\""));
    char *plain = export_to_string(&w->t, "htcds-json", false, &count);
    assert_int_equal(count, TRIP_CASES);
    assert_null(strstr(plain, "\"given_name\""));
    assert_null(strstr(plain, "\"phone\""));
    assert_null(strstr(plain, "\"birth_date\""));
    assert_non_null(strstr(plain, "\"gender\""));

    char path[700];
    snprintf(path, sizeof path, "%s/cases.jsonl", w->t.dir);
    write_file(path, first);

    /* Into an empty database, and out again. */
    struct world other;
    world_open(&other);
    struct case_import_options opt = {.agency_id = other.agency};
    struct case_import_summary s;
    enum status st = case_import(&other.t.ctx, "htcds-json", path, &opt, &s);
    if (st != STATUS_OK) {
        fail_msg("import: %s", err_last());
    }
    assert_int_equal(s.imported, TRIP_CASES);
    char *second = export_to_string(&other.t, "htcds-json", true, &count);
    assert_int_equal(count, TRIP_CASES);
    assert_string_equal(first, second);

    /* The same cases as one JSON array read the same. */
    struct buf arr = BUF_INIT(64 * 1024 * 1024);
    buf_puts(&arr, "[\n");
    const char *p = first;
    for (bool firstline = true; *p; firstline = false) {
        const char *nl = strchr(p, '\n');
        if (!firstline) {
            buf_puts(&arr, ",\n");
        }
        buf_append(&arr, p, (size_t)(nl - p));
        p = nl + 1;
    }
    buf_puts(&arr, "\n]\n");
    snprintf(path, sizeof path, "%s/cases-array.json", other.t.dir);
    write_file(path, buf_str(&arr));
    buf_free(&arr);
    struct world third;
    world_open(&third);
    opt.agency_id = third.agency;
    assert_int_equal(case_import(&third.t.ctx, "htcds-json", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, TRIP_CASES);
    char *third_out = export_to_string(&third.t, "htcds-json", true, &count);
    assert_string_equal(first, third_out);

    /* Through htcds-csv: the same cases come back. */
    char *csv = export_to_string(&w->t, "htcds-csv", true, &count);
    assert_int_equal(count, TRIP_CASES);
    assert_non_null(strstr(csv, "'=HYPERLINK"));
    snprintf(path, sizeof path, "%s/cases.csv", w->t.dir);
    write_file(path, csv);
    struct world fourth;
    world_open(&fourth);
    opt.agency_id = fourth.agency;
    st = case_import(&fourth.t.ctx, "htcds-csv", path, &opt, &s);
    if (st != STATUS_OK) {
        fail_msg("csv import: %s", err_last());
    }
    char *fourth_out = export_to_string(&fourth.t, "htcds-json", true, &count);
    assert_string_equal(first, fourth_out);

    /* Both audited once. */
    struct audit_entry *e = NULL;
    size_t n = 0;
    struct audit_filter af = {.limit = AUDIT_SHOW_ROWS_MAX};
    assert_int_equal(audit_list(&e, &n, other.t.store, &af), STATUS_OK);
    int imports = 0, exports = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].action, "case.import") == 0) {
            imports++;
            assert_non_null(strstr(e[i].detail, "imported=60"));
        }
        if (strcmp(e[i].action, "case.export") == 0) {
            exports++;
            assert_non_null(strstr(e[i].detail, "count=60"));
            assert_non_null(strstr(e[i].detail, "personal=yes"));
        }
    }
    audit_entries_free(e, n);
    assert_int_equal(imports, 1);
    assert_int_equal(exports, 1);

    free(first);
    free(second);
    free(third_out);
    free(fourth_out);
    free(plain);
    free(csv);
    test_env_close(&fourth.t);
    test_env_close(&third.t);
    test_env_close(&other.t);
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the '\n'-ended lines of text in place. */
static void lines_sort(char *text)
{
    char *lines[64];
    size_t n = 0;
    char *copy = xstrdup(text), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l != NULL && n < 64; l = strtok_r(NULL, "\n", &save)) {
        lines[n++] = l;
    }
    qsort(lines, n, sizeof lines[0], line_cmp);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(text, lines[i]);
        strcat(text, "\n");
    }
    free(copy);
}

/* HTCDS prs_Citizenship is a multi-select: several values put the first in citizenship (which
 * statistics use) and the others in other_citizenships, from htcds-json, htcds-csv and odk-csv;
 * the export writes them back so that export, import, export gives the same bytes. */
static void test_import__several_citizenships(void **state)
{
    struct world *w = *state;
    char path[700];
    snprintf(path, sizeof path, "%s/cit.jsonl", w->t.dir);
    write_file(path, "{\"fields\":{\"prs_Citizenship\":[\"NG\",\"Ghana\",\"TGO\"],\"gender\":\"female\"}}\n"
                     "{\"fields\":{\"citizenship\":[\"BEN\"],\"other_citizenships\":[\"NGA\"]}}\n");
    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    if (case_import(&w->t.ctx, "htcds-json", path, &opt, &s) != STATUS_OK) {
        fail_msg("import: %s", err_last());
    }
    snprintf(path, sizeof path, "%s/cit.csv", w->t.dir);
    write_file(path, "prs_Citizenship,gender\n\"NGA;GHA\",male\n");
    if (case_import(&w->t.ctx, "htcds-csv", path, &opt, &s) != STATUS_OK) {
        fail_msg("csv import: %s", err_last());
    }
    snprintf(path, sizeof path, "%s/cit-odk.csv", w->t.dir);
    write_file(path, "prs_Citizenship,prs_Gender\nKE UG,Feminine\n");
    if (case_import(&w->t.ctx, "odk-csv", path, &opt, &s) != STATUS_OK) {
        fail_msg("odk import: %s", err_last());
    }
    int64_t count = 0;
    char *first = export_to_string(&w->t, "htcds-json", true, &count);
    assert_int_equal(count, 4);
    assert_non_null(strstr(first, "\"citizenship\":\"NGA\""));
    assert_non_null(strstr(first, "\"other_citizenships\":[\"GHA\",\"TGO\"]"));
    assert_non_null(strstr(first, "\"citizenship\":\"BEN\""));
    assert_non_null(strstr(first, "\"other_citizenships\":[\"NGA\"]"));
    assert_non_null(strstr(first, "\"other_citizenships\":[\"GHA\"]"));
    assert_non_null(strstr(first, "\"citizenship\":\"KEN\""));
    assert_non_null(strstr(first, "\"other_citizenships\":[\"UGA\"]"));
    snprintf(path, sizeof path, "%s/cit-out.jsonl", w->t.dir);
    write_file(path, first);
    struct world other;
    world_open(&other);
    opt.agency_id = other.agency;
    assert_int_equal(case_import(&other.t.ctx, "htcds-json", path, &opt, &s), STATUS_OK);
    char *second = export_to_string(&other.t, "htcds-json", true, &count);
    /* Cases opened in the same millisecond may come out in either order: compare line sets. */
    lines_sort(first);
    lines_sort(second);
    assert_string_equal(first, second);
    free(first);
    free(second);
    test_env_close(&other.t);
}

/* A KoBoToolbox export of the HTCDS XLSForm: group paths, metadata, select_multiple answers
 * separated by spaces with their 0/1 option columns, alpha-2 countries; then the same with ';'
 * between cells, and an ODK Central header with '-' group paths. */
static void test_import__odk_csv(void **state)
{
    struct world *w = *state;
    char path[700];
    snprintf(path, sizeof path, "%s/kobo.csv", w->t.dir);
    write_file(path, "start,end,person/prs_First_Name,person/prs_Second_Name,person/prs_Birthdate,person/prs_Gender,"
                     "person/prs_Citizenship,victim/vic_TypeOfExploitation,victim/vic_TypeOfExploitation/ForcedLabour,"
                     "victim/vic_TypeOfExploitation/SexualExploitation,victim/vic_Methods_of_Control,cas_Status,"
                     "meta/instanceID,_id,_uuid,_submission_time,_index\n"
                     "2024-01-02T10:00:00.000+01:00,2024-01-02T10:20:00.000+01:00,Ana,Pérez,1999-04-03,Feminine,MX,"
                     "ForcedLabour SexualExploitation,1,1,DebtBondage WithholdsDocuments,Active,uuid:1,1,u1,"
                     "2024-01-02T09:21:00,1\n");
    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    enum status st = case_import(&w->t.ctx, "odk-csv", path, &opt, &s);
    if (st != STATUS_OK) {
        fail_msg("odk import: %s", err_last());
    }
    assert_int_equal(s.imported, 1);
    assert_int_equal(stat_of(&w->t, "exploitation", "SexualExploitation"), 1);
    assert_int_equal(stat_of(&w->t, "citizenship", "MEX"), 1);

    snprintf(path, sizeof path, "%s/kobo-semicolon.csv", w->t.dir);
    write_file(path, "prs_Gender;prs_Citizenship;con_Consent\nMasculine;UA;TRUE\n");
    assert_int_equal(case_import(&w->t.ctx, "odk-csv", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "con_Consent"));
    opt.ignore_unknown_columns = true;
    assert_int_equal(case_import(&w->t.ctx, "odk-csv", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.imported, 1);
    assert_int_equal(stat_of(&w->t, "citizenship", "UKR"), 1);

    opt.ignore_unknown_columns = false;
    snprintf(path, sizeof path, "%s/central.csv", w->t.dir);
    write_file(path, "SubmissionDate,person-prs_Gender,victim-vic_TypeOfExploitation,meta-instanceID,KEY\n"
                     "2024-01-02,NonConforming,ForcedBegging,uuid:2,uuid:2\n");
    st = case_import(&w->t.ctx, "odk-csv", path, &opt, &s);
    if (st != STATUS_OK) {
        fail_msg("odk central import: %s", err_last());
    }
    assert_int_equal(stat_of(&w->t, "exploitation", "ForcedBegging"), 1);
    assert_int_equal(case_count(&w->t), 3);
}

/* JSON lines with bad records: the first stops the import and is named; skipped, both are in the
 * rejects file and the good ones are imported. A file that is not JSON lines stops it anyway. */
static void test_import__json_errors(void **state)
{
    struct world *w = *state;
    char path[700];
    snprintf(path, sizeof path, "%s/cases.jsonl", w->t.dir);
    write_file(path, "{\"fields\":{\"gender\":\"Feminine\"}}\n"
                     "{\"fields\":{\"gender\":\"Centaur\"}}\n"
                     "\n"
                     "{\"fields\":{\"gender\": nope}}\n"
                     "{\"status\":\"Closed\",\"opened_at\":\"2020-02-03T04:05:06.007Z\",\n"
                     " \"fields\":{\"gender\":\"Masculine\",\"exploitation_types\":[\"ForcedLabour\"]}}\n");
    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    assert_int_equal(case_import(&w->t.ctx, "htcds-json", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "line 2"));
    assert_non_null(strstr(err_last(), "gender"));
    assert_int_equal(case_count(&w->t), 0);
    opt.skip_bad = true;
    assert_int_equal(case_import(&w->t.ctx, "htcds-json", path, &opt, &s), STATUS_OK);
    assert_int_equal(s.read, 4);
    assert_int_equal(s.imported, 2);
    assert_int_equal(s.rejected, 2);
    assert_int_equal(stat_of(&w->t, "exploitation", "ForcedLabour"), 1);
    char rejects[720];
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", path);
    FILE *f = fopen(rejects, "rb");
    assert_non_null(f);
    struct csv_reader *r = csv_reader_new(f);
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 3), "record");
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 0), "2");
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_string_equal(csv_reader_field(r, 0), "4");
    assert_int_equal(csv_reader_next(r), STATUS_DONE);
    csv_reader_free(r);
    fclose(f);

    /* The closed case was closed, at the time the file gives for its opening. */
    struct case_filter filter = {.status = "Closed"};
    struct case_record **list = NULL;
    size_t n = 0;
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    assert_int_equal(case_list(&w->t.ctx, &filter, &list, &n), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0]->opened_at_ms, INT64_C(1580702706007));
    case_list_free(list, n);

    snprintf(path, sizeof path, "%s/array.json", w->t.dir);
    write_file(path, "[{\"fields\":{}}, {\"fields\":{}}] trailing");
    assert_int_equal(case_import(&w->t.ctx, "htcds-json", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "after the end of the array"));
    write_file(path, "[{\"fields\":{}} {\"fields\":{}}]");
    assert_int_equal(case_import(&w->t.ctx, "htcds-json", path, &opt, &s), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "line 1"));
}

static void test_import__permissions(void **state)
{
    struct world *w = *state;
    /* A principal who may read cases but neither write nor export them. */
    char *perms[] = {"case.read"};
    struct auth_principal reader = {.user_id = 42, .agency_id = w->agency, .scope = AUTH_SCOPE_AGENCY, .mfa_ok = true};
    snprintf(reader.username, sizeof reader.username, "reader");
    reader.permissions = perms;
    reader.permissions_count = 1;
    struct auth_ctx ctx = {w->t.store, w->t.vault, &reader, "test"};
    char path[700];
    snprintf(path, sizeof path, "%s/one.csv", w->t.dir);
    write_file(path, "gender\nFemale\n");
    struct case_import_summary s;
    assert_int_equal(case_import(&ctx, "htcds-csv", path, NULL, &s), STATUS_DENIED);
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(case_export(&ctx, "htcds-csv", devnull, NULL, NULL), STATUS_DENIED);
    fclose(devnull);
    assert_int_equal(case_count(&w->t), 0);
}

/* The generator's tables all parse (case_value_parse asserts), its records are created, and a
 * seed gives the same record. */
static void test_generate__rows(void **state)
{
    (void)state;
    struct case_record a, b;
    case_record_init(&a);
    case_record_init(&b);
    for (uint64_t seed = 0; seed < 2000; seed++) {
        case_generate_row(&a, seed);
        case_generate_row(&b, seed);
        for (int f = 0; f < CASE_F__COUNT; f++) {
            char *x = case_value_format(&a, (enum case_field_id)f);
            char *y = case_value_format(&b, (enum case_field_id)f);
            assert_string_equal(x, y);
            free(x);
            free(y);
        }
        assert_int_equal(a.opened_at_ms, b.opened_at_ms);
        assert_true(a.v[CASE_F_given_name].state == CASE_SET);
    }
    case_record_clear(&a);
    case_record_clear(&b);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    assert_int_equal(case_generate_csv(mem, 50, 9), STATUS_OK);
    fclose(mem);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += out[i] == '\n';
    }
    assert_int_equal(lines, 51);
    free(out);
}

int main(void)
{
    const struct CMUnitTest csv_tests[] = {
        cmocka_unit_test(test_csv__reader_edges),
        cmocka_unit_test(test_csv__reader_errors),
        cmocka_unit_test(test_csv__writer_guards_formulas),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate__rows, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__header_errors, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__permissions, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__odk_csv, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__json_errors, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_export__json_round_trip, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__several_citizenships, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__bad_row, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__duplicates, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_import__ctdc_vp, world_setup, world_teardown),
    };
    int failures = cmocka_run_group_tests_name("csv", csv_tests, NULL, NULL);
    if (failures != 0) {
        return failures;
    }
    TEST_RUN_BOTH("import", tests, NULL, NULL);
}
