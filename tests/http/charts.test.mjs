// charts (issue 6, item 7): GET /api/v1/stats/charts/{name} answers SVG or PNG with no-store,
// needs stats.read (stats.publish for release=suppress), checks its input; `ctis stats chart`
// writes the same images.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const NAMES = ['victims-sex-age', 'victims-forms', 'trends', 'funnel', 'flows-reach', 'flows'];

eachEngine((engine) => {
    let s, cw, coord, analyst;
    const year = new Date().getUTCFullYear();
    const range = `from_year=${year - 2}&to_year=${year}`;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        for (let i = 0; i < 3; i++) {
            const r = await cw.post('/api/v1/cases', {
                fields: { gender: 'Feminine', age: 30, citizenship: 'NGA', exploitation_country: 'NGA', year_registered: year },
            });
            assert.equal(r.status, 201, r.text);
        }
    });
    after(async () => {
        await s?.stop();
    });

    describe('charts', () => {
        it('every chart as SVG and PNG, no-store, in English and Arabic', async () => {
            for (const name of NAMES) {
                const r = await analyst.get(`/api/v1/stats/charts/${name}?${range}`);
                assert.equal(r.status, 200, `${name}: ${r.text}`);
                assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
                assert.equal(r.headers.get('cache-control'), 'no-store');
                assert.ok(r.text.includes('<svg'), name);
            }
            const png = await analyst.get(`/api/v1/stats/charts/trends?${range}&format=png&lang=ar`);
            assert.equal(png.status, 200, png.text);
            assert.equal(png.headers.get('content-type'), 'image/png');
            assert.ok(png.text.slice(1, 4) === 'PNG', 'a PNG signature');
        });
        it('release=suppress needs stats.publish and is recorded', async () => {
            assertError(await analyst.get(`/api/v1/stats/charts/victims-sex-age?${range}&release=suppress`), 403,
                'forbidden');
            const r = await coord.get(`/api/v1/stats/charts/victims-sex-age?${range}&release=suppress`);
            assert.equal(r.status, 200, r.text);
            const list = await coord.get('/api/v1/stats/releases?dataset=chart-victims-sex-age');
            assert.equal(list.status, 200, list.text);
            assert.equal(list.json.releases.length, 1, list.text);
            assert.equal(list.json.releases[0].method, 'suppress');
        });
        it('input is checked; stats.read is needed', async () => {
            assertError(await analyst.get(`/api/v1/stats/charts/pie?${range}`), 404, 'not_found');
            assertError(await analyst.get('/api/v1/stats/charts/trends?to_year=2024'), 400, 'invalid', 'from_year');
            assertError(await analyst.get('/api/v1/stats/charts/trends?from_year=2024&to_year=2020'), 400, 'invalid',
                'year_to');
            assertError(await analyst.get('/api/v1/stats/charts/trends?from_year=1990&to_year=2024'), 400, 'invalid',
                'year_to');
            assertError(await analyst.get(`/api/v1/stats/charts/trends?${range}&lang=de`), 400, 'invalid', 'lang');
            assertError(await analyst.get(`/api/v1/stats/charts/trends?${range}&format=gif`), 400, 'invalid', 'format');
            assertError(await analyst.get(`/api/v1/stats/charts/trends?${range}&release=dp`), 400, 'invalid',
                'release');
            assertError(await cw.get(`/api/v1/stats/charts/trends?${range}`), 403, 'forbidden');
        });
        it('ctis stats chart writes the image', async () => {
            const out = path.join(s.dir, 'funnel.png');
            s.cliOk(['stats', 'chart', 'funnel', '--from-year', String(year - 1), '--to-year', String(year),
                '--lang', 'fr', '--format', 'png', '--out', out]);
            assert.equal(readFileSync(out).subarray(1, 4).toString(), 'PNG');
            const svg = path.join(s.dir, 'reach.svg');
            const r = s.cliOk(['stats', 'chart', 'flows-reach', '--from-year', String(year), '--to-year',
                String(year), '--release', 'suppress', '--out', svg, '--json']);
            assert.ok(readFileSync(svg, 'utf8').includes('<svg'));
            const j = r.json;
            assert.equal(j.released, true);
            assert.ok(j.suppressed >= 1, r.stdout); /* 3 domestic victims: under 5 */
            const bad = s.cli(['stats', 'chart', 'pie', '--from-year', '2024', '--to-year', '2024', '--out', svg]);
            assert.notEqual(bad.code, 0);
        });
    });
});
