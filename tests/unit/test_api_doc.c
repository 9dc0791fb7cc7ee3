/* test_api_doc: docs/openapi.json against the server's route table (api_routes). Both ways:
 * every route is documented under its method and pattern, and every documented operation is a
 * route; each operation's x-permission is the route's permission (absent when NULL) and its
 * x-permission-alternative the route's alternative; each has a
 * 2xx response and an error response whose JSON schema is the Error schema; public routes have
 * `security: []` and the others a security requirement; JSON-body routes document a required
 * application/json request body and 415; routes with {id} document the path parameter id.
 * The document is read from $CTIS_SOURCE_ROOT/docs/openapi.json, else docs/openapi.json or
 * ../docs/openapi.json from the working directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"

#define REF_DEPTH_MAX 8 /* a $ref that leads to another $ref, at most this often */
#define DOC_PATH_BYTES_MAX 1024

static json_t *doc; /* the parsed document, loaded once for the group */
static char doc_path[DOC_PATH_BYTES_MAX];

static const char *const method_keys[HTTP_METHOD__COUNT] = {
    [HTTP_GET] = "get", [HTTP_HEAD] = "head",   [HTTP_POST] = "post",
    [HTTP_PUT] = "put", [HTTP_PATCH] = "patch", [HTTP_DELETE] = "delete",
};

/* The operation keys of an OpenAPI path item (other keys, e.g. "parameters", are not operations). */
static const char *const operation_keys[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

static bool is_operation_key(const char *key)
{
    for (size_t i = 0; i < sizeof operation_keys / sizeof operation_keys[0]; i++) {
        if (strcmp(key, operation_keys[i]) == 0) {
            return true;
        }
    }
    return false;
}

static json_t *load_doc(void)
{
    json_error_t jerr;
    const char *root = getenv("CTIS_SOURCE_ROOT");
    const char *candidates[3];
    size_t n = 0;
    char rooted[DOC_PATH_BYTES_MAX];
    if (root != NULL && root[0] != '\0') {
        snprintf(rooted, sizeof rooted, "%s/docs/openapi.json", root);
        candidates[n++] = rooted;
    }
    candidates[n++] = "docs/openapi.json";
    candidates[n++] = "../docs/openapi.json";
    for (size_t i = 0; i < n; i++) {
        FILE *f = fopen(candidates[i], "rb");
        if (f == NULL) {
            continue;
        }
        fclose(f);
        json_t *d = json_load_file(candidates[i], JSON_REJECT_DUPLICATES, &jerr);
        if (d == NULL) {
            fprintf(stderr, "test_api_doc: %s: line %d: %s\n", candidates[i], jerr.line, jerr.text);
            return NULL;
        }
        snprintf(doc_path, sizeof doc_path, "%s", candidates[i]);
        return d;
    }
    fprintf(stderr, "test_api_doc: docs/openapi.json not found (set CTIS_SOURCE_ROOT)\n");
    return NULL;
}

static int group_setup(void **state)
{
    (void)state;
    doc = load_doc();
    return doc != NULL && json_is_object(json_object_get(doc, "paths")) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    json_decref(doc);
    doc = NULL;
    return 0;
}

/* Follows a local "$ref" ("#/components/responses/NotFound") to its target; JSON pointer escapes
 * ~1 and ~0 are decoded. Returns the node itself when it is no reference, NULL when unresolved. */
static json_t *deref(json_t *node)
{
    for (int depth = 0; depth < REF_DEPTH_MAX; depth++) {
        const char *ref = json_string_value(json_object_get(node, "$ref"));
        if (ref == NULL) {
            return node;
        }
        if (strncmp(ref, "#/", 2) != 0) {
            return NULL;
        }
        json_t *cur = doc;
        const char *p = ref + 2;
        while (cur != NULL && *p != '\0') {
            char seg[256];
            size_t len = 0;
            while (*p != '\0' && *p != '/' && len + 1 < sizeof seg) {
                if (p[0] == '~' && p[1] == '1') {
                    seg[len++] = '/';
                    p += 2;
                } else if (p[0] == '~' && p[1] == '0') {
                    seg[len++] = '~';
                    p += 2;
                } else {
                    seg[len++] = *p++;
                }
            }
            seg[len] = '\0';
            if (*p == '/') {
                p++;
            }
            cur = json_object_get(cur, seg);
        }
        if (cur == NULL) {
            return NULL;
        }
        node = cur;
    }
    return NULL;
}

static json_t *operation_of(const struct http_route *r)
{
    json_t *item = json_object_get(json_object_get(doc, "paths"), r->pattern);
    return item != NULL ? json_object_get(item, method_keys[r->method]) : NULL;
}

static const struct http_route *route_of(const char *path, const char *method_key)
{
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];
        if (strcmp(r->pattern, path) == 0 && strcmp(method_keys[r->method], method_key) == 0) {
            return r;
        }
    }
    return NULL;
}

/* Calls fn for every operation in the document. */
typedef void (*op_fn)(const char *path, const char *method, json_t *op, const struct http_route *route);

static size_t each_operation(op_fn fn)
{
    size_t count = 0;
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        const char *key;
        json_t *op;
        json_object_foreach(item, key, op)
        {
            if (!is_operation_key(key)) {
                continue;
            }
            count++;
            fn(path, key, op, route_of(path, key));
        }
    }
    return count;
}

/* ---- routes → document ------------------------------------------------------------------- */

static void test_every_route_documented(void **state)
{
    (void)state;
    assert_true(api_routes_count > 0);
    size_t missing = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];
        assert_true(r->method < HTTP_METHOD__COUNT);
        if (operation_of(r) == NULL) {
            fprintf(stderr, "%s: route %s %s is not documented\n", doc_path, method_keys[r->method], r->pattern);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_permissions_match(void **state)
{
    (void)state;
    size_t wrong = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];
        json_t *op = operation_of(r);
        if (op == NULL) {
            continue; /* reported by test_every_route_documented */
        }
        json_t *xp = json_object_get(op, "x-permission");
        const char *documented = json_string_value(xp);
        bool ok = r->permission == NULL ? xp == NULL : documented != NULL && strcmp(documented, r->permission) == 0;
        if (!ok) {
            fprintf(stderr, "%s: %s %s: x-permission is %s, the route checks %s\n", doc_path, method_keys[r->method],
                    r->pattern,
                    xp == NULL           ? "absent"
                    : documented != NULL ? documented
                                         : "not a string",
                    r->permission != NULL ? r->permission : "none");
            wrong++;
        }
        json_t *xa = json_object_get(op, "x-permission-alternative");
        const char *alt = json_string_value(xa);
        ok = r->alternative == NULL ? xa == NULL : alt != NULL && strcmp(alt, r->alternative) == 0;
        ok = ok && (r->alternative == NULL || r->permission != NULL);
        if (!ok) {
            fprintf(stderr, "%s: %s %s: x-permission-alternative is %s, the route admits %s\n", doc_path,
                    method_keys[r->method], r->pattern, alt != NULL ? alt : "absent",
                    r->alternative != NULL ? r->alternative : "none");
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

/* ---- document → routes ------------------------------------------------------------------- */

static size_t unknown_ops;

static void check_exists(const char *path, const char *method, json_t *op, const struct http_route *route)
{
    (void)op;
    if (route == NULL) {
        fprintf(stderr, "%s: %s %s is documented but is no route of api_routes\n", doc_path, method, path);
        unknown_ops++;
    }
}

static void test_every_documented_operation_is_a_route(void **state)
{
    (void)state;
    unknown_ops = 0;
    size_t n = each_operation(check_exists);
    assert_int_equal(unknown_ops, 0);
    assert_int_equal(n, api_routes_count);
}

/* ---- responses ----------------------------------------------------------------------------- */

static size_t bad_responses;

static bool references_error_schema(json_t *response)
{
    json_t *r = deref(response);
    json_t *schema = json_object_get(json_object_get(json_object_get(r, "content"), "application/json"), "schema");
    const char *ref = json_string_value(json_object_get(schema, "$ref"));
    return ref != NULL && strcmp(ref, "#/components/schemas/Error") == 0;
}

static void check_responses(const char *path, const char *method, json_t *op, const struct http_route *route)
{
    (void)route;
    json_t *responses = json_object_get(op, "responses");
    bool success = false, error = false;
    const char *code;
    json_t *resp;
    json_object_foreach(responses, code, resp)
    {
        if (deref(resp) == NULL) {
            fprintf(stderr, "%s: %s %s: response %s: unresolved $ref\n", doc_path, method, path, code);
            bad_responses++;
            continue;
        }
        if (code[0] == '2' && strlen(code) == 3) {
            success = true;
        }
        if ((code[0] == '4' || code[0] == '5') && strlen(code) == 3 && references_error_schema(resp)) {
            error = true;
        }
    }
    if (!success) {
        fprintf(stderr, "%s: %s %s: no 2xx response\n", doc_path, method, path);
        bad_responses++;
    }
    if (!error) {
        fprintf(stderr, "%s: %s %s: no error response with the Error schema\n", doc_path, method, path);
        bad_responses++;
    }
}

static void test_responses(void **state)
{
    (void)state;
    json_t *error = json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "Error");
    assert_non_null(error);
    assert_non_null(json_object_get(json_object_get(error, "properties"), "error"));
    bad_responses = 0;
    each_operation(check_responses);
    assert_int_equal(bad_responses, 0);
}

/* ---- flags: public, JSON body, path parameters ------------------------------------------------ */

static size_t bad_flags;

static bool has_response(json_t *op, const char *code)
{
    return json_object_get(json_object_get(op, "responses"), code) != NULL;
}

static bool documents_path_param(json_t *op, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        json_t *param = deref(p);
        const char *in = json_string_value(json_object_get(param, "in"));
        const char *pname = json_string_value(json_object_get(param, "name"));
        if (in != NULL && pname != NULL && strcmp(in, "path") == 0 && strcmp(pname, name) == 0 &&
            json_is_true(json_object_get(param, "required"))) {
            return true;
        }
    }
    return false;
}

static void check_flags(const char *path, const char *method, json_t *op, const struct http_route *route)
{
    if (route == NULL) {
        return; /* reported by test_every_documented_operation_is_a_route */
    }
    json_t *security = json_object_get(op, "security");
    bool public = (route->flags & HTTP_ROUTE_PUBLIC) != 0;
    if (!json_is_array(security) || (json_array_size(security) == 0) != public) {
        fprintf(stderr, "%s: %s %s: security must be %s\n", doc_path, method, path,
                public ? "[] (a public route)" : "a non-empty list (the route needs a session or token)");
        bad_flags++;
    }
    json_t *body = deref(json_object_get(op, "requestBody"));
    if (route->flags & HTTP_ROUTE_JSON_BODY) {
        json_t *media = json_object_get(json_object_get(body, "content"), "application/json");
        if (media == NULL || !json_is_true(json_object_get(body, "required")) || !has_response(op, "415")) {
            fprintf(stderr,
                    "%s: %s %s: a JSON-body route needs a required application/json requestBody and a 415 "
                    "response\n",
                    doc_path, method, path);
            bad_flags++;
        }
    } else if (body != NULL && !(route->flags & HTTP_ROUTE_UPLOAD)) { /* uploads: a raw body */
        fprintf(stderr, "%s: %s %s: documents a request body the route does not read\n", doc_path, method, path);
        bad_flags++;
    }
    /* Every {name} segment of the pattern is a required path parameter. */
    for (const char *p = strchr(route->pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        assert_non_null(end);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        if (!documents_path_param(op, name)) {
            fprintf(stderr, "%s: %s %s: path parameter %s is not documented\n", doc_path, method, path, name);
            bad_flags++;
        }
    }
}

static void test_route_flags(void **state)
{
    (void)state;
    bad_flags = 0;
    each_operation(check_flags);
    assert_int_equal(bad_flags, 0);
}

static void test_document_header(void **state)
{
    (void)state;
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(version);
    assert_int_equal(strncmp(version, "3.1.", 4), 0);
    json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
    json_t *cookie = json_object_get(schemes, "sessionCookie");
    assert_string_equal(json_string_value(json_object_get(cookie, "in")), "cookie");
    assert_string_equal(json_string_value(json_object_get(cookie, "name")), "ctis_session");
    json_t *csrf = json_object_get(schemes, "csrfHeader");
    assert_string_equal(json_string_value(json_object_get(csrf, "name")), "X-CSRF-Token");
    json_t *bearer = json_object_get(schemes, "bearerToken");
    assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_header),
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_every_documented_operation_is_a_route),
        cmocka_unit_test(test_permissions_match),
        cmocka_unit_test(test_responses),
        cmocka_unit_test(test_route_flags),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
