/* export: pages of case_list (up to PAGE_ROWS_MAX cases each, one transaction each) are written
 * into memory first and to the output only once their transaction has committed, since the store
 * may run a transaction more than once. Personal fields come from case_get (lists leave most of
 * them sealed). */
#include "cases/export.h"
#include "cases/cases_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/csv.h"
#include "cases/export_ctdc.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

enum export_format { EXP_HTCDS_CSV, EXP_HTCDS_JSON };

bool case_export_format_known(const char *format)
{
    return format != NULL &&
           (strcmp(format, "htcds-csv") == 0 || strcmp(format, "htcds-json") == 0 || strcmp(format, "ctdc-kanon") == 0);
}

struct export_run {
    enum export_format fmt;
    bool include[CASE_F__COUNT]; /* the fields written */
    bool personal;               /* some personal field group is included */
    int64_t opened_from_ms;      /* the range of opening times of this pass (0: open) */
    int64_t opened_to_ms;
    int64_t offset;
    size_t page_count;   /* cases in the last page read */
    size_t page_written; /* of which written (consent leaves some out) */
    char *page;          /* the last page, formatted */
    size_t page_len;
};

static void csv_header(const struct export_run *run, FILE *out)
{
    csv_write_cell(out, "id", true);
    csv_write_cell(out, "status", false);
    csv_write_cell(out, "opened_at", false);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (run->include[f]) {
            csv_write_cell(out, case_fields[f].name, false);
        }
    }
    csv_write_end(out);
}

static void csv_case(const struct export_run *run, const struct case_record *r, FILE *out)
{
    char num[24], opened[32];
    snprintf(num, sizeof num, "%lld", (long long)r->id);
    util_time_iso(opened, r->opened_at_ms);
    csv_write_cell(out, num, true);
    csv_write_cell(out, r->status, false);
    csv_write_cell(out, opened, false);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (run->include[f]) {
            char *text = r->withheld[f] ? NULL : case_value_format(r, (enum case_field_id)f);
            csv_write_cell(out, text, false);
            if (text != NULL) {
                memset(text, 0, strlen(text)); /* may be personal */
                free(text);
            }
        }
    }
    csv_write_end(out);
}

/* Writes a JSON value compactly; strings stay UTF-8. */
static void json_put(FILE *out, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    ASSERT(s != NULL);
    fputs(s, out);
    memset(s, 0, strlen(s)); /* may be personal */
    free(s);
}

static void json_case(const struct export_run *run, const struct case_record *r, FILE *out)
{
    char opened[32];
    util_time_iso(opened, r->opened_at_ms);
    json_t *whole = case_record_to_json(r);
    json_t *fields = json_object_get(whole, "fields");
    json_t *status = json_string(r->status);
    json_t *at = json_string(opened);
    fputs("{\"status\":", out);
    json_put(out, status);
    fputs(",\"opened_at\":", out);
    json_put(out, at);
    fputs(",\"fields\":{", out);
    bool first = true;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        json_t *v = run->include[f] ? json_object_get(fields, case_fields[f].name) : NULL;
        if (v == NULL) {
            continue;
        }
        json_t *key = json_string(case_fields[f].name);
        if (!first) {
            fputc(',', out);
        }
        first = false;
        json_put(out, key);
        fputc(':', out);
        json_put(out, v);
        json_decref(key);
    }
    fputs("}}\n", out);
    json_decref(status);
    json_decref(at);
    json_decref(whole);
}

/* One page: list the cases, read the personal ones whole, format them into run->page. */
static enum status export_page(const struct auth_ctx *ctx, void *arg)
{
    struct export_run *run = arg;
    if (run->page != NULL) {
        memset(run->page, 0, run->page_len); /* may be personal */
    }
    free(run->page);
    run->page = NULL;
    run->page_len = 0;
    run->page_count = 0;
    run->page_written = 0;
    struct case_filter filter = {.opened_from_ms = run->opened_from_ms,
                                 .opened_to_ms = run->opened_to_ms,
                                 .limit = PAGE_ROWS_MAX,
                                 .offset = run->offset,
                                 .codes_only = !run->personal};
    struct case_record **list = NULL;
    size_t count = 0;
    enum status st = case_list(ctx, &filter, &list, &count);
    if (st != STATUS_OK) {
        return st;
    }
    FILE *mem = open_memstream(&run->page, &run->page_len);
    ASSERT(mem != NULL);
    for (size_t i = 0; i < count && st == STATUS_OK; i++) {
        struct case_record *whole = NULL;
        const struct case_record *r = list[i];
        /* Consent: no personal export without data use, no outside export without research use. */
        int64_t flags = 0;
        st = case__consent_flags(ctx, list[i]->id, &flags);
        if (st != STATUS_OK) {
            break;
        }
        if (!case_consent_allows(flags, run->personal ? CASE_USE_PERSONAL_EXPORT : CASE_USE_RESEARCH)) {
            continue;
        }
        if (run->personal) {
            st = case_get(ctx, list[i]->id, &whole);
            if (st != STATUS_OK) {
                break;
            }
            r = whole;
        }
        run->page_written++;
        if (run->fmt == EXP_HTCDS_CSV) {
            csv_case(run, r, mem);
        } else {
            json_case(run, r, mem);
        }
        case_record_free(whole);
    }
    case_list_free(list, count);
    if (fclose(mem) != 0 && st == STATUS_OK) {
        st = err_set(STATUS_IO, "cannot format the export");
    }
    run->page_count = count;
    return st;
}

static enum status deny_audited(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    return auth_check(ctx, "case.export", NULL, AUTH_FG_NONE, false, "export");
}

struct export_audit {
    const char *detail;
    bool ok;
};

static enum status export_audit(const struct auth_ctx *ctx, void *arg)
{
    const struct export_audit *a = arg;
    if (a->ok) {
        return auth_check(ctx, "case.export", NULL, AUTH_FG_NONE, false, a->detail);
    }
    return auth_audit(ctx, "case.export", "case", 0, "failed", a->detail);
}

enum status case_export(const struct auth_ctx *ctx, const char *format, FILE *out,
                        const struct case_export_options *opt, int64_t *count_out)
{
    static const struct case_export_options defaults = {0};
    if (opt == NULL) {
        opt = &defaults;
    }
    if (count_out != NULL) {
        *count_out = 0;
    }
    if (!case_export_format_known(format)) {
        return err_set_field(STATUS_INVALID, "format", "format: htcds-csv, htcds-json or ctdc-kanon");
    }
    bool ctdc = strcmp(format, "ctdc-kanon") == 0;
    if (ctdc && opt->with_personal) {
        return err_set_field(STATUS_INVALID, "with_personal", "ctdc-kanon carries no personal field");
    }
    if (auth_decide(ctx, "case.export", NULL, AUTH_FG_NONE, false) != STATUS_OK) {
        enum status st = auth_run(ctx, deny_audited, NULL);
        return st == STATUS_OK ? err_set(STATUS_DENIED, "not permitted: case.export") : st;
    }
    if (ctdc) {
        return case__export_ctdc_kanon(ctx, out, opt, count_out);
    }
    struct export_run run;
    memset(&run, 0, sizeof run);
    run.fmt = strcmp(format, "htcds-csv") == 0 ? EXP_HTCDS_CSV : EXP_HTCDS_JSON;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        enum auth_field_group g = case_fields[f].group;
        bool personal = g != AUTH_FG_NONE || case_field_sealed((enum case_field_id)f);
        run.include[f] = !personal || (opt->with_personal && auth_field_allowed(ctx->who, g, false));
        run.personal = run.personal || (personal && run.include[f]);
    }
    if (run.fmt == EXP_HTCDS_CSV) {
        csv_header(&run, out);
    }
    enum status st = STATUS_OK;
    int64_t written = 0;
    /* Pages by offset in two passes: the cases opened up to the start of the export (cases added
     * meanwhile do not shift them, as they sort first), then those opened after it. */
    int64_t start = util_now_ms();
    run.opened_to_ms = start;
    for (int pass = 0; pass < 2 && st == STATUS_OK;) {
        st = auth_run(ctx, export_page, &run);
        if (st != STATUS_OK) {
            break;
        }
        if (run.page_len > 0 && fwrite(run.page, 1, run.page_len, out) != run.page_len) {
            st = err_set(STATUS_IO, "cannot write the export");
            break;
        }
        written += (int64_t)run.page_written;
        run.offset += (int64_t)run.page_count;
        if (opt->progress != NULL) {
            opt->progress(written, opt->progress_arg);
        }
        if (run.page_count < PAGE_ROWS_MAX) {
            pass++;
            run.offset = 0;
            run.opened_from_ms = start + 1;
            run.opened_to_ms = 0;
        }
    }
    if (st == STATUS_OK && (fflush(out) != 0 || ferror(out))) {
        st = err_set(STATUS_IO, "cannot write the export");
    }
    if (run.page != NULL) {
        memset(run.page, 0, run.page_len); /* may be personal */
        free(run.page);
    }
    char detail[AUDIT_DETAIL_BYTES_MAX];
    snprintf(detail, sizeof detail, "format=%s count=%lld personal=%s", format, (long long)written,
             run.personal ? "yes" : "no");
    struct export_audit a = {detail, st == STATUS_OK};
    if (st == STATUS_OK) {
        st = auth_run(ctx, export_audit, &a);
    } else if (st != STATUS_DENIED) {
        char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        snprintf(field, sizeof field, "%s", err_last_field());
        auth_run(ctx, export_audit, &a);
        err_set_field(st, field[0] ? field : NULL, "%s", msg);
    }
    if (count_out != NULL) {
        *count_out = written;
    }
    return st;
}
