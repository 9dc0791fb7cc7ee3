// audit: actions leave entries (logins, user.manage, denials), GET /audit filters, the hash chain
// verifies over HTTP and on the command line, and tampering with the stored rows (an altered row,
// a deleted middle row, a deleted last row) is detected and named.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, PG_URL, Server, ctis, eachEngine, isErrorShape, pgDropDb, pgUrlFor, psql, sqlOn, startServer } from './lib.mjs';

function assertError(r, status, code) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
}

/** Every audit entry, following next_after. */
async function allEntries(c, query = '') {
    const out = [];
    let after = 0;
    for (;;) {
        const r = await c.get(`/api/v1/audit?limit=500&after=${after}${query ? '&' + query : ''}`);
        assert.equal(r.status, 200, r.text);
        out.push(...r.json.items);
        if (r.json.items.length < 500) {
            return out;
        }
        after = r.json.next_after;
    }
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

eachEngine((engine) => {
    let s;
    let root;
    let auditorU;
    let cAuditor;
    let analystU;
    let adminA;
    let bUser;
    let createdId;
    const copies = []; // databases made for the tamper tests, dropped at the end

    before(async () => {
        s = await startServer({ engine });
        auditorU = s.addUser({ username: 'aud-1', role: 'auditor', scope: 'all' });
        analystU = s.addUser({ username: 'ana-1', role: 'analyst', totp: false });
        adminA = s.addUser({ username: 'adm-a', role: 'administrator', scope: 'agency', agency: 'A' });
        bUser = s.addUser({ username: 'b-user', role: 'analyst', agency: 'B', totp: false });
        root = await s.rootClient();
        cAuditor = await s.clientFor(auditorU);
    });
    after(async () => {
        await s?.stop();
        for (const c of copies) {
            if (c.pgName) {
                pgDropDb(c.pgName);
            }
        }
    });

    describe('entries', () => {
        it('a login leaves session.login ok; a failed login leaves session.login failed', async () => {
            const c = s.client();
            await c.loginOk('ana-1', PASSWORD);
            assertError(await s.client().login('ana-1', 'wrong-password-123'), 401, 'unauthenticated');
            const entries = await allEntries(cAuditor, `user_id=${analystU.id}`);
            const logins = entries.filter((e) => e.action === 'session.login');
            assert.ok(logins.some((e) => e.outcome === 'ok' && e.actor === 'ana-1' && e.record_id === analystU.id), JSON.stringify(logins));
            assert.ok(logins.some((e) => e.outcome === 'failed' && e.detail.includes('wrong password')), JSON.stringify(logins));
            for (const e of logins) {
                assert.equal(e.client, '127.0.0.1');
                assert.match(e.at, /^\d{4}-\d\d-\d\dT/);
                assert.ok(!JSON.stringify(e).includes(PASSWORD), 'a password in the audit trail');
            }
            // An unknown user's attempt is recorded as anonymous.
            await s.client().login('nobody-here', 'whatever-password-1');
            const anon = (await allEntries(cAuditor, 'record_type=')).filter((e) => e.action === 'session.login' && e.actor === 'anonymous');
            assert.ok(anon.some((e) => e.outcome === 'failed' && e.detail === 'unknown user'), JSON.stringify(anon));
        });

        it('creating a user through the API leaves user.manage create, by the creator, on the new record', async () => {
            const r = await root.post('/api/v1/users', { username: 'aud-created', display_name: 'Made For Audit', email: 'made@a.example.org', agency_id: s.agencyA.id, role: 'auditor' });
            assert.equal(r.status, 201, r.text);
            createdId = r.json.user.id;
            const entries = await allEntries(cAuditor, `record_type=user&record_id=${createdId}`);
            assert.ok(entries.length >= 1);
            for (const e of entries) {
                assert.equal(e.record_type, 'user');
                assert.equal(e.record_id, createdId);
            }
            const create = entries.find((e) => e.action === 'user.manage' && e.detail === 'create');
            assert.ok(create, JSON.stringify(entries));
            assert.equal(create.outcome, 'ok');
            assert.equal(create.actor, 'root');
            assert.equal(create.actor_user_id, s.root.id);
            // Neither the name nor the e-mail is written to the trail.
            const text = JSON.stringify(entries);
            assert.ok(!text.includes('Made For Audit') && !text.includes('made@a.example.org'));
        });

        it('reading a user with names and e-mails is audited per field group', async () => {
            const r = await root.get(`/api/v1/users/${createdId}`);
            assert.equal(r.status, 200);
            const entries = (await allEntries(cAuditor, `user_id=${s.root.id}&record_type=user&record_id=${createdId}`)).filter((e) => e.action === 'user.read');
            const groups = entries.map((e) => e.field_group);
            assert.ok(groups.includes('identity') && groups.includes('contact'), JSON.stringify(entries));
            assert.ok(entries.every((e) => e.outcome === 'ok'));
        });

        it('a denied access is an entry with outcome "denied" (missing permission, and out of scope)', async () => {
            const ca = await s.clientFor(analystU);
            assertError(await ca.get('/api/v1/users'), 403, 'forbidden');
            const cadm = await s.clientFor(adminA);
            assertError(await cadm.get(`/api/v1/users/${bUser.id}`), 404, 'not_found');
            const byAnalyst = await allEntries(cAuditor, `user_id=${analystU.id}`);
            const d1 = byAnalyst.find((e) => e.action === 'user.read' && e.outcome === 'denied');
            assert.ok(d1, JSON.stringify(byAnalyst));
            assert.match(d1.detail, /permission/);
            const byAdmin = await allEntries(cAuditor, `user_id=${adminA.id}`);
            const d2 = byAdmin.find((e) => e.outcome === 'denied' && e.record_id === bUser.id);
            assert.ok(d2, JSON.stringify(byAdmin));
            assert.equal(d2.record_type, 'user');
            assert.match(d2.detail, /scope/);
        });

        it('filters: user_id, record, from/to, limit and after', async () => {
            const all = await allEntries(cAuditor);
            assert.ok(all.length > 20, `${all.length} entries`);
            for (let i = 1; i < all.length; i++) {
                assert.equal(all[i].seq, all[i - 1].seq + 1, 'seq has no gaps and is ordered');
            }
            const mine = await allEntries(cAuditor, `user_id=${s.root.id}`);
            assert.ok(mine.length > 0);
            assert.ok(mine.every((e) => e.actor_user_id === s.root.id));
            assert.ok(mine.length < all.length);
            const rec = await allEntries(cAuditor, `record_type=user&record_id=${createdId}`);
            assert.ok(rec.every((e) => e.record_id === createdId && e.record_type === 'user'));
            const agencyRecs = await allEntries(cAuditor, 'record_type=agency');
            assert.ok(agencyRecs.length > 0 && agencyRecs.every((e) => e.record_type === 'agency'));

            const page = await cAuditor.get('/api/v1/audit?limit=3');
            assert.deepEqual(page.json.items.map((e) => e.seq), all.slice(0, 3).map((e) => e.seq));
            assert.equal(page.json.next_after, all[2].seq);
            const next = await cAuditor.get(`/api/v1/audit?limit=3&after=${page.json.next_after}`);
            assert.deepEqual(next.json.items.map((e) => e.seq), all.slice(3, 6).map((e) => e.seq));

            const today = Date.now();
            const future = await cAuditor.get(`/api/v1/audit?from=${isoDay(today + 2 * 86400000)}`);
            assert.deepEqual(future.json.items, []);
            assert.equal(future.json.next_after, null);
            const past = await cAuditor.get(`/api/v1/audit?to=${isoDay(today - 2 * 86400000)}`);
            assert.deepEqual(past.json.items, []);
            const window = await cAuditor.get(`/api/v1/audit?limit=500&from=${isoDay(today - 86400000)}&to=${isoDay(today + 86400000)}`);
            assert.ok(window.json.items.length > 0);

            for (const [q, field] of [['user_id=abc', 'user_id'], ['record_id=1x', 'record_id'], ['from=yesterday', 'from'], ['to=2024-13-45', 'to'], ['limit=0', 'limit'], ['after=z', 'after']]) {
                const r = await cAuditor.get(`/api/v1/audit?${q}`);
                assertError(r, 400, 'invalid');
                assert.equal(r.json.error.field, field, r.text);
            }
        });

        it('GET /audit/verify → ok with the number of entries', async () => {
            const v = await cAuditor.get('/api/v1/audit/verify');
            assert.equal(v.status, 200, v.text);
            assert.equal(v.json.ok, true);
            const all = await allEntries(cAuditor);
            assert.ok(v.json.entries >= all.length - 1 && v.json.entries <= all.length + 1, `${v.json.entries} vs ${all.length}`);
            assert.equal(v.json.first_bad_seq, undefined);
        });
    });

    describe('tampering is detected', () => {
        let lastSeq;
        /** A copy of the (stopped) server's database: {db, pgName}. */
        function copyDb() {
            if (engine === 'postgres') {
                const name = `ctis_http_copy_${randomBytes(4).toString('hex')}`;
                psql(PG_URL, `CREATE DATABASE ${name} TEMPLATE ${s.pgName}`);
                const c = { db: pgUrlFor(name), pgName: name };
                copies.push(c);
                return c;
            }
            const file = path.join(s.dir, `copy-${randomBytes(4).toString('hex')}.db`);
            sqlOn('sqlite', s.db, `.backup '${file}'`);
            return { db: file };
        }
        const verify = (db) => ctis(['audit', 'verify', '--json', '--db', db, '--key-file', s.keyFile]);

        before(async () => {
            // Stop the server: the tampering happens at rest, as an attacker with file access would.
            const r = await s.halt();
            assert.equal(r.code, 0, s.stderr.slice(-2000));
            lastSeq = Number(s.sql('SELECT max(seq) FROM audit_log').trim());
            assert.ok(lastSeq > 10);
        });

        it('an untouched copy verifies (exit 0)', () => {
            const c = copyDb();
            const r = verify(c.db);
            assert.equal(r.code, 0, r.stderr + r.stdout);
            assert.equal(r.json.ok, true);
            assert.ok(r.json.entries >= lastSeq);
        });

        it('one altered row (detail of seq 3) → exit 6 naming seq 3', () => {
            const c = copyDb();
            sqlOn(engine, c.db, `UPDATE audit_log SET detail = 'x' WHERE seq = 3`);
            const r = verify(c.db);
            assert.equal(r.code, 6, r.stderr + r.stdout);
            assert.equal(r.json.ok, false);
            assert.equal(r.json.first_bad_seq, 3, r.stdout);
            assert.match(r.json.reason, /altered/);
            const text = ctis(['audit', 'verify', '--db', c.db, '--key-file', s.keyFile]);
            assert.equal(text.code, 6);
            assert.match(text.stdout + text.stderr, /\b3\b/);
        });

        it('another altered column (outcome of a login) is detected too', () => {
            const c = copyDb();
            const seq = Number(sqlOn(engine, c.db, `SELECT min(seq) FROM audit_log WHERE outcome = 'failed'`).trim());
            sqlOn(engine, c.db, `UPDATE audit_log SET outcome = 'ok' WHERE seq = ${seq}`);
            const r = verify(c.db);
            assert.equal(r.code, 6, r.stdout);
            assert.equal(r.json.first_bad_seq, seq);
        });

        it('a deleted middle row → exit 6 naming it', () => {
            const c = copyDb();
            const mid = Math.floor(lastSeq / 2);
            sqlOn(engine, c.db, `DELETE FROM audit_log WHERE seq = ${mid}`);
            const r = verify(c.db);
            assert.equal(r.code, 6, r.stderr + r.stdout);
            assert.equal(r.json.first_bad_seq, mid, r.stdout);
            assert.match(r.json.reason, /missing|deleted/);
        });

        it('a deleted last row → exit 6 naming it', () => {
            const c = copyDb();
            sqlOn(engine, c.db, `DELETE FROM audit_log WHERE seq = ${lastSeq}`);
            const r = verify(c.db);
            assert.equal(r.code, 6, r.stderr + r.stdout);
            assert.equal(r.json.first_bad_seq, lastSeq, r.stdout);
            assert.match(r.json.reason, /missing|deleted/);
        });

        it('an entry given the content of another (hashes left as they were) is detected', () => {
            const c = copyDb();
            sqlOn(engine, c.db, `UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE seq = 2) || ' ' WHERE seq = 4`);
            const r = verify(c.db);
            assert.equal(r.code, 6, r.stdout);
            assert.equal(r.json.first_bad_seq, 4);
        });

        it('a server on the altered database says so over HTTP (GET /audit/verify → ok false, seq 3)', async () => {
            const c = copyDb();
            sqlOn(engine, c.db, `UPDATE audit_log SET detail = 'x' WHERE seq = 3`);
            const t = new Server(engine, { db: c.db, keyFile: s.keyFile });
            await t.serve();
            try {
                const cl = t.client();
                await cl.loginOk(auditorU.username, auditorU.password, auditorU.totpSecret);
                const v = await cl.get('/api/v1/audit/verify');
                assert.equal(v.status, 200, v.text);
                assert.equal(v.json.ok, false);
                assert.equal(v.json.first_bad_seq, 3);
                assert.match(v.json.reason, /altered/);
            } finally {
                await t.stop();
            }
        });
    });
});
