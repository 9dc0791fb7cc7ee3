// Browser test of the UNODC data page (issue 6, item 6) against a running server (environment as
// cases.test.mjs): a caseworker imports a GLOTIP CSV through the page and sees the summary; an
// analyst (statistics only) sees the per-year sums with suppressed and suspect cells apart, and
// the page in Arabic is right to left. No console error.
// Run: cd tests/browser && node --test glotip.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();
const V = 'Detected trafficking victims';
const uniq = String((Date.now() % 900000) + 1000);
// A value of its own per run, so a second run against the same server is not "imported before".
const CSV = 'UNODC\r\n14/04/2025\r\n'
  + 'Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,Unit of measurement,txtVALUE,Source\r\n'
  + `ROU,Romania,Europe,Eastern Europe,${V},Total,Total,Total,Total,2019,Counts,"1,192",GLOTIP\r\n`
  + `NGA,Nigeria,Africa,Sub-Saharan Africa,${V},Total,Total,Total,Total,2019,Counts,<5,GLOTIP\r\n`
  + `NGA,Nigeria,Africa,Sub-Saharan Africa,${V},Total,Total,Total,Total,2020,Counts,"6,112,019",GLOTIP\r\n`
  + `ESP,Spain,Europe,Southern Europe,${V},by citizenship,Romanian,Total,Total,2019,Counts,12,GLOTIP\r\n`
  + `ESP,Spain,Europe,Southern Europe,${V},Total,Total,Total,Total,2020,Counts,7,GLOTIP\r\n`
  + `ESP,Spain,Europe,Southern Europe,Persons convicted,Total,Total,Total,Total,2020,Counts,${uniq},GLOTIP\r\n`;

const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

test('a caseworker imports the GLOTIP file; an analyst sees the sums (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const cw = await newUserPage(suite.browser, {
    username: `cw_${stamp}`, password: `glotip passphrase ${stamp}`, role: 'caseworker', watch,
  });
  assert.ok((await cw.page.textContent('#nav')).includes(en['nav.glotip']));
  await cw.page.evaluate(() => { location.hash = '#/unodc-data'; });
  await cw.page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['glotip.title']);
  await cw.page.setInputFiles('input[name="file"]', { name: `glotip-${stamp}.csv`, mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await cw.page.click(`form button:has-text("${en['glotip.import']}")`);
  await cw.page.waitForSelector('main .notice-success');
  const summary = await cw.page.textContent('main .notice-success');
  assert.ok(summary.includes(en['glotip.imported'].replace('{rows}', '6').replace('{ok}', '4').replace('{suppressed}', '1').replace('{suspect}', '1')), summary);
  assert.ok(summary.includes(en['glotip.reason.date_like']), summary);
  assert.equal(await cw.page.$(`h2:has-text("${en['glotip.query_title']}")`), null); // no stats.read
  await cw.context.close();

  const { context, page } = await newUserPage(suite.browser, { username: `an_${stamp}`, password: `glotip passphrase ${stamp}`, role: 'analyst', scope: 'all', watch, ready: '#nav:not([hidden]) a[href="#/unodc-data"]' });
  await page.evaluate(() => { location.hash = '#/unodc-data'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['glotip.title']);
  await page.waitForSelector('main table');
  assert.equal(await page.$('input[name="file"]'), null); // no case.write
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
  assert.deepEqual(rows, [['2019', '1192', '1', '0'], ['2020', '7', '0', '1']]);
  await page.screenshot({ path: join(OUT, 'glotip.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.evaluate(() => { location.hash = '#/home'; });
  await page.evaluate(() => { location.hash = '#/unodc-data'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['glotip.title']);
  await page.waitForSelector('main table');
  assert.ok((await page.textContent('main table')).includes(ar['glotip.suppressed']));
  await page.screenshot({ path: join(OUT, 'glotip-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
