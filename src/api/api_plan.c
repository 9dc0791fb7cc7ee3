/* api_plan: the Plan of Action as data (issue 9, item 1): GET /api/v1/plan/paragraphs
 * (?part=&pillar=&instrument=), GET /api/v1/plan/paragraphs/{id}, GET /api/v1/plan/instruments.
 * Reading needs plan.read and is audited by plan/text.c. */
#include <stdlib.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "http/http.h"
#include "plan/text.h"

struct plan_args {
    struct plan_filter f;
    const char *id;
    const struct plan_paragraph **list;
    const struct plan_paragraph *one;
    const struct plan_instrument *instruments;
    const struct plan_section *sections;
    size_t count, section_count;
};

static enum status op_paragraphs(const struct auth_ctx *ctx, void *p)
{
    struct plan_args *a = p;
    enum status st = plan_paragraphs(ctx, &a->f, &a->list, &a->count);
    if (st == STATUS_OK) { /* plan.read was checked and audited once, above */
        a->sections = plan_data_sections(&a->section_count);
    }
    return st;
}

void api_plan_paragraphs(struct http_request *req, void *app)
{
    (void)app;
    struct plan_args a = {.f = {.part = http_request_query(req, "part"),
                                .pillar = http_request_query(req, "pillar"),
                                .instrument = http_request_query(req, "instrument")}};
    enum status st = auth_run(api__ctx(req), op_paragraphs, &a);
    json_t *body = NULL;
    if (st == STATUS_OK) {
        json_t *paras = json_array(), *sections = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(paras, plan_paragraph_json(a.list[i]));
        }
        for (size_t i = 0; i < a.section_count; i++) {
            json_array_append_new(sections, plan_section_json(&a.sections[i]));
        }
        size_t np;
        const char *const *pillars = plan_pillars(&np);
        json_t *pl = json_array();
        for (size_t i = 0; i < np; i++) {
            json_array_append_new(pl, json_string(pillars[i]));
        }
        body = json_pack("{sssososo}", "source", plan_source_symbol(), "pillars", pl, "sections", sections,
                         "paragraphs", paras);
    }
    api__respond(req, st, 200, body);
    free(a.list);
}

static enum status op_paragraph(const struct auth_ctx *ctx, void *p)
{
    struct plan_args *a = p;
    return plan_paragraph_get(ctx, a->id, &a->one);
}

void api_plan_paragraph_get(struct http_request *req, void *app)
{
    (void)app;
    struct plan_args a = {.id = http_request_param(req, "id")};
    enum status st = auth_run(api__ctx(req), op_paragraph, &a);
    api__respond(req, st, 200, st == STATUS_OK ? plan_paragraph_json(a.one) : NULL);
}

static enum status op_instruments(const struct auth_ctx *ctx, void *p)
{
    struct plan_args *a = p;
    return plan_instruments(ctx, &a->instruments, &a->count);
}

void api_plan_instruments(struct http_request *req, void *app)
{
    (void)app;
    struct plan_args a = {0};
    enum status st = auth_run(api__ctx(req), op_instruments, &a);
    json_t *body = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, plan_instrument_json(&a.instruments[i]));
        }
        body = json_pack("{so}", "instruments", arr);
    }
    api__respond(req, st, 200, body);
}
