// Browser test of the justice pages against a running server (environment as cases.test.mjs):
// an investigator opens #/justice, opens an investigation with the form, adds an offence and a
// suspect, charges the suspect, records the prosecution and the conviction, and sees the funnel
// on the investigation page; the page in Arabic is right to left. No console error.
// Run: cd tests/browser && node --test justice.test.mjs
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

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('an investigator records an offence, a suspect and the funnel to conviction (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `inv_${stamp}`, password: `justice passphrase ${stamp}`, role: 'investigator', watch,
  });
  assert.ok((await page.textContent('#nav')).includes(en['nav.justice']));
  await page.evaluate(() => { location.hash = '#/justice'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['justice.page_title']);
  await page.click(`summary:has-text("${en['justice.create']}")`);
  await page.fill('input[name="reference"]', `PF/${stamp}`);
  await page.fill('input[name="title"]', 'Operation Browser');
  await page.fill('input[name="country"]', 'NGA');
  await page.click(`form button:has-text("${en['justice.create']}")`);
  await page.waitForFunction(() => /^#\/justice\/\d+$/.test(location.hash));
  await page.waitForSelector('#j-off');
  assert.ok((await page.textContent('h1')).includes(`PF/${stamp}`));

  await page.click(`summary:has-text("${en['justice.add_offence']}")`);
  await page.fill('input[name="article_code"]', 's.13');
  await page.selectOption('select[name="form"]', 'forced_labour');
  await page.check('input[data-group="linked"][value="money_laundering"]');
  await page.click(`form button:has-text("${en['justice.add_offence']}")`);
  // The offences table (not the form's own checkbox labels) shows the new offence once reloaded.
  await page.waitForFunction((x) => document.querySelector('#j-off')?.parentElement.querySelector('table')?.textContent.includes(x), en['justice.linked.money_laundering']);

  await page.click(`summary:has-text("${en['justice.add_suspect']}")`);
  await page.fill('input[name="name"]', `Suspect ${stamp}`);
  await page.selectOption('select[name="sex"]', 'male');
  await page.fill('input[name="age"]', '40');
  await page.fill('input[name="citizenship"]', 'NGA');
  await page.click(`form button:has-text("${en['justice.add_suspect']}")`);
  await page.waitForFunction((x) => document.body.textContent.includes(x), `Suspect ${stamp}`);

  await page.click(`summary:has-text("${en['justice.add_charge']}")`);
  await page.fill('input[name="contacted"]', '2026-01-05');
  await page.click(`form button:has-text("${en['justice.add_charge']}")`);
  await page.waitForSelector('[data-charge]');

  await page.click(`summary:has-text("${en['justice.record_outcome']}")`);
  await page.fill('form:has(select[name="charge"]) input[name="prosecuted"]', '2026-02-01');
  await page.click(`form button:has-text("${en['justice.record_outcome']}")`);
  await page.waitForFunction((x) => document.querySelector('[data-charge]')?.textContent.includes(x), en['justice.stage.prosecuted']);
  await page.click(`summary:has-text("${en['justice.record_outcome']}")`);
  await page.selectOption('select[name="outcome"]', 'convicted');
  await page.fill('form:has(select[name="charge"]) input[name="decided"]', '2026-03-01');
  await page.click(`form button:has-text("${en['justice.record_outcome']}")`);
  await page.waitForFunction((x) => document.querySelector('[data-charge]')?.textContent.includes(x), en['justice.stage.convicted']);
  // A court decision naming the investigation is listed on its page.
  const invId = await page.evaluate(() => Number(location.hash.split('/').pop()));
  const made = await page.evaluate(async (inv) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('ctis_csrf='))?.split('=')[1];
    const r = await fetch('/api/v1/court-decisions', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ court_name: 'High Court (suite.browser)', court_level: 'first_instance', country: 'NGA', decision_date: '2026-03-01',
        summary: 'Forced labour on a farm.', verdict: 'convicted', charges: [{ article: 's.13', form: 'forced_labour' }], forms: ['forced_labour'], investigation_id: inv }),
    });
    return r.status;
  }, invId);
  assert.equal(made, 201);
  await page.evaluate(() => { location.hash = '#/justice'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['justice.page_title']);
  await page.evaluate((inv) => { location.hash = `#/justice/${inv}`; }, invId);
  await page.waitForSelector('#j-linked');
  await page.waitForFunction(() => document.querySelector('#j-linked')?.parentElement.textContent.includes('High Court (suite.browser)'));
  await page.screenshot({ path: join(OUT, 'justice.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.evaluate(() => { location.hash = '#/justice'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['justice.page_title']);
  await page.screenshot({ path: join(OUT, 'justice-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
