/* statement: the Trust Fund's financial statements (see statement.h). */
#include "fund/statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/donors.h"
#include "fund/ledger.h"
#include "i18n/i18n.h"
#include "pdf/pdf.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "xlsx/xlsx_write.h"

static const char *const donor_kinds[] = {"member_state", "intergovernmental", "private_sector", "foundation",
                                          "individual"};
#define KINDS 5

static void money_set(json_t *o, const char *key, int64_t cents)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", key);
    json_object_set_new(o, k, json_integer(cents));
    json_object_set_new(o, key, fund_usd_json(cents));
}

static int64_t cents(const json_t *o, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", key);
    return json_integer_value(json_object_get(o, k));
}

/* The day before date (YYYY-MM-DD), for the opening balances. */
static void day_before(const char *date, char out[11])
{
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (--d == 0) {
        if (--m == 0) {
            m = 12;
            y--;
        }
        d = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
    }
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static enum status range_check(const char *from, const char *to)
{
    if (!money_date_valid(from)) {
        return err_set_field(STATUS_INVALID, "from", "from: a date YYYY-MM-DD");
    }
    if (!money_date_valid(to)) {
        return err_set_field(STATUS_INVALID, "to", "to: a date YYYY-MM-DD");
    }
    if (strcmp(from, to) > 0) {
        return err_set_field(STATUS_INVALID, "to", "to: not before from");
    }
    return STATUS_OK;
}

static enum status contributions_json(const struct auth_ctx *ctx, const char *from, const char *to, json_t *o,
                                      int64_t *total_out)
{
    *total_out = 0;
    struct sql_value a[] = {sqlv_text(from), sqlv_text(to)};
    struct store_rows *r = NULL;
    struct row {
        int64_t donor, amount;
        int kind;
        bool earmarked;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    enum status st = store_exec(ctx->store, STMT_FUND_STMT_CONTRIBUTIONS, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        rows[n].donor = store_rows_i64(r, 0);
        rows[n].kind = 0;
        for (int k = 0; k < KINDS; k++) {
            if (strcmp(donor_kinds[k], store_rows_text(r, 1)) == 0) {
                rows[n].kind = k;
            }
        }
        rows[n].earmarked = strcmp(store_rows_text(r, 2), "unearmarked") != 0;
        rows[n].amount = store_rows_i64(r, 3);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(rows);
        return st;
    }
    int64_t kind_e[KINDS] = {0}, kind_u[KINDS] = {0}, earmarked = 0, unearmarked = 0;
    json_t *by_donor = json_array();
    for (size_t i = 0; i < n; i++) {
        if (rows[i].earmarked) {
            kind_e[rows[i].kind] += rows[i].amount;
            earmarked += rows[i].amount;
        } else {
            kind_u[rows[i].kind] += rows[i].amount;
            unearmarked += rows[i].amount;
        }
        /* One entry per donor (rows come ordered by donor). */
        json_t *last = json_array_size(by_donor) ? json_array_get(by_donor, json_array_size(by_donor) - 1) : NULL;
        if (last == NULL || json_integer_value(json_object_get(last, "donor_id")) != rows[i].donor) {
            char *name = NULL;
            enum status sn = fund_donor_display_name(ctx, rows[i].donor, &name);
            if (sn != STATUS_OK) {
                st = sn;
                break;
            }
            last = json_pack("{sIssss}", "donor_id", (json_int_t)rows[i].donor, "donor", name, "kind",
                             donor_kinds[rows[i].kind]);
            free(name);
            money_set(last, "earmarked", 0);
            money_set(last, "unearmarked", 0);
            money_set(last, "total", 0);
            json_array_append_new(by_donor, last);
        }
        const char *k = rows[i].earmarked ? "earmarked" : "unearmarked";
        money_set(last, k, cents(last, k) + rows[i].amount);
        money_set(last, "total", cents(last, "total") + rows[i].amount);
    }
    free(rows);
    if (st != STATUS_DONE) {
        json_decref(by_donor);
        return st;
    }
    json_t *by_kind = json_array();
    for (int k = 0; k < KINDS; k++) {
        json_t *e = json_pack("{ss}", "kind", donor_kinds[k]);
        money_set(e, "earmarked", kind_e[k]);
        money_set(e, "unearmarked", kind_u[k]);
        money_set(e, "total", kind_e[k] + kind_u[k]);
        json_array_append_new(by_kind, e);
    }
    json_object_set_new(o, "contributions_by_kind", by_kind);
    json_object_set_new(o, "contributions_by_donor", by_donor);
    money_set(o, "contributions_earmarked", earmarked);
    money_set(o, "contributions_unearmarked", unearmarked);
    *total_out = earmarked + unearmarked;
    return STATUS_OK;
}

static enum status cash_by_kind(const struct auth_ctx *ctx, const char *from, const char *to, int64_t *receipts,
                                int64_t *disbursements, int64_t *other)
{
    *receipts = *disbursements = *other = 0;
    struct sql_value a[] = {sqlv_text(from), sqlv_text(to)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_STMT_CASH_BY_KIND, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        const char *kind = store_rows_text(r, 0);
        int64_t dr = store_rows_i64(r, 1), cr = store_rows_i64(r, 2);
        if (strcmp(kind, "receipt") == 0) {
            *receipts += dr - cr;
        } else if (strcmp(kind, "disbursement") == 0) {
            *disbursements += cr - dr;
        } else {
            *other += dr - cr;
        }
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

enum status fund_statement_build(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    enum status st = range_check(from, to);
    struct fund_account_sum s[FUND_ACC__COUNT];
    if (st == STATUS_OK) {
        st = fund_ledger_sums(ctx, from, to, s);
    }
    if (st != STATUS_OK) {
        return st;
    }
    json_t *o = json_pack("{ssssss}", "from", from, "to", to, "currency", "USD");
    int64_t contributions = 0, receipts = 0, disbursements = 0, other = 0;
    st = contributions_json(ctx, from, to, o, &contributions);
    if (st == STATUS_OK) {
        st = cash_by_kind(ctx, from, to, &receipts, &disbursements, &other);
    }
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    const struct fund_account_sum *cash = &s[FUND_ACC_CASH], *recv = &s[FUND_ACC_PLEDGES_RECEIVABLE],
                                  *pay = &s[FUND_ACC_GRANTS_PAYABLE], *contr = &s[FUND_ACC_CONTRIBUTIONS],
                                  *exp = &s[FUND_ACC_GRANT_EXPENSE], *fx = &s[FUND_ACC_FX_DIFFERENCE];
    int64_t opening = cash->opening + recv->opening - pay->opening;
    int64_t closing = cash->closing + recv->closing - pay->closing;
    int64_t contr_period = contr->credits - contr->debits, expense = exp->debits - exp->credits,
            fx_period = fx->credits - fx->debits;
    money_set(o, "opening_balance", opening);
    money_set(o, "contributions", contr_period);
    money_set(o, "grant_expense", expense);
    money_set(o, "fx_differences", fx_period);
    money_set(o, "closing_balance", closing);
    money_set(o, "cash_opening", cash->opening);
    money_set(o, "receipts", receipts);
    money_set(o, "disbursements", disbursements);
    money_set(o, "other_cash", other);
    money_set(o, "cash_closing", cash->closing);
    money_set(o, "pledges_receivable_opening", recv->opening);
    money_set(o, "pledges_receivable_closing", recv->closing);
    money_set(o, "grants_payable_opening", pay->opening);
    money_set(o, "grants_payable_closing", pay->closing);
    /* The trial balance: each account's closing balance on its side. */
    json_t *tb = json_array();
    int64_t tb_dr = 0, tb_cr = 0, mv_dr = 0, mv_cr = 0;
    for (int a = 0; a < FUND_ACC__COUNT; a++) {
        int64_t signed_dr = fund_account_debit_normal(a) ? s[a].closing : -s[a].closing;
        int64_t dr = signed_dr > 0 ? signed_dr : 0, cr = signed_dr < 0 ? -signed_dr : 0;
        json_t *e = json_pack("{ssss}", "account", fund_account_code(a), "kind", fund_account_kind(a));
        money_set(e, "debit", dr);
        money_set(e, "credit", cr);
        money_set(e, "period_debits", s[a].debits);
        money_set(e, "period_credits", s[a].credits);
        json_array_append_new(tb, e);
        tb_dr += dr;
        tb_cr += cr;
        mv_dr += s[a].debits;
        mv_cr += s[a].credits;
    }
    json_t *tbo = json_pack("{so}", "accounts", tb);
    money_set(tbo, "debits", tb_dr);
    money_set(tbo, "credits", tb_cr);
    money_set(tbo, "period_debits", mv_dr);
    money_set(tbo, "period_credits", mv_cr);
    json_object_set_new(tbo, "balanced", json_boolean(tb_dr == tb_cr && mv_dr == mv_cr));
    json_object_set_new(o, "trial_balance", tbo);
    /* The identities, each checked. */
    json_t *checks = json_object();
    bool fund_ok = closing == opening + contr_period - expense + fx_period;
    bool cash_ok = cash->closing == cash->opening + receipts - disbursements + other;
    bool contr_ok = contributions == contr_period;
    bool tb_ok = tb_dr == tb_cr && mv_dr == mv_cr;
    json_object_set_new(checks, "fund_balance", json_boolean(fund_ok));
    json_object_set_new(checks, "cash", json_boolean(cash_ok));
    json_object_set_new(checks, "contributions", json_boolean(contr_ok));
    json_object_set_new(checks, "trial_balance", json_boolean(tb_ok));
    json_object_set_new(o, "checks", checks);
    json_object_set_new(o, "balanced", json_boolean(fund_ok && cash_ok && contr_ok && tb_ok));
    char before[11];
    day_before(from, before);
    json_object_set_new(o, "opening_date", json_string(before));
    *out = o;
    return STATUS_OK;
}

enum status fund_statement(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund statement");
    if (st == STATUS_OK) {
        st = fund_statement_build(ctx, from, to, out);
    }
    return st;
}

/* ---- outputs ---------------------------------------------------------------------------------- */

/* The statement's lines: label key and member, in order. */
static const struct {
    const char *key, *member;
} lines[] = {
    {"trustfund.statement.opening", "opening_balance"},
    {"trustfund.statement.contributions", "contributions"},
    {"trustfund.statement.earmarked", "contributions_earmarked"},
    {"trustfund.statement.unearmarked", "contributions_unearmarked"},
    {"trustfund.statement.grant_expense", "grant_expense"},
    {"trustfund.statement.fx", "fx_differences"},
    {"trustfund.statement.closing", "closing_balance"},
    {"trustfund.statement.cash_opening", "cash_opening"},
    {"trustfund.statement.receipts", "receipts"},
    {"trustfund.statement.disbursements", "disbursements"},
    {"trustfund.statement.cash_other", "other_cash"},
    {"trustfund.statement.cash_closing", "cash_closing"},
    {"trustfund.statement.pledges_receivable", "pledges_receivable_closing"},
    {"trustfund.statement.grants_payable", "grants_payable_closing"},
};

static const char *L(const char *lang, const char *key)
{
    return i18n_get(lang, key);
}

static const char *kind_label(const char *lang, const char *kind, char buf[64])
{
    snprintf(buf, 64, "trustfund.kind.%s", kind);
    return i18n_get(lang, buf);
}

static const char *account_label(const char *lang, const char *account, char buf[64])
{
    snprintf(buf, 64, "trustfund.account.%s", account);
    return i18n_get(lang, buf);
}

static void csv_cell(struct buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\n\r") != NULL || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    bool guard = s[0] == '=' || s[0] == '+' || s[0] == '@' || (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'));
    if (!quote) {
        buf_append(b, s, strlen(s));
        return;
    }
    buf_append(b, "\"", 1);
    if (guard) {
        buf_append(b, "'", 1);
    }
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            buf_append(b, "\"", 1);
        }
        buf_append(b, p, 1);
    }
    buf_append(b, "\"", 1);
}

static void csv_row(struct buf *b, const char *section, const char *item, const json_t *o, const char *member)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", member);
    csv_cell(b, section);
    buf_append(b, ",", 1);
    csv_cell(b, item);
    buf_append(b, ",", 1);
    const char *text = json_string_value(json_object_get(o, member));
    csv_cell(b, text ? text : "");
    char c[32];
    snprintf(c, sizeof c, ",%lld\r\n", (long long)json_integer_value(json_object_get(o, k)));
    buf_append(b, c, strlen(c));
}

enum status fund_statement_csv(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                               char **out)
{
    *out = NULL;
    json_t *s = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund statement (CSV)");
    if (st == STATUS_OK) {
        st = fund_statement_build(ctx, from, to, &s);
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct buf b;
    buf_init(&b, (size_t)64 * 1024 * 1024);
    const char *hdr[] = {L(lang, "trustfund.statement.section"), L(lang, "trustfund.statement.item"), "USD", "cents"};
    for (int i = 0; i < 4; i++) {
        csv_cell(&b, hdr[i]);
        buf_append(&b, i < 3 ? "," : "\r\n", i < 3 ? 1 : 2);
    }
    const char *sec = L(lang, "trustfund.statement.title");
    for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
        csv_row(&b, sec, L(lang, lines[i].key), s, lines[i].member);
    }
    char kb[64];
    json_t *e;
    size_t i;
    sec = L(lang, "trustfund.statement.by_kind");
    json_array_foreach(json_object_get(s, "contributions_by_kind"), i, e)
    {
        csv_row(&b, sec, kind_label(lang, json_string_value(json_object_get(e, "kind")), kb), e, "total");
    }
    sec = L(lang, "trustfund.statement.by_donor");
    json_array_foreach(json_object_get(s, "contributions_by_donor"), i, e)
    {
        csv_row(&b, sec, json_string_value(json_object_get(e, "donor")), e, "total");
    }
    sec = L(lang, "trustfund.statement.trial_balance");
    json_t *tb = json_object_get(s, "trial_balance");
    json_array_foreach(json_object_get(tb, "accounts"), i, e)
    {
        const char *acc = account_label(lang, json_string_value(json_object_get(e, "account")), kb);
        char item[160];
        snprintf(item, sizeof item, "%s (%s)", acc, L(lang, "trustfund.statement.debit"));
        csv_row(&b, sec, item, e, "debit");
        snprintf(item, sizeof item, "%s (%s)", acc, L(lang, "trustfund.statement.credit"));
        csv_row(&b, sec, item, e, "credit");
    }
    csv_cell(&b, sec);
    buf_append(&b, ",", 1);
    csv_cell(&b, L(lang, json_is_true(json_object_get(s, "balanced")) ? "trustfund.statement.balanced"
                                                                      : "trustfund.statement.unbalanced"));
    buf_append(&b, ",,\r\n", 4);
    json_decref(s);
    *out = buf_take(&b);
    return STATUS_OK;
}

/* ---- XLSX ------------------------------------------------------------------------------------- */

static enum status xrow(struct xlsx_sheet *sh, uint32_t row, const char *label, const json_t *o, const char *member)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", member);
    enum status st = xlsx_sheet_text(sh, row, 0, label, false);
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, row, 1, json_string_value(json_object_get(o, member)), false);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_int(sh, row, 2, json_integer_value(json_object_get(o, k)));
    }
    return st;
}

enum status fund_statement_xlsx(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                                char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    json_t *s = NULL, *ledger = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund statement (XLSX)");
    if (st == STATUS_OK) {
        st = fund_statement_build(ctx, from, to, &s);
    }
    if (st == STATUS_OK) {
        /* The ledger entries of the period (read under this one audited access). */
        struct fund_ledger_filter f = {.from = from, .to = to, .limit = FUND_LEDGER_LIST_MAX};
        st = fund_ledger_entries_build(ctx, &f, &ledger);
    }
    if (st != STATUS_OK) {
        json_decref(s);
        return st;
    }
    bool rtl = i18n_is_rtl(lang);
    struct xlsx_book *b = NULL;
    struct xlsx_sheet *sh = NULL;
    st = xlsx_book_new(NULL, &b);
    char kb[64];
    json_t *e;
    size_t i;
    uint32_t row = 0;
    /* 1. The statement. */
    if (st == STATUS_OK) {
        st = xlsx_sheet_add(b, L(lang, "trustfund.sheet.statement"), rtl, &sh);
    }
    if (st == STATUS_OK) {
        char *period = i18n_format(lang, "trustfund.statement.period", "from", from, "to", to, NULL);
        st = xlsx_sheet_text(sh, 0, 0, L(lang, "trustfund.statement.title"), true);
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, 1, 0, period ? period : "", false);
        }
        free(period);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(sh, 3, (const char *[]){L(lang, "trustfund.statement.item"), "USD", "cents"}, 3);
    }
    row = 4;
    for (size_t k = 0; st == STATUS_OK && k < ARRAY_LEN(lines); k++) {
        st = xrow(sh, row++, L(lang, lines[k].key), s, lines[k].member);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, row + 1, 0,
                             L(lang, json_is_true(json_object_get(s, "balanced")) ? "trustfund.statement.balanced"
                                                                                  : "trustfund.statement.unbalanced"),
                             true);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(sh, 0, 0, 45);
    }
    /* 2. The trial balance. */
    if (st == STATUS_OK) {
        st = xlsx_sheet_add(b, L(lang, "trustfund.sheet.trial_balance"), rtl, &sh);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(sh, 0,
                               (const char *[]){L(lang, "trustfund.statement.account"),
                                                L(lang, "trustfund.statement.debit"),
                                                L(lang, "trustfund.statement.credit"), "debit_cents", "credit_cents"},
                               5);
    }
    json_t *tb = json_object_get(s, "trial_balance");
    row = 1;
    json_array_foreach(json_object_get(tb, "accounts"), i, e)
    {
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 0, account_label(lang, json_string_value(json_object_get(e, "account")), kb),
                                 false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 1, json_string_value(json_object_get(e, "debit")), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 2, json_string_value(json_object_get(e, "credit")), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_int(sh, row, 3, cents(e, "debit"));
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_int(sh, row, 4, cents(e, "credit"));
        }
        row++;
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, row, 0, L(lang, "trustfund.statement.total"), true);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, row, 1, json_string_value(json_object_get(tb, "debits")), true);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_text(sh, row, 2, json_string_value(json_object_get(tb, "credits")), true);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_int(sh, row, 3, cents(tb, "debits"));
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_int(sh, row, 4, cents(tb, "credits"));
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(sh, 0, 0, 30);
    }
    /* 3. Contributions by donor. */
    if (st == STATUS_OK) {
        st = xlsx_sheet_add(b, L(lang, "trustfund.sheet.contributions"), rtl, &sh);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(sh, 0,
                               (const char *[]){L(lang, "trustfund.donor"), L(lang, "trustfund.donor.kind"),
                                                L(lang, "trustfund.statement.earmarked"),
                                                L(lang, "trustfund.statement.unearmarked"),
                                                L(lang, "trustfund.statement.total"), "total_cents"},
                               6);
    }
    row = 1;
    json_array_foreach(json_object_get(s, "contributions_by_donor"), i, e)
    {
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 0, json_string_value(json_object_get(e, "donor")), false);
        }
        if (st == STATUS_OK) {
            st =
                xlsx_sheet_text(sh, row, 1, kind_label(lang, json_string_value(json_object_get(e, "kind")), kb), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 2, json_string_value(json_object_get(e, "earmarked")), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 3, json_string_value(json_object_get(e, "unearmarked")), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_text(sh, row, 4, json_string_value(json_object_get(e, "total")), false);
        }
        if (st == STATUS_OK) {
            st = xlsx_sheet_int(sh, row, 5, cents(e, "total"));
        }
        row++;
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_width(sh, 0, 1, 28);
    }
    /* 4. The ledger entries, one row per line. */
    if (st == STATUS_OK) {
        st = xlsx_sheet_add(b, L(lang, "trustfund.sheet.ledger"), rtl, &sh);
    }
    if (st == STATUS_OK) {
        st = xlsx_sheet_header(sh, 0,
                               (const char *[]){L(lang, "trustfund.date"), L(lang, "trustfund.entry.kind"), "entry",
                                                L(lang, "trustfund.statement.account"),
                                                L(lang, "trustfund.statement.debit"),
                                                L(lang, "trustfund.statement.credit"), "debit_cents", "credit_cents",
                                                L(lang, "trustfund.entry.memo")},
                               9);
    }
    row = 1;
    json_array_foreach(json_object_get(ledger, "items"), i, e)
    {
        json_t *l;
        size_t j;
        json_array_foreach(json_object_get(e, "lines"), j, l)
        {
            if (row >= XLSX_ROWS_MAX - 1) {
                break;
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 0, json_string_value(json_object_get(e, "date")), false);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 1, json_string_value(json_object_get(e, "kind")), false);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_int(sh, row, 2, json_integer_value(json_object_get(e, "id")) % XLSX_WRITE_INT_MAX);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 3,
                                     account_label(lang, json_string_value(json_object_get(l, "account")), kb), false);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 4, json_string_value(json_object_get(l, "debit")), false);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 5, json_string_value(json_object_get(l, "credit")), false);
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_int(sh, row, 6, cents(l, "debit"));
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_int(sh, row, 7, cents(l, "credit"));
            }
            if (st == STATUS_OK) {
                st = xlsx_sheet_text(sh, row, 8, json_string_value(json_object_get(e, "memo")), false);
            }
            row++;
        }
    }
    json_decref(s);
    json_decref(ledger);
    if (b == NULL) {
        return st;
    }
    return xlsx_book_finish(b, st, data, len);
}

/* ---- PDF -------------------------------------------------------------------------------------- */

enum status fund_statement_pdf(const struct auth_ctx *ctx, const char *from, const char *to, const char *lang,
                               uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    json_t *s = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund statement (PDF)");
    if (st == STATUS_OK && lang != NULL && !i18n_lang_valid(lang)) {
        st = err_set_field(STATUS_INVALID, "lang", "lang: ar, en, es, fr, ru or zh");
    }
    if (st == STATUS_OK) {
        st = fund_statement_build(ctx, from, to, &s);
    }
    if (st != STATUS_OK) {
        return st;
    }
    const char *lg = lang != NULL ? lang : "en";
    struct pdf_doc *d = NULL;
    st = pdf_doc_new(lg, i18n_is_rtl(lg) ? PDF_RTL : PDF_LTR, &d);
    char *period = i18n_format(lg, "trustfund.statement.period", "from", from, "to", to, NULL);
    if (st == STATUS_OK) {
        st = pdf_doc_meta(d, L(lg, "trustfund.statement.title"), period);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_title(d, L(lg, "trustfund.statement.title"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d, period ? period : "");
    }
    free(period);
    /* The statement: label and USD. */
    const char *header2[] = {L(lg, "trustfund.statement.item"), "USD"};
    const char *cells[ARRAY_LEN(lines) * 2];
    for (size_t k = 0; k < ARRAY_LEN(lines); k++) {
        cells[2 * k] = L(lg, lines[k].key);
        cells[2 * k + 1] = json_string_value(json_object_get(s, lines[k].member));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_table(d, header2, 2, cells, ARRAY_LEN(lines));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_paragraph(d,
                               L(lg, json_is_true(json_object_get(s, "balanced")) ? "trustfund.statement.balanced"
                                                                                  : "trustfund.statement.unbalanced"));
    }
    /* Contributions by kind. */
    char kb[KINDS][64];
    const char *h4[] = {L(lg, "trustfund.donor.kind"), L(lg, "trustfund.statement.earmarked"),
                        L(lg, "trustfund.statement.unearmarked"), L(lg, "trustfund.statement.total")};
    const char *kc[KINDS * 4];
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(s, "contributions_by_kind"), i, e)
    {
        if (i >= KINDS) {
            break;
        }
        kc[4 * i] = kind_label(lg, json_string_value(json_object_get(e, "kind")), kb[i]);
        kc[4 * i + 1] = json_string_value(json_object_get(e, "earmarked"));
        kc[4 * i + 2] = json_string_value(json_object_get(e, "unearmarked"));
        kc[4 * i + 3] = json_string_value(json_object_get(e, "total"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_heading(d, L(lg, "trustfund.statement.by_kind"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_table(d, h4, 4, kc, KINDS);
    }
    /* By donor. */
    json_t *donors = json_object_get(s, "contributions_by_donor");
    size_t nd = json_array_size(donors);
    if (st == STATUS_OK && nd > 0) {
        const char **dc = xcalloc(nd * 4, sizeof *dc);
        char(*kbd)[64] = xcalloc(nd, sizeof *kbd);
        const char *hd[] = {L(lg, "trustfund.donor"), L(lg, "trustfund.statement.earmarked"),
                            L(lg, "trustfund.statement.unearmarked"), L(lg, "trustfund.statement.total")};
        json_array_foreach(donors, i, e)
        {
            dc[4 * i] = json_string_value(json_object_get(e, "donor"));
            dc[4 * i + 1] = json_string_value(json_object_get(e, "earmarked"));
            dc[4 * i + 2] = json_string_value(json_object_get(e, "unearmarked"));
            dc[4 * i + 3] = json_string_value(json_object_get(e, "total"));
        }
        st = pdf_doc_heading(d, L(lg, "trustfund.statement.by_donor"));
        if (st == STATUS_OK) {
            st = pdf_doc_table(d, hd, 4, dc, nd);
        }
        free(dc);
        free(kbd);
    }
    /* The trial balance. */
    json_t *tb = json_object_get(s, "trial_balance");
    const char *ht[] = {L(lg, "trustfund.statement.account"), L(lg, "trustfund.statement.debit"),
                        L(lg, "trustfund.statement.credit")};
    const char *tc[(FUND_ACC__COUNT + 1) * 3];
    char ab[FUND_ACC__COUNT][64];
    json_array_foreach(json_object_get(tb, "accounts"), i, e)
    {
        if (i >= FUND_ACC__COUNT) {
            break;
        }
        tc[3 * i] = account_label(lg, json_string_value(json_object_get(e, "account")), ab[i]);
        tc[3 * i + 1] = json_string_value(json_object_get(e, "debit"));
        tc[3 * i + 2] = json_string_value(json_object_get(e, "credit"));
    }
    tc[3 * FUND_ACC__COUNT] = L(lg, "trustfund.statement.total");
    tc[3 * FUND_ACC__COUNT + 1] = json_string_value(json_object_get(tb, "debits"));
    tc[3 * FUND_ACC__COUNT + 2] = json_string_value(json_object_get(tb, "credits"));
    if (st == STATUS_OK) {
        st = pdf_doc_heading(d, L(lg, "trustfund.statement.trial_balance"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_table(d, ht, 3, tc, FUND_ACC__COUNT + 1);
    }
    if (st == STATUS_OK) {
        st = pdf_doc_footer(d, L(lg, "trustfund.name"));
    }
    if (st == STATUS_OK) {
        st = pdf_doc_finish(d, pdf, len);
    }
    pdf_doc_free(d);
    json_decref(s);
    return st;
}
