// screening: victim screening over HTTP on both engines. The shipped indicator sets (unverified,
// 67 and 65 indicators); "Done when": an adult with act and purpose but no means gets reasonable
// grounds and a 16-year-old with the same answers is a presumed victim, both naming the deciding
// elements (preview and recorded screening); sexual exploitation rests on the Protocol elements
// and says so; a country's set through POST /indicator-sets (screening.sets, versions never
// change); evidence withheld from readers without fg.narrative.read; the worker's decision with
// If-Match; errors naming the JSON path; and the CLI commands.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { eachEngine, startServer } from './lib.mjs';

const ADULT_SET = 'ilo-ec-2009-adults-labour';
const CHILD_SET = 'ilo-ec-2009-children-labour';

const actAndPurpose = (extra = {}) => ({
    exploitation: ['labour'],
    protocol: {
        acts: { recruitment: { answer: 'yes', evidence: 'recruited by a cousin in Kano' } },
        means: { fraud: 'no' },
        purposes: { forced_labour: { answer: 'yes', evidence: 'worked 16 hours a day unpaid' } },
    },
    ...extra,
});

const countrySet = (version, grade = 'medium') => ({
    format: 'ctis-indicator-set/1',
    code: 'nga-adults-sexual',
    version,
    title: 'Nigeria: adults, sexual exploitation (test)',
    country: 'NGA',
    population: 'adult',
    exploitation: 'sexual',
    verified: true,
    source: 'a national working group (test data)',
    rule: {
        dimension_positive: [{ strong: 2 }, { strong: 1, medium: 1 }],
        set_positive: [['coercion_destination']],
    },
    indicators: [
        { code: 'cd_forced_tasks', dimension: 'coercion_destination', grade: 'strong', label: 'Forced tasks or clients',
            labels: { fr: 'Tâches ou clients imposés' } },
        { code: 'cd_isolation', dimension: 'coercion_destination', grade, label: 'Isolation, confinement or surveillance' },
    ],
});

eachEngine((engine) => {
    let s;
    let cw, sup, coord, inv;
    let adultCase, childCase;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true }));
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true }));
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all', totp: true }));
        inv = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency', totp: true }));
        let r = await cw.post('/api/v1/cases', { fields: { given_name: 'Amina', age: 30 } });
        assert.equal(r.status, 201, r.text);
        adultCase = r.json.case.id;
        r = await cw.post('/api/v1/cases', { fields: { given_name: 'Bola', age: 16 } });
        assert.equal(r.status, 201, r.text);
        childCase = r.json.case.id;
    });
    after(async () => {
        await s?.stop();
    });

    it('lists the shipped sets, unverified, with their indicators', async () => {
        let r = await cw.get('/api/v1/indicator-sets');
        assert.equal(r.status, 200, r.text);
        const codes = r.json.items.map((x) => x.code).sort();
        assert.deepEqual(codes, [ADULT_SET, CHILD_SET]);
        assert.ok(r.json.items.every((x) => x.verified === false && x.exploitation === 'labour'));
        const adult = r.json.items.find((x) => x.code === ADULT_SET);
        assert.equal(adult.indicator_count, 67);
        assert.match(adult.source, /unverified/);
        r = await cw.get(`/api/v1/indicator-sets/${adult.id}?lang=ru`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.indicators.length, 67);
        assert.equal(r.json.indicators.find((i) => i.code === 'cd_debt_bondage').label_local, 'Долговая кабала');
        const grades = r.json.indicators.reduce((m, i) => ({ ...m, [i.grade]: (m[i.grade] || 0) + 1 }), {});
        assert.deepEqual(grades, { strong: 7, medium: 53, weak: 7 });
        r = await cw.get('/api/v1/indicator-sets?population=child&exploitation=labour&current=1');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.items.length, 1);
        assert.equal(r.json.items[0].indicator_count, 65);
        r = await cw.get('/api/v1/indicator-sets?population=adult&exploitation=sexual&current=1');
        assert.equal(r.json.items.length, 0);
        r = await cw.get('/api/v1/indicator-sets?population=elderly');
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'population');
        r = await cw.get('/api/v1/indicator-sets/999999');
        assert.equal(r.status, 404, r.text);
    });

    it('Done when: adult act + purpose without means gives reasonable grounds; at 16, presumed victim', async () => {
        let r = await cw.post('/api/v1/screening/evaluate', actAndPurpose({ age: 30 }));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'reasonable_grounds');
        assert.equal(r.json.population, 'adult');
        let x = r.json.explanation;
        assert.equal(x.decided_by.rule, 'adult_purpose_and_act_or_means');
        assert.deepEqual([...x.decided_by.elements].sort(), ['act', 'purpose']);
        assert.deepEqual(x.decided_by.missing, ['means']);
        assert.deepEqual(x.elements.act.by, ['recruitment']);
        assert.deepEqual(x.elements.purpose.by, ['forced_labour']);
        assert.equal(x.elements.means.met, false);
        assert.ok(!JSON.stringify(x).includes('Kano'), 'no evidence in the explanation');

        r = await cw.post('/api/v1/screening/evaluate', actAndPurpose({ age: 16 }));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'presumed_victim');
        assert.equal(r.json.population, 'child');
        assert.equal(r.json.population_reason, 'age_under_18');
        x = r.json.explanation;
        assert.equal(x.decided_by.rule, 'child_act_purpose');
        assert.deepEqual([...x.decided_by.elements].sort(), ['act', 'purpose']);
        assert.equal(x.sets[0].code, CHILD_SET);
        assert.ok(x.notes.some((n) => n.code === 'unverified_set'));

        // Age uncertain, presumed a minor: the child rule.
        r = await cw.post('/api/v1/screening/evaluate', actAndPurpose({ presumed_minor: true }));
        assert.equal(r.json.result, 'presumed_victim');
        assert.equal(r.json.population_reason, 'presumed_minor');

        // The same through recorded screenings of the two cases.
        r = await cw.post(`/api/v1/cases/${adultCase}/screenings`, actAndPurpose());
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.result, 'reasonable_grounds');
        assert.deepEqual(r.json.explanation.decided_by.missing, ['means']);
        assert.equal(r.json.answers.protocol.acts.recruitment.evidence, 'recruited by a cousin in Kano');
        assert.equal(r.json.decision, null);
        r = await cw.post(`/api/v1/cases/${childCase}/screenings`, actAndPurpose());
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.result, 'presumed_victim');
        assert.equal(r.json.population, 'child');
        assert.deepEqual([...r.json.explanation.decided_by.elements].sort(), ['act', 'purpose']);
        // The age comes from the case, not the body.
        r = await cw.post(`/api/v1/cases/${childCase}/screenings`, actAndPurpose({ age: 40 }));
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, '/age');
    });

    it('ILO indicators alone can make an adult a presumed victim; codes are checked', async () => {
        const ind = {
            [ADULT_SET]: {
                dr_nature_job: 'yes', dr_wages: 'yes', ex_excessive_hours: 'yes', ex_low_no_salary: 'yes',
                cd_documents_confiscated: 'yes', cd_debt_bondage: { answer: 'yes', evidence: 'owed 2000 dollars' },
            },
        };
        let r = await cw.post('/api/v1/screening/evaluate', { age: 35, indicators: ind });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'presumed_victim');
        assert.equal(r.json.explanation.decided_by.rule, 'ilo_set_positive');
        const dims = Object.fromEntries(r.json.explanation.sets[0].dimensions.map((d) => [d.code, d]));
        assert.equal(dims.coercion_destination.positive, true);
        assert.deepEqual(dims.coercion_destination.counts, { strong: 2, medium: 0, weak: 0 });
        assert.equal(dims.vulnerability_destination.positive, false);
        r = await cw.post('/api/v1/screening/evaluate', { age: 35, indicators: { [ADULT_SET]: { xx_nothing: 'yes' } } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, `/indicators/${ADULT_SET}/xx_nothing`);
        r = await cw.post('/api/v1/screening/evaluate', { protocol: { acts: { kidnapping: 'yes' } } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, '/protocol/acts/kidnapping');
        r = await cw.post('/api/v1/screening/evaluate', { protocol: { acts: { recruitment: 'perhaps' } } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, '/protocol/acts/recruitment');
    });

    it('sexual exploitation without a set rests on the Protocol elements and says so', async () => {
        const r = await cw.post('/api/v1/screening/evaluate', {
            age: 25, country: 'GHA', exploitation: 'sexual',
            protocol: { acts: { harbouring: 'yes' }, means: { deception: 'yes' }, purposes: { sexual_exploitation: 'yes' } },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'presumed_victim');
        assert.equal(r.json.sets.length, 0);
        const note = r.json.explanation.notes.find((n) => n.code === 'no_set');
        assert.ok(note, r.text);
        assert.equal(note.text,
            'no indicator set loaded for adults\u2013sexual exploitation in GHA; the recommendation rests on the Protocol elements');
    });

    it('a country loads its own set (screening.sets); a version never changes', async () => {
        let r = await cw.post('/api/v1/indicator-sets', countrySet(1));
        assert.equal(r.status, 403, r.text);
        r = await coord.post('/api/v1/indicator-sets', countrySet(1));
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.created, true);
        const id1 = r.json.id;
        r = await coord.post('/api/v1/indicator-sets', countrySet(1));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.created, false);
        r = await coord.post('/api/v1/indicator-sets', countrySet(1, 'strong'));
        assert.equal(r.status, 409, r.text);
        r = await coord.post('/api/v1/indicator-sets', countrySet(2, 'strong'));
        assert.equal(r.status, 201, r.text);
        const bad = countrySet(3);
        bad.indicators[1].grade = 'huge';
        r = await coord.post('/api/v1/indicator-sets', bad);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, '/indicators/1/grade');
        r = await cw.get(`/api/v1/indicator-sets/${id1}?lang=fr`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.indicators[1].grade, 'medium'); // version 1 unchanged
        assert.equal(r.json.indicators[0].label_local, 'Tâches ou clients imposés');
        // Used for NGA (the agency's country): version 2, where 2 strong make the set positive.
        r = await cw.post('/api/v1/screening/evaluate', {
            age: 25, country: 'NGA', exploitation: 'sexual',
            indicators: { 'nga-adults-sexual': { cd_forced_tasks: 'yes', cd_isolation: 'yes' } },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.sets[0].version, 2);
        assert.equal(r.json.result, 'presumed_victim');
        assert.ok(!r.json.explanation.notes.some((n) => n.code === 'no_set' || n.code === 'unverified_set'));
    });

    it('evidence is withheld without fg.narrative.read; decisions need If-Match and a reason to disagree', async () => {
        let r = await cw.get(`/api/v1/cases/${adultCase}/screenings`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.items.length, 1);
        assert.deepEqual(r.json.subject, { age: 30, majority_status: 'Adult', country: 'NGA' });
        const scr = r.json.items[0];
        r = await cw.get(`/api/v1/cases/${adultCase}/screenings/${scr.id}`);
        assert.equal(r.status, 200, r.text);
        const etag = r.etag;
        assert.ok(etag);
        // The investigator reads narratives; a supervisor too: both see the answers.
        r = await sup.get(`/api/v1/cases/${adultCase}/screenings`);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.items[0].answers);
        // The coordinator has no case.read: no screenings.
        r = await coord.get(`/api/v1/cases/${adultCase}/screenings`);
        assert.ok(r.status === 403 || r.status === 404, r.text);
        // The raw database holds no evidence in clear.
        const raw = s.sql(`SELECT explanation FROM case_screenings WHERE id = ${scr.id}`);
        assert.ok(!raw.includes('Kano'));

        r = await cw.post(`/api/v1/cases/${adultCase}/screenings/${scr.id}/decision`, { decision: 'agree' });
        assert.equal(r.status, 412, r.text);
        r = await cw.post(`/api/v1/cases/${adultCase}/screenings/${scr.id}/decision`, { decision: 'disagree' },
            { headers: { 'If-Match': etag } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'reason');
        r = await inv.post(`/api/v1/cases/${adultCase}/screenings/${scr.id}/decision`,
            { decision: 'agree' }, { headers: { 'If-Match': etag } });
        assert.equal(r.status, 403, r.text);
        r = await cw.post(`/api/v1/cases/${adultCase}/screenings/${scr.id}/decision`,
            { decision: 'disagree', reason: 'needs a second interview' }, { headers: { 'If-Match': etag } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.decision.decision, 'disagree');
        assert.equal(r.json.decision.reason, 'needs a second interview');
        assert.equal(r.json.result, 'reasonable_grounds');
        r = await cw.post(`/api/v1/cases/${adultCase}/screenings/${scr.id}/decision`,
            { decision: 'agree' }, { headers: { 'If-Match': etag } });
        assert.equal(r.status, 412, r.text);
        r = await cw.get(`/api/v1/cases/${childCase}/screenings/${scr.id}`);
        assert.equal(r.status, 404, r.text);
    });

    it('CLI: sets, evaluate, add, show, import-set', async () => {
        let out = s.cliOk(['screening', 'sets', '--json']).stdout;
        assert.equal(JSON.parse(out).length, 4);
        const file = path.join(s.dir, 'answers.json');
        writeFileSync(file, JSON.stringify(actAndPurpose({ age: 16 })));
        out = s.cliOk(['screening', 'evaluate', '--answers', file]).stdout;
        assert.match(out, /recommendation: presumed_victim/);
        assert.match(out, /population: child \(age_under_18\)/);
        writeFileSync(file, JSON.stringify(actAndPurpose()));
        out = JSON.parse(s.cliOk(['screening', 'add', String(adultCase), '--answers', file, '--json']).stdout);
        assert.equal(out.result, 'reasonable_grounds');
        out = s.cliOk(['screening', 'show', String(adultCase)]).stdout;
        assert.equal(out.trim().split('\n').length, 2);
        out = s.cliOk(['screening', 'show', String(adultCase), String(out.split(/\s+/)[0])]).stdout;
        assert.match(out, /rule: adult_purpose_and_act_or_means/);
        const setFile = path.join(s.dir, 'set.json');
        writeFileSync(setFile, JSON.stringify({ ...countrySet(5), verified: 'no' }));
        const bad = s.cli(['screening', 'import-set', setFile]);
        assert.equal(bad.code, 8);
        assert.match(bad.stderr, /set\.json: \/verified: verified/);
        writeFileSync(setFile, JSON.stringify(countrySet(5)));
        out = s.cliOk(['screening', 'import-set', setFile]).stdout;
        assert.match(out, /loaded nga-adults-sexual version 5/);
    });
});
