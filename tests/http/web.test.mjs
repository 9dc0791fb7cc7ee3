// web: the static pages for a slow link. Every file has an entity tag (a browser that has the file
// gets 304 and no body), web text files come gzip-compressed to browsers that take it (the bytes
// unpack to the file in the repository), q=0 refuses gzip, and everything a browser loads (the
// pages' files and one message catalogue) fits in a budget when compressed.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { REPO_ROOT, startServer } from './lib.mjs';

// The compressed bytes of every web file plus one catalogue; 564 KB unpacked, 166 KB packed when
// this was written. A budget, not a measurement: a page that grows past it should be split.
const BUDGET = 240 * 1024;

function get(url, headers = {}) {
    return new Promise((resolve, reject) => {
        http.get(url, { headers }, (res) => {
            const parts = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
        }).on('error', reject);
    });
}

function files(dir) {
    return readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? files(full) : [full];
    });
}

describe('static files: entity tags, gzip, the budget', () => {
    let s;
    before(async () => {
        s = await startServer();
    });
    after(async () => {
        await s?.stop();
    });

    it('a %00 in the path or the query is not decoded: /js/app.js%00.png names no file (issue 10)', async () => {
        for (const p of ['/js/app.js%00.png', '/index.html%00', '/js/app.js%00', '/%00']) {
            const r = await get(s.url + p);
            assert.equal(r.status, 404, `${p} → ${r.status}`);
        }
        assert.equal((await get(s.url + '/js/app.js')).status, 200);
        assert.equal((await get(s.url + '/js/%61pp.js')).status, 200, 'other escapes are decoded');
    });

    it('gzip when asked for, the same bytes once unpacked; identity otherwise and with q=0', async () => {
        const disk = readFileSync(path.join(REPO_ROOT, 'web/js/app.js'));
        const z = await get(`${s.url}/js/app.js`, { 'Accept-Encoding': 'gzip, deflate, br' });
        assert.equal(z.status, 200);
        assert.equal(z.headers['content-encoding'], 'gzip');
        assert.equal(z.headers.vary, 'Accept-Encoding');
        assert.ok(z.body.length < disk.length / 2, `${z.body.length} of ${disk.length}`);
        assert.deepEqual(gunzipSync(z.body), disk);
        for (const ae of [undefined, 'identity', 'gzip;q=0', 'gzip; q=0.0, identity']) {
            const r = await get(`${s.url}/js/app.js`, ae ? { 'Accept-Encoding': ae } : {});
            assert.equal(r.headers['content-encoding'], undefined, String(ae));
            assert.deepEqual(r.body, disk, String(ae));
        }
        const star = await get(`${s.url}/js/app.js`, { 'Accept-Encoding': '*' });
        assert.equal(star.headers['content-encoding'], 'gzip');
    });

    it('an entity tag per file; If-None-Match answers 304 without a body, a changed tag the file', async () => {
        const first = await get(`${s.url}/`, { 'Accept-Encoding': 'gzip' });
        const tag = first.headers.etag;
        assert.match(tag, /^"[0-9a-f]{32}"$/);
        assert.equal(first.headers['cache-control'], 'no-cache');
        for (const inm of [tag, `W/${tag}`, `"x", ${tag}`, '*']) {
            const again = await get(`${s.url}/`, { 'If-None-Match': inm, 'Accept-Encoding': 'gzip' });
            assert.equal(again.status, 304, inm);
            assert.equal(again.body.length, 0, inm);
        }
        const other = await get(`${s.url}/`, { 'If-None-Match': '"0123456789abcdef0123456789abcdef"' });
        assert.equal(other.status, 200);
        assert.ok(other.body.length > 0);
        const css = await get(`${s.url}/css/app.css`);
        assert.notEqual(css.headers.etag, tag);
    });

    it(`every web file and a catalogue: at most ${BUDGET / 1024} KB compressed`, async () => {
        const web = path.join(REPO_ROOT, 'web');
        const urls = files(web).map((f) => `/${path.relative(web, f).split(path.sep).join('/')}`).concat(['/i18n/en.json']);
        let packed = 0;
        let plain = 0;
        for (const u of urls) {
            const r = await get(`${s.url}${u === '/index.html' ? '/' : u}`, { 'Accept-Encoding': 'gzip' });
            assert.equal(r.status, 200, u);
            packed += r.body.length;
            plain += r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body).length : r.body.length;
        }
        assert.ok(urls.length > 40, `${urls.length} files`);
        assert.ok(packed <= BUDGET, `${packed} bytes compressed (${plain} plain) for ${urls.length} files`);
        assert.ok(packed * 2 < plain, `${packed} of ${plain}`);
    });
});
