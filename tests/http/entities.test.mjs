// entities: the investigative entities routes (issue 5, part J2): entities of an investigation
// with the value sealed and withheld without fg.legal.read, versioned changes and retraction,
// links, transactions between bank accounts, the search by value across the investigations in
// scope (POST body, never a URL), and the `ctis entity` / `ctis transaction` commands.
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
    let invA, prosA, invB, cwA, coord, invAll, clerk;
    let invIdA, invIdB;

    before(async () => {
        s = await startServer({ engine });
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        prosA = await s.clientFor(s.addUser({ agency: 'A', role: 'prosecutor', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        invAll = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'all' }));
        clerk = await s.clientFor(s.addUser({ agency: 'A', role: 'court_clerk', scope: 'agency' }));
        invIdA = (await invA.post('/api/v1/investigations', { reference: 'PF/ENT/A1', country: 'GBR' })).json.id;
        invIdB = (await invB.post('/api/v1/investigations', { reference: 'PF/ENT/B1', country: 'FRA' })).json.id;
    });
    after(async () => {
        await s?.stop();
    });

    describe('entities', () => {
        let phone, company, acc1, acc2;
        it('POST adds an entity: the value sealed at rest, ETag the version', async () => {
            let r = await invA.post(`/api/v1/investigations/${invIdA}/entities`, { kind: 'phone', value: '+44 7700 900123', note: 'Vexmoor handset', country: 'GB', first_seen: '2026-01-02' });
            assert.equal(r.status, 201, r.text);
            phone = r.json;
            assert.equal(phone.value, '+44 7700 900123');
            assert.equal(phone.country, 'GBR');
            assert.equal(phone.version, 1);
            assert.equal(r.headers.get('etag'), '"1"');
            assert.equal(s.sql(`SELECT count(*) FROM investigation_entities WHERE id = ${phone.id} AND value_enc IS NOT NULL AND value_bidx IS NOT NULL AND note_enc IS NOT NULL`).trim(), '1');
            company = (await prosA.post(`/api/v1/investigations/${invIdA}/entities`, { kind: 'company', value: 'Vexmoor Holdings Ltd', registration: 'HRB 0712' })).json;
            acc1 = (await prosA.post(`/api/v1/investigations/${invIdA}/entities`, { kind: 'bank_account', value: 'GB29 NWBK 6016 1331 9268 19', bank_code: 'NWBKGB2L', currency: 'gbp' })).json;
            acc2 = (await prosA.post(`/api/v1/investigations/${invIdA}/entities`, { kind: 'bank_account', value: 'DE89 3704 0044 0532 0130 00' })).json;
            assert.equal(acc1.currency, 'GBP');
            r = await invB.post(`/api/v1/investigations/${invIdB}/entities`, { kind: 'phone', value: '0044 7700-900-123' });
            assert.equal(r.status, 201, r.text);
        });
        it('input is checked; only justice.write with fg.legal.write in scope adds', async () => {
            const url = `/api/v1/investigations/${invIdA}/entities`;
            assertError(await invA.post(url, { kind: 'spaceship', value: 'x' }), 400, 'invalid', 'kind');
            assertError(await invA.post(url, { kind: 'phone', value: 'none' }), 400, 'invalid', 'value');
            assertError(await invA.post(url, { kind: 'phone', value: '+1 555 0100', currency: 'USD' }), 400, 'invalid', 'currency');
            assertError(await invA.post(url, { kind: 'online_profile', value: '@x', platform: 'myspace' }), 400, 'invalid', 'platform');
            assertError(await invA.post(url, { kind: 'phone', value: '+1 555 0100', colour: 'red' }), 400, 'invalid', 'colour');
            assertError(await clerk.post(url, { kind: 'phone', value: '+1 555 0100' }), 403, 'forbidden');
            assertError(await cwA.post(url, { kind: 'phone', value: '+1 555 0100' }), 403, 'forbidden');
            assertError(await invB.post(url, { kind: 'phone', value: '+1 555 0100' }), 404, 'not_found');
        });
        it('GET lists them; without fg.legal.read the values are withheld', async () => {
            let r = await clerk.get(`/api/v1/investigations/${invIdA}/entities`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 4);
            assert.ok(r.text.includes('Vexmoor'));
            r = await coord.get(`/api/v1/investigations/${invIdA}/entities`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 4);
            assert.ok(r.json.items.every((e) => e.value === null && e.value_withheld === true && e.note === null));
            assert.ok(!r.text.includes('Vexmoor') && !r.text.includes('7700'));
            r = await coord.get(`/api/v1/investigations/${invIdA}/entities/${phone.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.value, null);
            assertError(await invB.get(`/api/v1/investigations/${invIdA}/entities/${phone.id}`), 404, 'not_found');
            assertError(await invA.get(`/api/v1/investigations/${invIdB}/entities`), 404, 'not_found');
            assertError(await cwA.get(`/api/v1/investigations/${invIdA}/entities`), 403, 'forbidden');
            assertError(await invA.get(`/api/v1/investigations/${invIdA}/entities/999`), 404, 'not_found');
        });
        it('PATCH needs If-Match; a retraction needs a reason and is final', async () => {
            const url = `/api/v1/investigations/${invIdA}/entities/${phone.id}`;
            assertError(await invA.patch(url, { country: 'FR' }), 412);
            let r = await invA.patch(url, { last_seen: '2026-03-01' }, { headers: { 'If-Match': '"1"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.last_seen, '2026-03-01');
            assert.equal(r.json.value, '+44 7700 900123');
            assertError(await invA.patch(url, { country: 'FR' }, { headers: { 'If-Match': '"1"' } }), 409, 'conflict');
            assertError(await invA.patch(url, { kind: 'email' }, { headers: { 'If-Match': '"2"' } }), 400, 'invalid', 'kind');
            assertError(await invA.patch(url, { retracted: true }, { headers: { 'If-Match': '"2"' } }), 400, 'invalid', 'retract_reason');
            const spare = (await invA.post(`/api/v1/investigations/${invIdA}/entities`, { kind: 'email', value: 'x@example.org' })).json;
            r = await invA.patch(`/api/v1/investigations/${invIdA}/entities/${spare.id}`, { retracted: true, retract_reason: 'typed in error' }, { headers: { 'If-Match': '"1"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.retracted, true);
            assert.equal(r.json.retract_reason, 'typed in error');
            assertError(await invA.patch(`/api/v1/investigations/${invIdA}/entities/${spare.id}`, { note: 'x' }, { headers: { 'If-Match': '"2"' } }), 409, 'conflict');
        });
        it('links within the investigation', async () => {
            const url = `/api/v1/investigations/${invIdA}/entity-links`;
            let r = await prosA.post(url, { from_entity: company.id, to_entity: acc1.id, relation: 'owns' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.relation, 'owns');
            assertError(await prosA.post(url, { from_entity: company.id, to_entity: acc1.id, relation: 'owns' }), 409, 'conflict');
            assertError(await prosA.post(url, { from_entity: company.id, to_entity: acc1.id, relation: 'loves' }), 400, 'invalid', 'relation');
            assertError(await prosA.post(url, { from_entity: company.id, to_entity: 12345, relation: 'uses' }), 400, 'invalid', 'to_entity');
            r = await coord.get(url);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((l) => [l.from_entity, l.to_entity]), [[company.id, acc1.id]]);
            assertError(await clerk.post(url, { from_entity: acc2.id, to_entity: acc1.id, relation: 'uses' }), 403, 'forbidden');
        });
        it('transactions between two bank accounts; the reference sealed and withheld', async () => {
            const url = `/api/v1/investigations/${invIdA}/transactions`;
            let r = await prosA.post(url, { from_entity: acc1.id, to_entity: acc2.id, date: '2026-02-10', amount_minor: 150000, currency: 'eur', reference: 'Vexmoor rent', channel: 'bank_transfer' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.currency, 'EUR');
            assert.equal(r.json.amount_minor, 150000);
            assertError(await prosA.post(url, { from_entity: acc1.id, to_entity: phone.id, date: '2026-02-10', amount_minor: 1, currency: 'EUR' }), 400, 'invalid', 'to_entity');
            assertError(await prosA.post(url, { from_entity: acc1.id, to_entity: acc2.id, date: '2026-02-10', amount_minor: 1, currency: 'EURO' }), 400, 'invalid', 'currency');
            assertError(await prosA.post(url, { from_entity: acc1.id, to_entity: acc2.id, date: '2026-02-10', amount_minor: 1, currency: 'EUR', channel: 'pigeon' }), 400, 'invalid', 'channel');
            r = await coord.get(url);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items[0].reference, null);
            assert.equal(r.json.items[0].reference_withheld, true);
            r = await clerk.get(url);
            assert.equal(r.json.items[0].reference, 'Vexmoor rent');
        });
        it('POST /entities/search finds a value in every investigation in scope, audited without the value', async () => {
            let r = await invA.post('/api/v1/entities/search', { kind: 'phone', value: '00447700900123' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.headers.get('cache-control'), 'no-store');
            assert.deepEqual(r.json.items.map((h) => h.reference), ['PF/ENT/A1']);
            assert.equal(r.json.items[0].entity_id, phone.id);
            assert.equal(r.json.items[0].value, undefined);
            r = await invAll.post('/api/v1/entities/search', { kind: 'phone', value: '+44 (7700) 900 123' });
            assert.deepEqual(r.json.items.map((h) => h.reference).sort(), ['PF/ENT/A1', 'PF/ENT/B1']);
            r = await invB.post('/api/v1/entities/search', { kind: 'bank_account', value: 'gb29nwbk60161331926819' });
            assert.equal(r.json.items.length, 0);
            r = await invA.post('/api/v1/entities/search', { kind: 'bank_account', value: 'gb29nwbk60161331926819' });
            assert.deepEqual(r.json.items.map((h) => h.entity_id), [acc1.id]);
            assertError(await coord.post('/api/v1/entities/search', { kind: 'phone', value: '+447700900123' }), 403, 'forbidden');
            assertError(await cwA.post('/api/v1/entities/search', { kind: 'phone', value: '+447700900123' }), 403, 'forbidden');
            assertError(await invA.post('/api/v1/entities/search', { kind: 'phone' }), 400, 'invalid', 'value');
            assertError(await invA.post('/api/v1/entities/search', { kind: 'phone', value: '1', extra: 1 }), 400, 'invalid', 'extra');
            const audit = s.sql("SELECT count(*) FROM audit_log WHERE action = 'justice.entity.search'").trim();
            assert.ok(Number(audit) >= 4, audit);
        });
        it('ctis entity and ctis transaction', () => {
            const e = s.cliOk(['entity', 'add', String(invIdA), '--kind', 'vehicle', '--value', 'ab-12 cde', '--make-model', 'Ford Transit', '--country', 'GB', '--json']).json;
            assert.ok(e.id > 0);
            const shown = s.cliOk(['entity', 'show', String(invIdA), String(e.id), '--json']).json;
            assert.equal(shown.value, 'ab-12 cde');
            assert.equal(shown.make_model, 'Ford Transit');
            s.cliOk(['entity', 'update', String(invIdA), String(e.id), '--last-seen', '2026-04-01']);
            s.cliOk(['entity', 'link', String(invIdA), '--from', String(company.id), '--to', String(e.id), '--relation', 'uses']);
            const list = s.cliOk(['entity', 'list', String(invIdA), '--json']).json;
            assert.equal(list.entities.length, 6);
            assert.equal(list.links.length, 2);
            const found = s.cliOk(['entity', 'find', 'vehicle', 'AB12CDE', '--json']).json;
            assert.deepEqual(found.map((h) => h.entity_id), [e.id]);
            s.cliOk(['transaction', 'add', String(invIdA), '--from', String(acc2.id), '--to', String(acc1.id), '--date', '2026-03-01', '--amount-minor', '990', '--currency', 'GBP', '--channel', 'cash']);
            const txs = s.cliOk(['transaction', 'list', String(invIdA), '--json']).json;
            assert.equal(txs.length, 2);
            assert.equal(txs[1].channel, 'cash');
            const bad = s.cli(['entity', 'add', String(invIdA), '--kind', 'phone', '--value', 'none']);
            assert.notEqual(bad.status, 0);
        });
    });
});
