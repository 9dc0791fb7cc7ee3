/* cli_federation: federated reporting (issue 6, item 5) as the local operator: build a signed
 * submission, import others' (each file one transaction), list them, merge them into regional
 * and global figures; and the register of trusted peer keys the imports check. See
 * src/stats/submission.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "stats/publication.h"
#include "stats/report.h"
#include "stats/submission.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

struct fed_cli {
    struct submission_build b;
    struct submission_query q;
    const char *data;
    size_t len;
    char *file;
    size_t file_len;
    json_t *out;
};

static enum status year_opt(const struct command *cmd, struct args *a, const char *name, int *out, bool required)
{
    const char *v = cli_opt(cmd, a, name);
    int64_t y = 0;
    if (v == NULL && !required) {
        *out = 0;
        return STATUS_OK;
    }
    if (v == NULL || util_parse_i64(&y, v) != STATUS_OK || y < 1900 || y > 9999) {
        return err_set_field(STATUS_INVALID, name, "--%s: a year (YYYY)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

/* --from-year and --to-year (both required, or neither with required false). */
static enum status years_opts(const struct command *cmd, struct args *a, bool required, int *from, int *to)
{
    enum status st = year_opt(cmd, a, "from-year", from, required);
    return st == STATUS_OK ? year_opt(cmd, a, "to-year", to, required) : st;
}

static enum status op_build(const struct auth_ctx *ctx, void *p)
{
    struct fed_cli *o = p;
    return submission_build(ctx, &o->b, &o->file, &o->file_len);
}

static int cmd_submission_build(const struct command *cmd, struct args *a)
{
    struct fed_cli o = {0};
    o.b.country = cli_opt(cmd, a, "country");
    enum status st = years_opts(cmd, a, true, &o.b.year_from, &o.b.year_to);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = cli_run_op(op_build, &o);
    const char *path = cli_opt(cmd, a, "out");
    if (st == STATUS_OK && path != NULL) {
        st = util_file_write_atomic(path, o.file, o.file_len, 0644);
        if (st == STATUS_OK) {
            fprintf(stderr, "submission written: %s (%zu bytes)\n", path, o.file_len);
        }
    } else if (st == STATUS_OK) {
        fwrite(o.file, 1, o.file_len, stdout);
    }
    free(o.file);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_import(const struct auth_ctx *ctx, void *p)
{
    struct fed_cli *o = p;
    return submission_import(ctx, o->data, o->len, &o->out);
}

static int cmd_submission_import(const struct command *cmd, struct args *a)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    enum status worst = STATUS_OK;
    json_t *all = json_array();
    for (int i = 0; i < a->npos; i++) {
        const char *path = a->pos[i];
        char *data = NULL;
        size_t len = 0;
        struct fed_cli o = {0};
        st = util_file_read(&data, &len, path, SUBMISSION_BYTES_MAX);
        if (st == STATUS_OK) {
            o.data = data;
            o.len = len;
            st = auth_run(&e.ctx, op_import, &o);
        }
        if (st == STATUS_OK) {
            json_object_set_new(o.out, "file", json_string(path));
            if (!cli_json_out) {
                printf("%s: imported %s %lld-%lld from %s, %lld figures%s\n", path,
                       json_string_value(json_object_get(o.out, "country")),
                       (long long)json_integer_value(json_object_get(o.out, "year_from")),
                       (long long)json_integer_value(json_object_get(o.out, "year_to")),
                       json_string_value(json_object_get(o.out, "signer")),
                       (long long)json_integer_value(json_object_get(o.out, "rows")),
                       json_is_true(json_object_get(o.out, "replaced")) ? " (replaces an older one)" : "");
            }
            json_array_append_new(all, o.out);
        } else {
            fprintf(stderr, "%s: refused: %s\n", path, err_last());
            if (worst == STATUS_OK) {
                worst = st;
            }
        }
        free(data);
    }
    if (cli_json_out) {
        cli_print_json(all);
    } else {
        json_decref(all);
    }
    cli_env_close(&e);
    if (worst != STATUS_OK) {
        return cli_fail(err_set(worst, "some submissions were refused (see above)"));
    }
    return CLI_EXIT_OK;
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct fed_cli *o = p;
    return submission_list(ctx, &o->out);
}

static int cmd_submission_list(const struct command *cmd, struct args *a)
{
    (void)cmd;
    (void)a;
    struct fed_cli o = {0};
    enum status st = cli_run_op(op_list, &o);
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(o.out);
        o.out = NULL;
    } else if (st == STATUS_OK) {
        size_t i;
        const json_t *v;
        json_array_foreach(o.out, i, v)
        {
            printf("%-4s %lld-%lld  %-24s %6lld figures  %s\n", json_string_value(json_object_get(v, "country")),
                   (long long)json_integer_value(json_object_get(v, "year_from")),
                   (long long)json_integer_value(json_object_get(v, "year_to")),
                   json_string_value(json_object_get(v, "signer")),
                   (long long)json_integer_value(json_object_get(v, "rows")),
                   json_string_value(json_object_get(v, "created_at")));
        }
        printf("%zu submission%s\n", json_array_size(o.out), json_array_size(o.out) == 1 ? "" : "s");
    }
    json_decref(o.out);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_merged(const struct auth_ctx *ctx, void *p)
{
    struct fed_cli *o = p;
    return submission_merged(ctx, &o->q, &o->out);
}

/* CSV: quoted where a value holds a comma or quote. */
static void csv_cell(const char *s, bool last)
{
    if (strpbrk(s, ",\"\n") != NULL) {
        putchar('"');
        for (const char *c = s; *c; c++) {
            if (*c == '"') {
                putchar('"');
            }
            putchar(*c);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static int cmd_stats_federated(const struct command *cmd, struct args *a)
{
    struct fed_cli o = {0};
    o.q.by = cli_opt(cmd, a, "by");
    o.q.indicator = cli_opt(cmd, a, "indicator");
    o.q.dimension = cli_opt(cmd, a, "dimension");
    enum status st = years_opts(cmd, a, false, &o.q.year_from, &o.q.year_to);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = cli_run_op(op_merged, &o);
    bool csv = cli_flag(cmd, a, "csv");
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(o.out);
        o.out = NULL;
    } else if (st == STATUS_OK) {
        const char *const cols[] = {"area", "year", "category", "sex", "age", "value", "countries"};
        for (size_t c = 0; c < ARRAY_LEN(cols); c++) {
            if (csv) {
                csv_cell(cols[c], c + 1 == ARRAY_LEN(cols));
            }
        }
        if (!csv) {
            printf("%-36s %4s  %-28s %-7s %-16s %8s %9s\n", "area", "year", "category", "sex", "age", "value",
                   "countries");
        }
        size_t i;
        const json_t *v;
        json_array_foreach(o.out, i, v)
        {
            char year[16], value[24], countries[24];
            snprintf(year, sizeof year, "%lld", (long long)json_integer_value(json_object_get(v, "year")));
            snprintf(value, sizeof value, "%lld", (long long)json_integer_value(json_object_get(v, "value")));
            snprintf(countries, sizeof countries, "%lld",
                     (long long)json_integer_value(json_object_get(v, "countries")));
            const char *cells[] = {json_string_value(json_object_get(v, "area")),
                                   year,
                                   json_string_value(json_object_get(v, "category")),
                                   json_string_value(json_object_get(v, "sex")),
                                   json_string_value(json_object_get(v, "age")),
                                   value,
                                   countries};
            if (csv) {
                for (size_t c = 0; c < ARRAY_LEN(cells); c++) {
                    csv_cell(cells[c], c + 1 == ARRAY_LEN(cells));
                }
            } else {
                printf("%-36s %4s  %-28s %-7s %-16s %8s %9s\n", cells[0], cells[1], cells[2], cells[3], cells[4],
                       cells[5], cells[6]);
            }
        }
    }
    json_decref(o.out);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_figures(const struct auth_ctx *ctx, void *p)
{
    struct fed_cli *o = p;
    return stats_figures(ctx, &o->b, &o->out);
}

/* ctis stats figures: the instance's own figures in the questionnaire's rows, optionally one
 * indicator or dimension. */
static int cmd_stats_figures(const struct command *cmd, struct args *a)
{
    struct fed_cli o = {0};
    o.b.country = cli_opt(cmd, a, "country");
    enum status st = years_opts(cmd, a, true, &o.b.year_from, &o.b.year_to);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = cli_run_op(op_figures, &o);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    const char *indicator = cli_opt(cmd, a, "indicator"), *dimension = cli_opt(cmd, a, "dimension");
    json_t *keep = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(o.out, i, v)
    {
        if ((indicator == NULL || strcmp(indicator, json_string_value(json_object_get(v, "indicator"))) == 0) &&
            (dimension == NULL || strcmp(dimension, json_string_value(json_object_get(v, "dimension"))) == 0)) {
            json_array_append(keep, v);
        }
    }
    json_decref(o.out);
    if (cli_json_out) {
        cli_print_json(keep);
        return CLI_EXIT_OK;
    }
    bool csv = cli_flag(cmd, a, "csv");
    const char *const cols[] = {"indicator", "dimension", "category", "sex", "age", "year", "value"};
    if (csv) {
        for (size_t c = 0; c < ARRAY_LEN(cols); c++) {
            csv_cell(cols[c], c + 1 == ARRAY_LEN(cols));
        }
    }
    json_array_foreach(keep, i, v)
    {
        char year[16], value[24];
        snprintf(year, sizeof year, "%lld", (long long)json_integer_value(json_object_get(v, "year")));
        snprintf(value, sizeof value, "%lld", (long long)json_integer_value(json_object_get(v, "value")));
        const char *cells[] = {json_string_value(json_object_get(v, "indicator")),
                               json_string_value(json_object_get(v, "dimension")),
                               json_string_value(json_object_get(v, "category")),
                               json_string_value(json_object_get(v, "sex")),
                               json_string_value(json_object_get(v, "age")),
                               year,
                               value};
        if (csv) {
            for (size_t c = 0; c < ARRAY_LEN(cells); c++) {
                csv_cell(cells[c], c + 1 == ARRAY_LEN(cells));
            }
        } else {
            printf("%-36s %-32s %-28s %-7s %-16s %4s %8s\n", cells[0], cells[1], cells[2], cells[3], cells[4], cells[5],
                   cells[6]);
        }
    }
    json_decref(keep);
    return CLI_EXIT_OK;
}

struct report_cli {
    struct report_biennial r;
    uint8_t *pdf;
    size_t len;
};

static enum status op_report(const struct auth_ctx *ctx, void *p)
{
    struct report_cli *o = p;
    return report_biennial_pdf(ctx, &o->r, &o->pdf, &o->len);
}

/* A year from YYYY or a date YYYY-MM-DD (the report counts whole years). */
static enum status year_of_date(const struct command *cmd, struct args *a, const char *name, int *out)
{
    const char *v = cli_opt(cmd, a, name);
    int64_t y = 0;
    char buf[5] = {0};
    if (v != NULL && strlen(v) >= 4) {
        memcpy(buf, v, 4);
    }
    if (v == NULL || (strlen(v) != 4 && strlen(v) != 10) || util_parse_i64(&y, buf) != STATUS_OK || y < 1900) {
        return err_set_field(STATUS_INVALID, name, "--%s: a year (YYYY) or a date (YYYY-MM-DD)", name);
    }
    *out = (int)y;
    return STATUS_OK;
}

static int cmd_report_biennial(const struct command *cmd, struct args *a)
{
    struct report_cli o = {{0}, NULL, 0};
    o.r.country = cli_opt(cmd, a, "country");
    o.r.lang = cli_opt(cmd, a, "lang") != NULL ? cli_opt(cmd, a, "lang") : "en";
    const char *out = cli_opt(cmd, a, "out");
    enum status st = year_of_date(cmd, a, "from", &o.r.year_from);
    if (st == STATUS_OK) {
        st = year_of_date(cmd, a, "to", &o.r.year_to);
    }
    const char *th = cli_opt(cmd, a, "threshold");
    if (st == STATUS_OK && th != NULL && (util_parse_i64(&o.r.threshold, th) != STATUS_OK || o.r.threshold < 2)) {
        st = err_set_field(STATUS_INVALID, "threshold", "--threshold: a whole number, 2 or more");
    }
    if (st == STATUS_OK && out == NULL) {
        st = err_set_field(STATUS_INVALID, "out", "--out FILE.pdf is required");
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = cli_run_op(op_report, &o);
    if (st == STATUS_OK) {
        st = util_file_write_atomic(out, o.pdf, o.len, 0644);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sssI}", "file", out, "bytes", (json_int_t)o.len));
        } else {
            printf("report written: %s (%zu bytes)\n", out, o.len);
        }
    }
    free(o.pdf);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct dash_cli {
    int year_from, year_to;
    size_t images;
    json_t *out;
};

static enum status op_dash_publish(const struct auth_ctx *ctx, void *p)
{
    struct dash_cli *o = p;
    return stats_dashboard_publish(ctx, o->year_from, o->year_to, &o->images);
}

static int cmd_dashboard_publish(const struct command *cmd, struct args *a)
{
    struct dash_cli o = {0};
    enum status st = years_opts(cmd, a, true, &o.year_from, &o.year_to);
    if (st == STATUS_OK) {
        st = cli_run_op(op_dash_publish, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sI}", "images", (json_int_t)o.images));
        } else {
            printf("dashboard published: %zu images, %d-%d, released with disclosure control\n", o.images, o.year_from,
                   o.year_to);
        }
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_dash_unpublish(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    return stats_dashboard_unpublish(ctx);
}

static int cmd_dashboard_unpublish(const struct command *cmd, struct args *a)
{
    (void)cmd;
    (void)a;
    enum status st = cli_run_op(op_dash_unpublish, NULL);
    if (st == STATUS_OK && !cli_json_out) {
        printf("dashboard unpublished\n");
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_dash_show(const struct auth_ctx *ctx, void *p)
{
    struct dash_cli *o = p;
    return stats_dashboard_index(ctx, &o->out);
}

static int cmd_dashboard_show(const struct command *cmd, struct args *a)
{
    (void)cmd;
    (void)a;
    struct dash_cli o = {0};
    enum status st = cli_run_op(op_dash_show, &o);
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(o.out);
            o.out = NULL;
        } else {
            printf("published %s for %lld-%lld: %zu charts in %zu languages\n",
                   json_string_value(json_object_get(o.out, "published_at")),
                   (long long)json_integer_value(json_object_get(o.out, "year_from")),
                   (long long)json_integer_value(json_object_get(o.out, "year_to")),
                   json_array_size(json_object_get(o.out, "charts")), json_array_size(json_object_get(o.out, "langs")));
        }
    }
    json_decref(o.out);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* The register of trusted peers: the operator's own, outside any principal's permissions (as
 * `keys export`), in one transaction each. */
static int cmd_peer_add(const struct command *cmd, struct args *a)
{
    const char *hex = cli_opt(cmd, a, "public-key");
    uint8_t pk[VAULT_PUBKEY_BYTES];
    if (hex == NULL || strlen(hex) != 2 * VAULT_PUBKEY_BYTES || util_hex_decode(pk, sizeof pk, hex) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "public-key",
                                      "--public-key: %d hexadecimal digits (the peer's "
                                      "`ctis peer self`)",
                                      2 * VAULT_PUBKEY_BYTES));
    }
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = vault_peer_add(e.store, a->pos[0], pk); /* its own transaction */
    if (st == STATUS_OK) {
        st = store_tx_begin(e.store, STORE_TX_WRITE);
        if (st == STATUS_OK) {
            st = auth_audit(&e.ctx, "peer.add", "peer", 0, "ok", a->pos[0]);
            st = st == STATUS_OK ? store_tx_commit(e.store) : (store_tx_rollback(e.store), st);
        }
    }
    cli_env_close(&e);
    if (st == STATUS_OK && !cli_json_out) {
        printf("trusted peer added: %s\n", a->pos[0]);
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_peer_remove(const struct command *cmd, struct args *a)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = store_tx_begin(e.store, STORE_TX_WRITE);
    if (st == STATUS_OK) {
        st = vault_peer_remove(e.store, a->pos[0]);
        if (st == STATUS_OK) {
            st = auth_audit(&e.ctx, "peer.remove", "peer", 0, "ok", a->pos[0]);
        }
        if (st == STATUS_OK) {
            st = store_tx_commit(e.store);
        } else {
            store_tx_rollback(e.store);
        }
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_peer_list(const struct command *cmd, struct args *a)
{
    (void)cmd;
    (void)a;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct vault_peer *peers = NULL;
    size_t n = 0;
    st = vault_peer_list(&peers, &n, e.store);
    cli_env_close(&e);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char hex[2 * VAULT_PUBKEY_BYTES + 1], at[32];
        util_hex_encode(hex, peers[i].public_key, VAULT_PUBKEY_BYTES);
        util_time_iso(at, peers[i].added_at_ms);
        if (cli_json_out) {
            json_array_append_new(arr, json_pack("{ssssss}", "name", peers[i].name, "public_key", hex, "added_at", at));
        } else {
            printf("%-32s %s  %s\n", peers[i].name, hex, at);
        }
    }
    if (cli_json_out) {
        cli_print_json(arr);
    } else {
        json_decref(arr);
        printf("%zu trusted peer%s\n", n, n == 1 ? "" : "s");
    }
    vault_peers_free(peers, n);
    return CLI_EXIT_OK;
}

static int cmd_peer_self(const struct command *cmd, struct args *a)
{
    (void)cmd;
    (void)a;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    uint8_t pk[VAULT_PUBKEY_BYTES];
    char hex[2 * VAULT_PUBKEY_BYTES + 1];
    vault_public_key(e.vault, pk);
    util_hex_encode(hex, pk, sizeof pk);
    cli_env_close(&e);
    if (cli_json_out) {
        cli_print_json(json_pack("{ss}", "public_key", hex));
    } else {
        printf("%s\n", hex);
    }
    return CLI_EXIT_OK;
}

static const struct command federation_commands[] = {
    {"submission build",
     "",
     0,
     0,
     "Builds this instance's aggregate submission for the Global Report (counts only, in the questionnaire's "
     "structure) and signs it with the instance's key. Needs stats.publish.",
     {{"country", true, "the reporting country (ISO 3166)"},
      {"from-year", true, "first year (YYYY)"},
      {"to-year", true, "last year (YYYY)"},
      {"out", true, "write to this file (default: standard output)"}},
     cmd_submission_build},
    {"submission import",
     "FILE...",
     1,
     64,
     "Imports signed submissions: each checked against the trusted peers' keys and imported in a transaction of "
     "its own; a changed, unsigned or untrusted file is refused.",
     {{0}},
     cmd_submission_import},
    {"submission list", "", 0, 0, "Lists the submissions held.", {{0}}, cmd_submission_list},
    {"stats figures",
     "",
     0,
     0,
     "This instance's own figures in the rows of UNODC's questionnaire data (victims by sex and age, form and "
     "citizenship; offenders through the funnel), exact: needs stats.read.",
     {{"country", true, "the reporting country (ISO 3166): who counts as a national"},
      {"from-year", true, "first year (YYYY)"},
      {"to-year", true, "last year (YYYY)"},
      {"indicator", true, "only this indicator"},
      {"dimension", true, "only this dimension"},
      {"csv", false, "CSV with a header row"}},
     cmd_stats_figures},
    {"report biennial",
     "",
     0,
     0,
     "The biennial report on patterns and flows as a PDF in one of the six UN languages: victims, forms, "
     "citizenship, offenders and flows, as tables and charts released with disclosure control. Needs "
     "stats.publish.",
     {{"from", true, "first year (YYYY or a date in it)"},
      {"to", true, "last year (YYYY or a date in it)"},
      {"lang", true, "ar, en, es, fr, ru or zh (default en)"},
      {"country", true, "the reporting country (default: the first agency's)"},
      {"threshold", true, "suppression threshold (default 5)"},
      {"out", true, "the PDF file to write"}},
     cmd_report_biennial},
    {"dashboard publish",
     "",
     0,
     0,
     "Publishes the public statistics dashboard: every chart for the years, in the six languages, released with "
     "disclosure control and readable without an account. Replaces what was published. Needs stats.publish.",
     {{"from-year", true, "first year (YYYY)"}, {"to-year", true, "last year (YYYY)"}},
     cmd_dashboard_publish},
    {"dashboard unpublish", "", 0, 0, "Removes the public dashboard.", {{0}}, cmd_dashboard_unpublish},
    {"dashboard show",
     "",
     0,
     0,
     "What the public dashboard shows: when published, which years.",
     {{0}},
     cmd_dashboard_show},
    {"stats federated",
     "",
     0,
     0,
     "Regional and global figures merged from the submissions held (the newest per country and year).",
     {{"by", true, "world, region, subregion or country (default region)"},
      {"indicator", true,
       "Detected trafficking victims (default), Persons brought into formal contact, Persons "
       "prosecuted or Persons convicted"},
      {"dimension", true,
       "Total (default: all-Total cells), by form of exploitation, by detailed form of "
       "exploitation or by citizenship"},
      {"from-year", true, "from this year"},
      {"to-year", true, "to this year"},
      {"csv", false, "CSV with a header row"}},
     cmd_stats_federated},
    {"peer add",
     "NAME",
     1,
     1,
     "Trusts a peer instance's signing key (its `ctis peer self`).",
     {{"public-key", true, "the peer's Ed25519 public key, 64 hexadecimal digits"}},
     cmd_peer_add},
    {"peer list", "", 0, 0, "Lists the trusted peers and their keys.", {{0}}, cmd_peer_list},
    {"peer remove", "NAME", 1, 1, "Stops trusting a peer.", {{0}}, cmd_peer_remove},
    {"peer self", "", 0, 0, "Prints this instance's public signing key, for its peers.", {{0}}, cmd_peer_self},
};

const struct cli_table cli_federation_table = {federation_commands, ARRAY_LEN(federation_commands)};
