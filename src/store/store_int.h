/* store_int: the driver interface inside the store module. store.c holds the generic logic
 * (URL parsing, statement selection, transactions and retries, pool); each dialect supplies a
 * struct store_driver. Nothing outside src/store includes this header. */
#ifndef CTIS_STORE_INT_H
#define CTIS_STORE_INT_H

#include "store/store.h"

struct store_driver {
    const char *name;
    /* Opens a connection for the part of the URL after the scheme; stores its handle in *conn. */
    enum status (*open)(void **conn, const char *target);
    void (*close)(void *conn);
    /* Runs SQL text with no parameters (BEGIN, COMMIT, scripts). */
    enum status (*exec_script)(void *conn, const char *sql);
    /* Prepares (cached per statement id) and runs a statement with bound args. On success
     * *rows_out is a driver row cursor (or NULL if rows_out is NULL: run to completion). */
    enum status (*exec)(void *conn, enum stmt id, const char *sql, const struct sql_value *args, size_t argc,
                        void **rows_out, int64_t *changes_out);
    enum status (*rows_next)(void *rows);
    size_t (*rows_columns)(void *rows);
    const char *(*rows_name)(void *rows, size_t col);
    enum sql_type (*rows_type)(void *rows, size_t col);
    int64_t (*rows_i64)(void *rows, size_t col);
    double (*rows_f64)(void *rows, size_t col);
    const char *(*rows_text)(void *rows, size_t col);
    const uint8_t *(*rows_blob)(void *rows, size_t col, size_t *len_out);
    void (*rows_free)(void *rows);
    /* Runs raw SQL text with bound args (copy and backup only: SQL built from store_tables). */
    enum status (*exec_text)(void *conn, const char *sql, const struct sql_value *args, size_t argc, void **rows_out);
};

extern const struct store_driver store_driver_sqlite;
extern const struct store_driver store_driver_pg;

struct store {
    const struct store_driver *driver;
    void *conn;
    enum store_dialect dialect;
    char *url_display;
    const char *sql[STMT__COUNT]; /* the text for this dialect, $N-translated for PostgreSQL */
    char *pg_sql_owned[STMT__COUNT];
    bool in_tx;
    bool holds_writer_lock; /* SQLite: this connection holds the process's writer mutex */
    uint64_t tx_serial;     /* incremented at each begin */
    store_commit_fn before_commit[4];
    void *before_commit_ctx[4];
    size_t before_commit_count;
    int64_t changes;
};

struct store_rows {
    struct store *store;
    void *rows;
};

/* Runs raw SQL built from store_tables (copy and backup only). */
enum status store__exec_text(struct store *s, const char *sql, const struct sql_value *args, size_t argc,
                             struct store_rows **rows_out);

#endif
