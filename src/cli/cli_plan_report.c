/* cli_plan_report: the best-practices knowledge base and the implementation report (issue 9,
 * part K): ctis plan practice add|show|update|search, ctis report plan. See src/plan/practices.h
 * and src/plan/report.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plan/practices.h"
#include "plan/report.h"
#include "stats/release.h"
#include "util/mem.h"
#include "util/util.h"

struct practice_cli {
    int64_t id, version;
    json_t *in, *out;
    struct practice_query q;
};

/* --practice: inline JSON text, @FILE, or - for standard input. */
static enum status input_read(const char *arg, json_t **out)
{
    json_error_t jerr;
    memset(&jerr, 0, sizeof jerr);
    if (arg == NULL) {
        return err_set_field(STATUS_INVALID, "practice", "--practice '{\"lang\": ...}', @FILE or - is needed");
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
        return err_set_field(STATUS_INVALID, "practice", "--practice: a JSON object (line %d: %s)", jerr.line,
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
    struct practice_cli *o = p;
    return practice_add(ctx, o->in, &o->out);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct practice_cli *o = p;
    return practice_get(ctx, o->id, &o->out);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct practice_cli *o = p;
    return practice_update(ctx, o->id, o->version, o->in, &o->out);
}

static enum status op_search(const struct auth_ctx *ctx, void *p)
{
    struct practice_cli *o = p;
    return practice_search(ctx, &o->q, &o->out);
}

static void practice_line(const json_t *d)
{
    printf("%lld  %s  %s  %s  %lld  %s  v%lld\n", (long long)json_integer_value(json_object_get(d, "id")),
           json_string_value(json_object_get(d, "lang")), json_string_value(json_object_get(d, "country")),
           json_string_value(json_object_get(d, "status")), (long long)json_integer_value(json_object_get(d, "year")),
           json_string_value(json_object_get(d, "title")),
           (long long)json_integer_value(json_object_get(d, "version")));
}

/* A snippet for a terminal: the marks become [ and ]. */
static void snippet_print(const char *s)
{
    size_t n = strlen(PRACTICE_MARK_START);
    fputs("    ", stdout);
    while (*s != '\0') {
        if (strncmp(s, PRACTICE_MARK_START, n) == 0) {
            putchar('[');
            s += n;
        } else if (strncmp(s, PRACTICE_MARK_STOP, n) == 0) {
            putchar(']');
            s += n;
        } else {
            putchar(*s++);
        }
    }
    putchar('\n');
}

static int run_one(enum status st, auth_op_fn op, struct practice_cli *o, bool full)
{
    if (st == STATUS_OK) {
        st = cli_run_op(op, o);
    }
    if (st == STATUS_OK && (cli_json_out || full)) {
        cli_print_json(o->out);
        o->out = NULL;
    } else if (st == STATUS_OK) {
        practice_line(o->out);
    }
    json_decref(o->out);
    json_decref(o->in);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_practice_add(const struct command *cmd, struct args *a)
{
    struct practice_cli o = {0};
    return run_one(input_read(cli_opt(cmd, a, "practice"), &o.in), op_add, &o, false);
}

static int cmd_practice_show(const struct command *cmd, struct args *a)
{
    (void)cmd;
    struct practice_cli o = {0};
    return run_one(id_arg(a->pos[0], "PRACTICE_ID", &o.id), op_show, &o, true);
}

static int cmd_practice_update(const struct command *cmd, struct args *a)
{
    struct practice_cli o = {0};
    enum status st = id_arg(a->pos[0], "PRACTICE_ID", &o.id);
    if (st == STATUS_OK) {
        st = id_arg(cli_opt(cmd, a, "version"), "version", &o.version);
    }
    if (st == STATUS_OK) {
        st = input_read(cli_opt(cmd, a, "practice"), &o.in);
    }
    return run_one(st, op_update, &o, false);
}

static int cmd_practice_search(const struct command *cmd, struct args *a)
{
    struct practice_cli o = {0};
    o.q.q = a->npos > 0 ? a->pos[0] : NULL;
    o.q.lang = cli_opt(cmd, a, "lang");
    o.q.pillar = cli_opt(cmd, a, "pillar");
    o.q.paragraph = cli_opt(cmd, a, "paragraph");
    o.q.country = cli_opt(cmd, a, "country");
    o.q.status = cli_opt(cmd, a, "status");
    enum status st = STATUS_OK;
    const char *limit = cli_opt(cmd, a, "limit");
    if (limit != NULL && (util_parse_i64(&o.q.limit, limit) != STATUS_OK || o.q.limit <= 0)) {
        st = err_set_field(STATUS_INVALID, "limit", "--limit: a positive number");
    }
    if (st == STATUS_OK) {
        st = cli_run_op(op_search, &o);
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(o.out);
        return CLI_EXIT_OK;
    }
    size_t i;
    json_t *d;
    json_array_foreach(o.out, i, d)
    {
        practice_line(d);
        const char *snip = json_string_value(json_object_get(d, "snippet"));
        if (snip != NULL && snip[0] != '\0') {
            snippet_print(snip);
        }
    }
    json_decref(o.out);
    return CLI_EXIT_OK;
}

/* ---- ctis report plan ---- */

struct report_cli {
    struct plan_report_query q;
    struct stats_release_spec spec;
    const char *lang;
    bool pdf, xlsx;
    json_t *out;
    uint8_t *pdf_data;
    char *xlsx_data;
    size_t pdf_len, xlsx_len;
};

static enum status op_report(const struct auth_ctx *ctx, void *p)
{
    struct report_cli *o = p;
    enum status st = plan_report_build(ctx, &o->q, &o->out);
    if (st == STATUS_OK && o->pdf) {
        st = plan_report_pdf(o->out, o->lang, &o->pdf_data, &o->pdf_len);
    }
    if (st == STATUS_OK && o->xlsx) {
        st = plan_report_xlsx(o->out, o->lang, &o->xlsx_data, &o->xlsx_len);
    }
    return st;
}

static int cmd_report_plan(const struct command *cmd, struct args *a)
{
    struct report_cli o = {0};
    char cmp[32] = {0};
    o.q.from = cli_opt(cmd, a, "from");
    o.q.to = cli_opt(cmd, a, "to");
    o.lang = cli_opt(cmd, a, "lang") != NULL ? cli_opt(cmd, a, "lang") : "en";
    const char *pdf = cli_opt(cmd, a, "out"), *xlsx = cli_opt(cmd, a, "xlsx"), *compare = cli_opt(cmd, a, "compare");
    o.pdf = pdf != NULL;
    o.xlsx = xlsx != NULL;
    bool release = false;
    enum status st = cli_stats_release_spec(cmd, a, &o.spec, &release);
    if (release) {
        o.q.release = &o.spec;
    }
    if (st == STATUS_OK && compare != NULL) {
        if (strlen(compare) != 21 || compare[10] != ':') {
            st = err_set_field(STATUS_INVALID, "compare", "--compare FROM:TO (YYYY-MM-DD:YYYY-MM-DD)");
        } else {
            memcpy(cmp, compare, 21);
            cmp[10] = '\0';
            o.q.compare_from = cmp;
            o.q.compare_to = cmp + 11;
        }
    }
    if (st == STATUS_OK && !o.pdf && !o.xlsx && !cli_json_out) {
        st = err_set_field(STATUS_INVALID, "out", "--out FILE.pdf, --xlsx FILE.xlsx or --json is needed");
    }
    if (st == STATUS_OK) {
        st = cli_run_op(op_report, &o);
    }
    if (st == STATUS_OK && o.pdf) {
        st = util_file_write_atomic(pdf, o.pdf_data, o.pdf_len, 0644);
    }
    if (st == STATUS_OK && o.xlsx) {
        st = util_file_write_atomic(xlsx, o.xlsx_data, o.xlsx_len, 0644);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(o.out);
            o.out = NULL;
        } else {
            if (o.pdf) {
                printf("report written: %s (%zu bytes)\n", pdf, o.pdf_len);
            }
            if (o.xlsx) {
                printf("report written: %s (%zu bytes)\n", xlsx, o.xlsx_len);
            }
        }
    }
    json_decref(o.out);
    free(o.pdf_data);
    free(o.xlsx_data);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

#define PRACTICE_JSON_HELP                                                                                             \
    "the practice as JSON (inline, @FILE or -): lang, title, summary, body, translations [{lang, title, summary, "     \
    "body}], country, paragraphs, pillars, tags, source, year, status"

static const struct command plan_report_commands[] = {
    {"plan practice add",
     "",
     0,
     0,
     "Records a best practice (Plan of Action paras 18, 24, 51, 60) in one of the six UN languages, with optional "
     "translations. Needs plan.write.",
     {{"practice", true, PRACTICE_JSON_HELP}},
     cmd_practice_add},
    {"plan practice show",
     "PRACTICE_ID",
     1,
     1,
     "Prints a practice as JSON, with its translations. Needs plan.read.",
     {{0}},
     cmd_practice_show},
    {"plan practice update",
     "PRACTICE_ID",
     1,
     1,
     "Replaces the members given (translations as a whole). Needs plan.write.",
     {{"version", true, "the version read (the update is refused when the practice changed since)"},
      {"practice", true, PRACTICE_JSON_HELP}},
     cmd_practice_update},
    {"plan practice search",
     "[WORDS]",
     0,
     1,
     "Full-text search of the practices in any of the six languages (Arabic, Cyrillic, Chinese, accented Latin), "
     "best first, with a snippet; without words, the newest first. Needs plan.read.",
     {{"lang", true, "only texts in this language (ar, en, es, fr, ru, zh)"},
      {"pillar", true, "prevent, protect, prosecute, partner, general or follow_up"},
      {"paragraph", true, "a Plan paragraph id (annex-18, op-5...)"},
      {"country", true, "ISO 3166 alpha-3"},
      {"status", true, "draft or published"},
      {"limit", true, "at most this many (default 50)"}},
     cmd_practice_search},
    {"report plan",
     "",
     0,
     0,
     "The implementation report of the Plan of Action for a period: per pillar and Plan paragraph, figures drawn "
     "live from cases, justice, statistics, the Trust Fund and the knowledge base, as a PDF (--out), an XLSX "
     "workbook (--xlsx) or JSON (--json). Needs plan.read, stats.read, justice.read and fund.read.",
     {{"from", true, "first day of the period (YYYY-MM-DD)"},
      {"to", true, "last day of the period (YYYY-MM-DD)"},
      {"lang", true, "ar, en, es, fr, ru or zh (default en)"},
      {"out", true, "the PDF file to write"},
      {"xlsx", true, "the XLSX file to write"},
      {"compare", true, "a second period FROM:TO, side by side with the change per figure"},
      {"release", true,
       "victims and offenders through disclosure control: suppress, round or dp (needs stats.publish)"},
      {"epsilon", true, "with --release dp: the epsilon each table spends"},
      {"threshold", true, "with --release: the threshold (default 5)"}},
     cmd_report_plan},
};

const struct cli_table cli_plan_report_table = {plan_report_commands, ARRAY_LEN(plan_report_commands)};
