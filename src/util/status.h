/* status: the one error vocabulary of ctis. Every fallible function returns an enum status;
 * the detail (one line, never a secret or a field value) sits in a thread-local buffer
 * read with err_last(). Boundaries map status to HTTP codes (http) and exit codes (cli). */
#ifndef CTIS_UTIL_STATUS_H
#define CTIS_UTIL_STATUS_H

#include <stdarg.h>

enum status {
    STATUS_OK = 0,
    STATUS_DONE = 1,     /* iteration finished: no more rows */
    STATUS_INVALID = -1, /* bad input: caller's fault, message names the field */
    STATUS_NOT_FOUND = -2,
    STATUS_CONFLICT = -3,         /* unique key taken, or a stale version */
    STATUS_DENIED = -4,           /* authenticated but not allowed */
    STATUS_BUSY = -5,             /* retryable: lock, serialization failure, deadlock */
    STATUS_TOO_LARGE = -6,        /* a limit from limits.h was hit */
    STATUS_UNAVAILABLE = -7,      /* a server or file is not reachable */
    STATUS_CRYPTO = -8,           /* authentication tag or signature failed */
    STATUS_IO = -9,               /* anything else from below */
    STATUS_UNAUTHENTICATED = -10, /* no valid session or credentials */
    STATUS_PRECONDITION = -11,    /* If-Match did not match */
    STATUS_THROTTLED = -12,       /* too many attempts; try later */
};

/* A short stable name for the status, e.g. "not_found"; used in JSON errors. */
const char *status_name(enum status st);

/* Records the detail for the current thread and returns st, so callers can write
 * `return err_set(STATUS_INVALID, "...")`. The message must hold no personal data. */
enum status err_set(enum status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As err_set, and also names the input field at fault (JSON pointer or CSV column). */
enum status err_set_field(enum status st, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum status err_vset(enum status st, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* The last message and field of this thread; "" when none. Valid until the next err_set. */
const char *err_last(void);
const char *err_last_field(void);
enum status err_last_status(void);
void err_clear(void);

#endif
