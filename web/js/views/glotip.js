// UNODC's published national data (issue 6, item 6; docs/glotip.md): the figures of the latest
// GLOTIP import summed by the fields chosen (stats.read), suppressed (<5) and suspect cells in
// columns of their own, and the instance's own detected victims beside them; an import form for
// those who hold case.write. The file goes as the raw body; its name in ?name= (a file name, not
// personal data).
import { api, query, cookie, ApiError } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t } from '../i18n.js';

const INDICATORS = ['Detected trafficking victims', 'Persons convicted', 'Persons prosecuted',
  'Persons brought into formal contact', 'Offences of trafficking in persons'];
const DIMENSIONS = ['by citizenship', 'by country of repatriation', 'by form of exploitation'];
const FIELDS = ['year', 'iso3', 'country', 'region', 'subregion', 'sex', 'age', 'category'];
const MAX_BYTES = 10 * 1024 * 1024;

function importForm(onDone) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'file', label: t('glotip.file'), type: 'file', required: true, hint: t('glotip.file_hint'),
      attrs: { accept: '.xlsx,.csv' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('glotip.import'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const file = f.elements.file.files && f.elements.file.files[0];
    if (!file) {
      showError(f, { code: 'invalid', field: 'file' }, t('form.required'));
      return;
    }
    if (file.size > MAX_BYTES) {
      showError(f, { code: 'invalid', field: 'file' }, t('glotip.too_large'));
      return;
    }
    busy(f, async () => {
      try {
        const headers = { 'Content-Type': 'application/octet-stream' };
        const csrf = cookie('ctis_csrf');
        if (csrf) headers['X-CSRF-Token'] = csrf;
        const res = await fetch(`/api/v1/imports/glotip?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store',
        });
        const data = await res.json().catch(() => ({}));
        if (!res.ok) {
          const err = data.error || {};
          throw new ApiError(res.status, err.code || 'error', err.message, err.field);
        }
        const r = data.suspect_by_reason || {};
        const reasons = Object.keys(r).filter((k) => r[k] > 0).map((k) => `${t(`glotip.reason.${k}`)}: ${r[k]}`);
        out.replaceChildren(notice('success',
          h('p', {}, t('glotip.imported', { rows: data.rows, ok: data.ok, suppressed: data.suppressed, suspect: data.suspect })),
          reasons.length ? h('p', {}, reasons.join('; ')) : null,
          (data.unmapped_categories || []).length
            ? h('p', {}, t('glotip.unmapped'), ' ', data.unmapped_categories.map((u) => `${u.category} (${u.rows})`).join(', '))
            : null));
        f.reset();
        if (onDone) await onDone();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('section', { 'aria-labelledby': 'glotip-import-h' },
    h('h2', { id: 'glotip-import-h' }, t('glotip.import_title')), f, out);
}

function queryForm(ctx, results) {
  const q = ctx.query;
  const by = (q.get('by') || 'year').split(',');
  const f = h('form', { class: 'form', novalidate: true },
    field({ name: 'indicator', label: t('glotip.indicator'), required: true, value: q.get('indicator') || INDICATORS[0],
      options: INDICATORS.map((i) => ({ value: i, label: t(`glotip.indicator.${INDICATORS.indexOf(i)}`) })) }),
    h('fieldset', { class: 'field' }, h('legend', {}, t('glotip.by')),
      h('div', { class: 'inline-fields' }, FIELDS.map((fl) => field({
        name: `by_${fl}`, label: t(`glotip.field.${fl}`), type: 'checkbox', value: by.includes(fl),
      })))),
    field({ name: 'dimension', label: t('glotip.dimension'), hint: t('glotip.dimension_hint'), value: q.get('dimension') || '',
      options: [{ value: '', label: t('glotip.dimension.total') },
        ...DIMENSIONS.map((d, i) => ({ value: d, label: t(`glotip.dimension.${i}`) }))] }),
    h('div', { class: 'inline-fields' },
      field({ name: 'year_from', label: t('glotip.year_from'), value: q.get('year_from') || '', attrs: { inputmode: 'numeric', size: '5', maxlength: '4' } }),
      field({ name: 'year_to', label: t('glotip.year_to'), value: q.get('year_to') || '', attrs: { inputmode: 'numeric', size: '5', maxlength: '4' } })),
    field({ name: 'compare', label: t('glotip.compare'), hint: t('glotip.compare_hint'), type: 'checkbox', value: q.get('compare') === 'true' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('glotip.show'))));
  const run = async () => {
    clearErrors(f);
    const v = formValues(f);
    const fields = FIELDS.filter((fl) => f.elements[`by_${fl}`].checked);
    const params = {
      indicator: v.indicator, by: (fields.length ? fields : ['year']).join(','), dimension: v.dimension,
      year_from: v.year_from, year_to: v.year_to, compare: f.elements.compare.checked ? 'true' : '',
    };
    try {
      const data = await api.get(`/api/v1/stats/glotip${query(params)}`);
      const keys = data.by || [];
      const cols = [
        ...keys.map((k) => ({ label: t(`glotip.field.${k}`), cell: (r) => r.keys[k] })),
        { label: t('glotip.value'), cell: (r) => (r.value === null ? '—' : String(r.value)), cls: 'num' },
        { label: t('glotip.suppressed'), cell: (r) => String(r.suppressed), cls: 'num' },
        { label: t('glotip.suspect'), cell: (r) => String(r.suspect), cls: 'num' },
      ];
      if (params.compare) cols.push({ label: t('glotip.instance'), cell: (r) => String(r.instance), cls: 'num' });
      results.replaceChildren(
        h('p', { class: 'hint' }, t('glotip.note')),
        data.rows.length ? table(t('glotip.results'), cols, data.rows) : h('p', { class: 'empty' }, t('glotip.none')));
    } catch (e) {
      if (e.code === 'not_found') {
        results.replaceChildren(notice('info', t('glotip.nothing_imported')));
      } else if (e.field) {
        showError(f, e);
        results.replaceChildren();
      } else {
        results.replaceChildren(errorBlock(e));
      }
    }
  };
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(f, run);
  });
  return { form: f, run };
}

export async function render(ctx) {
  const parts = [];
  const results = h('div', { 'aria-live': 'polite' });
  let run = null;
  if (ctx.allowed('stats.read')) {
    const qf = queryForm(ctx, results);
    run = qf.run;
    parts.push(h('section', { 'aria-labelledby': 'glotip-query-h' },
      h('h2', { id: 'glotip-query-h' }, t('glotip.query_title')), qf.form, results));
  }
  if (ctx.allowed('case.write')) parts.unshift(importForm(run));
  if (run) await run();
  return h('div', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('glotip.title')),
    h('p', { class: 'hint' }, t('glotip.hint')), ...parts);
}
