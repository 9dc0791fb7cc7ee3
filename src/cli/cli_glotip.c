/* cli_glotip: UNODC's published national data (issue 6, item 6): `ctis import glotip FILE` and
 * `ctis stats glotip`. See docs/glotip.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "stats/glotip.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct glotip_import_cli {
    const char *name;
    char *data;
    size_t len;
    struct glotip_summary sum;
};

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct glotip_import_cli *o = p;
    return glotip_import(ctx, o->name, o->data, o->len, &o->sum);
}

static void summary_print(const struct glotip_summary *s, const char *path)
{
    printf("%s: %lld rows: %lld ok, %lld suppressed (<5), %lld suspect\n", path, (long long)s->rows, (long long)s->ok,
           (long long)s->suppressed, (long long)s->suspect);
    for (size_t r = 1; r < GLOTIP_REASON__COUNT; r++) {
        if (s->by_reason[r] > 0) {
            printf("  suspect, %s: %lld\n", glotip_reason_name((enum glotip_reason)r), (long long)s->by_reason[r]);
        }
    }
    printf("import %lld, file dated %s, sha256 %s\n", (long long)s->import_id, s->source_date[0] ? s->source_date : "-",
           s->sha256);
    printf("citizenship categories mapped to a country: %lld rows; unmapped: %zu distinct\n", (long long)s->mapped,
           s->unmapped_count);
    for (size_t i = 0; i < s->unmapped_count && i < GLOTIP_UNMAPPED_REPORTED_MAX; i++) {
        printf("  unmapped: %s (%lld row%s)\n", s->unmapped[i].category, (long long)s->unmapped[i].rows,
               s->unmapped[i].rows == 1 ? "" : "s");
    }
}

static int cmd_import_glotip(const struct command *cmd, struct args *args)
{
    struct glotip_import_cli o;
    memset(&o, 0, sizeof o);
    o.name = args->pos[0];
    enum status st = util_file_read(&o.data, &o.len, o.name, FILE_BYTES_MAX);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        free(o.data);
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_import, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *j = glotip_summary_json(&o.sum);
            json_object_set_new(j, "file", json_string(o.name));
            cli_print_json(j);
        } else {
            summary_print(&o.sum, o.name);
        }
    }
    glotip_summary_clear(&o.sum);
    free(o.data);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct glotip_stats_cli {
    struct glotip_query q;
    struct glotip_stat_row *rows;
    size_t count;
    int64_t import_id;
};

static enum status op_stats(const struct auth_ctx *ctx, void *p)
{
    struct glotip_stats_cli *o = p;
    return glotip_stats(ctx, &o->q, &o->rows, &o->count, &o->import_id);
}

static enum status year_opt(const char *name, const char *text, int64_t *out)
{
    if (text != NULL && (util_parse_i64(out, text) != STATUS_OK || *out < 1900 || *out > 2100)) {
        return err_set_field(STATUS_INVALID, name, "--%s: a year", name);
    }
    return STATUS_OK;
}

static int cmd_stats_glotip(const struct command *cmd, struct args *args)
{
    struct glotip_stats_cli o;
    memset(&o, 0, sizeof o);
    o.q.indicator = cli_opt(cmd, args, "indicator");
    o.q.dimension = cli_opt(cmd, args, "dimension");
    o.q.compare = cli_flag(cmd, args, "compare");
    enum status st = STATUS_OK;
    char by[128];
    snprintf(by, sizeof by, "%s", cli_opt(cmd, args, "by") ? cli_opt(cmd, args, "by") : "year");
    char *save = NULL;
    for (char *t = strtok_r(by, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (o.q.by_count == GLOTIP_BY_MAX) {
            st = err_set_field(STATUS_INVALID, "by", "--by: at most four fields");
            break;
        }
        o.q.by[o.q.by_count++] = t;
    }
    if (st == STATUS_OK) {
        st = year_opt("year-from", cli_opt(cmd, args, "year-from"), &o.q.year_from);
    }
    if (st == STATUS_OK) {
        st = year_opt("year-to", cli_opt(cmd, args, "year-to"), &o.q.year_to);
    }
    struct env e;
    bool opened = false;
    if (st == STATUS_OK) {
        st = cli_env_open(&e, false);
        opened = st == STATUS_OK;
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_stats, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(glotip_stats_json(&o.q, o.rows, o.count, o.import_id));
        } else {
            char *csv = glotip_stats_csv(&o.q, o.rows, o.count);
            fputs(csv, stdout);
            free(csv);
        }
    }
    glotip_stats_free(o.rows, o.count);
    if (opened) {
        cli_env_close(&e);
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command glotip_commands[] = {
    {"import glotip",
     "FILE",
     1,
     1,
     "Imports UNODC's GLOTIP data portal file, xlsx or csv, into glotip_rows and prints the summary: rows, ok, "
     "suppressed (<5), suspect by reason, unmapped citizenship categories. A file imported before is refused.",
     {{0}},
     cmd_import_glotip},
    {"stats glotip",
     "",
     0,
     0,
     "Sums the imported GLOTIP figures of an indicator by up to four fields (CSV, or --json); suppressed and suspect "
     "cells are counted apart, never summed.",
     {{"indicator", true, "the Indicator, e.g. \"Detected trafficking victims\" (required)"},
      {"by", true, "country, iso3, region, subregion, year, sex, age, category (comma-separated; default year)"},
      {"dimension", true, "rows of this Dimension (Category free) instead of the all-Total rows"},
      {"year-from", true, "from this year"},
      {"year-to", true, "up to this year"},
      {"compare", false, "the instance's own detected victims beside it (by iso3 and/or year)"},
      {"csv", false, "CSV output (the default)"}},
     cmd_stats_glotip},
};

const struct cli_table cli_glotip_table = {glotip_commands, ARRAY_LEN(glotip_commands)};
