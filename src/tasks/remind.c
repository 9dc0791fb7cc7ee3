/* remind: e-mail digests of tasks (see remind.h). The message names kinds, dates and case ids
 * only; addresses and the command are checked for line breaks and shell syntax; the command runs
 * through posix_spawn with a fixed argv and the message on its standard input. */
#include "tasks/remind.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tasks/tasks.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

extern char **environ;

#define DAY_MS 86400000LL
#define ARGV_MAX 16

/* Splits a command into at most ARGV_MAX words (spaces and tabs); refuses shell syntax and a
 * relative program. words points into buf. */
static enum status command_split(const char *command, char *buf, size_t cap, char *words[ARGV_MAX + 1])
{
    if (strlen(command) >= cap) {
        return err_set_field(STATUS_INVALID, "mail_command", "mail_command: too long");
    }
    if (strpbrk(command, "|;&$`<>()\\\"'*?~{}[]!#\n\r") != NULL) {
        return err_set_field(STATUS_INVALID, "mail_command",
                             "mail_command: a program and plain arguments (it is run without a shell)");
    }
    snprintf(buf, cap, "%s", command);
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
        if (n == ARGV_MAX) {
            return err_set_field(STATUS_INVALID, "mail_command", "mail_command: at most %d words", ARGV_MAX);
        }
        words[n++] = w;
    }
    words[n] = NULL;
    if (n == 0 || words[0][0] != '/') {
        return err_set_field(STATUS_INVALID, "mail_command", "mail_command: the program's absolute path first");
    }
    return STATUS_OK;
}

/* True when s has no control characters (no header injection). */
static bool header_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return false;
        }
    }
    return true;
}

enum status task_remind_settings_get(const struct auth_ctx *ctx, struct task_remind_settings *out)
{
    memset(out, 0, sizeof *out);
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_TASK_REMIND_SETTINGS_GET, NULL, 0, &r);
    if (st == STATUS_NOT_FOUND) {
        out->days = 3;
        return STATUS_OK;
    }
    if (st != STATUS_OK) {
        return st;
    }
    out->enabled = store_rows_i64(r, 0) != 0;
    snprintf(out->mail_command, sizeof out->mail_command, "%s", store_rows_text(r, 1));
    snprintf(out->from, sizeof out->from, "%s", store_rows_text(r, 2));
    out->days = store_rows_i64(r, 3);
    snprintf(out->base_url, sizeof out->base_url, "%s", store_rows_text(r, 4));
    out->updated_at_ms = store_rows_i64(r, 5);
    store_rows_free(r);
    return STATUS_OK;
}

enum status task_remind_settings_set(const struct auth_ctx *ctx, const struct task_remind_settings *in)
{
    if (!ctx->who->operator) {
        return err_set(STATUS_DENIED, "only the local operator sets up e-mail reminders");
    }
    char buf[TASK_REMIND_COMMAND_BYTES];
    char *words[ARGV_MAX + 1];
    enum status st = STATUS_OK;
    if (in->days < 1 || in->days > TASK_REMIND_DAYS_MAX) {
        return err_set_field(STATUS_INVALID, "days", "days: 1 to %d", TASK_REMIND_DAYS_MAX);
    }
    if (!header_safe(in->from) || (in->from[0] != '\0' && strchr(in->from, '@') == NULL)) {
        return err_set_field(STATUS_INVALID, "from", "from: an e-mail address");
    }
    if (!header_safe(in->base_url) || (in->base_url[0] != '\0' && strncmp(in->base_url, "https://", 8) != 0 &&
                                       strncmp(in->base_url, "http://", 7) != 0)) {
        return err_set_field(STATUS_INVALID, "base_url", "base_url: an http or https URL");
    }
    if (in->enabled) {
        if (in->from[0] == '\0') {
            return err_set_field(STATUS_INVALID, "from", "from: required to send reminders");
        }
        st = command_split(in->mail_command, buf, sizeof buf, words);
        if (st == STATUS_OK && access(words[0], X_OK) != 0) {
            st = err_set_field(STATUS_INVALID, "mail_command", "mail_command: %s is not an executable file", words[0]);
        }
    } else if (in->mail_command[0] != '\0') {
        st = command_split(in->mail_command, buf, sizeof buf, words);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_BOOL(in->enabled), sqlv_text(in->mail_command), sqlv_text(in->from),
                            SQLV_I64(in->days),     sqlv_text(in->base_url),     SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_TASK_REMIND_SETTINGS_SET, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "task.remind.settings", "", 0, "ok", in->enabled ? "enabled" : "disabled");
    }
    return st;
}

void task_remind_digests_free(struct task_remind_digest *d, size_t count)
{
    for (size_t i = 0; d != NULL && i < count; i++) {
        if (d[i].email != NULL) {
            vault_plain_free(d[i].email, strlen(d[i].email));
        }
        free(d[i].items);
    }
    free(d);
}

/* The UTC day of ms. */
static int64_t day_of(int64_t ms)
{
    return ms / DAY_MS;
}

/* Completes digest d (its tasks gathered): drops it (*keep false) when the user was sent one
 * today, is disabled or has no e-mail address. */
static enum status digest_finish(const struct auth_ctx *ctx, struct task_remind_digest *d, int64_t now_ms, bool *keep)
{
    *keep = false;
    struct sql_value k[] = {SQLV_I64(d->user_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_TASK_REMIND_LAST, k, 1, &r);
    if (st == STATUS_OK) {
        bool today = day_of(store_rows_i64(r, 0)) == day_of(now_ms);
        store_rows_free(r);
        if (today) {
            return STATUS_OK;
        }
    } else if (st != STATUS_NOT_FOUND) {
        return st;
    }
    struct auth_user *u = NULL;
    st = auth_user_get(ctx, d->user_id, &u);
    if (st == STATUS_NOT_FOUND) {
        return STATUS_OK;
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (!u->disabled && u->email != NULL && u->email[0] != '\0' && header_safe(u->email)) {
        d->email = xstrdup(u->email);
        snprintf(d->username, sizeof d->username, "%s", u->username);
        *keep = true;
    }
    auth_user_free(u);
    return STATUS_OK;
}

enum status task_remind_collect(const struct auth_ctx *ctx, const struct task_remind_settings *s, int64_t now_ms,
                                struct task_remind_digest **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (!ctx->who->operator) {
        return err_set(STATUS_DENIED, "reminders are sent by the local operator");
    }
    struct sql_value a[] = {SQLV_I64(now_ms + s->days * DAY_MS)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_TASK_REMIND_DUE, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    /* Gather first (one statement open at a time), then finish each digest. */
    struct task_remind_digest *list = NULL;
    size_t n = 0, cap = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        int64_t owner = store_rows_i64(r, 0);
        if (n == 0 || list[n - 1].user_id != owner) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                list = xrealloc(list, cap * sizeof *list);
            }
            memset(&list[n], 0, sizeof list[n]);
            list[n].user_id = owner;
            list[n].items = xcalloc(TASK_REMIND_ITEMS_MAX, sizeof *list[n].items);
            n++;
        }
        struct task_remind_digest *d = &list[n - 1];
        int64_t due = store_rows_i64(r, 2);
        if (due < now_ms) {
            d->overdue++;
        } else {
            d->due_soon++;
        }
        if (d->count < TASK_REMIND_ITEMS_MAX) {
            struct task_remind_item *it = &d->items[d->count++];
            snprintf(it->kind, sizeof it->kind, "%s", store_rows_text(r, 1));
            it->due_at_ms = due;
            it->case_id = store_rows_i64(r, 3);
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        task_remind_digests_free(list, n);
        return st;
    }
    st = STATUS_OK;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = false;
        if (st == STATUS_OK) {
            st = digest_finish(ctx, &list[i], now_ms, &keep);
        }
        if (keep) {
            list[kept++] = list[i];
        } else {
            free(list[i].items);
            if (list[i].email != NULL) {
                vault_plain_free(list[i].email, strlen(list[i].email));
            }
        }
    }
    if (st != STATUS_OK) {
        task_remind_digests_free(list, kept);
        return st;
    }
    *out = list;
    *count_out = kept;
    return STATUS_OK;
}

char *task_remind_message(const struct task_remind_settings *s, const struct task_remind_digest *d, int64_t now_ms)
{
    struct buf b = BUF_INIT(65536);
    char date[64], id[33];
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    uint8_t rnd[16];
    vault_random(rnd, sizeof rnd);
    util_hex_encode(id, rnd, sizeof rnd);
    int64_t total = d->overdue + d->due_soon;
    buf_printf(&b, "From: %s\nTo: %s\nSubject: CTIS: %lld task%s overdue or due soon\nDate: %s\n", s->from, d->email,
               (long long)total, total == 1 ? "" : "s", date);
    buf_printf(&b, "Message-ID: <%s@ctis.invalid>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n", id);
    buf_printf(&b, "Content-Transfer-Encoding: 8bit\nAuto-Submitted: auto-generated\n\n");
    buf_printf(&b, "You have %lld open task%s overdue or due within %lld day%s: %lld overdue, %lld due soon.\n\n",
               (long long)total, total == 1 ? "" : "s", (long long)s->days, s->days == 1 ? "" : "s",
               (long long)d->overdue, (long long)d->due_soon);
    for (size_t i = 0; i < d->count; i++) {
        const struct task_remind_item *it = &d->items[i];
        char due[32];
        util_time_iso(due, it->due_at_ms);
        due[10] = '\0';
        char c[32] = "-";
        if (it->case_id) {
            snprintf(c, sizeof c, "%lld", (long long)it->case_id);
        }
        buf_printf(&b, "  %s  %-8s %-22s case %s\n", due, it->due_at_ms < now_ms ? "overdue" : "", it->kind, c);
    }
    if ((int64_t)d->count < total) {
        buf_printf(&b, "  ... and %lld more\n", (long long)(total - (int64_t)d->count));
    }
    buf_printf(&b, "\nOpen your work list: %s/#/my-work\n", s->base_url[0] ? s->base_url : "");
    buf_printf(&b, "\nThis reminder holds no personal data. It is sent at most once a day.\n");
    return buf_take(&b);
}

enum status task_remind_send(const struct task_remind_settings *s, const char *message)
{
    char buf[TASK_REMIND_COMMAND_BYTES];
    char *words[ARGV_MAX + 1];
    enum status st = command_split(s->mail_command, buf, sizeof buf, words);
    if (st != STATUS_OK) {
        return st;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return err_set(STATUS_IO, "mail: cannot make a pipe: %s", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, words[0], &fa, NULL, words, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        return err_set(STATUS_IO, "mail: cannot run %s: %s", words[0], strerror(rc));
    }
    size_t len = strlen(message), off = 0;
    bool write_failed = false;
    while (off < len) {
        ssize_t w = write(fds[1], message + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            write_failed = true;
            break;
        }
        off += (size_t)w;
    }
    close(fds[1]);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
    }
    if (write_failed || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        return err_set(STATUS_IO, "mail: %s failed (exit %d)", words[0], WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
    }
    return STATUS_OK;
}

enum status task_remind_mark(const struct auth_ctx *ctx, int64_t user_id, int64_t now_ms)
{
    struct sql_value a[] = {SQLV_I64(user_id), SQLV_I64(now_ms)};
    enum status st = store_exec(ctx->store, STMT_TASK_REMIND_MARK, a, 2, NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "task.remind", "user", user_id, "ok", "task digest sent");
    }
    return st;
}

struct run_args {
    struct task_remind_settings s;
    int64_t now;
    struct task_remind_digest *d;
    size_t count;
    int64_t user_id;
};

static enum status op_settings(const struct auth_ctx *ctx, void *p)
{
    struct run_args *a = p;
    return task_remind_settings_get(ctx, &a->s);
}

static enum status op_collect(const struct auth_ctx *ctx, void *p)
{
    struct run_args *a = p;
    return task_remind_collect(ctx, &a->s, a->now, &a->d, &a->count);
}

static enum status op_mark(const struct auth_ctx *ctx, void *p)
{
    struct run_args *a = p;
    return task_remind_mark(ctx, a->user_id, a->now);
}

enum status task_remind_run(const struct auth_ctx *ctx, bool dry_run, bool *enabled_out, struct task_remind_report *out,
                            struct task_remind_digest **digests_out, size_t *count_out)
{
    memset(out, 0, sizeof *out);
    *enabled_out = false;
    if (digests_out != NULL) {
        *digests_out = NULL;
        *count_out = 0;
    }
    struct run_args a;
    memset(&a, 0, sizeof a);
    a.now = util_now_ms();
    enum status st = auth_run(ctx, op_settings, &a);
    if (st != STATUS_OK) {
        return st;
    }
    *enabled_out = a.s.enabled;
    if (!a.s.enabled && !dry_run) {
        return STATUS_OK;
    }
    st = auth_run(ctx, op_collect, &a);
    if (st != STATUS_OK) {
        return st;
    }
    out->due = (int64_t)a.count;
    for (size_t i = 0; !dry_run && i < a.count; i++) {
        char *msg = task_remind_message(&a.s, &a.d[i], a.now);
        enum status sst = task_remind_send(&a.s, msg);
        vault_wipe(msg, strlen(msg));
        free(msg);
        if (sst != STATUS_OK) {
            out->failed++;
            log_warn("task reminders: the digest for user %lld was not sent: %s", (long long)a.d[i].user_id,
                     err_last());
            continue;
        }
        a.user_id = a.d[i].user_id;
        st = auth_run(ctx, op_mark, &a);
        if (st != STATUS_OK) {
            break;
        }
        out->sent++;
    }
    if (digests_out != NULL && st == STATUS_OK) {
        *digests_out = a.d;
        *count_out = a.count;
    } else {
        task_remind_digests_free(a.d, a.count);
    }
    return st;
}

/* The server's hourly run. */

#define REMINDER_FIRST_DELAY_S 60
#define REMINDER_PERIOD_S 3600

struct task_reminder {
    struct store_pool *pool;
    struct vault *vault;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void reminder_once(struct task_reminder *r)
{
    struct store *s = store_pool_acquire(r->pool);
    struct auth_principal op;
    auth_principal_operator(&op);
    snprintf(op.username, sizeof op.username, "system:reminders");
    struct auth_ctx ctx = {s, r->vault, &op, "server"};
    struct task_remind_report rep;
    bool enabled = false;
    enum status st = task_remind_run(&ctx, false, &enabled, &rep, NULL, NULL);
    if (st != STATUS_OK) {
        log_warn("task reminders: %s", err_last());
    } else if (enabled && (rep.sent > 0 || rep.failed > 0)) {
        log_info("task reminders: %lld sent, %lld failed", (long long)rep.sent, (long long)rep.failed);
    }
    store_pool_release(r->pool, s);
}

static void *reminder_main(void *arg)
{
    struct task_reminder *r = arg;
    int64_t wait_s = REMINDER_FIRST_DELAY_S;
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_s;
        while (!r->stop && pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT) {
        }
        if (r->stop) {
            break;
        }
        pthread_mutex_unlock(&r->mu);
        reminder_once(r);
        pthread_mutex_lock(&r->mu);
        wait_s = REMINDER_PERIOD_S;
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

enum status task_reminder_start(struct store_pool *pool, struct vault *vault, struct task_reminder **out)
{
    struct task_reminder *r = xcalloc(1, sizeof *r);
    r->pool = pool;
    r->vault = vault;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, reminder_main, r) != 0) {
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv);
        free(r);
        return err_set(STATUS_IO, "cannot start the reminder thread");
    }
    *out = r;
    return STATUS_OK;
}

void task_reminder_stop(struct task_reminder *r)
{
    if (r == NULL) {
        return;
    }
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}
