/* util: small helpers with no dependencies: time, files, text checks, base64url, hex. */
#ifndef CTIS_UTIL_UTIL_H
#define CTIS_UTIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Wall-clock time in milliseconds since the epoch, UTC. Tests may set a fixed offset. */
int64_t util_now_ms(void);
void util_clock_offset_set(int64_t offset_ms); /* tests only: shifts util_now_ms */

/* Reads a whole file (at most max bytes) into *out (caller frees, NUL-terminated). */
enum status util_file_read(char **out, size_t *len_out, const char *path, size_t max);
/* Writes a file atomically (temporary file, fsync, rename) with the given mode. */
enum status util_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
bool util_file_exists(const char *path);

/* True when s[0..len) is valid UTF-8 with no NUL and no C0 control except tab, CR, LF. */
bool util_utf8_valid(const char *s, size_t len);
/* Counts code points in valid UTF-8. */
size_t util_utf8_len(const char *s, size_t len);

/* Base64url without padding. The encode result is NUL-terminated; caller frees. */
char *util_b64url_encode(const uint8_t *data, size_t len);
enum status util_b64url_decode(uint8_t **out, size_t *len_out, const char *s, size_t len);
/* Lower-case hex; out must hold 2*len+1 bytes. */
void util_hex_encode(char *out, const uint8_t *data, size_t len);
enum status util_hex_decode(uint8_t *out, size_t out_len, const char *hex);

/* Parses a decimal int64 with no trailing garbage. */
enum status util_parse_i64(int64_t *out, const char *s);
/* As util_time_parse, for the end of a range: a date alone (YYYY-MM-DD) means its last
 * millisecond, so "to 2026-11-28" includes that whole day. A date-time is taken as it is. */
enum status util_time_parse_end(int64_t *out, const char *s);
/* Formats epoch ms as ISO 8601 UTC ("2026-11-28T15:19:44.000Z"); out holds 32 bytes. */
void util_time_iso(char out[32], int64_t ms);
/* Parses ISO 8601 date or date-time (UTC, optional Z) into epoch ms. */
enum status util_time_parse(int64_t *out, const char *s);

/* The name of the operating-system user running this process ("unknown" when not found). */
const char *util_os_user(void);

#endif
