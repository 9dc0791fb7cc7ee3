/* board: the Trust Fund's Board of Trustees and their declarations of conflicts of interest
 * (issue 8, part A; resolution 64/293: five persons appointed with equitable geographical
 * distribution, three-year terms).
 *
 * A trustee has a sealed name, a nationality (ISO 3166-1 alpha-3), the UN regional group derived
 * from it (fund_un_group: the table of the 193 member states in board.c), an optional user
 * account (the trustee's login, so that reviews know who is scoring), an appointment date, a term
 * end (three years after the appointment by default) and a status (serving, ended: the date the
 * term was cut short). A trustee serves from the appointment date up to (not including) the term
 * end or the date it ended.
 *
 * The board's rules, checked on every appointment over the whole new term: at most
 * FUND_BOARD_SIZE trustees serve on any date, and at most "max_per_group" (a setting of this part,
 * default 1) from the same regional group. A breach is STATUS_CONFLICT (409) naming the rule and
 * the date.
 *
 * A conflict of interest is declared by a trustee on an organisation (an agency of the registry)
 * or on one application, with a date and a sealed note; a trustee with a declared conflict cannot
 * review the organisation's applications (reviews.c).
 *
 * Reading needs fund.read, appointing and ending fund.write; a conflict is declared by a fund
 * manager (fund.write) for any trustee, or by a trustee (fund.approve) for themself. */
#ifndef CTIS_FUND_BOARD_H
#define CTIS_FUND_BOARD_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define FUND_BOARD_SIZE 5
#define FUND_TERM_YEARS 3

/* The UN regional group of a member state: "african", "asia_pacific", "eastern_european",
 * "latin_american_caribbean", "western_european_others"; NULL when the code is not a member
 * state of a group. */
const char *fund_un_group(const char *iso3);

/* Appoints {"name","country","user_id","appointed_on","term_end"} (term_end default three
 * years on). Needs fund.write. *out the trustee as JSON. */
enum status fund_trustee_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
/* Every trustee (serving and ended), with "serving_now". Needs fund.read. A JSON array. */
enum status fund_trustee_list(const struct auth_ctx *ctx, json_t **out);
/* Ends a serving trustee's term on date (NULL or "": today). Needs fund.write. */
enum status fund_trustee_end(const struct auth_ctx *ctx, int64_t id, const char *date, json_t **out);

/* Declares {"trustee_id","agency_id" | "application_id","declared_on" (default today),"note"}.
 * Needs fund.write, or fund.approve and trustee_id the caller's own. */
enum status fund_conflict_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
/* The declarations (trustee_id 0: all). Needs fund.read. A JSON array. */
enum status fund_conflict_list(const struct auth_ctx *ctx, int64_t trustee_id, json_t **out);

/* The settings of this part as {"max_per_group","min_reviews"} (fund.read), and one set
 * (fund.write): name max_per_group or min_reviews, value 1..5. */
enum status fund_app_settings(const struct auth_ctx *ctx, json_t **out);
enum status fund_app_setting_put(const struct auth_ctx *ctx, const char *name, int64_t value);

#endif
