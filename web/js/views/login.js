// Login: username and password; a one-time code when the server asks for it (401
// totp_required); then home, or two-factor setup when the server requires enrolment.
import { api } from '../api.js';
import { h, field, page, showError, clearErrors, busy, formValues } from '../dom.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  if (ctx.me) {
    ctx.navigate('home');
    return page(t('login.title'));
  }
  const codeField = field({
    name: 'totp', label: t('login.totp'), hint: t('login.totp_hint'), hidden: true,
    attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6' },
  });
  const form = h('form', { class: 'form narrow', novalidate: true },
    field({ name: 'username', label: t('login.username'), required: true,
      attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } }),
    field({ name: 'password', label: t('login.password'), type: 'password', required: true,
      attrs: { autocomplete: 'current-password' } }),
    codeField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('login.submit'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formValues(form);
    const body = { username: v.username, password: form.elements.password.value };
    if (!codeField.hidden && v.totp) body.totp = v.totp;
    if (!v.username || !body.password) {
      showError(form, { code: 'invalid', field: v.username ? 'password' : 'username' }, t('login.missing'));
      return;
    }
    await busy(form, async () => {
      try {
        const data = await api.post('/api/v1/session', body, { quiet401: true });
        await ctx.afterLogin(Boolean(data && data.mfa_enroll_required));
      } catch (e) {
        if (e.code === 'totp_required') {
          const first = codeField.hidden;
          codeField.hidden = false;
          showError(form, { ...e, field: 'totp' }, first ? t('login.totp_needed') : t('error.totp_required'));
        } else if (e.code === 'unauthenticated') {
          showError(form, { code: e.code }, t('login.failed'));
        } else {
          showError(form, e);
        }
      }
    });
  });
  // The public tip form is for people without an account: after the sign-in form, so that
  // staff reach the username first.
  return page(t('login.title'), h('p', { class: 'lead' }, t('login.intro')), form,
    h('p', { class: 'hint' }, t('login.notice')),
    h('p', { class: 'report-link' }, h('a', { href: '#/report' }, t('report.link'))),
    h('p', { class: 'report-link' }, h('a', { href: '#/published' }, t('published.link'))));
}
