// planpartners: partnerships under the Plan over HTTP (issue 9, part R; docs/plan.md
// "Partnerships"): partners (the contact only on one partner), agreements between partners,
// technical-assistance requests through their flow with deliveries and the figures; the
// caseworker is refused (403 before 400).
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
    let s, coord, cw;

    before(async () => {
        s = await startServer({ engine });
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('partnerships', () => {
        let ngo, unodc, req;
        it('partners: add, list without contacts, one with its contact', async () => {
            let r = await coord.post('/api/v1/plan/partners', {
                name: 'Safe Haven', type: 'ngo', country: 'NGA', areas: ['protect'],
                contact: { person: 'Ada Okafor', email: 'ada@example.org' },
            });
            assert.equal(r.status, 201, r.text);
            ngo = r.json.id;
            assert.equal(r.json.contact.person, 'Ada Okafor');
            r = await coord.post('/api/v1/plan/partners', { name: 'UNODC', type: 'international', agency_id: s.agencyA.id });
            assert.equal(r.status, 201, r.text);
            unodc = r.json.id;
            assertError(await coord.post('/api/v1/plan/partners', { name: 'X', type: 'club' }), 400, 'invalid', 'type');
            assertError(await cw.post('/api/v1/plan/partners', { type: 'club' }), 403, 'forbidden');
            r = await coord.get('/api/v1/plan/partners?type=ngo');
            assert.equal(r.json.partners.length, 1);
            assert.equal(r.json.partners[0].contact, undefined);
            assert.equal(r.json.partners[0].has_contact, true);
            r = await coord.get(`/api/v1/plan/partners/${ngo}`);
            assert.equal(r.json.contact.email, 'ada@example.org');
            assertError(await coord.get('/api/v1/plan/partners/12345'), 404, 'not_found');
        });
        it('agreements between partners', async () => {
            let r = await coord.post('/api/v1/plan/agreements', {
                title: 'Referral of victims', kind: 'mou', signed: '2025-03-01', parties: [ngo, unodc], paragraphs: ['annex-33'],
            });
            assert.equal(r.status, 201, r.text);
            assertError(await coord.post('/api/v1/plan/agreements', { title: 'T', kind: 'mou', signed: '2025-03-01', parties: [ngo] }), 400, 'invalid', 'parties');
            r = await coord.get(`/api/v1/plan/agreements?partner_id=${ngo}`);
            assert.equal(r.json.agreements.length, 1);
            assert.deepEqual(r.json.agreements[0].parties.map((p) => p.name).sort(), ['Safe Haven', 'UNODC']);
        });
        it('technical assistance: the flow, deliveries, figures', async () => {
            let r = await coord.post('/api/v1/plan/assistance', {
                requester_state: 'NGA', provider_partner_id: unodc, topic: 'Training of labour inspectors',
                paragraphs: ['annex-57'], requested: '2025-01-10',
            });
            assert.equal(r.status, 201, r.text);
            req = r.json.id;
            assert.equal(r.json.status, 'requested');
            assertError(await coord.post(`/api/v1/plan/assistance/${req}/deliveries`, { date: '2025-02-01', kind: 'training' }), 409, 'conflict');
            r = await coord.post(`/api/v1/plan/assistance/${req}/status`, { status: 'accepted', date: '2025-01-20' }, { headers: { 'If-Match': '"1"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.etag, '"2"');
            assertError(await coord.post(`/api/v1/plan/assistance/${req}/status`, { status: 'declined' }, { headers: { 'If-Match': '"1"' } }), 412);
            assertError(await coord.post(`/api/v1/plan/assistance/${req}/status`, { status: 'delivered', date: '2025-02-01' }), 409, 'conflict', 'status');
            r = await coord.post(`/api/v1/plan/assistance/${req}/deliveries`, { date: '2025-02-01', kind: 'training', beneficiaries: 30 });
            assert.equal(r.status, 201, r.text);
            r = await coord.post(`/api/v1/plan/assistance/${req}/status`, { status: 'delivered', date: '2025-02-19' });
            assert.equal(r.json.status, 'delivered');
            assert.equal(r.json.deliveries.length, 1);
            r = await coord.get('/api/v1/plan/assistance');
            assert.equal(r.json.figures.by_status.delivered, 1);
            assert.equal(r.json.figures.median_days_to_delivery, 40);
            assertError(await cw.get('/api/v1/plan/assistance'), 403, 'forbidden');
            assertError(await cw.post(`/api/v1/plan/assistance/${req}/status`, {}), 403, 'forbidden');
        });
    });
});
