/* cli_link_match: `ctis link match` (two or more signed .clk files to the matches CSV, with the
 * uncertain band saved for review) and `ctis link histogram` (the similarity histogram and a
 * suggested threshold). Issue 7, item 3; src/link/match.h, src/link/review.h, docs/linkage.md. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "link/clk.h"
#include "link/match.h"
#include "link/review.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"

/* A progress bar with the time left, on a terminal only: "  matching [#####     ]  45%  0:42 left". */
struct bar {
    const char *label;
    int64_t start_ms;
    int last_pct;
    bool shown;
};

static void bar_progress(void *ctx, double fraction)
{
    struct bar *b = ctx;
    int pct = (int)(fraction * 100.0);
    if (cli_json_out || !isatty(STDERR_FILENO) || pct == b->last_pct) {
        return;
    }
    b->last_pct = pct;
    b->shown = true;
    cli_progress_bar(b->label, fraction, "", b->start_ms);
}

static void bar_end(struct bar *b)
{
    if (b->shown) {
        fputc('\n', stderr);
    }
}

struct match_op {
    size_t nfiles;
    const char *detail;
    /* --save */
    bool save;
    struct link_run_new run;
    int64_t run_id;
};

/* The permission, so that a refusal is audited before any file is read. */
static enum status op_permission(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "match");
}

/* The run's audit entry (counts only), and the saved run with --save. */
static enum status op_done(const struct auth_ctx *ctx, void *arg)
{
    struct match_op *o = arg;
    enum status st = auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, o->detail);
    if (st == STATUS_OK && o->save) {
        st = link_run_save(ctx, &o->run, &o->run_id);
    }
    return st;
}

static enum status threshold_opt(const struct command *cmd, const struct args *a, const char *name, double dflt,
                                 double *out)
{
    const char *v = cli_opt(cmd, a, name);
    if (v == NULL) {
        if (dflt < 0) {
            return err_set_field(STATUS_INVALID, name, "--%s: required, a similarity in (0, 1]", name);
        }
        *out = dflt;
        return STATUS_OK;
    }
    char *end = NULL;
    double t = strtod(v, &end);
    if (end == v || *end != '\0' || !(t > 0.0 && t <= 1.0)) {
        return err_set_field(STATUS_INVALID, name, "--%s: a similarity in (0, 1], e.g. 0.8", name);
    }
    *out = t;
    return STATUS_OK;
}

static enum status common_opts(const struct command *cmd, const struct args *a, bool blocking,
                               struct link_match_opts *mo)
{
    const char *k = cli_opt(cmd, a, "kernel"), *th = cli_opt(cmd, a, "threads");
    const char *bl = blocking ? cli_opt(cmd, a, "blocking") : NULL;
    if (k != NULL && !link_kernel_parse(k, &mo->kernel)) {
        return err_set_field(STATUS_INVALID, "kernel", "--kernel: auto, portable, scalar, avx2 or avx512");
    }
    if (k != NULL && mo->kernel != LINK_KERNEL_AUTO && !link_kernel_available(mo->kernel)) {
        return err_set_field(STATUS_INVALID, "kernel", "--kernel: this CPU cannot run %s", k);
    }
    if (th != NULL) {
        int64_t n = 0;
        if (util_parse_i64(&n, th) != STATUS_OK || n < 1 || n > 256) {
            return err_set_field(STATUS_INVALID, "threads", "--threads: 1 to 256");
        }
        mo->threads = (unsigned)n;
    }
    if (bl != NULL) {
        if (strcmp(bl, "auto") == 0) {
            mo->blocking = LINK_BLOCKING_AUTO;
        } else if (strcmp(bl, "none") == 0) {
            mo->blocking = LINK_BLOCKING_NONE;
        } else if (strcmp(bl, "lsh") == 0) {
            mo->blocking = LINK_BLOCKING_LSH;
        } else {
            return err_set_field(STATUS_INVALID, "blocking", "--blocking: auto, none or lsh");
        }
    }
    return STATUS_OK;
}

/* Reads the files (each checked: signature by this instance or a trusted peer, the project when
 * given), and checks that they share one project and one schema. */
static enum status read_files(struct env *e, const struct args *a, const char *project, struct link_clkset **sets,
                              struct link_clkheader *hdrs)
{
    enum status st = STATUS_OK;
    for (int i = 0; st == STATUS_OK && i < a->npos; i++) {
        st = link_clkfile_read(e->store, e->vault, a->pos[i], project, NULL, &sets[i], &hdrs[i]);
        if (st != STATUS_OK) {
            char msg[ERR_MESSAGE_BYTES_MAX];
            snprintf(msg, sizeof msg, "%s", err_last());
            st = err_set_field(st, "file", "%s: %s", a->pos[i], msg);
        } else if (i > 0 && strcmp(hdrs[i].project, hdrs[0].project) != 0) {
            st = err_set_field(STATUS_CONFLICT, "file", "%s: project %s, not %s as %s", a->pos[i], hdrs[i].project,
                               hdrs[0].project, a->pos[0]);
        } else if (i > 0 && strcmp(hdrs[i].schema, hdrs[0].schema) != 0) {
            st =
                err_set_field(STATUS_CONFLICT, "file", "%s: encoded with another schema than %s", a->pos[i], a->pos[0]);
        }
    }
    return st;
}

static enum status write_out(const char *path, char *buf, size_t len)
{
    if (strcmp(path, "-") == 0) {
        return fwrite(buf, 1, len, stdout) == len ? STATUS_OK : err_set(STATUS_IO, "cannot write the matches");
    }
    return util_file_write_atomic(path, buf, len, 0640);
}

/* The agency a saved run belongs to: --agency, else the instance's first agency (`ctis init`'s). */
static enum status run_agency(struct env *e, const char *ref, int64_t *id_out)
{
    if (ref != NULL) {
        return cli_agency_lookup(e, ref, id_out);
    }
    struct store_rows *r = NULL;
    enum status st = store_exec_one(e->store, STMT_AGENCY_FIRST, NULL, 0, &r);
    if (st == STATUS_OK) {
        *id_out = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no agency: run `ctis init` first") : st;
}

static int cmd_link_match(const struct command *cmd, struct args *a)
{
    struct link_match_opts mo = {0};
    double review_from = 0;
    const char *out = cli_opt(cmd, a, "out"), *project = cli_opt(cmd, a, "project");
    bool save = cli_flag(cmd, a, "save"), all = cli_flag(cmd, a, "all-pairs");
    enum status st = threshold_opt(cmd, a, "threshold", -1, &mo.threshold);
    if (st == STATUS_OK) {
        st = threshold_opt(cmd, a, "review-from", mo.threshold, &review_from);
    }
    if (st == STATUS_OK && review_from > mo.threshold) {
        st = err_set_field(STATUS_INVALID, "review-from", "--review-from: at most the threshold");
    }
    if (st == STATUS_OK) {
        st = common_opts(cmd, a, true, &mo);
    }
    if (st == STATUS_OK && (out == NULL || out[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "out", "--out: required, the CSV file to write (- for standard output)");
    }
    if (st == STATUS_OK && a->npos != 2 && (save || all || cli_opt(cmd, a, "review-from") != NULL)) {
        st = err_set_field(STATUS_INVALID, "save",
                           "--save, --review-from and --all-pairs are for two parties (one file: its duplicates; "
                           "several: groups)");
    }
    if (st == STATUS_OK && a->npos > (int)LINK_PARTIES_MAX) {
        st = err_set_field(STATUS_INVALID, "file", "at most %u files", LINK_PARTIES_MAX);
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct match_op o = {.nfiles = (size_t)a->npos, .save = save};
    st = auth_run(&e.ctx, op_permission, &o);
    struct link_clkset **sets = xcalloc((size_t)a->npos, sizeof *sets);
    struct link_clkheader *hdrs = xcalloc((size_t)a->npos, sizeof *hdrs);
    if (st == STATUS_OK) {
        st = read_files(&e, a, project, sets, hdrs);
    }
    struct link_pair *pairs = NULL;
    struct link_member *members = NULL;
    size_t count = 0, groups = 0, kept = 0;
    struct link_match_info info = {0};
    struct bar bar = {.label = "matching", .start_ms = util_now_ms(), .last_pct = -1};
    mo.progress = bar_progress;
    mo.progress_ctx = &bar;
    char *buf = NULL;
    size_t len = 0;
    if (st == STATUS_OK && a->npos == 2) {
        struct link_match_opts lo = mo;
        lo.threshold = review_from; /* the band below the threshold too, for review */
        lo.all_pairs = all;
        st = link_match_stats(sets[0], sets[1], &lo, &pairs, &count, &info);
        bar_end(&bar);
        while (kept < count && pairs[kept].score >= mo.threshold) {
            kept++; /* sorted by descending score */
        }
        if (st == STATUS_OK) {
            FILE *f = open_memstream(&buf, &len);
            st = link_pairs_write_csv(f, sets[0], sets[1], pairs, kept);
            fclose(f);
        }
    } else if (st == STATUS_OK && a->npos == 1) {
        /* One file: its duplicates, every pair a < b at or above the threshold. */
        uint32_t *cluster = NULL;
        st = link_dedup(sets[0], &mo, &pairs, &count, &cluster);
        bar_end(&bar);
        /* The clusters of two or more records: all clusters less the records in no pair. */
        bool *paired = st == STATUS_OK ? xcalloc(sets[0]->count + 1, sizeof *paired) : NULL;
        size_t clusters = 0, single = 0;
        for (size_t i = 0; st == STATUS_OK && i < count; i++) {
            paired[pairs[i].a] = paired[pairs[i].b] = true;
        }
        for (size_t i = 0; st == STATUS_OK && i < sets[0]->count; i++) {
            clusters = cluster[i] + 1 > clusters ? cluster[i] + 1 : clusters;
            single += paired[i] ? 0 : 1;
        }
        groups = clusters - single;
        free(paired);
        free(cluster);
        kept = count;
        if (st == STATUS_OK) {
            FILE *f = open_memstream(&buf, &len);
            st = link_pairs_write_csv(f, sets[0], sets[0], pairs, count);
            fclose(f);
        }
    } else if (st == STATUS_OK) {
        st = link_cluster((const struct link_clkset *const *)sets, (size_t)a->npos, &mo, &members, &count, &groups);
        bar_end(&bar);
        if (st == STATUS_OK) {
            FILE *f = open_memstream(&buf, &len);
            fputs("group,party,id\n", f);
            for (size_t i = 0; i < count; i++) {
                fprintf(f, "%u,%s,%s\n", members[i].group, a->pos[members[i].party],
                        sets[members[i].party]->ids[members[i].record]);
            }
            fclose(f);
            kept = count;
        }
    }
    if (st == STATUS_OK) {
        st = write_out(out, buf, len);
    }
    char detail[160];
    if (st == STATUS_OK) {
        snprintf(detail, sizeof detail, "match project=%s files=%d pairs=%zu groups=%zu", hdrs[0].project, a->npos,
                 kept, groups);
        o.detail = detail;
        o.run = (struct link_run_new){hdrs[0].project,
                                      hdrs[0].signer,
                                      a->npos > 1 ? hdrs[1].signer : "",
                                      strcmp(hdrs[0].trusted_as, "self") == 0                  ? "a"
                                      : a->npos > 1 && strcmp(hdrs[1].trusted_as, "self") == 0 ? "b"
                                                                                               : "none",
                                      mo.threshold,
                                      review_from,
                                      sets[0],
                                      a->npos > 1 ? sets[1] : NULL,
                                      pairs,
                                      count,
                                      0};
        if (save) {
            st = run_agency(&e, cli_opt(cmd, a, "agency"), &o.run.agency_id);
        }
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_done, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            json_t *j = json_pack("{sssIsIsssbsIsIsf}", "project", hdrs[0].project, "a_count",
                                  (json_int_t)sets[0]->count, "b_count", (json_int_t)(a->npos > 1 ? sets[1]->count : 0),
                                  "out", out, "lsh", info.lsh, "comparisons", (json_int_t)info.comparisons, "matches",
                                  (json_int_t)kept, "seconds", info.seconds);
            json_object_set_new(j, "kernel", json_string(info.kernel != NULL ? info.kernel : ""));
            json_object_set_new(j, "review", json_integer((json_int_t)(count - kept)));
            json_object_set_new(j, "groups", json_integer((json_int_t)groups));
            json_object_set_new(j, "run_id", o.run_id ? json_integer(o.run_id) : json_null());
            cli_print_json(j); /* takes j */
        } else if (a->npos == 2) {
            fprintf(stderr, "%zu matches at %.2f or above\n", kept, mo.threshold);
            if (o.run_id) {
                fprintf(stderr, "run %lld saved: %zu pairs to review (ctis link review %lld)\n", (long long)o.run_id,
                        count - kept, (long long)o.run_id);
            }
        } else if (a->npos == 1) {
            fprintf(stderr, "%zu pairs at %.2f or above, in %zu clusters of two or more records\n", count, mo.threshold,
                    groups);
        } else {
            fprintf(stderr, "%zu groups, %zu records\n", groups, count);
        }
    }
    for (int i = 0; i < a->npos; i++) {
        link_clkset_free(sets[i]);
    }
    free(sets);
    free(hdrs);
    free(pairs);
    free(members);
    free(buf);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_link_histogram(const struct command *cmd, struct args *a)
{
    struct link_match_opts mo = {0};
    const char *project = cli_opt(cmd, a, "project");
    enum status st = common_opts(cmd, a, false, &mo);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct match_op o = {.nfiles = 2, .detail = "histogram"};
    st = auth_run(&e.ctx, op_permission, &o);
    struct link_clkset *sets[2] = {0};
    struct link_clkheader hdrs[2];
    if (st == STATUS_OK) {
        st = read_files(&e, a, project, sets, hdrs);
    }
    struct link_histogram h = {0};
    struct bar bar = {.label = "comparing", .start_ms = util_now_ms(), .last_pct = -1};
    mo.progress = bar_progress;
    mo.progress_ctx = &bar;
    if (st == STATUS_OK) {
        st = link_histogram(sets[0], sets[1], &mo, &h);
        bar_end(&bar);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_done, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *bins = json_array();
        for (size_t i = 0; i < LINK_HIST_BINS; i++) {
            json_array_append_new(bins, json_pack("{sfsfsI}", "from", (double)i / LINK_HIST_BINS, "to",
                                                  (double)(i + 1) / LINK_HIST_BINS, "pairs", (json_int_t)h.bins[i]));
        }
        json_t *j = json_pack("{sosIsIsb}", "bins", bins, "pairs", (json_int_t)h.pairs, "queries",
                              (json_int_t)h.queries, "sampled", h.sampled);
        json_object_set_new(j, "suggested", h.suggested >= 0 ? json_real(h.suggested) : json_null());
        cli_print_json(j); /* takes j */
    } else if (st == STATUS_OK) {
        uint64_t max = 1;
        for (size_t i = 0; i < LINK_HIST_BINS; i++) {
            max = h.bins[i] > max ? h.bins[i] : max;
        }
        printf("similarity   pairs%s\n", h.sampled ? " (a sample of the first file's records)" : "");
        for (size_t i = 0; i < LINK_HIST_BINS; i++) {
            /* a log scale: the matches are few beside the non-matches */
            int w = h.bins[i] == 0 ? 0 : 1 + (int)(40.0 * log1p((double)h.bins[i]) / log1p((double)max));
            printf("%.2f-%.2f %12llu %.*s\n", (double)i / LINK_HIST_BINS, (double)(i + 1) / LINK_HIST_BINS,
                   (unsigned long long)h.bins[i], w, "########################################");
        }
        if (h.suggested >= 0) {
            printf("suggested threshold: %.2f (the valley between non-matches and matches)\n", h.suggested);
        } else {
            printf("no clear valley between non-matches and matches: choose the threshold by review\n");
        }
    }
    link_clkset_free(sets[0]);
    link_clkset_free(sets[1]);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command link_match_commands[] = {
    {"link match",
     "A.clk [B.clk [C.clk ...]]",
     1,
     (int)LINK_PARTIES_MAX,
     "Matches signed encoded files (ctis link encode) of one project and schema: each must be signed by this "
     "instance or a trusted peer (ctis peer add). Two files: the pairs with Dice similarity at or above the "
     "threshold, solved 1-to-1, as a CSV `a_id,b_id,score` (ids as given, scores to 4 decimals); --save records the "
     "run and puts the pairs in [--review-from, --threshold) in the review queue (ctis link review). One file: its "
     "likely duplicates, every pair at or above the threshold, in the same CSV. Three or more: groups across "
     "parties as `group,party,id`. Needs link.run; audited with counts only.",
     {{"threshold", true, "the similarity a match needs, in (0, 1] (0.8 for the example schemas)"},
      {"out", true, "the CSV file to write (- for standard output)"},
      {"all-pairs", false, "every pair at or above the threshold, not solved 1-to-1"},
      {"review-from", true, "with --save: pairs from this similarity up to the threshold go to review"},
      {"save", false, "record the run and its review queue in the database"},
      {"agency", true, "with --save: the agency the run belongs to (default: the first agency)"},
      {"project", true, "refuse files of any other project"},
      {"threads", true, "worker threads (default: the CPUs)"},
      {"kernel", true, "auto (default), portable, scalar, avx2 or avx512"},
      {"blocking", true, "auto (default: LSH for very large sets), none (exact) or lsh"}},
     cmd_link_match},
    {"link histogram",
     "A.clk B.clk",
     2,
     2,
     "The similarity histogram of two encoded files (a sample of the first file's records when large) and a "
     "suggested threshold: the valley between the non-matches and the matches. Needs link.run.",
     {{"project", true, "refuse files of any other project"},
      {"threads", true, "worker threads (default: the CPUs)"},
      {"kernel", true, "auto (default), portable, scalar, avx2 or avx512"}},
     cmd_link_histogram},
};

const struct cli_table cli_link_match_table = {link_match_commands, ARRAY_LEN(link_match_commands)};
