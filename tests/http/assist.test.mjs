// assist: services delivered and rights and legal status over HTTP, on both engines: create, read,
// update with If-Match and cancel services; the four parts of legal status (non-punishment PUT,
// residence permits, returns with follow-ups, compensation); field groups (no fg.legal.read: 403
// on legal records; no fg.health.read: medical services invisible); no personal data in the log.
import assert from 'node:assert/strict';
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

const SHELTER_NOTE = 'Room 12 at the Juniper Street safe house';
const HIV_NOTE = 'Antiretroviral therapy started at Mercy Clinic';
const NP_NOTE = 'Forced by Balthazar Quince to carry the parcels';
const RISK = 'The recruiter Balthazar Quince lives in the home village';
const PERSONAL = [SHELTER_NOTE, 'Juniper', HIV_NOTE, 'Antiretroviral', NP_NOTE, 'Balthazar', RISK];

const ifMatch = (v) => ({ headers: { 'If-Match': String(v) } });

eachEngine((engine) => {
    let s, root;
    let cw, inv, noLegal, cwB, sup;
    let caseId;

    before(async () => {
        s = await startServer({ engine });
        root = await s.rootClient();
        const role = await root.post('/api/v1/roles', {
            name: 'assist-no-legal', description: 'cases and health, no legal', mfa_required: true,
            permissions: ['case.read', 'case.write', 'fg.health.read', 'fg.health.write', 'fg.location.read'],
        });
        assert.equal(role.status, 201, role.text);
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
        inv = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator' }));
        noLegal = await s.clientFor(s.addUser({ agency: 'A', role: 'assist-no-legal', scope: 'agency' }));
        cwB = await s.clientFor(s.addUser({ agency: 'B', role: 'caseworker', scope: 'agency' }));
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency' }));
        const r = await cw.post('/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
        assert.equal(r.status, 201, r.text);
        caseId = r.json.case.id;
    });

    after(async () => {
        await s?.stop();
    });

    describe('services', () => {
        let shelter, hiv;
        it('are added, read, listed, changed with If-Match and cancelled', async () => {
            let r = await cw.post(`/api/v1/cases/${caseId}/services`, {
                type: 'shelter', provider: 'Juniper House', provider_id: 9, start_date: '2026-05-01', notes: SHELTER_NOTE,
            });
            assert.equal(r.status, 201, r.text);
            shelter = r.json;
            assert.equal(shelter.status, 'planned');
            assert.equal(shelter.notes, SHELTER_NOTE);
            r = await cw.get(`/api/v1/cases/${caseId}/services/${shelter.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.provider_id, 9);
            r = await cw.patch(`/api/v1/cases/${caseId}/services/${shelter.id}`, { status: 'ongoing' });
            assertError(r, 412);
            r = await cw.patch(`/api/v1/cases/${caseId}/services/${shelter.id}`, { status: 'ongoing', outcome: 'partly' }, ifMatch(shelter.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'ongoing');
            assert.equal(r.json.version, shelter.version + 1);
            r = await cw.patch(`/api/v1/cases/${caseId}/services/${shelter.id}`, { status: 'completed' }, ifMatch(shelter.version));
            assertError(r, 409, 'conflict');
            r = await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'HIV', provider: 'Mercy Clinic', notes: HIV_NOTE });
            assert.equal(r.status, 201, r.text);
            hiv = r.json;
            assert.equal(hiv.type, 'medical_infectious');
            r = await cw.get(`/api/v1/cases/${caseId}/services`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 2);
            r = await cw.del(`/api/v1/cases/${caseId}/services/${hiv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'cancelled');
        });

        it('refuse invalid input naming the member', async () => {
            assertError(await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'massage' }), 400, 'invalid', 'type');
            assertError(await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'education', end_date: '2026-13-01' }), 400, 'invalid', 'end_date');
            assertError(await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'education', shoe: 1 }), 400, 'invalid', 'shoe');
            assertError(await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'education', support_plan_id: 12345 }), 400, 'invalid', 'support_plan_id');
            const plan = await cw.post(`/api/v1/cases/${caseId}/support-plans`, { type: 'Education' });
            assert.equal(plan.status, 201, plan.text);
            const r = await cw.post(`/api/v1/cases/${caseId}/services`, { type: 'education', support_plan_id: plan.json.id });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.support_plan_id, plan.json.id);
        });

        it('hide health services from readers without fg.health.read and withhold shelter notes without location', async () => {
            let r = await inv.get(`/api/v1/cases/${caseId}/services`);
            assert.equal(r.status, 200, r.text);
            assert.ok(!r.json.items.some((x) => x.id === hiv.id || x.type.startsWith('medical')), r.text);
            const sh = r.json.items.find((x) => x.id === shelter.id);
            assert.equal(sh.notes, null);
            assert.deepEqual(sh.withheld, ['notes']);
            assertError(await inv.get(`/api/v1/cases/${caseId}/services/${hiv.id}`), 404, 'not_found');
            r = await noLegal.get(`/api/v1/cases/${caseId}/services/${hiv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.notes, HIV_NOTE);
        });

        it('are out of reach of another agency', async () => {
            assertError(await cwB.get(`/api/v1/cases/${caseId}/services`), 404);
            assertError(await cwB.post(`/api/v1/cases/${caseId}/services`, { type: 'education' }), 404);
        });
    });

    describe('legal status', () => {
        let permit, ret, claim;
        it('non-punishment is created by PUT and changed with If-Match', async () => {
            let r = await cw.put(`/api/v1/cases/${caseId}/legal/non-punishment`, {
                applies: true, reason: 'compelled_offence', reason_note: NP_NOTE, decided_date: '2026-04-02', decided_by: 'Public prosecutor',
            });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.reason_note, NP_NOTE);
            assert.ok(r.json.recorded_by);
            assertError(await cw.put(`/api/v1/cases/${caseId}/legal/non-punishment`, { applies: false }), 409, 'conflict');
            r = await cw.put(`/api/v1/cases/${caseId}/legal/non-punishment`, { decided_by: 'Court of appeal' }, ifMatch(r.json.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.decided_by, 'Court of appeal');
            assert.equal(r.json.reason, 'compelled_offence');
        });

        it('residence permits are added, read and decided', async () => {
            let r = await cw.post(`/api/v1/cases/${caseId}/legal/residence-permits`, { kind: 'temporary_victim', applied_date: '2026-03-01', authority: 'Immigration Office' });
            assert.equal(r.status, 201, r.text);
            permit = r.json;
            assert.equal(permit.decision, 'pending');
            r = await cw.patch(`/api/v1/cases/${caseId}/legal/residence-permits/${permit.id}`,
                { decision: 'granted', decision_date: '2026-03-20', valid_from: '2026-03-20', valid_until: '2027-03-19' }, ifMatch(permit.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.decision, 'granted');
            r = await cw.get(`/api/v1/cases/${caseId}/legal/residence-permits/${permit.id}`);
            assert.equal(r.json.valid_until, '2027-03-19');
            assertError(await cw.post(`/api/v1/cases/${caseId}/legal/residence-permits`, { kind: 'temporary_victim', renewal_of: 4242 }), 400, 'invalid', 'renewal_of');
        });

        it('a voluntary return needs consent and a risk assessment, and takes follow-ups', async () => {
            let r = await cw.post(`/api/v1/cases/${caseId}/legal/returns`, { destination: 'NG', risk_level: 'medium', risk_summary: RISK, receiving_org: 'NAPTIP' });
            assert.equal(r.status, 201, r.text);
            ret = r.json;
            assert.equal(ret.destination, 'NGA');
            r = await cw.patch(`/api/v1/cases/${caseId}/legal/returns/${ret.id}`, { status: 'approved' }, ifMatch(ret.version));
            assertError(r, 400, 'invalid', 'consent_confirmed');
            r = await cw.patch(`/api/v1/cases/${caseId}/legal/returns/${ret.id}`, { status: 'approved', consent_confirmed: true, consent_date: '2026-05-03' }, ifMatch(ret.version));
            assert.equal(r.status, 200, r.text);
            r = await cw.post(`/api/v1/cases/${caseId}/legal/returns/${ret.id}/follow-ups`, { follow_up_date: '2026-09-01', contact_made: true, outcome: 'stable' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.return_id, ret.id);
            r = await cw.get(`/api/v1/cases/${caseId}/legal/returns/${ret.id}/follow-ups`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 1);
            assertError(await cw.get(`/api/v1/cases/${caseId}/legal/returns/777/follow-ups`), 404);
            r = await cw.get(`/api/v1/cases/${caseId}/legal/returns/${ret.id}`);
            assert.equal(r.json.risk_summary, RISK);
        });

        it('compensation claims keep amounts in minor units', async () => {
            let r = await cw.post(`/api/v1/cases/${caseId}/legal/compensation`, {
                kind: 'labour_claim', against: 'employer', currency: 'eur', amount_claimed: 1250050, legal_aid: true,
            });
            assert.equal(r.status, 201, r.text);
            claim = r.json;
            assert.equal(claim.currency, 'EUR');
            assert.equal(claim.amount_claimed, 1250050);
            r = await cw.patch(`/api/v1/cases/${caseId}/legal/compensation/${claim.id}`, { status: 'partly_paid', amount_awarded: 900000, amount_paid: 300000 }, ifMatch(claim.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.amount_paid, 300000);
            assertError(await cw.post(`/api/v1/cases/${caseId}/legal/compensation`, { kind: 'civil', amount_claimed: 10 }), 400, 'invalid', 'currency');
            assertError(await cw.patch(`/api/v1/cases/${caseId}/legal/compensation/${claim.id}`, { amount_paid: 1 }, ifMatch(claim.version)), 409);
        });

        it('the overview has the four parts', async () => {
            const r = await cw.get(`/api/v1/cases/${caseId}/legal`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.non_punishment.decided_by, 'Court of appeal');
            assert.equal(r.json.residence_permits.length, 1);
            assert.equal(r.json.returns.length, 1);
            assert.equal(r.json.returns[0].follow_ups.length, 1);
            assert.equal(r.json.compensation.length, 1);
        });

        it('a user without fg.legal.read cannot see legal records', async () => {
            for (const p of ['legal', 'legal/residence-permits', `legal/residence-permits/${permit.id}`, 'legal/returns',
                `legal/returns/${ret.id}`, `legal/returns/${ret.id}/follow-ups`, 'legal/compensation', `legal/compensation/${claim.id}`]) {
                const r = await noLegal.get(`/api/v1/cases/${caseId}/${p}`);
                assertError(r, 403, 'forbidden');
                assert.ok(!r.text.includes('Quince'), r.text);
            }
            assertError(await noLegal.put(`/api/v1/cases/${caseId}/legal/non-punishment`, { applies: false }), 403, 'forbidden');
            assertError(await noLegal.post(`/api/v1/cases/${caseId}/legal/compensation`, { kind: 'civil' }), 403, 'forbidden');
            // The investigator reads legal status but writes no case.
            assert.equal((await inv.get(`/api/v1/cases/${caseId}/legal`)).status, 200);
            assertError(await inv.post(`/api/v1/cases/${caseId}/legal/compensation`, { kind: 'civil' }), 403, 'forbidden');
        });
    });

    describe('the command line', () => {
        it('adds, lists, updates and cancels services; shows and adds legal records', () => {
            const id = String(caseId);
            let j = s.cliOk(['service', 'add', id, '--fields', JSON.stringify({ type: 'interpretation', provider: 'Language Line' }), '--json']).json;
            assert.equal(j.type, 'interpretation');
            const svc = j;
            j = s.cliOk(['service', 'update', id, '--id', String(svc.id), '--version', String(svc.version), '--fields', '{"status":"completed","outcome":"achieved"}', '--json']).json;
            assert.equal(j.status, 'completed');
            let r = s.cli(['service', 'update', id, '--id', String(svc.id), '--version', String(svc.version), '--fields', '{"status":"ongoing"}']);
            assert.equal(r.code, 4, r.stderr);
            r = s.cli(['service', 'add', id, '--fields', '{"type":"juggling"}']);
            assert.equal(r.code, 8, r.stderr);
            assert.match(r.stderr, /type/);
            j = s.cliOk(['service', 'cancel', id, '--id', String(svc.id), '--json']).json;
            assert.equal(j.status, 'cancelled');
            const text = s.cliOk(['service', 'list', id]).stdout;
            assert.match(text, /interpretation/);
            const claims = s.cliOk(['legal', 'list', id, '--kind', 'compensation', '--json']).json.length;
            j = s.cliOk(['legal', 'add', id, '--kind', 'compensation', '--fields', '{"kind":"state_fund","currency":"NGN","amount_claimed":500000}', '--json']).json;
            assert.equal(j.amount_claimed, 500000);
            j = s.cliOk(['legal', 'list', id, '--kind', 'compensation', '--json']).json;
            assert.equal(j.length, claims + 1);
            const shown = s.cliOk(['legal', 'show', id]).stdout;
            assert.match(shown, /non-punishment: applies/);
            assert.match(shown, /state_fund/);
            r = s.cli(['legal', 'add', id, '--kind', 'visa', '--fields', '{}']);
            assert.equal(r.code, 8, r.stderr);
            assert.match(s.cliOk(['legal', 'add', '--help']).stdout, /--kind/);
        });
    });

    describe('data protection', () => {
        it('the subject-access export holds the services and the legal status; the purge empties the notes', async () => {
            let r = await sup.get(`/api/v1/cases/${caseId}/subject-access`);
            assert.equal(r.status, 200, r.text);
            const sec = r.json.sections;
            assert.ok(sec.services.some((x) => x.notes === SHELTER_NOTE), JSON.stringify(sec.services));
            assert.equal(sec.legal_status.non_punishment.reason_note, NP_NOTE);
            assert.equal(sec.legal_status.returns[0].risk_summary, RISK);
            const g = await sup.get(`/api/v1/cases/${caseId}`);
            r = await sup.request('POST', `/api/v1/cases/${caseId}/close`, {
                json: { status: 'Closed' }, headers: { 'If-Match': g.headers.get('etag') },
            });
            assert.equal(r.status, 200, r.text);
            r = await sup.post(`/api/v1/cases/${caseId}/purge`, {});
            assert.equal(r.status, 200, r.text);
            r = await sup.get(`/api/v1/cases/${caseId}/legal`);
            assert.equal(r.json.non_punishment.reason_note, null);
            assert.equal(r.json.non_punishment.reason, 'compelled_offence');
            assert.equal(r.json.returns[0].risk_summary, null);
            assert.equal(r.json.returns[0].destination, 'NGA');
            r = await sup.get(`/api/v1/cases/${caseId}/services`);
            assert.ok(r.json.items.every((x) => x.notes === null), r.text);
            assert.ok(r.json.items.some((x) => x.type === 'shelter'), r.text);
        });
    });

    describe('the log', () => {
        it('holds no personal data', async () => {
            for (const p of PERSONAL) {
                assert.ok(!s.stderr.includes(p), `the server log contains ${p}`);
            }
        });
    });
});
