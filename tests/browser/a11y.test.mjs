// Accessibility test of the ctis web pages against a running server, in English and in Arabic
// (right-to-left):
// - axe-core checks every page, and some states of them (errors shown, the two-factor QR code,
//   the narrow-screen menu, the notice after a session ended), for WCAG 2.0 and 2.1 levels A
//   and AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa), plus the label-in-name rule (2.5.3,
//   "experimental" in axe) and a few best-practice rules on landmarks and headings; any
//   violation fails, naming the rule, impact, elements and help page;
// - each page has a title naming it (2.4.2) and, 320 CSS pixels wide, does not scroll
//   sideways (1.4.10 reflow; tables scroll inside their own region);
// - the keyboard, on the login page and two forms: Tab reaches every visible interactive
//   element in document order, each with a visible focus outline, on screen; the language
//   switch works with the arrow keys and keeps focus.
//
// Environment as login.test.mjs (CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD,
// CTIS_ADMIN_TOTP_SECRET; see lib.mjs). The test signs in once and reuses that session.
//
// axe is injected with page.evaluate(<axe.min.js source>): playwright runs it through the
// DevTools protocol, which the page's Content-Security-Policy (script-src 'self', no inline
// scripts) does not govern. So no bypassCSP: the pages are checked under their real CSP.
// Run: cd tests/browser && node --test a11y.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE, SKIP, catalogue, launchBrowser, signIn, visibleLogin,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Rules outside those tags that are turned on as well.
const EXTRA_RULES = [
  'label-content-name-mismatch', // WCAG 2.5.3 label in name (axe marks it experimental)
  'page-has-heading-one', 'heading-order', 'empty-heading', // headings
  'landmark-one-main', 'landmark-unique', 'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo',
  'landmark-no-duplicate-main', 'landmark-banner-is-top-level', 'landmark-contentinfo-is-top-level',
  'landmark-main-is-top-level', 'region', // landmarks: all content is in one
];
// Pages an administrator may not open, with the permission each needs (NAV in web/js/app.js).
const NOT_ADMIN = [['linkage', 'link.run'], ['trustfund', 'fund.read'], ['plan', 'plan.read']];
const WIDE = { width: 1280, height: 900 };
const TIMEOUT = 120000;
const cat = { en: catalogue('en'), ar: catalogue('ar') };

let browser;
let context;
let page;
const ids = {}; // ids of a user, an agency and a role to open, found after signing in
let tokenId = null; // the API token made so the account page shows its token table
let tokenName = '';
const consoleErrors = [];
let sessionEndedAt = Infinity; // the number of console errors when the test ended the session

before(async () => {
  if (SKIP) return;
  browser = await launchBrowser();
  context = await browser.newContext({ locale: 'en-US', viewport: WIDE });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => consoleErrors.push({ text: `pageerror: ${e.message}`, url: '' }));
});

after(async () => {
  if (tokenId !== null) await revokeToken().catch(() => {});
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
        Accept: 'application/json',
        'X-CSRF-Token': decodeURIComponent(csrf),
        ...(b === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    if (!res.ok) throw new Error(`${m} ${p}: HTTP ${res.status}`);
    return res.status === 204 ? null : res.json().catch(() => null);
  }, [method, path, body]);
}

async function revokeToken() {
  const id = tokenId;
  tokenId = null;
  await apiCall('DELETE', `/api/v1/tokens/${id}`);
}

// Runs axe on the whole document; fails listing each violation with its rule, impact, the
// elements (CSS selectors), what to fix, and the rule's help page.
async function checkAxe(t, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async ([tags, extra]) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      rules: Object.fromEntries(extra.map((id) => [id, { enabled: true }])),
      resultTypes: ['violations', 'incomplete'],
    });
    const brief = (v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      tags: v.tags.filter((x) => /^wcag\d|best-practice|experimental/.test(x)),
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })),
    });
    return { passes: r.passes.length, violations: r.violations.map(brief), incomplete: r.incomplete.map(brief) };
  }, [TAGS, EXTRA_RULES]);
  assert.ok(result.passes > 20, `${what}: axe ran its rules (${result.passes} passed)`);
  // "Needs review" results (axe could not decide: a cell clipped by its scrolling table, a
  // rounded badge) do not fail; they are listed for a person to look at.
  for (const v of result.incomplete) {
    const targets = v.nodes.map((n) => n.target);
    const more = targets.length > 3 ? ` and ${targets.length - 3} more` : '';
    t.diagnostic(`${what}: needs review: ${v.id} on ${targets.slice(0, 3).join(', ')}${more}`);
  }
  if (result.violations.length) {
    const text = result.violations.map((v) => [
      `${v.id} (${v.impact}; ${v.tags.join(' ')}): ${v.help}`,
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

// The page's title names it: "<h1> – CTIS" (WCAG 2.4.2).
async function checkTitle(lang) {
  const { title, h1 } = await page.evaluate(() => ({
    title: document.title, h1: document.querySelector('main h1').textContent,
  }));
  assert.ok(h1.trim(), 'the page has a heading');
  assert.equal(title, `${h1} – ${cat[lang]['app.name']}`);
}

// --- Keyboard --------------------------------------------------------------------------------

// Presses Tab from the top until focus leaves the page or comes back round; checks that every
// visible interactive element was reached, in document order, each with a visible outline and
// on screen. Returns the descriptions of the elements in the order reached.
async function checkTabbing(what) {
  const expected = await page.evaluate(() => {
    const sel = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), '
      + 'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const els = [...document.querySelectorAll(sel)].filter((el) => el.checkVisibility({ visibilityProperty: true })
      && !el.closest('[inert]'));
    const desc = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`
      + `${el.classList.length ? `.${el.classList[0]}` : ''}${el.name ? `[name=${el.name}]` : ''}`
      + ` "${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30)}"`;
    window.a11yTabbable = els;
    window.a11yDesc = desc;
    return els.map(desc);
  });
  assert.ok(expected.length > 0, `${what}: something to focus`);
  // Start from the top: focus a throwaway element put first in <body> (tabindex -1, so Tab
  // never stops on it), and remove it after the first Tab.
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
      if (!el || el === document.body) return { index: -2 };
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        index: window.a11yTabbable.indexOf(el),
        desc: window.a11yDesc(el),
        outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
        visibleOutline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
          && r.top < innerHeight && r.left < innerWidth,
      };
    });
    if (s.index === -2) break; // left the document
    if (s.index >= 0 && reached.includes(s.index)) break; // came round again
    if (s.index < 0) {
      problems.push(`focus went to ${s.desc}, which does not look interactive`);
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

// --- Before signing in -----------------------------------------------------------------------

for (const lang of ['en', 'ar']) {
  test(`axe: login page (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async (t) => {
    if (lang === 'en') await page.goto(`${BASE}/#/login`);
    else await setLang('ar');
    await visibleLogin(page);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.textContent('main h1'), cat[lang]['login.title']);
    await checkTitle(lang);
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
    assert.match(order[1], /^select#lang/, 'then the language switch');
    assert.match(order.at(-3), /^button/, 'then the sign-in button');
    assert.match(order.at(-2), /^a /, 'then the link to the public tip form (for people without an account)');
    assert.match(order.at(-1), /^a /, 'and last the link to the published statistics');
  }
});

test('keyboard: the language switch works with the arrow keys and keeps focus', {
  skip: SKIP, timeout: TIMEOUT,
}, async () => {
  await page.goto(`${BASE}/#/login`);
  await setLang('en');
  await visibleLogin(page);
  await page.evaluate(() => document.activeElement?.blur());
  let onSwitch = false;
  for (let i = 0; i < 10 && !onSwitch; i++) {
    await page.keyboard.press('Tab');
    onSwitch = await page.evaluate(() => document.activeElement?.id === 'lang');
  }
  assert.ok(onSwitch, 'Tab reaches the language switch');
  // The switch lists ar, en, es, fr, ru, zh: up from English is Arabic, then down is English.
  for (const [key, lang, dir] of [['ArrowUp', 'ar', 'rtl'], ['ArrowDown', 'en', 'ltr'], ['ArrowDown', 'es', 'ltr'],
    ['ArrowUp', 'en', 'ltr']]) {
    await page.keyboard.press(key);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    const title = lang === 'es' ? catalogue('es')['login.title'] : cat[lang]['login.title'];
    await page.waitForFunction((h1) => document.querySelector('main h1')?.textContent === h1, title);
    assert.equal(await page.getAttribute('html', 'dir'), dir);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'lang',
      `${key} to ${lang}: focus stays on the language switch`);
  }
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
  const me = await apiCall('GET', '/api/v1/me');
  const lacking = NOT_ADMIN.find(([, perm]) => !(me.permissions || []).includes(perm));
  assert.ok(lacking, 'a page the administrator may not open');
  ids.forbidden = `#/${lacking[0]}`;
  // A token, so the account page shows the token table with its revoke button.
  tokenName = `a11y-${Date.now().toString(36)}`;
  const token = await apiCall('POST', '/api/v1/tokens', { name: tokenName, days: 1 });
  tokenId = token?.id
    ?? (await apiCall('GET', '/api/v1/tokens')).items.find((k) => k.name === tokenName)?.id ?? null;
  assert.ok(tokenId !== null, 'a token to show');
});

// Every page and some of its states: name, hash (a function: ids are known only after
// signing in), a selector drawn after the heading, and steps before and after the check.
const PAGES = [
  { name: 'home', hash: () => '#/home', ready: 'main .tiles a' },
  { name: 'users list', hash: () => '#/users', ready: 'main .results table' },
  { name: 'user create form', hash: () => '#/users/new', ready: 'main form select[name="agency_id"]' },
  {
    name: 'user create form showing missing fields',
    hash: () => '#/users/new',
    ready: 'main form select[name="agency_id"]',
    state: async () => {
      await page.click('main form button[type="submit"]');
      await page.waitForSelector('main .field-error:not(:empty)');
    },
  },
  { name: 'user detail', hash: () => `#/users/${ids.user}`, ready: 'main form select[name="role"]' },
  { name: 'agencies list', hash: () => '#/agencies', ready: 'main table' },
  { name: 'agency create form', hash: () => '#/agencies/new', ready: 'main form input[name="country"]' },
  { name: 'agency detail', hash: () => `#/agencies/${ids.agency}`, ready: 'main form input[name="country"]' },
  { name: 'roles list', hash: () => '#/roles', ready: 'main .role h2 a' },
  { name: 'role create form', hash: () => '#/roles/new', ready: 'main fieldset.perms input' },
  { name: 'role edit form', hash: () => `#/roles/${ids.role}`, ready: 'main fieldset.perms input' },
  { name: 'audit', hash: () => '#/audit', ready: 'main .results table' },
  {
    name: 'provider directory with the add form open',
    hash: () => '#/providers',
    ready: 'main form[role="search"]',
    state: async () => {
      await page.click('main details.case-action summary');
      await page.waitForSelector('main details.case-action[open] input[name="services"]');
    },
  },
  {
    name: 'account (password, two-factor, tokens)',
    hash: () => '#/account',
    ready: 'main section[aria-labelledby="acc-tokens"] table',
  },
  { name: 'two-factor setup', hash: () => '#/account/totp', ready: 'main .actions button' },
  {
    // The setup answer is simulated (the administrator already has two-factor): the page then
    // shows the secret, the otpauth URI, the QR code and the confirmation form.
    name: 'two-factor setup showing the secret and QR code',
    hash: () => '#/account/totp',
    ready: 'main .actions button',
    state: async () => {
      const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
      await page.route('**/api/v1/session/totp/setup', (route) => route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ secret, uri: `otpauth://totp/ctis:a11y?secret=${secret}&issuer=ctis` }),
      }));
      try {
        await page.click('main .actions button.primary');
        await page.waitForSelector('main svg.qr-code');
        await page.waitForSelector('main input[name="code"]');
      } finally {
        await page.unroute('**/api/v1/session/totp/setup');
      }
    },
  },
  { name: 'public report form (part T)', hash: () => '#/report', ready: 'main form textarea[name="account"]' },
  { name: '"no access" page', hash: () => ids.forbidden, ready: 'main .notice-error', reflow: false },
  {
    name: 'home on a narrow screen with the menu open',
    hash: () => '#/home',
    ready: 'main .tiles a',
    reflow: false,
    state: async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.click('#nav-toggle');
      await page.waitForSelector('#nav.open a[href="#/home"]');
    },
    last: async () => {
      await page.click('#nav-toggle');
      await page.setViewportSize(WIDE);
    },
  },
];

// In the page: what is wider than the window, the document or any element outside a table's
// own scrolling region (the skip link waits off screen until focused).
function tooWide() {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w) out.push(`document ${document.documentElement.scrollWidth}px`);
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap') || el.matches('.skip-link, .visually-hidden') || !el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > w + 1 || r.left < -1)) out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class')}`);
  }
  return out.slice(0, 5);
}

// Opens a page of PAGES in its state (after leaving it, so that it is drawn afresh).
async function show(p) {
  if (p.first) await p.first();
  if ((await page.evaluate(() => location.hash)) === p.hash()) await open('#/home', 'main .tiles a');
  await open(p.hash(), p.ready);
  if (p.state) await p.state();
}

for (const lang of ['en', 'ar']) {
  for (const p of PAGES) {
    test(`axe: ${p.name} (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async (t) => {
      if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await setLang(lang);
      try {
        await show(p);
        assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
        await checkTitle(lang);
        await checkAxe(t, `${p.name} (${lang})`);
      } finally {
        if (p.last) await p.last();
      }
    });
  }

  test(`reflow: 320 CSS pixels wide, no page scrolls sideways (${lang})`, { skip: SKIP, timeout: TIMEOUT }, async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    const wide = [];
    try {
      for (const p of PAGES.filter((x) => x.reflow !== false)) {
        try {
          await show(p);
          const over = await page.evaluate(tooWide);
          if (over.length) wide.push(`${p.name}: ${over.join(', ')}`);
        } finally {
          if (p.last) await p.last();
        }
      }
    } finally {
      await page.setViewportSize(WIDE);
    }
    assert.deepEqual(wide, []);
  });

  if (lang === 'en') {
    test('keyboard: user create form and role edit form, Tab order and focus outline', {
      skip: SKIP, timeout: TIMEOUT,
    }, async () => {
      await open('#/users/new', 'main form select[name="agency_id"]');
      let order = await checkTabbing('user create form');
      assert.ok(order.some((d) => /\[name=scope\]/.test(d)), 'the scope select is reached');
      await open(`#/roles/${ids.role}`, 'main fieldset.perms input');
      order = await checkTabbing('role edit form');
      assert.ok(order.some((d) => /\[name=assignable_roles\]/.test(d)), 'the assignable-role boxes are reached');
    });
  }
}

test('keyboard: a token revoked from the keyboard leaves focus on the message (ar)', {
  skip: SKIP, timeout: TIMEOUT,
}, async () => {
  await open('#/account', 'main section[aria-labelledby="acc-tokens"] table');
  const label = cat.ar['tokens.revoke_named'].replace('{name}', tokenName);
  await page.focus(`main button[aria-label="${label}"]`);
  page.once('dialog', (d) => d.accept());
  await page.keyboard.press('Enter');
  await page.waitForSelector('main .notice-success');
  tokenId = null;
  // The button went with the redrawn list; focus is on the message, not back at the top.
  assert.equal(await page.evaluate(() => document.activeElement.matches('main .notice-success')), true);
});

test('axe: login page with the notice that the session ended (ar)', { skip: SKIP, timeout: TIMEOUT }, async (t) => {
  if (tokenId !== null) await revokeToken();
  await open('#/home', 'main .tiles a');
  sessionEndedAt = consoleErrors.length;
  await apiCall('DELETE', '/api/v1/session');
  // The next page's request gets 401: the app returns to the login page with a notice.
  await page.evaluate(() => {
    location.hash = '#/users';
  });
  await page.waitForFunction(() => location.hash === '#/login');
  await page.waitForSelector('#banner:not([hidden]) .notice');
  await visibleLogin(page);
  await checkTitle('ar');
  await checkAxe(t, 'login after the session ended (ar)');
});

test('no console errors, page errors or CSP violations while checking', { skip: SKIP }, () => {
  // A 401 is the server asking for the one-time code at sign-in, or the session ended.
  const errors = consoleErrors.filter((e, i) => !(/401/.test(e.text)
    && (e.url.endsWith('/api/v1/session') || (i >= sessionEndedAt && e.url.includes('/api/v1/')))));
  assert.deepEqual(errors, []);
});
