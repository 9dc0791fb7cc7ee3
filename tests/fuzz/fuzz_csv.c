/* fuzz_csv: libFuzzer harness for the CSV reader (src/cases/csv.c). Reads arbitrary bytes as a
 * file through fmemopen and checks what the reader promises: it ends (DONE) after at most one
 * result per input byte, every record is within the limits, every cell is valid UTF-8 with no
 * NUL, line numbers never go back, errors are only the documented ones and name a line; and
 * every record it accepts, written again with the CSV writer, reads back the same. Any crash,
 * sanitizer report or ASSERT is a finding. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/csv.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the current record of r and reads it back with a second reader. */
static void check_round_trip(struct csv_reader *r)
{
    size_t n = csv_reader_count(r);
    const char **cells = xcalloc(n, sizeof *cells);
    for (size_t i = 0; i < n; i++) {
        cells[i] = csv_reader_field(r, i);
    }
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    ASSERT(mem != NULL);
    ASSERT(csv_write_row(mem, cells, n) == STATUS_OK);
    ASSERT(fclose(mem) == 0);
    FILE *in = fmemopen(out, out_len, "rb");
    ASSERT(in != NULL);
    struct csv_reader *again = csv_reader_new(in);
    enum status st = csv_reader_next(again);
    /* The guard quote may push a cell just over its limit; nothing else may fail. */
    ASSERT(st == STATUS_OK || st == STATUS_TOO_LARGE);
    if (st == STATUS_OK) {
        ASSERT(csv_reader_count(again) == n);
        for (size_t i = 0; i < n; i++) {
            ASSERT(strcmp(csv_cell_unguard(csv_reader_field(again, i)), cells[i]) == 0);
        }
        ASSERT(csv_reader_next(again) == STATUS_DONE);
    }
    csv_reader_free(again);
    fclose(in);
    free(out);
    free(cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0; /* fmemopen needs a buffer of at least one byte */
    }
    FILE *in = fmemopen((void *)data, size, "rb");
    ASSERT(in != NULL);
    struct csv_reader *r = csv_reader_new(in);
    int64_t last_line = 0;
    size_t results = 0;
    for (;;) {
        enum status st = csv_reader_next(r);
        results++;
        ASSERT(results <= size + 2);
        if (st == STATUS_DONE) {
            ASSERT(csv_reader_next(r) == STATUS_DONE);
            break;
        }
        ASSERT(csv_reader_line(r) >= last_line && csv_reader_line(r) >= 1);
        last_line = csv_reader_line(r);
        ASSERT(csv_reader_offset(r) <= (int64_t)size);
        if (st != STATUS_OK) {
            ASSERT(st == STATUS_INVALID || st == STATUS_TOO_LARGE);
            ASSERT(strncmp(err_last(), "line ", 5) == 0);
            continue;
        }
        size_t n = csv_reader_count(r);
        ASSERT(n >= 1 && n <= CSV_FIELDS_MAX);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            const char *cell = csv_reader_field(r, i);
            size_t len = csv_reader_field_len(r, i);
            ASSERT(strlen(cell) == len);
            ASSERT(len <= CSV_FIELD_BYTES_MAX);
            /* Valid UTF-8 (util_utf8_valid also refuses C0 controls other than tab, CR, LF). */
            bool controls = false;
            for (size_t k = 0; k < len; k++) {
                unsigned char c = (unsigned char)cell[k];
                controls = controls || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F;
            }
            ASSERT(controls || util_utf8_valid(cell, len));
            total += len;
        }
        ASSERT(total <= CSV_LINE_BYTES_MAX);
        check_round_trip(r);
    }
    csv_reader_free(r);
    fclose(in);
    return 0;
}
