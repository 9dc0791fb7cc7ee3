/* consent: the seven-item HTCDS consent checklist of a case, with its history, and the consent
 * flags (cases.consent_flags) that restrict what may be done with the case. */
#include "cases/consent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cases/cases_int.h"
#include "i18n/i18n.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static const struct {
    const char *code;
    const char *htcds;
} items[CONSENT__COUNT] = {
    [CONSENT_INTERVIEW] = {"interview", "con_Consent"},
    [CONSENT_PURPOSE] = {"purpose", "con_PurposeOfInterview"},
    [CONSENT_DATA_USE] = {"data_use", "con_UseOfData"},
    [CONSENT_RESEARCH] = {"research", "con_DataForResearch"},
    [CONSENT_RIGHTS] = {"rights", "con_RightToBeForgotten"},
    [CONSENT_RETENTION] = {"retention", ""},
    [CONSENT_WITHDRAWAL] = {"withdrawal", ""},
};

static const char *const states[] = {"not_asked", "given", "refused", "withdrawn"};

#define CONSENT_NOTE_MAX 4000

const char *consent_item_code(enum consent_item i)
{
    return (unsigned)i < CONSENT__COUNT ? items[i].code : "";
}

const char *consent_item_htcds(enum consent_item i)
{
    return (unsigned)i < CONSENT__COUNT ? items[i].htcds : "";
}

const char *consent_state_name(enum consent_state s)
{
    return (unsigned)s < ARRAY_LEN(states) ? states[s] : "not_asked";
}

enum status consent_item_parse(const char *text, enum consent_item *out)
{
    for (int i = 0; text != NULL && i < CONSENT__COUNT; i++) {
        if (strcasecmp(text, items[i].code) == 0 || (items[i].htcds[0] && strcasecmp(text, items[i].htcds) == 0)) {
            *out = (enum consent_item)i;
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_INVALID, "item",
                         "item: interview, purpose, data_use, research, rights, retention or withdrawal");
}

enum status consent_state_parse(const char *text, enum consent_state *out)
{
    for (size_t i = 0; text != NULL && i < ARRAY_LEN(states); i++) {
        if (strcasecmp(text, states[i]) == 0) {
            *out = (enum consent_state)i;
            return STATUS_OK;
        }
    }
    if (text != NULL && strcasecmp(text, "not asked") == 0) {
        *out = CONSENT_NOT_ASKED;
        return STATUS_OK;
    }
    return err_set_field(STATUS_INVALID, "state", "state: given, refused, withdrawn or not_asked");
}

static bool said_no(enum consent_state s)
{
    return s == CONSENT_REFUSED || s == CONSENT_WITHDRAWN;
}

int64_t consent_flags_of(const enum consent_state state[CONSENT__COUNT])
{
    int64_t f = 0;
    if (said_no(state[CONSENT_INTERVIEW])) {
        f |= CASE_CONSENT_NO_PROCESSING;
    }
    if (said_no(state[CONSENT_DATA_USE])) {
        f |= CASE_CONSENT_NO_PROCESSING | CASE_CONSENT_NO_SHARING;
    }
    if (state[CONSENT_DATA_USE] == CONSENT_GIVEN) {
        f |= CASE_CONSENT_SHARING_GIVEN;
    }
    if (said_no(state[CONSENT_RESEARCH])) {
        f |= CASE_CONSENT_NO_RESEARCH;
    }
    return f;
}

bool case_consent_allows(int64_t flags, enum case_use use)
{
    switch (use) {
    case CASE_USE_PROCESS: return (flags & CASE_CONSENT_NO_PROCESSING) == 0;
    case CASE_USE_SHARE: return (flags & CASE_CONSENT_SHARING_GIVEN) != 0 && (flags & CASE_CONSENT_NO_SHARING) == 0;
    case CASE_USE_RESEARCH: return (flags & CASE_CONSENT_NO_RESEARCH) == 0;
    case CASE_USE_PERSONAL_EXPORT: return (flags & CASE_CONSENT_NO_SHARING) == 0;
    }
    return false;
}

enum status case__consent_flags(const struct auth_ctx *ctx, int64_t case_id, int64_t *flags_out)
{
    *flags_out = 0;
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_CASE_CONSENT_FLAGS_GET, a, 1, &r);
    if (st == STATUS_OK) {
        *flags_out = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such case") : st;
}

/* The message names the consent item that stops the use. */
static enum status refused(int64_t flags, enum case_use use)
{
    switch (use) {
    case CASE_USE_PROCESS:
        return err_set(STATUS_CONFLICT,
                       "processing is restricted: consent to %s was refused or withdrawn; the case "
                       "can be read, closed, purged and its consent changed",
                       (flags & CASE_CONSENT_NO_SHARING) ? "the use of data (data_use)" : "the interview (interview)");
    case CASE_USE_SHARE:
        return err_set(STATUS_CONFLICT, "sharing is not allowed: consent to the use of data (data_use) was %s",
                       (flags & CASE_CONSENT_NO_SHARING) ? "refused or withdrawn" : "not given");
    case CASE_USE_RESEARCH:
        return err_set(STATUS_CONFLICT, "consent to research use (research) was refused or withdrawn");
    case CASE_USE_PERSONAL_EXPORT:
        return err_set(STATUS_CONFLICT, "consent to the use of data (data_use) was refused or withdrawn");
    }
    return STATUS_CONFLICT;
}

enum status case__consent_require(const struct auth_ctx *ctx, int64_t case_id, enum case_use use)
{
    int64_t flags = 0;
    enum status st = case__consent_flags(ctx, case_id, &flags);
    if (st == STATUS_OK && !case_consent_allows(flags, use)) {
        st = refused(flags, use);
    }
    return st;
}

enum status case_consent_check(const struct auth_ctx *ctx, int64_t case_id, enum case_use use)
{
    struct auth_record rec;
    enum status st = case__reach(ctx, case_id, "case.read", false, "consent check", &rec, NULL);
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, case_id, use);
    }
    return st;
}

/* Reading. */

static void entry_clear(struct consent_entry *e)
{
    free(e->actor);
    if (e->note != NULL) {
        memset(e->note, 0, strlen(e->note)); /* personal */
        free(e->note);
    }
    memset(e, 0, sizeof *e);
}

void consent_list_clear(struct consent_list *l)
{
    for (size_t i = 0; l->history && i < l->count; i++) {
        entry_clear(&l->history[i]);
    }
    free(l->history);
    for (int i = 0; i < CONSENT__COUNT; i++) {
        free(l->current[i].actor);
        free(l->current[i].note);
    }
    memset(l, 0, sizeof *l);
}

static void entry_copy(struct consent_entry *dst, const struct consent_entry *src)
{
    free(dst->actor);
    free(dst->note);
    *dst = *src;
    dst->actor = src->actor ? xstrdup(src->actor) : NULL;
    dst->note = src->note ? xstrdup(src->note) : NULL;
}

/* Reads the rows of a case (no access check); notes are opened when open_notes. */
static enum status rows_read(const struct auth_ctx *ctx, int64_t case_id, bool open_notes, struct consent_list *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < CONSENT__COUNT; i++) {
        out->current[i].item = (enum consent_item)i;
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_CONSENT_LIST, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8;
    out->history = xcalloc(cap, sizeof *out->history);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        enum consent_item item;
        enum consent_state state;
        if (consent_item_parse(store_rows_text(r, 1), &item) != STATUS_OK ||
            consent_state_parse(store_rows_text(r, 2), &state) != STATUS_OK) {
            continue; /* an item of a later version */
        }
        if (out->count == cap) {
            cap *= 2;
            out->history = xrealloc(out->history, cap * sizeof *out->history);
        }
        struct consent_entry *e = &out->history[out->count];
        memset(e, 0, sizeof *e);
        e->id = store_rows_i64(r, 0);
        e->item = item;
        e->state = state;
        snprintf(e->date, sizeof e->date, "%s", store_rows_text(r, 3));
        e->at_ms = store_rows_i64(r, 4);
        e->actor = xstrdup(store_rows_text(r, 5));
        size_t len = 0, plen = 0;
        const uint8_t *blob = store_rows_is_null(r, 6) ? NULL : store_rows_blob(r, 6, &len);
        if (open_notes && blob != NULL && len > 0) {
            struct vault_ad ad = {"case_consent", "note_enc", e->id};
            st = vault_unseal(ctx->vault, &e->note, &plen, &ad, blob, len);
            if (st != STATUS_OK) {
                out->count++;
                break;
            }
        }
        out->count++;
        entry_copy(&out->current[item], e);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        consent_list_clear(out);
        return st;
    }
    return case__consent_flags(ctx, case_id, &out->flags);
}

enum status consent_get(const struct auth_ctx *ctx, int64_t case_id, struct consent_list *out)
{
    memset(out, 0, sizeof *out);
    struct auth_record rec;
    enum status st = case__reach(ctx, case_id, "case.read", false, "consent", &rec, NULL);
    bool allowed[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK) {
        auth_groups_allowed(ctx, &rec, false, allowed);
    }
    bool notes = st == STATUS_OK && allowed[AUTH_FG_NARRATIVE];
    if (notes) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_NARRATIVE, false, "consent");
    }
    if (st == STATUS_OK) {
        st = rows_read(ctx, case_id, notes, out);
    }
    return st;
}

/* Writing. */

static void today(char out[11])
{
    time_t t = (time_t)(util_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

enum status consent_set(const struct auth_ctx *ctx, int64_t case_id, const struct consent_change *changes, size_t count)
{
    if (count == 0 || count > CONSENT__COUNT * 2) {
        return err_set_field(STATUS_INVALID, "items", "items: one to %d changes", CONSENT__COUNT * 2);
    }
    bool any_note = false;
    for (size_t i = 0; i < count; i++) {
        const struct consent_change *c = &changes[i];
        if ((unsigned)c->item >= CONSENT__COUNT) {
            return err_set_field(STATUS_INVALID, "item", "item: unknown consent item");
        }
        if ((unsigned)c->state > CONSENT_WITHDRAWN) {
            return err_set_field(STATUS_INVALID, "state", "state: given, refused, withdrawn or not_asked");
        }
        if (c->note != NULL && c->note[0] != '\0') {
            size_t n = strlen(c->note);
            if (n > CONSENT_NOTE_MAX || !util_utf8_valid(c->note, n)) {
                return err_set_field(STATUS_INVALID, "note", "note: up to %d bytes of text", CONSENT_NOTE_MAX);
            }
            any_note = true;
        }
        if (c->date != NULL && c->date[0] != '\0') {
            char d[11];
            enum status st = case__date_check("date", c->date, d);
            if (st != STATUS_OK) {
                return st;
            }
        }
    }
    struct auth_record rec;
    enum status st = case__reach(ctx, case_id, "case.write", true, "consent", &rec, NULL);
    if (st == STATUS_OK && any_note) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "consent note");
    }
    struct consent_list cur;
    memset(&cur, 0, sizeof cur);
    if (st == STATUS_OK) {
        st = rows_read(ctx, case_id, false, &cur);
    }
    if (st != STATUS_OK) {
        return st;
    }
    enum consent_state state[CONSENT__COUNT];
    for (int i = 0; i < CONSENT__COUNT; i++) {
        state[i] = cur.current[i].state;
    }
    json_t *diff = json_object();
    /* Strictly after the last entry, so that the history's order is the order of the changes. */
    int64_t now = util_now_ms();
    for (size_t i = 0; i < cur.count; i++) {
        now = cur.history[i].at_ms >= now ? cur.history[i].at_ms + 1 : now;
    }
    char day[11];
    today(day);
    for (size_t i = 0; st == STATUS_OK && i < count; i++) {
        const struct consent_change *c = &changes[i];
        char date[11];
        if (c->date != NULL && c->date[0] != '\0') {
            (void)case__date_check("date", c->date, date);
        } else {
            memcpy(date, day, sizeof date);
        }
        bool has_note = c->note != NULL && c->note[0] != '\0';
        const struct consent_entry *prev = &cur.current[c->item];
        if (c->state == state[c->item] && !has_note &&
            (c->date == NULL || c->date[0] == '\0' || strcmp(prev->date, date) == 0)) {
            continue; /* nothing new */
        }
        int64_t id = vault_random_id();
        uint8_t *enc = NULL;
        size_t len = 0;
        struct sql_value note = SQLV_NULL;
        if (has_note) {
            struct vault_ad ad = {"case_consent", "note_enc", id};
            st = vault_seal(ctx->vault, &enc, &len, &ad, c->note, strlen(c->note));
            note = SQLV_BLOB(enc, len);
        }
        if (st == STATUS_OK) {
            struct sql_value a[] = {SQLV_I64(id),
                                    SQLV_I64(case_id),
                                    sqlv_text(items[c->item].code),
                                    sqlv_text(states[c->state]),
                                    sqlv_text(date),
                                    SQLV_I64(now),
                                    ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                    sqlv_text(ctx->who->username),
                                    note};
            st = store_exec(ctx->store, STMT_CONSENT_INSERT, a, ARRAY_LEN(a), NULL);
        }
        free(enc);
        char key[48];
        snprintf(key, sizeof key, "consent.%s", items[c->item].code);
        json_object_set_new(diff, key, json_pack("{ssss}", "from", states[state[c->item]], "to", states[c->state]));
        state[c->item] = c->state;
    }
    if (st == STATUS_OK && json_object_size(diff) > 0) {
        int64_t flags = consent_flags_of(state);
        struct sql_value a[] = {SQLV_I64(case_id), SQLV_I64(flags), SQLV_I64(now)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_CONSENT_FLAGS_SET, a, 3, &r);
        int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
        store_rows_free(r);
        if (st == STATUS_OK) {
            st = case__version_write(ctx, case_id, version, "consent", diff);
        }
    }
    json_decref(diff);
    consent_list_clear(&cur);
    return st;
}

/* JSON. */

static json_t *entry_json(const struct consent_entry *e, const char *lang)
{
    char key[64];
    snprintf(key, sizeof key, "consent.item.%s", items[e->item].code);
    json_t *o = json_pack("{ssssssssss?}", "item", items[e->item].code, "htcds", items[e->item].htcds, "label",
                          i18n_get(lang, key), "state", states[e->state], "date", e->at_ms ? e->date : NULL);
    if (e->at_ms) {
        char t[32];
        util_time_iso(t, e->at_ms);
        json_object_set_new(o, "recorded_at", json_string(t));
        json_object_set_new(o, "actor", json_string(e->actor ? e->actor : ""));
    } else {
        json_object_set_new(o, "recorded_at", json_null());
        json_object_set_new(o, "actor", json_null());
    }
    json_object_set_new(o, "note", e->note ? json_string(e->note) : json_null());
    return o;
}

json_t *consent_list_json(const struct consent_list *l, const char *lang, bool with_history)
{
    json_t *cur = json_array();
    for (int i = 0; i < CONSENT__COUNT; i++) {
        json_array_append_new(cur, entry_json(&l->current[i], lang));
    }
    json_t *o = json_pack("{so}", "items", cur);
    json_object_set_new(o, "restrictions",
                        json_pack("{sbsbsbsb}", "processing", !case_consent_allows(l->flags, CASE_USE_PROCESS),
                                  "sharing_allowed", case_consent_allows(l->flags, CASE_USE_SHARE), "research",
                                  !case_consent_allows(l->flags, CASE_USE_RESEARCH), "personal_export",
                                  !case_consent_allows(l->flags, CASE_USE_PERSONAL_EXPORT)));
    if (with_history) {
        json_t *h = json_array();
        for (size_t i = l->count; i > 0; i--) { /* newest first */
            json_array_append_new(h, entry_json(&l->history[i - 1], lang));
        }
        json_object_set_new(o, "history", h);
    }
    return o;
}
