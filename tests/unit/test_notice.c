/* test_notice: the printable rights notice (src/referral/notice.h) in the six UN languages:
 * the reflection period's end with the month's name in the language, the sections of rights,
 * the case number and never a name; refusals of bad facts; and notice_rights_for_case, which
 * reaches the case in scope only (audited) and prints the agency's name. On SQLite, and on
 * PostgreSQL when TEST_PG_URL is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "pdf/pdf.h"
#include "referral/intake.h"
#include "referral/notice.h"
#include "testlib.h"
#include "util/buf.h"

/* The text of a PDF by pdftotext, without spaces and line breaks (caller frees). */
static char *pdf_text(const uint8_t *pdf, size_t len)
{
    char path[] = "/tmp/ctis-test-notice-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "pdftotext -q -enc UTF-8 %s -", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct buf out = BUF_INIT(4 * 1024 * 1024);
    int c;
    while ((c = fgetc(p)) != EOF) {
        if (c != ' ' && c != '\n' && c != '\f' && c != '\r') {
            char ch = (char)c;
            assert_int_equal(buf_append(&out, &ch, 1), STATUS_OK);
        }
    }
    assert_int_equal(pclose(p), 0);
    unlink(path);
    return buf_take(&out);
}

static void assert_has(const char *text, const char *want)
{
    struct buf w = BUF_INIT(4096);
    for (const char *s = want; *s; s++) {
        if (*s != ' ') {
            assert_int_equal(buf_append(&w, s, 1), STATUS_OK);
        }
    }
    if (strstr(text, buf_str(&w)) == NULL) {
        fail_msg("\"%s\" not in the notice:\n%s", want, text);
    }
    buf_free(&w);
}

struct expect {
    const char *lang;
    const char *title;
    const char *month;        /* December, as the notice's date prints it */
    const char *no_testify;   /* words of the sentence that help does not depend on testifying */
    const char *non_punished; /* words of the non-punishment section */
};

static const struct expect expects[] = {
    {"en", "Your rights", "December", "do not have to agree to be a witness", "will not be punished"},
    {"fr", "Vos droits", "décembre", "obligé(e) d'accepter d'être témoin", "ne serez pas puni(e)"},
    {"es", "Sus derechos", "diciembre", "No tiene que aceptar ser testigo", "No le castigarán"},
    {"ru", "Ваши права", "декабря", "свидетелем", "Вас не накажут"},
    {"ar", "حقوقك", "ديسمبر", "الشرطة", "مزورة"},
    {"zh", "您的权利", "12月", "作证人", "惩罚"},
};

static void test_notice__six_languages(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(expects); i++) {
        const struct expect *e = &expects[i];
        struct notice_facts f = {
            .lang = e->lang,
            .case_ref = "4815162342",
            .reflection_start = "2026-11-02",
            .reflection_end = "2026-12-31",
            .reflection_days = 60,
            .no_removal = true,
            .agency_name = "Safe Harbour Shelter",
            .agency_contact = "+234 800 123 4567",
            .helpline = "0800 112 112",
            .issued_on = "2026-11-28",
        };
        uint8_t *pdf = NULL;
        size_t len = 0;
        if (notice_rights_render(&f, &pdf, &len) != STATUS_OK) {
            fail_msg("%s: %s", e->lang, err_last());
        }
        assert_memory_equal(pdf, "%PDF-", 5);
        char *text = pdf_text(pdf, len);
        assert_has(text, e->title);
        assert_has(text, "2026-12-31");
        assert_has(text, "2026-11-02");
        assert_has(text, "2026-11-28");
        assert_has(text, e->month);
        assert_has(text, "4815162342");
        assert_has(text, "Safe Harbour Shelter");
        assert_has(text, "0800 112 112");
        assert_has(text, "+234 800 123 4567");
        assert_has(text, e->no_testify);
        assert_has(text, e->non_punished);
        /* Every section's heading is printed. */
        static const char *const headings[] = {"notice.reflection.heading", "notice.assist.heading",
                                               "notice.nonpunish.heading",  "notice.privacy.heading",
                                               "notice.residence.heading",  "notice.compensation.heading",
                                               "notice.return.heading",     "notice.contact.heading"};
        for (size_t h = 0; h < ARRAY_LEN(headings); h++) {
            const char *s = i18n_get(e->lang, headings[h]);
            assert_string_not_equal(s, headings[h]);
            if (strcmp(e->lang, "ar") != 0) { /* pdftotext may reorder Arabic words of a line */
                assert_has(text, s);
            }
        }
        if (strcmp(e->lang, "en") != 0) { /* in the language, not English */
            assert_null(strstr(text, "Yourrights"));
        }
        free(text);
        free(pdf);
    }
}

/* Without a period the notice says none is set; with one but no start it prints the end only;
 * without no_removal it does not promise it. */
static void test_notice__reflection_variants(void **state)
{
    (void)state;
    struct notice_facts f = {.lang = "en", .case_ref = "77"};
    uint8_t *pdf = NULL;
    size_t len = 0;
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_OK);
    char *text = pdf_text(pdf, len);
    assert_has(text, "has not been set yet");
    assert_null(strstr(text, "willnotbesentout"));
    /* No contact known: lines to fill in by hand. */
    assert_has(text, "Helpline....");
    free(text);
    free(pdf);

    f.reflection_end = "2027-01-15";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_OK);
    text = pdf_text(pdf, len);
    assert_has(text, "until 15 January 2027 (2027-01-15)");
    assert_null(strstr(text, "willnotbesentout"));
    free(text);
    free(pdf);

    f.no_removal = true;
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_OK);
    text = pdf_text(pdf, len);
    assert_has(text, "you will not be sent out of the country");
    free(text);
    free(pdf);
}

static void test_notice__refusals(void **state)
{
    (void)state;
    uint8_t *pdf = NULL;
    size_t len = 0;
    struct notice_facts ok = {.lang = "en", .case_ref = "12", .reflection_end = "2026-12-31"};
    struct notice_facts f = ok;
    f.lang = "de";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    assert_string_equal(err_last_field(), "lang");
    f = ok;
    f.case_ref = "Maria Lopez"; /* a name is never a reference */
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    assert_string_equal(err_last_field(), "case_ref");
    f.case_ref = "";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    f = ok;
    f.reflection_end = "2026-02-30";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    assert_string_equal(err_last_field(), "reflection_end");
    f.reflection_end = "31/12/2026";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    f = ok;
    f.reflection_start = "2027-01-01";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    f = ok;
    f.reflection_end = NULL;
    f.reflection_start = "2026-01-01";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    f = ok;
    f.reflection_days = -1;
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    f = ok;
    f.helpline = "\xc3";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    assert_string_equal(err_last_field(), "helpline");
    f = ok;
    f.issued_on = "2026-13-01";
    assert_int_equal(notice_rights_render(&f, &pdf, &len), STATUS_INVALID);
    assert_null(pdf);
    assert_int_equal(len, 0);
}

/* For a case: in scope, the notice with the agency's name (audited as a case read); out of
 * scope, not found. */
struct world {
    struct test_env t;
    int64_t agency_a, agency_b, worker_a, worker_b, supervisor_a, analyst;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = test_agency(&w->t, "Safe Harbour Shelter");
    w->agency_b = test_agency(&w->t, "Other Agency");
    w->worker_a = test_user(&w->t, "worker-a", w->agency_a, "caseworker", "own");
    w->worker_b = test_user(&w->t, "worker-b", w->agency_b, "caseworker", "own");
    w->supervisor_a = test_user(&w->t, "supervisor-a", w->agency_a, "case_supervisor", "agency");
    w->analyst = test_user(&w->t, "analyst", w->agency_a, "analyst", "all");
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

struct op {
    int64_t case_id;
    const char *lang;
    const struct notice_reflection_in *refl;
    struct notice_case c;
    uint8_t *pdf;
    size_t len;
};

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in, *out = NULL;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Amina");
    if (st == STATUS_OK) {
        st = case_value_parse(&in, CASE_F_family_name, "Okafor");
    }
    if (st == STATUS_OK) {
        st = case_create(c, &in, &out);
    }
    if (st == STATUS_OK) {
        o->case_id = out->id;
    }
    case_record_free(out);
    case_record_clear(&in);
    return st;
}

static enum status op_notice(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return notice_rights_for_case(c, o->case_id, o->lang, o->refl, &o->pdf, &o->len);
}

static enum status op_helpline_set(const struct auth_ctx *c, void *p)
{
    return intake_settings_set(c, p);
}

static enum status op_case_read(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return notice_case_read(c, o->case_id, &o->c);
}

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void test_notice__for_case(void **state)
{
    struct world *w = *state;
    struct op o = {.lang = "ar"};
    assert_int_equal(run_as(w, w->worker_a, op_case_create, &o), STATUS_OK);

    /* The owner, in Arabic, with no period yet. */
    assert_int_equal(run_as(w, w->worker_a, op_notice, &o), STATUS_OK);
    char *text = pdf_text(o.pdf, o.len);
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)o.case_id);
    assert_has(text, ref);
    assert_has(text, "SafeHarbourShelter");
    assert_has(text, "حقوقك");
    /* Never the person's name. */
    assert_null(strstr(text, "Amina"));
    assert_null(strstr(text, "Okafor"));
    assert_null(memmem(o.pdf, o.len, "Amina", 5));
    free(text);
    free(o.pdf);
    o.pdf = NULL;

    /* The supervisor of the agency, in French, with a period from the pathway. */
    struct notice_reflection_in refl = {.start = "2026-11-01", .end = "2026-12-01", .days = 30, .no_removal = true};
    o.lang = "fr";
    o.refl = &refl;
    assert_int_equal(run_as(w, w->supervisor_a, op_notice, &o), STATUS_OK);
    text = pdf_text(o.pdf, o.len);
    assert_has(text, "1er décembre 2026 (2026-12-01)");
    assert_has(text, "30 jours");
    free(text);
    free(o.pdf);
    o.pdf = NULL;

    /* In two steps: the case in the transaction, the drawing after it; the helpline number is the
     * one the public tip form shows (intake settings). */
    struct intake_settings is = {.agency_id = 0};
    snprintf(is.helpline, sizeof is.helpline, "%s", "0800 222 333");
    assert_int_equal(auth_run(&w->t.ctx, op_helpline_set, &is), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_a, op_case_read, &o), STATUS_OK);
    assert_string_equal(o.c.helpline, "0800 222 333");
    assert_string_equal(o.c.case_ref, ref);
    assert_string_equal(o.c.agency_name, "Safe Harbour Shelter");
    assert_int_equal(notice_rights_render_case(&o.c, "ru", &refl, &o.pdf, &o.len), STATUS_OK);
    text = pdf_text(o.pdf, o.len);
    assert_has(text, "1 декабря 2026 г. (2026-12-01)");
    assert_has(text, "0800222333");
    free(text);
    free(o.pdf);
    o.pdf = NULL;
    assert_int_equal(run_as(w, w->worker_b, op_case_read, &o), STATUS_NOT_FOUND);

    /* Out of scope (another agency), no case permission, no such case, bad language. */
    assert_int_equal(run_as(w, w->worker_b, op_notice, &o), STATUS_NOT_FOUND);
    assert_null(o.pdf);
    assert_int_equal(run_as(w, w->analyst, op_notice, &o), STATUS_DENIED);
    int64_t real = o.case_id;
    o.case_id = 12345;
    assert_int_equal(run_as(w, w->worker_a, op_notice, &o), STATUS_NOT_FOUND);
    o.case_id = real;
    o.lang = "xx";
    assert_int_equal(run_as(w, w->worker_a, op_notice, &o), STATUS_INVALID);
    o.lang = "en";
    refl.end = NULL;
    assert_int_equal(run_as(w, w->worker_a, op_notice, &o), STATUS_INVALID);

    /* Each notice read is in the audit trail, as a case read with its detail. */
    struct audit_filter af = {.record_type = "case", .record_id = o.case_id, .limit = 100};
    struct audit_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(&e, &n, w->t.store, &af), STATUS_OK);
    int reads = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].action, "case.read") == 0 && strcmp(e[i].detail, "rights-notice") == 0 &&
            strcmp(e[i].outcome, "ok") == 0) {
            reads++;
        }
    }
    assert_int_equal(reads, 3);
    audit_entries_free(e, n);
}

int main(void)
{
    assert_int_equal(i18n_init(), STATUS_OK);
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_notice__six_languages),
        cmocka_unit_test(test_notice__reflection_variants),
        cmocka_unit_test(test_notice__refusals),
    };
    int failures = cmocka_run_group_tests_name("notice", pure, NULL, NULL);
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_notice__for_case),
    };
    test_engine = "sqlite";
    failures += cmocka_run_group_tests_name("notice for a case (sqlite)", db, setup, teardown);
    if (getenv("TEST_PG_URL") && getenv("TEST_PG_URL")[0]) {
        test_engine = "postgres";
        failures += cmocka_run_group_tests_name("notice for a case (postgresql)", db, setup, teardown);
    } else {
        printf("skipping PostgreSQL: TEST_PG_URL not set\n");
    }
    i18n_shutdown();
    return failures;
}
