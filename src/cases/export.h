/* export: writes the cases the principal may read to a stream, page by page.
 *
 * Formats:
 *   htcds-csv  a header row, then one row per case: id, status, opened_at, then every field by its
 *              ctis name in registry order (fields.def); codes, ';'-joined multi codes, TRUE/FALSE,
 *              "unknown", "not applicable", "" when not collected. Cells a spreadsheet would run as
 *              formulas are guarded with a leading single quote (csv_write_cell);
 *   htcds-json JSON lines: {"status":..,"opened_at":..,"fields":{..}} per case, keys in that order and
 *              fields in registry order, values as case_record_to_json writes them. No ids or
 *              times of the database, so exporting, importing into an empty database and exporting
 *              again gives the same bytes;
 *   ctdc-kanon the 63 columns of CTDC's k-anonymised global dataset (export_ctdc.c), k-anonymous
 *              on its quasi-identifiers by generalisation and suppression (kanon.h); never a
 *              personal field (with_personal is refused). The rows are written sorted by their
 *              values, so their order says nothing of the database.
 * Personal (sealed) fields are written only when opt->with_personal is set, and then only those
 * of the field groups the principal may read; by default an export carries none. Needs
 * case.export (and case.read); audited once as "case.export" with the format, the count and
 * whether personal fields were included (each page read is audited by case_list, each personal
 * read by case_get). Runs its own transactions, one per page: call it outside a transaction. */
#ifndef CTIS_CASES_EXPORT_H
#define CTIS_CASES_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "auth/auth.h"
#include "util/status.h"

/* Called after each page with the number of cases written so far. */
typedef void (*case_export_progress_fn)(int64_t rows_done, void *arg);

struct kanon_report;

struct case_export_options {
    bool with_personal;
    size_t k;                         /* ctdc-kanon: the k (0: KANON_K_DEFAULT) */
    struct kanon_report *report;      /* ctdc-kanon: filled when not NULL */
    case_export_progress_fn progress; /* may be NULL */
    void *progress_arg;
};

/* Writes the cases to out in `format` ("htcds-csv", "htcds-json" or "ctdc-kanon"). opt may be NULL (the
 * defaults); *count_out (may be NULL) receives the number of cases written. Errors:
 * STATUS_INVALID (unknown format), STATUS_DENIED, STATUS_IO (writing failed), store and vault
 * errors. What was written before an error stays written: the caller discards the output. */
enum status case_export(const struct auth_ctx *ctx, const char *format, FILE *out,
                        const struct case_export_options *opt, int64_t *count_out);

/* True when format names an export format. */
bool case_export_format_known(const char *format);

#endif
