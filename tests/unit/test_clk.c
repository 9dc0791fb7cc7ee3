/* test_clk: the linkage schema, the CLK encoder and the signed .clk file (issue 7, part E).
 * Schema errors name the file and the JSON pointer; encodings are deterministic for one secret and
 * unrelated for another; folding and balancing give the documented sizes (balanced encodings
 * have constant weight); a .clk file holds no name from its source, any changed byte makes it
 * unreadable, and reading it checks the signer (this instance or a trusted peer), the project and
 * the schema. The registry's persons are encoded under opaque tokens that lead back to the case.
 * On FEBRL data (when ../shared/data is there) a tiny scalar Dice with greedy 1-to-1 matching
 * measures precision and recall at 0.8. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/cases.h"
#include "link/clk.h"
#include "link/link.h"
#include "link/schema.h"
#include "testlib.h"

#define SECRET "correct horse battery staple, shared by both agencies"
#define SECRET2 "another secret, of another project entirely"

/* A format (l, folds, the ctis member): a macro, so that the format is a literal. */
#define NAMES_SCHEMA                                                                                                   \
    "{\"version\":3,\"clkConfig\":{\"l\":%d,\"xorFolds\":%d,\"kdf\":{\"type\":\"HKDF\",\"hash\":\"SHA256\","           \
    "\"salt\":\"c2FsdHNhbHQ=\",\"info\":\"aW5mbw==\",\"keySize\":64}%s},\"features\":["                                \
    "{\"identifier\":\"id\",\"ignored\":true},"                                                                        \
    "{\"identifier\":\"given\",\"format\":{\"type\":\"string\",\"maxLength\":64},"                                     \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":200}}},"                \
    "{\"identifier\":\"family\",\"format\":{\"type\":\"string\"},"                                                     \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":200}}},"                \
    "{\"identifier\":\"dob\",\"format\":{\"type\":\"date\",\"format\":\"%%Y-%%m-%%d\"},"                               \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":1,\"positional\":true},"                                    \
    "\"strategy\":{\"bitsPerFeature\":200}}},"                                                                         \
    "{\"identifier\":\"sex\",\"format\":{\"type\":\"enum\",\"values\":[\"F\",\"M\",\"X\"]},"                           \
    "\"hashing\":{\"comparison\":{\"type\":\"exact\"},\"strategy\":{\"bitsPerFeature\":50}}}]}"

static struct link_schema *schema_of(int l, int folds, const char *ctis)
{
    char buf[4096];
    snprintf(buf, sizeof buf, NAMES_SCHEMA, l, folds, ctis);
    struct link_schema *s = NULL;
    if (link_schema_parse(&s, buf, strlen(buf), "test.json") != STATUS_OK) {
        fail_msg("schema: %s", err_last());
    }
    return s;
}

static struct link_encoder *encoder_of(const struct link_schema *s, const char *secret)
{
    struct link_encoder *e = NULL;
    assert_int_equal(link_encoder_new(&e, s, (const uint8_t *)secret, strlen(secret)), STATUS_OK);
    return e;
}

static void encode(const struct link_encoder *e, const char *given, const char *family, const char *dob,
                   const char *sex, uint64_t *row)
{
    const char *v[5] = {NULL, given, family, dob, sex};
    size_t l[5] = {0, given ? strlen(given) : 0, family ? strlen(family) : 0, dob ? strlen(dob) : 0,
                   sex ? strlen(sex) : 0};
    if (link_encode_record(e, v, l, row) != STATUS_OK) {
        fail_msg("encode: %s", err_last());
    }
}

static unsigned popcount(const uint64_t *a, size_t words)
{
    unsigned p = 0;
    for (size_t i = 0; i < words; i++) {
        p += (unsigned)__builtin_popcountll(a[i]);
    }
    return p;
}

static double dice(const uint64_t *a, const uint64_t *b, size_t words)
{
    unsigned pa = popcount(a, words), pb = popcount(b, words), ab = 0;
    for (size_t i = 0; i < words; i++) {
        ab += (unsigned)__builtin_popcountll(a[i] & b[i]);
    }
    return pa + pb == 0 ? 0 : 2.0 * ab / (pa + pb);
}

/* ---- schema errors ---- */

static void expect_schema_error(const char *json, const char *pointer)
{
    struct link_schema *s = NULL;
    enum status st = link_schema_parse(&s, json, strlen(json), "bad.json");
    if (st != STATUS_INVALID) {
        fail_msg("expected an error at %s, got %d", pointer, st);
    }
    assert_null(s);
    if (strcmp(err_last_field(), pointer) != 0) {
        fail_msg("expected the field %s, got %s (%s)", pointer, err_last_field(), err_last());
    }
    assert_non_null(strstr(err_last(), "bad.json: "));
    assert_non_null(strstr(err_last(), pointer));
}

#define KDF "\"kdf\":{\"type\":\"HKDF\"}"
#define FEAT(x) "{\"identifier\":\"a\",\"format\":{\"type\":\"string\"},\"hashing\":" x "}"
#define OKHASH "{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":100}}"

static void test_schema_errors(void **state)
{
    (void)state;
    expect_schema_error("{\"version\":2,\"clkConfig\":{" KDF "},\"features\":[" FEAT(OKHASH) "]}", "/version");
    expect_schema_error("{\"version\":3,\"clkConfig\":{\"l\":1000," KDF "},\"features\":[" FEAT(OKHASH) "]}",
                        "/clkConfig/l");
    expect_schema_error("{\"version\":3,\"clkConfig\":{\"l\":128,\"xorFolds\":2," KDF
                        "},\"features\":[" FEAT(OKHASH) "]}",
                        "/clkConfig/xorFolds");
    expect_schema_error("{\"version\":3,\"clkConfig\":{\"kdf\":{\"type\":\"legacy\"}},\"features\":[" FEAT(OKHASH) "]}",
                        "/clkConfig/kdf/type");
    expect_schema_error(
        "{\"version\":3,\"clkConfig\":{\"kdf\":{\"type\":\"HKDF\",\"salt\":\"!!\"}},\"features\":[" FEAT(OKHASH) "]}",
        "/clkConfig/kdf/salt");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[" FEAT(
                            "{\"comparison\":{\"type\":\"ngram\",\"n\":0},\"strategy\":{\"bitsPerFeature\":100}}") "]}",
                        "/features/0/hashing/comparison/n");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[" FEAT(
                            "{\"comparison\":{\"type\":\"exact\"},\"strategy\":{\"bitsPerFeature\":100},"
                            "\"hash\":{\"type\":\"doubleHash\"}}") "]}",
                        "/features/0/hashing/hash/type");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF
                        "},\"features\":[" FEAT("{\"comparison\":{\"type\":\"exact\"},\"strategy\":{}}") "]}",
                        "/features/0/hashing/strategy");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[" FEAT(OKHASH) "," FEAT(OKHASH) "]}",
                        "/features/1/identifier");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[{\"identifier\":\"a\",\"format\":{"
                        "\"type\":\"date\",\"format\":\"%d/%m\"},\"hashing\":" OKHASH "}]}",
                        "/features/0/format/format");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[{\"identifier\":\"a\",\"format\":{"
                        "\"type\":\"string\",\"colour\":1},\"hashing\":" OKHASH "}]}",
                        "/features/0/format/colour");
    expect_schema_error("{\"version\":3,\"clkConfig\":{" KDF
                        ",\"ctis\":{\"salt\":{\"feature\":\"zz\"}}},\"features\":[" FEAT(OKHASH) "]}",
                        "/clkConfig/ctis/salt/feature");
    expect_schema_error("{\"version\":3,\"clkConfig\":{\"l\":8192," KDF
                        ",\"ctis\":{\"balance\":true}},\"features\":[" FEAT(OKHASH) "]}",
                        "/clkConfig/l");
    expect_schema_error(
        "{\"version\":3,\"clkConfig\":{" KDF "},\"features\":[{\"identifier\":\"a\",\"ignored\":true}]}", "/features");
    /* Not JSON at all: the line and column. */
    struct link_schema *s = NULL;
    assert_int_equal(link_schema_parse(&s, "{\"version\":", 11, "bad.json"), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "bad.json: line 1"));
    /* The shipped examples parse. */
    const char *const examples[] = {"../examples/linkage/febrl-schema.json", "../examples/linkage/persons-schema.json",
                                    "examples/linkage/febrl-schema.json", "examples/linkage/persons-schema.json"};
    int parsed = 0;
    for (size_t i = 0; i < ARRAY_LEN(examples); i++) {
        if (util_file_exists(examples[i])) {
            if (link_schema_load(&s, examples[i]) != STATUS_OK) {
                fail_msg("%s", err_last());
            }
            assert_int_equal(s->bits, strstr(examples[i], "persons") != NULL ? 2048 : 1024); /* balanced */
            link_schema_free(s);
            parsed++;
        }
    }
    assert_int_equal(parsed, 2);
}

static void test_values(void **state)
{
    (void)state;
    struct link_schema *s = schema_of(1024, 0, "");
    char *v = NULL;
    assert_int_equal(link_value_prepare(&s->features[1], "  José  ", 8, &v), STATUS_OK);
    assert_string_equal(v, "jose");
    free(v);
    assert_int_equal(link_value_prepare(&s->features[3], "1990-04-09", 10, &v), STATUS_OK);
    assert_string_equal(v, "19900409");
    free(v);
    assert_int_equal(link_value_prepare(&s->features[3], "1990", 4, &v), STATUS_OK);
    assert_string_equal(v, "1990"); /* an approximate date keeps its known part */
    free(v);
    assert_int_equal(link_value_prepare(&s->features[3], "1990-13-01", 10, &v), STATUS_INVALID);
    assert_string_equal(err_last_field(), "dob");
    assert_null(strstr(err_last(), "1990")); /* never the value */
    assert_int_equal(link_value_prepare(&s->features[4], "f", 1, &v), STATUS_OK);
    assert_string_equal(v, "f");
    free(v);
    assert_int_equal(link_value_prepare(&s->features[4], "Q", 1, &v), STATUS_INVALID);
    assert_int_equal(link_value_prepare(&s->features[1], "   ", 3, &v), STATUS_OK);
    assert_null(v); /* missing */
    link_schema_free(s);
}

/* ---- encoder ---- */

static void test_determinism(void **state)
{
    (void)state;
    struct link_schema *s = schema_of(1024, 0, "");
    struct link_encoder *e1 = encoder_of(s, SECRET), *e2 = encoder_of(s, SECRET), *e3 = encoder_of(s, SECRET2);
    uint64_t a[16], b[16], c[16], d[16], n[16];
    encode(e1, "Amina", "Okafor", "1994-03-12", "F", a);
    encode(e2, "amina", "OKAFOR", "1994-03-12", "F", b);
    encode(e3, "Amina", "Okafor", "1994-03-12", "F", c);
    encode(e1, "Aminah", "Okafor", "1994-03-12", "F", d);
    encode(e1, "Grace", "Mensah", "1987-11-02", "F", n);
    assert_memory_equal(a, b, sizeof a); /* same secret, same bits (case folded) */
    assert_true(dice(a, c, 16) < 0.7);   /* another secret: unrelated */
    assert_true(dice(a, d, 16) > 0.85);  /* a typo: still close */
    assert_true(dice(a, n, 16) < 0.7);   /* another person */
    unsigned p = popcount(a, 16);
    assert_true(p > 250 && p < 700);
    /* Missing values set no bits. */
    uint64_t z[16];
    encode(e1, NULL, "", NULL, NULL, z);
    assert_int_equal(popcount(z, 16), 0);
    link_encoder_free(e1);
    link_encoder_free(e2);
    link_encoder_free(e3);
    /* A secret too short is refused. */
    struct link_encoder *e = NULL;
    assert_int_equal(link_encoder_new(&e, s, (const uint8_t *)"short", 5), STATUS_INVALID);
    link_schema_free(s);
}

static void test_fold_balance_salt(void **state)
{
    (void)state;
    struct link_schema *plain = schema_of(2048, 0, "");
    struct link_schema *fold = schema_of(2048, 1, "");
    struct link_schema *bal = schema_of(1024, 0, ",\"ctis\":{\"balance\":true}");
    struct link_schema *salt = schema_of(1024, 0, ",\"ctis\":{\"salt\":{\"feature\":\"dob\",\"prefix\":4}}");
    assert_int_equal(plain->bits, 2048);
    assert_int_equal(fold->bits, 1024);
    assert_int_equal(bal->bits, 2048);
    assert_int_equal(salt->bits, 1024);
    /* Each schema has its own digest. */
    assert_memory_not_equal(plain->digest, fold->digest, 32);
    struct link_encoder *ep = encoder_of(plain, SECRET), *ef = encoder_of(fold, SECRET), *eb = encoder_of(bal, SECRET),
                        *es = encoder_of(salt, SECRET);
    uint64_t p[32], f[16], b1[32], b2[32], s1[16], s2[16], s3[16];
    encode(ep, "Amina", "Okafor", "1994-03-12", "F", p);
    encode(ef, "Amina", "Okafor", "1994-03-12", "F", f);
    /* Folding: the XOR of the halves of the unfolded filter. */
    for (int i = 0; i < 16; i++) {
        assert_true(f[i] == (p[i] ^ p[i + 16]));
    }
    /* Balancing: constant weight, half the bits. */
    encode(eb, "Amina", "Okafor", "1994-03-12", "F", b1);
    encode(eb, "Grace", "Mensah", NULL, NULL, b2);
    assert_int_equal(popcount(b1, 32), 1024);
    assert_int_equal(popcount(b2, 32), 1024);
    /* Salting: the same name in another birth year shares no name bits by construction. */
    encode(es, "Amina", "Okafor", "1994-03-12", NULL, s1);
    encode(es, "Amina", "Okafor", "1994-03-13", NULL, s2);
    encode(es, "Amina", "Okafor", "1995-03-12", NULL, s3);
    assert_true(dice(s1, s2, 16) > 0.9);
    assert_true(dice(s1, s3, 16) < 0.6);
    link_encoder_free(ep);
    link_encoder_free(ef);
    link_encoder_free(eb);
    link_encoder_free(es);
    link_schema_free(plain);
    link_schema_free(fold);
    link_schema_free(bal);
    link_schema_free(salt);
}

/* ---- CSV and the file ---- */

static const char *const first_names[] = {"Amina",  "Grace",   "Fatima", "Joseph",    "Esther", "Mariam",  "Blessing",
                                          "Chinwe", "Natalia", "Olena",  "Svetlana",  "Thanh",  "Nguyen",  "Rosario",
                                          "Ahmad",  "Layla",   "Dmitri", "Francisco", "Juana",  "Precious"};
static const char *const last_names[] = {"Okafor", "Mensah",   "Ibrahim",  "Kovalenko", "Petrenko", "Tran",
                                         "Pham",   "Gonzalez", "Mendoza",  "Haddad",    "Nasser",   "Ivanova",
                                         "Osei",   "Adeyemi",  "Sokolova", "Ramirez",   "Quispe",   "Mwangi"};

/* A CSV of n generated persons; returns its path (static buffer). */
static const char *write_csv(const char *dir, int n, bool with_bad_row)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/persons.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "id, given, family, dob, sex, notes\n");
    for (int i = 0; i < n; i++) {
        fprintf(f, "p%d, %s, %s, %d-%02d-%02d, %s, ignored column\n", i, first_names[i % ARRAY_LEN(first_names)],
                last_names[(i * 7) % ARRAY_LEN(last_names)], 1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 2 ? "F" : "M");
    }
    if (with_bad_row) {
        fprintf(f, "p%d, Amina, Okafor, 1994-02-31x, F, x\n", n);
    }
    fclose(f);
    return path;
}

static struct link_clkset *encode_csv(const struct link_encoder *e, const char *path, const char *idcol,
                                      enum status want)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct link_csv_options o = {.id_column = idcol, .threads = 2};
    struct link_clkset *set = NULL;
    enum status st = link_encode_csv(e, f, path, &o, &set);
    fclose(f);
    if (st != want) {
        fail_msg("encode_csv: %d %s", st, err_last());
    }
    return set;
}

static void test_csv_errors(void **state)
{
    (void)state;
    struct test_env t;
    test_env_open(&t);
    struct link_schema *s = schema_of(1024, 0, "");
    struct link_encoder *e = encoder_of(s, SECRET);
    const char *path = write_csv(t.dir, 10, true);
    assert_null(encode_csv(e, path, "id", STATUS_INVALID));
    assert_non_null(strstr(err_last(), "line 12"));
    assert_non_null(strstr(err_last(), "column dob"));
    assert_string_equal(err_last_field(), "dob");
    assert_null(encode_csv(e, path, "rec_id", STATUS_INVALID));
    assert_non_null(strstr(err_last(), "line 1"));
    FILE *f = fopen(path, "w");
    fprintf(f, "id,given,family,dob,sex\np1,Amina,Okafor,,\np2,Grace,Mensah,,\np1,Olena,Petrenko,,\n");
    fclose(f);
    assert_null(encode_csv(e, path, "id", STATUS_INVALID));
    assert_non_null(strstr(err_last(), "line 4, column id: the same id as line 2"));
    f = fopen(path, "w");
    fprintf(f, "id,given,family\np1,Amina,Okafor\n");
    fclose(f);
    assert_null(encode_csv(e, path, "id", STATUS_INVALID));
    assert_non_null(strstr(err_last(), "\"dob\""));
    link_encoder_free(e);
    link_schema_free(s);
    test_env_close(&t);
}

/* Case-insensitive search for needle in a binary buffer. */
static bool contains_ci(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;
        while (j < n && tolower(hay[i + j]) == tolower((unsigned char)needle[j])) {
            j++;
        }
        if (j == n) {
            return true;
        }
    }
    return false;
}

static void test_file_no_names_and_tamper(void **state)
{
    (void)state;
    struct test_env t;
    test_env_open(&t);
    struct link_schema *s = schema_of(1024, 0, "");
    struct link_encoder *e = encoder_of(s, SECRET);
    const char *path = write_csv(t.dir, 200, false);
    struct link_clkset *set = encode_csv(e, path, "id", STATUS_OK);
    assert_int_equal(set->count, 200);
    assert_string_equal(set->ids[7], "p7");
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(link_clkfile_encode(t.vault, set, "proj-1", s, "Agency A", &buf, &len), STATUS_OK);
    /* No name of 4 or more letters from the source appears in the file. */
    for (size_t i = 0; i < ARRAY_LEN(first_names); i++) {
        assert_false(contains_ci(buf, len, first_names[i]));
    }
    for (size_t i = 0; i < ARRAY_LEN(last_names); i++) {
        assert_false(contains_ci(buf, len, last_names[i]));
    }
    /* It decodes to the same encodings. */
    struct link_clkset *back = NULL;
    struct link_clkheader h;
    assert_int_equal(link_clkfile_decode(buf, len, &back, &h), STATUS_OK);
    assert_int_equal(back->count, 200);
    assert_string_equal(h.project, "proj-1");
    assert_string_equal(h.signer, "Agency A");
    assert_memory_equal(back->bits, set->bits, set->count * set->words * 8);
    assert_memory_equal(back->pop, set->pop, set->count * sizeof *set->pop);
    assert_string_equal(back->ids[199], "p199");
    link_clkset_free(back);
    /* A changed byte anywhere makes it unreadable; past the header, as a failed signature. */
    const uint8_t *nl = memchr(buf + strlen(LINK_CLK_MAGIC), '\n', len);
    size_t body = (size_t)(nl - buf) + 1;
    for (size_t i = 0; i < len; i += (i < body ? 1 : 37)) {
        buf[i] ^= 0x20;
        enum status st = link_clkfile_decode(buf, len, NULL, NULL);
        buf[i] ^= 0x20;
        if (st == STATUS_OK) {
            fail_msg("byte %zu changed and the file still reads", i);
        }
        if (i >= body && st != STATUS_CRYPTO && st != STATUS_INVALID) {
            fail_msg("byte %zu: status %d", i, st);
        }
    }
    buf[len - 1] ^= 1;
    assert_int_equal(link_clkfile_decode(buf, len, NULL, NULL), STATUS_CRYPTO);
    buf[len - 1] ^= 1;
    buf[body + 10] ^= 1; /* inside the first encoding */
    assert_int_equal(link_clkfile_decode(buf, len, NULL, NULL), STATUS_CRYPTO);
    buf[body + 10] ^= 1;
    /* Cut short, or longer. */
    assert_int_not_equal(link_clkfile_decode(buf, len - 1, NULL, NULL), STATUS_OK);
    assert_int_not_equal(link_clkfile_decode(buf, body + 10, NULL, NULL), STATUS_OK);
    free(buf);
    link_clkset_free(set);
    link_encoder_free(e);
    link_schema_free(s);
    test_env_close(&t);
}

static void test_read_checks(void **state)
{
    (void)state;
    struct test_env t, other;
    test_env_open(&t);
    test_env_open(&other);
    struct link_schema *s = schema_of(1024, 0, ""), *s2 = schema_of(2048, 0, "");
    struct link_encoder *e = encoder_of(s, SECRET);
    const char *path = write_csv(t.dir, 20, false);
    struct link_clkset *set = encode_csv(e, path, "id", STATUS_OK), *got = NULL;
    char mine[600], theirs[600];
    snprintf(mine, sizeof mine, "%s/mine.clk", t.dir);
    snprintf(theirs, sizeof theirs, "%s/theirs.clk", t.dir);
    assert_int_equal(link_clkfile_write(t.vault, mine, set, "proj-1", s, "Agency A"), STATUS_OK);
    assert_int_equal(link_clkfile_write(other.vault, theirs, set, "proj-1", s, "Agency B"), STATUS_OK);
    struct link_clkheader h;
    /* Its own file: trusted as self. */
    assert_int_equal(link_clkfile_read(t.store, t.vault, mine, "proj-1", s->digest, &got, &h), STATUS_OK);
    assert_string_equal(h.trusted_as, "self");
    assert_int_equal(got->count, 20);
    link_clkset_free(got);
    /* Wrong project, wrong schema. */
    assert_int_equal(link_clkfile_read(t.store, t.vault, mine, "proj-2", NULL, &got, &h), STATUS_CONFLICT);
    assert_null(got);
    assert_int_equal(link_clkfile_read(t.store, t.vault, mine, "proj-1", s2->digest, &got, &h), STATUS_CONFLICT);
    assert_string_equal(err_last_field(), "schema");
    /* An untrusted signer, then trusted as a peer. */
    assert_int_equal(link_clkfile_read(t.store, t.vault, theirs, "proj-1", s->digest, &got, &h), STATUS_DENIED);
    uint8_t pk[VAULT_PUBKEY_BYTES];
    vault_public_key(other.vault, pk);
    assert_int_equal(vault_peer_add(t.store, "agency-b.ruritania", pk), STATUS_OK);
    assert_int_equal(link_clkfile_read(t.store, t.vault, theirs, "proj-1", s->digest, &got, &h), STATUS_OK);
    assert_string_equal(h.trusted_as, "agency-b.ruritania");
    assert_string_equal(h.signer, "Agency B");
    link_clkset_free(got);
    /* A file that is not a .clk file. */
    assert_int_equal(link_clkfile_read(t.store, t.vault, path, "proj-1", NULL, &got, &h), STATUS_INVALID);
    /* Bad arguments when writing. */
    assert_int_equal(link_clkfile_write(t.vault, mine, set, "proj 1", s, "A"), STATUS_INVALID);
    assert_int_equal(link_clkfile_write(t.vault, mine, set, "proj-1", s2, "A"), STATUS_INVALID);
    link_clkset_free(set);
    link_encoder_free(e);
    link_schema_free(s);
    link_schema_free(s2);
    test_env_close(&other);
    test_env_close(&t);
}

/* ---- the registry's persons ---- */

struct mk {
    struct case_record in;
    struct case_record *out;
};

static enum status op_create(const struct auth_ctx *ctx, void *p)
{
    struct mk *m = p;
    return case_create(ctx, &m->in, &m->out);
}

struct enc {
    const struct link_encoder *e;
    struct link_clkset *set;
    const char *token;
    int64_t case_id;
};

static enum status op_persons(const struct auth_ctx *ctx, void *p)
{
    struct enc *o = p;
    return link_encode_persons(ctx, o->e, "proj-db", NULL, NULL, &o->set);
}

static enum status op_token(const struct auth_ctx *ctx, void *p)
{
    struct enc *o = p;
    return link_token_case(ctx, "proj-db", o->token, &o->case_id);
}

static const char *const persons_schema =
    "{\"version\":3,\"clkConfig\":{\"kdf\":{\"type\":\"HKDF\"}},\"features\":["
    "{\"identifier\":\"given_name\",\"format\":{\"type\":\"string\"},"
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":200}}},"
    "{\"identifier\":\"family_name\",\"format\":{\"type\":\"string\"},"
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":200}}},"
    "{\"identifier\":\"birth_date\",\"format\":{\"type\":\"date\",\"format\":\"%Y-%m-%d\"},"
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":1,\"positional\":true},"
    "\"strategy\":{\"bitsPerFeature\":200}}}]}";

static void test_persons(void **state)
{
    (void)state;
    struct test_env t;
    test_env_open(&t);
    int64_t ag = test_agency(&t, "Agency A");
    int64_t inv = test_user(&t, "investigator1", ag, "investigator", "agency");
    int64_t cw = test_user(&t, "caseworker1", ag, "caseworker", "agency");
    int64_t ids[3];
    const char *const given[] = {"Amina", "Grace", "Olena"}, *const family[] = {"Okafor", "Mensah", "Kovalenko"};
    for (int i = 0; i < 3; i++) {
        struct test_as a;
        test_as_user(&t, &a, cw);
        struct mk m = {0};
        case_record_init(&m.in);
        assert_int_equal(case_value_parse(&m.in, CASE_F_given_name, given[i]), STATUS_OK);
        assert_int_equal(case_value_parse(&m.in, CASE_F_family_name, family[i]), STATUS_OK);
        assert_int_equal(case_value_parse(&m.in, CASE_F_birth_date, "1994-03-12"), STATUS_OK);
        if (auth_run(&a.ctx, op_create, &m) != STATUS_OK) {
            fail_msg("create: %s", err_last());
        }
        ids[i] = m.out->id;
        case_record_free(m.out);
        case_record_clear(&m.in);
        auth_principal_clear(&a.p);
    }
    struct link_schema *s = NULL;
    assert_int_equal(link_schema_parse(&s, persons_schema, strlen(persons_schema), "persons.json"), STATUS_OK);
    struct link_encoder *e = encoder_of(s, SECRET);
    /* Without link.run: refused. */
    struct test_as a;
    test_as_user(&t, &a, cw);
    struct enc o = {.e = e};
    assert_int_equal(auth_run(&a.ctx, op_persons, &o), STATUS_DENIED);
    assert_null(o.set);
    auth_principal_clear(&a.p);
    /* The investigator encodes the three, under opaque tokens. */
    test_as_user(&t, &a, inv);
    if (auth_run(&a.ctx, op_persons, &o) != STATUS_OK) {
        fail_msg("persons: %s", err_last());
    }
    assert_int_equal(o.set->count, 3);
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(link_clkfile_encode(t.vault, o.set, "proj-db", s, "Agency A", &buf, &len), STATUS_OK);
    for (int i = 0; i < 3; i++) {
        assert_false(contains_ci(buf, len, given[i]));
        assert_false(contains_ci(buf, len, family[i]));
        char idtext[32];
        snprintf(idtext, sizeof idtext, "\"%lld\"", (long long)ids[i]);
        assert_false(contains_ci(buf, len, idtext));
    }
    free(buf);
    /* A token leads back to its case, for this agency. */
    for (size_t i = 0; i < o.set->count; i++) {
        assert_int_equal(strlen(o.set->ids[i]), 32);
        struct enc q = {.token = o.set->ids[i]};
        assert_int_equal(auth_run(&a.ctx, op_token, &q), STATUS_OK);
        char want[33];
        link_token(t.vault, "proj-db", q.case_id, want);
        assert_string_equal(want, o.set->ids[i]);
    }
    struct enc q = {.token = "00000000000000000000000000000000"};
    assert_int_equal(auth_run(&a.ctx, op_token, &q), STATUS_NOT_FOUND);
    /* Encoding again gives the same tokens and encodings. */
    struct enc o2 = {.e = e};
    assert_int_equal(auth_run(&a.ctx, op_persons, &o2), STATUS_OK);
    assert_memory_equal(o.set->bits, o2.set->bits, 3 * o.set->words * 8);
    link_clkset_free(o.set);
    link_clkset_free(o2.set);
    auth_principal_clear(&a.p);
    link_encoder_free(e);
    link_schema_free(s);
    test_env_close(&t);
}

/* ---- FEBRL: precision and recall of the default encoding ---- */

struct scored {
    uint32_t a, b;
    double score;
};

static int by_score(const void *x, const void *y)
{
    const struct scored *p = x, *q = y;
    return p->score < q->score ? 1 : p->score > q->score ? -1 : 0;
}

/* The entity number of a FEBRL id "rec-<n>-org" or "rec-<n>-dup-<k>". */
static long entity_of(const char *id)
{
    return strtol(id + 4, NULL, 10);
}

static void test_febrl_quality(void **state)
{
    (void)state;
    char data[512], schema_path[512];
    if (!test_shared_data_path("febrl/dataset1.csv", data, sizeof data)) {
        printf("skipping the FEBRL measure: ../shared/data/febrl/dataset1.csv is absent\n");
        skip();
    }
    snprintf(schema_path, sizeof schema_path, "%s",
             util_file_exists("../examples/linkage/febrl-schema.json") ? "../examples/linkage/febrl-schema.json"
                                                                       : "examples/linkage/febrl-schema.json");
    struct link_schema *s = NULL;
    if (link_schema_load(&s, schema_path) != STATUS_OK) {
        fail_msg("%s", err_last());
    }
    struct link_encoder *e = encoder_of(s, SECRET);
    struct link_clkset *all = encode_csv(e, data, "rec_id", STATUS_OK);
    /* Two parties: the originals and the duplicates. */
    size_t na = 0, nb = 0, *ia = xcalloc(all->count, sizeof *ia), *ib = xcalloc(all->count, sizeof *ib);
    for (size_t i = 0; i < all->count; i++) {
        if (strstr(all->ids[i], "-org") != NULL) {
            ia[na++] = i;
        } else {
            ib[nb++] = i;
        }
    }
    size_t truth = 0;
    for (size_t j = 0; j < nb; j++) {
        for (size_t i = 0; i < na; i++) {
            truth += entity_of(all->ids[ia[i]]) == entity_of(all->ids[ib[j]]);
        }
    }
    size_t cap = 1024, n = 0;
    struct scored *pairs = xmalloc(cap * sizeof *pairs);
    const double t = 0.8;
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            double d = dice(link_clkset_row(all, ia[i]), link_clkset_row(all, ib[j]), all->words);
            if (d >= t) {
                if (n == cap) {
                    cap *= 2;
                    pairs = xrealloc(pairs, cap * sizeof *pairs);
                }
                pairs[n++] = (struct scored){(uint32_t)i, (uint32_t)j, d};
            }
        }
    }
    qsort(pairs, n, sizeof *pairs, by_score);
    bool *ta = xcalloc(na, 1), *tb = xcalloc(nb, 1);
    size_t found = 0, right = 0;
    for (size_t k = 0; k < n; k++) {
        if (ta[pairs[k].a] || tb[pairs[k].b]) {
            continue;
        }
        ta[pairs[k].a] = tb[pairs[k].b] = true;
        found++;
        right += entity_of(all->ids[ia[pairs[k].a]]) == entity_of(all->ids[ib[pairs[k].b]]);
    }
    double precision = found ? (double)right / (double)found : 0, recall = truth ? (double)right / (double)truth : 0;
    printf("FEBRL dataset1, originals x duplicates (%zu x %zu, %zu true pairs), 1024-bit CLKs, greedy 1-to-1 at %.2f: "
           "precision %.3f, recall %.3f\n",
           na, nb, truth, t, precision, recall);
    assert_true(precision >= 0.99);
    assert_true(recall >= 0.9);
    free(ta);
    free(tb);
    free(pairs);
    free(ia);
    free(ib);
    link_clkset_free(all);
    link_encoder_free(e);
    link_schema_free(s);
}

int main(void)
{
    if (vault_library_init() != STATUS_OK) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_persons),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_schema_errors), cmocka_unit_test(test_values),
        cmocka_unit_test(test_determinism),   cmocka_unit_test(test_fold_balance_salt),
        cmocka_unit_test(test_csv_errors),    cmocka_unit_test(test_file_no_names_and_tamper),
        cmocka_unit_test(test_read_checks),   cmocka_unit_test(test_febrl_quality),
    };
    int failures = cmocka_run_group_tests_name("clk", plain, NULL, NULL);
    test_engine = "sqlite";
    failures += cmocka_run_group_tests_name("clk persons (sqlite)", tests, NULL, NULL);
    if (getenv("TEST_PG_URL") && getenv("TEST_PG_URL")[0]) {
        test_engine = "postgres";
        failures += cmocka_run_group_tests_name("clk persons (postgresql)", tests, NULL, NULL);
    } else {
        printf("skipping PostgreSQL: TEST_PG_URL not set\n");
    }
    return failures;
}
