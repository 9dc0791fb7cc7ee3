/* link/match: Dice matching of sets of encodings (match.h, docs/linkage.md). */
#include "link/match.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MATCH_X86 1
#else
#define MATCH_X86 0
#endif

#define QGROUP 32            /* queries sharing each cache-sized run of candidates */
#define RUN_BYTES 16384      /* a run of candidates: stays in L1 while the group's queries scan it */
#define UNIT_QUERIES 64      /* queries per work unit (progress and cancel granularity) */
#define LSH_WORDS 4          /* words a band draws its bits from (one PEXT each) */
#define LSH_BANDS_MAX 20000u /* the most bands the defaults choose */
#define LSH_COST_KEY 25.0    /* cost model of the defaults: ns per record per band (key, bucket), measured */
#define LSH_COST_CMP 40.0    /* ns per candidate pair (random reads of its row and a comparison), measured */
#define LSH_PF 32            /* prefetch distance of the LSH scan, in records */
#define LINK_EXACT_NS 1.6    /* cost model: ns per comparison of the exact loop (about 600 M/s a core) */
#define NONE UINT32_MAX

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- pairs ---- */

struct pairvec {
    struct link_pair *v;
    size_t n, cap;
};

static void pv_push(struct pairvec *pv, uint32_t a, uint32_t b, double s)
{
    if (pv->n == pv->cap) {
        pv->cap = pv->cap == 0 ? 256 : pv->cap * 2;
        pv->v = xrealloc(pv->v, pv->cap * sizeof *pv->v);
    }
    pv->v[pv->n++] = (struct link_pair){a, b, s};
}

static int pair_cmp_score(const void *x, const void *y)
{
    const struct link_pair *p = x, *q = y;
    if (p->score != q->score) {
        return p->score > q->score ? -1 : 1;
    }
    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    return p->b < q->b ? -1 : (p->b > q->b);
}

static int pair_cmp_ab(const void *x, const void *y)
{
    const struct link_pair *p = x, *q = y;
    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    return p->b < q->b ? -1 : (p->b > q->b);
}

/* ---- the job shared by the worker threads ---- */

struct job {
    const struct link_clkset *a, *b;
    bool self; /* a == b: pairs a < b only */
    double t;
    uint32_t t16;
    const struct link_kernel_ops *k;
    const struct link_match_opts *opts;
    size_t words;
    /* brute force: b sorted by popcount */
    uint32_t *perm_a, *perm_b, *pos_a; /* sorted position -> index; index of a -> position */
    uint64_t *sorted_bits;
    uint32_t *sorted_pop;
    /* LSH */
    unsigned lsh_k, lsh_l;
    unsigned lsh_nw;      /* words per band */
    uint16_t *band_word;  /* lsh_l x lsh_nw */
    uint64_t *band_mask;  /* lsh_l x lsh_nw */
    unsigned bucket_bits; /* log2 of buckets */
    bool pext_fast;
    /* work */
    size_t units;
    atomic_size_t next, done;
    atomic_uint_fast64_t comparisons;
    atomic_size_t pairs_total;
    atomic_bool stop;
    bool overflow, cancelled;
    pthread_mutex_t lock;
    double last_progress;
    void (*unit)(struct job *j, size_t u, struct pairvec *out, void *scratch);
    size_t scratch_bytes;
};

struct worker {
    struct job *job;
    struct pairvec pairs;
    pthread_t th;
};

static bool job_cancelled(struct job *j)
{
    if (j->opts->cancel != NULL && atomic_load(j->opts->cancel)) {
        pthread_mutex_lock(&j->lock);
        j->cancelled = true;
        pthread_mutex_unlock(&j->lock);
        atomic_store(&j->stop, true);
    }
    return atomic_load(&j->stop);
}

/* Keeps a pair (exact score already checked), enforcing LINK_PAIRS_MAX. */
static void job_keep(struct job *j, struct pairvec *out, uint32_t a, uint32_t b, double s)
{
    size_t n = atomic_fetch_add(&j->pairs_total, 1) + 1;
    if (n > LINK_PAIRS_MAX) {
        pthread_mutex_lock(&j->lock);
        j->overflow = true;
        pthread_mutex_unlock(&j->lock);
        atomic_store(&j->stop, true);
        return;
    }
    pv_push(out, a, b, s);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct job *j = w->job;
    void *scratch = xmalloc(j->scratch_bytes == 0 ? 1 : j->scratch_bytes);
    for (;;) {
        if (job_cancelled(j)) {
            break;
        }
        size_t u = atomic_fetch_add(&j->next, 1);
        if (u >= j->units) {
            break;
        }
        j->unit(j, u, &w->pairs, scratch);
        size_t d = atomic_fetch_add(&j->done, 1) + 1;
        if (j->opts->progress != NULL) {
            double f = (double)d / (double)j->units;
            pthread_mutex_lock(&j->lock);
            if (f - j->last_progress >= 0.002 || d == j->units) {
                j->last_progress = f;
                j->opts->progress(j->opts->progress_ctx, f);
            }
            pthread_mutex_unlock(&j->lock);
        }
    }
    free(scratch);
    return NULL;
}

static unsigned threads_of(const struct link_match_opts *o, size_t units)
{
    long n = o->threads != 0 ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) {
        n = 1;
    }
    if (n > 256) {
        n = 256;
    }
    if ((size_t)n > units && units > 0) {
        n = (long)units;
    }
    return (unsigned)n;
}

/* Runs the job's units on the threads and gathers the pairs. */
static enum status job_run(struct job *j, struct pairvec *all)
{
    unsigned n = threads_of(j->opts, j->units);
    struct worker *ws = xcalloc(n, sizeof *ws);
    pthread_mutex_init(&j->lock, NULL);
    unsigned started = 0;
    for (unsigned i = 0; i < n; i++) {
        ws[i].job = j;
        if (i == 0) {
            continue; /* the calling thread is worker 0 */
        }
        if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
            break;
        }
        started = i;
    }
    worker_main(&ws[0]);
    for (unsigned i = 1; i <= started; i++) {
        pthread_join(ws[i].th, NULL);
    }
    pthread_mutex_destroy(&j->lock);
    size_t total = 0;
    for (unsigned i = 0; i < n; i++) {
        total += ws[i].pairs.n;
    }
    all->v = total == 0 ? NULL : xmalloc(total * sizeof *all->v);
    all->n = all->cap = total;
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        if (ws[i].pairs.n > 0) {
            memcpy(all->v + at, ws[i].pairs.v, ws[i].pairs.n * sizeof *all->v);
        }
        at += ws[i].pairs.n;
        free(ws[i].pairs.v);
    }
    free(ws);
    if (j->cancelled) {
        return err_set(STATUS_BUSY, "the matching was cancelled");
    }
    if (j->overflow) {
        return err_set(STATUS_TOO_LARGE, "more than %u pairs at or above the threshold: raise the threshold",
                       LINK_PAIRS_MAX);
    }
    return STATUS_OK;
}

/* ---- brute force over candidates sorted by popcount ---- */

/* Indexes 0..n-1 sorted by popcount, then index (counting sort: popcounts are small). */
static uint32_t *perm_by_pop(const struct link_clkset *s)
{
    uint32_t *perm = xmalloc((s->count == 0 ? 1 : s->count) * sizeof *perm);
    size_t maxp = s->words * 64 + 1;
    size_t *start = xcalloc(maxp + 1, sizeof *start);
    for (size_t i = 0; i < s->count; i++) {
        start[s->pop[i] + 1]++;
    }
    for (size_t p = 0; p < maxp; p++) {
        start[p + 1] += start[p];
    }
    for (size_t i = 0; i < s->count; i++) {
        perm[start[s->pop[i]]++] = (uint32_t)i;
    }
    free(start);
    return perm;
}

/* The popcount range [lo, hi] a candidate needs for Dice >= t with a query of popcount pa. */
static void pop_bounds(double t, uint32_t pa, uint32_t maxpop, uint32_t *lo, uint32_t *hi)
{
    if (t <= 0.0) {
        *lo = 0;
        *hi = maxpop;
        return;
    }
    double l = floor(t * pa / (2.0 - t)) - 1.0;
    double h = ceil(pa * (2.0 - t) / t) + 1.0;
    *lo = l < 0 ? 0 : (uint32_t)l;
    *hi = h > maxpop ? maxpop : (uint32_t)h;
}

/* First sorted position with popcount >= p. */
static size_t lower_pos(const uint32_t *pop, size_t n, uint32_t p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pop[mid] < p) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

struct brute_scratch {
    uint32_t *counts;
    uint32_t *hits;
};

static void brute_unit(struct job *j, size_t u, struct pairvec *out, void *scratch_mem)
{
    size_t words = j->words;
    size_t run = RUN_BYTES / (words * 8);
    if (run < 8) {
        run = 8;
    }
    uint32_t *counts = scratch_mem;
    uint32_t *hits = counts + run;
    size_t na = j->a->count, nb = j->b->count;
    uint32_t maxpop = (uint32_t)(words * 64);
    size_t q0 = u * UNIT_QUERIES, q1 = q0 + UNIT_QUERIES < na ? q0 + UNIT_QUERIES : na;
    uint64_t cmp = 0;
    for (size_t g = q0; g < q1; g += QGROUP) {
        size_t gn = g + QGROUP <= q1 ? QGROUP : q1 - g;
        size_t lo[QGROUP], hi[QGROUP];
        const uint64_t *qrow[QGROUP];
        uint32_t qpop[QGROUP], qidx[QGROUP];
        size_t lmin = SIZE_MAX, hmax = 0;
        for (size_t i = 0; i < gn; i++) {
            uint32_t ai = j->perm_a[g + i];
            qidx[i] = ai;
            qpop[i] = j->a->pop[ai];
            qrow[i] = link_clkset_row(j->a, ai);
            uint32_t pl, ph;
            pop_bounds(j->t, qpop[i], maxpop, &pl, &ph);
            lo[i] = lower_pos(j->sorted_pop, nb, pl);
            hi[i] = ph >= maxpop ? nb : lower_pos(j->sorted_pop, nb, ph + 1);
            if (j->self && lo[i] < g + i + 1) {
                lo[i] = g + i + 1; /* the same set: each pair once, a later position */
            }
            if (lo[i] < hi[i]) {
                lmin = lo[i] < lmin ? lo[i] : lmin;
                hmax = hi[i] > hmax ? hi[i] : hmax;
            }
        }
        for (size_t s = lmin; s < hmax && lmin != SIZE_MAX; s += run) {
            size_t e = s + run < hmax ? s + run : hmax;
            /* the next run into L2 while this one is scanned: a share of its lines per query */
            size_t next_end = e + run < hmax ? e + run : hmax;
            const char *pf = (const char *)(j->sorted_bits + e * words);
            size_t pf_lines = e < next_end ? (next_end - e) * words * 8 / 64 : 0, per = (pf_lines + gn - 1) / gn;
            for (size_t i = 0; i < gn; i++) {
                for (size_t l = i * per; l < (i + 1) * per && l < pf_lines; l++) {
                    __builtin_prefetch(pf + l * 64, 0, 2);
                }
                size_t cs = s > lo[i] ? s : lo[i], ce = e < hi[i] ? e : hi[i];
                if (cs >= ce) {
                    continue;
                }
                size_t n = ce - cs;
                cmp += n;
                size_t h = j->k->scan(qrow[i], qpop[i], j->sorted_bits + cs * words, j->sorted_pop + cs, n, words,
                                      j->t16, counts, hits);
                for (size_t x = 0; x < h; x++) {
                    size_t p = cs + hits[x];
                    double sc = link_dice(counts[hits[x]], qpop[i], j->sorted_pop[p]);
                    if (sc >= j->t) {
                        uint32_t bi = j->perm_b[p];
                        uint32_t a = qidx[i], b = bi;
                        if (j->self && a > b) {
                            a = bi;
                            b = qidx[i];
                        }
                        job_keep(j, out, a, b, sc);
                    }
                }
            }
        }
    }
    atomic_fetch_add(&j->comparisons, cmp);
}

static enum status run_brute(struct job *j, struct pairvec *all)
{
    size_t nb = j->b->count, words = j->words;
    j->perm_a = perm_by_pop(j->a);
    j->perm_b = j->self ? j->perm_a : perm_by_pop(j->b);
    size_t bytes = nb * words * 8;
    bytes = (bytes + 63) / 64 * 64;
    j->sorted_bits = aligned_alloc(64, bytes == 0 ? 64 : bytes);
    j->sorted_pop = xmalloc((nb == 0 ? 1 : nb) * sizeof *j->sorted_pop);
    enum status st = STATUS_OK;
    if (j->sorted_bits == NULL) {
        st = err_set(STATUS_TOO_LARGE, "no memory for %zu encodings", nb);
        goto out;
    }
    for (size_t p = 0; p < nb; p++) {
        memcpy(j->sorted_bits + p * words, link_clkset_row(j->b, j->perm_b[p]), words * 8);
        j->sorted_pop[p] = j->b->pop[j->perm_b[p]];
    }
    j->units = (j->a->count + UNIT_QUERIES - 1) / UNIT_QUERIES;
    size_t run = RUN_BYTES / (words * 8) < 8 ? 8 : RUN_BYTES / (words * 8);
    j->scratch_bytes = 2 * run * sizeof(uint32_t);
    j->unit = brute_unit;
    st = job_run(j, all);
out:
    free(j->sorted_bits);
    free(j->sorted_pop);
    if (j->perm_b != j->perm_a) {
        free(j->perm_b);
    }
    free(j->perm_a);
    return st;
}

/* ---- blocking: Hamming LSH over bits ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t pext_portable(uint64_t x, uint64_t m)
{
    uint64_t r = 0, bit = 1;
    while (m != 0) {
        uint64_t low = m & (~m + 1);
        if (x & low) {
            r |= bit;
        }
        bit <<= 1;
        m &= m - 1;
    }
    return r;
}

#if MATCH_X86
__attribute__((target("bmi2"))) static void keys_bmi2(const struct link_clkset *s, const uint16_t *bw,
                                                      const uint64_t *bm, unsigned nw, uint64_t *keys)
{
    unsigned sh[LSH_WORDS];
    for (unsigned w = 0; w < nw; w++) {
        sh[w] = (unsigned)__builtin_popcountll(bm[w]); /* once per call, outside the loop */
    }
    for (size_t i = 0; i < s->count; i++) {
        const uint64_t *row = link_clkset_row(s, i);
        uint64_t key = 0;
        for (unsigned w = 0; w < nw; w++) {
            key = (sh[w] == 64 ? 0 : key << sh[w]) | _pext_u64(row[bw[w]], bm[w]);
        }
        keys[i] = key;
    }
}
#endif

static void keys_portable(const struct link_clkset *s, const uint16_t *bw, const uint64_t *bm, unsigned nw,
                          uint64_t *keys)
{
    unsigned sh[LSH_WORDS];
    for (unsigned w = 0; w < nw; w++) {
        sh[w] = (unsigned)__builtin_popcountll(bm[w]);
    }
    for (size_t i = 0; i < s->count; i++) {
        const uint64_t *row = link_clkset_row(s, i);
        uint64_t key = 0;
        for (unsigned w = 0; w < nw; w++) {
            key = (sh[w] == 64 ? 0 : key << sh[w]) | pext_portable(row[bw[w]], bm[w]);
        }
        keys[i] = key;
    }
}

static void band_keys(const struct job *j, const struct link_clkset *s, size_t band, uint64_t *keys)
{
    const uint16_t *bw = j->band_word + band * j->lsh_nw;
    const uint64_t *bm = j->band_mask + band * j->lsh_nw;
#if MATCH_X86
    if (j->pext_fast) {
        keys_bmi2(s, bw, bm, j->lsh_nw, keys);
        return;
    }
#endif
    keys_portable(s, bw, bm, j->lsh_nw, keys);
}

/* A band key is mixed (an odd multiplier: a bijection) so that its top bits pick the bucket; an
 * entry of b's sorted band packs the mixed key's top 40 bits with the record index (24 bits:
 * LINK_RECORDS_MAX), one 8-byte read per entry. Two keys that share the top 40 bits make a
 * spurious candidate with probability 2^-40: its exact Dice is checked like any other's. */
#define IDX_BITS 24
#define IDX_MASK ((1ull << IDX_BITS) - 1)

static inline uint64_t key_mix(uint64_t key)
{
    return key * 0x9e3779b97f4a7c15ull;
}

static inline uint32_t bucket_of(uint64_t mixed, unsigned bits)
{
    return (uint32_t)(mixed >> (64 - bits));
}

/* True if rows x and y share the key of a band before `band`: the pair is then kept by the
 * thread that runs its first common band, so every pair is kept once without shared state. The
 * cost is small: a near-identical pair collides in band 0 (one key each time it collides again);
 * a pair near the threshold collides in a few bands only. */
static bool earlier_band(const struct job *j, const uint64_t *x, const uint64_t *y, size_t band)
{
    for (size_t l = 0; l < band; l++) {
        const uint16_t *bw = j->band_word + l * j->lsh_nw;
        const uint64_t *bm = j->band_mask + l * j->lsh_nw;
        bool same = true; /* the same key: the same bits under the band's masks */
        for (unsigned w = 0; w < j->lsh_nw && same; w++) {
            same = ((x[bw[w]] ^ y[bw[w]]) & bm[w]) == 0;
        }
        if (same) {
            return true;
        }
    }
    return false;
}

static void lsh_unit(struct job *j, size_t band, struct pairvec *out, void *mem)
{
    const struct link_clkset *a = j->a, *b = j->b;
    size_t na = a->count, nb = b->count, nbk = (size_t)1 << j->bucket_bits;
    unsigned bb = j->bucket_bits;
    char *p = mem;
    uint64_t *keys_b = (uint64_t *)p;
    p += nb * 8;
    uint64_t *keys_a = j->self ? keys_b : (uint64_t *)p;
    p += j->self ? 0 : na * 8;
    uint64_t *ent = (uint64_t *)p;
    p += nb * 8;
    uint32_t *start = (uint32_t *)p;
    band_keys(j, b, band, keys_b);
    for (size_t i = 0; i < nb; i++) {
        keys_b[i] = key_mix(keys_b[i]) & ~IDX_MASK;
    }
    if (!j->self) {
        band_keys(j, a, band, keys_a);
        for (size_t i = 0; i < na; i++) {
            keys_a[i] = key_mix(keys_a[i]) & ~IDX_MASK;
        }
    }
    memset(start, 0, (nbk + 1) * sizeof *start);
    for (size_t i = 0; i < nb; i++) {
        start[bucket_of(keys_b[i], bb) + 1]++;
    }
    for (size_t x = 0; x < nbk; x++) {
        start[x + 1] += start[x];
    }
    for (size_t i = 0; i < nb; i++) {
        ent[start[bucket_of(keys_b[i], bb)]++] = keys_b[i] | i;
    }
    /* start[x] now ends bucket x; bucket x begins at start[x - 1] (0 for x = 0). The scan of a
     * is a software pipeline over random reads: the bucket bounds of record i + PF, the bucket's
     * entries for i + PF / 2, the candidate rows for i + PF / 4, the comparisons for i. */
    uint64_t cmp = 0;
    uint32_t pa_row[1], pb_row[1];
    for (size_t i = 0; i < na; i++) {
        if (i + LSH_PF < na) {
            uint32_t bk = bucket_of(keys_a[i + LSH_PF], bb);
            __builtin_prefetch(&start[bk == 0 ? 0 : bk - 1]);
        }
        if (i + LSH_PF / 2 < na) {
            uint32_t bk = bucket_of(keys_a[i + LSH_PF / 2], bb);
            __builtin_prefetch(&ent[bk == 0 ? 0 : start[bk - 1]]);
        }
        if (i + LSH_PF / 4 < na) {
            uint64_t key = keys_a[i + LSH_PF / 4];
            uint32_t bk = bucket_of(key, bb);
            uint32_t s = bk == 0 ? 0 : start[bk - 1], e = start[bk];
            for (uint32_t x = s; x < e; x++) {
                if ((ent[x] & ~IDX_MASK) == key) {
                    const char *row = (const char *)link_clkset_row(b, ent[x] & IDX_MASK);
                    for (size_t l = 0; l < j->words * 8; l += 64) {
                        __builtin_prefetch(row + l);
                    }
                }
            }
        }
        uint64_t key = keys_a[i];
        uint32_t bk = bucket_of(key, bb);
        uint32_t s = bk == 0 ? 0 : start[bk - 1], e = start[bk];
        const uint64_t *qa = NULL;
        for (uint32_t x = s; x < e; x++) {
            if ((ent[x] & ~IDX_MASK) != key) {
                continue;
            }
            uint32_t bi = (uint32_t)(ent[x] & IDX_MASK);
            if (j->self && bi <= i) {
                continue;
            }
            if (qa == NULL) {
                qa = link_clkset_row(a, i);
                pa_row[0] = a->pop[i];
            }
            const uint64_t *rb = link_clkset_row(b, bi);
            uint32_t c;
            j->k->and_pop(qa, rb, 1, j->words, &c);
            j->k->pop(rb, 1, j->words, pb_row); /* the row is in L1: cheaper than b->pop[bi] */
            cmp++;
            double sc = link_dice(c, pa_row[0], pb_row[0]);
            if (sc < j->t) {
                continue;
            }
            if (earlier_band(j, qa, rb, band)) {
                continue; /* kept by the band where the pair first collides */
            }
            job_keep(j, out, (uint32_t)i, bi, sc);
        }
    }
    atomic_fetch_add(&j->comparisons, cmp);
}

/* The defaults (docs/linkage.md): a pair at Dice t of encodings of density rho differs
 * in a share f = 2 rho (1 - t) of bits, so one band of k sampled bits keeps it with p1 = (1-f)^k
 * and L bands miss it with (1 - p1^k)^L = miss; a random pair agrees on a bit with p2 (from the
 * bit frequencies). k minimises L (keys of both sets + expected random candidates). */
static double lsh_defaults(const struct link_clkset *a, const struct link_clkset *b, double t, double miss,
                           unsigned *k_out, unsigned *l_out)
{
    size_t bits = a->words * 64;
    double na = (double)a->count, nb = (double)b->count;
    uint64_t popsum = 0;
    for (size_t i = 0; i < a->count; i++) {
        popsum += a->pop[i];
    }
    for (size_t i = 0; i < b->count; i++) {
        popsum += b->pop[i];
    }
    double rho = (double)popsum / ((na + nb) * (double)bits);
    double f = 2.0 * rho * (1.0 - t);
    f = f < 0.001 ? 0.001 : f > 0.499 ? 0.499 : f;
    /* p2: mean log agreement over bits, frequencies from up to 4096 records of each side */
    double *fa = xcalloc(bits, sizeof *fa), *fb = xcalloc(bits, sizeof *fb);
    size_t sa = a->count < 4096 ? a->count : 4096, sb = b->count < 4096 ? b->count : 4096;
    for (size_t s = 0; s < sa; s++) {
        const uint64_t *row = link_clkset_row(a, s * (a->count / (sa == 0 ? 1 : sa)));
        for (size_t x = 0; x < bits; x++) {
            fa[x] += (double)((row[x / 64] >> (x % 64)) & 1);
        }
    }
    for (size_t s = 0; s < sb; s++) {
        const uint64_t *row = link_clkset_row(b, s * (b->count / (sb == 0 ? 1 : sb)));
        for (size_t x = 0; x < bits; x++) {
            fb[x] += (double)((row[x / 64] >> (x % 64)) & 1);
        }
    }
    double lp2 = 0;
    for (size_t x = 0; x < bits; x++) {
        double qa = sa == 0 ? 0.5 : fa[x] / (double)sa, qb = sb == 0 ? 0.5 : fb[x] / (double)sb;
        double agree = qa * qb + (1 - qa) * (1 - qb);
        lp2 += log(agree < 0.5 ? 0.5 : agree > 0.999 ? 0.999 : agree);
    }
    free(fa);
    free(fb);
    double p2 = exp(lp2 / (double)bits);
    double best = INFINITY;
    unsigned bk = 16, bl = 1;
    unsigned kmax = bits < 64 ? (unsigned)bits : 64;
    for (unsigned k = 4; k <= kmax; k++) {
        double p1k = pow(1.0 - f, k);
        double l = ceil(log(miss) / log1p(-p1k));
        if (!(l >= 1)) {
            l = 1;
        }
        if (l > LSH_BANDS_MAX) {
            continue;
        }
        double cost = l * ((na + nb) * LSH_COST_KEY + na * nb * pow(p2, k) * LSH_COST_CMP);
        if (cost < best) {
            best = cost;
            bk = k;
            bl = (unsigned)l;
        }
    }
    if (best == INFINITY) { /* no k within the band limit: the most bands, the fewest bits */
        bk = 4;
        bl = LSH_BANDS_MAX;
    }
    *k_out = bk;
    *l_out = bl;
    return best;
}

/* The comparisons the exact loop makes after the popcount bound (pairs a < b for one set). */
static double exact_comparisons(const struct link_clkset *a, const struct link_clkset *b, bool self, double t)
{
    uint32_t maxpop = (uint32_t)(a->words * 64);
    double *ha = xcalloc(maxpop + 1, sizeof *ha), *cb = xcalloc(maxpop + 2, sizeof *cb);
    for (size_t i = 0; i < a->count; i++) {
        ha[a->pop[i]]++;
    }
    for (size_t i = 0; i < b->count; i++) {
        cb[b->pop[i] + 1]++;
    }
    for (uint32_t p = 0; p <= maxpop; p++) {
        cb[p + 1] += cb[p]; /* cb[p]: records of b with popcount < p */
    }
    double n = 0;
    for (uint32_t p = 0; p <= maxpop; p++) {
        if (ha[p] > 0) {
            uint32_t lo, hi;
            pop_bounds(t, p, maxpop, &lo, &hi);
            n += ha[p] * (cb[hi + 1] - cb[lo]);
        }
    }
    free(ha);
    free(cb);
    return self ? n / 2 : n;
}

static enum status run_lsh(struct job *j, struct pairvec *all)
{
    size_t words = j->words, na = j->a->count, nb = j->b->count;
    unsigned k = j->lsh_k, l = j->lsh_l;
    unsigned nw = words < LSH_WORDS ? (unsigned)words : LSH_WORDS;
    if (k < nw) {
        nw = k;
    }
    j->lsh_nw = nw;
    j->band_word = xcalloc((size_t)l * nw, sizeof *j->band_word);
    j->band_mask = xcalloc((size_t)l * nw, sizeof *j->band_mask);
    uint64_t seed = j->opts->lsh_seed != 0 ? j->opts->lsh_seed : 0x6c696e6b6c736801ull;
    for (unsigned band = 0; band < l; band++) {
        uint16_t *bw = j->band_word + (size_t)band * nw;
        uint64_t *bm = j->band_mask + (size_t)band * nw;
        for (unsigned w = 0; w < nw; w++) { /* nw distinct words */
            for (;;) {
                uint16_t cand = (uint16_t)(splitmix(&seed) % words);
                bool dup = false;
                for (unsigned v = 0; v < w; v++) {
                    dup |= bw[v] == cand;
                }
                if (!dup) {
                    bw[w] = cand;
                    break;
                }
            }
            unsigned want = k / nw + (w < k % nw ? 1 : 0);
            while ((unsigned)__builtin_popcountll(bm[w]) < want) {
                bm[w] |= 1ull << (splitmix(&seed) % 64);
            }
        }
    }
    unsigned bb = 1;
    while (((size_t)1 << bb) < nb / 4 && bb < 28) { /* about 4 records of b a bucket: the bounds stay in L2 */
        bb++;
    }
    j->bucket_bits = bb;
    ASSERT(nb <= IDX_MASK + 1); /* LINK_RECORDS_MAX */
#if MATCH_X86
    __builtin_cpu_init();
    j->pext_fast = __builtin_cpu_supports("bmi2") && !__builtin_cpu_is("znver1") && !__builtin_cpu_is("znver2");
#endif
    j->units = l;
    j->scratch_bytes = nb * 8 + (j->self ? 0 : na * 8) + nb * 8 + (((size_t)1 << bb) + 1) * 4;
    j->unit = lsh_unit;
    enum status st = job_run(j, all);
    free(j->band_word);
    free(j->band_mask);
    if (st == STATUS_OK && all->n > 1) { /* each pair is kept once (earlier_band); a safety net */
        qsort(all->v, all->n, sizeof *all->v, pair_cmp_ab);
        size_t w = 0;
        for (size_t i = 0; i < all->n; i++) {
            if (w == 0 || all->v[w - 1].a != all->v[i].a || all->v[w - 1].b != all->v[i].b) {
                all->v[w++] = all->v[i];
            }
        }
        all->n = w;
    }
    if (st == STATUS_OK && all->n > LINK_PAIRS_MAX) {
        st = err_set(STATUS_TOO_LARGE, "more than %u pairs at or above the threshold: raise the threshold",
                     LINK_PAIRS_MAX);
    }
    return st;
}

/* ---- the runs ---- */

static enum status check_opts(const struct link_match_opts *o)
{
    if (o == NULL || !(o->threshold >= 0.0 && o->threshold <= 1.0)) {
        return err_set_field(STATUS_INVALID, "threshold", "the threshold is a number from 0 to 1");
    }
    if (o->lsh_bits > 64) {
        return err_set_field(STATUS_INVALID, "lsh_bits", "a band has at most 64 bits");
    }
    if (o->lsh_bands > 100000) {
        return err_set_field(STATUS_INVALID, "lsh_bands", "at most 100000 bands");
    }
    if (o->lsh_miss < 0.0 || o->lsh_miss >= 1.0) {
        return err_set_field(STATUS_INVALID, "lsh_miss", "the miss rate is a number from 0 to 1 (0: default)");
    }
    return STATUS_OK;
}

/* All pairs >= threshold (unsorted for brute force; sorted by a, b for LSH). */
static enum status find_pairs(const struct link_clkset *a, const struct link_clkset *b, bool self,
                              const struct link_match_opts *opts, struct pairvec *all, struct link_match_info *info)
{
    memset(all, 0, sizeof *all);
    enum status st = check_opts(opts);
    if (st != STATUS_OK) {
        return st;
    }
    if (a->words != b->words) {
        return err_set(STATUS_INVALID, "the two sets have encodings of different lengths (%zu and %zu bits)",
                       a->words * 64, b->words * 64);
    }
    if (a->count > UINT32_MAX - 1 || b->count > UINT32_MAX - 1) {
        return err_set(STATUS_TOO_LARGE, "too many records");
    }
    struct job j = {.a = a, .b = b, .self = self, .t = opts->threshold, .opts = opts, .words = a->words};
    j.k = link_kernel_get(opts->kernel);
    if (j.k == NULL) {
        return err_set_field(STATUS_INVALID, "kernel", "this CPU cannot run the kernel asked for");
    }
    double t16 = floor(opts->threshold * 65536.0) - 1.0;
    j.t16 = t16 < 0 ? 0 : (uint32_t)t16;
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.comparisons, 0);
    atomic_init(&j.pairs_total, 0);
    atomic_init(&j.stop, false);
    bool lsh = opts->blocking == LINK_BLOCKING_LSH;
    unsigned k = 0, l = 0;
    if (opts->blocking == LINK_BLOCKING_AUTO && a->count > 0 && b->count > 0) {
        double exact = exact_comparisons(a, b, self, opts->threshold);
        if (exact >= LINK_BLOCKING_AUTO_MIN) {
            double cost = lsh_defaults(a, b, opts->threshold, opts->lsh_miss > 0 ? opts->lsh_miss : 0.01, &k, &l);
            lsh = cost * 2 < exact * LINK_EXACT_NS;
        }
    }
    if (a->count == 0 || b->count == 0) {
        lsh = false;
    }
    if (lsh) {
        if (k == 0) {
            lsh_defaults(a, b, opts->threshold, opts->lsh_miss > 0 ? opts->lsh_miss : 0.01, &k, &l);
        }
        j.lsh_k = opts->lsh_bits != 0 ? opts->lsh_bits : k;
        j.lsh_l = opts->lsh_bands != 0 ? opts->lsh_bands : l;
        if (j.lsh_k > a->words * 64) {
            j.lsh_k = (unsigned)(a->words * 64);
        }
    }
    double t0 = now_s();
    st = lsh ? run_lsh(&j, all) : run_brute(&j, all);
    if (info != NULL) {
        *info = (struct link_match_info){.kernel = j.k->name,
                                         .lsh = lsh,
                                         .lsh_bits = j.lsh_k,
                                         .lsh_bands = j.lsh_l,
                                         .comparisons = atomic_load(&j.comparisons),
                                         .candidates = all->n,
                                         .seconds = now_s() - t0};
    }
    if (st != STATUS_OK) {
        free(all->v);
        memset(all, 0, sizeof *all);
    }
    return st;
}

enum status link_match_stats(const struct link_clkset *a, const struct link_clkset *b,
                             const struct link_match_opts *opts, struct link_pair **out, size_t *count_out,
                             struct link_match_info *info)
{
    *out = NULL;
    *count_out = 0;
    struct pairvec all;
    enum status st = find_pairs(a, b, false, opts, &all, info);
    if (st != STATUS_OK) {
        return st;
    }
    if (all.n > 1) {
        qsort(all.v, all.n, sizeof *all.v, pair_cmp_score);
    }
    if (!opts->all_pairs && all.n > 0) { /* greedy 1-to-1 */
        uint8_t *ta = xcalloc(a->count, 1), *tb = xcalloc(b->count, 1);
        size_t w = 0;
        for (size_t i = 0; i < all.n; i++) {
            struct link_pair p = all.v[i];
            if (!ta[p.a] && !tb[p.b]) {
                ta[p.a] = tb[p.b] = 1;
                all.v[w++] = p;
            }
        }
        all.n = w;
        free(ta);
        free(tb);
    }
    if (all.n == 0) {
        free(all.v);
        all.v = NULL;
    }
    *out = all.v;
    *count_out = all.n;
    return STATUS_OK;
}

enum status link_match(const struct link_clkset *a, const struct link_clkset *b, const struct link_match_opts *opts,
                       struct link_pair **out, size_t *count_out)
{
    return link_match_stats(a, b, opts, out, count_out, NULL);
}

/* ---- union-find ---- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

enum status link_dedup(const struct link_clkset *set, const struct link_match_opts *opts, struct link_pair **out,
                       size_t *count_out, uint32_t **cluster_out)
{
    *out = NULL;
    *count_out = 0;
    *cluster_out = NULL;
    struct pairvec all;
    enum status st = find_pairs(set, set, true, opts, &all, NULL);
    if (st != STATUS_OK) {
        return st;
    }
    if (all.n > 1) {
        qsort(all.v, all.n, sizeof *all.v, pair_cmp_score);
    }
    size_t n = set->count;
    uint32_t *parent = xmalloc((n == 0 ? 1 : n) * sizeof *parent);
    for (size_t i = 0; i < n; i++) {
        parent[i] = (uint32_t)i;
    }
    for (size_t i = 0; i < all.n; i++) {
        uint32_t x = uf_find(parent, all.v[i].a), y = uf_find(parent, all.v[i].b);
        if (x != y) {
            parent[x > y ? x : y] = x < y ? x : y;
        }
    }
    uint32_t *cluster = xmalloc((n == 0 ? 1 : n) * sizeof *cluster);
    uint32_t *id = xmalloc((n == 0 ? 1 : n) * sizeof *id);
    for (size_t i = 0; i < n; i++) {
        id[i] = NONE;
    }
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = uf_find(parent, (uint32_t)i);
        if (id[r] == NONE) {
            id[r] = next++;
        }
        cluster[i] = id[r];
    }
    free(id);
    free(parent);
    if (all.n == 0) {
        free(all.v);
        all.v = NULL;
    }
    *out = all.v;
    *count_out = all.n;
    *cluster_out = cluster;
    return STATUS_OK;
}

/* ---- several parties ---- */

struct edge {
    uint32_t pa, a, pb, b;
    double score;
};

static int edge_cmp(const void *x, const void *y)
{
    const struct edge *p = x, *q = y;
    if (p->score != q->score) {
        return p->score > q->score ? -1 : 1;
    }
    uint32_t u[4] = {p->pa, p->a, p->pb, p->b}, v[4] = {q->pa, q->a, q->pb, q->b};
    for (int i = 0; i < 4; i++) {
        if (u[i] != v[i]) {
            return u[i] < v[i] ? -1 : 1;
        }
    }
    return 0;
}

static int member_cmp(const void *x, const void *y)
{
    const struct link_member *p = x, *q = y;
    if (p->group != q->group) {
        return p->group < q->group ? -1 : 1;
    }
    if (p->party != q->party) {
        return p->party < q->party ? -1 : 1;
    }
    return p->record < q->record ? -1 : (p->record > q->record);
}

enum status link_cluster(const struct link_clkset *const *sets, size_t n, const struct link_match_opts *opts,
                         struct link_member **out, size_t *count_out, size_t *groups_out)
{
    *out = NULL;
    *count_out = 0;
    *groups_out = 0;
    if (n < 2 || n > LINK_PARTIES_MAX) {
        return err_set(STATUS_INVALID, "clustering needs 2 to %d parties", LINK_PARTIES_MAX);
    }
    struct link_match_opts o = *opts;
    o.all_pairs = true;
    size_t *base = xcalloc(n + 1, sizeof *base);
    for (size_t p = 0; p < n; p++) {
        base[p + 1] = base[p] + sets[p]->count;
    }
    struct edge *edges = NULL;
    size_t ne = 0, cap = 0;
    enum status st = STATUS_OK;
    for (size_t p = 0; p < n && st == STATUS_OK; p++) {
        for (size_t q = p + 1; q < n && st == STATUS_OK; q++) {
            struct link_pair *pairs = NULL;
            size_t np = 0;
            st = link_match(sets[p], sets[q], &o, &pairs, &np);
            if (st == STATUS_OK && ne + np > LINK_PAIRS_MAX) {
                st = err_set(STATUS_TOO_LARGE, "more than %u pairs at or above the threshold", LINK_PAIRS_MAX);
            }
            if (st == STATUS_OK && ne + np > cap) {
                cap = (ne + np) * 2;
                edges = xrealloc(edges, cap * sizeof *edges);
            }
            for (size_t i = 0; st == STATUS_OK && i < np; i++) {
                edges[ne++] = (struct edge){(uint32_t)p, pairs[i].a, (uint32_t)q, pairs[i].b, pairs[i].score};
            }
            free(pairs);
        }
    }
    if (st != STATUS_OK) {
        free(edges);
        free(base);
        return st;
    }
    if (ne > 1) {
        qsort(edges, ne, sizeof *edges, edge_cmp);
    }
    size_t total = base[n];
    uint32_t *parent = xmalloc((total == 0 ? 1 : total) * sizeof *parent);
    uint64_t *mask = xmalloc((total == 0 ? 1 : total) * sizeof *mask);
    uint32_t *size = xmalloc((total == 0 ? 1 : total) * sizeof *size);
    for (size_t p = 0; p < n; p++) {
        for (size_t i = base[p]; i < base[p + 1]; i++) {
            parent[i] = (uint32_t)i;
            mask[i] = 1ull << p;
            size[i] = 1;
        }
    }
    uint32_t *accepted = xmalloc((ne == 0 ? 1 : ne) * sizeof *accepted);
    size_t nacc = 0;
    for (size_t e = 0; e < ne; e++) {
        uint32_t x = uf_find(parent, (uint32_t)(base[edges[e].pa] + edges[e].a));
        uint32_t y = uf_find(parent, (uint32_t)(base[edges[e].pb] + edges[e].b));
        if (x == y || (mask[x] & mask[y]) != 0) {
            continue;
        }
        uint32_t r = x < y ? x : y, c = x < y ? y : x;
        parent[c] = r;
        mask[r] |= mask[c];
        size[r] += size[c];
        accepted[nacc++] = (uint32_t)e;
    }
    uint32_t *gid = xmalloc((total == 0 ? 1 : total) * sizeof *gid);
    for (size_t i = 0; i < total; i++) {
        gid[i] = NONE;
    }
    uint32_t groups = 0;
    for (size_t x = 0; x < nacc; x++) {
        struct edge *ed = &edges[accepted[x]];
        uint32_t r = uf_find(parent, (uint32_t)(base[ed->pa] + ed->a));
        if (gid[r] == NONE) {
            gid[r] = groups++;
        }
    }
    size_t nm = 0;
    struct link_member *m = xmalloc((total == 0 ? 1 : total) * sizeof *m);
    for (size_t p = 0; p < n; p++) {
        for (size_t i = base[p]; i < base[p + 1]; i++) {
            uint32_t r = uf_find(parent, (uint32_t)i);
            if (size[r] >= 2 && gid[r] != NONE) {
                m[nm++] = (struct link_member){gid[r], (uint32_t)p, (uint32_t)(i - base[p])};
            }
        }
    }
    if (nm > 1) {
        qsort(m, nm, sizeof *m, member_cmp);
    }
    free(gid);
    free(accepted);
    free(size);
    free(mask);
    free(parent);
    free(edges);
    free(base);
    if (nm == 0) {
        free(m);
        m = NULL;
    }
    *out = m;
    *count_out = nm;
    *groups_out = groups;
    return STATUS_OK;
}

/* ---- histogram ---- */

struct hist_job {
    struct job j;
    const uint32_t *queries;
    size_t nq;
    pthread_mutex_t hlock;
    uint64_t *bins;
};

#define HIST_RUN 1024

static void hist_unit(struct job *jj, size_t u, struct pairvec *out, void *mem)
{
    (void)out;
    struct hist_job *h = (struct hist_job *)jj;
    const struct link_clkset *a = jj->a, *b = jj->b;
    uint32_t *counts = mem;
    uint64_t local[LINK_HIST_BINS] = {0};
    size_t q0 = u * 16, q1 = q0 + 16 < h->nq ? q0 + 16 : h->nq;
    for (size_t s = 0; s < b->count; s += HIST_RUN) {
        size_t n = s + HIST_RUN < b->count ? HIST_RUN : b->count - s;
        for (size_t qi = q0; qi < q1; qi++) {
            uint32_t ai = h->queries[qi];
            jj->k->and_pop(link_clkset_row(a, ai), link_clkset_row(b, s), n, jj->words, counts);
            uint32_t pa = a->pop[ai];
            for (size_t x = 0; x < n; x++) {
                uint32_t den = pa + b->pop[s + x];
                uint32_t bin = den == 0 ? 0 : (uint32_t)((uint64_t)counts[x] * 100 / den); /* 50 * 2c / den */
                local[bin >= LINK_HIST_BINS ? LINK_HIST_BINS - 1 : bin]++;
            }
        }
    }
    pthread_mutex_lock(&h->hlock);
    for (int x = 0; x < LINK_HIST_BINS; x++) {
        h->bins[x] += local[x];
    }
    pthread_mutex_unlock(&h->hlock);
    atomic_fetch_add(&jj->comparisons, (uint64_t)(q1 - q0) * b->count);
}

enum status link_histogram(const struct link_clkset *a, const struct link_clkset *b, const struct link_match_opts *opts,
                           struct link_histogram *h)
{
    memset(h, 0, sizeof *h);
    h->suggested = -1;
    enum status st = check_opts(opts);
    if (st != STATUS_OK) {
        return st;
    }
    if (a->words != b->words) {
        return err_set(STATUS_INVALID, "the two sets have encodings of different lengths");
    }
    const struct link_kernel_ops *k = link_kernel_get(opts->kernel);
    if (k == NULL) {
        return err_set_field(STATUS_INVALID, "kernel", "this CPU cannot run the kernel asked for");
    }
    size_t nq = a->count;
    double total = (double)a->count * (double)b->count;
    uint32_t *queries = xmalloc((a->count == 0 ? 1 : a->count) * sizeof *queries);
    for (size_t i = 0; i < a->count; i++) {
        queries[i] = (uint32_t)i;
    }
    if (total > LINK_HIST_SAMPLE_PAIRS) { /* a fixed pseudo-random sample of the queries */
        nq = (size_t)(LINK_HIST_SAMPLE_PAIRS / (double)b->count);
        nq = nq == 0 ? 1 : nq;
        uint64_t seed = opts->lsh_seed != 0 ? opts->lsh_seed : 0x68697374ull;
        for (size_t i = 0; i < nq; i++) {
            size_t r = i + (size_t)(splitmix(&seed) % (a->count - i));
            uint32_t tmp = queries[i];
            queries[i] = queries[r];
            queries[r] = tmp;
        }
        h->sampled = true;
    }
    struct hist_job hj = {.queries = queries, .nq = nq, .bins = h->bins};
    hj.j = (struct job){.a = a, .b = b, .opts = opts, .k = k, .words = a->words};
    atomic_init(&hj.j.next, 0);
    atomic_init(&hj.j.done, 0);
    atomic_init(&hj.j.comparisons, 0);
    atomic_init(&hj.j.pairs_total, 0);
    atomic_init(&hj.j.stop, false);
    hj.j.units = (nq + 15) / 16;
    hj.j.unit = hist_unit;
    hj.j.scratch_bytes = HIST_RUN * sizeof(uint32_t);
    pthread_mutex_init(&hj.hlock, NULL);
    struct pairvec none;
    st = job_run(&hj.j, &none);
    free(none.v);
    pthread_mutex_destroy(&hj.hlock);
    free(queries);
    if (st != STATUS_OK) {
        memset(h->bins, 0, sizeof h->bins);
        return st;
    }
    h->queries = nq;
    h->pairs = atomic_load(&hj.j.comparisons);
    link_histogram_suggest(h);
    return STATUS_OK;
}

void link_histogram_suggest(struct link_histogram *h)
{
    double s[LINK_HIST_BINS], raw[LINK_HIST_BINS];
    for (int i = 0; i < LINK_HIST_BINS; i++) {
        raw[i] = log1p((double)h->bins[i]);
    }
    for (int i = 0; i < LINK_HIST_BINS; i++) { /* [1 2 1] / 4 smoothing */
        double l = raw[i > 0 ? i - 1 : i], r = raw[i + 1 < LINK_HIST_BINS ? i + 1 : i];
        s[i] = (l + 2 * raw[i] + r) / 4;
    }
    h->suggested = -1;
    double best = 0.5; /* a valley at least this deep in log counts */
    int bp = -1, bq = -1;
    for (int p = 0; p < LINK_HIST_BINS; p++) {
        if (h->bins[p] == 0) {
            continue;
        }
        double valley = INFINITY;
        for (int q = p + 2; q < LINK_HIST_BINS; q++) {
            valley = s[q - 1] < valley ? s[q - 1] : valley; /* the lowest bin strictly between p and q */
            if (h->bins[q] == 0) {
                continue;
            }
            double depth = (s[p] < s[q] ? s[p] : s[q]) - valley;
            if (depth > best) {
                best = depth;
                bp = p;
                bq = q;
            }
        }
    }
    if (bp < 0) {
        return;
    }
    double valley = INFINITY;
    for (int x = bp + 1; x < bq; x++) {
        valley = s[x] < valley ? s[x] : valley;
    }
    int first = -1, last = -1;
    for (int x = bp + 1; x < bq; x++) {
        if (s[x] <= valley + 1e-9) {
            first = first < 0 ? x : first;
            last = x;
        }
    }
    double mid = ((double)first + (double)last + 1.0) / 2.0 / LINK_HIST_BINS;
    h->suggested = round(mid * 100.0) / 100.0;
}
