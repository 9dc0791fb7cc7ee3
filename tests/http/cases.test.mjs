// cases: the victim case registry over HTTP. Agency isolation over every case route, scope own
// versus agency, field groups (withheld fields), create/patch with ETag and If-Match, history,
// close/reopen, events and comments, accent- and diacritic-insensitive name search in POST
// bodies, victim statistics, and no personal data in the server's access log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, etagVersion, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''} ${field ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
    if (field) {
        assert.equal(r.json.error.field, field, r.text);
    }
}

const ifMatch = (v) => ({ headers: { 'If-Match': v } });

// Personal data used in this file; none may appear in the server's log.
const B_GIVEN = 'Wanjiru';
const B_FAMILY = 'Kamau-Otieno';
const B_PHONE = '+254 712 555 0199';
const B_NARRATIVE = 'Recruited in Mombasa by a false job offer';
const A1_GIVEN = 'Chiamaka';
const A1_FAMILY = 'Eze';
const A1_PHONE = '+234 803 555 0177';
const A1_NARRATIVE = 'Met the recruiter at a market in Onitsha';
const A2_GIVEN = 'Folasade';
const A2_FAMILY = 'Adeyemi';
const JOSE_GIVEN = 'José';
const JOSE_FAMILY = 'Hernández';
const MOHAMMED = 'مُحَمَّد';
const MOHAMMED_FAMILY = 'الحسيني';
const COMMENT_BODY = 'Called the shelter in Lagos; a bed is free on Monday';
const EVENT_PLACE = 'Benin City market';

const PERSONAL = [
    B_GIVEN, B_FAMILY, B_PHONE, B_NARRATIVE, A1_GIVEN, A1_FAMILY, A1_PHONE, A1_NARRATIVE, A2_GIVEN, A2_FAMILY,
    JOSE_GIVEN, JOSE_FAMILY, 'Hernandez', MOHAMMED, 'محمد', MOHAMMED_FAMILY, COMMENT_BODY, EVENT_PLACE,
];

eachEngine((engine) => {
    let s;
    let cwA1, cwA2, cwB, supA, invA, analyst; // clients
    let uCwA1, uCwA2;
    let bCase; // created by B's caseworker
    let a1Case; // created by A's first caseworker
    let a2Case; // created by A's second caseworker
    const genders = []; // gender (canonical or 'unknown') of every case created in this server

    before(async () => {
        s = await startServer({ engine });
        uCwA1 = s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true });
        uCwA2 = s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: true });
        const uCwB = s.addUser({ agency: 'B', role: 'caseworker', scope: 'own', totp: true });
        const uSupA = s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true });
        const uInvA = s.addUser({ agency: 'A', role: 'investigator', totp: true });
        const uAn = s.addUser({ agency: 'A', role: 'analyst', totp: true });
        cwA1 = await s.clientFor(uCwA1);
        cwA2 = await s.clientFor(uCwA2);
        cwB = await s.clientFor(uCwB);
        supA = await s.clientFor(uSupA);
        invA = await s.clientFor(uInvA);
        analyst = await s.clientFor(uAn);

        let r = await cwB.post('/api/v1/cases', {
            fields: { given_name: B_GIVEN, family_name: B_FAMILY, phone: B_PHONE, narrative: B_NARRATIVE, gender: 'female' },
        });
        assert.equal(r.status, 201, r.text);
        bCase = r.json.case;
        genders.push('Feminine');
        r = await cwA1.post('/api/v1/cases', {
            fields: { given_name: A1_GIVEN, family_name: A1_FAMILY, phone: A1_PHONE, narrative: A1_NARRATIVE, gender: 'Masculine' },
        });
        assert.equal(r.status, 201, r.text);
        a1Case = r.json.case;
        genders.push('Masculine');
        r = await cwA2.post('/api/v1/cases', { fields: { given_name: A2_GIVEN, family_name: A2_FAMILY } });
        assert.equal(r.status, 201, r.text);
        a2Case = r.json.case;
        genders.push('unknown');
    });
    after(async () => {
        await s?.stop();
    });

    describe('agency isolation', () => {
        it('the B case exists and B sees it', async () => {
            assert.equal(bCase.agency_id, s.agencyB.id);
            const r = await cwB.get(`/api/v1/cases/${bCase.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.fields.given_name, B_GIVEN);
            assert.equal(r.json.fields.phone, B_PHONE);
        });

        it("A's supervisor: GET and PATCH of the B case → 404, as for an absent case", async () => {
            const absent = await supA.get('/api/v1/cases/4242424242');
            assertError(absent, 404, 'not_found');
            const g = await supA.get(`/api/v1/cases/${bCase.id}`);
            assertError(g, 404, 'not_found');
            assert.deepEqual(g.json, absent.json);
            assert.equal(g.headers.get('etag'), null);
            for (const im of ['"1"', '"2"']) {
                const p = await supA.patch(`/api/v1/cases/${bCase.id}`, { fields: { gender: 'Masculine' } }, ifMatch(im));
                assertError(p, 404, 'not_found');
            }
        });

        it("A's supervisor: assign, close, reopen, restrict, events, comments (POST) → 404; nothing changes", async () => {
            const v = `"${bCase.version}"`;
            const posts = [
                ['assign', { owner_id: supA.user.id }],
                ['close', { status: 'Closed' }],
                ['reopen', undefined],
                ['restrict', { restricted: true }],
                ['events', { type: 'Recruitment', country: 'NGA', date: '2024' }],
                ['comments', { body: 'not yours' }],
            ];
            for (const [sub, body] of posts) {
                const r = await supA.request('POST', `/api/v1/cases/${bCase.id}/${sub}`, {
                    json: body,
                    headers: { 'If-Match': v },
                });
                assertError(r, 404, 'not_found');
            }
            const check = await cwB.get(`/api/v1/cases/${bCase.id}`);
            assert.equal(check.status, 200);
            assert.equal(check.json.version, bCase.version);
            assert.equal(check.json.status, 'Active');
            assert.equal(check.json.restricted, false);
            assert.equal(check.json.owner_id, bCase.owner_id);
            assert.deepEqual((await cwB.get(`/api/v1/cases/${bCase.id}/events`)).json.items, []);
            assert.deepEqual((await cwB.get(`/api/v1/cases/${bCase.id}/comments`)).json.items, []);
        });

        it("A's supervisor: GET events, comments, history of the B case → 404", async () => {
            for (const sub of ['events', 'comments', 'history']) {
                assertError(await supA.get(`/api/v1/cases/${bCase.id}/${sub}`), 404, 'not_found');
            }
        });

        it("A's supervisor: the list and searches by B's name and phone hold no B case", async () => {
            const list = await supA.get('/api/v1/cases?limit=100');
            assert.equal(list.status, 200, list.text);
            assert.ok(!list.json.items.some((c) => c.id === bCase.id));
            assert.ok(list.json.items.every((c) => c.agency_id === s.agencyA.id));
            assert.ok(list.json.items.some((c) => c.id === a1Case.id));
            for (const q of [{ name: B_GIVEN }, { name: `${B_GIVEN} ${B_FAMILY}` }, { phone: B_PHONE }]) {
                const r = await supA.post('/api/v1/cases/search', q);
                assert.equal(r.status, 200, r.text);
                assert.deepEqual(r.json.items, [], JSON.stringify(q));
                // B itself finds it: the search works, the scope filters it.
                const rb = await cwB.post('/api/v1/cases/search', q);
                assert.equal(rb.status, 200, rb.text);
                assert.ok(rb.json.items.some((c) => c.id === bCase.id), JSON.stringify(q));
            }
        });

        it('the analyst (no case.read) → 403 on the list and the search', async () => {
            assertError(await analyst.get('/api/v1/cases'), 403);
            assertError(await analyst.post('/api/v1/cases/search', { name: A1_GIVEN }), 403);
            assertError(await analyst.get(`/api/v1/cases/${a1Case.id}`), 403);
        });

        it("scope own: A's caseworker cannot see the case of A's other caseworker; A's supervisor can", async () => {
            assert.equal(a2Case.owner_id, uCwA2.id);
            assertError(await cwA1.get(`/api/v1/cases/${a2Case.id}`), 404, 'not_found');
            assertError(await cwA1.get(`/api/v1/cases/${a2Case.id}/history`), 404, 'not_found');
            const list = await cwA1.get('/api/v1/cases?limit=100');
            assert.ok(!list.json.items.some((c) => c.id === a2Case.id));
            const srch = await cwA1.post('/api/v1/cases/search', { name: A2_GIVEN });
            assert.deepEqual(srch.json.items, []);
            const r = await supA.get(`/api/v1/cases/${a2Case.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.fields.given_name, A2_GIVEN);
            assert.equal((await cwA2.get(`/api/v1/cases/${a2Case.id}`)).status, 200);
        });
    });

    describe('field groups', () => {
        it("A's investigator reads names and narrative; the phone is withheld", async () => {
            const r = await invA.get(`/api/v1/cases/${a1Case.id}`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.fields.given_name, A1_GIVEN);
            assert.equal(r.json.fields.family_name, A1_FAMILY);
            assert.equal(r.json.fields.narrative, A1_NARRATIVE);
            assert.ok(!('phone' in r.json.fields), r.text);
            assert.ok(r.json.withheld.includes('phone'), r.text);
            assert.ok(!r.json.withheld.includes('given_name'));
            assert.ok(!r.json.withheld.includes('narrative'));
        });

        it('the investigator cannot search by phone (no fg.contact.read)', async () => {
            const r = await invA.post('/api/v1/cases/search', { phone: A1_PHONE });
            assertError(r, 403);
        });
    });

    describe('CRUD and versions', () => {
        let c;
        let etag;

        it('create → 201 with an ETag', async () => {
            const r = await cwA1.post('/api/v1/cases', { fields: { gender: 'female', citizenship: 'NG', birth_date: '1998-03' } });
            assert.equal(r.status, 201, r.text);
            assert.equal(etagVersion(r.etag), 1, `ETag ${r.etag}`);
            c = r.json.case;
            genders.push('Feminine');
            assert.equal(c.version, 1);
            assert.equal(c.fields.gender, 'Feminine');
            assert.equal(c.fields.citizenship, 'NGA');
            assert.equal(c.agency_id, s.agencyA.id);
            assert.equal(c.owner_id, uCwA1.id);
            etag = r.etag;
        });

        it('PATCH with If-Match → 200 and a new ETag', async () => {
            const r = await cwA1.patch(`/api/v1/cases/${c.id}`, { fields: { gender: 'Masculine' } }, ifMatch(etag));
            assert.equal(r.status, 200, r.text);
            assert.equal(etagVersion(r.etag), 2);
            assert.equal(r.json.case.version, 2);
            assert.equal(r.json.case.fields.gender, 'Masculine');
            genders[genders.length - 1] = 'Masculine';
            const g = await cwA1.get(`/api/v1/cases/${c.id}`);
            assert.equal(g.etag, r.etag);
        });

        it('stale If-Match → 412; missing If-Match → 412', async () => {
            assertError(await cwA1.patch(`/api/v1/cases/${c.id}`, { fields: { gender: 'Feminine' } }, ifMatch(etag)), 412, 'precondition_failed');
            assertError(await cwA1.patch(`/api/v1/cases/${c.id}`, { fields: { gender: 'Feminine' } }), 412);
            assert.equal((await cwA1.get(`/api/v1/cases/${c.id}`)).json.fields.gender, 'Masculine');
        });

        it('unknown field → 400 naming it; bad code → 400 field gender', async () => {
            assertError(await cwA1.patch(`/api/v1/cases/${c.id}`, { fields: { favourite_colour: 'blue' } }, ifMatch('"2"')), 400, 'invalid', 'favourite_colour');
            assertError(await cwA1.patch(`/api/v1/cases/${c.id}`, { fields: { gender: 'Robot' } }, ifMatch('"2"')), 400, 'invalid', 'gender');
            assertError(await cwA1.post('/api/v1/cases', { fields: { gender: 'Robot' } }), 400, 'invalid', 'gender');
            assertError(await cwA1.post('/api/v1/cases', { fields: { no_such_field: 1 } }), 400, 'invalid', 'no_such_field');
            const g = await cwA1.get(`/api/v1/cases/${c.id}`);
            assert.equal(g.json.version, 2);
        });

        it('history lists create and update, with from/to for gender', async () => {
            const r = await cwA1.get(`/api/v1/cases/${c.id}/history`);
            assert.equal(r.status, 200, r.text);
            const items = r.json.items;
            assert.equal(items.length, 2, r.text);
            assert.equal(items[0].action, 'update');
            assert.equal(items[0].version, 2);
            assert.deepEqual(items[0].changes.gender, { from: 'Feminine', to: 'Masculine' });
            assert.equal(items[1].action, 'create');
            assert.equal(items[1].version, 1);
            assert.deepEqual(items[1].changes.gender, { from: '', to: 'Feminine' });
        });

        it('close then reopen with If-Match', async () => {
            const cl = await cwA1.post(`/api/v1/cases/${c.id}/close`, { status: 'Closed' }, ifMatch('"2"'));
            assert.equal(cl.status, 200, cl.text);
            assert.equal(cl.json.case.status, 'Closed');
            assert.ok(cl.json.case.closed_at);
            const v = cl.etag;
            assert.equal(etagVersion(v), 3);
            assertError(await cwA1.post(`/api/v1/cases/${c.id}/reopen`, undefined, ifMatch('"2"')), 412);
            const ro = await cwA1.post(`/api/v1/cases/${c.id}/reopen`, undefined, ifMatch(v));
            assert.equal(ro.status, 200, ro.text);
            assert.equal(ro.json.case.status, 'Active');
            assert.equal(ro.json.case.closed_at, null);
            assert.equal(ro.json.case.version, 4);
            const h = await cwA1.get(`/api/v1/cases/${c.id}/history`);
            assert.equal(h.json.items.length, 4);
            assert.deepEqual(h.json.items[1].changes.status, { to: 'Closed' });
        });

        it('events: two added, listed by date; comments', async () => {
            const e1 = await cwA1.post(`/api/v1/cases/${c.id}/events`, { type: 'Exploitation', country: 'ITA', date: '2024-06', place: EVENT_PLACE });
            assert.equal(e1.status, 201, e1.text);
            const e2 = await cwA1.post(`/api/v1/cases/${c.id}/events`, { type: 'Recruitment', country: 'NG', date: '2023-11', description: 'Offer of work' });
            assert.equal(e2.status, 201, e2.text);
            assertError(await cwA1.post(`/api/v1/cases/${c.id}/events`, { type: 'Holiday', country: 'ITA' }), 400, 'invalid', 'type');
            const l = await cwA1.get(`/api/v1/cases/${c.id}/events`);
            assert.equal(l.status, 200, l.text);
            assert.deepEqual(l.json.items.map((e) => e.id), [e2.json.id, e1.json.id]);
            assert.equal(l.json.items[0].country, 'NGA');
            assert.equal(l.json.items[1].place, EVENT_PLACE);
            const cm = await cwA1.post(`/api/v1/cases/${c.id}/comments`, { body: COMMENT_BODY });
            assert.equal(cm.status, 201, cm.text);
            const cl = await cwA1.get(`/api/v1/cases/${c.id}/comments`);
            assert.equal(cl.status, 200);
            assert.equal(cl.json.items.length, 1);
            assert.equal(cl.json.items[0].id, cm.json.id);
            assert.equal(cl.json.items[0].body, COMMENT_BODY);
            assert.equal(cl.json.items[0].author, uCwA1.username);
            // events and comments leave the version alone
            assert.equal((await cwA1.get(`/api/v1/cases/${c.id}`)).json.version, 4);
        });
    });

    describe('search', () => {
        let jose, moh;
        before(async () => {
            let r = await cwA1.post('/api/v1/cases', { fields: { given_name: JOSE_GIVEN, family_name: JOSE_FAMILY, gender: 'Masculine' } });
            assert.equal(r.status, 201, r.text);
            jose = r.json.case;
            genders.push('Masculine');
            r = await cwA1.post('/api/v1/cases', { fields: { given_name: MOHAMMED, family_name: MOHAMMED_FAMILY, gender: 'Masculine' } });
            assert.equal(r.status, 201, r.text);
            moh = r.json.case;
            genders.push('Masculine');
        });

        it('"jose" finds José Hernández; "hernandez jose" too', async () => {
            for (const name of ['jose', 'JOSE', 'hernandez jose', 'José']) {
                const r = await cwA1.post('/api/v1/cases/search', { name });
                assert.equal(r.status, 200, r.text);
                assert.deepEqual(r.json.items.map((c) => c.id), [jose.id], name);
                assert.equal(r.json.items[0].fields.given_name, JOSE_GIVEN);
            }
            const none = await cwA1.post('/api/v1/cases/search', { name: 'jose maria' });
            assert.deepEqual(none.json.items, []);
        });

        it('"محمد" finds "مُحَمَّد"', async () => {
            const r = await cwA1.post('/api/v1/cases/search', { name: 'محمد' });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((c) => c.id), [moh.id]);
        });

        it('search results withhold personal fields other than names', async () => {
            const r = await cwA1.post('/api/v1/cases/search', { phone: A1_PHONE });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.items.map((c) => c.id), [a1Case.id]);
            assert.ok(!('phone' in r.json.items[0].fields));
            assert.ok(r.json.items[0].withheld.includes('phone'));
        });

        it('GET /api/v1/cases?name=… is ignored (no filtering by name in URLs)', async () => {
            const all = await cwA1.get('/api/v1/cases?limit=100');
            assert.equal(all.status, 200, all.text);
            const q = await cwA1.get('/api/v1/cases?limit=100&name=zzqx&phone=0&given_name=zzqx');
            assert.equal(q.status, 200, q.text);
            assert.deepEqual(q.json.items.map((c) => c.id).sort(), all.json.items.map((c) => c.id).sort());
            assert.ok(q.json.items.length >= 4);
        });
    });

    describe('statistics', () => {
        it('the analyst counts victims by gender, matching the cases of this file', async () => {
            const r = await analyst.get('/api/v1/stats/victims?by=gender');
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.by, ['gender']);
            const expected = {};
            for (const g of genders) {
                expected[g] = (expected[g] ?? 0) + 1;
            }
            const got = Object.fromEntries(r.json.rows.map((row) => [row.keys.gender, row.count]));
            assert.deepEqual(got, expected);
            const last = r.json.rows[r.json.rows.length - 1];
            assert.equal(last.keys.gender, 'unknown');
        });

        it('format=csv starts with "gender,count"', async () => {
            const r = await analyst.get('/api/v1/stats/victims?by=gender&format=csv');
            assert.equal(r.status, 200, r.text);
            assert.match(r.headers.get('content-type'), /^text\/csv/);
            const lines = r.text.split(/\r?\n/).filter((l) => l !== '');
            assert.equal(lines[0], 'gender,count');
            const counts = Object.fromEntries(lines.slice(1).map((l) => l.split(',')).map(([k, n]) => [k, Number(n)]));
            assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), genders.length);
        });

        it('by=nonsense → 400 field by; a caseworker (no stats.read) → 403', async () => {
            assertError(await analyst.get('/api/v1/stats/victims?by=nonsense'), 400, 'invalid', 'by');
            assertError(await cwA1.get('/api/v1/stats/victims?by=gender'), 403);
        });
    });

    describe('server log', () => {
        it('holds access-log lines and no name, phone, narrative or comment used here', async () => {
            assert.match(s.stderr, /\/api\/v1\/cases/, 'the access log is on');
            for (const p of PERSONAL) {
                assert.ok(!s.stderr.includes(p), `"${p}" appears in the server log`);
            }
            // The access log records the path without the query string (?name=zzqx was sent above).
            assert.ok(!s.stderr.includes('zzqx'), 'a query string appears in the server log');
        });
    });
});
