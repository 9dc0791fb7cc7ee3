/* fuzz_xlsx: libFuzzer harness for the .xlsx reader (src/xlsx/xlsx_read.c). Reads arbitrary
 * bytes as an .xlsx (first sheet, then a sheet by name) and checks what the reader promises:
 * rows come in increasing order, never past XLSX_ROWS_MAX, with at most XLSX_COLUMNS_MAX cells of
 * at most XLSX_CELL_BYTES_MAX bytes of valid UTF-8 without NUL; errors are only the documented
 * ones and carry a message. Any crash, sanitizer report or ASSERT is a finding. The seeds in
 * corpus/fuzz_xlsx are small workbooks (shared strings, inline strings, gaps, the GLOTIP
 * layout). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/status.h"
#include "util/util.h"
#include "xlsx/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    int64_t last_row;
    int64_t rows;
};

static enum status check_row(void *ctx, int64_t row, const char *const *cells, size_t count)
{
    struct seen *s = ctx;
    ASSERT(row > s->last_row && row <= XLSX_ROWS_MAX);
    ASSERT(count <= XLSX_COLUMNS_MAX);
    s->last_row = row;
    s->rows++;
    for (size_t i = 0; i < count; i++) {
        ASSERT(cells[i] != NULL);
        size_t len = strlen(cells[i]);
        ASSERT(len <= XLSX_CELL_BYTES_MAX);
        ASSERT(util_utf8_valid(cells[i], len));
    }
    return s->rows >= 100000 ? STATUS_DONE : STATUS_OK; /* enough for one input */
}

static void check_status(enum status st)
{
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE || st == STATUS_NOT_FOUND ||
           st == STATUS_IO);
    if (st != STATUS_OK) {
        ASSERT(err_last()[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = {0, 0};
    check_status(xlsx_read_mem(data, size, NULL, check_row, &s));
    struct seen named = {0, 0};
    check_status(xlsx_read_mem(data, size, "data_glotip", check_row, &named));
    return 0;
}
