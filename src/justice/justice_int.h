/* justice_int: helpers shared by the files of src/justice (not for other modules). */
#ifndef CTIS_JUSTICE_JUSTICE_INT_H
#define CTIS_JUSTICE_JUSTICE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* code is one of list (NULL-terminated). */
bool justice__in_list(const char *code, const char *const *list);
/* A date YYYY-MM-DD (a real calendar date); STATUS_INVALID naming field otherwise. */
enum status justice__date_check(const char *field, const char *date);
void justice__today(char out[11]);
/* A text member of o: absent or null leaves *out NULL; "" gives "". At most max bytes of UTF-8. */
enum status justice__text_member(const json_t *o, const char *key, size_t max, const char **out);
/* A date member of o: absent leaves out unchanged, null clears it, else a real YYYY-MM-DD. */
enum status justice__date_member(const json_t *o, const char *key, char out[11]);
/* A required id member of in (a positive integer), else STATUS_INVALID naming key. */
enum status justice__id_member(const json_t *in, const char *key, int64_t *out);
/* Refuses members of o not in keys (NULL-terminated). */
enum status justice__known_members(const json_t *o, const char *const *keys);

#endif
