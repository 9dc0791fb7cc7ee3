/* audit: the append-only, hash-chained record of who did what. Each entry's hash is a keyed
 * BLAKE2b (vault_mac "audit") over the previous hash and the entry's fields, and the chain head
 * (audit_head, one row) is read under lock and updated in the same transaction as the entry,
 * so concurrent writers stay ordered and the entry commits or rolls back with the change it
 * records. audit_verify walks the chain and names the first altered, missing or reordered
 * entry. Entries hold ids and codes, never personal data. */
#ifndef CTIS_AUDIT_AUDIT_H
#define CTIS_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct vault;

struct audit_entry {
    int64_t seq;
    int64_t at_ms;
    int64_t actor_user_id;   /* 0 for the local operator (CLI) */
    const char *actor;       /* username, or "os:<name>" for the CLI */
    const char *action;      /* e.g. "user.read", "session.login" */
    const char *record_type; /* "" when none */
    int64_t record_id;       /* 0 when none */
    const char *field_group; /* a sensitive field group read or written, "" when none */
    const char *client;      /* client address, "cli" for the local operator */
    const char *outcome;     /* "ok", "denied", "failed" */
    const char *detail;      /* short, non-identifying ("n=12", "version=3") */
};

/* Appends an entry; must run inside the caller's write transaction. seq and at_ms are set here. */
enum status audit_append(struct store *s, struct vault *v, const struct audit_entry *e);

/* Result of a verification. first_bad_seq is 0 when the chain is intact. */
struct audit_verify_result {
    int64_t entries;
    int64_t first_bad_seq;
    char reason[160];
};
/* Verifies the whole chain (reads in batches). STATUS_OK with first_bad_seq = 0 when intact,
 * STATUS_CRYPTO with the result filled when not. */
enum status audit_verify(struct store *s, struct vault *v, struct audit_verify_result *out);

/* A filter for audit_list; zero/NULL fields do not filter. */
struct audit_filter {
    int64_t user_id;
    const char *record_type;
    int64_t record_id;
    int64_t from_ms;
    int64_t to_ms; /* 0: now */
    int64_t after_seq;
    int64_t limit; /* 1..AUDIT_SHOW_ROWS_MAX */
};
/* Lists entries matching f in seq order. Returns an array of *count_out entries whose strings
 * are owned by the array; free with audit_entries_free. */
enum status audit_list(struct audit_entry **out, size_t *count_out, struct store *s, const struct audit_filter *f);
void audit_entries_free(struct audit_entry *entries, size_t count);

#endif
