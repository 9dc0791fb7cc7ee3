// planratify: the ratification register over HTTP (issue 9, part R; docs/plan.md "Ratifications"):
// PUT with If-Match (new without it, 412 when it exists or the version is stale), the history,
// dates checked, a state's row of instruments, the CSV import (all or nothing, errors naming
// file, line and field), coverage by region; the caseworker is refused (403 before 400).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const CSV = { 'Content-Type': 'text/csv' };

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

    describe('ratifications', () => {
        it('PUT: new without If-Match, then versioned; history kept', async () => {
            let r = await coord.put('/api/v1/plan/ratifications/NGA/tip_protocol', { signature: '2000-12-13' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'signed');
            assert.equal(r.etag, '"1"');
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/tip_protocol', {}), 412, undefined, 'If-Match');
            const body = { signature: '2000-12-13', act: 'ratification', act_date: '2001-06-28', source: 'UNTC (test)' };
            r = await coord.put('/api/v1/plan/ratifications/NGA/tip_protocol', body, { headers: { 'If-Match': '"1"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'party');
            assert.equal(r.json.version, 2);
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/tip_protocol', body, { headers: { 'If-Match': '"1"' } }), 412);
            r = await coord.get('/api/v1/plan/ratifications/NGA/tip_protocol');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.history.map((h) => h.version), [2, 1]);
            assert.equal(r.etag, '"2"');
        });
        it('refused: dates, acts, states, guidance; 403 before 400', async () => {
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/untoc', { signature: '2002-01-01', act: 'ratification', act_date: '2001-06-28' }), 400, 'invalid', 'signature');
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/untoc', { signature: '2999-01-01' }), 400, 'invalid', 'signature');
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/untoc', { act: 'ratification' }), 400, 'invalid', 'act_date');
            assertError(await coord.put('/api/v1/plan/ratifications/XXX/untoc', {}), 400, 'invalid', 'state');
            assertError(await coord.put('/api/v1/plan/ratifications/NGA/ohchr_principles', {}), 400, 'invalid', 'instrument');
            assertError(await cw.put('/api/v1/plan/ratifications/XXX/nope', {}), 403, 'forbidden');
            assertError(await cw.get('/api/v1/plan/coverage'), 403, 'forbidden');
            assertError(await coord.get('/api/v1/plan/ratifications/NGA/untoc'), 404, 'not_found');
        });
        it('import: all or nothing; a state row; coverage by region', async () => {
            const csv =
                'state,instrument,signature,act,act_date,reservations,source\n' +
                'FRA,untoc,2000-12-12,ratification,2002-10-29,,UNTC (test)\n' +
                'ITA,untoc,2000-12-12,ratification,2006-08-02,"Declaration, art. 35",UNTC (test)\n' +
                'BRA,untoc,2000-12-12,,,,UNTC (test)\n' +
                'ESP,untoc,2001-01-01,ratification,2000-03-01,,UNTC (test)\n';
            let r = await coord.request('POST', '/api/v1/plan/ratifications/import?name=r.csv', { body: csv, headers: CSV });
            assertError(r, 400, 'invalid', 'signature');
            assert.match(r.json.error.message, /r\.csv:5: signature/);
            r = await coord.get('/api/v1/plan/ratifications?instrument=untoc');
            assert.equal(r.json.ratifications.length, 0);
            r = await coord.request('POST', '/api/v1/plan/ratifications/import?name=r.csv', { body: csv.replace('2000-03-01', '2002-03-01'), headers: CSV });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.imported, 4);
            r = await coord.get('/api/v1/plan/ratifications?state=ITA');
            assert.equal(r.json.ratifications[0].reservations, 'Declaration, art. 35');
            const untoc = r.json.instruments.find((i) => i.instrument === 'untoc');
            assert.equal(untoc.status, 'party');
            assert.equal(r.json.instruments.filter((i) => i.status === 'none').length, r.json.instruments.length - 1);
            r = await coord.get('/api/v1/plan/coverage?instrument=untoc&by=region');
            assert.equal(r.status, 200, r.text);
            const ins = r.json.instruments[0];
            assert.equal(ins.groups[0].code, 'world');
            assert.equal(ins.groups[0].parties, 3);
            assert.equal(ins.groups[0].signed, 1);
            const europe = ins.groups.find((g) => g.code === 'europe_central_asia');
            assert.equal(europe.parties, 3);
            assert.equal(ins.groups.find((g) => g.code === 'americas').signed, 1);
            assert.deepEqual(ins.parties.map((p) => p.state).sort(), ['ESP', 'FRA', 'ITA']);
            assertError(await coord.get('/api/v1/plan/coverage?by=planet'), 400, 'invalid', 'by');
            r = await coord.get('/api/v1/plan/coverage?by=subregion');
            assert.equal(r.json.instruments.length, 13);
        });
    });
});
