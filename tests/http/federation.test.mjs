// federation: federated reporting over HTTP between two real servers on each engine: a national
// instance builds its signed submission (GET /stats/submission), a regional one refuses it until
// its operator trusts the national key (`ctis peer add`), refuses a changed byte, imports it
// (POST /stats/submissions, the raw file) and merges it (GET /stats/federated); permissions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, eachEngine, isErrorShape, startServer } from './lib.mjs';

eachEngine((engine) => {
    let nat, reg, natCoord, natCw, natAnalyst, regCoord, regAnalyst, regCw;
    let file;

    before(async () => {
        nat = await startServer({ engine });
        reg = await startServer({ engine });
        natCoord = await nat.clientFor(nat.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        natCw = await nat.clientFor(nat.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        natAnalyst = await nat.clientFor(nat.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        regCoord = await reg.clientFor(reg.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        regAnalyst = await reg.clientFor(reg.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        regCw = await reg.clientFor(reg.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        for (const [gender, age, citizenship] of [['Feminine', 15, 'NGA'], ['Feminine', 31, 'BEN'], ['Masculine', 44, 'NGA']]) {
            const r = await natCw.post('/api/v1/cases', { fields: { gender, age, citizenship, exploitation_types: ['ForcedLabour'], year_registered: 2025 } });
            assert.equal(r.status, 201, r.text);
        }
    });
    after(async () => {
        await nat?.stop();
        await reg?.stop();
    });

    describe('federated reporting', () => {
        it('the national coordinator downloads the signed submission; others may not', async () => {
            const r = await natCoord.get('/api/v1/stats/submission?country=NGA&from_year=2025&to_year=2025');
            assert.equal(r.status, 200, r.text);
            assert.match(r.headers.get('content-type'), /^text\/plain/);
            assert.match(r.headers.get('content-disposition'), /submission-NGA-2025-2025/);
            file = r.text;
            const lines = file.split('\n');
            assert.equal(lines.length, 3);
            assert.equal(lines[2], '');
            assert.match(lines[1], /^ctis-signature\/1 ed25519 [0-9a-f]{64} [0-9a-f]{128}$/);
            const doc = JSON.parse(lines[0]);
            assert.equal(doc.country, 'NGA');
            const total = doc.rows.find((x) => x.indicator === 'Detected trafficking victims' && x.dimension === 'Total' && x.sex === 'Total' && x.age === 'Total');
            assert.equal(total.value, 3);
            assert.equal((await natAnalyst.get('/api/v1/stats/submission?country=NGA&from_year=2025&to_year=2025')).status, 403);
            assert.equal((await natCw.get('/api/v1/stats/submission?country=NGA&from_year=2025&to_year=2025')).status, 403);
            const bad = await natCoord.get('/api/v1/stats/submission?country=NGA&from_year=2025');
            assert.equal(bad.status, 400);
            assert.ok(isErrorShape(bad.json));
            assert.equal(bad.json.error.field, 'to_year');
        });
        it('the instance\'s own figures: the same rows, unsigned, for stats.read', async () => {
            const r = await natAnalyst.get('/api/v1/stats/figures?country=NGA&from_year=2025&to_year=2025');
            assert.equal(r.status, 200, r.text);
            const cit = r.json.items.filter((x) => x.dimension === 'by citizenship').map((x) => [x.category, x.value]);
            assert.deepEqual(Object.fromEntries(cit), { Benin: 1, Nationals: 2 });
            assert.equal((await natCw.get('/api/v1/stats/figures?country=NGA&from_year=2025&to_year=2025')).status, 403);
            const csv = nat.cliOk(['stats', 'figures', '--country', 'NGA', '--from-year', '2025', '--to-year', '2025', '--dimension', 'by citizenship', '--csv']).stdout;
            assert.equal(csv, 'indicator,dimension,category,sex,age,year,value\nDetected trafficking victims,by citizenship,Benin,Total,Total,2025,1\nDetected trafficking victims,by citizenship,Nationals,Total,Total,2025,2\n');
        });
        it('the biennial report: a PDF for the coordinator, in Arabic too', async () => {
            const r = await natCoord.request('GET', '/api/v1/stats/report.pdf?country=NGA&from_year=2025&to_year=2025&lang=ar');
            assert.equal(r.status, 200, r.text.slice(0, 200));
            assert.equal(r.headers.get('content-type'), 'application/pdf');
            assert.ok(r.text.startsWith('%PDF-'));
            assert.equal((await natAnalyst.get('/api/v1/stats/report.pdf?country=NGA&from_year=2025&to_year=2025')).status, 403);
            const bad = await natCoord.get('/api/v1/stats/report.pdf?country=NGA&from_year=2025&to_year=2025&lang=xx');
            assert.equal(bad.status, 400);
            assert.equal(bad.json.error.field, 'lang');
            const out = `${nat.dir ?? '/tmp'}/report-${engine}.pdf`;
            const c = nat.cliOk(['report', 'biennial', '--country', 'NGA', '--from', '2025-01-01', '--to', '2025-12-31', '--lang', 'zh', '--out', out, '--json']).json;
            assert.ok(c.bytes > 1000);
        });
        it('the public dashboard: published by the coordinator, read by anyone, removed', async () => {
            const anon = new Client(nat.url);
            let r = await anon.get('/api/v1/public/stats/dashboard');
            assert.equal(r.status, 404, r.text);
            assert.equal((await natAnalyst.post('/api/v1/stats/dashboard/publish', { year_from: 2024, year_to: 2025 })).status, 403);
            const bad = await natCoord.post('/api/v1/stats/dashboard/publish', { year_from: 2025, year_to: 2024 });
            assert.equal(bad.status, 400);
            assert.equal(bad.json.error.field, 'year_to');
            r = await natCoord.post('/api/v1/stats/dashboard/publish', { year_from: 2024, year_to: 2025 });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.images, 36);
            r = await anon.get('/api/v1/public/stats/dashboard');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.charts, ['victims-sex-age', 'victims-forms', 'trends', 'funnel', 'flows-reach', 'flows']);
            assert.equal(r.json.langs.length, 6);
            assert.equal(r.json.year_from, 2024);
            r = await anon.get('/api/v1/public/stats/dashboard/ar/trends');
            assert.equal(r.status, 200);
            assert.equal(r.headers.get('content-type'), 'image/svg+xml');
            assert.ok(r.text.includes('<svg'));
            assert.equal((await anon.get('/api/v1/public/stats/dashboard/xx/trends')).status, 404);
            assert.equal((await anon.get('/api/v1/public/stats/dashboard/en/pie')).status, 404);
            // Each image was a release.
            const rel = nat.cliOk(['stats', 'releases', '--dataset', 'chart-trends', '--json']).json;
            assert.ok(rel.length >= 6, JSON.stringify(rel).slice(0, 200));
            assert.match(nat.cliOk(['dashboard', 'show']).stdout, /6 charts in 6 languages/);
            r = await natCoord.request('DELETE', '/api/v1/stats/dashboard');
            assert.equal(r.status, 204, r.text);
            assert.equal((await anon.get('/api/v1/public/stats/dashboard')).status, 404);
            assert.equal((await natCoord.request('DELETE', '/api/v1/stats/dashboard')).status, 404);
        });
        it('the regional instance refuses it untrusted, then changed by one byte, then imports it', async () => {
            const post = (body) => regCoord.request('POST', '/api/v1/stats/submissions', { body, headers: { 'Content-Type': 'text/plain' } });
            let r = await post(file);
            assert.equal(r.status, 403, r.text);
            assert.match(r.json.error.message, /trusted/);
            const key = nat.cliOk(['peer', 'self']).stdout.trim();
            assert.match(key, /^[0-9a-f]{64}$/);
            reg.cliOk(['peer', 'add', 'nigeria-naptip', '--public-key', key]);
            assert.match(reg.cliOk(['peer', 'list']).stdout, /nigeria-naptip/);
            const changed = file.replace('"value":3', '"value":4');
            assert.notEqual(changed, file);
            r = await post(changed);
            assert.equal(r.status, 400, r.text);
            r = await post(`${file} `);
            assert.equal(r.status, 400, r.text);
            assert.equal((await regAnalyst.request('POST', '/api/v1/stats/submissions', { body: file, headers: { 'Content-Type': 'text/plain' } })).status, 403);
            r = await post(file);
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.country, 'NGA');
            assert.equal(r.json.signer, 'nigeria-naptip');
            r = await regAnalyst.get('/api/v1/stats/submissions');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 1);
            assert.equal(r.json.items[0].year_from, 2025);
        });
        it('the merged figures: world, country, and a dimension', async () => {
            let r = await regAnalyst.get('/api/v1/stats/federated?by=world');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((x) => [x.area, x.year, x.value, x.countries]), [['World', 2025, 3, 1]]);
            r = await regAnalyst.get('/api/v1/stats/federated?by=country&dimension=by%20citizenship');
            const cats = Object.fromEntries(r.json.items.map((x) => [x.category, x.value]));
            assert.deepEqual(cats, { Benin: 1, Nationals: 2 });
            r = await regAnalyst.get('/api/v1/stats/federated?by=galaxy');
            assert.equal(r.status, 400);
            assert.equal(r.json.error.field, 'by');
            assert.equal((await regCw.get('/api/v1/stats/federated')).status, 403);
            // The CLI reads the same.
            const csv = reg.cliOk(['stats', 'federated', '--by', 'world', '--csv']).stdout;
            assert.equal(csv, 'area,year,category,sex,age,value,countries\nWorld,2025,Total,Total,Total,3,1\n');
        });
    });
});
