/* i18n: the message catalogues (i18n/<lang>.json, embedded at build time) for the CLI, the
 * server and later the reports. The web pages load the same files over HTTP, so one catalogue
 * serves every surface. Six languages: the UN official ones (ar, en, es, fr, ru, zh).
 * Call i18n_init once at start; every other function is then safe from any thread. */
#ifndef CTIS_I18N_I18N_H
#define CTIS_I18N_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/* Loads and parses all six embedded catalogues. Errors: STATUS_NOT_FOUND (a catalogue is not
 * embedded), STATUS_INVALID (not a flat JSON object of strings). Calling it again is a no-op. */
enum status i18n_init(void);
/* Frees the catalogues (tests); i18n_get then returns keys until the next i18n_init. */
void i18n_shutdown(void);

/* The message for key in lang; falls back to English, then to the key itself. A NULL or
 * unknown lang means English. Never NULL (NULL key gives ""). Valid until i18n_shutdown. */
const char *i18n_get(const char *lang, const char *key);

/* The message with {name} placeholders replaced: the arguments after key are name, value
 * pairs ending with NULL, e.g. i18n_format("fr", "cli.error", "message", msg, NULL). A
 * placeholder with no pair is left as it is. The caller frees the result. */
char *i18n_format(const char *lang, const char *key, ...) __attribute__((sentinel));

/* The language from LC_ALL, else LC_MESSAGES, else LANG (the first that is set and not
 * empty): "fr_FR.UTF-8" gives "fr". Unknown, "C", "POSIX" or unset give "en". */
const char *i18n_lang_from_env(void);

/* True when lang is one of the six codes (exact, lower case). */
bool i18n_lang_valid(const char *lang);
/* The six codes in a fixed order; *count is set to 6. */
const char *const *i18n_langs(size_t *count);
/* True for right-to-left languages (ar). */
bool i18n_is_rtl(const char *lang);

#endif
