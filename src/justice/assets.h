/* assets: freezing, seizure and confiscation orders against an investigation (issue 5, part J5;
 * Plan of Action para 45) and their use for victims' compensation (para 39).
 *
 * An order hangs on an investigation and is reached with investigation_reach (justice.read to
 * read, justice.write to write; record type "investigation", audited). It has a kind (freezing,
 * seizure, confiscation), an asset type, a sealed description (field group legal: shown only with
 * fg.legal.read, "description_withheld" otherwise), an optional suspect of the same investigation,
 * an optional investigative entity id (no foreign key), an amount in integer minor units of an ISO
 * 4217 currency, the issuing authority, the order date, a court reference and a status with its
 * full history (who, when, a sealed note):
 *
 *   requested -> ordered | refused;  ordered -> executed | lifted;
 *   executed -> lifted | confiscated;  confiscated -> realised (with the realised amount)
 *
 * ("confiscated" is, for a freezing or seizure, its conversion into confiscation, and for a
 * confiscation order the final confiscation). Any other transition is STATUS_CONFLICT naming both.
 *
 * The amount of a confiscated order (or the realised amount of a realised one) may be allocated
 * to compensation claims (src/referral/legal.h, table case_compensation_claims) of cases the
 * caller may read with fg.legal.read, in the same currency; the sum of the allocations never
 * exceeds it. */
#ifndef CTIS_JUSTICE_ASSETS_H
#define CTIS_JUSTICE_ASSETS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/money.h"
#include "util/status.h"

#define ASSET_AMOUNT_MAX MONEY_AMOUNT_MAX /* 10^15 minor units, as compensation claims */
#define ASSET_TEXT_BYTES_MAX 200          /* authority, court reference */
#define ASSET_DESCRIPTION_BYTES_MAX 2000
#define ASSET_NOTE_BYTES_MAX 2000
#define ASSET_AMOUNT_TEXT_BYTES MONEY_AMOUNT_TEXT_BYTES

/* The number of decimals (ISO 4217 minor unit) of an active currency code (upper case): 0 for
 * JPY, 2 for EUR, 3 for KWD, 4 for CLF; -1 when the code is not an ISO 4217 currency. */
int asset_currency_exponent(const char *code);
/* Reads a decimal amount in the currency's major units ("12,345.67", "12345.67", "1,000", "0.5")
 * exactly into minor units (no floating point): digits with optional thousands commas in groups
 * of three, and at most the currency's exponent of decimals. Refused (STATUS_INVALID naming
 * field): an unknown currency, a sign, more decimals than the currency has, a malformed group,
 * an amount above ASSET_AMOUNT_MAX minor units. */
enum status asset_amount_parse(const char *field, const char *currency, const char *text, int64_t *minor_out);
/* minor units as a decimal in major units ("12345.67"; "1000" for JPY). */
void asset_amount_format(const char *currency, int64_t minor, char out[ASSET_AMOUNT_TEXT_BYTES]);

bool asset_kind_known(const char *code); /* freezing, seizure, confiscation */
bool asset_type_known(
    const char *code); /* cash, bank_account, real_estate, vehicle, business, crypto, valuables, other */
bool asset_status_known(const char *code); /* requested, ordered, executed, lifted, confiscated, realised, refused */
bool asset_transition_allowed(const char *from, const char *to);

/* A new order from JSON {"kind","asset_type","description","suspect_id","entity_id","currency",
 * "amount" (a decimal string in major units) | "amount_minor" (an integer in minor units),
 * "authority","order_date" (default today),"court_reference"}; status "requested". */
enum status asset_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
/* One order as JSON, with "history" and "allocations". */
enum status asset_get(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, json_t **out);
/* The investigation's orders: a JSON array (without history and allocations). */
enum status asset_list(const struct auth_ctx *ctx, int64_t inv_id, json_t **out);
/* Changes the members given (not kind or status) if the order still has version (0: any). The
 * currency and amount cannot change once the order has allocations. */
enum status asset_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t version, const json_t *in);
/* A transition {"status","date" (default today),"note" (sealed),"amount"|"amount_minor"}: the
 * amount is required for realised (the proceeds) and optional for confiscated (the amount
 * confiscated, when it differs from the order's). */
enum status asset_status_set(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t version, const json_t *in);
/* Allocates {"claim_id","amount"|"amount_minor","date"} of the order to a compensation claim. */
enum status asset_allocate(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, const json_t *in,
                           int64_t *alloc_id_out);
/* The order's allocations: a JSON array. */
enum status asset_allocations(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, json_t **out);
/* The allocations to one compensation claim of case_id (the claim side): the claim is read with
 * legal_get (case.read and fg.legal.read). A JSON array of {id, order_id, currency, amount,
 * amount_minor, date}. */
enum status asset_claim_allocations(const struct auth_ctx *ctx, int64_t case_id, int64_t claim_id, json_t **out);
/* Per currency and year of the order date (within [from, to], YYYY-MM-DD, NULL or "" open):
 * frozen, seized (freezing or seizure orders executed, whatever happened next), confiscated
 * (orders confiscated or realised: their amount), realised (realised amounts) and allocated, in
 * minor units. Needs justice.read; the investigations of the caller's scope. A JSON array of
 * {currency, year, frozen, seized, confiscated, realised, allocated} sorted by currency and year. */
enum status asset_totals(const struct auth_ctx *ctx, const char *from, const char *to, json_t **out);

#endif
