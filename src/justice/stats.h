/* justice stats: offenders counted from the justice data alone (issue 5, part J1; GLOTIP):
 * persons (natural or legal) at each stage of the funnel, formal contact -> prosecuted ->
 * convicted, grouped by up to three of sex, age_group, citizenship, nationals (a national of
 * the investigation's country or not), exploitation (the offence's form), year (of the stage's
 * date) and legal_person. A person counts once per group and stage, however many charges bring
 * them there (a person charged with two forms counts once in each form). Needs stats.read;
 * scope as cases (agency, or every agency with scope all); aggregate only, exact counts, like
 * `ctis stats victims`. */
#ifndef CTIS_JUSTICE_STATS_H
#define CTIS_JUSTICE_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define JUSTICE_STATS_KEYS 4 /* the stage, and up to three dimensions */

struct justice_stat_row {
    char *keys[JUSTICE_STATS_KEYS];
    int64_t count;
};

struct justice_stats_query {
    const char *by[3];
    size_t by_count;
    const char *stage; /* contact, prosecuted, convicted; NULL or "": every stage, as a leading "stage" key */
    int64_t from_ms;   /* 0: no bound; compared with the stage's date */
    int64_t to_ms;     /* 0: no bound */
};

/* The rows, ordered by their keys (stages in the funnel's order); names_out[0..*names_count) are the column names (the
 * stage first when no stage is chosen), borrowed from q and static strings. */
enum status justice_stats_offenders(const struct auth_ctx *ctx, const struct justice_stats_query *q,
                                    const char *names_out[JUSTICE_STATS_KEYS], size_t *names_count,
                                    struct justice_stat_row **out, size_t *count_out);
bool justice_stats_dimension_known(const char *name);
void justice_stats_free(struct justice_stat_row *rows, size_t count);
/* As case_stats_csv and case_stats_json: "sex,year,count" and [{"keys": {...}, "count": n}]. */
char *justice_stats_csv(const char *const *names, size_t n, const struct justice_stat_row *rows, size_t count);
json_t *justice_stats_json(const char *const *names, size_t n, const struct justice_stat_row *rows, size_t count);

#endif
