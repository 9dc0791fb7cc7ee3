// Browser test of the investigative entities on the investigation page (issue 5, part J2;
// environment as cases.test.mjs): an investigator opens an investigation, adds a company and two
// bank accounts, links the company to an account, records a transaction between the accounts, retracts an entity with a reason,
// and sees the Entities and Transactions sections in Arabic, right to left. No console error.
// Run: cd tests/browser && node --test entities.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  OUT, SKIP, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;
const stamp = testStamp();

const suite = browserSuite();
const { consoleErrors, watch } = suite;

async function addEntity(page, kind, value, extra) {
  await openForm(page, `summary:has-text("${en['entities.add']}")`, 'form:has(input[name="extra"]) select[name="kind"]');
  const form = page.locator('form:has(input[name="extra"])');
  await form.locator('select[name="kind"]').selectOption(kind);
  await form.locator('input[name="value"]').fill(value);
  if (extra) await form.locator('input[name="extra"]').fill(extra);
  await form.locator(`button:has-text("${en['entities.add']}")`).click();
  await page.waitForFunction((v) => document.querySelector('#j-ent')?.parentElement.textContent.includes(v), value);
}

// Opens a form behind a summary. The page re-renders its sections when their data arrive, which
// can replace an opened <details> by a closed one: open it again until its field shows.
async function openForm(page, summary, field) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.click(summary);
    try {
      await page.locator(field).waitFor({ state: 'visible', timeout: 3000 });
      return;
    } catch {
      // re-rendered meanwhile: try again
    }
  }
  throw new Error(`${summary}: the form did not open`);
}

test('an investigator records entities, a transaction and a retraction (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `ent_${stamp}`, password: `entities passphrase ${stamp}`, role: 'investigator', watch,
  });
  await page.evaluate(() => { location.hash = '#/justice'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['justice.page_title']);
  await page.click(`summary:has-text("${en['justice.create']}")`);
  await page.fill('input[name="reference"]', `PF/E/${stamp}`);
  await page.click(`form button:has-text("${en['justice.create']}")`);
  await page.waitForFunction(() => /^#\/justice\/\d+$/.test(location.hash));
  await page.waitForSelector('#j-ent');
  assert.ok((await page.textContent('#j-ent')).includes(en['entities.title']));
  assert.ok((await page.textContent('#j-tx')).includes(en['entities.transactions']));

  await addEntity(page, 'company', `Browser Holdings ${stamp}`, 'RC 42');
  await addEntity(page, 'bank_account', 'GB29 NWBK 6016 1331 9268 19', 'NWBKGB2L');
  await addEntity(page, 'bank_account', 'DE89 3704 0044 0532 0130 00');

  await openForm(page, `summary:has-text("${en['entities.link_add']}")`, 'form:has(select[name="relation"]) select[name="to_entity"]');
  const link = page.locator('form:has(select[name="relation"])');
  const ids = await link.locator('select[name="to_entity"] option').evaluateAll((os) => os.map((o) => o.value));
  await link.locator('select[name="from_entity"]').selectOption(ids[0]);
  await link.locator('select[name="relation"]').selectOption('owns');
  await link.locator('select[name="to_entity"]').selectOption(ids[1]);
  await link.locator(`button:has-text("${en['entities.link_add']}")`).click();
  await page.waitForFunction((x) => document.querySelector('#j-ent')?.parentElement.textContent.includes(x), en['entities.relation.owns']);

  await openForm(page, `summary:has-text("${en['entities.tx_add']}")`, 'form:has(input[name="amount_minor"]) select[name="to_entity"]');
  const tx = page.locator('form:has(input[name="amount_minor"])');
  const options = await tx.locator('select[name="to_entity"] option').evaluateAll((os) => os.map((o) => o.value));
  await tx.locator('select[name="to_entity"]').selectOption(options[1]);
  await tx.locator('input[name="date"]').fill('2026-02-10');
  await tx.locator('input[name="amount_minor"]').fill('125050');
  await tx.locator('input[name="currency"]').fill('EUR');
  await tx.locator('select[name="channel"]').selectOption('cash');
  await tx.locator(`button:has-text("${en['entities.tx_add']}")`).click();
  await page.waitForSelector('[data-transaction]');
  assert.equal((await page.textContent('[data-transaction]')).trim(), '1250.50 EUR');
  assert.ok((await page.locator('section[aria-labelledby="j-tx"]').textContent()).includes(en['entities.channel.cash']));

  await page.click(`summary:has-text("${en['entities.retract']}")`);
  await page.fill('input[name="retract_reason"]', 'entered twice');
  await page.click(`form button:has-text("${en['entities.retract']}")`);
  await page.waitForSelector('[data-retracted]');
  assert.ok((await page.textContent('[data-retracted]')).includes('entered twice'));
  await page.screenshot({ path: join(OUT, 'entities.png'), fullPage: true });

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForFunction((x) => document.querySelector('#j-ent')?.textContent.includes(x), ar['entities.title']);
  assert.ok((await page.textContent('#j-tx')).includes(ar['entities.transactions']));
  await page.screenshot({ path: join(OUT, 'entities-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
