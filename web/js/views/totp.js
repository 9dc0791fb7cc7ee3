// Two-factor setup: ask the server for a new secret, show it (grouped base32, the otpauth URI
// and a QR code drawn here, no outside service), then confirm with a code from the app.
import { api } from '../api.js';
import { h, field, page, showError, clearErrors, busy, notice, errorBlock, focusOn } from '../dom.js';
import { t } from '../i18n.js';
import { qrSvg } from '../qr.js';

function groups(secret) {
  return String(secret).replace(/\s+/g, '').match(/.{1,4}/g).join(' ');
}

export async function render(ctx) {
  const out = h('div', { class: 'totp-setup' });
  const intro = [
    h('p', { class: 'lead' }, t('totp.intro')),
    ctx.me && ctx.me.totp_enabled ? notice('info', t('totp.already')) : null,
  ];
  const start = h('button', { type: 'button', class: 'primary' }, t('totp.start'));
  start.addEventListener('click', async () => {
    start.disabled = true;
    try {
      const data = await api.post('/api/v1/session/totp/setup', {});
      start.hidden = true;
      out.replaceChildren(secretPart(data), confirmForm(ctx));
      out.querySelector('h2').focus();
    } catch (e) {
      out.replaceChildren(errorBlock(e));
      start.disabled = false;
    }
  });
  return page(t('totp.title'), ...intro, h('div', { class: 'actions' }, start), out);
}

function secretPart(data) {
  let qr = null;
  try {
    qr = qrSvg(data.uri, t('totp.qr_label'));
  } catch {
    qr = null; // too long for the versions we draw: the text below is enough
  }
  return h('section', { class: 'card' },
    h('h2', { tabindex: '-1' }, t('totp.step1')),
    h('p', {}, t('totp.scan')),
    qr ? h('div', { class: 'qr' }, qr) : null,
    h('p', {}, t('totp.type')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('totp.secret')),
      h('dd', {}, h('code', { class: 'secret-value', dir: 'ltr', translate: 'no' }, groups(data.secret))),
      h('dt', {}, t('totp.uri')),
      h('dd', {}, h('code', { class: 'uri', dir: 'ltr', translate: 'no' }, data.uri))));
}

function confirmForm(ctx) {
  const form = h('form', { class: 'form narrow card', novalidate: true },
    h('h2', {}, t('totp.step2')),
    field({ name: 'code', label: t('totp.code'), required: true,
      attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('totp.confirm'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const code = form.elements.code.value.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(code)) {
      showError(form, { code: 'invalid', field: 'code' }, t('totp.code_format'));
      return;
    }
    await busy(form, async () => {
      try {
        await api.post('/api/v1/session/totp/confirm', { code });
        await ctx.refreshMe();
        const done = notice('success', t('totp.done'), ' ', h('a', { href: '#/home' }, t('nav.home')));
        form.replaceWith(done);
        focusOn(done);
      } catch (e) {
        // A refused code comes back as invalid (or, on some servers, as totp_required).
        const refused = e.code === 'invalid' || e.code === 'totp_required' || e.code === 'unauthenticated';
        showError(form, { ...e, field: 'code' }, refused ? t('error.totp_required') : undefined);
      }
    });
  });
  return form;
}
