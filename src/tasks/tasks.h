/* tasks: work items with an owner (a user, or an agency's queue when owner_id is 0), a due date
 * and a state, tied to a case or another record. Other modules raise tasks automatically when a
 * deadline appears (a reflection period ends, a referral waits for an answer, a best-interests
 * determination is pending, a follow-up is due) and resolve them when the condition is met; people
 * add their own. Task titles may name people, so they are sealed; automatic tasks have none (the
 * page shows the kind's label and the case). */
#ifndef CTIS_TASKS_TASKS_H
#define CTIS_TASKS_TASKS_H

#include <stdbool.h>
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
    char *key;   /* automatic tasks: the key they are raised and resolved by; NULL for manual ones */
    char *title; /* manual tasks: the title (sealed); NULL when not readable or automatic */
    int64_t case_id;     /* 0 when about no case */
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

void task_free(struct task *t);
void task_list_free(struct task **list, size_t count);

#endif
