// assets: asset orders against an investigation (justice.read / justice.write; agency scope, out
// of scope reads as absent), exact amounts per currency exponent, the status transitions (409
// naming from and to), allocations to compensation claims (the cap, the currency, the claim's
// case in reach), the claim side, the totals, and the `ctis asset` commands.
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
    let pros, invB, cw, cwB, coord, clerk;

    before(async () => {
        s = await startServer({ engine });
        pros = await s.clientFor(s.addUser({ agency: 'A', role: 'prosecutor', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
        cwB = await s.clientFor(s.addUser({ agency: 'B', role: 'caseworker', scope: 'agency' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        clerk = await s.clientFor(s.addUser({ agency: 'A', role: 'court_clerk', scope: 'agency' }));
    });
    after(async () => {
        await s?.stop();
    });

    async function claimFor(client, currency) {
        const c = await client.post('/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
        assert.equal(c.status, 201, c.text);
        const caseId = c.json.case.id;
        const r = await client.post(`/api/v1/cases/${caseId}/legal/compensation`, { kind: 'criminal_court', currency, amount_claimed: 5000000 });
        assert.equal(r.status, 201, r.text);
        return { caseId, claimId: r.json.id };
    }

    describe('asset orders', () => {
        let inv, order, base;
        const im = (v) => ({ headers: { 'If-Match': `"${v}"` } });
        it('POST records an order with an exact amount; the description is sealed', async () => {
            inv = (await pros.post('/api/v1/investigations', { reference: 'PF/2026/0500', opened: '2026-01-05' })).json;
            base = `/api/v1/investigations/${inv.id}/assets`;
            const r = await pros.post(base, { kind: 'seizure', asset_type: 'cash', description: 'Cash found at the house of Ade Bello', currency: 'EUR', amount: '12,345.67', authority: 'Investigating judge', order_date: '2026-02-01', court_reference: 'IJ/2026/4' });
            assert.equal(r.status, 201, r.text);
            order = r.json;
            assert.equal(order.amount, '12345.67');
            assert.equal(order.amount_minor, 1234567);
            assert.equal(order.status, 'requested');
            assert.equal(order.description, 'Cash found at the house of Ade Bello');
            assert.equal(order.history.length, 1);
            assert.equal(s.sql(`SELECT count(*) FROM asset_orders WHERE id = ${order.id} AND amount = 1234567 AND description_enc IS NOT NULL`).trim(), '1');
        });
        it('amounts follow the currency\'s decimals; input is checked', async () => {
            let r = await pros.post(base, { kind: 'freezing', asset_type: 'bank_account', currency: 'JPY', amount: '1,500,000' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.amount_minor, 1500000);
            r = await pros.post(base, { kind: 'freezing', asset_type: 'bank_account', currency: 'KWD', amount: '2.125' });
            assert.equal(r.json.amount_minor, 2125);
            assert.equal(r.json.amount, '2.125');
            assertError(await pros.post(base, { kind: 'freezing', asset_type: 'cash', currency: 'JPY', amount: '10.5' }), 400, 'invalid', 'amount');
            assertError(await pros.post(base, { kind: 'freezing', asset_type: 'cash', currency: 'EUR', amount: '1,23.00' }), 400, 'invalid', 'amount');
            assertError(await pros.post(base, { kind: 'freezing', asset_type: 'cash', currency: 'EUR', amount: 12.5 }), 400, 'invalid', 'amount');
            assertError(await pros.post(base, { kind: 'freezing', asset_type: 'cash', currency: 'ZZZ', amount: '1' }), 400, 'invalid', 'currency');
            assertError(await pros.post(base, { kind: 'freeze', asset_type: 'cash' }), 400, 'invalid', 'kind');
            assertError(await pros.post(base, { kind: 'freezing', asset_type: 'cash', suspect_id: 1 }), 400, 'invalid', 'suspect_id');
        });
        it('scope: another agency reads it as absent; a caseworker is refused; the coordinator without the description', async () => {
            assertError(await invB.get(`${base}/${order.id}`), 404, 'not_found');
            assertError(await invB.get(base), 404, 'not_found');
            assertError(await cw.get(base), 403, 'forbidden');
            let r = await coord.get(`${base}/${order.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.description, null);
            assert.equal(r.json.description_withheld, true);
            assert.ok(!r.text.includes('Bello'));
            r = await clerk.get(base);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 3);
            assertError(await clerk.post(base, { kind: 'seizure', asset_type: 'cash' }), 403, 'forbidden');
        });
        it('PATCH needs If-Match', async () => {
            assertError(await pros.patch(`${base}/${order.id}`, { authority: 'x' }), 412);
            const r = await pros.patch(`${base}/${order.id}`, { authority: 'Court of first instance' }, im(order.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.authority, 'Court of first instance');
            assert.equal(r.json.description, 'Cash found at the house of Ade Bello');
            assertError(await pros.patch(`${base}/${order.id}`, { authority: 'y' }, im(order.version)), 409, 'conflict');
        });
        it('transitions: illegal ones are 409 naming from and to; each kept in the history', async () => {
            let r = await pros.post(`${base}/${order.id}/status`, { status: 'executed' });
            assertError(r, 409, 'conflict', 'status');
            assert.match(r.json.error.message, /from requested to executed/);
            for (const st of ['ordered', 'executed']) {
                r = await pros.post(`${base}/${order.id}/status`, { status: st, note: `Note on ${st}` });
                assert.equal(r.status, 200, r.text);
            }
            r = await pros.post(`${base}/${order.id}/status`, { status: 'confiscated', amount: '10,000.00', date: '2026-06-01' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'confiscated');
            assert.equal(r.json.amount_minor, 1000000);
            assert.deepEqual(r.json.history.map((h) => h.to), ['requested', 'ordered', 'executed', 'confiscated']);
            assert.equal(r.json.history[1].note, 'Note on ordered');
            r = await coord.get(`${base}/${order.id}`);
            assert.equal(r.json.history[1].note_withheld, true);
            assert.ok(!r.text.includes('Note on'));
        });
        let claim, claimJpy, claimB;
        it('allocations to compensation claims: the cap, the currency, the claim\'s reach', async () => {
            claim = await claimFor(cw, 'EUR');
            claimJpy = await claimFor(cw, 'JPY');
            claimB = await claimFor(cwB, 'EUR');
            let r = await pros.post(`${base}/${order.id}/allocations`, { claim_id: claim.claimId, amount: '7,500.00', date: '2026-07-01' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.allocated_minor, 750000);
            r = await pros.post(`${base}/${order.id}/allocations`, { claim_id: claim.claimId, amount: '2,500.01' });
            assertError(r, 409, 'conflict', 'amount');
            assert.match(r.json.error.message, /2500\.00/);
            assertError(await pros.post(`${base}/${order.id}/allocations`, { claim_id: claimJpy.claimId, amount: '1' }), 409, 'conflict', 'currency');
            assertError(await pros.post(`${base}/${order.id}/allocations`, { claim_id: claimB.claimId, amount: '1' }), 400, 'invalid', 'claim_id');
            assertError(await coord.post(`${base}/${order.id}/allocations`, { claim_id: claim.claimId, amount: '1' }), 403, 'forbidden');
            r = await pros.post(`${base}/${order.id}/allocations`, { claim_id: claim.claimId, amount: '2,500' });
            assert.equal(r.status, 201, r.text);
            r = await pros.get(`${base}/${order.id}/allocations`);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((a) => a.amount), ['7500.00', '2500.00']);
            assertError(await pros.patch(`${base}/${order.id}`, { amount: '20,000' }, im(r.json.version ?? 0)), 409);
        });
        it('the claim side shows the allocations to the caseworker of the case', async () => {
            let r = await cw.get(`/api/v1/cases/${claim.caseId}/legal/compensation/${claim.claimId}/allocations`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 2);
            assert.equal(r.json.items[0].order_id, order.id);
            assertError(await cwB.get(`/api/v1/cases/${claim.caseId}/legal/compensation/${claim.claimId}/allocations`), 404);
        });
        it('realised: proceeds not below the allocations', async () => {
            assertError(await pros.post(`${base}/${order.id}/status`, { status: 'realised' }), 400, 'invalid', 'amount');
            assertError(await pros.post(`${base}/${order.id}/status`, { status: 'realised', amount: '9,999.99' }), 409, 'conflict', 'amount');
            const r = await pros.post(`${base}/${order.id}/status`, { status: 'realised', amount: '10,400.00' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.realised_amount, '10400.00');
        });
        it('GET /assets/totals per currency and year, in scope', async () => {
            let r = await pros.get('/api/v1/assets/totals');
            assert.equal(r.status, 200, r.text);
            const eur = r.json.items.find((x) => x.currency === 'EUR' && x.year === '2026');
            assert.deepEqual(eur, { currency: 'EUR', year: '2026', frozen: 0, seized: 1000000, confiscated: 1000000, realised: 1040000, allocated: 1000000 });
            r = await invB.get('/api/v1/assets/totals');
            assert.equal(r.json.items.length, 0);
            assertError(await pros.get('/api/v1/assets/totals?from=2026-02-30'), 400, 'invalid', 'from');
            assertError(await cw.get('/api/v1/assets/totals'), 403, 'forbidden');
        });
        it('the CLI adds, moves, allocates, lists and totals', () => {
            const id = s.cliOk(['asset', 'add', String(inv.id), '--kind', 'confiscation', '--type', 'vehicle', '--currency', 'EUR', '--amount', '3,000', '--date', '2026-08-01', '--json']).json.id;
            for (const st of ['ordered', 'executed', 'confiscated']) {
                s.cliOk(['asset', 'status', String(inv.id), String(id), '--to', st]);
            }
            const bad = s.cli(['asset', 'status', String(inv.id), String(id), '--to', 'lifted']);
            assert.equal(bad.code, 4, bad.stderr);
            s.cliOk(['asset', 'allocate', String(inv.id), String(id), '--claim', String(claim.claimId), '--amount', '1,000.50']);
            const shown = s.cliOk(['asset', 'show', String(inv.id), String(id)]).json;
            assert.equal(shown.allocated, '1000.50');
            const list = s.cliOk(['asset', 'list', String(inv.id), '--json']).json;
            assert.equal(list.length, 4);
            const csv = s.cliOk(['asset', 'totals', '--from', '2026-01-01']).stdout;
            assert.match(csv, /^currency,year,frozen,seized,confiscated,realised,allocated$/m);
            assert.match(csv, /^EUR,2026,0\.00,10000\.00,13000\.00,10400\.00,11000\.50$/m);
            assert.match(csv, /^KWD,2026,0\.000,0\.000,0\.000,0\.000,0\.000$/m);
        });
    });
});
