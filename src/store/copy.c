/* copy: whole-database copy between engines, and the portable backup file with its verification
 * and restore. Both walk store_tables (catalog.c) in order, so every table name and ordering
 * comes from that static registry; column names come from the databases or the backup file and
 * are checked to be plain identifiers and to match the target's columns before use.
 *
 * Integrity: each row is serialised canonically (per value a type tag, an 8-byte length and the
 * bytes, integers as decimal text, reals as %.17g) and hashed with FNV-1a-64; a table's checksum
 * is the sum (mod 2^64) of its mixed row hashes, so it does not depend on the row order (text
 * collation differs between the engines). Copy and restore check the count and checksum of every
 * table on the target inside the writing transaction, before COMMIT.
 *
 * Backup file (ctis-backup-v1): UTF-8 text, one JSON object per line, each line ending in \n:
 *   {"format":"ctis-backup-v1","schema_version":N,"created_at_ms":T,"dialect":"sqlite|postgres"}
 *   per table: {"table":NAME,"columns":[...]}, rows {"r":[values]}, {"end":NAME,"rows":N,"fnv":HEX}
 *   {"trailer":true,"tables":K,"fnv_file":HEX}  (FNV-1a-64 of every byte before this line)
 * Values: null, JSON integers, JSON reals, strings for text and {"b64":base64url} for blobs.
 * schema_migrations rows are written for reference; restore checks them against the target's
 * (already migrated) rows instead of inserting them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

#define BACKUP_FORMAT "ctis-backup-v1"
#define COPY_SQL_BYTES_MAX 8192 /* one generated SELECT or INSERT */
#define COPY_IDENT_BYTES_MAX 63 /* PostgreSQL's identifier limit */
#define COPY_CURSOR "ctis_copy_cursor"
#define MIGRATIONS_TABLE "schema_migrations"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* ---- checksums ---- */

static uint64_t fnv_update(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* splitmix64's finaliser: spreads a row hash before it is summed into the table checksum. */
static uint64_t hash_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t value_hash(uint64_t h, const struct sql_value *v)
{
    char num[40];
    const void *data = NULL;
    size_t len = 0;
    uint8_t tag;
    switch (v->type) {
    case SQL_I64:
        tag = 'I';
        len = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->u.i64);
        data = num;
        break;
    case SQL_F64:
        tag = 'F';
        len = (size_t)snprintf(num, sizeof num, "%.17g", v->u.f64);
        data = num;
        break;
    case SQL_TEXT:
        tag = 'T';
        data = v->u.text.ptr;
        len = v->u.text.len;
        break;
    case SQL_BLOB:
        tag = 'B';
        data = v->u.blob.ptr;
        len = v->u.blob.len;
        break;
    default: tag = 'N'; break;
    }
    uint8_t lenb[8];
    for (int i = 0; i < 8; i++) {
        lenb[i] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    h = fnv_update(h, &tag, 1);
    h = fnv_update(h, lenb, sizeof lenb);
    return len > 0 ? fnv_update(h, data, len) : h;
}

static uint64_t row_hash(const struct sql_value *vals, size_t n)
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        h = value_hash(h, &vals[i]);
    }
    return hash_mix(h);
}

/* ---- columns and generated SQL ---- */

struct collist {
    size_t n;
    char *names[DB_PARAMS_MAX];
};

static void collist_free(struct collist *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->names[i]);
    }
    c->n = 0;
}

/* A column name we put into SQL: lower-case letters, digits and underscores only. */
static bool ident_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > COPY_IDENT_BYTES_MAX || (s[0] >= '0' && s[0] <= '9')) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
            return false;
        }
    }
    return true;
}

static enum status collist_add(struct collist *c, const char *table, const char *name)
{
    if (c->n >= DB_PARAMS_MAX) {
        return err_set(STATUS_TOO_LARGE, "table %s has more than %d columns", table, DB_PARAMS_MAX);
    }
    if (!ident_ok(name)) {
        return err_set(STATUS_INVALID, "table %s: column %zu has an unusable name", table, c->n + 1);
    }
    c->names[c->n++] = xstrdup(name);
    return STATUS_OK;
}

static enum status collist_from_rows(struct collist *c, const char *table, const struct store_rows *r)
{
    enum status st = STATUS_OK;
    size_t n = store_rows_columns(r);
    for (size_t i = 0; i < n && st == STATUS_OK; i++) {
        st = collist_add(c, table, store_rows_name(r, i));
    }
    return st;
}

static bool collist_equal(const struct collist *a, const struct collist *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->names[i], b->names[i]) != 0) {
            return false;
        }
    }
    return true;
}

/* The columns of a table in the database, in their defined order. */
static enum status table_columns(struct store *s, const struct store_table *t, struct collist *out)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 0", t->name);
    struct store_rows *r = NULL;
    enum status st = store__exec_text(s, sql, NULL, 0, &r);
    if (st == STATUS_OK) {
        st = collist_from_rows(out, t->name, r);
    }
    store_rows_free(r);
    return st;
}

static enum status sql_select(struct buf *b, const struct store_table *t, const struct collist *c)
{
    enum status st = buf_puts(b, "SELECT ");
    for (size_t i = 0; i < c->n && st == STATUS_OK; i++) {
        st = buf_printf(b, "%s\"%s\"", i ? ", " : "", c->names[i]);
    }
    if (st == STATUS_OK) {
        st = buf_printf(b, " FROM %s ORDER BY %s", t->name, t->order_by);
    }
    return st;
}

static enum status sql_insert(struct buf *b, enum store_dialect d, const struct store_table *t, const struct collist *c)
{
    enum status st = buf_printf(b, "INSERT INTO %s (", t->name);
    for (size_t i = 0; i < c->n && st == STATUS_OK; i++) {
        st = buf_printf(b, "%s\"%s\"", i ? ", " : "", c->names[i]);
    }
    if (st == STATUS_OK) {
        st = buf_puts(b, ") VALUES (");
    }
    for (size_t i = 0; i < c->n && st == STATUS_OK; i++) {
        st = buf_printf(b, "%s%c%zu", i ? ", " : "", d == STORE_POSTGRES ? '$' : '?', i + 1);
    }
    if (st == STATUS_OK) {
        st = buf_puts(b, ")");
    }
    return st;
}

/* The values of the current row, borrowed from the cursor until its next row. */
static void row_values(struct store_rows *r, size_t n, struct sql_value *out)
{
    for (size_t i = 0; i < n; i++) {
        switch (store_rows_type(r, i)) {
        case SQL_I64: out[i] = SQLV_I64(store_rows_i64(r, i)); break;
        case SQL_F64: out[i] = SQLV_F64(store_rows_f64(r, i)); break;
        case SQL_TEXT: {
            const char *t = store_rows_text(r, i);
            out[i] = SQLV_TEXTN(t, strlen(t));
            break;
        }
        case SQL_BLOB: {
            size_t len = 0;
            const uint8_t *p = store_rows_blob(r, i, &len);
            out[i] = SQLV_BLOB(p, len);
            break;
        }
        default: out[i] = SQLV_NULL; break;
        }
    }
}

/* ---- reading a table: one query on SQLite, a cursor fetched in batches on PostgreSQL ---- */

struct reader {
    struct store *s;
    bool cursor;
    struct store_rows *rows;
    size_t batch_rows;
};

static enum status reader_fetch(struct reader *rd)
{
    store_rows_free(rd->rows);
    rd->rows = NULL;
    rd->batch_rows = 0;
    char sql[64];
    snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM " COPY_CURSOR, DB_COPY_BATCH_ROWS);
    return store__exec_text(rd->s, sql, NULL, 0, &rd->rows);
}

static enum status reader_open(struct reader *rd, struct store *s, const char *select_sql)
{
    memset(rd, 0, sizeof *rd);
    rd->s = s;
    if (store_dialect_of(s) != STORE_POSTGRES) {
        return store__exec_text(s, select_sql, NULL, 0, &rd->rows);
    }
    char *sql = xasprintf("DECLARE " COPY_CURSOR " NO SCROLL CURSOR FOR %s", select_sql);
    enum status st = store__exec_text(s, sql, NULL, 0, NULL);
    free(sql);
    if (st != STATUS_OK) {
        return st;
    }
    rd->cursor = true;
    return reader_fetch(rd);
}

/* STATUS_OK with a row in rd->rows, STATUS_DONE at the end, or an error. */
static enum status reader_next(struct reader *rd)
{
    for (;;) {
        enum status st = store_rows_next(rd->rows);
        if (st == STATUS_OK) {
            rd->batch_rows++;
            return STATUS_OK;
        }
        if (st != STATUS_DONE || !rd->cursor || rd->batch_rows < DB_COPY_BATCH_ROWS) {
            return st;
        }
        st = reader_fetch(rd);
        if (st != STATUS_OK) {
            return st;
        }
    }
}

static enum status reader_close(struct reader *rd)
{
    enum status st = STATUS_OK;
    store_rows_free(rd->rows);
    rd->rows = NULL;
    if (rd->cursor) {
        rd->cursor = false;
        st = store__exec_text(rd->s, "CLOSE " COPY_CURSOR, NULL, 0, NULL);
    }
    return st;
}

/* Counts and checksums a table as the database holds it, columns in the given order. */
static enum status table_sum(struct store *s, const struct store_table *t, const struct collist *c, int64_t *rows_out,
                             uint64_t *sum_out)
{
    *rows_out = 0;
    *sum_out = 0;
    struct buf sql = BUF_INIT(COPY_SQL_BYTES_MAX);
    struct reader rd = {0};
    struct sql_value vals[DB_PARAMS_MAX];
    enum status st = sql_select(&sql, t, c);
    if (st == STATUS_OK) {
        st = reader_open(&rd, s, buf_str(&sql));
    }
    while (st == STATUS_OK && (st = reader_next(&rd)) == STATUS_OK) {
        if (store_rows_columns(rd.rows) != c->n) {
            st = err_set(STATUS_IO, "table %s: unexpected column count", t->name);
            break;
        }
        row_values(rd.rows, c->n, vals);
        *sum_out += row_hash(vals, c->n);
        (*rows_out)++;
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    enum status cst = reader_close(&rd);
    if (st == STATUS_OK) {
        st = cst;
    }
    buf_free(&sql);
    return st;
}

/* ---- preconditions ---- */

/* Makes a read transaction a snapshot: PostgreSQL's default READ COMMITTED gives each statement
 * its own; SQLite's deferred BEGIN already reads one snapshot. */
static enum status tx_begin_snapshot(struct store *s)
{
    enum status st = store_tx_begin(s, STORE_TX_READ);
    if (st == STATUS_OK && store_dialect_of(s) == STORE_POSTGRES) {
        st = store__exec_text(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", NULL, 0, NULL);
        if (st != STATUS_OK) {
            store_tx_rollback(s);
        }
    }
    return st;
}

static enum status schema_check(struct store *s, const char *which)
{
    int64_t v = 0;
    enum status st = store_schema_version(s, &v);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t want = store_schema_version_expected();
    if (v != want) {
        return err_set(STATUS_CONFLICT, "%s database is at schema version %lld, not %lld (migrate it first)", which,
                       (long long)v, (long long)want);
    }
    return STATUS_OK;
}

/* Every table but schema_migrations must be empty. */
static enum status target_empty(struct store *s)
{
    for (size_t i = 0; i < store_tables_count; i++) {
        const struct store_table *t = &store_tables[i];
        if (strcmp(t->name, MIGRATIONS_TABLE) == 0) {
            continue;
        }
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t->name);
        struct store_rows *r = NULL;
        enum status st = store__exec_text(s, sql, NULL, 0, &r);
        if (st == STATUS_OK) {
            st = store_rows_next(r);
            if (st == STATUS_OK && store_rows_i64(r, 0) != 0) {
                st = err_set(STATUS_CONFLICT, "target database is not empty (table %s has rows)", t->name);
            } else if (st == STATUS_DONE) {
                st = err_set(STATUS_IO, "count of table %s returned no row", t->name);
            }
        }
        store_rows_free(r);
        if (st != STATUS_OK) {
            return st;
        }
    }
    return STATUS_OK;
}

/* The applied migration versions of two databases are the same list. */
static enum status migrations_equal(struct store *a, struct store *b)
{
    struct store_rows *ra = NULL, *rb = NULL;
    enum status st = store_exec(a, STMT_MIGRATION_LIST, NULL, 0, &ra);
    if (st == STATUS_OK) {
        st = store_exec(b, STMT_MIGRATION_LIST, NULL, 0, &rb);
    }
    while (st == STATUS_OK) {
        enum status sa = store_rows_next(ra), sb = store_rows_next(rb);
        if (sa < 0 || sb < 0) {
            st = sa < 0 ? sa : sb;
        } else if (sa != sb || (sa == STATUS_OK && store_rows_i64(ra, 0) != store_rows_i64(rb, 0))) {
            st = err_set(STATUS_CONFLICT, "the databases have different applied migrations");
        } else if (sa == STATUS_DONE) {
            break;
        }
    }
    store_rows_free(ra);
    store_rows_free(rb);
    return st;
}

/* ---- copy ---- */

/* Copies one table's rows, then checks the target's count and checksum against the source's. */
static enum status copy_table(struct store *from, struct store *to, const struct store_table *t,
                              store_progress_fn progress, void *ctx)
{
    struct collist cf = {0}, ct = {0};
    struct buf sel = BUF_INIT(COPY_SQL_BYTES_MAX), ins = BUF_INIT(COPY_SQL_BYTES_MAX);
    struct reader rd = {0};
    struct sql_value vals[DB_PARAMS_MAX];
    int64_t rows = 0, trows = 0;
    uint64_t sum = 0, tsum = 0;
    enum status st = table_columns(from, t, &cf);
    if (st == STATUS_OK) {
        st = table_columns(to, t, &ct);
    }
    if (st == STATUS_OK && !collist_equal(&cf, &ct)) {
        st = err_set(STATUS_CONFLICT, "table %s has different columns in the two databases", t->name);
    }
    if (st == STATUS_OK) {
        st = sql_select(&sel, t, &cf);
    }
    if (st == STATUS_OK) {
        st = sql_insert(&ins, store_dialect_of(to), t, &cf);
    }
    if (st == STATUS_OK) {
        st = reader_open(&rd, from, buf_str(&sel));
    }
    while (st == STATUS_OK && (st = reader_next(&rd)) == STATUS_OK) {
        row_values(rd.rows, cf.n, vals);
        sum += row_hash(vals, cf.n);
        st = store__exec_text(to, buf_str(&ins), vals, cf.n, NULL);
        rows++;
        if (st == STATUS_OK && progress != NULL && rows % DB_COPY_BATCH_ROWS == 0) {
            progress(t->name, rows, ctx);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    enum status cst = reader_close(&rd);
    if (st == STATUS_OK) {
        st = cst;
    }
    if (st == STATUS_OK) {
        st = table_sum(to, t, &cf, &trows, &tsum);
    }
    if (st == STATUS_OK && (trows != rows || tsum != sum)) {
        st = err_set(STATUS_IO, "copy verification failed for table %s", t->name);
    }
    if (st == STATUS_OK && progress != NULL) {
        progress(t->name, rows, ctx);
    }
    collist_free(&cf);
    collist_free(&ct);
    buf_free(&sel);
    buf_free(&ins);
    return st;
}

/* Derived indexes (store_rebuilds) rebuilt from the rows just loaded. */
static enum status rebuild_derived(struct store *s)
{
    enum status st = STATUS_OK;
    for (size_t i = 0; i < store_rebuilds_count && st == STATUS_OK; i++) {
        st = store_exec(s, store_rebuilds[i], NULL, 0, NULL);
    }
    return st;
}

enum status store_copy(struct store *from, struct store *to, store_progress_fn progress, void *ctx)
{
    ASSERT(from != to);
    ASSERT(!store_tx_active(from) && !store_tx_active(to));
    enum status st = schema_check(from, "source");
    if (st == STATUS_OK) {
        st = schema_check(to, "target");
    }
    if (st != STATUS_OK) {
        return st;
    }
    st = tx_begin_snapshot(from);
    if (st != STATUS_OK) {
        return st;
    }
    st = store_tx_begin(to, STORE_TX_WRITE);
    if (st != STATUS_OK) {
        goto out;
    }
    st = target_empty(to);
    if (st == STATUS_OK) {
        st = migrations_equal(from, to);
    }
    for (size_t i = 0; i < store_tables_count && st == STATUS_OK; i++) {
        if (strcmp(store_tables[i].name, MIGRATIONS_TABLE) != 0) {
            st = copy_table(from, to, &store_tables[i], progress, ctx);
        }
    }
    if (st == STATUS_OK) {
        st = rebuild_derived(to);
    }
    if (st == STATUS_OK) {
        st = store_tx_commit(to);
    }
out:
    if (st != STATUS_OK && store_tx_active(to)) {
        char msg[ERR_MESSAGE_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        store_tx_rollback(to);
        err_set(st, "%s", msg);
    }
    store_tx_rollback(from);
    return st;
}

/* ---- backup ---- */

struct bwriter {
    FILE *f;
    const char *path;
    uint64_t fnv;
};

/* Writes one object as one line and adds its bytes to the file checksum; takes obj. */
static enum status bw_line(struct bwriter *w, json_t *obj)
{
    enum status st = STATUS_OK;
    char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (s == NULL) {
        return err_set(STATUS_IO, "cannot encode a backup line");
    }
    size_t n = strlen(s);
    if (n + 1 > BACKUP_LINE_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "a backup line would exceed %d bytes", BACKUP_LINE_BYTES_MAX);
        goto out;
    }
    w->fnv = fnv_update(w->fnv, s, n);
    w->fnv = fnv_update(w->fnv, "\n", 1);
    if (fwrite(s, 1, n, w->f) != n || fputc('\n', w->f) == EOF) {
        st = err_set(STATUS_IO, "cannot write %s: %s", w->path, strerror(errno));
    }
out:
    free(s);
    return st;
}

static json_t *value_to_json(const struct sql_value *v)
{
    switch (v->type) {
    case SQL_I64: return json_integer((json_int_t)v->u.i64);
    case SQL_F64: return json_real(v->u.f64);                         /* NULL for NaN and infinities */
    case SQL_TEXT: return json_stringn(v->u.text.ptr, v->u.text.len); /* NULL unless UTF-8 */
    case SQL_BLOB: {
        char *b = util_b64url_encode(v->u.blob.ptr ? v->u.blob.ptr : (const uint8_t *)"", v->u.blob.len);
        json_t *o = json_pack("{s:s}", "b64", b);
        free(b);
        return o;
    }
    default: return json_null();
    }
}

static enum status backup_table(struct store *s, struct bwriter *w, const struct store_table *t,
                                store_progress_fn progress, void *ctx)
{
    struct collist c = {0};
    struct buf sel = BUF_INIT(COPY_SQL_BYTES_MAX);
    struct reader rd = {0};
    struct sql_value vals[DB_PARAMS_MAX];
    int64_t rows = 0;
    uint64_t sum = 0;
    enum status st = table_columns(s, t, &c);
    if (st == STATUS_OK) {
        st = sql_select(&sel, t, &c);
    }
    if (st == STATUS_OK) {
        json_t *cols = json_array();
        for (size_t i = 0; i < c.n; i++) {
            json_array_append_new(cols, json_string(c.names[i]));
        }
        st = bw_line(w, json_pack("{s:s,s:o}", "table", t->name, "columns", cols));
    }
    if (st == STATUS_OK) {
        st = reader_open(&rd, s, buf_str(&sel));
    }
    while (st == STATUS_OK && (st = reader_next(&rd)) == STATUS_OK) {
        row_values(rd.rows, c.n, vals);
        sum += row_hash(vals, c.n);
        json_t *arr = json_array();
        for (size_t i = 0; i < c.n && st == STATUS_OK; i++) {
            json_t *j = value_to_json(&vals[i]);
            if (j == NULL) {
                st = err_set(STATUS_INVALID,
                             "table %s: column %s holds a value a backup cannot carry "
                             "(text not UTF-8, or a non-finite real)",
                             t->name, c.names[i]);
            }
            json_array_append_new(arr, j);
        }
        if (st != STATUS_OK) {
            json_decref(arr);
            break;
        }
        st = bw_line(w, json_pack("{s:o}", "r", arr));
        rows++;
        if (st == STATUS_OK && progress != NULL && rows % DB_COPY_BATCH_ROWS == 0) {
            progress(t->name, rows, ctx);
        }
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    enum status cst = reader_close(&rd);
    if (st == STATUS_OK) {
        st = cst;
    }
    if (st == STATUS_OK) {
        char hex[17];
        snprintf(hex, sizeof hex, "%016" PRIx64, sum);
        st = bw_line(w, json_pack("{s:s,s:I,s:s}", "end", t->name, "rows", (json_int_t)rows, "fnv", hex));
    }
    if (st == STATUS_OK && progress != NULL) {
        progress(t->name, rows, ctx);
    }
    collist_free(&c);
    buf_free(&sel);
    return st;
}

enum status store_backup(struct store *s, const char *path, store_progress_fn progress, void *ctx)
{
    ASSERT(!store_tx_active(s));
    enum status st = schema_check(s, "source");
    if (st != STATUS_OK) {
        return st;
    }
    char *tmp = xasprintf("%s.tmp", path);
    struct bwriter w = {NULL, tmp, FNV_OFFSET};
    bool in_tx = false;
    /* A backup holds everything the database holds: readable by the owner only. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || (w.f = fdopen(fd, "w")) == NULL) {
        st = err_set(STATUS_IO, "cannot create %s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        goto out;
    }
    st = tx_begin_snapshot(s);
    if (st != STATUS_OK) {
        goto out;
    }
    in_tx = true;
    st = bw_line(&w, json_pack("{s:s,s:I,s:I,s:s}", "format", BACKUP_FORMAT, "schema_version",
                               (json_int_t)store_schema_version_expected(), "created_at_ms", (json_int_t)util_now_ms(),
                               "dialect", store_dialect_of(s) == STORE_POSTGRES ? "postgres" : "sqlite"));
    for (size_t i = 0; i < store_tables_count && st == STATUS_OK; i++) {
        st = backup_table(s, &w, &store_tables[i], progress, ctx);
    }
    if (st == STATUS_OK) {
        char hex[17];
        snprintf(hex, sizeof hex, "%016" PRIx64, w.fnv);
        st = bw_line(
            &w, json_pack("{s:b,s:I,s:s}", "trailer", 1, "tables", (json_int_t)store_tables_count, "fnv_file", hex));
    }
    if (st == STATUS_OK && (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)) {
        st = err_set(STATUS_IO, "cannot write %s: %s", tmp, strerror(errno));
    }
out:
    if (in_tx) {
        store_tx_rollback(s);
    }
    if (w.f != NULL && fclose(w.f) != 0 && st == STATUS_OK) {
        st = err_set(STATUS_IO, "cannot write %s: %s", tmp, strerror(errno));
    }
    if (st == STATUS_OK && rename(tmp, path) != 0) {
        st = err_set(STATUS_IO, "cannot rename %s: %s", tmp, strerror(errno));
    }
    if (st != STATUS_OK) {
        unlink(tmp);
    }
    free(tmp);
    return st;
}

/* ---- verify and restore: one reader of the file for both ---- */

struct bloader {
    const char *path;
    FILE *f;
    struct store *s; /* NULL: verify only */
    store_progress_fn progress;
    void *ctx;
    size_t line_no;
    struct buf line;
    uint64_t fnv; /* of the bytes before the current line */
    size_t table; /* index into store_tables of the next or current table */
    bool in_table;
    bool migrations; /* the current table is schema_migrations */
    struct collist cols;
    struct buf ins;
    int64_t rows;
    uint64_t sum;
    size_t version_col;
    bool done;
};

/* Reads one line (without its \n) into l->line: STATUS_DONE at a clean end of file. */
static enum status bl_read_line(struct bloader *l)
{
    buf_reset(&l->line);
    char chunk[4096];
    size_t n = 0;
    int c;
    for (;;) {
        c = getc_unlocked(l->f);
        if (c == EOF || c == '\n') {
            break;
        }
        chunk[n++] = (char)c;
        if (n == sizeof chunk) {
            if (buf_append(&l->line, chunk, n) != STATUS_OK) {
                return err_set(STATUS_TOO_LARGE, "backup file line %zu is longer than %d bytes", l->line_no + 1,
                               BACKUP_LINE_BYTES_MAX);
            }
            n = 0;
        }
    }
    if (n > 0 && buf_append(&l->line, chunk, n) != STATUS_OK) {
        return err_set(STATUS_TOO_LARGE, "backup file line %zu is longer than %d bytes", l->line_no + 1,
                       BACKUP_LINE_BYTES_MAX);
    }
    if (ferror(l->f)) {
        return err_set(STATUS_IO, "cannot read %s: %s", l->path, strerror(errno));
    }
    if (c == EOF) {
        if (l->line.len > 0) {
            return err_set(STATUS_INVALID, "backup file is truncated (line %zu has no end)", l->line_no + 1);
        }
        return STATUS_DONE;
    }
    l->line_no++;
    return STATUS_OK;
}

static enum status bl_bad(const struct bloader *l, const char *what)
{
    return err_set(STATUS_INVALID, "backup file line %zu: %s", l->line_no, what);
}

static enum status bl_header(struct bloader *l, json_t *o)
{
    const char *format = json_string_value(json_object_get(o, "format"));
    json_t *version = json_object_get(o, "schema_version");
    const char *dialect = json_string_value(json_object_get(o, "dialect"));
    if (format == NULL || strcmp(format, BACKUP_FORMAT) != 0) {
        return bl_bad(l, "not a ctis backup (format " BACKUP_FORMAT " expected)");
    }
    if (!json_is_integer(version) || !json_is_integer(json_object_get(o, "created_at_ms")) || dialect == NULL ||
        (strcmp(dialect, "sqlite") != 0 && strcmp(dialect, "postgres") != 0)) {
        return bl_bad(l, "bad header");
    }
    if (json_integer_value(version) != store_schema_version_expected()) {
        return err_set(STATUS_CONFLICT, "backup is of schema version %lld; this program needs %lld",
                       (long long)json_integer_value(version), (long long)store_schema_version_expected());
    }
    return STATUS_OK;
}

static enum status bl_table_start(struct bloader *l, json_t *o)
{
    const char *name = json_string_value(json_object_get(o, "table"));
    json_t *cols = json_object_get(o, "columns");
    if (l->table >= store_tables_count || name == NULL || strcmp(name, store_tables[l->table].name) != 0) {
        return bl_bad(l, "table missing or out of order");
    }
    const struct store_table *t = &store_tables[l->table];
    if (!json_is_array(cols) || json_array_size(cols) == 0) {
        return bl_bad(l, "bad column list");
    }
    collist_free(&l->cols);
    enum status st = STATUS_OK;
    for (size_t i = 0; i < json_array_size(cols) && st == STATUS_OK; i++) {
        const char *c = json_string_value(json_array_get(cols, i));
        st = c ? collist_add(&l->cols, t->name, c) : bl_bad(l, "bad column name");
    }
    if (st != STATUS_OK) {
        return st;
    }
    l->in_table = true;
    l->rows = 0;
    l->sum = 0;
    l->migrations = strcmp(t->name, MIGRATIONS_TABLE) == 0;
    l->version_col = l->cols.n;
    for (size_t i = 0; i < l->cols.n; i++) {
        if (strcmp(l->cols.names[i], "version") == 0) {
            l->version_col = i;
        }
    }
    if (l->migrations && l->version_col == l->cols.n) {
        return bl_bad(l, "schema_migrations without a version column");
    }
    if (l->s == NULL) {
        return STATUS_OK;
    }
    struct collist have = {0};
    st = table_columns(l->s, t, &have);
    if (st == STATUS_OK && !collist_equal(&have, &l->cols)) {
        st = err_set(STATUS_CONFLICT, "table %s has other columns in the backup than in the database", t->name);
    }
    collist_free(&have);
    buf_reset(&l->ins);
    if (st == STATUS_OK) {
        st = sql_insert(&l->ins, store_dialect_of(l->s), t, &l->cols);
    }
    return st;
}

/* A JSON value of a row line as a bound value; blobs are decoded into *owned. */
static enum status bl_value(struct bloader *l, json_t *j, struct sql_value *out, uint8_t **owned)
{
    *owned = NULL;
    if (json_is_null(j)) {
        *out = SQLV_NULL;
    } else if (json_is_integer(j)) {
        *out = SQLV_I64(json_integer_value(j));
    } else if (json_is_real(j)) {
        *out = SQLV_F64(json_real_value(j));
    } else if (json_is_string(j)) {
        *out = SQLV_TEXTN(json_string_value(j), json_string_length(j));
    } else if (json_is_object(j) && json_object_size(j) == 1 && json_is_string(json_object_get(j, "b64"))) {
        json_t *b = json_object_get(j, "b64");
        size_t len = 0;
        if (util_b64url_decode(owned, &len, json_string_value(b), json_string_length(b)) != STATUS_OK) {
            return bl_bad(l, "bad base64url");
        }
        *out = SQLV_BLOB(*owned, len);
    } else {
        return bl_bad(l, "unexpected value");
    }
    return STATUS_OK;
}

/* schema_migrations rows are not loaded: the target's own (from migrate) must hold the same. */
static enum status bl_migration_check(struct bloader *l, const struct sql_value *version)
{
    if (version->type != SQL_I64) {
        return bl_bad(l, "bad migration version");
    }
    struct store_rows *r = NULL;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM " MIGRATIONS_TABLE " WHERE version = %c1",
             store_dialect_of(l->s) == STORE_POSTGRES ? '$' : '?');
    enum status st = store__exec_text(l->s, sql, version, 1, &r);
    if (st == STATUS_OK) {
        st = store_rows_next(r);
        if (st == STATUS_OK && store_rows_i64(r, 0) != 1) {
            st = err_set(STATUS_CONFLICT, "backup has migration %lld, which the database has not applied",
                         (long long)version->u.i64);
        } else if (st == STATUS_DONE) {
            st = err_set(STATUS_IO, "migration count returned no row");
        }
    }
    store_rows_free(r);
    return st;
}

static enum status bl_row(struct bloader *l, json_t *arr)
{
    if (!json_is_array(arr) || json_array_size(arr) != l->cols.n) {
        return bl_bad(l, "row has the wrong number of values");
    }
    struct sql_value vals[DB_PARAMS_MAX];
    uint8_t *owned[DB_PARAMS_MAX] = {0};
    enum status st = STATUS_OK;
    for (size_t i = 0; i < l->cols.n && st == STATUS_OK; i++) {
        st = bl_value(l, json_array_get(arr, i), &vals[i], &owned[i]);
    }
    if (st == STATUS_OK) {
        l->sum += row_hash(vals, l->cols.n);
        l->rows++;
        if (l->s != NULL && l->migrations) {
            st = bl_migration_check(l, &vals[l->version_col]);
        } else if (l->s != NULL) {
            st = store__exec_text(l->s, buf_str(&l->ins), vals, l->cols.n, NULL);
        }
    }
    if (st == STATUS_OK && l->s != NULL && l->progress != NULL && l->rows % DB_COPY_BATCH_ROWS == 0) {
        l->progress(store_tables[l->table].name, l->rows, l->ctx);
    }
    for (size_t i = 0; i < l->cols.n; i++) {
        free(owned[i]);
    }
    return st;
}

static enum status bl_table_end(struct bloader *l, json_t *o)
{
    const struct store_table *t = &store_tables[l->table];
    const char *name = json_string_value(json_object_get(o, "end"));
    json_t *rows = json_object_get(o, "rows");
    const char *fnv = json_string_value(json_object_get(o, "fnv"));
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, l->sum);
    if (name == NULL || strcmp(name, t->name) != 0 || !json_is_integer(rows) || fnv == NULL) {
        return bl_bad(l, "bad end of table");
    }
    if (json_integer_value(rows) != l->rows || strcmp(fnv, hex) != 0) {
        return err_set(STATUS_INVALID, "backup file: table %s does not match its count and checksum", t->name);
    }
    enum status st = STATUS_OK;
    if (l->s != NULL && l->migrations) {
        struct store_rows *r = NULL;
        st = store__exec_text(l->s, "SELECT count(*) FROM " MIGRATIONS_TABLE, NULL, 0, &r);
        if (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK && store_rows_i64(r, 0) != l->rows) {
            st = err_set(STATUS_CONFLICT, "the database has other migrations applied than the backup");
        }
        if (st == STATUS_DONE) {
            st = err_set(STATUS_IO, "migration count returned no row");
        }
        store_rows_free(r);
    } else if (l->s != NULL) {
        int64_t trows = 0;
        uint64_t tsum = 0;
        st = table_sum(l->s, t, &l->cols, &trows, &tsum);
        if (st == STATUS_OK && (trows != l->rows || tsum != l->sum)) {
            st = err_set(STATUS_IO, "restore verification failed for table %s", t->name);
        }
    }
    if (st == STATUS_OK && l->s != NULL && l->progress != NULL) {
        l->progress(t->name, l->rows, l->ctx);
    }
    l->in_table = false;
    l->table++;
    return st;
}

static enum status bl_trailer(struct bloader *l, json_t *o)
{
    json_t *tables = json_object_get(o, "tables");
    const char *fnv = json_string_value(json_object_get(o, "fnv_file"));
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, l->fnv);
    if (!json_is_true(json_object_get(o, "trailer")) || !json_is_integer(tables) || fnv == NULL) {
        return bl_bad(l, "bad trailer");
    }
    if (l->table != store_tables_count || json_integer_value(tables) != (json_int_t)store_tables_count) {
        return bl_bad(l, "tables missing");
    }
    if (strcmp(fnv, hex) != 0) {
        return err_set(STATUS_INVALID, "backup file checksum does not match its contents");
    }
    l->done = true;
    return STATUS_OK;
}

/* Reads the whole file, checking it line by line; with a store, loads the rows as it goes. */
static enum status backup_read(const char *path, struct store *s, store_progress_fn progress, void *ctx)
{
    struct bloader l = {.path = path, .s = s, .progress = progress, .ctx = ctx, .fnv = FNV_OFFSET};
    buf_init(&l.line, BACKUP_LINE_BYTES_MAX);
    buf_init(&l.ins, COPY_SQL_BYTES_MAX);
    enum status st = STATUS_OK;
    l.f = fopen(path, "rb");
    if (l.f == NULL) {
        st = err_set(errno == ENOENT ? STATUS_NOT_FOUND : STATUS_IO, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    while ((st = bl_read_line(&l)) == STATUS_OK) {
        if (l.done) {
            st = bl_bad(&l, "data after the trailer");
            break;
        }
        json_error_t jerr;
        json_t *o = json_loadb(buf_str(&l.line), l.line.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!json_is_object(o)) {
            json_decref(o);
            st = bl_bad(&l, "not a JSON object");
            break;
        }
        if (l.line_no == 1) {
            st = bl_header(&l, o);
        } else if (l.in_table && json_object_get(o, "r") != NULL) {
            st = bl_row(&l, json_object_get(o, "r"));
        } else if (l.in_table && json_object_get(o, "end") != NULL) {
            st = bl_table_end(&l, o);
        } else if (!l.in_table && json_object_get(o, "table") != NULL) {
            st = bl_table_start(&l, o);
        } else if (!l.in_table && json_object_get(o, "trailer") != NULL) {
            st = bl_trailer(&l, o);
        } else {
            st = bl_bad(&l, "unexpected line");
        }
        json_decref(o);
        if (st != STATUS_OK) {
            break;
        }
        l.fnv = fnv_update(l.fnv, buf_str(&l.line), l.line.len);
        l.fnv = fnv_update(l.fnv, "\n", 1);
    }
    if (st == STATUS_DONE) {
        st = l.done ? STATUS_OK : err_set(STATUS_INVALID, "backup file is truncated (no trailer)");
    }
out:
    if (l.f != NULL) {
        fclose(l.f);
    }
    collist_free(&l.cols);
    buf_free(&l.line);
    buf_free(&l.ins);
    return st;
}

enum status store_backup_verify(const char *path)
{
    return backup_read(path, NULL, NULL, NULL);
}

enum status store_restore(struct store *s, const char *path, store_progress_fn progress, void *ctx, store_tx_fn check,
                          void *check_ctx)
{
    ASSERT(!store_tx_active(s));
    /* The whole file is checked before the database is touched. */
    enum status st = store_backup_verify(path);
    if (st != STATUS_OK) {
        return st;
    }
    st = schema_check(s, "target");
    if (st != STATUS_OK) {
        return st;
    }
    st = store_tx_begin(s, STORE_TX_WRITE);
    if (st != STATUS_OK) {
        return st;
    }
    st = target_empty(s);
    if (st == STATUS_OK) {
        /* Read again and load; the checks run again, so a file changed since is refused too. */
        st = backup_read(path, s, progress, ctx);
    }
    if (st == STATUS_OK) {
        st = rebuild_derived(s);
    }
    if (st == STATUS_OK && check != NULL) {
        st = check(s, check_ctx);
    }
    if (st == STATUS_OK) {
        return store_tx_commit(s);
    }
    char msg[ERR_MESSAGE_BYTES_MAX];
    snprintf(msg, sizeof msg, "%s", err_last());
    store_tx_rollback(s);
    return err_set(st, "%s", msg);
}
