/* fuzz_json: libFuzzer harness for the request-body parser. Feeds arbitrary bytes to
 * http_json_depth_check and http_json_parse, and checks what a successful parse promises: an
 * object, within the depth limit, whose fields the getters read without failing unexpectedly,
 * and which serialises and parses again. Any crash, sanitizer report or ASSERT is a finding. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/limits.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    json_t *root = NULL;
    json_t *again = NULL;
    char *dump = NULL;

    /* The scanner alone, with a small and the real limit. */
    enum status small = http_json_depth_check(text, size, 2);
    enum status depth = http_json_depth_check(text, size, JSON_DEPTH_MAX);
    ASSERT(small == STATUS_OK || small == STATUS_TOO_LARGE || small == STATUS_INVALID);
    ASSERT(!(depth == STATUS_TOO_LARGE && small != STATUS_TOO_LARGE));

    if (http_json_parse(&root, text, size) != STATUS_OK) {
        ASSERT(root == NULL);
        goto out;
    }
    ASSERT(json_is_object(root));
    ASSERT(depth == STATUS_OK);
    ASSERT(json_object_size(root) <= JSON_KEYS_MAX);

    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        const char *s = NULL;
        int64_t i = 0;
        bool b = false;
        enum status st = http_json_string(root, key, false, FIELD_TEXT_BYTES_MAX, &s);
        ASSERT(st == STATUS_OK || !json_is_string(value) || json_string_length(value) > FIELD_TEXT_BYTES_MAX);
        st = http_json_int(root, key, true, &i);
        ASSERT((st == STATUS_OK) == json_is_integer(value));
        st = http_json_bool(root, key, true, &b);
        ASSERT((st == STATUS_OK) == json_is_boolean(value));
    }

    /* What was accepted serialises, and the serialised form is accepted too. */
    dump = json_dumps(root, JSON_COMPACT);
    ASSERT(dump != NULL);
    size_t len = strlen(dump);
    if (len <= HTTP_BODY_BYTES_MAX) {
        ASSERT(http_json_parse(&again, dump, len) == STATUS_OK);
        ASSERT(json_equal(root, again));
    }
out:
    free(dump);
    json_decref(again);
    json_decref(root);
    return 0;
}
