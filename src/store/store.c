/* store: the generic half of the database layer: URL parsing and driver choice, the catalogue
 * text per dialect (with ?N written as $N for PostgreSQL), transactions and the retry loop,
 * row cursors and the connection pool. Dialect details live in store_sqlite.c and store_pg.c. */
#include "store/store_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

struct sql_value sqlv_text(const char *s)
{
    if (s == NULL) {
        return SQLV_NULL;
    }
    return SQLV_TEXTN(s, strlen(s));
}

/* Writes ?N as $N outside string literals. */
static char *sql_to_pg(const char *sql)
{
    size_t n = strlen(sql);
    char *out = xmalloc(n + 1);
    bool in_str = false;
    for (size_t i = 0; i <= n; i++) {
        char c = sql[i];
        if (c == '\'') {
            in_str = !in_str;
        }
        out[i] = (!in_str && c == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') ? '$' : c;
    }
    return out;
}

/* SQLite allows one writer. Writers of this process queue on a mutex before BEGIN IMMEDIATE
 * instead of in SQLite's busy handler, which sleeps in steps of up to 100 ms and so turns a
 * short wait into a long tail. Other processes (the CLI beside a server) still meet the busy
 * timeout. One mutex for every SQLite database of the process: servers open one. */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t tx_serials;

static void writer_release(struct store *s)
{
    if (s->holds_writer_lock) {
        s->holds_writer_lock = false;
        pthread_mutex_unlock(&sqlite_writer);
    }
}

enum status store_url_dialect(enum store_dialect *out, const char *url)
{
    if (url == NULL || url[0] == '\0') {
        return err_set(STATUS_INVALID, "empty database URL");
    }
    if (strlen(url) > DB_URL_BYTES_MAX) {
        return err_set(STATUS_INVALID, "database URL longer than %d bytes", DB_URL_BYTES_MAX);
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        *out = STORE_POSTGRES;
        return STATUS_OK;
    }
    if (strstr(url, "://") != NULL) {
        return err_set(STATUS_INVALID, "unknown database URL scheme (use a file path, sqlite:PATH or "
                                       "postgresql://...)");
    }
    *out = STORE_SQLITE;
    return STATUS_OK;
}

/* The URL without a password: postgresql://user:secret@host -> postgresql://user@host. */
static char *url_display_make(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
    if (scheme_end == NULL || at == NULL) {
        char *p = xstrdup(url);
        char *q = strstr(p, "password=");
        if (q != NULL) {
            *q = '\0';
        }
        return p;
    }
    const char *colon = memchr(scheme_end + 3, ':', (size_t)(at - (scheme_end + 3)));
    char *p;
    if (colon == NULL) {
        p = xstrdup(url);
    } else {
        p = xasprintf("%.*s%s", (int)(colon - url), url, at);
    }
    char *q = strstr(p, "password=");
    if (q != NULL) {
        *q = '\0';
    }
    return p;
}

enum status store_open(struct store **out, const char *url)
{
    *out = NULL;
    enum store_dialect d;
    enum status st = store_url_dialect(&d, url);
    if (st != STATUS_OK) {
        return st;
    }
    struct store *s = xcalloc(1, sizeof *s);
    s->dialect = d;
    s->driver = d == STORE_POSTGRES ? &store_driver_pg : &store_driver_sqlite;
    s->url_display = url_display_make(url);
    const char *target = url;
    if (d == STORE_SQLITE && strncmp(url, "sqlite:", 7) == 0) {
        target = url + 7;
    }
    for (size_t i = 0; i < STMT__COUNT; i++) {
        const struct stmt_def *def = &store_catalog[i];
        ASSERT(def->sqlite_sql != NULL);
        if (d == STORE_SQLITE) {
            s->sql[i] = def->sqlite_sql;
        } else if (def->pg_sql != NULL) {
            s->sql[i] = def->pg_sql;
        } else {
            s->pg_sql_owned[i] = sql_to_pg(def->sqlite_sql);
            s->sql[i] = s->pg_sql_owned[i];
        }
    }
    st = s->driver->open(&s->conn, target);
    if (st != STATUS_OK) {
        store_close(s);
        return st;
    }
    *out = s;
    return STATUS_OK;
}

void store_close(struct store *s)
{
    if (s == NULL) {
        return;
    }
    if (s->conn != NULL) {
        if (s->in_tx) {
            s->driver->exec_script(s->conn, "ROLLBACK");
            s->in_tx = false;
            writer_release(s);
        }
        s->driver->close(s->conn);
    }
    for (size_t i = 0; i < STMT__COUNT; i++) {
        free(s->pg_sql_owned[i]);
    }
    free(s->url_display);
    free(s);
}

enum store_dialect store_dialect_of(const struct store *s)
{
    return s->dialect;
}
const char *store_url_display(const struct store *s)
{
    return s->url_display;
}
bool store_tx_active(const struct store *s)
{
    return s->in_tx;
}
int64_t store_changes(const struct store *s)
{
    return s->changes;
}

enum status store_tx_begin(struct store *s, enum store_tx mode)
{
    ASSERT(!s->in_tx);
    ASSERT(!s->holds_writer_lock);
    if (s->dialect == STORE_SQLITE && mode != STORE_TX_READ) {
        pthread_mutex_lock(&sqlite_writer);
        s->holds_writer_lock = true;
    }
    const char *sql;
    if (s->dialect == STORE_SQLITE) {
        sql = mode == STORE_TX_READ ? "BEGIN" : "BEGIN IMMEDIATE";
    } else {
        sql = mode == STORE_TX_READ    ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
              : mode == STORE_TX_WRITE ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                       : "BEGIN ISOLATION LEVEL SERIALIZABLE";
    }
    enum status st = s->driver->exec_script(s->conn, sql);
    if (st == STATUS_OK) {
        s->in_tx = true;
        /* Unique in the process, not only per connection: a store freed and another opened at the
         * same address must not look like the same transaction to anyone caching by it. */
        s->tx_serial = atomic_fetch_add(&tx_serials, 1) + 1;
        s->before_commit_count = 0;
    } else {
        writer_release(s);
    }
    return st;
}

void store_tx_before_commit(struct store *s, store_commit_fn fn, void *ctx)
{
    ASSERT(s->in_tx);
    for (size_t i = 0; i < s->before_commit_count; i++) {
        if (s->before_commit[i] == fn) {
            s->before_commit_ctx[i] = ctx;
            return;
        }
    }
    ASSERT(s->before_commit_count < ARRAY_LEN(s->before_commit));
    s->before_commit[s->before_commit_count] = fn;
    s->before_commit_ctx[s->before_commit_count++] = ctx;
}

uint64_t store_tx_serial(const struct store *s)
{
    return s->tx_serial;
}

enum status store_tx_commit(struct store *s)
{
    ASSERT(s->in_tx);
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < s->before_commit_count; i++) {
        st = s->before_commit[i](s, s->before_commit_ctx[i]);
    }
    s->before_commit_count = 0;
    if (st != STATUS_OK) {
        char msg[ERR_MESSAGE_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        store_tx_rollback(s);
        return err_set(st, "%s", msg);
    }
    st = s->driver->exec_script(s->conn, "COMMIT");
    if (st != STATUS_OK) {
        /* A failed COMMIT leaves SQLite in the transaction and PostgreSQL out of it; make both
         * end it, so that the caller can retry from the start. The COMMIT's message is kept: a
         * ROLLBACK after SQLite already rolled back (SQLITE_FULL) fails with "no transaction is
         * active", which said nothing of the full disk. */
        char msg[ERR_MESSAGE_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        s->driver->exec_script(s->conn, "ROLLBACK");
        err_set(st, "%s", msg);
    }
    s->in_tx = false;
    writer_release(s);
    return st;
}

void store_tx_rollback(struct store *s)
{
    if (!s->in_tx) {
        return;
    }
    s->driver->exec_script(s->conn, "ROLLBACK");
    s->in_tx = false;
    s->before_commit_count = 0;
    writer_release(s);
}

enum status store_tx_run(struct store *s, enum store_tx mode, store_tx_fn fn, void *ctx)
{
    enum status st = STATUS_BUSY;
    for (int attempt = 0; attempt <= DB_TX_RETRIES_MAX; attempt++) {
        if (attempt > 0) {
            /* Back off 2, 4, 8 ... ms plus jitter so that competing writers separate. */
            long ms = (1L << (attempt < 8 ? attempt : 8)) + (long)(util_now_ms() % 8);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        st = store_tx_begin(s, mode);
        if (st == STATUS_OK) {
            st = fn(s, ctx);
            if (st == STATUS_OK) {
                st = store_tx_commit(s);
            } else {
                enum status keep = st;
                char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX];
                snprintf(msg, sizeof msg, "%s", err_last());
                snprintf(field, sizeof field, "%s", err_last_field());
                store_tx_rollback(s);
                err_set_field(keep, field[0] ? field : NULL, "%s", msg);
                st = keep;
            }
        }
        if (st != STATUS_BUSY) {
            return st;
        }
    }
    log_warn("store: transaction still busy after %d retries", DB_TX_RETRIES_MAX);
    return st;
}

static enum status exec_common(struct store *s, enum stmt id, const char *sql, const struct sql_value *args,
                               size_t argc, struct store_rows **rows_out)
{
    ASSERT(argc <= DB_PARAMS_MAX);
    void *rows = NULL;
    int64_t changes = 0;
    enum status st;
    if (sql != NULL || id >= STMT__COUNT) {
        ASSERT(sql != NULL);
        st = s->driver->exec_text(s->conn, sql, args, argc, rows_out ? &rows : NULL);
    } else {
        st = s->driver->exec(s->conn, id, s->sql[id], args, argc, rows_out ? &rows : NULL, &changes);
    }
    s->changes = changes;
    if (st != STATUS_OK) {
        return st;
    }
    if (rows_out != NULL) {
        struct store_rows *r = xcalloc(1, sizeof *r);
        r->store = s;
        r->rows = rows;
        *rows_out = r;
    }
    return STATUS_OK;
}

enum status store_exec(struct store *s, enum stmt id, const struct sql_value *args, size_t argc,
                       struct store_rows **rows_out)
{
    ASSERT(id < STMT__COUNT);
    if (rows_out != NULL) {
        *rows_out = NULL;
    }
    return exec_common(s, id, NULL, args, argc, rows_out);
}

enum status store__exec_text(struct store *s, const char *sql, const struct sql_value *args, size_t argc,
                             struct store_rows **rows_out)
{
    if (rows_out != NULL) {
        *rows_out = NULL;
    }
    return exec_common(s, STMT__COUNT, sql, args, argc, rows_out);
}

enum status store_exec_one(struct store *s, enum stmt id, const struct sql_value *args, size_t argc,
                           struct store_rows **rows_out)
{
    *rows_out = NULL;
    struct store_rows *r = NULL;
    enum status st = store_exec(s, id, args, argc, &r);
    if (st != STATUS_OK) {
        return st;
    }
    st = store_rows_next(r);
    if (st == STATUS_DONE) {
        store_rows_free(r);
        return err_set(STATUS_NOT_FOUND, "not found");
    }
    if (st != STATUS_OK) {
        store_rows_free(r);
        return st;
    }
    *rows_out = r;
    return STATUS_OK;
}

enum status store_exec_script(struct store *s, const char *sql)
{
    return s->driver->exec_script(s->conn, sql);
}

enum status store_rows_next(struct store_rows *r)
{
    return r->store->driver->rows_next(r->rows);
}
size_t store_rows_columns(const struct store_rows *r)
{
    return r->store->driver->rows_columns(r->rows);
}
const char *store_rows_name(const struct store_rows *r, size_t col)
{
    return r->store->driver->rows_name(r->rows, col);
}
enum sql_type store_rows_type(const struct store_rows *r, size_t col)
{
    return r->store->driver->rows_type(r->rows, col);
}
bool store_rows_is_null(const struct store_rows *r, size_t col)
{
    return store_rows_type(r, col) == SQL_NULL;
}
int64_t store_rows_i64(const struct store_rows *r, size_t col)
{
    return r->store->driver->rows_i64(r->rows, col);
}
double store_rows_f64(const struct store_rows *r, size_t col)
{
    return r->store->driver->rows_f64(r->rows, col);
}
const char *store_rows_text(const struct store_rows *r, size_t col)
{
    const char *t = r->store->driver->rows_text(r->rows, col);
    return t ? t : "";
}
const uint8_t *store_rows_blob(const struct store_rows *r, size_t col, size_t *len_out)
{
    return r->store->driver->rows_blob(r->rows, col, len_out);
}

void store_rows_free(struct store_rows *r)
{
    if (r == NULL) {
        return;
    }
    if (r->rows != NULL) {
        r->store->driver->rows_free(r->rows);
    }
    free(r);
}

/* The pool: a fixed set of connections handed out under a mutex. */
struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    size_t size;
    size_t free_count;
    struct store **all;
    struct store **free_list;
};

enum status store_pool_open(struct store_pool **out, const char *url, size_t size)
{
    *out = NULL;
    if (size == 0 || size > DB_POOL_MAX) {
        return err_set(STATUS_INVALID, "pool size must be 1 to %d", DB_POOL_MAX);
    }
    struct store_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->all = xcalloc(size, sizeof *p->all);
    p->free_list = xcalloc(size, sizeof *p->free_list);
    for (size_t i = 0; i < size; i++) {
        enum status st = store_open(&p->all[i], url);
        if (st != STATUS_OK) {
            p->size = i;
            store_pool_close(p);
            return st;
        }
        p->free_list[i] = p->all[i];
    }
    p->size = size;
    p->free_count = size;
    *out = p;
    return STATUS_OK;
}

struct store *store_pool_acquire(struct store_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->free_count == 0) {
        pthread_cond_wait(&p->freed, &p->lock);
    }
    struct store *s = p->free_list[--p->free_count];
    pthread_mutex_unlock(&p->lock);
    return s;
}

void store_pool_release(struct store_pool *p, struct store *s)
{
    if (s == NULL) {
        return;
    }
    store_tx_rollback(s);
    pthread_mutex_lock(&p->lock);
    ASSERT(p->free_count < p->size);
    p->free_list[p->free_count++] = s;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void store_pool_close(struct store_pool *p)
{
    if (p == NULL) {
        return;
    }
    for (size_t i = 0; i < p->size; i++) {
        store_close(p->all[i]);
    }
    free(p->all);
    free(p->free_list);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
