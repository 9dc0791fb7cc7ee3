/* store_pg: the PostgreSQL driver (libpq). One connection per struct store, set up with
 * application_name, UTC and a statement timeout; catalogue statements prepared lazily per
 * connection as "s<id>"; parameters sent as text (numbers, text) or binary (bytea); results read
 * in text format from one PGresult. SQLSTATEs map to enum status in one table here and nowhere
 * else, and error messages never carry parameter values or the connection password. */
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/limits.h"
#include "util/mem.h"

/* PostgreSQL type oids (pg_type.h is a server header). */
enum {
    PG_OID_BOOL = 16,
    PG_OID_BYTEA = 17,
    PG_OID_INT8 = 20,
    PG_OID_INT2 = 21,
    PG_OID_INT4 = 23,
    PG_OID_TEXT = 25,
    PG_OID_FLOAT4 = 700,
    PG_OID_FLOAT8 = 701,
    PG_OID_NUMERIC = 1700,
};

#define PG_CONNECT_TIMEOUT_S "10"
#define PG_SESSION_SETUP                                                                                               \
    "SET application_name = 'ctis'; SET TimeZone = 'UTC'; SET statement_timeout = '60s'; "                             \
    "SET client_encoding = 'UTF8'"
#define PG_PRIMARY_BYTES_MAX 160 /* the part of a server message we repeat */

struct pg_conn {
    PGconn *pg;
    bool tx_lost; /* the connection dropped inside a transaction */
    bool prepared[STMT__COUNT];
    int nparams[STMT__COUNT];
    Oid ptypes[STMT__COUNT][DB_PARAMS_MAX]; /* as prepared; 0 = inferred by the server */
};

struct pg_rows {
    PGresult *res;
    int nrows;
    int ncols;
    int cur;              /* -1 before the first row */
    enum sql_type *types; /* per column, from PQftype */
    bool *is_bool;
    uint8_t **blob; /* per column: decoded bytea of the current row (NUL-terminated) */
    size_t *blob_len;
};

/* Parameters converted for libpq: numbers and text as NUL-terminated text, blobs binary. */
struct pg_params {
    int n;
    Oid types[DB_PARAMS_MAX];
    const char *values[DB_PARAMS_MAX];
    int lengths[DB_PARAMS_MAX];
    int formats[DB_PARAMS_MAX];
    char nums[DB_PARAMS_MAX][40];
    char *owned[DB_PARAMS_MAX];
};

/* SQLSTATE (or class prefix) -> status, first match wins. Class 22 messages quote the offending
 * value ("invalid input syntax for type bigint: ..."), so only the description is kept for it. */
static const struct {
    const char *prefix;
    enum status st;
    bool show_primary;
    const char *what;
} pg_errors[] = {
    {"40001", STATUS_BUSY, true, "serialization failure"},
    {"40P01", STATUS_BUSY, true, "deadlock"},
    {"55P03", STATUS_BUSY, true, "lock not available"},
    {"57014", STATUS_UNAVAILABLE, true, "statement timeout"},
    {"57P", STATUS_UNAVAILABLE, true, "server shutting down"},
    {"53300", STATUS_UNAVAILABLE, true, "too many connections"},
    {"08P01", STATUS_INVALID, true, "protocol violation"}, /* e.g. wrong parameter count */
    {"08", STATUS_UNAVAILABLE, true, "connection failure"},
    {"23", STATUS_CONFLICT, true, "constraint violation"},
    {"22", STATUS_INVALID, false, "invalid data"},
    {"", STATUS_IO, true, "database error"},
};

static void pg_notice_ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The first line of a server message, cut before any DETAIL, bounded. */
static void pg_primary_clean(char *out, size_t cap, const char *msg)
{
    size_t o = 0;
    for (size_t i = 0; msg != NULL && msg[i] != '\0' && o + 1 < cap; i++) {
        if (msg[i] == '\n' || msg[i] == '\r' || strncmp(msg + i, "DETAIL", 6) == 0) {
            break;
        }
        out[o++] = msg[i] == '\t' ? ' ' : msg[i];
    }
    while (o > 0 && out[o - 1] == ' ') {
        o--;
    }
    out[o] = '\0';
}

/* Maps a failed result (res may be NULL) to a status with a one-line message naming what ran. */
static enum status pg_error(struct pg_conn *c, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    char primary[PG_PRIMARY_BYTES_MAX];
    if (state == NULL) {
        /* A client-side failure: libpq's own text names no values. */
        pg_primary_clean(primary, sizeof primary, PQerrorMessage(c->pg));
        if (PQstatus(c->pg) != CONNECTION_OK) {
            return err_set(STATUS_UNAVAILABLE, "%s: connection to PostgreSQL lost: %s", what, primary);
        }
        return err_set(STATUS_IO, "%s: %s", what, primary[0] ? primary : "PostgreSQL error");
    }
    size_t i = 0;
    while (strncmp(state, pg_errors[i].prefix, strlen(pg_errors[i].prefix)) != 0) {
        i++;
    }
    if (pg_errors[i].show_primary) {
        pg_primary_clean(primary, sizeof primary, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    } else {
        snprintf(primary, sizeof primary, "%s", pg_errors[i].what);
    }
    return err_set(pg_errors[i].st, "%s: %s (SQLSTATE %s)", what, primary[0] ? primary : pg_errors[i].what, state);
}

/* Replaces every occurrence of secret (len n > 0) in msg by "***". */
static void pg_redact(char *msg, size_t cap, const char *secret, size_t n)
{
    if (n == 0) {
        return;
    }
    char *p;
    while ((p = memmem(msg, strlen(msg), secret, n)) != NULL) {
        size_t tail = strlen(p + n);
        if ((size_t)(p - msg) + 3 + tail + 1 > cap) {
            *p = '\0';
            return;
        }
        memmove(p + 3, p + n, tail + 1);
        memcpy(p, "***", 3);
    }
}

/* A connection failure message without the password, whether libpq echoed it decoded or raw. */
static void pg_connect_message(char *out, size_t cap, PGconn *pg, const char *url)
{
    /* Only the first line: libpq adds "\tIs the server running..." on a second. */
    pg_primary_clean(out, cap, pg ? PQerrorMessage(pg) : "out of memory");
    const char *scheme = strstr(url, "://");
    const char *at = strrchr(url, '@');
    if (scheme != NULL && at != NULL) {
        const char *colon = memchr(scheme + 3, ':', (size_t)(at - (scheme + 3)));
        if (colon != NULL) {
            pg_redact(out, cap, colon + 1, (size_t)(at - colon - 1));
        }
    }
    const char *pw = strstr(url, "password=");
    if (pw != NULL) {
        pw += 9;
        pg_redact(out, cap, pw, strcspn(pw, "& "));
    }
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++) {
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL) {
            pg_redact(out, cap, o->val, strlen(o->val));
        }
    }
    PQconninfoFree(opts);
    PQfreemem(err);
}

static enum status pg_session_setup(struct pg_conn *c)
{
    PQsetNoticeProcessor(c->pg, pg_notice_ignore, NULL);
    PGresult *res = PQexec(c->pg, PG_SESSION_SETUP);
    enum status st = STATUS_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        st = pg_error(c, res, "session setup");
    }
    PQclear(res);
    return st;
}

/* Reconnects (once) after the connection dropped outside a transaction. */
static enum status pg_reset(struct pg_conn *c)
{
    memset(c->prepared, 0, sizeof c->prepared);
    c->tx_lost = false;
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char msg[ERR_MESSAGE_BYTES_MAX];
        pg_primary_clean(msg, sizeof msg, PQerrorMessage(c->pg));
        return err_set(STATUS_UNAVAILABLE, "cannot reconnect to PostgreSQL: %s", msg);
    }
    return pg_session_setup(c);
}

/* Before an operation: a connection already known dead is reset when no transaction was open
 * on it; *idle_out says whether the operation may be repeated after a drop. */
static enum status pg_ready(struct pg_conn *c, bool *idle_out)
{
    *idle_out = false;
    if (c->tx_lost) {
        return err_set(STATUS_UNAVAILABLE, "connection to PostgreSQL lost inside a transaction");
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        enum status st = pg_reset(c);
        if (st != STATUS_OK) {
            return st;
        }
    }
    *idle_out = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    return STATUS_OK;
}

/* After a failed operation: true when the connection dropped and was re-established, so that
 * an operation that is safe to repeat may run once more. */
static bool pg_recover(struct pg_conn *c, bool was_idle)
{
    if (PQstatus(c->pg) == CONNECTION_OK) {
        return false;
    }
    if (!was_idle) {
        c->tx_lost = true;
        return false;
    }
    return pg_reset(c) == STATUS_OK;
}

static enum status pg_open(void **out, const char *target)
{
    *out = NULL;
    enum status st = STATUS_OK;
    char *url = NULL;
    struct pg_conn *c = xcalloc(1, sizeof *c);
    if (strstr(target, "://") != NULL || strchr(target, '=') != NULL) {
        url = xstrdup(target);
    } else {
        url = xasprintf("postgresql://%s", target);
    }
    /* connect_timeout comes first so that one given in the URL wins. */
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {PG_CONNECT_TIMEOUT_S, url, NULL};
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
        char msg[ERR_MESSAGE_BYTES_MAX];
        pg_connect_message(msg, sizeof msg, c->pg, url);
        st = err_set(STATUS_UNAVAILABLE, "cannot connect to PostgreSQL: %s", msg);
        goto out;
    }
    st = pg_session_setup(c);
    if (st != STATUS_OK) {
        goto out;
    }
    *out = c;
    c = NULL;
out:
    if (c != NULL) {
        PQfinish(c->pg);
        free(c);
    }
    free(url);
    return st;
}

static void pg_close(void *conn)
{
    struct pg_conn *c = conn;
    PQfinish(c->pg);
    free(c);
}

static void pg_params_free(struct pg_params *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->owned[i]);
        p->owned[i] = NULL;
    }
}

/* Converts bound values; types are the natural oid of each value (0 for NULL: inferred). */
static enum status pg_params_make(struct pg_params *p, const struct sql_value *args, size_t argc)
{
    memset(p, 0, sizeof *p);
    if (argc > DB_PARAMS_MAX) {
        return err_set(STATUS_INVALID, "more than %d parameters", DB_PARAMS_MAX);
    }
    p->n = (int)argc;
    for (size_t i = 0; i < argc; i++) {
        const struct sql_value *v = &args[i];
        switch (v->type) {
        case SQL_NULL:
            p->types[i] = 0;
            p->values[i] = NULL;
            break;
        case SQL_I64:
            p->types[i] = PG_OID_INT8;
            snprintf(p->nums[i], sizeof p->nums[i], "%lld", (long long)v->u.i64);
            p->values[i] = p->nums[i];
            break;
        case SQL_F64:
            p->types[i] = PG_OID_FLOAT8;
            if (isnan(v->u.f64)) {
                snprintf(p->nums[i], sizeof p->nums[i], "NaN");
            } else if (isinf(v->u.f64)) {
                snprintf(p->nums[i], sizeof p->nums[i], "%sInfinity", v->u.f64 < 0 ? "-" : "");
            } else {
                snprintf(p->nums[i], sizeof p->nums[i], "%.17g", v->u.f64);
            }
            p->values[i] = p->nums[i];
            break;
        case SQL_TEXT: {
            const char *t = v->u.text.ptr ? v->u.text.ptr : "";
            size_t n = v->u.text.ptr ? v->u.text.len : 0;
            if (n > INT_MAX) {
                return err_set(STATUS_TOO_LARGE, "parameter %zu is too long", i + 1);
            }
            if (memchr(t, '\0', n) != NULL) {
                return err_set(STATUS_INVALID, "parameter %zu: text holds a NUL byte", i + 1);
            }
            p->types[i] = PG_OID_TEXT;
            p->owned[i] = xstrndup(t, n);
            p->values[i] = p->owned[i];
            break;
        }
        case SQL_BLOB:
            if (v->u.blob.len > INT_MAX) {
                return err_set(STATUS_TOO_LARGE, "parameter %zu is too long", i + 1);
            }
            p->types[i] = PG_OID_BYTEA;
            p->values[i] = v->u.blob.ptr ? (const char *)v->u.blob.ptr : "";
            p->lengths[i] = v->u.blob.ptr ? (int)v->u.blob.len : 0;
            p->formats[i] = 1;
            break;
        default: return err_set(STATUS_INVALID, "parameter %zu has an unknown type", i + 1);
        }
    }
    return STATUS_OK;
}

static enum sql_type pg_type_map(Oid oid)
{
    switch (oid) {
    case PG_OID_BOOL:
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8: return SQL_I64;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
    case PG_OID_NUMERIC: return SQL_F64;
    case PG_OID_BYTEA: return SQL_BLOB;
    default: return SQL_TEXT;
    }
}

/* Takes res: a successful result becomes a row cursor (or is discarded), a failure a status. */
static enum status pg_result(struct pg_conn *c, PGresult *res, const char *what, void **rows_out, int64_t *changes_out)
{
    ExecStatusType rs = PQresultStatus(res);
    if (res == NULL || (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && rs != PGRES_EMPTY_QUERY)) {
        enum status st = pg_error(c, res, what);
        PQclear(res);
        return st;
    }
    if (changes_out != NULL) {
        const char *n = PQcmdTuples(res);
        *changes_out = n[0] ? strtoll(n, NULL, 10) : 0;
    }
    if (rows_out == NULL) {
        PQclear(res);
        return STATUS_OK;
    }
    struct pg_rows *r = xcalloc(1, sizeof *r);
    r->res = res;
    r->nrows = PQntuples(res);
    r->ncols = PQnfields(res);
    r->cur = -1;
    size_t nc = r->ncols > 0 ? (size_t)r->ncols : 1;
    r->types = xcalloc(nc, sizeof *r->types);
    r->is_bool = xcalloc(nc, sizeof *r->is_bool);
    r->blob = xcalloc(nc, sizeof *r->blob);
    r->blob_len = xcalloc(nc, sizeof *r->blob_len);
    for (int i = 0; i < r->ncols; i++) {
        r->types[i] = pg_type_map(PQftype(res, i));
        r->is_bool[i] = PQftype(res, i) == PG_OID_BOOL;
    }
    *rows_out = r;
    return STATUS_OK;
}

/* "COMMIT" of a transaction that failed earlier answers "ROLLBACK" with no error. */
static bool pg_commit_rolled_back(const char *sql, PGresult *res)
{
    return strcmp(sql, "COMMIT") == 0 && PQresultStatus(res) == PGRES_COMMAND_OK &&
           strcmp(PQcmdStatus(res), "ROLLBACK") == 0;
}

static enum status pg_exec_script(void *conn, const char *sql)
{
    struct pg_conn *c = conn;
    bool is_rollback = strcmp(sql, "ROLLBACK") == 0;
    if (c->tx_lost && (is_rollback || strcmp(sql, "COMMIT") == 0)) {
        /* The transaction died with the connection: the next operation reconnects. */
        c->tx_lost = false;
        if (is_rollback) {
            return STATUS_OK;
        }
        return err_set(STATUS_UNAVAILABLE, "connection to PostgreSQL lost; transaction rolled back");
    }
    bool idle;
    enum status st = pg_ready(c, &idle);
    if (st != STATUS_OK) {
        return st;
    }
    for (int attempt = 0;; attempt++) {
        PGresult *res = PQexec(c->pg, sql);
        if (pg_commit_rolled_back(sql, res)) {
            PQclear(res);
            return err_set(STATUS_IO, "COMMIT: transaction was rolled back after an earlier error");
        }
        st = pg_result(c, res, "script", NULL, NULL);
        /* Only BEGIN is repeated after a reconnect: other scripts may have run in part. */
        if (st == STATUS_OK || attempt > 0 || !pg_recover(c, idle) || strncmp(sql, "BEGIN", 5) != 0) {
            break;
        }
    }
    return st;
}

static enum status pg_prepare(struct pg_conn *c, enum stmt id, const char *sql, const struct pg_params *p)
{
    char name[32];
    snprintf(name, sizeof name, "s%d", (int)id);
    if (c->prepared[id]) {
        bool same = c->nparams[id] == p->n;
        for (int i = 0; same && i < p->n; i++) {
            same = c->ptypes[id][i] == 0 || p->types[i] == 0 || c->ptypes[id][i] == p->types[i];
        }
        if (same) {
            return STATUS_OK;
        }
        /* Called with other types than at the first call: prepare again with these. */
        char dealloc[48];
        snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", name);
        PGresult *res = PQexec(c->pg, dealloc);
        enum status st = pg_result(c, res, store_catalog[id].name, NULL, NULL);
        if (st != STATUS_OK) {
            return st;
        }
        c->prepared[id] = false;
    }
    PGresult *res = PQprepare(c->pg, name, sql, p->n, p->types);
    enum status st = pg_result(c, res, store_catalog[id].name, NULL, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    c->prepared[id] = true;
    c->nparams[id] = p->n;
    memcpy(c->ptypes[id], p->types, sizeof c->ptypes[id]);
    return STATUS_OK;
}

/* True for statements that change nothing, which may run again after a reconnect. */
static bool pg_sql_reads_only(const char *sql)
{
    return strncmp(sql, "SELECT", 6) == 0 && strstr(sql, "FOR UPDATE") == NULL;
}

static enum status pg_exec(void *conn, enum stmt id, const char *sql, const struct sql_value *args, size_t argc,
                           void **rows_out, int64_t *changes_out)
{
    struct pg_conn *c = conn;
    ASSERT(id < STMT__COUNT);
    if (rows_out != NULL) {
        *rows_out = NULL;
    }
    struct pg_params p;
    enum status st = pg_params_make(&p, args, argc);
    if (st != STATUS_OK) {
        goto out;
    }
    bool idle;
    st = pg_ready(c, &idle);
    if (st != STATUS_OK) {
        goto out;
    }
    char name[32];
    snprintf(name, sizeof name, "s%d", (int)id);
    for (int attempt = 0;; attempt++) {
        st = pg_prepare(c, id, sql, &p);
        if (st == STATUS_OK) {
            PGresult *res = PQexecPrepared(c->pg, name, p.n, p.values, p.lengths, p.formats, 0);
            st = pg_result(c, res, store_catalog[id].name, rows_out, changes_out);
        }
        if (st == STATUS_OK || attempt > 0 || !pg_recover(c, idle) || !pg_sql_reads_only(sql)) {
            break;
        }
    }
out:
    pg_params_free(&p);
    return st;
}

static enum status pg_exec_text(void *conn, const char *sql, const struct sql_value *args, size_t argc, void **rows_out)
{
    struct pg_conn *c = conn;
    if (rows_out != NULL) {
        *rows_out = NULL;
    }
    struct pg_params p;
    enum status st = pg_params_make(&p, args, argc);
    if (st != STATUS_OK) {
        goto out;
    }
    bool idle;
    st = pg_ready(c, &idle);
    if (st != STATUS_OK) {
        goto out;
    }
    PGresult *res = PQexecParams(c->pg, sql, p.n, p.types, p.values, p.lengths, p.formats, 0);
    st = pg_result(c, res, "statement", rows_out, NULL);
    if (st != STATUS_OK) {
        pg_recover(c, idle);
    }
out:
    pg_params_free(&p);
    return st;
}

static void pg_rows_clear_row(struct pg_rows *r)
{
    for (int i = 0; i < r->ncols; i++) {
        free(r->blob[i]);
        r->blob[i] = NULL;
        r->blob_len[i] = 0;
    }
}

static enum status pg_rows_next(void *rows)
{
    struct pg_rows *r = rows;
    pg_rows_clear_row(r);
    if (r->cur < r->nrows) {
        r->cur++;
    }
    return r->cur < r->nrows ? STATUS_OK : STATUS_DONE;
}

static size_t pg_rows_columns(void *rows)
{
    return (size_t)((struct pg_rows *)rows)->ncols;
}

static const char *pg_rows_name(void *rows, size_t col)
{
    struct pg_rows *r = rows;
    ASSERT(col < (size_t)r->ncols);
    return PQfname(r->res, (int)col);
}

static bool pg_rows_null(const struct pg_rows *r, size_t col)
{
    ASSERT(r->cur >= 0 && r->cur < r->nrows && col < (size_t)r->ncols);
    return PQgetisnull(r->res, r->cur, (int)col) != 0;
}

static enum sql_type pg_rows_type(void *rows, size_t col)
{
    struct pg_rows *r = rows;
    return pg_rows_null(r, col) ? SQL_NULL : r->types[col];
}

static int64_t pg_rows_i64(void *rows, size_t col)
{
    struct pg_rows *r = rows;
    if (pg_rows_null(r, col)) {
        return 0;
    }
    const char *v = PQgetvalue(r->res, r->cur, (int)col);
    if (r->is_bool[col]) {
        return v[0] == 't';
    }
    if (r->types[col] == SQL_F64) {
        return (int64_t)strtod(v, NULL);
    }
    return strtoll(v, NULL, 10);
}

static double pg_rows_f64(void *rows, size_t col)
{
    struct pg_rows *r = rows;
    if (pg_rows_null(r, col)) {
        return 0.0;
    }
    if (r->is_bool[col]) {
        return (double)pg_rows_i64(rows, col);
    }
    return strtod(PQgetvalue(r->res, r->cur, (int)col), NULL);
}

/* Decodes the bytea of the current row once into memory the cursor owns. */
static const uint8_t *pg_rows_bytea(struct pg_rows *r, size_t col, size_t *len_out)
{
    if (r->blob[col] == NULL) {
        size_t n = 0;
        unsigned char *d = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->cur, (int)col), &n);
        ASSERT(d != NULL);
        r->blob[col] = xmalloc(n + 1);
        memcpy(r->blob[col], d, n);
        r->blob[col][n] = 0;
        r->blob_len[col] = n;
        PQfreemem(d);
    }
    *len_out = r->blob_len[col];
    return r->blob[col];
}

static const char *pg_rows_text(void *rows, size_t col)
{
    struct pg_rows *r = rows;
    if (pg_rows_null(r, col)) {
        return NULL;
    }
    if (r->types[col] == SQL_BLOB) {
        size_t n;
        return (const char *)pg_rows_bytea(r, col, &n);
    }
    return PQgetvalue(r->res, r->cur, (int)col);
}

static const uint8_t *pg_rows_blob(void *rows, size_t col, size_t *len_out)
{
    struct pg_rows *r = rows;
    *len_out = 0;
    if (pg_rows_null(r, col)) {
        return NULL;
    }
    if (r->types[col] == SQL_BLOB) {
        return pg_rows_bytea(r, col, len_out);
    }
    *len_out = (size_t)PQgetlength(r->res, r->cur, (int)col);
    return (const uint8_t *)PQgetvalue(r->res, r->cur, (int)col);
}

static void pg_rows_free(void *rows)
{
    struct pg_rows *r = rows;
    pg_rows_clear_row(r);
    PQclear(r->res);
    free(r->types);
    free(r->is_bool);
    free(r->blob);
    free(r->blob_len);
    free(r);
}

const struct store_driver store_driver_pg = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec_script = pg_exec_script,
    .exec = pg_exec,
    .rows_next = pg_rows_next,
    .rows_columns = pg_rows_columns,
    .rows_name = pg_rows_name,
    .rows_type = pg_rows_type,
    .rows_i64 = pg_rows_i64,
    .rows_f64 = pg_rows_f64,
    .rows_text = pg_rows_text,
    .rows_blob = pg_rows_blob,
    .rows_free = pg_rows_free,
    .exec_text = pg_exec_text,
};
