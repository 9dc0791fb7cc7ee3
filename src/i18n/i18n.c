/* i18n: each catalogue is parsed once with jansson into a sorted array of key/message pairs,
 * then searched with bsearch. Nothing is written after i18n_init, so lookups need no lock. */
#include "i18n/i18n.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"
#include "util/buf.h"
#include "util/mem.h"

#define LANG_CODE_BYTES_MAX 8       /* "ar" to "zh": longer codes are not ours */
#define I18N_FORMAT_BYTES_MAX 65536 /* a formatted message: a few lines of text */

struct i18n_entry {
    char *key;
    char *msg;
};

struct i18n_catalogue {
    struct i18n_entry *entries;
    size_t count;
};

static const char *const i18n_codes[] = {"ar", "en", "es", "fr", "ru", "zh"};
#define I18N_LANGS ARRAY_LEN(i18n_codes)
#define I18N_EN 1

static struct i18n_catalogue i18n_table[I18N_LANGS];
static atomic_bool i18n_loaded;
static pthread_mutex_t i18n_lock = PTHREAD_MUTEX_INITIALIZER;

static int i18n_lang_index(const char *lang)
{
    if (lang == NULL) {
        return -1;
    }
    for (size_t i = 0; i < I18N_LANGS; i++) {
        if (strcmp(lang, i18n_codes[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int i18n_entry_cmp(const void *a, const void *b)
{
    const struct i18n_entry *x = a;
    const struct i18n_entry *y = b;
    return strcmp(x->key, y->key);
}

static void i18n_catalogue_free(struct i18n_catalogue *cat)
{
    for (size_t i = 0; i < cat->count; i++) {
        free(cat->entries[i].key);
        free(cat->entries[i].msg);
    }
    free(cat->entries);
    cat->entries = NULL;
    cat->count = 0;
}

/* Parses one embedded catalogue into cat. */
static enum status i18n_catalogue_load(struct i18n_catalogue *cat, const char *lang)
{
    enum status st = STATUS_OK;
    json_t *root = NULL;
    char path[32];
    const char *key;
    json_t *value;
    json_error_t jerr;
    size_t n = 0;

    snprintf(path, sizeof path, "i18n/%s.json", lang);
    const struct asset *a = asset_find(path);
    if (a == NULL) {
        st = err_set(STATUS_NOT_FOUND, "catalogue %s is not embedded", path);
        goto out;
    }
    root = json_loadb(a->data, a->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        st = err_set(STATUS_INVALID, "catalogue %s: line %d: %s", path, jerr.line, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        st = err_set(STATUS_INVALID, "catalogue %s is not a JSON object", path);
        goto out;
    }
    cat->entries = xcalloc(json_object_size(root) + 1, sizeof *cat->entries);
    for (void *it = json_object_iter(root); it != NULL; it = json_object_iter_next(root, it)) {
        key = json_object_iter_key(it);
        value = json_object_iter_value(it);
        if (!json_is_string(value)) {
            st = err_set(STATUS_INVALID, "catalogue %s: %s is not a string", path, key);
            goto out;
        }
        cat->entries[n].key = xstrdup(key);
        cat->entries[n].msg = xstrdup(json_string_value(value));
        n++;
        cat->count = n;
    }
    qsort(cat->entries, cat->count, sizeof *cat->entries, i18n_entry_cmp);

out:
    if (st != STATUS_OK) {
        i18n_catalogue_free(cat);
    }
    json_decref(root);
    return st;
}

enum status i18n_init(void)
{
    enum status st = STATUS_OK;

    pthread_mutex_lock(&i18n_lock);
    if (atomic_load_explicit(&i18n_loaded, memory_order_acquire)) {
        goto out;
    }
    for (size_t i = 0; i < I18N_LANGS; i++) {
        st = i18n_catalogue_load(&i18n_table[i], i18n_codes[i]);
        if (st != STATUS_OK) {
            for (size_t j = 0; j < i; j++) {
                i18n_catalogue_free(&i18n_table[j]);
            }
            goto out;
        }
    }
    atomic_store_explicit(&i18n_loaded, true, memory_order_release);

out:
    pthread_mutex_unlock(&i18n_lock);
    return st;
}

void i18n_shutdown(void)
{
    pthread_mutex_lock(&i18n_lock);
    atomic_store_explicit(&i18n_loaded, false, memory_order_release);
    for (size_t i = 0; i < I18N_LANGS; i++) {
        i18n_catalogue_free(&i18n_table[i]);
    }
    pthread_mutex_unlock(&i18n_lock);
}

static const char *i18n_lookup(int idx, const char *key)
{
    struct i18n_entry probe = {.key = (char *)key, .msg = NULL};
    const struct i18n_catalogue *cat = &i18n_table[idx];
    const struct i18n_entry *e;

    if (cat->count == 0) {
        return NULL;
    }
    e = bsearch(&probe, cat->entries, cat->count, sizeof *cat->entries, i18n_entry_cmp);
    return e != NULL ? e->msg : NULL;
}

const char *i18n_get(const char *lang, const char *key)
{
    const char *msg = NULL;
    int idx = i18n_lang_index(lang);

    if (key == NULL) {
        return "";
    }
    if (!atomic_load_explicit(&i18n_loaded, memory_order_acquire)) {
        return key;
    }
    if (idx >= 0) {
        msg = i18n_lookup(idx, key);
    }
    if (msg == NULL) {
        msg = i18n_lookup(I18N_EN, key);
    }
    return msg != NULL ? msg : key;
}

static bool i18n_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The value paired with the placeholder name[0..len) in the NULL-ended name, value list. */
static const char *i18n_param(va_list ap, const char *name, size_t len)
{
    va_list aq;
    const char *found = NULL;
    const char *n;

    va_copy(aq, ap);
    while ((n = va_arg(aq, const char *)) != NULL) {
        const char *v = va_arg(aq, const char *);
        if (strlen(n) == len && strncmp(n, name, len) == 0) {
            found = v != NULL ? v : "";
            break;
        }
    }
    va_end(aq);
    return found;
}

char *i18n_format(const char *lang, const char *key, ...)
{
    struct buf b = BUF_INIT(I18N_FORMAT_BYTES_MAX);
    const char *p = i18n_get(lang, key);
    va_list ap;

    va_start(ap, key);
    while (*p != '\0') {
        if (*p == '{') {
            const char *end = p + 1;
            while (i18n_name_char(*end)) {
                end++;
            }
            const char *value = *end == '}' && end > p + 1 ? i18n_param(ap, p + 1, (size_t)(end - p - 1)) : NULL;
            if (value != NULL) {
                /* Too long: the message is cut, never overrun. */
                (void)buf_puts(&b, value);
                p = end + 1;
                continue;
            }
        }
        (void)buf_append(&b, p, 1);
        p++;
    }
    va_end(ap);
    return buf_take(&b);
}

const char *i18n_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    char code[LANG_CODE_BYTES_MAX];
    const char *value = NULL;
    size_t n = 0;
    int idx;

    for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
        value = getenv(vars[i]);
        if (value != NULL && value[0] != '\0') {
            break;
        }
        value = NULL;
    }
    if (value == NULL) {
        return i18n_codes[I18N_EN];
    }
    /* The language is the leading letters: "fr_FR.UTF-8", "ar@latin", "zh-CN". */
    while (value[n] != '\0' && value[n] != '_' && value[n] != '.' && value[n] != '@' && value[n] != '-') {
        if (n + 1 >= sizeof code) {
            return i18n_codes[I18N_EN];
        }
        char c = value[n];
        code[n] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        n++;
    }
    code[n] = '\0';
    idx = i18n_lang_index(code);
    return i18n_codes[idx >= 0 ? idx : I18N_EN];
}

bool i18n_lang_valid(const char *lang)
{
    return i18n_lang_index(lang) >= 0;
}

const char *const *i18n_langs(size_t *count)
{
    if (count != NULL) {
        *count = I18N_LANGS;
    }
    return i18n_codes;
}

bool i18n_is_rtl(const char *lang)
{
    return lang != NULL && strcmp(lang, "ar") == 0;
}
