// Good practices (issue 9, part K; Plan of Action paras 18, 24, 51, 60): #/plan-practices searches
// the knowledge base in any of the six languages (ranked results with the matched words marked,
// filters by language, pillar, paragraph, country and status); #/plan-practices/{id} shows a
// practice with its translations (each text in its own language and direction); holders of
// plan.write record and change practices. Data: /api/v1/plan/practices.
import { api, request, query } from '../api.js';
import {
  h, page, notice, errorBlock, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
const PILLARS = ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up'];
const STATUSES = ['draft', 'published'];
const FILTERS = ['q', 'lang', 'pillar', 'paragraph', 'country', 'status'];
const MARK_START = '\uE000';
const MARK_STOP = '\uE001';
const dirOf = (lang) => (lang === 'ar' ? 'rtl' : 'ltr');

// The snippet's marked words as <mark> elements (text nodes only: never parsed as HTML).
function snippetNode(s, lang) {
  const out = h('p', { class: 'snippet', lang, dir: dirOf(lang) });
  let rest = s || '';
  while (rest.length) {
    const a = rest.indexOf(MARK_START);
    if (a < 0) {
      out.append(rest);
      break;
    }
    out.append(rest.slice(0, a));
    const b = rest.indexOf(MARK_STOP, a + 1);
    out.append(h('mark', {}, b < 0 ? rest.slice(a + 1) : rest.slice(a + 1, b)));
    rest = b < 0 ? '' : rest.slice(b + 1);
  }
  return out;
}

const any = () => ({ value: '', label: t('planpractices.any') });

export async function renderSearch(ctx) {
  const values = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) || '']));
  const f = h('form', { class: 'form', role: 'search', novalidate: true },
    field({ name: 'q', label: t('planpractices.q'), value: values.q, hint: t('planpractices.q_hint'), attrs: { type: 'search', maxlength: '400' } }),
    h('div', { class: 'inline-fields' },
      field({ name: 'lang', label: t('planpractices.lang'), value: values.lang,
        options: [any(), ...LANGS.map((l) => ({ value: l, label: t(`planpractices.lang.${l}`) }))] }),
      field({ name: 'pillar', label: t('planpractices.pillar'), value: values.pillar,
        options: [any(), ...PILLARS.map((p) => ({ value: p, label: t(`plan.pillar.${p}`) }))] }),
      field({ name: 'paragraph', label: t('planpractices.paragraph'), value: values.paragraph, attrs: { maxlength: '12', size: '10', dir: 'ltr' } }),
      field({ name: 'country', label: t('planpractices.country'), value: values.country, attrs: { maxlength: '3', size: '4', dir: 'ltr' } }),
      field({ name: 'status', label: t('planpractices.status'), value: values.status,
        options: [any(), ...STATUSES.map((s) => ({ value: s, label: t(`planpractices.status.${s}`) }))] })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('planpractices.search'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(f);
    if (v.country) v.country = v.country.toUpperCase();
    ctx.navigate(`plan-practices${query(Object.fromEntries(FILTERS.filter((k) => v[k]).map((k) => [k, v[k]])))}`);
  });
  const params = Object.fromEntries(FILTERS.filter((k) => values[k]).map((k) => [k, values[k]]));
  const box = h('div', { 'aria-live': 'polite' });
  try {
    const r = await api.get(`/api/v1/plan/practices${query(params)}`);
    const items = r.items || [];
    box.replaceChildren(
      h('p', { class: 'hint', 'data-count': items.length }, t('planpractices.found', { n: items.length })),
      items.length ? h('ol', { class: 'results' }, items.map((p) => h('li', { 'data-practice': p.id },
        h('a', { href: `#/plan-practices/${p.id}`, lang: p.match_lang, dir: dirOf(p.match_lang) }, p.title),
        ' ', h('span', { class: 'muted' }, [p.country, p.year || '', t(`planpractices.status.${p.status}`),
          (p.pillars || []).map((x) => t(`plan.pillar.${x}`)).join(', ')].filter(Boolean).join(' · ')),
        p.snippet ? snippetNode(p.snippet, p.match_lang) : (p.summary ? h('p', { lang: p.match_lang, dir: dirOf(p.match_lang) }, p.summary) : null))))
        : h('p', { class: 'empty' }, t('planpractices.empty')));
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  return page(t('planpractices.title'), planTabs(ctx, 'plan-practices'), h('p', { class: 'lead' }, t('planpractices.intro')),
    ctx.allowed('plan.write') ? h('p', {}, h('a', { class: 'button', href: '#/plan-practices/new' }, t('planpractices.new'))) : null,
    f, box);
}

function textBlock(x) {
  return h('section', { class: 'practice-text', lang: x.lang, dir: dirOf(x.lang), 'data-text-lang': x.lang },
    h('h2', {}, x.title),
    x.summary ? h('p', { class: 'lead' }, x.summary) : null,
    x.body ? h('p', { class: 'prewrap' }, x.body) : null);
}

export async function renderDetail(ctx) {
  let r;
  try {
    r = await request('GET', `/api/v1/plan/practices/${ctx.params[0]}`);
  } catch (e) {
    return page(t('planpractices.title'), planTabs(ctx, 'plan-practices'), errorBlock(e));
  }
  const p = r.data;
  const facts = [
    [t('planpractices.original'), t(`planpractices.lang.${p.lang}`)],
    [t('planpractices.country'), p.country],
    [t('planpractices.year'), p.year ? String(p.year) : ''],
    [t('planpractices.status'), t(`planpractices.status.${p.status}`)],
    [t('planpractices.pillar'), (p.pillars || []).map((x) => t(`plan.pillar.${x}`)).join(', ')],
    [t('planpractices.paragraph'), (p.paragraphs || []).join(' ')],
    [t('planpractices.tags'), (p.tags || []).join(', ')],
    [t('planpractices.source'), p.source],
  ].filter(([, v]) => v);
  return page(t('planpractices.title'), planTabs(ctx, 'plan-practices'),
    h('p', {}, h('a', { href: '#/plan-practices' }, t('planpractices.back'))),
    textBlock(p),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    (p.translations || []).length ? [h('h2', {}, t('planpractices.translations')), p.translations.map(textBlock)] : null,
    ctx.allowed('plan.write') ? h('details', { class: 'case-action' }, h('summary', {}, t('planpractices.edit')),
      practiceForm(ctx, p, r.etag)) : null);
}

export async function renderNew(ctx) {
  return page(t('planpractices.new'), planTabs(ctx, 'plan-practices'), practiceForm(ctx, null, null));
}

function practiceForm(ctx, p, version) {
  const x = p || { lang: 'en', status: 'draft' };
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'lang', label: t('planpractices.original'), value: x.lang,
      options: LANGS.map((l) => ({ value: l, label: t(`planpractices.lang.${l}`) })) }),
    field({ name: 'title', label: t('planpractices.field.title'), value: x.title, required: true, attrs: { maxlength: '300', dir: 'auto' } }),
    field({ name: 'summary', label: t('planpractices.field.summary'), type: 'textarea', value: x.summary, attrs: { maxlength: '4000', dir: 'auto' } }),
    field({ name: 'body', label: t('planpractices.field.body'), type: 'textarea', value: x.body, attrs: { maxlength: '60000', dir: 'auto' } }),
    h('div', { class: 'inline-fields' },
      field({ name: 'country', label: t('planpractices.country'), value: x.country, attrs: { maxlength: '3', size: '4', dir: 'ltr' } }),
      field({ name: 'year', label: t('planpractices.year'), value: x.year ? String(x.year) : '', attrs: { type: 'number', min: '1900', max: '2100', size: '6' } }),
      field({ name: 'status', label: t('planpractices.status'), value: x.status,
        options: STATUSES.map((s) => ({ value: s, label: t(`planpractices.status.${s}`) })) })),
    field({ name: 'paragraphs', label: t('planpractices.paragraph'), hint: t('planpractices.paragraphs_hint'),
      value: (x.paragraphs || []).join(' '), attrs: { dir: 'ltr' } }),
    field({ name: 'tags', label: t('planpractices.tags'), hint: t('planpractices.tags_hint'), value: (x.tags || []).join(', '), attrs: { dir: 'auto' } }),
    field({ name: 'source', label: t('planpractices.source'), value: x.source, attrs: { maxlength: '500', dir: 'auto' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('planpractices.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const b = {
      lang: v.lang, title: v.title, summary: v.summary, body: v.body, country: (v.country || '').toUpperCase(),
      year: v.year ? Number(v.year) : 0, status: v.status, source: v.source,
      paragraphs: (v.paragraphs || '').split(/[\s,]+/).filter(Boolean),
      tags: (v.tags || '').split(',').map((s) => s.trim()).filter(Boolean),
    };
    busy(f, async () => {
      try {
        const r = p
          ? await request('PUT', `/api/v1/plan/practices/${p.id}`, b, { ifMatch: version })
          : await request('POST', '/api/v1/plan/practices', b);
        ctx.flash(notice('success', t('planpractices.saved')));
        ctx.navigate(`plan-practices/${r.data.id}`);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}
