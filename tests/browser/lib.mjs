// Shared by the browser tests that run against a real ctis server (login.test.mjs,
// a11y.test.mjs): the environment, chromium's launch, RFC 6238 one-time codes, and signing in
// through the login page. Not a test file itself (node --test runs only *.test.mjs).
// Environment: CTIS_URL (e.g. http://127.0.0.1:8080), CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// optionally CTIS_ADMIN_TOTP_SECRET (base32) and CHROMIUM_PATH.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = join(HERE, 'out');
export const ROOT = join(HERE, '..', '..');
export const BASE = (process.env.CTIS_URL || '').replace(/\/+$/, '');
export const USER = process.env.CTIS_ADMIN_USER || 'admin';
export const PASSWORD = process.env.CTIS_ADMIN_PASSWORD || '';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The reason to skip the tests that need a server, or false.
export const SKIP = !BASE || !PASSWORD ? 'CTIS_URL and CTIS_ADMIN_PASSWORD are not set' : false;

let totpSecret = process.env.CTIS_ADMIN_TOTP_SECRET || '';
let lastCounter = 0;

// The message catalogue of a language, as the pages load it.
export const catalogue = (lang) => JSON.parse(readFileSync(join(ROOT, 'i18n', `${lang}.json`), 'utf8'));

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// axe-core (WCAG 2.1 A and AA) on the page, or on the elements of include (CSS selectors): the
// number of rules passed and the violations as "rule: targets" lines.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export async function axeViolations(page, include = null) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (inc) => {
    const res = await window.axe.run(inc ? { include: inc.map((x) => [x]) } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return { passes: res.passes.length, violations: res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) };
  }, include);
}

// A name part unique to one run of a test file, in letters only (names refuse digits).
export const testStamp = () => Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);

// The set-up every page test file shares: one Chromium for the file's tests, closed after them,
// and a console watcher for each page that collects errors (the 4xx answers a test provokes on
// purpose may be left out with ignoreHttp4xx). Tests read suite.browser once the hooks ran.
export function browserSuite({ ignoreHttp4xx = false } = {}) {
  const suite = { browser: null, consoleErrors: [] };
  suite.watch = (p) => {
    p.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      if (ignoreHttp4xx && /status of 4\d\d/.test(msg.text())) return;
      suite.consoleErrors.push(msg.text());
    });
    p.on('pageerror', (err) => suite.consoleErrors.push(`pageerror: ${err.message}`));
  };
  before(async () => {
    if (SKIP) return;
    mkdirSync(OUT, { recursive: true });
    suite.browser = await launchBrowser();
  });
  after(async () => {
    if (suite.browser) await suite.browser.close();
  });
  return suite;
}

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

// A code the server has not seen yet: it refuses a step already used (also by another test
// file of the same run), and accepts one step either side of now, so use the next unused step
// and wait only when that is too far ahead.
export async function freshCode() {
  let now = Math.floor(Date.now() / 30000);
  const counter = Math.max(now, lastCounter + 1);
  while (counter > now + 1) {
    await new Promise((r) => setTimeout(r, 1000));
    now = Math.floor(Date.now() / 30000);
  }
  lastCounter = counter;
  return totp(totpSecret, counter);
}

export async function visibleLogin(page) {
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

// Signs in through the form (already on the login page); lands on #/home.
export async function signIn(page) {
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

// A same-origin API call from a signed-in page, with the CSRF header the pages send; throws on
// an HTTP error, returns the parsed body.
export function apiCall(p, method, path, body) {
  return p.evaluate(async ([m, u, b]) => {
    const csrf = (document.cookie.match(/(?:^|;\s*)ctis_csrf=([^;]*)/) || [])[1] || '';
    const res = await fetch(u, {
      method: m,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf),
        ...(b === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${m} ${u}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }, [method, path, body]);
}

// An API call as the administrator with the token tests/run.sh creates (CTIS_ADMIN_TOKEN).
export const ADMIN_TOKEN = process.env.CTIS_ADMIN_TOKEN || '';
export async function adminApi(method, path, body) {
  const r = await fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// A new user of role, signed in on a page of its own: the administrator creates it (role, scope),
// then it signs in through the API, replaces its one-time password and enrols two-factor where
// the role offers it, and the page is reloaded on #/home. watch(page) runs before the first
// navigation (to record requests and console messages). Returns {context, page, user}.
// Waits for the navigation link `ready` (the cases link by default: roles
// without case pages name one of theirs). The user belongs to agencyId, by default the
// administrator's agency.
export async function newUserPage(browser, {
  username, password, role, scope = 'agency', watch = () => {}, contextOptions = {},
  ready = '#nav:not([hidden]) a[href="#/cases"]', agencyId = 0,
}) {
  const spec = (me) => ({ username, display_name: `${role} ${username}`, agency_id: agencyId || me.agency.id, role, scope });
  let user;
  if (ADMIN_TOKEN) {
    // The administrator's API token (tests/run.sh): no sign-in, so no wait for a fresh one-time code.
    user = await adminApi('POST', '/api/v1/users', spec(await adminApi('GET', '/api/v1/me')));
  } else {
    const adminCtx = await browser.newContext({ locale: 'en-US' });
    const admin = await adminCtx.newPage();
    await admin.goto(`${BASE}/#/login`);
    await signIn(admin);
    user = await apiCall(admin, 'POST', '/api/v1/users', spec(await apiCall(admin, 'GET', '/api/v1/me')));
    await adminCtx.close();
  }
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('form input[name="username"]');
  await apiCall(page, 'POST', '/api/v1/session', { username, password: user.one_time_password });
  await apiCall(page, 'POST', '/api/v1/me/password', { current_password: user.one_time_password, new_password: password });
  const setup = await apiCall(page, 'POST', '/api/v1/session/totp/setup', {});
  if (setup && setup.secret) {
    await apiCall(page, 'POST', '/api/v1/session/totp/confirm', { code: totp(setup.secret, Math.floor(Date.now() / 30000)) });
  }
  await page.goto(`${BASE}/#/home`);
  await page.reload();
  await page.waitForSelector(ready);
  return { context, page, user };
}
