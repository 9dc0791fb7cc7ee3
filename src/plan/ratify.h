/* ratify: the ratification register of the instruments the Plan of Action names (issue 9, item 2;
 * Plan para 4, resolution op. para 3).
 *
 * One row per state (ISO 3166-1 alpha-3 of the country vocabulary) and instrument (a code of the
 * Plan's data of kind "treaty": untoc, tip_protocol, ..., uncac): the signature date, the act that
 * made the state a party (ratification, accession, acceptance, approval or succession) and its
 * date, the reservations and declarations (the state's public text) and the source of the entry
 * ("UN Treaty Collection, as of 2026-06-01"). Each write raises the row's version (If-Match) and
 * keeps a copy in the history. A state is a "party" when the act is recorded, "signed" when only
 * the signature is, else "none".
 *
 * Dates are YYYY-MM-DD, none in the future; a signature after the act is refused; an act needs
 * its date and a date its act. Reading needs plan.read, writing plan.write (checked before the
 * input); one audit entry per call. Plan records are national data: no personal data, no purge. */
#ifndef CTIS_PLAN_RATIFY_H
#define CTIS_PLAN_RATIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define PLAN_RAT_RESERVATIONS_BYTES_MAX 8000
#define PLAN_RAT_SOURCE_BYTES_MAX 200
#define PLAN_RAT_IMPORT_ROWS_MAX 20000
/* if_version for plan_ratify_set: no precondition (the CLI and imports replace). */
#define PLAN_RAT_ANY_VERSION (-1)

/* Sets the row of (state, instrument) from {"signature", "act", "act_date", "reservations",
 * "source"} (every member optional; absent means none: the row is replaced whole). if_version:
 * PLAN_RAT_ANY_VERSION, 0 when the row must not exist yet (STATUS_PRECONDITION when it does), or
 * the version read (STATUS_PRECONDITION when stale, as on the case routes). *out: the row as plan_ratify_get gives it.
 * Needs plan.write. */
enum status plan_ratify_set(const struct auth_ctx *ctx, const char *state, const char *instrument, const json_t *in,
                            int64_t if_version, json_t **out);
/* One row with its history (newest first): {state, instrument, signature, act, act_date,
 * reservations, source, status, version, updated_at_ms, history: [...]}. STATUS_NOT_FOUND when
 * absent. Needs plan.read. */
enum status plan_ratify_get(const struct auth_ctx *ctx, const char *state, const char *instrument, json_t **out);
/* The rows, optionally of one state and/or instrument (NULL or "": all): {"ratifications": [...]};
 * with a state, also "instruments": that state's status for every treaty instrument of the Plan.
 * Needs plan.read. */
enum status plan_ratify_list(const struct auth_ctx *ctx, const char *state, const char *instrument, json_t **out);
/* Imports a CSV file with the header state,instrument,signature,act,act_date,reservations,source
 * (any order; signature..source optional) in the caller's transaction: every row or none. Errors
 * name the file, the line and the field ("ratify.csv:12: act_date: ..."); a row replaces the
 * stored one (a new version); a state and instrument twice in one file is refused.
 * *out: {"imported": n, "file": name}. Needs plan.write. */
enum status plan_ratify_import_csv(const struct auth_ctx *ctx, const char *file_name, const char *text, size_t len,
                                   json_t **out);
/* Coverage: per treaty instrument (or only instrument, when given), how many states of the
 * country vocabulary are parties, signed only, or neither, for the world and, with by "region"
 * or "subregion", per GLOTIP region or subregion (src/stats/regions.h, the overrides in effect;
 * unmapped countries count in the world only), and the list of parties. by NULL or "": the world
 * only. {"by", "instruments": [{instrument, name, groups: [{code, states, parties, signed,
 * neither}], parties: [{state, act, act_date}]}]}. Needs plan.read. */
enum status plan_ratify_coverage(const struct auth_ctx *ctx, const char *instrument, const char *by, json_t **out);

#endif
