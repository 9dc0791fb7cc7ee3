/* cases: the operations on victim cases. A row is read and written with the statements generated
 * from the field registry (CASE_INSERT, CASE_UPDATE, CASE_GET, CASE_LIST): fixed columns first,
 * then one column per field in registry order, then the exact blind indexes. Sealed values are
 * bound to (cases, <field>_enc, case id); name words go to case_name_index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/cases_int.h"
#include "cases/vocab.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

enum { FIXED_COLS = 13 };
enum {
    C_ID,
    C_AGENCY,
    C_OWNER,
    C_RESTRICTED,
    C_STATUS,
    C_OPENED,
    C_CLOSED,
    C_CREATED,
    C_UPDATED,
    C_VERSION,
    C_SOURCE_KEY,
    C_UNKNOWN,
    C_NA
};

#define CASE_HISTORY_MAX 500

static struct auth_record case_auth_record(const struct case_record *r)
{
    return (struct auth_record){.type = "case",
                                .id = r->id,
                                .agency_id = r->agency_id,
                                .owner_id = r->owner_id,
                                .sensitivity = r->restricted ? AUTH_SENSITIVITY_RESTRICTED : AUTH_SENSITIVITY_NORMAL};
}

static char sealed_column[CASE_F__COUNT][80];

static const char *column_of(enum case_field_id f)
{
    if (sealed_column[f][0] == '\0') {
        snprintf(sealed_column[f], sizeof sealed_column[f], "%s_enc", case_fields[f].name);
    }
    return sealed_column[f];
}

/* Reads the row at the cursor. Sealed fields are opened when open_group[group] is true; else,
 * when the column holds a value, the field is marked withheld. */
static enum status row_read(struct vault *v, struct store_rows *r, const bool open_group[AUTH_FG__COUNT],
                            struct case_record *out)
{
    case_record_init(out);
    out->id = store_rows_i64(r, C_ID);
    out->agency_id = store_rows_i64(r, C_AGENCY);
    out->owner_id = store_rows_is_null(r, C_OWNER) ? 0 : store_rows_i64(r, C_OWNER);
    out->restricted = store_rows_i64(r, C_RESTRICTED) != 0;
    snprintf(out->status, sizeof out->status, "%s", store_rows_text(r, C_STATUS));
    out->opened_at_ms = store_rows_i64(r, C_OPENED);
    out->closed_at_ms = store_rows_i64(r, C_CLOSED);
    out->created_at_ms = store_rows_i64(r, C_CREATED);
    out->updated_at_ms = store_rows_i64(r, C_UPDATED);
    out->version = store_rows_i64(r, C_VERSION);
    out->source_key = store_rows_is_null(r, C_SOURCE_KEY) ? NULL : xstrdup(store_rows_text(r, C_SOURCE_KEY));
    int64_t unknown = store_rows_i64(r, C_UNKNOWN), na = store_rows_i64(r, C_NA);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        const struct case_field *cf = &case_fields[f];
        size_t col = FIXED_COLS + (size_t)f;
        struct case_value *val = &out->v[f];
        if (store_rows_is_null(r, col)) {
            val->state = (unknown >> f) & 1 ? CASE_UNKNOWN : (na >> f) & 1 ? CASE_NOT_APPLICABLE : CASE_NOT_COLLECTED;
            continue;
        }
        val->state = CASE_SET;
        switch (cf->type) {
        case CF_INT:
        case CF_BOOL:
        case CF_MULTI: val->i = store_rows_i64(r, col); break;
        case CF_SEALED:
        case CF_SEALED_DATE: {
            if (!open_group[cf->group]) {
                val->state = CASE_NOT_COLLECTED;
                out->withheld[f] = true;
                break;
            }
            size_t len = 0, plen = 0;
            const uint8_t *blob = store_rows_blob(r, col, &len);
            struct vault_ad ad = {"cases", column_of((enum case_field_id)f), out->id};
            enum status st = vault_unseal(v, &val->text, &plen, &ad, blob, len);
            if (st != STATUS_OK) {
                return st;
            }
            break;
        }
        default: val->text = xstrdup(store_rows_text(r, col)); break;
        }
    }
    return STATUS_OK;
}

static enum status load(const struct auth_ctx *ctx, int64_t id, const bool open_group[AUTH_FG__COUNT],
                        struct case_record **out)
{
    *out = NULL;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_CASE_GET, a, 1, &r);
    if (st != STATUS_OK) {
        return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such case") : st;
    }
    struct case_record *rec = xcalloc(1, sizeof *rec);
    st = row_read(ctx->vault, r, open_group, rec);
    store_rows_free(r);
    if (st != STATUS_OK) {
        case_record_free(rec);
        return st;
    }
    *out = rec;
    return STATUS_OK;
}

static const bool open_all[AUTH_FG__COUNT] = {true, true, true, true, true, true, true};
static const bool open_none[AUTH_FG__COUNT] = {false};

/* Fills what can be derived and was not given: regions from countries, age from the birth date,
 * majority from the age. */
static void derive(struct case_record *r)
{
    struct case_value *v = r->v;
    if (v[CASE_F_citizenship_region].state == CASE_NOT_COLLECTED && v[CASE_F_citizenship].state == CASE_SET) {
        const char *region = vocab_country_region(v[CASE_F_citizenship].text);
        if (region != NULL) {
            v[CASE_F_citizenship_region].state = CASE_SET;
            v[CASE_F_citizenship_region].text = xstrdup(region);
        }
    }
    if (v[CASE_F_exploitation_region].state == CASE_NOT_COLLECTED && v[CASE_F_exploitation_country].state == CASE_SET) {
        const char *region = vocab_country_region(v[CASE_F_exploitation_country].text);
        if (region != NULL) {
            v[CASE_F_exploitation_region].state = CASE_SET;
            v[CASE_F_exploitation_region].text = xstrdup(region);
        }
    }
    if (v[CASE_F_age].state == CASE_NOT_COLLECTED && v[CASE_F_birth_date].state == CASE_SET &&
        v[CASE_F_birth_date].text != NULL) {
        int64_t born = 0;
        char full[24];
        const char *d = v[CASE_F_birth_date].text;
        size_t n = strlen(d);
        snprintf(full, sizeof full, "%.10s%s", d, n == 4 ? "-07-01" : n == 7 ? "-15" : "");
        if (util_time_parse(&born, full) == STATUS_OK) {
            int64_t at = r->opened_at_ms ? r->opened_at_ms : util_now_ms();
            int64_t years = (at - born) / (36525LL * 864000LL); /* years of 365.25 days */
            if (years >= 0 && years <= 130) {
                v[CASE_F_age].state = CASE_SET;
                v[CASE_F_age].i = years;
                v[CASE_F_age_estimated].state = CASE_SET;
                v[CASE_F_age_estimated].i = n != 10;
            }
        }
    }
    if (v[CASE_F_majority_status].state == CASE_NOT_COLLECTED && v[CASE_F_age].state == CASE_SET) {
        v[CASE_F_majority_status].state = CASE_SET;
        v[CASE_F_majority_status].text = xstrdup(v[CASE_F_age].i >= 18 ? "Adult" : "Minor");
    }
}

/* The bound values of a row, with the buffers they point into. */
struct row_args {
    struct sql_value a[DB_PARAMS_MAX];
    size_t n;
    uint8_t *sealed[CASE_F__COUNT];
    uint8_t bidx[CASE_F__COUNT][VAULT_BIDX_BYTES];
    char *formatted[CASE_F__COUNT];
};

static void row_args_free(struct row_args *ra)
{
    for (int f = 0; f < CASE_F__COUNT; f++) {
        free(ra->sealed[f]);
        free(ra->formatted[f]);
    }
}

/* The exact blind index of field f's canonical text: one domain per field, so equal values in
 * different fields give different indexes. Stored values and search terms both come through here. */
static enum status field_bidx(const struct auth_ctx *ctx, enum case_field_id f, const char *text,
                              uint8_t out[VAULT_BIDX_BYTES])
{
    char domain[64];
    snprintf(domain, sizeof domain, "cases.%s", case_fields[f].name);
    return vault_blind_index(ctx->vault, out, domain, text, strlen(text));
}

#define NAME_WORDS_MAX 100 /* words of one name field (at most 200 bytes) */

/* The blind indexes of the words of a name: normalised (case, accents, Arabic marks), split at
 * spaces, hyphens and apostrophes, in one domain for all name fields so that a word is found
 * whichever field holds it. At most max words. Stored names and search terms both come through
 * here, so they always match the same way. */
static enum status name_word_indexes(const struct auth_ctx *ctx, const char *text, uint8_t (*out)[VAULT_BIDX_BYTES],
                                     size_t max, size_t *count)
{
    return case__name_word_indexes(ctx, "cases.name", text, out, max, count);
}

enum status case__name_word_indexes(const struct auth_ctx *ctx, const char *domain, const char *text,
                                    uint8_t (*out)[VAULT_BIDX_BYTES], size_t max, size_t *count)
{
    *count = 0;
    char *norm = NULL;
    enum status st = vault_normalise(&norm, text, strlen(text));
    if (st != STATUS_OK) {
        return st;
    }
    char *save = NULL;
    for (char *w = strtok_r(norm, " -'", &save); st == STATUS_OK && w != NULL && *count < max;
         w = strtok_r(NULL, " -'", &save)) {
        st = vault_blind_index(ctx->vault, out[*count], domain, w, strlen(w));
        if (st == STATUS_OK) {
            (*count)++;
        }
    }
    vault_wipe(norm, strlen(norm));
    free(norm);
    return st;
}

/* Appends the field columns, then the exact blind indexes; sets the unknown and n/a masks. */
static enum status row_bind_fields(const struct auth_ctx *ctx, const struct case_record *r, struct row_args *ra,
                                   int64_t *unknown, int64_t *na)
{
    *unknown = 0;
    *na = 0;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        const struct case_field *cf = &case_fields[f];
        const struct case_value *v = &r->v[f];
        ASSERT(ra->n < DB_PARAMS_MAX);
        if (v->state == CASE_UNKNOWN) {
            *unknown |= (int64_t)1 << f;
        } else if (v->state == CASE_NOT_APPLICABLE) {
            *na |= (int64_t)1 << f;
        }
        if (v->state != CASE_SET) {
            ra->a[ra->n++] = SQLV_NULL;
            continue;
        }
        switch (cf->type) {
        case CF_INT:
        case CF_BOOL:
        case CF_MULTI: ra->a[ra->n++] = SQLV_I64(v->i); break;
        case CF_SEALED:
        case CF_SEALED_DATE: {
            size_t len = 0;
            struct vault_ad ad = {"cases", column_of((enum case_field_id)f), r->id};
            const char *t = v->text ? v->text : "";
            enum status st = vault_seal(ctx->vault, &ra->sealed[f], &len, &ad, t, strlen(t));
            if (st != STATUS_OK) {
                return st;
            }
            ra->a[ra->n++] = SQLV_BLOB(ra->sealed[f], len);
            break;
        }
        default: ra->a[ra->n++] = sqlv_text(v->text ? v->text : ""); break;
        }
    }
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (case_fields[f].bidx != CB_EXACT) {
            continue;
        }
        const struct case_value *v = &r->v[f];
        if (v->state != CASE_SET || v->text == NULL) {
            ra->a[ra->n++] = SQLV_NULL;
            continue;
        }
        enum status st = field_bidx(ctx, (enum case_field_id)f, v->text, ra->bidx[f]);
        if (st != STATUS_OK) {
            return st;
        }
        ra->a[ra->n++] = SQLV_BLOB(ra->bidx[f], VAULT_BIDX_BYTES);
    }
    return STATUS_OK;
}

/* Name words: every normalised word of the given, middle and family names, one blind index each,
 * in one domain so that a word is found whichever name field holds it. */
static int bidx_cmp(const void *a, const void *b)
{
    return memcmp(a, b, VAULT_BIDX_BYTES);
}

/* The name word indexes of a case, and its name key: a blind index of all its name word
 * indexes, sorted and without repeats (the same full name in any order gives the same key). */
static enum status name_index_write(const struct auth_ctx *ctx, const struct case_record *r)
{
    struct sql_value d[] = {SQLV_I64(r->id)};
    enum status st = store_exec(ctx->store, STMT_CASE_NAME_INDEX_CLEAR, d, 1, NULL);
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_NAME_KEY_CLEAR, d, 1, NULL);
    }
    uint8_t(*words)[VAULT_BIDX_BYTES] = xcalloc(NAME_WORDS_MAX, sizeof *words);
    size_t all = 0;
    for (int f = 0; st == STATUS_OK && f < CASE_F__COUNT; f++) {
        if (case_fields[f].bidx != CB_TOKENS || r->v[f].state != CASE_SET || r->v[f].text == NULL) {
            continue;
        }
        size_t n = 0;
        st = name_word_indexes(ctx, r->v[f].text, words + all, NAME_WORDS_MAX - all, &n);
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            struct sql_value a[] = {SQLV_BLOB(words[all + i], VAULT_BIDX_BYTES), SQLV_I64(r->id)};
            st = store_exec(ctx->store, STMT_CASE_NAME_INDEX_INSERT, a, 2, NULL);
        }
        all += n;
    }
    if (st == STATUS_OK && all > 0) {
        qsort(words, all, sizeof *words, bidx_cmp);
        size_t u = 1;
        for (size_t i = 1; i < all; i++) {
            if (memcmp(words[i], words[u - 1], VAULT_BIDX_BYTES) != 0) {
                memcpy(words[u++], words[i], VAULT_BIDX_BYTES);
            }
        }
        _Static_assert(VAULT_HASH_BYTES == VAULT_BIDX_BYTES, "a name key is stored like a blind index");
        uint8_t key[VAULT_HASH_BYTES];
        vault_mac(ctx->vault, key, "cases.name_key", words, u * VAULT_BIDX_BYTES);
        struct sql_value a[] = {SQLV_I64(r->id), SQLV_BLOB(key, VAULT_HASH_BYTES)};
        st = store_exec(ctx->store, STMT_CASE_NAME_KEY_SET, a, 2, NULL);
    }
    free(words);
    return st;
}

static enum status version_write(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const char *action,
                                 json_t *changes)
{
    /* Keys in registry order (insertion order), which is stable. */
    char *text = json_dumps(changes, JSON_COMPACT);
    struct sql_value a[] = {SQLV_I64(vault_random_id()),
                            SQLV_I64(case_id),
                            SQLV_I64(version),
                            SQLV_I64(util_now_ms()),
                            ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                            sqlv_text(ctx->who->username),
                            sqlv_text(action),
                            sqlv_text(text ? text : "{}")};
    enum status st = store_exec(ctx->store, STMT_CASE_VERSION_INSERT, a, ARRAY_LEN(a), NULL);
    free(text);
    return st;
}

/* {"field": {"from": .., "to": ..}} for the fields in mask; sealed ones only say "changed". */
static json_t *diff_json(const struct case_record *from, const struct case_record *to, uint64_t mask)
{
    json_t *o = json_object();
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (!(mask & ((uint64_t)1 << f))) {
            continue;
        }
        if (case_field_sealed((enum case_field_id)f)) {
            json_object_set_new(o, case_fields[f].name, json_string("changed"));
            continue;
        }
        char *a = from ? case_value_format(from, (enum case_field_id)f) : NULL;
        char *b = case_value_format(to, (enum case_field_id)f);
        if (strcmp(a ? a : "", b) != 0) {
            json_t *ch = json_object();
            json_object_set_new(ch, "from", json_string(a ? a : ""));
            json_object_set_new(ch, "to", json_string(b));
            json_object_set_new(o, case_fields[f].name, ch);
        }
        free(a);
        free(b);
    }
    return o;
}

/* Field groups written by a set of fields (mask): each needs its write permission. */
static enum status groups_writable(const struct auth_ctx *ctx, const struct auth_record *rec, uint64_t mask,
                                   const char *detail)
{
    bool seen[AUTH_FG__COUNT] = {false};
    for (int f = 0; f < CASE_F__COUNT; f++) {
        enum auth_field_group g = case_fields[f].group;
        if (g == AUTH_FG_NONE || seen[g] || !(mask & ((uint64_t)1 << f))) {
            continue;
        }
        seen[g] = true;
        enum status st = auth_check(ctx, "case.write", rec, g, true, detail);
        if (st != STATUS_OK) {
            return st;
        }
    }
    return STATUS_OK;
}

static uint64_t mask_of_present(const struct case_record *r)
{
    uint64_t m = 0;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (r->v[f].state != CASE_NOT_COLLECTED) {
            m |= (uint64_t)1 << f;
        }
    }
    return m;
}

enum status case_create(const struct auth_ctx *ctx, struct case_record *in, struct case_record **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    struct row_args ra;
    memset(&ra, 0, sizeof ra);
    enum status st = STATUS_OK;
    if (in->source_key != NULL) {
        struct sql_value k[] = {sqlv_text(in->source_key)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_BY_SOURCE_KEY, k, 1, &r);
        store_rows_free(r);
        if (st == STATUS_OK) {
            return err_set(STATUS_CONFLICT, "already imported");
        }
        if (st != STATUS_NOT_FOUND) {
            return st;
        }
    }
    in->id = vault_random_id();
    if (in->agency_id == 0 || !ctx->who->operator) {
        in->agency_id = ctx->who->agency_id;
    }
    if (in->agency_id == 0) {
        return err_set_field(STATUS_INVALID, "agency_id", "agency_id: the agency that holds the case is needed");
    }
    if (in->owner_id == 0 && !ctx->who->operator) {
        in->owner_id = ctx->who->user_id;
    }
    int64_t now = util_now_ms();
    if (in->opened_at_ms == 0) {
        in->opened_at_ms = now;
    }
    snprintf(in->status, sizeof in->status, "%s", CASE_STATUS_ACTIVE);
    in->version = 1;
    in->created_at_ms = now;
    in->updated_at_ms = now;
    derive(in);
    struct auth_record rec = case_auth_record(in);
    /* One decision and one audit entry for the case and the field groups it is given. */
    bool groups[AUTH_FG__COUNT] = {false};
    uint64_t present = mask_of_present(in);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (present & ((uint64_t)1 << f)) {
            groups[case_fields[f].group] = true;
        }
    }
    st = auth_check_groups(ctx, "case.write", &rec, groups, true, in->source_key ? "import" : "create");
    if (st != STATUS_OK) {
        return st;
    }
    ra.a[ra.n++] = SQLV_I64(in->id);
    ra.a[ra.n++] = SQLV_I64(in->agency_id);
    ra.a[ra.n++] = in->owner_id ? SQLV_I64(in->owner_id) : SQLV_NULL;
    ra.a[ra.n++] = SQLV_BOOL(in->restricted);
    ra.a[ra.n++] = sqlv_text(in->status);
    ra.a[ra.n++] = SQLV_I64(in->opened_at_ms);
    ra.a[ra.n++] = SQLV_I64(0);
    ra.a[ra.n++] = SQLV_I64(now);
    ra.a[ra.n++] = SQLV_I64(now);
    ra.a[ra.n++] = SQLV_I64(1);
    ra.a[ra.n++] = sqlv_text(in->source_key);
    size_t masks_at = ra.n;
    ra.n += 2;
    int64_t unknown = 0, na = 0;
    st = row_bind_fields(ctx, in, &ra, &unknown, &na);
    if (st != STATUS_OK) {
        goto out;
    }
    ra.a[masks_at] = SQLV_I64(unknown);
    ra.a[masks_at + 1] = SQLV_I64(na);
    st = store_exec(ctx->store, STMT_CASE_INSERT, ra.a, ra.n, NULL);
    if (st == STATUS_CONFLICT && in->source_key != NULL) {
        st = err_set(STATUS_CONFLICT, "already imported");
    }
    if (st == STATUS_OK) {
        st = name_index_write(ctx, in);
    }
    if (st == STATUS_OK) {
        json_t *changes = diff_json(NULL, in, mask_of_present(in));
        st = version_write(ctx, in->id, 1, in->source_key ? "import" : "create", changes);
        json_decref(changes);
    }
    if (st == STATUS_OK && out != NULL) {
        st = case_get(ctx, in->id, out);
    }
out:
    row_args_free(&ra);
    return st;
}

/* The case id was merged into, or 0. */
static enum status merged_into(const struct auth_ctx *ctx, int64_t id, int64_t *into)
{
    *into = 0;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_CASE_MERGED_INTO, a, 1, &r);
    if (st == STATUS_OK && !store_rows_is_null(r, 0)) {
        *into = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    return st == STATUS_NOT_FOUND ? err_set(STATUS_NOT_FOUND, "no such case") : st;
}

/* Loads a case the principal may reach with permission; out of scope reads as absent. A case
 * merged into another refuses changes (case.write, case.merge; purges and consent still apply). */
static enum status reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                         const bool open[AUTH_FG__COUNT], struct case_record **out)
{
    enum status st = load(ctx, id, open, out);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = case_auth_record(*out);
    st = auth_check(ctx, permission, &rec, AUTH_FG_NONE, write, detail);
    if (st == STATUS_DENIED && auth_has(ctx->who, permission)) {
        st = err_set(STATUS_NOT_FOUND, "no such case");
    }
    int64_t into = 0;
    bool changes = write && (strcmp(permission, "case.write") == 0 || strcmp(permission, "case.merge") == 0);
    if (st == STATUS_OK && changes && (st = merged_into(ctx, id, &into)) == STATUS_OK && into != 0) {
        st = err_set(STATUS_CONFLICT, "this case was merged into case %lld: change that one", (long long)into);
    }
    if (st != STATUS_OK) {
        case_record_free(*out);
        *out = NULL;
    }
    return st;
}

/* As reach, when only the case's access record is needed (events, comments). */
static enum status reach_record(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write,
                                const char *detail, struct auth_record *rec)
{
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, permission, write, detail, open_none, &cur);
    if (st == STATUS_OK) {
        *rec = case_auth_record(cur);
    }
    case_record_free(cur);
    return st;
}

enum status case__reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                        struct auth_record *rec, int64_t *version_out)
{
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, permission, write, detail, open_none, &cur);
    if (st == STATUS_OK) {
        *rec = case_auth_record(cur);
        if (version_out != NULL) {
            *version_out = cur->version;
        }
    }
    case_record_free(cur);
    return st;
}

enum status case_reach(const struct auth_ctx *ctx, int64_t id, const char *permission, bool write, const char *detail,
                       struct auth_record *rec_out, int64_t *version_out)
{
    return case__reach(ctx, id, permission, write, detail, rec_out, version_out);
}

enum status case__peek(const struct auth_ctx *ctx, int64_t id, struct auth_record *rec_out, char status_out[24])
{
    struct case_record *cur = NULL;
    enum status st = load(ctx, id, open_none, &cur);
    if (st == STATUS_OK) {
        *rec_out = case_auth_record(cur);
        snprintf(status_out, 24, "%s", cur->status);
    }
    case_record_free(cur);
    return st;
}

enum status case_glass_target(const struct auth_ctx *ctx, int64_t id, struct auth_record *rec_out)
{
    char status[24];
    return case__peek(ctx, id, rec_out, status);
}

enum status case__version_write(const struct auth_ctx *ctx, int64_t case_id, int64_t version, const char *action,
                                json_t *changes)
{
    return version_write(ctx, case_id, version, action, changes);
}

enum status case_get(const struct auth_ctx *ctx, int64_t id, struct case_record **out)
{
    *out = NULL;
    struct case_record *peek = NULL;
    enum status st = reach(ctx, id, "case.read", false, NULL, open_none, &peek);
    if (st != STATUS_OK) {
        return st;
    }
    /* The field groups this reader may open, each read audited. */
    bool open[AUTH_FG__COUNT] = {false};
    struct auth_record rec = case_auth_record(peek);
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    for (int f = 0; st == STATUS_OK && f < CASE_F__COUNT; f++) {
        enum auth_field_group g = case_fields[f].group;
        if (g != AUTH_FG_NONE && peek->withheld[f] && !open[g] && allowed[g]) {
            open[g] = true;
            st = auth_check(ctx, "case.read", &rec, g, false, NULL);
        }
    }
    case_record_free(peek);
    if (st == STATUS_OK) {
        st = load(ctx, id, open, out);
    }
    /* Clear fields of a group the reader may not open are withheld too (a share narrows them). */
    for (int f = 0; st == STATUS_OK && f < CASE_F__COUNT; f++) {
        enum auth_field_group g = case_fields[f].group;
        if (g != AUTH_FG_NONE && !allowed[g] && (*out)->v[f].state != CASE_NOT_COLLECTED) {
            case__value_clear(&(*out)->v[f]);
            (*out)->withheld[f] = true;
        }
    }
    if (st == STATUS_OK) {
        st = merged_into(ctx, id, &(*out)->merged_into);
        if (st != STATUS_OK) {
            case_record_free(*out);
            *out = NULL;
        }
    }
    return st;
}

/* Writes every column of r (already loaded and changed) as a new version. */
static enum status row_update(const struct auth_ctx *ctx, struct case_record *r, int64_t expected_version)
{
    struct row_args ra;
    memset(&ra, 0, sizeof ra);
    ra.a[ra.n++] = SQLV_I64(r->id);
    ra.a[ra.n++] = SQLV_I64(expected_version);
    ra.a[ra.n++] = SQLV_I64(util_now_ms());
    size_t masks_at = ra.n;
    ra.n += 2;
    int64_t unknown = 0, na = 0;
    enum status st = row_bind_fields(ctx, r, &ra, &unknown, &na);
    if (st == STATUS_OK) {
        ra.a[masks_at] = SQLV_I64(unknown);
        ra.a[masks_at + 1] = SQLV_I64(na);
        struct store_rows *rows = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_UPDATE, ra.a, ra.n, &rows);
        if (st == STATUS_OK) {
            r->version = store_rows_i64(rows, 0);
        }
        store_rows_free(rows);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the case was changed by someone else; reload it");
        }
    }
    row_args_free(&ra);
    return st;
}

static enum status version_check(const struct case_record *r, int64_t expected)
{
    if (r->version != expected) {
        return err_set(STATUS_CONFLICT, "the case was changed by someone else (version %lld, not %lld)",
                       (long long)r->version, (long long)expected);
    }
    return STATUS_OK;
}

/* case_update, with the version entry's action and, for a merge, the case merged in. closing: the
 * closure reason written by case_close, which consent restrictions allow. */
static enum status update_fields(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                                 const struct case_record *changes, uint64_t mask, const char *action,
                                 int64_t merged_from, bool closing, struct case_record **out)
{
    *out = NULL;
    struct case_record *cur = NULL, *before = NULL;
    enum status st = reach(ctx, id, "case.write", true, action, open_all, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec = case_auth_record(cur);
    st = closing ? STATUS_OK : case__consent_require(ctx, id, CASE_USE_PROCESS);
    if (st == STATUS_OK) {
        st = version_check(cur, expected_version);
    }
    if (st == STATUS_OK) {
        st = groups_writable(ctx, &rec, mask, action);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    before = xcalloc(1, sizeof *before);
    case_record_init(before);
    bool names_changed = false;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (!(mask & ((uint64_t)1 << f))) {
            continue;
        }
        before->v[f] = cur->v[f];
        cur->v[f] = changes->v[f];
        cur->v[f].text = changes->v[f].text ? xstrdup(changes->v[f].text) : NULL;
        names_changed = names_changed || case_fields[f].bidx == CB_TOKENS;
    }
    /* Derived fields follow their sources unless given themselves. */
    static const struct {
        enum case_field_id source, derived;
    } derived_from[] = {
        {CASE_F_citizenship, CASE_F_citizenship_region},
        {CASE_F_exploitation_country, CASE_F_exploitation_region},
        {CASE_F_birth_date, CASE_F_age},
        {CASE_F_birth_date, CASE_F_age_estimated},
        {CASE_F_birth_date, CASE_F_majority_status},
        {CASE_F_age, CASE_F_majority_status},
    };
    uint64_t history_mask = mask;
    for (size_t i = 0; i < ARRAY_LEN(derived_from); i++) {
        uint64_t src = (uint64_t)1 << derived_from[i].source, dst = (uint64_t)1 << derived_from[i].derived;
        if ((mask & src) && !(mask & dst)) {
            if (!(history_mask & dst)) {
                before->v[derived_from[i].derived] = cur->v[derived_from[i].derived];
                memset(&cur->v[derived_from[i].derived], 0, sizeof cur->v[0]);
            }
            history_mask |= dst;
        }
    }
    derive(cur);
    st = row_update(ctx, cur, expected_version);
    if (st == STATUS_OK && names_changed) {
        st = name_index_write(ctx, cur);
    }
    if (st == STATUS_OK) {
        json_t *d = diff_json(before, cur, history_mask);
        if (merged_from != 0) {
            json_object_set_new(d, "merged_from", json_integer(merged_from));
        }
        st = version_write(ctx, id, cur->version, action, d);
        json_decref(d);
    }
    if (st == STATUS_OK) {
        st = case_get(ctx, id, out);
    }
out:
    case_record_free(cur);
    case_record_free(before);
    return st;
}

enum status case_update(const struct auth_ctx *ctx, int64_t id, int64_t expected_version,
                        const struct case_record *changes, uint64_t mask, struct case_record **out)
{
    return update_fields(ctx, id, expected_version, changes, mask, "update", 0, false, out);
}

enum status case__merged_from(const struct auth_ctx *ctx, int64_t id, int64_t **ids_out, size_t *count_out)
{
    *ids_out = NULL;
    *count_out = 0;
    struct sql_value a[] = {SQLV_I64(id)};
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_CASE_MERGED_FROM, a, 1, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    int64_t *ids = xcalloc(cap, sizeof *ids);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = store_rows_i64(r, 0);
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(ids);
        return st;
    }
    *ids_out = ids;
    *count_out = n;
    return STATUS_OK;
}

enum status case_merge(const struct auth_ctx *ctx, int64_t keep_id, int64_t keep_version, int64_t merge_id,
                       int64_t merge_version, struct case_record **out)
{
    *out = NULL;
    if (keep_id == merge_id) {
        return err_set_field(STATUS_INVALID, "merge_id", "merge_id: a case cannot be merged into itself");
    }
    struct case_record *keep = NULL, *dup = NULL, *kept = NULL;
    struct case_record changes;
    case_record_init(&changes);
    char detail[64];
    snprintf(detail, sizeof detail, "merge %lld into %lld", (long long)merge_id, (long long)keep_id);
    /* Both must be reachable for merging and writing (reach also refuses a merged case). */
    enum status st = reach(ctx, merge_id, "case.merge", true, detail, open_none, &dup);
    case_record_free(dup);
    dup = NULL;
    if (st == STATUS_OK) {
        st = reach(ctx, keep_id, "case.merge", true, detail, open_none, &keep);
        case_record_free(keep);
        keep = NULL;
    }
    /* Moving a person's data is processing: both consents must allow it. */
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, merge_id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, keep_id, CASE_USE_PROCESS);
    }
    /* The values, as far as the principal may read them (each group read is audited). */
    if (st == STATUS_OK) {
        st = case_get(ctx, merge_id, &dup);
    }
    if (st == STATUS_OK) {
        st = version_check(dup, merge_version);
    }
    if (st == STATUS_OK) {
        st = case_get(ctx, keep_id, &keep);
    }
    if (st != STATUS_OK) {
        goto out;
    }
    uint64_t mask = 0;
    for (int f = 0; f < CASE_F__COUNT; f++) {
        enum auth_field_group g = case_fields[f].group;
        if (keep->v[f].state != CASE_NOT_COLLECTED || keep->withheld[f] || dup->v[f].state == CASE_NOT_COLLECTED ||
            dup->withheld[f] || (g != AUTH_FG_NONE && !auth_field_allowed(ctx->who, g, true))) {
            continue;
        }
        changes.v[f] = dup->v[f];
        changes.v[f].text = dup->v[f].text ? xstrdup(dup->v[f].text) : NULL;
        mask |= (uint64_t)1 << f;
    }
    st = update_fields(ctx, keep_id, keep_version, &changes, mask, "merge", merge_id, false, &kept);
    /* Events, comments, perpetrators, support plans and attachments follow the person (their
     * envelopes are bound to their own rows); the merged case keeps its versions. */
    struct sql_value mv[] = {SQLV_I64(merge_id), SQLV_I64(keep_id)};
    static const enum stmt moves[] = {STMT_CASE_EVENTS_MOVE, STMT_CASE_COMMENTS_MOVE, STMT_CASE_PERPS_MOVE,
                                      STMT_CASE_PLANS_MOVE, STMT_CASE_ATTS_MOVE,
                                      /* Assistance and legal status (part A). */
                                      STMT_ASSIST_SERVICE_MOVE, STMT_ASSIST_NONPUN_MOVE, STMT_ASSIST_PERMIT_MOVE,
                                      STMT_ASSIST_RETURN_MOVE, STMT_ASSIST_FOLLOWUP_MOVE, STMT_ASSIST_CLAIM_MOVE};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(moves); i++) {
        st = store_exec(ctx->store, moves[i], mv, 2, NULL);
    }
    struct sql_value d[] = {SQLV_I64(merge_id)};
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_NAME_INDEX_CLEAR, d, 1, NULL);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_NAME_KEY_CLEAR, d, 1, NULL);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(merge_id), SQLV_I64(keep_id), SQLV_I64(util_now_ms()),
                                SQLV_I64(merge_version)};
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, STMT_CASE_SET_MERGED, a, 4, &r);
        int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the case was changed by someone else; reload it");
        }
        if (st == STATUS_OK) {
            json_t *ch = json_pack("{sI}", "merged_into", (json_int_t)keep_id);
            st = version_write(ctx, merge_id, version, "merged", ch);
            json_decref(ch);
        }
    }
    if (st == STATUS_OK) {
        *out = kept;
        kept = NULL;
    }
out:
    case_record_clear(&changes);
    case_record_free(keep);
    case_record_free(dup);
    case_record_free(kept);
    return st;
}

static enum status simple_change(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *action,
                                 enum stmt stmt, const struct sql_value *extra, size_t extra_n, json_t *changes)
{
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.write", true, action, open_none, &cur);
    if (st == STATUS_OK && (strcmp(action, "reopen") == 0 || strcmp(action, "follow-up") == 0)) {
        st = case__consent_require(ctx, id, CASE_USE_PROCESS);
    }
    if (st == STATUS_OK && expected_version >= 0) {
        st = version_check(cur, expected_version);
    }
    if (st == STATUS_OK) {
        struct sql_value a[8];
        size_t n = 0;
        a[n++] = SQLV_I64(id);
        if (expected_version >= 0) {
            a[n++] = SQLV_I64(expected_version);
        }
        for (size_t i = 0; i < extra_n; i++) {
            a[n++] = extra[i];
        }
        struct store_rows *r = NULL;
        st = store_exec_one(ctx->store, stmt, a, n, &r);
        int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            st = err_set(STATUS_CONFLICT, "the case was changed by someone else; reload it");
        }
        if (st == STATUS_OK) {
            st = version_write(ctx, id, version, action, changes);
        }
    }
    case_record_free(cur);
    return st;
}

enum status case_transfer(const struct auth_ctx *ctx, int64_t id, int64_t agency_id, int64_t owner_id)
{
    /* The receiver reaches the case through the referral's share (reading); the referral module
     * has decided the transfer (referral.write on the referral, the receiving agency's user). */
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.read", false, "transfer", open_none, &cur);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t from_agency = cur->agency_id, from_owner = cur->owner_id, version = cur->version;
    case_record_free(cur);
    int64_t owner_agency = 0;
    bool active = false;
    st = auth_user_membership(ctx->store, owner_id, &owner_agency, &active);
    if (st != STATUS_OK && st != STATUS_NOT_FOUND) {
        return st;
    }
    if (st == STATUS_NOT_FOUND || owner_agency != agency_id || !active) {
        return err_set_field(STATUS_INVALID, "owner_id", "owner_id: an active user of the receiving agency");
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(agency_id), SQLV_I64(owner_id), SQLV_I64(util_now_ms()),
                            SQLV_I64(version)};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_CASE_TRANSFER, a, ARRAY_LEN(a), &r);
    int64_t next = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_CONFLICT, "the case was changed by someone else; reload it");
    }
    if (st == STATUS_OK) {
        json_t *changes =
            json_pack("{s{sIsI}s{sIsI}}", "agency_id", "from", (json_int_t)from_agency, "to", (json_int_t)agency_id,
                      "owner_id", "from", (json_int_t)from_owner, "to", (json_int_t)owner_id);
        st = version_write(ctx, id, next, "transfer", changes);
        json_decref(changes);
    }
    return st;
}

enum status case_assign(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, int64_t owner_id)
{
    /* Scope first, so that a case out of reach answers "not found" whatever the owner given. */
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.write", true, "assign", open_none, &cur);
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, id, CASE_USE_PROCESS);
    }
    if (st != STATUS_OK) {
        case_record_free(cur);
        return st;
    }
    int64_t agency = cur->agency_id;
    st = version_check(cur, expected_version);
    case_record_free(cur);
    if (st != STATUS_OK) {
        return st;
    }
    /* The new owner must be an active user of the agency that holds the case. */
    int64_t owner_agency = 0;
    bool active = false;
    st = auth_user_membership(ctx->store, owner_id, &owner_agency, &active);
    if (st != STATUS_OK && st != STATUS_NOT_FOUND) {
        return st;
    }
    bool ok = st == STATUS_OK && owner_agency == agency && active;
    if (!ok) {
        return err_set_field(STATUS_INVALID, "owner_id", "owner_id: an active user of the case's agency");
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(expected_version), SQLV_I64(owner_id), SQLV_I64(util_now_ms())};
    struct store_rows *r = NULL;
    st = store_exec_one(ctx->store, STMT_CASE_SET_OWNER, a, 4, &r);
    int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st == STATUS_NOT_FOUND) {
        return err_set(STATUS_CONFLICT, "the case was changed by someone else; reload it");
    }
    if (st == STATUS_OK) {
        json_t *c = json_pack("{s{sI}}", "owner_id", "to", (json_int_t)owner_id);
        st = version_write(ctx, id, version, "assign", c);
        json_decref(c);
    }
    return st;
}

enum status case_close(const struct auth_ctx *ctx, int64_t id, int64_t expected_version, const char *status,
                       const char *reason)
{
    if (status == NULL || (strcmp(status, "Closed") != 0 && strcmp(status, "ClosedReferred") != 0)) {
        return err_set_field(STATUS_INVALID, "status", "status: Closed or ClosedReferred");
    }
    int64_t version = expected_version;
    enum status st = STATUS_OK;
    if (reason != NULL && reason[0] != '\0') {
        struct case_record ch;
        case_record_init(&ch);
        st = case_value_parse(&ch, CASE_F_closure_reason, reason);
        struct case_record *after = NULL;
        if (st == STATUS_OK) {
            st = update_fields(ctx, id, expected_version, &ch, (uint64_t)1 << CASE_F_closure_reason, "update", 0, true,
                               &after);
        }
        if (st == STATUS_OK) {
            version = after->version;
        }
        case_record_free(after);
        case_record_clear(&ch);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t now = util_now_ms();
    json_t *c = json_pack("{s{ss}}", "status", "to", status);
    struct sql_value extra[] = {sqlv_text(status), SQLV_I64(now), SQLV_I64(now)};
    st = simple_change(ctx, id, version, "close", STMT_CASE_SET_STATUS, extra, 3, c);
    json_decref(c);
    return st;
}

enum status case_reopen(const struct auth_ctx *ctx, int64_t id, int64_t expected_version)
{
    json_t *c = json_pack("{s{ss}}", "status", "to", CASE_STATUS_ACTIVE);
    struct sql_value extra[] = {sqlv_text(CASE_STATUS_ACTIVE), SQLV_I64(0), SQLV_I64(util_now_ms())};
    enum status st = simple_change(ctx, id, expected_version, "reopen", STMT_CASE_SET_STATUS, extra, 3, c);
    json_decref(c);
    return st;
}

enum status case_follow_up(const struct auth_ctx *ctx, int64_t id, int64_t expected_version)
{
    json_t *c = json_pack("{s{ss}}", "status", "to", CASE_STATUS_FOLLOW_UP);
    struct sql_value extra[] = {sqlv_text(CASE_STATUS_FOLLOW_UP), SQLV_I64(0), SQLV_I64(util_now_ms())};
    enum status st = simple_change(ctx, id, expected_version, "follow-up", STMT_CASE_SET_STATUS, extra, 3, c);
    json_decref(c);
    return st;
}

enum status case_grant(const struct auth_ctx *ctx, int64_t id, int64_t user_id, bool grant)
{
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.write", true, grant ? "grant" : "revoke", open_none, &cur);
    int64_t agency = st == STATUS_OK ? cur->agency_id : 0;
    case_record_free(cur);
    if (st != STATUS_OK) {
        return st;
    }
    if (grant) {
        /* Only an active user of the agency that holds the case may be named. */
        int64_t user_agency = 0;
        bool active = false;
        st = auth_user_membership(ctx->store, user_id, &user_agency, &active);
        if (st != STATUS_OK && st != STATUS_NOT_FOUND) {
            return st;
        }
        if (st != STATUS_OK || user_agency != agency || !active) {
            return err_set_field(STATUS_INVALID, "user_id", "user_id: an active user of the case's agency");
        }
    }
    int64_t now = util_now_ms();
    struct sql_value g[] = {sqlv_text("case"), SQLV_I64(id), SQLV_I64(user_id), SQLV_I64(now)};
    st = store_exec(ctx->store, grant ? STMT_GRANT_INSERT : STMT_GRANT_DELETE, g, grant ? 4 : 3, NULL);
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_I64(now)};
        st = store_exec_one(ctx->store, STMT_CASE_TOUCH, a, 2, &r);
    }
    int64_t version = st == STATUS_OK ? store_rows_i64(r, 0) : 0;
    store_rows_free(r);
    if (st == STATUS_OK) {
        json_t *c = json_pack("{s{sI}}", "access", grant ? "to" : "from", (json_int_t)user_id);
        st = version_write(ctx, id, version, grant ? "grant" : "revoke", c);
        json_decref(c);
    }
    return st;
}

enum status case_grants(const struct auth_ctx *ctx, int64_t id, struct case_grant **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.read", false, "grants", open_none, &cur);
    case_record_free(cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {sqlv_text("case"), SQLV_I64(id)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_GRANT_LIST, a, 2, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 4, n = 0;
    struct case_grant *g = xcalloc(cap, sizeof *g);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            g = xrealloc(g, cap * sizeof *g);
        }
        g[n].user_id = store_rows_i64(r, 0);
        g[n].granted_at_ms = store_rows_i64(r, 1);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        free(g);
        return st;
    }
    *out = g;
    *count_out = n;
    return STATUS_OK;
}

enum status case_set_restricted(const struct auth_ctx *ctx, int64_t id, bool restricted)
{
    json_t *c = json_pack("{s{sb}}", "restricted", "to", restricted);
    struct sql_value extra[] = {SQLV_BOOL(restricted), SQLV_I64(util_now_ms())};
    enum status st = simple_change(ctx, id, -1, "restrict", STMT_CASE_SET_RESTRICTED, extra, 2, c);
    json_decref(c);
    return st;
}

/* Listing and search. */

static enum status exact_bidx(const struct auth_ctx *ctx, enum case_field_id f, const char *text,
                              uint8_t out[VAULT_BIDX_BYTES], struct sql_value *v)
{
    *v = SQLV_NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    struct case_record tmp;
    case_record_init(&tmp);
    enum status st = case_value_parse(&tmp, f, text); /* the same canonical form as stored */
    if (st == STATUS_OK && tmp.v[f].state != CASE_SET) {
        st = err_set_field(STATUS_INVALID, case_fields[f].name, "%s: a value to search for", case_fields[f].name);
    }
    if (st == STATUS_OK) {
        st = field_bidx(ctx, f, tmp.v[f].text, out);
        *v = SQLV_BLOB(out, VAULT_BIDX_BYTES);
    }
    case_record_clear(&tmp);
    return st;
}

/* The name words of a query, as blind indexes (at most 8 words). */
static enum status name_words(const struct auth_ctx *ctx, const char *name, uint8_t out[8][VAULT_BIDX_BYTES],
                              size_t *count)
{
    enum status st = name_word_indexes(ctx, name, out, 8, count);
    return st == STATUS_INVALID ? err_set_field(STATUS_INVALID, "name", "name: not valid text") : st;
}

static enum status case_has_words(const struct auth_ctx *ctx, int64_t id, uint8_t words[8][VAULT_BIDX_BYTES],
                                  size_t count, bool *yes)
{
    *yes = true;
    for (size_t i = 1; i < count && *yes; i++) {
        struct sql_value a[] = {SQLV_I64(id), SQLV_BLOB(words[i], VAULT_BIDX_BYTES)};
        struct store_rows *r = NULL;
        enum status st = store_exec_one(ctx->store, STMT_CASE_NAME_HAS, a, 2, &r);
        store_rows_free(r);
        if (st == STATUS_NOT_FOUND) {
            *yes = false;
        } else if (st != STATUS_OK) {
            return st;
        }
    }
    return STATUS_OK;
}

enum status case_list(const struct auth_ctx *ctx, const struct case_filter *f, struct case_record ***out,
                      size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    int64_t limit = f->limit > 0 ? f->limit : PAGE_ROWS_DEFAULT;
    if (limit > (f->linkage ? CASE_LINKAGE_ROWS_MAX : PAGE_ROWS_MAX)) {
        return err_set_field(STATUS_INVALID, "limit", "limit: at most %d", PAGE_ROWS_MAX);
    }
    bool searching = (f->name && f->name[0]) || (f->birth_date && f->birth_date[0]) ||
                     (f->identity_number && f->identity_number[0]) || (f->phone && f->phone[0]);
    enum status st = auth_check(ctx, "case.read", NULL, AUTH_FG_NONE, false, searching ? "search" : "list");
    /* Searching by a personal value uses the groups those values belong to. */
    if (st == STATUS_OK && ((f->name && f->name[0]) || (f->birth_date && f->birth_date[0]) ||
                            (f->identity_number && f->identity_number[0]))) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false, "search");
    }
    if (st == STATUS_OK && f->phone && f->phone[0]) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_CONTACT, false, "search");
    }
    if (st != STATUS_OK) {
        return st;
    }
    uint8_t bd[VAULT_BIDX_BYTES], idn[VAULT_BIDX_BYTES], ph[VAULT_BIDX_BYTES], words[8][VAULT_BIDX_BYTES];
    struct sql_value v_bd, v_idn, v_ph;
    size_t nwords = 0;
    st = exact_bidx(ctx, CASE_F_birth_date, f->birth_date, bd, &v_bd);
    if (st == STATUS_OK) {
        st = exact_bidx(ctx, CASE_F_identity_number, f->identity_number, idn, &v_idn);
    }
    if (st == STATUS_OK) {
        st = exact_bidx(ctx, CASE_F_phone, f->phone, ph, &v_ph);
    }
    if (st == STATUS_OK && f->name && f->name[0]) {
        st = name_words(ctx, f->name, words, &nwords);
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t agency_filter, owner_filter;
    auth_scope_filter(ctx->who, &agency_filter, &owner_filter);
    if (f->owner_id) {
        owner_filter = owner_filter && owner_filter != f->owner_id ? -1 : f->owner_id;
    }
    struct sql_value a[] = {
        SQLV_I64(agency_filter),
        SQLV_I64(owner_filter),
        f->status && f->status[0] ? sqlv_text(f->status) : SQLV_NULL,
        f->citizenship && f->citizenship[0] ? sqlv_text(f->citizenship) : SQLV_NULL,
        f->exploitation_country && f->exploitation_country[0] ? sqlv_text(f->exploitation_country) : SQLV_NULL,
        SQLV_I64(f->opened_from_ms),
        SQLV_I64(f->opened_to_ms ? f->opened_to_ms : INT64_MAX),
        v_bd,
        v_idn,
        v_ph,
        nwords ? SQLV_BLOB(words[0], VAULT_BIDX_BYTES) : SQLV_NULL,
        SQLV_I64(ctx->who->user_id),
        SQLV_BOOL(ctx->who->operator),
        SQLV_I64(limit),
        SQLV_I64(f->offset),
    };
    bool open[AUTH_FG__COUNT] = {false};
    open[AUTH_FG_IDENTITY] = !f->codes_only && auth_field_allowed(ctx->who, AUTH_FG_IDENTITY, false);
    if (open[AUTH_FG_IDENTITY] && !searching) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_IDENTITY, false, f->linkage ? "linkage" : "list");
        if (st != STATUS_OK) {
            return st;
        }
    }
    open[AUTH_FG_CONTACT] = f->linkage && !f->codes_only && auth_field_allowed(ctx->who, AUTH_FG_CONTACT, false);
    if (open[AUTH_FG_CONTACT]) {
        st = auth_check(ctx, "case.read", NULL, AUTH_FG_CONTACT, false, "linkage");
        if (st != STATUS_OK) {
            return st;
        }
    }
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_CASE_LIST, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 16, n = 0;
    struct case_record **list = xcalloc(cap, sizeof *list);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct case_record *rec = xcalloc(1, sizeof *rec);
        st = row_read(ctx->vault, r, open, rec);
        if (st != STATUS_OK) {
            case_record_free(rec);
            break;
        }
        /* Only the names are shown in lists; the other personal fields stay sealed (linkage
         * keeps the identity and contact fields opened above). */
        for (int i = 0; i < CASE_F__COUNT; i++) {
            if (f->linkage && (case_fields[i].group == AUTH_FG_IDENTITY || case_fields[i].group == AUTH_FG_CONTACT)) {
                continue;
            }
            if (case_fields[i].group != AUTH_FG_NONE && case_fields[i].bidx != CB_TOKENS && rec->v[i].text) {
                case__value_clear(&rec->v[i]);
                rec->withheld[i] = true;
            }
        }
        bool keep = true;
        if (nwords > 1) {
            st = case_has_words(ctx, rec->id, words, nwords, &keep);
        }
        if (st == STATUS_OK && keep && f->linkage) {
            int64_t flags = 0;
            st = case__consent_flags(ctx, rec->id, &flags);
            keep = (flags & CASE_CONSENT_NO_SHARING) == 0;
        }
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, cap * sizeof *list);
        }
        if (keep && st == STATUS_OK) {
            list[n++] = rec;
        } else {
            case_record_free(rec);
        }
        if (st != STATUS_OK) {
            break;
        }
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_list_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

void case_list_free(struct case_record **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++) {
        case_record_free(list[i]);
    }
    free(list);
}

/* History, events, comments. */

/* Changes to fields of a group the reader may not open show as "withheld", without values. */
static void history_withhold(json_t *changes, const bool allowed[AUTH_FG__COUNT])
{
    if (!json_is_object(changes)) {
        return;
    }
    const char *key;
    json_t *val;
    void *tmp;
    json_object_foreach_safe(changes, tmp, key, val)
    {
        int f = case_field_find(key);
        if (f >= 0 && case_fields[f].group != AUTH_FG_NONE && !allowed[case_fields[f].group]) {
            json_object_set_new(changes, key, json_string("withheld"));
        }
    }
}

enum status case_history(const struct auth_ctx *ctx, int64_t id, struct case_change **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct case_record *cur = NULL;
    enum status st = reach(ctx, id, "case.read", false, "history", open_none, &cur);
    bool allowed[AUTH_FG__COUNT] = {false};
    if (st == STATUS_OK) {
        struct auth_record rec = case_auth_record(cur);
        auth_groups_allowed(ctx, &rec, false, allowed);
    }
    case_record_free(cur);
    if (st != STATUS_OK) {
        return st;
    }
    struct sql_value a[] = {SQLV_I64(id), SQLV_I64(CASE_HISTORY_MAX)};
    struct store_rows *r = NULL;
    st = store_exec(ctx->store, STMT_CASE_VERSIONS_LIST, a, 2, &r);
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct case_change *h = xcalloc(cap, sizeof *h);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            h = xrealloc(h, cap * sizeof *h);
        }
        h[n].case_id = store_rows_i64(r, 5);
        h[n].version = store_rows_i64(r, 0);
        h[n].at_ms = store_rows_i64(r, 1);
        h[n].actor = xstrdup(store_rows_text(r, 2));
        h[n].action = xstrdup(store_rows_text(r, 3));
        h[n].changes = json_loads(store_rows_text(r, 4), 0, NULL);
        if (h[n].changes == NULL) {
            h[n].changes = json_object();
        }
        history_withhold(h[n].changes, allowed);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_history_free(h, n);
        return st;
    }
    *out = h;
    *count_out = n;
    return STATUS_OK;
}

void case_history_free(struct case_change *h, size_t count)
{
    for (size_t i = 0; h && i < count; i++) {
        free(h[i].actor);
        free(h[i].action);
        json_decref(h[i].changes);
    }
    free(h);
}

static enum status seal_opt(const struct auth_ctx *ctx, const char *table, const char *column, int64_t id,
                            const char *text, uint8_t **out, size_t *len, struct sql_value *v)
{
    *v = SQLV_NULL;
    *out = NULL;
    if (text == NULL || text[0] == '\0') {
        return STATUS_OK;
    }
    struct vault_ad ad = {table, column, id};
    enum status st = vault_seal(ctx->vault, out, len, &ad, text, strlen(text));
    if (st == STATUS_OK) {
        *v = SQLV_BLOB(*out, *len);
    }
    return st;
}

enum status case_event_add(const struct auth_ctx *ctx, int64_t case_id, const struct case_event *e, int64_t *id_out)
{
    if (strcmp(e->type, "Recruitment") != 0 && strcmp(e->type, "Transit") != 0 &&
        strcmp(e->type, "Exploitation") != 0) {
        return err_set_field(STATUS_INVALID, "type", "type: Recruitment, Transit or Exploitation");
    }
    char date[11] = "";
    enum status st = STATUS_OK;
    if (e->date[0] != '\0') {
        st = case__date_check("date", e->date, date);
    }
    const char *country = "";
    if (st == STATUS_OK && e->country[0] != '\0') {
        st = vocab_parse("country", e->country, &country);
        if (st != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, "country", "country: %s", err_last());
        }
    }
    if (st == STATUS_OK &&
        ((e->place && strlen(e->place) > 1000) || (e->description && strlen(e->description) > 8000))) {
        st = err_set_field(STATUS_INVALID, "description", "place or description too long");
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct auth_record rec;
    st = reach_record(ctx, case_id, "case.write", true, "add event", &rec);
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st != STATUS_OK) {
        return st;
    }
    if (e->place && e->place[0]) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_LOCATION, true, "add event");
    }
    if (st == STATUS_OK && e->description && e->description[0]) {
        st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "add event");
    }
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *place = NULL, *desc = NULL;
    size_t pl = 0, dl = 0;
    struct sql_value vp, vd;
    st = seal_opt(ctx, "case_events", "place_enc", id, e->place, &place, &pl, &vp);
    if (st == STATUS_OK) {
        st = seal_opt(ctx, "case_events", "description_enc", id, e->description, &desc, &dl, &vd);
    }
    if (st == STATUS_OK) {
        struct sql_value a[] = {
            SQLV_I64(id), SQLV_I64(case_id),      sqlv_text(e->type), sqlv_text(country), vp, sqlv_text(date),
            vd,           SQLV_I64(util_now_ms())};
        st = store_exec(ctx->store, STMT_CASE_EVENT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(place);
    free(desc);
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

static char *unseal_opt(const struct auth_ctx *ctx, struct store_rows *r, size_t col, const char *table,
                        const char *column, int64_t id, bool allowed)
{
    size_t len = 0, plen = 0;
    const uint8_t *blob = store_rows_blob(r, col, &len);
    if (blob == NULL || len == 0 || !allowed) {
        return NULL;
    }
    struct vault_ad ad = {table, column, id};
    char *out = NULL;
    if (vault_unseal(ctx->vault, &out, &plen, &ad, blob, len) != STATUS_OK) {
        return NULL;
    }
    return out;
}

enum status case_events(const struct auth_ctx *ctx, int64_t case_id, struct case_event **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    enum status st = reach_record(ctx, case_id, "case.read", false, "events", &rec);
    if (st != STATUS_OK) {
        return st;
    }
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    bool loc = allowed[AUTH_FG_LOCATION];
    bool nar = allowed[AUTH_FG_NARRATIVE];
    if (loc) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_LOCATION, false, "events");
    }
    if (st == STATUS_OK && nar) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_NARRATIVE, false, "events");
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_EVENTS_LIST, a, 1, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct case_event *ev = xcalloc(cap, sizeof *ev);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            ev = xrealloc(ev, cap * sizeof *ev);
        }
        memset(&ev[n], 0, sizeof ev[n]);
        ev[n].id = store_rows_i64(r, 0);
        snprintf(ev[n].type, sizeof ev[n].type, "%s", store_rows_text(r, 1));
        snprintf(ev[n].country, sizeof ev[n].country, "%s", store_rows_text(r, 2));
        ev[n].place = unseal_opt(ctx, r, 3, "case_events", "place_enc", ev[n].id, loc);
        snprintf(ev[n].date, sizeof ev[n].date, "%s", store_rows_text(r, 4));
        ev[n].description = unseal_opt(ctx, r, 5, "case_events", "description_enc", ev[n].id, nar);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_events_free(ev, n);
        return st;
    }
    *out = ev;
    *count_out = n;
    return STATUS_OK;
}

void case_events_free(struct case_event *e, size_t count)
{
    for (size_t i = 0; e && i < count; i++) {
        free(e[i].place);
        free(e[i].description);
    }
    free(e);
}

enum status case_comment_add(const struct auth_ctx *ctx, int64_t case_id, const char *body, int64_t *id_out)
{
    size_t n = body ? strlen(body) : 0;
    if (n == 0 || n > 16000 || !util_utf8_valid(body, n)) {
        return err_set_field(STATUS_INVALID, "body", "body: 1 to 16000 bytes of text");
    }
    struct auth_record rec;
    enum status st = reach_record(ctx, case_id, "case.write", true, "comment", &rec);
    if (st == STATUS_OK) {
        st = case__consent_require(ctx, case_id, CASE_USE_PROCESS);
    }
    if (st != STATUS_OK) {
        return st;
    }
    st = auth_check(ctx, "case.write", &rec, AUTH_FG_NARRATIVE, true, "comment");
    if (st != STATUS_OK) {
        return st;
    }
    int64_t id = vault_random_id();
    uint8_t *enc = NULL;
    size_t len = 0;
    struct sql_value vb;
    st = seal_opt(ctx, "case_comments", "body_enc", id, body, &enc, &len, &vb);
    if (st == STATUS_OK) {
        struct sql_value a[] = {SQLV_I64(id),
                                SQLV_I64(case_id),
                                SQLV_I64(util_now_ms()),
                                ctx->who->user_id ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                sqlv_text(ctx->who->username),
                                vb};
        st = store_exec(ctx->store, STMT_CASE_COMMENT_INSERT, a, ARRAY_LEN(a), NULL);
    }
    free(enc);
    if (st == STATUS_OK && id_out) {
        *id_out = id;
    }
    return st;
}

enum status case_comments(const struct auth_ctx *ctx, int64_t case_id, struct case_comment **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct auth_record rec;
    enum status st = reach_record(ctx, case_id, "case.read", false, "comments", &rec);
    if (st != STATUS_OK) {
        return st;
    }
    bool allowed[AUTH_FG__COUNT];
    auth_groups_allowed(ctx, &rec, false, allowed);
    bool nar = allowed[AUTH_FG_NARRATIVE];
    if (nar) {
        st = auth_check(ctx, "case.read", &rec, AUTH_FG_NARRATIVE, false, "comments");
    }
    struct sql_value a[] = {SQLV_I64(case_id)};
    struct store_rows *r = NULL;
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_CASE_COMMENTS_LIST, a, 1, &r);
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t cap = 8, n = 0;
    struct case_comment *c = xcalloc(cap, sizeof *c);
    while ((st = store_rows_next(r)) == STATUS_OK) {
        if (n == cap) {
            cap *= 2;
            c = xrealloc(c, cap * sizeof *c);
        }
        c[n].id = store_rows_i64(r, 0);
        c[n].at_ms = store_rows_i64(r, 1);
        c[n].author = xstrdup(store_rows_text(r, 2));
        c[n].body = unseal_opt(ctx, r, 3, "case_comments", "body_enc", c[n].id, nar);
        n++;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        case_comments_free(c, n);
        return st;
    }
    *out = c;
    *count_out = n;
    return STATUS_OK;
}

void case_comments_free(struct case_comment *c, size_t count)
{
    for (size_t i = 0; c && i < count; i++) {
        free(c[i].author);
        free(c[i].body);
    }
    free(c);
}
