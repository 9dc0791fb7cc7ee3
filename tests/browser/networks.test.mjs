// Browser test of the candidate networks page (issue 7, part G) against a running server
// (environment as cases.test.mjs): an investigator records one phone in two investigations, opens
// #/networks, chooses the network joining them and sees its graph in SVG (a node per type shape,
// the phone once, a node's label on focus, the download links); then in Arabic, right to left.
// No console error. Run: cd tests/browser && node --test networks.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BASE, OUT, SKIP, apiCall, browserSuite, catalogue, newUserPage, testStamp,
} from './lib.mjs';

const en = catalogue('en');
const ar = catalogue('ar');
const TIMEOUT = 90000;
const stamp = testStamp();

const suite = browserSuite({ ignoreHttp4xx: true });
const { consoleErrors, watch } = suite;

test('an investigator draws the network joining two investigations (en, ar)', { skip: SKIP, timeout: TIMEOUT }, async () => {
  const { context, page } = await newUserPage(suite.browser, {
    username: `net_${stamp}`, password: `networks passphrase ${stamp}`, role: 'investigator', watch,
  });
  const phone = `+44 7700 ${String(Date.now() % 1000000).padStart(6, '0')}`;
  const refs = [`NET/${stamp}/1`, `NET/${stamp}/2`];
  for (const reference of refs) {
    const inv = await apiCall(page, 'POST', '/api/v1/investigations', { reference, country: 'GBR' });
    await apiCall(page, 'POST', `/api/v1/investigations/${inv.id}/entities`, { kind: 'phone', value: phone });
    await apiCall(page, 'POST', `/api/v1/investigations/${inv.id}/suspects`, { kind: 'natural', name: `Vexhollow ${stamp}` });
  }
  // Which rank the network has (other tests share the server).
  const list = await apiCall(page, 'GET', '/api/v1/link/networks');
  let id = 0;
  for (const n of list.items) {
    const net = await apiCall(page, 'GET', `/api/v1/link/networks/${n.id}`);
    if (net.node_list.some((x) => x.label === refs[0])) id = n.id;
  }
  assert.ok(id > 0, JSON.stringify(list));

  assert.ok((await page.textContent('#nav')).includes(en['nav.networks']));
  await page.evaluate(() => { location.hash = '#/networks'; });
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, en['networks.title']);
  await page.click(`main table a[href="#/networks?network=${id}"]`);
  await page.waitForSelector('svg.net-graph g.net-nodes g.net-node');
  const types = await page.$$eval('svg.net-graph g.net-nodes g.net-node', (gs) => gs.map((g) => g.getAttribute('class')));
  assert.equal(types.filter((c) => c.includes('net-investigation')).length, 2);
  assert.equal(types.filter((c) => c.includes('net-entity')).length, 1); // the phone, once
  assert.equal(types.filter((c) => c.includes('net-suspect')).length, 2);
  assert.ok(types.some((c) => c.includes('net-place')));
  await page.focus('svg.net-graph g.net-investigation');
  const focused = await page.textContent('.net-focus');
  assert.ok(refs.some((r) => focused.includes(r)), focused);
  const text = await page.textContent('main');
  assert.ok(!text.includes('Vexhollow') && !text.includes('7700'), 'no name or value on the page');
  assert.ok(await page.$(`a[href="/api/v1/link/networks/${id}/graphml"]`));
  assert.ok(await page.$(`a[href="/api/v1/link/networks/${id}/csv"]`));
  await page.screenshot({ path: join(OUT, 'networks.png'), fullPage: true });
  await page.fill('input[name="min_size"]', '100000');
  await page.click(`form button:has-text("${en['networks.apply']}")`);
  await page.waitForFunction((x) => document.querySelector('main .empty')?.textContent.trim() === x, en['networks.none']);

  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.evaluate(() => { location.hash = '#/home'; });
  await page.evaluate((n) => { location.hash = `#/networks?network=${n}`; }, id);
  await page.waitForFunction((x) => document.querySelector('h1')?.textContent.trim() === x, ar['networks.title']);
  await page.waitForSelector('svg.net-graph');
  assert.ok((await page.textContent('.net-legend')).includes(ar['networks.type.investigation']));
  await page.screenshot({ path: join(OUT, 'networks-ar.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
