/* store_catalog: the numbered statements (see catalog.def) and the registries built on them:
 * the sealed columns (for key rotation) and the tables (for copy and backup). */
#ifndef CTIS_STORE_CATALOG_H
#define CTIS_STORE_CATALOG_H

#include <stddef.h>

enum stmt {
#define STMT(name, sqlite_sql, pg_sql) STMT_##name,
#include "store/catalog.def"
#undef STMT
    STMT__COUNT
};

struct stmt_def {
    const char *name;
    const char *sqlite_sql;
    const char *pg_sql; /* NULL: derived from sqlite_sql by writing ?N as $N */
};

extern const struct stmt_def store_catalog[STMT__COUNT];

/* A column holding vault envelopes: how to scan it and how to replace a value in it.
 * The vault's associated data for a value is (table, column, row id). */
struct store_sealed_column {
    const char *table;
    const char *column;
    enum stmt scan; /* ?1 after id, ?2 limit -> (id, blob) */
    enum stmt set;  /* ?1 id, ?2 old blob, ?3 new blob */
};
extern const struct store_sealed_column store_sealed_columns[];
extern const size_t store_sealed_columns_count;

/* The tables of the schema in dependency order (parents first), with the column that orders
 * their rows; copy and backup walk them in this order. */
struct store_table {
    const char *name;
    const char *order_by;
};
extern const struct store_table store_tables[];
extern const size_t store_tables_count;

/* Statements that rebuild derived indexes from the tables' rows (SQLite's FTS5 indexes, which
 * are not in store_tables); copy and restore run them after loading, in the same transaction. */
extern const enum stmt store_rebuilds[];
extern const size_t store_rebuilds_count;

#endif
