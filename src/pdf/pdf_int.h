/* pdf_int: what the files of the pdf module share (not for other modules). */
#ifndef CTIS_PDF_PDF_INT_H
#define CTIS_PDF_PDF_INT_H

#include <cairo.h>

#include "pdf/chart.h"

/* Families tried in order for every character: Latin and Cyrillic, Arabic (fonts-noto-core),
 * Simplified Chinese (fonts-wqy-microhei), then others where those are absent. WenQuanYi comes
 * before Noto Sans CJK: cairo 1.16 drops the outlines of some glyphs (such as U+5982) when it
 * subsets the CID-keyed CFF fonts of Noto Sans CJK, and the TrueType outlines of WenQuanYi
 * subset cleanly (test_pdf checks the characters are drawn). */
#define PDF_FAMILIES                                                                                                   \
    "Noto Sans, Noto Sans Arabic, Noto Naskh Arabic, WenQuanYi Micro Hei, Noto Sans CJK SC, Noto Sans SC, "            \
    "AR PL UMing CN, DejaVu Sans, sans-serif"

/* Draws a checked chart (chart_check) into the rectangle (x, y, w, h) of cr. */
void chart__draw(cairo_t *cr, const struct chart *c, double x, double y, double w, double h);

#endif
