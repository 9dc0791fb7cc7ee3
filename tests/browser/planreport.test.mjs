// Browser test of the Plan's knowledge base and implementation report (issue 9, part K) against a
// running server (environment as cases.test.mjs): a national coordinator goes from #/plan through
// the Plan's tab bar to the good practices, records one in Arabic with the form, finds it by an
// Arabic word (the match marked, the text right to left), records one with a Russian translation
// through the API and finds it in Russian; opens the implementation report for a period and then
// two periods side by side, with the links to the PDF and XLSX; and the pages in Arabic are right
// to left with translated headings. No console error.
// Run: cd tests/browser && node --test planreport.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();
const digits = String(Date.now()).slice(-6);

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe (WCAG 2.1 A and AA) on the page's main content.
async function axeMain(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(async () => {
    const res = await window.axe.run({ include: [['main']] }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return { passes: res.passes.length, violations: res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) };
  });
  assert.ok(r.passes > 10, `${what}: axe ran (${r.passes} rules passed)`);
  assert.deepEqual(r.violations, [], what);
}

const suite = browserSuite();
const { consoleErrors, watch } = suite;

test('a coordinator searches good practices and reads the implementation report, in English and Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `planrep_${stamp}`, password: `planrep passphrase ${stamp}`, role: 'national_coordinator', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/plan"]',
  });
  await page.click('#nav a[href="#/plan"]');
  await page.waitForSelector('[data-plan-tabs]');
  // the tab bar lists the Plan's pages whose routes exist: text, practices, report
  const tabs = await page.$$eval('[data-plan-tabs] a', (a) => a.map((x) => x.getAttribute('data-tab')));
  assert.deepEqual(tabs, ['plan', 'plan-practices', 'plan-report', 'plan-ratifications', 'plan-partners', 'plan-naps', 'plan-prevention']);
  assert.equal(await page.getAttribute('[data-plan-tabs] a[data-tab="plan"]', 'aria-current'), 'page');
  await page.click('[data-plan-tabs] a[data-tab="plan-practices"]');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['planpractices.title']);
  assert.equal(await page.getAttribute('#nav a[href="#/plan"]', 'aria-current'), 'page'); // the Plan's pages

  // record a practice in Arabic with the form
  const word = `مدرسة${digits}`;
  await page.click(`a:has-text("${en['planpractices.new']}")`);
  await page.waitForSelector('input[name="title"]');
  await page.selectOption('main select[name="lang"]', 'ar'); // not the interface's language
  await page.fill('input[name="title"]', `حملة توعية في ${word}`);
  await page.fill('textarea[name="summary"]', 'حملة وطنية للتوعية بمخاطر الاتجار بالأشخاص في المدارس الثانوية');
  await page.fill('input[name="country"]', 'EGY');
  await page.fill('input[name="year"]', '2024');
  await page.selectOption('select[name="status"]', 'published');
  await page.fill('input[name="paragraphs"]', 'annex-18 annex-19');
  await page.click(`form button:has-text("${en['planpractices.save']}")`);
  await page.waitForSelector('[data-text-lang="ar"]');
  assert.equal(await page.$eval('[data-text-lang="ar"]', (e) => getComputedStyle(e).direction), 'rtl');

  // and one with a Russian translation through the API
  const ruWord = `торговл${digits}`;
  await apiCall(page, 'POST', '/api/v1/plan/practices', {
    lang: 'en', title: `Hotline ${stamp}`, summary: 'A hotline for migrant workers', status: 'published', year: 2025,
    paragraphs: ['annex-53'], translations: [{ lang: 'ru', title: 'Горячая линия', summary: `Консультации о ${ruWord} людьми` }],
  });

  // search in Arabic: one hit, the word marked, the snippet right to left
  await page.goto(`${BASE}/#/plan-practices?q=${encodeURIComponent(word)}`);
  await page.waitForSelector('[data-count="1"]');
  assert.equal(await page.textContent('[data-practice] .snippet mark'), word);
  assert.equal(await page.$eval('[data-practice] .snippet', (e) => getComputedStyle(e).direction), 'rtl');
  // search in Russian, in capitals
  await page.fill('input[name="q"]', ruWord.toUpperCase());
  await page.click(`form button:has-text("${en['planpractices.search']}")`);
  await page.waitForFunction(() => location.hash.includes('q='));
  await page.waitForSelector('[data-count="1"]');
  assert.equal((await page.textContent('[data-practice] .snippet mark')).toLowerCase(), ruWord);
  await page.screenshot({ path: join(OUT, 'planpractices.png'), fullPage: false });
  await axeMain(page, 'practices (en)');

  // the report for a period, then two periods side by side, with the files
  await page.click('[data-plan-tabs] a[data-tab="plan-report"]');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['planreport.title']);
  await page.fill('input[name="from"]', '2000-01-01');
  await page.fill('input[name="to"]', '2099-12-31');
  await page.click(`form button:has-text("${en['planreport.show']}")`);
  await page.waitForFunction(() => location.hash.includes('from=2000-01-01'));
  await page.waitForSelector('[data-row="practices_published"]');
  const practices = Number(await page.textContent('[data-value="practices_published"]'));
  assert.ok(practices >= 2, `practices published: ${practices}`);
  const report = await apiCall(page, 'GET', '/api/v1/plan/report?from=2000-01-01&to=2099-12-31');
  const victims = report.sections.flatMap((s) => s.rows).find((r) => r.key === 'victims_identified').value;
  assert.equal(await page.textContent('[data-value="victims_identified"]'), String(victims));
  assert.ok(await page.$('[data-section="prosecute"] [data-row="offenders_convicted"]'));
  await page.fill('input[name="cfrom"]', '1990-01-01');
  await page.fill('input[name="cto"]', '1990-12-31');
  await page.click(`form button:has-text("${en['planreport.show']}")`);
  await page.waitForFunction(() => location.hash.includes('cfrom='));
  await page.waitForSelector('[data-change="practices_published"]');
  assert.equal(await page.textContent('[data-change="practices_published"]'), `+${practices}`); // since the compared period
  const pdf = await page.getAttribute('[data-file="pdf"]', 'href');
  assert.match(pdf, /^\/api\/v1\/plan\/report\.pdf\?.*compare=2000-01-01%3A2099-12-31|^\/api\/v1\/plan\/report\.pdf\?.*compare=1990/);
  const head = await page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return [r.status, r.headers.get('Content-Type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))];
  }, pdf);
  assert.deepEqual(head, [200, 'application/pdf', '%PDF-']);
  assert.ok(await page.$('[data-file="xlsx"]'));
  await page.screenshot({ path: join(OUT, 'planreport.png'), fullPage: false });
  await axeMain(page, 'report with a comparison (en)');

  // Arabic: right to left, translated headings and row labels
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['planreport.title']);
  await page.waitForSelector('[data-row="victims_identified"]');
  assert.equal((await page.textContent('[data-row="victims_identified"] th')).trim(), ar['plan.report.row.victims_identified']);
  assert.equal(await page.textContent('[data-plan-tabs] a[data-tab="plan-practices"]'), ar['plan.tabs.practices']);
  await page.screenshot({ path: join(OUT, 'planreport-ar.png'), fullPage: false });
  await axeMain(page, 'report (ar)');
  await page.goto(`${BASE}/#/plan-practices`);
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['planpractices.title']);
  assert.equal(await page.$eval('main', (e) => getComputedStyle(e).direction), 'rtl');
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
