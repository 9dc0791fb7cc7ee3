// Case law: the collection of court decisions (issue 5 part J3). A search box with filters
// (country, dates, verdict) gives ranked results with a snippet whose matched words are marked;
// the results can be exported as CSV or JSON; a decision has a page of its own; holders of
// justice.write record new decisions and change existing ones (If-Match) with a form.
import { api, request, query } from '../api.js';
import {
  h, page, notice, errorBlock, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t } from '../i18n.js';

const LEVELS = ['first_instance', 'appeal', 'supreme', 'other'];
const VERDICTS = ['convicted', 'acquitted', 'partly', 'other'];
const FORMS = ['sexual_exploitation', 'forced_labour', 'slavery', 'servitude', 'organ_removal',
  'forced_criminality', 'forced_begging', 'forced_marriage', 'other'];
const ROLES = ['origin', 'transit', 'destination'];
const VICTIMS = ['female_child', 'female_adult', 'male_child', 'male_adult', 'other_child', 'other_adult'];
const MARK_START = '\uE000';
const MARK_STOP = '\uE001';

// The snippet's marked words as <mark> elements (text nodes only: never parsed as HTML).
function snippetNode(s) {
  const out = h('p', { class: 'snippet' });
  let rest = s || '';
  while (rest.length) {
    const a = rest.indexOf(MARK_START);
    if (a < 0) {
      out.append(rest);
      break;
    }
    out.append(rest.slice(0, a));
    const b = rest.indexOf(MARK_STOP, a + 1);
    const word = b < 0 ? rest.slice(a + 1) : rest.slice(a + 1, b);
    out.append(h('mark', {}, word));
    rest = b < 0 ? '' : rest.slice(b + 1);
  }
  return out;
}

const FILTERS = ['q', 'country', 'from', 'to', 'verdict'];

export async function renderSearch(ctx) {
  const values = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) || '']));
  const f = h('form', { class: 'form', role: 'search', novalidate: true },
    field({ name: 'q', label: t('caselaw.q'), value: values.q, hint: t('caselaw.q_hint'), attrs: { type: 'search', maxlength: '400' } }),
    h('div', { class: 'inline-fields' },
      field({ name: 'country', label: t('caselaw.country'), value: values.country, attrs: { maxlength: '3', size: '4' } }),
      field({ name: 'from', label: t('caselaw.from'), value: values.from, attrs: { type: 'date' } }),
      field({ name: 'to', label: t('caselaw.to'), value: values.to, attrs: { type: 'date' } }),
      field({ name: 'verdict', label: t('caselaw.verdict'), value: values.verdict,
        options: [{ value: '', label: t('caselaw.any') }, ...VERDICTS.map((v) => ({ value: v, label: t(`caselaw.verdict.${v}`) }))] })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('caselaw.search'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    const qs = query(Object.fromEntries(FILTERS.filter((k) => v[k]).map((k) => [k, v[k]])));
    ctx.navigate(`court-decisions${qs}`);
  });
  const params = Object.fromEntries(FILTERS.filter((k) => values[k]).map((k) => [k, values[k]]));
  const box = h('div', { 'aria-live': 'polite' });
  try {
    const r = await api.get(`/api/v1/court-decisions${query(params)}`);
    const items = r.items || [];
    box.replaceChildren(
      h('p', { class: 'hint', 'data-count': items.length }, t('caselaw.found', { n: items.length })),
      items.length ? h('ol', { class: 'results' }, items.map((d) => h('li', { 'data-decision': d.id },
        h('a', { href: `#/court-decisions/${d.id}` }, d.court_name),
        ' ', h('span', { class: 'muted' }, `${d.decision_date} · ${d.country} · ${t(`caselaw.verdict.${d.verdict}`)}`),
        d.snippet ? snippetNode(d.snippet) : null)))
        : h('p', { class: 'empty' }, t('caselaw.empty')),
      h('p', {}, t('caselaw.export'), ' ',
        h('a', { href: `/api/v1/court-decisions/export${query({ ...params, format: 'csv' })}`, download: 'court-decisions.csv' }, 'CSV'),
        ' · ',
        h('a', { href: `/api/v1/court-decisions/export${query({ ...params, format: 'json' })}`, download: 'court-decisions.json' }, 'JSON')));
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  return page(t('caselaw.title'), h('p', { class: 'lead' }, t('caselaw.intro')),
    ctx.allowed('justice.write') ? h('p', {}, h('a', { class: 'button', href: '#/court-decisions/new' }, t('caselaw.new'))) : null,
    f, box);
}

function facts(d) {
  const rows = [
    [t('caselaw.court'), `${d.court_name} (${t(`caselaw.level.${d.court_level}`)})`],
    [t('caselaw.country'), d.country],
    [t('caselaw.date'), d.decision_date],
    [t('caselaw.case_number'), d.case_number],
    [t('caselaw.verdict'), t(`caselaw.verdict.${d.verdict}`)],
    [t('caselaw.charges'), (d.charges || []).map((c) => `${c.article} (${t(`caselaw.form.${c.form}`)})`).join('; ')],
    [t('caselaw.forms'), (d.forms || []).map((x) => t(`caselaw.form.${x}`)).join(', ')],
    [t('caselaw.sentences'), (d.sentences || []).map((s) => t('caselaw.sentence_line', {
      defendant: s.defendant, months: s.imprisonment_months,
      fine: s.fine_amount ? `${s.fine_amount / 100} ${s.fine_currency}` : '—',
    }) + (s.confiscation ? ` · ${t('caselaw.confiscation')}` : '')).join('; ')],
    [t('caselaw.victims'), VICTIMS.filter((k) => d.victims && d.victims[k]).map((k) => `${t(`caselaw.victims.${k}`)}: ${d.victims[k]}`).join(', ')],
    [t('caselaw.countries'), (d.countries || []).map((c) => `${c.country} (${t(`caselaw.role.${c.role}`)})`).join(', ')],
    [t('caselaw.source'), d.source],
    [t('caselaw.language'), d.language],
  ].filter(([, v]) => v);
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  let r;
  try {
    r = await request('GET', `/api/v1/court-decisions/${id}`);
  } catch (e) {
    return page(t('caselaw.title'), errorBlock(e));
  }
  const d = r.data;
  return page(d.court_name, h('p', {}, h('a', { href: '#/court-decisions' }, t('caselaw.back'))),
    facts(d), h('h2', {}, t('caselaw.summary')), h('p', { class: 'prewrap', 'data-summary': '' }, d.summary),
    ctx.allowed('justice.write') ? h('details', { class: 'case-action' }, h('summary', {}, t('caselaw.edit')),
      decisionForm(ctx, d, r.etag)) : null);
}

export async function renderNew(ctx) {
  return page(t('caselaw.new'), decisionForm(ctx, null, null));
}

// Lines of "A ; B" text into lists, and back.
const lines = (s) => (s || '').split('\n').map((l) => l.trim()).filter(Boolean);
const parts = (l) => l.split(';').map((x) => x.trim());

function decisionForm(ctx, d, version) {
  const x = d || { court_level: 'first_instance', verdict: 'convicted', victims: {} };
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'court_name', label: t('caselaw.court'), value: x.court_name, required: true, attrs: { maxlength: '200' } }),
    field({ name: 'court_level', label: t('caselaw.level'), value: x.court_level,
      options: LEVELS.map((v) => ({ value: v, label: t(`caselaw.level.${v}`) })) }),
    field({ name: 'country', label: t('caselaw.country'), value: x.country, required: true, attrs: { maxlength: '3' } }),
    field({ name: 'decision_date', label: t('caselaw.date'), value: x.decision_date, required: true, attrs: { type: 'date' } }),
    field({ name: 'case_number', label: t('caselaw.case_number'), value: x.case_number, attrs: { maxlength: '200' } }),
    field({ name: 'verdict', label: t('caselaw.verdict'), value: x.verdict,
      options: VERDICTS.map((v) => ({ value: v, label: t(`caselaw.verdict.${v}`) })) }),
    field({ name: 'summary', label: t('caselaw.summary'), type: 'textarea', value: x.summary, attrs: { maxlength: '20000' } }),
    field({ name: 'charges', label: t('caselaw.charges'), type: 'textarea', hint: t('caselaw.charges_hint'),
      value: (x.charges || []).map((c) => `${c.article} ; ${c.form}`).join('\n') }),
    field({ name: 'sentences', label: t('caselaw.sentences'), type: 'textarea', hint: t('caselaw.sentences_hint'),
      value: (x.sentences || []).map((s) => [s.defendant, s.imprisonment_months, s.fine_amount, s.fine_currency,
        s.confiscation ? 'yes' : ''].join(' ; ')).join('\n') }),
    h('fieldset', {}, h('legend', {}, t('caselaw.forms')),
      FORMS.map((v) => field({ name: `form_${v}`, label: t(`caselaw.form.${v}`), type: 'checkbox',
        value: (x.forms || []).includes(v) }))),
    h('fieldset', {}, h('legend', {}, t('caselaw.victims')),
      h('div', { class: 'inline-fields' }, VICTIMS.map((k) => field({ name: `victims_${k}`, label: t(`caselaw.victims.${k}`),
        value: String((x.victims && x.victims[k]) || 0), attrs: { type: 'number', min: '0', size: '4' } })))),
    field({ name: 'countries', label: t('caselaw.countries'), type: 'textarea', hint: t('caselaw.countries_hint'),
      value: (x.countries || []).map((c) => `${c.country} ; ${c.role}`).join('\n') }),
    field({ name: 'source', label: t('caselaw.source'), value: x.source, attrs: { maxlength: '2000' } }),
    field({ name: 'language', label: t('caselaw.language'), value: x.language, attrs: { maxlength: '16' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('caselaw.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const b = {
      court_name: v.court_name, court_level: v.court_level, country: v.country.toUpperCase(),
      decision_date: v.decision_date, case_number: v.case_number, verdict: v.verdict, summary: v.summary,
      source: v.source, language: v.language,
      charges: lines(v.charges).map((l) => {
        const [article, form] = parts(l);
        return { article, form };
      }),
      sentences: lines(v.sentences).map((l) => {
        const [defendant, months, fine, currency, conf] = parts(l);
        return { defendant, imprisonment_months: Number(months || 0), fine_amount: Number(fine || 0),
          fine_currency: (currency || '').toUpperCase(), confiscation: Boolean(conf) };
      }),
      forms: FORMS.filter((k) => v[`form_${k}`]),
      victims: Object.fromEntries(VICTIMS.map((k) => [k, Number(v[`victims_${k}`] || 0)])),
      countries: lines(v.countries).map((l) => {
        const [country, role] = parts(l);
        return { country: (country || '').toUpperCase(), role };
      }),
    };
    busy(f, async () => {
      try {
        const r = d
          ? await request('PATCH', `/api/v1/court-decisions/${d.id}`, b, { ifMatch: version })
          : await request('POST', '/api/v1/court-decisions', b);
        ctx.flash(notice('success', t('caselaw.saved')));
        ctx.navigate(`court-decisions/${r.data.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}
