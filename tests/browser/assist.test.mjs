// Browser test of the Services and Rights and legal status sections of the case page against a
// running server (environment as cases.test.mjs: CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// CTIS_ADMIN_TOTP_SECRET). A caseworker creates a case through the API, opens its page, adds a
// shelter service through the form (listed with its provider and start date), changes its status
// and outcome through the update form, adds a compensation claim (the amount shown in the
// currency), then switches to Arabic: the page is right to left and the sections, the service's
// type and status read in Arabic. No note in a URL; no console error or CSP violation.
// Run: cd tests/browser && node --test assist.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const CW_USER = `cwa_${stamp}`;
const CW_PASSWORD = `assistance passphrase ${stamp}`;
const PROVIDER = `Juniper House ${stamp}`;
const NOTE = `Room twelve ${stamp}`;

let browser;
let context;
let page;
let caseId;
const urls = [];
const consoleErrors = [];

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  ({ context, page } = await newUserPage(browser, {
    username: CW_USER,
    password: CW_PASSWORD,
    role: 'caseworker',
    watch: (p) => {
      p.on('request', (req) => urls.push(req.url()));
      p.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    },
  }));
  const made = await apiCall(page, 'POST', '/api/v1/cases', { fields: { gender: 'female', citizenship: 'NGA' } });
  caseId = made.case.id;
  await page.evaluate((id) => { location.hash = `#/cases/${id}`; }, String(caseId));
  await page.waitForSelector('#case-services');
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
});

const services = () => page.locator('section[aria-labelledby="case-services"]');
const legal = () => page.locator('section[aria-labelledby="case-legal"]');

test('add a service through the form and update its status', { skip: SKIP, timeout: TIMEOUT }, async () => {
  assert.equal((await page.textContent('#case-services')).trim(), en['assist.services']);
  await page.waitForSelector('section[aria-labelledby="case-services"] p.empty');
  const add = services().locator('details').first();
  await add.locator('summary').click();
  await add.locator('select[name="type"]').selectOption('shelter');
  await add.locator('input[name="provider"]').fill(PROVIDER);
  await add.locator('input[name="start_date"]').fill('2026-05-01');
  await add.locator('textarea[name="notes"]').fill(NOTE);
  await add.locator('button[type="submit"]').click();
  await page.waitForFunction((n) => document.querySelector('section[aria-labelledby="case-services"] table')
    ?.textContent.includes(n), PROVIDER);
  let row = await services().locator('tbody tr').first().textContent();
  assert.ok(row.includes('Shelter') && row.includes('2026-05-01') && row.includes(NOTE), row);
  // A wrong date is refused on the page, next to the field.
  const upd = services().locator('details').nth(1);
  await upd.locator('summary').click();
  await upd.locator('select[name="service"]').selectOption({ index: 1 });
  await upd.locator('select[name="status"]').selectOption('completed');
  await upd.locator('select[name="outcome"]').selectOption('achieved');
  await upd.locator('input[name="end_date"]').fill('1.5.2026');
  await upd.locator('button[type="submit"]').click();
  await page.waitForSelector('section[aria-labelledby="case-services"] [aria-invalid="true"][name="end_date"]');
  await upd.locator('input[name="end_date"]').fill('2026-06-30');
  await upd.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('section[aria-labelledby="case-services"] tbody tr')
    ?.textContent.includes('Achieved'));
  row = await services().locator('tbody tr').first().textContent();
  assert.ok(row.includes('Completed') && row.includes('2026-06-30'), row);
  await page.screenshot({ path: join(OUT, 'assist-services-en.png'), fullPage: true });
});

test('add a compensation claim: the amount in minor units, shown in the currency', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.waitForSelector('section[aria-labelledby="case-legal"] h3');
  const part = legal().locator('.legal-part').nth(3);
  assert.equal((await part.locator('h3').textContent()).trim(), en['assist.claims']);
  const add = part.locator('details').first();
  await add.locator('summary').click();
  await add.locator('select[name="kind"]').selectOption('labour_claim');
  await add.locator('input[name="currency"]').fill('eur');
  await add.locator('input[name="amount_claimed"]').fill('12500.50');
  await add.locator('button[type="submit"]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('section[aria-labelledby="case-legal"] table')]
    .some((tb) => tb.textContent.includes('12,500.50')));
  await legal().screenshot({ path: join(OUT, 'assist-legal-en.png') });
  const claims = await apiCall(page, 'GET', `/api/v1/cases/${caseId}/legal/compensation`);
  assert.equal(claims.items[0].amount_claimed, 1250050);
  assert.equal(claims.items[0].currency, 'EUR');
});

test('the sections in Arabic, right to left', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  await page.waitForSelector('section[aria-labelledby="case-services"] tbody tr');
  assert.equal((await page.textContent('#case-services')).trim(), ar['assist.services']);
  assert.equal((await page.textContent('#case-legal')).trim(), ar['assist.legal']);
  const row = await services().locator('tbody tr').first().textContent();
  assert.ok(row.includes('مأوى') && row.includes('مكتملة'), row);
  await page.screenshot({ path: join(OUT, 'assist-services-ar.png'), fullPage: true });
  await services().screenshot({ path: join(OUT, 'assist-services-section-ar.png') });
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

// axe (WCAG 2.1 A and AA) on the two sections with every form open, in English and Arabic.
async function axeSections(what) {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('#services details, #legal details')) d.open = true;
  });
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(async () => {
    const res = await window.axe.run({ include: [['#services'], ['#legal']] }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return { passes: res.passes.length, violations: res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) };
  });
  assert.ok(r.passes > 10, `${what}: axe ran (${r.passes} rules passed)`);
  assert.deepEqual(r.violations, [], what);
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('#services details, #legal details')) d.open = false;
  });
}

// The case page re-renders its sections after a change of language: wait until both show their
// heading in that language and their content, before axe looks at them.
async function sectionsIn(cat) {
  await page.waitForFunction(([s, l]) => document.querySelector('#case-services')?.textContent.trim() === s
    && document.querySelector('#case-legal')?.textContent.trim() === l
    && document.querySelector('section[aria-labelledby="case-services"] tbody tr')
    && document.querySelector('section[aria-labelledby="case-legal"] h3'), [cat['assist.services'], cat['assist.legal']]);
}

test('axe: the sections with their forms open (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await sectionsIn(en);
  await axeSections('services and legal status (en)');
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await sectionsIn(ar);
  await axeSections('services and legal status (ar)');
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('no note in a URL; no console error', { skip: SKIP }, () => {
  for (const u of urls) {
    assert.ok(!u.includes(encodeURIComponent(NOTE)) && !u.includes(NOTE), u);
  }
  assert.deepEqual(consoleErrors, []);
});
