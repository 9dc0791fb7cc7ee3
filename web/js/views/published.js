// Published statistics (issue 6, item 4): #/published, reachable without an account. It shows
// the public dashboard as published by a holder of stats.publish (`ctis dashboard publish` or the
// statistics page): charts released with disclosure control, stored as images, never a live
// query. In the page's language when published in it (all six are), else English.
import { api } from '../api.js';
import { h, page, errorBlock } from '../dom.js';
import { t, currentLang } from '../i18n.js';

export async function render() {
  let index;
  try {
    index = await api.get('/api/v1/public/stats/dashboard');
  } catch (e) {
    if (e && e.status === 404) {
      return page(t('published.title'), h('p', { class: 'lead' }, t('published.none')));
    }
    return page(t('published.title'), errorBlock(e));
  }
  const lang = (index.langs || []).includes(currentLang()) ? currentLang() : 'en';
  const figures = (index.charts || []).map((name) => h('figure', { class: 'chart', 'data-chart': name },
    h('img', {
      src: `/api/v1/public/stats/dashboard/${lang}/${encodeURIComponent(name)}`,
      alt: t(`charts.title.${name}`), width: '800', height: '450',
    }),
    h('figcaption', {}, t(`charts.title.${name}`))));
  return page(t('published.title'),
    h('p', { class: 'lead' }, t('published.intro')),
    h('p', { class: 'hint', 'data-published': index.published_at },
      t('published.when', { date: (index.published_at || '').slice(0, 10), from: String(index.year_from), to: String(index.year_to) })),
    h('div', { class: 'charts' }, ...figures));
}
