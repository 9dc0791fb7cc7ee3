// security-matrix: the authorization matrix over EVERY route of docs/openapi.json for every
// built-in role of src/auth/auth.c, in its default scope and in scope "all" (issue 10, part S).
//
// Both tables are read from the sources, not from the server: each path and method with its
// `x-permission` from docs/openapi.json, and each role's permissions and default scope parsed
// from the role definitions in src/auth/auth.c. Every route is called with harmless inputs (ids
// that do not exist, an empty JSON body) and the test asserts:
//   - never a 5xx;
//   - without a session: 401 on every route that is not public;
//   - a role holding neither the route's permission nor its `x-permission-alternative` gets
//     exactly 403 `forbidden` on every route: the permission is checked before the ids, the query
//     or the body (api_before), so a refusal never says whether a record exists; a malformed JSON
//     body or a wrong query gets the same 403;
//   - a role holding it never gets 401 (its session is valid) nor 5xx;
//   - nothing written: the row counts of every table (but the audit trail, sessions and the
//     login throttle) are the same after the run as before.
// The exceptions (routes that are public or need only a session) are in EXCEPTIONS below, each
// explained.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PG_URL, REPO_ROOT, skipWithoutPg, startServer } from './lib.mjs';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** [{method, path, permission, alternative}] of docs/openapi.json. */
export function openapiRoutes() {
    const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/openapi.json'), 'utf8'));
    const out = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
        for (const m of METHODS) {
            if (ops[m]) {
                out.push({
                    method: m.toUpperCase(),
                    path: p,
                    permission: ops[m]['x-permission'] ?? null,
                    alternative: ops[m]['x-permission-alternative'] ?? null,
                });
            }
        }
    }
    return out;
}

/** {role: {scope, perms:Set}} parsed from src/auth/auth.c (the built-in roles). */
export function builtinRoles() {
    const src = fs.readFileSync(path.join(REPO_ROOT, 'src/auth/auth.c'), 'utf8');
    const macros = {};
    for (const m of src.matchAll(/#define\s+(\w+)\s*\\?\s*\n?((?:[^\n]*\\\n)*[^\n]*)/g)) {
        macros[m[1]] = [...m[2].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
    }
    const lists = {};
    for (const m of src.matchAll(/static const char \*const (perms_\w+)\[\]\s*=\s*\{([^}]*)\}/g)) {
        const names = [];
        for (const tok of m[2].split(',').map((t) => t.trim())) {
            const q = /^"([^"]+)"$/.exec(tok);
            if (q) {
                names.push(q[1]);
            } else if (macros[tok]) {
                names.push(...macros[tok]);
            }
        }
        lists[m[1]] = new Set(names);
    }
    const roles = {};
    for (const m of src.matchAll(/\{"(\w+)",\s*"[^"]*",\s*(?:true|false),\s*AUTH_SCOPE_(\w+),\s*(perms_\w+)/g)) {
        roles[m[1]] = { scope: m[2].toLowerCase(), perms: lists[m[3]] };
    }
    return roles;
}

const BUILTIN = [
    'caseworker', 'case_supervisor', 'investigator', 'prosecutor', 'court_clerk', 'analyst',
    'national_coordinator', 'fund_manager', 'trustee', 'auditor', 'grantee', 'administrator',
];

// Routes outside the simple rule "403 exactly when the role lacks x-permission":
//   public: answers without a session (and to every role).
//   self:   any signed-in principal (no x-permission): never 401 with a session, never 403 for a
//           missing permission.
//   skip:   not called here (they end or change the calling session: tests/http/auth.test.mjs
//           covers them).
const EXCEPTIONS = {
    'GET /healthz': 'public',
    'GET /api/v1/meta': 'public',
    'GET /api/v1/public/tips/form': 'public',
    'POST /api/v1/public/tips': 'public',
    'GET /api/v1/public/stats/dashboard': 'public',
    'GET /api/v1/public/stats/dashboard/{lang}/{chart}': 'public',
    'POST /api/v1/session': 'skip', // logs in (auth.test.mjs: login, throttle, fixation)
    'DELETE /api/v1/session': 'skip', // logs out the matrix's own session
    'GET /api/v1/session': 'self',
    'POST /api/v1/session/totp/setup': 'skip', // starts a two-factor enrolment of the caller
    'POST /api/v1/session/totp/confirm': 'self',
    'GET /api/v1/me': 'self',
    'POST /api/v1/me/password': 'self',
    'GET /api/v1/permissions': 'self',
};

/** True when the role holds neither the route's permission nor an alternative. */
function expectedDenied(route, role) {
    if (!route.permission) {
        return false;
    }
    return !role.perms.has(route.permission) && !(route.alternative && role.perms.has(route.alternative));
}

const PARAMS = { id: '987654321', sub_id: '987654322', name: 'no-such-name', lang: 'en', chart: 'no-such-chart', state: 'no-such-state', instrument: 'no-such-instrument' };

function concretePath(p) {
    return p.replace(/\{(\w+)\}/g, (_, n) => encodeURIComponent(PARAMS[n] ?? 'x'));
}

/** Row counts of every table but those a read or a refused call legitimately writes. */
function tableCounts(s) {
    const volatile = /^(audit|sessions?|login_|auth_throttle|intake_throttle|schema_|sqlite_)/;
    const list =
        s.engine === 'postgres'
            ? s.sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
            : s.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
    const names = list.split('\n').map((t) => t.trim()).filter((t) => t && !volatile.test(t));
    const q = names.map((n) => `SELECT '${n}', count(*) FROM "${n}"`).join(' UNION ALL ');
    return s.sql(q + ';');
}

async function call(c, route, { csrf = true } = {}) {
    const p = concretePath(route.path);
    const opts = {};
    if (route.method !== 'GET' && route.method !== 'DELETE') {
        opts.json = {};
    }
    if (route.method === 'PATCH' || route.method === 'PUT' || route.method === 'DELETE') {
        opts.headers = { 'If-Match': '"1"' };
    }
    if (!csrf) {
        opts.headers = { ...(opts.headers || {}), 'X-CSRF-Token': 'wrong-token-value-000000000000' };
    }
    return c.request(route.method, p, opts);
}

/** The same call with what a handler would refuse first: a body that is not JSON, a query that
 * is not valid, an id that is not a number. */
async function brokenCall(c, route) {
    const p = route.path.replace(/\{(\w+)\}/g, 'not-a-number') + '?limit=-1&offset=x&from=not-a-date';
    const opts = {};
    if (route.method !== 'GET' && route.method !== 'DELETE') {
        opts.body = '{"unterminated": ';
        opts.headers = { 'Content-Type': 'application/json' };
    }
    return c.request(route.method, p, opts);
}

describe('the sources of the matrix', () => {
    it('auth.c defines exactly the known built-in roles, each with permissions', () => {
        const roles = builtinRoles();
        assert.deepEqual(Object.keys(roles).sort(), [...BUILTIN].sort());
        for (const [name, r] of Object.entries(roles)) {
            assert.ok(r.perms && r.perms.size > 0, name);
        }
        assert.ok(roles.caseworker.perms.has('fg.health.write'), 'macros expanded');
    });
    it('an x-permission-alternative is a known permission, only beside an x-permission', () => {
        const roles = builtinRoles();
        const known = new Set(Object.values(roles).flatMap((r) => [...r.perms]));
        const alts = openapiRoutes().filter((r) => r.alternative);
        assert.ok(alts.length > 0);
        for (const r of alts) {
            assert.ok(r.permission, `${r.method} ${r.path}`);
            assert.ok(known.has(r.alternative), `${r.method} ${r.path}: ${r.alternative}`);
        }
    });
    it('every route with no x-permission is in the table of exceptions (and none else)', () => {
        const routes = openapiRoutes();
        assert.ok(routes.length > 300, `only ${routes.length} routes`);
        for (const r of routes) {
            const key = `${r.method} ${r.path}`;
            if (!r.permission) {
                assert.ok(EXCEPTIONS[key], `${key} has no x-permission and no exception`);
            }
        }
        for (const key of Object.keys(EXCEPTIONS)) {
            assert.ok(routes.some((r) => `${r.method} ${r.path}` === key), `exception ${key} is not a route`);
        }
    });
});

// `make test` runs the short matrix: each role in its default scope, on SQLite. The long one
// (CTIS_SECURITY_FULL=1, tests/security-long.sh): scope "all" too, and PostgreSQL.
const FULL = process.env.CTIS_SECURITY_FULL === '1';

function matrix(engine) {
    const routes = openapiRoutes().filter((r) => EXCEPTIONS[`${r.method} ${r.path}`] !== 'skip');
    const roles = builtinRoles();
    let s;
    let before0;
    const principals = []; // {role, scope, client}
    const failures = [];

    before(async () => {
        s = await startServer({ engine });
        for (const role of BUILTIN) {
            const scopes = FULL ? [...new Set([roles[role].scope, 'all'])] : [roles[role].scope];
            for (const scope of scopes) {
                const u = s.addUser({ role, scope });
                principals.push({ role, scope, client: await s.clientFor(u) });
            }
        }
        before0 = tableCounts(s);
    });
    after(async () => {
        await s?.stop();
    });

    it('without a session: 401 on every route that is not public, never 5xx', async () => {
        const c = s.client();
        const bad = [];
        for (const route of routes) {
            const r = await call(c, route);
            const kind = EXCEPTIONS[`${route.method} ${route.path}`];
            if (r.status >= 500) {
                bad.push(`${route.method} ${route.path} → ${r.status} ${r.text.slice(0, 200)}`);
            } else if (kind !== 'public' && r.status !== 401) {
                bad.push(`${route.method} ${route.path} → ${r.status} (expected 401) ${r.text.slice(0, 200)}`);
            }
        }
        assert.deepEqual(bad, []);
    });

    it(`every role × scope × route: 403 exactly without the permission, never 5xx or 2xx without it`, async () => {
        const tally = { calls: 0, denied: 0, broken: 0, allowed: 0 };
        for (const pr of principals) {
            const role = roles[pr.role];
            for (const route of routes) {
                const key = `${route.method} ${route.path}`;
                const r = await call(pr.client, route);
                tally.calls++;
                const who = `${pr.role}/${pr.scope} ${key} → ${r.status}`;
                if (r.status >= 500) {
                    failures.push(`${who} ${r.text.slice(0, 200)}`);
                    continue;
                }
                if (r.status === 401) {
                    failures.push(`${who}: a valid session got 401 ${r.text.slice(0, 200)}`);
                    continue;
                }
                const kind = EXCEPTIONS[key];
                if (kind === 'public' || kind === 'self') {
                    continue;
                }
                if (expectedDenied(route, role)) {
                    tally.denied++;
                    if (r.status !== 403 || r.json?.error?.code !== 'forbidden') {
                        failures.push(`${who}: lacks ${route.permission}, expected 403 forbidden ${r.text.slice(0, 200)}`);
                        continue;
                    }
                    // Nothing of the request is looked at: a broken body or query changes nothing.
                    const broken = await brokenCall(pr.client, route);
                    tally.broken++;
                    if (broken.status !== 403 || broken.json?.error?.code !== 'forbidden') {
                        failures.push(`${who}: lacks ${route.permission}, a broken request got ${broken.status}, expected 403 ${broken.text.slice(0, 200)}`);
                    }
                } else {
                    tally.allowed++;
                    if (r.status === 403 && r.json?.error?.code === 'forbidden' && !allowedForbidden(route, pr)) {
                        failures.push(`${who}: holds ${route.permission} but forbidden ${r.text.slice(0, 200)}`);
                    }
                }
            }
        }
        process.stderr.write(`security-matrix ${engine}: ${tally.calls} calls, ${tally.denied} without the permission (each answered 403, and again with a broken body or query: ${tally.broken}), ${tally.allowed} with the permission\n`);
        assert.deepEqual(failures, []);
    });

    it('nothing was written by the matrix (row counts of every table unchanged)', () => {
        assert.equal(tableCounts(s), before0);
    });
}

describe('sqlite', () => matrix('sqlite'));
if (!FULL) {
    skipWithoutPg('postgres', 'the PostgreSQL half of the matrix runs in the long suite (CTIS_SECURITY_FULL=1)');
} else if (PG_URL) {
    describe('postgres', () => matrix('postgres'));
} else {
    skipWithoutPg('postgres');
}

// A role holding a route's permission may still be refused for another reason, listed here.
function allowedForbidden(route, pr) {
    // The audit trail and new agencies need scope all as well as the permission.
    if (pr.scope !== 'all' && (route.permission === 'audit.read' || (route.permission === 'agency.manage' && route.method === 'POST' && route.path === '/api/v1/agencies'))) {
        return true;
    }
    return false;
}
