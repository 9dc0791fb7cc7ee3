/* test_kanon: the k-anonymity engine on small hand-made tables (k reached, generalisation
 * preferred to suppression, suppressed and dropped cells counted, the check failing on a table
 * that is not k-anonymous) and on a larger random one checked by an independent count; then the
 * ctdc-kanon export of generated cases on both engines (63 columns in the layout's order, every
 * quasi-identifier combination at least k times, no personal value in the output, scope and
 * permissions), and of the CTDC victim-perpetrator file when ../shared/data holds it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/csv.h"
#include "cases/export.h"
#include "cases/export_ctdc.h"
#include "cases/generate.h"
#include "cases/import.h"
#include "cases/kanon.h"
#include "cases/vocab.h"
#include "testlib.h"

/* ---- the engine ------------------------------------------------------------------------------ */

/* QI 0 "age": codes are years of age; level 1 the decade (1000 + age / 10), level 2 minor or
 * adult (2000 + (age >= 18)). QI 1 "country": codes cc; level 1 the region (100 + cc / 10). */
static uint32_t age_up(uint32_t code, unsigned level, const void *arg)
{
    (void)arg;
    return level == 1 ? 1000 + code / 10 : 2000 + (code >= 18);
}

static uint32_t country_up(uint32_t code, unsigned level, const void *arg)
{
    (void)arg;
    (void)level;
    return 100 + code / 10;
}

static const struct kanon_hierarchy H[2] = {
    {.name = "age", .levels = 2, .level_names = {"decade", "majority"}, .generalise = age_up},
    {.name = "country", .levels = 1, .level_names = {"region"}, .generalise = country_up},
};

static void add(struct kanon_table *t, uint32_t a, uint32_t b)
{
    uint32_t codes[2] = {a, b};
    assert_int_equal(kanon_table_add(t, codes), STATUS_OK);
}

static void test_engine__generalises_before_suppressing(void **state)
{
    (void)state;
    struct kanon_table t;
    kanon_table_init(&t, 2);
    /* Three people of one country in their twenties: the decade makes them a group of 3. Suppressing
     * the age would too, but generalising is preferred. */
    add(&t, 21, 11);
    add(&t, 24, 11);
    add(&t, 27, 11);
    /* Three of 40 from three countries of one region: the region is enough. */
    add(&t, 40, 31);
    add(&t, 40, 32);
    add(&t, 40, 33);
    /* Already a group of 3: untouched. */
    for (int i = 0; i < 3; i++) {
        add(&t, 50, 55);
    }
    assert_int_equal(kanon_verify(&t, H, 3, NULL, NULL), STATUS_INVALID);
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(kanon_run(&t, H, 3, &rep), STATUS_OK);
    size_t classes = 0, min_class = 0;
    assert_int_equal(kanon_verify(&t, H, 3, &classes, &min_class), STATUS_OK);
    assert_int_equal(classes, 3);
    assert_int_equal(min_class, 3);
    assert_int_equal(rep.min_class, 3);
    assert_int_equal(rep.rows_in, 9);
    assert_int_equal(rep.rows_written, 9);
    assert_int_equal(rep.rows_dropped, 0);
    assert_int_equal(rep.qi[0].generalised[0], 3); /* ages to decades */
    assert_int_equal(rep.qi[0].generalised[1], 0);
    assert_int_equal(rep.qi[0].suppressed, 0);
    assert_int_equal(rep.qi[0].kept, 6);
    assert_int_equal(rep.qi[1].generalised[0], 3); /* countries to the region */
    assert_int_equal(rep.qi[1].suppressed, 0);
    assert_int_equal(rep.qi[1].kept, 6);
    assert_int_equal(kanon_value(&t, H, 0, 0), 1002);
    assert_int_equal(kanon_value(&t, H, 0, 1), 11);
    assert_int_equal(kanon_value(&t, H, 3, 1), 103);
    assert_int_equal(kanon_value(&t, H, 6, 0), 50);
    kanon_table_free(&t);
}

static void test_engine__suppresses_and_drops(void **state)
{
    (void)state;
    struct kanon_table t;
    kanon_table_init(&t, 2);
    /* Same age, countries of different regions: only suppressing the country joins them. */
    add(&t, 30, 11);
    add(&t, 30, 25);
    /* A missing country stays missing and is no suppression. */
    add(&t, 30, KANON_MISSING);
    /* A group of 3 that stays. */
    for (int i = 0; i < 3; i++) {
        add(&t, 60, 71);
    }
    /* A child alone in the table: nothing can join it with the others but dropping. */
    add(&t, 9, 99);
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(kanon_run(&t, H, 3, &rep), STATUS_OK);
    assert_int_equal(kanon_verify(&t, H, 3, NULL, NULL), STATUS_OK);
    assert_int_equal(rep.rows_written, 6);
    assert_int_equal(rep.rows_dropped, 1);
    assert_true(t.dropped[6]);
    assert_int_equal(rep.qi[1].suppressed, 2);
    assert_int_equal(rep.qi[1].missing, 1);
    assert_int_equal(rep.qi[1].kept, 3);
    assert_int_equal(rep.qi[1].generalised[0], 0);
    assert_int_equal(rep.qi[1].dropped, 1);
    assert_int_equal(rep.qi[0].kept, 6);
    assert_int_equal(rep.qi[0].dropped, 1);
    assert_int_equal(kanon_value(&t, H, 0, 1), KANON_MISSING);
    assert_int_equal(kanon_value(&t, H, 0, 0), 30);
    assert_int_equal(rep.min_class, 3);

    /* The check can fail: undo one suppression by hand. */
    t.level[0 * t.qis + 1] = 0;
    size_t min_class = 0;
    assert_int_equal(kanon_verify(&t, H, 3, NULL, &min_class), STATUS_INVALID);
    assert_int_equal(min_class, 1);
    assert_non_null(strstr(err_last(), "smaller than k"));

    /* The report in words and in JSON. */
    char *text = kanon_report_text(&rep);
    assert_non_null(strstr(text, "written: 6; dropped: 1"));
    assert_non_null(strstr(text, "country: 3 kept, 0 generalised to region, 2 suppressed, 1 missing"));
    free(text);
    json_t *j = kanon_report_json(&rep);
    assert_int_equal(json_integer_value(json_object_get(j, "records_dropped")), 1);
    json_t *q1 = json_array_get(json_object_get(j, "quasi_identifiers"), 1);
    assert_int_equal(json_integer_value(json_object_get(q1, "suppressed")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(q1, "generalised"), "region")), 0);
    json_decref(j);
    kanon_table_free(&t);
}

static void test_engine__limits(void **state)
{
    (void)state;
    struct kanon_table t;
    kanon_table_init(&t, 2);
    add(&t, 1, 1);
    assert_int_equal(kanon_run(&t, H, 0, NULL), STATUS_INVALID);
    assert_int_equal(kanon_run(&t, H, KANON_K_MAX + 1, NULL), STATUS_INVALID);
    /* k = 1: nothing changes. */
    assert_int_equal(kanon_run(&t, H, 1, NULL), STATUS_OK);
    assert_int_equal(kanon_value(&t, H, 0, 0), 1);
    /* k larger than the table: everything is dropped, and an empty release passes. */
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(kanon_run(&t, H, 5, &rep), STATUS_OK);
    assert_int_equal(rep.rows_written, 0);
    assert_int_equal(rep.rows_dropped, 1);
    assert_int_equal(rep.min_class, 0);
    kanon_table_free(&t);
    /* An empty table. */
    kanon_table_init(&t, 2);
    assert_int_equal(kanon_run(&t, H, 10, &rep), STATUS_OK);
    assert_int_equal(rep.rows_in, 0);
    kanon_table_free(&t);
}

struct key_row {
    uint32_t v[2];
};

static int key_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct key_row));
}

/* A skewed random table, checked by sorting the released values and counting runs. */
static void test_engine__random_table(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (size_t k = 2; k <= 20; k += 9) {
        struct kanon_table t;
        kanon_table_init(&t, 2);
        for (int i = 0; i < 20000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint32_t age = (uint32_t)(x % 60), country = (uint32_t)((x >> 20) % 97);
            if (country > 60) {
                country %= 7; /* a few common countries */
            }
            add(&t, (x >> 40) % 50 == 0 ? KANON_MISSING : age, country);
        }
        struct kanon_report rep;
        memset(&rep, 0, sizeof rep);
        assert_int_equal(kanon_run(&t, H, k, &rep), STATUS_OK);
        struct key_row *rows = xcalloc(t.rows, sizeof *rows);
        size_t n = 0;
        for (size_t r = 0; r < t.rows; r++) {
            if (!t.dropped[r]) {
                rows[n].v[0] = kanon_value(&t, H, r, 0);
                rows[n].v[1] = kanon_value(&t, H, r, 1);
                n++;
            }
        }
        assert_int_equal(n, rep.rows_written);
        assert_true(rep.rows_dropped < k);
        qsort(rows, n, sizeof *rows, key_cmp);
        size_t run = 1, smallest = n ? SIZE_MAX : 0;
        for (size_t i = 1; i <= n; i++) {
            if (i < n && key_cmp(&rows[i], &rows[i - 1]) == 0) {
                run++;
            } else {
                smallest = run < smallest ? run : smallest;
                run = 1;
            }
        }
        assert_true(smallest >= k);
        assert_int_equal(smallest, rep.min_class);
        /* Every cell is accounted for. */
        for (size_t q = 0; q < 2; q++) {
            const struct kanon_qi_report *qr = &rep.qi[q];
            size_t cells = qr->kept + qr->suppressed + qr->missing + qr->generalised[0] + qr->generalised[1];
            assert_int_equal(cells, rep.rows_written);
        }
        free(rows);
        kanon_table_free(&t);
    }
}

/* ---- the ctdc-kanon export -------------------------------------------------------------------- */

struct world {
    struct test_env t;
    int64_t agency;
};

static int64_t make_agency(struct test_env *t, const char *name)
{
    return test_agency(t, name);
}

static int world_setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency = make_agency(&w->t, "Kanon Test Agency");
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

static char *export_ctdc(const struct auth_ctx *ctx, size_t k, struct kanon_report *rep, int64_t *count)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    struct case_export_options opt = {.k = k, .report = rep};
    enum status st = case_export(ctx, "ctdc-kanon", mem, &opt, count);
    fclose(mem);
    if (st != STATUS_OK) {
        fail_msg("export: %s", err_last());
    }
    return out;
}

/* The quasi-identifier columns of the layout. */
static const char *const qi_columns[] = {"gender",
                                         "ageBroad",
                                         "majorityStatus",
                                         "majorityStatusAtExploit",
                                         "citizenship",
                                         "CountryOfExploitation",
                                         "yearOfRegistration"};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct parsed {
    size_t rows;
    size_t min_class; /* of the quasi-identifier combinations */
    size_t gender_female, gender_male, gender_blank;
};

/* Reads the output: the header is the layout, every row has 63 cells, and the combinations of
 * the quasi-identifier columns are counted. */
static void parse_output(const char *csv, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    FILE *in = fmemopen((void *)csv, strlen(csv), "r");
    assert_non_null(in);
    struct csv_reader *r = csv_reader_new(in);
    assert_int_equal(csv_reader_next(r), STATUS_OK);
    assert_int_equal(csv_reader_count(r), 63);
    int at[ARRAY_LEN(qi_columns)];
    for (size_t c = 0; c < 63; c++) {
        assert_string_equal(csv_reader_field(r, c), ctdc_column_names[c]);
        for (size_t q = 0; q < ARRAY_LEN(qi_columns); q++) {
            if (strcmp(ctdc_column_names[c], qi_columns[q]) == 0) {
                at[q] = (int)c;
            }
        }
    }
    size_t cap = 1024;
    char **keys = xcalloc(cap, sizeof *keys);
    while (csv_reader_next(r) == STATUS_OK) {
        assert_int_equal(csv_reader_count(r), 63);
        char key[256] = "";
        for (size_t q = 0; q < ARRAY_LEN(qi_columns); q++) {
            size_t len = strlen(key);
            snprintf(key + len, sizeof key - len, "%s|", csv_reader_field(r, (size_t)at[q]));
        }
        const char *g = csv_reader_field(r, (size_t)at[0]);
        p->gender_female += strcmp(g, "Female") == 0;
        p->gender_male += strcmp(g, "Male") == 0;
        p->gender_blank += g[0] == '\0';
        if (p->rows == cap) {
            cap *= 2;
            keys = xrealloc(keys, cap * sizeof *keys);
        }
        keys[p->rows++] = xstrdup(key);
    }
    csv_reader_free(r);
    fclose(in);
    qsort(keys, p->rows, sizeof *keys, str_cmp);
    size_t run = 1;
    p->min_class = p->rows ? SIZE_MAX : 0;
    for (size_t i = 1; i <= p->rows; i++) {
        if (i < p->rows && strcmp(keys[i], keys[i - 1]) == 0) {
            run++;
        } else {
            p->min_class = run < p->min_class ? run : p->min_class;
            run = 1;
        }
    }
    for (size_t i = 0; i < p->rows; i++) {
        free(keys[i]);
    }
    free(keys);
}

#define GEN_CASES 400

static void test_ctdc__generated_cases(void **state)
{
    struct world *w = *state;
    /* The personal values of the generated cases, to look for in the output. */
    static const enum case_field_id personal[] = {CASE_F_given_name,      CASE_F_middle_name, CASE_F_family_name,
                                                  CASE_F_identity_number, CASE_F_phone,       CASE_F_email};
    size_t nvals = 0;
    char **vals = xcalloc(GEN_CASES * ARRAY_LEN(personal), sizeof *vals);
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    for (int i = 0; i < GEN_CASES; i++) {
        struct case_record r;
        case_record_init(&r);
        case_generate_row(&r, 500 + (uint64_t)i);
        r.agency_id = w->agency;
        for (size_t f = 0; f < ARRAY_LEN(personal); f++) {
            const char *v = r.v[personal[f]].text;
            if (r.v[personal[f]].state == CASE_SET && v != NULL && strlen(v) >= 4) {
                vals[nvals++] = xstrdup(v);
            }
        }
        struct case_record *made = NULL;
        assert_int_equal(case_create(&w->t.ctx, &r, &made), STATUS_OK);
        case_record_free(made);
        case_record_clear(&r);
    }
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    assert_true(nvals > GEN_CASES); /* names at least */

    for (size_t k = 5; k <= 10; k += 5) {
        struct kanon_report rep;
        memset(&rep, 0, sizeof rep);
        int64_t count = 0;
        char *csv = export_ctdc(&w->t.ctx, k, &rep, &count);
        struct parsed p;
        parse_output(csv, &p);
        assert_int_equal(rep.rows_in, GEN_CASES);
        assert_int_equal(rep.rows_excluded, 0);
        assert_int_equal(p.rows, rep.rows_written);
        assert_int_equal((size_t)count, rep.rows_written);
        assert_int_equal(rep.rows_written + rep.rows_dropped, GEN_CASES);
        assert_true(rep.rows_dropped < k);
        assert_true(p.min_class >= k);
        assert_int_equal(p.min_class, rep.min_class);
        assert_int_equal(rep.k, k);
        for (size_t i = 0; i < nvals; i++) {
            if (strstr(csv, vals[i]) != NULL) {
                fail_msg("a personal value of a generated case is in the output");
            }
        }
        /* Some values survive: the export is not all blank. */
        assert_true(p.gender_female + p.gender_male > 0);
        assert_non_null(strstr(csv, ",Adult,"));
        free(csv);
    }
    for (size_t i = 0; i < nvals; i++) {
        free(vals[i]);
    }
    free(vals);

    /* Audited once per export as case.export, with counts only. */
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_READ), STATUS_OK);
    struct audit_filter af = {.limit = AUDIT_SHOW_ROWS_MAX};
    struct audit_entry *e = NULL;
    size_t ne = 0;
    assert_int_equal(audit_list(&e, &ne, w->t.store, &af), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    size_t exports = 0;
    for (size_t i = 0; i < ne; i++) {
        if (strcmp(e[i].action, "case.export") == 0) {
            exports++;
            assert_string_equal(e[i].outcome, "ok");
            assert_non_null(strstr(e[i].detail, "format=ctdc-kanon count="));
            assert_non_null(strstr(e[i].detail, "personal=no k="));
        }
    }
    audit_entries_free(e, ne);
    assert_int_equal(exports, 2);

    /* The default k is 10; personal fields are refused. */
    struct kanon_report rep;
    char *csv = export_ctdc(&w->t.ctx, 0, &rep, NULL);
    assert_int_equal(rep.k, KANON_K_DEFAULT);
    free(csv);
    FILE *devnull = fopen("/dev/null", "w");
    struct case_export_options with = {.with_personal = true};
    assert_int_equal(case_export(&w->t.ctx, "ctdc-kanon", devnull, &with, NULL), STATUS_INVALID);
    fclose(devnull);
}

/* Mapping of single cases: codes become CTDC values, concatenations are sorted, k = 1 keeps them. */
static void test_ctdc__mapping(void **state)
{
    struct world *w = *state;
    struct case_record r;
    case_record_init(&r);
    r.agency_id = w->agency;
    assert_int_equal(case_value_parse(&r, CASE_F_gender, "TransgenderFeminine"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_age, "19"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_citizenship, "NGA"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_exploitation_country, "ITA"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_year_registered, "2019"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_age_when_trafficked, "16"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_control_methods, "TakesEarnings;DebtBondage;PhysicalThreats"),
                     STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_exploitation_types, "SexualExploitation;ForcedLabour"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_labour_industries, "T;G"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_relationship_to_trafficker, "unknown"), STATUS_OK);
    assert_int_equal(case_value_parse(&r, CASE_F_given_name, "Zenobia"), STATUS_OK);
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    struct case_record *made = NULL;
    assert_int_equal(case_create(&w->t.ctx, &r, &made), STATUS_OK);
    case_record_free(made);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    case_record_clear(&r);
    struct kanon_report rep;
    char *csv = export_ctdc(&w->t.ctx, 1, &rep, NULL);
    const char *row = csv + strcspn(csv, "\n") + 1;
    /* yearOfRegistration, Datasource, gender, ageBroad, majorityStatus, majorityStatusAtExploit,
     * majorityEntry, citizenship, then the 18 means of control (RestrictsMovement blank). */
    const char *head = "2019,,Transgender/NonConforming,18--20,Adult,Minor,,NG,1,1,0,1,0,0,0,0,0,,0,0,0,0,0,0,0,0,";
    assert_memory_equal(row, head, strlen(head));
    assert_non_null(strstr(row, ",Debt bondage;Takes/Withholds Earnings;Threats to individual or others,"));
    assert_non_null(strstr(row, ",Combined sexual and labour exploitation;Forced labour;Sexual exploitation,"));
    assert_non_null(strstr(row, ",Domestic Work;Other,"));
    /* No sex types, isAbduction blank, the relationship unknown, CountryOfExploitation IT. */
    assert_non_null(strstr(row, ",,,,,,,Not Specified / Unknown,IT,,,,,1\r\n"));
    assert_null(strstr(csv, "Zenobia"));
    free(csv);
}

static void test_ctdc__scope_and_permissions(void **state)
{
    struct world *w = *state;
    int64_t other = make_agency(&w->t, "Other Agency");
    assert_int_equal(store_tx_begin(w->t.store, STORE_TX_WRITE), STATUS_OK);
    for (int i = 0; i < 30; i++) {
        struct case_record r;
        case_record_init(&r);
        case_generate_row(&r, 9000 + (uint64_t)i);
        r.agency_id = i < 20 ? w->agency : other;
        struct case_record *made = NULL;
        assert_int_equal(case_create(&w->t.ctx, &r, &made), STATUS_OK);
        case_record_free(made);
        case_record_clear(&r);
    }
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    char *perms[] = {"case.export", "case.read"};
    struct auth_principal sup = {.user_id = 42, .agency_id = w->agency, .scope = AUTH_SCOPE_AGENCY, .mfa_ok = true};
    snprintf(sup.username, sizeof sup.username, "supervisor");
    sup.permissions = perms;
    sup.permissions_count = 2;
    struct auth_ctx ctx = {w->t.store, w->t.vault, &sup, "test"};
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    char *csv = export_ctdc(&ctx, 2, &rep, NULL);
    assert_int_equal(rep.rows_in, 20); /* the agency's cases only */
    free(csv);
    /* Without case.export: denied. */
    sup.permissions = perms + 1;
    sup.permissions_count = 1;
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(case_export(&ctx, "ctdc-kanon", devnull, NULL, NULL), STATUS_DENIED);
    fclose(devnull);
}

/* ---- the CTDC victim-perpetrator file --------------------------------------------------------- */

#define CTDC_FILE "ctdc/CTDC_VPsynthetic_condensed.csv"

static bool ctdc_path(char *out, size_t size)
{
    return test_shared_data_path(CTDC_FILE, out, size);
}

static void test_ctdc__vp_file(void **state)
{
    struct world *w = *state;
    char path[700];
    if (!ctdc_path(path, sizeof path)) {
        printf("skipping: %s not present under ../shared/data\n", CTDC_FILE);
        skip();
    }
    /* The input's genders, counted with the CSV reader alone. */
    size_t in_female = 0, in_male = 0, in_blank = 0, in_rows = 0;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    struct csv_reader *cr = csv_reader_new(f);
    assert_int_equal(csv_reader_next(cr), STATUS_OK);
    assert_string_equal(csv_reader_field(cr, 1), "gender");
    while (csv_reader_next(cr) == STATUS_OK) {
        const char *g = csv_reader_field(cr, 1);
        in_female += strcmp(g, "Female") == 0;
        in_male += strcmp(g, "Male") == 0;
        in_blank += g[0] == '\0';
        in_rows++;
    }
    csv_reader_free(cr);
    fclose(f);
    assert_int_equal(in_female + in_male + in_blank, in_rows);

    struct case_import_options opt = {.agency_id = w->agency};
    struct case_import_summary s;
    if (case_import(&w->t.ctx, "ctdc-vp", path, &opt, &s) != STATUS_OK) {
        fail_msg("import: %s", err_last());
    }
    assert_int_equal(s.imported, (int64_t)in_rows);
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    char *csv = export_ctdc(&w->t.ctx, 10, &rep, NULL);
    struct parsed p;
    parse_output(csv, &p);
    free(csv);
    assert_int_equal(rep.rows_in, in_rows);
    assert_int_equal(p.rows, rep.rows_written);
    assert_true(p.min_class >= 10);
    /* gender is QI 0: every input value is written, suppressed, or in a dropped record. */
    const struct kanon_qi_report *g = &rep.qi[0];
    assert_string_equal(g->name, "gender");
    assert_true(p.gender_female <= in_female);
    assert_true(p.gender_male <= in_male);
    assert_int_equal(p.gender_female + p.gender_male + g->suppressed + g->dropped, in_female + in_male);
    assert_int_equal(p.gender_blank, g->missing + g->suppressed);
    assert_int_equal(g->missing + (rep.rows_dropped - g->dropped), in_blank);
    printf("ctdc-vp: %zu records, %zu written, %zu dropped, %zu gender cells suppressed, smallest group %zu\n",
           rep.rows_in, rep.rows_written, rep.rows_dropped, g->suppressed, rep.min_class);
}

int main(void)
{
    const struct CMUnitTest engine[] = {
        cmocka_unit_test(test_engine__generalises_before_suppressing),
        cmocka_unit_test(test_engine__suppresses_and_drops),
        cmocka_unit_test(test_engine__limits),
        cmocka_unit_test(test_engine__random_table),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ctdc__mapping, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_ctdc__generated_cases, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_ctdc__scope_and_permissions, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_ctdc__vp_file, world_setup, world_teardown),
    };
    int failures = cmocka_run_group_tests_name("kanon engine", engine, NULL, NULL);
    if (failures != 0) {
        return failures;
    }
    TEST_RUN_BOTH("ctdc-kanon", tests, NULL, NULL);
}
