/* migrate: applies the embedded migrations of db/migrations/<dialect>/NNNN_name.sql in order,
 * each in its own transaction together with its schema_migrations row, so a failed migration
 * leaves the database at the previous version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/assets.h"
#include "util/mem.h"
#include "util/util.h"

static const char *dialect_dir(enum store_dialect d)
{
    return d == STORE_POSTGRES ? "migrations/postgres/" : "migrations/sqlite/";
}

/* The version number of an asset path "migrations/<d>/NNNN_name.sql", or -1. */
static int64_t migration_version(const char *path, const char *dir, const char **name_out)
{
    size_t dl = strlen(dir);
    if (strncmp(path, dir, dl) != 0) {
        return -1;
    }
    const char *base = path + dl;
    size_t blen = strlen(base);
    if (blen < 9 || strcmp(base + blen - 4, ".sql") != 0) {
        return -1;
    }
    int64_t v = 0;
    size_t i = 0;
    for (; i < 4; i++) {
        if (base[i] < '0' || base[i] > '9') {
            return -1;
        }
        v = v * 10 + (base[i] - '0');
    }
    if (base[4] != '_') {
        return -1;
    }
    *name_out = base + 5;
    return v;
}

int64_t store_schema_version_expected(void)
{
    /* Both dialects carry the same numbers; take SQLite's. */
    int64_t max = 0;
    const char *name;
    for (size_t i = 0; i < assets_count; i++) {
        int64_t v = migration_version(assets[i].path, dialect_dir(STORE_SQLITE), &name);
        if (v > max) {
            max = v;
        }
    }
    return max;
}

static const char *const create_versions =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at_ms BIGINT NOT NULL)";

enum status store_schema_version(struct store *s, int64_t *out)
{
    *out = 0;
    enum status st = store_exec_script(s, create_versions);
    if (st != STATUS_OK) {
        return st;
    }
    struct store_rows *r = NULL;
    st = store_exec(s, STMT_MIGRATION_LIST, NULL, 0, &r);
    if (st != STATUS_OK) {
        return st;
    }
    while ((st = store_rows_next(r)) == STATUS_OK) {
        *out = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status store_migrate(struct store *s, int *applied_out)
{
    int applied = 0;
    int64_t current = 0;
    enum status st = store_schema_version(s, &current);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t expected = store_schema_version_expected();
    if (current > expected) {
        return err_set(STATUS_CONFLICT, "database schema version %lld is newer than this program (%lld)",
                       (long long)current, (long long)expected);
    }
    const char *dir = dialect_dir(store_dialect_of(s));
    for (int64_t v = current + 1; v <= expected; v++) {
        const struct asset *a = NULL;
        const char *name = NULL;
        for (size_t i = 0; i < assets_count && a == NULL; i++) {
            const char *n;
            if (migration_version(assets[i].path, dir, &n) == v) {
                a = &assets[i];
                name = n;
            }
        }
        if (a == NULL) {
            return err_set(STATUS_IO, "migration %04lld missing for this database engine", (long long)v);
        }
        st = store_tx_begin(s, STORE_TX_WRITE);
        if (st != STATUS_OK) {
            return st;
        }
        st = store_exec_script(s, a->data);
        if (st == STATUS_OK) {
            struct sql_value args[] = {SQLV_I64(v), sqlv_text(name), SQLV_I64(util_now_ms())};
            st = store_exec(s, STMT_MIGRATION_INSERT, args, 3, NULL);
        }
        if (st != STATUS_OK) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", err_last());
            store_tx_rollback(s);
            return err_set(st, "migration %04lld failed: %s", (long long)v, msg);
        }
        st = store_tx_commit(s);
        if (st != STATUS_OK) {
            return st;
        }
        applied++;
    }
    if (applied_out != NULL) {
        *applied_out = applied;
    }
    return STATUS_OK;
}
