// Retention page (case.purge): the period of each record type, a form to change one, and the
// retention purge (a dry run first, then the purge after confirmation).
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t } from '../i18n.js';

export async function render() {
  const box = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    try {
      const data = await api.get('/api/v1/retention');
      const items = (data && data.items) || [];
      const f = h('form', { class: 'form', novalidate: true },
        field({ name: 'record_type', label: t('retention.record_type'),
          options: items.map((s) => ({ value: s.record_type, label: s.record_type })) }),
        field({ name: 'period', label: t('retention.period'), hint: t('retention.period_hint'), required: true }),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('retention.save'))));
      f.addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearErrors(f);
        const v = formValues(f);
        busy(f, async () => {
          try {
            await api.put('/api/v1/retention', { record_type: v.record_type, period: v.period });
            status.replaceChildren(notice('success', t('retention.saved')));
            await load();
          } catch (e) {
            showError(f, e);
          }
        });
      });
      box.replaceChildren(table(t('retention.title'), [
        { label: t('retention.record_type'), cell: (s) => s.record_type },
        { label: t('retention.period'), cell: (s) => s.period || t('retention.never') },
        { label: '', cell: (s) => s.description },
      ], items), f, purgeForm());
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  function purgeForm() {
    const out = h('div', { 'aria-live': 'polite' });
    const run = (dry) => async (ev) => {
      ev.preventDefault();
      // eslint-disable-next-line no-alert
      if (!dry && !window.confirm(t('retention.purge_confirm'))) return;
      try {
        const r = await api.post('/api/v1/retention/purge', { dry_run: dry });
        out.replaceChildren(notice(dry ? 'info' : 'success', t('retention.result', { count: r.cases })));
      } catch (e) {
        out.replaceChildren(errorBlock(e));
      }
    };
    const dryBtn = h('button', { type: 'button', class: 'secondary' }, t('retention.dry_run'));
    const runBtn = h('button', { type: 'button', class: 'danger' }, t('retention.purge'));
    dryBtn.addEventListener('click', run(true));
    runBtn.addEventListener('click', run(false));
    return h('div', {}, h('div', { class: 'actions' }, dryBtn, runBtn), out);
  }
  await load();
  return h('div', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('retention.title')),
    h('p', { class: 'hint' }, t('retention.hint')), status, box);
}
