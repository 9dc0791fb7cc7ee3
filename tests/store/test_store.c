/* test_store: the store conformance suite. Every test runs once against SQLite (files in a
 * temporary directory) and once against PostgreSQL when TEST_PG_URL is set (tests/run.sh starts
 * a server with tests/pg.sh and always sets it). The copy and backup tests go SQLite -> engine
 * under test -> SQLite, so on the PostgreSQL run they cross engines both ways.
 *
 * Databases: every test gets fresh, migrated databases of its own. On SQLite they are files
 * db<n>.sqlite in a temporary directory. On PostgreSQL each is a database ctis_test_<pid>_<n>
 * created with CREATE DATABASE through a maintenance connection to TEST_PG_URL and dropped with
 * DROP DATABASE ... WITH (FORCE) when the test ends; the database TEST_PG_URL names is never
 * written, so a shared server can be used.
 *
 * White-box: the test includes store_int.h for store__exec_text (dumping whole tables). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

#define AUDIT_ROWS_BIG 2500 /* more than two DB_COPY_BATCH_ROWS: cursors and progress batches */

enum backend_kind { BK_SQLITE, BK_PG };

struct backend {
    enum backend_kind kind;
    const char *name;
};

static struct backend backend_sqlite = {BK_SQLITE, "sqlite"};
static struct backend backend_pg = {BK_PG, "postgres"};

static char tmp_dir[256];
static const char *pg_url;     /* TEST_PG_URL, or NULL */
static struct store *pg_admin; /* maintenance connection for CREATE/DROP DATABASE */
static int db_counter;

struct db {
    enum backend_kind kind;
    char *url;
    char *name; /* PostgreSQL database name, or the SQLite file path */
};

struct fixture {
    const struct backend *b;
    struct db db;
    struct store *s; /* open and migrated */
};

#define ASSERT_ST(expr, want)                                                                                          \
    do {                                                                                                               \
        enum status st_ = (expr);                                                                                      \
        if (st_ != (want)) {                                                                                           \
            print_error("%s:%d: %s -> %s (%s), wanted %s\n", __FILE__, __LINE__, #expr, status_name(st_), err_last(),  \
                        status_name(want));                                                                            \
            fail();                                                                                                    \
        }                                                                                                              \
    } while (0)
#define ASSERT_OK(expr) ASSERT_ST(expr, STATUS_OK)

/* ---- databases ---- */

/* TEST_PG_URL with its database name replaced. */
static char *pg_url_for(const char *base, const char *dbname)
{
    const char *p = strstr(base, "://");
    p = p ? p + 3 : base;
    const char *q = strchr(p, '?');
    const char *slash = strchr(p, '/');
    if (slash != NULL && q != NULL && slash > q) {
        slash = NULL;
    }
    const char *cut = slash ? slash : (q ? q : base + strlen(base));
    return xasprintf("%.*s/%s%s", (int)(cut - base), base, dbname, q ? q : "");
}

static void db_create(struct db *d, enum backend_kind kind)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    int n = ++db_counter;
    if (kind == BK_SQLITE) {
        d->name = xasprintf("%s/db%d.sqlite", tmp_dir, n);
        d->url = xasprintf("%s%s", n % 2 ? "sqlite:" : "", d->name); /* both spellings */
        return;
    }
    assert_non_null(pg_url);
    if (pg_admin == NULL) {
        ASSERT_OK(store_open(&pg_admin, pg_url));
    }
    d->name = xasprintf("ctis_test_%ld_%d", (long)getpid(), n);
    char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", d->name);
    ASSERT_OK(store_exec_script(pg_admin, sql));
    free(sql);
    sql = xasprintf("CREATE DATABASE %s", d->name);
    ASSERT_OK(store_exec_script(pg_admin, sql));
    free(sql);
    d->url = pg_url_for(pg_url, d->name);
}

static void db_drop(struct db *d)
{
    if (d->name == NULL) {
        return;
    }
    if (d->kind == BK_SQLITE) {
        unlink(d->name);
        char *p = xasprintf("%s-wal", d->name);
        unlink(p);
        free(p);
        p = xasprintf("%s-shm", d->name);
        unlink(p);
        free(p);
    } else if (pg_admin != NULL) {
        char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", d->name);
        if (store_exec_script(pg_admin, sql) != STATUS_OK) {
            fprintf(stderr, "test_store: cannot drop %s: %s\n", d->name, err_last());
        }
        free(sql);
    }
    free(d->url);
    free(d->name);
    memset(d, 0, sizeof *d);
}

/* A fresh database opened and migrated. */
static struct store *db_open_migrated(struct db *d, enum backend_kind kind)
{
    db_create(d, kind);
    struct store *s = NULL;
    ASSERT_OK(store_open(&s, d->url));
    ASSERT_OK(store_migrate(s, NULL));
    return s;
}

static int fx_setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->b = *state;
    f->s = db_open_migrated(&f->db, f->b->kind);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    db_drop(&f->db);
    free(f);
    return 0;
}

/* ---- helpers ---- */

static void agency_insert(struct store *s, int64_t id, const char *name, int64_t at_ms)
{
    struct sql_value a[] = {SQLV_I64(id), sqlv_text(name), sqlv_text("NGO"), sqlv_text("GB"), SQLV_I64(at_ms)};
    ASSERT_OK(store_exec(s, STMT_AGENCY_INSERT, a, 5, NULL));
}

static int64_t count_of(struct store *s, enum stmt id)
{
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec_one(s, id, NULL, 0, &r));
    int64_t n = store_rows_i64(r, 0);
    store_rows_free(r);
    return n;
}

static bool agency_exists(struct store *s, int64_t id)
{
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_AGENCY_GET, a, 1, &r);
    store_rows_free(r);
    if (st != STATUS_OK && st != STATUS_NOT_FOUND) {
        fail_msg("AGENCY_GET: %s", err_last());
    }
    return st == STATUS_OK;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every table but schema_migrations as text: one sorted line per row, each value with its type,
 * text and blobs in hex. Equal dumps mean equal contents, whatever the engine. */
static char *dump(struct store *s)
{
    struct buf out = BUF_INIT(256 * 1024 * 1024);
    for (size_t t = 0; t < store_tables_count; t++) {
        if (strcmp(store_tables[t].name, "schema_migrations") == 0) {
            continue;
        }
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", store_tables[t].name);
        struct store_rows *r = NULL;
        ASSERT_OK(store__exec_text(s, sql, NULL, 0, &r));
        size_t n = 0, cap = 0;
        char **lines = NULL;
        enum status st;
        while ((st = store_rows_next(r)) == STATUS_OK) {
            struct buf line = BUF_INIT(16 * 1024 * 1024);
            for (size_t c = 0; c < store_rows_columns(r); c++) {
                ASSERT_OK(buf_printf(&line, " %s=", store_rows_name(r, c)));
                const uint8_t *p = NULL;
                size_t len = 0;
                switch (store_rows_type(r, c)) {
                case SQL_I64: ASSERT_OK(buf_printf(&line, "I%lld", (long long)store_rows_i64(r, c))); break;
                case SQL_F64: ASSERT_OK(buf_printf(&line, "F%.17g", store_rows_f64(r, c))); break;
                case SQL_TEXT:
                    p = (const uint8_t *)store_rows_text(r, c);
                    len = strlen((const char *)p);
                    ASSERT_OK(buf_puts(&line, "T"));
                    break;
                case SQL_BLOB:
                    p = store_rows_blob(r, c, &len);
                    ASSERT_OK(buf_puts(&line, "B"));
                    break;
                default: ASSERT_OK(buf_puts(&line, "N")); break;
                }
                for (size_t i = 0; i < len; i++) {
                    ASSERT_OK(buf_printf(&line, "%02x", p[i]));
                }
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                lines = xrealloc(lines, cap * sizeof *lines);
            }
            lines[n++] = buf_take(&line);
            buf_free(&line);
        }
        ASSERT_ST(st, STATUS_DONE);
        store_rows_free(r);
        if (n > 1) {
            qsort(lines, n, sizeof *lines, cmp_str_ptr);
        }
        ASSERT_OK(buf_printf(&out, "table %s %zu\n", store_tables[t].name, n));
        for (size_t i = 0; i < n; i++) {
            ASSERT_OK(buf_printf(&out, "%s\n", lines[i]));
            free(lines[i]);
        }
        free(lines);
    }
    return buf_take(&out);
}

static void file_write_str(const char *path, const char *data)
{
    FILE *fp = fopen(path, "wb");
    if (fp != NULL) {
        fputs(data, fp);
        fclose(fp);
    }
}

static void assert_same_contents(struct store *a, struct store *b)
{
    char *da = dump(a), *db = dump(b);
    if (strcmp(da, db) != 0) {
        print_error("database contents differ (%zu and %zu bytes of dump)\n", strlen(da), strlen(db));
        if (getenv("TEST_STORE_DUMP") != NULL) {
            file_write_str("/tmp/dump_a.txt", da);
            file_write_str("/tmp/dump_b.txt", db);
        }
        fail();
    }
    free(da);
    free(db);
}

static void assert_empty(struct store *s)
{
    char *d = dump(s);
    for (char *line = strtok(d, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "table ", 6) != 0 || strcmp(line + strlen(line) - 2, " 0") != 0) {
            fail_msg("database is not empty: %.80s", line);
        }
    }
    free(d);
}

/* Rows in every table: NULLs, empty and 0x00..0xff blobs, non-ASCII text, JSON-hostile text,
 * extreme integers; audit_rows audit entries. */
static void fill_sample(struct store *s, int audit_rows)
{
    uint8_t all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (uint8_t)i;
    }
    const uint8_t empty[1] = {0};
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 9007199254740991LL, "Alpha Trust", INT64_MAX);
    agency_insert(s, 2, "Bravo Aid", 0);
    agency_insert(s, 3, "Zürich Hilfe – 援助 \"quoted\" \\ back\tslash", -1);

    struct sql_value role1[] = {SQLV_I64(10), sqlv_text("admin"), sqlv_text("Administrator"),
                                SQLV_I64(1),  SQLV_I64(1),        SQLV_I64(1000)};
    struct sql_value role2[] = {SQLV_I64(11), sqlv_text("caseworker"), sqlv_text(""), SQLV_I64(0),
                                SQLV_I64(0),  SQLV_I64(1001)};
    ASSERT_OK(store_exec(s, STMT_ROLE_INSERT, role1, 6, NULL));
    ASSERT_OK(store_exec(s, STMT_ROLE_INSERT, role2, 6, NULL));
    const char *perms[] = {"case.read", "case.write", "user.admin"};
    for (size_t i = 0; i < 3; i++) {
        struct sql_value a[] = {SQLV_I64(10), sqlv_text(perms[i])};
        ASSERT_OK(store_exec(s, STMT_ROLE_PERM_INSERT, a, 2, NULL));
    }
    struct sql_value user1[] = {SQLV_I64(100),
                                SQLV_I64(2),
                                sqlv_text("alice"),
                                SQLV_BLOB(all, 256),
                                SQLV_BLOB(all + 1, 40),
                                SQLV_BLOB(all, 32),
                                sqlv_text("$argon2id$v=19$x"),
                                SQLV_I64(10),
                                sqlv_text("all"),
                                SQLV_I64(1),
                                SQLV_I64(5000)};
    struct sql_value user2[] = {SQLV_I64(101),  SQLV_I64(3),  sqlv_text("bob"), SQLV_NULL,   SQLV_NULL,     SQLV_NULL,
                                sqlv_text("h"), SQLV_I64(11), sqlv_text("own"), SQLV_I64(0), SQLV_I64(5001)};
    struct sql_value user3[] = {
        SQLV_I64(102),  SQLV_I64(3),  sqlv_text("carol"),  SQLV_BLOB(empty, 0), SQLV_NULL,     SQLV_BLOB(all + 200, 32),
        sqlv_text("h"), SQLV_I64(11), sqlv_text("agency"), SQLV_I64(0),         SQLV_I64(5002)};
    ASSERT_OK(store_exec(s, STMT_USER_INSERT, user1, 11, NULL));
    ASSERT_OK(store_exec(s, STMT_USER_INSERT, user2, 11, NULL));
    ASSERT_OK(store_exec(s, STMT_USER_INSERT, user3, 11, NULL));
    struct sql_value totp[] = {SQLV_I64(100), SQLV_BLOB(all + 7, 48), SQLV_I64(1), SQLV_I64(6000)};
    ASSERT_OK(store_exec(s, STMT_USER_SET_TOTP, totp, 4, NULL));

    struct sql_value g1[] = {sqlv_text("case"), SQLV_I64(-5), SQLV_I64(100), SQLV_I64(7000)};
    struct sql_value g2[] = {sqlv_text("case"), SQLV_I64(77), SQLV_I64(101), SQLV_I64(7001)};
    ASSERT_OK(store_exec(s, STMT_GRANT_INSERT, g1, 4, NULL));
    ASSERT_OK(store_exec(s, STMT_GRANT_INSERT, g2, 4, NULL));
    struct sql_value s1[] = {SQLV_I64(500), SQLV_BLOB(all + 10, 32), SQLV_BLOB(all + 50, 32), SQLV_I64(100),
                             SQLV_I64(1),   SQLV_I64(8000),          SQLV_I64(9000)};
    struct sql_value s2[] = {SQLV_I64(501), SQLV_BLOB(all + 11, 32), SQLV_BLOB(all + 51, 32), SQLV_I64(101),
                             SQLV_I64(0),   SQLV_I64(8001),          SQLV_I64(9001)};
    ASSERT_OK(store_exec(s, STMT_SESSION_INSERT, s1, 7, NULL));
    ASSERT_OK(store_exec(s, STMT_SESSION_INSERT, s2, 7, NULL));
    struct sql_value tok[] = {SQLV_I64(600),           SQLV_I64(100),   sqlv_text("ci token"),
                              SQLV_BLOB(all + 90, 32), SQLV_I64(10000), SQLV_I64(20000)};
    ASSERT_OK(store_exec(s, STMT_APITOKEN_INSERT, tok, 6, NULL));
    struct sql_value th1[] = {SQLV_BLOB(all + 3, 16), SQLV_I64(1), SQLV_I64(60000)};
    struct sql_value th2[] = {SQLV_BLOB(all + 200, 16), SQLV_I64(3), SQLV_I64(60000)};
    ASSERT_OK(store_exec(s, STMT_THROTTLE_FAIL, th1, 3, NULL));
    ASSERT_OK(store_exec(s, STMT_THROTTLE_FAIL, th2, 3, NULL));
    ASSERT_OK(store_exec(s, STMT_THROTTLE_FAIL, th2, 3, NULL)); /* the same window: failures 2 */

    struct sql_value head[] = {SQLV_BLOB(all, 32)};
    ASSERT_OK(store_exec(s, STMT_AUDIT_HEAD_INIT, head, 1, NULL));
    for (int i = 1; i <= audit_rows; i++) {
        char detail[64];
        snprintf(detail, sizeof detail, "entry %d: \"x\"\n\\ é", i);
        struct sql_value a[] = {SQLV_I64(i),
                                SQLV_I64(1700000000000LL + i),
                                i % 3 ? SQLV_I64(100 + i % 2) : SQLV_NULL,
                                sqlv_text(i % 3 ? "alice" : "system"),
                                sqlv_text("record.update"),
                                sqlv_text(i % 2 ? "case" : ""),
                                SQLV_I64(i % 7),
                                sqlv_text(""),
                                sqlv_text("127.0.0.1"),
                                sqlv_text("ok"),
                                sqlv_text(detail),
                                SQLV_BLOB(all + i % 200, 32),
                                SQLV_BLOB(all + (i + 1) % 200, 32)};
        ASSERT_OK(store_exec(s, STMT_AUDIT_INSERT, a, 13, NULL));
    }
    struct sql_value hs[] = {SQLV_I64(audit_rows), SQLV_BLOB(all + 1, 32)};
    ASSERT_OK(store_exec(s, STMT_AUDIT_HEAD_SET, hs, 2, NULL));

    struct sql_value k1[] = {SQLV_I64(1),         sqlv_text("data"), sqlv_text("active"),
                             SQLV_BLOB(all, 256), SQLV_NULL,         SQLV_I64(1)};
    struct sql_value k2[] = {
        SQLV_I64(2), sqlv_text("sign"), sqlv_text("active"), SQLV_BLOB(all + 5, 72), SQLV_BLOB(all + 9, 32),
        SQLV_I64(2)};
    ASSERT_OK(store_exec(s, STMT_VAULT_KEY_INSERT, k1, 6, NULL));
    ASSERT_OK(store_exec(s, STMT_VAULT_KEY_INSERT, k2, 6, NULL));
    struct sql_value m1[] = {sqlv_text("Kdf"), sqlv_text("{\"ops\":3}")};
    struct sql_value m2[] = {sqlv_text("agency_name"), sqlv_text("Ünïcode ✓")};
    ASSERT_OK(store_exec(s, STMT_VAULT_META_SET, m1, 2, NULL));
    ASSERT_OK(store_exec(s, STMT_VAULT_META_SET, m2, 2, NULL));
    struct sql_value p1[] = {SQLV_I64(700), sqlv_text("peer one"), SQLV_BLOB(all + 33, 32), SQLV_I64(1)};
    ASSERT_OK(store_exec(s, STMT_PEER_INSERT, p1, 4, NULL));
    ASSERT_OK(store_tx_commit(s));
}

/* ---- basics ---- */

static void test_store__migrate(void **state)
{
    struct fixture *f = *state;
    struct db d;
    db_create(&d, f->b->kind);
    struct store *s = NULL;
    ASSERT_OK(store_open(&s, d.url));
    assert_int_equal(store_dialect_of(s), f->b->kind == BK_PG ? STORE_POSTGRES : STORE_SQLITE);
    int64_t v = -1;
    ASSERT_OK(store_schema_version(s, &v));
    assert_int_equal(v, 0);
    int64_t want = store_schema_version_expected();
    assert_true(want >= 1);
    int applied = -1;
    ASSERT_OK(store_migrate(s, &applied));
    assert_int_equal(applied, want);
    ASSERT_OK(store_migrate(s, &applied));
    assert_int_equal(applied, 0);
    ASSERT_OK(store_schema_version(s, &v));
    assert_int_equal(v, want);
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 0);
    store_close(s);
    db_drop(&d);
}

/* Copies and backups move the tables of store_tables: every table the migrations make must be
 * there, or a copy would silently leave it behind. */
static void test_store__every_table_listed(void **state)
{
    struct fixture *f = *state;
    struct db d;
    db_create(&d, f->b->kind);
    struct store *s = NULL;
    ASSERT_OK(store_open(&s, d.url));
    int applied = 0;
    ASSERT_OK(store_migrate(s, &applied));
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec(s, STMT_STORE_TABLE_NAMES, NULL, 0, &r));
    size_t n = 0;
    while (store_rows_next(r) == STATUS_OK) {
        const char *name = store_rows_text(r, 0);
        bool listed = false;
        for (size_t t = 0; t < store_tables_count && !listed; t++) {
            listed = strcmp(store_tables[t].name, name) == 0;
        }
        if (!listed) {
            fail_msg("table %s is not in store_tables (src/store/catalog.c): copies and backups would leave it out",
                     name);
        }
        n++;
    }
    store_rows_free(r);
    assert_int_equal(n, store_tables_count);
    store_close(s);
    db_drop(&d);
}

static void test_store__agencies(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 30, "Charlie Help", 300);
    assert_int_equal(store_changes(s), 1);
    agency_insert(s, 10, "Alpha Trust", 100);
    agency_insert(s, 20, "Bravo Aid", 200);
    agency_insert(s, 40, "Zürich Hilfe – 援助", INT64_MAX);
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 4);

    struct sql_value id[] = {SQLV_I64(40)};
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec_one(s, STMT_AGENCY_GET, id, 1, &r));
    assert_int_equal(store_rows_columns(r), 8);
    assert_string_equal(store_rows_name(r, 1), "name");
    assert_int_equal(store_rows_type(r, 0), SQL_I64);
    assert_int_equal(store_rows_type(r, 1), SQL_TEXT);
    assert_int_equal(store_rows_i64(r, 0), 40);
    assert_string_equal(store_rows_text(r, 1), "Zürich Hilfe – 援助");
    assert_string_equal(store_rows_text(r, 2), "NGO");
    assert_int_equal(store_rows_i64(r, 4), 0);
    assert_true(store_rows_i64(r, 5) == INT64_MAX);
    assert_int_equal(store_rows_i64(r, 7), 1);
    ASSERT_ST(store_rows_next(r), STATUS_DONE);
    store_rows_free(r);

    struct sql_value name[] = {sqlv_text("Bravo Aid")};
    ASSERT_OK(store_exec_one(s, STMT_AGENCY_BY_NAME, name, 1, &r));
    assert_int_equal(store_rows_i64(r, 0), 20);
    store_rows_free(r);

    const int64_t want[] = {10, 20, 30, 40};
    for (int page = 0; page < 2; page++) {
        struct sql_value lim[] = {SQLV_I64(2), SQLV_I64(page * 2)};
        ASSERT_OK(store_exec(s, STMT_AGENCY_LIST, lim, 2, &r));
        for (int i = 0; i < 2; i++) {
            ASSERT_OK(store_rows_next(r));
            assert_int_equal(store_rows_i64(r, 0), want[page * 2 + i]);
        }
        ASSERT_ST(store_rows_next(r), STATUS_DONE);
        store_rows_free(r);
    }
}

/* After the last row, store_rows_next keeps saying DONE (it must not run the query again). */
static void test_store__rows_done(void **state)
{
    struct fixture *f = *state;
    agency_insert(f->s, 1, "Only One", 1);
    struct sql_value lim[] = {SQLV_I64(10), SQLV_I64(0)};
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec(f->s, STMT_AGENCY_LIST, lim, 2, &r));
    enum status st[4];
    for (int i = 0; i < 4; i++) {
        st[i] = store_rows_next(r);
    }
    store_rows_free(r);
    ASSERT_OK(st[0]);
    ASSERT_ST(st[1], STATUS_DONE);
    ASSERT_ST(st[2], STATUS_DONE);
    ASSERT_ST(st[3], STATUS_DONE);
}

static void test_store__not_found(void **state)
{
    struct fixture *f = *state;
    struct sql_value id[] = {SQLV_I64(999)};
    struct store_rows *r = (struct store_rows *)1;
    ASSERT_ST(store_exec_one(f->s, STMT_AGENCY_GET, id, 1, &r), STATUS_NOT_FOUND);
    struct sql_value name[] = {sqlv_text("nobody")};
    r = NULL;
    ASSERT_ST(store_exec_one(f->s, STMT_AGENCY_BY_NAME, name, 1, &r), STATUS_NOT_FOUND);
    assert_null(r);
}

static void test_store__conflict(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 1, "Alpha Trust", 1);
    struct sql_value dup_name[] = {SQLV_I64(2), sqlv_text("Alpha Trust"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, dup_name, 5, NULL), STATUS_CONFLICT);
    /* Messages name the statement or constraint, never the values. */
    assert_null(strstr(err_last(), "Alpha Trust"));
    struct sql_value dup_id[] = {SQLV_I64(1), sqlv_text("Other Name"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, dup_id, 5, NULL), STATUS_CONFLICT);
    assert_null(strstr(err_last(), "Other Name"));
    struct sql_value bad_check[] = {SQLV_I64(3), sqlv_text("Pirates"), sqlv_text("PirateShip"), sqlv_text(""),
                                    SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, bad_check, 5, NULL), STATUS_CONFLICT);
    assert_null(strstr(err_last(), "PirateShip"));
    /* Foreign key: a user of an agency that does not exist. */
    struct sql_value role[] = {SQLV_I64(10), sqlv_text("r"), sqlv_text(""), SQLV_I64(0), SQLV_I64(0), SQLV_I64(1)};
    ASSERT_OK(store_exec(s, STMT_ROLE_INSERT, role, 6, NULL));
    struct sql_value user[] = {SQLV_I64(100),  SQLV_I64(12345), sqlv_text("ghost"), SQLV_NULL,   SQLV_NULL,  SQLV_NULL,
                               sqlv_text("h"), SQLV_I64(10),    sqlv_text("own"),   SQLV_I64(0), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_USER_INSERT, user, 11, NULL), STATUS_CONFLICT);
    /* The connection is still good, and nothing of the failures stayed. */
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 1);
    assert_int_equal(count_of(s, STMT_USER_COUNT), 0);
}

static void test_store__optimistic(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 5, "Alpha Trust", 1);
    struct sql_value upd[] = {
        SQLV_I64(5), sqlv_text("Alpha Trust 2"), sqlv_text("NGO"), sqlv_text("FR"), SQLV_I64(1), SQLV_I64(2),
        SQLV_I64(1)};
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec(s, STMT_AGENCY_UPDATE, upd, 7, &r));
    ASSERT_OK(store_rows_next(r));
    assert_int_equal(store_rows_i64(r, 0), 2);
    ASSERT_ST(store_rows_next(r), STATUS_DONE);
    store_rows_free(r);
    /* Stale version: no row comes back (the caller's CONFLICT), nothing changes. */
    ASSERT_OK(store_exec(s, STMT_AGENCY_UPDATE, upd, 7, &r));
    ASSERT_ST(store_rows_next(r), STATUS_DONE);
    store_rows_free(r);
    upd[6] = SQLV_I64(2);
    ASSERT_OK(store_exec(s, STMT_AGENCY_UPDATE, upd, 7, &r));
    ASSERT_OK(store_rows_next(r));
    assert_int_equal(store_rows_i64(r, 0), 3);
    store_rows_free(r);
    struct sql_value id[] = {SQLV_I64(5)};
    ASSERT_OK(store_exec_one(s, STMT_AGENCY_GET, id, 1, &r));
    assert_string_equal(store_rows_text(r, 1), "Alpha Trust 2");
    assert_string_equal(store_rows_text(r, 3), "FR");
    assert_int_equal(store_rows_i64(r, 4), 1);
    assert_int_equal(store_rows_i64(r, 7), 3);
    store_rows_free(r);
}

static void test_store__transactions(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    assert_false(store_tx_active(s));
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    assert_true(store_tx_active(s));
    agency_insert(s, 1, "Rolled Back", 1);
    assert_true(agency_exists(s, 1));
    store_tx_rollback(s);
    assert_false(store_tx_active(s));
    assert_false(agency_exists(s, 1));
    store_tx_rollback(s); /* harmless outside a transaction */

    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 2, "Committed", 1);
    ASSERT_OK(store_tx_commit(s));
    assert_false(store_tx_active(s));
    assert_true(agency_exists(s, 2));

    /* A failed statement inside a transaction: roll back, and the connection carries on. */
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 3, "Third", 1);
    struct sql_value dup[] = {SQLV_I64(2), sqlv_text("Again"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, dup, 5, NULL), STATUS_CONFLICT);
    store_tx_rollback(s);
    assert_false(agency_exists(s, 3));
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 1);

    /* A read transaction sees committed data. */
    ASSERT_OK(store_tx_begin(s, STORE_TX_READ));
    assert_true(agency_exists(s, 2));
    ASSERT_OK(store_tx_commit(s));
}

struct retry_ctx {
    int calls;
    int busy_times;
    enum status fail_with;
};

static enum status retry_fn(struct store *s, void *arg)
{
    struct retry_ctx *c = arg;
    c->calls++;
    struct sql_value a[] = {SQLV_I64(77), sqlv_text("Retry Agency"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    enum status st = store_exec(s, STMT_AGENCY_INSERT, a, 5, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    if (c->calls <= c->busy_times) {
        return err_set(c->fail_with, "simulated failure %d", c->calls);
    }
    return STATUS_OK;
}

static void test_store__tx_retry(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    /* BUSY twice, then success: three runs, one row. */
    struct retry_ctx c = {0, 2, STATUS_BUSY};
    ASSERT_OK(store_tx_run(s, STORE_TX_WRITE, retry_fn, &c));
    assert_int_equal(c.calls, 3);
    assert_false(store_tx_active(s));
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 1);

    /* Anything but BUSY is not retried; the work is rolled back and the message kept. */
    struct db d2;
    struct store *s2 = db_open_migrated(&d2, f->b->kind);
    struct retry_ctx c2 = {0, 100, STATUS_CONFLICT};
    ASSERT_ST(store_tx_run(s2, STORE_TX_WRITE, retry_fn, &c2), STATUS_CONFLICT);
    assert_int_equal(c2.calls, 1);
    assert_string_equal(err_last(), "simulated failure 1");
    assert_false(store_tx_active(s2));
    assert_false(agency_exists(s2, 77));

    /* Always BUSY: gives up after DB_TX_RETRIES_MAX retries. */
    struct retry_ctx c3 = {0, 1000, STATUS_BUSY};
    ASSERT_ST(store_tx_run(s2, STORE_TX_WRITE, retry_fn, &c3), STATUS_BUSY);
    assert_int_equal(c3.calls, DB_TX_RETRIES_MAX + 1);
    assert_false(agency_exists(s2, 77));
    store_close(s2);
    db_drop(&d2);
}

/* Two connections in two threads increment counters inside store_tx_run(STORE_TX_WRITE). */
struct counter_thread {
    const char *url;
    int iterations;
    enum status st;
    char err[ERR_MESSAGE_BYTES_MAX];
};

/* The audit chain's pattern: lock the head row (FOR UPDATE on PostgreSQL), then advance it. */
static enum status counter_inc(struct store *s, void *arg)
{
    (void)arg;
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_AUDIT_HEAD_LOCK, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t seq = store_rows_i64(r, 0);
    store_rows_free(r);
    uint8_t hash[32] = {(uint8_t)seq};
    struct sql_value a[] = {SQLV_I64(seq + 1), SQLV_BLOB(hash, sizeof hash)};
    return store_exec(s, STMT_AUDIT_HEAD_SET, a, 2, NULL);
}

static void *counter_thread_main(void *arg)
{
    struct counter_thread *t = arg;
    struct store *s = NULL;
    t->st = store_open(&s, t->url);
    for (int i = 0; i < t->iterations && t->st == STATUS_OK; i++) {
        t->st = store_tx_run(s, STORE_TX_WRITE, counter_inc, NULL);
    }
    if (t->st != STATUS_OK) {
        snprintf(t->err, sizeof t->err, "%s", err_last());
    }
    store_close(s);
    return NULL;
}

static void test_store__concurrent_writers(void **state)
{
    struct fixture *f = *state;
    uint8_t zero[32] = {0};
    struct sql_value h[] = {SQLV_BLOB(zero, sizeof zero)};
    ASSERT_OK(store_exec(f->s, STMT_AUDIT_HEAD_INIT, h, 1, NULL));
    struct counter_thread t[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        t[i] = (struct counter_thread){.url = f->db.url, .iterations = 100};
        assert_int_equal(pthread_create(&th[i], NULL, counter_thread_main, &t[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    for (int i = 0; i < 2; i++) {
        if (t[i].st != STATUS_OK) {
            fail_msg("thread %d: %s: %s", i, status_name(t[i].st), t[i].err);
        }
    }
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec_one(f->s, STMT_AUDIT_HEAD_LOCK, NULL, 0, &r));
    assert_int_equal(store_rows_i64(r, 0), 200);
    store_rows_free(r);
}

/* A plain read-modify-write (read the value, write value + 1) with no locking read: the
 * transaction itself must make it safe (SQLite BEGIN IMMEDIATE; PostgreSQL needs an isolation
 * level that turns the lost update into a serialization failure, which store_tx_run retries). */
static enum status counter_rmw(struct store *s, void *arg)
{
    (void)arg;
    struct sql_value k[] = {sqlv_text("counter")};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_VAULT_META_GET, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t v = 0;
    st = util_parse_i64(&v, store_rows_text(r, 0));
    store_rows_free(r);
    if (st != STATUS_OK) {
        return st;
    }
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)(v + 1));
    struct sql_value a[] = {sqlv_text("counter"), sqlv_text(text)};
    return store_exec(s, STMT_VAULT_META_SET, a, 2, NULL);
}

static void *rmw_thread_main(void *arg)
{
    struct counter_thread *t = arg;
    struct store *s = NULL;
    t->st = store_open(&s, t->url);
    for (int i = 0; i < t->iterations && t->st == STATUS_OK; i++) {
        t->st = store_tx_run(s, STORE_TX_SERIAL, counter_rmw, NULL);
    }
    if (t->st != STATUS_OK) {
        snprintf(t->err, sizeof t->err, "%s", err_last());
    }
    store_close(s);
    return NULL;
}

static void test_store__concurrent_rmw(void **state)
{
    struct fixture *f = *state;
    struct sql_value a[] = {sqlv_text("counter"), sqlv_text("0")};
    ASSERT_OK(store_exec(f->s, STMT_VAULT_META_SET, a, 2, NULL));
    struct counter_thread t[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        t[i] = (struct counter_thread){.url = f->db.url, .iterations = 100};
        assert_int_equal(pthread_create(&th[i], NULL, rmw_thread_main, &t[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    for (int i = 0; i < 2; i++) {
        if (t[i].st != STATUS_OK) {
            fail_msg("thread %d: %s: %s", i, status_name(t[i].st), t[i].err);
        }
    }
    struct sql_value k[] = {sqlv_text("counter")};
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec_one(f->s, STMT_VAULT_META_GET, k, 1, &r));
    char final[32];
    snprintf(final, sizeof final, "%s", store_rows_text(r, 0));
    store_rows_free(r);
    assert_string_equal(final, "200");
}

static void test_store__blobs_and_nulls(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    uint8_t all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (uint8_t)i;
    }
    const uint8_t none[1] = {0};
    struct sql_value k1[] = {SQLV_I64(901),       sqlv_text("data"), sqlv_text("active"),
                             SQLV_BLOB(all, 256), SQLV_NULL,         SQLV_I64(1)};
    struct sql_value k2[] = {SQLV_I64(902),      sqlv_text("sign"),        sqlv_text("active"),
                             SQLV_BLOB(none, 0), SQLV_BLOB(all + 224, 32), SQLV_I64(2)};
    ASSERT_OK(store_exec(s, STMT_VAULT_KEY_INSERT, k1, 6, NULL));
    ASSERT_OK(store_exec(s, STMT_VAULT_KEY_INSERT, k2, 6, NULL));
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec(s, STMT_VAULT_KEY_LIST, NULL, 0, &r));
    ASSERT_OK(store_rows_next(r));
    size_t len = 0;
    const uint8_t *p = store_rows_blob(r, 3, &len);
    assert_int_equal(store_rows_type(r, 3), SQL_BLOB);
    assert_int_equal(len, 256);
    assert_memory_equal(p, all, 256);
    assert_true(store_rows_is_null(r, 4));
    assert_int_equal(store_rows_type(r, 4), SQL_NULL);
    p = store_rows_blob(r, 4, &len);
    assert_null(p);
    assert_int_equal(len, 0);
    assert_string_equal(store_rows_text(r, 4), "");
    assert_int_equal(store_rows_i64(r, 6), 0);
    ASSERT_OK(store_rows_next(r));
    p = store_rows_blob(r, 3, &len);
    assert_int_equal(len, 0);
    assert_false(store_rows_is_null(r, 3));
    assert_int_equal(store_rows_type(r, 3), SQL_BLOB);
    p = store_rows_blob(r, 4, &len);
    assert_int_equal(len, 32);
    assert_memory_equal(p, all + 224, 32);
    ASSERT_ST(store_rows_next(r), STATUS_DONE);
    store_rows_free(r);

    /* A sealed-column replace matches the old blob exactly. */
    fill_sample(s, 3);
    struct sql_value set[] = {SQLV_I64(100), SQLV_BLOB(all, 256), SQLV_BLOB(all + 1, 10)};
    ASSERT_OK(store_exec(s, STMT_SEALED_SET_USERS_DISPLAY_NAME, set, 3, NULL));
    assert_int_equal(store_changes(s), 1);
    ASSERT_OK(store_exec(s, STMT_SEALED_SET_USERS_DISPLAY_NAME, set, 3, NULL));
    assert_int_equal(store_changes(s), 0);
}

/* Every value type through bound parameters and back, with the engine's own type names. */
static void test_store__values(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    const char *sql = f->b->kind == BK_PG ? "SELECT $1::bigint, $2::float8, $3::text, $4::text, $5::bytea, "
                                            "$6::bigint, $7::float8"
                                          : "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7";
    const uint8_t b[3] = {0, 255, 10};
    struct sql_value a[] = {SQLV_I64(INT64_MIN), SQLV_F64(0.1), sqlv_text("x'y\"z\\"), SQLV_NULL,
                            SQLV_BLOB(b, 3),     SQLV_I64(-1),  SQLV_F64(-1.5e300)};
    struct store_rows *r = NULL;
    ASSERT_OK(store__exec_text(s, sql, a, 7, &r));
    ASSERT_OK(store_rows_next(r));
    assert_int_equal(store_rows_type(r, 0), SQL_I64);
    assert_true(store_rows_i64(r, 0) == INT64_MIN);
    assert_int_equal(store_rows_type(r, 1), SQL_F64);
    assert_true(store_rows_f64(r, 1) == 0.1);
    assert_int_equal(store_rows_type(r, 2), SQL_TEXT);
    assert_string_equal(store_rows_text(r, 2), "x'y\"z\\");
    assert_int_equal(store_rows_type(r, 3), SQL_NULL);
    size_t len = 0;
    const uint8_t *p = store_rows_blob(r, 4, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(p, b, 3);
    assert_int_equal(store_rows_i64(r, 5), -1);
    assert_true(store_rows_f64(r, 6) == -1.5e300);
    store_rows_free(r);
}

static void audit_add(struct store *s, int64_t seq, struct sql_value actor, const char *rtype, int64_t rid)
{
    uint8_t h[32] = {(uint8_t)seq};
    struct sql_value a[] = {
        SQLV_I64(seq),    SQLV_I64(1000 + seq), actor,           sqlv_text("someone"), sqlv_text("record.read"),
        sqlv_text(rtype), SQLV_I64(rid),        sqlv_text(""),   sqlv_text(""),        sqlv_text("ok"),
        sqlv_text(""),    SQLV_BLOB(h, 32),     SQLV_BLOB(h, 32)};
    ASSERT_OK(store_exec(s, STMT_AUDIT_INSERT, a, 13, NULL));
}

static int audit_filter_count(struct store *s, struct sql_value actor, struct sql_value rtype, struct sql_value rid,
                              int64_t from_ms, int64_t to_ms, int64_t after)
{
    struct sql_value a[] = {actor, rtype, rid, SQLV_I64(from_ms), SQLV_I64(to_ms), SQLV_I64(after), SQLV_I64(100)};
    struct store_rows *r = NULL;
    ASSERT_OK(store_exec(s, STMT_AUDIT_FILTER, a, 7, &r));
    int n = 0;
    enum status st;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        n++;
    }
    ASSERT_ST(st, STATUS_DONE);
    store_rows_free(r);
    return n;
}

static void test_store__audit_filter_nulls(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    /* First call with NULL for a parameter, later ones with values: types must follow. */
    audit_add(s, 1, SQLV_NULL, "case", 7);
    audit_add(s, 2, SQLV_NULL, "person", 8);
    audit_add(s, 3, SQLV_I64(42), "case", 7);
    audit_add(s, 4, SQLV_I64(42), "case", 9);
    audit_add(s, 5, SQLV_I64(43), "person", 7);
    audit_add(s, 6, SQLV_I64(43), "", 0);
    assert_int_equal(audit_filter_count(s, SQLV_NULL, SQLV_NULL, SQLV_NULL, 0, INT64_MAX, 0), 6);
    assert_int_equal(audit_filter_count(s, SQLV_I64(42), SQLV_NULL, SQLV_NULL, 0, INT64_MAX, 0), 2);
    assert_int_equal(audit_filter_count(s, SQLV_NULL, sqlv_text("case"), SQLV_NULL, 0, INT64_MAX, 0), 3);
    assert_int_equal(audit_filter_count(s, SQLV_NULL, sqlv_text("case"), SQLV_I64(7), 0, INT64_MAX, 0), 2);
    assert_int_equal(audit_filter_count(s, SQLV_I64(43), SQLV_NULL, SQLV_I64(7), 0, INT64_MAX, 0), 1);
    assert_int_equal(audit_filter_count(s, SQLV_NULL, SQLV_NULL, SQLV_NULL, 1002, 1004, 0), 3);
    assert_int_equal(audit_filter_count(s, SQLV_NULL, SQLV_NULL, SQLV_NULL, 0, INT64_MAX, 4), 2);
    assert_int_equal(audit_filter_count(s, SQLV_I64(99), SQLV_NULL, SQLV_NULL, 0, INT64_MAX, 0), 0);

    struct store_rows *r = NULL;
    struct sql_value a[] = {SQLV_I64(0), SQLV_I64(10)};
    ASSERT_OK(store_exec(s, STMT_AUDIT_SCAN, a, 2, &r));
    ASSERT_OK(store_rows_next(r));
    assert_true(store_rows_is_null(r, 2));
    assert_int_equal(store_rows_i64(r, 2), 0);
    ASSERT_OK(store_rows_next(r));
    ASSERT_OK(store_rows_next(r));
    assert_false(store_rows_is_null(r, 2));
    assert_int_equal(store_rows_i64(r, 2), 42);
    store_rows_free(r);
    ASSERT_OK(store_exec_one(s, STMT_AUDIT_COUNT, NULL, 0, &r));
    assert_int_equal(store_rows_i64(r, 0), 6);
    assert_int_equal(store_rows_i64(r, 1), 6);
    store_rows_free(r);
}

/* ---- pool ---- */

struct pool_thread {
    struct store_pool *pool;
    atomic_int *in_use;
    atomic_int *max_in_use;
    int iterations;
    int ok;
};

static void *pool_thread_main(void *arg)
{
    struct pool_thread *t = arg;
    for (int i = 0; i < t->iterations; i++) {
        struct store *s = store_pool_acquire(t->pool);
        int now = atomic_fetch_add(t->in_use, 1) + 1;
        int max = atomic_load(t->max_in_use);
        while (now > max && !atomic_compare_exchange_weak(t->max_in_use, &max, now)) {
        }
        struct store_rows *r = NULL;
        if (store_exec_one(s, STMT_PING, NULL, 0, &r) == STATUS_OK && store_rows_i64(r, 0) == 1) {
            t->ok++;
        }
        store_rows_free(r);
        usleep(200);
        atomic_fetch_sub(t->in_use, 1);
        store_pool_release(t->pool, s);
    }
    return NULL;
}

static void test_store__pool(void **state)
{
    struct fixture *f = *state;
    struct store_pool *pool = NULL;
    ASSERT_ST(store_pool_open(&pool, f->db.url, 0), STATUS_INVALID);
    ASSERT_OK(store_pool_open(&pool, f->db.url, 3));
    atomic_int in_use = 0, max_in_use = 0;
    struct pool_thread t[6];
    pthread_t th[6];
    for (int i = 0; i < 6; i++) {
        t[i] = (struct pool_thread){pool, &in_use, &max_in_use, 25, 0};
        assert_int_equal(pthread_create(&th[i], NULL, pool_thread_main, &t[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(t[i].ok, 25);
    }
    assert_true(atomic_load(&max_in_use) <= 3);
    assert_true(atomic_load(&max_in_use) >= 1);
    /* A connection given back inside a transaction is rolled back. */
    struct store *s = store_pool_acquire(pool);
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 1, "Pooled", 1);
    store_pool_release(pool, s);
    assert_false(agency_exists(f->s, 1));
    store_pool_close(pool);
}

/* ---- copy, backup, restore ---- */

struct progress_log {
    int calls;
    int audit_calls;
    int64_t audit_rows;
    char last_table[64];
};

static void progress_cb(const char *table, int64_t rows, void *ctx)
{
    struct progress_log *p = ctx;
    p->calls++;
    snprintf(p->last_table, sizeof p->last_table, "%s", table);
    if (strcmp(table, "audit_log") == 0) {
        p->audit_calls++;
        p->audit_rows = rows;
    }
}

/* SQLite -> engine under test -> SQLite. */
static void test_store__copy(void **state)
{
    struct fixture *f = *state;
    struct db da, dc, dd;
    struct store *a = db_open_migrated(&da, BK_SQLITE);
    struct store *c = db_open_migrated(&dc, BK_SQLITE);
    fill_sample(a, AUDIT_ROWS_BIG);

    struct progress_log pl = {0};
    ASSERT_OK(store_copy(a, f->s, progress_cb, &pl));
    assert_int_equal(pl.audit_calls, AUDIT_ROWS_BIG / DB_COPY_BATCH_ROWS + 1);
    assert_int_equal(pl.audit_rows, AUDIT_ROWS_BIG);
    assert_string_equal(pl.last_table, store_tables[store_tables_count - 1].name);
    assert_same_contents(a, f->s);
    ASSERT_OK(store_copy(f->s, c, NULL, NULL));
    assert_same_contents(a, c);
    assert_int_equal(count_of(c, STMT_AUDIT_COUNT), AUDIT_ROWS_BIG);

    /* The target must be empty ... */
    ASSERT_ST(store_copy(a, f->s, NULL, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "target database is not empty"));
    assert_same_contents(a, f->s);
    /* ... and migrated. */
    db_create(&dd, BK_SQLITE);
    struct store *d = NULL;
    ASSERT_OK(store_open(&d, dd.url));
    ASSERT_ST(store_copy(a, d, NULL, NULL), STATUS_CONFLICT);
    store_close(d);
    db_drop(&dd);

    store_close(a);
    store_close(c);
    db_drop(&da);
    db_drop(&dc);
}

static void file_write(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* The sorted {"end":...} lines of a backup, but schema_migrations' (applied_at_ms differ). */
static char *end_lines(const char *path)
{
    size_t len = 0;
    char *data = NULL;
    ASSERT_OK(util_file_read(&data, &len, path, FILE_BYTES_MAX));
    char *lines[256];
    size_t n = 0;
    for (char *l = strtok(data, "\n"); l != NULL; l = strtok(NULL, "\n")) {
        if (strncmp(l, "{\"end\":", 7) == 0 && strstr(l, "schema_migrations") == NULL) {
            assert_true(n < 256);
            lines[n++] = l;
        }
    }
    qsort(lines, n, sizeof *lines, cmp_str_ptr);
    struct buf out = BUF_INIT(1 << 20);
    for (size_t i = 0; i < n; i++) {
        ASSERT_OK(buf_printf(&out, "%s\n", lines[i]));
    }
    free(data);
    assert_int_equal(n, store_tables_count - 1);
    return buf_take(&out);
}

/* Backup SQLite, restore into the engine under test, back that up, restore into SQLite. */
static void test_store__backup_restore(void **state)
{
    struct fixture *f = *state;
    struct db da, dc;
    struct store *a = db_open_migrated(&da, BK_SQLITE);
    struct store *c = db_open_migrated(&dc, BK_SQLITE);
    fill_sample(a, AUDIT_ROWS_BIG);
    char *p1 = xasprintf("%s/backup1.jsonl", tmp_dir), *p2 = xasprintf("%s/backup2.jsonl", tmp_dir);

    struct progress_log pl = {0};
    ASSERT_OK(store_backup(a, p1, progress_cb, &pl));
    assert_int_equal(pl.audit_rows, AUDIT_ROWS_BIG);
    struct stat sb;
    assert_int_equal(stat(p1, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *tmp = xasprintf("%s.tmp", p1);
    assert_false(util_file_exists(tmp));
    free(tmp);
    ASSERT_OK(store_backup_verify(p1));

    /* The header line. */
    size_t len = 0;
    char *data = NULL;
    ASSERT_OK(util_file_read(&data, &len, p1, FILE_BYTES_MAX));
    json_t *hdr = json_loadb(data, strcspn(data, "\n"), 0, NULL);
    assert_non_null(hdr);
    assert_string_equal(json_string_value(json_object_get(hdr, "format")), "ctis-backup-v1");
    assert_string_equal(json_string_value(json_object_get(hdr, "dialect")), "sqlite");
    assert_int_equal(json_integer_value(json_object_get(hdr, "schema_version")), store_schema_version_expected());
    json_decref(hdr);
    free(data);

    memset(&pl, 0, sizeof pl);
    ASSERT_OK(store_restore(f->s, p1, progress_cb, &pl, NULL, NULL));
    assert_int_equal(pl.audit_rows, AUDIT_ROWS_BIG);
    assert_same_contents(a, f->s);

    ASSERT_OK(store_backup(f->s, p2, NULL, NULL));
    ASSERT_OK(store_restore(c, p2, NULL, NULL, NULL, NULL));
    assert_same_contents(a, c);
    /* Same per-table counts and checksums, whichever engine wrote the file. */
    char *e1 = end_lines(p1), *e2 = end_lines(p2);
    assert_string_equal(e1, e2);
    free(e1);
    free(e2);

    /* Restoring into a database that has data is refused, and changes nothing. */
    ASSERT_ST(store_restore(f->s, p1, NULL, NULL, NULL, NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "not empty"));
    assert_same_contents(a, f->s);

    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
    store_close(a);
    store_close(c);
    db_drop(&da);
    db_drop(&dc);
}

/* Writes a damaged copy of a backup and checks that verify and restore refuse it, with the
 * target left empty. */
static void corrupt_check(struct store *target, const char *path, const char *data, size_t len, const char *what)
{
    file_write(path, data, len);
    enum status st = store_backup_verify(path);
    if (st == STATUS_OK) {
        fail_msg("verify accepted a backup with %s", what);
    }
    st = store_restore(target, path, NULL, NULL, NULL, NULL);
    if (st == STATUS_OK) {
        fail_msg("restore accepted a backup with %s", what);
    }
    assert_false(store_tx_active(target));
    assert_empty(target);
}

static void test_store__backup_corrupt(void **state)
{
    struct fixture *f = *state;
    struct db da;
    struct store *a = db_open_migrated(&da, BK_SQLITE);
    fill_sample(a, 20);
    char *good = xasprintf("%s/good.jsonl", tmp_dir), *bad = xasprintf("%s/bad.jsonl", tmp_dir);
    ASSERT_OK(store_backup(a, good, NULL, NULL));
    size_t len = 0;
    char *data = NULL;
    ASSERT_OK(util_file_read(&data, &len, good, FILE_BYTES_MAX));
    char *copy = xmalloc(len + 1);

    /* One character changed inside a row: the JSON stays valid, the checksums do not. */
    memcpy(copy, data, len + 1);
    char *row = strstr(copy, "\"Alpha Trust\"");
    assert_non_null(row);
    row[1] = 'B';
    corrupt_check(f->s, bad, copy, len, "a changed value");

    /* One character changed in a blob. */
    memcpy(copy, data, len + 1);
    row = strstr(copy, "{\"b64\":\"");
    assert_non_null(row);
    row[8] = row[8] == 'A' ? 'B' : 'A';
    corrupt_check(f->s, bad, copy, len, "a changed blob");

    /* Truncated: the trailer gone, a line cut, the last newline missing, empty file. */
    corrupt_check(f->s, bad, data, len - 30, "a cut last line");
    corrupt_check(f->s, bad, data, len - 1, "no final newline");
    const char *half = strstr(data + len / 2, "\n");
    assert_non_null(half);
    corrupt_check(f->s, bad, data, (size_t)(half - data + 1), "its second half missing");
    corrupt_check(f->s, bad, data, 0, "no content");

    /* A row line deleted (the first audit entry). */
    const char *r0 = strstr(data, "{\"table\":\"audit_log\"");
    assert_non_null(r0);
    r0 = strchr(r0, '\n') + 1;
    const char *r1 = strchr(r0, '\n') + 1;
    memcpy(copy, data, (size_t)(r0 - data));
    memcpy(copy + (r0 - data), r1, len - (size_t)(r1 - data));
    corrupt_check(f->s, bad, copy, len - (size_t)(r1 - r0), "a row deleted");

    /* Two rows swapped: per-table sums still match, the file checksum does not. */
    const char *r2 = strchr(r1, '\n') + 1;
    assert_int_equal(strncmp(r1, "{\"r\":", 5), 0);
    size_t l0 = (size_t)(r1 - r0), l1 = (size_t)(r2 - r1);
    memcpy(copy, data, len + 1);
    memcpy(copy + (r0 - data), r1, l1);
    memcpy(copy + (r0 - data) + l1, r0, l0);
    assert_memory_not_equal(copy, data, len);
    corrupt_check(f->s, bad, copy, len, "two rows swapped");

    /* Something after the trailer. */
    memcpy(copy, data, len);
    char *longer = xasprintf("%.*s{\"r\":[1]}\n", (int)len, data);
    corrupt_check(f->s, bad, longer, strlen(longer), "a line after the trailer");
    free(longer);

    /* The untouched file still restores, into the same (still empty) database. */
    ASSERT_OK(store_restore(f->s, good, NULL, NULL, NULL, NULL));
    assert_same_contents(a, f->s);

    unlink(good);
    unlink(bad);
    free(good);
    free(bad);
    free(data);
    free(copy);
    store_close(a);
    db_drop(&da);
}

/* ---- PostgreSQL only ---- */

static void test_store__pg_messages(void **state)
{
    struct fixture *f = *state;
    /* A failed connection names no password. */
    struct store *s = NULL;
    ASSERT_ST(store_open(&s, "postgresql://ctis:Sup3rSecretPw@127.0.0.1:1/ctis?connect_timeout=2"), STATUS_UNAVAILABLE);
    assert_null(strstr(err_last(), "Sup3rSecretPw"));
    ASSERT_ST(store_open(&s, "postgresql://127.0.0.1:1/ctis?password=An0therSecret&connect_timeout=2"),
              STATUS_UNAVAILABLE);
    assert_null(strstr(err_last(), "An0therSecret"));
    ASSERT_ST(store_open(&s, "postgresql://u:Pa%zzSecret@127.0.0.1:1/ctis"), STATUS_UNAVAILABLE);
    assert_null(strstr(err_last(), "Pa%zzSecret"));

    /* The display URL of an open store has no password (trust authentication ignores it). */
    const char *p = strstr(f->db.url, "://");
    assert_non_null(p);
    const char *at = strchr(p, '@');
    char *url = at ? xasprintf("postgresql://postgres:Hidden9Pw%s", at)
                   : xasprintf("postgresql://postgres:Hidden9Pw@%s", p + 3);
    if (store_open(&s, url) == STATUS_OK) {
        assert_null(strstr(store_url_display(s), "Hidden9Pw"));
        store_close(s);
    }
    free(url);

    /* Data errors (class 22) quote the value in the server text; ours does not. */
    struct sql_value v[] = {sqlv_text("secretvalue99")};
    struct store_rows *r = NULL;
    ASSERT_ST(store__exec_text(f->s, "SELECT $1::text::bigint", v, 1, &r), STATUS_INVALID);
    assert_null(strstr(err_last(), "secretvalue99"));
    assert_non_null(strstr(err_last(), "22P02"));
}

static void terminate_backends(const char *dbname)
{
    char *sql = xasprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' "
                          "AND pid <> pg_backend_pid()",
                          dbname);
    ASSERT_OK(store_exec_script(pg_admin, sql));
    free(sql);
    usleep(100 * 1000);
}

static void test_store__pg_reconnect(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 1, "Before", 1);
    /* Outside a transaction: the driver reconnects and runs the statement again. */
    terminate_backends(f->db.name);
    assert_true(agency_exists(s, 1));
    /* Inside one: the transaction is lost and says so; after rollback the store works. */
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 2, "Lost", 1);
    terminate_backends(f->db.name);
    struct sql_value a[] = {SQLV_I64(3), sqlv_text("Also Lost"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, a, 5, NULL), STATUS_UNAVAILABLE);
    ASSERT_ST(store_exec(s, STMT_PING, NULL, 0, NULL), STATUS_UNAVAILABLE);
    store_tx_rollback(s);
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 1);
    /* A transaction started after a silent drop simply begins on a new connection. */
    terminate_backends(f->db.name);
    struct retry_ctx c = {0, 0, STATUS_BUSY};
    ASSERT_OK(store_tx_run(s, STORE_TX_WRITE, retry_fn, &c));
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), 2);
}

/* A COMMIT after a failed statement must not report success on PostgreSQL. */
static void test_store__pg_commit_after_error(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 1, "One", 1);
    ASSERT_OK(store_tx_begin(s, STORE_TX_WRITE));
    agency_insert(s, 2, "Two", 1);
    struct sql_value dup[] = {SQLV_I64(1), sqlv_text("One"), sqlv_text("NGO"), sqlv_text(""), SQLV_I64(1)};
    ASSERT_ST(store_exec(s, STMT_AGENCY_INSERT, dup, 5, NULL), STATUS_CONFLICT);
    assert_int_not_equal(store_tx_commit(s), STATUS_OK);
    assert_false(store_tx_active(s));
    assert_false(agency_exists(s, 2));
}

/* A full disk (here: SQLite's page limit, which fails the same way with SQLITE_FULL) is
 * STATUS_UNAVAILABLE with a message saying so, not STATUS_IO (a 500 without a word); the failed
 * statement leaves nothing, and writes succeed again once there is room (issue 10, faults). */
static void test_store__sqlite_full(void **state)
{
    struct fixture *f = *state;
    struct store *s = f->s;
    agency_insert(s, 1, "Before The Disk Filled", 1);
    ASSERT_OK(store_exec_script(s, "PRAGMA max_page_count = 1")); /* clamps to the current size */
    enum status st = STATUS_OK;
    int64_t id = 2;
    char name[64];
    for (; id < 5000 && st == STATUS_OK; id++) {
        snprintf(name, sizeof name, "Agency number %" PRId64 " with a longer name", id);
        struct sql_value a[] = {SQLV_I64(id), sqlv_text(name), sqlv_text("NGO"), sqlv_text("GB"), SQLV_I64(1)};
        st = store_exec(s, STMT_AGENCY_INSERT, a, 5, NULL);
    }
    assert_int_equal(st, STATUS_UNAVAILABLE);
    assert_non_null(strstr(err_last(), "full"));
    int64_t kept = count_of(s, STMT_AGENCY_COUNT);
    assert_int_equal(kept, id - 2); /* every insert before the failing one, not that one */
    ASSERT_OK(store_exec_script(s, "PRAGMA max_page_count = 1073741823"));
    agency_insert(s, id, "After Space Was Freed", 1);
    assert_int_equal(count_of(s, STMT_AGENCY_COUNT), kept + 1);
}

/* clang-format off */
#define STORE_TEST(f, b) cmocka_unit_test_prestate_setup_teardown(f, fx_setup, fx_teardown, b)
#define STORE_TESTS(b) \
    STORE_TEST(test_store__migrate, b), \
    STORE_TEST(test_store__every_table_listed, b), \
    STORE_TEST(test_store__agencies, b), \
    STORE_TEST(test_store__rows_done, b), \
    STORE_TEST(test_store__not_found, b), \
    STORE_TEST(test_store__conflict, b), \
    STORE_TEST(test_store__optimistic, b), \
    STORE_TEST(test_store__transactions, b), \
    STORE_TEST(test_store__tx_retry, b), \
    STORE_TEST(test_store__concurrent_writers, b), \
    STORE_TEST(test_store__concurrent_rmw, b), \
    STORE_TEST(test_store__blobs_and_nulls, b), \
    STORE_TEST(test_store__values, b), \
    STORE_TEST(test_store__audit_filter_nulls, b), \
    STORE_TEST(test_store__pool, b), \
    STORE_TEST(test_store__copy, b), \
    STORE_TEST(test_store__backup_restore, b), \
    STORE_TEST(test_store__backup_corrupt, b)
/* clang-format on */

int main(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "%s/ctis-test-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    pg_url = getenv("TEST_PG_URL");
    if (pg_url != NULL && pg_url[0] == '\0') {
        pg_url = NULL;
    }
    const struct CMUnitTest sqlite_tests[] = {
        STORE_TESTS(&backend_sqlite),
        STORE_TEST(test_store__sqlite_full, &backend_sqlite),
    };
    int failed = cmocka_run_group_tests_name("store_sqlite", sqlite_tests, NULL, NULL);
    if (pg_url != NULL) {
        const struct CMUnitTest pg_tests[] = {
            STORE_TESTS(&backend_pg),
            STORE_TEST(test_store__pg_messages, &backend_pg),
            STORE_TEST(test_store__pg_reconnect, &backend_pg),
            STORE_TEST(test_store__pg_commit_after_error, &backend_pg),
        };
        failed += cmocka_run_group_tests_name("store_postgres", pg_tests, NULL, NULL);
    } else {
        printf("skipping PostgreSQL: TEST_PG_URL not set\n");
    }
    store_close(pg_admin);
    if (rmdir(tmp_dir) != 0) {
        fprintf(stderr, "test_store: %s left behind (not empty)\n", tmp_dir);
    }
    return failed == 0 ? 0 : 1;
}
