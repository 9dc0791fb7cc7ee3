/* publication: the public statistics dashboard (issue 6, item 4: "anything published ... the
 * public dashboard goes through disclosure control"). A holder of stats.publish publishes a
 * snapshot: every chart of stats/charts.h, for the years chosen, in the six languages, each
 * built through disclosure control (small-cell suppression; recorded in stats_releases) and
 * stored as SVG. Anyone may read what was published, without an account: never a live query,
 * never an exact figure. Publishing again replaces the snapshot; unpublishing removes it. */
#ifndef CTIS_STATS_PUBLICATION_H
#define CTIS_STATS_PUBLICATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Publishes the dashboard for [year_from, year_to] (*charts_out: the images stored). Needs
 * stats.publish; one transaction (run inside auth_run); audited. */
enum status stats_dashboard_publish(const struct auth_ctx *ctx, int year_from, int year_to, size_t *charts_out);
/* Removes the published dashboard (STATUS_NOT_FOUND when none). Needs stats.publish; audited. */
enum status stats_dashboard_unpublish(const struct auth_ctx *ctx);

/* What is published, for anyone: {"published_at","year_from","year_to","charts":[names],
 * "langs":[...]}; STATUS_NOT_FOUND when nothing is. No permission. */
enum status stats_dashboard_index(const struct auth_ctx *ctx, json_t **out);
/* One published image (SVG text, malloc'd); STATUS_NOT_FOUND when not published. No permission. */
enum status stats_dashboard_image(const struct auth_ctx *ctx, const char *lang, const char *chart, char **svg,
                                  size_t *len);

#endif
