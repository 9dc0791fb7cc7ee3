/* fuzz_import: libFuzzer harness for the file imports that write to the store (issue 10, part
 * F), each run end to end against a real SQLite database in /dev/shm (or /tmp), as the operator:
 * the case imports (case_import in the formats ctdc-vp, htcds-csv, htcds-json and odk-csv, whole
 * file and skip_bad), the UNODC/GLOTIP import (glotip_import, CSV or XLSX by its magic), the
 * population CSV (stats_population_import), the Trust Fund's rate CSV (fund_rate_import_csv)
 * and the Plan's ratification CSV (plan_ratify_import_csv). Checked: no crash, leak or sanitizer
 * report; a clean status with a message (OK, INVALID, TOO_LARGE, or CONFLICT for a file imported
 * before); the counts of a case import add up, and a whole-file import that fails writes
 * nothing. The database is made again every ENV_RUNS inputs so that it stays small. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "fuzz_env.h"
#include "cases/import.h"
#include "fund/rates.h"
#include "plan/ratify.h"
#include "stats/glotip.h"
#include "stats/regions.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void clean(enum status st)
{
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE || st == STATUS_CONFLICT);
    ASSERT(st == STATUS_OK || err_last()[0] != '\0');
}

/* The number of cases in the store. */
static int64_t case_count(void)
{
    struct store_rows *rows = NULL;
    ASSERT(store_exec_one(env.store, STMT_CASE_COUNT, NULL, 0, &rows) == STATUS_OK);
    int64_t n = store_rows_i64(rows, 0);
    store_rows_free(rows);
    return n;
}

static void import_cases(const char *format, bool skip_bad)
{
    char rejects[256], dups[256];
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", env.file);
    snprintf(dups, sizeof dups, "%s.duplicates.csv", env.file);
    struct case_import_options opt = {.skip_bad = skip_bad,
                                      .rejects_path = rejects,
                                      .duplicates_path = dups,
                                      .ignore_unknown_columns = skip_bad,
                                      .agency_id = env.agency_id,
                                      .batch_rows = 3};
    struct case_import_summary sum;
    int64_t before = case_count();
    enum status st = case_import(&env.ctx, format, env.file, &opt, &sum);
    fuzz_note(format, st);
    clean(st);
    ASSERT(sum.imported >= 0 && sum.already_imported >= 0 && sum.rejected >= 0);
    ASSERT(sum.imported + sum.already_imported + sum.rejected <= sum.read);
    if (!skip_bad && st != STATUS_OK) {
        ASSERT(case_count() == before);
    } else if (st == STATUS_OK) {
        ASSERT(case_count() == before + sum.imported);
    }
    unlink(rejects);
    unlink(dups);
}

struct text_import {
    int kind;
    const char *text;
    size_t len;
};

static enum status op_text_import(const struct auth_ctx *ctx, void *p)
{
    struct text_import *t = p;
    json_t *out = NULL;
    enum status st = STATUS_OK;
    if (t->kind == 0) {
        struct glotip_summary sum;
        st = glotip_import(ctx, "fuzz.csv", t->text, t->len, &sum);
        glotip_summary_clear(&sum);
    } else if (t->kind == 1) {
        size_t rows = 0;
        st = stats_population_import(ctx, "population.csv", t->text, t->len, &rows);
    } else if (t->kind == 2) {
        st = fund_rate_import_csv(ctx, "rates.csv", t->text, t->len, &out);
    } else {
        st = plan_ratify_import_csv(ctx, "ratify.csv", t->text, t->len, &out);
    }
    ASSERT(st != STATUS_OK || t->kind < 2 || out != NULL);
    json_decref(out);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_env_next();

    FILE *f = fopen(env.file, "wb");
    ASSERT(f != NULL);
    ASSERT(size == 0 || fwrite(data, 1, size, f) == size);
    ASSERT(fclose(f) == 0);
    static const char *const formats[] = {"ctdc-vp", "htcds-csv", "htcds-json", "odk-csv"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        import_cases(formats[i], false);
        import_cases(formats[i], true);
    }

    /* The server hands a body NUL-terminated. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    for (int kind = 0; kind < 4; kind++) {
        struct text_import t = {kind, text, size};
        static const char *const names[] = {"glotip_import", "stats_population_import", "fund_rate_import_csv",
                                            "plan_ratify_import_csv"};
        enum status st = auth_run(&env.ctx, op_text_import, &t);
        fuzz_note(names[kind], st);
        clean(st);
    }
    free(text);
    return 0;
}
