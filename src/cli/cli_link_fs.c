/* cli_link_fs: `ctis link dedup` (issue 7 item 4, part F): Fellegi-Sunter deduplication of a CSV
 * file of person records, or of the registry's cases through their blind indexes and codes.
 * Writes the matches CSV (`a_id,b_id,score`, as `link match`); see docs/linkage-fs.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "link/fs.h"
#include "link/fs_cases.h"
#include "util/mem.h"
#include "util/util.h"

static void model_print_text(const struct fs_model *m, FILE *f)
{
    fprintf(f,
            "model: λ %.6f (share of matches among the candidate pairs), %zu pairs, %zu patterns, %d EM iterations%s, "
            "u %s\n",
            m->lambda, m->pairs, m->patterns, m->iterations, m->converged ? "" : " (not converged)",
            m->u_random ? "from random pairs" : "by EM");
    for (size_t k = 0; k < m->nfields; k++) {
        fprintf(f, "  %s (%s%s)\n", m->fields[k].name, fs_kind_name(m->fields[k].kind),
                m->fields[k].tf ? ", term frequencies" : "");
        for (size_t l = 0; l < m->levels[k]; l++) {
            double mm = m->m[k][l] < 1e-6 ? 1e-6 : m->m[k][l], uu = m->u[k][l] < 1e-6 ? 1e-6 : m->u[k][l];
            fprintf(f, "    %-28s m %.4f  u %.6f  weight %+.2f\n", fs_level_name(m->fields[k].kind, l), m->m[k][l],
                    m->u[k][l], log2(mm / uu));
        }
    }
}

static json_t *model_json(const struct fs_model *m)
{
    json_t *fields = json_array();
    for (size_t k = 0; k < m->nfields; k++) {
        json_t *levels = json_array();
        for (size_t l = 0; l < m->levels[k]; l++) {
            double mm = m->m[k][l] < 1e-6 ? 1e-6 : m->m[k][l], uu = m->u[k][l] < 1e-6 ? 1e-6 : m->u[k][l];
            json_array_append_new(levels, json_pack("{sssfsfsf}", "level", fs_level_name(m->fields[k].kind, l), "m",
                                                    m->m[k][l], "u", m->u[k][l], "weight", log2(mm / uu)));
        }
        json_array_append_new(fields,
                              json_pack("{sssssbso}", "name", m->fields[k].name, "kind",
                                        fs_kind_name(m->fields[k].kind), "tf", m->fields[k].tf, "levels", levels));
    }
    return json_pack("{sfsbsIsIsisbsssosf}", "lambda", m->lambda, "lambda_at_bound", m->lambda_at_bound, "pairs",
                     (json_int_t)m->pairs, "patterns", (json_int_t)m->patterns, "iterations", m->iterations,
                     "converged", m->converged, "u", m->u_random ? "random pairs" : "em", "fields", fields, "tf_min",
                     m->tf_min);
}

struct cases_op {
    bool suspects;
    double threshold;
    struct fs_data *data;
    struct fs_model *model;
    struct link_pair *pairs;
    size_t count;
};

static enum status op_cases(const struct auth_ctx *ctx, void *p)
{
    struct cases_op *o = p;
    return o->suspects
               ? link_fs_suspects_dedup(ctx, o->threshold, cli_progress, &o->data, &o->model, &o->pairs, &o->count)
               : link_fs_cases_dedup(ctx, o->threshold, cli_progress, &o->data, &o->model, &o->pairs, &o->count);
}

static int cmd_link_dedup(const struct command *cmd, struct args *args)
{
    const char *csv = cli_opt(cmd, args, "csv");
    const char *id_col = cli_opt(cmd, args, "id-column");
    const char *fields_spec = cli_opt(cmd, args, "fields");
    const char *block = cli_opt(cmd, args, "block");
    const char *out_path = cli_opt(cmd, args, "out");
    const char *thr = cli_opt(cmd, args, "threshold");
    bool cases = cli_flag(cmd, args, "cases");
    bool suspects = cli_flag(cmd, args, "suspects");
    enum status st = STATUS_OK;
    double threshold = FS_THRESHOLD_DEFAULT;
    if ((csv != NULL) + cases + suspects != 1) {
        st = err_set(STATUS_INVALID, "give one of --csv FILE, --cases or --suspects");
    } else if (out_path == NULL) {
        st = err_set_field(STATUS_INVALID, "out", "--out FILE: where the matches go");
    } else if (thr != NULL) {
        char *end = NULL;
        errno = 0;
        threshold = strtod(thr, &end);
        if (errno != 0 || end == thr || *end != '\0' || !(threshold >= 0.0 && threshold <= 1.0)) {
            st = err_set_field(STATUS_INVALID, "threshold", "a match probability from 0 to 1");
        }
    }
    if (st == STATUS_OK && csv != NULL && (id_col == NULL || fields_spec == NULL)) {
        st = err_set(STATUS_INVALID, "--csv needs --id-column NAME and --fields a,b,...");
    }
    if (st == STATUS_OK && (cases || suspects) && (fields_spec != NULL || block != NULL || id_col != NULL)) {
        st = err_set(STATUS_INVALID, "--cases and --suspects compare fixed fields (docs/linkage-fs.md): no --fields, "
                                     "--block or --id-column");
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct fs_data *d = NULL;
    struct fs_model *m = NULL;
    struct link_pair *pairs = NULL;
    size_t count = 0, candidates = 0;
    if (csv != NULL) {
        struct fs_field fields[FS_FIELDS_MAX];
        size_t nf = 0;
        st = fs_fields_parse(fields_spec, !cli_flag(cmd, args, "no-tf"), fields, &nf);
        FILE *f = NULL;
        if (st == STATUS_OK && (f = fopen(csv, "r")) == NULL) {
            st = err_set_field(STATUS_NOT_FOUND, "csv", "cannot open %s", csv);
        }
        if (st == STATUS_OK) {
            st = fs_data_read_csv(f, id_col, fields, nf, &d);
            fclose(f);
        }
        struct fs_rule rules[FS_RULES_MAX];
        size_t nr = 0;
        if (st == STATUS_OK && block != NULL) {
            st = fs_rules_parse(d, block, rules, &nr);
        } else if (st == STATUS_OK) {
            /* each field on its own */
            for (size_t k = 0; k < d->nfields && k < FS_RULES_MAX; k++) {
                rules[nr++] = (struct fs_rule){1, {(int)k}};
            }
        }
        if (st == STATUS_OK) {
            st = fs_block_pairs(d, rules, nr, &pairs, &count);
            candidates = count;
        }
        if (st == STATUS_OK && count > 0) {
            struct fs_train_opts o = {.u_random = !cli_flag(cmd, args, "u-em"), .rules = rules, .nrules = nr};
            st = fs_train(d, pairs, count, &o, &m);
            if (st == STATUS_OK) {
                st = fs_score_pairs(m, d, pairs, &count, threshold, cli_progress, NULL);
                cli_progress_end();
            }
        }
    } else {
        struct cases_op o = {.suspects = suspects, .threshold = threshold};
        st = cli_run_op(op_cases, &o);
        cli_progress_end();
        d = o.data;
        m = o.model;
        pairs = o.pairs;
        count = o.count;
        candidates = m ? m->pairs : 0;
    }
    if (st == STATUS_OK) {
        FILE *f = fopen(out_path, "w");
        if (f == NULL) {
            st = err_set_field(STATUS_IO, "out", "cannot write %s", out_path);
        } else {
            st = fs_pairs_write_csv(f, d, pairs, count);
            if (fclose(f) != 0 && st == STATUS_OK) {
                st = err_set_field(STATUS_IO, "out", "cannot write %s", out_path);
            }
        }
    }
    if (st == STATUS_OK && m != NULL && m->lambda_at_bound) {
        fprintf(stderr,
                "warning: λ ended at its bound (%.4f): the model found no clear match class (few true "
                "duplicates, or fields that cannot tell them apart); review before trusting the scores\n",
                m->lambda_max);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sIsIsIsfssso}", "records", (json_int_t)d->count, "candidates",
                                     (json_int_t)candidates, "matches", (json_int_t)count, "threshold", threshold,
                                     "out", out_path, "model", m ? model_json(m) : json_null()));
        } else {
            printf("%zu records, %zu candidate pairs, %zu pairs with match probability >= %.2f written to %s\n",
                   d->count, candidates, count, threshold, out_path);
            if (cli_flag(cmd, args, "explain") && m != NULL) {
                model_print_text(m, stdout);
            }
        }
    }
    free(pairs);
    fs_model_free(m);
    fs_data_free(d);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command link_fs_commands[] = {
    {"link dedup",
     "",
     0,
     0,
     "Finds the records of one person within one data set by Fellegi-Sunter scoring (m and u learnt by EM, term "
     "frequencies, blocking rules) and writes the matches CSV (a_id,b_id,score: the match probability, pairs >= "
     "--threshold). --csv: a person file with a header row; --cases: the registry's cases you may read, compared "
     "through blind indexes and codes only (needs link.run; ids are case ids); --suspects: the justice suspects "
     "likewise (link.run and justice.read; ids are suspect ids).",
     {{"csv", true, "a CSV file with a header row"},
      {"id-column", true, "the column holding each row's id (with --csv)"},
      {"fields", true,
       "the columns to compare, comma-separated, each optionally :string, :date, :exact or :words (with --csv)"},
      {"cases", false, "deduplicate the registry's cases you may read instead"},
      {"suspects", false,
       "resolve the justice suspects of the investigations you may read instead (ids are suspect ids)"},
      {"threshold", true, "the lowest match probability kept (0 to 1, default 0.9)"},
      {"block", true,
       "blocking rules: fields compared when equal, comma-separated, + joins fields into one rule (default: each "
       "field on its own)"},
      {"out", true, "the matches CSV to write (required)"},
      {"explain", false, "print the trained m and u per field and level (always in --json)"},
      {"u-em", false, "estimate u by EM too (default: from 1,000,000 random pairs)"},
      {"no-tf", false, "no term-frequency adjustment"}},
     cmd_link_dedup},
};

const struct cli_table cli_link_fs_table = {link_fs_commands, ARRAY_LEN(link_fs_commands)};
