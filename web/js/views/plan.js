// Plan (issue 9, item 1): #/plan shows the United Nations Global Plan of Action to Combat
// Trafficking in Persons (resolution 64/293) by pillar and section: each paragraph's number, its
// Arabic text (right-to-left, lang="ar", in every UI language: the text is the resolution's
// own), its English summary and badges for the instruments it names. Filters: pillar and
// instrument (in the hash query). Data: GET /api/v1/plan/paragraphs and /api/v1/plan/instruments.
import { api } from '../api.js';
import { h, field, page, errorBlock, formValues } from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const PILLARS = ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up'];

// The Arabic text, one paragraph element per line (lettered sub-items stand on their own lines).
function arabic(text) {
  return h('div', { class: 'plan-text', dir: 'rtl', lang: 'ar', 'data-text-ar': '' },
    text.split('\n').map((line) => h('p', {}, line)));
}

function badges(p, instruments) {
  if (!p.instruments.length) return null;
  return h('p', { class: 'plan-instruments', 'data-instruments': '' },
    h('span', { class: 'visually-hidden' }, t('plan.instruments_named')),
    p.instruments.map((c) => {
      const i = instruments.get(c);
      return h('span', { class: 'badge', dir: 'ltr', translate: 'no', title: i ? `${i.name_en} (${i.year})` : c, 'data-instrument': c }, c);
    }));
}

function paragraph(p, instruments) {
  const label = t(p.part === 'annex' ? 'plan.annex_paragraph' : 'plan.operative_paragraph', { n: p.number });
  return h('article', { class: 'plan-paragraph', id: `plan-${p.id}`, 'data-paragraph': p.id, 'aria-labelledby': `plan-${p.id}-h` },
    h('h4', { id: `plan-${p.id}-h` }, label, ' ', h('span', { class: 'hint', dir: 'ltr', translate: 'no' }, `(${p.id})`)),
    arabic(p.text_ar),
    h('p', { class: 'plan-summary', lang: 'en', dir: 'ltr', 'data-summary-en': '' },
      h('span', { class: 'visually-hidden' }, `${t('plan.summary')}: `), p.summary_en),
    badges(p, instruments));
}

export async function render(ctx) {
  const pillar = ctx.query.get('pillar') || '';
  const instrument = ctx.query.get('instrument') || '';
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  let list = [];
  try {
    list = (await api.get('/api/v1/plan/instruments')).instruments;
  } catch {
    // the filter then offers no instruments; the paragraphs below say what went wrong
  }
  const form = h('form', { class: 'form filters', 'aria-label': t('plan.filter') },
    field({ name: 'pillar', label: t('plan.pillar'), value: pillar,
      options: [{ value: '', label: t('plan.all') }, ...PILLARS.map((c) => ({ value: c, label: t(`plan.pillar.${c}`) }))] }),
    field({ name: 'instrument', label: t('plan.instrument'), value: instrument,
      options: [{ value: '', label: t('plan.all') }, ...list.map((i) => ({ value: i.code, label: `${i.code} — ${i.name_en}` }))] }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('plan.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const q = new URLSearchParams();
    for (const k of ['pillar', 'instrument']) if (v[k]) q.set(k, v[k]);
    ctx.navigate(`plan${q.toString() ? `?${q}` : ''}`);
  });
  try {
    const q = new URLSearchParams();
    if (pillar) q.set('pillar', pillar);
    if (instrument) q.set('instrument', instrument);
    const data = await api.get(`/api/v1/plan/paragraphs?${q}`);
    const instruments = new Map(list.map((i) => [i.code, i]));
    const sections = new Map(data.sections.map((s) => [s.code, s]));
    const parts = [h('p', { 'data-count': '' }, t('plan.count', { n: data.paragraphs.length }))];
    for (const pl of PILLARS) {
      const paras = data.paragraphs.filter((p) => p.pillar === pl);
      if (!paras.length) continue;
      const groups = [];
      for (const p of paras) {
        const last = groups[groups.length - 1];
        if (last && last.section === p.section) last.items.push(p);
        else groups.push({ section: p.section, items: [p] });
      }
      parts.push(h('section', { class: 'plan-pillar', 'data-pillar': pl, 'aria-labelledby': `plan-pillar-${pl}` },
        h('h2', { id: `plan-pillar-${pl}` }, t(`plan.pillar.${pl}`)),
        groups.map((g) => {
          const s = sections.get(g.section);
          return h('section', { class: 'plan-section', 'data-section': g.section },
            h('h3', {}, t(`plan.section.${g.section}`)),
            s && s.title_ar ? h('p', { class: 'plan-heading-ar', dir: 'rtl', lang: 'ar' }, `${s.numeral_ar} - ${s.title_ar}`) : null,
            s && s.intro_ar && g.items[0].number === s.first ? arabic(s.intro_ar) : null,
            g.items.map((p) => paragraph(p, instruments)));
        })));
    }
    if (!data.paragraphs.length) parts.push(h('p', { class: 'empty' }, t('plan.empty')));
    parts.push(h('p', { class: 'hint' }, t('plan.source')));
    box.replaceChildren(...parts);
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  return page(t('plan.title'), planTabs(ctx, 'plan'), h('p', { class: 'lead' }, t('plan.intro')), form, box);
}
