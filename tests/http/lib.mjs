// tests/http/lib.mjs: helpers for the HTTP integration suite (node --test tests/http/).
//
// Node built-ins only. The suite runs the real `ctis` binary (CTIS_BIN, default build/ctis of
// this repository) against a real database: a SQLite file in a temporary directory, or, when
// TEST_PG_URL is set (postgresql://postgres@127.0.0.1:PORT/ctis_test, superuser, trust auth), a
// fresh PostgreSQL database created for the server and dropped when it stops.
//
//   eachEngine(body)             describe('sqlite') and describe('postgres') around body(engine);
//                                the PostgreSQL half is skipped (and reported as skipped, not
//                                passed) when TEST_PG_URL is unset.
//   startServer({engine})        init + a second agency + a scope-all administrator with TOTP,
//                                then `ctis serve --port 0`; returns a Server (below).
//   new Client(url, {token})     cookies, CSRF header and an optional bearer token.
//   totp(secret, timeMs)         RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret.
//   nextTotp(secret)             a code whose time step was not used before by this process
//                                (the server refuses a replayed step); waits when it must.
//   rawRequest(url, opts)        one request through node:http: exact headers and body bytes.

import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CTIS_BIN = path.resolve(REPO_ROOT, process.env.CTIS_BIN || 'build/ctis');
export const PG_URL = process.env.TEST_PG_URL || '';

/** The password of the administrator made by `ctis init` and of every user the helpers make. */
export const ADMIN_PASSWORD = 'Adm1n-Pass-Phrase-For-Tests';
export const PASSWORD = 'User-Pass-Phrase-0042';

/** Environment of every ctis process: cheap password hashing unless a test asks otherwise. */
export function ctisEnv(extra = {}, { fastHash = true } = {}) {
    const env = { ...process.env, CTIS_PWHASH: 'fast', ...extra };
    if (!fastHash) {
        delete env.CTIS_PWHASH;
    }
    return env;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- engines -------------------------------------------------------------------------------

export const PG_SKIP_MESSAGE = 'TEST_PG_URL is not set: the PostgreSQL half is skipped';
let pgSkipLogged = false;

/**
 * Runs body(engine) inside describe('sqlite') and describe('postgres'). Without TEST_PG_URL the
 * PostgreSQL half is one skipped test (counted under "# skipped", never as a pass).
 */
export function eachEngine(body) {
    describe('sqlite', () => body('sqlite'));
    if (PG_URL) {
        describe('postgres', () => body('postgres'));
    } else {
        skipWithoutPg('postgres');
    }
}

/** A describe(name) holding one skipped test that says why; logs the reason once per file. */
export function skipWithoutPg(name, message = PG_SKIP_MESSAGE) {
    if (!pgSkipLogged) {
        pgSkipLogged = true;
        process.stderr.write(`${message}\n`);
    }
    describe(name, () => {
        it(message, { skip: message }, () => {});
    });
}

// ---- PostgreSQL ----------------------------------------------------------------------------

/** The URL of database `name` on the server of TEST_PG_URL. */
export function pgUrlFor(name) {
    const u = new URL(PG_URL);
    u.pathname = '/' + name;
    return u.toString();
}

/** Runs one SQL text with psql against url; throws with psql's stderr on failure. */
export function psql(url, sql) {
    const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
        encoding: 'utf8',
    });
    if (r.status !== 0) {
        throw new Error(`psql failed (${r.status}): ${sql}\n${r.stderr}`);
    }
    return r.stdout;
}

/** Creates a fresh database on the TEST_PG_URL server and returns its name and URL. */
export function pgCreateDb(prefix = 'ctis_http') {
    const name = `${prefix}_${randomBytes(5).toString('hex')}`;
    psql(PG_URL, `CREATE DATABASE ${name}`);
    return { name, url: pgUrlFor(name) };
}

export function pgDropDb(name) {
    psql(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** SQL on a database of either engine: sqlite3 on the file, or psql on the URL. */
export function sqlOn(engine, db, text) {
    if (engine === 'postgres') {
        return psql(db, text);
    }
    const r = spawnSync('sqlite3', ['-batch', '-bail', db, text], { encoding: 'utf8' });
    if (r.status !== 0) {
        throw new Error(`sqlite3 failed (${r.status}): ${text}\n${r.stderr}`);
    }
    return r.stdout;
}

// ---- the ctis command line -----------------------------------------------------------------

/** Errors of exec while the binary is being rewritten by a concurrent build. */
const BINARY_BUSY = new Set(['EACCES', 'ETXTBSY']);

function sleepSync(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs ctis with args; returns {code, stdout, stderr, json}. json is stdout parsed when it is
 * JSON, else undefined. opts.input goes to standard input.
 */
export function ctis(args, { input, env, fastHash = true } = {}) {
    let r;
    for (let attempt = 0; ; attempt++) {
        r = spawnSync(CTIS_BIN, args, {
            input: input ?? '',
            encoding: 'utf8',
            env: ctisEnv(env, { fastHash }),
            timeout: 120_000,
            maxBuffer: 64 * 1024 * 1024,
        });
        if (!(r.error && BINARY_BUSY.has(r.error.code) && attempt < 40)) {
            break;
        }
        sleepSync(250); // the binary is being relinked (a build in the same tree): wait for it
    }
    if (r.error) {
        throw r.error;
    }
    let json;
    try {
        json = JSON.parse(r.stdout);
    } catch {
        json = undefined;
    }
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json };
}

/** Like ctis() but throws unless the exit code is 0. */
export function ctisOk(args, opts) {
    const r = ctis(args, opts);
    if (r.code !== 0) {
        throw new Error(`ctis ${args.join(' ')} exited ${r.code} (${r.signal ?? ''}):\n${r.stderr}${r.stdout}`);
    }
    return r;
}

// ---- TOTP (RFC 6238) -----------------------------------------------------------------------

export function base32Decode(s) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const clean = s.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
    let bits = 0;
    let value = 0;
    const out = [];
    for (const ch of clean) {
        const v = alphabet.indexOf(ch);
        if (v < 0) {
            throw new Error(`not base32: ${s}`);
        }
        value = (value << 5) | v;
        bits += 5;
        if (bits >= 8) {
            out.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return Buffer.from(out);
}

/** The 6-digit TOTP code of secretBase32 at time timeMs (milliseconds since the epoch). */
export function totp(secretBase32, timeMs = Date.now()) {
    const counter = Math.floor(timeMs / 1000 / 30);
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(BigInt(counter));
    const mac = createHmac('sha1', base32Decode(secretBase32)).update(msg).digest();
    const off = mac[mac.length - 1] & 0x0f;
    const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
    return String(bin % 1_000_000).padStart(6, '0');
}

const totpUsed = new Map(); // secret -> last time step handed out

/**
 * A code for a time step this process has not handed out before for this secret. The server
 * accepts one step either side of now and refuses a step not newer than the last one used, so
 * two logins within one step use "now" and "now + 1"; a third waits for the clock.
 */
export async function nextTotp(secret) {
    for (;;) {
        const step = Math.floor(Date.now() / 30_000);
        const last = totpUsed.get(secret) ?? -1;
        const c = Math.max(step, last + 1);
        if (c <= step + 1) {
            totpUsed.set(secret, c);
            return totp(secret, c * 30_000);
        }
        await sleep((step + 1) * 30_000 - Date.now() + 50);
    }
}

export const totpStep = (timeMs = Date.now()) => Math.floor(timeMs / 30_000);

// ---- HTTP ----------------------------------------------------------------------------------

/**
 * One request through node:http, so headers (Content-Length, Content-Type) and body bytes are
 * exactly as given. body: string | Buffer | undefined. Returns {status, headers, text, json}.
 */
export function rawRequest(url, { method = 'GET', headers = {}, body, localAddress, timeoutMs = 30_000 } = {}) {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const req = http.request(
            {
                host: u.hostname,
                port: u.port,
                path: u.pathname + u.search,
                method,
                headers: { Connection: 'close', ...headers },
                localAddress,
                agent: false,
            },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    let json;
                    try {
                        json = JSON.parse(text);
                    } catch {
                        json = undefined;
                    }
                    resolve({ status: res.statusCode, headers: res.headers, text, json });
                });
                res.on('error', reject);
            },
        );
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
        req.on('error', reject);
        if (body !== undefined) {
            req.write(body);
        }
        req.end();
    });
}

function parseSetCookie(line) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const out = { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs: {} };
    for (const a of attrs) {
        const i = a.indexOf('=');
        const k = (i < 0 ? a : a.slice(0, i)).toLowerCase();
        out.attrs[k] = i < 0 ? true : a.slice(i + 1);
    }
    return out;
}

/** An HTTP client with a cookie jar (ctis_session, ctis_csrf), the CSRF header and a token. */
// The servers started here, so that a request that cannot reach one can say why (the server
// exited, with its last log lines: an ASan report, an assertion).
const servers = new Set();

function serverTail(base) {
    for (const srv of servers) {
        if (srv.url && base.startsWith(srv.url.replace(/\/$/, '')) && srv.exitCode !== undefined) {
            return `; the server exited (code ${srv.exitCode}, signal ${srv.exitSignal}); its stderr ends:\n${srv.stderr.slice(-4000)}`;
        }
    }
    return '';
}

export class Client {
    constructor(baseUrl, { token } = {}) {
        this.base = baseUrl.replace(/\/$/, '');
        this.cookies = new Map();
        this.token = token || null;
        this.csrf = null; // X-CSRF-Token value; the ctis_csrf cookie unless a test overrides it
        this.sendCsrf = true;
        this.lastSetCookies = [];
        this.user = null;
    }

    /**
     * method, path, {json, body, headers}. Returns {status, headers (a Headers), text, json,
     * etag}. json is the parsed body when it is JSON.
     */
    async request(method, p, { json, body, headers = {} } = {}) {
        const h = { ...headers };
        if (json !== undefined) {
            body = JSON.stringify(json);
            h['Content-Type'] ??= 'application/json';
        }
        if (this.token) {
            h.Authorization ??= `Bearer ${this.token}`;
        }
        if (this.cookies.size > 0) {
            h.Cookie ??= [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        }
        const csrf = this.csrf ?? this.cookies.get('ctis_csrf');
        if (this.sendCsrf && csrf && method !== 'GET' && method !== 'HEAD' && !('X-CSRF-Token' in h)) {
            h['X-CSRF-Token'] = csrf;
        }
        let res;
        try {
            res = await fetch(this.base + p, { method, headers: h, body, redirect: 'manual' });
        } catch (e) {
            await sleep(100); // let the exit event arrive
            e.message = `${method} ${p}: ${e.message}${serverTail(this.base)}`;
            throw e;
        }
        this.lastSetCookies = res.headers.getSetCookie().map(parseSetCookie);
        for (const c of this.lastSetCookies) {
            if (c.value === '' || c.attrs['max-age'] === '0') {
                this.cookies.delete(c.name);
            } else {
                this.cookies.set(c.name, c.value);
            }
        }
        const text = await res.text();
        let parsed;
        try {
            parsed = JSON.parse(text);
        } catch {
            parsed = undefined;
        }
        const etag = res.headers.get('etag');
        return { status: res.status, headers: res.headers, text, json: parsed, etag };
    }

    get(p, o) {
        return this.request('GET', p, o);
    }
    post(p, json, o = {}) {
        return this.request('POST', p, { json, ...o });
    }
    patch(p, json, o = {}) {
        return this.request('PATCH', p, { json, ...o });
    }
    put(p, json, o = {}) {
        return this.request('PUT', p, { json, ...o });
    }
    del(p, o) {
        return this.request('DELETE', p, o);
    }

    /** POST /api/v1/session; with totpSecret a fresh code is sent. Returns the response. */
    async login(username, password, totpSecret) {
        const body = { username, password };
        if (totpSecret) {
            body.totp = await nextTotp(totpSecret);
        }
        const r = await this.post('/api/v1/session', body);
        if (r.status === 200) {
            this.user = r.json.user;
            this.csrf = null;
        }
        return r;
    }

    /** login() that must succeed. */
    async loginOk(username, password, totpSecret) {
        const r = await this.login(username, password, totpSecret);
        if (r.status !== 200) {
            throw new Error(`login ${username}: ${r.status} ${r.text}`);
        }
        return r;
    }

    logout() {
        return this.del('/api/v1/session');
    }
}

/** The ETag version as a number ("3" or W/"3" → 3). */
export function etagVersion(etag) {
    const m = /(\d+)/.exec(etag || '');
    return m ? Number(m[1]) : NaN;
}

// ---- the server ----------------------------------------------------------------------------

// Servers still running when this test process ends (a failed hook, a cancelled file) are
// killed, so no ctis process outlives the suite.
const liveProcs = new Set();
process.on('exit', () => {
    for (const p of liveProcs) {
        try {
            p.kill('SIGKILL');
        } catch {
            // already gone
        }
    }
});

/**
 * A running `ctis serve` on a fresh database.
 *   url, db, keyFile, dir, engine, agencyA {id,name}, agencyB {id,name}, admin {username,
 *   password, id} (from init: scope all, two-factor not enrolled), root {username, password,
 *   id, totpSecret, agency_id} (administrator, scope all, TOTP enrolled);
 *   cli(args, {input}) runs ctis with --db and --key-file of this server;
 *   addUser({...}) creates a user with PASSWORD through the CLI;
 *   client(), rootClient(); stop() (SIGTERM, exit code 0, directory and database removed).
 */
export class Server {
    /**
     * engine 'sqlite' | 'postgres'. Without opts.db a fresh database is made (and removed by
     * stop()); with opts.db (and opts.keyFile) an existing database is served and left alone.
     */
    constructor(engine, { fastHash = true, db, keyFile } = {}) {
        this.engine = engine;
        this.fastHash = fastHash;
        this.dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-http-'));
        this.keyFile = keyFile ?? path.join(this.dir, 'ctis.key');
        this.pgName = null;
        if (db) {
            this.db = db;
        } else if (engine === 'postgres') {
            if (!PG_URL) {
                throw new Error('engine postgres needs TEST_PG_URL');
            }
            const d = pgCreateDb();
            this.pgName = d.name;
            this.db = d.url;
        } else {
            this.db = path.join(this.dir, 'ctis.db');
        }
        this.proc = null;
        this.exitCode = undefined;
        this.stderr = '';
        this.stopped = false;
        this.userSeq = 0;
        servers.add(this);
    }

    cli(args, opts = {}) {
        return ctis([...args, '--db', this.db, '--key-file', this.keyFile], { fastHash: this.fastHash, ...opts });
    }

    cliOk(args, opts = {}) {
        return ctisOk([...args, '--db', this.db, '--key-file', this.keyFile], { fastHash: this.fastHash, ...opts });
    }

    /** Runs SQL directly on the database (sqlite3 or psql); returns stdout ('|' between columns). */
    sql(text) {
        return sqlOn(this.engine, this.db, text);
    }

    async init() {
        const init = this.cliOk(
            ['init', '--admin-password-stdin', '--json', '--agency', 'Agency A', '--country', 'NGA', '--agency-type', 'NGO'],
            { input: ADMIN_PASSWORD + '\n' },
        );
        this.admin = { username: init.json.username, password: ADMIN_PASSWORD, id: init.json.admin_id };
        const list = this.cliOk(['agency', 'list', '--json']).json;
        const items = Array.isArray(list) ? list : list.items;
        const a = items.find((x) => x.name === 'Agency A');
        this.agencyA = { id: a.id, name: a.name };
        const b = this.cliOk(['agency', 'add', 'Agency B', '--type', 'LawEnforcement', '--country', 'KEN', '--json']).json;
        this.agencyB = { id: b.id, name: b.name };
        this.root = this.addUser({ username: 'root', agency: 'A', role: 'administrator', scope: 'all', totp: true });
    }

    /**
     * Creates a user through the CLI with PASSWORD. agency: 'A', 'B', a name or an id. Returns
     * {id, username, password, totpSecret, agency_id, role, scope, email, display_name}.
     */
    addUser({ username, agency = 'A', role, scope, totp: withTotp = true, email, displayName } = {}) {
        username ??= `u${++this.userSeq}-${role.replace(/_/g, '-')}`;
        const ag = agency === 'A' ? this.agencyA.id : agency === 'B' ? this.agencyB.id : agency;
        const args = ['user', 'add', username, '--agency', String(ag), '--role', role, '--password-stdin', '--json'];
        if (scope) {
            args.push('--scope', scope);
        }
        if (withTotp) {
            args.push('--totp');
        }
        if (email) {
            args.push('--email', email);
        }
        if (displayName) {
            args.push('--display-name', displayName);
        }
        const j = this.cliOk(args, { input: PASSWORD + '\n' }).json;
        return {
            id: j.id,
            username: j.username,
            password: PASSWORD,
            totpSecret: j.totp_secret || null,
            agency_id: j.agency_id,
            role: j.role,
            scope: j.scope,
            email: j.email,
            display_name: j.display_name,
        };
    }

    async serve() {
        for (let attempt = 0; ; attempt++) {
            try {
                return await this.serveOnce();
            } catch (e) {
                if (!(BINARY_BUSY.has(e.code) && attempt < 40)) {
                    throw e;
                }
                await sleep(250); // the binary is being relinked: wait for the build
            }
        }
    }

    async serveOnce() {
        this.exitCode = undefined;
        const proc = spawn(CTIS_BIN, ['serve', '--db', this.db, '--key-file', this.keyFile, '--port', '0'], {
            env: ctisEnv({}, { fastHash: this.fastHash }),
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        this.proc = proc;
        liveProcs.add(proc);
        proc.on('exit', () => liveProcs.delete(proc));
        let spawnError = null;
        this.exited = new Promise((resolve) => {
            proc.on('exit', (code, signal) => {
                this.exitCode = code;
                this.exitSignal = signal;
                resolve({ code, signal });
            });
            proc.on('error', (e) => {
                // The process could not be started: no 'exit' is guaranteed to follow.
                spawnError = e;
                this.exitCode = null;
                this.exitSignal = null;
                resolve({ code: null, signal: null, error: e });
            });
        });
        proc.stderr.setEncoding('utf8');
        proc.stderr.on('data', (d) => {
            this.stderr += d;
            if (this.stderr.length > 200_000) {
                this.stderr = this.stderr.slice(-100_000);
            }
        });
        proc.stdout.setEncoding('utf8');
        let out = '';
        try {
            this.url = await new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`ctis serve did not start within 30 s:\n${out}\n${this.stderr}`)), 30_000);
                proc.stdout.on('data', (d) => {
                    out += d;
                    const m = /serving (http:\/\/[^\s/]+)\//.exec(out);
                    if (m) {
                        clearTimeout(timer);
                        resolve(m[1]);
                    }
                });
                this.exited.then(() => {
                    clearTimeout(timer);
                    reject(spawnError ?? new Error(`ctis serve exited ${this.exitCode} before serving:\n${out}\n${this.stderr}`));
                });
            });
        } catch (e) {
            if (this.exitCode === undefined) {
                proc.kill('SIGKILL');
                await this.exited;
            }
            this.proc = null;
            throw e;
        }
    }

    client(opts) {
        return new Client(this.url, opts);
    }

    /** A client logged in as the scope-all administrator with TOTP. */
    async rootClient() {
        const c = this.client();
        await c.loginOk(this.root.username, this.root.password, this.root.totpSecret);
        return c;
    }

    /** A client logged in as user u (from addUser). */
    async clientFor(u) {
        const c = this.client();
        await c.loginOk(u.username, u.password, u.totpSecret);
        return c;
    }

    /** SIGTERM; resolves with the exit code; the process must end within 20 s. */
    async halt() {
        if (!this.proc || this.exitCode !== undefined) {
            return { code: this.exitCode, signal: this.exitSignal };
        }
        this.proc.kill('SIGTERM');
        const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
        const r = await this.exited;
        clearTimeout(timer);
        return r;
    }

    /** halt() that throws unless the exit code is 0; then removes the directory and database. */
    async stop() {
        servers.delete(this);
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        const r = await this.halt();
        this.cleanup();
        if (this.proc && (r.code !== 0 || r.signal)) {
            throw new Error(`ctis serve ended with code ${r.code} signal ${r.signal}:\n${this.stderr.slice(-4000)}`);
        }
    }

    cleanup() {
        rmSync(this.dir, { recursive: true, force: true });
        if (this.pgName) {
            try {
                pgDropDb(this.pgName);
            } catch (e) {
                process.stderr.write(`# could not drop ${this.pgName}: ${e.message}\n`);
            }
        }
    }
}

/** A Server of engine 'sqlite' or 'postgres', initialised and serving. */
export async function startServer({ engine = 'sqlite', fastHash = true } = {}) {
    const s = new Server(engine, { fastHash });
    try {
        await s.init();
        await s.serve();
    } catch (e) {
        try {
            await s.halt();
        } finally {
            s.cleanup();
        }
        throw e;
    }
    return s;
}

// ---- assertions ----------------------------------------------------------------------------

/** The error shape of every ctis error: {"error":{"code","message","field"?}}. */
export function isErrorShape(json) {
    return (
        json !== null &&
        typeof json === 'object' &&
        json.error !== null &&
        typeof json.error === 'object' &&
        typeof json.error.code === 'string' &&
        json.error.code.length > 0 &&
        typeof json.error.message === 'string' &&
        json.error.message.length > 0 &&
        (json.error.field === undefined || typeof json.error.field === 'string')
    );
}

