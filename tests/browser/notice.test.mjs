// Browser test of the rights notice on the case page, in English and in Arabic, against a running
// server (environment as cases.test.mjs: CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// CTIS_ADMIN_TOTP_SECRET). A caseworker creates a case whose person speaks Arabic (ISO 639-3
// "ara") through the API and opens its page: the Rights notice section offers the six languages
// with Arabic chosen; the button downloads rights-notice-<id>-ar.pdf (a PDF whose text is Arabic,
// read back with pdftotext, with the case number and without the person's name). Then the pages
// are switched to Arabic (right to left): the section is in Arabic, and French is chosen and
// downloaded. axe-core finds no WCAG 2.1 AA violation in the section in either language. No name
// in a URL; no console error or CSP violation.
// Run: cd tests/browser && node --test notice.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage,
} from './lib.mjs';

const cat = { en: catalogue('en'), ar: catalogue('ar') };
const TIMEOUT = 120000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const CW_USER = `cwn_${stamp}`;
const CW_PASSWORD = `rights notice passphrase ${stamp}`;
const GIVEN = `Halima${stamp}`;

let browser;
let context;
let page;
let caseId;
const urls = [];
const consoleErrors = [];

const section = () => page.locator('section[aria-labelledby="case-notice"]');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core (WCAG 2.1 A and AA) on the notice section; fails naming each violation.
async function checkAxe(what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run('section[aria-labelledby="case-notice"]', {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(violations, [], `${what}: accessibility violations`);
}

async function downloadNotice(lang) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section().locator('button[data-rights-notice]').click(),
  ]);
  assert.equal(download.suggestedFilename(), `rights-notice-${caseId}-${lang}.pdf`);
  const saved = join(OUT, `rights-notice-${lang}.pdf`);
  await download.saveAs(saved);
  const bytes = readFileSync(saved);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  return execFileSync('pdftotext', ['-q', '-enc', 'UTF-8', saved, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  ({ context, page } = await newUserPage(browser, {
    username: CW_USER,
    password: CW_PASSWORD,
    role: 'caseworker',
    contextOptions: { acceptDownloads: true },
    watch: (p) => {
      p.on('request', (req) => urls.push(req.url()));
      p.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    },
  }));
  const made = await apiCall(page, 'POST', '/api/v1/cases', {
    fields: { given_name: GIVEN, gender: 'female', primary_language: 'ara' },
  });
  caseId = made.case.id;
  await page.evaluate((id) => { location.hash = `#/cases/${id}`; }, String(caseId));
  await page.waitForSelector('#case-notice');
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
});

test('English pages: the notice in the person\'s language (Arabic) is downloaded', { skip: SKIP, timeout: TIMEOUT }, async () => {
  assert.equal((await page.textContent('#case-notice')).trim(), cat.en['notice.section']);
  const select = section().locator('select[name="notice_lang"]');
  assert.equal(await select.inputValue(), 'ar');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ['ar', 'en', 'es', 'fr', 'ru', 'zh']);
  assert.equal((await section().locator('button[data-rights-notice]').textContent()).trim(), cat.en['notice.button']);
  const text = await downloadNotice('ar');
  assert.ok(text.includes('حقوقك'), text);
  assert.ok(text.includes(String(caseId)), text);
  assert.ok(!text.includes(GIVEN), 'no name on the notice');
  await checkAxe('notice section (en)');
  await section().screenshot({ path: join(OUT, 'notice-en.png') });
});

test('Arabic pages (right to left): the section in Arabic, a French notice', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl');
  await page.waitForFunction((s) => document.querySelector('#case-notice')?.textContent.trim() === s,
    cat.ar['notice.section']);
  assert.equal((await section().locator('button[data-rights-notice]').textContent()).trim(), cat.ar['notice.button']);
  await section().locator('select[name="notice_lang"]').selectOption('fr');
  const text = await downloadNotice('fr');
  assert.ok(text.includes('Vosdroits'), text);
  assert.ok(text.includes(String(caseId)), text);
  await checkAxe('notice section (ar)');
  await section().screenshot({ path: join(OUT, 'notice-ar.png') });
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('no personal data in a URL; no console error', { skip: SKIP }, () => {
  for (const u of urls) {
    assert.ok(!u.includes(GIVEN), u);
  }
  assert.deepEqual(consoleErrors, []);
});
