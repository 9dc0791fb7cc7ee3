// The Trust Fund (issue 8, part L; docs/fund.md): #/trustfund with five tabs — the overview (the
// fund's balance, this year's contributions and disbursements), donors, contributions (pledges and
// receipts, with one form to record a pledge or a receipt for holders of fund.write), the ledger's
// entries and a statement for any period with links to its XLSX and PDF. Amounts come from the
// server as exact decimal text (never computed here); one request per save; no libraries.
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, currentLang } from '../i18n.js';

const TABS = ['overview', 'donors', 'contributions', 'ledger', 'statement'];
const KINDS = ['member_state', 'intergovernmental', 'private_sector', 'foundation', 'individual'];
const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];

const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap' }, v === null || v === undefined || v === '' ? '—' : String(v));
const usd = (v) => ltr(v === null || v === undefined ? '—' : `${v} USD`);
const money = (v, cur) => ltr(v === null || v === undefined ? '—' : `${v} ${cur}`);
const today = () => new Date().toISOString().slice(0, 10);
const yearStart = () => `${today().slice(0, 4)}-01-01`;

function tabs(active) {
  return h('nav', { class: 'tabs', 'aria-label': t('trustfund.tabs') },
    TABS.map((tab) => h('a', { href: `#/trustfund?tab=${tab}`, 'aria-current': tab === active ? 'page' : null, 'data-tab': tab },
      t(`trustfund.tab.${tab}`))));
}

// A form that posts one JSON body (one request per save) and reports the field in error.
function postForm(title, fields, toBody, url, onDone, submitLabel) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true }, fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, submitLabel || t('trustfund.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    busy(f, async () => {
      try {
        const r = await api.post(typeof url === 'function' ? url(formValues(f)) : url, toBody(formValues(f)));
        out.replaceChildren(notice('success', t('trustfund.saved')));
        f.reset();
        if (onDone) await onDone(r);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'add-form' }, h('summary', {}, title), f, out);
}

async function overview() {
  const from = yearStart();
  const to = today();
  const [bal, st] = await Promise.all([
    api.get('/api/v1/fund/balances'),
    api.get(`/api/v1/fund/statement${query({ from, to })}`),
  ]);
  const acc = (code) => (bal.accounts || []).find((a) => a.account === code) || {};
  const fundBalance = st.closing_balance;
  return h('section', { 'aria-labelledby': 'tf-overview' },
    h('h2', { id: 'tf-overview' }, t('trustfund.tab.overview')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('trustfund.overview.balance')), h('dd', { 'data-fund-balance': st.closing_balance_cents }, usd(fundBalance)),
      h('dt', {}, t('trustfund.overview.cash')), h('dd', { 'data-cash': acc('cash').closing_cents }, usd(acc('cash').closing)),
      h('dt', {}, t('trustfund.overview.contributions', { year: from.slice(0, 4) })),
      h('dd', { 'data-contributions': st.contributions_cents }, usd(st.contributions)),
      h('dt', {}, t('trustfund.overview.disbursements', { year: from.slice(0, 4) })),
      h('dd', { 'data-disbursements': st.disbursements_cents }, usd(st.disbursements)),
      h('dt', {}, t('trustfund.statement.pledges_receivable')), h('dd', {}, usd(acc('pledges_receivable').closing)),
      h('dt', {}, t('trustfund.statement.grants_payable')), h('dd', {}, usd(acc('grants_payable').closing))),
    h('p', { class: bal.balanced ? 'hint' : 'error', 'data-balanced': String(Boolean(bal.balanced)) },
      t(bal.balanced ? 'trustfund.statement.balanced' : 'trustfund.statement.unbalanced')));
}

async function donors(ctx, reload) {
  const r = await api.get('/api/v1/fund/donors');
  const list = (r.items || []).length ? table(t('trustfund.tab.donors'), [
    { label: t('trustfund.donor'), cell: (d) => h('span', { 'data-donor': d.id }, d.name) },
    { label: t('trustfund.donor.kind'), cell: (d) => t(`trustfund.kind.${d.kind}`) },
    { label: t('trustfund.donor.country'), cell: (d) => ltr(d.country) },
    { label: t('trustfund.donor.pledged'), cell: (d) => usd(d.pledged_usd), cls: 'num' },
    { label: t('trustfund.donor.received'), cell: (d) => usd(d.received_usd), cls: 'num' },
  ], r.items) : h('p', { class: 'empty' }, t('trustfund.none'));
  const add = ctx.allowed('fund.write') ? postForm(t('trustfund.donor.add'), [
    field({ name: 'kind', label: t('trustfund.donor.kind'), required: true, options: KINDS.map((k) => ({ value: k, label: t(`trustfund.kind.${k}`) })) }),
    field({ name: 'name', label: t('trustfund.donor.name'), required: true, hint: t('trustfund.donor.name_hint'), attrs: { maxlength: '200' } }),
    field({ name: 'country', label: t('trustfund.donor.country'), hint: t('trustfund.donor.country_hint'), attrs: { maxlength: '3', dir: 'ltr', autocapitalize: 'characters' } }),
    field({ name: 'contact', label: t('trustfund.donor.contact'), type: 'textarea', attrs: { maxlength: '500' } }),
    field({ name: 'language', label: t('trustfund.donor.language'), value: 'en', options: LANGS.map((l) => ({ value: l, label: l })) }),
    field({ name: 'anonymous', label: t('trustfund.donor.anonymous_flag'), type: 'checkbox' }),
  ], (v) => {
    const b = { kind: v.kind, name: v.name, language: v.language, anonymous: Boolean(v.anonymous) };
    if (v.country) b.country = v.country.toUpperCase();
    if (v.contact) b.contact = v.contact;
    return b;
  }, '/api/v1/fund/donors', reload) : null;
  return h('section', { 'aria-labelledby': 'tf-donors' }, h('h2', { id: 'tf-donors' }, t('trustfund.tab.donors')), list, add);
}

async function contributions(ctx, reload) {
  const [p, r, d] = await Promise.all([
    api.get('/api/v1/fund/pledges'), api.get('/api/v1/fund/receipts'), api.get('/api/v1/fund/donors'),
  ]);
  const pledges = p.items || [];
  const receipts = r.items || [];
  const pl = pledges.length ? table(t('trustfund.pledges'), [
    { label: t('trustfund.date'), cell: (x) => ltr(x.date) },
    { label: t('trustfund.donor'), cell: (x) => x.donor },
    { label: t('trustfund.amount'), cell: (x) => money(x.amount, x.currency), cls: 'num' },
    { label: t('trustfund.usd'), cell: (x) => usd(x.usd), cls: 'num' },
    { label: t('trustfund.earmark'), cell: (x) => (x.earmark === 'unearmarked' ? t('trustfund.earmark.none') : ltr(x.earmark)) },
    { label: t('trustfund.pledge.status'), cell: (x) => h('span', { 'data-pledge-status': x.status }, t(`trustfund.pledge.${x.status}`)) },
    { label: t('trustfund.pledge.unpaid'), cell: (x) => money(x.unpaid, x.currency), cls: 'num' },
  ], pledges) : h('p', { class: 'empty' }, t('trustfund.none'));
  const rl = receipts.length ? table(t('trustfund.receipts'), [
    { label: t('trustfund.receipt.number'), cell: (x) => h('a', { href: `/api/v1/fund/receipts/${x.id}.pdf`, 'data-receipt': x.number, dir: 'ltr' }, x.number) },
    { label: t('trustfund.date'), cell: (x) => ltr(x.date) },
    { label: t('trustfund.donor'), cell: (x) => x.donor },
    { label: t('trustfund.amount'), cell: (x) => money(x.amount, x.currency), cls: 'num' },
    { label: t('trustfund.rate'), cell: (x) => ltr(`${x.rate} (${x.rate_date})`) },
    { label: t('trustfund.usd'), cell: (x) => usd(x.usd), cls: 'num' },
    { label: t('trustfund.receipt.status'), cell: (x) => t(`trustfund.receipt.${x.status}`) },
  ], receipts) : h('p', { class: 'empty' }, t('trustfund.none'));
  let form = null;
  if (ctx.allowed('fund.write')) {
    const donorOpts = (d.items || []).map((x) => ({ value: x.id, label: x.name }));
    const open = pledges.filter((x) => x.status === 'open' || x.status === 'partly_paid');
    form = postForm(t('trustfund.record'), [
      field({ name: 'what', label: t('trustfund.record.what'), required: true, options: [
        { value: 'receipt', label: t('trustfund.record.receipt') }, { value: 'pledge', label: t('trustfund.record.pledge') }] }),
      field({ name: 'donor_id', label: t('trustfund.donor'), required: true, options: donorOpts }),
      field({ name: 'pledge_id', label: t('trustfund.record.pledge_of'), hint: t('trustfund.record.pledge_hint'), options: [
        { value: '', label: t('trustfund.record.no_pledge') },
        ...open.map((x) => ({ value: x.id, label: `${x.date} · ${x.donor} · ${x.unpaid} ${x.currency}` }))] }),
      field({ name: 'date', label: t('trustfund.date'), type: 'date', required: true, value: today() }),
      field({ name: 'currency', label: t('trustfund.currency'), required: true, value: 'USD', attrs: { maxlength: '3', dir: 'ltr', autocapitalize: 'characters' } }),
      field({ name: 'amount', label: t('trustfund.amount'), required: true, hint: t('trustfund.amount_hint'), attrs: { inputmode: 'decimal', dir: 'ltr' } }),
      field({ name: 'earmark', label: t('trustfund.earmark'), hint: t('trustfund.earmark_hint'), attrs: { dir: 'ltr', maxlength: '64' } }),
      field({ name: 'expected_date', label: t('trustfund.record.expected'), type: 'date' }),
      field({ name: 'bank_reference', label: t('trustfund.bank_reference'), attrs: { dir: 'ltr', maxlength: '100' } }),
    ], (v) => {
      const b = { donor_id: Number(v.donor_id), date: v.date, currency: (v.currency || '').toUpperCase(), amount: v.amount };
      if (v.what === 'pledge') {
        if (v.earmark) b.earmark = v.earmark;
        if (v.expected_date) b.expected_date = v.expected_date;
      } else {
        if (v.pledge_id) b.pledge_id = Number(v.pledge_id);
        else if (v.earmark) b.earmark = v.earmark;
        if (v.bank_reference) b.bank_reference = v.bank_reference;
      }
      return b;
    }, (v) => (v.what === 'pledge' ? '/api/v1/fund/pledges' : '/api/v1/fund/receipts'), reload);
  }
  return h('section', { 'aria-labelledby': 'tf-contrib' }, h('h2', { id: 'tf-contrib' }, t('trustfund.tab.contributions')),
    form, h('h3', {}, t('trustfund.pledges')), pl, h('h3', {}, t('trustfund.receipts')), rl);
}

async function ledger(ctx) {
  const q = ctx.query;
  const from = q.get('from') || yearStart();
  const to = q.get('to') || today();
  const r = await api.get(`/api/v1/fund/ledger${query({ from, to, limit: 200 })}`);
  const rows = [];
  for (const e of r.items || []) {
    (e.lines || []).forEach((l, i) => rows.push({ e, l, first: i === 0 }));
  }
  const f = periodForm('ledger', from, to);
  return h('section', { 'aria-labelledby': 'tf-ledger' }, h('h2', { id: 'tf-ledger' }, t('trustfund.tab.ledger')), f,
    h('p', { class: 'hint' }, t('trustfund.ledger.count', { count: r.count })),
    rows.length ? table(t('trustfund.tab.ledger'), [
      { label: t('trustfund.date'), cell: (x) => (x.first ? ltr(x.e.date) : '') },
      { label: t('trustfund.entry.kind'), cell: (x) => (x.first ? t(`trustfund.entry.${x.e.kind}`) : '') },
      { label: t('trustfund.statement.account'), cell: (x) => t(`trustfund.account.${x.l.account}`) },
      { label: t('trustfund.statement.debit'), cell: (x) => (x.l.debit_cents ? ltr(x.l.debit) : ''), cls: 'num' },
      { label: t('trustfund.statement.credit'), cell: (x) => (x.l.credit_cents ? ltr(x.l.credit) : ''), cls: 'num' },
      { label: t('trustfund.entry.memo'), cell: (x) => (x.first ? ltr(x.e.memo) : '') },
    ], rows) : h('p', { class: 'empty' }, t('trustfund.none')));
}

function periodForm(tab, from, to) {
  const f = h('form', { class: 'form inline-fields', novalidate: true },
    field({ name: 'from', label: t('trustfund.from'), type: 'date', required: true, value: from }),
    field({ name: 'to', label: t('trustfund.to'), type: 'date', required: true, value: to }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('trustfund.show'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    location.hash = `#/trustfund${query({ tab, from: v.from, to: v.to })}`;
  });
  return f;
}

async function statement(ctx) {
  const q = ctx.query;
  const from = q.get('from') || yearStart();
  const to = q.get('to') || today();
  const lang = currentLang();
  const s = await api.get(`/api/v1/fund/statement${query({ from, to })}`);
  const line = (key, member) => ({ label: t(key), value: s[member], cents: s[`${member}_cents`] });
  const lines = [
    line('trustfund.statement.opening', 'opening_balance'),
    line('trustfund.statement.contributions', 'contributions'),
    line('trustfund.statement.earmarked', 'contributions_earmarked'),
    line('trustfund.statement.unearmarked', 'contributions_unearmarked'),
    line('trustfund.statement.grant_expense', 'grant_expense'),
    line('trustfund.statement.fx', 'fx_differences'),
    line('trustfund.statement.closing', 'closing_balance'),
    line('trustfund.statement.cash_opening', 'cash_opening'),
    line('trustfund.statement.receipts', 'receipts'),
    line('trustfund.statement.disbursements', 'disbursements'),
    line('trustfund.statement.cash_closing', 'cash_closing'),
    line('trustfund.statement.pledges_receivable', 'pledges_receivable_closing'),
    line('trustfund.statement.grants_payable', 'grants_payable_closing'),
  ];
  const tb = s.trial_balance || {};
  const files = query({ from, to, lang });
  return h('section', { 'aria-labelledby': 'tf-statement' }, h('h2', { id: 'tf-statement' }, t('trustfund.tab.statement')),
    periodForm('statement', from, to),
    h('p', {},
      h('a', { href: `/api/v1/fund/statement.xlsx${files}`, class: 'button', 'data-statement-xlsx': '' }, t('trustfund.statement.xlsx')), ' ',
      h('a', { href: `/api/v1/fund/statement.pdf${files}`, class: 'button', 'data-statement-pdf': '' }, t('trustfund.statement.pdf'))),
    h('p', { class: s.balanced ? 'hint' : 'error', 'data-balanced': String(Boolean(s.balanced)) },
      t(s.balanced ? 'trustfund.statement.balanced' : 'trustfund.statement.unbalanced')),
    table(t('trustfund.statement.title'), [
      { label: t('trustfund.statement.item'), cell: (x) => x.label },
      { label: t('trustfund.usd'), cell: (x) => h('span', { dir: 'ltr', 'data-cents': x.cents }, x.value), cls: 'num' },
    ], lines),
    table(t('trustfund.statement.by_kind'), [
      { label: t('trustfund.donor.kind'), cell: (x) => t(`trustfund.kind.${x.kind}`) },
      { label: t('trustfund.statement.earmarked'), cell: (x) => ltr(x.earmarked), cls: 'num' },
      { label: t('trustfund.statement.unearmarked'), cell: (x) => ltr(x.unearmarked), cls: 'num' },
      { label: t('trustfund.statement.total'), cell: (x) => ltr(x.total), cls: 'num' },
    ], s.contributions_by_kind || []),
    table(t('trustfund.statement.by_donor'), [
      { label: t('trustfund.donor'), cell: (x) => x.donor },
      { label: t('trustfund.statement.earmarked'), cell: (x) => ltr(x.earmarked), cls: 'num' },
      { label: t('trustfund.statement.unearmarked'), cell: (x) => ltr(x.unearmarked), cls: 'num' },
      { label: t('trustfund.statement.total'), cell: (x) => ltr(x.total), cls: 'num' },
    ], s.contributions_by_donor || []),
    table(t('trustfund.statement.trial_balance'), [
      { label: t('trustfund.statement.account'), cell: (x) => t(`trustfund.account.${x.account}`) },
      { label: t('trustfund.statement.debit'), cell: (x) => ltr(x.debit), cls: 'num' },
      { label: t('trustfund.statement.credit'), cell: (x) => ltr(x.credit), cls: 'num' },
    ], [...(tb.accounts || []), { account: 'total', debit: tb.debits, credit: tb.credits }]));
}

export async function render(ctx) {
  const tab = TABS.includes(ctx.query.get('tab')) ? ctx.query.get('tab') : 'overview';
  const body = h('div', {});
  const reload = async () => {
    try {
      body.replaceChildren(await section());
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  };
  const section = () => {
    switch (tab) {
      case 'donors': return donors(ctx, reload);
      case 'contributions': return contributions(ctx, reload);
      case 'ledger': return ledger(ctx);
      case 'statement': return statement(ctx);
      default: return overview();
    }
  };
  await reload();
  return h('div', { class: 'page', 'data-trustfund': tab },
    h('h1', { tabindex: '-1' }, t('nav.trustfund')),
    h('p', { class: 'hint' }, t('trustfund.intro')), tabs(tab), body);
}
