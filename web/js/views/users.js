// Users: the list (paged, search by email), the create form (shows the one-time password
// once) and the detail page (edit with If-Match, disable/enable, reset two-factor/password).
import { api, query } from '../api.js';
import {
  h, field, page, showError, clearErrors, busy, formValues, table, notice, errorBlock, secretBox, focusOn,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import * as lookups from '../lookups.js';

const PAGE = 50;

function statusText(u) {
  return u.disabled ? t('common.disabled') : t('common.active');
}

// Agency names by id (the user objects carry only agency_id unless the server adds the name).
async function agencyNames(ctx) {
  if (!ctx.allowed('agency.read')) return new Map();
  const list = await lookups.agencies().catch(() => []);
  return new Map(list.map((a) => [String(a.id), a.name]));
}

function agencyOf(u, names) {
  return u.agency_name ?? names.get(String(u.agency_id)) ?? String(u.agency_id ?? '');
}

function usersTable(items, names) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.none'));
  return table(t('users.list'), [
    { label: t('user.username'), cell: (u) => h('a', { href: `#/users/${u.id}` }, u.username) },
    { label: t('user.display_name'), cell: (u) => u.display_name ?? '—' },
    { label: t('user.email'), cell: (u) => u.email ?? '—' },
    { label: t('user.agency'), cell: (u) => agencyOf(u, names) },
    { label: t('user.role'), cell: (u) => u.role },
    { label: t('user.scope'), cell: (u) => t(`scope.${u.scope}`) },
    { label: t('common.status'), cell: (u) => statusText(u) },
    { label: t('user.totp'), cell: (u) => (u.totp_enabled ? t('common.on') : t('common.off')) },
    { label: t('user.last_login'), cell: (u) => formatDate(u.last_login_at), cls: 'nowrap' },
  ], items);
}

export async function renderList(ctx) {
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const [data, names] = await Promise.all([
    api.get(`/api/v1/users${query({ limit: PAGE, offset })}`), agencyNames(ctx),
  ]);
  const items = (data && data.items) || [];

  const pager = h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    offset > 0 ? h('a', { href: `#/users?offset=${Math.max(0, offset - PAGE)}` }, t('common.previous')) : null,
    h('span', {}, items.length
      ? t('common.showing', { from: offset + 1, to: offset + items.length }) : ''),
    items.length === PAGE ? h('a', { href: `#/users?offset=${offset + PAGE}` }, t('common.next')) : null);
  const showPage = () => results.replaceChildren(usersTable(items, names), pager);

  const search = h('form', { class: 'form inline', role: 'search', novalidate: true },
    field({ name: 'email', label: t('users.search_email'), type: 'email',
      attrs: { autocomplete: 'off' } }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('common.search')),
      h('button', { type: 'reset', class: 'secondary' }, t('common.clear'))));
  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(search);
    const email = search.elements.email.value.trim();
    if (!email) {
      showPage();
      return;
    }
    await busy(search, async () => {
      try {
        const found = await api.post('/api/v1/users/search', { email });
        const list = (found && found.items) || [];
        results.replaceChildren(h('p', { class: 'count' }, t('users.found', { count: list.length })),
          usersTable(list, names));
      } catch (e) {
        showError(search, e);
      }
    });
  });
  search.addEventListener('reset', () => {
    clearErrors(search);
    showPage();
  });
  showPage();
  return page(t('users.title'),
    ctx.allowed('user.manage')
      ? h('p', { class: 'actions' }, h('a', { href: '#/users/new', class: 'button primary' }, t('users.new'))) : null,
    search, results);
}

export async function renderNew(ctx) {
  const [agencies, roles] = await Promise.all([lookups.agencies(), lookups.roles()]);
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'username', label: t('user.username'), required: true, hint: t('user.username_hint'),
      attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' } }),
    field({ name: 'display_name', label: t('user.display_name'), attrs: { autocomplete: 'off', maxlength: '200' } }),
    field({ name: 'email', label: t('user.email'), type: 'email', attrs: { autocomplete: 'off' } }),
    field({ name: 'agency_id', label: t('user.agency'), required: true,
      options: lookups.choose(agencies.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.name }))) }),
    field({ name: 'role', label: t('user.role'), required: true,
      options: lookups.choose(roles.map((r) => ({ value: r.name, label: r.name }))) }),
    field({ name: 'scope', label: t('user.scope'), required: true, hint: t('user.scope_hint'),
      options: lookups.scopeOptions(), value: 'own' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('users.create')),
      h('a', { href: '#/users', class: 'button secondary' }, t('common.cancel'))));
  const out = h('div', {});
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formValues(form);
    for (const name of ['username', 'agency_id', 'role', 'scope']) {
      if (!v[name]) {
        showError(form, { code: 'invalid', field: name }, t('form.required'));
        return;
      }
    }
    const body = { username: v.username, agency_id: Number(v.agency_id), role: v.role, scope: v.scope };
    if (v.display_name) body.display_name = v.display_name;
    if (v.email) body.email = v.email;
    await busy(form, async () => {
      try {
        const data = await api.post('/api/v1/users', body);
        const u = data.user || {};
        const done = notice('success', t('users.created', { username: u.username || body.username }));
        form.replaceWith(
          done,
          secretBox(t('users.otp'), data.one_time_password, t('users.otp_warning')),
          h('p', { class: 'actions' },
            u.id ? h('a', { href: `#/users/${u.id}`, class: 'button' }, t('users.open')) : null,
            h('a', { href: '#/users', class: 'button secondary' }, t('users.back'))));
        focusOn(done);
      } catch (e) {
        showError(form, e);
      }
    });
  });
  out.append(form);
  return page(t('users.new'), out);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  const body = h('div', {});
  const [{ data: user, version }, roles, names] = await Promise.all([
    api.getWithVersion(`/api/v1/users/${id}`), lookups.roles().catch(() => []), agencyNames(ctx),
  ]);
  const title = h('h1', { tabindex: '-1' }, user.username);
  const draw = (u, ver, flash) => {
    body.replaceChildren(...detail(u, ver, roles, names, flash, draw));
    // After an action the page is drawn again: focus its message, not the top of the page.
    const done = flash ? body.querySelector('.notice-success') : null;
    if (done) focusOn(done);
  };
  draw(user, version, null);
  return h('div', { class: 'page' }, h('p', { class: 'crumb' }, h('a', { href: '#/users' }, t('users.back'))),
    title, body);
}

function detail(u, version, roles, names, flash, draw) {
  const reload = async (message) => {
    const r = await api.getWithVersion(`/api/v1/users/${u.id}`);
    draw(r.data, r.version, message);
  };
  const facts = h('dl', { class: 'facts' },
    [
      [t('user.agency'), agencyOf(u, names)],
      [t('common.status'), statusText(u)],
      [t('user.totp'), u.totp_enabled ? t('common.on') : t('common.off')],
      [t('user.must_change_password'), u.must_change_password ? t('common.yes') : t('common.no')],
      [t('user.last_login'), formatDate(u.last_login_at)],
      [t('common.created'), formatDate(u.created_at)],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

  const roleNames = roles.map((r) => r.name);
  if (u.role && !roleNames.includes(u.role)) roleNames.push(u.role);
  const form = h('form', { class: 'form', novalidate: true },
    h('h2', {}, t('users.edit')),
    u.display_name !== undefined ? field({ name: 'display_name', label: t('user.display_name'),
      value: u.display_name, attrs: { maxlength: '200' } }) : null,
    u.email !== undefined ? field({ name: 'email', label: t('user.email'), type: 'email', value: u.email }) : null,
    field({ name: 'role', label: t('user.role'), value: u.role,
      options: roleNames.map((n) => ({ value: n, label: n })) }),
    field({ name: 'scope', label: t('user.scope'), value: u.scope, options: lookups.scopeOptions() }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formValues(form);
    const patch = {};
    for (const k of ['display_name', 'email', 'role', 'scope']) {
      if (k in v && v[k] !== (u[k] ?? '')) patch[k] = v[k];
    }
    if (!Object.keys(patch).length) {
      showError(form, { code: 'invalid' }, t('form.unchanged'));
      return;
    }
    await busy(form, async () => {
      try {
        await api.patch(`/api/v1/users/${u.id}`, patch, version);
        await reload(t('common.saved'));
      } catch (e) {
        showError(form, e);
      }
    });
  });

  const actionsBox = h('div', { class: 'action-out', 'aria-live': 'polite' });
  const act = async (btn, fn) => {
    btn.disabled = true;
    try {
      await fn();
    } catch (e) {
      actionsBox.replaceChildren(errorBlock(e));
      btn.disabled = false;
    }
  };
  const toggle = h('button', { type: 'button', class: u.disabled ? '' : 'danger' },
    u.disabled ? t('users.enable') : t('users.disable'));
  toggle.addEventListener('click', () => act(toggle, async () => {
    if (!u.disabled && !window.confirm(t('users.disable_confirm', { username: u.username }))) {
      toggle.disabled = false;
      return;
    }
    await api.patch(`/api/v1/users/${u.id}`, { disabled: !u.disabled }, version);
    await reload(u.disabled ? t('users.enabled') : t('users.disabled'));
  }));
  const reset2fa = h('button', { type: 'button' }, t('users.reset_totp'));
  reset2fa.addEventListener('click', () => act(reset2fa, async () => {
    if (!window.confirm(t('users.reset_totp_confirm', { username: u.username }))) {
      reset2fa.disabled = false;
      return;
    }
    await api.post(`/api/v1/users/${u.id}/reset-2fa`, {});
    await reload(t('users.totp_reset'));
  }));
  const resetPw = h('button', { type: 'button' }, t('users.reset_password'));
  resetPw.addEventListener('click', () => act(resetPw, async () => {
    if (!window.confirm(t('users.reset_password_confirm', { username: u.username }))) {
      resetPw.disabled = false;
      return;
    }
    const data = await api.post(`/api/v1/users/${u.id}/reset-password`, {});
    await reload(null);
    // reload() redrew the page: show the password in the new action box.
    const box = document.querySelector('.action-out');
    if (box) {
      const secret = secretBox(t('users.otp'), data.one_time_password, t('users.otp_warning'));
      box.replaceChildren(secret);
      focusOn(secret);
    }
  }));

  return [
    flash ? notice('success', flash) : null,
    h('section', { class: 'card' }, facts),
    h('section', { class: 'card' }, form),
    h('section', { class: 'card' }, h('h2', {}, t('users.actions')),
      h('div', { class: 'actions' }, toggle, reset2fa, resetPw), actionsBox),
  ].filter(Boolean);
}
