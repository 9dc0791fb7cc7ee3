/* cli_screening: the screening commands (part S): indicator sets, screening interviews of a case
 * and the evaluation of an answers file (src/referral/screening.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "i18n/i18n.h"
#include "referral/screening.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct scr_op {
    struct screening_set_filter filter;
    struct screening_set **sets;
    size_t nsets;
    struct screening_set *set;
    int64_t set_id;
    bool created;
    int64_t case_id;
    int64_t id;
    json_t *answers;
    struct screening_record rec;
    struct screening_record *recs;
    size_t nrecs;
    struct screening_outcome outcome;
};

static void scr_op_clear(struct scr_op *o)
{
    screening_sets_free(o->sets, o->nsets);
    screening_set_free(o->set);
    json_decref(o->answers);
    screening_record_clear(&o->rec);
    screening_records_free(o->recs, o->nrecs);
    screening_outcome_clear(&o->outcome);
}

/* Reads and checks an answers file. */
static enum status answers_read(const char *path, json_t **out)
{
    *out = NULL;
    if (path == NULL) {
        return err_set_field(STATUS_INVALID, "answers", "--answers FILE.json is required");
    }
    char *text = NULL;
    size_t len = 0;
    enum status st = util_file_read(&text, &len, path, HTTP_BODY_BYTES_MAX);
    if (st != STATUS_OK) {
        return st;
    }
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (text != NULL) {
        memset(text, 0, len); /* evidence is personal */
        free(text);
    }
    if (doc == NULL) {
        return err_set_field(STATUS_INVALID, "/", "%s: line %d: %s", path, je.line, je.text);
    }
    st = screening_answers_check(doc, out);
    json_decref(doc);
    if (st != STATUS_OK) {
        return err_set_field(st, err_last_field(), "%s: %s", path, err_last());
    }
    return STATUS_OK;
}

static void print_set_line(const struct screening_set *s)
{
    printf("%-20lld %-32s v%-3lld %-7s %-6s %-6s %3zu  %s\n", (long long)s->id, s->code, (long long)s->version,
           s->country[0] ? s->country : "default", screening_population_name(s->population),
           screening_exploitation_name(s->exploitation), s->nitems, s->verified ? "verified" : "UNVERIFIED");
}

static enum status op_sets(const struct auth_ctx *ctx, void *p)
{
    struct scr_op *o = p;
    return screening_set_list(ctx, &o->filter, &o->sets, &o->nsets);
}

static int cmd_sets(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct scr_op o = {0};
    o.filter.population = cli_opt(cmd, args, "population");
    o.filter.exploitation = cli_opt(cmd, args, "exploitation");
    o.filter.country = cli_opt(cmd, args, "country");
    o.filter.current = cli_flag(cmd, args, "current");
    st = auth_run(&e.ctx, op_sets, &o);
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.nsets; i++) {
            json_array_append_new(arr, screening_set_to_json(o.sets[i], false, NULL));
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.nsets; i++) {
            print_set_line(o.sets[i]);
        }
    }
    scr_op_clear(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct scr_op *o = p;
    return screening_set_import(ctx, o->set, &o->set_id, &o->created);
}

static int cmd_import_set(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct scr_op o = {0};
    st = screening_set_read_file(args->pos[0], &o.set);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_import, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(json_pack("{sIsssIsb}", "id", (json_int_t)o.set_id, "code", o.set->code, "version",
                                 (json_int_t)o.set->version, "created", o.created));
    } else if (st == STATUS_OK) {
        printf("%s %s version %lld (%zu indicators): %s\n", o.created ? "loaded" : "already loaded", o.set->code,
               (long long)o.set->version, o.set->nitems, o.set->verified ? "verified" : "unverified");
    }
    scr_op_clear(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static void print_explanation(const json_t *x)
{
    printf("recommendation: %s\n", json_string_value(json_object_get(x, "result")));
    printf("population: %s (%s)\n", json_string_value(json_object_get(x, "population")),
           json_string_value(json_object_get(x, "population_reason")));
    const json_t *d = json_object_get(x, "decided_by");
    printf("rule: %s\n", json_string_value(json_object_get(d, "rule")));
    const char *names[] = {"act", "means", "purpose"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        const json_t *el = json_object_get(json_object_get(x, "elements"), names[i]);
        printf("  %-8s %-4s", names[i], json_is_true(json_object_get(el, "met")) ? "met" : "-");
        const json_t *by = json_object_get(el, "by");
        for (size_t k = 0; k < json_array_size(by); k++) {
            printf(" %s", json_string_value(json_array_get(by, k)));
        }
        printf("\n");
    }
    const json_t *sets = json_object_get(x, "sets");
    for (size_t i = 0; i < json_array_size(sets); i++) {
        const json_t *s = json_array_get(sets, i);
        printf("set %s v%lld: %s\n", json_string_value(json_object_get(s, "code")),
               (long long)json_integer_value(json_object_get(s, "version")),
               json_is_true(json_object_get(s, "positive")) ? "positive" : "not positive");
        const json_t *dims = json_object_get(s, "dimensions");
        for (size_t k = 0; k < json_array_size(dims); k++) {
            const json_t *dm = json_array_get(dims, k);
            const json_t *c = json_object_get(dm, "counts");
            printf("  %-26s S%lld M%lld W%lld %s\n", json_string_value(json_object_get(dm, "code")),
                   (long long)json_integer_value(json_object_get(c, "strong")),
                   (long long)json_integer_value(json_object_get(c, "medium")),
                   (long long)json_integer_value(json_object_get(c, "weak")),
                   json_is_true(json_object_get(dm, "positive")) ? "positive" : "");
        }
    }
    const json_t *notes = json_object_get(x, "notes");
    for (size_t i = 0; i < json_array_size(notes); i++) {
        printf("note: %s\n", json_string_value(json_object_get(json_array_get(notes, i), "text")));
    }
}

static enum status op_evaluate(const struct auth_ctx *ctx, void *p)
{
    struct scr_op *o = p;
    return screening_preview(ctx, o->answers, &o->outcome);
}

static int cmd_evaluate(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct scr_op o = {0};
    st = answers_read(cli_opt(cmd, args, "answers"), &o.answers);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_evaluate, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(json_incref(o.outcome.explanation));
    } else if (st == STATUS_OK) {
        print_explanation(o.outcome.explanation);
    }
    scr_op_clear(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct scr_op *o = p;
    return screening_add(ctx, o->case_id, o->answers, &o->rec);
}

static void print_record(const struct screening_record *r)
{
    char at[32];
    util_time_iso(at, r->at_ms);
    printf("screening %lld of case %lld, %s by %s (version %lld)\n", (long long)r->id, (long long)r->case_id, at, r->by,
           (long long)r->version);
    print_explanation(r->explanation);
    if (r->decision[0]) {
        printf("decision: %s by %s%s%s\n", r->decision, r->decided_by, r->decision_reason ? ": " : "",
               r->decision_reason ? r->decision_reason : "");
    } else {
        printf("decision: not yet recorded (a person decides on the recommendation)\n");
    }
}

static int cmd_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct scr_op o = {0};
    if (util_parse_i64(&o.case_id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK) {
        st = answers_read(cli_opt(cmd, args, "answers"), &o.answers);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_add, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(screening_record_to_json(&o.rec));
    } else if (st == STATUS_OK) {
        print_record(&o.rec);
    }
    scr_op_clear(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct scr_op *o = p;
    if (o->id != 0) {
        return screening_get(ctx, o->case_id, o->id, &o->rec);
    }
    return screening_list(ctx, o->case_id, &o->recs, &o->nrecs);
}

static int cmd_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct scr_op o = {0};
    if (util_parse_i64(&o.case_id, args->pos[0]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    }
    if (st == STATUS_OK && args->npos > 1 && util_parse_i64(&o.id, args->pos[1]) != STATUS_OK) {
        st = err_set(STATUS_INVALID, "SCREENING_ID: a number");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_show, &o);
    }
    if (st == STATUS_OK && o.id != 0) {
        if (cli_json_out) {
            cli_print_json(screening_record_to_json(&o.rec));
        } else {
            print_record(&o.rec);
        }
    } else if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.nrecs; i++) {
            json_array_append_new(arr, screening_record_to_json(&o.recs[i]));
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.nrecs; i++) {
            char at[32];
            util_time_iso(at, o.recs[i].at_ms);
            printf("%-20lld %s %-6s %-19s %-9s %s\n", (long long)o.recs[i].id, at,
                   screening_population_name(o.recs[i].population), screening_result_name(o.recs[i].result),
                   o.recs[i].decision[0] ? o.recs[i].decision : "undecided", o.recs[i].by);
        }
    }
    scr_op_clear(&o);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command screening_commands[] = {
    {"screening sets",
     "",
     0,
     0,
     "Lists the indicator sets loaded (ILO/EC operational indicators and countries' adapted sets).",
     {{"population", true, "adult or child"},
      {"exploitation", true, "labour or sexual"},
      {"country", true, "ISO 3166-1 alpha-3 code (\"\" for the default sets)"},
      {"current", false, "only the set a screening would use (needs --population and --exploitation)"}},
     cmd_sets},
    {"screening import-set",
     "FILE.json",
     1,
     1,
     "Loads an indicator set file (format ctis-indicator-set/1, docs/screening.md). A loaded code, version and "
     "country never changes: a change needs a new version.",
     {{0}},
     cmd_import_set},
    {"screening add",
     "CASE_ID",
     1,
     1,
     "Records a screening interview of a case from an answers file, with its recommendation and explanation.",
     {{"answers", true, "the answers file (JSON, docs/screening.md)"}},
     cmd_add},
    {"screening show",
     "CASE_ID [SCREENING_ID]",
     1,
     2,
     "Lists the screenings of a case, or shows one with its explanation and decision.",
     {{0}},
     cmd_show},
    {"screening evaluate",
     "",
     0,
     0,
     "Evaluates an answers file without storing anything (age, majority_status and presumed_minor in the file).",
     {{"answers", true, "the answers file (JSON, docs/screening.md)"}},
     cmd_evaluate},
};

const struct cli_table cli_screening_table = {screening_commands, ARRAY_LEN(screening_commands)};
