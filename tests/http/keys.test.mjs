// keys: `ctis keys rotate-master` on a database with cases, on each engine (issue 10, operations:
// key rotation). The server is stopped, the master key rotated, the server started again with the
// new key file: a session made before still works (its token is checked with the MAC key, which
// the rotation keeps), a case's sealed name reads back, a search by name finds it (blind index),
// the audit chain verifies; the old key file opens nothing, and a data-key rotation after it
// works. The export time is cleared, so the CLI says to export again.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ctis, eachEngine, startServer } from './lib.mjs';

const GIVEN = 'Noor';
const FAMILY = 'Haddad-Rotation';

eachEngine((engine) => {
    let s;
    let cw;
    let caseId;
    let oldKey;

    before(async () => {
        s = await startServer({ engine });
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
        const r = await cw.post('/api/v1/cases', { fields: { given_name: GIVEN, family_name: FAMILY, gender: 'female' } });
        assert.equal(r.status, 201, r.text);
        caseId = r.json.case.id;
        oldKey = path.join(s.dir, 'old.key');
        copyFileSync(s.keyFile, oldKey);
    });
    after(async () => {
        await s?.stop();
    });

    describe('the master key rotated while the server is stopped', () => {
        it('rotates, replaces the key file and asks for a new export', async () => {
            await s.halt();
            const r = s.cliOk(['keys', 'rotate-master', '--json']);
            assert.equal(r.json.rotated, true);
            assert.notEqual(readFileSync(s.keyFile, 'utf8'), readFileSync(oldKey, 'utf8'));
            assert.ok(!existsSync(`${s.keyFile}.new`));
            assert.match(r.stderr, /keys export/);
            await s.serve();
            cw.base = s.url; // the same session cookie, on the new port
        });

        it('a session from before, the sealed name, the search by name and the audit chain still work', async () => {
            const got = await cw.get(`/api/v1/cases/${caseId}`);
            assert.equal(got.status, 200, got.text);
            assert.equal(got.json.fields.given_name, GIVEN, got.text);
            const found = await cw.post('/api/v1/cases/search', { name: `${GIVEN} ${FAMILY}` });
            assert.equal(found.status, 200, found.text);
            assert.deepEqual(found.json.items.map((c) => c.id), [caseId]);
            const v = s.cliOk(['audit', 'verify', '--json']);
            assert.equal(v.json.ok, true, v.stdout);
            const log = s.cliOk(['audit', 'show', '--json']).json;
            assert.ok(log.some((e) => e.action === 'keys.rotate_master' && e.outcome === 'ok'));
        });

        it('the old key file no longer opens the database', () => {
            const r = ctis(['audit', 'verify', '--db', s.db, '--key-file', oldKey]);
            assert.notEqual(r.code, 0, r.stdout);
            assert.match(r.stderr, /key file does not match/);
        });

        it('a data-key rotation after it re-seals everything, and the name still reads', async () => {
            s.cliOk(['keys', 'rotate']);
            const got = await cw.get(`/api/v1/cases/${caseId}`);
            assert.equal(got.status, 200, got.text);
            assert.equal(got.json.fields.given_name, GIVEN, got.text);
        });
    });
});
