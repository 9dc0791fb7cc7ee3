// Flows (issue 6, part S1): #/flows shows the origin → destination flows of victims (pairs at or
// above the reporting threshold), the shares by reach (of all victims with both countries known,
// small pairs included), the main destinations per origin region and the rates per 100,000
// (SDG 16.2.2) where the population is known. Filters: from, to, threshold (in the hash query).
// Below, the questionnaire workbook (issue 6, item 7): a download link to
// /api/v1/stats/questionnaire.xlsx for a country, years, language and exact or released figures.
import { api } from '../api.js';
import { h, field, page, table, errorBlock, formValues } from '../dom.js';
import { t, currentLang, LANGS, LANG_NAMES } from '../i18n.js';

const REACHES = ['domestic', 'subregional', 'intraregional', 'transregional'];

function regionLabel(code) {
  return code ? t(`region.${code}`) : t('region.unassigned');
}

function pct(x) {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 1 }).format(x || 0);
}

function num(x, digits = 0) {
  return new Intl.NumberFormat(currentLang(), { maximumFractionDigits: digits }).format(x);
}

const code = (c) => h('span', { dir: 'ltr', translate: 'no' }, c);

// The questionnaire workbook: the link follows the form (the session cookie goes along).
function questionnaireSection() {
  const year = new Date().getFullYear();
  const link = h('a', { class: 'button', 'data-questionnaire': '' }, t('questionnaire.web.download'));
  const form = h('form', { class: 'form filters', 'aria-label': t('questionnaire.web.heading'), 'data-questionnaire-form': '' },
    field({ name: 'country', label: t('questionnaire.web.country'), value: '', attrs: { maxlength: '3', dir: 'ltr', autocomplete: 'off' } }),
    field({ name: 'from_year', label: t('questionnaire.web.from_year'), type: 'number', value: String(year - 1),
      attrs: { min: '1900', max: '9999' } }),
    field({ name: 'to_year', label: t('questionnaire.web.to_year'), type: 'number', value: String(year),
      attrs: { min: '1900', max: '9999' } }),
    field({ name: 'lang', label: t('questionnaire.web.lang'), value: currentLang(),
      options: LANGS.map((c) => ({ value: c, label: LANG_NAMES[c] })) }),
    field({ name: 'release', label: t('questionnaire.web.release'), value: '',
      options: [{ value: '', label: t('questionnaire.web.exact') }, { value: 'suppress', label: t('questionnaire.web.suppress') }] }),
    h('div', { class: 'actions' }, link));
  const update = () => {
    const v = formValues(form);
    const q = new URLSearchParams({ country: (v.country || '').toUpperCase(), from_year: v.from_year || '', to_year: v.to_year || '', lang: v.lang || 'en' });
    if (v.release) q.set('release', v.release);
    link.setAttribute('href', `/api/v1/stats/questionnaire.xlsx?${q}`);
    link.setAttribute('download', `questionnaire-${q.get('country')}-${q.get('from_year')}-${q.get('to_year')}.xlsx`);
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  update();
  return h('section', { 'aria-labelledby': 'questionnaire-heading' },
    h('h2', { id: 'questionnaire-heading' }, t('questionnaire.web.heading')),
    h('p', { class: 'hint' }, t('questionnaire.web.intro')), form);
}

export async function render(ctx) {
  const from = ctx.query.get('from') || '';
  const to = ctx.query.get('to') || '';
  const threshold = ctx.query.get('threshold') || '';
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const form = h('form', { class: 'form filters', 'aria-label': t('flows.filter') },
    field({ name: 'from', label: t('flows.from'), type: 'date', value: from }),
    field({ name: 'to', label: t('flows.to'), type: 'date', value: to }),
    field({ name: 'threshold', label: t('flows.threshold'), type: 'number', value: threshold,
      hint: t('flows.threshold_hint'), attrs: { min: '1', max: '1000' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('flows.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const q = new URLSearchParams();
    for (const k of ['from', 'to', 'threshold']) if (v[k]) q.set(k, v[k]);
    ctx.navigate(`flows${q.toString() ? `?${q}` : ''}`);
  });
  try {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (threshold) q.set('threshold', threshold);
    const f = await api.get(`/api/v1/stats/flows?${q}`);
    const summary = h('p', { 'data-summary': '' }, t('flows.summary', {
      victims: num(f.victims), known: num(f.known), threshold: num(f.threshold),
    }));
    const reach = table(t('flows.reach_table'), [
      { label: t('flows.reach'), cell: (r) => t(`flows.reach.${r}`) },
      { label: t('flows.count'), cell: (r) => num(f.reach[r].count), cls: 'num' },
      { label: t('flows.share'), cell: (r) => pct(f.reach[r].share), cls: 'num' },
    ], REACHES);
    reach.setAttribute('data-reach', '');
    const list = f.flows.length ? table(t('flows.list'), [
      { label: t('flows.origin'), cell: (x) => code(x.origin) },
      { label: t('flows.destination'), cell: (x) => code(x.destination) },
      { label: t('flows.reach'), cell: (x) => t(`flows.reach.${x.reach}`) },
      { label: t('flows.count'), cell: (x) => num(x.count), cls: 'num' },
    ], f.flows) : h('p', { class: 'empty' }, t('flows.empty'));
    if (f.flows.length) list.setAttribute('data-flows', '');
    const below = f.pairs_below
      ? h('p', { class: 'hint' }, t('flows.below', { pairs: num(f.pairs_below), victims: num(f.victims_below) }))
      : null;
    const dest = f.destinations.length ? table(t('flows.destinations'), [
      { label: t('flows.origin_region'), cell: (x) => regionLabel(x.origin_region) },
      { label: t('flows.destination_subregion'), cell: (x) => regionLabel(x.destination_subregion) },
      { label: t('flows.count'), cell: (x) => num(x.count), cls: 'num' },
      { label: t('flows.share'), cell: (x) => pct(x.share), cls: 'num' },
    ], f.destinations) : null;
    const rates = f.rates.length ? table(t('flows.rates'), [
      { label: t('flows.country'), cell: (x) => code(x.country) },
      { label: t('flows.year'), cell: (x) => code(String(x.year)) },
      { label: t('flows.victims'), cell: (x) => num(x.victims), cls: 'num' },
      { label: t('flows.population'), cell: (x) => (x.population ? num(x.population) : '—'), cls: 'num' },
      { label: t('flows.rate'), cell: (x) => (x.rate === null ? t('flows.no_population') : num(x.rate, 3)), cls: 'num' },
    ], f.rates) : null;
    box.replaceChildren(...[summary, h('h2', {}, t('flows.reach_table')), reach,
      h('h2', {}, t('flows.list')), list, below,
      dest ? h('h2', {}, t('flows.destinations')) : null, dest,
      rates ? h('h2', {}, t('flows.rates')) : null, rates,
      h('p', { class: 'hint' }, t('flows.method'))].filter(Boolean));
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  return page(t('flows.title'), h('p', { class: 'lead' }, t('flows.intro')), form, box, questionnaireSection());
}
