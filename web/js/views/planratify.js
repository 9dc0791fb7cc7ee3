// Ratifications (issue 9, part R; docs/plan.md "Ratifications"): #/plan-ratifications shows the
// coverage of a treaty of the Plan (parties, signed only, neither; counts and percentages) for the
// world and by GLOTIP region or subregion, with the list of parties; a state's row of
// instruments; and, for holders of plan.write, a form to record one entry (read first for its
// version, then PUT with If-Match) and the CSV import. Data: /api/v1/plan/coverage,
// /api/v1/plan/ratifications, /api/v1/plan/instruments.
import { api, ApiError, cookie, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const ACTS = ['ratification', 'accession', 'acceptance', 'approval', 'succession'];
const MAX_BYTES = 16 * 1024 * 1024;

const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap', translate: 'no' }, v === null || v === undefined || v === '' ? '—' : String(v));
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
const groupName = (code) => (code === 'world' ? t('planratify.world') : t(`region.${code}`));

function coverageTable(ins) {
  const rows = ins.groups.map((g) => ({ ...g }));
  return h('div', { 'data-coverage': ins.instrument },
    table(t('planratify.coverage_caption', { name: ins.name }), [
      { label: t('planratify.group'), cell: (g) => h('span', { 'data-group': g.code }, groupName(g.code)) },
      { label: t('planratify.states'), cell: (g) => ltr(g.states), cls: 'num' },
      { label: t('planratify.parties'), cell: (g) => h('span', { 'data-parties': g.parties }, ltr(`${g.parties} (${pct(g.parties, g.states)})`)), cls: 'num' },
      { label: t('planratify.signed'), cell: (g) => h('span', { 'data-signed': g.signed }, ltr(`${g.signed} (${pct(g.signed, g.states)})`)), cls: 'num' },
      { label: t('planratify.neither'), cell: (g) => ltr(`${g.neither} (${pct(g.neither, g.states)})`), cls: 'num' },
    ], rows),
    h('details', {},
      h('summary', {}, t('planratify.party_list', { n: ins.parties.length })),
      ins.parties.length
        ? h('ul', { class: 'plain', 'data-party-list': '' }, ins.parties.map((p) => h('li', {}, ltr(p.state), ' — ',
          t(`planratify.act.${p.act}`), ' ', ltr(p.act_date))))
        : h('p', { class: 'empty' }, t('planratify.none_yet'))));
}

function stateRow(data) {
  return h('div', { 'data-state-row': data.state },
    table(t('planratify.state_caption', { state: data.state }), [
      { label: t('planratify.instrument'), cell: (r) => h('span', { title: r.name }, ltr(r.instrument)) },
      { label: t('planratify.status'), cell: (r) => h('span', { 'data-status': r.status, 'data-instrument': r.instrument }, t(`planratify.status.${r.status}`)) },
      { label: t('planratify.signature'), cell: (r) => ltr(r.signature) },
      { label: t('planratify.act'), cell: (r) => (r.act ? t(`planratify.act.${r.act}`) : '—') },
      { label: t('planratify.act_date'), cell: (r) => ltr(r.act_date) },
    ], data.instruments));
}

function editForm(treaties, onDone) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'ratification' },
    field({ name: 'state', label: t('planratify.state'), required: true, hint: t('planratify.state_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    field({ name: 'instrument', label: t('planratify.instrument'), required: true,
      options: treaties.map((i) => ({ value: i.code, label: `${i.code} — ${i.name_en}` })) }),
    field({ name: 'signature', label: t('planratify.signature'), type: 'date' }),
    field({ name: 'act', label: t('planratify.act'),
      options: [{ value: '', label: '—' }, ...ACTS.map((a) => ({ value: a, label: t(`planratify.act.${a}`) }))] }),
    field({ name: 'act_date', label: t('planratify.act_date'), type: 'date' }),
    field({ name: 'reservations', label: t('planratify.reservations'), type: 'textarea' }),
    field({ name: 'source', label: t('planratify.source'), hint: t('planratify.source_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('planratify.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    const state = (v.state || '').trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(state)) {
      showError(f, { code: 'invalid', field: 'state' }, t('planratify.state_hint'));
      return;
    }
    busy(f, async () => {
      try {
        const url = `/api/v1/plan/ratifications/${state}/${encodeURIComponent(v.instrument)}`;
        let version = null;
        try {
          version = (await api.getWithVersion(url)).version;
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 404) throw e;
        }
        const body = {};
        for (const k of ['signature', 'act', 'act_date', 'reservations', 'source']) if (v[k]) body[k] = v[k];
        await api.put(url, body, version);
        out.replaceChildren(notice('success', t('planratify.saved', { state, instrument: v.instrument })));
        if (onDone) await onDone(state);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('section', { 'aria-labelledby': 'pr-edit-h' }, h('h2', { id: 'pr-edit-h' }, t('planratify.edit_title')), f, out);
}

function importForm(ctx, onDone) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true, 'data-form': 'import' },
    field({ name: 'file', label: t('planratify.file'), type: 'file', hint: t('planratify.file_hint'), attrs: { accept: '.csv,text/csv' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('planratify.import'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const file = f.elements.file.files && f.elements.file.files[0];
    if (!file || file.size > MAX_BYTES) {
      showError(f, { code: 'invalid', field: 'file' }, t('form.required'));
      return;
    }
    busy(f, async () => {
      try {
        const headers = { 'Content-Type': 'text/csv', Accept: 'application/json' };
        const csrf = cookie('ctis_csrf');
        if (csrf) headers['X-CSRF-Token'] = csrf;
        const res = await fetch(`/api/v1/plan/ratifications/import?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store',
        });
        const data = await res.json().catch(() => ({}));
        if (!res.ok) {
          const err = data.error || {};
          throw new ApiError(res.status, err.code || 'error', err.message, 'file');
        }
        // The page is drawn again after the import: the notice goes with it as the banner.
        const done = notice('success', t('planratify.imported', { n: data.imported }));
        f.reset();
        if (onDone) {
          ctx.flash(done);
          await onDone();
        } else {
          out.replaceChildren(done);
        }
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('section', { 'aria-labelledby': 'pr-import-h' }, h('h2', { id: 'pr-import-h' }, t('planratify.import_title')), f, out);
}

export async function render(ctx) {
  const instrument = ctx.query.get('instrument') || 'tip_protocol';
  const by = ctx.query.get('by') || 'region';
  const state = (ctx.query.get('state') || '').toUpperCase();
  let treaties = [];
  try {
    treaties = (await api.get('/api/v1/plan/instruments')).instruments.filter((i) => i.kind === 'treaty');
  } catch {
    // the selects then offer nothing; the coverage below says what went wrong
  }
  const go = (o) => ctx.navigate(`plan-ratifications${query({ instrument, by, state, ...o })}`);
  const filter = h('form', { class: 'form filters', 'aria-label': t('planratify.filter') },
    field({ name: 'instrument', label: t('planratify.instrument'), value: instrument,
      options: treaties.map((i) => ({ value: i.code, label: `${i.code} — ${i.name_en}` })) }),
    field({ name: 'by', label: t('planratify.by'), value: by,
      options: [{ value: 'region', label: t('planratify.by.region') }, { value: 'subregion', label: t('planratify.by.subregion') }] }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('planratify.show'))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(filter);
    go({ instrument: v.instrument, by: v.by });
  });
  const cover = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  try {
    const data = await api.get(`/api/v1/plan/coverage${query({ instrument, by })}`);
    cover.replaceChildren(...data.instruments.map(coverageTable));
  } catch (e) {
    cover.replaceChildren(errorBlock(e));
  }
  const stateForm = h('form', { class: 'form filters', 'aria-label': t('planratify.state_title') },
    field({ name: 'state', label: t('planratify.state'), value: state, hint: t('planratify.state_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('planratify.show'))));
  stateForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ state: (formValues(stateForm).state || '').trim().toUpperCase() });
  });
  const stateBox = h('div', { 'aria-live': 'polite' });
  if (state) {
    try {
      stateBox.replaceChildren(stateRow(await api.get(`/api/v1/plan/ratifications${query({ state })}`)));
    } catch (e) {
      stateBox.replaceChildren(errorBlock(e));
    }
  }
  const reload = (s) => go(s ? { state: s } : {});
  return page(t('planratify.title'), planTabs(ctx, 'plan-ratifications'),
    h('p', { class: 'lead' }, t('planratify.intro')),
    h('p', {}, h('a', { href: '#/plan' }, t('planratify.back'))),
    filter, cover,
    h('section', { 'aria-labelledby': 'pr-state-h' }, h('h2', { id: 'pr-state-h' }, t('planratify.state_title')), stateForm, stateBox),
    ctx.allowed('plan.write') ? editForm(treaties, reload) : null,
    ctx.allowed('plan.write') ? importForm(ctx, () => reload()) : null,
    h('p', { class: 'hint' }, t('planratify.disclaimer')));
}
