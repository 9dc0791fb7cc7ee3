/* fuzz_ops: libFuzzer harness for the JSON inputs that the Trust Fund, the Plan and justice
 * modules read inside their operations (issue 10, part F), run end to end as the operator on a
 * throwaway SQLite database (fuzz_env.h): trustees, conflicts of interest, calls, donors,
 * pledges, receipts, grants, disbursements, exchange rates (fund), national action plans,
 * partners, agreements, practices (plan), case law and international cooperation (justice). The
 * input is parsed as the server parses a body (http_json_parse), and the object and each of its
 * object members go to every operation inside auth_run, as its route calls it. Checked: no
 * crash, leak or sanitizer report, and a clean status with a message (OK, or INVALID, TOO_LARGE,
 * NOT_FOUND for an id that is not there, CONFLICT for a duplicate); what succeeds returns its
 * record. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fund/board.h"
#include "fund/calls.h"
#include "fund/donors.h"
#include "fund/grants.h"
#include "fund/rates.h"
#include "fuzz_env.h"
#include "http/http.h"
#include "justice/caselaw.h"
#include "justice/coop.h"
#include "plan/nap.h"
#include "plan/partners.h"
#include "plan/practices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
    OP_TRUSTEE,
    OP_CONFLICT,
    OP_CALL,
    OP_DONOR,
    OP_PLEDGE,
    OP_RECEIPT,
    OP_GRANT,
    OP_DISBURSEMENT,
    OP_RATE,
    OP_NAP,
    OP_PARTNER,
    OP_AGREEMENT,
    OP_PRACTICE,
    OP_CASELAW,
    OP_COOP,
    OP__COUNT
};

struct op_args {
    enum op op;
    const json_t *in;
};

static enum status run_op(const struct auth_ctx *ctx, void *p)
{
    struct op_args *a = p;
    json_t *out = NULL;
    int64_t id = 0;
    enum status st = STATUS_OK;
    bool json_out = true;
    switch (a->op) {
    case OP_TRUSTEE: st = fund_trustee_add(ctx, a->in, &out); break;
    case OP_CONFLICT: st = fund_conflict_add(ctx, a->in, &out); break;
    case OP_CALL: st = fund_call_add(ctx, a->in, &out); break;
    case OP_DONOR:
        st = fund_donor_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_PLEDGE:
        st = fund_pledge_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_RECEIPT:
        st = fund_receipt_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_GRANT:
        st = fund_grant_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_DISBURSEMENT:
        st = fund_disbursement_record(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_RATE:
        st = fund_rate_set(ctx, a->in);
        json_out = false;
        id = 1;
        break;
    case OP_NAP: st = plan_nap_add(ctx, a->in, &out); break;
    case OP_PARTNER: st = plan_partner_add(ctx, a->in, &id, &out); break;
    case OP_AGREEMENT:
        st = plan_agreement_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP_PRACTICE: st = practice_add(ctx, a->in, &out); break;
    case OP_CASELAW: st = caselaw_add(ctx, a->in, &out); break;
    case OP_COOP:
        st = coop_add(ctx, a->in, &id);
        json_out = false;
        break;
    case OP__COUNT: break;
    }
    if (st == STATUS_OK) {
        ASSERT(json_out ? out != NULL : id != 0);
    }
    json_decref(out);
    return st;
}

static void run_all(const json_t *in)
{
    for (int op = 0; op < OP__COUNT; op++) {
        struct op_args a = {(enum op)op, in};
        enum status st = auth_run(&env.ctx, run_op, &a);
        static const char *const names[OP__COUNT] = {
            "fund_trustee_add", "fund_conflict_add", "fund_call_add",    "fund_donor_add",
            "fund_pledge_add",  "fund_receipt_add",  "fund_grant_add",   "fund_disbursement_record",
            "fund_rate_set",    "plan_nap_add",      "plan_partner_add", "plan_agreement_add",
            "practice_add",     "caselaw_add",       "coop_add"};
        fuzz_note(names[op], st);
        ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE || st == STATUS_NOT_FOUND ||
               st == STATUS_CONFLICT);
        ASSERT(st == STATUS_OK || err_last()[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = NULL;
    if (http_json_parse(&root, (const char *)data, size) != STATUS_OK) {
        return 0;
    }
    fuzz_env_next();
    run_all(root);
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (json_is_object(value)) {
            run_all(value);
        }
    }
    json_decref(root);
    return 0;
}
