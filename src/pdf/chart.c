/* chart: bars, stacked bars, lines and flow diagrams drawn by cairo (see chart.h).
 *
 * Layout of the axis charts: the title on top, the legend at the bottom (when there is more than
 * one series), the value axis on the start side with "nice" ticks (1, 2 or 5 times a power of
 * ten), the categories along the bottom, their labels shrunk or thinned to fit. Flows: origins
 * in a column on the start side, destinations on the end side, each node as tall as its total,
 * and one band per flow as wide as its count. Colours: the Okabe-Ito palette (told apart by
 * people with colour-vision deficiencies), in series order. */
#include "pdf/chart.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_int.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

static const double palette[][3] = {
    {0.000, 0.447, 0.698}, /* blue */
    {0.902, 0.624, 0.000}, /* orange */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.835, 0.369, 0.000}, /* vermilion */
    {0.941, 0.894, 0.259}, /* yellow */
    {0.300, 0.300, 0.300}, /* grey */
};
#define PALETTE_N (sizeof palette / sizeof palette[0])

#define SIZE_TITLE 13.0
#define SIZE_LABEL 9.0
#define SIZE_NOTE 8.0
#define PAD 8.0

static void colour(cairo_t *cr, size_t i, double alpha)
{
    const double *c = palette[i % PALETTE_N];
    cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

static enum status label_check(const char *what, const char *s)
{
    if (s == NULL) {
        return err_set(STATUS_INVALID, "chart: %s: no label", what);
    }
    size_t n = strlen(s);
    if (n > CHART_LABEL_BYTES_MAX || !util_utf8_valid(s, n)) {
        return err_set(STATUS_INVALID, "chart: %s: a label of at most %d bytes of UTF-8", what, CHART_LABEL_BYTES_MAX);
    }
    return STATUS_OK;
}

static bool value_ok(double v)
{
    return isfinite(v) && v >= 0;
}

enum status chart_check(const struct chart *c)
{
    if (c == NULL) {
        return err_set(STATUS_INVALID, "chart: none");
    }
    if (c->title != NULL && label_check("title", c->title) != STATUS_OK) {
        return STATUS_INVALID;
    }
    if (c->note != NULL && (strlen(c->note) > 1000 || !util_utf8_valid(c->note, strlen(c->note)))) {
        return err_set(STATUS_INVALID, "chart: note: at most 1000 bytes of UTF-8");
    }
    if (c->kind == CHART_FLOWS) {
        if (c->nflows == 0 || c->flows == NULL || c->nflows > CHART_FLOWS_MAX) {
            return err_set(STATUS_INVALID, "chart: 1 to %d flows", CHART_FLOWS_MAX);
        }
        for (size_t i = 0; i < c->nflows; i++) {
            if (label_check("flow origin", c->flows[i].from) != STATUS_OK ||
                label_check("flow destination", c->flows[i].to) != STATUS_OK) {
                return STATUS_INVALID;
            }
            if (!value_ok(c->flows[i].value)) {
                return err_set(STATUS_INVALID, "chart: flow %zu: a count, not negative", i);
            }
        }
        return STATUS_OK;
    }
    if (c->kind != CHART_BARS && c->kind != CHART_STACKED && c->kind != CHART_LINES) {
        return err_set(STATUS_INVALID, "chart: unknown kind");
    }
    if (c->ncat == 0 || c->categories == NULL || c->ncat > CHART_CATEGORIES_MAX) {
        return err_set(STATUS_INVALID, "chart: 1 to %d categories", CHART_CATEGORIES_MAX);
    }
    if (c->nseries == 0 || c->series == NULL || c->nseries > CHART_SERIES_MAX) {
        return err_set(STATUS_INVALID, "chart: 1 to %d series", CHART_SERIES_MAX);
    }
    for (size_t i = 0; i < c->ncat; i++) {
        if (label_check("category", c->categories[i]) != STATUS_OK) {
            return STATUS_INVALID;
        }
    }
    for (size_t s = 0; s < c->nseries; s++) {
        if (label_check("series", c->series[s].name) != STATUS_OK || c->series[s].values == NULL) {
            return err_set(STATUS_INVALID, "chart: series %zu: a name and values", s);
        }
        for (size_t i = 0; i < c->ncat; i++) {
            if (!value_ok(c->series[s].values[i])) {
                return err_set(STATUS_INVALID, "chart: series %zu, category %zu: a value, not negative", s, i);
            }
        }
    }
    return STATUS_OK;
}

/* Text. */

struct pen {
    cairo_t *cr;
    const struct chart *c;
};

static PangoLayout *layout(struct pen *p, const char *text, double size, bool bold, double width)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoContext *ctx = pango_layout_get_context(l);
    const char *lang = p->c->lang != NULL ? p->c->lang : "en";
    pango_context_set_language(ctx, pango_language_from_string(strcmp(lang, "zh") == 0 ? "zh-cn" : lang));
    pango_context_set_base_dir(ctx, p->c->rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    pango_layout_context_changed(l);
    PangoFontDescription *fd = pango_font_description_from_string(PDF_FAMILIES);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_auto_dir(l, FALSE);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_single_paragraph_mode(l, TRUE);
    pango_layout_set_text(l, text, -1);
    return l;
}

static void text_size(PangoLayout *l, double *w, double *h)
{
    int iw = 0, ih = 0;
    pango_layout_get_pixel_size(l, &iw, &ih);
    *w = iw;
    *h = ih;
}

/* Draws text with its anchor: ax 0 left, 0.5 centre, 1 right of x; ay likewise of y. */
static void text_at(struct pen *p, const char *text, double x, double y, double size, bool bold, double maxw, double ax,
                    double ay)
{
    PangoLayout *l = layout(p, text, size, bold, maxw);
    double w, h;
    text_size(l, &w, &h);
    if (maxw > 0 && w > maxw) {
        w = maxw;
    }
    cairo_move_to(p->cr, x - ax * w, y - ay * h);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
}

static double text_width(struct pen *p, const char *text, double size)
{
    PangoLayout *l = layout(p, text, size, false, 0);
    double w, h;
    text_size(l, &w, &h);
    g_object_unref(l);
    return w;
}

static void number(char out[32], double v)
{
    if (fabs(v - round(v)) < 1e-9) {
        snprintf(out, 32, "%.0f", v);
    } else {
        snprintf(out, 32, "%.1f", v);
    }
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most `most` steps up to max. */
static double nice_step(double max, int most)
{
    if (max <= 0) {
        return 1;
    }
    double raw = max / most;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    step *= mag;
    return step < 1 ? 1 : step; /* counts: whole ticks */
}

/* The title on top and the note at the bottom, from the start side; top and bottom move in. */
static void title_and_note(struct pen *p, double x, double w, double *top, double *bottom)
{
    const struct chart *c = p->c;
    cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
    if (c->title != NULL) {
        text_at(p, c->title, c->rtl ? x + w : x, *top, SIZE_TITLE, true, w, c->rtl ? 1 : 0, 0);
        *top += SIZE_TITLE * 1.6 + PAD;
    }
    if (c->note != NULL) {
        cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
        *bottom -= SIZE_NOTE * 1.5;
        text_at(p, c->note, c->rtl ? x + w : x, *bottom, SIZE_NOTE, false, w, c->rtl ? 1 : 0, 0);
        *bottom -= PAD / 2;
    }
}

/* The axis charts. */

static double cat_total(const struct chart *c, size_t i)
{
    double t = 0;
    for (size_t s = 0; s < c->nseries; s++) {
        t += c->series[s].values[i];
    }
    return t;
}

static void draw_axes_chart(struct pen *p, double x, double y, double w, double h)
{
    const struct chart *c = p->c;
    cairo_t *cr = p->cr;
    double top = y, bottom = y + h;
    title_and_note(p, x, w, &top, &bottom);
    /* The legend: one row of swatches and names. */
    if (c->nseries > 1) {
        bottom -= SIZE_LABEL * 1.5;
        double lx = 0;
        for (size_t s = 0; s < c->nseries; s++) {
            double tw = text_width(p, c->series[s].name, SIZE_LABEL);
            double item = 12 + 4 + tw + 12;
            double sx = c->rtl ? x + w - lx - 12 : x + lx;
            colour(cr, s, 1);
            cairo_rectangle(cr, sx, bottom + 2, 10, 10);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            text_at(p, c->series[s].name, c->rtl ? sx - 4 : sx + 14, bottom, SIZE_LABEL, false, 0, c->rtl ? 1 : 0, 0);
            lx += item;
        }
        bottom -= PAD;
    }
    /* The value range and ticks. */
    double max = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        if (c->kind == CHART_STACKED) {
            max = fmax(max, cat_total(c, i));
        } else {
            for (size_t s = 0; s < c->nseries; s++) {
                max = fmax(max, c->series[s].values[i]);
            }
        }
    }
    double step = nice_step(max, 5);
    double top_value = step * ceil(max / step);
    if (top_value <= 0) {
        top_value = step;
    }
    char buf[32];
    number(buf, top_value);
    double axis_w = text_width(p, buf, SIZE_LABEL) + 6;
    /* Category labels: as many as fit, every k-th. */
    double label_h = SIZE_LABEL * 1.6;
    bottom -= label_h;
    double plot_l = c->rtl ? x : x + axis_w;
    double plot_r = c->rtl ? x + w - axis_w : x + w;
    double plot_w = plot_r - plot_l;
    double slot = plot_w / (double)c->ncat;
    double widest = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        widest = fmax(widest, text_width(p, c->categories[i], SIZE_LABEL));
    }
    size_t every = 1;
    while (every < c->ncat && (double)every * slot < fmin(widest, 80) + 4) {
        every++;
    }
    double plot_h = bottom - top;
    if (plot_h < 10 || plot_w < 10) {
        return; /* no room: nothing but the title */
    }
    /* Grid and value labels. */
    cairo_set_line_width(cr, 0.5);
    for (double v = 0; v <= top_value + step / 2; v += step) {
        double gy = bottom - plot_h * (v / top_value);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, plot_l, gy);
        cairo_line_to(cr, plot_r, gy);
        cairo_stroke(cr);
        number(buf, v);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        text_at(p, buf, c->rtl ? plot_r + 4 : plot_l - 4, gy, SIZE_LABEL, false, 0, c->rtl ? 0 : 1, 0.5);
    }
    /* Categories from the start side. */
    for (size_t i = 0; i < c->ncat; i++) {
        double cx = c->rtl ? plot_r - slot * ((double)i + 0.5) : plot_l + slot * ((double)i + 0.5);
        if (i % every == 0) {
            cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
            text_at(p, c->categories[i], cx, bottom + 3, SIZE_LABEL, false, slot * (double)every - 4, 0.5, 0);
        }
        if (c->kind == CHART_LINES) {
            continue;
        }
        double bw = slot * 0.7;
        if (c->kind == CHART_BARS) {
            double one = bw / (double)c->nseries;
            for (size_t s = 0; s < c->nseries; s++) {
                double v = c->series[s].values[i];
                double bh = plot_h * (v / top_value);
                size_t k = c->rtl ? c->nseries - 1 - s : s;
                colour(cr, s, 1);
                cairo_rectangle(cr, cx - bw / 2 + one * (double)k, bottom - bh, one * 0.92, bh);
                cairo_fill(cr);
            }
        } else {
            double acc = 0;
            for (size_t s = 0; s < c->nseries; s++) {
                double v = c->series[s].values[i];
                double y0 = bottom - plot_h * (acc / top_value);
                double y1 = bottom - plot_h * ((acc + v) / top_value);
                colour(cr, s, 1);
                cairo_rectangle(cr, cx - bw / 2, y1, bw, y0 - y1);
                cairo_fill(cr);
                acc += v;
            }
        }
    }
    if (c->kind == CHART_LINES) {
        cairo_set_line_width(cr, 2);
        for (size_t s = 0; s < c->nseries; s++) {
            colour(cr, s, 1);
            for (size_t i = 0; i < c->ncat; i++) {
                double cx = c->rtl ? plot_r - slot * ((double)i + 0.5) : plot_l + slot * ((double)i + 0.5);
                double cy = bottom - plot_h * (c->series[s].values[i] / top_value);
                if (i == 0) {
                    cairo_move_to(cr, cx, cy);
                } else {
                    cairo_line_to(cr, cx, cy);
                }
            }
            cairo_stroke(cr);
            for (size_t i = 0; i < c->ncat; i++) {
                double cx = c->rtl ? plot_r - slot * ((double)i + 0.5) : plot_l + slot * ((double)i + 0.5);
                double cy = bottom - plot_h * (c->series[s].values[i] / top_value);
                cairo_arc(cr, cx, cy, 2.5, 0, 2 * M_PI);
                cairo_fill(cr);
            }
        }
    }
    /* The base line. */
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, plot_l, bottom);
    cairo_line_to(cr, plot_r, bottom);
    cairo_stroke(cr);
}

/* Flows. */

struct node {
    const char *name;
    double total, used; /* used: how much of its height the bands drawn so far take */
    double y, h;
};

static size_t node_index(struct node *nodes, size_t *n, const char *name, double v)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(nodes[i].name, name) == 0) {
            nodes[i].total += v;
            return i;
        }
    }
    nodes[*n] = (struct node){name, v, 0, 0, 0};
    return (*n)++;
}

static int node_cmp(const void *a, const void *b)
{
    const struct node *x = a, *y = b;
    return x->total < y->total ? 1 : x->total > y->total ? -1 : strcmp(x->name, y->name);
}

static size_t node_find(const struct node *nodes, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(nodes[i].name, name) == 0) {
            return i;
        }
    }
    return 0;
}

static void place(struct node *nodes, size_t n, double top, double height, double scale, double gap)
{
    double y = top;
    for (size_t i = 0; i < n; i++) {
        nodes[i].y = y;
        nodes[i].h = fmax(nodes[i].total * scale, 1);
        y += nodes[i].h + gap;
    }
    (void)height;
}

static void draw_flows(struct pen *p, double x, double y, double w, double h)
{
    const struct chart *c = p->c;
    cairo_t *cr = p->cr;
    double top = y, bottom = y + h;
    title_and_note(p, x, w, &top, &bottom);
    struct node *from = calloc(c->nflows, sizeof *from), *to = calloc(c->nflows, sizeof *to);
    if (from == NULL || to == NULL) {
        free(from);
        free(to);
        return;
    }
    size_t nf = 0, nt = 0;
    double sum = 0;
    for (size_t i = 0; i < c->nflows; i++) {
        node_index(from, &nf, c->flows[i].from, c->flows[i].value);
        node_index(to, &nt, c->flows[i].to, c->flows[i].value);
        sum += c->flows[i].value;
    }
    qsort(from, nf, sizeof *from, node_cmp);
    qsort(to, nt, sizeof *to, node_cmp);
    double gap = 6;
    size_t most = nf > nt ? nf : nt;
    double avail = bottom - top - gap * (double)(most > 0 ? most - 1 : 0);
    double scale = sum > 0 && avail > 0 ? avail / sum : 0;
    place(from, nf, top, bottom - top, scale, gap);
    place(to, nt, top, bottom - top, scale, gap);
    /* Node columns: labels take a third of the width on each side. */
    double label_w = w * 0.28, bar = 10;
    double left_bar = x + label_w, right_bar = x + w - label_w - bar;
    double from_x = c->rtl ? right_bar : left_bar, to_x = c->rtl ? left_bar : right_bar;
    for (size_t i = 0; i < c->nflows; i++) {
        size_t a = node_find(from, nf, c->flows[i].from), b = node_find(to, nt, c->flows[i].to);
        double bh = c->flows[i].value * scale;
        double ay = from[a].y + from[a].used, by = to[b].y + to[b].used;
        from[a].used += bh;
        to[b].used += bh;
        double x0 = c->rtl ? from_x : from_x + bar, x1 = c->rtl ? to_x + bar : to_x;
        double mid = (x0 + x1) / 2;
        colour(cr, a, 0.45);
        cairo_move_to(cr, x0, ay);
        cairo_curve_to(cr, mid, ay, mid, by, x1, by);
        cairo_line_to(cr, x1, by + bh);
        cairo_curve_to(cr, mid, by + bh, mid, ay + bh, x0, ay + bh);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    char buf[32], label[CHART_LABEL_BYTES_MAX + 40];
    for (size_t i = 0; i < nf; i++) {
        colour(cr, i, 1);
        cairo_rectangle(cr, from_x, from[i].y, bar, from[i].h);
        cairo_fill(cr);
        number(buf, from[i].total);
        snprintf(label, sizeof label, "%s (%s)", from[i].name, buf);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(p, label, c->rtl ? from_x + bar + 4 : from_x - 4, from[i].y + from[i].h / 2, SIZE_LABEL, false,
                label_w - 8, c->rtl ? 0 : 1, 0.5);
    }
    for (size_t i = 0; i < nt; i++) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        cairo_rectangle(cr, to_x, to[i].y, bar, to[i].h);
        cairo_fill(cr);
        number(buf, to[i].total);
        snprintf(label, sizeof label, "%s (%s)", to[i].name, buf);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(p, label, c->rtl ? to_x - 4 : to_x + bar + 4, to[i].y + to[i].h / 2, SIZE_LABEL, false, label_w - 8,
                c->rtl ? 1 : 0, 0.5);
    }
    free(from);
    free(to);
}

void chart__draw(cairo_t *cr, const struct chart *c, double x, double y, double w, double h)
{
    struct pen p = {cr, c};
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    if (c->kind == CHART_FLOWS) {
        draw_flows(&p, x, y, w, h);
    } else {
        draw_axes_chart(&p, x, y, w, h);
    }
    cairo_restore(cr);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
    return buf_append(closure, data, length) == STATUS_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

enum status chart_render(const struct chart *c, enum chart_format f, double width, double height, uint8_t **out,
                         size_t *len_out)
{
    *out = NULL;
    *len_out = 0;
    enum status st = chart_check(c);
    if (st != STATUS_OK) {
        return st;
    }
    if (!(width >= 100 && width <= CHART_SIDE_MAX && height >= 80 && height <= CHART_SIDE_MAX)) {
        return err_set(STATUS_INVALID, "chart: width 100 to %.0f, height 80 to %.0f", CHART_SIDE_MAX, CHART_SIDE_MAX);
    }
    struct buf b;
    buf_init(&b, PDF_BYTES_MAX);
    cairo_surface_t *s = f == CHART_SVG ? cairo_svg_surface_create_for_stream(write_buf, &b, width, height)
                                        : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)width, (int)height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    chart__draw(cr, c, PAD, PAD, width - 2 * PAD, height - 2 * PAD);
    cairo_destroy(cr);
    cairo_status_t cs = CAIRO_STATUS_SUCCESS;
    if (f == CHART_PNG) {
        cs = cairo_surface_write_to_png_stream(s, write_buf, &b);
    }
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS) {
        cs = cairo_surface_status(s);
    }
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS) {
        buf_free(&b);
        return err_set(STATUS_IO, "chart: %s", cairo_status_to_string(cs));
    }
    size_t len = b.len;
    *out = (uint8_t *)buf_take(&b);
    *len_out = len;
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

/* Leak checking (ASan builds; here because every user of the pdf module links chart.o, which
 * pdf.c calls): fontconfig keeps its caches for the life of the process and
 * links them by offsets that LeakSanitizer cannot follow, so they read as leaks at exit.
 * FcFini would free them but asserts when pango's font thread or cairo still holds a cache, so
 * they are left to the process's end and not reported. */
#if defined(__SANITIZE_ADDRESS__)
#define PDF_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PDF_LSAN 1
#endif
#endif
#ifdef PDF_LSAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
#endif
