/* testlib: a throwaway database (SQLite in a temp dir, or PostgreSQL when TEST_PG_URL names a
 * server and the test asks for it), migrated, with a vault and the built-in roles, for tests. */
#ifndef CTIS_TESTLIB_H
#define CTIS_TESTLIB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* The engine the next test_env_open uses: "sqlite" (default) or "postgres" (needs TEST_PG_URL;
 * each environment gets a database of its own, created on that server and dropped after). */
static const char *test_engine = "sqlite";

struct test_env {
    char dir[256];
    char db[600];
    char pg_name[64];
    char key[300];
    struct store *store;
    struct vault *vault;
    struct auth_principal op;
    struct auth_ctx ctx;
};

static inline void test_env_open(struct test_env *t)
{
    memset(t, 0, sizeof *t);
    setenv("CTIS_PWHASH", "fast", 1);
    if (vault_library_init() != STATUS_OK) {
        abort();
    }
    snprintf(t->dir, sizeof t->dir, "/tmp/ctis-test-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        abort();
    }
    snprintf(t->db, sizeof t->db, "%s/t.db", t->dir);
    snprintf(t->key, sizeof t->key, "%s/t.key", t->dir);
    if (strcmp(test_engine, "postgres") == 0) {
        static int serial;
        const char *url = getenv("TEST_PG_URL");
        struct store *admin = NULL;
        if (url == NULL || store_open(&admin, url) != STATUS_OK) {
            fprintf(stderr, "test_env_open: cannot reach TEST_PG_URL: %s\n", err_last());
            abort();
        }
        snprintf(t->pg_name, sizeof t->pg_name, "ctis_unit_%ld_%d", (long)getpid(), ++serial);
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->pg_name);
        if (store_exec_script(admin, sql) != STATUS_OK) {
            fprintf(stderr, "test_env_open: %s\n", err_last());
            abort();
        }
        store_close(admin);
        const char *slash = strrchr(url, '/');
        snprintf(t->db, sizeof t->db, "%.*s/%s", (int)(slash - url), url, t->pg_name);
    }
    if (store_open(&t->store, t->db) != STATUS_OK || store_migrate(t->store, NULL) != STATUS_OK ||
        vault_key_file_create(t->key) != STATUS_OK || vault_open(&t->vault, t->key, t->store) != STATUS_OK) {
        fprintf(stderr, "test_env_open: %s\n", err_last());
        abort();
    }
    store_tx_begin(t->store, STORE_TX_WRITE);
    if (auth_roles_seed(t->store) != STATUS_OK) {
        abort();
    }
    store_tx_commit(t->store);
    auth_principal_operator(&t->op);
    t->ctx = (struct auth_ctx){t->store, t->vault, &t->op, "test"};
}

static inline void test_env_close(struct test_env *t)
{
    vault_close(t->vault);
    store_close(t->store);
    if (t->pg_name[0] != '\0') {
        struct store *admin = NULL;
        if (store_open(&admin, getenv("TEST_PG_URL")) == STATUS_OK) {
            char sql[128];
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", t->pg_name);
            store_exec_script(admin, sql);
            store_close(admin);
        }
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", t->dir);
    }
}

/* Runs a cmocka group on SQLite, then on PostgreSQL when TEST_PG_URL is set. */
/* The path of a file of the shared data folder (relative to it, e.g.
 * "ctdc/CTDC_VPsynthetic_condensed.csv"): $CTIS_SHARED_DATA (the data folder or the shared folder
 * that holds it), else ../shared/data seen from the repository, the build or the tests folder.
 * False when absent: a user's clone has no shared data, and tests that need it skip. */
static inline bool test_shared_data_path(const char *name, char *out, size_t size)
{
    const char *env = getenv("CTIS_SHARED_DATA");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, size, "%s/%s", env, name);
        if (util_file_exists(out)) {
            return true;
        }
        snprintf(out, size, "%s/data/%s", env, name);
        return util_file_exists(out);
    }
    static const char *const roots[] = {"../shared/data", "../../shared/data", "../../../shared/data"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(out, size, "%s/%s", roots[i], name);
        if (util_file_exists(out)) {
            return true;
        }
    }
    return false;
}

/* Set-up helpers: the operator makes an agency (type NGO, country NGA) or a user (password
 * "correct horse battery"), each in a transaction of its own; a failure ends the program. */
static inline int64_t test_agency(struct test_env *t, const char *name)
{
    struct auth_agency *a = NULL;
    struct auth_agency_input in = {name, "NGO", "NGA", -1};
    if (store_tx_begin(t->store, STORE_TX_WRITE) != STATUS_OK || auth_agency_create(&t->ctx, &in, &a) != STATUS_OK ||
        store_tx_commit(t->store) != STATUS_OK) {
        fprintf(stderr, "test_agency %s: %s\n", name, err_last());
        abort();
    }
    int64_t id = a->id;
    auth_agency_free(a);
    return id;
}

static inline int64_t test_user(struct test_env *t, const char *name, int64_t agency_id, const char *role,
                                const char *scope)
{
    struct auth_user *u = NULL;
    struct auth_user_input in = {.username = name,
                                 .agency_id = agency_id,
                                 .role = role,
                                 .scope = scope,
                                 .disabled = -1,
                                 .password = "correct horse battery"};
    if (store_tx_begin(t->store, STORE_TX_WRITE) != STATUS_OK ||
        auth_user_create(&t->ctx, &in, &u, NULL) != STATUS_OK || store_tx_commit(t->store) != STATUS_OK) {
        fprintf(stderr, "test_user %s: %s\n", name, err_last());
        abort();
    }
    int64_t id = u->id;
    auth_user_free(u);
    return id;
}

/* A principal as after a two-factor login, to act as a user. */
struct test_as {
    struct auth_principal p;
    struct auth_ctx ctx;
};

static inline void test_as_user(struct test_env *t, struct test_as *a, int64_t id)
{
    if (auth_principal_load(&a->p, t->store, id) != STATUS_OK) {
        fprintf(stderr, "test_as_user %lld: %s\n", (long long)id, err_last());
        abort();
    }
    a->p.mfa_ok = true;
    a->ctx = (struct auth_ctx){t->store, t->vault, &a->p, "test"};
}

#define TEST_RUN_BOTH(name, tests, setup, teardown)                                                                    \
    do {                                                                                                               \
        int failures_ = 0;                                                                                             \
        test_engine = "sqlite";                                                                                        \
        failures_ += cmocka_run_group_tests_name(name " (sqlite)", tests, setup, teardown);                            \
        if (getenv("TEST_PG_URL") && getenv("TEST_PG_URL")[0]) {                                                       \
            test_engine = "postgres";                                                                                  \
            failures_ += cmocka_run_group_tests_name(name " (postgresql)", tests, setup, teardown);                    \
        } else {                                                                                                       \
            printf("skipping PostgreSQL: TEST_PG_URL not set\n");                                                      \
        }                                                                                                              \
        return failures_;                                                                                              \
    } while (0)

#endif
