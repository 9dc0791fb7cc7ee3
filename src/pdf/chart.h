/* chart: statistical charts drawn with cairo, text by pango (issue 6, item 7): bars, stacked
 * bars, time series (lines) and flow diagrams (origin -> destination bands, their widths the
 * counts). The same drawing goes to SVG or PNG (chart_render) and into a PDF report at the
 * cursor (pdf_doc_chart in pdf.h). Labels may be in any of the six UN languages; a right-to-left
 * chart puts the value axis on the right, the categories from right to left, and flows from
 * right to left. The caller owns its data; nothing is kept. */
#ifndef CTIS_PDF_CHART_H
#define CTIS_PDF_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

enum chart_kind { CHART_BARS, CHART_STACKED, CHART_LINES, CHART_FLOWS };
enum chart_format { CHART_SVG, CHART_PNG };

/* One series: a name for the legend and one value per category (values[ncat]). */
struct chart_series {
    const char *name;
    const double *values;
};

/* One flow: from an origin to a destination, with its count. */
struct chart_flow {
    const char *from;
    const char *to;
    double value;
};

struct chart {
    enum chart_kind kind;
    const char *lang; /* a BCP 47 tag ("en", "ar", "zh") for shaping and line breaking */
    bool rtl;
    const char *title; /* NULL: none */
    const char *note;  /* a line under the chart (a source, "<5: suppressed"); NULL: none */
    /* Bars, stacked bars and lines: the categories (the x axis) and the series. */
    const char *const *categories;
    size_t ncat;
    const struct chart_series *series;
    size_t nseries;
    /* Flows. */
    const struct chart_flow *flows;
    size_t nflows;
};

/* Draws c into a new SVG or PNG of width x height points (PNG: pixels, at 1:1); *out is the
 * file (malloc'd). STATUS_INVALID for a chart without data, a negative or non-finite value, bad
 * UTF-8 or sizes beyond CHART_* in limits.h. */
enum status chart_render(const struct chart *c, enum chart_format f, double width, double height, uint8_t **out,
                         size_t *len_out);

/* Checks a chart's data and limits (as chart_render does before drawing). */
enum status chart_check(const struct chart *c);

#endif
