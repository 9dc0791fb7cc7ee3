// coop: international cooperation requests over HTTP (justice.read / justice.write): create,
// read with history and documents, the deadline task raised at once, overdue after the deadline
// (in the list, the overdue filter and the request), PATCH with If-Match, legal and illegal status
// transitions, agency B never sees agency A's requests, and the response-time figures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const DAY = 24 * 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

eachEngine((engine) => {
    let s, invA, invB, cw;
    before(async () => {
        s = await startServer({ engine });
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'prosecutor', scope: 'agency' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('cooperation requests', () => {
        let req;
        it('POST creates an outgoing extradition request; the person sought is sealed at rest', async () => {
            const now = Date.now();
            const r = await invA.post('/api/v1/coop-requests', {
                direction: 'outgoing', kind: 'extradition', requesting_state: 'NGA', requested_state: 'GBR',
                requesting_authority: 'Federal Ministry of Justice', legal_basis: 'untoc_16', our_reference: 'EXT/2026/7',
                sent_at: iso(now - 20 * DAY), deadline: iso(now + 30 * DAY), measures: ['arrest', 'surrender'],
                person_sought: 'Jane Roe', documents: [{ title: 'Arrest warrant', date: iso(now - 21 * DAY) }],
            });
            assert.equal(r.status, 201, r.text);
            req = r.json;
            assert.equal(req.status, 'sent');
            assert.equal(req.overdue, false);
            assert.equal(req.person_sought, 'Jane Roe');
            assert.equal(req.documents[0].title, 'Arrest warrant');
            assert.equal(req.history.length, 1);
            assert.equal(s.sql(`SELECT count(*) FROM coop_requests WHERE id = ${req.id} AND person_sought_enc IS NOT NULL`).trim(), '1');
        });
        it('invalid input names the field; a caseworker is refused', async () => {
            assertError(await invA.post('/api/v1/coop-requests', { direction: 'outgoing', kind: 'mla', requesting_state: 'NGA', requested_state: 'XX', legal_basis: 'untoc_18' }), 400, 'invalid', 'requested_state');
            assertError(await invA.post('/api/v1/coop-requests', { direction: 'sideways', kind: 'mla' }), 400, 'invalid', 'direction');
            assertError(await invA.post('/api/v1/coop-requests', { direction: 'incoming', kind: 'mla', requesting_state: 'FRA', requested_state: 'NGA', legal_basis: 'untoc_18', agency_id: 1 }), 400, 'invalid', 'agency_id');
            assertError(await cw.get('/api/v1/coop-requests'), 403, 'forbidden');
        });
        it('a coop_deadline task is raised at once, due 14 days before the deadline', async () => {
            const r = await invA.get('/api/v1/tasks');
            assert.equal(r.status, 200, r.text);
            const t = r.json.items.find((x) => x.kind === 'coop_deadline');
            assert.ok(t, r.text);
            assert.equal(t.status, 'open');
            assert.equal(Date.parse(t.due_at), Date.parse(req.deadline) - 14 * DAY);
        });
        it('past its deadline (PATCH with If-Match) the request shows as overdue everywhere', async () => {
            assertError(await invA.patch(`/api/v1/coop-requests/${req.id}`, { deadline: iso(Date.now() - 2 * DAY) }), 412, 'precondition_failed');
            const stale = await invA.patch(`/api/v1/coop-requests/${req.id}`, { deadline: iso(Date.now() - 2 * DAY) }, { headers: { 'If-Match': '"99"' } });
            assert.ok([409, 412].includes(stale.status), stale.text);
            assertError(await invA.patch(`/api/v1/coop-requests/${req.id}`, { status: 'executed' }, { headers: { 'If-Match': `"${req.version}"` } }), 400, 'invalid', 'status');
            const r = await invA.patch(`/api/v1/coop-requests/${req.id}`, { deadline: iso(Date.now() - 2 * DAY), their_reference: 'UK/CA/1' }, { headers: { 'If-Match': `"${req.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.overdue, true);
            assert.equal(r.json.their_reference, 'UK/CA/1');
            const list = await invA.get('/api/v1/coop-requests?overdue=1');
            assert.equal(list.status, 200, list.text);
            assert.deepEqual(list.json.items.map((x) => [x.id, x.overdue]), [[req.id, true]]);
            assert.equal(list.json.items[0].person_sought, undefined);
            const stats = await invA.get('/api/v1/coop-requests/stats');
            assert.equal(stats.status, 200, stats.text);
            assert.equal(stats.json.groups[0].overdue, 1);
        });
        it('status transitions: illegal ones refused, refused needs a code, executed ends the task', async () => {
            assertError(await invA.post(`/api/v1/coop-requests/${req.id}/status`, { status: 'draft' }), 409, 'conflict', 'status');
            assertError(await invA.post(`/api/v1/coop-requests/${req.id}/status`, { status: 'refused', reason: 'because' }), 400, 'invalid', 'reason');
            let r = await invA.post(`/api/v1/coop-requests/${req.id}/status`, { status: 'acknowledged' });
            assert.equal(r.status, 200, r.text);
            r = await invA.post(`/api/v1/coop-requests/${req.id}/status`, { status: 'executed' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.overdue, false);
            assert.deepEqual(r.json.history.map((h) => h.status), ['sent', 'acknowledged', 'executed']);
            const tasks = await invA.get('/api/v1/tasks?status=open');
            assert.equal(tasks.json.items.filter((x) => x.kind === 'coop_deadline').length, 0, tasks.text);
            const stats = await invA.get('/api/v1/coop-requests/stats');
            assert.deepEqual(stats.json.groups.map((g) => [g.direction, g.kind, g.count, g.completed, g.overdue]), [['outgoing', 'extradition', 1, 1, 0]]);
            assert.ok(stats.json.groups[0].median_days >= 19, stats.text);
        });
        it('agency B never sees agency A\'s requests', async () => {
            assertError(await invB.get(`/api/v1/coop-requests/${req.id}`), 404, 'not_found');
            const r = await invB.get('/api/v1/coop-requests');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 0);
        });
    });

    describe('ctis coop', () => {
        it('add, list --overdue, status (illegal: exit 4), show, stats --json', () => {
            const add = s.cliOk(['coop', 'add', '--agency', String(s.agencyB.id), '--direction', 'incoming', '--kind', 'mla',
                '--requesting-state', 'ITA', '--requested-state', 'NGA', '--basis', 'untoc_18', '--date', '2026-01-02',
                '--deadline', '2026-02-01', '--measures', 'evidence_taking,witness_hearing', '--json']);
            const id = add.json.id;
            assert.equal(add.json.status, 'received');
            assert.equal(add.json.overdue, true);
            const list = s.cliOk(['coop', 'list', '--overdue', '--json']);
            assert.ok(list.json.some((x) => x.id === id && x.overdue), list.stdout);
            assert.match(s.cliOk(['coop', 'list']).stdout, /OVERDUE/);
            assert.equal(s.cli(['coop', 'status', String(id), 'draft']).code, 4);
            const done = s.cliOk(['coop', 'status', String(id), 'executed', '--at', '2026-01-22', '--json']);
            assert.equal(done.json.overdue, false);
            assert.deepEqual(s.cliOk(['coop', 'show', String(id), '--json']).json.history.map((h) => h.status), ['received', 'executed']);
            const stats = s.cliOk(['coop', 'stats', '--from', '2026-01-01', '--to', '2026-01-31', '--json']);
            const g = stats.json.groups.find((x) => x.direction === 'incoming' && x.kind === 'mla');
            assert.deepEqual([g.count, g.completed, g.median_days, g.p90_days, g.overdue], [1, 1, 20, 20, 0]);
        });
    });
});
