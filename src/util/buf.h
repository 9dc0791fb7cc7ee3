/* buf: a growable byte buffer that always has a maximum (curl's dynbuf): appending past it
 * returns STATUS_TOO_LARGE and leaves the buffer as it was. The data is kept NUL-terminated. */
#ifndef CTIS_UTIL_BUF_H
#define CTIS_UTIL_BUF_H

#include <stddef.h>

#include "util/status.h"

struct buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* bytes the buffer may hold, not counting the NUL */
};

#define BUF_INIT(maxbytes)                                                                                             \
    {                                                                                                                  \
        NULL, 0, 0, (maxbytes)                                                                                         \
    }

void buf_init(struct buf *b, size_t max);
enum status buf_append(struct buf *b, const void *data, size_t len);
enum status buf_puts(struct buf *b, const char *s);
enum status buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents ("" when empty); valid until the next append or free. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);
/* Gives the data to the caller (who frees it) and empties the buffer. Never NULL. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

#endif
