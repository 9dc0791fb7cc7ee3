// Referrals: the provider directory, the referrals page (sent and received boxes, answers), the
// "Refer" dialog and the referrals list on the case page, the receiver's notice, and the
// "Break the glass" panel for a case out of reach. The server enforces every rule (consent,
// shared field groups, who answers); this page only offers what makes sense.
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

export const SERVICES = ['shelter', 'medical', 'medical_infectious', 'psychological', 'legal_aid', 'interpretation',
  'education', 'vocational_training', 'financial', 'family_tracing', 'other'];
const GROUPS = ['identity', 'contact', 'narrative', 'legal', 'health', 'location'];
const STATES = ['pending', 'accepted', 'rejected', 'completed', 'revoked'];
const REJECT_CODES = ['no_capacity', 'not_eligible', 'service_unavailable', 'out_of_area', 'no_consent', 'other'];

const serviceLabel = (s) => t(`referral.service.${s}`);
const stateLabel = (s) => t(`referral.state.${s}`);
const groupLabel = (g) => t(`referral.group.${g}`);
const list = (codes, label) => (codes || []).map(label).join(', ');

function checkboxes(name, legend, values, label, checked = []) {
  return h('fieldset', { class: 'field checks', 'data-checks': name }, h('legend', {}, legend),
    ...values.map((v) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name, value: v, checked: checked.includes(v) || null }), ' ', label(v))));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
}

// The provider directory.

function providerFilters(onSearch) {
  const f = h('form', { class: 'form inline', role: 'search', novalidate: true },
    field({ name: 'service', label: t('referral.service'),
      options: [{ value: '', label: t('referral.any') }, ...SERVICES.map((s) => ({ value: s, label: serviceLabel(s) }))] }),
    field({ name: 'language', label: t('referral.language'), attrs: { maxlength: '3', dir: 'ltr', class: 'short' } }),
    field({ name: 'area', label: t('referral.area'), attrs: { maxlength: '64', dir: 'ltr', class: 'short' } }),
    field({ name: 'with_capacity', label: t('referral.with_capacity'), type: 'checkbox' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('referral.search'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    onSearch({ service: v.service, language: v.language, area: v.area, with_capacity: v.with_capacity ? '1' : '' });
  });
  return f;
}

async function searchProviders(params) {
  const data = await api.get(`/api/v1/providers${query({ ...params, limit: 200 })}`);
  return (data && data.items) || [];
}

function providerTable(items) {
  return table(t('referral.providers'), [
    { label: t('referral.provider'), cell: (p) => p.name },
    { label: t('referral.services'), cell: (p) => list(p.services, serviceLabel) },
    { label: t('referral.languages'), cell: (p) => (p.languages || []).join(', ') },
    { label: t('referral.areas'), cell: (p) => (p.areas || []).join(', ') },
    { label: t('referral.places_free'), cell: (p) => `${p.places_free} / ${p.places_total}`, cls: 'nowrap' },
    { label: t('referral.in_system'), cell: (p) => (p.agency_id ? t('referral.yes') : t('referral.no')) },
    { label: t('referral.contact'), cell: (p) => p.contact || '' },
  ], items);
}

function providerForm(done) {
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'name', label: t('referral.provider'), required: true, attrs: { maxlength: '200' } }),
    field({ name: 'agency_id', label: t('referral.agency_id'), hint: t('referral.agency_id_hint'),
      attrs: { inputmode: 'numeric', dir: 'ltr', class: 'short' } }),
    checkboxes('services', t('referral.services'), SERVICES, serviceLabel),
    field({ name: 'languages', label: t('referral.languages'), hint: t('referral.codes_hint'), attrs: { dir: 'ltr' } }),
    field({ name: 'areas', label: t('referral.areas'), hint: t('referral.codes_hint'), attrs: { dir: 'ltr' } }),
    field({ name: 'places_total', label: t('referral.places_total'), type: 'number', attrs: { min: '0', class: 'short' } }),
    field({ name: 'places_free', label: t('referral.places_free'), type: 'number', attrs: { min: '0', class: 'short' } }),
    field({ name: 'contact', label: t('referral.contact'), attrs: { maxlength: '4000' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('referral.add_provider'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const split = (s) => String(s || '').split(/[,;\s]+/).filter(Boolean);
    const body = { name: v.name, services: checked(f, 'services'), languages: split(v.languages), areas: split(v.areas),
      contact: v.contact || '' };
    if (v.agency_id) body.agency_id = Number(v.agency_id);
    if (v.places_total !== '') body.places_total = Number(v.places_total || 0);
    if (v.places_free !== '') body.places_free = Number(v.places_free || 0);
    busy(f, async () => {
      try {
        await api.post('/api/v1/providers', body);
        done();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'case-action' }, h('summary', {}, t('referral.add_provider')), f);
}

export async function renderProviders(ctx) {
  const results = h('div', { 'aria-live': 'polite' });
  const run = async (params) => {
    try {
      results.replaceChildren(providerTable(await searchProviders(params)));
    } catch (e) {
      results.replaceChildren(errorBlock(e));
    }
  };
  await run({});
  return page(t('referral.providers'),
    providerFilters(run),
    ctx.allowed('provider.manage') ? providerForm(() => ctx.navigate('providers')) : null,
    results);
}

// Answers to a referral (buttons with small forms).

function answerForms(r, ctx, done) {
  const out = [];
  const act = (label, path, body, extra = [], cls = null) => {
    const f = h('form', { class: 'form inline', novalidate: true }, ...extra,
      h('button', { type: 'submit', class: cls, 'data-answer': path }, label));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      busy(f, async () => {
        try {
          await api.post(`/api/v1/referrals/${r.id}/${path}`, body(v), { ifMatch: r.version });
          done(t(`referral.done.${path}`));
        } catch (e) {
          showError(f, e);
        }
      });
    });
    out.push(f);
  };
  if (!ctx.allowed('referral.write')) return out;
  if (r.box === 'received' && r.state === 'pending') {
    act(t('referral.accept'), 'accept', () => ({}));
    act(t('referral.reject'), 'reject', (v) => ({ code: v.code, note: v.note || undefined }), [
      field({ name: 'code', label: t('referral.reject_code'),
        options: REJECT_CODES.map((c) => ({ value: c, label: t(`referral.reject.${c}`) })) }),
      field({ name: 'note', label: t('referral.note'), attrs: { maxlength: '4000' } }),
    ], 'danger');
  }
  if (r.state === 'accepted') act(t('referral.complete'), 'complete', () => ({}));
  if (r.box === 'sent' && (r.state === 'pending' || r.state === 'accepted')) {
    act(t('referral.revoke'), 'revoke', () => ({}), [], 'danger');
  }
  return out;
}

function referralTable(items, ctx, done, { withCase = true } = {}) {
  return table(t('referral.title'), [
    withCase ? { label: t('referral.case'), cell: (r) => h('a', { href: `#/cases/${r.case_id}` }, String(r.case_id)) } : null,
    { label: t('referral.kind'), cell: (r) => t(`referral.kind.${r.kind}`) },
    { label: t('referral.state'), cell: (r) => h('span', { 'data-state': r.state }, stateLabel(r.state)) },
    { label: t('referral.services'), cell: (r) => list(r.services, serviceLabel) },
    { label: t('referral.groups'), cell: (r) => list(r.groups, groupLabel) || t('referral.groups_none') },
    { label: t('referral.urgency'), cell: (r) => t(`referral.urgency.${r.urgency}`) },
    { label: t('referral.basis'), cell: (r) => (r.basis === 'consent' ? t('referral.basis.consent')
      : h('strong', {}, t('referral.basis.override'), r.override_reason ? `: ${r.override_reason}` : '')) },
    { label: t('referral.created'), cell: (r) => formatDate(r.created_at_ms), cls: 'nowrap' },
    { label: '', cell: (r) => h('div', { class: 'answers' }, ...answerForms(r, ctx, done)) },
  ].filter(Boolean), items);
}

export async function renderReferrals(ctx) {
  const box = ctx.query.get('box') === 'received' ? 'received' : 'sent';
  const state = STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') : '';
  const data = await api.get(`/api/v1/referrals${query({ box, state, limit: 200 })}`);
  const done = (message) => {
    ctx.flash(notice('success', message));
    ctx.navigate(`referrals?box=${box}${state ? `&state=${state}` : ''}`);
  };
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('referral.boxes') },
    ...['sent', 'received'].map((b) => h('a', { href: `#/referrals?box=${b}`, 'aria-current': b === box ? 'page' : null },
      t(`referral.box.${b}`))));
  const filter = h('form', { class: 'form inline', novalidate: true },
    field({ name: 'state', label: t('referral.state'), value: state,
      options: [{ value: '', label: t('referral.any') }, ...STATES.map((s) => ({ value: s, label: stateLabel(s) }))] }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('referral.search'))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(filter);
    ctx.navigate(`referrals?box=${box}${v.state ? `&state=${v.state}` : ''}`);
  });
  const items = (data && data.items) || [];
  return page(t('referral.title'), tabs,
    box === 'received' ? h('p', { class: 'hint' }, t('referral.received_hint')) : null,
    filter, items.length ? referralTable(items, ctx, done) : h('p', { class: 'empty' }, t('common.none')),
    ctx.allowed('referral.read') ? h('p', {}, h('a', { href: '#/providers' }, t('referral.providers'))) : null);
}

// The case page: its referrals and the "Refer" dialog.

function isChild(c) {
  const f = c.fields || {};
  return f.majority_status === 'Minor' || (typeof f.age === 'number' && f.age < 18);
}

function referForm(c, ctx, providers, sharingAllowed, done) {
  const child = isChild(c);
  const providerField = field({ name: 'provider_id', label: t('referral.provider'), required: true,
    options: [{ value: '', label: t('referral.choose') }, ...providers.map((p) => ({
      value: p.id, label: `${p.name} — ${list(p.services, serviceLabel)} (${p.places_free}/${p.places_total})`,
    }))] });
  const overrideBox = child && !sharingAllowed ? h('div', { class: 'override' },
    notice('warning', t('referral.override_hint')),
    field({ name: 'override_reason', label: t('referral.override_reason'), type: 'textarea', required: true,
      attrs: { maxlength: '4000' } })) : null;
  const f = h('form', { class: 'form', novalidate: true, 'data-refer': '' },
    sharingAllowed ? notice('success', t('referral.consent_ok'))
      : notice('warning', child ? t('referral.consent_missing_child') : t('referral.consent_missing')),
    providerField,
    checkboxes('services', t('referral.services'), SERVICES, serviceLabel),
    checkboxes('groups', t('referral.groups_to_share'), GROUPS, groupLabel),
    h('p', { class: 'hint' }, t('referral.groups_hint')),
    field({ name: 'kind', label: t('referral.kind'),
      options: ['referral', 'transfer'].map((k) => ({ value: k, label: t(`referral.kind.${k}`) })) }),
    field({ name: 'urgency', label: t('referral.urgency'),
      options: ['normal', 'urgent'].map((k) => ({ value: k, label: t(`referral.urgency.${k}`) })) }),
    field({ name: 'reason', label: t('referral.reason'), type: 'textarea', attrs: { maxlength: '4000' } }),
    overrideBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: !sharingAllowed && !child || null },
      t('referral.refer'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const body = { provider_id: Number(v.provider_id) || 0, services: checked(f, 'services'),
      groups: checked(f, 'groups'), kind: v.kind, urgency: v.urgency, reason: v.reason || undefined };
    if (overrideBox) {
      body.basis = 'child_emergency_override';
      body.override_reason = v.override_reason;
    }
    busy(f, async () => {
      try {
        await api.post(`/api/v1/cases/${c.id}/referrals`, body);
        done(t('referral.done.refer'));
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

export function referralsSection(c, ctx, reload) {
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const done = (message) => reload(notice('success', message));
  const load = async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/referrals`);
      const items = (data && data.items) || [];
      const parts = [items.length ? referralTable(items, ctx, done, { withCase: false })
        : h('p', { class: 'empty' }, t('common.none'))];
      if (ctx.allowed('referral.write') && !sharedWithMe(c, ctx)) {
        const [providers, consent] = await Promise.all([
          searchProviders({}),
          api.get(`/api/v1/cases/${c.id}/consent`).catch(() => null),
        ]);
        const sharing = Boolean(consent && consent.restrictions && consent.restrictions.sharing_allowed);
        parts.push(h('details', { class: 'case-action', 'data-refer-dialog': '' },
          h('summary', {}, t('referral.refer')), referForm(c, ctx, providers, sharing, done)));
      }
      box.replaceChildren(...parts);
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'case-referrals' },
    h('h2', { id: 'case-referrals' }, t('referral.title')), box);
}

// A case the principal reaches only through a share (another agency's, out of scope).
export function sharedWithMe(c, ctx) {
  const me = ctx.me || {};
  if (me.scope === 'all') return false;
  if (me.scope === 'agency') return c.agency_id !== me.agency_id;
  return c.owner_id !== me.id;
}

// The field groups shared with the principal's agency by the live referrals of the case it
// received, or null when none says (break-the-glass: the principal's own groups apply).
export async function sharedGroups(c, ctx) {
  if (!ctx.allowed('referral.read')) return null;
  try {
    const data = await api.get(`/api/v1/cases/${c.id}/referrals`);
    const live = ((data && data.items) || []).filter((r) => r.box === 'received'
      && (r.state === 'pending' || r.state === 'accepted' || (r.state === 'completed' && r.keep_access)));
    if (!live.length) return null;
    return new Set(live.flatMap((r) => r.groups || []));
  } catch {
    return null;
  }
}

export function sharedNotice(c, ctx) {
  if (!sharedWithMe(c, ctx)) return null;
  return notice('warning', t('referral.shared_notice'));
}

// Break the glass: a case that answered "not found".

export function glassPage(id, ctx) {
  const f = h('form', { class: 'form', novalidate: true, 'data-glass': '' },
    notice('warning', t('glass.warning')),
    field({ name: 'reason', label: t('glass.reason'), type: 'textarea', required: true, hint: t('glass.reason_hint'),
      attrs: { minlength: '15', maxlength: '4000' } }),
    field({ name: 'minutes', label: t('glass.minutes'), type: 'number', value: '60',
      attrs: { min: '1', max: '240', class: 'short' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('glass.button'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    busy(f, async () => {
      try {
        const r = await api.post(`/api/v1/cases/${id}/break-glass`, { reason: v.reason, minutes: Number(v.minutes) || 60 });
        if (r && r.opened) {
          ctx.flash(notice('warning', t('glass.opened', { time: formatDate(r.expires_at_ms) })));
          ctx.navigate(`cases/${id}`);
        } else {
          showError(f, null, t('glass.not_opened'));
        }
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return page(t('glass.title', { id }), h('p', {}, t('glass.intro')), f);
}
