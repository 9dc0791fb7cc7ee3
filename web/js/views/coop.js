// Cooperation: international cooperation requests (mutual legal assistance, extradition, ...)
// between central authorities. The list shows an overdue badge for requests past their deadline
// and not finished, filtered by direction or overdue only; a form adds a request. A request's
// page shows its parties, dates, measures, documents and status history, and moves it to one of
// the statuses its current one allows (refused with a reason code).
import { api } from '../api.js';
import {
  h, page, notice, errorBlock, table, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

const DIRECTIONS = ['outgoing', 'incoming'];
const KINDS = ['mla', 'extradition', 'transfer_of_proceedings', 'joint_investigation', 'other'];
const BASES = ['untoc_18', 'untoc_16', 'bilateral_treaty', 'multilateral_other', 'reciprocity', 'domestic_law'];
const MEASURES = ['evidence_taking', 'documents', 'search_seizure', 'asset_tracing', 'asset_freezing',
  'witness_hearing', 'service_of_documents', 'arrest', 'surrender', 'other'];
const REFUSALS = ['dual_criminality', 'political_offence', 'nationality', 'death_penalty', 'human_rights',
  'ne_bis_in_idem', 'insufficient_information', 'sovereignty_security', 'statute_of_limitations', 'other'];
const OPEN_NEXT = ['acknowledged', 'in_progress', 'additional_info_requested', 'executed', 'partially_executed',
  'refused', 'withdrawn'];
// The statuses each status may move to (as src/justice/coop.c allows).
const NEXT = {
  draft: ['sent', 'withdrawn'],
  sent: OPEN_NEXT,
  received: OPEN_NEXT,
  acknowledged: OPEN_NEXT.slice(1),
  in_progress: OPEN_NEXT.slice(2),
  additional_info_requested: ['in_progress', ...OPEN_NEXT.slice(3)],
};

const day = (v) => (v ? formatDate(v, { time: false }) : '—');
const overdueBadge = (x) => (x.overdue ? h('span', { class: 'badge badge-overdue', 'data-overdue': x.id }, t('coop.overdue')) : null);

function newForm(ctx, status) {
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'direction', label: t('coop.direction'), options: DIRECTIONS.map((v) => ({ value: v, label: t(`coop.direction.${v}`) })) }),
    field({ name: 'kind', label: t('coop.kind'), options: KINDS.map((v) => ({ value: v, label: t(`coop.kind.${v}`) })) }),
    field({ name: 'requesting_state', label: t('coop.requesting_state'), hint: t('coop.state_hint'), required: true, attrs: { maxlength: '3', dir: 'ltr' } }),
    field({ name: 'requesting_authority', label: t('coop.requesting_authority'), attrs: { maxlength: '300' } }),
    field({ name: 'requested_state', label: t('coop.requested_state'), hint: t('coop.state_hint'), required: true, attrs: { maxlength: '3', dir: 'ltr' } }),
    field({ name: 'requested_authority', label: t('coop.requested_authority'), attrs: { maxlength: '300' } }),
    field({ name: 'legal_basis', label: t('coop.legal_basis'), options: BASES.map((v) => ({ value: v, label: t(`coop.basis.${v}`) })) }),
    field({ name: 'treaty_name', label: t('coop.treaty_name'), attrs: { maxlength: '300' } }),
    field({ name: 'our_reference', label: t('coop.our_reference'), attrs: { maxlength: '300' } }),
    field({ name: 'their_reference', label: t('coop.their_reference'), attrs: { maxlength: '300' } }),
    field({ name: 'date', label: t('coop.date'), type: 'date' }),
    field({ name: 'deadline', label: t('coop.deadline'), type: 'date' }),
    h('fieldset', { class: 'field' }, h('legend', {}, t('coop.measures')),
      MEASURES.map((m) => field({ name: `m_${m}`, label: t(`coop.measure.${m}`), type: 'checkbox' }))),
    field({ name: 'person_sought', label: t('coop.person_sought'), hint: t('coop.person_hint'), attrs: { maxlength: '300' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('coop.add'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const b = { direction: v.direction, kind: v.kind, legal_basis: v.legal_basis,
      requesting_state: (v.requesting_state || '').toUpperCase(), requested_state: (v.requested_state || '').toUpperCase(),
      measures: MEASURES.filter((m) => v[`m_${m}`]) };
    for (const k of ['requesting_authority', 'requested_authority', 'treaty_name', 'our_reference', 'their_reference', 'deadline', 'person_sought']) {
      if (v[k]) b[k] = v[k];
    }
    if (v.date) b[v.direction === 'incoming' ? 'received_at' : 'sent_at'] = v.date;
    busy(f, async () => {
      try {
        const r = await api.post('/api/v1/coop-requests', b);
        ctx.flash(notice('success', t('coop.added')));
        ctx.navigate(`cooperation/${r.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'case-action' }, h('summary', {}, t('coop.add')), f);
}

export async function renderList(ctx) {
  const direction = ctx.query.get('direction') || '';
  const overdueOnly = ctx.query.get('overdue') === '1';
  const status = h('div', { 'aria-live': 'polite' });
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  try {
    const q = new URLSearchParams();
    if (direction) q.set('direction', direction);
    if (overdueOnly) q.set('overdue', '1');
    const r = await api.get(`/api/v1/coop-requests?${q}`);
    const items = r.items || [];
    box.replaceChildren(items.length ? table(t('coop.list'), [
      { label: t('coop.direction'), cell: (x) => t(`coop.direction.${x.direction}`) },
      { label: t('coop.kind'), cell: (x) => h('a', { href: `#/cooperation/${x.id}`, 'data-request': x.id }, t(`coop.kind.${x.kind}`)) },
      { label: t('coop.states'), cell: (x) => h('span', { dir: 'ltr' }, `${x.requesting_state} → ${x.requested_state}`), cls: 'nowrap' },
      { label: t('coop.reference'), cell: (x) => h('span', { dir: 'ltr' }, x.our_reference || x.their_reference || '—') },
      { label: t('coop.date'), cell: (x) => day(x.sent_at || x.received_at), cls: 'nowrap' },
      { label: t('coop.deadline'), cell: (x) => [day(x.deadline), ' ', overdueBadge(x)], cls: 'nowrap' },
      { label: t('coop.status'), cell: (x) => t(`coop.status.${x.status}`) },
    ], items) : h('p', { class: 'empty' }, t('coop.empty')));
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  const link = (label, d, o) => {
    const qs = new URLSearchParams();
    if (d) qs.set('direction', d);
    if (o) qs.set('overdue', '1');
    const current = d === direction && o === overdueOnly;
    return h('li', {}, h('a', { href: `#/cooperation${qs.toString() ? `?${qs}` : ''}`, 'aria-current': current ? 'page' : null }, label));
  };
  const filter = h('nav', { class: 'filters', 'aria-label': t('coop.filter') },
    h('ul', { class: 'inline-list' }, link(t('coop.all'), '', false),
      DIRECTIONS.map((d) => link(t(`coop.direction.${d}`), d, false)), link(t('coop.overdue_only'), '', true)));
  const canWrite = ctx.allowed('justice.write');
  return page(t('coop.title'), h('p', { class: 'lead' }, t('coop.intro')), filter, status,
    canWrite ? newForm(ctx, status) : null, box);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  const status = h('div', { 'aria-live': 'polite' });
  let x;
  try {
    x = await api.get(`/api/v1/coop-requests/${id}`);
  } catch (e) {
    return page(t('coop.title'), errorBlock(e));
  }
  const facts = [
    [t('coop.direction'), t(`coop.direction.${x.direction}`)],
    [t('coop.kind'), t(`coop.kind.${x.kind}`)],
    [t('coop.requesting_state'), `${x.requesting_state}${x.requesting_authority ? ` — ${x.requesting_authority}` : ''}`],
    [t('coop.requested_state'), `${x.requested_state}${x.requested_authority ? ` — ${x.requested_authority}` : ''}`],
    [t('coop.legal_basis'), t(`coop.basis.${x.legal_basis}`) + (x.treaty_name ? ` (${x.treaty_name})` : '')],
    [t('coop.our_reference'), x.our_reference || '—'],
    [t('coop.their_reference'), x.their_reference || '—'],
    [t('coop.date'), day(x.sent_at || x.received_at)],
    [t('coop.acknowledged_at'), day(x.acknowledged_at)],
    [t('coop.deadline'), [day(x.deadline), ' ', overdueBadge(x)]],
    [t('coop.completed_at'), day(x.completed_at)],
    [t('coop.measures'), x.measures.length ? x.measures.map((m) => t(`coop.measure.${m}`)).join(', ') : '—'],
    [t('coop.person_sought'), x.person_sought_withheld ? t('coop.withheld') : (x.person_sought || '—')],
    [t('coop.status'), t(`coop.status.${x.status}`) + (x.refusal_reason ? ` (${t(`coop.refusal.${x.refusal_reason}`)})` : '')],
  ];
  const history = table(t('coop.history'), [
    { label: t('coop.when'), cell: (r) => day(r.at), cls: 'nowrap' },
    { label: t('coop.status'), cell: (r) => h('span', { 'data-history': r.status }, t(`coop.status.${r.status}`)) },
    { label: t('coop.reason'), cell: (r) => (r.reason ? t(`coop.refusal.${r.reason}`) : '—') },
  ], x.history);
  const docs = x.documents.length ? table(t('coop.documents'), [
    { label: t('coop.doc_date'), cell: (d) => day(d.date), cls: 'nowrap' },
    { label: t('coop.doc_title'), cell: (d) => d.title },
  ], x.documents) : h('p', { class: 'empty' }, t('coop.no_documents'));

  const next = NEXT[x.status] || [];
  let move = null;
  if (next.length && ctx.allowed('justice.write')) {
    const f = h('form', { class: 'form', novalidate: true },
      field({ name: 'status', label: t('coop.new_status'), options: next.map((s) => ({ value: s, label: t(`coop.status.${s}`) })) }),
      field({ name: 'reason', label: t('coop.reason'), hint: t('coop.reason_hint'),
        options: [{ value: '', label: '—' }, ...REFUSALS.map((r) => ({ value: r, label: t(`coop.refusal.${r}`) }))] }),
      field({ name: 'at', label: t('coop.when'), type: 'date' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('coop.move'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      const b = { status: v.status };
      if (v.reason) b.reason = v.reason;
      if (v.at) b.at = v.at;
      busy(f, async () => {
        try {
          await api.post(`/api/v1/coop-requests/${x.id}/status`, b);
          ctx.flash(notice('success', t('coop.moved')));
          ctx.navigate(`cooperation/${x.id}`);
        } catch (e) {
          showError(f, e);
        }
      });
    });
    move = h('section', {}, h('h2', {}, t('coop.move')), f);
  }
  return page(t('coop.request_title', { kind: t(`coop.kind.${x.kind}`) }),
    h('p', {}, h('a', { href: '#/cooperation' }, t('coop.back'))), status,
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    move, h('section', {}, h('h2', {}, t('coop.history')), history),
    h('section', {}, h('h2', {}, t('coop.documents')), docs));
}
