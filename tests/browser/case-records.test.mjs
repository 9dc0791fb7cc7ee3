// Browser test of the case records on the case page against a running server (environment as
// cases.test.mjs: CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD, CTIS_ADMIN_TOTP_SECRET). The
// administrator makes a caseworker, who creates a case through the API, opens its page, adds a
// perpetrator through the form (the name shows in the Perpetrators table), uploads a PDF through
// the file input (listed with its kind), and downloads it again (the same bytes). The file name
// and the perpetrator's name never appear in a URL; no console error or CSP violation.
// Run: cd tests/browser && node --test case-records.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage,
} from './lib.mjs';

const en = catalogue('en');
const TIMEOUT = 120000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const CW_USER = `cwr_${stamp}`;
const CW_PASSWORD = `case records passphrase ${stamp}`;
const PERP_NAME = `Ezekwesili${stamp}`;
const FILE_NAME = `consent-${stamp}.pdf`;
const PDF = Buffer.from(`%PDF-1.4\n% consent ${stamp}\n%%EOF\n`);

let browser;
let context;
let page;
let caseId;
const urls = [];
const consoleErrors = [];

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
  const made2 = await apiCall(page, 'POST', '/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
  caseId = made2.case.id;
  await page.evaluate((id) => { location.hash = `#/cases/${id}`; }, String(caseId));
  await page.waitForSelector('#case-perpetrators');
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
});

test('add a perpetrator through the form', { skip: SKIP, timeout: TIMEOUT }, async () => {
  assert.equal((await page.textContent('#case-perpetrators')).trim(), en['case.perpetrators']);
  const section = page.locator('section[aria-labelledby="case-perpetrators"]');
  await section.locator('summary').click();
  await section.locator('input[name="name"]').fill(PERP_NAME);
  await section.locator('select[name="role"]').selectOption('Exploiter');
  await section.locator('select[name="gender"]').selectOption('Masculine');
  await section.locator('button[type="submit"]').click();
  await page.waitForFunction((n) => document.querySelector('section[aria-labelledby="case-perpetrators"] table')
    ?.textContent.includes(n), PERP_NAME);
  const row = await section.locator('tbody tr').first().textContent();
  assert.ok(row.includes('Exploiter'), row);
  await page.screenshot({ path: join(OUT, 'case-records-perpetrator.png'), fullPage: true });
});

test('upload an attachment through the file input and download it', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const file = join(OUT, FILE_NAME);
  writeFileSync(file, PDF);
  const section = page.locator('section[aria-labelledby="case-attachments"]');
  await section.locator('summary').click();
  await section.locator('select[name="kind"]').selectOption('consent_form');
  await section.locator('input[type="file"]').setInputFiles(file);
  await section.locator('button[type="submit"]').click();
  await page.waitForFunction((n) => document.querySelector('section[aria-labelledby="case-attachments"] table')
    ?.textContent.includes(n), FILE_NAME);
  const row = await section.locator('tbody tr').first().textContent();
  assert.ok(row.includes(en['case.att.kind.consent_form']), row);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.locator('button[data-attachment]').first().click(),
  ]);
  assert.equal(download.suggestedFilename(), FILE_NAME);
  const saved = join(OUT, `downloaded-${FILE_NAME}`);
  await download.saveAs(saved);
  assert.ok(readFileSync(saved).equals(PDF), 'the same bytes come back');
  await page.screenshot({ path: join(OUT, 'case-records-attachment.png'), fullPage: true });
});

test('no personal data in a URL; no console error', { skip: SKIP }, () => {
  for (const u of urls) {
    assert.ok(!u.includes(PERP_NAME) && !u.includes(encodeURIComponent(FILE_NAME)) && !u.includes(FILE_NAME), u);
  }
  assert.deepEqual(consoleErrors, []);
});
