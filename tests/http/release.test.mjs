// release: statistics released with disclosure control over HTTP on both engines (issue 6 item 4):
// release=suppress on a two-way table publishes margins and an audit that passes and never a
// cell under the threshold; round; dp spends the dataset's privacy budget and is refused once
// it would exceed it (409); every release is listed by GET /api/v1/stats/releases; releasing
// needs stats.publish (the analyst reads exact figures but cannot release).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { eachEngine, startServer } from './lib.mjs';

/** Every count of a released table's entries: 0, at least 5, or "<5" / "x". */
function assertNoSmallCells(entries, threshold = 5) {
    for (const e of entries) {
        if (typeof e.count === 'number') {
            assert.ok(e.count === 0 || e.count >= threshold, JSON.stringify(e));
        } else {
            assert.ok(e.count === `<${threshold}` || e.count === 'x', JSON.stringify(e));
        }
    }
}

eachEngine((engine) => {
    let s;
    let coord, analyst, cw;

    before(async () => {
        s = await startServer({ engine });
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all', totp: true }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: true }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true }));
        const file = path.join(s.dir, 'cases.csv');
        s.cliOk(['generate', 'htcds-csv', '--rows', '150', '--seed', '3', '--out', file]);
        s.cliOk(['import', 'htcds-csv', file]);
    });
    after(async () => {
        await s?.stop();
    });

    it('suppresses a two-way table with margins and reports the audit', async () => {
        const exact = await analyst.get('/api/v1/stats/victims?by=gender,age_group');
        assert.equal(exact.status, 200, exact.text);
        assert.ok(exact.json.rows.some((r) => r.count > 0 && r.count < 5), 'the data has small cells');
        const r = await coord.get('/api/v1/stats/victims?by=gender,age_group&release=suppress');
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json.names, ['gender', 'age_group']);
        assertNoSmallCells(r.json.rows);
        assertNoSmallCells(r.json.margins.rows);
        assertNoSmallCells(r.json.margins.columns);
        assert.equal(r.json.margins.total, exact.json.rows.reduce((a, x) => a + x.count, 0));
        assert.equal(r.json.audit.passed, true);
        assert.equal(r.json.audit.exposed, 0);
        assert.ok(r.json.audit.suppressed > 0);
        for (const c of r.json.audit.cells) {
            assert.ok(c.max === null || c.max - c.min >= 5, JSON.stringify(c));
        }
        assert.ok(r.json.rows.some((x) => x.count === '<5'));
        assert.equal(r.json.release.method, 'suppress');
        assert.equal(r.json.release.dataset, 'victims');
        assert.deepEqual(r.json.release.parameters, { threshold: 5, width: 5 });
        assert.deepEqual(r.json.release.inputs.by, ['gender', 'age_group']);
        assert.match(r.json.release.sha256, /^[0-9a-f]{64}$/);

        const csv = await coord.get('/api/v1/stats/victims?by=gender&release=suppress&format=csv');
        assert.equal(csv.status, 200, csv.text);
        assert.match(csv.text, /^gender,count\n/);
        assert.match(csv.text, /\ntotal,\d+\n$/);
        for (const line of csv.text.trim().split('\n').slice(1)) {
            const v = line.split(',').pop();
            assert.ok(v === '<5' || v === 'x' || Number(v) === 0 || Number(v) >= 5, line);
        }
    });

    it('rounds, with a chosen threshold', async () => {
        const r = await coord.get('/api/v1/stats/victims?by=gender,year&release=round&threshold=10');
        assert.equal(r.status, 200, r.text);
        for (const e of [...r.json.rows, ...r.json.margins.rows, ...r.json.margins.columns]) {
            assert.ok(e.count === '<10' || e.count % 10 === 0, JSON.stringify(e));
        }
        assert.equal(r.json.audit, undefined);
        assert.equal(r.json.release.parameters.base, 10);
    });

    it('differential privacy spends the budget and is refused once it is spent', async () => {
        let r = await coord.get('/api/v1/stats/victims?by=gender&release=dp&epsilon=0.6');
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.error.field, 'epsilon');
        s.cliOk(['stats', 'budget', 'set', 'victims', '1']);
        r = await coord.get('/api/v1/stats/victims?by=gender&release=dp&epsilon=0.6');
        assert.equal(r.status, 200, r.text);
        assertNoSmallCells(r.json.rows);
        assert.equal(r.json.release.parameters.epsilon, 0.6);
        assert.equal(r.json.release.parameters.mechanism, 'two-sided geometric');
        r = await coord.get('/api/v1/stats/victims?by=gender&release=dp&epsilon=0.6');
        assert.equal(r.status, 409, r.text);
        assert.match(r.json.error.message, /budget/);
        r = await coord.get('/api/v1/stats/victims?by=gender&release=dp&epsilon=0.4');
        assert.equal(r.status, 200, r.text);
        const b = s.cliOk(['stats', 'budget', 'show', 'victims', '--json']).json;
        assert.equal(b.spent, 1);
        assert.equal(b.remaining, 0);
    });

    it('refuses bad parameters and releases without stats.publish', async () => {
        let r = await coord.get('/api/v1/stats/victims?by=gender&release=publish');
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'release');
        r = await coord.get('/api/v1/stats/victims?by=gender&release=dp');
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'epsilon');
        r = await coord.get('/api/v1/stats/victims?by=gender&release=suppress&epsilon=1');
        assert.equal(r.status, 400, r.text);
        r = await coord.get('/api/v1/stats/victims?by=gender&release=suppress&threshold=1');
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'threshold');
        r = await analyst.get('/api/v1/stats/victims?by=gender&release=suppress');
        assert.equal(r.status, 403, r.text);
        r = await cw.get('/api/v1/stats/victims?by=gender&release=suppress');
        assert.equal(r.status, 403, r.text);
    });

    it('releases offender figures', async () => {
        const r = await coord.get('/api/v1/stats/offenders?by=sex&stage=convicted&release=suppress');
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json.names, ['sex']);
        assert.equal(r.json.margins.total, 0);
        assert.equal(r.json.release.dataset, 'offenders');
        assert.equal(r.json.release.inputs.stage, 'convicted');
    });

    it('lists every release', async () => {
        let r = await analyst.get('/api/v1/stats/releases');
        assert.equal(r.status, 200, r.text);
        const methods = r.json.releases.map((x) => x.method);
        assert.deepEqual(methods, ['suppress', 'dp', 'dp', 'round', 'suppress', 'suppress']);
        const first = r.json.releases[r.json.releases.length - 1];
        assert.equal(first.dataset, 'victims');
        assert.deepEqual(first.inputs.by, ['gender', 'age_group']);
        assert.match(first.actor, /national-coordinator/);
        assert.match(first.sha256, /^[0-9a-f]{64}$/);
        r = await analyst.get('/api/v1/stats/releases?dataset=offenders');
        assert.equal(r.json.releases.length, 1);
        r = await analyst.get('/api/v1/stats/releases?limit=0');
        assert.equal(r.status, 400, r.text);
        r = await cw.get('/api/v1/stats/releases');
        assert.equal(r.status, 403, r.text);
        const cli = s.cliOk(['stats', 'releases', '--json']).json;
        assert.equal(cli.length, 6);
    });
});
