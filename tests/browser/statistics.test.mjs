// Browser test of the statistics dashboard (issue 6, item 7) against a running server
// (environment as cases.test.mjs): a national coordinator opens #/statistics on a small laptop
// screen and sees the six charts load as images of GET /api/v1/stats/charts/{name} in English,
// then as published (disclosure control), then in Arabic (right to left, lang=ar). No console error.
// Run: cd tests/browser && node --test statistics.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, browserSuite, catalogue, signIn, testStamp, totp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();
const NAMES = ['victims-sex-age', 'victims-forms', 'trends', 'funnel', 'flows-reach', 'flows'];

const suite = browserSuite();
const { consoleErrors, watch } = suite;

// A national coordinator (stats.read and stats.publish, no case pages), on a small laptop screen.
async function coordinatorPage(suffix = '') {
  const adminCtx = await suite.browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${BASE}/#/login`);
  await signIn(admin);
  const me = await apiCall(admin, 'GET', '/api/v1/me');
  const username = `nc_${stamp}${suffix}`;
  const password = `dashboard passphrase ${stamp}`;
  const user = await apiCall(admin, 'POST', '/api/v1/users', {
    username, display_name: `coordinator ${username}`, agency_id: me.agency.id, role: 'national_coordinator',
    scope: 'all',
  });
  await adminCtx.close();
  const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('form input[name="username"]');
  await apiCall(page, 'POST', '/api/v1/session', { username, password: user.one_time_password });
  await apiCall(page, 'POST', '/api/v1/me/password', { current_password: user.one_time_password, new_password: password });
  const setup = await apiCall(page, 'POST', '/api/v1/session/totp/setup', {}).catch(() => null);
  if (setup && setup.secret) {
    await apiCall(page, 'POST', '/api/v1/session/totp/confirm', { code: totp(setup.secret, Math.floor(Date.now() / 30000)) });
  }
  await page.goto(`${BASE}/#/home`);
  await page.reload();
  await page.waitForSelector('#nav:not([hidden]) a[href="#/statistics"]');
  return { context, page };
}

// Waits until every chart image has loaded (naturalWidth > 0) and returns their src.
async function chartsLoaded(page) {
  await page.waitForFunction((n) => {
    const imgs = [...document.querySelectorAll('main figure.chart img')];
    return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, NAMES.length, { timeout: 60000 });
  return page.$$eval('main figure.chart img', (imgs) => imgs.map((i) => i.getAttribute('src')));
}

test('the dashboard shows the charts in English, as published, and in Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await coordinatorPage();
  const year = new Date().getUTCFullYear();
  assert.ok(!(await page.$('#nav li.nav-soon a[href="#/statistics"]')), 'no longer a "soon" entry');
  await page.click('#nav a[href="#/statistics"]');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['dash.title']);
  let srcs = await chartsLoaded(page);
  assert.deepEqual(srcs.map((s) => s.split('?')[0]), NAMES.map((n) => `/api/v1/stats/charts/${n}`));
  assert.ok(srcs.every((s) => s.includes(`from_year=${year - 4}`) && s.includes(`to_year=${year}`) && s.includes('lang=en')
    && !s.includes('release')), srcs.join(' '));
  const alts = await page.$$eval('main figure.chart img', (imgs) => imgs.map((i) => i.alt));
  assert.deepEqual(alts, NAMES.map((n) => en[`charts.title.${n}`]));
  // Fits a small laptop screen: no horizontal scrolling.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await page.screenshot({ path: join(OUT, 'statistics.png'), fullPage: true });

  // Two years, as published.
  await page.fill('input[name="from_year"]', String(year - 1));
  await page.check('input[name="release"]');
  await page.click(`form button:has-text("${en['dash.apply']}")`);
  await page.waitForSelector('main .charts[data-released="true"]');
  srcs = await chartsLoaded(page);
  assert.ok(srcs.every((s) => s.includes('release=suppress') && s.includes(`from_year=${year - 1}`)), srcs.join(' '));
  const rel = await apiCall(page, 'GET', '/api/v1/stats/releases?dataset=chart-trends');
  assert.ok(rel.releases.length >= 1);

  // Arabic: right to left, the charts drawn in Arabic.
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.evaluate(() => { location.hash = '#/home'; });
  await page.evaluate(() => { location.hash = '#/statistics'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['dash.title']);
  srcs = await chartsLoaded(page);
  assert.ok(srcs.every((s) => s.includes('lang=ar')), srcs.join(' '));
  assert.ok((await page.textContent('main form')).includes(ar['dash.released']));
  await page.screenshot({ path: join(OUT, 'statistics-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the coordinator publishes the dashboard; anyone reads it without an account (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await coordinatorPage('p');
  await page.evaluate(() => { location.hash = '#/statistics'; });
  await page.waitForSelector('main form[data-publish] button');
  await page.click('main form[data-publish] button');
  await page.waitForFunction((x) => document.querySelector('main form[data-publish]')?.textContent.includes(x),
    en['published.done'].replace('{n}', String(NAMES.length * 6)));
  await context.close();

  const anon = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } });
  const p = await anon.newPage();
  watch(p);
  await p.goto(`${BASE}/#/login`);
  await p.waitForSelector('a[href="#/published"]');
  await p.click('a[href="#/published"]');
  await p.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['published.title']);
  let srcs = await chartsLoaded(p);
  assert.deepEqual(srcs, NAMES.map((n) => `/api/v1/public/stats/dashboard/en/${n}`));
  assert.ok(await p.$('[data-published]'));
  await p.screenshot({ path: join(OUT, 'published.png'), fullPage: true });
  await p.selectOption('#lang', 'ar');
  await p.waitForFunction(() => document.documentElement.dir === 'rtl');
  await p.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['published.title']);
  srcs = await chartsLoaded(p);
  assert.ok(srcs.every((s) => s.includes('/dashboard/ar/')), srcs.join(' '));
  await p.screenshot({ path: join(OUT, 'published-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await anon.close();
});
