/* entities: investigative entities tied to an investigation (issue 5, part J2): companies,
 * phones, e-mail addresses, addresses, bank accounts, vehicles, online ads and profiles, and
 * other; the links between them; money transactions between bank accounts; and a search by
 * value across the investigations in the caller's scope. The identifying value is field group
 * legal (as suspects' names): sealed, bound to (investigation_entities, value_enc, id), with a
 * blind index of its normalised form in the domain "justice.entity.KIND"; a reader without
 * fg.legal.read gets value_withheld. Every operation first reaches the investigation
 * (investigation_reach: justice.read or justice.write, audited); out of reach reads as absent.
 * Entities are never deleted: they are retracted with a reason (final). See docs/entities.md. */
#ifndef CTIS_JUSTICE_ENTITIES_H
#define CTIS_JUSTICE_ENTITIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define ENTITY_VALUE_BYTES_MAX 1000
#define ENTITY_NOTE_BYTES_MAX 4000
#define ENTITY_REASON_BYTES_MAX 1000
#define ENTITY_TX_REFERENCE_BYTES_MAX 500

bool justice_entity_kind_known(const char *code); /* company, phone, email, ..., other */
bool justice_entity_relation_known(const char *code);
bool justice_entity_platform_known(const char *code);
bool justice_tx_channel_known(const char *code);

/* The normalised form of a value of kind (what the blind index is made of):
 * phone: "+" and the digits (a leading international "00" dropped);
 * email: lower-case, surrounding spaces dropped;
 * bank_account: upper-case without spaces;
 * vehicle: upper-case letters and digits only (other scripts kept, ASCII punctuation dropped);
 * online_ad, online_profile: without scheme ("https://"), "www." and trailing slashes, the host
 *   (or a handle, its leading "@" dropped) lower-case, the path kept as it is;
 * company, address, other: case-folded (Unicode), punctuation removed, whitespace collapsed.
 * *out is allocated (caller frees). STATUS_INVALID naming "value" when nothing is left. */
enum status justice_entity_normalise(const char *kind, const char *value, char **out);

struct justice_entity {
    int64_t id;
    int64_t investigation_id;
    char kind[16];
    char *value; /* NULL when withheld */
    char *note;  /* NULL when none or withheld */
    bool value_withheld;
    char country[4];
    char first_seen[11];
    char last_seen[11];
    int64_t suspect_id; /* 0: none */
    char registration[65];
    char bank_code[36];
    char currency[4];
    char make_model[101];
    char platform[16];
    bool retracted;
    char *retract_reason; /* NULL when none or withheld */
    int64_t version;
};

struct justice_entity_link {
    int64_t id;
    int64_t investigation_id;
    int64_t from_entity;
    int64_t to_entity;
    char relation[32];
};

struct justice_transaction {
    int64_t id;
    int64_t investigation_id;
    int64_t from_entity;
    int64_t to_entity;
    char date[11];
    int64_t amount_minor;
    char currency[4];
    char *reference; /* NULL when none or withheld */
    bool reference_withheld;
    char channel[32];
};

/* Adding and changing take the JSON object people send (unknown members refused; on a change,
 * absent members keep their values). Values are written with fg.legal.write. */
enum status justice_entity_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_entity_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                  const json_t *in);
/* Values opened (and audited, field group legal) when the caller may read that group. */
enum status justice_entity_get(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, struct justice_entity *out);
enum status justice_entities(const struct auth_ctx *ctx, int64_t inv_id, struct justice_entity **out,
                             size_t *count_out);

/* in: {from_entity, to_entity, relation}, both entities of the investigation. */
enum status justice_entity_link_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_entity_links(const struct auth_ctx *ctx, int64_t inv_id, struct justice_entity_link **out,
                                 size_t *count_out);

/* in: {from_entity, to_entity (bank_account entities of the investigation), date, amount_minor,
 * currency, reference, channel}. */
enum status justice_transaction_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_transactions(const struct auth_ctx *ctx, int64_t inv_id, struct justice_transaction **out,
                                 size_t *count_out);

/* Search by value across the investigations in the caller's scope (justice.read and
 * fg.legal.read): value normalised for kind and blind-indexed; never opened, never logged. One
 * audit entry (detail: the kind and the number of hits). */
struct justice_entity_hit {
    int64_t investigation_id;
    char reference[65];
    int64_t entity_id;
    char kind[16];
    bool retracted;
};
enum status justice_entity_search(const struct auth_ctx *ctx, const char *kind, const char *value,
                                  struct justice_entity_hit **out, size_t *count_out);

/* For the linkage graph: every entity (id, investigation, kind, blind index as 64 hex digits) and
 * every link of the investigations in the caller's scope (justice.read), without opening a
 * value. Retracted entities are left out (and links touching them). Audited once. */
struct justice_entity_key {
    int64_t id;
    int64_t investigation_id;
    char kind[16];
    char bidx_hex[65];
};
enum status justice_entity_graph(const struct auth_ctx *ctx, struct justice_entity_key **entities_out,
                                 size_t *entity_count, struct justice_entity_link **links_out, size_t *link_count);

json_t *justice_entity_to_json(const struct justice_entity *e);
json_t *justice_entity_link_to_json(const struct justice_entity_link *l);
json_t *justice_transaction_to_json(const struct justice_transaction *t);
json_t *justice_entity_hit_to_json(const struct justice_entity_hit *h);
void justice_entity_clear(struct justice_entity *e);
void justice_entities_free(struct justice_entity *list, size_t count);
void justice_transactions_free(struct justice_transaction *list, size_t count);

#endif
