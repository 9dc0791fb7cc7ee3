// security: the attacks of issue 10 item 5 that are not the authorization matrix
// (security-matrix.test.mjs): CSRF on every state-changing route of docs/openapi.json, session
// fixation, login brute force and the cap on password hashing, SQL injection in every query
// parameter and search field of the list and search routes, path traversal on the static files,
// no secret or personal datum in the log or in error bodies, and TLS. docs/security.md maps each
// threat to the test here that proves its control.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CTIS_BIN, Client, PASSWORD, REPO_ROOT, ctisEnv, eachEngine, nextTotp, rawRequest, sleep, startServer } from './lib.mjs';

// `make test` runs everything on SQLite and only the SQL injection part on PostgreSQL (its SQL
// differs); tests/security-long.sh (CTIS_SECURITY_FULL=1) runs everything on both.
const FULL = process.env.CTIS_SECURITY_FULL === '1';
const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/openapi.json'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const routes = [];
for (const [p, ops] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
        if (ops[m]) {
            routes.push({ method: m.toUpperCase(), path: p, op: ops[m] });
        }
    }
}
const deref = (o) => {
    while (o && o.$ref) {
        o = o.$ref.split('/').slice(1).reduce((a, k) => a[k], doc);
    }
    return o;
};
const concrete = (p) => p.replace(/\{(\w+)\}/g, (_, n) => (n === 'lang' ? 'en' : n === 'id' || n === 'sub_id' ? '987654321' : 'x'));

// State-changing routes that need no session (so no CSRF token): login and the public tip form.
const NO_SESSION_WRITES = new Set(['POST /api/v1/session', 'POST /api/v1/public/tips']);
const writes = routes.filter((r) => r.method !== 'GET' && !NO_SESSION_WRITES.has(`${r.method} ${r.path}`));

function assertCode(r, status, code, what = '') {
    assert.equal(r.status, status, `${what} expected ${status} ${code}, got ${r.status} ${r.text}`);
    if (code) {
        assert.equal(r.json?.error?.code, code, `${what} ${r.text}`);
    }
}

/** Row counts of every table but the audit trail, sessions and throttles. */
function tableCounts(s) {
    const volatile = /^(audit|sessions?|login_|auth_throttle|intake_throttle|schema_|sqlite_)/;
    const list =
        s.engine === 'postgres'
            ? s.sql('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1')
            : s.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
    const names = list.split('\n').map((t) => t.trim()).filter((t) => t && !volatile.test(t));
    // UNION ALL keeps no order on PostgreSQL: sort the lines (a run compared them in two orders).
    const out = s.sql(names.map((n) => `SELECT '${n}', count(*) FROM "${n}"`).join(' UNION ALL ') + ';');
    return out.split('\n').filter((l) => l.trim()).sort().join('\n');
}

const onlySqlite = (engine) => engine === 'postgres' && !FULL && 'on PostgreSQL in the long suite only (CTIS_SECURITY_FULL=1)';

eachEngine((engine) => {
    let s;
    let root;
    let sup; // case supervisor of A
    let coord; // national coordinator
    let fundm; // fund manager
    let inv; // investigator
    const errorBodies = []; // every error body seen, for the secrets check

    before(async () => {
        s = await startServer({ engine });
        s.cliOk(['demo']); // hundreds of cases, agencies, users: rows an injection could add
        root = await s.rootClient();
        sup = await s.clientFor(s.addUser({ role: 'case_supervisor', scope: 'all' }));
        coord = await s.clientFor(s.addUser({ role: 'national_coordinator', scope: 'all' }));
        fundm = await s.clientFor(s.addUser({ role: 'fund_manager', scope: 'all' }));
        inv = await s.clientFor(s.addUser({ role: 'investigator', scope: 'all' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('CSRF', { skip: onlySqlite(engine) }, () => {
        it(`every state-changing route (${writes.length}) with the session cookie and no or a wrong X-CSRF-Token → 403 csrf`, async () => {
            const c = await s.clientFor(s.addUser({ role: 'case_supervisor', scope: 'agency' }));
            const other = await s.clientFor(s.addUser({ role: 'case_supervisor', scope: 'agency' }));
            const bad = [];
            for (const r of writes) {
                for (const token of [undefined, 'wrong-token-000000000000000000', other.cookies.get('ctis_csrf')]) {
                    c.sendCsrf = token !== undefined;
                    const res = await c.request(r.method, concrete(r.path), {
                        json: r.method === 'DELETE' ? undefined : {},
                        headers: token !== undefined ? { 'X-CSRF-Token': token } : {},
                    });
                    if (res.status !== 403 || res.json?.error?.code !== 'csrf') {
                        bad.push(`${r.method} ${r.path} token=${token ?? 'none'} → ${res.status} ${res.text.slice(0, 120)}`);
                    }
                }
            }
            c.sendCsrf = true;
            assert.deepEqual(bad, []);
            assert.equal((await c.get('/api/v1/me')).status, 200, 'the session survived (DELETE /session was refused too)');
        });

        it('with a bearer token no CSRF token is needed on any state-changing route (never 403 csrf, never 5xx)', async () => {
            const t = await sup.post('/api/v1/tokens', { name: 'csrf-free' });
            assert.equal(t.status, 201, t.text);
            const bearer = new Client(s.url, { token: t.json.token });
            const counts = tableCounts(s);
            const bad = [];
            for (const r of writes) {
                if (r.path.startsWith('/api/v1/session') || r.path.startsWith('/api/v1/tokens') || r.path === '/api/v1/me/password') {
                    continue; // session and token routes are for sessions (auth.test.mjs)
                }
                const res = await bearer.request(r.method, concrete(r.path), { json: r.method === 'DELETE' ? undefined : {} });
                if (res.status >= 500 || res.json?.error?.code === 'csrf' || res.status === 401) {
                    bad.push(`${r.method} ${r.path} → ${res.status} ${res.text.slice(0, 120)}`);
                }
            }
            assert.deepEqual(bad, []);
            assert.equal(tableCounts(s), counts, 'empty bodies and missing ids changed nothing');
        });
    });

    describe('session fixation and lifetime', { skip: onlySqlite(engine) }, () => {
        it('a planted id is not adopted; each login issues a new id; logout and a password change kill the old ids on the server', async () => {
            const u = s.addUser({ role: 'analyst', scope: 'all', totp: false });
            const planted = 'A'.repeat(43);
            const c = s.client();
            c.cookies.set('ctis_session', planted);
            await c.loginOk(u.username, PASSWORD);
            const id1 = c.cookies.get('ctis_session');
            assert.notEqual(id1, planted);
            assertCode(await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: `ctis_session=${planted}` } }), 401, 'unauthenticated');
            // Logging in again (same client, same cookie jar) gives a fresh id.
            await c.loginOk(u.username, PASSWORD);
            const id2 = c.cookies.get('ctis_session');
            assert.notEqual(id2, id1);
            // Logout kills id2 on the server, not only in the client.
            assert.equal((await c.logout()).status, 200);
            assertCode(await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: `ctis_session=${id2}` } }), 401, 'unauthenticated');
            // A password change kills every other id.
            const a = s.client();
            const b = s.client();
            await a.loginOk(u.username, PASSWORD);
            await b.loginOk(u.username, PASSWORD);
            const old = b.cookies.get('ctis_session');
            assert.equal((await a.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'Brand-New-Pass-7788' })).status, 200);
            assertCode(await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: `ctis_session=${old}` } }), 401, 'unauthenticated');
            assertCode(await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: `ctis_session=${id1}` } }), 401, 'unauthenticated');
        });
    });

    describe('login brute force', { skip: onlySqlite(engine) }, () => {
        it('5 failures lock that user (the right password is refused during the lock) but not another user', async () => {
            const victim = s.addUser({ role: 'analyst', scope: 'all', totp: false });
            const bystander = s.addUser({ role: 'analyst', scope: 'all', totp: false });
            // From different client addresses: the lock is per user, whatever the address.
            for (let i = 0; i < 5; i++) {
                const r = await rawRequest(s.url + '/api/v1/session', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ username: victim.username, password: `wrong-${i}-xxxxxxxx` }),
                    localAddress: `127.0.1.${i + 1}`,
                });
                assert.ok(r.status === 401 || r.status === 403, r.text);
                errorBodies.push(r.text);
            }
            const locked = await s.client().login(victim.username, PASSWORD);
            assertCode(locked, 403, 'locked', 'right password during the lock');
            assert.equal((await s.client().login(bystander.username, PASSWORD)).status, 200, 'another user is not locked');
        });

        it('failures from one address are throttled for that address only (429), even for a right password', async () => {
            const u = s.addUser({ role: 'analyst', scope: 'all', totp: false });
            const from = '127.0.2.7';
            const login = (username, password, localAddress = from) =>
                rawRequest(s.url + '/api/v1/session', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ username, password }),
                    localAddress,
                });
            let throttledAt = -1;
            for (let i = 0; i < 40; i++) {
                const r = await login(`nobody-${i}`, 'not-the-password-x');
                if (r.status === 429) {
                    throttledAt = i;
                    break;
                }
                assertCode(r, 401, 'unauthenticated');
            }
            assert.ok(throttledAt > 0 && throttledAt <= 30, `throttled after ${throttledAt} failures`);
            assertCode(await login(u.username, PASSWORD), 429, 'throttled');
            assert.equal((await login(u.username, PASSWORD, '127.0.2.8')).status, 200, 'another address is not throttled');
        });
    });

    describe('SQL injection', () => {
        const PAYLOADS = ["' OR 1=1 --", '" OR ""="', '"; DROP TABLE cases; --', "'); DELETE FROM users; --", 'a\u0000b', '\u2019 OR \u20191\u2019=\u20191', '%', '_', '\\', "1' UNION SELECT name FROM sqlite_master --"];
        const NOMATCH = 'zzqx-no-such-value';
        const lists = routes.filter((r) => r.method === 'GET' && !r.path.includes('{') && r.op['x-permission'] && (r.op.parameters ?? []).some((p) => deref(p).in === 'query'));
        const searches = routes.filter((r) => r.method === 'POST' && r.path.endsWith('/search'));
        const clientFor = (perm) => {
            if (/^(case|referral|task|intake|provider)\./.test(perm)) return sup;
            if (/^(justice|link)\./.test(perm)) return inv;
            if (/^fund\./.test(perm)) return fundm;
            if (/^(stats|plan|screening|pathway)\./.test(perm)) return coord;
            return root;
        };
        // Full-text queries (court decisions, best practices: FTS5 on SQLite, tsquery on
        // PostgreSQL) drop punctuation, so a payload of punctuation alone is no filter: it may give
        // as many rows as no query at all, never more.
        const fullText = (r, p) => p.name === 'q' && ['/api/v1/court-decisions', '/api/v1/plan/practices'].includes(r.path);
        const rows = (r) => (r.status === 200 && Array.isArray(r.json?.items) ? r.json.items.length : null);

        it('payloads in every query parameter of the list routes and every string field of the search routes: no 5xx, no extra rows, tables intact', async () => {
            const counts = tableCounts(s);
            const bad = [];
            let calls = 0;
            for (const r of lists) {
                const c = clientFor(r.op['x-permission']);
                for (const p of (r.op.parameters ?? []).map(deref).filter((p) => p.in === 'query')) {
                    const base = await c.get(`${r.path}?${p.name}=${encodeURIComponent(NOMATCH)}`);
                    const all = rows(await c.get(r.path));
                    for (const payload of PAYLOADS) {
                        const res = await c.get(`${r.path}?${p.name}=${encodeURIComponent(payload)}`);
                        calls++;
                        if (res.status >= 500) {
                            bad.push(`GET ${r.path}?${p.name}=${JSON.stringify(payload)} → ${res.status} ${res.text.slice(0, 150)}`);
                        } else if (rows(res) !== null && rows(base) !== null && rows(res) > (fullText(r, p) ? all : rows(base)) && !['limit', 'offset'].includes(p.name)) {
                            bad.push(`GET ${r.path}?${p.name}=${JSON.stringify(payload)}: ${rows(res)} rows, ${rows(base)} for a value that matches nothing`);
                        }
                        if (res.status >= 400) {
                            errorBodies.push(res.text);
                        }
                    }
                }
            }
            for (const r of searches) {
                const c = clientFor(r.op['x-permission']);
                const schema = deref(deref(r.op.requestBody)?.content?.['application/json']?.schema) ?? {};
                const fields = Object.entries(schema.properties ?? {}).filter(([, v]) => deref(v).type === 'string').map(([k]) => k);
                for (const f of fields.length ? fields : ['q']) {
                    const base = await c.post(r.path, { [f]: NOMATCH });
                    for (const payload of PAYLOADS) {
                        const res = await c.post(r.path, { [f]: payload });
                        calls++;
                        if (res.status >= 500) {
                            bad.push(`POST ${r.path} {${f}: ${JSON.stringify(payload)}} → ${res.status} ${res.text.slice(0, 150)}`);
                        } else if (rows(res) !== null && rows(base) !== null && rows(res) > rows(base) && !/[%_\\]/.test(payload)) {
                            bad.push(`POST ${r.path} {${f}: ${JSON.stringify(payload)}}: ${rows(res)} rows, ${rows(base)} for a value that matches nothing`);
                        }
                    }
                }
            }
            process.stderr.write(`sql injection ${engine}: ${calls} calls on ${lists.length} list and ${searches.length} search routes, ${bad.length} problems\n`);
            assert.ok(calls > 200, `only ${calls} calls`);
            assert.deepEqual(bad, []);
            assert.equal(tableCounts(s), counts, 'every table has the rows it had');
        });
    });

    describe('path traversal on the static files', { skip: onlySqlite(engine) }, () => {
        const ATTEMPTS = [
            '/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
            '/js/..%252f..%252fetc%252fpasswd', '/%2e%2e%5c%2e%2e%5cetc%5cpasswd', '/js/app.js%00.png', '/index.html%00', '/.git/config',
            '//etc/passwd', '/i18n/../src/main.c', '/i18n/..%2fsrc%2fmain.c', '/web/index.html', '/src/web/web.c',
            '/meson.build', '/' + 'a/'.repeat(3000) + 'x.js', '/' + 'x'.repeat(20000), '/%c0%ae%c0%ae/etc/passwd', '/js/app.js/..',
        ];
        it(`${ATTEMPTS.length} traversal attempts: 4xx, never a file outside the embedded ones, never 5xx`, async () => {
            const bad = [];
            for (const p of ATTEMPTS) {
                const r = await rawRequest(s.url + p).catch((e) => ({ status: 0, text: String(e) }));
                if (r.status === 0) {
                    continue; // the connection was refused outright (an over-long request line)
                }
                if (r.status < 400 || r.status >= 500 || /root:.*:0:0:|\[core\]|#include|project\(/.test(r.text)) {
                    bad.push(`${p.slice(0, 80)} → ${r.status} ${r.text.slice(0, 80)}`);
                }
            }
            assert.deepEqual(bad, []);
            // The embedded files are served.
            assert.equal((await rawRequest(s.url + '/')).status, 200);
            assert.equal((await rawRequest(s.url + '/js/app.js')).status, 200);
        });
    });

    describe('no secret or personal datum in the log or error bodies', { skip: onlySqlite(engine) }, () => {
        it('a scenario with known names, passwords, tokens, TOTP secrets and document numbers leaves none of them in the log or an error body', async () => {
            const secrets = {};
            const bodyIfError = (text) => {
                if (/^\{"error"/.test(text)) errorBodies.push(text);
            };
            secrets.password = 'Leak-Canary-Pass-9911';
            secrets.wrongPassword = 'Leak-Canary-Wrong-3344';
            const u = s.addUser({ role: 'caseworker', scope: 'own', displayName: 'Zenobia Leakcanary' });
            secrets.totp = u.totpSecret;
            secrets.displayName = 'Zenobia Leakcanary';
            const cw = await s.clientFor(u);
            const t = await cw.post('/api/v1/tokens', { name: 'leak-token' });
            secrets.token = t.json.token;
            // A case with a name and a document number.
            secrets.person = 'Leakcanaryson';
            secrets.document = 'P-LEAK-77881234';
            const cs = await cw.post('/api/v1/cases', {
                fields: { given_name: 'Quirinus', family_name: secrets.person, identity_number: secrets.document },
            });
            assert.equal(cs.status, 201, cs.text);
            const caseId = cs.json.case.id;
            bodyIfError((await s.client().login(u.username, secrets.wrongPassword)).text);
            bodyIfError((await s.client().post('/api/v1/session', { username: u.username, password: PASSWORD, totp: '000000' })).text);
            bodyIfError((await new Client(s.url, { token: secrets.token + 'x' }).get('/api/v1/me')).text);
            bodyIfError((await new Client(s.url, { token: secrets.token }).get(`/api/v1/cases?status=${encodeURIComponent(secrets.person)}`)).text);
            bodyIfError((await cw.post('/api/v1/cases', { fields: { family_name: secrets.person, birth_date: secrets.document } })).text);
            bodyIfError((await cw.post('/api/v1/cases', { fields: { family_name: secrets.person, no_such_field: secrets.document } })).text);
            bodyIfError((await cw.post('/api/v1/me/password', { current_password: secrets.wrongPassword, new_password: secrets.password })).text);
            bodyIfError((await cw.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'short' })).text);
            bodyIfError((await cw.patch(`/api/v1/cases/${caseId}`, { fields: { family_name: secrets.person } }, { headers: { 'If-Match': '"999"' } })).text);
            bodyIfError((await cw.patch(`/api/v1/cases/${caseId}`, { fields: { identity_number: { bad: secrets.document } } }, { headers: { 'If-Match': cs.etag } })).text);
            bodyIfError((await cw.post('/api/v1/cases/search', { name: secrets.person, bad: secrets.document })).text);
            // Reads that show the values to one allowed to see them are not errors: the case is there.
            const seen = await cw.get(`/api/v1/cases/${caseId}`);
            assert.equal(seen.status, 200, seen.text);
            assert.ok(seen.text.includes(secrets.person), 'the name was stored and is readable by its caseworker');
            await sleep(200);
            const log = s.stderr;
            assert.ok(log.includes('/api/v1/session'), 'the access log was captured');
            const found = [];
            for (const [name, value] of Object.entries(secrets)) {
                if (!value) continue;
                if (log.includes(value)) found.push(`log holds ${name}`);
                errorBodies.forEach((b, i) => {
                    if (b && b.includes(value)) found.push(`error body ${i} holds ${name}: ${b.slice(0, 160)}`);
                });
            }
            assert.deepEqual(found, []);
        });
    });
});

// The cap on password hashing (VAULT_PWHASH_CONCURRENT_MAX = 2 Argon2id hashes at once, 64 MiB
// each): 16 logins at once with the real parameters raise the server's peak memory by far less
// than 16 (or even the 4 worker threads) × 64 MiB. Not under ASan, whose quarantine keeps freed
// blocks.
describe('password hashing is capped (logins cannot exhaust memory)', { skip: /asan/.test(CTIS_BIN) && 'not under ASan' }, () => {
    let s;
    before(async () => {
        s = await startServer({ engine: 'sqlite', fastHash: false });
    });
    after(async () => {
        await s?.stop();
    });
    const hwmKiB = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'))[1]);

    it('16 concurrent logins with Argon2id (64 MiB each): peak memory grows by less than 3 hashes', async () => {
        const before0 = hwmKiB();
        const t0 = Date.now();
        const answers = await Promise.all(
            Array.from({ length: 16 }, (_, i) =>
                rawRequest(s.url + '/api/v1/session', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ username: i % 2 ? s.admin.username : `nobody-${i}`, password: `wrong-password-${i}-xx` }),
                    localAddress: `127.0.3.${i + 1}`,
                    timeoutMs: 120_000,
                }),
            ),
        );
        const grown = (hwmKiB() - before0) / 1024;
        process.stderr.write(`pwhash cap: 16 logins in ${Date.now() - t0} ms, peak memory +${grown.toFixed(0)} MiB\n`);
        for (const a of answers) {
            assert.ok(a.status === 401 || a.status === 403, a.text);
        }
        assert.ok(grown < 3 * 64, `peak memory grew by ${grown.toFixed(0)} MiB`);
    });
});

// TLS: a self-signed pair made with openssl; one SQLite server.
describe('TLS', () => {
    let dir;
    let proc;
    let url;
    let s;
    before(async () => {
        s = await startServer({ engine: 'sqlite' });
        await s.halt();
        dir = fs.mkdtempSync('/tmp/ctis-tls-');
        const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
        assert.equal(gen.status, 0, gen.stderr);
        proc = spawn(CTIS_BIN, ['serve', '--db', s.db, '--key-file', s.keyFile, '--port', '0', '--tls-cert', `${dir}/cert.pem`, '--tls-key', `${dir}/key.pem`], { env: ctisEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        url = await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no TLS server: ${out}`)), 30_000);
            proc.stdout.on('data', (d) => {
                out += d;
                const m = /serving (https?:\/\/[^\s/]+)\//.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]);
                }
            });
            proc.stderr.on('data', (d) => (out += d));
            proc.on('exit', () => reject(new Error(`TLS server exited: ${out}`)));
        });
    });
    after(() => {
        proc?.kill('SIGTERM');
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        s?.cleanup();
    });

    const req = (p, { method = 'GET', headers = {}, body } = {}) =>
        new Promise((resolve, reject) => {
            const u = new URL(url.replace(/^http:/, 'https:') + p);
            const r = https.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers, ca: fs.readFileSync(`${dir}/cert.pem`) }, (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (d) => (text += d));
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
            });
            r.on('error', reject);
            r.end(body);
        });

    it('HTTPS works (the certificate verifies), with HSTS; the login cookies are Secure, HttpOnly, SameSite=Strict', async () => {
        assert.match(url, /^https:/, 'the server says it serves https');
        const h = await req('/healthz');
        assert.equal(h.status, 200, h.text);
        assert.match(String(h.headers['strict-transport-security']), /max-age=\d+/);
        const login = await req('/api/v1/session', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username: s.root.username, password: s.root.password, totp: await nextTotp(s.root.totpSecret) }),
        });
        assert.equal(login.status, 200, login.text);
        const cookies = login.headers['set-cookie'];
        assert.ok(cookies.length >= 2, String(cookies));
        for (const c of cookies) {
            assert.match(c, /;\s*Secure/i, c);
            assert.match(c, /SameSite=Strict/i, c);
        }
        assert.match(cookies.find((c) => c.startsWith('ctis_session=')), /HttpOnly/i);
    });

    it('plain HTTP on the TLS port gets no page', async () => {
        const port = Number(new URL(url).port);
        const answer = await new Promise((resolve) => {
            const sock = net.connect(port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
            let got = '';
            sock.on('data', (d) => (got += d));
            sock.on('error', () => resolve(got));
            sock.on('close', () => resolve(got));
            setTimeout(() => {
                sock.destroy();
                resolve(got);
            }, 3000);
        });
        assert.doesNotMatch(answer, /HTTP\/1\.[01] 200/);
        assert.doesNotMatch(answer, /"status"/);
    });
});
