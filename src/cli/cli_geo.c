/* cli_geo: the statistics reference data and flows (issue 6, part S1): ctis regions list / set /
 * clear, ctis population import / list, ctis stats settings and ctis stats flows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "stats/flows.h"
#include "stats/regions.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct geo_op {
    const char *country, *region, *subregion, *name, *value;
    const char *file;
    char *text;
    size_t len;
    size_t rows_done;
    struct stats_region_row *regions;
    struct stats_population_row *pop;
    size_t count;
    struct stats_flows_query q;
    struct stats_flows *flows;
    json_t *settings;
};

/* Runs op inside auth_run with the operator's environment. */
static int geo_run(auth_op_fn op, struct geo_op *o)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op, o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_regions_list(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_regions_list(ctx, &o->regions, &o->count);
}

static int cmd_regions_list(const struct command *cmd, struct args *args)
{
    struct geo_op o = {0};
    const char *only = cli_opt(cmd, args, "country");
    int rc = geo_run(op_regions_list, &o);
    if (rc == CLI_EXIT_OK) {
        size_t n = 0;
        for (size_t i = 0; i < o.count; i++) {
            if (only == NULL || strcmp(only, o.regions[i].country) == 0) {
                o.regions[n++] = o.regions[i];
            }
        }
        if (cli_json_out) {
            cli_print_json(
                json_pack("{ssso}", "version", stats_regions_version(), "countries", stats_regions_json(o.regions, n)));
        } else {
            printf("country,region,subregion,overridden\n");
            for (size_t i = 0; i < n; i++) {
                printf("%s,%s,%s,%s\n", o.regions[i].country, o.regions[i].region ? o.regions[i].region : "",
                       o.regions[i].subregion ? o.regions[i].subregion : "", o.regions[i].overridden ? "yes" : "no");
            }
        }
    }
    free(o.regions);
    return rc;
}

static enum status op_regions_set(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_region_set(ctx, o->country, o->region, o->subregion);
}

static int cmd_regions_set(const struct command *cmd, struct args *args)
{
    struct geo_op o = {.country = args->pos[0], .subregion = args->pos[1], .region = cli_opt(cmd, args, "region")};
    return geo_run(op_regions_set, &o);
}

static enum status op_regions_clear(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_region_clear(ctx, o->country);
}

static int cmd_regions_clear(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct geo_op o = {.country = args->pos[0]};
    return geo_run(op_regions_clear, &o);
}

static enum status op_population_import(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_population_import(ctx, o->file, o->text, o->len, &o->rows_done);
}

static int cmd_population_import(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct geo_op o = {.file = args->pos[0]};
    enum status st = util_file_read(&o.text, &o.len, o.file, FILE_BYTES_MAX);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *base = strrchr(o.file, '/');
    o.file = base ? base + 1 : o.file;
    int rc = geo_run(op_population_import, &o);
    if (rc == CLI_EXIT_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sI}", "rows", (json_int_t)o.rows_done));
        } else {
            printf("%zu rows imported\n", o.rows_done);
        }
    }
    free(o.text);
    return rc;
}

static enum status op_population_list(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_population_list(ctx, o->country, &o->pop, &o->count);
}

static int cmd_population_list(const struct command *cmd, struct args *args)
{
    struct geo_op o = {.country = cli_opt(cmd, args, "country")};
    int rc = geo_run(op_population_list, &o);
    if (rc == CLI_EXIT_OK) {
        if (cli_json_out) {
            json_t *arr = json_array();
            for (size_t i = 0; i < o.count; i++) {
                json_array_append_new(arr, json_pack("{sssisI}", "country", o.pop[i].country, "year", o.pop[i].year,
                                                     "population", (json_int_t)o.pop[i].population));
            }
            cli_print_json(arr);
        } else {
            printf("country,year,population\n");
            for (size_t i = 0; i < o.count; i++) {
                printf("%s,%d,%lld\n", o.pop[i].country, o.pop[i].year, (long long)o.pop[i].population);
            }
        }
    }
    free(o.pop);
    return rc;
}

static enum status op_settings(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    enum status st = STATUS_OK;
    if (o->value != NULL) {
        st = stats_setting_put(ctx, "flow_threshold", o->value);
    }
    return st == STATUS_OK ? stats_settings_json(ctx, &o->settings) : st;
}

static int cmd_stats_settings(const struct command *cmd, struct args *args)
{
    struct geo_op o = {.value = cli_opt(cmd, args, "flow-threshold")};
    int rc = geo_run(op_settings, &o);
    if (rc == CLI_EXIT_OK) {
        if (cli_json_out) {
            cli_print_json(o.settings);
            o.settings = NULL;
        } else {
            const char *k;
            json_t *v;
            json_object_foreach(o.settings, k, v)
            {
                printf("%s=%lld\n", k, (long long)json_integer_value(v));
            }
        }
    }
    json_decref(o.settings);
    return rc;
}

static enum status op_flows(const struct auth_ctx *ctx, void *p)
{
    struct geo_op *o = p;
    return stats_flows(ctx, &o->q, &o->flows);
}

static int cmd_stats_flows(const struct command *cmd, struct args *args)
{
    struct geo_op o = {0};
    enum status st = STATUS_OK;
    if (cli_opt(cmd, args, "from")) {
        st = util_time_parse(&o.q.from_ms, cli_opt(cmd, args, "from"));
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "to")) {
        st = util_time_parse_end(&o.q.to_ms, cli_opt(cmd, args, "to"));
    }
    const char *t = cli_opt(cmd, args, "threshold");
    if (st == STATUS_OK && t != NULL) {
        char *end = NULL;
        long v = strtol(t, &end, 10);
        if (end == t || *end != '\0' || v < 1 || v > STATS_FLOW_THRESHOLD_MAX) {
            st = err_set_field(STATUS_INVALID, "threshold", "--threshold: a whole number from 1 to %d",
                               STATS_FLOW_THRESHOLD_MAX);
        }
        o.q.threshold = v;
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    int rc = geo_run(op_flows, &o);
    if (rc == CLI_EXIT_OK) {
        if (cli_json_out) {
            cli_print_json(stats_flows_json(o.flows));
        } else {
            char *csv = stats_flows_csv(o.flows);
            fputs(csv, stdout);
            free(csv);
        }
    }
    stats_flows_free(o.flows);
    return rc;
}

static const struct command geo_commands[] = {
    {"regions list",
     "",
     0,
     0,
     "Lists every country with its GLOTIP region and subregion in effect (CSV, or --json).",
     {{"country", true, "only this country (ISO alpha-3)"}},
     cmd_regions_list},
    {"regions set",
     "COUNTRY SUBREGION",
     2,
     2,
     "Maps a country to a GLOTIP subregion on this instance (overrides the built-in mapping).",
     {{"region", true, "the subregion's region (checked; default: the subregion's own)"}},
     cmd_regions_set},
    {"regions clear",
     "COUNTRY",
     1,
     1,
     "Removes a country's override: the built-in mapping applies again.",
     {{0}},
     cmd_regions_clear},
    {"population import",
     "FILE.csv",
     1,
     1,
     "Imports population by country and year (header country,year,population) in one transaction.",
     {{0}},
     cmd_population_import},
    {"population list",
     "",
     0,
     0,
     "Lists the population by country and year (CSV, or --json).",
     {{"country", true, "only this country (ISO alpha-3)"}},
     cmd_population_list},
    {"stats settings",
     "",
     0,
     0,
     "Shows the statistics settings, or changes one.",
     {{"flow-threshold", true, "the reporting threshold of flows (1 to 1000; default 5)"}},
     cmd_stats_settings},
    {"stats flows",
     "",
     0,
     0,
     "Origin -> destination flows of victims by reach, with reach shares, main destinations and rates (CSV, or "
     "--json).",
     {{"from", true, "cases opened from this date"},
      {"to", true, "cases opened up to this date"},
      {"threshold", true, "list pairs with at least this many victims (default: the instance setting)"},
      {"csv", false, "CSV output (the default)"}},
     cmd_stats_flows},
};

const struct cli_table cli_geo_table = {geo_commands, ARRAY_LEN(geo_commands)};
