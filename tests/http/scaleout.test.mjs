// Scale-out (issue 10, part L): two `ctis serve` processes on one PostgreSQL database behind a
// round-robin proxy on loopback (tests/load/proxy.mjs, alternating per request). A session made
// through one server works on both (sessions live in the database); concurrent PATCHes of one
// case through both servers never lose an update: every loser gets 412 precondition_failed (or
// 409), and the final version is 1 + the number of 2xx answers. SCALEOUT_WRITERS (default 16)
// parallel writers make SCALEOUT_PATCHES (default 60) attempts in all; tests/load.sh runs more.
// Skips without TEST_PG_URL (SQLite is one process's file: no scale-out).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_URL, Server, skipWithoutPg, startServer } from './lib.mjs';
import { startProxy } from '../load/proxy.mjs';

const WRITERS = Number(process.env.SCALEOUT_WRITERS || 16);
const PATCHES = Number(process.env.SCALEOUT_PATCHES || 60);
const SKIP = 'TEST_PG_URL is not set: scale-out needs PostgreSQL (two servers on one database); skipped';

if (!PG_URL) {
    skipWithoutPg('scale-out: two servers on one PostgreSQL', SKIP);
} else {
    describe('scale-out: two servers on one PostgreSQL behind a round-robin', () => {
        let a;
        let b;
        let proxy;
        let user;
        before(async () => {
            a = await startServer({ engine: 'postgres' });
            b = new Server('postgres', { db: a.db, keyFile: a.keyFile });
            await b.serve();
            proxy = await startProxy([a.url, b.url]);
            user = a.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true });
        });
        after(async () => {
            await proxy?.close();
            await b?.stop();
            await a?.stop();
        });

        it('a session made through one server works on both, directly and through the proxy', async () => {
            const c = a.client();
            c.base = proxy.url;
            await c.loginOk(user.username, user.password, user.totpSecret);
            const before_ = [...proxy.counts];
            for (let i = 0; i < 4; i++) {
                const r = await c.get('/api/v1/me');
                assert.equal(r.status, 200, r.text);
                assert.equal(r.json.username ?? r.json.user?.username, user.username);
            }
            assert.deepEqual(
                proxy.counts.map((n, i) => n - before_[i]),
                [2, 2],
                'the proxy alternates per request',
            );
            // The same cookies straight to each server.
            for (const base of [a.url, b.url]) {
                c.base = base;
                const me = await c.get('/api/v1/me');
                assert.equal(me.status, 200, `${base}: ${me.text}`);
                // a write with the CSRF token made by the other server
                const w = await c.post('/api/v1/cases', { fields: { given_name: 'Scale', family_name: base.slice(-5) } });
                assert.equal(w.status, 201, `${base}: ${w.text}`);
            }
            // Logging out through one server ends the session on both.
            c.base = a.url;
            assert.equal((await c.logout()).status, 200);
            c.base = b.url;
            const gone = await c.get('/api/v1/me');
            assert.equal(gone.status, 401, gone.text);
        });

        it(`${WRITERS} writers, ${PATCHES} PATCHes of one case through both servers: final version = 1 + the 2xx answers`, async () => {
            const c = a.client();
            c.base = proxy.url;
            await c.loginOk(user.username, user.password, user.totpSecret);
            const made = await c.post('/api/v1/cases', { fields: { given_name: 'Contended', family_name: 'Case' } });
            assert.equal(made.status, 201, made.text);
            const id = made.json.case.id;
            assert.equal(made.json.case.version, 1);
            let left = PATCHES;
            const seen = {};
            const versions = [];
            await Promise.all(
                Array.from({ length: WRITERS }, async (_, w) => {
                    while (left > 0) {
                        left--;
                        const g = await c.get(`/api/v1/cases/${id}`);
                        assert.equal(g.status, 200, g.text);
                        const r = await c.patch(
                            `/api/v1/cases/${id}`,
                            { fields: { narrative: `writer ${w} edit ${left}` } },
                            { headers: { 'If-Match': `"${g.json.version}"` } },
                        );
                        seen[r.status] = (seen[r.status] || 0) + 1;
                        if (r.status === 200) {
                            versions.push(r.json.case.version);
                        } else {
                            assert.ok(r.status === 412 || r.status === 409, `PATCH: ${r.status} ${r.text}`);
                        }
                    }
                }),
            );
            const ok = seen[200] || 0;
            const final = Number(a.sql(`SELECT version FROM cases WHERE id = ${id}`).trim());
            process.stdout.write(`# scale-out: ${JSON.stringify(seen)}, final version ${final}, proxy ${JSON.stringify(proxy.counts)}\n`);
            assert.ok(ok > 0, 'no PATCH succeeded');
            assert.equal(final, 1 + ok, `final version ${final}, ${ok} PATCHes answered 200`);
            // Each accepted PATCH made its own version: no two writers were told they wrote the same one.
            assert.equal(new Set(versions).size, versions.length);
            const api = await c.get(`/api/v1/cases/${id}`);
            assert.equal(api.json.version, final);
            // Both servers served requests.
            assert.ok(proxy.counts[0] > 0 && proxy.counts[1] > 0);
        });
    });
}
