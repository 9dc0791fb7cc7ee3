/* xlsx_read: reads one worksheet of an .xlsx file (Office Open XML, a zip of XML parts) as a
 * stream of rows, with libzip and expat (the only module that includes zip.h and expat.h).
 * Cells come as text: shared strings, inline strings, numbers as written in the file ("1192",
 * "4.5E-2"), booleans as "TRUE"/"FALSE", errors as written ("#N/A"), formula results as cached.
 * Cell references ("C7") place cells in their columns: a gap gives "" cells. Every limit is in
 * util/limits.h (XLSX_*): a part that inflates past XLSX_PART_BYTES_MAX (a zip bomb), more than
 * XLSX_ROWS_MAX rows, a cell past column XLSX_COLUMNS_MAX or longer than XLSX_CELL_BYTES_MAX is
 * refused with STATUS_TOO_LARGE; a file that is not a readable zip, a workbook without the
 * sheet, malformed XML or a document type declaration give STATUS_INVALID. See docs/xlsx.md. */
#ifndef CTIS_XLSX_XLSX_READ_H
#define CTIS_XLSX_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Called once per row that has a <row> element (empty rows in between are skipped; row_number
 * says where a row is, from 1). cells[0..count) are NUL-terminated texts borrowed until the
 * callback returns, count being one past the last column with a cell. A status other than
 * STATUS_OK stops the reading and is returned (STATUS_DONE stops it and xlsx_read returns OK). */
typedef enum status (*xlsx_row_fn)(void *ctx, int64_t row_number, const char *const *cells, size_t count);

/* Reads the worksheet named `sheet` (NULL: the first in the workbook's order) of the file at path. */
enum status xlsx_read_file(const char *path, const char *sheet, xlsx_row_fn fn, void *ctx);
/* The same from bytes in memory (borrowed for the call). */
enum status xlsx_read_mem(const void *data, size_t len, const char *sheet, xlsx_row_fn fn, void *ctx);
/* What the worksheet's view says (for xlsx_read_mem_info). */
struct xlsx_sheet_info {
    bool right_to_left; /* <sheetView rightToLeft="1">: the sheet reads from the right */
};
/* xlsx_read_mem, and *info filled from the worksheet's view (info may be NULL). */
enum status xlsx_read_mem_info(const void *data, size_t len, const char *sheet, xlsx_row_fn fn, void *ctx,
                               struct xlsx_sheet_info *info);
/* Column letters ("A", "AB") of a reference ("AB12") to a column index from 0; -1 when the
 * reference has no letters or its column passes XLSX_COLUMNS_MAX. */
int64_t xlsx_column_index(const char *ref);

#endif
