/* sdc: tables of counts, primary and secondary suppression, rounding and geometric noise
 * (sdc.h). The audit's linear programmes are in sdc_audit.c, the only file that sees GLPK. */
#include "stats/sdc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vault/vault.h"

struct sdc_table *sdc_table_new(size_t ncells)
{
    struct sdc_table *t = xcalloc(1, sizeof *t);
    t->ncells = ncells;
    t->value = xcalloc(ncells ? ncells : 1, sizeof *t->value);
    t->state = xcalloc(ncells ? ncells : 1, sizeof *t->state);
    t->margin = xcalloc(ncells ? ncells : 1, sizeof *t->margin);
    return t;
}

enum status sdc_table_group(struct sdc_table *t, size_t total, const size_t *members, size_t count)
{
    if (total >= t->ncells) {
        return err_set(STATUS_INVALID, "sdc: group total %zu out of range", total);
    }
    for (size_t i = 0; i < count; i++) {
        if (members[i] >= t->ncells || members[i] == total) {
            return err_set(STATUS_INVALID, "sdc: group member %zu out of range", members[i]);
        }
    }
    t->groups = xrealloc(t->groups, (t->ngroups + 1) * sizeof *t->groups);
    struct sdc_group *g = &t->groups[t->ngroups++];
    g->total = total;
    g->count = count;
    g->members = xcalloc(count ? count : 1, sizeof *g->members);
    memcpy(g->members, members, count * sizeof *members);
    t->margin[total] = true;
    return STATUS_OK;
}

struct sdc_table *sdc_table_one_way(const int64_t *cells, size_t n)
{
    struct sdc_table *t = sdc_table_new(n + 1);
    size_t *m = xcalloc(n ? n : 1, sizeof *m);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        t->value[i] = cells[i];
        sum += cells[i];
        m[i] = i;
    }
    t->value[n] = sum;
    t->rows = n;
    t->cols = 1;
    (void)sdc_table_group(t, n, m, n);
    free(m);
    return t;
}

struct sdc_table *sdc_table_two_way(const int64_t *cells, size_t rows, size_t cols)
{
    size_t rc = rows * cols, grand = rc + rows + cols;
    struct sdc_table *t = sdc_table_new(grand + 1);
    t->rows = rows;
    t->cols = cols;
    size_t *m = xcalloc((rows > cols ? rows : cols) + 1, sizeof *m);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            int64_t v = cells[r * cols + c];
            t->value[r * cols + c] = v;
            t->value[rc + r] += v;
            t->value[rc + rows + c] += v;
            t->value[grand] += v;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            m[c] = r * cols + c;
        }
        (void)sdc_table_group(t, rc + r, m, cols);
    }
    for (size_t c = 0; c < cols; c++) {
        for (size_t r = 0; r < rows; r++) {
            m[r] = r * cols + c;
        }
        (void)sdc_table_group(t, rc + rows + c, m, rows);
    }
    for (size_t r = 0; r < rows; r++) {
        m[r] = rc + r;
    }
    (void)sdc_table_group(t, grand, m, rows);
    for (size_t c = 0; c < cols; c++) {
        m[c] = rc + rows + c;
    }
    (void)sdc_table_group(t, grand, m, cols);
    free(m);
    return t;
}

void sdc_table_free(struct sdc_table *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t g = 0; g < t->ngroups; g++) {
        free(t->groups[g].members);
    }
    free(t->groups);
    free(t->value);
    free(t->state);
    free(t->margin);
    free(t);
}

void sdc_audit_free(struct sdc_audit *a)
{
    if (a != NULL) {
        free(a->cells);
        memset(a, 0, sizeof *a);
    }
}

size_t sdc_primary(struct sdc_table *t, int64_t threshold)
{
    size_t n = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        if (t->value[i] >= 1 && t->value[i] < threshold) {
            t->state[i] = SDC_PRIMARY;
            n++;
        }
    }
    return n;
}

static bool in_group(const struct sdc_group *g, size_t cell);
static size_t group_suppressed(const struct sdc_table *t, const struct sdc_group *g);

/* How many of the groups holding cell i have no suppressed cell yet: suppressing i there would
 * call for a further complement in each of them. */
static size_t fresh_groups(const struct sdc_table *t, size_t i)
{
    size_t n = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        n += in_group(&t->groups[g], i) && group_suppressed(t, &t->groups[g]) == 0;
    }
    return n;
}

/* Rank of a published cell as a complement, lower first: positive before zero, fewer fresh
 * groups (groups with nothing suppressed yet), interior before margin, smaller value, lower index. */
static bool better(const struct sdc_table *t, size_t a, size_t b)
{
    bool za = t->value[a] == 0, zb = t->value[b] == 0;
    if (za != zb) {
        return zb;
    }
    size_t fa = fresh_groups(t, a), fb = fresh_groups(t, b);
    if (fa != fb) {
        return fa < fb;
    }
    if (t->margin[a] != t->margin[b]) {
        return t->margin[b];
    }
    if (t->value[a] != t->value[b]) {
        return t->value[a] < t->value[b];
    }
    return a < b;
}

/* The best published cell of group g (its total included), or SIZE_MAX. */
static size_t group_best(const struct sdc_table *t, const struct sdc_group *g, size_t best)
{
    for (size_t k = 0; k <= g->count; k++) {
        size_t i = k < g->count ? g->members[k] : g->total;
        if (t->state[i] == SDC_PUBLISHED && (best == SIZE_MAX || better(t, i, best))) {
            best = i;
        }
    }
    return best;
}

static size_t group_suppressed(const struct sdc_table *t, const struct sdc_group *g)
{
    size_t n = t->state[g->total] != SDC_PUBLISHED;
    for (size_t k = 0; k < g->count; k++) {
        n += t->state[g->members[k]] != SDC_PUBLISHED;
    }
    return n;
}

static bool in_group(const struct sdc_group *g, size_t cell)
{
    if (g->total == cell) {
        return true;
    }
    for (size_t k = 0; k < g->count; k++) {
        if (g->members[k] == cell) {
            return true;
        }
    }
    return false;
}

enum status sdc_suppress(struct sdc_table *t, int64_t threshold, double width, struct sdc_audit *audit_out)
{
    memset(audit_out, 0, sizeof *audit_out);
    if (t->ncells > SDC_CELLS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %d cells to release: choose fewer dimensions", SDC_CELLS_MAX);
    }
    sdc_primary(t, threshold);
    /* No group may hold a single suppressed cell: it would be its total minus the others. */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t g = 0; g < t->ngroups; g++) {
            if (group_suppressed(t, &t->groups[g]) == 1) {
                size_t c = group_best(t, &t->groups[g], SIZE_MAX);
                if (c != SIZE_MAX) {
                    t->state[c] = SDC_SECONDARY;
                    changed = true;
                }
            }
        }
    }
    for (;;) {
        struct sdc_audit a;
        enum status st = sdc_audit(t, width, &a);
        if (st != STATUS_OK) {
            return st;
        }
        if (a.exposed == 0) {
            *audit_out = a;
            return STATUS_OK;
        }
        size_t x = 0;
        while (!a.cells[x].exposed) {
            x++;
        }
        size_t c = SIZE_MAX;
        for (size_t g = 0; g < t->ngroups; g++) {
            if (in_group(&t->groups[g], x)) {
                c = group_best(t, &t->groups[g], c);
            }
        }
        bool anywhere = c == SIZE_MAX;
        for (size_t i = 0; anywhere && i < t->ncells; i++) {
            if (t->state[i] == SDC_PUBLISHED && (c == SIZE_MAX || better(t, i, c))) {
                c = i;
            }
        }
        if (c == SIZE_MAX) { /* everything hidden and still exposed: cannot happen with non-negative counts */
            *audit_out = a;
            return err_set(STATUS_INVALID, "sdc: the table cannot be protected");
        }
        sdc_audit_free(&a);
        t->state[c] = SDC_SECONDARY;
    }
}

int64_t sdc_round(int64_t value, int64_t base)
{
    if (value < 0 || base <= 1) {
        return value;
    }
    int64_t low = value / base * base;
    return value - low >= base - value + low ? low + base : low;
}

void sdc_round_table(struct sdc_table *t, int64_t base, int64_t threshold)
{
    for (size_t i = 0; i < t->ncells; i++) {
        if (t->value[i] >= 1 && t->value[i] < threshold) {
            t->state[i] = SDC_PRIMARY;
        } else {
            t->value[i] = sdc_round(t->value[i], base);
        }
    }
}

static uint64_t vault_rand64(void *arg)
{
    (void)arg;
    uint64_t v;
    vault_random(&v, sizeof v);
    return v;
}

/* Uniform in (0, 1]. */
static double uniform(sdc_rand_fn rnd, void *arg)
{
    return ((double)(rnd(arg) >> 11) + 1.0) / 9007199254740992.0;
}

/* Geometric on {0, 1, ...} with P(k) = (1 - alpha) alpha^k, by inversion. */
static int64_t geometric(double log_alpha, sdc_rand_fn rnd, void *arg)
{
    double k = floor(log(uniform(rnd, arg)) / log_alpha);
    return k > 1e15 ? (int64_t)1e15 : (int64_t)k;
}

int64_t sdc_geometric(double epsilon, sdc_rand_fn rnd, void *arg)
{
    if (rnd == NULL) {
        rnd = vault_rand64;
    }
    double log_alpha = -epsilon;
    return geometric(log_alpha, rnd, arg) - geometric(log_alpha, rnd, arg);
}

void sdc_dp_table(struct sdc_table *t, double epsilon, int64_t threshold, sdc_rand_fn rnd, void *arg)
{
    for (size_t i = 0; i < t->ncells; i++) {
        if (!t->margin[i]) {
            int64_t v = t->value[i] + sdc_geometric(epsilon, rnd, arg);
            t->value[i] = v < 0 ? 0 : v;
        }
    }
    for (size_t g = 0; g < t->ngroups; g++) {
        int64_t sum = 0;
        for (size_t k = 0; k < t->groups[g].count; k++) {
            sum += t->value[t->groups[g].members[k]];
        }
        t->value[t->groups[g].total] = sum;
    }
    for (size_t i = 0; i < t->ncells; i++) {
        t->state[i] = t->value[i] >= 1 && t->value[i] < threshold ? SDC_PRIMARY : SDC_PUBLISHED;
    }
}

bool sdc_budget_allows(double total, double spent, double epsilon)
{
    return epsilon > 0 && spent + epsilon <= total + 1e-9;
}

void sdc_cell_text(const struct sdc_table *t, size_t cell, int64_t threshold, char out[32])
{
    switch (t->state[cell]) {
    case SDC_PRIMARY: snprintf(out, 32, "<%lld", (long long)threshold); break;
    case SDC_SECONDARY: snprintf(out, 32, "x"); break;
    default: snprintf(out, 32, "%lld", (long long)t->value[cell]); break;
    }
}
