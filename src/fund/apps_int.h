/* apps_int: what the files of part A of the Trust Fund (board.c, calls.c, applications.c,
 * reviews.c) share: input checks, dates, sealing and the settings of this part. Not for other
 * modules. */
#ifndef CTIS_FUND_APPS_INT_H
#define CTIS_FUND_APPS_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/status.h"
#include "util/jsonin.h"

#define FUND_TEXT_MAX 200  /* titles, descriptions, policy titles */
#define FUND_NOTE_MAX 4000 /* sealed notes, comments, reasons, summaries */
#define FUND_LIST_MAX 64   /* forms, countries, budget lines, tranches */
#define FUND_PEOPLE_MAX 1000000

/* date plus (or minus) whole months/years, day clamped to the month's end. */
void fa_add_months(const char *date, int months, char out[11]);
bool fa_upper3(const char *s);

/* A USD amount: "amount" as a decimal string in dollars ("20,000.00") or "amount_cents" /
 * cents_key as an integer; required unless def_ok (then 0). */
enum status fa_usd(const json_t *o, const char *key, const char *cents_key, bool required, int64_t *out);
/* "12,345.67" */
void fa_usd_format(int64_t cents, char out[32]);

/* Settings: "max_per_group" (1..5, default 1), "min_reviews" (1..5, default 2). No permission
 * check (callers check theirs). */
enum status fa_setting(const struct auth_ctx *ctx, const char *name, int64_t *out);

/* The comma-separated codes of an array member (each checked by ok); "" when absent. */
enum status fa_codes(const json_t *o, const char *key, bool (*ok)(const char *), char **out);
json_t *fa_codes_json(const char *csv);

/* The serving trustee linked to user_id on date (0 when none). */
enum status fa_trustee_of_user(const struct auth_ctx *ctx, int64_t user_id, const char *date, int64_t *trustee_id);
/* The review tasks: resolves fund_review_due for trustee of call when no submitted application of
 * the call is left that the trustee may review and has not. */
enum status fa_review_task_check(const struct auth_ctx *ctx, int64_t call_id, int64_t trustee_id);
/* For fund users: adds "reviews_count", "average_score" (text, two decimals; null without
 * reviews), "recused" (trustee ids) and "decision" (null or the decision) to an application. */
enum status fa_review_summary(const struct auth_ctx *ctx, json_t *app);

#endif
