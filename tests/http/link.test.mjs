// link: the candidate networks routes (issue 7, part G): the ranked list, one network's nodes and
// edges, the GraphML and CSV downloads, link.run (403 for roles without it), scope (an agency's
// investigator sees only its agency's investigations), no name or value in any answer, and the
// `ctis link networks` / `ctis link export` commands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const SECRETS = ['Quillmarsh', 'Zephyrine', '7700', 'NWBK', 'Harbourlight'];

eachEngine((engine) => {
    let s, invA, invB, invAll, prosA, cwA, coord;

    before(async () => {
        s = await startServer({ engine });
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        invAll = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'all' }));
        prosA = await s.clientFor(s.addUser({ agency: 'A', role: 'prosecutor', scope: 'agency' }));
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        const ia = (await invA.post('/api/v1/investigations', { reference: 'PF/NET/A1', country: 'GBR' })).json.id;
        const ib = (await invB.post('/api/v1/investigations', { reference: 'PF/NET/B1', country: 'ROU' })).json.id;
        const sus = await invA.post(`/api/v1/investigations/${ia}/suspects`, { kind: 'natural', name: 'Quillmarsh Dove', role: 'RecruiterOrIntermediary', citizenship: 'ALB' });
        assert.equal(sus.status, 201, sus.text);
        let r = await invA.post(`/api/v1/investigations/${ia}/entities`, { kind: 'phone', value: '+44 7700 900555', suspect_id: sus.json.id });
        assert.equal(r.status, 201, r.text);
        const acc1 = (await invA.post(`/api/v1/investigations/${ia}/entities`, { kind: 'bank_account', value: 'GB29 NWBK 6016 1331 9268 19' })).json.id;
        const acc2 = (await invA.post(`/api/v1/investigations/${ia}/entities`, { kind: 'bank_account', value: 'DE89 3704 0044 0532 0130 00' })).json.id;
        r = await invA.post(`/api/v1/investigations/${ia}/transactions`, { from_entity: acc1, to_entity: acc2, date: '2026-03-04', amount_minor: 125050, currency: 'EUR', reference: 'Zephyrine rent' });
        assert.equal(r.status, 201, r.text);
        r = await invB.post(`/api/v1/investigations/${ib}/entities`, { kind: 'phone', value: '0044 7700 900 555', country: 'ROU' });
        assert.equal(r.status, 201, r.text);
        r = await invB.post(`/api/v1/investigations/${ib}/suspects`, { kind: 'legal', name: 'Harbourlight Jobs' });
        assert.equal(r.status, 201, r.text);
    });
    after(async () => {
        await s?.stop();
    });

    describe('networks', () => {
        it('GET /link/networks ranks the networks; the shared phone joins two agencies\' investigations', async () => {
            const r = await invAll.get('/api/v1/link/networks');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 1);
            const n = r.json.items[0];
            assert.equal(n.id, 1);
            assert.equal(n.investigations, 2);
            assert.equal(n.suspects, 2);
            assert.equal(n.entities, 3);
            assert.equal(n.transactions, 1);
            assert.deepEqual(n.money, [{ currency: 'EUR', count: 1, total_minor: 125050 }]);
            assert.deepEqual([...n.country_codes].sort(), ['ALB', 'GBR', 'ROU']);
            assert.ok(n.top.length > 0 && n.density > 0);
            for (const x of SECRETS) assert.ok(!r.text.includes(x), x);
        });
        it('an agency investigator sees only its agency\'s investigations; min_size is checked', async () => {
            let r = await invA.get('/api/v1/link/networks');
            assert.equal(r.status, 200, r.text);
            assert.ok(r.json.items.every((n) => n.investigations === 1));
            assert.ok(!r.text.includes('PF/NET/B1'));
            r = await invA.get('/api/v1/link/networks?min_size=50');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 0);
            assertError(await invA.get('/api/v1/link/networks?min_size=zero'), 400, 'invalid', 'min_size');
        });
        it('GET /link/networks/{id} gives nodes and edges with pseudonymous labels', async () => {
            const r = await invAll.get('/api/v1/link/networks/1');
            assert.equal(r.status, 200, r.text);
            const kinds = new Set(r.json.node_list.map((n) => n.type));
            assert.deepEqual([...kinds].sort(), ['entity', 'investigation', 'place', 'suspect']);
            const phone = r.json.node_list.filter((n) => n.kind === 'phone');
            assert.equal(phone.length, 1);
            const ids = new Set(r.json.node_list.map((n) => n.id));
            assert.ok(r.json.edge_list.every((e) => ids.has(e.source) && ids.has(e.target)));
            const tx = r.json.edge_list.find((e) => e.type === 'transaction');
            assert.equal(tx.money[0].total_minor, 125050);
            assert.ok(r.json.node_list.some((n) => n.type === 'suspect' && /^S-\d+$/.test(n.label) && n.role === 'RecruiterOrIntermediary'));
            for (const x of SECRETS) assert.ok(!r.text.includes(x), x);
            assertError(await invAll.get('/api/v1/link/networks/2'), 404, 'not_found');
            assertError(await invAll.get('/api/v1/link/networks/x'), 404);
        });
        it('GraphML and CSV downloads hold no name or value', async () => {
            let r = await invAll.get('/api/v1/link/networks/1/graphml');
            assert.equal(r.status, 200, r.text);
            assert.match(r.headers.get('content-type'), /graphml/);
            assert.match(r.headers.get('content-disposition'), /attachment; filename="network-1.graphml"/);
            assert.ok(r.text.startsWith('<?xml') && r.text.includes('<graphml') && r.text.trim().endsWith('</graphml>'));
            assert.ok(r.text.includes('PF/NET/A1'));
            for (const x of SECRETS) assert.ok(!r.text.includes(x), x);
            r = await invAll.get('/api/v1/link/networks/1/csv');
            assert.equal(r.status, 200, r.text);
            assert.match(r.headers.get('content-type'), /text\/csv/);
            assert.ok(r.text.startsWith('record,id,type,kind,label,role,source,target,relation,count,money\n'));
            assert.ok(r.text.includes('\nedge,'));
            for (const x of SECRETS) assert.ok(!r.text.includes(x), x);
        });
        it('403 with link.run but without justice.read', async () => {
            const root = await s.rootClient();
            const role = await root.post('/api/v1/roles', { name: 'link-only', description: 'linkage, no justice', mfa_required: true, permissions: ['link.run'] });
            assert.equal(role.status, 201, role.text);
            const linkOnly = await s.clientFor(s.addUser({ agency: 'A', role: 'link-only', scope: 'all' }));
            assertError(await linkOnly.get('/api/v1/link/networks'), 403, 'forbidden');
            assertError(await linkOnly.get('/api/v1/link/networks/1/csv'), 403, 'forbidden');
        });
        it('403 without link.run (prosecutor, caseworker, coordinator); audited', async () => {
            for (const c of [prosA, cwA, coord]) {
                for (const p of ['/api/v1/link/networks', '/api/v1/link/networks/1', '/api/v1/link/networks/1/graphml', '/api/v1/link/networks/1/csv', '/api/v1/link/networks?min_size=zero']) {
                    assertError(await c.get(p), 403, 'forbidden');
                }
            }
            const n = s.sql("SELECT count(*) FROM audit_log WHERE action = 'link.run' AND detail LIKE 'graph:%'").trim();
            assert.ok(Number(n) >= 6, n);
        });
        it('ctis link networks and link export', () => {
            const out = s.cliOk(['link', 'networks', '--json']).json;
            assert.equal(out.items.length, 1);
            assert.equal(out.items[0].investigations, 2);
            const file = `${s.dir}/net.graphml`;
            s.cliOk(['link', 'export', '--network', '1', '--format', 'graphml', '--out', file]);
            const x = readFileSync(file, 'utf8');
            assert.ok(x.includes('<graphml'));
            for (const v of SECRETS) assert.ok(!x.includes(v), v);
            const bad = s.cli(['link', 'export', '--network', '9', '--format', 'csv', '--out', `${s.dir}/n.csv`]);
            assert.notEqual(bad.code, 0);
            const bad2 = s.cli(['link', 'export', '--network', '1', '--format', 'pdf', '--out', `${s.dir}/n.csv`]);
            assert.notEqual(bad2.code, 0);
        });
    });
});
