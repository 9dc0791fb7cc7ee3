/* store: the one database interface of ctis. A store is one connection, opened by URL
 * (a file path or sqlite:PATH for SQLite, postgresql://... for PostgreSQL). Every statement
 * comes from the numbered catalogue (store_catalog.h) with SQL per dialect, and every value is
 * bound, never interpolated. Only this module includes sqlite3.h or libpq-fe.h.
 * A store is used by one thread at a time; servers take connections from a store_pool. */
#ifndef CTIS_STORE_STORE_H
#define CTIS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_catalog.h"
#include "util/status.h"

enum store_dialect { STORE_SQLITE, STORE_POSTGRES };

enum sql_type { SQL_NULL, SQL_I64, SQL_F64, SQL_TEXT, SQL_BLOB };

/* A bound parameter. Text and blob point at memory the caller keeps alive during the call. */
struct sql_value {
    enum sql_type type;
    union {
        int64_t i64;
        double f64;
        struct {
            const char *ptr;
            size_t len;
        } text;
        struct {
            const uint8_t *ptr;
            size_t len;
        } blob;
    } u;
};

#define SQLV_NULL ((struct sql_value){.type = SQL_NULL})
#define SQLV_I64(x) ((struct sql_value){.type = SQL_I64, .u.i64 = (int64_t)(x)})
#define SQLV_F64(x) ((struct sql_value){.type = SQL_F64, .u.f64 = (double)(x)})
/* Text from a NUL-terminated string; NULL becomes SQL NULL. */
struct sql_value sqlv_text(const char *s);
#define SQLV_TEXTN(p, n) ((struct sql_value){.type = SQL_TEXT, .u.text = {(p), (n)}})
#define SQLV_BLOB(p, n) ((struct sql_value){.type = SQL_BLOB, .u.blob = {(p), (n)}})
#define SQLV_BOOL(b) SQLV_I64((b) ? 1 : 0)

struct store;
struct store_rows;

/* Opens a connection. Expected errors: STATUS_INVALID (URL), STATUS_UNAVAILABLE. */
enum status store_open(struct store **out, const char *url);
void store_close(struct store *s);
enum store_dialect store_dialect_of(const struct store *s);
/* The URL the store was opened with, with any password removed (safe to print). */
const char *store_url_display(const struct store *s);
/* The dialect a URL names, without connecting. */
enum status store_url_dialect(enum store_dialect *out, const char *url);

/* Transactions. Nested begin is a programming error; rollback never fails from the caller's view.
 * - STORE_TX_READ: BEGIN on SQLite; REPEATABLE READ READ ONLY on PostgreSQL (one snapshot).
 * - STORE_TX_WRITE: BEGIN IMMEDIATE on SQLite (writers serialised); READ COMMITTED on PostgreSQL.
 *   Code that reads a row and then writes it must lock it (SELECT ... FOR UPDATE statements, as
 *   the audit head does) or update it atomically (UPDATE ... WHERE version = ?, counters as
 *   col = col + 1), so that it is correct on both engines without serialization failures under
 *   load.
 * - STORE_TX_SERIAL: BEGIN IMMEDIATE on SQLite; SERIALIZABLE on PostgreSQL, for logic that cannot
 *   lock what it reads; conflicts come back as STATUS_BUSY and store_tx_run retries them. */
enum store_tx { STORE_TX_READ, STORE_TX_WRITE, STORE_TX_SERIAL };
enum status store_tx_begin(struct store *s, enum store_tx mode);
enum status store_tx_commit(struct store *s);
void store_tx_rollback(struct store *s);
bool store_tx_active(const struct store *s);

/* A callback run inside the current transaction just before its COMMIT (for work that is cheaper
 * once per transaction than once per statement, such as the audit chain head). Registering the
 * same fn again in one transaction only replaces ctx. If it fails, the transaction rolls back. */
typedef enum status (*store_commit_fn)(struct store *s, void *ctx);
void store_tx_before_commit(struct store *s, store_commit_fn fn, void *ctx);
/* A number that identifies the transaction under way: unique in the process. */
uint64_t store_tx_serial(const struct store *s);

/* Runs fn inside a transaction, committing when it returns STATUS_OK and rolling back
 * otherwise; retries the whole function (up to DB_TX_RETRIES_MAX times, with back-off) when
 * the database says busy, serialization failure or deadlock. fn must not have side effects
 * outside the database, since it may run more than once. */
typedef enum status (*store_tx_fn)(struct store *s, void *ctx);
enum status store_tx_run(struct store *s, enum store_tx mode, store_tx_fn fn, void *ctx);

/* Runs a catalogue statement. When rows_out is not NULL the caller reads and frees the rows;
 * when it is NULL the statement runs to completion and the rows are discarded.
 * Errors: STATUS_CONFLICT (constraint), STATUS_BUSY, STATUS_INVALID (data), STATUS_IO. */
enum status store_exec(struct store *s, enum stmt id, const struct sql_value *args, size_t argc,
                       struct store_rows **rows_out);
/* Rows changed by the last store_exec without RETURNING. */
int64_t store_changes(const struct store *s);

/* Runs a statement expected to return at most one row; STATUS_NOT_FOUND when none. *rows_out is
 * NULL unless STATUS_OK. */
enum status store_exec_one(struct store *s, enum stmt id, const struct sql_value *args, size_t argc,
                           struct store_rows **rows_out);

/* Moves to the next row: STATUS_OK when there is one, STATUS_DONE at the end. */
enum status store_rows_next(struct store_rows *r);
size_t store_rows_columns(const struct store_rows *r);
const char *store_rows_name(const struct store_rows *r, size_t col);
bool store_rows_is_null(const struct store_rows *r, size_t col);
int64_t store_rows_i64(const struct store_rows *r, size_t col);
double store_rows_f64(const struct store_rows *r, size_t col);
/* Text of a column, NUL-terminated, "" for NULL; borrowed until the next store_rows_next. */
const char *store_rows_text(const struct store_rows *r, size_t col);
/* Blob bytes (NULL and 0 for SQL NULL); borrowed until the next store_rows_next. */
const uint8_t *store_rows_blob(const struct store_rows *r, size_t col, size_t *len_out);
/* The value of a column as the type it was stored with (for copy and backup). */
enum sql_type store_rows_type(const struct store_rows *r, size_t col);
void store_rows_free(struct store_rows *r);

/* Runs SQL text with no parameters, possibly several statements (migrations only). */
enum status store_exec_script(struct store *s, const char *sql);

/* Migrations: the SQL files of db/migrations/<dialect>/NNNN_name.sql, embedded in the binary.
 * store_migrate applies the pending ones in order, each in its own transaction, recording them
 * in schema_migrations; *applied_out (may be NULL) counts them. */
enum status store_migrate(struct store *s, int *applied_out);
/* The highest applied version (0 for an empty database). */
enum status store_schema_version(struct store *s, int64_t *out);
/* The version this binary's migrations reach. Servers refuse to start on any other. */
int64_t store_schema_version_expected(void);

/* Whole-database copy between engines (copy.c): every table of store_tables, in order, in one
 * transaction on the target, which must be freshly migrated and empty; verified afterwards by
 * row counts and a checksum per table computed on both sides. */
typedef void (*store_progress_fn)(const char *table, int64_t rows_done, void *ctx);
enum status store_copy(struct store *from, struct store *to, store_progress_fn progress, void *ctx);

/* Backup and restore (copy.c): one portable file format for both engines. The backup reads
 * inside one read transaction (a consistent snapshot, online). Restore checks the file's
 * integrity (checksums, counts, schema version) before writing anything, then loads it into a
 * freshly migrated, empty database in one transaction. */
enum status store_backup(struct store *s, const char *path, store_progress_fn progress, void *ctx);
/* check (may be NULL) runs inside the restore transaction after the rows are loaded and before
 * COMMIT, with check_ctx; when it fails nothing is kept (the caller checks the key file so). */
enum status store_restore(struct store *s, const char *path, store_progress_fn progress, void *ctx, store_tx_fn check,
                          void *check_ctx);
/* Checks a backup file without loading it. */
enum status store_backup_verify(const char *path);

/* A fixed pool of connections to one URL for servers: acquire blocks until one is free. */
struct store_pool;
enum status store_pool_open(struct store_pool **out, const char *url, size_t size);
struct store *store_pool_acquire(struct store_pool *p);
void store_pool_release(struct store_pool *p, struct store *s);
void store_pool_close(struct store_pool *p);

#endif
