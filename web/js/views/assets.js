// Assets (issue 5, part J5): the "Assets" section of an investigation's page: its freezing,
// seizure and confiscation orders with amounts in their currency, the status of each with its
// history, and — for holders of justice.write — forms to record an order, move it along
// (requested → ordered → executed → confiscated → realised, or refused / lifted) and allocate a
// confiscated or realised order to a victim's compensation claim.
import { api } from '../api.js';
import { h, table, field } from '../dom.js';
import { t, currentLang } from '../i18n.js';

const KINDS = ['freezing', 'seizure', 'confiscation'];
const TYPES = ['cash', 'bank_account', 'real_estate', 'vehicle', 'business', 'crypto', 'valuables', 'other'];
const NEXT = {
  requested: ['ordered', 'refused'],
  ordered: ['executed', 'lifted'],
  executed: ['confiscated', 'lifted'],
  confiscated: ['realised'],
};

// "12345.67" in EUR as the user's locale writes money (the decimals the server gave, exactly as
// many); the plain text with the code when the browser cannot format it.
export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!currency) return amount;
  const digits = (String(amount).split('.')[1] || '').length;
  try {
    return new Intl.NumberFormat(currentLang(), {
      style: 'currency', currency, currencyDisplay: 'code', minimumFractionDigits: digits, maximumFractionDigits: digits,
    }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

const moneySpan = (amount, currency, attrs = {}) => h('span', { dir: 'ltr', class: 'nowrap', ...attrs }, money(amount, currency));
const ltr = (v) => h('span', { dir: 'ltr' }, v === null || v === undefined || v === '' ? '—' : v);

// addForm(summary, fields, toBody, submit, onDone) is the investigation page's form helper.
export async function assetsSection({ base, canWrite, suspects, addForm, reload }) {
  const url = `${base}/assets`;
  const r = await api.get(url);
  const orders = r.items || [];
  const suspectName = (sid) => {
    const s = suspects.find((x) => x.id === sid);
    return s ? (s.name || t('justice.withheld')) : '—';
  };
  const list = orders.length ? table(t('assets.title'), [
    { label: t('assets.kind'), cell: (x) => h('span', { 'data-asset': x.id }, t(`assets.kind.${x.kind}`)) },
    { label: t('assets.type'), cell: (x) => t(`assets.type.${x.asset_type}`) },
    { label: t('assets.description'), cell: (x) => x.description || (x.description_withheld ? t('justice.withheld') : '—') },
    { label: t('assets.amount'), cell: (x) => moneySpan(x.amount, x.currency, { 'data-amount-minor': x.amount_minor ?? '' }) },
    { label: t('assets.status'), cell: (x) => h('span', { 'data-asset-status': x.status }, t(`assets.status.${x.status}`)) },
    { label: t('assets.realised_amount'), cell: (x) => moneySpan(x.realised_amount, x.currency) },
    { label: t('assets.allocated'), cell: (x) => moneySpan(x.allocated, x.currency, { 'data-allocated-minor': x.allocated_minor }) },
    { label: t('assets.order_date'), cell: (x) => ltr(x.order_date), cls: 'nowrap' },
    { label: t('assets.suspect'), cell: (x) => (x.suspect_id ? suspectName(x.suspect_id) : '—') },
  ], orders) : h('p', { class: 'empty' }, t('assets.none'));

  const add = canWrite ? addForm(t('assets.add'), [
    field({ name: 'kind', label: t('assets.kind'), options: KINDS.map((x) => ({ value: x, label: t(`assets.kind.${x}`) })) }),
    field({ name: 'asset_type', label: t('assets.type'), options: TYPES.map((x) => ({ value: x, label: t(`assets.type.${x}`) })) }),
    field({ name: 'description', label: t('assets.description'), type: 'textarea', attrs: { maxlength: '2000' } }),
    field({ name: 'suspect_id', label: t('assets.suspect'), options: [{ value: '', label: t('assets.no_suspect') }, ...suspects.map((s) => ({ value: s.id, label: s.name || t(`justice.kind.${s.kind}`) }))] }),
    field({ name: 'currency', label: t('assets.currency'), attrs: { maxlength: '3', dir: 'ltr', autocapitalize: 'characters' } }),
    field({ name: 'amount', label: t('assets.amount'), hint: t('assets.amount_hint'), attrs: { inputmode: 'decimal', dir: 'ltr' } }),
    field({ name: 'authority', label: t('assets.authority'), attrs: { maxlength: '200' } }),
    field({ name: 'order_date', label: t('assets.order_date'), type: 'date' }),
    field({ name: 'court_reference', label: t('assets.court_reference'), attrs: { maxlength: '200', dir: 'ltr' } }),
  ], (v) => {
    const b = { kind: v.kind, asset_type: v.asset_type };
    for (const k of ['description', 'authority', 'order_date', 'court_reference', 'amount']) if (v[k]) b[k] = v[k];
    if (v.currency) b.currency = v.currency.toUpperCase();
    if (v.suspect_id) b.suspect_id = Number(v.suspect_id);
    return b;
  }, (b) => api.post(url, b), reload) : null;

  // One block per order: its history, its allocations, and the forms.
  const blocks = await Promise.all(orders.map(async (o) => {
    const full = await api.get(`${url}/${o.id}`);
    const history = h('ol', { class: 'history' }, (full.history || []).map((x) => h('li', {},
      ltr(x.date), ' ', t(`assets.status.${x.to}`),
      x.amount ? [' · ', moneySpan(x.amount, o.currency)] : null,
      x.note ? [' · ', x.note] : null)));
    const allocs = (full.allocations || []).length ? table(t('assets.allocations'), [
      { label: t('assets.claim'), cell: (x) => ltr(x.claim_id) },
      { label: t('assets.amount'), cell: (x) => moneySpan(x.amount, x.currency, { 'data-allocation-minor': x.amount_minor }) },
      { label: t('assets.date'), cell: (x) => ltr(x.date) },
    ], full.allocations) : null;
    const next = NEXT[o.status] || [];
    const move = canWrite && next.length ? addForm(t('assets.transition'), [
      field({ name: 'status', label: t('assets.new_status'), options: next.map((x) => ({ value: x, label: t(`assets.status.${x}`) })) }),
      field({ name: 'date', label: t('assets.date'), type: 'date' }),
      field({ name: 'amount', label: t('assets.transition_amount'), hint: t('assets.amount_hint'), attrs: { inputmode: 'decimal', dir: 'ltr' } }),
      field({ name: 'note', label: t('assets.note'), type: 'textarea', attrs: { maxlength: '2000' } }),
    ], (v) => {
      const b = { status: v.status };
      for (const k of ['date', 'amount', 'note']) if (v[k]) b[k] = v[k];
      return b;
    }, (b) => api.post(`${url}/${o.id}/status`, b), reload) : null;
    const allocate = canWrite && (o.status === 'confiscated' || o.status === 'realised') ? addForm(t('assets.allocate'), [
      h('p', { class: 'hint' }, t('assets.allocate_hint')),
      field({ name: 'claim_id', label: t('assets.claim_id'), type: 'number', required: true, attrs: { min: '1', dir: 'ltr' } }),
      field({ name: 'amount', label: t('assets.amount'), hint: t('assets.amount_hint'), required: true, attrs: { inputmode: 'decimal', dir: 'ltr' } }),
      field({ name: 'date', label: t('assets.date'), type: 'date' }),
    ], (v) => {
      const b = { claim_id: Number(v.claim_id), amount: v.amount };
      if (v.date) b.date = v.date;
      return b;
    }, (b) => api.post(`${url}/${o.id}/allocations`, b), reload) : null;
    return h('div', { class: 'asset-order', 'data-asset-order': o.id },
      h('h3', {}, `${t('assets.order')}: ${t(`assets.kind.${o.kind}`)} · `, moneySpan(o.amount, o.currency), ' · ', t(`assets.status.${o.status}`)),
      h('h4', {}, t('assets.history')), history,
      allocs ? [h('h4', {}, t('assets.allocations')), allocs] : null,
      move, allocate);
  }));

  return h('section', { 'aria-labelledby': 'j-assets' }, h('h2', { id: 'j-assets' }, t('assets.title')),
    h('p', { class: 'hint' }, t('assets.intro')), list, ...blocks, add);
}
