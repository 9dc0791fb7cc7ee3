/* remind: e-mail digests of tasks, off by default. When enabled (`ctis tasks remind --enable
 * --mail-command "/usr/sbin/sendmail -t" --from ...`), each active user with an e-mail address
 * who owns open tasks due within `days` days or overdue gets one digest, at most once a day: the
 * counts, and per task its kind, due date and case id, and a link to the my-work page. No title,
 * name or other personal data. The message (RFC 5322) is piped to the configured command, run
 * with a fixed argv (no shell). `ctis tasks remind` runs it once; the server runs it every hour. */
#ifndef CTIS_TASKS_REMIND_H
#define CTIS_TASKS_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define TASK_REMIND_COMMAND_BYTES 512
#define TASK_REMIND_ADDRESS_BYTES 256
#define TASK_REMIND_URL_BYTES 256
#define TASK_REMIND_DAYS_MAX 60
#define TASK_REMIND_ITEMS_MAX 50 /* tasks listed in one digest (the counts cover all) */

struct task_remind_settings {
    bool enabled;
    char mail_command[TASK_REMIND_COMMAND_BYTES]; /* "/usr/sbin/sendmail -t": an absolute path and arguments */
    char from[TASK_REMIND_ADDRESS_BYTES];
    int64_t days; /* tasks due within this many days (1..TASK_REMIND_DAYS_MAX), and overdue ones */
    char base_url[TASK_REMIND_URL_BYTES]; /* "https://ctis.example.org": the link is <base_url>/#/my-work */
    int64_t updated_at_ms;
};
enum status task_remind_settings_get(const struct auth_ctx *ctx, struct task_remind_settings *out);
/* The local operator only; checks the command (an absolute path to an executable file, no shell
 * syntax), the address and the URL (no line breaks). Audited ("task.remind.settings"). */
enum status task_remind_settings_set(const struct auth_ctx *ctx, const struct task_remind_settings *in);

/* One user's digest. */
struct task_remind_item {
    char kind[32];
    int64_t due_at_ms;
    int64_t case_id;
};
struct task_remind_digest {
    int64_t user_id;
    char username[72];
    char *email;
    int64_t overdue;
    int64_t due_soon;
    struct task_remind_item *items;
    size_t count; /* items listed (at most TASK_REMIND_ITEMS_MAX) */
};
/* The digests due at now_ms (the local operator; users without an e-mail, disabled ones and those
 * sent one within the last day are left out). */
enum status task_remind_collect(const struct auth_ctx *ctx, const struct task_remind_settings *s, int64_t now_ms,
                                struct task_remind_digest **out, size_t *count_out);
void task_remind_digests_free(struct task_remind_digest *d, size_t count);
/* The RFC 5322 message of a digest (caller frees). */
char *task_remind_message(const struct task_remind_settings *s, const struct task_remind_digest *d, int64_t now_ms);
/* Pipes message to the mail command; STATUS_IO when it cannot run or exits non-zero. */
enum status task_remind_send(const struct task_remind_settings *s, const char *message);
/* Records that user_id was sent a digest at now_ms. */
enum status task_remind_mark(const struct auth_ctx *ctx, int64_t user_id, int64_t now_ms);

struct task_remind_report {
    int64_t due;    /* users with a digest due */
    int64_t sent;   /* digests sent (dry run: 0) */
    int64_t failed; /* the mail command failed */
};
/* Everything: settings, collect (one transaction), send each digest outside any transaction,
 * mark each sent one. Off: STATUS_OK with nothing done (*enabled_out false). dry_run: collects and
 * reports, sends and marks nothing. The caller's ctx must be the local operator's. */
enum status task_remind_run(const struct auth_ctx *ctx, bool dry_run, bool *enabled_out, struct task_remind_report *out,
                            struct task_remind_digest **digests_out, size_t *count_out);

/* The server's hourly run: a thread with a connection from pool (store_pool) and the vault. */
struct store_pool;
struct task_reminder;
enum status task_reminder_start(struct store_pool *pool, struct vault *vault, struct task_reminder **out);
void task_reminder_stop(struct task_reminder *r);

#endif
