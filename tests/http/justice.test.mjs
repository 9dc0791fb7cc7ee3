// justice: the investigation routes (justice.read / justice.write; agency scope; out of scope
// reads as absent; the sealed title only with fg.legal.read; If-Match on changes) and the
// `ctis investigation` commands.
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

eachEngine((engine) => {
    let s;
    let invA, prosA, invB, cwA, coord, analyst, invAll, cwB, clerk;

    before(async () => {
        s = await startServer({ engine });
        invA = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        prosA = await s.clientFor(s.addUser({ agency: 'A', role: 'prosecutor', scope: 'agency' }));
        invB = await s.clientFor(s.addUser({ agency: 'B', role: 'investigator', scope: 'agency' }));
        cwA = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        analyst = await s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false }));
        invAll = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'all' }));
        cwB = await s.clientFor(s.addUser({ agency: 'B', role: 'caseworker', scope: 'own' }));
        clerk = await s.clientFor(s.addUser({ agency: 'A', role: 'court_clerk', scope: 'agency' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('investigations', () => {
        let inv;
        it('POST /investigations opens one for the caller\'s agency; the title is sealed at rest', async () => {
            const r = await invA.post('/api/v1/investigations', { reference: 'PF/2026/0042', title: 'Operation Harbour: Ade Bello', opened: '2026-03-01', country: 'NG' });
            assert.equal(r.status, 201, r.text);
            inv = r.json;
            assert.equal(inv.status, 'open');
            assert.equal(inv.country, 'NGA');
            assert.equal(inv.title, 'Operation Harbour: Ade Bello');
            assert.equal(inv.agency_id, s.agencyA.id);
            assert.equal(s.sql(`SELECT count(*) FROM investigations WHERE id = ${inv.id} AND title_enc IS NOT NULL AND reference = 'PF/2026/0042'`).trim(), '1');
        });
        it('input is checked', async () => {
            assertError(await invA.post('/api/v1/investigations', { title: 'x' }), 400, 'invalid', 'reference');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', opened: '2026-13-01' }), 400, 'invalid', 'opened');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', status: 'closed' }), 400, 'invalid', 'status');
            assertError(await invA.post('/api/v1/investigations', { reference: 'x', suspect: 'y' }), 400, 'invalid', 'suspect');
            assertError(await cwA.post('/api/v1/investigations', { reference: 'x' }), 403, 'forbidden');
        });
        it('GET reads it in scope; another agency reads it as absent; the coordinator without the title', async () => {
            let r = await prosA.get(`/api/v1/investigations/${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.title, 'Operation Harbour: Ade Bello');
            assertError(await invB.get(`/api/v1/investigations/${inv.id}`), 404, 'not_found');
            assertError(await cwA.get(`/api/v1/investigations/${inv.id}`), 403, 'forbidden');
            r = await coord.get(`/api/v1/investigations/${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.title, null);
            assert.equal(r.json.title_withheld, true);
            assert.ok(!r.text.includes('Bello'));
        });
        it('GET /investigations lists the agency\'s, without titles', async () => {
            let r = await invA.get('/api/v1/investigations');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((x) => x.id), [inv.id]);
            assert.ok(!r.text.includes('Bello'));
            r = await invB.get('/api/v1/investigations');
            assert.equal(r.json.items.length, 0);
            assertError(await invA.get('/api/v1/investigations?status=pending'), 400, 'invalid', 'status');
            assertError(await cwA.get('/api/v1/investigations'), 403, 'forbidden');
        });
        it('PATCH needs If-Match and the current version', async () => {
            assertError(await invA.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }), 412);
            const r = await prosA.patch(`/api/v1/investigations/${inv.id}`, { status: 'referred_to_prosecution' }, { headers: { 'If-Match': `"${inv.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'referred_to_prosecution');
            assert.equal(r.json.title, 'Operation Harbour: Ade Bello');
            assertError(await invA.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${inv.version}"` } }), 409, 'conflict');
            assertError(await invB.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${r.json.version}"` } }), 404, 'not_found');
            assertError(await coord.patch(`/api/v1/investigations/${inv.id}`, { status: 'closed' }, { headers: { 'If-Match': `"${r.json.version}"` } }), 403, 'forbidden');
        });
        it('the CLI creates, lists, shows and updates', () => {
            const c = s.cliOk(['investigation', 'create', '--agency', String(s.agencyB.id), '--reference', 'KE/77', '--title', 'Lake route', '--country', 'KEN', '--json']).json;
            assert.equal(c.agency_id, s.agencyB.id);
            assert.equal(c.title, 'Lake route');
            const l = s.cliOk(['investigation', 'list', '--json']).json;
            assert.equal(l.length, 2);
            const u = s.cliOk(['investigation', 'update', String(c.id), '--status', 'closed', '--json']).json;
            assert.equal(u.status, 'closed');
            assert.equal(s.cliOk(['investigation', 'show', String(c.id), '--json']).json.version, 2);
        });
    });

    describe('offences, suspects and the funnel', () => {
        let inv, off, sus, legal, charge;
        const im = (v) => ({ headers: { 'If-Match': `"${v}"` } });
        it('an offence with modality, organised group, officials and linked crimes', async () => {
            inv = (await invA.post('/api/v1/investigations', { reference: 'PF/2026/0100', country: 'NGA', opened: '2025-01-10' })).json;
            let r = await invA.post(`/api/v1/investigations/${inv.id}/offences`, { article_code: 's.11(1)', article_text: 'Trafficking in persons for sexual exploitation', form: 'sexual_exploitation', modality: 'organising', organised_group: true, official_involved: true, linked_crimes: ['corruption', 'money_laundering'] });
            assert.equal(r.status, 201, r.text);
            off = r.json;
            assert.deepEqual(off.linked_crimes, ['money_laundering', 'corruption']);
            assert.equal(off.modality, 'organising');
            assertError(await invA.post(`/api/v1/investigations/${inv.id}/offences`, { article_code: 'x', form: 'theft' }), 400, 'invalid', 'form');
            assertError(await invB.post(`/api/v1/investigations/${inv.id}/offences`, { article_code: 'x', form: 'other' }), 404, 'not_found');
            r = await prosA.patch(`/api/v1/investigations/${inv.id}/offences/${off.id}`, { modality: 'attempt' }, im(off.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.modality, 'attempt');
            assert.equal(r.json.form, 'sexual_exploitation');
            assertError(await prosA.patch(`/api/v1/investigations/${inv.id}/offences/${off.id}`, { modality: 'commission' }, im(off.version)), 409, 'conflict');
        });
        it('suspects: natural and legal persons, the name sealed and withheld without fg.legal.read', async () => {
            let r = await invA.post(`/api/v1/investigations/${inv.id}/suspects`, { kind: 'natural', name: 'Ade Bello', role: 'RecruiterOrIntermediary', sex: 'male', age: 44, citizenship: 'NGA' });
            assert.equal(r.status, 201, r.text);
            sus = r.json;
            assert.equal(sus.name, 'Ade Bello');
            r = await invA.post(`/api/v1/investigations/${inv.id}/suspects`, { kind: 'legal', name: 'Harbour Jobs Ltd', citizenship: 'GHA' });
            assert.equal(r.status, 201, r.text);
            legal = r.json;
            assertError(await invA.post(`/api/v1/investigations/${inv.id}/suspects`, { kind: 'legal', sex: 'male' }), 400, 'invalid', 'kind');
            assert.equal(s.sql(`SELECT count(*) FROM investigation_suspects WHERE id = ${sus.id} AND name_enc IS NOT NULL AND name_bidx IS NOT NULL`).trim(), '1');
            r = await coord.get(`/api/v1/investigations/${inv.id}/suspects`);
            assert.equal(r.status, 200, r.text);
            assert.ok(!r.text.includes('Bello'));
            assert.equal(r.json.items.find((x) => x.id === sus.id).name_withheld, true);
            assertError(await invB.get(`/api/v1/investigations/${inv.id}/suspects`), 404, 'not_found');
            assertError(await cwA.get(`/api/v1/investigations/${inv.id}/suspects`), 403, 'forbidden');
        });
        it('charges carry the funnel in order: contact, prosecution, decision', async () => {
            let r = await invA.post(`/api/v1/investigations/${inv.id}/charges`, { suspect_id: sus.id, offence_id: off.id, contacted: '2025-02-01' });
            assert.equal(r.status, 201, r.text);
            charge = r.json;
            assert.equal(charge.stage, 'contact');
            assertError(await invA.post(`/api/v1/investigations/${inv.id}/charges`, { suspect_id: sus.id, offence_id: off.id, contacted: '2025-02-01' }), 409, 'conflict');
            assertError(await invA.patch(`/api/v1/investigations/${inv.id}/charges/${charge.id}`, { outcome: 'convicted', decided: '2026-01-01' }, im(charge.version)), 400, 'invalid', 'outcome');
            r = await prosA.patch(`/api/v1/investigations/${inv.id}/charges/${charge.id}`, { prosecuted: '2025-07-01' }, im(charge.version));
            assert.equal(r.status, 200, r.text);
            r = await prosA.patch(`/api/v1/investigations/${inv.id}/charges/${charge.id}`, { outcome: 'convicted', decided: '2026-02-03' }, im(r.json.version));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.stage, 'convicted');
            r = await invA.post(`/api/v1/investigations/${inv.id}/charges`, { suspect_id: legal.id, offence_id: off.id, contacted: '2025-03-01', prosecuted: '2025-08-01' });
            assert.equal(r.status, 201, r.text);
            r = await coord.get(`/api/v1/investigations/${inv.id}/charges`);
            assert.equal(r.json.items.length, 2);
        });
        it('GET /stats/offenders: the funnel per year by sex and citizenship, JSON and CSV; stats.read only', async () => {
            let r = await analyst.get('/api/v1/stats/offenders?by=year,sex,citizenship');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.by, ['stage', 'year', 'sex', 'citizenship']);
            const find = (st, y, sx, c) => r.json.rows.find((x) => x.keys.stage === st && x.keys.year === y && x.keys.sex === sx && x.keys.citizenship === c)?.count ?? 0;
            assert.equal(find('contact', '2025', 'male', 'NGA'), 1);
            assert.equal(find('contact', '2025', 'legal_person', 'GHA'), 1);
            assert.equal(find('prosecuted', '2025', 'male', 'NGA'), 1);
            assert.equal(find('convicted', '2026', 'male', 'NGA'), 1);
            assert.equal(find('convicted', '2026', 'legal_person', 'GHA'), 0);
            r = await analyst.get('/api/v1/stats/offenders?by=nationals&stage=prosecuted&format=csv');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.text, 'nationals,count\nforeign,1\nnational,1\n');
            assertError(await analyst.get('/api/v1/stats/offenders?by=name'), 400, 'invalid', 'by');
            assertError(await analyst.get('/api/v1/stats/offenders?stage=arrest'), 400, 'invalid', 'stage');
            assertError(await invA.get('/api/v1/stats/offenders'), 403, 'forbidden');
        });
        it('ctis stats offenders and the investigation commands', () => {
            const csv = s.cliOk(['stats', 'offenders', '--by', 'year,sex,citizenship', '--stage', 'convicted']).stdout;
            assert.equal(csv, 'year,sex,citizenship,count\n2026,male,NGA,1\n');
            const j = s.cliOk(['stats', 'offenders', '--by', 'exploitation,legal_person', '--json']).json;
            assert.ok(j.some((x) => x.keys.stage === 'contact' && x.keys.exploitation === 'sexual_exploitation' && x.keys.legal_person === 'yes' && x.count === 1));
            const o = s.cliOk(['investigation', 'offence', String(inv.id), '--article-code', 's.13', '--form', 'forced_labour', '--linked', 'migrant_smuggling', '--json']).json;
            const u = s.cliOk(['investigation', 'suspect', String(inv.id), '--kind', 'natural', '--sex', 'female', '--age', '29', '--citizenship', 'BEN', '--json']).json;
            const c = s.cliOk(['investigation', 'charge', String(inv.id), '--suspect', String(u.id), '--offence', String(o.id), '--contacted', '2026-03-01', '--json']).json;
            s.cliOk(['investigation', 'charge', String(inv.id), String(c.id), '--prosecuted', '2026-04-01']);
            const p = s.cliOk(['investigation', 'proceedings', String(inv.id), '--json']).json;
            assert.equal(p.offences.length, 2);
            assert.equal(p.suspects.length, 3);
            assert.equal(p.charges.find((x) => x.id === c.id).stage, 'prosecuted');
            assert.equal(s.cliOk(['stats', 'offenders', '--by', 'age_group', '--stage', 'prosecuted', '--from', '2026-01-01']).stdout, 'age_group,count\n0--29,1\n');
        });
    });

    describe('court decisions and cooperation requests linked to an investigation', () => {
        let inv;
        it('a link needs an investigation in the caller\'s reach; lists filter by it', async () => {
            inv = (await invA.post('/api/v1/investigations', { reference: 'PF/2026/0777', country: 'NGA' })).json;
            const decision = {
                court_name: 'Federal High Court, Lagos', court_level: 'first_instance', country: 'NGA', decision_date: '2026-06-30',
                case_number: 'FHC/L/77/2026', summary: 'The accused recruited women with false job offers.', verdict: 'convicted',
                charges: [{ article: 's.13', form: 'sexual_exploitation' }], forms: ['sexual_exploitation'], language: 'en',
            };
            let r = await invA.post('/api/v1/court-decisions', { ...decision, investigation_id: inv.id });
            assert.equal(r.status, 201, r.text);
            const linked = r.json;
            assert.equal(linked.investigation_id, inv.id);
            assert.equal((await invA.post('/api/v1/court-decisions', decision)).status, 201);
            // Another agency's investigator cannot link to it, nor find out whether it exists.
            assertError(await invB.post('/api/v1/court-decisions', { ...decision, investigation_id: inv.id }), 400, 'invalid', 'investigation_id');
            assertError(await invB.post('/api/v1/court-decisions', { ...decision, investigation_id: 987654321 }), 400, 'invalid', 'investigation_id');
            const other = (await invB.post('/api/v1/court-decisions', decision)).json;
            assertError(await invB.patch(`/api/v1/court-decisions/${other.id}`, { investigation_id: inv.id }, { headers: { 'If-Match': `"${other.version}"` } }), 400, 'invalid', 'investigation_id');
            r = await invA.get(`/api/v1/court-decisions?investigation_id=${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((d) => d.id), [linked.id]);
            assertError(await invA.get('/api/v1/court-decisions?investigation_id=abc'), 400, 'invalid', 'investigation_id');

            const req = { direction: 'outgoing', kind: 'mla', requesting_state: 'NGA', requested_state: 'GBR', legal_basis: 'untoc_18', our_reference: 'MLA/2026/77' };
            r = await invA.post('/api/v1/coop-requests', { ...req, investigation_id: inv.id });
            assert.equal(r.status, 201, r.text);
            const coopId = r.json.id;
            assert.equal((await invA.post('/api/v1/coop-requests', req)).status, 201);
            assertError(await invB.post('/api/v1/coop-requests', { ...req, investigation_id: inv.id }), 400, 'invalid', 'investigation_id');
            r = await invA.get(`/api/v1/coop-requests?investigation_id=${inv.id}`);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((c) => c.id), [coopId]);
            // The CLI filters the same way.
            const cl = s.cliOk(['coop', 'list', '--investigation', String(inv.id), '--json']).json;
            assert.deepEqual(cl.map((c) => c.id), [coopId]);
            const cd = s.cliOk(['caselaw', 'search', '--investigation', String(inv.id), '--json']).json;
            assert.deepEqual(cd.map((d) => d.id), [linked.id]);
        });
    });

    describe('a prosecutor of the case\'s own agency (done when: never the victim\'s name, through any route)', () => {
        const GIVEN = 'Halima';
        const FAMILY = 'Adeyemi-Probe';
        const DOC = 'A09988771';
        let caseId;
        it('the built-in prosecutor holds neither fg.identity.read, fg.narrative.read nor justice.victim_identity', async () => {
            const perms = s.sql(`SELECT group_concat(permission) FROM role_permissions rp JOIN roles r ON r.id = rp.role_id WHERE r.name = 'prosecutor' AND r.builtin = 1`).trim().split(',');
            assert.ok(perms.includes('case.read') && perms.includes('justice.read'), perms.join());
            for (const p of ['fg.identity.read', 'fg.narrative.read', 'justice.victim_identity']) assert.ok(!perms.includes(p), p);
        });
        it('every GET route on cases answers the prosecutor without the name, birth date, document number or account', async () => {
            const r = await cwA.post('/api/v1/cases', {
                fields: { given_name: GIVEN, family_name: FAMILY, birth_date: '1999-04-12', identity_number: DOC, gender: 'female', citizenship: 'NGA',
                          narrative: `${GIVEN} ${FAMILY} was recruited in Lagos.` },
            });
            assert.equal(r.status, 201, r.text);
            caseId = r.json.case.id;
            // The caseworker's own read shows the name: the probe can see a leak.
            const own = await cwA.get(`/api/v1/cases/${caseId}`);
            assert.ok(own.text.includes(FAMILY), own.text);
            const spec = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
            const paths = Object.entries(spec.paths)
                .filter(([p, ops]) => ops.get && p.startsWith('/api/v1/cases') && !p.includes('{sub_id}'))
                .map(([p]) => p.replace('{id}', String(caseId)));
            assert.ok(paths.length >= 20, paths.join());
            let reached = 0;
            for (const path of paths) {
                const g = await prosA.get(path);
                if (g.status === 200) reached++;
                for (const secret of [GIVEN, FAMILY, DOC, '1999-04-12', 'Lagos']) {
                    assert.ok(!g.text.includes(secret), `${path} shows ${secret}: ${g.text.slice(0, 300)}`);
                }
            }
            assert.ok(reached >= 10, `the prosecutor reached only ${reached} case routes`);
            // Search by name finds nothing for a reader without the identity group.
            const q = await prosA.post('/api/v1/cases/search', { name: `${GIVEN} ${FAMILY}` });
            assert.ok(!q.text.includes(FAMILY));
            assert.equal(q.status, 403, q.text);
            assert.equal((await cwA.post('/api/v1/cases/search', { name: `${GIVEN} ${FAMILY}` })).json.items.length, 1);
        });
    });

    describe('victims by reference and protection measures', () => {
        let inv, caseId, victim;
        const NAME = 'Zainab';
        const FAMILY = 'Okafor-Marker';
        it('a case of an NGO (agency B) is linked by the investigator with scope all under a V- reference', async () => {
            let r = await cwB.post('/api/v1/cases', { fields: { given_name: NAME, family_name: FAMILY, gender: 'female', citizenship: 'NGA' } });
            assert.equal(r.status, 201, r.text);
            caseId = r.json.case.id;
            inv = (await invA.post('/api/v1/investigations', { reference: 'PF/2026/0200', country: 'NGA' })).json;
            assertError(await invA.post(`/api/v1/investigations/${inv.id}/victims`, { case_id: caseId }), 400, 'invalid', 'case_id');
            r = await invAll.post(`/api/v1/investigations/${inv.id}/victims`, { case_id: caseId });
            assert.equal(r.status, 201, r.text);
            victim = r.json;
            assert.match(victim.reference, /^V-[0-9A-Z]{8}$/);
            assert.equal(victim.case_id, undefined);
            assertError(await invAll.post(`/api/v1/investigations/${inv.id}/victims`, { case_id: caseId }), 409, 'conflict');
            r = await prosA.post(`/api/v1/investigations/${inv.id}/protection`, { type: 'video_link', victim_id: victim.id, start_date: '2026-05-01' });
            assert.equal(r.status, 201, r.text);
            r = await prosA.patch(`/api/v1/investigations/${inv.id}/protection/${r.json.id}`, { end_date: '2026-06-01' }, { headers: { 'If-Match': `"${r.json.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.end_date, '2026-06-01');
            assertError(await prosA.post(`/api/v1/investigations/${inv.id}/protection`, { type: 'teleport' }), 400, 'invalid', 'type');
            const s1 = await invA.post(`/api/v1/investigations/${inv.id}/suspects`, { kind: 'natural', name: 'Suspect Marker', sex: 'male' });
            const o1 = await invA.post(`/api/v1/investigations/${inv.id}/offences`, { article_code: 's.11', form: 'forced_labour' });
            assert.equal((await invA.post(`/api/v1/investigations/${inv.id}/charges`, { suspect_id: s1.json.id, offence_id: o1.json.id, contacted: '2026-01-01' })).status, 201);
        });
        it('the investigator sees the identity (audited on the case); the prosecutor and the court clerk are refused', async () => {
            const r = await invA.get(`/api/v1/investigations/${inv.id}/victims/${victim.id}/identity`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.name, `${NAME} ${FAMILY}`);
            assert.equal(r.json.case_id, caseId);
            assert.equal(r.headers.get('cache-control'), 'no-store');
            assert.equal(s.sql(`SELECT count(*) FROM audit_log WHERE action = 'justice.victim_identity' AND record_type = 'case' AND record_id = ${caseId}`).trim(), '1');
            assertError(await prosA.get(`/api/v1/investigations/${inv.id}/victims/${victim.id}/identity`), 403, 'forbidden');
            assertError(await clerk.get(`/api/v1/investigations/${inv.id}/victims/${victim.id}/identity`), 403, 'forbidden');
            assertError(await invB.get(`/api/v1/investigations/${inv.id}/victims/${victim.id}/identity`), 404, 'not_found');
        });
        it('a prosecutor without the permission never sees the victim\'s name through any investigation route', async () => {
            const base = `/api/v1/investigations/${inv.id}`;
            const routes = ['/api/v1/investigations', base, `${base}/offences`, `${base}/suspects`, `${base}/charges`, `${base}/victims`,
                `${base}/victims/${victim.id}/identity`, `${base}/protection`, '/api/v1/stats/offenders?by=sex'];
            for (const who of [prosA, clerk]) {
                for (const path of routes) {
                    const r = await who.get(path);
                    assert.ok(!r.text.includes(NAME) && !r.text.includes(FAMILY), `${path}: ${r.text}`);
                    assert.ok(!r.text.includes(`"case_id":${caseId}`) && !r.text.includes(String(caseId)), `${path} shows the case id`);
                }
                // Writes answer without the name either.
                const p = await who.post(`${base}/protection`, { type: 'screen' });
                assert.ok(!p.text.includes(NAME));
                const v = await who.post(`${base}/victims`, { case_id: caseId });
                assert.ok(!v.text.includes(NAME) && v.status >= 400, v.text);
                // And the case itself is out of reach.
                assertError(await who.get(`/api/v1/cases/${caseId}`), who === prosA ? 404 : 403);
            }
            // The operator's CLI: the proceedings without names; the identity on request.
            const pr = s.cliOk(['investigation', 'proceedings', String(inv.id), '--json']).json;
            assert.equal(pr.victims.length, 1);
            assert.equal(pr.protection.length, 2); // video link, and the prosecutor's screen above
            assert.ok(!JSON.stringify(pr.victims).includes(NAME));
            const id = s.cliOk(['investigation', 'victim-identity', String(inv.id), String(victim.id), '--json']).json;
            assert.equal(id.name, `${NAME} ${FAMILY}`);
            const m = s.cliOk(['investigation', 'protection', String(inv.id), '--type', 'relocation', '--start', '2026-07-01', '--json']).json;
            assert.ok(m.id > 0);
            const list = await prosA.get(`${base}/victims`);
            assert.deepEqual(Object.keys(list.json.items[0]).sort(), ['id', 'investigation_id', 'reference', 'role', 'version']);
        });
    });
});
