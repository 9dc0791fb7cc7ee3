/* referral: the directory of service providers, referrals of a case to a provider with the
 * person's consent and the field groups the referring worker chose to share, and break-the-glass
 * access to a case outside one's scope. Sharing is enforced in auth (record_access rows, read by
 * auth_check): the receiving agency reaches the case for reading, and only its shared field
 * groups, through every route. See docs/referral.md. */
#ifndef CTIS_REFERRAL_REFERRAL_H
#define CTIS_REFERRAL_REFERRAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* The service codes of providers and referrals. */
extern const char *const referral_services[];
extern const size_t referral_services_count;
/* The reason codes of a rejection. */
extern const char *const referral_reject_codes[];
extern const size_t referral_reject_codes_count;

/* Providers (providers.c). Names, contacts and areas of organisations are not personal: clear. */
struct provider {
    int64_t id;
    char *name;
    int64_t agency_id; /* the ctis agency that receives its referrals; 0: outside the system */
    char *services;    /* codes joined by ';' */
    char *languages;   /* ISO 639 codes joined by ';' */
    char *areas;       /* ISO 3166 alpha-3 countries and free area codes joined by ';' */
    int64_t places_total;
    int64_t places_free;
    int64_t capacity_updated_at_ms;
    char *contact;
    bool active;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t version;
};
/* NULL members (and -1 numbers) are left unchanged by an update; create needs name and services.
 * Lists are given joined by ';' or ',' and stored sorted and joined by ';'. */
struct provider_input {
    const char *name;
    int64_t agency_id; /* -1: unchanged; 0: none */
    const char *services;
    const char *languages;
    const char *areas;
    int64_t places_total; /* -1: unchanged */
    int64_t places_free;  /* -1: unchanged */
    const char *contact;
    int active; /* -1: unchanged */
};
struct provider_filter {
    const char *service;
    const char *language;
    const char *area;
    bool with_capacity; /* places free only */
    bool include_inactive;
    int64_t limit;
    int64_t offset;
};
/* provider.manage: create and update (STATUS_CONFLICT when expected_version is stale). referral.read
 * (or provider.manage): get and search. */
enum status provider_create(const struct auth_ctx *ctx, const struct provider_input *in, struct provider **out);
enum status provider_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                            const struct provider_input *in, struct provider **out);
enum status provider_get(const struct auth_ctx *ctx, int64_t id, struct provider **out);
enum status provider_search(const struct auth_ctx *ctx, const struct provider_filter *f, struct provider ***out,
                            size_t *count_out);
enum status provider_input_from_json(struct provider_input *in, const json_t *o, bool partial);
json_t *provider_to_json(const struct provider *p);
/* A JSON array of strings (or one string) joined by ';'; NULL when neither (caller frees). */
char *referral_json_list(const json_t *v);
void provider_free(struct provider *p);
void provider_list_free(struct provider **list, size_t count);

/* Referrals (referral.c). */
struct referral {
    int64_t id;
    int64_t case_id;
    int64_t from_agency_id;
    int64_t from_user_id;
    int64_t provider_id;
    int64_t to_agency_id; /* 0: the provider is outside the system (nothing is shared in ctis) */
    char kind[16];        /* referral, transfer */
    char *services;       /* codes joined by ';' */
    unsigned groups;      /* the field groups shared: bit g = enum auth_field_group g */
    char *reason;         /* sealed; NULL when not readable */
    char urgency[8];      /* normal, urgent */
    char state[12];       /* pending, accepted, rejected, completed, revoked */
    char reject_code[32];
    char *reject_note;     /* sealed */
    char basis[32];        /* consent, child_emergency_override */
    char *override_reason; /* sealed */
    bool keep_access;      /* the sender kept the share on at completion */
    int64_t access_id;     /* the record_access row of the share, 0 when none */
    int64_t created_at_ms;
    int64_t answered_at_ms;
    int64_t answered_by;
    int64_t closed_at_ms;
    int64_t closed_by;
    int64_t updated_at_ms;
    int64_t version;
    bool received; /* the principal reads it as the receiving side */
};
struct referral_input {
    int64_t provider_id;
    const char *kind;     /* referral (default) or transfer */
    const char *services; /* codes joined by ';' or ',' */
    const char *groups;   /* field group names joined by ';' or ',' */
    const char *reason;
    const char *urgency; /* normal (default) or urgent */
    const char *basis;   /* consent (default) or child_emergency_override */
    const char *override_reason;
    char *owned[2]; /* referral_input_from_json: the joined services and groups */
};
/* Reads {"provider_id", "kind", "services": [..], "groups": [..], "reason", "urgency", "basis",
 * "override_reason"}; the input points into o (keep it alive) and owns the joined lists. */
enum status referral_input_from_json(struct referral_input *in, const json_t *o);
void referral_input_clear(struct referral_input *in);
/* Refers case_id (referral.write on the case). Needs the case's consent to share (STATUS_CONFLICT
 * without it), or for a child (majority_status Minor or age under 18) an emergency override with a
 * reason, audited as "referral.override". The groups shared must be ones the sender may read on
 * the case. A provider with an agency gets an agency share of the chosen groups (kind referral)
 * and a referral_unanswered task in its queue. */
enum status referral_create(const struct auth_ctx *ctx, int64_t case_id, const struct referral_input *in,
                            struct referral **out);
enum status referral_get(const struct auth_ctx *ctx, int64_t id, struct referral **out);
/* The referrals of a case the principal may see (either side). */
enum status referral_list_case(const struct auth_ctx *ctx, int64_t case_id, struct referral ***out, size_t *count_out);
/* box: "sent" (the principal's agency, or its own with scope own) or "received" (the principal's
 * agency as receiver: scope agency or all, or the user named on acceptance); state "" for any. */
enum status referral_list_box(const struct auth_ctx *ctx, const char *box, const char *state, int64_t limit,
                              int64_t offset, struct referral ***out, size_t *count_out);
/* The receiver answers (referral.write, a user of the receiving agency). Accepting names the user
 * on the share; a transfer hands the case over (case_transfer) to the receiving agency with owner
 * owner_id (0: the accepting user) and ends the share. Rejecting needs a reason code; it ends the
 * share. Both resolve the referral_unanswered task. expected_version < 0: not checked. */
enum status referral_accept(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, int64_t owner_id);
enum status referral_reject(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *code,
                            const char *note);
/* Either side marks an accepted referral completed; the share ends unless the sender (only the
 * sender) asks to keep it on. */
enum status referral_complete(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, bool keep_access);
/* The sender withdraws a pending or accepted referral: the share ends at once. */
enum status referral_revoke(const struct auth_ctx *ctx, int64_t id, int64_t expected_version);
json_t *referral_to_json(const struct referral *r);
/* For the purge and subject-access hooks (src/cases/protect_hooks.c; the case was reached by the
 * caller): purge clears the sealed texts of the case's referrals and ends every share of the case
 * (clearing break-the-glass reasons), *items_out = rows touched; sar gives {"referrals": [...]}
 * with the texts decrypted, or NULL when the case has none. */
enum status referral_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status referral_sar_json(const struct auth_ctx *ctx, int64_t case_id, json_t **out);
void referral_free(struct referral *r);
void referral_list_free(struct referral **list, size_t count);

/* Break-the-glass (glass.c): opens case_id to the principal (case.glass) for `minutes` (0: the
 * default; at most GLASS_MINUTES_MAX) with a reason (sealed, at least GLASS_REASON_CHARS_MIN
 * characters), for reading the field groups the principal may read anyway. Audited "case.glass"
 * (minutes and access id, no reason); each active case_supervisor of the case's agency gets a
 * glass_notice task (the agency queue when there is none). *opened is false, and nothing else is
 * said, when there is no such case or it is already within reach. */
struct glass_result {
    bool opened;
    int64_t access_id;
    int64_t expires_at_ms;
};
enum status referral_glass(const struct auth_ctx *ctx, int64_t case_id, const char *reason, int64_t minutes,
                           struct glass_result *out);

#endif
