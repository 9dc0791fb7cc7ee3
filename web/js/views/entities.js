// Investigative entities (issue 5, part J2) on the investigation page (justice.js): an
// "Entities" section (companies, phones, e-mail addresses, addresses, bank accounts, vehicles,
// online ads and profiles; values withheld without legal access; links shown; forms to add one,
// to link two and to retract one) and a "Transactions" section (money between two bank accounts; a form to add).
import { api } from '../api.js';
import { h, table, field } from '../dom.js';
import { t } from '../i18n.js';

const KINDS = ['company', 'phone', 'email', 'address', 'bank_account', 'vehicle', 'online_ad', 'online_profile', 'other'];
const PLATFORMS = ['facebook', 'instagram', 'telegram', 'whatsapp', 'vk', 'tiktok', 'classifieds', 'website', 'other'];
const RELATIONS = ['owns', 'uses', 'controls', 'advertised_in', 'registered_at', 'located_at', 'pays_through', 'same_as', 'other'];
const CHANNELS = ['bank_transfer', 'cash', 'money_transfer_service', 'crypto', 'other'];

const dash = (v) => (v === null || v === undefined || v === '' ? '—' : v);
const ltr = (v) => h('span', { dir: 'ltr' }, dash(v));

// The kind-specific clear codes of an entity, as one line.
function details(x) {
  const parts = [];
  if (x.registration) parts.push(`${t('entities.registration')}: ${x.registration}`);
  if (x.bank_code) parts.push(`${t('entities.bank_code')}: ${x.bank_code}`);
  if (x.currency) parts.push(x.currency);
  if (x.make_model) parts.push(x.make_model);
  if (x.platform) parts.push(t(`entities.platform.${x.platform}`));
  return parts.length ? parts.join(' · ') : '—';
}

// Formats minor units with two decimals (the currency's own exponent is not known here).
const amount = (x) => `${(x.amount_minor / 100).toFixed(2)} ${x.currency}`;

// The two sections. addForm is justice.js's form helper; suspects label the "used by" choice.
export async function entitySections({ base, canWrite, suspects, suspectName, addForm, reload }) {
  const [ent, lnk, txs] = await Promise.all([
    api.get(`${base}/entities`), api.get(`${base}/entity-links`), api.get(`${base}/transactions`)]);
  const entities = ent.items || [];
  const links = lnk.items || [];
  const label = (eid) => {
    const e = entities.find((x) => x.id === eid);
    if (!e) return String(eid);
    return `${t(`entities.kind.${e.kind}`)}: ${e.value || t('justice.withheld')}`;
  };
  // The same as a node: the value left to right inside right-to-left text.
  const labelNode = (eid) => {
    const e = entities.find((x) => x.id === eid);
    if (!e) return String(eid);
    return [t(`entities.kind.${e.kind}`), ': ', e.value ? h('bdi', { dir: 'ltr' }, e.value) : t('justice.withheld')];
  };
  const valueCell = (x) => {
    const v = x.value ? h('span', { dir: 'ltr' }, x.value) : h('em', {}, x.value_withheld ? t('justice.withheld') : '—');
    return [x.retracted ? h('s', {}, v) : v, x.note ? h('div', { class: 'hint' }, x.note) : null,
      x.retracted ? h('div', { class: 'hint', 'data-retracted': x.id }, t('entities.retracted'), x.retract_reason ? `: ${x.retract_reason}` : '') : null];
  };
  const linksCell = (x) => {
    const mine = links.filter((l) => l.from_entity === x.id || l.to_entity === x.id);
    if (!mine.length) return '—';
    return h('ul', { class: 'plain' }, mine.map((l) => h('li', {},
      l.from_entity === x.id ? [t(`entities.relation.${l.relation}`), ' → ', labelNode(l.to_entity)]
        : [labelNode(l.from_entity), ' ', t(`entities.relation.${l.relation}`), ' →'])));
  };
  const live = entities.filter((x) => !x.retracted);
  const accounts = live.filter((x) => x.kind === 'bank_account');

  const entitySection = h('section', { 'aria-labelledby': 'j-ent' }, h('h2', { id: 'j-ent' }, t('entities.title')),
    h('p', { class: 'hint' }, t('entities.hint')),
    entities.length ? table(t('entities.title'), [
      { label: t('entities.kind'), cell: (x) => h('span', { 'data-entity': x.id }, t(`entities.kind.${x.kind}`)) },
      { label: t('entities.value'), cell: valueCell },
      { label: t('entities.details'), cell: details },
      { label: t('entities.country'), cell: (x) => ltr(x.country) },
      { label: t('entities.seen'), cell: (x) => (x.first_seen || x.last_seen ? [ltr(x.first_seen), ' – ', ltr(x.last_seen)] : '—'), cls: 'nowrap' },
      { label: t('entities.suspect'), cell: (x) => (x.suspect_id ? suspectName(x.suspect_id) : '—') },
      { label: t('entities.links'), cell: linksCell },
    ], entities) : h('p', { class: 'empty' }, t('entities.empty')),
    canWrite ? addForm(t('entities.add'), [
      field({ name: 'kind', label: t('entities.kind'), options: KINDS.map((x) => ({ value: x, label: t(`entities.kind.${x}`) })) }),
      field({ name: 'value', label: t('entities.value'), hint: t('entities.value_hint'), required: true, attrs: { maxlength: '1000', dir: 'auto' } }),
      field({ name: 'note', label: t('entities.note'), type: 'textarea', attrs: { maxlength: '4000' } }),
      field({ name: 'country', label: t('entities.country'), attrs: { maxlength: '3', dir: 'ltr' } }),
      field({ name: 'first_seen', label: t('entities.first_seen'), type: 'date' }),
      field({ name: 'last_seen', label: t('entities.last_seen'), type: 'date' }),
      field({ name: 'suspect_id', label: t('entities.suspect'), options: [{ value: '', label: '—' }, ...suspects.map((s) => ({ value: s.id, label: suspectName(s.id) }))] }),
      field({ name: 'extra', label: t('entities.extra'), hint: t('entities.extra_hint'), attrs: { maxlength: '100', dir: 'ltr' } }),
      field({ name: 'platform', label: t('entities.platform'), options: [{ value: '', label: '—' }, ...PLATFORMS.map((x) => ({ value: x, label: t(`entities.platform.${x}`) }))] }),
    ], (v) => {
      const b = { kind: v.kind, value: v.value };
      for (const k of ['note', 'country', 'first_seen', 'last_seen']) if (v[k]) b[k] = v[k];
      if (v.suspect_id) b.suspect_id = Number(v.suspect_id);
      // The one kind-specific text: registration (company), bank code (bank account), make and model (vehicle).
      const extraKey = { company: 'registration', bank_account: 'bank_code', vehicle: 'make_model' }[v.kind];
      if (v.extra && extraKey) b[extraKey] = v.extra;
      if (v.platform && (v.kind === 'online_ad' || v.kind === 'online_profile')) b.platform = v.platform;
      return b;
    }, (b) => api.post(`${base}/entities`, b), reload) : null,
    canWrite && live.length >= 2 ? addForm(t('entities.link_add'), [
      field({ name: 'from_entity', label: t('entities.link_from'), options: live.map((x) => ({ value: x.id, label: label(x.id) })) }),
      field({ name: 'relation', label: t('entities.relation'), options: RELATIONS.map((x) => ({ value: x, label: t(`entities.relation.${x}`) })) }),
      field({ name: 'to_entity', label: t('entities.link_to'), options: live.map((x) => ({ value: x.id, label: label(x.id) })) }),
    ], (v) => ({ from_entity: Number(v.from_entity), to_entity: Number(v.to_entity), relation: v.relation }),
    (b) => api.post(`${base}/entity-links`, b), reload) : null,
    canWrite && live.length ? addForm(t('entities.retract'), [
      field({ name: 'entity', label: t('entities.entity'), options: live.map((x) => ({ value: x.id, label: label(x.id) })) }),
      field({ name: 'retract_reason', label: t('entities.retract_reason'), required: true, attrs: { maxlength: '1000' } }),
    ], (v) => ({ entity: Number(v.entity), retract_reason: v.retract_reason }), (b) => {
      const e = entities.find((x) => x.id === b.entity);
      return api.patch(`${base}/entities/${b.entity}`, { retracted: true, retract_reason: b.retract_reason }, e.version);
    }, reload) : null);

  const txSection = h('section', { 'aria-labelledby': 'j-tx' }, h('h2', { id: 'j-tx' }, t('entities.transactions')),
    (txs.items || []).length ? table(t('entities.transactions'), [
      { label: t('entities.tx_date'), cell: (x) => ltr(x.date), cls: 'nowrap' },
      { label: t('entities.tx_from'), cell: (x) => labelNode(x.from_entity) },
      { label: t('entities.tx_to'), cell: (x) => labelNode(x.to_entity) },
      { label: t('entities.tx_amount'), cell: (x) => h('span', { dir: 'ltr', 'data-transaction': x.id }, amount(x)), cls: 'nowrap' },
      { label: t('entities.tx_channel'), cell: (x) => t(`entities.channel.${x.channel}`) },
      { label: t('entities.tx_reference'), cell: (x) => (x.reference ? x.reference : (x.reference_withheld ? h('em', {}, t('justice.withheld')) : '—')) },
    ], txs.items) : h('p', { class: 'empty' }, t('entities.tx_empty')),
    canWrite && accounts.length >= 2 ? addForm(t('entities.tx_add'), [
      field({ name: 'from_entity', label: t('entities.tx_from'), options: accounts.map((x) => ({ value: x.id, label: label(x.id) })) }),
      field({ name: 'to_entity', label: t('entities.tx_to'), options: accounts.map((x) => ({ value: x.id, label: label(x.id) })) }),
      field({ name: 'date', label: t('entities.tx_date'), type: 'date', required: true }),
      field({ name: 'amount_minor', label: t('entities.tx_amount'), hint: t('entities.tx_amount_hint'), type: 'number', required: true, attrs: { min: '1', dir: 'ltr' } }),
      field({ name: 'currency', label: t('entities.currency'), required: true, attrs: { maxlength: '3', dir: 'ltr' } }),
      field({ name: 'channel', label: t('entities.tx_channel'), options: CHANNELS.map((x) => ({ value: x, label: t(`entities.channel.${x}`) })) }),
      field({ name: 'reference', label: t('entities.tx_reference'), attrs: { maxlength: '500' } }),
    ], (v) => {
      const b = { from_entity: Number(v.from_entity), to_entity: Number(v.to_entity), date: v.date,
        amount_minor: Number(v.amount_minor), currency: v.currency, channel: v.channel };
      if (v.reference) b.reference = v.reference;
      return b;
    }, (b) => api.post(`${base}/transactions`, b), reload) : null);

  return [entitySection, txSection];
}
