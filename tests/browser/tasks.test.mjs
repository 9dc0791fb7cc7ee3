// Browser test of the my-work page against a running server (environment as cases.test.mjs:
// CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD, CTIS_ADMIN_TOTP_SECRET). A new caseworker lands
// on #/my-work; an overdue task shows with the overdue mark and a badge in the navigation; an
// automatic-looking label comes from the catalogue; adding a task through the form lists it;
// Complete removes it; the page works in Arabic (right to left). No title in any URL, no console
// error. Run: cd tests/browser && node --test tasks.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const CW_USER = `cwt_${stamp}`;
const CW_PASSWORD = `my work passphrase ${stamp}`;
const LATE = `Late call ${stamp}`;
const NEW = `New visit ${stamp}`;

let browser;
let context;
let page;
let me;
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
    watch: (p) => {
      p.on('request', (req) => urls.push(req.url()));
      p.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    },
  }));
  me = await apiCall(page, 'GET', '/api/v1/me');
  const made = await apiCall(page, 'POST', '/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
  caseId = made.case.id;
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await apiCall(page, 'POST', '/api/v1/tasks', { title: LATE, owner_id: me.id, due_at: yesterday, case_id: caseId });
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
});

test('lands on my work with the overdue task, its case link and the nav badge', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.evaluate(() => { location.hash = '#/'; });
  await page.waitForFunction(() => location.hash === '#/my-work');
  await page.waitForSelector('h1');
  assert.equal((await page.textContent('h1')).trim(), en['mywork.title']);
  await page.waitForFunction((t) => document.querySelector('#view table')?.textContent.includes(t), LATE);
  const row = page.locator('tr', { hasText: LATE });
  assert.equal(await row.locator('[data-overdue]').count(), 1);
  assert.equal(await row.locator(`a[href="#/cases/${caseId}"]`).count(), 1);
  await page.waitForSelector('#nav [data-nav-overdue]');
  assert.equal((await page.textContent('[data-count="overdue"]')).trim(), en['mywork.overdue_count'].replace('{n}', '1'));
  await page.screenshot({ path: join(OUT, 'my-work.png'), fullPage: true });
});

test('add a task through the form, then complete it', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.locator('details.case-action summary').click();
  await page.locator('details.case-action input[name="title"]').fill(NEW);
  await page.locator('details.case-action button[type="submit"]').click();
  await page.waitForFunction((t) => document.querySelector('section[aria-labelledby="mywork-mine"] table')?.textContent.includes(t), NEW);
  const row = page.locator('tr', { hasText: NEW });
  await row.locator('button[data-complete]').click();
  await page.waitForFunction((t) => !document.querySelector('#view')?.textContent.includes(t), NEW);
  assert.ok(urls.every((u) => !u.includes(stamp)), 'no title in a URL');
});

test('in Arabic the page is right to left with translated labels', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['mywork.title']);
  assert.ok((await page.textContent('#nav')).includes(ar['nav.my_work']));
  await page.screenshot({ path: join(OUT, 'my-work-ar.png'), fullPage: true });
  await page.selectOption('#lang', 'en');
  assert.deepEqual(consoleErrors, []);
});
