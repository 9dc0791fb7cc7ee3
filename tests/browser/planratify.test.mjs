// Browser test of the ratification register (issue 9, part R) against a running server
// (environment as cases.test.mjs): a national coordinator opens #/plan-ratifications, sees the
// coverage of the Trafficking Protocol by region with counts and percentages, records a state's
// ratification through the form (the world's parties grow by one, the state's row shows it as a
// party), imports a CSV file (a bad file is refused with file, line and field; a good one
// imported), and the page in Arabic is right to left with translated headings. No console error
// (the expected 400 and 404 answers aside).
// Run: cd tests/browser && node --test planratify.test.mjs
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

const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

const worldParties = (page) => page.$eval('[data-coverage="tip_protocol"] tr:has([data-group="world"]) [data-parties]',
  (e) => Number(e.getAttribute('data-parties')));

test('a coordinator reads coverage, records a ratification and imports a file, in English and Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `ratify_${stamp}`, password: `ratify passphrase ${stamp}`, role: 'national_coordinator', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/plan"]',
  });
  await page.goto(`${BASE}/#/plan-ratifications`);
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['planratify.title']);
  await page.waitForSelector('[data-coverage="tip_protocol"] [data-group="world"]');
  const groups = await page.$$eval('[data-coverage="tip_protocol"] [data-group]', (g) => g.map((x) => x.getAttribute('data-group')));
  assert.deepEqual(groups.slice(0, 2), ['world', 'europe_central_asia']);
  assert.match(await page.textContent('[data-coverage="tip_protocol"] tr:has([data-group="world"])'), /%/);
  const before = await worldParties(page);

  // record a state's entry: a new one (no version), then the same again (read with its version)
  const state = 'BWA';
  const form = 'form[data-form="ratification"]';
  await page.fill(`${form} input[name="state"]`, state);
  await page.selectOption(`${form} select[name="instrument"]`, 'tip_protocol');
  await page.fill(`${form} input[name="signature"]`, '2000-12-13');
  await page.selectOption(`${form} select[name="act"]`, 'ratification');
  await page.fill(`${form} input[name="act_date"]`, '2002-08-29');
  await page.fill(`${form} input[name="source"]`, 'browser test');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForFunction(() => location.hash.includes('state=BWA'));
  await page.waitForSelector('[data-state-row="BWA"] [data-instrument="tip_protocol"][data-status="party"]');
  const after = await worldParties(page);
  assert.ok(after === before + 1 || after === before, `world parties ${before} -> ${after}`); // the same state again on a rerun
  await page.screenshot({ path: join(OUT, 'planratify.png'), fullPage: false });

  // a signature after the act is refused, naming the field
  await page.fill(`${form} input[name="state"]`, state);
  await page.selectOption(`${form} select[name="instrument"]`, 'untoc');
  await page.fill(`${form} input[name="signature"]`, '2003-01-01');
  await page.selectOption(`${form} select[name="act"]`, 'ratification');
  await page.fill(`${form} input[name="act_date"]`, '2002-08-29');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForFunction(() => [...document.querySelectorAll('form[data-form="ratification"] .field-error')].some((e) => e.textContent.trim()));

  // import: a bad file refused with file, line and field; a good one imported
  const imp = 'form[data-form="import"]';
  const bad = 'state,instrument,signature,act,act_date\nNAM,untoc,2005-01-01,ratification,2002-08-16\n';
  await page.setInputFiles(`${imp} input[name="file"]`, { name: `r-${stamp}.csv`, mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.click(`${imp} button[type="submit"]`);
  await page.waitForFunction((n) => document.querySelector('form[data-form="import"]').textContent.includes(`${n}:2: signature`), `r-${stamp}.csv`);
  await page.setInputFiles(`${imp} input[name="file"]`, { name: `r-${stamp}.csv`, mimeType: 'text/csv', buffer: Buffer.from(bad.replace('2005-01-01', '2000-12-13')) });
  await page.click(`${imp} button[type="submit"]`);
  await page.waitForFunction((x) => document.body.textContent.includes(x), en['planratify.imported'].replace('{n}', '1'));

  // Arabic: right to left, headings translated
  await page.goto(`${BASE}/#/plan-ratifications?state=BWA`);
  await page.waitForSelector('[data-state-row="BWA"]');
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['planratify.title']);
  await page.waitForSelector('[data-coverage="tip_protocol"] [data-group="world"]');
  assert.equal((await page.textContent('[data-coverage="tip_protocol"] [data-group="world"]')).trim(), ar['planratify.world']);
  assert.equal((await page.textContent('[data-state-row="BWA"] [data-instrument="tip_protocol"]')).trim(), ar['planratify.status.party']);
  assert.equal(await page.$eval('[data-coverage="tip_protocol"] table', (e) => getComputedStyle(e).direction), 'rtl');
  await page.screenshot({ path: join(OUT, 'planratify-ar.png'), fullPage: false });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
