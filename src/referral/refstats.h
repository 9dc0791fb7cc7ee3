/* refstats: the protection figures of a period, for the Plan's implementation report (issue 9):
 * referrals made between agencies by their state now, and the services delivered to victims by
 * type. Counts only (no case, no person); cases whose person refused research use and merged
 * cases are left out, as in `ctis stats victims`; scoped like the case statistics. */
#ifndef CTIS_REFERRAL_REFSTATS_H
#define CTIS_REFERRAL_REFSTATS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

/* Needs stats.read (audited once). From from_ms to to_ms inclusive (0: no end), by the date the
 * referral or the service was recorded: {"referrals": {"made": N, "pending": N, "accepted": N,
 * "rejected": N, "completed": N, "revoked": N}, "services": {"delivered": N, "by_type":
 * {TYPE: N, ...}}}; a cancelled service is not delivered. The caller owns *out. */
enum status referral_stats_period(const struct auth_ctx *ctx, int64_t from_ms, int64_t to_ms, json_t **out);

#endif
