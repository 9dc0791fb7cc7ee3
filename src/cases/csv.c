/* csv: a byte-at-a-time RFC 4180 state machine over a buffered FILE*, with incremental UTF-8
 * validation, so that no record ever needs more than the limits of limits.h; and the writer with
 * its formula guard. */
#include "cases/csv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/limits.h"
#include "util/mem.h"

#define CSV_READ_CHUNK 65536

enum csv_state {
    ST_FIELD_START, /* at the start of a cell */
    ST_UNQUOTED,    /* inside a cell without quotes */
    ST_QUOTED,      /* inside a quoted cell */
    ST_QUOTE,       /* after a quote inside a quoted cell: "" or the end of the cell */
};

struct csv_reader {
    FILE *in;
    int sep;              /* the cell separator: ',' unless set */
    unsigned char *chunk; /* read buffer */
    size_t chunk_len;
    size_t chunk_pos;
    int64_t pos;  /* file offset of chunk[chunk_pos] */
    int64_t line; /* physical line of the next byte */
    bool eof;
    bool io_error;
    bool bom_checked;

    /* The current record: cells stored NUL-terminated one after another in data. */
    char *data;
    size_t data_len;
    size_t data_cap;
    size_t starts[CSV_FIELDS_MAX];
    size_t lens[CSV_FIELDS_MAX];
    size_t count;
    bool last_quoted; /* the current cell (while reading) or the last cell was quoted */
    int64_t record_line;
    int64_t record_end;

    /* UTF-8 validation: continuation bytes still expected and the range of the next one. */
    int utf8_need;
    unsigned char utf8_lo, utf8_hi;

    /* The first error of the current record; the rest of the record is read but not kept. */
    enum status err;
    char err_msg[ERR_MESSAGE_BYTES_MAX];
};

struct csv_reader *csv_reader_new(FILE *in)
{
    ASSERT(in != NULL);
    struct csv_reader *r = xcalloc(1, sizeof *r);
    r->in = in;
    r->sep = ',';
    r->chunk = xmalloc(CSV_READ_CHUNK);
    off_t at = ftello(in);
    r->pos = at > 0 ? (int64_t)at : 0;
    r->line = 1;
    r->bom_checked = r->pos != 0;
    return r;
}

void csv_reader_set_separator(struct csv_reader *r, char sep)
{
    ASSERT(sep != '"' && sep != '\r' && sep != '\n' && sep != '\0');
    r->sep = (unsigned char)sep;
}

void csv_reader_free(struct csv_reader *r)
{
    if (r == NULL) {
        return;
    }
    free(r->chunk);
    free(r->data);
    free(r);
}

enum status csv_reader_seek(struct csv_reader *r, int64_t offset, int64_t line)
{
    ASSERT(offset >= 0 && line >= 1);
    if (fseeko(r->in, (off_t)offset, SEEK_SET) != 0) {
        return err_set(STATUS_IO, "cannot seek in the input file");
    }
    r->chunk_len = 0;
    r->chunk_pos = 0;
    r->pos = offset;
    r->line = line;
    r->eof = false;
    r->io_error = false;
    r->bom_checked = offset != 0;
    r->count = 0;
    r->data_len = 0;
    return STATUS_OK;
}

/* The next byte, or -1 at the end of the input (or on a read error, noted in io_error). */
static int next_byte(struct csv_reader *r)
{
    if (r->chunk_pos == r->chunk_len) {
        if (r->eof) {
            return -1;
        }
        r->chunk_len = fread(r->chunk, 1, CSV_READ_CHUNK, r->in);
        r->chunk_pos = 0;
        if (r->chunk_len == 0) {
            r->eof = true;
            r->io_error = ferror(r->in) != 0;
            return -1;
        }
    }
    r->pos++;
    return r->chunk[r->chunk_pos++];
}

static int peek_byte(struct csv_reader *r)
{
    int c = next_byte(r);
    if (c >= 0) {
        r->chunk_pos--;
        r->pos--;
    }
    return c;
}

/* Keeps the first error of a record; later ones are consequences. */
static void record_error(struct csv_reader *r, enum status st, const char *what)
{
    if (r->err == STATUS_OK) {
        r->err = st;
        snprintf(r->err_msg, sizeof r->err_msg, "line %lld: %s", (long long)r->line, what);
    }
}

/* Appends a byte to the record (a cell's content or the NUL that ends it). */
static void data_push(struct csv_reader *r, char c)
{
    if (r->err != STATUS_OK) {
        return; /* a bad record is read to its end but not kept */
    }
    if (r->data_len + 1 >= CSV_LINE_BYTES_MAX) {
        record_error(r, STATUS_TOO_LARGE, "the record is longer than the limit");
        return;
    }
    if (r->data_len + 2 > r->data_cap) {
        size_t cap = r->data_cap ? r->data_cap * 2 : 4096;
        if (cap > CSV_LINE_BYTES_MAX + 1) {
            cap = CSV_LINE_BYTES_MAX + 1;
        }
        r->data = xrealloc(r->data, cap);
        r->data_cap = cap;
    }
    r->data[r->data_len++] = c;
}

/* Checks one byte of cell content as UTF-8, then keeps it. */
static void content_byte(struct csv_reader *r, unsigned char b)
{
    if (r->utf8_need > 0) {
        if (b < r->utf8_lo || b > r->utf8_hi) {
            record_error(r, STATUS_INVALID, "invalid UTF-8");
            r->utf8_need = 0;
        } else {
            r->utf8_need--;
            r->utf8_lo = 0x80;
            r->utf8_hi = 0xBF;
        }
    } else if (b == 0) {
        record_error(r, STATUS_INVALID, "a NUL byte");
    } else if (b >= 0x80) {
        r->utf8_lo = 0x80;
        r->utf8_hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            r->utf8_need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            r->utf8_need = 2;
            if (b == 0xE0) {
                r->utf8_lo = 0xA0; /* no overlong forms */
            } else if (b == 0xED) {
                r->utf8_hi = 0x9F; /* no surrogates */
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            r->utf8_need = 3;
            if (b == 0xF0) {
                r->utf8_lo = 0x90;
            } else if (b == 0xF4) {
                r->utf8_hi = 0x8F; /* nothing past U+10FFFF */
            }
        } else {
            record_error(r, STATUS_INVALID, "invalid UTF-8");
        }
    }
    if (r->err == STATUS_OK && r->data_len - r->starts[r->count] >= CSV_FIELD_BYTES_MAX) {
        record_error(r, STATUS_TOO_LARGE, "a cell is longer than the limit");
    }
    data_push(r, (char)b);
}

/* A structural byte (comma, quote, line end) or the end of a cell: any UTF-8 sequence must be
 * complete by then. */
static void utf8_boundary(struct csv_reader *r)
{
    if (r->utf8_need > 0) {
        record_error(r, STATUS_INVALID, "invalid UTF-8");
        r->utf8_need = 0;
    }
}

static void cell_end(struct csv_reader *r)
{
    utf8_boundary(r);
    if (r->err != STATUS_OK) {
        return;
    }
    r->lens[r->count] = r->data_len - r->starts[r->count];
    data_push(r, '\0');
    if (r->err != STATUS_OK) {
        return;
    }
    r->count++;
}

static void cell_begin(struct csv_reader *r)
{
    if (r->err != STATUS_OK) {
        return;
    }
    if (r->count >= CSV_FIELDS_MAX) {
        record_error(r, STATUS_TOO_LARGE, "the record has more cells than the limit");
        return;
    }
    r->starts[r->count] = r->data_len;
}

/* Consumes a line end that starts with c (CR, CRLF or LF), counting the line. */
static void line_end(struct csv_reader *r, int c)
{
    if (c == '\r' && peek_byte(r) == '\n') {
        next_byte(r);
    }
    r->line++;
}

enum status csv_reader_next(struct csv_reader *r)
{
    r->count = 0;
    r->data_len = 0;
    r->err = STATUS_OK;
    r->err_msg[0] = '\0';
    r->utf8_need = 0;
    r->last_quoted = false;

    if (!r->bom_checked) {
        r->bom_checked = true;
        if (peek_byte(r) == 0xEF) {
            /* The chunk holds the whole first read, so the three bytes are there if present. */
            if (r->chunk_len - r->chunk_pos >= 3 && memcmp(r->chunk + r->chunk_pos, "\xEF\xBB\xBF", 3) == 0) {
                r->chunk_pos += 3;
                r->pos += 3;
            }
        }
    }

    int c = next_byte(r);
    if (c < 0) {
        r->record_line = r->line;
        r->record_end = r->pos;
        if (r->io_error) {
            return err_set(STATUS_IO, "cannot read the input file");
        }
        return STATUS_DONE;
    }
    r->record_line = r->line;
    int64_t quote_line = 0;
    enum csv_state st = ST_FIELD_START;
    cell_begin(r);
    for (;; c = next_byte(r)) {
        if (c < 0) {
            if (r->io_error) {
                return err_set(STATUS_IO, "cannot read the input file");
            }
            if (st == ST_QUOTED) {
                /* This explains the record best, whatever came before. */
                r->err = STATUS_INVALID;
                snprintf(r->err_msg, sizeof r->err_msg, "line %lld: a quoted cell is never closed",
                         (long long)quote_line);
            }
            cell_end(r);
            break;
        }
        if (st == ST_QUOTED) {
            if (c == '"') {
                utf8_boundary(r);
                st = ST_QUOTE;
            } else {
                content_byte(r, (unsigned char)c);
                if (c == '\n' || (c == '\r' && peek_byte(r) != '\n')) {
                    r->line++;
                }
            }
            continue;
        }
        if (st == ST_QUOTE) {
            if (c == '"') {
                content_byte(r, '"'); /* an escaped quote */
                st = ST_QUOTED;
                continue;
            }
            if (c != r->sep && c != '\r' && c != '\n') {
                record_error(r, STATUS_INVALID, "text after the closing quote of a cell");
                content_byte(r, (unsigned char)c);
                st = ST_UNQUOTED;
                continue;
            }
            /* The cell ended: fall through to the separators below. */
        }
        if (c == r->sep) {
            cell_end(r);
            cell_begin(r);
            r->last_quoted = false;
            st = ST_FIELD_START;
            continue;
        }
        if (c == '\r' || c == '\n') {
            cell_end(r);
            line_end(r, c);
            break;
        }
        if (c == '"') {
            if (st == ST_FIELD_START) {
                st = ST_QUOTED;
                r->last_quoted = true;
                quote_line = r->line;
                continue;
            }
            record_error(r, STATUS_INVALID, "a quote inside a cell that does not start with one");
        }
        content_byte(r, (unsigned char)c);
        st = ST_UNQUOTED;
    }
    r->record_end = r->pos;
    if (r->err != STATUS_OK) {
        r->count = 0;
        return err_set(r->err, "%s", r->err_msg);
    }
    return STATUS_OK;
}

size_t csv_reader_count(const struct csv_reader *r)
{
    return r->count;
}

const char *csv_reader_field(const struct csv_reader *r, size_t i)
{
    ASSERT(i < r->count);
    return r->data + r->starts[i];
}

size_t csv_reader_field_len(const struct csv_reader *r, size_t i)
{
    ASSERT(i < r->count);
    return r->lens[i];
}

bool csv_reader_blank(const struct csv_reader *r)
{
    return r->count == 1 && r->lens[0] == 0 && !r->last_quoted;
}

int64_t csv_reader_line(const struct csv_reader *r)
{
    return r->record_line;
}

int64_t csv_reader_offset(const struct csv_reader *r)
{
    return r->record_end;
}

int64_t csv_reader_next_line(const struct csv_reader *r)
{
    return r->line;
}

/* ---- writing ------------------------------------------------------------------------------ */

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* True when cell is '*X with X a formula start and at least `quotes` single quotes. */
static bool guarded_form(const char *cell, size_t quotes)
{
    size_t n = 0;
    while (cell[n] == '\'') {
        n++;
    }
    return n >= quotes && formula_start(cell[n]);
}

void csv_write_cell(FILE *out, const char *cell, bool first)
{
    if (!first) {
        fputc(',', out);
    }
    if (cell == NULL || cell[0] == '\0') {
        return;
    }
    bool guard = guarded_form(cell, 0);
    size_t len = strlen(cell);
    /* A cell starting with U+FEFF is quoted too, or at the start of a file it would read as a
     * byte order mark. */
    bool quote = strpbrk(cell, ",\"\r\n") != NULL || cell[0] == ' ' || cell[len - 1] == ' ' ||
                 strncmp(cell, "\xEF\xBB\xBF", 3) == 0;
    if (quote) {
        fputc('"', out);
    }
    if (guard) {
        fputc('\'', out);
    }
    if (quote) {
        for (const char *p = cell; *p; p++) {
            if (*p == '"') {
                fputc('"', out);
            }
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fwrite(cell, 1, len, out);
    }
}

void csv_write_end(FILE *out)
{
    fputs("\r\n", out);
}

enum status csv_write_row(FILE *out, const char *const *cells, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        csv_write_cell(out, cells[i], i == 0);
    }
    csv_write_end(out);
    return ferror(out) ? err_set(STATUS_IO, "cannot write the output file") : STATUS_OK;
}

const char *csv_cell_unguard(const char *cell)
{
    return cell != NULL && cell[0] == '\'' && guarded_form(cell, 1) ? cell + 1 : cell;
}
