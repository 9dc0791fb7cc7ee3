/* status: thread-local error detail, never allocating. */
#include "util/status.h"

#include <stdio.h>
#include <string.h>

#include "util/limits.h"

static _Thread_local char err_msg[ERR_MESSAGE_BYTES_MAX];
static _Thread_local char err_field[ERR_FIELD_BYTES_MAX];
static _Thread_local enum status err_status;

const char *status_name(enum status st)
{
    switch (st) {
    case STATUS_OK: return "ok";
    case STATUS_DONE: return "done";
    case STATUS_INVALID: return "invalid";
    case STATUS_NOT_FOUND: return "not_found";
    case STATUS_CONFLICT: return "conflict";
    case STATUS_DENIED: return "forbidden";
    case STATUS_BUSY: return "busy";
    case STATUS_TOO_LARGE: return "too_large";
    case STATUS_UNAVAILABLE: return "unavailable";
    case STATUS_CRYPTO: return "integrity";
    case STATUS_IO: return "internal";
    case STATUS_UNAUTHENTICATED: return "unauthenticated";
    case STATUS_PRECONDITION: return "precondition_failed";
    case STATUS_THROTTLED: return "throttled";
    }
    return "unknown";
}

enum status err_vset(enum status st, const char *field, const char *fmt, va_list ap)
{
    /* Format into locals first: callers may pass err_last() or err_last_field() as arguments,
     * which point into the buffers being written. */
    char msg[ERR_MESSAGE_BYTES_MAX], fld[ERR_FIELD_BYTES_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(fld, sizeof fld, "%s", field != NULL ? field : "");
    memcpy(err_msg, msg, sizeof err_msg);
    memcpy(err_field, fld, sizeof err_field);
    err_status = st;
    return st;
}

enum status err_set(enum status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(st, NULL, fmt, ap);
    va_end(ap);
    return st;
}

enum status err_set_field(enum status st, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(st, field, fmt, ap);
    va_end(ap);
    return st;
}

const char *err_last(void)
{
    return err_msg;
}
const char *err_last_field(void)
{
    return err_field;
}
enum status err_last_status(void)
{
    return err_status;
}

void err_clear(void)
{
    err_msg[0] = '\0';
    err_field[0] = '\0';
    err_status = STATUS_OK;
}
