/* api_fund_ledger: the Trust Fund's money under /api/v1/fund/ (issue 8, part L): donors, pledges,
 * receipts (and their PDF acknowledgements), exchange rates, the ledger, balances and statements
 * (JSON, CSV, XLSX, PDF). src/fund/donors.h, rates.h, ledger.h, statement.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "fund/donors.h"
#include "fund/ledger.h"
#include "fund/rates.h"
#include "fund/statement.h"
#include "util/util.h"

enum fop {
    F_DONORS,
    F_DONOR_ADD,
    F_DONOR_GET,
    F_PLEDGES,
    F_PLEDGE_ADD,
    F_PLEDGE_GET,
    F_PLEDGE_WRITE_OFF,
    F_RECEIPTS,
    F_RECEIPT_ADD,
    F_RECEIPT_GET,
    F_RECEIPT_PDF,
    F_RECEIPT_REVERSE,
    F_RATES,
    F_RATE_SET,
    F_RATE_IMPORT,
    F_LEDGER,
    F_BALANCES,
    F_STATEMENT,
    F_STATEMENT_CSV,
    F_STATEMENT_XLSX,
    F_STATEMENT_PDF,
};

struct fargs {
    enum fop op;
    int64_t id;
    const json_t *in;
    json_t *out;
    const char *text, *from, *to, *lang, *name;
    size_t len;
    struct fund_list_filter f;
    struct fund_ledger_filter lf;
    char *csv, *data;
    uint8_t *bytes;
};

static enum status op_run(const struct auth_ctx *ctx, void *p)
{
    struct fargs *a = p;
    enum status st = STATUS_INVALID;
    switch (a->op) {
    case F_DONORS: return fund_donor_list(ctx, a->text, &a->out);
    case F_DONOR_ADD:
        st = fund_donor_add(ctx, a->in, &a->id);
        return st == STATUS_OK ? fund_donor_get(ctx, a->id, &a->out) : st;
    case F_DONOR_GET: return fund_donor_get(ctx, a->id, &a->out);
    case F_PLEDGES: return fund_pledge_list(ctx, &a->f, &a->out);
    case F_PLEDGE_ADD:
        st = fund_pledge_add(ctx, a->in, &a->id);
        return st == STATUS_OK ? fund_pledge_get(ctx, a->id, &a->out) : st;
    case F_PLEDGE_GET: return fund_pledge_get(ctx, a->id, &a->out);
    case F_PLEDGE_WRITE_OFF:
        st = fund_pledge_write_off(ctx, a->id, a->in);
        return st == STATUS_OK ? fund_pledge_get(ctx, a->id, &a->out) : st;
    case F_RECEIPTS: return fund_receipt_list(ctx, &a->f, &a->out);
    case F_RECEIPT_ADD:
        st = fund_receipt_add(ctx, a->in, &a->id);
        return st == STATUS_OK ? fund_receipt_get(ctx, a->id, &a->out) : st;
    case F_RECEIPT_GET: return fund_receipt_get(ctx, a->id, &a->out);
    case F_RECEIPT_PDF: return fund_receipt_pdf(ctx, a->id, a->lang, &a->bytes, &a->len);
    case F_RECEIPT_REVERSE:
        st = fund_receipt_reverse(ctx, a->id, a->in);
        return st == STATUS_OK ? fund_receipt_get(ctx, a->id, &a->out) : st;
    case F_RATES: return fund_rate_list(ctx, a->text, a->from, a->to, 0, &a->out);
    case F_RATE_SET:
        st = fund_rate_set(ctx, a->in);
        if (st == STATUS_OK) {
            a->out = json_pack("{sb}", "ok", 1);
        }
        return st;
    case F_RATE_IMPORT: return fund_rate_import_csv(ctx, a->name, a->text, a->len, &a->out);
    case F_LEDGER: return fund_ledger_entries(ctx, &a->lf, &a->out);
    case F_BALANCES: return fund_ledger_balances(ctx, a->from, a->to, &a->out);
    case F_STATEMENT: return fund_statement(ctx, a->from, a->to, &a->out);
    case F_STATEMENT_CSV: return fund_statement_csv(ctx, a->from, a->to, a->lang, &a->csv);
    case F_STATEMENT_XLSX: return fund_statement_xlsx(ctx, a->from, a->to, a->lang, &a->data, &a->len);
    case F_STATEMENT_PDF: return fund_statement_pdf(ctx, a->from, a->to, a->lang, &a->bytes, &a->len);
    }
    return st;
}

static const char *q(struct http_request *req, const char *name)
{
    const char *v = http_request_query(req, name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static void finish(struct http_request *req, struct fargs *a, enum status st, unsigned ok)
{
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, a);
    }
    json_t *body = NULL;
    if (st == STATUS_OK && a->out != NULL) {
        body = a->out;
        a->out = NULL;
    }
    json_decref(a->out);
    api__respond(req, st, ok, body);
}

static void run_bytes(struct http_request *req, struct fargs *a, enum status st, const char *type, const char *filename)
{
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_run, a);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
    } else {
        char cd[160];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", filename);
        http_response_header(req, "Content-Disposition", cd);
        const void *data = a->bytes != NULL ? (const void *)a->bytes : a->data != NULL ? (const void *)a->data : a->csv;
        size_t len = a->csv != NULL && a->bytes == NULL && a->data == NULL ? strlen(a->csv) : a->len;
        http_respond_bytes(req, 200, type, data, len, true);
    }
    free(a->bytes);
    free(a->data);
    free(a->csv);
}

/* ---- donors ------------------------------------------------------------------------------------- */

void api_fund_donors(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_DONORS, .text = q(req, "kind")};
    finish(req, &a, STATUS_OK, 200);
}

void api_fund_donor_add(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_DONOR_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

void api_fund_donor_get(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_DONOR_GET};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

/* ---- pledges ------------------------------------------------------------------------------------ */

static enum status list_filter(struct http_request *req, struct fund_list_filter *f)
{
    enum status st = api__query_id(req, "donor_id", &f->donor_id);
    if (st == STATUS_OK) {
        st = api__query_id(req, "pledge_id", &f->pledge_id);
    }
    f->status = q(req, "status");
    f->from = q(req, "from");
    f->to = q(req, "to");
    return st;
}

void api_fund_pledges(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_PLEDGES};
    finish(req, &a, list_filter(req, &a.f), 200);
}

void api_fund_pledge_add(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_PLEDGE_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

void api_fund_pledge_get(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_PLEDGE_GET};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

void api_fund_pledge_write_off(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_PLEDGE_WRITE_OFF, .in = http_request_json(req)};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

/* ---- receipts ----------------------------------------------------------------------------------- */

void api_fund_receipts(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RECEIPTS};
    finish(req, &a, list_filter(req, &a.f), 200);
}

void api_fund_receipt_add(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RECEIPT_ADD, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 201);
}

/* GET /api/v1/fund/receipts/{id} (JSON) and /api/v1/fund/receipts/{id}.pdf (the acknowledgement,
 * ?lang= else the donor's language). */
void api_fund_receipt_get(struct http_request *req, void *app)
{
    (void)app;
    const char *param = http_request_param(req, "id");
    size_t n = param != NULL ? strlen(param) : 0;
    bool pdf = n > 4 && strcmp(param + n - 4, ".pdf") == 0;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%.*s", (int)(pdf ? n - 4 : n), param ? param : "");
    struct fargs a = {.op = pdf ? F_RECEIPT_PDF : F_RECEIPT_GET, .lang = q(req, "lang")};
    enum status st = STATUS_OK;
    if (util_parse_i64(&a.id, idtext) != STATUS_OK || a.id <= 0) {
        st = err_set(STATUS_NOT_FOUND, "no such receipt");
    }
    if (!pdf) {
        finish(req, &a, st, 200);
        return;
    }
    char name[48];
    snprintf(name, sizeof name, "receipt-%lld.pdf", (long long)a.id);
    run_bytes(req, &a, st, "application/pdf", name);
}

void api_fund_receipt_reverse(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RECEIPT_REVERSE, .in = http_request_json(req)};
    finish(req, &a, api__path_id(req, &a.id), 200);
}

/* ---- rates -------------------------------------------------------------------------------------- */

void api_fund_rates(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RATES, .text = q(req, "currency"), .from = q(req, "from"), .to = q(req, "to")};
    finish(req, &a, STATUS_OK, 200);
}

void api_fund_rate_set(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RATE_SET, .in = http_request_json(req)};
    finish(req, &a, STATUS_OK, 200);
}

/* POST /api/v1/fund/rates/import?name=rates.csv with the CSV file as the body. */
void api_fund_rate_import(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_RATE_IMPORT, .name = q(req, "name")};
    a.text = http_request_body(req, &a.len);
    enum status st = STATUS_OK;
    if (a.name != NULL && (strlen(a.name) > 100 || strchr(a.name, '/') != NULL)) {
        st = err_set_field(STATUS_INVALID, "name", "name: a file name of at most 100 bytes, without '/'");
    }
    if (st == STATUS_OK && (a.text == NULL || a.len == 0)) {
        st = err_set(STATUS_INVALID, "the body must be the CSV file");
    }
    finish(req, &a, st, 201);
}

/* ---- ledger, balances, statements --------------------------------------------------------------- */

void api_fund_ledger(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_LEDGER};
    a.lf.from = q(req, "from");
    a.lf.to = q(req, "to");
    a.lf.account = q(req, "account");
    a.lf.kind = q(req, "kind");
    a.lf.ref_type = q(req, "ref_type");
    enum status st = api__query_id(req, "ref_id", &a.lf.ref_id);
    if (st == STATUS_OK) {
        st = http_request_page(req, &a.lf.limit, &a.lf.offset);
    }
    finish(req, &a, st, 200);
}

void api_fund_balances(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_BALANCES, .from = q(req, "from"), .to = q(req, "to")};
    finish(req, &a, STATUS_OK, 200);
}

static enum status period(struct http_request *req, struct fargs *a)
{
    a->from = q(req, "from");
    a->to = q(req, "to");
    a->lang = q(req, "lang");
    if (a->from == NULL) {
        return err_set_field(STATUS_INVALID, "from", "from: required (YYYY-MM-DD)");
    }
    if (a->to == NULL) {
        return err_set_field(STATUS_INVALID, "to", "to: required (YYYY-MM-DD)");
    }
    return STATUS_OK;
}

void api_fund_statement(struct http_request *req, void *app)
{
    (void)app;
    struct fargs a = {.op = F_STATEMENT};
    finish(req, &a, period(req, &a), 200);
}

static void statement_file(struct http_request *req, enum fop op, const char *type, const char *ext)
{
    struct fargs a = {.op = op};
    enum status st = period(req, &a);
    char name[64];
    snprintf(name, sizeof name, "fund-statement-%s-%s.%s", a.from ? a.from : "", a.to ? a.to : "", ext);
    for (char *p = name; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '.')) {
            *p = '_';
        }
    }
    run_bytes(req, &a, st, type, name);
}

void api_fund_statement_csv(struct http_request *req, void *app)
{
    (void)app;
    statement_file(req, F_STATEMENT_CSV, "text/csv; charset=utf-8", "csv");
}

void api_fund_statement_xlsx(struct http_request *req, void *app)
{
    (void)app;
    statement_file(req, F_STATEMENT_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
}

void api_fund_statement_pdf(struct http_request *req, void *app)
{
    (void)app;
    statement_file(req, F_STATEMENT_PDF, "application/pdf", "pdf");
}
