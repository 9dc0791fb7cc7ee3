/* napint: what the files of part N of issue 9 (nap.c, prevent.c) share: input checks, dates,
 * code lists and sealing. Not for other modules. */
#ifndef CTIS_PLAN_NAPINT_H
#define CTIS_PLAN_NAPINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/status.h"
#include "util/jsonin.h"

#define PN_TEXT_MAX 300  /* titles, bodies, indicator names, units */
#define PN_NOTE_MAX 8000 /* sealed narratives and notes */
#define PN_LIST_MAX 64   /* paragraphs, bodies, indicators, codes */
#define PN_COUNT_MAX 2000000000LL

/* A country of the registry's vocabulary (ISO 3166-1 alpha-3). */
bool pn_country_ok(const char *s);

/* A period: from and to (both required), to not before from. */
enum status pn_period(const json_t *o, const char *from_key, const char *to_key, const char **from, const char **to);
/* The comma-separated codes of an array member, each checked by ok (list) or by okf; "" when
 * absent; required: at least one. */
enum status pn_codes(const json_t *o, const char *key, const char *const *list, bool (*okf)(const char *),
                     bool required, char **out);
json_t *pn_codes_json(const char *csv);
/* Plan paragraph ids ("op-3", "annex-12"), checked against the Plan's text. */
bool pn_paragraph_ok(const char *id);
/* A list of agency ids (each must exist) as "1,2,3". */
enum status pn_agency_ids(const struct auth_ctx *ctx, const json_t *o, const char *key, char **out);
/* A list of positive ids (not checked) as "1,2,3". */
enum status pn_ids(const json_t *o, const char *key, char **out);
json_t *pn_ids_json(const char *csv);

#endif
