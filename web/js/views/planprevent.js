// Prevention (issue 9, part N; docs/plan.md#prevention; the Plan's paragraphs 12-24):
// #/plan-prevention?year=Y&country=C shows the year's figures per country (people reached,
// officials trained by audience and sex, registrations, supply-chain measures), then the four
// kinds of work — awareness campaigns, training of officials, identity documents and birth
// registration, supply-chain measures — each as a list with a form to record one. Data:
// /api/v1/plan/prevention, /campaigns, /trainings, /idwork, /supplychain. One request per save.
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const CAMPAIGN_AUDIENCES = ['general_public', 'children_youth', 'migrants', 'workers', 'employers', 'officials', 'tourists', 'other'];
const CHANNELS = ['tv', 'radio', 'print', 'online', 'social_media', 'outdoor', 'events', 'schools', 'other'];
const OFFICIALS = ['police', 'border', 'labour_inspectors', 'prosecutors', 'judges', 'social_workers', 'health', 'consular', 'other'];
const TOPICS = ['identification', 'victim_rights', 'investigation', 'child_protection', 'labour_exploitation', 'data_protection', 'other'];
const MEASURES = ['due_diligence_law', 'code_of_conduct', 'audit', 'remediation', 'procurement_rule', 'other'];
const FIGURES = ['campaigns', 'people_reached', 'trainings', 'officials_trained', 'people_registered',
  'supplychain_measures', 'workers_covered', 'companies_covered'];

const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap' }, v === null || v === undefined || v === '' ? '—' : String(v));
const list = (s) => String(s || '').split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);
const num = (v) => (v === '' || v === undefined ? undefined : Number(v));

// Checkboxes for a multi-valued code list; read back with checked().
function checks(name, label, codes, prefix) {
  return h('fieldset', { class: 'field checks', 'data-group': name },
    h('legend', {}, label),
    codes.map((c) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name, value: c, 'data-group': name }), ' ', t(`${prefix}.${c}`))),
    h('p', { class: 'field-error', 'aria-live': 'polite' }));
}
const checked = (form, name) => [...form.querySelectorAll(`input[data-group="${name}"]:checked`)].map((i) => i.value);

function postForm(kind, title, fields, toBody, onDone) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true, 'data-form': kind }, fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('planprevent.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    busy(f, async () => {
      try {
        const v = formValues(f);
        await api.post(`/api/v1/plan/${kind}`, { country: v.country.toUpperCase(), ...toBody(v, f), paragraphs: list(v.paragraphs), note: v.note });
        out.replaceChildren(notice('success', t('planprevent.saved')));
        f.reset();
        await onDone();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'add-form' }, h('summary', {}, title), f, out);
}

const common = () => [
  field({ name: 'country', label: t('planprevent.country'), required: true, hint: t('planprevent.country_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
];
const tail = () => [
  field({ name: 'paragraphs', label: t('planprevent.paragraphs'), hint: t('planprevent.paragraphs_hint'), attrs: { dir: 'ltr' } }),
  field({ name: 'note', label: t('planprevent.note'), type: 'textarea', hint: t('planprevent.note_hint') }),
];
const period = () => [
  field({ name: 'period_from', label: t('planprevent.period_from'), type: 'date', required: true }),
  field({ name: 'period_to', label: t('planprevent.period_to'), type: 'date', required: true }),
];
const codes = (arr, prefix) => arr.map((c) => t(`${prefix}.${c}`)).join(', ');

const KINDS = [
  {
    kind: 'campaigns',
    columns: () => [
      { label: t('planprevent.title_f'), cell: (r) => r.title },
      { label: t('planprevent.country'), cell: (r) => ltr(r.country) },
      { label: t('planprevent.period'), cell: (r) => ltr(`${r.period_from} – ${r.period_to}`) },
      { label: t('planprevent.audiences'), cell: (r) => codes(r.audiences, 'planprevent.aud') },
      { label: t('planprevent.channels'), cell: (r) => codes(r.channels, 'planprevent.ch') },
      { label: t('planprevent.languages'), cell: (r) => ltr(r.languages.join(', ')) },
      { label: t('planprevent.reach'), cell: (r) => [ltr(r.reach), ' ', t(`planprevent.reach_kind.${r.reach_kind}`)] },
    ],
    fields: () => [...common(),
      field({ name: 'title', label: t('planprevent.title_f'), required: true }),
      checks('audiences', t('planprevent.audiences'), CAMPAIGN_AUDIENCES, 'planprevent.aud'),
      checks('channels', t('planprevent.channels'), CHANNELS, 'planprevent.ch'),
      field({ name: 'languages', label: t('planprevent.languages'), hint: t('planprevent.languages_hint'), attrs: { dir: 'ltr' } }),
      ...period(),
      field({ name: 'reach', label: t('planprevent.reach'), type: 'number', attrs: { min: 0 } }),
      field({ name: 'reach_kind', label: t('planprevent.reach_kind'),
        options: ['estimated', 'measured'].map((k) => ({ value: k, label: t(`planprevent.reach_kind.${k}`) })) }),
      ...tail()],
    body: (v, f) => ({
      title: v.title, audiences: checked(f, 'audiences'), channels: checked(f, 'channels'), languages: list(v.languages),
      period_from: v.period_from, period_to: v.period_to, reach: num(v.reach), reach_kind: v.reach_kind,
    }),
  },
  {
    kind: 'trainings',
    columns: () => [
      { label: t('planprevent.date'), cell: (r) => ltr(r.date) },
      { label: t('planprevent.country'), cell: (r) => ltr(r.country) },
      { label: t('planprevent.audience'), cell: (r) => t(`planprevent.oa.${r.audience}`) },
      { label: t('planprevent.participants'), cell: (r) => t('planprevent.participants_n', { women: r.participants.women, men: r.participants.men, other: r.participants.other }) },
      { label: t('planprevent.topics'), cell: (r) => codes(r.topics, 'planprevent.topic') },
      { label: t('planprevent.hours'), cell: (r) => ltr(r.hours) },
    ],
    fields: () => [...common(),
      field({ name: 'date', label: t('planprevent.date'), type: 'date', required: true }),
      field({ name: 'audience', label: t('planprevent.audience'), options: OFFICIALS.map((c) => ({ value: c, label: t(`planprevent.oa.${c}`) })) }),
      field({ name: 'women', label: t('planprevent.women'), type: 'number', attrs: { min: 0 } }),
      field({ name: 'men', label: t('planprevent.men'), type: 'number', attrs: { min: 0 } }),
      field({ name: 'other', label: t('planprevent.other_sex'), type: 'number', attrs: { min: 0 } }),
      checks('topics', t('planprevent.topics'), TOPICS, 'planprevent.topic'),
      field({ name: 'hours', label: t('planprevent.hours'), type: 'number', attrs: { min: 0 } }),
      field({ name: 'title', label: t('planprevent.title_f') }),
      ...tail()],
    body: (v, f) => ({
      date: v.date, audience: v.audience, topics: checked(f, 'topics'), hours: num(v.hours), title: v.title,
      participants: { women: num(v.women) || 0, men: num(v.men) || 0, other: num(v.other) || 0 },
    }),
  },
  {
    kind: 'idwork',
    columns: () => [
      { label: t('planprevent.activity'), cell: (r) => r.activity },
      { label: t('planprevent.country'), cell: (r) => ltr(r.country) },
      { label: t('planprevent.period'), cell: (r) => ltr(`${r.period_from} – ${r.period_to}`) },
      { label: t('planprevent.people'), cell: (r) => ltr(r.people) },
    ],
    fields: () => [...common(),
      field({ name: 'activity', label: t('planprevent.activity'), required: true }),
      ...period(),
      field({ name: 'people', label: t('planprevent.people'), type: 'number', attrs: { min: 0 } }),
      ...tail()],
    body: (v) => ({ activity: v.activity, period_from: v.period_from, period_to: v.period_to, people: num(v.people) }),
  },
  {
    kind: 'supplychain',
    columns: () => [
      { label: t('planprevent.company'), cell: (r) => r.company },
      { label: t('planprevent.country'), cell: (r) => ltr(r.country) },
      { label: t('planprevent.date'), cell: (r) => ltr(r.date) },
      { label: t('planprevent.measure'), cell: (r) => t(`planprevent.measure.${r.measure}`) },
      { label: t('planprevent.coverage'), cell: (r) => [ltr(r.coverage), ' ', t(`planprevent.coverage_kind.${r.coverage_kind}`)] },
    ],
    fields: () => [...common(),
      field({ name: 'company', label: t('planprevent.company'), required: true }),
      field({ name: 'measure', label: t('planprevent.measure'), options: MEASURES.map((c) => ({ value: c, label: t(`planprevent.measure.${c}`) })) }),
      field({ name: 'date', label: t('planprevent.date'), type: 'date', required: true }),
      field({ name: 'coverage', label: t('planprevent.coverage'), type: 'number', attrs: { min: 0 } }),
      field({ name: 'coverage_kind', label: t('planprevent.coverage_kind'),
        options: ['workers', 'companies'].map((k) => ({ value: k, label: t(`planprevent.coverage_kind.${k}`) })) }),
      ...tail()],
    body: (v) => ({ company: v.company, measure: v.measure, date: v.date, coverage: num(v.coverage), coverage_kind: v.coverage_kind }),
  },
];

function figures(f) {
  const rows = [...f.countries, { ...f.total, country: t('planprevent.total') }];
  const by = f.total.officials_by_audience;
  return h('div', { 'data-figures': '' },
    table(t('planprevent.figures', { year: f.year }), [
      { label: t('planprevent.country'), cell: (r) => ltr(r.country) },
      ...FIGURES.map((k) => ({ label: t(`planprevent.fig.${k}`), cell: (r) => h('span', { 'data-fig': `${r.country}:${k}` }, String(r[k])), cls: 'num' })),
    ], rows),
    table(t('planprevent.by_audience'), [
      { label: t('planprevent.audience'), cell: (a) => t(`planprevent.oa.${a}`) },
      { label: t('planprevent.women'), cell: (a) => ltr(by[a].women), cls: 'num' },
      { label: t('planprevent.men'), cell: (a) => ltr(by[a].men), cls: 'num' },
      { label: t('planprevent.other_sex'), cell: (a) => ltr(by[a].other), cls: 'num' },
      { label: t('planprevent.total'), cell: (a) => ltr(by[a].total), cls: 'num' },
    ], OFFICIALS.filter((a) => by[a].total > 0)));
}

export async function render(ctx) {
  const year = ctx.query.get('year') || new Date().toISOString().slice(0, 4);
  const country = (ctx.query.get('country') || '').toUpperCase();
  const write = !ctx.allowed || ctx.allowed('plan.write');
  const figBox = h('div', { 'aria-live': 'polite' });
  const boxes = new Map(KINDS.map((k) => [k.kind, h('div', { 'aria-live': 'polite', 'data-list': k.kind })]));
  const range = { country, from: `${year}-01-01`, to: `${year}-12-31` };
  const loadFigures = async () => {
    try {
      figBox.replaceChildren(figures(await api.get(`/api/v1/plan/prevention${query({ year, country })}`)));
    } catch (e) {
      figBox.replaceChildren(errorBlock(e));
    }
  };
  const loadKind = async (k) => {
    const box = boxes.get(k.kind);
    try {
      const items = (await api.get(`/api/v1/plan/${k.kind}${query(range)}`)).items;
      box.replaceChildren(items.length ? table(t(`planprevent.section.${k.kind}`), k.columns(), items)
        : h('p', { class: 'empty' }, t('planprevent.none')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  await Promise.all([loadFigures(), ...KINDS.map(loadKind)]);

  const filter = h('form', { class: 'form filters', 'aria-label': t('planprevent.filter') },
    field({ name: 'year', label: t('planprevent.year'), type: 'number', value: year, attrs: { min: 1900, max: 2200 } }),
    field({ name: 'country', label: t('planprevent.country'), value: country, hint: t('planprevent.country_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('planprevent.show'))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(filter);
    ctx.navigate(`plan-prevention${query({ year: v.year, country: v.country.toUpperCase() })}`);
  });

  return page(t('planprevent.title'), planTabs(ctx, 'plan-prevention'), h('p', { class: 'lead' }, t('planprevent.intro')), filter, figBox,
    KINDS.map((k) => h('section', { 'aria-labelledby': `prev-${k.kind}`, 'data-kind': k.kind },
      h('h2', { id: `prev-${k.kind}` }, t(`planprevent.section.${k.kind}`)),
      boxes.get(k.kind),
      write ? postForm(k.kind, t(`planprevent.add.${k.kind}`), k.fields(), k.body, async () => {
        await Promise.all([loadFigures(), loadKind(k)]);
      }) : null)));
}
