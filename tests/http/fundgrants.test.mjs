// fundgrants: the Trust Fund's grants (issue 8, part G) over HTTP: a grant recorded with its
// tranches (the first released), a disbursement recorded by one fund manager and approved by
// another (the recorder refused with 403 naming the rule, audited), a grantee drafting and
// submitting a report in one request each, acceptance releasing the next tranche, a grantee seeing
// only their own organisation's, the results, and the `ctis fund` commands.
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
    let mgr1, mgr2, trustee, grA, grB, cw, grantA, grantB;

    before(async () => {
        s = await startServer({ engine });
        mgr1 = await s.clientFor(s.addUser({ agency: 'A', role: 'fund_manager', scope: 'all' }));
        mgr2 = await s.clientFor(s.addUser({ agency: 'A', role: 'fund_manager', scope: 'all' }));
        trustee = await s.clientFor(s.addUser({ agency: 'A', role: 'trustee', scope: 'all' }));
        grA = await s.clientFor(s.addUser({ agency: 'A', role: 'grantee', scope: 'agency' }));
        grB = await s.clientFor(s.addUser({ agency: 'B', role: 'grantee', scope: 'agency' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
    });
    after(async () => {
        await s?.stop();
    });

    const grantBody = (agency) => ({
        agency_id: agency, country: 'NGA', programme: 'medium_term', start_date: '2026-01-15', end_date: '2027-12-31',
        amount: '50,000.00', tranches: [{ due_date: '2026-01-15', amount: '30,000.00' }, { due_date: '2026-09-01', amount: '20,000.00' }],
    });

    describe('grants', () => {
        it('POST records a grant (UNVTF-YYYY-NNN), the first tranche released', async () => {
            const r = await mgr1.post('/api/v1/fund/grants', grantBody(s.agencyA.id));
            assert.equal(r.status, 201, r.text);
            grantA = r.json;
            assert.match(grantA.number, /^UNVTF-2026-\d{3}$/);
            assert.equal(grantA.amount, '50000.00');
            assert.deepEqual(grantA.tranches.map((t) => t.status), ['released', 'scheduled']);
            grantB = (await mgr1.post('/api/v1/fund/grants', grantBody(s.agencyB.id))).json;
            assert.equal(Number(grantB.number.slice(-3)), Number(grantA.number.slice(-3)) + 1);
        });
        it('checks the tranches, the dates and the organisation; 403 before 400', async () => {
            assertError(await mgr1.post('/api/v1/fund/grants', { ...grantBody(s.agencyA.id), amount: '50,000.01' }), 400, 'invalid', 'tranches');
            assertError(await mgr1.post('/api/v1/fund/grants', { ...grantBody(s.agencyA.id), end_date: '2025-01-01' }), 400, 'invalid', 'end_date');
            assertError(await mgr1.post('/api/v1/fund/grants', { ...grantBody(987654321) }), 400, 'invalid', 'agency_id');
            assertError(await trustee.post('/api/v1/fund/grants', {}), 403, 'forbidden');
            assertError(await grA.post('/api/v1/fund/grants', {}), 403, 'forbidden');
        });
        it('a grantee sees only their organisation\'s grants', async () => {
            const l = await grA.get('/api/v1/fund/grants');
            assert.equal(l.status, 200, l.text);
            assert.deepEqual(l.json.items.map((g) => g.id), [grantA.id]);
            assertError(await grA.get(`/api/v1/fund/grants/${grantB.id}`), 404, 'not_found');
            assert.equal((await grA.get(`/api/v1/fund/grants/${grantA.id}/tranches`)).json.items.length, 2);
            assert.equal((await trustee.get('/api/v1/fund/grants')).json.items.length, 2);
            assertError(await cw.get('/api/v1/fund/grants'), 403, 'forbidden');
        });
    });

    describe('disbursements', () => {
        let d;
        it('recorded by one fund manager against a released tranche, at most its rest', async () => {
            const t1 = grantA.tranches[0].id, t2 = grantA.tranches[1].id;
            assertError(await mgr1.post('/api/v1/fund/disbursements', { tranche_id: t2, amount: '10.00', bank_reference: 'TX-0' }), 409, 'conflict');
            assertError(await mgr1.post('/api/v1/fund/disbursements', { tranche_id: t1, amount: '30,000.01', bank_reference: 'TX-0' }), 400, 'invalid', 'amount');
            assertError(await trustee.post('/api/v1/fund/disbursements', { tranche_id: t1, amount: '10.00', bank_reference: 'TX-0' }), 403, 'forbidden');
            const r = await mgr1.post('/api/v1/fund/disbursements', { tranche_id: t1, amount: '30,000.00', date: '2026-01-20', bank_reference: 'TX-1' });
            assert.equal(r.status, 201, r.text);
            d = r.json;
            assert.equal(d.status, 'pending');
            assert.equal(d.recorded_by, mgr1.user.id);
        });
        it('the recorder cannot approve it (403 naming the rule, audited); another manager can', async () => {
            const r = await mgr1.post(`/api/v1/fund/disbursements/${d.id}/approval`, { decision: 'approve' });
            assertError(r, 403, 'forbidden');
            assert.match(r.json.error.message, /separation of duties/);
            assert.equal(s.sql(`SELECT count(*) FROM audit_log WHERE action = 'fund.certify' AND outcome = 'denied' AND record_id = ${d.id}`).trim(), '1');
            assertError(await trustee.post(`/api/v1/fund/disbursements/${d.id}/approval`, { decision: 'approve' }), 403, 'forbidden');
            const ok = await mgr2.post(`/api/v1/fund/disbursements/${d.id}/approval`, { decision: 'approve' });
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.status, 'approved');
            assert.ok(ok.json.entry_id);
            const g = (await mgr1.get(`/api/v1/fund/grants/${grantA.id}`)).json;
            assert.equal(g.tranches[0].status, 'paid');
            assert.equal(g.paid, '30000.00');
            assertError(await mgr2.post(`/api/v1/fund/disbursements/${d.id}/approval`, { decision: 'approve' }), 409, 'conflict');
        });
        it('lists for fund readers, not grantees', async () => {
            const l = await trustee.get(`/api/v1/fund/disbursements?grant_id=${grantA.id}`);
            assert.equal(l.status, 200, l.text);
            assert.equal(l.json.items.length, 1);
            assertError(await grA.get('/api/v1/fund/disbursements'), 403, 'forbidden');
        });
    });

    describe('grantee reports and results', () => {
        let rep;
        const body = () => ({
            grant_id: grantA.id, period_from: '2026-01-15', period_to: '2026-08-31', narrative: 'Twelve women sheltered',
            beneficiaries: [{ sex: 'female', age: 'adult', form: 'SexualExploitation', count: 12 }, { sex: 'male', age: 'child', form: 'ForcedLabour', count: 3 }],
            services: [{ service: 'shelter', count: 10 }, { service: 'legal_aid', count: 4 }],
        });
        it('a grantee drafts a report in one request; another organisation cannot', async () => {
            assertError(await grB.post('/api/v1/fund/reports', body()), 400, 'invalid', 'grant_id');
            assertError(await mgr1.post('/api/v1/fund/reports', body()), 403, 'forbidden');
            const r = await grA.post('/api/v1/fund/reports', body());
            assert.equal(r.status, 201, r.text);
            rep = r.json;
            assert.equal(rep.status, 'draft');
            assert.equal(rep.victims, 15);
            assert.equal(rep.narrative, 'Twelve women sheltered');
            assert.equal(s.sql(`SELECT count(*) FROM fund_reports WHERE id = ${rep.id} AND narrative_enc IS NOT NULL`).trim(), '1');
            const u = await grA.put(`/api/v1/fund/reports/${rep.id}`, { narrative: 'Twelve women and three boys' });
            assert.equal(u.status, 200, u.text);
            assert.equal(u.json.narrative, 'Twelve women and three boys');
            assertError(await grB.get(`/api/v1/fund/reports/${rep.id}`), 404, 'not_found');
        });
        it('submitted, returned with a reason, accepted: the next tranche is released', async () => {
            assertError(await mgr1.post(`/api/v1/fund/reports/${rep.id}/decision`, { decision: 'accept' }), 409, 'conflict');
            assert.equal((await grA.post(`/api/v1/fund/reports/${rep.id}/submit`)).status, 200);
            assertError(await mgr1.post(`/api/v1/fund/reports/${rep.id}/decision`, { decision: 'return' }), 400, 'invalid', 'reason');
            const ret = await mgr1.post(`/api/v1/fund/reports/${rep.id}/decision`, { decision: 'return', reason: 'Add the services' });
            assert.equal(ret.status, 200, ret.text);
            assert.equal(ret.json.reason, 'Add the services');
            assert.equal((await grA.post(`/api/v1/fund/reports/${rep.id}/submit`)).status, 200);
            assertError(await grA.post(`/api/v1/fund/reports/${rep.id}/decision`, { decision: 'accept' }), 403, 'forbidden');
            const acc = await mgr1.post(`/api/v1/fund/reports/${rep.id}/decision`, { decision: 'accept' });
            assert.equal(acc.status, 200, acc.text);
            const g = (await grA.get(`/api/v1/fund/grants/${grantA.id}`)).json;
            assert.equal(g.tranches[1].status, 'released');
        });
        it('results from accepted reports, by country and year and by sex', async () => {
            const r = await trustee.get('/api/v1/fund/results?by=country,year');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items, [{ country: 'NGA', year: 2026, victims: 15 }]);
            const bySex = (await trustee.get('/api/v1/fund/results?by=sex,age')).json.items;
            assert.deepEqual(bySex, [{ sex: 'female', age: 'adult', victims: 12 }, { sex: 'male', age: 'child', victims: 3 }]);
            assertError(await trustee.get('/api/v1/fund/results?by=colour'), 400, 'invalid', 'by');
            assert.deepEqual((await grB.get('/api/v1/fund/results')).json.items, []);
        });
        it('closing a grant needs a reason; unpaid tranches are cancelled', async () => {
            assertError(await mgr1.post(`/api/v1/fund/grants/${grantB.id}/close`, {}), 400, 'invalid', 'reason');
            const c = await mgr1.post(`/api/v1/fund/grants/${grantB.id}/close`, { status: 'cancelled', reason: 'The project did not start' });
            assert.equal(c.status, 200, c.text);
            assert.equal(c.json.status, 'cancelled');
            assert.deepEqual(c.json.tranches.map((t) => t.status), ['cancelled', 'cancelled']);
        });
    });

    describe('the ctis fund commands', () => {
        it('fund grant list, fund results --csv', () => {
            const l = s.cliOk(['fund', 'grant', 'list']);
            assert.match(l.stdout, new RegExp(grantA.number));
            const r = s.cliOk(['fund', 'results', '--by', 'country,year', '--csv']);
            assert.equal(r.stdout.trim(), 'country,year,victims\nNGA,2026,15');
        });
    });
});
