/* cases_int: what the files of the cases module share and nothing outside it includes. */
#ifndef CTIS_CASES_INT_H
#define CTIS_CASES_INT_H

#include "cases/cases.h"

/* Empties a value (wiping its text, which may be personal). */
void case__value_clear(struct case_value *v);
/* Checks an approximate date (YYYY, YYYY-MM, YYYY-MM-DD; a time part is dropped) into out. */
enum status case__date_check(const char *field, const char *text, char out[11]);

#endif
