/* victims: victims and witnesses in proceedings by pseudonymous reference, and protection
 * measures (issue 5, part J1; Plan of Action para 31). A case is linked to an investigation as
 * "V-XXXXXX" (random; reveals nothing). Listing shows the reference and role only: the case id
 * and the victim's name (from the case) are shown only to holders of justice.victim_identity
 * (field group identity too), through justice_victim_identity, every view audited (record type
 * "investigation" and, for the case, "case"). Prosecutors do not hold the permission by default;
 * investigators do. */
#ifndef CTIS_JUSTICE_VICTIMS_H
#define CTIS_JUSTICE_VICTIMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/status.h"

#define JUSTICE_VICTIM_REFERENCE_BYTES 12 /* "V-XXXXXXXX" and NUL */

struct justice_victim {
    int64_t id;
    int64_t investigation_id;
    int64_t case_id; /* 0 when the case was purged; never shown without the permission */
    char reference[JUSTICE_VICTIM_REFERENCE_BYTES];
    char role[8]; /* victim or witness */
    int64_t version;
};

/* Links case_id (the caller must be able to read it: case_reach case.read) to the investigation
 * (justice.write). role NULL: victim. */
enum status justice_victim_link(const struct auth_ctx *ctx, int64_t inv_id, int64_t case_id, const char *role,
                                int64_t *id_out);
enum status justice_victims(const struct auth_ctx *ctx, int64_t inv_id, struct justice_victim **out, size_t *count_out);
/* The victim's name from the case ("Given Family"; "" when none). Needs justice.victim_identity
 * on the investigation and fg.identity.read; audited on the investigation and the case. */
enum status justice_victim_identity(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t *case_id_out,
                                    char **name_out);
/* Without the identity: {id, reference, role, version}. */
json_t *justice_victim_to_json(const struct justice_victim *v);

struct justice_protection {
    int64_t id;
    int64_t investigation_id;
    int64_t victim_id; /* 0: the proceeding as a whole */
    char type[24];     /* identity_protection, screen, video_link, relocation, police_protection, other */
    char start_date[11];
    char end_date[11];
    int64_t version;
};
/* JSON input {type, victim_id, start_date, end_date} (update: absent members unchanged). */
enum status justice_protection_add(const struct auth_ctx *ctx, int64_t inv_id, const json_t *in, int64_t *id_out);
enum status justice_protection_update(const struct auth_ctx *ctx, int64_t inv_id, int64_t id, int64_t expected_version,
                                      const json_t *in);
enum status justice_protections(const struct auth_ctx *ctx, int64_t inv_id, struct justice_protection **out,
                                size_t *count_out);
json_t *justice_protection_to_json(const struct justice_protection *p);

#endif
