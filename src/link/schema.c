/* schema: parsing and checking the linkage schema (schema.h, docs/linkage.md). */
#include "link/schema.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define CANON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
#define ENUM_VALUES_MAX 1000
#define POINTER_BYTES 160

struct pctx {
    const char *name;
};

/* An error at JSON pointer ptr. */
__attribute__((format(printf, 3, 4))) static enum status fail(const struct pctx *p, const char *ptr, const char *fmt,
                                                              ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set_field(STATUS_INVALID, ptr, "%s: %s: %s", p->name, ptr[0] != '\0' ? ptr : "/", msg);
}

/* out = ptr "/" member, cut to POINTER_BYTES - 1 bytes. */
static void sub(char out[POINTER_BYTES], const char *ptr, const char *member)
{
    size_t a = strnlen(ptr, POINTER_BYTES - 2), b = strlen(member);
    if (a + 1 + b > POINTER_BYTES - 1) {
        b = POINTER_BYTES - 2 - a;
    }
    memmove(out, ptr, a);
    out[a] = '/';
    memcpy(out + a + 1, member, b);
    out[a + 1 + b] = '\0';
}

static void sub_index(char out[POINTER_BYTES], const char *ptr, size_t i)
{
    char n[24];
    snprintf(n, sizeof n, "%zu", i);
    sub(out, ptr, n);
}

/* Only the members named in `allowed` (NULL-terminated) may appear in object o. */
static enum status members_only(const struct pctx *p, const char *ptr, const json_t *o, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++) {
            ok = strcmp(allowed[i], k) == 0;
        }
        if (!ok) {
            char at[POINTER_BYTES];
            sub(at, ptr, k);
            return fail(p, at, "not a member here (see docs/linkage.md)");
        }
    }
    return STATUS_OK;
}

static enum status object_at(const struct pctx *p, const json_t *parent, const char *ptr, const char *member,
                             bool required, json_t **out)
{
    char at[POINTER_BYTES];
    sub(at, ptr, member);
    json_t *v = json_object_get(parent, member);
    *out = v;
    if (v == NULL) {
        return required ? fail(p, at, "required") : STATUS_OK;
    }
    return json_is_object(v) ? STATUS_OK : fail(p, at, "an object expected");
}

/* An integer member in [min, max]; *out keeps its default when the member is absent. */
static enum status int_at(const struct pctx *p, const json_t *o, const char *ptr, const char *member, bool required,
                          int64_t min, int64_t max, int64_t *out)
{
    char at[POINTER_BYTES];
    sub(at, ptr, member);
    json_t *v = json_object_get(o, member);
    if (v == NULL) {
        return required ? fail(p, at, "required") : STATUS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        return fail(p, at, "an integer from %lld to %lld expected", (long long)min, (long long)max);
    }
    *out = json_integer_value(v);
    return STATUS_OK;
}

static enum status bool_at(const struct pctx *p, const json_t *o, const char *ptr, const char *member, bool *out)
{
    char at[POINTER_BYTES];
    sub(at, ptr, member);
    json_t *v = json_object_get(o, member);
    if (v == NULL) {
        return STATUS_OK;
    }
    if (!json_is_boolean(v)) {
        return fail(p, at, "true or false expected");
    }
    *out = json_is_true(v);
    return STATUS_OK;
}

/* A string member (NULL when absent and not required). */
static enum status str_at(const struct pctx *p, const json_t *o, const char *ptr, const char *member, bool required,
                          size_t max, const char **out)
{
    char at[POINTER_BYTES];
    sub(at, ptr, member);
    json_t *v = json_object_get(o, member);
    *out = NULL;
    if (v == NULL) {
        return required ? fail(p, at, "required") : STATUS_OK;
    }
    if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
        return fail(p, at, "a string of at most %zu bytes expected", max);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

/* Standard base64 (RFC 4648 section 4, padding optional; the URL alphabet is accepted too). */
static enum status base64_decode(uint8_t **out, size_t *len_out, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=') {
        n--;
    }
    uint8_t *buf = xmalloc(n * 3 / 4 + 3);
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+' || c == '-' ? 62
                : c == '/' || c == '_' ? 63
                                       : -1;
        if (v < 0) {
            free(buf);
            return STATUS_INVALID;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[len++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits >= 6) {
        free(buf);
        return STATUS_INVALID;
    }
    *out = buf;
    *len_out = len;
    return STATUS_OK;
}

static enum status b64_at(const struct pctx *p, const json_t *o, const char *ptr, const char *member, uint8_t **out,
                          size_t *len_out)
{
    const char *s = NULL;
    enum status st = str_at(p, o, ptr, member, false, 4096, &s);
    if (st != STATUS_OK || s == NULL) {
        return st;
    }
    if (base64_decode(out, len_out, s) != STATUS_OK) {
        char at[POINTER_BYTES];
        sub(at, ptr, member);
        return fail(p, at, "base64 expected");
    }
    return STATUS_OK;
}

/* A date format: %Y, %m, %d (each at most once, %Y required) and literal characters. */
static bool date_format_ok(const char *f)
{
    int y = 0, m = 0, d = 0;
    for (const char *c = f; *c != '\0'; c++) {
        if (*c != '%') {
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
                return false;
            }
            continue;
        }
        c++;
        if (*c == 'Y') {
            y++;
        } else if (*c == 'm') {
            m++;
        } else if (*c == 'd') {
            d++;
        } else {
            return false;
        }
    }
    return y == 1 && m <= 1 && d <= 1 && strlen(f) <= 32;
}

static enum status parse_format(const struct pctx *p, struct link_feature *f, const json_t *fo, const char *ptr)
{
    const char *type = NULL;
    char at[POINTER_BYTES];
    enum status st = str_at(p, fo, ptr, "type", true, 16, &type);
    if (st != STATUS_OK) {
        return st;
    }
    sub(at, ptr, "type");
    if (strcmp(type, "string") == 0) {
        static const char *const allowed[] = {"type",      "encoding",  "case",        "minLength",
                                              "maxLength", "normalise", "description", NULL};
        f->format = LINK_FORMAT_STRING;
        st = members_only(p, ptr, fo, allowed);
        const char *enc = NULL, *cas = NULL;
        if (st == STATUS_OK) {
            st = str_at(p, fo, ptr, "encoding", false, 16, &enc);
        }
        if (st == STATUS_OK && enc != NULL && strcmp(enc, "utf-8") != 0) {
            sub(at, ptr, "encoding");
            st = fail(p, at, "only \"utf-8\" is supported");
        }
        if (st == STATUS_OK) {
            st = str_at(p, fo, ptr, "case", false, 16, &cas);
        }
        if (st == STATUS_OK && cas != NULL && strcmp(cas, "mixed") != 0 && strcmp(cas, "lower") != 0 &&
            strcmp(cas, "upper") != 0) {
            sub(at, ptr, "case");
            st = fail(p, at, "\"mixed\", \"lower\" or \"upper\" expected");
        }
        int64_t minl = 0, maxl = 0;
        if (st == STATUS_OK) {
            st = int_at(p, fo, ptr, "minLength", false, 0, LINK_VALUE_BYTES_MAX, &minl);
        }
        if (st == STATUS_OK) {
            st = int_at(p, fo, ptr, "maxLength", false, 1, LINK_VALUE_BYTES_MAX, &maxl);
        }
        if (st == STATUS_OK && maxl > 0 && minl > maxl) {
            sub(at, ptr, "minLength");
            st = fail(p, at, "greater than maxLength");
        }
        f->min_length = (size_t)minl;
        f->max_length = (size_t)maxl;
        if (st == STATUS_OK) {
            st = bool_at(p, fo, ptr, "normalise", &f->normalise);
        }
    } else if (strcmp(type, "integer") == 0) {
        static const char *const allowed[] = {"type", "minimum", "maximum", "description", NULL};
        f->format = LINK_FORMAT_INTEGER;
        st = members_only(p, ptr, fo, allowed);
        f->has_minimum = json_object_get(fo, "minimum") != NULL;
        f->has_maximum = json_object_get(fo, "maximum") != NULL;
        if (st == STATUS_OK) {
            st = int_at(p, fo, ptr, "minimum", false, INT64_MIN, INT64_MAX, &f->minimum);
        }
        if (st == STATUS_OK) {
            st = int_at(p, fo, ptr, "maximum", false, INT64_MIN, INT64_MAX, &f->maximum);
        }
        if (st == STATUS_OK && f->has_minimum && f->has_maximum && f->minimum > f->maximum) {
            sub(at, ptr, "minimum");
            st = fail(p, at, "greater than maximum");
        }
    } else if (strcmp(type, "date") == 0) {
        static const char *const allowed[] = {"type", "format", "description", NULL};
        f->format = LINK_FORMAT_DATE;
        st = members_only(p, ptr, fo, allowed);
        const char *df = NULL;
        if (st == STATUS_OK) {
            st = str_at(p, fo, ptr, "format", true, 32, &df);
        }
        if (st == STATUS_OK && !date_format_ok(df)) {
            sub(at, ptr, "format");
            st = fail(p, at, "a date format of %%Y, %%m, %%d and literal characters expected, e.g. \"%%Y-%%m-%%d\"");
        }
        if (st == STATUS_OK) {
            f->date_format = xstrdup(df);
        }
    } else if (strcmp(type, "enum") == 0) {
        static const char *const allowed[] = {"type", "values", "normalise", "description", NULL};
        f->format = LINK_FORMAT_ENUM;
        st = members_only(p, ptr, fo, allowed);
        if (st == STATUS_OK) {
            st = bool_at(p, fo, ptr, "normalise", &f->normalise);
        }
        json_t *vals = json_object_get(fo, "values");
        sub(at, ptr, "values");
        if (st == STATUS_OK &&
            (!json_is_array(vals) || json_array_size(vals) == 0 || json_array_size(vals) > ENUM_VALUES_MAX)) {
            st = fail(p, at, "an array of 1 to %d strings expected", ENUM_VALUES_MAX);
        }
        if (st == STATUS_OK) {
            f->values = xcalloc(json_array_size(vals), sizeof *f->values);
        }
        for (size_t i = 0; st == STATUS_OK && i < json_array_size(vals); i++) {
            json_t *v = json_array_get(vals, i);
            char vat[POINTER_BYTES];
            sub_index(vat, at, i);
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 256) {
                st = fail(p, vat, "a string of 1 to 256 bytes expected");
                break;
            }
            char *canon = NULL;
            if (f->normalise) {
                if (vault_normalise(&canon, json_string_value(v), json_string_length(v)) != STATUS_OK ||
                    canon[0] == '\0') {
                    free(canon);
                    st = fail(p, vat, "not valid text");
                    break;
                }
            } else {
                canon = xstrdup(json_string_value(v));
            }
            f->values[f->values_count++] = canon;
        }
    } else {
        st = fail(p, at, "\"string\", \"integer\", \"date\" or \"enum\" expected");
    }
    return st;
}

static enum status parse_hashing(const struct pctx *p, struct link_feature *f, const json_t *ho, const char *ptr)
{
    static const char *const allowed[] = {"comparison", "strategy", "hash", "missingValue", "description", NULL};
    enum status st = members_only(p, ptr, ho, allowed);
    char cptr[POINTER_BYTES], at[POINTER_BYTES];
    json_t *co = NULL, *so = NULL, *hh = NULL, *mo = NULL;
    if (st == STATUS_OK) {
        st = object_at(p, ho, ptr, "comparison", true, &co);
    }
    const char *type = NULL;
    sub(cptr, ptr, "comparison");
    if (st == STATUS_OK) {
        st = str_at(p, co, cptr, "type", true, 16, &type);
    }
    if (st == STATUS_OK && strcmp(type, "ngram") == 0) {
        static const char *const ca[] = {"type", "n", "positional", NULL};
        f->comparison = LINK_CMP_NGRAM;
        int64_t n = 0;
        st = members_only(p, cptr, co, ca);
        if (st == STATUS_OK) {
            st = int_at(p, co, cptr, "n", true, 1, LINK_NGRAM_MAX, &n);
        }
        f->n = (int)n;
        if (st == STATUS_OK) {
            st = bool_at(p, co, cptr, "positional", &f->positional);
        }
    } else if (st == STATUS_OK && strcmp(type, "exact") == 0) {
        static const char *const ca[] = {"type", NULL};
        f->comparison = LINK_CMP_EXACT;
        st = members_only(p, cptr, co, ca);
    } else if (st == STATUS_OK) {
        sub(at, cptr, "type");
        st = fail(p, at, "\"ngram\" or \"exact\" expected (\"numeric\" is not supported)");
    }
    if (st == STATUS_OK) {
        st = object_at(p, ho, ptr, "strategy", true, &so);
    }
    char sptr[POINTER_BYTES];
    sub(sptr, ptr, "strategy");
    if (st == STATUS_OK) {
        static const char *const sa[] = {"bitsPerFeature", "bitsPerToken", NULL};
        st = members_only(p, sptr, so, sa);
    }
    if (st == STATUS_OK && json_object_size(so) != 1) {
        st = fail(p, sptr, "exactly one of bitsPerFeature and bitsPerToken expected");
    }
    int64_t bits = 0, bpt = 0;
    if (st == STATUS_OK) {
        st = int_at(p, so, sptr, "bitsPerFeature", false, 1, LINK_FEATURE_BITS_MAX, &bits);
    }
    if (st == STATUS_OK) {
        st = int_at(p, so, sptr, "bitsPerToken", false, 1, 256, &bpt);
    }
    f->bits = (int)bits;
    f->bits_per_token = (int)bpt;
    if (st == STATUS_OK) {
        st = object_at(p, ho, ptr, "hash", false, &hh);
    }
    if (st == STATUS_OK && hh != NULL) {
        char hptr[POINTER_BYTES];
        sub(hptr, ptr, "hash");
        static const char *const ha[] = {"type", NULL};
        const char *ht = NULL;
        st = members_only(p, hptr, hh, ha);
        if (st == STATUS_OK) {
            st = str_at(p, hh, hptr, "type", true, 16, &ht);
        }
        if (st == STATUS_OK && strcmp(ht, "blakeHash") != 0) {
            sub(at, hptr, "type");
            st = fail(p, at, "only \"blakeHash\" is supported (doubleHash has a known weakness, docs/linkage.md)");
        }
    }
    if (st == STATUS_OK) {
        st = object_at(p, ho, ptr, "missingValue", false, &mo);
    }
    if (st == STATUS_OK && mo != NULL) {
        char mptr[POINTER_BYTES];
        sub(mptr, ptr, "missingValue");
        static const char *const ma[] = {"sentinel", NULL};
        const char *sen = NULL;
        st = members_only(p, mptr, mo, ma);
        if (st == STATUS_OK) {
            st = str_at(p, mo, mptr, "sentinel", true, 256, &sen);
        }
        if (st == STATUS_OK) {
            f->sentinel = xstrdup(sen);
        }
    }
    return st;
}

static enum status parse_feature(const struct pctx *p, struct link_schema *s, size_t i, const json_t *fo)
{
    char ptr[POINTER_BYTES], at[POINTER_BYTES];
    sub_index(ptr, "/features", i);
    struct link_feature *f = &s->features[i];
    f->normalise = true;
    if (!json_is_object(fo)) {
        return fail(p, ptr, "an object expected");
    }
    const char *id = NULL;
    enum status st = str_at(p, fo, ptr, "identifier", true, 64, &id);
    sub(at, ptr, "identifier");
    if (st == STATUS_OK && (id[0] == '\0' || strpbrk(id, "\r\n") != NULL)) {
        st = fail(p, at, "a column name of 1 to 64 bytes expected");
    }
    for (size_t j = 0; st == STATUS_OK && j < i; j++) {
        if (strcmp(s->features[j].identifier, id) == 0) {
            st = fail(p, at, "the same identifier as /features/%zu", j);
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    f->identifier = xstrdup(id);
    st = bool_at(p, fo, ptr, "ignored", &f->ignored);
    if (st == STATUS_OK && f->ignored) {
        static const char *const allowed[] = {"identifier", "ignored", "description", NULL};
        return members_only(p, ptr, fo, allowed);
    }
    static const char *const allowed[] = {"identifier", "ignored", "format", "hashing", "description", NULL};
    if (st == STATUS_OK) {
        st = members_only(p, ptr, fo, allowed);
    }
    json_t *fmt = NULL, *hashing = NULL;
    if (st == STATUS_OK) {
        st = object_at(p, fo, ptr, "format", true, &fmt);
    }
    if (st == STATUS_OK) {
        sub(at, ptr, "format");
        st = parse_format(p, f, fmt, at);
    }
    if (st == STATUS_OK) {
        st = object_at(p, fo, ptr, "hashing", true, &hashing);
    }
    if (st == STATUS_OK) {
        sub(at, ptr, "hashing");
        st = parse_hashing(p, f, hashing, at);
    }
    return st;
}

static enum status parse_config(const struct pctx *p, struct link_schema *s, const json_t *root, json_t **ctis_out)
{
    json_t *cfg = NULL, *kdf = NULL, *ctis = NULL;
    char at[POINTER_BYTES];
    enum status st = object_at(p, root, "", "clkConfig", true, &cfg);
    static const char *const allowed[] = {"l", "xorFolds", "kdf", "ctis", "description", NULL};
    if (st == STATUS_OK) {
        st = members_only(p, "/clkConfig", cfg, allowed);
    }
    int64_t l = LINK_BITS_DEFAULT, folds = 0;
    if (st == STATUS_OK) {
        st = int_at(p, cfg, "/clkConfig", "l", false, 64, LINK_L_MAX, &l);
    }
    if (st == STATUS_OK && (l & (l - 1)) != 0) {
        st = fail(p, "/clkConfig/l", "a power of two expected (64 to %d)", LINK_L_MAX);
    }
    if (st == STATUS_OK) {
        st = int_at(p, cfg, "/clkConfig", "xorFolds", false, 0, 10, &folds);
    }
    if (st == STATUS_OK && (l >> folds) < 64) {
        st = fail(p, "/clkConfig/xorFolds", "folds l below 64 bits");
    }
    s->l = (unsigned)l;
    s->xor_folds = (unsigned)folds;
    if (st == STATUS_OK) {
        st = object_at(p, cfg, "/clkConfig", "kdf", true, &kdf);
    }
    static const char *const kdf_allowed[] = {"type", "hash", "salt", "info", "keySize", NULL};
    if (st == STATUS_OK) {
        st = members_only(p, "/clkConfig/kdf", kdf, kdf_allowed);
    }
    const char *type = NULL, *hash = NULL;
    if (st == STATUS_OK) {
        st = str_at(p, kdf, "/clkConfig/kdf", "type", true, 16, &type);
    }
    if (st == STATUS_OK && strcmp(type, "HKDF") != 0) {
        st = fail(p, "/clkConfig/kdf/type", "only \"HKDF\" is supported");
    }
    if (st == STATUS_OK) {
        st = str_at(p, kdf, "/clkConfig/kdf", "hash", false, 16, &hash);
    }
    if (st == STATUS_OK && hash != NULL && strcmp(hash, "SHA256") != 0) {
        st = fail(p, "/clkConfig/kdf/hash", "only \"SHA256\" is supported");
    }
    if (st == STATUS_OK) {
        st = b64_at(p, kdf, "/clkConfig/kdf", "salt", &s->kdf_salt, &s->kdf_salt_len);
    }
    if (st == STATUS_OK) {
        st = b64_at(p, kdf, "/clkConfig/kdf", "info", &s->kdf_info, &s->kdf_info_len);
    }
    int64_t ks = LINK_KEY_BYTES_MAX;
    if (st == STATUS_OK) {
        st = int_at(p, kdf, "/clkConfig/kdf", "keySize", false, 16, LINK_KEY_BYTES_MAX, &ks);
    }
    s->key_size = (size_t)ks;
    if (st == STATUS_OK) {
        st = object_at(p, cfg, "/clkConfig", "ctis", false, &ctis);
    }
    if (st == STATUS_OK && ctis != NULL) {
        static const char *const ca[] = {"salt", "balance", NULL};
        st = members_only(p, "/clkConfig/ctis", ctis, ca);
        if (st == STATUS_OK) {
            st = bool_at(p, ctis, "/clkConfig/ctis", "balance", &s->balance);
        }
    }
    s->bits = (size_t)(s->l >> s->xor_folds) * (s->balance ? 2 : 1);
    if (st == STATUS_OK && s->bits > LINK_BITS_MAX) {
        sub(at, "/clkConfig", "l");
        st = fail(p, at, "the encoding would have %zu bits (l >> xorFolds, doubled by balance), at most %d", s->bits,
                  LINK_BITS_MAX);
    }
    *ctis_out = ctis;
    return st;
}

/* clkConfig.ctis.salt: {"feature": ID, "prefix": N}, after the features are known. */
static enum status parse_salt(const struct pctx *p, struct link_schema *s, const json_t *ctis)
{
    s->salt_feature = -1;
    json_t *so = NULL;
    enum status st = ctis != NULL ? object_at(p, ctis, "/clkConfig/ctis", "salt", false, &so) : STATUS_OK;
    if (st != STATUS_OK || so == NULL) {
        return st;
    }
    static const char *const allowed[] = {"feature", "prefix", NULL};
    const char *ptr = "/clkConfig/ctis/salt";
    st = members_only(p, ptr, so, allowed);
    const char *id = NULL;
    if (st == STATUS_OK) {
        st = str_at(p, so, ptr, "feature", true, 64, &id);
    }
    if (st == STATUS_OK) {
        s->salt_feature = link_schema_find(s, id);
        if (s->salt_feature < 0 || s->features[s->salt_feature].ignored) {
            st = fail(p, "/clkConfig/ctis/salt/feature", "not an encoded feature of this schema");
        }
    }
    int64_t prefix = 0;
    if (st == STATUS_OK) {
        st = int_at(p, so, ptr, "prefix", false, 0, 64, &prefix);
    }
    s->salt_prefix = (size_t)prefix;
    return st;
}

enum status link_schema_parse(struct link_schema **out, const char *json, size_t len, const char *name)
{
    *out = NULL;
    struct pctx p = {name != NULL ? name : "schema"};
    if (len > LINK_SCHEMA_BYTES_MAX) {
        return err_set(STATUS_TOO_LARGE, "%s: a schema has at most %d bytes", p.name, LINK_SCHEMA_BYTES_MAX);
    }
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        return err_set(STATUS_INVALID, "%s: line %d, column %d: %s", p.name, je.line, je.column, je.text);
    }
    struct link_schema *s = xcalloc(1, sizeof *s);
    s->salt_feature = -1;
    enum status st = json_is_object(root) ? STATUS_OK : fail(&p, "", "an object expected");
    static const char *const allowed[] = {"version", "clkConfig", "features", "description", NULL};
    if (st == STATUS_OK) {
        st = members_only(&p, "", root, allowed);
    }
    int64_t version = 0;
    if (st == STATUS_OK) {
        st = int_at(&p, root, "", "version", true, 3, 3, &version);
    }
    json_t *ctis = NULL;
    if (st == STATUS_OK) {
        st = parse_config(&p, s, root, &ctis);
    }
    json_t *feats = json_object_get(root, "features");
    if (st == STATUS_OK &&
        (!json_is_array(feats) || json_array_size(feats) == 0 || json_array_size(feats) > LINK_FEATURES_MAX)) {
        st = fail(&p, "/features", "an array of 1 to %d features expected", LINK_FEATURES_MAX);
    }
    if (st == STATUS_OK) {
        s->features = xcalloc(json_array_size(feats), sizeof *s->features);
    }
    bool any = false;
    for (size_t i = 0; st == STATUS_OK && i < json_array_size(feats); i++) {
        s->count = i + 1;
        st = parse_feature(&p, s, i, json_array_get(feats, i));
        any = any || !s->features[i].ignored;
    }
    if (st == STATUS_OK && !any) {
        st = fail(&p, "/features", "no feature is encoded: all are ignored");
    }
    if (st == STATUS_OK) {
        st = parse_salt(&p, s, ctis);
    }
    if (st == STATUS_OK) {
        char *canon = json_dumps(root, CANON_FLAGS);
        ASSERT(canon != NULL);
        vault_hash(s->digest, canon, strlen(canon));
        free(canon);
    }
    json_decref(root);
    if (st != STATUS_OK) {
        link_schema_free(s);
        return st;
    }
    *out = s;
    return STATUS_OK;
}

enum status link_schema_load(struct link_schema **out, const char *path)
{
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    enum status st = util_file_read(&data, &len, path, LINK_SCHEMA_BYTES_MAX);
    if (st != STATUS_OK) {
        return err_set(st, "%s: cannot read the schema: %s", path, err_last());
    }
    st = link_schema_parse(out, data, len, path);
    free(data);
    return st;
}

void link_schema_free(struct link_schema *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->count; i++) {
        struct link_feature *f = &s->features[i];
        free(f->identifier);
        free(f->date_format);
        for (size_t j = 0; j < f->values_count; j++) {
            free(f->values[j]);
        }
        free(f->values);
        free(f->sentinel);
    }
    free(s->features);
    free(s->kdf_salt);
    free(s->kdf_info);
    free(s);
}

int link_schema_find(const struct link_schema *s, const char *identifier)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->features[i].identifier, identifier) == 0) {
            return (int)i;
        }
    }
    return -1;
}

void link_schema_digest_hex(const struct link_schema *s, char out[2 * LINK_SCHEMA_DIGEST_BYTES + 1])
{
    util_hex_encode(out, s->digest, LINK_SCHEMA_DIGEST_BYTES);
}

/* ---- values ---------------------------------------------------------------------------- */

static enum status bad(const struct link_feature *f, const char *what)
{
    return err_set_field(STATUS_INVALID, f->identifier, "%s: %s", f->identifier, what);
}

/* Reads `digits` digits at *s into *v. */
static bool digits_at(const char **s, const char *end, int digits, int *v)
{
    *v = 0;
    for (int i = 0; i < digits; i++) {
        if (*s >= end || **s < '0' || **s > '9') {
            return false;
        }
        *v = *v * 10 + (**s - '0');
        (*s)++;
    }
    return true;
}

static enum status prepare_date(const struct link_feature *f, const char *v, size_t len, char **out)
{
    const char *s = v, *end = v + len;
    int y = -1, m = -1, d = -1;
    for (const char *c = f->date_format; *c != '\0'; c++) {
        if (s == end && y >= 0 && (m < 0 || d < 0)) {
            break; /* an approximate date: the year, or the year and month */
        }
        if (*c == '%') {
            c++;
            int *slot = *c == 'Y' ? &y : *c == 'm' ? &m : &d;
            if (!digits_at(&s, end, *c == 'Y' ? 4 : 2, slot)) {
                return bad(f, "not a date in the schema's format");
            }
        } else if (s >= end || *s++ != *c) {
            return bad(f, "not a date in the schema's format");
        }
    }
    if (s != end || (d >= 0 && m < 0) || (m >= 0 && (m < 1 || m > 12)) || (d >= 0 && (d < 1 || d > 31))) {
        return bad(f, "not a date in the schema's format");
    }
    *out = m < 0 ? xasprintf("%04d", y) : d < 0 ? xasprintf("%04d%02d", y, m) : xasprintf("%04d%02d%02d", y, m, d);
    return STATUS_OK;
}

enum status link_value_prepare(const struct link_feature *f, const char *value, size_t len, char **out)
{
    *out = NULL;
    if (len > LINK_VALUE_BYTES_MAX) {
        return bad(f, "a value is too long");
    }
    while (len > 0 && (value[0] == ' ' || value[0] == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t')) {
        len--;
    }
    if (len == 0 || (f->sentinel != NULL && strlen(f->sentinel) == len && memcmp(f->sentinel, value, len) == 0)) {
        return STATUS_OK;
    }
    if (memchr(value, '\0', len) != NULL || !util_utf8_valid(value, len)) {
        return bad(f, "not valid UTF-8 text");
    }
    char *v = NULL;
    if ((f->format == LINK_FORMAT_STRING || f->format == LINK_FORMAT_ENUM) && f->normalise) {
        if (vault_normalise(&v, value, len) != STATUS_OK) {
            return bad(f, "not valid text");
        }
    } else {
        v = xstrndup(value, len);
    }
    enum status st = STATUS_OK;
    size_t vlen = strlen(v);
    switch (f->format) {
    case LINK_FORMAT_STRING: {
        size_t chars = util_utf8_len(v, vlen);
        if (chars > 0 && chars < f->min_length) {
            st = bad(f, "shorter than the schema's minLength");
        } else if (f->max_length > 0 && chars > f->max_length) {
            st = bad(f, "longer than the schema's maxLength");
        } else if (chars == 0) {
            free(v);
            v = NULL;
        }
        break;
    }
    case LINK_FORMAT_INTEGER: {
        int64_t n = 0;
        if (util_parse_i64(&n, v) != STATUS_OK) {
            st = bad(f, "not an integer");
        } else if ((f->has_minimum && n < f->minimum) || (f->has_maximum && n > f->maximum)) {
            st = bad(f, "outside the schema's minimum and maximum");
        } else {
            free(v);
            v = xasprintf("%lld", (long long)n);
        }
        break;
    }
    case LINK_FORMAT_DATE: {
        char *d = NULL;
        st = prepare_date(f, v, vlen, &d);
        free(v);
        v = d;
        break;
    }
    case LINK_FORMAT_ENUM: {
        bool found = false;
        for (size_t i = 0; i < f->values_count && !found; i++) {
            found = strcmp(f->values[i], v) == 0;
        }
        if (!found) {
            st = bad(f, "not one of the schema's values");
        }
        break;
    }
    }
    if (st != STATUS_OK) {
        free(v);
        return st;
    }
    *out = v;
    return STATUS_OK;
}
