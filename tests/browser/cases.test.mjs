// Browser test of the Cases pages against a running server (environment as login.test.mjs:
// CTIS_URL, CTIS_ADMIN_USER, CTIS_ADMIN_PASSWORD, CTIS_ADMIN_TOTP_SECRET; see lib.mjs).
// The administrator holds no case permission, so the test first makes a caseworker through the
// API (POST /api/v1/users, role caseworker, scope agency), signs in as it, changes its one-time
// password and enrols its two-factor (the role requires it). As the caseworker, in English: a
// case is created through the form (names, gender, citizenship, exploitation types, a missing
// state, an approximate date), found in the list and by a name search in another letter case
// without its accent ("jose" finds "José"), opened, edited (only the changed field, If-Match),
// given two trafficking events (shown in date order) and a comment, closed, and its history
// shown. In Arabic the form is right-to-left with Arabic labels. Personal data never appears
// in a URL; nothing leaves the origin; no console error or CSP violation.
// Screenshots: out/cases-*.png. Run: cd tests/browser && node --test cases.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, catalogue, launchBrowser, signIn, totp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 120000;

// Letters only (names are indexed by word): a different family name each run.
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
const GIVEN = 'José';
const FAMILY = `Núñez${stamp}`;
const CW_USER = `cw_${stamp}`;
const CW_PASSWORD = `case worker passphrase ${stamp}`;

let browser;
let context;
let page;
let caseId = null;
let cwId = null;          // the caseworker's user id
const urls = [];          // every request the caseworker's page made
const offOrigin = [];
const consoleErrors = [];
const refusals = [];      // requests refused on purpose: [url, status]

// Opens a route and waits until it is drawn.
async function open(hash, ready) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction((h) => location.hash === h && !document.querySelector('main[aria-busy]')
    && document.querySelector('main h1'), hash);
  if (ready) await page.waitForSelector(ready);
}

// Waits until the element's text is `text` (pages are drawn after the hash changes).
function waitText(selector, text) {
  return page.waitForFunction(([sel, x]) => document.querySelector(sel)?.textContent.trim() === x, [selector, text]);
}

// The message above the page after an action (drawn before the page itself).
const banner = (text) => waitText('#banner', text);

// The value of the first option of a select among those preferred, else its first real option.
async function choose(selector, preferred) {
  const values = await page.$eval(selector, (s) => [...s.options].map((o) => o.value).filter(Boolean));
  assert.ok(values.length, `${selector} has options`);
  const v = preferred.find((p) => values.includes(p)) || values[0];
  await page.selectOption(selector, v);
  return v;
}

before(async () => {
  if (SKIP) return;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();

  // The administrator makes a caseworker in its own agency.
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${BASE}/#/login`);
  await signIn(admin);
  const me = await apiCall(admin, 'GET', '/api/v1/me');
  const made = await apiCall(admin, 'POST', '/api/v1/users', {
    username: CW_USER, display_name: `Caseworker ${stamp}`, agency_id: me.agency.id, role: 'caseworker',
    scope: 'agency',
  });
  assert.ok(made.one_time_password, 'a one-time password for the caseworker');
  await adminCtx.close();

  // The caseworker signs in, changes the one-time password and enrols two-factor.
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('request', (req) => {
    urls.push(req.url());
    if (!req.url().startsWith(`${BASE}/`)) offOrigin.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location().url });
  });
  page.on('pageerror', (err) => consoleErrors.push({ text: `pageerror: ${err.message}`, url: '' }));
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('form input[name="username"]');
  const login = await apiCall(page, 'POST', '/api/v1/session', { username: CW_USER, password: made.one_time_password });
  assert.equal(login.user.username, CW_USER);
  await apiCall(page, 'POST', '/api/v1/me/password', {
    current_password: made.one_time_password, new_password: CW_PASSWORD,
  });
  const setup = await apiCall(page, 'POST', '/api/v1/session/totp/setup', {});
  assert.match(setup.secret, /^[A-Z2-7]+=*$/);
  await apiCall(page, 'POST', '/api/v1/session/totp/confirm', {
    code: totp(setup.secret, Math.floor(Date.now() / 30000)),
  });
  const cw = await apiCall(page, 'GET', '/api/v1/me');
  assert.ok(cw.permissions.includes('case.write'), 'the caseworker may write cases');
  assert.equal(cw.mfa_ok, true);
  cwId = cw.id;
  // The page started signed out: load it again to pick up the session.
  await page.goto(`${BASE}/#/home`);
  await page.reload();
  await page.waitForSelector('#nav:not([hidden]) a[href="#/cases"]');
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
});

test('the Cases entry opens the list, with a New case button', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const link = page.locator('#nav a[href="#/cases"]');
  assert.equal((await link.textContent()).trim(), en['nav.cases']);
  assert.equal(await page.locator('#nav a[href="#/cases"] .badge').count(), 0, 'no longer "soon"');
  await link.click();
  await page.waitForFunction((h1) => document.querySelector('main h1')?.textContent === h1, en['cases.title']);
  await page.waitForSelector('main form[role="search"] input[name="name"]');
  assert.equal((await page.textContent('main a[href="#/cases/new"]')).trim(), en['cases.new']);
});

test('create a case through the form (English)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.click('main a[href="#/cases/new"]');
  await page.waitForSelector('main form.case-form input[name="given_name"]');
  assert.equal(await page.textContent('main h1'), en['cases.new']);
  // Sections, in order.
  const sections = await page.$$eval('main form .case-section h2', (hs) => hs.map((x) => x.textContent));
  assert.deepEqual(sections.slice(0, 4),
    ['person', 'victim', 'case', 'perpetrators'].map((s) => en[`case.section.${s}`]));
  // Labels come from the catalogue.
  assert.equal(await page.textContent('main label[for="cf-given_name"]'), en['case.field.given_name']);
  // A multi field is a group of checkboxes under a legend; a yes/no field three radios.
  assert.equal(await page.textContent('main [data-field="exploitation_types"] legend'),
    en['case.field.exploitation_types']);
  assert.ok(await page.locator('main [data-field="exploitation_types"] input[type="checkbox"]').count() > 0);
  assert.equal(await page.locator('main [data-field="age_estimated"] input[type="radio"]').count(), 3);

  await page.fill('main input[name="given_name"]', GIVEN);
  await page.fill('main input[name="family_name"]', FAMILY);
  const gender = await choose('main select[name="gender"]', ['Feminine', 'Female', 'F']);
  const citizenship = await choose('main select[name="citizenship"]', ['PHL']);
  const types = await page.$$eval('main [data-field="exploitation_types"] input[type="checkbox"]',
    (bs) => bs.map((b) => b.value));
  const chosenTypes = ['ForcedLabour', 'SexualExploitation'].filter((x) => types.includes(x));
  if (!chosenTypes.length) chosenTypes.push(types[0]);
  for (const v of chosenTypes) await page.check(`main [data-field="exploitation_types"] input[value="${v}"]`);
  await page.check('main [data-field="age_estimated"] input[value="true"]');
  // A missing state: the age is unknown (the number input steps aside).
  await page.selectOption('main select[name="age-missing"]', 'unknown');
  assert.equal(await page.isDisabled('main input[name="age"]'), true);
  // A multi-select known to hold none of its codes: [].
  await page.selectOption('main select[name="recruitment_methods-missing"]', 'none');

  // An approximate date that is not one is refused next to its field.
  await page.fill('main input[name="birth_date"]', '1990-13');
  await page.click('main form.case-form button[type="submit"]');
  await page.waitForSelector('main [data-field="birth_date"] .field-error:not(:empty)');
  assert.equal((await page.textContent('main [data-field="birth_date"] .field-error')).trim(), en['case.date_invalid']);
  assert.equal(await page.getAttribute('main input[name="birth_date"]', 'aria-invalid'), 'true');
  await page.fill('main input[name="birth_date"]', '1990-04');

  const posted = page.waitForRequest((r) => r.url() === `${BASE}/api/v1/cases` && r.method() === 'POST');
  await page.click('main form.case-form button[type="submit"]');
  const body = JSON.parse((await posted).postData());
  assert.equal(body.restricted, false);
  assert.deepEqual(body.fields.age, { missing: 'unknown' });
  assert.equal(body.fields.age_estimated, true);
  assert.equal(body.fields.given_name, GIVEN);
  assert.equal(body.fields.birth_date, '1990-04');
  assert.deepEqual([...body.fields.exploitation_types].sort(), [...chosenTypes].sort());
  assert.deepEqual(body.fields.recruitment_methods, []);
  assert.ok(!('middle_name' in body.fields), 'fields left empty are not sent');

  await page.waitForFunction(() => /^#\/cases\/\d+$/.test(location.hash));
  caseId = (await page.evaluate(() => location.hash)).split('/')[2];
  await page.waitForSelector('main .case-page dd[data-field="given_name"]');
  assert.equal(await page.textContent('main h1'), en['case.title'].replace('{id}', caseId));
  assert.equal((await page.textContent('#banner')).trim(), en['case.created'].replace('{id}', caseId));
  assert.equal(await page.textContent('main dd[data-field="given_name"]'), GIVEN);
  assert.equal(await page.textContent('main dd[data-field="family_name"]'), FAMILY);
  assert.equal(await page.textContent('main dd[data-field="age"]'), en['case.missing.unknown']);
  assert.equal(await page.textContent('main dd[data-field="recruitment_methods"]'), en['case.none_of_them']);
  // Codes show as their labels (from the vocabulary), not as codes.
  const genderShown = await page.textContent('main dd[data-field="gender"]');
  const citizenshipShown = await page.textContent('main dd[data-field="citizenship"]');
  assert.ok(genderShown && genderShown !== en['case.not_recorded']);
  assert.ok(citizenshipShown && citizenshipShown !== citizenship, `citizenship shown as a label: ${citizenshipShown}`);
  assert.ok(gender);
  await page.screenshot({ path: join(OUT, 'cases-detail-en.png'), fullPage: true });
});

test('the case is in the list', { skip: SKIP, timeout: TIMEOUT }, async () => {
  assert.ok(caseId, 'a case was created');
  await open('#/cases', 'main .results');
  let found = false;
  for (let i = 0; i < 50 && !found; i++) {
    found = (await page.locator(`main .results a[href="#/cases/${caseId}"]`).count()) > 0;
    if (!found) {
      const next = page.locator('main .pager a', { hasText: en['common.next'] });
      if (!(await next.count())) break;
      await next.click();
      await page.waitForFunction((n) => new URLSearchParams(location.hash.split('?')[1]).get('offset') === String(n),
        (i + 1) * 50);
      await page.waitForSelector('main .results');
    }
  }
  assert.ok(found, `case ${caseId} is in the list`);
  const row = page.locator('main .results tr', { has: page.locator(`a[href="#/cases/${caseId}"]`) });
  assert.match(await row.textContent(), new RegExp(`${GIVEN} ${FAMILY}`));
  assert.match(await row.textContent(), new RegExp(en['case.status.Active']));
});

test('search by name: "jose" finds "José"; no name in a URL', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await open('#/cases', 'main form[role="search"]');
  await page.fill('main form[role="search"] input[name="name"]', 'jose');
  const searched = page.waitForRequest((r) => r.url() === `${BASE}/api/v1/cases/search` && r.method() === 'POST');
  await page.click('main form[role="search"] button[type="submit"]');
  assert.equal(JSON.parse((await searched).postData()).name, 'jose');
  await page.waitForSelector('main .results .count');
  let link = page.locator(`main .results a[href="#/cases/${caseId}"]`);
  for (let i = 0; i < 20 && !(await link.count()); i++) {
    const more = page.locator('main .results button', { hasText: en['common.more'] });
    if (!(await more.count())) break;
    const before = await page.locator('main .results tbody tr').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('main .results tbody tr').length > n, before);
    link = page.locator(`main .results a[href="#/cases/${caseId}"]`);
  }
  assert.ok(await link.count(), 'the case is found by "jose"');

  // The family name in capitals and without its accents finds exactly this case.
  const plain = FAMILY.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  await page.fill('main form[role="search"] input[name="name"]', plain);
  await page.click('main form[role="search"] button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('main .results .count')
    && document.querySelectorAll('main .results tbody tr').length === 1);
  assert.equal(await page.locator(`main .results a[href="#/cases/${caseId}"]`).count(), 1);
  await page.screenshot({ path: join(OUT, 'cases-search-en.png'), fullPage: true });
  const leaked = urls.filter((u) => /jos|n%C3%BA|nunez|núñez/i.test(decodeURIComponent(u)) || u.includes(stamp));
  assert.deepEqual(leaked, [], 'no personal data in a URL');
});

test('open the case, edit one field (only it is sent, If-Match)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.click(`main .results a[href="#/cases/${caseId}"]`);
  await waitText('main h1', en['case.title'].replace('{id}', caseId));
  const version = await page.evaluate((label) => [...document.querySelectorAll('main .facts dt')]
    .find((dt) => dt.textContent === label)?.nextElementSibling?.textContent, en['case.version']);
  assert.match(version, /^\d+$/);
  await page.click(`main a[href="#/cases/${caseId}/edit"]`);
  await page.waitForSelector('main form.case-form input[name="given_name"]');
  assert.equal(await page.inputValue('main input[name="given_name"]'), GIVEN);
  assert.equal(await page.inputValue('main select[name="age-missing"]'), 'unknown');
  assert.equal(await page.inputValue('main select[name="recruitment_methods-missing"]'), 'none');
  await page.fill('main input[name="middle_name"]', 'Maria');
  const patched = page.waitForRequest((r) => r.url() === `${BASE}/api/v1/cases/${caseId}` && r.method() === 'PATCH');
  await page.click('main form.case-form button[type="submit"]');
  const req = await patched;
  assert.deepEqual(JSON.parse(req.postData()), { fields: { middle_name: 'Maria' } });
  assert.equal(req.headers()['if-match'], `"${version.trim()}"`);
  await page.waitForFunction((id) => location.hash === `#/cases/${id}`, caseId);
  await page.waitForSelector('main dd[data-field="middle_name"]');
  assert.equal(await page.textContent('main dd[data-field="middle_name"]'), 'Maria');
  assert.equal((await page.textContent('#banner')).trim(), en['case.saved']);
});

test('add trafficking events (a timeline in date order) and a comment', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const events = page.locator('main section[aria-labelledby="case-events"]');
  await events.locator('summary').click();
  const form = events.locator('form');
  // Added out of order: the later one first.
  for (const [type, country, place, date] of [
    ['Exploitation', 'THA', 'Bangkok', '2019-06'], ['Recruitment', 'PHL', 'Manila', '2019-03-15']]) {
    await form.locator('select[name="type"]').selectOption(type);
    const values = await form.locator('select[name="country"] option').evaluateAll((os) => os.map((o) => o.value));
    if (values.includes(country)) await form.locator('select[name="country"]').selectOption(country);
    await form.locator('input[name="place"]').fill(place);
    await form.locator('input[name="date"]').fill(date);
    await form.locator('textarea[name="description"]').fill(`${type} in ${place}`);
    const n = await events.locator('ol.timeline > li').count();
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction((k) => document.querySelectorAll('main ol.timeline > li').length === k, n + 1);
  }
  const items = await events.locator('ol.timeline > li').allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], new RegExp(en['case.event.type.Recruitment']));
  assert.match(items[0], /Manila/);
  assert.match(items[1], new RegExp(en['case.event.type.Exploitation']));
  assert.equal(await events.locator('ol.timeline').getAttribute('aria-labelledby'), 'case-events');
  assert.equal(await events.locator('ol.timeline > li time').first().getAttribute('datetime'), '2019-03-15');

  const comments = page.locator('main section[aria-labelledby="case-comments"]');
  await comments.locator('textarea[name="body"]').fill('First interview held with an interpreter.');
  await comments.locator('button[type="submit"]').click();
  await comments.locator('li.comment', { hasText: 'First interview held with an interpreter.' }).waitFor();
  assert.equal(await comments.locator('textarea[name="body"]').inputValue(), '');
});

test('close the case, then see its history', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const actions = page.locator('main section[aria-labelledby="case-actions"]');
  await actions.locator('summary', { hasText: en['case.close'] }).click();
  const form = actions.locator('details', { hasText: en['case.close_reason'] }).locator('form');
  await form.locator('select[name="status"]').selectOption('Closed');
  await form.locator('textarea[name="reason"]').fill('Returned home safely.');
  const closed = page.waitForRequest((r) => r.url() === `${BASE}/api/v1/cases/${caseId}/close`);
  await form.locator('button[type="submit"]').click();
  const req = await closed;
  assert.equal(JSON.parse(req.postData()).status, 'Closed');
  assert.ok(req.headers()['if-match'], 'If-Match sent');
  await banner(en['case.closed_done']);
  await waitText('main .case-badges .badge', en['case.status.Closed']);
  assert.equal(await actions.locator('button', { hasText: en['case.reopen'] }).count(), 1, 'it can be reopened');

  const history = page.locator('main section[aria-labelledby="case-history"]');
  await history.locator('table').waitFor();
  const text = await history.textContent();
  for (const action of ['create', 'update', 'close']) {
    assert.match(text, new RegExp(en[`case.action.${action}`]), `history shows ${action}`);
  }
  assert.match(text, new RegExp(en['case.field.middle_name']), 'the changed field is named');
  await page.screenshot({ path: join(OUT, 'cases-closed-en.png'), fullPage: true });
});

// A wrong owner is refused by the server next to the field.
test('reopen, assign, restrict and lift it', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const actions = () => page.locator('main section[aria-labelledby="case-actions"]');
  await actions().locator('button', { hasText: en['case.reopen'] }).click();
  await banner(en['case.reopened']);
  await waitText('main .case-badges .badge', en['case.status.Active']);

  // The caseworker may not read users: the new owner is typed as an id.
  await actions().locator('summary', { hasText: en['case.assign'] }).click();
  const assign = actions().locator('details', { hasText: en['case.owner_id'] }).locator('form');
  await assign.locator('input[name="owner_id"]').fill('1');
  refusals.push([`${BASE}/api/v1/cases/${caseId}/assign`, 400]);
  await assign.locator('button[type="submit"]').click();
  await assign.locator('.field-error:not(:empty)').waitFor();
  assert.equal(await assign.locator('input[name="owner_id"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'owner_id', 'focus on the refused field');
  await assign.locator('input[name="owner_id"]').fill(String(cwId));
  await assign.locator('button[type="submit"]').click();
  await banner(en['case.assigned']);
  await page.waitForFunction(() => !document.querySelector('main details[open]')); // drawn again

  await actions().locator('button', { hasText: en['case.restrict'] }).click();
  await banner(en['case.restricted_done']);
  assert.equal(await page.textContent('main .case-badges .badge-restricted'), en['case.restricted']);
  await actions().locator('button', { hasText: en['case.unrestrict'] }).click();
  await banner(en['case.unrestricted_done']);
  await page.waitForFunction(() => !document.querySelector('main .case-badges .badge-restricted'));
  assert.equal(await actions().locator('button', { hasText: en['case.restrict'] }).count(), 1);
});

test('an edit overtaken by someone else (412) says so, shows theirs', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await open(`#/cases/${caseId}/edit`, 'main form.case-form input[name="middle_name"]');
  // Someone else changes the case meanwhile.
  const current = await apiCall(page, 'GET', `/api/v1/cases/${caseId}`);
  await page.evaluate(async ([id, version]) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|;\s*)ctis_csrf=([^;]*)/) || [])[1] || '');
    const res = await fetch(`/api/v1/cases/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'If-Match': `"${version}"` },
      body: JSON.stringify({ fields: { referring_organisation: 'Shelter North' } }),
    });
    if (!res.ok) throw new Error(`PATCH: ${res.status}`);
  }, [caseId, (current.case || current).version]);
  await page.fill('main input[name="middle_name"]', 'Mariana');
  refusals.push([`${BASE}/api/v1/cases/${caseId}`, 412]);
  const answer = page.waitForResponse((r) => r.url() === `${BASE}/api/v1/cases/${caseId}`
    && r.request().method() === 'PATCH');
  await page.click('main form.case-form button[type="submit"]');
  assert.equal((await answer).status(), 412);
  await page.waitForSelector('main .notice-warning');
  assert.equal((await page.textContent('main .notice-warning')).trim(), en['case.conflict_form']);
  assert.equal(await page.inputValue('main input[name="referring_organisation"]'), 'Shelter North');
  assert.equal(await page.inputValue('main input[name="middle_name"]'), 'Maria');
});

test('a field error from the server shows under that field', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await open('#/cases/new', 'main form.case-form input[name="family_name"]');
  await page.route(`${BASE}/api/v1/cases`, (route) => (route.request().method() === 'POST'
    ? route.fulfill({
      status: 400, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid', message: 'family_name: too long', field: 'family_name' } }),
    })
    : route.continue()));
  try {
    await page.fill('main input[name="family_name"]', 'Example');
    refusals.push([`${BASE}/api/v1/cases`, 400]);
    await page.click('main form.case-form button[type="submit"]');
    await page.waitForSelector('main [data-field="family_name"] .field-error:not(:empty)');
    assert.match(await page.textContent('main [data-field="family_name"] .field-error'), /family_name: too long/);
    assert.equal(await page.getAttribute('main input[name="family_name"]', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'family_name');
  } finally {
    await page.unroute(`${BASE}/api/v1/cases`);
  }
});

test('Arabic: the case form is right-to-left with Arabic labels', { skip: SKIP, timeout: TIMEOUT }, async () => {
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await open('#/cases/new', 'main form.case-form input[name="given_name"]');
  await page.waitForFunction((h1) => document.querySelector('main h1')?.textContent === h1, ar['cases.new']);
  const state = await page.evaluate(() => ({
    dir: document.documentElement.dir,
    formDirection: getComputedStyle(document.querySelector('main form.case-form')).direction,
    given: document.querySelector('main label[for="cf-given_name"]').textContent,
    types: document.querySelector('main [data-field="exploitation_types"] legend').textContent,
    section: document.querySelector('main form .case-section h2').textContent,
    submit: document.querySelector('main form.case-form button[type="submit"]').textContent,
    // Vocabulary labels come from the server in the page's language.
    feminine: document.querySelector('main select[name="gender"] option[value="Feminine"]')?.textContent ?? null,
    // The form's start edge is on the right.
    rightAligned: (() => {
      const label = document.querySelector('main label[for="cf-given_name"]').getBoundingClientRect();
      const input = document.querySelector('main input[name="given_name"]').getBoundingClientRect();
      return Math.abs(label.right - input.right) < 2;
    })(),
  }));
  assert.equal(state.dir, 'rtl');
  assert.equal(state.formDirection, 'rtl');
  assert.equal(state.given, ar['case.field.given_name']);
  assert.equal(state.types, ar['case.field.exploitation_types']);
  assert.equal(state.section, ar['case.section.person']);
  assert.equal(state.submit, ar['cases.create']);
  assert.ok(state.rightAligned, 'labels and fields start at the right');
  if (state.feminine !== null) assert.match(state.feminine, /[\u0600-\u06FF]/, 'the gender label is Arabic');
  await page.screenshot({ path: join(OUT, 'cases-form-ar.png'), fullPage: true });

  // The case page too.
  await open(`#/cases/${caseId}`, 'main section[aria-labelledby="case-events"] ol.timeline');
  assert.equal(await page.textContent('main h1'), ar['case.title'].replace('{id}', caseId));
  assert.equal(await page.textContent('main #case-events'), ar['case.events']);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main ol.timeline')).direction),
    'rtl');
  await page.screenshot({ path: join(OUT, 'cases-detail-ar.png'), fullPage: true });
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('nothing left the origin, and no console errors or CSP violations', { skip: SKIP }, () => {
  assert.deepEqual(offOrigin, []);
  // The browser logs the requests the tests had refused on purpose.
  const errors = consoleErrors.filter((e) => !refusals.some(([url, status]) => e.url === url
    && e.text.includes(`status of ${status}`)));
  assert.deepEqual(errors, []);
});
