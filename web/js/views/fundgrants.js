// fundgrants: the Trust Fund's grants (issue 8, part G). #/fundgrants lists the grants, the
// disbursements waiting for approval and the fund's results; #/fundgrants/{id} shows a grant with
// its tranches, its disbursements (record; approve or reject, offered only to another user holding
// fund.certify than the one who recorded it) and its reports (a grantee's form, kept light for a
// slow link: the whole draft is saved in one request; accept or return for fund managers).
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t } from '../i18n.js';

const SEXES = ['female', 'male', 'other', 'unknown'];
const AGES = ['adult', 'child'];
const FORMS = ['ForcedLabour', 'SexualExploitation', 'ChildLabour', 'ForcedMarriage', 'Servitude',
  'ForcedMilitaryByNonStateActors', 'OrganRemoval', 'ForcedBegging', 'ForcedAdoption', 'Surrogacy', 'Other'];
const SERVICES = ['shelter', 'medical', 'medical_infectious', 'psychological', 'legal_aid', 'interpretation',
  'education', 'vocational_training', 'financial', 'family_tracing', 'other'];

const usd = (v) => h('span', { dir: 'ltr', class: 'num' }, `USD ${v}`);
const dash = (v) => (v === null || v === undefined || v === '' ? '–' : v);
const statusLabel = (s) => t(`fundgrants.status.${s}`);

function grantsTable(items) {
  return table(t('fundgrants.grants'), [
    { label: t('fundgrants.number'), cell: (g) => h('a', { href: `#/fundgrants/${g.id}` }, g.number) },
    { label: t('fundgrants.organisation'), cell: (g) => dash(g.agency) },
    { label: t('fundgrants.country'), cell: (g) => g.country },
    { label: t('fundgrants.period'), cell: (g) => `${g.start_date} – ${g.end_date}` },
    { label: t('fundgrants.amount'), cell: (g) => usd(g.amount), cls: 'num' },
    { label: t('fundgrants.paid'), cell: (g) => usd(g.paid), cls: 'num' },
    { label: t('fundgrants.status'), cell: (g) => statusLabel(g.status) },
  ], items);
}

function resultsBlock() {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form form-inline', novalidate: true },
    field({ name: 'by', label: t('fundgrants.results.by'), value: 'country,year',
      options: ['country,year', 'country,year,sex', 'country,year,age', 'country,year,form', 'sex,age', 'form']
        .map((v) => ({ value: v, label: v.split(',').map((d) => t(`fundgrants.dim.${d}`)).join(' × ') })) }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundgrants.results.show'))));
  const load = async (by) => {
    try {
      const r = await api.get(`/api/v1/fund/results${query({ by })}`);
      const dims = by.split(',');
      const cell = (d) => (row) => (d === 'sex' || d === 'age' ? t(`fundgrants.${d}.${row[d]}`)
        : d === 'form' ? t(`fundgrants.form.${row[d]}`) : String(row[d]));
      out.replaceChildren(r.items.length === 0 ? notice('info', t('fundgrants.results.none'))
        : table(t('fundgrants.results.title'), [
          ...dims.map((d) => ({ label: t(`fundgrants.dim.${d}`), cell: cell(d) })),
          { label: t('fundgrants.results.victims'), cell: (row) => String(row.victims), cls: 'num' },
        ], r.items));
    } catch (e) {
      out.replaceChildren(errorBlock(e));
    }
  };
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(f, () => load(formValues(f).by));
  });
  load('country,year');
  return h('section', { class: 'section' }, h('h2', {}, t('fundgrants.results.title')),
    h('p', { class: 'hint' }, t('fundgrants.results.hint')), f, out);
}

function addGrantForm(ctx, agencies) {
  const f = h('form', { class: 'form', novalidate: true },
    agencies && agencies.length
      ? field({ name: 'agency_id', label: t('fundgrants.organisation'), required: true,
        options: agencies.map((a) => ({ value: a.id, label: a.name })) })
      : field({ name: 'agency_id', label: t('fundgrants.add.agency'), required: true, hint: t('fundgrants.add.agency_hint') }),
    field({ name: 'country', label: t('fundgrants.country'), required: true, hint: 'ISO 3166-1 alpha-3' }),
    field({ name: 'programme', label: t('fundgrants.programme'),
      options: ['immediate', 'medium_term', 'other'].map((p) => ({ value: p, label: t(`fundgrants.programme.${p}`) })) }),
    field({ name: 'start_date', label: t('fundgrants.start'), type: 'date', required: true }),
    field({ name: 'end_date', label: t('fundgrants.end'), type: 'date', required: true }),
    field({ name: 'tranches', label: t('fundgrants.add.tranches'), required: true, hint: t('fundgrants.add.tranches_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundgrants.add.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const tranches = v.tranches.split(/[;\n]+/).map((s) => s.trim()).filter(Boolean).map((s) => {
      const [due, amount] = s.split(/\s*:\s*|\s+/);
      return { due_date: due, amount };
    });
    busy(f, async () => {
      try {
        const g = await api.post('/api/v1/fund/grants', {
          agency_id: Number(v.agency_id), country: v.country.toUpperCase(), programme: v.programme,
          start_date: v.start_date, end_date: v.end_date, tranches,
        });
        ctx.navigate(`fundgrants/${g.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'section' }, h('summary', {}, t('fundgrants.add.title')), f);
}

export async function render(ctx) {
  const canRead = ctx.allowed('fund.read');
  let grants;
  try {
    grants = (await api.get('/api/v1/fund/grants')).items;
  } catch (e) {
    return page(t('fundgrants.title'), errorBlock(e));
  }
  let pending = null;
  if (canRead) {
    try {
      const d = (await api.get('/api/v1/fund/disbursements?status=pending')).items;
      pending = d.length === 0 ? null : h('section', { class: 'section' },
        h('h2', {}, t('fundgrants.disb.pending')),
        table(t('fundgrants.disb.pending'), [
          { label: t('fundgrants.number'), cell: (x) => h('a', { href: `#/fundgrants/${x.grant_id}` }, x.grant_number) },
          { label: t('fundgrants.tranche'), cell: (x) => String(x.tranche_seq) },
          { label: t('fundgrants.amount'), cell: (x) => usd(x.amount), cls: 'num' },
          { label: t('fundgrants.disb.date'), cell: (x) => x.date },
        ], d));
    } catch (e) {
      pending = errorBlock(e);
    }
  }
  let agencies = null;
  if (ctx.allowed('fund.write') && ctx.allowed('agency.read')) {
    try {
      agencies = (await api.get('/api/v1/agencies?limit=500')).items;
    } catch {
      agencies = null; // the form falls back to the organisation's number
    }
  }
  return page(t('fundgrants.title'),
    h('p', { class: 'hint' }, t(canRead ? 'fundgrants.hint' : 'fundgrants.hint_grantee')),
    ctx.allowed('fund.write') ? addGrantForm(ctx, agencies) : null,
    grants.length === 0 ? notice('info', t('fundgrants.none')) : grantsTable(grants),
    pending,
    resultsBlock());
}

// ---- one grant ----------------------------------------------------------------------------------

function disbursementsBlock(ctx, grant, items, reload) {
  const me = ctx.me && ctx.me.user ? ctx.me.user.id : (ctx.me && ctx.me.id);
  const mayCertify = ctx.allowed('fund.certify');
  const decide = (d, decision) => async (ev) => {
    ev.preventDefault();
    const form = ev.target.closest('form');
    const reason = form ? formValues(form).reason : '';
    try {
      await api.post(`/api/v1/fund/disbursements/${d.id}/approval`, { decision, reason });
      await reload(notice('success', t(`fundgrants.disb.${decision}d`)));
    } catch (e) {
      if (form) showError(form, e);
    }
  };
  const actions = (d) => {
    if (d.status !== 'pending') return statusLabel(d.status);
    // Separation of duties: the one who recorded it never approves it.
    if (!mayCertify || d.recorded_by === me) return h('span', { class: 'hint' }, t('fundgrants.disb.awaits_other'));
    const f = h('form', { class: 'form-inline', novalidate: true },
      field({ name: 'reason', label: t('fundgrants.reason') }),
      h('button', { type: 'submit', 'data-action': 'approve' }, t('fundgrants.disb.approve')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'reject' }, t('fundgrants.disb.reject')));
    f.addEventListener('submit', decide(d, 'approve'));
    f.querySelector('[data-action="reject"]').addEventListener('click', decide(d, 'reject'));
    return f;
  };
  const rows = items.length === 0 ? notice('info', t('fundgrants.disb.none'))
    : table(t('fundgrants.disb.title'), [
      { label: t('fundgrants.tranche'), cell: (d) => String(d.tranche_seq) },
      { label: t('fundgrants.amount'), cell: (d) => usd(d.amount), cls: 'num' },
      { label: t('fundgrants.disb.date'), cell: (d) => d.date },
      { label: t('fundgrants.disb.bank_reference'), cell: (d) => d.bank_reference },
      { label: t('fundgrants.status'), cell: actions },
    ], items);
  let record = null;
  const released = grant.tranches.filter((x) => x.status === 'released');
  if (ctx.allowed('fund.write') && grant.status === 'active' && released.length > 0) {
    const f = h('form', { class: 'form', novalidate: true, 'data-form': 'disburse' },
      field({ name: 'tranche_id', label: t('fundgrants.tranche'),
        options: released.map((x) => ({ value: x.id, label: `${x.seq} · USD ${x.amount}` })) }),
      field({ name: 'amount', label: t('fundgrants.disb.amount'), required: true, hint: t('fundgrants.disb.amount_hint') }),
      field({ name: 'date', label: t('fundgrants.disb.date'), type: 'date' }),
      field({ name: 'bank_reference', label: t('fundgrants.disb.bank_reference'), required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundgrants.disb.record'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      busy(f, async () => {
        try {
          await api.post('/api/v1/fund/disbursements', {
            tranche_id: Number(v.tranche_id), amount: v.amount, date: v.date || undefined, bank_reference: v.bank_reference,
          });
          await reload(notice('success', t('fundgrants.disb.recorded')));
        } catch (e) {
          showError(f, e);
        }
      });
    });
    record = h('details', {}, h('summary', {}, t('fundgrants.disb.record')), f);
  }
  return h('section', { class: 'section' }, h('h2', {}, t('fundgrants.disb.title')), rows, record);
}

function countRow(row = {}) {
  const sel = (name, values, key, value) => h('select', { name, 'aria-label': t(`fundgrants.dim.${key}`) },
    values.map((v) => h('option', { value: v, selected: v === value || null }, t(`fundgrants.${key}.${v}`))));
  return h('div', { class: 'field-row', 'data-row': 'beneficiary' },
    sel('b_sex', SEXES, 'sex', row.sex), sel('b_age', AGES, 'age', row.age), sel('b_form', FORMS, 'form', row.form),
    h('input', { name: 'b_count', type: 'number', min: '0', value: row.count ?? '', 'aria-label': t('fundgrants.count') }));
}

function reportForm(ctx, grant, report, reload) {
  const rows = h('div', { class: 'rows' });
  for (const b of (report && report.beneficiaries) || [{}]) rows.append(countRow(b));
  const addRow = h('button', { type: 'button', class: 'secondary' }, t('fundgrants.report.add_row'));
  addRow.addEventListener('click', () => rows.append(countRow()));
  const svc = new Map(((report && report.services) || []).map((s) => [s.service, s.count]));
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'report' },
    field({ name: 'period_from', label: t('fundgrants.report.from'), type: 'date', required: true, value: report && report.period_from }),
    field({ name: 'period_to', label: t('fundgrants.report.to'), type: 'date', required: true, value: report && report.period_to }),
    h('fieldset', {}, h('legend', {}, t('fundgrants.report.beneficiaries')), rows, addRow),
    h('fieldset', {}, h('legend', {}, t('fundgrants.report.services')),
      SERVICES.map((s) => field({ name: `svc_${s}`, label: t(`fundgrants.svc.${s}`), type: 'number', value: svc.get(s) ?? '',
        attrs: { min: '0' } }))),
    field({ name: 'narrative', label: t('fundgrants.report.narrative'), type: 'textarea', value: report && report.narrative }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('fundgrants.report.save')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'submit' }, t('fundgrants.report.submit'))));
  const body = () => {
    const v = formValues(f);
    const beneficiaries = [...rows.querySelectorAll('[data-row="beneficiary"]')].map((r) => ({
      sex: r.querySelector('[name="b_sex"]').value, age: r.querySelector('[name="b_age"]').value,
      form: r.querySelector('[name="b_form"]').value, count: Number(r.querySelector('[name="b_count"]').value || 0),
    })).filter((b) => b.count > 0);
    const services = SERVICES.map((s) => ({ service: s, count: Number(v[`svc_${s}`] || 0) })).filter((s) => s.count > 0);
    return { grant_id: grant.id, period_from: v.period_from, period_to: v.period_to, narrative: v.narrative, beneficiaries, services };
  };
  let current = report;
  // One request saves the whole draft.
  const save = async () => {
    current = current ? await api.put(`/api/v1/fund/reports/${current.id}`, body())
      : await api.post('/api/v1/fund/reports', body());
    return current;
  };
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    busy(f, async () => {
      try {
        await save();
        await reload(notice('success', t('fundgrants.report.saved')));
      } catch (e) {
        showError(f, e);
      }
    });
  });
  f.querySelector('[data-action="submit"]').addEventListener('click', () => {
    clearErrors(f);
    busy(f, async () => {
      try {
        const r = await save();
        await api.post(`/api/v1/fund/reports/${r.id}/submit`);
        await reload(notice('success', t('fundgrants.report.submitted')));
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

function reportsBlock(ctx, grant, items, reload) {
  const decide = (r) => {
    const f = h('form', { class: 'form-inline', novalidate: true },
      field({ name: 'reason', label: t('fundgrants.reason') }),
      h('button', { type: 'submit' }, t('fundgrants.report.accept')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'return' }, t('fundgrants.report.return')));
    const go = (decision) => async (ev) => {
      ev.preventDefault();
      try {
        await api.post(`/api/v1/fund/reports/${r.id}/decision`, { decision, reason: formValues(f).reason });
        await reload(notice('success', t(`fundgrants.report.${decision}ed`)));
      } catch (e) {
        showError(f, e);
      }
    };
    f.addEventListener('submit', go('accept'));
    f.querySelector('[data-action="return"]').addEventListener('click', go('return'));
    return f;
  };
  const list = items.length === 0 ? notice('info', t('fundgrants.report.none'))
    : table(t('fundgrants.report.title'), [
      { label: t('fundgrants.tranche'), cell: (r) => String(r.tranche_seq) },
      { label: t('fundgrants.period'), cell: (r) => `${r.period_from} – ${r.period_to}` },
      { label: t('fundgrants.country'), cell: (r) => r.country },
      { label: t('fundgrants.status'), cell: (r) => (r.status === 'submitted' && ctx.allowed('fund.write') ? decide(r) : statusLabel(r.status)) },
    ], items);
  let form = null;
  if (ctx.allowed('fund.apply') && grant.status === 'active') {
    const open = items.find((r) => r.status === 'draft' || r.status === 'returned');
    const holder = h('div', {});
    if (open) {
      api.get(`/api/v1/fund/reports/${open.id}`).then((full) => {
        holder.replaceChildren(full.reason ? notice('warning', t('fundgrants.report.returned_because'), ' ', full.reason) : '',
          reportForm(ctx, grant, full, reload));
      }).catch((e) => holder.replaceChildren(errorBlock(e)));
    } else {
      holder.append(reportForm(ctx, grant, null, reload));
    }
    form = h('div', {}, h('h3', {}, t(open ? 'fundgrants.report.edit' : 'fundgrants.report.new')), holder);
  }
  return h('section', { class: 'section' }, h('h2', {}, t('fundgrants.report.title')), list, form);
}

function closeForm(ctx, grant, reload) {
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'status', label: t('fundgrants.status'),
      options: ['closed', 'cancelled'].map((s) => ({ value: s, label: statusLabel(s) })) }),
    field({ name: 'reason', label: t('fundgrants.reason'), type: 'textarea', required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('fundgrants.close'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    busy(f, async () => {
      try {
        await api.post(`/api/v1/fund/grants/${grant.id}/close`, { status: v.status, reason: v.reason });
        await reload(notice('success', t('fundgrants.closed')));
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'section' }, h('summary', {}, t('fundgrants.close')), f);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  const root = h('div', {});
  const reload = async (message) => {
    try {
      const grant = await api.get(`/api/v1/fund/grants/${id}`);
      const reports = (await api.get(`/api/v1/fund/reports${query({ grant_id: id })}`)).items;
      const disb = ctx.allowed('fund.read') ? (await api.get(`/api/v1/fund/disbursements${query({ grant_id: id })}`)).items : null;
      root.replaceChildren(page(`${t('fundgrants.grant')} ${grant.number}`,
        h('div', { 'aria-live': 'polite' }, message || ''),
        h('p', {}, h('a', { href: '#/fundgrants' }, t('fundgrants.back'))),
        h('dl', { class: 'facts' },
          h('dt', {}, t('fundgrants.organisation')), h('dd', {}, dash(grant.agency)),
          h('dt', {}, t('fundgrants.country')), h('dd', {}, grant.country),
          h('dt', {}, t('fundgrants.programme')), h('dd', {}, t(`fundgrants.programme.${grant.programme}`)),
          h('dt', {}, t('fundgrants.period')), h('dd', {}, `${grant.start_date} – ${grant.end_date}`),
          h('dt', {}, t('fundgrants.amount')), h('dd', {}, usd(grant.amount)),
          h('dt', {}, t('fundgrants.paid')), h('dd', {}, usd(grant.paid)),
          h('dt', {}, t('fundgrants.status')), h('dd', { 'data-grant-status': grant.status }, statusLabel(grant.status))),
        table(t('fundgrants.tranches'), [
          { label: t('fundgrants.tranche'), cell: (x) => String(x.seq) },
          { label: t('fundgrants.due'), cell: (x) => x.due_date },
          { label: t('fundgrants.amount'), cell: (x) => usd(x.amount), cls: 'num' },
          { label: t('fundgrants.paid'), cell: (x) => usd(x.paid), cls: 'num' },
          { label: t('fundgrants.status'), cell: (x) => h('span', { 'data-tranche': x.seq, 'data-status': x.status }, statusLabel(x.status)) },
        ], grant.tranches),
        disb ? disbursementsBlock(ctx, grant, disb, reload) : null,
        reportsBlock(ctx, grant, reports, reload),
        ctx.allowed('fund.write') && grant.status === 'active' ? closeForm(ctx, grant, reload) : null));
    } catch (e) {
      root.replaceChildren(page(t('fundgrants.title'), errorBlock(e)));
    }
  };
  await reload();
  return root;
}
