// fundapps: the Trust Fund's board, calls, organisations, applications, reviews and decisions
// (issue 8, part A) through a real server on both engines: a board of five from five groups, a
// sixth and a second of a group refused (409 naming the rule); a call drafted, opened, seen by a
// grantee only once open; an application drafted and saved in one request with If-Match, its
// eligibility explained, an ineligible submission refused (409, field eligibility); a grantee sees
// only its own organisation's; a trustee with a declared conflict refused (403), two reviews, the
// average and the recused; a decision only after two reviews; a submission after the close date
// refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

function shift(months) {
    const d = new Date();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    return d.toISOString().slice(0, 10);
}

eachEngine((engine) => {
    let s;
    let manager, grantA, grantB, cw;
    const trustees = [];
    const trusteeUsers = [];
    let ngoA, ngoB;
    let call, oldCall, app;

    before(async () => {
        s = await startServer({ engine });
        ngoA = s.agencyA.id;
        ngoB = s.agencyB.id;
        manager = await s.clientFor(s.addUser({ agency: 'A', role: 'fund_manager', scope: 'all' }));
        grantA = await s.clientFor(s.addUser({ agency: 'A', role: 'grantee', scope: 'agency' }));
        grantB = await s.clientFor(s.addUser({ agency: 'B', role: 'grantee', scope: 'agency' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        for (let i = 0; i < 5; i++) {
            const u = s.addUser({ agency: 'B', role: 'trustee', scope: 'all' });
            trusteeUsers.push(u);
            trustees.push({ user: u, client: await s.clientFor(u) });
        }
    });
    after(async () => {
        await s?.stop();
    });

    describe('board of trustees', () => {
        it('five from five groups; a sixth and a second of a group → 409 naming the rule', async () => {
            const countries = ['KEN', 'IND', 'UKR', 'MEX', 'CAN'];
            for (let i = 0; i < 5; i++) {
                const r = await manager.post('/api/v1/fund/board', {
                    name: `Trustee ${i}`, country: countries[i], appointed_on: shift(-2), user_id: trusteeUsers[i].id,
                });
                assert.equal(r.status, 201, r.text);
                trustees[i].id = r.json.id;
            }
            const sixth = await manager.post('/api/v1/fund/board', { name: 'Sixth', country: 'FRA', appointed_on: shift(-1) });
            assertError(sixth, 409, 'conflict', 'appointed_on');
            assert.match(sixth.json.error.message, /at most 5/);
            let r = await manager.post(`/api/v1/fund/board/${trustees[4].id}/end`, { date: shift(0) });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'ended');
            r = await manager.post('/api/v1/fund/board', { name: 'Second African', country: 'GHA', appointed_on: shift(1) });
            assertError(r, 409, 'conflict', 'country');
            assert.match(r.json.error.message, /per regional group/);
            r = await manager.post('/api/v1/fund/board', { name: 'Canadian 2', country: 'CAN', appointed_on: shift(1) });
            assert.equal(r.status, 201, r.text);
            r = await manager.get('/api/v1/fund/board');
            assert.equal(r.status, 200);
            assert.equal(r.json.items.length, 6);
            assert.equal(r.json.items.find((t) => t.country === 'KEN').regional_group, 'african');
            assertError(await grantA.get('/api/v1/fund/board'), 403, 'forbidden');
            assertError(await trustees[0].client.post('/api/v1/fund/board', { name: 'x', country: 'FRA' }), 403, 'forbidden');
            r = await manager.get('/api/v1/fund/board/settings');
            assert.deepEqual(r.json, { max_per_group: 1, min_reviews: 2 });
        });
    });

    describe('calls and applications', () => {
        it('a draft call is hidden from grantees until opened', async () => {
            let r = await manager.post('/api/v1/fund/calls', {
                title: 'Immediate assistance 2026', programme: 'immediate', opens_on: shift(-1), closes_on: shift(2),
                ceiling_min: '20,000', ceiling_max: '60,000', priority_forms: ['forced_labour'],
            });
            assert.equal(r.status, 201, r.text);
            call = r.json;
            assert.equal(call.window_months, 9);
            assert.equal(call.ceiling_max, '60,000.00');
            r = await grantA.get('/api/v1/fund/calls');
            assert.equal(r.json.items.length, 0);
            r = await manager.post(`/api/v1/fund/calls/${call.id}/open`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'open');
            r = await grantA.get('/api/v1/fund/calls');
            assert.equal(r.json.items.length, 1);
            assertError(await grantA.post('/api/v1/fund/calls', { title: 'x' }), 403, 'forbidden');
            r = await manager.post('/api/v1/fund/calls', {
                title: 'Old', programme: 'medium_term', opens_on: shift(-3), closes_on: shift(-1),
                ceiling_min_cents: 100, ceiling_max_cents: 9000000,
            });
            oldCall = r.json;
            await manager.post(`/api/v1/fund/calls/${oldCall.id}/open`);
        });

        it('a grantee drafts in one request, saves with If-Match; others see nothing of it', async () => {
            const body = {
                call_id: call.id, title: 'Safe house', summary: 'Shelter and medical care', country: 'KEN',
                duration_months: 9, forms: ['sexual_exploitation'], beneficiaries: { women: 25, girls: 5 },
                budget: [{ category: 'shelter', description: 'rent', amount: '18,000' }, { category: 'medical', amount: '7,000.50' }],
            };
            assertError(await cw.post('/api/v1/fund/applications', body), 403, 'forbidden');
            let r = await grantA.post('/api/v1/fund/applications', body);
            assert.equal(r.status, 201, r.text);
            app = r.json;
            assert.equal(app.total, '25,000.50');
            assert.equal(app.agency_id, ngoA);
            assert.equal(etagVersion(r.etag), app.version);
            r = await grantA.put(`/api/v1/fund/applications/${app.id}`, { ...body, duration_months: 8 },
                { headers: { 'If-Match': `"${app.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.duration_months, 8);
            app = r.json;
            assertError(await grantA.put(`/api/v1/fund/applications/${app.id}`, body), 412, 'precondition_failed');
            assertError(await grantA.post('/api/v1/fund/applications', { ...body, budget: [{ category: 'food', amount: '1' }] }),
                400, 'invalid', 'budget');
            assertError(await grantB.get(`/api/v1/fund/applications/${app.id}`), 404, 'not_found');
            r = await grantB.get('/api/v1/fund/applications');
            assert.equal(r.json.items.length, 0);
            r = await manager.get('/api/v1/fund/applications');
            assert.equal(r.json.items.length, 1);
        });

        it('eligibility is explained; an ineligible submission → 409', async () => {
            let r = await grantA.get(`/api/v1/fund/applications/${app.id}`);
            assert.equal(r.json.eligible, false);
            const reg = r.json.eligibility.find((c) => c.criterion === 'registered_1_year');
            assert.equal(reg.met, false);
            assert.match(reg.why, /registration/);
            assert.equal(r.json.eligibility.find((c) => c.criterion === 'amount_in_ceiling').met, true);
            r = await grantA.post(`/api/v1/fund/applications/${app.id}/submit`, undefined, { headers: { 'If-Match': `"${app.version}"` } });
            assertError(r, 409, 'conflict', 'eligibility');
            const profile = {
                registration_country: 'KEN', registered_on: shift(-30), non_profit: true, assistance_since: shift(-20),
                psea: true, psea_policy: 'Safeguarding policy', own_account: true, account_number: 'KE00 1234',
            };
            assertError(await grantB.put(`/api/v1/fund/orgs/${ngoA}`, profile, { headers: { 'If-Match': '"0"' } }), 404, 'not_found');
            r = await grantA.put(`/api/v1/fund/orgs/${ngoA}`, profile, { headers: { 'If-Match': '"0"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.account_number, 'KE00 1234');
            r = await manager.put(`/api/v1/fund/orgs/${ngoB}`, profile, { headers: { 'If-Match': '"0"' } });
            assert.equal(r.status, 200, r.text);
            r = await grantA.post(`/api/v1/fund/applications/${app.id}/submit`, undefined, { headers: { 'If-Match': `"${app.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'submitted');
            assert.equal(r.json.eligibility.every((c) => c.met), true);
        });

        it('a submission after the close date → 409', async () => {
            const r = await grantB.post('/api/v1/fund/applications', {
                call_id: oldCall.id, title: 'Late', duration_months: 12,
                budget: [{ category: 'legal', amount: '30,000' }],
            });
            assert.equal(r.status, 201, r.text);
            const s2 = await grantB.post(`/api/v1/fund/applications/${r.json.id}/submit`, undefined,
                { headers: { 'If-Match': `"${r.json.version}"` } });
            assertError(s2, 409, 'conflict', 'call_id');
            assert.match(s2.json.error.message, /closed/);
        });
    });

    describe('reviews and decisions', () => {
        it('a trustee with a declared conflict → 403; two reviews; the decision', async () => {
            let r = await trustees[1].client.post('/api/v1/fund/conflicts', { agency_id: ngoA, note: 'former staff' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.trustee_id, trustees[1].id);
            const score = { relevance: 5, capacity: 4, budget: 4, reach: 3, comment: 'good reach' };
            r = await trustees[1].client.post(`/api/v1/fund/applications/${app.id}/reviews`, score);
            assertError(r, 403, 'forbidden');
            assert.match(r.json.error.message, /conflict of interest/);
            const award = {
                outcome: 'award', amount: '25,000.50', start_date: shift(1), end_date: shift(9),
                tranches: [{ due_date: shift(1), amount: '15,000' }, { due_date: shift(5), amount: '10,000.50' }],
            };
            assertError(await manager.post(`/api/v1/fund/applications/${app.id}/decision`, award), 409, 'conflict', 'reviews');
            r = await trustees[0].client.post(`/api/v1/fund/applications/${app.id}/reviews`, score);
            assert.equal(r.status, 201, r.text);
            assertError(await trustees[0].client.post(`/api/v1/fund/applications/${app.id}/reviews`, score), 409, 'conflict');
            r = await trustees[2].client.post(`/api/v1/fund/applications/${app.id}/reviews`, { ...score, reach: 5 });
            assert.equal(r.status, 201, r.text);
            r = await trustees[2].client.get('/api/v1/fund/reviews');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items[0].reviewed, true);
            r = await trustees[1].client.get('/api/v1/fund/reviews');
            assert.equal(r.json.items[0].conflict, true);
            r = await manager.get(`/api/v1/fund/applications/${app.id}`);
            assert.equal(r.json.reviews_count, 2);
            assert.equal(r.json.average_score, '4.25'); // (16 + 18) / 8
            assert.deepEqual(r.json.recused, [trustees[1].id]);
            r = await manager.get(`/api/v1/fund/applications/${app.id}/reviews`);
            assert.equal(r.json.items.length, 2);
            assertError(await grantA.get(`/api/v1/fund/applications/${app.id}/reviews`), 403, 'forbidden');
            assertError(await trustees[0].client.post(`/api/v1/fund/applications/${app.id}/decision`, award), 403, 'forbidden');
            r = await manager.post(`/api/v1/fund/applications/${app.id}/decision`, award);
            assert.equal(r.status, 201, r.text);
            assert.ok(r.json.grant_id > 0, r.text);
            r = await grantA.get(`/api/v1/fund/applications/${app.id}`);
            assert.equal(r.json.status, 'awarded');
            assert.equal(r.json.reviews_count, undefined);
        });

        it('closing the call raises the review tasks', async () => {
            const r = await manager.post(`/api/v1/fund/calls/${call.id}/close`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'closed');
            assertError(await manager.post(`/api/v1/fund/calls/${call.id}/close`), 409, 'conflict');
        });
    });
});
