/* text: the United Nations Global Plan of Action to Combat Trafficking in Persons (General
 * Assembly resolution 64/293) as data (issue 9, item 1).
 *
 * The embedded data/plan/plan.json is parsed once into arrays that are never written again:
 * the resolution's 7 operative paragraphs ("op-1".."op-7") and the Annex's 61 paragraphs
 * ("annex-1".."annex-61"), each with its part ("resolution" | "annex"), number, section, pillar
 * ("general", "prevent", "protect", "prosecute", "partner", "follow_up"), its cleaned Arabic text,
 * an English summary and the codes of the instruments it names; the Annex's sections with their
 * Arabic headings; and the instruments ("untoc", "tip_protocol", ...) with their English and
 * Arabic names and years. The ids and codes are stable: later parts of issue 9 refer to them.
 * docs/plan.md describes the data.
 *
 * Reading needs plan.read and is audited as reference data (one entry per call). What comes back
 * points into the parsed data: the caller frees only the array of pointers plan_paragraphs
 * returns. */
#ifndef CTIS_PLAN_TEXT_H
#define CTIS_PLAN_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "util/status.h"

#define PLAN_OPERATIVE_COUNT 7
#define PLAN_ANNEX_COUNT 61
#define PLAN_INSTRUMENTS_MAX 16

struct plan_paragraph {
    const char *id;      /* "op-3", "annex-27" */
    const char *part;    /* "resolution" | "annex" */
    int number;          /* 1..7 or 1..61 */
    const char *section; /* "resolution", "introduction", "prevention", "protection", ... */
    const char *pillar;  /* see above */
    const char *text_ar;
    const char *summary_en;
    const char *instruments[PLAN_INSTRUMENTS_MAX]; /* codes */
    size_t instrument_count;
};

struct plan_section {
    const char *code, *part, *pillar;  /* pillar NULL for "resolution" */
    const char *numeral_ar, *title_ar; /* NULL where the text has no heading */
    const char *title_en;
    const char *intro_ar; /* the Annex's opening words, on "introduction"; else NULL */
    int first, last;      /* the paragraph numbers it holds */
};

struct plan_instrument {
    const char *code, *kind; /* kind "treaty" | "guidance" */
    const char *name_en;
    const char *name_ar; /* as the resolution gives it; NULL when it does not name it */
    int year;            /* of adoption */
};

/* A filter for plan_paragraphs; NULL or "" fields match everything. */
struct plan_filter {
    const char *part, *pillar, *instrument;
};

/* The pillar codes, in order; *count set. */
const char *const *plan_pillars(size_t *count);
/* True when code is a pillar code, an instrument code. */
bool plan_pillar_known(const char *code);
bool plan_instrument_known(const char *code);

/* The paragraphs that match f (NULL: all), operative paragraphs first, then the Annex in order.
 * Needs plan.read (checked first); then STATUS_INVALID (field "part", "pillar" or "instrument")
 * for an unknown value.
 * *out: an array the caller frees (the paragraphs themselves are not to be freed). */
enum status plan_paragraphs(const struct auth_ctx *ctx, const struct plan_filter *f, const struct plan_paragraph ***out,
                            size_t *count_out);
/* One paragraph by id; STATUS_NOT_FOUND when there is none. Needs plan.read. */
enum status plan_paragraph_get(const struct auth_ctx *ctx, const char *id, const struct plan_paragraph **out);
/* The instruments and the sections, in the file's order. Need plan.read. */
enum status plan_instruments(const struct auth_ctx *ctx, const struct plan_instrument **out, size_t *count_out);
enum status plan_sections(const struct auth_ctx *ctx, const struct plan_section **out, size_t *count_out);

/* The parsed data without a permission check, for tests and for modules that have checked
 * their own (the later implementation report). NULL / 0 when the data failed to load. */
const struct plan_paragraph *plan_data_paragraphs(size_t *count_out);
const struct plan_instrument *plan_data_instruments(size_t *count_out);
const struct plan_section *plan_data_sections(size_t *count_out);
/* The source's symbol and title ("A/RES/64/293"). */
const char *plan_source_symbol(void);

json_t *plan_paragraph_json(const struct plan_paragraph *p);
json_t *plan_instrument_json(const struct plan_instrument *i);
json_t *plan_section_json(const struct plan_section *s);

#endif
