/* bench_stats: ctis's statistics over a large case table against the same queries as plain SQL
 * GROUP BY in SQLite, in the same run (bench/bench_stats.sh drives it, with DuckDB as a third).
 *
 *   ctis:   case_stats_victims by (year, gender, majority_status), (year, exploitation),
 *           (year, citizenship); stats_flows; stats_figures. Called in-process through auth_run
 *           as the CLI does, against a ctis database filled by `ctis import htcds-csv`.
 *   SQLite: a plain table `plain` (year, opened_year, gender, majority, exploitation,
 *           citizenship, destination: the coded columns, derived from the same CSV as ctis
 *           derives them, see PLAIN_SQL) in another database, the queries as GROUP BY through
 *           the sqlite3 API, every row fetched.
 *
 * Each query runs --reps times; the best time counts. The results of the last run are written to
 * OUT/ctis.NAME and OUT/sqlite.NAME as lines "key|key|count" (unsorted; the script sorts and
 * compares them), and the times to standard output as "NAME CTIS_MS SQLITE_MS".
 * Usage: bench_stats --db CTIS_DB --plain PLAIN_DB --out DIR [--reps N] [--country ISO3]
 * PLAIN_DB must hold the CSV as a table `raw` of text columns (sqlite3 .import --csv). */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "cases/cases.h"
#include "cases/vocab.h"
#include "stats/flows.h"
#include "stats/submission.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/status.h"
#include "vault/vault.h"

#define FLOW_THRESHOLD 5
#define FIGURES_INDICATOR "Detected trafficking victims"

/* A missing value as ctis reads one from a CSV (empty, or a word for unknown or not applicable). */
#define K(x)                                                                                                           \
    "CASE WHEN lower(" x ") IN ('', 'unknown', '?', '-99', 'not applicable', 'not_applicable', 'n/a', 'na', "          \
    "'notapplicable') THEN NULL ELSE " x " END"

/* The coded columns as case_create derives them (src/cases/cases.c, derive): the age from the
 * birth date (a year is taken as 1 July, a month as its 15th) at the opening, in years of 365.25
 * days, kept when 0 to 130; the majority status given, else Adult from 18. */
static const char PLAIN_SQL[] =
    "CREATE TABLE plain AS "
    "SELECT year, opened_year, gender, "
    "coalesce(majority_given, CASE WHEN age IS NULL THEN NULL WHEN age >= 18 THEN 'Adult' ELSE 'Minor' END) AS "
    "majority, exploitation, citizenship, destination FROM ("
    " SELECT year, opened_year, gender, majority_given, exploitation, citizenship, destination, "
    " coalesce(age_given, CASE WHEN d IS NOT NULL AND d / 31557600000 BETWEEN 0 AND 130 THEN d / 31557600000 END) "
    " AS age FROM ("
    "  SELECT CAST(" K(
        "year_registered") " AS INTEGER) AS year, "
                           "  CAST(strftime('%Y', opened_at) AS INTEGER) AS opened_year, " K(
                               "gender") " AS gender, "
                                         "  " K("majority_status") " AS majority_given, CAST(" K(
                                             "age") " AS INTEGER) AS age_given, "
                                                    "  " K("exploitation_types") " AS exploitation, " K(
                                                        "citizenship") " AS citizenship, "
                                                                       "  " K(
                                                                           "exploitation_country") " AS destination, "
                                                                                                   "  "
                                                                                                   "CAST(round(("
                                                                                                   "julianday(opened_"
                                                                                                   "at) - "
                                                                                                   "julianday(CASE "
                                                                                                   "length(birth_date) "
                                                                                                   "WHEN 4 THEN "
                                                                                                   "birth_date || "
                                                                                                   "'-07-01' "
                                                                                                   "  WHEN 7 THEN "
                                                                                                   "birth_date || "
                                                                                                   "'-15' ELSE "
                                                                                                   "substr(birth_date, "
                                                                                                   "1, 10) END)) * "
                                                                                                   "86400000.0) AS "
                                                                                                   "INTEGER) AS d "
                                                                                                   "  FROM raw))";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_stats: %s: %s\n", what, err_last());
    exit(1);
}

/* --- ctis --- */

struct ctis_q {
    const char *name;
    const char *by[3];
    size_t by_count; /* 0: flows or figures */
    FILE *out;       /* canonical lines of this run, or NULL */
    const char *country;
    int year_from, year_to;
};

static enum status op_query(const struct auth_ctx *ctx, void *p)
{
    struct ctis_q *q = p;
    enum status st;
    if (q->by_count > 0) {
        struct case_stat_row *rows = NULL;
        size_t n = 0;
        st = case_stats_victims(ctx, q->by, q->by_count, 0, 0, &rows, &n);
        for (size_t i = 0; st == STATUS_OK && q->out && i < n; i++) {
            for (size_t d = 0; d < q->by_count; d++) {
                fprintf(q->out, "%s|", rows[i].keys[d]);
            }
            fprintf(q->out, "%lld\n", (long long)rows[i].count);
        }
        case_stats_free(rows, n);
    } else if (strcmp(q->name, "flows") == 0) {
        struct stats_flows *f = NULL;
        struct stats_flows_query fq = {0, 0, FLOW_THRESHOLD};
        st = stats_flows(ctx, &fq, &f);
        if (st == STATUS_OK && q->out) {
            fprintf(q->out, "victims|%lld\nknown|%lld\npairs|%lld\n", (long long)f->victims, (long long)f->known,
                    (long long)f->pairs);
            for (size_t i = 0; i < f->count; i++) {
                fprintf(q->out, "flow|%s|%s|%lld\n", f->flows[i].origin, f->flows[i].destination,
                        (long long)f->flows[i].count);
            }
        }
        stats_flows_free(f);
    } else {
        struct submission_build b = {q->country, q->year_from, q->year_to};
        json_t *rows = NULL;
        st = stats_figures(ctx, &b, &rows);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            const char *ind = json_string_value(json_object_get(row, "indicator"));
            bool total = true;
            static const char *const totals[] = {"dimension", "category", "sex", "age"};
            for (size_t k = 0; k < 4; k++) {
                const char *v = json_string_value(json_object_get(row, totals[k]));
                total = total && v != NULL && strcmp(v, "Total") == 0;
            }
            json_t *y = json_object_get(row, "year"), *v = json_object_get(row, "value");
            if (q->out && total && ind != NULL && strcmp(ind, FIGURES_INDICATOR) == 0) {
                fprintf(q->out, "%lld|%lld\n",
                        (long long)(json_is_integer(y) ? json_integer_value(y) : atoll(json_string_value(y))),
                        (long long)json_integer_value(v));
            }
        }
        json_decref(rows);
    }
    return st;
}

/* --- SQLite --- */

static void sql_do(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_stats: sqlite: %s\n  in %s\n", msg, sql);
        exit(1);
    }
}

/* Runs sql, fetching every row; writes the rows as canonical lines to out (NULL as unknown). */
static void sql_rows(sqlite3 *db, const char *sql, FILE *out)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_stats: sqlite: %s\n  in %s\n", sqlite3_errmsg(db), sql);
        exit(1);
    }
    int rc;
    int cols = sqlite3_column_count(s);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < cols; c++) {
            const unsigned char *t = sqlite3_column_text(s, c);
            if (out) {
                fprintf(out, "%s%s", t ? (const char *)t : "unknown", c + 1 < cols ? "|" : "\n");
            }
        }
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bench_stats: sqlite: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_finalize(s);
}

/* One exploitation type a row: the ';'-joined codes as a JSON array for json_each. */
#define EXPL_EACH "json_each('[\"' || replace(exploitation, ';', '\",\"') || '\"]')"
#define SQL_YGM "SELECT year, gender, majority, count(*) FROM plain GROUP BY 1, 2, 3"
#define SQL_YE                                                                                                         \
    "SELECT year, e.value, count(*) FROM plain, " EXPL_EACH " AS e WHERE exploitation IS NOT NULL "                    \
    "GROUP BY 1, 2 UNION ALL SELECT year, NULL, count(*) FROM plain WHERE exploitation IS NULL GROUP BY 1"
#define SQL_YC "SELECT year, citizenship, count(*) FROM plain GROUP BY 1, 2"
#define SQL_FLOW_PAIRS "SELECT citizenship, destination, count(*) FROM plain GROUP BY 1, 2"
#define SQL_FLOW_RATES                                                                                                 \
    "SELECT destination, coalesce(year, opened_year), count(*) FROM plain WHERE destination IS NOT NULL GROUP BY "     \
    "1, 2"
#define SQL_YEG                                                                                                        \
    "SELECT year, e.value, gender, count(*) FROM plain, " EXPL_EACH " AS e WHERE exploitation IS NOT NULL "            \
    "GROUP BY 1, 2, 3 UNION ALL SELECT year, NULL, gender, count(*) FROM plain WHERE exploitation IS NULL GROUP BY "   \
    "1, 3"
#define SQL_YEM                                                                                                        \
    "SELECT year, e.value, majority, count(*) FROM plain, " EXPL_EACH " AS e WHERE exploitation IS NOT NULL "          \
    "GROUP BY 1, 2, 3 UNION ALL SELECT year, NULL, majority, count(*) FROM plain WHERE exploitation IS NULL GROUP BY " \
    "1, 3"

struct sql_q {
    const char *name;
    const char *sql[4]; /* run in turn; the first one's rows are the canonical ones (not for flows) */
};

/* Flows: the pairs (victims, known, pairs and the pairs at or over the threshold) and the
 * victims per country of detection and year (the rates' counts). */
static void sql_flows(sqlite3 *db, FILE *out)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, SQL_FLOW_PAIRS, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_stats: sqlite: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    long long victims = 0, known = 0, pairs = 0;
    char *flows = NULL;
    size_t flows_len = 0;
    FILE *f = out ? open_memstream(&flows, &flows_len) : NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        long long n = sqlite3_column_int64(s, 2);
        victims += n;
        if (sqlite3_column_type(s, 0) != SQLITE_NULL && sqlite3_column_type(s, 1) != SQLITE_NULL) {
            known += n;
            pairs++;
            if (f && n >= FLOW_THRESHOLD) {
                fprintf(f, "flow|%s|%s|%lld\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1), n);
            }
        }
    }
    sqlite3_finalize(s);
    sql_rows(db, SQL_FLOW_RATES, NULL);
    if (f) {
        fclose(f);
        fprintf(out, "victims|%lld\nknown|%lld\npairs|%lld\n%s", victims, known, pairs, flows ? flows : "");
        free(flows);
    }
}

static FILE *result_file(const char *dir, const char *engine, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, engine, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    const char *db_path = NULL, *plain_path = NULL, *out_dir = NULL, *country = "ITA";
    int reps = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0) {
            db_path = argv[i + 1];
        } else if (strcmp(argv[i], "--plain") == 0) {
            plain_path = argv[i + 1];
        } else if (strcmp(argv[i], "--out") == 0) {
            out_dir = argv[i + 1];
        } else if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--country") == 0) {
            country = argv[i + 1];
        }
    }
    if (db_path == NULL || plain_path == NULL || out_dir == NULL || reps < 1) {
        fprintf(stderr, "usage: bench_stats --db CTIS_DB --plain PLAIN_DB --out DIR [--reps N] [--country ISO3]\n");
        return 2;
    }

    /* ctis, opened as the CLI opens it (the operator principal holds stats.read). */
    if (vault_library_init() != STATUS_OK) {
        die("libsodium");
    }
    struct store *store = NULL;
    struct vault *vault = NULL;
    if (store_open(&store, db_path) != STATUS_OK) {
        die(db_path);
    }
    char *key_path = vault_key_path_for(db_path);
    if (vault_open(&vault, key_path, store) != STATUS_OK || vocab_init(store) != STATUS_OK) {
        die("vault or vocabularies");
    }
    free(key_path);
    struct auth_principal who;
    auth_principal_operator(&who);
    struct auth_ctx ctx = {store, vault, &who, "bench"};

    /* The plain table. */
    sqlite3 *db = NULL;
    if (sqlite3_open(plain_path, &db) != SQLITE_OK) {
        fprintf(stderr, "bench_stats: %s: %s\n", plain_path, sqlite3_errmsg(db));
        return 1;
    }
    sql_do(db, "PRAGMA cache_size = -65536"); /* 64 MiB, as much as the plain table needs */
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'plain'", -1, &s, NULL);
    sqlite3_step(s);
    bool have_plain = sqlite3_column_int(s, 0) > 0;
    sqlite3_finalize(s);
    if (!have_plain) {
        double t0 = now_ms();
        sql_do(db, PLAIN_SQL);
        fprintf(stderr, "  plain table made from the CSV's columns in %.0f ms\n", now_ms() - t0);
    }
    /* Figures: the last 20 years (SUBMISSION_YEARS_MAX) up to the latest in the data. */
    int year_from = 0, year_to = 0;
    sqlite3_prepare_v2(db, "SELECT min(year), max(year) FROM plain", -1, &s, NULL);
    sqlite3_step(s);
    year_from = sqlite3_column_int(s, 0);
    year_to = sqlite3_column_int(s, 1);
    sqlite3_finalize(s);
    if (year_to - year_from >= 20) {
        year_from = year_to - 19;
    }

    struct ctis_q cq[] = {
        {"year_gender_majority", {"year", "gender", "majority_status"}, 3, NULL, NULL, 0, 0},
        {"year_exploitation", {"year", "exploitation", NULL}, 2, NULL, NULL, 0, 0},
        {"year_citizenship", {"year", "citizenship", NULL}, 2, NULL, NULL, 0, 0},
        {"flows", {NULL}, 0, NULL, NULL, 0, 0},
        {"figures", {NULL}, 0, NULL, country, year_from, year_to},
    };
    struct sql_q sq[] = {
        {"year_gender_majority", {SQL_YGM}},
        {"year_exploitation", {SQL_YE}},
        {"year_citizenship", {SQL_YC}},
        {"flows", {NULL}},
        {"figures", {SQL_YGM, SQL_YEG, SQL_YEM, SQL_YC}},
    };
    for (size_t q = 0; q < ARRAY_LEN(cq); q++) {
        double best_c = 1e300, best_s = 1e300;
        for (int r = 0; r < reps; r++) {
            bool last = r == reps - 1;
            cq[q].out = last ? result_file(out_dir, "ctis", cq[q].name) : NULL;
            double t0 = now_ms();
            if (auth_run(&ctx, op_query, &cq[q]) != STATUS_OK) {
                die(cq[q].name);
            }
            double t = now_ms() - t0;
            best_c = t < best_c ? t : best_c;
            if (cq[q].out) {
                fclose(cq[q].out);
            }

            FILE *out = last ? result_file(out_dir, "sqlite", sq[q].name) : NULL;
            t0 = now_ms();
            if (strcmp(sq[q].name, "flows") == 0) {
                sql_flows(db, out);
            } else {
                bool figures = strcmp(sq[q].name, "figures") == 0;
                for (size_t k = 0; k < ARRAY_LEN(sq[q].sql) && sq[q].sql[k]; k++) {
                    sql_rows(db, sq[q].sql[k], figures ? NULL : out);
                }
            }
            t = now_ms() - t0;
            best_s = t < best_s ? t : best_s;
            if (out && strcmp(sq[q].name, "figures") == 0) {
                /* The canonical rows of figures (untimed): victims per year in the range. */
                char sql[256];
                snprintf(sql, sizeof sql, "SELECT year, count(*) FROM plain WHERE year BETWEEN %d AND %d GROUP BY year",
                         year_from, year_to);
                sql_rows(db, sql, out);
            }
            if (out) {
                fclose(out);
            }
        }
        printf("%s %.1f %.1f\n", cq[q].name, best_c, best_s);
        fflush(stdout);
    }
    printf("years %d %d\n", year_from, year_to);
    sqlite3_close(db);
    vault_close(vault);
    store_close(store);
    return 0;
}
