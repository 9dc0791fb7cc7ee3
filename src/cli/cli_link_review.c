/* cli_link_review: the saved linkage runs and the review queue (issue 7, item 3;
 * src/link/review.h): `ctis link runs`, `ctis link review RUN`, `ctis link decide PAIR`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "link/review.h"
#include "util/mem.h"
#include "util/util.h"

struct runs_cli {
    struct link_run *runs;
    size_t count;
};

static enum status op_runs(const struct auth_ctx *ctx, void *p)
{
    struct runs_cli *o = p;
    return link_runs(ctx, &o->runs, &o->count);
}

static int cmd_link_runs(const struct command *cmd, struct args *a)
{
    struct runs_cli o = {0};
    enum status st = cli_run_op(op_runs, &o);
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, link_run_to_json(&o.runs[i]));
        }
        cli_print_json(arr); /* takes arr */
    } else if (st == STATUS_OK) {
        printf("%-17s %-20s %8s %8s %8s %8s %8s\n", "run", "project", "a", "b", "matches", "review", "decided");
        for (size_t i = 0; i < o.count; i++) {
            const struct link_run *r = &o.runs[i];
            printf("%-17lld %-20s %8lld %8lld %8lld %8lld %8lld\n", (long long)r->id, r->project, (long long)r->a_count,
                   (long long)r->b_count, (long long)r->matches, (long long)r->review, (long long)r->decided);
        }
    }
    free(o.runs);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct review_cli {
    int64_t run_id;
    const char *band;
    bool undecided;
    struct link_run run;
    struct link_run_pair *pairs;
    size_t count;
};

static enum status op_review(const struct auth_ctx *ctx, void *p)
{
    struct review_cli *o = p;
    enum status st = link_run_get(ctx, o->run_id, &o->run);
    if (st == STATUS_OK) {
        st = link_run_pairs(ctx, o->run_id, o->band, o->undecided, &o->pairs, &o->count);
    }
    return st;
}

static int cmd_link_review(const struct command *cmd, struct args *a)
{
    struct review_cli o = {.band = "review", .undecided = !cli_flag(cmd, a, "all")};
    if (util_parse_i64(&o.run_id, a->pos[0]) != STATUS_OK || o.run_id <= 0) {
        return cli_fail(err_set_field(STATUS_INVALID, "run", "RUN: a run id (ctis link runs)"));
    }
    if (cli_flag(cmd, a, "matches")) {
        o.band = "match";
        o.undecided = false;
    }
    enum status st = cli_run_op(op_review, &o);
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, link_run_pair_to_json(&o.pairs[i]));
        }
        cli_print_json(json_pack("{soso}", "run", link_run_to_json(&o.run), "pairs", arr)); /* takes it */
    } else if (st == STATUS_OK) {
        printf("%-17s %-24s %-24s %6s %-8s %-10s %s\n", "pair", "a_id", "b_id", "score", "band", "decision",
               "local case");
        for (size_t i = 0; i < o.count; i++) {
            const struct link_run_pair *p = &o.pairs[i];
            char lc[24] = "-";
            if (p->local_case_id) {
                snprintf(lc, sizeof lc, "%lld", (long long)p->local_case_id);
            }
            printf("%-17lld %-24s %-24s %.4f %-8s %-10s %s\n", (long long)p->id, p->a_id, p->b_id, p->score, p->band,
                   p->decision[0] ? p->decision : "-", lc);
        }
    }
    free(o.pairs);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct decide_cli {
    int64_t pair_id;
    int64_t version;
    const char *decision;
};

static enum status op_decide(const struct auth_ctx *ctx, void *p)
{
    struct decide_cli *o = p;
    return link_pair_decide(ctx, o->pair_id, o->decision, o->version);
}

static int cmd_link_decide(const struct command *cmd, struct args *a)
{
    struct decide_cli o = {.decision = cli_opt(cmd, a, "decision")};
    const char *v = cli_opt(cmd, a, "version");
    if (util_parse_i64(&o.pair_id, a->pos[0]) != STATUS_OK || o.pair_id <= 0) {
        return cli_fail(err_set_field(STATUS_INVALID, "pair", "PAIR: a pair id (ctis link review RUN)"));
    }
    if (v == NULL || util_parse_i64(&o.version, v) != STATUS_OK || o.version <= 0) {
        return cli_fail(err_set_field(STATUS_INVALID, "version", "--version: required, the version as listed"));
    }
    enum status st = cli_run_op(op_decide, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sIss}", "pair", (json_int_t)o.pair_id, "decision", o.decision));
        } else {
            printf("pair %lld: %s\n", (long long)o.pair_id, o.decision);
        }
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command link_review_commands[] = {
    {"link runs",
     "",
     0,
     0,
     "Lists the saved linkage runs of your agency (link.run): project, sizes, matches, pairs to review, decided.",
     {{0}},
     cmd_link_runs},
    {"link review",
     "RUN",
     1,
     1,
     "Lists a run's review queue: the undecided pairs in the uncertain band, best first, with the local case behind "
     "this agency's own side (the other side's id stays opaque).",
     {{"all", false, "also the pairs already decided"},
      {"matches", false, "the pairs at or above the threshold instead"}},
     cmd_link_review},
    {"link decide",
     "PAIR",
     1,
     1,
     "Records a reviewer's decision on a pair of the review queue: match or nonmatch.",
     {{"decision", true, "match or nonmatch"},
      {"version", true, "the pair's version as listed (a stale version is refused)"}},
     cmd_link_decide},
};

const struct cli_table cli_link_review_table = {link_review_commands, ARRAY_LEN(link_review_commands)};
