// Browser test of the Trust Fund's calls pages (issue 8, part A) against a running server
// (environment as cases.test.mjs). A fund manager adds and opens a call with the form; an NGO's
// grantee fills in the organisation's profile, drafts an application with budget lines (one
// request per save), sees every eligibility criterion met and submits it; a trustee scores it
// with the review form while another trustee, who declared a conflict of interest, sees it as
// recused; the manager sees two reviews, the average and the recusal; the grantee's page in
// Arabic, right to left. No console error.
// The board of this throwaway server is made here: trustees already serving are ended today.
// Run: cd tests/browser && node --test fundcalls.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  OUT, SKIP, apiCall, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 240000;
const stamp = testStamp();

const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

function day(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

test('call → NGO application → review, and the page in Arabic', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const nav = '#nav:not([hidden]) a[href="#/fundcalls"]';
  const mgr = await newUserPage(suite.browser, {
    username: `fm_${stamp}`, password: `fund manager passphrase ${stamp}`, role: 'fund_manager', scope: 'all', watch, ready: nav,
  });
  const ngo = await newUserPage(suite.browser, {
    username: `ngo_${stamp}`, password: `grantee passphrase ${stamp}`, role: 'grantee', watch, ready: nav,
  });
  const tr1 = await newUserPage(suite.browser, {
    username: `tra_${stamp}`, password: `trustee passphrase ${stamp}`, role: 'trustee', scope: 'all', watch, ready: nav,
  });
  const tr2 = await newUserPage(suite.browser, {
    username: `trb_${stamp}`, password: `trustee passphrase ${stamp}`, role: 'trustee', scope: 'all', watch, ready: nav,
  });
  const m = mgr.page;

  // The board: the trustees serving on this server end today; two new ones, linked to the users.
  const board = await apiCall(m, 'GET', '/api/v1/fund/board');
  for (const x of board.items.filter((b) => b.serving_now)) {
    await apiCall(m, 'POST', `/api/v1/fund/board/${x.id}/end`, { date: day(0) });
  }
  const t1 = await apiCall(m, 'POST', '/api/v1/fund/board', { name: `Trustee A ${stamp}`, country: 'KEN', user_id: tr1.user.user.id, appointed_on: day(0) });
  const t2 = await apiCall(m, 'POST', '/api/v1/fund/board', { name: `Trustee B ${stamp}`, country: 'BRA', user_id: tr2.user.user.id, appointed_on: day(0) });

  // The manager adds and opens a call with the form.
  await m.evaluate(() => { location.hash = '#/fundcalls'; });
  await m.waitForSelector('[data-serving]');
  assert.equal((await m.textContent('h1')).trim(), en['fundcalls.title']);
  const boardText = await m.textContent('.fund-section:last-of-type');
  assert.ok(boardText.includes(en['fundcalls.group.african']), boardText);
  await m.click(`summary:text("${en['fundcalls.add_call']}")`);
  const title = `Immediate assistance ${stamp}`;
  await m.fill('form[data-form="call"] input[name="title"]', title);
  await m.fill('form[data-form="call"] input[name="opens_on"]', day(-1));
  await m.fill('form[data-form="call"] input[name="closes_on"]', day(30));
  await m.click('form[data-form="call"] button[type="submit"]');
  await m.waitForFunction((x) => document.querySelector('main').textContent.includes(x), title);
  const calls = await apiCall(m, 'GET', '/api/v1/fund/calls');
  const call = calls.items.find((c) => c.title === title);
  await m.click(`button[data-action="open-${call.id}"]`);
  await m.waitForFunction((id) => !document.querySelector(`button[data-action="open-${id}"]`)
    && document.querySelector(`button[data-action="close-${id}"]`), call.id);
  await m.screenshot({ path: join(OUT, 'fundcalls-manager.png'), fullPage: true });

  // The NGO: its profile, then the application, saved as a draft.
  const p = ngo.page;
  await p.evaluate(() => { location.hash = '#/fundcalls'; });
  await p.waitForSelector('form[data-form="org"]');
  await p.fill('form[data-form="org"] input[name="registration_country"]', 'ken');
  await p.fill('form[data-form="org"] input[name="registered_on"]', day(-800));
  await p.fill('form[data-form="org"] input[name="assistance_since"]', day(-700));
  await p.check('form[data-form="org"] input[name="non_profit"]');
  await p.check('form[data-form="org"] input[name="psea"]');
  await p.check('form[data-form="org"] input[name="own_account"]');
  await p.fill('form[data-form="org"] input[name="account_number"]', 'KE00 1234 5678');
  await p.click('form[data-form="org"] button[type="submit"]');
  await p.waitForSelector('.notice, [role="status"]');
  await p.waitForSelector(`a[href="#/fundcalls/apply/${call.id}"]`);
  await p.click(`a[href="#/fundcalls/apply/${call.id}"]`);
  await p.waitForSelector('form[data-form="application"]');
  const appTitle = `Safe house ${stamp}`;
  await p.fill('input[name="title"]', appTitle);
  await p.fill('textarea[name="summary"]', 'Shelter, medical care and legal aid for women and girls.');
  await p.fill('input[name="country"]', 'KEN');
  await p.fill('input[name="duration_months"]', '8');
  await p.fill('input[name="people_women"]', '25');
  await p.fill('input[name="people_girls"]', '5');
  await p.check('input[name="form_sexual_exploitation"]');
  await p.selectOption('select[name="cat_0"]', 'shelter');
  await p.fill('input[name="desc_0"]', 'rent');
  await p.fill('input[name="amount_0"]', '18,000');
  await p.selectOption('select[name="cat_1"]', 'medical');
  await p.fill('input[name="amount_1"]', '7,000.50');
  await p.click('form[data-form="application"] button[type="submit"]');
  await p.waitForFunction(() => /^#\/fundcalls\/applications\/\d+$/.test(location.hash));
  await p.waitForSelector('ul.eligibility');
  assert.equal((await p.textContent('h1')).trim(), appTitle);
  assert.equal(await p.getAttribute('ul.eligibility', 'data-eligible'), 'yes');
  assert.equal(await p.locator('ul.eligibility li[data-met="yes"]').count(), 7);
  assert.ok((await p.textContent('main')).includes('25,000.50'));
  const appId = Number((await p.evaluate(() => location.hash)).split('/').pop());
  await p.screenshot({ path: join(OUT, 'fundcalls-application.png'), fullPage: true });
  await p.click('form[data-form="submit"] button[type="submit"]');
  await p.waitForFunction((x) => document.querySelector('dl.facts')?.textContent.includes(x), en['fundcalls.app_status.submitted']);

  // Trustee B declares a conflict on the NGO; trustee A scores with the form.
  const ngoMe = await apiCall(p, 'GET', '/api/v1/me');
  await apiCall(tr2.page, 'POST', '/api/v1/fund/conflicts', { agency_id: ngoMe.agency_id, note: 'board member' });
  const a = tr1.page;
  await a.evaluate(() => { location.hash = '#/fundcalls'; });
  await a.waitForSelector(`a[href="#/fundcalls/applications/${appId}"]`);
  await a.click(`.fund-section a[href="#/fundcalls/applications/${appId}"]`);
  await a.waitForSelector('form[data-form="review"]');
  for (const [k, v] of [['relevance', '5'], ['capacity', '4'], ['budget', '4'], ['reach', '3']]) {
    await a.selectOption(`form[data-form="review"] select[name="${k}"]`, v);
  }
  await a.fill('form[data-form="review"] textarea[name="comment"]', 'Strong local reach.');
  await a.click('form[data-form="review"] button[type="submit"]');
  await a.waitForSelector('[data-reviews="1"]');
  const b = tr2.page;
  await b.evaluate(() => { location.hash = '#/fundcalls'; });
  await b.waitForSelector('[data-recused]');
  await b.evaluate((id) => { location.hash = `#/fundcalls/applications/${id}`; }, appId);
  await b.waitForFunction((x) => document.querySelector('main').textContent.includes(x), en['fundcalls.you_recused']);
  assert.equal(await b.locator('form[data-form="review"]').count(), 0);

  // The manager sees the review, the average and the recusal, and the decision form.
  await m.evaluate((id) => { location.hash = `#/fundcalls/applications/${id}`; }, appId);
  await m.waitForSelector('[data-reviews="1"]');
  assert.ok((await m.textContent('[data-reviews]')).includes('4.00'));
  assert.equal(await m.getAttribute('[data-recused-count]', 'data-recused-count'), '1');
  await m.waitForSelector('form[data-form="decision"]');
  await m.screenshot({ path: join(OUT, 'fundcalls-review.png'), fullPage: true });
  assert.ok(t1.id && t2.id);

  // The grantee's page in Arabic.
  await p.evaluate(() => { location.hash = '#/fundcalls'; });
  await p.waitForSelector('form[data-form="org"]');
  await p.selectOption('#lang', 'ar');
  await p.waitForFunction(() => document.documentElement.dir === 'rtl');
  await p.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['fundcalls.title']);
  await p.waitForSelector('form[data-form="org"]');
  assert.ok((await p.textContent('main')).includes(ar['fundcalls.app_status.submitted']));
  await p.screenshot({ path: join(OUT, 'fundcalls-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  for (const x of [mgr, ngo, tr1, tr2]) await x.context.close();
});
