/* assist_int: the record engine that services (assist.c) and the legal-status records (legal.c)
 * share. Each record type is described by a table of fields (arec_type); one engine validates
 * JSON input, seals the personal values, checks the case and the field groups, keeps versions
 * and writes the case's history. Every table has the same statement shapes (catalog.def, block
 * "Assistance and legal status"): INSERT (id, case_id[, parent], fields..., now), SELECT
 * (id, case_id[, parent], fields..., created_at_ms, updated_at_ms, version) by case or by id
 * and case, UPDATE (id, expected version, fields..., now) RETURNING version. Nothing outside
 * src/referral includes it, but the fuzz harness of the JSON readers (tests/fuzz/fuzz_bodies.c). */
#ifndef CTIS_REFERRAL_ASSIST_INT_H
#define CTIS_REFERRAL_ASSIST_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/status.h"

#define AREC_FIELDS_MAX 16

enum arec_kind {
    AF_CODE,     /* a code of the field's vocabulary (labels and aliases accepted) */
    AF_DATE,     /* YYYY-MM-DD */
    AF_TEXT,     /* plain text of an organisation or authority (not personal), at most NAME_BYTES_MAX */
    AF_SEALED,   /* personal free text, sealed (column NAME_enc), at most CASE_RECORD_TEXT_BYTES_MAX */
    AF_ID,       /* a positive integer referring to another record, or null */
    AF_MONEY,    /* integer minor units, 0..AREC_MONEY_MAX, or null */
    AF_BOOL,     /* true or false (null: false) */
    AF_COUNTRY,  /* ISO 3166-1 alpha-3 (vocabulary country) */
    AF_CURRENCY, /* ISO 4217 alphabetic code: three letters */
};

#define AREC_MONEY_MAX 1000000000000000LL /* 10^15 minor units */

struct arec_field {
    const char *name; /* JSON member and column (a sealed value's column is NAME_enc) */
    enum arec_kind kind;
    const char *vocab; /* AF_CODE */
    bool required;
    const char *dflt; /* AF_CODE: the code given on create when absent */
};

struct arec_value {
    char *s;       /* text kinds: NULL when none */
    int64_t n;     /* AF_ID, AF_MONEY, AF_BOOL */
    bool set;      /* AF_ID, AF_MONEY: a value is there */
    uint8_t *blob; /* AF_SEALED as stored (rows read from the store) */
    size_t blob_len;
};

struct arec;

struct arec_type {
    const char *name;   /* "service": messages, history actions ("service.add") */
    const char *table;  /* "case_services" */
    const char *prefix; /* history keys: "services/<id>/<member>" */
    const char *parent; /* the parent's member and column ("return_id"), or NULL */
    const struct arec_field *fields;
    size_t nfields;
    enum auth_field_group group; /* the group of every value of the record (legal), or AUTH_FG_NONE */
    enum stmt ins, list, get, upd;
    /* Optional: a group that hides the whole row from readers without it (services: health). */
    enum auth_field_group (*row_group)(const struct arec *r);
    /* Optional: the group of the sealed values (default: group). */
    enum auth_field_group (*sealed_group)(const struct arec *r);
    /* Optional: cross-field checks on the record as it will be stored. */
    enum status (*check)(const struct arec *r);
    /* Optional: runs after a record was written (old: NULL on add), in the same transaction, with
     * the case's access record (automatic tasks: their agency and owner). */
    enum status (*after)(const struct auth_ctx *ctx, const struct auth_record *rec, const struct arec *old,
                         const struct arec *r);
};

struct arec {
    const struct arec_type *type;
    int64_t id;
    int64_t case_id;
    int64_t parent_id;
    struct arec_value v[AREC_FIELDS_MAX];
    uint32_t mask;     /* members given in the input (bit = field index) */
    uint32_t withheld; /* sealed members the reader may not open (bit = field index) */
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
};

void arec_init(struct arec *r, const struct arec_type *t);
void arec_clear(struct arec *r);
void arecs_free(struct arec *r, size_t count);
/* The index of a field by name, or -1. */
int arec_field_index(const struct arec_type *t, const char *name);
/* Text of a text-kind field ("" when none). */
const char *arec_str(const struct arec *r, const char *name);
/* Parses input. partial: only the members present change (r->mask says which); otherwise r is
 * reset, defaults applied and required members checked. Errors name the member. */
enum status arec_from_json(struct arec *r, const json_t *o, bool partial);
json_t *arec_to_json(const struct arec *r);

/* Operations; each reaches the case (case.read or case.write, in scope; a write also needs the
 * consent to processing) and checks the field groups. */
enum status arec_add(const struct auth_ctx *ctx, int64_t case_id, int64_t parent_id, const struct arec *in,
                     int64_t *id_out);
/* The case's records (parent_id 0: all), without the rows the reader may not see. */
enum status arec_list(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t parent_id,
                      struct arec **out, size_t *count_out);
/* One record; STATUS_NOT_FOUND for another case's or a hidden one. */
enum status arec_get(const struct auth_ctx *ctx, const struct arec_type *t, int64_t case_id, int64_t id,
                     struct arec *out);
/* Changes the members in in->mask. STATUS_CONFLICT when expected_version is stale. */
enum status arec_update(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                        const struct arec *in);
/* Empties the sealed columns of a case's rows (purge statement returning ids); *items += rows. */
enum status arec_purge(const struct auth_ctx *ctx, enum stmt purge, int64_t case_id, int64_t *items);
/* The record types, for the fuzz harness: i = 0, 1, ... until NULL (assist.c's, then legal.c's). */
const struct arec_type *assist__type(size_t i);
const struct arec_type *legal__type(size_t i);

/* Checks a calendar date YYYY-MM-DD. */
bool arec_date_valid(const char *s);
/* Midnight UTC of a valid date, in ms since the epoch. */
int64_t arec_date_ms(const char *s);

#endif
