/* victims: victims by pseudonymous reference and protection measures (see victims.h). */
#include "justice/victims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "justice/investigation.h"
#include "justice/justice_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static void make_reference(char out[JUSTICE_VICTIM_REFERENCE_BYTES])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford's base 32 */
    uint8_t r[8];
    vault_random(r, sizeof r);
    char c[9];
    for (size_t i = 0; i < 8; i++) {
        c[i] = alphabet[r[i] & 31];
    }
    c[8] = '\0';
    snprintf(out, JUSTICE_VICTIM_REFERENCE_BYTES, "V-%s", c);
}

enum status justice_victim_link(const struct auth_ctx *ctx, int64_t inv_id, int64_t case_id, const char *role,
                                int64_t *id_out)
{
    static const char *const roles[] = {"victim", "witness", NULL};
    if (role != NULL && !util_in_list(role, roles)) {
        return err_set_field(STATUS_INVALID, "role", "role: victim or witness");
    }
    if (case_id <= 0) {
        return err_set_field(STATUS_INVALID, "case_id", "case_id: required, a case id");
    }
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "link victim", NULL);
    if (st == STATUS_OK) {
        struct auth_record crec;
        int64_t cver = 0;
        st = case_reach(ctx, case_id, "case.read", false, "link to investigation", &crec, &cver);
        if (st == STATUS_NOT_FOUND || st == STATUS_DENIED) {
            st = err_set_field(STATUS_INVALID, "case_id", "case_id: not a case you may read");
        }
    }
    /* Each case once per investigation. */
    struct sql_value k[] = {SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_JVICTIM_LIST, k, 1, &r);
    }
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        if (store_rows_i64(r, 2) == case_id) {
            st = err_set_field(STATUS_CONFLICT, "case_id", "the case is already linked to this investigation");
        }
    }
    store_rows_free(r);
    if (st == STATUS_DONE) {
        st = STATUS_OK;
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    char reference[JUSTICE_VICTIM_REFERENCE_BYTES];
    for (int attempt = 0; attempt < 4; attempt++) {
        make_reference(reference);
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(inv_id),
                                SQLV_I64(case_id),
                                sqlv_text(reference),
                                sqlv_text(role ? role : "victim"),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_JVICTIM_INSERT, a, ARRAY_LEN(a), NULL);
        if (st != STATUS_CONFLICT) {
            break;
        }
        id = vault_random_id();
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.victim.link", "investigation", inv_id, "ok", reference);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

static void victim_row(struct store_rows *r, struct justice_victim *v)
{
    memset(v, 0, sizeof *v);
    v->id = store_rows_i64(r, 0);
    v->investigation_id = store_rows_i64(r, 1);
    v->case_id = store_rows_i64(r, 2);
    snprintf(v->reference, sizeof v->reference, "%s", store_rows_text(r, 3));
    snprintf(v->role, sizeof v->role, "%s", store_rows_text(r, 4));
    v->version = store_rows_i64(r, 6);
}

static enum status victim_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    (void)ctx;
    (void)arg;
    victim_row(r, elem);
    return STATUS_OK;
}

static void victim_free(void *list, size_t n)
{
    (void)n;
    free(list);
}

enum status justice_victims(const struct auth_ctx *ctx, int64_t inv_id, struct justice_victim **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read victims", NULL);
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_JVICTIM_LIST, inv_id, sizeof **out, victim_at, NULL, victim_free, &list, count_out);
    *out = list;
    return st;
}

enum status justice_victim_identity(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t *case_id_out,
                                    char **name_out)
{
    *name_out = NULL;
    *case_id_out = 0;
    struct auth_record rec;
    /* First the investigation as a reader, then the permission on it (with the identity group). */
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "victim identity", &rec);
    if (st == STATUS_OK) {
        st = auth_check(ctx, "justice.victim_identity", &rec, AUTH_FG_IDENTITY, false, "victim identity");
    }
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    struct justice_victim v;
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_JVICTIM_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such victim reference");
        }
    }
    if (st == STATUS_OK) {
        victim_row(r, &v);
    }
    store_rows_free(r);
    r = NULL;
    if (st != STATUS_OK) {
        return st;
    }
    if (v.case_id == 0) {
        *name_out = xstrdup("");
        return auth_audit(ctx, "justice.victim_identity", "investigation", inv_id, "ok", v.reference);
    }
    struct sql_value c[] = {SQLV_I64(v.case_id)};
    st = store_exec_one(ctx->store, STMT_JVICTIM_CASE_NAME, c, 1, &r);
    char *parts[2] = {NULL, NULL};
    static const char *const cols[] = {"given_name_enc", "family_name_enc"};
    for (size_t i = 0; st == STATUS_OK && i < 2; i++) {
        size_t len = 0, plen = 0;
        const uint8_t *blob = store_rows_blob(r, i, &len);
        if (blob != NULL && len > 0) {
            struct vault_ad ad = {"cases", cols[i], v.case_id};
            st = vault_unseal(ctx->vault, &parts[i], &plen, &ad, blob, len);
        }
    }
    store_rows_free(r);
    if (st == STATUS_OK) {
        size_t n = (parts[0] ? strlen(parts[0]) : 0) + (parts[1] ? strlen(parts[1]) : 0) + 2;
        char *name = xcalloc(1, n);
        snprintf(name, n, "%s%s%s", parts[0] ? parts[0] : "", parts[0] && parts[1] ? " " : "",
                 parts[1] ? parts[1] : "");
        *name_out = name;
        *case_id_out = v.case_id;
    }
    for (size_t i = 0; i < 2; i++) {
        if (parts[i] != NULL) {
            vault_plain_free(parts[i], strlen(parts[i]));
        }
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.victim_identity", "investigation", inv_id, "ok", v.reference);
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.victim_identity", "case", v.case_id, "ok", v.reference);
    }
    if (st != STATUS_OK && *name_out != NULL) {
        vault_plain_free(*name_out, strlen(*name_out));
        *name_out = NULL;
    }
    return st;
}

json_t *justice_victim_to_json(const struct justice_victim *v)
{
    return json_pack("{sIsIsssssI}", "id", (json_int_t)v->id, "investigation_id", (json_int_t)v->investigation_id,
                     "reference", v->reference, "role", v->role, "version", (json_int_t)v->version);
}

/* ---- protection measures ----------------------------------------------------------------- */

static const char *const ptypes[] = {"identity_protection", "screen", "video_link", "relocation",
                                     "police_protection",   "other",  NULL};

static void prot_row(struct store_rows *r, struct justice_protection *p)
{
    memset(p, 0, sizeof *p);
    p->id = store_rows_i64(r, 0);
    p->investigation_id = store_rows_i64(r, 1);
    p->victim_id = store_rows_i64(r, 2);
    snprintf(p->type, sizeof p->type, "%s", store_rows_text(r, 3));
    snprintf(p->start_date, sizeof p->start_date, "%s", store_rows_text(r, 4));
    snprintf(p->end_date, sizeof p->end_date, "%s", store_rows_text(r, 5));
    p->version = store_rows_i64(r, 6);
}

static enum status prot_apply(const json_t *in, bool create, struct justice_protection *p)
{
    static const char *const keys_new[] = {"type", "victim_id", "start_date", "end_date", NULL};
    static const char *const keys_change[] = {"type", "start_date", "end_date", NULL};
    enum status st = justice__known_members(in, create ? keys_new : keys_change);
    const char *v = NULL;
    if (st == STATUS_OK) {
        st = util_json_str(in, "type", 32, &v);
    }
    if (st == STATUS_OK && v != NULL) {
        if (!util_in_list(v, ptypes)) {
            return err_set_field(STATUS_INVALID, "type",
                                 "type: identity_protection, screen, video_link, relocation, police_protection or "
                                 "other");
        }
        snprintf(p->type, sizeof p->type, "%s", v);
    }
    if (st == STATUS_OK && p->type[0] == '\0') {
        return err_set_field(STATUS_INVALID, "type", "type: required");
    }
    const char *dk[] = {"start_date", "end_date"};
    char *dv[] = {p->start_date, p->end_date};
    for (size_t i = 0; st == STATUS_OK && i < 2; i++) {
        json_t *j = json_object_get(in, dk[i]);
        if (j == NULL) {
            continue;
        }
        if (json_is_null(j)) {
            dv[i][0] = '\0';
            continue;
        }
        st = util_json_str(in, dk[i], 10, &v);
        if (st == STATUS_OK && v[0] != '\0') {
            st = justice__date_check(dk[i], v);
        }
        if (st == STATUS_OK) {
            snprintf(dv[i], 11, "%s", v);
        }
    }
    if (st == STATUS_OK && p->start_date[0] && p->end_date[0] && strcmp(p->end_date, p->start_date) < 0) {
        st = err_set_field(STATUS_INVALID, "end_date", "end_date: not before start_date");
    }
    json_t *vid = json_object_get(in, "victim_id");
    if (st == STATUS_OK && create && vid != NULL && !json_is_null(vid)) {
        if (!json_is_integer(vid) || json_integer_value(vid) <= 0) {
            return err_set_field(STATUS_INVALID, "victim_id", "victim_id: a victim reference's id");
        }
        p->victim_id = json_integer_value(vid);
    }
    return st;
}

enum status justice_protection_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "add protection measure", NULL);
    struct justice_protection p;
    memset(&p, 0, sizeof p);
    if (st == STATUS_OK) {
        st = prot_apply(in, true, &p);
    }
    if (st == STATUS_OK && p.victim_id != 0) {
        struct sql_value k[] = {SQLV_I64(p.victim_id), SQLV_I64(inv_id)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_JVICTIM_GET, k, 2, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set_field(STATUS_INVALID, "victim_id", "victim_id: not a victim of this investigation");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    struct sql_value a[] = {
        SQLV_I64(id),           SQLV_I64(inv_id),        p.victim_id ? SQLV_I64(p.victim_id) : SQLV_NULL,
        sqlv_text(p.type),      sqlv_text(p.start_date), sqlv_text(p.end_date),
        SQLV_I64(util_now_ms())};
    st = store_exec(ctx->store, STMT_JPROT_INSERT, a, ARRAY_LEN(a), NULL);
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.protection.add", "investigation", inv_id, "ok", p.type);
    }
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = id;
    }
    return st;
}

enum status justice_protection_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                      const json_t *in)
{
    enum status st = investigation_reach(ctx, inv_id, "justice.write", true, "change protection measure", NULL);
    struct sql_value k[] = {SQLV_I64(id), SQLV_I64(inv_id)};
    struct store_rows *r = NULL;
    struct justice_protection p;
    memset(&p, 0, sizeof p);
    if (st == STATUS_OK) {
        st = store_exec_one(ctx->store, STMT_JPROT_GET, k, 2, &r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_NOT_FOUND, "no such protection measure");
        }
    }
    if (st == STATUS_OK) {
        prot_row(r, &p);
        if (expected_version != 0 && expected_version != p.version) {
            st = err_set(STATUS_CONFLICT, "the protection measure has changed since it was read");
        }
    }
    store_rows_free(r);
    if (st == STATUS_OK) {
        st = prot_apply(in, false, &p);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),          SQLV_I64(p.version),
                                sqlv_text(p.type),     sqlv_text(p.start_date),
                                sqlv_text(p.end_date), SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_JPROT_UPDATE, a, ARRAY_LEN(a), NULL);
        if (st == STATUS_OK && store_changes(ctx->store) != 1) {
            st = err_set(STATUS_CONFLICT, "the protection measure has changed since it was read");
        }
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "justice.protection.update", "investigation", inv_id, "ok", p.type);
    }
    return st;
}

static enum status protection_at(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem)
{
    (void)ctx;
    (void)arg;
    prot_row(r, elem);
    return STATUS_OK;
}

static void protection_free(void *list, size_t n)
{
    (void)n;
    free(list);
}

enum status justice_protections(const struct auth_ctx *ctx, int64_t inv_id, struct justice_protection **out,
                                size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = investigation_reach(ctx, inv_id, "justice.read", false, "read protection measures", NULL);
    if (st != STATUS_OK) {
        return st;
    }
    void *list = NULL;
    st = justice__collect(ctx, STMT_JPROT_LIST, inv_id, sizeof **out, protection_at, NULL, protection_free, &list,
                          count_out);
    *out = list;
    return st;
}

json_t *justice_protection_to_json(const struct justice_protection *p)
{
    json_t *o = json_pack("{sIsIss}", "id", (json_int_t)p->id, "investigation_id", (json_int_t)p->investigation_id,
                          "type", p->type);
    json_object_set_new(o, "victim_id", p->victim_id ? json_integer(p->victim_id) : json_null());
    json_object_set_new(o, "start_date", p->start_date[0] ? json_string(p->start_date) : json_null());
    json_object_set_new(o, "end_date", p->end_date[0] ? json_string(p->end_date) : json_null());
    json_object_set_new(o, "version", json_integer(p->version));
    return o;
}
