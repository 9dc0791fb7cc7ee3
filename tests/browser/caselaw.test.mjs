// Browser test of the case-law pages (issue 5 part J3) against a running server (environment as
// cases.test.mjs). A prosecutor records a court decision with the form (its page opens), finds
// it by a word typed without its accent (the snippet marks it), and reads the search page in
// Arabic, right to left. No console error.
// Run: cd tests/browser && node --test caselaw.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  OUT, SKIP, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();
const WORD = `invernadero${stamp}`;

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('a prosecutor records a court decision, finds it and reads the page in Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `pcl_${stamp}`, password: `caselaw passphrase ${stamp}`, role: 'prosecutor', watch,
  });
  assert.ok((await page.textContent('#nav')).includes(en['nav.caselaw']));
  await page.evaluate(() => { location.hash = '#/court-decisions/new'; });
  await page.waitForSelector('main form input[name="court_name"]');
  assert.equal((await page.textContent('h1')).trim(), en['caselaw.new']);
  await page.fill('input[name="court_name"]', 'Juzgado de Ejemplo (ficticio)');
  await page.fill('input[name="country"]', 'esp');
  await page.fill('input[name="decision_date"]', '2025-04-01');
  await page.selectOption('select[name="verdict"]', 'partly');
  await page.fill('textarea[name="summary"]', `Explotación laboral en un ${WORD.replace('invernadero', 'invernadéro')} de la costa.`);
  await page.fill('textarea[name="charges"]', 'Art. 177 bis CP ; forced_labour');
  await page.fill('textarea[name="sentences"]', 'Acusado 1 ; 30 ; 250000 ; EUR ; yes');
  await page.check('input[name="form_forced_labour"]');
  await page.fill('input[name="victims_male_adult"]', '5');
  await page.fill('textarea[name="countries"]', 'MAR ; origin');
  await page.click('main form button[type="submit"]');
  await page.waitForFunction(() => /^#\/court-decisions\/\d+$/.test(location.hash));
  await page.waitForSelector('[data-summary]');
  assert.equal((await page.textContent('h1')).trim(), 'Juzgado de Ejemplo (ficticio)');
  const facts = await page.textContent('dl.facts');
  assert.ok(facts.includes('Acusado 1'), facts);
  assert.ok(facts.includes(en['caselaw.form.forced_labour']), facts);
  await page.screenshot({ path: join(OUT, 'caselaw-decision.png'), fullPage: true });

  await page.evaluate(() => { location.hash = '#/court-decisions'; });
  await page.waitForSelector('main form input[name="q"]');
  await page.fill('input[name="q"]', WORD);
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('ol.results li p.snippet mark');
  assert.equal(await page.locator('ol.results li').count(), 1);
  await page.screenshot({ path: join(OUT, 'caselaw-search.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['caselaw.title']);
  await page.waitForSelector('ol.results li');
  await page.screenshot({ path: join(OUT, 'caselaw-search-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
