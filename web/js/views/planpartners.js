// Partnerships (issue 9, part R; docs/plan.md "Partnerships"): #/plan-partners shows the partner
// directory, the cooperation agreements and the technical-assistance requests (Plan para 57) with
// their figures (requests by status, median days to delivery); holders of plan.write get a form
// for each and, on a request, the moves its flow allows (accept, decline, record a delivery, mark
// delivered). Data: /api/v1/plan/partners, /agreements, /assistance.
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const TYPES = ['government', 'ngo', 'international', 'private_sector', 'media', 'trade_union', 'employers', 'academia', 'other'];
const PILLARS = ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up'];
const KINDS = ['mou', 'agreement', 'protocol', 'joint_programme'];
const DELIVERIES = ['training', 'legislative_advice', 'equipment', 'expert_mission', 'other'];
const STATUSES = ['requested', 'accepted', 'declined', 'delivered'];

const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap', translate: 'no' }, v === null || v === undefined || v === '' ? '—' : String(v));
const today = () => new Date().toISOString().slice(0, 10);
const list = (text) => (text || '').split(',').map((x) => x.trim()).filter(Boolean);

// A form posting one JSON body; onDone reloads the page's data.
function form(name, title, fields, toBody, url, onDone) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true, 'data-form': name }, fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('planpartners.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    busy(f, async () => {
      try {
        await api.post(url, toBody(formValues(f), f));
        out.replaceChildren(notice('success', t('planpartners.saved')));
        f.reset();
        await onDone();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'add-form' }, h('summary', {}, title), f, out);
}

function checks(name, items, label) {
  return h('fieldset', { class: 'field' }, h('legend', {}, label),
    items.map((i) => field({ name: `${name}_${i.value}`, label: i.label, type: 'checkbox' })));
}

const checked = (f, name, items) => items.filter((i) => f.elements[`${name}_${i.value}`]?.checked).map((i) => i.value);

function partnersSection(ctx, partners, reload) {
  const rows = table(t('planpartners.partners'), [
    { label: t('planpartners.name'), cell: (p) => h('span', { 'data-partner': p.name }, p.name) },
    { label: t('planpartners.type'), cell: (p) => t(`planpartners.type.${p.type}`) },
    { label: t('planpartners.country'), cell: (p) => ltr(p.country) },
    { label: t('planpartners.areas'), cell: (p) => p.areas.map((a) => t(`plan.pillar.${a}`)).join(', ') || '—' },
    { label: t('planpartners.agency'), cell: (p) => p.agency || '—' },
  ], partners);
  const add = ctx.allowed('plan.write') ? form('partner', t('planpartners.partner_add'), [
    field({ name: 'name', label: t('planpartners.name'), required: true }),
    field({ name: 'type', label: t('planpartners.type'), options: TYPES.map((x) => ({ value: x, label: t(`planpartners.type.${x}`) })) }),
    field({ name: 'country', label: t('planpartners.country'), hint: t('planpartners.country_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    checks('area', PILLARS.map((p) => ({ value: p, label: t(`plan.pillar.${p}`) })), t('planpartners.areas')),
    field({ name: 'person', label: t('planpartners.person'), hint: t('planpartners.contact_hint') }),
    field({ name: 'email', label: t('planpartners.email'), type: 'email' }),
    field({ name: 'phone', label: t('planpartners.phone'), type: 'tel' }),
  ], (v, f) => {
    const body = { name: v.name, type: v.type, areas: checked(f, 'area', PILLARS.map((p) => ({ value: p }))) };
    if (v.country) body.country = v.country.trim().toUpperCase();
    const contact = {};
    for (const k of ['person', 'email', 'phone']) if (v[k]) contact[k] = v[k];
    if (Object.keys(contact).length) body.contact = contact;
    return body;
  }, '/api/v1/plan/partners', reload) : null;
  return h('section', { 'aria-labelledby': 'pp-partners-h', 'data-section': 'partners' },
    h('h2', { id: 'pp-partners-h' }, t('planpartners.partners')),
    partners.length ? rows : h('p', { class: 'empty' }, t('planpartners.none')), add);
}

function agreementsSection(ctx, agreements, partners, reload) {
  const rows = table(t('planpartners.agreements'), [
    { label: t('planpartners.title_field'), cell: (g) => h('span', { 'data-agreement': g.title }, g.title) },
    { label: t('planpartners.kind'), cell: (g) => t(`planpartners.kind.${g.kind}`) },
    { label: t('planpartners.signed'), cell: (g) => ltr(g.signed) },
    { label: t('planpartners.end'), cell: (g) => ltr(g.end) },
    { label: t('planpartners.parties'), cell: (g) => g.parties.map((p) => p.name).join(', ') },
    { label: t('planpartners.paragraphs'), cell: (g) => ltr(g.paragraphs.join(', ')) },
  ], agreements);
  const items = partners.map((p) => ({ value: String(p.id), label: p.name }));
  const add = ctx.allowed('plan.write') ? form('agreement', t('planpartners.agreement_add'), [
    field({ name: 'title', label: t('planpartners.title_field'), required: true }),
    field({ name: 'kind', label: t('planpartners.kind'), options: KINDS.map((x) => ({ value: x, label: t(`planpartners.kind.${x}`) })) }),
    field({ name: 'signed', label: t('planpartners.signed'), type: 'date', required: true }),
    field({ name: 'end', label: t('planpartners.end'), type: 'date' }),
    checks('party', items, t('planpartners.parties')),
    field({ name: 'paragraphs', label: t('planpartners.paragraphs'), hint: t('planpartners.paragraphs_hint'), attrs: { dir: 'ltr' } }),
  ], (v, f) => ({
    title: v.title, kind: v.kind, signed: v.signed, ...(v.end ? { end: v.end } : {}),
    parties: checked(f, 'party', items).map(Number), paragraphs: list(v.paragraphs),
  }), '/api/v1/plan/agreements', reload) : null;
  return h('section', { 'aria-labelledby': 'pp-agreements-h', 'data-section': 'agreements' },
    h('h2', { id: 'pp-agreements-h' }, t('planpartners.agreements')),
    agreements.length ? rows : h('p', { class: 'empty' }, t('planpartners.none')), add);
}

// The moves a request allows, for plan.write.
function moves(ctx, r, reload) {
  if (!ctx.allowed('plan.write')) return null;
  const out = h('span', { 'aria-live': 'polite' });
  const move = (status) => h('button', { type: 'button', 'data-move': status }, t(`planpartners.move.${status}`));
  const buttons = [];
  if (r.status === 'requested') buttons.push(move('accepted'), move('declined'));
  if (r.status === 'accepted' && r.deliveries_count > 0) buttons.push(move('delivered'));
  for (const b of buttons) {
    b.addEventListener('click', async () => {
      try {
        await api.post(`/api/v1/plan/assistance/${r.id}/status`, { status: b.getAttribute('data-move'), date: today() });
        await reload();
      } catch (e) {
        out.replaceChildren(errorBlock(e));
      }
    });
  }
  let deliver = null;
  if (r.status === 'accepted' || r.status === 'delivered') {
    deliver = form(`deliver-${r.id}`, t('planpartners.deliver'), [
      field({ name: 'date', label: t('planpartners.date'), type: 'date', value: today(), required: true }),
      field({ name: 'kind', label: t('planpartners.delivery_kind'), options: DELIVERIES.map((x) => ({ value: x, label: t(`planpartners.delivery.${x}`) })) }),
      field({ name: 'beneficiaries', label: t('planpartners.beneficiaries'), type: 'number', attrs: { min: 0 } }),
    ], (v) => ({ date: v.date, kind: v.kind, beneficiaries: Number(v.beneficiaries || 0) }),
    `/api/v1/plan/assistance/${r.id}/deliveries`, reload);
  }
  return h('div', { class: 'actions' }, buttons, out, deliver);
}

function assistanceSection(ctx, data, partners, reload) {
  const f = data.figures;
  const figures = h('dl', { class: 'figures', 'data-figures': '' },
    STATUSES.map((s) => [h('dt', {}, t(`planpartners.status.${s}`)), h('dd', { 'data-count': s }, ltr(f.by_status[s] || 0))]),
    h('dt', {}, t('planpartners.median_days')),
    h('dd', { 'data-median': '' }, ltr(f.median_days_to_delivery === null ? '—' : f.median_days_to_delivery)));
  const rows = table(t('planpartners.assistance'), [
    { label: t('planpartners.topic'), cell: (r) => h('span', { 'data-request': r.topic }, r.topic) },
    { label: t('planpartners.requester'), cell: (r) => (r.requester_state ? ltr(r.requester_state) : r.requester_partner) },
    { label: t('planpartners.provider'), cell: (r) => r.provider },
    { label: t('planpartners.requested'), cell: (r) => ltr(r.requested) },
    { label: t('planpartners.status'), cell: (r) => h('span', { 'data-status': r.status }, t(`planpartners.status.${r.status}`)) },
    { label: t('planpartners.beneficiaries'), cell: (r) => ltr(`${r.beneficiaries} (${r.deliveries_count})`) },
    { label: t('planpartners.actions'), cell: (r) => moves(ctx, r, reload) },
  ], data.requests);
  const opts = partners.map((p) => ({ value: String(p.id), label: p.name }));
  const add = ctx.allowed('plan.write') ? form('assistance', t('planpartners.assistance_add'), [
    field({ name: 'requester_state', label: t('planpartners.requester_state'), hint: t('planpartners.country_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    field({ name: 'requester_partner_id', label: t('planpartners.requester_partner'), options: [{ value: '', label: '—' }, ...opts] }),
    field({ name: 'provider_partner_id', label: t('planpartners.provider'), options: opts, required: true }),
    field({ name: 'topic', label: t('planpartners.topic'), required: true }),
    field({ name: 'paragraphs', label: t('planpartners.paragraphs'), hint: t('planpartners.paragraphs_hint'), attrs: { dir: 'ltr' } }),
    field({ name: 'requested', label: t('planpartners.requested'), type: 'date', value: today(), required: true }),
  ], (v) => ({
    ...(v.requester_state ? { requester_state: v.requester_state.trim().toUpperCase() } : {}),
    ...(v.requester_partner_id ? { requester_partner_id: Number(v.requester_partner_id) } : {}),
    provider_partner_id: Number(v.provider_partner_id), topic: v.topic, paragraphs: list(v.paragraphs), requested: v.requested,
  }), '/api/v1/plan/assistance', reload) : null;
  return h('section', { 'aria-labelledby': 'pp-assistance-h', 'data-section': 'assistance' },
    h('h2', { id: 'pp-assistance-h' }, t('planpartners.assistance')), figures,
    data.requests.length ? rows : h('p', { class: 'empty' }, t('planpartners.none')), add);
}

export async function render(ctx) {
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const draw = async () => {
    try {
      const [p, g, a] = await Promise.all([
        api.get('/api/v1/plan/partners'), api.get('/api/v1/plan/agreements'), api.get('/api/v1/plan/assistance'),
      ]);
      box.replaceChildren(
        partnersSection(ctx, p.partners, draw),
        agreementsSection(ctx, g.agreements, p.partners, draw),
        assistanceSection(ctx, a, p.partners, draw));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  await draw();
  return page(t('planpartners.title'), planTabs(ctx, 'plan-partners'),
    h('p', { class: 'lead' }, t('planpartners.intro')),
    h('p', {}, h('a', { href: '#/plan' }, t('planratify.back'))),
    box);
}
