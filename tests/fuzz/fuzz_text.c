/* fuzz_text: libFuzzer harness for the small text parsers every import and route relies on (issue
 * 10, part F): dates and times (util_time_parse, util_time_parse_end), base64url and hex,
 * vocabulary codes (vocab_parse over every vocabulary), case field values (case_value_parse for
 * every field, as an import cell or a form gives them), GLOTIP txtVALUE cells
 * (glotip_value_parse), the statistics release parameters (stats_release_spec_parse), the
 * linkage field list, CSV and blocking rules (fs_fields_parse, fs_data_read_csv, fs_rules_parse,
 * fs_block_pairs) and the i18n formatter with the input as a value. The
 * input is split at its first two NUL bytes into three texts. Checked: no crash or sanitizer
 * report, a clean status, and the round trips: a parsed time prints (ISO 8601) and parses back
 * the same; decoded base64url encodes and decodes back the same bytes; a parsed code is a code
 * of the vocabulary; a parsed field value formats and parses back to the same text (but for the one documented
 * normalisation: "unknown" for a code list with an unknown code of its own); a formatted
 * message holds the value. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/cases.h"
#include "cases/vocab.h"
#include "i18n/i18n.h"
#include "link/fs.h"
#include "link/link.h"
#include "stats/glotip.h"
#include "stats/release.h"
#include "util/mem.h"
#include "util/util.h"

#include "fuzz_part.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void clean(enum status st)
{
    ASSERT(st == STATUS_OK || st == STATUS_INVALID || st == STATUS_TOO_LARGE);
    ASSERT(st == STATUS_OK || err_last()[0] != '\0');
}

static void check_time(const char *s)
{
    int64_t ms = 0, end = 0;
    enum status st = util_time_parse(&ms, s);
    clean(st);
    enum status st_end = util_time_parse_end(&end, s);
    clean(st_end);
    ASSERT((st == STATUS_OK) == (st_end == STATUS_OK));
    if (st == STATUS_OK) {
        ASSERT(end >= ms);
        char iso[32];
        util_time_iso(iso, ms);
        int64_t again = -1;
        ASSERT(util_time_parse(&again, iso) == STATUS_OK);
        ASSERT(again == ms);
    }
}

static void check_codecs(const char *s)
{
    uint8_t *bytes = NULL;
    size_t n = 0;
    enum status st = util_b64url_decode(&bytes, &n, s, strlen(s));
    clean(st);
    if (st == STATUS_OK) {
        char *text = util_b64url_encode(bytes, n);
        uint8_t *again = NULL;
        size_t n2 = 0;
        ASSERT(util_b64url_decode(&again, &n2, text, strlen(text)) == STATUS_OK);
        ASSERT(n2 == n && (n == 0 || memcmp(again, bytes, n) == 0));
        free(again);
        free(text);
    }
    free(bytes);

    uint8_t out[32];
    if (util_hex_decode(out, sizeof out, s) == STATUS_OK) {
        char hex[2 * sizeof out + 1];
        util_hex_encode(hex, out, sizeof out);
        ASSERT(strlen(s) == 2 * sizeof out && strncasecmp(hex, s, sizeof hex) == 0);
    }
}

static void check_vocab(const char *s)
{
    size_t count = 0;
    const char *const *names = vocab_names(&count);
    for (size_t i = 0; i < count; i++) {
        const char *code = NULL;
        enum status st = vocab_parse(names[i], s, &code);
        clean(st);
        if (st == STATUS_OK && code != NULL && code[0] != '\0') {
            ASSERT(vocab_index(names[i], code) >= 0);
        }
    }
}

/* Reads text into field f of a new record and formats it again. */
static char *reformat(enum case_field_id f, const char *text)
{
    struct case_record r;
    case_record_init(&r);
    ASSERT(case_value_parse(&r, f, text) == STATUS_OK);
    char *again = case_value_format(&r, f);
    case_record_clear(&r);
    return again;
}

static void check_fields(const char *s)
{
    for (int f = 0; f < CASE_F__COUNT; f++) {
        struct case_record r;
        case_record_init(&r);
        enum status st = case_value_parse(&r, (enum case_field_id)f, s);
        clean(st);
        if (st == STATUS_OK) {
            char *text = case_value_format(&r, (enum case_field_id)f);
            char *text2 = reformat((enum case_field_id)f, text);
            /* The one documented normalisation: a code list with its own "unknown" entry reads
             * "unknown" as that code (gender: a missing "unknown" comes back NonSpecifiedUnknown);
             * after it the text is stable. */
            if (strcmp(text, text2) != 0) {
                const char *code = NULL;
                bool own =
                    case_fields[f].type == CF_CODE && vocab_parse(case_fields[f].vocab, text, &code) == STATUS_OK;
                if (!own) {
                    fprintf(stderr, "field %s: \"%s\" formats as \"%s\", which reads back as \"%s\"\n",
                            case_fields[f].name, s, text, text2);
                }
                ASSERT(own);
                char *text3 = reformat((enum case_field_id)f, text2);
                ASSERT(strcmp(text2, text3) == 0);
                free(text3);
            }
            free(text2);
            free(text);
        }
        case_record_clear(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ASSERT(i18n_init() == STATUS_OK);
        ready = true;
    }
    const uint8_t *p = data, *end = data + size;
    char *a = part(&p, end), *b = part(&p, end), *c = part(&p, end);

    check_time(a);
    check_codecs(a);
    check_vocab(a);
    check_fields(a);

    int64_t value = 0;
    enum glotip_reason reason = GLOTIP_REASON_NONE;
    enum glotip_state gs = glotip_value_parse(a, &value, &reason);
    ASSERT(gs == GLOTIP_OK || gs == GLOTIP_SUPPRESSED || gs == GLOTIP_SUSPECT);
    ASSERT((gs == GLOTIP_SUSPECT) == (reason != GLOTIP_REASON_NONE));

    struct stats_release_spec spec;
    memset(&spec, 0, sizeof spec);
    bool wanted = false;
    clean(stats_release_spec_parse(a, b, c, &spec, &wanted));
    double eps = 0;
    clean(stats_epsilon_parse(b, &eps));

    struct fs_field fields[FS_FIELDS_MAX];
    size_t nfields = 0;
    enum status st = fs_fields_parse(a, true, fields, &nfields);
    clean(st);
    ASSERT(st != STATUS_OK || nfields <= FS_FIELDS_MAX);
    if (st == STATUS_OK && c[0] != '\0') {
        /* The third text as the linkage CSV of those fields, the second as blocking rules. */
        FILE *in = fmemopen(c, strlen(c), "rb");
        ASSERT(in != NULL);
        struct fs_data *d = NULL;
        st = fs_data_read_csv(in, "id", fields, nfields, &d);
        fclose(in);
        clean(st);
        ASSERT((st == STATUS_OK) == (d != NULL));
        if (d != NULL) {
            ASSERT(d->nfields == nfields && d->count <= strlen(c));
            struct fs_rule rules[FS_RULES_MAX];
            size_t nrules = 0;
            st = fs_rules_parse(d, b, rules, &nrules);
            clean(st);
            if (st == STATUS_OK) {
                ASSERT(nrules <= FS_RULES_MAX);
                struct link_pair *pairs = NULL;
                size_t count = 0;
                st = fs_block_pairs(d, rules, nrules, &pairs, &count);
                clean(st);
                for (size_t i = 0; st == STATUS_OK && i < count; i++) {
                    ASSERT(pairs[i].a < pairs[i].b && pairs[i].b < d->count);
                }
                for (size_t i = 1; st == STATUS_OK && i < count; i++) {
                    ASSERT(pairs[i - 1].a < pairs[i].a ||
                           (pairs[i - 1].a == pairs[i].a && pairs[i - 1].b < pairs[i].b));
                }
                free(pairs);
            }
            fs_data_free(d);
        }
    }

    char *msg = i18n_format(b[0] != '\0' ? b : "en", "cli.error", "message", a, NULL);
    ASSERT(msg != NULL);
    free(msg);
    msg = i18n_format("fr", c, "message", a, c, b, NULL);
    ASSERT(msg != NULL);
    free(msg);

    free(a);
    free(b);
    free(c);
    return 0;
}
