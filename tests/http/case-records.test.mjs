// case-records: a case's perpetrators, support plans and attachments over HTTP, on both engines:
// create, list, patch with If-Match, delete by marking; the attachment upload and download round
// trip (raw body, file name in X-File-Name, SHA-256 header), the type check by magic bytes, the
// per-route size limit, field-group denial, cross-agency denial, and no personal data in the log.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, rawRequest, startServer } from './lib.mjs';

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

const PERP_NAME = 'Obadiah Vantongeren';
const PERP_DETAILS = 'Kept the passports in a safe at the bakery';
const PLAN_OBJECTIVES = 'Enrol in the tailoring course at Ikeja';
const FILE_NAME = 'consent Ngozi Okafor.pdf';
const PDF = Buffer.from('%PDF-1.4\n% signed consent of Ngozi\n1 0 obj << >> endobj\n%%EOF\n');
const PERSONAL = [PERP_NAME, 'Vantongeren', PERP_DETAILS, PLAN_OBJECTIVES, 'Ngozi', 'Okafor'];

async function upload(client, caseId, kind, body, { name, type } = {}) {
    const headers = {};
    if (type) headers['Content-Type'] = type;
    if (name) headers['X-File-Name'] = encodeURIComponent(name);
    return client.request('POST', `/api/v1/cases/${caseId}/attachments?kind=${kind}`, { body, headers });
}

eachEngine((engine) => {
    let s;
    let cwA, cwB, invA;
    let caseA;

    before(async () => {
        s = await startServer({ engine });
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true }));
        cwB = await s.clientFor(s.addUser({ agency: 'B', role: 'caseworker', scope: 'own', totp: true }));
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', totp: true }));
        const r = await cwA.post('/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA', other_citizenships: ['GH'] } });
        assert.equal(r.status, 201, r.text);
        caseA = r.json.case;
        assert.deepEqual(caseA.fields.other_citizenships, ['GHA']);
    });

    after(async () => {
        await s?.stop();
    });

    describe('perpetrators', () => {
        let perp;
        it('are added, listed, changed with If-Match and marked deleted', async () => {
            let r = await cwA.post(`/api/v1/cases/${caseA.id}/perpetrators`, {
                roles: ['Recruiter', 'Exploiter'], gender: 'male', age: 40, citizenship: 'NG', relation: 'Acquainted',
                name: PERP_NAME, role_details: PERP_DETAILS,
            });
            assert.equal(r.status, 201, r.text);
            perp = r.json;
            assert.deepEqual(perp.roles, ['RecruiterOrIntermediary', 'Exploiter']);
            assert.equal(perp.name, PERP_NAME);
            assert.equal(perp.citizenship, 'NGA');
            r = await cwA.get(`/api/v1/cases/${caseA.id}/perpetrators`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 1);
            r = await cwA.patch(`/api/v1/cases/${caseA.id}/perpetrators/${perp.id}`, { age: null, age_band: '39--47' });
            assertError(r, 412);
            r = await cwA.patch(`/api/v1/cases/${caseA.id}/perpetrators/${perp.id}`, { age: null, age_band: '39--47' },
                { headers: { 'If-Match': String(perp.version) } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.age, null);
            assert.equal(r.json.age_band, '39--47');
            assert.equal(r.json.name, PERP_NAME);
            r = await cwA.patch(`/api/v1/cases/${caseA.id}/perpetrators/${perp.id}`, { gender: 'female' },
                { headers: { 'If-Match': String(perp.version) } });
            assertError(r, 409);
            r = await cwA.post(`/api/v1/cases/${caseA.id}/perpetrators`, { gender: 'purple' });
            assertError(r, 400, 'invalid', 'gender');
            r = await cwA.post(`/api/v1/cases/${caseA.id}/perpetrators`, { colour: 'red' });
            assertError(r, 400, 'invalid', 'colour');
            r = await cwA.del(`/api/v1/cases/${caseA.id}/perpetrators/${perp.id}`);
            assert.equal(r.status, 200, r.text);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/perpetrators`);
            assert.equal(r.json.items.length, 0);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/perpetrators?include_deleted=1`);
            assert.equal(r.json.items.length, 1);
            assert.equal(r.json.items[0].deleted, true);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/history`);
            const actions = r.json.items.map((h) => h.action);
            assert.ok(actions.includes('perpetrator.add') && actions.includes('perpetrator.delete'), actions.join());
            assert.ok(!r.text.includes(PERP_NAME));
        });
        it('the investigator reads but may not add; another agency gets 404', async () => {
            let r = await invA.get(`/api/v1/cases/${caseA.id}/perpetrators?include_deleted=true`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items[0].name, PERP_NAME);
            r = await invA.post(`/api/v1/cases/${caseA.id}/perpetrators`, { gender: 'male' });
            assertError(r, 403);
            r = await cwB.get(`/api/v1/cases/${caseA.id}/perpetrators`);
            assertError(r, 404);
            r = await cwB.post(`/api/v1/cases/${caseA.id}/perpetrators`, { gender: 'male' });
            assertError(r, 404);
            r = await cwB.patch(`/api/v1/cases/${caseA.id}/perpetrators/${perp.id}`, { gender: 'male' },
                { headers: { 'If-Match': '1' } });
            assertError(r, 404);
        });
    });

    describe('support plans', () => {
        it('are added, listed and changed', async () => {
            let r = await cwA.post(`/api/v1/cases/${caseA.id}/support-plans`, {
                type: 'Education', objectives: PLAN_OBJECTIVES, planned_end_date: '2027-03', provider: 'Vocational centre',
            });
            assert.equal(r.status, 201, r.text);
            const plan = r.json;
            assert.equal(plan.status, 'Planned');
            r = await cwA.patch(`/api/v1/cases/${caseA.id}/support-plans/${plan.id}`, { status: 'Completed', actual_end_date: '2027-02-20' },
                { headers: { 'If-Match': String(plan.version) } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'Completed');
            assert.equal(r.json.objectives, PLAN_OBJECTIVES);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/support-plans`);
            assert.equal(r.json.items.length, 1);
            r = await cwA.post(`/api/v1/cases/${caseA.id}/support-plans`, { objectives: 'no type' });
            assertError(r, 400, 'invalid', 'type');
            r = await cwB.get(`/api/v1/cases/${caseA.id}/support-plans`);
            assertError(r, 404);
        });
    });

    describe('attachments', () => {
        let att;
        it('upload and download round trip with the SHA-256', async () => {
            let r = await upload(cwA, caseA.id, 'consent_form', PDF, { name: FILE_NAME, type: 'application/pdf' });
            assert.equal(r.status, 201, r.text);
            att = r.json;
            assert.equal(att.media_type, 'application/pdf');
            assert.equal(att.size, PDF.length);
            assert.equal(att.file_name, FILE_NAME);
            assert.equal(att.sha256, crypto.createHash('sha256').update(PDF).digest('hex'));
            const big = Buffer.alloc(300_000, 7);
            Buffer.from('\x89PNG\r\n\x1a\n', 'latin1').copy(big);
            r = await upload(cwA, caseA.id, 'medical', big, { name: 'scan.png' });
            assert.equal(r.status, 201, r.text);
            const bigId = r.json.id;
            r = await cwA.get(`/api/v1/cases/${caseA.id}/attachments`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 2);
            const res = await fetch(`${s.url}/api/v1/cases/${caseA.id}/attachments/${att.id}`, {
                headers: { Cookie: [...cwA.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
            });
            assert.equal(res.status, 200);
            assert.equal(res.headers.get('content-type'), 'application/pdf');
            assert.equal(res.headers.get('x-content-sha256'), att.sha256);
            assert.match(res.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''consent%20Ngozi%20Okafor\.pdf$/);
            assert.ok(Buffer.from(await res.arrayBuffer()).equals(PDF));
            const res2 = await fetch(`${s.url}/api/v1/cases/${caseA.id}/attachments/${bigId}`, {
                headers: { Cookie: [...cwA.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
            });
            assert.ok(Buffer.from(await res2.arrayBuffer()).equals(big));
            // The investigator has no health group: the medical file is withheld and not downloadable.
            r = await invA.get(`/api/v1/cases/${caseA.id}/attachments`);
            const med = r.json.items.find((a) => a.id === bigId);
            assert.equal(med.file_name, null);
            assert.deepEqual(med.withheld, ['file_name']);
            r = await invA.get(`/api/v1/cases/${caseA.id}/attachments/${bigId}`);
            assertError(r, 403);
        });
        it('refuses other types, a wrong declared type, unknown kinds and files over 10 MiB', async () => {
            let r = await upload(cwA, caseA.id, 'other', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]));
            assertError(r, 400, 'invalid', 'content');
            r = await upload(cwA, caseA.id, 'other', Buffer.from('plain words'), { type: 'image/png' });
            assertError(r, 400, 'invalid', 'content');
            r = await upload(cwA, caseA.id, 'photo', PDF);
            assertError(r, 400, 'invalid', 'kind');
            // Refused from Content-Length, before the body is read (the body is never sent).
            const cookie = [...cwA.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
            const headers = { Cookie: cookie, 'X-CSRF-Token': cwA.cookies.get('ctis_csrf') };
            r = await rawRequest(`${s.url}/api/v1/cases/${caseA.id}/attachments?kind=other`, {
                method: 'POST', headers: { ...headers, 'Content-Length': String(10 * 1024 * 1024 + 1) },
            });
            assertError(r, 413);
            // Exactly 10 MiB passes the HTTP limit (and is then checked by type).
            r = await upload(cwA, caseA.id, 'other', Buffer.alloc(10 * 1024 * 1024, 0x41));
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.media_type, 'text/plain');
            // Other routes keep the 1 MiB JSON limit.
            r = await rawRequest(`${s.url}/api/v1/cases/${caseA.id}/comments`, {
                method: 'POST',
                headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) },
            });
            assertError(r, 413);
        });
        it('another agency can neither list, download, upload nor delete', async () => {
            let r = await cwB.get(`/api/v1/cases/${caseA.id}/attachments`);
            assertError(r, 404);
            r = await cwB.get(`/api/v1/cases/${caseA.id}/attachments/${att.id}`);
            assertError(r, 404);
            r = await upload(cwB, caseA.id, 'other', Buffer.from('hello'));
            assertError(r, 404);
            r = await cwB.del(`/api/v1/cases/${caseA.id}/attachments/${att.id}`);
            assertError(r, 404);
        });
        it('delete marks it: no longer listed or downloadable', async () => {
            let r = await cwA.del(`/api/v1/cases/${caseA.id}/attachments/${att.id}`);
            assert.equal(r.status, 200, r.text);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/attachments/${att.id}`);
            assertError(r, 404);
            r = await cwA.get(`/api/v1/cases/${caseA.id}/attachments?include_deleted=1`);
            assert.ok(r.json.items.find((a) => a.id === att.id).deleted);
        });
    });

    describe('server log', () => {
        it('holds no perpetrator name, narrative or file name', async () => {
            for (const p of PERSONAL) {
                assert.ok(!s.stderr.includes(p), `the log holds ${p}`);
                assert.ok(!s.stderr.includes(encodeURIComponent(p)), `the log holds ${p} encoded`);
            }
        });
    });
});
