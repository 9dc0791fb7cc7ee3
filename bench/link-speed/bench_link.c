/* bench_link: the speed of the linkage matcher (src/link/match.h), every figure with a ratio
 * against a baseline measured in the same run.
 *
 * 1. Kernels: Dice comparisons per second on one core with each kernel the CPU runs (one query
 *    against a run of 1024-bit candidates with the threshold filter), candidates in L2 (2,048)
 *    and in DRAM (1,000,000); the baseline is the popcount-only roofline loop over the same
 *    memory (the kernel's own and the fastest one), and the scalar POPCNT kernel.
 * 2. link_match without blocking (the popcount-sorted, cache-run loop with several queries per
 *    pass) on 1 thread and on all threads; baseline: the fastest roofline in cache.
 * 3. Blocking at scale: N x N synthetic CLKs (random 1024-bit filters, about half the bits set;
 *    half of b are copies of records of a with a share u ~ U(0, 0.24) of the bits flipped, so
 *    their Dice is spread about 0.75-1.0), link_match with LSH blocking on all threads: time and
 *    recall of the true pairs; baseline: the exact matcher (no blocking) on a sample of the
 *    queries in the same run, its time extrapolated to N and its recall.
 * Usage: bench_link [--records N] [--threads T] [--threshold T] [--sample S] [--no-kernels]
 *        [--no-scale]   (defaults 1000000, all CPUs, 0.75, 2000). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "link/link.h"
#include "link/match.h"
#include "util/mem.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the process: per-core rates on a shared machine (other processes' time slices
 * do not count; their use of caches and memory bandwidth still does). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x62656e63686c6e6bull;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static struct link_clkset *random_set(size_t n)
{
    struct link_clkset *s = NULL;
    ASSERT(link_clkset_new(&s, n, 1024) == STATUS_OK);
    for (size_t i = 0; i < n * s->words; i++) {
        s->bits[i] = rnd();
    }
    link_clkset_popcounts(s);
    return s;
}

static volatile uint64_t sink;

#define RUN 256 /* candidates per scan call */

/* Comparisons per second of the kernel's scan (or, roofline, its popcount-only loop) of nq
 * queries against n candidates, repeated for at least min_s seconds. */
static double kernel_rate(const struct link_kernel_ops *k, bool roofline, const struct link_clkset *q,
                          const struct link_clkset *c, size_t n, double min_s)
{
    uint32_t counts[RUN], hits[RUN];
    uint32_t t16 = (uint32_t)(0.7 * 65536) - 1;
    double t0 = cpu_s(), el = 0;
    uint64_t done = 0;
    size_t qi = 0;
    do {
        const uint64_t *qr = link_clkset_row(q, qi % q->count);
        uint32_t pa = q->pop[qi % q->count];
        qi++;
        for (size_t s = 0; s < n; s += RUN) {
            size_t m = s + RUN <= n ? RUN : n - s;
            if (roofline) {
                k->pop(link_clkset_row(c, s), m, c->words, counts);
                sink += counts[0];
            } else {
                size_t h = k->scan(qr, pa, link_clkset_row(c, s), c->pop + s, m, c->words, t16, counts, hits);
                for (size_t x = 0; x < h; x++) {
                    sink += link_dice(counts[hits[x]], pa, c->pop[s + hits[x]]) >= 0.7;
                }
            }
        }
        done += n;
        el = cpu_s() - t0;
    } while (el < min_s);
    return (double)done / el;
}

/* Best of 5 alternating runs of the scan and of the roofline (the machine may be shared). */
static void rates(const struct link_kernel_ops *k, const struct link_clkset *q, const struct link_clkset *c,
                  double min_s, double *dice, double *roof)
{
    *dice = *roof = 0;
    for (int r = 0; r < 5; r++) {
        double d = kernel_rate(k, false, q, c, c->count, min_s), x = kernel_rate(k, true, q, c, c->count, min_s);
        *dice = d > *dice ? d : *dice;
        *roof = x > *roof ? x : *roof;
    }
}

static void bench_kernels(unsigned threads)
{
    static const enum link_kernel ks[] = {LINK_KERNEL_SCALAR, LINK_KERNEL_AVX2, LINK_KERNEL_AVX512,
                                          LINK_KERNEL_PORTABLE};
    struct link_clkset *q = random_set(16), *l2 = random_set(2048), *dram = random_set(1000000);
    const struct link_kernel_ops *best = link_kernel_get(LINK_KERNEL_AUTO);
    double best_l2, roof_l2, best_dram, roof_dram;
    rates(best, q, l2, 0.2, &best_l2, &roof_l2);
    rates(best, q, dram, 0.3, &best_dram, &roof_dram);
    printf("roofline (popcount only, %s kernel, best of 5): L2 %.0f M/s, DRAM %.0f M/s per core\n", best->name,
           roof_l2 / 1e6, roof_dram / 1e6);
    printf("%-9s %12s %10s %10s %12s %10s %10s %10s\n", "kernel", "L2 M cmp/s", "/own roof", "/best roof",
           "DRAM M cmp/s", "/own roof", "/best roof", "/scalar");
    double scalar_l2 = 0;
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        const struct link_kernel_ops *k = link_kernel_get(ks[i]);
        if (k == NULL) {
            printf("%-9s not available on this CPU\n", ks[i] == LINK_KERNEL_AVX512 ? "avx512"
                                                       : ks[i] == LINK_KERNEL_AVX2 ? "avx2"
                                                                                   : "scalar");
            continue;
        }
        double l2r, l2roof, dr, droof;
        rates(k, q, l2, 0.2, &l2r, &l2roof);
        rates(k, q, dram, 0.3, &dr, &droof);
        if (ks[i] == LINK_KERNEL_SCALAR) {
            scalar_l2 = l2r;
        }
        printf("%-9s %12.0f %10.2f %10.2f %12.0f %10.2f %10.2f %10.2f\n", k->name, l2r / 1e6, l2r / l2roof,
               l2r / roof_l2, dr / 1e6, dr / droof, dr / roof_dram, scalar_l2 > 0 ? l2r / scalar_l2 : 0.0);
    }
    link_clkset_free(l2);
    link_clkset_free(dram);

    /* link_match, exact: 8 queries share each L1-sized run of candidates sorted by popcount */
    struct link_clkset *a = random_set(4000), *b = random_set(250000);
    for (unsigned t = 1; t <= threads; t = t == threads ? threads + 1 : threads) {
        struct link_match_opts o = {.threshold = 0.7, .threads = t, .blocking = LINK_BLOCKING_NONE};
        struct link_match_info info = {0}, one;
        double best_cpu = 0;
        for (int r = 0; r < 3; r++) { /* best of 3 */
            struct link_pair *p = NULL;
            size_t n = 0;
            double c0 = cpu_s();
            ASSERT(link_match_stats(a, b, &o, &p, &n, &one) == STATUS_OK);
            double c = cpu_s() - c0;
            free(p);
            if (r == 0 || c < best_cpu) {
                info = one;
                best_cpu = c;
            }
        }
        double per_core = (double)info.comparisons / best_cpu;
        printf("link_match %zux%zu, no blocking, %s, %u thread%s: %.0f M cmp/s per core (wall %.2f s, CPU %.2f s) = "
               "%.2f x the best L2 roofline, %.2f x the DRAM roofline\n",
               a->count, b->count, info.kernel, t, t == 1 ? "" : "s", per_core / 1e6, info.seconds, best_cpu,
               per_core / roof_l2, per_core / roof_dram);
    }
    link_clkset_free(a);
    link_clkset_free(b);
    link_clkset_free(q);
}

static double last_print;

static void on_progress(void *ctx, double f)
{
    double t0 = *(double *)ctx, el = now_s() - t0;
    if (now_s() - last_print < 2.0 && f < 1.0) {
        return;
    }
    last_print = now_s();
    fprintf(stderr, "\r  LSH %5.1f%%  %6.0f s elapsed, about %6.0f s left ", f * 100, el,
            f > 0 ? el / f * (1 - f) : 0.0);
    if (f >= 1.0) {
        fputc('\n', stderr);
    }
}

static void bench_scale(size_t n, unsigned threads, double t, size_t sample)
{
    printf("\n== blocking at scale: %zu x %zu synthetic 1024-bit CLKs, threshold %.2f, %u threads\n", n, n, t, threads);
    double g0 = now_s();
    struct link_clkset *a = random_set(n), *b = random_set(n);
    /* b's records perm[i] for i < n/2 are copies of a's record i with round(u 1024) bits flipped */
    size_t pairs = n / 2;
    uint32_t *perm = xmalloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++) {
        perm[i] = (uint32_t)i;
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t r = rnd() % (i + 1);
        uint32_t x = perm[i];
        perm[i] = perm[r];
        perm[r] = x;
    }
    uint32_t *truth = xmalloc(n * sizeof *truth); /* a index -> b index, or UINT32_MAX */
    for (size_t i = 0; i < n; i++) {
        truth[i] = UINT32_MAX;
    }
    for (size_t i = 0; i < pairs; i++) {
        uint64_t *d = link_clkset_row(b, perm[i]);
        memcpy(d, link_clkset_row(a, i), 128);
        unsigned flips = (unsigned)llround((double)(rnd() >> 11) / 9007199254740992.0 * 0.24 * 1024);
        for (unsigned f = 0; f < flips; f++) {
            unsigned bit = (unsigned)(rnd() % 1024);
            d[bit / 64] ^= 1ull << (bit % 64);
        }
        truth[i] = perm[i];
    }
    link_clkset_popcounts(b);
    printf("generated in %.1f s (%zu true pairs)\n", now_s() - g0, pairs);

    /* baseline: the exact matcher on the first `sample` queries */
    struct link_clkset *as = NULL;
    size_t sn = sample < n ? sample : n;
    ASSERT(link_clkset_new(&as, sn, 1024) == STATUS_OK);
    memcpy(as->bits, a->bits, sn * 128);
    link_clkset_popcounts(as);
    struct link_match_opts o = {.threshold = t, .threads = threads, .blocking = LINK_BLOCKING_NONE};
    struct link_pair *p = NULL;
    size_t np = 0;
    struct link_match_info bi;
    ASSERT(link_match_stats(as, b, &o, &p, &np, &bi) == STATUS_OK);
    size_t want = 0, got = 0;
    for (size_t i = 0; i < sn; i++) {
        want += truth[i] != UINT32_MAX;
    }
    for (size_t i = 0; i < np; i++) {
        got += truth[p[i].a] == p[i].b;
    }
    free(p);
    double brute_recall = want > 0 ? (double)got / (double)want : 1.0;
    double brute_full = bi.seconds * (double)n / (double)sn;
    printf("baseline, exact (no blocking) on %zu queries: %.1f s, %.0f M cmp/s, recall %.4f; extrapolated to %zu x "
           "%zu: %.0f s\n",
           sn, bi.seconds, (double)bi.comparisons / bi.seconds / 1e6, brute_recall, n, n, brute_full);
    link_clkset_free(as);

    o.blocking = LINK_BLOCKING_LSH;
    double t0 = now_s(), c0 = cpu_s();
    o.progress = on_progress;
    o.progress_ctx = &t0;
    struct link_match_info li;
    ASSERT(link_match_stats(a, b, &o, &p, &np, &li) == STATUS_OK);
    double lsh_cpu = cpu_s() - c0;
    size_t correct = 0;
    for (size_t i = 0; i < np; i++) {
        correct += truth[p[i].a] == p[i].b;
    }
    free(p);
    double recall = (double)correct / (double)pairs, precision = np > 0 ? (double)correct / (double)np : 1.0;
    printf("LSH k=%u bits x L=%u bands, %s: %.1f s (%.2f min), %.3g comparisons (%.2g of all pairs), %zu matches\n",
           li.lsh_bits, li.lsh_bands, li.kernel, li.seconds, li.seconds / 60, (double)li.comparisons,
           (double)li.comparisons / ((double)n * (double)n), np);
    printf("  time:      %.1f s wall = %.3f x the exact matcher's extrapolated %.0f s (aim: under 600 s); CPU %.1f s "
           "(%.2f of %u cores busy)\n",
           li.seconds, li.seconds / brute_full, brute_full, lsh_cpu, lsh_cpu / li.seconds, threads);
    printf("  recall:    %.4f = %.4f x the exact matcher's %.4f (aim: 0.98 or better)\n", recall,
           brute_recall > 0 ? recall / brute_recall : 0.0, brute_recall);
    printf("  precision: %.4f\n", precision);
    free(truth);
    free(perm);
    link_clkset_free(a);
    link_clkset_free(b);
}

int main(int argc, char **argv)
{
    size_t n = 1000000, sample = 2000;
    unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    double t = 0.75;
    bool kernels = true, scale = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
            n = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
            t = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
            sample = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--no-kernels") == 0) {
            kernels = false;
        } else if (strcmp(argv[i], "--no-scale") == 0) {
            scale = false;
        } else {
            fprintf(stderr, "usage: bench_link [--records N] [--threads T] [--threshold T] [--sample S] "
                            "[--no-kernels] [--no-scale]\n");
            return 2;
        }
    }
    if (threads == 0) {
        threads = 1;
    }
    if (n < 2 || n > LINK_RECORDS_MAX) {
        fprintf(stderr, "bench_link: --records from 2 to %u\n", LINK_RECORDS_MAX);
        return 2;
    }
    if (kernels) {
        printf("== kernels: 1024-bit Dice comparisons per CPU second (one core), threshold 0.7\n");
        bench_kernels(threads);
    }
    if (scale) {
        bench_scale(n, threads, t, sample);
    }
    return 0;
}
