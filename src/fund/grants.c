/* grants: grant agreements, tranches and disbursements with separation of duties (see grants.h). */
#include "fund/grants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/vocab.h"
#include "fund/grants_int.h"
#include "fund/ledger.h"
#include "store/store.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/money.h"
#include "util/util.h"
#include "vault/vault.h"

/* ---- shared helpers --------------------------------------------------------------------------- */

const char *fund__read_perm(const struct auth_ctx *ctx)
{
    return ctx->who->operator|| auth_has(ctx->who, "fund.read") || !auth_has(ctx->who, "fund.apply") ? "fund.read"
                                                                                                     : "fund.apply";
}

int64_t fund__agency_filter(const struct auth_ctx *ctx, const char *perm)
{
    if (ctx->who->operator|| strcmp(perm, "fund.apply") != 0) {
        return 0;
    }
    return ctx->who->agency_id > 0 ? ctx->who->agency_id : -1;
}

enum status fund__date(const char *field, const char *text, char out[11])
{
    int64_t ms = 0;
    char iso[32];
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        util_time_parse(&ms, text) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, field, "%s: a date YYYY-MM-DD", field);
    }
    util_time_iso(iso, ms);
    if (strncmp(iso, text, 10) != 0) {
        return err_set_field(STATUS_INVALID, field, "%s: not a date of the calendar", field);
    }
    memcpy(out, text, 10);
    out[10] = '\0';
    return STATUS_OK;
}

enum status fund__id(const json_t *in, const char *key, int64_t *out)
{
    *out = 0;
    json_t *v = json_object_get(in, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return err_set_field(STATUS_INVALID, key, "%s: a positive id", key);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

enum status fund__amount(const json_t *in, int64_t *cents, bool *set)
{
    *cents = 0;
    *set = false;
    json_t *a = json_object_get(in, "amount"), *c = json_object_get(in, "amount_cents");
    if (a != NULL && !json_is_null(a)) {
        if (c != NULL && !json_is_null(c)) {
            return err_set_field(STATUS_INVALID, "amount", "amount: give amount or amount_cents, not both");
        }
        if (!json_is_string(a)) {
            return err_set_field(STATUS_INVALID, "amount",
                                 "amount: a decimal string in US dollars such as \"20,000.00\"");
        }
        *set = true;
        return money_amount_parse("amount", "USD", json_string_value(a), cents);
    }
    if (c != NULL && !json_is_null(c)) {
        if (!json_is_integer(c) || json_integer_value(c) < 0 || json_integer_value(c) > MONEY_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, "amount_cents", "amount_cents: an integer from 0 to 10^15");
        }
        *cents = json_integer_value(c);
        *set = true;
    }
    return STATUS_OK;
}

void fund__usd(int64_t cents, char out[FUND_AMOUNT_TEXT_BYTES])
{
    char buf[MONEY_AMOUNT_TEXT_BYTES];
    money_amount_format("USD", cents < 0 ? -cents : cents, buf);
    out[0] = '-';
    size_t off = cents < 0 ? 1 : 0, len = strnlen(buf, sizeof buf - 1);
    if (len > FUND_AMOUNT_TEXT_BYTES - 1 - off) {
        len = FUND_AMOUNT_TEXT_BYTES - 1 - off;
    }
    memcpy(out + off, buf, len);
    out[off + len] = '\0';
}

/* The ledger (part L's fund_ledger_post): the one place part G posts. */
enum status fund__post(const struct auth_ctx *ctx, const char *date, const char *kind, const char *ref_type,
                       int64_t ref_id, const char *memo, const char *debit, const char *credit, int64_t cents,
                       int64_t *entry_id)
{
    const struct fund_line lines[] = {{debit, cents, 0}, {credit, 0, cents}};
    const struct fund_posting p = {date, kind, ref_type, ref_id, memo, lines, 2};
    *entry_id = 0;
    return fund_ledger_post(ctx, &p, entry_id);
}

/* ---- rows -------------------------------------------------------------------------------------- */

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void grant_row(struct store_rows *r, struct fund__grant *g)
{
    memset(g, 0, sizeof *g);
    g->id = store_rows_i64(r, 0);
    copy(g->number, sizeof g->number, store_rows_text(r, 1));
    g->application_id = store_rows_i64(r, 2);
    g->call_id = store_rows_i64(r, 3);
    g->agency_id = store_rows_i64(r, 4);
    copy(g->country, sizeof g->country, store_rows_text(r, 5));
    copy(g->programme, sizeof g->programme, store_rows_text(r, 6));
    copy(g->start_date, sizeof g->start_date, store_rows_text(r, 7));
    copy(g->end_date, sizeof g->end_date, store_rows_text(r, 8));
    g->amount = store_rows_i64(r, 9);
    copy(g->status, sizeof g->status, store_rows_text(r, 10));
    g->award_entry = store_rows_i64(r, 11);
    copy(g->close_date, sizeof g->close_date, store_rows_text(r, 12));
    g->created_by = store_rows_i64(r, 13);
    g->created_at_ms = store_rows_i64(r, 14);
    g->version = store_rows_i64(r, 15);
    g->paid = store_rows_i64(r, 16);
    copy(g->agency_name, sizeof g->agency_name, store_rows_text(r, 17));
}

static void tranche_row(struct store_rows *r, struct fund__tranche *t)
{
    memset(t, 0, sizeof *t);
    t->id = store_rows_i64(r, 0);
    t->grant_id = store_rows_i64(r, 1);
    t->seq = store_rows_i64(r, 2);
    copy(t->due_date, sizeof t->due_date, store_rows_text(r, 3));
    t->amount = store_rows_i64(r, 4);
    copy(t->status, sizeof t->status, store_rows_text(r, 5));
    copy(t->released_date, sizeof t->released_date, store_rows_text(r, 6));
    t->paid = store_rows_i64(r, 7);
    t->pending = store_rows_i64(r, 8);
}

struct auth_record fund__grant_record(const struct fund__grant *g)
{
    return (struct auth_record){"fund_grant", g->id, g->agency_id, 0, AUTH_SENSITIVITY_NORMAL};
}

static enum status grant_load(const struct auth_ctx *ctx, int64_t id, struct fund__grant *g)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_GRANT_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such grant");
    }
    if (st == STATUS_OK) {
        grant_row(r, g);
    }
    store_rows_free(r);
    return st;
}

enum status fund__grant_reach(const struct auth_ctx *ctx, int64_t id, const char *perm, bool write, const char *detail,
                              struct fund__grant *g)
{
    memset(g, 0, sizeof *g);
    /* The permission first (403 before 404 or 400), then the record and its scope. */
    enum status st = auth_decide(ctx, perm, NULL, AUTH_FG_NONE, write);
    if (st == STATUS_DENIED) {
        return auth_check(ctx, perm, NULL, AUTH_FG_NONE, write, detail);
    }
    st = grant_load(ctx, id, g);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = fund__grant_record(g);
    st = auth_check(ctx, perm, &rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED) {
        st = err_set(STATUS_NOT_FOUND, "no such grant"); /* another organisation's grant looks absent */
    }
    return st;
}

enum status fund__tranche_load(const struct auth_ctx *ctx, int64_t id, struct fund__tranche *t)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_TRANCHE_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set_field(STATUS_NOT_FOUND, "tranche_id", "no such tranche");
    }
    if (st == STATUS_OK) {
        tranche_row(r, t);
    }
    store_rows_free(r);
    return st;
}

enum status fund__tranches(const struct auth_ctx *ctx, int64_t grant_id, struct fund__tranche **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct sql_value k[] = {SQLV_I64(grant_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_FUND_TRANCHES_OF, k, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct fund__tranche *arr = xcalloc(FUND_TRANCHES_MAX, sizeof *arr);
    size_t count = 0;
    while ((st = store_rows_next(r)) == STATUS_OK && count < FUND_TRANCHES_MAX) {
        tranche_row(r, &arr[count++]);
    }
    store_rows_free(r);
    if (st != STATUS_DONE && st != STATUS_OK) {
        free(arr);
        return st;
    }
    *out = arr;
    *n = count;
    return STATUS_OK;
}

static int64_t date_ms(const char *date)
{
    int64_t ms = 0;
    return util_time_parse(&ms, date) == STATUS_OK ? ms : 0;
}

enum status fund__tranche_release(const struct auth_ctx *ctx, const struct fund__grant *g,
                                  const struct fund__tranche *t, const char *date)
{
    struct sql_value a[] = {SQLV_I64(t->id), sqlv_text("released"), sqlv_text(date)};
    enum status st = store_exec(ctx->store, STMT_FUND_TRANCHE_SET_STATUS, a, 3, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    /* The report on this tranche is due by the next tranche's due date (the grant's end for the
     * last one). */
    struct fund__tranche *all = NULL;
    size_t n = 0;
    st = fund__tranches(ctx, g->id, &all, &n);
    if (st != STATUS_OK) {
        return st;
    }
    const char *due = g->end_date;
    for (size_t i = 0; i < n; i++) {
        if (all[i].seq == t->seq + 1) {
            due = all[i].due_date;
        }
    }
    char key[TASK_KEY_BYTES];
    snprintf(key, sizeof key, "fund_report_due:%lld", (long long)t->id);
    struct task_raise tr = {.kind = "fund_report_due",
                            .key = key,
                            .record_type = "fund_tranche",
                            .record_id = t->id,
                            .agency_id = g->agency_id,
                            .due_at_ms = date_ms(due)};
    st = task_raise(ctx, &tr, NULL);
    free(all);
    return st;
}

static json_t *tranche_json(const struct fund__tranche *t)
{
    char amount[FUND_AMOUNT_TEXT_BYTES], paid[FUND_AMOUNT_TEXT_BYTES];
    fund__usd(t->amount, amount);
    fund__usd(t->paid, paid);
    json_t *j = json_pack("{sIsIsIsssssIsssIsIsI}", "id", (json_int_t)t->id, "grant_id", (json_int_t)t->grant_id, "seq",
                          (json_int_t)t->seq, "due_date", t->due_date, "amount", amount, "amount_cents",
                          (json_int_t)t->amount, "paid", paid, "paid_cents", (json_int_t)t->paid, "pending_cents",
                          (json_int_t)t->pending, "rest_cents", (json_int_t)(t->amount - t->paid - t->pending));
    json_object_set_new(j, "status", json_string(t->status));
    json_object_set_new(j, "released_date", t->released_date[0] ? json_string(t->released_date) : json_null());
    return j;
}

static json_t *grant_json(const struct fund__grant *g)
{
    char amount[FUND_AMOUNT_TEXT_BYTES], paid[FUND_AMOUNT_TEXT_BYTES], unpaid[FUND_AMOUNT_TEXT_BYTES];
    fund__usd(g->amount, amount);
    fund__usd(g->paid, paid);
    fund__usd(g->amount - g->paid, unpaid);
    json_t *j = json_pack("{sIsssIsssssssssssssIsssIsssI}", "id", (json_int_t)g->id, "number", g->number, "agency_id",
                          (json_int_t)g->agency_id, "agency", g->agency_name, "country", g->country, "programme",
                          g->programme, "start_date", g->start_date, "end_date", g->end_date, "amount", amount,
                          "amount_cents", (json_int_t)g->amount, "paid", paid, "paid_cents", (json_int_t)g->paid,
                          "unpaid", unpaid, "version", (json_int_t)g->version);
    json_object_set_new(j, "status", json_string(g->status));
    json_object_set_new(j, "application_id", g->application_id ? json_integer(g->application_id) : json_null());
    json_object_set_new(j, "call_id", g->call_id ? json_integer(g->call_id) : json_null());
    json_object_set_new(j, "close_date", g->close_date[0] ? json_string(g->close_date) : json_null());
    json_object_set_new(j, "award_entry_id", g->award_entry ? json_integer(g->award_entry) : json_null());
    return j;
}

/* ---- grant agreements ------------------------------------------------------------------------- */

static enum status grant_check(const struct auth_ctx *ctx, const struct fund_grant_in *in, char start[11], char end[11],
                               const char **country)
{
    if (in->agency_id <= 0) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: the grantee organisation is required");
    }
    struct sql_value k[] = {SQLV_I64(in->agency_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_FUND_AGENCY_EXISTS, k, 1, &r);
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: no such organisation");
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (in->country == NULL || vocab_parse("country", in->country, country) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, "country", "country: an ISO 3166-1 alpha-3 code");
    }
    if (in->programme == NULL || (strcmp(in->programme, "immediate") != 0 &&
                                  strcmp(in->programme, "medium_term") != 0 && strcmp(in->programme, "other") != 0)) {
        return err_set_field(STATUS_INVALID, "programme", "programme: immediate, medium_term or other");
    }
    st = fund__date("start_date", in->start_date, start);
    if (st == STATUS_OK) {
        st = fund__date("end_date", in->end_date, end);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(start, end) > 0) {
        return err_set_field(STATUS_INVALID, "end_date", "end_date: not before start_date");
    }
    if (in->amount_cents <= 0 || in->amount_cents > MONEY_AMOUNT_MAX) {
        return err_set_field(STATUS_INVALID, "amount", "amount: more than zero");
    }
    if (in->n_tranches == 0 || in->n_tranches > FUND_TRANCHES_MAX || in->tranches == NULL) {
        return err_set_field(STATUS_INVALID, "tranches", "tranches: from 1 to %d", FUND_TRANCHES_MAX);
    }
    int64_t sum = 0;
    char prev[11] = "";
    for (size_t i = 0; i < in->n_tranches; i++) {
        char due[11];
        st = fund__date("tranches", in->tranches[i].due_date, due);
        if (st != STATUS_OK) {
            return err_set_field(STATUS_INVALID, "tranches", "tranches: tranche %zu: a due date YYYY-MM-DD", i + 1);
        }
        if (strcmp(due, prev) < 0 || strcmp(due, end) > 0) {
            return err_set_field(STATUS_INVALID, "tranches",
                                 "tranches: tranche %zu: due dates in order and not after end_date", i + 1);
        }
        if (in->tranches[i].amount_cents <= 0 || in->tranches[i].amount_cents > MONEY_AMOUNT_MAX) {
            return err_set_field(STATUS_INVALID, "tranches", "tranches: tranche %zu: an amount above zero", i + 1);
        }
        sum += in->tranches[i].amount_cents;
        memcpy(prev, due, sizeof prev);
    }
    if (sum != in->amount_cents) {
        return err_set_field(STATUS_INVALID, "tranches", "tranches: they sum to %lld cents, the grant is %lld cents",
                             (long long)sum, (long long)in->amount_cents);
    }
    return STATUS_OK;
}

enum status fund_grant_create(const struct auth_ctx *ctx, const struct fund_grant_in *in, int64_t *grant_id)
{
    char start[11], end[11];
    const char *country = NULL;
    enum status st = grant_check(ctx, in, start, end, &country);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t year = (start[0] - '0') * 1000 + (start[1] - '0') * 100 + (start[2] - '0') * 10 + (start[3] - '0');
    struct sql_value ky[] = {SQLV_I64(year)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_FUND_GRANT_NEXT_SEQ, ky, 1, &r);
    int64_t seq = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st != STATUS_OK) {
        return st;
    }
    char number[24];
    snprintf(number, sizeof number, "UNVTF-%04lld-%03lld", (long long)year, (long long)seq);
    int64_t id = vault_random_id(), now = util_now_ms();
    struct sql_value a[] = {SQLV_I64(id),
                            sqlv_text(number),
                            SQLV_I64(year),
                            SQLV_I64(seq),
                            in->application_id > 0 ? SQLV_I64(in->application_id) : SQLV_NULL,
                            in->call_id > 0 ? SQLV_I64(in->call_id) : SQLV_NULL,
                            SQLV_I64(in->agency_id),
                            sqlv_text(country),
                            sqlv_text(in->programme),
                            sqlv_text(start),
                            sqlv_text(end),
                            SQLV_I64(in->amount_cents),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            SQLV_I64(now)};
    st = store_exec(ctx->store, STMT_FUND_GRANT_INSERT, a, ARRAY_LEN(a), NULL);
    int64_t first = 0;
    for (size_t i = 0; st == STATUS_OK && i < in->n_tranches; i++) {
        int64_t tid = vault_random_id();
        first = i == 0 ? tid : first;
        struct sql_value t[] = {SQLV_I64(tid), SQLV_I64(id), SQLV_I64((int64_t)i + 1),
                                sqlv_text(in->tranches[i].due_date), SQLV_I64(in->tranches[i].amount_cents)};
        st = store_exec(ctx->store, STMT_FUND_TRANCHE_INSERT, t, ARRAY_LEN(t), NULL);
    }
    /* The award, dated the earlier of today and the start date. */
    char today[11], memo[64];
    util_today(today);
    const char *award_date = strcmp(start, today) < 0 ? start : today;
    snprintf(memo, sizeof memo, "award %s", number);
    int64_t entry = 0;
    if (st == STATUS_OK) {
        st = fund__post(ctx, award_date, "award", "grant", id, memo, "grant_expense", "grants_payable",
                        in->amount_cents, &entry);
    }
    if (st == STATUS_OK && entry != 0) {
        struct sql_value e[] = {SQLV_I64(id), SQLV_I64(entry)};
        st = store_exec(ctx->store, STMT_FUND_GRANT_SET_ENTRY, e, 2, NULL);
    }
    struct fund__grant g;
    struct fund__tranche t;
    if (st == STATUS_OK) {
        st = grant_load(ctx, id, &g);
    }
    if (st == STATUS_OK) {
        st = fund__tranche_load(ctx, first, &t);
    }
    if (st == STATUS_OK) {
        st = fund__tranche_release(ctx, &g, &t, award_date);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.grant.create", "fund_grant", id, "ok", number);
    }
    if (st == STATUS_OK && grant_id != NULL) {
        *grant_id = id;
    }
    return st;
}

enum status fund_grant_add(const struct auth_ctx *ctx, const json_t *in, int64_t *grant_id)
{
    enum status st = auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "record grant");
    if (st != STATUS_OK) {
        return st;
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is required");
    }
    struct fund_grant_in g = {0};
    struct fund_tranche_in tr[FUND_TRANCHES_MAX];
    bool set = false;
    st = fund__id(in, "agency_id", &g.agency_id);
    if (st == STATUS_OK) {
        st = fund__id(in, "application_id", &g.application_id);
    }
    if (st == STATUS_OK) {
        st = fund__id(in, "call_id", &g.call_id);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "country", 64, &g.country);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "programme", 16, &g.programme);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "start_date", 10, &g.start_date);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "end_date", 10, &g.end_date);
    }
    if (st == STATUS_OK) {
        st = fund__amount(in, &g.amount_cents, &set);
    }
    json_t *arr = json_object_get(in, "tranches");
    if (st == STATUS_OK &&
        (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > FUND_TRANCHES_MAX)) {
        st = err_set_field(STATUS_INVALID, "tranches", "tranches: a list of 1 to %d {due_date, amount}",
                           FUND_TRANCHES_MAX);
    }
    for (size_t i = 0; st == STATUS_OK && i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        bool tset = false;
        if (!json_is_object(e)) {
            st = err_set_field(STATUS_INVALID, "tranches", "tranches: each a {due_date, amount}");
            break;
        }
        tr[i].due_date = json_string_value(json_object_get(e, "due_date"));
        st = fund__amount(e, &tr[i].amount_cents, &tset);
        if (st != STATUS_OK || !tset) {
            st = err_set_field(STATUS_INVALID, "tranches", "tranches: tranche %zu: an amount in US dollars", i + 1);
        }
        g.n_tranches = i + 1;
    }
    g.tranches = tr;
    if (st == STATUS_OK && !set) {
        /* Without an amount, the grant is the sum of its tranches. */
        for (size_t i = 0; i < g.n_tranches; i++) {
            g.amount_cents += tr[i].amount_cents;
        }
    }
    if (st == STATUS_OK) {
        st = fund_grant_create(ctx, &g, grant_id);
    }
    return st;
}

static enum status tranches_json(const struct auth_ctx *ctx, int64_t grant_id, json_t **out)
{
    struct fund__tranche *all = NULL;
    size_t n = 0;
    enum status st = fund__tranches(ctx, grant_id, &all, &n);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, tranche_json(&all[i]));
    }
    free(all);
    *out = arr;
    return STATUS_OK;
}

enum status fund_grant_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    struct fund__grant g;
    enum status st = fund__grant_reach(ctx, id, fund__read_perm(ctx), false, "read grant", &g);
    json_t *tr = NULL;
    if (st == STATUS_OK) {
        st = tranches_json(ctx, id, &tr);
    }
    json_t *reason = NULL;
    if (st == STATUS_OK && g.close_date[0]) {
        struct sql_value k[] = {SQLV_I64(id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_FUND_GRANT_CLOSE_REASON, k, 1, &r);
        if (st == STATUS_OK) {
            size_t len = 0;
            const uint8_t *b = store_rows_blob(r, 0, &len);
            st = vault_unseal_json(ctx->vault, "fund_grants", "close_reason_enc", id, b, len, &reason);
        }
        store_rows_free(r);
    }
    if (st != STATUS_OK) {
        json_decref(tr);
        return st;
    }
    json_t *j = grant_json(&g);
    json_object_set_new(j, "tranches", tr);
    json_object_set_new(j, "close_reason", reason ? reason : json_null());
    *out = j;
    return STATUS_OK;
}

enum status fund_grant_list(const struct auth_ctx *ctx, const char *status, json_t **out)
{
    *out = NULL;
    const char *perm = fund__read_perm(ctx);
    enum status st = auth_check(ctx, perm, NULL, AUTH_FG_NONE, false, "list grants");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(fund__agency_filter(ctx, perm)), sqlv_text(status ? status : "")};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_FUND_GRANT_LIST, k, 2, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct fund__grant g;
        grant_row(r, &g);
        json_array_append_new(arr, grant_json(&g));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}

enum status fund_grant_tranches(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    struct fund__grant g;
    enum status st = fund__grant_reach(ctx, id, fund__read_perm(ctx), false, "read tranches", &g);
    return st == STATUS_OK ? tranches_json(ctx, id, out) : st;
}

enum status fund_grant_close(const struct auth_ctx *ctx, int64_t id, const json_t *in)
{
    struct fund__grant g;
    enum status st = fund__grant_reach(ctx, id, "fund.write", true, "close grant", &g);
    const char *to = NULL, *reason = NULL, *date_in = NULL;
    if (st == STATUS_OK && !json_is_object(in)) {
        st = err_set(STATUS_INVALID, "a JSON object is required");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "status", 16, &to);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "reason", FUND_REASON_BYTES_MAX, &reason);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "date", 10, &date_in);
    }
    if (st != STATUS_OK) {
        return st;
    }
    to = to ? to : "closed";
    if (strcmp(to, "closed") != 0 && strcmp(to, "cancelled") != 0) {
        return err_set_field(STATUS_INVALID, "status", "status: closed or cancelled");
    }
    if (reason == NULL || reason[0] == '\0') {
        return err_set_field(STATUS_INVALID, "reason", "reason: required to close a grant");
    }
    char date[11];
    if (date_in != NULL && date_in[0]) {
        st = fund__date("date", date_in, date);
    } else {
        util_today(date);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(g.status, "active") != 0) {
        return err_set(STATUS_CONFLICT, "grant %s is %s, not active", g.number, g.status);
    }
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_FUND_DISB_PENDING_OF, k, 1, &r);
    int64_t pending = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st == STATUS_OK && pending > 0) {
        st = err_set(STATUS_CONFLICT, "grant %s has a pending disbursement: approve or reject it first", g.number);
    }
    uint8_t *buf = NULL;
    struct sql_value rv;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "fund_grants", "close_reason_enc", id, reason, &buf, &rv);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(to),
                                sqlv_text(date),
                                rv,
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_FUND_GRANT_CLOSE, a, ARRAY_LEN(a), NULL);
    }
    free(buf);
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_FUND_TRANCHES_CANCEL_UNPAID, k, 1, NULL);
    }
    /* The unpaid remainder goes back: Dr grants_payable / Cr grant_expense. */
    int64_t entry = 0;
    char memo[64];
    snprintf(memo, sizeof memo, "%s %s: unpaid remainder", strcmp(to, "closed") == 0 ? "close" : "cancel", g.number);
    if (st == STATUS_OK && g.amount - g.paid > 0) {
        st = fund__post(ctx, date, "adjustment", "grant", id, memo, "grants_payable", "grant_expense",
                        g.amount - g.paid, &entry);
    }
    /* No report is due any more on the grant's tranches. */
    struct fund__tranche *all = NULL;
    size_t n = 0;
    if (st == STATUS_OK) {
        st = fund__tranches(ctx, id, &all, &n);
    }
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        char key[TASK_KEY_BYTES];
        snprintf(key, sizeof key, "fund_report_due:%lld", (long long)all[i].id);
        st = task_resolve(ctx, key, TASK_CANCELLED);
    }
    free(all);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, strcmp(to, "closed") == 0 ? "fund.grant.close" : "fund.grant.cancel", "fund_grant", id,
                        "ok", g.number);
    }
    return st;
}

/* ---- disbursements ---------------------------------------------------------------------------- */

struct disb {
    int64_t id, grant_id, tranche_id, amount, recorded_by, recorded_at_ms, decided_by, decided_at_ms, entry, agency_id,
        seq;
    char date[11], bank_reference[FUND_BANK_REFERENCE_BYTES_MAX + 1], status[12], number[24];
    const uint8_t *reason;
    size_t reason_len;
};

static void disb_row(struct store_rows *r, struct disb *d)
{
    memset(d, 0, sizeof *d);
    d->id = store_rows_i64(r, 0);
    d->grant_id = store_rows_i64(r, 1);
    d->tranche_id = store_rows_i64(r, 2);
    d->amount = store_rows_i64(r, 3);
    copy(d->date, sizeof d->date, store_rows_text(r, 4));
    copy(d->bank_reference, sizeof d->bank_reference, store_rows_text(r, 5));
    copy(d->status, sizeof d->status, store_rows_text(r, 6));
    d->recorded_by = store_rows_i64(r, 7);
    d->recorded_at_ms = store_rows_i64(r, 8);
    d->decided_by = store_rows_i64(r, 9);
    d->decided_at_ms = store_rows_i64(r, 10);
    d->reason = store_rows_blob(r, 11, &d->reason_len);
    d->entry = store_rows_i64(r, 12);
    copy(d->number, sizeof d->number, store_rows_text(r, 13));
    d->agency_id = store_rows_i64(r, 14);
    d->seq = store_rows_i64(r, 15);
}

static json_t *disb_json(const struct disb *d, json_t *reason)
{
    char amount[FUND_AMOUNT_TEXT_BYTES];
    fund__usd(d->amount, amount);
    json_t *j = json_pack("{sIsIsssIsIsssIsssssssIsI}", "id", (json_int_t)d->id, "grant_id", (json_int_t)d->grant_id,
                          "grant_number", d->number, "tranche_id", (json_int_t)d->tranche_id, "tranche_seq",
                          (json_int_t)d->seq, "amount", amount, "amount_cents", (json_int_t)d->amount, "date", d->date,
                          "bank_reference", d->bank_reference, "status", d->status, "recorded_by",
                          (json_int_t)d->recorded_by, "recorded_at_ms", (json_int_t)d->recorded_at_ms);
    json_object_set_new(j, "decided_by", d->decided_by >= 0 ? json_integer(d->decided_by) : json_null());
    json_object_set_new(j, "decided_at_ms", d->decided_at_ms ? json_integer(d->decided_at_ms) : json_null());
    json_object_set_new(j, "entry_id", d->entry ? json_integer(d->entry) : json_null());
    json_object_set_new(j, "reason", reason ? reason : json_null());
    return j;
}

static enum status disb_load(const struct auth_ctx *ctx, int64_t id, struct disb *d, struct store_rows **keep)
{
    struct sql_value k[] = {SQLV_I64(id)};
    enum status st = store_exec_one(ctx->store, STMT_FUND_DISB_GET, k, 1, keep);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such disbursement");
    }
    if (st == STATUS_OK) {
        disb_row(*keep, d);
    }
    return st;
}

enum status fund_disbursement_record(const struct auth_ctx *ctx, const json_t *in, int64_t *id_out)
{
    enum status st = auth_decide(ctx, "fund.write", NULL, AUTH_FG_NONE, true);
    if (st != STATUS_OK) {
        return auth_check(ctx, "fund.write", NULL, AUTH_FG_NONE, true, "record disbursement");
    }
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is required");
    }
    int64_t tranche_id = 0, cents = 0;
    bool set = false;
    const char *date_in = NULL, *bank = NULL;
    st = fund__id(in, "tranche_id", &tranche_id);
    if (st == STATUS_OK && tranche_id == 0) {
        st = err_set_field(STATUS_INVALID, "tranche_id", "tranche_id: required");
    }
    if (st == STATUS_OK) {
        st = fund__amount(in, &cents, &set);
    }
    if (st == STATUS_OK && (!set || cents <= 0)) {
        st = err_set_field(STATUS_INVALID, "amount", "amount: more than zero, in US dollars");
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "date", 10, &date_in);
    }
    if (st == STATUS_OK) {
        st = util_json_str(in, "bank_reference", FUND_BANK_REFERENCE_BYTES_MAX, &bank);
    }
    if (st == STATUS_OK && (bank == NULL || bank[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "bank_reference", "bank_reference: required");
    }
    char date[11];
    if (st == STATUS_OK && date_in != NULL && date_in[0]) {
        st = fund__date("date", date_in, date);
    } else {
        util_today(date);
    }
    struct fund__tranche t;
    if (st == STATUS_OK) {
        st = fund__tranche_load(ctx, tranche_id, &t);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "tranche_id", "tranche_id: no such tranche");
        }
    }
    struct fund__grant g;
    if (st == STATUS_OK) {
        st = fund__grant_reach(ctx, t.grant_id, "fund.write", true, "record disbursement", &g);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(g.status, "active") != 0) {
        return err_set(STATUS_CONFLICT, "grant %s is %s", g.number, g.status);
    }
    if (strcmp(t.status, "released") != 0) {
        return err_set_field(STATUS_CONFLICT, "tranche_id", "tranche %lld of %s is %s, not released", (long long)t.seq,
                             g.number, t.status);
    }
    int64_t rest = t.amount - t.paid - t.pending;
    if (cents > rest) {
        char r[FUND_AMOUNT_TEXT_BYTES];
        fund__usd(rest, r);
        return err_set_field(STATUS_INVALID, "amount", "amount: at most the tranche's unpaid rest, USD %s", r);
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {SQLV_I64(id),
                            SQLV_I64(g.id),
                            SQLV_I64(t.id),
                            SQLV_I64(cents),
                            sqlv_text(date),
                            sqlv_text(bank),
                            SQLV_I64(ctx->who->user_id),
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_FUND_DISB_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "fund.disbursement.record", "fund_disbursement", id, "ok", g.number);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status fund_disbursement_decide(const struct auth_ctx *ctx, int64_t id, const json_t *in)
{
    enum status st = auth_decide(ctx, "fund.certify", NULL, AUTH_FG_NONE, true);
    if (st != STATUS_OK) {
        return auth_check(ctx, "fund.certify", NULL, AUTH_FG_NONE, true, "decide disbursement");
    }
    const char *decision = NULL, *reason = NULL;
    if (!json_is_object(in)) {
        return err_set(STATUS_INVALID, "a JSON object is required");
    }
    st = util_json_str(in, "decision", 16, &decision);
    if (st == STATUS_OK) {
        st = util_json_str(in, "reason", FUND_REASON_BYTES_MAX, &reason);
    }
    if (st == STATUS_OK &&
        (decision == NULL || (strcmp(decision, "approve") != 0 && strcmp(decision, "reject") != 0))) {
        st = err_set_field(STATUS_INVALID, "decision", "decision: approve or reject");
    }
    if (st == STATUS_OK && strcmp(decision, "reject") == 0 && (reason == NULL || reason[0] == '\0')) {
        st = err_set_field(STATUS_INVALID, "reason", "reason: required to reject a disbursement");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct disb d;
    struct store_rows *keep = NULL;
    st = disb_load(ctx, id, &d, &keep);
    store_rows_free(keep); /* d's reason blob is not used below */
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = {"fund_disbursement", id, d.agency_id, d.recorded_by, AUTH_SENSITIVITY_NORMAL};
    /* Separation of duties: whoever recorded a disbursement never approves or rejects it. */
    if (d.recorded_by == ctx->who->user_id) {
        return auth_refuse(ctx, "fund.certify", &rec, "separation of duties: recorded by the same user",
                           "separation of duties: the one who recorded a disbursement cannot approve it; "
                           "another fund manager holding fund.certify must decide");
    }
    st = auth_check(ctx, "fund.certify", &rec, AUTH_FG_NONE, true, decision);
    if (st != STATUS_OK) {
        return st;
    }
    if (strcmp(d.status, "pending") != 0) {
        return err_set(STATUS_CONFLICT, "the disbursement is %s, not pending", d.status);
    }
    bool approve = strcmp(decision, "approve") == 0;
    struct fund__tranche t;
    st = fund__tranche_load(ctx, d.tranche_id, &t);
    int64_t entry = 0;
    if (st == STATUS_OK && approve) {
        char memo[64];
        snprintf(memo, sizeof memo, "disbursement %s tranche %lld", d.number, (long long)t.seq);
        st = fund__post(ctx, d.date, "disbursement", "tranche", t.id, memo, "grants_payable", "cash", d.amount, &entry);
    }
    uint8_t *buf = NULL;
    struct sql_value rv = SQLV_NULL;
    if (st == STATUS_OK) {
        st = vault_seal_text(ctx->vault, "fund_disbursements", "reason_enc", id, reason, &buf, &rv);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(approve ? "approved" : "rejected"),
                                SQLV_I64(ctx->who->user_id),
                                SQLV_I64(util_now_ms()),
                                rv,
                                entry ? SQLV_I64(entry) : SQLV_NULL};
        st = store_exec(ctx->store, STMT_FUND_DISB_DECIDE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the disbursement was decided meanwhile");
        }
    }
    free(buf);
    /* A tranche whose approved disbursements reach its amount is paid. */
    if (st == STATUS_OK && approve && t.paid + d.amount >= t.amount) {
        struct sql_value a[] = {SQLV_I64(t.id), sqlv_text("paid"), sqlv_text("")};
        st = store_exec(ctx->store, STMT_FUND_TRANCHE_SET_STATUS, a, 3, NULL);
    }
    return st;
}

enum status fund_disbursement_get(const struct auth_ctx *ctx, int64_t id, json_t **out)
{
    *out = NULL;
    enum status st = auth_decide(ctx, "fund.read", NULL, AUTH_FG_NONE, false);
    if (st != STATUS_OK) {
        return auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "read disbursement");
    }
    struct disb d;
    struct store_rows *keep = NULL;
    st = disb_load(ctx, id, &d, &keep);
    json_t *reason = NULL;
    if (st == STATUS_OK) {
        struct auth_record rec = {"fund_disbursement", id, d.agency_id, d.recorded_by, AUTH_SENSITIVITY_NORMAL};
        st = auth_check(ctx, "fund.read", &rec, AUTH_FG_NONE, false, "read disbursement");
    }
    if (st == STATUS_OK) {
        st = vault_unseal_json(ctx->vault, "fund_disbursements", "reason_enc", id, d.reason, d.reason_len, &reason);
    }
    if (st == STATUS_OK) {
        *out = disb_json(&d, reason);
    }
    store_rows_free(keep);
    return st;
}

enum status fund_disbursement_list(const struct auth_ctx *ctx, int64_t grant_id, const char *status, json_t **out)
{
    *out = NULL;
    enum status st = auth_check(ctx, "fund.read", NULL, AUTH_FG_NONE, false, "list disbursements");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value k[] = {SQLV_I64(grant_id), sqlv_text(status ? status : ""), SQLV_I64(0)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_FUND_DISB_LIST, k, 3, &r);
    if (st != STATUS_OK) {
        return st;
    }
    json_t *arr = json_array();
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct disb d;
        disb_row(r, &d);
        json_t *reason = NULL;
        st = vault_unseal_json(ctx->vault, "fund_disbursements", "reason_enc", d.id, d.reason, d.reason_len, &reason);
        if (st != STATUS_OK) {
            break;
        }
        json_array_append_new(arr, disb_json(&d, reason));
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return STATUS_OK;
}
