/* ledger: the Trust Fund's double-entry ledger (see ledger.h). */
#include "fund/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

static const struct {
    const char *code, *kind;
    bool debit_normal;
} accounts[FUND_ACC__COUNT] = {
    [FUND_ACC_CASH] = {"cash", "asset", true},
    [FUND_ACC_PLEDGES_RECEIVABLE] = {"pledges_receivable", "asset", true},
    [FUND_ACC_GRANTS_PAYABLE] = {"grants_payable", "liability", false},
    [FUND_ACC_CONTRIBUTIONS] = {"contributions", "revenue", false},
    [FUND_ACC_GRANT_EXPENSE] = {"grant_expense", "expense", true},
    [FUND_ACC_FX_DIFFERENCE] = {"fx_difference", "revenue", false},
};

const char *fund_account_code(enum fund_account a)
{
    return a < FUND_ACC__COUNT ? accounts[a].code : "";
}

const char *fund_account_kind(enum fund_account a)
{
    return a < FUND_ACC__COUNT ? accounts[a].kind : "";
}

bool fund_account_debit_normal(enum fund_account a)
{
    return a < FUND_ACC__COUNT && accounts[a].debit_normal;
}

int fund_account_find(const char *code)
{
    for (int i = 0; code != NULL && i < FUND_ACC__COUNT; i++) {
        if (strcmp(accounts[i].code, code) == 0) {
            return i;
        }
    }
    return -1;
}

static bool kind_known(const char *kind)
{
    static const char *const kinds[] = {"pledge", "receipt", "award", "disbursement", "reversal", "adjustment"};
    for (size_t i = 0; kind != NULL && i < ARRAY_LEN(kinds); i++) {
        if (strcmp(kinds[i], kind) == 0) {
            return true;
        }
    }
    return false;
}

json_t *fund_usd_json(int64_t cents)
{
    char buf[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format("USD", cents, buf);
    return json_string(buf);
}

/* ---- posting ------------------------------------------------------------------------------- */

static enum status posting_check(const struct fund_posting *p, int64_t *total_out)
{
    *total_out = 0;
    if (!money_date_valid(p->date)) {
        return err_set_field(STATUS_INVALID, "date", "date: a date YYYY-MM-DD");
    }
    if (!kind_known(p->kind)) {
        return err_set_field(STATUS_INVALID, "kind",
                             "kind: pledge, receipt, award, disbursement, reversal or adjustment");
    }
    if (p->ref_type == NULL || strlen(p->ref_type) > FUND_LEDGER_REF_TYPE_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "ref_type", "ref_type: a short code (at most %d bytes)",
                             FUND_LEDGER_REF_TYPE_BYTES_MAX);
    }
    if (p->ref_id < 0) {
        return err_set_field(STATUS_INVALID, "ref_id", "ref_id: not negative");
    }
    if (p->memo != NULL && strlen(p->memo) > FUND_LEDGER_MEMO_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "memo", "memo: at most %d bytes", FUND_LEDGER_MEMO_BYTES_MAX);
    }
    if (p->lines == NULL || p->n_lines < 2 || p->n_lines > FUND_LEDGER_LINES_MAX) {
        return err_set_field(STATUS_INVALID, "lines", "lines: from 2 to %d lines", FUND_LEDGER_LINES_MAX);
    }
    int64_t debits = 0, credits = 0;
    bool any_debit = false, any_credit = false;
    for (size_t i = 0; i < p->n_lines; i++) {
        const struct fund_line *l = &p->lines[i];
        char field[48];
        snprintf(field, sizeof field, "lines[%zu]", i);
        if (fund_account_find(l->account) < 0) {
            snprintf(field, sizeof field, "lines[%zu].account", i);
            return err_set_field(STATUS_INVALID, field, "%s: not an account of the fund's chart", field);
        }
        if (l->debit < 0 || l->credit < 0 || l->debit > MONEY_AMOUNT_MAX || l->credit > MONEY_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, field, "%s: amounts from 0 to 10^15 cents", field);
        }
        if ((l->debit == 0) == (l->credit == 0)) {
            return err_set_field(STATUS_INVALID, field, "%s: a debit or a credit above zero, not both", field);
        }
        debits += l->debit;
        credits += l->credit;
        any_debit |= l->debit > 0;
        any_credit |= l->credit > 0;
    }
    if (!any_debit || !any_credit || debits != credits) {
        return err_set_field(STATUS_INVALID, "lines", "lines: the debits (%lld) must equal the credits (%lld)",
                             (long long)debits, (long long)credits);
    }
    *total_out = debits;
    return STATUS_OK;
}

static enum status entry_insert(const struct auth_ctx *ctx, const struct fund_posting *p, int64_t total,
                                int64_t reverses, const char *reason, int64_t *id_out)
{
    int64_t id = vault_random_id();
    struct sql_value a[] = {SQLV_I64(id),
                            sqlv_text(p->date),
                            sqlv_text(p->kind),
                            sqlv_text(p->ref_type),
                            SQLV_I64(p->ref_id),
                            sqlv_text(p->memo ? p->memo : ""),
                            SQLV_I64(total),
                            reverses ? SQLV_I64(reverses) : SQLV_NULL,
                            sqlv_text(reason ? reason : ""),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            SQLV_I64(util_now_ms())};
    enum status st = store_exec(ctx->store, STMT_FUND_ENTRY_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_CONFLICT && reverses) {
        return err_set(STATUS_CONFLICT, "entry %lld is already reversed", (long long)reverses);
    }
    for (size_t i = 0; st == STATUS_OK && i < p->n_lines; i++) {
        struct sql_value l[] = {SQLV_I64(id), SQLV_I64((int64_t)i + 1), sqlv_text(p->lines[i].account),
                                SQLV_I64(p->lines[i].debit), SQLV_I64(p->lines[i].credit)};
        st = store_exec(ctx->store, STMT_FUND_LINE_INSERT, l, ARRAY_LEN(l), NULL);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static bool may_post(const struct auth_ctx *ctx)
{
    return auth_has(ctx->who, "fund.write") || auth_has(ctx->who, "fund.approve");
}

enum status fund_ledger_post(const struct auth_ctx *ctx, const struct fund_posting *p, int64_t *entry_id)
{
    if (entry_id != NULL) {
        *entry_id = 0;
    }
    if (!may_post(ctx)) {
        return err_set(STATUS_DENIED, "posting to the fund's ledger needs fund.write or fund.approve");
    }
    int64_t total = 0;
    enum status st = posting_check(p, &total);
    if (st == STATUS_OK) {
        st = entry_insert(ctx, p, total, 0, NULL, entry_id);
    }
    return st;
}

enum status fund_ledger_reverse(const struct auth_ctx *ctx, int64_t entry_id, const char *date, const char *reason,
                                int64_t *reversal_id)
{
    if (reversal_id != NULL) {
        *reversal_id = 0;
    }
    if (!may_post(ctx)) {
        return err_set(STATUS_DENIED, "reversing a ledger entry needs fund.write or fund.approve");
    }
    if (!money_date_valid(date)) {
        return err_set_field(STATUS_INVALID, "date", "date: a date YYYY-MM-DD");
    }
    if (reason != NULL && strlen(reason) > FUND_LEDGER_MEMO_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, "reason", "reason: at most %d bytes", FUND_LEDGER_MEMO_BYTES_MAX);
    }
    struct sql_value k[] = {SQLV_I64(entry_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_ENTRY_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such ledger entry");
    }
    if (st != STATUS_OK) {
        return st;
    }
    char edate[11], kind[16], ref_type[FUND_LEDGER_REF_TYPE_BYTES_MAX + 1], memo[FUND_LEDGER_MEMO_BYTES_MAX + 1];
    snprintf(edate, sizeof edate, "%s", store_rows_text(r, 1));
    snprintf(kind, sizeof kind, "%s", store_rows_text(r, 2));
    snprintf(ref_type, sizeof ref_type, "%s", store_rows_text(r, 3));
    int64_t ref_id = store_rows_i64(r, 4);
    snprintf(memo, sizeof memo, "%s", store_rows_text(r, 5));
    int64_t total = store_rows_i64(r, 6), reverses = store_rows_i64(r, 7), reversed_by = store_rows_i64(r, 11);
    store_rows_free(r);
    if (reverses != 0) {
        return err_set(STATUS_CONFLICT, "a reversal is not reversed: post a new entry");
    }
    if (reversed_by != 0) {
        return err_set(STATUS_CONFLICT, "entry %lld is already reversed", (long long)entry_id);
    }
    if (strcmp(date, edate) < 0) {
        return err_set_field(STATUS_INVALID, "date", "date: not before the entry's date (%s)", edate);
    }
    struct fund_line lines[FUND_LEDGER_LINES_MAX];
    char codes[FUND_LEDGER_LINES_MAX][24];
    size_t n = 0;
    st = store_exec(ctx->store, STMT_FUND_ENTRY_LINES, k, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (n == FUND_LEDGER_LINES_MAX) {
            st = err_set(STATUS_INVALID, "entry with too many lines");
            break;
        }
        snprintf(codes[n], sizeof codes[n], "%s", store_rows_text(r, 0));
        /* The mirror: each debit becomes a credit and each credit a debit. */
        lines[n] = (struct fund_line){codes[n], store_rows_i64(r, 2), store_rows_i64(r, 1)};
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        return st;
    }
    struct fund_posting p = {date, "reversal", ref_type, ref_id, memo, lines, n};
    int64_t check = 0;
    st = posting_check(&p, &check);
    if (st == STATUS_OK && check != total) {
        st = err_set(STATUS_INVALID, "entry %lld does not balance", (long long)entry_id);
    }
    (void)kind;
    if (st == STATUS_OK) {
        st = entry_insert(ctx, &p, total, entry_id, reason, reversal_id);
    }
    return st;
}

/* ---- reading ------------------------------------------------------------------------------- */

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

enum status fund_ledger_sums(const struct auth_ctx *ctx, const char *from, const char *to,
                             struct fund_account_sum out[FUND_ACC__COUNT])
{
    memset(out, 0, sizeof *out * FUND_ACC__COUNT);
    struct sql_value a[] = {sqlv_text(or_empty(from)), sqlv_text(to != NULL && to[0] ? to : "9999-12-31")};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_LEDGER_SUMS, a, 2, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        int acc = fund_account_find(store_rows_text(r, 0));
        if (acc < 0) {
            continue;
        }
        int64_t od = store_rows_i64(r, 1), oc = store_rows_i64(r, 2), d = store_rows_i64(r, 3),
                c = store_rows_i64(r, 4);
        int64_t sign = accounts[acc].debit_normal ? 1 : -1;
        out[acc].opening = sign * (od - oc);
        out[acc].debits = d;
        out[acc].credits = c;
        out[acc].closing = sign * (od + d - oc - c);
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}

static enum status range_check(const char *from, const char *to)
{
    if (from != NULL && from[0] && !money_date_valid(from)) {
        return err_set_field(STATUS_INVALID, "from", "from: a date YYYY-MM-DD");
    }
    if (to != NULL && to[0] && !money_date_valid(to)) {
        return err_set_field(STATUS_INVALID, "to", "to: a date YYYY-MM-DD");
    }
    if (from != NULL && from[0] && to != NULL && to[0] && strcmp(from, to) > 0) {
        return err_set_field(STATUS_INVALID, "to", "to: not before from");
    }
    return STATUS_OK;
}

static void money_set(json_t *o, const char *key, int64_t cents)
{
    char k[64];
    snprintf(k, sizeof k, "%s_cents", key);
    json_object_set_new(o, k, json_integer(cents));
    json_object_set_new(o, key, fund_usd_json(cents));
}

enum status fund_ledger_balances(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund ledger balances");
    if (st == STATUS_OK) {
        st = range_check(from, to);
    }
    struct fund_account_sum sums[FUND_ACC__COUNT];
    if (st == STATUS_OK) {
        st = fund_ledger_sums(ctx, from, to, sums);
    }
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    int64_t debits = 0, credits = 0, open_dr = 0, open_cr = 0, close_dr = 0, close_cr = 0;
    for (int a = 0; a < FUND_ACC__COUNT; a++) {
        json_t *e = json_pack("{sssssb}", "account", accounts[a].code, "kind", accounts[a].kind, "debit_normal",
                              accounts[a].debit_normal);
        money_set(e, "opening", sums[a].opening);
        money_set(e, "debits", sums[a].debits);
        money_set(e, "credits", sums[a].credits);
        money_set(e, "closing", sums[a].closing);
        json_array_append_new(arr, e);
        debits += sums[a].debits;
        credits += sums[a].credits;
        int64_t so = accounts[a].debit_normal ? sums[a].opening : -sums[a].opening;
        int64_t sc = accounts[a].debit_normal ? sums[a].closing : -sums[a].closing;
        open_dr += so > 0 ? so : 0;
        open_cr += so < 0 ? -so : 0;
        close_dr += sc > 0 ? sc : 0;
        close_cr += sc < 0 ? -sc : 0;
    }
    json_t *o = json_object();
    json_object_set_new(o, "from", from && from[0] ? json_string(from) : json_null());
    json_object_set_new(o, "to", to && to[0] ? json_string(to) : json_null());
    json_object_set_new(o, "currency", json_string("USD"));
    json_object_set_new(o, "accounts", arr);
    money_set(o, "debits", debits);
    money_set(o, "credits", credits);
    money_set(o, "closing_debit_balances", close_dr);
    money_set(o, "closing_credit_balances", close_cr);
    json_object_set_new(o, "balanced", json_boolean(debits == credits && open_dr == open_cr && close_dr == close_cr));
    *out = o;
    return STATUS_OK;
}

static json_t *entry_json(struct store_rows *r)
{
    json_t *e = json_object();
    json_object_set_new(e, "id", json_integer(store_rows_i64(r, 0)));
    json_object_set_new(e, "date", json_string(store_rows_text(r, 1)));
    json_object_set_new(e, "kind", json_string(store_rows_text(r, 2)));
    json_object_set_new(e, "ref_type", json_string(store_rows_text(r, 3)));
    json_object_set_new(e, "ref_id", json_integer(store_rows_i64(r, 4)));
    json_object_set_new(e, "memo", json_string(store_rows_text(r, 5)));
    money_set(e, "total", store_rows_i64(r, 6));
    int64_t rev = store_rows_i64(r, 7), by = store_rows_i64(r, 11), poster = store_rows_i64(r, 9);
    json_object_set_new(e, "reverses_id", rev ? json_integer(rev) : json_null());
    json_object_set_new(e, "reversed_by", by ? json_integer(by) : json_null());
    json_object_set_new(e, "reason", store_rows_text(r, 8)[0] ? json_string(store_rows_text(r, 8)) : json_null());
    json_object_set_new(e, "posted_by", poster ? json_integer(poster) : json_null());
    char at[32];
    util_time_iso(at, store_rows_i64(r, 10));
    json_object_set_new(e, "posted_at", json_string(at));
    json_object_set_new(e, "lines", json_array());
    return e;
}

enum status fund_ledger_entries(const struct auth_ctx *ctx, const struct fund_ledger_filter *f, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "fund ledger entries");
    if (st == STATUS_OK) {
        st = fund_ledger_entries_build(ctx, f, out);
    }
    return st;
}

enum status fund_ledger_entries_build(const struct auth_ctx *ctx, const struct fund_ledger_filter *f, json_t **out)
{
    *out = NULL;
    enum status st = range_check(f->from, f->to);
    if (st == STATUS_OK && f->account != NULL && f->account[0] && fund_account_find(f->account) < 0) {
        st = err_set_field(STATUS_INVALID, "account", "account: not an account of the fund's chart");
    }
    if (st == STATUS_OK && f->kind != NULL && f->kind[0] && !kind_known(f->kind)) {
        st =
            err_set_field(STATUS_INVALID, "kind", "kind: pledge, receipt, award, disbursement, reversal or adjustment");
    }
    if (st == STATUS_OK && (f->limit < 0 || f->limit > FUND_LEDGER_LIST_MAX || f->offset < 0)) {
        st = err_set_field(STATUS_INVALID, "limit", "limit: from 1 to %d", FUND_LEDGER_LIST_MAX);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t limit = f->limit ? f->limit : FUND_LEDGER_LIST_DEFAULT;
    struct sql_value a[] = {sqlv_text(or_empty(f->from)),
                            sqlv_text(f->to != NULL && f->to[0] ? f->to : "9999-12-31"),
                            sqlv_text(or_empty(f->kind)),
                            sqlv_text(or_empty(f->ref_type)),
                            SQLV_I64(f->ref_id),
                            sqlv_text(or_empty(f->account)),
                            SQLV_I64(limit),
                            SQLV_I64(f->offset)};
    struct store_rows *r = NULL;
    json_t *entries = json_array(), *by_id = json_object();
    st = store_exec(ctx->store, STMT_FUND_ENTRY_LIST, a, ARRAY_LEN(a), &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        json_t *e = entry_json(r);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)store_rows_i64(r, 0));
        json_object_set(by_id, key, e);
        json_array_append_new(entries, e);
    }
    store_rows_free(r);
    r = NULL;
    if (st == STATUS_DONE) {
        st = store_exec(ctx->store, STMT_FUND_ENTRY_LIST_LINES, a, ARRAY_LEN(a), &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)store_rows_i64(r, 0));
        json_t *e = json_object_get(by_id, key);
        if (e == NULL) {
            continue;
        }
        json_t *l = json_pack("{ss}", "account", store_rows_text(r, 1));
        money_set(l, "debit", store_rows_i64(r, 2));
        money_set(l, "credit", store_rows_i64(r, 3));
        json_array_append_new(json_object_get(e, "lines"), l);
    }
    store_rows_free(r);
    r = NULL;
    int64_t count = 0;
    if (st == STATUS_DONE) {
        st = store_exec_one(ctx->store, STMT_FUND_ENTRY_COUNT, a, 6, &r);
        if (st == STATUS_OK) {
            count = store_rows_i64(r, 0);
        }
    }
    store_rows_free(r);
    json_decref(by_id);
    if (st != STATUS_OK) {
        json_decref(entries);
        return st;
    }
    *out = json_pack("{sosIsI}", "items", entries, "count", (json_int_t)count, "limit", (json_int_t)limit);
    json_object_set_new(*out, "offset", json_integer(f->offset));
    return STATUS_OK;
}
