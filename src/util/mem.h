/* mem: allocation that never returns NULL (out of memory aborts: every input is bounded,
 * so an allocation failure is a machine problem, not an input error), and assertions that
 * stay on in every build. */
#ifndef CTIS_UTIL_MEM_H
#define CTIS_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

_Noreturn void util_assert_fail(const char *expr, const char *file, int line);

#define ASSERT(x) ((x) ? (void)0 : util_assert_fail(#x, __FILE__, __LINE__))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
