/* cli: command table, option parsing, help, exit codes, progress bars, and the subcommands of
 * the platform: init, migrate, serve, copy, user, agency, audit, keys, backup, restore, token,
 * demo. Output meant for programs is --json; messages go to stderr. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "api/api.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "cases/consent.h"
#include "referral/screening.h"
#include "cases/dedup.h"
#include "cases/export.h"
#include "cases/generate.h"
#include "cases/import.h"
#include "cases/kanon.h"
#include "cases/protect.h"
#include "cases/records.h"
#include "cases/vocab.h"
#include "http/http.h"
#include "i18n/i18n.h"
#include "store/store.h"
#include "tasks/remind.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "web/web.h"

#include "cli/cli_int.h"
#include "stats/release.h"

/* Options every command takes, appended after the command's own. */
static const struct opt common_opts[] = {
    {"db", true, "database: a file path, sqlite:PATH or postgresql://... (default $CTIS_DB or ctis.db)"},
    {"key-file", true, "master key file (default $CTIS_KEY_FILE, or beside the database file)"},
    {"help", false, "show this help"},
};

bool cli_json_out;

static int exit_for(enum status st)
{
    switch (st) {
    case STATUS_OK:
    case STATUS_DONE: return CLI_EXIT_OK;
    case STATUS_INVALID: return CLI_EXIT_INVALID;
    case STATUS_NOT_FOUND: return CLI_EXIT_NOT_FOUND;
    case STATUS_CONFLICT:
    case STATUS_PRECONDITION: return CLI_EXIT_CONFLICT;
    case STATUS_DENIED:
    case STATUS_UNAUTHENTICATED: return CLI_EXIT_DENIED;
    case STATUS_CRYPTO: return CLI_EXIT_INTEGRITY;
    case STATUS_BUSY:
    case STATUS_UNAVAILABLE:
    case STATUS_THROTTLED: return CLI_EXIT_UNAVAILABLE;
    case STATUS_TOO_LARGE: return CLI_EXIT_INVALID;
    case STATUS_IO: return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_ERROR;
}

int cli_fail(enum status st)
{
    const char *field = err_last_field();
    if (field[0] && !strstr(err_last(), field)) {
        fprintf(stderr, "ctis: %s (field %s)\n", err_last(), field);
    } else {
        fprintf(stderr, "ctis: %s\n", err_last());
    }
    return exit_for(st);
}

/* Finds an option's index in the command's table or the common one (offset OPTS_MAX/2). */
static int opt_index(const struct command *cmd, const char *name, size_t len, bool *value_out)
{
    for (int i = 0; i < OPTS_MAX && cmd->opts[i].name; i++) {
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0) {
            *value_out = cmd->opts[i].value;
            return i;
        }
    }
    return -1;
}

static const char *common_values[ARRAY_LEN(common_opts)];
static bool common_set[ARRAY_LEN(common_opts)];

static int common_index(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(common_opts); i++) {
        if (strlen(common_opts[i].name) == len && strncmp(common_opts[i].name, name, len) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void usage(const struct command *cmd, FILE *f)
{
    fprintf(f, "Usage: ctis %s%s%s [options]\n\n%s\n\nOptions:\n", cmd->name, cmd->positional[0] ? " " : "",
            cmd->positional, cmd->summary);
    for (int i = 0; i < OPTS_MAX && cmd->opts[i].name; i++) {
        fprintf(f, "  --%s%s\n      %s\n", cmd->opts[i].name, cmd->opts[i].value ? " VALUE" : "", cmd->opts[i].help);
    }
    for (size_t i = 0; i < ARRAY_LEN(common_opts); i++) {
        fprintf(f, "  --%s%s\n      %s\n", common_opts[i].name, common_opts[i].value ? " VALUE" : "",
                common_opts[i].help);
    }
    fprintf(f, "\nExit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict, 5 denied, 6 integrity "
               "failure, 7 unavailable, 8 invalid input.\n");
}

static int parse(const struct command *cmd, int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->npos >= POS_MAX || a->npos >= cmd->npos_max) {
                fprintf(stderr, "ctis %s: unexpected argument \"%s\"\n", cmd->name, arg);
                return CLI_EXIT_USAGE;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        bool takes = false;
        int idx = opt_index(cmd, name, len, &takes);
        const char **slot;
        bool *set;
        if (idx >= 0) {
            slot = &a->values[idx];
            set = &a->set[idx];
        } else if (len == 4 && strncmp(name, "json", 4) == 0) {
            cli_json_out = true;
            continue;
        } else {
            int c = common_index(name, len);
            if (c < 0) {
                fprintf(stderr, "ctis %s: unknown option --%.*s (see ctis %s --help)\n", cmd->name, (int)len, name,
                        cmd->name);
                return CLI_EXIT_USAGE;
            }
            takes = common_opts[c].value;
            slot = &common_values[c];
            set = &common_set[c];
        }
        *set = true;
        if (takes) {
            if (eq) {
                *slot = eq + 1;
            } else if (i + 1 < argc) {
                *slot = argv[++i];
            } else {
                fprintf(stderr, "ctis %s: --%.*s needs a value\n", cmd->name, (int)len, name);
                return CLI_EXIT_USAGE;
            }
        } else if (eq) {
            fprintf(stderr, "ctis %s: --%.*s takes no value\n", cmd->name, (int)len, name);
            return CLI_EXIT_USAGE;
        }
    }
    if (common_set[2]) {
        usage(cmd, stdout);
        return -1;
    }
    if (a->npos < cmd->npos_min) {
        fprintf(stderr, "ctis %s: missing %s (see ctis %s --help)\n", cmd->name, cmd->positional, cmd->name);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

const char *cli_opt(const struct command *cmd, const struct args *a, const char *name)
{
    bool takes;
    int i = opt_index(cmd, name, strlen(name), &takes);
    ASSERT(i >= 0);
    return a->values[i];
}

bool cli_flag(const struct command *cmd, const struct args *a, const char *name)
{
    bool takes;
    int i = opt_index(cmd, name, strlen(name), &takes);
    ASSERT(i >= 0);
    return a->set[i];
}

static const char *db_url(void)
{
    if (common_values[0]) {
        return common_values[0];
    }
    const char *env = getenv("CTIS_DB");
    return env && env[0] ? env : "ctis.db";
}

static char *key_path(const char *url)
{
    return common_values[1] ? xstrdup(common_values[1]) : vault_key_path_for(url);
}

/* Progress on a terminal: "\r label  1234 rows". */
void cli_progress(const char *label, int64_t done, void *ctx)
{
    if (isatty(STDERR_FILENO)) {
        fprintf(stderr, "\r  %-24s %10lld", label, (long long)done);
        fflush(stderr);
    }
}

void cli_progress_bar(const char *label, double fraction, const char *detail, int64_t start_ms)
{
    if (!isatty(STDERR_FILENO)) {
        return;
    }
    int pct = (int)(fraction * 100.0);
    pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
    char bar[31];
    for (int i = 0; i < 30; i++) {
        bar[i] = i < pct * 30 / 100 ? '#' : ' ';
    }
    bar[30] = '\0';
    char left[32] = "";
    if (start_ms > 0 && fraction > 0.02 && fraction < 1.0) {
        double elapsed = (double)(util_now_ms() - start_ms) / 1000.0;
        long secs = (long)(elapsed / fraction - elapsed);
        snprintf(left, sizeof left, "  %ld:%02ld left", secs / 60, secs % 60);
    }
    fprintf(stderr, "\r  %s [%s] %3d%% %s%s   ", label, bar, pct, detail, left);
    fflush(stderr);
}

void cli_progress_end(void)
{
    if (isatty(STDERR_FILENO)) {
        fputc('\n', stderr);
    }
}

static void rotate_progress(int64_t done, void *ctx)
{
    cli_progress("re-sealed values", done, ctx);
}

void cli_env_close(struct env *e)
{
    vault_close(e->vault);
    store_close(e->store);
    free(e->key_path);
    memset(e, 0, sizeof *e);
}

/* Opens the database (checking its schema version unless any_version) and the vault. */
enum status cli_env_open(struct env *e, bool any_version)
{
    memset(e, 0, sizeof *e);
    const char *url = db_url();
    enum store_dialect dialect;
    enum status st = store_url_dialect(&dialect, url);
    if (st == STATUS_OK && dialect == STORE_SQLITE) {
        /* Opening a SQLite path creates the file: a mistyped --db would make an empty database. */
        const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
        if (!util_file_exists(path)) {
            return err_set(STATUS_NOT_FOUND, "no database at %s: run `ctis init` first, or give --db", path);
        }
    }
    if (st == STATUS_OK) {
        st = store_open(&e->store, url);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t version = 0;
    st = store_schema_version(e->store, &version);
    if (st == STATUS_OK && version == 0) {
        st = err_set(STATUS_NOT_FOUND, "%s is not a ctis database: run `ctis init` first", store_url_display(e->store));
    } else if (st == STATUS_OK && !any_version && version != store_schema_version_expected()) {
        st = err_set(STATUS_CONFLICT, "database schema version %lld, this program needs %lld: run `ctis migrate`",
                     (long long)version, (long long)store_schema_version_expected());
    }
    if (st == STATUS_OK) {
        e->key_path = key_path(url);
        st = vault_open(&e->vault, e->key_path, e->store);
    }
    if (st == STATUS_OK) {
        st = vocab_init(e->store);
    }
    if (st != STATUS_OK) {
        cli_env_close(e);
        return st;
    }
    auth_principal_operator(&e->who);
    e->ctx = (struct auth_ctx){e->store, e->vault, &e->who, "cli"};
    return STATUS_OK;
}

enum status cli_run_op(auth_op_fn fn, void *arg)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, fn, arg);
        cli_env_close(&e);
    }
    return st;
}

/* Reads one line (a password or passphrase) from stdin, without echo on a terminal. */
static char *read_secret(const char *prompt)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char line[PASSWORD_BYTES_MAX + 2];
    char *got = fgets(line, sizeof line, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (got == NULL) {
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    char *s = xstrdup(line);
    vault_wipe(line, sizeof line);
    return s;
}

void cli_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0);
    puts(s);
    free(s);
    json_decref(j);
}

/* init. */

struct init_args {
    const char *agency;
    const char *agency_type;
    const char *country;
    const char *admin;
    const char *password;
    char *one_time;
    int64_t admin_id;
};

static enum status op_init(const struct auth_ctx *ctx, void *p)
{
    struct init_args *a = p;
    enum status st = auth_roles_seed(ctx->store);
    if (st == STATUS_OK) {
        st = screening_sets_seed(ctx->store); /* the shipped indicator sets (part S) */
    }
    struct auth_agency *agency = NULL;
    struct auth_agency_input ai = {a->agency, a->agency_type, a->country ? a->country : "", -1};
    if (st == STATUS_OK) {
        st = auth_agency_create(ctx, &ai, &agency);
    }
    struct auth_user *u = NULL;
    if (st == STATUS_OK) {
        struct auth_user_input ui = {.username = a->admin,
                                     .display_name = "Administrator",
                                     .agency_id = agency->id,
                                     .role = "administrator",
                                     .scope = "all",
                                     .disabled = -1,
                                     .password = a->password};
        st = auth_user_create(ctx, &ui, &u, &a->one_time);
    }
    if (st == STATUS_OK) {
        a->admin_id = u->id;
        st = auth_audit(ctx, "system.init", "", 0, "ok", NULL);
    }
    auth_agency_free(agency);
    auth_user_free(u);
    return st;
}

static int cmd_init(const struct command *cmd, struct args *args)
{
    const char *url = db_url();
    char *kp = key_path(url);
    struct env e = {0};
    char *password = NULL, *demo_password = NULL;
    int rc = CLI_EXIT_OK;
    enum status st = store_open(&e.store, url);
    int64_t version = 0;
    if (st == STATUS_OK) {
        st = store_schema_version(e.store, &version);
    }
    if (st == STATUS_OK && version > 0) {
        st = err_set(STATUS_CONFLICT, "%s is already initialised", store_url_display(e.store));
    }
    if (st == STATUS_OK && !util_file_exists(kp)) {
        st = vault_key_file_create(kp);
        if (st == STATUS_OK) {
            fprintf(stderr,
                    "ctis: created master key file %s (mode 0600): keep it safe, and export it "
                    "with `ctis keys export`\n",
                    kp);
        }
    }
    if (st == STATUS_OK) {
        st = store_migrate(e.store, NULL);
    }
    if (st == STATUS_OK) {
        st = vault_open(&e.vault, kp, e.store);
    }
    if (st != STATUS_OK) {
        rc = cli_fail(st);
        goto out;
    }
    auth_principal_operator(&e.who);
    e.ctx = (struct auth_ctx){e.store, e.vault, &e.who, "cli"};
    if (cli_flag(cmd, args, "admin-password-stdin")) {
        password = read_secret("Administrator password: ");
        if (password == NULL) {
            rc = cli_fail(err_set(STATUS_INVALID, "no password on standard input"));
            goto out;
        }
    }
    struct init_args ia = {
        .agency = cli_opt(cmd, args, "agency") ? cli_opt(cmd, args, "agency") : "National Coordination Office",
        .agency_type =
            cli_opt(cmd, args, "agency-type") ? cli_opt(cmd, args, "agency-type") : "CentralGovernmentOrganisation",
        .country = cli_opt(cmd, args, "country"),
        .admin = cli_opt(cmd, args, "admin-user") ? cli_opt(cmd, args, "admin-user") : "admin",
        .password = password,
    };
    st = auth_run(&e.ctx, op_init, &ia);
    if (st != STATUS_OK) {
        rc = cli_fail(st);
        goto out;
    }
    if (cli_flag(cmd, args, "demo")) {
        rc = cli_demo_generate(&e.ctx, 8, 6, &demo_password);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (cli_json_out) {
        json_t *o = json_pack("{sssssI}", "database", store_url_display(e.store), "key_file", kp, "admin_id",
                              (json_int_t)ia.admin_id);
        json_object_set_new(o, "username", json_string(ia.admin));
        if (ia.one_time) {
            json_object_set_new(o, "password", json_string(ia.one_time));
        }
        if (demo_password) {
            json_object_set_new(o, "demo_password", json_string(demo_password));
        }
        cli_print_json(o);
    } else {
        printf("%s\n", i18n_get(i18n_lang_from_env(), "cli.init.done"));
        printf("database: %s\nkey file: %s\nusername: %s\n", store_url_display(e.store), kp, ia.admin);
        if (ia.one_time) {
            printf("password: %s\n", ia.one_time);
            printf("(a one-time password: it must be changed at first login, and two-factor set up)\n");
        }
        if (demo_password) {
            printf("demo users' password: %s\n", demo_password);
        }
    }
    free(ia.one_time);
out:
    if (password) {
        vault_wipe(password, strlen(password));
        free(password);
    }
    free(demo_password);
    free(kp);
    cli_env_close(&e);
    return rc;
}

static int cmd_migrate(const struct command *cmd, struct args *args)
{
    struct store *s = NULL;
    enum status st = store_open(&s, db_url());
    int applied = 0;
    if (st == STATUS_OK) {
        st = store_migrate(s, &applied);
    }
    if (st == STATUS_OK) {
        st = store_tx_begin(s, STORE_TX_WRITE);
        if (st == STATUS_OK) {
            st = auth_roles_seed(s);
            if (st == STATUS_OK) {
                st = screening_sets_seed(s); /* the shipped indicator sets (part S) */
            }
            st = st == STATUS_OK ? store_tx_commit(s) : (store_tx_rollback(s), st);
        }
    }
    int64_t version = 0;
    if (st == STATUS_OK) {
        st = store_schema_version(s, &version);
    }
    store_close(s);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(json_pack("{sisI}", "applied", applied, "version", (json_int_t)version));
    } else {
        printf("applied %d migration(s); schema version %lld\n", applied, (long long)version);
    }
    return CLI_EXIT_OK;
}

/* The vault meets a key id it does not know (rotated by another process): reload the keys on
 * a spare pool connection (the pool has two more connections than worker threads). */
static enum status serve_reload(struct vault *v, void *ctx)
{
    struct store_pool *pool = ctx;
    struct store *s = store_pool_acquire(pool);
    enum status st = vault_reload(v, s);
    store_pool_release(pool, s);
    return st;
}

static int cmd_serve(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    int64_t port = 8080, threads = HTTP_THREADS_DEFAULT;
    if (cli_opt(cmd, args, "port") &&
        (util_parse_i64(&port, cli_opt(cmd, args, "port")) != STATUS_OK || port < 0 || port > 65535)) {
        cli_env_close(&e);
        fprintf(stderr, "ctis serve: --port must be 0 to 65535\n");
        return CLI_EXIT_USAGE;
    }
    if (cli_opt(cmd, args, "threads") && (util_parse_i64(&threads, cli_opt(cmd, args, "threads")) != STATUS_OK ||
                                          threads < 1 || threads > HTTP_THREADS_MAX)) {
        cli_env_close(&e);
        fprintf(stderr, "ctis serve: --threads must be 1 to %d\n", HTTP_THREADS_MAX);
        return CLI_EXIT_USAGE;
    }
    struct store_pool *pool = NULL;
    st = store_pool_open(&pool, db_url(), (size_t)threads + 2);
    if (st != STATUS_OK) {
        cli_env_close(&e);
        return cli_fail(st);
    }
    vault_reloader_set(e.vault, serve_reload, pool);
    struct api_app app = {pool, e.vault, cli_opt(cmd, args, "tls-cert") != NULL};
    struct http_config cfg = {
        .bind_address = cli_opt(cmd, args, "bind") ? cli_opt(cmd, args, "bind") : "127.0.0.1",
        .port = (uint16_t)port,
        .threads = (unsigned)threads,
        .tls_cert_path = cli_opt(cmd, args, "tls-cert"),
        .tls_key_path = cli_opt(cmd, args, "tls-key"),
        .routes = api_routes,
        .routes_count = api_routes_count,
        .fallback = web_serve,
        .before = api_before,
        .after = api_after,
        .app = &app,
        .access_log = !cli_flag(cmd, args, "no-access-log"),
    };
    if ((cfg.tls_cert_path == NULL) != (cfg.tls_key_path == NULL)) {
        store_pool_close(pool);
        cli_env_close(&e);
        fprintf(stderr, "ctis serve: --tls-cert and --tls-key go together\n");
        return CLI_EXIT_USAGE;
    }
    struct http_server *srv = NULL;
    st = http_server_start(&srv, &cfg);
    if (st != STATUS_OK) {
        store_pool_close(pool);
        cli_env_close(&e);
        return cli_fail(st);
    }
    int64_t exported = 0;
    vault_keys_exported_at(&exported, e.store);
    if (exported == 0) {
        log_warn("the master key has never been exported: run `ctis keys export FILE` and keep the file safe");
    }
    struct task_reminder *reminder = NULL; /* part T: hourly e-mail digests, when turned on */
    if (task_reminder_start(pool, e.vault, &reminder) != STATUS_OK) {
        log_warn("task reminders: %s", err_last());
    }
    printf("ctis %s serving %s://%s:%u/ (database %s)\n", CTIS_VERSION, cfg.tls_cert_path ? "https" : "http",
           cfg.bind_address, http_server_port(srv), store_url_display(e.store));
    fflush(stdout);
    http_server_wait_signal();
    log_info("stopping: finishing requests in flight");
    http_server_stop(srv);
    task_reminder_stop(reminder);
    store_pool_close(pool);
    cli_env_close(&e);
    log_info("stopped");
    return CLI_EXIT_OK;
}

static void copy_progress(const char *table, int64_t rows, void *ctx)
{
    cli_progress(table, rows, ctx);
}

static int cmd_copy(const struct command *cmd, struct args *args)
{
    const char *from = cli_opt(cmd, args, "from"), *to = cli_opt(cmd, args, "to");
    if (from == NULL || to == NULL) {
        fprintf(stderr, "ctis copy: --from URL and --to URL are both needed\n");
        return CLI_EXIT_USAGE;
    }
    struct store *src = NULL, *dst = NULL;
    struct vault *v = NULL;
    char *kp = common_values[1] ? xstrdup(common_values[1]) : vault_key_path_for(from);
    int rc = CLI_EXIT_OK;
    enum status st = store_open(&src, from);
    if (st == STATUS_OK) {
        /* A key file that cannot open the source would make a copy nobody can read: refuse first. */
        st = vault_key_file_check(kp, src);
    }
    if (st == STATUS_OK) {
        st = store_open(&dst, to);
    }
    if (st == STATUS_OK) {
        st = store_migrate(dst, NULL);
    }
    if (st == STATUS_OK) {
        st = store_copy(src, dst, copy_progress, NULL);
        cli_progress_end();
    }
    /* The copy carries the wrapped keys: the same key file opens it. Check that, and the chain. */
    struct audit_verify_result res = {0};
    if (st == STATUS_OK) {
        st = vault_open(&v, kp, dst);
    }
    if (st == STATUS_OK) {
        st = audit_verify(dst, v, &res);
    }
    if (st != STATUS_OK) {
        rc = cli_fail(st);
    } else if (cli_json_out) {
        cli_print_json(json_pack("{sssssbsI}", "from", store_url_display(src), "to", store_url_display(dst), "verified",
                                 1, "audit_entries", (json_int_t)res.entries));
    } else {
        printf("copied %s to %s; counts and checksums match; audit chain of %lld entries verifies\n",
               store_url_display(src), store_url_display(dst), (long long)res.entries);
        printf("the copy opens with the same key file: %s\n", kp);
    }
    vault_close(v);
    store_close(src);
    store_close(dst);
    free(kp);
    return rc;
}

/* user. */

enum status cli_agency_lookup(struct env *e, const char *ref, int64_t *id_out)
{
    if (ref == NULL) {
        return err_set_field(STATUS_INVALID, "agency", "--agency is needed (a name or id)");
    }
    int64_t id;
    struct store_rows *r = NULL;
    if (util_parse_i64(&id, ref) == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id)};
        enum status st = store_exec_one(e->store, STMT_AGENCY_GET, a, 1, &r);
        store_rows_free(r);
        *id_out = id;
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no agency with id %lld", (long long)id) : st;
    }
    struct sql_value a[] = {sqlv_text(ref)};
    enum status st = store_exec_one(e->store, STMT_AGENCY_BY_NAME, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no agency named \"%s\"", ref);
    }
    if (st == STATUS_OK) {
        *id_out = store_rows_i64(r, 0);
        store_rows_free(r);
    }
    return st;
}

enum status cli_user_lookup(struct env *e, const char *username, int64_t *id_out)
{
    struct sql_value a[] = {sqlv_text(username)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(e->store, STMT_USER_BY_USERNAME, a, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no user named \"%s\"", username);
    }
    if (st == STATUS_OK) {
        *id_out = store_rows_i64(r, 0);
        store_rows_free(r);
    }
    return st;
}

struct user_op {
    struct auth_user_input in;
    int64_t id;
    struct auth_user *user;
    struct auth_user **list;
    size_t count;
    char *password;
    char *secret;
    bool totp;
    const char *action;
};

static enum status op_user_add(const struct auth_ctx *ctx, void *p)
{
    struct user_op *o = p;
    enum status st = auth_user_create(ctx, &o->in, &o->user, &o->password);
    if (st == STATUS_OK && o->totp) {
        st = auth_totp_enrol(ctx, o->user->id, &o->secret);
        o->user->totp_enabled = st == STATUS_OK;
    }
    return st;
}

static json_t *user_to_json(const struct auth_user *u)
{
    json_t *o = json_pack("{sIsIsssssssbsbsI}", "id", (json_int_t)u->id, "agency_id", (json_int_t)u->agency_id,
                          "username", u->username, "role", u->role, "scope", auth_scope_name(u->scope), "disabled",
                          u->disabled, "totp_enabled", u->totp_enabled, "version", (json_int_t)u->version);
    if (u->display_name) {
        json_object_set_new(o, "display_name", json_string(u->display_name));
    }
    if (u->email) {
        json_object_set_new(o, "email", json_string(u->email));
    }
    return o;
}

static int cmd_user_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct user_op o = {.in = {.username = args->pos[0],
                               .display_name = cli_opt(cmd, args, "display-name"),
                               .email = cli_opt(cmd, args, "email"),
                               .role = cli_opt(cmd, args, "role"),
                               .scope = cli_opt(cmd, args, "scope"),
                               .disabled = -1},
                        .totp = cli_flag(cmd, args, "totp")};
    char *password = NULL;
    int rc = CLI_EXIT_OK;
    st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.in.agency_id);
    if (st == STATUS_OK && cli_flag(cmd, args, "password-stdin")) {
        password = read_secret("Password: ");
        if (password == NULL) {
            st = err_set(STATUS_INVALID, "no password on standard input");
        }
        o.in.password = password;
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_user_add, &o);
    }
    if (st != STATUS_OK) {
        rc = cli_fail(st);
    } else if (cli_json_out) {
        json_t *j = user_to_json(o.user);
        if (o.password) {
            json_object_set_new(j, "one_time_password", json_string(o.password));
        }
        if (o.secret) {
            json_object_set_new(j, "totp_secret", json_string(o.secret));
        }
        cli_print_json(j);
    } else {
        printf("created user %s (id %lld)\n", o.user->username, (long long)o.user->id);
        if (o.password) {
            printf("password: %s\n(a one-time password: it must be changed at first login)\n", o.password);
        }
        if (o.secret) {
            printf("totp secret: %s\n", o.secret);
        }
    }
    if (password) {
        vault_wipe(password, strlen(password));
    }
    free(password);
    free(o.password);
    free(o.secret);
    auth_user_free(o.user);
    cli_env_close(&e);
    return rc;
}

/* Every page, not only the first. */
static enum status op_user_list(const struct auth_ctx *ctx, void *p)
{
    struct user_op *o = p;
    enum status st = STATUS_OK;
    for (int64_t offset = 0; st == STATUS_OK; offset += PAGE_ROWS_MAX) {
        struct auth_user **page = NULL;
        size_t n = 0;
        st = auth_user_list(ctx, PAGE_ROWS_MAX, offset, &page, &n);
        if (st != STATUS_OK) {
            break;
        }
        o->list = xrealloc(o->list, (o->count + n + 1) * sizeof *o->list);
        memcpy(o->list + o->count, page, n * sizeof *page);
        o->count += n;
        free(page);
        if (n < PAGE_ROWS_MAX) {
            break;
        }
    }
    return st;
}

static int cmd_user_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct user_op o = {0};
    st = auth_run(&e.ctx, op_user_list, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *arr = json_array();
            for (size_t i = 0; i < o.count; i++) {
                json_array_append_new(arr, user_to_json(o.list[i]));
            }
            cli_print_json(arr);
        } else {
            printf("%-20s %-22s %-8s %-8s %s\n", "USERNAME", "ROLE", "SCOPE", "2FA", "STATE");
            for (size_t i = 0; i < o.count; i++) {
                const struct auth_user *u = o.list[i];
                printf("%-20s %-22s %-8s %-8s %s\n", u->username, u->role, auth_scope_name(u->scope),
                       u->totp_enabled ? "yes" : "no",
                       u->disabled ? "disabled"
                       : u->locked ? "locked"
                                   : "active");
            }
        }
    }
    auth_user_list_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_user_change(const struct auth_ctx *ctx, void *p)
{
    struct user_op *o = p;
    if (strcmp(o->action, "reset-2fa") == 0) {
        return auth_user_reset_2fa(ctx, o->id);
    }
    if (strcmp(o->action, "reset-password") == 0) {
        return auth_user_reset_password(ctx, o->id, &o->password);
    }
    if (strcmp(o->action, "set-password") == 0) {
        return auth_user_set_password(ctx, o->id, o->in.password);
    }
    struct auth_user *cur = NULL;
    enum status st = auth_user_get(ctx, o->id, &cur);
    if (st == STATUS_OK) {
        struct auth_user_input in = {.disabled = strcmp(o->action, "disable") == 0 ? 1 : 0};
        st = auth_user_update(ctx, o->id, cur->version, &in, &o->user);
    }
    auth_user_free(cur);
    return st;
}

static int user_change(const struct command *cmd, struct args *args, const char *action)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct user_op o = {.action = action};
    char *password = NULL;
    st = cli_user_lookup(&e, args->pos[0], &o.id);
    if (st == STATUS_OK && strcmp(action, "set-password") == 0) {
        password = read_secret("New password: ");
        o.in.password = password;
        if (password == NULL) {
            st = err_set(STATUS_INVALID, "no password on standard input");
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_user_change, &o);
    }
    if (st == STATUS_OK) {
        printf("%s: %s done\n", args->pos[0], action);
        if (o.password) {
            printf("password: %s\n(a one-time password: it must be changed at first login)\n", o.password);
        }
    }
    if (password) {
        vault_wipe(password, strlen(password));
    }
    free(password);
    free(o.password);
    auth_user_free(o.user);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_user_disable(const struct command *cmd, struct args *a)
{
    return user_change(cmd, a, "disable");
}
static int cmd_user_enable(const struct command *cmd, struct args *a)
{
    return user_change(cmd, a, "enable");
}
static int cmd_user_reset_2fa(const struct command *cmd, struct args *a)
{
    return user_change(cmd, a, "reset-2fa");
}
static int cmd_user_reset_password(const struct command *cmd, struct args *a)
{
    return user_change(cmd, a, "reset-password");
}
static int cmd_user_set_password(const struct command *cmd, struct args *a)
{
    return user_change(cmd, a, "set-password");
}

/* agency. */

struct agency_op {
    struct auth_agency_input in;
    struct auth_agency *agency;
    struct auth_agency **list;
    size_t count;
};

static enum status op_agency_add(const struct auth_ctx *ctx, void *p)
{
    struct agency_op *o = p;
    return auth_agency_create(ctx, &o->in, &o->agency);
}

static enum status op_agency_list(const struct auth_ctx *ctx, void *p)
{
    struct agency_op *o = p;
    enum status st = STATUS_OK;
    for (int64_t offset = 0; st == STATUS_OK; offset += PAGE_ROWS_MAX) {
        struct auth_agency **page = NULL;
        size_t n = 0;
        st = auth_agency_list(ctx, PAGE_ROWS_MAX, offset, &page, &n);
        if (st != STATUS_OK) {
            break;
        }
        o->list = xrealloc(o->list, (o->count + n + 1) * sizeof *o->list);
        memcpy(o->list + o->count, page, n * sizeof *page);
        o->count += n;
        free(page);
        if (n < PAGE_ROWS_MAX) {
            break;
        }
    }
    return st;
}

static json_t *agency_to_json(const struct auth_agency *a)
{
    return json_pack("{sIsssssssbsI}", "id", (json_int_t)a->id, "name", a->name, "org_type", a->org_type, "country",
                     a->country, "disabled", a->disabled, "version", (json_int_t)a->version);
}

static int cmd_agency_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct agency_op o = {.in = {args->pos[0], cli_opt(cmd, args, "type"), cli_opt(cmd, args, "country"), -1}};
    st = auth_run(&e.ctx, op_agency_add, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(agency_to_json(o.agency));
        } else {
            printf("created agency %s (id %lld)\n", o.agency->name, (long long)o.agency->id);
        }
    }
    auth_agency_free(o.agency);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_agency_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct agency_op o = {0};
    st = auth_run(&e.ctx, op_agency_list, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *arr = json_array();
            for (size_t i = 0; i < o.count; i++) {
                json_array_append_new(arr, agency_to_json(o.list[i]));
            }
            cli_print_json(arr);
        } else {
            printf("%-18s %-40s %-30s %s\n", "ID", "NAME", "TYPE", "COUNTRY");
            for (size_t i = 0; i < o.count; i++) {
                printf("%-18lld %-40s %-30s %s\n", (long long)o.list[i]->id, o.list[i]->name, o.list[i]->org_type,
                       o.list[i]->country);
            }
        }
    }
    auth_agency_list_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* audit. */

struct audit_op {
    struct audit_filter f;
    struct audit_entry *list;
    size_t count;
    struct audit_verify_result res;
};

static enum status op_audit_verify(const struct auth_ctx *ctx, void *p)
{
    struct audit_op *o = p;
    enum status st = auth_audit_verify(ctx, &o->res);
    return st == STATUS_CRYPTO && o->res.first_bad_seq ? STATUS_OK : st;
}

static int cmd_audit_verify(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, true);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct audit_op o = {0};
    st = auth_run(&e.ctx, op_audit_verify, &o);
    cli_env_close(&e);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    bool ok = o.res.first_bad_seq == 0;
    if (cli_json_out) {
        json_t *j = json_pack("{sbsI}", "ok", ok, "entries", (json_int_t)o.res.entries);
        if (!ok) {
            json_object_set_new(j, "first_bad_seq", json_integer(o.res.first_bad_seq));
            json_object_set_new(j, "reason", json_string(o.res.reason));
        }
        cli_print_json(j);
    } else if (ok) {
        printf("audit chain intact: %lld entries\n", (long long)o.res.entries);
    } else {
        printf("audit chain BROKEN at entry %lld: %s\n", (long long)o.res.first_bad_seq, o.res.reason);
    }
    return ok ? CLI_EXIT_OK : CLI_EXIT_INTEGRITY;
}

static enum status op_audit_show(const struct auth_ctx *ctx, void *p)
{
    struct audit_op *o = p;
    return auth_audit_list(ctx, &o->f, &o->list, &o->count);
}

static int cmd_audit_show(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, true);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct audit_op o = {.f = {.limit = 100}};
    const char *user = cli_opt(cmd, args, "user");
    if (user && util_parse_i64(&o.f.user_id, user) != STATUS_OK) {
        st = cli_user_lookup(&e, user, &o.f.user_id);
    }
    o.f.record_type = cli_opt(cmd, args, "record-type");
    if (st == STATUS_OK && cli_opt(cmd, args, "record-id") &&
        util_parse_i64(&o.f.record_id, cli_opt(cmd, args, "record-id")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "record-id", "--record-id: a whole number");
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "from")) {
        st = util_time_parse(&o.f.from_ms, cli_opt(cmd, args, "from"));
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "to")) {
        st = util_time_parse_end(&o.f.to_ms, cli_opt(cmd, args, "to"));
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "limit") &&
        util_parse_i64(&o.f.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "limit", "--limit: a whole number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_audit_show, &o);
    }
    if (st == STATUS_OK) {
        json_t *arr = cli_json_out ? json_array() : NULL;
        for (size_t i = 0; i < o.count; i++) {
            const struct audit_entry *x = &o.list[i];
            char when[32];
            util_time_iso(when, x->at_ms);
            if (arr) {
                json_array_append_new(arr,
                                      json_pack("{sIsssssssssIssssssss}", "seq", (json_int_t)x->seq, "at", when,
                                                "actor", x->actor, "action", x->action, "record_type", x->record_type,
                                                "record_id", (json_int_t)x->record_id, "field_group", x->field_group,
                                                "client", x->client, "outcome", x->outcome, "detail", x->detail));
            } else {
                printf("%6lld %s %-16s %-22s %-8s %s%s%lld %s %s %s\n", (long long)x->seq, when, x->actor, x->action,
                       x->outcome, x->record_type, x->record_type[0] ? ":" : "", (long long)x->record_id,
                       x->field_group, x->client, x->detail);
            }
        }
        if (arr) {
            cli_print_json(arr);
        }
    }
    audit_entries_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* keys. */

static char *passphrase_get(bool confirm)
{
    char *p = read_secret("Passphrase: ");
    if (p != NULL && confirm && isatty(STDIN_FILENO)) {
        char *q = read_secret("Passphrase again: ");
        if (q == NULL || strcmp(p, q) != 0) {
            fprintf(stderr, "ctis: the passphrases differ\n");
            free(p);
            p = NULL;
        }
        free(q);
    }
    return p;
}

static int cmd_keys_export(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, true);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    char *pass = passphrase_get(true);
    if (pass == NULL) {
        cli_env_close(&e);
        return cli_fail(err_set(STATUS_INVALID, "no passphrase given"));
    }
    st = vault_keys_export(e.vault, e.store, args->pos[0], pass);
    if (st == STATUS_OK) {
        struct auth_ctx *c = &e.ctx;
        store_tx_begin(e.store, STORE_TX_WRITE);
        st = auth_audit(c, "keys.export", "", 0, "ok", NULL);
        st = st == STATUS_OK ? store_tx_commit(e.store) : (store_tx_rollback(e.store), st);
    }
    vault_wipe(pass, strlen(pass));
    free(pass);
    cli_env_close(&e);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    printf("master key exported to %s (encrypted with the passphrase); store it apart from the database\n",
           args->pos[0]);
    return CLI_EXIT_OK;
}

static int cmd_keys_import(const struct command *cmd, struct args *args)
{
    char *kp = key_path(db_url());
    char *pass = passphrase_get(false);
    enum status st = pass ? vault_keys_import(args->pos[0], pass, kp) : err_set(STATUS_INVALID, "no passphrase");
    if (pass) {
        vault_wipe(pass, strlen(pass));
    }
    free(pass);
    if (st == STATUS_OK) {
        printf("key file written: %s\n", kp);
    }
    free(kp);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_keys_rotate(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = vault_keys_rotate(e.vault, e.store, rotate_progress, NULL);
    cli_progress_end();
    if (st == STATUS_OK) {
        store_tx_begin(e.store, STORE_TX_WRITE);
        st = auth_audit(&e.ctx, "keys.rotate", "", 0, "ok", NULL);
        st = st == STATUS_OK ? store_tx_commit(e.store) : (store_tx_rollback(e.store), st);
    }
    int64_t active = st == STATUS_OK ? vault_active_key_id(e.vault) : 0;
    cli_env_close(&e);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    printf("rotation complete: every sealed value is under data key %lld\n", (long long)active);
    return CLI_EXIT_OK;
}

static int cmd_keys_rotate_master(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = vault_master_rotate(e.vault, e.store, e.key_path);
    if (st == STATUS_OK) {
        store_tx_begin(e.store, STORE_TX_WRITE);
        st = auth_audit(&e.ctx, "keys.rotate_master", "", 0, "ok", NULL);
        st = st == STATUS_OK ? store_tx_commit(e.store) : (store_tx_rollback(e.store), st);
    }
    char *kp = xstrdup(e.key_path);
    cli_env_close(&e);
    if (st != STATUS_OK) {
        free(kp);
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(json_pack("{sbsssb}", "rotated", 1, "key_file", kp, "export_needed", 1));
    } else {
        printf("master key rotated: %s holds the new key\n", kp);
    }
    fprintf(stderr,
            "ctis: the old key file and its exports no longer open this database (keep them with the "
            "backups taken before today); run `ctis keys export FILE` now, and copy %s to every server\n",
            kp);
    free(kp);
    return CLI_EXIT_OK;
}

/* backup and restore. */

static int cmd_backup(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    int64_t exported = 0;
    vault_keys_exported_at(&exported, e.store);
    if (exported == 0) {
        fprintf(stderr, "ctis: warning: the master key has never been exported; a backup is useless without "
                        "it: run `ctis keys export FILE`\n");
    }
    store_tx_begin(e.store, STORE_TX_WRITE);
    st = auth_audit(&e.ctx, "system.backup", "", 0, "ok", NULL);
    st = st == STATUS_OK ? store_tx_commit(e.store) : (store_tx_rollback(e.store), st);
    if (st == STATUS_OK) {
        st = store_backup(e.store, args->pos[0], copy_progress, NULL);
        cli_progress_end();
    }
    cli_env_close(&e);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    printf("backup written to %s\n", args->pos[0]);
    return CLI_EXIT_OK;
}

static enum status restore_key_check(struct store *s, void *key_path)
{
    return vault_key_file_check(key_path, s);
}

static int cmd_restore(const struct command *cmd, struct args *args)
{
    enum status st = store_backup_verify(args->pos[0]);
    if (st != STATUS_OK) {
        cli_fail(st);
        return st == STATUS_NOT_FOUND ? CLI_EXIT_NOT_FOUND : CLI_EXIT_INTEGRITY;
    }
    char *kp = key_path(db_url());
    if (!util_file_exists(kp)) {
        st = err_set(STATUS_NOT_FOUND,
                     "the key file %s is needed to read the restored data: give --key-file, "
                     "or `ctis keys import` the exported key first",
                     kp);
        free(kp);
        return cli_fail(st);
    }
    struct store *s = NULL;
    st = store_open(&s, db_url());
    if (st == STATUS_OK) {
        st = store_migrate(s, NULL);
    }
    if (st == STATUS_OK) {
        /* The key is checked against the restored keys before COMMIT: a wrong key file keeps
         * nothing, and the restore can simply be run again with the right one. */
        st = store_restore(s, args->pos[0], copy_progress, NULL, restore_key_check, kp);
        cli_progress_end();
    }
    struct vault *v = NULL;
    struct audit_verify_result res = {0};
    if (st == STATUS_OK) {
        st = vault_open(&v, kp, s);
    }
    if (st == STATUS_OK) {
        st = audit_verify(s, v, &res);
    }
    vault_close(v);
    free(kp);
    store_close(s);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    printf("restored %s into %s; audit chain of %lld entries verifies\n", args->pos[0], db_url(),
           (long long)res.entries);
    return CLI_EXIT_OK;
}

/* token. */

struct token_op {
    int64_t user_id;
    const char *name;
    int64_t days;
    char *token;
    int64_t id;
};

static enum status op_token_create(const struct auth_ctx *ctx, void *p)
{
    struct token_op *o = p;
    return auth_token_create(ctx, o->user_id, o->name, o->days, &o->token, &o->id);
}

static int cmd_token_create(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct token_op o = {.name = cli_opt(cmd, args, "name") ? cli_opt(cmd, args, "name") : "cli", .days = 90};
    if (cli_opt(cmd, args, "user") == NULL) {
        st = err_set_field(STATUS_INVALID, "user", "--user USERNAME is needed");
    } else {
        st = cli_user_lookup(&e, cli_opt(cmd, args, "user"), &o.user_id);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "days") &&
        util_parse_i64(&o.days, cli_opt(cmd, args, "days")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "days", "--days: a whole number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_token_create, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sssI}", "token", o.token, "id", (json_int_t)o.id));
        } else {
            printf("token: %s\n(shown once: store it now)\n", o.token);
        }
    }
    free(o.token);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_demo(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    char *password = NULL;
    int rc = cli_demo_generate(&e.ctx, 8, 6, &password);
    if (rc == CLI_EXIT_OK) {
        printf("demo data added; demo users' password: %s\n", password);
    }
    free(password);
    cli_env_close(&e);
    return rc;
}

/* cases. */

struct case_op {
    int64_t id;
    int64_t version;
    struct case_record in;
    uint64_t mask;
    struct case_record *out;
    int64_t merge_id, merge_version;
    struct case_filter f;
    struct case_record **list;
    size_t count;
    int64_t owner;
    const char *status;
    const char *reason;
    const char *by[3];
    size_t by_count;
    int64_t from_ms, to_ms;
    struct case_stat_row *rows;
    struct case_change *history;
    struct case_duplicate *dups;
    size_t ndups;
};

/* Reads --fields JSON: inline text, @FILE, or - for standard input. */
static enum status fields_json_read(const char *arg, json_t **out)
{
    json_error_t jerr;
    if (arg == NULL) {
        return err_set_field(STATUS_INVALID, "fields", "--fields '{\"gender\": \"Feminine\", ...}' is needed");
    }
    if (strcmp(arg, "-") == 0) {
        *out = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
    } else if (arg[0] == '@') {
        *out = json_load_file(arg + 1, JSON_REJECT_DUPLICATES, &jerr);
    } else {
        *out = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
    }
    if (*out == NULL || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set_field(STATUS_INVALID, "fields", "--fields: a JSON object of fields (line %d: %s)", jerr.line,
                             jerr.text);
    }
    return STATUS_OK;
}

static void case_print(const struct case_record *r)
{
    if (cli_json_out) {
        cli_print_json(case_record_to_json(r));
        return;
    }
    char t[32];
    util_time_iso(t, r->opened_at_ms);
    printf("case %lld  status %s  version %lld  opened %s%s\n", (long long)r->id, r->status, (long long)r->version, t,
           r->restricted ? "  restricted" : "");
    if (r->merged_into) {
        printf("  merged into case %lld\n", (long long)r->merged_into);
    }
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (r->withheld[f]) {
            printf("  %-28s (withheld)\n", case_fields[f].name);
        } else if (r->v[f].state != CASE_NOT_COLLECTED) {
            char *v = case_value_format(r, (enum case_field_id)f);
            printf("  %-28s %s\n", case_fields[f].name, v);
            free(v);
        }
    }
}

static enum status op_case_add(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    enum status st = case_create(ctx, &o->in, &o->out);
    if (st == STATUS_OK) {
        st = case_duplicates(ctx, o->out->id, &case_scorer_simple, 10, &o->dups, &o->ndups);
    }
    return st;
}

static void dups_print(const struct case_duplicate *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("  likely duplicate: case %lld, score %.2f (%s)\n", (long long)d[i].id, d[i].score, d[i].why);
    }
}

static enum status op_case_dups(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    return case_duplicates(ctx, o->id, &case_scorer_simple, 50, &o->dups, &o->ndups);
}

static int cmd_case_duplicates(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {0};
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_dups, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *arr = json_array();
            for (size_t i = 0; i < o.ndups; i++) {
                json_array_append_new(arr, json_pack("{sIsfss}", "id", (json_int_t)o.dups[i].id, "score",
                                                     o.dups[i].score, "why", o.dups[i].why));
            }
            cli_print_json(arr);
        } else if (o.ndups == 0) {
            printf("no likely duplicates of case %lld\n", (long long)o.id);
        } else {
            dups_print(o.dups, o.ndups);
        }
    }
    free(o.dups);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {0};
    case_record_init(&o.in);
    json_t *fields = NULL;
    st = fields_json_read(cli_opt(cmd, args, "fields"), &fields);
    if (st == STATUS_OK) {
        st = case_record_from_json(&o.in, fields, false);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "agency")) {
        st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.in.agency_id);
    }
    o.in.restricted = cli_flag(cmd, args, "restricted");
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_add, &o);
    }
    if (st == STATUS_OK) {
        case_print(o.out);
        if (!cli_json_out) {
            dups_print(o.dups, o.ndups);
        }
    }
    free(o.dups);
    json_decref(fields);
    case_record_clear(&o.in);
    case_record_free(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_case_show(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    enum status st = case_get(ctx, o->id, &o->out);
    if (st == STATUS_OK && o->status != NULL) {
        st = case_history(ctx, o->id, &o->history, &o->count);
    }
    return st;
}

static int cmd_case_show(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {0};
    st = util_parse_i64(&o.id, args->pos[0]);
    if (st != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    o.status = cli_flag(cmd, args, "history") ? "history" : NULL;
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_show, &o);
    }
    if (st == STATUS_OK) {
        case_print(o.out);
        for (size_t i = 0; !cli_json_out && i < o.count; i++) {
            char t[32], *c = json_dumps(o.history[i].changes, JSON_COMPACT | JSON_SORT_KEYS);
            util_time_iso(t, o.history[i].at_ms);
            char from[40] = "";
            if (o.history[i].case_id != o.id) {
                snprintf(from, sizeof from, " (case %lld)", (long long)o.history[i].case_id);
            }
            printf("  v%-3lld %s %-16s %-8s %s%s\n", (long long)o.history[i].version, t, o.history[i].actor,
                   o.history[i].action, c ? c : "", from);
            free(c);
        }
    }
    case_history_free(o.history, o.count);
    case_record_free(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_case_list(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    return case_list(ctx, &o->f, &o->list, &o->count);
}

static int cmd_case_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {.f = {.limit = PAGE_ROWS_DEFAULT}};
    o.f.name = cli_opt(cmd, args, "name");
    o.f.birth_date = cli_opt(cmd, args, "birth-date");
    o.f.identity_number = cli_opt(cmd, args, "identity-number");
    o.f.phone = cli_opt(cmd, args, "phone");
    o.f.status = cli_opt(cmd, args, "status");
    o.f.citizenship = cli_opt(cmd, args, "citizenship");
    if (cli_opt(cmd, args, "limit") && util_parse_i64(&o.f.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "limit", "--limit: a number");
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "offset") &&
        util_parse_i64(&o.f.offset, cli_opt(cmd, args, "offset")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "offset", "--offset: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_list, &o);
    }
    if (st == STATUS_OK) {
        json_t *arr = cli_json_out ? json_array() : NULL;
        if (!cli_json_out) {
            printf("%-18s %-14s %-8s %-22s %-4s %s\n", "ID", "STATUS", "VERSION", "GENDER", "CIT", "NAME");
        }
        for (size_t i = 0; i < o.count; i++) {
            const struct case_record *r = o.list[i];
            if (arr) {
                json_array_append_new(arr, case_record_to_json(r));
                continue;
            }
            printf("%-18lld %-14s %-8lld %-22s %-4s %s %s\n", (long long)r->id, r->status, (long long)r->version,
                   r->v[CASE_F_gender].text ? r->v[CASE_F_gender].text : "",
                   r->v[CASE_F_citizenship].text ? r->v[CASE_F_citizenship].text : "",
                   r->v[CASE_F_given_name].text ? r->v[CASE_F_given_name].text : "",
                   r->v[CASE_F_family_name].text ? r->v[CASE_F_family_name].text : "");
        }
        if (arr) {
            cli_print_json(arr);
        }
    }
    case_list_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_case_change(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    enum status st;
    if (o->status != NULL && strcmp(o->status, "merge") == 0) {
        return case_merge(ctx, o->id, o->version, o->merge_id, o->merge_version, &o->out);
    } else if (o->status != NULL && strcmp(o->status, "assign") == 0) {
        st = case_assign(ctx, o->id, o->version, o->owner);
    } else if (o->status != NULL && strcmp(o->status, "reopen") == 0) {
        st = case_reopen(ctx, o->id, o->version);
    } else if (o->status != NULL && strcmp(o->status, "follow-up") == 0) {
        st = case_follow_up(ctx, o->id, o->version);
    } else if (o->status != NULL) {
        st = case_close(ctx, o->id, o->version, o->status, o->reason);
    } else {
        return case_update(ctx, o->id, o->version, &o->in, o->mask, &o->out);
    }
    return st == STATUS_OK ? case_get(ctx, o->id, &o->out) : st;
}

/* update, assign, close, reopen: CASE_ID and --version, then what changes. */
static int case_change(const struct command *cmd, struct args *args, const char *what)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {0};
    case_record_init(&o.in);
    json_t *fields = NULL;
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    } else if (cli_opt(cmd, args, "version") == NULL ||
               util_parse_i64(&o.version, cli_opt(cmd, args, "version")) != STATUS_OK) {
        st = err_set_field(STATUS_INVALID, "version", "--version: the version you read (ctis case show)");
    }
    if (st == STATUS_OK && strcmp(what, "update") == 0) {
        st = fields_json_read(cli_opt(cmd, args, "fields"), &fields);
        if (st == STATUS_OK) {
            st = case_record_from_json(&o.in, fields, true); /* refuses unknown fields */
        }
        const char *key;
        json_t *v;
        json_object_foreach(st == STATUS_OK ? fields : NULL, key, v)
        {
            o.mask |= (uint64_t)1 << case_field_find(key);
        }
    } else if (st == STATUS_OK && strcmp(what, "assign") == 0) {
        o.status = "assign";
        const char *owner = cli_opt(cmd, args, "owner");
        if (owner == NULL) {
            st = err_set_field(STATUS_INVALID, "owner", "--owner USERNAME is needed");
        } else if (util_parse_i64(&o.owner, owner) != STATUS_OK) {
            st = cli_user_lookup(&e, owner, &o.owner);
        }
    } else if (st == STATUS_OK && strcmp(what, "reopen") == 0) {
        o.status = "reopen";
    } else if (st == STATUS_OK && strcmp(what, "follow-up") == 0) {
        o.status = "follow-up";
    } else if (st == STATUS_OK && strcmp(what, "merge") == 0) {
        o.status = "merge";
        if (util_parse_i64(&o.merge_id, args->pos[1]) != STATUS_OK) {
            st = err_set(STATUS_INVALID, "DUPLICATE_ID: a number");
        } else if (cli_opt(cmd, args, "merge-version") == NULL ||
                   util_parse_i64(&o.merge_version, cli_opt(cmd, args, "merge-version")) != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, "merge-version", "--merge-version: the duplicate's version you read");
        }
    } else if (st == STATUS_OK) {
        o.status = cli_opt(cmd, args, "status") ? cli_opt(cmd, args, "status") : "Closed";
        o.reason = cli_opt(cmd, args, "reason");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_change, &o);
    }
    if (st == STATUS_OK) {
        case_print(o.out);
    }
    json_decref(fields);
    case_record_clear(&o.in);
    case_record_free(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_update(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "update");
}
static int cmd_case_follow_up(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "follow-up");
}

struct grant_op {
    int64_t id, user;
    bool grant, change;
    struct case_grant *list;
    size_t count;
};

static enum status op_case_grant(const struct auth_ctx *ctx, void *p)
{
    struct grant_op *o = p;
    enum status st = o->change ? case_grant(ctx, o->id, o->user, o->grant) : STATUS_OK;
    return st == STATUS_OK ? case_grants(ctx, o->id, &o->list, &o->count) : st;
}

/* case grant|revoke CASE_ID --user USER, and case grants CASE_ID: the users named on a case. */
static int case_grants_cmd(const struct command *cmd, struct args *args, bool change, bool grant)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct grant_op o = {.grant = grant, .change = change};
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    } else if (change) {
        const char *u = cli_opt(cmd, args, "user");
        if (u == NULL) {
            st = err_set_field(STATUS_INVALID, "user", "--user USERNAME is needed");
        } else if (util_parse_i64(&o.user, u) != STATUS_OK) {
            st = cli_user_lookup(&e, u, &o.user);
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_grant, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            char t[32];
            util_time_iso(t, o.list[i].granted_at_ms);
            json_array_append_new(arr, json_pack("{sIss}", "user_id", (json_int_t)o.list[i].user_id, "granted_at", t));
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.count; i++) {
            char t[32];
            util_time_iso(t, o.list[i].granted_at_ms);
            printf("user %lld  named %s\n", (long long)o.list[i].user_id, t);
        }
        if (o.count == 0) {
            printf("nobody is named on case %lld\n", (long long)o.id);
        }
    }
    free(o.list);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_grant(const struct command *cmd, struct args *a)
{
    return case_grants_cmd(cmd, a, true, true);
}
static int cmd_case_revoke(const struct command *cmd, struct args *a)
{
    return case_grants_cmd(cmd, a, true, false);
}
static int cmd_case_grants(const struct command *cmd, struct args *a)
{
    return case_grants_cmd(cmd, a, false, false);
}

static int cmd_case_merge(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "merge");
}
static int cmd_case_assign(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "assign");
}
static int cmd_case_close(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "close");
}
static int cmd_case_reopen(const struct command *cmd, struct args *a)
{
    return case_change(cmd, a, "reopen");
}

static enum status op_stats_victims(const struct auth_ctx *ctx, void *p)
{
    struct case_op *o = p;
    return case_stats_victims(ctx, o->by, o->by_count, o->from_ms, o->to_ms, &o->rows, &o->count);
}

/* --release (issue 6 item 4): the exact rows go through disclosure control (src/stats/release.h). */
struct victims_release {
    struct case_op *o;
    struct stats_release_spec spec;
    json_t *inputs;
    json_t *out;
};

static enum status op_stats_victims_release(const struct auth_ctx *ctx, void *p)
{
    struct victims_release *v = p;
    case_stats_free(v->o->rows, v->o->count);
    v->o->rows = NULL;
    v->o->count = 0;
    json_decref(v->out);
    v->out = NULL;
    enum status st = op_stats_victims(ctx, v->o);
    if (st != STATUS_OK) {
        return st;
    }
    struct stats_row *rows = xcalloc(v->o->count ? v->o->count : 1, sizeof *rows);
    for (size_t i = 0; i < v->o->count; i++) {
        for (size_t d = 0; d < v->o->by_count; d++) {
            rows[i].keys[d] = v->o->rows[i].keys[d];
        }
        rows[i].count = v->o->rows[i].count;
    }
    st = stats_release(ctx, "victims", &v->spec, v->inputs, v->o->by, v->o->by_count, rows, v->o->count, &v->out);
    free(rows);
    return st;
}

static int cmd_stats_victims(const struct command *cmd, struct args *args)
{
    struct victims_release rel = {0};
    bool release = false;
    enum status st = cli_stats_release_spec(cmd, args, &rel.spec, &release);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct case_op o = {0};
    char by[128];
    snprintf(by, sizeof by, "%s", cli_opt(cmd, args, "by") ? cli_opt(cmd, args, "by") : "gender");
    char *save = NULL;
    for (char *t = strtok_r(by, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (o.by_count == 3) {
            st = err_set_field(STATUS_INVALID, "by", "--by: at most three dimensions");
            break;
        }
        o.by[o.by_count++] = t;
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "from")) {
        st = util_time_parse(&o.from_ms, cli_opt(cmd, args, "from"));
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "to")) {
        st = util_time_parse_end(&o.to_ms, cli_opt(cmd, args, "to"));
    }
    if (st == STATUS_OK && release) {
        rel.o = &o;
        st = cli_stats_release_run(&e, op_stats_victims_release, &rel, &rel.inputs, &rel.out, o.by, o.by_count, NULL,
                                   cli_opt(cmd, args, "from"), cli_opt(cmd, args, "to"));
    } else if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_stats_victims, &o);
    }
    if (st == STATUS_OK && !release) {
        if (cli_json_out) {
            cli_print_json(case_stats_json(o.by, o.by_count, o.rows, o.count));
        } else {
            char *csv = case_stats_csv(o.by, o.by_count, o.rows, o.count);
            fputs(csv, stdout);
            free(csv);
        }
    }
    case_stats_free(o.rows, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_vocab_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *lang = cli_opt(cmd, args, "lang") ? cli_opt(cmd, args, "lang") : i18n_lang_from_env();
    json_t *arr = cli_json_out ? json_array() : NULL;
    if (args->npos == 0) {
        size_t n = 0;
        const char *const *names = vocab_names(&n);
        for (size_t i = 0; i < n; i++) {
            if (arr) {
                json_array_append_new(arr, json_pack("{sssssI}", "name", names[i], "version", vocab_version(names[i]),
                                                     "size", (json_int_t)vocab_size(names[i])));
            } else {
                printf("%-24s %-20s %zu codes\n", names[i], vocab_version(names[i]), vocab_size(names[i]));
            }
        }
    } else if (!vocab_exists(args->pos[0])) {
        st = err_set(STATUS_NOT_FOUND, "no vocabulary named \"%s\"", args->pos[0]);
    } else {
        for (size_t i = 0; i < vocab_size(args->pos[0]); i++) {
            const char *code = vocab_code(args->pos[0], i);
            if (arr) {
                json_array_append_new(
                    arr, json_pack("{ssss}", "code", code, "label", vocab_label(args->pos[0], code, lang)));
            } else {
                printf("%-40s %s\n", code, vocab_label(args->pos[0], code, lang));
            }
        }
    }
    if (arr && st == STATUS_OK) {
        cli_print_json(arr);
    } else {
        json_decref(arr);
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct vocab_op {
    const char *vocab, *code, *labels;
};

static enum status op_vocab_add(const struct auth_ctx *ctx, void *p)
{
    struct vocab_op *o = p;
    enum status st = vocab_extend(ctx->store, o->vocab, o->code, o->labels);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "vocab.extend", "", 0, "ok", o->vocab);
    }
    return st;
}

static int cmd_vocab_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct vocab_op o = {args->pos[0], args->pos[1],
                         cli_opt(cmd, args, "labels") ? cli_opt(cmd, args, "labels") : "{}"};
    st = auth_run(&e.ctx, op_vocab_add, &o);
    if (st == STATUS_OK) {
        printf("added %s to %s\n", o.code, o.vocab);
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* import. */

/* A progress bar on a terminal: "  importing [#########           ]  45%   123456 rows". */
static void import_progress(int64_t rows, int64_t bytes, int64_t total, void *arg)
{
    char detail[32];
    snprintf(detail, sizeof detail, "%10lld rows", (long long)rows);
    cli_progress_bar((const char *)arg, total > 0 ? (double)bytes / (double)total : 0.0, detail, 0);
}

static int cmd_import(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *format = args->pos[0], *path = args->pos[1];
    struct case_import_options o = {
        .skip_bad = cli_flag(cmd, args, "skip-bad"),
        .rejects_path = cli_opt(cmd, args, "rejects"),
        .duplicates_path = cli_opt(cmd, args, "duplicates"),
        .no_duplicates = cli_flag(cmd, args, "no-duplicates"),
        .ignore_unknown_columns = cli_flag(cmd, args, "ignore-unknown-columns"),
        .progress = import_progress,
        .progress_arg = "importing",
    };
    struct case_import_summary sum = {0};
    if (!case_import_format_known(format)) {
        st = err_set_field(STATUS_INVALID, "format", "unknown format \"%s\": ctdc-vp, htcds-csv or htcds-json", format);
    } else if (cli_opt(cmd, args, "agency")) {
        st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.agency_id);
    } else {
        /* The operator belongs to no agency: the cases go to the first one (made by ctis init). */
        struct store_rows *r = NULL;
        st = store_exec_one(e.store, STMT_AGENCY_FIRST, NULL, 0, &r);
        if (st == STATUS_OK) {
            o.agency_id = store_rows_i64(r, 0);
        }
        store_rows_free(r);
    }
    if (st == STATUS_OK) {
        st = case_import(&e.ctx, format, path, &o, &sum);
        cli_progress_end();
    }
    if (st == STATUS_OK || sum.read > 0) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sssIsIsIsIsIss}", "file", path, "read", (json_int_t)sum.read, "imported",
                                     (json_int_t)sum.imported, "already_imported", (json_int_t)sum.already_imported,
                                     "rejected", (json_int_t)sum.rejected, "possible_duplicates",
                                     (json_int_t)sum.possible_duplicates, "sha256", sum.sha256));
        } else {
            printf("%s: read %lld, imported %lld, already imported %lld, rejected %lld, possible duplicates %lld\n",
                   path, (long long)sum.read, (long long)sum.imported, (long long)sum.already_imported,
                   (long long)sum.rejected, (long long)sum.possible_duplicates);
        }
        if (sum.possible_duplicates > 0 && !cli_json_out) {
            char *dp = case_import_duplicates_path(path, &o);
            printf("likely duplicates (case ids and scores; merge with ctis case merge): %s\n", dp);
            free(dp);
        }
        if (sum.rejected > 0) {
            char *rp = case_import_rejects_path(path, &o);
            printf("rejected rows, with line numbers and reasons: %s\n", rp);
            free(rp);
        }
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* export and generate. */

static void export_progress(int64_t rows, void *arg)
{
    cli_progress((const char *)arg, rows, NULL);
}

static int cmd_export(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *format = args->pos[0], *path = cli_opt(cmd, args, "out");
    FILE *out = stdout;
    char *tmp = NULL;
    bool ctdc = case_export_format_known(format) && strcmp(format, "ctdc-kanon") == 0;
    int64_t k = 0;
    struct kanon_report report;
    memset(&report, 0, sizeof report);
    if (!case_export_format_known(format)) {
        st = err_set_field(STATUS_INVALID, "format", "unknown format \"%s\": htcds-csv, htcds-json or ctdc-kanon",
                           format);
    } else if (!ctdc && (cli_opt(cmd, args, "k") || cli_opt(cmd, args, "report"))) {
        st = err_set_field(STATUS_INVALID, "k", "--k and --report are for ctdc-kanon only");
    } else if (cli_opt(cmd, args, "k") &&
               (util_parse_i64(&k, cli_opt(cmd, args, "k")) != STATUS_OK || k < 1 || k > KANON_K_MAX)) {
        st = err_set_field(STATUS_INVALID, "k", "--k: a whole number from 1 to %d", KANON_K_MAX);
    } else if (path != NULL) {
        /* Written beside, renamed when complete: a failed export leaves no half file. */
        tmp = xasprintf("%s.partial", path);
        out = fopen(tmp, "wb");
        if (out == NULL) {
            st = err_set(STATUS_IO, "cannot create %s", tmp);
        }
    }
    struct case_export_options o = {.with_personal = cli_flag(cmd, args, "with-personal"),
                                    .k = (size_t)k,
                                    .report = ctdc ? &report : NULL,
                                    .progress = export_progress,
                                    .progress_arg = ctdc ? "read cases" : "exported cases"};
    int64_t count = 0;
    if (st == STATUS_OK) {
        st = case_export(&e.ctx, format, out, &o, &count);
        cli_progress_end();
    }
    if (path != NULL && out != NULL) {
        if (fclose(out) != 0 && st == STATUS_OK) {
            st = err_set(STATUS_IO, "cannot write %s", tmp);
        }
        if (st == STATUS_OK && rename(tmp, path) != 0) {
            st = err_set(STATUS_IO, "cannot rename into %s", path);
        }
        if (st != STATUS_OK) {
            unlink(tmp);
        }
    }
    if (st == STATUS_OK && ctdc) {
        /* The report: counts only, on standard error (the data may be on standard output). */
        char *text = NULL;
        if (cli_json_out) {
            json_t *j = kanon_report_json(&report);
            char *dump = json_dumps(j, JSON_INDENT(2));
            text = xasprintf("%s\n", dump);
            free(dump);
            json_decref(j);
        } else {
            text = kanon_report_text(&report);
        }
        fputs(text, stderr);
        const char *rpath = cli_opt(cmd, args, "report");
        if (rpath != NULL) {
            st = util_file_write_atomic(rpath, text, strlen(text), 0644);
        }
        free(text);
    }
    if (st == STATUS_OK && path != NULL && !(ctdc && cli_json_out)) { /* stderr stays JSON */
        fprintf(stderr, "exported %lld cases to %s%s\n", (long long)count, path,
                o.with_personal ? " (with personal fields: keep it safe)" : "");
    }
    free(tmp);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_generate(const struct command *cmd, struct args *args)
{
    int64_t rows = 1000, seed = 1;
    if (strcmp(args->pos[0], "htcds-csv") != 0) {
        fprintf(stderr, "ctis generate: only htcds-csv\n");
        return CLI_EXIT_USAGE;
    }
    if ((cli_opt(cmd, args, "rows") && (util_parse_i64(&rows, cli_opt(cmd, args, "rows")) != STATUS_OK || rows < 0)) ||
        (cli_opt(cmd, args, "seed") && util_parse_i64(&seed, cli_opt(cmd, args, "seed")) != STATUS_OK)) {
        fprintf(stderr, "ctis generate: --rows and --seed take whole numbers\n");
        return CLI_EXIT_USAGE;
    }
    if (vocab_init(NULL) != STATUS_OK) {
        return cli_fail(err_last_status());
    }
    FILE *out = stdout;
    if (cli_opt(cmd, args, "out") && (out = fopen(cli_opt(cmd, args, "out"), "wb")) == NULL) {
        return cli_fail(err_set(STATUS_IO, "cannot create %s", cli_opt(cmd, args, "out")));
    }
    enum status st = case_generate_csv(out, rows, (uint64_t)seed);
    if (out != stdout && fclose(out) != 0 && st == STATUS_OK) {
        st = err_set(STATUS_IO, "cannot write %s", cli_opt(cmd, args, "out"));
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_version(const struct command *cmd, struct args *args)
{
    if (cli_json_out) {
        cli_print_json(json_pack("{sssI}", "version", CTIS_VERSION, "schema_version",
                                 (json_int_t)store_schema_version_expected()));
    } else {
        printf("ctis %s (schema version %lld)\n", CTIS_VERSION, (long long)store_schema_version_expected());
    }
    return CLI_EXIT_OK;
}

/* Data protection: consent, purge, subject-access export, retention. */

struct protect_op {
    int64_t id;
    struct consent_change changes[CONSENT__COUNT * 2];
    size_t nchanges;
    struct consent_list consent;
    struct purge_report report;
    bool dry_run;
    json_t *sar;
    struct retention_setting *settings;
    size_t nsettings;
    const char *record_type, *period;
};

static enum status op_consent(const struct auth_ctx *ctx, void *p)
{
    struct protect_op *o = p;
    enum status st = o->nchanges > 0 ? consent_set(ctx, o->id, o->changes, o->nchanges) : STATUS_OK;
    return st == STATUS_OK ? consent_get(ctx, o->id, &o->consent) : st;
}

/* --set ITEM=STATE[,ITEM=STATE...] into changes; the text is split in place. */
static enum status consent_changes_parse(char *text, const char *date, const char *note, struct protect_op *o)
{
    char *save = NULL;
    for (char *t = strtok_r(text, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (eq == NULL || o->nchanges == ARRAY_LEN(o->changes)) {
            return err_set_field(STATUS_INVALID, "set", "--set ITEM=STATE[,ITEM=STATE...], e.g. data_use=withdrawn");
        }
        *eq = '\0';
        struct consent_change *c = &o->changes[o->nchanges++];
        enum status st = consent_item_parse(t, &c->item);
        if (st == STATUS_OK) {
            st = consent_state_parse(eq + 1, &c->state);
        }
        if (st != STATUS_OK) {
            return st;
        }
        c->date = date;
        c->note = note;
    }
    return STATUS_OK;
}

static int cmd_case_consent(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct protect_op o = {0};
    char *set = cli_opt(cmd, args, "set") ? xstrdup(cli_opt(cmd, args, "set")) : NULL;
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK && set != NULL) {
        st = consent_changes_parse(set, cli_opt(cmd, args, "date"), cli_opt(cmd, args, "note"), &o);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_consent, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(consent_list_json(&o.consent, i18n_lang_from_env(), cli_flag(cmd, args, "history")));
    } else if (st == STATUS_OK) {
        const char *lang = i18n_lang_from_env();
        for (int i = 0; i < CONSENT__COUNT; i++) {
            const struct consent_entry *c = &o.consent.current[i];
            char key[64];
            snprintf(key, sizeof key, "consent.item.%s", consent_item_code(c->item));
            printf("  %-11s %-10s %-10s %-16s %s\n", consent_item_code(c->item), consent_state_name(c->state),
                   c->at_ms ? c->date : "", c->at_ms ? c->actor : "", i18n_get(lang, key));
        }
        if (!case_consent_allows(o.consent.flags, CASE_USE_PROCESS)) {
            printf("processing restricted: the case can be read, closed, purged and its consent changed\n");
        }
        printf("sharing with other organisations: %s\n",
               case_consent_allows(o.consent.flags, CASE_USE_SHARE) ? "allowed" : "not allowed");
        if (!case_consent_allows(o.consent.flags, CASE_USE_RESEARCH)) {
            printf("left out of statistics and outside exports (research use refused or withdrawn)\n");
        }
        for (size_t i = o.consent.count; cli_flag(cmd, args, "history") && i > 0; i--) {
            const struct consent_entry *c = &o.consent.history[i - 1];
            char t[32];
            util_time_iso(t, c->at_ms);
            printf("  %s %-16s %-11s %-10s %s\n", t, c->actor, consent_item_code(c->item), consent_state_name(c->state),
                   c->date);
        }
    }
    free(set);
    consent_list_clear(&o.consent);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static void report_print(const struct purge_report *r, bool dry_run)
{
    if (cli_json_out) {
        cli_print_json(purge_report_json(r, dry_run));
        return;
    }
    for (size_t i = 0; i < r->count; i++) {
        printf("  case %lld  %-14s %s%lld\n", (long long)r->items[i].case_id, r->items[i].record_type,
               dry_run ? "due" : "records ", dry_run ? 0LL : (long long)r->items[i].items);
    }
    printf("%s %lld case%s\n", dry_run ? "would purge" : "purged", (long long)r->cases, r->cases == 1 ? "" : "s");
}

static enum status op_case_purge(const struct auth_ctx *ctx, void *p)
{
    struct protect_op *o = p;
    return protect_purge_case(ctx, o->id, &o->report);
}

static int cmd_case_purge(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct protect_op o = {0};
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_purge, &o);
    }
    if (st == STATUS_OK) {
        report_print(&o.report, false);
    }
    purge_report_clear(&o.report);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_case_sar(const struct auth_ctx *ctx, void *p)
{
    struct protect_op *o = p;
    return protect_sar(ctx, o->id, &o->sar);
}

static int cmd_case_sar(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct protect_op o = {0};
    if (util_parse_i64(&o.id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_case_sar, &o);
    }
    const char *path = cli_opt(cmd, args, "out");
    if (st == STATUS_OK && path != NULL) {
        /* Personal data: written 0600 beside, renamed when complete. */
        char *tmp = xasprintf("%s.partial", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (f == NULL || json_dumpf(o.sar, f, JSON_INDENT(2)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
            st = err_set(STATUS_IO, "cannot write %s", path);
            unlink(tmp);
        } else {
            fprintf(stderr, "subject-access export of case %lld written to %s (personal data: keep it safe)\n",
                    (long long)o.id, path);
        }
        free(tmp);
        json_decref(o.sar);
    } else if (st == STATUS_OK) {
        cli_print_json(o.sar);
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_retention_show(const struct auth_ctx *ctx, void *p)
{
    struct protect_op *o = p;
    enum status st = STATUS_OK;
    if (o->record_type != NULL) {
        st = retention_set(ctx, o->record_type, o->period);
    }
    return st == STATUS_OK ? retention_list(ctx, &o->settings, &o->nsettings) : st;
}

static int retention_run(struct protect_op *o)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_retention_show, o);
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o->nsettings; i++) {
            const struct retention_setting *s = &o->settings[i];
            json_t *x = json_pack("{ssss}", "record_type", s->record_type, "description", s->description);
            json_object_set_new(x, "period", s->period[0] ? json_string(s->period) : json_null());
            json_array_append_new(arr, x);
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o->nsettings; i++) {
            const struct retention_setting *s = &o->settings[i];
            printf("  %-14s %-6s %s\n", s->record_type, s->period[0] ? s->period : "never", s->description);
        }
    }
    free(o->settings);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_retention_show(const struct command *cmd, struct args *args)
{
    struct protect_op o = {0};
    return retention_run(&o);
}

static int cmd_retention_set(const struct command *cmd, struct args *args)
{
    struct protect_op o = {.record_type = args->pos[0], .period = args->pos[1]};
    return retention_run(&o);
}

static enum status op_purge(const struct auth_ctx *ctx, void *p)
{
    struct protect_op *o = p;
    return protect_purge_due(ctx, o->dry_run, &o->report);
}

static int cmd_purge(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct protect_op o = {.dry_run = cli_flag(cmd, args, "dry-run")};
    st = auth_run(&e.ctx, op_purge, &o);
    if (st == STATUS_OK) {
        report_print(&o.report, o.dry_run);
    }
    purge_report_clear(&o.report);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* Case records: perpetrators, support plans, attachments (src/cases/records.h). */

struct rec_op {
    int64_t case_id, id;
    bool with_deleted;
    struct case_perpetrator perp;
    struct case_support_plan plan;
    struct case_perpetrator *perps;
    struct case_support_plan *plans;
    struct case_attachment *atts;
    size_t count;
    const char *kind, *file_name;
    char *data;
    size_t len;
    struct case_attachment meta;
    uint8_t *content;
    size_t content_len;
};

static void rec_op_free(struct rec_op *o)
{
    case_perpetrator_clear(&o->perp);
    case_support_plan_clear(&o->plan);
    case_perpetrators_free(o->perps, o->perps ? o->count : 0);
    case_support_plans_free(o->plans, o->plans ? o->count : 0);
    case_attachments_free(o->atts, o->atts ? o->count : 0);
    case_attachment_clear(&o->meta);
    case_attachment_data_free(o->content, o->content_len);
    free(o->data);
}

static enum status rec_case_id(const char *arg, const char *what, int64_t *out)
{
    if (util_parse_i64(out, arg) != STATUS_OK || *out <= 0) {
        return err_set(STATUS_INVALID, "%s: a number", what);
    }
    return STATUS_OK;
}

static enum status op_perp_add(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_perpetrator_add(ctx, o->case_id, &o->perp, &o->id);
}
static enum status op_perps(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_perpetrators(ctx, o->case_id, o->with_deleted, &o->perps, &o->count);
}
static enum status op_plan_add(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_support_plan_add(ctx, o->case_id, &o->plan, &o->id);
}
static enum status op_plans(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_support_plans(ctx, o->case_id, &o->plans, &o->count);
}
static enum status op_attach(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_attachment_add(ctx, o->case_id, o->kind, o->file_name, NULL, o->data, o->len, &o->id);
}
static enum status op_attachments(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_attachments(ctx, o->case_id, o->with_deleted, &o->atts, &o->count);
}
static enum status op_attachment_get(const struct auth_ctx *ctx, void *p)
{
    struct rec_op *o = p;
    return case_attachment_get(ctx, o->case_id, o->id, &o->meta, &o->content, &o->content_len);
}

/* ctis case perpetrator-add CASE_ID --fields JSON and ctis case plan-add CASE_ID --fields JSON. */
static int rec_add(const struct command *cmd, struct args *args, bool plan)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rec_op o;
    memset(&o, 0, sizeof o);
    o.perp.age = -1;
    json_t *fields = NULL;
    st = rec_case_id(args->pos[0], "CASE_ID", &o.case_id);
    if (st == STATUS_OK) {
        st = fields_json_read(cli_opt(cmd, args, "fields"), &fields);
    }
    if (st == STATUS_OK) {
        st = plan ? case_support_plan_from_json(&o.plan, fields, false, NULL)
                  : case_perpetrator_from_json(&o.perp, fields, false, NULL);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, plan ? op_plan_add : op_perp_add, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
        } else {
            printf("%s %lld added to case %lld\n", plan ? "support plan" : "perpetrator", (long long)o.id,
                   (long long)o.case_id);
        }
    }
    json_decref(fields);
    rec_op_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_perpetrator_add(const struct command *cmd, struct args *a)
{
    return rec_add(cmd, a, false);
}

static int cmd_case_plan_add(const struct command *cmd, struct args *a)
{
    return rec_add(cmd, a, true);
}

static const char *or_dash(const char *s)
{
    return s && s[0] ? s : "-";
}

/* ctis case perpetrators|plans|attachments CASE_ID. */
static int rec_list(const struct command *cmd, struct args *args, char what)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rec_op o;
    memset(&o, 0, sizeof o);
    o.with_deleted = what != 's' && cli_flag(cmd, args, "deleted");
    st = rec_case_id(args->pos[0], "CASE_ID", &o.case_id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, what == 'p' ? op_perps : what == 's' ? op_plans : op_attachments, &o);
    }
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_t *x = what == 'p'   ? case_perpetrator_to_json(&o.perps[i])
                        : what == 's' ? case_support_plan_to_json(&o.plans[i])
                                      : case_attachment_to_json(&o.atts[i]);
            if (cli_json_out) {
                json_array_append_new(arr, x);
                continue;
            }
            if (what == 'p') {
                const struct case_perpetrator *p = &o.perps[i];
                char *roles = json_dumps(json_object_get(x, "roles"), JSON_COMPACT), age[16];
                snprintf(age, sizeof age, "%d", p->age);
                printf("%lld  v%lld  %s  roles %s  gender %s  age %s  citizenship %s  relation %s%s\n",
                       (long long)p->id, (long long)p->version,
                       p->withheld & CASE_REC_WITHHELD_NAME ? "(name withheld)" : or_dash(p->name), roles,
                       or_dash(p->gender), p->age >= 0 ? age : or_dash(p->age_band), or_dash(p->citizenship),
                       or_dash(p->relation), p->deleted ? "  [deleted]" : "");
                free(roles);
            } else if (what == 's') {
                const struct case_support_plan *p = &o.plans[i];
                printf("%lld  v%lld  %s  %s  planned end %s  actual end %s  provider %s\n", (long long)p->id,
                       (long long)p->version, p->type, p->status, or_dash(p->planned_end), or_dash(p->actual_end),
                       or_dash(p->provider));
            } else {
                const struct case_attachment *a = &o.atts[i];
                printf("%lld  %s  %s  %lld bytes  %s  sha256 %.16s...%s\n", (long long)a->id, a->kind, a->media_type,
                       (long long)a->size,
                       a->withheld & CASE_REC_WITHHELD_FILE_NAME ? "(name withheld)" : or_dash(a->file_name), a->sha256,
                       a->deleted ? "  [deleted]" : "");
            }
            json_decref(x);
        }
        if (cli_json_out) {
            cli_print_json(json_pack("{so}", "items", arr));
        } else {
            json_decref(arr);
        }
    }
    rec_op_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_perpetrators(const struct command *cmd, struct args *a)
{
    return rec_list(cmd, a, 'p');
}

static int cmd_case_plans(const struct command *cmd, struct args *a)
{
    return rec_list(cmd, a, 's');
}

static int cmd_case_attachments(const struct command *cmd, struct args *a)
{
    return rec_list(cmd, a, 'a');
}

static int cmd_case_attach(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rec_op o;
    memset(&o, 0, sizeof o);
    o.kind = cli_opt(cmd, args, "kind");
    st = rec_case_id(args->pos[0], "CASE_ID", &o.case_id);
    if (st == STATUS_OK && o.kind == NULL) {
        st = err_set_field(STATUS_INVALID, "kind", "--kind: consent_form, identity_document, medical, legal or other");
    }
    if (st == STATUS_OK) {
        st = util_file_read(&o.data, &o.len, args->pos[1], CASE_ATTACHMENT_BYTES_MAX);
    }
    if (st == STATUS_OK) {
        const char *slash = strrchr(args->pos[1], '/');
        o.file_name = cli_opt(cmd, args, "name") ? cli_opt(cmd, args, "name") : slash ? slash + 1 : args->pos[1];
        st = auth_run(&e.ctx, op_attach, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
        } else {
            printf("attachment %lld added to case %lld\n", (long long)o.id, (long long)o.case_id);
        }
    }
    rec_op_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_case_attachment_get(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct rec_op o;
    memset(&o, 0, sizeof o);
    const char *out = cli_opt(cmd, args, "out");
    st = rec_case_id(args->pos[0], "CASE_ID", &o.case_id);
    if (st == STATUS_OK) {
        st = rec_case_id(args->pos[1], "ATTACHMENT_ID", &o.id);
    }
    if (st == STATUS_OK && out == NULL) {
        st = err_set_field(STATUS_INVALID, "out", "--out FILE is needed (the file is written with mode 0600)");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_attachment_get, &o);
    }
    if (st == STATUS_OK) {
        st = util_file_write_atomic(out, o.content, o.content_len, 0600);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *x = case_attachment_to_json(&o.meta);
            json_object_set_new(x, "out", json_string(out));
            cli_print_json(x);
        } else {
            fprintf(stderr, "wrote %lld bytes (%s, SHA-256 checked) to %s\n", (long long)o.content_len,
                    o.meta.media_type, out);
        }
    }
    rec_op_free(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command commands[] = {
    {"init",
     "",
     0,
     0,
     "Creates the database (and the master key file if absent), the built-in roles, a first "
     "agency and an administrator, and prints the administrator's one-time password.",
     {{"admin-user", true, "the administrator's username (default admin)"},
      {"admin-password-stdin", false,
       "read the administrator's password from standard input instead of "
       "making a one-time one"},
      {"agency", true, "name of the first agency (default \"National Coordination Office\")"},
      {"agency-type", true, "its HTCDS organisation type (default CentralGovernmentOrganisation)"},
      {"country", true, "its ISO 3166-1 alpha-3 country code"},
      {"demo", false, "also generate demo agencies and users"}},
     cmd_init},
    {"migrate", "", 0, 0, "Applies pending schema migrations.", {{0}}, cmd_migrate},
    {"serve",
     "",
     0,
     0,
     "Serves the web pages and the JSON API until SIGTERM or Ctrl-C.",
     {{"port", true, "TCP port (default 8080; 0 picks a free one)"},
      {"bind", true, "address to listen on (default 127.0.0.1)"},
      {"threads", true, "worker threads (default 4)"},
      {"tls-cert", true, "PEM certificate: serve HTTPS"},
      {"tls-key", true, "PEM private key for --tls-cert"},
      {"no-access-log", false, "do not write the access log"}},
     cmd_serve},
    {"copy",
     "",
     0,
     0,
     "Copies a whole database to another (SQLite or PostgreSQL), verified by counts, "
     "checksums and the audit chain. The target must be empty.",
     {{"from", true, "source database URL"}, {"to", true, "target database URL"}},
     cmd_copy},
    {"user add",
     "USERNAME",
     1,
     1,
     "Creates a user; prints a one-time password unless --password-stdin.",
     {{"agency", true, "agency name or id"},
      {"role", true, "role name (see the web page Roles)"},
      {"scope", true, "own, agency or all (default: the role's)"},
      {"display-name", true, "the person's name (stored encrypted)"},
      {"email", true, "e-mail (stored encrypted, searchable by blind index)"},
      {"password-stdin", false, "read the password from standard input"},
      {"totp", false, "enrol two-factor now and print the secret"}},
     cmd_user_add},
    {"user list", "", 0, 0, "Lists users.", {{0}}, cmd_user_list},
    {"user disable", "USERNAME", 1, 1, "Disables a user and ends their sessions.", {{0}}, cmd_user_disable},
    {"user enable", "USERNAME", 1, 1, "Enables a disabled user.", {{0}}, cmd_user_enable},
    {"user reset-2fa",
     "USERNAME",
     1,
     1,
     "Removes a user's two-factor secret; they enrol again at next login.",
     {{0}},
     cmd_user_reset_2fa},
    {"user reset-password", "USERNAME", 1, 1, "Gives a user a new one-time password.", {{0}}, cmd_user_reset_password},
    {"user set-password",
     "USERNAME",
     1,
     1,
     "Sets a user's password, read from standard input.",
     {{0}},
     cmd_user_set_password},
    {"agency add",
     "NAME",
     1,
     1,
     "Creates an agency.",
     {{"type", true, "HTCDS organisation type, e.g. NGO, LawEnforcement"},
      {"country", true, "ISO 3166-1 alpha-3 country code"}},
     cmd_agency_add},
    {"agency list", "", 0, 0, "Lists agencies.", {{0}}, cmd_agency_list},
    {"audit verify",
     "",
     0,
     0,
     "Verifies the audit hash chain; exit 6 and the first bad entry if broken.",
     {{0}},
     cmd_audit_verify},
    {"audit show",
     "",
     0,
     0,
     "Shows audit entries.",
     {{"user", true, "username or user id"},
      {"record-type", true, "e.g. user, agency"},
      {"record-id", true, "record id"},
      {"from", true, "YYYY-MM-DD or date-time"},
      {"to", true, "YYYY-MM-DD or date-time"},
      {"limit", true, "at most this many entries (default 100)"}},
     cmd_audit_show},
    {"keys export",
     "FILE",
     1,
     1,
     "Writes the master key, encrypted with a passphrase (read from standard "
     "input), for safekeeping.",
     {{0}},
     cmd_keys_export},
    {"keys import",
     "FILE",
     1,
     1,
     "Writes a key file from an export (passphrase from standard input).",
     {{0}},
     cmd_keys_import},
    {"keys rotate",
     "",
     0,
     0,
     "Re-encrypts every sealed value under a new data key; resumable.",
     {{0}},
     cmd_keys_rotate},
    {"keys rotate-master",
     "",
     0,
     0,
     "Makes a new master key: re-wraps the data keys and the signing key under it and replaces the key file "
     "(stop the servers first; export the new key after).",
     {{0}},
     cmd_keys_rotate_master},
    {"backup",
     "FILE",
     1,
     1,
     "Writes an online, consistent backup that restores onto either engine.",
     {{0}},
     cmd_backup},
    {"restore", "FILE", 1, 1, "Checks a backup's integrity, then loads it into an empty database.", {{0}}, cmd_restore},
    {"token create",
     "",
     0,
     0,
     "Creates an API token for a user (shown once).",
     {{"user", true, "username"}, {"name", true, "what the token is for"}, {"days", true, "validity (default 90)"}},
     cmd_token_create},
    {"demo", "", 0, 0, "Adds generated demo agencies and users.", {{0}}, cmd_demo},
    {"case add",
     "",
     0,
     0,
     "Creates a victim case from a JSON object of fields (see ctis vocab list).",
     {{"fields", true, "the fields: JSON text, @FILE, or - for standard input"},
      {"agency", true, "the agency that holds it (the operator must say)"},
      {"restricted", false, "only the owner and named users may see it"}},
     cmd_case_add},
    {"case show",
     "CASE_ID",
     1,
     1,
     "Shows a case.",
     {{"history", false, "also every change: who, when, what"}},
     cmd_case_show},
    {"case list",
     "",
     0,
     0,
     "Lists and searches cases (names match any word, across accents and scripts).",
     {{"name", true, "a name or words of it"},
      {"birth-date", true, "YYYY, YYYY-MM or YYYY-MM-DD"},
      {"identity-number", true, "an identity document number"},
      {"phone", true, "a phone number"},
      {"status", true, "Active, FollowUp, Closed, ClosedReferred"},
      {"citizenship", true, "ISO 3166 alpha-3"},
      {"limit", true, "at most this many (default 50)"},
      {"offset", true, "skip this many"}},
     cmd_case_list},
    {"case duplicates",
     "CASE_ID",
     1,
     1,
     "Lists likely duplicates of a case (shared name words, birth date, citizenship, gender), with a score.",
     {{0}},
     cmd_case_duplicates},
    {"case consent",
     "CASE_ID",
     1,
     1,
     "Shows the consent checklist of a case (the seven HTCDS items), or records changes with --set. Withdrawing "
     "data_use or interview restricts processing; withdrawing research leaves the case out of statistics.",
     {{"set", true,
       "ITEM=STATE[,ITEM=STATE...]: items interview, purpose, data_use, research, rights, retention, withdrawal; "
       "states given, refused, withdrawn, not_asked"},
      {"date", true, "the date the person gave or withdrew it (default today)"},
      {"note", true, "a note (stored encrypted)"},
      {"history", false, "also show every change"}},
     cmd_case_consent},
    {"case purge",
     "CASE_ID",
     1,
     1,
     "Purges the personal data of a closed case now (the right to be forgotten); the statistical record stays.",
     {{0}},
     cmd_case_purge},
    {"case sar",
     "CASE_ID",
     1,
     1,
     "Subject-access export: everything held about the person of a case, as JSON (personal data).",
     {{"out", true, "write to this file (mode 0600) instead of standard output"}},
     cmd_case_sar},
    {"retention show",
     "",
     0,
     0,
     "Shows the retention period of each record type (counted from the case's closure).",
     {{0}},
     cmd_retention_show},
    {"retention set",
     "TYPE PERIOD",
     2,
     2,
     "Sets the retention period of a record type: e.g. case-personal 5y, comments 18m, events 400d, or never.",
     {{0}},
     cmd_retention_set},
    {"purge",
     "",
     0,
     0,
     "Removes the personal data of closed cases past their retention periods; leaves a purge log and audit entries.",
     {{"dry-run", false, "only list what would be purged"}},
     cmd_purge},
    {"case update",
     "CASE_ID",
     1,
     1,
     "Changes fields of a case.",
     {{"version", true, "the version you read"}, {"fields", true, "JSON object of the fields to change"}},
     cmd_case_update},
    {"case follow-up",
     "CASE_ID",
     1,
     1,
     "Sets a case's status to FollowUp (open, monitored after services).",
     {{"version", true, "the version you read"}},
     cmd_case_follow_up},
    {"case grant",
     "CASE_ID",
     1,
     1,
     "Names a user who may see the case while it is restricted (an active user of its agency).",
     {{"user", true, "username or user id"}},
     cmd_case_grant},
    {"case revoke",
     "CASE_ID",
     1,
     1,
     "Removes a user named on a restricted case.",
     {{"user", true, "username or user id"}},
     cmd_case_revoke},
    {"case grants", "CASE_ID", 1, 1, "Lists the users named on a case.", {{0}}, cmd_case_grants},
    {"case merge",
     "CASE_ID DUPLICATE_ID",
     2,
     2,
     "Merges a duplicate into a case: the case takes the fields it lacks, the duplicate's events and comments; "
     "the duplicate keeps its history, is marked merged and leaves lists and statistics.",
     {{"version", true, "the version of CASE_ID you read"},
      {"merge-version", true, "the version of DUPLICATE_ID you read"}},
     cmd_case_merge},
    {"case assign",
     "CASE_ID",
     1,
     1,
     "Gives a case a new owner.",
     {{"version", true, "the version you read"}, {"owner", true, "username or user id"}},
     cmd_case_assign},
    {"case close",
     "CASE_ID",
     1,
     1,
     "Closes a case.",
     {{"version", true, "the version you read"},
      {"status", true, "Closed (default) or ClosedReferred"},
      {"reason", true, "reason for closure (stored encrypted)"}},
     cmd_case_close},
    {"case reopen",
     "CASE_ID",
     1,
     1,
     "Reopens a closed case.",
     {{"version", true, "the version you read"}},
     cmd_case_reopen},
    {"case perpetrator-add",
     "CASE_ID",
     1,
     1,
     "Records a perpetrator of a case (HTCDS per_): roles, role details, gender, age band or age, citizenship, "
     "relation to the victim, name and notes.",
     {{"fields", true,
       "JSON object, e.g. '{\"roles\":[\"Exploiter\"],\"gender\":\"Masculine\",\"name\":\"...\"}', @FILE or -"}},
     cmd_case_perpetrator_add},
    {"case perpetrators",
     "CASE_ID",
     1,
     1,
     "Lists the perpetrators of a case (names only with the identity field group).",
     {{"deleted", false, "also those marked deleted"}},
     cmd_case_perpetrators},
    {"case plan-add",
     "CASE_ID",
     1,
     1,
     "Adds a support plan (HTCDS spl_): type, objectives, action plan, planned and actual end dates, status, "
     "provider.",
     {{"fields", true, "JSON object, e.g. '{\"type\":\"Health\",\"objectives\":\"...\",\"status\":\"Planned\"}'"}},
     cmd_case_plan_add},
    {"case plans", "CASE_ID", 1, 1, "Lists the support plans of a case.", {{0}}, cmd_case_plans},
    {"case attach",
     "CASE_ID FILE",
     2,
     2,
     "Attaches a file (PDF, JPEG, PNG, TIFF, WebP or plain text, at most 10 MiB) to a case, sealed by the vault.",
     {{"kind", true, "consent_form, identity_document, medical, legal or other (decides the field group)"},
      {"name", true, "the file name to keep (default: FILE's base name)"}},
     cmd_case_attach},
    {"case attachments",
     "CASE_ID",
     1,
     1,
     "Lists the attachments of a case (metadata only).",
     {{"deleted", false, "also those marked deleted"}},
     cmd_case_attachments},
    {"case attachment-get",
     "CASE_ID ATTACHMENT_ID",
     2,
     2,
     "Writes an attachment's content to a file (audited; its SHA-256 is checked).",
     {{"out", true, "the file to write (mode 0600)"}},
     cmd_case_attachment_get},
    {"stats victims",
     "",
     0,
     0,
     "Counts victims by up to three dimensions (CSV, or --json).",
     {{"by", true,
       "gender, age_group, majority_status, exploitation, citizenship, citizenship_region, "
       "exploitation_country, year (comma-separated)"},
      {"from", true, "cases opened from this date"},
      {"to", true, "cases opened up to this date"},
      {"csv", false, "CSV output (the default)"},
      {"release", true, "publish through disclosure control: suppress, round or dp (needs stats.publish)"},
      {"epsilon", true, "with --release dp: the epsilon this release spends from the budget of \"victims\""},
      {"threshold", true, "with --release: the threshold (default 5): suppress hides 1..N-1, round to multiples of N"}},
     cmd_stats_victims},
    {"vocab list",
     "[VOCABULARY]",
     0,
     1,
     "Lists the vocabularies, or the codes of one with their labels.",
     {{"lang", true, "label language: ar, en, es, fr, ru, zh"}},
     cmd_vocab_list},
    {"vocab add",
     "VOCABULARY CODE",
     2,
     2,
     "Adds a code to a vocabulary (after the built-in ones).",
     {{"labels", true, "JSON labels by language: {\"en\": \"...\", \"fr\": \"...\"}"}},
     cmd_vocab_add},
    {"import",
     "FORMAT FILE",
     2,
     2,
     "Imports cases: ctdc-vp, htcds-csv or htcds-json. All or nothing unless --skip-bad; "
     "a file imported twice adds nothing.",
     {{"skip-bad", false, "import the good rows and write the bad ones, with line and reason, to --rejects"},
      {"rejects", true, "where the rejected rows go (default FILE.rejects.csv)"},
      {"duplicates", true, "where likely duplicates are listed (default FILE.duplicates.csv; removed when none)"},
      {"no-duplicates", false, "do not look for likely duplicates (faster, for data known to be clean)"},
      {"agency", true, "the agency that holds the cases (default: the first agency)"},
      {"ignore-unknown-columns", false, "skip columns ctis does not know instead of refusing the file"}},
     cmd_import},
    {"export",
     "FORMAT",
     1,
     1,
     "Exports cases as htcds-csv, htcds-json (JSON lines) or ctdc-kanon (CTDC's 63-column "
     "k-anonymised layout; a report of what was generalised, suppressed and dropped goes to standard "
     "error, as JSON with --json). Non-identifying unless --with-personal (needs case.export and the "
     "field groups; not with ctdc-kanon); audited.",
     {{"out", true, "the file to write (default: standard output)"},
      {"with-personal", false, "include names, contacts, narratives and other personal fields"},
      {"k", true, "ctdc-kanon: every combination of quasi-identifiers occurs at least k times (default 10)"},
      {"report", true, "ctdc-kanon: also write the report to this file"}},
     cmd_export},
    {"generate",
     "FORMAT",
     1,
     1,
     "Writes realistic invented cases (htcds-csv) for demonstrations and benchmarks.",
     {{"rows", true, "how many (default 1000)"},
      {"seed", true, "the random seed (default 1)"},
      {"out", true, "the file (default: standard output)"}},
     cmd_generate},
    {"version", "", 0, 0, "Prints the version.", {{0}}, cmd_version},
};

/* Every command table: the platform and case commands here, then each module's file. Pointers,
 * since another file's table is not a constant expression in C. */
static const struct cli_table cli_platform_table = {commands, ARRAY_LEN(commands)};
static const struct cli_table *const cli_tables[] = {
    &cli_platform_table,
    /* issue 4, part D: the rights notice */
    &cli_notice_table,
    /* issue 4, part A: services and legal status */
    &cli_assist_table,
    /* issue 4, part R: providers and referrals */
    &cli_referral_table,
    /* issue 4, part P: the referral pathway and the child safeguards */
    &cli_pathway_table,
    /* issue 4, part S: screening */
    &cli_screening_table,
    /* issue 4, part T: tasks and the public intake */
    &cli_tasks_table,
    &cli_intake_table,
    &cli_coop_table,
    /* issue 5, part J3: court decisions (case law) */
    &cli_caselaw_table,
    &cli_federation_table,
    &cli_entities_table, /* issue 5, part J2 */
    /* issue 5, part J1: justice */
    &cli_justice_table,
    /* issue 6, part S1: regions, population and flows */
    &cli_geo_table,
    /* issue 6 item 4: disclosure control */
    &cli_stats_table,
    /* issue 5, part J5: assets */
    &cli_assets_table,
    /* issue 6, item 6: UNODC's published national data (glotip) */
    &cli_glotip_table,
    /* issue 7, part F: link dedup */
    &cli_link_fs_table,
    /* issue 6, item 7: the report's charts */
    &cli_charts_table,
    /* issue 6, item 7: the questionnaire workbook (xlsx) */
    &cli_questionnaire_table,
    /* issue 7, item 3: linkage runs and the review queue */
    &cli_link_review_table,
    &cli_link_match_table,
    /* issue 7, part E: link encode, link inspect */
    &cli_link_encode_table,
    /* issue 7, part G: link networks, link export */
    &cli_link_graph_table,
    /* issue 9, item 1: the Plan of Action as data */
    &cli_plan_table,
    &cli_plan_report_table,
    &cli_plan_ratify_table,
    &cli_plan_partners_table,
    &cli_plan_nap_table,
    /* issue 8, part L: the Trust Fund's money */
    &cli_fund_ledger_table,
    /* issue 8, part A: fund board, fund conflict, fund call, fund org, fund application, fund review, fund decide */
    &cli_fund_board_table,
    &cli_fund_calls_table,
    /* issue 8, part G: fund grant, fund disburse, fund report, fund results */
    &cli_fund_grants_table,
};

static void usage_all(FILE *f)
{
    fprintf(f,
            "ctis %s: the Counter-Trafficking Information System\n\nUsage: ctis COMMAND [options]\n\n"
            "Commands:\n",
            CTIS_VERSION);
    for (size_t t = 0; t < ARRAY_LEN(cli_tables); t++) {
        for (size_t i = 0; i < cli_tables[t]->count; i++) {
            const struct command *c = &cli_tables[t]->commands[i];
            fprintf(f, "  %-22s %.*s\n", c->name, (int)strcspn(c->summary, "."), c->summary);
        }
    }
    fprintf(f, "\n`ctis COMMAND --help` describes a command. Common options: --db URL, --key-file PATH, --json.\n"
               "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict, 5 denied, 6 integrity failure, "
               "7 unavailable, 8 invalid input.\n");
}

/* The number of words of name when argv[1..] starts with all of them, else 0. */
static int command_words(const char *name, int argc, char **argv)
{
    int words = 0;
    for (const char *p = name; *p != '\0'; words++) {
        size_t len = strcspn(p, " ");
        if (1 + words >= argc || strlen(argv[1 + words]) != len || strncmp(argv[1 + words], p, len) != 0) {
            return 0;
        }
        p += len + (p[len] == ' ');
    }
    return words;
}

int cli_main(int argc, char **argv)
{
    if (vault_library_init() != STATUS_OK || i18n_init() != STATUS_OK) {
        fprintf(stderr, "ctis: cannot initialise: %s\n", err_last());
        return CLI_EXIT_ERROR;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage_all(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ctis %s\n", CTIS_VERSION);
        return CLI_EXIT_OK;
    }
    /* Match the longest command name: "user add" takes two words, "fund grant add" three. */
    const struct command *cmd = NULL;
    int used = 0;
    for (size_t t = 0; t < ARRAY_LEN(cli_tables); t++) {
        for (size_t i = 0; i < cli_tables[t]->count; i++) {
            const struct command *c = &cli_tables[t]->commands[i];
            int words = command_words(c->name, argc, argv);
            if (words > used) {
                cmd = c;
                used = words;
            }
        }
    }
    if (cmd == NULL) {
        bool group = false;
        size_t n = strlen(argv[1]);
        for (size_t t = 0; t < ARRAY_LEN(cli_tables); t++) {
            for (size_t i = 0; i < cli_tables[t]->count; i++) {
                const struct command *c = &cli_tables[t]->commands[i];
                if (strncmp(c->name, argv[1], n) == 0 && c->name[n] == ' ') {
                    if (!group) {
                        fprintf(stderr, "ctis %s: which one?\n", argv[1]);
                    }
                    group = true;
                    fprintf(stderr, "  ctis %s %s\n", c->name, c->positional);
                }
            }
        }
        if (!group) {
            fprintf(stderr, "ctis: unknown command \"%s\" (see ctis --help)\n", argv[1]);
        }
        return (argc >= 3 && group && (strcmp(argv[2], "--help") == 0)) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    struct args a;
    int rc = parse(cmd, argc - 1 - used, argv + 1 + used, &a);
    if (rc != 0) {
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    signal(SIGPIPE, SIG_IGN);
    return cmd->fn(cmd, &a);
}
