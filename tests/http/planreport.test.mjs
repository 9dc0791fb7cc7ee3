// planreport (issue 9, part K): the best-practices knowledge base and the implementation report
// through a real server on both engines. Practices: record (201, ETag), read, search in Arabic,
// Russian and Chinese with snippets and filters, change with If-Match (412 without, 409 stale),
// 415 for another content type, input errors naming the field, plan.read / plan.write. The
// report: its figures equal `ctis stats victims --by year --json` and `ctis stats offenders --by
// year --stage S --json` for the same period (the done-when), and with release=suppress those of
// the releases; the comparison of two periods; PDF and XLSX downloads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape } from './lib.mjs';
import { startServer } from './lib.mjs';

const MARK = '\uE000';
const STOP = '\uE001';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const practice = (over = {}) => ({
    lang: 'ar',
    title: 'حملة توعية في المدارس',
    summary: 'حملة وطنية للتوعية بمخاطر الاتجار بالأشخاص في المدارس الثانوية',
    country: 'EGY',
    paragraphs: ['annex-18', 'annex-19'],
    tags: ['schools'],
    year: 2024,
    status: 'published',
    translations: [
        { lang: 'ru', title: 'Кампания в школах', summary: 'Национальная кампания по информированию о торговле людьми в средних школах' },
        { lang: 'zh', title: '学校宣传活动', summary: '在中学开展关于人口贩运风险的全国宣传活动' },
    ],
    ...over,
});

const sum = (rows) => rows.reduce((n, r) => n + r.count, 0);
const rowOf = (report, key) => report.sections.flatMap((s) => s.rows).find((r) => r.key === key);

eachEngine((engine) => {
    let s;
    let coord, cw;
    let ar;

    before(async () => {
        s = await startServer({ engine });
        coord = await s.clientFor(s.addUser({ agency: 'A', role: 'national_coordinator', scope: 'all' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('best practices', () => {
        it('POST → 201 with the practice, its pillars from its paragraphs, and its version as ETag', async () => {
            const r = await coord.post('/api/v1/plan/practices', practice());
            assert.equal(r.status, 201, r.text);
            ar = r.json;
            assert.deepEqual(ar.pillars, ['prevent']);
            assert.equal(ar.translations.length, 2);
            assert.equal(etagVersion(r.etag), ar.version);
            const fr = await coord.post('/api/v1/plan/practices', {
                lang: 'fr', title: 'Formation des inspecteurs du travail', summary: 'Exploitation économique et chaînes d’approvisionnement',
                country: 'FRA', paragraphs: ['annex-22'], year: 2023,
            });
            assert.equal(fr.status, 201, fr.text);
            assert.equal(fr.json.status, 'draft');
        });

        it('searches in Arabic, Russian and Chinese with marked snippets', async () => {
            for (const [q, lang] of [['المدارس', 'ar'], ['ТОРГОВЛЕ', 'ru'], ['人口贩运', 'zh']]) {
                const r = await coord.get(`/api/v1/plan/practices?q=${encodeURIComponent(q)}`);
                assert.equal(r.status, 200, r.text);
                assert.equal(r.json.items.length, 1, `${q}: ${r.text}`);
                assert.equal(r.json.items[0].id, ar.id);
                assert.equal(r.json.items[0].match_lang, lang);
                assert.ok(r.json.items[0].snippet.includes(MARK), r.text);
            }
            const zh = await coord.get(`/api/v1/plan/practices?q=${encodeURIComponent('人口贩运')}`);
            assert.ok(zh.json.items[0].snippet.includes(`${MARK}人口贩运${STOP}`), zh.text);
            const acc = await coord.get('/api/v1/plan/practices?q=economique');
            assert.equal(acc.json.items.length, 1, acc.text);
        });

        it('filters by language, pillar, paragraph, country and status', async () => {
            const n = async (qs) => (await coord.get(`/api/v1/plan/practices?${qs}`)).json.items.length;
            assert.equal(await n(`q=${encodeURIComponent('торговле')}&lang=ar`), 0);
            assert.equal(await n(`q=${encodeURIComponent('торговле')}&lang=ru`), 1);
            assert.equal(await n('pillar=prevent'), 2);
            assert.equal(await n('paragraph=annex-19'), 1);
            assert.equal(await n('country=FRA'), 1);
            assert.equal(await n('status=published'), 1);
            assertError(await coord.get('/api/v1/plan/practices?pillar=know'), 400, 'invalid', 'pillar');
        });

        it('PUT needs If-Match: 412 without, 409 stale, 200 with the change searchable', async () => {
            const path = `/api/v1/plan/practices/${ar.id}`;
            const g = await coord.get(path);
            assert.equal(g.status, 200, g.text);
            assert.equal(g.json.title, 'حملة توعية في المدارس');
            assertError(await coord.put(path, { tags: ['youth'] }), 412, 'precondition_failed');
            assertError(await coord.put(path, { tags: ['youth'] }, { headers: { 'If-Match': '"99"' } }), 409, 'conflict');
            const r = await coord.put(path, { tags: ['youth'] }, { headers: { 'If-Match': g.etag } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.version, 2);
            assert.equal(r.json.translations.length, 2);
            assert.equal((await coord.get('/api/v1/plan/practices?q=youth')).json.items.length, 1);
        });

        it('input errors name the field; 415 for another content type', async () => {
            assertError(await coord.post('/api/v1/plan/practices', practice({ lang: 'de' })), 400, 'invalid', 'lang');
            assertError(await coord.post('/api/v1/plan/practices', practice({ paragraphs: ['annex-99'] })), 400, 'invalid', 'paragraphs');
            assertError(await coord.post('/api/v1/plan/practices', practice({ country: 'XX' })), 400, 'invalid', 'country');
            const r = await coord.request('POST', '/api/v1/plan/practices', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
            assert.equal(r.status, 415, r.text);
        });

        it('plan.read and plan.write: a caseworker gets 403, before any input check', async () => {
            assertError(await cw.get('/api/v1/plan/practices'), 403, 'forbidden');
            assertError(await cw.get(`/api/v1/plan/practices/${ar.id}`), 403, 'forbidden');
            assertError(await cw.post('/api/v1/plan/practices', { lang: 'xx' }), 403, 'forbidden');
        });
    });

    describe('the implementation report', () => {
        const from = '2000-01-01';
        const to = '2099-12-31';

        before(() => {
            s.cliOk(['demo']);
        });

        it('its figures equal `ctis stats` for the same period', async () => {
            const r = await coord.get(`/api/v1/plan/report?from=${from}&to=${to}`);
            assert.equal(r.status, 200, r.text);
            const victims = s.cliOk(['stats', 'victims', '--by', 'year', '--from', from, '--to', to, '--json']).json;
            assert.ok(sum(victims) > 0);
            assert.equal(rowOf(r.json, 'victims_identified').value, sum(victims));
            assert.deepEqual(r.json.stats.victims_by_year, victims);
            for (const stage of ['contact', 'prosecuted', 'convicted']) {
                const o = s.cliOk(['stats', 'offenders', '--by', 'year', '--stage', stage, '--from', from, '--to', to, '--json']).json;
                assert.equal(rowOf(r.json, `offenders_${stage}`).value, sum(o), stage);
                assert.deepEqual(r.json.stats.offenders_by_year.find((x) => x.stage === stage).rows, o);
            }
            assert.ok(rowOf(r.json, 'offenders_contact').value > 0);
            const reached = s.cliOk(['fund', 'results', '--by', 'year', '--json']).json;
            assert.ok(reached.length > 0);
            assert.equal(rowOf(r.json, 'fund_victims_reached').value, reached.reduce((n, x) => n + x.victims, 0));
            const published = (await coord.get('/api/v1/plan/practices?status=published&limit=200')).json.items;
            assert.ok(published.length >= 2);
            assert.equal(rowOf(r.json, 'practices_published').value, published.length);
            assert.deepEqual(rowOf(r.json, 'victims_identified').paragraphs, ['annex-17', 'annex-28', 'annex-32']);
        });

        it('protection: referrals made and accepted, services delivered, counted in the database', async () => {
            const r = await coord.get(`/api/v1/plan/report?from=${from}&to=${to}`);
            assert.equal(r.status, 200, r.text);
            const kept = 'JOIN cases c ON c.id = x.case_id WHERE c.merged_into IS NULL AND (c.consent_flags & 4) = 0';
            const count = (q) => Number(s.sql(q).trim());
            const made = count(`SELECT count(*) FROM referrals x ${kept}`);
            const accepted = count(`SELECT count(*) FROM referrals x ${kept} AND x.state IN ('accepted', 'completed')`);
            const services = count(`SELECT count(*) FROM case_services x ${kept} AND x.status <> 'cancelled'`);
            assert.ok(made > 0 && services > 0, 'the demo has referrals and services');
            assert.equal(rowOf(r.json, 'referrals_made').value, made);
            assert.equal(rowOf(r.json, 'referrals_accepted').value, accepted);
            assert.equal(rowOf(r.json, 'services_delivered').value, services);
            const byType = r.json.stats.protection.services.by_type;
            assert.equal(Object.values(byType).reduce((n, v) => n + v, 0), services);
            const none = await coord.get('/api/v1/plan/report?from=2001-01-01&to=2001-12-31');
            assert.equal(rowOf(none.json, 'referrals_made').value, 0);
        });

        it('part R\'s sections count the register\'s acts and the partnerships\' events in the period', async () => {
            const f = '2001-01-01';
            const t = '2025-12-31';
            const r = (await coord.get(`/api/v1/plan/report?from=${f}&to=${t}`)).json;
            const inP = (d) => typeof d === 'string' && d.length === 10 && d >= f && d <= t;
            const rat = (await coord.get('/api/v1/plan/ratifications')).json;
            const list = rat.items ?? rat.ratifications;
            assert.ok(list.length > 0);
            assert.equal(rowOf(r, 'ratify_acts').value, list.filter((x) => inP(x.act_date)).length);
            assert.equal(rowOf(r, 'ratify_signatures').value, list.filter((x) => inP(x.signature)).length);
            const ag = (await coord.get('/api/v1/plan/agreements')).json;
            assert.equal(rowOf(r, 'agreements_signed').value, (ag.items ?? ag.agreements).filter((x) => inP(x.signed)).length);
            const ta = (await coord.get('/api/v1/plan/assistance')).json;
            const reqs = ta.items ?? ta.requests;
            assert.ok(reqs.length > 0);
            assert.equal(rowOf(r, 'ta_requested').value, reqs.filter((x) => inP(x.requested)).length);
            assert.equal(rowOf(r, 'ta_delivered').value, reqs.filter((x) => inP(x.delivered)).length);
            assert.equal(rowOf(r, 'ta_declined').value, reqs.filter((x) => inP(x.declined)).length);
            assert.equal(r.sections[0].pillar, 'general');
        });

        it('part N\'s sections equal its own figures: prevention by year, national action plans', async () => {
            let seen = 0;
            for (const year of [2024, 2025, 2026]) {
                const r = (await coord.get(`/api/v1/plan/report?from=${year}-01-01&to=${year}-12-31`)).json;
                const p = await coord.get(`/api/v1/plan/prevention?year=${year}`);
                assert.equal(p.status, 200, p.text);
                const total = p.json.total;
                for (const k of ['campaigns', 'people_reached', 'trainings', 'officials_trained', 'idwork_activities',
                    'people_registered', 'supplychain_measures', 'workers_covered']) {
                    assert.equal(rowOf(r, `prevention_${k}`).value, total[k], `${year} ${k}`);
                    seen += total[k];
                }
                assert.deepEqual(r.stats.prevention.total, total);
                assert.equal(rowOf(r, 'naps_in_force').value, r.stats.naps.plans);
                assert.equal(rowOf(r, 'nap_reports').value, r.stats.naps.reports);
            }
            assert.ok(seen > 0, 'the demo has prevention work in one of the years');
        });

        it('the CLI gives the same JSON', async () => {
            const api = (await coord.get(`/api/v1/plan/report?from=${from}&to=${to}`)).json;
            const cli = s.cliOk(['report', 'plan', '--from', from, '--to', to, '--json']).json;
            assert.deepEqual(cli.sections, api.sections);
        });

        it('with release=suppress the figures are those of the releases', async () => {
            const r = await coord.get(`/api/v1/plan/report?from=${from}&to=${to}&release=suppress`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.release.method, 'suppress');
            const rel = r.json.stats.victims_by_year;
            assert.equal(rel.release.dataset, 'victims');
            assert.deepEqual(rowOf(r.json, 'victims_identified').value, rel.margins.total);
            const cli = s.cliOk(['stats', 'victims', '--by', 'year', '--from', from, '--to', to, '--release', 'suppress', '--json']).json;
            assert.deepEqual(rel.rows, cli.rows);
            assert.deepEqual(rel.margins, cli.margins);
        });

        it('compares two periods with the change per figure', async () => {
            const r = await coord.get(`/api/v1/plan/report?from=1990-01-01&to=1990-12-31&compare=${from}:${to}`);
            assert.equal(r.status, 200, r.text);
            const c = r.json.changes.find((x) => x.key === 'victims_identified');
            assert.equal(c.a, 0);
            assert.equal(c.b, rowOf(r.json.compare, 'victims_identified').value);
            assert.equal(c.change, c.a - c.b);
            assertError(await coord.get(`/api/v1/plan/report?from=${from}&to=${to}&compare=2020`), 400, 'invalid', 'compare');
            assertError(await coord.get(`/api/v1/plan/report?to=${to}`), 400, 'invalid', 'from');
        });

        it('PDF and XLSX downloads', async () => {
            const pdf = await coord.get(`/api/v1/plan/report.pdf?from=${from}&to=${to}&lang=ar`);
            assert.equal(pdf.status, 200);
            assert.equal(pdf.headers.get('content-type'), 'application/pdf');
            assert.ok(pdf.text.startsWith('%PDF-'));
            assert.match(pdf.headers.get('content-disposition'), /plan-report-2000-01-01-2099-12-31-ar\.pdf/);
            const x = await coord.get(`/api/v1/plan/report.xlsx?from=${from}&to=${to}&lang=zh&compare=1990-01-01:1990-12-31`);
            assert.equal(x.status, 200);
            assert.ok(x.text.startsWith('PK'));
            assertError(await coord.get(`/api/v1/plan/report.pdf?from=${from}&to=${to}&lang=de`), 400, 'invalid', 'lang');
            assertError(await cw.get(`/api/v1/plan/report.pdf?from=${from}&to=${to}`), 403, 'forbidden');
        });
    });
});
