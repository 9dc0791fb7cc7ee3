/* cli_stats: disclosure-controlled releases (issue 6 item 4; src/stats/release.h): the
 * privacy-budget ledger (`ctis stats budget set|show`), the record of releases (`ctis stats
 * releases`), and the helpers that `ctis stats victims` and `ctis stats offenders` use for
 * --release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "stats/release.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

enum status cli_stats_release_spec(const struct command *cmd, const struct args *a, struct stats_release_spec *spec,
                                   bool *wanted)
{
    return stats_release_spec_parse(cli_opt(cmd, a, "release"), cli_opt(cmd, a, "epsilon"),
                                    cli_opt(cmd, a, "threshold"), spec, wanted);
}

void cli_stats_release_print(json_t *release)
{
    if (cli_json_out) {
        cli_print_json(release);
        return;
    }
    char *csv = stats_release_csv(release);
    fputs(csv, stdout);
    free(csv);
    const json_t *audit = json_object_get(release, "audit");
    if (audit != NULL) {
        fprintf(stderr, "audit: %lld suppressed, %lld exposed (protection width %lld): %s\n",
                (long long)json_integer_value(json_object_get(audit, "suppressed")),
                (long long)json_integer_value(json_object_get(audit, "exposed")),
                (long long)json_integer_value(json_object_get(audit, "width")),
                json_is_true(json_object_get(audit, "passed")) ? "passed" : "FAILED");
    }
    const json_t *r = json_object_get(release, "release");
    fprintf(stderr, "release %lld (%s) recorded, sha256 %s\n", (long long)json_integer_value(json_object_get(r, "id")),
            json_string_value(json_object_get(r, "method")), json_string_value(json_object_get(r, "sha256")));
    json_decref(release);
}

enum status cli_stats_release_run(struct env *e, auth_op_fn fn, void *rel, json_t **inputs, json_t **out,
                                  const char *const *by, size_t by_count, const char *stage, const char *from,
                                  const char *to)
{
    *inputs = json_pack("{s[]ssss}", "by", "from", from != NULL ? from : "", "to", to != NULL ? to : "");
    for (size_t d = 0; d < by_count; d++) {
        json_array_append_new(json_object_get(*inputs, "by"), json_string(by[d]));
    }
    if (stage != NULL) {
        json_object_set_new(*inputs, "stage", json_string(stage));
    }
    enum status st = auth_run(&e->ctx, fn, rel);
    json_decref(*inputs);
    *inputs = NULL;
    if (st == STATUS_OK) {
        cli_stats_release_print(*out);
        *out = NULL;
    }
    json_decref(*out);
    *out = NULL;
    return st;
}

struct stats_cli {
    const char *dataset;
    double epsilon;
    int64_t limit;
    json_t *out;
};

static int run(auth_op_fn fn, struct stats_cli *o)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, fn, o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_budget_set(const struct auth_ctx *ctx, void *p)
{
    struct stats_cli *o = p;
    return stats_budget_set(ctx, o->dataset, o->epsilon);
}

static int cmd_budget_set(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct stats_cli o = {.dataset = args->pos[0]};
    enum status st = stats_epsilon_parse(args->pos[1], &o.epsilon);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    int rc = run(op_budget_set, &o);
    if (rc == CLI_EXIT_OK && !cli_json_out) {
        printf("privacy budget of %s: epsilon %g\n", o.dataset, o.epsilon);
    }
    return rc;
}

static enum status op_budget_show(const struct auth_ctx *ctx, void *p)
{
    struct stats_cli *o = p;
    json_decref(o->out);
    return stats_budget_list(ctx, &o->out);
}

static int cmd_budget_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct stats_cli o = {.dataset = args->npos > 0 ? args->pos[0] : NULL};
    int rc = run(op_budget_show, &o);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    json_t *shown = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(o.out, i, b)
    {
        if (o.dataset == NULL || strcmp(json_string_value(json_object_get(b, "dataset")), o.dataset) == 0) {
            json_array_append(shown, b);
        }
    }
    json_decref(o.out);
    if (o.dataset != NULL && json_array_size(shown) == 0) {
        json_decref(shown);
        return cli_fail(err_set_field(STATUS_NOT_FOUND, "DATASET", "no privacy budget for %.64s", o.dataset));
    }
    if (cli_json_out) {
        cli_print_json(o.dataset != NULL ? json_incref(json_array_get(shown, 0)) : json_incref(shown));
    } else {
        printf("%-24s %10s %10s %10s\n", "dataset", "epsilon", "spent", "remaining");
        json_array_foreach(shown, i, b)
        {
            printf("%-24s %10g %10g %10g\n", json_string_value(json_object_get(b, "dataset")),
                   json_real_value(json_object_get(b, "total_epsilon")), json_real_value(json_object_get(b, "spent")),
                   json_real_value(json_object_get(b, "remaining")));
        }
    }
    json_decref(shown);
    return CLI_EXIT_OK;
}

static enum status op_releases(const struct auth_ctx *ctx, void *p)
{
    struct stats_cli *o = p;
    json_decref(o->out);
    return stats_releases_list(ctx, o->dataset, o->limit, &o->out);
}

static int cmd_releases(const struct command *cmd, struct args *args)
{
    struct stats_cli o = {.dataset = cli_opt(cmd, args, "dataset"), .limit = 50};
    if (cli_opt(cmd, args, "limit") && util_parse_i64(&o.limit, cli_opt(cmd, args, "limit")) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "limit", "--limit: 1 to 1000"));
    }
    int rc = run(op_releases, &o);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (cli_json_out) {
        cli_print_json(o.out);
        return CLI_EXIT_OK;
    }
    printf("%-17s %-10s %-9s %-24s %-20s %s\n", "id", "dataset", "method", "at", "actor", "sha256");
    size_t i;
    const json_t *r;
    json_array_foreach(o.out, i, r)
    {
        char at[32];
        util_time_iso(at, json_integer_value(json_object_get(r, "at_ms")));
        printf("%-17lld %-10s %-9s %-24s %-20s %.16s\n", (long long)json_integer_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "dataset")), json_string_value(json_object_get(r, "method")), at,
               json_string_value(json_object_get(r, "actor")), json_string_value(json_object_get(r, "sha256")));
    }
    printf("%zu release%s\n", json_array_size(o.out), json_array_size(o.out) == 1 ? "" : "s");
    json_decref(o.out);
    return CLI_EXIT_OK;
}

/* ctis stats budget set DATASET EPSILON | show [DATASET] (the parser knows two-word commands). */
static int cmd_budget(const struct command *cmd, struct args *args)
{
    const char *verb = args->pos[0];
    if (strcmp(verb, "set") == 0 && args->npos == 3) {
        args->pos[0] = args->pos[1];
        args->pos[1] = args->pos[2];
        args->npos = 2;
        return cmd_budget_set(cmd, args);
    }
    if (strcmp(verb, "show") == 0 && args->npos <= 2) {
        args->pos[0] = args->pos[1];
        args->npos--;
        return cmd_budget_show(cmd, args);
    }
    return cli_fail(err_set(STATUS_INVALID, "usage: ctis stats budget set DATASET EPSILON | show [DATASET]"));
}

static const struct command stats_commands[] = {
    {"stats budget",
     "set DATASET EPSILON | show [DATASET]",
     1,
     3,
     "Sets the total privacy budget (epsilon) of a dataset (victims, offenders) for --release dp, keeping what was "
     "spent; or shows the budgets: total epsilon, spent, remaining.",
     {{0}},
     cmd_budget},
    {"stats releases",
     "",
     0,
     0,
     "Lists the releases made with disclosure control, newest first (method, parameters, inputs, who, when, hash).",
     {{"dataset", true, "only this dataset (victims, offenders)"}, {"limit", true, "at most this many (default 50)"}},
     cmd_releases},
};

const struct cli_table cli_stats_table = {stats_commands, ARRAY_LEN(stats_commands)};
