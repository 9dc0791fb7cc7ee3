/* fs: Fellegi-Sunter linkage inside one data set: comparisons, blocking, EM, term frequencies. */
#include "link/fs.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define PROB_FLOOR 1e-6 /* m and u below this count as this (a level never seen in training) */

/* ---- fields and records ---- */

static bool blank(const char *s)
{
    if (s == NULL) {
        return true;
    }
    for (; *s; s++) {
        if (!isspace((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

enum status fs_data_new(struct fs_data **out, const struct fs_field *fields, size_t nfields)
{
    *out = NULL;
    if (nfields == 0 || nfields > FS_FIELDS_MAX) {
        return err_set_field(STATUS_INVALID, "fields", "1 to %d fields", FS_FIELDS_MAX);
    }
    for (size_t f = 0; f < nfields; f++) {
        if (fields[f].name[0] == '\0') {
            return err_set_field(STATUS_INVALID, "fields", "a field has no name");
        }
        for (size_t g = 0; g < f; g++) {
            if (strcmp(fields[f].name, fields[g].name) == 0) {
                return err_set_field(STATUS_INVALID, "fields", "field %s is named twice", fields[f].name);
            }
        }
    }
    struct fs_data *d = xcalloc(1, sizeof *d);
    d->nfields = nfields;
    memcpy(d->fields, fields, nfields * sizeof *fields);
    *out = d;
    return STATUS_OK;
}

enum status fs_data_add(struct fs_data *d, const char *id, const char *const *values)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len >= LINK_ID_BYTES_MAX || strpbrk(id, ",\"\r\n") != NULL) {
        return err_set_field(STATUS_INVALID, "id",
                             "a record id has 1 to %d bytes and no comma, quote or line break (record %zu)",
                             LINK_ID_BYTES_MAX - 1, d->count + 1);
    }
    if (d->count >= LINK_RECORDS_MAX) {
        return err_set(STATUS_TOO_LARGE, "more than %u records", LINK_RECORDS_MAX);
    }
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->ids = xrealloc(d->ids, d->cap * sizeof *d->ids);
        d->values = xrealloc(d->values, d->cap * d->nfields * sizeof *d->values);
    }
    d->ids[d->count] = xstrdup(id);
    for (size_t f = 0; f < d->nfields; f++) {
        d->values[d->count * d->nfields + f] = blank(values[f]) ? NULL : xstrdup(values[f]);
    }
    d->count++;
    return STATUS_OK;
}

void fs_data_free(struct fs_data *d)
{
    if (d == NULL) {
        return;
    }
    for (size_t i = 0; i < d->count; i++) {
        free(d->ids[i]);
        for (size_t f = 0; f < d->nfields; f++) {
            free(d->values[i * d->nfields + f]);
        }
    }
    free(d->ids);
    free(d->values);
    free(d);
}

int fs_data_field(const struct fs_data *d, const char *name)
{
    for (size_t f = 0; f < d->nfields; f++) {
        if (strcmp(d->fields[f].name, name) == 0) {
            return (int)f;
        }
    }
    return -1;
}

const char *fs_kind_name(enum fs_kind kind)
{
    static const char *const names[] = {"string", "date", "exact", "words", "year"};
    return names[kind];
}

size_t fs_kind_levels(enum fs_kind kind)
{
    switch (kind) {
    case FS_KIND_STRING:
    case FS_KIND_WORDS:
    case FS_KIND_YEAR: return 4;
    case FS_KIND_DATE: return 3;
    case FS_KIND_EXACT: return 2;
    }
    return 2;
}

const char *fs_level_name(enum fs_kind kind, size_t level)
{
    static const char *const str[] = {"exact", "jaro-winkler>=0.92", "jaro-winkler>=0.80", "else"};
    static const char *const date[] = {"exact", "one of year/month/day off", "else"};
    static const char *const exact[] = {"exact", "else"};
    static const char *const words[] = {"all words shared", "half the words shared", "a word shared", "else"};
    static const char *const year[] = {"exact", "1 apart", "up to 3 apart", "else"};
    if (level >= fs_kind_levels(kind)) {
        return "?";
    }
    switch (kind) {
    case FS_KIND_STRING: return str[level];
    case FS_KIND_DATE: return date[level];
    case FS_KIND_EXACT: return exact[level];
    case FS_KIND_WORDS: return words[level];
    case FS_KIND_YEAR: return year[level];
    }
    return "?";
}

enum status fs_fields_parse(const char *spec, bool tf, struct fs_field *fields, size_t *nfields)
{
    *nfields = 0;
    if (spec == NULL || spec[0] == '\0') {
        return err_set_field(STATUS_INVALID, "fields", "name the fields to compare");
    }
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (*nfields == FS_FIELDS_MAX) {
            return err_set_field(STATUS_INVALID, "fields", "at most %d fields", FS_FIELDS_MAX);
        }
        char item[FS_FIELD_NAME_MAX + 16];
        if (len == 0 || len >= sizeof item) {
            return err_set_field(STATUS_INVALID, "fields", "a field name has 1 to %d characters",
                                 FS_FIELD_NAME_MAX - 1);
        }
        memcpy(item, p, len);
        item[len] = '\0';
        struct fs_field *fl = &fields[*nfields];
        memset(fl, 0, sizeof *fl);
        char *colon = strchr(item, ':');
        if (colon != NULL) {
            *colon = '\0';
            const char *k = colon + 1;
            if (strcmp(k, "string") == 0) {
                fl->kind = FS_KIND_STRING;
            } else if (strcmp(k, "date") == 0) {
                fl->kind = FS_KIND_DATE;
            } else if (strcmp(k, "exact") == 0) {
                fl->kind = FS_KIND_EXACT;
            } else if (strcmp(k, "words") == 0) {
                fl->kind = FS_KIND_WORDS;
            } else if (strcmp(k, "year") == 0) {
                fl->kind = FS_KIND_YEAR;
            } else {
                return err_set_field(STATUS_INVALID, "fields", "a field kind is string, date, exact, words or year");
            }
        } else {
            fl->kind =
                (strstr(item, "date") || strstr(item, "dob") || strstr(item, "birth")) ? FS_KIND_DATE : FS_KIND_STRING;
        }
        if (item[0] == '\0' || strlen(item) >= FS_FIELD_NAME_MAX) {
            return err_set_field(STATUS_INVALID, "fields", "a field name has 1 to %d characters",
                                 FS_FIELD_NAME_MAX - 1);
        }
        memcpy(fl->name, item, strlen(item) + 1); /* fits: checked above */
        fl->tf = tf && (fl->kind == FS_KIND_STRING || fl->kind == FS_KIND_EXACT);
        (*nfields)++;
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    return STATUS_OK;
}

/* ---- CSV ---- */

/* Splits one CSV line in place into at most max cells (spaces after a separator skipped,
 * double-quoted cells with "" for a quote). */
static size_t csv_split(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        char *start = p, *w = p;
        if (*p == '"') {
            p++;
            start = w = p;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',') {
                p++;
            }
        } else {
            while (*p && *p != ',') {
                *w++ = *p++;
            }
        }
        char *next = *p == ',' ? p + 1 : NULL;
        *w = '\0';
        /* trailing blanks and a carriage return */
        while (w > start && (w[-1] == ' ' || w[-1] == '\r' || w[-1] == '\n' || w[-1] == '\t')) {
            *--w = '\0';
        }
        if (n < max) {
            cells[n] = start;
        }
        n++;
        if (next == NULL) {
            break;
        }
        p = next;
    }
    return n;
}

static char *read_line(FILE *f)
{
    size_t cap = 256, len = 0;
    char *s = xmalloc(cap);
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (len + 1 == cap) {
            cap *= 2;
            s = xrealloc(s, cap);
        }
        s[len++] = (char)c;
    }
    if (c == EOF && len == 0) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

#define CSV_COLUMNS_MAX 256

enum status fs_data_read_csv(FILE *f, const char *id_column, const struct fs_field *fields, size_t nfields,
                             struct fs_data **out)
{
    *out = NULL;
    struct fs_data *d = NULL;
    enum status st = fs_data_new(&d, fields, nfields);
    if (st != STATUS_OK) {
        return st;
    }
    char *cells[CSV_COLUMNS_MAX];
    char *header = read_line(f);
    if (header == NULL) {
        fs_data_free(d);
        return err_set_field(STATUS_INVALID, "csv", "the file is empty (a header row is needed)");
    }
    size_t ncol = csv_split(header, cells, CSV_COLUMNS_MAX);
    int id_col = -1;
    int col[FS_FIELDS_MAX];
    for (size_t k = 0; k < nfields; k++) {
        col[k] = -1;
    }
    for (size_t c = 0; c < ncol && c < CSV_COLUMNS_MAX; c++) {
        if (strcmp(cells[c], id_column) == 0) {
            id_col = (int)c;
        }
        for (size_t k = 0; k < nfields; k++) {
            if (strcmp(cells[c], fields[k].name) == 0) {
                col[k] = (int)c;
            }
        }
    }
    if (id_col < 0) {
        st = err_set_field(STATUS_INVALID, "id-column", "the header has no column %s", id_column);
    }
    for (size_t k = 0; st == STATUS_OK && k < nfields; k++) {
        if (col[k] < 0) {
            st = err_set_field(STATUS_INVALID, "fields", "the header has no column %s", fields[k].name);
        }
    }
    free(header);
    char *line = NULL;
    while (st == STATUS_OK && (line = read_line(f)) != NULL) {
        if (blank(line)) {
            free(line);
            continue;
        }
        size_t n = csv_split(line, cells, CSV_COLUMNS_MAX);
        const char *v[FS_FIELDS_MAX];
        for (size_t k = 0; k < nfields; k++) {
            v[k] = (size_t)col[k] < n ? cells[col[k]] : NULL;
        }
        st = fs_data_add(d, (size_t)id_col < n ? cells[id_col] : "", v);
        free(line);
    }
    if (st == STATUS_OK && ferror(f)) {
        st = err_set(STATUS_IO, "cannot read the CSV file");
    }
    if (st != STATUS_OK) {
        fs_data_free(d);
        return st;
    }
    *out = d;
    return STATUS_OK;
}

/* ---- comparisons ---- */

double fs_jaro_winkler(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == 0 || lb == 0) {
        return 0.0;
    }
    if (la == lb && memcmp(a, b, la) == 0) {
        return 1.0;
    }
    size_t range = (la > lb ? la : lb) / 2;
    range = range > 0 ? range - 1 : 0;
    bool *ma = xcalloc(la + lb, sizeof *ma);
    bool *mb = ma + la;
    size_t matches = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0;
        size_t hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t k = lo; k < hi; k++) {
            if (!mb[k] && a[i] == b[k]) {
                ma[i] = mb[k] = true;
                matches++;
                break;
            }
        }
    }
    double jw = 0.0;
    if (matches > 0) {
        size_t t = 0, k = 0;
        for (size_t i = 0; i < la; i++) {
            if (ma[i]) {
                while (!mb[k]) {
                    k++;
                }
                t += a[i] != b[k];
                k++;
            }
        }
        double m = (double)matches;
        double jaro = (m / (double)la + m / (double)lb + (m - (double)t / 2.0) / m) / 3.0;
        size_t prefix = 0;
        while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) {
            prefix++;
        }
        jw = jaro + (double)prefix * 0.1 * (1.0 - jaro);
    }
    free(ma);
    return jw;
}

/* The digits of a date, if there are exactly 8. */
static bool date_digits(const char *s, char d[9])
{
    size_t n = 0;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (n == 8) {
                return false;
            }
            d[n++] = *s;
        }
    }
    d[n] = '\0';
    return n == 8;
}

/* Shared words / all words (words separated by spaces). */
static double words_share(const char *a, const char *b)
{
    size_t na = 0, nb = 0, shared = 0;
    const char *p = a;
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        const char *e = p;
        while (*e && *e != ' ') {
            e++;
        }
        size_t len = (size_t)(e - p);
        na++;
        /* is this word in b? */
        const char *q = b;
        bool found = false;
        while (*q && !found) {
            while (*q == ' ') {
                q++;
            }
            const char *qe = q;
            while (*qe && *qe != ' ') {
                qe++;
            }
            found = (size_t)(qe - q) == len && len > 0 && memcmp(p, q, len) == 0;
            q = qe;
        }
        shared += found;
        p = e;
    }
    for (p = b; *p;) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        nb++;
        while (*p && *p != ' ') {
            p++;
        }
    }
    size_t all = na + nb - shared;
    return all ? (double)shared / (double)all : 0.0;
}

int fs_compare(enum fs_kind kind, const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return -1;
    }
    bool same = strcmp(a, b) == 0;
    switch (kind) {
    case FS_KIND_STRING: {
        if (same) {
            return 0;
        }
        double jw = fs_jaro_winkler(a, b);
        return jw >= 0.92 ? 1 : jw >= 0.80 ? 2 : 3;
    }
    case FS_KIND_DATE: {
        char da[9], db[9];
        if (date_digits(a, da) && date_digits(b, db)) {
            int off = (memcmp(da, db, 4) != 0) + (memcmp(da + 4, db + 4, 2) != 0) + (memcmp(da + 6, db + 6, 2) != 0);
            return off == 0 ? 0 : off == 1 ? 1 : 2;
        }
        return same ? 0 : 2;
    }
    case FS_KIND_EXACT: return same ? 0 : 1;
    case FS_KIND_WORDS: {
        double s = words_share(a, b);
        return s >= 1.0 ? 0 : s >= 0.5 ? 1 : s > 0.0 ? 2 : 3;
    }
    case FS_KIND_YEAR: {
        char *ea = NULL, *eb = NULL;
        long ya = strtol(a, &ea, 10), yb = strtol(b, &eb, 10);
        if (ea == a || *ea != '\0' || eb == b || *eb != '\0') {
            return same ? 0 : 3;
        }
        long diff = labs(ya - yb);
        return diff == 0 ? 0 : diff <= 1 ? 1 : diff <= 3 ? 2 : 3;
    }
    }
    return -1;
}

/* ---- blocking ---- */

struct bkey {
    char *key;
    uint32_t rec;
};

static int bkey_cmp(const void *pa, const void *pb)
{
    const struct bkey *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->rec > b->rec) - (a->rec < b->rec);
}

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

enum status fs_rules_parse(const struct fs_data *d, const char *spec, struct fs_rule *rules, size_t *nrules)
{
    *nrules = 0;
    if (spec == NULL || spec[0] == '\0') {
        return err_set_field(STATUS_INVALID, "block", "name at least one blocking rule");
    }
    const char *p = spec;
    while (*p) {
        if (*nrules == FS_RULES_MAX) {
            return err_set_field(STATUS_INVALID, "block", "at most %d blocking rules", FS_RULES_MAX);
        }
        struct fs_rule *r = &rules[*nrules];
        memset(r, 0, sizeof *r);
        for (;;) {
            size_t len = strcspn(p, "+,");
            char name[FS_FIELD_NAME_MAX];
            if (len == 0 || len >= sizeof name) {
                return err_set_field(STATUS_INVALID, "block", "a blocking rule names fields joined by +");
            }
            memcpy(name, p, len);
            name[len] = '\0';
            int f = fs_data_field(d, name);
            if (f < 0) {
                return err_set_field(STATUS_INVALID, "block", "blocking on %s, which is not a compared field", name);
            }
            if (r->nfields == FS_RULE_FIELDS_MAX) {
                return err_set_field(STATUS_INVALID, "block", "at most %d fields in one rule", FS_RULE_FIELDS_MAX);
            }
            r->field[r->nfields++] = f;
            p += len;
            if (*p != '+') {
                break;
            }
            p++;
        }
        (*nrules)++;
        if (*p == ',') {
            p++;
        }
    }
    return STATUS_OK;
}

/* Appends the keys of one record under rule r (several with a words field: one per word). */
static void rule_keys(const struct fs_data *d, const struct fs_rule *r, uint32_t rec, struct bkey **keys, size_t *n,
                      size_t *cap)
{
    const char *const *v = (const char *const *)d->values + (size_t)rec * d->nfields;
    int words = -1;
    size_t len = 0;
    for (size_t k = 0; k < r->nfields; k++) {
        if (v[r->field[k]] == NULL) {
            return;
        }
        if (d->fields[r->field[k]].kind == FS_KIND_WORDS && words < 0) {
            words = (int)k;
        }
        len += strlen(v[r->field[k]]) + 1;
    }
    const char *wp = words >= 0 ? v[r->field[words]] : "";
    do {
        const char *word = NULL;
        size_t wlen = 0;
        if (words >= 0) {
            while (*wp == ' ') {
                wp++;
            }
            if (!*wp) {
                break;
            }
            word = wp;
            while (*wp && *wp != ' ') {
                wp++;
            }
            wlen = (size_t)(wp - word);
        }
        char *key = xmalloc(len + 1);
        size_t at = 0;
        for (size_t k = 0; k < r->nfields; k++) {
            const char *s = v[r->field[k]];
            size_t sl = strlen(s);
            if ((int)k == words) {
                s = word;
                sl = wlen;
            }
            memcpy(key + at, s, sl);
            at += sl;
            key[at++] = '\x1f';
        }
        key[at] = '\0';
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            *keys = xrealloc(*keys, *cap * sizeof **keys);
        }
        (*keys)[(*n)++] = (struct bkey){key, rec};
    } while (words >= 0);
}

enum status fs_block_pairs(const struct fs_data *d, const struct fs_rule *rules, size_t nrules, struct link_pair **out,
                           size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    uint64_t *pairs = NULL;
    size_t np = 0, pcap = 0;
    enum status st = STATUS_OK;
    for (size_t ri = 0; ri < nrules && st == STATUS_OK; ri++) {
        struct bkey *keys = NULL;
        size_t nk = 0, kcap = 0;
        for (size_t i = 0; i < d->count; i++) {
            rule_keys(d, &rules[ri], (uint32_t)i, &keys, &nk, &kcap);
        }
        if (nk > 0) { /* qsort wants an array, even of none */
            qsort(keys, nk, sizeof *keys, bkey_cmp);
        }
        for (size_t s = 0; s < nk && st == STATUS_OK;) {
            size_t e = s + 1;
            while (e < nk && strcmp(keys[e].key, keys[s].key) == 0) {
                e++;
            }
            if (e - s <= FS_BLOCK_GROUP_MAX) {
                for (size_t i = s; i < e && st == STATUS_OK; i++) {
                    for (size_t k = i + 1; k < e; k++) {
                        if (keys[i].rec == keys[k].rec) {
                            continue; /* one record, two words of one block */
                        }
                        if (np == pcap) {
                            if (np >= FS_PAIRS_MAX) {
                                /* de-duplicate before giving up */
                                qsort(pairs, np, sizeof *pairs, u64_cmp);
                                size_t w = 0;
                                for (size_t x = 0; x < np; x++) {
                                    if (w == 0 || pairs[w - 1] != pairs[x]) {
                                        pairs[w++] = pairs[x];
                                    }
                                }
                                np = w;
                                if (np >= FS_PAIRS_MAX) {
                                    st = err_set_field(STATUS_TOO_LARGE, "block",
                                                       "the blocking rules give more than %u pairs: use narrower "
                                                       "rules (two fields joined by +)",
                                                       FS_PAIRS_MAX);
                                    break;
                                }
                            }
                            if (np == pcap) {
                                pcap = pcap ? pcap * 2 : 4096;
                                pairs = xrealloc(pairs, pcap * sizeof *pairs);
                            }
                        }
                        uint32_t a = keys[i].rec < keys[k].rec ? keys[i].rec : keys[k].rec;
                        uint32_t b = keys[i].rec < keys[k].rec ? keys[k].rec : keys[i].rec;
                        pairs[np++] = (uint64_t)a << 32 | b;
                    }
                }
            }
            s = e;
        }
        for (size_t i = 0; i < nk; i++) {
            free(keys[i].key);
        }
        free(keys);
    }
    if (st != STATUS_OK) {
        free(pairs);
        return st;
    }
    if (np > 0) {
        qsort(pairs, np, sizeof *pairs, u64_cmp);
    }
    struct link_pair *lp = xcalloc(np + 1, sizeof *lp);
    size_t n = 0;
    for (size_t x = 0; x < np; x++) {
        if (x > 0 && pairs[x] == pairs[x - 1]) {
            continue;
        }
        lp[n++] = (struct link_pair){(uint32_t)(pairs[x] >> 32), (uint32_t)pairs[x], 0.0};
    }
    free(pairs);
    *out = lp;
    *count_out = n;
    return STATUS_OK;
}

/* ---- the model ---- */

/* A γ-pattern: 3 bits per field, level + 1 (0 for null). */
static uint64_t gamma_key(const struct fs_data *d, size_t a, size_t b)
{
    uint64_t key = 0;
    const char *const *va = (const char *const *)d->values + a * d->nfields;
    const char *const *vb = (const char *const *)d->values + b * d->nfields;
    for (size_t f = 0; f < d->nfields; f++) {
        int l = fs_compare(d->fields[f].kind, va[f], vb[f]);
        key |= (uint64_t)(l + 1) << (3 * f);
    }
    return key;
}

static int gamma_level(uint64_t key, size_t f)
{
    return (int)((key >> (3 * f)) & 7u) - 1;
}

struct pattern {
    uint64_t key;
    double count;
};

/* Aggregates the keys (sorted in place) into patterns. */
static struct pattern *patterns_of(uint64_t *keys, size_t n, size_t *np)
{
    if (n > 0) {
        qsort(keys, n, sizeof *keys, u64_cmp);
    }
    struct pattern *p = xcalloc(n + 1, sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && p[k - 1].key == keys[i]) {
            p[k - 1].count += 1.0;
        } else {
            p[k++] = (struct pattern){keys[i], 1.0};
        }
    }
    *np = k;
    return p;
}

static double floor_p(double p)
{
    return p < PROB_FLOOR ? PROB_FLOOR : p;
}

static int str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static void tf_build(const struct fs_data *d, size_t f, struct fs_tf *tf)
{
    char **v = xcalloc(d->count + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++) {
        char *s = d->values[i * d->nfields + f];
        if (s != NULL) {
            v[n++] = s;
        }
    }
    qsort(v, n, sizeof *v, str_cmp);
    tf->values = xcalloc(n + 1, sizeof *tf->values);
    tf->freq = xcalloc(n + 1, sizeof *tf->freq);
    tf->n = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i + 1;
        while (e < n && strcmp(v[e], v[i]) == 0) {
            e++;
        }
        tf->values[tf->n] = xstrdup(v[i]);
        tf->freq[tf->n] = (double)(e - i) / (double)n;
        tf->n++;
        i = e;
    }
    free(v);
}

static double tf_of(const struct fs_tf *tf, const char *value)
{
    size_t lo = 0, hi = tf->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(tf->values[mid], value);
        if (c == 0) {
            return tf->freq[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0.0; /* unseen: as rare as can be (tf_min applies) */
}

/* xorshift64* */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static void start_values(struct fs_model *m)
{
    for (size_t f = 0; f < m->nfields; f++) {
        size_t L = m->levels[f];
        /* m: mostly exact; u: mostly else. */
        static const double m4[] = {0.80, 0.10, 0.05, 0.05}, u4[] = {0.01, 0.02, 0.07, 0.90};
        static const double m3[] = {0.85, 0.10, 0.05}, u3[] = {0.01, 0.04, 0.95};
        static const double m2[] = {0.90, 0.10}, u2[] = {0.05, 0.95};
        const double *mm = L == 4 ? m4 : L == 3 ? m3 : m2;
        const double *uu = L == 4 ? u4 : L == 3 ? u3 : u2;
        for (size_t l = 0; l < L; l++) {
            m->m[f][l] = mm[l];
            m->u[f][l] = uu[l];
        }
    }
    m->lambda = 0.1;
}

/* Matches disagree completely on a field at most half the time (m of the last level <= 0.5): the
 * rest goes to the other levels in proportion (to exact when they hold nothing). Without it, a
 * data set with few true duplicates lets EM take any correlated field (the same citizenship) for
 * the match class. */
static void m_constrain(struct fs_model *m, size_t f)
{
    size_t last = m->levels[f] - 1;
    if (m->m[f][last] <= FS_M_ELSE_MAX) {
        return;
    }
    double rest = 0.0;
    for (size_t l = 0; l < last; l++) {
        rest += m->m[f][l];
    }
    double give = 1.0 - FS_M_ELSE_MAX;
    for (size_t l = 0; l < last; l++) {
        m->m[f][l] = rest > 0 ? m->m[f][l] / rest * give : l == 0 ? give : 0.0;
    }
    m->m[f][last] = FS_M_ELSE_MAX;
}

/* EM on aggregated patterns: fields with upd[f] take part (the others count for neither side)
 * and get new m (and u when update_u); λ always. With update_m false only λ moves (the E-step
 * still uses every field). Stops when max |Δ| < FS_EM_TOLERANCE or after FS_EM_ITERATIONS. */
static void em(struct fs_model *m, const struct pattern *p, size_t np, const bool upd[FS_FIELDS_MAX], bool update_u,
               bool update_m)
{
    m->converged = false;
    for (m->iterations = 0; m->iterations < FS_EM_ITERATIONS;) {
        double sm[FS_FIELDS_MAX][FS_LEVELS_MAX] = {{0}}, su[FS_FIELDS_MAX][FS_LEVELS_MAX] = {{0}};
        double tm[FS_FIELDS_MAX] = {0}, tu[FS_FIELDS_MAX] = {0};
        double wsum = 0.0, total = 0.0;
        for (size_t i = 0; i < np; i++) {
            double lm = log(m->lambda), lu = log(1.0 - m->lambda);
            for (size_t f = 0; f < m->nfields; f++) {
                int l = gamma_level(p[i].key, f);
                if (l >= 0 && (upd[f] || !update_m)) {
                    lm += log(floor_p(m->m[f][l]));
                    lu += log(floor_p(m->u[f][l]));
                }
            }
            double w = 1.0 / (1.0 + exp(lu - lm));
            wsum += w * p[i].count;
            total += p[i].count;
            for (size_t f = 0; f < m->nfields; f++) {
                int l = gamma_level(p[i].key, f);
                if (l >= 0 && upd[f]) {
                    sm[f][l] += w * p[i].count;
                    tm[f] += w * p[i].count;
                    su[f][l] += (1.0 - w) * p[i].count;
                    tu[f] += (1.0 - w) * p[i].count;
                }
            }
        }
        struct fs_model before = *m;
        double lambda = total > 0 ? wsum / total : m->lambda;
        if (lambda < PROB_FLOOR) {
            lambda = PROB_FLOOR;
        } else if (lambda > 1.0 - PROB_FLOOR) {
            lambda = 1.0 - PROB_FLOOR;
        }
        m->lambda = lambda;
        for (size_t f = 0; update_m && f < m->nfields; f++) {
            for (size_t l = 0; upd[f] && l < m->levels[f]; l++) {
                if (tm[f] > 0) {
                    m->m[f][l] = sm[f][l] / tm[f];
                }
                if (update_u && tu[f] > 0) {
                    m->u[f][l] = su[f][l] / tu[f];
                }
            }
        }
        if (lambda > m->lambda_max && m->lambda_max > 0) {
            m->lambda = m->lambda_max;
        }
        for (size_t f = 0; update_m && f < m->nfields; f++) {
            if (upd[f]) {
                m_constrain(m, f);
            }
        }
        double delta = fabs(m->lambda - before.lambda);
        for (size_t f = 0; f < m->nfields; f++) {
            for (size_t l = 0; l < m->levels[f]; l++) {
                delta = fmax(delta, fmax(fabs(m->m[f][l] - before.m[f][l]), fabs(m->u[f][l] - before.u[f][l])));
            }
        }
        m->iterations++;
        if (delta < FS_EM_TOLERANCE) {
            m->converged = true;
            break;
        }
    }
}

enum status fs_train(const struct fs_data *d, const struct link_pair *pairs, size_t count,
                     const struct fs_train_opts *opts, struct fs_model **out)
{
    *out = NULL;
    struct fs_train_opts o = opts ? *opts : (struct fs_train_opts){0};
    if (count == 0) {
        return err_set(STATUS_INVALID, "no candidate pairs to train on: the blocking rules found none");
    }
    struct fs_model *m = xcalloc(1, sizeof *m);
    m->nfields = d->nfields;
    memcpy(m->fields, d->fields, sizeof m->fields);
    for (size_t f = 0; f < m->nfields; f++) {
        m->levels[f] = fs_kind_levels(m->fields[f].kind);
        if (o.no_tf) {
            m->fields[f].tf = false;
        }
    }
    start_values(m);
    /* At most two duplicates per record on average among the candidates, and never more than
     * half of them. */
    m->lambda_max = fmin(0.5, 2.0 * (double)d->count / (double)count);
    if (m->lambda > m->lambda_max) {
        m->lambda = m->lambda_max / 2;
    }
    m->pairs = count;
    m->u_random = o.u_random;

    /* u from random pairs */
    if (o.u_random && d->count > 1) {
        size_t want = o.u_pairs ? o.u_pairs : FS_U_PAIRS_DEFAULT;
        size_t all = d->count * (d->count - 1) / 2;
        if (want > all) {
            want = all;
        }
        uint64_t seed = o.seed ? o.seed : 0x9E3779B97F4A7C15ULL;
        double cnt[FS_FIELDS_MAX][FS_LEVELS_MAX] = {{0}};
        double tot[FS_FIELDS_MAX] = {0};
        for (size_t i = 0; i < want; i++) {
            size_t a = rnd(&seed) % d->count, b = rnd(&seed) % d->count;
            if (a == b) {
                b = (b + 1) % d->count;
            }
            uint64_t key = gamma_key(d, a, b);
            for (size_t f = 0; f < m->nfields; f++) {
                int l = gamma_level(key, f);
                if (l >= 0) {
                    cnt[f][l] += 1.0;
                    tot[f] += 1.0;
                }
            }
        }
        /* Half a pair more on each level (additive smoothing): with few records a level no
         * random pair reached must not count as impossible among non-matches. */
        for (size_t f = 0; f < m->nfields; f++) {
            for (size_t l = 0; l < m->levels[f] && tot[f] > 0; l++) {
                m->u[f][l] = (cnt[f][l] + 0.5) / (tot[f] + 0.5 * (double)m->levels[f]);
            }
        }
    }

    /* the γ-patterns of the candidate pairs */
    uint64_t *keys = xmalloc((count + 1) * sizeof *keys);
    for (size_t i = 0; i < count; i++) {
        keys[i] = gamma_key(d, pairs[i].a, pairs[i].b);
    }
    if (o.rules != NULL && o.nrules > 0) {
        /* Round robin (Splink): one EM per blocking rule, on the pairs that rule finds, leaving
         * out the rule's own fields (they agree on every such pair, so their m and u cannot be
         * learnt there); each field's m (and u) is the mean over the rounds that estimate it. */
        double msum[FS_FIELDS_MAX][FS_LEVELS_MAX] = {{0}}, usum[FS_FIELDS_MAX][FS_LEVELS_MAX] = {{0}};
        int rounds[FS_FIELDS_MAX] = {0};
        uint64_t *sel = xmalloc((count + 1) * sizeof *sel);
        for (size_t r = 0; r < o.nrules; r++) {
            bool free_f[FS_FIELDS_MAX];
            for (size_t f = 0; f < m->nfields; f++) {
                free_f[f] = true;
            }
            for (size_t k = 0; k < o.rules[r].nfields; k++) {
                free_f[o.rules[r].field[k]] = false;
            }
            size_t ns = 0;
            for (size_t i = 0; i < count; i++) {
                bool in = true;
                for (size_t k = 0; k < o.rules[r].nfields && in; k++) {
                    int f = o.rules[r].field[k];
                    int l = gamma_level(keys[i], (size_t)f);
                    in = l == 0 || (m->fields[f].kind == FS_KIND_WORDS && l >= 0 && l < 3);
                }
                if (in) {
                    sel[ns++] = keys[i];
                }
            }
            if (ns == 0) {
                continue;
            }
            struct fs_model round = *m;
            size_t np = 0;
            struct pattern *p = patterns_of(sel, ns, &np);
            em(&round, p, np, free_f, !o.u_random, true);
            free(p);
            m->iterations += round.iterations;
            m->converged = m->converged || round.converged;
            for (size_t f = 0; f < m->nfields; f++) {
                if (!free_f[f]) {
                    continue;
                }
                rounds[f]++;
                for (size_t l = 0; l < m->levels[f]; l++) {
                    msum[f][l] += round.m[f][l];
                    usum[f][l] += round.u[f][l];
                }
            }
        }
        free(sel);
        for (size_t f = 0; f < m->nfields; f++) {
            for (size_t l = 0; rounds[f] > 0 && l < m->levels[f]; l++) {
                m->m[f][l] = msum[f][l] / rounds[f];
                if (!o.u_random) {
                    m->u[f][l] = usum[f][l] / rounds[f];
                }
            }
        }
        /* λ over all the candidate pairs, m and u as learnt */
        bool none[FS_FIELDS_MAX] = {false};
        size_t np = 0;
        struct pattern *p = patterns_of(keys, count, &np);
        m->patterns = np;
        struct fs_model lam = *m;
        em(&lam, p, np, none, false, false);
        m->lambda = lam.lambda;
        free(p);
    } else {
        bool all[FS_FIELDS_MAX];
        for (size_t f = 0; f < FS_FIELDS_MAX; f++) {
            all[f] = true;
        }
        size_t np = 0;
        struct pattern *p = patterns_of(keys, count, &np);
        m->patterns = np;
        em(m, p, np, all, !o.u_random, true);
        free(p);
    }
    free(keys);

    m->lambda_at_bound = m->lambda >= m->lambda_max * 0.999;

    /* term frequencies */
    m->tf_min = d->count ? 1.0 / (double)d->count : 0.0;
    for (size_t f = 0; f < m->nfields; f++) {
        if (m->fields[f].tf) {
            tf_build(d, f, &m->tf[f]);
        }
    }
    *out = m;
    return STATUS_OK;
}

void fs_model_free(struct fs_model *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t f = 0; f < FS_FIELDS_MAX; f++) {
        for (size_t i = 0; i < m->tf[f].n; i++) {
            free(m->tf[f].values[i]);
        }
        free(m->tf[f].values);
        free(m->tf[f].freq);
    }
    free(m);
}

double fs_weight_values(const struct fs_model *m, const char *const *a, const char *const *b, char *why, size_t why_len)
{
    double w = 0.0;
    size_t at = 0;
    if (why != NULL && why_len > 0) {
        why[0] = '\0';
    }
    for (size_t f = 0; f < m->nfields; f++) {
        int l = fs_compare(m->fields[f].kind, a[f], b[f]);
        if (l < 0) {
            continue;
        }
        double mu = floor_p(m->m[f][l]), uu = floor_p(m->u[f][l]);
        w += log2(mu / uu);
        if (l == 0 && m->fields[f].tf && m->tf[f].n > 0) {
            /* Splink: log2(u_exact) - log2(max(tf_l, tf_r, tf_min)) */
            double tfa = tf_of(&m->tf[f], a[f]), tfb = tf_of(&m->tf[f], b[f]);
            double tf = fmax(fmax(tfa, tfb), m->tf_min);
            w += log2(uu) - log2(tf);
        }
        if (why != NULL && l < (int)m->levels[f] - 1 && at + 2 < why_len) {
            int k = snprintf(why + at, why_len - at, "%s%s", at ? ", " : "", m->fields[f].name);
            at = k > 0 && (size_t)k < why_len - at ? at + (size_t)k : why_len - 1;
        }
    }
    return w;
}

double fs_probability(const struct fs_model *m, double weight)
{
    double prior = log2(m->lambda / (1.0 - m->lambda));
    double x = weight + prior;
    if (x > 60) {
        return 1.0;
    }
    if (x < -60) {
        return 0.0;
    }
    return 1.0 / (1.0 + exp2(-x));
}

static int pair_cmp(const void *pa, const void *pb)
{
    const struct link_pair *a = pa, *b = pb;
    if (a->score != b->score) {
        return a->score < b->score ? 1 : -1;
    }
    if (a->a != b->a) {
        return a->a < b->a ? -1 : 1;
    }
    return (a->b > b->b) - (a->b < b->b);
}

enum status fs_score_pairs(const struct fs_model *m, const struct fs_data *d, struct link_pair *pairs, size_t *count,
                           double threshold, void (*progress)(const char *, int64_t, void *), void *progress_ctx)
{
    if (m->nfields != d->nfields) {
        return err_set(STATUS_INVALID, "the model and the records have different fields");
    }
    size_t w = 0;
    for (size_t i = 0; i < *count; i++) {
        const char *const *va = (const char *const *)d->values + (size_t)pairs[i].a * d->nfields;
        const char *const *vb = (const char *const *)d->values + (size_t)pairs[i].b * d->nfields;
        double p = fs_probability(m, fs_weight_values(m, va, vb, NULL, 0));
        if (p >= threshold) {
            pairs[w] = pairs[i];
            pairs[w].score = p;
            w++;
        }
        if (progress != NULL && (i & 0xFFFF) == 0xFFFF) {
            progress("pairs scored", (int64_t)i + 1, progress_ctx);
        }
    }
    if (progress != NULL) {
        progress("pairs scored", (int64_t)*count, progress_ctx);
    }
    if (w > 0) {
        qsort(pairs, w, sizeof *pairs, pair_cmp);
    }
    *count = w;
    return STATUS_OK;
}

enum status fs_pairs_write_csv(FILE *f, const struct fs_data *d, const struct link_pair *pairs, size_t count)
{
    struct link_clkset ids = {.count = d->count, .ids = d->ids};
    return link_pairs_write_csv(f, &ids, &ids, pairs, count);
}
