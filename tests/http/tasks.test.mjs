// tasks: the task routes and "my work" through a real server: create with a sealed title, read,
// list with filters, change with If-Match, complete/cancel/reopen, a case's tasks, visibility by
// scope and by the case, permissions, and no title in the audit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

const TITLE = 'Call Ms Example about her hearing';
const day = 86400000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s;
    let cw1, cw2, sup, supB, analyst;
    let u1, u2;
    let caseOf1;

    before(async () => {
        s = await startServer({ engine });
        u1 = s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' });
        u2 = s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' });
        cw1 = await s.clientFor(u1);
        cw2 = await s.clientFor(u2);
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency' }));
        supB = await s.clientFor(s.addUser({ agency: 'B', role: 'case_supervisor', scope: 'agency' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        const r = await cw1.post('/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
        assert.equal(r.status, 201, r.text);
        caseOf1 = r.json.case;
    });
    after(async () => {
        await s?.stop();
    });

    describe('tasks', () => {
        let task;
        it('POST /tasks → 201 with the task and its title; sealed at rest, not in the audit', async () => {
            const r = await cw1.post('/api/v1/tasks', { title: TITLE, case_id: caseOf1.id, owner_id: u1.id, due_at: iso(Date.now() - 2 * day) });
            assert.equal(r.status, 201, r.text);
            task = r.json;
            assert.equal(task.title, TITLE);
            assert.equal(task.kind, 'manual');
            assert.equal(task.case_id, caseOf1.id);
            assert.equal(task.owner_id, u1.id);
            assert.equal(task.status, 'open');
            assert.equal(task.overdue, true);
            assert.equal(etagVersion(r.etag), task.version);
            const raw = s.sql(`SELECT count(*) FROM tasks WHERE id = ${task.id} AND title_enc IS NOT NULL`).trim();
            assert.equal(raw, '1');
            const audit = s.sql(`SELECT action || ' ' || detail FROM audit_log WHERE record_type = 'task'`);
            assert.match(audit, /task\.create/);
            assert.doesNotMatch(audit, /Example/);
        });
        it('input is checked, naming the field', async () => {
            assertError(await cw1.post('/api/v1/tasks', { title: '' }), 400, 'invalid', 'title');
            assertError(await cw1.post('/api/v1/tasks', { title: 'x'.repeat(501) }), 400, 'invalid', 'title');
            assertError(await cw1.post('/api/v1/tasks', { title: 't', due_at: 'soon' }), 400, 'invalid', 'due_at');
            assertError(await cw1.post('/api/v1/tasks', { title: 't', colour: 'red' }), 400, 'invalid', 'colour');
            const supBId = s.sql(`SELECT id FROM users WHERE agency_id = ${s.agencyB.id} AND role_id = (SELECT id FROM roles WHERE name = 'case_supervisor')`).trim();
            assertError(await cw1.post('/api/v1/tasks', { title: 't', owner_id: Number(supBId) }), 400, 'invalid', 'owner_id');
        });
        it('GET /tasks/{id}: the owner reads it; others out of reach get 404; no task.read 403', async () => {
            let r = await cw1.get(`/api/v1/tasks/${task.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.title, TITLE);
            assertError(await cw2.get(`/api/v1/tasks/${task.id}`), 404, 'not_found');
            assertError(await supB.get(`/api/v1/tasks/${task.id}`), 404, 'not_found');
            assertError(await analyst.get(`/api/v1/tasks/${task.id}`), 403);
            assertError(await analyst.get('/api/v1/my-work'), 403);
            r = await sup.get(`/api/v1/tasks/${task.id}`);
            assert.equal(r.status, 200, r.text);
        });
        it('PATCH with If-Match reassigns and postpones; stale → 409, none → 412', async () => {
            assertError(await sup.patch(`/api/v1/tasks/${task.id}`, { owner_id: null }), 412);
            let r = await sup.patch(`/api/v1/tasks/${task.id}`, { owner_id: null, due_at: iso(Date.now() + 3 * day) }, { headers: { 'If-Match': `"${task.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.owner_id, null);
            assert.equal(r.json.overdue, false);
            assert.equal(r.json.version, task.version + 1);
            assertError(await sup.patch(`/api/v1/tasks/${task.id}`, { title: 'x' }, { headers: { 'If-Match': `"${task.version}"` } }), 409, 'conflict');
            task = r.json;
        });
        it('complete, not twice, reopen, cancel', async () => {
            let r = await cw1.post(`/api/v1/tasks/${task.id}/complete`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'done');
            assert.equal(r.json.done_by, u1.id);
            assertError(await cw1.post(`/api/v1/tasks/${task.id}/complete`), 409);
            r = await cw1.post(`/api/v1/tasks/${task.id}/reopen`);
            assert.equal(r.json.status, 'open');
            assertError(await cw1.post(`/api/v1/tasks/${task.id}/cancel`, undefined, { headers: { 'If-Match': '"1"' } }), 409);
            r = await cw1.post(`/api/v1/tasks/${task.id}/cancel`);
            assert.equal(r.json.status, 'cancelled');
            r = await cw1.post(`/api/v1/tasks/${task.id}/reopen`);
            assert.equal(r.status, 200, r.text);
        });
        it('lists: a case\'s tasks only for those who may read the case; mine, queue, overdue', async () => {
            let r = await cw1.get(`/api/v1/cases/${caseOf1.id}/tasks`);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((t) => t.id), [task.id]);
            r = await cw2.get(`/api/v1/cases/${caseOf1.id}/tasks`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 0);
            const q = await sup.post('/api/v1/tasks', { title: 'queue work', due_at: iso(Date.now() - day) });
            assert.equal(q.status, 201, q.text);
            const m = await sup.post('/api/v1/tasks', { title: 'for two', owner_id: u2.id });
            assert.equal(m.status, 201, m.text);
            r = await cw2.get('/api/v1/tasks');
            let ids = r.json.items.map((t) => t.id);
            assert.ok(ids.includes(q.json.id) && ids.includes(m.json.id) && !ids.includes(task.id), r.text);
            r = await cw2.get('/api/v1/tasks?mine=1');
            assert.deepEqual(r.json.items.map((t) => t.id), [m.json.id]);
            r = await cw2.get('/api/v1/tasks?queue=1');
            ids = r.json.items.map((t) => t.id);
            assert.ok(ids.includes(q.json.id) && !ids.includes(m.json.id));
            r = await sup.get('/api/v1/tasks?overdue=1');
            assert.deepEqual(r.json.items.map((t) => t.id), [q.json.id]);
            r = await supB.get('/api/v1/tasks');
            assert.equal(r.json.items.length, 0);
            assertError(await sup.get('/api/v1/tasks?status=late'), 400, 'invalid', 'status');
            assertError(await sup.get('/api/v1/tasks?limit=0'), 400);
        });
        it('GET /my-work: mine by due date with counts, and the queue', async () => {
            const r = await cw2.get('/api/v1/my-work');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.mine.length, 1);
            assert.equal(r.json.mine[0].title, 'for two');
            assert.ok(r.json.queue.every((t) => t.owner_id === null));
            assert.ok(r.json.queue.some((t) => t.title === 'queue work'));
            assert.equal(r.json.counts.overdue, 1); /* the overdue queue task */
            assert.equal(r.json.counts.mine, 1);
        });
    });
});
