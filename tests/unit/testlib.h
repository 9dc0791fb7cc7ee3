/* testlib: a throwaway database (SQLite in a temp dir, or PostgreSQL when TEST_PG_URL names a
 * server and the test asks for it), migrated, with a vault and the built-in roles, for tests. */
#ifndef CTIS_TESTLIB_H
#define CTIS_TESTLIB_H

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

struct test_env {
    char dir[256];
    char db[300];
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
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", t->dir);
    }
}

#endif
