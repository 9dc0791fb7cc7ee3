// Tests of the web pages that need no ctis server: the message catalogues agree with each
// other and with the pages, the QR encoder draws well-formed codes, and the login page loads
// under the real Content-Security-Policy with no console errors, switches among the six
// languages (right-to-left for Arabic), remembers the choice, shows a refused sign-in, and
// offers the skip link first. A small node server stands in for ctis: it serves web/ and
// i18n/ as src/web/web.c does and answers the API with 401.
// Run: cd tests/browser && node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { qrMatrix } from '../../web/js/qr.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

const cat = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(ROOT, 'i18n', `${l}.json`), 'utf8'))]));
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test('every catalogue has exactly the keys of en.json', () => {
  const keys = Object.keys(cat.en).sort();
  for (const l of LANGS) {
    const have = Object.keys(cat[l]).sort();
    const missing = keys.filter((k) => !(k in cat[l]));
    const extra = have.filter((k) => !(k in cat.en));
    assert.deepEqual(missing, [], `${l}.json lacks keys`);
    assert.deepEqual(extra, [], `${l}.json has keys en.json lacks`);
  }
});

test('every message is text, not empty, with the placeholders of English', () => {
  for (const l of LANGS) {
    for (const [k, v] of Object.entries(cat[l])) {
      assert.equal(typeof v, 'string', `${l} ${k}`);
      assert.ok(v.trim().length > 0, `${l} ${k} is empty`);
      assert.deepEqual(placeholders(v), placeholders(cat.en[k]), `${l} ${k} placeholders`);
    }
    assert.equal(cat[l]['meta.dir'], l === 'ar' ? 'rtl' : 'ltr', `${l} meta.dir`);
  }
  for (const code of ['invalid', 'not_found', 'conflict', 'forbidden', 'busy', 'too_large', 'unavailable',
    'integrity', 'internal', 'unauthenticated', 'precondition_failed', 'throttled', 'totp_required', 'locked',
    'generic']) {
    assert.ok(`error.${code}` in cat.en, `error.${code}`);
  }
  for (const k of ['cli.usage', 'cli.init.done', 'cli.init.password', 'cli.error']) assert.ok(k in cat.en, k);
});

test('every key the pages use is in en.json', () => {
  const used = new Set();
  for (const f of files(join(ROOT, 'web', 'js'))) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([A-Za-z0-9_.]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/\bkey: '([A-Za-z0-9_.]+)'/g)) used.add(m[1]);
  }
  const html = readFileSync(join(ROOT, 'web', 'index.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]);
  for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
    for (const pair of m[1].split(',')) used.add(pair.split(':')[1]);
  }
  const missing = [...used].filter((k) => !(k in cat.en));
  assert.deepEqual(missing, []);
});

test('the pages hold no inline script, style or handler (CSP)', () => {
  for (const f of files(join(ROOT, 'web'))) {
    const src = readFileSync(f, 'utf8');
    if (f.endsWith('.html')) {
      assert.doesNotMatch(src, /<script(?![^>]*\bsrc=)[^>]*>/, `${f}: inline script`);
      assert.doesNotMatch(src, /<style|\sstyle=|\son[a-z]+=/i, `${f}: inline style or handler`);
    }
    if (f.endsWith('.js')) {
      assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
        `${f}: HTML parsing or eval`);
      assert.doesNotMatch(src, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${f}: an outside address`);
    }
    if (f.endsWith('.css')) assert.doesNotMatch(src, /@import|url\(\s*['"]?https?:/, `${f}: outside resource`);
  }
});

test('the QR encoder draws finder patterns and grows with the text', () => {
  const finder = (m, x0, y0) => {
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 7; x++) {
        const d = Math.max(Math.abs(x - 3), Math.abs(y - 3));
        assert.equal(m[y0 + y][x0 + x], d !== 2, `finder module ${x0 + x},${y0 + y}`);
      }
    }
  };
  for (const [text, size] of [['hello', 21], ['otpauth://totp/ctis:admin?secret=JBSWY3DPEHPK3PXP&issuer=ctis', 33]]) {
    const m = qrMatrix(text);
    assert.equal(m.length, size);
    finder(m, 0, 0);
    finder(m, size - 7, 0);
    finder(m, 0, size - 7);
    assert.equal(m[size - 8][8], true, 'the dark module');
  }
  assert.throws(() => qrMatrix('x'.repeat(300)), /too long/);
});

// The stand-in server.
let server;
let base;
let browser;
const offOrigin = [];
const consoleErrors = [];

function serve(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  if (path.startsWith('/api/')) {
    res.writeHead(401, { ...headers, 'Content-Type': 'application/json' });
    const message = path === '/api/v1/session' ? 'wrong username or password' : 'not logged in';
    res.end(JSON.stringify({ error: { code: 'unauthenticated', message } }));
    return;
  }
  let file = null;
  if (path === '/') file = join(ROOT, 'web', 'index.html');
  else if (/^\/i18n\/[a-z]+\.json$/.test(path)) file = join(ROOT, path);
  else if (/^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/.test(path) && !path.includes('..')) file = join(ROOT, 'web', path);
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'application/json' });
    res.end('{"error":{"code":"not_found","message":"no such page"}}');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
}

const NO_BROWSER = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM}`;

before(async () => {
  server = createServer(serve);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  if (NO_BROWSER) return;
  mkdirSync(join(HERE, 'out'), { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
});

async function newPage(locale) {
  const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(`${base}/`)) offOrigin.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => consoleErrors.push({ text: `pageerror: ${e.message}`, url: '' }));
  return { context, page };
}

test('the login page loads, and the browser language picks the first language', { skip: NO_BROWSER }, async () => {
  for (const [locale, lang] of [['fr-CA', 'fr'], ['de-DE', 'en'], ['zh-CN', 'zh']]) {
    const { context, page } = await newPage(locale);
    await page.goto(`${base}/`);
    await page.waitForFunction(() => location.hash === '#/login');
    await page.waitForFunction((t) => document.querySelector('main h1')?.textContent === t, cat[lang]['login.title']);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.title(), `${cat[lang]['login.title']} – ${cat[lang]['app.name']}`);
    await context.close();
  }
});

test('the language switch shows each catalogue, right-to-left for Arabic, and is remembered', { skip: NO_BROWSER }, async () => {
  const { context, page } = await newPage('en-US');
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('input[name="username"]');
  assert.deepEqual(await page.$$eval('#lang option', (os) => os.map((o) => o.value)), LANGS);
  for (const lang of LANGS) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((t) => document.querySelector('main h1')?.textContent === t, cat[lang]['login.title']);
    const s = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      main: getComputedStyle(document.querySelector('main')).direction,
      skip: document.querySelector('.skip-link').textContent,
      label: document.querySelector('label[for="lang"]').textContent,
    }));
    assert.deepEqual(s, {
      lang, dir: cat[lang]['meta.dir'], main: cat[lang]['meta.dir'], skip: cat[lang]['app.skip'],
      label: cat[lang]['app.language'],
    });
  }
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await page.reload();
  await page.waitForSelector('input[name="username"]');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.inputValue('#lang'), 'ar');
  await page.screenshot({ path: join(HERE, 'out', 'login-ar-360.png'), fullPage: true });
  await context.close();
});

test('a refused sign-in says so next to the form', { skip: NO_BROWSER }, async () => {
  const { context, page } = await newPage('es-ES');
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('input[name="username"]');
  await page.click('main form button[type="submit"]');
  assert.equal((await page.textContent('main .field-error:not(:empty)')).trim(), cat.es['login.missing']);
  await page.fill('input[name="username"]', 'nobody');
  await page.fill('input[name="password"]', 'not the password');
  await page.click('main form button[type="submit"]');
  await page.waitForSelector('main .form-error[role="alert"]:not([hidden])');
  assert.match(await page.textContent('main .form-error'), new RegExp(cat.es['login.failed']));
  await context.close();
});

test('Tab reaches the skip link first, and it moves focus to main', { skip: NO_BROWSER }, async () => {
  const { context, page } = await newPage('en-US');
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('input[name="username"]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'username');
  await context.close();
});

test('nothing left the origin, and no console errors or CSP violations', { skip: NO_BROWSER }, () => {
  assert.deepEqual(offOrigin, []);
  // The stand-in answers the refused sign-in with 401, which the browser logs.
  const errors = consoleErrors.filter((e) => !(e.url.endsWith('/api/v1/session') && /401/.test(e.text)));
  assert.deepEqual(errors, []);
});
