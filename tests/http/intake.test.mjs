// intake: the public tip routes without a login (form token, then a tip answered only by its
// reference; the 6th tip from one address within the window refused 429; a body over 16 KiB
// refused 413), and the helpline and triage routes (intake.triage; agency B never sees agency
// A's tips; conversion into a case).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, rawRequest, sleep, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s;
    let anon;
    let cwA, supB, analyst;
    let token;

    before(async () => {
        s = await startServer({ engine });
        s.cliOk(['intake', 'settings', '--agency', String(s.agencyA.id), '--helpline', '+234 800 123 4567']);
        anon = s.client();
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        supB = await s.clientFor(s.addUser({ agency: 'B', role: 'case_supervisor', scope: 'agency' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('public tips', () => {
        let reference;
        it('GET /public/tips/form without a login gives a token and the helpline', async () => {
            const r = await anon.get('/api/v1/public/tips/form');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.helpline, '+234 800 123 4567');
            assert.match(r.json.form_token, /^\d+\.[A-Za-z0-9_-]+$/);
            assert.equal(r.headers.get('cache-control'), 'no-store');
            token = r.json.form_token;
        });
        it('a tip sent too quickly is refused; then it is accepted with only a reference', async () => {
            const tip = { form_token: token, account: 'Workers locked in at a farm near Kano', country: 'NGA', exploitation: 'labour', contact: '+234 801 000 0000', immediate_danger: true };
            assertError(await anon.post('/api/v1/public/tips', tip), 400, 'invalid', 'form_token');
            await sleep(3100);
            const r = await anon.post('/api/v1/public/tips', tip);
            assert.equal(r.status, 201, r.text);
            assert.deepEqual(Object.keys(r.json), ['reference']);
            assert.match(r.json.reference, /^T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
            reference = r.json.reference;
            assert.equal(s.sql(`SELECT count(*) FROM intake_tips WHERE reference = '${reference}' AND agency_id = ${s.agencyA.id}`).trim(), '1');
            assert.equal(s.sql(`SELECT count(*) FROM intake_tips WHERE reference = '${reference}' AND account_enc IS NOT NULL`).trim(), '1');
        });
        it('a forged token, unknown members and a body over 16 KiB are refused', async () => {
            assertError(await anon.post('/api/v1/public/tips', { form_token: '1.AAAA', account: 'x' }), 400, 'invalid', 'form_token');
            assertError(await anon.post('/api/v1/public/tips', { form_token: token, account: 'x', state: 'converted' }), 400, 'invalid', 'state');
            const big = await anon.post('/api/v1/public/tips', { form_token: token, account: 'x'.repeat(17000) });
            assertError(big, 413, 'too_large');
        });
        it('the honeypot stores nothing but looks like a success', async () => {
            const before = s.sql('SELECT count(*) FROM intake_tips').trim();
            const r = await anon.post('/api/v1/public/tips', { form_token: token, account: 'buy now', website: 'http://spam.example' });
            assert.equal(r.status, 201, r.text);
            assert.deepEqual(Object.keys(r.json), ['reference']);
            assert.equal(s.sql('SELECT count(*) FROM intake_tips').trim(), before);
        });
        it('the 6th tip from one address within the window is refused 429', async () => {
            // From an address of its own (127.0.0.2), so that the attempts above do not count.
            const send = (account) => rawRequest(`${s.url.replace(/\/$/, '')}/api/v1/public/tips`, {
                method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ form_token: token, account }), localAddress: '127.0.0.2',
            });
            const statuses = [];
            for (let i = 0; i < 6; i++) {
                statuses.push((await send(`tip ${i}`)).status);
            }
            assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
            const r = await send('again');
            assert.equal(r.status, 429);
            assert.equal(r.json.error.code, 'throttled');
            // Another address is not affected.
            assert.equal((await anon.post('/api/v1/public/tips', { form_token: token, account: 'from .1' })).status, 201);
            // The throttle holds keyed hashes, never the address.
            assert.ok(!s.sql('SELECT * FROM intake_throttle').includes('127.0.0'));
        });
        it('the triage routes need a login and intake.triage', async () => {
            assertError(await anon.get('/api/v1/intake/tips'), 401);
            assertError(await analyst.get('/api/v1/intake/tips'), 403, 'forbidden');
        });
    });

    describe('triage', () => {
        let tip;
        it('agency A lists and reads the tip with its account; agency B does not see it', async () => {
            let r = await cwA.get('/api/v1/intake/tips?state=new');
            assert.equal(r.status, 200, r.text);
            const found = r.json.items.find((t) => t.account === null && t.withheld.includes('account') && t.immediate_danger);
            assert.ok(found, r.text);
            r = await cwA.get(`/api/v1/intake/tips/${found.id}`);
            assert.equal(r.status, 200, r.text);
            tip = r.json;
            assert.equal(tip.account, 'Workers locked in at a farm near Kano');
            assert.equal(tip.contact, '+234 801 000 0000');
            assert.equal(tip.channel, 'web_form');
            r = await supB.get('/api/v1/intake/tips');
            assert.ok(!r.json.items.some((t) => t.id === tip.id));
            assertError(await supB.get(`/api/v1/intake/tips/${tip.id}`), 404, 'not_found');
            assertError(await supB.post(`/api/v1/intake/tips/${tip.id}/convert`), 404, 'not_found');
        });
        it('triage, convert into a case, then no more changes', async () => {
            let r = await cwA.post(`/api/v1/intake/tips/${tip.id}/triage`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.state, 'triaged');
            r = await cwA.post(`/api/v1/intake/tips/${tip.id}/convert`);
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.tip.state, 'converted');
            assert.equal(r.json.tip.case_id, r.json.case_id);
            const c = await cwA.get(`/api/v1/cases/${r.json.case_id}`);
            assert.equal(c.status, 200, c.text);
            assert.equal(c.json.fields.narrative, 'Workers locked in at a farm near Kano');
            assert.equal(c.json.fields.exploitation_country, 'NGA');
            assertError(await cwA.post(`/api/v1/intake/tips/${tip.id}/dismiss`, { reason: 'spam' }), 409);
        });
        it('helpline staff record a call and dismiss a tip with a reason code', async () => {
            let r = await cwA.post('/api/v1/intake/tips', { account: 'Caller reports a house with locked doors', anonymous: true, language: 'ha' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.channel, 'helpline_call');
            assert.match(r.json.reference, /^T-/);
            assertError(await cwA.post(`/api/v1/intake/tips/${r.json.id}/dismiss`, { reason: 'boring' }), 400, 'invalid', 'reason');
            r = await cwA.post(`/api/v1/intake/tips/${r.json.id}/dismiss`, { reason: 'duplicate' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.state, 'dismissed');
            assert.equal(r.json.dismiss_reason, 'duplicate');
            assertError(await cwA.post('/api/v1/intake/tips', { account: 'x', form_token: 'y' }), 400, 'invalid', 'form_token');
        });
        it('triage and dismiss of a tip that does not exist → 404, and the server lives on (issue 10: it freed an uninitialised tip)', async () => {
            assertError(await cwA.post('/api/v1/intake/tips/987654321/triage'), 404, 'not_found');
            assertError(await cwA.post('/api/v1/intake/tips/987654321/dismiss', { reason: 'duplicate' }), 404, 'not_found');
            // Without intake.triage the permission comes first: 403, whether the tip exists or not.
            assertError(await analyst.post('/api/v1/intake/tips/987654321/triage'), 403, 'forbidden');
            const r = await cwA.get('/api/v1/intake/tips');
            assert.equal(r.status, 200, r.text);
        });
    });
});
