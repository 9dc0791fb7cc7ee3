// notice: GET /api/v1/cases/{id}/rights-notice.pdf over HTTP, on both engines: a PDF comes back
// (Content-Type, Content-Disposition with the case number and no name), in English and in Arabic
// (the text read back with pdftotext), never with the person's name; a bad or missing language is
// 400; a case out of scope or absent is 404; no permission is 403; no login is 401; several are
// drawn at once by the server's threads; and the download is audited as a case read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, eachEngine, isErrorShape, startServer } from './lib.mjs';

const GIVEN = 'Ngozi';
const FAMILY = 'Adebayo-Okonkwo';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status} ${code ?? ''}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

/** GET as client, keeping the body's bytes (Client.request decodes text). */
async function getBytes(client, p) {
    const headers = {};
    if (client.cookies.size > 0) {
        headers.Cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const res = await fetch(client.base + p, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The text of a PDF by pdftotext, without white space. */
function pdfText(buf) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-notice-'));
    try {
        const f = path.join(dir, 'n.pdf');
        writeFileSync(f, buf);
        return execFileSync('pdftotext', ['-q', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

eachEngine((engine) => {
    let s;
    let cwA, cwB, supA, analyst;
    let caseId;

    before(async () => {
        s = await startServer({ engine });
        [cwA, cwB, supA, analyst] = await Promise.all([
            s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' })),
            s.clientFor(s.addUser({ agency: 'B', role: 'caseworker', scope: 'own' })),
            s.clientFor(s.addUser({ agency: 'A', role: 'case_supervisor', scope: 'agency' })),
            s.clientFor(s.addUser({ agency: 'A', role: 'analyst', scope: 'all', totp: false })),
        ]);
        const r = await cwA.post('/api/v1/cases', { fields: { given_name: GIVEN, family_name: FAMILY, gender: 'female' } });
        assert.equal(r.status, 201, r.text);
        caseId = r.json.case.id;
    });

    after(async () => {
        await s?.stop();
    });

    describe('the rights notice', () => {
        it('comes back as a PDF in English, with the case number and never the name', async () => {
            const r = await getBytes(cwA, `/api/v1/cases/${caseId}/rights-notice.pdf?lang=en`);
            assert.equal(r.status, 200, r.body.toString());
            assert.equal(r.headers.get('content-type'), 'application/pdf');
            assert.equal(r.headers.get('content-disposition'), `attachment; filename="rights-notice-${caseId}-en.pdf"`);
            assert.equal(r.headers.get('cache-control'), 'no-store');
            assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
            const text = pdfText(r.body);
            assert.ok(text.includes('Yourrights'), text);
            assert.ok(text.includes(String(caseId)), text);
            assert.ok(text.includes('hasnotbeensetyet'), text); // no reflection period until the pathway is wired
            assert.ok(!text.includes(GIVEN) && !text.includes(FAMILY), 'no name on the notice');
            assert.ok(!r.body.includes(GIVEN) && !r.body.includes(FAMILY), 'no name in the file');
        });

        it('comes back in Arabic for the supervisor of the agency', async () => {
            const r = await getBytes(supA, `/api/v1/cases/${caseId}/rights-notice.pdf?lang=ar`);
            assert.equal(r.status, 200, r.body.toString());
            assert.equal(r.headers.get('content-disposition'), `attachment; filename="rights-notice-${caseId}-ar.pdf"`);
            const text = pdfText(r.body);
            assert.ok(text.includes('حقوقك'), text);
            assert.ok(text.includes('رقمالملف'), text);
            assert.ok(text.includes(String(caseId)), text);
            assert.ok(!text.includes('Yourrights'), text);
        });

        it('is drawn by several server threads at once, each in its language', async () => {
            const langs = ['ar', 'en', 'es', 'fr', 'ru', 'zh', 'ar', 'zh', 'ru', 'en', 'fr', 'es'];
            const got = await Promise.all(langs.map((l) => getBytes(cwA, `/api/v1/cases/${caseId}/rights-notice.pdf?lang=${l}`)));
            const titles = { ar: 'حقوقك', en: 'Yourrights', es: 'Susderechos', fr: 'Vosdroits', ru: 'Вашиправа', zh: '您的权利' };
            got.forEach((r, i) => {
                assert.equal(r.status, 200, r.body.toString());
                const text = pdfText(r.body);
                assert.ok(text.includes(titles[langs[i]]), `${langs[i]}: ${text.slice(0, 200)}`);
            });
        });

        it('refuses a missing or unknown language', async () => {
            assertError(await cwA.get(`/api/v1/cases/${caseId}/rights-notice.pdf`), 400, 'invalid', 'lang');
            assertError(await cwA.get(`/api/v1/cases/${caseId}/rights-notice.pdf?lang=de`), 400, 'invalid', 'lang');
        });

        it('is 404 out of scope or for no such case, 403 without case.read, 401 without login', async () => {
            assertError(await cwB.get(`/api/v1/cases/${caseId}/rights-notice.pdf?lang=en`), 404, 'not_found');
            assertError(await cwA.get('/api/v1/cases/12345/rights-notice.pdf?lang=en'), 404, 'not_found');
            assertError(await cwA.get('/api/v1/cases/abc/rights-notice.pdf?lang=en'), 404, 'not_found');
            assertError(await analyst.get(`/api/v1/cases/${caseId}/rights-notice.pdf?lang=en`), 403, 'forbidden');
            const anon = new Client(s.url);
            assertError(await anon.get(`/api/v1/cases/${caseId}/rights-notice.pdf?lang=en`), 401, 'unauthenticated');
        });

        it('is audited as a read of the case', async () => {
            const root = await s.rootClient();
            const r = await root.get(`/api/v1/audit?record_type=case&record_id=${caseId}&limit=500`);
            assert.equal(r.status, 200, r.text);
            const reads = r.json.items.filter((e) => e.action === 'case.read' && e.detail.endsWith('rights-notice'));
            assert.equal(reads.filter((e) => e.outcome === 'ok' && e.detail === 'rights-notice').length, 14, r.text);
            // The denials say why: out of scope (caseworker of B) on the case; no permission
            // (analyst) at the route, with the path it was after.
            assert.ok(reads.some((e) => e.outcome === 'denied' && e.detail === 'scope; rights-notice'), r.text);
            const me = await analyst.get('/api/v1/me');
            assert.equal(me.status, 200, me.text);
            const all = await root.get(`/api/v1/audit?user_id=${me.json.id}&limit=500`);
            assert.equal(all.status, 200, all.text);
            const path = `GET /api/v1/cases/${caseId}/rights-notice.pdf`;
            assert.ok(
                all.json.items.some((e) => e.outcome === 'denied' && e.action === 'case.read' && e.detail === `permission; ${path}`),
                all.text.slice(-2000),
            );
        });

        it('is written by the CLI in any of the six languages', async () => {
            const dir = mkdtempSync(path.join(os.tmpdir(), 'ctis-notice-cli-'));
            try {
                for (const lang of ['ar', 'en', 'es', 'fr', 'ru', 'zh']) {
                    const out = path.join(dir, `${lang}.pdf`);
                    const j = s.cliOk(['case', 'rights-notice', String(caseId), '--lang', lang, '--out', out, '--json']).json;
                    assert.equal(j.lang, lang);
                    assert.ok(j.bytes > 1000);
                }
                const bad = s.cli(['case', 'rights-notice', '999', '--lang', 'en', '--out', path.join(dir, 'x.pdf')]);
                assert.equal(bad.code, 3, bad.stderr);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
