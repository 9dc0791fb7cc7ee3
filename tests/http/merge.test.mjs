// merge: likely duplicates and merging them over HTTP. A supervisor merges a duplicate into a
// case (both versions checked); a caseworker (no case.merge) and another agency's case are
// refused; the duplicate says where it went, refuses changes and leaves lists; the kept case's
// history holds both histories.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''} ${field ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
    if (field) {
        assert.equal(r.json.error.field, field, r.text);
    }
}

const ifMatch = (v) => ({ headers: { 'If-Match': `"${v}"` } });

eachEngine((engine) => {
    let s;
    let sup, cw, supB;
    let keep, dup, other;

    before(async () => {
        s = await startServer({ engine });
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency', totp: true }));
        supB = await s.clientFor(s.addUser({ agency: 'B', role: 'case_supervisor', scope: 'agency', totp: true }));
        let r = await sup.post('/api/v1/cases', { fields: { given_name: 'Halima', family_name: 'Yusuf', gender: 'female' } });
        assert.equal(r.status, 201, r.text);
        keep = r.json.case;
        r = await sup.post('/api/v1/cases', {
            fields: { given_name: 'Yusuf', family_name: 'Halima', birth_date: '1994-02-11', phone: '+234 700 111 2222', gender: 'female' },
        });
        assert.equal(r.status, 201, r.text);
        dup = r.json.case;
        // On create, the likely duplicates come with the new case.
        assert.ok(r.json.duplicates.some((d) => d.id === keep.id), r.text);
        r = await supB.post('/api/v1/cases', { fields: { given_name: 'Halima', family_name: 'Yusuf' } });
        assert.equal(r.status, 201, r.text);
        other = r.json.case;
        r = await sup.post(`/api/v1/cases/${dup.id}/events`, { type: 'Transit', country: 'NER', date: '2021' });
        assert.equal(r.status, 201, r.text);
    });
    after(async () => {
        await s?.stop();
    });

    describe('merge', () => {
        it('the duplicates of the kept case name the duplicate, not the other agency\'s case', async () => {
            const r = await sup.get(`/api/v1/cases/${keep.id}/duplicates`);
            assert.equal(r.status, 200, r.text);
            const ids = r.json.items.map((d) => d.id);
            assert.ok(ids.includes(dup.id), r.text);
            assert.ok(!ids.includes(other.id), r.text);
        });

        it('refused: no case.merge (403), another agency (404), itself (400), stale versions (412)', async () => {
            assertError(await cw.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id, merge_version: dup.version }, ifMatch(keep.version)), 403, 'forbidden');
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: other.id, merge_version: other.version }, ifMatch(keep.version)), 404, 'not_found');
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: keep.id, merge_version: keep.version }, ifMatch(keep.version)), 400, 'invalid', 'merge_id');
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id, merge_version: dup.version + 5 }, ifMatch(keep.version)), 412);
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id, merge_version: dup.version }, ifMatch(keep.version + 5)), 412);
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id }, ifMatch(keep.version)), 400, 'invalid', 'merge_version');
            assert.equal((await sup.get(`/api/v1/cases/${dup.id}`)).json.merged_into, undefined);
        });

        it('merges: the kept case takes the birth date, phone and event; the duplicate points to it', async () => {
            const r = await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id, merge_version: dup.version }, ifMatch(keep.version));
            assert.equal(r.status, 200, r.text);
            const k = r.json.case ?? r.json;
            assert.equal(k.fields.birth_date, '1994-02-11');
            assert.equal(k.fields.phone, '+234 700 111 2222');
            assert.equal(k.fields.given_name, 'Halima');
            const ev = await sup.get(`/api/v1/cases/${keep.id}/events`);
            assert.equal(ev.json.items.length, 1);
            const d = await sup.get(`/api/v1/cases/${dup.id}`);
            assert.equal(d.status, 200);
            assert.equal(d.json.merged_into, keep.id);
        });

        it('the duplicate refuses changes and leaves the list; the history has both', async () => {
            const d = await sup.get(`/api/v1/cases/${dup.id}`);
            assertError(await sup.patch(`/api/v1/cases/${dup.id}`, { fields: { gender: 'Masculine' } }, ifMatch(d.json.version)), 409, 'conflict');
            assertError(await sup.post(`/api/v1/cases/${keep.id}/merge`, { merge_id: dup.id, merge_version: d.json.version }, ifMatch((await sup.get(`/api/v1/cases/${keep.id}`)).json.version)), 409, 'conflict');
            const list = await sup.get('/api/v1/cases?limit=100');
            const ids = list.json.items.map((c) => c.id);
            assert.ok(ids.includes(keep.id) && !ids.includes(dup.id), list.text);
            const h = await sup.get(`/api/v1/cases/${keep.id}/history`);
            assert.equal(h.status, 200, h.text);
            const byCase = h.json.items.map((e) => `${e.case_id}:${e.action}`);
            assert.ok(byCase.includes(`${keep.id}:merge`), h.text);
            assert.ok(byCase.includes(`${dup.id}:create`), h.text);
            assert.ok(byCase.includes(`${dup.id}:merged`), h.text);
            assert.ok(byCase.includes(`${keep.id}:create`), h.text);
        });
    });
});
