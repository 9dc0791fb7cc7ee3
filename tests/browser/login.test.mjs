// Browser test of the ctis web pages against a running server (Debian chromium through
// playwright-core). Environment: CTIS_URL (e.g. http://127.0.0.1:8080), CTIS_ADMIN_USER,
// CTIS_ADMIN_PASSWORD, and optionally CTIS_ADMIN_TOTP_SECRET (base32) when the administrator
// already has two-factor set up. When the administrator's role requires two-factor and none is
// set up yet, the test enrols through the setup page and keeps the secret for later sign-ins.
// Screenshots go to tests/browser/out/. Run: cd tests/browser && node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const ROOT = join(HERE, '..', '..');
const BASE = (process.env.CTIS_URL || '').replace(/\/+$/, '');
const USER = process.env.CTIS_ADMIN_USER || 'admin';
const PASSWORD = process.env.CTIS_ADMIN_PASSWORD || '';
let totpSecret = process.env.CTIS_ADMIN_TOTP_SECRET || '';
let lastCounter = 0;

const catalogue = (lang) => JSON.parse(readFileSync(join(ROOT, 'i18n', `${lang}.json`), 'utf8'));
const en = catalogue('en');
const ar = catalogue('ar');

const SKIP = !BASE || !PASSWORD ? 'CTIS_URL and CTIS_ADMIN_PASSWORD are not set' : false;
const TIMEOUT = 120000;

let browser;
let enSession = null; // the signed-in English page of (a), reused by later tests
const offOrigin = [];   // (c) requests that left the origin
const consoleErrors = []; // (d) console errors, page errors, CSP violations

// RFC 4648 base32 without padding.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out = [];
  let bits = 0;
  let value = 0;
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits.
export function totp(secret, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// A code the server has not seen yet: it refuses a step already used, and accepts one step
// either side of now, so use the next unused step and wait only when that is too far ahead.
async function freshCode() {
  let now = Math.floor(Date.now() / 30000);
  let counter = Math.max(now, lastCounter + 1);
  while (counter > now + 1) {
    await new Promise((r) => setTimeout(r, 1000));
    now = Math.floor(Date.now() / 30000);
  }
  lastCounter = counter;
  return totp(totpSecret, counter);
}

async function newPage(locale = 'en-US') {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${BASE}/`)) offOrigin.push(url);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location().url });
  });
  page.on('pageerror', (err) => consoleErrors.push({ text: `pageerror: ${err.message}`, url: '' }));
  return { context, page };
}

async function visibleLogin(page) {
  await page.waitForSelector('form input[name="username"]', { state: 'visible' });
}

// Enrols two-factor through the setup page (the role demands it and none is set up).
async function enrolTotp(page) {
  await page.waitForFunction(() => location.hash === '#/account/totp');
  await page.click('main .actions button.primary');
  await page.waitForSelector('main svg.qr-code');
  const secret = (await page.textContent('main dd code.secret-value')).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]+$/);
  totpSecret = secret;
  await page.fill('main input[name="code"]', await freshCode());
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('main .notice-success');
}

// Signs in through the form; lands on #/home.
async function signIn(page) {
  await visibleLogin(page);
  await page.fill('input[name="username"]', USER);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('main form button[type="submit"]');
  const which = await Promise.race([
    page.waitForFunction(() => location.hash === '#/home').then(() => 'home'),
    page.waitForFunction(() => location.hash === '#/account/totp').then(() => 'enrol'),
    page.waitForSelector('input[name="totp"]', { state: 'visible' }).then(() => 'code'),
  ]);
  if (which === 'code') {
    assert.ok(totpSecret, 'the server asks for a one-time code: set CTIS_ADMIN_TOTP_SECRET');
    // A code of a step the server has already seen (used elsewhere) is refused: try the next.
    let status = 0;
    for (let attempt = 0; attempt < 3 && status !== 200; attempt++) {
      await page.fill('input[name="totp"]', await freshCode());
      const answer = page.waitForResponse((r) => r.url() === `${BASE}/api/v1/session`
        && r.request().method() === 'POST');
      await page.click('main form button[type="submit"]');
      status = (await answer).status();
    }
    assert.equal(status, 200, 'the one-time code was accepted');
    await page.waitForFunction(() => location.hash === '#/home');
  } else if (which === 'enrol') {
    await enrolTotp(page);
    await page.goto(`${BASE}/#/home`);
    await page.waitForFunction(() => location.hash === '#/home');
  }
  await page.waitForSelector('#nav:not([hidden]) a[href="#/home"]');
}

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (enSession) await enSession.context.close();
  if (browser) await browser.close();
});

test('(a) sign in in English, land on home, nav shows Users', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage('en-US');
  await page.goto(`${BASE}/`);
  await page.waitForFunction(() => location.hash === '#/login');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('main h1'), en['login.title']);
  await signIn(page);
  assert.equal(await page.evaluate(() => location.hash), '#/home');
  const users = page.locator('#nav a[href="#/users"]');
  assert.equal((await users.textContent()).trim(), en['nav.users']);
  await page.screenshot({ path: join(OUT, 'en.png'), fullPage: true });
  enSession = { context, page };
});

// The English session of (a), or a new one when (a) did not leave it.
async function englishPage() {
  if (enSession) return enSession.page;
  enSession = await newPage('en-US');
  await enSession.page.goto(`${BASE}/#/login`);
  await signIn(enSession.page);
  return enSession.page;
}

test('(b) Arabic: chosen before sign-in, remembered, right-to-left', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage('en-US');
  await page.goto(`${BASE}/#/login`);
  await visibleLogin(page);
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await page.waitForFunction((title) => document.querySelector('main h1')?.textContent === title, ar['login.title']);
  // The choice persists across a reload.
  await page.reload();
  await visibleLogin(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.inputValue('#lang'), 'ar');
  await signIn(page);
  const state = await page.evaluate(() => ({
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    mainDirection: getComputedStyle(document.querySelector('main')).direction,
    users: document.querySelector('#nav a[href="#/users"]').textContent.trim(),
  }));
  assert.equal(state.dir, 'rtl');
  assert.equal(state.lang, 'ar');
  assert.equal(state.mainDirection, 'rtl');
  assert.equal(state.users, ar['nav.users']);
  await page.screenshot({ path: join(OUT, 'ar.png'), fullPage: true });
  await context.close();
});

test('(e) create an agency and a user through the pages', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const page = await englishPage();
  const stamp = Date.now().toString(36);
  const agency = `Test Shelter ${stamp}`;

  await page.click('#nav a[href="#/agencies"]');
  await page.click('main a[href="#/agencies/new"]');
  await page.fill('main input[name="name"]', agency);
  await page.selectOption('main select[name="org_type"]', 'NGO');
  await page.fill('main input[name="country"]', 'tha');
  await page.click('main form button[type="submit"]');
  await page.waitForFunction(() => location.hash === '#/agencies');
  await page.waitForSelector(`main table >> text=${agency}`);

  const username = `tester_${stamp}`;
  const email = `${username}@example.org`;
  await page.click('#nav a[href="#/users"]');
  await page.click('main a[href="#/users/new"]');
  await page.fill('main input[name="username"]', username);
  await page.fill('main input[name="display_name"]', `Tester ${stamp}`);
  await page.fill('main input[name="email"]', email);
  await page.selectOption('main select[name="agency_id"]', { label: agency });
  // A role the administrator may grant (one may not grant permissions one lacks).
  const role = await page.$eval('main select[name="role"]', (s) => {
    const values = [...s.options].map((o) => o.value).filter(Boolean);
    return ['auditor', 'administrator'].find((r) => values.includes(r)) || values[0];
  });
  assert.ok(role, 'at least one role to choose');
  await page.selectOption('main select[name="role"]', role);
  await page.selectOption('main select[name="scope"]', 'agency');
  await page.click('main form button[type="submit"]');
  const otp = (await page.textContent('main .secret .secret-value', { timeout: 30000 })).trim();
  assert.ok(otp.length >= 12, 'a one-time password is shown');

  // The list (paged) shows the new user.
  await page.goto(`${BASE}/#/users`);
  let found = false;
  for (let i = 0; i < 50 && !found; i++) {
    await page.waitForSelector('main .results');
    found = (await page.locator(`main table a:text-is("${username}")`).count()) > 0;
    if (!found) {
      const next = page.locator('main .pager a', { hasText: en['common.next'] });
      if (!(await next.count())) break;
      await next.click();
      await page.waitForFunction((n) => new URLSearchParams(location.hash.split('?')[1]).get('offset') === String(n),
        (i + 1) * 50);
    }
  }
  assert.ok(found, `user ${username} is in the list`);

  // And the search by e-mail finds exactly that user.
  await page.fill('main form[role="search"] input[name="email"]', email);
  await page.click('main form[role="search"] button[type="submit"]');
  await page.waitForSelector(`main .results table a:text-is("${username}")`);

  // Its page opens, and an edit saves with the version it read (If-Match).
  await page.click(`main .results table a:text-is("${username}")`);
  await page.waitForFunction((u) => document.querySelector('main h1')?.textContent === u, username);
  await page.fill('main input[name="display_name"]', `Tester ${stamp} (edited)`);
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('main .notice-success');
  assert.equal(await page.inputValue('main input[name="display_name"]'), `Tester ${stamp} (edited)`);
});

// The names a role's card in the roles list gives as assignable.
async function listedAssignable(page, role) {
  const card = page.locator(`main .role:has(h2 a:text-is("${role}"))`);
  await card.waitFor();
  return card.locator('.assignable-list code').allTextContents();
}

// The assignable-role checkboxes, found by the fieldset's legend and each checkbox's label.
function assignableBox(page, role) {
  return page.getByRole('group', { name: en['roles.assignable'] }).getByLabel(role, { exact: true });
}

test('(i) roles: assignable roles are listed, and set when creating and editing a role', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const page = await englishPage();
  await page.goto(`${BASE}/#/roles`);
  assert.ok((await listedAssignable(page, 'administrator')).includes('caseworker'),
    'the administrator may assign caseworker');

  // Create a custom role that may assign caseworker (built-in roles stay as they are).
  const name = `browser_${Date.now().toString(36)}`;
  await page.click('main a[href="#/roles/new"]');
  await page.fill('main input[name="name"]', name);
  await assignableBox(page, 'caseworker').check();
  await page.click('main form button[type="submit"]');
  await page.waitForFunction(() => location.hash === '#/roles');
  assert.deepEqual(await listedAssignable(page, name), ['caseworker']);

  // Edit it: the form starts from the role; swap caseworker for analyst and save (If-Match).
  await page.click(`main .role h2 a:text-is("${name}")`);
  await page.waitForFunction((n) => document.querySelector('main h1')?.textContent === n, name);
  assert.equal(await assignableBox(page, 'caseworker').isChecked(), true);
  assert.equal(await assignableBox(page, 'analyst').isChecked(), false);
  await assignableBox(page, 'caseworker').uncheck();
  await assignableBox(page, 'analyst').check();
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('main .notice-success');

  // The change persisted: in the API, in the list, and in the form opened again.
  const stored = await page.evaluate(async (n) => {
    const res = await fetch('/api/v1/roles', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return ((await res.json()).items.find((r) => r.name === n) || {}).assignable_roles;
  }, name);
  assert.deepEqual(stored, ['analyst']);
  await page.goto(`${BASE}/#/roles`);
  assert.deepEqual(await listedAssignable(page, name), ['analyst']);
  await page.click(`main .role h2 a:text-is("${name}")`);
  await page.waitForFunction((n) => document.querySelector('main h1')?.textContent === n, name);
  assert.equal(await assignableBox(page, 'analyst').isChecked(), true);
  assert.equal(await assignableBox(page, 'caseworker').isChecked(), false);  await page.screenshot({ path: join(OUT, 'role-edit.png'), fullPage: true });
});

test('(g) the other pages work: roles, audit chain, API tokens', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const page = await englishPage();
  await page.click('#nav a[href="#/roles"]');
  await page.waitForSelector('main .role h2 a');
  await page.click('main .role h2 a');
  await page.waitForSelector('main fieldset.perms input[type="checkbox"]');

  await page.click('#nav a[href="#/audit"]');
  await page.waitForSelector('main table');
  await page.click('main .card button');
  const verdict = await page.textContent('main .card .notice', { timeout: 30000 });
  assert.match(verdict, new RegExp(en['audit.verify_ok'].split(':')[0]));

  await page.click('#nav a[href="#/account"]');
  const name = `browser-test-${Date.now().toString(36)}`;
  await page.fill('main form.inline input[name="name"]', name);
  await page.fill('main form.inline input[name="days"]', '7');
  await page.click('main form.inline button[type="submit"]');
  const token = (await page.textContent('main .secret .secret-value')).trim();
  assert.ok(token.length > 20, 'the token is shown once');
  page.once('dialog', (d) => d.accept());
  await page.click(`main button[aria-label="${en['tokens.revoke_named'].replace('{name}', name)}"]`);
  await page.waitForSelector(`main .notice-success >> text=${name}`);

  // Every page in the navigation renders a heading and no error.
  const links = await page.$$eval('#nav a', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of links) {
    await page.click(`#nav a[href="${href}"]`);
    await page.waitForFunction((h) => location.hash === h && !document.querySelector('main[aria-busy]'), href);
    assert.ok(await page.textContent('main h1'), `${href} has a heading`);
    assert.equal(await page.locator('main .notice-error').count(), 0, `${href} shows no error`);
  }

  // Sign out: back to the sign-in page, and the pages need a session again.
  await page.click('#logout');
  await page.waitForFunction(() => location.hash === '#/login');
  assert.equal(await page.isHidden('#nav'), true);
  await page.goto(`${BASE}/#/users`);
  await page.waitForFunction(() => location.hash === '#/login');
  await enSession.context.close();
  enSession = null;
});

test('(f) keyboard: Tab reaches the skip link first, and it moves focus to main', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage('en-US');
  await page.goto(`${BASE}/#/login`);
  await visibleLogin(page);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({
    cls: document.activeElement.className, text: document.activeElement.textContent.trim(),
  }));
  assert.equal(first.cls, 'skip-link');
  assert.equal(first.text, en['app.skip']);
  assert.ok(await page.isVisible('.skip-link'), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.equal(await page.evaluate(() => location.hash), '#/login', 'the route did not change');
  await context.close();
});

// GET path exactly as written (no URL normalisation) -> { status, type, cache }.
function rawGet(path) {
  const url = new URL(BASE);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({
        status: res.statusCode, type: res.headers['content-type'] || '', cache: res.headers['cache-control'] || '',
        csp: res.headers['content-security-policy'] || '',
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('(h) the server serves the embedded pages, no-cache, and nothing else', { skip: SKIP || (BASE.startsWith('https:') && 'https') }, async () => {
  for (const [path, type] of [['/', 'text/html'], ['/index.html', 'text/html'], ['/js/app.js', 'text/javascript'],
    ['/css/app.css', 'text/css'], ['/i18n/ar.json', 'application/json'], ['/favicon.svg', 'image/svg+xml']]) {
    const r = await rawGet(path);
    assert.equal(r.status, 200, path);
    assert.ok(r.type.startsWith(type), `${path}: ${r.type}`);
    assert.equal(r.cache, 'no-cache', path);
    assert.match(r.csp, /script-src 'self'/, path);
  }
  for (const path of ['/i18n/xx.json', '/../i18n/en.json', '/js/../index.html', '/%2e%2e/i18n/en.json',
    '/web/index.html', '/migrations/sqlite/0001_platform.sql', '//etc/passwd', '/.hidden', '/js/', '/i18n/',
    '/nothing-here']) {
    assert.equal((await rawGet(path)).status, 404, path);
  }
});

test('(c) no request left the origin', { skip: SKIP }, () => {
  assert.deepEqual(offOrigin, []);
});

test('(d) no console errors, page errors or CSP violations', { skip: SKIP }, () => {
  // A 401 answer to the sign-in itself is the server asking for the one-time code.
  const errors = consoleErrors.filter((e) => !(e.url.endsWith('/api/v1/session') && /401/.test(e.text)));
  assert.deepEqual(errors, []);
});
