// plan (issue 9, item 1): the Plan of Action as data. GET /api/v1/plan/paragraphs (filters
// part, pillar, instrument), GET /api/v1/plan/paragraphs/{id}, GET /api/v1/plan/instruments
// (plan.read: a national coordinator reads, a caseworker gets 403); and `ctis plan text`,
// `ctis plan paragraph`, `ctis plan instruments`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

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

    describe('plan text', () => {
        it('GET /plan/paragraphs: 68 paragraphs, sections and pillars', async () => {
            const r = await coord.get('/api/v1/plan/paragraphs');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.source, 'A/RES/64/293');
            assert.equal(r.json.paragraphs.length, 68);
            const ids = r.json.paragraphs.map((p) => p.id);
            assert.deepEqual(ids.slice(0, 8), ['op-1', 'op-2', 'op-3', 'op-4', 'op-5', 'op-6', 'op-7', 'annex-1']);
            assert.equal(ids.at(-1), 'annex-61');
            for (const p of r.json.paragraphs) {
                assert.match(p.text_ar, /[\u0621-\u064a]/);
                assert.ok(!p.text_ar.includes('\u0640'), `${p.id}: tatweel`);
                assert.ok(p.summary_en.length > 20);
                assert.ok(r.json.pillars.includes(p.pillar), p.pillar);
            }
            assert.deepEqual(r.json.pillars, ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up']);
            const prev = r.json.sections.find((x) => x.code === 'prevention');
            assert.equal(prev.title_ar, 'منع الاتجار بالأشخاص');
            assert.equal(prev.first, 12);
            assert.equal(prev.last, 24);
        });
        it('filters by part, pillar and instrument; bad values name the field', async () => {
            let r = await coord.get('/api/v1/plan/paragraphs?part=resolution');
            assert.equal(r.json.paragraphs.length, 7);
            r = await coord.get('/api/v1/plan/paragraphs?pillar=prosecute');
            assert.deepEqual(r.json.paragraphs.map((p) => p.number), [43, 44, 45, 46, 47, 48, 49]);
            r = await coord.get('/api/v1/plan/paragraphs?pillar=follow_up');
            assert.deepEqual(r.json.paragraphs.map((p) => p.id), ['op-5', 'op-6', 'op-7']);
            r = await coord.get('/api/v1/plan/paragraphs?instrument=cedaw');
            assert.deepEqual(r.json.paragraphs.map((p) => p.id), ['annex-4', 'annex-43']);
            r = await coord.get('/api/v1/plan/paragraphs?part=annex&instrument=untoc&pillar=partner');
            assert.deepEqual(r.json.paragraphs.map((p) => p.id), ['annex-51', 'annex-52', 'annex-58']);
            assertError(await coord.get('/api/v1/plan/paragraphs?pillar=nope'), 400, null, 'pillar');
            assertError(await coord.get('/api/v1/plan/paragraphs?part=preamble'), 400, null, 'part');
            assertError(await coord.get('/api/v1/plan/paragraphs?instrument=nope'), 400, null, 'instrument');
        });
        it('GET /plan/paragraphs/{id} and /plan/instruments', async () => {
            let r = await coord.get('/api/v1/plan/paragraphs/annex-38');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.pillar, 'protect');
            assert.match(r.json.text_ar, /^إنشاء صندوق الأمم المتحدة الاستئماني للتبرعات/);
            r = await coord.get('/api/v1/plan/paragraphs/op-3');
            assert.deepEqual(r.json.instruments, ['untoc', 'tip_protocol']);
            assertError(await coord.get('/api/v1/plan/paragraphs/annex-62'), 404);
            r = await coord.get('/api/v1/plan/instruments');
            assert.equal(r.status, 200, r.text);
            const codes = r.json.instruments.map((i) => i.code);
            for (const c of ['untoc', 'tip_protocol', 'uncac', 'ilo_c29', 'ilo_p29', 'ilo_c182', 'slavery_1956',
                'crc', 'crc_opsc', 'crc_opac', 'cedaw']) {
                assert.ok(codes.includes(c), c);
            }
            const c29 = r.json.instruments.find((i) => i.code === 'ilo_c29');
            assert.equal(c29.year, 1930);
            assert.match(c29.name_ar, /للسخرة/);
            assert.equal(r.json.instruments.find((i) => i.code === 'ilo_p29').name_ar, null);
        });
        it('a caseworker (no plan.read) gets 403 on every route', async () => {
            for (const url of ['/api/v1/plan/paragraphs', '/api/v1/plan/paragraphs/annex-1', '/api/v1/plan/instruments']) {
                assertError(await cw.get(url), 403);
            }
        });
        it('ctis plan text, paragraph and instruments', () => {
            let out = s.cliOk(['plan', 'paragraph', 'annex-2']).stdout;
            assert.match(out, /التسليم بأن “الاتجار بالأشخاص” يعني تجنيد أو نقل أو إيواء أو استقبال أشخاص/);
            assert.match(out, /Protocol's definition/);
            out = s.cliOk(['plan', 'paragraph', 'op-6', '--json']).json;
            assert.equal(out.pillar, 'follow_up');
            out = s.cliOk(['plan', 'text', '--pillar', 'prevent', '--lang', 'en']).stdout;
            assert.match(out, /I\. Preventing trafficking in persons/);
            assert.match(out, /annex-12 \(prevent\)/);
            assert.ok(!out.includes('annex-25'));
            out = s.cliOk(['plan', 'text', '--part', 'annex', '--pillar', 'protect']).stdout;
            assert.match(out, /ثانيا - حماية ضحايا الاتجار بالأشخاص ومساعدتهم/);
            out = s.cliOk(['plan', 'text', '--instrument', 'uncac', '--json']).json;
            assert.deepEqual(out.paragraphs.map((p) => p.id), ['annex-47']);
            assert.equal(s.cliOk(['plan', 'instruments', '--json']).json.instruments[0].code, 'untoc');
            let r = s.cli(['plan', 'paragraph', 'annex-99']);
            assert.equal(r.code, 3, r.stderr);
            r = s.cli(['plan', 'text', '--lang', 'fr']);
            assert.equal(r.code, 8, r.stderr);
            assert.match(r.stderr, /lang/);
        });
    });
});
