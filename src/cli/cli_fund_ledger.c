/* cli_fund_ledger: the Trust Fund's money (issue 8, part L): `ctis fund donor|pledge|receipt|rate
 * ...`, `fund ledger`, `fund balances`, `fund statement` and `fund generate` (src/fund/donors.h,
 * rates.h, ledger.h, statement.h, generate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "fund/donors.h"
#include "fund/generate.h"
#include "fund/ledger.h"
#include "fund/rates.h"
#include "fund/statement.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

#define FUND_CLI_FILE_BYTES_MAX (64 * 1024 * 1024)

enum fund_op {
    OP_DONOR_ADD,
    OP_DONOR_LIST,
    OP_DONOR_SHOW,
    OP_PLEDGE_ADD,
    OP_PLEDGE_LIST,
    OP_PLEDGE_WRITE_OFF,
    OP_RECEIPT_ADD,
    OP_RECEIPT_LIST,
    OP_RECEIPT_SHOW,
    OP_RECEIPT_PDF,
    OP_RECEIPT_REVERSE,
    OP_RATE_SET,
    OP_RATE_LIST,
    OP_RATE_IMPORT,
    OP_LEDGER,
    OP_BALANCES,
    OP_STATEMENT,
    OP_STATEMENT_CSV,
    OP_STATEMENT_XLSX,
    OP_STATEMENT_PDF,
    OP_GENERATE,
};

struct fund_cli {
    enum fund_op op;
    int64_t id;
    json_t *in, *out;
    const char *text, *from, *to, *lang, *name;
    size_t len;
    struct fund_list_filter f;
    struct fund_ledger_filter lf;
    int year;
    uint64_t seed;
    char *csv, *data;
    uint8_t *bytes;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct fund_cli *o = p;
    switch (o->op) {
    case OP_DONOR_ADD: return fund_donor_add(ctx, o->in, &o->id);
    case OP_DONOR_LIST: return fund_donor_list(ctx, o->text, &o->out);
    case OP_DONOR_SHOW: return fund_donor_get(ctx, o->id, &o->out);
    case OP_PLEDGE_ADD: return fund_pledge_add(ctx, o->in, &o->id);
    case OP_PLEDGE_LIST: return fund_pledge_list(ctx, &o->f, &o->out);
    case OP_PLEDGE_WRITE_OFF: return fund_pledge_write_off(ctx, o->id, o->in);
    case OP_RECEIPT_ADD: return fund_receipt_add(ctx, o->in, &o->id);
    case OP_RECEIPT_LIST: return fund_receipt_list(ctx, &o->f, &o->out);
    case OP_RECEIPT_SHOW: return fund_receipt_get(ctx, o->id, &o->out);
    case OP_RECEIPT_PDF: return fund_receipt_pdf(ctx, o->id, o->lang, &o->bytes, &o->len);
    case OP_RECEIPT_REVERSE: return fund_receipt_reverse(ctx, o->id, o->in);
    case OP_RATE_SET: return fund_rate_set(ctx, o->in);
    case OP_RATE_LIST: return fund_rate_list(ctx, o->text, o->from, o->to, 0, &o->out);
    case OP_RATE_IMPORT: return fund_rate_import_csv(ctx, o->name, o->text, o->len, &o->out);
    case OP_LEDGER: return fund_ledger_entries(ctx, &o->lf, &o->out);
    case OP_BALANCES: return fund_ledger_balances(ctx, o->from, o->to, &o->out);
    case OP_STATEMENT: return fund_statement(ctx, o->from, o->to, &o->out);
    case OP_STATEMENT_CSV: return fund_statement_csv(ctx, o->from, o->to, o->lang, &o->csv);
    case OP_STATEMENT_XLSX: return fund_statement_xlsx(ctx, o->from, o->to, o->lang, &o->data, &o->len);
    case OP_STATEMENT_PDF: return fund_statement_pdf(ctx, o->from, o->to, o->lang, &o->bytes, &o->len);
    case OP_GENERATE: return fund_generate(ctx, o->year, o->seed, &o->out);
    }
    return STATUS_INVALID;
}

static enum status positive_id(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

static enum status optional_id(const struct command *cmd, struct args *a, const char *opt, int64_t *out)
{
    *out = 0;
    const char *v = cli_opt(cmd, a, opt);
    return v != NULL ? positive_id(opt, v, out) : STATUS_OK;
}

/* Options to JSON members: text, ids, or a flag (true). */
struct member {
    const char *opt, *key;
    char type; /* 's' text, 'i' id, 'b' flag */
};

static enum status members_json(const struct command *cmd, struct args *args, const struct member *m, json_t *o)
{
    for (; m->opt != NULL; m++) {
        if (m->type == 'b') {
            if (cli_flag(cmd, args, m->opt)) {
                json_object_set_new(o, m->key, json_true());
            }
            continue;
        }
        const char *v = cli_opt(cmd, args, m->opt);
        if (v == NULL) {
            continue;
        }
        if (m->type == 's') {
            json_object_set_new(o, m->key, json_string(v));
            continue;
        }
        int64_t n = 0;
        enum status st = positive_id(m->opt, v, &n);
        if (st != STATUS_OK) {
            return st;
        }
        json_object_set_new(o, m->key, json_integer(n));
    }
    return STATUS_OK;
}

static const char *text_or(const json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : dflt;
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void print_table(enum fund_op op, json_t *out)
{
    size_t i;
    json_t *e;
    switch (op) {
    case OP_DONOR_LIST:
        printf("%-18s %-18s %-8s %-40s %16s %16s\n", "ID", "KIND", "COUNTRY", "NAME", "PLEDGED_USD", "RECEIVED_USD");
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            printf("%-18lld %-18s %-8s %-40s %16s %16s\n", int_of(e, "id"), text_or(e, "kind", "-"),
                   text_or(e, "country", "-"), text_or(e, "name", "-"), text_or(e, "pledged_usd", "-"),
                   text_or(e, "received_usd", "-"));
        }
        break;
    case OP_PLEDGE_LIST:
        printf("%-18s %-10s %-30s %-4s %16s %16s %-12s %s\n", "ID", "DATE", "DONOR", "CUR", "AMOUNT", "USD", "STATUS",
               "EARMARK");
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            printf("%-18lld %-10s %-30s %-4s %16s %16s %-12s %s\n", int_of(e, "id"), text_or(e, "date", "-"),
                   text_or(e, "donor", "-"), text_or(e, "currency", "-"), text_or(e, "amount", "-"),
                   text_or(e, "usd", "-"), text_or(e, "status", "-"), text_or(e, "earmark", "-"));
        }
        break;
    case OP_RECEIPT_LIST:
        printf("%-18s %-14s %-10s %-30s %-4s %16s %16s %s\n", "ID", "NUMBER", "DATE", "DONOR", "CUR", "AMOUNT", "USD",
               "STATUS");
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            printf("%-18lld %-14s %-10s %-30s %-4s %16s %16s %s\n", int_of(e, "id"), text_or(e, "number", "-"),
                   text_or(e, "date", "-"), text_or(e, "donor", "-"), text_or(e, "currency", "-"),
                   text_or(e, "amount", "-"), text_or(e, "usd", "-"), text_or(e, "status", "-"));
        }
        break;
    case OP_RATE_LIST:
        printf("currency,date,rate,source\n");
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            printf("%s,%s,%s,%s\n", text_or(e, "currency", ""), text_or(e, "date", ""), text_or(e, "rate", ""),
                   text_or(e, "source", ""));
        }
        break;
    case OP_LEDGER:
        printf("%-10s %-13s %-18s %-20s %16s %16s %s\n", "DATE", "KIND", "ENTRY", "ACCOUNT", "DEBIT", "CREDIT", "MEMO");
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            json_t *l;
            size_t j;
            json_array_foreach(json_object_get(e, "lines"), j, l)
            {
                printf("%-10s %-13s %-18lld %-20s %16s %16s %s\n", j ? "" : text_or(e, "date", ""),
                       j ? "" : text_or(e, "kind", ""), int_of(e, "id"), text_or(l, "account", ""),
                       int_of(l, "debit_cents") ? text_or(l, "debit", "") : "",
                       int_of(l, "credit_cents") ? text_or(l, "credit", "") : "", j ? "" : text_or(e, "memo", ""));
            }
        }
        printf("%lld entries\n", int_of(out, "count"));
        break;
    case OP_BALANCES:
        printf("%-20s %16s %16s %16s %16s\n", "ACCOUNT", "OPENING", "DEBITS", "CREDITS", "CLOSING");
        json_array_foreach(json_object_get(out, "accounts"), i, e)
        {
            printf("%-20s %16s %16s %16s %16s\n", text_or(e, "account", ""), text_or(e, "opening", ""),
                   text_or(e, "debits", ""), text_or(e, "credits", ""), text_or(e, "closing", ""));
        }
        printf("%-20s %16s %16s %16s\n%s\n", "TOTAL", "", text_or(out, "debits", ""), text_or(out, "credits", ""),
               json_is_true(json_object_get(out, "balanced")) ? "balanced" : "NOT BALANCED");
        break;
    default: cli_print_json(json_incref(out)); break;
    }
}

static enum status write_file(const char *path, const void *data, size_t len)
{
    return util_file_write_atomic(path, data, len, 0600);
}

/* Runs o in one transaction and prints what it gives. */
static int run_and_print(struct fund_cli *o, const char *out_path)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        json_decref(o->in);
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_run, o);
    if (st == STATUS_OK) {
        switch (o->op) {
        case OP_DONOR_ADD:
        case OP_PLEDGE_ADD:
        case OP_RECEIPT_ADD:
            if (cli_json_out) {
                cli_print_json(json_pack("{sI}", "id", (json_int_t)o->id));
            } else {
                printf("%lld\n", (long long)o->id);
            }
            break;
        case OP_PLEDGE_WRITE_OFF:
        case OP_RECEIPT_REVERSE:
        case OP_RATE_SET:
            if (cli_json_out) {
                cli_print_json(json_pack("{sb}", "ok", 1));
            }
            break;
        case OP_RECEIPT_PDF:
        case OP_STATEMENT_PDF: st = write_file(out_path, o->bytes, o->len); break;
        case OP_STATEMENT_XLSX: st = write_file(out_path, o->data, o->len); break;
        case OP_STATEMENT_CSV: fputs(o->csv, stdout); break;
        default:
            if (cli_json_out || o->out == NULL || o->op == OP_DONOR_SHOW || o->op == OP_RECEIPT_SHOW ||
                o->op == OP_STATEMENT || o->op == OP_GENERATE || o->op == OP_RATE_IMPORT) {
                cli_print_json(o->out);
                o->out = NULL;
            } else {
                print_table(o->op, o->out);
            }
        }
    }
    json_decref(o->out);
    json_decref(o->in);
    free(o->csv);
    free(o->data);
    free(o->bytes);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int usage(const char *what)
{
    fprintf(stderr, "ctis fund: %s (see --help)\n", what);
    return CLI_EXIT_USAGE;
}

static bool is_number(const char *s)
{
    int64_t v = 0;
    return s != NULL && util_parse_i64(&v, s) == STATUS_OK && v > 0;
}

/* ---- fund donor --------------------------------------------------------------------------------- */

static int cmd_donor(const struct command *cmd, struct args *a)
{
    static const struct member add[] = {{"kind", "kind", 's'},
                                        {"name", "name", 's'},
                                        {"country", "country", 's'},
                                        {"contact", "contact", 's'},
                                        {"language", "language", 's'},
                                        {"anonymous", "anonymous", 'b'},
                                        {0}};
    struct fund_cli o = {0};
    const char *act = a->pos[0];
    enum status st = STATUS_OK;
    if (strcmp(act, "add") == 0 && a->npos == 1) {
        o.op = OP_DONOR_ADD;
        o.in = json_object();
        st = members_json(cmd, a, add, o.in);
    } else if (strcmp(act, "list") == 0 && a->npos == 1) {
        o.op = OP_DONOR_LIST;
        o.text = cli_opt(cmd, a, "kind");
    } else if (strcmp(act, "show") == 0 && a->npos == 2) {
        o.op = OP_DONOR_SHOW;
        st = positive_id("ID", a->pos[1], &o.id);
    } else {
        return usage("fund donor add | list | show ID");
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run_and_print(&o, NULL);
}

/* ---- fund pledge -------------------------------------------------------------------------------- */

static int cmd_pledge(const struct command *cmd, struct args *a)
{
    static const struct member add[] = {{"donor", "donor_id", 'i'},
                                        {"date", "date", 's'},
                                        {"currency", "currency", 's'},
                                        {"amount", "amount", 's'},
                                        {"earmark", "earmark", 's'},
                                        {"expected", "expected_date", 's'},
                                        {0}};
    static const struct member off[] = {{"date", "date", 's'}, {"reason", "reason", 's'}, {0}};
    struct fund_cli o = {0};
    const char *act = a->pos[0];
    enum status st = STATUS_OK;
    if (strcmp(act, "add") == 0 && a->npos == 1) {
        o.op = OP_PLEDGE_ADD;
        o.in = json_object();
        st = members_json(cmd, a, add, o.in);
    } else if (strcmp(act, "list") == 0 && a->npos == 1) {
        o.op = OP_PLEDGE_LIST;
        st = optional_id(cmd, a, "donor", &o.f.donor_id);
        o.f.status = cli_opt(cmd, a, "status");
        o.f.from = cli_opt(cmd, a, "from");
        o.f.to = cli_opt(cmd, a, "to");
    } else if (strcmp(act, "write-off") == 0 && a->npos == 2) {
        o.op = OP_PLEDGE_WRITE_OFF;
        o.in = json_object();
        st = positive_id("ID", a->pos[1], &o.id);
        if (st == STATUS_OK) {
            st = members_json(cmd, a, off, o.in);
        }
    } else {
        return usage("fund pledge add | list | write-off ID");
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run_and_print(&o, NULL);
}

/* ---- fund receipt ------------------------------------------------------------------------------- */

static int cmd_receipt(const struct command *cmd, struct args *a)
{
    static const struct member add[] = {{"donor", "donor_id", 'i'},
                                        {"pledge", "pledge_id", 'i'},
                                        {"date", "date", 's'},
                                        {"currency", "currency", 's'},
                                        {"amount", "amount", 's'},
                                        {"earmark", "earmark", 's'},
                                        {"bank-ref", "bank_reference", 's'},
                                        {0}};
    static const struct member rev[] = {{"date", "date", 's'}, {"reason", "reason", 's'}, {0}};
    struct fund_cli o = {0};
    const char *act = a->pos[0], *out_path = cli_opt(cmd, a, "out");
    enum status st = STATUS_OK;
    if (strcmp(act, "add") == 0 && a->npos == 1) {
        o.op = OP_RECEIPT_ADD;
        o.in = json_object();
        st = members_json(cmd, a, add, o.in);
    } else if (strcmp(act, "list") == 0 && a->npos == 1) {
        o.op = OP_RECEIPT_LIST;
        st = optional_id(cmd, a, "donor", &o.f.donor_id);
        if (st == STATUS_OK) {
            st = optional_id(cmd, a, "pledge", &o.f.pledge_id);
        }
        o.f.from = cli_opt(cmd, a, "from");
        o.f.to = cli_opt(cmd, a, "to");
    } else if ((strcmp(act, "show") == 0 && a->npos == 2) || (is_number(act) && a->npos == 1)) {
        o.op = out_path != NULL ? OP_RECEIPT_PDF : OP_RECEIPT_SHOW;
        o.lang = cli_opt(cmd, a, "lang");
        st = positive_id("ID", a->npos == 2 ? a->pos[1] : act, &o.id);
    } else if (strcmp(act, "reverse") == 0 && a->npos == 2) {
        o.op = OP_RECEIPT_REVERSE;
        o.in = json_object();
        st = positive_id("ID", a->pos[1], &o.id);
        if (st == STATUS_OK) {
            st = members_json(cmd, a, rev, o.in);
        }
    } else {
        return usage("fund receipt add | list | show ID [--out FILE.pdf] | reverse ID | ID --out FILE.pdf");
    }
    if (st != STATUS_OK) {
        json_decref(o.in);
        return cli_fail(st);
    }
    return run_and_print(&o, out_path);
}

/* ---- fund rate ---------------------------------------------------------------------------------- */

static int cmd_rate(const struct command *cmd, struct args *a)
{
    static const struct member set[] = {
        {"currency", "currency", 's'}, {"date", "date", 's'}, {"rate", "rate", 's'}, {"source", "source", 's'}, {0}};
    struct fund_cli o = {0};
    const char *act = a->pos[0];
    enum status st = STATUS_OK;
    char *file = NULL;
    if (strcmp(act, "set") == 0 && a->npos == 1) {
        o.op = OP_RATE_SET;
        o.in = json_object();
        st = members_json(cmd, a, set, o.in);
    } else if (strcmp(act, "list") == 0 && a->npos == 1) {
        o.op = OP_RATE_LIST;
        o.text = cli_opt(cmd, a, "currency");
        o.from = cli_opt(cmd, a, "from");
        o.to = cli_opt(cmd, a, "to");
    } else if (strcmp(act, "import") == 0 && a->npos == 2) {
        o.op = OP_RATE_IMPORT;
        st = util_file_read(&file, &o.len, a->pos[1], FUND_CLI_FILE_BYTES_MAX);
        const char *slash = strrchr(a->pos[1], '/');
        o.name = slash ? slash + 1 : a->pos[1];
        o.text = file;
    } else {
        return usage("fund rate set | list | import FILE.csv");
    }
    int rc = st != STATUS_OK ? (json_decref(o.in), cli_fail(st)) : run_and_print(&o, NULL);
    free(file);
    return rc;
}

/* ---- ledger, balances, statement, generate ------------------------------------------------------ */

static int cmd_ledger(const struct command *cmd, struct args *a)
{
    struct fund_cli o = {.op = OP_LEDGER};
    o.lf.from = cli_opt(cmd, a, "from");
    o.lf.to = cli_opt(cmd, a, "to");
    o.lf.account = cli_opt(cmd, a, "account");
    o.lf.kind = cli_opt(cmd, a, "kind");
    const char *limit = cli_opt(cmd, a, "limit");
    if (limit != NULL && (util_parse_i64(&o.lf.limit, limit) != STATUS_OK || o.lf.limit <= 0)) {
        return cli_fail(err_set_field(STATUS_INVALID, "limit", "limit: a positive number"));
    }
    return run_and_print(&o, NULL);
}

static int cmd_balances(const struct command *cmd, struct args *a)
{
    struct fund_cli o = {.op = OP_BALANCES, .from = cli_opt(cmd, a, "from"), .to = cli_opt(cmd, a, "to")};
    return run_and_print(&o, NULL);
}

static int cmd_statement(const struct command *cmd, struct args *a)
{
    struct fund_cli o = {.op = OP_STATEMENT, .from = cli_opt(cmd, a, "from"), .to = cli_opt(cmd, a, "to")};
    o.lang = cli_opt(cmd, a, "lang");
    const char *xlsx = cli_opt(cmd, a, "xlsx"), *pdf = cli_opt(cmd, a, "pdf"), *path = NULL;
    if ((xlsx != NULL) + (pdf != NULL) + cli_flag(cmd, a, "csv") > 1) {
        return usage("one of --csv, --xlsx FILE, --pdf FILE");
    }
    if (o.from == NULL || o.to == NULL) {
        return usage("--from and --to are required");
    }
    if (cli_flag(cmd, a, "csv")) {
        o.op = OP_STATEMENT_CSV;
    } else if (xlsx != NULL) {
        o.op = OP_STATEMENT_XLSX;
        path = xlsx;
    } else if (pdf != NULL) {
        o.op = OP_STATEMENT_PDF;
        path = pdf;
    }
    return run_and_print(&o, path);
}

static int cmd_generate(const struct command *cmd, struct args *a)
{
    struct fund_cli o = {.op = OP_GENERATE, .seed = 1};
    int64_t year = 0, seed = 1;
    const char *y = cli_opt(cmd, a, "year"), *s = cli_opt(cmd, a, "seed");
    if (y == NULL || util_parse_i64(&year, y) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "year", "year: required, such as 2025"));
    }
    if (s != NULL && util_parse_i64(&seed, s) != STATUS_OK) {
        return cli_fail(err_set_field(STATUS_INVALID, "seed", "seed: a number"));
    }
    o.year = (int)(year > 0 && year < 10000 ? year : 0);
    o.seed = (uint64_t)seed;
    return run_and_print(&o, NULL);
}

static const struct command fund_commands[] = {
    {"fund donor",
     "add | list | show ID",
     1,
     2,
     "Trust Fund donors: add one (prints its id), list them, or show one with its pledges and receipts.",
     {{"kind", true, "member_state, intergovernmental, private_sector, foundation or individual (add; list filter)"},
      {"name", true, "the donor's name (sealed for individuals)"},
      {"country", true, "ISO 3166 alpha-3 (required for a member state)"},
      {"contact", true, "contact details (sealed)"},
      {"language", true, "the donor's language for receipts: ar, en, es, fr, ru or zh (default en)"},
      {"anonymous", false, "shown as \"Anonymous donor\" to readers without fund.write"}},
     cmd_donor},
    {"fund pledge",
     "add | list | write-off ID",
     1,
     2,
     "Pledges: add one (converted to USD at its date's rate and posted to the ledger), list them, or write off "
     "the unpaid part of one.",
     {{"donor", true, "the donor's id (add; list filter)"},
      {"date", true, "the pledge's date, or the write-off's, YYYY-MM-DD"},
      {"currency", true, "ISO 4217 code (USD, EUR, JPY, KWD ...)"},
      {"amount", true, "the amount in major units, exactly (100,000.00)"},
      {"earmark", true, "unearmarked (default), purpose:CODE, country:ISO3 or programme:CODE"},
      {"expected", true, "the expected payment date"},
      {"status", true, "list filter: open, partly_paid, paid or written_off"},
      {"from", true, "list: from this date"},
      {"to", true, "list: up to this date"},
      {"reason", true, "write-off: a short reason (no personal data)"}},
     cmd_pledge},
    {"fund receipt",
     "add | list | show ID | reverse ID | ID --out FILE.pdf",
     1,
     2,
     "Receipts: add one (numbered FUND-YYYY-NNNN, converted and posted), list, show, reverse (the number stays, "
     "marked reversed), or write its one-page PDF acknowledgement in the donor's language with --out.",
     {{"donor", true, "the donor's id (add; list filter)"},
      {"pledge", true, "the pledge it settles (add; list filter)"},
      {"date", true, "the receipt's date, or the reversal's, YYYY-MM-DD"},
      {"currency", true, "ISO 4217 code (a pledge's receipt is in the pledge's currency)"},
      {"amount", true, "the amount in major units, exactly"},
      {"earmark", true, "an unpledged receipt's earmark"},
      {"bank-ref", true, "the bank's reference"},
      {"from", true, "list: from this date"},
      {"to", true, "list: up to this date"},
      {"out", true, "show: write the PDF acknowledgement to this file"},
      {"lang", true, "the PDF's language (default the donor's)"},
      {"reason", true, "reverse: a short reason (no personal data)"}},
     cmd_receipt},
    {"fund rate",
     "set | list | import FILE.csv",
     1,
     2,
     "Exchange rates (US dollars per unit, exact decimals): set one, list them, or import a CSV file (columns "
     "currency,date,rate[,source]) in one transaction.",
     {{"currency", true, "ISO 4217 code (set; list filter)"},
      {"date", true, "the rate's date, YYYY-MM-DD"},
      {"rate", true, "USD per one unit, up to 12 decimals (0.000713267891)"},
      {"source", true, "where the rate comes from"},
      {"from", true, "list: from this date"},
      {"to", true, "list: up to this date"}},
     cmd_rate},
    {"fund ledger",
     "",
     0,
     0,
     "The ledger's entries with their lines, in date order.",
     {{"from", true, "from this date"},
      {"to", true, "up to this date"},
      {"account", true, "entries with a line on this account"},
      {"kind", true, "pledge, receipt, award, disbursement, reversal or adjustment"},
      {"limit", true, "at most this many entries (default 200)"}},
     cmd_ledger},
    {"fund balances",
     "",
     0,
     0,
     "Per account: opening, debits, credits and closing balance over a period, and whether it balances.",
     {{"from", true, "from this date (default: the beginning)"}, {"to", true, "up to this date (default: all)"}},
     cmd_balances},
    {"fund statement",
     "",
     0,
     0,
     "The fund's statement for a period (JSON), or as CSV, an XLSX workbook or a PDF.",
     {{"from", true, "the first day, YYYY-MM-DD (required)"},
      {"to", true, "the last day, YYYY-MM-DD (required)"},
      {"lang", true, "labels in ar, en, es, fr, ru or zh (default en)"},
      {"csv", false, "CSV on standard output"},
      {"xlsx", true, "write an .xlsx workbook to this file"},
      {"pdf", true, "write a PDF to this file"}},
     cmd_statement},
    {"fund generate",
     "",
     0,
     0,
     "Generates a year of fund activity (rates, donors, pledges, receipts, reversals, awards, disbursements) for "
     "a demonstration or a test.",
     {{"year", true, "the year (required)"}, {"seed", true, "the random seed (default 1)"}},
     cmd_generate},
};

const struct cli_table cli_fund_ledger_table = {fund_commands, ARRAY_LEN(fund_commands)};
