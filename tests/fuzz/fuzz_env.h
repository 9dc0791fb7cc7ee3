/* fuzz_env.h: a throwaway ctis database for the harnesses that run operations end to end
 * (fuzz_import, fuzz_ops): SQLite in /dev/shm (or /tmp), migrated, a vault key, the built-in roles,
 * one agency, and the operator as principal (env.ctx). fuzz_env_next() before each input makes it
 * on the first call and again every ENV_RUNS inputs, so that it stays small; it is removed at
 * exit. fuzz_note(what, status) prints each outcome when FUZZ_VERBOSE is set. Included by one harness each (static
 * functions). */
#ifndef CTIS_TESTS_FUZZ_ENV_H
#define CTIS_TESTS_FUZZ_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/status.h"
#include "vault/vault.h"

#define ENV_RUNS 500

static struct {
    char dir[128];
    char db[192];
    char key[192];
    char file[192];
    struct store *store;
    struct vault *vault;
    struct auth_principal op;
    struct auth_ctx ctx;
    int64_t agency_id;
    int runs;
} env;

static void env_close(void)
{
    if (env.store == NULL) {
        return;
    }
    vault_close(env.vault);
    store_close(env.store);
    env.store = NULL;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", env.dir);
    ASSERT(system(cmd) == 0);
}

static void env_open(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(env.dir, sizeof env.dir, "%s/ctis-fuzz-import-XXXXXX", base);
    ASSERT(mkdtemp(env.dir) != NULL);
    snprintf(env.db, sizeof env.db, "%s/t.db", env.dir);
    snprintf(env.key, sizeof env.key, "%s/t.key", env.dir);
    snprintf(env.file, sizeof env.file, "%s/input", env.dir);
    if (store_open(&env.store, env.db) != STATUS_OK || store_migrate(env.store, NULL) != STATUS_OK ||
        vault_key_file_create(env.key) != STATUS_OK || vault_open(&env.vault, env.key, env.store) != STATUS_OK) {
        fprintf(stderr, "fuzz_import: %s\n", err_last());
        abort();
    }
    ASSERT(store_tx_begin(env.store, STORE_TX_WRITE) == STATUS_OK);
    ASSERT(auth_roles_seed(env.store) == STATUS_OK);
    auth_principal_operator(&env.op);
    env.ctx = (struct auth_ctx){env.store, env.vault, &env.op, "fuzz"};
    struct auth_agency *a = NULL;
    struct auth_agency_input in = {"Fuzz agency", "NGO", "NGA", -1};
    ASSERT(auth_agency_create(&env.ctx, &in, &a) == STATUS_OK);
    env.agency_id = a->id;
    auth_agency_free(a);
    ASSERT(store_tx_commit(env.store) == STATUS_OK);
    env.runs = 0;
}

/* With FUZZ_VERBOSE set (replaying one input by hand), what each step gave. */
static void fuzz_note(const char *what, enum status st)
{
    static int verbose = -1;
    if (verbose < 0) {
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    }
    if (verbose) {
        fprintf(stderr, "%s: %d %s\n", what, (int)st, st == STATUS_OK ? "" : err_last());
    }
}

static void fuzz_env_next(void)
{
    if (env.store == NULL) {
        setenv("CTIS_PWHASH", "fast", 1);
        ASSERT(vault_library_init() == STATUS_OK);
        env_open();
        atexit(env_close);
    } else if (env.runs >= ENV_RUNS) {
        env_close();
        env_open();
    }
    env.runs++;
}

#endif
