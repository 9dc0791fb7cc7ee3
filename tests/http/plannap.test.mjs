// plannap (issue 9, part N): national action plans and prevention over HTTP. A plan with
// If-Match updates; actions mapped to the Plan's paragraphs (an unknown id is 400 naming
// "paragraphs"); progress reports over two periods (the narrative back unsealed, a second report
// for the same period 409); the matrix at two dates and its gaps; campaigns, trainings, id work
// and supply-chain measures with their figures; 403 for a caseworker before 400; 415 for a body
// that is not JSON; and the CLI (`ctis plan nap|action|progress|matrix|campaign|prevention`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s, cw, coord;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('national action plans', () => {
        let nap, actA, actB;
        it('adds a plan, lists it, updates it with If-Match', async () => {
            let r = await coord.post('/api/v1/plan/naps', {
                country: 'PHL', title: 'Strategic Plan 2031-2033', period_from: '2031-01-01',
                period_to: '2033-12-31', adopted_by: 'Inter-Agency Council', status: 'draft',
            });
            assert.equal(r.status, 201, r.text);
            nap = r.json;
            assertError(await coord.post('/api/v1/plan/naps', { country: 'ZZZ', title: 't', period_from: '2031-01-01',
                period_to: '2031-02-01' }), 400, 'invalid', 'country');
            r = await coord.get('/api/v1/plan/naps?country=PHL');
            assert.equal(r.json.items.length, 1);
            r = await coord.get(`/api/v1/plan/naps/${nap.id}`);
            assert.equal(etagVersion(r.etag), 1);
            assertError(await coord.patch(`/api/v1/plan/naps/${nap.id}`, { status: 'adopted' }), 412);
            assertError(await coord.patch(`/api/v1/plan/naps/${nap.id}`, { status: 'adopted' },
                { headers: { 'If-Match': '"9"' } }), 409);
            r = await coord.patch(`/api/v1/plan/naps/${nap.id}`, { status: 'adopted' }, { headers: { 'If-Match': '"1"' } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'adopted');
            assert.equal(etagVersion(r.etag), 2);
            assertError(await coord.get('/api/v1/plan/naps/77'), 404);
        });
        it('adds actions mapped to paragraphs; unknown paragraphs are refused naming the field', async () => {
            assertError(await coord.post(`/api/v1/plan/naps/${nap.id}/actions`, { title: 'x', paragraphs: ['annex-0'] }),
                400, 'invalid', 'paragraphs');
            let r = await coord.post(`/api/v1/plan/naps/${nap.id}/actions`, {
                title: 'Train frontline officials', paragraphs: ['annex-23', 'annex-29'], bodies: ['Police', 'Labour inspectorate'],
                indicators: [{ name: 'officials trained', unit: 'people', baseline: 0, target: 300, target_date: '2033-12-31' }],
            });
            assert.equal(r.status, 201, r.text);
            actA = r.json;
            assert.deepEqual(actA.bodies, ['Police', 'Labour inspectorate']);
            r = await coord.post(`/api/v1/plan/naps/${nap.id}/actions`, { title: 'Specialised prosecutors', paragraphs: ['annex-44'] });
            actB = r.json;
            r = await coord.get(`/api/v1/plan/naps/${nap.id}/actions`);
            assert.deepEqual(r.json.items.map((a) => a.latest_status), ['no_report', 'no_report']);
        });
        it('progress over two periods and the matrix at two dates', async () => {
            let r = await coord.post(`/api/v1/plan/actions/${actA.id}/progress`, {
                period_from: '2031-01-01', period_to: '2031-12-31', status: 'delayed',
                values: [{ indicator: 1, value: 120, measured_on: '2031-12-20' }], narrative: 'Recruitment slower than planned',
            });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.narrative, 'Recruitment slower than planned');
            assertError(await coord.post(`/api/v1/plan/actions/${actA.id}/progress`, {
                period_from: '2031-01-01', period_to: '2031-12-31', status: 'on_track' }), 409);
            assertError(await coord.post(`/api/v1/plan/actions/${actA.id}/progress`, {
                period_from: '2032-01-01', period_to: '2032-12-31', status: 'done' }), 400, 'invalid', 'status');
            r = await coord.post(`/api/v1/plan/actions/${actA.id}/progress`, {
                period_from: '2032-01-01', period_to: '2032-12-31', status: 'completed',
                values: [{ indicator: 1, value: 310, measured_on: '2032-12-15' }],
            });
            assert.equal(r.status, 201, r.text);
            r = await coord.get(`/api/v1/plan/actions/${actA.id}/progress`);
            assert.deepEqual(r.json.items.map((p) => p.status), ['delayed', 'completed']);

            r = await coord.get(`/api/v1/plan/naps/${nap.id}/matrix?at=2031-12-31`);
            assert.equal(r.status, 200, r.text);
            const p1 = Object.fromEntries(r.json.pillars.map((p) => [p.pillar, p]));
            assert.equal(p1.prevent.by_status.delayed, 1);
            assert.equal(p1.protect.by_status.delayed, 1);
            assert.equal(p1.prevent.indicators_met, 0);
            assert.equal(p1.prosecute.by_status.no_report, 1);
            assert.ok(r.json.gaps.includes('annex-12'));
            assert.ok(!r.json.gaps.includes('annex-23'));
            assert.equal(r.json.gaps.length, 65);
            r = await coord.get(`/api/v1/plan/naps/${nap.id}/matrix?at=2032-12-31`);
            const p2 = Object.fromEntries(r.json.pillars.map((p) => [p.pillar, p]));
            assert.equal(p2.prevent.by_status.completed, 1);
            assert.equal(p2.prevent.indicators_met, 1);
            assert.equal(p2.prevent.share_completed, 1);
            assertError(await coord.get(`/api/v1/plan/naps/${nap.id}/matrix?at=yesterday`), 400, 'invalid', 'at');
            r = await coord.get(`/api/v1/plan/naps/${nap.id}`);
            assert.equal(r.json.actions.find((a) => a.id === actA.id).latest_status, 'completed');
            assert.ok(actB.id);
        });
    });

    describe('prevention', () => {
        it('records the four kinds and gives the figures of a year', async () => {
            let r = await coord.post('/api/v1/plan/campaigns', {
                title: 'Think before you go', country: 'PHL', audiences: ['migrants', 'workers'],
                channels: ['social_media', 'radio'], languages: ['fil', 'eng'], period_from: '2032-02-01',
                period_to: '2032-05-31', reach: 80000, reach_kind: 'measured', paragraphs: ['annex-16'],
            });
            assert.equal(r.status, 201, r.text);
            assertError(await coord.post('/api/v1/plan/campaigns', { title: 't', country: 'PHL', audiences: ['migrants'],
                channels: ['carrier_pigeon'], period_from: '2032-02-01', period_to: '2032-02-02' }), 400, 'invalid', 'channels');
            r = await coord.post('/api/v1/plan/trainings', {
                country: 'PHL', date: '2032-03-03', audience: 'border', participants: { women: 10, men: 14 },
                topics: ['identification', 'child_protection'], hours: 8, note: 'Trainer: J. Cruz',
            });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.note, 'Trainer: J. Cruz');
            assertError(await coord.post('/api/v1/plan/trainings', { country: 'PHL', date: '2032-03-03', audience: 'army',
                participants: { men: 1 }, topics: ['identification'] }), 400, 'invalid', 'audience');
            r = await coord.post('/api/v1/plan/idwork', { country: 'PHL', activity: 'Late birth registration',
                period_from: '2032-01-01', period_to: '2032-12-31', people: 2500 });
            assert.equal(r.status, 201, r.text);
            r = await coord.post('/api/v1/plan/supplychain', { country: 'PHL', company: 'Fishing fleet operators',
                measure: 'due_diligence_law', date: '2032-07-01', coverage: 4000 });
            assert.equal(r.status, 201, r.text);
            r = await coord.get('/api/v1/plan/trainings?country=PHL');
            assert.equal(r.json.items.length, 1);
            assert.equal(r.json.items[0].participants.total, 24);
            r = await coord.get('/api/v1/plan/prevention?year=2032');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.total.people_reached, 80000);
            assert.equal(r.json.total.people_reached_measured, 80000);
            assert.equal(r.json.total.officials_by_audience.border.women, 10);
            assert.equal(r.json.total.officials_trained, 24);
            assert.equal(r.json.total.people_registered, 2500);
            assert.equal(r.json.total.measures_by_kind.due_diligence_law, 1);
            assert.equal(r.json.total.workers_covered, 4000);
            assert.deepEqual(r.json.countries.map((c) => c.country), ['PHL']);
            r = await coord.get('/api/v1/plan/prevention?year=2031');
            assert.equal(r.json.total.campaigns, 0);
            assertError(await coord.get('/api/v1/plan/prevention'), 400, 'invalid', 'year');
        });
    });

    describe('access and media types', () => {
        it('a caseworker gets 403 before 400 on every route', async () => {
            for (const url of ['/api/v1/plan/naps', '/api/v1/plan/naps/1', '/api/v1/plan/naps/1/actions',
                '/api/v1/plan/naps/1/matrix?at=bad', '/api/v1/plan/actions/1/progress', '/api/v1/plan/campaigns',
                '/api/v1/plan/trainings', '/api/v1/plan/idwork', '/api/v1/plan/supplychain', '/api/v1/plan/prevention']) {
                assertError(await cw.get(url), 403);
            }
            for (const url of ['/api/v1/plan/naps', '/api/v1/plan/naps/1/actions', '/api/v1/plan/actions/1/progress',
                '/api/v1/plan/campaigns', '/api/v1/plan/trainings', '/api/v1/plan/idwork', '/api/v1/plan/supplychain']) {
                assertError(await cw.post(url, { bad: true }), 403);
            }
        });
        it('415 for a body that is not JSON', async () => {
            const r = await coord.request('POST', '/api/v1/plan/naps', { body: 'country=PHL',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
            assert.equal(r.status, 415, r.text);
        });
    });

    describe('CLI', () => {
        it('plan nap add|list|show, action add|list, progress add, matrix, campaign add, prevention', () => {
            const id = s.cliOk(['plan', 'nap', 'add', '--country', 'KEN', '--title', 'NAP 2031-2032', '--from', '2031-01-01',
                '--to', '2032-12-31', '--status', 'adopted']).stdout.trim();
            assert.match(id, /^\d+$/);
            assert.match(s.cliOk(['plan', 'nap', 'list', '--country', 'KEN']).stdout, /NAP 2031-2032/);
            let r = s.cli(['plan', 'action', 'add', id, '--title', 'x', '--paragraphs', 'annex-99']);
            assert.equal(r.code, 8, r.stderr);
            assert.match(r.stderr, /paragraphs/);
            const act = s.cliOk(['plan', 'action', 'add', id, '--title', 'Hotline', '--paragraphs', 'annex-33,annex-17',
                '--indicators', '[{"name":"calls answered","target":1000}]']).stdout.trim();
            s.cliOk(['plan', 'progress', 'add', act, '--from', '2031-01-01', '--to', '2031-12-31', '--status', 'on_track',
                '--values', '[{"indicator":1,"value":1200,"measured_on":"2031-12-31"}]']);
            assert.match(s.cliOk(['plan', 'action', 'list', id]).stdout, /on_track\tannex-33,annex-17\tHotline/);
            s.cliOk(['plan', 'progress', 'add', act, '--from', '2032-01-01', '--to', '2032-06-30', '--status', 'delayed',
                '--narrative', 'Staff shortage']);
            const reports = s.cliOk(['plan', 'progress', 'list', act]).json;
            assert.deepEqual(reports.map((p) => p.narrative), [null, 'Staff shortage']);
            const m = s.cliOk(['plan', 'matrix', id, '--at', '2032-01-01', '--json']).json;
            assert.equal(m.pillars.find((p) => p.pillar === 'protect').indicators_met, 1);
            assert.match(s.cliOk(['plan', 'matrix', id, '--at', '2032-01-01']).stdout, /^protect\t1\t0\t1/m);
            assert.equal(s.cliOk(['plan', 'nap', 'show', id]).json.actions.length, 1);
            s.cliOk(['plan', 'campaign', 'add', '--country', 'KEN', '--fields', JSON.stringify({ title: 'Safe jobs',
                audiences: ['general_public'], channels: ['tv'], languages: ['swa'], period_from: '2031-05-01',
                period_to: '2031-05-31', reach: 5000 })]);
            const f = s.cliOk(['plan', 'prevention', '--year', '2031', '--country', 'KEN', '--json']).json;
            assert.equal(f.total.people_reached, 5000);
            assert.match(s.cliOk(['plan', 'prevention', '--year', '2031']).stdout, /^KEN\t1\t5000/m);
        });
    });
});
