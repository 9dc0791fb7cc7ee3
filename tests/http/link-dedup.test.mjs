// link-dedup: the registry's duplicate finder with the Fellegi-Sunter scorer (issue 7 item 4,
// part F): GET /api/v1/cases/{id}/duplicates?scorer=fs finds a planted duplicate among generated
// cases, first and with a high match probability, never another agency's case; a scorer that does
// not exist is a 400 naming the field. `ctis link dedup` writes the matches CSV for a CSV file and
// for the registry's cases (case ids, never names) and audits the run once, with counts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
        it('ctis link dedup --cases writes the pair as case ids, audited once with counts', async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctis-link-dedup-'));
            const out = path.join(dir, 'm.csv');
            const r = s.cliOk(['link', 'dedup', '--cases', '--out', out, '--json']);
            assert.equal(r.json.records, 26, r.stdout);
            assert.equal(r.json.model.lambda_at_bound, false, r.stdout);
            const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
            assert.equal(lines[0], 'a_id,b_id,score');
            const pairs = lines.slice(1).map((l) => l.split(','));
            const want = [String(orig.id), String(planted.id)].sort().join();
            assert.ok(pairs.some((p) => [p[0], p[1]].sort().join() === want), lines.join('\n'));
            assert.ok(!/[A-Za-z]{4,}/.test(lines.slice(1).join('\n')), 'no names in the file');
            const audit = s.sql("SELECT detail FROM audit_log WHERE action = 'link.run'");
            assert.match(audit, /^dedup cases: 26 cases, \d+ pairs, \d+ kept$/m, audit);
            fs.rmSync(dir, { recursive: true, force: true });
        });
        it('ctis link dedup --csv: a person file, the matches CSV, usage errors', () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctis-link-dedup-'));
            const csv = path.join(dir, 'p.csv');
            const rows = ['id, given, surname, dob'];
            for (let i = 0; i < 60; i++) {
                rows.push(`r${i}, ${given[i % given.length]}, ${family[(i * 7) % family.length]}${i}, 19${50 + (i % 40)}0${1 + (i % 9)}1${i % 10}`);
            }
            const r10 = rows[11].split(', '); // r10, Efosa, Ibrahim10, 19600210
            rows.push(`dup, ${r10[1]}s, ${r10[2]}, ${r10[3]}`); // a typo in the given name
            fs.writeFileSync(csv, rows.join('\n') + '\n');
            const out = path.join(dir, 'm.csv');
            const r = s.cliOk(['link', 'dedup', '--csv', csv, '--id-column', 'id', '--fields', 'given,surname,dob',
                '--block', 'surname,dob', '--out', out, '--json']);
            assert.equal(r.json.records, 61, r.stdout);
            const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
            assert.equal(lines[0], 'a_id,b_id,score');
            assert.ok(lines.slice(1).some((l) => /^(r10,dup|dup,r10),(0\.9\d{3}|1\.0000)$/.test(l)), lines.join('\n'));
            assert.equal(s.cli(['link', 'dedup', '--out', out]).code, 8);
            assert.equal(s.cli(['link', 'dedup', '--csv', csv, '--cases', '--out', out]).code, 8);
            assert.equal(s.cli(['link', 'dedup', '--csv', csv, '--id-column', 'nope', '--fields', 'given', '--out', out]).code, 8);
            fs.rmSync(dir, { recursive: true, force: true });
        });
        it('an unknown scorer is a 400 naming the field', async () => {
            const r = await sup.get(`/api/v1/cases/${planted.id}/duplicates?scorer=magic`);
            assert.equal(r.status, 400, r.text);
            assert.ok(isErrorShape(r.json), r.text);
            assert.equal(r.json.error.field, 'scorer', r.text);
        });
    });
});
