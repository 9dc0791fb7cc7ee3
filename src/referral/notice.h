/* notice: the printable notice of a presumed victim's rights (CoE Convention arts 12-16; UN
 * Global Plan of Action paras 30, 31, 33, 34, 39, 41), as a PDF in one of the six UN languages.
 * It tells the person, in plain words: the recovery and reflection period and its end (no
 * removal during it), the assistance they may receive and that it does not depend on agreeing
 * to testify, non-punishment, privacy, residence permits, compensation, voluntary and safe
 * return, and whom to contact. It names the case by its number only: no name and no personal
 * data of the person is ever printed on it or put in its metadata. The text is in the message
 * catalogues (i18n/<lang>.json, keys "notice.*"). */
#ifndef CTIS_REFERRAL_NOTICE_H
#define CTIS_REFERRAL_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/limits.h"
#include "util/status.h"

/* What the notice says. Dates are ISO dates (YYYY-MM-DD), printed with the month's name in the
 * notice's language and the ISO date beside it. */
struct notice_facts {
    const char *lang;             /* ar, en, es, fr, ru or zh (required) */
    const char *case_ref;         /* the case number: digits, '-' or '/' only (required) */
    const char *reflection_end;   /* NULL: no period set yet (the notice says so) */
    const char *reflection_start; /* NULL: only the end is printed */
    int reflection_days;          /* 0: not printed */
    bool no_removal;              /* the person will not be removed during the period */
    const char *agency_name;      /* NULL: the row is left out */
    const char *agency_contact;   /* NULL: a line to fill in by hand */
    const char *helpline;         /* NULL: a line to fill in by hand */
    const char *issued_on;        /* NULL: today (UTC) */
};

/* Renders the notice. Pure: no database, no audit. STATUS_INVALID names the fact at fault. The
 * caller frees *pdf_out with free. */
enum status notice_rights_render(const struct notice_facts *f, uint8_t **pdf_out, size_t *len_out);

/* The reflection period of a case as the pathway records it (filled by the caller from the
 * pathway; see docs/referral-notice.md). */
struct notice_reflection_in {
    const char *start; /* YYYY-MM-DD or NULL */
    const char *end;   /* YYYY-MM-DD (required) */
    int days;          /* 0: not printed */
    bool no_removal;
};

/* What the notice of a case takes from the database: its number and its agency's name. */
struct notice_case {
    char case_ref[24];
    char agency_name[NAME_BYTES_MAX + 1]; /* "" when the agency is not found */
    char helpline[64];                    /* the intake settings' helpline number, "" when none */
};

/* Reaches case case_id ("case.read", audited with detail "rights-notice"; out of reach reads as
 * STATUS_NOT_FOUND) and reads what the notice prints of it. Runs inside the caller's
 * transaction (auth_run). Reads no field group. */
enum status notice_case_read(const struct auth_ctx *ctx, int64_t case_id, struct notice_case *out);
/* Renders the notice of a case read by notice_case_read, in lang; refl NULL: the notice says
 * that no reflection period has been set yet. Pure: run it after the transaction (drawing takes
 * 10 to 90 ms, too long to hold the write lock). The caller frees *pdf with free. */
enum status notice_rights_render_case(const struct notice_case *c, const char *lang,
                                      const struct notice_reflection_in *refl, uint8_t **pdf, size_t *len);

/* Both in one, inside the caller's transaction (for callers that hold no lock worth
 * releasing): notice_case_read, then notice_rights_render_case. lang is checked first, so a bad
 * language is refused before the case is reached. */
enum status notice_rights_for_case(const struct auth_ctx *ctx, int64_t case_id, const char *lang,
                                   const struct notice_reflection_in *refl, uint8_t **pdf, size_t *len);

#endif
