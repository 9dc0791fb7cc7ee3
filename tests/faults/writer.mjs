// writer.mjs: clients that write cases through the API, for tests/faults.sh.
//   node writer.mjs URL TOKEN ACKFILE [options as environment]
// Each of CLIENTS (default 8) loops: POST /api/v1/cases {fields: {...}}; every 201 appends the
// new case id to ACKFILE at once (synchronously), so the file holds exactly the writes a client
// saw acknowledged before the server died. Stops after WRITE_SECONDS (default 30) or, unless
// THROUGH_ERRORS=1, at the first connection error (the server was killed).
// With THROUGH_ERRORS=1 it keeps going through an outage and counts the statuses it got; a
// STOP_ON_ERROR_STATUS=1 stops after 20 answers other than 201 (the disk is full). A
// request that takes longer than TIMEOUT_MS (default 10000) counts as a hang. It prints one JSON
// line: {"acked", "statuses": {...}, "hangs", "errors", "max_ms", "first_fail_ms", "last_fail_ms",
// "bad": [first bad responses]}.
import { appendFileSync } from 'node:fs';

const [url, token, ackFile] = process.argv.slice(2);
const clients = Number(process.env.CLIENTS ?? 8);
const seconds = Number(process.env.WRITE_SECONDS ?? 30);
const through = process.env.THROUGH_ERRORS === '1';
const timeoutMs = Number(process.env.TIMEOUT_MS ?? 10000);
const stopOnStatus = process.env.STOP_ON_ERROR_STATUS === '1';
const pad = 'x'.repeat(Number(process.env.PAD ?? 0));
const until = Date.now() + seconds * 1000;
const t0 = Date.now();
// max_ms: the slowest answer; first_fail_ms and last_fail_ms: when (from the start) the first and
// the last answer other than 201 came, i.e. the outage as the clients saw it.
const out = { acked: 0, statuses: {}, hangs: 0, errors: 0, max_ms: 0, first_fail_ms: null, last_fail_ms: null, bad: [] };
let stop = false;
let n = 0;
let failures = 0;

async function one(c) {
    const i = n++;
    const body = JSON.stringify({
        fields: { given_name: `Fault${c}x${i}`, family_name: "Writer", narrative: pad || undefined },
    });
    const started = Date.now();
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
        const r = await fetch(`${url}/api/v1/cases`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body,
            signal: ctl.signal,
        });
        const text = await r.text();
        const now = Date.now();
        out.max_ms = Math.max(out.max_ms, now - started);
        if (r.status !== 201) {
            out.first_fail_ms ??= now - t0;
            out.last_fail_ms = now - t0;
        }
        out.statuses[r.status] = (out.statuses[r.status] ?? 0) + 1;
        if (r.status === 201) {
            // The id as written (a regular expression, not JSON.parse: no rounding of big integers).
            const id = /"case":\{"id":(\d+)/.exec(text)?.[1];
            appendFileSync(ackFile, `${id}\n`);
            out.acked++;
        } else {
            if (out.bad.length < 5) out.bad.push(`${r.status} ${text.slice(0, 200)}`);
            if (stopOnStatus && ++failures >= 20) stop = true;
        }
    } catch (e) {
        if (e.name === 'AbortError') {
            out.hangs++;
        } else {
            out.errors++;
            if (!through) stop = true;
            await new Promise((res) => setTimeout(res, 50));
        }
    } finally {
        clearTimeout(timer);
    }
}

async function loop(c) {
    while (!stop && Date.now() < until) {
        await one(c);
    }
}

await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
console.log(JSON.stringify(out));
