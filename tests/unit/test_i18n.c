/* test_i18n: the six embedded catalogues load, agree key for key with en.json (a failure names
 * the key), keep the placeholders of English, fall back to English then to the key, pick the
 * language from the environment, and know which language is right-to-left. */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n/i18n.h"
#include "util/assets.h"

static json_t *catalogue_json(const char *lang)
{
    char path[32];
    json_error_t jerr;

    snprintf(path, sizeof path, "i18n/%s.json", lang);
    const struct asset *a = asset_find(path);
    assert_non_null(a);
    json_t *root = json_loadb(a->data, a->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        fail_msg("%s: line %d: %s", path, jerr.line, jerr.text);
    }
    assert_true(json_is_object(root));
    return root;
}

static int setup(void **state)
{
    (void)state;
    return i18n_init() == STATUS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    i18n_shutdown();
    return 0;
}

static void test_all_six_load(void **state)
{
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);

    (void)state;
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_true(i18n_lang_valid(langs[i]));
        /* Every catalogue has its own name, so a lookup that fell back would show. */
        const char *name = i18n_get(langs[i], "meta.name");
        assert_string_not_equal(name, "meta.name");
        if (strcmp(langs[i], "en") != 0) {
            assert_string_not_equal(name, i18n_get("en", "meta.name"));
        }
    }
    assert_int_equal(i18n_init(), STATUS_OK); /* again: a no-op */
}

/* Every catalogue has exactly the keys of en.json, and the same {placeholders}. */
static void test_same_keys_as_english(void **state)
{
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);
    json_t *en = catalogue_json("en");
    const char *key;
    int problems = 0;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        json_t *cat = catalogue_json(langs[i]);
        for (void *it = json_object_iter(en); it != NULL; it = json_object_iter_next(en, it)) {
            key = json_object_iter_key(it);
            json_t *other = json_object_get(cat, key);
            if (other == NULL) {
                print_error("%s.json lacks the key \"%s\"\n", langs[i], key);
                problems++;
            } else if (!json_is_string(other) || json_string_length(other) == 0) {
                print_error("%s.json: \"%s\" is not a non-empty string\n", langs[i], key);
                problems++;
            }
        }
        for (void *it = json_object_iter(cat); it != NULL; it = json_object_iter_next(cat, it)) {
            key = json_object_iter_key(it);
            if (json_object_get(en, key) == NULL) {
                print_error("%s.json has the key \"%s\", which en.json lacks\n", langs[i], key);
                problems++;
            }
        }
        json_decref(cat);
    }
    json_decref(en);
    if (problems > 0) {
        fail_msg("%d catalogue key problem(s), named above", problems);
    }
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The sorted {name} placeholders of s, joined with commas, into out. */
static void placeholders(char *out, size_t size, const char *s)
{
    char names[32][32];
    size_t count = 0;

    for (const char *p = strchr(s, '{'); p != NULL && count < 32; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (end != NULL && (size_t)(end - p - 1) < sizeof names[0] && end > p + 1) {
            memcpy(names[count], p + 1, (size_t)(end - p - 1));
            names[count][end - p - 1] = '\0';
            count++;
        }
    }
    qsort(names, count, sizeof names[0], name_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        strncat(out, names[i], size - strlen(out) - 1);
        strncat(out, ",", size - strlen(out) - 1);
    }
}

static void test_placeholders_match(void **state)
{
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);
    json_t *en = catalogue_json("en");
    const char *key;
    json_t *value;
    char want[512];
    char got[512];
    int problems = 0;

    (void)state;
    for (void *it = json_object_iter(en); it != NULL; it = json_object_iter_next(en, it)) {
        key = json_object_iter_key(it);
        value = json_object_iter_value(it);
        placeholders(want, sizeof want, json_string_value(value));
        for (size_t i = 0; i < n; i++) {
            placeholders(got, sizeof got, i18n_get(langs[i], key));
            if (strcmp(want, got) != 0) {
                print_error("%s \"%s\": placeholders {%s} but English has {%s}\n", langs[i], key, got, want);
                problems++;
            }
        }
    }
    json_decref(en);
    assert_int_equal(problems, 0);
}

static void test_values_and_fallbacks(void **state)
{
    (void)state;
    assert_string_equal(i18n_get("en", "nav.users"), "Users");
    assert_string_equal(i18n_get("ar", "nav.users"), "المستخدمون");
    assert_string_equal(i18n_get("fr", "term.tip"), "Traite des personnes");
    assert_string_equal(i18n_get("es", "term.tip"), "Trata de personas");
    assert_string_equal(i18n_get("ru", "term.tip"), "Торговля людьми");
    assert_string_equal(i18n_get("zh", "term.tip"), "贩运人口");
    assert_string_equal(i18n_get("ar", "term.tip"), "الاتجار بالأشخاص");
    /* Unknown or missing language: English. */
    assert_string_equal(i18n_get("de", "nav.users"), "Users");
    assert_string_equal(i18n_get(NULL, "nav.users"), "Users");
    assert_string_equal(i18n_get("", "nav.users"), "Users");
    assert_string_equal(i18n_get("EN", "nav.users"), "Users");
    /* Unknown key: the key itself. */
    assert_string_equal(i18n_get("fr", "no.such.key"), "no.such.key");
    assert_string_equal(i18n_get("en", ""), "");
    assert_string_equal(i18n_get("en", NULL), "");
    /* Every API error code has a message. */
    static const char *const codes[] = {
        "invalid",   "not_found", "conflict",        "forbidden",           "busy",      "too_large",     "unavailable",
        "integrity", "internal",  "unauthenticated", "precondition_failed", "throttled", "totp_required", "locked",
        "generic",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "error.%s", codes[i]);
        assert_string_not_equal(i18n_get("ru", key), key);
    }
    static const char *const cli[] = {"cli.usage", "cli.init.done", "cli.init.password", "cli.error"};
    for (size_t i = 0; i < sizeof cli / sizeof cli[0]; i++) {
        assert_string_not_equal(i18n_get("zh", cli[i]), cli[i]);
    }
}

static void test_shutdown_then_keys(void **state)
{
    (void)state;
    i18n_shutdown();
    assert_string_equal(i18n_get("fr", "nav.users"), "nav.users");
    assert_int_equal(i18n_init(), STATUS_OK);
    assert_string_equal(i18n_get("fr", "nav.users"), "Utilisateurs");
}

static void test_format(void **state)
{
    char *s;

    (void)state;
    s = i18n_format("en", "cli.error", "message", "disk full", NULL);
    assert_string_equal(s, "error: disk full");
    free(s);
    s = i18n_format("fr", "cli.error", "message", "disque plein", NULL);
    assert_string_equal(s, "erreur : disque plein");
    free(s);
    /* Two placeholders, in either order of the pairs. */
    s = i18n_format("en", "common.showing", "to", "20", "from", "11", NULL);
    assert_string_equal(s, "Showing 11–20");
    free(s);
    /* A placeholder with no pair stays; a value is not itself expanded. */
    s = i18n_format("en", "cli.error", NULL);
    assert_string_equal(s, "error: {message}");
    free(s);
    s = i18n_format("en", "cli.error", "message", "{message}", NULL);
    assert_string_equal(s, "error: {message}");
    free(s);
    s = i18n_format("en", "no.such {key}", "key", "x", NULL);
    assert_string_equal(s, "no.such x");
    free(s);
}

struct env_case {
    const char *lc_all;
    const char *lc_messages;
    const char *lang;
    const char *want;
};

static void env_set(const char *name, const char *value)
{
    if (value == NULL) {
        unsetenv(name);
    } else {
        setenv(name, value, 1);
    }
}

static void test_lang_from_env(void **state)
{
    static const struct env_case cases[] = {
        {"fr_FR.UTF-8", NULL, NULL, "fr"},
        {NULL, NULL, "fr_FR.UTF-8", "fr"},
        {NULL, "ar_EG.UTF-8", "ru_RU.UTF-8", "ar"},
        {"es_MX", "ar_EG", "ru_RU", "es"},
        {"", "", "zh_CN.UTF-8", "zh"},
        {NULL, NULL, "ru", "ru"},
        {NULL, NULL, "RU_ru.KOI8-R", "ru"},
        {NULL, NULL, "zh-Hans", "zh"},
        {NULL, NULL, "ar@latin", "ar"},
        {NULL, NULL, "C", "en"},
        {NULL, NULL, "C.UTF-8", "en"},
        {NULL, NULL, "POSIX", "en"},
        {NULL, NULL, "de_DE.UTF-8", "en"},
        {NULL, "de_DE.UTF-8", "fr_FR.UTF-8", "en"}, /* LC_MESSAGES decides, and is not ours */
        {NULL, NULL, "arabic_EG", "en"},
        {NULL, NULL, "zhongwenwenwen", "en"}, /* longer than any code */
        {NULL, NULL, "", "en"},
        {NULL, NULL, NULL, "en"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        env_set("LC_ALL", cases[i].lc_all);
        env_set("LC_MESSAGES", cases[i].lc_messages);
        env_set("LANG", cases[i].lang);
        const char *got = i18n_lang_from_env();
        if (strcmp(got, cases[i].want) != 0) {
            fail_msg("case %zu (LC_ALL=%s LC_MESSAGES=%s LANG=%s): got %s, want %s", i,
                     cases[i].lc_all ? cases[i].lc_all : "(unset)",
                     cases[i].lc_messages ? cases[i].lc_messages : "(unset)", cases[i].lang ? cases[i].lang : "(unset)",
                     got, cases[i].want);
        }
        assert_true(i18n_lang_valid(got));
    }
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

static void test_valid_and_rtl(void **state)
{
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);

    (void)state;
    assert_false(i18n_lang_valid(NULL));
    assert_false(i18n_lang_valid(""));
    assert_false(i18n_lang_valid("AR"));
    assert_false(i18n_lang_valid("eng"));
    assert_false(i18n_lang_valid("de"));
    assert_true(i18n_is_rtl("ar"));
    assert_false(i18n_is_rtl(NULL));
    assert_false(i18n_is_rtl("xx"));
    for (size_t i = 0; i < n; i++) {
        /* The C answer and the catalogue's meta.dir (used by the web pages) agree. */
        bool rtl = strcmp(i18n_get(langs[i], "meta.dir"), "rtl") == 0;
        assert_int_equal(i18n_is_rtl(langs[i]), rtl);
        assert_int_equal(rtl, strcmp(langs[i], "ar") == 0);
        assert_string_equal(i18n_get(langs[i], "meta.dir"), rtl ? "rtl" : "ltr");
    }
}

#define READERS 4
#define READS 20000

static long reader_bad[READERS];

static void *reader(void *arg)
{
    long *bad_out = arg;
    size_t n = 0;
    const char *const *langs = i18n_langs(&n);
    long bad = 0;

    for (int i = 0; i < READS; i++) {
        const char *lang = langs[(size_t)i % n];
        const char *name = i18n_get(lang, "meta.name");
        if (strcmp(name, "meta.name") == 0 || i18n_get(lang, "nav.users")[0] == '\0') {
            bad++;
        }
    }
    *bad_out = bad;
    return NULL;
}

static void test_threads_read(void **state)
{
    pthread_t th[READERS];

    (void)state;
    for (int i = 0; i < READERS; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, reader, &reader_bad[i]), 0);
    }
    for (int i = 0; i < READERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(reader_bad[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_six_load),       cmocka_unit_test(test_same_keys_as_english),
        cmocka_unit_test(test_placeholders_match), cmocka_unit_test(test_values_and_fallbacks),
        cmocka_unit_test(test_shutdown_then_keys), cmocka_unit_test(test_format),
        cmocka_unit_test(test_lang_from_env),      cmocka_unit_test(test_valid_and_rtl),
        cmocka_unit_test(test_threads_read),
    };
    return cmocka_run_group_tests_name("i18n", tests, setup, teardown);
}
