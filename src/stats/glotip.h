/* glotip: UNODC's published national data (the GLOTIP data portal file, data_glotip.xlsx, or the
 * same layout as CSV) imported into table glotip_rows, and queried like case data (issue 6,
 * item 6; docs/glotip.md). Layout: row 1 "UNODC", row 2 the file's date, row 3 the header
 * Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year, Unit of
 * measurement, txtVALUE, Source (any order; a missing column is named), then one row per figure.
 * Each row is kept with its value parsed and a state:
 *   ok          a count (thousands separators read: "1,192" is 1192);
 *   suppressed  "<5", UNODC's small-cell suppression: kept as suppressed, never 0 or 5;
 *   suspect     with a reason: date_like (a value such as "6,112,019": seven or more digits
 *               ending in a year 1990-2035), questionnaire_code (a Category such as
 *               "Q6.1_10s_2019"), mis_encoded (U+FFFD or UTF-8 read as Latin-1 in a text field),
 *               unparseable (a value that is no count), empty (no value).
 * A suspect reason wins over "<5". Free-text citizenship categories ("Romanian", "Nigerians",
 * "Viet Nam") of the dimensions by citizenship and by country of repatriation are mapped to
 * ISO 3166 alpha-3 where possible; the rest are kept as written and reported. One import is one
 * transaction; a file whose SHA-256 was imported before is refused (STATUS_CONFLICT). */
#ifndef CTIS_STATS_GLOTIP_H
#define CTIS_STATS_GLOTIP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

enum glotip_state { GLOTIP_OK, GLOTIP_SUPPRESSED, GLOTIP_SUSPECT };
enum glotip_reason {
    GLOTIP_REASON_NONE,
    GLOTIP_REASON_DATE_LIKE,
    GLOTIP_REASON_QUESTIONNAIRE_CODE,
    GLOTIP_REASON_MIS_ENCODED,
    GLOTIP_REASON_UNPARSEABLE,
    GLOTIP_REASON_EMPTY,
    GLOTIP_REASON__COUNT
};
const char *glotip_state_name(enum glotip_state s);
const char *glotip_reason_name(enum glotip_reason r); /* "" for NONE */

/* A txtVALUE cell: GLOTIP_OK with *value set, GLOTIP_SUPPRESSED for "<5", or GLOTIP_SUSPECT with
 * the reason (date_like, unparseable, empty). */
enum glotip_state glotip_value_parse(const char *text, int64_t *value, enum glotip_reason *reason);
/* A Category written as a questionnaire code ("Q6.1_10s_2019"). */
bool glotip_questionnaire_code(const char *text);
/* Text carrying U+FFFD or UTF-8 decoded as Latin-1 ("paÃ­s"). */
bool glotip_mis_encoded(const char *text);
/* A free-text citizenship category as an alpha-3 code: a country name or code the country
 * vocabulary knows, a demonym in the singular or plural ("Romanian", "Nigerians"), or words for
 * the country's own nationals (row_iso3 then). NULL when not mapped ("Total" included). */
const char *glotip_category_iso3(const char *category, const char *row_iso3);
/* The demonym table (demonyms.c): alpha-3 of a lower-case demonym, NULL when unknown. */
const char *glotip_demonym_iso3(const char *lower);

struct glotip_unmapped {
    char *category;
    int64_t rows;
};

struct glotip_summary {
    int64_t import_id;
    char sha256[65];
    char source_date[32]; /* row 2 as written (an Excel serial date as YYYY-MM-DD) */
    int64_t rows, ok, suppressed, suspect;
    int64_t by_reason[GLOTIP_REASON__COUNT];
    int64_t mapped;                   /* citizenship rows whose category was mapped to a country */
    struct glotip_unmapped *unmapped; /* distinct unmapped categories, most rows first */
    size_t unmapped_count;
};
void glotip_summary_clear(struct glotip_summary *s);
json_t *glotip_summary_json(const struct glotip_summary *s);

/* Imports the file's bytes (an .xlsx when they start as a zip, else CSV); name is the file's
 * name for the record and for messages. Needs case.write (as `ctis import`); run inside
 * auth_run. Errors name the file, line and field ("data.csv: line 12, field Year: ..."). */
enum status glotip_import(const struct auth_ctx *ctx, const char *name, const void *data, size_t len,
                          struct glotip_summary *out);

/* Queries. */
#define GLOTIP_BY_MAX 4
struct glotip_query {
    const char *indicator; /* required, matched without regard to case */
    const char *by[GLOTIP_BY_MAX];
    size_t by_count;            /* country, iso3, region, subregion, year, sex, age, category */
    const char *dimension;      /* NULL: Dimension Total */
    int64_t year_from, year_to; /* 0: no bound */
    bool compare;               /* the instance's own figure beside it */
};
struct glotip_stat_row {
    char *keys[GLOTIP_BY_MAX];
    int64_t value;      /* sum of the ok cells */
    int64_t cells;      /* ok cells summed */
    int64_t suppressed; /* "<5" cells, never summed */
    int64_t suspect;    /* suspect cells, never summed */
    bool has_instance;
    int64_t instance; /* the instance's own figure (compare) */
};
bool glotip_field_known(const char *name);
/* Over the latest import: rows of the indicator whose Dimension is Total (or q->dimension),
 * whose Sex, Age and Category are Total unless grouped by (with a dimension, Category is free
 * and its Total rows are left out unless grouped by category), grouped by q->by. Needs
 * stats.read. STATUS_NOT_FOUND when nothing was imported. *import_id_out: the import used. */
enum status glotip_stats(const struct auth_ctx *ctx, const struct glotip_query *q, struct glotip_stat_row **out,
                         size_t *count_out, int64_t *import_id_out);
void glotip_stats_free(struct glotip_stat_row *rows, size_t count);
char *glotip_stats_csv(const struct glotip_query *q, const struct glotip_stat_row *rows, size_t count);
json_t *glotip_stats_json(const struct glotip_query *q, const struct glotip_stat_row *rows, size_t count,
                          int64_t import_id);

#endif
