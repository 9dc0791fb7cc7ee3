/* regions: the reference data of statistics (issue 6, part S1).
 *
 * - The analytical regions and subregions of the UNODC Global Report on Trafficking in Persons
 *   (the 2018+ scheme: 4 regions, 10 subregions), shipped as versioned data
 *   (data/regions/glotip.json, embedded) with every country of the registry's vocabulary mapped,
 *   and per-instance overrides (table stats_region_overrides: country -> region, subregion).
 * - Population by country and year (table stats_population), imported from CSV, for rates per
 *   100,000 (SDG indicator 16.2.2).
 * - Named statistics settings (table stats_settings), e.g. the flow reporting threshold.
 *
 * Reading needs stats.read; changing needs stats.settings. Region and subregion values are the
 * codes of the data file ("europe_central_asia", "western_southern_europe"); names in English
 * come from stats_region_name, the web translates the codes. */
#ifndef CTIS_STATS_REGIONS_H
#define CTIS_STATS_REGIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The version of the built-in mapping ("glotip-2018.1"). */
const char *stats_regions_version(void);
/* The built-in region and subregion codes, in the file's order; *count set. */
const char *const *stats_regions_codes(size_t *count);
const char *const *stats_subregions_codes(size_t *count);
/* The English name of a region or subregion code; NULL when unknown. */
const char *stats_region_name(const char *code);
/* The region a subregion belongs to; NULL when the subregion is unknown. */
const char *stats_subregion_region(const char *subregion);
/* The built-in mapping of a country (alpha-3): true and the codes when mapped, false when the
 * country is unknown or deliberately unassigned (Antarctica). */
bool stats_region_builtin(const char *iso3, const char **region_out, const char **subregion_out);
/* True when the country is listed in the data file, mapped or deliberately unassigned. */
bool stats_region_listed(const char *iso3);

/* The mapping in effect: built-in plus the instance's overrides, loaded once for a query. */
struct stats_geo;
/* Loads the overrides (no permission check: for the statistics functions, which check theirs). */
enum status stats_geo_load(const struct auth_ctx *ctx, struct stats_geo **out);
void stats_geo_free(struct stats_geo *g);
/* The region and subregion of a country under g (overrides win); false when unmapped. g NULL:
 * the built-in mapping. */
bool stats_geo_region(const struct stats_geo *g, const char *iso3, const char **region_out, const char **subregion_out);

/* Every country of the vocabulary with its mapping in effect. */
struct stats_region_row {
    char country[8];
    const char *region;    /* NULL when unmapped */
    const char *subregion; /* NULL when unmapped */
    bool overridden;
};
/* Needs stats.read. */
enum status stats_regions_list(const struct auth_ctx *ctx, struct stats_region_row **out, size_t *count_out);
/* Sets an override: subregion a code of the data file; region NULL or "" for the subregion's own,
 * else it must be that region (field "region"). Needs stats.settings. */
enum status stats_region_set(const struct auth_ctx *ctx, const char *country, const char *region,
                             const char *subregion);
/* Removes an override (STATUS_NOT_FOUND when there is none). Needs stats.settings. */
enum status stats_region_clear(const struct auth_ctx *ctx, const char *country);
json_t *stats_regions_json(const struct stats_region_row *rows, size_t count);

/* Population. The CSV has the header country,year,population (in that order); country an ISO
 * code or name the vocabulary knows, year 1900..2200, population a positive integer (no
 * separators). All rows or none: the first error returns STATUS_INVALID with a message
 * "NAME: line N: FIELD: ..." and field set to the column; the caller's transaction (auth_run)
 * rolls back. A later row for the same country and year replaces the stored one. Needs
 * stats.settings. */
#define STATS_POPULATION_ROWS_MAX 100000
enum status stats_population_import(const struct auth_ctx *ctx, const char *name, const char *text, size_t len,
                                    size_t *rows_out);
struct stats_population_row {
    char country[8];
    int year;
    int64_t population;
};
/* country NULL or "": all. Needs stats.read. */
enum status stats_population_list(const struct auth_ctx *ctx, const char *country, struct stats_population_row **out,
                                  size_t *count_out);
/* The population of a country in a year: STATUS_NOT_FOUND ("no population ...") when absent.
 * No permission check (the statistics functions check theirs). */
enum status stats_population_get(const struct auth_ctx *ctx, const char *iso3, int year, int64_t *out);
/* The rate per 100,000 of count victims in (country, year): STATUS_NOT_FOUND with the message
 * "no population for ISO3 in YEAR" when the population is absent. */
enum status stats_population_rate(const struct auth_ctx *ctx, const char *iso3, int year, int64_t count,
                                  double *rate_out);

/* Settings: "flow_threshold" (integer 1..1000, default 5). Read needs stats.read, write
 * stats.settings. */
#define STATS_FLOW_THRESHOLD_DEFAULT 5
#define STATS_FLOW_THRESHOLD_MAX 1000
enum status stats_setting_int(const struct auth_ctx *ctx, const char *name, int64_t *out);
enum status stats_setting_put(const struct auth_ctx *ctx, const char *name, const char *value);
/* All settings with their values in effect as a JSON object. Needs stats.read. */
enum status stats_settings_json(const struct auth_ctx *ctx, json_t **out);

#endif
