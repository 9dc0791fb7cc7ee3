// Case page: the fields by section (withheld personal fields say so), status, owner and
// version; the actions (edit, assign owner, close, reopen, restrict; all but restrict with
// If-Match); the timeline of trafficking events; comments; and the history of changes.
import { api, query, request } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import {
  registry, sectionTitle, fieldLabel, codeLabel, codeOptions, statusLabel, caseValue, valueNode, approxDate,
  userNames, ownerText, unwrap, listText, CLOSED, EVENT_TYPES, APPROX_DATE,
} from '../casefields.js';
import { choose } from '../lookups.js';
import { duplicatesSection, mergedBanner } from './duplicates.js';
import { grantsSection } from './grants.js';
import { consentSection } from './consent.js';
import {
  referralsSection, sharedNotice, sharedWithMe, sharedGroups, glassPage,
} from './referral.js';
import { noticeSection } from './notice.js';
import { pathwaySection, childSection } from './pathway.js';
import { perpetratorsSection, supportPlansSection, attachmentsSection } from './caserecords.js';
import { servicesSection, legalSection } from './assist.js';
import { caseTasksSection } from './mywork.js';

function eventTypeLabel(type) {
  const key = `case.event.type.${type}`;
  const s = t(key);
  return s === key ? String(type) : s;
}

function actionLabel(action) {
  const key = `case.action.${action}`;
  const s = t(key);
  return s === key ? String(action) : s;
}

// --- Summary and fields -----------------------------------------------------------------------

function summary(c, ctx, names) {
  const rows = [
    [t('common.status'), statusLabel(c.status)],
    [t('cases.owner'), ownerText(c, ctx, names)],
    [t('case.version'), String(c.version ?? '—')],
    [t('case.restricted'), c.restricted ? t('common.yes') : t('common.no')],
    [t('cases.opened'), formatDate(c.opened_at)],
    [t('case.closed_at'), formatDate(c.closed_at)],
    [t('case.updated'), formatDate(c.updated_at)],
  ];
  return h('section', { class: 'card', 'aria-labelledby': 'case-summary' },
    h('h2', { id: 'case-summary' }, t('case.summary')),
    h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}

function fieldSections(reg, c) {
  return reg.sections.map((s) => h('section', { class: 'card case-section', 'aria-labelledby': `cv-${s.key}` },
    h('h2', { id: `cv-${s.key}` }, sectionTitle(s.key)),
    h('dl', { class: 'facts case-facts' }, s.fields.map((f) => [
      h('dt', {}, fieldLabel(f)),
      h('dd', { 'data-field': f.name }, caseValue(reg, c, f)),
    ]))));
}

// --- Actions ----------------------------------------------------------------------------------

async function ownerField(ctx) {
  if (ctx.allowed('user.read')) {
    try {
      const data = await api.get(`/api/v1/users${query({ limit: 200 })}`);
      const users = ((data && data.items) || []).filter((u) => !u.disabled);
      return field({ name: 'owner_id', label: t('case.new_owner'), required: true,
        options: choose(users.map((u) => ({
          value: u.id, label: u.display_name ? `${u.display_name} (${u.username})` : u.username,
        }))) });
    } catch {
      // fall back to typing the id
    }
  }
  return field({ name: 'owner_id', label: t('case.owner_id'), required: true, hint: t('case.owner_id_hint'),
    attrs: { inputmode: 'numeric', autocomplete: 'off', dir: 'ltr', class: 'short' } });
}

async function actions(c, version, ctx, reload) {
  const id = c.id;
  const closed = CLOSED.includes(c.status);
  // After an action: the page again, with its message (a 412 says someone else was first).
  const done = (message) => reload(notice('success', message));
  const conflict = () => reload(notice('warning', t('case.conflict')));
  const guard = async (form, fn) => busy(form, async () => {
    try {
      await fn();
    } catch (e) {
      if (e.status === 412) await conflict();
      else showError(form, e); // under the field it names (owner_id), else at the top
    }
  });

  const buttons = h('div', { class: 'actions' },
    h('a', { href: `#/cases/${id}/edit`, class: 'button primary' }, t('case.edit')));

  const out = [];
  if (closed || c.status === 'FollowUp') {
    const reopen = h('form', { class: 'form inline', novalidate: true },
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('case.reopen'))));
    reopen.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(reopen);
      guard(reopen, async () => {
        await request('POST', `/api/v1/cases/${id}/reopen`, undefined, { ifMatch: version });
        await done(t('case.reopened'));
      });
    });
    buttons.append(reopen);
  }

  if (c.status !== 'FollowUp') {
    const follow = h('form', { class: 'form inline', novalidate: true },
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, t('case.follow_up'))));
    follow.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(follow);
      guard(follow, async () => {
        await request('POST', `/api/v1/cases/${id}/follow-up`, undefined, { ifMatch: version });
        await done(t('case.follow_up_done'));
      });
    });
    buttons.append(follow);
  }

  const restrict = h('form', { class: 'form inline', novalidate: true },
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' },
      c.restricted ? t('case.unrestrict') : t('case.restrict'))));
  restrict.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(restrict);
    guard(restrict, async () => {
      await api.post(`/api/v1/cases/${id}/restrict`, { restricted: !c.restricted });
      await done(c.restricted ? t('case.unrestricted_done') : t('case.restricted_done'));
    });
  });
  buttons.append(restrict);
  out.push(buttons);

  const assign = h('form', { class: 'form', novalidate: true },
    await ownerField(ctx),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('case.assign'))));
  assign.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(assign);
    const v = formValues(assign);
    if (!/^[0-9]+$/.test(v.owner_id || '')) {
      showError(assign, { code: 'invalid', field: 'owner_id' }, v.owner_id ? t('form.number') : t('form.required'));
      return;
    }
    guard(assign, async () => {
      await api.post(`/api/v1/cases/${id}/assign`, { owner_id: Number(v.owner_id) }, { ifMatch: version });
      await done(t('case.assigned'));
    });
  });
  out.push(h('details', { class: 'case-action' }, h('summary', {}, t('case.assign')), assign));

  if (!closed) {
    const close = h('form', { class: 'form', novalidate: true },
      field({ name: 'status', label: t('case.close_as'), value: 'Closed',
        options: CLOSED.map((s) => ({ value: s, label: statusLabel(s) })) }),
      // The reason is sealed in the narrative group.
      ctx.allowed('fg.narrative.write')
        ? field({ name: 'reason', label: t('case.close_reason'), type: 'textarea', attrs: { maxlength: '4000' } })
        : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('case.close'))));
    close.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(close);
      const v = formValues(close);
      const body = { status: v.status };
      if (v.reason) body.reason = v.reason;
      guard(close, async () => {
        await api.post(`/api/v1/cases/${id}/close`, body, { ifMatch: version });
        await done(t('case.closed_done'));
      });
    });
    out.push(h('details', { class: 'case-action' }, h('summary', {}, t('case.close')), close));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'case-actions' },
    h('h2', { id: 'case-actions' }, t('case.actions')), ...out);
}

// --- Timeline of trafficking events ------------------------------------------------------------

// As the server orders them: undated first, then dates compared as text (2024 before 2024-06).
function sortEvents(items) {
  return items.map((e, i) => [e, i]).sort(([a, i], [b, j]) => {
    const da = a.date || '';
    const db = b.date || '';
    if (da !== db) return da < db ? -1 : 1;
    return i - j;
  }).map(([e]) => e);
}

function timeline(reg, items) {
  if (!items.length) return h('p', { class: 'empty' }, t('case.events_none'));
  return h('ol', { class: 'timeline', 'aria-labelledby': 'case-events' }, sortEvents(items).map((e) => {
    const where = [e.country ? codeLabel(reg, 'country', e.country) : null, e.place || null].filter(Boolean);
    return h('li', { class: `timeline-item timeline-${String(e.type || '').toLowerCase()}` },
      h('p', { class: 'timeline-when' }, e.date ? approxDate(e.date) : t('case.event.undated')),
      h('p', { class: 'timeline-what' }, h('strong', {}, eventTypeLabel(e.type)),
        where.length ? ` — ${listText(where)}` : ''),
      e.description ? h('p', { class: 'timeline-text' }, e.description) : null);
  }));
}

function eventsSection(reg, c, ctx) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const load = async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/events`);
      list.replaceChildren(timeline(reg, (data && data.items) || []));
    } catch (e) {
      list.replaceChildren(errorBlock(e));
    }
  };
  let adder = null;
  if (ctx.allowed('case.write')) {
    const status = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'form grid', novalidate: true },
      field({ name: 'type', label: t('case.event.type'), required: true,
        options: choose(EVENT_TYPES.map((x) => ({ value: x, label: eventTypeLabel(x) }))) }),
      field({ name: 'country', label: t('case.event.country'), options: choose(codeOptions(reg, 'country')) }),
      // The place is sealed in the location group, the description in the narrative group.
      ctx.allowed('fg.location.write')
        ? field({ name: 'place', label: t('case.event.place'), attrs: { autocomplete: 'off', maxlength: '1000' } })
        : null,
      field({ name: 'date', label: t('case.event.date'), hint: t('case.date_hint'),
        attrs: { autocomplete: 'off', dir: 'ltr', maxlength: '10', class: 'short' } }),
      ctx.allowed('fg.narrative.write')
        ? field({ name: 'description', label: t('case.event.description'), type: 'textarea',
          attrs: { maxlength: '8000' } })
        : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('case.event.add'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      status.replaceChildren();
      const v = formValues(form);
      if (!v.type) {
        showError(form, { code: 'invalid', field: 'type' }, t('form.required'));
        return;
      }
      if (v.date && !APPROX_DATE.test(v.date)) {
        showError(form, { code: 'invalid', field: 'date' }, t('case.date_invalid'));
        return;
      }
      const body = { type: v.type };
      for (const k of ['country', 'place', 'date', 'description']) if (v[k]) body[k] = v[k];
      await busy(form, async () => {
        try {
          await api.post(`/api/v1/cases/${c.id}/events`, body);
          form.reset();
          status.replaceChildren(notice('success', t('case.event.added')));
          await load();
        } catch (e) {
          showError(form, e);
        }
      });
    });
    adder = h('details', { class: 'case-action' }, h('summary', {}, t('case.event.add')), form, status);
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'case-events' },
    h('h2', { id: 'case-events' }, t('case.events')), list, adder);
}

// --- Comments ---------------------------------------------------------------------------------

function commentList(items) {
  if (!items.length) return h('p', { class: 'empty' }, t('case.comments_none'));
  const sorted = [...items].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return h('ul', { class: 'comments', 'aria-labelledby': 'case-comments' }, sorted.map((m) => h('li',
    { class: 'comment' },
    h('p', { class: 'comment-meta' }, h('strong', {}, m.author || '—'), ' · ', formatDate(m.at)),
    h('p', { class: 'comment-body' }, m.body ?? t('case.withheld')))));
}

function commentsSection(c, ctx) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const load = async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/comments`);
      list.replaceChildren(commentList((data && data.items) || []));
    } catch (e) {
      list.replaceChildren(errorBlock(e));
    }
  };
  let form = null;
  if (ctx.allowed('case.write') && ctx.allowed('fg.narrative.write')) {
    const status = h('div', { 'aria-live': 'polite' });
    const f = h('form', { class: 'form', novalidate: true },
      field({ name: 'body', label: t('case.comment.body'), type: 'textarea', required: true,
        attrs: { maxlength: '16000' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('case.comment.add'))), status);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      status.replaceChildren();
      const v = formValues(f);
      if (!v.body) {
        showError(f, { code: 'invalid', field: 'body' }, t('form.required'));
        return;
      }
      await busy(f, async () => {
        try {
          await api.post(`/api/v1/cases/${c.id}/comments`, { body: v.body });
          f.elements.body.value = '';
          status.replaceChildren(notice('success', t('case.comment.added')));
          await load();
        } catch (e) {
          showError(f, e);
        }
      });
    });
    form = f;
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'case-comments' },
    h('h2', { id: 'case-comments' }, t('case.comments')), list, form);
}

// --- History ----------------------------------------------------------------------------------

// Record-level changes (not fields) the history names.
const RECORD_KEYS = {
  status: 'common.status', owner_id: 'cases.owner', restricted: 'case.restricted',
  merged_from: 'case.history.merged_from', merged_into: 'case.history.merged_into', access: 'case.history.access',
};

// A value in the history: export text ("" not collected, "unknown", "not applicable", "TRUE",
// codes, "A;B" for several) or a JSON value as in the case.
function historyValue(reg, name, f, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'string') return valueNode(reg, f, v);
  if (name === 'status') return statusLabel(v);
  const low = v.toLowerCase();
  if (low === 'unknown') return valueNode(reg, f, { missing: 'unknown' });
  if (low === 'not applicable' || low === 'not_applicable') return valueNode(reg, f, { missing: 'not_applicable' });
  if (!f) return v;
  if (f.type === 'bool') return ['true', '1', 'yes'].includes(low) ? t('common.yes') : t('common.no');
  if (f.type === 'multi') return valueNode(reg, f, v.split(/[;,]/).map((x) => x.trim()).filter(Boolean));
  if (f.type === 'int') return v;
  return valueNode(reg, f, v);
}

function changeList(reg, changes) {
  const entries = Object.entries(changes || {});
  if (!entries.length) return '—';
  return h('ul', { class: 'changes' }, entries.map(([name, ch]) => {
    const f = reg.byName.get(name);
    const label = f ? fieldLabel(f) : RECORD_KEYS[name] ? t(RECORD_KEYS[name]) : name;
    if (typeof ch === 'number') {
      return h('li', {}, h('span', { class: 'change-field' }, label), ': ', h('a', { href: `#/cases/${ch}` }, String(ch)));
    }
    if (!ch || typeof ch !== 'object' || !('from' in ch || 'to' in ch)) {
      return h('li', {}, h('span', { class: 'change-field' }, label), ': ', t('case.history.changed'));
    }
    return h('li', {}, h('span', { class: 'change-field' }, label), ': ',
      h('span', { class: 'change-from' }, historyValue(reg, name, f, ch.from)), ` ${t('case.history.arrow')} `,
      h('span', { class: 'change-to' }, historyValue(reg, name, f, ch.to)));
  }));
}

function historySection(reg, c) {
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  (async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/history`);
      const items = (data && data.items) || [];
      box.replaceChildren(items.length ? table(t('case.history'), [
        { label: t('case.version'), cell: (e) => String(e.version ?? '') },
        { label: t('case.history.case'), cell: (e) => (e.case_id && String(e.case_id) !== String(c.id)
          ? h('a', { href: `#/cases/${e.case_id}` }, String(e.case_id)) : t('case.history.this_case')) },
        { label: t('case.history.at'), cell: (e) => formatDate(e.at), cls: 'nowrap' },
        { label: t('case.history.actor'), cell: (e) => e.actor || '—' },
        { label: t('case.history.action'), cell: (e) => actionLabel(e.action) },
        { label: t('case.history.changes'), cell: (e) => changeList(reg, e.changes) },
      ], items) : h('p', { class: 'empty' }, t('common.none')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  })();
  return h('section', { class: 'card case-history', 'aria-labelledby': 'case-history' },
    h('h2', { id: 'case-history' }, t('case.history')), box);
}

// --- The page ---------------------------------------------------------------------------------

export async function render(ctx) {
  const id = ctx.params[0];
  let reg, names, r;
  try {
    [reg, names, r] = await Promise.all([
      registry(), userNames(ctx), api.getWithVersion(`/api/v1/cases/${id}`),
    ]);
  } catch (e) {
    // Out of reach (or absent): those who may break the glass are offered it.
    if (e.status === 404 && ctx.allowed('case.glass')) return glassPage(id, ctx);
    throw e;
  }
  const c = unwrap(r.data);
  const version = r.version ?? c.version;
  // Actions redraw the whole page with a message above it.
  const reload = async (message) => {
    ctx.flash(message);
    ctx.navigate(`cases/${id}`);
  };
  // A case reached through a share (a referral, break-the-glass) is read-only: no write forms.
  // Field groups not shared are not asked for (the server would refuse them).
  if (sharedWithMe(c, ctx)) {
    const own = ctx.allowed;
    const groups = await sharedGroups(c, ctx);
    const shared = (p) => {
      const m = /^fg\.([a-z]+)\.read$/.exec(p);
      return !m || !groups || groups.has(m[1]);
    };
    ctx = { ...ctx, allowed: (p) => !/\.(write|merge|purge|sar|export)$/.test(p) && shared(p) && own(p) };
  }
  const canWrite = ctx.allowed('case.write');
  const pageEl = h('div', { class: 'page case-page' },
    h('p', { class: 'crumb' }, h('a', { href: '#/cases' }, t('cases.back'))),
    h('h1', { tabindex: '-1' }, t('case.title', { id: c.id ?? id })),
    h('p', { class: 'case-badges' },
      h('span', { class: `badge status-${String(c.status || '').toLowerCase()}` }, statusLabel(c.status)),
      c.restricted ? h('span', { class: 'badge badge-restricted' }, t('case.restricted')) : null,
      c.merged_into ? h('span', { class: 'badge badge-merged' }, t('case.merged_badge')) : null),
    mergedBanner(c),
    sharedNotice(c, ctx),
    summary(c, ctx, names),
    h('p', { class: 'case-links' }, h('a', { href: `#/cases/${c.id ?? id}/screening`, 'data-screening-link': '' },
      t('screening.link'))), // part S: the screening page
    canWrite && !c.merged_into ? await actions(c, version, ctx, reload) : null,
    c.restricted ? grantsSection(c, ctx, names) : null,
    c.merged_into ? null : pathwaySection(c, ctx),
    c.merged_into ? null : childSection(c, ctx),
    c.merged_into ? null : caseTasksSection(c, ctx),
    ...fieldSections(reg, c),
    consentSection(c, ctx),
    ctx.allowed('referral.read') ? referralsSection(c, ctx, reload) : null,
    c.merged_into ? null : noticeSection(c),
    eventsSection(reg, c, ctx),
    perpetratorsSection(reg, c, ctx),
    supportPlansSection(reg, c, ctx),
    servicesSection(reg, c, ctx),
    legalSection(reg, c, ctx),
    attachmentsSection(c, ctx),
    commentsSection(c, ctx),
    duplicatesSection(c, version, ctx, reload),
    historySection(reg, c));
  const links = pageEl.querySelector('.case-links');
  if (links) links.after(contents(pageEl));
  return pageEl;
}

// "On this page": the case page is long (a section per part of the pathway); a list of its
// sections that moves the focus to the one chosen. Buttons, not links: the hash is the route.
function contents(pageEl) {
  const items = [...pageEl.querySelectorAll('section[aria-labelledby]')].map((sec) => {
    const head = pageEl.querySelector(`#${CSS.escape(sec.getAttribute('aria-labelledby'))}`);
    if (!head || !head.textContent.trim()) return null;
    const b = h('button', { type: 'button', class: 'link' }, head.textContent.trim());
    b.addEventListener('click', () => {
      if (!head.hasAttribute('tabindex')) head.setAttribute('tabindex', '-1');
      head.scrollIntoView({ block: 'start' });
      head.focus({ preventScroll: true });
    });
    return h('li', {}, b);
  }).filter(Boolean);
  return h('nav', { class: 'case-contents', 'aria-label': t('case.contents') },
    h('ul', {}, ...items));
}
