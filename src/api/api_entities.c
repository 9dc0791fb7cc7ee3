/* api_entities: the investigative entities routes (issue 5, part J2; src/justice/entities.c):
 * entities, links and transactions of an investigation, and the search by value (the value in
 * the POST body, never in a URL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "justice/entities.h"
#include "util/mem.h"

enum ent_part { ENT_ENTITY, ENT_LINK, ENT_TX };

struct ent_args {
    enum ent_part part;
    int64_t inv_id, id, version;
    const json_t *in;
    struct justice_entity one;
    struct justice_entity *entities;
    struct justice_entity_link *links;
    struct justice_transaction *txs;
    struct justice_entity_hit *hits;
    size_t count;
    const char *kind, *value;
};

static void ent_args_free(struct ent_args *a)
{
    justice_entity_clear(&a->one);
    justice_entities_free(a->entities, a->part == ENT_ENTITY ? a->count : 0);
    free(a->links);
    justice_transactions_free(a->txs, a->part == ENT_TX ? a->count : 0);
    free(a->hits);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct ent_args *a = p;
    switch (a->part) {
    case ENT_ENTITY: return justice_entities(ctx, a->inv_id, &a->entities, &a->count);
    case ENT_LINK: return justice_entity_links(ctx, a->inv_id, &a->links, &a->count);
    default: return justice_transactions(ctx, a->inv_id, &a->txs, &a->count);
    }
}

/* The list, or (one_id != 0) the one row with that id. */
static json_t *list_json(const struct ent_args *a, int64_t one_id)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->count; i++) {
        int64_t id = a->part == ENT_ENTITY ? a->entities[i].id : a->part == ENT_LINK ? a->links[i].id : a->txs[i].id;
        json_t *j = a->part == ENT_ENTITY ? justice_entity_to_json(&a->entities[i])
                    : a->part == ENT_LINK ? justice_entity_link_to_json(&a->links[i])
                                          : justice_transaction_to_json(&a->txs[i]);
        if (one_id != 0 && id == one_id) {
            json_decref(arr);
            return j;
        }
        json_array_append_new(arr, j);
    }
    if (one_id != 0) {
        json_decref(arr);
        return NULL;
    }
    return api__items(arr);
}

static void ent_list(struct http_request *req, enum ent_part part)
{
    struct ent_args a = {.part = part};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_list, &a);
    }
    api__respond(req, st, 200, st == STATUS_OK ? list_json(&a, 0) : NULL);
    ent_args_free(&a);
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct ent_args *a = p;
    enum status st = a->part == ENT_ENTITY ? justice_entity_add(ctx, a->inv_id, a->in, &a->id)
                     : a->part == ENT_LINK ? justice_entity_link_add(ctx, a->inv_id, a->in, &a->id)
                                           : justice_transaction_add(ctx, a->inv_id, a->in, &a->id);
    if (st == STATUS_OK && a->part == ENT_ENTITY) {
        return justice_entity_get(ctx, a->inv_id, a->id, &a->one);
    }
    return st == STATUS_OK ? op_list(ctx, a) : st;
}

static void ent_add(struct http_request *req, enum ent_part part)
{
    struct ent_args a = {.part = part, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_add, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        o = part == ENT_ENTITY ? justice_entity_to_json(&a.one) : list_json(&a, a.id);
    }
    if (o != NULL && part == ENT_ENTITY) {
        http_response_etag(req, a.one.version);
    }
    api__respond(req, st, 201, o);
    ent_args_free(&a);
}

void api_investigation_entities(struct http_request *req, void *app)
{
    (void)app;
    ent_list(req, ENT_ENTITY);
}

void api_investigation_entity_add(struct http_request *req, void *app)
{
    (void)app;
    ent_add(req, ENT_ENTITY);
}

void api_investigation_entity_links(struct http_request *req, void *app)
{
    (void)app;
    ent_list(req, ENT_LINK);
}

void api_investigation_entity_link_add(struct http_request *req, void *app)
{
    (void)app;
    ent_add(req, ENT_LINK);
}

void api_investigation_transactions(struct http_request *req, void *app)
{
    (void)app;
    ent_list(req, ENT_TX);
}

void api_investigation_transaction_add(struct http_request *req, void *app)
{
    (void)app;
    ent_add(req, ENT_TX);
}

static enum status op_get(const struct auth_ctx *ctx, void *p)
{
    struct ent_args *a = p;
    return justice_entity_get(ctx, a->inv_id, a->id, &a->one);
}

static enum status op_update(const struct auth_ctx *ctx, void *p)
{
    struct ent_args *a = p;
    enum status st = justice_entity_update(ctx, a->inv_id, a->id, a->version, a->in);
    return st == STATUS_OK ? justice_entity_get(ctx, a->inv_id, a->id, &a->one) : st;
}

static void one_respond(struct http_request *req, enum status st, struct ent_args *a)
{
    if (st == STATUS_OK) {
        http_response_etag(req, a->one.version);
    }
    api__respond(req, st, 200, st == STATUS_OK ? justice_entity_to_json(&a->one) : NULL);
    ent_args_free(a);
}

void api_investigation_entity_get(struct http_request *req, void *app)
{
    (void)app;
    struct ent_args a = {.part = ENT_ENTITY};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_get, &a);
    }
    one_respond(req, st, &a);
}

void api_investigation_entity_patch(struct http_request *req, void *app)
{
    (void)app;
    struct ent_args a = {.part = ENT_ENTITY, .in = http_request_json(req)};
    enum status st = api__path_id(req, &a.inv_id);
    if (st == STATUS_OK) {
        st = api__path_sub_id(req, &a.id);
    }
    if (st == STATUS_OK) {
        st = api__if_match(req, &a.version);
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_update, &a);
    }
    one_respond(req, st, &a);
}

static enum status op_search(const struct auth_ctx *ctx, void *p)
{
    struct ent_args *a = p;
    return justice_entity_search(ctx, a->kind, a->value, &a->hits, &a->count);
}

void api_entities_search(struct http_request *req, void *app)
{
    (void)app;
    struct ent_args a = {.part = ENT_ENTITY};
    const json_t *in = http_request_json(req);
    enum status st = STATUS_OK;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        if (st == STATUS_OK && strcmp(key, "kind") != 0 && strcmp(key, "value") != 0) {
            st = err_set_field(STATUS_INVALID, key, "%s: not a known member", key);
        }
    }
    json_t *k = json_object_get(in, "kind"), *val = json_object_get(in, "value");
    if (st == STATUS_OK && !json_is_string(k)) {
        st = err_set_field(STATUS_INVALID, "kind", "kind: the entity kind, required");
    }
    if (st == STATUS_OK && !json_is_string(val)) {
        st = err_set_field(STATUS_INVALID, "value", "value: the value to find, required");
    }
    if (st == STATUS_OK) {
        a.kind = json_string_value(k);
        a.value = json_string_value(val);
        st = auth_run(api__ctx(req), op_search, &a);
    }
    json_t *o = NULL;
    if (st == STATUS_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.count; i++) {
            json_array_append_new(arr, justice_entity_hit_to_json(&a.hits[i]));
        }
        o = api__items(arr);
        http_response_header(req, "Cache-Control", "no-store");
    }
    api__respond(req, st, 200, o);
    ent_args_free(&a);
}
