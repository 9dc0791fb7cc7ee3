// justice: the investigation routes (justice.read / justice.write; agency scope; out of scope
// reads as absent; the sealed title only with fg.legal.read; If-Match on changes) and the
// `ctis investigation` commands.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s;
    let invA, prosA, invB, cwA, coord;

    before(async () => {
        s = await startServer({ engine });
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        prosA = await s.clientFor(s.addUser({ agency: 'A', role: 'prosecutor', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('investigations', () => {
        let inv;
        it('POST /investigations opens one for the caller\'s agency; the title is sealed at rest', async () => {
            const r = await invA.post('/api/v1/investigations', { reference: 'PF/2026/0042', title: 'Operation Harbour: Ade Bello', opened: '2026-03-01', country: 'NG' });
            assert.equal(r.status, 201, r.text);
            inv = r.json;
            assert.equal(inv.status, 'open');
            assert.equal(inv.country, 'NGA');
            assert.equal(inv.title, 'Operation Harbour: Ade Bello');
            assert.equal(inv.agency_id, s.agencyA.id);
            assert.equal(s.sql(`SELECT count(*) FROM investigations WHERE id = ${inv.id} AND title_enc IS NOT NULL AND reference = 'PF/2026/0042'`).trim(), '1');
        });
        it('input is checked', async () => {
            assertError(await invA.post('/api/v1/investigations', { title: 'x' }), 400, 'invalid', 'reference');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', opened: '2026-13-01' }), 400, 'invalid', 'opened');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', status: 'closed' }), 400, 'invalid', 'status');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', suspect: 'y' }), 400, 'invalid', 'suspect');
            assertError(await cwA.post('/api/v1/investigations', { reference: 'x' }), 403, 'forbidden');
        });
        it('GET reads it in scope; another agency reads it as absent; the coordinator without the title', async () => {
            let r = await prosA.get(`/api/v1/investigations/${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.title, 'Operation Harbour: Ade Bello');
            assertError(await invB.get(`/api/v1/investigations/${inv.id}`), 404, 'not_found');
            assertError(await cwA.get(`/api/v1/investigations/${inv.id}`), 403, 'forbidden');
            r = await coord.get(`/api/v1/investigations/${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.title, null);
            assert.equal(r.json.title_withheld, true);
            assert.ok(!r.text.includes('Bello'));
        });
        it('GET /investigations lists the agency\'s, without titles', async () => {
            let r = await invA.get('/api/v1/investigations');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((x) => x.id), [inv.id]);
            assert.ok(!r.text.includes('Bello'));
            r = await invB.get('/api/v1/investigations');
            assert.equal(r.json.items.length, 0);
            assertError(await invA.get('/api/v1/investigations?status=pending'), 400, 'invalid', 'status');
            assertError(await cwA.get('/api/v1/investigations'), 403, 'forbidden');
        });
        it('PATCH needs If-Match and the current version', async () => {
            assertError(await invA.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }), 412);
            const r = await prosA.patch(`/api/v1/investigations/${inv.id}`, { status: 'referred_to_prosecution' }, { headers: { 'If-Match': `"${inv.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'referred_to_prosecution');
            assert.equal(r.json.title, 'Operation Harbour: Ade Bello');
            assertError(await invA.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${inv.version}"` } }), 409, 'conflict');
            assertError(await invB.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${r.json.version}"` } }), 404, 'not_found');
            assertError(await coord.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${r.json.version}"` } }), 403, 'forbidden');
        });
        it('the CLI creates, lists, shows and updates', () => {
            const c = s.cliOk(['investigation', 'create', '--agency', String(s.agencyB.id), '--reference', 'KE/77', '--title', 'Lake route', '--country', 'KEN', '--json']).json;
            assert.equal(c.agency_id, s.agencyB.id);
            assert.equal(c.title, 'Lake route');
            const l = s.cliOk(['investigation', 'list', '--json']).json;
            assert.equal(l.length, 2);
            const u = s.cliOk(['investigation', 'update', String(c.id), '--status', 'closed', '--json']).json;
            assert.equal(u.status, 'closed');
            assert.equal(s.cliOk(['investigation', 'show', String(c.id), '--json']).json.version, 2);
        });
    });
});
