/* test_match: the matching of sets of encodings (src/link/match.h): every kernel against a plain
 * reference on random data of odd sizes; exact Dice values on known vectors; popcount pruning
 * and the cache-run loop against a brute-force double loop; threads give the result of one
 * thread; greedy 1-to-1 is 1-to-1 and takes the best; LSH recall on synthetic near pairs;
 * deduplication clusters; multi-party groups; the histogram's suggested threshold; the CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "link/match.h"

static uint64_t rng = 0x1234567ull;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unif(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* Each bit set with probability density (0.5: whole random words). */
static void fill_random(struct link_clkset *s, size_t i, double density)
{
    uint64_t *row = link_clkset_row(s, i);
    for (size_t w = 0; w < s->words; w++) {
        if (density == 0.5) {
            row[w] = rnd();
            continue;
        }
        uint64_t v = 0;
        for (int b = 0; b < 64; b++) {
            v |= (uint64_t)(unif() < density) << b;
        }
        row[w] = v;
    }
}

/* dst row di = src row si with each bit flipped with probability flip. */
static void copy_flip(struct link_clkset *dst, size_t di, const struct link_clkset *src, size_t si, double flip)
{
    uint64_t *d = link_clkset_row(dst, di);
    const uint64_t *s = link_clkset_row(src, si);
    for (size_t w = 0; w < dst->words; w++) {
        uint64_t m = 0;
        for (int b = 0; b < 64; b++) {
            m |= (uint64_t)(unif() < flip) << b;
        }
        d[w] = s[w] ^ m;
    }
}

static struct link_clkset *new_set(size_t count, size_t bits)
{
    struct link_clkset *s = NULL;
    assert_int_equal(link_clkset_new(&s, count, bits), STATUS_OK);
    return s;
}

static uint32_t ref_and_pop(const uint64_t *a, const uint64_t *b, size_t words)
{
    uint32_t c = 0;
    for (size_t w = 0; w < words; w++) {
        for (int x = 0; x < 64; x++) {
            c += (uint32_t)(((a[w] & b[w]) >> x) & 1);
        }
    }
    return c;
}

static const enum link_kernel all_kernels[] = {LINK_KERNEL_PORTABLE, LINK_KERNEL_SCALAR, LINK_KERNEL_AVX2,
                                               LINK_KERNEL_AVX512};

static void test_kernels__agree_with_reference(void **state)
{
    (void)state;
    static const size_t widths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 128};
    static const size_t ns[] = {0, 1, 7, 8, 9, 17, 64, 100};
    int kernels_run = 0;
    for (size_t ki = 0; ki < sizeof all_kernels / sizeof all_kernels[0]; ki++) {
        const struct link_kernel_ops *k = link_kernel_get(all_kernels[ki]);
        if (k == NULL) {
            print_message("kernel %d not available on this CPU: skipped\n", (int)all_kernels[ki]);
            continue;
        }
        kernels_run++;
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
            size_t words = widths[wi];
            struct link_clkset *s = new_set(101, words * 64);
            for (size_t i = 0; i < s->count; i++) {
                fill_random(s, i, i % 3 == 0 ? 0.5 : 0.1 + 0.8 * unif());
            }
            link_clkset_popcounts(s);
            for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
                size_t n = ns[ni];
                uint32_t out[100], pops[100], counts[100], hits[100];
                const uint64_t *q = link_clkset_row(s, 0);
                k->and_pop(q, link_clkset_row(s, 1), n, words, out);
                k->pop(link_clkset_row(s, 1), n, words, pops);
                uint32_t t16 = 40000; /* about 0.61 */
                size_t h = k->scan(q, s->pop[0], link_clkset_row(s, 1), s->pop + 1, n, words, t16, counts, hits);
                size_t want_h = 0;
                for (size_t j = 0; j < n; j++) {
                    uint32_t ref = ref_and_pop(q, link_clkset_row(s, 1 + j), words);
                    assert_int_equal(out[j], ref);
                    assert_int_equal(counts[j], ref);
                    assert_int_equal(pops[j], s->pop[1 + j]);
                    if ((ref << 17) >= t16 * (s->pop[0] + s->pop[1 + j])) {
                        assert_true(want_h < h);
                        assert_int_equal(hits[want_h], j);
                        want_h++;
                    }
                }
                assert_int_equal(h, want_h);
            }
            link_clkset_free(s);
        }
    }
    assert_true(kernels_run >= 1);
}

static void test_kernels__environment_chooses(void **state)
{
    (void)state;
    const char *outer = getenv("CTIS_LINK_KERNEL"); /* the run may force a kernel: restored below */
    char *saved = outer != NULL ? strdup(outer) : NULL;
    unsetenv("CTIS_LINK_KERNEL");
    const struct link_kernel_ops *best = link_kernel_get(LINK_KERNEL_AUTO);
    assert_non_null(best);
    setenv("CTIS_LINK_KERNEL", "portable", 1);
    assert_string_equal(link_kernel_get(LINK_KERNEL_AUTO)->name, "portable");
    if (link_kernel_available(LINK_KERNEL_SCALAR)) {
        setenv("CTIS_LINK_KERNEL", "scalar", 1);
        assert_string_equal(link_kernel_get(LINK_KERNEL_AUTO)->name, "scalar");
    }
    setenv("CTIS_LINK_KERNEL", "nonsense", 1);
    assert_string_equal(link_kernel_get(LINK_KERNEL_AUTO)->name, best->name);
    unsetenv("CTIS_LINK_KERNEL");
    if (saved != NULL) {
        setenv("CTIS_LINK_KERNEL", saved, 1);
        free(saved);
    }
    enum link_kernel k;
    assert_true(link_kernel_parse("avx512", &k));
    assert_int_equal(k, LINK_KERNEL_AVX512);
    assert_false(link_kernel_parse("AVX", &k));
}

static void set_bits(struct link_clkset *s, size_t i, unsigned from, unsigned to)
{
    uint64_t *row = link_clkset_row(s, i);
    for (unsigned b = from; b < to; b++) {
        row[b / 64] |= 1ull << (b % 64);
    }
}

static void test_dice__known_vectors(void **state)
{
    (void)state;
    struct link_clkset *a = new_set(3, 1024), *b = new_set(3, 1024);
    set_bits(a, 0, 0, 10);    /* 10 bits */
    set_bits(b, 0, 5, 15);    /* 10 bits, 5 shared: Dice 0.5 */
    set_bits(a, 1, 100, 400); /* 300 bits */
    set_bits(b, 1, 100, 400); /* the same: 1.0 */
    set_bits(a, 2, 500, 503); /* 3 bits */
    set_bits(b, 2, 500, 501); /* 1 bit, shared: 2/4 = 0.5 */
    link_clkset_popcounts(a);
    link_clkset_popcounts(b);
    assert_true(link_dice(0, 0, 0) == 0.0);
    assert_true(link_dice(5, 10, 10) == 0.5);
    assert_true(link_dice(1, 3, 1) == 0.5);
    struct link_match_opts o = {.threshold = 0.5, .all_pairs = true, .threads = 1};
    struct link_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    assert_int_equal(n, 3);
    assert_true(p[0].a == 1 && p[0].b == 1 && p[0].score == 1.0);
    assert_true(p[1].a == 0 && p[1].b == 0 && p[1].score == 0.5); /* ties: by a */
    assert_true(p[2].a == 2 && p[2].b == 2 && p[2].score == 0.5);
    free(p);
    o.threshold = 0.5000001; /* exact comparison: 0.5 is below */
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    assert_int_equal(n, 1);
    free(p);
    link_clkset_free(a);
    link_clkset_free(b);
}

/* Random sets with widely spread popcounts (so that the bound prunes) and planted near pairs. */
static void spread_sets(struct link_clkset **ao, struct link_clkset **bo, size_t na, size_t nb, size_t bits)
{
    struct link_clkset *a = new_set(na, bits), *b = new_set(nb, bits);
    for (size_t i = 0; i < na; i++) {
        fill_random(a, i, 0.05 + 0.6 * unif());
    }
    for (size_t i = 0; i < nb; i++) {
        if (i < na / 2 && i % 2 == 0) {
            copy_flip(b, i, a, i, 0.02 + 0.2 * unif());
        } else {
            fill_random(b, i, 0.05 + 0.6 * unif());
        }
    }
    link_clkset_popcounts(a);
    link_clkset_popcounts(b);
    *ao = a;
    *bo = b;
}

static int cmp_ab(const void *x, const void *y)
{
    const struct link_pair *p = x, *q = y;
    return p->a != q->a ? (p->a < q->a ? -1 : 1) : (p->b < q->b ? -1 : (p->b > q->b));
}

static void test_match__pruning_equals_brute_force(void **state)
{
    (void)state;
    struct link_clkset *a, *b;
    spread_sets(&a, &b, 300, 411, 1024);
    static const double ts[] = {0.0, 0.3, 0.5, 0.8, 0.95};
    for (size_t ti = 0; ti < sizeof ts / sizeof ts[0]; ti++) {
        double t = ts[ti];
        size_t nref = 0;
        struct link_pair *ref = malloc(a->count * b->count * sizeof *ref);
        for (uint32_t i = 0; i < a->count; i++) {
            for (uint32_t j = 0; j < b->count; j++) {
                uint32_t c = ref_and_pop(link_clkset_row(a, i), link_clkset_row(b, j), a->words);
                double s = link_dice(c, a->pop[i], b->pop[j]);
                if (s >= t) {
                    ref[nref++] = (struct link_pair){i, j, s};
                }
            }
        }
        for (size_t ki = 0; ki < sizeof all_kernels / sizeof all_kernels[0]; ki++) {
            if (!link_kernel_available(all_kernels[ki])) {
                continue;
            }
            struct link_match_opts o = {.threshold = t,
                                        .all_pairs = true,
                                        .threads = 2,
                                        .kernel = all_kernels[ki],
                                        .blocking = LINK_BLOCKING_NONE};
            struct link_pair *p = NULL;
            size_t n = 0;
            struct link_match_info info;
            assert_int_equal(link_match_stats(a, b, &o, &p, &n, &info), STATUS_OK);
            assert_int_equal(n, nref);
            if (t >= 0.8) {
                assert_true(info.comparisons < (uint64_t)a->count * b->count); /* the bound pruned */
            }
            qsort(p, n, sizeof *p, cmp_ab);
            for (size_t x = 0; x < n; x++) {
                assert_int_equal(p[x].a, ref[x].a);
                assert_int_equal(p[x].b, ref[x].b);
                assert_true(p[x].score == ref[x].score);
            }
            free(p);
        }
        free(ref);
    }
    link_clkset_free(a);
    link_clkset_free(b);
}

static void test_match__threads_same_as_one(void **state)
{
    (void)state;
    struct link_clkset *a, *b;
    spread_sets(&a, &b, 700, 650, 512);
    static const enum link_blocking blk[] = {LINK_BLOCKING_NONE, LINK_BLOCKING_LSH};
    for (int bi = 0; bi < 2; bi++) {
        for (int all = 0; all < 2; all++) {
            struct link_match_opts o = {.threshold = 0.6, .all_pairs = all, .threads = 1, .blocking = blk[bi]};
            struct link_pair *p1 = NULL, *p3 = NULL;
            size_t n1 = 0, n3 = 0;
            assert_int_equal(link_match(a, b, &o, &p1, &n1), STATUS_OK);
            o.threads = 3;
            assert_int_equal(link_match(a, b, &o, &p3, &n3), STATUS_OK);
            assert_true(n1 > 10);
            assert_int_equal(n1, n3);
            assert_memory_equal(p1, p3, n1 * sizeof *p1);
            free(p1);
            free(p3);
        }
    }
    link_clkset_free(a);
    link_clkset_free(b);
}

static void test_match__greedy_one_to_one(void **state)
{
    (void)state;
    /* a2 = b2 exactly (1.0); a1-b1 0.982 before a0-b0 0.974, though a0-b1 (0.901) and a1-b0
     * (0.944) also pass the threshold: greedy takes the best pair first. */
    struct link_clkset *a = new_set(3, 1024), *b = new_set(3, 1024);
    set_bits(a, 0, 0, 200);
    set_bits(b, 0, 0, 190); /* 2*190/390 = 0.974 */
    set_bits(b, 1, 0, 164); /* 2*164/364 = 0.901; with a1 (0..170): 2*164/334 = 0.98 */
    set_bits(a, 1, 0, 170); /* with b0: 2*170/360 = 0.944 */
    set_bits(a, 2, 600, 700);
    set_bits(b, 2, 600, 700);
    link_clkset_popcounts(a);
    link_clkset_popcounts(b);
    struct link_match_opts o = {.threshold = 0.8, .threads = 1};
    struct link_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    assert_int_equal(n, 3);
    assert_true(p[0].a == 2 && p[0].b == 2 && p[0].score == 1.0);
    assert_true(p[1].a == 1 && p[1].b == 1); /* 0.982 before 0.974 */
    assert_true(p[2].a == 0 && p[2].b == 0);
    free(p);

    /* Larger random case: the result is 1-to-1, and every pair left out conflicts with a taken
     * pair of a score at least as high. */
    struct link_clkset *x, *y;
    spread_sets(&x, &y, 300, 300, 1024);
    o.threshold = 0.35;
    o.all_pairs = true;
    struct link_pair *all = NULL, *g = NULL;
    size_t nall = 0, ng = 0;
    assert_int_equal(link_match(x, y, &o, &all, &nall), STATUS_OK);
    o.all_pairs = false;
    assert_int_equal(link_match(x, y, &o, &g, &ng), STATUS_OK);
    assert_true(ng > 0 && ng < nall);
    double *sa = calloc(x->count, sizeof *sa), *sb = calloc(y->count, sizeof *sb);
    for (size_t i = 0; i < ng; i++) {
        assert_true(sa[g[i].a] == 0 && sb[g[i].b] == 0);
        sa[g[i].a] = g[i].score;
        sb[g[i].b] = g[i].score;
        if (i > 0) {
            assert_true(g[i - 1].score >= g[i].score);
        }
    }
    assert_true(g[0].score == all[0].score);
    for (size_t i = 0; i < nall; i++) {
        assert_true(sa[all[i].a] >= all[i].score || sb[all[i].b] >= all[i].score);
    }
    free(sa);
    free(sb);
    free(all);
    free(g);
    link_clkset_free(x);
    link_clkset_free(y);
    link_clkset_free(a);
    link_clkset_free(b);
}

/* na x nb random 50% encodings; the first `pairs` of b are copies of a's with 0-25% of the bits
 * flipped (Dice about 0.75-1.0); b's others are random. */
static void near_sets(struct link_clkset **ao, struct link_clkset **bo, size_t na, size_t nb, size_t pairs)
{
    struct link_clkset *a = new_set(na, 1024), *b = new_set(nb, 1024);
    for (size_t i = 0; i < na; i++) {
        fill_random(a, i, 0.5);
    }
    for (size_t i = 0; i < nb; i++) {
        if (i < pairs) {
            copy_flip(b, i, a, i, 0.25 * unif());
        } else {
            fill_random(b, i, 0.5);
        }
    }
    link_clkset_popcounts(a);
    link_clkset_popcounts(b);
    *ao = a;
    *bo = b;
}

static void test_match__lsh_recall(void **state)
{
    (void)state;
    struct link_clkset *a, *b;
    near_sets(&a, &b, 4000, 4000, 1000);
    struct link_match_opts o = {.threshold = 0.7, .all_pairs = true, .blocking = LINK_BLOCKING_NONE};
    struct link_pair *ref = NULL, *p = NULL;
    size_t nref = 0, n = 0;
    assert_int_equal(link_match(a, b, &o, &ref, &nref), STATUS_OK);
    assert_true(nref >= 990); /* brute force finds the true pairs */
    o.blocking = LINK_BLOCKING_LSH;
    struct link_match_info info;
    assert_int_equal(link_match_stats(a, b, &o, &p, &n, &info), STATUS_OK);
    assert_true(info.lsh && info.lsh_bits >= 4 && info.lsh_bands >= 1);
    print_message("LSH k=%u L=%u: %zu of %zu pairs, %llu comparisons (brute force %zu)\n", info.lsh_bits,
                  info.lsh_bands, n, nref, (unsigned long long)info.comparisons, a->count * b->count);
    assert_true(info.comparisons < a->count * b->count / 2);
    assert_true((double)n >= 0.98 * (double)nref);
    /* every LSH pair is a true pair with the exact score */
    qsort(ref, nref, sizeof *ref, cmp_ab);
    for (size_t i = 0; i < n; i++) {
        struct link_pair *f = bsearch(&p[i], ref, nref, sizeof *ref, cmp_ab);
        assert_non_null(f);
        assert_true(f->score == p[i].score);
    }
    free(ref);
    free(p);
    /* auto: these sizes stay exact */
    o.blocking = LINK_BLOCKING_AUTO;
    assert_int_equal(link_match_stats(a, b, &o, &p, &n, &info), STATUS_OK);
    assert_false(info.lsh);
    assert_int_equal(n, nref);
    free(p);
    link_clkset_free(a);
    link_clkset_free(b);
}

static void test_dedup__clusters(void **state)
{
    (void)state;
    struct link_clkset *s = new_set(60, 1024);
    for (size_t i = 0; i < s->count; i++) {
        fill_random(s, i, 0.5);
    }
    copy_flip(s, 7, s, 2, 0.05); /* {2, 7, 30} and {5, 41} */
    copy_flip(s, 30, s, 7, 0.05);
    copy_flip(s, 41, s, 5, 0.1);
    link_clkset_popcounts(s);
    for (int lsh = 0; lsh < 2; lsh++) {
        struct link_match_opts o = {
            .threshold = 0.8, .threads = 2, .blocking = lsh ? LINK_BLOCKING_LSH : LINK_BLOCKING_NONE};
        struct link_pair *p = NULL;
        size_t n = 0;
        uint32_t *cl = NULL;
        assert_int_equal(link_dedup(s, &o, &p, &n, &cl), STATUS_OK);
        assert_int_equal(n, 4); /* 2-7, 2-30, 7-30, 5-41 */
        for (size_t i = 0; i < n; i++) {
            assert_true(p[i].a < p[i].b);
        }
        assert_int_equal(cl[0], 0);
        assert_int_equal(cl[1], 1);
        assert_int_equal(cl[2], 2);
        assert_int_equal(cl[7], 2);
        assert_int_equal(cl[30], 2);
        assert_int_equal(cl[5], 5);
        assert_int_equal(cl[41], 5);
        assert_int_equal(cl[6], 6);
        assert_int_equal(cl[8], 7); /* 7 joined 2's cluster */
        assert_int_equal(cl[59], 59 - 3);
        free(p);
        free(cl);
    }
    link_clkset_free(s);
}

static void test_dedup__identical_records_lsh(void **state)
{
    (void)state;
    /* 150 identical records collide in every band: each pair is still kept once */
    struct link_clkset *s = new_set(400, 1024);
    fill_random(s, 0, 0.5);
    for (size_t i = 1; i < s->count; i++) {
        if (i < 150) {
            memcpy(link_clkset_row(s, i), link_clkset_row(s, 0), 128);
        } else {
            fill_random(s, i, 0.5);
        }
    }
    link_clkset_popcounts(s);
    struct link_match_opts o = {.threshold = 0.7, .threads = 2, .blocking = LINK_BLOCKING_NONE};
    struct link_pair *ref = NULL, *p = NULL;
    size_t nref = 0, n = 0;
    uint32_t *cref = NULL, *cl = NULL;
    assert_int_equal(link_dedup(s, &o, &ref, &nref, &cref), STATUS_OK);
    assert_int_equal(nref, 150 * 149 / 2);
    o.blocking = LINK_BLOCKING_LSH;
    assert_int_equal(link_dedup(s, &o, &p, &n, &cl), STATUS_OK);
    assert_int_equal(n, nref);
    assert_memory_equal(p, ref, n * sizeof *p);
    assert_memory_equal(cl, cref, s->count * sizeof *cl);
    free(ref);
    free(p);
    free(cref);
    free(cl);
    link_clkset_free(s);
}

static void test_cluster__multiparty(void **state)
{
    (void)state;
    struct link_clkset *s[3];
    for (int p = 0; p < 3; p++) {
        s[p] = new_set(20, 1024);
        for (size_t i = 0; i < 20; i++) {
            fill_random(s[p], i, 0.5);
        }
    }
    /* entity E: s0[3], s1[4], s2[5]; and s1[9] is also close to E (a duplicate in party 1,
     * slightly further); entity F: s0[10], s2[11] */
    copy_flip(s[1], 4, s[0], 3, 0.03);
    copy_flip(s[2], 5, s[0], 3, 0.03);
    copy_flip(s[1], 9, s[0], 3, 0.12);
    copy_flip(s[2], 11, s[0], 10, 0.05);
    for (int p = 0; p < 3; p++) {
        link_clkset_popcounts(s[p]);
    }
    struct link_match_opts o = {.threshold = 0.75, .threads = 2};
    struct link_member *m = NULL;
    size_t n = 0, groups = 0;
    const struct link_clkset *const sets[3] = {s[0], s[1], s[2]};
    assert_int_equal(link_cluster(sets, 3, &o, &m, &n, &groups), STATUS_OK);
    assert_int_equal(groups, 2);
    assert_int_equal(n, 5);
    /* group 0 (the best pair) is E without s1[9]; group 1 is F */
    assert_true(m[0].group == 0 && m[0].party == 0 && m[0].record == 3);
    assert_true(m[1].group == 0 && m[1].party == 1 && m[1].record == 4);
    assert_true(m[2].group == 0 && m[2].party == 2 && m[2].record == 5);
    assert_true(m[3].group == 1 && m[3].party == 0 && m[3].record == 10);
    assert_true(m[4].group == 1 && m[4].party == 2 && m[4].record == 11);
    free(m);
    assert_int_equal(link_cluster(sets, 1, &o, &m, &n, &groups), STATUS_INVALID);
    for (int p = 0; p < 3; p++) {
        link_clkset_free(s[p]);
    }
}

static void test_histogram__suggests_the_valley(void **state)
{
    (void)state;
    struct link_histogram h = {0};
    for (int i = 20; i <= 30; i++) { /* non-matches around 0.5 */
        h.bins[i] = 100000 / (1 + (uint64_t)abs(i - 25) * 10);
    }
    for (int i = 40; i <= 49; i++) { /* matches from 0.8 */
        h.bins[i] = 50;
    }
    link_histogram_suggest(&h);
    assert_true(h.suggested > 0.6 && h.suggested < 0.8);
    struct link_histogram one = {0};
    one.bins[25] = 1000;
    one.bins[26] = 500;
    link_histogram_suggest(&one);
    assert_true(one.suggested == -1);

    struct link_clkset *a, *b;
    near_sets(&a, &b, 1500, 1500, 400);
    struct link_match_opts o = {.threshold = 0.5, .threads = 2};
    assert_int_equal(link_histogram(a, b, &o, &h), STATUS_OK);
    assert_int_equal(h.pairs, 1500u * 1500u);
    assert_false(h.sampled);
    uint64_t total = 0, high = 0;
    for (int i = 0; i < LINK_HIST_BINS; i++) {
        total += h.bins[i];
        high += i >= 35 ? h.bins[i] : 0;
    }
    assert_int_equal(total, h.pairs);
    assert_true(high >= 400 && high < 420);
    print_message("suggested threshold %.2f\n", h.suggested);
    assert_true(h.suggested >= 0.6 && h.suggested <= 0.75);
    link_clkset_free(a);
    link_clkset_free(b);

    /* above LINK_HIST_SAMPLE_PAIRS: a fixed sample of a's records against all of b */
    near_sets(&a, &b, 8000, 8000, 2000);
    assert_int_equal(link_histogram(a, b, &o, &h), STATUS_OK);
    assert_true(h.sampled);
    assert_int_equal(h.queries, (size_t)(LINK_HIST_SAMPLE_PAIRS / 8000));
    assert_int_equal(h.pairs, (uint64_t)h.queries * 8000);
    assert_true(h.suggested >= 0.6 && h.suggested <= 0.75);
    struct link_histogram h2;
    assert_int_equal(link_histogram(a, b, &o, &h2), STATUS_OK);
    assert_memory_equal(h.bins, h2.bins, sizeof h.bins); /* the same sample */
    link_clkset_free(a);
    link_clkset_free(b);
}

static int progress_calls;
static double progress_last;

static void on_progress(void *ctx, double f)
{
    (void)ctx;
    assert_true(f >= progress_last);
    progress_last = f;
    progress_calls++;
}

static void test_match__inputs_progress_cancel(void **state)
{
    (void)state;
    struct link_clkset *a, *b, *c = new_set(2, 512);
    near_sets(&a, &b, 900, 900, 100);
    struct link_pair *p = NULL;
    size_t n = 0;
    struct link_match_opts o = {.threshold = 1.5};
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_INVALID);
    o.threshold = -0.1;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_INVALID);
    o.threshold = 0.7;
    assert_int_equal(link_match(a, c, &o, &p, &n), STATUS_INVALID);
    o.progress = on_progress;
    o.threads = 2;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    assert_true(progress_calls >= 2);
    assert_true(progress_last == 1.0);
    assert_int_equal(n, 100);
    free(p);
    o.progress = NULL;
    atomic_bool stop = true;
    o.cancel = &stop;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_BUSY);
    assert_null(p);
    assert_int_equal(n, 0);
    o.cancel = NULL;
    o.threshold = 0.0; /* every pair of 900 x 900 is kept */
    o.all_pairs = true;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    assert_int_equal(n, 900 * 900);
    free(p);
    link_clkset_free(a);
    link_clkset_free(b);
    link_clkset_free(c);
}

static void test_csv__matches_file(void **state)
{
    (void)state;
    struct link_clkset *a = new_set(2, 64), *b = new_set(2, 64);
    assert_int_equal(link_clkset_id_set(a, 0, "A-1"), STATUS_OK);
    assert_int_equal(link_clkset_id_set(a, 1, "A-2"), STATUS_OK);
    assert_int_equal(link_clkset_id_set(b, 0, "b7"), STATUS_OK);
    assert_int_equal(link_clkset_id_set(b, 1, "b8"), STATUS_OK);
    set_bits(a, 0, 0, 3);
    set_bits(b, 1, 0, 4);
    set_bits(a, 1, 10, 20);
    set_bits(b, 0, 10, 20);
    link_clkset_popcounts(a);
    link_clkset_popcounts(b);
    struct link_match_opts o = {.threshold = 0.8, .threads = 1};
    struct link_pair *p = NULL;
    size_t n = 0;
    assert_int_equal(link_match(a, b, &o, &p, &n), STATUS_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(link_pairs_write_csv(f, a, b, p, n), STATUS_OK);
    fclose(f);
    assert_string_equal(buf, "a_id,b_id,score\nA-2,b7,1.0000\nA-1,b8,0.8571\n");
    free(buf);
    free(p);
    link_clkset_free(a);
    link_clkset_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels__agree_with_reference),
        cmocka_unit_test(test_kernels__environment_chooses),
        cmocka_unit_test(test_dice__known_vectors),
        cmocka_unit_test(test_match__pruning_equals_brute_force),
        cmocka_unit_test(test_match__threads_same_as_one),
        cmocka_unit_test(test_match__greedy_one_to_one),
        cmocka_unit_test(test_match__lsh_recall),
        cmocka_unit_test(test_dedup__clusters),
        cmocka_unit_test(test_dedup__identical_records_lsh),
        cmocka_unit_test(test_cluster__multiparty),
        cmocka_unit_test(test_histogram__suggests_the_valley),
        cmocka_unit_test(test_match__inputs_progress_cancel),
        cmocka_unit_test(test_csv__matches_file),
    };
    return cmocka_run_group_tests_name("link match", tests, NULL, NULL);
}
