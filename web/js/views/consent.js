// Consent section of the case page: the seven HTCDS consent items with their state, date and
// recorder; a form to record states; a withdraw button per given item (with confirmation); the
// history of every change. The restrictions that follow are enforced by the server.
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate, currentLang as lang } from '../i18n.js';

const STATES = ['given', 'refused', 'withdrawn', 'not_asked'];

function stateLabel(s) {
  return t(`consent.state.${s}`);
}

function restrictions(r) {
  const out = [];
  if (r.processing) out.push(notice('warning', t('consent.restricted')));
  if (!r.sharing_allowed) out.push(h('p', { class: 'hint' }, t('consent.no_sharing')));
  if (r.research) out.push(h('p', { class: 'hint' }, t('consent.no_research')));
  return out;
}

export function consentSection(c, ctx) {
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const status = h('div', { 'aria-live': 'polite' });
  const canWrite = ctx.allowed('case.write');
  const put = async (items, form, message) => {
    await busy(form, async () => {
      try {
        await api.put(`/api/v1/cases/${c.id}/consent`, { items });
        status.replaceChildren(notice('success', message));
        await load();
      } catch (e) {
        showError(form, e);
      }
    });
  };
  const load = async () => {
    try {
      const [cur, hist] = await Promise.all([
        api.get(`/api/v1/cases/${c.id}/consent?lang=${encodeURIComponent(lang())}`),
        api.get(`/api/v1/cases/${c.id}/consent/history?lang=${encodeURIComponent(lang())}`),
      ]);
      const items = cur.items || [];
      const list = table(t('consent.title'), [
        { label: t('consent.item'), cell: (e) => e.label || e.item },
        { label: t('consent.state'), cell: (e) => h('span', { 'data-consent-state': e.item }, stateLabel(e.state)) },
        { label: t('consent.date'), cell: (e) => e.date || '—', cls: 'nowrap' },
        { label: t('consent.recorded_by'), cell: (e) => e.actor || '—' },
        { label: '', cell: (e) => (canWrite && e.state === 'given' ? withdrawButton(e) : '') },
      ], items);
      const parts = [...restrictions(cur.restrictions || {}), list];
      if (canWrite) parts.push(recordForm(items));
      const hitems = (hist && hist.items) || [];
      parts.push(h('details', { class: 'case-action' }, h('summary', {}, t('consent.history')),
        hitems.length ? table(t('consent.history'), [
          { label: t('case.history.at'), cell: (e) => formatDate(e.recorded_at), cls: 'nowrap' },
          { label: t('consent.item'), cell: (e) => e.label || e.item },
          { label: t('consent.state'), cell: (e) => stateLabel(e.state) },
          { label: t('consent.date'), cell: (e) => e.date || '—' },
          { label: t('consent.recorded_by'), cell: (e) => e.actor || '—' },
          { label: t('consent.note'), cell: (e) => e.note || '' },
        ], hitems) : h('p', { class: 'empty' }, t('common.none'))));
      box.replaceChildren(...parts);
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  function withdrawButton(e) {
    const f = h('form', { class: 'form inline', novalidate: true },
      h('button', { type: 'submit', class: 'danger', 'data-withdraw': e.item,
        'aria-label': `${t('consent.withdraw')}: ${e.label || e.item}` }, t('consent.withdraw')));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      // eslint-disable-next-line no-alert
      if (!window.confirm(t('consent.withdraw_confirm'))) return;
      put([{ item: e.item, state: 'withdrawn' }], f, t('consent.withdrawn_done'));
    });
    return f;
  }
  function recordForm(items) {
    const f = h('form', { class: 'form', novalidate: true },
      ...items.map((e) => field({ name: `state_${e.item}`, label: e.label || e.item, value: e.state,
        options: STATES.map((s) => ({ value: s, label: stateLabel(s) })) })),
      field({ name: 'date', label: t('consent.date'), type: 'date' }),
      ctx.allowed('fg.narrative.write')
        ? field({ name: 'note', label: t('consent.note'), type: 'textarea', attrs: { maxlength: '4000' } }) : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('consent.save'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      const changes = items.filter((e) => v[`state_${e.item}`] !== e.state || v.note).map((e) => {
        const x = { item: e.item, state: v[`state_${e.item}`] };
        if (v.date) x.date = v.date;
        if (v.note) x.note = v.note;
        return x;
      });
      if (!changes.length) return;
      put(changes, f, t('consent.saved'));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('consent.save')), f);
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'case-consent' },
    h('h2', { id: 'case-consent' }, t('consent.title')), status, box);
}
