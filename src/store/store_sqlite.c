/* store_sqlite: the SQLite driver. One connection per struct store, set up with WAL, foreign
 * keys on, a busy timeout and synchronous=NORMAL; statements prepared once per connection and
 * cached by catalogue id. SQLite result codes map to enum status here and nowhere else. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/limits.h"
#include "util/mem.h"

struct sqlite_conn {
    sqlite3 *db;
    sqlite3_stmt *cache[STMT__COUNT];
};

struct sqlite_rows {
    struct sqlite_conn *conn;
    sqlite3_stmt *stmt;
    bool owned;      /* finalize on free (exec_text) rather than reset (cached) */
    bool first_done; /* the first step has been taken by exec */
    int first_rc;
};

static enum status map_rc(sqlite3 *db, int rc, const char *what)
{
    int primary = rc & 0xff;
    enum status st;
    switch (primary) {
    case SQLITE_CONSTRAINT: st = STATUS_CONFLICT; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: st = STATUS_BUSY; break;
    case SQLITE_TOOBIG: st = STATUS_TOO_LARGE; break;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: st = STATUS_INVALID; break;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB: st = STATUS_UNAVAILABLE; break;
    case SQLITE_FULL:
        /* A full disk is an operator's problem, not a bug: 503 and CLI exit 7 with the message,
         * and the write succeeds again once space is freed (tests/faults.sh). */
        return err_set(STATUS_UNAVAILABLE, "%s: the disk holding the database is full", what);
    default: st = STATUS_IO; break;
    }
    /* sqlite3_errmsg names constraints and columns, never bound values. */
    return err_set(st, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static enum status sqlite_open(void **out, const char *target)
{
    *out = NULL;
    struct sqlite_conn *c = xcalloc(1, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(target, &c->db, flags, NULL);
    enum status st = STATUS_OK;
    if (rc != SQLITE_OK) {
        st = map_rc(c->db, rc, "cannot open database");
        if (st == STATUS_IO) {
            st = err_set(STATUS_UNAVAILABLE, "cannot open database %s", target);
        }
        goto fail;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, DB_BUSY_TIMEOUT_MS);
    sqlite3_limit(c->db, SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
    static const char *const setup =
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
        "PRAGMA trusted_schema = OFF; PRAGMA cache_size = -16384;";
    char *msg = NULL;
    rc = sqlite3_exec(c->db, setup, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        st = err_set(rc == SQLITE_NOTADB ? STATUS_UNAVAILABLE : STATUS_IO, "cannot set up database %s: %s", target,
                     msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        goto fail;
    }
    *out = c;
    return STATUS_OK;
fail:
    sqlite3_close_v2(c->db);
    free(c);
    return st;
}

static void sqlite_close(void *conn)
{
    struct sqlite_conn *c = conn;
    for (size_t i = 0; i < STMT__COUNT; i++) {
        sqlite3_finalize(c->cache[i]);
    }
    sqlite3_close_v2(c->db);
    free(c);
}

static enum status sqlite_exec_script(void *conn, const char *sql)
{
    struct sqlite_conn *c = conn;
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        enum status st = map_rc(c->db, rc, "script");
        sqlite3_free(msg);
        return st;
    }
    return STATUS_OK;
}

static enum status bind_all(sqlite3 *db, sqlite3_stmt *stmt, const struct sql_value *args, size_t argc)
{
    int expect = sqlite3_bind_parameter_count(stmt);
    if ((size_t)expect != argc) {
        return err_set(STATUS_INVALID, "statement takes %d parameters, %zu given", expect, argc);
    }
    for (size_t i = 0; i < argc; i++) {
        int idx = (int)i + 1, rc;
        const struct sql_value *v = &args[i];
        switch (v->type) {
        case SQL_NULL: rc = sqlite3_bind_null(stmt, idx); break;
        case SQL_I64: rc = sqlite3_bind_int64(stmt, idx, v->u.i64); break;
        case SQL_F64: rc = sqlite3_bind_double(stmt, idx, v->u.f64); break;
        case SQL_TEXT:
            rc = sqlite3_bind_text64(stmt, idx, v->u.text.ptr ? v->u.text.ptr : "", v->u.text.len, SQLITE_STATIC,
                                     SQLITE_UTF8);
            break;
        case SQL_BLOB:
            rc = v->u.blob.ptr == NULL ? sqlite3_bind_zeroblob(stmt, idx, 0)
                                       : sqlite3_bind_blob64(stmt, idx, v->u.blob.ptr, v->u.blob.len, SQLITE_STATIC);
            break;
        default: rc = SQLITE_MISUSE; break;
        }
        if (rc != SQLITE_OK) {
            return map_rc(db, rc, "bind");
        }
    }
    return STATUS_OK;
}

/* Steps once; SQLITE_ROW leaves a row cursor for the caller, SQLITE_DONE an empty one. */
static enum status run(struct sqlite_conn *c, sqlite3_stmt *stmt, bool owned, const char *name, void **rows_out,
                       int64_t *changes_out)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        enum status st = map_rc(c->db, rc, name);
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        if (owned) {
            sqlite3_finalize(stmt);
        }
        return st;
    }
    if (rows_out == NULL) {
        while (rc == SQLITE_ROW) {
            rc = sqlite3_step(stmt);
        }
        enum status st = STATUS_OK;
        if (rc != SQLITE_DONE) {
            st = map_rc(c->db, rc, name);
        }
        if (changes_out != NULL) {
            *changes_out = sqlite3_changes64(c->db);
        }
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        if (owned) {
            sqlite3_finalize(stmt);
        }
        return st;
    }
    if (changes_out != NULL) {
        *changes_out = sqlite3_changes64(c->db);
    }
    struct sqlite_rows *r = xcalloc(1, sizeof *r);
    r->conn = c;
    r->stmt = stmt;
    r->owned = owned;
    r->first_done = false;
    r->first_rc = rc;
    *rows_out = r;
    return STATUS_OK;
}

static enum status sqlite_exec(void *conn, enum stmt id, const char *sql, const struct sql_value *args, size_t argc,
                               void **rows_out, int64_t *changes_out)
{
    struct sqlite_conn *c = conn;
    sqlite3_stmt *stmt = c->cache[id];
    if (stmt == NULL) {
        int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
        if (rc != SQLITE_OK) {
            return map_rc(c->db, rc, store_catalog[id].name);
        }
        c->cache[id] = stmt;
    }
    enum status st = bind_all(c->db, stmt, args, argc);
    if (st != STATUS_OK) {
        sqlite3_clear_bindings(stmt);
        return st;
    }
    return run(c, stmt, false, store_catalog[id].name, rows_out, changes_out);
}

static enum status sqlite_exec_text(void *conn, const char *sql, const struct sql_value *args, size_t argc,
                                    void **rows_out)
{
    struct sqlite_conn *c = conn;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        return map_rc(c->db, rc, "statement");
    }
    enum status st = bind_all(c->db, stmt, args, argc);
    if (st != STATUS_OK) {
        sqlite3_finalize(stmt);
        return st;
    }
    return run(c, stmt, true, "statement", rows_out, NULL);
}

static enum status sqlite_rows_next(void *rows)
{
    struct sqlite_rows *r = rows;
    int rc;
    if (!r->first_done) {
        r->first_done = true;
        rc = r->first_rc;
    } else {
        rc = sqlite3_step(r->stmt);
    }
    if (rc == SQLITE_ROW) {
        return STATUS_OK;
    }
    if (rc == SQLITE_DONE) {
        /* Stay at the end: stepping a finished statement again would run it again. */
        r->first_done = false;
        r->first_rc = SQLITE_DONE;
        return STATUS_DONE;
    }
    return map_rc(r->conn->db, rc, "step");
}

static size_t sqlite_rows_columns(void *rows)
{
    return (size_t)sqlite3_column_count(((struct sqlite_rows *)rows)->stmt);
}

static const char *sqlite_rows_name(void *rows, size_t col)
{
    return sqlite3_column_name(((struct sqlite_rows *)rows)->stmt, (int)col);
}

static enum sql_type sqlite_rows_type(void *rows, size_t col)
{
    switch (sqlite3_column_type(((struct sqlite_rows *)rows)->stmt, (int)col)) {
    case SQLITE_INTEGER: return SQL_I64;
    case SQLITE_FLOAT: return SQL_F64;
    case SQLITE_TEXT: return SQL_TEXT;
    case SQLITE_BLOB: return SQL_BLOB;
    default: return SQL_NULL;
    }
}

static int64_t sqlite_rows_i64(void *rows, size_t col)
{
    return sqlite3_column_int64(((struct sqlite_rows *)rows)->stmt, (int)col);
}

static double sqlite_rows_f64(void *rows, size_t col)
{
    return sqlite3_column_double(((struct sqlite_rows *)rows)->stmt, (int)col);
}

static const char *sqlite_rows_text(void *rows, size_t col)
{
    return (const char *)sqlite3_column_text(((struct sqlite_rows *)rows)->stmt, (int)col);
}

static const uint8_t *sqlite_rows_blob(void *rows, size_t col, size_t *len_out)
{
    sqlite3_stmt *stmt = ((struct sqlite_rows *)rows)->stmt;
    const uint8_t *p = sqlite3_column_blob(stmt, (int)col);
    *len_out = (size_t)sqlite3_column_bytes(stmt, (int)col);
    return p;
}

static void sqlite_rows_free(void *rows)
{
    struct sqlite_rows *r = rows;
    if (r->owned) {
        sqlite3_finalize(r->stmt);
    } else {
        sqlite3_reset(r->stmt);
        sqlite3_clear_bindings(r->stmt);
    }
    free(r);
}

const struct store_driver store_driver_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .exec_script = sqlite_exec_script,
    .exec = sqlite_exec,
    .rows_next = sqlite_rows_next,
    .rows_columns = sqlite_rows_columns,
    .rows_name = sqlite_rows_name,
    .rows_type = sqlite_rows_type,
    .rows_i64 = sqlite_rows_i64,
    .rows_f64 = sqlite_rows_f64,
    .rows_text = sqlite_rows_text,
    .rows_blob = sqlite_rows_blob,
    .rows_free = sqlite_rows_free,
    .exec_text = sqlite_exec_text,
};
