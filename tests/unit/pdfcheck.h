/* pdfcheck: looking at a PDF the way a reader would, for the report tests (test_report,
 * test_plan_report): poppler's tools on a temporary copy (run_on), a page rasterised in grey at
 * 100 dpi (rasterise), the rows of the title (title_band), the connected blobs of ink in those
 * rows (blobs: joined Arabic letters make fewer blobs than the same letters set apart), and a
 * text with every Arabic letter unjoined by a zero-width non-joiner (unjoined). Include after
 * cmocka.h; static inline functions, so that a test file may use some of them. */
#ifndef CTIS_TESTS_PDFCHECK_H
#define CTIS_TESTS_PDFCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/status.h"

/* Runs `cmd FILE tail` on a temporary copy of the PDF; its standard output (caller frees). */
static inline char *run_on(const uint8_t *pdf, size_t len, const char *cmd, const char *tail, size_t *out_len)
{
    char path[] = "/tmp/ctis-test-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    char line[512];
    snprintf(line, sizeof line, "%s %s %s", cmd, path, tail);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    struct buf out = BUF_INIT(64 * 1024 * 1024);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        assert_int_equal(buf_append(&out, chunk, n), STATUS_OK);
    }
    assert_int_equal(pclose(p), 0);
    unlink(path);
    if (out_len != NULL) {
        *out_len = out.len;
    }
    return buf_take(&out);
}

struct image {
    char *data;
    int w, h;
    const unsigned char *px;
};

/* Page `page` in grey at 100 dpi. */
static inline void rasterise(const uint8_t *pdf, size_t len, int page, struct image *im)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "pdftoppm -gray -r 100 -f %d -l %d", page, page);
    im->data = run_on(pdf, len, cmd, "", NULL);
    int max = 0, off = 0;
    assert_int_equal(sscanf(im->data, "P5 %d %d %d%n", &im->w, &im->h, &max, &off), 3);
    im->px = (const unsigned char *)im->data + off + 1;
}

static inline bool dark(const struct image *im, int x, int y)
{
    return im->px[(long)y * im->w + x] < 128;
}

/* The title's rows on page 1, in pixels at 100 dpi: the words of the largest size (the title
 * is 20 points, headings 13.5, the body 11) as pdftotext -bbox places them. */
static inline void title_band(const uint8_t *pdf, size_t len, int *top, int *bottom)
{
    char *bbox = run_on(pdf, len, "pdftotext -q -f 1 -l 1 -bbox", "-", NULL);
    double hmax = 0, ymin = 1e9, ymax = -1;
    for (int pass = 0; pass < 2; pass++) {
        for (const char *w = strstr(bbox, "<word "); w != NULL; w = strstr(w + 1, "<word ")) {
            double x0, y0, x1, y1;
            if (sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1) != 4) {
                continue;
            }
            if (pass == 0) {
                hmax = y1 - y0 > hmax ? y1 - y0 : hmax;
            } else if (y1 - y0 > hmax * 0.85) { /* the title's size, not the body's or a heading's */
                ymin = y0 < ymin ? y0 : ymin;
                ymax = y1 > ymax ? y1 : ymax;
            }
        }
    }
    free(bbox);
    assert_true(ymax > ymin);
    *top = (int)(ymin * 100 / 72) - 2;
    *bottom = (int)(ymax * 100 / 72) + 2;
}

/* Connected blobs of ink (8-connected) in rows [top, bottom]; the ink's horizontal extent out. */
static inline int blobs(const struct image *im, int top, int bottom, int *xmin, int *xmax)
{
    int w = im->w, hh = bottom - top + 1;
    unsigned char *seen = calloc((size_t)w * (size_t)hh, 1);
    int *stack = malloc(sizeof(int) * 2 * (size_t)w * (size_t)hh);
    int n = 0;
    *xmin = w;
    *xmax = -1;
    for (int y = top; y <= bottom; y++) {
        for (int x = 0; x < w; x++) {
            if (!dark(im, x, y) || seen[(y - top) * w + x]) {
                continue;
            }
            n++;
            int sp = 0;
            stack[sp++] = x;
            stack[sp++] = y;
            seen[(y - top) * w + x] = 1;
            while (sp > 0) {
                int cy = stack[--sp], cx = stack[--sp];
                *xmin = cx < *xmin ? cx : *xmin;
                *xmax = cx > *xmax ? cx : *xmax;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = cx + dx, ny = cy + dy;
                        if (nx < 0 || nx >= w || ny < top || ny > bottom || seen[(ny - top) * w + nx] ||
                            !dark(im, nx, ny)) {
                            continue;
                        }
                        seen[(ny - top) * w + nx] = 1;
                        stack[sp++] = nx;
                        stack[sp++] = ny;
                    }
                }
            }
        }
    }
    free(seen);
    free(stack);
    return n;
}

/* The text with U+200C (zero-width non-joiner) after every Arabic letter. */
static inline char *unjoined(const char *s)
{
    struct buf b = BUF_INIT(64 * 1024);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        assert_int_equal(buf_append(&b, p, n), STATUS_OK);
        if (n == 2 && (p[0] == 0xd8 || p[0] == 0xd9)) { /* U+0600..U+067F: Arabic letters */
            assert_int_equal(buf_puts(&b, "\xe2\x80\x8c"), STATUS_OK);
        }
        p += n;
    }
    return buf_take(&b);
}

#endif
