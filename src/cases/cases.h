/* cases: the victim case registry after IOM's Human Trafficking Case Data Standard (HTCDS v2).
 * Every field is described once in fields.def; records, validation, JSON, CSV, import, export
 * and statistics work from that registry. Personal fields are sealed by the vault and found by
 * blind indexes; every read and write passes auth_check ("case.read", "case.write", field
 * groups) and every change is kept as a version. Missing values stay distinct: not collected
 * (no value), unknown, not applicable. */
#ifndef CTIS_CASES_CASES_H
#define CTIS_CASES_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

enum case_field_type { CF_CODE, CF_MULTI, CF_INT, CF_BOOL, CF_DATE, CF_TEXT, CF_SEALED, CF_SEALED_DATE, CF_CODES };
enum case_bidx { CB_NONE, CB_EXACT, CB_TOKENS };

enum case_field_id {
#define FIELD(name, htcds, type, vocab, group, bidx, max) CASE_F_##name,
#include "cases/fields.def"
#undef FIELD
    CASE_F__COUNT
};
_Static_assert(CASE_F__COUNT <= 62, "the missing-value masks hold 62 fields");

struct case_field {
    const char *name;  /* JSON and CSV name */
    const char *htcds; /* HTCDS v2 name, "" when none */
    enum case_field_type type;
    const char *vocab; /* CF_CODE, CF_MULTI */
    enum auth_field_group group;
    enum case_bidx bidx;
    size_t max_bytes;
};
extern const struct case_field case_fields[CASE_F__COUNT];
/* The field named name (JSON name or HTCDS name, any case), or -1. */
int case_field_find(const char *name);
bool case_field_sealed(enum case_field_id f);

/* A value's state. NOT_COLLECTED is the default: the field was not asked or not answered. */
enum case_state { CASE_NOT_COLLECTED = 0, CASE_SET, CASE_UNKNOWN, CASE_NOT_APPLICABLE };

struct case_value {
    enum case_state state;
    int64_t i;  /* CF_INT, CF_BOOL (0/1), CF_MULTI (bit i = vocabulary entry i) */
    char *text; /* CF_CODE (the code), CF_CODES (codes joined by ';'), CF_TEXT, CF_DATE, CF_SEALED*, owned */
};

/* The lifecycle (HTCDS cas_Status). */
#define CASE_STATUS_ACTIVE "Active"
#define CASE_STATUS_FOLLOW_UP "FollowUp"

struct case_record {
    int64_t id;
    int64_t agency_id;
    int64_t owner_id; /* the case owner (a user) */
    bool restricted;  /* only the owner and named users see it */
    char status[24];  /* Active, FollowUp, Closed, ClosedReferred */
    int64_t opened_at_ms;
    int64_t closed_at_ms;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
    char *source_key;    /* import key "sha256:<hex>:<line>", NULL when entered by hand */
    int64_t merged_into; /* after case_get: the case this one was merged into (case_merge), or 0 */
    struct case_value v[CASE_F__COUNT];
    /* After a read: the field groups that were decrypted (others are NOT_COLLECTED-looking but
     * withheld: `withheld` says which fields had a value the reader may not see). */
    bool withheld[CASE_F__COUNT];
};

/* Reaches case id for another module's operation on the case or its sub-records (referral,
 * tasks, justice ...): checks `permission` through auth_check (scope, restriction, shares and
 * break-the-glass access), writes its audit entry, and gives the case's access record (for
 * further field-group checks with auth_check) and its version. A case out of reach reads as
 * absent: STATUS_NOT_FOUND. */
enum status case_reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                       struct auth_record *rec_out, int64_t *version_out);

/* The access record of case id without an access check or audit entry, for break-the-glass only
 * (referral_glass decides and audits). STATUS_NOT_FOUND when there is no such case. */
enum status case_glass_target(const struct auth_ctx *ctx, int64_t id, struct auth_record *rec_out);

void case_record_init(struct case_record *r);
void case_record_clear(struct case_record *r);
void case_record_free(struct case_record *r);
/* Sets field f from text as a user or a file would write it (vocabulary codes, labels and
 * aliases in any case; "unknown", "not applicable" and "" for the missing states; multi values
 * separated by ';' or ','). Errors name the field: STATUS_INVALID. */
enum status case_value_parse(struct case_record *r, enum case_field_id f, const char *text);
/* Formats field f as export text: codes, ';'-joined sorted multi codes, "unknown",
 * "not applicable", "" when not collected. Caller frees. */
char *case_value_format(const struct case_record *r, enum case_field_id f);

/* JSON: {"id":..,"version":..,"status":..,"fields":{"gender":"Feminine","exploitation_types":
 * ["ForcedLabour"],"age":{"missing":"unknown"},...}}. from_json reads "fields" only, checks
 * every value, and with partial=true leaves fields absent from the object untouched. */
enum status case_record_from_json(struct case_record *r, const json_t *fields, bool partial);
json_t *case_record_to_json(const struct case_record *r);

/* Operations. Each runs inside the caller's write transaction (auth_run). */
/* Creates a case in the principal's agency, owned by the principal unless in->owner_id is set.
 * Derived fields (age and majority from the birth date, regions from countries) are filled
 * when absent. When in->source_key is set and a case with that key exists, nothing is created
 * and STATUS_CONFLICT is returned (imports use it to add nothing twice). out may be NULL: no
 * read-back (the new case is at version 1). */
enum status case_create(const struct auth_ctx *ctx, struct case_record *in, struct case_record **out);
/* Reads a case; personal fields are decrypted only for the field groups the principal may read.
 * Out of scope: STATUS_NOT_FOUND. */
enum status case_get(const struct auth_ctx *ctx, int64_t id, struct case_record **out);
/* Changes the fields whose bit is set in `mask` (bit f = field f) to their values in `changes`.
 * STATUS_CONFLICT when expected_version is stale. Writes a version entry. */
enum status case_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                        const struct case_record *changes, uint64_t mask, struct case_record **out);
/* Hands a case over to another agency (referral of kind transfer, on acceptance): agency and
 * owner change, recorded as a version "transfer". For the referral module, which has decided the
 * transfer; the acting user reaches the case with case.read (through the referral's share) and
 * owner_id must be an active user of agency_id. */
enum status case_transfer(const struct auth_ctx *ctx, int64_t id, int64_t agency_id, int64_t owner_id);
enum status case_assign(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, int64_t owner_id);
/* status: Closed or ClosedReferred; reason may be NULL. */
enum status case_close(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *status,
                       const char *reason);
enum status case_reopen(const struct auth_ctx *ctx, int64_t id, int64_t expected_version);
enum status case_set_restricted(const struct auth_ctx *ctx, int64_t id, bool restricted);
/* HTCDS status FollowUp: the case stays open, for monitoring after services (from any status). */
enum status case_follow_up(const struct auth_ctx *ctx, int64_t id, int64_t expected_version);
/* Names (grant) or removes (revoke) a user who may see the case while it is restricted, besides
 * its owner. Needs case.write on the case; a named user must be an active user of the case's
 * agency (STATUS_INVALID naming user_id); each change is a version ("grant", "revoke").
 * Their other permissions still apply: a grant opens a restricted case, nothing more. */
enum status case_grant(const struct auth_ctx *ctx, int64_t id, int64_t user_id, bool grant);
struct case_grant {
    int64_t user_id;
    int64_t granted_at_ms;
};
/* The users named on a case (case.read). */
enum status case_grants(const struct auth_ctx *ctx, int64_t id, struct case_grant **out, size_t *count_out);
/* Merges case merge_id (a duplicate) into case keep_id. Needs case.merge and case.write on both.
 * Fields that keep_id has not collected take merge_id's values (only those of field groups the
 * principal may read and write; the others stay in merge_id); events and comments move to
 * keep_id; merge_id keeps its own history and record, is marked merged into keep_id and from then
 * on is left out of lists, searches, duplicates, statistics and exports, and refuses changes.
 * keep_id's history shows the versions of both (case_history). Each version must be current
 * (STATUS_CONFLICT otherwise, also when either case was already merged). *out: the kept case. */
enum status case_merge(const struct auth_ctx *ctx, int64_t keep_id, int64_t keep_version, int64_t merge_id,
                       int64_t merge_version, struct case_record **out);

/* Listing and search. Zero/NULL members do not filter. `name` matches any word of the given,
 * middle or family name through the blind index (so "محمد" finds "مُحَمَّد", "jose" finds
 * "José"); birth_date, identity_number and phone match exactly through theirs. */
struct case_filter {
    const char *name;
    const char *birth_date;
    const char *identity_number;
    const char *phone;
    const char *status;
    const char *citizenship;
    const char *exploitation_country;
    int64_t opened_from_ms;
    int64_t opened_to_ms;
    int64_t owner_id;
    int64_t limit;
    int64_t offset;
    bool codes_only; /* decrypt nothing, not even names (exports without personal fields) */
    /* Issue 7, part E (record linkage, src/link): keep every identity and contact field the
     * principal may read (not only the names), leave out the cases whose consent refuses sharing,
     * and allow a limit up to CASE_LINKAGE_ROWS_MAX. */
    bool linkage;
};
#define CASE_LINKAGE_ROWS_MAX (16 * 1024 * 1024)
enum status case_list(const struct auth_ctx *ctx, const struct case_filter *f, struct case_record ***out,
                      size_t *count_out);
void case_list_free(struct case_record **list, size_t count);

/* History: one entry per change, newest first: who, when, which fields (names only for sealed
 * fields; old and new values for the others). Includes the changes of cases merged into this one. */
struct case_change {
    int64_t case_id; /* the case changed: this one, or a case merged into it */
    int64_t version;
    int64_t at_ms;
    char *actor;
    char *action;    /* create, update, assign, close, reopen, restrict, import, merge, merged */
    json_t *changes; /* {"field": {"from": .., "to": ..}} or {"field": "changed"} */
};
enum status case_history(const struct auth_ctx *ctx, int64_t id, struct case_change **out, size_t *count_out);
void case_history_free(struct case_change *h, size_t count);

/* Historic trafficking events (HTCDS hte_): recruitment, transit, exploitation. */
struct case_event {
    int64_t id;
    char type[16];     /* Recruitment, Transit, Exploitation */
    char country[4];   /* ISO 3166 alpha-3 or "" */
    char *place;       /* city or place, sealed (location group); NULL when withheld */
    char date[11];     /* approximate: YYYY, YYYY-MM or YYYY-MM-DD, or "" */
    char *description; /* sealed (narrative group) */
};
enum status case_event_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_event *e, int64_t *id_out);
enum status case_events(const struct auth_ctx *ctx, int64_t case_id, struct case_event **out, size_t *count_out);
void case_events_free(struct case_event *e, size_t count);

/* Comments (HTCDS cco_CaseComment): sealed, narrative group. */
struct case_comment {
    int64_t id;
    int64_t at_ms;
    char *author;
    char *body;
};
enum status case_comment_add(const struct auth_ctx *ctx, int64_t case_id, const char *body, int64_t *id_out);
enum status case_comments(const struct auth_ctx *ctx, int64_t case_id, struct case_comment **out, size_t *count_out);
void case_comments_free(struct case_comment *c, size_t count);

/* Statistics on victims: counts grouped by up to 3 dimensions among gender, age_group,
 * majority_status, exploitation, citizenship, citizenship_region, exploitation_country, year.
 * Missing values count as "unknown". A case with several exploitation types counts once in each.
 * Needs stats.read; exact counts (disclosure control belongs to published releases). */
struct case_stat_row {
    char *keys[3];
    int64_t count;
};
enum status case_stats_victims(const struct auth_ctx *ctx, const char *const *by, size_t by_count, int64_t from_ms,
                               int64_t to_ms, struct case_stat_row **out, size_t *count_out);
void case_stats_free(struct case_stat_row *rows, size_t count);
/* The rows as CSV: a header row ("gender,count"), the data model's codes, "unknown" for missing,
 * plain integers. Caller frees. */
char *case_stats_csv(const char *const *by, size_t by_count, const struct case_stat_row *rows, size_t count);
/* The rows as a JSON array of {"keys": {dimension: value}, "count": n}. */
json_t *case_stats_json(const char *const *by, size_t by_count, const struct case_stat_row *rows, size_t count);
bool case_stats_dimension_known(const char *name);

/* Consent (consent.h has the checklist). What the person's consent allows, as bits of the
 * integer column cases.consent_flags that SQL filters on; kept in step with the consent items in
 * the same transaction. A bit set means a restriction in force. */
enum case_consent_flag {
    CASE_CONSENT_NO_PROCESSING = 1, /* interview or data use refused or withdrawn: no further updates */
    CASE_CONSENT_NO_SHARING = 2,    /* data use refused or withdrawn: no sharing, no personal exports */
    CASE_CONSENT_NO_RESEARCH = 4,   /* research use refused or withdrawn: out of statistics and outside exports */
    CASE_CONSENT_SHARING_GIVEN = 8, /* data use (case management and sharing) given */
};
/* The uses of a case that consent governs. */
enum case_use {
    CASE_USE_PROCESS,  /* change the case, add events and comments */
    CASE_USE_SHARE,    /* share with another organisation (referrals): needs data use given */
    CASE_USE_RESEARCH, /* statistics and exports for outside use */
    CASE_USE_PERSONAL_EXPORT,
};
/* May the case be used so? STATUS_OK, or STATUS_CONFLICT with a message naming the consent item;
 * needs case.read on the case (out of scope: STATUS_NOT_FOUND). */
enum status case_consent_check(const struct auth_ctx *ctx, int64_t case_id, enum case_use use);
/* True when flags allow use (no audit, no access check: for code that already reached the case). */
bool case_consent_allows(int64_t flags, enum case_use use);

#endif
