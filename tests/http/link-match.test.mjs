// link-match: two real instances on each engine (issue 7, item 3). Agency A encodes its registry's
// persons (opaque tokens), agency B a CSV of its own records with spelling variants; A trusts B's
// key and runs `ctis link match A.clk B.clk --save`: the matches CSV holds `a_id,b_id,score`
// (ids as given, 4 decimals, no name), the run is saved with its review band; over the API an
// investigator of A reads the run, sees A's own side as its cases and B's as opaque ids, decides
// the review items (If-Match; a stale version is refused), and a caseworker is refused. One file
// gives its duplicates; several give groups; the histogram suggests a threshold.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, startServer } from './lib.mjs';

const PEOPLE = [
    ['Amina', 'Okafor', '1991-02-03'],
    ['Grace', 'Mensah', '1988-07-21'],
    ['Fatima', 'Ibrahim', '2001-11-30'],
    ['Olena', 'Kovalenko', '1979-04-09'],
];
// B's records: two exact, one with a spelling variant (the review band), others unrelated.
const B_ROWS = [
    ['b-1', 'Amina', 'Okafor', '1991-02-03'],
    ['b-2', 'Grace', 'Mensah', '1988-07-21'],
    ['b-3', 'Fatma', 'Ibrahimu', '2001-11-03'],
    ['b-4', 'Svetlana', 'Petrenko', '1965-12-01'],
    ['b-5', 'Mariam', 'Haddad', '1999-05-17'],
];

const feature = (identifier, extra = {}) => ({
    identifier,
    format: { type: 'string' },
    hashing: { comparison: { type: 'ngram', n: 2 }, strategy: { bitsPerFeature: 200 } },
    ...extra,
});
const schemaFor = (given, family, dob) => ({
    version: 3,
    clkConfig: { l: 1024, kdf: { type: 'HKDF', hash: 'SHA256', salt: 'bWF0Y2gtdGVzdC1zYWx0', info: 'dGVzdA==' } },
    features: [
        ...(given === 'given_name' ? [] : [{ identifier: 'id', ignored: true }]),
        feature(given),
        feature(family),
        {
            identifier: dob,
            format: { type: 'date', format: '%Y-%m-%d' },
            hashing: { comparison: { type: 'ngram', n: 1, positional: true }, strategy: { bitsPerFeature: 200 } },
        },
    ],
});

eachEngine((engine) => {
    let a, b, dir, secret, aClk, bClk, cases, inv, cw, runId;

    before(async () => {
        a = await startServer({ engine });
        b = await startServer({ engine });
        dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-link-match-'));
        secret = path.join(dir, 'secret');
        writeFileSync(secret, 'a shared secret of more than sixteen bytes\n');
        // The schemas differ only in the columns' names: their digests must then differ too, so
        // both sides use the registry's names (the CSV's header follows them).
        const schema = path.join(dir, 'persons.json');
        writeFileSync(schema, JSON.stringify(schemaFor('given_name', 'family_name', 'birth_date')));
        cw = await a.clientFor(a.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
        inv = await a.clientFor(a.addUser({ agency: 'A', role: 'investigator', scope: 'agency' }));
        cases = [];
        for (const [g, f, d] of PEOPLE) {
            const r = await cw.post('/api/v1/cases', { fields: { given_name: g, family_name: f, birth_date: d } });
            assert.equal(r.status, 201, r.text);
            cases.push(r.json.case.id);
        }
        aClk = path.join(dir, 'a.clk');
        a.cliOk(['link', 'encode', '--schema', schema, '--secret-file', secret, '--project', 'p-match', '--out', aClk]);
        const csv = path.join(dir, 'b.csv');
        writeFileSync(csv, ['id,given_name,family_name,birth_date', ...B_ROWS.map((r) => r.join(','))].join('\n') + '\n');
        bClk = path.join(dir, 'b.clk');
        b.cliOk(['link', 'encode', '--schema', schema, '--secret-file', secret, '--project', 'p-match', '--csv', csv,
            '--id-column', 'id', '--out', bClk]);
    });
    after(async () => {
        await a?.stop();
        await b?.stop();
        if (dir) {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    describe('link match, runs and the review queue', () => {
        it('refuses a file from an untrusted signer, then matches once the key is trusted', () => {
            const out = path.join(dir, 'm.csv');
            let r = a.cli(['link', 'match', aClk, bClk, '--threshold', '0.9', '--out', out]);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /b\.clk/);
            a.cliOk(['peer', 'add', 'agency-b', '--public-key', b.cliOk(['peer', 'self']).stdout.trim()]);
            r = a.cli(['link', 'match', aClk, bClk, '--threshold', '0.9', '--review-from', '0.6', '--save', '--json',
                '--out', out]);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(r.json, r.stdout + r.stderr);
            runId = r.json.run_id;
            assert.ok(runId > 0);
            const lines = readFileSync(out, 'utf8').trim().split('\n');
            assert.equal(lines[0], 'a_id,b_id,score');
            const rows = lines.slice(1).map((l) => l.split(','));
            assert.ok(rows.length >= 2, lines.join('\n'));
            for (const [ai, bi, s] of rows) {
                assert.match(ai, /^[0-9a-f]{32}$/); // A's opaque tokens, never a case id
                assert.match(bi, /^b-\d$/);
                assert.match(s, /^\d\.\d{4}$/);
                assert.ok(Number(s) >= 0.9);
            }
            assert.deepEqual(rows.map((x) => x[1]).sort().slice(0, 2), ['b-1', 'b-2']);
            const text = readFileSync(out, 'utf8').toLowerCase();
            for (const [g, f] of PEOPLE) {
                assert.equal(text.includes(g.toLowerCase()) || text.includes(f.toLowerCase()), false);
            }
            assert.equal(r.json.matches, rows.length);
            assert.ok(r.json.review >= 1, JSON.stringify(r.json)); // Fatma Ibrahimu
            assert.match(a.sql("SELECT count(*) FROM audit_log WHERE action = 'link.run.save'"), /1/);
        });

        it('the run over the API: own side as cases, the other side opaque; decisions with versions', async () => {
            let r = await inv.get('/api/v1/link/runs');
            assert.equal(r.status, 200, r.text);
            const run = r.json.items.find((x) => x.id === runId);
            assert.ok(run, r.text);
            assert.equal(run.local_side, 'a');
            assert.equal(run.project, 'p-match');
            r = await inv.get(`/api/v1/link/runs/${runId}/pairs?band=match`);
            assert.equal(r.status, 200, r.text);
            for (const p of r.json.items) {
                assert.ok(cases.includes(p.local_case_id), `${JSON.stringify(p)} ${cases}`);
            }
            r = await inv.get(`/api/v1/link/runs/${runId}/pairs?band=review&undecided=1`);
            assert.equal(r.status, 200, r.text);
            const item = r.json.items.find((p) => p.b_id === 'b-3');
            assert.ok(item, r.text);
            assert.equal(item.local_case_id, cases[2]);
            assert.equal(item.decision, null);
            r = await inv.post(`/api/v1/link/pairs/${item.id}/decision`, { decision: 'match' }, { headers: { 'If-Match': `"${item.version}"` } });
            assert.equal(r.status, 200, r.text);
            r = await inv.post(`/api/v1/link/pairs/${item.id}/decision`, { decision: 'nonmatch' }, { headers: { 'If-Match': `"${item.version}"` } });
            assert.equal(r.status, 409, r.text);
            r = await inv.post(`/api/v1/link/pairs/${item.id}/decision`, { decision: 'perhaps' }, { headers: { 'If-Match': `"${item.version + 1}"` } });
            assert.equal(r.status, 400, r.text);
            r = await inv.get(`/api/v1/link/runs/${runId}/pairs?band=review&undecided=1`);
            assert.equal(r.json.items.some((p) => p.id === item.id), false);
            assert.equal((await inv.get(`/api/v1/link/runs/${runId}/pairs?band=maybe`)).status, 400);
            assert.equal((await inv.get('/api/v1/link/runs/99999')).status, 404);
            assert.equal((await cw.get('/api/v1/link/runs')).status, 403);
            assert.equal((await cw.get(`/api/v1/link/runs/${runId}/pairs`)).status, 403);
            const j = a.cliOk(['link', 'review', String(runId), '--all', '--json']).json;
            assert.equal(j.pairs.find((p) => p.b_id === 'b-3').decision, 'match');
        });

        it('the API matches two uploaded files and saves the run; a changed byte or a caseworker is refused', async () => {
            const b64 = (f) => readFileSync(f).toString('base64url');
            const audited = () => a.sql("SELECT count(*) FROM audit_log WHERE action LIKE 'link.run%'").trim();
            const before = Number(audited());
            let r = await inv.post('/api/v1/link/runs', { a: b64(aClk), b: b64(bClk), threshold: 0.9, review_from: 0.6 });
            assert.equal(r.status, 201, r.text);
            assert.equal(Number(audited()), before + 1, 'one audit entry for the upload: the saved run');
            assert.equal(r.json.local_side, 'a');
            assert.equal(r.json.b_signer, 'Agency A'); // B's default signer: its first agency
            assert.ok(r.json.matches >= 2 && r.json.review >= 1, r.text);
            const pairs = await inv.get(`/api/v1/link/runs/${r.json.id}/pairs?band=match`);
            assert.ok(pairs.json.items.every((p) => cases.includes(p.local_case_id)), pairs.text);
            const bad = readFileSync(bClk);
            bad[bad.length - 10] ^= 1;
            r = await inv.post('/api/v1/link/runs', { a: b64(aClk), b: bad.toString('base64url'), threshold: 0.9 });
            assert.ok([400, 422].includes(r.status), r.text);
            r = await inv.post('/api/v1/link/runs', { a: b64(aClk), b: 'not base64!', threshold: 0.9 });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, 'b', r.text);
            r = await inv.post('/api/v1/link/runs', { a: b64(aClk), b: b64(bClk), threshold: 1.5 });
            assert.equal(r.status, 400, r.text);
            r = await cw.post('/api/v1/link/runs', { a: b64(aClk), b: b64(bClk), threshold: 0.9 });
            assert.equal(r.status, 403, r.text);
        });

        it('one file gives its duplicates, several give groups, the histogram a suggestion', () => {
            const dup = path.join(dir, 'd.csv');
            let r = a.cli(['link', 'match', bClk, '--threshold', '0.8', '--out', dup, '--json']);
            assert.equal(r.code, 0, `${r.signal} ${r.stderr}`);
            assert.equal(readFileSync(dup, 'utf8').split('\n')[0], 'a_id,b_id,score');
            const groups = path.join(dir, 'g.csv');
            r = a.cli(['link', 'match', aClk, bClk, bClk, '--threshold', '0.9', '--out', groups]);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(readFileSync(groups, 'utf8').split('\n')[0], 'group,party,id');
            r = a.cli(['link', 'histogram', aClk, bClk, '--json']);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.json.bins.length, 50);
            assert.equal(r.json.pairs, PEOPLE.length * B_ROWS.length);
        });

        it('usage errors: no threshold, a threshold out of range, --save with one file', () => {
            const out = path.join(dir, 'x.csv');
            let r = a.cli(['link', 'match', aClk, bClk, '--out', out]);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /--threshold/);
            r = a.cli(['link', 'match', aClk, bClk, '--threshold', '1.5', '--out', out]);
            assert.notEqual(r.code, 0);
            r = a.cli(['link', 'match', aClk, '--threshold', '0.8', '--save', '--out', out]);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /two parties/);
        });
    });
});
