/* cli_link_encode: `ctis link encode` (a CSV file or the registry's persons to a signed .clk file
 * of Bloom-filter encodings) and `ctis link inspect` (a .clk file's header and whether its
 * signature checks). Issue 7, part E; src/link/clk.h, docs/linkage.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "link/clk.h"
#include "link/schema.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

/* A progress bar on a terminal: "  encoding [#########           ]  45%   123456 records". */
static bool progress_shown;

static void encode_progress(size_t done, size_t total, void *arg)
{
    (void)arg;
    static int64_t start_ms;
    if (cli_json_out) {
        return;
    }
    if (start_ms == 0 || done == 0) {
        start_ms = util_now_ms();
    }
    progress_shown = progress_shown || isatty(STDERR_FILENO);
    char detail[40];
    snprintf(detail, sizeof detail, "%10zu records", done);
    cli_progress_bar("encoding", total > 0 ? (double)done / (double)total : 1.0, detail, start_ms);
}

struct encode_op {
    const struct link_encoder *enc;
    const struct link_schema *schema;
    const char *project;
    const char *csv;
    size_t count;
    struct link_clkset *set; /* persons */
};

/* The permission alone, so that a denial is audited (auth_run) before any input is read. */
static enum status op_permission(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, "encode");
}

/* The one audit entry of a CSV encoding: project, count, schema; never a value. */
static enum status op_csv_audit(const struct auth_ctx *ctx, void *arg)
{
    struct encode_op *o = arg;
    char digest[2 * LINK_SCHEMA_DIGEST_BYTES + 1], detail[200];
    link_schema_digest_hex(o->schema, digest);
    snprintf(detail, sizeof detail, "encode csv project=%s records=%zu schema=%.16s", o->project, o->count, digest);
    return auth_check(ctx, "link.run", NULL, AUTH_FG_NONE, false, detail);
}

static enum status op_persons(const struct auth_ctx *ctx, void *arg)
{
    struct encode_op *o = arg;
    return link_encode_persons(ctx, o->enc, o->project, encode_progress, NULL, &o->set);
}

/* The signer's name when --signer is not given: the first agency's (the one `ctis init` made). */
static enum status op_signer(const struct auth_ctx *ctx, void *arg)
{
    char **name = arg;
    struct auth_agency **list = NULL;
    size_t n = 0;
    enum status st = auth_agency_list(ctx, PAGE_ROWS_MAX, 0, &list, &n);
    size_t first = 0;
    for (size_t i = 1; st == STATUS_OK && i < n; i++) {
        if (list[i]->created_at_ms < list[first]->created_at_ms ||
            (list[i]->created_at_ms == list[first]->created_at_ms && list[i]->id < list[first]->id)) {
            first = i;
        }
    }
    if (st == STATUS_OK && n > 0) {
        *name = xstrdup(list[first]->name);
    }
    auth_agency_list_free(list, n);
    return st;
}

static char *signer_name(const struct command *cmd, struct args *a, struct env *e)
{
    const char *given = cli_opt(cmd, a, "signer");
    if (given != NULL) {
        return xstrdup(given);
    }
    char *name = NULL;
    if (auth_run(&e->ctx, op_signer, &name) != STATUS_OK || name == NULL) {
        free(name);
        name = xstrdup("ctis");
    }
    return name;
}

static int cmd_link_encode(const struct command *cmd, struct args *a)
{
    const char *schema_path = cli_opt(cmd, a, "schema"), *secret_path = cli_opt(cmd, a, "secret-file");
    const char *project = cli_opt(cmd, a, "project"), *csv = cli_opt(cmd, a, "csv");
    const char *id_column = cli_opt(cmd, a, "id-column"), *out = cli_opt(cmd, a, "out");
    const char *missing = schema_path == NULL                ? "schema"
                          : secret_path == NULL              ? "secret-file"
                          : project == NULL                  ? "project"
                          : out == NULL                      ? "out"
                          : csv != NULL && id_column == NULL ? "id-column"
                                                             : NULL;
    if (missing != NULL) {
        fprintf(stderr, "ctis link encode: --%s is required%s\n", missing,
                strcmp(missing, "id-column") == 0 ? " with --csv" : "");
        return CLI_EXIT_USAGE;
    }
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct encode_op o = {.project = project, .csv = csv};
    struct link_schema *schema = NULL;
    struct link_encoder *enc = NULL;
    struct link_clkset *set = NULL;
    uint8_t *secret = NULL;
    size_t secret_len = 0;
    char *signer = NULL;
    if (auth_decide(&e.ctx, "link.run", NULL, AUTH_FG_NONE, false) != STATUS_OK) {
        st = auth_run(&e.ctx, op_permission, NULL);
        st = st == STATUS_OK ? err_set(STATUS_DENIED, "link.run needed") : st;
    }
    if (st == STATUS_OK && !link_project_valid(project)) {
        st = err_set_field(STATUS_INVALID, "project", "--project: 1 to %d letters, digits, '.', '_' or '-'",
                           LINK_PROJECT_BYTES_MAX);
    }
    if (st == STATUS_OK) {
        st = link_schema_load(&schema, schema_path);
    }
    if (st == STATUS_OK) {
        st = link_secret_load(&secret, &secret_len, secret_path);
    }
    if (st == STATUS_OK) {
        st = link_encoder_new(&enc, schema, secret, secret_len);
    }
    if (secret != NULL) {
        vault_wipe(secret, secret_len);
        free(secret);
    }
    o.enc = enc;
    o.schema = schema;
    if (st == STATUS_OK && csv != NULL) {
        FILE *f = fopen(csv, "rb");
        if (f == NULL) {
            st = err_set_field(STATUS_NOT_FOUND, "csv", "%s: cannot open", csv);
        } else {
            int64_t threads = 0;
            const char *t = cli_opt(cmd, a, "threads");
            if (t != NULL && (util_parse_i64(&threads, t) != STATUS_OK || threads < 1 || threads > 64)) {
                st = err_set_field(STATUS_INVALID, "threads", "--threads: 1 to 64");
            }
            struct link_csv_options co = {
                .id_column = id_column, .threads = (unsigned)threads, .progress = encode_progress};
            if (st == STATUS_OK) {
                st = link_encode_csv(enc, f, csv, &co, &set);
            }
            fclose(f);
        }
        if (st == STATUS_OK) {
            o.count = set->count;
            st = auth_run(&e.ctx, op_csv_audit, &o);
        }
    } else if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_persons, &o);
        set = o.set;
    }
    if (progress_shown) {
        fputc('\n', stderr);
    }
    if (st == STATUS_OK) {
        signer = signer_name(cmd, a, &e);
        st = link_clkfile_write(e.vault, out, set, project, schema, signer);
    }
    if (st == STATUS_OK) {
        char digest[2 * LINK_SCHEMA_DIGEST_BYTES + 1];
        link_schema_digest_hex(schema, digest);
        double mean = 0;
        for (size_t i = 0; i < set->count; i++) {
            mean += set->pop[i];
        }
        mean = set->count > 0 ? mean / (double)set->count : 0;
        if (cli_json_out) {
            cli_print_json(json_pack("{sssssIsIsfssss}", "file", out, "project", project, "count",
                                     (json_int_t)set->count, "bits", (json_int_t)schema->bits, "mean_popcount", mean,
                                     "schema", digest, "signer", signer));
        } else {
            printf("%s: %zu records, %zu bits each (mean popcount %.1f), project %s, schema %.16s..., signed by %s\n",
                   out, set->count, schema->bits, mean, project, digest, signer);
        }
    }
    free(signer);
    link_clkset_free(set);
    link_encoder_free(enc);
    link_schema_free(schema);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_link_inspect(const struct command *cmd, struct args *a)
{
    const char *path = a->pos[0], *project = cli_opt(cmd, a, "project");
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct link_clkset *set = NULL;
    struct link_clkheader h;
    memset(&h, 0, sizeof h);
    uint8_t digest[LINK_SCHEMA_DIGEST_BYTES];
    const uint8_t *want = NULL;
    if (cli_opt(cmd, a, "schema") != NULL) {
        struct link_schema *schema = NULL;
        st = link_schema_load(&schema, cli_opt(cmd, a, "schema"));
        if (st == STATUS_OK) {
            memcpy(digest, schema->digest, sizeof digest);
            want = digest;
        }
        link_schema_free(schema);
    }
    if (st == STATUS_OK) {
        st = store_tx_begin(e.store, STORE_TX_READ);
        if (st == STATUS_OK) {
            st = link_clkfile_read(e.store, e.vault, path, project, want, &set, &h);
            store_tx_rollback(e.store);
        }
    }
    if (st == STATUS_OK) {
        char pk[65];
        util_hex_encode(pk, h.public_key, sizeof h.public_key);
        double mean = 0;
        for (size_t i = 0; i < set->count; i++) {
            mean += set->pop[i];
        }
        mean = set->count > 0 ? mean / (double)set->count : 0;
        if (cli_json_out) {
            cli_print_json(json_pack("{sssssssIsIsssssssssfsb}", "file", path, "project", h.project, "schema", h.schema,
                                     "count", (json_int_t)h.count, "bits", (json_int_t)h.bits, "signer", h.signer,
                                     "public_key", pk, "created", h.created, "trusted_as", h.trusted_as,
                                     "mean_popcount", mean, "signature_ok", 1));
        } else {
            printf("file:        %s\nproject:     %s\nschema:      %s\nrecords:     %zu of %zu bits (mean popcount "
                   "%.1f)\nsigner:      %s (%s)\ntrusted as:  %s\ncreated:     %s\nsignature:   ok\n",
                   path, h.project, h.schema, h.count, h.bits, mean, h.signer, pk, h.trusted_as, h.created);
        }
    }
    link_clkset_free(set);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command link_encode_commands[] = {
    {"link encode",
     "",
     0,
     0,
     "Encodes person records as Bloom filters (CLKs) keyed by a secret the linking agencies share, into a .clk file "
     "signed with this instance's key and bound to the project and the schema; it holds no name. With --csv, any "
     "CSV file with a header row; without, the registry's persons this principal may read (ids are opaque "
     "per-project tokens). Needs link.run.",
     {{"schema", true, "the linkage schema (JSON; docs/linkage.md, examples/linkage/)"},
      {"secret-file", true, "the file holding the secret the parties share (at least 16 bytes)"},
      {"project", true, "the linkage project's id, the same for every party"},
      {"csv", true, "encode this CSV file (header row) instead of the registry's persons"},
      {"id-column", true, "with --csv: the column holding the record ids"},
      {"out", true, "the .clk file to write"},
      {"signer", true, "the agency's name in the header (default: the first agency's)"},
      {"threads", true, "encoding threads (default: one per CPU)"}},
     cmd_link_encode},
    {"link inspect",
     "FILE.clk",
     1,
     1,
     "Prints a .clk file's header and checks it: the signature (by this instance or a trusted peer), and the "
     "project and schema when given.",
     {{"project", true, "refuse a file of another project"}, {"schema", true, "refuse a file of another schema"}},
     cmd_link_inspect},
};

const struct cli_table cli_link_encode_table = {link_encode_commands, ARRAY_LEN(link_encode_commands)};
