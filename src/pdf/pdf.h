/* pdf: printable documents (notices, reports; later charts) as A4 PDF files built in memory.
 * The only user of cairo and pango: text is shaped by pango (Arabic joining, bidirectional
 * runs, CJK), wrapped to the page width and broken across pages; a right-to-left document lays
 * out every block from the right. The fonts are looked up by fontconfig from one family list
 * that covers the six UN languages (Latin, Cyrillic, Arabic, Simplified Chinese).
 *
 * Usage: pdf_doc_new, then blocks in reading order (pdf_doc_title, _heading, _paragraph,
 * _bullets, _key_values), then pdf_doc_finish, then pdf_doc_free. A block that fails (bad
 * UTF-8, a limit from limits.h) leaves the document failed: every later call returns the same
 * status. The text is taken as plain text (no markup). The metadata (pdf_doc_meta) is visible
 * to anyone who holds the file: never put personal data in it. */
#ifndef CTIS_PDF_PDF_H
#define CTIS_PDF_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/chart.h"
#include "util/status.h"

enum pdf_dir { PDF_LTR, PDF_RTL };

struct pdf_doc;

/* One row of a two-column table: a label and its value. */
struct pdf_kv {
    const char *key;
    const char *value;
};

/* Starts a document in language lang (a BCP 47 tag such as "en", "ar", "zh": it chooses the
 * glyph variants and line breaking) and base direction dir. STATUS_INVALID for a malformed
 * tag. The caller frees the document with pdf_doc_free. */
enum status pdf_doc_new(const char *lang, enum pdf_dir dir, struct pdf_doc **out);
/* Sets the document's title and subject in its metadata (either may be NULL). */
enum status pdf_doc_meta(struct pdf_doc *d, const char *title, const char *subject);
/* A large bold line or lines at the current position. */
enum status pdf_doc_title(struct pdf_doc *d, const char *text);
/* A bold section heading, moved to the next page when it would end a page. */
enum status pdf_doc_heading(struct pdf_doc *d, const char *text);
/* A paragraph of body text; "\n" breaks lines within it. */
enum status pdf_doc_paragraph(struct pdf_doc *d, const char *text);
/* A bulleted list, one item per entry, each wrapped with a hanging indent. */
enum status pdf_doc_bullets(struct pdf_doc *d, const char *const *items, size_t count);
/* A two-column table: labels in bold on the start side, values beside them. A row is never
 * split across pages; a row higher than a page is STATUS_TOO_LARGE. */
enum status pdf_doc_key_values(struct pdf_doc *d, const struct pdf_kv *rows, size_t count);
/* A table of ncols columns: a bold header row, then nrows rows given row by row in
 * cells[nrows * ncols] (NULL: empty). The first column holds labels (start-aligned), the others
 * figures (end-aligned); a right-to-left document mirrors the columns. A row is never split; on a
 * new page the header is repeated. At most PDF_TABLE_COLS_MAX columns. */
enum status pdf_doc_table(struct pdf_doc *d, const char *const *header, size_t ncols, const char *const *cells,
                          size_t nrows);
/* A chart (pdf/chart.h) across the text width, `height` points high, moved to the next page when
 * it does not fit on this one. */
enum status pdf_doc_chart(struct pdf_doc *d, const struct chart *c, double height);
/* The footer of this and every later page, in small type on the start side; the page number
 * is printed on the end side. NULL or "" leaves only the page number. */
enum status pdf_doc_footer(struct pdf_doc *d, const char *text);
/* Pages begun so far (at least 1). */
int pdf_doc_pages(const struct pdf_doc *d);
/* Ends the document and gives its bytes (a PDF file, "%PDF-..."; the caller frees *out with
 * free). After it only pdf_doc_free may be called. STATUS_TOO_LARGE past PDF_BYTES_MAX. */
enum status pdf_doc_finish(struct pdf_doc *d, uint8_t **out, size_t *len_out);
void pdf_doc_free(struct pdf_doc *d);

#endif
