/* flows: trafficking flows from case data (issue 6, part S1; Plan of Action para 60).
 *
 * A victim's origin is the case's citizenship (the registry has no separate country-of-origin
 * field; HTCDS prs_Citizenship) and the destination the country of exploitation
 * (exploitation_country, the country where the victim was exploited and, for the cases an
 * instance holds, detected). Victims with both known make the origin -> destination pairs, each
 * classified by reach under the GLOTIP regions in effect (stats/regions.h, overrides win):
 * domestic (same country), subregional (same subregion), intraregional (same region) or
 * transregional (different regions, or a country without region). A pair with fewer victims than
 * the reporting threshold (the instance setting flow_threshold, 5 by default, or the query's) is
 * not listed as a flow but its victims count in the reach shares, which are shares of all victims
 * with both countries known. Main destinations: per origin region, the destination subregions of
 * its victims detected outside their own country, largest first.
 *
 * Rates (SDG 16.2.2): victims per 100,000 population by country of detection (exploitation
 * country) and year (the year registered, else the year the case was opened), with no rate
 * where the population of that year is absent.
 *
 * The same cases as `ctis stats victims`: in the principal's scope, opened in [from, to], not
 * merged, without a refusal of research use. Needs stats.read; exact counts (disclosure control
 * belongs to releases). */
#ifndef CTIS_STATS_FLOWS_H
#define CTIS_STATS_FLOWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

enum stats_reach { STATS_DOMESTIC, STATS_SUBREGIONAL, STATS_INTRAREGIONAL, STATS_TRANSREGIONAL, STATS_REACH_COUNT };
const char *stats_reach_name(enum stats_reach r);
/* The reach of a pair under the built-in mapping plus g's overrides (g may be NULL). */
struct stats_geo;
enum stats_reach stats_reach_of(const struct stats_geo *g, const char *origin, const char *destination);

struct stats_flows_query {
    int64_t from_ms;   /* 0: from the beginning */
    int64_t to_ms;     /* 0: no end */
    int64_t threshold; /* 0: the instance setting */
};

struct stats_flow {
    char origin[8];
    char destination[8];
    const char *origin_region; /* NULL when unmapped (static strings) */
    const char *destination_region;
    enum stats_reach reach;
    int64_t count;
};

struct stats_flow_destination {
    const char *origin_region;
    const char *destination_subregion; /* NULL: a country without region */
    int64_t count;
    double share; /* of the origin region's victims detected abroad */
};

struct stats_flow_rate {
    char country[8];
    int year;
    int64_t victims;
    int64_t population; /* 0: no population */
    double rate;        /* per 100,000; meaningful when population > 0 */
};

struct stats_flows {
    int64_t threshold;
    int64_t victims; /* all victims in the query */
    int64_t known;   /* with both countries known */
    int64_t reach[STATS_REACH_COUNT];
    int64_t pairs;            /* distinct pairs */
    int64_t pairs_below;      /* pairs under the threshold (not listed) */
    int64_t victims_below;    /* their victims */
    struct stats_flow *flows; /* listed pairs, largest first */
    size_t count;
    struct stats_flow_destination *destinations; /* by origin region, largest first */
    size_t destinations_count;
    struct stats_flow_rate *rates; /* by country, year */
    size_t rates_count;
};

enum status stats_flows(const struct auth_ctx *ctx, const struct stats_flows_query *q, struct stats_flows **out);
void stats_flows_free(struct stats_flows *f);
/* The share of reach r among the known victims (0 when none are known). */
double stats_flows_share(const struct stats_flows *f, enum stats_reach r);
/* JSON: {"threshold","victims","known","pairs","pairs_below","victims_below","reach":{name:
 * {"count","share"}},"flows":[...],"destinations":[...],"rates":[...],"regions_version"}. */
json_t *stats_flows_json(const struct stats_flows *f);
/* CSV in long form: section,origin,destination,reach,year,count,share,population,rate with the
 * sections flow, reach, destination (origin region, destination subregion) and rate
 * (destination = country of detection). Caller frees. */
char *stats_flows_csv(const struct stats_flows *f);

#endif
