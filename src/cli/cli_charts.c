/* cli_charts: `ctis stats chart NAME` draws one of the report's charts (issue 6, item 7;
 * src/stats/charts.h) to an SVG or PNG file, as the local operator; --release suppress draws the
 * figures released through disclosure control (and records the release). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "i18n/i18n.h"
#include "stats/charts.h"
#include "util/mem.h"
#include "util/util.h"

struct chart_cli {
    const char *name;
    struct stats_chart_query q;
    struct stats_chart *chart;
};

static enum status op_chart(const struct auth_ctx *ctx, void *p)
{
    struct chart_cli *o = p;
    return stats_chart_build(ctx, o->name, &o->q, &o->chart);
}

static enum status year_opt(const struct command *cmd, struct args *a, const char *name, int *out)
{
    const char *v = cli_opt(cmd, a, name);
    int64_t y = 0;
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "--%s: required, a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

static int cmd_stats_chart(const struct command *cmd, struct args *a)
{
    struct chart_cli o = {.name = a->pos[0]};
    const char *format = cli_opt(cmd, a, "format"), *release = cli_opt(cmd, a, "release");
    const char *out = cli_opt(cmd, a, "out");
    enum chart_format f = CHART_SVG;
    enum status st = STATUS_OK;
    if (!stats_chart_name_valid(o.name)) {
        st = err_set_field(STATUS_INVALID, "name",
                           "NAME: one of victims-sex-age, victims-forms, trends, funnel, flows-reach, flows");
    }
    if (st == STATUS_OK) {
        st = year_opt(cmd, a, "from-year", &o.q.year_from);
    }
    if (st == STATUS_OK) {
        st = year_opt(cmd, a, "to-year", &o.q.year_to);
    }
    o.q.lang = cli_opt(cmd, a, "lang") ? cli_opt(cmd, a, "lang") : "en";
    if (st == STATUS_OK && format != NULL && strcmp(format, "svg") != 0) {
        if (strcmp(format, "png") == 0) {
            f = CHART_PNG;
        } else {
            st = err_set_field(STATUS_INVALID, "format", "--format: svg or png");
        }
    }
    if (st == STATUS_OK && release != NULL) {
        if (strcmp(release, "suppress") == 0) {
            o.q.release = true;
        } else {
            st = err_set_field(STATUS_INVALID, "release", "--release: suppress");
        }
    }
    if (st == STATUS_OK && (out == NULL || out[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "out", "--out: required, the file to write");
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_chart, &o);
    cli_env_close(&e);
    uint8_t *img = NULL;
    size_t len = 0;
    if (st == STATUS_OK) {
        st = stats_chart_render(o.chart, f, 0, 0, &img, &len);
    }
    if (st == STATUS_OK) {
        st = util_file_write_atomic(out, img, len, 0640);
    }
    free(img);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *j = json_pack("{sssssIsbsIsI}", "chart", o.name, "out", out, "bytes", (json_int_t)len, "released",
                                  o.chart->released, "release_id", (json_int_t)o.chart->release_id, "suppressed",
                                  (json_int_t)o.chart->suppressed);
            cli_print_json(j); /* takes j */
        } else {
            printf("%s: %zu bytes%s\n", out, len, o.chart->released ? " (released through disclosure control)" : "");
        }
    }
    stats_chart_free(o.chart);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command charts_commands[] = {
    {"stats chart",
     "NAME",
     1,
     1,
     "Draws one of the report's charts to a file: victims-sex-age, victims-forms, trends, funnel, flows-reach or "
     "flows. Exact figures need stats.read; --release suppress draws them through disclosure control (stats.publish; "
     "recorded as a release).",
     {{"from-year", true, "first calendar year (YYYY)"},
      {"to-year", true, "last calendar year (YYYY; at most 30 years)"},
      {"lang", true, "the labels' language: ar, en (default), es, fr, ru or zh"},
      {"format", true, "svg (default) or png"},
      {"release", true, "suppress: the figures as published (small-cell suppression, threshold 5)"},
      {"out", true, "the file to write"}},
     cmd_stats_chart},
};

const struct cli_table cli_charts_table = {charts_commands, ARRAY_LEN(charts_commands)};
