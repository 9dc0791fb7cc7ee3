/* referral_int: what the files of the referral part (providers.c, referral.c, glass.c) share. */
#ifndef CTIS_REFERRAL_INT_H
#define CTIS_REFERRAL_INT_H

#include <jansson.h>

#include "referral/referral.h"

struct store;

/* Codes given joined by ';' or ',' (field: services, languages or areas), checked, sorted, without
 * duplicates, joined by ';' (caller frees). */
enum status referral__codes_normalise(const char *field, const char *text, char **out);
json_t *referral__codes_json(const char *joined);
/* A provider without access check (the caller decided). */
enum status referral__provider_load(struct store *s, int64_t id, struct provider **out);

#endif
