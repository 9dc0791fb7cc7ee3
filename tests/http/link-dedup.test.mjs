// link-dedup: the registry's duplicate finder with the Fellegi-Sunter scorer (issue 7 item 4,
// part F): GET /api/v1/cases/{id}/duplicates?scorer=fs finds a planted duplicate among generated
// cases, first and with a high match probability, never another agency's case; a scorer that does
// not exist is a 400 naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

const given = ['Ngozi', 'Amina', 'Fatima', 'Grace', 'Blessing', 'Joy', 'Esther', 'Mary', 'Aisha', 'Chioma', 'Efosa'];
const family = ['Okafor', 'Adeyemi', 'Bello', 'Eze', 'Musa', 'Ibrahim', 'Okon', 'Nwosu', 'Obi', 'Lawal', 'Danjuma', 'Akande', 'Etim'];

eachEngine((engine) => {
    let s, sup, supB;
    let orig, planted, other;

    before(async () => {
        s = await startServer({ engine });
        sup = await s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency', totp: true }));
        supB = await s.clientFor(s.addUser({ agency: 'B', role: 'case_supervisor', scope: 'agency', totp: true }));
        const cit = ['NGA', 'NGA', 'GHA', 'BEN'];
        for (let i = 0; i < 24; i++) {
            const fields = {
                given_name: given[i % given.length],
                family_name: family[(i * 7) % family.length],
                birth_date: `${1975 + ((i * 11) % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 5) % 28)).padStart(2, '0')}`,
                gender: i % 4 === 0 ? 'male' : 'female',
                citizenship: cit[i % 4],
            };
            const r = await sup.post('/api/v1/cases', { fields });
            assert.equal(r.status, 201, r.text);
            if (i === 9) {
                orig = { id: r.json.case.id, fields };
            }
        }
        const f = orig.fields;
        let r = await sup.post('/api/v1/cases', {
            fields: { ...f, given_name: f.family_name.toUpperCase(), family_name: f.given_name.toLowerCase() },
        });
        assert.equal(r.status, 201, r.text);
        planted = r.json.case;
        r = await supB.post('/api/v1/cases', { fields: f });
        assert.equal(r.status, 201, r.text);
        other = r.json.case;
    });
    after(async () => {
        await s?.stop();
    });

    describe('duplicates with scorer=fs', () => {
        it('finds the planted duplicate first, with a high match probability', async () => {
            const r = await sup.get(`/api/v1/cases/${planted.id}/duplicates?scorer=fs`);
            assert.equal(r.status, 200, r.text);
            assert.ok(r.json.items.length >= 1, r.text);
            assert.equal(r.json.items[0].id, orig.id, r.text);
            assert.ok(r.json.items[0].score >= 0.9, r.text);
            assert.match(r.json.items[0].why, /^weight /, r.text);
            assert.ok(!r.json.items.some((d) => d.id === other.id), r.text);
        });
        it('the simple scorer stays the default', async () => {
            const r = await sup.get(`/api/v1/cases/${planted.id}/duplicates`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.items[0].id, orig.id, r.text);
            assert.doesNotMatch(r.json.items[0].why, /^weight /, r.text);
        });
        it('an unknown scorer is a 400 naming the field', async () => {
            const r = await sup.get(`/api/v1/cases/${planted.id}/duplicates?scorer=magic`);
            assert.equal(r.status, 400, r.text);
            assert.ok(isErrorShape(r.json), r.text);
            assert.equal(r.json.error.field, 'scorer', r.text);
        });
    });
});
