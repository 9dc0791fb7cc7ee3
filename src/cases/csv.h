/* csv: RFC 4180 CSV for case import and export. The reader streams a FILE* with bounded memory
 * (at most CSV_FIELDS_MAX cells of CSV_FIELD_BYTES_MAX bytes, CSV_LINE_BYTES_MAX per record):
 * quoted cells with "" escapes and embedded line breaks, CRLF, LF or CR line ends, a UTF-8 byte
 * order mark at the start of the file. It checks that every cell is valid UTF-8 without NUL
 * bytes and reports the physical line on which each record starts. The writer quotes cells
 * when needed and guards cells that a spreadsheet would run as formulas. */
#ifndef CTIS_CASES_CSV_H
#define CTIS_CASES_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

struct csv_reader;

/* Starts reading `in` at its current position (the caller keeps and closes the file). */
struct csv_reader *csv_reader_new(FILE *in);
void csv_reader_free(struct csv_reader *r);
/* Cells are separated by commas unless set otherwise here (';' for some spreadsheet exports). */
void csv_reader_set_separator(struct csv_reader *r, char sep);

/* Reads the next record. STATUS_OK: csv_reader_count() cells are readable until the next call.
 * STATUS_DONE at the end of the input. Errors (the message names the line; never a cell's
 * content): STATUS_INVALID for invalid UTF-8, a NUL byte, a quote inside an unquoted cell, text
 * after a closing quote, or a quoted cell still open at the end of the input; STATUS_TOO_LARGE
 * when a record passes a CSV limit; STATUS_IO when reading fails. After STATUS_INVALID or
 * STATUS_TOO_LARGE the bad record has been read to its end, so the next call reads the next
 * record (an unterminated quote runs to the end of the input: the next call gives DONE). */
enum status csv_reader_next(struct csv_reader *r);
size_t csv_reader_count(const struct csv_reader *r);
/* Cell i (NUL-terminated) of the current record, and its length; i < csv_reader_count(). */
const char *csv_reader_field(const struct csv_reader *r, size_t i);
size_t csv_reader_field_len(const struct csv_reader *r, size_t i);
/* True when the current record is a blank line (one empty, unquoted cell). */
bool csv_reader_blank(const struct csv_reader *r);
/* The physical line (from 1) on which the current record, or the record in error, starts. */
int64_t csv_reader_line(const struct csv_reader *r);
/* The byte offset in the file just past the current record, and the physical line there (where
 * the next record starts): together, a place csv_reader_seek can come back to. */
int64_t csv_reader_offset(const struct csv_reader *r);
int64_t csv_reader_next_line(const struct csv_reader *r);
/* Moves to byte offset `offset` of the file, which must be the start of a record on physical
 * line `line` (an offset and line the reader gave before, or 0 and 1). STATUS_IO when the file
 * cannot seek. */
enum status csv_reader_seek(struct csv_reader *r, int64_t offset, int64_t line);

/* Writes one cell, preceded by a comma unless it is the first of its record. The cell is quoted
 * when it holds a comma, a quote, CR or LF, starts or ends with a space, or starts with U+FEFF. A cell starting with
 * = + - @ tab or CR (which a spreadsheet would run as a formula), or with single quotes followed
 * by one of those, gets one more single quote in front: csv_cell_unguard undoes exactly that.
 * NULL writes an empty cell. */
void csv_write_cell(FILE *out, const char *cell, bool first);
/* Ends a record (CRLF). */
void csv_write_end(FILE *out);
/* Writes a whole record; STATUS_IO when the stream is in error. */
enum status csv_write_row(FILE *out, const char *const *cells, size_t count);
/* The cell without the formula guard csv_write_cell added (a pointer into cell). */
const char *csv_cell_unguard(const char *cell);

#endif
