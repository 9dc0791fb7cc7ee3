/* kanon: the greedy described in kanon.h. Classes are counted in an open-addressing hash table
 * keyed by the released codes of a row; the rows of small classes are kept in a list that only
 * shrinks (rows of classes of k or more never move, so their classes never shrink). */
#include "cases/kanon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

/* ---- the table ------------------------------------------------------------------------------ */

void kanon_table_init(struct kanon_table *t, size_t qis)
{
    ASSERT(qis >= 1 && qis <= KANON_QI_MAX);
    memset(t, 0, sizeof *t);
    t->qis = qis;
}

enum status kanon_table_add(struct kanon_table *t, const uint32_t *codes)
{
    if (t->rows >= KANON_ROWS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %d records to anonymise", KANON_ROWS_MAX);
    }
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->code = xrealloc(t->code, t->cap * t->qis * sizeof *t->code);
        t->level = xrealloc(t->level, t->cap * t->qis);
        t->dropped = xrealloc(t->dropped, t->cap);
    }
    memcpy(t->code + t->rows * t->qis, codes, t->qis * sizeof *codes);
    memset(t->level + t->rows * t->qis, 0, t->qis);
    t->dropped[t->rows] = 0;
    t->rows++;
    return STATUS_OK;
}

void kanon_table_free(struct kanon_table *t)
{
    free(t->code);
    free(t->level);
    free(t->dropped);
    memset(t, 0, sizeof *t);
}

static uint32_t cell_at(const struct kanon_hierarchy *hq, uint32_t code, unsigned level)
{
    if (code == KANON_MISSING || level > hq->levels) {
        return KANON_MISSING;
    }
    return level == 0 ? code : hq->generalise(code, level, hq->arg);
}

uint32_t kanon_value(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t row, size_t qi)
{
    ASSERT(row < t->rows && qi < t->qis);
    return cell_at(&h[qi], t->code[row * t->qis + qi], t->level[row * t->qis + qi]);
}

/* The released codes of a row; with bump >= 0, as if QI bump were one level higher. */
static void row_key(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t r, int bump, uint32_t *key)
{
    for (size_t q = 0; q < t->qis; q++) {
        unsigned level = t->level[r * t->qis + q] + ((int)q == bump ? 1u : 0u);
        key[q] = cell_at(&h[q], t->code[r * t->qis + q], level);
    }
}

/* Whether the row can take one more level on q (it has a value there, not yet suppressed). */
static bool movable(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t r, size_t q)
{
    return t->code[r * t->qis + q] != KANON_MISSING && t->level[r * t->qis + q] <= h[q].levels;
}

/* ---- a hash table of keys with two counters ------------------------------------------------- */

struct kmap {
    size_t width; /* codes per key */
    size_t cap;   /* a power of two */
    size_t used;
    uint32_t *keys;
    uint32_t *a; /* the class size (main), rows moving in (trial) */
    uint32_t *b; /* rows moving out (trial) */
    uint8_t *full;
};

static uint64_t key_hash(const uint32_t *key, size_t width)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < width; i++) {
        h ^= key[i];
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    return h;
}

static void kmap_alloc(struct kmap *m, size_t width, size_t cap)
{
    m->width = width;
    m->cap = cap;
    m->used = 0;
    m->keys = xmalloc(cap * width * sizeof *m->keys);
    m->a = xcalloc(cap, sizeof *m->a);
    m->b = xcalloc(cap, sizeof *m->b);
    m->full = xcalloc(cap, 1);
}

static void kmap_free(struct kmap *m)
{
    free(m->keys);
    free(m->a);
    free(m->b);
    free(m->full);
    memset(m, 0, sizeof *m);
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 64;
    while (c < n) {
        c *= 2;
    }
    return c;
}

/* Empties the map, sized for about n keys. */
static void kmap_reset(struct kmap *m, size_t width, size_t n)
{
    size_t want = pow2_at_least(n * 2 + 1);
    if (m->keys == NULL || m->width != width || m->cap < want || m->cap > want * 8) {
        kmap_free(m);
        kmap_alloc(m, width, want);
        return;
    }
    memset(m->a, 0, m->cap * sizeof *m->a);
    memset(m->b, 0, m->cap * sizeof *m->b);
    memset(m->full, 0, m->cap);
    m->used = 0;
}

static size_t kmap_probe(const struct kmap *m, const uint32_t *key)
{
    size_t mask = m->cap - 1, i = (size_t)key_hash(key, m->width) & mask;
    while (m->full[i] && memcmp(m->keys + i * m->width, key, m->width * sizeof *key) != 0) {
        i = (i + 1) & mask;
    }
    return i;
}

static void kmap_grow(struct kmap *m)
{
    struct kmap old = *m;
    kmap_alloc(m, old.width, old.cap * 2);
    for (size_t i = 0; i < old.cap; i++) {
        if (old.full[i]) {
            size_t j = kmap_probe(m, old.keys + i * old.width);
            memcpy(m->keys + j * m->width, old.keys + i * old.width, old.width * sizeof *old.keys);
            m->a[j] = old.a[i];
            m->b[j] = old.b[i];
            m->full[j] = 1;
            m->used++;
        }
    }
    kmap_free(&old);
}

/* The slot of key, added (with zero counters) when absent. */
static size_t kmap_add(struct kmap *m, const uint32_t *key)
{
    if ((m->used + 1) * 2 > m->cap) {
        kmap_grow(m);
    }
    size_t i = kmap_probe(m, key);
    if (!m->full[i]) {
        memcpy(m->keys + i * m->width, key, m->width * sizeof *key);
        m->full[i] = 1;
        m->used++;
    }
    return i;
}

/* Adds one to counter a (which = 1) or b (which = 2) of key, adding the key when absent. (The
 * slot is found first: adding may move the arrays.) */
static void kmap_inc(struct kmap *m, const uint32_t *key, int which)
{
    size_t i = kmap_add(m, key);
    if (which == 1) {
        m->a[i]++;
    } else {
        m->b[i]++;
    }
}

/* The class size of key (0 when absent). */
static uint32_t kmap_count(const struct kmap *m, const uint32_t *key)
{
    size_t i = kmap_probe(m, key);
    return m->full[i] ? m->a[i] : 0;
}

/* ---- the greedy ----------------------------------------------------------------------------- */

struct run {
    struct kanon_table *t;
    const struct kanon_hierarchy *h;
    size_t k;
    struct kmap main;  /* released classes */
    struct kmap trial; /* one QI's trial step */
    uint32_t *small;   /* rows of classes smaller than k */
    size_t nsmall;
    uint8_t *rescued; /* per small row: the QIs whose step rescues it */
};

static void move_row(struct run *R, size_t r, size_t q)
{
    uint32_t key[KANON_QI_MAX];
    row_key(R->t, R->h, r, -1, key);
    size_t i = kmap_add(&R->main, key);
    ASSERT(R->main.a[i] > 0);
    R->main.a[i]--;
    R->t->level[r * R->t->qis + q]++;
    row_key(R->t, R->h, r, -1, key);
    kmap_inc(&R->main, key, 1);
}

static void drop_row(struct run *R, size_t r)
{
    uint32_t key[KANON_QI_MAX];
    row_key(R->t, R->h, r, -1, key);
    size_t i = kmap_add(&R->main, key);
    ASSERT(R->main.a[i] > 0);
    R->main.a[i]--;
    R->t->dropped[r] = 1;
}

/* Keeps in the small list only the rows whose class is still smaller than k. */
static void small_refresh(struct run *R)
{
    uint32_t key[KANON_QI_MAX];
    size_t n = 0;
    for (size_t i = 0; i < R->nsmall; i++) {
        size_t r = R->small[i];
        if (R->t->dropped[r]) {
            continue;
        }
        row_key(R->t, R->h, r, -1, key);
        if (kmap_count(&R->main, key) < R->k) {
            R->small[n++] = (uint32_t)r;
        }
    }
    R->nsmall = n;
}

/* Step 1: the score of one more level on q for every small row (rescues; a generalisation counts
 * 2, a suppression 1), marking the rows rescued in R->rescued. */
static size_t trial_step(struct run *R, size_t q)
{
    const struct kanon_table *t = R->t;
    uint32_t key[KANON_QI_MAX];
    kmap_reset(&R->trial, t->qis, 2 * R->nsmall); /* two keys per small row at most */
    for (size_t i = 0; i < R->nsmall; i++) {
        size_t r = R->small[i];
        if (!movable(t, R->h, r, q)) {
            continue;
        }
        row_key(t, R->h, r, -1, key);
        kmap_inc(&R->trial, key, 2);
        row_key(t, R->h, r, (int)q, key);
        kmap_inc(&R->trial, key, 1);
    }
    size_t score = 0;
    for (size_t i = 0; i < R->nsmall; i++) {
        size_t r = R->small[i];
        if (!movable(t, R->h, r, q)) {
            continue;
        }
        row_key(t, R->h, r, (int)q, key);
        size_t j = kmap_probe(&R->trial, key);
        int64_t after = (int64_t)kmap_count(&R->main, key) - R->trial.b[j] + R->trial.a[j];
        if (after >= (int64_t)R->k) {
            R->rescued[i] |= (uint8_t)(1u << q);
            score += t->level[r * t->qis + q] < R->h[q].levels ? 2 : 1;
        }
    }
    return score;
}

/* Step 2: the QI every small row takes one more level on, or -1 when none can move. */
static int whole_step_qi(struct run *R)
{
    const struct kanon_table *t = R->t;
    int best = -1;
    bool best_gen = false;
    size_t best_distinct = 0;
    struct kmap values = {0};
    for (size_t q = 0; q < t->qis; q++) {
        bool any = false, gen = false;
        kmap_reset(&values, 1, R->nsmall);
        for (size_t i = 0; i < R->nsmall; i++) {
            size_t r = R->small[i];
            if (!movable(t, R->h, r, q)) {
                continue;
            }
            any = true;
            gen = gen || t->level[r * t->qis + q] < R->h[q].levels;
            uint32_t v = cell_at(&R->h[q], t->code[r * t->qis + q], t->level[r * t->qis + q]);
            kmap_add(&values, &v);
        }
        if (!any) {
            continue;
        }
        if (best < 0 || (gen && !best_gen) || (gen == best_gen && values.used > best_distinct)) {
            best = (int)q;
            best_gen = gen;
            best_distinct = values.used;
        }
    }
    kmap_free(&values);
    return best;
}

static void report_fill(const struct run *R, struct kanon_report *rep)
{
    const struct kanon_table *t = R->t;
    size_t excluded = rep->rows_excluded;
    memset(rep, 0, sizeof *rep);
    rep->rows_excluded = excluded;
    rep->k = R->k;
    rep->rows_in = t->rows;
    rep->qis = t->qis;
    for (size_t q = 0; q < t->qis; q++) {
        rep->qi[q].name = R->h[q].name;
        rep->qi[q].levels = R->h[q].levels;
        for (unsigned l = 0; l < R->h[q].levels; l++) {
            rep->qi[q].level_names[l] = R->h[q].level_names[l];
        }
    }
    for (size_t r = 0; r < t->rows; r++) {
        if (t->dropped[r]) {
            rep->rows_dropped++;
        } else {
            rep->rows_written++;
        }
        for (size_t q = 0; q < t->qis; q++) {
            struct kanon_qi_report *qr = &rep->qi[q];
            uint32_t code = t->code[r * t->qis + q];
            unsigned level = t->level[r * t->qis + q];
            uint32_t v = kanon_value(t, R->h, r, q);
            if (code == KANON_MISSING) {
                qr->missing += t->dropped[r] ? 0 : 1;
            } else if (t->dropped[r]) {
                qr->dropped++;
            } else if (v == KANON_MISSING) {
                qr->suppressed++;
            } else if (level == 0 || v == code) {
                qr->kept++;
            } else {
                qr->generalised[level - 1]++;
            }
        }
    }
}

enum status kanon_run(struct kanon_table *t, const struct kanon_hierarchy *h, size_t k, struct kanon_report *rep)
{
    if (k == 0 || k > KANON_K_MAX) {
        return err_set_field(STATUS_INVALID, "k", "k: 1 to %d", KANON_K_MAX);
    }
    for (size_t q = 0; q < t->qis; q++) {
        if (h[q].levels > KANON_LEVELS_MAX || (h[q].levels > 0 && h[q].generalise == NULL)) {
            return err_set(STATUS_INVALID, "hierarchy %s: at most %d levels, with a generalise function", h[q].name,
                           KANON_LEVELS_MAX);
        }
    }
    if (t->rows > 0) {
        memset(t->level, 0, t->rows * t->qis);
        memset(t->dropped, 0, t->rows);
    }
    struct run R = {.t = t, .h = h, .k = k};
    uint32_t key[KANON_QI_MAX];
    kmap_reset(&R.main, t->qis, t->rows / 8); /* grows as classes appear */
    for (size_t r = 0; r < t->rows; r++) {
        row_key(t, h, r, -1, key);
        kmap_inc(&R.main, key, 1);
    }
    R.small = xmalloc((t->rows ? t->rows : 1) * sizeof *R.small);
    for (size_t r = 0; r < t->rows; r++) {
        R.small[R.nsmall++] = (uint32_t)r;
    }
    small_refresh(&R);
    R.rescued = xmalloc(R.nsmall ? R.nsmall : 1);
    size_t rounds = 0;
    while (R.nsmall > 0) {
        rounds++;
        memset(R.rescued, 0, R.nsmall);
        int best = -1;
        size_t best_score = 0;
        for (size_t q = 0; q < t->qis && rounds <= KANON_ROUNDS_MAX; q++) {
            size_t score = trial_step(&R, q);
            if (score > best_score) {
                best = (int)q;
                best_score = score;
            }
        }
        if (best >= 0) {
            for (size_t i = 0; i < R.nsmall; i++) {
                if (R.rescued[i] & (1u << best)) {
                    move_row(&R, R.small[i], (size_t)best);
                }
            }
        } else if ((best = whole_step_qi(&R)) >= 0) {
            for (size_t i = 0; i < R.nsmall; i++) {
                if (movable(t, h, R.small[i], (size_t)best)) {
                    move_row(&R, R.small[i], (size_t)best);
                }
            }
        } else {
            for (size_t i = 0; i < R.nsmall; i++) {
                drop_row(&R, R.small[i]);
            }
        }
        small_refresh(&R);
    }
    kmap_free(&R.main);
    kmap_free(&R.trial);
    free(R.small);
    free(R.rescued);
    size_t classes = 0, min_class = 0;
    enum status st = kanon_verify(t, h, k, &classes, &min_class);
    ASSERT(st == STATUS_OK);
    if (rep != NULL) {
        report_fill(&R, rep);
        rep->classes = classes;
        rep->min_class = min_class;
        rep->rounds = rounds;
    }
    return STATUS_OK;
}

enum status kanon_verify(const struct kanon_table *t, const struct kanon_hierarchy *h, size_t k, size_t *classes_out,
                         size_t *min_class_out)
{
    struct kmap m = {0};
    uint32_t key[KANON_QI_MAX];
    kmap_reset(&m, t->qis, t->rows / 8);
    for (size_t r = 0; r < t->rows; r++) {
        if (!t->dropped[r]) {
            row_key(t, h, r, -1, key);
            kmap_inc(&m, key, 1);
        }
    }
    size_t classes = 0, min_class = 0;
    for (size_t i = 0; i < m.cap; i++) {
        if (m.full[i]) {
            classes++;
            min_class = min_class == 0 || m.a[i] < min_class ? m.a[i] : min_class;
        }
    }
    kmap_free(&m);
    if (classes_out != NULL) {
        *classes_out = classes;
    }
    if (min_class_out != NULL) {
        *min_class_out = min_class;
    }
    if (classes > 0 && min_class < k) {
        return err_set(STATUS_INVALID, "a group of %zu records is smaller than k = %zu", min_class, k);
    }
    return STATUS_OK;
}

/* ---- the report ----------------------------------------------------------------------------- */

char *kanon_report_text(const struct kanon_report *rep)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    buf_printf(&b, "k-anonymity with k = %zu on %zu quasi-identifiers\n", rep->k, rep->qis);
    buf_printf(&b, "records read: %zu; left out before anonymising: %zu; written: %zu; dropped: %zu\n",
               rep->rows_in + rep->rows_excluded, rep->rows_excluded, rep->rows_written, rep->rows_dropped);
    buf_printf(&b, "groups of records with the same quasi-identifiers: %zu; the smallest holds %zu (k reached: %zu)\n",
               rep->classes, rep->min_class, rep->min_class);
    for (size_t q = 0; q < rep->qis; q++) {
        const struct kanon_qi_report *qr = &rep->qi[q];
        buf_printf(&b, "%s: %zu kept", qr->name, qr->kept);
        for (unsigned l = 0; l < qr->levels; l++) {
            buf_printf(&b, ", %zu generalised to %s", qr->generalised[l], qr->level_names[l]);
        }
        buf_printf(&b, ", %zu suppressed, %zu missing in the records, %zu in dropped records\n", qr->suppressed,
                   qr->missing, qr->dropped);
    }
    return buf_take(&b);
}

json_t *kanon_report_json(const struct kanon_report *rep)
{
    json_t *qis = json_array();
    for (size_t q = 0; q < rep->qis; q++) {
        const struct kanon_qi_report *qr = &rep->qi[q];
        json_t *gen = json_object();
        for (unsigned l = 0; l < qr->levels; l++) {
            json_object_set_new(gen, qr->level_names[l], json_integer((json_int_t)qr->generalised[l]));
        }
        json_array_append_new(qis,
                              json_pack("{s:s,s:I,s:o,s:I,s:I,s:I}", "name", qr->name, "kept", (json_int_t)qr->kept,
                                        "generalised", gen, "suppressed", (json_int_t)qr->suppressed, "missing",
                                        (json_int_t)qr->missing, "dropped", (json_int_t)qr->dropped));
    }
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "k", (json_int_t)rep->k, "records_read",
                     (json_int_t)(rep->rows_in + rep->rows_excluded), "records_excluded",
                     (json_int_t)rep->rows_excluded, "records_written", (json_int_t)rep->rows_written,
                     "records_dropped", (json_int_t)rep->rows_dropped, "classes", (json_int_t)rep->classes, "min_class",
                     (json_int_t)rep->min_class, "quasi_identifiers", qis);
}
