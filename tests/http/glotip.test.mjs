// glotip: UNODC's published national data over HTTP and the command line (issue 6, item 6):
// POST /api/v1/imports/glotip (case.write, as `ctis import`) with a CSV and an .xlsx built here,
// GET /api/v1/stats/glotip (stats.read), and `ctis import glotip` / `ctis stats glotip`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const HEADER = ['Iso3_code', 'Country', 'Region', 'Subregion', 'Indicator', 'Dimension', 'Category', 'Sex', 'Age', 'Year',
    'Unit of measurement', 'txtVALUE', 'Source'];
const V = 'Detected trafficking victims';
const ROU = ['ROU', 'Romania', 'Europe', 'Eastern Europe'];
const NGA = ['NGA', 'Nigeria', 'Africa', 'Sub-Saharan Africa'];
const ESP = ['ESP', 'Spain', 'Europe', 'Southern Europe'];
const row = (place, ind, dim, cat, sex, age, year, value) => [...place, ind, dim, cat, sex, age, String(year), 'Counts', value, 'GLOTIP'];
// Every quirk: thousands separators, <5, a date-like value, a questionnaire code, mis-encoded
// text, free-text citizenships (mapped and not), disaggregated rows that are never summed.
export const ROWS = [
    row(ROU, V, 'Total', 'Total', 'Total', 'Total', 2019, '1,192'),
    row(NGA, V, 'Total', 'Total', 'Total', 'Total', 2019, '<5'),
    row(ESP, V, 'Total', 'Total', 'Total', 'Total', 2019, '90'),
    row(ROU, V, 'Total', 'Total', 'Total', 'Total', 2020, '500'),
    row(NGA, V, 'Total', 'Total', 'Total', 'Total', 2020, '6,112,019'),
    row(ESP, V, 'Total', 'Total', 'Female', 'Total', 2019, '40'),
    row(ESP, V, 'by citizenship', 'Romanian', 'Total', 'Total', 2019, '12'),
    row(ESP, V, 'by citizenship', 'Nigerians', 'Total', 'Total', 2019, '7'),
    row(ESP, V, 'by citizenship', 'Ciudadanos de su pa\uFFFDs', 'Total', 'Total', 2019, '3'),
    row(ESP, V, 'by citizenship', 'Q6.1_10s_2019', 'Total', 'Total', 2019, '3'),
    row(ESP, V, 'by citizenship', 'Other Europe', 'Total', 'Total', 2019, '<5'),
    row(ROU, 'Persons convicted', 'Total', 'Total', 'Total', 'Total', 2019, '44'),
];

const csvCell = (c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
export function glotipCsv(rows = ROWS) {
    return [['UNODC'], ['14/04/2025'], HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// A minimal .xlsx (stored zip, inline strings) with the same rows.
const xmlEsc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function colName(i) {
    let s = '';
    for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
    return s;
}
function zip(files) {
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const [name, text] of files) {
        const data = Buffer.from(text, 'utf8');
        const nameB = Buffer.from(name);
        const crc = zlib.crc32(data);
        const lh = Buffer.alloc(30);
        lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
        lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(nameB.length, 26);
        const ch = Buffer.alloc(46);
        ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt32LE(crc, 16);
        ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(nameB.length, 28);
        ch.writeUInt32LE(offset, 42);
        locals.push(lh, nameB, data);
        centrals.push(ch, nameB);
        offset += 30 + nameB.length + data.length;
    }
    const cd = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, end]);
}
export function glotipXlsx(rows = ROWS) {
    const all = [['UNODC'], ['45761'], HEADER, ...rows];
    const sheetRows = all.map((r, i) => {
        const cells = r.map((c, j) => {
            const ref = `${colName(j)}${i + 1}`;
            return /^[0-9]+$/.test(c) ? `<c r="${ref}"><v>${c}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${xmlEsc(c)}</t></is></c>`;
        });
        return `<row r="${i + 1}">${cells.join('')}</row>`;
    });
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    return zip([
        ['xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} ${rns}><sheets><sheet name="data_glotip" sheetId="1" r:id="rId1"/></sheets></workbook>`],
        ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'],
        ['xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${sheetRows.join('')}</sheetData></worksheet>`],
    ]);
}

async function upload(c, name, body) {
    return c.request('POST', `/api/v1/imports/glotip?name=${encodeURIComponent(name)}`, {
        body,
        headers: { 'Content-Type': 'application/octet-stream' },
    });
}

eachEngine((engine) => {
    let s, cw, analyst, coord;
    let dir;
    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctis-glotip-'));
    });
    after(async () => {
        await s?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    describe('GLOTIP import and queries', () => {
        it('nothing imported: 404; an analyst cannot import (case.write)', async () => {
            assertError(await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}`), 404, 'not_found');
            assertError(await upload(analyst, 'data.csv', glotipCsv()), 403, 'forbidden');
            assertError(await upload(coord, 'data.csv', glotipCsv()), 403, 'forbidden');
        });
        it('POST /imports/glotip (CSV): the summary counts every state and reason, and lists unmapped categories', async () => {
            const r = await upload(cw, 'data_glotip.csv', glotipCsv());
            assert.equal(r.status, 201, r.text);
            const j = r.json;
            assert.equal(j.rows, ROWS.length);
            assert.equal(j.suppressed, 2);
            assert.equal(j.suspect, 3);
            assert.equal(j.ok, ROWS.length - 5);
            assert.deepEqual(j.suspect_by_reason, { date_like: 1, questionnaire_code: 1, mis_encoded: 1, unparseable: 0, empty: 0 });
            assert.equal(j.mapped_categories, 2);
            assert.deepEqual(j.unmapped_categories.map((u) => u.category).sort(),
                ['Ciudadanos de su pa\uFFFDs', 'Other Europe', 'Q6.1_10s_2019']);
            assert.equal(j.source_date, '14/04/2025');
            assert.equal(s.sql(`SELECT count(*) FROM glotip_rows WHERE import_id = ${j.import_id} AND state = 'suppressed' AND value IS NULL`).trim(), '2');
            assert.equal(s.sql(`SELECT value FROM glotip_rows WHERE import_id = ${j.import_id} AND value_text = '1,192'`).trim(), '1192');
            assertError(await upload(cw, 'again.csv', glotipCsv()), 409, 'conflict');
        });
        it('GET /stats/glotip: per-year sums of the all-Total cells; <5 and suspect counted apart', async () => {
            const r = await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=year`);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.rows.map((x) => [x.keys.year, x.value, x.cells, x.suppressed, x.suspect]),
                [['2019', 1282, 2, 1, 0], ['2020', 500, 1, 0, 1]]);
            const c = await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=iso3&year_from=2020&format=csv`);
            assert.equal(c.status, 200, c.text);
            assert.equal(c.text, 'iso3,value,cells,suppressed,suspect\r\nNGA,,0,0,1\r\nROU,500,1,0,0\r\n');
            const d = await coord.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=category&dimension=${encodeURIComponent('by citizenship')}`);
            assert.equal(d.status, 200, d.text);
            assert.equal(d.json.rows.length, 5);
            assert.equal(d.json.rows.find((x) => x.keys.category === 'Other Europe').suppressed, 1);
        });
        it('compare puts the instance\'s own detected victims beside it, as /stats/victims counts them', async () => {
            for (const [country, year] of [['ROU', 2019], ['ROU', 2019], ['NGA', 2020]]) {
                const c = await cw.post('/api/v1/cases', { fields: { gender: 'female', exploitation_country: country, year_registered: year } });
                assert.equal(c.status, 201, c.text);
            }
            const own = await analyst.get('/api/v1/stats/victims?by=exploitation_country,year');
            assert.equal(own.status, 200, own.text);
            const r = await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=iso3,year&compare=true`);
            assert.equal(r.status, 200, r.text);
            for (const x of r.json.rows) {
                const mine = own.json.rows?.filter?.((o) => o.keys.exploitation_country === x.keys.iso3 && o.keys.year === x.keys.year)
                    .reduce((a, o) => a + o.count, 0) ?? 0;
                assert.equal(x.instance, mine);
            }
            assert.equal(r.json.rows.find((x) => x.keys.iso3 === 'ROU' && x.keys.year === '2019').instance, 2);
            assert.equal(r.json.rows.find((x) => x.keys.iso3 === 'NGA' && x.keys.year === '2020').instance, 1);
            assertError(await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=sex&compare=true`), 400, 'invalid', 'compare');
        });
        it('input is checked; a caseworker has no stats.read', async () => {
            assertError(await analyst.get('/api/v1/stats/glotip?by=year'), 400, 'invalid', 'indicator');
            assertError(await analyst.get(`/api/v1/stats/glotip?indicator=x&by=colour`), 400, 'invalid', 'by');
            assertError(await analyst.get(`/api/v1/stats/glotip?indicator=x&year_from=12`), 400, 'invalid', 'year_from');
            assertError(await cw.get(`/api/v1/stats/glotip?indicator=x`), 403, 'forbidden');
        });
        it('an .xlsx with the same rows gives the same figures; broken files name file, line and field', async () => {
            const r = await upload(cw, 'data_glotip.xlsx', glotipXlsx());
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.rows, ROWS.length);
            assert.equal(r.json.source_date, '2025-04-14');
            const q = await analyst.get(`/api/v1/stats/glotip?indicator=${encodeURIComponent(V)}&by=year`);
            assert.deepEqual(q.json.rows.map((x) => [x.keys.year, x.value, x.suppressed, x.suspect]),
                [['2019', 1282, 1, 0], ['2020', 500, 0, 1]]);
            assert.equal(q.json.import_id, r.json.import_id);
            const x = glotipXlsx();
            assertError(await upload(cw, 'cut.xlsx', x.subarray(0, x.length - 30)), 400, 'invalid');
            const bad = glotipCsv([row(ROU, V, 'Total', 'Total', 'Total', 'Total', 2019, '1'), row(ROU, V, 'Total', 'Total', 'Total', 'Total', 'MMXIX', '1')]);
            const b = await upload(cw, 'bad.csv', bad);
            assertError(b, 400, 'invalid', 'Year');
            assert.match(b.json.error.message, /bad\.csv: line 5, field Year/);
            const noSex = glotipCsv().replace('Sex,', 'Gender,');
            assertError(await upload(cw, 'nosex.csv', noSex), 400, 'invalid', 'Sex');
        });
        it('ctis import glotip and ctis stats glotip', async () => {
            const f = path.join(dir, 'cli.csv');
            fs.writeFileSync(f, glotipCsv([...ROWS, row(ROU, V, 'Total', 'Total', 'Total', 'Total', 2021, '2,000')]));
            const imp = s.cliOk(['import', 'glotip', f, '--json']).json;
            assert.equal(imp.rows, ROWS.length + 1);
            const again = s.cli(['import', 'glotip', f]);
            assert.notEqual(again.code, 0);
            assert.match(again.stderr, /imported before/);
            const out = s.cliOk(['stats', 'glotip', '--indicator', V, '--by', 'year', '--year-from', '2020']);
            assert.equal(out.stdout, 'year,value,cells,suppressed,suspect\r\n2020,500,1,0,1\r\n2021,2000,1,0,0\r\n');
            const j = s.cliOk(['stats', 'glotip', '--indicator', V, '--by', 'iso3,year', '--compare', '--json']).json;
            assert.ok(j.rows.every((x) => typeof x.instance === 'number'));
            assert.notEqual(s.cli(['stats', 'glotip', '--by', 'year']).code, 0);
        });
    });
});
