/* publication: the public statistics dashboard (see publication.h). */
#include "stats/publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "stats/charts.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

static const char *const langs[] = {"ar", "en", "es", "fr", "ru", "zh"};

enum status stats_dashboard_publish(const struct auth_ctx *ctx, int year_from, int year_to, size_t *charts_out)
{
    *charts_out = 0;
    enum status st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, "publish dashboard");
    if (st == STATUS_OK && (year_from < 1900 || year_from > 9999)) {
        st = err_set_field(STATUS_INVALID, "year_from", "year_from: a year");
    } else if (st == STATUS_OK &&
               (year_to < year_from || year_to > 9999 || year_to - year_from >= STATS_CHART_YEARS_MAX)) {
        st = err_set_field(STATUS_INVALID, "year_to", "year_to: a year, not before year_from, at most %d years",
                           STATS_CHART_YEARS_MAX);
    }
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PUBLICATION_DELETE, NULL, 0, NULL);
    }
    size_t nnames = 0;
    const char *const *names = stats_chart_names(&nnames);
    int64_t now = util_now_ms();
    for (size_t l = 0; st == STATUS_OK && l < ARRAY_LEN(langs); l++) {
        for (size_t i = 0; st == STATUS_OK && i < nnames; i++) {
            struct stats_chart_query q = {year_from, year_to, langs[l], true};
            struct stats_chart *c = NULL;
            st = stats_chart_build(ctx, names[i], &q, &c);
            uint8_t *svg = NULL;
            size_t len = 0;
            if (st == STATUS_OK) {
                st = stats_chart_render(c, CHART_SVG, 0, 0, &svg, &len);
            }
            if (st == STATUS_OK) {
                struct sql_value a[] = {SQLV_I64(vault_random_id()),
                                        sqlv_text(langs[l]),
                                        sqlv_text(names[i]),
                                        SQLV_TEXTN((const char *)svg, len),
                                        SQLV_I64(year_from),
                                        SQLV_I64(year_to),
                                        SQLV_I64(now),
                                        ctx->who->user_id > 0 ? SQLV_I64(ctx->who->user_id) : SQLV_NULL,
                                        SQLV_I64(c->release_id)};
                st = store_exec(ctx->store, STMT_PUBLICATION_INSERT, a, ARRAY_LEN(a), NULL);
            }
            if (st == STATUS_OK) {
                (*charts_out)++;
            }
            free(svg);
            stats_chart_free(c);
        }
    }
    if (st == STATUS_OK) {
        char detail[48];
        snprintf(detail, sizeof detail, "%d-%d, %zu images", year_from, year_to, *charts_out);
        st = auth_audit(ctx, "stats.dashboard.publish", "publication", 0, "ok", detail);
    }
    return st;
}

enum status stats_dashboard_unpublish(const struct auth_ctx *ctx)
{
    enum status st = auth_check(ctx, "stats.publish", NULL, AUTH_FG_NONE, true, "unpublish dashboard");
    if (st == STATUS_OK) {
        st = store_exec(ctx->store, STMT_PUBLICATION_DELETE, NULL, 0, NULL);
    }
    if (st == STATUS_OK && store_changes(ctx->store) == 0) {
        st = err_set(STATUS_NOT_FOUND, "no dashboard is published");
    }
    if (st == STATUS_OK) {
        st = auth_audit(ctx, "stats.dashboard.unpublish", "publication", 0, "ok", "");
    }
    return st;
}

enum status stats_dashboard_index(const struct auth_ctx *ctx, json_t **out)
{
    *out = NULL;
    struct store_rows *r = NULL;
    enum status st = store_exec(ctx->store, STMT_PUBLICATION_INDEX, NULL, 0, &r);
    json_t *charts = json_array(), *ls = json_array();
    int64_t at = 0, from = 0, to = 0;
    while (st == STATUS_OK && (st = store_rows_next(r)) == STATUS_OK) {
        const char *lang = store_rows_text(r, 0), *chart = store_rows_text(r, 1);
        at = store_rows_i64(r, 2);
        from = store_rows_i64(r, 3);
        to = store_rows_i64(r, 4);
        bool seen_l = false, seen_c = false;
        size_t i;
        json_t *v;
        json_array_foreach(ls, i, v)
        {
            seen_l = seen_l || strcmp(json_string_value(v), lang) == 0;
        }
        json_array_foreach(charts, i, v)
        {
            seen_c = seen_c || strcmp(json_string_value(v), chart) == 0;
        }
        if (!seen_l) {
            json_array_append_new(ls, json_string(lang));
        }
        if (!seen_c) {
            json_array_append_new(charts, json_string(chart));
        }
    }
    store_rows_free(r);
    if (st == STATUS_DONE && json_array_size(charts) == 0) {
        st = err_set(STATUS_NOT_FOUND, "no dashboard is published");
    }
    if (st != STATUS_DONE) {
        json_decref(charts);
        json_decref(ls);
        return st;
    }
    /* The charts in their own order (stats_chart_names), not the table's. */
    size_t nnames = 0;
    const char *const *names = stats_chart_names(&nnames);
    json_t *ordered = json_array();
    for (size_t k = 0; k < nnames; k++) {
        size_t i;
        json_t *v;
        json_array_foreach(charts, i, v)
        {
            if (strcmp(json_string_value(v), names[k]) == 0) {
                json_array_append_new(ordered, json_string(names[k]));
            }
        }
    }
    json_decref(charts);
    charts = ordered;
    char iso[32];
    util_time_iso(iso, at);
    *out = json_pack("{sssIsIsoso}", "published_at", iso, "year_from", (json_int_t)from, "year_to", (json_int_t)to,
                     "charts", charts, "langs", ls);
    return *out != NULL ? STATUS_OK : err_set(STATUS_IO, "out of memory");
}

enum status stats_dashboard_image(const struct auth_ctx *ctx, const char *lang, const char *chart, char **svg,
                                  size_t *len)
{
    *svg = NULL;
    *len = 0;
    if (lang == NULL || !i18n_lang_valid(lang) || chart == NULL || strlen(chart) > 32) {
        return err_set(STATUS_NOT_FOUND, "no such published image");
    }
    struct sql_value a[] = {sqlv_text(lang), sqlv_text(chart)};
    struct store_rows *r = NULL;
    enum status st = store_exec_one(ctx->store, STMT_PUBLICATION_GET, a, ARRAY_LEN(a), &r);
    if (st == STATUS_NOT_FOUND) {
        st = err_set(STATUS_NOT_FOUND, "no such published image");
    }
    if (st == STATUS_OK) {
        const char *t = store_rows_text(r, 0);
        *len = strlen(t);
        *svg = xstrdup(t);
    }
    store_rows_free(r);
    return st;
}
