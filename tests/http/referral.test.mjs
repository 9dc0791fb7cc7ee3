// referral: providers, referrals and break-the-glass over HTTP on both engines. "A referral
// without consent is refused (an override is audited); the receiving agency sees only the shared
// field groups": the receiver walks every case route and no unshared marker value appears in any
// answer. Also: revoking ends access at once, a transfer moves ownership, break-the-glass opens a
// case for a while with an audit entry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

// Values of the groups NOT shared (identity, contact, location): none may reach the receiver.
const UNSHARED = ['Zebedee', 'Quillfeather', '254700111222', 'Kibera-lane-7', 'Obadiah', 'Vantongeren',
    'passport-zebedee', 'Hospital-ward-9', 'Shelter-room-4'];
// Values of the shared group (narrative): the receiver sees them.
const SHARED_NARRATIVE = 'Held in a bakery for two years';

function noUnshared(r, route) {
    for (const m of UNSHARED) {
        assert.ok(!r.text.includes(m), `${route} leaks ${m}: ${r.text.slice(0, 400)}`);
    }
}

eachEngine((engine) => {
    let s, root, cwA, supB, cwB, invB, cwBUser;
    let providerB, caseId, childId;

    before(async () => {
        s = await startServer({ engine });
        root = await s.rootClient();
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        supB = await s.clientFor(s.addUser({ agency: 'B', role: 'case_supervisor', scope: 'agency' }));
        cwBUser = s.addUser({ agency: 'B', role: 'caseworker', scope: 'own' });
        cwB = await s.clientFor(cwBUser);
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        let r = await root.post('/api/v1/providers', {
            name: 'Safe House B', agency_id: s.agencyB.id, services: ['shelter', 'psychological'],
            languages: ['en', 'sw'], areas: ['KEN', 'nairobi'], places_total: 12, places_free: 4,
            contact: '+254 20 000 0000 (office)',
        });
        assert.equal(r.status, 201, r.text);
        providerB = r.json;
        r = await cwA.post('/api/v1/cases', {
            fields: { given_name: 'Zebedee', family_name: 'Quillfeather', phone: '+254700111222',
                narrative: SHARED_NARRATIVE, gender: 'male', age: 30 },
        });
        assert.equal(r.status, 201, r.text);
        caseId = r.json.case.id;
        r = await cwA.post(`/api/v1/cases/${caseId}/events`, { type: 'Exploitation', country: 'KEN', place: 'Kibera-lane-7',
            description: 'Worked nights' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.post(`/api/v1/cases/${caseId}/comments`, { body: 'Asked for a counsellor' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.post(`/api/v1/cases/${caseId}/perpetrators`, { name: 'Obadiah Vantongeren', gender: 'male' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.post(`/api/v1/cases/${caseId}/support-plans`, { type: 'Health', objectives: 'Counselling twice a week' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.request('POST', `/api/v1/cases/${caseId}/attachments?kind=identity_document`, {
            body: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n'),
            headers: { 'Content-Type': 'application/pdf', 'X-File-Name': 'passport-zebedee.pdf' },
        });
        assert.equal(r.status, 201, r.text);
        // Services (part A): a medical row (health) and a shelter's notes (location), neither shared.
        r = await cwA.post(`/api/v1/cases/${caseId}/services`, { type: 'medical', provider: 'Clinic', status: 'ongoing',
            notes: 'Hospital-ward-9' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.post(`/api/v1/cases/${caseId}/services`, { type: 'shelter', provider: 'House', status: 'ongoing',
            notes: 'Shelter-room-4' });
        assert.equal(r.status, 201, r.text);
        r = await cwA.post('/api/v1/cases', { fields: { gender: 'female', age: 15, given_name: 'Zebedee' } });
        assert.equal(r.status, 201, r.text);
        childId = r.json.case.id;
    });

    after(async () => {
        await s?.stop();
    });

    describe('providers', () => {
        it('are searched by service, language, area and capacity; managed with provider.manage', async () => {
            let r = await cwA.get('/api/v1/providers?service=shelter&language=sw&area=KEN&with_capacity=1');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((p) => p.id), [providerB.id]);
            r = await cwA.get('/api/v1/providers?service=legal_aid');
            assert.equal(r.json.items.length, 0);
            // The filters compare codes literally: '%' and '_' are no LIKE wildcards (issue 10).
            for (const wild of ['%', '_', '%25', 'shel%', 's_elter']) {
                r = await cwA.get(`/api/v1/providers?service=${encodeURIComponent(wild)}&language=${encodeURIComponent(wild)}`);
                assert.equal(r.status, 200, r.text);
                assert.equal(r.json.items.length, 0, `service=${wild}: ${r.text}`);
            }
            r = await cwA.post('/api/v1/providers', { name: 'X', services: ['shelter'] });
            assert.equal(r.status, 403, r.text);
            r = await root.post('/api/v1/providers', { name: 'Bad', services: ['spa'] });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, 'services');
            r = await root.request('PATCH', `/api/v1/providers/${providerB.id}`, { json: { places_free: 3 },
                headers: { 'If-Match': String(providerB.version) } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.places_free, 3);
            r = await root.request('PATCH', `/api/v1/providers/${providerB.id}`, { json: { places_free: 2 },
                headers: { 'If-Match': String(providerB.version) } });
            assert.equal(r.status, 409, r.text);
        });
    });

    describe('a referral without consent is refused (an override is audited)', () => {
        it('refuses without consent, and an override for an adult', async () => {
            let r = await cwA.post(`/api/v1/cases/${caseId}/referrals`, { provider_id: providerB.id, services: ['shelter'],
                groups: ['narrative'] });
            assert.equal(r.status, 409, r.text);
            assert.ok(isErrorShape(r.json));
            r = await cwA.post(`/api/v1/cases/${caseId}/referrals`, { provider_id: providerB.id, services: ['shelter'],
                groups: ['narrative'], basis: 'child_emergency_override', override_reason: 'danger tonight' });
            assert.equal(r.status, 409, r.text);
        });
        it('lets a child be referred in an emergency with a reason, audited', async () => {
            let r = await cwA.post(`/api/v1/cases/${childId}/referrals`, { provider_id: providerB.id, services: ['shelter'],
                groups: ['narrative'], basis: 'child_emergency_override' });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, 'override_reason');
            r = await cwA.post(`/api/v1/cases/${childId}/referrals`, { provider_id: providerB.id, services: ['shelter'],
                groups: ['narrative'], basis: 'child_emergency_override', override_reason: 'alone at the bus station' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.basis, 'child_emergency_override');
            assert.equal(r.json.override_reason, 'alone at the bus station');
            const a = await root.get(`/api/v1/audit?record_type=case&record_id=${childId}`);
            assert.equal(a.status, 200, a.text);
            const items = a.json.items ?? a.json.entries ?? a.json;
            const o = items.find((e) => e.action === 'referral.override');
            assert.ok(o, a.text);
            assert.ok(!JSON.stringify(o).includes('bus station'));
        });
    });

    describe('the receiving agency sees only the shared field groups', () => {
        let ref;
        before(async () => {
            let r = await cwA.request('PUT', `/api/v1/cases/${caseId}/consent`, {
                json: { items: [{ item: 'data_use', state: 'given', note: 'signed in person' }] } });
            assert.equal(r.status, 200, r.text);
            r = await cwA.post(`/api/v1/cases/${caseId}/referrals`, { provider_id: providerB.id, services: ['shelter'],
                groups: ['narrative'], reason: 'needs shelter', urgency: 'urgent' });
            assert.equal(r.status, 201, r.text);
            ref = r.json;
            assert.deepEqual(ref.groups, ['narrative']);
            assert.equal(ref.state, 'pending');
        });

        it('reads the case with the narrative and nothing else, through every case route', async () => {
            let r = await supB.get(`/api/v1/cases/${caseId}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.fields.narrative, SHARED_NARRATIVE);
            noUnshared(r, 'GET case');
            for (const sub of ['history', 'events', 'comments', 'perpetrators', 'support-plans', 'attachments', 'consent',
                'consent/history', 'duplicates', 'referrals']) {
                r = await supB.get(`/api/v1/cases/${caseId}/${sub}`);
                assert.equal(r.status, 200, `${sub}: ${r.text}`);
                noUnshared(r, sub);
            }
            // Services, legal status and the rights notice (parts A and D): rows and values of
            // unshared groups stay hidden; a group-wide record without its group is refused.
            for (const sub of ['services', 'legal', 'legal/residence-permits', 'legal/returns', 'legal/compensation',
                'rights-notice.pdf?lang=en', 'pathway', 'child', 'screenings']) {
                r = await supB.get(`/api/v1/cases/${caseId}/${sub}`);
                assert.ok([200, 403].includes(r.status), `${sub}: ${r.status} ${r.text.slice(0, 200)}`);
                if (['services', 'pathway', 'child', 'screenings'].includes(sub)) {
                    // The rows the receiver may see, without the health row or the shelter's notes.
                    assert.equal(r.status, 200, r.text);
                }
                noUnshared(r, sub);
            }
            r = await supB.get(`/api/v1/cases/${caseId}/events`);
            assert.equal(r.json.items[0].description, 'Worked nights');
            r = await supB.get(`/api/v1/cases/${caseId}/support-plans`);
            assert.ok(r.text.includes('Counselling twice a week'));
            // The identity document's content: refused, never served.
            r = await supB.get(`/api/v1/cases/${caseId}/attachments`);
            const att = r.json.items[0];
            r = await supB.get(`/api/v1/cases/${caseId}/attachments/${att.id}`);
            assert.ok(r.status === 403 || r.status === 404, r.text);
            noUnshared(r, 'attachment download');
            // Subject access and exports are never opened by a share.
            r = await supB.get(`/api/v1/cases/${caseId}/subject-access`);
            assert.ok(r.status === 403 || r.status === 404, r.text);
            noUnshared(r, 'subject-access');
            // Lists and searches: shared cases are not listed; nothing unshared either way.
            r = await supB.get('/api/v1/cases');
            assert.equal(r.status, 200, r.text);
            assert.ok(!r.json.items.some((c) => c.id === caseId));
            noUnshared(r, 'case list');
            r = await supB.post('/api/v1/cases/search', { name: 'Zebedee' });
            assert.equal(r.status, 200, r.text);
            assert.ok(!r.json.items.some((c) => c.id === caseId));
            noUnshared(r, 'search');
            // The receiver finds it through "referrals received".
            r = await supB.get('/api/v1/referrals?box=received&state=pending');
            assert.equal(r.status, 200, r.text);
            assert.ok(r.json.items.some((x) => x.id === ref.id && x.box === 'received'));
            noUnshared(r, 'referrals received');
            r = await supB.get(`/api/v1/referrals/${ref.id}`);
            assert.equal(r.status, 200, r.text);
            noUnshared(r, 'referral');
        });

        it('changes nothing through the share', async () => {
            let r = await supB.get(`/api/v1/cases/${caseId}`);
            const v = r.json.version;
            r = await supB.request('PATCH', `/api/v1/cases/${caseId}`, { json: { fields: { narrative: 'x' } },
                headers: { 'If-Match': String(v) } });
            assert.ok(r.status === 403 || r.status === 404, r.text);
            r = await supB.post(`/api/v1/cases/${caseId}/comments`, { body: 'x' });
            assert.ok(r.status === 403 || r.status === 404, r.text);
            // An investigator of the receiving agency, without fg.contact: the same view, no more.
            r = await invB.get(`/api/v1/cases/${caseId}`);
            assert.equal(r.status, 200, r.text);
            noUnshared(r, 'investigator GET case');
        });

        it('names the accepting caseworker; the sender alone revokes; revoking ends access at once', async () => {
            let r = await cwB.get(`/api/v1/cases/${caseId}`);
            assert.equal(r.status, 404, r.text);
            r = await cwA.post(`/api/v1/referrals/${ref.id}/accept`, {});
            assert.equal(r.status, 403, r.text);
            r = await supB.request('POST', `/api/v1/referrals/${ref.id}/accept`, { json: { owner_id: cwBUser.id },
                headers: { 'If-Match': String(ref.version) } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.state, 'accepted');
            r = await cwB.get(`/api/v1/cases/${caseId}`);
            assert.equal(r.status, 200, r.text);
            noUnshared(r, 'named caseworker GET case');
            r = await supB.post(`/api/v1/referrals/${ref.id}/revoke`, {});
            assert.equal(r.status, 403, r.text);
            r = await cwA.post(`/api/v1/referrals/${ref.id}/revoke`, {});
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.state, 'revoked');
            r = await supB.get(`/api/v1/cases/${caseId}`);
            assert.equal(r.status, 404, r.text);
            r = await supB.get(`/api/v1/cases/${caseId}/events`);
            assert.equal(r.status, 404, r.text);
        });
    });

    describe('transfer', () => {
        it('moves ownership to the receiving agency on acceptance', async () => {
            let r = await cwA.post('/api/v1/cases', { fields: { gender: 'female', age: 25 } });
            const id = r.json.case.id;
            r = await cwA.request('PUT', `/api/v1/cases/${id}/consent`, { json: { items: [{ item: 'data_use', state: 'given' }] } });
            assert.equal(r.status, 200, r.text);
            r = await cwA.post(`/api/v1/cases/${id}/referrals`, { provider_id: providerB.id, kind: 'transfer',
                services: ['shelter'], groups: ['identity', 'contact', 'narrative', 'legal', 'health', 'location'] });
            assert.equal(r.status, 201, r.text);
            const ref = r.json;
            r = await supB.post(`/api/v1/referrals/${ref.id}/accept`, {});
            assert.equal(r.status, 200, r.text);
            r = await supB.get(`/api/v1/cases/${id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.agency_id, s.agencyB.id);
            r = await cwA.get(`/api/v1/cases/${id}`);
            assert.equal(r.status, 404, r.text);
            r = await supB.request('PATCH', `/api/v1/cases/${id}`, { json: { fields: { age: 26 } },
                headers: { 'If-Match': String((await supB.get(`/api/v1/cases/${id}`)).json.version) } });
            assert.equal(r.status, 200, r.text);
        });
    });

    describe('break-the-glass', () => {
        it('opens a case out of scope for a time, audited, reason required', async () => {
            let r = await cwB.post(`/api/v1/cases/${childId}/break-glass`, { reason: 'short' });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, 'reason');
            r = await cwB.post(`/api/v1/cases/${childId}/break-glass`, { reason: 'child at the clinic, owner unreachable', minutes: 500 });
            assert.equal(r.status, 400, r.text);
            r = await cwB.post(`/api/v1/cases/${childId}/break-glass`, { reason: 'child at the clinic, owner unreachable', minutes: 5 });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.opened, true);
            r = await cwB.get(`/api/v1/cases/${childId}`);
            assert.equal(r.status, 200, r.text);
            r = await cwB.post('/api/v1/cases/987654321/break-glass', { reason: 'child at the clinic, owner unreachable' });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { opened: false });
            const a = await root.get(`/api/v1/audit?record_type=case&record_id=${childId}`);
            const items = a.json.items ?? a.json.entries ?? a.json;
            assert.ok(items.some((e) => e.action === 'case.glass' && /minutes=5/.test(e.detail)), a.text);
            assert.ok(!a.text.includes('clinic'));
            assert.ok(items.some((e) => e.action === 'case.read' && /via break-the-glass/.test(e.detail)), a.text);
        });
    });
});
