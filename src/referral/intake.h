/* intake: the public tip form and the helpline. A tip is a first-contact record for triage by the
 * receiving agency (the national hotline: a setting, by default the first agency). The public
 * route takes a tip without a login, rate-limited per client address (a keyed hash of it, never
 * the address), with a honeypot field and a signed form token that must be between
 * INTAKE_FORM_MIN_S and INTAKE_FORM_MAX_S old; it answers only with a random public reference.
 * Helpline staff record calls, and triage tips (intake.triage: caseworker, case_supervisor):
 * list and read the tips of their agency, mark them triaged, dismiss them with a reason code, or
 * convert them into a case (stage first contact). The tipster's contact, the account and the
 * location are sealed; reading them needs the contact, narrative and location field groups. */
#ifndef CTIS_REFERRAL_INTAKE_H
#define CTIS_REFERRAL_INTAKE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define INTAKE_REFERENCE_BYTES 12 /* "T-7KQ2-9XHM" and a NUL */
#define INTAKE_TOKEN_BYTES 96

/* Codes. */
bool intake_channel_known(const char *code);      /* web_form, helpline_call, sms, email, walk_in, other */
bool intake_exploitation_known(const char *code); /* labour, sexual, other, unknown */
bool intake_dismiss_reason_known(const char *code);
/* spam, duplicate, not_trafficking, insufficient_information, referred_elsewhere, other */

struct intake_tip {
    int64_t id;
    char reference[INTAKE_REFERENCE_BYTES];
    int64_t received_at_ms;
    char channel[16];
    char language[8];
    bool anonymous;
    char *contact;     /* sealed, contact group; NULL when none or withheld */
    char *account;     /* sealed, narrative group */
    char *location;    /* sealed, location group */
    unsigned withheld; /* INTAKE_WITHHELD_* */
    char country[4];   /* ISO 3166 alpha-3 or "" */
    char exploitation[8];
    bool immediate_danger;
    int64_t agency_id;
    char state[12]; /* new, triaged, converted, dismissed */
    int64_t case_id;
    char dismiss_reason[32];
    int64_t created_by; /* 0: the public form */
    int64_t version;
};
#define INTAKE_WITHHELD_CONTACT 0x1u
#define INTAKE_WITHHELD_ACCOUNT 0x2u
#define INTAKE_WITHHELD_LOCATION 0x4u

/* A tip's input: {"channel","language","anonymous","contact","account","location","country",
 * "exploitation","immediate_danger"}; the public form also sends "form_token" and the honeypot
 * "website" (must be absent or empty). Strings are borrowed from the JSON. */
struct intake_input {
    const char *channel;
    const char *language;
    bool anonymous;
    const char *contact;
    const char *account;
    const char *location;
    char country[4];
    const char *exploitation;
    bool immediate_danger;
    const char *form_token;
    const char *honeypot;
};
enum status intake_input_from_json(struct intake_input *in, const json_t *o, bool public_form);

/* The public form's token: the time it was served, signed (vault_mac). */
void intake_form_token(struct vault *v, int64_t now_ms, char out[INTAKE_TOKEN_BYTES]);
/* STATUS_INVALID (field form_token) when it is not ours, younger than INTAKE_FORM_MIN_S or older
 * than INTAKE_FORM_MAX_S. */
enum status intake_form_token_check(struct vault *v, const char *token, int64_t now_ms);

/* A public tip from client (an address): STATUS_THROTTLED after INTAKE_TIPS_PER_WINDOW tips in
 * INTAKE_WINDOW_S from the same address; STATUS_INVALID for a bad token or input. A filled-in
 * honeypot stores nothing but answers like a success (a made-up reference). Runs its own
 * transactions (the throttle counts even when the tip is refused). ctx->who is a principal with
 * no permissions (the public). */
enum status intake_submit_public(const struct auth_ctx *ctx, const struct intake_input *in,
                                 char reference_out[INTAKE_REFERENCE_BYTES]);

/* Helpline staff: a tip recorded by an authenticated user (intake.triage), for their agency. */
enum status intake_tip_record(const struct auth_ctx *ctx, const struct intake_input *in, int64_t *id_out);
/* The tips of the caller's agency (scope all: every agency); state NULL or "" for any. Sealed
 * values are not opened in lists. */
enum status intake_tip_list(const struct auth_ctx *ctx, const char *state, int64_t limit, int64_t offset,
                            struct intake_tip **out, size_t *count_out);
/* One tip with the sealed values the caller's field groups open (each group read audited). */
enum status intake_tip_get(const struct auth_ctx *ctx, int64_t id, struct intake_tip *out);
enum status intake_tip_triage(const struct auth_ctx *ctx, int64_t id);
enum status intake_tip_dismiss(const struct auth_ctx *ctx, int64_t id, const char *reason);
/* Creates a case from the tip (case.write too: narrative from the account, exploitation country
 * and type from the codes) and links it; the case starts at stage first contact. */
enum status intake_tip_convert(const struct auth_ctx *ctx, int64_t id, int64_t *case_id_out);
json_t *intake_tip_to_json(const struct intake_tip *t);
void intake_tip_clear(struct intake_tip *t);
void intake_tips_free(struct intake_tip *t, size_t count);

/* Settings: the receiving agency (0: the first agency) and the helpline number shown on the
 * public page. Setting them is the local operator's (or agency.manage with scope all). */
struct intake_settings {
    int64_t agency_id;
    char helpline[64];
};
enum status intake_settings_get(const struct auth_ctx *ctx, struct intake_settings *out);
enum status intake_settings_set(const struct auth_ctx *ctx, const struct intake_settings *in);

/* A case's purge (protect_hooks.c): wipes the sealed values of the tips converted into it. */
enum status intake_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items);

#endif
