/* test_plan_text: the Plan of Action as data (issue 9, item 1).
 *
 * - Completeness: the ids op-1..op-7 and annex-1..annex-61, numbers 1-7 and 1-61 once each, every
 *   paragraph with Arabic text, an English summary, a known pillar and section, and instruments
 *   from the instruments list.
 * - Cleanliness: no tatweel (U+0640) in any stored Arabic; no Latin letters in the Arabic texts
 *   except inside UN document symbols (an upper-case series and slash-separated parts, e.g.
 *   "A/RES/64/293"; the Plan's texts hold none today).
 * - The word test: the reference (../shared/reference/a-res-64-293-ar.txt, found as the shared
 *   data is, with $CTIS_SHARED_DATA) is flattened (tatweel and all whitespace removed) and every
 *   stored Arabic word (split on whitespace and punctuation, tatweel removed) must occur in it as
 *   a substring, or be listed in plan.json "rejoined" with pieces that each occur in it and make
 *   up the word (a word the extraction split and put out of order). Skipped, saying so, when the
 *   reference is absent. The reverse check: the stored texts hold at least 90% of the
 *   reference's Arabic letters from operative paragraph 1 to the end (the figure is printed).
 * - Access: plan.read (a national coordinator) reads and is audited; a caseworker is refused;
 *   filters by part, pillar and instrument; unknown values name the field; unknown ids are
 *   not found. On SQLite and on PostgreSQL when TEST_PG_URL is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "plan/text.h"
#include "testlib.h"
#include "util/assets.h"

#define REFERENCE "a-res-64-293-ar.txt"

/* ---- UTF-8 helpers ---- */

/* The code point at s (advancing *len bytes); U+FFFD for a bad byte. */
static uint32_t utf8_next(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    if ((u[0] & 0xF8) == 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 && (u[3] & 0xC0) == 0x80) {
        *len = 4;
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) | ((uint32_t)(u[2] & 0x3F) << 6) |
               (u[3] & 0x3F);
    }
    *len = 1;
    return 0xFFFD;
}

#define TATWEEL 0x0640u

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 || c == 0x200F ||
           c == 0x200E;
}

/* Letters of the Arabic alphabet proper (hamza to yeh), the unit of the coverage figure. */
static bool is_arabic_letter(uint32_t c)
{
    return c >= 0x0621 && c <= 0x064A && c != TATWEEL;
}

/* A character that belongs to a word: any Arabic-block character except punctuation, digits and
 * tatweel (which is dropped). */
static bool is_word_char(uint32_t c)
{
    if (c < 0x0600 || c > 0x06FF || c == TATWEEL) {
        return false;
    }
    return !(c == 0x060C || c == 0x061B || c == 0x061F || c == 0x066A || c == 0x066B || c == 0x066C || c == 0x06D4 ||
             (c >= 0x0660 && c <= 0x0669));
}

/* s without tatweel and without whitespace (a new string). */
static char *flatten(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = xmalloc(n + 1);
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t c = utf8_next(s + i, &len);
        if (c != TATWEEL && !is_space(c)) {
            memcpy(out + o, s + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    return out;
}

static size_t arabic_letters(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s != NULL && s[i];) {
        size_t len;
        n += is_arabic_letter(utf8_next(s + i, &len));
        i += len;
    }
    return n;
}

/* Calls fn for every Arabic word of s (tatweel removed). */
static void each_word(const char *s, void (*fn)(const char *word, const char *where, void *arg), const char *where,
                      void *arg)
{
    char word[256];
    size_t w = 0;
    for (size_t i = 0;;) {
        size_t len = 1;
        uint32_t c = s[i] ? utf8_next(s + i, &len) : 0;
        if (c == TATWEEL) {
            i += len;
            continue;
        }
        if (c != 0 && is_word_char(c)) {
            if (w + len < sizeof word) {
                memcpy(word + w, s + i, len);
                w += len;
            }
        } else if (w > 0) {
            word[w] = '\0';
            fn(word, where, arg);
            w = 0;
        }
        if (c == 0) {
            break;
        }
        i += len;
    }
}

/* ---- the reference ---- */

/* The reference's path: $CTIS_SHARED_DATA's reference folder (the variable names the data folder
 * or the shared folder that holds it), else ../shared/reference seen from the repository, the
 * build or the tests folder (the mechanism of test_shared_data_path). */
static bool reference_path(char *out, size_t size)
{
    const char *env = getenv("CTIS_SHARED_DATA");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, size, "%s/reference/%s", env, REFERENCE);
        if (util_file_exists(out)) {
            return true;
        }
        snprintf(out, size, "%s/../reference/%s", env, REFERENCE);
        return util_file_exists(out);
    }
    static const char *const roots[] = {"../shared/reference", "../../shared/reference", "../../../shared/reference"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(out, size, "%s/%s", roots[i], REFERENCE);
        if (util_file_exists(out)) {
            return true;
        }
    }
    return false;
}

/* The texts stored in Arabic: paragraphs, section headings and introduction, instrument names. */
struct texts {
    const char *where[128];
    const char *text[128];
    size_t n;
};

static void texts_collect(struct texts *t)
{
    size_t np, ns, ni;
    const struct plan_paragraph *p = plan_data_paragraphs(&np);
    const struct plan_section *s = plan_data_sections(&ns);
    const struct plan_instrument *in = plan_data_instruments(&ni);
    t->n = 0;
    for (size_t i = 0; i < np && t->n < 128; i++) {
        t->where[t->n] = p[i].id;
        t->text[t->n++] = p[i].text_ar;
    }
    for (size_t i = 0; i < ns && t->n + 2 < 128; i++) {
        if (s[i].title_ar) {
            t->where[t->n] = s[i].code;
            t->text[t->n++] = s[i].title_ar;
        }
        if (s[i].intro_ar) {
            t->where[t->n] = s[i].code;
            t->text[t->n++] = s[i].intro_ar;
        }
    }
    for (size_t i = 0; i < ni && t->n < 128; i++) {
        if (in[i].name_ar) {
            t->where[t->n] = in[i].code;
            t->text[t->n++] = in[i].name_ar;
        }
    }
}

/* ---- completeness and cleanliness ---- */

static void test_plan__complete(void **state)
{
    (void)state;
    size_t np, ni, ns;
    const struct plan_paragraph *p = plan_data_paragraphs(&np);
    const struct plan_instrument *in = plan_data_instruments(&ni);
    const struct plan_section *s = plan_data_sections(&ns);
    assert_non_null(p);
    assert_int_equal(np, PLAN_OPERATIVE_COUNT + PLAN_ANNEX_COUNT);
    int op_seen[PLAN_OPERATIVE_COUNT + 1] = {0}, annex_seen[PLAN_ANNEX_COUNT + 1] = {0};
    for (size_t i = 0; i < np; i++) {
        char want[16];
        bool op = strcmp(p[i].part, "resolution") == 0;
        assert_true(op || strcmp(p[i].part, "annex") == 0);
        assert_in_range(p[i].number, 1, op ? PLAN_OPERATIVE_COUNT : PLAN_ANNEX_COUNT);
        (op ? op_seen : annex_seen)[p[i].number]++;
        snprintf(want, sizeof want, "%s-%d", op ? "op" : "annex", p[i].number);
        assert_string_equal(p[i].id, want);
        assert_true(p[i].text_ar != NULL && arabic_letters(p[i].text_ar) > 20);
        assert_true(p[i].summary_en != NULL && strlen(p[i].summary_en) > 20);
        assert_true(plan_pillar_known(p[i].pillar));
        bool section_known = false;
        for (size_t k = 0; k < ns; k++) {
            if (strcmp(s[k].code, p[i].section) == 0) {
                section_known = true;
                /* the section's range holds the paragraph, and annex sections fix the pillar */
                assert_string_equal(s[k].part, p[i].part);
                assert_in_range(p[i].number, s[k].first, s[k].last);
                if (s[k].pillar != NULL) {
                    assert_string_equal(s[k].pillar, p[i].pillar);
                }
            }
        }
        assert_true(section_known);
        for (size_t k = 0; k < p[i].instrument_count; k++) {
            if (!plan_instrument_known(p[i].instruments[k])) {
                fail_msg("%s names unknown instrument %s", p[i].id, p[i].instruments[k]);
            }
        }
    }
    for (int i = 1; i <= PLAN_OPERATIVE_COUNT; i++) {
        assert_int_equal(op_seen[i], 1);
    }
    for (int i = 1; i <= PLAN_ANNEX_COUNT; i++) {
        assert_int_equal(annex_seen[i], 1);
    }
    /* the instruments issue 9 names, with years */
    static const char *const codes[] = {"untoc",
                                        "tip_protocol",
                                        "smuggling_protocol",
                                        "firearms_protocol",
                                        "uncac",
                                        "ilo_c29",
                                        "ilo_p29",
                                        "ilo_c182",
                                        "slavery_1956",
                                        "crc",
                                        "crc_opsc",
                                        "crc_opac",
                                        "cedaw"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        assert_true(plan_instrument_known(codes[i]));
    }
    for (size_t i = 0; i < ni; i++) {
        assert_in_range(in[i].year, 1900, 2030);
        assert_true(in[i].name_en != NULL && in[i].name_en[0]);
    }
    assert_string_equal(plan_source_symbol(), "A/RES/64/293");
}

/* A Latin letter outside a document symbol ("A/RES/64/293", "E/2002/68/Add.1"): an upper-case
 * run followed by at least one "/part". */
static bool stray_latin(const char *s)
{
    for (size_t i = 0; s[i];) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            size_t j = i;
            while ((s[j] >= 'A' && s[j] <= 'Z')) {
                j++;
            }
            if (j == i || s[j] != '/') {
                return true;
            }
            while (s[j] == '/' || (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z') ||
                   (s[j] >= '0' && s[j] <= '9') || s[j] == '.') {
                j++;
            }
            i = j;
        } else {
            i++;
        }
    }
    return false;
}

static void test_plan__clean(void **state)
{
    (void)state;
    struct texts t;
    texts_collect(&t);
    assert_true(t.n > PLAN_OPERATIVE_COUNT + PLAN_ANNEX_COUNT);
    for (size_t i = 0; i < t.n; i++) {
        if (strstr(t.text[i], "\xD9\x80") != NULL) { /* U+0640 */
            fail_msg("%s: tatweel in the stored text", t.where[i]);
        }
        if (stray_latin(t.text[i])) {
            fail_msg("%s: Latin letters outside a document symbol", t.where[i]);
        }
    }
    /* the check itself */
    assert_false(stray_latin("\xD8\xA7 A/RES/64/293 E/2002/68/Add.1"));
    assert_true(stray_latin("\xD8\xA7 UNODC"));
    /* lettered sub-items keep their Arabic letters */
    size_t np;
    const struct plan_paragraph *p = plan_data_paragraphs(&np);
    const char *a43 = NULL;
    for (size_t i = 0; i < np; i++) {
        if (strcmp(p[i].id, "annex-43") == 0) {
            a43 = p[i].text_ar;
        }
    }
    assert_non_null(a43);
    assert_non_null(strstr(a43, "(\xD8\xA3)")); /* (أ) */
    assert_non_null(strstr(a43, "(\xD8\xA8)")); /* (ب) */
    assert_non_null(strstr(a43, "(\xD8\xAC)")); /* (ج) */
}

/* ---- the word test ---- */

struct word_check {
    const char *flat;
    json_t *rejoined;
    size_t words, via_pieces, missing;
};

static bool rejoined_word(json_t *list, const char *word, const char *flat, bool *pieces_ok)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "word")), word) != 0) {
            continue;
        }
        char joined[256] = "";
        size_t k;
        json_t *piece;
        *pieces_ok = true;
        json_array_foreach(json_object_get(r, "pieces"), k, piece)
        {
            const char *ps = json_string_value(piece);
            if (ps == NULL || strstr(flat, ps) == NULL || strlen(joined) + strlen(ps) >= sizeof joined) {
                *pieces_ok = false;
                break;
            }
            strcat(joined, ps);
        }
        *pieces_ok = *pieces_ok && strcmp(joined, word) == 0;
        return true;
    }
    return false;
}

static void check_word(const char *word, const char *where, void *arg)
{
    struct word_check *w = arg;
    w->words++;
    if (strstr(w->flat, word) != NULL) {
        return;
    }
    bool pieces_ok = false;
    if (rejoined_word(w->rejoined, word, w->flat, &pieces_ok) && pieces_ok) {
        w->via_pieces++;
        return;
    }
    w->missing++;
    print_error("%s: \"%s\" does not occur in the reference\n", where, word);
}

static void test_plan__word_test(void **state)
{
    (void)state;
    char path[1024];
    if (!reference_path(path, sizeof path)) {
        print_message("skipped the word test: %s not found (../shared/reference or $CTIS_SHARED_DATA)\n", REFERENCE);
        skip();
        return;
    }
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(util_file_read(&text, &len, path, 4 * 1024 * 1024), STATUS_OK);
    char *flat = flatten(text);
    const struct asset *a = asset_find("plan/plan.json");
    assert_non_null(a);
    json_error_t jerr;
    json_t *doc = json_loadb(a->data, a->len, 0, &jerr);
    assert_non_null(doc);
    struct word_check w = {.flat = flat, .rejoined = json_object_get(doc, "rejoined")};
    struct texts t;
    texts_collect(&t);
    for (size_t i = 0; i < t.n; i++) {
        each_word(t.text[i], check_word, t.where[i], &w);
    }
    print_message("word test: %zu words, %zu rejoined from pieces, %zu missing\n", w.words, w.via_pieces, w.missing);
    assert_true(w.words > 2500);
    assert_int_equal(w.missing, 0);
    /* the check can fail: a word that is not in the reference, and a rejoin whose pieces are not */
    struct word_check bad = {.flat = flat, .rejoined = json_array()};
    each_word("\xD8\xB2\xD9\x82\xD8\xB2\xD9\x82\xD8\xB2", check_word, "probe", &bad); /* زقزقز */
    assert_int_equal(bad.missing, 1);
    json_array_append_new(bad.rejoined, json_pack("{s:s,s:[ss]}", "word", "\xD8\xB2\xD9\x82\xD8\xB2\xD9\x82\xD8\xB2",
                                                  "pieces", "\xD8\xB2\xD9\x82\xD8\xB2", "\xD9\x82\xD8\xB2"));
    each_word("\xD8\xB2\xD9\x82\xD8\xB2\xD9\x82\xD8\xB2", check_word, "probe", &bad);
    assert_int_equal(bad.missing, 2);
    json_decref(bad.rejoined);

    /* coverage: the Arabic letters of the reference from operative paragraph 1 on (without the
     * footnotes' letters, which nothing stores) against the letters stored */
    const char *start = strstr(text, "\xD8\xAA\xD8\xAA\xD8\xAE\xD8\xB0"); /* تتخذ */
    assert_non_null(start);
    size_t ref_letters = 0, foot_letters = 0;
    bool in_footnotes = false;
    for (const char *line = start; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *one = xstrndup(line, n);
        if (strstr(one, "_____") != NULL) {
            in_footnotes = true;
        } else if (in_footnotes && arabic_letters(one) > 0 && (strstr(one, ")") == NULL || arabic_letters(one) > 60)) {
            in_footnotes = false; /* body text again after the page's footnotes */
        }
        size_t l = arabic_letters(one);
        if (in_footnotes) {
            foot_letters += l;
        } else {
            ref_letters += l;
        }
        free(one);
        line = nl ? nl + 1 : NULL;
    }
    size_t stored = 0, np, ns;
    const struct plan_paragraph *p = plan_data_paragraphs(&np);
    const struct plan_section *s = plan_data_sections(&ns);
    for (size_t i = 0; i < np; i++) {
        stored += arabic_letters(p[i].text_ar);
    }
    for (size_t i = 0; i < ns; i++) {
        stored += arabic_letters(s[i].title_ar) + arabic_letters(s[i].intro_ar);
    }
    double pct = 100.0 * (double)stored / (double)ref_letters;
    print_message("coverage: the stored paragraphs and headings hold %zu Arabic letters, the reference's "
                  "operative paragraphs and Annex %zu (its footnotes' %zu left out): %.1f%%\n",
                  stored, ref_letters, foot_letters, pct);
    assert_true(pct >= 90.0);
    json_decref(doc);
    free(flat);
    free(text);
}

/* ---- access ---- */

struct world {
    struct test_env t;
    int64_t agency, coord, worker;
};

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    test_env_open(&w->t);
    w->agency = test_agency(&w->t, "Agency A");
    w->coord = test_user(&w->t, "coord", w->agency, "national_coordinator", "all");
    w->worker = test_user(&w->t, "worker", w->agency, "caseworker", "own");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    test_env_close(&w->t);
    free(w);
    return 0;
}

struct op {
    struct plan_filter f;
    const char *id;
    const struct plan_paragraph **list;
    const struct plan_paragraph *one;
    const struct plan_instrument *instruments;
    size_t count;
};

static enum status op_list(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    free(o->list);
    o->list = NULL;
    return plan_paragraphs(c, &o->f, &o->list, &o->count);
}

static enum status op_get(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return plan_paragraph_get(c, o->id, &o->one);
}

static enum status op_instruments(const struct auth_ctx *c, void *p)
{
    struct op *o = p;
    return plan_instruments(c, &o->instruments, &o->count);
}

static enum status run_as(struct world *w, int64_t uid, auth_op_fn fn, struct op *o)
{
    struct test_as a;
    test_as_user(&w->t, &a, uid);
    enum status st = auth_run(&a.ctx, fn, o);
    auth_principal_clear(&a.p);
    return st;
}

static size_t audit_entries(struct world *w, const char *action, const char *outcome)
{
    struct audit_entry *e = NULL;
    size_t n = 0, hits = 0;
    struct audit_filter f = {.limit = 1000};
    assert_int_equal(audit_list(&e, &n, w->t.store, &f), STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        hits += strcmp(e[i].action, action) == 0 && strcmp(e[i].outcome, outcome) == 0;
    }
    audit_entries_free(e, n);
    return hits;
}

static void test_plan__access(void **state)
{
    struct world *w = *state;
    struct op o = {0};
    size_t before = audit_entries(w, "plan.read", "ok");
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, PLAN_OPERATIVE_COUNT + PLAN_ANNEX_COUNT);
    assert_string_equal(o.list[0]->id, "op-1");
    assert_string_equal(o.list[PLAN_OPERATIVE_COUNT]->id, "annex-1");
    assert_int_equal(audit_entries(w, "plan.read", "ok"), before + 1);

    o.f = (struct plan_filter){.part = "resolution"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, PLAN_OPERATIVE_COUNT);
    o.f = (struct plan_filter){.pillar = "prevent"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 13); /* Annex 12-24 */
    assert_int_equal(o.list[0]->number, 12);
    o.f = (struct plan_filter){.part = "annex", .pillar = "general"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 11);
    o.f = (struct plan_filter){.instrument = "uncac"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_string_equal(o.list[0]->id, "annex-47");
    o.f = (struct plan_filter){.instrument = "ilo_c29"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_OK);
    assert_int_equal(o.count, 1);
    assert_string_equal(o.list[0]->id, "annex-4");

    o.f = (struct plan_filter){.pillar = "nope"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "pillar");
    o.f = (struct plan_filter){.part = "preamble"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "part");
    o.f = (struct plan_filter){.instrument = "nope"};
    assert_int_equal(run_as(w, w->coord, op_list, &o), STATUS_INVALID);
    assert_string_equal(err_last_field(), "instrument");

    o.id = "annex-38";
    assert_int_equal(run_as(w, w->coord, op_get, &o), STATUS_OK);
    assert_string_equal(o.one->pillar, "protect");
    assert_string_equal(o.one->section, "protection");
    o.id = "op-6";
    assert_int_equal(run_as(w, w->coord, op_get, &o), STATUS_OK);
    assert_string_equal(o.one->pillar, "follow_up");
    o.id = "annex-62";
    assert_int_equal(run_as(w, w->coord, op_get, &o), STATUS_NOT_FOUND);
    assert_int_equal(run_as(w, w->coord, op_instruments, &o), STATUS_OK);
    assert_true(o.count >= 13);

    /* a caseworker has no plan.read: refused, and the refusal is audited */
    size_t denied = audit_entries(w, "plan.read", "denied");
    o.f = (struct plan_filter){0};
    assert_int_equal(run_as(w, w->worker, op_list, &o), STATUS_DENIED);
    o.id = "annex-1";
    assert_int_equal(run_as(w, w->worker, op_get, &o), STATUS_DENIED);
    assert_int_equal(run_as(w, w->worker, op_instruments, &o), STATUS_DENIED);
    assert_int_equal(audit_entries(w, "plan.read", "denied"), denied + 3);
    o.f = (struct plan_filter){.pillar = "nope"}; /* the permission comes before the input */
    assert_int_equal(run_as(w, w->worker, op_list, &o), STATUS_DENIED);
    free(o.list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan__complete),
        cmocka_unit_test(test_plan__clean),
        cmocka_unit_test(test_plan__word_test),
        cmocka_unit_test_setup_teardown(test_plan__access, setup, teardown),
    };
    TEST_RUN_BOTH("plan_text", tests, NULL, NULL);
}
