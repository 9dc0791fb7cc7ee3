/* fuzz_bodies: libFuzzer harness for the domain readers of JSON request bodies (issue 10, part F).
 * The input is parsed as the server parses a body (http_json_parse, within the limits), and the
 * object, and each of its object members, go to every reader a route hands a body to: the case
 * fields, perpetrators, support plans, providers, referrals, the public and staff intake forms,
 * pathway moves and not-a-victim decisions, child flags, investigations, screening indicator
 * sets, and the service and legal-status records (arec_from_json). Each must end with a clean status (OK, or
 * INVALID/TOO_LARGE with a message), never crash, leak or trip a sanitizer; a case record it accepts writes to JSON and
 * reads back the same. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/records.h"
#include "http/http.h"
#include "justice/investigation.h"
#include "referral/assist_int.h"
#include "referral/child.h"
#include "referral/intake.h"
#include "referral/pathway.h"
#include "referral/referral.h"
#include "referral/screening.h"
#include "util/status.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A clean refusal: a documented status with a message. */
static void check(enum status st)
{
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE);
    ASSERT(st == STATUS_OK || err_last()[0] != '\0');
}

static void case_round_trip(const struct case_record *r)
{
    json_t *j = case_record_to_json(r);
    ASSERT(j != NULL);
    json_t *fields = json_object_get(j, "fields");
    ASSERT(fields != NULL);
    struct case_record again;
    case_record_init(&again);
    ASSERT(case_record_from_json(&again, fields, false) == STATUS_OK);
    json_t *j2 = case_record_to_json(&again);
    ASSERT(json_equal(json_object_get(j2, "fields"), fields));
    json_decref(j2);
    case_record_clear(&again);
    json_decref(j);
}

/* A service or legal record: what is accepted whole writes to JSON and reads back the same, and
 * its cross-field check answers cleanly (409 is the check's refusal of a coherent input). */
static void arec_readers(const json_t *o)
{
    for (int source = 0; source < 2; source++) {
        for (size_t i = 0;; i++) {
            const struct arec_type *t = source == 0 ? assist__type(i) : legal__type(i);
            if (t == NULL) {
                break;
            }
            for (int partial = 0; partial < 2; partial++) {
                struct arec r;
                arec_init(&r, t);
                enum status st = arec_from_json(&r, o, partial);
                check(st);
                if (st == STATUS_OK && !partial) {
                    json_t *j = arec_to_json(&r);
                    struct arec again;
                    arec_init(&again, t);
                    ASSERT(arec_from_json(&again, j, false) == STATUS_OK);
                    json_t *j2 = arec_to_json(&again);
                    ASSERT(json_equal(j, j2));
                    json_decref(j2);
                    json_decref(j);
                    arec_clear(&again);
                    if (t->check) {
                        enum status cst = t->check(&r);
                        ASSERT(cst == STATUS_OK || cst == STATUS_INVALID || cst == STATUS_CONFLICT);
                        ASSERT(cst == STATUS_OK || err_last()[0] != '\0');
                    }
                }
                arec_clear(&r);
            }
        }
    }
}

static void readers(const json_t *o)
{
    arec_readers(o);
    for (int partial = 0; partial < 2; partial++) {
        struct case_record r;
        case_record_init(&r);
        enum status st = case_record_from_json(&r, o, partial);
        check(st);
        if (st == STATUS_OK && !partial) {
            case_round_trip(&r);
        }
        case_record_clear(&r);

        struct case_perpetrator p;
        memset(&p, 0, sizeof p);
        uint32_t mask = 0;
        check(case_perpetrator_from_json(&p, o, partial, &mask));
        case_perpetrator_clear(&p);

        struct case_support_plan sp;
        memset(&sp, 0, sizeof sp);
        check(case_support_plan_from_json(&sp, o, partial, &mask));
        case_support_plan_clear(&sp);

        struct provider_input pin;
        memset(&pin, 0, sizeof pin);
        check(provider_input_from_json(&pin, o, partial));

        struct intake_input in;
        memset(&in, 0, sizeof in);
        check(intake_input_from_json(&in, o, partial));
    }
    free(referral_json_list(o));

    struct referral_input ri;
    memset(&ri, 0, sizeof ri);
    check(referral_input_from_json(&ri, o));
    referral_input_clear(&ri);

    struct pathway_move m;
    memset(&m, 0, sizeof m);
    check(pathway_move_from_json(&m, o));

    struct pathway_not_victim nv;
    memset(&nv, 0, sizeof nv);
    check(pathway_not_victim_from_json(&nv, o));

    struct child_flags cf;
    memset(&cf, 0, sizeof cf);
    check(child_flags_from_json(&cf, o));

    struct investigation_input ii;
    memset(&ii, 0, sizeof ii);
    check(investigation_input_from_json(&ii, o));

    struct screening_set *set = NULL;
    enum status st = screening_set_from_json(o, "fuzz.json", &set);
    check(st);
    ASSERT((st == STATUS_OK) == (set != NULL));
    screening_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ASSERT(vault_library_init() == STATUS_OK);
        ready = true;
    }
    json_t *root = NULL;
    if (http_json_parse(&root, (const char *)data, size) != STATUS_OK) {
        return 0;
    }
    readers(root);
    /* Bodies nest the input one level down too ({"fields":{..}}, {"indicators":[..]}). */
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (json_is_object(value)) {
            readers(value);
        }
    }
    json_decref(root);
    return 0;
}
