/* cli_plan_ratify: the ratification register (issue 9, part R): ctis plan ratify set, show,
 * import and coverage. src/plan/ratify.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plan/ratify.h"
#include "util/mem.h"
#include "util/util.h"

#define RATIFY_CLI_FILE_BYTES_MAX (16 * 1024 * 1024)

enum rop { R_SET, R_SHOW, R_LIST, R_IMPORT, R_COVERAGE };

struct rcli {
    enum rop op;
    const char *state, *instrument, *by, *name, *text;
    size_t len;
    json_t *in;
    json_t *out;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct rcli *o = p;
    switch (o->op) {
    case R_SET: return plan_ratify_set(ctx, o->state, o->instrument, o->in, PLAN_RAT_ANY_VERSION, &o->out);
    case R_SHOW: return plan_ratify_get(ctx, o->state, o->instrument, &o->out);
    case R_LIST: return plan_ratify_list(ctx, o->state, o->instrument, &o->out);
    case R_IMPORT: return plan_ratify_import_csv(ctx, o->name, o->text, o->len, &o->out);
    case R_COVERAGE: return plan_ratify_coverage(ctx, o->instrument, o->by, &o->out);
    }
    return STATUS_INVALID;
}

static const char *js(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL && s[0] ? s : "-";
}

static void print_row(const json_t *r)
{
    printf("%s  %-20s %-7s signed %-10s  %s %s\n", js(r, "state"), js(r, "instrument"), js(r, "status"),
           js(r, "signature"), js(r, "act"), js(r, "act_date"));
}

static int run(struct rcli *o)
{
    enum status st = cli_run_op(op_run, o);
    json_decref(o->in);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(o->out);
        return CLI_EXIT_OK;
    }
    json_t *v;
    size_t i;
    switch (o->op) {
    case R_SET:
    case R_SHOW:
        print_row(o->out);
        if (strcmp(js(o->out, "reservations"), "-") != 0) {
            printf("  reservations: %s\n", js(o->out, "reservations"));
        }
        printf("  source: %s\n  version %lld\n", js(o->out, "source"),
               (long long)json_integer_value(json_object_get(o->out, "version")));
        json_array_foreach(json_object_get(o->out, "history"), i, v)
        {
            if (o->op == R_SHOW) {
                printf("  v%lld: signed %s, %s %s\n", (long long)json_integer_value(json_object_get(v, "version")),
                       js(v, "signature"), js(v, "act"), js(v, "act_date"));
            }
        }
        break;
    case R_LIST:
        if (json_object_get(o->out, "instruments") != NULL) {
            json_array_foreach(json_object_get(o->out, "instruments"), i, v)
            {
                printf("%-20s %-7s %s %s\n", js(v, "instrument"), js(v, "status"), js(v, "act"), js(v, "act_date"));
            }
        } else {
            json_array_foreach(json_object_get(o->out, "ratifications"), i, v)
            {
                print_row(v);
            }
        }
        break;
    case R_IMPORT:
        printf("%s: %lld rows imported\n", js(o->out, "file"),
               (long long)json_integer_value(json_object_get(o->out, "imported")));
        break;
    case R_COVERAGE:
        json_array_foreach(json_object_get(o->out, "instruments"), i, v)
        {
            printf("%s (%s)\n", js(v, "instrument"), js(v, "name"));
            size_t j;
            json_t *g;
            json_array_foreach(json_object_get(v, "groups"), j, g)
            {
                long long n = json_integer_value(json_object_get(g, "states"));
                long long p = json_integer_value(json_object_get(g, "parties"));
                printf("  %-32s %4lld states  %4lld parties (%5.1f%%)  %4lld signed  %4lld neither\n", js(g, "code"), n,
                       p, n ? 100.0 * (double)p / (double)n : 0.0,
                       (long long)json_integer_value(json_object_get(g, "signed")),
                       (long long)json_integer_value(json_object_get(g, "neither")));
            }
        }
        break;
    }
    json_decref(o->out);
    return CLI_EXIT_OK;
}

static int cmd_set(const struct command *cmd, struct args *a)
{
    static const char *const opts[][2] = {{"signature", "signature"},
                                          {"act", "act"},
                                          {"act-date", "act_date"},
                                          {"reservations", "reservations"},
                                          {"source", "source"}};
    struct rcli o = {.op = R_SET, .state = a->pos[0], .instrument = a->pos[1], .in = json_object()};
    for (size_t i = 0; i < ARRAY_LEN(opts); i++) {
        const char *v = cli_opt(cmd, a, opts[i][0]);
        if (v != NULL) {
            json_object_set_new(o.in, opts[i][1], json_string(v));
        }
    }
    return run(&o);
}

static int cmd_show(const struct command *cmd, struct args *a)
{
    (void)cmd;
    struct rcli o = {
        .op = a->npos == 2 ? R_SHOW : R_LIST, .state = a->pos[0], .instrument = a->npos == 2 ? a->pos[1] : NULL};
    return run(&o);
}

static int cmd_import(const struct command *cmd, struct args *a)
{
    (void)cmd;
    char *file = NULL;
    struct rcli o = {.op = R_IMPORT};
    enum status st = util_file_read(&file, &o.len, a->pos[0], RATIFY_CLI_FILE_BYTES_MAX);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *slash = strrchr(a->pos[0], '/');
    o.name = slash ? slash + 1 : a->pos[0];
    o.text = file;
    int rc = run(&o);
    free(file);
    return rc;
}

static int cmd_coverage(const struct command *cmd, struct args *a)
{
    struct rcli o = {.op = R_COVERAGE, .instrument = cli_opt(cmd, a, "instrument"), .by = cli_opt(cmd, a, "by")};
    return run(&o);
}

static const struct command ratify_commands[] = {
    {"plan ratify set",
     "STATE INSTRUMENT",
     2,
     2,
     "Records a state's signature, ratification (or accession, ...) and reservations of an instrument of the Plan "
     "(the entry is replaced whole; a new version, the old kept in its history).",
     {{"signature", true, "the signature date, YYYY-MM-DD"},
      {"act", true, "ratification, accession, acceptance, approval or succession"},
      {"act-date", true, "the act's date, YYYY-MM-DD (not before the signature)"},
      {"reservations", true, "the reservations and declarations, as text"},
      {"source", true, "where the entry comes from (UN Treaty Collection, as of 2026-06-01)"}},
     cmd_set},
    {"plan ratify show",
     "STATE [INSTRUMENT]",
     1,
     2,
     "Shows a state's status for every treaty of the Plan, or one entry with its history (or --json).",
     {{0}},
     cmd_show},
    {"plan ratify import",
     "FILE.csv",
     1,
     1,
     "Imports ratifications from CSV (columns state, instrument, signature, act, act_date, reservations, source) "
     "in one transaction: every row or none.",
     {{0}},
     cmd_import},
    {"plan ratify coverage",
     "",
     0,
     0,
     "Per treaty, how many states are parties, have signed only, or neither: world-wide, or by GLOTIP region or "
     "subregion (or --json, with the list of parties).",
     {{"instrument", true, "one instrument's code (default: every treaty)"}, {"by", true, "region or subregion"}},
     cmd_coverage},
};

const struct cli_table cli_plan_ratify_table = {ratify_commands, ARRAY_LEN(ratify_commands)};
