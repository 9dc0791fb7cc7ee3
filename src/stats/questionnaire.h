/* questionnaire: the instance's figures (stats_figures, submission.h) laid out as the tables of
 * UNODC's Questionnaire for the Global Report on Trafficking in Persons, as an .xlsx workbook
 * (issue 6, item 7; docs/stats.md, "Questionnaire workbook").
 *
 * Sheets, in order (names and labels in the chosen language, Arabic sheets right to left):
 *   cover      country, years, produced by and when, the method (exact, or released with
 *              disclosure control and the releases' ids), notes;
 *   offenders  persons brought into formal contact, prosecuted and convicted, by sex;
 *   convicted  persons convicted by citizenship (nationals, foreigners) and by form;
 *   victims    detected victims by sex and age: women, men, girls, boys, other, unknown;
 *   forms      detected victims by form of exploitation (the Global Report's three groups);
 *   citizens   detected victims by citizenship (nationals, each foreign country, unknown);
 *   repatriated nationals brought home, by the country they were exploited in (year of travel).
 * Each table has its categories as rows, the years as columns, then a total column, and a total
 * row (the column's sum: a victim with several forms counts once in each form).
 *
 * Exact figures need stats.read. With a release (spec->release "suppress" or "round"), every
 * table goes through disclosure control (stats_release: a two-way table category x year with its
 * margins; suppression shows "<5" and protects the cells by secondary suppression) and each is
 * recorded as a release of dataset "questionnaire"; this needs stats.publish (and stats.read for
 * the figures). Run inside auth_run: the releases are recorded in the caller's transaction. */
#ifndef CTIS_STATS_QUESTIONNAIRE_H
#define CTIS_STATS_QUESTIONNAIRE_H

#include <jansson.h>
#include <stddef.h>

#include "auth/auth.h"
#include "util/status.h"

#define QUESTIONNAIRE_DATASET "questionnaire"
#define QUESTIONNAIRE_CONTENT_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct questionnaire_spec {
    const char *country;   /* the reporting country (ISO 3166, as vocab_parse reads a country) */
    int year_from;         /* inclusive */
    int year_to;           /* inclusive; at most SUBMISSION_YEARS_MAX years */
    const char *lang;      /* ar, en, es, fr, ru or zh; NULL: en */
    const char *release;   /* NULL: exact figures; "suppress" or "round" */
    const char *threshold; /* NULL: 5 (as stats_release_spec_parse reads it) */
};

/* Builds the workbook: to the file at path when path is not NULL (then *data is NULL), else in
 * memory (*data malloc'd, *len its length). *releases (may be NULL): with a release, an array of
 * the recorded releases' {"id","table","sha256"}; else an empty array. */
enum status stats_questionnaire(const struct auth_ctx *ctx, const struct questionnaire_spec *q, const char *path,
                                char **data, size_t *len, json_t **releases);

#endif
