// Browser test of the ctis web pages against a running server (Debian chromium through
// playwright-core). Environment: CTIS_URL (e.g. http://127.0.0.1:8080), CTIS_ADMIN_USER,
// CTIS_ADMIN_PASSWORD, and optionally CTIS_ADMIN_TOTP_SECRET (base32) when the administrator
// already has two-factor set up. When the administrator's role requires two-factor and none is
// set up yet, the test enrols through the setup page and keeps the secret for later sign-ins.
// The environment, chromium's launch and the sign-in are in lib.mjs (shared with a11y.test.mjs).
// Screenshots go to tests/browser/out/. Run: cd tests/browser && node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, catalogue, launchBrowser, signIn, visibleLogin,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;

let browser;
let enSession = null; // the signed-in English page of (a), reused by later tests
const offOrigin = [];   // (c) requests that left the origin
const consoleErrors = []; // (d) console errors, page errors, CSP violations

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

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
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
  assert.equal(await assignableBox(page, 'caseworker').isChecked(), false);
  await page.screenshot({ path: join(OUT, 'role-edit.png'), fullPage: true });
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
