// The implementation report (issue 9, part K; resolution 64/293 op. paras 5 and 6): #/plan-report
// shows, for a period (from, to in the hash query), the report's tables per pillar and section
// with each figure's Plan paragraphs; with a second period (cfrom, cto) the two side by side with
// the change per figure (the appraisal view); links to the same report as PDF and XLSX in a
// chosen language. Data: GET /api/v1/plan/report, report.pdf, report.xlsx.
import { api, query } from '../api.js';
import { h, page, errorBlock, field, formValues } from '../dom.js';
import { t, currentLang } from '../i18n.js';
import { planTabs } from './plantabs.js';

const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap' }, v);

function valueText(v, unit) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number' && unit === 'usd_cents') return `${(v / 100).toFixed(2)} USD`;
  return String(v);
}

function paragraphsText(list) {
  return (list || []).map((id) => (id.startsWith('op-') ? `${t('plan.report.op')}${id.slice(3)}` : id.replace('annex-', ''))).join(', ');
}

function sectionTable(sec, compare) {
  const head = [t('plan.report.col.figure'), t('plan.report.col.paragraphs'), t('plan.report.col.value')];
  if (compare) head.push(t('plan.report.col.compare'), t('plan.report.col.change'));
  return h('table', { class: 'data', 'data-section': sec.code },
    h('caption', {}, t(`plan.report.section.${sec.code}`)),
    h('thead', {}, h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, sec.rows.map((r) => {
      const c = compare ? compare.get(`${sec.code}/${r.key}`) : null;
      const cells = [
        h('th', { scope: 'row' }, t(`plan.report.row.${r.key}`)),
        h('td', {}, ltr(paragraphsText(r.paragraphs))),
        h('td', { class: 'num', 'data-value': r.key }, ltr(valueText(r.value, r.unit))),
      ];
      if (compare) {
        const ch = c ? c.change : null;
        cells.push(h('td', { class: 'num' }, ltr(valueText(c ? c.b : null, r.unit))),
          h('td', { class: 'num', 'data-change': r.key }, ltr(typeof ch === 'number' && ch > 0 ? `+${valueText(ch, r.unit)}` : valueText(ch, r.unit))));
      }
      return h('tr', { 'data-row': r.key }, cells);
    })));
}

export async function render(ctx) {
  const year = new Date().getFullYear();
  const v = {
    from: ctx.query.get('from') || `${year - 1}-01-01`,
    to: ctx.query.get('to') || `${year - 1}-12-31`,
    cfrom: ctx.query.get('cfrom') || '',
    cto: ctx.query.get('cto') || '',
    lang: ctx.query.get('lang') || (LANGS.includes(currentLang()) ? currentLang() : 'en'),
  };
  const f = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'inline-fields' },
      field({ name: 'from', label: t('planreport.from'), value: v.from, required: true, attrs: { type: 'date' } }),
      field({ name: 'to', label: t('planreport.to'), value: v.to, required: true, attrs: { type: 'date' } }),
      field({ name: 'cfrom', label: t('planreport.compare_from'), value: v.cfrom, attrs: { type: 'date' } }),
      field({ name: 'cto', label: t('planreport.compare_to'), value: v.cto, attrs: { type: 'date' } }),
      field({ name: 'lang', label: t('planreport.lang'), value: v.lang,
        options: LANGS.map((l) => ({ value: l, label: t(`planpractices.lang.${l}`) })) })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('planreport.show'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const x = formValues(f);
    ctx.navigate(`plan-report${query(Object.fromEntries(Object.entries(x).filter(([, val]) => val)))}`);
  });
  const box = h('div', { 'aria-live': 'polite' });
  const params = { from: v.from, to: v.to };
  if (v.cfrom && v.cto) params.compare = `${v.cfrom}:${v.cto}`;
  try {
    const r = await api.get(`/api/v1/plan/report${query(params)}`);
    const compare = r.changes ? new Map(r.changes.map((c) => [`${c.section}/${c.key}`, c])) : null;
    const parts = [];
    let pillar = '';
    for (const sec of r.sections) {
      if (sec.pillar !== pillar) {
        pillar = sec.pillar;
        parts.push(h('h2', { 'data-pillar': pillar }, t(`plan.pillar.${pillar}`)));
      }
      parts.push(sectionTable(sec, compare));
    }
    const files = { ...params, lang: v.lang };
    box.replaceChildren(
      h('p', { 'data-period': '' }, `${t('plan.report.period')}: `, ltr(`${r.from} – ${r.to}`),
        r.compare ? [`; ${t('plan.report.compare')} `, ltr(`${r.compare.from} – ${r.compare.to}`)] : null),
      h('p', { class: 'hint' }, t('plan.report.intro')),
      ...parts,
      h('p', { 'data-files': '' }, t('planreport.files'), ' ',
        h('a', { href: `/api/v1/plan/report.pdf${query(files)}`, download: `plan-report-${r.from}-${r.to}-${v.lang}.pdf`, 'data-file': 'pdf' }, 'PDF'),
        ' · ',
        h('a', { href: `/api/v1/plan/report.xlsx${query(files)}`, download: `plan-report-${r.from}-${r.to}-${v.lang}.xlsx`, 'data-file': 'xlsx' }, 'XLSX')));
  } catch (e) {
    box.replaceChildren(errorBlock(e));
  }
  return page(t('planreport.title'), planTabs(ctx, 'plan-report'), h('p', { class: 'lead' }, t('planreport.intro')), f, box);
}
