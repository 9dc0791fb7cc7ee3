// Browser test of the partnerships page (issue 9, part R) against a running server (environment
// as cases.test.mjs): a national coordinator opens #/plan-partners, adds two partners (one with a
// sealed contact), an agreement between them and a technical-assistance request, moves the
// request through accepted, a delivery and delivered, and reads the figures; the page in Arabic
// is right to left with translated headings. No console error.
// Run: cd tests/browser && node --test planpartners.test.mjs
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

async function openForm(page, name) {
  const form = `form[data-form="${name}"]`;
  if (!(await page.isVisible(form))) await page.click(`details:has(${form}) > summary`);
  return form;
}

test('a coordinator records partners, an agreement and technical assistance, in English and Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `partners_${stamp}`, password: `partners passphrase ${stamp}`, role: 'national_coordinator', scope: 'all', watch,
    ready: '#nav:not([hidden]) a[href="#/plan"]',
  });
  await page.goto(`${BASE}/#/plan-partners`);
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['planpartners.title']);
  await page.waitForSelector('[data-section="assistance"]');
  const ngo = `Safe Haven ${stamp}`;
  const intl = `Assistance Office ${stamp}`;

  let form = await openForm(page, 'partner');
  await page.fill(`${form} input[name="name"]`, ngo);
  await page.selectOption(`${form} select[name="type"]`, 'ngo');
  await page.fill(`${form} input[name="country"]`, 'nga');
  await page.check(`${form} input[name="area_protect"]`);
  await page.fill(`${form} input[name="person"]`, 'A. Contact');
  await page.fill(`${form} input[name="email"]`, 'contact@example.org');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector(`[data-partner="${ngo}"]`);
  form = await openForm(page, 'partner');
  await page.fill(`${form} input[name="name"]`, intl);
  await page.selectOption(`${form} select[name="type"]`, 'international');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector(`[data-partner="${intl}"]`);

  form = await openForm(page, 'agreement');
  await page.fill(`${form} input[name="title"]`, `Referral MoU ${stamp}`);
  await page.fill(`${form} input[name="signed"]`, '2025-03-01');
  await page.check(`${form} label:has-text("${ngo}")`);
  await page.check(`${form} label:has-text("${intl}")`);
  await page.fill(`${form} input[name="paragraphs"]`, 'annex-50, annex-57');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector(`[data-agreement="Referral MoU ${stamp}"]`);

  const topic = `Training of inspectors ${stamp}`;
  form = await openForm(page, 'assistance');
  await page.fill(`${form} input[name="requester_state"]`, 'NGA');
  await page.selectOption(`${form} select[name="provider_partner_id"]`, { label: intl });
  await page.fill(`${form} input[name="topic"]`, topic);
  await page.fill(`${form} input[name="paragraphs"]`, 'annex-57');
  await page.click(`${form} button[type="submit"]`);
  const row = `tr:has([data-request="${topic}"])`;
  await page.waitForSelector(`${row} [data-status="requested"]`);
  await page.click(`${row} button[data-move="accepted"]`);
  await page.waitForSelector(`${row} [data-status="accepted"]`);
  await page.click(`${row} details > summary`);
  await page.selectOption(`${row} select[name="kind"]`, 'training');
  await page.fill(`${row} input[name="beneficiaries"]`, '25');
  await page.click(`${row} form button[type="submit"]`);
  await page.waitForSelector(`${row} button[data-move="delivered"]`);
  await page.click(`${row} button[data-move="delivered"]`);
  await page.waitForSelector(`${row} [data-status="delivered"]`);
  assert.match(await page.textContent(row), /25 \(1\)/);
  assert.ok(Number(await page.textContent('[data-count="delivered"]')) >= 1);
  assert.match((await page.textContent('[data-median]')).trim(), /^\d+(\.5)?$/);
  await page.screenshot({ path: join(OUT, 'planpartners.png'), fullPage: false });

  // Arabic
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['planpartners.title']);
  await page.waitForSelector(`${row} [data-status="delivered"]`);
  assert.equal((await page.textContent(`${row} [data-status]`)).trim(), ar['planpartners.status.delivered']);
  assert.equal((await page.textContent('#pp-assistance-h')).trim(), ar['planpartners.assistance']);
  await page.screenshot({ path: join(OUT, 'planpartners-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
