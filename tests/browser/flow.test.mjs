// The issue-4 journey in the browser, in English and in Arabic (right to left), against a running
// server (environment as cases.test.mjs: CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// CTIS_ADMIN_TOTP_SECRET): screening → referral → services. A case supervisor screens an adult on
// the screening page (act, means and purpose answered: "presumed victim"), refers the case to a
// shelter of another agency through the Refer dialog sharing the narrative only, the shelter's
// supervisor accepts it from the "Received" box, and the sender records the shelter as a service
// delivered. No personal data in a URL; no console error.
// Run: cd tests/browser && node --test flow.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, catalogue, launchBrowser, newUserPage, signIn, totp,
} from './lib.mjs';

const cats = { en: catalogue('en'), ar: catalogue('ar') };
const TIMEOUT = 240000;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const GIVEN = `Ilaria${stamp}`;
const EVIDENCE = `promised work in a hotel ${stamp}`;
const SHELTER = { en: 'Shelter', ar: 'مأوى' }; // data/vocab/assist.tsv

let browser;
let sender;
let receiver;
let provider;
const urls = [];
const consoleErrors = [];
const watch = (p) => {
  p.on('request', (req) => urls.push(req.url()));
  p.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
};

// A case supervisor of another agency, signed in on a page of its own.
async function receiverUser(agencyId) {
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${BASE}/#/login`);
  await signIn(admin);
  const username = `flowrecv_${stamp}`;
  const password = `flow receiver passphrase ${stamp}`;
  const user = await apiCall(admin, 'POST', '/api/v1/users', {
    username, display_name: `Receiver ${stamp}`, agency_id: agencyId, role: 'case_supervisor', scope: 'agency',
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

async function setLang(page, lang) {
  await page.selectOption('#lang', lang);
  await page.waitForFunction((d) => document.documentElement.dir === d, lang === 'ar' ? 'rtl' : 'ltr');
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
    name: `Flow shelter ${stamp}`, org_type: 'NGO', country: 'ITA',
  });
  provider = await apiCall(admin, 'POST', '/api/v1/providers', {
    name: `Casa Sicura ${stamp}`, agency_id: agency.id, services: ['shelter', 'legal_aid'], languages: ['it', 'ar', 'en'],
    areas: ['ITA'], places_total: 12, places_free: 4,
  });
  await adminCtx.close();
  sender = await newUserPage(browser, {
    username: `flowsend_${stamp}`, password: `flow sender passphrase ${stamp}`, role: 'case_supervisor', watch,
  });
  receiver = await receiverUser(agency.id);
});

after(async () => {
  for (const x of [sender, receiver]) if (x) await x.context.close();
  if (browser) await browser.close();
});

for (const lang of ['en', 'ar']) {
  const cat = cats[lang];
  test(`screening → referral → services (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async () => {
    const page = sender.page;
    const c = (await apiCall(page, 'POST', '/api/v1/cases', {
      fields: { given_name: `${GIVEN}${lang}`, narrative: `Hotel ${stamp}`, gender: 'female', age: 24 },
    })).case;
    await apiCall(page, 'PUT', `/api/v1/cases/${c.id}/consent`, { items: [{ item: 'data_use', state: 'given' }] });
    await setLang(page, lang);

    // 1. Screening from the case page: act, means and purpose → presumed victim.
    await page.evaluate((x) => { location.hash = `#/cases/${x}`; }, String(c.id));
    await page.locator('a[data-screening-link]').click();
    await page.waitForSelector('[data-answer="p:acts:recruitment"]');
    const act = page.locator('[data-answer="p:acts:recruitment"]');
    await act.locator('select').selectOption('yes');
    await act.locator('textarea').fill(EVIDENCE);
    await page.locator('[data-answer="p:means:deception"] select').selectOption('yes');
    await page.locator('[data-answer="p:purposes:forced_labour"] select').selectOption('yes');
    await page.waitForFunction(() => document.querySelector('[data-preview] [data-result]')
      ?.getAttribute('data-result') === 'presumed_victim');
    await page.click('button[data-save]');
    await page.waitForFunction((want) => document.body.textContent.includes(want), cat['screening.saved']);
    const row = page.locator('table tbody tr').first();
    assert.equal(await row.locator('[data-result]').getAttribute('data-result'), 'presumed_victim');
    await page.screenshot({ path: join(OUT, `flow-screening-${lang}.png`), fullPage: true });

    // 2. Refer to the shelter, sharing the narrative only.
    await page.evaluate((x) => { location.hash = `#/cases/${x}`; }, String(c.id));
    const dialog = page.locator('details[data-refer-dialog]');
    await dialog.waitFor();
    await dialog.locator('summary').click();
    await dialog.locator('select[name="provider_id"]').selectOption(String(provider.id));
    await dialog.locator('input[name="services"][value="shelter"]').check();
    await dialog.locator('input[name="groups"][value="narrative"]').check();
    await dialog.locator('textarea[name="reason"]').fill('needs a safe place tonight');
    await dialog.locator('button[type="submit"]', { hasText: cat['referral.refer'] }).click();
    await page.waitForSelector('section[aria-labelledby="case-referrals"] [data-state="pending"]');

    // 3. The shelter accepts it from its "Received" box.
    const rp = receiver.page;
    await setLang(rp, lang);
    await rp.evaluate(() => { location.hash = '#/referrals?box=received'; });
    await rp.reload();
    const mine = rp.locator('main tr', { has: rp.locator(`a[href="#/cases/${c.id}"]`) });
    await mine.waitFor();
    await mine.locator('button[data-answer="accept"]').click();
    await rp.waitForFunction((id) => [...document.querySelectorAll('main tr')]
      .some((tr) => tr.querySelector(`a[href="#/cases/${id}"]`) && tr.querySelector('[data-state="accepted"]')), c.id);
    await rp.screenshot({ path: join(OUT, `flow-received-${lang}.png`), fullPage: true });

    // 4. The sender sees the acceptance and records the shelter as a service delivered.
    await page.reload();
    await page.waitForSelector('section[aria-labelledby="case-referrals"] [data-state="accepted"]');
    const services = page.locator('section[aria-labelledby="case-services"]');
    const add = services.locator('details').first();
    await add.locator('summary').click();
    await add.locator('select[name="type"]').selectOption('shelter');
    await add.locator('input[name="provider"]').fill(provider.name);
    await add.locator('input[name="start_date"]').fill('2026-11-20');
    await add.locator('button[type="submit"]').click();
    await services.locator('tbody tr', { hasText: provider.name }).waitFor();
    const svc = await services.locator('tbody tr', { hasText: provider.name }).textContent();
    assert.ok(svc.includes(SHELTER[lang]), `the service type in the page's language: ${svc}`);
    await page.screenshot({ path: join(OUT, `flow-services-${lang}.png`), fullPage: true });
    await setLang(page, 'en');
    await setLang(rp, 'en');
  });
}

test('no personal data in URLs, no console errors', { skip: SKIP }, () => {
  for (const u of urls) {
    assert.ok(!decodeURIComponent(u).includes(EVIDENCE), u);
    assert.ok(!decodeURIComponent(u).includes(GIVEN), u);
  }
  assert.deepEqual(consoleErrors, []);
});
