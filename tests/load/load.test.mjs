// The load suite (issue 10, part L): LOAD_CLIENTS concurrent clients (default 20) for
// LOAD_SECONDS (default 5) of mixed reads and writes against `ctis serve` on each engine of
// LOAD_ENGINES (default "sqlite"; "sqlite,postgres" needs TEST_PG_URL), each client with its own
// API token made before the timed phase (driver.mjs says why a Node driver and not wrk). Checks:
// no 5xx and no transport error; no lost write (rows and case versions counted in the database
// against the clients' own tallies of 201 and 200 answers). Then the password-hashing cap:
// LOAD_LOGINS (default 8) concurrent logins with real Argon2id hashing (64 MiB each) must keep
// the server's resident memory under its baseline + VAULT_PWHASH_CONCURRENT_MAX × 64 MiB + slack.
// Figures go to LOAD_OUT (default build/test-logs)/load-ENGINE.json and load-logins.json and are
// printed. The long run is tests/load.sh (200 clients, 60 s, both engines).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_SKIP_MESSAGE, PG_URL, REPO_ROOT, skipWithoutPg, startServer } from '../http/lib.mjs';
import { caseVersions, checkCounts, countRows, prepareUsers, runLoad, summary } from './driver.mjs';

const CLIENTS = Number(process.env.LOAD_CLIENTS || 20);
const SECONDS = Number(process.env.LOAD_SECONDS || 5);
const ENGINES = (process.env.LOAD_ENGINES || 'sqlite').split(',').filter(Boolean);
const LOGINS = Number(process.env.LOAD_LOGINS || 8);
// PostgreSQL runs the login transactions side by side, so only the cap bounds the hashes at once.
const LOGIN_ENGINE = process.env.LOAD_LOGIN_ENGINE || (PG_URL && ENGINES.includes('postgres') ? 'postgres' : 'sqlite');
const OUT = path.resolve(REPO_ROOT, process.env.LOAD_OUT || 'build/test-logs');
const PWHASH_MIB = 64; // crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
const PWHASH_CAP = 2; // VAULT_PWHASH_CONCURRENT_MAX in src/util/limits.h

function write(name, obj) {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, name), JSON.stringify(obj, null, 2) + '\n');
}

function rssKiB(pid, field = 'VmRSS') {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
}

for (const engine of ENGINES) {
    if (engine === 'postgres' && !PG_URL) {
        skipWithoutPg(`load on postgres`, PG_SKIP_MESSAGE);
        continue;
    }
    describe(`load on ${engine}: ${CLIENTS} clients for ${SECONDS} s`, () => {
        let s;
        let result;
        let before_;
        let versionsBefore;
        before(async () => {
            s = await startServer({ engine });
            const tokens = await prepareUsers(s, { clients: CLIENTS });
            // A few cases before the timed phase, so that reads and edits have something to find.
            const seedClient = s.client({ token: tokens[0].token });
            for (let i = 0; i < 5; i++) {
                const r = await seedClient.post('/api/v1/cases', { fields: { given_name: `Seed${i}`, family_name: 'Load' } });
                assert.equal(r.status, 201, r.text);
            }
            before_ = countRows(s);
            versionsBefore = caseVersions(s, s.sql('SELECT id FROM cases').split('\n').filter(Boolean).map(Number));
            result = await runLoad({ urls: [s.url], tokens, seconds: SECONDS, seed: 42 });
        });
        after(async () => {
            await s?.stop();
        });

        it('no 5xx answer and no transport error; figures written', () => {
            const counts = checkCounts(s, before_, result, versionsBefore);
            const sum = summary(engine, result, {
                cpus: 2,
                lost_writes: counts.problems.length,
                versions_checked: counts.versionsChecked,
                rows_after: counts.after,
            });
            write(`load-${engine}.json`, sum);
            process.stdout.write(
                `# load ${engine}: ${result.clients} clients, ${result.seconds} s, ${result.requests} requests, ` +
                    `${result.rps} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ` +
                    `status ${JSON.stringify(result.status)}, writes ${JSON.stringify(result.created)} + ${sum.patches_ok} PATCHes\n`,
            );
            assert.ok(result.requests > 0, 'no request was made');
            assert.deepEqual(result.errors5xx, [], '5xx answers');
            assert.equal(result.transport_errors, 0, `transport errors: ${result.transport_sample.join('; ')}`);
            for (const [op, o] of Object.entries(result.ops)) {
                const ok = Object.entries(o.status).filter(([st]) => Number(st) < 300 || Number(st) === 409 || Number(st) === 412);
                assert.equal(ok.reduce((a, [, n]) => a + n, 0), o.n, `${op}: unexpected answers ${JSON.stringify(o.status)}`);
            }
        });

        it('no lost write: rows and case versions equal the clients’ tallies', () => {
            const counts = checkCounts(s, before_, result, versionsBefore);
            assert.deepEqual(counts.problems, []);
            assert.ok(result.created.cases > 0 && result.created.tasks > 0 && result.created.comments > 0, JSON.stringify(result.created));
            assert.ok(counts.versionsChecked > 0, 'no PATCH was accepted');
            // The count can fail: one write more in the tallies than in the database is caught.
            const id = result.patchesOk.keys().next().value;
            const forged = {
                ...result,
                created: { ...result.created, tasks: result.created.tasks + 1 },
                patchesOk: new Map([...result.patchesOk, [id, result.patchesOk.get(id) + 1]]),
            };
            const caught = checkCounts(s, before_, forged, versionsBefore).problems;
            assert.equal(caught.length, 2, caught.join('; '));
            assert.match(caught.join('\n'), /^tasks: .*\ncase \d+: version/);
        });
    });
}

describe(`password hashing is capped: ${LOGINS} concurrent logins with real Argon2id on ${LOGIN_ENGINE}`, () => {
    let s;
    let users;
    before(async () => {
        s = await startServer({ engine: LOGIN_ENGINE, fastHash: false });
        users = [];
        for (let i = 0; i < 4; i++) {
            users.push(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own', totp: false }));
        }
    });
    after(async () => {
        await s?.stop();
    });

    it(`resident memory stays under baseline + ${PWHASH_CAP} × ${PWHASH_MIB} MiB + 48 MiB; every login answers 200`, async () => {
        const pid = s.proc.pid;
        const base = rssKiB(pid);
        let peak = base;
        const timer = setInterval(() => {
            const v = rssKiB(pid);
            if (v > peak) {
                peak = v;
            }
        }, 5);
        const t0 = Date.now();
        const answers = await Promise.all(
            Array.from({ length: LOGINS }, (_, i) => s.client().login(users[i % users.length].username, users[i % users.length].password)),
        );
        const ms = Date.now() - t0;
        clearInterval(timer);
        const hwm = rssKiB(pid, 'VmHWM');
        const limit = base + (PWHASH_CAP * PWHASH_MIB + 48) * 1024;
        const fig = {
            engine: LOGIN_ENGINE,
            logins: LOGINS,
            seconds: ms / 1000,
            baseline_rss_mib: +(base / 1024).toFixed(1),
            peak_rss_mib: +(peak / 1024).toFixed(1),
            vm_hwm_mib: +(hwm / 1024).toFixed(1),
            limit_mib: +(limit / 1024).toFixed(1),
            uncapped_would_be_mib: +(base / 1024 + LOGINS * PWHASH_MIB).toFixed(0),
            status: answers.reduce((a, r) => ((a[r.status] = (a[r.status] || 0) + 1), a), {}),
        };
        write('load-logins.json', fig);
        process.stdout.write(`# logins: ${JSON.stringify(fig)}\n`);
        assert.deepEqual(fig.status, { 200: LOGINS });
        assert.ok(peak <= limit, `peak RSS ${fig.peak_rss_mib} MiB over ${fig.limit_mib} MiB`);
        assert.ok(hwm <= limit, `VmHWM ${fig.vm_hwm_mib} MiB over ${fig.limit_mib} MiB`);
    });
});
