/* cli_caselaw: the case-law collection of court decisions (issue 5 part J3) as the local
 * operator: add, show, search, update and export. See src/justice/caselaw.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "justice/caselaw.h"
#include "util/mem.h"
#include "util/util.h"

struct caselaw_cli {
    int64_t id, version;
    json_t *in, *out;
    struct caselaw_query q;
    const char *format;
    char *text;
    size_t len;
};

/* --json-in: inline JSON text, @FILE, or - for standard input. */
static enum status input_read(const char *arg, json_t **out)
{
    json_error_t jerr;
    memset(&jerr, 0, sizeof jerr);
    if (arg == NULL) {
        return err_set_field(STATUS_INVALID, "decision", "--decision '{\"court_name\": ...}', @FILE or - is needed");
    }
    if (strcmp(arg, "-") == 0) {
        *out = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
    } else if (arg[0] == '@') {
        *out = json_load_file(arg + 1, JSON_REJECT_DUPLICATES, &jerr);
    } else {
        *out = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
    }
    if (*out == NULL || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set_field(STATUS_INVALID, "decision", "--decision: a JSON object (line %d: %s)", jerr.line,
                             jerr.text);
    }
    return STATUS_OK;
}

static enum status id_arg(const char *text, const char *field, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, field, "%s: a positive number", field);
    }
    return STATUS_OK;
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_cli *o = p;
    return caselaw_add(ctx, o->in, &o->out);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_cli *o = p;
    return caselaw_get(ctx, o->id, &o->out);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_cli *o = p;
    return caselaw_update(ctx, o->id, o->version, o->in, &o->out);
}

static enum status op_search(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_cli *o = p;
    return caselaw_search(ctx, &o->q, &o->out);
}

static enum status op_export(const struct auth_ctx *ctx, void *p)
{
    struct caselaw_cli *o = p;
    return caselaw_export(ctx, &o->q, o->format, &o->text, &o->len);
}

static void decision_print(const json_t *d)
{
    printf("%lld  %s  %s (%s, %s)  %s  %s  v%lld\n", (long long)json_integer_value(json_object_get(d, "id")),
           json_string_value(json_object_get(d, "decision_date")), json_string_value(json_object_get(d, "court_name")),
           json_string_value(json_object_get(d, "court_level")), json_string_value(json_object_get(d, "country")),
           json_string_value(json_object_get(d, "case_number")), json_string_value(json_object_get(d, "verdict")),
           (long long)json_integer_value(json_object_get(d, "version")));
}

/* A snippet for a terminal: the marks become [ and ]. */
static void snippet_print(const char *s)
{
    size_t n = strlen(CASELAW_MARK_START);
    fputs("    ", stdout);
    while (*s != '\0') {
        if (strncmp(s, CASELAW_MARK_START, n) == 0) {
            putchar('[');
            s += n;
        } else if (strncmp(s, CASELAW_MARK_STOP, n) == 0) {
            putchar(']');
            s += n;
        } else {
            putchar(*s++);
        }
    }
    putchar('\n');
}

/* Runs op and prints the decision it read (as JSON with --json, else a line and the JSON). */
static int run_one(struct env *e, enum status st, auth_op_fn op, struct caselaw_cli *o, bool full)
{
    if (st == STATUS_OK) {
        st = auth_run(&e->ctx, op, o);
    }
    if (st == STATUS_OK && (cli_json_out || full)) {
        cli_print_json(o->out);
        o->out = NULL;
    } else if (st == STATUS_OK) {
        decision_print(o->out);
    }
    json_decref(o->out);
    json_decref(o->in);
    cli_env_close(e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_caselaw_add(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct caselaw_cli o = {0};
    st = input_read(cli_opt(cmd, a, "decision"), &o.in);
    return run_one(&e, st, op_add, &o, false);
}

static int cmd_caselaw_show(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct caselaw_cli o = {0};
    st = id_arg(a->pos[0], "DECISION_ID", &o.id);
    return run_one(&e, st, op_show, &o, true);
}

static int cmd_caselaw_update(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct caselaw_cli o = {0};
    st = id_arg(a->pos[0], "DECISION_ID", &o.id);
    if (st == STATUS_OK) {
        st = id_arg(cli_opt(cmd, a, "version"), "version", &o.version);
    }
    if (st == STATUS_OK) {
        st = input_read(cli_opt(cmd, a, "decision"), &o.in);
    }
    return run_one(&e, st, op_update, &o, false);
}

static enum status query_opts(const struct command *cmd, struct args *a, struct caselaw_query *q)
{
    q->country = cli_opt(cmd, a, "country");
    q->from = cli_opt(cmd, a, "from");
    q->to = cli_opt(cmd, a, "to");
    q->verdict = cli_opt(cmd, a, "verdict");
    const char *inv = cli_opt(cmd, a, "investigation");
    if (inv != NULL && (util_parse_i64(&q->investigation_id, inv) != STATUS_OK || q->investigation_id <= 0)) {
        return err_set_field(STATUS_INVALID, "investigation_id", "--investigation: an investigation id");
    }
    const char *limit = cli_opt(cmd, a, "limit");
    if (limit != NULL && (util_parse_i64(&q->limit, limit) != STATUS_OK || q->limit <= 0)) {
        return err_set_field(STATUS_INVALID, "limit", "--limit: a positive number");
    }
    return STATUS_OK;
}

static int cmd_caselaw_search(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct caselaw_cli o = {0};
    o.q.q = a->npos > 0 ? a->pos[0] : NULL;
    st = query_opts(cmd, a, &o.q);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_search, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(o.out);
        o.out = NULL;
    } else if (st == STATUS_OK) {
        size_t i;
        json_t *d;
        json_array_foreach(o.out, i, d)
        {
            decision_print(d);
            const char *snip = json_string_value(json_object_get(d, "snippet"));
            if (snip != NULL && snip[0] != '\0') {
                snippet_print(snip);
            }
        }
        printf("%zu decision%s\n", json_array_size(o.out), json_array_size(o.out) == 1 ? "" : "s");
    }
    json_decref(o.out);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_caselaw_export(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct caselaw_cli o = {0};
    o.q.q = cli_opt(cmd, a, "query");
    o.format = cli_opt(cmd, a, "format");
    if (o.format == NULL) {
        st = err_set_field(STATUS_INVALID, "format", "--format csv or --format json is needed");
    }
    if (st == STATUS_OK) {
        st = query_opts(cmd, a, &o.q);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_export, &o);
    }
    const char *path = cli_opt(cmd, a, "output");
    if (st == STATUS_OK) {
        FILE *f = path != NULL ? fopen(path, "w") : stdout;
        if (f == NULL) {
            st = err_set_field(STATUS_IO, "output", "--output: cannot write the file");
        } else {
            bool ok = fwrite(o.text, 1, o.len, f) == o.len;
            if (strcmp(o.format, "json") == 0) {
                ok = ok && fputc('\n', f) != EOF;
            }
            ok = (path != NULL ? fclose(f) == 0 : fflush(f) == 0) && ok;
            if (!ok) {
                st = err_set_field(STATUS_IO, "output", "cannot write the export");
            }
        }
    }
    free(o.text);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

#define CASELAW_FILTER_OPTS                                                                                            \
    {"country", true, "ISO 3166 alpha-3 code of the court's country"},                                                 \
        {"from", true, "decided on or after (YYYY-MM-DD)"}, {"to", true, "decided on or before (YYYY-MM-DD)"},         \
        {"verdict", true, "convicted, acquitted, partly or other"},                                                    \
        {"investigation", true, "only those linked to this investigation id"},                                         \
    {                                                                                                                  \
        "limit", true, "at most this many"                                                                             \
    }

static const struct command caselaw_commands[] = {
    {"caselaw add",
     "",
     0,
     0,
     "Records a court decision (published case law; defendants by their published label, never a victim's name).",
     {{"decision", true, "the decision as JSON: inline, @FILE or - (see docs/caselaw.md)"}},
     cmd_caselaw_add},
    {"caselaw show", "DECISION_ID", 1, 1, "Shows a court decision as JSON.", {{0}}, cmd_caselaw_show},
    {"caselaw search",
     "[WORDS]",
     0,
     1,
     "Full-text search of summaries, courts, charges and citations (ranked, with snippets); filters.",
     {CASELAW_FILTER_OPTS},
     cmd_caselaw_search},
    {"caselaw update",
     "DECISION_ID",
     1,
     1,
     "Changes the members given of a court decision.",
     {{"version", true, "the version you read (caselaw show)"},
      {"decision", true, "the members to change as JSON: inline, @FILE or -"}},
     cmd_caselaw_update},
    {"caselaw export",
     "",
     0,
     0,
     "Exports the collection, or a search, as CSV or JSON.",
     {{"format", true, "csv or json"},
      {"query", true, "only the decisions matching these words"},
      {"output", true, "write to this file (default: standard output)"},
      CASELAW_FILTER_OPTS},
     cmd_caselaw_export},
};

const struct cli_table cli_caselaw_table = {caselaw_commands, ARRAY_LEN(caselaw_commands)};
