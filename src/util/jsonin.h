/* jsonin: reading the members of a JSON input (a request body, an import line) into C values,
 * with errors that name the member (err_set_field), and the calendar dates those members carry.
 * Shared by the domain modules whose inputs are read member by member (src/fund, src/plan); the
 * typed readers of cases and referrals have their own field tables. */
#ifndef CTIS_UTIL_JSONIN_H
#define CTIS_UTIL_JSONIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* The days of a month (1-12) of a year of the Gregorian calendar. */
int util_month_days(int year, int month);
/* YYYY-MM-DD with a year from 1900 to 2200 and a real day of the month. */
bool util_date_valid(const char *s);
/* Today (UTC) as YYYY-MM-DD. */
void util_today(char out[11]);
/* Whether code is one of list (NULL-terminated); false for a NULL code. */
bool util_in_list(const char *code, const char *const *list);

/* A string member: "" when absent or null; STATUS_INVALID naming key when not a string, longer
 * than max bytes, or required and empty. *out points into o. */
enum status util_json_text(const json_t *o, const char *key, size_t max, bool required, const char **out);
/* An integer member in [min, max]; def when absent or null. */
enum status util_json_int(const json_t *o, const char *key, int64_t min, int64_t max, int64_t def, int64_t *out);
/* A boolean member (true/false, or 1/0); def when absent or null. */
enum status util_json_bool(const json_t *o, const char *key, bool def, bool *out);
/* A text member that may be absent: NULL when absent or null, "" when empty; STATUS_INVALID
 * naming key when not a string, longer than max bytes or not valid UTF-8. */
enum status util_json_str(const json_t *o, const char *key, size_t max, const char **out);
/* A date member YYYY-MM-DD (util_date_valid): "" when absent and not required. */
enum status util_json_date(const json_t *o, const char *key, bool required, const char **out);

#endif
