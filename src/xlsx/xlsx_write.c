/* xlsx_write: workbooks over libxlsxwriter (xlsx_write.h). */
#include "xlsx/xlsx_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

struct xlsx_sheet {
    lxw_worksheet *ws;
    struct xlsx_book *book;
    char *name;
};

struct xlsx_book {
    lxw_workbook *wb;
    lxw_format *bold;
    char *path;
    bool temp; /* built in a temporary file, returned as bytes */
    enum status st;
    struct xlsx_sheet *sheets[XLSX_WRITE_SHEETS_MAX];
    size_t nsheets;
};

/* The first error spoils the book: its status is kept and returned from then on. */
static enum status spoil(struct xlsx_book *b, enum status st)
{
    if (b->st == STATUS_OK) {
        b->st = st;
    }
    return b->st;
}

static enum status lxw_status(struct xlsx_book *b, lxw_error e, const char *what)
{
    if (e == LXW_NO_ERROR) {
        return STATUS_OK;
    }
    return spoil(b, err_set(e == LXW_ERROR_MEMORY_MALLOC_FAILED ? STATUS_IO : STATUS_INVALID, "xlsx: %s: %s", what,
                            lxw_strerror(e)));
}

enum status xlsx_book_new(const char *path, struct xlsx_book **out)
{
    *out = NULL;
    struct xlsx_book *b = xcalloc(1, sizeof *b);
    if (path != NULL) {
        if (path[0] == '\0') {
            free(b);
            return err_set_field(STATUS_INVALID, "out", "out: a file name");
        }
        b->path = xstrdup(path);
    } else {
        const char *dir = getenv("TMPDIR");
        b->path = xasprintf("%s/ctis-xlsx-XXXXXX", dir != NULL && dir[0] == '/' ? dir : "/tmp");
        int fd = mkstemp(b->path); /* 0600: the workbook is never readable by others */
        if (fd < 0) {
            enum status st = err_set(STATUS_IO, "xlsx: cannot create a temporary file: %s", strerror(errno));
            free(b->path);
            free(b);
            return st;
        }
        close(fd);
        b->temp = true;
    }
    b->wb = workbook_new(b->path);
    if (b->wb == NULL) {
        enum status st = err_set(STATUS_IO, "xlsx: cannot create the workbook");
        if (b->temp) {
            unlink(b->path);
        }
        free(b->path);
        free(b);
        return st;
    }
    b->bold = workbook_add_format(b->wb);
    if (b->bold != NULL) {
        format_set_bold(b->bold);
    }
    *out = b;
    return b->bold != NULL ? STATUS_OK : spoil(b, err_set(STATUS_IO, "xlsx: out of memory"));
}

/* Excel's rules for sheet names, counted in characters. */
static enum status name_check(const struct xlsx_book *b, const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    size_t chars = n > 0 && util_utf8_valid(name, n) ? util_utf8_len(name, n) : 0;
    if (chars == 0 || chars > XLSX_SHEET_NAME_CHARS_MAX || strpbrk(name, "[]:*?/\\") != NULL || name[0] == '\'' ||
        name[n - 1] == '\'') {
        return err_set_field(STATUS_INVALID, "sheet",
                             "sheet: a name of 1 to %d characters, none of []:*?/\\ and no apostrophe at either end",
                             XLSX_SHEET_NAME_CHARS_MAX);
    }
    for (size_t i = 0; i < b->nsheets; i++) {
        if (strcasecmp(b->sheets[i]->name, name) == 0) {
            return err_set_field(STATUS_INVALID, "sheet", "sheet: two sheets have the same name");
        }
    }
    return STATUS_OK;
}

enum status xlsx_sheet_add(struct xlsx_book *b, const char *name, bool right_to_left, struct xlsx_sheet **out)
{
    *out = NULL;
    if (b->st != STATUS_OK) {
        return b->st;
    }
    if (b->nsheets >= XLSX_WRITE_SHEETS_MAX) {
        return spoil(b, err_set_field(STATUS_TOO_LARGE, "sheet", "sheet: at most %d sheets in a workbook",
                                      XLSX_WRITE_SHEETS_MAX));
    }
    enum status st = name_check(b, name);
    if (st != STATUS_OK) {
        return spoil(b, st);
    }
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (ws == NULL) {
        return spoil(b, err_set_field(STATUS_INVALID, "sheet", "sheet: libxlsxwriter refused the name"));
    }
    if (right_to_left) {
        worksheet_right_to_left(ws);
    }
    struct xlsx_sheet *s = xcalloc(1, sizeof *s);
    s->ws = ws;
    s->book = b;
    s->name = xstrdup(name);
    b->sheets[b->nsheets++] = s;
    *out = s;
    return STATUS_OK;
}

static enum status place_check(struct xlsx_sheet *s, uint32_t row, uint32_t col)
{
    if (s->book->st != STATUS_OK) {
        return s->book->st;
    }
    if (row >= XLSX_ROWS_MAX || col >= XLSX_COLUMNS_MAX) {
        return spoil(s->book, err_set_field(STATUS_TOO_LARGE, "cell", "cell: rows below %d and columns below %d",
                                            XLSX_ROWS_MAX, XLSX_COLUMNS_MAX));
    }
    return STATUS_OK;
}

enum status xlsx_sheet_text(struct xlsx_sheet *s, uint32_t row, uint32_t col, const char *text, bool bold)
{
    enum status st = place_check(s, row, col);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = text != NULL ? strlen(text) : 0;
    if (text == NULL || !util_utf8_valid(text, n)) {
        return spoil(s->book, err_set_field(STATUS_INVALID, "cell", "cell: text must be UTF-8"));
    }
    if (util_utf8_len(text, n) > XLSX_WRITE_TEXT_CHARS_MAX) {
        return spoil(s->book,
                     err_set_field(STATUS_TOO_LARGE, "cell", "cell: at most %d characters", XLSX_WRITE_TEXT_CHARS_MAX));
    }
    lxw_error e = worksheet_write_string(s->ws, row, (lxw_col_t)col, text, bold ? s->book->bold : NULL);
    return lxw_status(s->book, e, "text cell");
}

enum status xlsx_sheet_int(struct xlsx_sheet *s, uint32_t row, uint32_t col, int64_t v)
{
    enum status st = place_check(s, row, col);
    if (st != STATUS_OK) {
        return st;
    }
    if (v > XLSX_WRITE_INT_MAX || v < -XLSX_WRITE_INT_MAX) {
        return spoil(s->book, err_set_field(STATUS_INVALID, "cell", "cell: an integer of at most 2^53"));
    }
    return lxw_status(s->book, worksheet_write_number(s->ws, row, (lxw_col_t)col, (double)v, NULL), "number cell");
}

enum status xlsx_sheet_header(struct xlsx_sheet *s, uint32_t row, const char *const *labels, size_t n)
{
    enum status st = place_check(s, row, n > 0 ? (uint32_t)(n - 1) : 0);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        st = xlsx_sheet_text(s, row, (uint32_t)i, labels[i], true);
    }
    return st == STATUS_OK ? xlsx_sheet_freeze(s, row + 1, 0) : st;
}

enum status xlsx_sheet_width(struct xlsx_sheet *s, uint32_t first, uint32_t last, double width)
{
    enum status st = place_check(s, 0, last);
    if (st != STATUS_OK) {
        return st;
    }
    if (first > last || !(width > 0 && width <= XLSX_WRITE_WIDTH_MAX)) {
        return spoil(s->book, err_set_field(STATUS_INVALID, "width", "width: columns first <= last, 0 < width <= %g",
                                            XLSX_WRITE_WIDTH_MAX));
    }
    return lxw_status(s->book, worksheet_set_column(s->ws, (lxw_col_t)first, (lxw_col_t)last, width, NULL),
                      "column width");
}

enum status xlsx_sheet_freeze(struct xlsx_sheet *s, uint32_t rows, uint32_t cols)
{
    enum status st = place_check(s, rows, cols);
    if (st == STATUS_OK) {
        worksheet_freeze_panes(s->ws, rows, (lxw_col_t)cols);
    }
    return st;
}

static enum status read_all(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return err_set(STATUS_IO, "xlsx: cannot read the workbook back: %s", strerror(errno));
    }
    struct stat sb;
    enum status st = STATUS_OK;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0) {
        st = err_set(STATUS_IO, "xlsx: cannot read the workbook back");
    } else if (sb.st_size > XLSX_WRITE_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "xlsx: the workbook passes %d bytes", XLSX_WRITE_BYTES_MAX);
    }
    char *buf = NULL;
    if (st == STATUS_OK) {
        buf = xmalloc((size_t)sb.st_size);
        if (fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
            st = err_set(STATUS_IO, "xlsx: cannot read the workbook back");
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    if (st == STATUS_OK) {
        *data = buf;
        *len = (size_t)sb.st_size;
    }
    return st;
}

enum status xlsx_book_finish(struct xlsx_book *b, enum status st, char **data, size_t *len)
{
    if (data != NULL) {
        *data = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (b == NULL) {
        return st;
    }
    if (st == STATUS_OK) {
        st = b->st;
    }
    lxw_error e = workbook_close(b->wb); /* writes the file (and frees the workbook) in any case */
    if (st == STATUS_OK && e != LXW_NO_ERROR) {
        st = err_set(STATUS_IO, "xlsx: cannot write the workbook: %s", lxw_strerror(e));
    }
    if (st == STATUS_OK && b->temp) {
        if (data == NULL || len == NULL) {
            st = err_set(STATUS_INVALID, "xlsx: a workbook built in memory needs somewhere to go");
        } else {
            st = read_all(b->path, data, len);
        }
    }
    if (b->temp || st != STATUS_OK) {
        unlink(b->path);
    }
    for (size_t i = 0; i < b->nsheets; i++) {
        free(b->sheets[i]->name);
        free(b->sheets[i]);
    }
    free(b->path);
    free(b);
    return st;
}
