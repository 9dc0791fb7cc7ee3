// National action plans (issue 9, part N; docs/plan.md#national-action-plans): #/plan-naps lists
// the plans with a form to add one; #/plan-naps?id=N shows a plan's actions with the Plan
// paragraphs they implement and their latest status, forms to add an action and to report
// progress, and the progress matrix at a date as a table (pillar × status) with the paragraphs
// that have no action (the gaps). Data: /api/v1/plan/naps[/{id}[/actions|/matrix]],
// /api/v1/plan/actions/{id}/progress. One request per save.
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table, page,
} from '../dom.js';
import { t } from '../i18n.js';
import { planTabs } from './plantabs.js';

const PILLARS = ['general', 'prevent', 'protect', 'prosecute', 'partner', 'follow_up'];
const NAP_STATUSES = ['draft', 'adopted', 'ended'];
const STATUSES = ['not_started', 'on_track', 'delayed', 'completed', 'cancelled'];
const MATRIX_STATUSES = [...STATUSES, 'no_report'];

const ltr = (v) => h('span', { dir: 'ltr', class: 'nowrap' }, v === null || v === undefined || v === '' ? '—' : String(v));
const today = () => new Date().toISOString().slice(0, 10);
const list = (s) => String(s || '').split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);

// A form that posts one JSON body and reports the field in error.
function postForm(title, fields, toBody, url, onDone, attrs = {}) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'form', novalidate: true, ...attrs }, fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('plannap.save'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    busy(f, async () => {
      try {
        const v = formValues(f);
        const r = await api.post(typeof url === 'function' ? url(v) : url, toBody(v));
        out.replaceChildren(notice('success', t('plannap.saved')));
        f.reset();
        if (onDone) await onDone(r);
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'add-form' }, h('summary', {}, title), f, out);
}

async function renderList(ctx) {
  const box = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    try {
      const naps = (await api.get('/api/v1/plan/naps')).items;
      box.replaceChildren(naps.length
        ? table(t('plannap.plans'), [
          { label: t('plannap.country'), cell: (n) => ltr(n.country) },
          { label: t('plannap.plan_title'), cell: (n) => h('a', { href: `#/plan-naps?id=${n.id}`, 'data-nap': n.id }, n.title) },
          { label: t('plannap.period'), cell: (n) => ltr(`${n.period_from} – ${n.period_to}`) },
          { label: t('plannap.status'), cell: (n) => t(`plannap.nap_status.${n.status}`) },
        ], naps)
        : h('p', { class: 'empty' }, t('plannap.none')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  await load();
  const form = postForm(t('plannap.add'), [
    field({ name: 'country', label: t('plannap.country'), required: true, hint: t('plannap.country_hint'), attrs: { maxlength: 3, dir: 'ltr' } }),
    field({ name: 'title', label: t('plannap.plan_title'), required: true }),
    field({ name: 'period_from', label: t('plannap.period_from'), type: 'date', required: true }),
    field({ name: 'period_to', label: t('plannap.period_to'), type: 'date', required: true }),
    field({ name: 'adopted_by', label: t('plannap.adopted_by') }),
    field({ name: 'status', label: t('plannap.status'), value: 'draft',
      options: NAP_STATUSES.map((s) => ({ value: s, label: t(`plannap.nap_status.${s}`) })) }),
  ], (v) => ({ ...v, country: v.country.toUpperCase() }), '/api/v1/plan/naps', (r) => ctx.navigate(`plan-naps?id=${r.id}`),
  { 'data-form': 'nap' });
  return page(t('plannap.title'), planTabs(ctx, 'plan-naps'), h('p', { class: 'lead' }, t('plannap.intro')), box,
    ctx.allowed && !ctx.allowed('plan.write') ? null : form);
}

function matrixTable(m) {
  const rows = m.pillars;
  return h('div', { 'data-matrix': '' },
    table(t('plannap.matrix_caption', { date: m.at }), [
      { label: t('plannap.pillar'), cell: (p) => t(`plan.pillar.${p.pillar}`) },
      { label: t('plannap.actions_count'), cell: (p) => ltr(p.actions), cls: 'num' },
      ...MATRIX_STATUSES.map((s) => ({ label: t(`plannap.st.${s}`), cell: (p) => h('span', { 'data-cell': `${p.pillar}:${s}` }, String(p.by_status[s] || 0)), cls: 'num' })),
      { label: t('plannap.indicators_met'), cell: (p) => ltr(`${p.indicators_met} / ${p.indicators}`), cls: 'num' },
      { label: t('plannap.share'), cell: (p) => ltr(`${Math.round(p.share_completed * 1000) / 10}%`), cls: 'num' },
    ], rows),
    h('h3', {}, t('plannap.gaps', { n: m.gaps.length })),
    m.gaps.length
      ? h('p', { class: 'plan-gaps', 'data-gaps': '', dir: 'ltr', translate: 'no' }, m.gaps.map((g, i) => [i ? ', ' : '', h('span', { 'data-gap': g }, g)]))
      : h('p', {}, t('plannap.no_gaps')));
}

async function renderPlan(ctx, id) {
  let nap;
  try {
    nap = await api.get(`/api/v1/plan/naps/${id}`);
  } catch (e) {
    return page(t('plannap.title'), planTabs(ctx, 'plan-naps'), errorBlock(e), h('p', {}, h('a', { href: '#/plan-naps' }, t('plannap.back'))));
  }
  const actionsBox = h('div', { 'aria-live': 'polite' });
  const matrixBox = h('div', { 'aria-live': 'polite' });
  const progressSlot = h('div');
  let at = ctx.query.get('at') || today();

  const loadMatrix = async () => {
    try {
      matrixBox.replaceChildren(matrixTable(await api.get(`/api/v1/plan/naps/${id}/matrix${query({ at })}`)));
    } catch (e) {
      matrixBox.replaceChildren(errorBlock(e));
    }
  };
  const loadActions = async () => {
    try {
      const acts = (await api.get(`/api/v1/plan/naps/${id}/actions`)).items;
      actionsBox.replaceChildren(acts.length
        ? table(t('plannap.actions'), [
          { label: t('plannap.action_title'), cell: (a) => h('span', { 'data-action': a.id }, a.title) },
          { label: t('plannap.paragraphs'), cell: (a) => h('span', { dir: 'ltr', translate: 'no' }, a.paragraphs.join(', ')) },
          { label: t('plannap.bodies'), cell: (a) => a.bodies.join(', ') || '—' },
          { label: t('plannap.indicators'), cell: (a) => a.indicators.map((i) => `${i.name}: ${i.target}${i.unit ? ` ${i.unit}` : ''}`).join('; ') || '—' },
          { label: t('plannap.latest_status'), cell: (a) => h('span', { 'data-status': a.latest_status }, t(`plannap.st.${a.latest_status}`)) },
        ], acts)
        : h('p', { class: 'empty' }, t('plannap.no_actions')));
      progressSlot.replaceChildren(acts.length ? progressForm(acts) : '');
    } catch (e) {
      actionsBox.replaceChildren(errorBlock(e));
    }
  };
  const refresh = async () => {
    await loadActions();
    await loadMatrix();
  };

  const progressForm = (acts) => postForm(t('plannap.progress'), [
    field({ name: 'action', label: t('plannap.action_title'), options: acts.map((a) => ({ value: a.id, label: a.title })) }),
    field({ name: 'period_from', label: t('plannap.period_from'), type: 'date', required: true }),
    field({ name: 'period_to', label: t('plannap.period_to'), type: 'date', required: true }),
    field({ name: 'status', label: t('plannap.status'), options: STATUSES.map((s) => ({ value: s, label: t(`plannap.st.${s}`) })) }),
    field({ name: 'value', label: t('plannap.value'), type: 'number', hint: t('plannap.value_hint'), attrs: { step: 'any' } }),
    field({ name: 'measured_on', label: t('plannap.measured_on'), type: 'date' }),
    field({ name: 'narrative', label: t('plannap.narrative'), type: 'textarea', hint: t('plannap.narrative_hint') }),
  ], (v) => ({
    period_from: v.period_from, period_to: v.period_to, status: v.status, narrative: v.narrative,
    values: v.value !== '' ? [{ indicator: 1, value: Number(v.value), measured_on: v.measured_on || v.period_to }] : [],
  }), (v) => `/api/v1/plan/actions/${v.action}/progress`, refresh, { 'data-form': 'progress' });

  const actionForm = postForm(t('plannap.add_action'), [
    field({ name: 'title', label: t('plannap.action_title'), required: true }),
    field({ name: 'paragraphs', label: t('plannap.paragraphs'), required: true, hint: t('plannap.paragraphs_hint'), attrs: { dir: 'ltr' } }),
    field({ name: 'bodies', label: t('plannap.bodies'), type: 'textarea', hint: t('plannap.bodies_hint') }),
    field({ name: 'indicator', label: t('plannap.indicator'), hint: t('plannap.indicator_hint') }),
    field({ name: 'unit', label: t('plannap.unit') }),
    field({ name: 'baseline', label: t('plannap.baseline'), type: 'number', attrs: { step: 'any' } }),
    field({ name: 'target', label: t('plannap.target'), type: 'number', attrs: { step: 'any' } }),
    field({ name: 'direction', label: t('plannap.direction'),
      options: ['increase', 'decrease'].map((d) => ({ value: d, label: t(`plannap.direction.${d}`) })) }),
    field({ name: 'target_date', label: t('plannap.target_date'), type: 'date' }),
  ], (v) => ({
    title: v.title,
    paragraphs: list(v.paragraphs),
    bodies: v.bodies.split('\n').map((b) => b.trim()).filter(Boolean),
    indicators: v.indicator ? [{
      name: v.indicator, unit: v.unit, baseline: v.baseline === '' ? null : Number(v.baseline),
      target: v.target === '' ? null : Number(v.target), direction: v.direction, target_date: v.target_date,
    }] : [],
  }), `/api/v1/plan/naps/${id}/actions`, refresh, { 'data-form': 'action' });

  const atForm = h('form', { class: 'form filters', 'aria-label': t('plannap.matrix') },
    field({ name: 'at', label: t('plannap.at'), type: 'date', value: at }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('plannap.show'))));
  atForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    at = formValues(atForm).at || today();
    loadMatrix();
  });

  await refresh();
  const write = !ctx.allowed || ctx.allowed('plan.write');
  return page(nap.title, planTabs(ctx, 'plan-naps'),
    h('p', {}, h('a', { href: '#/plan-naps' }, t('plannap.back'))),
    h('dl', { class: 'facts' },
      h('dt', {}, t('plannap.country')), h('dd', {}, ltr(nap.country)),
      h('dt', {}, t('plannap.period')), h('dd', {}, ltr(`${nap.period_from} – ${nap.period_to}`)),
      h('dt', {}, t('plannap.adopted_by')), h('dd', {}, nap.adopted_by || '—'),
      h('dt', {}, t('plannap.status')), h('dd', {}, t(`plannap.nap_status.${nap.status}`))),
    h('section', { 'aria-labelledby': 'nap-actions' }, h('h2', { id: 'nap-actions' }, t('plannap.actions')), actionsBox,
      write ? actionForm : null, write ? progressSlot : null),
    h('section', { 'aria-labelledby': 'nap-matrix' }, h('h2', { id: 'nap-matrix' }, t('plannap.matrix')), atForm, matrixBox));
}

export async function render(ctx) {
  const id = ctx.query.get('id');
  return id && /^\d+$/.test(id) ? renderPlan(ctx, id) : renderList(ctx);
}
