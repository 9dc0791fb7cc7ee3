/* intake: public tips and helpline calls (see intake.h). Sealed values are bound to
 * (intake_tips, column, id). The public path has no principal: it writes its audit entry as
 * "public" and never answers with anything but a reference. */
#include "referral/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"
#include "util/jsonin.h"

static bool in_list(const char *code, const char *const *list)
{
    for (size_t i = 0; code != NULL && list[i] != NULL; i++) {
        if (strcmp(code, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool intake_channel_known(const char *code)
{
    static const char *const l[] = {"web_form", "helpline_call", "sms", "email", "walk_in", "other", NULL};
    return in_list(code, l);
}

bool intake_exploitation_known(const char *code)
{
    static const char *const l[] = {"labour", "sexual", "other", "unknown", NULL};
    return in_list(code, l);
}

bool intake_dismiss_reason_known(const char *code)
{
    static const char *const l[] = {
        "spam", "duplicate", "not_trafficking", "insufficient_information", "referred_elsewhere", "other", NULL};
    return in_list(code, l);
}

/* Input. */

static enum status text_member(const json_t *o, const char *key, size_t max, const char **out)
{
    enum status st = util_json_str(o, key, max, out);
    if (st == STATUS_OK && *out != NULL && (*out)[0] == '\0') {
        *out = NULL; /* empty is none here */
    }
    return st;
}

static enum status bool_member(const json_t *o, const char *key, bool *out)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        return STATUS_OK;
    }
    if (!json_is_boolean(v)) {
        return err_set_field(STATUS_INVALID, key, "%s: true or false", key);
    }
    *out = json_is_true(v);
    return STATUS_OK;
}

enum status intake_input_from_json(struct intake_input *in, const json_t *o, bool public_form)
{
    static const char *const known[] = {"channel",          "language",   "anonymous", "contact",
                                        "account",          "location",   "country",   "exploitation",
                                        "immediate_danger", "form_token", "website",   NULL};
    memset(in, 0, sizeof *in);
    if (!json_is_object(o)) {
        return err_set(STATUS_INVALID, "a tip is a JSON object");
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        if (!in_list(key, known) || (!public_form && (strcmp(key, "form_token") == 0 || strcmp(key, "website") == 0))) {
            return err_set_field(STATUS_INVALID, key, "%s: no such member", key);
        }
    }
    const char *country = NULL;
    enum status st = text_member(o, "channel", 16, &in->channel);
    if (st == STATUS_OK) {
        st = text_member(o, "language", 7, &in->language);
    }
    if (st == STATUS_OK) {
        st = bool_member(o, "anonymous", &in->anonymous);
    }
    if (st == STATUS_OK) {
        st = text_member(o, "contact", INTAKE_SHORT_BYTES_MAX, &in->contact);
    }
    if (st == STATUS_OK) {
        st = text_member(o, "account", INTAKE_ACCOUNT_BYTES_MAX, &in->account);
    }
    if (st == STATUS_OK) {
        st = text_member(o, "location", INTAKE_SHORT_BYTES_MAX, &in->location);
    }
    if (st == STATUS_OK) {
        st = text_member(o, "country", 64, &country);
    }
    if (st == STATUS_OK) {
        st = text_member(o, "exploitation", 8, &in->exploitation);
    }
    if (st == STATUS_OK) {
        st = bool_member(o, "immediate_danger", &in->immediate_danger);
    }
    if (st == STATUS_OK && public_form) {
        st = text_member(o, "form_token", INTAKE_TOKEN_BYTES, &in->form_token);
    }
    if (st == STATUS_OK && public_form) {
        /* The honeypot: any string (even a long one) is kept to be recognised, not refused. */
        json_t *h = json_object_get(o, "website");
        in->honeypot = json_is_string(h) ? json_string_value(h) : NULL;
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (public_form && in->channel != NULL && strcmp(in->channel, "web_form") != 0) {
        return err_set_field(STATUS_INVALID, "channel", "channel: the public form is web_form");
    }
    if (in->channel != NULL && !intake_channel_known(in->channel)) {
        return err_set_field(STATUS_INVALID, "channel",
                             "channel: web_form, helpline_call, sms, email, walk_in or other");
    }
    if (in->exploitation != NULL && !intake_exploitation_known(in->exploitation)) {
        return err_set_field(STATUS_INVALID, "exploitation", "exploitation: labour, sexual, other or unknown");
    }
    if (in->language != NULL) {
        for (const char *p = in->language; *p; p++) {
            if (!((*p >= 'a' && *p <= 'z') || *p == '-')) {
                return err_set_field(STATUS_INVALID, "language", "language: a language code such as en or ar");
            }
        }
    }
    if (country != NULL) {
        const char *code = NULL;
        if (vocab_parse("country", country, &code) != STATUS_OK || strlen(code) >= sizeof in->country) {
            return err_set_field(STATUS_INVALID, "country", "country: a country code (ISO 3166)");
        }
        snprintf(in->country, sizeof in->country, "%s", code);
    }
    if (in->account == NULL) {
        return err_set_field(STATUS_INVALID, "account", "account: say what happened");
    }
    if (in->anonymous && in->contact != NULL) {
        return err_set_field(STATUS_INVALID, "contact", "contact: leave it empty for an anonymous tip");
    }
    return STATUS_OK;
}

/* The form token: "<ms>.<mac>" with mac = base64url(vault_mac("intake.form", "<ms>")). */

void intake_form_token(struct vault *v, int64_t now_ms, char out[INTAKE_TOKEN_BYTES])
{
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)now_ms);
    uint8_t mac[VAULT_HASH_BYTES];
    vault_mac(v, mac, "intake.form", ts, strlen(ts));
    char *b = util_b64url_encode(mac, sizeof mac);
    snprintf(out, INTAKE_TOKEN_BYTES, "%s.%s", ts, b);
    free(b);
}

enum status intake_form_token_check(struct vault *v, const char *token, int64_t now_ms)
{
    const char *dot = token ? strchr(token, '.') : NULL;
    char ts[24];
    int64_t at = 0;
    if (dot == NULL || dot == token || (size_t)(dot - token) >= sizeof ts) {
        return err_set_field(STATUS_INVALID, "form_token", "form_token: reload the form and send it again");
    }
    snprintf(ts, sizeof ts, "%.*s", (int)(dot - token), token);
    char expect[INTAKE_TOKEN_BYTES];
    if (util_parse_i64(&at, ts) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, "form_token", "form_token: reload the form and send it again");
    }
    intake_form_token(v, at, expect);
    if (strlen(expect) != strlen(token) || !vault_equal(expect, token, strlen(expect))) {
        return err_set_field(STATUS_INVALID, "form_token", "form_token: reload the form and send it again");
    }
    int64_t age = now_ms - at;
    if (age < (int64_t)INTAKE_FORM_MIN_S * 1000) {
        return err_set_field(STATUS_INVALID, "form_token", "form_token: sent too quickly; wait a moment and send it");
    }
    if (age > (int64_t)INTAKE_FORM_MAX_S * 1000) {
        return err_set_field(STATUS_INVALID, "form_token", "form_token: the form is too old; reload it");
    }
    return STATUS_OK;
}

/* Storage. */

static void make_reference(char out[INTAKE_REFERENCE_BYTES])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford's base 32 */
    uint8_t r[8];
    vault_random(r, sizeof r);
    char c[8];
    for (size_t i = 0; i < 8; i++) {
        c[i] = alphabet[r[i] & 31];
    }
    snprintf(out, INTAKE_REFERENCE_BYTES, "T-%.4s-%.4s", c, c + 4);
}

static enum status seal_value(const struct auth_ctx *ctx, const char *column, int64_t id, const char *text,
                              uint8_t **buf, struct sql_value *v)
{
    *buf = NULL;
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    size_t len = 0;
    struct vault_ad ad = {"intake_tips", column, id};
    enum status st = vault_seal(ctx->vault, buf, &len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*buf, len);
    }
    return st;
}

static enum status receiving_agency(const struct auth_ctx *ctx, int64_t *out)
{
    struct intake_settings s;
    enum status st = intake_settings_get(ctx, &s);
    if (st == STATUS_OK && s.agency_id != 0) {
        *out = s.agency_id;
        return STATUS_OK;
    }
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_INTAKE_FIRST_AGENCY, NULL, 0, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_UNAVAILABLE, "no agency receives tips yet");
    }
    if (st == STATUS_OK) {
        *out = store_rows_i64(r, 0);
        store_rows_free(r);
    }
    return st;
}

/* Inserts the tip (one try; the reference is unique). */
static enum status tip_insert(const struct auth_ctx *ctx, const struct intake_input *in, const char *channel,
                              int64_t agency, int64_t id, const char *reference)
{
    uint8_t *b1 = NULL, *b2 = NULL, *b3 = NULL;
    struct sql_value contact, account, location;
    enum status st = seal_value(ctx, "contact_enc", id, in->contact, &b1, &contact);
    if (st == STATUS_OK) {
        st = seal_value(ctx, "account_enc", id, in->account, &b2, &account);
    }
    if (st == STATUS_OK) {
        st = seal_value(ctx, "location_enc", id, in->location, &b3, &location);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                sqlv_text(reference),
                                SQLV_I64(util_now_ms()),
                                sqlv_text(channel),
                                sqlv_text(in->language ? in->language : ""),
                                SQLV_BOOL(in->anonymous),
                                contact,
                                account,
                                location,
                                sqlv_text(in->country),
                                sqlv_text(in->exploitation ? in->exploitation : "unknown"),
                                SQLV_BOOL(in->immediate_danger),
                                SQLV_I64(agency),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL};
        st = store_exec(ctx->store, STMT_INTAKE_TIP_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(b1);
    free(b2);
    free(b3);
    return st;
}

struct public_args {
    const struct intake_input *in;
    char *reference;
    uint8_t key[VAULT_HASH_BYTES];
    bool throttled;
};

/* The throttle, in a transaction of its own: counts this attempt. */
static enum status throttle_tx(struct store *s, void *p)
{
    struct public_args *a = p;
    int64_t now = util_now_ms(), start = now, count = 0;
    struct sql_value k[] = {SQLV_BLOB(a->key, sizeof a->key)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_INTAKE_THROTTLE_GET, k, 1, &r);
    if (st == STATUS_OK) {
        if (now - store_rows_i64(r, 0) < (int64_t)INTAKE_WINDOW_S * 1000) {
            start = store_rows_i64(r, 0);
            count = store_rows_i64(r, 1);
        }
        store_rows_free(r);
    } else if (st != STATUS_NOT_FOUND) {
        return st;
    }
    a->throttled = count >= INTAKE_TIPS_PER_WINDOW;
    if (a->throttled) {
        return STATUS_OK;
    }
    struct sql_value w[] = {SQLV_BLOB(a->key, sizeof a->key), SQLV_I64(start), SQLV_I64(count + 1)};
    st = store_exec(s, STMT_INTAKE_THROTTLE_SET, w, 3, NULL);
    if (st == STATUS_OK) {
        struct sql_value old[] = {SQLV_I64(now - (int64_t)INTAKE_WINDOW_S * 1000)};
        st = store_exec(s, STMT_INTAKE_THROTTLE_SWEEP, old, 1, NULL);
    }
    return st;
}

static enum status op_public_insert(const struct auth_ctx *ctx, void *p)
{
    struct public_args *a = p;
    int64_t agency = 0;
    enum status st = receiving_agency(ctx, &agency);
    int64_t id = vault_random_id();
    for (int attempt = 0; st == STATUS_OK && attempt < 4; attempt++) {
        make_reference(a->reference);
        st = tip_insert(ctx, a->in, "web_form", agency, id, a->reference);
        if (st != STATUS_CONFLICT) {
            break;
        }
        st = STATUS_OK; /* a reference taken: draw another */
        id = vault_random_id();
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "intake.tip.public", "intake_tip", id, "ok",
                        a->in->immediate_danger ? "public tip, immediate danger" : "public tip");
    }
    return st;
}

enum status intake_submit_public(const struct auth_ctx *ctx, const struct intake_input *in,
                                 char reference_out[INTAKE_REFERENCE_BYTES])
{
    struct public_args a = {in, reference_out, {0}, false};
    reference_out[0] = '\0';
    const char *client = ctx->client ? ctx->client : "";
    vault_mac(ctx->vault, a.key, "intake.throttle", client, strlen(client));
    enum status st = store_tx_run(ctx->store, STORE_TX_WRITE, throttle_tx, &a);
    if (st != STATUS_OK) {
        return st;
    }
    if (a.throttled) {
        return err_set(STATUS_THROTTLED, "too many tips from this connection: try again in a few minutes, or call "
                                         "the helpline");
    }
    st = intake_form_token_check(ctx->vault, in->form_token, util_now_ms());
    if (st != STATUS_OK) {
        return st;
    }
    if (in->honeypot != NULL && in->honeypot[0] != '\0') {
        make_reference(reference_out); /* looks like a success; nothing is kept */
        return STATUS_OK;
    }
    return auth_run(ctx, op_public_insert, &a);
}

enum status intake_tip_record(const struct auth_ctx *ctx, const struct intake_input *in, int64_t *id_out)
{
    enum status st = auth_check(ctx, "intake.triage", NULL, AUTH_FG_NONE, true, "record tip");
    int64_t agency = ctx->who->agency_id;
    if (st == STATUS_OK && agency == 0) {
        st = receiving_agency(ctx, &agency);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    char reference[INTAKE_REFERENCE_BYTES];
    for (int attempt = 0; attempt < 4; attempt++) {
        make_reference(reference);
        st = tip_insert(ctx, in, in->channel ? in->channel : "helpline_call", agency, id, reference);
        if (st != STATUS_CONFLICT) {
            break;
        }
        id = vault_random_id();
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "intake.tip.record", "intake_tip", id, "ok", in->channel ? in->channel : "helpline_call");
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

/* Reading. */

void intake_tip_clear(struct intake_tip *t)
{
    char **vals[] = {&t->contact, &t->account, &t->location};
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        if (*vals[i] != NULL) {
            vault_plain_free(*vals[i], strlen(*vals[i]));
        }
    }
    memset(t, 0, sizeof *t);
}

void intake_tips_free(struct intake_tip *t, size_t count)
{
    for (size_t i = 0; t != NULL && i < count; i++) {
        intake_tip_clear(&t[i]);
    }
    free(t);
}

/* Reads an INTAKE_COLS row; open[g]: open the values of group g (else withheld bits). */
static enum status tip_row(const struct auth_ctx *ctx, struct store_rows *r, const bool open[AUTH_FG__COUNT],
                           struct intake_tip *t)
{
    memset(t, 0, sizeof *t);
    t->id = store_rows_i64(r, 0);
    snprintf(t->reference, sizeof t->reference, "%s", store_rows_text(r, 1));
    t->received_at_ms = store_rows_i64(r, 2);
    snprintf(t->channel, sizeof t->channel, "%s", store_rows_text(r, 3));
    snprintf(t->language, sizeof t->language, "%s", store_rows_text(r, 4));
    t->anonymous = store_rows_i64(r, 5) != 0;
    snprintf(t->country, sizeof t->country, "%s", store_rows_text(r, 9));
    snprintf(t->exploitation, sizeof t->exploitation, "%s", store_rows_text(r, 10));
    t->immediate_danger = store_rows_i64(r, 11) != 0;
    t->agency_id = store_rows_i64(r, 12);
    snprintf(t->state, sizeof t->state, "%s", store_rows_text(r, 13));
    t->case_id = store_rows_i64(r, 14);
    snprintf(t->dismiss_reason, sizeof t->dismiss_reason, "%s", store_rows_text(r, 15));
    t->created_by = store_rows_i64(r, 16);
    t->version = store_rows_i64(r, 17);
    static const struct {
        size_t col;
        const char *column;
        enum auth_field_group g;
        unsigned bit;
    } sealed[] = {{6, "contact_enc", AUTH_FG_CONTACT, INTAKE_WITHHELD_CONTACT},
                  {7, "account_enc", AUTH_FG_NARRATIVE, INTAKE_WITHHELD_ACCOUNT},
                  {8, "location_enc", AUTH_FG_LOCATION, INTAKE_WITHHELD_LOCATION}};
    char **outs[] = {&t->contact, &t->account, &t->location};
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(sealed); i++) {
        size_t len = 0, plen = 0;
        const uint8_t *blob = store_rows_blob(r, sealed[i].col, &len);
        if (blob == NULL || len == 0) {
            continue;
        }
        if (open == NULL || !open[sealed[i].g]) {
            t->withheld |= sealed[i].bit;
            continue;
        }
        struct vault_ad ad = {"intake_tips", sealed[i].column, t->id};
        st = vault_unseal(ctx->vault, outs[i], &plen, &ad, blob, len);
    }
    if (st != STATUS_OK) {
        intake_tip_clear(t);
    }
    return st;
}

/* The agency filter of the caller: their agency, or any (0) with scope all or as the operator. */
static int64_t agency_filter(const struct auth_ctx *ctx)
{
    return ctx->who->operator|| ctx->who->scope == AUTH_SCOPE_ALL ? 0 : ctx->who->agency_id;
}

enum status intake_tip_list(const struct auth_ctx *ctx, const char *state, int64_t limit, int64_t offset,
                            struct intake_tip **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    static const char *const states[] = {"new", "triaged", "converted", "dismissed", NULL};
    if (state != NULL && state[0] != '\0' && !in_list(state, states)) {
        return err_set_field(STATUS_INVALID, "state", "state: new, triaged, converted or dismissed");
    }
    if (limit < 1 || limit > PAGE_ROWS_MAX || offset < 0) {
        return err_set_field(STATUS_INVALID, "limit", "limit: 1 to %d", PAGE_ROWS_MAX);
    }
    enum status st = auth_check(ctx, "intake.triage", NULL, AUTH_FG_NONE, false, "list tips");
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(agency_filter(ctx)), sqlv_text(state ? state : ""), SQLV_I64(limit),
                            SQLV_I64(offset)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_INTAKE_TIP_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t n = 0, cap = 0;
    struct intake_tip *list = NULL;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        st = tip_row(ctx, r, NULL, &list[n]);
        if (st != STATUS_OK) {
            break;
        }
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        intake_tips_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

/* Loads tip id (sealed values closed) and decides access: intake.triage on a tip of the caller's
 * agency (scope all: any); out of reach reads as absent. Audited. */
static enum status tip_reach(const struct auth_ctx *ctx, int64_t id, bool write, const char *detail,
                             struct intake_tip *t, struct auth_record *rec)
{
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_INTAKE_TIP_GET, k, 1, &r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_NOT_FOUND, "no such tip");
    }
    if (st == STATUS_OK) {
        st = tip_row(ctx, r, NULL, t);
    }
    store_rows_free(r);
    if (st != STATUS_OK) {
        return st;
    }
    /* A tip has no owner: every triager of its agency reaches it (scope own included). */
    *rec = (struct auth_record){"intake_tip", id, t->agency_id,
                                t->agency_id == ctx->who->agency_id ? ctx->who->user_id : 0, AUTH_SENSITIVITY_NORMAL};
    st = auth_check(ctx, "intake.triage", rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED && auth_has(ctx->who, "intake.triage")) {
        st = err_set(STATUS_NOT_FOUND, "no such tip");
    }
    if (st != STATUS_OK) {
        intake_tip_clear(t);
    }
    return st;
}

enum status intake_tip_get(const struct auth_ctx *ctx, int64_t id, struct intake_tip *out)
{
    struct auth_record rec;
    enum status st = tip_reach(ctx, id, false, "read tip", out, &rec);
    if (st != STATUS_OK) {
        return st;
    }
    /* Each group that holds a value and may be read is opened, its read audited. */
    bool open[AUTH_FG__COUNT] = {false};
    static const struct {
        unsigned bit;
        enum auth_field_group g;
    } groups[] = {{INTAKE_WITHHELD_CONTACT, AUTH_FG_CONTACT},
                  {INTAKE_WITHHELD_ACCOUNT, AUTH_FG_NARRATIVE},
                  {INTAKE_WITHHELD_LOCATION, AUTH_FG_LOCATION}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(groups); i++) {
        if ((out->withheld & groups[i].bit) && auth_field_allowed(ctx->who, groups[i].g, false)) {
            open[groups[i].g] = true;
            st = auth_check(ctx, "intake.triage", &rec, groups[i].g, false, "read tip");
        }
    }
    struct sql_value k[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_INTAKE_TIP_GET, k, 1, &r);
    }
    if (st == STATUS_OK) {
        intake_tip_clear(out);
        st = tip_row(ctx, r, open, out);
    }
    store_rows_free(r);
    if (st != STATUS_OK) {
        intake_tip_clear(out);
    }
    return st;
}

static enum status set_state(const struct auth_ctx *ctx, const struct intake_tip *t, const char *state, int64_t case_id,
                             const char *reason)
{
    int64_t now = util_now_ms();
    struct sql_value a[] = {SQLV_I64(t->id),
                            SQLV_I64(t->version),
                            sqlv_text(state),
                            case_id ? SQLV_I64(case_id) : SQLV_NULL,
                            sqlv_text(reason ? reason : ""),
                            SQLV_I64(now),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL};
    enum status st = store_exec(ctx->store, STMT_INTAKE_TIP_STATE, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK && store_changes(ctx->store) != 1) {
        st = err_set(STATUS_CONFLICT, "the tip changed meanwhile: read it again");
    }
    return st;
}

/* Reaches tip id for a change from one of the states in `from`. */
static enum status tip_for_change(const struct auth_ctx *ctx, int64_t id, const char *detail, struct intake_tip *t)
{
    struct auth_record rec;
    enum status st = tip_reach(ctx, id, true, detail, t, &rec);
    if (st == STATUS_OK && strcmp(t->state, "new") != 0 && strcmp(t->state, "triaged") != 0) {
        st = err_set_field(STATUS_CONFLICT, "state", "the tip is %s already", t->state);
    }
    return st;
}

enum status intake_tip_triage(const struct auth_ctx *ctx, int64_t id)
{
    struct intake_tip t;
    memset(&t, 0, sizeof t); /* tip_for_change leaves it untouched when the tip is not found */
    enum status st = tip_for_change(ctx, id, "triage tip", &t);
    if (st == STATUS_OK && strcmp(t.state, "new") != 0) {
        st = err_set_field(STATUS_CONFLICT, "state", "the tip is triaged already");
    }
    if (st == STATUS_OK) {
        st = set_state(ctx, &t, "triaged", 0, NULL);
    }
    intake_tip_clear(&t);
    return st;
}

enum status intake_tip_dismiss(const struct auth_ctx *ctx, int64_t id, const char *reason)
{
    if (!intake_dismiss_reason_known(reason)) {
        return err_set_field(STATUS_INVALID, "reason",
                             "reason: spam, duplicate, not_trafficking, insufficient_information, "
                             "referred_elsewhere or other");
    }
    struct intake_tip t;
    memset(&t, 0, sizeof t); /* tip_for_change leaves it untouched when the tip is not found */
    enum status st = tip_for_change(ctx, id, "dismiss tip", &t);
    if (st == STATUS_OK) {
        st = set_state(ctx, &t, "dismissed", 0, reason);
    }
    intake_tip_clear(&t);
    return st;
}

enum status intake_tip_convert(const struct auth_ctx *ctx, int64_t id, int64_t *case_id_out)
{
    struct intake_tip t;
    memset(&t, 0, sizeof t);
    enum status st = tip_for_change(ctx, id, "convert tip", &t);
    if (st != STATUS_OK) {
        return st;
    }
    intake_tip_clear(&t);
    /* The account goes into the case's narrative: read it (the narrative group, audited). */
    st = intake_tip_get(ctx, id, &t);
    if (st == STATUS_OK && (t.withheld & INTAKE_WITHHELD_ACCOUNT)) {
        st = err_set(STATUS_DENIED, "converting a tip needs fg.narrative.read (its account becomes the narrative)");
    }
    struct case_record in;
    case_record_init(&in);
    struct case_record *made = NULL;
    if (st == STATUS_OK && t.account != NULL) {
        st = case_value_parse(&in, CASE_F_narrative, t.account);
    }
    if (st == STATUS_OK && t.country[0] != '\0') {
        st = case_value_parse(&in, CASE_F_exploitation_country, t.country);
    }
    static const struct {
        const char *guess, *code;
    } types[] = {{"labour", "ForcedLabour"}, {"sexual", "SexualExploitation"}, {"other", "Other"}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(types); i++) {
        if (strcmp(t.exploitation, types[i].guess) == 0) {
            st = case_value_parse(&in, CASE_F_exploitation_types, types[i].code);
        }
    }
    if (ctx->who->operator) {
        in.agency_id = t.agency_id; /* the operator files it with the receiving agency */
    }
    if (st == STATUS_OK) {
        st = case_create(ctx, &in, &made);
    }
    if (st == STATUS_OK) {
        st = set_state(ctx, &t, "converted", made->id, NULL);
    }
    if (st == STATUS_OK && case_id_out != NULL) {
        *case_id_out = made->id;
    }
    case_record_free(made);
    case_record_clear(&in);
    intake_tip_clear(&t);
    return st;
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *intake_tip_to_json(const struct intake_tip *t)
{
    char when[32];
    util_time_iso(when, t->received_at_ms);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "reference", json_string(t->reference));
    json_object_set_new(o, "received_at", json_string(when));
    json_object_set_new(o, "channel", json_string(t->channel));
    json_object_set_new(o, "language", str_or_null(t->language));
    json_object_set_new(o, "anonymous", json_boolean(t->anonymous));
    json_object_set_new(o, "contact", str_or_null(t->contact));
    json_object_set_new(o, "account", str_or_null(t->account));
    json_object_set_new(o, "location", str_or_null(t->location));
    json_t *w = json_array();
    if (t->withheld & INTAKE_WITHHELD_CONTACT) {
        json_array_append_new(w, json_string("contact"));
    }
    if (t->withheld & INTAKE_WITHHELD_ACCOUNT) {
        json_array_append_new(w, json_string("account"));
    }
    if (t->withheld & INTAKE_WITHHELD_LOCATION) {
        json_array_append_new(w, json_string("location"));
    }
    json_object_set_new(o, "withheld", w);
    json_object_set_new(o, "country", str_or_null(t->country));
    json_object_set_new(o, "exploitation", json_string(t->exploitation));
    json_object_set_new(o, "immediate_danger", json_boolean(t->immediate_danger));
    json_object_set_new(o, "agency_id", json_integer(t->agency_id));
    json_object_set_new(o, "state", json_string(t->state));
    json_object_set_new(o, "case_id", t->case_id ? json_integer(t->case_id) : json_null());
    json_object_set_new(o, "dismiss_reason", str_or_null(t->dismiss_reason));
    json_object_set_new(o, "version", json_integer(t->version));
    return o;
}

/* Settings. */

enum status intake_settings_get(const struct auth_ctx *ctx, struct intake_settings *out)
{
    memset(out, 0, sizeof *out);
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_INTAKE_SETTINGS_GET, NULL, 0, &r);
    if (st == STATUS_NOT_FOUND) {
        return STATUS_OK;
    }
    if (st == STATUS_OK) {
        out->agency_id = store_rows_i64(r, 0);
        snprintf(out->helpline, sizeof out->helpline, "%s", store_rows_text(r, 1));
        store_rows_free(r);
    }
    return st;
}

enum status intake_settings_set(const struct auth_ctx *ctx, const struct intake_settings *in)
{
    enum status st = STATUS_OK;
    if (!ctx->who->operator) {
        st = auth_check(ctx, "agency.manage", NULL, AUTH_FG_NONE, true, "intake settings");
        if (st == STATUS_OK && ctx->who->scope != AUTH_SCOPE_ALL) {
            st = err_set(STATUS_DENIED, "intake settings need scope all");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    for (const char *p = in->helpline; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || *p == '+' || *p == ' ' || *p == '-' || *p == '(' || *p == ')')) {
            return err_set_field(STATUS_INVALID, "helpline", "helpline: a telephone number (digits, +, -, spaces)");
        }
    }
    if (in->agency_id != 0) {
        struct auth_agency *a = NULL;
        st = auth_agency_get(ctx, in->agency_id, &a);
        auth_agency_free(a);
        if (st == STATUS_NOT_FOUND) {
            return err_set_field(STATUS_INVALID, "agency_id", "agency_id: no such agency");
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    struct sql_value a[] = {in->agency_id ? SQLV_I64(in->agency_id) : SQLV_NULL, sqlv_text(in->helpline),
                            SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_INTAKE_SETTINGS_SET, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "intake.settings", "", 0, "ok", NULL);
    }
    return st;
}

enum status intake_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items)
{
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    *items = 0;
    enum status st = store_exec(ctx->store, STMT_INTAKE_PURGE_CASE, a, 1, &r);
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        (*items)++;
    }
    store_rows_free(r);
    return st == STATUS_DONE ? STATUS_OK : st;
}
