// protect: the data-protection routes over HTTP on both engines: the consent checklist and its
// history, a withdrawal refusing further changes (409 naming the item) and leaving the case out
// of statistics, the subject-access export (403 without case.sar), retention periods, the
// retention purge (dry run and real) and purging one case on request, with the routes' permissions.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { eachEngine, startServer } from './lib.mjs';

eachEngine((engine) => {
    let s;
    let cw, sup, admin, analyst;
    let caseId;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true }));
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true }));
        admin = await s.clientFor(s.addUser({ agency: 'A', role: 'administrator', scope: 'agency', totp: true }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: true }));
        const r = await cw.post('/api/v1/cases', {
            fields: { given_name: 'Halima', family_name: 'Sanusi', gender: 'TransgenderMasculine' },
        });
        assert.equal(r.status, 201, r.text);
        caseId = r.json.case.id;
    });
    after(async () => {
        await s?.stop();
    });

    it('records consent items with labels and history', async () => {
        let r = await cw.get(`/api/v1/cases/${caseId}/consent?lang=fr`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.items.length, 7);
        assert.ok(r.json.items.every((i) => i.state === 'not_asked'));
        assert.match(r.json.items[0].label, /entretien/);
        r = await cw.request('PUT', `/api/v1/cases/${caseId}/consent`, {
            json: { items: [{ item: 'interview', state: 'given' }, { item: 'data_use', state: 'given' },
                { item: 'research', state: 'given', date: '2026-11-01', note: 'signed' }] },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.restrictions.sharing_allowed, true);
        r = await cw.request('PUT', `/api/v1/cases/${caseId}/consent`, { json: { items: [{ item: 'nope', state: 'given' }] } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'item');
        r = await cw.get(`/api/v1/cases/${caseId}/consent/history`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.items.length, 3);
    });

    it('withdrawal restricts processing and statistics', async () => {
        let r = await analyst.get('/api/v1/stats/victims?by=gender');
        const count = () => (r.json.rows.find((x) => x.keys.gender === 'TransgenderMasculine') || { count: 0 }).count;
        assert.equal(count(), 1);
        r = await cw.request('PUT', `/api/v1/cases/${caseId}/consent`, {
            json: { items: [{ item: 'data_use', state: 'withdrawn' }, { item: 'research', state: 'withdrawn' }] },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.restrictions.processing, true);
        r = await cw.post(`/api/v1/cases/${caseId}/comments`, { body: 'more' });
        assert.equal(r.status, 409, r.text);
        assert.match(r.json.error.message, /data_use/);
        r = await analyst.get('/api/v1/stats/victims?by=gender');
        assert.equal(count(), 0);
    });

    it('subject-access export needs case.sar', async () => {
        let r = await cw.get(`/api/v1/cases/${caseId}/subject-access`);
        assert.equal(r.status, 403, r.text);
        r = await sup.get(`/api/v1/cases/${caseId}/subject-access`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.case.fields.given_name, 'Halima');
        assert.ok(r.json.consent.history.length >= 5);
        assert.ok(r.json.audit.some((e) => e.action === 'case.sar'));
    });

    it('retention periods, purge and purge on request', async () => {
        let r = await cw.get('/api/v1/retention');
        assert.equal(r.status, 403, r.text);
        r = await admin.request('PUT', '/api/v1/retention', { json: { record_type: 'comments', period: '5 years' } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'period');
        r = await admin.request('PUT', '/api/v1/retention', { json: { record_type: 'comments', period: '5y' } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.items.find((x) => x.record_type === 'comments').period, '5y');
        r = await sup.post('/api/v1/retention/purge', { dry_run: true });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.dry_run, true);
        assert.equal(r.json.cases, 0); // nothing closed five years ago
        r = await sup.post(`/api/v1/cases/${caseId}/purge`, {});
        assert.equal(r.status, 409, r.text); // not closed
        const g = await sup.get(`/api/v1/cases/${caseId}`);
        r = await sup.request('POST', `/api/v1/cases/${caseId}/close`, {
            json: { status: 'Closed' }, headers: { 'If-Match': g.headers.get('etag') },
        });
        assert.equal(r.status, 200, r.text);
        r = await cw.post(`/api/v1/cases/${caseId}/purge`, {});
        assert.equal(r.status, 403, r.text);
        r = await sup.post(`/api/v1/cases/${caseId}/purge`, {});
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.cases, 1);
        r = await sup.get(`/api/v1/cases/${caseId}`);
        assert.equal(r.json.fields.given_name, undefined);
        assert.equal(r.json.fields.gender, 'TransgenderMasculine');
    });
});
