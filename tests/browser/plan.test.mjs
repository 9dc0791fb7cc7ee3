// Browser test of the Plan page (issue 9, item 1) against a running server (environment as
// cases.test.mjs): a national coordinator opens #/plan from the navigation (no longer "soon"),
// sees the 68 paragraphs by pillar with the Arabic texts right to left (dir="rtl", lang="ar" on
// the text itself) and the English summaries left to right, filters by pillar and by instrument
// (kept in the address), and the page in Arabic has translated headings while the texts stay
// right to left. No console error.
// Run: cd tests/browser && node --test plan.test.mjs
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

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('a coordinator reads the Plan by pillar, filters it, in English and Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `plan_${stamp}`, password: `plan passphrase ${stamp}`, role: 'national_coordinator', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/plan"]',
  });
  assert.ok(!(await page.$('#nav .nav-soon a[href="#/plan"]')), 'the Plan entry is no longer "soon"');
  await page.click('#nav a[href="#/plan"]');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['plan.title']);
  await page.waitForSelector('[data-paragraph="annex-61"]');
  assert.equal(await page.$$eval('[data-paragraph]', (a) => a.length), 68);
  const pillars = await page.$$eval('[data-pillar]', (s) => s.map((x) => x.getAttribute('data-pillar')));
  assert.deepEqual(pillars, ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up']);
  // the Arabic texts are right to left and marked Arabic; the summaries English, left to right
  const dirs = await page.$$eval('[data-text-ar]', (els) => els.map((e) => [e.getAttribute('dir'), e.getAttribute('lang'), getComputedStyle(e).direction]));
  assert.ok(dirs.length >= 68);
  for (const d of dirs) assert.deepEqual(d, ['rtl', 'ar', 'rtl']);
  const a1 = await page.textContent('[data-paragraph="annex-1"] [data-text-ar]');
  assert.match(a1, /^إدانة الاتجار بالأشخاص/);
  assert.equal(await page.$eval('[data-paragraph="annex-1"] [data-summary-en]', (e) => getComputedStyle(e).direction), 'ltr');
  assert.equal(await page.$$eval('[data-paragraph="annex-4"] [data-instrument]', (b) => b.length), 9);
  assert.ok((await page.textContent('[data-pillar="prevent"]')).includes('منع الاتجار بالأشخاص'));
  await page.screenshot({ path: join(OUT, 'plan.png'), fullPage: false });

  // filter: prosecution, then an instrument
  await page.selectOption('select[name="pillar"]', 'prosecute');
  await page.click(`form button:has-text("${en['plan.apply']}")`);
  await page.waitForFunction(() => location.hash.includes('pillar=prosecute'));
  await page.waitForFunction(() => document.querySelectorAll('[data-paragraph]').length === 7);
  assert.deepEqual(await page.$$eval('[data-pillar]', (s) => s.map((x) => x.getAttribute('data-pillar'))), ['prosecute']);
  await page.selectOption('select[name="pillar"]', '');
  await page.selectOption('select[name="instrument"]', 'uncac');
  await page.click(`form button:has-text("${en['plan.apply']}")`);
  await page.waitForFunction(() => location.hash.includes('instrument=uncac'));
  await page.waitForFunction(() => document.querySelectorAll('[data-paragraph]').length === 1);
  assert.ok(await page.$('[data-paragraph="annex-47"]'));

  // Arabic: the interface turns right to left, headings translated, texts still right to left
  await page.goto(`${BASE}/#/plan`);
  await page.waitForSelector('[data-paragraph="annex-61"]');
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['plan.title']);
  await page.waitForSelector('[data-paragraph="annex-61"]');
  assert.equal(await page.textContent('#plan-pillar-protect'), ar['plan.pillar.protect']);
  const arDirs = await page.$$eval('[data-text-ar]', (els) => els.map((e) => getComputedStyle(e).direction + e.getAttribute('lang')));
  assert.ok(arDirs.every((d) => d === 'rtlar'));
  assert.equal(await page.$eval('[data-paragraph="op-1"] [data-summary-en]', (e) => e.getAttribute('lang')), 'en');
  await page.screenshot({ path: join(OUT, 'plan-ar.png'), fullPage: false });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
