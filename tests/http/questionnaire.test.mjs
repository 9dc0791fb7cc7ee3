// questionnaire: GET /api/v1/stats/questionnaire.xlsx over HTTP on each engine: the workbook's
// content type, file name and zip form; exact figures for stats.read, a release (recorded, dataset
// questionnaire) only for stats.publish; bad parameters name their field; the CLI writes the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Q = '/api/v1/stats/questionnaire.xlsx?country=NGA&from_year=2024&to_year=2025';

// The raw bytes (the test client decodes bodies as text).
async function bytes(client, p) {
    const headers = {};
    if (client.cookies.size > 0) {
        headers.Cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (client.token) {
        headers.Authorization = `Bearer ${client.token}`;
    }
    const res = await fetch(client.base + p, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function assertWorkbook(body) {
    assert.equal(body.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004'); // a zip
    const names = body.toString('latin1');
    for (const part of ['xl/workbook.xml', 'xl/worksheets/sheet7.xml', 'xl/sharedStrings.xml']) {
        assert.ok(names.includes(part), part);
    }
    assert.ok(!names.includes('xl/worksheets/sheet8.xml')); // a cover and six sections
}

eachEngine((engine) => {
    let s, coord, analyst, cw;

    before(async () => {
        s = await startServer({ engine });
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        for (const [gender, age, citizenship] of [['Feminine', 15, 'NGA'], ['Feminine', 31, 'BEN'], ['Masculine', 44, 'NGA']]) {
            const r = await cw.post('/api/v1/cases', { fields: { gender, age, citizenship, exploitation_types: ['ForcedLabour'], year_registered: 2025 } });
            assert.equal(r.status, 201, r.text);
        }
    });
    after(async () => {
        await s?.stop();
    });

    describe('questionnaire workbook', () => {
        it('exact figures for stats.read, as an .xlsx download in each language', async () => {
            for (const lang of ['en', 'ar', 'zh']) {
                const r = await bytes(analyst, `${Q}&lang=${lang}`);
                assert.equal(r.status, 200);
                assert.equal(r.headers.get('content-type'), XLSX);
                assert.match(r.headers.get('content-disposition'), /^attachment; filename="questionnaire-NGA-2024-2025\.xlsx"$/);
                assert.equal(r.headers.get('cache-control'), 'no-store');
                assertWorkbook(r.body);
            }
            assert.equal((await cw.get(Q)).status, 403);
        });
        it('a release needs stats.publish and is recorded', async () => {
            const denied = await analyst.get(`${Q}&release=suppress`);
            assert.equal(denied.status, 403, denied.text);
            const r = await bytes(coord, `${Q}&release=suppress&lang=fr`);
            assert.equal(r.status, 200);
            assert.match(r.headers.get('content-disposition'), /questionnaire-NGA-2024-2025-released\.xlsx/);
            assertWorkbook(r.body);
            const list = await analyst.get('/api/v1/stats/releases?dataset=questionnaire');
            assert.equal(list.status, 200, list.text);
            assert.equal(list.json.releases.length, 9); // one release per table
            assert.ok(list.json.releases.every((x) => x.method === 'suppress' && x.inputs.country === 'NGA'));
        });
        it('bad parameters name their field', async () => {
            for (const [q, field] of [
                ['?country=NGA&from_year=2024', 'to_year'],
                ['?country=ZZZ&from_year=2024&to_year=2025', 'country'],
                ['?country=NGA&from_year=2025&to_year=2024', 'year_from'],
                [`?country=NGA&from_year=2024&to_year=2025&lang=de`, 'lang'],
                [`?country=NGA&from_year=2024&to_year=2025&release=dp`, 'epsilon'],
                [`?country=NGA&from_year=2024&to_year=2025&threshold=7`, 'threshold'],
            ]) {
                const r = await coord.get(`/api/v1/stats/questionnaire.xlsx${q}`);
                assert.equal(r.status, 400, `${q}: ${r.text}`);
                assert.ok(isErrorShape(r.json));
                assert.equal(r.json.error.field, field, q);
            }
        });
        it('the CLI writes the same workbook', () => {
            const out = path.join(os.tmpdir(), `ctis-q-${process.pid}-${engine}.xlsx`);
            s.cliOk(['stats', 'questionnaire', '--country', 'NGA', '--from-year', '2024', '--to-year', '2025', '--lang', 'ar', '--out', out]);
            assertWorkbook(fs.readFileSync(out));
            fs.rmSync(out);
        });
    });
});
