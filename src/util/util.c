/* util: time, files, UTF-8, encodings, parsing. No third-party dependencies. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"

static _Atomic int64_t clock_offset_ms;

int64_t util_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&clock_offset_ms);
}

void util_clock_offset_set(int64_t offset_ms)
{
    atomic_store(&clock_offset_ms, offset_ms);
}

enum status util_file_read(char **out, size_t *len_out, const char *path, size_t max)
{
    *out = NULL;
    enum status st = STATUS_OK;
    char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return err_set(errno == ENOENT ? STATUS_NOT_FOUND : STATUS_IO, "cannot open %s: %s", path, strerror(errno));
    }
    size_t cap = 4096, len = 0;
    data = xmalloc(cap + 1);
    for (;;) {
        if (len == cap) {
            if (cap >= max) {
                st = err_set(STATUS_TOO_LARGE, "%s is larger than %zu bytes", path, max);
                goto out;
            }
            cap = cap * 2 > max ? max : cap * 2;
            data = xrealloc(data, cap + 1);
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                st = err_set(STATUS_IO, "cannot read %s", path);
                goto out;
            }
            break;
        }
    }
    data[len] = '\0';
    *out = data;
    data = NULL;
    if (len_out) {
        *len_out = len;
    }
out:
    free(data);
    fclose(f);
    return st;
}

enum status util_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    enum status st = STATUS_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        st = err_set(STATUS_IO, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            st = err_set(STATUS_IO, "cannot write %s: %s", tmp, strerror(errno));
            break;
        }
        p += n;
        left -= (size_t)n;
    }
    if (st == STATUS_OK && fchmod(fd, (mode_t)mode) != 0) {
        st = err_set(STATUS_IO, "cannot chmod %s", tmp);
    }
    if (st == STATUS_OK && fsync(fd) != 0) {
        st = err_set(STATUS_IO, "cannot sync %s", tmp);
    }
    close(fd);
    if (st == STATUS_OK && rename(tmp, path) != 0) {
        st = err_set(STATUS_IO, "cannot rename into %s: %s", path, strerror(errno));
    }
    if (st != STATUS_OK) {
        unlink(tmp);
    }
out:
    free(tmp);
    return st;
}

bool util_file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

bool util_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return false;
            }
            i++;
            continue;
        }
        size_t n;
        unsigned cp;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n) {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

size_t util_utf8_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *util_b64url_encode(const uint8_t *data, size_t len)
{
    char *out = xmalloc(len / 3 * 4 + 5);
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return out;
}

static int b64val(char c)
{
    const char *p = strchr(b64url, c);
    return (c != '\0' && p != NULL) ? (int)(p - b64url) : -1;
}

enum status util_b64url_decode(uint8_t **out, size_t *len_out, const char *s, size_t len)
{
    *out = NULL;
    if (len % 4 == 1) {
        return err_set(STATUS_INVALID, "bad base64url length");
    }
    uint8_t *d = xmalloc(len / 4 * 3 + 3);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64val(s[i]);
        if (v < 0) {
            free(d);
            return err_set(STATUS_INVALID, "bad base64url character");
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[o++] = (uint8_t)(acc >> bits);
        }
    }
    *out = d;
    *len_out = o;
    return STATUS_OK;
}

void util_hex_encode(char *out, const uint8_t *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex[data[i] >> 4];
        out[2 * i + 1] = hex[data[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

enum status util_hex_decode(uint8_t *out, size_t out_len, const char *hex)
{
    if (strlen(hex) != out_len * 2) {
        return err_set(STATUS_INVALID, "hex string must be %zu characters", out_len * 2);
    }
    for (size_t i = 0; i < out_len; i++) {
        int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
        if (h < 0 || l < 0) {
            return err_set(STATUS_INVALID, "bad hex digit");
        }
        out[i] = (uint8_t)(h << 4 | l);
    }
    return STATUS_OK;
}

enum status util_parse_i64(int64_t *out, const char *s)
{
    if (s == NULL || *s == '\0') {
        return err_set(STATUS_INVALID, "empty number");
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        return err_set(STATUS_INVALID, "not a whole number");
    }
    *out = (int64_t)v;
    return STATUS_OK;
}

void util_time_iso(char out[32], int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    int milli = (int)(((ms % 1000) + 1000) % 1000);
    if (year < 0 || year > 9999) {
        year = year < 0 ? 0 : 9999;
    }
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
             tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, milli % 1000);
}

enum status util_time_parse(int64_t *out, const char *s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
    size_t len = strlen(s);
    if (len < 10) {
        return err_set(STATUS_INVALID, "not a date (YYYY-MM-DD)");
    }
    for (size_t i = 0; i < 10; i++) {
        if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) {
            return err_set(STATUS_INVALID, "not a date (YYYY-MM-DD)");
        }
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    mo = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    used = 10;
    if (len > 10) {
        if (len < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
            return err_set(STATUS_INVALID, "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
        }
        const int pos[] = {11, 12, 14, 15, 17, 18};
        for (size_t i = 0; i < ARRAY_LEN(pos); i++) {
            if (s[pos[i]] < '0' || s[pos[i]] > '9') {
                return err_set(STATUS_INVALID, "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
            }
        }
        h = (s[11] - '0') * 10 + (s[12] - '0');
        mi = (s[14] - '0') * 10 + (s[15] - '0');
        sec = (s[17] - '0') * 10 + (s[18] - '0');
        used = 19;
        if (s[used] == '.') {
            used++;
            while (s[used] >= '0' && s[used] <= '9') {
                used++;
            }
        }
        if (s[used] == 'Z') {
            used++;
        }
        if ((size_t)used != len) {
            return err_set(STATUS_INVALID, "not a date-time (YYYY-MM-DDTHH:MM:SSZ)");
        }
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60) {
        return err_set(STATUS_INVALID, "date out of range");
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) {
        return err_set(STATUS_INVALID, "date out of range");
    }
    /* Days from civil (Howard Hinnant's algorithm), exact for the proleptic Gregorian calendar. */
    int yy = mo <= 2 ? y - 1 : y;
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    unsigned yoe = (unsigned)(yy - era * 400);
    unsigned doy = (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    *out = ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
    return STATUS_OK;
}

enum status util_time_parse_end(int64_t *out, const char *s)
{
    enum status st = util_time_parse(out, s);
    if (st == STATUS_OK && strlen(s) == 10) {
        *out += 86400000LL - 1;
    }
    return st;
}

const char *util_os_user(void)
{
    static _Thread_local char name[64];
    struct passwd pw, *res = NULL;
    char tmp[1024];
    if (getpwuid_r(getuid(), &pw, tmp, sizeof tmp, &res) == 0 && res != NULL) {
        snprintf(name, sizeof name, "%s", res->pw_name);
    } else {
        snprintf(name, sizeof name, "uid-%ld", (long)getuid());
    }
    return name;
}

#include "util/assets.h"

const struct asset *asset_find(const char *path)
{
    for (size_t i = 0; i < assets_count; i++) {
        if (strcmp(assets[i].path, path) == 0) {
            return &assets[i];
        }
    }
    return NULL;
}
