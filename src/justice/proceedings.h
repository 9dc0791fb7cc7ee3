/* proceedings: what an investigation charges and whom (issue 5, part J1). Offences under
 * national criminal-code articles mapped to the Protocol's forms of exploitation (GLOTIP), with
 * the charge modality (para 43(b)), organised criminal group (43(c)), public officials and
 * corruption (47) and linked crimes (48); suspects and offenders as natural or legal persons
 * (para 44) with their HTCDS role, sex, age and citizenship, the name sealed (field group
 * legal, as the rest of the proceedings: investigators write it) and blind-indexed; and charges, one per suspect and
 * offence, carrying the funnel: formal contact -> prosecuted -> convicted or acquitted, with dates. Every operation
 * first reaches the investigation (investigation_reach: justice.read or justice.write, audited); out of reach reads as
 * absent. */
#ifndef CTIS_JUSTICE_PROCEEDINGS_H
#define CTIS_JUSTICE_PROCEEDINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define JUSTICE_ARTICLE_CODE_BYTES_MAX 64
#define JUSTICE_ARTICLE_TEXT_BYTES_MAX 2000
#define JUSTICE_NAME_BYTES_MAX 200

bool justice_form_known(const char *code);     /* sexual_exploitation, forced_labour, ... other */
bool justice_modality_known(const char *code); /* commission, attempt, participation, organising */
bool justice_linked_known(const char *code);   /* money_laundering, migrant_smuggling, document_fraud,
                                                  corruption, other */

struct justice_offence {
    int64_t id;
    int64_t investigation_id;
    char article_code[JUSTICE_ARTICLE_CODE_BYTES_MAX + 1];
    char *article_text; /* never NULL */
    char form[32];
    char modality[16];
    bool organised_group;
    bool official_involved;
    char linked_crimes[128]; /* comma-separated codes, "" for none */
    int64_t version;
};

struct justice_suspect {
    int64_t id;
    int64_t investigation_id;
    char kind[8]; /* natural or legal */
    char *name;   /* NULL when none or withheld */
    bool name_withheld;
    char role[48];     /* a perp_role code or "" */
    char sex[8];       /* female, male, unknown or "" */
    int age;           /* -1: unknown */
    char age_band[16]; /* a perp_age_band code or "" */
    char citizenship[4];
    int64_t version;
};

struct justice_charge {
    int64_t id;
    int64_t investigation_id;
    int64_t suspect_id;
    int64_t offence_id;
    char contacted[11];  /* formal contact, YYYY-MM-DD or "" */
    char prosecuted[11]; /* "" when not prosecuted (yet) */
    char outcome[10];    /* convicted, acquitted or "" */
    char decided[11];    /* the decision's date when outcome is set */
    int64_t version;
};

/* Adding and changing take the JSON object people send (unknown members refused; on a change,
 * absent members keep their values). *id_out: the new row's id. Changes are versioned
 * (STATUS_CONFLICT when expected_version is stale). */
enum status justice_offence_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_offence_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                   const json_t *in);
enum status justice_offences(const struct auth_ctx *ctx, int64_t inv_id, struct justice_offence **out,
                             size_t *count_out);
enum status justice_suspect_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_suspect_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                   const json_t *in);
/* Names opened (and the read audited, field group legal) when the caller may read that group. */
enum status justice_suspects(const struct auth_ctx *ctx, int64_t inv_id, struct justice_suspect **out,
                             size_t *count_out);
enum status justice_charge_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_charge_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                  const json_t *in);
enum status justice_charges(const struct auth_ctx *ctx, int64_t inv_id, struct justice_charge **out, size_t *count_out);

json_t *justice_offence_to_json(const struct justice_offence *o);
json_t *justice_suspect_to_json(const struct justice_suspect *s);
json_t *justice_charge_to_json(const struct justice_charge *c);
void justice_offences_free(struct justice_offence *list, size_t count);
void justice_suspects_free(struct justice_suspect *list, size_t count);
void justice_charges_free(struct justice_charge *list, size_t count);

/* Issue 7, part F: what the linkage part compares of a suspect (its name's blind index and codes,
 * never the name). birth_year: the year of recording minus the age (-1 unknown). */
struct justice_suspect_profile {
    int64_t id;
    int64_t investigation_id;
    uint8_t name_bidx[32];
    bool has_name;
    char kind[8];
    char sex[8];
    int age;
    int birth_year;
    char age_band[16];
    char citizenship[4];
};
/* The suspects of every investigation the principal may read (justice.read in scope, field group
 * legal, which holds the names), in id order. Audited once as a list with `detail`, or, with
 * detail NULL, only when denied (the caller writes its run's entry). */
enum status justice_suspect_profiles(const struct auth_ctx *ctx, const char *detail,
                                     struct justice_suspect_profile **out, size_t *count_out);

#endif
