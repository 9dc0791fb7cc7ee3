// Likely duplicates on the case page: cases in the reader's scope that share name words or the
// birth date (scored from blind indexes and codes, never decrypted values), and, for those who
// hold case.merge, a button that merges a duplicate into this case (both versions sent, so a
// change made meanwhile by someone else is refused). A merged case says where it went.
import { api, request } from '../api.js';
import { h, busy, notice, errorBlock, table, showError } from '../dom.js';
import { t } from '../i18n.js';

// The banner of a case that was merged into another one.
export function mergedBanner(c) {
  if (!c.merged_into) return null;
  return notice('warning', t('case.merged_into', { id: c.merged_into }), ' ',
    h('a', { href: `#/cases/${c.merged_into}` }, t('case.merged_open', { id: c.merged_into })));
}

function mergeButton(c, version, dup, ctx, reload) {
  const form = h('form', { class: 'form inline', novalidate: true },
    h('button', { type: 'submit', class: 'secondary' }, t('case.merge')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!window.confirm(t('case.merge_confirm', { id: dup.id }))) return;
    busy(form, async () => {
      try {
        const other = await api.getWithVersion(`/api/v1/cases/${dup.id}`);
        await request('POST', `/api/v1/cases/${c.id}/merge`,
          { merge_id: dup.id, merge_version: Number(other.version) }, { ifMatch: version });
        await reload(notice('success', t('case.merged_done', { id: dup.id })));
      } catch (e) {
        if (e.status === 412) await reload(notice('warning', t('case.conflict')));
        else showError(form, e);
      }
    });
  });
  return form;
}

export function duplicatesSection(c, version, ctx, reload) {
  if (c.merged_into) return null;
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const canMerge = ctx.allowed('case.merge') && ctx.allowed('case.write');
  (async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/duplicates`);
      const items = (data && data.items) || [];
      const cols = [
        { label: t('case.duplicates.case'), cell: (d) => h('a', { href: `#/cases/${d.id}` }, String(d.id)) },
        { label: t('case.duplicates.score'), cell: (d) => `${Math.round((d.score || 0) * 100)} %` },
        { label: t('case.duplicates.why'), cell: (d) => d.why || '' },
      ];
      if (canMerge) cols.push({ label: t('case.actions'), cell: (d) => mergeButton(c, version, d, ctx, reload) });
      box.replaceChildren(items.length ? table(t('case.duplicates'), cols, items)
        : h('p', { class: 'empty' }, t('case.duplicates_none')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  })();
  return h('section', { class: 'card case-duplicates', 'aria-labelledby': 'case-duplicates' },
    h('h2', { id: 'case-duplicates' }, t('case.duplicates')), box);
}
