// Browser test of a full Trust Fund cycle (issue 8) against a running server (environment as
// cases.test.mjs, with the administrator's API token of tests/run.sh to create the NGO): call →
// application → review → award → disbursement → report → statement, each step in the web pages by
// the person whose work it is:
//   a fund manager adds and opens a call; the NGO's grantee fills in its profile, drafts and submits
//   an application; two trustees score it; the manager awards it with two tranches and follows the
//   link to the grant agreement; records the first tranche's disbursement, which a second fund
//   manager approves (the recorder is not offered the approval); the grantee reports on the
//   period; the second manager accepts the report, which releases the second tranche; the first
//   manager reads the statement of the day: balanced, its disbursements and grant expense include
//   this grant's, and the ledger holds the award and the disbursement under this grant's ids;
//   axe finds nothing on the application, grant, report form and statement; the grantee's grant
//   page in Arabic is right to left.
// No console error. The board of this throwaway server is made here: serving trustees end today.
// Run: cd tests/browser && node --test fundcycle.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ADMIN_TOKEN, OUT, SKIP, adminApi, apiCall, axeViolations, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 300000;
const stamp = testStamp();
const NO_TOKEN = ADMIN_TOKEN ? false : 'CTIS_ADMIN_TOKEN is not set (tests/run.sh sets it): the NGO cannot be created';

const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const mainHas = (page, text) => page.waitForFunction((x) => document.querySelector('main')?.textContent.includes(x), text);
const go = (page, hash) => page.evaluate((x) => { location.hash = x; }, hash);
// axe (WCAG 2.1 A and AA) on the whole page, with every <details> form open.
async function axeOk(page, what) {
  await page.evaluate(() => { for (const d of document.querySelectorAll('main details')) d.open = true; });
  const r = await axeViolations(page);
  assert.ok(r.passes > 10, `${what}: axe ran (${r.passes} rules passed)`);
  assert.deepEqual(r.violations, [], what);
}

test('call → application → review → award → disbursement → report → statement', { skip: SKIP || NO_TOKEN, timeout: TIMEOUT }, async () => {
  const ngo = await adminApi('POST', '/api/v1/agencies', { name: `Haven NGO ${stamp}`, org_type: 'NGO', country: 'KEN' });
  const calls = '#nav:not([hidden]) a[href="#/fundcalls"]';
  const user = (name, role, extra = {}) => newUserPage(suite.browser, {
    username: `${name}_${stamp}`, password: `fund cycle passphrase ${name} ${stamp}`, role, watch, ready: calls, ...extra,
  });
  const m1 = await user('fca', 'fund_manager', { scope: 'all' });
  const m2 = await user('fcb', 'fund_manager', { scope: 'all' });
  const gr = await user('fcg', 'grantee', { agencyId: ngo.id });
  const ta = await user('fct', 'trustee', { scope: 'all' });
  const tb = await user('fcu', 'trustee', { scope: 'all' });
  const m = m1.page;

  // The board: two trustees linked to the users (the serving ones end today).
  const board = await apiCall(m, 'GET', '/api/v1/fund/board');
  for (const x of board.items.filter((b) => b.serving_now)) {
    await apiCall(m, 'POST', `/api/v1/fund/board/${x.id}/end`, { date: day(0) });
  }
  await apiCall(m, 'POST', '/api/v1/fund/board', { name: `Trustee K ${stamp}`, country: 'GHA', user_id: ta.user.user.id, appointed_on: day(0) });
  await apiCall(m, 'POST', '/api/v1/fund/board', { name: `Trustee L ${stamp}`, country: 'CHL', user_id: tb.user.user.id, appointed_on: day(0) });

  // 1. The call, added and opened by the manager.
  await go(m, '#/fundcalls');
  await m.waitForSelector('[data-serving]');
  await m.click(`summary:text("${en['fundcalls.add_call']}")`);
  const title = `Emergency shelter ${stamp}`;
  await m.fill('form[data-form="call"] input[name="title"]', title);
  await m.fill('form[data-form="call"] input[name="opens_on"]', day(-1));
  await m.fill('form[data-form="call"] input[name="closes_on"]', day(20));
  await m.click('form[data-form="call"] button[type="submit"]');
  await mainHas(m, title);
  const call = (await apiCall(m, 'GET', '/api/v1/fund/calls')).items.find((c) => c.title === title);
  await m.click(`button[data-action="open-${call.id}"]`);
  await m.waitForSelector(`button[data-action="close-${call.id}"]`);

  // 2. The application: the NGO's profile, the draft, every criterion met, submitted.
  const p = gr.page;
  await go(p, '#/fundcalls');
  await p.waitForSelector('form[data-form="org"]');
  await p.fill('form[data-form="org"] input[name="registration_country"]', 'KEN');
  await p.fill('form[data-form="org"] input[name="registered_on"]', day(-900));
  await p.fill('form[data-form="org"] input[name="assistance_since"]', day(-800));
  await p.check('form[data-form="org"] input[name="non_profit"]');
  await p.check('form[data-form="org"] input[name="psea"]');
  await p.check('form[data-form="org"] input[name="own_account"]');
  await p.fill('form[data-form="org"] input[name="account_number"]', 'KE11 2222 3333');
  await p.click('form[data-form="org"] button[type="submit"]');
  await p.waitForSelector(`a[href="#/fundcalls/apply/${call.id}"]`);
  await p.click(`a[href="#/fundcalls/apply/${call.id}"]`);
  await p.waitForSelector('form[data-form="application"]');
  await p.fill('input[name="title"]', `Shelter and legal aid ${stamp}`);
  await p.fill('textarea[name="summary"]', 'Emergency shelter, medical care and legal aid for survivors.');
  await p.fill('input[name="country"]', 'KEN');
  await p.fill('input[name="duration_months"]', '8');
  await p.fill('input[name="people_women"]', '20');
  await p.fill('input[name="people_girls"]', '6');
  await p.check('input[name="form_sexual_exploitation"]');
  await p.selectOption('select[name="cat_0"]', 'shelter');
  await p.fill('input[name="desc_0"]', 'rent and food');
  await p.fill('input[name="amount_0"]', '20,000');
  await p.selectOption('select[name="cat_1"]', 'legal');
  await p.fill('input[name="amount_1"]', '5,000.50');
  await p.click('form[data-form="application"] button[type="submit"]');
  await p.waitForFunction(() => /^#\/fundcalls\/applications\/\d+$/.test(location.hash));
  await p.waitForSelector('ul.eligibility[data-eligible="yes"]');
  const appId = Number((await p.evaluate(() => location.hash)).split('/').pop());
  await axeOk(p, 'the application with its eligibility');
  await p.click('form[data-form="submit"] button[type="submit"]');
  await p.waitForFunction((x) => document.querySelector('dl.facts')?.textContent.includes(x), en['fundcalls.app_status.submitted']);

  // 3. The reviews: each trustee scores it with the form.
  for (const [t, scores] of [[ta.page, ['5', '4', '4', '4']], [tb.page, ['4', '4', '3', '5']]]) {
    await go(t, `#/fundcalls/applications/${appId}`);
    await t.waitForSelector('form[data-form="review"]');
    for (const [i, k] of ['relevance', 'capacity', 'budget', 'reach'].entries()) {
      await t.selectOption(`form[data-form="review"] select[name="${k}"]`, scores[i]);
    }
    await t.click('form[data-form="review"] button[type="submit"]');
    await mainHas(t, en['fundcalls.reviewed']);
  }

  // 4. The award: two tranches, the first due today; the link to the grant agreement.
  await go(m, `#/fundcalls/applications/${appId}`);
  await m.waitForSelector('[data-reviews="2"]');
  await m.waitForSelector('form[data-form="decision"]');
  await m.selectOption('form[data-form="decision"] select[name="outcome"]', 'award');
  await m.fill('form[data-form="decision"] input[name="amount"]', '25,000.50');
  await m.fill('form[data-form="decision"] input[name="start_date"]', day(0));
  await m.fill('form[data-form="decision"] input[name="end_date"]', day(240));
  await m.fill('form[data-form="decision"] textarea[name="tranches"]', `${day(0)}; 20,000.00\n${day(120)}; 5,000.50`);
  await m.click('form[data-form="decision"] button[type="submit"]');
  await m.waitForSelector('a[data-grant]');
  await m.screenshot({ path: join(OUT, 'fundcycle-award.png'), fullPage: true });
  await m.click('a[data-grant]');
  await m.waitForFunction(() => /^#\/fundgrants\/\d+$/.test(location.hash));
  const grantId = Number((await m.evaluate(() => location.hash)).split('/').pop());
  const grant = await apiCall(m, 'GET', `/api/v1/fund/grants/${grantId}`);
  assert.equal(grant.application_id, appId);
  await m.waitForSelector('[data-tranche="1"][data-status="released"]');

  // 5. The disbursement: recorded by the first manager, approved by the second.
  await m.click(`summary:has-text("${en['fundgrants.disb.record']}")`);
  await m.fill('form[data-form="disburse"] input[name="amount"]', '20,000.00');
  await m.fill('form[data-form="disburse"] input[name="bank_reference"]', `TX-${stamp}`);
  await m.click('form[data-form="disburse"] button[type="submit"]');
  await mainHas(m, en['fundgrants.disb.recorded']);
  assert.equal(await m.$('button[data-action="reject"]'), null, 'the recorder is not offered the approval');
  const m2p = m2.page;
  await go(m2p, `#/fundgrants/${grantId}`);
  await m2p.waitForSelector('[data-tranche="1"]');
  await m2p.click(`button:has-text("${en['fundgrants.disb.approve']}")`);
  await m2p.waitForSelector('[data-tranche="1"][data-status="paid"]');
  await axeOk(m2p, 'the grant agreement with its tranches and disbursements');

  // 6. The report: the grantee reports on the first period and submits it.
  await go(p, `#/fundgrants/${grantId}`);
  const rf = 'form[data-form="report"]';
  await p.waitForSelector(rf);
  await p.fill(`${rf} input[name="period_from"]`, day(0));
  await p.fill(`${rf} input[name="period_to"]`, day(110));
  await p.selectOption(`${rf} select[name="b_sex"]`, 'female');
  await p.selectOption(`${rf} select[name="b_form"]`, 'SexualExploitation');
  await p.fill(`${rf} input[name="b_count"]`, '14');
  await p.fill(`${rf} input[name="svc_shelter"]`, '14');
  await p.fill(`${rf} textarea[name="narrative"]`, 'Fourteen women were sheltered; six received legal aid.');
  await axeOk(p, 'the grantee\'s report form');
  await p.click(`${rf} button[data-action="submit"]`);
  await mainHas(p, en['fundgrants.report.submitted']);

  // 7. The second manager accepts it: the second tranche is released.
  await m2p.reload();
  await m2p.waitForSelector(`button:has-text("${en['fundgrants.report.accept']}")`);
  await m2p.click(`button:has-text("${en['fundgrants.report.accept']}")`);
  await m2p.waitForSelector('[data-tranche="2"][data-status="released"]');

  // 8. The statement of the day: balanced, with this grant's award and disbursement in it.
  const today = day(0);
  await go(m, `#/trustfund?tab=statement&from=${today}&to=${today}`);
  await m.waitForSelector('[data-trustfund="statement"] [data-balanced="true"]');
  const st = await apiCall(m, 'GET', `/api/v1/fund/statement?from=${today}&to=${today}`);
  assert.equal(st.balanced, true);
  assert.ok(st.disbursements_cents >= 2000000, JSON.stringify(st));
  assert.ok(st.grant_expense_cents >= 2500050, JSON.stringify(st));
  const award = await apiCall(m, 'GET', `/api/v1/fund/ledger?ref_type=grant&ref_id=${grantId}`);
  assert.equal(award.items.length, 1, JSON.stringify(award));
  assert.equal(award.items[0].kind, 'award');
  const tranches = await apiCall(m, 'GET', `/api/v1/fund/grants/${grantId}/tranches`);
  const t1 = tranches.items.find((x) => x.seq === 1);
  const paid = await apiCall(m, 'GET', `/api/v1/fund/ledger?ref_type=tranche&ref_id=${t1.id}`);
  assert.deepEqual(paid.items.map((e) => e.kind), ['disbursement']);
  const xlsx = await m.getAttribute('a[data-statement-xlsx]', 'href');
  assert.equal(await m.evaluate(async (u) => (await (await fetch(u)).text()).slice(0, 2), xlsx), 'PK');
  const pdf = await m.getAttribute('a[data-statement-pdf]', 'href');
  assert.equal(await m.evaluate(async (u) => (await (await fetch(u)).text()).slice(0, 4), pdf), '%PDF');
  await m.screenshot({ path: join(OUT, 'fundcycle-statement.png'), fullPage: true });
  await axeOk(m, 'the statement');

  // The grantee's grant page in Arabic, right to left.
  await go(p, `#/fundgrants/${grantId}`);
  await p.waitForSelector('[data-tranche="2"]');
  await p.selectOption('#lang', 'ar');
  await p.waitForFunction(() => document.documentElement.dir === 'rtl');
  await p.waitForFunction((x) => document.querySelector('h1')?.textContent.trim().startsWith(x), ar['fundgrants.grant']);
  assert.ok((await p.textContent('main')).includes(ar['fundgrants.report.title']));
  await p.screenshot({ path: join(OUT, 'fundcycle-grant-ar.png'), fullPage: true });
  await p.selectOption('#lang', 'en');
  await p.waitForFunction(() => document.documentElement.lang === 'en');

  assert.deepEqual(consoleErrors, []);
  for (const x of [m1, m2, gr, ta, tb]) await x.context.close();
});
