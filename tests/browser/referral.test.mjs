// Browser test of referrals against a running server (environment as cases.test.mjs: CTIS_URL,
// CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD, CTIS_ADMIN_TOTP_SECRET). The administrator makes a
// receiving agency with a provider; a case supervisor of the administrator's agency refers a case
// through the "Refer" dialog on the case page, sharing the narrative only; a supervisor of the
// receiving agency finds it under "Received", opens the case and sees the narrative and the
// shared-case notice but no identity or contact value — in English and in Arabic (right to left).
// No console error. Run: cd tests/browser && node --test referral.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage, signIn, totp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 180000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const GIVEN = `Zebedee${stamp}`;
const PHONE = '+254700111222';
const NARRATIVE = `Held in a bakery ${stamp}`;

let browser;
let sender;
let receiver;
let provider;
let caseId;
const consoleErrors = [];
const watch = (p) => {
  p.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
};

// A user of another agency, signed in on a page of its own (as newUserPage does).
async function otherAgencyUser(agencyId, username, password, role) {
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${BASE}/#/login`);
  await signIn(admin);
  const user = await apiCall(admin, 'POST', '/api/v1/users', {
    username, display_name: `${role} ${username}`, agency_id: agencyId, role, scope: 'agency',
  });
  await adminCtx.close();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('form input[name="username"]');
  await apiCall(page, 'POST', '/api/v1/session', { username, password: user.one_time_password });
  await apiCall(page, 'POST', '/api/v1/me/password', { current_password: user.one_time_password, new_password: password });
  const setup = await apiCall(page, 'POST', '/api/v1/session/totp/setup', {});
  await apiCall(page, 'POST', '/api/v1/session/totp/confirm', { code: totp(setup.secret, Math.floor(Date.now() / 30000)) });
  await page.goto(`${BASE}/#/home`);
  await page.reload();
  await page.waitForSelector('#nav:not([hidden]) a[href="#/referrals"]');
  return { context, page };
}

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${BASE}/#/login`);
  await signIn(admin);
  const agency = await apiCall(admin, 'POST', '/api/v1/agencies', {
    name: `Receiving shelter ${stamp}`, org_type: 'NGO', country: 'KEN',
  });
  provider = await apiCall(admin, 'POST', '/api/v1/providers', {
    name: `Safe House ${stamp}`, agency_id: agency.id, services: ['shelter', 'psychological'], languages: ['en', 'sw'],
    areas: ['KEN'], places_total: 10, places_free: 3,
  });
  await adminCtx.close();
  sender = await newUserPage(browser, {
    username: `rsend_${stamp}`, password: `referral passphrase ${stamp}`, role: 'case_supervisor', watch,
  });
  caseId = (await apiCall(sender.page, 'POST', '/api/v1/cases', {
    fields: { given_name: GIVEN, phone: PHONE, narrative: NARRATIVE, gender: 'male', age: 30 },
  })).case.id;
  await apiCall(sender.page, 'PUT', `/api/v1/cases/${caseId}/consent`, { items: [{ item: 'data_use', state: 'given' }] });
  receiver = await otherAgencyUser(agency.id, `rrecv_${stamp}`, `receiver passphrase ${stamp}`, 'case_supervisor');
});

after(async () => {
  for (const x of [sender, receiver]) if (x) await x.context.close();
  if (browser) await browser.close();
});

test('refer a case through the Refer dialog, sharing the narrative only', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const page = sender.page;
  await page.evaluate((x) => { location.hash = `#/cases/${x}`; }, String(caseId));
  const dialog = page.locator('details[data-refer-dialog]');
  await dialog.waitFor();
  await dialog.locator('summary').click();
  await dialog.locator('select[name="provider_id"]').selectOption(String(provider.id));
  await dialog.locator('input[name="services"][value="shelter"]').check();
  await dialog.locator('input[name="groups"][value="narrative"]').check();
  await dialog.locator('textarea[name="reason"]').fill('needs a bed tonight');
  await dialog.locator('button[type="submit"]', { hasText: en['referral.refer'] }).click();
  await page.waitForSelector('section[aria-labelledby="case-referrals"] [data-state="pending"]');
  await page.screenshot({ path: join(OUT, 'referral-sent.png'), fullPage: true });
});

for (const [lang, cat] of [['en', en], ['ar', ar]]) {
  test(`the receiver sees only the shared groups (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async () => {
    const page = receiver.page;
    if (lang === 'ar') {
      await page.selectOption('#lang', 'ar');
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    }
    await page.evaluate(() => { location.hash = '#/referrals?box=received'; });
    const link = page.locator(`main a[href="#/cases/${caseId}"]`);
    await link.waitFor();
    await link.click();
    await page.waitForSelector('main .case-page');
    await page.waitForFunction((text) => document.querySelector('main').textContent.includes(text),
      cat['referral.shared_notice']);
    // Let the sections load, then read the whole page.
    await page.waitForSelector('section[aria-labelledby="case-referrals"] table');
    const text = await page.locator('main').textContent();
    assert.ok(text.includes(NARRATIVE), 'the shared narrative shows');
    assert.ok(!text.includes(GIVEN), 'the unshared given name does not show');
    assert.ok(!text.includes('700111222'), 'the unshared phone does not show');
    assert.equal(await page.locator('main form[data-refer]').count(), 0, 'no Refer dialog on a shared case');
    await page.screenshot({ path: join(OUT, `referral-received-${lang}.png`), fullPage: true });
  });
}

test('no console errors', { skip: SKIP }, () => {
  assert.deepEqual(consoleErrors, []);
});
