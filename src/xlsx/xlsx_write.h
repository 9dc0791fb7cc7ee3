/* xlsx_write: builds an .xlsx workbook (Office Open XML) over libxlsxwriter, in memory or to a
 * file. The only code that includes xlsxwriter.h; callers see books, sheets and cells.
 *
 *   struct xlsx_book *b = NULL;
 *   enum status st = xlsx_book_new(NULL, &b);            // NULL: in memory; else a path
 *   struct xlsx_sheet *s = NULL;
 *   if (st == STATUS_OK) st = xlsx_sheet_add(b, "Victims", false, &s);
 *   if (st == STATUS_OK) st = xlsx_sheet_header(s, 0, (const char *[]){"Year", "Count"}, 2);
 *   if (st == STATUS_OK) st = xlsx_sheet_int(s, 1, 1, 42);
 *   char *data = NULL; size_t len = 0;
 *   st = xlsx_book_finish(b, st, &data, &len);           // always frees the book
 *
 * Rows and columns count from 0. Cells are texts (shared strings; bold on request) or integers
 * (exact up to 2^53). A header row is bold and frozen (the rows above it and it stay in view).
 * Right-to-left sheets (Arabic) put column A on the right. Every limit is in util/limits.h
 * (XLSX_WRITE_*, XLSX_ROWS_MAX and XLSX_COLUMNS_MAX as the reader, so what is written can be read
 * back with xlsx_read): past one, STATUS_TOO_LARGE or STATUS_INVALID naming the field. Texts must
 * be valid UTF-8. After a failed call the book is spoiled: later calls return the same error and
 * xlsx_book_finish discards it. See docs/xlsx.md. */
#ifndef CTIS_XLSX_XLSX_WRITE_H
#define CTIS_XLSX_XLSX_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct xlsx_book;
struct xlsx_sheet; /* owned by its book */

/* A new workbook: written to path when it is not NULL (replaced if it exists), else built in a
 * private temporary file (mode 0600, removed by xlsx_book_finish) and returned as bytes. */
enum status xlsx_book_new(const char *path, struct xlsx_book **out);

/* Adds a worksheet at the end. name: 1 to XLSX_SHEET_NAME_CHARS_MAX characters, none of
 * []:*?/\, not starting or ending with an apostrophe, unique in the book (Excel compares
 * without case; so does this). right_to_left: the sheet reads from the right (Arabic). */
enum status xlsx_sheet_add(struct xlsx_book *b, const char *name, bool right_to_left, struct xlsx_sheet **out);

/* Writes labels[0..n) as bold texts in row `row` from column 0, and freezes the rows up to and
 * including it. */
enum status xlsx_sheet_header(struct xlsx_sheet *s, uint32_t row, const char *const *labels, size_t n);
/* A text cell (at most XLSX_WRITE_TEXT_CHARS_MAX characters); bold on request. */
enum status xlsx_sheet_text(struct xlsx_sheet *s, uint32_t row, uint32_t col, const char *text, bool bold);
/* An integer cell, |v| <= XLSX_WRITE_INT_MAX. */
enum status xlsx_sheet_int(struct xlsx_sheet *s, uint32_t row, uint32_t col, int64_t v);
/* Columns first..last are `width` characters wide (0 < width <= XLSX_WRITE_WIDTH_MAX). */
enum status xlsx_sheet_width(struct xlsx_sheet *s, uint32_t first, uint32_t last, double width);
/* Freezes `rows` rows at the top and `cols` columns at the start (0, 0: none). */
enum status xlsx_sheet_freeze(struct xlsx_sheet *s, uint32_t rows, uint32_t cols);

/* Finishes the book and frees it. When st (the caller's status so far) is not STATUS_OK, or the
 * book is spoiled, nothing is kept: a file book's path is removed and that status is returned.
 * A memory book gives its bytes in *data (malloc'd; at most XLSX_WRITE_BYTES_MAX) and *len; a
 * file book leaves them NULL and 0 (data and len may be NULL then). */
enum status xlsx_book_finish(struct xlsx_book *b, enum status st, char **data, size_t *len);

#endif
