/* practices: the best-practices knowledge base (issue 9, part K; Plan of Action paras 18, 24, 51
 * and 60). A practice has a title, a summary and a body in one of the six UN languages (its
 * original language), optional translations of the same texts in the others, a country (ISO 3166
 * alpha-3 or ""), the Plan paragraphs it serves ("annex-18"...), its pillars (taken from the
 * paragraphs when not given), tags, the source or organisation, a year and a status (draft,
 * published). It is national reference material, not case data: nothing is sealed.
 *
 * JSON of a practice:
 *   {"id":..,"lang":"en","title":"..","summary":"..","body":"..",
 *    "translations":[{"lang":"fr","title":"..","summary":"..","body":".."}],
 *    "country":"NGA","paragraphs":["annex-18"],"pillars":["prevent"],"tags":["schools"],
 *    "source":"..","year":2024,"status":"published","version":1,"created_at_ms":..,"updated_at_ms":..}
 *
 * Full-text search in every language: SQLite FTS5 (unicode61, diacritics removed) and PostgreSQL's
 * 'simple' tsvector over texts prepared by practices_index_text (Arabic harakat and tatweel
 * removed, each Chinese or Japanese character a word of its own, so that a
 * Chinese query matches as a phrase of characters).
 *
 * Reading and searching need plan.read, recording and updating plan.write; every call is audited.
 * Callers run these inside auth_run. */
#ifndef CTIS_PLAN_PRACTICES_H
#define CTIS_PLAN_PRACTICES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The marks around matched words in a snippet (private-use code points, as caselaw's). */
#define PRACTICE_MARK_START "\xee\x80\x80" /* U+E000 */
#define PRACTICE_MARK_STOP "\xee\x80\x81"  /* U+E001 */
#define PRACTICE_SEARCH_ROWS_MAX 200

enum status practice_add(const struct auth_ctx *ctx, const json_t *in, json_t **out);
enum status practice_get(const struct auth_ctx *ctx, int64_t id, json_t **out);
/* Replaces the members given (translations as a whole); version must be the current one
 * (STATUS_CONFLICT otherwise). */
enum status practice_update(const struct auth_ctx *ctx, int64_t id, int64_t version, const json_t *in, json_t **out);

struct practice_query {
    const char *q;         /* words in any language ('' or NULL: no full-text condition) */
    const char *lang;      /* the language of the matching text; NULL any (a list: the original) */
    const char *pillar;    /* NULL any */
    const char *paragraph; /* a Plan paragraph id, NULL any */
    const char *country;   /* NULL any */
    const char *status;    /* draft or published, NULL any */
    int64_t limit;         /* 0: 50; at most PRACTICE_SEARCH_ROWS_MAX */
    int64_t offset;
};
/* Best first, one entry per practice: {"id","lang","match_lang","title","summary","country",
 * "paragraphs","pillars","tags","source","year","status","version","rank","snippet"}; the title and
 * summary are those of the matching text, the snippet holds the matches between the marks. */
enum status practice_search(const struct auth_ctx *ctx, const struct practice_query *q, json_t **out);

/* The text as indexed (see above; case is kept: FTS5 folds it, and PostgreSQL's plan_fold, whose
 * lower() cannot be trusted beyond ASCII under the C locale, folds Cyrillic itself); malloc'd. */
char *practices_index_text(const char *s);
/* The published practices whose year lies in [from_year, to_year]: {"total": n, "by_pillar":
 * {pillar: n}} (a practice counts once in the total and once under each of its pillars); no
 * permission check (for the implementation report, which checked its own). */
enum status practices_count(const struct auth_ctx *ctx, int from_year, int to_year, json_t **out);

#endif
