// Account: change password, two-factor status and setup, and API tokens (list, create with the
// token shown once, revoke).
import { api } from '../api.js';
import {
  h, field, page, showError, clearErrors, busy, formValues, table, notice, errorBlock, secretBox, focusOn,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

const PASSWORD_MIN = 12; // bytes, as PASSWORD_BYTES_MIN in src/util/limits.h
const TOKEN_DAYS_MAX = 366;

function passwordForm(ctx) {
  const flash = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form narrow', novalidate: true },
    field({ name: 'current_password', label: t('account.current_password'), type: 'password', required: true,
      attrs: { autocomplete: 'current-password' } }),
    field({ name: 'new_password', label: t('account.new_password'), type: 'password', required: true,
      hint: t('account.password_hint', { min: PASSWORD_MIN }), attrs: { autocomplete: 'new-password' } }),
    field({ name: 'confirm_password', label: t('account.confirm_password'), type: 'password', required: true,
      attrs: { autocomplete: 'new-password' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('account.change_password'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    flash.replaceChildren();
    const cur = form.elements.current_password.value;
    const next = form.elements.new_password.value;
    if (!cur) {
      showError(form, { code: 'invalid', field: 'current_password' }, t('form.required'));
      return;
    }
    if (new TextEncoder().encode(next).length < PASSWORD_MIN) {
      showError(form, { code: 'invalid', field: 'new_password' }, t('account.password_hint', { min: PASSWORD_MIN }));
      return;
    }
    if (next !== form.elements.confirm_password.value) {
      showError(form, { code: 'invalid', field: 'confirm_password' }, t('account.password_mismatch'));
      return;
    }
    await busy(form, async () => {
      try {
        await api.post('/api/v1/me/password', { current_password: cur, new_password: next });
        form.reset();
        flash.replaceChildren(notice('success', t('account.password_changed')));
        const wasForced = ctx.me && ctx.me.must_change_password;
        const me = await ctx.refreshMe().catch(() => null);
        if (wasForced && me && !me.must_change_password) {
          ctx.flash(notice('success', t('account.password_changed')));
          ctx.navigate('home');
        }
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'acc-pw' },
    h('h2', { id: 'acc-pw' }, t('account.change_password')), flash, form);
}

function totpSection(me) {
  return h('section', { class: 'card', 'aria-labelledby': 'acc-totp' },
    h('h2', { id: 'acc-totp' }, t('account.totp')),
    h('p', {}, me.totp_enabled ? t('account.totp_on') : t('account.totp_off')),
    h('p', {}, h('a', { href: '#/account/totp', class: 'button' },
      me.totp_enabled ? t('account.totp_again') : t('account.totp_setup'))));
}

function tokensSection() {
  const list = h('div', { 'aria-live': 'polite' });
  const out = h('div', { 'aria-live': 'polite' });

  const draw = async () => {
    try {
      const data = await api.get('/api/v1/tokens');
      const items = (data && data.items) || [];
      list.replaceChildren(items.length ? table(t('tokens.list'), [
        { label: t('tokens.name'), cell: (k) => k.name },
        { label: t('common.created'), cell: (k) => formatDate(k.created_at) },
        { label: t('tokens.expires'), cell: (k) => formatDate(k.expires_at) },
        { label: t('tokens.last_used'), cell: (k) => formatDate(k.last_used_at) },
        { label: t('common.status'), cell: (k) => (k.revoked ? t('tokens.revoked') : t('common.active')) },
        { label: t('common.actions'), cell: (k) => (k.revoked ? '' : revokeButton(k)) },
      ], items) : h('p', { class: 'empty' }, t('tokens.none')));
    } catch (e) {
      list.replaceChildren(errorBlock(e));
    }
  };

  const revokeButton = (k) => {
    const b = h('button', { type: 'button', class: 'danger small', 'aria-label': t('tokens.revoke_named', { name: k.name }) },
      t('tokens.revoke'));
    b.addEventListener('click', async () => {
      if (!window.confirm(t('tokens.revoke_confirm', { name: k.name }))) return;
      b.disabled = true;
      try {
        await api.del(`/api/v1/tokens/${k.id}`);
        const done = notice('success', t('tokens.revoked_done', { name: k.name }));
        out.replaceChildren(done);
        await draw();
        focusOn(done); // the button is gone with the redrawn list
      } catch (e) {
        out.replaceChildren(errorBlock(e));
        b.disabled = false;
      }
    });
    return b;
  };

  const form = h('form', { class: 'form inline', novalidate: true },
    field({ name: 'name', label: t('tokens.name'), required: true, attrs: { maxlength: '100' } }),
    field({ name: 'days', label: t('tokens.days'), type: 'number', value: '90', required: true,
      attrs: { min: '1', max: String(TOKEN_DAYS_MAX), class: 'short' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('tokens.create'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.replaceChildren();
    const v = formValues(form);
    const days = Number(v.days);
    if (!v.name) {
      showError(form, { code: 'invalid', field: 'name' }, t('form.required'));
      return;
    }
    if (!Number.isInteger(days) || days < 1 || days > TOKEN_DAYS_MAX) {
      showError(form, { code: 'invalid', field: 'days' }, t('tokens.days_hint', { max: TOKEN_DAYS_MAX }));
      return;
    }
    await busy(form, async () => {
      try {
        const data = await api.post('/api/v1/tokens', { name: v.name, days });
        form.reset();
        out.replaceChildren(secretBox(t('tokens.created', { name: v.name }), data.token, t('tokens.warning')));
        await draw();
      } catch (e) {
        showError(form, e);
      }
    });
  });
  draw();
  return h('section', { class: 'card', 'aria-labelledby': 'acc-tokens' },
    h('h2', { id: 'acc-tokens' }, t('tokens.title')), h('p', {}, t('tokens.intro')),
    list, h('h3', {}, t('tokens.new')), form, out);
}

export async function render(ctx) {
  const me = ctx.me;
  return page(t('account.title'),
    h('dl', { class: 'facts' },
      h('dt', {}, t('user.username')), h('dd', {}, me.username),
      me.agency ? [h('dt', {}, t('user.agency')), h('dd', {}, me.agency.name)] : null,
      h('dt', {}, t('user.role')), h('dd', {}, me.role)),
    passwordForm(ctx),
    me.must_change_password ? null : totpSection(me),
    !me.must_change_password && ctx.allowed('token.manage') ? tokensSection() : null);
}
