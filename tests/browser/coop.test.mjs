// Browser test of the cooperation page against a running server (environment as cases.test.mjs).
// An investigator opens #/cooperation, adds an outgoing extradition request whose deadline has
// passed, lands on its page with the overdue badge and its history, moves it to acknowledged
// (the history grows), sees its deadline task on #/my-work linking to it, finds it in the "overdue only" list with its badge; the list in Arabic is
// right to left with the Arabic title. No console error.
// Run: cd tests/browser && node --test coop.test.mjs
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
const REF = `EXT-${stamp}`;

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('an investigator adds an overdue request, moves it, and finds it overdue (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `inv_${stamp}`, password: `coop passphrase ${stamp}`, role: 'investigator', watch,
  });
  await page.evaluate(() => { location.hash = '#/cooperation'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['coop.title']);
  assert.ok((await page.textContent('#nav')).includes(en['nav.cooperation']));
  await page.click('main details.case-action > summary');
  await page.selectOption('select[name="kind"]', 'extradition');
  await page.fill('input[name="requesting_state"]', 'NGA');
  await page.fill('input[name="requested_state"]', 'GBR');
  await page.selectOption('select[name="legal_basis"]', 'untoc_16');
  await page.fill('input[name="our_reference"]', REF);
  await page.fill('input[name="date"]', '2026-01-05');
  await page.fill('input[name="deadline"]', '2026-02-05');
  await page.check('input[name="m_arrest"]');
  await page.fill('input[name="person_sought"]', 'Invented person');
  await page.click('main details.case-action button[type="submit"]');
  await page.waitForFunction(() => /^#\/cooperation\/\d+$/.test(location.hash));
  await page.waitForSelector('[data-overdue]');
  assert.ok((await page.textContent('main')).includes('Invented person'));
  assert.equal(await page.locator('[data-history]').count(), 1);
  await page.selectOption('select[name="status"]', 'acknowledged');
  await page.click('main section form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-history]').length === 2);
  await page.screenshot({ path: join(OUT, 'coop-request.png'), fullPage: true });
  const requestHash = await page.evaluate(() => location.hash);

  // The deadline task is on the investigator's work list and links to the request.
  await page.evaluate(() => { location.hash = '#/my-work'; });
  await page.waitForSelector(`main a[href="${requestHash}"]`);
  assert.ok((await page.textContent('main')).includes(en['task.kind.coop_deadline']));

  await page.evaluate(() => { location.hash = '#/cooperation?overdue=1'; });
  await page.waitForFunction((r) => document.querySelector('main table')?.textContent.includes(r), REF);
  const row = page.locator('tr', { hasText: REF });
  assert.equal(await row.locator('[data-overdue]').count(), 1);
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['coop.title']);
  await page.screenshot({ path: join(OUT, 'coop-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
