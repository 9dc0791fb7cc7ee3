/* test_audit: the hash chain. Any single change to any stored audit row (each column in turn),
 * a deleted row in the middle or at the end, and a reordering are each found by audit_verify,
 * which names the entry; concurrent writers on separate connections keep one unbroken chain. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "testlib.h"

static enum status op_append(const struct auth_ctx *c, void *p)
{
    int *n = p;
    char detail[32];
    snprintf(detail, sizeof detail, "n=%d", *n);
    struct audit_entry e = {.actor_user_id = 7,
                            .actor = "tester",
                            .action = "test.write",
                            .record_type = "thing",
                            .record_id = *n,
                            .field_group = "identity",
                            .client = "127.0.0.1",
                            .outcome = "ok",
                            .detail = detail};
    return audit_append(c->store, c->vault, &e);
}

static void append_n(struct test_env *t, int n)
{
    for (int i = 1; i <= n; i++) {
        assert_int_equal(auth_run(&t->ctx, op_append, &i), STATUS_OK);
    }
}

/* Changes the database behind the application's back, as an attacker with database access would.
 * SQLite's zeroblob/randomblob are written for PostgreSQL as decode(...). */
static void raw_exec(struct test_env *t, const char *sql)
{
    char pg[1024];
    const char *text = sql;
    if (strcmp(test_engine, "postgres") == 0) {
        size_t o = 0;
        for (const char *p = sql; *p && o + 80 < sizeof pg;) {
            if (strncmp(p, "zeroblob(32)", 12) == 0) {
                o += (size_t)snprintf(pg + o, sizeof pg - o, "decode(repeat('00', 32), 'hex')");
                p += 12;
            } else if (strncmp(p, "randomblob(32)", 14) == 0) {
                o += (size_t)snprintf(pg + o, sizeof pg - o,
                                      "decode(md5(random()::text) || md5(random()::text), 'hex')");
                p += 14;
            } else {
                pg[o++] = *p++;
            }
        }
        pg[o] = '\0';
        text = pg;
    }
    struct store *s = NULL;
    assert_int_equal(store_open(&s, t->db), STATUS_OK);
    if (store_exec_script(s, text) != STATUS_OK) {
        fail_msg("%s: %s", text, err_last());
    }
    store_close(s);
}

static int64_t verify_bad(struct test_env *t)
{
    struct audit_verify_result r;
    enum status st = audit_verify(t->store, t->vault, &r);
    if (st == STATUS_OK) {
        return 0;
    }
    assert_int_equal(st, STATUS_CRYPTO);
    assert_true(r.first_bad_seq > 0);
    return r.first_bad_seq;
}

static void test_audit__intact_chain_verifies(void **state)
{
    struct test_env t;
    test_env_open(&t);
    struct audit_verify_result r;
    assert_int_equal(audit_verify(t.store, t.vault, &r), STATUS_OK);
    assert_int_equal(r.entries, 0);
    append_n(&t, 30);
    assert_int_equal(audit_verify(t.store, t.vault, &r), STATUS_OK);
    assert_int_equal(r.entries, 30);
    assert_int_equal(r.first_bad_seq, 0);
    test_env_close(&t);
}

static void test_audit__every_column_change_is_found(void **state)
{
    static const char *const changes[] = {
        "UPDATE audit_log SET at_ms = at_ms + 1",        "UPDATE audit_log SET actor_user_id = 8",
        "UPDATE audit_log SET actor = 'someone'",        "UPDATE audit_log SET action = 'test.read'",
        "UPDATE audit_log SET record_type = 'other'",    "UPDATE audit_log SET record_id = 999",
        "UPDATE audit_log SET field_group = ''",         "UPDATE audit_log SET client = '10.0.0.1'",
        "UPDATE audit_log SET outcome = 'denied'",       "UPDATE audit_log SET detail = 'n=0'",
        "UPDATE audit_log SET prev_hash = zeroblob(32)", "UPDATE audit_log SET hash = randomblob(32)",
    };
    for (size_t i = 0; i < ARRAY_LEN(changes); i++) {
        struct test_env t;
        test_env_open(&t);
        append_n(&t, 12);
        int seq = 3 + (int)i % 8;
        char sql[200];
        snprintf(sql, sizeof sql, "%s WHERE seq = %d", changes[i], seq);
        raw_exec(&t, sql);
        int64_t bad = verify_bad(&t);
        if (bad != seq) {
            fail_msg("change \"%s\": reported entry %lld, want %d", sql, (long long)bad, seq);
        }
        test_env_close(&t);
    }
}

static void test_audit__deletions_and_reordering_are_found(void **state)
{
    struct test_env t;
    test_env_open(&t);
    append_n(&t, 10);
    raw_exec(&t, "DELETE FROM audit_log WHERE seq = 4");
    assert_int_equal(verify_bad(&t), 4);
    test_env_close(&t);

    test_env_open(&t);
    append_n(&t, 10);
    raw_exec(&t, "DELETE FROM audit_log WHERE seq = 10");
    assert_int_equal(verify_bad(&t), 10);
    test_env_close(&t);

    test_env_open(&t);
    append_n(&t, 10);
    /* Deleting the last row and moving the head back with it needs the MAC key to fake. */
    raw_exec(&t, "DELETE FROM audit_log WHERE seq = 10; "
                 "UPDATE audit_head SET seq = 9, hash = (SELECT hash FROM audit_log WHERE seq = 9)");
    assert_int_equal(verify_bad(&t), 0); /* undetectable without the key... */
    append_n(&t, 1);                     /* ...but the entry written next is consistent: seq 10 again */
    struct audit_verify_result r;
    assert_int_equal(audit_verify(t.store, t.vault, &r), STATUS_OK);
    test_env_close(&t);

    test_env_open(&t);
    append_n(&t, 10);
    raw_exec(&t, "UPDATE audit_log SET seq = -5 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 6; "
                 "UPDATE audit_log SET seq = 6 WHERE seq = -5");
    assert_int_equal(verify_bad(&t), 5);
    test_env_close(&t);
}

static void test_audit__forged_entry_without_key_is_found(void **state)
{
    struct test_env t;
    test_env_open(&t);
    append_n(&t, 5);
    /* An attacker with database access copies a valid-looking entry: its hash cannot match. */
    raw_exec(&t, "INSERT INTO audit_log SELECT 6, at_ms, actor_user_id, actor, action, record_type, record_id, "
                 "field_group, client, outcome, detail, (SELECT hash FROM audit_log WHERE seq = 5), hash "
                 "FROM audit_log WHERE seq = 5; UPDATE audit_head SET seq = 6, hash = "
                 "(SELECT hash FROM audit_log WHERE seq = 6)");
    assert_int_equal(verify_bad(&t), 6);
    test_env_close(&t);
}

struct writer {
    const char *db;
    const char *key;
    int count;
    enum status result;
};

static void *writer_main(void *p)
{
    struct writer *w = p;
    struct store *s = NULL;
    struct vault *v = NULL;
    w->result = store_open(&s, w->db);
    if (w->result == STATUS_OK) {
        w->result = vault_open(&v, w->key, s);
    }
    struct auth_principal op;
    auth_principal_operator(&op);
    struct auth_ctx c = {s, v, &op, "thread"};
    for (int i = 0; w->result == STATUS_OK && i < w->count; i++) {
        w->result = auth_run(&c, op_append, &i);
    }
    vault_close(v);
    store_close(s);
    return NULL;
}

static void test_audit__concurrent_writers_keep_one_chain(void **state)
{
    struct test_env t;
    test_env_open(&t);
    enum { THREADS = 4, EACH = 50 };
    pthread_t th[THREADS];
    struct writer w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct writer){t.db, t.key, EACH, STATUS_OK};
        pthread_create(&th[i], NULL, writer_main, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].result, STATUS_OK);
    }
    struct audit_verify_result r;
    assert_int_equal(audit_verify(t.store, t.vault, &r), STATUS_OK);
    assert_int_equal(r.entries, THREADS * EACH);
    test_env_close(&t);
}

static void test_audit__entry_rolls_back_with_its_change(void **state)
{
    struct test_env t;
    test_env_open(&t);
    append_n(&t, 2);
    assert_int_equal(store_tx_begin(t.store, STORE_TX_WRITE), STATUS_OK);
    int n = 3;
    assert_int_equal(op_append(&t.ctx, &n), STATUS_OK);
    store_tx_rollback(t.store);
    struct audit_verify_result r;
    assert_int_equal(audit_verify(t.store, t.vault, &r), STATUS_OK);
    assert_int_equal(r.entries, 2);
    test_env_close(&t);
}

static void test_audit__list_filters(void **state)
{
    struct test_env t;
    test_env_open(&t);
    append_n(&t, 20);
    struct audit_filter f = {.record_type = "thing", .record_id = 7, .limit = 100};
    struct audit_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(audit_list(&e, &n, t.store, &f), STATUS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].record_id, 7);
    assert_string_equal(e[0].detail, "n=7");
    audit_entries_free(e, n);
    f = (struct audit_filter){.user_id = 7, .after_seq = 15, .limit = 3};
    assert_int_equal(audit_list(&e, &n, t.store, &f), STATUS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(e[0].seq, 16);
    audit_entries_free(e, n);
    f = (struct audit_filter){.limit = AUDIT_SHOW_ROWS_MAX + 1};
    assert_int_equal(audit_list(&e, &n, t.store, &f), STATUS_INVALID);
    test_env_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit__intact_chain_verifies),
        cmocka_unit_test(test_audit__every_column_change_is_found),
        cmocka_unit_test(test_audit__deletions_and_reordering_are_found),
        cmocka_unit_test(test_audit__forged_entry_without_key_is_found),
        cmocka_unit_test(test_audit__concurrent_writers_keep_one_chain),
        cmocka_unit_test(test_audit__entry_rolls_back_with_its_change),
        cmocka_unit_test(test_audit__list_filters),
    };
    TEST_RUN_BOTH("audit", tests, NULL, NULL);
}
