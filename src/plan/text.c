/* text: the Plan of Action as data; parsed once from the embedded data/plan/plan.json into
 * arrays that are never written again, so lookups take no lock. The strings are copies that live
 * as long as the process. */
#include "plan/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/util.h"

#define PLAN_PARAGRAPHS_MAX (PLAN_OPERATIVE_COUNT + PLAN_ANNEX_COUNT)
#define PLAN_SECTIONS_MAX 8
#define PLAN_INSTRUMENT_LIST_MAX 64

static const char *const pillar_codes[] = {"general", "prevent", "protect", "prosecute", "partner", "follow_up"};

static struct {
    char *symbol;
    struct plan_paragraph paragraphs[PLAN_PARAGRAPHS_MAX];
    size_t paragraph_count;
    struct plan_section sections[PLAN_SECTIONS_MAX];
    size_t section_count;
    struct plan_instrument instruments[PLAN_INSTRUMENT_LIST_MAX];
    size_t instrument_count;
    bool ok;
} plan;

static pthread_once_t plan_once = PTHREAD_ONCE_INIT;

/* A copy of a string member; NULL when absent or null. */
static const char *jdup(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? xstrdup(v) : NULL;
}

static void plan_load(void)
{
    const struct asset *a = asset_find("plan/plan.json");
    json_error_t jerr;
    json_t *doc = a != NULL ? json_loadb(a->data, a->len, 0, &jerr) : NULL;
    if (doc == NULL) {
        log_error("plan: plan/plan.json missing or invalid");
        return;
    }
    plan.symbol = (char *)jdup(json_object_get(doc, "source"), "symbol");
    size_t i, k;
    json_t *o, *c;
    json_array_foreach(json_object_get(doc, "paragraphs"), i, o)
    {
        if (plan.paragraph_count == PLAN_PARAGRAPHS_MAX) {
            break;
        }
        struct plan_paragraph *p = &plan.paragraphs[plan.paragraph_count++];
        p->id = jdup(o, "id");
        p->part = jdup(o, "part");
        p->number = (int)json_integer_value(json_object_get(o, "number"));
        p->section = jdup(o, "section");
        p->pillar = jdup(o, "pillar");
        p->text_ar = jdup(o, "text_ar");
        p->summary_en = jdup(o, "summary_en");
        json_array_foreach(json_object_get(o, "instruments"), k, c)
        {
            if (p->instrument_count < PLAN_INSTRUMENTS_MAX && json_is_string(c)) {
                p->instruments[p->instrument_count++] = xstrdup(json_string_value(c));
            }
        }
    }
    json_array_foreach(json_object_get(doc, "sections"), i, o)
    {
        if (plan.section_count == PLAN_SECTIONS_MAX) {
            break;
        }
        struct plan_section *s = &plan.sections[plan.section_count++];
        s->code = jdup(o, "code");
        s->part = jdup(o, "part");
        s->pillar = jdup(o, "pillar");
        s->numeral_ar = jdup(o, "numeral_ar");
        s->title_ar = jdup(o, "title_ar");
        s->title_en = jdup(o, "title_en");
        s->intro_ar = jdup(o, "intro_ar");
        s->first = (int)json_integer_value(json_object_get(o, "first"));
        s->last = (int)json_integer_value(json_object_get(o, "last"));
    }
    json_array_foreach(json_object_get(doc, "instruments"), i, o)
    {
        if (plan.instrument_count == PLAN_INSTRUMENT_LIST_MAX) {
            break;
        }
        struct plan_instrument *in = &plan.instruments[plan.instrument_count++];
        in->code = jdup(o, "code");
        in->kind = jdup(o, "kind");
        in->name_en = jdup(o, "name_en");
        in->name_ar = jdup(o, "name_ar");
        in->year = (int)json_integer_value(json_object_get(o, "year"));
    }
    json_decref(doc);
    plan.ok = plan.paragraph_count > 0;
}

static bool plan_init(void)
{
    pthread_once(&plan_once, plan_load);
    return plan.ok;
}

const char *const *plan_pillars(size_t *count)
{
    *count = ARRAY_LEN(pillar_codes);
    return pillar_codes;
}

bool plan_pillar_known(const char *code)
{
    for (size_t i = 0; code != NULL && i < ARRAY_LEN(pillar_codes); i++) {
        if (strcmp(code, pillar_codes[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool plan_instrument_known(const char *code)
{
    plan_init();
    for (size_t i = 0; code != NULL && i < plan.instrument_count; i++) {
        if (strcmp(code, plan.instruments[i].code) == 0) {
            return true;
        }
    }
    return false;
}

const struct plan_paragraph *plan_data_paragraphs(size_t *count_out)
{
    *count_out = plan_init() ? plan.paragraph_count : 0;
    return plan.ok ? plan.paragraphs : NULL;
}

const struct plan_instrument *plan_data_instruments(size_t *count_out)
{
    *count_out = plan_init() ? plan.instrument_count : 0;
    return plan.ok ? plan.instruments : NULL;
}

const struct plan_section *plan_data_sections(size_t *count_out)
{
    *count_out = plan_init() ? plan.section_count : 0;
    return plan.ok ? plan.sections : NULL;
}

const char *plan_source_symbol(void)
{
    return plan_init() && plan.symbol != NULL ? plan.symbol : "";
}

static bool empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

static bool paragraph_names(const struct plan_paragraph *p, const char *code)
{
    for (size_t i = 0; i < p->instrument_count; i++) {
        if (strcmp(p->instruments[i], code) == 0) {
            return true;
        }
    }
    return false;
}

/* The permission check and audit entry of every read, and the data's presence. */
static enum status plan_read(const struct auth_ctx *ctx, const char *detail)
{
    enum status st = auth_check(ctx, "plan.read", NULL, AUTH_FG_NONE, false, detail);
    if (st == STATUS_OK && !plan_init()) {
        st = err_set(STATUS_UNAVAILABLE, "the Plan's data (plan/plan.json) is missing or invalid");
    }
    return st;
}

enum status plan_paragraphs(const struct auth_ctx *ctx, const struct plan_filter *f, const struct plan_paragraph ***out,
                            size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    struct plan_filter none = {0};
    if (f == NULL) {
        f = &none;
    }
    enum status st = plan_read(ctx, "plan paragraphs");
    if (st != STATUS_OK) {
        return st;
    }
    if (!empty(f->part) && strcmp(f->part, "resolution") != 0 && strcmp(f->part, "annex") != 0) {
        return err_set_field(STATUS_INVALID, "part", "part: \"resolution\" or \"annex\"");
    }
    if (!empty(f->pillar) && !plan_pillar_known(f->pillar)) {
        return err_set_field(STATUS_INVALID, "pillar",
                             "pillar: one of general, prevent, protect, prosecute, partner, follow_up");
    }
    if (!empty(f->instrument) && !plan_instrument_known(f->instrument)) {
        return err_set_field(STATUS_INVALID, "instrument", "instrument: not a known instrument code");
    }
    const struct plan_paragraph **list = xcalloc(plan.paragraph_count + 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < plan.paragraph_count; i++) {
        const struct plan_paragraph *p = &plan.paragraphs[i];
        if ((empty(f->part) || strcmp(p->part, f->part) == 0) &&
            (empty(f->pillar) || strcmp(p->pillar, f->pillar) == 0) &&
            (empty(f->instrument) || paragraph_names(p, f->instrument))) {
            list[n++] = p;
        }
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

enum status plan_paragraph_get(const struct auth_ctx *ctx, const char *id, const struct plan_paragraph **out)
{
    *out = NULL;
    enum status st = plan_read(ctx, "plan paragraph");
    if (st != STATUS_OK) {
        return st;
    }
    if (empty(id)) {
        return err_set_field(STATUS_INVALID, "id", "id: a paragraph id such as op-3 or annex-27");
    }
    for (size_t i = 0; i < plan.paragraph_count; i++) {
        if (strcmp(plan.paragraphs[i].id, id) == 0) {
            *out = &plan.paragraphs[i];
            return STATUS_OK;
        }
    }
    return err_set_field(STATUS_NOT_FOUND, "id", "id: no paragraph %s (op-1..op-7, annex-1..annex-61)", id);
}

enum status plan_instruments(const struct auth_ctx *ctx, const struct plan_instrument **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = plan_read(ctx, "plan instruments");
    if (st == STATUS_OK) {
        *out = plan.instruments;
        *count_out = plan.instrument_count;
    }
    return st;
}

enum status plan_sections(const struct auth_ctx *ctx, const struct plan_section **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    enum status st = plan_read(ctx, "plan sections");
    if (st == STATUS_OK) {
        *out = plan.sections;
        *count_out = plan.section_count;
    }
    return st;
}

static json_t *jstr_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *plan_paragraph_json(const struct plan_paragraph *p)
{
    json_t *inst = json_array();
    for (size_t i = 0; i < p->instrument_count; i++) {
        json_array_append_new(inst, json_string(p->instruments[i]));
    }
    return json_pack("{sssssissssssssso}", "id", p->id, "part", p->part, "number", p->number, "section", p->section,
                     "pillar", p->pillar, "text_ar", p->text_ar, "summary_en", p->summary_en, "instruments", inst);
}

json_t *plan_instrument_json(const struct plan_instrument *i)
{
    return json_pack("{sssssssosi}", "code", i->code, "kind", i->kind ? i->kind : "", "name_en", i->name_en, "name_ar",
                     jstr_or_null(i->name_ar), "year", i->year);
}

json_t *plan_section_json(const struct plan_section *s)
{
    json_t *o = json_pack("{sssssosososssisi}", "code", s->code, "part", s->part, "pillar", jstr_or_null(s->pillar),
                          "numeral_ar", jstr_or_null(s->numeral_ar), "title_ar", jstr_or_null(s->title_ar), "title_en",
                          s->title_en, "first", s->first, "last", s->last);
    if (s->intro_ar != NULL) {
        json_object_set_new(o, "intro_ar", json_string(s->intro_ar));
    }
    return o;
}
