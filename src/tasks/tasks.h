/* tasks: work items with an owner (a user, or an agency's queue when owner_id is 0), a due date
 * and a state, tied to a case or another record. Other modules raise tasks automatically when a
 * deadline appears (a reflection period ends, a referral waits for an answer, a best-interests
 * determination is pending, a follow-up is due) and resolve them when the condition is met; people
 * add their own. Task titles may name people, so they are sealed; automatic tasks have none (the
 * page shows the kind's label and the case). */
#ifndef CTIS_TASKS_TASKS_H
#define CTIS_TASKS_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define TASK_KIND_BYTES 32
#define TASK_KEY_BYTES 96

enum task_status { TASK_OPEN, TASK_DONE, TASK_CANCELLED };
const char *task_status_name(enum task_status s);

/* What an automatic task is about; "manual" for the ones people add. */
#define TASK_KIND_MANUAL "manual"
#define TASK_KIND_REFLECTION_ENDING "reflection_ending"
#define TASK_KIND_REFERRAL_UNANSWERED "referral_unanswered"
#define TASK_KIND_DETERMINATION_PENDING "determination_pending"
#define TASK_KIND_FOLLOW_UP_DUE "follow_up_due"
#define TASK_KIND_GLASS_NOTICE "glass_notice"

struct task {
    int64_t id;
    char kind[TASK_KIND_BYTES];
    char *key;            /* automatic tasks: the key they are raised and resolved by; NULL for manual ones */
    char *title;          /* manual tasks: the title (sealed); NULL when not readable or automatic */
    int64_t case_id;      /* 0 when about no case */
    char record_type[24]; /* the record the task is about ("referral", ...), "" for the case itself */
    int64_t record_id;
    int64_t agency_id; /* the agency whose work it is */
    int64_t owner_id;  /* the user who must do it; 0: anyone of the agency */
    int64_t due_at_ms; /* 0: no due date */
    enum task_status status;
    int64_t created_at_ms;
    int64_t created_by; /* 0: the system or the operator */
    int64_t done_at_ms;
    int64_t done_by;
    int64_t version;
};

/* An automatic task. key names the condition ("reflection:<case>", "referral:<id>"): raising a
 * key that already has an open task updates its due date, owner and agency instead of adding
 * another. Called from inside a domain operation that has already decided access; writes no audit
 * entry of its own (the operation's entry covers it). */
struct task_raise {
    const char *kind;
    const char *key;
    int64_t case_id;
    const char *record_type; /* NULL or "" */
    int64_t record_id;
    int64_t agency_id;
    int64_t owner_id;
    int64_t due_at_ms;
};
enum status task_raise(const struct auth_ctx *ctx, const struct task_raise *in, int64_t *id_out);
/* Ends the open automatic task with this key: done (the condition was met) or cancelled (it no
 * longer applies). No open task with the key: STATUS_OK, nothing changes. */
enum status task_resolve(const struct auth_ctx *ctx, const char *key, enum task_status outcome);

/* Manual tasks and the operations on every task. A task is reached with task.read or task.write
 * (scope: the task's agency; a scope-own user reaches the tasks they own and their agency's
 * queue); a task tied to a case also needs the case to be readable (case_reach, case.read): out of
 * reach reads as absent (STATUS_NOT_FOUND). Each read and write is audited (record type "task").
 * A title is never written to logs, errors or audit details. */
struct task_new {
    const char *title; /* required, at most TASK_TITLE_BYTES_MAX bytes of UTF-8 */
    int64_t case_id;   /* 0: none */
    int64_t owner_id;  /* 0: the agency's queue; else an active user of the task's agency */
    int64_t due_at_ms; /* 0: none */
    int64_t agency_id; /* the operator only (users: their own agency); 0: the case's agency */
};
enum status task_create(const struct auth_ctx *ctx, const struct task_new *in, int64_t *id_out);
enum status task_get(const struct auth_ctx *ctx, int64_t id, struct task **out);

struct task_filter {
    bool mine;             /* owned by the acting user */
    bool queue;            /* the agency's queue: no owner */
    int64_t case_id;       /* 0: any */
    const char *status;    /* NULL or "": any; "open", "done", "cancelled" */
    bool overdue;          /* open and due before now */
    int64_t due_before_ms; /* 0: any */
    int64_t limit;         /* 0: PAGE_ROWS_DEFAULT */
    int64_t offset;
};
/* The tasks the acting user may see that match f, dated ones first by due date. The list is
 * audited once; each case a listed task is tied to is reached (and audited) once. */
enum status task_list(const struct auth_ctx *ctx, const struct task_filter *f, struct task ***out, size_t *count_out);

/* Changes: the members flagged set_* change. Owner 0 moves the task to the agency's queue. A title
 * is for manual tasks only. STATUS_CONFLICT when expected_version is stale. */
struct task_change {
    bool set_owner;
    int64_t owner_id;
    bool set_due;
    int64_t due_at_ms;
    const char *title; /* NULL: unchanged */
};
enum status task_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const struct task_change *in);
/* Completes, cancels (open tasks) or reopens (done or cancelled ones) a task; expected_version 0
 * skips the version check. */
enum status task_set_status(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, enum task_status to);

/* "My work": the acting user's open tasks (dated ones first, overdue first) and their agency's
 * open unowned queue, with counts. */
struct task_my_work {
    struct task **mine;
    size_t mine_count;
    struct task **queue;
    size_t queue_count;
    int64_t overdue;  /* of mine and the queue */
    int64_t due_soon; /* due within TASK_DUE_SOON_DAYS days, not overdue */
};
enum status task_my_work(const struct auth_ctx *ctx, struct task_my_work *out);
void task_my_work_clear(struct task_my_work *w);

/* A task as JSON (title null when none or automatic; "overdue" computed at now_ms). */
json_t *task_to_json(const struct task *t, int64_t now_ms);
enum status task_status_parse(const char *name, enum task_status *out);

/* A case's purge (protect_hooks.c): wipes the sealed titles of the case's tasks; counts them. */
enum status task_purge_case_titles(const struct auth_ctx *ctx, int64_t case_id, int64_t *items);

void task_free(struct task *t);
void task_list_free(struct task **list, size_t count);

#endif
