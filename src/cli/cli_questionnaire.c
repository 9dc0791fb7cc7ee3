/* cli_questionnaire: `ctis stats questionnaire`, the instance's figures as the UNODC
 * questionnaire's tables in an .xlsx workbook (issue 6, item 7; src/stats/questionnaire.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "stats/questionnaire.h"
#include "util/mem.h"
#include "util/util.h"

struct q_cli {
    struct questionnaire_spec q;
    char *data;
    size_t len;
    json_t *releases;
};

static enum status year_opt(const struct command *cmd, struct args *a, const char *name, int *out)
{
    const char *v = cli_opt(cmd, a, name);
    int64_t y = 0;
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "--%s: a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

static enum status op_questionnaire(const struct auth_ctx *ctx, void *p)
{
    struct q_cli *o = p;
    return stats_questionnaire(ctx, &o->q, NULL, &o->data, &o->len, &o->releases);
}

static int cmd_stats_questionnaire(const struct command *cmd, struct args *a)
{
    struct q_cli o = {0};
    o.q.country = cli_opt(cmd, a, "country");
    o.q.lang = cli_opt(cmd, a, "lang");
    o.q.release = cli_opt(cmd, a, "release");
    o.q.threshold = cli_opt(cmd, a, "threshold");
    const char *path = cli_opt(cmd, a, "out");
    enum status st = year_opt(cmd, a, "from-year", &o.q.year_from);
    if (st == STATUS_OK) {
        st = year_opt(cmd, a, "to-year", &o.q.year_to);
    }
    if (st == STATUS_OK && (path == NULL || path[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "out", "--out: the .xlsx file to write");
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_questionnaire, &o);
    cli_env_close(&e);
    if (st == STATUS_OK) {
        st = util_file_write_atomic(path, o.data, o.len, 0644);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *j = json_pack("{sssIsO}", "file", path, "bytes", (json_int_t)o.len, "releases", o.releases);
            cli_print_json(j); /* takes j */
        } else {
            fprintf(stderr, "questionnaire written: %s (%zu bytes", path, o.len);
            if (json_array_size(o.releases) > 0) {
                fprintf(stderr, "; %zu tables released, dataset %s", json_array_size(o.releases),
                        QUESTIONNAIRE_DATASET);
            }
            fprintf(stderr, ")\n");
        }
    }
    free(o.data);
    json_decref(o.releases);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command questionnaire_commands[] = {
    {"stats questionnaire",
     "",
     0,
     0,
     "Writes this instance's figures as the tables of UNODC's questionnaire for the Global Report (.xlsx: a cover "
     "and a sheet per section, years as columns). Exact figures need stats.read; --release suppress (or round) "
     "puts every table through disclosure control and records the releases (stats.publish).",
     {{"country", true, "the reporting country (ISO 3166): who counts as a national"},
      {"from-year", true, "first year (YYYY)"},
      {"to-year", true, "last year (YYYY)"},
      {"lang", true, "language of the labels: ar, en, es, fr, ru or zh (default en; ar: sheets right to left)"},
      {"release", true, "suppress or round: disclosure control on every table"},
      {"threshold", true, "with --release: the threshold (default 5)"},
      {"out", true, "the .xlsx file to write"}},
     cmd_stats_questionnaire},
};

const struct cli_table cli_questionnaire_table = {questionnaire_commands, ARRAY_LEN(questionnaire_commands)};
