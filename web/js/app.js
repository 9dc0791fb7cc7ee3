// app: the shell. Loads the language, finds out who is signed in (GET /api/v1/me), draws the
// navigation the user's permissions allow, and routes location.hash (#/users/12?offset=50)
// to a view. Views are modules in views/ exporting render(ctx) -> Node.
import { api, cookie } from './api.js';
import { h, errorBlock, page, notice } from './dom.js';
import { LANGS, LANG_NAMES, initialLang, setLang, t, currentLang } from './i18n.js';
import * as login from './views/login.js';
import * as home from './views/home.js';
import * as users from './views/users.js';
import * as agencies from './views/agencies.js';
import * as roles from './views/roles.js';
import * as audit from './views/audit.js';
import * as account from './views/account.js';
import * as totp from './views/totp.js';
import * as soon from './views/soon.js';
import * as cases from './views/cases.js';
import * as caseView from './views/case.js';
import * as caseForm from './views/caseform.js';
import * as retention from './views/retention.js';
import * as referral from './views/referral.js';
import * as screening from './views/screening.js';
import * as myWork from './views/mywork.js';
import * as report from './views/report.js';
import * as published from './views/published.js'; // issue 6, item 4: the public dashboard
import * as intake from './views/intake.js';
import * as coop from './views/coop.js'; // issue 5, part J6
import * as caselaw from './views/caselaw.js';
import * as justice from './views/justice.js';
import * as flows from './views/flows.js'; // issue 6, part S1
import * as glotip from './views/glotip.js'; // issue 6, item 6
import * as statistics from './views/statistics.js'; // issue 6, item 7
import * as networks from './views/networks.js'; // issue 7, part G
import * as linkage from './views/linkage.js'; // issue 7, item 3: runs and the review queue
import * as fund from './views/fund.js'; // issue 8, part L: the Trust Fund
import * as fundcalls from './views/fundcalls.js'; // issue 8, part A: board, calls, applications, reviews
import * as plan from './views/plan.js'; // issue 9, item 1: the Plan of Action as data
import * as planpractices from './views/planpractices.js'; // issue 9, part K: good practices
import * as planreport from './views/planreport.js'; // issue 9, part K: the implementation report
import * as planratify from './views/planratify.js'; // issue 9, part R: the ratification register
import * as planpartners from './views/planpartners.js'; // issue 9, part R: partnerships
import * as plannap from './views/plannap.js'; // issue 9, part N: national action plans
import * as planprevent from './views/planprevent.js'; // issue 9, part N: prevention
import * as fundgrants from './views/fundgrants.js'; // issue 8, part G: grants, disbursements, reports

// Navigation: each entry needs one permission (the names of src/auth/auth.c); Home and
// My account are for everyone signed in. Parts still to come show a "not yet available" page.
const NAV = [
  { path: 'home', key: 'nav.home' },
  { path: 'my-work', key: 'nav.my_work', perm: 'task.read', badge: 'overdue' },
  { path: 'cases', key: 'nav.cases', perm: 'case.read' },
  { path: 'intake', key: 'nav.intake', perm: 'intake.triage' },
  { path: 'referrals', key: 'nav.referrals', perm: 'referral.read' },
  { path: 'providers', key: 'nav.providers', perm: ['referral.read', 'provider.manage'] },
  { path: 'justice', key: 'nav.justice', perm: 'justice.read' }, // issue 5: investigations
  { path: 'court-decisions', key: 'nav.caselaw', perm: 'justice.read' }, // issue 5 part J3
  { path: 'cooperation', key: 'nav.cooperation', perm: 'justice.read' },
  { path: 'flows', key: 'nav.flows', perm: 'stats.read' }, // issue 6, part S1
  { path: 'statistics', key: 'nav.statistics', perm: 'stats.read' }, // issue 6, item 7: the dashboard
  { path: 'unodc-data', key: 'nav.glotip', perm: ['stats.read', 'case.write'] }, // issue 6, item 6
  { path: 'linkage', key: 'nav.linkage', perm: 'link.run' },
  { path: 'networks', key: 'nav.networks', perm: 'link.run' }, // issue 7, part G
  { path: 'trustfund', key: 'nav.trustfund', perm: 'fund.read' }, // issue 8, part L: the Trust Fund
  { path: 'fundcalls', key: 'nav.fundcalls', perm: ['fund.read', 'fund.apply'] }, // issue 8, part A
  { path: 'fundgrants', key: 'nav.fundgrants', perm: ['fund.read', 'fund.apply'] }, // issue 8, part G
  { path: 'plan', key: 'nav.plan', perm: 'plan.read', sub: /^plan-/ }, // issue 9, item 1 (sub: the Plan's other pages, part K)
  { path: 'users', key: 'nav.users', perm: 'user.read' },
  { path: 'agencies', key: 'nav.agencies', perm: 'agency.read' },
  { path: 'roles', key: 'nav.roles', perm: 'role.read' },
  { path: 'audit', key: 'nav.audit', perm: 'audit.read' },
  { path: 'retention', key: 'nav.retention', perm: 'case.purge' },
  { path: 'account', key: 'nav.account' },
];

// Routes: the first whose pattern matches the hash path wins.
const ROUTES = [
  { re: /^login$/, view: login, pub: true },
  { re: /^home$/, view: home },
  { re: /^my-work$/, view: myWork, perm: 'task.read' },
  { re: /^report$/, view: report, pub: true },
  { re: /^published$/, view: published, pub: true }, // issue 6, item 4
  { re: /^intake$/, view: intake, perm: 'intake.triage' },
  { re: /^cooperation$/, view: coop, fn: 'renderList', perm: 'justice.read' },
  { re: /^cooperation\/(\d+)$/, view: coop, fn: 'renderDetail', perm: 'justice.read' },
  { re: /^users$/, view: users, fn: 'renderList', perm: 'user.read' },
  { re: /^users\/new$/, view: users, fn: 'renderNew', perm: 'user.manage' },
  { re: /^users\/(\d+)$/, view: users, fn: 'renderDetail', perm: 'user.read' },
  { re: /^agencies$/, view: agencies, fn: 'renderList', perm: 'agency.read' },
  { re: /^agencies\/new$/, view: agencies, fn: 'renderNew', perm: 'agency.manage' },
  { re: /^agencies\/(\d+)$/, view: agencies, fn: 'renderDetail', perm: 'agency.read' },
  { re: /^roles$/, view: roles, fn: 'renderList', perm: 'role.read' },
  { re: /^roles\/new$/, view: roles, fn: 'renderNew', perm: 'role.manage' },
  { re: /^roles\/(\d+)$/, view: roles, fn: 'renderDetail', perm: 'role.read' },
  { re: /^cases$/, view: cases, fn: 'renderList', perm: 'case.read' },
  { re: /^cases\/new$/, view: caseForm, fn: 'renderNew', perm: 'case.write' },
  { re: /^cases\/(\d+)$/, view: caseView, perm: 'case.read' },
  { re: /^cases\/(\d+)\/edit$/, view: caseForm, fn: 'renderEdit', perm: 'case.write' },
  { re: /^referrals$/, view: referral, fn: 'renderReferrals', perm: 'referral.read' },
  { re: /^providers$/, view: referral, fn: 'renderProviders', perm: ['referral.read', 'provider.manage'] },
  { re: /^cases\/(\d+)\/screening$/, view: screening, perm: 'case.read' }, // part S
  // Issue 5 part J3: court decisions (case law).
  { re: /^court-decisions$/, view: caselaw, fn: 'renderSearch', perm: 'justice.read' },
  { re: /^court-decisions\/new$/, view: caselaw, fn: 'renderNew', perm: 'justice.write' },
  { re: /^court-decisions\/(\d+)$/, view: caselaw, fn: 'renderDetail', perm: 'justice.read' },
  { re: /^justice$/, view: justice, fn: 'renderList', perm: 'justice.read' }, // issue 5, part J1
  { re: /^justice\/(\d+)$/, view: justice, fn: 'renderDetail', perm: 'justice.read' },
  { re: /^flows$/, view: flows, perm: 'stats.read' }, // issue 6, part S1
  { re: /^unodc-data$/, view: glotip, perm: ['stats.read', 'case.write'] }, // issue 6, item 6
  { re: /^statistics$/, view: statistics, perm: 'stats.read' }, // issue 6, item 7
  { re: /^networks$/, view: networks, perm: 'link.run' }, // issue 7, part G
  { re: /^linkage$/, view: linkage, perm: 'link.run' }, // issue 7, item 3
  { re: /^trustfund$/, view: fund, perm: 'fund.read' }, // issue 8, part L
  // Issue 8, part A: the Trust Fund's calls, applications, reviews and decisions.
  { re: /^fundcalls$/, view: fundcalls, perm: ['fund.read', 'fund.apply'] },
  { re: /^fundcalls\/apply\/(\d+)$/, view: fundcalls, fn: 'renderApply', perm: 'fund.apply' },
  { re: /^fundcalls\/applications\/(\d+)$/, view: fundcalls, fn: 'renderApplication', perm: ['fund.read', 'fund.apply'] },
  { re: /^plan$/, view: plan, perm: 'plan.read' }, // issue 9, item 1
  // Issue 9, part K: good practices and the implementation report (NAV-less: the Plan's tab bar).
  { re: /^plan-practices$/, view: planpractices, fn: 'renderSearch', perm: 'plan.read' },
  { re: /^plan-practices\/new$/, view: planpractices, fn: 'renderNew', perm: 'plan.write' },
  { re: /^plan-practices\/(\d+)$/, view: planpractices, fn: 'renderDetail', perm: 'plan.read' },
  { re: /^plan-report$/, view: planreport, perm: 'plan.read' },
  { re: /^plan-ratifications$/, view: planratify, perm: 'plan.read' }, // issue 9, part R
  { re: /^plan-partners$/, view: planpartners, perm: 'plan.read' }, // issue 9, part R
  { re: /^plan-naps$/, view: plannap, perm: 'plan.read' }, // issue 9, part N
  { re: /^plan-prevention$/, view: planprevent, perm: 'plan.read' }, // issue 9, part N
  { re: /^fundgrants$/, view: fundgrants, perm: ['fund.read', 'fund.apply'] }, // issue 8, part G
  { re: /^fundgrants\/(\d+)$/, view: fundgrants, fn: 'renderDetail', perm: ['fund.read', 'fund.apply'] },
  { re: /^audit$/, view: audit, perm: 'audit.read' },
  { re: /^retention$/, view: retention, perm: 'case.purge' },
  { re: /^account$/, view: account },
  { re: /^account\/totp$/, view: totp },
  ...NAV.filter((n) => n.soon).map((n) => ({ re: new RegExp(`^${n.path}$`), view: soon, nav: n, perm: n.perm })),
];

const state = {
  me: null, meLoaded: false, renderSeq: 0, firstRender: true, meta: null, flash: null, shown: null, overdue: 0, overdueAt: 0,
};

// The landing page: my work for those who have tasks, else home.
function landing() {
  return allowed('task.read') ? 'my-work' : 'home';
}

// The overdue count for the navigation badge, fetched at most once a minute (the my-work page
// reports it fresh through the ctis:overdue event).
async function refreshOverdue(activePath) {
  if (!allowed('task.read') || pendingStep() || Date.now() - state.overdueAt < 60000) return;
  state.overdueAt = Date.now();
  try {
    const w = await api.get('/api/v1/my-work');
    state.overdue = (w.counts && w.counts.overdue) || 0;
    drawNav(activePath);
  } catch {
    // the badge is a convenience: leave it as it was
  }
}

// True when the signed-in user holds the permission (or none is needed).
export function allowed(perm) {
  if (!perm) return true;
  if (Array.isArray(perm)) return perm.some(allowed); // any of them
  return Boolean(state.me && (state.me.permissions || []).includes(perm));
}

// Before anything else the server insists on a new password, then on two-factor setup.
function pendingStep() {
  const me = state.me;
  if (!me) return null;
  if (me.must_change_password) return 'account';
  if (me.mfa_required && !me.mfa_ok) return 'account/totp';
  return null;
}

export function navigate(path) {
  const target = `#/${path}`;
  if (location.hash === target) route();
  else location.hash = target;
}

async function loadMe() {
  // No CSRF cookie means no session: skip the request (and its 401) on a fresh start.
  if (!cookie('ctis_csrf')) {
    state.me = null;
    state.meLoaded = true;
    return null;
  }
  try {
    state.me = await api.get('/api/v1/me', { quiet401: true });
  } catch (e) {
    state.me = null;
    if (e.status !== 401) throw e;
  } finally {
    state.meLoaded = true;
  }
  return state.me;
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = decodeURIComponent(q < 0 ? raw : raw.slice(0, q));
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { path, query };
}

// Shell texts: elements with data-i18n="key" get the text; data-i18n-attr="attr:key,...".
function translateShell() {
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
  const sel = document.getElementById('lang');
  sel.value = currentLang();
}

function drawLangSwitch() {
  const sel = document.getElementById('lang');
  sel.replaceChildren(...LANGS.map((code) => h('option', { value: code, lang: code }, LANG_NAMES[code])));
  sel.value = currentLang();
  sel.addEventListener('change', async () => {
    try {
      await setLang(sel.value);
    } catch (e) {
      showBanner(errorBlock({ code: 'network' }));
      sel.value = currentLang();
    }
  });
}

function drawNav(activePath) {
  const nav = document.getElementById('nav');
  const toggle = document.getElementById('nav-toggle');
  const list = document.getElementById('nav-list');
  if (!state.me) {
    nav.hidden = true;
    toggle.hidden = true;
    list.replaceChildren();
    return;
  }
  nav.hidden = false;
  toggle.hidden = false;
  const top = activePath.split('/')[0];
  // Until the server's first steps are done (new password, two-factor) only they are open.
  const pending = pendingStep();
  const items = NAV.filter((n) => (pending ? n.path === 'account' : allowed(n.perm))).map((n) => {
    const current = n.path === top || Boolean(n.sub && n.sub.test(top));
    return h('li', { class: n.soon ? 'nav-soon' : null },
      h('a', { href: `#/${n.path}`, 'aria-current': current ? 'page' : null }, t(n.key),
        n.soon ? h('span', { class: 'badge' }, t('nav.soon')) : null,
        n.badge && state.overdue > 0 ? h('span', { class: 'badge badge-overdue', 'data-nav-overdue': '' },
          h('span', { 'aria-hidden': 'true' }, String(state.overdue)),
          h('span', { class: 'visually-hidden' }, t('mywork.overdue_count', { n: state.overdue }))) : null));
  });
  list.replaceChildren(...items);
}

function drawUser() {
  const who = document.getElementById('whoami');
  const out = document.getElementById('logout');
  if (state.me) {
    who.textContent = state.me.display_name || state.me.username;
    who.hidden = false;
    out.hidden = false;
  } else {
    who.textContent = '';
    who.hidden = true;
    out.hidden = true;
  }
}

function showBanner(node) {
  const banner = document.getElementById('banner');
  banner.replaceChildren(...(node ? [node] : []));
  banner.hidden = !node;
}

// A flash (the outcome of the last action) stays while the page it was shown on is the one on
// screen, however often that page is drawn again; it goes at the next page.
function drawBanner() {
  if (state.flash) {
    state.shown = { node: state.flash, hash: location.hash };
    state.flash = null;
  }
  if (state.shown && state.shown.hash !== location.hash) state.shown = null;
  if (state.shown) {
    showBanner(state.shown.node);
  } else if (state.me && state.me.must_change_password) {
    showBanner(notice('warning', t('account.must_change')));
  } else if (pendingStep()) {
    showBanner(notice('warning', t('error.mfa_required')));
  } else {
    showBanner(null);
  }
}

// Draws the page of location.hash. Focus moves to its heading after navigation, but not on
// the first load, and not when the language changed (keepFocus): the language switch keeps
// focus, so a keyboard user can go on choosing (WCAG 3.2.2, no change of context on input).
async function route({ keepFocus = false } = {}) {
  const seq = ++state.renderSeq;
  const { path, query } = parseHash();
  if (!state.meLoaded) {
    try {
      await loadMe();
    } catch (e) {
      state.me = null;
    }
  }
  const r = ROUTES.find((x) => x.re.test(path));
  if (!r) {
    // Unknown routes go home; other fragments (such as #main) are in-page anchors.
    if (path === '' || location.hash.startsWith('#/')) navigate(state.me ? landing() : 'login');
    return;
  }
  if (!r.pub && !state.me) {
    try {
      sessionStorage.setItem('ctis.after_login', path);
    } catch {
      // ignore
    }
    navigate('login');
    return;
  }
  const pending = pendingStep();
  if (pending && !r.pub && path !== pending) {
    navigate(pending);
    return;
  }
  const params = r.re.exec(path).slice(1);
  const main = document.getElementById('main');
  const view = document.getElementById('view');
  drawNav(path);
  if (path !== 'my-work') refreshOverdue(path);
  drawUser();
  drawBanner();
  main.setAttribute('aria-busy', 'true');
  let node;
  const ctx = {
    params, query, me: state.me, navigate, refreshMe, afterLogin, allowed, meta, flash,
    routable: (p) => ROUTES.some((x) => x.re.test(p)), // issue 9, part K: the Plan's tab bar
  };
  try {
    if (r.perm && !allowed(r.perm)) {
      node = page(t('page.forbidden'), errorBlock({ code: 'forbidden' }));
    } else {
      const fn = r.fn ? r.view[r.fn] : r.view.render;
      node = await fn({ ...ctx, nav: r.nav });
    }
  } catch (e) {
    node = page(t('page.error'), errorBlock(e));
  }
  if (seq !== state.renderSeq) return; // a newer route won the race
  view.replaceChildren(node);
  main.removeAttribute('aria-busy');
  const h1 = view.querySelector('h1');
  document.title = h1 ? `${h1.textContent} – ${t('app.name')}` : t('app.name');
  if (!state.firstRender && !keepFocus && h1) h1.focus();
  state.firstRender = false;
}

// A message to show above the next page drawn.
function flash(node) {
  state.flash = node;
}

async function refreshMe() {
  await loadMe();
  drawUser();
  drawBanner();
  return state.me;
}

// Called by the login view once the session exists.
async function afterLogin(mfaEnroll) {
  state.overdue = 0;
  state.overdueAt = 0;
  await refreshMe();
  let next = landing();
  try {
    next = sessionStorage.getItem('ctis.after_login') || landing();
    sessionStorage.removeItem('ctis.after_login');
  } catch {
    // ignore
  }
  navigate(mfaEnroll ? 'account/totp' : next);
}

// The server's /meta (version, org types, scopes), fetched once.
async function meta() {
  if (!state.meta) state.meta = await api.get('/api/v1/meta');
  return state.meta;
}

async function logout() {
  try {
    await api.del('/api/v1/session');
  } catch {
    // the session may already be gone; sign out locally anyway
  }
  state.me = null;
  state.overdue = 0;
  state.overdueAt = 0;
  navigate('login');
}

function wireShell() {
  document.querySelector('.skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('main').focus();
  });
  const toggle = document.getElementById('nav-toggle');
  const nav = document.getElementById('nav');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  document.getElementById('nav-list').addEventListener('click', (ev) => {
    if (ev.target.closest('a')) {
      toggle.setAttribute('aria-expanded', 'false');
      nav.classList.remove('open');
    }
  });
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', () => route());
  window.addEventListener('ctis:lang', () => {
    translateShell();
    route({ keepFocus: true });
  });
  window.addEventListener('ctis:pending', async () => {
    await refreshMe();
    route();
  });
  window.addEventListener('ctis:overdue', (ev) => {
    state.overdue = ev.detail;
    state.overdueAt = Date.now();
    drawNav(parseHash().path);
  });
  window.addEventListener('ctis:unauthenticated', () => {
    if (!state.me) return;
    state.me = null;
    state.flash = notice('info', t('login.session_ended'));
    navigate('login');
  });
}

async function start() {
  wireShell();
  drawLangSwitch();
  try {
    await setLang(initialLang(), { remember: false });
  } catch (e) {
    // The catalogue could not be fetched: the English text in the page stays.
    state.flash = errorBlock({ code: 'network' });
    route();
  }
}

start();
