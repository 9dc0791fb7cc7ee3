// grants: naming users on a restricted case, and the FollowUp status, over HTTP. The owner
// restricts a case; the agency's supervisor no longer sees it until named, and not after being
// removed; a user of another agency cannot be named; every change is in the history.
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

eachEngine((engine) => {
    let s;
    let owner, sup, cwB;
    let supUser, cwBUser;
    let c;

    before(async () => {
        s = await startServer({ engine });
        owner = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true }));
        supUser = s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true });
        sup = await s.clientFor(supUser);
        cwBUser = s.addUser({ agency: 'B', role: 'caseworker', scope: 'own', totp: true });
        cwB = await s.clientFor(cwBUser);
        const r = await owner.post('/api/v1/cases', { fields: { given_name: 'Kept', family_name: 'Private', gender: 'female' } });
        assert.equal(r.status, 201, r.text);
        c = r.json.case;
        const x = await owner.post(`/api/v1/cases/${c.id}/restrict`, { restricted: true });
        assert.equal(x.status, 200, x.text);
    });
    after(async () => {
        await s?.stop();
    });

    describe('naming users on a restricted case', () => {
        it('the supervisor does not see it; nobody is named', async () => {
            assertError(await sup.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
            const g = await owner.get(`/api/v1/cases/${c.id}/grants`);
            assert.equal(g.status, 200, g.text);
            assert.deepEqual(g.json.items, []);
        });

        it("another agency's user cannot be named (400 user_id); B cannot name anyone (404)", async () => {
            assertError(await owner.post(`/api/v1/cases/${c.id}/grants`, { user_id: cwBUser.id }), 400, 'invalid', 'user_id');
            assertError(await cwB.post(`/api/v1/cases/${c.id}/grants`, { user_id: cwBUser.id }), 404, 'not_found');
            assertError(await owner.post(`/api/v1/cases/${c.id}/grants`, {}), 400, 'invalid', 'user_id');
        });

        it('named, the supervisor sees it; removed, not any more', async () => {
            const g = await owner.post(`/api/v1/cases/${c.id}/grants`, { user_id: supUser.id });
            assert.equal(g.status, 200, g.text);
            assert.deepEqual(g.json.items.map((x) => x.user_id), [supUser.id]);
            assert.equal((await sup.get(`/api/v1/cases/${c.id}`)).status, 200);
            const d = await owner.request('DELETE', `/api/v1/cases/${c.id}/grants/${supUser.id}`);
            assert.equal(d.status, 200, d.text);
            assert.deepEqual(d.json.items, []);
            assertError(await sup.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
        });

        it('follow-up with If-Match; a stale one is 412; the history has grant, revoke, follow-up', async () => {
            const cur = await owner.get(`/api/v1/cases/${c.id}`);
            const v = cur.json.case?.version ?? cur.json.version;
            assertError(await owner.request('POST', `/api/v1/cases/${c.id}/follow-up`, { headers: { 'If-Match': `"${v + 3}"` } }), 412);
            const f = await owner.request('POST', `/api/v1/cases/${c.id}/follow-up`, { headers: { 'If-Match': `"${v}"` } });
            assert.equal(f.status, 200, f.text);
            assert.equal(f.json.case.status, 'FollowUp');
            assert.equal(f.json.case.closed_at, null);
            const h = await owner.get(`/api/v1/cases/${c.id}/history`);
            const actions = h.json.items.map((e) => e.action);
            for (const a of ['grant', 'revoke', 'follow-up']) {
                assert.ok(actions.includes(a), h.text);
            }
        });
    });
});
