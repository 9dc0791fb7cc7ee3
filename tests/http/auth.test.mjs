// auth: login, lockout, throttling, TOTP (with replay protection), two-factor enrolment, one-time
// passwords, CSRF, logout, API tokens, cookie flags, and the normal (non-test) password hashing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
    ADMIN_PASSWORD,
    Client,
    PASSWORD,
    eachEngine,
    isErrorShape,
    nextTotp,
    rawRequest,
    startServer,
    totp,
} from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) {
        assert.equal(r.json.error.code, code, r.text);
    }
    if (field) {
        assert.equal(r.json.error.field, field, r.text);
    }
}

/** A six-digit code that is not valid for the secret now (nor one step either side). */
function wrongCode(secret) {
    const now = Date.now();
    const valid = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, now + d * 30_000)));
    for (let i = 0; ; i++) {
        const c = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
        if (!valid.has(c)) {
            return c;
        }
    }
}

eachEngine((engine) => {
    let s;
    let root;
    let alice;
    let locky;
    let tina;

    before(async () => {
        s = await startServer({ engine });
        alice = s.addUser({ username: 'alice', role: 'analyst', totp: false, email: 'alice@a.example.org' });
        tina = s.addUser({ username: 'tina', role: 'auditor', totp: true });
        root = await s.rootClient();
        // A role without two-factor that the administrator may manage (reset, disable): analyst
        // holds stats.read, which administrator lacks, so an administrator cannot reset one.
        const role = await root.post('/api/v1/roles', {
            name: 'reader',
            description: 'Reads agencies and roles (test role without two-factor)',
            mfa_required: false,
            permissions: ['agency.read', 'role.read', 'token.manage'],
        });
        assert.equal(role.status, 201, role.text);
        locky = s.addUser({ username: 'locky', role: 'reader', totp: false });
    });
    after(async () => {
        await s?.stop();
    });

    describe('login', () => {
        it('right password → 200 with user, csrf_token and both cookies', async () => {
            const c = s.client();
            const r = await c.login('alice', PASSWORD);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.user.username, 'alice');
            assert.equal(r.json.user.id, alice.id);
            assert.equal(r.json.mfa_enroll_required, false);
            assert.equal(typeof r.json.csrf_token, 'string');
            assert.ok(r.json.csrf_token.length >= 20);
            assert.equal(c.cookies.get('ctis_csrf'), r.json.csrf_token);
            assert.ok(c.cookies.get('ctis_session')?.length >= 20);
            assert.notEqual(c.cookies.get('ctis_session'), r.json.csrf_token);
            assert.equal(r.json.user.password_hash, undefined);
            const me = await c.get('/api/v1/me');
            assert.equal(me.status, 200, me.text);
            assert.equal(me.json.username, 'alice');
            assert.equal(me.json.email, 'alice@a.example.org');
            assert.deepEqual(me.json.permissions, ['stats.read', 'stats.settings', 'token.manage']);
            const sess = await c.get('/api/v1/session');
            assert.equal(sess.status, 200, sess.text);
            assert.equal(sess.json.user.username, 'alice');
        });

        it('session cookie flags: HttpOnly, SameSite=Strict, Path=/, no Secure without TLS', async () => {
            const c = s.client();
            await c.loginOk('alice', PASSWORD);
            const byName = Object.fromEntries(c.lastSetCookies.map((x) => [x.name, x]));
            const sess = byName.ctis_session;
            const csrf = byName.ctis_csrf;
            assert.ok(sess && csrf, JSON.stringify(c.lastSetCookies));
            assert.equal(sess.attrs.httponly, true, 'ctis_session HttpOnly');
            assert.equal(String(sess.attrs.samesite).toLowerCase(), 'strict');
            assert.equal(sess.attrs.path, '/');
            assert.equal(sess.attrs.secure, undefined, 'no Secure over plain HTTP');
            assert.ok(Number(sess.attrs['max-age']) > 0);
            assert.equal(csrf.attrs.httponly, undefined, 'ctis_csrf is readable by the page');
            assert.equal(String(csrf.attrs.samesite).toLowerCase(), 'strict');
            assert.equal(csrf.attrs.secure, undefined);
        });

        it('wrong password and unknown user → the same 401, no cookies', async () => {
            const c = s.client();
            const wrong = await c.login('alice', 'not-the-password-at-all');
            assertError(wrong, 401, 'unauthenticated');
            assert.equal(c.lastSetCookies.length, 0);
            const unknown = await c.login('nobody-at-all', 'not-the-password-at-all');
            assertError(unknown, 401, 'unauthenticated');
            assert.equal(unknown.json.error.message, wrong.json.error.message);
            assert.equal(unknown.json.error.field, wrong.json.error.field);
            assert.equal(c.cookies.size, 0);
            const missing = await c.post('/api/v1/session', { username: 'alice' });
            assertError(missing, 400, 'invalid', 'password');
        });

        it('5 failures lock the account (403 locked, even with the right password); a reset unlocks', async () => {
            const c = s.client();
            for (let i = 0; i < 5; i++) {
                const r = await c.login('locky', `wrong-password-${i}-xx`);
                assertError(r, 401, 'unauthenticated');
            }
            const locked = await c.login('locky', PASSWORD);
            assertError(locked, 403, 'locked');
            assert.equal(c.cookies.size, 0);
            const view = await root.get(`/api/v1/users/${locky.id}`);
            assert.equal(view.status, 200, view.text);
            assert.equal(view.json.locked, true);
            // A wrong password while locked says "locked" too, not "wrong password".
            assertError(await c.login('locky', 'still-wrong-password'), 403, 'locked');
            // The administrator's password reset unlocks (and gives a one-time password).
            const reset = await root.post(`/api/v1/users/${locky.id}/reset-password`, undefined);
            assert.equal(reset.status, 200, reset.text);
            const otp = reset.json.one_time_password;
            assert.equal(typeof otp, 'string');
            const again = await c.login('locky', otp);
            assert.equal(again.status, 200, again.text);
            assert.equal(again.json.user.must_change_password, true);
            assert.equal((await root.get(`/api/v1/users/${locky.id}`)).json.locked, false);
        });
    });

    describe('TOTP', () => {
        it('a user with two-factor must send a code: none → 401 totp_required', async () => {
            const r = await s.client().login('tina', PASSWORD);
            assertError(r, 401, 'totp_required', 'totp');
        });

        it('a wrong code → 401 totp_required', async () => {
            const c = s.client();
            const r = await c.post('/api/v1/session', { username: 'tina', password: PASSWORD, totp: wrongCode(tina.totpSecret) });
            assertError(r, 401, 'totp_required', 'totp');
            assert.equal(c.cookies.size, 0);
            const malformed = await c.post('/api/v1/session', { username: 'tina', password: PASSWORD, totp: '12ab56' });
            assertError(malformed, 401, 'totp_required');
        });

        it('the right code works; the same code in a new login is refused (replay)', async () => {
            const code = await nextTotp(tina.totpSecret);
            const c1 = s.client();
            const ok = await c1.post('/api/v1/session', { username: 'tina', password: PASSWORD, totp: code });
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.mfa_enroll_required, false);
            assert.equal(ok.json.user.mfa_ok, true);
            assert.equal((await c1.get('/api/v1/audit?limit=1')).status, 200);
            const c2 = s.client();
            const replay = await c2.post('/api/v1/session', { username: 'tina', password: PASSWORD, totp: code });
            assertError(replay, 401, 'totp_required', 'totp');
            assert.equal(c2.cookies.size, 0);
            // The next step's code is still accepted.
            const next = await c2.login('tina', PASSWORD, tina.totpSecret);
            assert.equal(next.status, 200, next.text);
        });

        it('enrolment: mfa role without a secret → mfa_enroll_required, 403 mfa_required, setup, confirm, then routes work', async () => {
            const created = await root.post('/api/v1/users', {
                username: 'enrol-me',
                display_name: 'Enrol Me',
                email: 'enrol@a.example.org',
                agency_id: s.agencyA.id,
                role: 'auditor',
                scope: 'all',
            });
            assert.equal(created.status, 201, created.text);
            const otp = created.json.one_time_password;
            assert.equal(created.json.user.totp_enabled, false);
            const c = s.client();
            const login = await c.login('enrol-me', otp);
            assert.equal(login.status, 200, login.text);
            assert.equal(login.json.mfa_enroll_required, true);
            for (const p of ['/api/v1/audit', '/api/v1/users', '/api/v1/agencies', '/api/v1/roles', '/api/v1/tokens']) {
                assertError(await c.get(p), 403, 'mfa_required');
            }
            const me = await c.get('/api/v1/me');
            assert.equal(me.status, 200, me.text);
            assert.equal(me.json.mfa_ok, false);
            const sess = await c.get('/api/v1/session');
            assert.equal(sess.json.mfa_enroll_required, true);

            const setup = await c.post('/api/v1/session/totp/setup', undefined);
            assert.equal(setup.status, 200, setup.text);
            const secret = setup.json.secret;
            assert.match(secret, /^[A-Z2-7]{32}$/);
            assert.ok(setup.json.uri.startsWith('otpauth://totp/'), setup.json.uri);
            assert.ok(setup.json.uri.includes(`secret=${secret}`));

            assertError(await c.post('/api/v1/session/totp/confirm', { code: wrongCode(secret) }), 400, 'invalid', 'code');
            assertError(await c.get('/api/v1/audit'), 403, 'mfa_required');
            const confirm = await c.post('/api/v1/session/totp/confirm', { code: await nextTotp(secret) });
            assert.equal(confirm.status, 200, confirm.text);

            // Two-factor done; the one-time password still has to be changed.
            assertError(await c.get('/api/v1/audit'), 403, 'password_change_required');
            const pw = await c.post('/api/v1/me/password', { current_password: otp, new_password: 'Enrolled-Pass-0099' });
            assert.equal(pw.status, 200, pw.text);
            const audit = await c.get('/api/v1/audit?limit=5');
            assert.equal(audit.status, 200, audit.text);
            assertError(await c.post('/api/v1/session/totp/setup', undefined), 409, 'conflict');

            // From now on the login needs the code.
            const c2 = s.client();
            assertError(await c2.login('enrol-me', 'Enrolled-Pass-0099'), 401, 'totp_required');
            const ok = await c2.login('enrol-me', 'Enrolled-Pass-0099', secret);
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.mfa_enroll_required, false);
            assert.equal((await c2.get('/api/v1/audit?limit=1')).status, 200);
        });
    });

    describe('one-time password', () => {
        it('API-created user: one_time_password → login → 403 password_change_required → change → works', async () => {
            const created = await root.post('/api/v1/users', {
                username: 'otp-user',
                display_name: 'One Time',
                email: 'otp@a.example.org',
                agency_id: s.agencyA.id,
                role: 'reader',
                scope: 'agency',
            });
            assert.equal(created.status, 201, created.text);
            const otp = created.json.one_time_password;
            assert.equal(typeof otp, 'string');
            assert.ok(otp.length >= 12, otp);
            assert.equal(created.json.user.must_change_password, true);

            const c = s.client();
            const login = await c.login('otp-user', otp);
            assert.equal(login.status, 200, login.text);
            assert.equal(login.json.mfa_enroll_required, false);
            assertError(await c.get('/api/v1/agencies'), 403, 'password_change_required');
            assertError(await c.get('/api/v1/roles'), 403, 'password_change_required');
            const me = await c.get('/api/v1/me');
            assert.equal(me.status, 200);
            assert.equal(me.json.must_change_password, true);

            assertError(await c.post('/api/v1/me/password', { current_password: 'wrong-current-pass', new_password: 'Brand-New-Pass-77' }), 400, 'invalid', 'current_password');
            assertError(await c.post('/api/v1/me/password', { current_password: otp, new_password: 'short' }), 400, 'invalid', 'new_password');
            assertError(await c.post('/api/v1/me/password', { current_password: otp, new_password: otp }), 400, 'invalid', 'new_password');
            assertError(await c.post('/api/v1/me/password', { current_password: otp, new_password: 'xx-otp-user-xx-long' }), 400, 'invalid', 'new_password');
            const pw = await c.post('/api/v1/me/password', { current_password: otp, new_password: 'Brand-New-Pass-77' });
            assert.equal(pw.status, 200, pw.text);

            const ag = await c.get('/api/v1/agencies');
            assert.equal(ag.status, 200, ag.text);
            assert.deepEqual(ag.json.items.map((a) => a.id), [s.agencyA.id]);
            assert.equal((await c.get('/api/v1/me')).json.must_change_password, false);
            assertError(await s.client().login('otp-user', otp), 401, 'unauthenticated');
            assert.equal((await s.client().login('otp-user', 'Brand-New-Pass-77')).status, 200);
        });
    });

    describe('CSRF, logout and API tokens', () => {
        it('a state-changing request with a session but without X-CSRF-Token → 403 csrf', async () => {
            const c = s.client();
            await c.loginOk('alice', PASSWORD);
            c.sendCsrf = false;
            assertError(await c.post('/api/v1/tokens', { name: 'no-csrf' }), 403, 'csrf', 'X-CSRF-Token');
            assertError(await c.del('/api/v1/session'), 403, 'csrf');
            assertError(await c.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'Whatever-Pass-123' }), 403, 'csrf');
            assertError(await c.post('/api/v1/tokens', { name: 'bad' }, { headers: { 'X-CSRF-Token': 'not-the-token' } }), 403, 'csrf');
            // Another session's CSRF token does not fit this session.
            const other = s.client();
            await other.loginOk('alice', PASSWORD);
            assertError(await c.post('/api/v1/tokens', { name: 'x' }, { headers: { 'X-CSRF-Token': other.cookies.get('ctis_csrf') } }), 403, 'csrf');
            // Still logged in; GET needs no CSRF; with the header it works.
            assert.equal((await c.get('/api/v1/me')).status, 200);
            c.sendCsrf = true;
            const ok = await c.post('/api/v1/tokens', { name: 'with-csrf' });
            assert.equal(ok.status, 201, ok.text);
            assert.equal((await c.del(`/api/v1/tokens/${ok.json.id}`)).status, 200);
        });

        it('logout ends the session and clears the cookies', async () => {
            const c = s.client();
            await c.loginOk('alice', PASSWORD);
            const cookie = `ctis_session=${c.cookies.get('ctis_session')}`;
            assert.equal((await c.get('/api/v1/me')).status, 200);
            const out = await c.logout();
            assert.equal(out.status, 200, out.text);
            const cleared = Object.fromEntries(c.lastSetCookies.map((x) => [x.name, x]));
            assert.equal(cleared.ctis_session?.attrs['max-age'], '0');
            assert.equal(cleared.ctis_csrf?.attrs['max-age'], '0');
            assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
            // The old cookie is dead on the server, not only forgotten by the client.
            const replay = await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: cookie } });
            assert.equal(replay.status, 401, replay.text);
        });

        it('API token: create, use as Bearer (no CSRF), list without the secret, revoke → 401', async () => {
            const c = s.client();
            await c.loginOk('alice', PASSWORD);
            assertError(await c.post('/api/v1/tokens', { name: 'too-long', days: 1000 }), 400, 'invalid', 'days');
            assertError(await c.post('/api/v1/tokens', { name: '' }), 400, 'invalid', 'name');
            const created = await c.post('/api/v1/tokens', { name: 'ci job', days: 30 });
            assert.equal(created.status, 201, created.text);
            const { token, id } = created.json;
            assert.match(token, /^ctis_[A-Za-z0-9_-]{20,}$/);

            const t = new Client(s.url, { token });
            const me = await t.get('/api/v1/me');
            assert.equal(me.status, 200, me.text);
            assert.equal(me.json.username, 'alice');
            // A write with the bearer token and no cookie needs no CSRF header.
            const second = await t.post('/api/v1/tokens', { name: 'made by a token' });
            assert.equal(second.status, 201, second.text);

            const list = await c.get('/api/v1/tokens');
            assert.equal(list.status, 200);
            const mine = list.json.items.find((x) => x.id === id);
            assert.ok(mine, list.text);
            assert.equal(mine.name, 'ci job');
            assert.equal(mine.revoked, false);
            assert.ok(!list.text.includes(token), 'the list must not contain the token');

            const del = await c.del(`/api/v1/tokens/${id}`);
            assert.equal(del.status, 200, del.text);
            assertError(await t.get('/api/v1/me'), 401, 'unauthenticated');
            // Revoking again is harmless (idempotent); an id that never existed is 404.
            assert.ok([200, 404].includes((await c.del(`/api/v1/tokens/${id}`)).status));
            assertError(await c.del('/api/v1/tokens/12345'), 404, 'not_found');
            assertError(await t.get('/api/v1/me'), 401, 'unauthenticated');
            // The second token is still good until it is revoked, by the token itself.
            const t2 = new Client(s.url, { token: second.json.token });
            assert.equal((await t2.get('/api/v1/me')).status, 200);
            assert.equal((await t2.del(`/api/v1/tokens/${second.json.id}`)).status, 200);
            assertError(await t2.get('/api/v1/me'), 401, 'unauthenticated');
            // A token of someone else cannot be revoked (looks absent).
            const rootTok = await root.post('/api/v1/tokens', { name: 'root token' });
            assert.equal(rootTok.status, 201);
            assertError(await c.del(`/api/v1/tokens/${rootTok.json.id}`), 404);
            assert.equal((await new Client(s.url, { token: rootTok.json.token }).get('/api/v1/me')).status, 200);
        });

        it('a session cookie chosen by the client before login is not adopted (no fixation)', async () => {
            const c = s.client();
            c.cookies.set('ctis_session', 'attacker-chosen-session-value-0123456789');
            await c.loginOk('alice', PASSWORD);
            assert.notEqual(c.cookies.get('ctis_session'), 'attacker-chosen-session-value-0123456789');
            const forged = await rawRequest(s.url + '/api/v1/me', { headers: { Cookie: 'ctis_session=attacker-chosen-session-value-0123456789' } });
            assert.equal(forged.status, 401);
        });

        it("changing one's password ends one's other sessions, not this one; an admin reset ends all", async () => {
            const u = s.addUser({ username: 'pw-changer', role: 'reader', totp: false });
            const c1 = s.client();
            const c2 = s.client();
            await c1.loginOk(u.username, PASSWORD);
            await c2.loginOk(u.username, PASSWORD);
            const r = await c1.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'Changed-Pass-4567' });
            assert.equal(r.status, 200, r.text);
            assert.equal((await c1.get('/api/v1/me')).status, 200);
            assertError(await c2.get('/api/v1/me'), 401, 'unauthenticated');
            assertError(await s.client().login(u.username, PASSWORD), 401);
            const reset = await root.post(`/api/v1/users/${u.id}/reset-password`, undefined);
            assert.equal(reset.status, 200, reset.text);
            assertError(await c1.get('/api/v1/me'), 401, 'unauthenticated');
            assertError(await s.client().login(u.username, 'Changed-Pass-4567'), 401);
        });

        it('an admin reset of two-factor ends the sessions; the next login must enrol again', async () => {
            const u = s.addUser({ username: 'reset-2fa-me', role: 'auditor', totp: true });
            const c = await s.clientFor(u);
            assert.equal((await c.get('/api/v1/audit?limit=1')).status, 200);
            const r = await root.post(`/api/v1/users/${u.id}/reset-2fa`, undefined);
            assert.equal(r.status, 200, r.text);
            assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
            const again = s.client();
            const login = await again.login(u.username, PASSWORD);
            assert.equal(login.status, 200, login.text);
            assert.equal(login.json.mfa_enroll_required, true);
            assertError(await again.get('/api/v1/audit'), 403, 'mfa_required');
            assert.equal((await root.get(`/api/v1/users/${u.id}`)).json.totp_enabled, false);
        });

        it('20 failures from one client address within a minute → 429 throttled for that client only', async () => {
            const from = '127.0.0.9';
            const login = (username, password) =>
                rawRequest(s.url + '/api/v1/session', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ username, password }),
                    localAddress: from,
                });
            for (let i = 0; i < 20; i++) {
                const r = await login(`ghost-${i}`, 'not-a-password-xx');
                assertError(r, 401, 'unauthenticated');
            }
            assertError(await login('ghost-x', 'not-a-password-xx'), 429, 'throttled');
            assertError(await login('alice', PASSWORD), 429, 'throttled');
            // Other client addresses are unaffected.
            assert.equal((await s.client().login('alice', PASSWORD)).status, 200);
        });
    });
});

// The normal Argon2id parameters (no CTIS_PWHASH=fast): one server per engine, a login or two.
eachEngine((engine) => {
    it('with normal password hashing: init, login, wrong password, and a real Argon2id hash', async () => {
        const s = await startServer({ engine, fastHash: false });
        try {
            const c = s.client();
            const r = await c.login(s.admin.username, ADMIN_PASSWORD);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.mfa_enroll_required, true, 'the init administrator has no second factor yet');
            assertError(await s.client().login(s.admin.username, 'wrong-password-here'), 401, 'unauthenticated');
            const hash = s.sql(`SELECT password_hash FROM users WHERE username = 'admin'`).trim();
            assert.match(hash, /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/, hash);
            const ok = await s.client().login(s.root.username, s.root.password, s.root.totpSecret);
            assert.equal(ok.status, 200, ok.text);
        } finally {
            await s.stop();
        }
    });
});

