// caselaw: the court-decision routes through a real server on both engines: record (201, ETag),
// read, search with words, accents and Arabic, ranked results with snippets, filters, change
// with If-Match (412 without, 409 stale), export as CSV and JSON, input errors naming the field,
// and justice.read / justice.write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

const MARK = '\uE000';

function decision(over = {}) {
    return {
        court_name: 'Audiencia Provincial de Ejemplo',
        court_level: 'first_instance',
        country: 'ESP',
        decision_date: '2025-03-14',
        case_number: 'PA 12/2025',
        summary: 'Las víctimas fueron captadas con falsas ofertas de trabajo y sometidas a explotación sexual.',
        charges: [{ article: 'Art. 177 bis CP', form: 'sexual_exploitation' }],
        verdict: 'convicted',
        sentences: [{ defendant: 'Defendant 1', imprisonment_months: 96, fine_amount: 600000, fine_currency: 'EUR', confiscation: true }],
        victims: { female_adult: 3, female_child: 1 },
        forms: ['sexual_exploitation'],
        countries: [{ country: 'NGA', role: 'origin' }, { country: 'ESP', role: 'destination' }],
        source: 'Fictional Law Reports 2025/1',
        language: 'es',
        ...over,
    };
}

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

eachEngine((engine) => {
    let s;
    let inv, pros, cw;
    let es, ar;

    before(async () => {
        s = await startServer({ engine });
        inv = await s.clientFor(s.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        pros = await s.clientFor(s.addUser({ agency: 'B', role: 'prosecutor', scope: 'agency' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('court decisions', () => {
        it('POST → 201 with the decision and its version as ETag', async () => {
            const r = await inv.post('/api/v1/court-decisions', decision());
            assert.equal(r.status, 201, r.text);
            es = r.json;
            assert.equal(es.court_level, 'first_instance');
            assert.equal(es.sentences[0].defendant, 'Defendant 1');
            assert.equal(es.victims.female_adult, 3);
            assert.deepEqual(es.forms, ['sexual_exploitation']);
            assert.equal(es.investigation_id, null);
            assert.equal(etagVersion(r.etag), es.version);
            const r2 = await pros.post('/api/v1/court-decisions', decision({
                court_name: 'المحكمة الابتدائية النموذجية', country: 'JOR', decision_date: '2024-11-02', verdict: 'partly',
                summary: 'استغل المتهم العمال في مزرعة وهو الاتجار بالبشر بغرض العمل القسري.', language: 'ar',
                charges: [{ article: 'المادة 3', form: 'forced_labour' }], forms: ['forced_labour'],
            }));
            assert.equal(r2.status, 201, r2.text);
            ar = r2.json;
        });

        it('POST with bad input → 400 naming the field', async () => {
            assertError(await inv.post('/api/v1/court-decisions', decision({ country: 'ES' })), 400, 'invalid', 'country');
            assertError(await inv.post('/api/v1/court-decisions', decision({ verdict: 'guilty' })), 400, 'invalid', 'verdict');
            assertError(await inv.post('/api/v1/court-decisions', decision({ forms: ['begging'] })), 400, 'invalid', 'forms');
        });

        it('GET /{id} for another agency\'s reader (a shared collection); 404 for none', async () => {
            const r = await pros.get(`/api/v1/court-decisions/${es.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.case_number, 'PA 12/2025');
            assertError(await pros.get('/api/v1/court-decisions/12345'), 404, 'not_found');
        });

        it('GET search: words, accents, Arabic, ranked with snippets, filters', async () => {
            let r = await pros.get('/api/v1/court-decisions?q=' + encodeURIComponent('explotacion sexual'));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items.length, 1);
            assert.equal(r.json.items[0].id, es.id);
            assert.ok(r.json.items[0].rank > 0);
            assert.ok(r.json.items[0].snippet.length > 0, r.text);
            // The words as typed are marked in the snippet (PostgreSQL marks only the accented form here).
            r = await pros.get('/api/v1/court-decisions?q=' + encodeURIComponent('explotación'));
            assert.deepEqual(r.json.items.map((d) => d.id), [es.id]);
            assert.ok(r.json.items[0].snippet.includes(MARK), r.text);
            r = await pros.get('/api/v1/court-decisions?q=' + encodeURIComponent('الاتجار'));
            assert.deepEqual(r.json.items.map((d) => d.id), [ar.id]);
            r = await pros.get('/api/v1/court-decisions?q=Fictional&country=JOR');
            assert.deepEqual(r.json.items.map((d) => d.id), [ar.id]);
            r = await pros.get('/api/v1/court-decisions?from=2025-01-01&to=2025-12-31&verdict=convicted');
            assert.deepEqual(r.json.items.map((d) => d.id), [es.id]);
            r = await pros.get('/api/v1/court-decisions');
            assert.deepEqual(r.json.items.map((d) => d.id), [es.id, ar.id]);
            assertError(await pros.get('/api/v1/court-decisions?from=yesterday'), 400, 'invalid', 'from');
        });

        it('PATCH needs If-Match: 412 without, 409 stale, 200 with the change searchable', async () => {
            const path = `/api/v1/court-decisions/${es.id}`;
            assertError(await inv.patch(path, { summary: 'Servidumbre doméstica.' }), 412, 'precondition_failed');
            assertError(await inv.patch(path, { summary: 'x' }, { headers: { 'If-Match': '"99"' } }), 409, 'conflict');
            const r = await inv.patch(path, { summary: 'Servidumbre doméstica en una vivienda.' }, { headers: { 'If-Match': `"${es.version}"` } });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.version, es.version + 1);
            assert.equal(r.json.country, 'ESP');
            let q = await inv.get('/api/v1/court-decisions?q=servidumbre');
            assert.deepEqual(q.json.items.map((d) => d.id), [es.id]);
            q = await inv.get('/api/v1/court-decisions?q=explotacion');
            assert.equal(q.json.items.length, 0);
        });

        it('export as CSV and JSON, of all or of a search', async () => {
            let r = await pros.get('/api/v1/court-decisions/export?format=csv');
            assert.equal(r.status, 200, r.text);
            assert.match(r.headers.get('content-type'), /text\/csv/);
            assert.match(r.headers.get('content-disposition'), /court-decisions\.csv/);
            assert.match(r.text, /^id,court_name,court_level,country,decision_date/);
            assert.equal(r.text.trim().split('\r\n').length, 3);
            r = await pros.get('/api/v1/court-decisions/export?format=json&q=' + encodeURIComponent('الاتجار'));
            assert.equal(r.status, 200, r.text);
            const arr = JSON.parse(r.text);
            assert.deepEqual(arr.map((d) => d.id), [ar.id]);
            assertError(await pros.get('/api/v1/court-decisions/export?format=xml'), 400, 'invalid', 'format');
        });

        it('without justice.read / justice.write → 403', async () => {
            assertError(await cw.get('/api/v1/court-decisions'), 403, 'forbidden');
            assertError(await cw.get(`/api/v1/court-decisions/${es.id}`), 403, 'forbidden');
            assertError(await cw.get('/api/v1/court-decisions/export?format=csv'), 403, 'forbidden');
            assertError(await cw.post('/api/v1/court-decisions', decision()), 403, 'forbidden');
            assertError(await cw.patch(`/api/v1/court-decisions/${es.id}`, { summary: 'x' }, { headers: { 'If-Match': '"1"' } }), 403, 'forbidden');
        });
    });
});
