/* xlsx_read: one worksheet of an .xlsx as a stream of rows (see xlsx_read.h). The workbook
 * (xl/workbook.xml) names the sheets in order and gives each a relationship id; its
 * relationships (xl/_rels/workbook.xml.rels) give the sheet's part and the shared strings'.
 * The shared strings are read whole (bounded), the sheet is parsed as it inflates. */
#include "xlsx/xlsx_read.h"

#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

#define XLSX_CHUNK 65536
#define XLSX_NAME_MAX 512

enum part { PART_WORKBOOK, PART_RELS, PART_STRINGS, PART_SHEET };

struct xr {
    XML_Parser p;
    enum part part;
    enum status st; /* the first error of a handler (or the callback's status) */
    /* workbook and relationships */
    const char *sheet_want;
    char *sheet_rid;
    char *sheet_target;
    char *strings_target;
    /* shared strings */
    char **ss;
    size_t ss_n, ss_cap;
    int in_si, in_t, in_rph, in_is, in_v, in_c;
    struct buf text;
    /* sheet */
    char ctype[16];
    char cref[16];
    int64_t col, next_col;
    int64_t row_number, rows;
    bool in_row;
    char **cells;
    size_t ncells;
    xlsx_row_fn fn;
    void *ctx;
    struct xlsx_sheet_info *info; /* NULL: not asked */
};

static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(atts[i], name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

/* A prefixed attribute by local name (r:id, whatever the prefix). */
static const char *attr_prefixed(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i] != NULL; i += 2) {
        if (strchr(atts[i], ':') != NULL && strcmp(local_name(atts[i]), local) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

static void fail(struct xr *x, enum status st)
{
    if (x->st == STATUS_OK) {
        x->st = st;
    }
    XML_StopParser(x->p, XML_FALSE);
}

/* Column index from letters: -1 no letters, -2 past the limit. */
static int64_t column_of(const char *ref)
{
    int64_t c = 0;
    size_t i = 0;
    for (; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
        c = c * 26 + (ref[i] - 'A' + 1);
        if (c > XLSX_COLUMNS_MAX) {
            return -2;
        }
    }
    return i == 0 ? -1 : c - 1;
}

int64_t xlsx_column_index(const char *ref)
{
    int64_t c = column_of(ref);
    return c < 0 ? -1 : c;
}

static void clear_cells(struct xr *x)
{
    for (size_t i = 0; i < x->ncells; i++) {
        free(x->cells[i]);
        x->cells[i] = NULL;
    }
    x->ncells = 0;
}

static void on_start(void *ud, const char *name, const char **atts)
{
    struct xr *x = ud;
    const char *n = local_name(name);
    switch (x->part) {
    case PART_WORKBOOK:
        if (strcmp(n, "sheet") == 0 && x->sheet_rid == NULL) {
            const char *sname = attr(atts, "name"), *rid = attr_prefixed(atts, "id");
            if (rid != NULL && (x->sheet_want == NULL || (sname != NULL && strcmp(sname, x->sheet_want) == 0))) {
                x->sheet_rid = xstrdup(rid);
            }
        }
        break;
    case PART_RELS:
        if (strcmp(n, "Relationship") == 0) {
            const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
            if (id == NULL || target == NULL || strlen(target) > XLSX_NAME_MAX) {
                break;
            }
            /* Targets are relative to xl/ unless absolute. */
            char *full = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
            if (x->sheet_rid != NULL && strcmp(id, x->sheet_rid) == 0 && x->sheet_target == NULL) {
                x->sheet_target = full;
            } else if (type != NULL && strlen(type) >= 14 && strcmp(type + strlen(type) - 14, "/sharedStrings") == 0 &&
                       x->strings_target == NULL) {
                x->strings_target = full;
            } else {
                free(full);
            }
        }
        break;
    case PART_STRINGS:
        if (strcmp(n, "si") == 0) {
            x->in_si = 1;
            buf_reset(&x->text);
        } else if (strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
            x->in_t = 1;
        }
        break;
    case PART_SHEET:
        if (strcmp(n, "sheetView") == 0 && x->info != NULL) {
            const char *rtl = attr(atts, "rightToLeft");
            x->info->right_to_left = rtl != NULL && (strcmp(rtl, "1") == 0 || strcmp(rtl, "true") == 0);
        } else if (strcmp(n, "row") == 0) {
            const char *r = attr(atts, "r");
            int64_t num = x->row_number + 1;
            if (r != NULL) {
                char *end = NULL;
                long long v = strtoll(r, &end, 10);
                if (end == r || *end != '\0' || v <= x->row_number || v > XLSX_ROWS_MAX) {
                    err_set(STATUS_INVALID, "xlsx: row %lld: bad row number", (long long)num);
                    fail(x, STATUS_INVALID);
                    return;
                }
                num = v;
            }
            if (++x->rows > XLSX_ROWS_MAX || num > XLSX_ROWS_MAX) {
                err_set(STATUS_TOO_LARGE, "xlsx: more than %d rows", XLSX_ROWS_MAX);
                fail(x, STATUS_TOO_LARGE);
                return;
            }
            x->row_number = num;
            x->in_row = true;
            x->next_col = 0;
            clear_cells(x);
        } else if (strcmp(n, "c") == 0 && x->in_row) {
            const char *r = attr(atts, "r"), *t = attr(atts, "t");
            int64_t c = r != NULL ? column_of(r) : x->next_col;
            if (c == -2 || c >= XLSX_COLUMNS_MAX) {
                err_set(STATUS_TOO_LARGE, "xlsx: row %lld: a cell past column %d", (long long)x->row_number,
                        XLSX_COLUMNS_MAX);
                fail(x, STATUS_TOO_LARGE);
                return;
            }
            if (c < 0) {
                err_set(STATUS_INVALID, "xlsx: row %lld: a cell with a bad reference", (long long)x->row_number);
                fail(x, STATUS_INVALID);
                return;
            }
            x->col = c;
            snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
            snprintf(x->cref, sizeof x->cref, "%s", r ? r : "");
            x->in_c = 1;
            buf_reset(&x->text);
        } else if (x->in_c && strcmp(n, "v") == 0) {
            x->in_v = 1;
        } else if (x->in_c && strcmp(n, "is") == 0) {
            x->in_is = 1;
        } else if (x->in_is && strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (x->in_is && strcmp(n, "t") == 0 && !x->in_rph) {
            x->in_t = 1;
        }
        break;
    }
}

static void end_cell(struct xr *x)
{
    const char *v = buf_str(&x->text);
    char *cell = NULL;
    if (strcmp(x->ctype, "s") == 0) {
        char *end = NULL;
        unsigned long long i = strtoull(v, &end, 10);
        if (end == v || *end != '\0' || i >= x->ss_n) {
            err_set(STATUS_INVALID, "xlsx: row %lld: a shared string that does not exist", (long long)x->row_number);
            fail(x, STATUS_INVALID);
            return;
        }
        cell = xstrdup(x->ss[i]);
    } else if (strcmp(x->ctype, "b") == 0) {
        cell = xstrdup(strcmp(v, "1") == 0 ? "TRUE" : "FALSE");
    } else {
        cell = xstrdup(v);
    }
    size_t c = (size_t)x->col;
    free(x->cells[c]);
    x->cells[c] = cell;
    if (c + 1 > x->ncells) {
        x->ncells = c + 1;
    }
    x->next_col = x->col + 1;
}

static void end_row(struct xr *x)
{
    const char **cells = xcalloc(x->ncells ? x->ncells : 1, sizeof *cells);
    for (size_t i = 0; i < x->ncells; i++) {
        cells[i] = x->cells[i] ? x->cells[i] : "";
    }
    enum status st = x->fn(x->ctx, x->row_number, cells, x->ncells);
    free(cells);
    clear_cells(x);
    if (st != STATUS_OK) {
        fail(x, st);
    }
}

static void on_end(void *ud, const char *name)
{
    struct xr *x = ud;
    const char *n = local_name(name);
    if (x->part == PART_STRINGS) {
        if (strcmp(n, "t") == 0) {
            x->in_t = 0;
        } else if (strcmp(n, "rPh") == 0 && x->in_rph) {
            x->in_rph--;
        } else if (strcmp(n, "si") == 0 && x->in_si) {
            x->in_si = 0;
            if (x->ss_n == XLSX_SHARED_STRINGS_MAX) {
                err_set(STATUS_TOO_LARGE, "xlsx: more than %d shared strings", XLSX_SHARED_STRINGS_MAX);
                fail(x, STATUS_TOO_LARGE);
                return;
            }
            if (x->ss_n == x->ss_cap) {
                x->ss_cap = x->ss_cap ? x->ss_cap * 2 : 256;
                x->ss = xrealloc(x->ss, x->ss_cap * sizeof *x->ss);
            }
            x->ss[x->ss_n++] = buf_take(&x->text);
        }
    } else if (x->part == PART_SHEET) {
        if (strcmp(n, "v") == 0) {
            x->in_v = 0;
        } else if (strcmp(n, "t") == 0) {
            x->in_t = 0;
        } else if (strcmp(n, "rPh") == 0 && x->in_rph) {
            x->in_rph--;
        } else if (strcmp(n, "is") == 0) {
            x->in_is = 0;
        } else if (strcmp(n, "c") == 0 && x->in_c) {
            x->in_c = 0;
            end_cell(x);
        } else if (strcmp(n, "row") == 0 && x->in_row) {
            x->in_row = false;
            end_row(x);
        }
    }
}

static void on_text(void *ud, const char *s, int len)
{
    struct xr *x = ud;
    bool keep = x->part == PART_STRINGS ? (x->in_t && !x->in_rph)
                : x->part == PART_SHEET ? (x->in_c && (x->in_v || (x->in_is && x->in_t && !x->in_rph)))
                                        : false;
    if (!keep || x->st != STATUS_OK) {
        return;
    }
    if (buf_append(&x->text, s, (size_t)len) != STATUS_OK) {
        if (x->part == PART_SHEET) {
            err_set(STATUS_TOO_LARGE, "xlsx: row %lld, cell %s: longer than %d bytes", (long long)x->row_number,
                    x->cref, XLSX_CELL_BYTES_MAX);
        } else {
            err_set(STATUS_TOO_LARGE, "xlsx: a shared string longer than %d bytes", XLSX_CELL_BYTES_MAX);
        }
        fail(x, STATUS_TOO_LARGE);
    }
}

static void on_doctype(void *ud, const char *name, const char *sysid, const char *pubid, int has_internal)
{
    struct xr *x = ud;
    err_set(STATUS_INVALID, "xlsx: a document type declaration (not allowed in an .xlsx part)");
    fail(x, STATUS_INVALID);
}

/* Parses part `name` with x's handlers. STATUS_NOT_FOUND when the part is absent. */
static enum status parse_part(struct xr *x, zip_t *z, const char *name, enum part part, size_t max)
{
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat(z, name, 0, &zs) != 0) {
        return STATUS_NOT_FOUND;
    }
    if ((zs.valid & ZIP_STAT_SIZE) && zs.size > max) {
        return err_set(STATUS_TOO_LARGE, "xlsx: part %.64s inflates to more than %zu bytes", name, max);
    }
    zip_file_t *f = zip_fopen(z, name, 0);
    if (f == NULL) {
        return err_set(STATUS_INVALID, "xlsx: cannot open part %.64s: %s", name, zip_strerror(z));
    }
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL) {
        zip_fclose(f);
        return err_set(STATUS_IO, "xlsx: out of memory");
    }
    x->p = p;
    x->part = part;
    x->st = STATUS_OK;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    buf_init(&x->text, XLSX_CELL_BYTES_MAX);
    enum status st = STATUS_OK;
    char *chunk = xmalloc(XLSX_CHUNK);
    size_t total = 0;
    for (;;) {
        zip_int64_t got = zip_fread(f, chunk, XLSX_CHUNK);
        if (got < 0) {
            st = err_set(STATUS_INVALID, "xlsx: part %.64s is damaged: %s", name, zip_file_strerror(f));
            break;
        }
        total += (size_t)got;
        if (total > max) {
            st = err_set(STATUS_TOO_LARGE, "xlsx: part %.64s inflates to more than %zu bytes", name, max);
            break;
        }
        if (XML_Parse(p, chunk, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (x->st != STATUS_OK) {
                st = x->st; /* message set by the handler */
            } else {
                st = err_set(STATUS_INVALID, "xlsx: part %.64s, line %lu: %s", name,
                             (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
            }
            break;
        }
        if (got == 0) {
            break;
        }
    }
    if (st == STATUS_OK && x->st != STATUS_OK) {
        st = x->st;
    }
    free(chunk);
    buf_free(&x->text);
    XML_ParserFree(p);
    x->p = NULL;
    zip_fclose(f);
    return st;
}

static enum status read_zip(zip_t *z, const char *sheet, xlsx_row_fn fn, void *ctx, struct xlsx_sheet_info *info)
{
    struct xr x;
    memset(&x, 0, sizeof x);
    x.sheet_want = sheet;
    x.info = info;
    if (info != NULL) {
        memset(info, 0, sizeof *info);
    }
    x.fn = fn;
    x.ctx = ctx;
    enum status st = parse_part(&x, z, "xl/workbook.xml", PART_WORKBOOK, XLSX_SMALL_PART_BYTES_MAX);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_INVALID, "xlsx: not a workbook (no xl/workbook.xml)");
    }
    if (st == STATUS_OK && x.sheet_rid == NULL) {
        st = sheet ? err_set_field(STATUS_NOT_FOUND, "sheet", "xlsx: no worksheet named \"%.64s\"", sheet)
                   : err_set(STATUS_INVALID, "xlsx: the workbook has no worksheet");
    }
    if (st == STATUS_OK) {
        st = parse_part(&x, z, "xl/_rels/workbook.xml.rels", PART_RELS, XLSX_SMALL_PART_BYTES_MAX);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_INVALID, "xlsx: no workbook relationships (xl/_rels/workbook.xml.rels)");
        }
    }
    if (st == STATUS_OK && x.sheet_target == NULL) {
        st = err_set(STATUS_INVALID, "xlsx: the workbook's relationships do not name the worksheet");
    }
    if (st == STATUS_OK) {
        st = parse_part(&x, z, x.strings_target ? x.strings_target : "xl/sharedStrings.xml", PART_STRINGS,
                        XLSX_PART_BYTES_MAX);
        if (st == STATUS_NOT_FOUND) {
            st = STATUS_OK; /* a sheet of numbers and inline strings only */
        }
    }
    if (st == STATUS_OK) {
        x.cells = xcalloc(XLSX_COLUMNS_MAX, sizeof *x.cells);
        st = parse_part(&x, z, x.sheet_target, PART_SHEET, XLSX_PART_BYTES_MAX);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_INVALID, "xlsx: the worksheet part %.64s is missing", x.sheet_target);
        }
        clear_cells(&x);
        free(x.cells);
    }
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    for (size_t i = 0; i < x.ss_n; i++) {
        free(x.ss[i]);
    }
    free(x.ss);
    free(x.sheet_rid);
    free(x.sheet_target);
    free(x.strings_target);
    return st;
}

enum status xlsx_read_file(const char *path, const char *sheet, xlsx_row_fn fn, void *ctx)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (z == NULL) {
        zip_error_t e;
        zip_error_init_with_code(&e, zerr);
        enum status st =
            zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN
                ? err_set(STATUS_NOT_FOUND, "xlsx: cannot open the file: %s", zip_error_strerror(&e))
                : err_set(STATUS_INVALID, "xlsx: not a readable .xlsx (zip) file: %s", zip_error_strerror(&e));
        zip_error_fini(&e);
        return st;
    }
    enum status st = read_zip(z, sheet, fn, ctx, NULL);
    zip_discard(z);
    return st;
}

enum status xlsx_read_mem_info(const void *data, size_t len, const char *sheet, xlsx_row_fn fn, void *ctx,
                               struct xlsx_sheet_info *info)
{
    zip_error_t e;
    zip_error_init(&e);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &e);
    if (src == NULL) {
        zip_error_fini(&e);
        return err_set(STATUS_IO, "xlsx: out of memory");
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &e);
    if (z == NULL) {
        enum status st = err_set(STATUS_INVALID, "xlsx: not a readable .xlsx (zip) file: %s", zip_error_strerror(&e));
        zip_source_free(src);
        zip_error_fini(&e);
        return st;
    }
    zip_error_fini(&e);
    enum status st = read_zip(z, sheet, fn, ctx, info);
    zip_discard(z); /* frees src */
    return st;
}

enum status xlsx_read_mem(const void *data, size_t len, const char *sheet, xlsx_row_fn fn, void *ctx)
{
    return xlsx_read_mem_info(data, len, sheet, fn, ctx, NULL);
}
