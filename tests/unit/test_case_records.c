/* test_case_records: perpetrators, support plans and attachments of a case (src/cases/records.h)
 * on SQLite and PostgreSQL: each created, read, updated and marked deleted with its history;
 * sealed at rest; field-group and scope denials; the attachment size limit, type check by magic
 * bytes and SHA-256 mismatch; the subject-access export and the purge; the access matrix of the
 * new operations (each built-in role x scope x target); and the further-citizenships field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "cases/records.h"
#include "cases/vocab.h"
#include "testlib.h"

struct world {
    struct test_env t;
    int64_t agency_a, agency_b;
    int64_t worker_a, worker_b, investigator_a, writer_noid;
};

static int64_t agency(struct world *w, const char *name)
{
    return test_agency(&w->t, name);
}

static int64_t user(struct world *w, const char *name, int64_t agency_id, const char *role, const char *scope)
{
    return test_user(&w->t, name, agency_id, role, scope);
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    assert_int_equal(vocab_init(w->t.store), STATUS_OK);
    w->agency_a = agency(w, "Agency A");
    w->agency_b = agency(w, "Agency B");
    w->worker_a = user(w, "worker-a", w->agency_a, "caseworker", "own");
    w->worker_b = user(w, "worker-b", w->agency_b, "caseworker", "own");
    w->investigator_a = user(w, "investigator-a", w->agency_a, "investigator", "agency");
    /* A role that writes cases and narratives but no identity group. */
    static const char *const perms[] = {"case.read", "case.write", "fg.narrative.read", "fg.narrative.write"};
    struct auth_role *role = NULL;
    store_tx_begin(w->t.store, STORE_TX_WRITE);
    assert_int_equal(auth_role_create(&w->t.ctx, "writer_noid", "test", false, perms, 4, NULL, 0, &role), STATUS_OK);
    assert_int_equal(store_tx_commit(w->t.store), STATUS_OK);
    auth_role_free(role);
    w->writer_noid = user(w, "writer-noid", w->agency_a, "writer_noid", "agency");
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

static void as_user(struct world *w, struct test_as *a, int64_t id)
{
    test_as_user(&w->t, a, id);
}

/* One operation's arguments and results. */
struct op {
    int64_t case_id, id, version;
    uint32_t mask;
    bool with_deleted;
    struct case_perpetrator perp;
    struct case_support_plan plan;
    struct case_perpetrator *perps;
    struct case_support_plan *plans;
    struct case_attachment *atts;
    size_t count;
    const char *kind, *file_name, *declared;
    const void *data;
    size_t len;
    struct case_attachment meta;
    uint8_t *content;
    size_t content_len;
    json_t *json;
    struct case_record *rec;
    struct case_change *history;
};

static void op_init(struct op *o, int64_t case_id)
{
    memset(o, 0, sizeof *o);
    o->case_id = case_id;
    o->perp.age = -1;
}

static void op_clear(struct op *o)
{
    int64_t case_id = o->case_id;
    case_perpetrator_clear(&o->perp);
    case_support_plan_clear(&o->plan);
    case_perpetrators_free(o->perps, o->perps ? o->count : 0);
    case_support_plans_free(o->plans, o->plans ? o->count : 0);
    case_attachments_free(o->atts, o->atts ? o->count : 0);
    case_attachment_clear(&o->meta);
    case_attachment_data_free(o->content, o->content_len);
    json_decref(o->json);
    case_record_free(o->rec);
    case_history_free(o->history, o->history ? o->count : 0);
    op_init(o, case_id);
}

#define OPFN(name, call)                                                                                               \
    static enum status name(const struct auth_ctx *c, void *p)                                                         \
    {                                                                                                                  \
        struct op *o = p;                                                                                              \
        return call;                                                                                                   \
    }
OPFN(op_perp_add, case_perpetrator_add(c, o->case_id, &o->perp, &o->id))
OPFN(op_perps, case_perpetrators(c, o->case_id, o->with_deleted, &o->perps, &o->count))
OPFN(op_perp_update, case_perpetrator_update(c, o->case_id, o->id, o->version, &o->perp, o->mask))
OPFN(op_perp_delete, case_perpetrator_delete(c, o->case_id, o->id))
OPFN(op_plan_add, case_support_plan_add(c, o->case_id, &o->plan, &o->id))
OPFN(op_plans, case_support_plans(c, o->case_id, &o->plans, &o->count))
OPFN(op_plan_update, case_support_plan_update(c, o->case_id, o->id, o->version, &o->plan, o->mask))
OPFN(op_att_add, case_attachment_add(c, o->case_id, o->kind, o->file_name, o->declared, o->data, o->len, &o->id))
OPFN(op_atts, case_attachments(c, o->case_id, o->with_deleted, &o->atts, &o->count))
OPFN(op_att_get, case_attachment_get(c, o->case_id, o->id, &o->meta, &o->content, &o->content_len))
OPFN(op_att_delete, case_attachment_delete(c, o->case_id, o->id))
OPFN(op_sar, case_records_sar_json(c, o->case_id, &o->json))
OPFN(op_purge, case_records_purge(c, o->case_id))
OPFN(op_history, case_history(c, o->case_id, &o->history, &o->count))

static enum status op_case_create(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    struct case_record in;
    case_record_init(&in);
    enum status st = case_value_parse(&in, CASE_F_given_name, "Record");
    if (st == STATUS_OK) {
        st = case_create(c, &in, &o->rec);
    }
    case_record_clear(&in);
    return st;
}

static int64_t make_case(struct world *w, int64_t as_id)
{
    struct test_as a;
    as_user(w, &a, as_id);
    struct op o;
    op_init(&o, 0);
    assert_int_equal(auth_run(&a.ctx, op_case_create, &o), STATUS_OK);
    int64_t id = o.rec->id;
    op_clear(&o);
    auth_principal_clear(&a.p);
    return id;
}

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    as_user(w, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static void perp_json(struct op *o, const char *json, bool partial)
{
    json_error_t e;
    json_t *j = json_loads(json, 0, &e);
    assert_non_null(j);
    if (case_perpetrator_from_json(&o->perp, j, partial, &o->mask) != STATUS_OK) {
        fail_msg("perpetrator json: %s", err_last());
    }
    json_decref(j);
}

static void test_records__perpetrators(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w, w->worker_a);
    struct op o;
    op_init(&o, cid);
    perp_json(&o,
              "{\"roles\":[\"Recruiter\",\"exploiter\"],\"gender\":\"male\",\"age_band\":\"30--38\","
              "\"citizenship\":\"NG\",\"relation\":\"Acquainted\",\"name\":\"Xylophonicus Brandt\","
              "\"role_details\":\"Ran the recruitment agency\",\"notes\":\"Seen in Lagos\"}",
              false);
    assert_int_equal(run_as(w, w->worker_a, op_perp_add, &o), STATUS_OK);
    int64_t pid = o.id;
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_perps, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_string_equal(o.perps[0].name, "Xylophonicus Brandt");
    assert_string_equal(o.perps[0].gender, "Masculine");
    assert_string_equal(o.perps[0].citizenship, "NGA");
    assert_string_equal(o.perps[0].role_details, "Ran the recruitment agency");
    json_t *j = case_perpetrator_to_json(&o.perps[0]);
    assert_int_equal(json_array_size(json_object_get(j, "roles")), 2);
    json_decref(j);
    int64_t version = o.perps[0].version;
    op_clear(&o);

    /* Update: only the members given; a stale version conflicts. */
    perp_json(&o, "{\"age\":35,\"notes\":null}", true);
    o.id = pid;
    o.version = version;
    assert_int_equal(run_as(w, w->worker_a, op_perp_update, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_a, op_perp_update, &o), STATUS_CONFLICT);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_perps, &o), STATUS_OK);
    assert_int_equal(o.perps[0].age, 35);
    assert_null(o.perps[0].notes);
    assert_string_equal(o.perps[0].name, "Xylophonicus Brandt");
    assert_int_equal(o.perps[0].version, version + 1);
    op_clear(&o);

    /* Bad input names the field. */
    json_t *bad = json_pack("{ss}", "gender", "purple");
    assert_int_equal(case_perpetrator_from_json(&o.perp, bad, true, &o.mask), STATUS_INVALID);
    assert_string_equal(err_last_field(), "gender");
    json_decref(bad);
    op_clear(&o);

    /* The investigator reads names and narratives but may not write; another agency sees nothing. */
    assert_int_equal(run_as(w, w->investigator_a, op_perps, &o), STATUS_OK);
    assert_string_equal(o.perps[0].name, "Xylophonicus Brandt");
    op_clear(&o);
    perp_json(&o, "{\"gender\":\"female\"}", false);
    assert_int_equal(run_as(w, w->investigator_a, op_perp_add, &o), STATUS_DENIED);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_b, op_perps, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    /* Without the identity group: the name is withheld, and writing one is denied. */
    assert_int_equal(run_as(w, w->writer_noid, op_perps, &o), STATUS_OK);
    assert_null(o.perps[0].name);
    assert_true(o.perps[0].withheld & CASE_REC_WITHHELD_NAME);
    assert_string_equal(o.perps[0].role_details, "Ran the recruitment agency");
    op_clear(&o);
    perp_json(&o, "{\"name\":\"Someone\"}", false);
    assert_int_equal(run_as(w, w->writer_noid, op_perp_add, &o), STATUS_DENIED);
    op_clear(&o);
    perp_json(&o, "{\"gender\":\"female\",\"notes\":\"no name given\"}", false);
    assert_int_equal(run_as(w, w->writer_noid, op_perp_add, &o), STATUS_OK);
    op_clear(&o);

    /* Delete marks: hidden from the list, kept with with_deleted. */
    o.id = pid;
    assert_int_equal(run_as(w, w->worker_a, op_perp_delete, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_a, op_perp_delete, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_perps, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    op_clear(&o);
    o.with_deleted = true;
    assert_int_equal(run_as(w, w->worker_a, op_perps, &o), STATUS_OK);
    assert_int_equal(o.count, 2);
    op_clear(&o);

    /* The history names the changes, never a sealed value. */
    assert_int_equal(run_as(w, w->worker_a, op_history, &o), STATUS_OK);
    bool add = false, upd = false, del = false;
    for (size_t i = 0; i < o.count; i++) {
        char *text = json_dumps(o.history[i].changes, JSON_COMPACT);
        assert_null(strstr(text, "Xylophonicus"));
        assert_null(strstr(text, "Lagos"));
        add = add || strcmp(o.history[i].action, "perpetrator.add") == 0;
        upd = upd || (strcmp(o.history[i].action, "perpetrator.update") == 0 && strstr(text, "\"to\":\"35\""));
        del = del || strcmp(o.history[i].action, "perpetrator.delete") == 0;
        free(text);
    }
    assert_true(add && upd && del);
    op_clear(&o);
}

static void test_records__support_plans(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w, w->worker_a);
    struct op o;
    op_init(&o, cid);
    json_t *j = json_pack("{ssssssssss}", "type", "Health", "objectives", "Trauma counselling", "action_plan",
                          "Weekly sessions", "planned_end_date", "2027-06", "provider", "Clinic North");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_OK);
    json_decref(j);
    assert_string_equal(o.plan.status, "Planned");
    assert_int_equal(run_as(w, w->worker_a, op_plan_add, &o), STATUS_OK);
    int64_t id = o.id;
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_plans, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_string_equal(o.plans[0].type, "Health");
    assert_string_equal(o.plans[0].objectives, "Trauma counselling");
    assert_string_equal(o.plans[0].planned_end, "2027-06");
    assert_string_equal(o.plans[0].provider, "Clinic North");
    int64_t version = o.plans[0].version;
    op_clear(&o);
    j = json_pack("{ssss}", "status", "InProgress", "actual_end_date", "2027-05-30");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, true, &o.mask), STATUS_OK);
    json_decref(j);
    o.id = id;
    o.version = version;
    assert_int_equal(run_as(w, w->worker_a, op_plan_update, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_a, op_plan_update, &o), STATUS_CONFLICT);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_plans, &o), STATUS_OK);
    assert_string_equal(o.plans[0].status, "InProgress");
    assert_string_equal(o.plans[0].type, "Health");
    assert_string_equal(o.plans[0].action_plan, "Weekly sessions");
    op_clear(&o);
    /* Bad type and bad date name the field; the investigator may not add. */
    j = json_pack("{ss}", "type", "Spa");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_INVALID);
    assert_string_equal(err_last_field(), "type");
    json_decref(j);
    j = json_pack("{ssss}", "type", "Legal", "planned_end_date", "2027-13");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_INVALID);
    assert_string_equal(err_last_field(), "planned_end_date");
    json_decref(j);
    j = json_pack("{ss}", "type", "Legal");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_OK);
    json_decref(j);
    assert_int_equal(run_as(w, w->investigator_a, op_plan_add, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->worker_b, op_plan_add, &o), STATUS_NOT_FOUND);
    op_clear(&o);
}

static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nQUOKKAMARMALADE signed consent\n%%EOF\n";

static void test_records__attachments(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w, w->worker_a);
    struct op o;
    op_init(&o, cid);
    o.kind = "consent_form";
    o.file_name = "consent-Amina.pdf";
    o.declared = "application/pdf";
    o.data = pdf;
    o.len = sizeof pdf - 1;
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    int64_t id = o.id;
    op_clear(&o);

    /* A larger file, sealed in several chunks, round trips exactly. */
    size_t big_len = 3 * CASE_ATTACHMENT_CHUNK_BYTES + 17;
    uint8_t *big = xmalloc(big_len);
    memcpy(big, "\x89PNG\r\n\x1a\n", 8);
    for (size_t i = 8; i < big_len; i++) {
        big[i] = (uint8_t)(i * 31 + 7);
    }
    o.kind = "medical";
    o.file_name = "scan.png";
    o.data = big;
    o.len = big_len;
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    int64_t big_id = o.id;
    op_clear(&o);
    o.id = big_id;
    assert_int_equal(run_as(w, w->worker_a, op_att_get, &o), STATUS_OK);
    assert_int_equal(o.content_len, big_len);
    assert_memory_equal(o.content, big, big_len);
    assert_string_equal(o.meta.media_type, "image/png");
    op_clear(&o);

    /* List: metadata; the investigator (no health group) sees the medical file's name withheld
     * and may not download it, but reads the consent form. */
    assert_int_equal(run_as(w, w->investigator_a, op_atts, &o), STATUS_OK);
    assert_int_equal(o.count, 2);
    for (size_t i = 0; i < o.count; i++) {
        if (o.atts[i].id == big_id) {
            assert_null(o.atts[i].file_name);
            assert_true(o.atts[i].withheld & CASE_REC_WITHHELD_FILE_NAME);
        } else {
            assert_string_equal(o.atts[i].file_name, "consent-Amina.pdf");
            assert_string_equal(o.atts[i].media_type, "application/pdf");
            assert_int_equal(o.atts[i].size, (int64_t)(sizeof pdf - 1));
        }
    }
    op_clear(&o);
    o.id = big_id;
    assert_int_equal(run_as(w, w->investigator_a, op_att_get, &o), STATUS_DENIED);
    op_clear(&o);
    o.id = id;
    assert_int_equal(run_as(w, w->investigator_a, op_att_get, &o), STATUS_OK);
    assert_int_equal(o.content_len, sizeof pdf - 1);
    assert_memory_equal(o.content, pdf, sizeof pdf - 1);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_b, op_atts, &o), STATUS_NOT_FOUND);
    op_clear(&o);

    /* Refusals: size, type by magic bytes, a declared type that disagrees, an unknown kind, a
     * group the writer may not write. */
    uint8_t *huge = xcalloc(1, CASE_ATTACHMENT_BYTES_MAX + 1);
    memcpy(huge, "%PDF-", 5);
    o.kind = "legal";
    o.data = huge;
    o.len = CASE_ATTACHMENT_BYTES_MAX + 1;
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_TOO_LARGE);
    free(huge);
    static const uint8_t exe[] = {'M', 'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00};
    o.data = exe;
    o.len = sizeof exe;
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "content");
    o.data = "just text, said to be a PDF";
    o.len = strlen(o.data);
    o.declared = "application/pdf";
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_INVALID);
    o.declared = "text/plain; charset=utf-8";
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    o.kind = "photo";
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "kind");
    o.kind = "identity_document";
    assert_int_equal(run_as(w, w->writer_noid, op_att_add, &o), STATUS_DENIED);
    op_clear(&o);

    /* A changed SHA-256 (or content) is detected on download. */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE case_attachments SET sha256 = '%064d' WHERE id = %lld", 0, (long long)id);
    assert_int_equal(store_exec_script(w->t.store, sql), STATUS_OK);
    o.id = id;
    assert_int_equal(run_as(w, w->worker_a, op_att_get, &o), STATUS_CRYPTO);
    op_clear(&o);

    /* Delete marks it: not listed, not downloadable. */
    o.id = big_id;
    assert_int_equal(run_as(w, w->worker_a, op_att_delete, &o), STATUS_OK);
    assert_int_equal(run_as(w, w->worker_a, op_att_get, &o), STATUS_NOT_FOUND);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_atts, &o), STATUS_OK);
    assert_int_equal(o.count, 2);
    op_clear(&o);
    free(big);
}

static void test_records__sealed_at_rest(void **state)
{
    struct world *w = *state;
    if (strcmp(test_engine, "sqlite") != 0) {
        skip(); /* reads the database file */
    }
    int64_t cid = make_case(w, w->worker_a);
    struct op o;
    op_init(&o, cid);
    perp_json(&o, "{\"name\":\"Zebediah Quorndon\",\"role_details\":\"Pangolinfarm\"}", false);
    assert_int_equal(run_as(w, w->worker_a, op_perp_add, &o), STATUS_OK);
    op_clear(&o);
    json_t *j = json_pack("{ssss}", "type", "Legal", "objectives", "Wombatcourtcase");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_OK);
    json_decref(j);
    assert_int_equal(run_as(w, w->worker_a, op_plan_add, &o), STATUS_OK);
    op_clear(&o);
    o.kind = "other";
    o.file_name = "Narwhalnotes.txt";
    o.data = "Platypusbarbecue statement text";
    o.len = strlen(o.data);
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    op_clear(&o);
    o.kind = "consent_form";
    o.data = pdf;
    o.len = sizeof pdf - 1;
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    op_clear(&o);
    store_exec_script(w->t.store, "PRAGMA wal_checkpoint(TRUNCATE)");
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(util_file_read(&data, &len, w->t.db, FILE_BYTES_MAX), STATUS_OK);
    static const char *const secrets[] = {"Zebediah",     "Quorndon",         "Pangolinfarm",   "Wombatcourtcase",
                                          "Narwhalnotes", "Platypusbarbecue", "QUOKKAMARMALADE"};
    for (size_t i = 0; i < ARRAY_LEN(secrets); i++) {
        if (memmem(data, len, secrets[i], strlen(secrets[i])) != NULL) {
            fail_msg("%s is in the database file", secrets[i]);
        }
    }
    free(data);
}

static void test_records__sar_and_purge(void **state)
{
    struct world *w = *state;
    int64_t cid = make_case(w, w->worker_a);
    struct op o;
    op_init(&o, cid);
    perp_json(&o, "{\"name\":\"Ivo Sarrecord\",\"gender\":\"male\",\"notes\":\"n\"}", false);
    assert_int_equal(run_as(w, w->worker_a, op_perp_add, &o), STATUS_OK);
    op_clear(&o);
    json_t *j = json_pack("{ssss}", "type", "Education", "objectives", "School");
    assert_int_equal(case_support_plan_from_json(&o.plan, j, false, &o.mask), STATUS_OK);
    json_decref(j);
    assert_int_equal(run_as(w, w->worker_a, op_plan_add, &o), STATUS_OK);
    op_clear(&o);
    o.kind = "legal";
    o.file_name = "court.txt";
    o.data = "hello court";
    o.len = strlen(o.data);
    assert_int_equal(run_as(w, w->worker_a, op_att_add, &o), STATUS_OK);
    op_clear(&o);

    assert_int_equal(run_as(w, w->worker_a, op_sar, &o), STATUS_OK);
    json_t *p0 = json_array_get(json_object_get(o.json, "perpetrators"), 0);
    assert_string_equal(json_string_value(json_object_get(p0, "name")), "Ivo Sarrecord");
    json_t *a0 = json_array_get(json_object_get(o.json, "attachments"), 0);
    assert_string_equal(json_string_value(json_object_get(a0, "file_name")), "court.txt");
    char *b64 = util_b64url_encode((const uint8_t *)"hello court", 11);
    assert_string_equal(json_string_value(json_object_get(a0, "content_base64url")), b64);
    free(b64);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(o.json, "support_plans"), 0), "objectives")),
        "School");
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_b, op_sar, &o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->investigator_a, op_purge, &o), STATUS_DENIED);
    op_clear(&o);

    assert_int_equal(run_as(w, w->worker_a, op_purge, &o), STATUS_OK);
    op_clear(&o);
    assert_int_equal(run_as(w, w->worker_a, op_sar, &o), STATUS_OK);
    p0 = json_array_get(json_object_get(o.json, "perpetrators"), 0);
    assert_true(json_is_null(json_object_get(p0, "name")));
    assert_true(json_is_null(json_object_get(p0, "notes")));
    assert_string_equal(json_string_value(json_object_get(p0, "gender")), "Masculine"); /* not personal: kept */
    a0 = json_array_get(json_object_get(o.json, "attachments"), 0);
    assert_true(json_is_true(json_object_get(a0, "purged")));
    assert_true(json_is_null(json_object_get(a0, "file_name")));
    assert_true(json_is_null(json_object_get(a0, "content_base64url")));
    assert_string_equal(json_string_value(json_object_get(a0, "kind")), "legal");
    op_clear(&o);
}

/* Each built-in role x scope x target: listing and adding perpetrators, listing attachments. */
static const struct {
    const char *role;
    bool read;
    bool write;
} case_perms[] = {
    {"caseworker", true, true},      {"case_supervisor", true, true}, {"investigator", true, false},
    {"prosecutor", true, false},     {"analyst", false, false},       {"national_coordinator", false, false},
    {"fund_manager", false, false},  {"trustee", false, false},       {"auditor", false, false},
    {"administrator", false, false},
};

static void test_records__access_matrix(void **state)
{
    struct world *w = *state;
    int64_t owner = user(w, "rm-owner", w->agency_a, "caseworker", "own");
    int64_t case_a = make_case(w, owner), case_b = make_case(w, w->worker_b);
    static const char *const scopes[] = {"own", "agency", "all"};
    int checks = 0;
    for (size_t r = 0; r < ARRAY_LEN(case_perms); r++) {
        for (size_t s = 0; s < 3; s++) {
            char name[64];
            snprintf(name, sizeof name, "rm-%zu-%zu", r, s);
            int64_t uid = user(w, name, w->agency_a, case_perms[r].role, scopes[s]);
            const struct {
                int64_t id;
                bool in_scope;
            } targets[] = {{case_a, s >= 1}, {case_b, s == 2}};
            for (size_t t = 0; t < 2; t++) {
                enum status want_read = !case_perms[r].read   ? STATUS_DENIED
                                        : targets[t].in_scope ? STATUS_OK
                                                              : STATUS_NOT_FOUND;
                enum status want_write = !case_perms[r].write  ? STATUS_DENIED
                                         : targets[t].in_scope ? STATUS_OK
                                                               : STATUS_NOT_FOUND;
                struct op o;
                op_init(&o, targets[t].id);
                enum status st = run_as(w, uid, op_perps, &o);
                if (st != want_read) {
                    fail_msg("%s/%s list perpetrators %zu: %s", case_perms[r].role, scopes[s], t, status_name(st));
                }
                op_clear(&o);
                st = run_as(w, uid, op_atts, &o);
                if (st != want_read) {
                    fail_msg("%s/%s list attachments %zu: %s", case_perms[r].role, scopes[s], t, status_name(st));
                }
                op_clear(&o);
                st = run_as(w, uid, op_plans, &o);
                if (st != want_read) {
                    fail_msg("%s/%s list plans %zu: %s", case_perms[r].role, scopes[s], t, status_name(st));
                }
                op_clear(&o);
                perp_json(&o, "{\"gender\":\"female\"}", false);
                st = run_as(w, uid, op_perp_add, &o);
                if (st != want_write) {
                    fail_msg("%s/%s add perpetrator %zu: %s", case_perms[r].role, scopes[s], t, status_name(st));
                }
                op_clear(&o);
                checks += 4;
            }
        }
    }
    print_message("case records access matrix: %d checks\n", checks);
}

static void test_records__other_citizenships(void **state)
{
    (void)state;
    struct case_record r;
    case_record_init(&r);
    assert_int_equal(case_value_parse(&r, CASE_F_other_citizenships, "GH; tg;Ghana"), STATUS_OK);
    assert_string_equal(r.v[CASE_F_other_citizenships].text, "GHA;TGO");
    json_t *j = case_record_to_json(&r);
    json_t *arr = json_object_get(json_object_get(j, "fields"), "other_citizenships");
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(json_string_value(json_array_get(arr, 1)), "TGO");
    struct case_record back;
    case_record_init(&back);
    assert_int_equal(case_record_from_json(&back, json_object_get(j, "fields"), false), STATUS_OK);
    assert_string_equal(back.v[CASE_F_other_citizenships].text, "GHA;TGO");
    json_decref(j);
    assert_int_equal(case_value_parse(&r, CASE_F_other_citizenships, "GHA;Atlantis"), STATUS_INVALID);
    assert_string_equal(err_last_field(), "other_citizenships");
    assert_int_equal(case_value_parse(&r, CASE_F_age_basis, "self declared"), STATUS_OK);
    assert_string_equal(r.v[CASE_F_age_basis].text, "SelfDeclared");
    assert_int_equal(case_value_parse(&r, CASE_F_outgoing_referral_reason, "other"), STATUS_OK);
    case_record_clear(&r);
    case_record_clear(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records__other_citizenships), cmocka_unit_test(test_records__perpetrators),
        cmocka_unit_test(test_records__support_plans),      cmocka_unit_test(test_records__attachments),
        cmocka_unit_test(test_records__sealed_at_rest),     cmocka_unit_test(test_records__sar_and_purge),
        cmocka_unit_test(test_records__access_matrix),
    };
    TEST_RUN_BOTH("case_records", tests, setup, teardown);
}
