/* generate: synthetic but plausible victim cases for demonstration data and benchmarks. A seed
 * gives the same record every time. Names come in the scripts of the person's country (Latin
 * with and without diacritics, Arabic, Cyrillic, Thai, Devanagari, Ethiopic, Chinese); genders,
 * countries, types of exploitation and methods of control follow frequencies of the order CTDC
 * publishes. Nothing here is real data: names are drawn from common-name lists, identity numbers
 * and phones are random, e-mail addresses are under example.org. */
#ifndef CTIS_CASES_GENERATE_H
#define CTIS_CASES_GENERATE_H

#include <stdint.h>
#include <stdio.h>

#include "cases/cases.h"
#include "util/status.h"

/* Fills r (initialised by the caller with case_record_init; its previous values are cleared)
 * with a generated case: fields, and opened_at_ms within the year of registration. Fields that
 * case_create derives (age, majority status, regions) are left for it. Needs vocab_init. */
void case_generate_row(struct case_record *r, uint64_t seed);

/* Writes `rows` generated cases as htcds-csv (the header opened_at and every field by its ctis
 * name, as case_import reads it); row i comes from a seed derived from `seed` and i. STATUS_IO
 * when writing fails. */
enum status case_generate_csv(FILE *out, int64_t rows, uint64_t seed);

/* Adds 0 to 2 perpetrators and 0 to 2 support plans (no personal text) to case case_id, chosen
 * by seed, and records its consent checklist (95 %: of which about one in ten refuses research
 * use), through the records and consent operations (so inside the caller's transaction,
 * audited). */
struct auth_ctx;
enum status case_generate_records(const struct auth_ctx *ctx, int64_t case_id, uint64_t seed);

#endif
