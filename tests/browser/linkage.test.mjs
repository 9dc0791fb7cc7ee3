// Browser test of the record-linkage page (issue 7, item 3) against a running server (environment
// as cases.test.mjs, plus CTIS_BIN and CTIS_DB from tests/run.sh so that the test can encode two
// files with `ctis link encode` on the server's own database): an investigator uploads the two
// signed .clk files on #/linkage, the run is saved, its review queue shows the uncertain pair, and
// the decision "same person" takes it out of the queue; then the page in Arabic, right to left.
// No name reaches the page. Run: cd tests/browser && node --test linkage.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { OUT, SKIP, catalogue, launchBrowser, newUserPage } from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 90000;
const BIN = process.env.CTIS_BIN || '';
const DB = process.env.CTIS_DB || '';
const NO_CLI = !BIN || !DB ? 'CTIS_BIN and CTIS_DB are not set (tests/run.sh sets them): the linkage page test is skipped' : false;
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);

let browser;
let dir;
const consoleErrors = [];

before(async () => {
  if (SKIP || NO_CLI) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  dir = mkdtempSync(join(os.tmpdir(), 'ctis-linkage-'));
});

after(async () => {
  if (browser) await browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function encode(name, rows) {
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, ['id,given_name,family_name,birth_date', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  const schema = join(dir, 'schema.json');
  const f = (identifier) => ({ identifier, format: { type: 'string' },
    hashing: { comparison: { type: 'ngram', n: 2 }, strategy: { bitsPerFeature: 200 } } });
  writeFileSync(schema, JSON.stringify({ version: 3,
    clkConfig: { l: 1024, kdf: { type: 'HKDF', hash: 'SHA256', salt: 'YnJvd3Nlci10ZXN0LXNhbHQ=', info: 'dGVzdA==' } },
    features: [{ identifier: 'id', ignored: true }, f('given_name'), f('family_name'),
      { identifier: 'birth_date', format: { type: 'date', format: '%Y-%m-%d' },
        hashing: { comparison: { type: 'ngram', n: 1, positional: true }, strategy: { bitsPerFeature: 200 } } }] }));
  writeFileSync(join(dir, 'secret'), `a browser test secret ${stamp}\n`);
  const out = join(dir, `${name}.clk`);
  execFileSync(BIN, ['link', 'encode', '--schema', schema, '--secret-file', join(dir, 'secret'), '--project', `web-${stamp}`,
    '--csv', csv, '--id-column', 'id', '--out', out, '--db', DB], { stdio: 'pipe' });
  return out;
}

test('an investigator matches two files on #/linkage and decides the uncertain pair (en, ar)', { skip: SKIP || NO_CLI, timeout: TIMEOUT }, async () => {
  const a = encode('a', [['a-1', 'Amina', 'Okafor', '1991-02-03'], ['a-2', 'Fatima', 'Ibrahim', '2001-11-30']]);
  const b = encode('b', [['b-1', 'Amina', 'Okafor', '1991-02-03'], ['b-2', 'Fatma', 'Ibrahimu', '2001-11-03'],
    ['b-3', 'Mariam', 'Haddad', '1999-05-17']]);
  const { context, page } = await newUserPage(browser, {
    username: `lnk_${stamp}`, password: `linkage passphrase ${stamp}`, role: 'investigator',
    watch: (p) => {
      p.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(m.text()); });
      p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    },
  });
  assert.ok((await page.textContent('#nav')).includes(en['nav.linkage']));
  await page.evaluate(() => { location.hash = '#/linkage'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['linkage.title']);
  await page.setInputFiles('#link-a', a);
  await page.setInputFiles('#link-b', b);
  await page.fill('#link-threshold', '0.9');
  await page.fill('#link-review', '0.6');
  await page.click(`#linkage-match button[type="submit"]`);
  await page.waitForSelector('#linkage-run');
  const form = await page.$('form[data-pair]');
  assert.ok(form, 'the uncertain pair waits in the queue');
  const row = await form.evaluate((f) => f.closest('tr').textContent);
  assert.ok(row.includes('a-2') && row.includes('b-2'), row);
  const text = await page.textContent('main');
  assert.ok(!/Amina|Okafor|Ibrahim/.test(text), 'no name on the page');
  await page.screenshot({ path: join(OUT, 'linkage.png'), fullPage: true });
  await page.click('form[data-pair] button[data-decision="match"]');
  await page.waitForFunction(() => !document.querySelector('form[data-pair]'));
  assert.ok((await page.textContent('main')).includes(en['linkage.decision.match']));

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['linkage.title']);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.ok((await page.textContent('#linkage-new')).includes(ar['linkage.form.title']));
  await page.screenshot({ path: join(OUT, 'linkage-ar.png'), fullPage: true });
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
