// Browser test of the Trust Fund page (issue 8, part L) against a running server (environment as
// linkage.test.mjs: CTIS_BIN and CTIS_DB let the test generate a year of activity with
// `ctis fund generate` on the server's database): a fund manager opens #/trustfund, sees a
// balanced overview, adds a donor, records a receipt with the one form, finds its number in the
// contributions with the link to its PDF acknowledgement, and reads a balanced statement with its
// XLSX and PDF links; then the page in Arabic, right to left.
// Run: cd tests/browser && node --test fund.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  OUT, SKIP, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 90000;
const BIN = process.env.CTIS_BIN || '';
const DB = process.env.CTIS_DB || '';
const NO_CLI = !BIN || !DB ? 'CTIS_BIN and CTIS_DB are not set (tests/run.sh sets them): the Trust Fund page test is skipped' : false;
const stamp = testStamp();
const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

test('a fund manager reads the overview, adds a donor, records a receipt and reads the statement (en, ar)', { skip: SKIP || NO_CLI, timeout: TIMEOUT }, async () => {
  const year = new Date().getUTCFullYear();
  execFileSync(BIN, ['fund', 'generate', '--year', String(year - 1), '--seed', '5', '--db', DB], { stdio: 'pipe' });
  const { context, page } = await newUserPage(suite.browser, {
    username: `fm_${stamp}`, password: `fund passphrase ${stamp}`, role: 'fund_manager', scope: 'all',
    ready: '#nav:not([hidden]) a[href="#/trustfund"]', watch,
  });
  assert.ok((await page.textContent('#nav')).includes(en['nav.trustfund']));
  await page.evaluate(() => { location.hash = '#/trustfund'; });
  await page.waitForSelector('[data-trustfund="overview"] [data-balanced="true"]');
  assert.equal((await page.textContent('h1')).trim(), en['nav.trustfund']);

  // A donor.
  await page.click('a[data-tab="donors"]');
  await page.waitForSelector('[data-trustfund="donors"]');
  await page.click('[data-trustfund="donors"] details.add-form summary');
  await page.selectOption('select[name="kind"]', 'member_state');
  await page.fill('input[name="name"]', `Atlantis ${stamp}`);
  await page.fill('input[name="country"]', 'ATL');
  await page.click('[data-trustfund="donors"] form button[type="submit"]');
  await page.waitForFunction((x) => document.querySelector('main').textContent.includes(x), `Atlantis ${stamp}`);

  // A receipt with the one form; its number and the link to its acknowledgement.
  await page.click('a[data-tab="contributions"]');
  await page.waitForSelector('[data-trustfund="contributions"]');
  await page.click('[data-trustfund="contributions"] details.add-form summary');
  await page.selectOption('select[name="what"]', 'receipt');
  const donorValue = await page.$eval('select[name="donor_id"]', (s, x) => [...s.options].find((o) => o.textContent === x).value, `Atlantis ${stamp}`);
  await page.selectOption('select[name="donor_id"]', donorValue);
  await page.fill('input[name="currency"]', 'USD');
  await page.fill('input[name="amount"]', '1,234.56');
  await page.click('[data-trustfund="contributions"] form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('a[data-receipt]').length > 0
    && [...document.querySelectorAll('td')].some((td) => td.textContent.includes('1234.56')));
  const href = await page.getAttribute('a[data-receipt]', 'href');
  assert.match(href, /^\/api\/v1\/fund\/receipts\/\d+\.pdf$/);
  const pdf = await page.evaluate(async (u) => (await (await fetch(u)).text()).slice(0, 4), href);
  assert.equal(pdf, '%PDF');

  // The statement of last year, balanced, with its files.
  await page.evaluate((y) => { location.hash = `#/trustfund?tab=statement&from=${y}-01-01&to=${y}-12-31`; }, year - 1);
  await page.waitForSelector('[data-trustfund="statement"] [data-balanced="true"]');
  const xlsx = await page.getAttribute('a[data-statement-xlsx]', 'href');
  const head = await page.evaluate(async (u) => (await (await fetch(u)).text()).slice(0, 2), xlsx);
  assert.equal(head, 'PK');
  await page.screenshot({ path: join(OUT, 'trustfund.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction((x) => document.querySelector('h2')?.textContent.trim() === x, ar['trustfund.tab.statement']);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.ok((await page.textContent('main')).includes(ar['trustfund.statement.balanced']));
  assert.match(await page.getAttribute('a[data-statement-pdf]', 'href'), /lang=ar/);
  await page.screenshot({ path: join(OUT, 'trustfund-ar.png'), fullPage: true });
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
