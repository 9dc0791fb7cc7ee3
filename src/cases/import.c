/* import: case files into the registry. Two passes over the file: the first computes its SHA-256
 * (the source keys name it), the second reads it record by record (csv.c, or the JSON scanner
 * here) and creates a case per record. The records of one transaction are read again when the
 * store retries it, so a transaction starts by seeking to where its batch starts and by cutting
 * the rejects file back to its length then. */
#include "cases/import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cases/cases.h"
#include "cases/cases_int.h"
#include "cases/csv.h"
#include "cases/dedup.h"
#include "cases/vocab.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define IMPORT_PROGRESS_ROWS 256 /* rows between progress reports */
#define IMPORT_READ_CHUNK 65536

enum import_format { FMT_CTDC_VP, FMT_HTCDS_CSV, FMT_HTCDS_JSON, FMT_ODK_CSV };

static const struct {
    const char *name;
    enum import_format fmt;
} formats[] = {
    {"ctdc-vp", FMT_CTDC_VP},
    {"htcds-csv", FMT_HTCDS_CSV},
    {"htcds-json", FMT_HTCDS_JSON},
    {"odk-csv", FMT_ODK_CSV},
};

bool case_import_format_known(const char *format)
{
    for (size_t i = 0; format != NULL && i < ARRAY_LEN(formats); i++) {
        if (strcmp(formats[i].name, format) == 0) {
            return true;
        }
    }
    return false;
}

char *case_import_duplicates_path(const char *path, const struct case_import_options *opt)
{
    if (opt != NULL && opt->duplicates_path != NULL && opt->duplicates_path[0] != '\0') {
        return xstrdup(opt->duplicates_path);
    }
    return xasprintf("%s.duplicates.csv", path);
}

char *case_import_rejects_path(const char *path, const struct case_import_options *opt)
{
    if (opt != NULL && opt->rejects_path != NULL && opt->rejects_path[0] != '\0') {
        return xstrdup(opt->rejects_path);
    }
    return xasprintf("%s.rejects.csv", path);
}

/* ---- columns ------------------------------------------------------------------------------- */

/* What a column of a CSV file feeds. */
enum col_kind {
    COL_IGNORE,
    COL_FIELD,     /* a field, through case_value_parse */
    COL_STATUS,    /* the case status */
    COL_OPENED,    /* the opening time */
    COL_YEAR_BAND, /* CTDC yearRegister: a year or a band of years */
    COL_FLAG_FORCED_LABOUR,
    COL_FLAG_SEXUAL_EXPLOIT,
};

struct column {
    enum col_kind kind;
    int field;
    bool odk_known;                 /* an ODK column ctis knows and leaves out (metadata, option columns) */
    char name[ERR_FIELD_BYTES_MAX]; /* as the header writes it, for messages */
};

static const struct {
    const char *column;
    enum col_kind kind;
    enum case_field_id field;
} ctdc_columns[] = {
    {"yearRegister", COL_YEAR_BAND, CASE_F_year_registered},
    {"gender", COL_FIELD, CASE_F_gender},
    {"majorityStatus", COL_FIELD, CASE_F_majority_status},
    {"isForcedLabour", COL_FLAG_FORCED_LABOUR, CASE_F_exploitation_types},
    {"isSexualExploit", COL_FLAG_SEXUAL_EXPLOIT, CASE_F_exploitation_types},
    {"UN_COO_Region", COL_FIELD, CASE_F_citizenship_region},
    {"UN_COE_Region", COL_FIELD, CASE_F_exploitation_region},
    {"IP_Exploiter", COL_FIELD, CASE_F_perp_exploiter},
    {"IP_Gender", COL_FIELD, CASE_F_perp_genders},
    {"IP_ageBroad", COL_FIELD, CASE_F_perp_age_bands},
    {"IP_citizen_UNRegion", COL_FIELD, CASE_F_perp_citizen_regions},
    {"IP_Relation", COL_FIELD, CASE_F_perp_relations},
    {"IP_PayMoney", COL_FIELD, CASE_F_perp_paid},
    {"IP_RecruiterBroker", COL_FIELD, CASE_F_perp_recruiter_broker},
    {"IP_TransactionProcess", COL_FIELD, CASE_F_perp_transaction},
    {"IP_ControlAbuseKidnap", COL_FIELD, CASE_F_perp_control_abuse_kidnap},
};

/* Columns of ODK Central and KoBoToolbox exports that describe the submission, not the case. */
static const char *const odk_meta[] = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "audit",
    "instanceID",
    "instanceName",
    "uuid",
    "__version__",
    "version",
    "KEY",
    "SubmissionDate",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
};

/* Questions of the HTCDS XLSForm (toolkit/htcds_xlsform.xlsx, sheet survey) that ctis has no field
 * for: their answers would be lost, so they count as unknown columns. */
static const char *const odk_unmapped[] = {
    "con_Consent",
    "prs_Salutation",
    "prs_Title",
    "prs_HomePhone",
    "prs_MailingCity",
    "prs_MailingState",
    "prs_MailingPostalCode",
    "vic_LocationOfRecruitment",
    "vic_LocationOfExploitation",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
};

static bool name_in(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(list[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* The field of an XLSForm question name: an HTCDS or ctis name, also as the XLSForm spells some
 * (prs_First_Name for prs_FirstName, vic_Methods_of_Control for vic_MethodsOfControl). */
static int odk_field(const char *name)
{
    int f = case_field_find(name);
    const char *under = strchr(name, '_');
    if (f >= 0 || under == NULL) {
        return f;
    }
    char squeezed[ERR_FIELD_BYTES_MAX];
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < sizeof squeezed; p++) {
        if (*p != '_' || p == under) {
            squeezed[n++] = *p;
        }
    }
    squeezed[n] = '\0';
    return case_field_find(squeezed);
}

/* ---- the JSON scanner ---------------------------------------------------------------------- */

/* Where the scanner stands between two records. */
enum json_state { JS_START, JS_ARRAY_FIRST, JS_ARRAY_NEXT, JS_LINES, JS_END };

struct json_src {
    FILE *in;
    unsigned char *chunk;
    size_t chunk_len, chunk_pos;
    bool eof, io_error;
    int64_t pos, line;
    enum json_state state;
    bool fatal;          /* the file is not JSON lines or an array of objects */
    struct buf rec;      /* the current record's text */
    int64_t record_line; /* where it starts */
};

static int js_next_byte(struct json_src *js)
{
    if (js->chunk_pos == js->chunk_len) {
        if (js->eof) {
            return -1;
        }
        js->chunk_len = fread(js->chunk, 1, IMPORT_READ_CHUNK, js->in);
        js->chunk_pos = 0;
        if (js->chunk_len == 0) {
            js->eof = true;
            js->io_error = ferror(js->in) != 0;
            return -1;
        }
    }
    js->pos++;
    return js->chunk[js->chunk_pos++];
}

static enum status js_seek(struct json_src *js, int64_t offset, int64_t line, enum json_state state)
{
    if (fseeko(js->in, (off_t)offset, SEEK_SET) != 0) {
        return err_set(STATUS_IO, "cannot seek in the input file");
    }
    js->chunk_len = js->chunk_pos = 0;
    js->eof = js->io_error = false;
    js->pos = offset;
    js->line = line;
    js->state = state;
    return STATUS_OK;
}

/* The next byte that is not JSON white space (-1 at the end). */
static int js_skip_space(struct json_src *js)
{
    for (;;) {
        int c = js_next_byte(js);
        if (c == '\n') {
            js->line++;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return c;
        }
    }
}

/* Reads the object that starts with the '{' just read into js->rec. STATUS_OK, or a record error
 * after which the scanner stands past the object (STATUS_TOO_LARGE, STATUS_INVALID), or
 * STATUS_INVALID with js->fatal set when the object never ends. */
static enum status js_object(struct json_src *js)
{
    buf_reset(&js->rec);
    enum status st = STATUS_OK;
    int depth = 0;
    bool in_string = false, escape = false;
    for (int c = '{';; c = js_next_byte(js)) {
        if (c < 0) {
            if (js->io_error) {
                return err_set(STATUS_IO, "cannot read the input file");
            }
            js->fatal = true;
            return err_set(STATUS_INVALID, "line %lld: a JSON object is never closed", (long long)js->record_line);
        }
        if (c == '\n') {
            js->line++;
        }
        if (st == STATUS_OK) {
            char ch = (char)c;
            if (buf_append(&js->rec, &ch, 1) != STATUS_OK) {
                st = err_set(STATUS_TOO_LARGE, "line %lld: the record is longer than the limit",
                             (long long)js->record_line);
            }
        }
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > JSON_DEPTH_MAX && st == STATUS_OK) {
                st = err_set(STATUS_INVALID, "line %lld: the record nests deeper than the limit",
                             (long long)js->record_line);
            }
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                return st == STATUS_OK ? STATUS_OK : err_set(st, "%s", err_last());
            }
        }
    }
}

static enum status js_fatal(struct json_src *js, const char *what)
{
    js->fatal = true;
    return err_set(STATUS_INVALID, "line %lld: %s", (long long)js->line, what);
}

/* The next record: STATUS_OK (js->rec holds it), STATUS_DONE, a record error (the scanner is past
 * the record), or STATUS_INVALID with js->fatal set when the file is not JSON lines or an array of
 * objects (nothing after that point can be read). */
static enum status js_next(struct json_src *js)
{
    for (;;) {
        int c = js_skip_space(js);
        js->record_line = js->line;
        if (js->io_error) {
            return err_set(STATUS_IO, "cannot read the input file");
        }
        switch (js->state) {
        case JS_START:
            if (c == 0xEF) { /* a UTF-8 byte order mark */
                if (js_next_byte(js) != 0xBB || js_next_byte(js) != 0xBF) {
                    return js_fatal(js, "not JSON");
                }
                continue;
            }
            if (c == '[') {
                js->state = JS_ARRAY_FIRST;
                continue;
            }
            js->state = JS_LINES;
            if (c < 0) {
                return STATUS_DONE;
            }
            break;
        case JS_ARRAY_FIRST:
            if (c == ']') {
                js->state = JS_END;
                continue;
            }
            js->state = JS_ARRAY_NEXT;
            break;
        case JS_ARRAY_NEXT:
            if (c == ']') {
                js->state = JS_END;
                continue;
            }
            if (c != ',') {
                return js_fatal(js, "expected ',' or ']' between the records of the array");
            }
            c = js_skip_space(js);
            js->record_line = js->line;
            break;
        case JS_LINES:
            if (c < 0) {
                return STATUS_DONE;
            }
            break;
        case JS_END:
            if (c < 0) {
                return STATUS_DONE;
            }
            return js_fatal(js, "text after the end of the array");
        }
        if (c != '{') {
            return js_fatal(js, "expected a JSON object (a case)");
        }
        return js_object(js);
    }
}

/* ---- one import ---------------------------------------------------------------------------- */

/* A place in the file between two records. */
struct src_pos {
    int64_t offset;
    int64_t line;
    enum json_state js_state;
};

/* A record whose case could not be created: the batch runs again without it. */
struct bad_line {
    int64_t line;
    char field[ERR_FIELD_BYTES_MAX];
    char reason[ERR_MESSAGE_BYTES_MAX];
};

struct import_run {
    const struct auth_ctx *ctx;
    enum import_format fmt;
    const char *format;
    const char *name; /* the file's base name, for messages */
    const struct case_import_options *opt;
    int64_t agency_id;
    int64_t batch_rows; /* 0: the whole file in one transaction */
    FILE *in;
    int64_t total_bytes;
    char sha256[65];

    struct csv_reader *csv;
    struct json_src js;
    struct column *cols;
    size_t ncols;

    struct src_pos start; /* where the current batch starts */
    struct src_pos end;   /* where it stopped */
    bool eof;
    struct case_import_summary done; /* committed */
    struct case_import_summary cur;  /* with the batch being run */

    bool redo;
    struct bad_line *bad;
    size_t nbad, capbad;

    FILE *rejects;
    off_t rejects_start;
    FILE *dups; /* the duplicates file */
    off_t dups_start;
};

static int64_t src_offset(const struct import_run *run)
{
    return run->fmt == FMT_HTCDS_JSON ? run->js.pos : csv_reader_offset(run->csv);
}

static void src_tell(const struct import_run *run, struct src_pos *p)
{
    if (run->fmt == FMT_HTCDS_JSON) {
        *p = (struct src_pos){run->js.pos, run->js.line, run->js.state};
    } else {
        *p = (struct src_pos){csv_reader_offset(run->csv), csv_reader_next_line(run->csv), JS_START};
    }
}

static enum status src_seek(struct import_run *run, const struct src_pos *p)
{
    if (run->fmt == FMT_HTCDS_JSON) {
        return js_seek(&run->js, p->offset, p->line, p->js_state);
    }
    return csv_reader_seek(run->csv, p->offset, p->line);
}

/* Reads the next CSV record that is not a blank line. */
static enum status csv_next_nonblank(struct import_run *run)
{
    enum status st;
    while ((st = csv_reader_next(run->csv)) == STATUS_OK && csv_reader_blank(run->csv)) {
    }
    return st;
}

static void rejects_write(struct import_run *run, int64_t line, const char *field, const char *reason, bool cells)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)line);
    csv_write_cell(run->rejects, num, true);
    csv_write_cell(run->rejects, field, false);
    csv_write_cell(run->rejects, reason, false);
    if (cells && run->fmt == FMT_HTCDS_JSON) {
        csv_write_cell(run->rejects, buf_str(&run->js.rec), false);
    } else if (cells) {
        for (size_t i = 0; i < csv_reader_count(run->csv); i++) {
            csv_write_cell(run->rejects, csv_reader_field(run->csv, i), false);
        }
    }
    csv_write_end(run->rejects);
}

/* A bad record: the end of the import, or with skip_bad a line of the rejects file. */
static enum status row_bad(struct import_run *run, int64_t line, enum status st, const char *field, const char *reason,
                           bool cells)
{
    if (!run->opt->skip_bad) {
        return err_set_field(st, field, "%s: line %lld: %s", run->name, (long long)line, reason);
    }
    rejects_write(run, line, field, reason, cells);
    run->cur.rejected++;
    if (ferror(run->rejects)) {
        return err_set(STATUS_IO, "cannot write the rejects file");
    }
    return STATUS_OK;
}

/* A cell's value for field f; errors name the column when it is not named after the field. */
static enum status cell_parse(struct case_record *r, const struct column *col, const char *text)
{
    enum status st = case_value_parse(r, (enum case_field_id)col->field, text);
    if (st != STATUS_OK && strcasecmp(col->name, case_fields[col->field].name) != 0) {
        st = err_set_field(st, case_fields[col->field].name, "column %s: %s", col->name, err_last());
    }
    return st;
}

/* prs_Citizenship is a multi-select in HTCDS: the first country into citizenship, the others
 * into other_citizenships. */
static enum status citizenship_cell(struct case_record *r, const struct column *col, const char *text)
{
    enum status st = case__citizenships_parse(r, text);
    if (st != STATUS_OK && strcasecmp(col->name, case_fields[col->field].name) != 0) {
        st = err_set_field(st, case_fields[col->field].name, "column %s: %s", col->name, err_last());
    }
    return st;
}

/* CTDC yearRegister: "2019" or a band "2005-2013", kept as its first year. */
static enum status year_band_parse(struct case_record *r, const struct column *col, const char *text)
{
    char year[5];
    size_t n = strlen(text);
    bool ok = (n == 4 || (n == 9 && text[4] == '-'));
    for (size_t i = 0; ok && i < n; i++) {
        ok = i == 4 || (text[i] >= '0' && text[i] <= '9');
    }
    if (ok && n == 9 && strncmp(text, text + 5, 4) > 0) {
        ok = false;
    }
    if (!ok) {
        return err_set_field(STATUS_INVALID, case_fields[col->field].name,
                             "column %s: a year or a range of years (2005-2013)", col->name);
    }
    memcpy(year, text, 4);
    year[4] = '\0';
    return cell_parse(r, col, year);
}

/* Status names a file may give; case_create opens every case Active, so only those that a later
 * close can give are accepted. */
static enum status status_parse(const char *text, char out[24])
{
    static const char *const allowed[] = {CASE_STATUS_ACTIVE, "Closed", "ClosedReferred"};
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++) {
        if (strcasecmp(text, allowed[i]) == 0) {
            snprintf(out, 24, "%s", allowed[i]);
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_INVALID, "status", "status: Active, Closed or ClosedReferred");
}

static enum status opened_parse(const char *text, int64_t *out)
{
    if (util_time_parse(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, "opened_at", "opened_at: an ISO 8601 date or date-time");
    }
    /* util_time_parse reads whole seconds; the milliseconds case_export writes are kept too, so
     * that cases come back in the same order. */
    if (strlen(text) > 20 && text[19] == '.') {
        int64_t ms = 0;
        for (int i = 20, k = 0; k < 3; k++) {
            ms = ms * 10 + (text[i] >= '0' && text[i] <= '9' ? text[i++] - '0' : 0);
        }
        *out += ms;
    }
    return STATUS_OK;
}

/* The fields of the current CSV record into r. */
static enum status record_from_cells(struct import_run *run, struct case_record *r, char status[24])
{
    size_t n = csv_reader_count(run->csv);
    if (n != run->ncols) {
        return err_set(STATUS_INVALID, "%zu cells where the header has %zu", n, run->ncols);
    }
    int flags_known = 0;
    int64_t flags = 0;
    for (size_t i = 0; i < n; i++) {
        const struct column *col = &run->cols[i];
        const char *text = csv_reader_field(run->csv, i);
        enum status st = STATUS_OK;
        switch (col->kind) {
        case COL_IGNORE: break;
        case COL_FIELD:
            if (run->fmt == FMT_ODK_CSV &&
                (case_fields[col->field].type == CF_MULTI || case_fields[col->field].type == CF_CODES ||
                 col->field == CASE_F_citizenship)) {
                /* ODK separates the answers of a select_multiple with spaces. */
                char *codes = xstrdup(text);
                for (char *p = codes; *p; p++) {
                    *p = *p == ' ' ? ';' : *p;
                }
                st = col->field == CASE_F_citizenship ? citizenship_cell(r, col, codes) : cell_parse(r, col, codes);
                free(codes);
            } else if (col->field == CASE_F_citizenship) {
                st = citizenship_cell(r, col, run->fmt == FMT_HTCDS_CSV ? csv_cell_unguard(text) : text);
            } else {
                st = cell_parse(r, col, run->fmt == FMT_HTCDS_CSV ? csv_cell_unguard(text) : text);
            }
            break;
        case COL_STATUS:
            if (text[0] != '\0') {
                st = status_parse(text, status);
            }
            break;
        case COL_OPENED:
            if (text[0] != '\0') {
                st = opened_parse(text, &r->opened_at_ms);
            }
            break;
        case COL_YEAR_BAND:
            if (text[0] != '\0') {
                st = year_band_parse(r, col, text);
            }
            break;
        case COL_FLAG_FORCED_LABOUR:
        case COL_FLAG_SEXUAL_EXPLOIT: {
            const char *code = col->kind == COL_FLAG_FORCED_LABOUR ? "ForcedLabour" : "SexualExploitation";
            int bit = vocab_index(case_fields[col->field].vocab, code);
            if (text[0] == '\0') {
                break; /* not collected */
            }
            if (bit < 0 || (strcmp(text, "1") != 0 && strcmp(text, "0") != 0)) {
                st = err_set_field(STATUS_INVALID, case_fields[col->field].name, "column %s: 1, 0 or blank", col->name);
                break;
            }
            flags_known = 1;
            if (text[0] == '1') {
                flags |= (int64_t)1 << bit;
            }
            break;
        }
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    if (flags_known) {
        r->v[CASE_F_exploitation_types].state = CASE_SET;
        r->v[CASE_F_exploitation_types].i = flags;
    }
    return STATUS_OK;
}

/* The fields of a JSON record into r. "citizenship" (or prs_Citizenship) may be an array, as
 * HTCDS has it: the first country goes to citizenship, the others to other_citizenships. */
static enum status citizenships_json(struct case_record *r, json_t *fields)
{
    if (!json_is_object(fields)) {
        return case_record_from_json(r, fields, false);
    }
    const char *key;
    json_t *val, *list = NULL;
    json_object_foreach(fields, key, val)
    {
        if (json_is_array(val) && case_field_find(key) == CASE_F_citizenship) {
            list = val;
            break;
        }
    }
    if (list == NULL) {
        return case_record_from_json(r, fields, false);
    }
    json_t *copy = json_copy(fields);
    json_object_del(copy, key);
    enum status st = case_record_from_json(r, copy, false);
    json_decref(copy);
    struct buf b = BUF_INIT(CSV_FIELD_BYTES_MAX);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (st == STATUS_OK && !json_is_string(item)) {
            st = err_set_field(STATUS_INVALID, "citizenship", "citizenship: an array of country codes");
        }
        if (st == STATUS_OK) {
            st = buf_printf(&b, "%s%s", i ? ";" : "", json_string_value(item));
        }
    }
    if (st == STATUS_OK) {
        st = case__citizenships_parse(r, buf_str(&b));
    }
    buf_free(&b);
    return st;
}

/* The fields of the current JSON record into r. */
static enum status record_from_json(struct import_run *run, struct case_record *r, char status[24])
{
    json_error_t jerr;
    json_t *o = json_loadb(buf_str(&run->js.rec), run->js.rec.len, JSON_REJECT_DUPLICATES, &jerr);
    enum status st = STATUS_OK;
    if (o == NULL || !json_is_object(o)) {
        /* Not jerr.text: it may quote the record. */
        st = err_set(STATUS_INVALID, "not a valid JSON object");
        goto out;
    }
    json_t *fields = json_object_get(o, "fields");
    if (fields == NULL) {
        st = err_set_field(STATUS_INVALID, "fields", "fields: missing");
        goto out;
    }
    st = citizenships_json(r, fields);
    if (st != STATUS_OK) {
        goto out;
    }
    json_t *s = json_object_get(o, "status");
    if (s != NULL && !json_is_null(s)) {
        st = json_is_string(s) ? status_parse(json_string_value(s), status)
                               : err_set_field(STATUS_INVALID, "status", "status: a text value");
        if (st != STATUS_OK) {
            goto out;
        }
    }
    json_t *opened = json_object_get(o, "opened_at");
    if (opened != NULL && !json_is_null(opened)) {
        st = json_is_string(opened) ? opened_parse(json_string_value(opened), &r->opened_at_ms)
                                    : err_set_field(STATUS_INVALID, "opened_at", "opened_at: a text value");
    }
out:
    json_decref(o);
    return st;
}

static const struct bad_line *bad_find(const struct import_run *run, int64_t line)
{
    for (size_t i = 0; i < run->nbad; i++) {
        if (run->bad[i].line == line) {
            return &run->bad[i];
        }
    }
    return NULL;
}

static void bad_add(struct import_run *run, int64_t line, const char *field, const char *reason)
{
    if (run->nbad == run->capbad) {
        run->capbad = run->capbad ? run->capbad * 2 : 8;
        run->bad = xrealloc(run->bad, run->capbad * sizeof *run->bad);
    }
    struct bad_line *b = &run->bad[run->nbad++];
    b->line = line;
    snprintf(b->field, sizeof b->field, "%s", field);
    snprintf(b->reason, sizeof b->reason, "%s", reason);
}

static bool row_error(enum status st)
{
    return st == STATUS_INVALID || st == STATUS_TOO_LARGE;
}

/* Lists the likely duplicates of a case just imported from `line` in the duplicates file. */
static enum status duplicates_note(struct import_run *run, int64_t line, const struct case_record *rec)
{
    /* A strong match needs a name and the birth date, a full one: a year alone ("1990") is
     * shared by thousands of people in a large registry, too weak to block on. */
    bool named = false;
    for (int f = 0; f < CASE_F__COUNT && !named; f++) {
        named = case_fields[f].bidx == CB_TOKENS && rec->v[f].state == CASE_SET;
    }
    const struct case_value *born = &rec->v[CASE_F_birth_date];
    if (run->opt->no_duplicates || !named || born->state != CASE_SET || born->text == NULL ||
        strlen(born->text) != 10) {
        return STATUS_OK;
    }
    struct case_duplicate *d = NULL;
    size_t n = 0;
    enum status st = case_duplicates_of_new(run->ctx, rec->id, &case_scorer_simple, IMPORT_DUPLICATES_PER_ROW, &d, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        char num[3][24], score[16];
        snprintf(num[0], sizeof num[0], "%lld", (long long)line);
        snprintf(num[1], sizeof num[1], "%lld", (long long)rec->id);
        snprintf(num[2], sizeof num[2], "%lld", (long long)d[i].id);
        snprintf(score, sizeof score, "%.2f", d[i].score);
        const char *cells[] = {num[0], num[1], num[2], score, d[i].why};
        st = csv_write_row(run->dups, cells, ARRAY_LEN(cells));
    }
    if (st == STATUS_OK && n > 0) {
        run->cur.possible_duplicates++;
    }
    free(d);
    return st;
}

/* Reads one record and creates its case. STATUS_DONE at the end of the file. */
static enum status import_one(struct import_run *run)
{
    const struct auth_ctx *ctx = run->ctx;
    enum status st = run->fmt == FMT_HTCDS_JSON ? js_next(&run->js) : csv_next_nonblank(run);
    if (st == STATUS_DONE) {
        return st;
    }
    int64_t line = run->fmt == FMT_HTCDS_JSON ? run->js.record_line : csv_reader_line(run->csv);
    if (st != STATUS_OK && (!row_error(st) || run->js.fatal)) {
        /* The file cannot be read further: name it. */
        return err_set(st, "%s: %s", run->name, err_last());
    }
    run->cur.read++;
    if (st != STATUS_OK) {
        /* The reader's message already names the line. */
        char reason[ERR_MESSAGE_BYTES_MAX];
        const char *msg = err_last();
        const char *colon = strncmp(msg, "line ", 5) == 0 ? strstr(msg, ": ") : NULL;
        snprintf(reason, sizeof reason, "%s", colon ? colon + 2 : msg);
        return row_bad(run, line, st, "", reason, false);
    }
    const struct bad_line *known = bad_find(run, line);
    if (known != NULL) {
        return row_bad(run, line, STATUS_INVALID, known->field, known->reason, true);
    }
    struct case_record rec;
    case_record_init(&rec);
    char status[24] = CASE_STATUS_ACTIVE;
    st = run->fmt == FMT_HTCDS_JSON ? record_from_json(run, &rec, status) : record_from_cells(run, &rec, status);
    if (st != STATUS_OK) {
        case_record_clear(&rec);
        return row_error(st) ? row_bad(run, line, st, err_last_field(), err_last(), true) : st;
    }
    rec.source_key = xasprintf("sha256:%s:%lld", run->sha256, (long long)line);
    rec.agency_id = run->agency_id;
    /* No read-back: a new case is at version 1. */
    st = case_create(ctx, &rec, NULL);
    if (st == STATUS_OK && strcmp(status, CASE_STATUS_ACTIVE) != 0) {
        st = case_close(ctx, rec.id, 1, status, NULL);
    }
    if (st == STATUS_OK) {
        st = duplicates_note(run, line, &rec);
    }
    case_record_clear(&rec);
    if (st == STATUS_OK) {
        run->cur.imported++;
    } else if (st == STATUS_CONFLICT) {
        run->cur.already_imported++;
        st = STATUS_OK;
    } else if (row_error(st)) {
        if (!run->opt->skip_bad) {
            return row_bad(run, line, st, err_last_field(), err_last(), true);
        }
        /* The transaction may be unusable after a failed statement: run the batch again with
         * this record among the rejects. */
        bad_add(run, line, err_last_field(), err_last());
        run->redo = true;
        return st;
    } else if (st != STATUS_OK) {
        return err_set_field(st, err_last_field()[0] ? err_last_field() : NULL, "%s: line %lld: %s", run->name,
                             (long long)line, err_last());
    }
    if (st == STATUS_OK && run->opt->progress != NULL && run->cur.read % IMPORT_PROGRESS_ROWS == 0) {
        run->opt->progress(run->cur.read, src_offset(run), run->total_bytes, run->opt->progress_arg);
    }
    return st;
}

static void summary_detail(const struct import_run *run, const struct case_import_summary *s, char *out, size_t size)
{
    snprintf(out, size,
             "format=%s sha256=%s read=%lld imported=%lld already_imported=%lld rejected=%lld possible_duplicates=%lld",
             run->format, run->sha256, (long long)s->read, (long long)s->imported, (long long)s->already_imported,
             (long long)s->rejected, (long long)s->possible_duplicates);
}

/* One transaction: the records from run->start, up to batch_rows of them (or all). */
static enum status import_batch(const struct auth_ctx *ctx, void *arg)
{
    struct import_run *run = arg;
    run->cur = run->done;
    run->redo = false;
    run->eof = false;
    enum status st = src_seek(run, &run->start);
    if (st != STATUS_OK) {
        return st;
    }
    if (run->rejects != NULL) {
        if (fflush(run->rejects) != 0 || ftruncate(fileno(run->rejects), run->rejects_start) != 0 ||
            fseeko(run->rejects, run->rejects_start, SEEK_SET) != 0) {
            return err_set(STATUS_IO, "cannot write the rejects file");
        }
    }
    if (fflush(run->dups) != 0 || ftruncate(fileno(run->dups), run->dups_start) != 0 ||
        fseeko(run->dups, run->dups_start, SEEK_SET) != 0) {
        return err_set(STATUS_IO, "cannot write the duplicates file");
    }
    for (int64_t rows = 0; run->batch_rows == 0 || rows < run->batch_rows; rows++) {
        st = import_one(run);
        if (st == STATUS_DONE) {
            run->eof = true;
            break;
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    src_tell(run, &run->end);
    if (run->rejects != NULL && fflush(run->rejects) != 0) {
        return err_set(STATUS_IO, "cannot write the rejects file");
    }
    if (fflush(run->dups) != 0) {
        return err_set(STATUS_IO, "cannot write the duplicates file");
    }
    if (run->eof) {
        char detail[AUDIT_DETAIL_BYTES_MAX];
        summary_detail(run, &run->cur, detail, sizeof detail);
        st = auth_audit(ctx, "case.import", "case", 0, "ok", detail);
    }
    return st;
}

/* ---- the set-up ---------------------------------------------------------------------------- */

static enum status deny_audited(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    return auth_check(ctx, "case.write", NULL, AUTH_FG_NONE, true, "import");
}

static enum status agency_check(const struct auth_ctx *ctx, void *arg)
{
    struct auth_agency *a = NULL;
    enum status st = auth_agency_get(ctx, *(const int64_t *)arg, &a);
    auth_agency_free(a);
    return st;
}

static enum status failure_audit(const struct auth_ctx *ctx, void *arg)
{
    return auth_audit(ctx, "case.import", "case", 0, "failed", arg);
}

/* Reads the whole file once for its SHA-256 and size, then goes back to its start. */
static enum status file_digest(struct import_run *run)
{
    struct vault_sha256 h;
    vault_sha256_init(&h);
    unsigned char *chunk = xmalloc(IMPORT_READ_CHUNK);
    size_t n;
    run->total_bytes = 0;
    while ((n = fread(chunk, 1, IMPORT_READ_CHUNK, run->in)) > 0) {
        vault_sha256_update(&h, chunk, n);
        run->total_bytes += (int64_t)n;
    }
    free(chunk);
    if (ferror(run->in) || fseeko(run->in, 0, SEEK_SET) != 0) {
        return err_set(STATUS_IO, "%s: cannot read the file", run->name);
    }
    uint8_t digest[VAULT_SHA256_BYTES];
    vault_sha256_final(&h, digest);
    util_hex_encode(run->sha256, digest, sizeof digest);
    return STATUS_OK;
}

static void column_name_copy(char out[ERR_FIELD_BYTES_MAX], const char *text)
{
    snprintf(out, ERR_FIELD_BYTES_MAX, "%s", text);
}

/* An ODK or KoBoToolbox column: "group/question" (KoBo), "group-question" (ODK Central),
 * "question/option" for the 0/1 columns of a select_multiple (left out: the question's own column
 * has the same answers), or metadata. */
static void odk_column(struct column *col, bool *dup, bool field_seen[CASE_F__COUNT], bool *status_seen)
{
    char prefix[ERR_FIELD_BYTES_MAX];
    const char *base = col->name;
    const char *slash = strrchr(col->name, '/');
    prefix[0] = '\0';
    if (slash != NULL) {
        snprintf(prefix, sizeof prefix, "%.*s", (int)(slash - col->name), col->name);
        base = slash + 1;
        const char *inner = strrchr(prefix, '/');
        int pf = odk_field(inner ? inner + 1 : prefix);
        if (pf >= 0 && case_fields[pf].type == CF_MULTI) {
            col->odk_known = true;
            return;
        }
    }
    const char *dash = strrchr(base, '-');
    for (int pass = 0; pass < 2; pass++) {
        if (base[0] == '_' || name_in(odk_meta, ARRAY_LEN(odk_meta), base)) {
            col->odk_known = true;
            return;
        }
        if (strcasecmp(base, "cas_Status") == 0) {
            *dup = *status_seen;
            *status_seen = true;
            col->kind = COL_STATUS;
            return;
        }
        int f = odk_field(base);
        if (f >= 0) {
            *dup = field_seen[f];
            field_seen[f] = true;
            col->kind = COL_FIELD;
            col->field = f;
            return;
        }
        if (dash == NULL) {
            break;
        }
        /* "question-option": a select_multiple's 0/1 column in ODK Central's naming. */
        char before[ERR_FIELD_BYTES_MAX];
        snprintf(before, sizeof before, "%.*s", (int)(dash - base), base);
        const char *inner = strrchr(before, '-');
        int pf = odk_field(inner ? inner + 1 : before);
        if (pf >= 0 && case_fields[pf].type == CF_MULTI) {
            col->odk_known = true;
            return;
        }
        base = dash + 1;
    }
    /* Unknown: the caller decides; messages use the question's own name. */
    if (base != col->name) {
        memmove(col->name, base, strlen(base) + 1);
    }
}

/* Reads the header row of a CSV format and decides what each column feeds. */
static enum status header_read(struct import_run *run)
{
    enum status st = csv_next_nonblank(run);
    if (st == STATUS_DONE) {
        return err_set(STATUS_INVALID, "%s: the file is empty (no header row)", run->name);
    }
    if (st != STATUS_OK) {
        return err_set(st, "%s: header: %s", run->name, err_last());
    }
    if (run->fmt == FMT_ODK_CSV && csv_reader_count(run->csv) == 1 && strchr(csv_reader_field(run->csv, 0), ';')) {
        /* KoBoToolbox can export with ';' between cells. */
        csv_reader_set_separator(run->csv, ';');
        st = csv_reader_seek(run->csv, 0, 1);
        if (st == STATUS_OK) {
            st = csv_next_nonblank(run);
        }
        if (st != STATUS_OK) {
            return err_set(st == STATUS_DONE ? STATUS_INVALID : st, "%s: header: %s", run->name, err_last());
        }
    }
    run->ncols = csv_reader_count(run->csv);
    run->cols = xcalloc(run->ncols, sizeof *run->cols);
    bool ctdc_seen[ARRAY_LEN(ctdc_columns)] = {false};
    bool field_seen[CASE_F__COUNT] = {false};
    bool status_seen = false, opened_seen = false, id_seen = false;
    for (size_t i = 0; i < run->ncols; i++) {
        struct column *col = &run->cols[i];
        const char *name = csv_reader_field(run->csv, i);
        while (*name == ' ') {
            name++;
        }
        column_name_copy(col->name, name);
        size_t len = strlen(col->name);
        while (len > 0 && col->name[len - 1] == ' ') {
            col->name[--len] = '\0';
        }
        bool dup = false;
        col->kind = COL_IGNORE;
        if (run->fmt == FMT_CTDC_VP) {
            for (size_t k = 0; k < ARRAY_LEN(ctdc_columns); k++) {
                if (strcasecmp(col->name, ctdc_columns[k].column) == 0) {
                    dup = ctdc_seen[k];
                    ctdc_seen[k] = true;
                    col->kind = ctdc_columns[k].kind;
                    col->field = (int)ctdc_columns[k].field;
                }
            }
        } else if (run->fmt == FMT_ODK_CSV) {
            odk_column(col, &dup, field_seen, &status_seen);
        } else if (strcasecmp(col->name, "id") == 0) {
            dup = id_seen;
            id_seen = true;
            col->kind = COL_IGNORE; /* ids are given anew */
        } else if (strcasecmp(col->name, "status") == 0 || strcasecmp(col->name, "cas_Status") == 0) {
            dup = status_seen;
            status_seen = true;
            col->kind = COL_STATUS;
        } else if (strcasecmp(col->name, "opened_at") == 0) {
            dup = opened_seen;
            opened_seen = true;
            col->kind = COL_OPENED;
        } else {
            int f = case_field_find(col->name);
            if (f >= 0) {
                dup = field_seen[f];
                field_seen[f] = true;
                col->kind = COL_FIELD;
                col->field = f;
            }
        }
        if (dup) {
            return err_set_field(STATUS_INVALID, col->name, "%s: header: column %s appears twice", run->name,
                                 col->name);
        }
        bool known = col->kind != COL_IGNORE || col->odk_known ||
                     (run->fmt == FMT_HTCDS_CSV && id_seen && strcasecmp(col->name, "id") == 0);
        if (!known && !run->opt->ignore_unknown_columns && run->fmt == FMT_ODK_CSV &&
            name_in(odk_unmapped, ARRAY_LEN(odk_unmapped), col->name)) {
            return err_set_field(STATUS_INVALID, col->name,
                                 "%s: header: ctis has no field for column %s (ignore unknown columns to leave it out)",
                                 run->name, col->name);
        }
        if (!known && !run->opt->ignore_unknown_columns) {
            return err_set_field(STATUS_INVALID, col->name,
                                 "%s: header: unknown column %s (check its spelling, or ignore unknown columns)",
                                 run->name, col->name);
        }
    }
    for (size_t k = 0; run->fmt == FMT_CTDC_VP && k < ARRAY_LEN(ctdc_columns); k++) {
        if (!ctdc_seen[k]) {
            return err_set_field(STATUS_INVALID, ctdc_columns[k].column, "%s: header: column %s is missing", run->name,
                                 ctdc_columns[k].column);
        }
    }
    if (run->rejects != NULL) {
        csv_write_cell(run->rejects, "line", true);
        csv_write_cell(run->rejects, "field", false);
        csv_write_cell(run->rejects, "reason", false);
        for (size_t i = 0; i < run->ncols; i++) {
            csv_write_cell(run->rejects, csv_reader_field(run->csv, i), false);
        }
        csv_write_end(run->rejects);
    }
    return STATUS_OK;
}

static enum status rejects_open(struct import_run *run, const char *path)
{
    char *rpath = case_import_rejects_path(path, run->opt);
    int fd = open(rpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(rpath);
    if (fd < 0 || (run->rejects = fdopen(fd, "w")) == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return err_set(STATUS_IO, "cannot create the rejects file");
    }
    if (run->fmt == FMT_HTCDS_JSON) {
        static const char *const head[] = {"line", "field", "reason", "record"};
        return csv_write_row(run->rejects, head, ARRAY_LEN(head));
    }
    return STATUS_OK;
}

static enum status dups_open(struct import_run *run, const char *path)
{
    char *dpath = case_import_duplicates_path(path, run->opt);
    int fd = open(dpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(dpath);
    if (fd < 0 || (run->dups = fdopen(fd, "w")) == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return err_set(STATUS_IO, "cannot create the duplicates file");
    }
    static const char *const head[] = {"line", "case_id", "duplicate_of", "score", "why"};
    return csv_write_row(run->dups, head, ARRAY_LEN(head));
}

/* Keeps the error of the import across the audit of its failure. */
static void audit_failure(struct import_run *run, enum status st)
{
    if (st == STATUS_DENIED) {
        return; /* auth_run has audited the denial */
    }
    char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX], detail[AUDIT_DETAIL_BYTES_MAX];
    snprintf(msg, sizeof msg, "%s", err_last());
    snprintf(field, sizeof field, "%s", err_last_field());
    struct case_import_summary s = run->done;
    s.read = run->cur.read;
    summary_detail(run, &s, detail, sizeof detail);
    auth_run(run->ctx, failure_audit, detail);
    err_set_field(st, field[0] ? field : NULL, "%s", msg);
}

enum status case_import(const struct auth_ctx *ctx, const char *format, const char *path,
                        const struct case_import_options *opt_in, struct case_import_summary *out)
{
    static const struct case_import_options defaults = {0};
    memset(out, 0, sizeof *out);
    struct import_run run;
    memset(&run, 0, sizeof run);
    run.ctx = ctx;
    run.format = format;
    run.opt = opt_in != NULL ? opt_in : &defaults;
    run.name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    buf_init(&run.js.rec, IMPORT_JSON_RECORD_BYTES_MAX);
    enum status st = STATUS_OK;
    bool started = false;

    size_t fi = 0;
    while (fi < ARRAY_LEN(formats) && (format == NULL || strcmp(formats[fi].name, format) != 0)) {
        fi++;
    }
    if (fi == ARRAY_LEN(formats)) {
        return err_set_field(STATUS_INVALID, "format", "format: ctdc-vp, htcds-csv, htcds-json or odk-csv");
    }
    run.fmt = formats[fi].fmt;
    if (auth_decide(ctx, "case.write", NULL, AUTH_FG_NONE, true) != STATUS_OK) {
        st = auth_run(ctx, deny_audited, NULL);
        return st == STATUS_OK ? err_set(STATUS_DENIED, "not permitted: case.write") : st;
    }
    run.agency_id = ctx->who->operator? run.opt->agency_id : ctx->who->agency_id;
    if (run.agency_id <= 0) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: name the agency that will hold the cases");
    }
    if (ctx->who->operator) {
        st = auth_run(ctx, agency_check, &run.agency_id);
        if (st != STATUS_OK) {
            return st == STATUS_NOT_FOUND ? err_set_field(STATUS_NOT_FOUND, "agency_id", "agency_id: no such agency")
                                          : st;
        }
    }
    run.batch_rows = 0;
    if (run.opt->skip_bad) {
        run.batch_rows = run.opt->batch_rows > 0 ? run.opt->batch_rows : IMPORT_BATCH_ROWS;
    }

    run.in = fopen(path, "rb");
    if (run.in == NULL) {
        return err_set(errno == ENOENT ? STATUS_NOT_FOUND : STATUS_IO, "%s: cannot open the file", run.name);
    }
    st = file_digest(&run);
    if (st != STATUS_OK) {
        goto out;
    }
    snprintf(out->sha256, sizeof out->sha256, "%s", run.sha256);
    if (run.opt->skip_bad) {
        st = rejects_open(&run, path);
        if (st != STATUS_OK) {
            goto out;
        }
    }
    st = dups_open(&run, path);
    if (st != STATUS_OK) {
        goto out;
    }
    if (run.fmt == FMT_HTCDS_JSON) {
        run.js.in = run.in;
        run.js.chunk = xmalloc(IMPORT_READ_CHUNK);
        run.js.line = 1;
        run.start = (struct src_pos){0, 1, JS_START};
    } else {
        run.csv = csv_reader_new(run.in);
        st = header_read(&run);
        if (st != STATUS_OK) {
            goto out;
        }
        src_tell(&run, &run.start);
    }
    if (run.rejects != NULL) {
        fflush(run.rejects);
        run.rejects_start = ftello(run.rejects);
    }
    fflush(run.dups);
    run.dups_start = ftello(run.dups);
    started = true;

    int redo = 0;
    for (;;) {
        st = auth_run(ctx, import_batch, &run);
        if (st != STATUS_OK && run.redo && redo < IMPORT_REDO_MAX) {
            redo++;
            continue;
        }
        if (st != STATUS_OK) {
            break;
        }
        run.done = run.cur;
        run.start = run.end;
        run.nbad = 0;
        redo = 0;
        if (run.rejects != NULL) {
            run.rejects_start = ftello(run.rejects);
        }
        run.dups_start = ftello(run.dups);
        if (run.eof) {
            break;
        }
    }
    if (run.opt->progress != NULL) {
        run.opt->progress(run.cur.read, src_offset(&run), run.total_bytes, run.opt->progress_arg);
    }
out:
    *out = run.done;
    out->read = run.cur.read;
    snprintf(out->sha256, sizeof out->sha256, "%s", run.sha256);
    if (st != STATUS_OK && started) {
        audit_failure(&run, st);
    }
    if (run.rejects != NULL && fclose(run.rejects) != 0 && st == STATUS_OK) {
        st = err_set(STATUS_IO, "cannot write the rejects file");
    }
    if (run.dups != NULL) {
        /* Only committed pairs stay listed: drop what the failed batch wrote. */
        bool keep = out->possible_duplicates > 0;
        if (keep && (fflush(run.dups) != 0 || ftruncate(fileno(run.dups), run.dups_start) != 0)) {
            keep = false;
        }
        if (fclose(run.dups) != 0 && keep && st == STATUS_OK) {
            st = err_set(STATUS_IO, "cannot write the duplicates file");
        }
        if (!keep) {
            char *dp = case_import_duplicates_path(path, run.opt);
            unlink(dp);
            free(dp);
        }
    }
    csv_reader_free(run.csv);
    free(run.js.chunk);
    buf_free(&run.js.rec);
    free(run.cols);
    free(run.bad);
    fclose(run.in);
    return st;
}
