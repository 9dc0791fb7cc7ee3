// pathway: a case's referral pathway and child safeguards over HTTP, on both engines: illegal
// transitions refused (409 naming from and to), If-Match on the pathway version (412 when stale or
// absent), the reflection period's end and the task reflection_ending due before it (seen in the
// tasks table), the not-a-victim exit, settings per country (pathway.settings; at least 30 days),
// and a child's case refused return without a best-interests determination and let through with
// one; no reason or guardian name in the server log.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
    if (field) {
        assert.equal(r.json.error.field, field, r.text);
    }
}

const REASON = 'Screened after Chidinma Eze called the helpline';
const GUARDIAN = 'Ifeoma Nwachukwu';
const DAY_MS = 86_400_000;
const EN = JSON.parse(readFileSync(new URL('../../i18n/en.json', import.meta.url), 'utf8'));

/** The rights notice of a case as text (pdftotext), without white space. */
async function noticeText(client, id) {
    const headers = { Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = await fetch(`${client.base}/api/v1/cases/${id}/rights-notice.pdf?lang=en`, { headers });
    assert.equal(res.status, 200);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-pathway-'));
    try {
        const f = path.join(dir, 'n.pdf');
        writeFileSync(f, Buffer.from(await res.arrayBuffer()));
        return execFileSync('pdftotext', ['-q', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

eachEngine((engine) => {
    let s;
    let cw, coord, inv;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency', totp: true }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', totp: true }));
        inv = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', totp: true }));
    });

    after(async () => {
        await s?.stop();
    });

    async function newCase(fields) {
        const r = await cw.post('/api/v1/cases', { fields });
        assert.equal(r.status, 201, r.text);
        return r.json.case.id;
    }

    async function move(id, body, expect = 200) {
        const g = await cw.get(`/api/v1/cases/${id}/pathway`);
        assert.equal(g.status, 200, g.text);
        const r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { reason: REASON, ...body },
            { headers: { 'If-Match': String(g.json.version) } });
        assert.equal(r.status, expect, r.text);
        return r;
    }

    describe('stages', () => {
        it('refuse illegal transitions and need If-Match', async () => {
            const id = await newCase({ gender: 'female', age: 30 });
            let r = await cw.get(`/api/v1/cases/${id}/pathway`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.stage, 'first_contact');
            assert.equal(r.json.version, 0);
            assert.deepEqual(r.json.next, ['screening']);
            r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'screening', reason: REASON });
            assertError(r, 412);
            r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'identified', reason: REASON },
                { headers: { 'If-Match': '0' } });
            assertError(r, 409, 'conflict');
            assert.match(r.json.error.message, /from first_contact to identified/);
            r = await move(id, { to: 'screening' });
            assert.equal(r.json.stage, 'screening');
            assert.equal(r.json.version, 1);
            r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'reasonable_grounds', reason: REASON },
                { headers: { 'If-Match': '0' } });
            assertError(r, 412);
            r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'reasonable_grounds', colour: 'red' },
                { headers: { 'If-Match': '1' } });
            assertError(r, 400, 'invalid', 'colour');
            r = await cw.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'reasonable_grounds' },
                { headers: { 'If-Match': '1' } });
            assertError(r, 400, 'invalid', 'reason');
            r = await inv.post(`/api/v1/cases/${id}/pathway/transition`, { to: 'reasonable_grounds', reason: 'x' },
                { headers: { 'If-Match': '1' } });
            assertError(r, 403);
        });

        it('raise the reflection_ending task before the period ends', async () => {
            const id = await newCase({ gender: 'female', age: 30 });
            assert.ok((await noticeText(cw, id)).includes(EN['notice.reflection.unset'].replace(/\s+/g, '')));
            await move(id, { to: 'screening' });
            let r = await move(id, { to: 'reasonable_grounds', decision_date: '2026-05-01', screening_id: 5 });
            assert.equal(r.json.reasonable_grounds_date, '2026-05-01');
            r = await cw.get(`/api/v1/cases/${id}`);
            assert.equal(r.json.fields.trafficking_status, 'PossibleVictimOfTrafficking');
            r = await move(id, { to: 'reflection' });
            assert.deepEqual(r.json.reflection, {
                start: '2026-05-01', end: '2026-05-31', days: 30, extensions: 0, no_removal: true, active: true,
            });
            // The rights notice gives the period (it said "not set yet" before).
            const unset = EN['notice.reflection.unset'].replace(/\s+/g, '');
            const text = await noticeText(cw, id);
            assert.ok(!text.includes(unset), text);
            assert.ok(text.includes('30days'), text);
            const end = Date.parse('2026-05-31T00:00:00Z');
            let row = s.sql(`SELECT status, due_at_ms, kind FROM tasks WHERE auto_key = 'reflection_ending:${id}'`).trim();
            assert.equal(row, `open|${end - 7 * DAY_MS}|reflection_ending`);
            r = await cw.post(`/api/v1/cases/${id}/pathway/reflection/extend`, { days: 15, reason: 'more time' },
                { headers: { 'If-Match': String(r.json.version) } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.reflection.end, '2026-06-15');
            assert.equal(r.json.reflection.extensions, 1);
            row = s.sql(`SELECT due_at_ms FROM tasks WHERE auto_key = 'reflection_ending:${id}' AND status = 'open'`).trim();
            assert.equal(Number(row), Date.parse('2026-06-15T00:00:00Z') - 7 * DAY_MS);
            r = await move(id, { to: 'identified', decided_by: 'Police', decision_date: '2026-06-01' });
            assert.equal(r.json.identification, 'ActualVictimOfTrafficking');
            assert.equal(r.json.reflection.active, false);
            row = s.sql(`SELECT status FROM tasks WHERE auto_key = 'reflection_ending:${id}'`).trim();
            assert.equal(row, 'done');
            r = await move(id, { to: 'assistance' }, 409);
            assert.match(r.json.error.message, /support plan/);
            r = await cw.get(`/api/v1/cases/${id}/pathway`);
            assert.equal(r.json.log.length, 5);
            assert.equal(r.json.log[0].reason, REASON);
            assert.equal(r.json.log[1].data.screening_id, 5);
        });

        it('close a case found not to be a victim with a referral elsewhere', async () => {
            const id = await newCase({ gender: 'male', age: 41 });
            await move(id, { to: 'screening' });
            let r = await cw.post(`/api/v1/cases/${id}/pathway/not-victim`, {
                decided_by: 'NGO', reason: 'labour dispute, no trafficking', referred_to: 'Labour Inspectorate',
                referral_reason: 'AdditionalServicesRequired',
            }, { headers: { 'If-Match': '1' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.stage, 'closed');
            assert.equal(r.json.exit, 'not_victim');
            assert.equal(r.json.referred_to, 'Labour Inspectorate');
            assert.deepEqual(r.json.next, ['follow_up']);
            r = await cw.get(`/api/v1/cases/${id}`);
            assert.equal(r.json.fields.trafficking_status, 'NotAVictimOfTrafficking');
        });
    });

    describe('settings', () => {
        it('need pathway.settings and at least 30 days', async () => {
            let r = await cw.get('/api/v1/pathway-settings');
            assertError(r, 403);
            r = await coord.put('/api/v1/pathway-settings', { country: 'NGA', reflection_days: 20 });
            assertError(r, 400, 'invalid', 'reflection_days');
            r = await coord.put('/api/v1/pathway-settings', { country: 'NGA', reflection_days: 60, task_lead_days: 10 });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items[0].reflection_days, 60);
            const id = await newCase({ gender: 'female', age: 22 });
            await move(id, { to: 'screening' });
            await move(id, { to: 'reasonable_grounds', decision_date: '2026-01-01' });
            r = await move(id, { to: 'reflection' });
            assert.equal(r.json.reflection.end, '2026-03-02');
            const due = s.sql(`SELECT due_at_ms FROM tasks WHERE auto_key = 'reflection_ending:${id}'`).trim();
            assert.equal(Number(due), Date.parse('2026-03-02T00:00:00Z') - 10 * DAY_MS);
            r = await s.rootClient().then((c) => c.put('/api/v1/pathway-settings', { country: 'NGA', reset: true }));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 0);
        });
    });

    describe('children', () => {
        it('cannot enter return without a best-interests determination, and can with one', async () => {
            const id = await newCase({ gender: 'female', age: 15 });
            await move(id, { to: 'screening' });
            await move(id, { to: 'reasonable_grounds' });
            await move(id, { to: 'reflection' });
            await move(id, { to: 'identified', decided_by: 'CourtOrProsecution' });
            let row = s.sql(`SELECT status FROM tasks WHERE auto_key = 'determination_pending:${id}'`).trim();
            assert.equal(row, 'open');
            let r = await cw.post(`/api/v1/cases/${id}/support-plans`, { type: 'Health' });
            assert.equal(r.status, 201, r.text);
            await move(id, { to: 'assistance' });
            const ret = { to: 'return', voluntary: true, risk_level: 'low', risk_assessed_on: '2026-06-01' };
            r = await move(id, ret, 409);
            assert.match(r.json.error.message, /best-interests determination/);
            r = await cw.post(`/api/v1/cases/${id}/child/guardians`, { name: GUARDIAN, organisation: 'Child Welfare Office' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.guardians[0].name, GUARDIAN);
            r = await cw.post(`/api/v1/cases/${id}/child/bids`, {
                kind: 'determination', date: '2026-06-02', deciding_body: 'BID panel', solution: 'return', note: 'family found',
            });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.is_child, true);
            assert.equal(r.json.bids.length, 1);
            row = s.sql(`SELECT status FROM tasks WHERE auto_key = 'determination_pending:${id}'`).trim();
            assert.equal(row, 'done');
            r = await move(id, { ...ret, voluntary: false }, 400);
            assert.equal(r.json.error.field, 'voluntary');
            r = await move(id, ret);
            assert.equal(r.json.stage, 'return');
            r = await cw.put(`/api/v1/cases/${id}/child`, { child_friendly_interview: true, interview_date: '2026-05-03' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.child_friendly_interview, true);
            r = await inv.get(`/api/v1/cases/${id}/child`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.guardians[0].name, GUARDIAN); /* investigators read identity */
        });

        it('presume minority and lift it by an age assessment', async () => {
            const id = await newCase({ gender: 'male' });
            let r = await cw.put(`/api/v1/cases/${id}/child`, { presume_minor: true });
            assertError(r, 400, 'invalid', 'reason');
            r = await cw.put(`/api/v1/cases/${id}/child`, { presume_minor: true, reason: 'no documents, looks young' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.is_child, true);
            assert.equal(r.json.majority_status, 'Minor');
            r = await cw.get(`/api/v1/cases/${id}`);
            assert.equal(r.json.fields.majority_status, 'Minor');
            r = await cw.put(`/api/v1/cases/${id}/child`, { age_assessment: 'adult', reason: 'assessment' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.is_child, false);
            assert.equal(r.json.presumed_minor, false);
        });

        it('keep reasons and guardian names out of the log', async () => {
            const log = s.stderr;
            for (const word of ['Chidinma', GUARDIAN]) {
                assert.ok(!log.includes(word), `server log mentions ${word}`);
            }
        });
    });
});
