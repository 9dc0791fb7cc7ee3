/* link/kernels: popcount(A AND B) of a query against a run of candidates (match.h).
 *
 * The build targets generic x86-64: the POPCNT, AVX2 and AVX-512 variants carry function target
 * attributes and are chosen at run time with __builtin_cpu_supports. Measured figures and the
 * reasons for each design are in docs/linkage.md. */
#include <stdlib.h>
#include <string.h>

#include "link/match.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LINK_X86 1
#include <immintrin.h>
#else
#define LINK_X86 0
#endif

/* The threshold filter shared by every scan: inlined into each kernel so that it is compiled
 * (and vectorised) for the kernel's instruction set. */
static inline __attribute__((always_inline)) size_t filter_hits(uint32_t pa, const uint32_t *cpop, size_t n,
                                                                uint32_t t16, const uint32_t *counts, uint32_t *hits)
{
    uint32_t any = 0;
    for (size_t j = 0; j < n; j++) {
        any |= (uint32_t)((counts[j] << 17) >= t16 * (pa + cpop[j]));
    }
    if (any == 0) {
        return 0;
    }
    size_t h = 0;
    for (size_t j = 0; j < n; j++) {
        hits[h] = (uint32_t)j;
        h += (counts[j] << 17) >= t16 * (pa + cpop[j]);
    }
    return h;
}

/* ---- portable C ---- */

static inline uint32_t pop64_portable(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

static void and_pop_portable(const uint64_t *q, const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    for (size_t j = 0; j < n; j++) {
        const uint64_t *c = cands + j * words;
        uint32_t s = 0;
        for (size_t w = 0; w < words; w++) {
            s += pop64_portable(q[w] & c[w]);
        }
        out[j] = s;
    }
}

static void pop_portable(const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    for (size_t j = 0; j < n; j++) {
        const uint64_t *c = cands + j * words;
        uint32_t s = 0;
        for (size_t w = 0; w < words; w++) {
            s += pop64_portable(c[w]);
        }
        out[j] = s;
    }
}

static size_t scan_portable(const uint64_t *q, uint32_t pa, const uint64_t *cands, const uint32_t *cpop, size_t n,
                            size_t words, uint32_t t16, uint32_t *counts, uint32_t *hits)
{
    and_pop_portable(q, cands, n, words, counts);
    return filter_hits(pa, cpop, n, t16, counts, hits);
}

#if LINK_X86

/* ---- scalar POPCNT: four independent accumulators (anonlink's kernel, without asm) ---- */

__attribute__((target("popcnt"))) static inline uint32_t and_pop_row_popcnt(const uint64_t *q, const uint64_t *c,
                                                                            size_t words)
{
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t w = 0;
    for (; w + 4 <= words; w += 4) {
        s0 += (uint64_t)__builtin_popcountll(q[w] & c[w]);
        s1 += (uint64_t)__builtin_popcountll(q[w + 1] & c[w + 1]);
        s2 += (uint64_t)__builtin_popcountll(q[w + 2] & c[w + 2]);
        s3 += (uint64_t)__builtin_popcountll(q[w + 3] & c[w + 3]);
    }
    for (; w < words; w++) {
        s0 += (uint64_t)__builtin_popcountll(q[w] & c[w]);
    }
    return (uint32_t)(s0 + s1 + s2 + s3);
}

__attribute__((target("popcnt"))) static void and_pop_scalar(const uint64_t *q, const uint64_t *cands, size_t n,
                                                             size_t words, uint32_t *out)
{
    if (words == 16) { /* 1024 bits: the default, fully unrolled */
        for (size_t j = 0; j < n; j++) {
            out[j] = and_pop_row_popcnt(q, cands + j * 16, 16);
        }
        return;
    }
    for (size_t j = 0; j < n; j++) {
        out[j] = and_pop_row_popcnt(q, cands + j * words, words);
    }
}

__attribute__((target("popcnt"))) static void pop_scalar(const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    for (size_t j = 0; j < n; j++) {
        const uint64_t *c = cands + j * words;
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        size_t w = 0;
        for (; w + 4 <= words; w += 4) {
            s0 += (uint64_t)__builtin_popcountll(c[w]);
            s1 += (uint64_t)__builtin_popcountll(c[w + 1]);
            s2 += (uint64_t)__builtin_popcountll(c[w + 2]);
            s3 += (uint64_t)__builtin_popcountll(c[w + 3]);
        }
        for (; w < words; w++) {
            s0 += (uint64_t)__builtin_popcountll(c[w]);
        }
        out[j] = (uint32_t)(s0 + s1 + s2 + s3);
    }
}

__attribute__((target("popcnt"))) static size_t scan_scalar(const uint64_t *q, uint32_t pa, const uint64_t *cands,
                                                            const uint32_t *cpop, size_t n, size_t words, uint32_t t16,
                                                            uint32_t *counts, uint32_t *hits)
{
    and_pop_scalar(q, cands, n, words, counts);
    return filter_hits(pa, cpop, n, t16, counts, hits);
}

/* ---- AVX2: Mula's nibble lookup, byte counts summed with SAD ---- */

#define AVX2_TARGET __attribute__((target("avx2,popcnt")))

AVX2_TARGET static inline __m256i avx2_pop_bytes(__m256i v)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                         2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_and_si256(v, low);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

AVX2_TARGET static inline uint32_t avx2_hsum(__m256i acc)
{
    __m128i s = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    return (uint32_t)((uint64_t)_mm_cvtsi128_si64(s) + (uint64_t)_mm_extract_epi64(s, 1));
}

/* popcount(q AND c) (q NULL: popcount(c)) of one row; byte counters (at most 8 per step) are
 * folded into 64-bit lanes every 16 steps. */
AVX2_TARGET static inline uint32_t avx2_row(const uint64_t *q, const uint64_t *c, size_t words)
{
    __m256i acc = _mm256_setzero_si256();
    size_t w = 0;
    while (w + 4 <= words) {
        __m256i bytes = _mm256_setzero_si256();
        for (int k = 0; k < 16 && w + 4 <= words; k++, w += 4) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(c + w));
            if (q != NULL) {
                v = _mm256_and_si256(v, _mm256_loadu_si256((const __m256i *)(q + w)));
            }
            bytes = _mm256_add_epi8(bytes, avx2_pop_bytes(v));
        }
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(bytes, _mm256_setzero_si256()));
    }
    uint32_t s = avx2_hsum(acc);
    for (; w < words; w++) {
        s += (uint32_t)__builtin_popcountll(q != NULL ? q[w] & c[w] : c[w]);
    }
    return s;
}

AVX2_TARGET static void and_pop_avx2(const uint64_t *q, const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    if (words == 16) {
        for (size_t j = 0; j < n; j++) {
            out[j] = avx2_row(q, cands + j * 16, 16);
        }
        return;
    }
    for (size_t j = 0; j < n; j++) {
        out[j] = avx2_row(q, cands + j * words, words);
    }
}

AVX2_TARGET static void pop_avx2(const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    for (size_t j = 0; j < n; j++) {
        out[j] = avx2_row(NULL, cands + j * words, words);
    }
}

AVX2_TARGET static size_t scan_avx2(const uint64_t *q, uint32_t pa, const uint64_t *cands, const uint32_t *cpop,
                                    size_t n, size_t words, uint32_t t16, uint32_t *counts, uint32_t *hits)
{
    and_pop_avx2(q, cands, n, words, counts);
    return filter_hits(pa, cpop, n, t16, counts, hits);
}

/* ---- AVX-512 VPOPCNTDQ: 8 candidates per iteration, lane sums reduced by a transpose tree ---- */

#define AVX512_TARGET __attribute__((target("avx512f,avx512vpopcntdq,avx2,popcnt")))

/* The 8 lane sums of v[0..7] as one vector (lane j = sum of v[j]). */
AVX512_TARGET static inline __m512i avx512_reduce8(const __m512i v[8])
{
    __m512i t01 = _mm512_add_epi64(_mm512_unpacklo_epi64(v[0], v[1]), _mm512_unpackhi_epi64(v[0], v[1]));
    __m512i t23 = _mm512_add_epi64(_mm512_unpacklo_epi64(v[2], v[3]), _mm512_unpackhi_epi64(v[2], v[3]));
    __m512i t45 = _mm512_add_epi64(_mm512_unpacklo_epi64(v[4], v[5]), _mm512_unpackhi_epi64(v[4], v[5]));
    __m512i t67 = _mm512_add_epi64(_mm512_unpacklo_epi64(v[6], v[7]), _mm512_unpackhi_epi64(v[6], v[7]));
    __m512i u0 = _mm512_add_epi64(_mm512_shuffle_i64x2(t01, t23, _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm512_shuffle_i64x2(t01, t23, _MM_SHUFFLE(3, 1, 3, 1)));
    __m512i u1 = _mm512_add_epi64(_mm512_shuffle_i64x2(t45, t67, _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm512_shuffle_i64x2(t45, t67, _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_epi64(_mm512_shuffle_i64x2(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i64x2(u0, u1, _MM_SHUFFLE(3, 1, 3, 1)));
}

/* Rows of words words (any width: the last 512-bit chunk is a masked load). q NULL: popcount
 * of the candidates alone. */
AVX512_TARGET static inline void avx512_rows(const uint64_t *q, const uint64_t *cands, size_t n, size_t words,
                                             uint32_t *out)
{
    size_t chunks = (words + 7) / 8;
    __mmask8 tail = (words % 8) == 0 ? (__mmask8)0xff : (__mmask8)((1u << (words % 8)) - 1);
    size_t j = 0;
    if (words == 16) {
        __m512i q0 = q != NULL ? _mm512_loadu_si512(q) : _mm512_set1_epi64(-1);
        __m512i q1 = q != NULL ? _mm512_loadu_si512(q + 8) : _mm512_set1_epi64(-1);
        for (; j + 8 <= n; j += 8) {
            const uint64_t *c = cands + j * 16;
            __m512i v[8];
            for (int k = 0; k < 8; k++) {
                __m512i a = _mm512_popcnt_epi64(_mm512_and_si512(q0, _mm512_loadu_si512(c + k * 16)));
                __m512i b = _mm512_popcnt_epi64(_mm512_and_si512(q1, _mm512_loadu_si512(c + k * 16 + 8)));
                v[k] = _mm512_add_epi64(a, b);
            }
            _mm256_storeu_si256((__m256i *)(out + j), _mm512_cvtepi64_epi32(avx512_reduce8(v)));
        }
    } else {
        for (; j + 8 <= n; j += 8) {
            __m512i v[8];
            for (int k = 0; k < 8; k++) {
                const uint64_t *c = cands + (j + k) * words;
                __m512i acc = _mm512_setzero_si512();
                for (size_t ch = 0; ch < chunks; ch++) {
                    __mmask8 m = ch + 1 == chunks ? tail : (__mmask8)0xff;
                    __m512i x = _mm512_maskz_loadu_epi64(m, c + ch * 8);
                    if (q != NULL) {
                        x = _mm512_and_si512(x, _mm512_maskz_loadu_epi64(m, q + ch * 8));
                    }
                    acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(x));
                }
                v[k] = acc;
            }
            _mm256_storeu_si256((__m256i *)(out + j), _mm512_cvtepi64_epi32(avx512_reduce8(v)));
        }
    }
    for (; j < n; j++) {
        const uint64_t *c = cands + j * words;
        __m512i acc = _mm512_setzero_si512();
        for (size_t ch = 0; ch < chunks; ch++) {
            __mmask8 m = ch + 1 == chunks ? tail : (__mmask8)0xff;
            __m512i x = _mm512_maskz_loadu_epi64(m, c + ch * 8);
            if (q != NULL) {
                x = _mm512_and_si512(x, _mm512_maskz_loadu_epi64(m, q + ch * 8));
            }
            acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(x));
        }
        out[j] = (uint32_t)_mm512_reduce_add_epi64(acc);
    }
}

AVX512_TARGET static void and_pop_avx512(const uint64_t *q, const uint64_t *cands, size_t n, size_t words,
                                         uint32_t *out)
{
    avx512_rows(q, cands, n, words, out);
}

AVX512_TARGET static void pop_avx512(const uint64_t *cands, size_t n, size_t words, uint32_t *out)
{
    avx512_rows(NULL, cands, n, words, out);
}

AVX512_TARGET static size_t scan_avx512(const uint64_t *q, uint32_t pa, const uint64_t *cands, const uint32_t *cpop,
                                        size_t n, size_t words, uint32_t t16, uint32_t *counts, uint32_t *hits)
{
    avx512_rows(q, cands, n, words, counts);
    return filter_hits(pa, cpop, n, t16, counts, hits);
}

#endif /* LINK_X86 */

static const struct link_kernel_ops kernels[] = {
    {LINK_KERNEL_PORTABLE, "portable", and_pop_portable, pop_portable, scan_portable},
#if LINK_X86
    {LINK_KERNEL_SCALAR, "scalar", and_pop_scalar, pop_scalar, scan_scalar},
    {LINK_KERNEL_AVX2, "avx2", and_pop_avx2, pop_avx2, scan_avx2},
    {LINK_KERNEL_AVX512, "avx512", and_pop_avx512, pop_avx512, scan_avx512},
#endif
};

bool link_kernel_available(enum link_kernel k)
{
    switch (k) {
    case LINK_KERNEL_AUTO:
    case LINK_KERNEL_PORTABLE: return true;
#if LINK_X86
    case LINK_KERNEL_SCALAR: __builtin_cpu_init(); return __builtin_cpu_supports("popcnt");
    case LINK_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case LINK_KERNEL_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#else
    default: return false;
#endif
    }
    return false;
}

bool link_kernel_parse(const char *name, enum link_kernel *out)
{
    static const struct {
        const char *name;
        enum link_kernel k;
    } names[] = {{"auto", LINK_KERNEL_AUTO},
                 {"portable", LINK_KERNEL_PORTABLE},
                 {"scalar", LINK_KERNEL_SCALAR},
                 {"avx2", LINK_KERNEL_AVX2},
                 {"avx512", LINK_KERNEL_AVX512}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].k;
            return true;
        }
    }
    return false;
}

static const struct link_kernel_ops *kernel_of(enum link_kernel k)
{
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (kernels[i].kind == k) {
            return &kernels[i];
        }
    }
    return NULL;
}

const struct link_kernel_ops *link_kernel_get(enum link_kernel k)
{
    if (k != LINK_KERNEL_AUTO) {
        return link_kernel_available(k) ? kernel_of(k) : NULL;
    }
    const char *env = getenv("CTIS_LINK_KERNEL");
    enum link_kernel want;
    if (env != NULL && *env != '\0' && link_kernel_parse(env, &want) && want != LINK_KERNEL_AUTO &&
        link_kernel_available(want)) {
        return kernel_of(want);
    }
    static const enum link_kernel best[] = {LINK_KERNEL_AVX512, LINK_KERNEL_AVX2, LINK_KERNEL_SCALAR};
    for (size_t i = 0; i < sizeof best / sizeof best[0]; i++) {
        if (link_kernel_available(best[i]) && kernel_of(best[i]) != NULL) {
            return kernel_of(best[i]);
        }
    }
    return kernel_of(LINK_KERNEL_PORTABLE);
}
