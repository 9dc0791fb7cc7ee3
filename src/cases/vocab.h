/* vocab: the shared vocabularies (code lists) of ctis: countries (ISO 3166-1 alpha-3, with
 * alpha-2, numeric and UN M49 region and subregion), M49 regions, languages (ISO 639), and the
 * HTCDS v2 code lists (gender, trafficking status, methods of control, types of exploitation,
 * ISIC sections, ...) plus the CTDC ones ctis imports. Each vocabulary has a version; its codes
 * keep their order (a multi-select value is a bitset over it), and a country can extend a
 * vocabulary with codes appended after the built-in ones (table vocab_extensions). Labels in the
 * six UN languages where known. Later parts (referral, justice, stats) reuse these. */
#ifndef CTIS_CASES_VOCAB_H
#define CTIS_CASES_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct store;

/* Loads the built-in vocabularies (embedded) and, when s is not NULL, the extensions stored in
 * the database (with s NULL, none). Safe to call again (reloads extensions). Thread-safe for
 * readers after it.
 * (The readers below load the built-in vocabularies themselves when vocab_init was not called.) */
enum status vocab_init(struct store *s);
/* Frees everything; no reader may run during or after it (tests, shutdown). */
void vocab_shutdown(void);

/* The names of all vocabularies; *count set. */
const char *const *vocab_names(size_t *count);
bool vocab_exists(const char *vocab);
/* The version string of a vocabulary, e.g. "htcds-2.0", "iso3166-2024", "m49-2024". */
const char *vocab_version(const char *vocab);
/* Number of codes; the code at position i (NULL past the end). */
size_t vocab_size(const char *vocab);
/* Number of built-in codes (extensions come after them). */
size_t vocab_builtin_size(const char *vocab);
const char *vocab_code(const char *vocab, size_t i);
/* Position of an exact code, or -1. */
int vocab_index(const char *vocab, const char *code);
/* Reads a value as people and files write it: the code in any case, an English label, a known
 * alias (CTDC "Female" for gender Feminine, "Adult"/"Minor", ISO alpha-2 or numeric codes for
 * countries, English country names); spaces, '-' and '_' ignored. *code_out is the canonical code
 * (borrowed, static). STATUS_INVALID with a message naming the vocabulary when unknown. */
enum status vocab_parse(const char *vocab, const char *text, const char **code_out);
/* The label of a code in a language (ar, en, es, fr, ru, zh); falls back to English, then the
 * code. Never NULL. */
const char *vocab_label(const char *vocab, const char *code, const char *lang);
/* For a country code (alpha-3): its M49 region code name (e.g. "Africa") and subregion
 * ("Western Africa"); NULL when unknown. The subregion is the M49 intermediate region in
 * Sub-Saharan Africa and Latin America and the Caribbean (as CTDC and UNODC use them: "Western
 * Africa", "Central America"), and the M49 sub-region elsewhere ("Eastern Europe"). */
const char *vocab_country_region(const char *iso3);
const char *vocab_country_subregion(const char *iso3);
/* The M49 sub-region as M49 names it ("Sub-Saharan Africa") and the intermediate region
 * ("Western Africa"; NULL where M49 has none). */
const char *vocab_country_m49_subregion(const char *iso3);
const char *vocab_country_m49_intermediate(const char *iso3);
/* ISO 3166-1 alpha-2 ("NG") and numeric ("566") codes of a built-in country; NULL when unknown. */
const char *vocab_country_alpha2(const char *iso3);
const char *vocab_country_numeric(const char *iso3);

/* Adds a code to a vocabulary (stored in vocab_extensions; must run in a write transaction).
 * STATUS_CONFLICT when the code exists. labels_json: {"en":"..","fr":"..",...}.
 * The code is visible in this process at once (even if the caller's transaction later rolls
 * back, until the next vocab_init); other processes see it after their next vocab_init.
 * Codes: ISO-shaped for country ("XKX") and language ("qaa"), else 1 to 64 of [A-Za-z0-9_+.-];
 * a vocabulary other than country and language holds at most 64 codes (STATUS_TOO_LARGE). */
enum status vocab_extend(struct store *s, const char *vocab, const char *code, const char *labels_json);

#endif
