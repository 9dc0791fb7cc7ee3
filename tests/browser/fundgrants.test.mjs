// Browser test of the Trust Fund's grants pages (issue 8, part G) against a running server
// (environment as the other browser tests, with the administrator's API token of tests/run.sh):
// one fund manager records a disbursement on #/fundgrants/{id} (no approve button for them), a
// second fund manager approves it and the tranche is paid, the grantee NGO's user fills the light
// report form and submits it; then the page in Arabic, right to left.
// Run: cd tests/browser && node --test fundgrants.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, OUT, SKIP, apiCall, catalogue, launchBrowser, totp } from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const TOKEN = process.env.CTIS_ADMIN_TOKEN || '';
const NO_TOKEN = !TOKEN ? 'CTIS_ADMIN_TOKEN is not set (tests/run.sh sets it): the fund grants page test is skipped' : false;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);

let browser;
const consoleErrors = [];

before(async () => {
  if (SKIP || NO_TOKEN) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

async function admin(method, path, body) {
  const r = await fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// A user of agency_id with role, signed in on a page of its own (one-time password replaced,
// two-factor enrolled), on #/fundgrants.
async function userPage(name, role, agencyId, scope) {
  const user = await admin('POST', '/api/v1/users', { username: `${name}_${stamp}`, display_name: `${role} ${name}`,
    agency_id: agencyId, role, scope });
  const password = `fund grants passphrase ${name} ${stamp}`;
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('form input[name="username"]');
  await apiCall(page, 'POST', '/api/v1/session', { username: `${name}_${stamp}`, password: user.one_time_password });
  await apiCall(page, 'POST', '/api/v1/me/password', { current_password: user.one_time_password, new_password: password });
  const setup = await apiCall(page, 'POST', '/api/v1/session/totp/setup', {});
  await apiCall(page, 'POST', '/api/v1/session/totp/confirm', { code: totp(setup.secret, Math.floor(Date.now() / 30000)) });
  await page.goto(`${BASE}/#/home`);
  await page.reload();
  await page.waitForSelector('#nav:not([hidden]) a[href="#/fundgrants"]');
  return { context, page, user };
}

const h1Is = (page, text) => page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim().startsWith(x), text);

test('a disbursement recorded by one manager, approved by another; a grantee reports (en, ar)', { skip: SKIP || NO_TOKEN, timeout: TIMEOUT }, async () => {
  const me = await admin('GET', '/api/v1/me');
  const ngo = await admin('POST', '/api/v1/agencies', { name: `Shelter NGO ${stamp}`, org_type: 'NGO', country: 'NGA' });
  const m1 = await userPage('fm1', 'fund_manager', me.agency.id, 'all');
  const m2 = await userPage('fm2', 'fund_manager', me.agency.id, 'all');
  const gr = await userPage('ngo', 'grantee', ngo.id, 'agency');

  const grant = await apiCall(m1.page, 'POST', '/api/v1/fund/grants', {
    agency_id: ngo.id, country: 'NGA', programme: 'immediate', start_date: '2026-01-01', end_date: '2026-09-30',
    tranches: [{ due_date: '2026-01-01', amount: '15,000.00' }, { due_date: '2026-06-01', amount: '5,000.00' }],
  });

  // The first fund manager records a disbursement of tranche 1: no approve button for them.
  await m1.page.evaluate((id) => { location.hash = `#/fundgrants/${id}`; }, grant.id);
  await h1Is(m1.page, `${en['fundgrants.grant']} ${grant.number}`);
  await m1.page.click(`summary:has-text("${en['fundgrants.disb.record']}")`);
  const df = 'form[data-form="disburse"]';
  await m1.page.fill(`${df} input[name="amount"]`, '15,000.00');
  await m1.page.fill(`${df} input[name="bank_reference"]`, 'UNVTF-TX-001');
  await m1.page.click(`${df} button[type="submit"]`);
  await m1.page.waitForFunction((x) => document.querySelector('main').textContent.includes(x), en['fundgrants.disb.recorded']);
  assert.equal(await m1.page.$('button[data-action="reject"]'), null, 'the recorder is not offered the approval');
  assert.ok((await m1.page.textContent('main')).includes(en['fundgrants.disb.awaits_other']));
  await m1.page.screenshot({ path: join(OUT, 'fundgrants-recorded.png'), fullPage: true });

  // The second approves it: tranche 1 is paid.
  await m2.page.evaluate((id) => { location.hash = `#/fundgrants/${id}`; }, grant.id);
  await h1Is(m2.page, `${en['fundgrants.grant']} ${grant.number}`);
  await m2.page.click(`button:has-text("${en['fundgrants.disb.approve']}")`);
  await m2.page.waitForSelector('[data-tranche="1"][data-status="paid"]');

  // The grantee fills the report form and submits it (the draft saved in the same step).
  await gr.page.evaluate((id) => { location.hash = `#/fundgrants/${id}`; }, grant.id);
  await h1Is(gr.page, `${en['fundgrants.grant']} ${grant.number}`);
  assert.equal(await gr.page.$('form[data-form="disburse"]'), null, 'a grantee records no disbursement');
  const rf = 'form[data-form="report"]';
  await gr.page.fill(`${rf} input[name="period_from"]`, '2026-01-01');
  await gr.page.fill(`${rf} input[name="period_to"]`, '2026-05-31');
  await gr.page.selectOption(`${rf} select[name="b_sex"]`, 'female');
  await gr.page.selectOption(`${rf} select[name="b_form"]`, 'SexualExploitation');
  await gr.page.fill(`${rf} input[name="b_count"]`, '9');
  await gr.page.fill(`${rf} input[name="svc_shelter"]`, '9');
  await gr.page.fill(`${rf} textarea[name="narrative"]`, 'Nine women were sheltered and assisted.');
  await gr.page.click(`${rf} button[data-action="submit"]`);
  await gr.page.waitForFunction((x) => document.querySelector('main').textContent.includes(x), en['fundgrants.report.submitted']);
  await gr.page.screenshot({ path: join(OUT, 'fundgrants-report.png'), fullPage: true });

  // A fund manager accepts it: the second tranche is released.
  await m2.page.reload();
  await h1Is(m2.page, `${en['fundgrants.grant']} ${grant.number}`);
  await m2.page.click(`button:has-text("${en['fundgrants.report.accept']}")`);
  await m2.page.waitForSelector('[data-tranche="2"][data-status="released"]');

  // The page in Arabic, right to left.
  await gr.page.selectOption('#lang', 'ar');
  await gr.page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await h1Is(gr.page, `${ar['fundgrants.grant']} ${grant.number}`);
  assert.ok((await gr.page.textContent('main')).includes(ar['fundgrants.report.title']));
  await gr.page.screenshot({ path: join(OUT, 'fundgrants-ar.png'), fullPage: true });
  await gr.page.evaluate(() => { location.hash = '#/fundgrants'; });
  await h1Is(gr.page, ar['fundgrants.title']);
  await gr.page.selectOption('#lang', 'en');
  await gr.page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepEqual(consoleErrors, []);
  for (const x of [m1, m2, gr]) await x.context.close();
});
