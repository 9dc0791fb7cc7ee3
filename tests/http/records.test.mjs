// records: users, agencies and roles through the API: create, read, update with ETag/If-Match,
// conflicts, input validation naming the field, and paging.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''} ${field ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
    if (field) {
        assert.equal(r.json.error.field, field, r.text);
    }
}

const ifMatch = (v) => ({ headers: { 'If-Match': v } });

eachEngine((engine) => {
    let s;
    let root;

    before(async () => {
        s = await startServer({ engine });
        root = await s.rootClient();
        // A role without two-factor whose permissions the administrator holds, so root may
        // disable and reset its users.
        const role = await root.post('/api/v1/roles', { name: 'rec-reader', mfa_required: false, permissions: ['agency.read', 'token.manage'] });
        assert.equal(role.status, 201, role.text);
    });
    after(async () => {
        await s?.stop();
    });

    describe('users', () => {
        let user;
        let etag;

        it('POST /users → 201 with the user, an ETag and a one-time password', async () => {
            const r = await root.post('/api/v1/users', {
                username: 'rec.user-1',
                display_name: 'Олена Коваленко',
                email: 'olena@a.example.org',
                agency_id: s.agencyA.id,
                role: 'auditor',
                scope: 'agency',
            });
            assert.equal(r.status, 201, r.text);
            user = r.json.user;
            assert.equal(user.username, 'rec.user-1');
            assert.equal(user.display_name, 'Олена Коваленко');
            assert.equal(user.email, 'olena@a.example.org');
            assert.equal(user.agency_id, s.agencyA.id);
            assert.equal(user.role, 'auditor');
            assert.equal(user.scope, 'agency');
            assert.equal(user.disabled, false);
            assert.equal(user.must_change_password, true);
            assert.equal(user.version, 1);
            assert.equal(etagVersion(r.etag), 1, `ETag ${r.etag}`);
            assert.equal(typeof r.json.one_time_password, 'string');
            assert.equal(r.json.user.password_hash, undefined);
        });

        it('the role default scope applies when none is given', async () => {
            const r = await root.post('/api/v1/users', { username: 'rec.default-scope', agency_id: s.agencyA.id, role: 'auditor' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.user.scope, 'all');
        });

        it('GET /users/{id} → 200 with ETag "version"; the list has it', async () => {
            const r = await root.get(`/api/v1/users/${user.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.etag, '"1"');
            etag = r.etag;
            assert.equal(r.json.display_name, 'Олена Коваленко');
            const list = await root.get('/api/v1/users?limit=500');
            assert.ok(list.json.items.some((u) => u.id === user.id));
            assertError(await root.get('/api/v1/users/999999999'), 404, 'not_found');
            assertError(await root.get('/api/v1/users/abc'), 404, 'not_found');
            assertError(await root.get('/api/v1/users/-5'), 404, 'not_found');
        });

        it('PATCH with the right version → 200 and a new ETag; the change is stored', async () => {
            const r = await root.patch(`/api/v1/users/${user.id}`, { display_name: '王芳', email: 'wang@a.example.org' }, ifMatch(etag));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.display_name, '王芳');
            assert.equal(r.json.version, 2);
            assert.equal(r.etag, '"2"');
            const again = await root.get(`/api/v1/users/${user.id}`);
            assert.equal(again.json.display_name, '王芳');
            assert.equal(again.json.email, 'wang@a.example.org');
            assert.equal(again.etag, '"2"');
            // The old e-mail no longer finds the user, the new one does.
            assert.deepEqual((await root.post('/api/v1/users/search', { email: 'olena@a.example.org' })).json.items, []);
            assert.deepEqual((await root.post('/api/v1/users/search', { email: 'wang@a.example.org' })).json.items.map((u) => u.id), [user.id]);
            // The blind index is caseless: another spelling of the same address finds it.
            assert.deepEqual((await root.post('/api/v1/users/search', { email: 'Wang@A.Example.ORG' })).json.items.map((u) => u.id), [user.id]);
        });

        it('PATCH with a stale version → 412; without If-Match → 412; malformed → 400', async () => {
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'Stale' }, ifMatch(etag)), 412, 'precondition_failed');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'Stale' }, ifMatch('W/"1"')), 412, 'precondition_failed');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'Stale' }, ifMatch('99')), 412, 'precondition_failed');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'No header' }), 412, 'precondition_failed', 'If-Match');
            // docs/http.md: "*" counts as no header.
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'Star' }, ifMatch('*')), 412, 'precondition_failed');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { display_name: 'Bad' }, ifMatch('"abc"')), 400, 'invalid', 'If-Match');
            const cur = await root.get(`/api/v1/users/${user.id}`);
            assert.equal(cur.json.display_name, '王芳');
            assert.equal(cur.json.version, 2);
        });

        it('disable and enable: a disabled user cannot log in; nobody disables themselves', async () => {
            const u = s.addUser({ username: 'rec.disable-me', role: 'rec-reader', totp: false });
            const c = s.client();
            await c.loginOk(u.username, PASSWORD);
            let cur = await root.get(`/api/v1/users/${u.id}`);
            const tok = await c.post('/api/v1/tokens', { name: 'before disabling' });
            assert.equal(tok.status, 201, tok.text);
            const off = await root.patch(`/api/v1/users/${u.id}`, { disabled: true }, ifMatch(cur.etag));
            assert.equal(off.status, 200, off.text);
            assert.equal(off.json.disabled, true);
            assertError(await c.get('/api/v1/me'), 401, 'unauthenticated'); // sessions ended
            const bearer = s.client({ token: tok.json.token });
            assertError(await bearer.get('/api/v1/me'), 401, 'unauthenticated'); // and its API tokens stop working
            const denied = await s.client().login(u.username, PASSWORD);
            assertError(denied, 403);
            const on = await root.patch(`/api/v1/users/${u.id}`, { disabled: false }, ifMatch(off.etag));
            assert.equal(on.status, 200, on.text);
            assert.equal((await s.client().login(u.username, PASSWORD)).status, 200);
            cur = await root.get(`/api/v1/users/${s.root.id}`);
            assertError(await root.patch(`/api/v1/users/${s.root.id}`, { disabled: true }, ifMatch(cur.etag)), 400, 'invalid', 'disabled');
        });

        it('the CSV export neutralises formulas and quotes fields', async () => {
            const names = ['=HYPERLINK("http://x.example/","click")', '+1+2', '-3', '@SUM(A1)', 'Comma, "Quoted"'];
            for (const [i, display_name] of names.entries()) {
                const r = await root.post('/api/v1/users', { username: `rec.csv-${i}`, display_name, agency_id: s.agencyA.id, role: 'auditor' });
                assert.equal(r.status, 201, r.text);
            }
            const csv = await root.get('/api/v1/users/export');
            assert.equal(csv.status, 200);
            assert.match(csv.headers.get('content-disposition') ?? '', /attachment/);
            for (const n of names.slice(0, 4)) {
                const cell = `"'${n.replace(/"/g, '""')}"`;
                assert.ok(csv.text.includes(cell), `${n} not neutralised as ${cell}`);
            }
            assert.ok(csv.text.includes('"Comma, ""Quoted"""'));
            for (const line of csv.text.split('\r\n')) {
                // Outside quoted cells, no cell starts with a formula character.
                assert.ok(!/(^|,)[=+\-@]/.test(line.replace(/"(?:[^"]|"")*"/g, '""')), `formula cell in: ${line}`);
            }
        });

        it('duplicate username → 409 naming "username"', async () => {
            const r = await root.post('/api/v1/users', { username: 'rec.user-1', agency_id: s.agencyA.id, role: 'auditor' });
            assertError(r, 409, 'conflict', 'username');
            const r2 = await root.post('/api/v1/users', { username: 'root', agency_id: s.agencyB.id, role: 'auditor' });
            assertError(r2, 409, 'conflict', 'username');
        });

        it('invalid input → 400 naming the field', async () => {
            const base = { username: 'rec.valid-name', agency_id: s.agencyA.id, role: 'auditor' };
            const cases = [
                [{ ...base, email: 'not-an-email' }, 'email'],
                [{ ...base, email: 'a@b' }, 'email'],
                [{ ...base, email: 'with space@x.org' }, 'email'],
                [{ ...base, role: 'no-such-role' }, 'role'],
                [{ ...base, role: 42 }, 'role'],
                [{ ...base, scope: 'galaxy' }, 'scope'],
                [{ ...base, username: 'Has Space' }, 'username'],
                [{ ...base, username: 'UPPER' }, 'username'],
                [{ ...base, username: 'ab' }, 'username'],
                [{ ...base, username: 'x'.repeat(65) }, 'username'],
                [{ ...base, agency_id: 4242424242 }, 'agency_id'],
                [{ ...base, agency_id: 'A' }, 'agency_id'],
                [{ username: 'rec.valid-name', role: 'auditor' }, 'agency_id'],
                [{ username: 'rec.valid-name', agency_id: s.agencyA.id }, 'role'],
                [{ agency_id: s.agencyA.id, role: 'auditor' }, 'username'],
                [{ ...base, display_name: 'x'.repeat(201) }, 'display_name'],
                [{ ...base, disabled: 'yes' }, 'disabled'],
            ];
            for (const [body, field] of cases) {
                const r = await root.post('/api/v1/users', body);
                assertError(r, 400, 'invalid', field);
            }
            const none = await root.post('/api/v1/users/search', { email: 'rec.valid-name' });
            assert.ok(none.status === 200 || none.status === 400);
            const list = await root.get('/api/v1/users?limit=500');
            assert.ok(!list.json.items.some((u) => u.username === 'rec.valid-name'), 'an invalid user was created');
            const cur = await root.get(`/api/v1/users/${user.id}`);
            assertError(await root.patch(`/api/v1/users/${user.id}`, { email: 'nope' }, ifMatch(cur.etag)), 400, 'invalid', 'email');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { role: 'no-such-role' }, ifMatch(cur.etag)), 400, 'invalid', 'role');
            assertError(await root.patch(`/api/v1/users/${user.id}`, { scope: 'everything' }, ifMatch(cur.etag)), 400, 'invalid', 'scope');
            assertError(await root.post('/api/v1/users/search', {}), 400, 'invalid', 'email');
        });

        it('paging: limit=1 with offsets walks every user once; limit=10000 → 400 naming "limit"', async () => {
            for (let i = 0; i < 3; i++) {
                s.addUser({ username: `rec.page-${i}`, role: 'analyst', agency: i % 2 ? 'A' : 'B', totp: false });
            }
            const all = await root.get('/api/v1/users?limit=500');
            assert.equal(all.status, 200);
            assert.equal(all.json.limit, 500);
            const total = all.json.items.length;
            assert.ok(total >= 7, `${total} users`);
            const ids = [];
            for (let off = 0; off < total + 2; off++) {
                const p = await root.get(`/api/v1/users?limit=1&offset=${off}`);
                assert.equal(p.status, 200, p.text);
                assert.equal(p.json.limit, 1);
                assert.equal(p.json.offset, off);
                assert.ok(p.json.items.length <= 1);
                ids.push(...p.json.items.map((u) => u.id));
            }
            assert.equal(ids.length, total);
            assert.equal(new Set(ids).size, total, 'a user appeared twice across pages');
            assert.deepEqual(ids.slice().sort(), all.json.items.map((u) => u.id).sort());
            const two = await root.get('/api/v1/users?limit=2&offset=1');
            assert.deepEqual(two.json.items.map((u) => u.id), all.json.items.slice(1, 3).map((u) => u.id));
            const def = await root.get('/api/v1/users');
            assert.equal(def.json.limit, 50);

            for (const q of ['limit=10000', 'limit=501', 'limit=0', 'limit=-1', 'limit=abc', 'limit=1.5']) {
                assertError(await root.get(`/api/v1/users?${q}`), 400, 'invalid', 'limit');
            }
            for (const q of ['offset=-1', 'offset=x']) {
                assertError(await root.get(`/api/v1/users?${q}`), 400, 'invalid', 'offset');
            }
            assertError(await root.get('/api/v1/agencies?limit=10000'), 400, 'invalid', 'limit');
            assertError(await root.get('/api/v1/audit?limit=10000'), 400, 'invalid', 'limit');
            assert.equal((await root.get('/api/v1/users?limit=500')).status, 200);
        });
    });

    describe('agencies', () => {
        let agency;

        it('POST /agencies → 201 with ETag; GET → 200; the list has it', async () => {
            const r = await root.post('/api/v1/agencies', { name: 'Casa Esperanza Test', org_type: 'NGO', country: 'MEX' });
            assert.equal(r.status, 201, r.text);
            agency = r.json;
            assert.equal(agency.name, 'Casa Esperanza Test');
            assert.equal(agency.org_type, 'NGO');
            assert.equal(agency.country, 'MEX');
            assert.equal(agency.version, 1);
            assert.equal(r.etag, '"1"');
            const g = await root.get(`/api/v1/agencies/${agency.id}`);
            assert.equal(g.status, 200);
            assert.equal(g.etag, '"1"');
            assert.deepEqual(g.json, agency);
            const list = await root.get('/api/v1/agencies');
            assert.ok(list.json.items.some((a) => a.id === agency.id));
            assertError(await root.get('/api/v1/agencies/4242424242'), 404, 'not_found');
        });

        it('PATCH with the right version → 200 and a new ETag; stale → 412; missing If-Match → 412', async () => {
            const ok = await root.patch(`/api/v1/agencies/${agency.id}`, { name: 'Casa Esperanza Renamed', org_type: 'LegalService' }, ifMatch('"1"'));
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.name, 'Casa Esperanza Renamed');
            assert.equal(ok.json.org_type, 'LegalService');
            assert.equal(ok.json.country, 'MEX');
            assert.equal(ok.etag, '"2"');
            assertError(await root.patch(`/api/v1/agencies/${agency.id}`, { name: 'Stale' }, ifMatch('"1"')), 412, 'precondition_failed');
            assertError(await root.patch(`/api/v1/agencies/${agency.id}`, { name: 'No header' }), 412, 'precondition_failed', 'If-Match');
            const g = await root.get(`/api/v1/agencies/${agency.id}`);
            assert.equal(g.json.name, 'Casa Esperanza Renamed');
            assert.equal(g.etag, '"2"');
            const dis = await root.patch(`/api/v1/agencies/${agency.id}`, { disabled: true }, ifMatch(g.etag));
            assert.equal(dis.status, 200, dis.text);
            assert.equal(dis.json.disabled, true);
        });

        it('duplicate agency name → 409 naming "name" (create and rename)', async () => {
            assertError(await root.post('/api/v1/agencies', { name: 'Agency B', org_type: 'NGO' }), 409, 'conflict', 'name');
            const g = await root.get(`/api/v1/agencies/${agency.id}`);
            assertError(await root.patch(`/api/v1/agencies/${agency.id}`, { name: 'Agency A' }, ifMatch(g.etag)), 409, 'conflict', 'name');
        });

        it('invalid input → 400 naming the field (org_type, country, name)', async () => {
            const cases = [
                [{ name: 'X1', org_type: 'Charity' }, 'org_type'],
                [{ name: 'X2', org_type: 'ngo' }, 'org_type'],
                [{ name: 'X3' }, 'org_type'],
                [{ name: 'X4', org_type: 'NGO', country: 'NG' }, 'country'],
                [{ name: 'X5', org_type: 'NGO', country: 'nga' }, 'country'],
                [{ name: 'X6', org_type: 'NGO', country: 'NIGERIA' }, 'country'],
                [{ name: 'X7', org_type: 'NGO', country: 566 }, 'country'],
                [{ name: '', org_type: 'NGO' }, 'name'],
                [{ org_type: 'NGO' }, 'name'],
                [{ name: 'x'.repeat(201), org_type: 'NGO' }, 'name'],
            ];
            for (const [body, field] of cases) {
                assertError(await root.post('/api/v1/agencies', body), 400, 'invalid', field);
            }
            const g = await root.get(`/api/v1/agencies/${agency.id}`);
            assertError(await root.patch(`/api/v1/agencies/${agency.id}`, { country: 'XX' }, ifMatch(g.etag)), 400, 'invalid', 'country');
            assertError(await root.patch(`/api/v1/agencies/${agency.id}`, { org_type: 'Club' }, ifMatch(g.etag)), 400, 'invalid', 'org_type');
            const list = await root.get('/api/v1/agencies?limit=500');
            assert.ok(!list.json.items.some((a) => /^X\d$/.test(a.name)), 'an invalid agency was created');
        });

        it('paging agencies: limit=1 walks them all', async () => {
            const all = (await root.get('/api/v1/agencies?limit=500')).json.items;
            assert.ok(all.length >= 3);
            const seen = [];
            for (let off = 0; off < all.length; off++) {
                const p = await root.get(`/api/v1/agencies?limit=1&offset=${off}`);
                assert.equal(p.json.items.length, 1);
                seen.push(p.json.items[0].id);
            }
            assert.deepEqual(seen.sort(), all.map((a) => a.id).sort());
        });
    });

    describe('roles and permissions', () => {
        it('GET /permissions lists the catalogue; GET /roles the twelve built-in roles', async () => {
            const p = await root.get('/api/v1/permissions');
            assert.equal(p.status, 200);
            const names = p.json.items.map((x) => x.name);
            for (const n of ['user.read', 'user.manage', 'audit.read', 'fg.identity.read', 'case.read']) {
                assert.ok(names.includes(n), n);
            }
            const r = await root.get('/api/v1/roles');
            assert.equal(r.status, 200);
            const builtin = r.json.items.filter((x) => x.builtin).map((x) => x.name).sort();
            assert.deepEqual(builtin, [
                'administrator', 'analyst', 'auditor', 'case_supervisor', 'caseworker', 'court_clerk', 'fund_manager',
                'grantee', 'investigator', 'national_coordinator', 'prosecutor', 'trustee',
            ]);
            const analyst = r.json.items.find((x) => x.name === 'analyst');
            assert.equal(analyst.mfa_required, false);
            assert.deepEqual(analyst.permissions.slice().sort(), ['stats.read', 'stats.settings', 'token.manage']);
        });

        it('POST /roles → 201; PUT with If-Match → 200, stale → 412; bad input → 400; duplicate → 409', async () => {
            const c = await root.post('/api/v1/roles', { name: 'rec-viewer', description: 'views', mfa_required: true, permissions: ['user.read', 'agency.read'] });
            assert.equal(c.status, 201, c.text);
            assert.equal(c.json.builtin, false);
            assert.equal(c.etag, '"1"');
            const u = await root.put(`/api/v1/roles/${c.json.id}`, { description: 'views more', mfa_required: true, permissions: ['user.read', 'agency.read', 'role.read'] }, ifMatch(c.etag));
            assert.equal(u.status, 200, u.text);
            assert.deepEqual(u.json.permissions.slice().sort(), ['agency.read', 'role.read', 'user.read']);
            assert.equal(u.etag, '"2"');
            assertError(await root.put(`/api/v1/roles/${c.json.id}`, { permissions: [] }, ifMatch(c.etag)), 412, 'precondition_failed');
            assertError(await root.put(`/api/v1/roles/${c.json.id}`, { permissions: [] }), 412, 'precondition_failed');
            assertError(await root.post('/api/v1/roles', { name: 'rec-viewer', permissions: [] }), 409, 'conflict', 'name');
            assertError(await root.post('/api/v1/roles', { name: 'Bad Name', permissions: [] }), 400, 'invalid', 'name');
            assertError(await root.post('/api/v1/roles', { name: 'rec-bad-perm', permissions: ['user.fly'] }), 400, 'invalid', 'permissions');
            assertError(await root.post('/api/v1/roles', { name: 'rec-bad-perm2', permissions: 'user.read' }), 400, 'invalid', 'permissions');
            assertError(await root.put('/api/v1/roles/4242424242', { permissions: [] }, ifMatch('"1"')), 404, 'not_found');
            const after = await root.get('/api/v1/roles');
            assert.ok(!after.json.items.some((x) => x.name.startsWith('rec-bad')));
        });
    });
});
