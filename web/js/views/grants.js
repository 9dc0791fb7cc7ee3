// People named on a case: while it is restricted, only its owner and these users see it (their
// own scope and permissions still apply). Listed for readers; named and removed by those who may
// change the case. Names come from the user list when the reader may read users, else ids.
import { api, query } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import { choose } from '../lookups.js';

async function userField(ctx) {
  if (ctx.allowed('user.read')) {
    try {
      const data = await api.get(`/api/v1/users${query({ limit: 200 })}`);
      const users = ((data && data.items) || []).filter((u) => !u.disabled);
      return field({ name: 'user_id', label: t('case.grant_user'), required: true,
        options: choose(users.map((u) => ({
          value: u.id, label: u.display_name ? `${u.display_name} (${u.username})` : u.username,
        }))) });
    } catch {
      // fall back to typing the id
    }
  }
  return field({ name: 'user_id', label: t('case.owner_id'), required: true, hint: t('case.owner_id_hint'),
    attrs: { inputmode: 'numeric', autocomplete: 'off', dir: 'ltr', class: 'short' } });
}

export function grantsSection(c, ctx, names) {
  if (c.merged_into) return null;
  const canWrite = ctx.allowed('case.write');
  const status = h('div', { 'aria-live': 'polite' });
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const nameOf = (id) => names.get(String(id)) || t('case.user_id', { id });
  const draw = (items) => {
    const cols = [
      { label: t('case.grant_user'), cell: (g) => nameOf(g.user_id) },
      { label: t('case.granted_at'), cell: (g) => formatDate(g.granted_at), cls: 'nowrap' },
    ];
    if (canWrite) {
      cols.push({ label: '', cell: (g) => {
        const f = h('form', { class: 'form inline', novalidate: true },
          h('button', { type: 'submit', class: 'secondary', 'data-revoke': String(g.user_id),
            'aria-label': `${t('case.grant_remove')}: ${nameOf(g.user_id)}` }, t('case.grant_remove')));
        f.addEventListener('submit', (ev) => {
          ev.preventDefault();
          busy(f, async () => {
            try {
              const data = await api.del(`/api/v1/cases/${c.id}/grants/${g.user_id}`);
              status.replaceChildren(notice('success', t('case.revoked')));
              draw((data && data.items) || []);
            } catch (e) {
              showError(f, e);
            }
          });
        });
        return f;
      } });
    }
    box.replaceChildren(items.length ? table(t('case.grants'), cols, items)
      : h('p', { class: 'empty' }, t('case.grants_none')));
  };
  (async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/grants`);
      draw((data && data.items) || []);
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  })();
  const parts = [h('h2', { id: 'case-grants' }, t('case.grants')), h('p', { class: 'hint' }, t('case.grants_hint')),
    status, box];
  if (canWrite) {
    const form = h('form', { class: 'form', novalidate: true },
      h('p', { class: 'loading' }, t('common.loading')));
    userField(ctx).then((f) => {
      form.replaceChildren(f, h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('case.grant_add'))));
    });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = formValues(form);
      busy(form, async () => {
        try {
          const data = await api.post(`/api/v1/cases/${c.id}/grants`, { user_id: Number(v.user_id) });
          status.replaceChildren(notice('success', t('case.granted')));
          draw((data && data.items) || []);
        } catch (e) {
          showError(form, e);
        }
      });
    });
    parts.push(h('details', { class: 'case-action' }, h('summary', {}, t('case.grant_add')), form));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'case-grants' }, ...parts);
}
