/* export_ctdc: the ctdc-kanon export (CTDC's k-anonymised global dataset, 63 columns), called by
 * case_export after its permission check. Internal to the cases module: the interface is
 * case_export (export.h) with format "ctdc-kanon". */
#ifndef CTIS_CASES_EXPORT_CTDC_H
#define CTIS_CASES_EXPORT_CTDC_H

#include <stdint.h>
#include <stdio.h>

#include "auth/auth.h"
#include "cases/export.h"
#include "util/status.h"

/* The 63 column names, in the layout's order. */
#define CTDC_COLUMNS 63
extern const char *const ctdc_column_names[CTDC_COLUMNS];

/* Reads the cases the principal may list (page by page, one transaction each), anonymises them
 * (k = opt->k, KANON_K_DEFAULT when 0) and writes the CSV to out; fills opt->report when set.
 * Audited as case.export (format, count, k, dropped, smallest group). */
enum status case__export_ctdc_kanon(const struct auth_ctx *ctx, FILE *out, const struct case_export_options *opt,
                                    int64_t *count_out);

#endif
