// Accessibility test of the ctis web pages against a running server: axe-core checks every
// page for WCAG 2.0/2.1 level A and AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa) in English
// and in Arabic (right-to-left), and the keyboard is checked on the login page and on forms:
// Tab reaches every interactive element in document order, each shows a visible focus
// outline, and the language switch works with the arrow keys without losing focus.
//
// Environment as login.test.mjs (CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// CTIS_ADMIN_TOTP_SECRET; see lib.mjs). The test signs in once and reuses the session.
//
// axe is injected with page.evaluate(<axe.min.js source>): playwright runs that through the
// DevTools protocol, which the page's Content-Security-Policy (script-src 'self', no inline
// scripts) does not govern, so the pages are checked under their real CSP; no bypassCSP.
// Run: cd tests/browser && node --test a11y.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE, OUT, SKIP, catalogue, launchBrowser, signIn, visibleLogin,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const TIMEOUT = 120000;
const cat = { en: catalogue('en'), ar: catalogue('ar') };

let browser;
let context;
let page;
const ids = {}; // ids of a user, an agency and a role to open, found after signing in
let tokenId = null; // the API token made so the account page shows its token table
const consoleErrors = [];

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => consoleErrors.push({ text: `pageerror: ${e.message}`, url: '' }));
});

after(async () => {
  if (page && tokenId !== null) {
    await apiCall('DELETE', `/api/v1/tokens/${tokenId}`).catch(() => {});
  }
  if (context) await context.close();
  if (browser) await browser.close();
});

// A same-origin API call from the signed-in page (with the CSRF header the pages send).
function apiCall(method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const csrf = (document.cookie.match(/(?:^|;\s*)ctis_csrf=([^;]*)/) || [])[1] || '';
    const res = await fetch(p, {
      method: m,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf),
        ...(b === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    if (!res.ok) throw new Error(`${m} ${p}: HTTP ${res.status}`);
    return res.status === 204 ? null : res.json();
  }, [method, path, body]);
}

// Runs axe on the whole document; fails listing each violation with its rule, impact,
// the elements (CSS selectors) and the rule's help page.
async function checkAxe(t, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations', 'incomplete'],
    });
    const brief = (v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })),
    });
    return { violations: r.violations.map(brief), incomplete: r.incomplete.map(brief) };
  }, TAGS);
  // "Needs review" results (axe could not decide, e.g. text over a gradient) do not fail;
  // they are listed so a person can look.
  for (const v of result.incomplete) {
    t.diagnostic(`${what}: needs review: ${v.id} on ${v.nodes.map((n) => n.target).join(', ')}`);
  }
  if (result.violations.length) {
    const text = result.violations.map((v) => [
      `${v.id} (${v.impact}): ${v.help}`,
      `  ${v.helpUrl}`,
      ...v.nodes.map((n) => `  - ${n.target}\n      ${n.summary.replace(/\n/g, '\n      ')}`),
    ].join('\n')).join('\n');
    assert.fail(`${what}: ${result.violations.length} accessibility violation(s)\n${text}`);
  }
}

// Opens a route and waits until it is drawn (and until `ready` shows, for parts drawn later).
async function open(hash, ready) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction((h) => location.hash === h && !document.querySelector('main[aria-busy]')
    && document.querySelector('main h1'), hash);
  if (ready) await page.waitForSelector(ready);
}

async function setLang(lang) {
  await page.selectOption('#lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  await page.waitForFunction(() => !document.querySelector('main[aria-busy]') && document.querySelector('main h1'));
}

// --- Keyboard --------------------------------------------------------------------------------

// Presses Tab until focus leaves the page or comes back to an element already seen; checks that
// every visible interactive element was reached, in document order, each with a visible
// outline, on screen. Returns the order reached (descriptions) for messages.
async function checkTabbing(what) {
  const expected = await page.evaluate(() => {
    const sel = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), '
      + 'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const els = [...document.querySelectorAll(sel)].filter((el) => el.checkVisibility({ visibilityProperty: true })
      && !el.closest('[inert]'));
    window.__a11yTabbable = els;
    const desc = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`
      + `${el.classList.length ? `.${el.classList[0]}` : ''}${el.name ? `[name=${el.name}]` : ''}`
      + ` "${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30)}"`;
    window.__a11yDesc = desc;
    return els.map(desc);
  });
  assert.ok(expected.length > 0, `${what}: something to focus`);
  // Start from the top of the document: focus a throwaway element placed first in <body>
  // (tabindex -1, so Tab itself never stops there), and remove it after the first Tab.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.id = 'a11y-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    window.scrollTo(0, 0);
  });
  const reached = [];
  const problems = [];
  for (let i = 0; i < expected.length + 5; i++) {
    await page.keyboard.press('Tab');
    if (i === 0) await page.evaluate(() => document.getElementById('a11y-start')?.remove());
    const s = await page.evaluate(() => {
      const el = document.activeElement;
      const index = window.__a11yTabbable.indexOf(el);
      if (!el || el === document.body) return { index: -2 };
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        index,
        desc: window.__a11yDesc(el),
        outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
        visibleOutline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
          && r.top < innerHeight && r.left < innerWidth,
      };
    });
    if (s.index === -2) break; // left the document
    if (s.index >= 0 && reached.includes(s.index)) break; // came round again
    if (s.index < 0) {
      problems.push(`focus went to ${s.desc}, which is not an interactive element`);
      continue;
    }
    if (reached.length && s.index < reached[reached.length - 1]) {
      problems.push(`${expected[s.index]} came after ${expected[reached[reached.length - 1]]} (not in document order)`);
    }
    reached.push(s.index);
    if (!s.visibleOutline) problems.push(`${expected[s.index]}: no visible focus outline (${s.outline})`);
    if (!s.onScreen) problems.push(`${expected[s.index]}: focused but not on screen`);
  }
  const missed = expected.filter((_, i) => !reached.includes(i));
  assert.deepEqual(missed, [], `${what}: not reachable with Tab`);
  assert.deepEqual(problems, [], `${what}: keyboard focus`);
  return reached.map((i) => expected[i]);
}

// Tab to the language switch, change the language with the arrow keys; focus stays on it.
async function checkLangByKeyboard(what) {
  await page.evaluate(() => document.activeElement?.blur());
  let onSwitch = false;
  for (let i = 0; i < 10 && !onSwitch; i++) {
    await page.keyboard.press('Tab');
    onSwitch = await page.evaluate(() => document.activeElement?.id === 'lang');
  }
  assert.ok(onSwitch, `${what}: Tab reaches the language switch`);
  const start = await page.evaluate(() => document.documentElement.lang);
  assert.equal(start, 'en');
  // English is second of ar, en, es, fr, ru, zh: up is Arabic, down again is English.
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await page.waitForFunction((h1) => document.querySelector('main h1')?.textContent === h1, cat.ar['login.title']);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lang', `${what}: focus stays on the switch`);
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForFunction((h1) => document.querySelector('main h1')?.textContent === h1, cat.en['login.title']);
  assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lang', `${what}: focus stays on the switch`);
}

// --- Before signing in -----------------------------------------------------------------------

for (const lang of ['en', 'ar']) {
  test(`axe: login page (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async (t) => {
    if (lang === 'en') {
      await page.goto(`${BASE}/#/login`);
      await visibleLogin(page);
    } else {
      await setLang('ar');
      await visibleLogin(page);
    }
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.textContent('main h1'), cat[lang]['login.title']);
    await checkAxe(t, `login (${lang})`);
  });

  test(`axe: login page showing a missing field (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async (t) => {
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('main .field-error:not(:empty)');
    assert.equal(await page.getAttribute('input[name="username"]', 'aria-invalid'), 'true');
    await checkAxe(t, `login with an error (${lang})`);
  });
}

test('keyboard: login page, Tab order and focus outline (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  for (const lang of ['en', 'ar']) {
    await page.goto(`${BASE}/#/login`);
    await setLang(lang);
    await visibleLogin(page);
    const order = await checkTabbing(`login (${lang})`);
    assert.match(order[0], /^a\.skip-link /, 'the skip link comes first');
    assert.match(order[1], /select#lang/, 'then the language switch');
    assert.match(order.at(-1), /button/, 'and the sign-in button last');
  }
});

test('keyboard: the language switch works with the arrow keys', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.goto(`${BASE}/#/login`);
  await setLang('en');
  await visibleLogin(page);
  await checkLangByKeyboard('login');
});

// --- Signed in ---------------------------------------------------------------------------------

test('sign in, and find a user, an agency and a role to open', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.goto(`${BASE}/#/login`);
  await setLang('en');
  await signIn(page);
  const users = await apiCall('GET', '/api/v1/users?limit=5');
  const agencies = await apiCall('GET', '/api/v1/agencies');
  const roles = await apiCall('GET', '/api/v1/roles');
  ids.user = users.items[0].id;
  ids.agency = agencies.items[0].id;
  ids.role = (roles.items.find((r) => r.name === 'administrator') || roles.items[0]).id;
  // A token, so the account page shows the token table with its revoke button.
  const token = await apiCall('POST', '/api/v1/tokens', { name: `a11y-${Date.now().toString(36)}`, days: 1 });
  tokenId = token.id ?? (await apiCall('GET', '/api/v1/tokens')).items.find((k) => !k.revoked)?.id ?? null;
});

// Every page: [name, hash (a function of ids), a selector drawn after the heading, extra steps].
const PAGES = [
  ['home', () => '#/home', 'main .tiles a'],
  ['users list', () => '#/users', 'main .results table'],
  ['user create form', () => '#/users/new', 'main form select[name="agency_id"]'],
  ['user create form showing missing fields', () => '#/users/new', 'main form', async () => {
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('main .field-error:not(:empty)');
  }],
  ['user detail', () => `#/users/${ids.user}`, 'main form select[name="role"]'],
  ['agencies list', () => '#/agencies', 'main table'],
  ['agency create form', () => '#/agencies/new', 'main form input[name="country"]'],
  ['agency detail', () => `#/agencies/${ids.agency}`, 'main form input[name="country"]'],
  ['roles list', () => '#/roles', 'main .role h2 a'],
  ['role create form', () => '#/roles/new', 'main fieldset.perms input'],
  ['role edit form', () => `#/roles/${ids.role}`, 'main fieldset.perms input'],
  ['audit', () => '#/audit', 'main .results table'],
  ['account (password, two-factor, tokens)', () => '#/account', 'main section[aria-labelledby="acc-tokens"] table'],
  ['two-factor setup', () => '#/account/totp', 'main .actions button'],
  // The setup answer is simulated (the administrator already has two-factor): the page then
  // shows the secret, the otpauth URI, the QR code and the confirmation form.
  ['two-factor setup showing the secret and QR code', () => '#/account/totp', 'main .actions button', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await page.route('**/api/v1/session/totp/setup', (route) => route.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ secret, uri: `otpauth://totp/ctis:a11y?secret=${secret}&issuer=ctis` }),
    }));
    try {
      await page.click('main .actions button.primary');
      await page.waitForSelector('main svg.qr-code');
      await page.waitForSelector('main input[name="code"]');
    } finally {
      await page.unroute('**/api/v1/session/totp/setup');
    }
  }],
  ['"not yet available" page', () => '#/cases', 'main .notice'],
  ['home on a narrow screen with the menu open', () => '#/home', 'main .tiles a', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.click('#nav-toggle');
    await page.waitForSelector('#nav.open a[href="#/home"]');
  }, async () => {
    await page.click('#nav-toggle');
    await page.setViewportSize({ width: 1280, height: 900 });
  }],
];

for (const lang of ['en', 'ar']) {
  for (const [name, hash, ready, setup, teardown] of PAGES) {
    test(`axe: ${name} (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async (t) => {
      if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await setLang(lang);
      // Leave and come back, so that a page opened twice in a row is drawn afresh.
      if ((await page.evaluate(() => location.hash)) === hash()) await open('#/home', 'main .tiles a');
      await open(hash(), ready);
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
      if (setup) await setup();
      try {
        await checkAxe(t, `${name} (${lang})`);
      } finally {
        if (teardown) await teardown();
      }
    });
  }

  if (lang === 'en') {
    test('keyboard: user create form and role edit form, Tab order and focus outline', { skip: SKIP, timeout: TIMEOUT }, async () => {
      await open('#/users/new', 'main form select[name="agency_id"]');
      let order = await checkTabbing('user create form');
      assert.ok(order.some((d) => /select\[name=scope\]/.test(d)), 'the scope select is reached');
      await open(`#/roles/${ids.role}`, 'main fieldset.perms input');
      order = await checkTabbing('role edit form');
      assert.ok(order.some((d) => /input\[name=assignable_roles\]/.test(d)), 'the assignable-role boxes are reached');
    });
  }
}

test('no console errors, page errors or CSP violations while checking', { skip: SKIP }, () => {
  // A 401 answer to the sign-in itself is the server asking for the one-time code.
  const errors = consoleErrors.filter((e) => !(e.url.endsWith('/api/v1/session') && /401/.test(e.text)));
  assert.deepEqual(errors, []);
});
