/* investigation: the justice record (issue 5) that offences, suspects, victims by reference,
 * protection measures, investigative entities, assets and cooperation requests hang on. An
 * investigation belongs to an agency and has an owner; it is reached with justice.read or
 * justice.write (record type "investigation", scoped like a case: own, agency or all) and every
 * read and write is audited. The reference (a police file number) is clear and must not be
 * personal; the title may name people and is sealed (field group legal: proceedings). */
#ifndef CTIS_JUSTICE_INVESTIGATION_H
#define CTIS_JUSTICE_INVESTIGATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define INVESTIGATION_REFERENCE_BYTES_MAX 64
#define INVESTIGATION_TITLE_BYTES_MAX 400

struct investigation {
    int64_t id;
    int64_t agency_id;
    int64_t owner_id; /* 0: none */
    char reference[INVESTIGATION_REFERENCE_BYTES_MAX + 1];
    char *title;         /* NULL when none or not readable (title_withheld) */
    bool title_withheld; /* a title exists but the reader lacks fg.legal.read */
    char opened[11];     /* YYYY-MM-DD or "" */
    char status[32];     /* open, referred_to_prosecution, closed */
    char country[4];     /* ISO 3166-1 alpha-3 or "" */
    int64_t created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
};

/* The values people give (create and change). NULL members are absent (change: unchanged). */
struct investigation_input {
    const char *reference; /* required on create; 1 to INVESTIGATION_REFERENCE_BYTES_MAX bytes */
    const char *title;     /* "" clears */
    const char *opened;    /* YYYY-MM-DD; create: default today */
    const char *status;    /* change only */
    const char *country;   /* a country as vocab_parse("country") reads it; "" clears */
    int64_t agency_id;     /* create, operator only (users: their own agency) */
};
/* Reads an input from a JSON object (unknown members refused). Borrows o's strings. */
enum status investigation_input_from_json(struct investigation_input *in, const json_t *o);

enum status investigation_create(const struct auth_ctx *ctx, const struct investigation_input *in, int64_t *id_out);
/* Out of reach reads as absent (STATUS_NOT_FOUND) for holders of justice.read. */
enum status investigation_get(const struct auth_ctx *ctx, int64_t id, struct investigation *out);
/* Decides access to investigation id without opening the title (for the parts that hang on it):
 * perm ("justice.read" or "justice.write"), audited with detail. rec_out may be NULL. */
enum status investigation_reach(const struct auth_ctx *ctx, int64_t id, const char *perm, bool write,
                                const char *detail, struct auth_record *rec_out);

/* For the records that name an investigation they belong to (court decisions, cooperation
 * requests): id must be an investigation the caller reaches with justice.read (audited with
 * detail); an absent or out-of-reach one is STATUS_INVALID naming the field "investigation_id",
 * so that a link cannot be made to, or probe for, an investigation out of the caller's reach. */
enum status investigation_link_check(const struct auth_ctx *ctx, int64_t id, const char *detail);

struct investigation_filter {
    const char *status; /* NULL or "": any */
    int64_t limit;
    int64_t offset;
};
/* The investigations in the caller's scope (titles not opened), newest first; audited once. */
enum status investigation_list(const struct auth_ctx *ctx, const struct investigation_filter *f,
                               struct investigation **out, size_t *count_out);
/* Changes the members of in that are set; STATUS_CONFLICT when expected_version is stale. */
enum status investigation_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                                 const struct investigation_input *in);

json_t *investigation_to_json(const struct investigation *v);
void investigation_clear(struct investigation *v);
void investigations_free(struct investigation *list, size_t count);

#endif
