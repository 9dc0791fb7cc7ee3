/* import: loads case files into the registry, streaming, with bounded memory.
 *
 * Formats:
 *   ctdc-vp    the CTDC Victim-Perpetrator synthetic dataset (CTDC_VPsynthetic_condensed.csv, 16
 *              columns); a blank cell is "not collected", as the codebook says; yearRegister bands
 *              ("2005-2013") are kept as their first year;
 *   htcds-csv  a header row of HTCDS names (prs_Gender, ...) or ctis field names in any case, plus
 *              the columns id (ignored), status and opened_at written by case_export;
 *   htcds-json JSON lines (or one JSON array) of objects as case_record_to_json and case_export
 *              write them: "fields" (required), "status" and "opened_at" (optional), others ignored;
 *   odk-csv    an ODK Central or KoBoToolbox CSV export of the HTCDS XLSForm
 *              (toolkit/htcds_xlsform.xlsx): group paths ("person/prs_Gender", "person-prs_Gender")
 *              and submission metadata are understood, select_multiple answers are space-separated
 *              (their 0/1 option columns are left out), ';' between cells is detected; questions
 *              ctis has no field for (con_Consent, prs_Salutation, ...) are unknown columns.
 * A status (a CSV column or a JSON key) may be Active, Closed or ClosedReferred (case_create opens
 * every case Active; the others are reached with case_close); FollowUp cannot be imported yet.
 *
 * Every record becomes a case through case_create with the source key
 * "sha256:<SHA-256 of the whole file, hex>:<line>", so importing the same file again adds nothing
 * (those rows count as already imported). By default the whole file is one transaction: the first
 * bad row stops the import, nothing is written, and the error names the file, the line and the
 * field. With skip_bad, the good rows are imported in transactions of batch_rows and the bad ones
 * are written to the rejects file (CSV: line, field, reason, then the original cells; it holds
 * personal data, so it is created with mode 0600). Each case is audited by case_create; the
 * import adds one "case.import" entry with its counts.
 *
 * Each imported record with a name and a full birth date (a day, not a year or a month) is checked
 * for strong likely duplicates among the cases the principal may read, earlier rows of the same
 * file included (case_duplicates_of_new: the same birth date and most name words);
 * the pairs go to the duplicates file (CSV: line, case_id, duplicate_of, score, why; ids and
 * scores only, mode 0600), which is removed when there are none or nothing was imported.
 * Merging them is left to a person (case_merge).
 *
 * case_import runs its own transactions on ctx->store: call it outside a transaction (never
 * through auth_run). It needs case.write, checked first. */
#ifndef CTIS_CASES_IMPORT_H
#define CTIS_CASES_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Called every few hundred rows and at the end: rows read so far, bytes of the file read so far,
 * the file's size. */
typedef void (*case_import_progress_fn)(int64_t rows_done, int64_t bytes_done, int64_t bytes_total, void *arg);

struct case_import_options {
    bool skip_bad;                    /* import the good rows; write the bad ones to the rejects file */
    const char *rejects_path;         /* NULL: "<path>.rejects.csv" */
    const char *duplicates_path;      /* NULL: "<path>.duplicates.csv" */
    bool no_duplicates;               /* skip the duplicates check (a bulk migration of known-clean data) */
    bool ignore_unknown_columns;      /* htcds-csv, ctdc-vp: skip columns ctis does not know */
    int64_t agency_id;                /* the agency that holds the cases; needed when the principal is
                                         the operator (who belongs to none), ignored otherwise */
    int64_t batch_rows;               /* rows per transaction with skip_bad; 0: IMPORT_BATCH_ROWS */
    case_import_progress_fn progress; /* may be NULL */
    void *progress_arg;
};

struct case_import_summary {
    int64_t read;                /* records read (blank lines and the header not counted) */
    int64_t imported;            /* cases created */
    int64_t already_imported;    /* records whose source key exists: nothing added */
    int64_t rejected;            /* bad records (skip_bad only) */
    int64_t possible_duplicates; /* imported records with likely duplicates (in the duplicates file) */
    char sha256[65];             /* of the file, hex */
};

/* Imports `path` in `format` ("ctdc-vp", "htcds-csv", "htcds-json" or "odk-csv"). opt may be NULL (the
 * defaults). *out is filled whatever the result (on failure: what was read before it; with
 * skip_bad, what the committed batches hold). Errors: STATUS_INVALID (a bad row, a bad header,
 * an unknown format or column), STATUS_TOO_LARGE (a record past the CSV or JSON limits),
 * STATUS_DENIED, STATUS_NOT_FOUND (no such file), STATUS_IO. */
enum status case_import(const struct auth_ctx *ctx, const char *format, const char *path,
                        const struct case_import_options *opt, struct case_import_summary *out);

/* The duplicates file case_import writes for path and opt (caller frees). */
char *case_import_duplicates_path(const char *path, const struct case_import_options *opt);

/* The rejects file case_import writes for path and opt (caller frees). */
char *case_import_rejects_path(const char *path, const struct case_import_options *opt);

/* True when format names an import format. */
bool case_import_format_known(const char *format);

#endif
