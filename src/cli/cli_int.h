/* cli_int: what the files of the command line share. cli.c holds the parser, the operator's
 * environment and the platform and case commands; each later module's commands live in a file of
 * their own (cli_<module>.c) with a table listed in cli_tables (cli.c). */
#ifndef CTIS_CLI_CLI_INT_H
#define CTIS_CLI_CLI_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "util/status.h"

#define OPTS_MAX 16
#define POS_MAX 64

struct opt {
    const char *name; /* without the leading -- */
    bool value;       /* takes a value */
    const char *help;
};

struct args {
    const char *values[OPTS_MAX];
    bool set[OPTS_MAX];
    const char *pos[POS_MAX];
    int npos;
};

struct command;
typedef int (*cmd_fn)(const struct command *cmd, struct args *a);

struct command {
    const char *name;       /* "user add" */
    const char *positional; /* "USERNAME" or "" */
    int npos_min;
    int npos_max;
    const char *summary;
    struct opt opts[OPTS_MAX];
    cmd_fn fn;
};

/* The operator's environment: store, vault and principal. */
struct env {
    struct store *store;
    struct vault *vault;
    struct auth_principal who;
    struct auth_ctx ctx;
    char *key_path;
};

/* One table of commands; cli.c lists them all in cli_tables. */
struct cli_table {
    const struct command *commands;
    size_t count;
};

/* True with --json: commands print JSON on standard output. */
extern bool cli_json_out;
/* Prints err_last() (with its field) and returns the exit code for st. */
int cli_fail(enum status st);
/* The value of option name (NULL when not given); name must be in cmd's table. */
const char *cli_opt(const struct command *cmd, const struct args *a, const char *name);
bool cli_flag(const struct command *cmd, const struct args *a, const char *name);
/* Opens the database (checking its schema version unless any_version) and the vault, as the
 * local operator. */
enum status cli_env_open(struct env *e, bool any_version);
void cli_env_close(struct env *e);
/* Opens the operator's environment, runs fn in one transaction (auth_run) and closes it. */
enum status cli_run_op(auth_op_fn fn, void *arg);
/* Prints j (indented) and releases it. */
void cli_print_json(json_t *j);
/* Progress on a terminal: "\r label  1234". */
void cli_progress(const char *label, int64_t done, void *ctx);
void cli_progress_end(void);
/* A progress bar on a terminal (standard error; nothing when it is not a terminal):
 * "\r  label [#####      ]  45% detail  m:ss left", the time left from start_ms when not 0. */
void cli_progress_bar(const char *label, double fraction, const char *detail, int64_t start_ms);
/* An agency by name or id; a user by username. */
enum status cli_agency_lookup(struct env *e, const char *ref, int64_t *id_out);
enum status cli_user_lookup(struct env *e, const char *username, int64_t *id_out);

/* The command tables of the module files (declare yours here and list &cli_NAME_table in
 * cli_tables in cli.c). */
extern const struct cli_table cli_notice_table;     /* issue 4, part D: the rights notice */
extern const struct cli_table cli_assist_table;     /* services and legal status (part A, cli_assist.c) */
extern const struct cli_table cli_pathway_table;    /* cli_pathway.c: pathway and child commands */
extern const struct cli_table cli_screening_table;  /* cli_screening.c (part S) */
extern const struct cli_table cli_tasks_table;      /* part T: cli_tasks.c */
extern const struct cli_table cli_intake_table;     /* part T: cli_intake.c */
extern const struct cli_table cli_justice_table;    /* issue 5, part J1: cli_justice.c */
extern const struct cli_table cli_referral_table;   /* part R: cli_referral.c (provider, referral) */
extern const struct cli_table cli_coop_table;       /* issue 5, part J6: cli_coop.c (cooperation requests) */
extern const struct cli_table cli_caselaw_table;    /* issue 5 part J3: cli_caselaw.c (court decisions) */
extern const struct cli_table cli_federation_table; /* issue 6, item 5: cli_federation.c (submissions, peers) */
extern const struct cli_table cli_geo_table;        /* issue 6, part S1: cli_geo.c (regions, population, flows) */
/* Issue 6 item 4, disclosure control: cli_stats.c (stats budget, stats releases) and the --release helpers. */
extern const struct cli_table cli_stats_table;
extern const struct cli_table cli_questionnaire_table; /* issue 6, item 7: cli_questionnaire.c */
struct stats_release_spec;
/* The spec from --release, --epsilon, --threshold (the command's table must hold all three);
 * *wanted false without --release. */
enum status cli_stats_release_spec(const struct command *cmd, const struct args *a, struct stats_release_spec *spec,
                                   bool *wanted);
/* Prints a release (stats_release's JSON) as JSON with --json, else as CSV with the audit and the
 * release's id on standard error; releases it. */
void cli_stats_release_print(json_t *release);
/* --release for `ctis stats victims` and `ctis stats offenders`: sets *inputs to the query as
 * JSON ({"by","from","to"} and "stage" when not NULL) for fn to read from rel, runs fn (which
 * sets *out with stats_release) in one transaction and prints the release. */
enum status cli_stats_release_run(struct env *e, auth_op_fn fn, void *rel, json_t **inputs, json_t **out,
                                  const char *const *by, size_t by_count, const char *stage, const char *from,
                                  const char *to);
extern const struct cli_table cli_assets_table;      /* issue 5, part J5: cli_assets.c (asset orders) */
extern const struct cli_table cli_entities_table;    /* issue 5, part J2: cli_entities.c (entities, transactions) */
extern const struct cli_table cli_charts_table;      /* issue 6, item 7: cli_charts.c (the report's charts) */
extern const struct cli_table cli_link_review_table; /* issue 7, item 3: cli_link_review.c (runs, review queue) */
extern const struct cli_table cli_link_match_table;  /* issue 7, item 3: cli_link_match.c (match, histogram) */
extern const struct cli_table cli_fund_grants_table; /* issue 8, part G: cli_fund_grants.c (grants, reports) */
extern const struct cli_table cli_fund_board_table;  /* issue 8, part A: cli_fund_board.c (board, conflicts) */
extern const struct cli_table cli_fund_calls_table;  /* issue 8, part A: cli_fund_calls.c (calls ... decide) */
extern const struct cli_table cli_glotip_table;      /* issue 6, item 6: cli_glotip.c (UNODC's national data) */

/* Issue 7, part E: cli_link_encode.c (link encode, link inspect). */
extern const struct cli_table cli_link_encode_table;

/* Issue 9, item 1: cli_plan.c (plan text, plan paragraph, plan instruments). */
extern const struct cli_table cli_plan_table;
/* Issue 9, part K: cli_plan_report.c (plan practice add|show|update|search, report plan). */
extern const struct cli_table cli_plan_report_table;
/* Issue 9, part R: cli_plan_ratify.c (plan ratify set, show, import, coverage). */
extern const struct cli_table cli_plan_ratify_table;
/* Issue 9, part R: cli_plan_partners.c (plan partner, plan agreement, plan ta). */
extern const struct cli_table cli_plan_partners_table;
/* Issue 9, part N: cli_plan_nap.c (plan nap, action, progress, matrix, campaign, training, idwork,
 * supplychain, prevention). */
extern const struct cli_table cli_plan_nap_table;

/* Issue 7, part G: cli_link_graph.c (link networks, link export). */
extern const struct cli_table cli_link_graph_table;
extern const struct cli_table cli_link_fs_table; /* issue 7, part F: cli_link_fs.c (link dedup) */
/* Issue 8, part L: cli_fund_ledger.c (fund donor, pledge, receipt, rate, ledger, balances, statement, generate). */
extern const struct cli_table cli_fund_ledger_table;

#endif
