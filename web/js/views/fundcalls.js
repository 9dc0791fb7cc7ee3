// Trust Fund calls (issue 8, part A): the Board of Trustees with their UN regional groups, the
// calls for proposals, the NGO's fund profile and application form (a draft saved on the server in
// one request, budget lines, eligibility shown before submitting), the trustee's review queue
// (recusals shown) and the fund manager's decision. Light for a slow link: one request per save,
// no library, each page a handful of small requests.
import { api, request } from '../api.js';
import {
  h, page, notice, errorBlock, field, formValues, busy, showError, clearErrors, table,
} from '../dom.js';
import { t } from '../i18n.js';

const GROUPS = ['african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', 'western_european_others'];
const CATEGORIES = ['staff', 'shelter', 'medical', 'legal', 'material', 'travel', 'other'];
const FORMS = ['sexual_exploitation', 'forced_labour', 'slavery', 'servitude', 'organ_removal',
  'forced_criminality', 'forced_begging', 'forced_marriage', 'other'];
const PEOPLE = ['women', 'men', 'girls', 'boys'];
const SCORES = ['relevance', 'capacity', 'budget', 'reach'];
const BLANK_LINES = 3;

const yes = (b) => (b ? t('fundcalls.yes') : t('fundcalls.no'));

// A section that loads on its own, so that one failing request leaves the others standing.
async function section(title, fn) {
  const box = h('section', { class: 'fund-section' }, h('h2', {}, title));
  try {
    box.append(...[].concat(await fn()).filter(Boolean));
  } catch (e) {
    box.append(errorBlock(e));
  }
  return box;
}

function reload(ctx, path) {
  ctx.navigate(path || 'fundcalls');
}

// ---- the board ----

function boardTable(items) {
  return table(t('fundcalls.board'), [
    { label: t('fundcalls.name'), cell: (x) => x.name || '—' },
    { label: t('fundcalls.nationality'), cell: (x) => x.country },
    { label: t('fundcalls.group'), cell: (x) => t(`fundcalls.group.${x.regional_group}`) },
    { label: t('fundcalls.appointed'), cell: (x) => x.appointed_on },
    { label: t('fundcalls.term_end'), cell: (x) => x.ended_on || x.term_end },
    { label: t('fundcalls.status'), cell: (x) => (x.serving_now ? t('fundcalls.serving') : t('fundcalls.not_serving')) },
  ], items);
}

function trusteeForm(ctx) {
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'trustee' },
    h('div', { class: 'inline-fields' },
      field({ name: 'name', label: t('fundcalls.name'), required: true, attrs: { maxlength: '200' } }),
      field({ name: 'country', label: t('fundcalls.nationality'), required: true, hint: t('fundcalls.country_hint'),
        attrs: { maxlength: '3', size: '4' } }),
      field({ name: 'user_id', label: t('fundcalls.user_id'), attrs: { inputmode: 'numeric' } }),
      field({ name: 'appointed_on', label: t('fundcalls.appointed'), attrs: { type: 'date' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.appoint'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    const body = { name: v.name, country: v.country.toUpperCase(), appointed_on: v.appointed_on || null };
    if (v.user_id) body.user_id = Number(v.user_id);
    busy(f, async () => {
      try {
        await api.post('/api/v1/fund/board', body);
        ctx.flash(notice('success', t('fundcalls.appointed_ok')));
        reload(ctx);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', {}, h('summary', {}, t('fundcalls.appoint')), f);
}

async function boardSection(ctx) {
  const r = await api.get('/api/v1/fund/board');
  const serving = (r.items || []).filter((x) => x.serving_now);
  const groups = GROUPS.map((g) => `${t(`fundcalls.group.${g}`)}: ${serving.filter((x) => x.regional_group === g).length}`);
  return [h('p', { class: 'hint', 'data-serving': serving.length }, t('fundcalls.board_hint', { n: serving.length }),
    ' ', groups.join(' · ')),
  boardTable(r.items || []),
  ctx.allowed('fund.write') ? trusteeForm(ctx) : null];
}

// ---- calls ----

function callForm(ctx) {
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'call' },
    field({ name: 'title', label: t('fundcalls.call_title'), required: true, attrs: { maxlength: '200' } }),
    h('div', { class: 'inline-fields' },
      field({ name: 'programme', label: t('fundcalls.programme'),
        options: ['immediate', 'medium_term'].map((p) => ({ value: p, label: t(`fundcalls.programme.${p}`) })) }),
      field({ name: 'opens_on', label: t('fundcalls.opens'), required: true, attrs: { type: 'date' } }),
      field({ name: 'closes_on', label: t('fundcalls.closes'), required: true, attrs: { type: 'date' } }),
      field({ name: 'ceiling_min', label: t('fundcalls.ceiling_min'), value: '20,000', attrs: { inputmode: 'decimal', size: '10' } }),
      field({ name: 'ceiling_max', label: t('fundcalls.ceiling_max'), value: '60,000', attrs: { inputmode: 'decimal', size: '10' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.add_call'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    busy(f, async () => {
      try {
        await api.post('/api/v1/fund/calls', v);
        reload(ctx);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', {}, h('summary', {}, t('fundcalls.add_call')), f);
}

function callActions(ctx, c) {
  const out = [];
  if (ctx.allowed('fund.write') && c.status !== 'closed') {
    const verb = c.status === 'draft' ? 'open' : 'close';
    out.push(h('button', { type: 'button', class: 'small', 'data-action': `${verb}-${c.id}`, onClick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/api/v1/fund/calls/${c.id}/${verb}`, undefined);
        reload(ctx);
      } catch (e) {
        ev.target.replaceWith(errorBlock(e));
      }
    } }, t(`fundcalls.${verb}`)));
  }
  if (ctx.allowed('fund.apply') && c.status === 'open') {
    out.push(h('a', { class: 'button small', href: `#/fundcalls/apply/${c.id}` }, t('fundcalls.apply')));
  }
  return out;
}

async function callsSection(ctx) {
  const r = await api.get('/api/v1/fund/calls');
  const items = r.items || [];
  return [items.length ? table(t('fundcalls.calls'), [
    { label: t('fundcalls.call_title'), cell: (c) => c.title },
    { label: t('fundcalls.programme'), cell: (c) => `${t(`fundcalls.programme.${c.programme}`)} (${t('fundcalls.months', { n: c.window_months })})` },
    { label: t('fundcalls.dates'), cell: (c) => `${c.opens_on} – ${c.closes_on}` },
    { label: t('fundcalls.ceiling'), cell: (c) => `USD ${c.ceiling_min} – ${c.ceiling_max}` },
    { label: t('fundcalls.status'), cell: (c) => t(`fundcalls.call_status.${c.status}`) },
    { label: '', cell: (c) => callActions(ctx, c) },
  ], items) : h('p', { class: 'empty' }, t('fundcalls.no_calls')),
  ctx.allowed('fund.write') ? callForm(ctx) : null];
}

// ---- the organisation's profile ----

async function orgSection(ctx) {
  const agency = ctx.me && ctx.me.agency_id;
  if (!agency) return [];
  const { data: o, version } = await api.getWithVersion(`/api/v1/fund/orgs/${agency}`);
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'org' },
    h('div', { class: 'inline-fields' },
      field({ name: 'registration_country', label: t('fundcalls.reg_country'), value: o.registration_country, attrs: { maxlength: '3', size: '4' } }),
      field({ name: 'registered_on', label: t('fundcalls.registered_on'), value: o.registered_on, attrs: { type: 'date' } }),
      field({ name: 'assistance_since', label: t('fundcalls.assistance_since'), value: o.assistance_since, attrs: { type: 'date' } })),
    field({ name: 'non_profit', label: t('fundcalls.non_profit'), type: 'checkbox', value: o.non_profit }),
    field({ name: 'psea', label: t('fundcalls.psea'), type: 'checkbox', value: o.psea }),
    field({ name: 'psea_policy', label: t('fundcalls.psea_policy'), value: o.psea_policy, attrs: { maxlength: '200' } }),
    field({ name: 'own_account', label: t('fundcalls.own_account'), type: 'checkbox', value: o.own_account }),
    field({ name: 'account_number', label: t('fundcalls.account_number'), value: o.account_number || '', attrs: { maxlength: '64', autocomplete: 'off' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    v.registration_country = v.registration_country.toUpperCase();
    busy(f, async () => {
      try {
        await api.put(`/api/v1/fund/orgs/${agency}`, v, version);
        ctx.flash(notice('success', t('fundcalls.saved')));
        reload(ctx);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return [h('p', { class: 'hint' }, t('fundcalls.org_hint')), f];
}

// ---- applications ----

function appsTable(items, withScores) {
  return table(t('fundcalls.applications'), [
    { label: t('fundcalls.app_title'), cell: (a) => h('a', { href: `#/fundcalls/applications/${a.id}` }, a.title || t('fundcalls.untitled')) },
    { label: t('fundcalls.organisation'), cell: (a) => a.agency_name },
    { label: t('fundcalls.total'), cell: (a) => `USD ${a.total}`, cls: 'num' },
    { label: t('fundcalls.status'), cell: (a) => t(`fundcalls.app_status.${a.status}`) },
    ...(withScores ? [
      { label: t('fundcalls.reviews'), cell: (a) => String(a.reviews_count ?? 0), cls: 'num' },
      { label: t('fundcalls.average'), cell: (a) => a.average_score || '—', cls: 'num' },
    ] : []),
  ], items);
}

async function appsSection(ctx) {
  const r = await api.get('/api/v1/fund/applications');
  const items = r.items || [];
  return items.length ? appsTable(items, ctx.allowed('fund.read')) : h('p', { class: 'empty' }, t('fundcalls.no_applications'));
}

async function queueSection(ctx) {
  const r = await api.get('/api/v1/fund/reviews');
  const items = r.items || [];
  if (!r.trustee_id) return h('p', { class: 'hint' }, t('fundcalls.not_trustee'));
  return items.length ? table(t('fundcalls.queue'), [
    { label: t('fundcalls.app_title'), cell: (a) => h('a', { href: `#/fundcalls/applications/${a.id}` }, a.title || t('fundcalls.untitled')) },
    { label: t('fundcalls.organisation'), cell: (a) => a.agency_name },
    { label: t('fundcalls.total'), cell: (a) => `USD ${a.total}`, cls: 'num' },
    { label: t('fundcalls.your_review'), cell: (a) => (a.conflict ? h('span', { class: 'badge', 'data-recused': '' }, t('fundcalls.recused'))
      : a.reviewed ? t('fundcalls.reviewed') : t('fundcalls.to_review')) },
  ], items) : h('p', { class: 'empty' }, t('fundcalls.queue_empty'));
}

export async function render(ctx) {
  const parts = [];
  parts.push(section(t('fundcalls.calls'), () => callsSection(ctx)));
  if (ctx.allowed('fund.apply') && !ctx.allowed('fund.read')) {
    parts.push(section(t('fundcalls.org'), () => orgSection(ctx)));
  }
  if (ctx.allowed('fund.approve')) parts.push(section(t('fundcalls.queue'), () => queueSection(ctx)));
  parts.push(section(t('fundcalls.applications'), () => appsSection(ctx)));
  if (ctx.allowed('fund.read')) parts.push(section(t('fundcalls.board'), () => boardSection(ctx)));
  return page(t('fundcalls.title'), h('p', { class: 'lead' }, t('fundcalls.intro')), ...(await Promise.all(parts)));
}

// ---- the application form (new and draft) ----

function lineRow(l, i) {
  return h('tr', { 'data-line': i },
    h('td', {}, h('select', { name: `cat_${i}`, 'aria-label': t('fundcalls.category') },
      h('option', { value: '' }, '—'),
      CATEGORIES.map((c) => h('option', { value: c, selected: l.category === c || null }, t(`fundcalls.category.${c}`))))),
    h('td', {}, h('input', { name: `desc_${i}`, value: l.description || '', maxlength: '200', 'aria-label': t('fundcalls.description') })),
    h('td', {}, h('input', { name: `amount_${i}`, value: l.amount || '', inputmode: 'decimal', size: '10', 'aria-label': t('fundcalls.amount') })));
}

function applicationForm(ctx, a, version, callId) {
  const x = a || { beneficiaries: {}, forms: [], budget: [] };
  const lines = [...(x.budget || []), ...Array(BLANK_LINES).fill({})];
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'application' },
    field({ name: 'title', label: t('fundcalls.app_title'), value: x.title, required: true, attrs: { maxlength: '200' } }),
    field({ name: 'summary', label: t('fundcalls.summary'), type: 'textarea', value: x.summary || '', attrs: { maxlength: '4000' } }),
    h('div', { class: 'inline-fields' },
      field({ name: 'country', label: t('fundcalls.country'), value: x.country, attrs: { maxlength: '3', size: '4' } }),
      field({ name: 'duration_months', label: t('fundcalls.duration'), value: x.duration_months ? String(x.duration_months) : '',
        attrs: { type: 'number', min: '1', max: '120', size: '4' } })),
    h('fieldset', {}, h('legend', {}, t('fundcalls.beneficiaries')),
      h('div', { class: 'inline-fields' }, PEOPLE.map((p) => field({ name: `people_${p}`, label: t(`fundcalls.people.${p}`),
        value: String((x.beneficiaries && x.beneficiaries[p]) || 0), attrs: { type: 'number', min: '0', size: '5' } })))),
    h('fieldset', {}, h('legend', {}, t('fundcalls.forms')),
      FORMS.map((v) => field({ name: `form_${v}`, label: t(`caselaw.form.${v}`), type: 'checkbox', value: (x.forms || []).includes(v) }))),
    h('fieldset', {}, h('legend', {}, t('fundcalls.budget')),
      h('p', { class: 'hint' }, t('fundcalls.budget_hint')),
      h('table', { class: 'budget' },
        h('thead', {}, h('tr', {}, [t('fundcalls.category'), t('fundcalls.description'), t('fundcalls.amount')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, lines.map((l, i) => lineRow(l, i))))),
    field({ name: 'budget', label: '', hidden: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.save_draft'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const body = {
      title: v.title, summary: v.summary, country: v.country.toUpperCase(),
      duration_months: v.duration_months ? Number(v.duration_months) : 0,
      beneficiaries: Object.fromEntries(PEOPLE.map((p) => [p, Number(v[`people_${p}`] || 0)])),
      forms: FORMS.filter((k) => v[`form_${k}`]),
      budget: lines.map((l, i) => ({ category: v[`cat_${i}`], description: v[`desc_${i}`], amount: v[`amount_${i}`] }))
        .filter((l) => l.category || l.amount),
    };
    if (!a) body.call_id = Number(callId);
    busy(f, async () => {
      try {
        const r = a ? await request('PUT', `/api/v1/fund/applications/${a.id}`, body, { ifMatch: version })
          : await request('POST', '/api/v1/fund/applications', body);
        ctx.flash(notice('success', t('fundcalls.draft_saved')));
        reload(ctx, `fundcalls/applications/${r.data.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

export async function renderApply(ctx) {
  const callId = ctx.params[0];
  let c;
  try {
    c = await api.get(`/api/v1/fund/calls/${callId}`);
  } catch (e) {
    return page(t('fundcalls.new_application'), errorBlock(e));
  }
  return page(t('fundcalls.new_application'), h('p', {}, h('a', { href: '#/fundcalls' }, t('fundcalls.back'))),
    h('p', { class: 'lead' }, `${c.title} · USD ${c.ceiling_min} – ${c.ceiling_max} · ${t('fundcalls.months', { n: c.window_months })}`),
    applicationForm(ctx, null, null, callId));
}

// ---- one application ----

function eligibilityList(a) {
  return h('ul', { class: 'eligibility', 'data-eligible': a.eligible ? 'yes' : 'no' }, (a.eligibility || []).map((c) =>
    h('li', { 'data-criterion': c.criterion, 'data-met': c.met ? 'yes' : 'no', class: c.met ? 'met' : 'unmet' },
      h('strong', {}, `${c.met ? '✓' : '✗'} ${t(`fundcalls.criterion.${c.criterion}`)}`), ' — ',
      c.met ? t('fundcalls.met') : t('fundcalls.not_met'), h('span', { class: 'muted' }, ` (${c.why})`))));
}

function facts(a) {
  const rows = [
    [t('fundcalls.organisation'), a.agency_name],
    [t('fundcalls.status'), t(`fundcalls.app_status.${a.status}`)],
    [t('fundcalls.country'), a.country],
    [t('fundcalls.duration'), a.duration_months ? String(a.duration_months) : ''],
    [t('fundcalls.beneficiaries'), PEOPLE.filter((p) => a.beneficiaries[p]).map((p) => `${t(`fundcalls.people.${p}`)}: ${a.beneficiaries[p]}`).join(', ')],
    [t('fundcalls.forms'), (a.forms || []).map((x) => t(`caselaw.form.${x}`)).join(', ')],
    [t('fundcalls.total'), `USD ${a.total}`],
    [t('fundcalls.summary'), a.summary || ''],
  ].filter(([, v]) => v);
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function budgetTable(a) {
  return table(t('fundcalls.budget'), [
    { label: t('fundcalls.category'), cell: (l) => t(`fundcalls.category.${l.category}`) },
    { label: t('fundcalls.description'), cell: (l) => l.description },
    { label: t('fundcalls.amount'), cell: (l) => `USD ${l.amount}`, cls: 'num' },
  ], a.budget || []);
}

function submitButton(ctx, a, version) {
  const f = h('form', { class: 'form', 'data-form': 'submit' },
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: !a.eligible || null }, t('fundcalls.submit'))),
    a.eligible ? null : h('p', { class: 'hint' }, t('fundcalls.submit_blocked')));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(f, async () => {
      try {
        await request('POST', `/api/v1/fund/applications/${a.id}/submit`, undefined, { ifMatch: version });
        ctx.flash(notice('success', t('fundcalls.submitted')));
        reload(ctx, `fundcalls/applications/${a.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

function reviewForm(ctx, a) {
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'review' },
    h('div', { class: 'inline-fields' }, SCORES.map((s) => field({ name: s, label: t(`fundcalls.score.${s}`), required: true,
      options: [{ value: '', label: '—' }, ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }))] }))),
    field({ name: 'comment', label: t('fundcalls.comment'), type: 'textarea', attrs: { maxlength: '4000' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.score_it'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    const body = { comment: v.comment };
    for (const s of SCORES) if (v[s]) body[s] = Number(v[s]);
    busy(f, async () => {
      try {
        await api.post(`/api/v1/fund/applications/${a.id}/reviews`, body);
        ctx.flash(notice('success', t('fundcalls.review_saved')));
        reload(ctx, `fundcalls/applications/${a.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

function decisionForm(ctx, a) {
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'decision' },
    field({ name: 'outcome', label: t('fundcalls.outcome'),
      options: ['award', 'reject'].map((o) => ({ value: o, label: t(`fundcalls.outcome.${o}`) })) }),
    h('div', { class: 'inline-fields' },
      field({ name: 'amount', label: t('fundcalls.amount'), value: a.total, attrs: { inputmode: 'decimal', size: '10' } }),
      field({ name: 'start_date', label: t('fundcalls.start'), attrs: { type: 'date' } }),
      field({ name: 'end_date', label: t('fundcalls.end'), attrs: { type: 'date' } })),
    field({ name: 'tranches', label: t('fundcalls.tranches'), type: 'textarea', hint: t('fundcalls.tranches_hint') }),
    field({ name: 'reason', label: t('fundcalls.reason'), type: 'textarea', attrs: { maxlength: '4000' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fundcalls.decide'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    const body = v.outcome === 'reject' ? { outcome: 'reject', reason: v.reason } : {
      outcome: 'award', amount: v.amount, start_date: v.start_date, end_date: v.end_date,
      tranches: v.tranches.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const [due, amount] = l.split(';').map((s) => s.trim());
        return { due_date: due, amount };
      }),
    };
    busy(f, async () => {
      try {
        await api.post(`/api/v1/fund/applications/${a.id}/decision`, body);
        ctx.flash(notice('success', t('fundcalls.decided')));
        reload(ctx, `fundcalls/applications/${a.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

async function reviewsPart(ctx, a) {
  const out = [h('p', { 'data-reviews': a.reviews_count }, t('fundcalls.review_summary', { n: a.reviews_count, avg: a.average_score || '—' }))];
  if ((a.recused || []).length) {
    out.push(h('p', { class: 'hint', 'data-recused-count': a.recused.length }, t('fundcalls.recused_count', { n: a.recused.length })));
  }
  if (a.reviews_count) {
    const r = await api.get(`/api/v1/fund/applications/${a.id}/reviews`);
    out.push(table(t('fundcalls.reviews'), [
      { label: t('fundcalls.trustee'), cell: (x) => String(x.trustee_id) },
      ...SCORES.map((s) => ({ label: t(`fundcalls.score.${s}`), cell: (x) => String(x[s]), cls: 'num' })),
      { label: t('fundcalls.comment'), cell: (x) => x.comment || '' },
    ], r.items || []));
  }
  if (a.decision) {
    out.push(notice(a.decision.outcome === 'award' ? 'success' : 'info',
      a.decision.outcome === 'award' ? t('fundcalls.awarded', { amount: a.decision.amount }) : t('fundcalls.rejected')));
    if (a.decision.grant_id) { // the grant agreement the award made (part G's pages)
      out.push(h('p', {}, h('a', { href: `#/fundgrants/${a.decision.grant_id}`, 'data-grant': a.decision.grant_id },
        t('fundcalls.open_grant'))));
    }
  }
  if (ctx.allowed('fund.approve') && a.status === 'submitted') {
    const q = await api.get('/api/v1/fund/reviews');
    const mine = (q.items || []).find((x) => x.id === a.id);
    if (mine && mine.conflict) out.push(notice('info', t('fundcalls.you_recused')));
    else if (mine && mine.reviewed) out.push(h('p', {}, t('fundcalls.reviewed')));
    else if (q.trustee_id) out.push(h('h3', {}, t('fundcalls.your_review')), reviewForm(ctx, a));
  }
  if (ctx.allowed('fund.write') && a.status === 'submitted') {
    out.push(h('h3', {}, t('fundcalls.decision')), decisionForm(ctx, a));
  }
  return out;
}

export async function renderApplication(ctx) {
  const id = ctx.params[0];
  let r;
  try {
    r = await request('GET', `/api/v1/fund/applications/${id}`);
  } catch (e) {
    return page(t('fundcalls.application'), errorBlock(e));
  }
  const a = r.data;
  const draft = a.status === 'draft';
  const canEdit = draft && ctx.allowed('fund.apply');
  const parts = [h('p', {}, h('a', { href: '#/fundcalls' }, t('fundcalls.back'))), facts(a),
    h('h2', {}, t('fundcalls.budget')), budgetTable(a),
    h('h2', {}, t('fundcalls.eligibility')),
    h('p', { class: 'hint' }, draft ? t('fundcalls.eligibility_draft') : t('fundcalls.eligibility_submitted')),
    eligibilityList(a)];
  if (canEdit) {
    parts.push(submitButton(ctx, a, r.etag), h('details', {}, h('summary', {}, t('fundcalls.edit')), applicationForm(ctx, a, r.etag)));
  }
  if (ctx.allowed('fund.read') && !draft) {
    parts.push(h('h2', {}, t('fundcalls.reviews')), ...(await reviewsPart(ctx, a)));
  }
  return page(a.title || t('fundcalls.application'), ...parts);
}
