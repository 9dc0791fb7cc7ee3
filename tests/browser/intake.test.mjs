// Browser test of the public report form and the triage page against a running server
// (environment as cases.test.mjs). Without an account: #/report shows the form and, after the
// minimum fill time, sends a tip and shows only a reference; in Arabic the page is right to
// left. Then a caseworker opens #/intake, reads the tip and converts it into a case (its page
// opens). No console error.
// Run: cd tests/browser && node --test intake.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();
const ACCOUNT = `Workers locked in a warehouse ${stamp}`;

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('the public form works without an account, in English and Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${BASE}/#/report`);
  await page.waitForSelector('main form textarea[name="account"]');
  assert.equal((await page.textContent('h1')).trim(), en['report.title']);
  assert.ok(await page.isHidden('#nav') || !(await page.isVisible('#nav a[href="#/cases"]')));
  await page.fill('textarea[name="account"]', ACCOUNT);
  await page.fill('input[name="country"]', 'NGA');
  await page.selectOption('select[name="exploitation"]', 'labour');
  await page.waitForTimeout(3200); // the minimum fill time
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('[data-reference]');
  assert.match((await page.textContent('[data-reference]')).trim(), /^T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
  await page.reload();
  await page.waitForSelector('main form textarea[name="account"]');
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['report.title']);
  await page.screenshot({ path: join(OUT, 'report-ar.png'), fullPage: true });
  await context.close();
});

test('a caseworker reads the tip on #/intake and opens a case from it', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `cwi_${stamp}`, password: `intake passphrase ${stamp}`, role: 'caseworker', watch,
  });
  await page.evaluate(() => { location.hash = '#/intake'; });
  // The previous page's heading may still be there: wait for the route to draw its own.
  await page.waitForFunction((x) => document.querySelector('main h1')?.textContent.trim() === x, en['intake.title']);
  assert.ok((await page.textContent('#nav')).includes(en['nav.intake']));
  await page.waitForSelector('[data-open-tip]');
  const row = page.locator('tr', { has: page.locator('[data-open-tip]') }).first();
  await row.locator('summary').click();
  await page.waitForFunction((a) => document.querySelector('.tip-detail[open]')?.textContent.includes(a), ACCOUNT);
  await page.screenshot({ path: join(OUT, 'intake.png'), fullPage: true });
  await row.locator('button[data-convert]').click();
  await page.waitForFunction(() => /^#\/cases\/\d+$/.test(location.hash));
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
