// flows (issue 6, part S1): GET /api/v1/stats/flows (stats.read) with the threshold and the reach
// shares; the region overrides, population import and statistics settings routes
// (stats.settings); and the `ctis stats flows`, `ctis population` and `ctis regions` commands.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s, cw, coord, analyst;
    const year = new Date().getUTCFullYear();

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        const add = async (from, to, n) => {
            for (let i = 0; i < n; i++) {
                const r = await cw.post('/api/v1/cases', { fields: { citizenship: from, exploitation_country: to } });
                assert.equal(r.status, 201, r.text);
            }
        };
        await add('NGA', 'NGA', 5); // domestic
        await add('NGA', 'GHA', 2); // subregional
        await add('NGA', 'SAU', 1); // intraregional
        await add('NGA', 'ITA', 6); // transregional
    });
    after(async () => {
        await s?.stop();
    });

    describe('flows', () => {
        it('GET /stats/flows lists pairs at the threshold and counts every pair in the shares', async () => {
            const r = await analyst.get('/api/v1/stats/flows');
            assert.equal(r.status, 200, r.text);
            const f = r.json;
            assert.equal(f.threshold, 5);
            assert.equal(f.known, 14);
            assert.deepEqual(f.flows.map((x) => `${x.origin}>${x.destination}:${x.reach}:${x.count}`),
                ['NGA>ITA:transregional:6', 'NGA>NGA:domestic:5']);
            assert.equal(f.reach.subregional.count, 2);
            assert.equal(f.reach.intraregional.count, 1);
            assert.equal(f.pairs_below, 2);
            assert.equal(f.victims_below, 3);
            assert.ok(Math.abs(f.reach.transregional.share - 6 / 14) < 1e-9);
            assert.equal(f.destinations[0].origin_region, 'africa_middle_east');
            assert.equal(f.destinations[0].destination_subregion, 'western_southern_europe');
            const ita = f.rates.find((x) => x.country === 'ITA');
            assert.equal(ita.victims, 6);
            assert.equal(ita.rate, null);
        });
        it('threshold, dates and CSV; input is checked; stats.read is needed', async () => {
            let r = await analyst.get('/api/v1/stats/flows?threshold=1');
            assert.equal(r.json.flows.length, 4);
            r = await analyst.get('/api/v1/stats/flows?to=2000-01-01');
            assert.equal(r.json.known, 0);
            assert.equal(r.json.flows.length, 0);
            r = await analyst.get('/api/v1/stats/flows?format=csv');
            assert.equal(r.status, 200);
            assert.match(r.headers.get('content-type'), /text\/csv/);
            assert.ok(r.text.startsWith('section,origin,destination,reach,year,count,share,population,rate\n'), r.text);
            assert.ok(r.text.includes('flow,NGA,ITA,transregional,,6,,,\n'), r.text);
            assertError(await analyst.get('/api/v1/stats/flows?threshold=0'), 400, 'invalid', 'threshold');
            assertError(await analyst.get('/api/v1/stats/flows?from=soon'), 400, 'invalid', 'from');
            assertError(await cw.get('/api/v1/stats/flows'), 403, 'forbidden');
        });
        it('PUT /stats/settings changes the default threshold (stats.settings)', async () => {
            assertError(await cw.put('/api/v1/stats/settings', { flow_threshold: 6 }), 403, 'forbidden');
            assertError(await coord.put('/api/v1/stats/settings', { flow_threshold: 0 }), 400, 'invalid', 'flow_threshold');
            assertError(await coord.put('/api/v1/stats/settings', { flow_threshold: '6' }), 400, 'invalid', 'flow_threshold');
            let r = await coord.put('/api/v1/stats/settings', { flow_threshold: 6 });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { flow_threshold: 6 });
            r = await analyst.get('/api/v1/stats/settings');
            assert.equal(r.json.flow_threshold, 6);
            r = await analyst.get('/api/v1/stats/flows');
            assert.equal(r.json.flows.length, 1);
            await coord.put('/api/v1/stats/settings', { flow_threshold: 5 });
        });
    });

    describe('regions', () => {
        it('GET /stats/regions maps every country; PUT overrides win in the flows; reset removes', async () => {
            let r = await analyst.get('/api/v1/stats/regions');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.regions.length, 4);
            assert.equal(r.json.regions.flatMap((x) => x.subregions).length, 10);
            assert.equal(r.json.countries.filter((c) => c.subregion === null).map((c) => c.country).join(), 'ATA');
            assert.equal(r.json.countries.find((c) => c.country === 'ITA').subregion, 'western_southern_europe');
            assertError(await cw.put('/api/v1/stats/regions', { country: 'ITA', subregion: 'sub_saharan_africa' }), 403, 'forbidden');
            assertError(await coord.put('/api/v1/stats/regions', { country: 'ITA', subregion: 'atlantis' }), 400, 'invalid', 'subregion');
            assertError(await coord.put('/api/v1/stats/regions', { country: 'ITA', subregion: 'sub_saharan_africa', region: 'americas' }), 400, 'invalid', 'region');
            r = await coord.put('/api/v1/stats/regions', { country: 'ITA', subregion: 'sub_saharan_africa' });
            assert.equal(r.status, 200, r.text);
            const ita = r.json.countries.find((c) => c.country === 'ITA');
            assert.deepEqual(ita, { country: 'ITA', region: 'africa_middle_east', subregion: 'sub_saharan_africa', overridden: true });
            r = await analyst.get('/api/v1/stats/flows');
            assert.equal(r.json.flows.find((x) => x.destination === 'ITA').reach, 'subregional');
            r = await coord.put('/api/v1/stats/regions', { country: 'ITA', reset: true });
            assert.equal(r.status, 200, r.text);
            r = await analyst.get('/api/v1/stats/flows');
            assert.equal(r.json.flows.find((x) => x.destination === 'ITA').reach, 'transregional');
            assertError(await coord.put('/api/v1/stats/regions', { country: 'ITA', reset: true }), 404, 'not_found');
        });
    });

    describe('population', () => {
        it('POST /stats/population imports all or nothing, naming line and field; rates follow', async () => {
            assertError(await cw.post('/api/v1/stats/population', { csv: 'country,year,population\n' }), 403, 'forbidden');
            let r = await coord.post('/api/v1/stats/population', { name: 'p.csv', csv: `country,year,population\nITA,${year},60000000\nITA,${year},abc\n` });
            assertError(r, 400, 'invalid', 'population');
            assert.match(r.json.error.message, /^p\.csv: line 3: population:/);
            r = await analyst.get('/api/v1/stats/population');
            assert.equal(r.json.items.length, 0);
            r = await coord.post('/api/v1/stats/population', { name: 'p.csv', csv: `country,year,population\nITA,${year},60000000\nNigeria,${year},200000000\n` });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.rows, 2);
            r = await analyst.get('/api/v1/stats/population?country=ITA');
            assert.deepEqual(r.json.items, [{ country: 'ITA', year, population: 60000000 }]);
            r = await analyst.get('/api/v1/stats/flows');
            const ita = r.json.rates.find((x) => x.country === 'ITA');
            assert.equal(ita.population, 60000000);
            assert.ok(Math.abs(ita.rate - 0.01) < 1e-9);
        });
    });

    describe('cli', () => {
        it('ctis stats flows, population import/list, regions list/set/clear, stats settings', async () => {
            let out = s.cliOk(['stats', 'flows', '--threshold', '2']).stdout;
            assert.ok(out.includes('flow,NGA,GHA,subregional,,2,,,'), out);
            out = s.cliOk(['stats', 'flows', '--json']).stdout;
            assert.equal(JSON.parse(out).known, 14);
            const file = path.join(s.dir, 'pop.csv');
            writeFileSync(file, `country,year,population\nGHA,${year},30000000\nGHA,2x,1\n`);
            const r = s.cli(['population', 'import', file]);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /pop\.csv: line 3: year:/);
            assert.ok(!s.cliOk(['population', 'list']).stdout.includes('GHA'));
            writeFileSync(file, `country,year,population\nGHA,${year},30000000\n`);
            assert.match(s.cliOk(['population', 'import', file]).stdout, /1 rows imported/);
            assert.ok(s.cliOk(['population', 'list', '--country', 'GHA']).stdout.includes(`GHA,${year},30000000`));
            s.cliOk(['regions', 'set', 'GHA', 'north_africa_middle_east']);
            assert.equal(s.cliOk(['regions', 'list', '--country', 'GHA']).stdout.trim().split('\n')[1],
                'GHA,africa_middle_east,north_africa_middle_east,yes');
            s.cliOk(['regions', 'clear', 'GHA']);
            assert.equal(s.cliOk(['stats', 'settings', '--flow-threshold', '4']).stdout.trim(), 'flow_threshold=4');
        });
    });
});
