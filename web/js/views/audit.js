// Audit: the log filtered by user, record and dates, read page by page (next_after); and a
// button that asks the server to verify the hash chain.
import { api, query } from '../api.js';
import { h, field, page, showError, clearErrors, busy, formValues, table, notice, errorBlock } from '../dom.js';
import { t, formatDate } from '../i18n.js';

const PAGE = 100;

function entriesTable(items) {
  return table(t('audit.list'), [
    { label: t('audit.seq'), cell: (e) => String(e.seq) },
    { label: t('audit.at'), cell: (e) => formatDate(e.at), cls: 'nowrap' },
    { label: t('audit.actor'), cell: (e) => e.actor },
    { label: t('audit.action'), cell: (e) => h('code', { dir: 'ltr' }, e.action) },
    { label: t('audit.record_type'), cell: (e) => e.record_type || '—' },
    { label: t('audit.record_id'), cell: (e) => (e.record_id ? String(e.record_id) : '—'), cls: 'nowrap' },
    { label: t('audit.field_group'), cell: (e) => e.field_group || '—' },
    { label: t('audit.client'), cell: (e) => e.client || '—' },
    // The outcome and the detail are the server's words, in English (WCAG 3.1.2).
    { label: t('audit.outcome'), cell: (e) => h('span', { lang: 'en', dir: 'ltr' }, e.outcome) },
    { label: t('audit.detail'), cell: (e) => (e.detail ? h('span', { lang: 'en', dir: 'ltr' }, e.detail) : '') },
  ], items);
}

export async function render() {
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const form = h('form', { class: 'form grid', role: 'search', novalidate: true },
    field({ name: 'user_id', label: t('audit.user_id'), attrs: { inputmode: 'numeric', pattern: '[0-9]*' } }),
    field({ name: 'record_type', label: t('audit.record_type'), attrs: { spellcheck: 'false' } }),
    field({ name: 'record_id', label: t('audit.record_id'), attrs: { inputmode: 'numeric', pattern: '[0-9]*' } }),
    field({ name: 'from', label: t('audit.from'), type: 'date' }),
    field({ name: 'to', label: t('audit.to'), type: 'date' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.search'))));

  let filter = {};
  let items = [];
  const more = h('button', { type: 'button', class: 'secondary' }, t('common.more'));
  let nextAfter = null;

  const load = async (append) => {
    const data = await api.get(`/api/v1/audit${query({ ...filter, limit: PAGE, after: append ? nextAfter : '' })}`);
    const got = (data && data.items) || [];
    items = append ? items.concat(got) : got;
    nextAfter = data && got.length >= PAGE ? data.next_after : null;
    results.replaceChildren(
      items.length ? entriesTable(items) : h('p', { class: 'empty' }, t('common.none')),
      nextAfter ? h('p', { class: 'actions' }, more) : '');
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await load(true);
    } catch (e) {
      results.append(errorBlock(e));
    } finally {
      more.disabled = false;
      // The list was drawn again: keep focus on the button, or on the table once all is shown.
      const next = more.isConnected ? more : results.querySelector('.table-wrap');
      if (next) next.focus();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formValues(form);
    for (const name of ['user_id', 'record_id']) {
      if (v[name] && !/^[0-9]+$/.test(v[name])) {
        showError(form, { code: 'invalid', field: name }, t('form.number'));
        return;
      }
    }
    // Dates are days; "to" includes the whole day (UTC).
    filter = {
      user_id: v.user_id, record_type: v.record_type, record_id: v.record_id,
      from: v.from ? `${v.from}T00:00:00Z` : '', to: v.to ? `${v.to}T23:59:59Z` : '',
    };
    await busy(form, async () => {
      try {
        await load(false);
      } catch (e) {
        showError(form, e);
      }
    });
  });

  const verifyOut = h('div', { 'aria-live': 'polite' });
  const verify = h('button', { type: 'button' }, t('audit.verify'));
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    verifyOut.replaceChildren(h('p', {}, t('common.loading')));
    try {
      const r = await api.get('/api/v1/audit/verify');
      verifyOut.replaceChildren(r.ok
        ? notice('success', t('audit.verify_ok', { entries: r.entries ?? 0 }))
        : notice('error', t('audit.verify_bad', { seq: r.first_bad_seq }), ' ',
          r.reason ? h('span', { class: 'error-detail', lang: 'en', dir: 'ltr' }, r.reason) : ''));
    } catch (e) {
      verifyOut.replaceChildren(errorBlock(e));
    } finally {
      verify.disabled = false;
    }
  });

  try {
    await load(false);
  } catch (e) {
    results.replaceChildren(errorBlock(e));
  }
  return page(t('audit.title'),
    h('section', { class: 'card' }, h('h2', {}, t('audit.chain')), h('p', {}, t('audit.chain_text')),
      h('div', { class: 'actions' }, verify), verifyOut),
    h('h2', {}, t('audit.filter')), form, results);
}
