/* screening: indicator sets (format, checks), the answers document, and the evaluation with its
 * explanation. Pure functions: no database here (screening_db.c holds the records). */
#include "referral/screening.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/util.h"

static const char *const populations[] = {"adult", "child"};
static const char *const exploitations[] = {"labour", "sexual"};
static const char *const dimensions[SCREENING_DIM__COUNT] = {
    "deceptive_recruitment", "coercive_recruitment", "recruitment_vulnerability",
    "exploitation",          "coercion_destination", "vulnerability_destination",
};
static const char *const grades[SCREENING_GRADE__COUNT] = {"strong", "medium", "weak"};
static const char *const results[] = {"no_indication", "reasonable_grounds", "presumed_victim"};
static const char *const element_keys[SCREENING_ELEMENT__COUNT] = {"acts", "means", "purposes"};
/* The singular names used in the explanation. */
static const char *const element_names[SCREENING_ELEMENT__COUNT] = {"act", "means", "purpose"};

static const char *const acts[] = {"recruitment", "transportation", "transfer", "harbouring", "receipt", NULL};
static const char *const means[] = {
    "threat_force",           "coercion", "abduction", "fraud", "deception", "abuse_of_power",
    "abuse_of_vulnerability", "payments", NULL};
static const char *const purposes[] = {"sexual_exploitation", "forced_labour",      "slavery", "servitude",
                                       "organ_removal",       "other_exploitation", NULL};
static const char *const *const element_codes[SCREENING_ELEMENT__COUNT] = {acts, means, purposes};

const char *screening_population_name(enum screening_population p)
{
    return (unsigned)p < ARRAY_LEN(populations) ? populations[p] : "adult";
}

const char *screening_exploitation_name(enum screening_exploitation e)
{
    return (unsigned)e < ARRAY_LEN(exploitations) ? exploitations[e] : "labour";
}

const char *screening_dimension_name(enum screening_dimension d)
{
    return (unsigned)d < SCREENING_DIM__COUNT ? dimensions[d] : "";
}

const char *screening_grade_name(enum screening_grade g)
{
    return (unsigned)g < SCREENING_GRADE__COUNT ? grades[g] : "";
}

const char *screening_result_name(enum screening_result r)
{
    return (unsigned)r < ARRAY_LEN(results) ? results[r] : "no_indication";
}

const char *screening_element_key(enum screening_element e)
{
    return (unsigned)e < SCREENING_ELEMENT__COUNT ? element_keys[e] : "";
}

const char *const *screening_element_codes(enum screening_element e)
{
    return (unsigned)e < SCREENING_ELEMENT__COUNT ? element_codes[e] : acts;
}

static int find(const char *const *list, size_t n, const char *text)
{
    for (size_t i = 0; text != NULL && i < n; i++) {
        if (strcmp(list[i], text) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int find_null_terminated(const char *const *list, const char *text)
{
    for (int i = 0; text != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], text) == 0) {
            return i;
        }
    }
    return -1;
}

enum status screening_population_parse(const char *text, enum screening_population *out)
{
    int i = find(populations, ARRAY_LEN(populations), text);
    if (i < 0) {
        return err_set_field(STATUS_INVALID, "population", "population: adult or child");
    }
    *out = (enum screening_population)i;
    return STATUS_OK;
}

enum status screening_exploitation_parse(const char *text, enum screening_exploitation *out)
{
    int i = find(exploitations, ARRAY_LEN(exploitations), text);
    if (i < 0) {
        return err_set_field(STATUS_INVALID, "exploitation", "exploitation: labour or sexual");
    }
    *out = (enum screening_exploitation)i;
    return STATUS_OK;
}

/* Set documents. */

/* STATUS_INVALID with the field set to the JSON path and the message "FILE: PATH: detail". */
static enum status bad(const char *file, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum status bad(const char *file, const char *path, const char *fmt, ...)
{
    char detail[ERR_MESSAGE_BYTES_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (file != NULL && file[0] != '\0') {
        return err_set_field(STATUS_INVALID, path, "%s: %s: %s", file, path, detail);
    }
    return err_set_field(STATUS_INVALID, path, "%s: %s", path, detail);
}

static bool code_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
            return false;
        }
    }
    return true;
}

static bool text_ok(const char *s, size_t max, bool empty_ok)
{
    size_t n = strlen(s);
    return (empty_ok || n > 0) && n <= max && util_utf8_valid(s, n);
}

/* A string member: required (error when absent) or optional (*out NULL when absent). */
static enum status member_text(const json_t *o, const char *key, const char *file, const char *base, bool required,
                               const char **out)
{
    char path[96];
    snprintf(path, sizeof path, "%s/%s", base, key);
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL) {
        return required ? bad(file, path, "%s: required", key) : STATUS_OK;
    }
    if (!json_is_string(v)) {
        return bad(file, path, "%s: a string", key);
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

static enum status keys_only(const json_t *o, const char *const *allowed, const char *file, const char *base)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        (void)v;
        if (find_null_terminated(allowed, key) < 0) {
            char path[160];
            snprintf(path, sizeof path, "%s/%.100s", base, key);
            return bad(file, path, "unknown member");
        }
    }
    return STATUS_OK;
}

/* {"fr": "...", ...}: language codes of two or three letters, text labels. */
static enum status labels_check(const json_t *labels, const char *file, const char *path)
{
    if (!json_is_object(labels)) {
        return bad(file, path, "labels: an object of language code to label");
    }
    const char *lang;
    json_t *v;
    json_object_foreach((json_t *)labels, lang, v)
    {
        size_t n = strlen(lang);
        bool lang_ok = n >= 2 && n <= 3;
        for (size_t i = 0; lang_ok && i < n; i++) {
            lang_ok = lang[i] >= 'a' && lang[i] <= 'z';
        }
        if (!lang_ok) {
            return bad(file, path, "labels: language codes of two or three lower-case letters");
        }
        if (!json_is_string(v) || !text_ok(json_string_value(v), SCREENING_LABEL_BYTES_MAX, false)) {
            return bad(file, path, "labels.%s: text of 1 to %d bytes", lang, SCREENING_LABEL_BYTES_MAX);
        }
    }
    return STATUS_OK;
}

static enum status rule_from_json(const json_t *rule, const char *file, struct screening_set *s)
{
    static const char *const rule_keys[] = {"dimension_positive", "set_positive", "requires_act", NULL};
    if (!json_is_object(rule)) {
        return bad(file, "/rule", "rule: an object");
    }
    enum status st = keys_only(rule, rule_keys, file, "/rule");
    if (st != STATUS_OK) {
        return st;
    }
    const json_t *dp = json_object_get(rule, "dimension_positive");
    if (!json_is_array(dp) || json_array_size(dp) == 0 || json_array_size(dp) > SCREENING_COMBOS_MAX) {
        return bad(file, "/rule/dimension_positive", "dimension_positive: a list of 1 to %d combinations",
                   SCREENING_COMBOS_MAX);
    }
    for (size_t i = 0; i < json_array_size(dp); i++) {
        char path[64];
        snprintf(path, sizeof path, "/rule/dimension_positive/%zu", i);
        const json_t *c = json_array_get(dp, i);
        if (!json_is_object(c) || json_object_size(c) == 0) {
            return bad(file, path, "a combination: {\"strong\": n, \"medium\": n, \"weak\": n}, at least one");
        }
        struct screening_combo *combo = &s->combos[s->ncombos++];
        memset(combo, 0, sizeof *combo);
        int total = 0;
        const char *g;
        json_t *v;
        json_object_foreach((json_t *)c, g, v)
        {
            int gi = find(grades, SCREENING_GRADE__COUNT, g);
            if (gi < 0) {
                return bad(file, path, "%.40s: strong, medium or weak", g);
            }
            if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > SCREENING_SET_ITEMS_MAX) {
                return bad(file, path, "%s: a count from 0 to %d", g, SCREENING_SET_ITEMS_MAX);
            }
            combo->n[gi] = (int)json_integer_value(v);
            total += combo->n[gi];
        }
        if (total == 0) {
            return bad(file, path, "a combination needs at least one indicator");
        }
    }
    const json_t *sp = json_object_get(rule, "set_positive");
    if (!json_is_array(sp) || json_array_size(sp) == 0 || json_array_size(sp) > SCREENING_CLAUSES_MAX) {
        return bad(file, "/rule/set_positive", "set_positive: a list of 1 to %d clauses, each a list of dimensions",
                   SCREENING_CLAUSES_MAX);
    }
    for (size_t i = 0; i < json_array_size(sp); i++) {
        char path[64];
        snprintf(path, sizeof path, "/rule/set_positive/%zu", i);
        const json_t *clause = json_array_get(sp, i);
        if (!json_is_array(clause) || json_array_size(clause) == 0) {
            return bad(file, path, "a clause: a list of one or more dimension codes");
        }
        unsigned bits = 0;
        for (size_t j = 0; j < json_array_size(clause); j++) {
            int d = find(dimensions, SCREENING_DIM__COUNT, json_string_value(json_array_get(clause, j)));
            if (d < 0) {
                char p2[100];
                snprintf(p2, sizeof p2, "%s/%zu", path, j);
                return bad(file, p2, "dimension: one of the six dimension codes");
            }
            bits |= 1u << d;
        }
        s->clauses[s->nclauses++] = bits;
    }
    const json_t *ra = json_object_get(rule, "requires_act");
    if (ra != NULL && !json_is_boolean(ra)) {
        return bad(file, "/rule/requires_act", "requires_act: true or false");
    }
    s->requires_act = ra != NULL && json_is_true(ra);
    return STATUS_OK;
}

static enum status items_from_json(const json_t *items, const char *file, struct screening_set *s)
{
    static const char *const item_keys[] = {"code", "dimension", "grade", "label", "labels", "label_local", NULL};
    if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > SCREENING_SET_ITEMS_MAX) {
        return bad(file, "/indicators", "indicators: a list of 1 to %d indicators", SCREENING_SET_ITEMS_MAX);
    }
    s->items = xcalloc(json_array_size(items), sizeof *s->items);
    for (size_t i = 0; i < json_array_size(items); i++) {
        char base[48];
        snprintf(base, sizeof base, "/indicators/%zu", i);
        const json_t *it = json_array_get(items, i);
        if (!json_is_object(it)) {
            return bad(file, base, "an indicator: {code, dimension, grade, label, labels}");
        }
        enum status st = keys_only(it, item_keys, file, base);
        const char *code = NULL, *dim = NULL, *grade = NULL, *label = NULL;
        if (st == STATUS_OK) {
            st = member_text(it, "code", file, base, true, &code);
        }
        if (st == STATUS_OK) {
            st = member_text(it, "dimension", file, base, true, &dim);
        }
        if (st == STATUS_OK) {
            st = member_text(it, "grade", file, base, true, &grade);
        }
        if (st == STATUS_OK) {
            st = member_text(it, "label", file, base, true, &label);
        }
        if (st != STATUS_OK) {
            return st;
        }
        char path[80];
        if (!code_ok(code, 64)) {
            snprintf(path, sizeof path, "%s/code", base);
            return bad(file, path, "code: 1 to 64 of a-z, 0-9, '_', '-', '.'");
        }
        for (size_t j = 0; j < s->nitems; j++) {
            if (strcmp(s->items[j].code, code) == 0) {
                snprintf(path, sizeof path, "%s/code", base);
                return bad(file, path, "code: %s appears twice", code);
            }
        }
        int d = find(dimensions, SCREENING_DIM__COUNT, dim);
        if (d < 0) {
            snprintf(path, sizeof path, "%s/dimension", base);
            return bad(file, path, "dimension: one of the six dimension codes");
        }
        int g = find(grades, SCREENING_GRADE__COUNT, grade);
        if (g < 0) {
            snprintf(path, sizeof path, "%s/grade", base);
            return bad(file, path, "grade: strong, medium or weak");
        }
        if (!text_ok(label, SCREENING_LABEL_BYTES_MAX, false)) {
            snprintf(path, sizeof path, "%s/label", base);
            return bad(file, path, "label: text of 1 to %d bytes", SCREENING_LABEL_BYTES_MAX);
        }
        const json_t *labels = json_object_get(it, "labels");
        if (labels != NULL) {
            snprintf(path, sizeof path, "%s/labels", base);
            st = labels_check(labels, file, path);
            if (st != STATUS_OK) {
                return st;
            }
        }
        struct screening_item *item = &s->items[s->nitems++];
        item->code = xstrdup(code);
        item->dimension = (enum screening_dimension)d;
        item->grade = (enum screening_grade)g;
        item->label = xstrdup(label);
        item->labels = labels != NULL ? json_deep_copy(labels) : json_object();
    }
    return STATUS_OK;
}

enum status screening_set_from_json(const json_t *doc, const char *file, struct screening_set **out)
{
    return screening__set_parse(doc, file, true, out);
}

enum status screening__set_parse(const json_t *doc, const char *file, bool with_items, struct screening_set **out)
{
    static const char *const top_keys[] = {"format", "code", "version", "title", "country", "population",
                                           "exploitation", "verified", "source", "dimensions", "rule", "indicators",
                                           /* Informative members of a listed set, ignored: a set read
                                            * from the API can be loaded elsewhere as it is. */
                                           "id", "loaded_at", "loaded_by", "indicator_count", NULL};
    *out = NULL;
    if (!json_is_object(doc)) {
        return bad(file, "/", "an indicator set: a JSON object");
    }
    enum status st = keys_only(doc, top_keys, file, "");
    const char *format = NULL, *code = NULL, *title = NULL, *country = NULL, *pop = NULL, *expl = NULL, *source = NULL;
    if (st == STATUS_OK) {
        st = member_text(doc, "format", file, "", true, &format);
    }
    if (st == STATUS_OK && strcmp(format, SCREENING_SET_FORMAT) != 0) {
        st = bad(file, "/format", "format: \"%s\"", SCREENING_SET_FORMAT);
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "code", file, "", true, &code);
    }
    if (st == STATUS_OK && !code_ok(code, 64)) {
        st = bad(file, "/code", "code: 1 to 64 of a-z, 0-9, '_', '-', '.'");
    }
    const json_t *version = json_object_get(doc, "version");
    if (st == STATUS_OK &&
        (!json_is_integer(version) || json_integer_value(version) < 1 || json_integer_value(version) > 1000000)) {
        st = bad(file, "/version", "version: an integer from 1");
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "title", file, "", true, &title);
    }
    if (st == STATUS_OK && !text_ok(title, NAME_BYTES_MAX, false)) {
        st = bad(file, "/title", "title: text of 1 to %d bytes", NAME_BYTES_MAX);
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "country", file, "", false, &country);
    }
    if (st == STATUS_OK && country != NULL && country[0] != '\0') {
        bool ok = strlen(country) == 3;
        for (int i = 0; ok && i < 3; i++) {
            ok = country[i] >= 'A' && country[i] <= 'Z';
        }
        if (!ok) {
            st = bad(file, "/country", "country: an ISO 3166-1 alpha-3 code (upper case), or \"\" for the default");
        }
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "population", file, "", true, &pop);
    }
    if (st == STATUS_OK && find(populations, 2, pop) < 0) {
        st = bad(file, "/population", "population: adult or child");
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "exploitation", file, "", true, &expl);
    }
    if (st == STATUS_OK && find(exploitations, 2, expl) < 0) {
        st = bad(file, "/exploitation", "exploitation: labour or sexual");
    }
    const json_t *verified = json_object_get(doc, "verified");
    if (st == STATUS_OK && !json_is_boolean(verified)) {
        st = bad(file, "/verified", "verified: true or false (required)");
    }
    if (st == STATUS_OK) {
        st = member_text(doc, "source", file, "", false, &source);
    }
    if (st == STATUS_OK && source != NULL && !text_ok(source, FIELD_TEXT_BYTES_MAX, true)) {
        st = bad(file, "/source", "source: text of up to %d bytes", FIELD_TEXT_BYTES_MAX);
    }
    const json_t *dims = json_object_get(doc, "dimensions");
    if (st == STATUS_OK && dims != NULL) {
        /* Optional; when given, exactly the six codes, each once. */
        unsigned seen = 0;
        bool ok = json_is_array(dims) && json_array_size(dims) == SCREENING_DIM__COUNT;
        for (size_t i = 0; ok && i < SCREENING_DIM__COUNT; i++) {
            int d = find(dimensions, SCREENING_DIM__COUNT, json_string_value(json_array_get(dims, i)));
            ok = d >= 0 && !(seen & (1u << d));
            seen |= d >= 0 ? 1u << d : 0;
        }
        if (!ok) {
            st = bad(file, "/dimensions",
                     "dimensions: the six codes deceptive_recruitment, coercive_recruitment, "
                     "recruitment_vulnerability, exploitation, coercion_destination, vulnerability_destination");
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    struct screening_set *s = xcalloc(1, sizeof *s);
    s->code = xstrdup(code);
    s->version = (int64_t)json_integer_value(version);
    snprintf(s->country, sizeof s->country, "%s", country ? country : "");
    s->population = (enum screening_population)find(populations, 2, pop);
    s->exploitation = (enum screening_exploitation)find(exploitations, 2, expl);
    s->verified = json_is_true(verified);
    s->title = xstrdup(title);
    s->source = xstrdup(source ? source : "");
    st = json_object_get(doc, "rule") == NULL ? bad(file, "/rule", "rule: required")
                                              : rule_from_json(json_object_get(doc, "rule"), file, s);
    if (st == STATUS_OK && with_items) {
        st = items_from_json(json_object_get(doc, "indicators"), file, s);
    }
    if (st == STATUS_OK && with_items) {
        /* Every dimension a clause names must have indicators, or the set could never be positive. */
        unsigned have = 0;
        for (size_t i = 0; i < s->nitems; i++) {
            have |= 1u << s->items[i].dimension;
        }
        for (size_t i = 0; st == STATUS_OK && i < s->nclauses; i++) {
            if ((s->clauses[i] & have) == 0) {
                char path[48];
                snprintf(path, sizeof path, "/rule/set_positive/%zu", i);
                st = bad(file, path, "no indicator of the set belongs to this clause's dimensions");
            }
        }
    }
    if (st != STATUS_OK) {
        screening_set_free(s);
        return st;
    }
    *out = s;
    return STATUS_OK;
}

enum status screening_set_read_file(const char *path, struct screening_set **out)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    enum status st = util_file_read(&text, &len, path, SCREENING_SET_BYTES_MAX);
    if (st != STATUS_OK) {
        return st;
    }
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (doc == NULL) {
        return err_set_field(STATUS_INVALID, "/", "%s: line %d: %s", path, je.line, je.text);
    }
    st = screening_set_from_json(doc, path, out);
    json_decref(doc);
    return st;
}

static json_t *rule_json(const struct screening_set *s)
{
    json_t *dp = json_array();
    for (size_t i = 0; i < s->ncombos; i++) {
        json_t *c = json_object();
        for (int g = 0; g < SCREENING_GRADE__COUNT; g++) {
            if (s->combos[i].n[g] > 0) {
                json_object_set_new(c, grades[g], json_integer(s->combos[i].n[g]));
            }
        }
        json_array_append_new(dp, c);
    }
    json_t *sp = json_array();
    for (size_t i = 0; i < s->nclauses; i++) {
        json_t *c = json_array();
        for (int d = 0; d < SCREENING_DIM__COUNT; d++) {
            if (s->clauses[i] & (1u << d)) {
                json_array_append_new(c, json_string(dimensions[d]));
            }
        }
        json_array_append_new(sp, c);
    }
    return json_pack("{sososb}", "dimension_positive", dp, "set_positive", sp, "requires_act", s->requires_act);
}

json_t *screening_set_to_json(const struct screening_set *s, bool with_items, const char *lang)
{
    json_t *dims = json_array();
    for (int d = 0; d < SCREENING_DIM__COUNT; d++) {
        json_array_append_new(dims, json_string(dimensions[d]));
    }
    json_t *o = json_pack("{sssssIsssssssbssssso}", "format", SCREENING_SET_FORMAT, "code", s->code, "version",
                          (json_int_t)s->version, "title", s->title, "country", s->country, "population",
                          populations[s->population], "verified", s->verified, "exploitation",
                          exploitations[s->exploitation], "source", s->source, "dimensions", dims);
    json_object_set_new(o, "rule", rule_json(s));
    if (s->id != 0) {
        char t[32];
        util_time_iso(t, s->loaded_at_ms);
        json_object_set_new(o, "id", json_integer(s->id));
        json_object_set_new(o, "loaded_at", json_string(t));
        json_object_set_new(o, "loaded_by", json_string(s->loaded_by ? s->loaded_by : ""));
    }
    json_object_set_new(o, "indicator_count", json_integer((json_int_t)s->nitems));
    if (with_items) {
        json_t *items = json_array();
        for (size_t i = 0; i < s->nitems; i++) {
            const struct screening_item *it = &s->items[i];
            json_t *io = json_pack("{sssssssssO}", "code", it->code, "dimension", dimensions[it->dimension], "grade",
                                   grades[it->grade], "label", it->label, "labels", it->labels);
            const json_t *local = lang != NULL ? json_object_get(it->labels, lang) : NULL;
            if (json_is_string(local)) {
                json_object_set_new(io, "label_local", json_string(json_string_value(local)));
            }
            json_array_append_new(items, io);
        }
        json_object_set_new(o, "indicators", items);
    }
    return o;
}

void screening_set_free(struct screening_set *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; s->items && i < s->nitems; i++) {
        free(s->items[i].code);
        free(s->items[i].label);
        json_decref(s->items[i].labels);
    }
    free(s->items);
    free(s->code);
    free(s->title);
    free(s->source);
    free(s->loaded_by);
    free(s);
}

void screening_sets_free(struct screening_set **sets, size_t count)
{
    for (size_t i = 0; sets && i < count; i++) {
        screening_set_free(sets[i]);
    }
    free(sets);
}

/* Population. */

void screening_population_of(const struct screening_subject *s, enum screening_population *pop, const char **reason)
{
    bool minor_by_majority = s->majority != NULL && strcmp(s->majority, "Minor") == 0;
    bool adult_by_majority = s->majority != NULL && strcmp(s->majority, "Adult") == 0;
    if (s->age >= 0 && s->age < 18) {
        *pop = SCREENING_CHILD, *reason = "age_under_18";
    } else if (minor_by_majority) {
        *pop = SCREENING_CHILD, *reason = "majority_minor";
    } else if (s->presumed_minor) {
        *pop = SCREENING_CHILD, *reason = "presumed_minor";
    } else if (s->age >= 18) {
        *pop = SCREENING_ADULT, *reason = "age_18_or_over";
    } else if (adult_by_majority) {
        *pop = SCREENING_ADULT, *reason = "majority_adult";
    } else {
        *pop = SCREENING_ADULT, *reason = "age_unknown";
    }
}

/* Answers. */

static const char *const answer_values[] = {"yes", "no", "unknown"};

/* One answer: "yes" or {"answer": "yes", "evidence": "..."}; normalised to the object form. */
static enum status answer_check(const json_t *v, const char *path, json_t **out)
{
    static const char *const answer_keys[] = {"answer", "evidence", NULL};
    const char *answer = NULL, *evidence = "";
    if (json_is_string(v)) {
        answer = json_string_value(v);
    } else if (json_is_object(v)) {
        enum status st = keys_only(v, answer_keys, NULL, path);
        if (st != STATUS_OK) {
            return st;
        }
        answer = json_string_value(json_object_get(v, "answer"));
        const json_t *e = json_object_get(v, "evidence");
        if (e != NULL && !json_is_null(e)) {
            if (!json_is_string(e) || !text_ok(json_string_value(e), SCREENING_EVIDENCE_BYTES_MAX, true)) {
                char p[ERR_FIELD_BYTES_MAX + 16];
                snprintf(p, sizeof p, "%.100s/evidence", path);
                return bad(NULL, p, "evidence: text of up to %d bytes", SCREENING_EVIDENCE_BYTES_MAX);
            }
            evidence = json_string_value(e);
        }
    }
    if (find(answer_values, 3, answer) < 0) {
        return bad(NULL, path, "answer: yes, no or unknown");
    }
    *out = json_pack("{ssss}", "answer", answer, "evidence", evidence);
    return STATUS_OK;
}

/* {"code": answer, ...} with the codes allowed (NULL-terminated; NULL: any code of code_ok). */
static enum status answers_map_check(const json_t *in, const char *const *allowed, const char *base, json_t *out)
{
    if (!json_is_object(in)) {
        return bad(NULL, base, "an object of code to answer");
    }
    const char *code;
    json_t *v;
    json_object_foreach((json_t *)in, code, v)
    {
        char path[200];
        snprintf(path, sizeof path, "%s/%.64s", base, code);
        if (allowed != NULL ? find_null_terminated(allowed, code) < 0 : !code_ok(code, 64)) {
            return bad(NULL, path, "unknown code");
        }
        json_t *a = NULL;
        enum status st = answer_check(v, path, &a);
        if (st != STATUS_OK) {
            return st;
        }
        json_object_set_new(out, code, a);
    }
    return STATUS_OK;
}

enum status screening_answers_check(const json_t *in, json_t **out)
{
    static const char *const top_keys[] = {"exploitation", "presumed_minor",  "country", "protocol", "indicators",
                                           "age",          "majority_status", NULL};
    static const char *const protocol_keys[] = {"acts", "means", "purposes", NULL};
    *out = NULL;
    if (!json_is_object(in)) {
        return bad(NULL, "/", "answers: a JSON object");
    }
    enum status st = keys_only(in, top_keys, NULL, "");
    if (st != STATUS_OK) {
        return st;
    }
    json_t *o = json_object();
    /* Exploitation types screened: one or both; labour by default. */
    const json_t *ex = json_object_get(in, "exploitation");
    json_t *exo = json_array();
    json_object_set_new(o, "exploitation", exo);
    if (ex == NULL) {
        json_array_append_new(exo, json_string("labour"));
    } else if (json_is_string(ex) || json_is_array(ex)) {
        bool seen[SCREENING_EXPLOITATION__COUNT] = {false};
        size_t n = json_is_string(ex) ? 1 : json_array_size(ex);
        for (size_t i = 0; st == STATUS_OK && i < n; i++) {
            const json_t *e = json_is_string(ex) ? ex : json_array_get(ex, i);
            int k = find(exploitations, 2, json_string_value(e));
            if (k < 0) {
                st = bad(NULL, "/exploitation", "exploitation: labour, sexual or both");
            } else if (!seen[k]) {
                seen[k] = true;
            }
        }
        for (int k = 0; k < SCREENING_EXPLOITATION__COUNT; k++) {
            if (seen[k]) {
                json_array_append_new(exo, json_string(exploitations[k]));
            }
        }
        if (st == STATUS_OK && json_array_size(exo) == 0) {
            st = bad(NULL, "/exploitation", "exploitation: labour, sexual or both");
        }
    } else {
        st = bad(NULL, "/exploitation", "exploitation: labour, sexual or both");
    }
    const json_t *pm = json_object_get(in, "presumed_minor");
    if (st == STATUS_OK && pm != NULL && !json_is_boolean(pm)) {
        st = bad(NULL, "/presumed_minor", "presumed_minor: true or false");
    }
    json_object_set_new(o, "presumed_minor", json_boolean(pm != NULL && json_is_true(pm)));
    const json_t *country = json_object_get(in, "country");
    if (st == STATUS_OK && country != NULL && !json_is_null(country)) {
        const char *c = json_string_value(country);
        bool ok = c != NULL && (c[0] == '\0' || strlen(c) == 3);
        for (int i = 0; ok && c[0] && i < 3; i++) {
            ok = c[i] >= 'A' && c[i] <= 'Z';
        }
        if (!ok) {
            st = bad(NULL, "/country", "country: an ISO 3166-1 alpha-3 code (upper case), or \"\"");
        } else {
            json_object_set_new(o, "country", json_string(c));
        }
    }
    const json_t *age = json_object_get(in, "age");
    if (st == STATUS_OK && age != NULL && !json_is_null(age)) {
        if (!json_is_integer(age) || json_integer_value(age) < 0 || json_integer_value(age) > 130) {
            st = bad(NULL, "/age", "age: whole years from 0 to 130, or null");
        } else {
            json_object_set_new(o, "age", json_integer(json_integer_value(age)));
        }
    }
    const json_t *maj = json_object_get(in, "majority_status");
    if (st == STATUS_OK && maj != NULL && !json_is_null(maj)) {
        const char *m = json_string_value(maj);
        if (m == NULL || (strcmp(m, "Adult") != 0 && strcmp(m, "Minor") != 0 && m[0] != '\0')) {
            st = bad(NULL, "/majority_status", "majority_status: Adult or Minor");
        } else if (m[0] != '\0') {
            json_object_set_new(o, "majority_status", json_string(m));
        }
    }
    /* The Protocol elements. */
    json_t *proto = json_object();
    json_object_set_new(o, "protocol", proto);
    const json_t *pin = json_object_get(in, "protocol");
    if (st == STATUS_OK && pin != NULL && !json_is_object(pin)) {
        st = bad(NULL, "/protocol", "protocol: {\"acts\": {...}, \"means\": {...}, \"purposes\": {...}}");
    }
    if (st == STATUS_OK && pin != NULL) {
        st = keys_only(pin, protocol_keys, NULL, "/protocol");
    }
    for (int e = 0; st == STATUS_OK && e < SCREENING_ELEMENT__COUNT; e++) {
        json_t *m = json_object();
        json_object_set_new(proto, element_keys[e], m);
        const json_t *ein = pin != NULL ? json_object_get(pin, element_keys[e]) : NULL;
        if (ein != NULL) {
            char base[32];
            snprintf(base, sizeof base, "/protocol/%s", element_keys[e]);
            st = answers_map_check(ein, element_codes[e], base, m);
        }
    }
    /* The indicators, by set code; the codes are checked against the sets at evaluation. */
    json_t *ind = json_object();
    json_object_set_new(o, "indicators", ind);
    const json_t *iin = json_object_get(in, "indicators");
    if (st == STATUS_OK && iin != NULL && !json_is_object(iin)) {
        st = bad(NULL, "/indicators", "indicators: {\"<set code>\": {\"<indicator code>\": answer}}");
    }
    if (st == STATUS_OK && iin != NULL) {
        const char *set_code;
        json_t *v;
        json_object_foreach((json_t *)iin, set_code, v)
        {
            char base[100];
            snprintf(base, sizeof base, "/indicators/%.64s", set_code);
            if (!code_ok(set_code, 64)) {
                st = bad(NULL, base, "unknown indicator set code");
                break;
            }
            json_t *m = json_object();
            json_object_set_new(ind, set_code, m);
            st = answers_map_check(v, NULL, base, m);
            if (st != STATUS_OK) {
                break;
            }
        }
    }
    if (st == STATUS_OK) {
        char *text = json_dumps(o, JSON_COMPACT);
        if (text == NULL || strlen(text) > SCREENING_ANSWERS_BYTES_MAX) {
            st = err_set_field(STATUS_TOO_LARGE, "/", "answers: at most %d bytes in all (shorten the evidence notes)",
                               SCREENING_ANSWERS_BYTES_MAX);
        }
        free(text);
    }
    if (st != STATUS_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return STATUS_OK;
}

static bool map_has_evidence(const json_t *m)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)m, k, v)
    {
        (void)k;
        const char *e = json_string_value(json_object_get(v, "evidence"));
        if (e != NULL && e[0] != '\0') {
            return true;
        }
    }
    return false;
}

bool screening_answers_have_evidence(const json_t *answers)
{
    const json_t *proto = json_object_get(answers, "protocol");
    for (int e = 0; e < SCREENING_ELEMENT__COUNT; e++) {
        if (map_has_evidence(json_object_get(proto, element_keys[e]))) {
            return true;
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(answers, "indicators"), k, v)
    {
        (void)k;
        if (map_has_evidence(v)) {
            return true;
        }
    }
    return false;
}

/* Evaluation. */

static bool is_yes(const json_t *a)
{
    const char *s = json_string_value(json_object_get(a, "answer"));
    return s != NULL && strcmp(s, "yes") == 0;
}

static bool is_unknown(const json_t *a)
{
    const char *s = json_string_value(json_object_get(a, "answer"));
    return s != NULL && strcmp(s, "unknown") == 0;
}

static bool combo_met(const struct screening_combo *c, const int counts[SCREENING_GRADE__COUNT])
{
    for (int g = 0; g < SCREENING_GRADE__COUNT; g++) {
        if (counts[g] < c->n[g]) {
            return false;
        }
    }
    return true;
}

static json_t *combo_json(const struct screening_combo *c)
{
    json_t *o = json_object();
    for (int g = 0; g < SCREENING_GRADE__COUNT; g++) {
        if (c->n[g] > 0) {
            json_object_set_new(o, grades[g], json_integer(c->n[g]));
        }
    }
    return o;
}

/* Evaluates one set: the dimensions, the clauses, positive or not. */
static enum status set_evaluate(const struct screening_set *s, const json_t *answers, bool act_met, bool *positive,
                                json_t **out)
{
    /* Every answered code must be an indicator of the set. */
    const char *code;
    json_t *v;
    json_object_foreach((json_t *)answers, code, v)
    {
        (void)v;
        bool known = false;
        for (size_t i = 0; !known && i < s->nitems; i++) {
            known = strcmp(s->items[i].code, code) == 0;
        }
        if (!known) {
            char path[160];
            snprintf(path, sizeof path, "/indicators/%s/%.64s", s->code, code);
            return bad(NULL, path, "not an indicator of set %s version %lld", s->code, (long long)s->version);
        }
    }
    bool dim_positive[SCREENING_DIM__COUNT] = {false};
    json_t *dims = json_array();
    for (int d = 0; d < SCREENING_DIM__COUNT; d++) {
        int counts[SCREENING_GRADE__COUNT] = {0};
        size_t in_set = 0;
        json_t *present = json_array(), *unknown = json_array();
        for (size_t i = 0; i < s->nitems; i++) {
            const struct screening_item *it = &s->items[i];
            if (it->dimension != (enum screening_dimension)d) {
                continue;
            }
            in_set++;
            const json_t *a = json_object_get(answers, it->code);
            if (is_yes(a)) {
                counts[it->grade]++;
                json_array_append_new(present, json_pack("{ssss}", "code", it->code, "grade", grades[it->grade]));
            } else if (is_unknown(a)) {
                json_array_append_new(unknown, json_string(it->code));
            }
        }
        json_t *met = json_null();
        for (size_t c = 0; c < s->ncombos && !dim_positive[d]; c++) {
            if (combo_met(&s->combos[c], counts)) {
                dim_positive[d] = true;
                json_decref(met);
                met = combo_json(&s->combos[c]);
            }
        }
        json_array_append_new(dims,
                              json_pack("{sssIs{sisisi}sbsoso, so}", "code", dimensions[d], "indicators_in_set",
                                        (json_int_t)in_set, "counts", "strong", counts[SCREENING_STRONG], "medium",
                                        counts[SCREENING_MEDIUM], "weak", counts[SCREENING_WEAK], "positive",
                                        dim_positive[d], "combination", met, "present", present, "unknown", unknown));
    }
    json_t *clauses = json_array();
    bool all = true;
    for (size_t c = 0; c < s->nclauses; c++) {
        json_t *any = json_array(), *by = json_array();
        bool met = false;
        for (int d = 0; d < SCREENING_DIM__COUNT; d++) {
            if (s->clauses[c] & (1u << d)) {
                json_array_append_new(any, json_string(dimensions[d]));
                if (dim_positive[d]) {
                    met = true;
                    json_array_append_new(by, json_string(dimensions[d]));
                }
            }
        }
        all = all && met;
        json_array_append_new(clauses, json_pack("{sosbso}", "any_of", any, "met", met, "by", by));
    }
    *positive = all && (!s->requires_act || act_met);
    json_t *o = json_pack("{sIsssIsssssssbsososbsb}", "id", (json_int_t)s->id, "code", s->code, "version",
                          (json_int_t)s->version, "country", s->country, "population", populations[s->population],
                          "exploitation", exploitations[s->exploitation], "verified", s->verified, "dimensions", dims,
                          "clauses", clauses, "requires_act", s->requires_act, "positive", *positive);
    json_object_set_new(o, "clauses_met", json_boolean(all));
    *out = o;
    return STATUS_OK;
}

static const char *population_words(enum screening_population p)
{
    return p == SCREENING_CHILD ? "children" : "adults";
}

enum status screening_evaluate(const json_t *answers, enum screening_population pop, const char *pop_reason,
                               const char *country, struct screening_set *const *sets, size_t nsets,
                               enum screening_result *result, json_t **explanation)
{
    *explanation = NULL;
    *result = SCREENING_NO_INDICATION;
    /* The Protocol elements. */
    bool met[SCREENING_ELEMENT__COUNT] = {false};
    json_t *elements = json_object();
    const json_t *proto = json_object_get(answers, "protocol");
    for (int e = 0; e < SCREENING_ELEMENT__COUNT; e++) {
        const json_t *m = json_object_get(proto, element_keys[e]);
        json_t *yes = json_array(), *unknown = json_array();
        for (const char *const *c = element_codes[e]; *c != NULL; c++) {
            const json_t *a = json_object_get(m, *c);
            if (is_yes(a)) {
                json_array_append_new(yes, json_string(*c));
            } else if (is_unknown(a)) {
                json_array_append_new(unknown, json_string(*c));
            }
        }
        met[e] = json_array_size(yes) > 0;
        bool required = !(pop == SCREENING_CHILD && e == SCREENING_MEANS);
        json_object_set_new(
            elements, element_names[e],
            json_pack("{sbsososb}", "met", met[e], "by", yes, "unknown", unknown, "required", required));
    }
    /* The indicator sets. */
    const json_t *ind = json_object_get(answers, "indicators");
    const char *set_code;
    json_t *v;
    json_object_foreach((json_t *)ind, set_code, v)
    {
        (void)v;
        bool used = false;
        for (size_t i = 0; !used && i < nsets; i++) {
            used = strcmp(sets[i]->code, set_code) == 0;
        }
        if (!used) {
            char path[100];
            snprintf(path, sizeof path, "/indicators/%.64s", set_code);
            json_decref(elements);
            return bad(NULL, path, "set %.64s is not the one used for this screening", set_code);
        }
    }
    json_t *set_results = json_array(), *notes = json_array(), *positive_sets = json_array();
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < nsets; i++) {
        bool positive = false;
        json_t *so = NULL;
        st = set_evaluate(sets[i], json_object_get(ind, sets[i]->code), met[SCREENING_ACT], &positive, &so);
        if (st == STATUS_OK) {
            json_array_append_new(set_results, so);
            if (positive) {
                json_array_append_new(positive_sets, json_string(sets[i]->code));
            }
            if (!sets[i]->verified) {
                char text[300];
                snprintf(text, sizeof text,
                         "indicator set %s version %lld is unverified: its grades and rule come from a secondary "
                         "source; read its source note",
                         sets[i]->code, (long long)sets[i]->version);
                json_array_append_new(notes, json_pack("{sssssIss}", "code", "unverified_set", "set", sets[i]->code,
                                                       "version", (json_int_t)sets[i]->version, "text", text));
            }
        }
    }
    /* Exploitation types screened without a set. */
    const json_t *ex = json_object_get(answers, "exploitation");
    for (size_t k = 0; st == STATUS_OK && k < json_array_size(ex); k++) {
        const char *e = json_string_value(json_array_get(ex, k));
        bool have = false;
        for (size_t i = 0; !have && i < nsets; i++) {
            have = strcmp(exploitations[sets[i]->exploitation], e) == 0;
        }
        if (!have) {
            char text[300];
            snprintf(text, sizeof text,
                     "no indicator set loaded for %s\xe2\x80\x93%s exploitation in %s; the recommendation rests on "
                     "the Protocol elements",
                     population_words(pop), e, country && country[0] ? country : "this installation");
            json_array_append_new(notes, json_pack("{ssssssssss?}", "code", "no_set", "population", populations[pop],
                                                   "exploitation", e, "text", text, "country", country));
        }
    }
    if (st != STATUS_OK) {
        json_decref(elements);
        json_decref(set_results);
        json_decref(notes);
        json_decref(positive_sets);
        return st;
    }
    /* The recommendation. */
    bool act = met[SCREENING_ACT], mns = met[SCREENING_MEANS], purpose = met[SCREENING_PURPOSE];
    bool ilo = json_array_size(positive_sets) > 0;
    const char *rule = "none";
    json_t *deciding = json_array(), *missing = json_array();
    enum screening_result r = SCREENING_NO_INDICATION;
#define ADD(arr, s) json_array_append_new(arr, json_string(s))
    if (pop == SCREENING_ADULT) {
        if (act && mns && purpose) {
            r = SCREENING_PRESUMED_VICTIM, rule = "adult_act_means_purpose";
            ADD(deciding, "act"), ADD(deciding, "means"), ADD(deciding, "purpose");
        } else if (ilo) {
            r = SCREENING_PRESUMED_VICTIM, rule = "ilo_set_positive";
            ADD(deciding, "indicators");
        } else if (purpose && (act || mns)) {
            r = SCREENING_REASONABLE_GROUNDS, rule = "adult_purpose_and_act_or_means";
            ADD(deciding, "purpose");
            if (act) {
                ADD(deciding, "act");
            }
            if (mns) {
                ADD(deciding, "means");
            }
            ADD(missing, act ? "means" : "act");
        } else {
            if (!purpose) {
                ADD(missing, "purpose");
            }
            if (!act && !mns) {
                ADD(missing, "act"), ADD(missing, "means");
            }
        }
    } else {
        if (act && purpose) {
            r = SCREENING_PRESUMED_VICTIM, rule = "child_act_purpose";
            ADD(deciding, "act"), ADD(deciding, "purpose");
        } else if (ilo) {
            r = SCREENING_PRESUMED_VICTIM, rule = "ilo_child_set_positive";
            ADD(deciding, "indicators");
        } else if (purpose) {
            r = SCREENING_REASONABLE_GROUNDS, rule = "child_purpose";
            ADD(deciding, "purpose"), ADD(missing, "act");
        } else {
            ADD(missing, "purpose");
            if (!act) {
                ADD(missing, "act");
            }
        }
    }
#undef ADD
    json_t *o =
        json_pack("{sssssssss{sssososo}}", "result", results[r], "population", populations[pop], "population_reason",
                  pop_reason ? pop_reason : "", "country", country ? country : "", "decided_by", "rule", rule,
                  "elements", deciding, "missing", missing, "sets", json_deep_copy(positive_sets));
    json_object_set_new(o, "means_required", json_boolean(pop == SCREENING_ADULT));
    json_object_set_new(o, "elements", elements);
    json_object_set_new(o, "ilo_positive", json_boolean(ilo));
    json_object_set_new(o, "sets", set_results);
    json_object_set_new(o, "notes", notes);
    json_decref(positive_sets);
    *result = r;
    *explanation = o;
    return STATUS_OK;
}
