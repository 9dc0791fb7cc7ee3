/* audit: appends entries to the hash chain and verifies it. The hash of entry n is
 * MAC_audit(hash(n-1) || fields(n)), fields length-prefixed so that no two entries serialise
 * alike; the first entry chains from 32 zero bytes. */
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"
#include "vault/vault.h"

#define HASH_BYTES VAULT_HASH_BYTES

static void put_u64(struct buf *b, uint64_t v)
{
    uint8_t be[8];
    for (int i = 7; i >= 0; i--) {
        be[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
    ASSERT(buf_append(b, be, 8) == STATUS_OK);
}

static void put_str(struct buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u64(b, n);
    if (n > 0) {
        ASSERT(buf_append(b, s, n) == STATUS_OK);
    }
}

static void entry_hash(struct vault *v, uint8_t out[HASH_BYTES], const uint8_t prev[HASH_BYTES],
                       const struct audit_entry *e)
{
    struct buf b = BUF_INIT(4 * AUDIT_DETAIL_BYTES_MAX + 1024);
    ASSERT(buf_append(&b, prev, HASH_BYTES) == STATUS_OK);
    put_u64(&b, (uint64_t)e->seq);
    put_u64(&b, (uint64_t)e->at_ms);
    put_u64(&b, (uint64_t)e->actor_user_id);
    put_str(&b, e->actor);
    put_str(&b, e->action);
    put_str(&b, e->record_type);
    put_u64(&b, (uint64_t)e->record_id);
    put_str(&b, e->field_group);
    put_str(&b, e->client);
    put_str(&b, e->outcome);
    put_str(&b, e->detail);
    vault_mac(v, out, "audit", b.data, b.len);
    buf_free(&b);
}

/* Copies s into dst (size n), cut at n-1 bytes on a UTF-8 boundary. */
static const char *clip(char *dst, size_t n, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80) {
            len--;
        }
    }
    if (len > 0) {
        memcpy(dst, s, len);
    }
    dst[len] = '\0';
    return dst;
}

/* The chain head of the transaction under way on this thread: read (and locked) by the first
 * entry of a transaction, then kept here, and written back once just before COMMIT. Updating the
 * one head row for every entry makes a large transaction quadratic on PostgreSQL (every update
 * leaves a row version the next must step over). */
struct head_cache {
    struct store *store;
    uint64_t tx_serial;
    int64_t seq;
    uint8_t hash[HASH_BYTES];
};
static _Thread_local struct head_cache head;

static enum status head_flush(struct store *s, void *ctx)
{
    struct head_cache *h = ctx;
    ASSERT(h->store == s && h->tx_serial == store_tx_serial(s));
    struct sql_value a[] = {SQLV_I64(h->seq), SQLV_BLOB(h->hash, HASH_BYTES)};
    return store_exec(s, STMT_AUDIT_HEAD_SET, a, 2, NULL);
}

static enum status head_load(struct store *s)
{
    static const uint8_t zero[HASH_BYTES] = {0};
    if (head.store == s && head.tx_serial == store_tx_serial(s)) {
        return STATUS_OK;
    }
    struct store_rows *r = NULL;
    enum status st = store_exec_one(s, STMT_AUDIT_HEAD_LOCK, NULL, 0, &r);
    if (st == STATUS_NOT_FOUND) {
        struct sql_value a[] = {SQLV_BLOB(zero, HASH_BYTES)};
        st = store_exec(s, STMT_AUDIT_HEAD_INIT, a, 1, NULL);
        if (st == STATUS_OK) {
            st = store_exec_one(s, STMT_AUDIT_HEAD_LOCK, NULL, 0, &r);
        }
    }
    if (st != STATUS_OK) {
        return st;
    }
    size_t hlen = 0;
    const uint8_t *hp = store_rows_blob(r, 1, &hlen);
    if (hlen != HASH_BYTES) {
        store_rows_free(r);
        return err_set(STATUS_CRYPTO, "audit chain head is damaged");
    }
    head.store = s;
    head.tx_serial = store_tx_serial(s);
    head.seq = store_rows_i64(r, 0);
    memcpy(head.hash, hp, HASH_BYTES);
    store_rows_free(r);
    store_tx_before_commit(s, head_flush, &head);
    return STATUS_OK;
}

enum status audit_append(struct store *s, struct vault *v, const struct audit_entry *in)
{
    ASSERT(store_tx_active(s));
    ASSERT(in->action != NULL);
    enum status st = head_load(s);
    if (st != STATUS_OK) {
        return st;
    }
    int64_t head_seq = head.seq;
    uint8_t prev[HASH_BYTES];
    memcpy(prev, head.hash, HASH_BYTES);

    char actor[80], action[80], rtype[64], fg[64], client[64], outcome[16], detail[AUDIT_DETAIL_BYTES_MAX];
    struct audit_entry e = {
        .seq = head_seq + 1,
        .at_ms = util_now_ms(),
        .actor_user_id = in->actor_user_id,
        .actor = clip(actor, sizeof actor, in->actor),
        .action = clip(action, sizeof action, in->action),
        .record_type = clip(rtype, sizeof rtype, in->record_type),
        .record_id = in->record_id,
        .field_group = clip(fg, sizeof fg, in->field_group),
        .client = clip(client, sizeof client, in->client),
        .outcome = clip(outcome, sizeof outcome, in->outcome ? in->outcome : "ok"),
        .detail = clip(detail, sizeof detail, in->detail),
    };
    uint8_t hash[HASH_BYTES];
    entry_hash(v, hash, prev, &e);
    struct sql_value args[] = {
        SQLV_I64(e.seq),
        SQLV_I64(e.at_ms),
        e.actor_user_id ? SQLV_I64(e.actor_user_id) : SQLV_NULL,
        sqlv_text(e.actor),
        sqlv_text(e.action),
        sqlv_text(e.record_type),
        SQLV_I64(e.record_id),
        sqlv_text(e.field_group),
        sqlv_text(e.client),
        sqlv_text(e.outcome),
        sqlv_text(e.detail),
        SQLV_BLOB(prev, HASH_BYTES),
        SQLV_BLOB(hash, HASH_BYTES),
    };
    st = store_exec(s, STMT_AUDIT_INSERT, args, ARRAY_LEN(args), NULL);
    if (st != STATUS_OK) {
        return st;
    }
    head.seq = e.seq;
    memcpy(head.hash, hash, HASH_BYTES);
    return STATUS_OK;
}

/* Reads the entry at the cursor; strings borrowed from the cursor. */
static void entry_read(struct audit_entry *e, struct store_rows *r)
{
    e->seq = store_rows_i64(r, 0);
    e->at_ms = store_rows_i64(r, 1);
    e->actor_user_id = store_rows_is_null(r, 2) ? 0 : store_rows_i64(r, 2);
    e->actor = store_rows_text(r, 3);
    e->action = store_rows_text(r, 4);
    e->record_type = store_rows_text(r, 5);
    e->record_id = store_rows_i64(r, 6);
    e->field_group = store_rows_text(r, 7);
    e->client = store_rows_text(r, 8);
    e->outcome = store_rows_text(r, 9);
    e->detail = store_rows_text(r, 10);
}

static enum status verify_fail(struct audit_verify_result *out, int64_t seq, const char *reason)
{
    out->first_bad_seq = seq;
    snprintf(out->reason, sizeof out->reason, "%s", reason);
    return err_set(STATUS_CRYPTO, "audit entry %lld: %s", (long long)seq, reason);
}

enum status audit_verify(struct store *s, struct vault *v, struct audit_verify_result *out)
{
    memset(out, 0, sizeof *out);
    uint8_t prev[HASH_BYTES] = {0};
    int64_t expect_seq = 1;
    /* Inside the caller's transaction when there is one, else in a read transaction of its own,
     * so the chain is read as one snapshot. */
    bool own_tx = !store_tx_active(s);
    enum status st = own_tx ? store_tx_begin(s, STORE_TX_READ) : STATUS_OK;
    if (st != STATUS_OK) {
        return st;
    }
    for (;;) {
        struct sql_value a[] = {SQLV_I64(expect_seq - 1), SQLV_I64(DB_COPY_BATCH_ROWS)};
        struct store_rows *r = NULL;
        st = store_exec(s, STMT_AUDIT_SCAN, a, 2, &r);
        if (st != STATUS_OK) {
            goto out;
        }
        int64_t n = 0;
        while ((st = store_rows_next(r)) == STATUS_OK) {
            n++;
            struct audit_entry e;
            entry_read(&e, r);
            size_t plen = 0, hlen = 0;
            const uint8_t *p = store_rows_blob(r, 11, &plen);
            const uint8_t *h = store_rows_blob(r, 12, &hlen);
            if (e.seq != expect_seq) {
                store_rows_free(r);
                st = verify_fail(out, expect_seq, e.seq > expect_seq ? "missing (deleted)" : "out of order");
                goto out;
            }
            if (plen != HASH_BYTES || !vault_equal(p, prev, HASH_BYTES)) {
                store_rows_free(r);
                st = verify_fail(out, e.seq, "does not follow the previous entry (reordered or altered)");
                goto out;
            }
            uint8_t calc[HASH_BYTES];
            entry_hash(v, calc, prev, &e);
            if (hlen != HASH_BYTES || !vault_equal(calc, h, HASH_BYTES)) {
                store_rows_free(r);
                st = verify_fail(out, e.seq, "altered (hash does not match its contents)");
                goto out;
            }
            memcpy(prev, h, HASH_BYTES);
            expect_seq++;
            out->entries++;
        }
        store_rows_free(r);
        if (st != STATUS_DONE) {
            goto out;
        }
        st = STATUS_OK;
        if (n < DB_COPY_BATCH_ROWS) {
            break;
        }
    }
    /* The head must name the last entry: otherwise entries were removed from the end. Inside a
     * transaction that has appended entries, the head is the one kept for it, not yet written. */
    int64_t head_seq;
    bool ok;
    if (head.store == s && store_tx_active(s) && head.tx_serial == store_tx_serial(s)) {
        head_seq = head.seq;
        ok = head_seq == out->entries && vault_equal(head.hash, prev, HASH_BYTES);
    } else {
        struct store_rows *r = NULL;
        st = store_exec_one(s, STMT_AUDIT_HEAD_GET, NULL, 0, &r);
        if (st == STATUS_NOT_FOUND) {
            st = out->entries == 0 ? STATUS_OK : verify_fail(out, out->entries, "chain head is missing");
            goto out;
        }
        if (st != STATUS_OK) {
            goto out;
        }
        head_seq = store_rows_i64(r, 0);
        size_t hlen = 0;
        const uint8_t *h = store_rows_blob(r, 1, &hlen);
        ok = head_seq == out->entries && hlen == HASH_BYTES && vault_equal(h, prev, HASH_BYTES);
        store_rows_free(r);
    }
    if (!ok) {
        st = verify_fail(out, head_seq > out->entries ? out->entries + 1 : head_seq,
                         head_seq > out->entries ? "missing (deleted from the end of the chain)"
                                                 : "chain head does not match the last entry");
        goto out;
    }
    st = STATUS_OK;
out:
    if (own_tx) {
        store_tx_rollback(s);
    }
    return st;
}

enum status audit_list(struct audit_entry **out, size_t *count_out, struct store *s, const struct audit_filter *f)
{
    *out = NULL;
    *count_out = 0;
    int64_t limit = f->limit <= 0 ? 100 : f->limit;
    if (limit > AUDIT_SHOW_ROWS_MAX) {
        return err_set_field(STATUS_INVALID, "limit", "limit: at most %d", AUDIT_SHOW_ROWS_MAX);
    }
    struct sql_value a[] = {
        f->user_id ? SQLV_I64(f->user_id) : SQLV_NULL,
        f->record_type && f->record_type[0] ? sqlv_text(f->record_type) : SQLV_NULL,
        f->record_id ? SQLV_I64(f->record_id) : SQLV_NULL,
        SQLV_I64(f->from_ms),
        SQLV_I64(f->to_ms ? f->to_ms : INT64_MAX),
        SQLV_I64(f->after_seq),
        SQLV_I64(limit),
    };
    struct store_rows *r = NULL;
    enum status st = store_exec(s, STMT_AUDIT_FILTER, a, ARRAY_LEN(a), &r);
    if (st != STATUS_OK) {
        return st;
    }
    struct audit_entry *list = xcalloc((size_t)limit, sizeof *list);
    size_t n = 0;
    while ((st = store_rows_next(r)) == STATUS_OK) {
        struct audit_entry e;
        entry_read(&e, r);
        e.actor = xstrdup(e.actor);
        e.action = xstrdup(e.action);
        e.record_type = xstrdup(e.record_type);
        e.field_group = xstrdup(e.field_group);
        e.client = xstrdup(e.client);
        e.outcome = xstrdup(e.outcome);
        e.detail = xstrdup(e.detail);
        list[n++] = e;
    }
    store_rows_free(r);
    if (st != STATUS_DONE) {
        audit_entries_free(list, n);
        return st;
    }
    *out = list;
    *count_out = n;
    return STATUS_OK;
}

void audit_entries_free(struct audit_entry *entries, size_t count)
{
    if (entries == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        free((char *)entries[i].actor);
        free((char *)entries[i].action);
        free((char *)entries[i].record_type);
        free((char *)entries[i].field_group);
        free((char *)entries[i].client);
        free((char *)entries[i].outcome);
        free((char *)entries[i].detail);
    }
    free(entries);
}
