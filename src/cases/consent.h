/* consent: the HTCDS consent checklist of a case (v1.0's seven con_ checkboxes, v2's guidance):
 * seven items, each with a state (given, refused, withdrawn, not asked), the date the person
 * gave it, who recorded it, an optional sealed note, and a full history (every change is a new
 * row, never overwritten). Changing an item recomputes cases.consent_flags (cases.h) in the same
 * transaction, which is what the rest of ctis enforces: see docs/cases.md "Data-protection rights". */
#ifndef CTIS_CASES_CONSENT_H
#define CTIS_CASES_CONSENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/cases.h"

enum consent_item {
    CONSENT_INTERVIEW,  /* consent/assent to interview (con_Consent) */
    CONSENT_PURPOSE,    /* informed of the purpose of the interview (con_PurposeOfInterview) */
    CONSENT_DATA_USE,   /* informed of and agrees to the use of data: case management, sharing with
                         * service providers (con_UseOfData) */
    CONSENT_RESEARCH,   /* informed of and agrees to non-identifying research use (con_DataForResearch) */
    CONSENT_RIGHTS,     /* informed of the right to request their data and to be forgotten
                         * (con_RightToBeForgotten) */
    CONSENT_RETENTION,  /* informed of the retention period */
    CONSENT_WITHDRAWAL, /* informed how to withdraw consent */
    CONSENT__COUNT
};
enum consent_state { CONSENT_NOT_ASKED, CONSENT_GIVEN, CONSENT_REFUSED, CONSENT_WITHDRAWN };

/* The stable code of an item ("interview", "purpose", "data_use", "research", "rights",
 * "retention", "withdrawal"), its HTCDS v1.0 name ("" when the standard names none) and its
 * i18n key ("consent.item.<code>"). */
const char *consent_item_code(enum consent_item i);
const char *consent_item_htcds(enum consent_item i);
const char *consent_state_name(enum consent_state s);
/* Codes (and HTCDS names, any case) to enums; STATUS_INVALID naming the field. */
enum status consent_item_parse(const char *text, enum consent_item *out);
enum status consent_state_parse(const char *text, enum consent_state *out);

/* One recorded state of one item. */
struct consent_entry {
    int64_t id;
    enum consent_item item;
    enum consent_state state;
    char date[11]; /* when the person gave, refused or withdrew it: YYYY-MM-DD, or "" */
    int64_t at_ms; /* when it was recorded */
    char *actor;
    char *note; /* sealed (narrative group); NULL when none or not readable */
};
/* The checklist: the current entry of each item (state CONSENT_NOT_ASKED, at_ms 0 when never
 * recorded), and the history (every entry, oldest first). */
struct consent_list {
    struct consent_entry current[CONSENT__COUNT];
    struct consent_entry *history;
    size_t count;
    int64_t flags; /* cases.consent_flags */
};

/* A change of one item. date may be "" (today) ; note may be NULL. */
struct consent_change {
    enum consent_item item;
    enum consent_state state;
    const char *date;
    const char *note;
};

/* Reads the checklist (case.read; the notes with fg.narrative.read). */
enum status consent_get(const struct auth_ctx *ctx, int64_t case_id, struct consent_list *out);
void consent_list_clear(struct consent_list *l);
/* Records changes (case.write; a note needs fg.narrative.write). Allowed whatever the consent
 * flags say: consent can always be changed. Writes one history row per change, recomputes the
 * flags, and adds a case version ("consent") naming the items and states. A state equal to the
 * current one is recorded again only with a new date or note. */
enum status consent_set(const struct auth_ctx *ctx, int64_t case_id, const struct consent_change *changes,
                        size_t count);
/* The flags that states imply. */
int64_t consent_flags_of(const enum consent_state state[CONSENT__COUNT]);
/* JSON of the checklist: {"items":[{"item","htcds","label","state","date","recorded_at","actor",
 * "note"}],"flags":{...},"history":[...]} with labels in lang. */
json_t *consent_list_json(const struct consent_list *l, const char *lang, bool with_history);

#endif
