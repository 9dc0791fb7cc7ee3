/* pdf: A4 documents drawn by cairo into memory, text laid out by pango (see pdf.h).
 *
 * Layout: one cursor (y, in points from the top of the page) moves down the page. Each block
 * is a PangoLayout as wide as its column; its lines are drawn one at a time so that a block
 * can continue on the next page (a table row is drawn whole). The footer of a page is drawn
 * when the page is closed. A right-to-left document sets pango's base direction to RTL (no
 * guessing from the text, so a line that starts with a number stays right to left), aligns
 * every block to the right, and mirrors the columns of lists and tables. */
#include "pdf/pdf.h"
#include "pdf/pdf_int.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

/* A4 in points, and the page's margins. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 56.0      /* 2 cm */
#define MARGIN_TOP 56.0    /* 2 cm */
#define MARGIN_BOTTOM 70.0 /* leaves room for the footer */
#define FOOTER_Y (PAGE_H - 42.0)
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define CONTENT_BOTTOM (PAGE_H - MARGIN_BOTTOM)

/* Type sizes in points, and the space after each kind of block. */
#define SIZE_TITLE 20.0
#define SIZE_HEADING 13.5
#define SIZE_BODY 11.0
#define SIZE_FOOTER 8.0
#define SIZE_TABLE 9.0
#define GAP_TITLE 14.0
#define GAP_HEADING_BEFORE 8.0
#define GAP_HEADING 5.0
#define GAP_PARAGRAPH 7.0
#define GAP_ITEM 3.0
#define BULLET_INDENT 16.0
#define KV_KEY_SHARE 0.36 /* the label column's share of the width */
#define KV_GAP 10.0
#define KV_PAD 3.0

#define LANG_BYTES_MAX 16

struct pdf_doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pango;
    struct buf out; /* the file as cairo writes it */
    bool out_overflow;
    enum pdf_dir dir;
    double y; /* the cursor on the current page */
    int pages;
    bool page_empty; /* nothing drawn on the current page yet */
    char *footer;
    enum status failed; /* STATUS_OK until a block fails */
    bool finished;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    struct pdf_doc *d = closure;
    if (buf_append(&d->out, data, length) != STATUS_OK) {
        d->out_overflow = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static bool lang_valid(const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (n < 2 || n >= LANG_BYTES_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

/* Checks a block's text: valid UTF-8 within PDF_TEXT_BYTES_MAX. */
static enum status text_check(const char *what, const char *text)
{
    if (text == NULL) {
        return err_set(STATUS_INVALID, "pdf: %s: no text", what);
    }
    size_t n = strlen(text);
    if (n > PDF_TEXT_BYTES_MAX) {
        return err_set(STATUS_TOO_LARGE, "pdf: %s: text longer than %d bytes", what, PDF_TEXT_BYTES_MAX);
    }
    if (!util_utf8_valid(text, n)) {
        return err_set(STATUS_INVALID, "pdf: %s: text is not valid UTF-8", what);
    }
    return STATUS_OK;
}

static enum status fail(struct pdf_doc *d, enum status st)
{
    if (st != STATUS_OK && d->failed == STATUS_OK) {
        d->failed = st;
    }
    return st;
}

/* Common entry of every block: the document must be open and not failed. */
static enum status usable(const struct pdf_doc *d)
{
    ASSERT(d != NULL);
    if (d->finished) {
        return err_set(STATUS_INVALID, "pdf: the document is finished");
    }
    if (d->failed != STATUS_OK) {
        return err_set(d->failed, "pdf: an earlier block failed");
    }
    return STATUS_OK;
}

static PangoLayout *layout_new(struct pdf_doc *d, const char *text, double size, bool bold, double width,
                               bool align_end)
{
    PangoLayout *l = pango_layout_new(d->pango);
    PangoFontDescription *fd = pango_font_description_from_string(PDF_FAMILIES);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_auto_dir(l, FALSE); /* the document's direction, not a guess per paragraph */
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    /* Start-aligned text: the left in a left-to-right document, the right otherwise. */
    bool right = (d->dir == PDF_RTL) != align_end;
    pango_layout_set_alignment(l, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, text, -1);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draws the footer of the current page. */
static void footer_draw(struct pdf_doc *d)
{
    char num[16];
    snprintf(num, sizeof num, "%d", d->pages);
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(d->cr, 0.5);
    cairo_move_to(d->cr, MARGIN_X, FOOTER_Y - 6.0);
    cairo_line_to(d->cr, PAGE_W - MARGIN_X, FOOTER_Y - 6.0);
    cairo_stroke(d->cr);
    PangoLayout *n = layout_new(d, num, SIZE_FOOTER, false, CONTENT_W, true);
    cairo_move_to(d->cr, MARGIN_X, FOOTER_Y);
    pango_cairo_show_layout(d->cr, n);
    g_object_unref(n);
    if (d->footer != NULL && d->footer[0] != '\0') {
        PangoLayout *f = layout_new(d, d->footer, SIZE_FOOTER, false, CONTENT_W - 40.0, false);
        cairo_move_to(d->cr, d->dir == PDF_RTL ? MARGIN_X + 40.0 : MARGIN_X, FOOTER_Y);
        pango_cairo_show_layout(d->cr, f);
        g_object_unref(f);
    }
    cairo_restore(d->cr);
}

/* Closes the current page and starts the next. */
static enum status page_break(struct pdf_doc *d)
{
    if (d->pages >= PDF_PAGES_MAX) {
        return fail(d, err_set(STATUS_TOO_LARGE, "pdf: more than %d pages", PDF_PAGES_MAX));
    }
    footer_draw(d);
    cairo_show_page(d->cr);
    d->pages++;
    d->y = MARGIN_TOP;
    d->page_empty = true;
    return STATUS_OK;
}

/* Draws layout l with its left edge at x, line by line from the cursor, breaking pages between
 * lines. marker (may be NULL) is drawn at marker_x on the baseline of the first line (a list's
 * bullet). Moves the cursor below the last line. */
static enum status flow(struct pdf_doc *d, PangoLayout *l, double x, PangoLayout *marker, double marker_x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double offset = d->y; /* page y of the layout's top */
    bool first = true;
    enum status st = STATUS_OK;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double top = (double)logical.y / PANGO_SCALE;
        double h = (double)logical.height / PANGO_SCALE;
        if (offset + top + h > CONTENT_BOTTOM && !d->page_empty) {
            st = page_break(d);
            if (st != STATUS_OK) {
                break;
            }
            offset = d->y - top;
        }
        double baseline = offset + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        cairo_move_to(d->cr, x + (double)logical.x / PANGO_SCALE, baseline);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        if (first && marker != NULL) {
            PangoLayoutIter *mi = pango_layout_get_iter(marker);
            double mb = (double)pango_layout_iter_get_baseline(mi) / PANGO_SCALE;
            pango_layout_iter_free(mi);
            cairo_move_to(d->cr, marker_x, baseline - mb);
            pango_cairo_show_layout(d->cr, marker);
        }
        first = false;
        d->page_empty = false;
        d->y = offset + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return st;
}

enum status pdf_doc_new(const char *lang, enum pdf_dir dir, struct pdf_doc **out)
{
    *out = NULL;
    if (!lang_valid(lang)) {
        return err_set_field(STATUS_INVALID, "lang", "lang: not a language tag");
    }
    struct pdf_doc *d = xcalloc(1, sizeof *d);
    buf_init(&d->out, PDF_BYTES_MAX);
    d->dir = dir;
    d->surface = cairo_pdf_surface_create_for_stream(write_out, d, PAGE_W, PAGE_H);
    d->cr = cairo_create(d->surface);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
        pdf_doc_free(d);
        return err_set(STATUS_IO, "pdf: cannot start a document");
    }
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "ctis");
    d->pango = pango_cairo_create_context(d->cr);
    /* Outlines unhinted: the file is scaled by every reader and printer. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->pango, fo);
    cairo_font_options_destroy(fo);
    /* "zh" alone would leave the choice between Simplified and Traditional glyphs open. */
    const char *plang = strcmp(lang, "zh") == 0 ? "zh-cn" : lang;
    pango_context_set_language(d->pango, pango_language_from_string(plang));
    pango_context_set_base_dir(d->pango, dir == PDF_RTL ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    d->pages = 1;
    d->y = MARGIN_TOP;
    d->page_empty = true;
    *out = d;
    return STATUS_OK;
}

static enum status meta_check(const char *what, const char *text)
{
    enum status st = text_check(what, text);
    if (st == STATUS_OK && strlen(text) > PDF_META_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: %s: longer than %d bytes", what, PDF_META_BYTES_MAX);
    }
    return st;
}

enum status pdf_doc_meta(struct pdf_doc *d, const char *title, const char *subject)
{
    enum status st = usable(d);
    if (st == STATUS_OK && title != NULL) {
        st = meta_check("title", title);
        if (st == STATUS_OK) {
            cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
        }
    }
    if (st == STATUS_OK && subject != NULL) {
        st = meta_check("subject", subject);
        if (st == STATUS_OK) {
            cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_SUBJECT, subject);
        }
    }
    return st == STATUS_OK ? st : fail(d, st);
}

/* A block of one layout across the full width. */
static enum status block(struct pdf_doc *d, const char *what, const char *text, double size, bool bold, double gap)
{
    enum status st = usable(d);
    if (st == STATUS_OK) {
        st = text_check(what, text);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    PangoLayout *l = layout_new(d, text, size, bold, CONTENT_W, false);
    st = flow(d, l, MARGIN_X, NULL, 0);
    g_object_unref(l);
    d->y += gap;
    return fail(d, st);
}

enum status pdf_doc_title(struct pdf_doc *d, const char *text)
{
    return block(d, "title", text, SIZE_TITLE, true, GAP_TITLE);
}

enum status pdf_doc_heading(struct pdf_doc *d, const char *text)
{
    enum status st = usable(d);
    if (st == STATUS_OK) {
        st = text_check("heading", text);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    if (!d->page_empty) {
        d->y += GAP_HEADING_BEFORE;
    }
    /* Keep a heading with at least two lines of what follows it. */
    PangoLayout *l = layout_new(d, text, SIZE_HEADING, true, CONTENT_W, false);
    if (!d->page_empty && d->y + layout_height(l) + 2.6 * SIZE_BODY > CONTENT_BOTTOM) {
        st = page_break(d);
    }
    if (st == STATUS_OK) {
        st = flow(d, l, MARGIN_X, NULL, 0);
    }
    g_object_unref(l);
    d->y += GAP_HEADING;
    return fail(d, st);
}

enum status pdf_doc_paragraph(struct pdf_doc *d, const char *text)
{
    return block(d, "paragraph", text, SIZE_BODY, false, GAP_PARAGRAPH);
}

enum status pdf_doc_bullets(struct pdf_doc *d, const char *const *items, size_t count)
{
    enum status st = usable(d);
    if (st == STATUS_OK && count > PDF_ITEMS_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: bullets: more than %d items", PDF_ITEMS_MAX);
    }
    size_t total = 0;
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        st = text_check("bullets", items[i]);
        total += st == STATUS_OK ? strlen(items[i]) : 0;
    }
    if (st == STATUS_OK && total > PDF_TEXT_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: bullets: text longer than %d bytes", PDF_TEXT_BYTES_MAX);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    bool rtl = d->dir == PDF_RTL;
    PangoLayout *bullet = layout_new(d, "\xe2\x80\xa2", SIZE_BODY, false, BULLET_INDENT, false); /* U+2022 */
    int bw = 0, bh = 0;
    pango_layout_get_pixel_size(bullet, &bw, &bh);
    pango_layout_set_width(bullet, -1);
    double text_x = rtl ? MARGIN_X : MARGIN_X + BULLET_INDENT;
    double bullet_x = rtl ? MARGIN_X + CONTENT_W - 4.0 - bw : MARGIN_X + 4.0;
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        PangoLayout *l = layout_new(d, items[i], SIZE_BODY, false, CONTENT_W - BULLET_INDENT, false);
        st = flow(d, l, text_x, bullet, bullet_x);
        g_object_unref(l);
        d->y += GAP_ITEM;
    }
    g_object_unref(bullet);
    d->y += GAP_PARAGRAPH - GAP_ITEM;
    return fail(d, st);
}

/* One row of a grid table: the cells from the start column, bold for the header. Returns the
 * row's height; draws it only when draw is true. */
static double grid_row(struct pdf_doc *d, const char *const *cells, size_t ncols, double first_w, double col_w,
                       bool bold, bool draw)
{
    bool rtl = d->dir == PDF_RTL;
    double hmax = 0;
    for (size_t c = 0; c < ncols; c++) {
        double w = c == 0 ? first_w : col_w;
        /* Figures end-aligned (the right in a left-to-right table), labels start-aligned. */
        /* A figure keeps its own direction (LRI ... PDI): "<5" stays "<5" in a right-to-left table. */
        char *isolated = c > 0 ? xasprintf("\xe2\x81\xa6%s\xe2\x81\xa9", cells[c] != NULL ? cells[c] : "") : NULL;
        PangoLayout *l = layout_new(d, c > 0 ? isolated : (cells[c] != NULL ? cells[c] : ""), SIZE_TABLE, bold,
                                    w - 2 * KV_PAD, c > 0);
        free(isolated);
        double h = layout_height(l);
        hmax = h > hmax ? h : hmax;
        if (draw) {
            double x0 = c == 0 ? 0 : first_w + col_w * (double)(c - 1);
            double x = rtl ? MARGIN_X + CONTENT_W - x0 - w : MARGIN_X + x0;
            cairo_move_to(d->cr, x + KV_PAD, d->y + KV_PAD);
            pango_cairo_show_layout(d->cr, l);
        }
        g_object_unref(l);
    }
    return hmax + 2 * KV_PAD;
}

static void grid_rule(struct pdf_doc *d, double width)
{
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(d->cr, width);
    cairo_move_to(d->cr, MARGIN_X, d->y);
    cairo_line_to(d->cr, MARGIN_X + CONTENT_W, d->y);
    cairo_stroke(d->cr);
    cairo_restore(d->cr);
}

enum status pdf_doc_table(struct pdf_doc *d, const char *const *header, size_t ncols, const char *const *cells,
                          size_t nrows)
{
    enum status st = usable(d);
    if (st == STATUS_OK && (ncols < 1 || ncols > PDF_TABLE_COLS_MAX || nrows > PDF_ITEMS_MAX)) {
        st = err_set(STATUS_TOO_LARGE, "pdf: table: 1 to %d columns and at most %d rows", PDF_TABLE_COLS_MAX,
                     PDF_ITEMS_MAX);
    }
    size_t total = 0;
    for (size_t c = 0; st == STATUS_OK && c < ncols; c++) {
        st = text_check("table", header[c]);
        total += st == STATUS_OK ? strlen(header[c]) : 0;
    }
    for (size_t i = 0; st == STATUS_OK && i < nrows * ncols; i++) {
        st = text_check("table", cells[i] != NULL ? cells[i] : "");
        total += st == STATUS_OK && cells[i] != NULL ? strlen(cells[i]) : 0;
    }
    if (st == STATUS_OK && total > PDF_TEXT_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: table: text longer than %d bytes", PDF_TEXT_BYTES_MAX);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    /* The first column (labels) takes a larger share; the figures share the rest. */
    double first_w = ncols == 1 ? CONTENT_W : CONTENT_W * (ncols <= 4 ? 0.34 : 0.24);
    double col_w = ncols == 1 ? 0 : (CONTENT_W - first_w) / (double)(ncols - 1);
    double hh = grid_row(d, header, ncols, first_w, col_w, true, false);
    for (size_t r = 0; st == STATUS_OK && r <= nrows; r++) {
        const char *const *row = r == 0 ? header : cells + (r - 1) * ncols;
        double h = grid_row(d, row, ncols, first_w, col_w, r == 0, false);
        if (h + hh > CONTENT_BOTTOM - MARGIN_TOP) {
            st = err_set(STATUS_TOO_LARGE, "pdf: table: a row is higher than a page");
            break;
        }
        /* The header never ends a page; on a new page it is repeated. */
        if (d->y + h + (r == 0 ? hh : 0) > CONTENT_BOTTOM && !d->page_empty) {
            st = page_break(d);
            if (st == STATUS_OK && r > 0) {
                grid_row(d, header, ncols, first_w, col_w, true, true);
                d->y += hh;
                grid_rule(d, 0.8);
            }
        }
        if (st == STATUS_OK) {
            grid_row(d, row, ncols, first_w, col_w, r == 0, true);
            d->y += h;
            grid_rule(d, r == 0 ? 0.8 : 0.3);
            d->page_empty = false;
        }
    }
    d->y += GAP_PARAGRAPH;
    return fail(d, st);
}

enum status pdf_doc_chart(struct pdf_doc *d, const struct chart *c, double height)
{
    enum status st = usable(d);
    if (st == STATUS_OK) {
        st = chart_check(c);
    }
    if (st == STATUS_OK && !(height >= 80 && height <= CONTENT_BOTTOM - MARGIN_TOP)) {
        st = err_set(STATUS_INVALID, "pdf: chart: height 80 to %.0f points", CONTENT_BOTTOM - MARGIN_TOP);
    }
    if (st == STATUS_OK && d->y + height > CONTENT_BOTTOM && !d->page_empty) {
        st = page_break(d);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    cairo_save(d->cr);
    chart__draw(d->cr, c, MARGIN_X, d->y, CONTENT_W, height);
    cairo_restore(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y += height + GAP_PARAGRAPH;
    d->page_empty = false;
    return STATUS_OK;
}

enum status pdf_doc_key_values(struct pdf_doc *d, const struct pdf_kv *rows, size_t count)
{
    enum status st = usable(d);
    if (st == STATUS_OK && count > PDF_ITEMS_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: table: more than %d rows", PDF_ITEMS_MAX);
    }
    size_t total = 0;
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        st = text_check("table", rows[i].key);
        if (st == STATUS_OK) {
            st = text_check("table", rows[i].value);
        }
        total += st == STATUS_OK ? strlen(rows[i].key) + strlen(rows[i].value) : 0;
    }
    if (st == STATUS_OK && total > PDF_TEXT_BYTES_MAX) {
        st = err_set(STATUS_TOO_LARGE, "pdf: table: text longer than %d bytes", PDF_TEXT_BYTES_MAX);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    bool rtl = d->dir == PDF_RTL;
    double kw = CONTENT_W * KV_KEY_SHARE;
    double vw = CONTENT_W - kw - KV_GAP;
    double key_x = rtl ? MARGIN_X + CONTENT_W - kw : MARGIN_X;
    double val_x = rtl ? MARGIN_X : MARGIN_X + kw + KV_GAP;
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        PangoLayout *k = layout_new(d, rows[i].key, SIZE_BODY, true, kw, false);
        /* A value keeps its own direction (FSI ... PDI): a phone number or a date stays left to
         * right in a right-to-left table, an Arabic name right to left in a left-to-right one. */
        char *isolated = xasprintf("\xe2\x81\xa8%s\xe2\x81\xa9", rows[i].value);
        PangoLayout *v = layout_new(d, isolated, SIZE_BODY, false, vw, false);
        free(isolated);
        double hk = layout_height(k), hv = layout_height(v);
        double h = (hk > hv ? hk : hv) + 2 * KV_PAD;
        if (h > CONTENT_BOTTOM - MARGIN_TOP) {
            st = err_set(STATUS_TOO_LARGE, "pdf: table: a row is higher than a page");
        } else if (d->y + h > CONTENT_BOTTOM && !d->page_empty) {
            st = page_break(d);
        }
        if (st == STATUS_OK) {
            cairo_move_to(d->cr, key_x, d->y + KV_PAD);
            pango_cairo_show_layout(d->cr, k);
            cairo_move_to(d->cr, val_x, d->y + KV_PAD);
            pango_cairo_show_layout(d->cr, v);
            d->y += h;
            cairo_save(d->cr);
            cairo_set_source_rgb(d->cr, 0.75, 0.75, 0.75);
            cairo_set_line_width(d->cr, 0.5);
            cairo_move_to(d->cr, MARGIN_X, d->y);
            cairo_line_to(d->cr, MARGIN_X + CONTENT_W, d->y);
            cairo_stroke(d->cr);
            cairo_restore(d->cr);
            d->page_empty = false;
        }
        g_object_unref(k);
        g_object_unref(v);
    }
    d->y += GAP_PARAGRAPH;
    return fail(d, st);
}

enum status pdf_doc_footer(struct pdf_doc *d, const char *text)
{
    enum status st = usable(d);
    if (st == STATUS_OK && text != NULL) {
        st = meta_check("footer", text);
    }
    if (st != STATUS_OK) {
        return fail(d, st);
    }
    free(d->footer);
    d->footer = text != NULL ? xstrdup(text) : NULL;
    return STATUS_OK;
}

int pdf_doc_pages(const struct pdf_doc *d)
{
    return d->pages;
}

enum status pdf_doc_finish(struct pdf_doc *d, uint8_t **out, size_t *len_out)
{
    *out = NULL;
    *len_out = 0;
    enum status st = usable(d);
    if (st != STATUS_OK) {
        return st;
    }
    footer_draw(d);
    cairo_show_page(d->cr);
    d->finished = true;
    cairo_surface_finish(d->surface);
    if (d->out_overflow) {
        return err_set(STATUS_TOO_LARGE, "pdf: the document is larger than %d bytes", PDF_BYTES_MAX);
    }
    if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS || d->out.len < 5) {
        return err_set(STATUS_IO, "pdf: cannot write the document: %s",
                       cairo_status_to_string(cairo_surface_status(d->surface)));
    }
    *len_out = d->out.len;
    *out = (uint8_t *)buf_take(&d->out);
    return STATUS_OK;
}

void pdf_doc_free(struct pdf_doc *d)
{
    if (d == NULL) {
        return;
    }
    if (d->pango != NULL) {
        g_object_unref(d->pango);
    }
    if (d->cr != NULL) {
        cairo_destroy(d->cr);
    }
    if (d->surface != NULL) {
        cairo_surface_destroy(d->surface); /* finishes it when not yet finished */
    }
    buf_free(&d->out);
    free(d->footer);
    free(d);
}
