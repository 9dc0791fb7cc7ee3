// link-encode: `ctis link encode` and `ctis link inspect` between two real instances on each engine
// (issue 7, part E): a CSV and the registry's persons are encoded into signed .clk files that hold
// no name; the other instance refuses a file until its operator trusts the signer's key (`ctis peer
// add`), refuses another project or schema and a changed byte; errors name the file, line and
// column.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eachEngine, startServer } from './lib.mjs';

const GIVEN = ['Amina', 'Grace', 'Fatima', 'Olena', 'Svetlana', 'Mariam', 'Esther', 'Precious'];
const FAMILY = ['Okafor', 'Mensah', 'Ibrahim', 'Kovalenko', 'Petrenko', 'Haddad', 'Adeyemi', 'Mwangi'];

const SCHEMA = {
    version: 3,
    clkConfig: { l: 1024, kdf: { type: 'HKDF', hash: 'SHA256', salt: 'dGVzdC1zYWx0LTEyMzQ1Njc4', info: 'dGVzdA==' } },
    features: [
        { identifier: 'id', ignored: true },
        { identifier: 'given', format: { type: 'string' }, hashing: { comparison: { type: 'ngram', n: 2 }, strategy: { bitsPerFeature: 200 } } },
        { identifier: 'family', format: { type: 'string' }, hashing: { comparison: { type: 'ngram', n: 2 }, strategy: { bitsPerFeature: 200 } } },
        {
            identifier: 'dob',
            format: { type: 'date', format: '%Y-%m-%d' },
            hashing: { comparison: { type: 'ngram', n: 1, positional: true }, strategy: { bitsPerFeature: 200 } },
        },
    ],
};

eachEngine((engine) => {
    let a, b, dir, csv, schema, other, secret;

    before(async () => {
        a = await startServer({ engine });
        b = await startServer({ engine });
        dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-link-'));
        csv = path.join(dir, 'persons.csv');
        const rows = ['id, given, family, dob'];
        for (let i = 0; i < 40; i++) {
            rows.push(`p${i}, ${GIVEN[i % GIVEN.length]}, ${FAMILY[(i * 3) % FAMILY.length]}, ${1970 + i}-0${1 + (i % 9)}-1${i % 10}`);
        }
        writeFileSync(csv, rows.join('\n') + '\n');
        schema = path.join(dir, 'schema.json');
        writeFileSync(schema, JSON.stringify(SCHEMA));
        other = path.join(dir, 'other.json');
        writeFileSync(other, JSON.stringify({ ...SCHEMA, clkConfig: { ...SCHEMA.clkConfig, l: 2048 } }));
        secret = path.join(dir, 'secret');
        writeFileSync(secret, 'a shared secret of more than sixteen bytes\n');
    });
    after(async () => {
        await a?.stop();
        await b?.stop();
        if (dir) {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    const encode = (srv, extra) =>
        srv.cli(['link', 'encode', '--schema', schema, '--secret-file', secret, '--project', 'proj-1', '--json', ...extra]);

    describe('link encode and inspect', () => {
        it('encodes a CSV into a signed file without names; the signer reads it back as itself', () => {
            const out = path.join(dir, 'a.clk');
            const r = encode(a, ['--csv', csv, '--id-column', 'id', '--out', out]);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.json.count, 40);
            assert.equal(r.json.bits, 1024);
            const bytes = readFileSync(out).toString('latin1').toLowerCase();
            for (const n of [...GIVEN, ...FAMILY]) {
                assert.equal(bytes.includes(n.toLowerCase()), false, n);
            }
            const i = a.cli(['link', 'inspect', out, '--project', 'proj-1', '--schema', schema, '--json']);
            assert.equal(i.code, 0, i.stderr);
            assert.equal(i.json.trusted_as, 'self');
            assert.equal(i.json.count, 40);
            assert.equal(i.json.signer, 'Agency A');
        });

        it('another instance refuses the file until it trusts the key, then checks project and schema', () => {
            const out = path.join(dir, 'a.clk');
            let r = b.cli(['link', 'inspect', out]);
            assert.equal(r.code, 5, r.stderr);
            const key = a.cliOk(['peer', 'self']).stdout.trim();
            b.cliOk(['peer', 'add', 'agency-a', '--public-key', key]);
            r = b.cli(['link', 'inspect', out, '--project', 'proj-1', '--schema', schema, '--json']);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.json.trusted_as, 'agency-a');
            assert.equal(b.cli(['link', 'inspect', out, '--project', 'proj-2']).code, 4);
            assert.equal(b.cli(['link', 'inspect', out, '--schema', other]).code, 4);
        });

        it('a changed byte makes the file unreadable', () => {
            const out = path.join(dir, 'a.clk');
            const data = readFileSync(out);
            for (const at of [data.length - 1, data.length - 100, 800]) {
                const bad = Buffer.from(data);
                bad[at] ^= 1;
                const p = path.join(dir, 'bad.clk');
                writeFileSync(p, bad);
                const r = a.cli(['link', 'inspect', p]);
                assert.equal(r.code, 6, `byte ${at}: ${r.stderr}`);
            }
        });

        it('errors name the file, line and column; usage and bad input exit 2 and 8', () => {
            const bad = path.join(dir, 'bad.csv');
            writeFileSync(bad, 'id,given,family,dob\np1,Amina,Okafor,1990-01-01\np2,Grace,Mensah,1990-13-01\n');
            let r = encode(a, ['--csv', bad, '--id-column', 'id', '--out', path.join(dir, 'x.clk')]);
            assert.equal(r.code, 8);
            assert.match(r.stderr, /bad\.csv: line 3, column dob/);
            assert.doesNotMatch(r.stderr, /1990-13-01|Grace/);
            r = encode(a, ['--csv', bad, '--out', path.join(dir, 'x.clk')]);
            assert.equal(r.code, 2);
            const broken = path.join(dir, 'broken.json');
            writeFileSync(broken, JSON.stringify({ ...SCHEMA, clkConfig: { ...SCHEMA.clkConfig, l: 1000 } }));
            r = a.cli(['link', 'encode', '--schema', broken, '--secret-file', secret, '--project', 'p', '--out', path.join(dir, 'x.clk')]);
            assert.equal(r.code, 8);
            assert.match(r.stderr, /broken\.json: \/clkConfig\/l/);
        });

        it('encodes the registry persons under opaque tokens', async () => {
            const cw = await a.clientFor(a.addUser({ agency: 'A', role: 'caseworker', scope: 'agency' }));
            for (let i = 0; i < 3; i++) {
                const r = await cw.post('/api/v1/cases', {
                    fields: { given_name: GIVEN[i], family_name: FAMILY[i], birth_date: `199${i}-02-03` },
                });
                assert.equal(r.status, 201, r.text);
            }
            const persons = path.join(dir, 'persons.json');
            writeFileSync(
                persons,
                JSON.stringify({
                    ...SCHEMA,
                    features: [
                        { ...SCHEMA.features[1], identifier: 'given_name' },
                        { ...SCHEMA.features[2], identifier: 'family_name' },
                        { ...SCHEMA.features[3], identifier: 'birth_date' },
                    ],
                }),
            );
            const out = path.join(dir, 'persons.clk');
            const r = a.cli(['link', 'encode', '--schema', persons, '--secret-file', secret, '--project', 'proj-1', '--out', out, '--json']);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.json.count, 3);
            const bytes = readFileSync(out).toString('latin1').toLowerCase();
            for (let i = 0; i < 3; i++) {
                assert.equal(bytes.includes(GIVEN[i].toLowerCase()), false);
                assert.equal(bytes.includes(FAMILY[i].toLowerCase()), false);
            }
            assert.match(a.sql("SELECT count(*) FROM link_tokens WHERE project = 'proj-1'"), /3/);
            assert.match(a.sql("SELECT count(*) FROM audit_log WHERE action = 'link.run'"), /[1-9]/);
        });
    });
});
