// Browser test of the flows page (issue 6, part S1) against a running server (environment as
// cases.test.mjs): an analyst opens #/flows from the navigation, sees the reach shares table with
// its four reaches, sets a threshold with the form (kept in the address), and the page in Arabic
// is right to left with translated headings. The questionnaire workbook's link follows its form
// (country, years, language, release) and downloads an .xlsx, in English and Arabic. No console
// error.
// Run: cd tests/browser && node --test flows.test.mjs
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
let analysts = 0;

test('an analyst sees the flows page and its reach shares (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `flows_${stamp}${'abcdefghij'[analysts++]}`, password: `flows passphrase ${stamp}`, role: 'analyst', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/flows"]',
  });
  assert.ok((await page.textContent('#nav')).includes(en['nav.flows']));
  await page.click('#nav a[href="#/flows"]');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['flows.title']);
  await page.waitForSelector('[data-reach] tbody tr');
  const reaches = await page.$$eval('[data-reach] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(reaches, ['domestic', 'subregional', 'intraregional', 'transregional'].map((r) => en[`flows.reach.${r}`]));
  assert.ok((await page.textContent('[data-summary]')).includes('5'));
  assert.ok(!(await page.textContent('main')).includes('null'));

  await page.fill('input[name="threshold"]', '3');
  await page.click(`form button:has-text("${en['flows.apply']}")`);
  await page.waitForFunction(() => location.hash.includes('threshold=3'));
  await page.waitForFunction(() => document.querySelector('[data-summary]')?.textContent.includes('3'));
  assert.equal(await page.inputValue('input[name="threshold"]'), '3');
  await page.screenshot({ path: join(OUT, 'flows.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['flows.title']);
  await page.waitForFunction((x) => document.querySelector('[data-reach]')?.textContent.includes(x), ar['flows.reach.transregional']);
  await page.screenshot({ path: join(OUT, 'flows-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the questionnaire workbook link follows its form and downloads an .xlsx (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `flows_${stamp}${'abcdefghij'[analysts++]}`, password: `flows passphrase ${stamp}`, role: 'analyst', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/flows"]',
  });
  await page.goto(`${BASE}/#/flows`);
  await page.waitForFunction((x) => document.querySelector('#questionnaire-heading')?.textContent === x, en['questionnaire.web.heading']);
  await page.fill('[data-questionnaire-form] input[name="country"]', 'nga');
  await page.fill('[data-questionnaire-form] input[name="from_year"]', '2024');
  await page.fill('[data-questionnaire-form] input[name="to_year"]', '2025');
  await page.selectOption('[data-questionnaire-form] select[name="lang"]', 'ar');
  const href = await page.getAttribute('[data-questionnaire]', 'href');
  assert.equal(href, '/api/v1/stats/questionnaire.xlsx?country=NGA&from_year=2024&to_year=2025&lang=ar');
  assert.equal(await page.textContent('[data-questionnaire]'), en['questionnaire.web.download']);
  const got = await page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), magic: String.fromCharCode(b[0], b[1]) };
  }, href);
  assert.deepEqual(got, { status: 200, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: 'PK' });
  await page.selectOption('[data-questionnaire-form] select[name="release"]', 'suppress');
  assert.match(await page.getAttribute('[data-questionnaire]', 'href'), /&release=suppress$/);

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('#questionnaire-heading')?.textContent === x, ar['questionnaire.web.heading']);
  assert.equal(await page.textContent('[data-questionnaire]'), ar['questionnaire.web.download']);
  await page.screenshot({ path: join(OUT, 'flows-questionnaire-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
