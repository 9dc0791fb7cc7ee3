/* justice_int: helpers shared by the files of src/justice (not for other modules). */
#ifndef CTIS_JUSTICE_JUSTICE_INT_H
#define CTIS_JUSTICE_JUSTICE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/status.h"
#include "util/jsonin.h"

struct auth_ctx;

/* A date YYYY-MM-DD (a real calendar date); STATUS_INVALID naming field otherwise. */
enum status justice__date_check(const char *field, const char *date);
/* A date member of o: absent leaves out unchanged, null clears it, else a real YYYY-MM-DD. */
enum status justice__date_member(const json_t *o, const char *key, char out[11]);
/* A required id member of in (a positive integer), else STATUS_INVALID naming key. */
enum status justice__id_member(const json_t *in, const char *key, int64_t *out);
/* Refuses members of o not in keys (NULL-terminated). */
enum status justice__known_members(const json_t *o, const char *const *keys);

/* One row of a listing into elem (zeroed before the call); arg is the caller's. On an error the
 * function releases what it put into elem. */
typedef enum status (*justice_row_fn)(const struct auth_ctx *ctx, struct store_rows *r, void *arg, void *elem);
/* Frees a listing's array and the n elements it holds. */
typedef void (*justice_free_fn)(void *list, size_t n);
/* Runs stmt with the one parameter id and reads every row into a new array of elem_size elements
 * filled by row; on an error frees what was read with free_list. The caller owns *out (count
 * *count_out). Access must have been decided before. */
enum status justice__collect(const struct auth_ctx *ctx, enum stmt stmt, int64_t id, size_t elem_size,
                             justice_row_fn row, void *arg, justice_free_fn free_list, void **out, size_t *count_out);

#endif
