/* fields: the field registry built from fields.def, and the conversions of a field's value
 * between its stored form, the text people and files write (parse/format) and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/cases.h"
#include "cases/cases_int.h"
#include "cases/vocab.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

const struct case_field case_fields[CASE_F__COUNT] = {
#define FIELD(name, htcds, type, vocab, group, bidx, max) {#name, htcds, type, vocab, AUTH_FG_##group, bidx, max},
#include "cases/fields.def"
#undef FIELD
};

int case_field_find(const char *name)
{
    for (int i = 0; i < CASE_F__COUNT; i++) {
        if (strcasecmp(case_fields[i].name, name) == 0 ||
            (case_fields[i].htcds[0] != '\0' && strcasecmp(case_fields[i].htcds, name) == 0)) {
            return i;
        }
    }
    return -1;
}

bool case_field_sealed(enum case_field_id f)
{
    return case_fields[f].type == CF_SEALED || case_fields[f].type == CF_SEALED_DATE;
}

void case_record_init(struct case_record *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->status, sizeof r->status, "%s", CASE_STATUS_ACTIVE);
}

void case__value_clear(struct case_value *v)
{
    if (v->text != NULL) {
        memset(v->text, 0, strlen(v->text)); /* may be personal */
        free(v->text);
    }
    memset(v, 0, sizeof *v);
}

void case_record_clear(struct case_record *r)
{
    for (int i = 0; i < CASE_F__COUNT; i++) {
        case__value_clear(&r->v[i]);
    }
    free(r->source_key);
    case_record_init(r);
}

void case_record_free(struct case_record *r)
{
    if (r != NULL) {
        case_record_clear(r);
        free(r);
    }
}

/* Bounds of the numeric fields, by name; others take 0..1e6. */
static void int_bounds(enum case_field_id f, int64_t *lo, int64_t *hi)
{
    *lo = 0;
    *hi = 1000000;
    if (f == CASE_F_age || f == CASE_F_age_when_trafficked) {
        *hi = 130;
    } else if (f == CASE_F_year_registered) {
        *lo = 1900;
        *hi = 2200;
    }
}

/* Approximate dates: YYYY, YYYY-MM or YYYY-MM-DD (a time part is dropped). */
enum status case__date_check(const char *field, const char *text, char out[11])
{
    size_t n = strlen(text);
    if (n > 10 && (text[10] == 'T' || text[10] == ' ')) {
        n = 10;
    }
    char d[11];
    if (n != 4 && n != 7 && n != 10) {
        return err_set_field(STATUS_INVALID, field, "%s: a date YYYY, YYYY-MM or YYYY-MM-DD", field);
    }
    memcpy(d, text, n);
    d[n] = '\0';
    char full[24];
    snprintf(full, sizeof full, "%.10s%s", d, n == 4 ? "-01-01" : n == 7 ? "-01" : "");
    int64_t ms;
    if (util_time_parse(&ms, full) != STATUS_OK) {
        return err_set_field(STATUS_INVALID, field, "%s: a date YYYY, YYYY-MM or YYYY-MM-DD", field);
    }
    memcpy(out, d, n + 1);
    return STATUS_OK;
}

static bool word_is(const char *text, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++) {
        if (strcasecmp(text, words[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const unknown_words[] = {"unknown", "?", "-99", NULL};
static const char *const na_words[] = {"not applicable", "not_applicable", "n/a", "na", "notapplicable", NULL};

static enum status bool_parse(const char *field, const char *t, int64_t *out)
{
    static const char *const yes[] = {"true", "yes", "y", "1", "oui", "si", "sí", NULL};
    static const char *const no[] = {"false", "no", "n", "0", "non", NULL};
    if (word_is(t, yes)) {
        *out = 1;
    } else if (word_is(t, no)) {
        *out = 0;
    } else {
        return err_set_field(STATUS_INVALID, field, "%s: TRUE or FALSE (yes/no, 1/0)", field);
    }
    return STATUS_OK;
}

static enum status multi_parse(enum case_field_id f, const char *text, int64_t *bits_out)
{
    const struct case_field *cf = &case_fields[f];
    int64_t bits = 0;
    size_t n = strlen(text);
    char part[256];
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != ';' && text[i] != ',' && text[i] != '|') {
            continue;
        }
        size_t a = start, b = i;
        start = i + 1;
        while (a < b && (text[a] == ' ' || text[a] == '\t')) {
            a++;
        }
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t')) {
            b--;
        }
        if (b == a) {
            continue;
        }
        if (b - a >= sizeof part) {
            return err_set_field(STATUS_INVALID, cf->name, "%s: a value is too long", cf->name);
        }
        memcpy(part, text + a, b - a);
        part[b - a] = '\0';
        const char *code = NULL;
        if (vocab_parse(cf->vocab, part, &code) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, cf->name, "%s: %s", cf->name, err_last());
        }
        int idx = vocab_index(cf->vocab, code);
        if (idx < 0 || idx > 62) {
            return err_set_field(STATUS_INVALID, cf->name, "%s: code out of range", cf->name);
        }
        bits |= (int64_t)1 << idx;
    }
    *bits_out = bits;
    return STATUS_OK;
}

/* Several codes of a large vocabulary (CF_CODES): separated by ';', ',' or '|', each parsed by
 * the vocabulary, kept in the order given without repeats, joined by ';' within max_bytes. */
static enum status codes_parse(enum case_field_id f, const char *text, char **out)
{
    const struct case_field *cf = &case_fields[f];
    struct buf b = BUF_INIT(cf->max_bytes);
    size_t n = strlen(text), start = 0;
    char part[256];
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != ';' && text[i] != ',' && text[i] != '|') {
            continue;
        }
        size_t a = start, e = i;
        start = i + 1;
        while (a < e && (text[a] == ' ' || text[a] == '\t')) {
            a++;
        }
        while (e > a && (text[e - 1] == ' ' || text[e - 1] == '\t')) {
            e--;
        }
        if (e == a) {
            continue;
        }
        if (e - a >= sizeof part) {
            buf_free(&b);
            return err_set_field(STATUS_INVALID, cf->name, "%s: a value is too long", cf->name);
        }
        memcpy(part, text + a, e - a);
        part[e - a] = '\0';
        const char *code = NULL;
        if (vocab_parse(cf->vocab, part, &code) != STATUS_OK) {
            buf_free(&b);
            return err_set_field(STATUS_INVALID, cf->name, "%s: %s", cf->name, err_last());
        }
        /* Skip a repeat: compare against the codes kept so far. */
        bool seen = false;
        size_t cl = strlen(code);
        for (const char *p = buf_str(&b); *p && !seen; p += strcspn(p, ";"), p += *p == ';') {
            seen = strncmp(p, code, cl) == 0 && (p[cl] == ';' || p[cl] == '\0');
        }
        if (!seen && buf_printf(&b, "%s%s", b.len ? ";" : "", code) != STATUS_OK) {
            buf_free(&b);
            return err_set_field(STATUS_INVALID, cf->name, "%s: at most %zu bytes of codes", cf->name, cf->max_bytes);
        }
    }
    *out = buf_take(&b);
    return STATUS_OK;
}

enum status case_value_parse(struct case_record *r, enum case_field_id f, const char *text_in)
{
    ASSERT(f < CASE_F__COUNT);
    const struct case_field *cf = &case_fields[f];
    struct case_value *v = &r->v[f];
    /* Trim. */
    while (*text_in == ' ' || *text_in == '\t') {
        text_in++;
    }
    size_t n = strlen(text_in);
    while (n > 0 && (text_in[n - 1] == ' ' || text_in[n - 1] == '\t' || text_in[n - 1] == '\r')) {
        n--;
    }
    /* Codes are checked by their vocabulary (which takes names too), other text by its limit. */
    bool coded = cf->type == CF_CODE || cf->type == CF_MULTI || cf->type == CF_CODES || cf->type == CF_INT ||
                 cf->type == CF_BOOL;
    if (n > cf->max_bytes && !coded && cf->type != CF_DATE && cf->type != CF_SEALED_DATE) {
        return err_set_field(STATUS_INVALID, cf->name, "%s: at most %zu bytes", cf->name, cf->max_bytes);
    }
    if (n > FIELD_TEXT_BYTES_MAX && cf->max_bytes <= FIELD_TEXT_BYTES_MAX) {
        return err_set_field(STATUS_INVALID, cf->name, "%s: too long", cf->name);
    }
    char small[512];
    char *text = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(text, text_in, n);
    text[n] = '\0';
    enum status st = STATUS_OK;
    case__value_clear(v);
    if (n == 0) {
        goto out; /* not collected */
    }
    if (!util_utf8_valid(text, n)) {
        st = err_set_field(STATUS_INVALID, cf->name, "%s: not valid UTF-8 text", cf->name);
        goto out;
    }
    /* A code list may have its own "unknown" entry (gender: NonSpecifiedUnknown): prefer it. */
    if (cf->type == CF_CODE) {
        const char *code = NULL;
        if (vocab_parse(cf->vocab, text, &code) == STATUS_OK) {
            v->state = CASE_SET;
            v->text = xstrdup(code);
            goto out;
        }
    }
    if (word_is(text, unknown_words)) {
        v->state = CASE_UNKNOWN;
        goto out;
    }
    if (word_is(text, na_words)) {
        v->state = CASE_NOT_APPLICABLE;
        goto out;
    }
    switch (cf->type) {
    case CF_CODE: {
        const char *code = NULL;
        st = vocab_parse(cf->vocab, text, &code);
        if (st != STATUS_OK) {
            st = err_set_field(STATUS_INVALID, cf->name, "%s: %s", cf->name, err_last());
        }
        break;
    }
    case CF_MULTI: st = multi_parse(f, text, &v->i); break;
    case CF_CODES: st = codes_parse(f, text, &v->text); break;
    case CF_INT: {
        int64_t lo, hi;
        int_bounds(f, &lo, &hi);
        if (util_parse_i64(&v->i, text) != STATUS_OK || v->i < lo || v->i > hi) {
            st = err_set_field(STATUS_INVALID, cf->name, "%s: a whole number from %lld to %lld", cf->name,
                               (long long)lo, (long long)hi);
        }
        break;
    }
    case CF_BOOL: st = bool_parse(cf->name, text, &v->i); break;
    case CF_DATE:
    case CF_SEALED_DATE: {
        char d[11];
        st = case__date_check(cf->name, text, d);
        if (st == STATUS_OK) {
            v->text = xstrdup(d);
        }
        break;
    }
    case CF_TEXT:
    case CF_SEALED: v->text = xstrndup(text, n); break;
    }
    if (st == STATUS_OK) {
        v->state = CASE_SET;
    } else {
        case__value_clear(v);
    }
out:
    if (text != small) {
        free(text);
    }
    return st;
}

enum status case__citizenships_parse(struct case_record *r, const char *text)
{
    char *codes = NULL;
    enum status st = codes_parse(CASE_F_other_citizenships, text, &codes);
    if (st != STATUS_OK) {
        return err_set_field(st, case_fields[CASE_F_citizenship].name, "citizenship: %s", err_last());
    }
    size_t first = strcspn(codes, ";");
    if (codes[first] == '\0') {
        free(codes);
        return case_value_parse(r, CASE_F_citizenship, text); /* one value, or a missing state */
    }
    codes[first] = '\0';
    st = case_value_parse(r, CASE_F_citizenship, codes);
    if (st == STATUS_OK) {
        struct case_value *o = &r->v[CASE_F_other_citizenships];
        char *rest = o->state == CASE_SET && o->text && o->text[0] ? xasprintf("%s;%s", codes + first + 1, o->text)
                                                                   : xstrdup(codes + first + 1);
        st = case_value_parse(r, CASE_F_other_citizenships, rest);
        free(rest);
    }
    free(codes);
    return st;
}

char *case_value_format(const struct case_record *r, enum case_field_id f)
{
    const struct case_field *cf = &case_fields[f];
    const struct case_value *v = &r->v[f];
    switch (v->state) {
    case CASE_NOT_COLLECTED: return xstrdup("");
    case CASE_UNKNOWN: return xstrdup("unknown");
    case CASE_NOT_APPLICABLE: return xstrdup("not applicable");
    case CASE_SET: break;
    }
    switch (cf->type) {
    case CF_MULTI: {
        struct buf b = BUF_INIT(4096);
        for (size_t i = 0; i < 63; i++) {
            if (v->i & ((int64_t)1 << i)) {
                const char *code = vocab_code(cf->vocab, i);
                if (code != NULL) {
                    buf_printf(&b, "%s%s", b.len ? ";" : "", code);
                }
            }
        }
        return buf_take(&b);
    }
    case CF_INT: return xasprintf("%lld", (long long)v->i);
    case CF_BOOL: return xstrdup(v->i ? "TRUE" : "FALSE");
    default: return xstrdup(v->text ? v->text : "");
    }
}

static json_t *value_json(const struct case_record *r, enum case_field_id f)
{
    const struct case_field *cf = &case_fields[f];
    const struct case_value *v = &r->v[f];
    if (v->state == CASE_UNKNOWN || v->state == CASE_NOT_APPLICABLE) {
        return json_pack("{ss}", "missing", v->state == CASE_UNKNOWN ? "unknown" : "not_applicable");
    }
    switch (cf->type) {
    case CF_MULTI: {
        json_t *a = json_array();
        for (size_t i = 0; i < 63; i++) {
            if (v->i & ((int64_t)1 << i)) {
                const char *code = vocab_code(cf->vocab, i);
                if (code != NULL) {
                    json_array_append_new(a, json_string(code));
                }
            }
        }
        return a;
    }
    case CF_CODES: {
        json_t *a = json_array();
        const char *p = v->text ? v->text : "";
        while (*p) {
            size_t len = strcspn(p, ";");
            json_array_append_new(a, json_stringn(p, len));
            p += len + (p[len] == ';');
        }
        return a;
    }
    case CF_INT: return json_integer(v->i);
    case CF_BOOL: return json_boolean(v->i != 0);
    default: return json_string(v->text ? v->text : "");
    }
}

json_t *case_record_to_json(const struct case_record *r)
{
    char t[32];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "agency_id", json_integer(r->agency_id));
    json_object_set_new(o, "owner_id", r->owner_id ? json_integer(r->owner_id) : json_null());
    json_object_set_new(o, "restricted", json_boolean(r->restricted));
    json_object_set_new(o, "status", json_string(r->status));
    util_time_iso(t, r->opened_at_ms);
    json_object_set_new(o, "opened_at", json_string(t));
    if (r->closed_at_ms) {
        util_time_iso(t, r->closed_at_ms);
        json_object_set_new(o, "closed_at", json_string(t));
    } else {
        json_object_set_new(o, "closed_at", json_null());
    }
    util_time_iso(t, r->created_at_ms);
    json_object_set_new(o, "created_at", json_string(t));
    util_time_iso(t, r->updated_at_ms);
    json_object_set_new(o, "updated_at", json_string(t));
    json_object_set_new(o, "version", json_integer(r->version));
    if (r->source_key) {
        json_object_set_new(o, "source_key", json_string(r->source_key));
    }
    if (r->merged_into) {
        json_object_set_new(o, "merged_into", json_integer(r->merged_into));
    }
    json_t *fields = json_object();
    json_t *withheld = json_array();
    for (int f = 0; f < CASE_F__COUNT; f++) {
        if (r->withheld[f]) {
            json_array_append_new(withheld, json_string(case_fields[f].name));
        } else if (r->v[f].state != CASE_NOT_COLLECTED) {
            json_object_set_new(fields, case_fields[f].name, value_json(r, (enum case_field_id)f));
        }
    }
    json_object_set_new(o, "fields", fields);
    json_object_set_new(o, "withheld", withheld);
    return o;
}

enum status case_record_from_json(struct case_record *r, const json_t *fields, bool partial)
{
    if (!json_is_object(fields)) {
        return err_set_field(STATUS_INVALID, "fields", "fields: must be an object");
    }
    if (!partial) {
        for (int f = 0; f < CASE_F__COUNT; f++) {
            case__value_clear(&r->v[f]);
        }
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)fields, key, val)
    {
        int f = case_field_find(key);
        if (f < 0) {
            return err_set_field(STATUS_INVALID, key, "%s: no such field", key);
        }
        const struct case_field *cf = &case_fields[f];
        enum status st = STATUS_OK;
        if (json_is_null(val)) {
            case__value_clear(&r->v[f]);
        } else if (json_is_object(val)) {
            const char *m = json_string_value(json_object_get(val, "missing"));
            case__value_clear(&r->v[f]);
            if (m != NULL && strcmp(m, "unknown") == 0) {
                r->v[f].state = CASE_UNKNOWN;
            } else if (m != NULL && strcmp(m, "not_applicable") == 0) {
                r->v[f].state = CASE_NOT_APPLICABLE;
            } else {
                st = err_set_field(STATUS_INVALID, cf->name, "%s: {\"missing\": \"unknown\" or \"not_applicable\"}",
                                   cf->name);
            }
        } else if (cf->type == CF_MULTI || (cf->type == CF_CODES && !json_is_string(val))) {
            if (!json_is_array(val)) {
                return err_set_field(STATUS_INVALID, cf->name, "%s: an array of codes", cf->name);
            }
            struct buf b = BUF_INIT(8192);
            size_t i;
            json_t *item;
            json_array_foreach(val, i, item)
            {
                if (!json_is_string(item)) {
                    buf_free(&b);
                    return err_set_field(STATUS_INVALID, cf->name, "%s: an array of codes", cf->name);
                }
                buf_printf(&b, "%s%s", i ? ";" : "", json_string_value(item));
            }
            if (json_array_size(val) == 0) {
                case__value_clear(&r->v[f]);
                r->v[f].state = CASE_SET; /* known: none of them */
                if (cf->type == CF_CODES) {
                    r->v[f].text = xstrdup("");
                }
            } else {
                st = case_value_parse(r, (enum case_field_id)f, buf_str(&b));
            }
            buf_free(&b);
        } else if (cf->type == CF_INT) {
            if (!json_is_integer(val)) {
                return err_set_field(STATUS_INVALID, cf->name, "%s: a whole number", cf->name);
            }
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(val));
            st = case_value_parse(r, (enum case_field_id)f, num);
        } else if (cf->type == CF_BOOL) {
            if (!json_is_boolean(val)) {
                return err_set_field(STATUS_INVALID, cf->name, "%s: true or false", cf->name);
            }
            case__value_clear(&r->v[f]);
            r->v[f].state = CASE_SET;
            r->v[f].i = json_is_true(val);
        } else if (json_is_string(val)) {
            const char *s = json_string_value(val);
            if (s[0] == '\0') {
                case__value_clear(&r->v[f]);
            } else {
                st = case_value_parse(r, (enum case_field_id)f, s);
            }
        } else {
            st = err_set_field(STATUS_INVALID, cf->name, "%s: a text value", cf->name);
        }
        if (st != STATUS_OK) {
            return st;
        }
    }
    return STATUS_OK;
}
