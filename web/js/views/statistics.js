// Statistics dashboard (issue 6, item 7): #/statistics shows the report's charts as images of
// GET /api/v1/stats/charts/{name} (same origin: the CSP allows img-src 'self'), drawn by the
// server in the page's language (Arabic right to left). Filters in the hash query: from_year,
// to_year, and release=suppress ("as published", for stats.publish holders: each chart so shown
// is recorded as a release).
import { api } from '../api.js';
import { h, field, page, formValues, notice, busy, showError } from '../dom.js';
import { t, currentLang } from '../i18n.js';

export const CHARTS = ['victims-sex-age', 'victims-forms', 'trends', 'funnel', 'flows-reach', 'flows'];
const YEARS_MAX = 30;

function yearOf(s, dflt) {
  return /^\d{4}$/.test(s || '') ? Number(s) : dflt;
}

export async function render(ctx) {
  const now = new Date().getUTCFullYear();
  const to = yearOf(ctx.query.get('to_year'), now);
  const from = yearOf(ctx.query.get('from_year'), to - 4);
  const canPublish = ctx.allowed('stats.publish');
  const released = canPublish && ctx.query.get('release') === 'suppress';
  const form = h('form', { class: 'form filters', 'aria-label': t('dash.filter') },
    field({ name: 'from_year', label: t('dash.from_year'), type: 'number', value: String(from),
      attrs: { min: '1900', max: '9999', step: '1' } }),
    field({ name: 'to_year', label: t('dash.to_year'), type: 'number', value: String(to),
      attrs: { min: '1900', max: '9999', step: '1' } }),
    canPublish ? field({ name: 'release', label: t('dash.released'), type: 'checkbox', value: released,
      hint: t('dash.released_hint') }) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('dash.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const q = new URLSearchParams();
    q.set('from_year', v.from_year || '');
    q.set('to_year', v.to_year || '');
    if (v.release) q.set('release', 'suppress');
    ctx.navigate(`statistics?${q}`);
  });
  const valid = from >= 1900 && to <= 9999 && from <= to && to - from < YEARS_MAX;
  if (!valid) {
    return page(t('dash.title'), h('p', { class: 'lead' }, t('dash.intro')), form,
      notice('error', t('dash.years_invalid')));
  }
  const lang = currentLang();
  const src = (name, format) => {
    const q = new URLSearchParams({ from_year: String(from), to_year: String(to), lang, format });
    if (released) q.set('release', 'suppress');
    return `/api/v1/stats/charts/${name}?${q}`;
  };
  const figures = CHARTS.map((name) => h('figure', { class: 'chart', 'data-chart': name },
    h('img', {
      src: src(name, 'svg'), alt: t(`charts.title.${name}`), width: '800', height: '450',
    }),
    h('figcaption', {},
      h('span', {}, t(`charts.title.${name}`)), ' ',
      h('span', { class: 'hint' }, h('a', { href: src(name, 'svg'), download: `${name}.svg` }, 'SVG'), ' · ',
        h('a', { href: src(name, 'png'), download: `${name}.png` }, 'PNG')))));
  // Publishing: the same charts, released with disclosure control, stored for #/published.
  let publish = null;
  if (canPublish) {
    const status = h('p', { class: 'hint', 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('published.publish'));
    publish = h('form', { class: 'form', 'data-publish': '' },
      h('p', { class: 'hint' }, t('published.publish_hint', { from: String(from), to: String(to) })),
      h('div', { class: 'actions' }, button), status);
    publish.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(publish, async () => {
        try {
          const r = await api.post('/api/v1/stats/dashboard/publish', { year_from: from, year_to: to });
          status.replaceChildren(t('published.done', { n: String(r.images) }), ' ',
            h('a', { href: '#/published' }, t('published.title')));
        } catch (e) {
          showError(publish, e);
        }
      });
    });
  }
  return page(t('dash.title'), h('p', { class: 'lead' }, t('dash.intro')), form,
    h('div', { class: 'charts', 'data-released': released ? 'true' : 'false' }, ...figures), publish);
}
