// The load driver of tests/load: CLIENTS concurrent clients against one or more running ctis
// servers for SECONDS, each with its own API token made before the timed phase, doing a mix of
// reads and writes; every answer is timed and every write the server accepted is tallied, so
// that the caller can count the database afterwards (zero lost writes).
//
// Why a Node driver and not wrk: each client carries state between its requests (the ids of the
// cases it made, the version of each for If-Match, its own tallies of accepted writes) and the
// tallies must come back whole to be checked against the database; wrk's Lua keeps state per
// thread, not per connection, and reports only through its summary.
//
//   prepareUsers(server, {clients})      users and one API token per client (logged in first)
//   runLoad({urls, tokens, seconds, seed}) → {requests, rps, p50_ms, p99_ms, status, tallies...}
//   checkCounts(server, before, result)  → list of discrepancies (empty when nothing was lost)

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { totp } from '../http/lib.mjs';

const DAY = 86_400_000;

/** p in [0,100] of a sorted array of numbers. */
function percentile(sorted, p) {
    if (sorted.length === 0) {
        return 0;
    }
    const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
    return sorted[Math.max(0, i)];
}

/**
 * Makes the users of a load run on a serving lib.mjs Server and logs each in (a session through
 * POST /api/v1/session), then makes one API token per client through that session
 * (POST /api/v1/tokens). Four users in five are case supervisors of agency A (cases and tasks),
 * one in five an analyst (statistics). Returns [{token, role, user}] of length clients.
 */
export async function prepareUsers(server, { clients, perUser = 5 } = {}) {
    const users = Math.max(2, Math.ceil(clients / perUser));
    const out = [];
    for (let u = 0; u < users; u++) {
        const role = u % 5 === 1 ? 'analyst' : 'case_supervisor';
        const user = server.addUser({ agency: 'A', role, scope: role === 'analyst' ? undefined : 'agency', totp: true });
        const c = server.client();
        // Tokens need a two-factor session; each user's code is used once (no replay).
        const r = await c.post('/api/v1/session', { username: user.username, password: user.password, totp: totp(user.totpSecret) });
        if (r.status !== 200) {
            throw new Error(`login ${user.username}: ${r.status} ${r.text}`);
        }
        for (let k = 0; k < perUser && out.length < clients; k++) {
            const t = await c.post('/api/v1/tokens', { name: `load-${u}-${k}`, days: 1 });
            if (t.status !== 201) {
                throw new Error(`token for ${user.username}: ${t.status} ${t.text}`);
            }
            out.push({ token: t.json.token, role, user });
        }
        if (out.length >= clients) {
            break;
        }
    }
    return out;
}

/** Counts of the rows the load can add, read straight from the database. */
export function countRows(server) {
    const q = (sql) => Number(server.sql(sql).trim());
    return {
        cases: q('SELECT COUNT(*) FROM cases'),
        tasks: q('SELECT COUNT(*) FROM tasks'),
        comments: q('SELECT COUNT(*) FROM case_comments'),
    };
}

/** Version of each case id in ids, from the database. */
export function caseVersions(server, ids) {
    const out = new Map();
    if (ids.length === 0) {
        return out;
    }
    for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = server.sql(`SELECT id, version FROM cases WHERE id IN (${chunk.join(',')})`);
        for (const line of rows.split('\n')) {
            const [id, v] = line.split('|');
            if (id) {
                out.set(Number(id), Number(v));
            }
        }
    }
    return out;
}

/**
 * Runs the load. urls: base URLs (the clients alternate among them per request when there are
 * several); tokens: from prepareUsers. Returns figures and tallies.
 */
export async function runLoad({ urls, tokens, seconds, seed = 1 }) {
    // One keep-alive connection per client and server (node:http, no dependency).
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
    const request = (url, method, headers, payload) =>
        new Promise((resolve, reject) => {
            const req = http.request(url, { method, headers, agent }, (res) => {
                const parts = [];
                res.on('data', (d) => parts.push(d));
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
                res.on('error', reject);
            });
            req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
            req.on('error', reject);
            req.end(payload);
        });
    let rnd = seed >>> 0 || 1;
    const random = () => {
        // xorshift32: a repeatable mix
        rnd ^= rnd << 13;
        rnd >>>= 0;
        rnd ^= rnd >>> 17;
        rnd ^= rnd << 5;
        rnd >>>= 0;
        return rnd / 4294967296;
    };
    const lat = [];
    const status = {};
    const byOp = {};
    const errors5xx = [];
    const transport = [];
    const created = { cases: 0, tasks: 0, comments: 0 };
    const patchesOk = new Map(); // case id → 2xx PATCHes seen by the clients
    const shared = []; // case ids every supervisor may touch (same agency)
    let next = 0;
    let seq = 0;

    async function call(client, op, method, p, body, headers = {}) {
        const url = urls[next++ % urls.length] + p;
        const h = { Authorization: `Bearer ${client.token}`, ...headers };
        let payload;
        if (body !== undefined) {
            payload = JSON.stringify(body);
            h['Content-Type'] = 'application/json';
        }
        const t0 = performance.now();
        let res;
        let text = '';
        try {
            res = await request(url, method, h, payload);
            text = res.text;
        } catch (e) {
            transport.push(`${op}: ${e.code || e.message}`);
            return null;
        }
        const ms = performance.now() - t0;
        lat.push(ms);
        status[res.status] = (status[res.status] || 0) + 1;
        const o = (byOp[op] ??= { n: 0, ms: 0, status: {} });
        o.n++;
        o.ms += ms;
        o.status[res.status] = (o.status[res.status] || 0) + 1;
        if (res.status >= 500 && errors5xx.length < 20) {
            errors5xx.push(`${method} ${p} → ${res.status} ${text.slice(0, 200)}`);
        }
        let json;
        try {
            json = JSON.parse(text);
        } catch {
            json = undefined;
        }
        return { status: res.status, json, etag: res.headers.etag };
    }

    const pick = (a) => a[Math.floor(random() * a.length)];

    async function supervisorStep(c) {
        const x = random();
        if (x < 0.2 || (c.versions.size === 0 && shared.length === 0)) {
            const r = await call(c, 'case.create', 'POST', '/api/v1/cases', {
                fields: { given_name: `Load${++seq}`, family_name: 'Client', gender: pick(['Masculine', 'Feminine']) },
            });
            if (r?.status === 201) {
                created.cases++;
                c.versions.set(r.json.case.id, r.json.case.version);
                shared.push(r.json.case.id);
            }
        } else if (x < 0.4) {
            // PATCH with If-Match: a case of its own or a shared one (races with the others: 409)
            const id = c.versions.size > 0 && random() < 0.5 ? pick([...c.versions.keys()]) : pick(shared);
            let v = c.versions.get(id);
            if (v === undefined) {
                const g = await call(c, 'case.read', 'GET', `/api/v1/cases/${id}`);
                if (g?.status !== 200) {
                    return;
                }
                v = g.json.version;
            }
            const r = await call(
                c,
                'case.patch',
                'PATCH',
                `/api/v1/cases/${id}`,
                { fields: { narrative: `load edit ${++seq}` } },
                { 'If-Match': `"${v}"` },
            );
            if (r?.status === 200) {
                patchesOk.set(id, (patchesOk.get(id) || 0) + 1);
                c.versions.set(id, r.json.case?.version ?? v + 1);
            } else if (r?.status === 409 || r?.status === 412) {
                c.versions.delete(id); // read it again next time
            }
        } else if (x < 0.55) {
            await call(c, 'case.list', 'GET', `/api/v1/cases?limit=20`);
        } else if (x < 0.7 && shared.length > 0) {
            const r = await call(c, 'case.read', 'GET', `/api/v1/cases/${pick(shared)}`);
            if (r?.status === 200) {
                c.versions.set(r.json.id, r.json.version);
            }
        } else if (x < 0.78) {
            await call(c, 'case.search', 'POST', '/api/v1/cases/search', { name: `Load${1 + Math.floor(random() * (seq + 1))}` });
        } else if (x < 0.85 && shared.length > 0) {
            const r = await call(c, 'case.comment', 'POST', `/api/v1/cases/${pick(shared)}/comments`, { body: `load note ${++seq}` });
            if (r?.status === 201) {
                created.comments++;
            }
        } else if (x < 0.92) {
            const body = { title: `load task ${++seq}`, due_at: new Date(Date.now() + 7 * DAY).toISOString() };
            if (shared.length > 0) {
                body.case_id = pick(shared);
            }
            const r = await call(c, 'task.create', 'POST', '/api/v1/tasks', body);
            if (r?.status === 201) {
                created.tasks++;
            }
        } else {
            await call(c, 'task.list', 'GET', '/api/v1/tasks?limit=20');
        }
    }

    async function analystStep(c) {
        const x = random();
        if (x < 0.6) {
            await call(c, 'stats.victims', 'GET', `/api/v1/stats/victims?by=${pick(['gender', 'age_group', 'citizenship', 'gender,year'])}`);
        } else {
            await call(c, 'stats.figures', 'GET', `/api/v1/stats/figures?country=NGA&from_year=${new Date().getUTCFullYear()}&to_year=${new Date().getUTCFullYear()}`);
        }
    }

    const clients = tokens.map((t) => ({ ...t, versions: new Map() }));
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
        clients.map(async (c) => {
            while (performance.now() < end) {
                await (c.role === 'analyst' ? analystStep(c) : supervisorStep(c));
            }
        }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    agent.destroy();
    lat.sort((a, b) => a - b);
    const ops = {};
    for (const [k, o] of Object.entries(byOp)) {
        ops[k] = { n: o.n, mean_ms: Number((o.ms / o.n).toFixed(2)), status: o.status };
    }
    return {
        clients: tokens.length,
        seconds: Number(elapsed.toFixed(2)),
        requests: lat.length,
        rps: Number((lat.length / elapsed).toFixed(1)),
        p50_ms: Number(percentile(lat, 50).toFixed(2)),
        p99_ms: Number(percentile(lat, 99).toFixed(2)),
        max_ms: Number((lat[lat.length - 1] || 0).toFixed(2)),
        status,
        ops,
        errors5xx,
        transport_errors: transport.length,
        transport_sample: transport.slice(0, 10),
        created,
        patchesOk,
    };
}

/**
 * The lost-write check: every create the clients saw answered 201 is a row (rows now = rows
 * before + creates), and every case's version is 1 + the PATCHes answered 200 (cases made
 * during the run) or its version before + those PATCHes (cases made before).
 */
export function checkCounts(server, before, result, versionsBefore = new Map()) {
    const problems = [];
    const after = countRows(server);
    for (const k of ['cases', 'tasks', 'comments']) {
        if (after[k] !== before[k] + result.created[k]) {
            problems.push(`${k}: ${after[k]} rows, expected ${before[k]} + ${result.created[k]} accepted creates`);
        }
    }
    const ids = [...result.patchesOk.keys()];
    const vs = caseVersions(server, ids);
    let checked = 0;
    for (const id of ids) {
        const base = versionsBefore.get(id) ?? 1;
        const want = base + result.patchesOk.get(id);
        if (vs.get(id) !== want) {
            problems.push(`case ${id}: version ${vs.get(id)}, expected ${want} (${result.patchesOk.get(id)} PATCHes answered 200)`);
        } else {
            checked++;
        }
    }
    return { problems, after, versionsChecked: checked };
}

/** The JSON-friendly part of a result (no Map). */
export function summary(engine, result, extra = {}) {
    const { patchesOk, ...rest } = result;
    let patches = 0;
    for (const n of patchesOk.values()) {
        patches += n;
    }
    return { engine, ...rest, patches_ok: patches, cases_patched: patchesOk.size, ...extra };
}
