// copy: moving a whole database between the engines. A SQLite database with demo data is copied
// to PostgreSQL and served from there (same key file: the sealed names decrypt), copied back to a
// new SQLite file, backed up and restored into PostgreSQL; each copy's audit chain verifies. A
// corrupted backup is refused and leaves the target empty. Needs TEST_PG_URL: without it the
// whole file is skipped (reported as skipped, not passed).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN_PASSWORD, PG_SKIP_MESSAGE, PG_URL, Server, ctis, ctisOk, pgCreateDb, pgDropDb, psql, skipWithoutPg } from './lib.mjs';

const TITLE = 'copy, backup and restore between SQLite and PostgreSQL';

if (!PG_URL) {
    skipWithoutPg(TITLE, PG_SKIP_MESSAGE.replace('the PostgreSQL half is', 'copy.test.mjs is'));
} else describe(TITLE, () => {
    let dir;
    let src; // the demo SQLite file
    let key; // its key file
    let demoPassword;
    let srcUsers; // `ctis user list --json` of the source
    const pgDbs = [];

    const newPg = () => {
        const d = pgCreateDb('ctis_http_copy');
        pgDbs.push(d.name);
        return d.url;
    };
    const verify = (db) => ctis(['audit', 'verify', '--json', '--db', db, '--key-file', key]);
    const userList = (db) =>
        ctisOk(['user', 'list', '--json', '--db', db, '--key-file', key])
            .json.map((u) => ({ id: u.id, username: u.username, agency_id: u.agency_id, role: u.role, display_name: u.display_name }))
            .sort((a, b) => a.id - b.id);
    const pgTables = (url) => Number(psql(url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").trim());

    before(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-http-copy-'));
        src = path.join(dir, 'demo.db');
        key = path.join(dir, 'demo.db.key');
        const init = ctisOk(['init', '--demo', '--json', '--admin-password-stdin', '--db', src], { input: ADMIN_PASSWORD + '\n' });
        demoPassword = init.json.demo_password;
        assert.equal(typeof demoPassword, 'string', init.stdout);
        assert.equal(init.json.key_file, key);
        srcUsers = userList(src);
        assert.ok(srcUsers.length > 20, `${srcUsers.length} demo users`);
        const v = verify(src);
        assert.equal(v.code, 0, v.stdout + v.stderr);
    });

    after(() => {
        if (dir) {
            rmSync(dir, { recursive: true, force: true });
        }
        for (const name of pgDbs) {
            pgDropDb(name);
        }
    });

    let pgCopy;

    it('ctis copy SQLite → PostgreSQL exits 0; the copy has the same users and a chain that verifies', () => {
        pgCopy = newPg();
        const r = ctis(['copy', '--from', src, '--to', pgCopy, '--key-file', key]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const v = verify(pgCopy);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.equal(v.json.ok, true);
        assert.deepEqual(userList(pgCopy), srcUsers);
    });

    it('copying into a database that is not empty is refused', () => {
        const r = ctis(['copy', '--from', src, '--to', pgCopy, '--key-file', key]);
        assert.notEqual(r.code, 0, r.stdout);
        assert.deepEqual(userList(pgCopy), srcUsers);
    });

    it('a server on the PostgreSQL copy (same key file): a demo user logs in and reads decrypted names', async () => {
        const analyst = srcUsers.find((u) => u.role === 'analyst');
        assert.ok(analyst, 'a demo analyst (no two-factor) exists');
        assert.ok(analyst.display_name && analyst.display_name !== analyst.username);
        const t = new Server('postgres', { db: pgCopy, keyFile: key });
        await t.serve();
        try {
            const c = t.client();
            const r = await c.login(analyst.username, demoPassword);
            assert.equal(r.status, 200, r.text);
            const me = await c.get('/api/v1/me');
            assert.equal(me.status, 200, me.text);
            assert.equal(me.json.display_name, analyst.display_name);
            assert.equal(me.json.email, `${analyst.username}@demo.ctis.invalid`);
            // The init administrator's password carried over too (two-factor still to enrol).
            const adm = await t.client().login('admin', ADMIN_PASSWORD);
            assert.equal(adm.status, 200, adm.text);
            assert.equal(adm.json.mfa_enroll_required, true);
        } finally {
            await t.stop();
        }
        const v = verify(pgCopy);
        assert.equal(v.code, 0, 'the chain still verifies after serving: ' + v.stdout);
    });

    it('copy back PostgreSQL → a new SQLite file: exit 0, same users, chain verifies', () => {
        const back = path.join(dir, 'back.db');
        const r = ctis(['copy', '--from', pgCopy, '--to', back, '--key-file', key]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const v = verify(back);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.equal(v.json.ok, true);
        assert.deepEqual(userList(back), srcUsers);
    });

    let backup;

    it('backup of SQLite restored into PostgreSQL: exit 0, same users, chain verifies', () => {
        backup = path.join(dir, 'demo.bak');
        const b = ctis(['backup', backup, '--db', src, '--key-file', key]);
        assert.equal(b.code, 0, b.stdout + b.stderr);
        const target = newPg();
        const r = ctis(['restore', backup, '--db', target, '--key-file', key]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const v = verify(target);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.deepEqual(userList(target), srcUsers);
        // A second restore into the now full database is refused.
        const again = ctis(['restore', backup, '--db', target, '--key-file', key]);
        assert.notEqual(again.code, 0);
    });

    it('backup of the PostgreSQL copy restores into a new SQLite file', () => {
        const pgBackup = path.join(dir, 'pg.bak');
        assert.equal(ctis(['backup', pgBackup, '--db', pgCopy, '--key-file', key]).code, 0);
        const target = path.join(dir, 'from-pg.db');
        const r = ctis(['restore', pgBackup, '--db', target, '--key-file', key]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(verify(target).code, 0);
        assert.deepEqual(userList(target), srcUsers);
    });

    /** A key file that belongs to another database. */
    function otherKey() {
        const other = path.join(dir, 'other.db');
        const k = path.join(dir, 'other.db.key');
        ctisOk(['init', '--admin-password-stdin', '--db', other], { input: ADMIN_PASSWORD + '\n' });
        return k;
    }

    it('restoring or copying with the key file of another database fails (exit 6)', () => {
        const wrong = otherKey();
        const target = newPg();
        const r = ctis(['restore', backup, '--db', target, '--key-file', wrong]);
        assert.equal(r.code, 6, r.stdout + r.stderr);
        assert.match(r.stderr, /key file does not match/);
        const c = ctis(['copy', '--from', src, '--to', newPg(), '--key-file', wrong]);
        assert.equal(c.code, 6, c.stdout + c.stderr);
        const v = ctis(['audit', 'verify', '--json', '--db', pgCopy, '--key-file', wrong]);
        assert.notEqual(v.code, 0);
    });

    // The key file is checked against the restored keys inside the restore transaction, before
    // COMMIT: a wrong key keeps nothing, exits 6, and the same target takes the restore again.
    it('a restore refused for a wrong key leaves the target empty, and can be run again', () => {
        const target = newPg();
        const r = ctis(['restore', backup, '--db', target, '--key-file', path.join(dir, 'other.db.key')]);
        assert.equal(r.code, 6, r.stderr);
        assert.equal(Number(psql(target, 'SELECT count(*) FROM users').trim()), 0);
        assert.equal(Number(psql(target, 'SELECT count(*) FROM audit_log').trim()), 0);
        const again = ctis(['restore', backup, '--db', target, '--key-file', key]);
        assert.equal(again.code, 0, again.stderr);
        assert.ok(Number(psql(target, 'SELECT count(*) FROM users').trim()) > 0);
    });

    it('a corrupted backup is refused (non-zero exit) and the target stays empty', () => {
        const good = readFileSync(backup, 'utf8');
        const lines = good.split('\n');
        const rowLine = lines.findIndex((l) => l.startsWith('{"r":') && /^\{"r":\[\d/.test(l) && l.length > 40);
        assert.ok(rowLine > 0);
        const flipped = lines.slice();
        // One character of one row changed (a digit of an id or a letter of a name).
        flipped[rowLine] = flipped[rowLine].replace(/[0-9]/, (d) => String((Number(d) + 1) % 10));
        assert.notEqual(flipped[rowLine], lines[rowLine]);
        const variants = {
            'one changed character': flipped.join('\n'),
            'a deleted row': lines.filter((_, i) => i !== rowLine).join('\n'),
            'truncated (no trailer)': lines.slice(0, Math.floor(lines.length * 0.6)).join('\n') + '\n',
            'a garbage line': lines.slice(0, rowLine).concat(['{"r":[not json'], lines.slice(rowLine + 1)).join('\n'),
            'empty file': '',
        };
        for (const [what, text] of Object.entries(variants)) {
            const file = path.join(dir, 'corrupt.bak');
            writeFileSync(file, text);
            const target = newPg();
            const r = ctis(['restore', file, '--db', target, '--key-file', key]);
            assert.notEqual(r.code, 0, `${what}: restore exited 0`);
            assert.ok(r.code !== null, `${what}: restore crashed (${r.signal})\n${r.stderr}`);
            const tables = pgTables(target);
            if (tables > 0) {
                for (const t of ['agencies', 'users', 'audit_log', 'roles']) {
                    const n = Number(psql(target, `SELECT count(*) FROM ${t}`).trim());
                    assert.equal(n, 0, `${what}: table ${t} has ${n} rows after a refused restore`);
                }
            }
            // The same into SQLite: no database with rows appears.
            const sq = path.join(dir, `corrupt-${Object.keys(variants).indexOf(what)}.db`);
            const r2 = ctis(['restore', file, '--db', sq, '--key-file', key]);
            assert.notEqual(r2.code, 0, `${what}: SQLite restore exited 0`);
            const users = ctis(['user', 'list', '--json', '--db', sq, '--key-file', key]);
            assert.ok(users.code !== 0 || (Array.isArray(users.json) && users.json.length === 0), `${what}: ${users.stdout}`);
        }
    });
});
